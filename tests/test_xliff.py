"""XLIFF: export a document for a CAT tool, read it back, and import the post-edits as corrections."""

from __future__ import annotations

import io
import json
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

import tm.cli.xliff  # noqa: F401  (registers import-xliff)
from tm.cli import cli
from tm.errors import ConflictError, FormatError, InputError, NotFoundError
from tm.formats.xliff import TM_BASE, TM_NS, XLIFF_NS, import_xliff, read_xliff, write_xliff
from tm.memory import Memory
from tm.store import Store
from tm.workflow import correct_segment

NS = {"x": XLIFF_NS}
SOURCES = ["قال الرئيس إن المحادثات مثمرة.", "  وأضاف: «سنواصل» & <غدا>\n", "انتهى الاجتماع.", "شكرا."]


def _doc(store: Store, name: str = "article"):
    """A document whose segments have: MT then a human fix; a memory match; an MT draft; nothing."""
    with store.transaction() as conn:
        doc, segs = store.add_document(conn, name=name, path=None, sha256="0" * 64, prefix="",
                                       segments=[(s, " ", 1) for s in SOURCES])  # fmt: skip
        add = store.add_translation
        add(conn, segs[0].id, origin="mt", text="The president said the talks were fruitful.",
            engine="opus-mt", model="Helsinki-NLP/opus-mt-ar-en")  # fmt: skip
        add(conn, segs[0].id, origin="human", text="The President said talks were fruitful.", author="sara")
        add(conn, segs[1].id, origin="tm-fuzzy", text="He added: 'we will go on'", match=87.5)
        add(conn, segs[2].id, origin="mt", text="The meeting ended.", engine="opus-mt")
    return doc


def _export(store: Store, doc, path: Path) -> Path:
    assert write_xliff(doc.name, store.segments(doc), path) == len(SOURCES)
    return path


def test_export_states_notes_and_alt_trans(store: Store, tmp_path: Path):
    doc = _doc(store)
    root = etree.parse(str(_export(store, doc, tmp_path / "a.xlf"))).getroot()
    assert root.get("version") == "1.2"
    file_el = root.find("x:file", NS)
    assert dict(file_el.attrib) == {"original": "article", "datatype": "plaintext", "source-language": "ar",
                                    "target-language": "en"}  # fmt: skip
    units = root.findall(".//x:trans-unit", NS)
    assert [(u.get("id"), u.get("resname")) for u in units] == [(str(i), f"article:{i}") for i in range(1, 5)]
    assert [u.findtext("x:source", namespaces=NS) for u in units] == SOURCES
    targets = [u.find("x:target", NS) for u in units]
    review = "needs-review-translation"
    assert [(t.get("state"), t.get("state-qualifier")) for t in targets[:3]] == [
        ("translated", None), (review, "fuzzy-match"), (review, "mt-suggestion")]  # fmt: skip
    assert targets[3] is None
    assert "author: sara" in units[0].findtext("x:note", namespaces=NS)
    assert "match: 87.5%" in units[1].findtext("x:note", namespaces=NS)
    alt = units[0].find("x:alt-trans", NS)
    assert (alt.get("alttranstype"), alt.get("origin")) == ("previous-version", "opus-mt")
    assert alt.findtext("x:target", namespaces=NS) == "The president said the talks were fruitful."
    assert "model: Helsinki-NLP/opus-mt-ar-en" in alt.findtext("x:note", namespaces=NS)


def test_export_records_the_translation_each_target_was(store: Store, tmp_path: Path):
    doc = _doc(store)
    root = etree.parse(str(_export(store, doc, tmp_path / "a.xlf"))).getroot()
    assert root.nsmap == {None: XLIFF_NS, "tm": TM_NS}
    bases = [u.get(TM_BASE) for u in root.iterfind(".//x:trans-unit", NS)]
    assert bases == [str(s.best.id) for s in store.segments(doc)[:3]] + ["0"]


def test_read_back_what_was_written(store: Store, tmp_path: Path):
    path = _export(store, _doc(store), tmp_path / "a.xlf")
    assert list(read_xliff(path)) == [
        (1, "The President said talks were fruitful.", "translated", 8),
        (2, "He added: 'we will go on'", "needs-review-translation", 17),
        (3, "The meeting ended.", "needs-review-translation", 23),
        (4, None, None, 28),
    ]


