"""TSV/CSV pair files and line-aligned pairs: what is read, and each malformed input refused with its line."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from tm.errors import FormatError, InputError
from tm.formats.tabular import read_aligned, read_tabular

NTREX = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ntrex128"


def _file(tmp_path: Path, name: str, data: str | bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return p


def _pairs(path: Path) -> list[tuple[str, str, int]]:
    return [(u.source, u.target, u.line) for u in read_tabular(path)]


READS = [
    ("a.tsv", "قال\tsaid\nذهب\twent\n", [("قال", "said", 1), ("ذهب", "went", 2)]),
    ("a.tsv", "ar\ten\r\nقال\tsaid\r\n\r\nذهب\twent", [("قال", "said", 2), ("ذهب", "went", 4)]),
    ("a.tsv", "Source\tTarget\n قال \t said \n", [(" قال ", " said ", 2)]),
    ("a.tsv", "en\tar\nsaid\tقال\n", [("قال", "said", 2)]),
    ("a.tsv", "\ufeffarabic\tenglish\nقال\t\"said\", he\n", [("قال", '"said", he', 2)]),
    ("a.csv", 'ar,en\n"قال، ثم","he said, then"\nذهب,went\n',
     [("قال، ثم", "he said, then", 2), ("ذهب", "went", 3)]),
    ("a.csv", '"سطر\r\nثان","line ""two"""\r\nذهب,went\r\n',
     [("سطر\r\nثان", 'line "two"', 1), ("ذهب", "went", 3)]),
    ("a.csv", "قال,said,,\n\nذهب,went\n", [("قال", "said", 1), ("ذهب", "went", 3)]),
    ("a.csv", "english,arabic\nsaid,قال\n", [("قال", "said", 2)]),
    ("pairs.txt", "قال\tsaid, then\n", [("قال", "said, then", 1)]),
    ("pairs.txt", 'قال,"said, then"\n', [("قال", "said, then", 1)]),
    ("a.tsv", "COVID-19\tCOVID-19\n٢٠١٥\t2015\n", [("COVID-19", "COVID-19", 1), ("٢٠١٥", "2015", 2)]),
]  # fmt: skip


@pytest.mark.parametrize(("name", "data", "expected"), READS, ids=[
    "tsv", "tsv-header-crlf-blank", "tsv-spaces-kept", "tsv-reversed-header", "tsv-bom", "csv-quoted",
    "csv-multiline-crlf", "csv-trailing-empty-cells", "csv-reversed-header", "sniff-tsv",
    "sniff-csv", "no-arabic-letters-either-side"])  # fmt: skip
def test_pairs_are_read_arabic_first_with_their_line(tmp_path: Path, name: str, data: str, expected: list):
    assert _pairs(_file(tmp_path, name, data)) == expected


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_utf16_with_bom_as_spreadsheets_save_it(tmp_path: Path, encoding: str):
    data = "ar\ten\r\nقال\tsaid\r\n"
    raw = data.encode(encoding) if encoding == "utf-16" else "\ufeff".encode(encoding) + data.encode(encoding)
    assert _pairs(_file(tmp_path, "a.tsv", raw)) == [("قال", "said", 2)]


TABULAR_ERRORS = [
    ("a.tsv", "قال\tsaid\nذهب\twent\tnow\n", 2, "3 tab-separated fields"),
    ("a.tsv", "قال\tsaid\nذهب\n", 2, "1 tab-separated fields"),
    ("a.tsv", "ar\ten\nقال\tsaid\n\t  went\n", 3, "the Arabic side is empty"),
    ("a.tsv", "قال\t \n", 1, "the English side is empty"),
    ("a.csv", 'قال,said\n"ذهب,went\nok,ok\n', 2, "malformed CSV"),
    ("a.csv", "قال,said,now\n", 1, "3 comma-separated fields"),
    ("a.csv", 'قال,said\n"",went\n', 2, "the Arabic side is empty"),
    ("a.tsv", "قال\tsaid\n".encode() + "ذهب\twent\n".encode("cp1256"), 2, "not UTF-8"),
    ("a.tsv", "", None, "the file is empty"),
    ("a.csv", "ar,en\n", None, None),
    ("a.tsv", "hello\tمرحبا\n", 1,
     "the columns look swapped: the first column has no Arabic letters but the second has; put the Arabic first "
     "and the English second, or name the order in a header row `en<TAB>ar`."),
    ("a.csv", "قال,said\n\nhello,مرحبا\n", 3, "the columns look swapped.*header row `en,ar`"),
    ("pairs.txt", "hello\tمرحبا\n", 1, "the columns look swapped"),
    ("a.tsv", "ar\ten\nhello\tمرحبا\n", 2,
     "the first column has no Arabic letters but the second has, though the header row says the Arabic comes "
     "first; swap the columns or make the header row `en<TAB>ar`"),
    ("a.csv", "en,ar\nقال,said\n", 2, "the second column has no Arabic .* header row `ar,en`"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "data", "line", "message"), TABULAR_ERRORS, ids=[
    "tsv-3-fields", "tsv-1-field", "tsv-empty-arabic", "tsv-blank-english", "csv-unterminated-quote",
    "csv-3-fields", "csv-empty-arabic", "cp1256", "empty", "header-only", "tsv-swapped", "csv-swapped-later",
    "sniffed-swapped", "tsv-swapped-under-header", "csv-swapped-under-reversed-header"])  # fmt: skip
