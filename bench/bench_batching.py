"""Length-sorted batching against one segment at a time, on an opus-mt-sized random Marian model.

The model has opus-mt-ar-en's shape (d_model 512, 6+6 layers, FFN 2048, 8 heads) and a
62,802-entry vocabulary: a BPE sentencepiece model trained on the real Arabic and English
lines in ../shared/data (UN, NTREX, FLORES).  Its weights are random, so only speed means
anything here.  A random model never chooses end-of-sentence, so every draft runs to the
engine's length cap; the benchmark sets that cap to --output-ratio x source tokens (1.1: the
English/Arabic token ratio of the UN and NTREX test sets under this vocabulary) so that
drafts are as long as real ones.  The segments are the sample article's sentences, topped
up with UN test-set sentences; batched and one-at-a-time runs alternate batch by batch.

    .venv/bin/python bench/bench_batching.py            # 64 segments, 1 thread and the default
    .venv/bin/python bench/bench_batching.py --quick    # 32 segments, 1 thread
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT / "tests"))

from tiny_model import build_tiny_marian  # noqa: E402

CORPUS = (
    "un_v1.0_testsets/UNv1.0.devset.ar",
    "un_v1.0_testsets/UNv1.0.devset.en",
    "un_v1.0_testsets/UNv1.0.testset.ar",
    "un_v1.0_testsets/UNv1.0.testset.en",
    "ntrex128/newstest2019-ref.arb.txt",
    "ntrex128/newstest2019-src.eng.txt",
    "flores200_devtest/arb_Arab.devtest",
    "flores200_devtest/eng_Latn.devtest",
)
ARTICLE = SHARED / "samples" / "alasr-soleimani-putin.ar.txt"
UN_TEST = SHARED / "data" / "un_v1.0_testsets" / "UNv1.0.testset.ar"


def opus_sized_model(directory: Path) -> Path:
    """Build (or reuse) the opus-mt-sized random model in *directory*."""
    if (directory / "config.json").is_file():
        return directory
    lines: list[str] = []
    for name in CORPUS:
        lines += (SHARED / "data" / name).read_text(encoding="utf-8").splitlines()
    lines += ARTICLE.read_text(encoding="utf-8").splitlines()
    return build_tiny_marian(
        directory,
        vocab_text=[ln for ln in lines if ln.strip()],
        vocab_size=62800,
        spm_type="bpe",
        d_model=512,
        layers=6,
        ffn_dim=2048,
        heads=8,
    )


def article_segments() -> list[str]:
    """The sample article split into sentences (at . ! ? ؟ followed by a space)."""
    text = ARTICLE.read_text(encoding="utf-8")
    parts = (s.strip() for line in text.splitlines() for s in re.split(r"(?<=[.!?؟])\s+", line))
    return [p for p in parts if len(p.split()) >= 3]


def segments(n: int) -> list[str]:
    """*n* real segments: the article's sentences, then UN test-set sentences."""
    segs = article_segments()
    if len(segs) < n:
        un = [ln.strip() for ln in UN_TEST.read_text(encoding="utf-8").splitlines() if ln.strip()]
        segs += [s for s in un if 5 <= len(s.split()) <= 60][: n - len(segs)]
    return segs[:n]


def interleaved(
    engine: Any, requests: list, settings: dict[str, dict[str, Any]], chunk: int = 16
) -> tuple[dict[str, float], dict[str, list]]:
    """Seconds and drafts per setting (engine attributes), alternating settings chunk by chunk.

    The requests are length-sorted first, so each chunk is the batch the engine would form;
    the settings run in turn on every chunk (in reverse order on every other one), so that a
    change in the machine's load hits all of them alike.
    """
    ids = engine.encode_sources([r.source for r in requests])
    order = sorted(range(len(requests)), key=lambda i: -len(ids[i]))
    seconds = {name: 0.0 for name in settings}
    drafts: dict[str, list] = {name: [None] * len(requests) for name in settings}
    for k, start in enumerate(range(0, len(order), chunk)):
        idx = order[start : start + chunk]
        names = list(settings) if k % 2 == 0 else list(reversed(settings))
        for name in names:
            for attr, value in settings[name].items():
                setattr(engine, attr, value)
            began = time.perf_counter()
            out = engine.translate([requests[i] for i in idx])
            seconds[name] += time.perf_counter() - began
            for i, draft in zip(idx, out, strict=True):
                drafts[name][i] = draft
    return seconds, drafts


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="32 segments, 1 thread only")
    parser.add_argument("--segments", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=1, help="repeat; the best time is kept")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--output-ratio", type=float, default=1.1, help="draft tokens per source token")
    parser.add_argument("--model-dir", type=Path, help="build the model here (or reuse it)")
    args = parser.parse_args()
    n = 32 if args.quick else args.segments

    import torch

    from tm.engines import Request, get_engine

    default_threads = torch.get_num_threads()
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        model = opus_sized_model(args.model_dir or Path(tmp) / "opus-sized")
        built = time.perf_counter() - t0
        engine = get_engine("transformers", str(model), batch_size=args.batch_size, device="cpu")
        engine.length_ratio, engine.length_slack = args.output_ratio, 1  # type: ignore[attr-defined]
        vocab = engine.net.config.vocab_size  # type: ignore[attr-defined]
        requests = [Request(s) for s in segments(n)]
        src = [len(x) for x in engine.encode_sources([r.source for r in requests])]  # type: ignore[attr-defined]
        print(f"model: random Marian d512 6+6 layers, vocab {vocab} (built/loaded in {built:.1f} s)")
        print(
            f"segments: {len(requests)}, source tokens mean {statistics.mean(src):.1f}, max {max(src)}; "
            f"drafts capped at {args.output_ratio} x source tokens + 1, greedy"
        )
        engine.translate(requests[:2])  # warm-up
        summary = []
        settings = {"batched": {"batch_size": args.batch_size}, "single": {"batch_size": 1}}
        for threads in dict.fromkeys((1,) if args.quick else (1, default_threads)):
            torch.set_num_threads(threads)
            runs = [interleaved(engine, requests, settings, args.batch_size)[0] for _ in range(args.rounds)]
            b = len(requests) / min(r["batched"] for r in runs)
            s = len(requests) / min(r["single"] for r in runs)
            print(
                f"threads {threads}: batch {args.batch_size} length-sorted {b:.2f} sent/s, "
                f"one at a time {s:.2f} sent/s, ratio x{b / s:.2f}"
            )
            label = f"{threads} thread{'s' if threads > 1 else ''}"
            summary.append(f"{label} x{b / s:.2f} ({b:.2f} vs {s:.2f} sent/s)")
        torch.set_num_threads(default_threads)
    print("SUMMARY batching greedy, " + "; ".join(summary))


if __name__ == "__main__":
    main()
