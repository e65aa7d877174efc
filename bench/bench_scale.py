"""Commands at a desk's real scale: the rewritten paths against the ones they replaced, in the same run.

`tm score --rebuild` (:func:`tm.draftstats.rebuild_draft_stats`) recomputes the statistics of every
corrected segment.  A desk corrects a share of what it drafts, so the store holds many drafts that
no correction scores.  The old path read every draft of the store into a dict before choosing the
corrected segments' ones, and kept every computed row until the end; the new one reads only the
corrected segments' drafts, in batches, and stages the rows in a temporary table.  Each runs in a
fresh process on its own copy of the store (peak RSS is that process's ``ru_maxrss``, the Python
start-up included); the rows they write must be identical.

Schema 2's migration re-keys glossary entries whose stored key the new normalisation rules change
(here: terms pasted with bidi embedding marks) and merges an entry whose new key another entry
holds.  The old path scanned the whole glossary, normalising every variant, for each re-keyed entry;
the new one reads the glossary once.  Both run on copies of the same version-1 glossary (the shipped
glossary's terms and frequent UN n-grams, bench/bench_terms.py) and must leave identical entries.

Data: real Arabic–English pairs of ../shared/data (UN v1.0, NTREX-128, FLORES-200; see
bench/bench_score.py), cycled: the corrected segments have an MT-like damaged draft and the real
English as correction; the uncorrected segments have the real English as their draft.

    .venv/bin/python bench/bench_scale.py            # 2,000 corrected segments, 1,000,000 uncorrected;
                                                     # 2,000 glossary entries to re-key
    .venv/bin/python bench/bench_scale.py --quick    # 500 and 100,000; 500 entries
    .venv/bin/python bench/bench_scale.py --only rekey --entries 4000
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_score import damage, load_pairs  # noqa: E402


def build(db: Path, corrected: int, uncorrected: int, per_doc: int = 50) -> None:
    """A store of *corrected* segments (a draft and a correction each, statistics recorded) and
    *uncorrected* segments with a draft each."""
    from tm.normalize import normalize
    from tm.store import Store

    pairs = load_pairs()
    rng = random.Random(7)
    with Store.open(db) as store, store.transaction() as conn:
        seg_id = 0
        for start in range(0, corrected + uncorrected, per_doc):
            cur = conn.execute("INSERT INTO documents (name, path, sha256, prefix, created, author) "
                               "VALUES (?, NULL, 'x', '', '2026-01-01T00:00:00+00:00', 'bench')", (f"doc{start}",))
            segs, drafts, humans = [], [], []
            for i in range(start, min(start + per_doc, corrected + uncorrected)):
                ar, en = pairs[i % len(pairs)]
                seg_id += 1
                segs.append((seg_id, cur.lastrowid, i - start + 1, 1, ar, "\n", normalize(ar)))
                if i < corrected:
                    drafts.append((seg_id, damage(en, 0.2, rng)))
                    humans.append((seg_id, en))
                else:
                    drafts.append((seg_id, en))
            conn.executemany("INSERT INTO segments (id, doc_id, idx, paragraph, source, sep, key) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?)", segs)
            conn.executemany("INSERT INTO translations (segment_id, origin, text, engine, model, created) "
                             "VALUES (?, 'mt', ?, 'engine-a', 'model-a', '2026-01-02T00:00:00+00:00')", drafts)
            conn.executemany("INSERT INTO translations (segment_id, origin, text, author, created) "
                             "VALUES (?, 'human', ?, 'desk', '2026-01-03T00:00:00+00:00')", humans)


def old_rebuild(store: Any, *, batch: int = 2000) -> int:
    """rebuild_draft_stats as it was before (tm 35bf831^): every draft of the store read into a dict."""
    from tm.draftstats import _INSERT, _Pair, _rows

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
    with store.transaction() as conn:
        conn.execute("DELETE FROM draft_stats")
        conn.executemany(_INSERT, rows)
    return len(rows)


def _run(which: str, db: str, out: Any) -> None:
    from tm.draftstats import rebuild_draft_stats
    from tm.store import Store

    with Store.open(db) as store:
        t0 = time.perf_counter()
        count = old_rebuild(store) if which == "old" else rebuild_draft_stats(store)
        seconds = time.perf_counter() - t0
    out.put((count, seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def measure(which: str, db: Path) -> tuple[int, float, float]:
    """(drafts scored, seconds, peak RSS in MB) of one rebuild in a fresh process."""
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    proc = ctx.Process(target=_run, args=(which, str(db), out))
    proc.start()
    result = out.get()
    proc.join()
    return result


def rows(db: Path) -> list[tuple]:
    import sqlite3

    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT * FROM draft_stats ORDER BY draft_id").fetchall()


def old_rekey(conn: Any, entries: list[tuple[int, str]]) -> None:
    """The schema 2 re-keying as it shipped (tm cc3d0bb): each entry scans its glossary for an owner."""
    import json

    from tm.normalize import normalize

    for entry_id, new_key in entries:
        gid, ar, en, alternatives, forbidden, note = conn.execute(
            "SELECT glossary_id, ar, en, alternatives, forbidden, note FROM glossary_entries WHERE id = ?",
            (entry_id,)).fetchone()
        owner = next((other_id for other_id, other_key, variants in conn.execute(
            "SELECT id, key, variants FROM glossary_entries WHERE glossary_id = ? AND id != ?", (gid, entry_id))
            if other_key == new_key or new_key in {normalize(v) for v in json.loads(variants)}), None)
        if owner is None:
            conn.execute("UPDATE glossary_entries SET key = ? WHERE id = ?", (new_key, entry_id))
            continue
        said = "; ".join(part for part in (
            f"{ar} → {en}", f"also {', '.join(json.loads(alternatives))}" if json.loads(alternatives) else "",
            f"not {', '.join(json.loads(forbidden))}" if json.loads(forbidden) else "", note or "") if part)
        conn.execute("UPDATE glossary_entries SET note = trim(coalesce(note, '') || ' ' || ?) WHERE id = ?",
                     (f"[tm 0.1 schema 2 merged the entry with the same spelling: {said}]", owner))
        conn.execute("DELETE FROM glossary_entries WHERE id = ?", (entry_id,))


def version_1_glossary(db: Path, size: int) -> list[tuple[int, str]]:
    """A store whose glossary 'desk' has *size* entries pasted with bidi embedding marks around the Arabic
    (keyed with them before schema 2), every third with a variant; the (id, new key) pairs to re-key."""
    import json

    from bench_terms import glossary

    from tm.normalize import normalize
    from tm.store import Store

    terms = [t for t in glossary(size + size // 10) if normalize(t.ar) and any("\u0600" <= c <= "\u06ff" for c in t.ar)]
    with Store.open(db) as store, store.transaction() as conn:
        conn.execute("INSERT INTO glossaries (name, created) VALUES ('desk', '2026-01-01T00:00:00+00:00')")
        (gid,) = conn.execute("SELECT id FROM glossaries WHERE name = 'desk'").fetchone()
        rows = []
        for i, t in enumerate(terms[:size]):
            variants = [terms[(i * 7 + 1) % size].ar] if i % 3 == 0 else []
            rows.append((gid, f"\u202b{t.ar}\u202c", f"Rendering {i}", normalize(t.ar) + "\u202b",
                         json.dumps(variants, ensure_ascii=False)))
        conn.executemany("INSERT OR IGNORE INTO glossary_entries (glossary_id, ar, en, key, variants, created) "
                         "VALUES (?, ?, ?, ?, ?, '2026-01-01T00:00:00+00:00')", rows)
        return [(i, normalize(ar)) for i, ar, k in conn.execute("SELECT id, ar, key FROM glossary_entries")
                if normalize(ar) != k]


def bench_rekey(tmp: str, size: int) -> bool:
    import sqlite3

    import sqlite_utils

    from tm.migrations import _rekey_glossary_entries

    base = Path(tmp) / "v1.db"
    entries = version_1_glossary(base, size)
    print(f"glossary: {len(entries):,} entries to re-key", flush=True)
    times, tables = {}, {}
    for which in ("old", "new"):
        db = Path(tmp) / f"rekey-{which}.db"
        shutil.copy(base, db)
        conn = sqlite3.connect(db, isolation_level=None)
        conn.execute("BEGIN")
        t0 = time.perf_counter()
        if which == "old":
            old_rekey(conn, entries)
        else:
            _rekey_glossary_entries(sqlite_utils.Database(conn), entries)
        times[which] = time.perf_counter() - t0
        conn.execute("COMMIT")
        tables[which] = conn.execute("SELECT * FROM glossary_entries ORDER BY id").fetchall()
        conn.close()
        print(f"  {which}: {times[which]:.2f} s", flush=True)
    same = tables["old"] == tables["new"]
    merged = len(entries) - sum(1 for _ in tables["new"])
    print(f"\nidentical glossary entries: {'yes' if same else 'NO'} ({merged:,} entries gave way to another)")
    print(f"re-keying time old/new: {times['old'] / times['new']:.0f}x ({times['old']:.2f} s → {times['new']:.2f} s)")
    return same


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="500 corrected and 100,000 uncorrected segments; 500 glossary entries")
    parser.add_argument("--only", choices=["rebuild", "rekey"], help="run one of the two")
    parser.add_argument("--corrected", type=int, default=None)
    parser.add_argument("--uncorrected", type=int, default=None)
    parser.add_argument("--entries", type=int, default=None, help="glossary entries to re-key")
    args = parser.parse_args()
    corrected = args.corrected or (500 if args.quick else 2_000)
    uncorrected = args.uncorrected or (100_000 if args.quick else 1_000_000)
    ok = True
    if args.only != "rebuild":
        with tempfile.TemporaryDirectory() as tmp:
            ok = bench_rekey(tmp, args.entries or (500 if args.quick else 2_000))
    if args.only != "rekey":
        ok = bench_rebuild(corrected, uncorrected) and ok
    if not ok:
        sys.exit(1)


def bench_rebuild(corrected: int, uncorrected: int) -> bool:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base.db"
        t0 = time.perf_counter()
        build(base, corrected, uncorrected)
        print(f"store: {corrected:,} corrected segments, {uncorrected:,} uncorrected drafts "
              f"({time.perf_counter() - t0:.1f} s to build)", flush=True)
        results = {}
        for which in ("old", "new"):
            db = Path(tmp) / f"{which}.db"
            shutil.copy(base, db)
            results[which] = measure(which, db)
            count, seconds, peak = results[which]
            print(f"  {which}: {count:,} drafts scored in {seconds:.1f} s, peak RSS {peak:,.0f} MB", flush=True)
        same = rows(Path(tmp) / "old.db") == rows(Path(tmp) / "new.db")
    (_, old_s, old_mb), (_, new_s, new_mb) = results["old"], results["new"]
    print(f"\nidentical draft_stats rows: {'yes' if same else 'NO'}")
    print(f"peak RSS old/new: {old_mb / new_mb:.1f}x ({old_mb:,.0f} MB → {new_mb:,.0f} MB); "
          f"time old/new: {old_s / new_s:.2f}x")
    return same


if __name__ == "__main__":
    main()
