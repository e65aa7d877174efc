"""MT engines: a registry of back-ends behind the :class:`~tm.engines.base.Engine` interface.

Importing this package is cheap: torch and transformers are imported only when an
engine is created.
"""

from __future__ import annotations

import importlib.util
from importlib import import_module

from tm.engines.base import Draft, Engine, ProgressCallback, Request, TermConstraint
from tm.errors import EngineError

DEFAULT_MODEL = "Helsinki-NLP/opus-mt-ar-en"

#: engine name → "module:attribute" of its class, imported on first use
ENGINES: dict[str, str] = {
    "transformers": "tm.engines.hf:TransformersEngine",
    "ctranslate2": "tm.engines.ct2:CTranslate2Engine",
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
    """The engine used when none is named: CTranslate2 on a CPU when it is installed, else transformers."""
    if importlib.util.find_spec("ctranslate2") is None:
        return "transformers"
    import ctranslate2

    return "transformers" if ctranslate2.get_cuda_device_count() > 0 else "ctranslate2"


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
