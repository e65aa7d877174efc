"""Fuzzy matching for the memory: the match score, and the word index that finds the best units fast.

The score
---------
Both texts are reduced to their matching key (:func:`tm.normalize.normalize`) and cut into
words: maximal runs of letters and digits (``str.isalnum``; punctuation and spacing are not words).
With ``a`` and ``b`` the two word sequences and ``L`` the word-level Levenshtein distance (inserting,
deleting or replacing one word costs 1)::

    similarity(a, b) = 100 × (1 − L(a, b) / max(len(a), len(b)))

so one word changed in a ten-word sentence gives 90, two words 80, and a sentence that shares
nothing gives 0.  The percentage a lookup reports (:mod:`tm.memory`):

* **100**: the memory's source is the segment, byte for byte;
* **99**: the same key — the texts differ only in tashkeel, tatweel, the form of alef/hamza, ى/ي,
  ة/ه, the digit script (٢٠١١ = 2011), letter case or spacing (kind ``exact``);
* otherwise **min(98, similarity)** rounded to one decimal (kind ``fuzzy``); a difference in
  punctuation alone scores 98.

The index
---------
``memory_postings`` holds, for each word, the units whose key contains it, as ascending
little-endian int64 values ``unit_id << 16 | min(word count, 65535)``, in chunks: an import writes
one chunk per word and block of units, :func:`index_unit` one small chunk per word of a new unit, and
:func:`compact` merges a word's chunks once it has more than :data:`MAX_CHUNKS`, so the index is
always current and nothing is loaded when a process starts.

A search (:func:`search`) for the units with similarity ≥ *t* uses two facts.  Such a unit, with
``m`` words against the query's ``n``, has ``t·n ≤ m ≤ n/t`` (length filter) and shares at least
``t·max(n, m)`` words with the query (count filter).  So it holds one of the query's rarest words:

1. read the postings of the query's words, rarest first, until the words left unread could not
   reach the count on their own, then more while under :data:`POSTINGS_BUDGET` postings;
2. count the words read in each unit: with the unread words' weight that bounds its similarity,
   and units whose bound is below *t* (or whose length is out of range) are dropped;
3. while more than :data:`REFINE_BELOW` units are left, score the :data:`PROBE` likeliest, raise
   *t* to the best score found, and count the next commoner word for the units left (a binary
   search in its postings), as long as its postings are short next to the units left;
4. score the units for real in decreasing order of their bound until the bound falls below the
   best score found.

The result is what scoring every unit would give (ties go to the newer unit), unless more than
:data:`MAX_VERIFY` units have to be scored.
"""

from __future__ import annotations

import heapq
import math
import sqlite3
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np
from rapidfuzz.distance import Levenshtein

from .keys import batch_words, words

LEN_BITS = 16
LEN_MASK = (1 << LEN_BITS) - 1
MAX_CHUNKS = 32  # chunks of one word before compact() merges them
POSTINGS_BUDGET = 15_000  # postings read beyond the minimum the count filter needs
REFINE_BELOW = 200  # candidates left before reading commoner words stops paying
REFINE_RATIO = 500  # read a commoner word's postings if it is at most this many times the candidates
PROBE = 16  # candidates scored first, to prune the others with the best score among them
MAX_VERIFY = 3_000  # candidates scored at most per search
BLOCK = 50_000  # units per bulk-index block: bounds an import's memory (1M units: 0.74 GB peak; 1.6 GB at 200k)
_EPS = 1e-9


def similarity(a: Sequence[str], b: Sequence[str]) -> float:
    """Word-level similarity of two word sequences, 0–100 (see the module docstring)."""
    if not a and not b:
        return 100.0
    return 100.0 * Levenshtein.normalized_similarity(a, b)


# -- writing the index -------------------------------------------------------------------------------


def _pack(unit_id: int, n_words: int) -> int:
    return unit_id << LEN_BITS | min(n_words, LEN_MASK)


