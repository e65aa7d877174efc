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


def test_search_file_prints_one_json_line_per_query(tsv: Path, tmp_path: Path) -> None:
    run("import", str(tsv))
    queries = tmp_path / "q.txt"
    queries.write_text(f"{PAIRS[2][0]}\n\nكلام لا علاقة له بشيء\n", encoding="utf-8")
    output = run("search", "--file", str(queries), "--json", "-n", "2").output
    lines = [json.loads(x) for x in output.splitlines()]
    assert [x["query"] for x in lines] == [PAIRS[2][0], "كلام لا علاقة له بشيء"]
    assert lines[0]["matches"][0]["score"] == 100 and lines[1]["matches"] == []
    assert "No unit scores 90 or more." in run("search", "كلام لا علاقة له بشيء", "--min", "90").output


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


def test_every_command_has_help_with_an_example() -> None:
    group = cli.commands["memory"]
    assert isinstance(group, click.Group)
    for name in ["", *group.commands]:
        text = run(*([name] if name else []), "--help").output
        assert "Example:" in text, name
