"""Segments longer than a model takes, drafted in pieces instead of cut off.

MT models read a bounded number of source tokens (512 for opus-mt); a longer segment — Arabic
news runs whole paragraphs into one sentence of commas — would lose its end to the tokenizer's
truncation.  :func:`split_source` cuts such a segment where a clause ends (، ؛ ; : , and the
like) near its middle, else at the space nearest the middle, never through a glossary term,
again and again until every piece fits; :func:`translate_in_pieces` drafts the pieces (each
glossary term goes with every piece that holds it) and joins their drafts with a space, in
order.  Engines that can count tokens have ``source_tokens(texts)`` and ``max_length``; others
get every segment whole.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import accumulate

from .base import Draft, Engine, ProgressCallback, Request, TermConstraint

CLAUSE_END = re.compile(r"(?<=[،؛;:,.!?؟…)»\]])\s+")
SPACE = re.compile(r"\s+")
Fits = Callable[[Sequence[str]], list[bool]]


Span = tuple[int, int]  # character offsets [start, end) in a segment
TermSpan = tuple[int, int, TermConstraint]  # where a glossary term occurs, and its constraint


def split_source(text: str, fits: Fits, spans: Sequence[Span] = ()) -> list[str]:
    """*text* in pieces that each *fit*, never cut inside one of *spans* (the glossary terms' places;
    a piece that cannot be cut is kept as it is)."""
    return [text[a:b] for a, b in split_ranges(text, fits, spans)]


def split_ranges(text: str, fits: Fits, spans: Sequence[Span] = ()) -> list[Span]:
    """The pieces of :func:`split_source` as offsets into *text*, in order."""
    if fits([text])[0]:
        return [(0, len(text))]
    ranges: list[Span] = []
    todo = [(0, len(text))]
    while todo:
        a, b = todo.pop()
        piece = text[a:b]
        inside = [(s - a, e - a) for s, e in spans if s < b and e > a]
        if fits([piece])[0] or (cut := _cut(piece, inside)) is None:
            ranges.append((a, b))
            continue
        todo += [(a + cut, b), (a, a + len(piece[:cut].rstrip()))]  # the left half is taken next
    return ranges


def occurrences(text: str, terms: Sequence[TermConstraint]) -> list[TermSpan]:
    """Where the terms of a request occur in *text*, found by their text (when the caller has no
    glossary hits to give: a term's other spellings are not found so)."""
    out = []
    for term in terms:
        at = text.find(term.source) if term.source else -1
        while at >= 0:
            out.append((at, at + len(term.source), term))
            at = text.find(term.source, at + 1)
    return out


def _cut(text: str, spans: Sequence[Span] = ()) -> int | None:
    """Where to cut *text*, never inside one of *spans*: after the clause end nearest its middle if one
    lies in the middle half, else after the space nearest the middle; None when no such place."""
    middle = len(text) / 2
    inside = sorted(spans)
    starts = [s for s, _ in inside]
    reach = list(accumulate((e for _, e in inside), max))  # the furthest end among spans starting so far

    def free(c: int) -> bool:
        k = bisect_left(starts, c)  # spans starting before c
        return k == 0 or reach[k - 1] <= c

    clauses = [m.end() for m in CLAUSE_END.finditer(text)
               if len(text) / 4 <= m.end() <= 3 * len(text) / 4 and free(m.end())]  # fmt: skip
    spaces = [m.end() for m in SPACE.finditer(text) if 0 < m.start() and m.end() < len(text) and free(m.end())]
    cuts = clauses or spaces
    return min(cuts, key=lambda c: abs(c - middle)) if cuts else None


@dataclass
class Pieces:
    """Drafts of the requests, and how many pieces each was drafted in."""

    drafts: list[Draft]
    counts: list[int]


def translate_in_pieces(engine: Engine, requests: Sequence[Request], *,
                        spans: Sequence[Sequence[TermSpan]] | None = None,
                        progress: ProgressCallback | None = None) -> Pieces:  # fmt: skip
    """*engine*'s drafts of *requests*, each too long for the model drafted in pieces and joined.

    *spans* gives, per request, where its glossary terms occur (every occurrence, each with its
    constraint); without it they are looked for by their text (:func:`occurrences`).
    """
    count = getattr(engine, "source_tokens", None)
    limit = getattr(engine, "max_length", None)
    if count is None or not isinstance(limit, int):
        return Pieces(engine.translate(requests, progress=progress), [1] * len(requests))

    def fits(texts: Sequence[str]) -> list[bool]:
        return [n <= limit for n in count(texts)]

    places = list(spans) if spans is not None else [occurrences(r.source, r.terms) for r in requests]
    split = [split_ranges(r.source, fits, [(s, e) for s, e, _ in found])
             for r, found in zip(requests, places, strict=True)]  # fmt: skip
    if all(len(p) == 1 for p in split):
        return Pieces(engine.translate(requests, progress=progress), [1] * len(requests))
    flat = [piece for r, ranges, found in zip(requests, split, places, strict=True)
            for piece in _requests(r, ranges, found)]  # fmt: skip
    drafts = engine.translate(flat, progress=_per_segment(progress, len(requests), len(flat)))
    out, at = [], 0
    for pieces in split:
        part = drafts[at : at + len(pieces)]
        at += len(pieces)
        missing = [m for d in part for m in d.missing]
        out.append(Draft(" ".join(d.text.strip() for d in part if d.text.strip()), list(dict.fromkeys(missing))))
    return Pieces(out, [len(p) for p in split])


def _requests(request: Request, ranges: list[Span], places: Sequence[TermSpan]) -> list[Request]:
    """One request per piece, with the terms that occur in it (a term in two pieces goes with both: each
    occurrence is rendered, and its forbidden renderings kept out, there); a term whose place is in no
    piece (none given) goes with the first."""
    if len(ranges) == 1:
        return [request]
    terms: list[list[TermConstraint]] = [[] for _ in ranges]
    for term in request.terms:
        at = [i for i, (a, b) in enumerate(ranges) if any(t is term and a <= s and e <= b for s, e, t in places)]
        for i in at or [0]:
            terms[i].append(term)
    return [Request(request.source[a:b], tuple(t)) for (a, b), t in zip(ranges, terms, strict=True)]


def _per_segment(progress: ProgressCallback | None, segments: int, pieces: int) -> ProgressCallback | None:
    """*progress* told of segments while the engine reports pieces (in proportion)."""
    if progress is None:
        return None
    done = [0, 0]  # pieces finished, segments reported

    def report(n: int) -> None:
        done[0] += n
        now = done[0] * segments // pieces
        if now > done[1]:
            progress(now - done[1])
            done[1] = now

    return report
