"""Glossary term files: CSV and TSV tables and TBX, read into :class:`Record` s and written back.

A table's first line is the header ``ar,en[,variants,forbidden,note[,alternatives]]``
(any order, case-insensitive); list cells are ``|``-separated; blank lines are
skipped.  A column the header leaves out is recorded in :attr:`Record.absent`, so that
an import leaves that field of an existing entry alone (a column present but empty
clears it).  TSV cells are taken literally (no quoting), so they cannot hold tabs or line
breaks.  Tables are UTF-8 (a byte-order mark is dropped) or UTF-16 with a byte-order
mark; a CSV export starts with the UTF-8 byte-order mark, so that spreadsheets read it
as UTF-8.  The format comes from the extension (``.csv``, ``.tsv``/``.tab``,
``.tbx``/``.xml``), else from the content.  Reading validates the whole file first:
any problem is a :class:`FormatError` that names the line.  Besides the layout, a term
must be in the right column (:func:`script_problem`) and hold no character that XML 1.0,
and so a TBX export, cannot (:func:`unstorable`).

An entry must not contradict itself or its neighbours: an English rendering cannot be
both accepted (the required one or an alternative) and forbidden, compared the way the
checks compare English (:func:`same_rendering`), and an Arabic spelling (term or variant)
belongs to one entry only, compared on the matcher's normalised key
(:func:`spelling_clash`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import FormatError, InputError
from ..normalize import ARABIC_LETTER, arabic_share, normalize
from ..terms import Term, english_has, forbidden_found, term_key
from .records import Record, TermLike
from .tsvline import split_tsv_line
from .xmlchars import NOT_XML

COLUMNS = ("ar", "en", "variants", "forbidden", "note", "alternatives")
LISTS = ("variants", "forbidden", "alternatives")
FORMATS = ("csv", "tsv", "tbx")
EXTENSIONS = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".tbx": "tbx", ".xml": "tbx"}
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
UTF16_MESSAGE = "the file is UTF-16 without a byte-order mark; save it as UTF-8 and try again."


def bomless_utf16(data: bytes) -> bool:
    """Whether *data* (a file's first bytes) reads as UTF-16 text saved without its byte-order mark: its
    NUL bytes are the high (or low) halves of Latin, digit and space characters around Arabic letters."""
    if b"\x00" not in data:
        return False
    sample = data[: len(data) // 2 * 2]
    for encoding in ("utf-16-le", "utf-16-be"):
        text = sample.decode(encoding, errors="replace")
        plain = sum(1 for c in text
                    if c in "\t\r\n" or (c.isprintable() and (c < "\u0250" or "\u0600" <= c < "\u0700")))
        if "\x00" not in text and plain >= 0.95 * len(text):
            return True
    return False


def file_format(path: str | Path, data: bytes | None = None) -> str:
    """``csv``, ``tsv`` or ``tbx``: from the extension, else sniffed from the content."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix in FORMATS:
        return suffix
    if suffix in ("tab", "xml"):
        return "tsv" if suffix == "tab" else "tbx"
    if data is None:
        return "csv"
    if data.startswith(UTF16_BOMS):
        text = data[:4096].decode("utf-16", errors="ignore")
    else:
        text = data[:4096].decode("utf-8", errors="ignore")
    text = text.lstrip("\ufeff \t\r\n")
    if text.startswith("<"):
        return "tbx"
    return "tsv" if "\t" in text.split("\n", 1)[0] else "csv"


def format_from_extension(path: str | Path) -> str:
    """``csv``, ``tsv`` or ``tbx`` from *path*'s extension; :class:`InputError` for any other."""
    fmt = EXTENSIONS.get(Path(path).suffix.lower())
    if fmt is None:
        known = ", ".join(EXTENSIONS)
        raise InputError(f"Cannot tell a term file format from the name {str(path)!r}; "
                         f"use one of the extensions {known}, or give --format csv|tsv|tbx.")
    return fmt


def same_rendering(accepted: str, forbidden: str) -> bool:
    """Whether ruling out *forbidden* contradicts accepting *accepted*.

    True when the check (:func:`tm.terms.english_has`) reads *forbidden* as *accepted*, so
    that it could never be flagged: the same words ignoring accents, hyphens, a leading
    "the" and, unless *accepted* is an all-capitals acronym, case; or a plural of it.
    "Nato" may be forbidden beside "NATO", since the check tells them apart.
    """
    if accepted == forbidden:
        return True
    probe = Term(ar="-", en=accepted, forbidden=(forbidden,))
    return english_has(accepted, forbidden) and not forbidden_found(probe, forbidden)


def rendering_conflict(term: TermLike) -> str | None:
    """Why *term* contradicts itself (an English rendering both accepted and forbidden), or None."""
    for bad in term.forbidden:
        for accepted in (term.en, *term.alternatives):
            if same_rendering(accepted, bad):
                what = "the required rendering" if accepted == term.en else "an accepted alternative"
                if accepted != bad:
                    what += (f" {accepted!r} as the checks read English (ignoring case outside acronyms, "
                             "accents, hyphens, a leading 'the' and a plural s)")
                return (f"the forbidden rendering {bad!r} of {term.ar!r} is also {what}; "
                        "a rendering cannot be both, so drop it from one list")
    return None


def unstorable(term: TermLike) -> str | None:
    """Why *term* cannot be stored (a character XML 1.0, and so TBX, cannot hold), or None.

    One sentence, lower case, no full stop, naming the field.
    """
    fields = [(f"the Arabic term {term.ar!r}", term.ar), (f"the English rendering of {term.ar!r}", term.en)]
    fields += [(f"the {what} {item!r} of {term.ar!r}", item)
               for what, items in (("variant", term.variants), ("forbidden rendering", term.forbidden),
                                   ("alternative", term.alternatives)) for item in items]
    fields.append((f"the note of {term.ar!r}", term.note or ""))
    for what, text in fields:
        bad = NOT_XML.search(text)
        if bad:
            return (f"{what} contains the control character U+{ord(bad.group()):04X}, which a TBX (XML 1.0) "
                    "file cannot hold; remove it")
    return None


def script_problem(ar: str, en: str) -> str | None:
    """Why *ar* and *en* look like they are in the wrong places, or None.

    The Arabic term must have an Arabic letter and the English rendering must not be
    mostly Arabic script.  One sentence, lower case, no full stop.
    """
    english_is_arabic = arabic_share(en) > 0.5
    if not ARABIC_LETTER.search(ar):
        if english_is_arabic:
            return (f"the Arabic term {ar!r} has no Arabic letter and the English {en!r} is in Arabic script, "
                    "so the two look swapped; give the Arabic term first (column ar) and the English second (en)")
        return f"the Arabic term {ar!r} has no Arabic letter; give the term as it is written in Arabic"
    if english_is_arabic:
        return (f"the English rendering {en!r} of {ar!r} is mostly Arabic script; give the English rendering "
                "second (column en)")
    return None


def spelling_clash(items: Sequence[TermLike], changed: Sequence[TermLike] | None = None
                   ) -> tuple[TermLike, str, TermLike] | None:
    """The first ``(item, spelling, other)`` where an Arabic spelling (term or variant) of *item*
    has the same matching key (:func:`tm.terms.term_key`) as a spelling of another entry *other*.

    With *changed*, only clashes that involve one of those items count (older clashes
    between unchanged entries are left alone); put the changed items last in *items*.
    """
    owners: dict[str, TermLike] = {}
    involved = None if changed is None else {id(c) for c in changed}
    for item in items:
        for spelling in (item.ar, *item.variants):
            key = term_key(spelling)
            other = owners.setdefault(key, item)
            if other is item:
                continue
            if involved is None or id(item) in involved or id(other) in involved:
                return item, spelling, other
    return None


def clash_message(item: TermLike, spelling: str, other: TermLike, where: str = "") -> str:
    """One sentence (lower case, no full stop) for a :func:`spelling_clash`; *where* follows
    the other entry (" on line 3")."""
    own = f"the term {spelling!r}" if spelling == item.ar else f"the variant {spelling!r} of {item.ar!r}"
    theirs = "the term" if term_key(other.ar) == term_key(spelling) else "a variant"
    return (f"{own} is, once normalised, {theirs} of the entry {other.ar!r} → {other.en!r}{where}; "
            "an Arabic spelling can belong to one entry only")


def decode_text(data: bytes, path: str) -> str:
    """*data*, the bytes of the file *path*, as text: UTF-16 with a byte-order mark, else UTF-8
    (:func:`decode_utf8`); :class:`FormatError` naming the line of an undecodable byte."""
    if not data.startswith(UTF16_BOMS):
        return decode_utf8(data, path)
    from .tabular import _lines  # how `tm memory import` reads UTF-16; imports lxml, so only here

    return "".join(_lines(path))


def decode_utf8(data: bytes, path: str) -> str:
    """*data* as text; :class:`FormatError` naming the line of the first byte that is not UTF-8 (or saying
    the file is UTF-16 without its byte-order mark)."""
    if bomless_utf16(data[:4096]):
        raise FormatError(UTF16_MESSAGE, path=path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise FormatError(
            f"the file is not UTF-8 (byte 0x{data[exc.start]:02x}); save it as UTF-8 and try again.",
            path=path, line=line,
        ) from None


class _TsvRows:
    """TSV rows, a line each, cells quoted as a spreadsheet quotes them read as such
    (:func:`tm.formats.tsvline.split_tsv_line`): no more cells than the header names."""

    def __init__(self, text: str):
        self.lines = [line.removesuffix("\r") for line in text.split("\n")]  # as csv splits them
        self.line_num = 0
        self.width: int | None = None  # the header's cells, once read
        self.opened = 0  # the line (if any) before the current one that opened a quoted cell it did not close
        self._open = 0

    def __iter__(self) -> _TsvRows:
        return self

    def __next__(self) -> list[str]:
        if self.line_num >= len(self.lines):
            raise StopIteration
        self.line_num += 1
        width = self.width
        cells, open_quote = split_tsv_line(self.lines[self.line_num - 1], lambda n: width is None or n <= width)
        self.opened, self._open = self._open, self.line_num if open_quote else 0
        return cells

    def hint(self, line: int) -> str:
        """Why the row at *line* may be broken: a spreadsheet cell with a line break opened above it."""
        if self.opened and self.opened == line - 1:
            return (f" (the quoted cell opened on line {self.opened} seems to hold a line break, which a TSV term "
                    "file cannot: remove it, or save the sheet as CSV)")
        return ""


def _hint(reader: Any, line: int) -> str:
    return reader.hint(line) if isinstance(reader, _TsvRows) else ""


def _read_table(text: str, path: str, fmt: str) -> list[Record]:
    reader: Any
    if fmt == "tsv":
        reader = _TsvRows(text)
    else:
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    absent: frozenset[str] = frozenset()
    header: list[str] | None = None
    records: list[Record] = []
    start = 1
    try:
        for row in reader:
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            if header is None:
                header = [c.strip().strip('"').strip().lower() for c in row]  # "ar" as quote-all sheets save it
                _check_header(header, path, line)
                if isinstance(reader, _TsvRows):
                    reader.width = len(header)
                absent = frozenset(c for c in COLUMNS if c not in header)
                continue
            if len(row) > len(header):
                raise FormatError(f"{len(row)} fields, but the header names {len(header)}{_hint(reader, line)}.",
                                  path=path, line=line)
            cells = dict(zip(header, [c.strip() for c in row], strict=False))
            for col in ("ar", "en"):
                if not cells.get(col):
                    raise FormatError(f"the {col!r} column is empty{_hint(reader, line)}.", path=path, line=line)
            lists = {k: [i.strip() for i in cells.get(k, "").split("|") if i.strip()] for k in LISTS}
            note = cells.get("note") or None
            records.append(Record(cells["ar"], cells["en"], note=note, line=line, absent=absent, **lists))
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            raise FormatError('a quoted cell starts on this line and its closing " is missing.',
                              path=path, line=start) from None
        raise FormatError(f"malformed {fmt.upper()} ({exc}).", path=path, line=start) from None
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
    that is not UTF-8 (or UTF-16 with a byte-order mark), malformed XML, the same
    normalised Arabic key twice, a term in the wrong column (:func:`script_problem`),
    or a character a TBX file cannot hold (:func:`unstorable`).
    """
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"Cannot read {name}: {exc.strerror or exc}.") from None
    fmt = file_format(path, data)
    if fmt == "tbx":
        from .tbx import read_tbx

        records = read_tbx(path)
    else:
        records = _read_table(decode_text(data, name), name, fmt)
    seen: dict[str, Record] = {}
    for r in records:
        key = normalize(r.ar)
        if not term_key(r.ar):
            raise FormatError(f"the Arabic term {r.ar!r} has no letters to match on.", path=name, line=r.line)
        problem = unstorable(r) or script_problem(r.ar, r.en)
        if problem:
            raise FormatError(problem + ".", path=name, line=r.line)
        if key in seen:
            raise FormatError(f"{r.ar!r} repeats the term on line {seen[key].line} (same normalised key).",
                              path=name, line=r.line)
        seen[key] = r
        conflict = rendering_conflict(r)
        if conflict:
            raise FormatError(conflict + ".", path=name, line=r.line)
    clash = spelling_clash(records)
    if clash:
        item, spelling, other = clash
        where = f" on line {other.line}" if isinstance(other, Record) and other.line else ""
        raise FormatError(clash_message(item, spelling, other, where) + ".", path=name,
                          line=getattr(item, "line", None))
    return records


def dumps(entries: Sequence[TermLike], fmt: str, *, title: str = "tm glossary") -> bytes:
    """*entries* as a CSV, TSV or TBX file's bytes (UTF-8)."""
    if fmt == "tbx":
        from .tbx import tbx_bytes

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

