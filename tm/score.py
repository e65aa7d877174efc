"""Quality scores with sacrebleu: of files, and of the store's MT drafts against their corrections.

File mode (:func:`score_files`) is sacrebleu's corpus BLEU, chrF, chrF++ and TER on
line-aligned files, read as the sacrebleu command reads them, with its signatures.

Store mode (:func:`score_store`) scores every draft that has a *later* human correction
against the segment's latest correction: corpus BLEU, chrF, chrF++ and TER (here HTER,
the share of words the desk had to edit), the share of drafts accepted unchanged and,
with a glossary, how many glossary terms the drafts rendered correctly.  By default
only MT drafts (origin ``mt``) count; memory drafts (``tm-fuzzy``, ``tm-exact``) can be
added and are then grouped under their origin as if it were an engine.  A segment
drafted by several engines or models contributes one scored draft per engine and model (its latest:
a redraft with the same engine and model replaces the earlier draft), whatever the grouping, in the
totals, the groups and the worst segments alike.  A comparison pairs the two sides segment by segment,
a side's drafts of one segment pooled (their statistics summed), so each side scores as its row in
the table (compare engines with ``--by engine``, models with ``--by model``).

Scores come from per-draft sufficient statistics (:mod:`tm.stats`) that
:func:`record_draft_stats` stores when a correction is stored, so scoring 100,000
corrected segments takes about a second and gives the numbers sacrebleu gives when it
recomputes everything.  Grouping, the worst segments and the paired engine comparison
(:mod:`tm.compare`) read the same rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import stats as st
from .draftstats import rebuild_draft_stats, record_draft_stats
from .errors import InputError, StoreError
from .filescore import FileScore, read_lines, score_files, score_lines

if TYPE_CHECKING:
    from .store import Store

__all__ = [
    "DRAFT_ORIGINS", "GROUPINGS", "FileScore", "Group", "StoreScore", "TermAccuracy", "WorstSegment",
    "engine_label", "hter_summary", "read_lines", "rebuild_draft_stats", "record_draft_stats",
    "score_files", "score_lines", "score_store", "worst_segments",
]

DRAFT_ORIGINS = ("mt", "tm-fuzzy", "tm-exact")
GROUPINGS = ("doc", "engine", "model", "month")


# -- scoring the store -----------------------------------------------------------------------


@dataclass
class TermAccuracy:
    """Glossary terms found in the Arabic of scored segments, and how many the drafts rendered right."""

    checked: int
    correct: int

    @property
    def share(self) -> float | None:
        return self.correct / self.checked if self.checked else None

    def as_json(self) -> dict[str, Any]:
        return {"checked": self.checked, "correct": self.correct, "accuracy": self.share}


@dataclass
class Group:
    """Scores of one set of drafts (all of them, or one document, engine, model or month)."""

    key: str
    drafts: int
    segments: int
    unchanged: int
    scores: st.CorpusScores
    terms: TermAccuracy | None = None

    @property
    def unchanged_share(self) -> float:
        return self.unchanged / self.drafts if self.drafts else 0.0

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "segments": self.segments,
            "drafts": self.drafts,
            "bleu": self.scores.bleu,
            "chrf": self.scores.chrf,
            "chrf++": self.scores.chrf_pp,
            "ter": self.scores.ter,
            "unchanged": self.unchanged,
            "unchanged_share": self.unchanged_share,
            "terms": self.terms.as_json() if self.terms else None,
        }


@dataclass
class WorstSegment:
    """A draft the desk changed most (highest HTER), with its correction."""

    doc: str
    index: int
    engine: str
    source: str
    draft: str
    correction: str
    bleu: float
    chrf: float
    ter: float

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class StoreScore:
    """What :func:`score_store` found; ``total`` is None when no draft has a later correction."""

    origins: tuple[str, ...]
    doc: str | None
    by: str | None
    total: Group | None
    groups: list[Group]
    worst: list[WorstSegment]
    hter: list[float]  # sentence-level HTER of every scored draft
    signatures: dict[str, str]
    comparisons: list[Any] = field(default_factory=list)
    terms_note: str | None = None

    def as_json(self) -> dict[str, Any]:
        total = self.total.as_json() if self.total else {"segments": 0, "drafts": 0, "bleu": None,
                                                          "chrf": None, "chrf++": None, "ter": None,
                                                          "unchanged": 0, "unchanged_share": None,
                                                          "terms": None}
        total.pop("key", None)
        return {
            **total,
            "origins": list(self.origins),
            "doc": self.doc,
            "group_by": self.by,
            "by": [g.as_json() for g in self.groups],
            "hter": hter_summary(self.hter),
            "worst": [w.as_json() for w in self.worst],
            "comparisons": [c.as_json() for c in self.comparisons],
            "terms_note": self.terms_note,
            "signatures": self.signatures,
        }


def hter_summary(values: Sequence[float]) -> dict[str, Any]:
    """Mean and median sentence HTER and how many drafts fall in each band."""
    import numpy as np

    if not values:
        return {"mean": None, "median": None, "bands": {}}
    a = np.asarray(values, dtype=float)
    edges = [("0", a == 0), ("0-10", (a > 0) & (a <= 10)), ("10-30", (a > 10) & (a <= 30)),
             ("30-50", (a > 30) & (a <= 50)), (">50", a > 50)]
    return {"mean": float(a.mean()), "median": float(np.median(a)),
            "bands": {name: int(mask.sum()) for name, mask in edges}}


_ENGINE = "CASE WHEN ds.origin = 'mt' THEN COALESCE(ds.engine, 'unknown') ELSE ds.origin END"
_KEYS = {"engine": _ENGINE, "model": f"COALESCE(ds.model, {_ENGINE})", "month": "substr(ds.created, 1, 7)",
         "doc": "ds.doc_id"}


@dataclass
class _Rows:
    """The scored drafts in scope, one entry per draft."""

    draft_ids: list[int]
    segment_ids: Any  # numpy int64 arrays from here on
    unchanged: Any
    hter: list[float]
    stats: Any
    keys: dict[str, list[str]]  # group key of each draft, for the groupings asked for


def _load(store: Store, origins: Sequence[str], doc_id: int | None, keys: Iterable[str]) -> _Rows:
    """The scored drafts in scope: of a segment's drafts from one engine and model, only the latest."""
    import numpy as np

    where = [f"ds.origin IN ({', '.join('?' * len(origins))})"]
    params: list[Any] = list(origins)
    if doc_id is not None:
        where.append("ds.doc_id = ?")
        params.append(doc_id)
    clause = " AND ".join(where)
    stale = store.db.execute(f"SELECT 1 FROM draft_stats ds WHERE {clause} AND ds.layout != ? LIMIT 1",
                             [*params, st.LAYOUT_VERSION]).fetchone()
    if stale:
        raise StoreError("The stored draft statistics are from another tm version; run `tm score --rebuild`.")
    names = sorted({*keys, "engine", "model"})
    extra = "".join(f", {_KEYS[k]}" for k in names)
    rows = store.db.execute(
        f"SELECT ds.draft_id, ds.segment_id, ds.unchanged, ds.ter, ds.stats{extra} FROM draft_stats ds "
        f"WHERE {clause} ORDER BY ds.draft_id", params
    ).fetchall()
    system = (5 + names.index("engine"), 5 + names.index("model"))
    latest = {(r[1], r[system[0]], r[system[1]]): i for i, r in enumerate(rows)}  # draft order: the last wins
    if len(latest) < len(rows):
        rows = [rows[i] for i in sorted(latest.values())]
    columns = list(zip(*rows, strict=True)) if rows else [()] * (5 + len(names))
    keyed = {k: list(columns[5 + i]) for i, k in enumerate(names)}
    if "doc" in keyed:
        docs = dict(store.db.execute("SELECT id, name FROM documents").fetchall())
        keyed["doc"] = [docs.get(d, str(d)) for d in keyed["doc"]]
    return _Rows(
        draft_ids=list(columns[0]),
        segment_ids=np.array(columns[1], dtype=np.int64),
        unchanged=np.array(columns[2], dtype=np.int64),
        hter=list(columns[3]),
        stats=st.unpack(list(columns[4])),
        keys=keyed,
    )


