"""What every tm command shares: the ``--db`` and ``--json`` options, opening the
store, printing JSON, and turning library errors into one-line ``Error: …`` exits."""

from __future__ import annotations

import errno
import json
import math
import os
import sqlite3
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import click

from ..errors import TMError

F = TypeVar("F", bound=Callable[..., Any])


def plural(count: int, word: str, many: str | None = None) -> str:
    """*count* and *word*, in the plural (*many*, else *word* + s) unless *count* is 1: "1 segment",
    "2 segments", "1,000 entries"."""
    return f"{count:,} {word if count == 1 else many or word + 's'}"


def db_option(fn: F) -> F:
    """``--db PATH`` (also ``$TM_DB``); the command receives ``db`` (a path or None)."""
    return click.option(
        "--db",
        type=click.Path(dir_okay=False),
        envvar="TM_DB",
        help="Database file, in a directory that exists [default: $TM_DB, else $XDG_DATA_HOME/tm/tm.db, else "
             "~/.local/share/tm/tm.db, whose directories tm makes].",
    )(fn)


def json_option(fn: F) -> F:
    """``--json``: machine-readable output; the command receives ``as_json``."""
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")(fn)


def check_output(out: str | None, *, db: str | None | bool = False, inputs: Iterable[str | None] = ()) -> None:
    """Refuse, before any work is done, an output path that cannot be written, or that is the database
    (*db*: the ``--db`` value, None for the default one; False when the command opens none) or one of
    the *inputs*: writing there would destroy what is being read."""
    if out is None or out == "-":
        return
    parent = os.path.dirname(os.path.abspath(out))
    if not os.path.isdir(parent):
        raise click.ClickException(f"Cannot write {out}: there is no directory {parent}.")
    if not os.access(parent, os.W_OK) or (os.path.exists(out) and not os.access(out, os.W_OK)):
        raise click.ClickException(f"Cannot write {out}: permission denied.")
    if db is not False and db != ":memory:":
        from ..store import default_db_path

        database = str(db) if db is not None else str(default_db_path())
        for suffix in ("", "-wal", "-shm", "-journal"):
            if _same_file(out, database + suffix):
                what = f"the database's {suffix[1:]} file" if suffix else "the database"
                raise click.ClickException(f"Cannot write {out}: it is {what} ({database}), which the output would "
                                           "destroy; give another file.")
    for source in inputs:
        if source is not None and source != "-" and _same_file(out, source):
            raise click.ClickException(f"Cannot write {out}: it is the input file {source}, which the output would "
                                       "overwrite; give another file.")


def _same_file(a: str, b: str) -> bool:
    """Whether paths *a* and *b* name one file (the same inode, else the same absolute path)."""
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet)
        return os.path.realpath(a) == os.path.realpath(b)


class Percent(click.FloatRange):
    """A percentage from 0 to 100; unlike click's FloatRange it refuses nan."""

    def __init__(self) -> None:
        super().__init__(0, 100)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if math.isnan(number):
            self.fail(f"{value!r} is not a number; give a percentage from 0 to 100.", param, ctx)
        return number


def stdin_bytes() -> bytes:
    """All of standard input, or an :class:`InputError` when it is closed (``<&-``)."""
    from ..errors import InputError

    if sys.stdin is None:
        raise InputError("Standard input is closed; pipe the text in (… | tm …) or give a file instead of -.")
    return sys.stdin.buffer.read()


def stdout_bytes() -> Any:
    """Standard output's byte stream, or an :class:`InputError` when it is closed (``>&-``)."""
    from ..errors import InputError

    if sys.stdout is None:
        raise InputError("Standard output is closed; give a file name instead of - (or redirect the output).")
    return sys.stdout.buffer


def existing_or_scratch(db: str | None) -> str | None:
    """*db*, or an in-memory store when a given *db* does not exist: for commands that read files
    and use the store only for its glossaries, so a mistyped ``--db`` leaves no file behind."""
    return ":memory:" if db is not None and db != ":memory:" and not os.path.exists(db) else db


def _terminal() -> Any:
    """stderr when it is a terminal (progress bars go there), else None."""
    return sys.stderr if sys.stderr.isatty() else None


@contextmanager
def progress(what: str, unit: str, *, total: Callable[[], int] | None = None, shown: bool = True, least: int = 0,
             delay: float = 0.0) -> Iterator[Any]:  # fmt: skip
    """A tqdm bar on a terminal's stderr, yielding its ``update`` (None off a terminal, where tqdm is not
    even imported).  *total* is counted only for a bar: work of no more than *least* items gets none,
    and the bar shows the total unless not *shown* (when the updates will not reach it); *delay*
    seconds pass before the bar appears (tqdm's own)."""
    stream = _terminal()
    size = total() if stream is not None and total is not None else None
    if stream is None or (size is not None and size <= least):
        yield None
        return
    from tqdm import tqdm

    with tqdm(desc=what, unit=unit, total=size if shown else None, file=stream, leave=False, delay=delay,
              unit_scale=size is None) as bar:  # fmt: skip
        yield bar.update


@contextmanager
def open_store(db: str | None, *, create: bool = True) -> Iterator[Any]:
    """Open the store for one command and close it afterwards (*create*: see :meth:`Store.open`)."""
    from ..store import Store

    try:
        store = Store.open(db, create=create)
    except OSError as exc:  # its directory cannot be made: a file in the way, no permission
        from ..errors import StoreError

        raise StoreError(f"Cannot create the database directory {exc.filename}: {exc.strerror}; give a writable "
                         "--db (or fix $TM_DB / $XDG_DATA_HOME).") from None
    try:
        yield store
    finally:
        store.close()


