"""Glossary term files: CSV and TSV tables and TBX, read into :class:`Record` s and written back.

A table's first line is the header ``ar,en[,variants,forbidden,note[,alternatives]]``
(any order, case-insensitive); list cells are ``|``-separated; blank lines are
skipped.  TSV cells are taken literally (no quoting), so they cannot hold tabs or line
breaks.  The format comes from the extension (``.csv``, ``.tsv``/``.tab``,
``.tbx``/``.xml``), else from the content.  Reading validates the whole file first:
any problem is a :class:`FormatError` that names the line.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from ..errors import FormatError, InputError
from ..normalize import normalize
from ..terms import term_key
from .tbx import Record, TermLike, read_tbx, tbx_bytes

COLUMNS = ("ar", "en", "variants", "forbidden", "note", "alternatives")
LISTS = ("variants", "forbidden", "alternatives")
FORMATS = ("csv", "tsv", "tbx")


def file_format(path: str | Path, data: bytes | None = None) -> str:
    """``csv``, ``tsv`` or ``tbx``: from the extension, else sniffed from the content."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix in FORMATS:
        return suffix
    if suffix in ("tab", "xml"):
        return "tsv" if suffix == "tab" else "tbx"
    if data is None:
        return "csv"
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head == b"<":
        return "tbx"
    return "tsv" if b"\t" in data.split(b"\n", 1)[0] else "csv"


def decode_utf8(data: bytes, path: str) -> str:
    """*data* as text; :class:`FormatError` naming the line of the first byte that is not UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise FormatError(
            f"the file is not UTF-8 (byte 0x{data[exc.start]:02x}); save it as UTF-8 and try again.",
            path=path, line=line,
        ) from None


def _read_table(text: str, path: str, fmt: str) -> list[Record]:
    if fmt == "tsv":
        reader = csv.reader(io.StringIO(text, newline=""), delimiter="\t", quoting=csv.QUOTE_NONE)
    else:
        reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    records: list[Record] = []
    start = 1
    try:
        for row in reader:
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            if header is None:
                header = [c.strip().lower() for c in row]
                _check_header(header, path, line)
                continue
            if len(row) > len(header):
                raise FormatError(f"{len(row)} fields, but the header names {len(header)}.",
                                  path=path, line=line)
            cells = dict(zip(header, [c.strip() for c in row], strict=False))
            for col in ("ar", "en"):
                if not cells.get(col):
                    raise FormatError(f"the {col!r} column is empty.", path=path, line=line)
            lists = {k: [i.strip() for i in cells.get(k, "").split("|") if i.strip()] for k in LISTS}
            note = cells.get("note") or None
            records.append(Record(cells["ar"], cells["en"], note=note, line=line, **lists))
    except csv.Error as exc:
        raise FormatError(f"malformed {fmt.upper()} ({exc}).", path=path, line=reader.line_num) from None
    if header is None:
        raise FormatError(f"the file is empty; it needs the header {','.join(COLUMNS)}.", path=path)
    return records


def _check_header(header: list[str], path: str, line: int) -> None:
    expected = "ar,en[,variants,forbidden,note,alternatives]"
    for col in ("ar", "en"):
        if col not in header:
            raise FormatError(f"the header has no {col!r} column; the first line must be {expected}.",
                              path=path, line=line)
    unknown = [c for c in header if c not in COLUMNS]
    if unknown:
        raise FormatError(f"unknown column {unknown[0]!r}; the columns are {expected}.", path=path, line=line)
    if len(set(header)) != len(header):
        raise FormatError("a column is named twice in the header.", path=path, line=line)


def read_terms_file(path: str | Path) -> list[Record]:
    """The terms of a CSV, TSV or TBX file, validated as a whole.

    :class:`FormatError` (naming the line) for missing columns, an empty term, a file
    that is not UTF-8, malformed XML, or the same normalised Arabic key twice.
    """
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"Cannot read {name}: {exc.strerror or exc}.") from None
    fmt = file_format(path, data)
    if fmt == "tbx":
        records = read_tbx(path)
    else:
        records = _read_table(decode_utf8(data, name), name, fmt)
    seen: dict[str, Record] = {}
    for r in records:
        key = normalize(r.ar)
        if not term_key(r.ar):
            raise FormatError(f"the Arabic term {r.ar!r} has no letters to match on.", path=name, line=r.line)
        if key in seen:
            raise FormatError(f"{r.ar!r} repeats the term on line {seen[key].line} (same normalised key).",
                              path=name, line=r.line)
        seen[key] = r
    return records


def dumps(entries: Sequence[TermLike], fmt: str, *, title: str = "tm glossary") -> bytes:
    """*entries* as a CSV, TSV or TBX file's bytes (UTF-8)."""
    if fmt == "tbx":
        return tbx_bytes(entries, title=title)
    if fmt not in ("csv", "tsv"):
        raise InputError(f"Unknown glossary format {fmt!r}; use csv, tsv or tbx.")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    rows = [list(COLUMNS)] + [
        [e.ar, e.en, "|".join(e.variants), "|".join(e.forbidden), e.note or "", "|".join(e.alternatives)]
        for e in entries
    ]
    for row in rows:
        if fmt == "csv":
            writer.writerow(row)
            continue
        if any(c in cell for cell in row for c in "\t\r\n"):
            raise InputError(
                f"The entry {row[0]!r} holds a tab or a line break, which TSV cannot; export CSV or TBX."
            )
        out.write("\t".join(row) + "\n")
    return out.getvalue().encode("utf-8")

