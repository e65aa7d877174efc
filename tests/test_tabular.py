"""TSV/CSV pair files and line-aligned pairs: what is read, and each malformed input refused with its line."""

from __future__ import annotations

import inspect
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tm.errors import FormatError, InputError
from tm.formats.tabular import read_aligned, read_tabular, unit_problem, write_tabular
from tm.formats.tmx import TMUnit

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
    ("a.tsv", '"قال ""نعم"""\t"he said ""yes"""\n', [('قال "نعم"', 'he said "yes"', 1)]),
    ("a.tsv", '"قال\tثم"\t"tab\tinside"\n""""\t""""\n', [("قال\tثم", "tab\tinside", 1), ('"', '"', 2)]),
    ("a.tsv", 'قال "نعم"\t"said", he\n"قال" أمس\tsaid "yes"\n',
     [('قال "نعم"', '"said", he', 1), ('"قال" أمس', 'said "yes"', 2)]),
    ("a.tsv", '"قال\t"The council will meet.\n', [('"قال', '"The council will meet.', 1)]),
    ("a.tsv", "ar-SA\ten-GB\nقال\tsaid\n", [("قال", "said", 2)]),
    ("a.tsv", "AR\tEN-US\nقال\tsaid\n", [("قال", "said", 2)]),
    ("a.tsv", "ar_EG\ten_us\nقال\tsaid\n", [("قال", "said", 2)]),
    ("a.csv", "eng,ara\nsaid,قال\n", [("قال", "said", 2)]),
    ("a.tsv", "en-GB\tar-SA\nsaid\tقال\n", [("قال", "said", 2)]),
    ("a.tsv", "\u200b\n\ufeff\nقال\tsaid\n \t \n\u200f\t\n", [("قال", "said", 3)]),
    ("a.csv", ",\nقال,said\n,,\n", [("قال", "said", 2)]),
    ("a.tsv", '"اليوم لا يوجد أي منهما."\t"Today, there\'s neither."\n',
     [('"اليوم لا يوجد أي منهما."', '"Today, there\'s neither."', 1)]),
    ("a.tsv", '"قال الوزير: سنواصل.\tThe minister said: we will go on."\n',
     [('"قال الوزير: سنواصل.', 'The minister said: we will go on."', 1)]),
]  # fmt: skip


@pytest.mark.parametrize(("name", "data", "expected"), READS, ids=[
    "tsv", "tsv-header-crlf-blank", "tsv-spaces-kept", "tsv-reversed-header", "tsv-bom", "csv-quoted",
    "csv-multiline-crlf", "csv-trailing-empty-cells", "csv-reversed-header", "sniff-tsv",
    "sniff-csv", "no-arabic-letters-either-side", "tsv-quoted-quotes", "tsv-quoted-tabs-and-lone-quote",
    "tsv-unquoted-quotes-kept", "tsv-open-quote-on-one-line-kept", "header-locales", "header-upper-region",
    "header-underscore", "header-iso639-2-reversed", "header-locales-reversed", "invisible-and-blank-rows-skipped",
    "csv-empty-rows-skipped", "ntrex-quotation-cells-kept", "ntrex-quotation-across-cells-kept"])  # fmt: skip
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
    ("vt.tsv", "قال\tsaid\nمجلس\x0bالأمن\tSecurity\x0bCouncil\n", 2,
     "^{path}, line 2: the Arabic side contains the character U\\+000B, which XML 1.0 cannot hold, so the memory "
     "could not be exported as TMX; remove it or replace it with a space.$"),
    ("a.tsv", "قال\tsaid\x0c\n", 1, "the English side contains the character U\\+000C"),
    ("a.csv", 'ar,en\n"قال\x00",said\n', 2, "the Arabic side contains the character U\\+0000"),
    ("a.csv", "قال,said\x1f\n", 1, "U\\+001F"),
    ("a.tsv", "قال\tsaid\ufffe\n", 1, "U\\+FFFE"),
    ("a.tsv", 'ar\ten\n"سطر\nثان"\tline two\n', 2,
     "the row has 1 tab-separated fields; each row needs exactly two \\(Arabic, English\\), and the quoted cell "
     "on this line seems to hold a line break, which a TSV unit cannot \\(each is one line\\): remove the "
     "line break, or save the sheet as CSV.$"),
    ("a.tsv", 'قال\t"line ""one""\r\nline two"\r\n', 2, "the quoted cell opened on line 1 seems to hold a line break"),
    ("a.tsv", "\u200b\n\ufeff\ufeff\r\n\u200f \n", None,
     "^{path}: the file has no units: its lines hold only invisible characters"),
    ("a.csv", " \n\n", None, "^{path}: the file is empty.$"),
    ("a.tsv", "\u200b\tsaid\n", 1, "the Arabic side is empty"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "data", "line", "message"), TABULAR_ERRORS, ids=[
    "tsv-3-fields", "tsv-1-field", "tsv-empty-arabic", "tsv-blank-english", "csv-unterminated-quote",
    "csv-3-fields", "csv-empty-arabic", "cp1256", "empty", "header-only", "tsv-swapped", "csv-swapped-later",
    "sniffed-swapped", "tsv-swapped-under-header", "csv-swapped-under-reversed-header", "tsv-vertical-tab",
    "tsv-form-feed", "csv-nul", "csv-unit-separator", "tsv-noncharacter", "tsv-quoted-line-break-in-arabic",
    "tsv-quoted-line-break-in-english", "only-invisible-lines", "only-blank-lines", "zero-width-arabic"])  # fmt: skip
