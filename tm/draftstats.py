"""The ``draft_stats`` table: each draft's sufficient statistics against its segment's latest correction.

:func:`record_draft_stats` runs in the transaction that stores a correction (see
:func:`tm.workflow.correct_segment`).  Scoring a long segment takes time (TER's shift search:
minutes for a segment of thousands of words), so callers score ahead of the transaction with
:func:`score_ahead` and the transaction only checks the drafts are still the ones scored and
writes the rows; other writers are not kept waiting.  :func:`rebuild_draft_stats` recomputes the whole
table, after an upgrade of the statistics layout or a bulk import of corrections.
A draft is any non-human translation (mt, tm-fuzzy, tm-exact) made before the
correction; :mod:`tm.score` decides which origins to count.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from . import stats as st

if TYPE_CHECKING:
    from .store import Store

_INSERT = """INSERT OR REPLACE INTO draft_stats
    (draft_id, human_id, segment_id, doc_id, origin, engine, model, created, unchanged,
     bleu, chrf, ter, layout, stats) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"""
_DRAFTS = """SELECT t.id, t.origin, t.text, t.engine, t.model, t.created, s.doc_id
    FROM translations t JOIN segments s ON s.id = t.segment_id
    WHERE t.segment_id = ? AND t.origin != 'human' AND t.id < ? ORDER BY t.id"""


class _Pair(NamedTuple):
    """A draft and the correction it is scored against."""

    draft_id: int
    origin: str
    text: str
    engine: str | None
    model: str | None
    created: str
    doc_id: int
    human_id: int
    human_text: str
    segment_id: int


def _rows(pairs: Sequence[_Pair]) -> list[tuple[Any, ...]]:
    """The draft_stats rows of *pairs*, in :data:`_INSERT`'s column order."""
    rows = st.pair_stats([p.text for p in pairs], [p.human_text for p in pairs])
    out = []
    for p, row in zip(pairs, rows, strict=True):
        s = st.sentence_scores(row)
        unchanged = int(p.text.strip() == p.human_text.strip())
        out.append((p.draft_id, p.human_id, p.segment_id, p.doc_id, p.origin, p.engine, p.model, p.created,
                    unchanged, s.bleu, s.chrf, s.ter, st.LAYOUT_VERSION, st.pack(row)))
    return out


Ahead = Mapping[tuple[int, str], tuple[tuple[int, ...], list[tuple[Any, ...]]]]
_UNSTORED = 1 << 62  # the id of a correction not stored yet: later than every draft


def score_ahead(conn: sqlite3.Connection, corrections: Iterable[tuple[int, str]]) -> Ahead:
    """Rows for the corrections (segment id, text) about to be stored, computed outside any transaction:
    for :func:`record_draft_stats`, which uses them when the segment's drafts are still the same."""
    pairs: list[_Pair] = []
    spans: dict[tuple[int, str], tuple[int, tuple[int, ...]]] = {}
    for segment_id, text in dict.fromkeys(corrections):
        drafts = conn.execute(_DRAFTS, (segment_id, _UNSTORED)).fetchall()
        spans[(segment_id, text)] = (len(pairs), tuple(d[0] for d in drafts))
        pairs.extend(_Pair._make((*d, 0, text, segment_id)) for d in drafts)
    rows = _rows(pairs)
    return {key: (ids, rows[start:start + len(ids)]) for key, (start, ids) in spans.items()}


def record_draft_stats(conn: sqlite3.Connection, *, human_id: int, human_text: str, segment_id: int,
                       ahead: Ahead | None = None) -> None:
    """Score the segment's drafts against the correction *human_id* just stored (caller's transaction).

    The latest correction is the reference: statistics of an earlier correction of the
    segment are replaced, and nothing is recorded if a later correction already exists.
    Rows from :func:`score_ahead` for the same drafts and text are used as they are.
    """
    later = conn.execute(
        "SELECT 1 FROM translations WHERE segment_id = ? AND origin = 'human' AND id > ? LIMIT 1",
        (segment_id, human_id),
    ).fetchone()
    if later:
        return
    conn.execute("DELETE FROM draft_stats WHERE segment_id = ?", (segment_id,))
    drafts = conn.execute(_DRAFTS, (segment_id, human_id)).fetchall()
    if not drafts:
        return
    ids, ready = (ahead or {}).get((segment_id, human_text), ((), []))
    if ids == tuple(d[0] for d in drafts):
        rows = [(r[0], human_id, *r[2:]) for r in ready]
    else:  # not scored ahead, or a draft came in meanwhile
        rows = _rows([_Pair._make((*d, human_id, human_text, segment_id)) for d in drafts])
    conn.executemany(_INSERT, rows)


def rebuild_draft_stats(store: Store, *, batch: int = 2000,
                        progress: Callable[[int], None] | None = None) -> int:
    """Recompute the statistics of every corrected segment (after an upgrade or a bulk import).

    All rows are computed first and replace the old ones in one transaction.  Returns the
    number of drafts scored; *progress*, if given, is called with the count so far.
    """
    latest = store.db.execute(
        """SELECT h.segment_id, h.id, h.text, s.doc_id
           FROM translations h JOIN segments s ON s.id = h.segment_id
           WHERE h.id IN (SELECT MAX(id) FROM translations WHERE origin = 'human' GROUP BY segment_id)
           ORDER BY h.segment_id"""
    ).fetchall()
    drafts: dict[int, list[tuple]] = {}
    for row in store.db.execute(
        "SELECT id, origin, text, engine, model, created, segment_id FROM translations "
        "WHERE origin != 'human' ORDER BY id"
    ):
        drafts.setdefault(row[6], []).append(row[:6])
    pairs = [
        _Pair._make((*d, doc_id, human_id, text, segment_id))
        for segment_id, human_id, text, doc_id in latest
        for d in drafts.get(segment_id, [])
        if d[0] < human_id
    ]
    rows: list[tuple[Any, ...]] = []
    for start in range(0, len(pairs), batch):
        rows.extend(_rows(pairs[start:start + batch]))
        if progress is not None:
            progress(len(rows))
    with store.transaction() as conn:
        conn.execute("DELETE FROM draft_stats")
        conn.executemany(_INSERT, rows)
    return len(rows)