def index_unit(conn: sqlite3.Connection, unit_id: int, unit_words: Sequence[str]) -> None:
    """Add one unit to the index inside *conn*'s transaction (compacting the words that need it)."""
    distinct = list(dict.fromkeys(unit_words))
    if not distinct:
        return
    blob = array("q", [_pack(unit_id, len(unit_words))]).tobytes()
    conn.executemany(
        "INSERT INTO memory_postings (token, start, ids) VALUES (?, ?, ?)",
        [(w, unit_id, blob) for w in distinct],
    )
    marks = ",".join("?" * len(distinct))
    crowded = conn.execute(
        f"SELECT token FROM memory_postings WHERE token IN ({marks}) GROUP BY token HAVING count(*) > ?",
        [*distinct, MAX_CHUNKS],
    ).fetchall()
    if crowded:
        compact(conn, [t for (t,) in crowded])


class BulkIndexer:
    """Index many units inside one transaction: :meth:`add` batches in id order, then :meth:`close`.

    Units are gathered into blocks of :data:`BLOCK` and each block is written as one chunk per word,
    so the memory used does not grow with the size of the import.
    """

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self._ids: list[int] = []
        self._keys: list[str] = []

    def add(self, unit_ids: Sequence[int], unit_keys: Sequence[str]) -> None:
        self._ids.extend(unit_ids)
        self._keys.extend(unit_keys)
        if len(self._ids) >= BLOCK:
            self.flush()

    def flush(self) -> None:
        """Write the units gathered so far: one chunk per word, in word order."""
        if not self._ids:
            return
        ids = np.array(self._ids, dtype=np.int64)
        batch = batch_words(self._keys)
        self._ids, self._keys = [], []
        owner = np.repeat(np.arange(len(ids), dtype=np.int64), batch.counts)
        order = np.argsort(batch.hashes, kind="stable")  # by word, and by unit within a word
        hashes, owner, first = batch.hashes[order], owner[order], order
        keep = np.concatenate(([True], (hashes[1:] != hashes[:-1]) | (owner[1:] != owner[:-1])))
        hashes, owner, first = hashes[keep], owner[keep], first[keep]  # distinct (word, unit)
        packed = (ids[owner] << LEN_BITS) | np.minimum(batch.counts[owner], LEN_MASK)
        bounds = np.flatnonzero(hashes[1:] != hashes[:-1]) + 1  # where each word's postings start
        starts = np.concatenate(([0], bounds)).tolist()
        ends = np.concatenate((bounds, [len(hashes)])).tolist()
        names = [batch.word(i) for i in first[starts].tolist()]
        first_id = (packed >> LEN_BITS).tolist()
        by_name = sorted(range(len(names)), key=names.__getitem__)  # the index on token grows in order
        self.conn.executemany(
            "INSERT INTO memory_postings (token, start, ids) VALUES (?, ?, ?)",
            ((names[j], first_id[starts[j]], packed[starts[j] : ends[j]].tobytes()) for j in by_name),
        )

    def close(self) -> None:
        """Write the last block and merge the words left with too many chunks."""
        self.flush()
        crowded = self.conn.execute(
            "SELECT token FROM memory_postings GROUP BY token HAVING count(*) > ?", (MAX_CHUNKS,)
        ).fetchall()
        compact(self.conn, [t for (t,) in crowded])


def compact(conn: sqlite3.Connection, tokens: Iterable[str]) -> None:
    """Merge the chunks of each word in *tokens* into one."""
    for token in tokens:
        rows = conn.execute(
            "SELECT rowid, start, ids FROM memory_postings WHERE token = ? ORDER BY start", (token,)
        ).fetchall()
        if len(rows) < 2:
            continue
        conn.execute(
            f"DELETE FROM memory_postings WHERE rowid IN ({','.join('?' * len(rows))})", [r[0] for r in rows]
        )
        conn.execute(
            "INSERT INTO memory_postings (token, start, ids) VALUES (?, ?, ?)",
            (token, rows[0][1], b"".join(r[2] for r in rows)),
        )