def engine_label(origin: str, engine: str | None) -> str:
    """How a draft's engine is shown: the engine for MT, the origin for memory drafts."""
    if origin != "mt":
        return origin
    return engine or "unknown"


def _group(rows: _Rows, key: str, index: Any) -> Group:
    import numpy as np

    total = rows.stats[index].sum(axis=0) if len(index) else np.zeros(st.WIDTH, dtype=np.int64)
    return Group(
        key=key,
        drafts=len(index),
        segments=_distinct(rows.segment_ids[index]),
        unchanged=int(rows.unchanged[index].sum()),
        scores=st.corpus_scores(total.tolist()),
    )


def _distinct(values: Any) -> int:
    import numpy as np

    if not len(values):
        return 0
    ordered = np.sort(values)
    return 1 + int(np.count_nonzero(ordered[1:] != ordered[:-1]))


def _groups(rows: _Rows, by: str) -> list[Group]:
    import numpy as np

    keys = rows.keys[by]
    codes: dict[str, int] = {}
    code = np.array([codes.setdefault(k, len(codes)) for k in keys], dtype=np.int64)
    order = np.argsort(code, kind="stable")
    bounds = np.searchsorted(code[order], np.arange(len(codes) + 1))
    names = list(codes)
    groups = [_group(rows, names[c], order[bounds[c]:bounds[c + 1]]) for c in range(len(codes))]
    return sorted(groups, key=lambda g: g.key)


