"""Bad input, bad paths and a hostile environment: every failure is one ``Error: …`` line, a non-zero exit,
and a database left as it was."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from tm.cli import cli

ARTICLE = "قال الرئيس إن الحكومة ستجتمع غدا.\nوأضاف أن الوضع صعب.\n"


def run(*args: str, input: str | bytes | None = None):
    return CliRunner().invoke(cli, list(args), input=input)


def dump(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


def one_error(result, code: int = 1) -> str:
    """The single ``Error:`` line of a failed command (no traceback)."""
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines and lines[-1].startswith("Error: "), result.output
    assert "Traceback" not in result.output
    return lines[-1]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A database holding one translated (and once corrected) document, ``article``."""
    path = tmp_path / "tm.db"
    src = tmp_path / "article.ar.txt"
    src.write_text(ARTICLE, encoding="utf-8")
    assert run("translate", str(src), "--engine", "none", "-o", os.devnull, "--db", str(path)).exit_code == 0
    assert run("correct", "article", "1", "The president said.", "--db", str(path)).exit_code == 0
    return path


def test_export_through_a_symlink_keeps_the_link(db: Path, tmp_path: Path) -> None:
    real = tmp_path / "real.tmx"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.tmx"
    link.symlink_to(real)
    assert run("memory", "export", str(link), "--db", str(db)).exit_code == 0
    assert link.is_symlink()
    assert "The president said." in real.read_text(encoding="utf-8")


