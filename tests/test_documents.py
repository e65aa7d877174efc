"""Renaming and deleting documents: everything of the document goes, in one transaction; the memory
keeps its corrections unless told otherwise, and its index stays what a rebuild would make."""

from __future__ import annotations

import json
import random
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from tm import fuzzy
from tm.cli import cli
from tm.documents import delete_document, rename_document
from tm.errors import InputError, NotFoundError
from tm.formats.tmx import TMUnit
from tm.keys import words
from tm.memory import add_unit, import_units
from tm.store import Store

DATA = Path(__file__).parent / "data"
ARTICLE = DATA / "alasr-soleimani-putin.ar.txt"
UN = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "un_v1.0_testsets" / "UNv1.0.devset.ar"


def run(*args: str, code: int = 0) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result.stdout if code == 0 else result.output


def _counts(db: Path) -> dict[str, int]:
    conn = sqlite3.connect(db)
    try:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("documents", "segments", "translations", "memory_units", "draft_stats")}
    finally:
        conn.close()


@pytest.fixture
def two_docs(tmp_path: Path) -> Path:
    """The article stored twice; doc 1 has segment 2 corrected, doc 2 segments 2 (the same pair), 3
    and 4, then the article translated again from the memory and one of those drafts corrected."""
    db = tmp_path / "tm.db"
    run("translate", str(ARTICLE), "--engine", "none", "-o", str(tmp_path / "1.txt"))
    run("translate", str(ARTICLE), "--engine", "none", "-o", str(tmp_path / "2.txt"))
    run("correct", "alasr-soleimani-putin", "2", "Monitoring and Translation Unit.")
    run("correct", "alasr-soleimani-putin-2", "2", "Monitoring and Translation Unit.")
    run("correct", "alasr-soleimani-putin-2", "3", "One of the most important steps.")
    run("correct", "alasr-soleimani-putin-2", "4", "Naturally, most countries.")
    run("translate", str(ARTICLE), "--engine", "none", "--name", "third", "-o", str(tmp_path / "3.txt"))
    run("correct", "third", "4", "Naturally, most states.")  # a memory draft corrected: one draft_stats row
    return db


def test_rename_then_every_command_takes_the_new_name(two_docs: Path):
    out = json.loads(run("rename", "alasr-soleimani-putin-2", "alasr-2020", "--json"))
    assert out == {"id": 2, "old_name": "alasr-soleimani-putin-2", "name": "alasr-2020"}
    assert "Corrected" not in run("show", "alasr-2020")
    assert "One of the most important steps." in run("export", "alasr-2020")
    run("show", "alasr-soleimani-putin-2", code=1)
    assert run("rename", "2", " alasr-2020 ") == "Document 2 is already named 'alasr-2020'; nothing changed.\n"


@pytest.mark.parametrize(("name", "message"), [
    ("third", "A document named 'third' already exists \\(id 3\\)"),
    ("42", "cannot be a number"),
    ("  ", "is empty"),
    ("\u200b\u200f", "invisible characters only"),
    ("a\x07b", "U\\+0007"),
    ("a\nb", "U\\+000A"),
], ids=["taken", "number", "blank", "invisible", "control", "line-break"])
def test_rename_refuses_a_name_that_cannot_be(two_docs: Path, name: str, message: str):
    with Store.open(two_docs) as store, pytest.raises(InputError, match=message):
        rename_document(store, "alasr-soleimani-putin", name)
    assert [d["name"] for d in Store.open(two_docs).documents()] == [
        "alasr-soleimani-putin", "alasr-soleimani-putin-2", "third"]


