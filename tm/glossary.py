"""Glossaries in the store: entries with provenance, CSV/TSV/TBX import and export.

A glossary is a named list of entries; each entry is an Arabic term (plus Arabic
variants), the English rendering it requires, accepted alternatives, forbidden
renderings and a note.  Entries are unique per glossary on the normalised Arabic
key (:func:`tm.normalize.normalize`), and every change records who and when.  An entry
that contradicts itself (an English rendering both accepted and forbidden) or its
glossary (an Arabic spelling, term or variant, that is another entry's) is refused and
nothing is stored (:func:`tm.formats.termfile.rendering_conflict`, :func:`~tm.formats.termfile.spelling_clash`).

A new database gets the shipped ``political`` glossary (``glossaries/political.tsv``)
on first use.  Term files (:mod:`tm.formats.termfile`) are CSV or TSV with the
header ``ar,en[,variants,forbidden,note[,alternatives]]`` (lists ``|``-separated) or
TBX; an import is all or nothing, and a column the file does not have leaves that field
of an existing entry as it is.  Checking translations against the terms is :mod:`tm.termcheck`.
"""

from __future__ import annotations

import codecs
import dataclasses
import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ConflictError, FormatError, InputError, NotFoundError
from .formats.records import TermLike
from .formats.termfile import (
    FORMATS,
    Record,
    clash_message,
    dumps,
    format_from_extension,
    read_terms_file,
    rendering_conflict,
    script_problem,
    spelling_clash,
    unstorable,
)
from .normalize import normalize
from .store import Store, current_user, now
from .terms import Term, term_key

__all__ = [
    "DEFAULT_GLOSSARY", "FORMATS", "Entry", "GlossaryInfo", "ImportResult", "Record", "add", "dumps", "edit",
    "ensure_default", "export_file", "glossaries", "import_file", "list_entries", "load_terms",
    "read_terms_file", "remove", "shipped_glossary_dir", "show", "to_term",
]

DEFAULT_GLOSSARY = "political"
SHIPPED_AUTHOR = "tm (shipped)"
EDIT_HINT = " (in `tm glossary edit`, --forbidden replaces the whole list and --clear forbidden empties it)"


def shipped_glossary_dir() -> Path:
    """The shipped term files: ``tm/glossaries/`` in an installed wheel, else the checkout's ``glossaries/``."""
    here = Path(__file__).resolve().parent
    installed = here / "glossaries"
    return installed if installed.is_dir() else here.parent / "glossaries"


@dataclass
class Entry:
    """A stored glossary entry with who created and last changed it, and when."""

    glossary: str
    ar: str
    en: str
    variants: list[str]
    forbidden: list[str]
    alternatives: list[str]
    note: str | None
    created: str
    created_by: str | None
    updated: str | None
    updated_by: str | None

    def as_json(self) -> dict[str, Any]:
        keys = ("ar", "en", "variants", "forbidden", "alternatives", "note", "glossary",
                "created", "created_by", "updated", "updated_by")
        return {k: getattr(self, k) for k in keys}


@dataclass
class GlossaryInfo:
    """A glossary and how many entries it holds."""

    name: str
    description: str | None
    source: str | None
    created: str
    entries: int

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class ImportResult:
    """What an import changed."""

    glossary: str
    path: str
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def to_term(item: TermLike, glossary: str = "") -> Term:
    """The :class:`tm.terms.Term` of a stored entry or a file record (from *glossary*)."""
    return Term(
        ar=item.ar,
        en=item.en,
        variants=tuple(item.variants),
        alternatives=tuple(item.alternatives),
        forbidden=tuple(item.forbidden),
        note=item.note or "",
        glossary=getattr(item, "glossary", None) or glossary,
    )


# -- reading the store -----------------------------------------------------------------

_FIELDS = """g.name, e.ar, e.en, e.variants, e.forbidden, e.alternatives, e.note,
             e.created, e.created_by, e.updated, e.updated_by
             FROM glossary_entries e JOIN glossaries g ON g.id = e.glossary_id"""
_SELECT = "SELECT " + _FIELDS


