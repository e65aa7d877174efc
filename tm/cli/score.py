"""``tm score`` (sacrebleu scores of files or of the stored drafts) and ``tm qa`` (checks)."""

from __future__ import annotations

from typing import Any

import click

from . import cli
from .common import (
    check_output,
    db_option,
    echo_json,
    echo_table,
    existing_or_scratch,
    json_option,
    open_store,
    plural,
)

TERMS_LIMIT = 10_000  # drafts above which term accuracy needs an explicit --glossary
QA_LIMIT = 5_000  # segments above which the HTML report's QA needs --doc


def _glossary_options(fn: Any) -> Any:
    fn = click.option("--no-glossary", is_flag=True, help="Check no glossary terms.")(fn)
    return click.option("--glossary", "glossaries", multiple=True, metavar="NAME|FILE",
                        help="Glossary to check terms against (repeatable) [default: political].")(fn)


def _specs(glossaries: tuple[str, ...], no_glossary: bool) -> list[str] | None:
    if no_glossary:
        return []
    return list(glossaries) if glossaries else None


@cli.command()
@click.option("--hyp", metavar="FILE", help="File mode: the MT output, one segment per line.")
@click.option("--ref", "refs", multiple=True, metavar="FILE",
              help="File mode: a reference file (repeatable).")
@click.option("--doc", default=None, help="Score only this document [default: all].")
@click.option("--by", type=click.Choice(["doc", "engine", "model", "month"]), default=None,
              help="Also score each document, engine, model or month (of the draft).")
@click.option("--origin", "origins", multiple=True, type=click.Choice(["mt", "tm-fuzzy", "tm-exact"]),
              help="Which drafts to score (repeatable) [default: mt]; memory drafts count as an engine.")
@click.option("--compare", nargs=2, metavar="A B", default=None,
              help="Paired significance test of engine (or, with --by model, model) A against B.")
@click.option("--test", "test", type=click.Choice(["bs", "ar", "both"]), default="bs", show_default=True,
              help="Paired bootstrap resampling, approximate randomisation, or both.")
@click.option("--trials", type=click.IntRange(0), default=0,
              help="Resamples or trials of the paired test [default: sacrebleu's, 1000 bs / 10000 ar].")
@click.option("--worst", type=click.IntRange(0), default=10, show_default=True,
              help="How many of the most edited segments to list.")
@_glossary_options
@click.option("--html", "html_out", type=click.Path(dir_okay=False), default=None,
              help="Also write a self-contained HTML report (plots, worst segments, QA) here.")
@click.option("--rebuild", is_flag=True,
              help="First recompute the stored statistics of every corrected segment.")
@json_option
@db_option
def score(hyp: str | None, refs: tuple[str, ...], doc: str | None, by: str | None, origins: tuple[str, ...],
          compare: tuple[str, str] | None, test: str, trials: int, worst: int, glossaries: tuple[str, ...],
          no_glossary: bool, html_out: str | None, rebuild: bool, as_json: bool, db: str | None) -> None:
    """Score MT drafts against the desk's corrections (BLEU, chrF, TER = HTER), or files.

    With --hyp and --ref: sacrebleu's corpus BLEU, chrF, chrF++ and TER of the files, with
    their signatures. Otherwise every stored draft that has a later human correction is
    scored against the segment's latest correction, from statistics kept when the
    correction was stored (identical to recomputing with sacrebleu). Glossary term accuracy
    is computed by default up to 10,000 drafts; name a --glossary to compute it beyond.

    \b
    Example:
        tm score --hyp mt.en.txt --ref human.en.txt
        tm score --by engine
        tm score --doc article --by month --html report.html
        tm score --compare transformers ctranslate2 --test both --json
    """
    if hyp or refs:
        if doc or by or compare or html_out or rebuild or origins:
            from ..errors import InputError

            raise InputError("--doc, --by, --origin, --compare, --html and --rebuild score stored drafts; "
                             "leave them out with --hyp/--ref.")
        _file_mode(hyp, refs, as_json)
        return
    from ..qa import load_qa_terms
    from ..score import rebuild_draft_stats, score_store

    tests = ("bs", "ar") if test == "both" else (test,)
    check_output(html_out, db=db)
    with open_store(db, create=False) as store:
        if rebuild:
            count = rebuild_draft_stats(store)
            if not as_json:
                click.echo(f"Recomputed the statistics of {count} drafts.", err=True)
        specs = _specs(glossaries, no_glossary)
        terms, note = load_qa_terms(store, specs)
        result = score_store(store, doc=doc, by=by, origins=origins or ("mt",), worst=worst, terms=terms,
                             terms_limit=None if specs else TERMS_LIMIT, compare=compare, tests=tests,
                             trials=trials)
        result.terms_note = result.terms_note or note
        if html_out:
            _html(store, result, doc, terms, html_out)
    if as_json:
        echo_json(result.as_json())
    else:
        _print_store(result)
        if html_out:
            click.echo(f"\nReport written to {html_out}.")


