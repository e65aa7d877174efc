"""tm: translation memory, glossary and MT drafts for Arabic→English political news.

The public API, imported lazily so that ``import tm`` (and ``tm --help``) stays light::

    from tm import Store, read_source_file, translate_document, load_terms, get_engine
    with Store.open("desk.db") as store:
        result = translate_document(store, read_source_file("article.ar.txt"),
                                    engine=get_engine("transformers"), terms=load_terms(store))
        print(result.english)
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_API = {
    "TMError": "tm.errors",
    "normalize": "tm.normalize",
    "split": "tm.segment",
    "join": "tm.segment",
    "Store": "tm.store",
    "read_source": "tm.workflow",
    "read_source_file": "tm.workflow",
    "correct_segment": "tm.workflow",
    "rename_document": "tm.documents",
    "delete_document": "tm.documents",
    "translate_document": "tm.translate",
    "translate_documents": "tm.translate",
    "get_engine": "tm.engines",
    "Memory": "tm.memory",
    "import_units": "tm.memory",
    "Term": "tm.terms",
    "TermMatcher": "tm.terms",
    "load_terms": "tm.glossary",
    "score_files": "tm.filescore",
    "score_store": "tm.score",
}

__all__ = sorted(_API)


def __getattr__(name: str) -> Any:
    if name in _API:
        return getattr(import_module(_API[name]), name)
    raise AttributeError(f"module 'tm' has no attribute {name!r}")


# The function shares its name with its (light) module, which the import system would otherwise bind
# here once anything imports it: bound now, ``tm.normalize`` stays the function.
from .normalize import normalize as normalize  # noqa: E402