def _entry(row: Sequence[Any]) -> Entry:
    name, ar, en, variants, forbidden, alternatives, note, created, created_by, updated, updated_by = row
    return Entry(name, ar, en, json.loads(variants), json.loads(forbidden), json.loads(alternatives), note,
                 created, created_by, updated, updated_by)


def _glossary_id(conn: sqlite3.Connection, name: str) -> int | None:
    row = conn.execute("SELECT id FROM glossaries WHERE name = ?", (name,)).fetchone()
    return int(row[0]) if row else None


def _require(conn: sqlite3.Connection, name: str) -> int:
    gid = _glossary_id(conn, name)
    if gid is None:
        raise NotFoundError(f"No glossary {name!r}; `tm glossary list` shows the entries of every glossary.")
    return gid


def _create(conn: sqlite3.Connection, name: str, *, source: str | None = None,
            description: str | None = None) -> int:
    if not name.strip():
        raise InputError("A glossary name cannot be empty; give one with --name.")
    cur = conn.execute(
        "INSERT INTO glossaries (name, description, source, created) VALUES (?, ?, ?, ?)",
        (name, description, source, now()),
    )
    return int(cur.lastrowid or 0)


def glossaries(store: Store) -> list[GlossaryInfo]:
    """Every glossary in the store with its entry count."""
    ensure_default(store)
    rows = store.db.execute(
        """SELECT g.name, g.description, g.source, g.created, COUNT(e.id)
           FROM glossaries g LEFT JOIN glossary_entries e ON e.glossary_id = g.id
           GROUP BY g.id ORDER BY g.id"""
    ).fetchall()
    return [GlossaryInfo(*r) for r in rows]


def list_entries(store: Store, name: str | None = None) -> list[Entry]:
    """The entries of glossary *name* (every glossary when None), in the order they were added."""
    ensure_default(store)
    if name is None:
        rows = store.db.execute(_SELECT + " ORDER BY g.id, e.id").fetchall()
    else:
        gid = _require(store.db.conn, name)
        rows = store.db.execute(_SELECT + " WHERE e.glossary_id = ? ORDER BY e.id", (gid,)).fetchall()
    return [_entry(r) for r in rows]


def _lookup(conn: sqlite3.Connection, gid: int, ar: str, *, variants: bool = True
            ) -> tuple[int, Entry] | None:
    """The entry whose key, or (with *variants*) one of whose variants, matches *ar*."""
    key = normalize(ar)
    row = conn.execute(f"SELECT e.id, {_FIELDS} WHERE e.glossary_id = ? AND e.key = ?", (gid, key)).fetchone()
    if row is None and not variants:
        return None
    if row is None:
        for row in conn.execute(f"SELECT e.id, {_FIELDS} WHERE e.glossary_id = ?", (gid,)):
            if any(normalize(v) == key for v in json.loads(row[4])):
                break
        else:
            return None
    return int(row[0]), _entry(row[1:])


def show(store: Store, name: str, ar: str) -> Entry:
    """The entry of glossary *name* for the Arabic term *ar* (its form, a variant, or any spelling
    with the same normalised key)."""
    ensure_default(store)
    found = _lookup(store.db.conn, _require(store.db.conn, name), ar)
    if found is None:
        raise NotFoundError(f"Glossary {name!r} has no entry for {ar!r}; `tm glossary list` shows them.")
    return found[1]


# -- editing ----------------------------------------------------------------------------


def _clean(text: str | None, what: str) -> str:
    text = " ".join((text or "").split())
    if not text:
        raise InputError(f"The {what} cannot be empty.")
    return text


def _clean_list(items: Sequence[str], what: str) -> list[str]:
    out: list[str] = []
    for item in items:
        item = " ".join(item.split())
        if "|" in item:
            raise InputError(f"The {what} {item!r} contains '|', which separates list items in term files.")
        if item and item not in out:
            out.append(item)
    return out


