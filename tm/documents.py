"""Renaming and deleting stored documents.

A document's human corrections are also memory units (``memory_units.translation_id``).
Deleting the document keeps them in the memory by default -- they are the desk's work, and
a document is often deleted only because it was translated twice -- unlinked from the
deleted translations; with *forget_memory* they leave the memory too, but for a pair that
another document's correction also holds, which stays, linked to that correction.  The ids of
deleted documents and memory units are never given again (:func:`tm.store.next_id`), so an id
kept in a script or a draft's provenance never names another one.
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass
from typing import Any

from . import fuzzy
from .errors import InputError, NotFoundError
from .keys import words
from .segment import blank
from .store import Document, Store, retire_ids
from .workflow import UNNAMEABLE


@dataclass
class Deleted:
    """What :func:`delete_document` removed."""

    id: int
    name: str
    segments: int
    drafts: int  # translations made by an engine or taken from the memory
    corrections: int  # human translations
    memory_kept: int  # memory units made from its corrections, kept
    memory_removed: int  # ... removed (forget_memory)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def check_name(name: str) -> str:
    """*name* without surrounding spaces, or :class:`InputError` if it cannot name a document: blank
    (invisible characters only), a number (numbers are ids), on more than one line, or holding what
    an XLIFF file could not carry (exports write it in ``<file original>``)."""
    name = name.strip()
    if blank(name):
        raise InputError("The document name is empty (or invisible characters only); give a name.")
    if name.isascii() and name.isdigit():
        raise InputError(f"A document name cannot be a number ({name}): numbers refer to document ids.")
    bad = UNNAMEABLE.search(name)
    if bad is not None:
        raise InputError(f"The document name holds the character U+{ord(bad.group()):04X} (a line break, control "
                         "character or one no XLIFF file can carry); choose another name.")
    return name


def resolve(store: Store, ref: str | int) -> Document:
    """The document *ref* names, for a command that changes it: as :meth:`Store.document`, but a number
    that is one document's id and another's name (``2``, or ``doc-2`` as a file ``2.ar.txt`` is
    stored) is refused rather than guessed, since the command cannot be undone."""
    doc = store.document(ref)
    text = str(ref)
    if text.isascii() and text.isdigit():
        for name in (text, f"doc-{text}"):
            other = store.db.execute("SELECT id FROM documents WHERE name = ?", (name,)).fetchone()
            if other and other[0] != doc.id:
                raise InputError(f"{text} is both the id of document {doc.name!r} and the name of document "
                                 f"{other[0]} ({name!r}); give the name of the one you mean.")
    return doc


def rename_document(store: Store, ref: str | int | Document, new_name: str) -> tuple[Document, Document]:
    """Give the document *ref* (a name, an id or a :class:`Document` read before) the name *new_name*
    (without surrounding spaces); (before, after).  :class:`InputError` if another document has that
    name or it cannot be a name."""
    new_name = check_name(new_name)
    with store.transaction() as conn:
        doc = _current(store, ref)
        taken = conn.execute("SELECT id FROM documents WHERE name = ?", (new_name,)).fetchone()
        if taken and taken[0] != doc.id:
            raise InputError(f"A document named {new_name!r} already exists (id {taken[0]}); choose another name.")
        conn.execute("UPDATE documents SET name = ? WHERE id = ?", (new_name, doc.id))
    return doc, Document(doc.id, new_name, doc.path, doc.sha256, doc.prefix, doc.created, doc.author)


def delete_document(store: Store, ref: str | int | Document, *, forget_memory: bool = False) -> Deleted:
    """Delete the document *ref* (a name, an id or a :class:`Document` read before, which must still be
    there as it was) with its segments, drafts, corrections and their scores, in one transaction; its
    corrections stay in the memory unless *forget_memory*."""
    with store.transaction() as conn:
        doc = _current(store, ref)
        segments = "SELECT id FROM segments WHERE doc_id = ?"
        translations = f"SELECT id FROM translations WHERE segment_id IN ({segments})"
        ((n_segments,),) = conn.execute("SELECT count(*) FROM segments WHERE doc_id = ?", (doc.id,)).fetchall()
        ((drafts, corrections),) = conn.execute(
            "SELECT count(*) - coalesce(sum(origin = 'human'), 0), coalesce(sum(origin = 'human'), 0) "
            f"FROM translations WHERE segment_id IN ({segments})", (doc.id,)).fetchall()
        units = conn.execute(
            f"SELECT id, source, target, key FROM memory_units WHERE translation_id IN ({translations})",
            (doc.id,)).fetchall()
        others = _other_corrections(conn, doc.id, {(source, target) for _, source, target, _ in units})
        kept = 0
        gone: list[tuple[int, str]] = []
        for unit_id, source, target, key in units:
            other = others.get((source, target))
            if forget_memory and other is None:
                gone.append((unit_id, key))
                continue
            conn.execute("UPDATE memory_units SET translation_id = ? WHERE id = ?", (other, unit_id))
            kept += 1
        if gone:
            retire_ids(conn, "memory_units", [u for u, _ in gone])
            conn.executemany("DELETE FROM memory_units WHERE id = ?", [(u,) for u, _ in gone])
            fuzzy.remove_units(conn, [(u, words(k)) for u, k in gone])
        conn.execute("DELETE FROM draft_stats WHERE doc_id = ?", (doc.id,))
        conn.execute(f"DELETE FROM translations WHERE segment_id IN ({segments})", (doc.id,))
        conn.execute("DELETE FROM segments WHERE doc_id = ?", (doc.id,))
        retire_ids(conn, "documents", [doc.id])
        conn.execute("DELETE FROM documents WHERE id = ?", (doc.id,))
    return Deleted(doc.id, doc.name, n_segments, drafts, corrections, kept, len(gone))


def _current(store: Store, ref: str | int | Document) -> Document:
    """*ref* resolved inside the write transaction; a :class:`Document` read before must be unchanged (a
    prompt may have waited while another process deleted or renamed it)."""
    if not isinstance(ref, Document):
        return resolve(store, ref)
    row = store.db.execute("SELECT * FROM documents WHERE id = ?", (ref.id,)).fetchone()
    if row is None or Document(*row) != ref:
        raise NotFoundError(f"Document {ref.name!r} was deleted or renamed by another process meanwhile; "
                            "nothing was changed (`tm docs` lists the documents now).")
    return ref


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
