"""``tm rename`` and ``tm delete``: a stored document's name and its removal."""

from __future__ import annotations

import sys

import click

from . import cli
from .common import db_option, echo_json, open_store, plural

_json = click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")


@cli.command()
@click.argument("doc")
@click.argument("new_name")
@_json
@db_option
def rename(doc: str, new_name: str, as_json: bool, db: str | None) -> None:
    """Rename the stored document DOC (a name or id) to NEW_NAME.

    The name is what `tm show`, `tm export` and `tm correct` take and what an
    XLIFF export records (<file original>): a file exported under the old name
    is imported after the rename by renaming the document back, or by exporting
    it again.  A number that is one document's id and another's name is refused:
    give the name.

    \b
    Example:
        tm rename alasr-soleimani-putin-2 alasr-2020-01-03
        tm rename 7 reuters-iraq-protests --json
    """
    from ..documents import rename_document

    with open_store(db, create=False) as store:
        before, after = rename_document(store, doc, new_name)
    if as_json:
        echo_json({"id": after.id, "old_name": before.name, "name": after.name})
    elif before.name == after.name:
        click.echo(f"Document {after.id} is already named {after.name!r}; nothing changed.")
    else:
        click.echo(f"Renamed document {after.id} from {before.name!r} to {after.name!r}.")


@cli.command()
@click.argument("doc")
@click.option("--forget-memory", is_flag=True,
              help="Also take the pairs the document's corrections put in the translation memory out of it (a "
                   "pair that another document's correction holds too stays; one an import also held, and skipped "
                   "as a duplicate, goes).")
@click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation (needed off a terminal).")
@_json
@db_option
def delete(doc: str, forget_memory: bool, yes: bool, as_json: bool, db: str | None) -> None:
    """Delete the stored document DOC (a name or id): its segments, drafts,
    corrections and their scores.

    Its corrections stay in the translation memory, which keeps reusing them,
    unless --forget-memory is given.  Everything goes in one transaction, and the
    id of a deleted document is never given to another.  Off a terminal --yes is
    required.  A number that is one document's id and another's name is refused:
    give the name.

    \b
    Example:
        tm delete alasr-soleimani-putin-2
        tm delete alasr-soleimani-putin-2 --yes --json
        tm delete test-run --forget-memory --yes
    """
    from ..documents import delete_document, resolve

    with open_store(db, create=False) as store:
        document = resolve(store, doc)
        if not yes:
            if not sys.stdin or not sys.stdin.isatty():
                raise click.ClickException(f"Deleting document {document.name!r} needs --yes when tm is not "
                                           "run from a terminal; nothing was deleted.")
            (row,) = store.documents(document)
            question = (f"Delete document {document.id} {document.name!r} ({plural(row['segments'], 'segment')}, "
                        f"{row['corrected']:,} corrected)?")
            if not click.confirm(question, err=True):
                raise click.ClickException("Nothing was deleted.")
        result = delete_document(store, document, forget_memory=forget_memory)
    if as_json:
        echo_json(result.as_json())
        return
    memory = ""
    if result.memory_removed:
        memory = f"; {plural(result.memory_removed, 'memory unit')} removed"
    if result.memory_kept:
        memory += (f"; {plural(result.memory_kept, 'correction')} "
                   f"{'stays' if result.memory_kept == 1 else 'stay'} in the memory")
    click.echo(f"Deleted document {result.id} {result.name!r}: {plural(result.segments, 'segment')}, "
               f"{plural(result.drafts, 'draft')}, {plural(result.corrections, 'correction')}{memory}.")
