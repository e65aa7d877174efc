"""Benchmark: memory lookup through the word index against a brute-force rapidfuzz scan of the same memory.

For each size (10k, 100k, 1M units of real Arabic from :mod:`bench.corpus`, perturbed copies beyond
~91k) it imports the memory from a TSV file (timed, index included), then times
``Memory.lookup`` on four kinds of queries drawn from real units — exact, light (1–2 words
edited), medium (3–5 words edited) and unrelated (held-out FLORES sentences) — and a brute-force
scan that scores every unit with the same word-level similarity (rapidfuzz ``process.extractOne``
over the units' words coded one character per word), plus, for reference, the character-level
``fuzz.ratio`` scan NOTES-TM measured.  Recall@1: the index's top match has the brute force's top
score (queries whose best unit scores ≥ the threshold), and it finds nothing when nothing reaches
the threshold.

    .venv/bin/python bench/bench_memory.py            # 10k, 100k, 1M
    .venv/bin/python bench/bench_memory.py --quick    # 10k, 100k

The machine's two cores are shared: run it when they are quiet, and compare figures within a run.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import corpus  # noqa: E402
from tm import memory  # noqa: E402
from tm.formats.tabular import read_tabular  # noqa: E402
from tm.keys import words  # noqa: E402
from tm.memory import unit_key  # noqa: E402  (the key the memory matches on: no list marker)
from tm.store import Store  # noqa: E402

KINDS = ("exact", "light", "medium", "unrelated")
THRESHOLD = 75.0


def _ms(values: list[float]) -> str:
    if not values:
        return "—"
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
    return f"{statistics.median(ordered) * 1000:.2f} / {p90 * 1000:.2f}"


def make_queries(real: list[tuple[str, str]], n: int, seed: int) -> dict[str, list[str]]:
    """*n* queries of each kind from the real units of the memory."""
    rng = random.Random(seed)
    vocabulary = [w for src, _ in real[:20000] for w in src.split()]
    picks = [src for src, _ in rng.sample(real, min(len(real), 3 * n)) if len(src.split()) >= 6]
    unrelated = corpus.unrelated_sources()
    return {
        "exact": picks[:n],
        "light": [corpus.edit_words(s, rng.randint(1, 2), rng, vocabulary) for s in picks[n : 2 * n]],
        "medium": [corpus.edit_words(s, rng.randint(3, 5), rng, vocabulary) for s in picks[2 * n : 3 * n]],
        "unrelated": rng.sample(unrelated, min(n, len(unrelated))),
    }


class BruteForce:
    """Every unit's words coded one character per distinct word, scanned with rapidfuzz."""

    def __init__(self, store: Store):
        rows = store.db.execute("SELECT id, key FROM memory_units ORDER BY id").fetchall()
        self.ids = [r[0] for r in rows]
        self.keys = [r[1] for r in rows]
        self.vocab: dict[str, str] = {}
        self.coded = [self.code(words(k), grow=True) for k in self.keys]

    def code(self, ws: list[str], *, grow: bool = False) -> str:
        out = []
        for w in ws:
            c = self.vocab.get(w)
            if c is None:
                c = chr(len(self.vocab) + 1) if grow else "\U0010ffff"  # unknown word: matches nothing
                if grow:
                    self.vocab[w] = c
            out.append(c)
        return "".join(out)

    def best(self, query: str) -> tuple[float, int]:
        coded = self.code(words(unit_key(query)))
        found = process.extractOne(
            coded, self.coded, scorer=Levenshtein.normalized_similarity, processor=None
        )
        return (100.0 * found[1], self.ids[found[2]]) if found else (0.0, 0)

    def best_chars(self, query: str) -> float:
        found = process.extractOne(unit_key(query), self.keys, scorer=fuzz.ratio, processor=None)
        return found[1] if found else 0.0


