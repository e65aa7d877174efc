"""Exporting the translation memory: TMX, TSV or CSV, losing nothing silently.

:func:`export_memory` writes TMX, TSV or CSV (by extension, or as asked); a unit the format
cannot hold (a control character XML 1.0 cannot represent, stored before imports refused them;
a line break in TSV) is left out, counted and listed in :class:`ExportResult`.
:func:`export_units` writes TMX and refuses such a unit instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from .errors import InputError
from .memory import iter_pairs_with_ids, iter_units, iter_units_with_ids
from .store import Store

if TYPE_CHECKING:
    from .formats.tmx import TMUnit

__all__ = ["EXPORT_FORMATS", "ExportResult", "SkippedUnit", "export_format", "export_memory", "export_units"]

EXPORT_FORMATS = ("tmx", "tsv", "csv")


@dataclass
class SkippedUnit:
    """A memory unit an export left out, and why."""

    unit_id: int
    source: str
    target: str
    reason: str

    def as_json(self) -> dict[str, Any]:
        return {"unit_id": self.unit_id, "source": self.source, "target": self.target, "reason": self.reason}


@dataclass
class ExportResult:
    file: str
    format: str
    exported: int
    skipped: list[SkippedUnit] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "file": self.file, "format": self.format, "exported": self.exported, "skipped": len(self.skipped),
            "skipped_units": [u.as_json() for u in self.skipped],
        }  # fmt: skip


def export_units(store: Store, path: str | Path) -> int:
    """Write the whole memory to *path* as TMX 1.4; return the number of units written.

    :class:`InputError` if a unit holds a character XML cannot represent; :func:`export_memory`
    leaves such units out instead.
    """
    from .formats.tmx import write_tmx

    return write_tmx(iter_units(store), path)


def export_format(path: str | Path) -> str:
    """The export format the name *path* asks for: ``tmx`` for .tmx, ``csv`` for .csv, ``tsv`` for .tsv,
    .tab and .txt; :class:`InputError` for any other name (it could not be imported back as it is)."""
    suffix = Path(path).suffix.lower()
    if suffix == ".tmx":
        return "tmx"
    if suffix == ".csv":
        return "csv"
    if suffix in (".tsv", ".tab", ".txt"):
        return "tsv"
    raise InputError(f"Cannot tell the format to write {path} in from its extension; name it .tmx, .tsv or .csv, "
                     "or pass --format.")


def export_memory(store: Store, path: str | Path | IO[bytes], *, fmt: str | None = None) -> ExportResult:
    """Write the memory to *path* (a file, replaced only when complete, or a binary stream) as *fmt*.

    *fmt* is one of :data:`EXPORT_FORMATS`, by default :func:`export_format` of the name (TMX
    for a stream).  Units the format cannot hold are left out and listed in the result: for TMX a
    character XML 1.0 cannot represent; for TSV and CSV whatever :func:`tm.formats.tabular.read_tabular`
    would refuse, so that importing the file gives back the pairs written.
    """
    from .formats import tabular, tmx

    name = "-" if hasattr(path, "write") else str(path)
    fmt = fmt or ("tmx" if name == "-" else export_format(name))
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"fmt must be one of {', '.join(EXPORT_FORMATS)}, not {fmt!r}")
    skipped: list[SkippedUnit] = []

    if fmt == "tmx":

        def writable() -> Iterator[TMUnit]:
            for unit_id, unit in iter_units_with_ids(store):
                problem = tmx.unit_problem(unit)
                if problem:
                    skipped.append(SkippedUnit(unit_id, unit.source, unit.target, problem))
                else:
                    yield unit

        count = tmx.write_tmx(writable(), path, checked=True)
    else:

        def pairs() -> Iterator[tuple[str, str]]:  # no TMX properties; each pair checked once, here
            unit_problem = tabular.unit_problem
            for unit_id, source, target in iter_pairs_with_ids(store):
                problem = unit_problem(source, target, fmt)
                if problem:
                    skipped.append(SkippedUnit(unit_id, source, target, problem))
                else:
                    yield source, target

        count = tabular.write_pairs(pairs(), path, kind=fmt, checked=True)
    return ExportResult(file=name, format=fmt, exported=count, skipped=skipped)
