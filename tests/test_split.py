"""Segments longer than the model takes are drafted in pieces, not cut off."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from tm.engines.base import Draft, Request, TermConstraint
from tm.engines.split import occurrences, split_source, translate_in_pieces
from tm.store import Store
from tm.translate import translate_document
from tm.workflow import SourceText

CLAUSES = ("قال المتحدث باسم الحكومة إن الوفد وصل إلى موسكو صباح اليوم، وعقد اجتماعا مطولا مع نظيره الروسي، "
           "ثم توجه إلى مقر وزارة الخارجية لبحث الملف السوري؛ وأضاف أن المحادثات ستستأنف غدا في دمشق.")  # fmt: skip


def _fits(limit: int):
    return lambda texts: [len(t) <= limit for t in texts]


@pytest.mark.parametrize("limit", [60, 100, 150, 400], ids=["60", "100", "150", "all"])
def test_pieces_fit_keep_every_word_in_order_and_end_at_clauses(limit: int):
    pieces = split_source(CLAUSES, _fits(limit))
    assert all(len(p) <= limit for p in pieces)
    assert " ".join(pieces).split() == CLAUSES.split()
    if limit == 150:  # one cut, at the clause end nearest the middle
        assert pieces == ["قال المتحدث باسم الحكومة إن الوفد وصل إلى موسكو صباح اليوم، وعقد اجتماعا مطولا مع نظيره "
                          "الروسي،", CLAUSES.split("الروسي، ")[1]]  # fmt: skip


def test_a_cut_never_falls_inside_a_term():
    text = "اجتمع أعضاء مجلس الأمن الدولي أمس في نيويورك"
    middle = split_source(text, _fits(30))
    assert any(p.endswith("مجلس الأمن") for p in middle)  # the nearest space to the middle is inside the term
    places = occurrences(text, [TermConstraint("مجلس الأمن الدولي", "UN Security Council")])
    pieces = split_source(text, _fits(30), [(s, e) for s, e, _ in places])
    assert all(len(p) <= 30 for p in pieces) and any("مجلس الأمن الدولي" in p for p in pieces)
    assert " ".join(pieces).split() == text.split()


def test_a_term_in_two_pieces_is_enforced_in_both():
    engine = _Counting(limit=12)
    hezbollah = TermConstraint("حزب الله", "Hezbollah", forbidden=("Hizbullah",))
    text = "قال حزب الله في بيان صدر اليوم إن الهجوم استهدف موقعا عسكريا، وأضاف حزب الله أن الرد سيكون قريبا."
    done = translate_in_pieces(engine, [Request(text, (hezbollah,))])
    holding = [r for r in engine.seen if "حزب الله" in r.source]
    assert done.counts == [len(engine.seen)] and len(holding) == 2
    assert all(r.terms == (hezbollah,) for r in holding)
    assert all(r.terms == () for r in engine.seen if "حزب الله" not in r.source)


def test_every_spelling_of_a_term_is_kept_whole_and_enforced(store: Store):
    """The reviewer's case: the constraint carries the first spelling found (الأمم المتحدة); the glossary
    hits give the places of the others (وللأمم المتحدة), so no cut falls inside one and each piece holding
    one enforces it."""
    from tm.terms import Term

    engine = _Counting(limit=9)
    text = ("دعت الأمم المتحدة إلى وقف القتال في المدينة فورا، وقال متحدث باسم المنظمة إن الوضع خطير جدا "
            "وإن المساعدات لن تصل قريبا وللأمم المتحدة فرق تعمل هناك منذ أسابيع.\n")  # fmt: skip
    un = Term("الأمم المتحدة", "United Nations")
    result = translate_document(store, SourceText(text, "un", None, "0" * 64), engine=engine, terms=[un])
    assert result.segments[0].details["pieces"] == len(engine.seen) > 2
    holding = [r for r in engine.seen if "المتحدة" in r.source]
    assert len(holding) == 2 and all([t.target for t in r.terms] == ["United Nations"] for r in holding)
    assert [r.terms for r in engine.seen if "المتحدة" not in r.source] == [()] * (len(engine.seen) - 2)
    assert not any(r.source.endswith(("الأمم", "وللأمم")) for r in engine.seen)  # never cut inside a term


def test_a_piece_without_a_space_is_kept_whole():
    assert split_source("ا" * 50, _fits(10)) == ["ا" * 50]


class _Counting:
    """An engine that counts a token a word, takes *limit* tokens and drafts each piece as its word count."""

    name, model, details = "counting", "words", {}

    def __init__(self, limit: int):
        self.max_length = limit
        self.seen: list[Request] = []

    def source_tokens(self, texts: Sequence[str]) -> list[int]:
        return [len(t.split()) + 1 for t in texts]

    def translate(self, requests: Sequence[Request], *, progress=None) -> list[Draft]:
        self.seen += requests
        if progress:
            progress(len(requests))
        return [Draft(f"<{len(r.source.split())} words>", [t.target for t in r.terms][:1]) for r in requests]


def test_terms_go_with_their_piece_and_drafts_are_joined_in_order():
    engine = _Counting(limit=16)
    terms = (TermConstraint("الملف السوري", "Syrian file"), TermConstraint("دمشق", "Damascus"))
    calls: list[int] = []
    done = translate_in_pieces(engine, [Request(CLAUSES, terms), Request("قصير.")], progress=calls.append)
    assert done.counts[1] == 1 and done.counts[0] == len(engine.seen) - 1 > 1
    sources = [r.source for r in engine.seen[:-1]]
    assert " ".join(sources).split() == CLAUSES.split()
    placed = {t.source: next(i for i, r in enumerate(engine.seen) if t in r.terms) for t in terms}
    assert all(terms[k].source in sources[placed[terms[k].source]] for k in range(2))
    assert done.drafts[0].text == " ".join(f"<{len(s.split())} words>" for s in sources)
    assert done.drafts[0].missing == ["Syrian file", "Damascus"]
    assert sum(calls) == 2  # progress counts segments, not pieces


@pytest.mark.parametrize("engine_name", ["transformers", "ctranslate2"])
def test_a_segment_longer_than_the_model_takes_is_translated_to_its_end(
    tiny_model: Path, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, engine_name: str
):
    """The reviewer's repro, shrunk: two long segments that differ only at the end get different drafts."""
    if engine_name == "ctranslate2":
        pytest.importorskip("ctranslate2")
        monkeypatch.setenv("TM_CACHE", str(tmp_path / "cache"))
        from tm.engines.ct2 import CTranslate2Engine as Engine
    else:
        from tm.engines.hf import TransformersEngine as Engine  # type: ignore[assignment]
    engine = Engine(str(tiny_model), max_length=24)
    endings = ["وصل الوفد إلى موسكو.", "عاد الرئيس إلى دمشق."]
    run_on = CLAUSES.rstrip(".") + "، "  # one sentence of commas, as Arabic news writes them
    text = "".join(f"{run_on}{run_on}{end}\n\n" for end in endings)
    assert min(engine.source_tokens([CLAUSES])) > 24  # too long for the model whole
    result = translate_document(store, SourceText(text, "long", None, "0" * 64), engine=engine, terms=[])
    first, second = result.segments
    assert first.details["pieces"] == second.details["pieces"] > 2
    assert first.target != second.target
    tail = engine.translate([Request(endings[0])])[0].text
    assert first.target.endswith(tail)  # the last piece was the ending (it fits whole)