def test_bad_rows_are_refused_with_their_line(tmp_path: Path, name: str, data: str | bytes, line: int | None,
                                              message: str | None):  # fmt: skip
    path = _file(tmp_path, name, data)
    if message is None:  # a header alone is a valid, empty file
        assert _pairs(path) == []
        return
    with pytest.raises(FormatError, match=message.replace("{path}", re.escape(str(path)))) as info:
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
    ("أ\nب\x0bج\n", "a\nb\n", "^{ar}, line 2: the line contains the character U\\+000B, which XML 1.0 cannot hold", 2),
    ("أ\nب\n", "a\x08\nb\n", "^{en}, line 1: the line contains the character U\\+0008", 1),
    ("أ\n\u200b\n", "a\nb\n", "the Arabic line is empty", 2),
    ("\u200b\n\ufeff\n", "\u200f\n\n", "^both files are empty", None),
]  # fmt: skip


@pytest.mark.parametrize(("ar", "en", "message", "line"), ALIGNED_ERRORS, ids=[
    "ar-longer", "en-longer", "empty-ar", "blank-en", "both-empty", "both-blank", "swapped", "vertical-tab-ar",
    "backspace-en", "zero-width-ar", "both-invisible"])  # fmt: skip
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


@pytest.mark.skipif(not NTREX.exists(), reason="../shared/data (NTREX-128) is not checked out")
def test_ntrex_pasted_as_tsv_reads_as_the_aligned_files(tmp_path: Path):
    """News quotations (a cell that is one quotation, a quotation from the Arabic cell to the end of the
    English one) are text, not spreadsheet quoting: the TSV gives the units the two files give."""
    aligned = list(read_aligned(NTREX / "newstest2019-ref.arb.txt", NTREX / "newstest2019-src.eng.txt"))
    path = tmp_path / "ntrex.tsv"
    path.write_text("".join(f"{u.source}\t{u.target}\n" for u in aligned), encoding="utf-8")
    assert [(u.source, u.target) for u in read_tabular(path)] == [(u.source, u.target) for u in aligned]


# -- writing ------------------------------------------------------------------------------------

ROUND_TRIP = [
    ("قال", "said"),
    ('قال "نعم"', 'he said "yes"'),
    ('"مقتبس"', '"quoted"'),
    ("قال\tثم", "tab\tinside"),
    ("  مسافات  ", " spaces "),
    ("ﷺ ﻻ ٢٠١١ \u200fعلامة", "a, b; c & d < e"),
    ("COVID-19", "COVID-19"),
    ("ar", "en"),
]


