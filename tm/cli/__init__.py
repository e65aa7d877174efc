"""The ``tm`` command line: a thin layer over the library (see ../shared/STYLE.md).

Each command group lives in its own module and registers itself on :data:`cli`.

A Ctrl-C while Python is still loading these modules (the first tenth of a second of
every ``tm`` run) exits 130 with one line, as one during a command does, not a traceback.
"""

from __future__ import annotations

try:
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
    from . import glossary, main, memory, model, score, xliff  # noqa: F401
except KeyboardInterrupt:  # a Ctrl-C while `tm` starts
    from .. import _interrupted_at_start

    _interrupted_at_start()
