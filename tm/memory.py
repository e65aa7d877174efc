"""The translation memory: every human translation in the store plus imported units.

A unit is an Arabic source, its English target and where it came from (``origin`` ``human``
or ``import``, author, file, note, TMX props).  A pair already in the memory is not stored
twice.  :class:`Memory` answers lookups for ``tm translate``: an *exact* match has the segment's
matching key (score 100 when the source is identical byte for byte, 99 when it differs only in
tashkeel, hamza forms, digit script and the like); otherwise the best *fuzzy* match at or above
the threshold, scored as in :mod:`tm.fuzzy` (word-level Levenshtein on the keys, at most 98).
Numbers that changed between the segment and the memory's source are carried into the target
when that is unambiguous (:mod:`tm.carry`).

Imports are one transaction: a file that turns out malformed half-way leaves the memory as it
was.  They stream in batches, so a million units need no more memory than a thousand.  A unit
without text on both sides (a TMX unit in other languages, or with an empty ``<seg>``) is
skipped and counted (:attr:`ImportResult.skipped_incomplete`).

An imported unit keeps the provenance its file gives it.  The TMX prop ``x-tm-origin`` that
tm writes (``human`` or ``import``) sets the origin, so a memory restored from its own export
ranks exact matches as before; ``creationid`` becomes the author and ``creationdate`` (TMX's
``20240131T120000Z``, or any ISO 8601 date; UTC when no zone is given) the date, for
foreign TMX files too: they name the translator and the time of the translation, which is
better provenance than whoever imports the file, and ``file`` still records where the unit
came from.  Units without them (every TSV, CSV and line-aligned unit) get origin ``import``,
the importer as author and the time of the import.  The props are stored as read, so an
export writes them back as they were.

Exports are :mod:`tm.memory_export`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import fuzzy
from .carry import carry
from .errors import InputError
from .keys import batch_keys, key, key_hash, words
from .markers import body, mark, unmark
from .store import Store, next_id, now

if TYPE_CHECKING:
    from .formats.tmx import TMUnit

__all__ = [
    "ImportResult", "Memory", "MemoryMatch", "MemoryStats", "add_unit", "import_units", "iter_units",
    "iter_units_with_ids", "read_units", "stats",
]  # fmt: skip

ORIGINS = ("human", "import")
BATCH = 5_000  # units per insert batch during an import
FUZZY_CANDIDATES = (1, 4, 16, 64, 256)  # fuzzy matches read while the best hold more sentences than the segment

_COLUMNS = "id, source, target, key, key_hash, origin, file, note, props, created, author, translation_id"
_INSERT = f"""
    INSERT INTO memory_units ({_COLUMNS})
    SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12
    WHERE NOT EXISTS (SELECT 1 FROM memory_units WHERE key_hash = ?5 AND source = ?2 AND target = ?3)
"""
_INSERT_NEW = f"INSERT INTO memory_units ({_COLUMNS}) VALUES ({', '.join('?' * 12)})"


@dataclass
class MemoryMatch:
    """A memory unit found for a segment; ``target`` has the segment's numbers carried into it."""

    unit_id: int
    source: str
    target: str
    score: float
    kind: str  # "exact" | "fuzzy"
    origin: str
    numbers: list[tuple[str, str]] = field(default_factory=list)  # (old, new) as written in the target
    number_warnings: list[str] = field(default_factory=list)  # numbers that differ but were not carried

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "score": self.score, "kind": self.kind, "source": self.source, "target": self.target,
            "origin": self.origin, "unit_id": self.unit_id,
        }  # fmt: skip
        if self.numbers:
            out["numbers"] = [list(p) for p in self.numbers]
        if self.number_warnings:
            out["number_warnings"] = self.number_warnings
        return out


@dataclass
class ImportResult:
    added: int
    duplicates: int
    skipped_incomplete: int = 0  # units without text on both sides (TMX), left out
    sentence_units: int = 0  # sentence pairs made of paragraph units (:mod:`tm.paragraphs`), added or duplicates


@dataclass
class MemoryStats:
    units: int
    by_origin: dict[str, int]
    files: int

    def as_json(self) -> dict[str, Any]:
        return {"units": self.units, "by_origin": self.by_origin, "files": self.files}