def load_time(db: Path, query: str) -> float:
    """Seconds for a fresh process to open the store and answer one lookup (imports included)."""
    code = (
        "import time; t = time.perf_counter()\n"
        "from tm.store import Store; from tm.memory import Memory\n"
        f"s = Store.open({str(db)!r}); Memory(s).lookup([{query!r}])\n"
        "print(time.perf_counter() - t)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def run_size(
    size: int, work: Path, n_queries: int, n_brute: int, seed: int, *, import_only: bool
) -> dict[str, object]:
    tsv = work / f"m{size}.tsv"
    real = corpus.real_pairs(seed=seed)[:size]
    if not tsv.exists():
        corpus.write_tsv(corpus.memory_pairs(size, seed=seed)[0], tsv)
    db = work / f"m{size}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    store = Store.open(db)
    t0, c0 = time.perf_counter(), time.process_time()
    result = memory.import_units(store, read_tabular(tsv), file=tsv.name, author="bench")
    import_wall, import_cpu = time.perf_counter() - t0, time.process_time() - c0
    print(
        f"  {size:,} units ({len(real):,} real): import {import_wall:.1f} s wall, "
        f"{import_cpu:.1f} s CPU, {result}",
        flush=True,
    )
    if import_only:
        store.close()
        return {"size": size, "import_s": round(import_wall, 1), "import_cpu_s": round(import_cpu, 1)}

    mem = memory.Memory(store)
    queries = make_queries(real, n_queries, seed)
    mem.lookup(["تسخين"])  # first call: page cache and tables
    times: dict[str, list[float]] = {k: [] for k in KINDS}
    found: dict[str, list[memory.MemoryMatch | None]] = {k: [] for k in KINDS}
    for kind in KINDS:
        for q in queries[kind]:
            t = time.perf_counter()
            (m,) = mem.lookup([q], threshold=THRESHOLD)
            times[kind].append(time.perf_counter() - t)
            found[kind].append(m)

    brute = BruteForce(store)
    brute_times: list[float] = []
    char_times: list[float] = []
    agree = total = none_agree = none_total = same_unit = 0
    for kind in KINDS:
        for i, q in enumerate(queries[kind]):
            t = time.perf_counter()
            score, unit = brute.best(q)
            brute_times.append(time.perf_counter() - t)
            if i < n_brute // len(KINDS):
                t = time.perf_counter()
                brute.best_chars(q)
                char_times.append(time.perf_counter() - t)
            m = found[kind][i]
            if score >= THRESHOLD:
                total += 1
                index_score = (
                    100.0 * Levenshtein.normalized_similarity(words(unit_key(q)), words(unit_key(m.source)))
                    if m
                    else -1.0
                )
                agree += abs(index_score - score) < 1e-6
                same_unit += bool(m and m.unit_id == unit)
            else:
                none_total += 1
                none_agree += m is None
    all_times = [t for k in KINDS for t in times[k]]
    row: dict[str, object] = {
        "size": size,
        "import_s": round(import_wall, 1),
        "import_cpu_s": round(import_cpu, 1),
        "load_s": round(load_time(db, queries["light"][0]), 2),
        "index": _ms(all_times),
        **{k: _ms(times[k]) for k in KINDS},
        "brute_words": _ms(brute_times),
        "brute_chars": _ms(char_times),
        "ratio": round(statistics.median(brute_times) / statistics.median(all_times), 1),
        "recall@1": f"{agree}/{total}",
        "same unit": f"{same_unit}/{total}",
        "none agree": f"{none_agree}/{none_total}",
    }
    store.close()
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="10k and 100k only")
    parser.add_argument("--sizes", help="comma-separated sizes (default 10000,100000,1000000)")
    parser.add_argument("--queries", type=int, default=60, help="queries of each kind [60]")
    parser.add_argument("--brute-chars", type=int, default=40, help="queries for the fuzz.ratio scan [40]")
    parser.add_argument("--work", type=Path, default=Path("/tmp/tm-bench-memory"), help="where files go")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--import-only", action="store_true", help="time the imports only")
    args = parser.parse_args()
    sizes = (
        [int(s) for s in args.sizes.split(",")]
        if args.sizes
        else ([10_000, 100_000] if args.quick else [10_000, 100_000, 1_000_000])
    )
    args.work.mkdir(parents=True, exist_ok=True)
    print(
        f"memory benchmark: {args.queries} queries of each kind ({', '.join(KINDS)}), "
        f"threshold {THRESHOLD:g}; times median / p90 in ms",
        flush=True,
    )
    rows = [
        run_size(size, args.work, args.queries, args.brute_chars, args.seed,
                 import_only=args.import_only)  # fmt: skip
        for size in sizes
    ]
    columns = list(rows[0])
    print("\n| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for row in rows:
        print(
            "| "
            + " | ".join(f"{row[c]:,}" if isinstance(row[c], int) else str(row[c]) for c in columns)
            + " |"
        )


if __name__ == "__main__":
    main()