def test_delete_removes_the_document_and_keeps_its_corrections_in_the_memory(two_docs: Path, tmp_path: Path):
    before = _counts(two_docs)
    out = json.loads(run("delete", "alasr-soleimani-putin-2", "--yes", "--json"))
    assert out == {"id": 2, "name": "alasr-soleimani-putin-2", "segments": 23, "drafts": 0, "corrections": 3,
                   "memory_kept": 2, "memory_removed": 0}
    after = _counts(two_docs)
    assert after == {**before, "documents": 2, "segments": 46, "translations": before["translations"] - 3}
    conn = sqlite3.connect(two_docs)
    links = conn.execute("SELECT target, translation_id FROM memory_units ORDER BY id").fetchall()
    dangling = conn.execute("SELECT count(*) FROM memory_units m WHERE translation_id IS NOT NULL AND NOT EXISTS "
                            "(SELECT 1 FROM translations t WHERE t.id = m.translation_id)").fetchone()[0]
    conn.close()
    assert dangling == 0
    assert [t for t, link in links if link is None] == ["One of the most important steps.",
                                                        "Naturally, most countries."]
    # the memory still drafts the article from the deleted document's corrections
    rows = [json.loads(line) for line in run("translate", str(ARTICLE), "--engine", "none", "--format",
                                             "jsonl").splitlines()]
    assert rows[2]["target"] == "One of the most important steps." and rows[2]["origin"] == "tm-exact"


def test_delete_with_forget_memory_takes_out_what_no_other_document_holds(two_docs: Path):
    out = run("delete", "alasr-soleimani-putin-2", "--yes", "--forget-memory")
    assert out == ("Deleted document 2 'alasr-soleimani-putin-2': 23 segments, 0 drafts, 3 corrections; "
                   "2 memory units removed.\n")
    with Store.open(two_docs) as store:
        targets = [r[0] for r in store.db.execute("SELECT target FROM memory_units ORDER BY id")]
        assert targets == ["Monitoring and Translation Unit.", "Naturally, most states."]
        assert _postings(store) == _rebuilt(store)
    rows = [json.loads(line) for line in run("translate", str(ARTICLE), "--engine", "none", "--format",
                                             "jsonl").splitlines()]
    assert rows[2]["origin"] is None and rows[1]["target"] == "Monitoring and Translation Unit."


def test_a_shared_pair_moves_to_the_other_documents_correction(two_docs: Path):
    """Doc 1's correction of segment 2 made the memory unit; deleting doc 1 links it to doc 2's."""
    conn = sqlite3.connect(two_docs)
    doc2 = conn.execute("SELECT t.id FROM translations t JOIN segments s ON s.id = t.segment_id "
                        "WHERE s.doc_id = 2 AND s.idx = 2 AND t.origin = 'human'").fetchone()[0]
    conn.close()
    assert json.loads(run("delete", "1", "-y", "--forget-memory", "--json"))["memory_kept"] == 1
    conn = sqlite3.connect(two_docs)
    assert conn.execute("SELECT translation_id FROM memory_units WHERE target = ?",
                        ("Monitoring and Translation Unit.",)).fetchone() == (doc2,)
    conn.close()


def test_delete_removes_drafts_and_their_scores(two_docs: Path):
    before = _counts(two_docs)
    assert before["draft_stats"] == 1
    out = json.loads(run("delete", "third", "--yes", "--json"))
    assert (out["drafts"], out["corrections"], out["memory_kept"]) == (3, 1, 1)
    assert _counts(two_docs)["draft_stats"] == 0
    assert "third" not in run("docs")


def test_delete_off_a_terminal_needs_yes_and_loses_nothing(two_docs: Path):
    before = _counts(two_docs)
    result = CliRunner().invoke(cli, ["delete", "third"])
    assert result.exit_code == 1
    assert result.output == ("Error: Deleting document 'third' needs --yes when tm is not run from a terminal; "
                             "nothing was deleted.\n")
    assert _counts(two_docs) == before
    assert run("delete", "nope", "--yes", code=1).startswith("Error: No document 'nope'")


def test_a_failure_mid_delete_leaves_the_database_as_it_was(two_docs: Path, monkeypatch: pytest.MonkeyPatch):
    before = _counts(two_docs)

    def boom(*args: object) -> None:
        raise RuntimeError("disk gone")

    monkeypatch.setattr(fuzzy, "remove_units", boom)
    with Store.open(two_docs) as store, pytest.raises(RuntimeError):
        delete_document(store, "alasr-soleimani-putin-2", forget_memory=True)
    assert _counts(two_docs) == before
    with Store.open(two_docs) as store, pytest.raises(NotFoundError):
        delete_document(store, "gone")


