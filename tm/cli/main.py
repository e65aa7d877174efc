"""Commands on stored documents: docs, show, correct, export."""

from __future__ import annotations

import click

from . import cli
from .common import (
    check_output,
    db_option,
    echo_json,
    echo_table,
    json_option,
    jsonl_lines,
    load_glossary_terms,
    open_store,
    stdin_bytes,
    write_output,
)


@cli.command()
@json_option
@db_option
def docs(as_json: bool, db: str | None) -> None:
    """List the stored documents with their counts of segments, drafted and corrected.

    \b
    Example:
        tm docs
        tm docs --json | jq '.[].name'
    """
    with open_store(db, create=False) as store:
        rows = store.documents()
    if as_json:
        echo_json(rows)
    elif not rows:
        click.echo("No documents yet; `tm translate FILE` adds one.")
    else:
        echo_table(rows, ["id", "name", "segments", "drafted", "corrected", "created"])


@cli.command()
@click.argument("doc")
@json_option
@db_option
def show(doc: str, as_json: bool, db: str | None) -> None:
    """Show every segment of DOC (a name or id) with all its translations, oldest first.

    \b
    Example:
        tm show alasr-soleimani-putin
        tm show 1 --json
    """
    with open_store(db, create=False) as store:
        document = store.document(doc)
        segments = store.segments(document)
    if as_json:
        echo_json({
            "doc": document.name,
            "segments": [
                {"index": s.index, "paragraph": s.paragraph, "source": s.source,
                 "translations": [t.as_json() for t in s.translations]}
                for s in segments
            ],
        })
        return
    for s in segments:
        click.echo(f"[{s.index}] {s.source}")
        for t in s.translations:
            who = ", ".join(x for x in (t.engine, t.model, t.author, t.created) if x)
            match = f" {t.match:.0f}%" if t.match is not None else ""
            click.echo(f"    {t.origin}{match} ({who}): {t.text}")
        if not s.translations:
            click.echo("    (untranslated)")


@cli.command()
@click.argument("doc")
@click.argument("index", type=int)
@click.argument("text")
@click.option("--author", default=None, help="Who made the correction [default: $TM_AUTHOR or the login name].")
@db_option
def correct(doc: str, index: int, text: str, author: str | None, db: str | None) -> None:
    """Store TEXT (or - for stdin) as the human translation of segment INDEX of DOC.

    The draft is kept beside it; the pair joins the translation memory.  A TEXT
    that starts with a dash goes after -- (options before it), or on stdin.

    \b
    Example:
        tm correct alasr-soleimani-putin 3 "The corrected English sentence."
        echo "The corrected English sentence." | tm correct 1 3 - --author hana
        tm correct --author hana alasr-soleimani-putin 4 -- "- A bulleted item."
    """
    from ..workflow import correct_segment, score_corrections_ahead

    if text == "-":
        try:
            text = stdin_bytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise click.ClickException(f"The correction on stdin is not UTF-8 (invalid byte at offset "
                                       f"{exc.start}).") from None
    with open_store(db, create=False) as store:
        document = store.document(doc)
        ahead = score_corrections_ahead(store, [(document, index, text)])
        with store.transaction() as conn:
            correct_segment(store, conn, document, index, text, author=author, ahead=ahead)
    click.echo(f"Stored the correction of segment {index} of {document.name!r}.", err=True)


@cli.command()
@click.argument("doc")
@click.option("--format", "fmt", type=click.Choice(["text", "jsonl", "xliff"]), default="text",
              show_default=True, help="text: the English in the original layout; jsonl: a row per segment; "
              "xliff: XLIFF 1.2 for post-editing in a CAT tool.")
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, allow_dash=True),
              help="Write here instead of stdout.")
@click.option("--glossary", "glossaries", multiple=True, metavar="NAME|FILE",
              help="Glossary whose terms the jsonl rows report (repeatable) [default: political].")
@click.option("--no-glossary", is_flag=True, help="Report no glossary terms in jsonl rows.")
@db_option
def export(doc: str, fmt: str, out: str | None, glossaries: tuple[str, ...], no_glossary: bool,
           db: str | None) -> None:
    """Export DOC: the latest human translation of each segment, else its draft.

    A jsonl row has the keys of `tm translate --format jsonl` (its `terms` checked
    against the exported translation, and missing_terms, numbers and
    number_warnings when the exported draft has them) plus `author`.

    \b
    Example:
        tm export alasr-soleimani-putin -o article.en.txt
        tm export alasr-soleimani-putin --format jsonl
        tm export alasr-soleimani-putin --format xliff -o article.xlf
    """
    check_output(out, db=db)
    with open_store(db, create=False) as store:
        document = store.document(doc)
        segments = store.segments(document)
        terms = [] if no_glossary or fmt != "jsonl" else load_glossary_terms(store, glossaries)
    if fmt == "xliff":
        from ..formats.xliff import write_xliff

        if out is None or out == "-":
            import io

            buf = io.BytesIO()
            write_xliff(document.name, segments, buf)
            click.echo(buf.getvalue().decode("utf-8"), nl=False)
        else:
            write_xliff(document.name, segments, out)  # an unwritable path: InputError, one line
        return
    if fmt == "jsonl":
        from ..terms import TermMatcher
        from ..translate import draft_notes, term_report

        hits = TermMatcher(terms).find_many([s.source for s in segments]) if terms else [[] for _ in segments]
        rows = []
        for s, found in zip(segments, hits, strict=True):
            best = s.best
            target = best.text if best else None
            rows.append({
                "doc": document.name, "index": s.index, "paragraph": s.paragraph, "source": s.source,
                "target": target, "origin": best.origin if best else None,
                "engine": best.engine if best else None, "model": best.model if best else None,
                "match": best.match if best else None, "terms": term_report(found, target),
                "author": best.author if best else None, **(draft_notes(best.details) if best else {}),
            })
        write_output(jsonl_lines(rows), out)
        return
    parts = [document.prefix]
    for s in segments:
        best = s.best
        parts.append(best.text if best else s.source)
        parts.append(s.sep)
    write_output("".join(parts), out)
