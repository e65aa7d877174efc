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
CHECK_BYTES = 128 * 2**20  # quick_check the tables a write touched in a database up to this size (~0.15 s)...
BULK_CHANGES = 100_000  # ...or in a larger one when a transaction changed this many rows (a memory import)


def default_db_path() -> Path:
    """``$TM_DB``, else ``$XDG_DATA_HOME/tm/tm.db`` (``~/.local/share/tm/tm.db``).

    A relative ``$XDG_DATA_HOME`` is ignored, as the XDG Base Directory specification says."""
    if os.environ.get("TM_DB"):
        return Path(os.environ["TM_DB"])
    base = os.environ.get("XDG_DATA_HOME", "")
    if not os.path.isabs(base):
        base = os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "tm" / "tm.db"


def _explicit(path: str | os.PathLike[str] | None) -> bool:
    """Whether the database was named (``--db`` or ``$TM_DB``) rather than tm's default one."""
    return path is not None or bool(os.environ.get("TM_DB"))


#: Commits made by this process (read by the CLI to tell what an interruption left).
commits = 0


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

    def __init__(self, db: sqlite_utils.Database, path: str, *, readonly: bool = False):
        self.db = db
        self.path = path
        self.readonly = readonly  # its directory cannot be written: opened read-only (see :meth:`open`)
        self._probed = False
        self._written: set[str] = set()  # the tables written through this connection (its authorizer)
        self._checked: set[str] = set()
        if not readonly:
            db.conn.set_authorizer(self._authorize)

    @classmethod
    def open(cls, path: str | os.PathLike[str] | None = None, *, create: bool = True) -> Store:
        """Open (creating and migrating as needed) the database at *path* or the default.

        With *create* false a *path* that does not exist is an error (a mistyped ``--db``
        should not start an empty database); the default database is still created.  A named
        database (*path* or ``$TM_DB``) must be in a directory that exists; tm's default one
        gets its directories made.  A database in a directory that cannot be written is opened
        read-only (SQLite cannot create its ``-wal`` and ``-shm`` files there): it can be read,
        and a write is refused with a :class:`StoreError` before anything is written.
        """
        target = Path(path) if path is not None else default_db_path()
        readonly = False
        if str(target) != ":memory:":
            if target.is_dir():
                raise StoreError(f"The database path {target} is a directory; give a file path with --db.")
            if not create and path is not None and not target.exists():
                raise StoreError(f"No database at {target}; check --db or $TM_DB (`tm translate` or "
                                 "`tm memory import` creates one).")
            parent = target.parent
            if _explicit(path) and not parent.is_dir():
                what = "is not a directory" if parent.exists() else "does not exist"
                raise StoreError(f"Cannot create the database {target}: {parent} {what}; create the directory "
                                 f"first (mkdir -p {parent}) or correct --db / $TM_DB.")
            parent.mkdir(parents=True, exist_ok=True)
            readonly = target.exists() and not _writable_beside(target)
            wal = Path(f"{target}-wal")
            if readonly and wal.exists() and wal.stat().st_size:  # changes not yet in the file itself
                raise StoreError(f"Cannot read the database {target}: its directory {parent} is not writable and "
                                 f"{wal.name} holds changes that SQLite can only bring in by writing there; make "
                                 "the directory writable and run tm again.")
        try:
            if readonly:  # immutable: SQLite reads the file alone, with no -shm to coordinate through
                conn = sqlite3.connect(f"{target.absolute().as_uri()}?mode=ro&immutable=1", uri=True,
                                       timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)  # fmt: skip
            else:
                conn = sqlite3.connect(str(target), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            if str(target) != ":memory:" and not readonly:
                conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            db = sqlite_utils.Database(conn)
            if readonly:
                _check_readonly_schema(db, target)
            else:
                migrate(db)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"Cannot open the database {target}: {exc}.") from None
        store = cls(db, str(target), readonly=readonly)
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
        if self.readonly:
            folder = os.path.dirname(os.path.abspath(self.path))
            raise StoreError(f"Cannot write the database {self.path}: its directory {folder} is not writable, "
                             "and SQLite must create the database's -wal and -shm files there; nothing was "
                             "written: make the directory writable or move the database to one that is.")
        if not self._probed:
            self._probe()
        changes = conn.total_changes
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
            self._check_written(conn.total_changes - changes)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        global commits
        commits += 1

    # -- damage checks -----------------------------------------------------------------
    #
    # Reading a damaged page fails, and the CLI says so; a write must not add to a damaged
    # database either.  PRAGMA quick_check of the whole file reads every page: 1.9 s for a
    # 1M-unit memory (840 MB), too slow for every command.  So before its first write a process
    # reads the first and last rows of every table (about a millisecond), and before each commit
    # it runs quick_check on the tables it wrote (and their indexes), once per table: always in a
    # database of up to CHECK_BYTES, and in a larger one only after a bulk write (a memory
    # import), since a one-row write there (`tm correct`: 1.1 s for the memory tables) would pay
    # for the whole table.  A one-row write to a large database still reads, and so checks, every
    # page on its way: SQLite refuses a malformed one, and the transaction is rolled back.

    def _authorize(self, action: int, arg1: str | None, arg2: str | None, schema: str | None,
                   trigger: str | None) -> int:  # fmt: skip
        if action in _WRITES and schema == "main" and arg1 and not arg1.startswith("sqlite_"):
            self._written.add(arg1)
        return sqlite3.SQLITE_OK

    def _probe(self) -> None:
        """Read the first and last rows of every table: refuses a database whose table roots are damaged."""
        try:
            tables = [r[0] for r in self.db.conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]  # fmt: skip
            for table in tables:
                quoted = '"' + table.replace('"', '""') + '"'
                self.db.conn.execute(f"SELECT * FROM {quoted} LIMIT 1").fetchall()
                self.db.conn.execute(f"SELECT max(rowid) FROM {quoted}").fetchall()
        except sqlite3.DatabaseError as exc:
            raise self._damaged(str(exc)) from None
        self._probed = True

    def _check_written(self, changes: int) -> None:
        """``PRAGMA quick_check`` each table written (and its indexes) not yet checked by this process,
        unless the database is large and the transaction made fewer than BULK_CHANGES *changes*."""
        fresh = sorted(self._written - self._checked)
        if not fresh:
            return
        if changes < BULK_CHANGES:
            ((pages,),) = self.db.conn.execute("PRAGMA page_count").fetchall()
            ((size,),) = self.db.conn.execute("PRAGMA page_size").fetchall()
            if pages * size > CHECK_BYTES:
                return
        for table in fresh:
            quoted = "'" + table.replace("'", "''") + "'"
            try:
                rows = self.db.conn.execute(f"PRAGMA quick_check({quoted})").fetchall()
            except sqlite3.DatabaseError as exc:
                raise self._damaged(str(exc)) from None
            if rows != [("ok",)]:
                raise self._damaged(str(rows[0][0]) if rows else "quick_check gave no answer")
            self._checked.add(table)

    def _damaged(self, detail: str) -> StoreError:
        return StoreError(f"The database {self.path} is damaged ({detail.rstrip('.')}); nothing was written: "
                          f"restore it from a backup, or salvage it with `sqlite3 {self.path} .recover`.")

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
        doc_id = next_id(conn, "documents")
        conn.execute(
            "INSERT INTO documents (id, name, path, sha256, prefix, created, author) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (doc_id, unique, path, sha256, prefix, created, author),
        )
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

    def documents(self, doc: Document | None = None) -> list[dict[str, Any]]:
        """Every document (or only *doc*) with its counts of segments, drafted and corrected segments."""
        sql = f"""
            SELECT d.id, d.name, d.path, d.created, d.author,
                   COUNT(s.id) AS segments,
                   SUM(EXISTS (SELECT 1 FROM translations t WHERE t.segment_id = s.id
                                AND t.origin != 'human')) AS drafted,
                   SUM(EXISTS (SELECT 1 FROM translations t WHERE t.segment_id = s.id
                                AND t.origin = 'human')) AS corrected
            FROM documents d LEFT JOIN segments s ON s.doc_id = d.id
            {"WHERE d.id = ?" if doc else ""} GROUP BY d.id ORDER BY d.id
        """
        out = []
        for row in self.db.query(sql, [doc.id] if doc else []):
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