def test_write_to_a_stream_and_refuse_control_characters(store: Store):
    doc = _doc(store)
    buf = io.BytesIO()
    write_xliff(doc.name, store.segments(doc), buf)
    assert buf.getvalue().startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<xliff')
    seg = store.segments(doc)[2]
    seg.source = "نص\x0b"
    with pytest.raises(InputError, match="Segment 3: the source text contains the character U\\+000B"):
        write_xliff(doc.name, [seg], io.BytesIO())


XLIFF20 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="ar" trgLang="en">
 <file id="f1" original="article">
  <unit id="1">
   <segment state="reviewed"><source>نص</source>
    <target>Text <pc id="1">bold</pc><ph id="2"/>.</target></segment>
  </unit>
  <unit id="2"><segment><source>ثان</source></segment></unit>
 </file>
</xliff>"""


def test_xliff_20_is_read(tmp_path: Path):
    path = tmp_path / "a.xlf"
    path.write_text(XLIFF20, encoding="utf-8")
    assert list(read_xliff(path)) == [(1, "Text bold.", "reviewed", 4), (2, None, None, 8)]


XLIFF_ERRORS = [
    ('<xliff version="1.2"><file original="a"><body>\n<trans-unit id="x1"><source>a</source></trans-unit>'
     "</body></file></xliff>", 2, "the unit id 'x1' is not a segment number"),
    ('<xliff version="1.2"><file original="a"><body>\n<trans-unit id="1"><target>a</target></trans-unit>'
     "</body></file></xliff>", 2, "has no <source>"),
    ('<xliff version="1.2"><file original="a"><body>\n<trans-unit id="1"><source>a</source>\n</body>', 3,
     "not well-formed XML"),
    ("<tmx>\n<body/></tmx>", 1, "not a XLIFF file"),
    ('<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0"><file id="f">\n<unit id="1">'
     "<segment><target>a</target></segment></unit></file></xliff>", 2, "has a segment without <source>"),
    ('<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0"><file id="f">\n\n<unit id="1"/>'
     "</file></xliff>", 3, "has a segment without <source>"),
]  # fmt: skip


@pytest.mark.parametrize(("data", "line", "message"), XLIFF_ERRORS,
                         ids=["bad-id", "no-source", "broken", "tmx", "2.0-no-source", "2.0-no-segment"])  # fmt: skip
def test_malformed_xliff_is_refused_with_its_line(tmp_path: Path, data: str, line: int, message: str):
    path = tmp_path / "a.xlf"
    path.write_text(data, encoding="utf-8")
    with pytest.raises(FormatError, match=message) as info:
        list(read_xliff(path))
    assert info.value.line == line


# -- importing post-edits -------------------------------------------------------------------------


def _edit(path: Path, targets: dict[int, str | None], *, sources: dict[int, str] | None = None,
          state: str | None = "translated", qualifier: str | None = None, approved: bool = False) -> Path:
    """Change targets (None: remove) and sources as a CAT tool would, setting *state* (None: none), the
    state-qualifier and approved="yes" when asked, and save."""
    tree = etree.parse(str(path))
    for unit in tree.getroot().iterfind(".//x:trans-unit", NS):
        index = int(unit.get("id"))
        if index in (sources or {}):
            unit.find("x:source", NS).text = sources[index]  # type: ignore[index]
        if index in targets:
            target = unit.find("x:target", NS)
            if targets[index] is None:
                unit.remove(target)
                continue
            if target is None:
                target = etree.Element(f"{{{XLIFF_NS}}}target")
                unit.find("x:source", NS).addnext(target)
            target.text = targets[index]
            if state is None:
                target.attrib.pop("state", None)
            else:
                target.set("state", state)
            if qualifier is not None:
                target.set("state-qualifier", qualifier)
            if approved:
                unit.set("approved", "yes")
    tree.write(str(path), encoding="UTF-8", xml_declaration=True)
    return path


def test_import_records_changed_targets_as_human_corrections(store: Store, tmp_path: Path):
    doc = _doc(store)
    path = _edit(_export(store, doc, tmp_path / "a.xlf"), {
        2: "He added: “We will continue” & <tomorrow>",  # a memory match post-edited
        3: "  The meeting ended.  ",                        # the MT draft approved (only spaces differ)
        4: "Thanks.",                                       # an untranslated segment translated
    })  # fmt: skip
    result = import_xliff(store, path, author="omar")
    assert (result.documents, result.updated, result.unchanged, result.untranslated) == (["article"], 2, 1, 0)
    assert [(c.document, c.index) for c in result.corrections] == [("article", 2), ("article", 4)]
    assert (result.approved, [(c.document, c.index) for c in result.approvals]) == (1, [("article", 3)])
    seg2, seg4 = store.segment(doc, 2), store.segment(doc, 4)
    assert (seg2.best.origin, seg2.best.author, seg2.best.text) == (
        "human", "omar", "He added: “We will continue” & <tomorrow>")
    assert seg2.draft.text == "He added: 'we will go on'"  # the draft survives its correction
    assert seg4.best.id == result.corrections[1].translation_id and seg4.best.text == "Thanks."
    seg3 = store.segment(doc, 3)
    assert (seg3.best.origin, seg3.best.text, seg3.draft.text) == ("human", "The meeting ended.", "The meeting ended.")
    again = import_xliff(store, path, author="omar")  # importing the same file twice changes nothing
    assert (again.updated, again.approved, again.unchanged) == (0, 0, 4)


def test_import_skips_empty_targets_and_copies_of_the_source(store: Store, tmp_path: Path):
    doc = _doc(store)
    path = _edit(_export(store, doc, tmp_path / "a.xlf"), {3: "  ", 4: SOURCES[3]})
    result = import_xliff(store, path, author="omar")
    assert (result.updated, result.unchanged, result.untranslated) == (0, 2, 2)
    assert store.segment(doc, 4).translations == []


def test_import_is_all_or_nothing(store: Store, tmp_path: Path):
    doc = _doc(store)
    path = _edit(_export(store, doc, tmp_path / "a.xlf"), {1: "Changed.", 2: "Changed too."},
                 sources={3: "نص آخر"})  # fmt: skip
    with pytest.raises(FormatError, match="the source of unit 3 differs from segment 3 of 'article'") as info:
        import_xliff(store, path, author="omar")
    assert info.value.line == 23
    assert [len(s.translations) for s in store.segments(doc)] == [2, 1, 1, 0]


def test_import_refuses_unknown_documents_and_segments(store: Store, tmp_path: Path):
    doc = _doc(store)
    path = _export(store, doc, tmp_path / "a.xlf")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('original="article"', 'original="other"'), encoding="utf-8")
    with pytest.raises(NotFoundError, match="No document 'other'"):
        import_xliff(store, path)
    path.write_text(text.replace('id="4"', 'id="9"'), encoding="utf-8")
    with pytest.raises(FormatError, match="has no segment 9"):
        import_xliff(store, path)


def test_cli_import_xliff(tmp_path: Path):
    db = tmp_path / "cli.db"
    with Store.open(db) as store:
        doc = _doc(store)
        path = _edit(_export(store, doc, tmp_path / "a.xlf"), {3: "The meeting is over."})
    runner = CliRunner()
    result = runner.invoke(cli, ["import-xliff", str(path), "--db", str(db), "--author", "omar"])
    assert result.exit_code == 0, result.output
    assert result.output == "article: 1 segment updated, 0 approved, 2 unchanged, 1 without a target.\n"
    result = runner.invoke(cli, ["import-xliff", str(path), "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {k: data[k] for k in ("documents", "updated", "unchanged", "untranslated", "approved")} == {
        "documents": ["article"], "updated": 0, "unchanged": 3, "untranslated": 1, "approved": 0}  # fmt: skip
    path.write_text("<xliff", encoding="utf-8")
    result = runner.invoke(cli, ["import-xliff", str(path), "--db", str(db)])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and "line 1: not well-formed XML" in result.output
    typo = tmp_path / "typo.db"  # a mistyped --db cannot hold the exported document: refused, not created
    result = runner.invoke(cli, ["import-xliff", str(tmp_path / "a.xlf"), "--db", str(typo)])
    assert result.exit_code == 1 and "No database at" in result.output and not typo.exists()
    help_text = runner.invoke(cli, ["import-xliff", "--help"]).output
    assert "Example:" in help_text
    assert all(word in help_text for word in ("needs-review-translation", "signed-off", "tm:base", "--overwrite"))


# -- states, approvals, conflicts ----------------------------------------------------------------


def _correct(store: Store, doc, index: int, text: str) -> int:
    with store.transaction() as conn:
        return correct_segment(store, conn, doc, index, text, author="desk")


def _counts(store: Store, doc) -> list[int]:
    return [len(s.translations) for s in store.segments(doc)]


@pytest.mark.parametrize("state", ["needs-review-translation", "needs-translation", "new", None])
def test_a_stale_draft_is_not_a_correction(store: Store, tmp_path: Path, state: str | None):
    """The reviewer's repro: export, the desk corrects, the old file comes back with the MT draft untouched."""
    doc = _doc(store)
    path = _edit(_export(store, doc, tmp_path / "a.xlf"), {3: "The meeting ended."}, state=state)
    tid = _correct(store, doc, 3, "The desk's correction of segment 3.")
    result = import_xliff(store, path, author="omar")
    assert (result.updated, result.approved, result.unchanged, result.untranslated) == (0, 0, 3, 1)
    seg = store.segment(doc, 3)
    assert (seg.best.id, seg.best.text) == (tid, "The desk's correction of segment 3.")
    assert _counts(store, doc) == [2, 1, 2, 0]