def _file_mode(hyp: str | None, refs: tuple[str, ...], as_json: bool) -> None:
    from ..errors import InputError
    from ..score import score_files

    if not hyp or not refs:
        raise InputError("File mode needs both --hyp FILE and at least one --ref FILE.")
    result = score_files(hyp, refs)
    if as_json:
        echo_json(result.as_json())
    else:
        for line in result.lines.values():
            click.echo(line)


def _html(store: Any, result: Any, doc: str | None, terms: list[Any], out: str) -> None:
    from ..qa import check_store
    from ..report import write_html

    docs = [d for d in store.documents() if not doc or d["name"] == result.doc]
    if sum(d["segments"] for d in docs) > QA_LIMIT:
        note = (f"QA was not run over {plural(len(docs), 'document')} (more than {QA_LIMIT:,} segments); "
                "pass --doc for one document's QA in the report, or run `tm qa DOC`.")
        write_html(out, result, None, qa_note=note)
        return
    write_html(out, result, check_store(store, [d["name"] for d in docs], terms))


def _print_store(result: Any) -> None:
    total = result.total
    scope = f"document {result.doc}" if result.doc else "all documents"
    if total is None:
        click.echo(f"No draft ({', '.join(result.origins)}) of {scope} has a later human correction yet; "
                   "nothing to score.")
        return
    click.echo(f"{plural(total.drafts, 'draft')} ({', '.join(result.origins)}) in "
               f"{plural(total.segments, 'segment')} of {scope}, scored against the latest human correction.\n")
    _print_groups([total], "")
    if result.terms_note:
        click.echo(result.terms_note)
    if result.groups:
        click.echo(f"\nBy {result.by}")
        _print_groups(result.groups, result.by)
    for c in result.comparisons:
        name = "Paired bootstrap resampling" if c.test == "bs" else "Approximate randomisation"
        sample = f", a seeded sample of {c.segments:,}" if c.sampled else ""
        click.echo(f"\n{name}: {c.a} vs {c.b} ({c.trials} trials, seed {c.seed}, "
                   f"{plural(c.shared, 'shared segment')}{sample})")
        rows = [{"metric": {"bleu": "BLEU", "chrf": "chrF", "ter": "TER"}[m.metric], "a": m.a, "b": m.b,
                 "diff": f"{m.b - m.a:+.1f}", "p": f"{m.p_value:.4f}{' *' if m.p_value < 0.05 else ''}"}
                for m in c.metrics]
        echo_table(rows, ["metric", "a", "b", "diff", "p"], headers=["metric", c.a, c.b, "b - a", "p-value"])
    if result.comparisons:
        click.echo("* p < 0.05")
    if result.worst:
        click.echo("\nMost edited segments (highest HTER)")
        rows = [{"doc": w.doc, "n": w.index, "engine": w.engine, "hter": w.ter, "bleu": w.bleu,
                 "draft": _clip(w.draft), "correction": _clip(w.correction)} for w in result.worst]
        echo_table(rows, ["doc", "n", "engine", "hter", "bleu", "draft", "correction"],
                   headers=["doc", "#", "engine", "HTER", "BLEU", "draft", "correction"])
    from ..score import hter_summary

    summary = hter_summary(result.hter)
    bands = ", ".join(f"{k}: {v}" for k, v in summary["bands"].items())
    click.echo(f"\nHTER per draft: mean {summary['mean']:.1f}, median {summary['median']:.1f}; "
               f"drafts by band {bands}.")
    click.echo("sacrebleu signatures:")
    for name, signature in result.signatures.items():
        click.echo(f"  {name:7} {signature}")