@pytest.mark.parametrize("kind", ["tsv", "csv"])
def test_written_files_read_back_to_the_same_pairs(tmp_path: Path, kind: str):
    pairs = ROUND_TRIP + ([("سطر\nثان", "line\r\ntwo")] if kind == "csv" else [])
    path = tmp_path / f"out.{kind}"
    assert write_tabular([TMUnit(s, t, 0) for s, t in pairs], path, kind=kind) == len(pairs)
    assert [(u.source, u.target) for u in read_tabular(path)] == pairs
    assert path.read_bytes().startswith(b"\xef\xbb\xbfar,en\r\n" if kind == "csv" else "ar\ten\nقال".encode())


UNWRITABLE = [
    ("tsv", "سطر\nثان", "two", "the Arabic side holds a line break, which a TSV unit cannot"),
    ("tsv", "قال", "said\r", "the English side holds a line break"),
    ("csv", "سطر\nثان", "two", None),
    ("csv", "مجلس\x0bالأمن", "Council", "the Arabic side contains the character U+000B"),
    ("tsv", "قال", "", "the English side is empty"),
    ("csv", "\u200b", "said", "the Arabic side is empty"),
    ("tsv", "hello", "مرحبا", "the Arabic side has no Arabic letter but the English side has"),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "source", "target", "problem"), UNWRITABLE, ids=[
    "tsv-line-break", "tsv-carriage-return", "csv-line-break-ok", "control-character", "empty-english",
    "invisible-arabic", "swapped"])  # fmt: skip
def test_unit_problem_is_what_the_reader_would_refuse(tmp_path: Path, kind: str, source: str, target: str,
                                                      problem: str | None):  # fmt: skip
    found = unit_problem(source, target, kind)
    assert (found or "").startswith(problem or "") and (found is None) == (problem is None)
    if problem:
        with pytest.raises(InputError, match="^Unit 2: .*; export the memory as TMX instead.$"):
            write_tabular([TMUnit("قال", "said", 0), TMUnit(source, target, 0)], tmp_path / f"x.{kind}", kind=kind)
        assert list(tmp_path.iterdir()) == []


_CHAR = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")) | st.sampled_from(list('\t\n\r ",\ufeffقال'))
_CELL = st.text(_CHAR, max_size=12)


@settings(max_examples=100, deadline=None)
@given(pairs=st.lists(st.tuples(_CELL, _CELL), max_size=5), kind=st.sampled_from(["tsv", "csv"]))
def test_any_writable_pairs_read_back_the_same(pairs: list[tuple[str, str]], kind: str):
    pairs = [p for p in pairs if unit_problem(*p, kind) is None]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"rt.{kind}"
        write_tabular([TMUnit(s, t, 0) for s, t in pairs], path, kind=kind)
        assert [(u.source, u.target) for u in read_tabular(path)] == pairs


@pytest.mark.parametrize("kind", ["tsv", "csv"])
def test_write_pairs_writes_what_write_tabular_writes_and_checks_unless_told(tmp_path: Path, kind: str):
    from tm.formats.tabular import write_pairs

    pairs = [*ROUND_TRIP, ("قال", 'x "y"\tz')]
    write_tabular([TMUnit(s, t, 0) for s, t in pairs], tmp_path / f"a.{kind}", kind=kind)
    assert write_pairs(pairs, tmp_path / f"b.{kind}", kind=kind) == len(pairs)
    assert (tmp_path / f"b.{kind}").read_bytes() == (tmp_path / f"a.{kind}").read_bytes()
    assert [(u.source, u.target) for u in read_tabular(tmp_path / f"b.{kind}")] == pairs
    bad = [("قال", "said"), ("قال\x0b", "control")]
    with pytest.raises(InputError, match="^Unit 2: the Arabic side contains the character U"):
        write_pairs(bad, tmp_path / f"c.{kind}", kind=kind)
    assert not (tmp_path / f"c.{kind}").exists()
    assert write_pairs(bad, tmp_path / f"c.{kind}", kind=kind, checked=True) == 2  # the caller has checked
