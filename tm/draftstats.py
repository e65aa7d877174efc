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

_COLUMNS = ("draft_id, human_id, segment_id, doc_id, origin, engine, model, created, unchanged, "
            "bleu, chrf, ter, layout, stats")
_INSERT = f"INSERT OR REPLACE INTO draft_stats ({_COLUMNS}) VALUES ({', '.join('?' * 14)})"
_DRAFTS = """SELECT t.id, t.origin, t.text, t.engine, t.model, t.created, s.doc_id
    FROM translations t JOIN segments s ON s.id = t.segment_id
    WHERE t.segment_id = ? AND t.origin != 'human' AND t.id < ? ORDER BY t.id"""
# Each corrected segment's drafts older than its latest correction, with that correction (as _Pair)
_CORRECTED_DRAFTS = """SELECT t.id, t.origin, t.text, t.engine, t.model, t.created, s.doc_id, h.id, h.text, h.segment_id
    FROM translations h JOIN segments s ON s.id = h.segment_id
    JOIN translations t ON t.segment_id = h.segment_id AND t.origin != 'human' AND t.id < h.id
    WHERE h.id IN (SELECT MAX(id) FROM translations WHERE origin = 'human' GROUP BY segment_id)
    ORDER BY h.segment_id, t.id"""
_STAGED = "tm_rebuilt_draft_stats"  # a temporary table: rows computed before the writing transaction


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
    number of drafts scored; *progress*, if given, is called with the count so far.  Only the
    drafts of corrected segments are read, *batch* pairs at a time, and the rows wait in a
    temporary table, so the memory used does not grow with the store.
    """
    conn = store.db.conn
    conn.execute(f"DROP TABLE IF EXISTS temp.{_STAGED}")
    conn.execute(f"CREATE TEMP TABLE {_STAGED} ({_COLUMNS})")
    cursor = conn.execute(_CORRECTED_DRAFTS)
    try:
        count = 0
        while chunk := cursor.fetchmany(batch):
            rows = _rows([_Pair._make(r) for r in chunk])
            conn.executemany(f"INSERT INTO temp.{_STAGED} ({_COLUMNS}) VALUES ({', '.join('?' * 14)})", rows)
            count += len(rows)
            if progress is not None:
                progress(count)
        cursor.close()
        with store.transaction() as conn:
            conn.execute("DELETE FROM draft_stats")
            conn.execute(f"INSERT OR REPLACE INTO draft_stats ({_COLUMNS}) "
                         f"SELECT {_COLUMNS} FROM temp.{_STAGED} ORDER BY rowid")
    finally:
        cursor.close()
        conn.execute(f"DROP TABLE IF EXISTS temp.{_STAGED}")
    return count
