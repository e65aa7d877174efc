"""The SQLite store: documents, their segments, and every translation with its provenance.

One file, opened through :mod:`sqlite_utils`.  A translation is never updated in
place: an MT draft, a memory match and each human correction are separate rows of
``translations`` beside the same segment, so the draft survives its correction.

Writes go through :meth:`Store.transaction` (``BEGIN IMMEDIATE``) so that a crash
leaves the database as it was, and WAL mode with a busy timeout lets several tm
processes write the same file.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from .errors import InputError, NotFoundError, StoreError
from .migrations import migrate
from .normalize import normalize

BUSY_TIMEOUT_MS = 60_000


def default_db_path() -> Path:
    """``$TM_DB``, else ``$XDG_DATA_HOME/tm/tm.db`` (``~/.local/share/tm/tm.db``)."""
    if os.environ.get("TM_DB"):
        return Path(os.environ["TM_DB"])
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "tm" / "tm.db"


def now() -> str:
    """The current UTC time as ISO 8601 with seconds."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def current_user() -> str:
    """Who is working: ``$TM_AUTHOR``, else the login name."""
    try:
        return os.environ.get("TM_AUTHOR") or getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"


@dataclass
class Translation:
    id: int
    origin: str
    text: str
    engine: str | None
    model: str | None
    author: str | None
    created: str
    match: float | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "origin": self.origin,
            "text": self.text,
            "engine": self.engine,
            "model": self.model,
            "author": self.author,
            "created": self.created,
            "match": self.match,
            **({"details": self.details} if self.details else {}),
        }


@dataclass
class Segment:
    id: int
    doc_id: int
    index: int
    paragraph: int
    source: str
    sep: str
    key: str
    translations: list[Translation] = field(default_factory=list)

    @property
    def latest_human(self) -> Translation | None:
        humans = [t for t in self.translations if t.origin == "human"]
        return humans[-1] if humans else None

    @property
    def draft(self) -> Translation | None:
        """The latest non-human translation: the draft the desk works from."""
        drafts = [t for t in self.translations if t.origin != "human"]
        return drafts[-1] if drafts else None

    @property
    def best(self) -> Translation | None:
        """The latest human translation, else the draft."""
        return self.latest_human or self.draft


@dataclass
class Document:
    id: int
    name: str
    path: str | None
    sha256: str
    prefix: str
    created: str
    author: str | None