def remove_units(conn: sqlite3.Connection, units: Sequence[tuple[int, Sequence[str]]]) -> None:
    """Take the units (id, words of its key) out of the index inside *conn*'s transaction (the units
    themselves are deleted by the caller): each word's chunks are rewritten without them."""
    by_word: dict[str, set[int]] = {}
    for unit_id, unit_words in units:
        for w in unit_words:
            by_word.setdefault(w, set()).add(unit_id)
    for token, ids in by_word.items():
        gone = np.array(sorted(ids), dtype=np.int64)
        rows = conn.execute("SELECT rowid, ids FROM memory_postings WHERE token = ?", (token,)).fetchall()
        for rowid, blob in rows:
            posting = np.frombuffer(blob, dtype="<i8")
            kept = posting[~np.isin(posting >> LEN_BITS, gone)]
            if len(kept) == len(posting):
                continue
            if len(kept):
                conn.execute("UPDATE memory_postings SET start = ?, ids = ? WHERE rowid = ?",
                             (int(kept[0] >> LEN_BITS), kept.astype("<i8").tobytes(), rowid))
            else:
                conn.execute("DELETE FROM memory_postings WHERE rowid = ?", (rowid,))


def rebuild(conn: sqlite3.Connection) -> int:
    """Rebuild the whole index from ``memory_units`` inside *conn*'s transaction; return the units indexed."""
    conn.execute("DELETE FROM memory_postings")
    indexer = BulkIndexer(conn)
    count = 0
    cursor = conn.execute("SELECT id, key FROM memory_units ORDER BY id")
    while rows := cursor.fetchmany(10_000):
        indexer.add([r[0] for r in rows], [r[1] for r in rows])
        count += len(rows)
    indexer.close()
    return count


# -- searching ---------------------------------------------------------------------------------------


def search(
    conn: sqlite3.Connection,
    query_words: Sequence[str],
    *,
    threshold: float,
    limit: int = 1,
) -> list[tuple[float, int, str]]:
    """The best units with similarity ≥ *threshold* (0–100): ``(similarity, unit_id, key)``, best first.

    Ties are broken by the higher unit id (the newer unit).
    """
    n = len(query_words)
    if n == 0 or limit < 1:
        return []
    t = max(threshold / 100.0, _EPS)
    counts = Counter(query_words)
    df = _document_frequencies(conn, list(counts))
    need = max(1, math.ceil(t * n - _EPS))  # words a unit no longer than the query must share (one at least)
    rest = sum(counts[w] for w in df)  # weight of the query words not read yet that some unit holds
    if rest < need:
        return []
    order = sorted(df, key=df.__getitem__)
    fetch: list[str] = []
    read = 0
    for token in order:  # rarest first: all the count filter needs, then more within the budget
        if rest < need and read + df[token] > POSTINGS_BUDGET:
            break
        fetch.append(token)
        read += df[token]
        rest -= counts[token]
    lo, hi = math.ceil(t * n - _EPS), math.floor(n / t + _EPS)
    postings = _postings(conn, fetch, lo, hi)
    merged = np.concatenate([postings[w] for w in fetch for _ in range(counts[w])])
    if not len(merged):
        return []
    merged.sort(kind="stable")  # merges the sorted runs
    firsts = np.flatnonzero(np.concatenate(([True], merged[1:] != merged[:-1])))
    units = merged[firsts]
    shared = np.diff(np.append(firsts, len(merged)))
    units, shared = _filter(units, shared, rest, n, t)
    best: list[tuple[float, int, str]] = []  # min-heap of (similarity, id, key): the best found so far
    done: set[int] = set()
    for token in order[len(fetch) :]:  # many candidates left: count commoner words for them alone
        if len(units) <= REFINE_BELOW or df[token] > REFINE_RATIO * len(units):
            break
        if not done:  # first score the likeliest few: a good match found now prunes the rest
            likeliest = np.lexsort((-units, -shared))[:PROBE]
            _verify(conn, query_words, (units[likeliest] >> LEN_BITS).tolist(), None, t, limit, best, done)
            if len(best) == limit:
                t = max(t, best[0][0])
                units, shared = _filter(units, shared, rest, n, t)
                continue
        posting = _postings(conn, [token], lo, hi)[token]
        if len(posting):
            at = np.minimum(np.searchsorted(posting, units), len(posting) - 1)
            shared = shared + (posting[at] == units) * counts[token]
        rest -= counts[token]
        units, shared = _filter(units, shared, rest, n, t)
    m = units & LEN_MASK
    bound = np.minimum(shared + rest, np.minimum(m, n)) / np.maximum(m, n)
    ranked = np.lexsort((-units, -shared, -bound))
    ids, bounds = (units[ranked] >> LEN_BITS).tolist(), bound[ranked].tolist()
    _verify(conn, query_words, ids, bounds, t, limit, best, done)
    return [(100.0 * s, u, k) for s, u, k in sorted(best, reverse=True)]


