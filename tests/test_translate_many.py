"""`tm translate` of several files: read and checked first, drafted in one engine call, stored together."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tm.cli import cli
from tm.engines import get_engine
from tm.segment import split
from tm.store import Store
from tm.translate import translate_documents
from tm.workflow import read_source_file

DATA = Path(__file__).parent / "data"
ARTICLE = DATA / "alasr-soleimani-putin.ar.txt"
FLORES = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "flores200_devtest" / "arb_Arab.devtest"


def run(*args: str, code: int = 0) -> Any:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result


@pytest.fixture
def articles(tmp_path: Path) -> list[Path]:
    """The sample article and a second one, its first paragraphs in another order."""
    text = ARTICLE.read_text(encoding="utf-8")
    paragraphs = text.splitlines()
    first, second = tmp_path / "in" / "alasr.ar.txt", tmp_path / "in" / "second.ar.txt"
    first.parent.mkdir()
    first.write_text(text, encoding="utf-8")
    second.write_text("\n".join([paragraphs[3], paragraphs[0], paragraphs[2]]) + "\n", encoding="utf-8")
    return [first, second]


def _documents(db: Path) -> list[str]:
    if not db.exists():
        return []
    conn = sqlite3.connect(db)
    try:
        return [r[0] for r in conn.execute("SELECT name FROM documents ORDER BY id")]
    finally:
        conn.close()


def test_several_files_with_the_tiny_model_go_to_an_output_dir(tiny_model: Path, articles: list[Path],
                                                              tmp_path: Path):
    out = tmp_path / "drafts" / "today"
    result = run("translate", *map(str, articles), "--engine", "transformers", "--model", str(tiny_model),
                 "--output-dir", str(out))
    assert sorted(p.name for p in out.iterdir()) == ["alasr.en.txt", "second.en.txt"]
    for src in articles:
        english = (out / src.name.replace(".ar.txt", ".en.txt")).read_text(encoding="utf-8")
        assert english.count("\n") == src.read_text(encoding="utf-8").count("\n")  # the layout is kept
        assert len(english.splitlines()) == len(src.read_text(encoding="utf-8").splitlines())
    assert result.stderr.splitlines()[-1].startswith("Stored 2 documents: ")
    shown = json.loads(run("show", "second", "--json").stdout)
    assert {t["engine"] for s in shown["segments"] for t in s["translations"]} == {"transformers"}
    assert _documents(tmp_path / "tm.db") == ["alasr", "second"]


def test_one_engine_call_drafts_every_file(tiny_model: Path, articles: list[Path], store: Store):
    engine = get_engine("transformers", str(tiny_model), batch_size=8)
    calls: list[int] = []
    translate = engine.translate

    def counted(requests: Any, **kwargs: Any) -> Any:
        calls.append(len(requests))
        return translate(requests, **kwargs)

    engine.translate = counted  # type: ignore[method-assign]
    results = translate_documents(store, [read_source_file(p) for p in articles], engine=engine)
    drafted = sum(r.origin == "mt" for res in results for r in res.segments)
    assert calls == [drafted] and drafted > 23
    assert [r.document.name for r in results] == ["alasr", "second"]
    assert [len(r.segments) for r in results] == [len(split(p.read_text(encoding="utf-8"))[1]) for p in articles]


def test_jsonl_of_several_files_is_one_stream_naming_each_document(articles: list[Path], tmp_path: Path):
    out = tmp_path / "all.jsonl"
    run("translate", *map(str, articles), "--engine", "none", "--format", "jsonl", "-o", str(out))
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    docs = [r["doc"] for r in rows]
    assert docs == ["alasr"] * docs.count("alasr") + ["second"] * docs.count("second")
    assert [r["index"] for r in rows if r["doc"] == "second"] == list(range(1, docs.count("second") + 1))


def test_the_memory_serves_every_file_and_stderr_names_each(articles: list[Path], tmp_path: Path):
    run("translate", str(articles[0]), "--engine", "none", "-o", str(tmp_path / "x.txt"))
    run("correct", "alasr", "1", "Hajj Qassem meets President Putin: secrets revealed for the first time")
    copy = tmp_path / "copy" / "alasr.ar.txt"
    copy.parent.mkdir()
    copy.write_text(articles[0].read_text(encoding="utf-8"), encoding="utf-8")
    result = run("translate", str(articles[0]), str(copy), "--engine", "none", "--output-dir", str(tmp_path / "o"))
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == ["alasr-2.en.txt", "alasr-3.en.txt"]
    for name in ("alasr-2.en.txt", "alasr-3.en.txt"):
        first = (tmp_path / "o" / name).read_text(encoding="utf-8").splitlines()[0]
        assert first == "Hajj Qassem meets President Putin: secrets revealed for the first time"
    assert result.stderr.splitlines()[:2] == [
        f"Stored {articles[0]} as document 'alasr-2': 23 segments (1 tm-exact, 22 untranslated).",
        f"Stored {copy} as document 'alasr-3': 23 segments (1 tm-exact, 22 untranslated)."]


@pytest.mark.parametrize(("extra", "message"), [
    (["-"], "Standard input (-) can only be translated alone"),
    (["--name", "x", "--format", "jsonl"], "--name names one document"),
    ([], "2 files give 2 English texts: write them with --output-dir DIR, or give --format jsonl"),
    (["-o", "x.txt", "--output-dir", "d"], "Give -o/--output or --output-dir, not both."),
    (["{bad}", "--output-dir", "d"], "is empty"),
    (["{first}", "--output-dir", "d"], "is given twice"),
    (["--output-dir", ""], "--output-dir is empty"),
], ids=["stdin", "name", "text-to-stdout", "both-outputs", "a-bad-file", "twice", "empty-dir"])
def test_refused_before_anything_is_stored(articles: list[Path], tmp_path: Path, extra: list[str], message: str):
    bad = tmp_path / "empty.ar.txt"
    bad.write_text("\n", encoding="utf-8")
    extra = [str(bad) if e == "{bad}" else str(articles[0]) if e == "{first}" else e for e in extra]
    result = run("translate", *map(str, articles), *extra, "--engine", "none", code=1)
    assert result.output.count("\n") == 1 and message in result.output
    assert _documents(tmp_path / "tm.db") == []


def test_an_engine_failure_stores_none_of_the_files(articles: list[Path], store: Store):
    class Broken:
        name, model, details = "broken", "none", {}

        def translate(self, requests: Any, **kwargs: Any) -> Any:
            raise RuntimeError("out of memory")

    with pytest.raises(RuntimeError):
        translate_documents(store, [read_source_file(p) for p in articles], engine=Broken())  # type: ignore[arg-type]
    assert store.documents() == []


@pytest.mark.parametrize("what", ["reference", "database", "input"])
def test_an_output_that_would_replace_a_file_is_refused_and_nothing_stored(articles: list[Path], tmp_path: Path,
                                                                         what: str):
    """An inbox often holds X.en.txt (a reference) beside X.ar.txt; the database or an input may sit there too."""
    out = articles[0].parent
    db = tmp_path / "tm.db"
    target = out / "second.en.txt"
    inputs = [*map(str, articles)]
    if what == "reference":
        target.write_text("The human reference.\n", encoding="utf-8")
    elif what == "database":
        db = target
    else:
        target.write_text(articles[1].read_text(encoding="utf-8"), encoding="utf-8")
        inputs.append(str(target))
    result = run("translate", *inputs, "--engine", "none", "--output-dir", str(out), "--db", str(db), code=1)
    assert result.output == (f"Error: {target} exists already and would be replaced; nothing was stored: give "
                             "another --output-dir, or move the file away.\n")
    assert _documents(db) == []
    assert not (out / "alasr.en.txt").exists()
    if what == "reference":
        assert target.read_text(encoding="utf-8") == "The human reference.\n"


def test_a_name_too_long_for_a_file_is_refused_before_anything_is_stored(articles: list[Path], tmp_path: Path):
    long = tmp_path / ("ب" * 125 + ".txt")  # 250 bytes: with .en.txt past the 255 a file name may have
    long.write_text(articles[1].read_text(encoding="utf-8"), encoding="utf-8")
    result = run("translate", str(articles[0]), str(long), "--engine", "none", "--output-dir",
                 str(tmp_path / "o"), code=1)
    assert "its name is too long for a file name; nothing was stored" in result.output
    assert _documents(tmp_path / "tm.db") == [] and not list((tmp_path / "o").iterdir())


def test_many_real_articles_in_one_run(tmp_path: Path):
    """FLORES devtest sentences as 20 files of 10 paragraphs each: every file gets its own English file."""
    if not FLORES.is_file():
        pytest.skip("../shared/data is not here")
    lines = FLORES.read_text(encoding="utf-8").splitlines()[:200]
    files = []
    for i in range(20):
        f = tmp_path / "in" / f"flores-{i:02d}.ar.txt"
        f.parent.mkdir(exist_ok=True)
        f.write_text("\n".join(lines[i * 10 : i * 10 + 10]) + "\n", encoding="utf-8")
        files.append(str(f))
    result = run("translate", *files, "--engine", "none", "--no-glossary", "--output-dir", str(tmp_path / "out"))
    assert len(list((tmp_path / "out").iterdir())) == 20
    assert result.stderr.splitlines()[-1].startswith("Stored 20 documents: ")
    assert (tmp_path / "out" / "flores-07.en.txt").read_text(encoding="utf-8") == Path(files[7]).read_text(
        encoding="utf-8")  # --engine none: untranslated segments stay in Arabic, layout kept


def test_each_file_keeps_its_own_glossary_terms(tiny_model: Path, articles: list[Path], tmp_path: Path,
                                                store: Store):
    """The term report of each file is the one it gets alone, and the engine is asked for each segment's own terms."""
    from tm.glossary import load_terms

    sources = [read_source_file(p) for p in articles]
    alone = [json.loads(line) for p in articles for line in run(
        "translate", str(p), "--engine", "none", "--format", "jsonl", "--db", str(tmp_path / f"{p.name}.db")
    ).stdout.splitlines()]
    together = [json.loads(line) for line in run(
        "translate", *map(str, articles), "--engine", "none", "--format", "jsonl").stdout.splitlines()]
    assert [r["terms"] for r in together] == [r["terms"] for r in alone]
    assert all(any(r["terms"] for r in together if r["doc"] == doc) for doc in ("alasr", "second"))
    engine = get_engine("transformers", str(tiny_model), batch_size=8)
    asked: list[Any] = []
    translate = engine.translate

    def recorded(requests: Any, **kwargs: Any) -> Any:
        asked.extend(requests)
        return translate(requests, **kwargs)

    engine.translate = recorded  # type: ignore[method-assign]
    translate_documents(store, sources, engine=engine, terms=load_terms(store, ["political"]))
    assert sum(bool(r.terms) for r in asked) > 10
    for request in asked:
        for term in request.terms:
            assert term.source in request.source


def test_outputs_differing_only_in_case_are_refused(articles: list[Path], tmp_path: Path):
    upper = tmp_path / "other" / "ALASR.ar.txt"
    upper.parent.mkdir()
    upper.write_text(articles[1].read_text(encoding="utf-8"), encoding="utf-8")
    result = run("translate", str(articles[0]), str(upper), "--engine", "none", "--output-dir", str(tmp_path / "o"),
                 code=1)
    assert "differs from another output only in letter case" in result.output
    assert _documents(tmp_path / "tm.db") == []
