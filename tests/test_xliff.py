"""XLIFF: export a document for a CAT tool, read it back, and import the post-edits as corrections."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

import tm.cli.xliff  # noqa: F401  (registers import-xliff)
from tm.cli import cli
from tm.errors import FormatError, InputError, NotFoundError
from tm.formats.xliff import XLIFF_NS, import_xliff, read_xliff, write_xliff
from tm.store import Store

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
    assert list(read_xliff(path)) == [(1, "Text bold.", "reviewed", 4), (2, None, "initial", 8)]


XLIFF_ERRORS = [
    ('<xliff version="1.2"><file original="a"><body>\n<trans-unit id="x1"><source>a</source></trans-unit>'
     "</body></file></xliff>", 2, "the unit id 'x1' is not a segment number"),
    ('<xliff version="1.2"><file original="a"><body>\n<trans-unit id="1"><target>a</target></trans-unit>'
     "</body></file></xliff>", 2, "has no <source>"),
    ('<xliff version="1.2"><file original="a"><body>\n<trans-unit id="1"><source>a</source>\n</body>', 3,
     "not well-formed XML"),
    ("<tmx>\n<body/></tmx>", 1, "not a XLIFF file"),
]  # fmt: skip


@pytest.mark.parametrize(("data", "line", "message"), XLIFF_ERRORS,
                         ids=["bad-id", "no-source", "broken", "tmx"])  # fmt: skip
def test_malformed_xliff_is_refused_with_its_line(tmp_path: Path, data: str, line: int, message: str):
    path = tmp_path / "a.xlf"
    path.write_text(data, encoding="utf-8")
    with pytest.raises(FormatError, match=message) as info:
        list(read_xliff(path))
    assert info.value.line == line


# -- importing post-edits -------------------------------------------------------------------------


def _edit(path: Path, targets: dict[int, str | None], *, sources: dict[int, str] | None = None) -> Path:
    """Change targets (None: remove) and sources as a CAT tool would, and save."""
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
            target.set("state", "translated")
    tree.write(str(path), encoding="UTF-8", xml_declaration=True)
    return path


def test_import_records_changed_targets_as_human_corrections(store: Store, tmp_path: Path):
    doc = _doc(store)
    path = _edit(_export(store, doc, tmp_path / "a.xlf"), {
        2: "He added: “We will continue” & <tomorrow>",  # a memory match post-edited
        3: "  The meeting ended.  ",                        # the MT draft accepted (only spaces differ)
        4: "Thanks.",                                       # an untranslated segment translated
    })  # fmt: skip
    result = import_xliff(store, path, author="omar")
    assert (result.documents, result.updated, result.unchanged, result.untranslated) == (["article"], 2, 2, 0)
    assert [(c.document, c.index) for c in result.corrections] == [("article", 2), ("article", 4)]
    seg2, seg4 = store.segment(doc, 2), store.segment(doc, 4)
    assert (seg2.best.origin, seg2.best.author, seg2.best.text) == (
        "human", "omar", "He added: “We will continue” & <tomorrow>")
    assert seg2.draft.text == "He added: 'we will go on'"  # the draft survives its correction
    assert seg4.best.id == result.corrections[1].translation_id and seg4.best.text == "Thanks."
    assert store.segment(doc, 3).best.origin == "mt"
    again = import_xliff(store, path, author="omar")  # importing the same file twice changes nothing
    assert (again.updated, again.unchanged) == (0, 4)


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
    assert result.output == "article: 1 segment updated, 2 unchanged, 1 without a target.\n"
    result = runner.invoke(cli, ["import-xliff", str(path), "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    assert '"updated": 0' in result.output and '"unchanged": 3' in result.output
    path.write_text("<xliff", encoding="utf-8")
    result = runner.invoke(cli, ["import-xliff", str(path), "--db", str(db)])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and "line 1: not well-formed XML" in result.output
    help_text = runner.invoke(cli, ["import-xliff", "--help"]).output
    assert "Example:" in help_text
