"""``tm memory``: import and export translation memories, search them, count their units."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from . import cli
from .common import (
    Percent,
    TMGroup,
    check_output,
    db_option,
    echo_json,
    echo_table,
    json_option,
    open_store,
    plural,
    progress,
    stdin_bytes,
    stdout_bytes,
)


@click.group(cls=TMGroup)
def memory() -> None:
    """Import, export and search the translation memory.

    The memory holds every human translation stored with `tm correct` plus the units
    imported here; `tm translate` reuses its exact and fuzzy matches.

    \b
    Example:
        tm memory import un-2015.tmx
        tm memory search "الأمين العام للأمم المتحدة" -n 3
        tm memory stats
    """


cli.add_command(memory)


@memory.command(name="import")
@click.argument("file", required=False, type=click.Path(dir_okay=False))
@click.option("--ar", "ar_path", type=click.Path(dir_okay=False), help="Arabic side of line-aligned files.")
@click.option("--en", "en_path", type=click.Path(dir_okay=False), help="English side of line-aligned files.")
@click.option("--author", default=None,
              help="Author of units whose file names none (TMX creationid) [default: $TM_AUTHOR or the login name].")
@json_option
@db_option
def import_(file: str | None, ar_path: str | None, en_path: str | None, author: str | None, as_json: bool,
            db: str | None) -> None:
    """Add the units of FILE (TMX, or TSV/CSV with Arabic then English) to the memory.

    Or give two line-aligned files with --ar and --en. Pairs already in the memory are
    skipped and counted, and so are TMX units without both Arabic and English text; a
    malformed file leaves the memory unchanged. A TMX unit keeps its author and date
    (creationid, creationdate) and, from a tm export, its origin (human or import).

    \b
    Example:
        tm memory import desk-2024.tmx
        tm memory import glossary-sentences.tsv --author alice
        tm memory import --ar UNv1.0.testset.ar --en UNv1.0.testset.en
    """
    from ..errors import InputError
    from ..memory import import_units, read_units
    from ..store import current_user

    if (file is None) == (ar_path is None) or (ar_path is None) != (en_path is None):
        raise InputError("Give either FILE or both --ar and --en.")
    path = file or ar_path
    assert path is not None
    units = read_units(path, en_path=en_path)
    with open_store(db) as store, progress("importing", " units", delay=1.0) as update:
        result = import_units(store, units, file=path, author=author or current_user(), progress=update)
    incomplete = result.skipped_incomplete
    if as_json:
        echo_json({"file": path, "added": result.added, "duplicates": result.duplicates,
                   "skipped_incomplete": incomplete, "sentence_units": result.sentence_units})  # fmt: skip
        return
    message = (f"Imported {plural(result.added, 'unit')} from {path} ({plural(result.duplicates, 'duplicate')} "
               "skipped).")
    if result.sentence_units:
        message += f" Paragraph units gave {plural(result.sentence_units, 'sentence pair')} as units of their own."
    if incomplete:
        message += f" Skipped {plural(incomplete, 'unit')} without both Arabic and English text."
    click.echo(message)


@memory.command()
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--format", "fmt", type=click.Choice(["tmx", "tsv", "csv"]), default=None,
              help="File format [default: by FILE's extension: .tmx TMX, .csv CSV, .tsv/.tab/.txt TSV; "
                   "- (stdout) TMX].")
@json_option
@db_option
def export(file: str, fmt: str | None, as_json: bool, db: str | None) -> None:
    """Write the whole memory to FILE (- for stdout) as TMX 1.4, TSV or CSV.

    TMX keeps each unit's note and props; its author and date become the TMX
    creationid and creationdate, and a human translation is marked as such.
    TSV and CSV hold two columns, ar and en, under a header row. Importing the
    file again gives the same pairs. A unit the format cannot hold (a control
    character XML cannot represent; in TSV, a line break) is left out and
    counted; --json lists them under "skipped_units".

    \b
    Example:
        tm memory export memory.tmx
        tm memory export memory.csv --json
        tm memory export - --format tsv | head
    """
    from ..memory_export import export_memory

    check_output(file, db=db)
    with open_store(db, create=False) as store:
        if file == "-":
            stream = stdout_bytes()
            sys.stdout.flush()
            result = export_memory(store, stream, fmt=fmt)
            stream.flush()
        else:
            result = export_memory(store, file, fmt=fmt)
    if as_json:
        click.echo(json.dumps(result.as_json(), ensure_ascii=False, indent=2), err=file == "-")
        return
    message = f"Exported {plural(result.exported, 'unit')} to {'stdout' if file == '-' else file}."
    if result.skipped:
        n = len(result.skipped)
        message += (f" Left out {plural(n, 'unit')} that {result.format.upper()} cannot hold "
                    f"(`--json` lists {'it' if n == 1 else 'them'}): {result.skipped[0].reason}"
                    + (" and others." if n > 1 else "."))  # fmt: skip
    click.echo(message, err=file == "-")


def _row(match: Any) -> dict[str, Any]:
    return {"score": match.score, "source": match.source, "target": match.target, "origin": match.origin}


def _read_queries(path: str) -> list[str]:
    """Every line of the query file *path* (- for stdin), blank ones included, decoded as `tm translate` does."""
    from ..errors import InputError
    from ..formats._xml import open_input
    from ..workflow import read_source

    if path == "-":
        data, label = stdin_bytes(), "stdin"
    else:
        with open_input(path) as fh:
            data, label = fh.read(), path
    try:
        blank = not data.decode("utf-8").lstrip("\ufeff").strip()
    except UnicodeDecodeError:
        blank = False  # read_source says what is wrong with it
    if blank:
        raise InputError(f"{label} is empty; give one Arabic query per line.")
    lines = read_source(data, name=label, path=None if path == "-" else path).text.split("\n")
    if lines[-1] == "":
        lines.pop()  # the end of the last line, not a line of its own
    return [line.removesuffix("\r") for line in lines]


@memory.command()
@click.argument("text", required=False)
@click.option("--file", "queries", type=click.Path(dir_okay=False, allow_dash=True),
              help="Search each line of this UTF-8 file (- for stdin).")
@click.option("-n", "limit", type=click.IntRange(1), default=5, show_default=True, help="Matches per query.")
@click.option("--min", "min_score", type=Percent(), default=50.0, show_default=True,
              help="Lowest match percentage shown.")
@json_option
@db_option
def search(text: str | None, queries: str | None, limit: int, min_score: float, as_json: bool,
           db: str | None) -> None:
    """Show the memory units closest to the Arabic TEXT, best first.

    Scores are percentages: 100 identical, 99 the same up to tashkeel, hamza forms and
    digit script, else the word-level similarity (at most 98). With --file, each line
    is a query; --json then prints one object per line of the file: {"query",
    "matches"}, where a blank line has no matches.

    \b
    Example:
        tm memory search "مجلس الأمن الدولي" -n 3 --min 60
        tm memory search --file sentences.ar.txt --json > matches.jsonl
    """
    from ..errors import InputError
    from ..memory import Memory

    if (text is None) == (queries is None):
        raise InputError("Give either TEXT or --file.")
    if queries is not None:
        lines = _read_queries(queries)
    elif text and text.strip():
        lines = [text]
    else:
        raise InputError("The query is empty; give the Arabic text to search for.")
    with open_store(db, create=False) as store:
        mem = Memory(store)
        results = [(q, mem.search(q, limit=limit, min_score=min_score)) for q in lines]
    if as_json:
        out = [{"query": q, "matches": [_row(m) for m in found]} for q, found in results]
        if text is not None:
            echo_json(out[0])
        else:
            echo_json(out, lines=True)
        return
    for n, (q, found) in enumerate(results, start=1):
        if queries is not None:
            click.echo(f"\n{q}" if q.strip() else f"\n(line {n} is blank: nothing to search)")
        if found:
            echo_table([_row(m) for m in found], ["score", "origin", "source", "target"])
        elif q.strip():
            click.echo(f"No unit shares a word with the query and scores {min_score:g} or more.")


@memory.command()
@json_option
@db_option
def stats(as_json: bool, db: str | None) -> None:
    """Count the units in the memory, by origin (human, import).

    \b
    Example:
        tm memory stats
        tm memory stats --json
    """
    from ..memory import stats as memory_stats

    with open_store(db, create=False) as store:
        result = memory_stats(store)
    if as_json:
        echo_json(result.as_json())
        return
    rows = [{"origin": origin, "units": count} for origin, count in result.by_origin.items()]
    echo_table(rows + [{"origin": "total", "units": result.units}], ["origin", "units"])
    click.echo(f"Imported from {plural(result.files, 'file')}.")
