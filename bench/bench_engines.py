"""The ctranslate2 engine (int8) against the transformers engine (fp32): whole `tm translate` commands.

Each run is a fresh ``tm translate`` process (model load, store writes and all), so load time
counts.  The input is the sample article (tests/data/alasr-soleimani-putin.ar.txt) repeated
to about --segments segments.  The model is an opus-mt-sized random Marian (d_model 512,
6+6 layers, FFN 2048, vocabulary ~62.8k; built by bench_batching.opus_sized_model): its
weights are random, so only speed, memory and term placement mean anything, and every
draft runs to the engines' length cap (2 x source tokens + 10): 1,860 tokens for the article
against 1,136 in its English translation.  Throughput runs use --no-glossary --no-memory; one run per engine
with the shipped glossary shows what enforcing terms costs and how many terms are placed.
Peak memory is each child process's ru_maxrss (os.wait4).  The CTranslate2 conversion is
made once before the timed runs (its time is printed separately).  Both engines get
--threads CPU threads (default 1: on a shared machine two torch threads thrash).
--strategies instead compares, in this process, ways of enforcing glossary terms with
CTranslate2 (none, n-best reranking, terms as a target prefix, tm's placement, the
transformers engine) on the article's real glossary hits.

    .venv/bin/python bench/bench_engines.py              # 200 segments greedy, 46 with beam 4 / glossary
    .venv/bin/python bench/bench_engines.py --quick      # 46 segments greedy, 23 with the glossary
    .venv/bin/python bench/bench_engines.py --threads 0  # each engine's default threads (quiet machine)
    .venv/bin/python bench/bench_engines.py --threads 0 --repeat 3 --beam-segments 0 --glossary-segments 23
    .venv/bin/python bench/bench_engines.py --strategies # term enforcement strategies
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
ARTICLE = ROOT / "tests" / "data" / "alasr-soleimani-putin.ar.txt"

# Runs `tm` with the ctranslate2 engine registered even where tm.engines does not list it yet.
SHIM = (
    "import sys, tm.engines as e; e.ENGINES.setdefault('ctranslate2', 'tm.engines.ct2:CTranslate2Engine'); "
    "from tm.cli import cli; cli(sys.argv[1:], prog_name='tm')"
)


@dataclass
class Run:
    label: str
    segments: int
    seconds: float
    rss_mb: float
    rows: list[dict]

    @property
    def rate(self) -> float:
        return self.segments / self.seconds


def article_input(directory: Path, segments: int) -> tuple[Path, int]:
    """The sample article repeated until it holds at least *segments* segments."""
    from tm.segment import split

    text = ARTICLE.read_text(encoding="utf-8").rstrip() + "\n\n"
    per = len(split(text)[1])
    reps = max(1, -(-segments // per))
    path = directory / f"article-x{reps}.ar.txt"
    path.write_text(text * reps, encoding="utf-8")
    return path, per * reps


def tm_run(label: str, args: list[str], env: dict[str, str], work: Path) -> Run:
    """Run one `tm translate` in a fresh process; wall time and that process's peak RSS."""
    out = work / "out.jsonl"
    db = work / f"bench-{time.monotonic_ns()}.db"
    cmd = [sys.executable, "-c", SHIM, "translate", *args, "--format", "jsonl", "-o", str(out),
           "--db", str(db)]
    start = time.perf_counter()
    with open(work / "stderr.txt", "w") as err:
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        sys.exit(f"{label} failed:\n" + (work / "stderr.txt").read_text())
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    db.unlink(missing_ok=True)
    return Run(label, len(rows), seconds, usage.ru_maxrss / 1024, rows)


