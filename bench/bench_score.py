"""How fast `tm score` answers over 100,000 corrected segments, against sacrebleu from scratch.

Data: the real Arabic–English pairs in ../shared/data (UN v1.0 test and dev sets, NTREX-128,
FLORES-200 devtest: 11,009 pairs), cycled to the wanted size.  Each segment's Arabic is
the real source and its human correction the real English; the MT draft is the English
with MT-like damage (words dropped, repeated, swapped with a neighbour, replaced by a
near-synonym, case or final punctuation changed; about 8 % left untouched) at a rate
drawn per segment, half the documents "drafted" by engine-a (lighter damage) and half by
engine-b.  No MT model made these drafts: they stand in for real MT output.

Steps, all timed: bulk insert (one transaction of executemany), recording the
statistics (:func:`tm.score.rebuild_draft_stats`, and :func:`record_draft_stats` per
correction on a sample), `score_store` as a library call, the whole `tm score` command in
a fresh process, and sacrebleu recomputing corpus BLEU, chrF, chrF++ and TER from the
texts.  The numbers must be identical.

    .venv/bin/python bench/bench_score.py            # 100,000 pairs
    .venv/bin/python bench/bench_score.py --quick    # 10,000 pairs
    .venv/bin/python bench/bench_score.py --db /tmp/b.db   # keep the store; a second run reuses it
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
SYNONYMS = {
    "said": "stated", "says": "states", "also": "too", "government": "authorities", "country": "state",
    "people": "persons", "large": "big", "many": "numerous", "help": "assist", "important": "significant",
    "the": "a", "a": "the", "of": "for", "in": "at", "to": "for", "and": "as well as", "that": "which",
    "will": "shall", "killed": "slain", "meeting": "session", "should": "must", "about": "around",
}


def load_pairs() -> list[tuple[str, str]]:
    """The (Arabic, English) pairs of the shared data sets."""
    if not SHARED.is_dir():
        sys.exit(f"The shared data is not at {SHARED}; this benchmark needs ../shared/data.")

    def lines(path: str) -> list[str]:
        return [x.rstrip("\r") for x in (SHARED / path).read_text(encoding="utf-8").split("\n")]

    sets = [
        ("un_v1.0_testsets/UNv1.0.testset.ar", "un_v1.0_testsets/UNv1.0.testset.en"),
        ("un_v1.0_testsets/UNv1.0.devset.ar", "un_v1.0_testsets/UNv1.0.devset.en"),
        ("ntrex128/newstest2019-ref.arb.txt", "ntrex128/newstest2019-src.eng.txt"),
        ("flores200_devtest/arb_Arab.devtest", "flores200_devtest/eng_Latn.devtest"),
    ]
    out = []
    for ar, en in sets:
        out.extend((a, e) for a, e in zip(lines(ar), lines(en), strict=True) if a.strip() and e.strip())
    return out


def damage(text: str, rate: float, rng: random.Random) -> str:
    """An MT-like draft of *text* (see the module docstring)."""
    if rng.random() < 0.08:
        return text
    words = text.split()
    out: list[str] = []
    for w in words:
        r = rng.random()
        if r < rate * 0.35:
            continue  # omission
        if r < rate * 0.6 and w.lower() in SYNONYMS:
            out.append(SYNONYMS[w.lower()])
        elif r < rate * 0.7:
            out.extend([w, w])  # repetition
        else:
            out.append(w)
    for i in range(len(out) - 1):
        if rng.random() < rate * 0.1:
            out[i], out[i + 1] = out[i + 1], out[i]
    if out and rng.random() < rate:
        out[0] = out[0].lower() if out[0][:1].isupper() else out[0].capitalize()
    if out and rng.random() < rate and out[-1][-1:] in ".?!":
        out[-1] = out[-1][:-1]
    return " ".join(out)


def build(db: Path, n: int, per_doc: int = 100) -> tuple[list[str], list[str]]:
    """Store *n* segments with a draft and a correction each; return (drafts, corrections) in id order."""
    from tm.normalize import normalize
    from tm.store import Store, now

    pairs = load_pairs()
    rng = random.Random(12345)
    store = Store.open(db)
    drafts, refs = [], []
    seg_rows, tr_rows = [], []
    stamp = now()
    with store.transaction() as conn:
        for d in range(0, n, per_doc):
            doc = d // per_doc
            month = f"2026-{doc % 12 + 1:02d}"
            cur = conn.execute(
                "INSERT INTO documents (name, path, sha256, prefix, created, author) "
                "VALUES (?, ?, ?, '', ?, ?)",
                (f"doc{doc:05d}", None, hashlib.sha256(str(doc).encode()).hexdigest(), stamp, "bench"),
            )
            doc_id = cur.lastrowid
            engine, base = ("engine-a", 0.12) if doc % 2 == 0 else ("engine-b", 0.22)
            for i in range(d, min(n, d + per_doc)):
                ar, en = pairs[i % len(pairs)]
                seg_id = i + 1
                seg_rows.append((seg_id, doc_id, i - d + 1, 1, ar, "\n", normalize(ar)))
                hyp = damage(en, min(0.6, rng.uniform(0.3, 1.7) * base), rng)
                drafts.append(hyp)
                refs.append(en)
                created = f"{month}-{rng.randint(1, 28):02d}T09:00:00+00:00"
                tr_rows.append((seg_id, "mt", hyp, engine, f"{engine}-model", None, created))
                tr_rows.append((seg_id, "human", en, None, None, "desk", created))
        conn.executemany("INSERT INTO segments (id, doc_id, idx, paragraph, source, sep, key) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?)", seg_rows)
        conn.executemany("INSERT INTO translations (segment_id, origin, text, engine, model, author, "
                         "created) VALUES (?, ?, ?, ?, ?, ?, ?)", tr_rows)
    store.close()
    return drafts, refs


def run(command: list[str]) -> str:
    """Run a command; on failure show what it printed and stop."""
    proc = subprocess.run(command, capture_output=True, text=True)
    if proc.returncode:
        sys.exit(f"{' '.join(command)} failed ({proc.returncode}):\n{proc.stderr}")
    return proc.stdout


def timed(label: str, fn, results: list[tuple[str, float]], repeat: int = 1):  # type: ignore[no-untyped-def]
    """Run *fn* *repeat* times; record the median time under *label*; return the last value."""
    spent = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        value = fn()
        spent.append(time.perf_counter() - t0)
    results.append((label, statistics.median(spent)))
    extra = f" (median of {repeat}: {', '.join(f'{x:.2f}' for x in spent)})" if repeat > 1 else ""
    print(f"  {label}: {results[-1][1]:.2f} s{extra}", flush=True)
    return value


def stored_pairs(db: Path) -> tuple[list[str], list[str]]:
    """The (draft, correction) texts of every scored draft, in draft order."""
    from tm.store import Store

    with Store.open(db) as store:
        rows = store.db.execute(
            "SELECT t.text, h.text FROM draft_stats ds JOIN translations t ON t.id = ds.draft_id "
            "JOIN translations h ON h.id = ds.human_id ORDER BY ds.draft_id"
        ).fetchall()
    return [r[0] for r in rows], [r[1] for r in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 pairs instead of 100,000")
    parser.add_argument("-n", type=int, default=None, help="number of pairs")
    parser.add_argument("--db", type=Path, default=None,
                        help="keep the database here; if it exists, reuse it (skips building and recording)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each scoring step (median shown)")
    parser.add_argument("--no-scratch", action="store_true",
                        help="skip sacrebleu's recomputation (then only library == command is checked)")
    args = parser.parse_args()
    n = args.n or (10_000 if args.quick else 100_000)

    from sacrebleu.metrics import BLEU, CHRF, TER

    from tm import score
    from tm.store import Store

    times: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "bench.db"
        if db.exists():
            drafts, refs = stored_pairs(db)
            n = len(drafts)
            print(f"{n:,} draft/correction pairs, reusing {db}", flush=True)
        else:
            print(f"{n:,} draft/correction pairs", flush=True)
            drafts, refs = timed("bulk insert (segments, drafts, corrections)", lambda: build(db, n), times)
            with Store.open(db) as store:
                timed("record statistics (rebuild_draft_stats)", lambda: score.rebuild_draft_stats(store),
                      times)
                sample = min(1000, n)
                rows = store.db.execute(
                    "SELECT segment_id, id, text FROM translations WHERE origin = 'human' "
                    "ORDER BY id LIMIT ?",
                    (sample,),
                ).fetchall()

                def per_correction() -> None:
                    with store.transaction() as conn:
                        for segment_id, human_id, text in rows:
                            score.record_draft_stats(conn, human_id=human_id, human_text=text,
                                                     segment_id=segment_id)

                timed(f"record_draft_stats, {sample} corrections one by one", per_correction, times)

        with Store.open(db) as store:
            result = timed("score_store (library)", lambda: score.score_store(store), times, args.repeat)
            timed("score_store --by month (library)", lambda: score.score_store(store, by="month"), times,
                  args.repeat)

        command = [sys.executable, "-c", "import tm.cli.score; from tm.cli import cli; cli(prog_name='tm')",
                   "score", "--db", str(db), "--json"]
        run(command)  # the first run loads the shipped glossary into the store: not timed
        out = timed("tm score --json (whole command, fresh process)", lambda: run(command), times,
                    args.repeat)
        by_engine = command[:-1] + ["--by", "engine"]
        timed("tm score --by engine (whole command, fresh process)", lambda: run(by_engine), times,
              args.repeat)
        cli_json = json.loads(out)

        metrics = {"bleu": BLEU(), "chrf": CHRF(), "chrf++": CHRF(word_order=2), "ter": TER()}
        scratch = {}
        if not args.no_scratch:
            t0 = time.perf_counter()
            for name, metric in metrics.items():
                scratch[name] = timed(f"sacrebleu corpus {name} from scratch",
                                      lambda m=metric: m.corpus_score(drafts, [refs]).score, times)
            times.append(("sacrebleu, all four from scratch", time.perf_counter() - t0))

    assert result.total is not None and result.total.drafts == n
    ours = {"bleu": result.total.scores.bleu, "chrf": result.total.scores.chrf,
            "chrf++": result.total.scores.chrf_pp, "ter": result.total.scores.ter}
    assert {k: cli_json[k] for k in metrics} == ours, "the command's JSON differs from the library"
    print("\nscores   tm score            sacrebleu from scratch")
    for name in metrics:
        print(f"{name:7}  {ours[name]!r:18}  {scratch.get(name, 'not run')!r}")
    if scratch:
        assert ours == scratch, "tm score differs from sacrebleu"
        print("identical: yes (library and command)")
    print(f"\n| step ({n:,} pairs) | seconds |\n|---|---|")
    for label, seconds in times:
        print(f"| {label} | {seconds:.2f} |")
    if scratch:
        t = dict(times)
        scratch_s = t["sacrebleu, all four from scratch"]
        print(f"\nsacrebleu from scratch / tm score library: {scratch_s / t['score_store (library)']:.0f}x")
        print(f"sacrebleu from scratch / tm score command: "
              f"{scratch_s / t['tm score --json (whole command, fresh process)']:.0f}x")


if __name__ == "__main__":
    main()
