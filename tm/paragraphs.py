"""Paragraph units of a translation memory, split into the sentence pairs they are made of.

TMX files made at paragraph level (``segtype="paragraph"``, such as TICO-19's) hold units of
several sentences, while ``tm translate`` looks up one sentence at a time: such units never
match exactly, and :mod:`tm.translate` does not reuse them as fuzzy matches (their English
would bring the other sentences along).  When the file says its units are paragraphs (TMX
``segtype`` ``paragraph`` or ``block``, on the header or the unit) and both sides of a unit cut
into the same number of sentences, more than one, :func:`sentence_units` gives each sentence
pair as a unit of its own, beside the paragraph.  Units of sentence-level files (tm's own
exports among them) and of TSV/CSV files are taken as they are.  The Arabic is cut as
documents are (:func:`tm.segment.split`); the English also where a sentence end runs into
the next sentence without a space (``therapy.Recommended``), as text extracted from web pages
often does.  Sides that do not cut
into as many sentences are left whole: pairing them would guess.
"""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING

from .segment import split

if TYPE_CHECKING:
    from .formats.tmx import TMUnit

# What names or describes the paragraph unit itself, not its sentences: its id (a tool keying on it
# would merge the sentences into one unit), its segtype, and the inline markup of its whole <seg>s.
_UNIT_OWN = frozenset({"tuid", "segtype", "source_seg", "target_seg"})
_RUN_ON = re.compile(r"(?<=[a-z)][.!?])(?=[A-Z])")  # "therapy.Recommended": a sentence end without its space


def sentences(text: str, *, english: bool = False) -> list[str]:
    """The sentences of *text* (their own text, without the white space between them)."""
    if english:
        text = _RUN_ON.sub(" ", text)
    return [p.text.strip() for p in split(text)[1] if p.text.strip()]


def sentence_units(unit: TMUnit) -> list[TMUnit]:
    """The sentence pairs of a paragraph *unit* (none when its file does not say it is a paragraph, when
    it is one sentence, or when its sides do not cut into as many sentences).  Each keeps the unit's
    line, note and props."""
    if not unit.paragraph:
        return []
    ar = sentences(unit.source)
    if len(ar) < 2:
        return []
    en = sentences(unit.target, english=True)
    if len(en) != len(ar):
        return []
    props = {k: v for k, v in unit.props.items() if k not in _UNIT_OWN}
    return [dataclasses.replace(unit, source=a, target=e, props=dict(props), paragraph=False)
            for a, e in zip(ar, en, strict=True)]  # fmt: skip
