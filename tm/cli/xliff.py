"""``tm import-xliff``: bring a post-edited XLIFF file back as human corrections."""

from __future__ import annotations

from dataclasses import asdict

import click

from . import cli
from .common import db_option, echo_json, json_option, open_store, plural


@click.command("import-xliff")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--author", help="Who post-edited the file [default: $TM_AUTHOR, else the login name].")
@click.option("--overwrite", is_flag=True,
              help="Store the file's targets even where a segment was corrected after the export.")  # fmt: skip
@db_option
@json_option
def import_xliff_command(file: str, author: str | None, overwrite: bool, db: str | None, as_json: bool) -> None:
    """Record the post-edits of an XLIFF FILE (from `tm export --format xliff`) as human translations.

    The document is the one the file names (<file original=…>).  Each unit's
    target is read with its state:

    \b
    * a changed target becomes a human correction and enters the memory;
    * a draft confirmed unchanged (state translated, signed-off or final) is
      approved: stored as a human translation equal to the draft;
    * a draft in any other state (needs-review-translation, new, x-…, or none)
      was not reviewed and is left alone, as are targets equal to the current
      translation and empty ones;
    * a target another tool pre-filled (state new, needs-translation or 2.0's
      initial, or state-qualifier leveraged-mt) and nobody confirmed is not
      stored (counted as unreviewed); approved="yes" confirms a target.

    The export records in each unit (tm:base) which translation was current; a
    target left as exported never replaces a newer translation.  If a segment was
    corrected in tm after the export and the file's target was edited, the import
    is refused, naming the segments: export the document again, or pass
    --overwrite to store the file's text anyway.  A target with a line break is
    refused too.  All units are stored or, on any error, none.

    \b
    Example:
        tm export alasr-soleimani-putin --format xliff -o article.xlf
        tm import-xliff article.xlf --author sara
        tm import-xliff article.xlf --overwrite --json
    """
    from ..formats.xliff import import_xliff

    with open_store(db, create=False) as store:
        result = import_xliff(store, file, author=author, overwrite=overwrite)
    if as_json:
        echo_json(asdict(result))
        return
    names = ", ".join(result.documents) or "(no units)"
    overwritten = f" ({result.overwritten} over a later correction)" if result.overwritten else ""
    click.echo(
        f"{names}: {plural(result.updated, 'segment')} updated{overwritten}, "
        f"{result.approved} approved, {result.unchanged} unchanged, {result.untranslated} without a target"
        + (f", {plural(result.unreviewed, 'unreviewed pre-fill')} not stored."
           if result.unreviewed else ".")
    )


cli.add_command(import_xliff_command)
