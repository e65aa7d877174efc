"""A day's inbox: one `tm translate` of N files against N `tm translate` commands, one per file.

The files are real news articles: the first --files documents of NTREX-128 (../shared/data/ntrex128,
its DOCUMENT_IDS.tsv gives each sentence's article), each cut to at most --per sentences.  Each
engine drafts them with an opus-mt-sized random Marian (d_model 512, 6+6 layers, vocabulary ~62.8k;
bench_batching.opus_sized_model): its drafts run to the length cap, so only time means anything.
Both ways must store the same documents, segments and drafts (origin and engine; a random model's
text differs with batching); the single command loads the model once and its batches span the files,
which here (articles of at most 8 sentences, batches of 16) is most of the gain.  Each command is a
fresh process (start-up, model load, store writes and all); the CTranslate2 conversion is made before the timed runs.

    .venv/bin/python bench/bench_many.py                      # 10 articles, at most 8 sentences each
    .venv/bin/python bench/bench_many.py --files 20 --per 5 --engines ctranslate2
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
NTREX = ROOT.parent / "shared" / "data" / "ntrex128"


def ntrex_articles() -> list[list[str]]:
    """NTREX-128's Arabic sentences grouped into their news articles, in order."""
    ids = (NTREX / "DOCUMENT_IDS.tsv").read_text(encoding="utf-8").splitlines()
    lines = (NTREX / "newstest2019-ref.arb.txt").read_text(encoding="utf-8").splitlines()
    articles: dict[str, list[str]] = {}
    for doc, line in zip(ids, lines, strict=True):
        articles.setdefault(doc.split("\t")[0], []).append(line)
    return list(articles.values())


def tm(args: list[str], env: dict[str, str]) -> float:
    """Seconds one `tm` command takes (a fresh process); exits on failure."""
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "tm", *args], env=env, capture_output=True, text=True)
    if proc.returncode:
        sys.exit(f"tm {' '.join(args)} failed:\n{proc.stderr}")
    return time.perf_counter() - start


def stored(db: Path) -> tuple[int, int, list[tuple[str, str, str]]]:
    """Documents, segments and (source, origin, engine) of every translation a store holds (drafts of a
    random model differ with batching, so their text is not compared)."""
    conn = sqlite3.connect(db)
    try:
        ((docs,),) = conn.execute("SELECT count(*) FROM documents").fetchall()
        ((segments,),) = conn.execute("SELECT count(*) FROM segments").fetchall()
        rows = sorted(conn.execute("SELECT s.source, t.origin, t.engine FROM translations t "
                                   "JOIN segments s ON s.id = t.segment_id").fetchall())
        return docs, segments, rows
    finally:
        conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=10, help="articles in the inbox [10]")
    parser.add_argument("--per", type=int, default=8, help="sentences per article [8]")
    parser.add_argument("--engines", nargs="+", default=["ctranslate2", "transformers"])
    parser.add_argument("--model-dir", type=Path, help="build the random model here (or reuse it)")
    args = parser.parse_args()

    from bench_batching import opus_sized_model

    articles = ntrex_articles()[: args.files]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        model = opus_sized_model(args.model_dir or work / "opus-sized")
        files = []
        for i, article in enumerate(articles):
            path = work / "inbox" / f"ntrex-{i:03d}.ar.txt"
            path.parent.mkdir(exist_ok=True)
            path.write_text("\n".join(article[: args.per]) + "\n", encoding="utf-8")
            files.append(str(path))
        n = sum(min(len(a), args.per) for a in articles)
        env = dict(os.environ, HF_HUB_OFFLINE="1", TM_CACHE=str(work / "cache"), TOKENIZERS_PARALLELISM="false")
        base = ["--model", str(model), "--no-memory", "--no-glossary"]
        tm(["translate", files[0], "--engine", "ctranslate2", *base, "--db", str(work / "convert.db"),
            "-o", os.devnull], env)  # the int8 conversion, before anything is timed
        print(f"{len(files)} NTREX articles, {n} sentences; load average "
              f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}, {os.cpu_count()} CPUs")
        summary = []
        for engine in args.engines:
            opts = ["--engine", engine, *base]
            loop = sum(tm(["translate", f, *opts, "--db", str(work / f"{engine}-loop.db"), "-o",
                           str(work / f"{engine}-{i}.en.txt")], env) for i, f in enumerate(files))
            once = tm(["translate", *files, *opts, "--db", str(work / f"{engine}-once.db"), "--output-dir",
                       str(work / f"{engine}-out")], env)
            same = stored(work / f"{engine}-loop.db") == stored(work / f"{engine}-once.db")
            if not same:
                sys.exit(f"{engine}: the two ways stored different documents, segments or drafts")
            print(f"{engine:>13}: {len(files)} commands {loop:6.1f} s ({n / loop:5.2f} sent/s), "
                  f"one command {once:6.1f} s ({n / once:5.2f} sent/s): x{loop / once:.2f}; same documents, segments "
                  "and drafts stored: yes")
            summary.append(f"{engine} x{loop / once:.2f} ({loop:.1f} s vs {once:.1f} s)")
        print("SUMMARY one `tm translate` of the inbox against one command per file: " + "; ".join(summary))


if __name__ == "__main__":
    main()
