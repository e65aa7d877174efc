"""``tm score`` and ``tm qa`` on the command line: numbers, reports, exit codes, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import sacrebleu
from click.testing import CliRunner

import tm.cli.score  # noqa: F401  (registers the commands)
from tm import score
from tm.cli import cli
from tm.store import Store

DATA = Path(__file__).parent / "data"
SRC = (DATA / "alasr-soleimani-putin.ar.seg.txt").read_text(encoding="utf-8").splitlines()
EN = (DATA / "alasr-soleimani-putin.en.txt").read_text(encoding="utf-8").splitlines()
SHORT = [i for i, r in enumerate(EN) if len(r.split()) <= 45]


def run(*args: str, code: int = 0):
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == code, result.output + result.stderr
    return result


def draft(text: str, drop: int) -> str:
    """Every *drop*-th word left out: a simple, deterministic draft."""
    return " ".join(w for i, w in enumerate(text.split()) if i % drop != drop - 1)


@pytest.fixture
def db(tmp_path: Path) -> str:
    """A store holding the sample article drafted by two engines and corrected."""
    path = tmp_path / "t.db"
    store = Store.open(path)
    with store.transaction() as conn:
        _, segs = store.add_document(conn, name="alasr", path=None, sha256="x", prefix="",
                                     segments=[(SRC[i], " ", 1) for i in SHORT])
        for seg, i in zip(segs, SHORT, strict=True):
            store.add_translation(conn, seg.id, origin="mt", text=draft(EN[i], 5), engine="ea", model="m1")
            store.add_translation(conn, seg.id, origin="mt", text=draft(EN[i], 3), engine="eb", model="m2")
            human = store.add_translation(conn, seg.id, origin="human", text=EN[i])
            score.record_draft_stats(conn, human_id=human, human_text=EN[i], segment_id=seg.id)
    store.close()
    return str(path)


def test_file_mode(tmp_path: Path) -> None:
    hyps = [draft(EN[i], 4) for i in SHORT]
    refs = [EN[i] for i in SHORT]
    (tmp_path / "h.txt").write_text("\n".join(hyps) + "\n", encoding="utf-8")
    (tmp_path / "r.txt").write_text("\n".join(refs) + "\n", encoding="utf-8")
    out = json.loads(run("score", "--hyp", str(tmp_path / "h.txt"), "--ref", str(tmp_path / "r.txt"),
                         "--json").stdout)
    assert {"bleu", "chrf", "ter", "signatures"} <= set(out)
    assert out["bleu"] == sacrebleu.corpus_bleu(hyps, [refs]).score
    assert out["chrf"] == sacrebleu.corpus_chrf(hyps, [refs]).score
    assert out["ter"] == sacrebleu.corpus_ter(hyps, [refs]).score
    assert round(out["bleu"], 2) == round(sacrebleu.corpus_bleu(hyps, [refs]).score, 2)
    text = run("score", "--hyp", str(tmp_path / "h.txt"), "--ref", str(tmp_path / "r.txt")).stdout
    assert text.startswith("BLEU|nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:")
    assert f"= {out['bleu']:.2f} " in text and "chrF2++|" in text and "TER|" in text


@pytest.mark.parametrize(
    ("hyp", "ref", "message"),
    [
        ("nope.txt", "r.txt", "Error: No such file: "),
        ("short.txt", "r.txt", "has 1 line but"),
        ("empty.txt", "r.txt", "is empty"),
        ("cp1256.txt", "r.txt", "is not UTF-8"),
        ("h.txt", None, "needs both --hyp FILE and at least one --ref FILE"),
        ("h.txt", "r.txt --by engine", "leave them out with --hyp/--ref"),
    ],
    ids=["missing", "line-counts", "empty", "not-utf8", "no-ref", "mixed-modes"],
)
def test_file_mode_refuses_bad_input(tmp_path: Path, hyp: str, ref: str | None, message: str) -> None:
    (tmp_path / "h.txt").write_text("a b\nc d\n", encoding="utf-8")
    (tmp_path / "r.txt").write_text("a b\nc d\n", encoding="utf-8")
    (tmp_path / "short.txt").write_text("a b\n", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "cp1256.txt").write_bytes("قال\nنعم\n".encode("cp1256"))
    args = ["score", "--hyp", str(tmp_path / hyp)]
    if ref:
        name, *extra = ref.split()
        args += ["--ref", str(tmp_path / name), *extra]
    result = run(*args, code=1)
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output


def test_store_mode_json_equals_sacrebleu(db: str) -> None:
    out = json.loads(run("score", "--db", db, "--by", "engine", "--json", "--trials", "100").stdout)
    a = [draft(EN[i], 5) for i in SHORT]
    b = [draft(EN[i], 3) for i in SHORT]
    refs = [EN[i] for i in SHORT]
    assert out["segments"] == len(SHORT) and out["drafts"] == 2 * len(SHORT)
    assert out["bleu"] == sacrebleu.corpus_bleu(a + b, [refs + refs]).score
    assert out["chrf"] == sacrebleu.corpus_chrf(a + b, [refs + refs]).score
    assert out["ter"] == sacrebleu.corpus_ter(a + b, [refs + refs]).score
    groups = {g["key"]: g for g in out["by"]}
    assert groups["ea"]["bleu"] == sacrebleu.corpus_bleu(a, [refs]).score
    assert groups["eb"]["ter"] == sacrebleu.corpus_ter(b, [refs]).score
    assert {"bleu", "chrf", "ter", "segments"} <= set(out["by"][0])
    assert out["comparisons"][0]["a"] == "ea"  # automatic: two engines share segments
    assert 0 < out["comparisons"][0]["metrics"]["bleu"]["p_value"] <= 1


def test_store_mode_table_compare_and_html(db: str, tmp_path: Path) -> None:
    report = tmp_path / "r.html"
    text = run("score", "--db", db, "--compare", "eb", "ea", "--test", "both", "--trials", "100",
               "--html", str(report)).stdout
    assert "BLEU" in text and "HTER" in text and "Paired bootstrap resampling: eb vs ea" in text
    assert "Approximate randomisation: eb vs ea" in text and "p-value" in text
    assert "Most edited segments" in text and f"Report written to {report}" in text
    html = report.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and html.count("<img") >= 1
    assert "data:image/png;base64," in html and "QA findings" in html and "Worst segments" in html


def test_store_mode_with_nothing_to_score(tmp_path: Path) -> None:
    Store.open(tmp_path / "empty.db").close()
    out = run("score", "--db", str(tmp_path / "empty.db")).stdout
    assert "nothing to score" in out
    assert json.loads(run("score", "--db", str(tmp_path / "empty.db"), "--json").stdout)["segments"] == 0


def test_compare_unknown_engine_is_one_line(db: str) -> None:
    result = run("score", "--db", db, "--compare", "ea", "nope", code=1)
    assert result.stderr.startswith("Error: No scored drafts from engine 'nope'")


def test_rebuild(db: str) -> None:
    before = json.loads(run("score", "--db", db, "--json").stdout)
    after = json.loads(run("score", "--db", db, "--rebuild", "--json").stdout)
    assert after["bleu"] == before["bleu"] and after["drafts"] == before["drafts"]


def test_qa_files(tmp_path: Path) -> None:
    src, hyp = tmp_path / "ar.txt", tmp_path / "en.txt"
    src.write_text("\n".join(SRC) + "\n", encoding="utf-8")
    hyp.write_text("\n".join(EN) + "\n", encoding="utf-8")
    assert "0 problems in 23 segments" in run("qa", "--src", str(src), "--hyp", str(hyp)).stdout
    bad = list(EN)
    bad[2] = bad[2].replace("2015", "2016")
    hyp.write_text("\n".join(bad) + "\n", encoding="utf-8")
    result = run("qa", "--src", str(src), "--hyp", str(hyp), code=1)
    assert "The number 2015 in the source is missing" in result.stdout and "2 problems" in result.stdout
    out = json.loads(run("qa", "--src", str(src), "--hyp", str(hyp), "--json", "--exit-zero").stdout)
    assert out["counts"]["number"] == 2 and out["findings"][0]["segment"] == 3


def test_qa_document(db: str) -> None:
    out = json.loads(run("qa", "alasr", "--db", db, "--json").stdout)
    assert out["ok"] and out["segments"] == len(SHORT)
    assert run("qa", "nope", "--db", db, code=2).stderr.startswith("Error: No file and no stored document")
    assert "not both" in run("qa", "alasr", "--src", "x", "--hyp", "y", "--db", db, code=2).stderr


def test_help_has_examples() -> None:
    for name in ("score", "qa"):
        text = run(name, "--help").stdout
        assert "Example:" in text and f"tm {name}" in text


def test_score_does_not_import_torch(tmp_path: Path) -> None:
    (tmp_path / "h.txt").write_text("a b c\n", encoding="utf-8")
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "import tm.cli.score\n"
        "from tm.cli import cli\n"
        f"r = CliRunner().invoke(cli, ['score', '--hyp', {str(tmp_path / 'h.txt')!r}, "
        f"'--ref', {str(tmp_path / 'h.txt')!r}])\n"
        "assert r.exit_code == 0, r.output\n"
        "from tm.store import Store\n"
        "Store.open(" + repr(str(tmp_path / "x.db")) + ").close()\n"
        "r = CliRunner().invoke(cli, ['score', '--db', " + repr(str(tmp_path / "x.db")) + "])\n"
        "assert r.exit_code == 0, r.output\n"
        "print(sorted(m for m in ('torch', 'transformers') if m in sys.modules))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[]"


def test_html_report_to_a_missing_directory_is_refused_before_scoring(db: str, tmp_path: Path) -> None:
    nowhere = tmp_path / "no-such-dir" / "r.html"
    result = run("score", "--db", db, "--html", str(nowhere), code=1)
    assert result.stderr.strip().splitlines() == [
        f"Error: Cannot write {nowhere}: there is no directory {nowhere.parent}."]


def test_json_keys_are_the_same_when_nothing_is_scored(db: str, tmp_path: Path) -> None:
    scored = json.loads(run("score", "--db", db, "--json").stdout)
    empty_db = tmp_path / "empty.db"
    Store.open(empty_db).close()
    empty = json.loads(run("score", "--db", str(empty_db), "--json").stdout)
    assert set(empty) == set(scored)
    assert (empty["drafts"], empty["unchanged"], empty["bleu"]) == (0, 0, None)


def test_scoring_a_mistyped_database_is_an_error(tmp_path: Path) -> None:
    typo = tmp_path / "typo.db"
    result = run("score", "--db", str(typo), code=1)
    assert result.stderr.startswith(f"Error: No database at {typo}")
    assert not typo.exists()


def test_hter_histogram_keeps_drafts_over_100_in_a_bar_of_their_own() -> None:
    from tm.report import hter_bins, hter_histogram

    counts, over = hter_bins([0.0, 4.9, 5.0, 99.0, 100.0, 100.1, 250.0, 1480.0])
    assert (counts[0], counts[1], counts[19], sum(counts), over) == (2, 1, 2, 5, 3)
    assert hter_histogram([0.0, 250.0]).startswith('<img alt="plot" src="data:image/png;base64,')


def test_html_qa_section_says_what_it_checked_and_leaves_out_untranslated_segments() -> None:
    from tm.qa import Finding, QAReport
    from tm.report import _qa

    report = QAReport(segments=3, findings=[Finding(1, "empty", "The segment has no translation.", "a"),
                                            Finding(2, "number", "The number 7 in the source is missing.", "a")])
    html = _qa(report, None)
    assert "latest human correction, else its latest draft" in html and "not findings about the drafts" in html
    assert "1 segment not translated yet (not listed)" in html and "findings number: 1." in html
    assert "The number 7" in html and "has no translation" not in html
    only_empty = _qa(QAReport(segments=1, findings=[Finding(1, "empty", "The segment has no translation.")]), None)
    assert "No problems found in the translated segments." in only_empty


def test_a_gated_command_with_an_argument_that_is_not_utf8_exits_2(tmp_path: Path) -> None:
    """1 means 'problems found' to a publication gate: a file name it cannot read is exit 2."""
    from click.testing import CliRunner

    from tm.cli import cli

    for args in (["qa", "\udcff.tsv"], ["glossary", "check", "\udcff.tsv"], ["show", "\udcff"]):
        result = CliRunner().invoke(cli, [*args, "--db", str(tmp_path / "x.db")])
        assert "is not valid UTF-8" in result.output
        assert result.exit_code == (1 if args[0] == "show" else 2), args
