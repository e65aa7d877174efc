"""Sacrebleu's corpus BLEU, chrF, chrF++ and TER of line-aligned files, read as sacrebleu reads them."""

from __future__ import annotations

import gzip
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import InputError
from .formats.termfile import UTF16_MESSAGE, bomless_utf16


@dataclass
class FileScore:
    """Sacrebleu's corpus scores of a hypothesis file against one or more references."""

    segments: int
    references: int
    bleu: float
    chrf: float
    chrf_pp: float
    ter: float
    signatures: dict[str, str]
    lines: dict[str, str]  # sacrebleu's own formatted score lines

    def as_json(self) -> dict[str, Any]:
        return {
            "segments": self.segments,
            "references": self.references,
            "bleu": self.bleu,
            "chrf": self.chrf,
            "chrf++": self.chrf_pp,
            "ter": self.ter,
            "signatures": self.signatures,
            "formatted": self.lines,
        }


def read_lines(path: str | Path) -> list[str]:
    """The lines of a UTF-8 (or .gz) text file, right-stripped as the sacrebleu command reads them."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"No such file: {p}.")
    if p.is_dir():
        raise InputError(f"{p} is a directory; give a text file with one segment per line.")
    try:
        data = p.read_bytes()
        if p.suffix == ".gz":
            data = gzip.decompress(data)
    except (OSError, EOFError) as exc:
        raise InputError(f"Cannot read {p}: {getattr(exc, 'strerror', None) or exc}.") from None
    if bomless_utf16(data[:4096]):  # it would decode as UTF-8 text full of NULs, and miscount its lines
        raise InputError(f"{p}: {UTF16_MESSAGE}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{p} is not UTF-8 (invalid byte at offset {exc.start}); convert it first, e.g. with iconv."
        ) from None
    if not text:  # blank lines are segments (sacrebleu scores them); only a file with no lines is empty
        raise InputError(f"{p} is empty; give a file with one segment per line.")
    # sacrebleu opens files with newline="\n": only LF ends a line, other breaks stay inside
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return [line.rstrip() for line in lines]


def score_lines(hypotheses: Sequence[str], references: Sequence[Sequence[str]]) -> FileScore:
    """Corpus scores of *hypotheses* against reference streams, through sacrebleu's metric objects."""
    from sacrebleu.metrics import BLEU, CHRF, TER

    refs = [list(r) for r in references]
    metrics = {"bleu": BLEU(), "chrf": CHRF(), "chrf++": CHRF(word_order=2), "ter": TER()}
    scores = {name: m.corpus_score(list(hypotheses), refs) for name, m in metrics.items()}
    signatures = {name: m.get_signature().format() for name, m in metrics.items()}
    return FileScore(
        segments=len(hypotheses),
        references=len(refs),
        bleu=scores["bleu"].score,
        chrf=scores["chrf"].score,
        chrf_pp=scores["chrf++"].score,
        ter=scores["ter"].score,
        signatures=signatures,
        lines={name: s.format(signature=signatures[name]) for name, s in scores.items()},
    )


def score_files(hypothesis: str | Path, references: Sequence[str | Path]) -> FileScore:
    """Score a hypothesis file against line-aligned reference files; :class:`InputError` on bad input."""
    if not references:
        raise InputError("Give at least one reference file with --ref.")
    hyps = read_lines(hypothesis)
    refs = [read_lines(r) for r in references]
    for path, lines in zip(references, refs, strict=True):
        if len(lines) != len(hyps):
            raise InputError(
                f"{hypothesis} has {_lines(len(hyps))} but {path} has {len(lines)}; "
                "the files must be line-aligned."
            )
    return score_lines(hyps, refs)


def _lines(n: int) -> str:
    return f"{n} line{'' if n == 1 else 's'}"