def test_an_edit_left_in_a_draft_state_is_still_a_correction(store: Store, tmp_path: Path):
    doc = _doc(store)
    path = _edit(_export(store, doc, tmp_path / "a.xlf"), {3: "The meeting is over."},
                 state="needs-review-translation")  # fmt: skip
    result = import_xliff(store, path, author="omar")
    assert (result.updated, result.unchanged) == (1, 2)
    assert store.segment(doc, 3).best.text == "The meeting is over."


def test_cli_reimport_after_a_correction_keeps_the_correction(tmp_path: Path):
    db = tmp_path / "cli.db"
    with Store.open(db) as store:
        _doc(store)
    runner = CliRunner()
    path = tmp_path / "x1.xlf"
    for args in (["export", "article", "--format", "xliff", "-o", str(path)],
                 ["correct", "article", "3", "The desk's correction of segment 3."]):  # fmt: skip
        result = runner.invoke(cli, [*args, "--db", str(db)])
        assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["import-xliff", str(path), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert result.output == "article: 0 segments updated, 0 approved, 3 unchanged, 1 without a target.\n"
    result = runner.invoke(cli, ["export", "article", "--db", str(db)])
    assert "The desk's correction of segment 3." in result.output and "The meeting ended." not in result.output


@pytest.mark.parametrize("state", ["translated", "signed-off", "final"])
def test_approving_a_draft_unchanged_stores_it_as_a_human_translation(store: Store, tmp_path: Path, state: str):
    doc = _doc(store)
    path = _edit(_export(store, doc, tmp_path / "a.xlf"), {2: "He added: 'we will go on'", 3: "The meeting ended."},
                 state=state)  # fmt: skip
    result = import_xliff(store, path, author="omar")
    assert (result.updated, result.approved, result.unchanged, result.untranslated) == (0, 2, 1, 1)
    assert [(c.index, c.translation_id) for c in result.approvals] == [
        (i, store.segment(doc, i).best.id) for i in (2, 3)]  # fmt: skip
    for index, text in ((2, "He added: 'we will go on'"), (3, "The meeting ended.")):
        seg = store.segment(doc, index)
        assert (seg.best.origin, seg.best.author, seg.best.text, seg.draft.text) == ("human", "omar", text, text)
    (match,) = Memory(store).lookup([SOURCES[2]])
    assert match is not None and (match.target, match.origin) == ("The meeting ended.", "human")
    assert import_xliff(store, path).approved == 0  # approved once: now the current human translation


def test_xliff_20_reviewed_draft_is_approved(store: Store, tmp_path: Path):
    doc = _doc(store)
    path = tmp_path / "a.xlf"
    path.write_text(f"""<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="ar" trgLang="en">
 <file id="f1" original="article">
  <unit id="3"><segment state="reviewed"><source>{SOURCES[2]}</source>
   <target>The meeting ended.</target></segment></unit>
 </file>
</xliff>""", encoding="utf-8")  # fmt: skip
    result = import_xliff(store, path)
    assert (result.updated, result.approved) == (0, 1)
    assert store.segment(doc, 3).best.origin == "human"


def test_a_later_correction_is_not_overwritten(store: Store, tmp_path: Path):
    doc = _doc(store)
    path = _edit(_export(store, doc, tmp_path / "a.xlf"), {2: "He added: we will continue.", 3: "The meeting is over."})
    tid = _correct(store, doc, 3, "The desk's correction of segment 3.")
    with pytest.raises(ConflictError) as info:
        import_xliff(store, path, author="omar")
    assert str(info.value) == (
        f"{path}: article segment 3 was corrected after this file was exported; export it again, or pass "
        "--overwrite to keep the file's text.")  # fmt: skip
    assert _counts(store, doc) == [2, 1, 2, 0]  # all or nothing: segment 2 was not stored either
    assert store.segment(doc, 3).best.id == tid
    result = import_xliff(store, path, author="omar", overwrite=True)
    assert (result.updated, result.overwritten, result.unchanged) == (2, 1, 1)
    assert store.segment(doc, 3).best.text == "The meeting is over."


def test_conflicts_name_every_segment(store: Store, tmp_path: Path):
    doc = _doc(store)
    path = _edit(_export(store, doc, tmp_path / "a.xlf"), {1: "Changed.", 3: "The meeting is over.", 4: "Thanks."})
    for index in (1, 3, 4):
        _correct(store, doc, index, f"The desk's correction of segment {index}.")
    with pytest.raises(ConflictError, match="article segments 1, 3 and 4 were corrected after this file"):
        import_xliff(store, path)


def test_no_conflict_when_the_file_has_the_later_correction_or_the_segment_kept_its_translation(
    store: Store, tmp_path: Path
):
    doc = _doc(store)
    path = _edit(_export(store, doc, tmp_path / "a.xlf"), {1: "The desk's text.", 3: "The meeting is over."})
    _correct(store, doc, 1, "The desk's text.")  # the same text as the file's: nothing to lose
    result = import_xliff(store, path)
    assert (result.updated, result.unchanged) == (1, 2)
    assert store.segment(doc, 3).best.text == "The meeting is over."


def test_files_without_base_keep_the_old_behaviour(store: Store, tmp_path: Path):
    doc = _doc(store)
    path = _edit(_export(store, doc, tmp_path / "a.xlf"), {3: "The meeting is over."})
    path.write_text(path.read_text(encoding="utf-8").replace("tm:base=", "x-base="), encoding="utf-8")
    _correct(store, doc, 3, "The desk's correction of segment 3.")
    result = import_xliff(store, path)
    assert (result.updated, result.overwritten) == (1, 0)
    assert store.segment(doc, 3).best.text == "The meeting is over."


def test_cli_refuses_a_conflict_unless_overwrite(tmp_path: Path):
    db = tmp_path / "cli.db"
    with Store.open(db) as store:
        doc = _doc(store)
        path = _edit(_export(store, doc, tmp_path / "a.xlf"), {3: "The meeting is over."})
        _correct(store, doc, 3, "The desk's correction of segment 3.")
    runner = CliRunner()
    result = runner.invoke(cli, ["import-xliff", str(path), "--db", str(db)])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {path}: article segment 3 was corrected after this file was exported; export it again, or "
        "pass --overwrite to keep the file's text.\n")  # fmt: skip
    result = runner.invoke(cli, ["import-xliff", str(path), "--db", str(db), "--overwrite", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["updated"], data["overwritten"], data["approved"]) == (1, 1, 0)
    with Store.open(db) as store:
        assert store.segment(store.document("article"), 3).best.text == "The meeting is over."


@pytest.mark.parametrize("brk", ["\n", "\r\n", "\u2028", "\u2029", "\x85"], ids=["lf", "crlf", "ls", "ps", "nel"])
def test_a_target_with_a_line_break_is_refused(store: Store, tmp_path: Path, brk: str):
    doc = _doc(store)
    path = _edit(_export(store, doc, tmp_path / "a.xlf"), {2: "Changed.", 3: f"The meeting{brk}is over.\n"})
    with pytest.raises(FormatError, match="the target of unit 3 of 'article' holds a line break") as info:
        import_xliff(store, path)
    assert info.value.line == 23 and "\n" not in str(info.value)
    assert _counts(store, doc) == [2, 1, 1, 0]


def test_a_malformed_base_is_refused(store: Store, tmp_path: Path):
    doc = _doc(store)
    path = _export(store, doc, tmp_path / "a.xlf")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(f'tm:base="{store.segment(doc, 2).best.id}"', 'tm:base="x"'), encoding="utf-8")
    with pytest.raises(FormatError, match="the tm:base 'x' of unit 2 is not a translation id") as info:
        import_xliff(store, path)
    assert info.value.line == 17