def _values(term: TermLike, hint: str = "") -> dict[str, Any]:
    """The cleaned fields of *term*; :class:`InputError` for a term that cannot be stored."""
    problem = unstorable(term)
    if problem:
        raise InputError(_sentence(problem) + ".")
    values: dict[str, Any] = {
        "ar": _clean(term.ar, "Arabic term"),
        "en": _clean(term.en, "English rendering"),
        "variants": _clean_list(term.variants, "variant"),
        "forbidden": _clean_list(term.forbidden, "forbidden rendering"),
        "alternatives": _clean_list(term.alternatives, "alternative"),
        "note": (term.note or "").strip() or None,
    }
    if not term_key(values["ar"]):
        raise InputError(f"The Arabic term {term.ar!r} has no letters to match on.")
    problem = script_problem(values["ar"], values["en"])
    if problem:
        raise InputError(_sentence(problem) + ".")
    conflict = rendering_conflict(Record(**values))
    if conflict:
        raise InputError(_sentence(conflict) + hint + ".")
    return values


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _check_spellings(conn: sqlite3.Connection, gid: int, name: str, changed: Sequence[str],
                     path: str | None = None, lines: dict[str, int | None] | None = None) -> None:
    """Refuse (:class:`ConflictError`) a glossary where a spelling of a *changed* entry (by its
    normalised key) is also another entry's; call it inside the transaction that made the change."""
    entries = [_entry(r) for r in conn.execute(_SELECT + " WHERE e.glossary_id = ? ORDER BY e.id", (gid,))]
    order = {key: i for i, key in reversed(list(enumerate(changed)))}
    mine = sorted((e for e in entries if normalize(e.ar) in order), key=lambda e: order[normalize(e.ar)])
    clash = spelling_clash([e for e in entries if normalize(e.ar) not in order] + mine, mine)
    if clash is None:
        return
    item, spelling, other = clash  # item is a changed entry: they come last
    message = clash_message(item, spelling, other, f" in glossary {name!r}") + "; nothing was changed."
    if path is None:
        raise ConflictError(_sentence(message))
    line = (lines or {}).get(normalize(item.ar))
    raise ConflictError(f"{path}, line {line}: {message}" if line else f"{path}: {message}")


