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
        ("\u200b\n".encode(), "is empty"),
        ("\ufeff\ufeff\n \u200b\u00a0".encode(), "is empty"),
        ("\u200f\u200e\n\u200c\n".encode(), "is empty"),
        ("قال\x01 الرئيس.\n".encode(), "line 1 holds the control character U\\+0001"),
        ("سطر.\n\nقال\x1b الرئيس.\n".encode(), "line 3 holds the control character U\\+001B"),
    ],
    ids=["empty", "blank", "binary", "cp1256", "zero-width-space", "boms-and-spaces", "direction-marks", "control",
         "escape-line-3"],
)
def test_bad_bytes_are_refused(data: bytes, message: str):
    with pytest.raises(InputError, match=message):
        read_source(data, name="x")


def test_bom_is_dropped_and_text_kept():
    src = read_source("\ufeffنص عربي.\n".encode(), name="x")
    assert src.text == "نص عربي.\n"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_a_bom_is_read(encoding: str):
    text = "قال الرئيس.\r\nوأضاف أن الحكومة ستجتمع.\r\n"
    data = ("\ufeff" + text).encode(encoding) if encoding != "utf-16" else text.encode("utf-16")
    assert read_source(data, name="x").text == text
    with pytest.raises(InputError, match="starts like UTF-16 text but is not"):
        read_source(b"\xff\xfe\x41", name="x")


def test_missing_path_and_directory(tmp_path: Path):
    with pytest.raises(InputError, match="No such file"):
        read_source_file(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="is a directory"):
        read_source_file(tmp_path)


@pytest.mark.parametrize(("file_name", "name"), [
    ("alasr-soleimani-putin.ar.txt", "alasr-soleimani-putin"),
    ("UNv1.0.devset.ar", "UNv1.0.devset"),
    ("UNv1.0.testset.ar", "UNv1.0.testset"),
    ("2024.01.05-x.ar.txt", "2024.01.05-x"),
    ("article.txt", "article"),
    ("news.ar-SA.TXT", "news"),
    ("arb_Arab.devtest", "arb_Arab.devtest"),
], ids=["sample", "un-devset", "un-testset", "dated", "txt", "tagged", "flores"])  # fmt: skip
def test_name_is_the_file_name_without_text_extension_and_language(tmp_path: Path, file_name: str, name: str):
    p = tmp_path / file_name
    p.write_text("نص.", encoding="utf-8")
    assert read_source_file(p).name == name


@pytest.mark.parametrize("text", ["one\vtwo", "one\x85two", "one\x0ctwo", "one\u2028two", "a\x07b", "a\x1fb"],
                         ids=["vt", "nel", "ff", "ls", "bell", "unit-separator"])  # fmt: skip
def test_a_correction_with_a_break_or_control_character_is_refused(store, text: str):
    from tm.workflow import correct_segment

    with store.transaction() as conn:
        doc, _ = store.add_document(conn, name="d", path=None, sha256="0" * 64, prefix="",
                                    segments=[("قال الرئيس.", "", 1)])  # fmt: skip
    with pytest.raises(InputError, match="line break|control character") as info, store.transaction() as conn:
        correct_segment(store, conn, doc, 1, text)
    assert "\n" not in str(info.value)
    assert store.segment(doc, 1).translations == []