@pytest.mark.parametrize("overwrite", [False, True])
def test_a_unit_left_as_exported_never_replaces_a_later_translation(store: Store, tmp_path: Path, overwrite: bool):
    """Two reviewers get the same file; the second brings back unit 1 (a human translation) untouched."""
    doc = _doc(store)
    path = _edit(_export(store, doc, tmp_path / "a.xlf"), {2: "He added: we will continue."},
                 state="needs-review-translation")  # fmt: skip
    tid = _correct(store, doc, 1, "The first reviewer's text.")
    result = import_xliff(store, path, overwrite=overwrite)
    assert (result.updated, result.overwritten, result.unchanged) == (1, 0, 2)
    assert store.segment(doc, 1).best.id == tid


def _redraft_segment_3(store: Store, doc) -> None:
    """A second engine's draft of segment 3, now its latest."""
    with store.transaction() as conn:
        store.add_translation(conn, store.segment(doc, 3).id, origin="mt", text="The session closed.",
                              engine="other")  # fmt: skip


def test_an_edit_to_another_stored_draft_is_a_correction(store: Store, tmp_path: Path):
    """A second engine's draft was exported; the translator preferred the first engine's text."""
    doc = _doc(store)
    _redraft_segment_3(store, doc)
    path = _edit(_export(store, doc, tmp_path / "a.xlf"), {3: "The meeting ended."}, state="needs-review-translation")
    result = import_xliff(store, path)
    assert (result.updated, result.unchanged) == (1, 2)
    assert (store.segment(doc, 3).best.origin, store.segment(doc, 3).best.text) == ("human", "The meeting ended.")


