"""``tm import-xliff``: bring a post-edited XLIFF file back as human corrections."""

from __future__ import annotations

from dataclasses import asdict

import click

from . import cli
from .common import db_option, echo_json, json_option, open_store


@click.command("import-xliff")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--author", help="Who post-edited the file [default: $TM_AUTHOR, else the login name].")
@db_option
@json_option
def import_xliff_command(file: str, author: str | None, db: str | None, as_json: bool) -> None:
    """Record the changed targets of an XLIFF FILE (from `tm export --format xliff`) as corrections.

    The document is the one the file names (<file original=…>).  Every target that
    differs from the segment's current translation becomes a human correction and
    enters the memory; all are stored or, on any error, none.

    \b
    Example:
        tm export alasr-soleimani-putin --format xliff -o article.xlf
        tm import-xliff article.xlf --author sara
        tm import-xliff article.xlf --json
    """
    from ..formats.xliff import import_xliff

    with open_store(db) as store:
        result = import_xliff(store, file, author=author)
    if as_json:
        echo_json(asdict(result))
        return
    names = ", ".join(result.documents) or "(no units)"
    click.echo(
        f"{names}: {result.updated} segment{'s' if result.updated != 1 else ''} updated, "
        f"{result.unchanged} unchanged, {result.untranslated} without a target."
    )


cli.add_command(import_xliff_command)
