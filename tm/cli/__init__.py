"""The ``tm`` command line: a thin layer over the library (see ../shared/STYLE.md).

Each command group lives in its own module and registers itself on :data:`cli`.
"""

from __future__ import annotations

import click

from .common import TMGroup


@click.group(cls=TMGroup, gates=["qa"], context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="tm")
def cli() -> None:
    """tm: translation memory, glossary and MT drafts for Arabic→English news.

    \b
    Example:
        tm translate article.ar.txt -o article.en.txt
        tm docs
        tm correct article 3 "The corrected sentence."
        tm export article --format jsonl
    """


# Each module registers its commands on `cli` when imported.
from . import documents, glossary, main, memory, model, score, translate, xliff  # noqa: E402,F401