def score_store(
    store: Store,
    *,
    doc: str | None = None,
    by: str | None = None,
    origins: Sequence[str] = ("mt",),
    worst: int = 10,
    terms: Sequence[Any] | None = None,
    terms_limit: int | None = None,
    compare: tuple[str, str] | None = None,
    tests: Sequence[str] = ("bs",),
    trials: int = 0,
    auto_compare: bool = True,
) -> StoreScore:
    """Score the stored drafts that have a later correction; see the module docstring.

    Glossary *terms* add term accuracy, unless more than *terms_limit* drafts are scored.
    *compare* names two engines (or models, with ``by="model"``) to test against each
    other with the paired *tests*; with *auto_compare*, grouping by engine or model
    compares the (up to three) largest groups that share corrected segments.
    """
    import numpy as np

    if by is not None and by not in GROUPINGS:
        raise InputError(f"Cannot group by {by!r}; use one of {', '.join(GROUPINGS)}.")
    bad = [o for o in origins if o not in DRAFT_ORIGINS]
    if bad or not origins:
        raise InputError(
            f"Unknown draft origin {', '.join(bad) or '(none)'}; use {', '.join(DRAFT_ORIGINS)}."
        )
    document = store.document(doc) if doc is not None else None
    dimension = by if by in ("engine", "model") else "engine"
    wanted = {by} if by else set()
    if compare is not None or (auto_compare and by in ("engine", "model")):
        wanted.add(dimension)
    rows = _load(store, tuple(origins), document.id if document else None, wanted)
    result = StoreScore(tuple(origins), document.name if document else None, by, None, [], [], rows.hter,
                        st.metrics().signatures())
    if not rows.draft_ids:
        return result
    result.total = _group(rows, "all", np.arange(len(rows.draft_ids)))
    if by:
        result.groups = _groups(rows, by)
    doc_id = document.id if document else None
    result.worst = worst_segments(store, origins=origins, doc_id=doc_id, limit=worst)
    if terms and terms_limit is not None and len(rows.draft_ids) > terms_limit:
        result.terms_note = (f"Term accuracy was not computed for {len(rows.draft_ids)} drafts; "
                             "name a glossary with --glossary to compute it.")
    elif terms:
        _term_accuracy(store, rows, terms, result)
    if compare is not None:
        result.comparisons = _compare(rows, dimension, [compare], tests, trials)
    elif auto_compare and by in ("engine", "model") and len(result.groups) > 1:
        largest = sorted(result.groups, key=lambda g: -g.drafts)[:3]
        pairs = [(x.key, y.key) for i, x in enumerate(largest) for y in largest[i + 1:]]
        result.comparisons = _compare(rows, dimension, pairs, tests, trials, skip_disjoint=True)
    return result


