"""Code paths rewritten so that a desk's real volumes (10,000 documents, a memory of a million units,
documents of thousands of segments) cost time and memory in proportion: each test pins what the
rewritten path gives, on cases that the old path handled, so that both give the same."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from tm import draftstats, score
from tm.store import Store

DATA = Path(__file__).parent / "data"
REFS = (DATA / "alasr-soleimani-putin.en.txt").read_text(encoding="utf-8").splitlines()
SOURCES = (DATA / "alasr-soleimani-putin.ar.seg.txt").read_text(encoding="utf-8").splitlines()
SHORT = [r for r in REFS if len(r.split()) <= 30]


def _damaged(text: str, k: int) -> str:
    """A draft of *text*: every k-th word dropped and the last two swapped."""
    words = [w for i, w in enumerate(text.split()) if i % k]
    if len(words) > 2:
        words[-1], words[-2] = words[-2], words[-1]
    return " ".join(words)


def _stats(store: Store) -> list[tuple]:
    return store.db.execute("SELECT * FROM draft_stats ORDER BY draft_id").fetchall()


def _varied_store(store: Store) -> None:
    """Documents whose segments have every shape rebuild_draft_stats meets: no correction, one, two
    (the latest is the reference), several drafts from several engines and origins, a draft made
    after the latest correction (not scored) and a correction without any draft (segment 7); statistics recorded
    correction by correction, as tm correct and tm import-xliff record them."""
    with store.transaction() as conn:
        for d in range(3):
            _, segs = store.add_document(conn, name=f"doc{d}", path=None, sha256="x", prefix="",
                                         segments=[(SOURCES[(d * 7 + i) % len(SOURCES)], "\n", 1) for i in range(7)])
            for i, seg in enumerate(segs):
                ref = SHORT[(d * 7 + i) % len(SHORT)]
                if i != 6:
                    store.add_translation(conn, seg.id, origin="mt", text=_damaged(ref, 3), engine="ea", model="ma")
                if i % 2 == 0 and i != 6:
                    store.add_translation(conn, seg.id, origin="tm-fuzzy", text=_damaged(ref, 4), match=80.0)
                if i == 5:
                    continue  # never corrected: its drafts are not scored
                human = store.add_translation(conn, seg.id, origin="human", text=_damaged(ref, 9))
                score.record_draft_stats(conn, human_id=human, human_text=_damaged(ref, 9), segment_id=seg.id)
                if i in (1, 4):  # corrected again: the latest correction is the reference
                    store.add_translation(conn, seg.id, origin="mt", text=_damaged(ref, 5), engine="eb", model="mb")
                    human = store.add_translation(conn, seg.id, origin="human", text=ref)
                    score.record_draft_stats(conn, human_id=human, human_text=ref, segment_id=seg.id)
                if i == 3:  # redrafted after its correction: no later correction to score it against
                    store.add_translation(conn, seg.id, origin="mt", text=_damaged(ref, 2), engine="eb", model="mb")


@pytest.mark.parametrize("batch", [1, 4, 2000], ids=["one-per-batch", "small-batches", "one-batch"])
def test_rebuild_reads_only_corrected_segments_and_gives_the_recorded_rows(store: Store, batch: int) -> None:
    _varied_store(store)
    recorded = _stats(store)
    assert len(recorded) == 3 * (2 + 2 + 2 + 1 + 3)  # drafts older than the latest correction, segments 1-5
    seen: list[int] = []
    assert draftstats.rebuild_draft_stats(store, batch=batch, progress=seen.append) == len(recorded)
    assert _stats(store) == recorded
    assert seen == sorted(seen) and seen[-1] == len(recorded)
    assert len(seen) == -(-len(recorded) // batch)  # once per batch
    assert store.db.execute("SELECT name FROM sqlite_temp_master").fetchall() == []  # the staging table is gone


def test_rebuild_replaces_stale_rows_and_drops_rows_of_uncorrected_drafts(store: Store) -> None:
    _varied_store(store)
    recorded = _stats(store)
    with store.transaction() as conn:
        conn.execute("UPDATE draft_stats SET bleu = -1, layout = 0")
        (orphan,) = conn.execute("SELECT id FROM translations WHERE origin = 'mt' AND id NOT IN "
                                 "(SELECT draft_id FROM draft_stats) ORDER BY id LIMIT 1").fetchone()
        conn.execute("INSERT INTO draft_stats SELECT ?, human_id, segment_id, doc_id, origin, engine, model, "
                     "created, unchanged, bleu, chrf, ter, layout, stats FROM draft_stats LIMIT 1", (orphan,))
    draftstats.rebuild_draft_stats(store)
    assert _stats(store) == recorded


def test_a_rebuild_that_fails_half_way_leaves_the_rows_as_they_were(store: Store,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    _varied_store(store)
    recorded = _stats(store)
    calls = []
    real = draftstats._rows

    def failing(pairs):  # type: ignore[no-untyped-def]
        calls.append(len(pairs))
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(pairs)

    monkeypatch.setattr(draftstats, "_rows", failing)
    with pytest.raises(KeyboardInterrupt):
        draftstats.rebuild_draft_stats(store, batch=5)
    assert _stats(store) == recorded
    assert store.db.execute("SELECT name FROM sqlite_temp_master").fetchall() == []
    assert not store.db.conn.in_transaction
    monkeypatch.setattr(draftstats, "_rows", real)
    assert draftstats.rebuild_draft_stats(store) == len(recorded)  # and it can run again


def test_rebuild_does_not_load_the_drafts_of_uncorrected_segments(store: Store) -> None:
    """A desk corrects a small share of what is drafted: rebuilding the statistics of the corrected
    segments must not read every draft in the store (1,000,000 drafts: 0.97 GB before, 0.20 GB after)."""
    _varied_store(store)
    recorded = _stats(store)
    draftstats.rebuild_draft_stats(store)  # sacrebleu loaded and warmed up before measuring
    filler = "The Security Council met again on Tuesday to discuss the situation in the region. " * 25
    with store.transaction() as conn:
        _, segs = store.add_document(conn, name="uncorrected", path=None, sha256="x", prefix="",
                                     segments=[(SOURCES[i % len(SOURCES)], "\n", 1) for i in range(8000)])
        conn.executemany("INSERT INTO translations (segment_id, origin, text, engine, model, created) "
                         "VALUES (?, 'mt', ?, 'ea', 'ma', '2026-01-01T00:00:00+00:00')",
                         [(seg.id, f"{i} {filler}") for i, seg in enumerate(segs)])  # 17 MB of drafts
    tracemalloc.start()
    try:
        assert draftstats.rebuild_draft_stats(store) == len(recorded)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert _stats(store) == recorded
    assert peak < 4_000_000, f"{peak:,} bytes at the peak"


# -- schema 2: re-keying a glossary ------------------------------------------------------------------

_TERMS = ["حزب الله", "لجنة المتابعة", "الأمم المتحدة", "مجلس الأمن", "الحرس الثوري", "قوة القدس",
          "الحشد الشعبي", "محور المقاومة", "وزارة الخارجية", "الجيش السوري"]
_URDU = str.maketrans({"ه": "ہ", "ة": "ۃ", "ي": "ی", "ك": "ک"})  # keys of their own before schema 2


def _old_rekey(conn, entries: list[tuple[int, str]]) -> None:  # type: ignore[no-untyped-def]
    """The re-keying as schema 2 shipped it (tm cc3d0bb): each entry scans its whole glossary for an owner."""
    import json

    from tm.normalize import normalize

    for entry_id, new_key in entries:
        gid, ar, en, alternatives, forbidden, note = conn.execute(
            "SELECT glossary_id, ar, en, alternatives, forbidden, note FROM glossary_entries WHERE id = ?",
            (entry_id,)).fetchone()
        owner = next((other_id for other_id, other_key, variants in conn.execute(
            "SELECT id, key, variants FROM glossary_entries WHERE glossary_id = ? AND id != ?", (gid, entry_id))
            if other_key == new_key or new_key in {normalize(v) for v in json.loads(variants)}), None)
        if owner is None:
            conn.execute("UPDATE glossary_entries SET key = ? WHERE id = ?", (new_key, entry_id))
            continue
        said = "; ".join(part for part in (
            f"{ar} → {en}", f"also {', '.join(json.loads(alternatives))}" if json.loads(alternatives) else "",
            f"not {', '.join(json.loads(forbidden))}" if json.loads(forbidden) else "", note or "") if part)
        conn.execute("UPDATE glossary_entries SET note = trim(coalesce(note, '') || ' ' || ?) WHERE id = ?",
                     (f"[tm 0.1 schema 2 merged the entry with the same spelling: {said}]", owner))
        conn.execute("DELETE FROM glossary_entries WHERE id = ?", (entry_id,))


def _version_1_glossaries(path: Path, seed: int, size: int) -> list[tuple[int, str]]:
    """A database whose glossaries hold terms spelt with Urdu letters (a key of their own before
    schema 2) beside the same terms in Arabic letters, variants that are other entries' spellings, in
    two glossaries; the (id, new key) of each entry schema 2 re-keys, in the migration's order."""
    import json
    import random
    import sqlite3

    from tm.normalize import normalize

    rng = random.Random(seed)
    conn = sqlite3.connect(path)
    conn.executescript("CREATE TABLE glossaries (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, "
                       "description TEXT, source TEXT, created TEXT NOT NULL);"
                       "CREATE TABLE glossary_entries (id INTEGER PRIMARY KEY, glossary_id INTEGER NOT NULL, "
                       "ar TEXT NOT NULL, en TEXT NOT NULL, key TEXT NOT NULL, variants TEXT NOT NULL DEFAULT '[]', "
                       "alternatives TEXT NOT NULL DEFAULT '[]', forbidden TEXT NOT NULL DEFAULT '[]', note TEXT, "
                       "created TEXT NOT NULL, created_by TEXT, updated TEXT, updated_by TEXT, "
                       "UNIQUE (glossary_id, key));"
                       "INSERT INTO glossaries (name, created) VALUES ('one', 'x'), ('two', 'x');")
    spellings = [f"{t} {n}" for t in _TERMS for n in ("الجديد", "القديم", "الأول", "الثاني", "الثالث")][:size]
    rows = []
    for i in range(size * 2):
        term = rng.choice(spellings)
        ar = term.translate(_URDU) if rng.random() < 0.5 else term
        variants = [rng.choice(spellings).translate(_URDU) if rng.random() < 0.3 else rng.choice(spellings)
                    for _ in range(rng.randrange(3))]
        rows.append((rng.choice([1, 1, 2]), ar, f"Rendering {i}", ar, json.dumps(variants, ensure_ascii=False),
                     json.dumps([f"Alt {i}"] if i % 3 == 0 else []), json.dumps([f"Bad {i}"] if i % 4 == 0 else []),
                     f"note {i}" if i % 5 == 0 else None))
    conn.executemany("INSERT OR IGNORE INTO glossary_entries (glossary_id, ar, en, key, variants, alternatives, "
                     "forbidden, note, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'x')", rows)
    conn.commit()
    entries = [(i, normalize(ar)) for i, ar, k in conn.execute("SELECT id, ar, key FROM glossary_entries")
               if normalize(ar) != k]
    conn.close()
    return entries


