"""Reading input documents and storing human corrections: the steps every front-end shares."""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import InputError, TMError
from .formats.xmlchars import unwritable
from .segment import LINE_BREAKS, blank
from .store import Document, Store, current_user

if TYPE_CHECKING:
    from .draftstats import Ahead

_TEXT_SUFFIXES = (".txt", ".text")
# what no document name may hold: control characters (line breaks and tabs among them), the line and
# paragraph separators, and what XML cannot carry (exports write the name in <file original>)
UNNAMEABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")
_LANGUAGE_SUFFIX = re.compile(r"\.(?:ar|ara|arb|ar[-_][A-Za-z]{2,4})$", re.IGNORECASE)


def _control(text: str) -> re.Match[str] | None:
    """The first character of *text* no TMX or XLIFF file could carry, but for the line breaks the
    segmenter splits on: a document or a correction holding one is refused where it comes in."""
    return next((m for m in unwritable(text) if m.group() not in LINE_BREAKS), None)


def document_name(file_name: str) -> str:
    """A document's default name: the file name without a text extension and an Arabic language tag
    (``alasr-soleimani-putin.ar.txt`` → ``alasr-soleimani-putin``, ``UNv1.0.devset.ar`` → ``UNv1.0.devset``)."""
    stem = file_name
    if stem.lower().endswith(_TEXT_SUFFIXES):
        stem = stem.rsplit(".", 1)[0]
    stem = _LANGUAGE_SUFFIX.sub("", stem) or file_name
    # a line break or control character in a file name is no part of a document name (tm rename refuses them)
    name = UNNAMEABLE.sub("_", stem)
    return name.strip() if not blank(name) else "document"


@dataclass(frozen=True)
class SourceText:
    """An input document read and checked: its text, a name for it and where it came from."""

    text: str
    name: str
    path: str | None
    sha256: str


def read_source(data: bytes, *, name: str, path: str | None = None) -> SourceText:
    """Check and decode an input document (UTF-8, or UTF-16 with its byte-order mark, as Windows saves
    "Unicode" text); :class:`InputError` when it cannot be translated.  A leading BOM is not kept."""
    label = path or name
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            data = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            raise InputError(f"{label} starts like UTF-16 text but is not; convert it to UTF-8 first.") from None
    if b"\x00" in data:
        raise InputError(f"{label} looks like a binary file (it contains NUL bytes); give a UTF-8 text file "
                         "(or UTF-16 with its byte-order mark, as Windows saves \"Unicode\" text).")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data":
            raise InputError(f"{label} ends in the middle of a UTF-8 character; was it cut off?") from None
        raise InputError(
            f"{label} is not UTF-8 (invalid byte at offset {exc.start}); convert it first, e.g. "
            f"`iconv -f WINDOWS-1256 -t UTF-8`."
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if blank(text):  # white space of any kind, zero-width spaces, direction marks and BOMs included
        raise InputError(f"{label} is empty; there is nothing to translate.")
    bad = _control(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise InputError(f"{label} line {line} holds the control character U+{ord(bad.group()):04X}, which no "
                         "TMX or XLIFF file can carry; remove it (e.g. with tr -d) and translate the file again.")
    return SourceText(text, name, path, hashlib.sha256(data).hexdigest())


def read_source_file(path: str | Path) -> SourceText:
    """Read an input document from *path*, refusing what is not a UTF-8 text file."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"No such file: {p}.")
    if p.is_dir():
        raise InputError(f"{p} is a directory; give a text file.")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"Cannot read {p}: {exc.strerror}.") from None
    name = document_name(p.name)
    return read_source(data, name=name, path=str(p))


def correct_segment(
    store: Store,
    conn: sqlite3.Connection,
    doc: Document,
    index: int,
    text: str,
    *,
    author: str | None = None,
    ahead: Ahead | None = None,
) -> int:
    """Store *text* as a human translation of segment *index*, beside its drafts; return its id.

    Runs inside the caller's transaction: the memory gains the pair and the draft's
    quality statistics are recorded against this correction in the same commit (from
    *ahead*, :func:`score_corrections_ahead`'s rows, when they are for the same drafts).
    """
    from . import memory, score

    if not text.strip():
        raise InputError("The correction is empty; give the English text (or - to read it from stdin).")
    text = text.strip()
    if any(c in LINE_BREAKS for c in text):
        raise InputError(f"The correction of segment {index} contains a line break; a segment is one line of the "
                         "article's layout, so give it on one line.")
    bad = _control(text)
    if bad:
        raise InputError(f"The correction of segment {index} holds the control character "
                         f"U+{ord(bad.group()):04X}, which no TMX or XLIFF file can carry; remove it.")
    segment = store.segment(doc, index)
    author = author or current_user()
    human_id = store.add_translation(conn, segment.id, origin="human", text=text, author=author)
    memory.add_unit(
        conn, source=segment.source, target=text, origin="human", author=author, translation_id=human_id
    )
    score.record_draft_stats(conn, human_id=human_id, human_text=text, segment_id=segment.id, ahead=ahead)
    return human_id


def score_corrections_ahead(store: Store, corrections: Iterable[tuple[Document, int, str]]) -> Ahead:
    """Quality statistics of corrections (document, index, text) about to be stored, computed before
    the writing transaction opens so that scoring long segments does not hold the write lock.
    Corrections that :func:`correct_segment` would refuse are left out (it refuses them itself); a
    text the segment already holds as a draft is an approval, scored like any correction."""
    from .draftstats import score_ahead

    wanted = []
    for doc, index, text in corrections:
        text = text.strip()
        if text and not any(c in LINE_BREAKS for c in text):
            try:
                segment = store.segment(doc, index)
            except TMError:
                continue
            wanted.append((segment.id, text))
    return score_ahead(store.db.conn, wanted)