def median_run(runs: list[Run]) -> Run:
    """The run with the median time, reported with the highest peak memory of all *runs*."""
    mid = sorted(runs, key=lambda r: r.seconds)[(len(runs) - 1) // 2]
    return Run(mid.label, mid.segments, mid.seconds, max(r.rss_mb for r in runs), mid.rows)


def terms_placed(run: Run) -> tuple[int, int]:
    """(glossary terms carried, glossary terms expected) over the MT drafts of *run*."""
    found = total = 0
    for row in run.rows:
        if row["origin"] == "mt":
            total += len(row["terms"])
            found += sum(bool(t["found"]) for t in row["terms"])
    return found, total


def glossary_requests(work: Path) -> list:
    """The article's segments that carry terms of the shipped glossary, as MT requests."""
    from tm.engines.base import Request
    from tm.glossary import load_terms
    from tm.segment import split
    from tm.store import Store
    from tm.terms import TermMatcher
    from tm.translate import _constraints

    store = Store.open(work / "glossary.db")
    try:
        matcher = TermMatcher(load_terms(store, ["political"]))
    finally:
        store.close()
    sources = [p.text for p in split(ARTICLE.read_text(encoding="utf-8"))[1]]
    hits = matcher.find_many(sources)
    requests = [Request(s, _constraints(h)) for s, h in zip(sources, hits, strict=True)]
    return [r for r in requests if r.terms]


def strategies(model: Path, work: Path, threads: int) -> None:
    """Ways to get required terms out of CTranslate2 (no logits hook), in this process, one thread."""
    from tm.engines.base import Request
    from tm.engines.constraints import missing_terms
    from tm.engines.ct2 import CTranslate2Engine

    cache = work / "cache"
    requests = glossary_requests(work)
    greedy = CTranslate2Engine(str(model), threads=threads, cache=cache)
    beam4 = CTranslate2Engine(str(model), beam=4, threads=threads, cache=cache)
    src = greedy.tokens.source([r.source for r in requests], 512)
    caps = [greedy.cap(len(s)) for s in src]
    wanted = sum(len({t.target for t in r.terms}) for r in requests)

    def report(name: str, texts: list[str], seconds: float) -> None:
        missing = sum(len(missing_terms(t, r.terms)) for t, r in zip(texts, requests, strict=True))
        print(f"{name:>44}: terms placed {wanted - missing:3d}/{wanted} ({1 - missing / wanted:6.1%}), "
              f"{len(texts) / seconds:5.2f} sent/s")

    def timed(fn):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        out = fn()
        return out, time.perf_counter() - start

    print(f"{len(requests)} article segments with {wanted} required glossary terms; int8, "
          f"{threads} thread(s)")
    texts, sec = timed(lambda: [d.text for d in greedy.translate([Request(r.source) for r in requests])])
    report("no enforcement, greedy", texts, sec)

    def rerank() -> list[str]:
        res = beam4.translator.translate_batch(src, beam_size=4, num_hypotheses=4, max_input_length=0,
                                               max_decoding_length=max(caps))
        out = []
        for r, cap, req in zip(res, caps, requests, strict=True):
            hyps = [greedy.tokens.decode(h[:cap]) for h in r.hypotheses]
            out.append(min(hyps, key=lambda t, q=req: len(missing_terms(t, q.terms))))
        return out

    texts, sec = timed(rerank)
    report("n-best reranking (beam 4, 4 hypotheses)", texts, sec)

    def at_start() -> list[str]:
        prefixes = [[t for term in {x.target: x for x in r.terms} for t in greedy.tokens.target(term)]
                    for r in requests]
        res = greedy.translator.translate_batch(src, target_prefix=prefixes, beam_size=1, max_input_length=0,
                                                max_decoding_length=max(caps) + max(map(len, prefixes)))
        return [greedy.tokens.decode(r.hypotheses[0][: cap + len(p)])
                for r, cap, p in zip(res, caps, prefixes, strict=True)]

    texts, sec = timed(at_start)
    report("terms as target_prefix (sentence start)", texts, sec)
    texts, sec = timed(lambda: [d.text for d in greedy.translate(requests)])
    report("placement by re-decoding (tm), greedy", texts, sec)
    texts, sec = timed(lambda: [d.text for d in beam4.translate(requests)])
    report("placement by re-decoding (tm), beam 4", texts, sec)

    import torch

    from tm.engines.hf import TransformersEngine

    torch.set_num_threads(threads)
    hf, load = timed(lambda: TransformersEngine(str(model)))
    texts, sec = timed(lambda: [d.text for d in hf.translate(requests)])
    report("transformers engine (logits processor)", texts, sec)
    print(f"{'':>44}  (the fallback would add loading it: {load:.1f} s, torch and ~700 MB more)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="46 segments greedy only, 23 with the glossary")
    parser.add_argument("--segments", type=int, default=200, help="greedy throughput input size")
    parser.add_argument("--beam-segments", type=int, default=46, help="beam-4 input size (0: skip beam 4)")
    parser.add_argument("--glossary-segments", type=int, default=46, help="glossary-on input size")
    parser.add_argument("--model-dir", type=Path, help="build the random model here (or reuse it)")
    parser.add_argument("--threads", type=int, default=1,
                        help="CPU threads for both engines (0: each engine's default, all cores)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="throughput runs per engine, interleaved; the summary takes the median time "
                             "and the highest peak memory [default: 1]")
    parser.add_argument("--device", help="cpu or cuda, passed to tm translate [default: the engines' choice]")
    parser.add_argument("--strategies", action="store_true",
                        help="only compare ways of enforcing glossary terms with CTranslate2 (in-process)")
    args = parser.parse_args()
    if args.quick:
        args.segments, args.beam_segments, args.glossary_segments = 46, 0, 23

    from bench_batching import opus_sized_model

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        t0 = time.perf_counter()
        model = opus_sized_model(args.model_dir or work / "opus-sized")
        print(f"model: random Marian d512 6+6 layers (built/loaded in {time.perf_counter() - t0:.1f} s)")
        if args.strategies:
            strategies(model, work, max(1, args.threads))
            return
        env = dict(os.environ, HF_HUB_OFFLINE="1", TM_CACHE=str(work / "cache"),
                   TOKENIZERS_PARALLELISM="false")
        if args.threads > 0:  # torch reads OMP_NUM_THREADS at start-up, the ctranslate2 engine TM_THREADS
            env.update(OMP_NUM_THREADS=str(args.threads), MKL_NUM_THREADS=str(args.threads),
                       TM_THREADS=str(args.threads))
        threads = f"{args.threads} thread(s) each" if args.threads > 0 else "default threads (all cores)"
        base = ["--model", str(model), "--no-memory", *(["--device", args.device] if args.device else [])]
        one = work / "one.ar.txt"
        one.write_text(ARTICLE.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")

        convert = tm_run("ctranslate2 first run (converts to int8)", [str(one), "--engine", "ctranslate2",
                                                                      "--no-glossary", *base], env, work)
        print(f"one-segment run that converts the model: {convert.seconds:.1f} s, "
              f"peak {convert.rss_mb:.0f} MB")
        load = {e: tm_run(f"{e} load", [str(one), "--engine", e, "--no-glossary", *base], env, work)
                for e in ("transformers", "ctranslate2", "none")}
        print("one-segment command (start-up + model load + 1 draft): "
              + ", ".join(f"{e} {r.seconds:.1f} s / {r.rss_mb:.0f} MB" for e, r in load.items()))

        results: dict[tuple[str, int], Run] = {}
        print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
              f"({os.cpu_count()} CPUs, {threads})")
        for beam, size in ((1, args.segments), (4, args.beam_segments)):
            if size <= 0:
                continue
            text, n = article_input(work, size)
            runs: dict[str, list[Run]] = {"transformers": [], "ctranslate2": []}
            for _ in range(args.repeat):  # interleaved, so both engines see the same machine
                for engine, done in runs.items():
                    run = tm_run(f"{engine} beam {beam}", [str(text), "--engine", engine, "--beam", str(beam),
                                                           "--no-glossary", *base], env, work)
                    done.append(run)
                    print(f"{run.label:>24}: {n} segments in {run.seconds:6.1f} s = {run.rate:5.2f} sent/s, "
                          f"peak RSS {run.rss_mb:5.0f} MB")
            for engine, done in runs.items():
                results[(engine, beam)] = median_run(done)
            if args.repeat > 1:  # run by run: the spread the median hides
                pairs = list(zip(runs["transformers"], runs["ctranslate2"], strict=True))
                print(f"{'run by run':>24}: throughput x" + ", x".join(f"{h.seconds / c.seconds:.2f}" for h, c in pairs)
                      + "; peak RSS 1/" + ", 1/".join(f"{h.rss_mb / c.rss_mb:.2f}" for h, c in pairs))
        text, n = article_input(work, args.segments)
        floor = tm_run("none", [str(text), "--engine", "none", "--no-glossary", *base], env, work)
        print(f"{'--engine none':>24}: {n} segments in {floor.seconds:6.1f} s, "
              f"peak RSS {floor.rss_mb:5.0f} MB")

        text, n = article_input(work, args.glossary_segments)
        glossary: dict[str, Run] = {}
        for engine in ("transformers", "ctranslate2") if args.glossary_segments > 0 else ():
            off = tm_run(f"{engine} no glossary", [str(text), "--engine", engine, "--no-glossary", *base],
                         env, work)
            on = tm_run(f"{engine} glossary", [str(text), "--engine", engine, *base], env, work)
            glossary[engine] = on
            found, total = terms_placed(on)
            print(f"{engine + ' glossary':>24}: {n} segments in {on.seconds:6.1f} s "
                  f"(x{on.seconds / off.seconds:.2f} the time without), terms placed {found}/{total}, "
                  f"peak RSS {on.rss_mb:5.0f} MB")
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    summary = [f"median of {args.repeat} runs"] if args.repeat > 1 else []
    for beam in (1, 4):
        if ("ctranslate2", beam) in results:
            hf, ct = results[("transformers", beam)], results[("ctranslate2", beam)]
            summary.append(f"beam {beam}: x{ct.rate / hf.rate:.2f} throughput "
                           f"({ct.rate:.2f} vs {hf.rate:.2f} sent/s), "
                           f"1/{hf.rss_mb / ct.rss_mb:.1f} peak RSS ({ct.rss_mb:.0f} vs {hf.rss_mb:.0f} MB)")
    load_ratio = load["transformers"].seconds / load["ctranslate2"].seconds
    print(f"one-segment command (start-up + load) x{load_ratio:.1f} faster with ctranslate2")
    if glossary:
        f_ct, t_ct = terms_placed(glossary["ctranslate2"])
        f_hf, t_hf = terms_placed(glossary["transformers"])
        summary.append(f"glossary terms placed {f_ct}/{t_ct} vs {f_hf}/{t_hf}")
    print(f"SUMMARY ctranslate2 int8 vs transformers fp32, whole command, {threads}, {os.cpu_count()} CPUs: "
          + "; ".join(summary))


if __name__ == "__main__":
    main()
