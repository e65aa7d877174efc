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
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .base import Draft, Engine, ProgressCallback, Request

CLAUSE_END = re.compile(r"(?<=[،؛;:,.!?؟…)»\]])\s+")
SPACE = re.compile(r"\s+")
Fits = Callable[[Sequence[str]], list[bool]]


def split_source(text: str, fits: Fits, terms: Sequence[str] = ()) -> list[str]:
    """*text* in pieces that each *fit*, never cutting through one of *terms* (a piece that cannot be
    cut is kept as it is)."""
    if fits([text])[0]:
        return [text]
    pieces: list[str] = []
    todo = [text]
    while todo:
        piece = todo.pop()
        if fits([piece])[0] or (cut := _cut(piece, _spans(piece, terms))) is None:
            pieces.append(piece)
            continue
        todo += [piece[cut:], piece[:cut].rstrip()]  # the left half is taken next
    return pieces


def _spans(text: str, terms: Sequence[str]) -> list[tuple[int, int]]:
    """Where each of *terms* occurs in *text*."""
    spans = []
    for term in terms:
        at = text.find(term) if term else -1
        while at >= 0:
            spans.append((at, at + len(term)))
            at = text.find(term, at + 1)
    return spans


def _cut(text: str, spans: Sequence[tuple[int, int]] = ()) -> int | None:
    """Where to cut *text*, never inside one of *spans*: after the clause end nearest its middle if one
    lies in the middle half, else after the space nearest the middle; None when no such place."""
    middle = len(text) / 2

    def free(c: int) -> bool:
        return not any(start < c < end for start, end in spans)

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
                        progress: ProgressCallback | None = None) -> Pieces:  # fmt: skip
    """*engine*'s drafts of *requests*, each too long for the model drafted in pieces and joined."""
    count = getattr(engine, "source_tokens", None)
    limit = getattr(engine, "max_length", None)
    if count is None or not isinstance(limit, int):
        return Pieces(engine.translate(requests, progress=progress), [1] * len(requests))

    def fits(texts: Sequence[str]) -> list[bool]:
        return [n <= limit for n in count(texts)]

    split = [split_source(r.source, fits, [t.source for t in r.terms]) for r in requests]
    if all(len(p) == 1 for p in split):
        return Pieces(engine.translate(requests, progress=progress), [1] * len(requests))
    flat = [piece for r, pieces in zip(requests, split, strict=True) for piece in _requests(r, pieces)]
    drafts = engine.translate(flat, progress=_per_segment(progress, len(requests), len(flat)))
    out, at = [], 0
    for pieces in split:
        part = drafts[at : at + len(pieces)]
        at += len(pieces)
        missing = [m for d in part for m in d.missing]
        out.append(Draft(" ".join(d.text.strip() for d in part if d.text.strip()), list(dict.fromkeys(missing))))
    return Pieces(out, [len(p) for p in split])


def _requests(request: Request, pieces: list[str]) -> list[Request]:
    """One request per piece, with the terms that occur in it (a term in two pieces goes with both: each
    occurrence is rendered, and its forbidden renderings kept out, there; one found in none, which
    cannot be as pieces are never cut through a term, with the first)."""
    if len(pieces) == 1:
        return [request]
    terms: list[list] = [[] for _ in pieces]
    for term in request.terms:
        at = [i for i, p in enumerate(pieces) if term.source in p] or [0]
        for i in at:
            terms[i].append(term)
    return [Request(p, tuple(t)) for p, t in zip(pieces, terms, strict=True)]


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