def _print_groups(groups: list[Any], by: str) -> None:
    rows = []
    for g in groups:
        terms = g.terms
        rows.append({
            "key": g.key, "drafts": g.drafts, "segments": g.segments, "bleu": g.scores.bleu,
            "chrf": g.scores.chrf, "chrfpp": g.scores.chrf_pp, "ter": g.scores.ter,
            "unchanged": f"{100 * g.unchanged_share:.1f} %",
            "terms": f"{100 * terms.share:.1f} % of {terms.checked}" if terms and terms.checked else "",
        })
    columns = ["key", "drafts", "segments", "bleu", "chrf", "chrfpp", "ter", "unchanged", "terms"]
    headers = [by or "", "drafts", "segments", "BLEU", "chrF", "chrF++", "HTER", "unchanged", "terms"]
    if not by:
        columns, headers = columns[1:], headers[1:]
    echo_table(rows, columns, headers=headers)


def _clip(text: str, width: int = 48) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


@cli.command()
@click.argument("doc", required=False)
@click.option("--src", metavar="FILE", help="File mode: the Arabic source, one segment per line.")
@click.option("--hyp", metavar="FILE", help="File mode: the English translation, line-aligned with --src.")
@_glossary_options
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when problems are found.")
@json_option
@db_option
def qa(doc: str | None, src: str | None, hyp: str | None, glossaries: tuple[str, ...], no_glossary: bool,
       exit_zero: bool, as_json: bool, db: str | None) -> None:
    """Check translations: numbers, Arabic left in the English, empty or untranslated
    segments, unbalanced brackets and quotes, glossary terms.

    DOC is a stored document (each segment's latest correction, else its draft) or a
    JSONL/TSV file of Arabic/English pairs (a TSV has two tab-separated columns on
    every line; an empty file or a line without a tab is refused); --src and --hyp
    give line-aligned files instead. An untranslated segment is a problem ("empty").
    Exits 1 when a problem is found (unless --exit-zero), 2 when the check cannot be made
    (a missing or malformed file, an unknown document).

    \b
    Example:
        tm qa article
        tm qa --src article.ar.txt --hyp article.en.txt --json
        tm qa article --glossary political --glossary names.tsv
    """
    from ..errors import InputError
    from ..qa import check_document, check_files, load_qa_terms

    if (src is None) != (hyp is None):
        raise InputError("File mode needs both --src FILE and --hyp FILE.")
    if doc is None and src is None:
        raise InputError("Nothing to check: give a document (or a JSONL/TSV pairs file), "
                         "or --src FILE and --hyp FILE.")
    if doc is not None and src is not None:
        raise InputError(f"Give either the document {doc!r} or --src and --hyp files, not both.")
    if doc is not None and not doc.strip():
        raise InputError("The document (or file) named is empty; give a name from `tm docs` or a JSONL/TSV file.")
    from pathlib import Path

    files = doc is None or Path(doc).exists()  # files are checked with the glossaries of db, if it exists
    with open_store(existing_or_scratch(db) if files else db, create=False) as store:
        terms, note = load_qa_terms(store, _specs(glossaries, no_glossary))
        if doc is not None:
            report = check_document(store, doc, terms)
        else:
            report = check_files(src or "", hyp or "", terms)
    report.terms_note = note
    if as_json:
        echo_json(report.as_json())
    else:
        if report.findings:
            rows = [{"n": f.segment, "check": f.check, "message": f.message} for f in report.findings]
            echo_table(rows, ["n", "check", "message"], headers=["#", "check", "finding"])
            click.echo("")
        found = len(report.findings)
        terms_part = f", {plural(report.terms_checked, 'glossary term')}" if report.terms_checked else ""
        click.echo(f"{plural(found, 'problem')} in {plural(report.segments, 'segment')}{terms_part}.")
        if note:
            click.echo(note)
    if report.findings and not exit_zero:
        raise SystemExit(1)
