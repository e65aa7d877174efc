"""Sacrebleu's sufficient statistics for BLEU, chrF, chrF++ and TER, kept per segment.

Sacrebleu's corpus scores are functions of per-sentence statistics summed over the
corpus (n-gram matches and totals, lengths, edits).  :func:`pair_stats` extracts them
with sacrebleu's own metric objects, one row of :data:`WIDTH` integers per
hypothesis–reference pair, and :func:`corpus_scores` turns a summed row back into
sacrebleu scores; summing stored rows therefore gives numbers identical to running
sacrebleu over the whole corpus again.  A row is laid out as:

====================  =====  ================================================
columns               count  what (sacrebleu's own order)
====================  =====  ================================================
``BLEU``  0–9          10     hyp length, ref length, 4 n-gram matches, 4 totals
``CHRF``  10–33        24     hyp, ref, match counts for char 1–6, word 1–2 grams
``TER``   34–35        2      edits, reference length
====================  =====  ================================================

chrF uses the first 18 chrF columns (the character n-grams), chrF++ all 24.  Rows are
stored as little-endian int32 (:func:`pack`/:func:`unpack`); :data:`LAYOUT_VERSION`
changes whenever this layout does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    from sacrebleu.metrics.base import Metric

LAYOUT_VERSION = 1
BLEU = slice(0, 10)
CHRF = slice(10, 28)
CHRF_PP = slice(10, 34)
TER = slice(34, 36)
WIDTH = 36


@dataclass(frozen=True)
class Metrics:
    """The sacrebleu metric objects every score here comes from (default settings)."""

    bleu: Metric
    chrf: Metric
    chrf_pp: Metric
    ter: Metric
    sentence_bleu: Metric  # effective order, as sacrebleu's sentence_bleu

    def signatures(self) -> dict[str, str]:
        """Sacrebleu's reproducibility signature of each metric (one reference)."""
        out = {}
        for name, metric in (("bleu", self.bleu), ("chrf", self.chrf), ("chrf++", self.chrf_pp),
                             ("ter", self.ter)):
            metric.num_refs = getattr(metric, "num_refs", 1)
            out[name] = metric.get_signature().format()
        return out


@lru_cache(maxsize=1)
def metrics() -> Metrics:
    """The shared metric objects (created on first use: sacrebleu is imported lazily)."""
    from sacrebleu.metrics import BLEU as Bleu
    from sacrebleu.metrics import CHRF as Chrf
    from sacrebleu.metrics import TER as Ter

    # force=True only silences sacrebleu's "tokenized period" log message; it is not part of
    # the signature and changes no statistic.
    return Metrics(
        bleu=Bleu(force=True),
        chrf=Chrf(),
        chrf_pp=Chrf(word_order=2),
        ter=Ter(),
        sentence_bleu=Bleu(force=True, effective_order=True),
    )


def pair_stats(hypotheses: Sequence[str], references: Sequence[str]) -> list[list[int]]:
    """The statistics row of each hypothesis against its one reference (same length lists)."""
    if len(hypotheses) != len(references):
        raise ValueError("hypotheses and references differ in length")
    if not hypotheses:
        return []
    m = metrics()
    refs = [list(references)]
    bleu = m.bleu._extract_corpus_statistics(hypotheses, refs)
    chrf = m.chrf_pp._extract_corpus_statistics(hypotheses, refs)
    ter = m.ter._extract_corpus_statistics(hypotheses, refs)
    rows = []
    for b, c, (edits, ref_len) in zip(bleu, chrf, ter, strict=True):
        # one reference: TER's "average reference length" is a whole number of words
        rows.append([*b, *c, int(edits), int(ref_len)])
    return rows


@dataclass(frozen=True)
class SentenceScores:
    """Sentence-level scores of one pair, as sacrebleu's sentence_* functions give them."""

    bleu: float
    chrf: float
    ter: float


def sentence_scores(row: Sequence[int]) -> SentenceScores:
    """Sentence BLEU (effective order), chrF and TER of one statistics row."""
    m = metrics()
    values = [int(x) for x in row]
    return SentenceScores(
        bleu=m.sentence_bleu._compute_score_from_stats(values[BLEU]).score,
        chrf=m.chrf._compute_score_from_stats(values[CHRF]).score,
        ter=m.ter._compute_score_from_stats([values[34], float(values[35])]).score,
    )


@dataclass(frozen=True)
class CorpusScores:
    """Corpus scores from summed statistics; the sacrebleu score objects are kept for formatting."""

    bleu: float
    chrf: float
    chrf_pp: float
    ter: float
    objects: dict[str, Any]


def corpus_scores(total: Sequence[int]) -> CorpusScores:
    """Sacrebleu's corpus BLEU, chrF, chrF++ and TER from a summed statistics row."""
    m = metrics()
    values = [int(x) for x in total]
    objects = {
        "bleu": m.bleu._compute_score_from_stats(values[BLEU]),
        "chrf": m.chrf._compute_score_from_stats(values[CHRF]),
        "chrf++": m.chrf_pp._compute_score_from_stats(values[CHRF_PP]),
        # sacrebleu sums TER's reference lengths as floats: same value, same type
        "ter": m.ter._compute_score_from_stats([values[34], float(values[35])]),
    }
    return CorpusScores(
        objects["bleu"].score, objects["chrf"].score, objects["chrf++"].score, objects["ter"].score, objects
    )


def metric_rows(rows: np.ndarray, name: str) -> list[list[Any]]:
    """The columns of *rows* that metric *name* (bleu, chrf, chrf++, ter) reads, as sacrebleu makes them."""
    part = {"bleu": BLEU, "chrf": CHRF, "chrf++": CHRF_PP, "ter": TER}[name]
    out: list[list[Any]] = rows[:, part].tolist()
    if name == "ter":
        out = [[edits, float(length)] for edits, length in out]
    return out


def pack(row: Sequence[int]) -> bytes:
    """A statistics row as stored: little-endian int32."""
    import struct

    return struct.pack(f"<{WIDTH}i", *row)


def unpack(blobs: Sequence[bytes]) -> np.ndarray:
    """Stored rows back as an ``(n, WIDTH)`` int64 array."""
    import numpy as np

    if not blobs:
        return np.zeros((0, WIDTH), dtype=np.int64)
    return np.frombuffer(b"".join(blobs), dtype="<i4").reshape(-1, WIDTH).astype(np.int64)