def echo_json(data: Any, *, lines: bool = False) -> None:
    """Print *data* as JSON (one object per line when *lines*), UTF-8, Arabic unescaped."""
    if lines:
        for item in data:
            click.echo(json.dumps(item, ensure_ascii=False))
    else:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def echo_table(rows: list[dict[str, Any]], columns: list[str], *, headers: list[str] | None = None) -> None:
    """Print *rows* as a plain aligned table."""
    headers = headers or columns
    cells = [[_cell(r.get(c)) for c in columns] for r in rows]
    widths = [max([len(h)] + [len(row[i]) for row in cells]) for i, h in enumerate(headers)]
    click.echo("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip())
    click.echo("  ".join("-" * w for w in widths))
    for row in cells:
        click.echo("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value).replace("\n", " ")


def _commits() -> int:
    """How many write transactions this process has committed (0 before :mod:`tm.store` is loaded)."""
    store = sys.modules.get("tm.store")
    return int(getattr(store, "commits", 0))


class CannotCheck(click.ClickException):
    """An error of a command whose exit 1 means 'problems found' (see :class:`TMGroup`)."""

    exit_code = 2


class TMGroup(click.Group):
    """A click group that reports :class:`TMError` as ``Error: message`` and exit 1.

    Commands named in *gates* exit 1 when they find problems (a desk gates publication on
    them), so their errors -- the check could not be made -- exit 2, as click's usage errors do.
    """

    gates: frozenset[str] = frozenset()

    def __init__(self, *args: Any, gates: Iterable[str] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.gates = frozenset(gates)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        for arg in args:  # bytes that are not UTF-8 reach Python as surrogates, which nothing can store
            if any("\udc80" <= c <= "\udcff" for c in arg):
                shown = arg.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
                if self._gated(args):
                    raise CannotCheck(f"The argument {shown!r} is not valid UTF-8; rename the file (e.g. with "
                                      "convmv).")
                raise click.ClickException(
                    f"The argument {shown!r} is not valid UTF-8; rename the file (e.g. with convmv) or pass "
                    "the text through standard input (tm translate - --name NAME < FILE)."
                )
        return super().parse_args(ctx, args)

    def _gated(self, args: list[str]) -> bool:
        """Whether *args* run a gated command of this group or of a group under it."""
        if not args:
            return False
        sub = self.commands.get(args[0])
        return args[0] in self.gates or (isinstance(sub, TMGroup) and sub._gated(args[1:]))

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return self._invoke(ctx)
        except click.ClickException as exc:
            if ctx.invoked_subcommand in self.gates and exc.exit_code == 1:
                raise CannotCheck(exc.message) from None
            raise

    def _invoke(self, ctx: click.Context) -> Any:
        commits = _commits()
        try:
            return super().invoke(ctx)
        except TMError as exc:
            raise click.ClickException(str(exc)) from None
        except sqlite3.OperationalError as exc:  # the transaction was rolled back: nothing was written
            reason = str(exc)
            if "locked" in reason or "busy" in reason:
                raise click.ClickException(
                    "The database is locked by another tm process (waited for it up to a minute); nothing was "
                    "written: try again when it has finished."
                ) from None
            raise click.ClickException(f"The database could not be used ({reason}); nothing was written.") from None
        except sqlite3.DatabaseError as exc:  # damaged pages past the header: the open went well, a read did not
            raise click.ClickException(
                f"The database is damaged ({exc}); nothing was written: restore it from a backup, or salvage "
                "it with `sqlite3 DB .recover`."
            ) from None
        except OverflowError as exc:
            raise click.ClickException(
                f"A number given is too large ({exc}); give a document id or segment index that exists (`tm docs`)."
            ) from None
        except KeyboardInterrupt:
            self._interrupted(_commits() > commits)
        except RuntimeError as exc:  # a Ctrl-C while a lazy import built a class arrives wrapped
            if isinstance(exc.__cause__, KeyboardInterrupt):
                self._interrupted(_commits() > commits)
            raise
        except OSError as exc:
            if exc.errno == errno.EPIPE:
                raise  # a closed pipe (tm … | head): click's main exits quietly
            where = f"{exc.filename}: " if exc.filename else "the output: "
            raise click.ClickException(f"Cannot use {where}{exc.strerror or exc}; check the path, its permissions "
                                       "and the free disk space.") from None

    @staticmethod
    def _interrupted(saved: bool) -> None:
        if saved:  # the Ctrl-C came after a commit (an import stored, then interrupted while it reported)
            click.echo("Interrupted after the changes were saved to the database; nothing half-written was kept.",
                       err=True)  # fmt: skip
        else:
            click.echo("Interrupted; nothing half-written was kept.", err=True)
        sys.exit(130)


def write_output(text: str, out: str | None) -> None:
    """Write *text* to the file *out*, or to stdout for None or -; one-line error if it cannot."""
    if out is None or out == "-":
        click.echo(text, nl=not text.endswith("\n"))
        return
    try:
        with open(out, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
    except OSError as exc:
        raise click.ClickException(f"Cannot write {out}: {exc.strerror or exc}.") from None


def jsonl_lines(rows: list[dict[str, Any]]) -> str:
    """*rows* as JSON lines, Arabic unescaped."""
    import json

    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def load_glossary_terms(store: Any, glossaries: tuple[str, ...]) -> list[Any]:
    """The terms of the named glossaries or files, else of the shipped political glossary."""
    from ..glossary import load_terms

    return load_terms(store, list(glossaries) or ["political"])
