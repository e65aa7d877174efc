"""Reading input documents and storing human corrections: the steps every front-end shares."""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError
from .store import Document, Store, current_user


@dataclass(frozen=True)
class SourceText:
    """An input document read and checked: its text, a name for it and where it came from."""

    text: str
    name: str
    path: str | None
    sha256: str


def read_source(data: bytes, *, name: str, path: str | None = None) -> SourceText:
    """Check and decode an input document; :class:`InputError` when it cannot be translated."""
    label = path or name
    if b"\x00" in data:
        raise InputError(f"{label} looks like a binary file (it contains NUL bytes); give a UTF-8 text file.")
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
    if not text.strip():
        raise InputError(f"{label} is empty; there is nothing to translate.")
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
    name = p.name.split(".")[0] or p.name
    return read_source(data, name=name, path=str(p))


def correct_segment(
    store: Store,
    conn: sqlite3.Connection,
    doc: Document,
    index: int,
    text: str,
    *,
    author: str | None = None,
) -> int:
    """Store *text* as a human translation of segment *index*, beside its drafts; return its id.

    Runs inside the caller's transaction: the memory gains the pair and the draft's
    quality statistics are recorded against this correction in the same commit.
    """
    from . import memory, score

    if not text.strip():
        raise InputError("The correction is empty; give the English text (or - to read it from stdin).")
    text = text.strip()
    if any(c in text for c in "\r\n\u2028\u2029"):
        raise InputError(f"The correction of segment {index} contains a line break; a segment is one line of the "
                         "article's layout, so give it on one line.")
    segment = store.segment(doc, index)
    author = author or current_user()
    human_id = store.add_translation(conn, segment.id, origin="human", text=text, author=author)
    memory.add_unit(
        conn, source=segment.source, target=text, origin="human", author=author, translation_id=human_id
    )
    score.record_draft_stats(conn, human_id=human_id, human_text=text, segment_id=segment.id)
    return human_id
