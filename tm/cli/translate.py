"""``tm translate`` and ``tm redraft``: drafting documents with the memory and an MT engine."""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

import click

from . import cli
from .common import (
    F,
    Percent,
    check_output,
    db_option,
    jsonl_lines,
    load_glossary_terms,
    open_store,
    plural,
    progress,
    stdin_bytes,
    write_output,
)


def _output_options(fn: F) -> F:
    """``-o/--output`` and ``--format text|jsonl`` (``out``, ``fmt``)."""
    fn = click.option("--format", "fmt", type=click.Choice(["text", "jsonl"]), default="text", show_default=True,
                      help="text: the English in the input's layout; jsonl: one object per segment.")(fn)
    return click.option("-o", "--output", "out", type=click.Path(dir_okay=False, allow_dash=True),
                        help="Write the English here instead of stdout.")(fn)


def _mt_options(fn: F | None = None, *, none: bool = True) -> Any:
    """The engine, model, batching and glossary options of translate and redraft (*none*: --engine none
    is offered, as translate does)."""
    if fn is None:
        return lambda f: _mt_options(f, none=none)
    skip = ", or none to skip MT" if none else ""
    for option in reversed([
        click.option("--engine", default=None, help=f"MT engine: transformers, ctranslate2{skip} "
                     "[default: the fastest installed]."),
        click.option("--model", default=None, help="Hub id or local directory [default: Helsinki-NLP/opus-mt-ar-en]."),
        click.option("--batch-size", type=click.IntRange(1), default=16, show_default=True,
                     help="Segments per MT batch (batches are sorted by length)."),
        click.option("--beam", type=click.IntRange(1), default=1, show_default=True, help="Beam size (1 = greedy)."),
        click.option("--device", default=None, help="cpu or cuda [default: cuda when present]."),
        click.option("--glossary", "glossaries", multiple=True, metavar="NAME|FILE",
                     help="Glossary to apply (repeatable) [default: political]."),
        click.option("--no-glossary", is_flag=True, help="Apply no glossary."),
        click.option("--no-enforce", is_flag=True, help="Report glossary terms but do not force them into MT output."),
    ]):
        fn = option(fn)
    return fn


def _emit(result: Any, fmt: str, out: str | None, what: str) -> None:
    """Write a translate/redraft result as text or jsonl and say on stderr what was stored."""
    if fmt == "jsonl":
        write_output(jsonl_lines([s.as_json(result.document.name) for s in result.segments]), out)
    else:
        write_output(result.english, out)
    _summary(result, what)


def _summary(result: Any, what: str) -> None:
    counts = ", ".join(f"{v:,} {k}" for k, v in sorted(result.counts().items()))
    click.echo(f"{what} {result.document.name!r}: {plural(len(result.segments), 'segment')} ({counts}).", err=True)



def _translate_engine(name: str, model: str | None, **options: Any) -> Any:
    """The MT engine for `tm translate`, whose errors also point to --engine none."""
    from ..engines import available_engines, get_engine
    from ..errors import ModelUnavailableError

    if name not in available_engines():
        raise click.ClickException(f"Unknown MT engine {name!r}; choose one of: "
                                   f"{', '.join(available_engines())} or none (no MT).")
    try:
        return get_engine(name, model, **options)
    except ModelUnavailableError as exc:
        raise ModelUnavailableError(f"{str(exc).rstrip('.')}; or use --engine none (memory and glossary "
                                    "only).") from None

@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(allow_dash=True), metavar="FILE...")
@_output_options
@click.option("--output-dir", type=click.Path(file_okay=False), default=None, metavar="DIR",
              help="Write each document's English to DIR/NAME.en.txt (NAME.jsonl with --format jsonl), NAME being "
                   "the stored document's name; made if missing. Needed for text output of several files.")
@_mt_options
@click.option("--no-memory", is_flag=True, help="Do not reuse the translation memory.")
@click.option("--fuzzy-threshold", type=Percent(), default=75.0, show_default=True,
              help="Lowest fuzzy match (percent) reused as a draft; exact matches (the same text up to "
              "tashkeel, hamza forms and digits) are reused whatever it is, so 99 or 100 turns fuzzy reuse off.")
@click.option("--name", default=None, help="Document name (one FILE only); an error if taken or a number "
              "[default: the file name without .txt and .ar, with -2, -3… added if taken, doc- before a number].")
