"""``tm glossary``: edit the stored glossaries, import/export term files, check translations."""

from __future__ import annotations

import sys
from typing import Any

import click

from . import cli
from .common import (
    TMGroup,
    check_output,
    db_option,
    echo_json,
    echo_table,
    existing_or_scratch,
    json_option,
    open_store,
    plural,
    stdout_bytes,
)

DEFAULT = "political"


def _name_option(fn: Any) -> Any:
    return click.option("--name", default=DEFAULT, show_default=True, help="The glossary to work on.")(fn)


def _author_option(fn: Any) -> Any:
    return click.option("--author", default=None,
                        help="Who makes the change [default: $TM_AUTHOR or the login name].")(fn)


def _lists_options(fn: Any) -> Any:
    for opt, dest, what in reversed([
        ("--variant", "variants", "Another Arabic spelling of the term (repeatable)."),
        ("--alternative", "alternatives", "An accepted English alternative (repeatable)."),
        ("--forbidden", "forbidden", "An English rendering that must not be used (repeatable)."),
    ]):
        fn = click.option(opt, dest, multiple=True, metavar="TEXT", help=what)(fn)
    return fn


def _row(entry: Any) -> dict[str, Any]:
    row = entry.as_json()
    for key in ("variants", "forbidden", "alternatives"):
        row[key] = " | ".join(row[key])
    return row


def _echo_entry(entry: Any) -> None:
    for key, value in entry.as_json().items():
        if isinstance(value, list):
            value = " | ".join(value)
        click.echo(f"{key + ':':<13} {value if value is not None else ''}")


@click.group(cls=TMGroup, gates=["check"])
def glossary() -> None:
    """Edit the glossaries, import or export term files, and check translations against them.

    A new database starts with the shipped `political` glossary. Each entry gives the
    English an Arabic term requires, accepted alternatives and forbidden renderings.

    \b
    Example:
        tm glossary add "مجلس القضاء الأعلى" "Supreme Judicial Council" --alternative SJC
        tm glossary list
        tm glossary check article
    """


cli.add_command(glossary)


@glossary.command()
@click.argument("ar")
@click.argument("en")
@_lists_options
@click.option("--note", default=None, help="A note for translators.")
@_name_option
@click.option("--force", is_flag=True, help="Replace an entry with the same normalised Arabic term.")
@_author_option
@json_option
@db_option
def add(ar: str, en: str, variants: tuple[str, ...], alternatives: tuple[str, ...],
        forbidden: tuple[str, ...], note: str | None, name: str, force: bool, author: str | None,
        as_json: bool, db: str | None) -> None:
    """Add the Arabic term AR with its required English rendering EN.

    An entry whose Arabic has the same normalised form (tashkeel, hamza forms and
    the like ignored) is refused unless --force. So is an entry that contradicts
    itself or the glossary: an English rendering both required (or accepted) and
    forbidden, compared as the check reads English (ignoring case, except in an
    all-capitals acronym), or an Arabic term or variant that is, once normalised,
    another entry's term or variant. AR must have an Arabic letter and EN must not
    be mostly Arabic script (the two swapped), and no text may hold a control
    character that a TBX file cannot.

    \b
    Example:
        tm glossary add "مجلس القضاء الأعلى" "Supreme Judicial Council" --forbidden "Higher Judicial Council"
        tm glossary add "المرصد السوري" "Syrian Observatory for Human Rights" --alternative SOHR --name mydesk
    """
    from ..glossary import Record
    from ..glossary import add as add_entry

    term = Record(ar, en, list(variants), list(forbidden), list(alternatives), note)
    with open_store(db) as store:
        entry = add_entry(store, name, term, author=author, force=force)
    if as_json:
        echo_json(entry.as_json())
    else:
        click.echo(f"Glossary {name!r}: {entry.ar} → {entry.en}")


@glossary.command()
@click.argument("ar")
@click.option("--ar", "new_ar", default=None, help="New Arabic form of the term.")
@click.option("--en", default=None, help="New required English rendering.")
@_lists_options
@click.option("--note", default=None, help="New note.")
@click.option("--clear", "clear", multiple=True,
              type=click.Choice(["variants", "alternatives", "forbidden", "note"]),
              help="Empty this field (repeatable).")
