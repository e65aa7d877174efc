"""The interface every MT back-end implements.

An engine turns a batch of Arabic source segments into English drafts.  Each
request may carry glossary constraints: target renderings that must appear
(``required``, each a list of acceptable alternatives) and renderings that must
not (``forbidden``).  An engine that cannot place a required term says so in
:attr:`Draft.missing` rather than failing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class TermConstraint:
    """One glossary term a draft must carry."""

    source: str  # the Arabic term as found in the segment
    target: str  # the required English rendering
    alternatives: tuple[str, ...] = ()  # other accepted English renderings
    forbidden: tuple[str, ...] = ()  # renderings that must not appear


@dataclass(frozen=True)
class Request:
    """One segment to translate."""

    source: str
    terms: tuple[TermConstraint, ...] = ()


@dataclass
class Draft:
    """An engine's output for one request."""

    text: str
    missing: list[str] = field(default_factory=list)  # required targets that could not be placed


ProgressCallback = Callable[[int], None]  # called with the number of segments just finished


class Engine(Protocol):
    """An MT back-end.  ``name`` and ``model`` are recorded with every draft."""

    name: str
    model: str

    def translate(
        self, requests: Sequence[Request], *, progress: ProgressCallback | None = None
    ) -> list[Draft]:
        """Drafts for *requests*, in the same order."""
        ...

    @property
    def details(self) -> dict[str, str]:
        """Extra provenance recorded with each draft (quantisation, device, beam...)."""
        ...