def test_bad_rows_are_refused_with_their_line(tmp_path: Path, name: str, data: str | bytes, line: int | None,
                                              message: str | None):  # fmt: skip
    path = _file(tmp_path, name, data)
    if message is None:  # a header alone is a valid, empty file
        assert _pairs(path) == []
        return
    with pytest.raises(FormatError, match=message) as info:
        _pairs(path)
    assert (info.value.line, info.value.path) == (line, str(path))
    assert "\n" not in str(info.value)


def test_missing_file(tmp_path: Path):
    with pytest.raises(InputError, match="No such file"):
        list(read_tabular(tmp_path / "nope.tsv"))


# -- line-aligned ---------------------------------------------------------------------------


def _aligned(tmp_path: Path, ar: str | bytes, en: str | bytes) -> list[tuple[str, str, int]]:
    units = read_aligned(_file(tmp_path, "x.ar", ar), _file(tmp_path, "x.en", en))
    assert inspect.isgenerator(units) is True  # streamed; `is True` keeps mypy from narrowing
    return [(u.source, u.target, u.line) for u in units]


ALIGNED = [
    ("أ\nب\n", "a\nb\n", [("أ", "a", 1), ("ب", "b", 2)]),
    ("أ\r\nب\r\n", "a\r\nb", [("أ", "a", 1), ("ب", "b", 2)]),
    ("\ufeffأ\n\nب\n", "a\n\nb\n", [("أ", "a", 1), ("ب", "b", 3)]),
    ("أ\nب\n\n\n", "a\nb", [("أ", "a", 1), ("ب", "b", 2)]),
    (" أ  \n", "\ta \n", [(" أ  ", "\ta ", 1)]),
]  # fmt: skip


@pytest.mark.parametrize(("ar", "en", "expected"), ALIGNED,
                         ids=["lf", "crlf", "bom-blank-both", "trailing-blank", "spaces-kept"])  # fmt: skip
def test_aligned_pairs(tmp_path: Path, ar: str, en: str, expected: list):
    assert _aligned(tmp_path, ar, en) == expected


ALIGNED_ERRORS = [
    ("أ\nب\nج\n", "a\nb\n", "^{ar} has 3 lines but {en} has 2 lines; line-aligned files need the same number", None),
    ("أ\n", "a\nb\nc", "^{ar} has 1 line but {en} has 3 lines;", None),
    ("أ\n\nج\n", "a\nb\nc\n", "the Arabic line is empty", 2),
    ("أ\nب\n", "a\n  \n", "the English line is empty", 2),
    ("", "", "^both files are empty: neither {ar} nor {en} has a line of text", None),
    ("\n\n", " \n", "^both files are empty", None),
    ("أ\nhello\n", "a\nمرحبا\n", "the files look swapped: this line has no Arabic letters but line 2 of {en} has", 2),
]  # fmt: skip


@pytest.mark.parametrize(("ar", "en", "message", "line"), ALIGNED_ERRORS, ids=[
    "ar-longer", "en-longer", "empty-ar", "blank-en", "both-empty", "both-blank", "swapped"])  # fmt: skip
def test_aligned_errors(tmp_path: Path, ar: str, en: str, message: str, line: int | None):
    names = {"ar": re.escape(str(tmp_path / "x.ar")), "en": re.escape(str(tmp_path / "x.en"))}
    with pytest.raises(FormatError, match=message.format(**names)) as info:
        _aligned(tmp_path, ar, en)
    assert info.value.line == line
    assert str(info.value).count(str(tmp_path / "x.ar")) <= 1  # each file named once


def test_one_empty_file_given_for_both_sides_is_an_empty_file(tmp_path: Path):
    empty = _file(tmp_path, "empty.txt", "")
    with pytest.raises(FormatError, match="the file is empty") as info:
        list(read_aligned(empty, empty))
    assert str(info.value) == f"{empty}: the file is empty."


@pytest.mark.skipif(not NTREX.exists(), reason="../shared/data (NTREX-128) is not checked out")
def test_ntrex_crlf_files():
    units = list(read_aligned(NTREX / "newstest2019-ref.arb.txt", NTREX / "newstest2019-src.eng.txt"))
    assert len(units) == 1997
    assert not any("\r" in u.source or "\r" in u.target for u in units)
    assert units[0].line == 1 and units[-1].line == 1997
