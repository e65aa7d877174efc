"""``tm translate``: segment an article, reuse the memory, draft the rest with MT, store it all.

For every segment, in order of preference:

1. an exact memory match (same normalised key) reuses the human translation (``tm-exact``);
2. the best fuzzy match at or above the threshold becomes the draft (``tm-fuzzy``);
3. a segment with no Arabic letter (a URL, ``(Reuters)``, ``***``, a date in digits) is copied, its
   Arabic digits and punctuation in their Latin forms (``copy``): an MT model only garbles such text,
   and any match short of the identical text would be another URL or byline (the identical text's
   translation, a desk's correction, is reused);
4. otherwise the MT engine drafts it (``mt``), with the glossary's terms enforced;
5. with ``--engine none`` the segment stays untranslated (``target`` is None).

The glossary terms of every segment are reported with whether the draft carries them.
Nothing is written until every draft is ready; then the document, its segments and
all drafts are stored in one transaction.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .engines.base import Engine, Request, TermConstraint
from .normalize import ARABIC_LETTER, DIGITS
from .segment import LINE_BREAKS, split
from .store import Document, Store, current_user
from .terms import Term, TermHit, TermMatcher, forbidden_found, term_found
from .workflow import SourceText

DEFAULT_FUZZY_THRESHOLD = 75.0
LINE_BREAK = re.compile(f"\\s*[{re.escape(LINE_BREAKS)}]\\s*")


@dataclass
class SegmentResult:
    """One translated segment as `tm translate --format jsonl` reports it."""

    index: int
    source: str
    sep: str
    paragraph: int
    target: str | None
    origin: str | None
    engine: str | None = None
    model: str | None = None
    match: float | None = None
    terms: list[dict[str, Any]] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    def as_json(self, doc: str) -> dict[str, Any]:
        row: dict[str, Any] = {
            "doc": doc,
            "index": self.index,
            "paragraph": self.paragraph,
            "source": self.source,
            "target": self.target,
            "origin": self.origin,
            "engine": self.engine,
            "model": self.model,
            "match": self.match,
            "terms": self.terms,
        }
        return {**row, **draft_notes(self.details)}


def draft_notes(details: dict[str, Any]) -> dict[str, Any]:
    """What a translation's *details* tell its reviser, as jsonl rows carry it: the required terms the
    engine could not place, the numbers carried into a memory match and those left to check."""
    return {k: details[k] for k in ("missing_terms", "numbers", "number_warnings") if details.get(k)}


@dataclass
class TranslationResult:
    """A translated document: what was stored, and the English rebuilt in the input's layout."""

    document: Document
    prefix: str
    segments: list[SegmentResult]
    kept: frozenset[int] = frozenset()  # indices whose draft was already stored (a redraft's copies)

    @property
    def english(self) -> str:
        """The English draft with the input's paragraph layout (untranslated segments left in Arabic)."""
        parts = [self.prefix]
        for seg in self.segments:
            parts.append(seg.target if seg.target is not None else seg.source)
            parts.append(seg.sep)
        return "".join(parts)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for seg in self.segments:
            key = seg.origin or "untranslated"
            if seg.index in self.kept:
                key = f"{key} already stored"
            out[key] = out.get(key, 0) + 1
        return out


def term_report(hits: Sequence[TermHit], target: str | None) -> list[dict[str, Any]]:
    """The ``terms`` list of a jsonl row: each source term and whether the English carries it."""
    rows = []
    for hit in hits:
        row: dict[str, Any] = {
            "source": hit.term.ar,
            "target": hit.term.en,
            "start": hit.start,
            "end": hit.end,
            "found": bool(target) and term_found(hit.term, target or ""),
        }
        if target and hit.term.forbidden:
            bad = forbidden_found(hit.term, target)
            if bad:
                row["forbidden"] = bad
        rows.append(row)
    return rows


def _constraints(hits: Sequence[TermHit]) -> tuple[TermConstraint, ...]:
    seen: set[str] = set()
    out = []
    for hit in hits:
        if hit.term.en in seen:
            continue
        seen.add(hit.term.en)
        out.append(
            TermConstraint(
                source=hit.text,
                target=hit.term.en,
                alternatives=tuple(hit.term.alternatives),
                forbidden=tuple(hit.term.forbidden),
            )
        )
    return tuple(out)


