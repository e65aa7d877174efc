"""The spine end to end: translate → store → correct → show → export, and bad input refused."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tm.cli import cli
from tm.segment import join, split

DATA = Path(__file__).parent / "data"
SAMPLE = DATA / "alasr-soleimani-putin.ar.txt"


def run(*args: str, input: str | bytes | None = None, ok: bool = True):
    result = CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, result.output + result.stderr
    return result


def jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.fixture
def translated(tiny_model: Path, tmp_path: Path) -> list[dict]:
    out = run("translate", str(SAMPLE), "--model", str(tiny_model), "--engine", "transformers",
              "--format", "jsonl")
    return jsonl(out.stdout)


def test_sample_translates_with_a_local_model(translated: list[dict], tiny_model: Path):
    text = SAMPLE.read_text(encoding="utf-8")
    prefix, pieces = split(text)
    assert 20 <= len(translated) <= 26
    assert [r["source"] for r in translated] == [p.text for p in pieces]
    assert join(prefix, pieces) == text
    assert [r["index"] for r in translated] == list(range(1, len(translated) + 1))
    for row in translated:
        assert row["doc"] == "alasr-soleimani-putin"
        assert row["origin"] == "mt" and row["engine"] == "transformers"
        assert row["model"] == str(tiny_model)
        assert row["target"]  # a real (random-weight) model's output, never the source copied
        for term in row["terms"]:
            assert {"source", "target", "start", "end", "found"} <= set(term)
            assert row["source"][term["start"]:term["end"]]


def test_text_output_keeps_paragraph_layout(tiny_model: Path, tmp_path: Path):
    out = tmp_path / "en.txt"
    run("translate", str(SAMPLE), "--model", str(tiny_model), "--engine", "transformers", "-o", str(out))
    english = out.read_text(encoding="utf-8")
    arabic = SAMPLE.read_text(encoding="utf-8")
    assert english.count("\n") == arabic.count("\n")
    assert [bool(line.strip()) for line in english.split("\n")] == [bool(x.strip()) for x in arabic.split("\n")]


def test_correction_is_exported_while_show_keeps_the_draft(translated: list[dict]):
    draft = translated[2]["target"]
    run("correct", "alasr-soleimani-putin", "3", "One of the most important steps taken by General Soleimani.",
        "--author", "hana")
    shown = json.loads(run("show", "alasr-soleimani-putin", "--json").stdout)
    seg = shown["segments"][2]
    assert [t["origin"] for t in seg["translations"]] == ["mt", "human"]
    assert seg["translations"][0]["text"] == draft
    human = seg["translations"][1]
    assert human["author"] == "hana" and human["created"]
    exported = jsonl(run("export", "alasr-soleimani-putin", "--format", "jsonl").stdout)
    assert exported[2]["target"] == "One of the most important steps taken by General Soleimani."
    assert exported[2]["origin"] == "human"
    assert exported[3]["origin"] == "mt"
    text = run("export", "alasr-soleimani-putin").stdout
    assert "One of the most important steps taken by General Soleimani." in text
    docs = json.loads(run("docs", "--json").stdout)
    assert docs[0]["name"] == "alasr-soleimani-putin"
    assert (docs[0]["segments"], docs[0]["drafted"], docs[0]["corrected"]) == (len(translated), len(translated), 1)


def test_correct_reads_stdin(translated: list[dict]):
    run("correct", "1", "1", "-", input="Hajj Qassem meets President Putin\n")
    shown = json.loads(run("show", "1", "--json").stdout)
    assert shown["segments"][0]["translations"][-1]["text"] == "Hajj Qassem meets President Putin"


def test_engine_none_stores_segments_without_mt(tmp_path: Path):
    out = run("translate", str(SAMPLE), "--engine", "none", "--format", "jsonl").stdout
    rows = jsonl(out)
    assert rows and all(r["target"] is None and r["origin"] is None for r in rows)
    assert json.loads(run("docs", "--json").stdout)[0]["drafted"] == 0


def test_missing_model_is_one_clear_line(tmp_path: Path):
    result = run("translate", str(SAMPLE), "--engine", "transformers", "--model", str(tmp_path / "no-model"),
                 ok=False)
    assert result.exit_code != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error:") and "no-model" in lines[0]
    assert "Traceback" not in result.output + result.stderr
    assert json.loads(run("docs", "--json").stdout) == []


def test_uncached_hub_model_offline_is_one_clear_line():
    result = run("translate", str(SAMPLE), "--engine", "transformers",
                 "--model", "Helsinki-NLP/opus-mt-ar-en", ok=False)
    assert result.exit_code != 0
    (line,) = result.stderr.strip().splitlines()
    assert "Helsinki-NLP/opus-mt-ar-en" in line and line.endswith("or use --engine none (memory and glossary only).")
    bogus = run("translate", str(SAMPLE), "--engine", "bogus", ok=False)
    assert bogus.exit_code == 1 and bogus.stderr.strip() == (
        "Error: Unknown MT engine 'bogus'; choose one of: ctranslate2, transformers or none (no MT).")
    run("translate", str(SAMPLE), "--engine", "none", "-o", "/dev/null")
    redraft = run("redraft", "1", "--engine", "transformers", "--model", "Helsinki-NLP/opus-mt-ar-en", ok=False)
    (line,) = redraft.stderr.strip().splitlines()  # redraft cannot do without an engine: no --engine none
    assert "Helsinki-NLP/opus-mt-ar-en" in line and "--engine none" not in line


BAD_INPUTS = ["empty", "binary", "not-utf8", "missing", "directory", "unknown-doc-show", "unknown-doc-export",
              "unknown-doc-correct"]


def _bad_inputs(tmp_path: Path) -> dict[str, list[str]]:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    latin = tmp_path / "cp1256.txt"
    latin.write_bytes("لقاء الحاج قاسم".encode("cp1256"))
    return {
        "empty": ["translate", str(empty), "--engine", "none"],
        "binary": ["translate", str(binary), "--engine", "none"],
        "not-utf8": ["translate", str(latin), "--engine", "none"],
        "missing": ["translate", str(tmp_path / "nope.txt"), "--engine", "none"],
        "directory": ["translate", str(tmp_path), "--engine", "none"],
        "unknown-doc-show": ["show", "nope"],
        "unknown-doc-export": ["export", "nope"],
        "unknown-doc-correct": ["correct", "nope", "1", "x"],
    }


@pytest.mark.parametrize("case", BAD_INPUTS, ids=str)
def test_bad_input_is_refused_cleanly(case: str, tmp_path: Path):
    args = _bad_inputs(tmp_path)[case]
    result = run(*args, ok=False)
    assert result.exit_code != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error:"), result.stderr
    assert not (tmp_path / "tm.db").exists() or json.loads(run("docs", "--json").stdout) == []


def test_unknown_index_is_refused_and_nothing_written(tmp_path: Path):
    run("translate", str(SAMPLE), "--engine", "none")
    for index in ("0", "999"):
        result = run("correct", "alasr-soleimani-putin", index, "x", ok=False)
        assert result.exit_code != 0 and "numbered 1 to" in result.stderr
    assert json.loads(run("docs", "--json").stdout)[0]["corrected"] == 0
    result = run("correct", "alasr-soleimani-putin", "1", "  ", ok=False)
    assert "empty" in result.stderr


def test_help_and_model_free_commands_do_not_import_torch(tmp_path: Path):
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from tm.cli import cli\n"
        "r = CliRunner()\n"
        "for args in (['--help'], ['docs'], ['translate', '--help']):\n"
        "    assert r.invoke(cli, args).exit_code == 0, args\n"
        "bad = [m for m in ('torch', 'transformers', 'ctranslate2') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={"XDG_DATA_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0, proc.stderr


def test_every_command_is_documented_with_an_example():
    import click

    def walk(cmd: click.Command, path: str):
        yield path, cmd
        if isinstance(cmd, click.Group):
            for name, sub in cmd.commands.items():
                yield from walk(sub, f"{path} {name}")

    for path, cmd in walk(cli, "tm"):
        assert cmd.help, f"{path} has no help"
        if not isinstance(cmd, click.Group):
            assert "Example" in cmd.help, f"{path} --help has no Example block"


def test_python_m_tm_works():
    proc = subprocess.run([sys.executable, "-m", "tm", "--help"], capture_output=True, text=True)
    assert proc.returncode == 0 and "translate" in proc.stdout


def test_human_translation_is_reused_from_memory(tmp_path: Path):
    run("translate", str(SAMPLE), "--engine", "none")
    run("correct", "alasr-soleimani-putin", "3", "The corrected third sentence.")
    rows = jsonl(run("translate", str(SAMPLE), "--engine", "none", "--format", "jsonl").stdout)
    assert rows[0]["doc"] == "alasr-soleimani-putin-2"
    assert rows[2]["origin"] == "tm-exact" and rows[2]["match"] == 100
    assert rows[2]["target"] == "The corrected third sentence."
    assert all(r["origin"] is None for i, r in enumerate(rows) if i != 2)
    # an edited segment (diacritics only) is still an exact match on the key, shown as 99
    edited = tmp_path / "edited.txt"
    edited.write_text(rows[2]["source"].replace("الحاج", "الحَاج"), encoding="utf-8")
    (row,) = jsonl(run("translate", str(edited), "--engine", "none", "--format", "jsonl").stdout)
    assert row["origin"] == "tm-exact" and row["match"] == 99


def test_enforced_glossary_terms_are_in_every_draft(translated: list[dict], tiny_model: Path):
    terms = [t for row in translated for t in row["terms"]]
    assert len(terms) > 50  # the sample's names, titles and organisations
    assert {t["target"] for t in terms} >= {"Qassem Soleimani", "Axis of Resistance", "Vladimir Putin",
                                           "Quds Force", "Hezbollah"}
    assert all(t["found"] for t in terms)
    assert not any(row.get("missing_terms") for row in translated)
    loose = jsonl(run("translate", str(SAMPLE), "--model", str(tiny_model), "--engine", "transformers",
                      "--format", "jsonl", "--no-enforce").stdout)
    assert sum(t["found"] for row in loose for t in row["terms"]) < len(terms) // 2


def test_default_engine_on_cpu_is_ctranslate2_with_terms_enforced(tiny_model: Path):
    rows = jsonl(run("translate", str(SAMPLE), "--model", str(tiny_model), "--format", "jsonl").stdout)
    assert {r["engine"] for r in rows} == {"ctranslate2"}
    assert all(r["target"] for r in rows)
    terms = [t for r in rows for t in r["terms"]]
    assert terms and all(t["found"] for t in terms)
    shown = json.loads(run("show", "alasr-soleimani-putin", "--json").stdout)
    details = shown["segments"][0]["translations"][0]["details"]
    assert details["quantization"] == "int8"


def test_redraft_puts_a_second_engine_beside_the_first_and_compare_runs(tiny_model: Path):
    first = jsonl(run("translate", str(SAMPLE), "--model", str(tiny_model), "--engine", "transformers",
                      "--format", "jsonl").stdout)
    again = run("redraft", "alasr-soleimani-putin", "--model", str(tiny_model), "--engine", "ctranslate2",
                "--format", "jsonl")
    rows = jsonl(again.stdout)
    assert "Stored new drafts of 'alasr-soleimani-putin'" in again.stderr
    assert [r["index"] for r in rows] == [r["index"] for r in first]
    assert {r["engine"] for r in rows} == {"ctranslate2"} and all(r["target"] for r in rows)
    assert all(t["found"] for r in rows for t in r["terms"])  # terms enforced as in translate
    shown = json.loads(run("show", "alasr-soleimani-putin", "--json").stdout)
    for seg, a, b in zip(shown["segments"], first, rows, strict=True):
        assert [(t["origin"], t["engine"], t["text"]) for t in seg["translations"]] == [
            ("mt", "transformers", a["target"]), ("mt", "ctranslate2", b["target"])]
    reference = (DATA / "alasr-soleimani-putin.en.txt").read_text(encoding="utf-8").splitlines()
    for i, text in enumerate(reference[:len(rows)], start=1):
        run("correct", "--", "alasr-soleimani-putin", str(i), text)
    result = json.loads(run("score", "--by", "engine", "--compare", "transformers", "ctranslate2",
                            "--test", "bs", "--trials", "50", "--json").stdout)
    assert {g["key"] for g in result["by"]} == {"transformers", "ctranslate2"}
    (comparison,) = result["comparisons"]
    assert comparison["shared"] == len(rows)


def test_redraft_refuses_engine_none_and_unknown_documents():
    run("translate", str(SAMPLE), "--engine", "none")
    for args, words in ((["alasr-soleimani-putin", "--engine", "none"], "needs an MT engine"),
                        (["nope", "--engine", "transformers"], "No document 'nope'")):
        result = run("redraft", *args, ok=False)
        assert result.exit_code == 1 and words in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_an_explicit_name_that_is_taken_is_an_error_a_derived_one_gets_a_suffix(tmp_path: Path):
    run("translate", str(SAMPLE), "--engine", "none")
    assert "'alasr-soleimani-putin-2'" in run("translate", str(SAMPLE), "--engine", "none").stderr
    result = run("translate", str(SAMPLE), "--engine", "none", "--name", "alasr-soleimani-putin", ok=False)
    assert result.exit_code == 1 and "already exists" in result.stderr
    assert len(json.loads(run("docs", "--json").stdout)) == 2
    result = run("translate", str(SAMPLE), "--engine", "none", "--name", "7", ok=False)
    assert "cannot be a number" in result.stderr
    numbered = tmp_path / "1.ar.txt"
    numbered.write_text("لقاء الحاج قاسم\n", encoding="utf-8")
    assert "'doc-1'" in run("translate", str(numbered), "--engine", "none").stderr
    assert json.loads(run("show", "1", "--json").stdout)["doc"] == "alasr-soleimani-putin"  # ids stay ids
    dated = tmp_path / "20240105.ar.txt"
    dated.write_text("لقاء الحاج قاسم\n", encoding="utf-8")
    assert "'doc-20240105'" in run("translate", str(dated), "--engine", "none").stderr
    assert json.loads(run("show", "20240105", "--json").stdout)["doc"] == "doc-20240105"  # no such id


def test_output_that_cannot_be_written_is_refused_before_anything_is_stored(tmp_path: Path):
    nowhere = str(tmp_path / "no-such-dir" / "out.txt")
    result = run("translate", str(SAMPLE), "--engine", "none", "-o", nowhere, ok=False)
    assert result.exit_code == 1 and result.stderr.strip().splitlines() == [
        f"Error: Cannot write {nowhere}: there is no directory {tmp_path / 'no-such-dir'}."]
    assert not (tmp_path / "tm.db").exists()
    run("translate", str(SAMPLE), "--engine", "none")
    for fmt in ("text", "jsonl", "xliff"):
        result = run("export", "alasr-soleimani-putin", "--format", fmt, "-o", nowhere, ok=False)
        assert result.exit_code == 1 and len(result.stderr.strip().splitlines()) == 1


def test_a_correction_must_be_one_line_of_utf8(tmp_path: Path):
    run("translate", str(SAMPLE), "--engine", "none")
    result = run("correct", "alasr-soleimani-putin", "3", "-", input="line one\nline two\n", ok=False)
    assert result.exit_code == 1 and "line break" in result.stderr
    result = run("correct", "alasr-soleimani-putin", "3", "-", input=b"\xff\xfe bad", ok=False)
    assert result.exit_code == 1 and result.stderr.startswith("Error: The correction on stdin is not UTF-8")
    assert json.loads(run("docs", "--json").stdout)[0]["corrected"] == 0
    run("correct", "alasr-soleimani-putin", "3", "-", input="One line, ended by a newline.\n")
    exported = run("export", "alasr-soleimani-putin").stdout
    assert exported.rstrip("\n").count("\n") == SAMPLE.read_text(encoding="utf-8").rstrip("\n").count("\n")
    assert "One line, ended by a newline." in exported


def test_export_jsonl_rows_have_the_keys_of_translate_rows(translated: list[dict]):
    run("correct", "alasr-soleimani-putin", "1", "Hajj Qassem Soleimani meets President Vladimir Putin")
    exported = jsonl(run("export", "alasr-soleimani-putin", "--format", "jsonl").stdout)
    for row, made in zip(exported, translated, strict=True):
        assert set(made) - {"missing_terms"} <= set(row) and "author" in row
        assert [t["source"] for t in row["terms"]] == [t["source"] for t in made["terms"]]
    assert exported[0]["origin"] == "human"
    assert {t["target"]: t["found"] for t in exported[0]["terms"]}["Vladimir Putin"] is True
    assert all(r["terms"] == [] for r in jsonl(run("export", "alasr-soleimani-putin", "--format", "jsonl",
                                                   "--no-glossary").stdout))


def test_reading_commands_do_not_create_a_mistyped_database(tmp_path: Path):
    typo = tmp_path / "typo" / "tm.db"
    for args in (["docs"], ["show", "x"], ["export", "x"], ["correct", "x", "1", "y"], ["qa", "x"],
                 ["glossary", "check", "x"], ["redraft", "x", "--engine", "transformers"]):
        result = run(*args, "--db", str(typo), ok=False)
        assert result.exit_code == (2 if args[0] in ("qa", "glossary") else 1)  # qa, check: 1 is 'problems found'
        assert result.stderr.strip().splitlines() == [
            f"Error: No database at {typo}; check --db or $TM_DB (`tm translate` or `tm memory import` "
            "creates one)."]
    assert not typo.parent.exists()


def test_a_file_cut_off_mid_character_is_named_as_such(tmp_path: Path):
    cut = tmp_path / "cut.txt"
    cut.write_bytes("لقاء الحاج قاسم".encode()[:-1])
    result = run("translate", str(cut), "--engine", "none", ok=False)
    assert "ends in the middle of a UTF-8 character" in result.stderr


def test_a_memory_translation_with_a_line_break_does_not_break_the_layout(tmp_path: Path):
    first = SAMPLE.read_text(encoding="utf-8").splitlines()[0]
    (tmp_path / "tm.csv").write_text(f'ar,en\n{first},"Hajj Qassem meets Putin:\nsecrets revealed"\n',
                                     encoding="utf-8")
    run("memory", "import", str(tmp_path / "tm.csv"))
    rows = jsonl(run("translate", str(SAMPLE), "--engine", "none", "--format", "jsonl").stdout)
    assert (rows[0]["origin"], rows[0]["target"]) == ("tm-exact", "Hajj Qassem meets Putin: secrets revealed")
    english = run("export", "alasr-soleimani-putin").stdout
    assert english.rstrip("\n").count("\n") == SAMPLE.read_text(encoding="utf-8").rstrip("\n").count("\n")


def test_translating_with_a_glossary_does_not_import_lxml(tmp_path: Path):
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from tm.cli import cli\n"
        f"r = CliRunner().invoke(cli, ['translate', {str(SAMPLE)!r}, '--engine', 'none'])\n"
        "assert r.exit_code == 0, r.output\n"
        "assert 'lxml' not in sys.modules\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={"XDG_DATA_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0, proc.stderr


def test_checking_files_leaves_no_mistyped_database_behind(tmp_path: Path):
    typo = tmp_path / "typo.db"
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("قال المرشد الأعلى\tThe Supreme Leader said\n", encoding="utf-8")
    assert run("glossary", "check", str(pairs), "--db", str(typo)).stdout.startswith("OK: 1 segment (")
    src, hyp = tmp_path / "a.ar", tmp_path / "a.en"
    src.write_text("قال المرشد الأعلى\n", encoding="utf-8")
    hyp.write_text("The Supreme Leader said\n", encoding="utf-8")
    run("qa", "--src", str(src), "--hyp", str(hyp), "--db", str(typo))
    assert not typo.exists()


class _Terminal:
    """A stderr that says it is a terminal and keeps what the progress bar writes."""

    def __init__(self) -> None:
        self.written: list[str] = []

    def isatty(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.written.append(text)
        return len(text)

    def flush(self) -> None:
        pass


@pytest.mark.parametrize("engine", ["none", "transformers"])
def test_long_inputs_show_a_progress_bar_on_a_terminal(tiny_model: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch, engine: str):  # fmt: skip
    import tm.cli.common

    terminal = _Terminal()
    monkeypatch.setattr(tm.cli.common, "_terminal", lambda: terminal)
    article = SAMPLE.read_text(encoding="utf-8")
    assert article.count("\n") < 20 < len(split(article)[1])  # long in segments, not in lines
    model = ["--model", str(tiny_model)] if engine != "none" else []
    run("translate", str(SAMPLE), "--engine", engine, *model, "-o", str(tmp_path / "a.en.txt"))
    run("redraft", "alasr-soleimani-putin", "--engine", "transformers", "--model", str(tiny_model),
        "-o", str(tmp_path / "b.en.txt"))  # fmt: skip
    shown = "".join(terminal.written)
    assert "translating" in shown and f"{len(split(article)[1])}/{len(split(article)[1])}" in shown


@pytest.mark.parametrize("args", [
    ["translate", "/tmp/\udce1\udcd1.ar.txt", "--engine", "none"],
    ["memory", "search", "\udcff"],
    ["correct", "doc", "1", "x\udc85y"],
], ids=["file-name", "query", "correction"])  # fmt: skip
def test_arguments_that_are_not_utf8_get_one_line(args: list[str]):
    result = run(*args, ok=False)
    assert result.exit_code == 1 and "is not valid UTF-8" in result.output
    assert result.output.count("\n") == 1 and "Traceback" not in result.output


def test_a_database_locked_for_too_long_gets_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import sqlite3

    import tm.store

    db = tmp_path / "locked.db"
    run("translate", str(SAMPLE), "--engine", "none", "--db", str(db), "-o", str(tmp_path / "a.txt"))
    monkeypatch.setattr(tm.store, "BUSY_TIMEOUT_MS", 50)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = run("correct", "alasr-soleimani-putin", "2", "A correction.", "--db", str(db), ok=False)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 1 and "locked by another tm process" in result.output
    assert result.output.count("\n") == 1
    shown = run("show", "alasr-soleimani-putin", "--json", "--db", str(db)).output
    assert "A correction." not in shown


def test_export_jsonl_carries_the_draft_notes_translate_gave(tmp_path: Path):
    db = str(tmp_path / "n.db")
    memory = tmp_path / "m.tsv"
    pair = "قتل 12 شخصا في هجوم استهدف سوقا شعبيا في بغداد عام 2011\t12 people were killed in Baghdad in 2011\n"
    memory.write_text(pair, encoding="utf-8")
    run("memory", "import", str(memory), "--db", db)
    text = "قتل 12 شخصا في هجوم استهدف سوقا شعبيا في بغداد عام 2015\n"
    (row,) = jsonl(run("translate", "-", "--name", "n", "--engine", "none", "--format", "jsonl", "--db", db,
                       input=text.encode()).stdout)  # fmt: skip
    assert row["origin"] == "tm-fuzzy" and row["numbers"] == [["2011", "2015"]]
    (exported,) = jsonl(run("export", "n", "--format", "jsonl", "--db", db).stdout)
    assert {k: exported[k] for k in row} == row and exported["author"]


@pytest.mark.parametrize("text, says", [("قال الرئيس إن الحكومة ستجتمع غدا.\n", "1 segment ("),
                                        ("قال الرئيس.\nوأضاف أن الوضع صعب.\n", "2 segments (")],
                         ids=["one", "two"])  # fmt: skip
def test_counts_in_messages_agree_with_their_nouns(tmp_path: Path, text: str, says: str):
    src = tmp_path / "article.ar.txt"
    src.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["translate", str(src), "--engine", "none", "-o", str(tmp_path / "out.txt")])
    assert result.exit_code == 0, result.output
    assert f"Stored as document 'article': {says}" in result.output