@click.option("--author", default=None, help="Who ran it [default: $TM_AUTHOR or the login name].")
@db_option
def translate(files: tuple[str, ...], out: str | None, fmt: str, output_dir: str | None, engine: str | None,
              model: str | None, batch_size: int, beam: int, device: str | None, glossaries: tuple[str, ...],
              no_glossary: bool, no_enforce: bool, no_memory: bool, fuzzy_threshold: float, name: str | None,
              author: str | None, db: str | None) -> None:
    """Translate Arabic articles (FILE..., or - for stdin) into English drafts.

    Each segment is taken from the translation memory when a human translation of it
    (or of a close enough segment) exists, else drafted by the MT model with the
    glossary's terms enforced. The document, its segments and every draft are stored,
    so corrections can be added later with `tm correct` or `tm import-xliff`.

    Several files are read and checked first, drafted together (the model is loaded
    once and batches span the files) and stored in one transaction: all or none.
    Their English goes to --output-dir, or with --format jsonl to one stream whose
    rows name their document.

    \b
    Example:
        tm translate article.ar.txt -o article.en.txt
        tm translate article.ar.txt --format jsonl --model ./opus-mt-ar-en
        tm translate inbox/*.ar.txt --output-dir drafts/
        cat article.ar.txt | tm translate - --engine none --format jsonl
    """
    from ..engines import default_engine_name
    from ..translate import translate_documents
    from ..workflow import read_source, read_source_file

    _check_files(files, out=out, fmt=fmt, output_dir=output_dir, name=name)
    check_output(out, db=db, inputs=files)
    if name is not None and not name.strip():
        raise click.ClickException("The document name given with --name is empty; give a name, or leave --name out.")
    if name is not None:
        from ..documents import check_name

        name = check_name(name)
    if files == ("-",):
        sources = [read_source(stdin_bytes(), name=name or "stdin")]
    else:
        sources = [read_source_file(file) for file in files]
    if name:
        sources = [type(sources[0])(sources[0].text, name, sources[0].path, sources[0].sha256)]
    paths: list[str] = []

    def plan_outputs(results: list[Any]) -> None:  # inside the transaction: raising stores nothing
        if output_dir is not None:
            paths[:] = _output_paths(results, fmt, output_dir)

    with open_store(db) as store:
        terms = [] if no_glossary else load_glossary_terms(store, glossaries)
        engine_name = engine or default_engine_name()
        mt = None
        if engine_name != "none":
            mt = _translate_engine(engine_name, model, batch_size=batch_size, beam=beam, device=device)
        if output_dir is not None:
            _make_dir(output_dir)
        from ..segment import split

        # each segment the memory or the engine fills moves the bar: all of them when there is an engine
        with progress("translating", "seg", total=lambda: sum(len(split(s.text)[1]) for s in sources),
                      shown=mt is not None, least=20) as update:  # fmt: skip
            results = translate_documents(
                store, sources, engine=mt, terms=terms, use_memory=not no_memory,
                fuzzy_threshold=fuzzy_threshold, enforce_terms=not no_enforce, author=author,
                progress=update, exact_name=bool(name), check=plan_outputs,
            )
    if output_dir is None:
        if fmt == "jsonl":
            write_output(jsonl_lines([s.as_json(r.document.name) for r in results for s in r.segments]), out)
        else:
            write_output(results[0].english, out)
    else:
        _write_each(results, fmt, paths)
    for result, file in zip(results, files, strict=True):
        _summary(result, f"Stored {file} as document" if len(files) > 1 else "Stored as document")
    if len(results) > 1:
        counts = sum((Counter(r.counts()) for r in results), Counter[str]())
        total = sum(len(r.segments) for r in results)
        shown = ", ".join(f"{v:,} {k}" for k, v in sorted(counts.items()))
        click.echo(f"Stored {plural(len(results), 'document')}: {plural(total, 'segment')} ({shown}).", err=True)


def _check_files(files: tuple[str, ...], *, out: str | None, fmt: str, output_dir: str | None,
                 name: str | None) -> None:
    """Refuse, before anything is read, the combinations of several FILEs and outputs that cannot work."""
    if "-" in files and len(files) > 1:
        raise click.ClickException("Standard input (-) can only be translated alone; give it as the only FILE.")
    seen: dict[str, str] = {}
    for file in files:
        real = os.path.realpath(file)
        if real in seen:
            raise click.ClickException(f"{file} is given twice ({seen[real]}); give each file once.")
        seen[real] = file
    if out is not None and output_dir is not None:
        raise click.ClickException("Give -o/--output or --output-dir, not both.")
    if output_dir is not None and not output_dir.strip():
        raise click.ClickException("--output-dir is empty; give a directory.")
    if len(files) > 1 and name is not None:
        raise click.ClickException("--name names one document; with several files each is named after its file "
                                   "(rename them later with `tm rename`).")
    if len(files) > 1 and fmt == "text" and output_dir is None:
        raise click.ClickException(f"{len(files)} files give {len(files)} English texts: write them with "
                                   "--output-dir DIR, or give --format jsonl for one stream.")