def _places(hits: Sequence[TermHit], constraints: Sequence[TermConstraint]) -> list[tuple[int, int, TermConstraint]]:
    """Where each hit is in its segment, with the constraint enforcing its term (none when not enforced)."""
    by_target = {c.target: c for c in constraints}
    return [(h.start, h.end, by_target[h.term.en]) for h in hits if h.term.en in by_target]


def translate_document(
    store: Store,
    source: SourceText,
    *,
    engine: Engine | None,
    terms: Sequence[Term] = (),
    use_memory: bool = True,
    fuzzy_threshold: float = DEFAULT_FUZZY_THRESHOLD,
    enforce_terms: bool = True,
    author: str | None = None,
    progress: Callable[[int], None] | None = None,
    exact_name: bool = False,
) -> TranslationResult:
    """Translate *source* and store the document with every draft; see the module docstring.

    The document takes *source*'s name, made unique with a ``-2``, ``-3``… suffix, or with
    *exact_name* exactly that name (:class:`~tm.errors.InputError` if it is taken).
    """
    return translate_documents(store, [source], engine=engine, terms=terms, use_memory=use_memory,
                               fuzzy_threshold=fuzzy_threshold, enforce_terms=enforce_terms, author=author,
                               progress=progress, exact_name=exact_name)[0]


def translate_documents(
    store: Store,
    sources: Sequence[SourceText],
    *,
    engine: Engine | None,
    terms: Sequence[Term] = (),
    use_memory: bool = True,
    fuzzy_threshold: float = DEFAULT_FUZZY_THRESHOLD,
    enforce_terms: bool = True,
    author: str | None = None,
    progress: Callable[[int], None] | None = None,
    exact_name: bool = False,
    check: Callable[[list[TranslationResult]], None] | None = None,
) -> list[TranslationResult]:
    """Translate several documents as :func:`translate_document` does one, in the order given.

    The engine drafts the segments of all of them together (its batches are sorted by length
    across the documents), and all are stored in one transaction once every draft is ready:
    all the documents or, on any error, none.  *check* is called with the results, their
    documents named, before that transaction commits: an exception it raises stores nothing.
    """
    matcher = TermMatcher(terms) if terms else None
    memory = None
    if use_memory:
        from .memory import Memory

        memory = Memory(store)
    docs = []
    todo: list[tuple[SegmentResult, list[TermHit]]] = []
    for source in sources:
        prefix, pieces = split(source.text)
        texts = [p.text for p in pieces]
        results = [
            SegmentResult(index=i, source=p.text, sep=p.sep, paragraph=p.paragraph, target=None, origin=None)
            for i, p in enumerate(pieces, start=1)
        ]
        hits: list[list[TermHit]] = matcher.find_many(texts) if matcher else [[] for _ in texts]
        if memory is not None:
            _reuse(results, memory.lookup(texts, threshold=fuzzy_threshold), progress)
        todo += [(r, hits[r.index - 1]) for r in _copy([r for r in results if r.target is None], progress)]
        docs.append((source, prefix, pieces, results, hits))
    if engine is not None and todo:
        _draft(engine, todo, enforce_terms=enforce_terms, progress=progress)
    for _, _, _, results, hits in docs:
        for res in results:
            res.terms = term_report(hits[res.index - 1], res.target)
    author = author or current_user()
    out = []
    with store.transaction() as conn:
        for source, prefix, pieces, results, _ in docs:
            document, stored = store.add_document(
                conn,
                name=source.name,
                path=source.path,
                sha256=source.sha256,
                prefix=prefix,
                segments=[(p.text, p.sep, p.paragraph) for p in pieces],
                author=author,
                exact_name=exact_name,
            )
            _store(store, conn, results, [seg.id for seg in stored], author)
            out.append(TranslationResult(document, prefix, results))
        if check is not None:
            check(out)
    return out


def _reuse(results: list[SegmentResult], found: Sequence[Any], progress: Callable[[int], None] | None) -> None:
    """Take the memory's matches (*found*, one or None per result) as the drafts of *results*."""
    for res, match in zip(results, found, strict=True):
        if match is None or (match.score < 100 and not ARABIC_LETTER.search(res.source)):
            continue  # a URL or byline is copied: a near one (3XyZ or 3xyz) would be another's
        res.target = _one_line(match.target)
        res.origin = "tm-exact" if match.kind == "exact" else "tm-fuzzy"
        res.match = match.score
        res.details["memory_unit"] = match.unit_id
        res.details["memory_origin"] = match.origin
        if match.numbers:
            res.details["numbers"] = [list(pair) for pair in match.numbers]
        if match.number_warnings:
            res.details["number_warnings"] = list(match.number_warnings)
        if progress:
            progress(1)


