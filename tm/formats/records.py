"""What a term file holds, in any format: :class:`Record` (read) and :class:`TermLike` (written).

Kept apart from the TBX reader so that using a glossary does not import lxml.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


class TermLike(Protocol):
    """What writing a term file needs of an entry (a glossary entry or a :class:`Record`)."""

    ar: str
    en: str
    variants: list[str]
    alternatives: list[str]
    forbidden: list[str]
    note: str | None


@dataclass
class Record:
    """One term as read from a term file (TBX, CSV or TSV); ``line`` is where it starts (1-based).

    ``absent`` names the fields the file has no column for (a CSV or TSV without a
    ``note`` column, say): importing leaves those fields of an existing entry as they are.
    """

    ar: str
    en: str
    variants: list[str] = field(default_factory=list)
    forbidden: list[str] = field(default_factory=list)
    alternatives: list[str] = field(default_factory=list)
    note: str | None = None
    line: int | None = None
    absent: frozenset[str] = frozenset()
