"""Plain parallel text: two-column TSV/CSV files and line-aligned file pairs, read as :class:`TMUnit` streams.

Files are UTF-8 (a byte-order mark is dropped) or UTF-16 with a byte-order mark,
as spreadsheets save "Unicode text"; CRLF line ends are handled.  The text of each
side is kept byte for byte apart from the line end.

* TSV (``.tsv``, ``.tab``, ``.txt`` with tabs): one pair per line, tab-separated.  A
  cell that starts with ``"`` and is properly quoted the way Excel and LibreOffice
  save TSV (``"قال ""نعم"" أمس"``, the closing quote followed by a tab or the line end)
  is unquoted, and may hold tabs; any other text, quotes included, is taken as it
  is.  A line with other than two fields is an error; where a quoted cell is left
  open at the end of it or of the line before (a spreadsheet cell holding a line
  break) the message says so.  Lines are not joined: a TSV unit is one line, and
  joining would be ambiguous with unquoted text that opens a quotation it closes
  lines later (save such a sheet as CSV, whose quoting is not ambiguous).
* CSV (``.csv``): the :mod:`csv` module's default dialect, so quoted fields may
  hold commas, quotes and newlines (kept, as the TMX reader keeps them); empty
  trailing cells left by spreadsheets are ignored.
* Either may start with a header row naming the columns: ``ar``/``en`` or any
  language tag of them (``ar-SA``, ``EN-us``, ``ara``/``eng``), ``arabic``/``english``,
  ``source``/``target``, ``src``/``tgt``.  English first swaps the columns, otherwise
  the Arabic is the first column.
* Line-aligned pairs (:func:`read_aligned`): line *n* of one file translates line *n*
  of the other; lines empty on both sides are skipped, blank lines at the very end
  are ignored.  Files of different lengths, or both empty, are refused.

Blank lines -- empty, white space, or only invisible characters such as zero-width
spaces and byte-order marks -- and rows whose cells are all blank are skipped; a file
with nothing else has no units and is refused.  A pair with one side blank is an
error naming its line (a hand-made table with an empty cell is more likely a
mistake than an untranslated unit, unlike TMX, where empty sides are skipped), and
so is a side holding a control character XML 1.0 cannot hold (U+000B, U+000C…:
the memory must stay exportable as TMX), and a pair whose Arabic side has no
Arabic letter while its English side has one (the columns, or the two files,
look swapped).

:func:`write_tabular` writes a two-column file with an ``ar``/``en`` header row that
:func:`read_tabular` reads back to the same pairs: TSV quoted as above where a cell
holds a quote or a tab, CSV quoted by the :mod:`csv` module and with a UTF-8
byte-order mark so that spreadsheets see Arabic.  :func:`unit_problem` says which
units such a file cannot hold.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from itertools import zip_longest
from pathlib import Path
from typing import IO

from ..errors import FormatError, InputError
from ..normalize import ARABIC_LETTER
from ..segment import blank
from ._xml import open_input, output
from .termfile import UTF16_MESSAGE, bomless_utf16
from .tmx import PathArg, TMUnit
from .tsvline import split_tsv_line
from .xmlchars import unwritable_char

HEADERS = {
    ("ar", "en"): False,
    ("source", "target"): False,
    ("arabic", "english"): False,
    ("src", "tgt"): False,
    ("en", "ar"): True,
    ("target", "source"): True,
    ("english", "arabic"): True,
    ("tgt", "src"): True,
}  # header cells (lower-cased) -> whether the columns are English first; also language tags, mixed names
_COLUMN_NAMES = {"source": "ar", "src": "ar", "arabic": "ar", "target": "en", "tgt": "en", "english": "en"}
_LANGUAGES = {"ar": "ar", "ara": "ar", "arb": "ar", "en": "en", "eng": "en"}
_TAG = re.compile(r"([a-z]{2,3})(?:-[a-z0-9]{1,8})*")  # a BCP 47 language tag, lower-cased

_SIDES = ("Arabic", "English")


def _looks_swapped(source: str, target: str) -> bool:
    """Whether the Arabic side has no Arabic letter while the English side has one."""
    return not ARABIC_LETTER.search(source) and bool(ARABIC_LETTER.search(target))


def _lines(path: PathArg) -> Iterator[str]:
    """The decoded lines of *path*, line ends kept; :class:`FormatError` with the line if undecodable."""
    name = str(path)
    with open_input(name) as fh:
        head = fh.read(4)
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            fh.seek(0)
            text = io.TextIOWrapper(fh, encoding="utf-16", newline="")
            n = 0
            try:
                for n, line in enumerate(text, start=1):  # noqa: B007
                    yield line
            except UnicodeDecodeError:
                raise FormatError("the file is not valid UTF-16.", path=name, line=n + 1) from None
            return
        fh.seek(3 if head.startswith(b"\xef\xbb\xbf") else 0)
        if bomless_utf16(fh.read(4096)):
            raise FormatError(UTF16_MESSAGE, path=name)
        fh.seek(3 if head.startswith(b"\xef\xbb\xbf") else 0)
        for n, raw in enumerate(fh, start=1):
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise FormatError(
                    f"the file is not UTF-8 (invalid byte 0x{raw[exc.start]:02X}); convert it first, "
                    "e.g. `iconv -f WINDOWS-1256 -t UTF-8`.",
                    path=name,
                    line=n,
                ) from None


def _chomp(line: str) -> str:
    if line.endswith("\n"):
        line = line[:-1]
    if line.endswith("\r"):
        line = line[:-1]
    return line


def _pairs_tsv(path: str) -> Iterator[tuple[int, list[str], bool]]:
    for n, line in enumerate(_lines(path), start=1):
        cells, open_quote = split_tsv_line(_chomp(line), lambda n: n == 2)
        yield n, cells, open_quote


def _pairs_csv(path: str, delimiter: str) -> Iterator[tuple[int, list[str], bool]]:
    reader = csv.reader(_lines(path), delimiter=delimiter, strict=True)
    start = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise FormatError(f"malformed CSV ({exc}).", path=path, line=start) from None
        if row:
            while len(row) > 2 and row[-1] == "":
                row.pop()
            yield start, row, False
        start = reader.line_num + 1


def _kind(path: str) -> str:
    suffix = Path(path).suffix.lower()
    if suffix in (".tsv", ".tab"):
        return "tsv"
    if suffix == ".csv":
        return "csv"
    for line in _lines(path):
        if _chomp(line):
            if "\t" in line:
                return "tsv"
            return "csv"
    return "tsv"


def _header(cells: list[str]) -> bool | None:
    """Whether a header row puts the English first (None: *cells* are not a header row)."""
    exact = tuple(c.strip().lower() for c in cells)
    if exact in HEADERS:
        return HEADERS[exact]
    names = []
    for cell in cells:
        name = cell.strip().lower().replace("_", "-")
        tag = _TAG.fullmatch(name)
        names.append(_COLUMN_NAMES.get(name) or (_LANGUAGES.get(tag.group(1)) if tag else None))
    if names == ["ar", "en"]:
        return False
    return True if names == ["en", "ar"] else None


def read_tabular(path: PathArg) -> Iterator[TMUnit]:
    """Stream the (Arabic, English) pairs of a two-column TSV or CSV file.

    The format follows the extension (``.tsv``/``.tab``, ``.csv``); for any other it is
    TSV if the first non-blank line holds a tab, else CSV.
    """
    name = str(path)
    kind = _kind(name)
    rows = _pairs_tsv(name) if kind == "tsv" else _pairs_csv(name, ",")
    reverse = header = invisible = False
    seen = open_before = 0  # open_before: the line of the row before, when a quoted cell was open at its end
    for line, row, open_quote in rows:
        if blank(row[0]) and all(blank(c) for c in row):
            invisible = invisible or any(c.strip() for c in row)
            open_before = 0
            continue
        seen += 1
        if seen == 1 and (order := _header(row)) is not None:
            reverse, header = order, True
            continue
        if len(row) != 2:
            raise FormatError(_fields(kind, len(row), line, line if open_quote else open_before), path=name, line=line)
        open_before = line if open_quote else 0
        source, target = (row[1], row[0]) if reverse else (row[0], row[1])
        _check_sides(source, target, name, line)
        if _looks_swapped(source, target):
            raise _swapped(kind, reverse, header, name, line)
        yield TMUnit(source, target, line)
    if seen == 0:
        if invisible:
            raise FormatError("the file has no units: its lines hold only invisible characters (zero-width spaces, "
                              "byte-order marks, direction marks).", path=name)  # fmt: skip
        raise FormatError("the file is empty.", path=name)


def _fields(kind: str, count: int, line: int, open_line: int) -> str:
    if kind == "csv":
        return (f"the row has {count} comma-separated fields; each row needs exactly two (Arabic, English); "
                "quote texts that hold commas.")  # fmt: skip
    message = f"the row has {count} tab-separated fields; each row needs exactly two (Arabic, English)"
    if open_line:
        where = "on this line" if open_line == line else f"opened on line {open_line}"
        return (f"{message}, and the quoted cell {where} seems to hold a line break, which a TSV unit cannot "
                "(each is one line): remove the line break, or save the sheet as CSV.")  # fmt: skip
    return message + " and no tab inside a text."


def _side_problem(source: str, target: str) -> str | None:
    """Why a pair cannot be a memory unit: a blank side, or a character XML 1.0 (and so TMX) cannot hold."""
    for side, text in zip(_SIDES, (source, target), strict=True):
        if blank(text):
            return f"the {side} side is empty"
    bad = unwritable_char(source + target)
    if bad is not None:
        side = _SIDES[0] if bad in source else _SIDES[1]
        return f"the {side} side contains the character U+{ord(bad):04X}, which XML 1.0 cannot hold"
    return None


def _check_sides(source: str, target: str, path: str, line: int) -> None:
    problem = _side_problem(source, target)
    if problem and problem.endswith("XML 1.0 cannot hold"):
        problem += ", so the memory could not be exported as TMX; remove it or replace it with a space"
    if problem:
        raise FormatError(problem + ".", path=path, line=line)


def _swapped(kind: str, reverse: bool, header: bool, path: str, line: int) -> FormatError:
    ar_col, en_col = ("second", "first") if reverse else ("first", "second")
    sep = "<TAB>" if kind == "tsv" else ","
    fixed = f"ar{sep}en" if reverse else f"en{sep}ar"
    if header:
        advice = (f", though the header row says the Arabic comes {ar_col}; swap the columns or make the header "
                  f"row `{fixed}`.")  # fmt: skip
    else:
        advice = f"; put the Arabic first and the English second, or name the order in a header row `{fixed}`."
    return FormatError(
        f"the columns look swapped: the {ar_col} column has no Arabic letters but the {en_col} has" + advice,
        path=path,
        line=line,
    )


# -- writing ----------------------------------------------------------------------------


def unit_problem(source: str, target: str, kind: str) -> str | None:
    """Why :func:`read_tabular` would refuse the pair in a *kind* (``tsv``/``csv``) file, else None."""
    problem = _side_problem(source, target)
    if problem:
        return problem
    if kind == "tsv":
        for side, text in zip(_SIDES, (source, target), strict=True):
            if "\n" in text or "\r" in text:
                return f"the {side} side holds a line break, which a TSV unit cannot"
    if _looks_swapped(source, target):
        return "the Arabic side has no Arabic letter but the English side has, so it would be read back as swapped"
    return None


def _tsv_cell(text: str) -> str:
    return '"' + text.replace('"', '""') + '"' if '"' in text or "\t" in text else text


class _Encoded:
    """A text stream over a binary one, for :func:`csv.writer`, that never closes it."""

    def __init__(self, fh: IO[bytes]):
        self.fh = fh

    def write(self, text: str) -> int:
        self.fh.write(text.encode("utf-8"))
        return len(text)


def write_tabular(units: Iterable[TMUnit], path: PathArg | IO[bytes], *, kind: str) -> int:
    """Write the pairs of *units* as a *kind* (``tsv``/``csv``) file with an ``ar``/``en`` header row.

    *path* is a file, replaced only when complete, or a binary stream.  A CSV file starts with the
    UTF-8 byte-order mark spreadsheets need (as ``tm glossary export`` writes it); a stream does not,
    so that ``| cut`` and ``| head`` see the header as it is.  Returns the number
    of units written; :class:`InputError` for a unit :func:`unit_problem` refuses.
    """
    return write_pairs(((unit.source, unit.target) for unit in units), path, kind=kind)


def write_pairs(pairs: Iterable[tuple[str, str]], path: PathArg | IO[bytes], *, kind: str,
                checked: bool = False) -> int:
    """:func:`write_tabular` for (Arabic, English) pairs.  *checked*: the caller has already left out
    every pair :func:`unit_problem` refuses for *kind* (``tm memory export`` does), so none is checked
    again."""
    count = 0
    with output(path) as fh:
        write = fh.write
        if kind == "csv" and not hasattr(path, "write"):  # a file for spreadsheets; not a stream for pipes
            write(b"\xef\xbb\xbf")
        writer = csv.writer(_Encoded(fh), lineterminator="\r\n") if kind == "csv" else None
        write(b"ar,en\r\n" if writer else b"ar\ten\n")
        for count, (source, target) in enumerate(pairs, start=1):
            if not checked:
                problem = unit_problem(source, target, kind)
                if problem:
                    raise InputError(f"Unit {count}: {problem}; export the memory as TMX instead.")
            if writer:
                writer.writerow((source, target))
            else:
                write(f"{_tsv_cell(source)}\t{_tsv_cell(target)}\n".encode())
    return count


def _count(n: int) -> str:
    return f"{n:,} line" if n == 1 else f"{n:,} lines"


def read_aligned(ar_path: PathArg, en_path: PathArg) -> Iterator[TMUnit]:
    """Stream the pairs of two line-aligned files: line *n* of *ar_path* with line *n* of *en_path*.

    :class:`FormatError` when the files have different numbers of lines (naming both),
    hold no text at all, a line is empty on one side only, holds a character XML 1.0
    cannot hold, or has no Arabic letter on the Arabic side but one on the English side
    (the files look swapped).
    """
    ar_name, en_name = str(ar_path), str(en_path)
    extra_text = False  # a non-blank line past the end of the other file
    ar_count = en_count = pairs = 0
    for n, (ar, en) in enumerate(zip_longest(_lines(ar_name), _lines(en_name)), start=1):
        ar_count += ar is not None
        en_count += en is not None
        a = _chomp(ar) if ar is not None else None
        e = _chomp(en) if en is not None else None
        if a is None or e is None:
            extra_text = extra_text or not blank(a or e or "")
            continue
        if blank(a) and blank(e):
            continue
        if blank(a):
            raise FormatError(f"the Arabic line is empty but {en_name} has text there.", path=ar_name, line=n)
        if blank(e):
            raise FormatError(
                f"the English line is empty but {ar_name} has text there.", path=en_name, line=n
            )
        for text, name in ((a, ar_name), (e, en_name)):
            bad = unwritable_char(text)
            if bad is not None:
                raise FormatError(
                    f"the line contains the character U+{ord(bad):04X}, which XML 1.0 cannot hold, so the memory "
                    "could not be exported as TMX; remove it or replace it with a space.",
                    path=name,
                    line=n,
                )
        if _looks_swapped(a, e):
            raise FormatError(
                f"the files look swapped: this line has no Arabic letters but line {n} of {en_name} has; "
                "give the Arabic file first (--ar) and the English second (--en).",
                path=ar_name,
                line=n,
            )
        pairs += 1
        yield TMUnit(a, e, n)
    if extra_text:
        raise FormatError(
            f"{ar_name} has {_count(ar_count)} but {en_name} has {_count(en_count)}; line-aligned files need "
            "the same number of lines."
        )
    if not pairs:
        if ar_name == en_name:
            raise FormatError("the file is empty.", path=ar_name)
        raise FormatError(f"both files are empty: neither {ar_name} nor {en_name} has a line of text.")
