"""Reading input documents: every bad input is refused in one sentence."""

from __future__ import annotations

from pathlib import Path

import pytest

from tm.errors import InputError
from tm.workflow import read_source, read_source_file


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "is empty"),
        (b"  \n\t\n", "is empty"),
        (b"\x00\x01\x02PK", "binary"),
        ("نص عربي".encode("cp1256"), "not UTF-8"),
    ],
    ids=["empty", "blank", "binary", "cp1256"],
)
def test_bad_bytes_are_refused(data: bytes, message: str):
    with pytest.raises(InputError, match=message):
        read_source(data, name="x")


def test_bom_is_dropped_and_text_kept():
    src = read_source("\ufeffنص عربي.\n".encode(), name="x")
    assert src.text == "نص عربي.\n"


def test_missing_path_and_directory(tmp_path: Path):
    with pytest.raises(InputError, match="No such file"):
        read_source_file(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="is a directory"):
        read_source_file(tmp_path)


def test_name_is_the_file_name_without_extensions(tmp_path: Path):
    p = tmp_path / "alasr-soleimani-putin.ar.txt"
    p.write_text("نص.", encoding="utf-8")
    assert read_source_file(p).name == "alasr-soleimani-putin"
