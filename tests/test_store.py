"""The store: schema, transactions that are all-or-nothing, several writers at once."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tm.errors import NotFoundError, StoreError
from tm.migrations import SCHEMA_VERSION
from tm.store import Store, default_db_path


def _add_doc(store: Store, name: str = "doc", n: int = 3):
    with store.transaction() as conn:
        return store.add_document(
            conn, name=name, path=None, sha256="0" * 64, prefix="",
            segments=[(f"جملة رقم {i}.", " ", 1) for i in range(n)],
        )


def test_new_database_is_migrated_and_in_wal_mode(tmp_path: Path):
    with Store.open(tmp_path / "a.db") as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert {"documents", "segments", "translations", "memory_units"} <= set(store.db.table_names())


def test_newer_schema_is_refused(tmp_path: Path):
    path = tmp_path / "a.db"
    Store.open(path).close()
    import sqlite3

    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()
    with pytest.raises(StoreError, match="newer than this tm"):
        Store.open(path)


def test_directory_as_database_is_refused(tmp_path: Path):
    with pytest.raises(StoreError, match="is a directory"):
        Store.open(tmp_path)


def test_default_path_honours_tm_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("TM_DB", str(tmp_path / "x.db"))
    assert default_db_path() == tmp_path / "x.db"
    monkeypatch.delenv("TM_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_db_path() == tmp_path / "xdg" / "tm" / "tm.db"


@pytest.mark.parametrize("xdg", ["relative/data", "./data", ""], ids=["relative", "dot", "empty"])
def test_a_relative_xdg_data_home_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, xdg: str):
    monkeypatch.delenv("TM_DB")
    monkeypatch.setenv("XDG_DATA_HOME", xdg)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_db_path() == tmp_path / "home" / ".local" / "share" / "tm" / "tm.db"


def test_a_named_database_needs_its_directory(tmp_path: Path):
    with pytest.raises(StoreError, match="does not exist"):
        Store.open(tmp_path / "typo" / "deep" / "tm.db")
    assert not (tmp_path / "typo").exists()
    Store.open(tmp_path / "tm2.db").close()
    assert (tmp_path / "tm2.db").is_file()


def test_translations_are_kept_side_by_side(store: Store):
    doc, segs = _add_doc(store)
    with store.transaction() as conn:
        store.add_translation(conn, segs[0].id, origin="mt", text="draft", engine="e", model="m", author="a")
        store.add_translation(conn, segs[0].id, origin="human", text="fixed", author="b")
        store.add_translation(conn, segs[0].id, origin="human", text="fixed again", author="c")
    seg = store.segment(doc, 1)
    assert [t.origin for t in seg.translations] == ["mt", "human", "human"]
    assert seg.draft is not None and seg.draft.text == "draft"
    assert seg.best is not None and seg.best.text == "fixed again"
    row = store.documents()[0]
    assert (row["segments"], row["drafted"], row["corrected"]) == (3, 1, 1)


def test_unique_document_names(store: Store):
    assert _add_doc(store, "a")[0].name == "a"
    assert _add_doc(store, "a")[0].name == "a-2"
    assert store.document("a-2").name == "a-2"
    assert store.document(1).name == "a"


@pytest.mark.parametrize("ref", ["nope", "99"], ids=["name", "id"])
def test_unknown_document(store: Store, ref: str):
    with pytest.raises(NotFoundError, match="tm docs"):
        store.document(ref)


def test_unknown_segment(store: Store):
    doc, _ = _add_doc(store)
    with pytest.raises(NotFoundError, match="numbered 1 to 3"):
        store.segment(doc, 4)


def test_failed_transaction_leaves_nothing(store: Store):
    with pytest.raises(RuntimeError):
        with store.transaction() as conn:
            store.add_document(conn, name="x", path=None, sha256="0", prefix="", segments=[("a", "", 1)])
            raise RuntimeError("crash mid-way")
    assert store.documents() == []
    assert store.db.execute("SELECT COUNT(*) FROM segments").fetchone()[0] == 0


def test_nested_transaction_rolls_back_to_savepoint(store: Store):
    with store.transaction() as conn:
        store.add_document(conn, name="kept", path=None, sha256="0", prefix="", segments=[])
        with pytest.raises(RuntimeError):
            with store.transaction() as inner:
                store.add_document(inner, name="dropped", path=None, sha256="0", prefix="", segments=[])
                raise RuntimeError
    assert [d["name"] for d in store.documents()] == ["kept"]


WRITER = textwrap.dedent(
    """
    import sys
    from tm.store import Store
    store = Store.open(sys.argv[1])
    for i in range(int(sys.argv[3])):
        with store.transaction() as conn:
            store.add_document(conn, name=sys.argv[2], path=None, sha256="0", prefix="",
                               segments=[("نص", " ", 1), ("نص آخر", "", 1)])
    store.close()
    """
)


def test_several_processes_write_the_same_file(tmp_path: Path):
    db = tmp_path / "shared.db"
    Store.open(db).close()
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(db), f"w{n}", "15"], stderr=subprocess.PIPE)
        for n in range(4)
    ]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err.decode()
    with Store.open(db) as store:
        docs = store.documents()
        assert len(docs) == 60
        assert all(d["segments"] == 2 for d in docs)


def test_version_2_rekeys_texts_whose_normalisation_changed(tmp_path: Path):
    """Stored keys made before Urdu letters and bidi isolates were folded are recomputed, so that a
    stored text still matches itself (exactly and fuzzily) and its Arabic-letter spelling."""
    import sqlite3

    from tm.keys import key_hash
    from tm.memory import Memory, add_unit
    from tm.normalize import normalize

    path = tmp_path / "old.db"
    urdu = "وصل وفد الحکومۃ إلی العاصمۃ \u2066CNN\u2069 اليوم لإجراء محادثات مطولة"
    plain = "وصل وفد الحكومة إلى العاصمة CNN اليوم لإجراء محادثات مطولة"
    with Store.open(path) as store:
        with store.transaction() as conn:
            add_unit(conn, source=urdu, target="The government delegation arrived.", origin="import")
            add_unit(conn, source="2) انتهى الاجتماع بلا نتيجة.", target="2) The meeting ended.", origin="human")
        _add_doc(store)
    old_key = "وصل وفد الحكومۃ الي العاصمۃ \u2066cnn\u2069 اليوم لاجراء محادثات مطوله"  # version 1's key
    conn = sqlite3.connect(path)
    conn.execute("UPDATE memory_units SET key = ?, key_hash = ? WHERE id = 1", (old_key, key_hash(old_key)))
    item = "2) انتهى الاجتماع بلا نتيجه."  # version 1 keyed list items with their marker
    conn.execute("UPDATE memory_units SET key = ?, key_hash = ? WHERE id = 2", (item, key_hash(item)))
    conn.execute("UPDATE segments SET key = ? WHERE idx = 1", (old_key,))
    conn.execute("UPDATE segments SET source = ? WHERE idx = 1", (urdu,))
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    with Store.open(path) as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert store.db.execute("SELECT key FROM memory_units WHERE id = 1").fetchone()[0] == normalize(plain)
        (item_match,) = Memory(store).lookup(["انتهى الاجتماع بلا نتيجة."])
        assert item_match is not None and (item_match.kind, item_match.target) == ("exact", "The meeting ended.")
        assert store.db.execute("SELECT key FROM segments WHERE idx = 1").fetchone()[0] == normalize(plain)
        exact, same, fuzzy = Memory(store).lookup([plain, urdu, plain.replace("اليوم", "أمس")])
        assert exact is not None and exact.kind == "exact" and same is not None and same.score == 100
        assert fuzzy is not None and fuzzy.kind == "fuzzy"


def test_version_2_merges_a_glossary_entry_whose_new_key_is_taken_and_rekeys_presentation_forms(tmp_path: Path):
    """An entry spelt with Urdu heh (a key of its own in version 1) now has the spelling of another entry's
    term or variant: that entry's rules stand (nothing it forbids becomes accepted), what the removed entry
    said is kept in its note, and both stay editable; a memory unit written in presentation forms of Urdu
    letters still matches itself."""
    import sqlite3

    from tm import glossary
    from tm.keys import key_hash
    from tm.memory import Memory, add_unit
    from tm.terms import Term

    path = tmp_path / "old.db"
    shaped = "قال \ufba6\ufba7 الرئيس إن المحادثات مثمرة جدا"  # heh goal in presentation forms
    with Store.open(path) as store:
        glossary.add(store, "political", Term("حزب الله", "Hezbollah", forbidden=("Hizbullah",)), force=True)
        glossary.add(store, "political", Term("لجنة المتابعة التجريبية", "Test Follow-up Committee",
                                              variants=("لجنة المتابعة",)))
        with store.transaction() as conn:
            for urdu, en in (("حزب اللہ", "Hizbullah"), ("لجنۃ المتابعۃ", "Follow-up Committee")):
                conn.execute("INSERT INTO glossary_entries (glossary_id, ar, en, key, variants, alternatives, "
                             "forbidden, note, created) SELECT glossary_id, ?, ?, ?, '[]', '[]', '[\"Party of God\"]',"
                             " 'Urdu keyboard', created FROM glossary_entries WHERE ar = 'حزب الله'", (urdu, en, urdu))
            add_unit(conn, source=shaped, target="The president said the talks were fruitful.", origin="import")
    conn = sqlite3.connect(path)
    conn.execute("UPDATE memory_units SET key = ?, key_hash = ?", (shaped, key_hash(shaped)))
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    with Store.open(path) as store:
        hezbollah = glossary.show(store, "political", "حزب اللہ")
        assert (hezbollah.ar, hezbollah.en, hezbollah.forbidden, hezbollah.alternatives) == (
            "حزب الله", "Hezbollah", ["Hizbullah"], [])
        assert hezbollah.note is not None and "حزب اللہ → Hizbullah" in hezbollah.note
        assert "Party of God" in hezbollah.note and "Urdu keyboard" in hezbollah.note
        committee = glossary.show(store, "political", "لجنۃ المتابعۃ")
        assert committee.ar == "لجنة المتابعة التجريبية" and "Follow-up Committee" in (committee.note or "")
        assert store.db.execute("SELECT count(*) FROM glossary_entries WHERE ar LIKE '%ہ%' OR ar LIKE '%ۃ%'"
                                ).fetchone()[0] == 0
        glossary.edit(store, "political", "حزب الله", note="still editable")
        (found,) = Memory(store).lookup([shaped])
        assert found is not None and found.score == 100


def test_version_2_drops_a_variant_that_became_another_entrys_spelling(tmp_path: Path):
    """A variant spelt with Urdu heh that now reads as another entry's term is dropped from its entry
    (noted there), so both entries stay editable; the shipped glossary loses nothing."""
    import json
    import sqlite3

    from tm import glossary
    from tm.terms import Term

    path = tmp_path / "old.db"
    with Store.open(path) as store:
        glossary.add(store, "political", Term("حزب الله اللبناني التجريبي", "Lebanese Hezbollah (test)"))
        shipped = store.db.execute("SELECT count(*), sum(length(variants)) FROM glossary_entries "
                                   "WHERE ar != 'حزب الله اللبناني التجريبي'").fetchone()
        assert shipped[0] > 600
    conn = sqlite3.connect(path)
    conn.execute("UPDATE glossary_entries SET variants = ? WHERE ar = 'حزب الله اللبناني التجريبي'",
                 (json.dumps(["حزب اللہ", "الحزب اللبناني التجريبي"], ensure_ascii=False),))
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    with Store.open(path) as store:
        entry = glossary.show(store, "political", "حزب الله اللبناني التجريبي")
        assert entry.variants == ["الحزب اللبناني التجريبي"] and "حزب اللہ" in (entry.note or "")
        assert glossary.show(store, "political", "حزب اللہ").ar == "حزب الله"
        glossary.edit(store, "political", "حزب الله اللبناني التجريبي", note="editable")
        assert store.db.execute("SELECT count(*), sum(length(variants)) FROM glossary_entries "
                                "WHERE ar != 'حزب الله اللبناني التجريبي'").fetchone() == shipped
        assert store.db.execute("SELECT count(*) FROM glossary_entries WHERE note LIKE '%schema 2%'"
                                ).fetchone()[0] == 0  # the edit replaced the note; nothing else was touched
