"""Schema versions of the tm database.

Each migration is a function that takes the open :class:`sqlite_utils.Database`
and brings the schema one version forward; the version reached is kept in
``PRAGMA user_version``.  Add new migrations at the end of :data:`MIGRATIONS`;
never edit one that has shipped.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils

from .errors import StoreError


def _run_script(db: sqlite_utils.Database, script: str) -> None:
    # executescript() would COMMIT the migration's transaction first: run statement by statement.
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def _m001_initial(db: sqlite_utils.Database) -> None:
    _run_script(
        db,
        """
        CREATE TABLE documents (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            path TEXT,
            sha256 TEXT NOT NULL,
            prefix TEXT NOT NULL DEFAULT '',   -- text before the first segment
            created TEXT NOT NULL,
            author TEXT
        );
        CREATE TABLE segments (
            id INTEGER PRIMARY KEY,
            doc_id INTEGER NOT NULL REFERENCES documents(id),
            idx INTEGER NOT NULL,             -- 1-based position in the document
            paragraph INTEGER NOT NULL,       -- 1-based paragraph (line block) number
            source TEXT NOT NULL,             -- original text, byte for byte
            sep TEXT NOT NULL,                -- separator that follows it in the original
            key TEXT NOT NULL,                -- normalised matching key
            UNIQUE (doc_id, idx)
        );
        CREATE TABLE translations (
            id INTEGER PRIMARY KEY,
            segment_id INTEGER NOT NULL REFERENCES segments(id),
            origin TEXT NOT NULL,             -- mt | human | tm-exact | tm-fuzzy
            text TEXT NOT NULL,
            engine TEXT,
            model TEXT,
            author TEXT,
            created TEXT NOT NULL,
            match REAL,                       -- memory match percentage (tm-*)
            details TEXT                      -- JSON: terms, missing terms, numbers, quantisation
        );
        CREATE INDEX translations_segment ON translations(segment_id);
        CREATE TABLE memory_units (
            id INTEGER PRIMARY KEY,
            source TEXT NOT NULL,             -- Arabic, byte for byte
            target TEXT NOT NULL,             -- English
            key TEXT NOT NULL,                -- normalised source
            key_hash INTEGER NOT NULL,        -- 64-bit hash of key (tm.keys.key_hash): exact lookup, duplicates
            origin TEXT NOT NULL,             -- human | import
            file TEXT,                        -- imported from
            note TEXT,
            props TEXT,                       -- JSON: TMX props, tuid, dates, attributes
            created TEXT NOT NULL,
            author TEXT,
            translation_id INTEGER REFERENCES translations(id)
            -- duplicates (same source and target) are refused through key_hash + a text comparison
        );
        CREATE INDEX memory_units_key_hash ON memory_units(key_hash);
        CREATE TABLE memory_postings (        -- the fuzzy index of memory_units (tm.fuzzy)
            token TEXT NOT NULL,              -- a word of the normalised source
            start INTEGER NOT NULL,           -- the first unit id of this chunk
            ids BLOB NOT NULL                 -- int64 LE per unit, ascending: id << 16 | min(words, 65535)
        );
        CREATE INDEX memory_postings_token ON memory_postings(token, start);
        CREATE TABLE glossaries (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            description TEXT,
            source TEXT,
            created TEXT NOT NULL
        );
        CREATE TABLE glossary_entries (
            id INTEGER PRIMARY KEY,
            glossary_id INTEGER NOT NULL REFERENCES glossaries(id),
            ar TEXT NOT NULL,
            en TEXT NOT NULL,
            key TEXT NOT NULL,                -- normalised Arabic term
            variants TEXT NOT NULL DEFAULT '[]',     -- JSON list: Arabic variants
            alternatives TEXT NOT NULL DEFAULT '[]', -- JSON list: accepted English variants
            forbidden TEXT NOT NULL DEFAULT '[]',    -- JSON list: English renderings ruled out
            note TEXT,
            created TEXT NOT NULL,
            created_by TEXT,
            updated TEXT,
            updated_by TEXT,
            UNIQUE (glossary_id, key)
        );
        CREATE TABLE draft_stats (            -- each draft scored against its segment's latest correction
            draft_id INTEGER PRIMARY KEY REFERENCES translations(id),
            human_id INTEGER NOT NULL REFERENCES translations(id),
            segment_id INTEGER NOT NULL REFERENCES segments(id),
            doc_id INTEGER NOT NULL REFERENCES documents(id),
            origin TEXT NOT NULL,             -- the draft's: mt | tm-fuzzy | tm-exact
            engine TEXT,
            model TEXT,
            created TEXT NOT NULL,            -- when the draft was made
            unchanged INTEGER NOT NULL,       -- 1 when the correction is the draft unchanged
            bleu REAL NOT NULL,               -- sentence-level scores of the draft
            chrf REAL NOT NULL,
            ter REAL NOT NULL,                -- HTER, percent
            layout INTEGER NOT NULL,          -- tm.stats.LAYOUT_VERSION
            stats BLOB NOT NULL               -- sacrebleu sufficient statistics, int32 (tm.stats)
        );
        CREATE INDEX draft_stats_segment ON draft_stats(segment_id);
        CREATE INDEX draft_stats_doc ON draft_stats(doc_id);
        """
    )


def _m002_rekey(db: sqlite_utils.Database) -> None:
    """Every stored key recomputed with version 2's rules (Urdu ۃ ہ ھ ۀ ے and their presentation forms,
    bidi embeddings and isolates, ZWSP; memory units keyed without their list marker, :mod:`tm.markers`),
    so that a stored text still matches itself; the memory's fuzzy index is rebuilt if a unit changed.
    A glossary entry whose new key is another entry's spelling (its term or a variant) in the same glossary
    gives way to that entry, whose rules stand: its English, alternatives, forbidden renderings and note
    are kept in that entry's note, and it is removed (it could no longer be told apart)."""
    from . import fuzzy
    from .keys import batch_keys, key_hash
    from .markers import body

    def changed(sql: str, text: Callable[[str], str]) -> list[tuple[int, str]]:
        out: list[tuple[int, str]] = []
        cursor = db.conn.execute(sql)
        while rows := cursor.fetchmany(50_000):
            keys = batch_keys([text(r[1]) for r in rows])
            out += [(r[0], k) for r, k in zip(rows, keys, strict=True) if k != r[2]]
        return out

    units = changed("SELECT id, source, key FROM memory_units", body)
    db.conn.executemany("UPDATE memory_units SET key = ?, key_hash = ? WHERE id = ?",
                        [(k, key_hash(k), i) for i, k in units])
    db.conn.executemany("UPDATE segments SET key = ? WHERE id = ?",
                        [(k, i) for i, k in changed("SELECT id, source, key FROM segments", str)])
    _rekey_glossary_entries(db, changed("SELECT id, ar, key FROM glossary_entries", str))
    _drop_shadowed_variants(db)
    if units:
        fuzzy.rebuild(db.conn)


