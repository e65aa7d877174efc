"""Glossary term accuracy with and without enforcement, and what enforcement costs.

Same opus-mt-sized random Marian model as bench_batching.py (built once into --model-dir),
greedy, batch 16, one thread; the runs with and without enforcement alternate batch by
batch.  The segments are real sentences (the sample article, then the UN test set) that
contain at least one term of a small political glossary; each request carries the glossary
entries found in its source.  A random model places a term only by chance, so "without"
measures chance and "with" measures the enforcer.  Drafts are capped at --output-ratio x
source tokens (+ the required terms' tokens when enforcing).

    .venv/bin/python bench/bench_enforce.py            # 48 segments
    .venv/bin/python bench/bench_enforce.py --quick    # 16 segments
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_batching import UN_TEST, article_segments, interleaved, opus_sized_model  # noqa: E402

# Arabic source, English target, forbidden renderings
GLOSSARY = (
    ("سليماني", "Soleimani", ("Suleimani", "Sulaimani")),
    ("بوتين", "Putin", ("Poutine",)),
    ("حزب الله", "Hezbollah", ("Hizbullah", "Hizballah")),
    ("الحشد الشعبي", "Popular Mobilization Forces", ("Popular Mobilisation Units",)),
    ("محور المقاومة", "Axis of Resistance", ()),
    ("مجلس الأمن", "Security Council", ()),
    ("الأمم المتحدة", "United Nations", ()),
    ("الجمعية العامة", "General Assembly", ()),
    ("روسيا", "Russia", ()),
    ("سوريا", "Syria", ("Syrian Arab Republic",)),
)


def glossary_requests(n: int) -> list:
    """*n* requests for real segments that contain glossary terms, with those terms."""
    from tm.engines import Request, TermConstraint
    from tm.normalize import normalize

    entries = [(normalize(ar), TermConstraint(ar, en, forbidden=bad)) for ar, en, bad in GLOSSARY]
    un = [ln.strip() for ln in UN_TEST.read_text(encoding="utf-8").splitlines()]
    out = []
    for seg in article_segments() + [s for s in un if 5 <= len(s.split()) <= 60]:
        key = normalize(seg)
        terms = tuple(term for ar, term in entries if ar in key)
        if terms:
            out.append(Request(seg, terms))
        if len(out) == n:
            break
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="16 segments")
    parser.add_argument("--segments", type=int, default=48)
    parser.add_argument("--beam", type=int, default=1)
    parser.add_argument("--output-ratio", type=float, default=1.1, help="draft tokens per source token")
    parser.add_argument("--model-dir", type=Path, help="build the model here (or reuse it)")
    args = parser.parse_args()
    n = 16 if args.quick else args.segments

    import torch

    from tm.engines import get_engine
    from tm.engines.constraints import TermEnforcer, missing_terms, term_placed

    torch.set_num_threads(1)
    in_enforcer = [0.0, 0]
    original = TermEnforcer.__call__

    def timed_call(self, input_ids, scores):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        out = original(self, input_ids, scores)
        in_enforcer[0] += time.perf_counter() - start
        in_enforcer[1] += 1
        return out

    TermEnforcer.__call__ = timed_call  # type: ignore[method-assign]
    with tempfile.TemporaryDirectory() as tmp:
        model = opus_sized_model(args.model_dir or Path(tmp) / "opus-sized")
        engine = get_engine("transformers", str(model), batch_size=16, beam=args.beam, device="cpu")
        engine.length_ratio, engine.length_slack = args.output_ratio, 1  # type: ignore[attr-defined]
        requests = glossary_requests(n)
        n_terms = sum(len({t.target for t in r.terms}) for r in requests)
        print(f"segments: {len(requests)}, {n_terms} required terms; beam {args.beam}, batch 16, 1 thread")
        engine.translate(requests[:2])  # warm-up
        settings = {"without": {"enforce_terms": False}, "with": {"enforce_terms": True}}
        in_enforcer[:] = [0.0, 0]
        seconds, drafts = interleaved(engine, requests, settings)
        enforcer_time, enforcer_steps = in_enforcer
        tokenizer = engine.tokenizer  # type: ignore[attr-defined]
    results = {}
    for name in settings:
        texts = [d.text for d in drafts[name]]
        placed = n_terms - sum(len(missing_terms(t, r.terms)) for t, r in zip(texts, requests, strict=True))
        bad = sum(
            term_placed(t, [b for term in r.terms for b in term.forbidden])
            for t, r in zip(texts, requests, strict=True)
        )
        tokens = sum(len(tokenizer(text_target=t)["input_ids"]) for t in texts)
        results[name] = (placed, seconds[name])
        print(
            f"{name:7} enforcement: terms placed {placed}/{n_terms} ({100 * placed / n_terms:.0f} %), "
            f"drafts with a forbidden rendering {bad}, {seconds[name]:.1f} s, {tokens} tokens, "
            f"{1000 * seconds[name] / tokens:.2f} ms/token"
        )
    share = enforcer_time / seconds["with"]
    print(
        f"enforcer: {enforcer_steps} calls, {1000 * enforcer_time / max(enforcer_steps, 1):.2f} ms per call, "
        f"{100 * share:.1f} % of the enforced run"
    )
    (p0, t0), (p1, t1) = results["without"], results["with"]
    print(
        f"SUMMARY enforcement beam {args.beam}: terms {p0}/{n_terms} -> {p1}/{n_terms}, "
        f"time x{t1 / t0:.2f} (enforcer itself {100 * share:.1f} % of the time)"
    )


if __name__ == "__main__":
    main()