def _make_dir(path: str) -> None:
    try:
        os.makedirs(path, exist_ok=True)
    except OSError as exc:
        raise click.ClickException(f"Cannot make the output directory {path}: {exc.strerror or exc}.") from None
    if not os.access(path, os.W_OK):
        raise click.ClickException(f"Cannot write in the output directory {path}: permission denied.")


def _output_paths(results: list[Any], fmt: str, output_dir: str) -> list[str]:
    """Where each document's English goes: DIR/NAME.en.txt (or .jsonl).  A path that exists already (a
    reference translation beside its Arabic, an input, the database) or cannot be a file name is refused."""
    suffix = ".jsonl" if fmt == "jsonl" else ".en.txt"
    try:
        longest = os.pathconf(output_dir, "PC_NAME_MAX")
    except (OSError, ValueError):
        longest = 255
    paths: list[str] = []
    taken: set[str] = set()
    for result in results:
        base = result.document.name.replace(os.sep, "_").replace(os.altsep or os.sep, "_") + suffix
        path = os.path.join(output_dir, base)
        if len(os.fsencode(base)) > longest:
            raise click.ClickException(f"The English of document {result.document.name!r} cannot be written to "
                                       f"{output_dir}: its name is too long for a file name; nothing was stored: "
                                       "shorten the input's file name.")
        if os.path.lexists(path):
            raise click.ClickException(f"{path} exists already and would be replaced; nothing was stored: give "
                                       "another --output-dir, or move the file away.")
        if path.casefold() in taken:  # Report and report: one file on a case-insensitive disk (macOS, Windows)
            raise click.ClickException(f"{path} differs from another output only in letter case, which many disks "
                                       "do not tell apart; nothing was stored: rename one of the inputs.")
        taken.add(path.casefold())
        paths.append(path)
    return paths


def _write_each(results: list[Any], fmt: str, paths: list[str]) -> None:
    """Write each stored document's English to its path of :func:`_output_paths`."""
    for result, path in zip(results, paths, strict=True):
        try:
            if fmt == "jsonl":
                write_output(jsonl_lines([s.as_json(result.document.name) for s in result.segments]), path)
            else:
                write_output(result.english, path)
        except click.ClickException as exc:
            raise click.ClickException(f"{exc.message.rstrip('.')}; the documents are stored: `tm export NAME` "
                                       "writes each one.") from None


@cli.command()
@click.argument("doc")
@_output_options
@_mt_options(none=False)
@click.option("--author", default=None, help="Who ran it [default: $TM_AUTHOR or the login name].")
@db_option
def redraft(doc: str, out: str | None, fmt: str, engine: str | None, model: str | None, batch_size: int,
            beam: int, device: str | None, glossaries: tuple[str, ...], no_glossary: bool, no_enforce: bool,
            author: str | None, db: str | None) -> None:
    """Draft every segment of the stored document DOC again, with another engine or model.

    The new drafts are stored beside the document's other translations (nothing is
    deleted; the memory is not consulted), so two engines can be compared on the same
    segments: correct the document afterwards, then `tm score --by engine --compare A B`.
    Drafts are scored against corrections stored after them. As the latest drafts, the
    new ones are what `tm export`, `tm qa` and `tm glossary check` give for segments
    not yet corrected. Writes the new drafts as `tm translate` does.

    \b
    Example:
        tm translate article.ar.txt --engine transformers -o /dev/null
        tm redraft article --engine ctranslate2 -o article.ct2.en.txt
        tm redraft article --model ./my-finetuned-opus-mt --format jsonl
    """
    from ..engines import default_engine_name, get_engine
    from ..translate import redraft_document

    check_output(out, db=db)
    engine_name = engine or default_engine_name()
    if engine_name == "none":
        raise click.ClickException("tm redraft needs an MT engine; --engine none drafts nothing.")
    with open_store(db, create=False) as store:
        document = store.document(doc)
        terms = [] if no_glossary else load_glossary_terms(store, glossaries)
        mt = get_engine(engine_name, model, batch_size=batch_size, beam=beam, device=device)
        count = lambda: len(store.segments(document, with_translations=False))  # noqa: E731
        with progress("translating", "seg", total=count, least=20) as update:
            result = redraft_document(store, document, engine=mt, terms=terms, enforce_terms=not no_enforce,
                                      author=author, progress=update)
    _emit(result, fmt, out, "Stored new drafts of")
