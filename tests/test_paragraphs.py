"""Paragraph units of a memory give their sentence pairs as units of their own."""

from __future__ import annotations

from pathlib import Path

import pytest

from tm.formats.tmx import TMUnit, read_tmx
from tm.memory import import_units, iter_units
from tm.paragraphs import sentence_units
from tm.segment import split
from tm.store import Store
from tm.translate import translate_document
from tm.workflow import SourceText

TICO = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "tico19_tm_en-ar" / "all.en-ar.tmx"
AR = ("العلاج الأساسي هو علاج داعم وللأعراض. تشمل الإجراءات الوقائية المُوصَى بها غسل اليدين، وتغطية الفم "
      "عند السعال.")  # fmt: skip
EN = "Primary treatment is symptomatic and supportive therapy. Recommended preventive measures include hand washing."


@pytest.mark.parametrize(("source", "target", "pairs"), [
    (AR, EN, [(AR.split(". ")[0] + ".", EN.split(". ")[0] + "."), (AR.split(". ")[1], EN.split(". ")[1])]),
    (AR, EN.replace(". ", "."), [(AR.split(". ")[0] + ".", EN.split(". ")[0] + "."),
                                 (AR.split(". ")[1], EN.split(". ")[1])]),  # TICO-19's run-on English
    (AR, EN.replace(". R", ", and r"), []),  # one English sentence for two Arabic: not paired
    (AR.split(". ")[1], EN.split(". ")[1], []),  # one sentence: nothing to split
    (AR, "Dr. Smith said the U.S. treatment is supportive therapy. It includes hand washing.",
     [(AR.split(". ")[0] + ".", "Dr. Smith said the U.S. treatment is supportive therapy."),
      (AR.split(". ")[1], "It includes hand washing.")]),  # abbreviations are not sentence ends
], ids=["two-sentences", "run-on-english", "unequal", "one-sentence", "abbreviations"])  # fmt: skip
def test_sentence_units(source: str, target: str, pairs: list[tuple[str, str]]):
    props = {"tuid": "x", "segtype": "paragraph", "source_seg": "<seg>…</seg>", "x-domain": "health"}
    unit = TMUnit(source, target, 7, note="n", props=props, paragraph=True)
    assert sentence_units(TMUnit(source, target, 7)) == []  # a sentence-level file: taken as it is
    units = sentence_units(unit)
    assert [(u.source, u.target) for u in units] == pairs
    assert all((u.line, u.note, u.props) == (7, "n", {"x-domain": "health"}) for u in units)


def test_a_paragraph_unit_fills_its_sentences_exactly(store: Store):
    result = import_units(store, [TMUnit(AR, EN, 1, paragraph=True)], file="para.tmx", author="desk")
    assert (result.added, result.duplicates, result.sentence_units) == (3, 0, 2)
    again = import_units(store, [TMUnit(AR, EN, 1, paragraph=True)], file="para.tmx", author="desk")
    assert (again.added, again.duplicates, again.sentence_units) == (0, 3, 2)
    done = translate_document(store, SourceText(AR + "\n", "p", None, "0" * 64), engine=None, terms=[])
    assert [(r.origin, r.target) for r in done.segments] == [
        ("tm-exact", EN.split(". ")[0] + "."), ("tm-exact", EN.split(". ")[1])]  # fmt: skip


@pytest.mark.skipif(not TICO.exists(), reason="../shared/data (TICO-19 TMX) is not checked out")
def test_tico19_paragraphs_are_reused_sentence_by_sentence(store: Store):
    """The reviewer's measurement: TICO-19's paragraph units, translated verbatim, gave 2 exact matches
    for 371 sentences; split on import, 301."""
    units = list(read_tmx(TICO))
    assert all(u.paragraph for u in units)  # its header says segtype="paragraph"
    result = import_units(store, units, file=str(TICO), author="desk")
    assert result.sentence_units == 301
    tuids = [u.props.get("tuid") for u in iter_units(store) if u.props.get("tuid")]
    assert len(tuids) == len(set(tuids)) > 3000  # no tuid copied onto a sentence
    paragraphs = [u.source for u in units if u.complete and len(split(u.source)[1]) > 1]
    text = "\n\n".join(paragraphs) + "\n"
    done = translate_document(store, SourceText(text, "tico", None, "0" * 64), engine=None, terms=[])
    origins = [r.origin for r in done.segments]
    assert (len(origins), origins.count("tm-exact")) == (371, 301)


@pytest.mark.parametrize(("header", "tu", "paragraph"), [
    ("paragraph", "", True), ("block", "", True), ("sentence", "", False), ("sentence", ' segtype="paragraph"', True),
    ("paragraph", ' segtype="sentence"', False),
], ids=["paragraph", "block", "sentence", "unit-says-paragraph", "unit-says-sentence"])  # fmt: skip
def test_segtype_of_the_header_or_the_unit(tmp_path: Path, header: str, tu: str, paragraph: bool):
    path = tmp_path / "p.tmx"
    path.write_text(f"""<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header creationtool="x" creationtoolversion="1" segtype="{header}" o-tmf="x" adminlang="en"
 srclang="ar" datatype="plaintext"/><body>
<tu{tu}><tuv xml:lang="ar"><seg>{AR}</seg></tuv><tuv xml:lang="en"><seg>{EN}</seg></tuv></tu>
</body></tmx>""", encoding="utf-8")  # fmt: skip
    (unit,) = read_tmx(path)
    assert unit.paragraph is paragraph
    assert len(sentence_units(unit)) == (2 if paragraph else 0)