class Store:
    """A tm database.  Use :meth:`open`; close with :meth:`close` or as a context manager."""

    def __init__(self, db: sqlite_utils.Database, path: str):
        self.db = db
        self.path = path

    @classmethod
    def open(cls, path: str | os.PathLike[str] | None = None, *, create: bool = True) -> Store:
        """Open (creating and migrating as needed) the database at *path* or the default.

        With *create* false a *path* that does not exist is an error (a mistyped ``--db``
        should not start an empty database); the default database is still created.
        """
        target = Path(path) if path is not None else default_db_path()
        if str(target) != ":memory:":
            if target.is_dir():
                raise StoreError(f"The database path {target} is a directory; give a file path with --db.")
            if not create and path is not None and not target.exists():
                raise StoreError(f"No database at {target}; check --db or $TM_DB (`tm translate` or "
                                 "`tm memory import` creates one).")
            target.parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = sqlite3.connect(str(target), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            if str(target) != ":memory:":
                conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            db = sqlite_utils.Database(conn)
            migrate(db)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"Cannot open the database {target}: {exc}.") from None
        store = cls(db, str(target))
        return store

    def close(self) -> None:
        self.db.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One all-or-nothing write transaction (``BEGIN IMMEDIATE``); nests as a savepoint.

        Inside it use ``conn.execute``/``executemany``: sqlite-utils' insert helpers
        commit on their own and would break the all-or-nothing guarantee.
        """
        conn = self.db.conn
        if conn.in_transaction:
            name = f"sp{id(conn)}_{os.getpid()}"
            conn.execute(f"SAVEPOINT {name}")
            try:
                yield conn
            except BaseException:
                conn.execute(f"ROLLBACK TO {name}")
                conn.execute(f"RELEASE {name}")
                raise
            conn.execute(f"RELEASE {name}")
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    # -- documents -----------------------------------------------------------------

    def add_document(
        self,
        conn: sqlite3.Connection,
        *,
        name: str,
        path: str | None,
        sha256: str,
        prefix: str,
        segments: Sequence[tuple[str, str, int]],
        author: str | None = None,
        exact_name: bool = False,
    ) -> tuple[Document, list[Segment]]:
        """Insert a document and its ``(source, sep, paragraph)`` segments inside *conn*'s transaction.

        The name is made unique by a ``-2``, ``-3``… suffix, or, with *exact_name*, kept as
        given (:class:`InputError` if a document has it).  A name cannot be a number: ids are.
        """
        if name.isascii() and name.isdigit():
            if exact_name:
                raise InputError(f"A document name cannot be a number ({name}): numbers refer to document ids.")
            name = f"doc-{name}"
        if exact_name and conn.execute("SELECT 1 FROM documents WHERE name = ?", (name,)).fetchone():
            raise InputError(f"A document named {name!r} already exists; choose another --name "
                             f"(or `tm redraft {name}` to draft it again with another engine).")
        unique = name
        n = 1
        while conn.execute("SELECT 1 FROM documents WHERE name = ?", (unique,)).fetchone():
            n += 1
            unique = f"{name}-{n}"
        created = now()
        author = author or current_user()
        cur = conn.execute(
            "INSERT INTO documents (name, path, sha256, prefix, created, author) VALUES (?, ?, ?, ?, ?, ?)",
            (unique, path, sha256, prefix, created, author),
        )
        doc_id = int(cur.lastrowid or 0)
        rows = []
        for i, (source, sep, paragraph) in enumerate(segments, start=1):
            key = normalize(source)
            cur = conn.execute(
                "INSERT INTO segments (doc_id, idx, paragraph, source, sep, key) VALUES (?, ?, ?, ?, ?, ?)",
                (doc_id, i, paragraph, source, sep, key),
            )
            rows.append(Segment(int(cur.lastrowid or 0), doc_id, i, paragraph, source, sep, key))
        return Document(doc_id, unique, path, sha256, prefix, created, author), rows

    def document(self, ref: str | int) -> Document:
        """The document with id *ref* (a number), else named *ref* (or ``doc-<ref>``, as a file named
        with a number is stored); :class:`NotFoundError` if none."""
        text = str(ref)
        row = None
        number = text.isascii() and text.isdigit()
        if number and len(text) <= 18:  # an id (names cannot be numbers; older databases may have some)
            row = self.db.execute("SELECT * FROM documents WHERE id = ?", (int(text),)).fetchone()
        if row is None:
            row = self.db.execute("SELECT * FROM documents WHERE name = ?", (text,)).fetchone()
        if row is None and number:  # a file named 20240105.ar.txt is stored as doc-20240105
            row = self.db.execute("SELECT * FROM documents WHERE name = ?", (f"doc-{text}",)).fetchone()
        if row is None:
            raise NotFoundError(f"No document {text!r} in {self.path}; `tm docs` lists them.")
        return Document(*row)

    def documents(self) -> list[dict[str, Any]]:
        """Every document with its counts of segments, drafted and corrected segments."""
        sql = """
            SELECT d.id, d.name, d.path, d.created, d.author,
                   COUNT(s.id) AS segments,
                   SUM(EXISTS (SELECT 1 FROM translations t WHERE t.segment_id = s.id
                                AND t.origin != 'human')) AS drafted,
                   SUM(EXISTS (SELECT 1 FROM translations t WHERE t.segment_id = s.id
                                AND t.origin = 'human')) AS corrected
            FROM documents d LEFT JOIN segments s ON s.doc_id = d.id
            GROUP BY d.id ORDER BY d.id
        """
        out = []
        for row in self.db.query(sql):
            row["drafted"] = row["drafted"] or 0
            row["corrected"] = row["corrected"] or 0
            out.append(row)
        return out

    # -- segments and translations ---------------------------------------------------

    def segments(self, doc: Document, *, with_translations: bool = True) -> list[Segment]:
        """The segments of *doc* in order, each with its translations oldest first."""
        segs = [
            Segment(r["id"], r["doc_id"], r["idx"], r["paragraph"], r["source"], r["sep"], r["key"])
            for r in self.db.query("SELECT * FROM segments WHERE doc_id = ? ORDER BY idx", [doc.id])
        ]
        if with_translations and segs:
            by_id = {s.id: s for s in segs}
            sql = """SELECT t.* FROM translations t JOIN segments s ON s.id = t.segment_id
                     WHERE s.doc_id = ? ORDER BY t.id"""
            for r in self.db.query(sql, [doc.id]):
                by_id[r["segment_id"]].translations.append(_translation(r))
        return segs

    def segment(self, doc: Document, index: int) -> Segment:
        """Segment *index* (1-based) of *doc*, with its translations."""
        row = self.db.execute(
            "SELECT id, doc_id, idx, paragraph, source, sep, key FROM segments WHERE doc_id = ? AND idx = ?",
            (doc.id, index),
        ).fetchone()
        if row is None:
            (count,) = self.db.execute("SELECT COUNT(*) FROM segments WHERE doc_id = ?", (doc.id,)).fetchone()
            raise NotFoundError(
                f"Document {doc.name!r} has no segment {index}; its segments are numbered 1 to {count}."
            )
        seg = Segment(*row)
        seg.translations = [
            _translation(r)
            for r in self.db.query("SELECT * FROM translations WHERE segment_id = ? ORDER BY id", [seg.id])
        ]
        return seg

    def add_translation(
        self,
        conn: sqlite3.Connection,
        segment_id: int,
        *,
        origin: str,
        text: str,
        engine: str | None = None,
        model: str | None = None,
        author: str | None = None,
        match: float | None = None,
        details: dict[str, Any] | None = None,
        created: str | None = None,
    ) -> int:
        """Insert one translation row inside *conn*'s transaction; return its id."""
        cur = conn.execute(
            """INSERT INTO translations (segment_id, origin, text, engine, model, author, created, match, details)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                segment_id,
                origin,
                text,
                engine,
                model,
                author,
                created or now(),
                match,
                json.dumps(details, ensure_ascii=False) if details else None,
            ),
        )
        return int(cur.lastrowid or 0)


def _translation(row: dict[str, Any]) -> Translation:
    return Translation(
        id=row["id"],
        origin=row["origin"],
        text=row["text"],
        engine=row["engine"],
        model=row["model"],
        author=row["author"],
        created=row["created"],
        match=row["match"],
        details=json.loads(row["details"]) if row["details"] else {},
    )
