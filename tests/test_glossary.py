"""The glossary library: editing with provenance, term files, the default glossary, checks."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tm import glossary as g
from tm.errors import ConflictError, FormatError, InputError, NotFoundError
from tm.formats.tbx import read_tbx, tbx_bytes
from tm.normalize import ARABIC_LETTER, arabic_share
from tm.store import Store
from tm.termcheck import CheckReport, Pair, check, document_pairs, pairs_for, read_pairs
from tm.terms import TermMatcher

SHIPPED_TSV = (
    "ar\ten\tvariants\tforbidden\tnote\talternatives\n"
    "الحرس الثوري\tRevolutionary Guards\tحرس الثورة\tRevolutionary Guard army\tIran\tIRGC\n"
    "المرشد الأعلى\tSupreme Leader\t\tSupreme Guide\t\t\n"
)


@pytest.fixture(autouse=True)
def shipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A small stand-in for the shipped glossaries/ folder."""
    folder = tmp_path / "shipped"
    folder.mkdir()
    (folder / "political.tsv").write_text(SHIPPED_TSV, encoding="utf-8")
    monkeypatch.setattr(g, "shipped_glossary_dir", lambda: folder)
    return folder


def rec(ar: str, en: str, **kw: object) -> g.Record:
    return g.Record(ar, en, **kw)  # type: ignore[arg-type]


def snapshot(store: Store) -> list[dict]:
    return [e.as_json() for e in g.list_entries(store)]


# -- the default glossary -------------------------------------------------------------------


def test_fresh_store_gets_the_political_glossary(store: Store) -> None:
    entries = g.list_entries(store, "political")
    assert [(e.ar, e.en) for e in entries] == [
        ("الحرس الثوري", "Revolutionary Guards"),
        ("المرشد الأعلى", "Supreme Leader"),
    ]
    irgc = entries[0]
    assert irgc.variants == ["حرس الثورة"]
    assert irgc.forbidden == ["Revolutionary Guard army"]
    assert irgc.alternatives == ["IRGC"]
    assert irgc.note == "Iran"
    assert irgc.created_by == g.SHIPPED_AUTHOR
    assert [i.name for i in g.glossaries(store)] == ["political"]


def test_default_is_loaded_once_and_not_again_after_its_entries_are_removed(store: Store) -> None:
    assert g.ensure_default(store) is True
    assert g.ensure_default(store) is False
    g.remove(store, "political", "الحرس الثوري")
    g.remove(store, "political", "المرشد الأعلى")
    assert g.ensure_default(store) is False
    assert g.list_entries(store, "political") == []


def test_default_loaded_in_a_second_process_is_not_duplicated(tmp_path: Path) -> None:
    a = Store.open(tmp_path / "shared.db")
    b = Store.open(tmp_path / "shared.db")
    try:
        assert g.ensure_default(a) is True
        assert g.ensure_default(b) is False
        assert len(g.list_entries(b, "political")) == 2
    finally:
        a.close()
        b.close()