def _document_frequencies(conn: sqlite3.Connection, tokens: list[str]) -> dict[str, int]:
    """How many units hold each of *tokens* (those no unit holds are left out)."""
    marks = ",".join("?" * len(tokens))
    sql = f"SELECT token, sum(length(ids)) FROM memory_postings WHERE token IN ({marks}) GROUP BY token"
    return {token: size // 8 for token, size in conn.execute(sql, tokens)}


def _postings(conn: sqlite3.Connection, tokens: list[str], lo: int, hi: int) -> dict[str, np.ndarray]:
    """The postings of *tokens*, keeping units of *lo* to *hi* words."""
    blobs: dict[str, list[bytes]] = {t: [] for t in tokens}
    marks = ",".join("?" * len(tokens))
    sql = f"SELECT token, ids FROM memory_postings WHERE token IN ({marks}) ORDER BY token, start"
    for token, blob in conn.execute(sql, tokens):
        blobs[token].append(blob)
    out = {}
    for token, parts in blobs.items():
        posting = np.frombuffer(b"".join(parts), dtype="<i8")
        length = posting & LEN_MASK
        out[token] = posting[(length >= lo) & (length <= hi)]
    return out


def _filter(
    units: np.ndarray, shared: np.ndarray, rest: int, n: int, t: float
) -> tuple[np.ndarray, np.ndarray]:
    """The units that could still share ``t × max(n, m)`` words with the query."""
    m = units & LEN_MASK
    common = np.minimum(shared + rest, np.minimum(m, n))
    keep = common >= np.ceil(t * np.maximum(m, n) - _EPS)
    return units[keep], shared[keep]


def _verify(
    conn: sqlite3.Connection,
    query_words: Sequence[str],
    ids: list[int],
    bounds: list[float] | None,
    t: float,
    limit: int,
    best: list[tuple[float, int, str]],
    done: set[int],
) -> None:
    """Score the units *ids* not in *done* into the heap *best*, in order, until their bounds fall short."""
    todo = [(i, u) for i, u in enumerate(ids) if u not in done][: MAX_VERIFY - len(done)]
    for start in range(0, len(todo), 128):
        chunk = todo[start : start + 128]
        if bounds is not None and bounds[chunk[0][0]] < (best[0][0] if len(best) == limit else t - _EPS):
            return
        marks = ",".join("?" * len(chunk))
        keys = dict(
            conn.execute(
                f"SELECT id, key FROM memory_units WHERE id IN ({marks})", sorted(u for _, u in chunk)
            )
        )
        for i, unit_id in chunk:
            if bounds is not None and bounds[i] < (best[0][0] if len(best) == limit else t - _EPS):
                return
            done.add(unit_id)
            key_text = keys.get(unit_id)
            if key_text is None:
                continue
            score = Levenshtein.normalized_similarity(query_words, words(key_text))
            if score >= t - _EPS:
                item = (score, unit_id, key_text)
                if len(best) < limit:
                    heapq.heappush(best, item)
                elif item > best[0]:
                    heapq.heapreplace(best, item)