_WRITES = frozenset({sqlite3.SQLITE_INSERT, sqlite3.SQLITE_UPDATE, sqlite3.SQLITE_DELETE})
_RETIRING = ("documents", "memory_units")  # tables whose deleted ids are never given again


def next_id(conn: sqlite3.Connection, table: str) -> int:
    """The id the next row of *table* (documents or memory_units) gets, inside the caller's write
    transaction: past both the highest id there and the highest ever deleted from it, so that an id a
    desk's script, a draft's provenance or an exported file holds never names another row."""
    assert table in _RETIRING
    (last,) = conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()
    row = conn.execute("SELECT last FROM retired_ids WHERE tbl = ?", (table,)).fetchone()
    return max(int(last), int(row[0]) if row else 0) + 1


def retire_ids(conn: sqlite3.Connection, table: str, ids: Sequence[int]) -> None:
    """Record, inside the caller's transaction, that *ids* of *table* are being deleted (see :func:`next_id`)."""
    assert table in _RETIRING
    if ids:
        conn.execute("INSERT INTO retired_ids (tbl, last) VALUES (?, ?) "
                     "ON CONFLICT (tbl) DO UPDATE SET last = max(last, excluded.last)", (table, max(ids)))


def _writable_beside(target: Path) -> bool:
    """Whether SQLite can keep its ``-wal`` and ``-shm`` files beside *target* (they exist and can be
    written, or its directory can be written)."""
    folder = target.parent if str(target.parent) else Path(".")
    if os.access(folder, os.W_OK | os.X_OK):
        return True
    sidecars = [Path(f"{target}-wal"), Path(f"{target}-shm")]
    return all(p.exists() and os.access(p, os.W_OK) for p in sidecars)


def _check_readonly_schema(db: sqlite_utils.Database, target: Path) -> None:
    """Refuse a read-only database that needs a migration (it cannot be written) or is newer than tm."""
    from .migrations import SCHEMA_VERSION

    (version,) = db.execute("PRAGMA user_version").fetchone()
    if version < SCHEMA_VERSION:
        raise StoreError(f"The database {target} needs an upgrade to this tm's schema, but its directory "
                         f"{target.parent} is not writable; make the directory writable and run tm again.")
    migrate(db)  # at the current version it only checks; newer: its one-line error


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