def test_default_loading_races_safely(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two connections both see no default, then both try to load it: exactly one does."""
    path = tmp_path / "race.db"
    Store.open(path).close()
    barrier = threading.Barrier(2, timeout=10)
    real_read = g.read_terms_file

    def read_then_wait(p: Path) -> list[g.Record]:
        records = real_read(p)
        barrier.wait()
        return records

    monkeypatch.setattr(g, "read_terms_file", read_then_wait)
    results: list[bool] = []

    def load() -> None:
        with Store.open(path) as s:
            results.append(g.ensure_default(s))

    threads = [threading.Thread(target=load) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False, True]
    with Store.open(path) as s:
        assert len(g.list_entries(s, "political")) == 2


def test_no_shipped_file_means_no_default(store: Store, monkeypatch: pytest.MonkeyPatch,
                                          tmp_path: Path) -> None:
    monkeypatch.setattr(g, "shipped_glossary_dir", lambda: tmp_path / "nowhere")
    assert g.ensure_default(store) is False
    assert g.glossaries(store) == []


def test_the_real_shipped_glossary_parses(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.undo()
    path = g.shipped_glossary_dir() / "political.tsv"
    if not path.is_file():
        pytest.skip("glossaries/political.tsv is not there yet")
    records = g.read_terms_file(path)
    assert len(records) >= 10
    assert all(r.ar.strip() and r.en.strip() for r in records)
    assert g.shipped_glossary_dir() == Path(g.__file__).resolve().parents[1] / "glossaries"


# -- editing ----------------------------------------------------------------------------------


def test_add_and_show_by_form_variant_or_spelling(store: Store) -> None:
    e = g.add(store, "desk", rec("تنظيم الدولة", "Islamic State", variants=["داعش"], alternatives=["ISIS"]),
              author="amal")
    assert (e.glossary, e.created_by, e.updated, e.updated_by) == ("desk", "amal", None, None)
    assert g.show(store, "desk", "تَنظيم الدّولة").en == "Islamic State"  # tashkeel ignored
    assert g.show(store, "desk", "داعش").ar == "تنظيم الدولة"  # found by variant
    with pytest.raises(NotFoundError, match="no entry"):
        g.show(store, "desk", "حزب الله")
    with pytest.raises(NotFoundError, match="No glossary 'nope'"):
        g.show(store, "nope", "داعش")


@pytest.mark.parametrize("spelling", ["المرشد الأعلى", "المرشد الاعلى", "المُرشد الأعلى", "المرشد  الأعلى"],
                         ids=["same", "hamza", "tashkeel", "spaces"])
def test_add_refuses_a_colliding_key_unless_forced(store: Store, spelling: str) -> None:
    before = snapshot(store)
    with pytest.raises(ConflictError, match="--force"):
        g.add(store, "political", rec(spelling, "Supreme Guide"), author="amal")
    assert snapshot(store) == before
    e = g.add(store, "political", rec(spelling, "Leader", alternatives=["Supreme Leader"]), author="amal",
              force=True)
    assert (e.en, e.alternatives) == ("Leader", ["Supreme Leader"])
    assert (e.created_by, e.updated_by) == (g.SHIPPED_AUTHOR, "amal")
    assert e.updated is not None
    assert len(g.list_entries(store, "political")) == 2


def test_edit_changes_only_given_fields_and_keeps_who_and_when(store: Store) -> None:
    first = g.add(store, "desk", rec("حزب الله", "Hezbollah", alternatives=["Hizbullah"], note="Lebanon"),
                  author="amal")
    e = g.edit(store, "desk", "حزب الله", forbidden=["Party of God"], author="omar")
    assert (e.en, e.alternatives, e.forbidden) == ("Hezbollah", ["Hizbullah"], ["Party of God"])
    assert e.note == "Lebanon"
    assert (e.created, e.created_by) == (first.created, "amal")
    assert e.updated_by == "omar" and e.updated is not None
    e = g.edit(store, "desk", "حزب الله", note="", alternatives=[], author="omar")
    assert (e.note, e.alternatives) == (None, [])
    with pytest.raises(NotFoundError):
        g.edit(store, "desk", "حماس", en="Hamas")


def test_edit_into_an_existing_key_is_refused(store: Store) -> None:
    g.add(store, "desk", rec("حماس", "Hamas"))
    g.add(store, "desk", rec("فتح", "Fatah"))
    with pytest.raises(ConflictError):
        g.edit(store, "desk", "فتح", new_ar="حماس")


UNSTORABLE = [
    ("swapped", rec("Hezbollah", "حزب الله"), "The Arabic term 'Hezbollah' has no Arabic letter and the English "
     "'حزب الله' is in Arabic script, so the two look swapped"),
    ("latin-term", rec("G20", "Group of Twenty"), "The Arabic term 'G20' has no Arabic letter"),
    ("arabic-english", rec("حزب", "حزب الله"), "The English rendering 'حزب الله' of 'حزب' is mostly Arabic script"),
    ("control-note", rec("حماس", "Hamas", note="a\x0bb"),
     "The note of 'حماس' contains the control character U+000B, which a TBX (XML 1.0) file cannot hold"),
    ("control-term", rec("حما\x01س", "Hamas"), "The Arabic term 'حما\\x01س' contains the control character U+0001"),
    ("control-variant", rec("حماس", "Hamas", variants=["حما\x0bس"]), "The variant 'حما\\x0bس' of 'حماس'"),
    ("control-alternative", rec("حماس", "Hamas", alternatives=["Ha\x1fmas"]), "The alternative 'Ha\\x1fmas'"),
    ("surrogate", rec("حماس", "Ha\udce9mas"), "The English rendering of 'حماس' contains the control character U+DCE9"),
]


@pytest.mark.parametrize("term,message", [u[1:] for u in UNSTORABLE], ids=[u[0] for u in UNSTORABLE])
def test_add_and_edit_refuse_swapped_columns_and_control_characters(store: Store, term: g.Record,
                                                                    message: str) -> None:
    before = snapshot(store)
    with pytest.raises(InputError) as err:
        g.add(store, "political", term)
    assert str(err.value).startswith(message) and "\n" not in str(err.value), str(err.value)
    with pytest.raises(InputError) as err:
        g.edit(store, "political", "المرشد الأعلى", new_ar=term.ar, en=term.en, variants=term.variants,
               alternatives=term.alternatives, note=term.note)
    assert str(err.value).startswith(message), str(err.value)
    assert snapshot(store) == before


def test_tbx_export_of_text_stored_before_it_was_refused_is_one_error(store: Store, tmp_path: Path) -> None:
    g.add(store, "desk", rec("حماس", "Hamas"))
    with store.transaction() as conn:
        conn.execute("UPDATE glossary_entries SET note = ? WHERE ar = 'حماس'", ("a\x0bb",))
    path = tmp_path / "desk.tbx"
    with pytest.raises(InputError) as err:
        g.export_file(store, "desk", path)
    assert str(err.value) == ("The note of 'حماس' contains the character U+000B, which XML 1.0 cannot hold; "
                              "remove it before exporting.")
    assert not path.exists()
    assert g.edit(store, "desk", "حماس", note="").note is None  # the way out


@pytest.mark.parametrize("term", [rec(" ", "x"), rec("حماس", ""), rec("َ", "x"), rec("حماس", "Hamas",
                         alternatives=["a|b"])], ids=["empty-ar", "empty-en", "only-tashkeel", "pipe"])
def test_add_rejects_unusable_terms(store: Store, term: g.Record) -> None:
    with pytest.raises(InputError):
        g.add(store, "desk", term)


def test_remove(store: Store) -> None:
    gone = g.remove(store, "political", "حرس الثورة")  # by variant
    assert gone.en == "Revolutionary Guards"
    assert [e.ar for e in g.list_entries(store)] == ["المرشد الأعلى"]
    with pytest.raises(NotFoundError):
        g.remove(store, "political", "حرس الثورة")


# -- term files ---------------------------------------------------------------------------------

GOOD_CSV = 'ar,en,variants,forbidden,note,alternatives\nحماس,Hamas,,,"Palestinian, Gaza",\n'

BAD_FILES = [
    ("no-en.csv", b"ar,english\n\xd8\xad\xd9\x85\xd8\xa7\xd8\xb3,Hamas\n", "line 1", "no 'en' column"),
    ("empty.csv", "ar,en\nحماس,Hamas\n\nفتح,\n".encode(), "line 4", "'en' column is empty"),
    ("latin1.tsv", "ar\ten\nحماس\tHamas\n".encode() + b"caf\xe9\tcafe\n", "line 3", "not UTF-8"),
    ("dup.tsv", "ar\ten\nحماس\tHamas\nفتح\tFatah\nحَماس\tHamas movement\n".encode(), "line 4", "line 2"),
    ("wide.csv", "ar,en\nحماس,Hamas,extra\n".encode(), "line 2", "3 fields"),
    ("unknown.csv", "ar,en,forbiden\nحماس,Hamas,x\n".encode(), "line 1", "unknown column 'forbiden'"),
    ("broken.tbx", b'<?xml version="1.0"?>\n<tbx type="TBX-Basic">\n<text><body>\n<conceptEntry>\n</body>',
     "line 5", "not well-formed"),
    ("no-en.tbx", '<tbx type="TBX-Basic"><text><body>\n<conceptEntry id="c1"><langSec xml:lang="ar">'
     "<termSec><term>حماس</term></termSec></langSec></conceptEntry></body></text></tbx>".encode(),
     "line 2", "no English"),
    ("empty-term.tbx", '<tbx type="TBX-Basic"><text><body><conceptEntry id="c1">\n<langSec xml:lang="ar">'
     '<termSec><term>حماس</term></termSec></langSec>\n<langSec xml:lang="en"><termSec><term> </term>'
     "</termSec></langSec></conceptEntry></body></text></tbx>".encode(), "line 3", "empty"),
    ("not-tbx.xml", b"<html><body/></html>", "line 1", "<html>"),
    ("latin1.tbx", b'<?xml version="1.0" encoding="UTF-8"?>\n<tbx type="TBX-Basic"><text><body>\n'
     b'<conceptEntry id="a"><langSec xml:lang="ar"><termSec><term>\xe9t</term></termSec></langSec>'
     b"</conceptEntry></body></text></tbx>", "line 3", "encoding"),
    ("swapped.csv", "ar,en\nحماس,Hamas\nHezbollah,حزب الله\n".encode(), "line 3", "the two look swapped"),
    ("arabic-en.tsv", "ar\ten\nحزب\tحزب الله\n".encode(), "line 2", "'حزب الله' of 'حزب' is mostly Arabic"),
    ("latin-ar.csv", b"ar,en\nG20,Group of Twenty\n", "line 2", "'G20' has no Arabic letter"),
    ("control-note.csv", 'ar,en,note\nحماس,Hamas,"a\x0cb"\n'.encode(), "line 2",
     "the note of 'حماس' contains the control character U+000C"),
    ("control-term.tsv", "ar\ten\nفتح\tFatah\nحما\x01س\tHamas\n".encode(), "line 3", "U+0001"),
    ("unterminated.csv", 'ar,en\nحماس,Hamas\nفتح,Fatah\n"حزب,Hezbollah\nقطر,Qatar\n'.encode(), "line 4",
     'a quoted cell starts on this line and its closing " is missing'),
    ("bad-utf16.tsv", "ar\ten\n".encode("utf-16") + "حماس\tHamas\n".encode("utf-16-le")[:-2] + b"\x00\xd8",
     "line 2", "not valid UTF-16"),
    ("pipe.tbx", '<tbx type="TBX-Basic"><text><body><conceptEntry id="c1">\n<langSec xml:lang="ar"><termSec>'
     '<term>حزب الله</term></termSec></langSec>\n<langSec xml:lang="en"><termSec><term>Hezbollah</term></termSec>'
     "\n<termSec><term>Hizb | Allah</term></termSec></langSec></conceptEntry></body></text></tbx>".encode(),
     "line 4", "an alternative of 'حزب الله', 'Hizb | Allah', contains '|'"),
]


@pytest.mark.parametrize("filename,data,line,message", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_import_is_all_or_nothing(store: Store, tmp_path: Path, filename: str, data: bytes, line: str,
                                  message: str) -> None:
    before = snapshot(store)
    path = tmp_path / filename
    path.write_bytes(data)
    with pytest.raises(FormatError) as err:
        g.import_file(store, path, "political", author="amal")
    assert line in str(err.value) and message in str(err.value), str(err.value)
    assert str(path) in str(err.value)
    assert snapshot(store) == before


def test_import_merges_and_replace_removes(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "desk.tsv"
    path.write_text("ar\ten\talternatives\nالمرشد الأعلى\tSupreme Leader\t\nحماس\tHamas\tHamas movement\n"
                    "الحرس الثوري\tIRGC\t\n", encoding="utf-8")
    result = g.import_file(store, path, "political", author="amal")
    # المرشد الأعلى keeps its forbidden rendering: the file has no forbidden column
    assert (result.added, result.updated, result.unchanged, result.removed) == (1, 1, 1, 0)
    irgc = g.show(store, "political", "الحرس الثوري")
    assert (irgc.en, irgc.updated_by, irgc.created_by) == ("IRGC", "amal", g.SHIPPED_AUTHOR)
    assert (irgc.alternatives, irgc.forbidden, irgc.note) == ([], ["Revolutionary Guard army"], "Iran")
    path.write_text("ar\ten\nحماس\tHamas movement\n", encoding="utf-8")
    result = g.import_file(store, path, "political", author="amal", replace=True)
    assert (result.added, result.updated, result.removed) == (0, 1, 2)
    assert g.show(store, "political", "حماس").alternatives == ["Hamas movement"]
    assert [e.ar for e in g.list_entries(store, "political")] == ["حماس"]


KEEP = {"variants": ["حزب الله اللبناني"], "forbidden": ["Party of God"], "alternatives": ["Hizbullah"],
        "note": "Lebanon"}
MISSING_COLUMNS = [
    ("ar-en-only", "ar,en\nحزب الله,Hezbollah\n", {}, "unchanged"),
    ("empty-note-clears", "ar,en,note\nحزب الله,Hezbollah,\n", {"note": None}, "updated"),
    ("empty-lists-clear", "ar,en,variants,forbidden,alternatives\nحزب الله,Hezbollah,,,\n",
     {"variants": [], "forbidden": [], "alternatives": []}, "updated"),
    ("one-list-given", "ar\ten\tforbidden\nحزب الله\tHezbollah\tHizballah\n", {"forbidden": ["Hizballah"]},
     "updated"),
    ("en-changes-lists-stay", "en,ar\nHizbullah party,حزب الله\n", {"en": "Hizbullah party"}, "updated"),
]


@pytest.mark.parametrize("text,changed,count", [c[1:] for c in MISSING_COLUMNS], ids=[c[0] for c in MISSING_COLUMNS])
def test_a_column_the_file_lacks_leaves_that_field_alone(store: Store, tmp_path: Path, text: str,
                                                         changed: dict, count: str) -> None:
    g.add(store, "desk", rec("حزب الله", "Hezbollah", **KEEP))
    path = tmp_path / ("t.tsv" if "\t" in text else "t.csv")
    path.write_text(text, encoding="utf-8")
    result = g.import_file(store, path, "desk")
    assert getattr(result, count) == 1 and result.added == 0
    e = g.show(store, "desk", "حزب الله")
    assert {k: getattr(e, k) for k in ("en", *KEEP)} == {"en": "Hezbollah", **KEEP, **changed}
    assert g.import_file(store, path, "fresh").added == 1  # a new entry has only what the file gives
    fresh = g.show(store, "fresh", "حزب الله")
    assert (fresh.variants, fresh.note) == ([], None)


def test_a_kept_field_that_contradicts_the_file_names_the_line(store: Store, tmp_path: Path) -> None:
    g.add(store, "desk", rec("حزب الله", "Hezbollah", forbidden=["Hizballah"]))
    before = snapshot(store)
    path = tmp_path / "t.csv"
    path.write_text("ar,en\nحماس,Hamas\nحزب الله,Hizballah\n", encoding="utf-8")
    with pytest.raises(FormatError) as err:
        g.import_file(store, path, "desk")
    message = str(err.value)
    assert message.startswith(f"{path}, line 3: the forbidden rendering 'Hizballah' of 'حزب الله' is also")
    assert "the file has no alternatives/forbidden/note/variants column, so the stored one was kept" in message
    assert snapshot(store) == before


EMPTY_FILES = [
    ("header.csv", "ar,en,note\n"),
    ("header.tsv", "ar\ten\n\n"),
    ("empty-body.tbx", '<?xml version="1.0"?>\n<tbx type="TBX-Basic" xmlns="urn:iso:std:iso:30042:ed-2">'
     "<tbxHeader/><text><body/></text></tbx>\n"),
]


@pytest.mark.parametrize("name,text", EMPTY_FILES, ids=[e[0] for e in EMPTY_FILES])
def test_replace_refuses_a_file_without_entries(store: Store, tmp_path: Path, name: str, text: str) -> None:
    before = snapshot(store)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        g.import_file(store, path, "political", replace=True)
    assert str(err.value) == (f"{path} holds no entries, and importing it with --replace would empty glossary "
                              "'political'; nothing was changed.")
    assert snapshot(store) == before
    assert g.import_file(store, path, "political").added == 0  # without --replace it changes nothing anyway


UTF16 = [
    ("le-bom.tsv", "utf-16-le", "ar\ten\tnote\r\nحماس\tHamas\tغزة\r\n"),
    ("be-bom.csv", "utf-16-be", 'ar,en,note\nحماس,Hamas,"غزة"\n'),
    ("no-extension", "utf-16-le", "ar\ten\tnote\nحماس\tHamas\tغزة\n"),
]


@pytest.mark.parametrize("name,encoding,text", UTF16, ids=[u[0] for u in UTF16])
def test_utf16_with_a_byte_order_mark_is_read(store: Store, tmp_path: Path, name: str, encoding: str,
                                             text: str) -> None:
    path = tmp_path / name
    path.write_bytes(("\ufeff" + text).encode(encoding))
    assert [(r.ar, r.en, r.note, r.line) for r in g.read_terms_file(path)] == [("حماس", "Hamas", "غزة", 2)]
    assert g.import_file(store, path, "desk").added == 1


def test_import_creates_a_glossary_and_reads_any_column_order(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "terms.txt"  # no telling extension: sniffed as CSV
    path.write_text("EN,AR,Note\nHamas,حماس,\"a, b\"\n", encoding="utf-8")
    assert g.import_file(store, path, "desk", author="amal").added == 1
    e = g.show(store, "desk", "حماس")
    assert (e.en, e.note, e.created_by) == ("Hamas", "a, b", "amal")
    assert g.glossaries(store)[-1].source == str(path)


ENTRIES = [
    rec("الحرس الثوري", "Revolutionary Guards", variants=["حرس الثورة", "الحرس الثوري الإيراني"],
        forbidden=["Revolutionary Guard army"], alternatives=["IRGC", "Islamic Revolutionary Guard Corps"],
        note='Say "IRGC" after the first mention, not "the Guards".'),
    rec("الأمم المتحدة", "United Nations", alternatives=["UN"]),
    rec("مجلس الأمن", "Security Council", note="Comma, semicolon; and \"quotes\""),
]


@pytest.mark.parametrize("fmt", ["csv", "tsv", "tbx"])
def test_export_then_import_round_trips(store: Store, tmp_path: Path, fmt: str) -> None:
    for e in ENTRIES:
        g.add(store, "desk", e, author="amal")
    path = tmp_path / f"desk.{fmt}"
    assert g.export_file(store, "desk", path) == 3
    assert path.read_bytes().startswith(b"\xef\xbb\xbf") is (fmt == "csv")  # for spreadsheets
    records = g.read_terms_file(path)
    keys = ("ar", "en", "variants", "forbidden", "alternatives", "note")
    assert [{k: getattr(r, k) for k in keys} for r in records] == [
        {k: getattr(e, k) for k in keys} for e in ENTRIES
    ]
    g.import_file(store, path, "copy", author="omar")

    def content(name: str) -> list[dict]:
        return [{k: getattr(e, k) for k in keys} for e in g.list_entries(store, name)]

    assert content("copy") == content("desk")


def test_tsv_export_refuses_a_tab_in_a_note(store: Store, tmp_path: Path) -> None:
    g.add(store, "desk", rec("حماس", "Hamas", note="line one\nline two"))
    with pytest.raises(InputError, match="TSV"):
        g.export_file(store, "desk", tmp_path / "desk.tsv")
    assert not (tmp_path / "desk.tsv").exists()


def test_tbx_export_is_tbx_basic_v3(tmp_path: Path) -> None:
    data = tbx_bytes(ENTRIES[:1])
    assert b'<tbx xmlns="urn:iso:std:iso:30042:ed-2"' in data and b'type="TBX-Basic"' in data
    assert b"deprecatedTerm-admn-sts" in data and b"<conceptEntry" in data and b"<langSec" in data


def test_tbx_v2_martif_is_read(tmp_path: Path) -> None:
    path = tmp_path / "old.tbx"
    path.write_text(
        """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX-Basic" xml:lang="ar"><text><body>
  <termEntry id="t1">
    <descrip type="definition">Lebanese party</descrip><note>Lebanon</note>
    <langSet xml:lang="ar"><tig><term>حزب الله</term></tig></langSet>
    <langSet xml:lang="en-GB">
      <tig><term>Party of God</term>
        <termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></tig>
      <tig><term>Hezbollah</term><termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></tig>
      <ntig><termGrp><term>Hizbullah</term></termGrp></ntig>
    </langSet>
  </termEntry>
</body></text></martif>""",
        encoding="utf-8",
    )
    (e,) = read_tbx(path)
    assert (e.ar, e.en, e.alternatives, e.forbidden, e.note, e.line) == (
        "حزب الله", "Hezbollah", ["Hizbullah"], ["Party of God"], "Lebanon", 3)


def _text(letters: str) -> st.SearchStrategy[str]:
    """Short texts of *letters* with marks, spaces and the characters CSV and XML quote."""
    return st.text(alphabet=st.sampled_from(list(letters) + list(' ,;"\'<>&')), min_size=1, max_size=12).map(
        lambda s: " ".join(s.split())).filter(bool)


# Arabic terms (Arabic letters first: the filter below rarely drops one) and English renderings (Latin
# letters, a few Arabic ones among them): generated in the right script rather than filtered into it.
_ARABIC = _text("ابتثجحخدذرسشصضطظعغفقكلمنهويءآأإىة ًَُِّ")
_ENGLISH = _text("aZqHx-" + "بة")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ar=_ARABIC.filter(ARABIC_LETTER.search), en=_ENGLISH.filter(lambda s: arabic_share(s) <= 0.5),
       alts=st.lists(_ENGLISH, max_size=2, unique=True),
       note=st.one_of(st.none(), _ARABIC, _ENGLISH))
@pytest.mark.parametrize("fmt", ["csv", "tbx"])
def test_term_files_round_trip_any_text(tmp_path: Path, fmt: str, ar: str, en: str, alts: list[str],
                                        note: str | None) -> None:
    assume(en not in alts)  # an alternative equal to the required rendering is no alternative
    path = tmp_path / f"t.{fmt}"
    path.write_bytes(g.dumps([rec(ar, en, alternatives=alts, note=note)], fmt))
    (r,) = g.read_terms_file(path)
    assert (r.ar, r.en, r.alternatives, r.note) == (ar, en, alts, note)


# -- load_terms ------------------------------------------------------------------------------


def test_load_terms_from_names_and_files(store: Store, tmp_path: Path) -> None:
    assert [t.en for t in g.load_terms(store)] == ["Revolutionary Guards", "Supreme Leader"]
    path = tmp_path / "mine.csv"
    path.write_text("ar,en\nالمرشد الاعلى,Leader\nحماس,Hamas\n", encoding="utf-8")
    terms = g.load_terms(store, ["political", str(path)])
    assert sorted(t.en for t in terms) == ["Hamas", "Leader", "Revolutionary Guards"]  # later spec wins
    assert [t.en for t in g.load_terms(None, [str(path)])] == ["Leader", "Hamas"]
    with pytest.raises(NotFoundError, match="nope"):
        g.load_terms(store, ["nope"])


LATER_WINS = [
    # (specs, desk file, Arabic, the English its hit requires)
    ("later-term-is-earlier-variant", ["political", "desk"], "ar,en\nحرس الثورة,Guards of the Revolution\n",
     "قال حرس الثورة والحرس الثوري", ["Guards of the Revolution", "Revolutionary Guards"]),
    ("later-variant-is-earlier-variant", ["political", "desk"], "ar,en,variants\nالحرس,Guard,حرس الثورة\n",
     "قال حرس الثورة", ["Guard"]),
    ("later-variant-is-earlier-term", ["political", "desk"], "ar,en,variants\nالحرس,Guard,الحرس الثوري\n",
     "قال الحرس الثوري وحرس الثورة", ["Guard"]),  # the earlier entry gives way, variants and all
    ("same-term", ["political", "desk"], "ar,en\nالحرس الثوري,IRGC\n", "قال الحرس الثوري وحرس الثورة", ["IRGC"]),
    ("earlier-file-loses", ["desk", "political"], "ar,en\nحرس الثورة,Guards of the Revolution\n",
     "قال حرس الثورة", ["Revolutionary Guards"]),
]


@pytest.mark.parametrize("specs,desk,text,expected", [c[1:] for c in LATER_WINS], ids=[c[0] for c in LATER_WINS])
def test_a_later_spec_wins_every_spelling_it_shares(store: Store, tmp_path: Path, specs: list[str], desk: str,
                                                    text: str, expected: list[str]) -> None:
    path = tmp_path / "desk.csv"
    path.write_text(desk, encoding="utf-8")
    terms = g.load_terms(store, [str(path) if s == "desk" else s for s in specs])
    assert [h.term.en for h in TermMatcher(terms).find(text)] == expected
    shipped = next(t for t in g.load_terms(store) if t.ar == "الحرس الثوري")
    assert shipped.variants == ("حرس الثورة",)  # the store is untouched


# -- check ---------------------------------------------------------------------------------------

TERMS = [
    rec("الحرس الثوري", "Revolutionary Guards", alternatives=["IRGC"],
        forbidden=["Revolutionary Guard army"]),
    rec("المرشد الأعلى", "Supreme Leader"),
]


def run_check(pairs: list[tuple[str, str | None]], allow_untranslated: bool = False) -> CheckReport:
    # plain tuples are numbered from 1
    return check(pairs, [g.to_term(t) for t in TERMS], allow_untranslated=allow_untranslated)


def test_check_passes_required_renderings_and_alternatives() -> None:
    report = run_check([
        ("قال الحرس الثوري إن", "The Revolutionary Guards said that"),
        ("وأعلن الحرس الثوري", "The IRGC announced"),
        ("بلا مصطلحات", "No terms"),
        ("المرشد الأعلى", None),
    ], allow_untranslated=True)
    assert report.ok, report.as_json()
    assert (report.segments, report.untranslated, len(report.checks)) == (4, 1, 2)



@pytest.mark.parametrize(("alternative", "english"), [
    ("Islamic State group", "The Islamic State group claimed the attack."),
    ("so-called Islamic State", "The so-called Islamic State claimed the attack."),
], ids=["shorter-at-the-start", "shorter-at-the-end"])  # fmt: skip
def test_a_rendering_found_only_inside_a_longer_one_is_not_counted(alternative: str, english: str) -> None:
    from tm.terms import Term

    term = Term("الدولة الإسلامية", "Islamic State", alternatives=(alternative,))
    (found,) = check([("تبنى تنظيم الدولة الإسلامية الهجوم.", english)], [term]).checks
    assert (found.rendered, found.renderings) == (alternative, [alternative])
    (both,) = check([("تبنى تنظيم الدولة الإسلامية الهجوم.", f"{english} Islamic State said.")], [term]).checks
    assert both.renderings == ["Islamic State", alternative]

def test_check_flags_wrong_forbidden_and_inconsistent_renderings() -> None:
    report = run_check([
        ("قال الحرس الثوري", "The Revolutionary Guards said"),
        ("وقال المرشد الأعلى", "The supreme guide said"),
        ("هاجم الحرس الثوري", "The Revolutionary Guard army attacked"),
    ])
    assert not report.ok
    assert [(c.segment, c.en) for c in report.missing] == [(2, "Supreme Leader"), (3, "Revolutionary Guards")]
    assert [(c.segment, c.forbidden) for c in report.forbidden] == [(3, ["Revolutionary Guard army"])]
    (inc,) = report.inconsistencies
    assert (inc.ar, inc.rendered_in, inc.violated_in) == ("الحرس الثوري", [1], [3])
    data = report.as_json()
    assert data["ok"] is False and (data["missing"], data["forbidden"], data["inconsistent"]) == (2, 1, 1)
    json.dumps(data)


def test_check_a_stored_document_uses_the_latest_human_translation(store: Store) -> None:
    with store.transaction() as conn:
        doc, segs = store.add_document(conn, name="art", path=None, sha256="x", prefix="",
                                       segments=[("قال المرشد الأعلى", " ", 1), ("بلا مصطلحات", "", 1)])
        store.add_translation(conn, segs[0].id, origin="mt", text="The Supreme Guide said")
    terms = [g.to_term(t) for t in TERMS]
    assert not check(document_pairs(store, "art"), terms).ok
    with store.transaction() as conn:
        store.add_translation(conn, segs[0].id, origin="human", text="The Supreme Leader said", author="amal")
    report = check(pairs_for(store, "art"), terms, allow_untranslated=True)  # segment 2 has no English
    assert report.ok and report.segments == 2
    with pytest.raises(NotFoundError):
        pairs_for(store, "no-such-doc")


def test_read_pairs_jsonl_and_tsv(tmp_path: Path) -> None:
    jsonl = tmp_path / "d.jsonl"
    jsonl.write_text('{"index": 1, "source": "أ", "target": "A"}\n\n'
                     '{"index": 2, "source": "ب", "target": null}\n', encoding="utf-8")
    assert read_pairs(jsonl) == [Pair(1, "أ", "A"), Pair(2, "ب", None)]
    tsv = tmp_path / "d.tsv"
    tsv.write_text("ar\ten\nأ\tA\r\nب\t\n", encoding="utf-8")
    assert read_pairs(tsv) == [Pair(1, "أ", "A"), Pair(2, "ب", None)]
    jsonl.write_text('{"source": "أ", "target": "A"}\n{"target": "B"}\n', encoding="utf-8")
    with pytest.raises(FormatError, match="line 2"):
        read_pairs(jsonl)
    tsv.write_text("أ\tA\tB\n", encoding="utf-8")
    with pytest.raises(FormatError, match="line 1"):
        read_pairs(tsv)


# -- refusing what a gate cannot read ------------------------------------------------------

UNREADABLE_PAIRS = [
    ("plain.txt", "قال الحرس الثوري\nوأعلن المرشد الأعلى\n", "line 1", "no tab"),
    ("late.tsv", "ar\ten\nأ\tA\nب\n", "line 3", "no tab"),
    ("empty.txt", "", "", "is empty"),
    ("blank.tsv", "\n \n", "", "is empty"),
    ("header.tsv", "ar\ten\n", "", "only a header"),
    ("empty.jsonl", "\n", "", "is empty"),
]


@pytest.mark.parametrize("name,text,line,message", UNREADABLE_PAIRS, ids=[u[0] for u in UNREADABLE_PAIRS])
def test_read_pairs_refuses_a_file_that_is_not_pairs(tmp_path: Path, name: str, text: str, line: str,
                                                     message: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_pairs(path)
    assert message in str(err.value) and line in str(err.value) and str(path) in str(err.value)


def test_pairs_for_a_directory_says_so_unless_a_document_has_its_name(store: Store, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "adir").mkdir()
    with pytest.raises(InputError, match="adir is a directory"):
        pairs_for(store, "adir")
    with store.transaction() as conn:
        store.add_document(conn, name="adir", path=None, sha256="x", prefix="", segments=[("قال", "", 1)])
    assert [p.source for p in pairs_for(store, "adir")] == ["قال"]


UNTRANSLATED = [
    # (pairs, allow_untranslated, ok, untranslated segments, translated)
    ([("قال الحرس الثوري", "The Revolutionary Guards said")], False, True, [], 1),
    ([("قال الحرس الثوري", "The Revolutionary Guards said"), ("المرشد الأعلى", None)], False, False, [2], 1),
    ([("قال الحرس الثوري", "The Revolutionary Guards said"), ("المرشد الأعلى", "  ")], True, True, [2], 1),
    ([("قال الحرس الثوري", None), ("بلا مصطلحات", None)], False, False, [1, 2], 0),
    ([("قال الحرس الثوري", None), ("بلا مصطلحات", None)], True, False, [1, 2], 0),
    ([("بلا مصطلحات", None)], True, False, [1], 0),
    ([], True, False, [], 0),
    ([("قال الحرس الثوري", "The Revolutionary Guards said"), (" ", None)], False, True, [], 1),
]


@pytest.mark.parametrize("pairs,allow,ok,untranslated,translated", UNTRANSLATED,
                         ids=["translated", "one-missing", "one-allowed", "none", "none-allowed",
                              "none-without-terms", "no-segments", "blank-source"])
def test_untranslated_segments_fail_the_gate(pairs: list[tuple[str, str | None]], allow: bool, ok: bool,
                                             untranslated: list[int], translated: int) -> None:
    report = run_check(pairs, allow_untranslated=allow)
    assert report.ok is ok
    assert (report.untranslated_segments, report.untranslated, report.translated) == (
        untranslated, len(untranslated), translated)
    data = report.as_json()
    assert (data["ok"], data["untranslated_segments"], data["allow_untranslated"]) == (ok, untranslated, allow)
    assert report.nothing_checked is (translated == 0)


# -- contradictory entries ------------------------------------------------------------------

CONTRADICTIONS = [
    rec("جبهة", "Front", forbidden=["Front"]),
    rec("جبهة", "Front", forbidden=["the front"]),
    rec("داعش", "Islamic State", alternatives=["ISIS", "Isil"], forbidden=["Daesh", "ISIL"]),
    rec("جبهة", "Front line", forbidden=["front-line"]),
    rec("ميليشيا", "militia", forbidden=["militias"]),
    rec("جبهة", "Front", variants=["الجبهة"], forbidden=["Fronte", "Frónt"]),
    rec("الناتو", "Nato", forbidden=["NATO"]),
]


@pytest.mark.parametrize("term", CONTRADICTIONS, ids=["same", "article", "alternative-case", "hyphen", "plural",
                                                      "accent", "acronym-forbidden"])
def test_a_rendering_both_accepted_and_forbidden_is_refused(store: Store, tmp_path: Path,
                                                            term: g.Record) -> None:
    before = snapshot(store)
    with pytest.raises(InputError, match="is also (the required rendering|an accepted alternative)"):
        g.add(store, "political", term)
    g.add(store, "political", rec(term.ar, term.en))
    with pytest.raises(InputError, match="--forbidden replaces the whole list"):
        g.edit(store, "political", term.ar, alternatives=term.alternatives, forbidden=term.forbidden)
    g.remove(store, "political", term.ar)
    path = tmp_path / "t.csv"
    path.write_bytes(g.dumps([term], "csv"))
    with pytest.raises(FormatError, match="line 2"):
        g.import_file(store, path, "political")
    with pytest.raises(FormatError, match="line 2"):
        g.load_terms(store, [str(path)])
    assert snapshot(store) == before


@pytest.mark.parametrize("term", [
    rec("داعش", "Islamic State", forbidden=["Islamic State of Iraq"]),
    rec("داعش", "Islamic State of Iraq and the Levant", forbidden=["Islamic State"]),
    rec("داعش", "Islamic State", alternatives=["ISIS"], forbidden=["Daesh", "ISIL"]),
    rec("الناتو", "NATO", forbidden=["Nato"]),  # the check reads an acronym case-sensitively
    rec("داعش", "Islamic State", alternatives=["ISIL"], forbidden=["Isil"]),
], ids=["longer-forbidden", "shorter-forbidden", "distinct", "acronym-case", "acronym-alternative-case"])
def test_renderings_that_differ_are_accepted(store: Store, term: g.Record) -> None:
    assert g.add(store, "political", term).forbidden == term.forbidden


SPELLING_CLASHES = [
    (rec("حزب", "Party", variants=["حزب اللّه"]), "the term of the entry 'حزب الله'"),
    (rec("حزب", "Party", variants=["حزب الله اللبناني"]), "a variant of the entry 'حزب الله'"),
    (rec("حزب الله اللبناني", "Lebanese Hezbollah"), "a variant of the entry 'حزب الله'"),
    (rec("حرس", "Guard", variants=["حَرَس الثورة"]), "a variant of the entry 'الحرس الثوري'"),
]


@pytest.mark.parametrize("term,message", SPELLING_CLASHES, ids=["variant-term", "variant-variant",
                                                                "term-variant", "shipped-variant"])
def test_an_arabic_spelling_belongs_to_one_entry(store: Store, tmp_path: Path, term: g.Record,
                                                 message: str) -> None:
    g.add(store, "political", rec("حزب الله", "Hezbollah", variants=["حزب الله اللبناني"]))
    before = snapshot(store)
    with pytest.raises(ConflictError, match=message):
        g.add(store, "political", term)
    g.add(store, "other", term)  # another glossary is another namespace
    g.add(store, "political", rec("تجربة", "Test"))
    with pytest.raises(ConflictError, match=message):
        g.edit(store, "political", "تجربة", new_ar=term.ar, variants=term.variants)
    g.remove(store, "political", "تجربة")
    path = tmp_path / "t.csv"
    path.write_bytes(g.dumps([rec("فتح", "Fatah"), term], "csv"))
    with pytest.raises(ConflictError) as err:
        g.import_file(store, path, "political")
    assert f"{path}, line 3: " in str(err.value) and message in str(err.value)
    assert [e for e in snapshot(store) if e["glossary"] == "political"] == [
        e for e in before if e["glossary"] == "political"]


def test_a_spelling_clash_inside_a_term_file_names_both_lines(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("ar,en,variants\nتجربة,Test,تجربه\nحماس,Hamas,\nاختبار,Exam,تَجرِبة\n", encoding="utf-8")
    with pytest.raises(FormatError, match=r"line 4: the variant 'تَجرِبة' of 'اختبار' .* on line 2"):
        g.read_terms_file(path)


def test_import_replace_may_resolve_a_clash_and_old_clashes_do_not_block_other_edits(store: Store,
                                                                                   tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("ar,en,variants\nحرس,Guard,حرس الثورة\n", encoding="utf-8")
    with pytest.raises(ConflictError):
        g.import_file(store, path, "political")
    assert g.import_file(store, path, "political", replace=True).removed == 2  # the old owner is gone
    g.add(store, "political", rec("حماس", "Hamas"))
    g.add(store, "political", rec("فتح", "Fatah"))
    with store.transaction() as conn:  # a clash stored before clashes were refused
        conn.execute("UPDATE glossary_entries SET variants = ? WHERE ar = 'حماس'", (json.dumps(["حرس"]),))
    assert g.edit(store, "political", "فتح", en="Fatah movement").en == "Fatah movement"
    assert g.add(store, "political", rec("الجهاد", "Islamic Jihad")).en == "Islamic Jihad"
    with pytest.raises(ConflictError, match="the term of the entry 'حرس'"):  # touching it shows it
        g.edit(store, "political", "حماس", en="Hamas movement")
    assert g.edit(store, "political", "حماس", en="Hamas movement", variants=[]).variants == []


# -- export formats ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["x.xlsx", "glossary", "x.txt"])
def test_export_refuses_an_unknown_extension(store: Store, tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    with pytest.raises(InputError, match=r"\.csv, \.tsv, \.tab, \.tbx, \.xml"):
        g.export_file(store, "political", path)
    assert not path.exists()
    assert g.export_file(store, "political", path, "tsv") == 2  # an explicit format is obeyed
    assert path.read_text(encoding="utf-8").startswith("ar\ten\t")


@pytest.mark.parametrize(("cells", "note"), [
    ('حزب الله\tHezbollah\t"Lebanese party; ""Party of God"""', 'Lebanese party; "Party of God"'),
    ('حزب الله\tHezbollah\t"Party of God"', '"Party of God"'),
    ('حزب الله\tHezbollah\t"Lebanese\tparty"', "Lebanese\tparty"),
], ids=["spreadsheet-quoted", "a-quotation-kept", "tab-inside"])  # fmt: skip
def test_a_spreadsheet_tsv_is_read_as_the_memory_reads_one(tmp_path: Path, cells: str, note: str) -> None:
    """The same rule as `tm memory import`: a cell is unquoted only where a spreadsheet would have quoted it."""
    path = tmp_path / "g.tsv"
    path.write_text(f"ar\ten\tnote\r\n{cells}\r\n", encoding="utf-8")
    (r,) = g.read_terms_file(path)
    assert (r.ar, r.en, r.note) == ("حزب الله", "Hezbollah", note)


@pytest.mark.parametrize(("data", "expected"), [
    ('ar\ten\tnote\nالأمم المتحدة\tUnited Nations\t"line one\nline two"\n',
     "line 3: the 'en' column is empty \\(the quoted cell opened on line 2 seems to hold a line break"),
    ('"ar"\t"en"\nحزب الله\tHezbollah\n', None),
], ids=["line-break-in-a-cell", "quoted-header"])  # fmt: skip
def test_spreadsheet_tsv_headers_and_broken_cells(tmp_path: Path, data: str, expected: str | None) -> None:
    path = tmp_path / "g.tsv"
    path.write_text(data, encoding="utf-8")
    if expected is None:
        assert [(r.ar, r.en) for r in g.read_terms_file(path)] == [("حزب الله", "Hezbollah")]
    else:
        with pytest.raises(FormatError, match=expected):
            g.read_terms_file(path)