def test_a_draft_approved_while_the_store_moved_on_is_approved(store: Store, tmp_path: Path):
    doc = _doc(store)
    path = _edit(_export(store, doc, tmp_path / "a.xlf"), {3: "The meeting ended."}, state="final")
    _redraft_segment_3(store, doc)
    result = import_xliff(store, path)
    assert (result.approved, result.updated) == (1, 0)
    assert store.segment(doc, 3).best.text == "The meeting ended."


def test_an_unknown_state_is_a_proposal(store: Store, tmp_path: Path):
    doc = _doc(store)
    _redraft_segment_3(store, doc)
    path = _edit(_export(store, doc, tmp_path / "a.xlf"), {3: "The meeting ended."}, state="x-checked")
    path.write_text(path.read_text(encoding="utf-8").replace("tm:base=", "x-base="), encoding="utf-8")
    result = import_xliff(store, path)  # an older file: a stored draft in an unknown state was not reviewed
    assert (result.updated, result.approved, result.unchanged) == (0, 0, 3)
    assert store.segment(doc, 3).best.origin == "mt"


@pytest.mark.parametrize(("state", "qualifier"), [
    ("new", None), ("needs-translation", None), ("needs-review-translation", "leveraged-mt"),
    ("needs-l10n", "leveraged-mt")], ids=["new", "needs-translation", "other-tools-mt", "mt-l10n"])  # fmt: skip
