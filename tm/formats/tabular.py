"""Plain parallel text: two-column TSV/CSV files and line-aligned file pairs, read as :class:`TMUnit` streams.

Files are UTF-8 (a byte-order mark is dropped) or UTF-16 with a byte-order mark,
as spreadsheets save "Unicode text"; CRLF line ends are handled.  The text of each
side is kept byte for byte apart from the line end.

* TSV (``.tsv``, ``.tab``, ``.txt`` with tabs): one pair per line, tab-separated, no
  quoting, so a line with other than two fields is an error.
* CSV (``.csv``): the :mod:`csv` module's default dialect, so quoted fields may
  hold commas, quotes and newlines; empty trailing cells left by spreadsheets are
  ignored.
* Either may start with a header row (``ar,en``, ``source,target``,
  ``arabic,english``, ``src,tgt``); the reversed header (``en,ar``…) swaps the
  columns, otherwise the Arabic is the first column.
* Line-aligned pairs (:func:`read_aligned`): line *n* of one file translates line *n*
  of the other; lines empty on both sides are skipped, blank lines at the very end
  are ignored.  Files of different lengths, or both empty, are refused.

Blank lines are skipped; a pair with one side empty is an error naming its line, and
so is a pair whose Arabic side has no Arabic letter while its English side has one
(the columns, or the two files, look swapped).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from itertools import zip_longest
from pathlib import Path

from ..errors import FormatError
from ._xml import open_input
from .tmx import PathArg, TMUnit

HEADERS = {
    ("ar", "en"): False,
    ("source", "target"): False,
    ("arabic", "english"): False,
    ("src", "tgt"): False,
    ("en", "ar"): True,
    ("target", "source"): True,
    ("english", "arabic"): True,
    ("tgt", "src"): True,
}  # header cells (lower-cased) -> whether the columns are English first

# An Arabic letter (not a digit, mark, tatweel or punctuation): the Arabic block, its supplements, presentation forms.
_ARABIC_LETTER = re.compile(
    "[\u0620-\u063f\u0641-\u064a\u066e-\u06d3\u06d5\u06ee\u06ef\u06fa-\u06fc\u06ff\u0750-\u077f\u08a0-\u08c9"
    "\ufb50-\ufdfb\ufe70-\ufefc]"
)


def _looks_swapped(source: str, target: str) -> bool:
    """Whether the Arabic side has no Arabic letter while the English side has one."""
    return not _ARABIC_LETTER.search(source) and bool(_ARABIC_LETTER.search(target))


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


def _pairs_tsv(path: str) -> Iterator[tuple[int, list[str]]]:
    for n, line in enumerate(_lines(path), start=1):
        text = _chomp(line)
        if text:
            yield n, text.split("\t")


def _pairs_csv(path: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
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
            yield start, row
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


def read_tabular(path: PathArg) -> Iterator[TMUnit]:
    """Stream the (Arabic, English) pairs of a two-column TSV or CSV file.

    The format follows the extension (``.tsv``/``.tab``, ``.csv``); for any other it is
    TSV if the first non-blank line holds a tab, else CSV.
    """
    name = str(path)
    kind = _kind(name)
    rows = _pairs_tsv(name) if kind == "tsv" else _pairs_csv(name, ",")
    reverse = header = False
    seen = 0
    for line, row in rows:
        seen += 1
        if seen == 1:
            cells = tuple(c.strip().lower() for c in row)
            if cells in HEADERS:
                reverse, header = HEADERS[cells], True
                continue
        if len(row) != 2:
            sep = "tab-separated" if kind == "tsv" else "comma-separated"
            raise FormatError(
                f"the row has {len(row)} {sep} fields; each row needs exactly two (Arabic, English)"
                + (" and no tab inside a text." if kind == "tsv" else "; quote texts that hold commas."),
                path=name,
                line=line,
            )
        source, target = (row[1], row[0]) if reverse else (row[0], row[1])
        _check_sides(source, target, name, line)
        if _looks_swapped(source, target):
            raise _swapped(kind, reverse, header, name, line)
        yield TMUnit(source, target, line)
    if seen == 0:
        raise FormatError("the file is empty.", path=name)


def _check_sides(source: str, target: str, path: str, line: int) -> None:
    if not source.strip():
        raise FormatError("the Arabic side is empty.", path=path, line=line)
    if not target.strip():
        raise FormatError("the English side is empty.", path=path, line=line)


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


def _count(n: int) -> str:
    return f"{n:,} line" if n == 1 else f"{n:,} lines"


def read_aligned(ar_path: PathArg, en_path: PathArg) -> Iterator[TMUnit]:
    """Stream the pairs of two line-aligned files: line *n* of *ar_path* with line *n* of *en_path*.

    :class:`FormatError` when the files have different numbers of lines (naming both),
    hold no text at all, a line is empty on one side only, or a line has no Arabic letter
    on the Arabic side but one on the English side (the files look swapped).
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
            extra_text = extra_text or bool((a or e or "").strip())
            continue
        if not a.strip() and not e.strip():
            continue
        if not a.strip():
            raise FormatError(f"the Arabic line is empty but {en_name} has text there.", path=ar_name, line=n)
        if not e.strip():
            raise FormatError(
                f"the English line is empty but {ar_name} has text there.", path=en_name, line=n
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