@pytest.mark.parametrize("seed", range(6), ids=lambda s: f"seed{s}")
def test_schema_2_rekeys_a_glossary_as_the_per_entry_scan_did(tmp_path: Path, seed: int) -> None:
    import shutil
    import sqlite3

    import sqlite_utils

    from tm.migrations import _rekey_glossary_entries

    old, new = tmp_path / "old.db", tmp_path / "new.db"
    entries = _version_1_glossaries(old, seed, 40)
    shutil.copy(old, new)
    with sqlite3.connect(old) as conn:
        _old_rekey(conn, entries)
        expected = conn.execute("SELECT * FROM glossary_entries ORDER BY id").fetchall()
    db = sqlite_utils.Database(sqlite3.connect(new))
    _rekey_glossary_entries(db, entries)
    db.conn.commit()
    got = db.conn.execute("SELECT * FROM glossary_entries ORDER BY id").fetchall()
    merged = sum("schema 2 merged" in (row[8] or "") for row in expected)
    assert merged > 5 and len(expected) < 70  # entries did give way to others, several times over
    assert got == expected


def test_schema_2_rekeying_reads_the_glossary_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each entry to re-key looked up its owner by normalising the variants of every entry of its glossary:
    2,000 entries took 36 s, 10,000 would take about 15 minutes holding the write lock on first open."""
    import importlib
    import sqlite3

    import sqlite_utils

    from tm.migrations import _rekey_glossary_entries

    normalize_module = importlib.import_module("tm.normalize")

    path = tmp_path / "v1.db"
    entries = _version_1_glossaries(path, 0, 50)
    calls = []
    real = normalize_module.normalize

    def counted(text: str) -> str:
        calls.append(text)
        return real(text)

    monkeypatch.setattr(normalize_module, "normalize", counted)
    db = sqlite_utils.Database(sqlite3.connect(path))
    (variants,) = db.conn.execute("SELECT count(*) FROM glossary_entries, json_each(variants)").fetchone()
    _rekey_glossary_entries(db, entries)
    assert len(entries) > 20 and len(calls) == variants  # each variant once, not once per entry re-keyed


# -- English term checks with a large glossary: the pre-check must change no answer ---------------


def test_glossary_check_of_the_sample_article_is_the_same_without_the_english_pre_check(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The shipped glossary plus renderings made to be found and forbidden in the article's English:
    tm glossary check's report, and the import's consistency check, with and without the pre-check
    (without it, every rendering asked about is compiled and searched, as before)."""
    from tm import termcheck, terms
    from tm.formats.termfile import read_terms_file, rendering_conflict

    records = read_terms_file(Path(__file__).resolve().parents[1] / "glossaries" / "political.tsv")
    words = sorted({w for line in REFS for w in line.split() if w.isalpha() and len(w) > 3})
    glossary = [terms.Term(r.ar, r.en, alternatives=tuple(r.alternatives),
                           forbidden=(*r.forbidden, words[i % len(words)], words[(i * 7) % len(words)].upper()))
                for i, r in enumerate(records)]
    pairs = list(zip(SOURCES, REFS, strict=True))

    def run() -> tuple[object, list[str | None]]:
        terms._en_pattern.cache_clear()
        return termcheck.check(pairs, glossary).as_json(), [rendering_conflict(t) for t in glossary]

    new = run()
    monkeypatch.setattr(terms, "_may_have", lambda rendering, english: True)
    assert run() == new
    report = new[0]
    assert isinstance(report, dict) and report["terms_checked"] > 50 and report["forbidden"] > 0