def _postings(store: Store) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for token, blob in store.db.execute("SELECT token, ids FROM memory_postings ORDER BY token, start"):
        out.setdefault(token, []).extend(np.frombuffer(blob, dtype="<i8").tolist())
    return out


def _rebuilt(store: Store) -> dict[str, list[int]]:
    with store.transaction() as conn:
        fuzzy.rebuild(conn)
    return _postings(store)


def test_removing_units_leaves_the_index_a_rebuild_would_make(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Bulk chunks, one-unit chunks and compacted ones (real UN sentences); a removed unit is never found."""
    if not UN.is_file():
        pytest.skip("../shared/data is not here")
    monkeypatch.setattr(fuzzy, "MAX_CHUNKS", 3)
    lines = UN.read_text(encoding="utf-8").splitlines()[:300]
    store = Store.open(tmp_path / "m.db")
    import_units(store, (TMUnit(s, f"en {i}", i) for i, s in enumerate(lines[:200])), file="f", author="t")
    with store.transaction() as conn:
        for i, s in enumerate(lines[200:], start=200):
            add_unit(conn, source=s, target=f"en {i}", origin="human")
    units = store.db.execute("SELECT id, key FROM memory_units").fetchall()
    gone = random.Random(3).sample(units, 90)
    with store.transaction() as conn:
        conn.executemany("DELETE FROM memory_units WHERE id = ?", [(u,) for u, _ in gone])
        fuzzy.remove_units(conn, [(u, words(k)) for u, k in gone])
    removed = _postings(store)
    assert not {u for u, _ in gone} & {p >> fuzzy.LEN_BITS for ids in removed.values() for p in ids}
    assert removed == _rebuilt(store)
    for unit_id, k in gone[:20]:
        assert all(found != unit_id for _, found, _ in fuzzy.search(store.db.conn, words(k), threshold=50, limit=5))
    store.close()


def test_translate_refuses_the_same_names_as_rename(tmp_path: Path):
    out = run("translate", str(ARTICLE), "--engine", "none", "--name", "desk\nrun", code=1)
    assert out.startswith("Error: The document name holds the character U+000A")
    assert not (tmp_path / "tm.db").exists()  # refused before the database is opened


def test_ids_of_deleted_documents_and_memory_units_are_never_given_again(two_docs: Path, tmp_path: Path):
    conn = sqlite3.connect(two_docs)
    (last_unit,) = conn.execute("SELECT max(id) FROM memory_units").fetchone()
    conn.close()
    run("delete", "third", "--yes", "--forget-memory")  # the newest document and the newest unit
    run("translate", str(ARTICLE), "--engine", "none", "--name", "fourth", "-o", str(tmp_path / "4.txt"))
    newest = json.loads(run("docs", "--json"))[-1]
    assert (newest["id"], newest["name"]) == (4, "fourth")
    run("show", "3", code=1)  # the deleted id names nothing
    run("correct", "fourth", "5", "A new correction.")
    conn = sqlite3.connect(two_docs)
    assert conn.execute("SELECT id FROM memory_units WHERE target = 'A new correction.'").fetchone() == (
        last_unit + 1,)
    conn.close()


def test_a_number_that_is_an_id_and_a_name_is_refused(tmp_path: Path):
    two = tmp_path / "2.ar.txt"  # stored as doc-2
    two.write_text(ARTICLE.read_text(encoding="utf-8"), encoding="utf-8")
    run("translate", str(two), "--engine", "none", "-o", str(tmp_path / "a.txt"))
    run("translate", str(ARTICLE), "--engine", "none", "-o", str(tmp_path / "b.txt"))
    for args in (["delete", "2", "--yes"], ["rename", "2", "x"]):
        out = run(*args, code=1)
        assert out == ("Error: 2 is both the id of document 'alasr-soleimani-putin' and the name of document 1 "
                       "('doc-2'); give the name of the one you mean.\n")
    assert run("delete", "doc-2", "--yes").startswith("Deleted document 1 'doc-2'")
    assert run("delete", "2", "--yes").startswith("Deleted document 2 'alasr-soleimani-putin'")


def test_a_document_changed_after_it_was_read_is_not_deleted(two_docs: Path):
    """What a terminal prompt meets when another process deletes and replaces the document meanwhile."""
    with Store.open(two_docs) as store:
        seen = store.document("third")
        rename_document(store, "third", "renamed")
        with pytest.raises(NotFoundError, match="'third' was deleted or renamed by another process meanwhile"):
            delete_document(store, seen)
        assert [d["name"] for d in store.documents()][-1] == "renamed"


@pytest.mark.parametrize(("file_name", "name"), [
    ("ctl\x01x.ar.txt", "ctl_x"),
    ("bad\nname.ar.txt", "bad_name"),
    (" spaced .ar.txt", "spaced"),
], ids=["control", "line-break", "spaces"])
def test_a_name_taken_from_a_file_name_is_one_rename_would_accept(tmp_path: Path, file_name: str, name: str):
    path = tmp_path / file_name
    path.write_text(ARTICLE.read_text(encoding="utf-8"), encoding="utf-8")
    run("translate", str(path), "--engine", "none", "-o", str(tmp_path / "x.txt"))
    assert [d["name"] for d in json.loads(run("docs", "--json"))] == [name]
    run("export", name, "--format", "xliff", "-o", str(tmp_path / "x.xlf"))


def test_a_schema_2_database_gains_what_deleting_needs(two_docs: Path):
    conn = sqlite3.connect(two_docs)
    conn.executescript("DROP INDEX memory_units_translation; DROP INDEX draft_stats_human; DROP TABLE retired_ids; "
                       "PRAGMA user_version = 2;")
    conn.close()
    with Store.open(two_docs) as store:
        names = {r[0] for r in store.db.execute("SELECT name FROM sqlite_master")}
        assert {"memory_units_translation", "draft_stats_human", "retired_ids"} <= names
        assert delete_document(store, "third").corrections == 1


@pytest.mark.parametrize(("answer", "code", "last"), [
    ("n\n", 1, "Error: Nothing was deleted."),
    ("y\n", 0, "Deleted document 2 'alasr-soleimani-putin-2': 23 segments, 0 drafts, 3 corrections; "
               "2 corrections stay in the memory."),
], ids=["declined", "confirmed"])
def test_at_a_terminal_delete_asks_first(two_docs: Path, monkeypatch: pytest.MonkeyPatch, answer: str, code: int,
                                         last: str):
    from types import SimpleNamespace

    import tm.cli.documents as commands

    monkeypatch.setattr(commands, "sys", SimpleNamespace(stdin=SimpleNamespace(isatty=lambda: True)))
    result = CliRunner().invoke(cli, ["delete", "alasr-soleimani-putin-2"], input=answer)
    assert result.exit_code == code
    assert result.output.splitlines() == [
        "Delete document 2 'alasr-soleimani-putin-2' (23 segments, 3 corrected)? [y/N]: " + answer.strip(), last]
    assert ("alasr-soleimani-putin-2" in run("docs")) is (code == 1)


def test_an_import_after_forgetting_every_unit_takes_new_ids(two_docs: Path, tmp_path: Path):
    for doc in ("alasr-soleimani-putin", "alasr-soleimani-putin-2", "third"):
        run("delete", doc, "--yes", "--forget-memory")
    conn = sqlite3.connect(two_docs)
    assert conn.execute("SELECT count(*) FROM memory_units").fetchone() == (0,)
    (retired,) = conn.execute("SELECT last FROM retired_ids WHERE tbl = 'memory_units'").fetchone()
    conn.close()
    tsv = tmp_path / "pairs.tsv"
    tsv.write_text("ar\ten\nقال الرئيس.\tThe president said.\nوصل الوزير.\tThe minister arrived.\n", encoding="utf-8")
    run("memory", "import", str(tsv))
    with Store.open(two_docs) as store:
        ids = [r[0] for r in store.db.execute("SELECT id FROM memory_units ORDER BY id")]
        assert ids[0] > retired and len(ids) == 2
        assert _postings(store) == _rebuilt(store)