def _rekey_glossary_entries(db: sqlite_utils.Database, entries: list[tuple[int, str]]) -> None:
    """Give each glossary entry of *entries* (id, new key) its new key, in that order; an entry whose new
    key is, by then, another entry's key or one of its variants (in the same glossary) gives way to that
    entry, whose rules stand: its English, alternatives, forbidden renderings and note are kept in
    that entry's note, and it is removed (it could no longer be told apart)."""
    import json

    from .normalize import normalize

    # Who holds each spelling, kept current as entries are re-keyed and merged: looking an owner up
    # must not read the whole glossary again for each entry (a 2,000-entry glossary took 36 s so).
    current: dict[int, tuple[int, str, frozenset[str]]] = {}  # id → (glossary, key, variant keys)
    by_key: dict[tuple[int, str], int] = {}
    by_variant: dict[tuple[int, str], set[int]] = {}
    if entries:
        for other_id, gid, other_key, variants in db.conn.execute(
                "SELECT id, glossary_id, key, variants FROM glossary_entries"):
            spellings = frozenset(normalize(v) for v in json.loads(variants))
            current[other_id] = (gid, other_key, spellings)
            by_key[(gid, other_key)] = other_id
            for spelling in spellings:
                by_variant.setdefault((gid, spelling), set()).add(other_id)
    for entry_id, new_key in entries:
        gid, ar, en, alternatives, forbidden, note = db.conn.execute(
            "SELECT glossary_id, ar, en, alternatives, forbidden, note FROM glossary_entries WHERE id = ?",
            (entry_id,)).fetchone()
        # the entry whose key is new_key, or which has it as a variant; of several, the first in the
        # order of the glossary's key index (glossary_id, key), as a scan of the glossary meets them
        holders = by_variant.get((gid, new_key), set()) | {by_key.get((gid, new_key), entry_id)}
        owner = min((i for i in holders if i != entry_id), key=lambda i: current[i][1], default=None)
        _, old_key, spellings = current[entry_id]
        del by_key[(gid, old_key)]
        if owner is None:
            db.conn.execute("UPDATE glossary_entries SET key = ? WHERE id = ?", (new_key, entry_id))
            current[entry_id] = (gid, new_key, spellings)
            by_key[(gid, new_key)] = entry_id
            continue
        del current[entry_id]
        for spelling in spellings:
            by_variant[(gid, spelling)].discard(entry_id)
        # Its spelling is now another entry's: that entry's rules stand, and the note keeps what this one said.
        said = "; ".join(part for part in (
            f"{ar} → {en}", f"also {', '.join(json.loads(alternatives))}" if json.loads(alternatives) else "",
            f"not {', '.join(json.loads(forbidden))}" if json.loads(forbidden) else "", note or "") if part)
        db.conn.execute("UPDATE glossary_entries SET note = trim(coalesce(note, '') || ' ' || ?) WHERE id = ?",
                        (f"[tm 0.1 schema 2 merged the entry with the same spelling: {said}]", owner))
        db.conn.execute("DELETE FROM glossary_entries WHERE id = ?", (entry_id,))