def _check_origin(origin: str) -> None:
    if origin not in ORIGINS:
        raise ValueError(f"origin must be one of {', '.join(ORIGINS)}, not {origin!r}")


def unit_key(source: str) -> str:
    """The memory's matching key of *source*: its normalised text after any list marker (:mod:`tm.markers`)."""
    return key(body(source))


def add_unit(
    conn: sqlite3.Connection,
    *,
    source: str,
    target: str,
    origin: str,
    author: str | None = None,
    file: str | None = None,
    note: str | None = None,
    props: dict[str, Any] | None = None,
    translation_id: int | None = None,
) -> int | None:
    """Add one unit inside *conn*'s transaction and index it; its id, or None if the pair is there already."""
    _check_origin(origin)
    k = unit_key(source)
    props_json = json.dumps(props, ensure_ascii=False) if props else None
    cur = conn.execute(
        _INSERT,
        (next_id(conn, "memory_units"), source, target, k, key_hash(k), origin, file, note, props_json, now(),
         author, translation_id),
    )
    if not cur.rowcount:
        return None
    unit_id = int(cur.lastrowid or 0)
    fuzzy.index_unit(conn, unit_id, words(k))
    return unit_id


def import_units(
    store: Store,
    units: Iterable[TMUnit],
    *,
    file: str | None,
    author: str | None,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Add *units* in one transaction, as origin ``import`` unless their props say otherwise.

    Pairs already in the memory, or repeated in *units*, are counted as duplicates and skipped;
    so are, as ``skipped_incomplete``, units without text on both sides.  A paragraph unit whose
    sides cut into as many sentences also gives each sentence pair as a unit of its own
    (:mod:`tm.paragraphs`): ``sentence_units`` of them were made, and each is added or, already
    there, a duplicate, like any unit.  A unit's TMX
    ``x-tm-origin``, ``creationid`` and ``creationdate`` give its origin, author and date
    (see the module docstring); *author* and the time of the import stand in for missing ones.
    *progress* is called with the number of units read since its last call.  An exception
    raised while reading *units* (a :class:`tm.errors.FormatError`) leaves the memory unchanged.
    """
    from .paragraphs import sentence_units

    added = read = incomplete = pieces = 0
    created = now()
    stream = iter(units)
    conn = store.db.conn
    (cache,) = conn.execute("PRAGMA cache_size").fetchone()
    conn.execute("PRAGMA cache_size = -262144")  # 256 MiB while the import runs
    try:
        with store.transaction() as conn:
            last = next_id(conn, "memory_units") - 1
            indexer = fuzzy.BulkIndexer(conn)
            empty = conn.execute("SELECT NOT EXISTS (SELECT 1 FROM memory_units)").fetchone()[0]
            fresh: set[int] | None = set() if empty else None  # key hashes of this import
            while chunk := list(islice(stream, BATCH)):
                whole = [u for u in chunk if u.complete]
                incomplete += len(chunk) - len(whole)
                batch = []
                for u in whole:
                    batch.append(u)
                    batch += (parts := sentence_units(u))
                    pieces += len(parts)
                keys = batch_keys([body(u.source) for u in batch])
                rows = []
                for i, (u, k) in enumerate(zip(batch, keys, strict=True), start=1):
                    origin, who, when = _provenance(u.props, author, created)
                    props = json.dumps(u.props, ensure_ascii=False) if u.props else None
                    rows.append((last + i, u.source, u.target, k, key_hash(k), origin, file, u.note, props, when,
                                 who, None))  # fmt: skip
                if fresh is None:
                    inserted = conn.executemany(_INSERT, rows).rowcount if rows else 0
                else:
                    # Into an empty memory, only a unit whose key this import has already seen
                    # can be a duplicate: the rest skip the duplicate probe.
                    new: list[tuple[Any, ...]] = []
                    check: list[tuple[Any, ...]] = []
                    for r in rows:
                        (check if r[4] in fresh else new).append(r)
                        fresh.add(r[4])
                    inserted = conn.executemany(_INSERT_NEW, new).rowcount if new else 0
                    inserted += conn.executemany(_INSERT, check).rowcount if check else 0
                if rows and inserted == len(rows):
                    indexer.add([r[0] for r in rows], keys)
                elif inserted:
                    kept = {i for (i,) in conn.execute(
                        "SELECT id FROM memory_units WHERE id > ? AND id <= ?", (last, last + len(rows))
                    )}  # fmt: skip
                    indexer.add(*zip(*[(r[0], r[3]) for r in rows if r[0] in kept], strict=True))
                last += len(rows)
                added += inserted
                read += len(batch)
                if progress:
                    progress(len(chunk))
            indexer.close()
    finally:
        conn.execute(f"PRAGMA cache_size = {cache}")
    return ImportResult(added=added, duplicates=read - added, skipped_incomplete=incomplete,
                        sentence_units=pieces)


def _provenance(props: dict[str, Any], author: str | None, created: str) -> tuple[str, str | None, str]:
    """The origin, author and date of an imported unit with *props*: its own where they say, else the import's."""
    if not props:  # every TSV, CSV and line-aligned unit
        return "import", author, created
    from .formats.tmx import parse_tmx_date

    origin, who = props.get("x-tm-origin"), props.get("creationid")
    when = parse_tmx_date(props.get("creationdate"))
    return (
        origin if isinstance(origin, str) and origin in ORIGINS else "import",
        who if isinstance(who, str) and who.strip() else author,
        when.isoformat(timespec="seconds") if when else created,  # the store's format (tm.store.now)
    )


def read_units(path: str | Path, *, en_path: str | Path | None = None) -> Iterator[TMUnit]:
    """The units of a TMX, TSV or CSV file (by extension), or of *path* line-aligned with *en_path*."""
    from .formats.tabular import read_aligned, read_tabular
    from .formats.tmx import read_tmx

    if en_path is not None:
        return read_aligned(path, en_path)
    suffix = Path(path).suffix.lower()
    if suffix == ".tmx":
        return read_tmx(path)
    if suffix in (".tsv", ".tab", ".csv", ".txt"):
        return read_tabular(path)
    raise InputError(
        f"Cannot tell the format of {path} from its extension; name it .tmx, .tsv or .csv "
        "(or give two line-aligned files with --ar and --en)."
    )


def iter_units(store: Store) -> Iterator[TMUnit]:
    """Every unit as a :class:`tm.formats.tmx.TMUnit`, oldest first, with its provenance in ``props``."""
    for _, unit in iter_units_with_ids(store):
        yield unit


def iter_units_with_ids(store: Store) -> Iterator[tuple[int, TMUnit]]:
    """:func:`iter_units` with each unit's id."""
    from .formats.tmx import TMUnit, tmx_date

    cursor = store.db.conn.execute(
        "SELECT id, source, target, note, props, created, author, origin FROM memory_units ORDER BY id"
    )
    last_created, last_date = None, ""  # the units of one import share their date: convert it once
    for unit_id, source, target, note, props, created, author, origin in cursor:
        extra: dict[str, Any] = json.loads(props) if props else {}
        if created is None or created != last_created:
            last_created, last_date = created, tmx_date(created)
        extra.setdefault("creationdate", last_date)
        if author:
            extra.setdefault("creationid", author)
        if origin == "human":
            extra.setdefault("x-tm-origin", origin)
        yield unit_id, TMUnit(source, target, 0, note, extra)


def iter_pairs_with_ids(store: Store) -> Iterator[tuple[int, str, str]]:
    """Every unit's (id, source, target), oldest first: what a TSV or CSV export writes, no more."""
    yield from store.db.conn.execute("SELECT id, source, target FROM memory_units ORDER BY id")


def more_sentences(unit: str, segment: str) -> bool:
    """Whether a memory unit's source holds more sentences than the segment (line breaks aside): a unit
    made of a whole paragraph (TMX files with segtype="paragraph") would bring the other sentences'
    English along as the segment's fuzzy match."""
    from .segment import split

    return len(split(" ".join(unit.split()))[1]) > len(split(" ".join(segment.split()))[1])


def stats(store: Store) -> MemoryStats:
    """How many units the memory holds, by origin, and from how many files: one scan of the units."""
    by_origin: dict[str, int] = {}
    files: set[str] = set()
    for origin, file, count in store.db.execute(
        "SELECT origin, file, count(*) FROM memory_units GROUP BY origin, file"
    ):
        by_origin[origin] = by_origin.get(origin, 0) + count
        if file is not None:
            files.add(file)
    by_origin = dict(sorted(by_origin.items()))
    return MemoryStats(units=sum(by_origin.values()), by_origin=by_origin, files=len(files))


class Memory:
    """Lookups in the memory of *store*; cheap to create (the index lives in the database)."""

    def __init__(self, store: Store):
        self.conn = store.db.conn

    def lookup(self, sources: Sequence[str], *, threshold: float = 75) -> list[MemoryMatch | None]:
        """The best match of each segment in *sources*: an exact match (same key) whatever *threshold*,
        else a fuzzy match scoring at least *threshold* (0–100), else None."""
        seen: dict[str, MemoryMatch | None] = {}
        out = []
        for source in sources:
            if source not in seen:
                seen[source] = self._lookup(source, threshold)
            out.append(seen[source])
        return out

    def search(self, text: str, *, limit: int = 5, min_score: float = 50) -> list[MemoryMatch]:
        """The *limit* best units for *text* scoring at least *min_score*, best first, targets as stored.

        A blank *text* matches nothing.
        """
        if not text.strip():
            return []
        k = unit_key(text)
        exact = self._exact(text, k)[:limit]
        found = [self._match(row, score, "exact") for row, score in exact]
        if len(found) < limit and min_score <= 98:
            skip = {m.unit_id for m in found}
            hits = fuzzy.search(self.conn, words(k), threshold=min_score, limit=limit + len(skip))
            rows = self._rows([u for _, u, _ in hits if u not in skip])
            for sim, unit_id, _ in hits:
                if unit_id in rows and len(found) < limit:
                    found.append(self._match(rows[unit_id], _fuzzy_score(sim), "fuzzy"))
        return found

    def _lookup(self, source: str, threshold: float) -> MemoryMatch | None:
        k = unit_key(source)
        exact = self._exact(source, k)
        if exact:
            row, score = exact[0]
            found = self._match(row, score, "exact")  # the threshold is for fuzzy matches
            found.target = mark(source, unmark(found.source, found.target))
            return found
        if threshold > 98:
            return None
        match = None
        for limit in FUZZY_CANDIDATES:  # the best, and only while those found are paragraph units, more
            hits = fuzzy.search(self.conn, words(k), threshold=threshold, limit=limit)
            rows = self._rows([u for _, u, _ in hits])
            match = next((self._match(rows[u], _fuzzy_score(sim), "fuzzy") for sim, u, _ in hits
                          if not more_sentences(rows[u][1], source)), None)  # fmt: skip
            if match is not None or len(hits) < limit:
                break
        if match is None:
            return None
        carried = carry(body(source), body(match.source), unmark(match.source, match.target))
        match.target = mark(source, carried.target)
        match.numbers, match.number_warnings = carried.numbers, carried.warnings
        return match

    def _exact(self, source: str, k: str) -> list[tuple[tuple[Any, ...], float]]:
        """Units with the key *k*: identical source first (100, else 99), then human, then newest."""
        rows = self.conn.execute(
            "SELECT id, source, target, origin FROM memory_units WHERE key_hash = ? AND key = ?",
            (key_hash(k), k),
        ).fetchall()
        ranked = sorted(rows, key=lambda r: (r[1] == source, r[3] == "human", r[0]), reverse=True)
        return [(r, 100.0 if r[1] == source else 99.0) for r in ranked]

    def _rows(self, ids: list[int]) -> dict[int, tuple[Any, ...]]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        sql = f"SELECT id, source, target, origin FROM memory_units WHERE id IN ({marks})"
        return {r[0]: r for r in self.conn.execute(sql, ids)}

    @staticmethod
    def _match(row: tuple[Any, ...], score: float, kind: str) -> MemoryMatch:
        unit_id, source, target, origin = row
        return MemoryMatch(
            unit_id=unit_id, source=source, target=target, score=score, kind=kind, origin=origin
        )


def _fuzzy_score(similarity: float) -> float:
    return round(min(98.0, similarity), 1)