def test_another_tools_prefill_is_not_a_human_translation(store: Store, tmp_path: Path, state: str,
                                                          qualifier: str | None):  # fmt: skip
    """A CAT tool pre-filled targets with its own MT (or left them new): nobody translated them."""
    doc = _doc(store)
    path = _edit(_export(store, doc, tmp_path / "a.xlf"), {3: "MT pre-fill, not reviewed.", 4: "Thanks."},
                 state=state, qualifier=qualifier)  # fmt: skip
    result = import_xliff(store, path)
    assert (result.updated, result.approved, result.unreviewed, result.unchanged) == (0, 0, 2, 2)
    assert _counts(store, doc) == [2, 1, 1, 0]
    assert Memory(store).lookup([SOURCES[3]]) == [None]


def test_approved_yes_confirms_a_target(store: Store, tmp_path: Path):
    doc = _doc(store)
    path = _edit(_export(store, doc, tmp_path / "a.xlf"), {3: "The meeting ended.", 4: "Thanks."},
                 state="needs-review-translation", qualifier="leveraged-mt", approved=True)  # fmt: skip
    result = import_xliff(store, path)
    assert (result.updated, result.approved, result.unreviewed) == (1, 1, 0)
    assert [store.segment(doc, i).best.origin for i in (3, 4)] == ["human", "human"]


