"""Bad input, bad paths and a hostile environment: every failure is one ``Error: …`` line, a non-zero exit,
and a database left as it was."""

from __future__ import annotations

import os
import sqlite3
import stat
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