def _compare(rows: _Rows, dimension: str, pairs: Sequence[tuple[str, str]], tests: Sequence[str],
             trials: int, *, skip_disjoint: bool = False) -> list[Any]:
    from . import compare as cmp

    per_group: dict[str, dict[int, list[int]]] = {}
    for key, segment, row in zip(rows.keys[dimension], rows.segment_ids.tolist(), rows.stats.tolist(),
                                 strict=True):
        drafts = per_group.setdefault(key, {})  # several drafts of a segment (two models of an engine) are
        drafts[segment] = [a + b for a, b in zip(drafts[segment], row, strict=True)] if segment in drafts else row
        # pooled, so each side's corpus score is its row in the table; segments stay the unit of resampling
    out: list[Any] = []
    for a, b in pairs:
        for name in (a, b):
            if name not in per_group:
                known = ", ".join(sorted(per_group)) or "none"
                raise InputError(f"No scored drafts from {dimension} {name!r}; scored {dimension}s: {known}.")
        if skip_disjoint and not set(per_group[a]) & set(per_group[b]):
            continue
        out.extend(cmp.compare(a, per_group[a], b, per_group[b], test=t, trials=trials) for t in tests)
    return out


def worst_segments(store: Store, *, origins: Sequence[str] = ("mt",), doc_id: int | None = None,
                   limit: int = 10) -> list[WorstSegment]:
    """The *limit* changed drafts with the highest HTER (then lowest BLEU), of each segment's drafts from
    one engine and model only the latest (as :func:`score_store` counts them)."""
    if limit <= 0:
        return []
    where = [f"ds.origin IN ({', '.join('?' * len(origins))})", "ds.unchanged = 0",
             "NOT EXISTS (SELECT 1 FROM draft_stats later WHERE later.segment_id = ds.segment_id AND "
             "later.origin = ds.origin AND later.engine IS ds.engine AND later.model IS ds.model "
             "AND later.draft_id > ds.draft_id)"]
    params: list[Any] = list(origins)
    if doc_id is not None:
        where.append("ds.doc_id = ?")
        params.append(doc_id)
    order = "ds.ter DESC, ds.bleu ASC, ds.draft_id"
    sql = f"""WITH top AS (SELECT * FROM draft_stats ds WHERE {' AND '.join(where)} ORDER BY {order} LIMIT ?)
        SELECT d.name, s.idx, ds.origin, ds.engine, s.source, t.text, h.text, ds.bleu, ds.chrf, ds.ter
        FROM top ds JOIN segments s ON s.id = ds.segment_id JOIN documents d ON d.id = ds.doc_id
        JOIN translations t ON t.id = ds.draft_id JOIN translations h ON h.id = ds.human_id
        ORDER BY {order}"""
    return [
        WorstSegment(r[0], r[1], engine_label(r[2], r[3]), r[4], r[5], r[6], r[7], r[8], r[9])
        for r in store.db.execute(sql, [*params, limit])
    ]


def _term_accuracy(store: Store, rows: _Rows, terms: Sequence[Any], result: StoreScore) -> None:
    from .termcheck import Pair, check

    texts: dict[int, tuple[str, str]] = {}
    ids = rows.draft_ids
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        sql = f"""SELECT t.id, s.source, t.text FROM translations t JOIN segments s ON s.id = t.segment_id
                  WHERE t.id IN ({', '.join('?' * len(chunk))})"""
        texts.update({r[0]: (r[1], r[2]) for r in store.db.execute(sql, chunk)})
    report = check([Pair(i, *texts[d]) for i, d in enumerate(ids)], terms)
    per_row: dict[int, list[bool]] = {}
    for c in report.checks:
        per_row.setdefault(c.segment, []).append(c.ok)

    def accuracy(index: Iterable[int]) -> TermAccuracy:
        oks = [ok for i in index for ok in per_row.get(int(i), [])]
        return TermAccuracy(len(oks), sum(oks))

    assert result.total is not None
    result.total.terms = accuracy(range(len(ids)))
    if result.by:
        members: dict[str, list[int]] = {}
        for i, key in enumerate(rows.keys[result.by]):
            members.setdefault(key, []).append(i)
        for g in result.groups:
            g.terms = accuracy(members.get(g.key, []))
