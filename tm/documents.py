"""Renaming and deleting stored documents.

A document's human corrections are also memory units (``memory_units.translation_id``).
Deleting the document keeps them in the memory by default -- they are the desk's work, and
a document is often deleted only because it was translated twice -- unlinked from the
deleted translations; with *forget_memory* they leave the memory too, but for a pair that
another document's correction also holds, which stays, linked to that correction.
"""

from __future__ import annotations

import sqlite3
import unicodedata
from dataclasses import asdict, dataclass
from typing import Any

from . import fuzzy
from .errors import InputError
from .formats.xmlchars import unwritable
from .keys import words
from .store import Document, Store


@dataclass
class Deleted:
    """What :func:`delete_document` removed."""

    doc: str
    id: int
    segments: int
    drafts: int  # translations made by an engine or taken from the memory
    corrections: int  # human translations
    memory_kept: int  # memory units made from its corrections, kept
    memory_removed: int  # ... removed (forget_memory)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def check_name(name: str) -> None:
    """:class:`InputError` unless *name* can name a document: not blank, not a number (numbers are
    ids), on one line, and nothing an XLIFF file could not carry (exports write it in ``<file original>``)."""
    if not name.strip():
        raise InputError("The document name is empty; give a name.")
    if name.isascii() and name.isdigit():
        raise InputError(f"A document name cannot be a number ({name}): numbers refer to document ids.")
    bad = next((c for c in name if unicodedata.category(c) in ("Cc", "Zl", "Zp")), None)
    if bad is None:
        bad = next((m.group() for m in unwritable(name)), None)
    if bad is not None:
        raise InputError(f"The document name holds the character U+{ord(bad):04X} (a line break, control "
                         "character or one no XLIFF file can carry); choose another name.")


def rename_document(store: Store, ref: str | int, new_name: str) -> tuple[Document, Document]:
    """Give the document *ref* (a name or id) the name *new_name*; (before, after).

    :class:`InputError` if another document has that name or it cannot be a name.
    """
    check_name(new_name)
    with store.transaction() as conn:
        doc = store.document(ref)
        taken = conn.execute("SELECT id FROM documents WHERE name = ?", (new_name,)).fetchone()
        if taken and taken[0] != doc.id:
            raise InputError(f"A document named {new_name!r} already exists (id {taken[0]}); choose another name.")
        conn.execute("UPDATE documents SET name = ? WHERE id = ?", (new_name, doc.id))
    return doc, Document(doc.id, new_name, doc.path, doc.sha256, doc.prefix, doc.created, doc.author)


def delete_document(store: Store, ref: str | int, *, forget_memory: bool = False) -> Deleted:
    """Delete the document *ref* (a name or id) with its segments, drafts, corrections and their
    scores, in one transaction; its corrections stay in the memory unless *forget_memory*."""
    with store.transaction() as conn:
        doc = store.document(ref)
        segments = "SELECT id FROM segments WHERE doc_id = ?"
        translations = f"SELECT id FROM translations WHERE segment_id IN ({segments})"
        ((n_segments,),) = conn.execute("SELECT count(*) FROM segments WHERE doc_id = ?", (doc.id,)).fetchall()
        ((drafts, corrections),) = conn.execute(
            f"SELECT count(*) - coalesce(sum(origin = 'human'), 0), coalesce(sum(origin = 'human'), 0) "
            f"FROM translations WHERE segment_id IN ({segments})", (doc.id,)).fetchall()
        units = conn.execute(
            f"SELECT id, source, target, key FROM memory_units WHERE translation_id IN ({translations})",
            (doc.id,)).fetchall()
        others = _other_corrections(conn, doc.id, {(source, target) for _, source, target, _ in units})
        kept = removed = 0
        gone: list[tuple[int, str]] = []
        for unit_id, source, target, key in units:
            other = others.get((source, target))
            if forget_memory and other is None:
                gone.append((unit_id, key))
                continue
            conn.execute("UPDATE memory_units SET translation_id = ? WHERE id = ?", (other, unit_id))
            kept += 1
        if gone:
            conn.executemany("DELETE FROM memory_units WHERE id = ?", [(u,) for u, _ in gone])
            fuzzy.remove_units(conn, [(u, words(k)) for u, k in gone])
            removed = len(gone)
        conn.execute("DELETE FROM draft_stats WHERE doc_id = ?", (doc.id,))
        conn.execute(f"DELETE FROM translations WHERE segment_id IN ({segments})", (doc.id,))
        conn.execute("DELETE FROM segments WHERE doc_id = ?", (doc.id,))
        conn.execute("DELETE FROM documents WHERE id = ?", (doc.id,))
    return Deleted(doc.name, doc.id, n_segments, drafts, corrections, kept, removed)


def _other_corrections(conn: sqlite3.Connection, doc_id: int,
                       pairs: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """For each (source, target) of *pairs* that another document's human translation holds, the newest
    such translation's id (one pass over the other documents' corrections)."""
    found: dict[tuple[str, str], int] = {}
    if not pairs:
        return found
    targets = {target for _, target in pairs}
    rows = conn.execute(
        "SELECT t.id, s.source, t.text FROM translations t JOIN segments s ON s.id = t.segment_id "
        "WHERE t.origin = 'human' AND s.doc_id != ? ORDER BY t.id", (doc_id,))
    for translation_id, source, text in rows:
        if text in targets and (source, text) in pairs:
            found[(source, text)] = translation_id
    return found