def test_export_into_a_named_pipe_keeps_the_pipe(db: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.xlf"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = run("export", "article", "--format", "xliff", "-o", str(fifo), "--db", str(db))
    reader.join(timeout=5)  # a daemon: if the pipe was replaced, it waits on it in vain but holds nothing up
    assert result.exit_code == 0, result.output
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert b"The president said." in got[0]


@pytest.mark.parametrize(
    "args",
    [
        ["export", "article", "-o", "{db}"],
        ["export", "article", "--format", "xliff", "-o", "{db}"],
        ["export", "article", "-o", "{db}-wal"],
        ["memory", "export", "{db}", "--format", "tmx"],
        ["glossary", "export", "{db}", "--format", "csv"],
        ["score", "--html", "{db}"],
        ["translate", "{src}", "--engine", "none", "-o", "{db}"],
    ],
    ids=["export", "export-xliff", "export-wal", "memory-export", "glossary-export", "score-html", "translate"],
)
def test_output_onto_the_database_is_refused(db: Path, tmp_path: Path, args: list[str]) -> None:
    src = tmp_path / "other.ar.txt"
    src.write_text(ARTICLE, encoding="utf-8")
    before = dump(db)
    result = run(*[a.format(db=db, src=src) for a in args], "--db", str(db))
    assert "it is the database" in one_error(result)
    assert dump(db) == before


def test_output_onto_the_default_database_is_refused(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TM_DB", str(db))
    before = dump(db)
    assert "it is the database" in one_error(run("memory", "export", str(db), "--format", "tsv"))
    assert dump(db) == before


def test_translate_output_onto_its_input_is_refused(db: Path, tmp_path: Path) -> None:
    src = tmp_path / "new.ar.txt"
    src.write_text(ARTICLE, encoding="utf-8")
    before = dump(db)
    line = one_error(run("translate", str(src), "--engine", "none", "-o", str(src), "--db", str(db)))
    assert "it is the input file" in line
    assert src.read_text(encoding="utf-8") == ARTICLE
    assert dump(db) == before


def test_translate_empty_name_is_refused(db: Path, tmp_path: Path) -> None:
    src = tmp_path / "new.ar.txt"
    src.write_text(ARTICLE, encoding="utf-8")
    before = dump(db)
    line = one_error(run("translate", str(src), "--engine", "none", "--name", " ", "--db", str(db)))
    assert "--name is empty" in line
    assert dump(db) == before


@pytest.mark.parametrize(
    "args",
    [
        ["translate", "{src}", "--engine", "none", "--fuzzy-threshold", "nan"],
        ["memory", "search", "مرحبا", "--min", "nan"],
    ],
    ids=["fuzzy-threshold", "search-min"],
)
def test_nan_percentage_is_refused(db: Path, tmp_path: Path, args: list[str]) -> None:
    src = tmp_path / "new.ar.txt"
    src.write_text(ARTICLE, encoding="utf-8")
    before = dump(db)
    result = run(*[a.format(src=src) for a in args], "--db", str(db))
    assert "'nan' is not a number" in one_error(result, code=2)
    assert dump(db) == before



def _tm(args: list[str], env: dict[str, str], *, close: int) -> subprocess.CompletedProcess[str]:
    """Run ``python -m tm`` with file descriptor *close* (0 stdin, 1 stdout) closed."""
    return subprocess.run([sys.executable, "-m", "tm", *args], env=env, stderr=subprocess.PIPE,
                          stdout=subprocess.DEVNULL if close == 0 else None, text=True, timeout=120,
                          preexec_fn=lambda: os.close(close))  # fmt: skip


@pytest.mark.parametrize(
    "args, close",
    [(["translate", "-", "--engine", "none"], 0), (["correct", "article", "2", "-"], 0),
     (["memory", "search", "--file", "-"], 0), (["memory", "export", "-"], 1),
     (["glossary", "export", "-"], 1)],
    ids=["translate-stdin", "correct-stdin", "search-stdin", "memory-export-stdout", "glossary-export-stdout"],
)  # fmt: skip
def test_closed_standard_streams(db: Path, args: list[str], close: int) -> None:
    env = dict(os.environ, TM_DB=str(db))
    before = dump(db)
    proc = _tm(args, env, close=close)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines()[-1].startswith("Error: Standard " + ("input" if close == 0 else "output"))
    assert dump(db) == before


@pytest.mark.parametrize(
    "args",
    [["correct", "article", "99999999999999999999", "Text."]],
    ids=["correct"],
)  # fmt: skip
def test_number_too_large_for_sqlite(db: Path, args: list[str]) -> None:
    before = dump(db)
    assert "too large" in one_error(run(*args, "--db", str(db)))
    assert dump(db) == before


def test_damaged_database(db: Path) -> None:
    data = bytearray(db.read_bytes())
    page = 4096
    assert len(data) > 3 * page
    data[page:3 * page] = b"\xab" * (2 * page)  # the header and schema page intact, tables garbled
    db.write_bytes(bytes(data))
    line = one_error(run("docs", "--db", str(db)))
    assert "damaged" in line and ".recover" in line


def test_database_directory_that_cannot_be_made(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.delenv("TM_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(blocker))
    line = one_error(run("docs"))
    assert str(blocker / "tm") in line and "XDG_DATA_HOME" in line


def test_cache_directory_that_cannot_be_made(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    model = tmp_path / "model"
    model.mkdir()
    (model / "config.json").write_text("{}", encoding="utf-8")
    monkeypatch.setenv("TM_CACHE", str(blocker))
    line = one_error(run("model", "convert", str(model)))
    assert str(blocker / "ct2") in line and "Not a directory" in line


def test_interrupt_wrapped_by_a_lazy_import(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tm.memory

    def interrupted(*args: object, **kwargs: object) -> None:
        raise RuntimeError("Error calling __set_name__") from KeyboardInterrupt()

    monkeypatch.setattr(tm.memory, "stats", interrupted)
    result = run("memory", "stats", "--db", str(db))
    assert result.exit_code == 130
    assert "Interrupted" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(
    "args, code",
    [(["glossary", "import", "{f}"], 1), (["memory", "import", "{f}"], 1),
     (["memory", "import", "--ar", "{f}", "--en", "{f}"], 1), (["glossary", "check", "{f}"], 2), (["qa", "{f}"], 2)],
    ids=["glossary-import", "memory-import", "memory-import-aligned", "glossary-check", "qa"],
)  # fmt: skip
def test_utf16_without_byte_order_mark(db: Path, tmp_path: Path, args: list[str], code: int) -> None:
    """A UTF-16 file saved without its BOM is named as such, not as a missing column, a stray U+0006 or
    a line without a tab."""
    f = tmp_path / "pairs.tsv"
    f.write_bytes("ar\ten\nمجلس الشيوخ\tSenate\n".encode("utf-16-le"))
    before = dump(db)
    line = one_error(run(*[a.format(f=f) for a in args], "--db", str(db)), code=code)
    assert f"{f}: the file is UTF-16 without a byte-order mark; save it as UTF-8" in line
    assert dump(db) == before


@pytest.mark.parametrize(
    "args, code, says",
    [(["qa", " "], 2, "named is empty"), (["glossary", "check", ""], 2, "named is empty"),
     (["model", "pull", ""], 1, "model id is empty")],
    ids=["qa", "glossary-check", "model-pull"],
)  # fmt: skip
def test_empty_name_argument(db: Path, args: list[str], code: int, says: str) -> None:
    """An empty DOC is not the current directory ("Error:  is a directory"), nor an empty model id a path."""
    before = dump(db)
    assert says in one_error(run(*args, "--db", str(db)) if args[0] != "model" else run(*args), code=code)
    assert dump(db) == before


def test_xliff_for_a_document_not_in_the_database(db: Path, tmp_path: Path) -> None:
    """The error names the file and says where it belongs, not only that the document is unknown."""
    xlf = tmp_path / "article.xlf"
    assert run("export", "article", "--format", "xliff", "-o", str(xlf), "--db", str(db)).exit_code == 0
    other = tmp_path / "other.db"
    assert run("translate", "-", "--engine", "none", "--name", "else", "--db", str(other), input=ARTICLE).exit_code == 0
    before = dump(other)
    line = one_error(run("import-xliff", str(xlf), "--db", str(other)))
    assert "No document 'article'" in line and f"{xlf} names it" in line and "--db" in line
    assert dump(other) == before


@pytest.mark.parametrize("args, code", [(["score", "--hyp", "{u}", "--ref", "{r}"], 1),
                                        (["qa", "--src", "{u}", "--hyp", "{r}"], 2)], ids=["score", "qa"])
def test_utf16_without_byte_order_mark_in_file_mode(tmp_path: Path, args: list[str], code: int) -> None:
    """Line-aligned files too: UTF-16 without its BOM decodes as UTF-8 full of NULs and miscounts lines."""
    u, r = tmp_path / "u.txt", tmp_path / "r.txt"
    u.write_bytes("قال الرئيس.\nوأضاف.\n".encode("utf-16-le"))
    r.write_text("The president said.\nHe added.\n", encoding="utf-8")
    line = one_error(run(*[a.format(u=u, r=r) for a in args]), code=code)
    assert f"{u}: the file is UTF-16 without a byte-order mark; save it as UTF-8" in line


def test_glossary_export_through_a_symlink_keeps_the_link(db: Path, tmp_path: Path) -> None:
    real = tmp_path / "real.csv"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    assert run("glossary", "export", str(link), "--db", str(db)).exit_code == 0
    assert link.is_symlink()
    assert "Popular Mobilization Forces" in real.read_text(encoding="utf-8-sig")


@pytest.mark.parametrize("command", ["show", "export"])
@pytest.mark.parametrize("ref", ["²", "١", "99999999999999999999"], ids=["superscript", "arabic-indic", "huge"])
def test_a_document_reference_that_is_no_id_is_looked_up_as_a_name(db: Path, command: str, ref: str) -> None:
    line = one_error(run(command, ref, "--db", str(db)))
    assert f"No document {ref!r}" in line


def test_another_programs_sqlite_file_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE foo (x)")
    conn.execute("INSERT INTO foo VALUES (1)")
    conn.commit()
    conn.close()
    before = dump(other)
    src = tmp_path / "a.ar.txt"
    src.write_text(ARTICLE, encoding="utf-8")
    for args in (["docs"], ["translate", str(src), "--engine", "none", "-o", os.devnull]):
        line = one_error(run(*args, "--db", str(other)))
        assert "another program's SQLite file (tables foo), not a tm database" in line
    assert dump(other) == before


def _garble(db: Path, pages: list[int]) -> None:
    data = bytearray(db.read_bytes())
    for page in pages:
        data[(page - 1) * 4096:page * 4096] = b"\xab" * 4096
    db.write_bytes(bytes(data))


def _middle_leaf(db: Path, table: str) -> int:
    """A leaf page of *table* that is neither its first nor its last (the root is an interior page)."""
    conn = sqlite3.connect(db)
    try:
        (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()
    finally:
        conn.close()
    page = db.read_bytes()[(root - 1) * 4096:root * 4096]
    assert page[0] == 0x05, "the table should span several pages"
    cells = int.from_bytes(page[3:5], "big")
    assert cells >= 3
    offset = int.from_bytes(page[12 + 2 * (cells // 2):14 + 2 * (cells // 2)], "big")
    child = int.from_bytes(page[offset:offset + 4], "big")
    assert db.read_bytes()[(child - 1) * 4096] == 0x0D, "a depth-2 tree: the child is a leaf"
    return child


@pytest.mark.parametrize(
    "args",
    [["memory", "import", "{units}"], ["correct", "article", "2", "Another."], ["glossary", "add", "سلام", "peace"],
     ["translate", "{article}", "--engine", "none", "-o", os.devnull]],
    ids=["memory-import", "correct", "glossary-add", "translate"],
)  # fmt: skip
def test_damaged_database_refuses_writes(db: Path, tmp_path: Path, args: list[str]) -> None:
    units = tmp_path / "units.tsv"
    units.write_text("السلام عليكم\tPeace be upon you\n", encoding="utf-8")
    article = tmp_path / "other.ar.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    _garble(db, [2, 3])  # the documents table's root and its index: no write reads them
    before = db.read_bytes()
    line = one_error(run(*[a.format(units=units, article=article) for a in args], "--db", str(db)))
    assert "damaged" in line and "nothing was written" in line and ".recover" in line
    assert db.read_bytes() == before
    assert not Path(f"{db}-wal").exists() or Path(f"{db}-wal").stat().st_size == 0


@pytest.mark.parametrize("large", [False, True], ids=["small-database", "large-database-bulk-write"])
def test_damage_inside_a_written_table_is_found_before_the_commit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                  large: bool) -> None:  # fmt: skip
    if large:  # past the size where a small write skips quick_check; this import counts as a bulk write
        import tm.store

        monkeypatch.setattr(tm.store, "CHECK_BYTES", 0)
        monkeypatch.setattr(tm.store, "BULK_CHANGES", 1)
    db = tmp_path / "big.db"
    units = tmp_path / "units.tsv"
    units.write_text("".join(f"قال الوزير {i} إن الاجتماع انتهى\tThe minister {i} said the meeting ended\n"
                             for i in range(3000)), encoding="utf-8")  # fmt: skip
    assert run("memory", "import", str(units), "--db", str(db)).exit_code == 0
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    _garble(db, [_middle_leaf(db, "memory_units")])  # the first and last rows still read well
    assert run("docs", "--db", str(db)).exit_code == 0
    more = tmp_path / "more.tsv"
    more.write_text("السلام عليكم\tPeace be upon you\n", encoding="utf-8")
    before = db.read_bytes()
    line = one_error(run("memory", "import", str(more), "--db", str(db)))
    assert "damaged" in line and "nothing was written" in line
    assert db.read_bytes() == before


def _without_write_permission() -> list[str]:
    """A command prefix that runs without the power to write what its mode bits forbid (root's capabilities
    dropped); skips the test where that cannot be done."""
    if os.geteuid() != 0:
        return []
    if subprocess.run(["setpriv", "--version"], capture_output=True).returncode != 0:
        pytest.skip("running as root without setpriv: read-only permissions cannot be tested")
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner"]


def test_database_in_a_read_only_directory(db: Path, tmp_path: Path) -> None:
    prefix = _without_write_permission()
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    before = db.read_bytes()
    env = {**os.environ, "TM_DB": str(db)}

    def tm(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*prefix, sys.executable, "-m", "tm", *args], capture_output=True, text=True, env=env)

    tmp_path.chmod(0o555)
    try:
        docs = tm("docs")
        export = tm("export", "article")
        correct = tm("correct", "article", "2", "Another.")
    finally:
        tmp_path.chmod(0o755)
    assert docs.returncode == 0 and "article" in docs.stdout, docs.stderr
    assert export.returncode == 0 and export.stdout.startswith("The president said."), export.stderr
    assert correct.returncode == 1 and "Traceback" not in correct.stderr
    line = correct.stderr.strip()
    assert line.startswith("Error: Cannot write the database") and "not writable" in line and "\n" not in line
    assert db.read_bytes() == before
    assert not Path(f"{db}-wal").exists() and not Path(f"{db}-shm").exists()


@pytest.mark.parametrize("where", ["option", "environment"])
def test_database_in_a_directory_that_does_not_exist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     where: str) -> None:  # fmt: skip
    units = tmp_path / "units.tsv"
    units.write_text("السلام عليكم\tPeace be upon you\n", encoding="utf-8")
    target = tmp_path / "no" / "such" / "tm.db"
    monkeypatch.setenv("TM_DB", str(target))
    args = ["--db", str(target)] if where == "option" else []
    line = one_error(run("memory", "import", str(units), *args))
    assert f"{target.parent} does not exist" in line and "mkdir -p" in line
    assert not (tmp_path / "no").exists()
    (tmp_path / "no" / "such").mkdir(parents=True)
    assert run("memory", "import", str(units), *args).exit_code == 0
    assert target.is_file()


def test_default_database_directories_are_made(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    units = tmp_path / "units.tsv"
    units.write_text("السلام عليكم\tPeace be upon you\n", encoding="utf-8")
    monkeypatch.delenv("TM_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "new" / "data"))
    assert run("memory", "import", str(units)).exit_code == 0
    assert (tmp_path / "new" / "data" / "tm" / "tm.db").is_file()



def test_interrupt_after_the_import_was_stored(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tm.store import Store

    close = Store.close

    def interrupted(self: Store) -> None:  # Ctrl-C as the database is closed after the commit
        close(self)
        raise KeyboardInterrupt

    units = tmp_path / "units.tsv"
    units.write_text("السلام عليكم\tPeace be upon you\n", encoding="utf-8")
    monkeypatch.setattr(Store, "close", interrupted)
    result = run("memory", "import", str(units), "--db", str(db))
    monkeypatch.setattr(Store, "close", close)
    assert result.exit_code == 130
    assert result.output == ("Interrupted after the changes were saved to the database; nothing half-written was "
                             "kept.\n")  # fmt: skip
    assert json.loads(run("memory", "stats", "--json", "--db", str(db)).output)["by_origin"]["import"] == 1


def test_interrupt_before_anything_was_stored(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tm.memory

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    units = tmp_path / "units.tsv"
    units.write_text("السلام عليكم\tPeace be upon you\n", encoding="utf-8")
    before = dump(db)
    monkeypatch.setattr(tm.memory, "import_units", interrupted)
    result = run("memory", "import", str(units), "--db", str(db))
    assert result.exit_code == 130
    assert result.output == "Interrupted; nothing half-written was kept.\n"
    assert dump(db) == before