@_name_option
@_author_option
@json_option
@db_option
def edit(ar: str, new_ar: str | None, en: str | None, variants: tuple[str, ...],
         alternatives: tuple[str, ...], forbidden: tuple[str, ...], note: str | None, clear: tuple[str, ...],
         name: str, author: str | None, as_json: bool, db: str | None) -> None:
    """Change the entry for AR.

    Only the fields given change; a list option (--variant, --alternative,
    --forbidden) replaces the whole list, and --clear empties a field. The result
    must not contradict itself or the glossary, as with `tm glossary add`: to
    accept a rendering that is forbidden, give the forbidden list without it.

    \b
    Example:
        tm glossary edit "الحرس الثوري" --en "Revolutionary Guard Corps"
        tm glossary edit "داعش" --alternative ISIS --alternative ISIL --forbidden Daesh
        tm glossary edit "داعش" --clear forbidden
    """
    from ..glossary import edit as edit_entry

    lists: dict[str, Any] = {"variants": variants, "alternatives": alternatives, "forbidden": forbidden}
    changes = {k: (list(v) if v else ([] if k in clear else None)) for k, v in lists.items()}
    with open_store(db, create=False) as store:
        entry = edit_entry(store, name, ar, new_ar=new_ar, en=en, note="" if "note" in clear else note,
                           author=author, **changes)
    if as_json:
        echo_json(entry.as_json())
    else:
        _echo_entry(entry)


@glossary.command()
@click.argument("ar")
@_name_option
@db_option
def remove(ar: str, name: str, db: str | None) -> None:
    """Remove the entry for AR (its term or one of its variants).

    \b
    Example:
        tm glossary remove "الحرس الثوري"
        tm glossary remove "تنظيم الدولة" --name political
    """
    from ..glossary import remove as remove_entry

    with open_store(db, create=False) as store:
        entry = remove_entry(store, name, ar)
    click.echo(f"Removed {entry.ar} → {entry.en} from glossary {name!r}.")


@glossary.command(name="list")
@click.option("--name", default=None, help="Only this glossary [default: every glossary].")
@json_option
@db_option
def list_(name: str | None, as_json: bool, db: str | None) -> None:
    """List glossary entries.

    \b
    Example:
        tm glossary list
        tm glossary list --name political --json | jq '.[].en'
    """
    from ..glossary import list_entries

    with open_store(db, create=False) as store:
        entries = list_entries(store, name)
    if as_json:
        echo_json([e.as_json() for e in entries])
        return
    columns = ["ar", "en", "alternatives", "forbidden", "variants", "note"]
    if name is None:
        columns.insert(0, "glossary")
    echo_table([_row(e) for e in entries], columns)


@glossary.command()
@click.argument("ar")
@_name_option
@json_option
@db_option
def show(ar: str, name: str, as_json: bool, db: str | None) -> None:
    """Show the entry for AR.

    AR may be the term, one of its variants, or any spelling with the same
    normalised form.

    \b
    Example:
        tm glossary show "الحرس الثوري"
        tm glossary show "داعش" --json
    """
    from ..glossary import show as show_entry

    with open_store(db, create=False) as store:
        entry = show_entry(store, name, ar)
    if as_json:
        echo_json(entry.as_json())
    else:
        _echo_entry(entry)