def redraft_document(
    store: Store,
    document: Document,
    *,
    engine: Engine,
    terms: Sequence[Term] = (),
    enforce_terms: bool = True,
    author: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> TranslationResult:
    """Draft every segment of a stored *document* again with *engine*, beside its other translations.

    The memory is not consulted: the point is a draft from this engine for every segment
    (to compare engines with ``tm score --compare``).  Nothing is replaced; the new drafts
    are stored in one transaction once all are ready.  A draft counts in ``tm score``
    against corrections stored after it.
    """
    segments = store.segments(document, with_translations=False)
    results = [
        SegmentResult(index=s.index, source=s.source, sep=s.sep, paragraph=s.paragraph, target=None, origin=None)
        for s in segments
    ]
    matcher = TermMatcher(terms) if terms else None
    sources = [s.source for s in segments]
    hits: list[list[TermHit]] = matcher.find_many(sources) if matcher else [[] for _ in sources]
    todo = _copy(results, progress)
    if todo:
        _draft(engine, [(r, hits[r.index - 1]) for r in todo], enforce_terms=enforce_terms, progress=progress)
    for res in results:
        res.terms = term_report(hits[res.index - 1], res.target)
    author = author or current_user()
    copied = {r[0] for r in store.db.execute("SELECT t.segment_id FROM translations t JOIN segments s ON "
                                             "s.id = t.segment_id WHERE s.doc_id = ? AND t.origin = 'copy'",
                                             [document.id])}
    keep = [(r, s.id) for r, s in zip(results, segments, strict=True) if not (r.origin == "copy" and s.id in copied)]
    with store.transaction() as conn:  # a segment copied before is not copied again
        _store(store, conn, [r for r, _ in keep], [i for _, i in keep], author)
    stored = {r.index for r, _ in keep}
    return TranslationResult(document, document.prefix, results,
                             frozenset(r.index for r in results if r.index not in stored))


_LATIN_FORMS = str.maketrans({**DIGITS, "٫": ".", "٬": ",", "٪": "%", "،": ",", "؛": ";", "؟": "?",
                              "\u0640": "-"})  # a tatweel divider becomes a dash line


def _copy(todo: list[SegmentResult], progress: Callable[[int], None] | None) -> list[SegmentResult]:
    """Copy the segments of *todo* that hold no Arabic letter (see the module docstring); the rest."""
    rest = []
    for res in todo:
        if ARABIC_LETTER.search(res.source):
            rest.append(res)
            continue
        res.target, res.origin = _one_line(res.source.translate(_LATIN_FORMS)), "copy"
        if progress:
            progress(1)
    return rest


def _draft(engine: Engine, todo: list[tuple[SegmentResult, list[TermHit]]], *, enforce_terms: bool,
           progress: Callable[[int], None] | None) -> None:
    """Fill each result of *todo* with *engine*'s draft (the glossary terms of its hits enforced unless
    told not to), in one call of the engine."""
    from .engines.split import translate_in_pieces

    requests = [Request(r.source, _constraints(h) if enforce_terms else ()) for r, h in todo]
    places = [_places(h, q.terms) for (_, h), q in zip(todo, requests, strict=True)]
    # segments too long for the model are drafted in pieces, never cut inside a term
    done = translate_in_pieces(engine, requests, spans=places, progress=progress)
    for (res, _), draft, pieces in zip(todo, done.drafts, done.counts, strict=True):
        res.target = _one_line(draft.text)
        res.origin = "mt"
        res.engine = engine.name
        res.model = engine.model
        res.details.update(engine.details)
        if pieces > 1:
            res.details["pieces"] = pieces
        if draft.missing:
            res.details["missing_terms"] = list(draft.missing)


def _store(store: Store, conn: Any, results: list[SegmentResult], segment_ids: list[int], author: str) -> None:
    """Store each result that has a target as a translation of its segment (caller's transaction)."""
    for res, segment_id in zip(results, segment_ids, strict=True):
        if res.target is None:
            continue
        store.add_translation(
            conn,
            segment_id,
            origin=res.origin or "mt",
            text=res.target,
            engine=res.engine,
            model=res.model,
            author=author,
            match=res.match,
            details={**res.details, "terms": res.terms} if res.terms else res.details,
        )


def _one_line(text: str) -> str:
    """*text* with its line breaks made spaces: a segment's draft must not break the article's layout."""
    return LINE_BREAK.sub(" ", text).strip() if LINE_BREAK.search(text) else text
