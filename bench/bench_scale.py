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

English term checks (`--only terms`): a 10,000-term glossary (bench_terms.glossary: the political
terms and frequent UN 1-3-grams) whose renderings are frequent English 1-3-grams of the same data,
every third entry with a forbidden rendering and every fourth with an alternative.  The old path
compiled every rendering it was asked about (an lru_cache of 8,192 patterns) and searched the
accepted renderings of a term with forbidden ones before looking for those; the new one compiles
only a rendering whose words, caseless, are all in the English (tm.terms).  Timed: the import's
consistency check (rendering_conflict on every entry) and the publication check (every hit of
the glossary in the Arabic, then term_found and forbidden_found on the English); the answers
must be identical.

Memory export and statistics (`--only export`, `--only stats`): a memory of real pairs (and
perturbed copies past them, bench/corpus.py), a few imports and human units with authors and
properties.  The old export built TMX units (properties, dates) for TSV and CSV too and checked
each unit twice; the old statistics scanned the units twice.  The files written (TMX: but the
header's date) and the figures must be identical.

Deleting a document (`--only delete`) beside a memory of --units real units: a 300-line document whose
segments the memory drafts (exact matches), 30 of them corrected.  Foreign keys are on, and
memory_units.translation_id and draft_stats.human_id refer to translations: without an index on them
(schema 2) each deleted translation scans those tables; schema 3 indexes them.  The same delete runs on
two copies of the store, one with schema 2's indexes only; what is left must be identical.

Data: real Arabic–English pairs of ../shared/data (UN v1.0, NTREX-128, FLORES-200; see
bench/bench_score.py), cycled: the corrected segments have an MT-like damaged draft and the real
English as correction; the uncorrected segments have the real English as their draft.

    .venv/bin/python bench/bench_scale.py            # 2,000 corrected segments, 1,000,000 uncorrected;
                                                     # 2,000 glossary entries to re-key
    .venv/bin/python bench/bench_scale.py --quick    # 500 and 100,000; 500 entries
    .venv/bin/python bench/bench_scale.py --only rekey --entries 4000
    .venv/bin/python bench/bench_scale.py --only terms             # 10,000 terms, 3,000 segments
    .venv/bin/python bench/bench_scale.py --only export --units 1000000   # default 200,000 (--quick 20,000)
    .venv/bin/python bench/bench_scale.py --only stats --units 1000000
    .venv/bin/python bench/bench_scale.py --only delete --units 1000000
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
    parser.add_argument("--only", choices=["rebuild", "rekey", "terms", "export", "stats", "delete"],
                        help="run one section")
    parser.add_argument("--corrected", type=int, default=None)
    parser.add_argument("--uncorrected", type=int, default=None)
    parser.add_argument("--entries", type=int, default=None, help="glossary entries to re-key")
    parser.add_argument("--terms", type=int, default=None, help="glossary terms for the English checks")
    parser.add_argument("--segments", type=int, default=None, help="real pairs the English checks run on")
    parser.add_argument("--units", type=int, default=None, help="memory units to export and count")
    args = parser.parse_args()
    corrected = args.corrected or (500 if args.quick else 2_000)
    uncorrected = args.uncorrected or (100_000 if args.quick else 1_000_000)
    ok = True
    if args.only in (None, "rekey"):
        with tempfile.TemporaryDirectory() as tmp:
            ok = bench_rekey(tmp, args.entries or (500 if args.quick else 2_000))
    if args.only in (None, "rebuild"):
        ok = bench_rebuild(corrected, uncorrected) and ok
    if args.only in (None, "terms"):
        ok = bench_terms(args.terms or (2_000 if args.quick else 10_000),
                         args.segments or (500 if args.quick else 3_000)) and ok
    if args.only in (None, "export", "stats"):
        ok = bench_memory(args.units or (20_000 if args.quick else 200_000), args.only) and ok
    if args.only in (None, "delete"):
        ok = bench_delete(args.units or (20_000 if args.quick else 200_000)) and ok
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



# -- English term checks --------------------------------------------------------------------------


def _old_checks() -> tuple[Any, Any, Any, Any]:
    """term_found, forbidden_found and same_rendering as they were (tm 861d50c): every rendering asked
    about compiled (8,192 patterns cached), the accepted renderings searched before the forbidden ones."""
    from functools import lru_cache

    from tm.terms import Term, _en_pattern, _fold_en

    @lru_cache(maxsize=8192)
    def pattern(rendering: str) -> Any:
        return _en_pattern.__wrapped__(rendering)  # the same pattern, built afresh

    def spans(rendering: str, english: str) -> list[tuple[int, int]]:
        p = pattern(rendering)
        return [m.span() for m in p.finditer(_fold_en(english))] if p else []

    def english_has(rendering: str, english: str) -> bool:
        p = pattern(rendering)
        return bool(p and p.search(_fold_en(english)))

    def term_found(term: Any, english: str) -> bool:
        return any(english_has(r, english) for r in (term.en, *term.alternatives))

    def forbidden_found(term: Any, english: str) -> list[str]:
        if not term.forbidden:
            return []
        accepted = [span for r in (term.en, *term.alternatives) for span in spans(r, english)]
        return [r for r in term.forbidden
                if any(not any(a <= s and e <= b for a, b in accepted) for s, e in spans(r, english))]

    def same_rendering(accepted: str, forbidden: str) -> bool:
        if accepted == forbidden:
            return True
        probe = Term(ar="-", en=accepted, forbidden=(forbidden,))
        return english_has(accepted, forbidden) and not forbidden_found(probe, forbidden)

    return term_found, forbidden_found, same_rendering, pattern.cache_clear


def english_glossary(size: int, english: list[str]) -> list[Any]:
    """*size* terms of bench_terms.glossary with frequent English 1-3-grams of *english* as renderings."""
    import re
    from collections import Counter

    from bench_terms import glossary

    from tm.terms import Term

    grams: Counter[str] = Counter()
    for line in english:
        words = re.findall(r"[A-Za-z][\w'-]*", line)
        for n in (1, 2, 3):
            grams.update(" ".join(words[i:i + n]) for i in range(len(words) - n + 1) if len(words[i]) > 2)
    pool = [g for g, _ in grams.most_common(3 * size)]
    out = []
    for i, t in enumerate(glossary(size)):
        en = pool[(i * 7) % len(pool)]
        alternatives = (pool[(i * 7 + 3) % len(pool)],) if i % 4 == 0 else ()
        forbidden = (pool[(i * 7 + 5) % len(pool)],) if i % 3 == 0 else ()
        if en.lower() in {x.lower() for x in alternatives + forbidden}:
            alternatives = forbidden = ()
        out.append(Term(t.ar, en, alternatives=alternatives, forbidden=forbidden))
    return out


def bench_terms(size: int, segments: int) -> bool:
    import re

    from tm.formats.termfile import rendering_conflict, same_rendering
    from tm.terms import TermMatcher, _en_pattern, forbidden_found, term_found

    pairs = load_pairs()[:segments]
    terms = english_glossary(size, [en for _, en in pairs])
    matcher = TermMatcher(terms)
    hits = [matcher.find(ar) for ar, _ in pairs]
    print(f"terms: {len(terms):,} terms, {len(pairs):,} real segments, {sum(map(len, hits)):,} hits", flush=True)
    old_found, old_forbidden, old_same, old_clear = _old_checks()
    answers, times = {}, {}
    for which in ("old", "new"):
        old_clear()
        _en_pattern.cache_clear()
        re.purge()
        found_fn, forbidden_fn = (old_found, old_forbidden) if which == "old" else (term_found, forbidden_found)
        same_fn = old_same if which == "old" else same_rendering
        t0 = time.perf_counter()
        conflicts = [any(same_fn(a, f) for f in t.forbidden for a in (t.en, *t.alternatives)) for t in terms]
        t1 = time.perf_counter()
        checks = [(found_fn(h.term, en), forbidden_fn(h.term, en))
                  for found, (_, en) in zip(hits, pairs, strict=True) for h in found]
        t2 = time.perf_counter()
        # the English carrying every hit's required rendering: the pre-check lets all of them through
        old_clear()
        _en_pattern.cache_clear()
        re.purge()
        t3 = time.perf_counter()
        present = [(found_fn(h.term, f"{en} ({'; '.join(x.term.en for x in found)})"),
                    forbidden_fn(h.term, f"{en} ({'; '.join(x.term.en for x in found)})"))
                   for found, (_, en) in zip(hits, pairs, strict=True) for h in found]
        t4 = time.perf_counter()
        answers[which] = (conflicts, checks, present)
        times[which] = (t1 - t0, t2 - t1, t4 - t3)
        print(f"  {which}: import check {t1 - t0:.2f} s, publication check {t2 - t1:.2f} s, "
              f"with the renderings present {t4 - t3:.2f} s", flush=True)
    same = answers["old"] == answers["new"]
    assert [bool(rendering_conflict(t)) for t in terms] == answers["new"][0]
    (oi, oc, op), (ni, nc, np) = times["old"], times["new"]
    print(f"\nidentical answers: {'yes' if same else 'NO'} ({sum(f for f, _ in answers['new'][1]):,} renderings found, "
          f"{sum(bool(b) for _, b in answers['new'][1]):,} forbidden)")
    print(f"import check old/new: {oi / ni:.1f}x ({oi:.2f} s → {ni:.2f} s); "
          f"publication check old/new: {oc / nc:.1f}x ({oc:.2f} s → {nc:.2f} s); "
          f"renderings present old/new: {op / np:.2f}x ({op:.2f} s → {np:.2f} s)")
    return same


# -- memory export and statistics -----------------------------------------------------------------


def old_export(store: Any, path: Path, fmt: str) -> tuple[int, list[tuple[int, str]]]:
    """export_memory as it was (tm 861d50c): TMX units with properties for every format, each unit
    checked by the export and again by the writer."""
    from tm.formats import tabular, tmx
    from tm.formats.tmx import TMUnit, tmx_date

    skipped: list[tuple[int, str]] = []

    def units() -> Any:  # iter_units_with_ids as it was: a date converted for every unit
        import json

        for unit_id, source, target, note, props, created, author, origin in store.db.conn.execute(
                "SELECT id, source, target, note, props, created, author, origin FROM memory_units ORDER BY id"):
            extra: dict[str, Any] = json.loads(props) if props else {}
            extra.setdefault("creationdate", tmx_date(created))
            if author:
                extra.setdefault("creationid", author)
            if origin == "human":
                extra.setdefault("x-tm-origin", origin)
            yield unit_id, TMUnit(source, target, 0, note, extra)

    def writable() -> Any:
        for unit_id, unit in units():
            problem = tmx.unit_problem(unit) if fmt == "tmx" else tabular.unit_problem(unit.source, unit.target, fmt)
            if problem:
                skipped.append((unit_id, problem))
            else:
                yield unit

    count = tmx.write_tmx(writable(), path) if fmt == "tmx" else tabular.write_tabular(writable(), path, kind=fmt)
    return count, skipped


def old_stats(store: Any) -> Any:
    """memory.stats as it was (tm 861d50c): two scans."""
    from tm.memory import MemoryStats

    by_origin = dict(store.db.execute("SELECT origin, count(*) FROM memory_units GROUP BY origin ORDER BY origin"))
    (files,) = store.db.execute("SELECT count(DISTINCT file) FROM memory_units").fetchone()
    return MemoryStats(units=sum(by_origin.values()), by_origin=by_origin, files=files)


def build_memory(db: Path, size: int) -> None:
    """*size* memory units in 5 imports; every 50th a human unit with an author and a property."""
    from corpus import memory_pairs

    from tm.formats.tmx import TMUnit
    from tm.memory import import_units
    from tm.store import Store

    pairs, _ = memory_pairs(size)
    with Store.open(db) as store:
        step = -(-len(pairs) // 5)
        for k in range(0, len(pairs), step):
            units = [TMUnit(src, tgt, 0, None, {"x-tm-origin": "human", "creationid": "desk", "x-bench": str(i)}
                            if i % 50 == 0 else {})
                     for i, (src, tgt) in enumerate(pairs[k:k + step], start=k)]
            import_units(store, units, file=f"part{k // step}.tmx", author="bench")


def bench_memory(size: int, only: str | None) -> bool:
    from tm.memory import stats
    from tm.memory_export import export_memory
    from tm.store import Store

    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "memory.db"
        t0 = time.perf_counter()
        build_memory(db, size)
        print(f"memory: {size:,} units ({time.perf_counter() - t0:.1f} s to build)", flush=True)
        with Store.open(db) as store:
            if only in (None, "export"):
                for fmt in ("tsv", "csv", "tmx"):
                    files, secs = {}, {}
                    for which in ("old", "new"):
                        path = Path(tmp) / f"{which}.{fmt}"
                        t0 = time.perf_counter()
                        if which == "old":
                            count, _ = old_export(store, path, fmt)
                        else:
                            count = export_memory(store, path, fmt=fmt).exported
                        secs[which] = time.perf_counter() - t0
                        data = path.read_bytes()
                        files[which] = b"\n".join(data.split(b"\n")[3:]) if fmt == "tmx" else data
                        path.unlink()
                    same = files["old"] == files["new"]
                    ok = ok and same
                    print(f"  export {fmt}: {count:,} units, old {secs['old']:.2f} s, new {secs['new']:.2f} s, "
                          f"old/new {secs['old'] / secs['new']:.2f}x; identical file: {'yes' if same else 'NO'}",
                          flush=True)
            if only in (None, "stats"):
                best = {}
                for which, fn in (("old", old_stats), ("new", stats)):
                    runs = []
                    for _ in range(3):
                        t0 = time.perf_counter()
                        figures = fn(store)
                        runs.append(time.perf_counter() - t0)
                    best[which] = (min(runs), figures)
                same = best["old"][1] == best["new"][1]
                ok = ok and same
                print(f"  stats: old {best['old'][0]:.2f} s, new {best['new'][0]:.2f} s (best of 3), "
                      f"old/new {best['old'][0] / best['new'][0]:.2f}x; identical figures: {'yes' if same else 'NO'}")
    return ok


def _contents(db: Path) -> list[Any]:
    """What a store holds, table by table (the fuzzy index's chunks as their ids), for comparing two."""
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        out: list[Any] = []
        for table in ("documents", "segments", "translations", "memory_units", "draft_stats", "retired_ids"):
            out.append(conn.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall())
        out.append(sorted(conn.execute("SELECT token, start, ids FROM memory_postings").fetchall()))
        return out
    finally:
        conn.close()


def bench_delete(size: int) -> bool:
    import shutil
    import sqlite3

    from corpus import memory_pairs

    from tm.documents import delete_document
    from tm.store import Store
    from tm.translate import translate_document
    from tm.workflow import SourceText, correct_segment

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "new.db"
        t0 = time.perf_counter()
        build_memory(db, size)
        pairs, _ = memory_pairs(size)
        text = "\n".join(src.replace("\n", " ") for src, _ in pairs[:300]) + "\n"
        with Store.open(db) as store:
            result = translate_document(store, SourceText(text, "un300", None, "0" * 64), engine=None)
            with store.transaction() as conn:
                for seg in result.segments[:30]:
                    correct_segment(store, conn, result.document, seg.index, f"Corrected {seg.index}.")
        drafts = sum(s.origin is not None for s in result.segments)
        print(f"delete: a document of {len(result.segments)} segments ({drafts} memory drafts, 30 corrected) "
              f"beside {size:,} memory units ({time.perf_counter() - t0:.1f} s to build)", flush=True)
        old = Path(tmp) / "old.db"
        shutil.copy(db, old)
        conn = sqlite3.connect(old)
        conn.executescript("DROP INDEX memory_units_translation; DROP INDEX draft_stats_human;")
        conn.close()
        secs = {}
        for which, path in (("old", old), ("new", db)):
            with Store.open(path) as store:
                t0 = time.perf_counter()
                deleted = delete_document(store, "un300", forget_memory=True)
                secs[which] = time.perf_counter() - t0
        same = _contents(old) == _contents(db)
        print(f"  delete --forget-memory: {deleted.drafts} drafts, {deleted.corrections} corrections, "
              f"{deleted.memory_removed} units removed; schema-2 indexes {secs['old']:.2f} s, schema 3 "
              f"{secs['new']:.2f} s, old/new {secs['old'] / secs['new']:.1f}x; identical stores: "
              f"{'yes' if same else 'NO'}")
    return same


if __name__ == "__main__":
    main()
