"""Is one engine better than another?  Sacrebleu's paired significance tests on stored statistics.

When two engines (or models) drafted the same corrected segments, :func:`compare` runs
sacrebleu's paired bootstrap resampling (``bs``, 1,000 resamples) and/or approximate
randomisation (``ar``, 10,000 trials) — :class:`sacrebleu.significance.PairedTest`,
seeded by ``$SACREBLEU_SEED`` (default 12345) — for BLEU, chrF and TER.  The tests are
fed the statistics stored per draft (:mod:`tm.stats`) instead of recomputing them, so
the p-values are the ones ``sacrebleu --paired-bs``/``--paired-ar`` reports for the
same drafts and corrections.

Sacrebleu's bootstrap holds every resample in memory (resamples x segments x
statistics), so above *max_segments* shared segments the test runs on a seeded random
sample of them; the result says so.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from . import stats as st
from .errors import InputError

TESTS = ("bs", "ar")
MAX_SEGMENTS = 2000
_METRICS = (("bleu", "bleu"), ("chrf", "chrf"), ("ter", "ter"))


@dataclass
class MetricTest:
    """One metric's scores for both systems and the p-value of their difference."""

    metric: str
    a: float
    b: float
    p_value: float
    a_mean: float | None = None
    a_ci: float | None = None
    b_mean: float | None = None
    b_ci: float | None = None

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class Comparison:
    """A paired test of system *a* (the baseline) against *b* on the segments both drafted."""

    a: str
    b: str
    test: str  # bs | ar
    trials: int
    seed: str
    shared: int  # segments both drafted
    segments: int  # segments the test ran on (a sample when shared > max_segments)
    metrics: list[MetricTest] = field(default_factory=list)
    signatures: dict[str, str] = field(default_factory=dict)

    @property
    def sampled(self) -> bool:
        return self.segments < self.shared

    def as_json(self) -> dict[str, Any]:
        return {
            "a": self.a, "b": self.b, "test": self.test, "trials": self.trials, "seed": self.seed,
            "shared": self.shared, "segments": self.segments, "sampled": self.sampled,
            "metrics": {m.metric: m.as_json() for m in self.metrics},
            "signatures": self.signatures,
        }


class _StoredStats:
    """A sacrebleu metric whose "hypotheses" are keys of already extracted statistics rows."""

    def __init__(self, metric: Any, table: Mapping[str, list[Any]]):
        self.metric = metric
        self.table = table

    def _extract_corpus_statistics(self, hypotheses: Sequence[str], references: Any) -> list[list[Any]]:
        return [self.table[h] for h in hypotheses]

    def _aggregate_and_compute(self, stats: Any) -> Any:
        return self.metric._aggregate_and_compute(stats)

    def _compute_score_from_stats(self, stats: Any) -> Any:
        return self.metric._compute_score_from_stats(stats)

    def get_signature(self) -> Any:
        self.metric.num_refs = 1
        return self.metric.get_signature()


def compare(
    a: str,
    rows_a: Mapping[int, Sequence[int]],
    b: str,
    rows_b: Mapping[int, Sequence[int]],
    *,
    test: str = "bs",
    trials: int = 0,
    max_segments: int = MAX_SEGMENTS,
) -> Comparison:
    """Paired test of *a* against *b*; ``rows_*`` map a segment id to that system's statistics row.

    *trials* 0 means sacrebleu's defaults: 1,000 bootstrap resamples, 10,000 randomisation trials.
    """
    import numpy as np
    from sacrebleu.significance import PairedTest

    if test not in TESTS:
        raise InputError(f"Unknown paired test {test!r}; use bs (paired bootstrap) or ar (randomisation).")
    if a == b:
        raise InputError(f"Compare two different systems; {a!r} was given twice.")
    shared = sorted(set(rows_a) & set(rows_b))
    if not shared:
        raise InputError(f"{a} and {b} drafted no corrected segment in common; nothing to compare.")
    chosen = shared
    if len(shared) > max_segments:
        chosen = sorted(random.Random(12345).sample(shared, max_segments))
    keys_a, keys_b = [f"a{s}" for s in chosen], [f"b{s}" for s in chosen]
    matrix = np.array([rows_a[s] for s in chosen] + [rows_b[s] for s in chosen], dtype=np.int64)
    m = st.metrics()
    metrics: dict[str, Any] = {}  # stand-ins for sacrebleu metrics
    for name, attr in _METRICS:
        columns = st.metric_rows(matrix, name)
        metrics[name] = _StoredStats(getattr(m, attr), dict(zip(keys_a + keys_b, columns, strict=True)))
    systems: list[tuple[str, Sequence[str]]] = [(a, keys_a), (b, keys_b)]
    paired = PairedTest(systems, metrics, references=None, test_type=test, n_samples=trials)
    signatures, scores = paired()
    result = Comparison(a, b, test, paired.n_samples, str(paired._seed).lower(), len(shared), len(chosen),
                        signatures={name: str(sig) for name, sig in signatures.items()})
    # Drafts identical segment by segment differ by nothing, but sacrebleu still reports its
    # smallest p-value for them (0.001 bootstrap, 0.0001 randomisation): say p = 1.
    same = bool(np.array_equal(matrix[: len(chosen)], matrix[len(chosen) :]))
    for (name, _), label in zip(_METRICS, [k for k in scores if k != "System"], strict=True):
        base, other = cast(list[Any], scores[label])
        result.metrics.append(MetricTest(
            metric=name, a=float(base.score), b=float(other.score),
            p_value=1.0 if same else float(other.p_value),
            a_mean=_opt(base.mean), a_ci=_opt(base.ci), b_mean=_opt(other.mean), b_ci=_opt(other.ci),
        ))
    return result


def _opt(value: Any) -> float | None:
    return None if value is None else float(value)