def _insert(conn: sqlite3.Connection, gid: int, v: dict[str, Any], author: str, when: str) -> None:
    conn.execute(
        """INSERT INTO glossary_entries (glossary_id, ar, en, key, variants, alternatives, forbidden,
                                         note, created, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (gid, v["ar"], v["en"], normalize(v["ar"]), _dump(v["variants"]), _dump(v["alternatives"]),
         _dump(v["forbidden"]), v["note"], when, author),
    )


def _update(conn: sqlite3.Connection, entry_id: int, v: dict[str, Any], author: str, when: str) -> None:
    conn.execute(
        """UPDATE glossary_entries SET ar = ?, en = ?, key = ?, variants = ?, alternatives = ?, forbidden = ?,
                  note = ?, updated = ?, updated_by = ? WHERE id = ?""",
        (v["ar"], v["en"], normalize(v["ar"]), _dump(v["variants"]), _dump(v["alternatives"]),
         _dump(v["forbidden"]), v["note"], when, author, entry_id),
    )


def _dump(items: list[str]) -> str:
    return json.dumps(items, ensure_ascii=False)


def _same(entry: Entry, v: dict[str, Any]) -> bool:
    return all(getattr(entry, k) == v[k] for k in v)


def add(store: Store, name: str, term: TermLike, *, author: str | None = None, force: bool = False) -> Entry:
    """Add *term* to glossary *name* (created if new).

    An entry with the same normalised Arabic key is refused with :class:`ConflictError`
    unless *force*, which replaces it (keeping who created it and when).
    """
    ensure_default(store)
    values = _values(term)
    key = normalize(values["ar"])
    author = author or current_user()
    with store.transaction() as conn:
        gid = _glossary_id(conn, name) or _create(conn, name)
        row = conn.execute("SELECT id, ar, en FROM glossary_entries WHERE glossary_id = ? AND key = ?",
                           (gid, key)).fetchone()
        if row is None:
            _insert(conn, gid, values, author, now())
        elif force:
            _update(conn, row[0], values, author, now())
        else:
            raise ConflictError(
                f"Glossary {name!r} already has {row[1]!r} → {row[2]!r} with the same normalised key; "
                "use `tm glossary edit` or --force to replace it."
            )
        _check_spellings(conn, gid, name, [key])
    return show(store, name, values["ar"])


def edit(
    store: Store,
    name: str,
    ar: str,
    *,
    new_ar: str | None = None,
    en: str | None = None,
    variants: Sequence[str] | None = None,
    forbidden: Sequence[str] | None = None,
    alternatives: Sequence[str] | None = None,
    note: str | None = None,
    author: str | None = None,
) -> Entry:
    """Change the given fields of the entry for *ar* (None leaves a field as it is; ``note=""`` clears it)."""
    ensure_default(store)
    author = author or current_user()
    with store.transaction() as conn:
        gid = _require(conn, name)
        found = _lookup(conn, gid, ar)
        if found is None:
            raise NotFoundError(f"Glossary {name!r} has no entry for {ar!r}; `tm glossary add` adds one.")
        entry_id, old = found
        changed = Record(
            ar=old.ar if new_ar is None else new_ar,
            en=old.en if en is None else en,
            variants=old.variants if variants is None else list(variants),
            forbidden=old.forbidden if forbidden is None else list(forbidden),
            alternatives=old.alternatives if alternatives is None else list(alternatives),
            note=old.note if note is None else note,
        )
        values = _values(changed, EDIT_HINT)
        key = normalize(values["ar"])
        clash = conn.execute("SELECT ar FROM glossary_entries WHERE glossary_id = ? AND key = ? AND id != ?",
                             (gid, key, entry_id)).fetchone()
        if clash:
            raise ConflictError(
                f"Glossary {name!r} already has an entry {clash[0]!r} with that normalised key."
            )
        if not _same(old, values):
            _update(conn, entry_id, values, author, now())
            _check_spellings(conn, gid, name, [key])
    return show(store, name, values["ar"])


def remove(store: Store, name: str, ar: str) -> Entry:
    """Delete the entry for *ar* from glossary *name*; return what was removed."""
    ensure_default(store)
    with store.transaction() as conn:
        found = _lookup(conn, _require(conn, name), ar)
        if found is None:
            raise NotFoundError(f"Glossary {name!r} has no entry for {ar!r}; `tm glossary list` shows them.")
        conn.execute("DELETE FROM glossary_entries WHERE id = ?", (found[0],))
    return found[1]


# -- import, export, defaults --------------------------------------------------------------


def _store_records(conn: sqlite3.Connection, gid: int, records: Sequence[Record], author: str,
                   result: ImportResult, path: str | None = None) -> None:
    """Add or update each record; a field in ``record.absent`` keeps an existing entry's value."""
    when = now()
    for r in records:
        found = _lookup(conn, gid, r.ar, variants=False)
        kept = found is not None and bool(r.absent)  # a field the file lacks keeps the stored value
        if found is not None and kept:
            r = dataclasses.replace(r, **{k: getattr(found[1], k) for k in r.absent})
        try:
            values = _values(r)
        except InputError as exc:
            if path is None:
                raise
            why = str(exc).rstrip(".")
            if kept:
                why += f" (the file has no {'/'.join(sorted(r.absent))} column, so the stored one was kept)"
            raise FormatError(why[:1].lower() + why[1:] + ".", path=path, line=r.line) from None
        if found is None:
            _insert(conn, gid, values, author, when)
            result.added += 1
        elif _same(found[1], values):
            result.unchanged += 1
        else:
            _update(conn, found[0], values, author, when)
            result.updated += 1


def import_file(store: Store, path: str | Path, name: str = DEFAULT_GLOSSARY, *, author: str | None = None,
                replace: bool = False) -> ImportResult:
    """Import a CSV/TSV/TBX term file into glossary *name* (created if new); all or nothing.

    Entries with a key already in the glossary are updated from the file; with
    *replace*, the glossary's other entries are removed.
    """
    ensure_default(store)
    records = read_terms_file(path)
    if replace and not records:
        raise InputError(f"{path} holds no entries, and importing it with --replace would empty glossary "
                         f"{name!r}; nothing was changed.")
    result = ImportResult(name, str(path))
    with store.transaction() as conn:
        gid = _glossary_id(conn, name) or _create(conn, name, source=str(path))
        if replace:
            keys = {normalize(r.ar) for r in records}
            for entry_id, key in conn.execute("SELECT id, key FROM glossary_entries WHERE glossary_id = ?",
                                              (gid,)).fetchall():
                if key not in keys:
                    conn.execute("DELETE FROM glossary_entries WHERE id = ?", (entry_id,))
                    result.removed += 1
        _store_records(conn, gid, records, author or current_user(), result, str(path))
        _check_spellings(conn, gid, name, [normalize(r.ar) for r in records], path=str(path),
                         lines={normalize(r.ar): r.line for r in records})
    return result


def export_file(store: Store, name: str, path: str | Path, fmt: str | None = None) -> int:
    """Write glossary *name* to *path* as CSV, TSV or TBX (*fmt*, else by extension); return the count.

    Without *fmt*, an extension other than .csv, .tsv/.tab or .tbx/.xml is refused (:class:`InputError`).
    A CSV file starts with the UTF-8 byte-order mark, which spreadsheets need to read it as UTF-8.
    """
    fmt = fmt or format_from_extension(path)
    entries = list_entries(store, name)
    data = dumps(entries, fmt, title=f"tm glossary {name}")
    if fmt == "csv":
        data = codecs.BOM_UTF8 + data
    from .formats._xml import output  # lxml, loaded for exports only

    try:
        with output(path) as fh:  # /dev/null, a pipe or a symlink is written through, never replaced
            fh.write(data)
    except OSError as exc:
        raise InputError(f"Cannot write {path}: {exc.strerror or exc}.") from None
    return len(entries)


def ensure_default(store: Store) -> bool:
    """Load the shipped ``political`` glossary into a store that has never had it; True if loaded now."""
    conn = store.db.conn
    if _glossary_id(conn, DEFAULT_GLOSSARY) is not None:
        return False
    path = shipped_glossary_dir() / f"{DEFAULT_GLOSSARY}.tsv"
    if not path.is_file():
        return False
    records = read_terms_file(path)
    with store.transaction() as conn:
        if _glossary_id(conn, DEFAULT_GLOSSARY) is not None:  # another process got there first
            return False
        gid = _create(conn, DEFAULT_GLOSSARY, source=f"shipped:{path.name}",
                      description="Shipped glossary of political-news terms")
        _store_records(conn, gid, records, SHIPPED_AUTHOR, ImportResult(DEFAULT_GLOSSARY, str(path)))
    return True


def load_terms(store: Store | None, specs: Sequence[str] = (DEFAULT_GLOSSARY,)) -> list[Term]:
    """The terms of each spec, a glossary name in the store or a CSV/TSV/TBX file path.

    A glossary name wins over a file of the same name.  A later spec wins every Arabic
    spelling (term or variant, compared on :func:`tm.terms.term_key`) it shares with an
    earlier one: an earlier entry whose term is one of them is dropped (the later entry
    takes its place when the two terms are the same), and one whose variant is one of
    them loses that variant.
    """
    if store is not None:
        ensure_default(store)
    merged: dict[str, Term] = {}
    for spec in specs:
        items: Sequence[TermLike]
        if store is not None and _glossary_id(store.db.conn, spec) is not None:
            items = list_entries(store, spec)
        elif Path(spec).is_file():
            items = read_terms_file(spec)
        else:
            raise NotFoundError(
                f"No glossary or term file {spec!r}; `tm glossary list` shows the glossaries in the store."
            )
        terms = [to_term(item, spec) for item in items]
        own = {term_key(t.ar) for t in terms}
        claimed = own | {term_key(v) for t in terms for v in t.variants}
        for key, old in list(merged.items()):
            if key in claimed and key not in own:
                del merged[key]
            elif key not in own and any(term_key(v) in claimed for v in old.variants):
                merged[key] = dataclasses.replace(
                    old, variants=tuple(v for v in old.variants if term_key(v) not in claimed))
        for t in terms:
            merged[term_key(t.ar)] = t
    return list(merged.values())
