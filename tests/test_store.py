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