def _drop_shadowed_variants(db: sqlite_utils.Database) -> None:
    """A variant whose spelling, read with the current rules, is another entry's term or variant in the
    same glossary is dropped from its entry (the spelling can belong to one entry only; the glossary
    refuses every edit of an entry that holds such a variant), and the drop is noted in the entry."""
    import json

    from .normalize import normalize

    owners: dict[tuple[int, str], int] = {}
    rows = db.conn.execute("SELECT id, glossary_id, key, variants FROM glossary_entries ORDER BY id").fetchall()
    for entry_id, gid, key, _ in rows:
        owners.setdefault((gid, key), entry_id)
    for entry_id, gid, _, variants in rows:
        kept: list[str] = []
        dropped: list[str] = []
        for variant in json.loads(variants):
            owner = owners.setdefault((gid, normalize(variant)), entry_id)
            (kept if owner == entry_id else dropped).append(variant)
        if dropped:
            db.conn.execute(
                "UPDATE glossary_entries SET variants = ?, note = trim(coalesce(note, '') || ' ' || ?) WHERE id = ?",
                (json.dumps(kept, ensure_ascii=False),
                 f"[tm 0.1 schema 2 dropped the variant(s) {', '.join(dropped)}: now another entry's spelling]",
                 entry_id))


def _m003_deletions(db: sqlite_utils.Database) -> None:
    """What deleting documents needs (``tm delete``): indexes on the columns that refer to translations
    (with foreign keys on, each deleted translation otherwise scans the memory: minutes at 1M units), and
    the highest id deleted from documents and from memory units, which is never given again (SQLite would
    give max(id) + 1): ids a desk's script or a draft's provenance holds."""
    _run_script(
        db,
        """
        CREATE INDEX IF NOT EXISTS memory_units_translation ON memory_units(translation_id);
        CREATE INDEX IF NOT EXISTS draft_stats_human ON draft_stats(human_id);
        CREATE TABLE IF NOT EXISTS retired_ids (
            tbl TEXT PRIMARY KEY,             -- documents | memory_units
            last INTEGER NOT NULL             -- the highest id deleted from it
        );
        """
    )


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [_m001_initial, _m002_rekey, _m003_deletions]
SCHEMA_VERSION = len(MIGRATIONS)


def _refuse_foreign(db: sqlite_utils.Database) -> None:
    """Refuse an SQLite database of another program (tables but no tm schema version): adding tm's
    tables to it would change a file that is not tm's."""
    tables = [row[0] for row in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
        "ORDER BY name")]
    if tables:
        shown = ", ".join(tables[:5]) + (f" and {len(tables) - 5} more" if len(tables) > 5 else "")
        raise StoreError(f"The database is another program's SQLite file (tables {shown}), not a tm database; "
                         "give tm a file of its own with --db or $TM_DB.")


def migrate(db: sqlite_utils.Database) -> int:
    """Bring *db* to :data:`SCHEMA_VERSION`; return the version it had before."""
    (version,) = db.execute("PRAGMA user_version").fetchone()
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"The database is at schema version {version}, newer than this tm ({SCHEMA_VERSION}); "
            "upgrade tm to use it."
        )
    for number in range(version, SCHEMA_VERSION):
        db.execute("BEGIN IMMEDIATE")
        try:
            (current,) = db.execute("PRAGMA user_version").fetchone()
            if current == number:  # another process may have migrated meanwhile
                if number == 0:
                    _refuse_foreign(db)
                MIGRATIONS[number](db)
                db.execute(f"PRAGMA user_version = {number + 1}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
    return version
