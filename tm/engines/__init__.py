"""MT engines: a registry of back-ends behind the :class:`~tm.engines.base.Engine` interface.

Importing this package is cheap: torch and transformers are imported only when an
engine is created.
"""

from __future__ import annotations

from importlib import import_module

from tm.engines.base import Draft, Engine, ProgressCallback, Request, TermConstraint
from tm.errors import EngineError

DEFAULT_MODEL = "Helsinki-NLP/opus-mt-ar-en"

#: engine name → "module:attribute" of its class, imported on first use
ENGINES: dict[str, str] = {
    "transformers": "tm.engines.hf:TransformersEngine",
}

__all__ = [
    "DEFAULT_MODEL",
    "ENGINES",
    "Draft",
    "Engine",
    "ProgressCallback",
    "Request",
    "TermConstraint",
    "available_engines",
    "default_engine_name",
    "get_engine",
]


def available_engines() -> list[str]:
    """The registered engine names, sorted."""
    return sorted(ENGINES)


def default_engine_name() -> str:
    """The engine used when none is named."""
    return "transformers"


def get_engine(
    name: str,
    model: str | None = None,
    *,
    batch_size: int = 16,
    beam: int = 1,
    device: str | None = None,
) -> Engine:
    """Create the engine *name* for *model* (the default model when ``None``)."""
    try:
        target = ENGINES[name]
    except KeyError:
        known = ", ".join(available_engines())
        raise EngineError(f"Unknown MT engine {name!r}; choose one of: {known}.") from None
    module_name, _, attr = target.partition(":")
    cls = getattr(import_module(module_name), attr)
    return cls(model or DEFAULT_MODEL, batch_size=batch_size, beam=beam, device=device)