def test_human_targets_are_exported_approved(store: Store, tmp_path: Path):
    root = etree.parse(str(_export(store, _doc(store), tmp_path / "a.xlf"))).getroot()
    assert [u.get("approved") for u in root.iterfind(".//x:trans-unit", NS)] == ["yes", None, None, None]


def _xliff20(tmp_path: Path, unit: str) -> Path:
    path = tmp_path / "a20.xlf"
    path.write_text(f"""<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="ar" trgLang="en">
 <file id="f1" original="article">{unit}</file>
</xliff>""", encoding="utf-8")  # fmt: skip
    return path


@pytest.mark.parametrize(("segments", "counts"), [
    ('<segment state="initial"><source>{0}</source><target>MT pre-fill.</target></segment>', (0, 1, 0)),
    ('<segment><source>{0}</source><target>No state: a post-edit.</target></segment>', (1, 0, 0)),
    ('<segment state="translated"><source>{0}</source><target>Thanks.</target></segment>', (1, 0, 0)),
    ('<segment state="translated"><source>شكرا</source><target>Thanks</target></segment>'
     '<segment state="translated"><source>.</source></segment>', (0, 0, 1)),
    ('<segment state="translated"><source>شكرا</source><target>Thanks</target></segment>'
     '<segment state="initial"><source>.</source><target>.</target></segment>', (0, 1, 0)),
], ids=["initial", "no-state", "translated", "half-translated", "half-reviewed"])  # fmt: skip
def test_xliff_20_states_and_partly_translated_units(store: Store, tmp_path: Path, segments: str,
                                                     counts: tuple[int, int, int]):  # fmt: skip
    doc = _doc(store)
    path = _xliff20(tmp_path, f'<unit id="4">{segments.format(SOURCES[3])}</unit>')
    result = import_xliff(store, path)
    assert (result.updated, result.unreviewed, result.untranslated) == counts
    assert len(store.segment(doc, 4).translations) == counts[0]


def test_a_source_normalised_by_the_cat_tool_is_the_same_source(store: Store, tmp_path: Path):
    """Tools such as OmegaT store text in NFC; real Arabic (the UN test sets) is not always NFC."""
    source = "إن\u0651\u064e الاتفاق نهائي."  # shadda typed before fatha: NFC puts the fatha first
    assert unicodedata.normalize("NFC", source) != source
    with store.transaction() as conn:
        doc, _ = store.add_document(conn, name="nfc", path=None, sha256="1" * 64, prefix="",
                                    segments=[(source, "", 1)])  # fmt: skip
    path = tmp_path / "n.xlf"
    assert write_xliff(doc.name, store.segments(doc), path) == 1
    path.write_text(unicodedata.normalize("NFC", path.read_text(encoding="utf-8")), encoding="utf-8")
    result = import_xliff(store, _edit(path, {1: "The agreement is final."}))
    assert result.updated == 1
    assert store.segment(doc, 1).source == source  # the stored source is kept as it was


def test_xliff_20_an_ignorable_without_a_target_stands_for_itself(store: Store, tmp_path: Path):
    doc = _doc(store)
    path = _xliff20(tmp_path, '<unit id="3"><segment state="translated"><source>انتهى</source><target>The meeting'
                              '</target></segment><ignorable><source> </source></ignorable><segment state="translated">'
                              "<source>الاجتماع.</source><target>is over.</target></segment></unit>")  # fmt: skip
    assert import_xliff(store, path).updated == 1
    assert store.segment(doc, 3).best.text == "The meeting is over."