@glossary.command(name="import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@_name_option
@click.option("--replace", is_flag=True, help="Remove the glossary's entries that are not in FILE.")
@_author_option
@json_option
@db_option
def import_(file: str, name: str, replace: bool, author: str | None, as_json: bool, db: str | None) -> None:
    """Import a CSV, TSV or TBX term file into a glossary.

    A CSV or TSV starts with the header ar,en[,variants,forbidden,note,alternatives]
    (lists separated by |), in UTF-8 or UTF-16 with a byte-order mark. Entries
    already in the glossary are updated from the file; a column the file does not
    have leaves that field as it is (a column present but empty clears it). The
    import is all or nothing: any error (a missing column, an empty term, an
    unterminated quote, a file that is not UTF-8, malformed TBX, a term twice, a
    rendering both accepted and forbidden, an Arabic spelling that is another
    entry's, columns that look swapped, a control character) names the line and
    leaves the glossary unchanged. --replace refuses a file with no entries.

    \b
    Example:
        tm glossary import desk-terms.csv
        tm glossary import unterm.tbx --name un --replace
    """
    from ..glossary import import_file

    with open_store(db) as store:
        result = import_file(store, file, name, author=author, replace=replace)
    if as_json:
        echo_json(result.as_json())
    else:
        click.echo(f"Glossary {name!r}: {result.added} added, {result.updated} updated, "
                   f"{result.unchanged} unchanged, {result.removed} removed.")


@glossary.command(name="export")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@_name_option
@click.option("--format", "fmt", type=click.Choice(["csv", "tsv", "tbx"]), default=None,
              help="File format [default: from FILE's extension; csv for stdout].")
@db_option
def export_(file: str, name: str, fmt: str | None, db: str | None) -> None:
    """Write a glossary to FILE (- for stdout) as CSV, TSV or TBX.

    Without --format, FILE must end in .csv, .tsv, .tab, .tbx or .xml. A CSV
    file starts with a UTF-8 byte-order mark, so that spreadsheets read it right.

    \b
    Example:
        tm glossary export political.csv
        tm glossary export political.tbx --name political
        tm glossary export - --format tsv
    """
    from ..glossary import dumps, export_file, list_entries

    check_output(file, db=db)
    with open_store(db, create=False) as store:
        if file == "-":
            stream = stdout_bytes()
            stream.write(dumps(list_entries(store, name), fmt or "csv"))
            stream.flush()
            return
        count = export_file(store, name, file, fmt)
    click.echo(f"Wrote {plural(count, 'entry', 'entries')} of glossary {name!r} to {file}.", err=True)


@glossary.command()
@click.argument("target", metavar="FILE|DOC")
@click.option("--glossary", "specs", multiple=True, metavar="NAME|FILE",
              help="Glossary name or term file (repeatable) [default: political].")
@click.option("--allow-untranslated", is_flag=True,
              help="Check a partial translation: untranslated segments do not fail the check.")
@json_option
@db_option
def check(target: str, specs: tuple[str, ...], allow_untranslated: bool, as_json: bool, db: str | None) -> None:
    """Check the terms of a translation against the glossary: the publication gate.

    FILE|DOC is a JSONL file from `tm translate --format jsonl`, a TSV with two
    tab-separated columns (Arabic, English; nothing after the tab for an
    untranslated segment), or a stored document (its latest corrections, else its
    drafts). Exits 1 when a term's required rendering (or an accepted alternative)
    is missing, a forbidden rendering is used, or a term is inconsistent: rendered
    as required in some segments and not in others, or rendered two or more ways
    (accepted alternatives mixed, as "Revolutionary Guards" and "Islamic Revolutionary
    Guard Corps" in one document; an acronym or a short form of the full name is no
    second rendering). It also exits 1, without "OK",
    when a segment is untranslated, since its terms went unchecked; with
    --allow-untranslated those segments are listed but pass, unless every segment
    is untranslated and nothing was checked. Exits 2 when the check cannot be made
    (a file that is not pairs, an unknown document or glossary).

    \b
    Example:
        tm glossary check article
        tm glossary check draft.jsonl --allow-untranslated
        tm glossary check pairs.tsv --glossary political --glossary desk.csv --json
    """
    from pathlib import Path

    from ..errors import InputError
    from ..glossary import load_terms
    from ..termcheck import check as run_check
    from ..termcheck import pairs_for

    if not target.strip():
        raise InputError("The document (or file) named is empty; give a name from `tm docs` or a JSONL/TSV file.")
    files = Path(target).exists()  # a file is checked with the glossaries of db, if it exists
    with open_store(existing_or_scratch(db) if files else db, create=False) as store:
        terms = load_terms(store, list(specs) or [DEFAULT])
        report = run_check(pairs_for(store, target), terms, allow_untranslated=allow_untranslated)
    if as_json:
        echo_json(report.as_json())
    else:
        _echo_report(report)
    if not report.ok:
        sys.exit(1)


def _echo_report(report: Any) -> None:
    for c in report.problems:
        wanted = " or ".join(f'"{x}"' for x in [c.en, *c.alternatives])
        if not c.found:
            click.echo(f"Segment {c.segment}: {c.source_text} → {wanted} missing.")
        for bad in c.forbidden:
            click.echo(f'Segment {c.segment}: {c.source_text} → forbidden "{bad}" (use {wanted}).')
    for i in report.inconsistencies:
        click.echo(f"Inconsistent: {i.message}")
    if report.nothing_checked:
        click.echo("Nothing was checked: no segment is translated.")
    elif report.untranslated:
        verdict = "allowed" if report.allow_untranslated else "not checked (--allow-untranslated to pass them)"
        click.echo(f"Untranslated: segment{'s' if report.untranslated > 1 else ''} "
                   f"{_ranges(report.untranslated_segments)}; {verdict}.")
    summary = (f"{plural(report.segments, 'segment')} ({report.untranslated} untranslated), "
               f"{plural(len(report.checks), 'term occurrence')} checked: {len(report.missing)} missing, "
               f"{len(report.forbidden)} forbidden, {len(report.inconsistencies)} inconsistent.")
    click.echo(("OK: " if report.ok else "") + summary)


def _ranges(numbers: list[int]) -> str:
    """1, 2, 3, 5 → "1-3, 5"."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)
