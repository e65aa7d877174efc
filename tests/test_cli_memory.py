"""``tm memory``: import (TMX, TSV, CSV, line-aligned), export, search, stats, and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import tm.cli.memory  # noqa: F401  (registers the group)
from tm.cli import cli

PAIRS = [
    ("وقال الأمين العام إن مجلس الأمن سيجتمع يوم الإثنين", "The Secretary-General said the Council meets"),
    ("الجلسة 7439 المعقودة في 11 أيار/مايو ٢٠١٥.", "7439th meeting, held on 11 May 2015."),
    ("أعربت الحكومة عن قلقها إزاء الوضع الإنساني في غزة", "The government is concerned about Gaza"),
]


def run(*args: str, ok: bool = True, input: str | None = None):
    result = CliRunner().invoke(cli, ["memory", *args], input=input, catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, result.output + result.stderr
    return result


@pytest.fixture
def tsv(tmp_path: Path) -> Path:
    path = tmp_path / "memory.tsv"
    path.write_text("ar\ten\n" + "".join(f"{a}\t{e}\n" for a, e in PAIRS), encoding="utf-8")
    return path


def test_import_tsv_search_and_stats(tsv: Path) -> None:
    assert "Imported 3 units" in run("import", str(tsv)).output
    assert "(3 duplicates skipped)" in run("import", str(tsv)).output
    found = json.loads(run("search", "الجلسة 7439 المعقودة في 11 أيار/مايو 2016.", "--json").output)
    assert found["query"].startswith("الجلسة")
    best = {"score": 87.5, "source": PAIRS[1][0], "target": PAIRS[1][1], "origin": "import"}  # 7 words of 8
    assert found["matches"][0] == best
    table = run("search", PAIRS[0][0]).output
    assert "100.0" in table and PAIRS[0][1] in table
    assert json.loads(run("stats", "--json").output) == {"units": 3, "by_origin": {"import": 3}, "files": 1}
    assert "total   3" in run("stats").output


def test_search_file_prints_one_json_line_per_input_line(tsv: Path, tmp_path: Path) -> None:
    run("import", str(tsv))
    queries = tmp_path / "q.txt"
    queries.write_text(f"{PAIRS[2][0]}\n\nكلام لا علاقة له بشيء\n", encoding="utf-8")
    output = run("search", "--file", str(queries), "--json", "-n", "2").output
    lines = [json.loads(x) for x in output.splitlines()]
    assert [x["query"] for x in lines] == [PAIRS[2][0], "", "كلام لا علاقة له بشيء"]
    assert lines[0]["matches"][0]["score"] == 100 and lines[1]["matches"] == [] and lines[2]["matches"] == []
    assert "scores 90 or more." in run("search", "كلام لا علاقة له بشيء", "--min", "90").output


@pytest.mark.parametrize("query", ["نص", "كلام لا علاقة له"], ids=["one-word", "words"])
def test_search_with_no_minimum_and_no_shared_word_finds_nothing(tsv: Path, query: str) -> None:
    run("import", str(tsv))
    result = run("search", query, "--min", "0")
    assert result.exit_code == 0 and "No unit shares a word with the query" in result.output
    assert json.loads(run("search", query, "--min", "0", "--json").output)["matches"] == []


@pytest.mark.parametrize(
    ("data", "queries"),
    [
        ("مجلس الأمن\n\nالأمين العام للأمم المتحدة\n", ["مجلس الأمن", "", "الأمين العام للأمم المتحدة"]),
        ("\ufeffمجلس الأمن\r\n \r\n\r\nالأمين العام", ["مجلس الأمن", " ", "", "الأمين العام"]),
        ("مجلس الأمن\n\n\n", ["مجلس الأمن", "", ""]),
    ],
    ids=["lf-blank-line", "bom-crlf-no-final-newline", "trailing-blank-lines"],
)
def test_search_stdin_keeps_every_line_in_place(tsv: Path, data: str, queries: list[str]) -> None:
    run("import", str(tsv))
    output = run("search", "--file", "-", "--json", input=data).output
    assert [json.loads(x)["query"] for x in output.splitlines()] == queries
    text = run("search", "--file", "-", input=data).output
    blocks = text.removeprefix("\n").split("\n\n")  # each query's block starts after an empty line
    assert len(blocks) == len(queries)
    assert sum("is blank: nothing to search" in b for b in blocks) == queries.count("") + queries.count(" ")


def test_search_refuses_an_empty_query(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"\n\n")
    for args, message in [(["search", " "], "Error: The query is empty; give the Arabic text to search for."),
                          (["search", "--file", str(empty)], f"Error: {empty} is empty; give one Arabic query per "
                                                             "line.")]:  # fmt: skip
        result = run(*args, ok=False)
        assert (result.exit_code, result.stderr.strip()) == (1, message)


@pytest.mark.parametrize("stdin", [False, True], ids=["file", "stdin"])
def test_search_refuses_a_cp1256_query_file_in_one_line(tmp_path: Path, stdin: bool) -> None:
    path = tmp_path / "cp1256.txt"
    path.write_bytes("مجلس الأمن\n".encode("cp1256"))
    if stdin:
        result = CliRunner().invoke(cli, ["memory", "search", "--file", "-"], input=path.read_bytes())
    else:
        result = run("search", "--file", str(path), ok=False)
    label = "stdin" if stdin else str(path)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: {label} is not UTF-8 (invalid byte at offset 0); convert it first, e.g. "
        "`iconv -f WINDOWS-1256 -t UTF-8`."
    ]


def test_import_csv_tmx_and_aligned_then_export(tmp_path: Path) -> None:
    csv = tmp_path / "m.csv"
    csv.write_text('source,target\n"' + PAIRS[0][0] + '","Said, he"\n', encoding="utf-8")
    ar, en = tmp_path / "a.ar", tmp_path / "a.en"
    ar.write_text(PAIRS[1][0] + "\n", encoding="utf-8")
    en.write_text(PAIRS[1][1] + "\n", encoding="utf-8")
    run("import", str(csv), "--author", "alice")
    out = json.loads(run("import", "--ar", str(ar), "--en", str(en), "--json").output)
    assert (out["added"], out["duplicates"]) == (1, 0)
    tmx = tmp_path / "out.tmx"
    assert "Exported 2 units" in run("export", str(tmx)).output
    other = tmp_path / "other.db"
    assert "Imported 2 units" in run("import", str(tmx), "--db", str(other)).output
    found = json.loads(run("search", PAIRS[0][0], "--json", "--db", str(other)).output)
    assert found["matches"][0]["target"] == "Said, he"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["import"], "Give either FILE or both --ar and --en."),
        (["import", "x.docx"], "Cannot tell the format of x.docx"),
        (["import", "missing.tsv"], "No such file: missing.tsv."),
        (["search"], "Give either TEXT or --file."),
    ],
    ids=["no-input", "unknown-extension", "missing-file", "no-query"],
)
def test_usage_errors_are_one_line(args: list[str], message: str) -> None:
    result = run(*args, ok=False)
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [f"Error: {result.stderr.strip()[7:]}"]
    assert message in result.stderr


def test_a_malformed_file_is_reported_with_its_line_and_imports_nothing(tsv: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text(tsv.read_text(encoding="utf-8") + "three\tcolumns\there\n", encoding="utf-8")
    result = run("import", str(bad), ok=False)
    assert result.exit_code == 1 and f"{bad}, line 5:" in result.stderr
    assert json.loads(run("stats", "--json").output)["units"] == 0


def _refused(*args: str) -> str:
    result = run("import", *args, ok=False)
    assert result.exit_code == 1 and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert json.loads(run("stats", "--json").output)["units"] == 0
    return result.stderr.strip()


def test_tmx_units_without_both_sides_are_skipped_and_counted(tmp_path: Path) -> None:
    tu = '<tu><tuv xml:lang="{}"><seg>{}</seg></tuv><tuv xml:lang="{}"><seg>{}</seg></tuv></tu>'
    body = "\n".join([
        tu.format("ar-SA", PAIRS[0][0], "en-GB", PAIRS[0][1]),
        tu.format("en-GB", "english", "ar", ""),  # OmegaT's deliberately empty segment
        tu.format("en-GB", "english", "fr-FR", "anglais"),  # a multilingual file's other pairs
        f'<tu><tuv xml:lang="ar"><seg>{PAIRS[1][0]}</seg></tuv></tu>',
    ])  # fmt: skip
    path = tmp_path / "m.tmx"
    path.write_text(f'<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n<header srclang="*all*"/>\n'
                    f"<body>\n{body}\n</body>\n</tmx>\n", encoding="utf-8")  # fmt: skip
    assert run("import", str(path)).output == (
        f"Imported 1 unit from {path} (0 duplicates skipped). Skipped 3 units without both Arabic and English "
        "text.\n"
    )
    out = json.loads(run("import", str(path), "--json").output)
    assert out == {"file": str(path), "added": 0, "duplicates": 1, "skipped_incomplete": 3,
                   "sentence_units": 0}


@pytest.mark.parametrize(
    ("files", "args", "message"),
    [
        ({"vt.tsv": f"{PAIRS[0][0]}\t{PAIRS[0][1]}\nمجلس\x0bالأمن\tSecurity\x0bCouncil\n"}, ["vt.tsv"],
         "vt.tsv, line 2: the Arabic side contains the character U+000B, which XML 1.0 cannot hold, so the memory "
         "could not be exported as TMX; remove it or replace it with a space."),
        ({"ff.csv": f'ar,en\n{PAIRS[0][0]},"Said\x0c, he"\n'}, ["ff.csv"], "ff.csv, line 2: the English side "
         "contains the character U+000C"),
        ({"a.ar": "مجلس\x1fالأمن\n", "a.en": "Security Council\n"}, ["--ar", "a.ar", "--en", "a.en"],
         "a.ar, line 1: the line contains the character U+001F"),
        ({"zw.tsv": "\u200b\n\ufeff\n"}, ["zw.tsv"], "zw.tsv: the file has no units: its lines hold only invisible "
         "characters"),
    ],
    ids=["tsv-vertical-tab", "csv-form-feed", "aligned-unit-separator", "zero-width-and-bom-lines"],
)
def test_text_tmx_cannot_hold_is_refused_at_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   files: dict[str, str], args: list[str], message: str) -> None:
    monkeypatch.chdir(tmp_path)
    for name, data in files.items():
        Path(name).write_text(data, encoding="utf-8")
    assert _refused(*args).startswith(f"Error: {message}")


def _store_unit(db: Path, source: str, target: str, origin: str = "human") -> None:
    """A unit as `tm correct` stored it, without the checks an import makes."""
    from tm.memory import add_unit
    from tm.store import Store

    with Store.open(db) as store, store.transaction() as conn:
        add_unit(conn, source=source, target=target, origin=origin, author="alice")


@pytest.mark.parametrize("name", ["vt.tmx", "vt.tsv", "vt.csv"])
def test_export_leaves_out_a_unit_the_format_cannot_hold_and_says_so(tmp_path: Path, name: str) -> None:
    db = tmp_path / "vt.db"
    _store_unit(db, *PAIRS[0])
    _store_unit(db, "مجلس\x0bالأمن", "Security\x0bCouncil")
    _store_unit(db, *PAIRS[1])
    path = tmp_path / name
    output = run("export", str(path), "--db", str(db)).output
    fmt = name[-3:].upper()
    assert output.startswith(f"Exported 2 units to {path}. Left out 1 unit that {fmt} cannot hold (`--json` lists it)")
    data = json.loads(run("export", str(path), "--db", str(db), "--json").output)
    assert {k: data[k] for k in ("file", "format", "exported", "skipped")} == {
        "file": str(path), "format": name[-3:], "exported": 2, "skipped": 1
    }  # fmt: skip
    assert [(u["unit_id"], u["source"]) for u in data["skipped_units"]] == [(2, "مجلس\x0bالأمن")]
    other = tmp_path / "other.db"
    assert "Imported 2 units" in run("import", str(path), "--db", str(other)).output


@pytest.mark.parametrize(
    ("name", "args", "start"),
    [
        ("m.tsv", [], b"ar\ten\n"),
        ("m.tab", [], b"ar\ten\n"),
        ("m.csv", [], b"\xef\xbb\xbfar,en\r\n"),
        ("m.tmx", [], b'<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">'),
        ("m.txt", ["--format", "csv"], b"\xef\xbb\xbfar,en\r\n"),
        ("m.tsv", ["--format", "tmx"], b'<?xml version="1.0"'),
    ],
    ids=["tsv", "tab", "csv", "tmx", "format-csv", "format-tmx"],
)
def test_export_format_follows_the_extension_and_round_trips(tsv: Path, tmp_path: Path, name: str,
                                                             args: list[str], start: bytes) -> None:
    db, other = tmp_path / "m.db", tmp_path / "other.db"
    _store_unit(db, 'قال "نعم"', 'he said "yes"')
    run("import", str(tsv), "--db", str(db))
    path = tmp_path / name
    assert run("export", str(path), *args, "--db", str(db)).output == f"Exported 4 units to {path}.\n"
    assert path.read_bytes().startswith(start)
    if args and args[1] == "tmx":
        path = path.rename(path.with_suffix(".tmx"))
    assert "Imported 4 units" in run("import", str(path), "--db", str(other)).output
    pairs = {(m["source"], m["target"]) for q in [*PAIRS, ('قال "نعم"', "")]
             for m in json.loads(run("search", q[0], "--json", "--db", str(other)).output)["matches"]}  # fmt: skip
    assert {*PAIRS, ('قال "نعم"', 'he said "yes"')} <= pairs


def test_export_to_stdout_and_a_restored_backup_keeps_human_units(tsv: Path, tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    _store_unit(db, *PAIRS[0])
    run("import", str(tsv), "--db", str(db))
    result = run("export", "-", "--db", str(db))
    assert result.stdout.startswith('<?xml version="1.0" encoding="UTF-8"?>') and 'x-tm-origin">human' in result.stdout
    assert result.stderr == "Exported 3 units to stdout.\n"
    assert run("export", "-", "--format", "tsv", "--db", str(db)).stdout.startswith(f"ar\ten\n{PAIRS[0][0]}\t")
    assert run("export", "-", "--format", "csv", "--db", str(db)).stdout_bytes.startswith(b"ar,en\r\n")  # no BOM
    backup = tmp_path / "backup.tmx"
    backup.write_bytes(result.stdout_bytes)
    restored = tmp_path / "restored.db"
    run("import", str(backup), "--db", str(restored), "--author", "restorer")
    stats = json.loads(run("stats", "--json", "--db", str(restored)).output)
    assert stats["by_origin"] == {"human": 1, "import": 2}


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("swapped.tsv", "hello\tمرحبا\n", "line 1: the columns look swapped: the first column has no Arabic letters "
         "but the second has; put the Arabic first and the English second, or name the order in a header row "
         "`en<TAB>ar`."),
        ("swapped.csv", f"{PAIRS[0][0]},{PAIRS[0][1]}\nhello,مرحبا\n", "line 2: the columns look swapped"),
    ],
    ids=["tsv", "csv"],
)
def test_swapped_columns_are_refused(tmp_path: Path, name: str, data: str, message: str) -> None:
    path = tmp_path / name
    path.write_text(data, encoding="utf-8")
    assert _refused(str(path)).startswith(f"Error: {path}, {message}")


def test_aligned_files_that_are_empty_or_of_different_lengths_are_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    assert _refused("--ar", str(empty), "--en", str(empty)) == f"Error: {empty}: the file is empty."
    ar, en = tmp_path / "devset.ar", tmp_path / "devset.en"
    ar.write_text("".join(f"{a}\n" for a, _ in PAIRS), encoding="utf-8")
    en.write_text(f"{PAIRS[0][1]}\n", encoding="utf-8")
    assert _refused("--ar", str(ar), "--en", str(en)) == (
        f"Error: {ar} has 3 lines but {en} has 1 line; line-aligned files need the same number of lines."
    )
    assert _refused("--ar", str(en), "--en", str(ar)).startswith(f"Error: {en}, line 1: the files look swapped")


def test_every_command_has_help_with_an_example() -> None:
    group = cli.commands["memory"]
    assert isinstance(group, click.Group)
    for name in ["", *group.commands]:
        text = run(*([name] if name else []), "--help").output
        assert "Example:" in text, name