@pytest.mark.parametrize("states", [(None, "initial"), ("initial", None), ("translated", "initial")],
                         ids=["none-then-initial", "initial-then-none", "translated-then-initial"])  # fmt: skip
def test_xliff_20_a_unit_with_a_prefilled_segment_is_unreviewed(store: Store, tmp_path: Path,
                                                                 states: tuple[str | None, str | None]):  # fmt: skip
    _doc(store)
    attrs = [f' state="{st}"' if st else "" for st in states]
    path = _xliff20(tmp_path, f'<unit id="3"><segment{attrs[0]}><source>انتهى </source><target>The meeting </target>'
                              f"</segment><segment{attrs[1]}><source>الاجتماع.</source><target>is over.</target>"
                              "</segment></unit>")  # fmt: skip
    result = import_xliff(store, path)
    assert (result.updated, result.unreviewed) == (0, 1)


def test_copied_segments_round_trip_and_only_edited_targets_are_scored_ahead(
        store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A segment without Arabic (a URL) is its own translation, not 'without a target'; scoring ahead of
    the transaction touches only the targets the desk changed."""
    from tm import stats
    from tm.translate import translate_document
    from tm.workflow import SourceText

    text = "قال الرئيس إن المحادثات مثمرة.\n\nhttps://example.com/a\n\nوأضاف أن الاجتماع انتهى.\n"
    doc = translate_document(store, SourceText(text, "c", None, "0" * 64), engine=None, terms=[]).document
    segs = store.segments(doc)
    with store.transaction() as conn:
        store.add_translation(conn, segs[0].id, origin="mt", text="The president said talks went well.")
        store.add_translation(conn, segs[2].id, origin="mt", text="He added the meeting ended.")
    write_xliff(doc.name, store.segments(doc), tmp_path / "c.xlf")
    path = _edit(tmp_path / "c.xlf", {1: "The president said the talks were fruitful."})
    real, scored = stats.pair_stats, []
    monkeypatch.setattr(stats, "pair_stats", lambda h, r: scored.append(list(h)) or real(h, r))
    result = import_xliff(store, path)
    assert (result.updated, result.unchanged, result.untranslated) == (1, 2, 0)  # the URL: unchanged
    assert scored == [["The president said talks went well."]]  # only the edited target, ahead of the write


def test_approvals_and_edits_are_scored_before_the_write_lock(store: Store, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch):
    """An approved draft is stored as a human translation and scored like an edit, but ahead of the
    transaction: thousands of approvals scored inside it held the lock past other writers' timeout."""
    import sqlite3

    from tm import score, stats

    doc = _doc(store)
    path = _edit(_export(store, doc, tmp_path / "a.xlf"),
                 {3: "The meeting ended.", 4: "Thank you."}, state="translated")  # fmt: skip
    with store.transaction() as conn:  # segment 4 gets a draft, so that the edit has one to score
        store.add_translation(conn, store.segment(doc, 4).id, origin="mt", text="Thanks.", engine="opus-mt")
    real, free = stats.pair_stats, []

    def pair_stats(hyps, refs):
        other = sqlite3.connect(store.path, timeout=0)
        try:
            other.execute("BEGIN IMMEDIATE")  # 'database is locked' while the import holds the lock
            other.rollback()
            free.append(sorted(zip(hyps, refs, strict=True)))
        except sqlite3.OperationalError:
            free.append(None)
        finally:
            other.close()
        return real(hyps, refs)

    monkeypatch.setattr(stats, "pair_stats", pair_stats)
    result = import_xliff(store, path)
    assert (result.approved, result.updated) == (1, 1)
    assert free == [[("Thanks.", "Thank you."), ("The meeting ended.", "The meeting ended.")]]
    monkeypatch.setattr(stats, "pair_stats", real)
    sql = "SELECT * FROM draft_stats WHERE segment_id IN (?, ?) ORDER BY draft_id"
    segments = (store.segment(doc, 3).id, store.segment(doc, 4).id)
    kept = store.db.execute(sql, segments).fetchall()
    assert len(kept) == 2
    score.rebuild_draft_stats(store)  # the rows scored ahead are those scoring now gives
    assert store.db.execute(sql, segments).fetchall() == kept
