"""Scores of files and of stored drafts: identical to sacrebleu, kept right across corrections.

References are the desk's English translation of the sample article (tests/data, written
for these tests) and, when the checkout's sibling ../shared is there, NTREX-128 English
news (CC BY-SA 4.0); hypotheses are deterministic word-level edits of them.
"""

from __future__ import annotations

import gzip
import random
from pathlib import Path

import pytest
import sacrebleu
from sacrebleu.metrics import BLEU, CHRF, TER
from sacrebleu.significance import PairedTest

from tm import score, stats
from tm.compare import compare
from tm.errors import InputError, NotFoundError, StoreError
from tm.store import Store

DATA = Path(__file__).parent / "data"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
REFS = (DATA / "alasr-soleimani-putin.en.txt").read_text(encoding="utf-8").splitlines()
SOURCES = (DATA / "alasr-soleimani-putin.ar.seg.txt").read_text(encoding="utf-8").splitlines()
SHORT = [r for r in REFS if len(r.split()) <= 45]  # TER's shift search is slow on long sentences


def edit(text: str, rate: float, seed: int) -> str:
    """Drop, repeat and swap words: an MT-like draft of *text*."""
    rng = random.Random(seed)
    words = [w for w in text.split() if rng.random() > rate]
    for i in range(len(words) - 1):
        if rng.random() < rate / 8:
            words[i], words[i + 1] = words[i + 1], words[i]
    if words and rng.random() < rate:
        words.insert(rng.randrange(len(words)), rng.choice(["the", "of", "a"]))
    return " ".join(words)


def corpus(hyps: list[str], refs: list[str]) -> dict[str, float]:
    return {
        "bleu": sacrebleu.corpus_bleu(hyps, [refs]).score,
        "chrf": sacrebleu.corpus_chrf(hyps, [refs]).score,
        "chrf++": sacrebleu.corpus_chrf(hyps, [refs], word_order=2).score,
        "ter": sacrebleu.corpus_ter(hyps, [refs]).score,
    }


def scores_of(group: score.Group) -> dict[str, float]:
    s = group.scores
    return {"bleu": s.bleu, "chrf": s.chrf, "chrf++": s.chrf_pp, "ter": s.ter}


def build(store: Store, drafts: dict[str, list[str]], refs: list[str] | None, *, name: str = "doc",
          created: str | None = None) -> list[int]:
    """A document of len(refs) segments, one draft per engine each, corrected with *refs*."""
    n = len(next(iter(drafts.values())))
    with store.transaction() as conn:
        _, segs = store.add_document(conn, name=name, path=None, sha256="x", prefix="",
                                     segments=[(SOURCES[i % len(SOURCES)], " ", 1) for i in range(n)])
        for engine, texts in drafts.items():
            for seg, text in zip(segs, texts, strict=True):
                store.add_translation(conn, seg.id, origin="mt", text=text, engine=engine,
                                      model=f"{engine}-m", created=created)
        if refs is not None:
            for seg, ref in zip(segs, refs, strict=True):
                correct(store, conn, seg.id, ref)
    return [s.id for s in segs]


def correct(store: Store, conn, segment_id: int, text: str) -> int:
    human = store.add_translation(conn, segment_id, origin="human", text=text)
    score.record_draft_stats(conn, human_id=human, human_text=text, segment_id=segment_id)
    return human


# -- file mode --------------------------------------------------------------------------------


def write(path: Path, lines: list[str], end: str = "\n") -> Path:
    path.write_text("".join(line + end for line in lines), encoding="utf-8")
    return path


def test_file_scores_are_sacrebleus(tmp_path: Path) -> None:
    hyps = [edit(r, 0.15, i) for i, r in enumerate(REFS)]
    result = score.score_files(write(tmp_path / "h.txt", hyps), [write(tmp_path / "r.txt", REFS)])
    assert (result.bleu, result.chrf, result.chrf_pp, result.ter) == tuple(corpus(hyps, REFS).values())
    bleu = BLEU()
    bleu.corpus_score(hyps, [REFS])
    assert result.signatures["bleu"] == bleu.get_signature().format()
    assert result.lines["bleu"].startswith("BLEU|nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:")
    assert result.as_json()["chrf++"] == result.chrf_pp


def test_file_scores_multiple_references_and_crlf(tmp_path: Path) -> None:
    hyps = [edit(r, 0.15, i) for i, r in enumerate(SHORT)]
    other = [edit(r, 0.05, 100 + i) for i, r in enumerate(SHORT)]
    result = score.score_files(write(tmp_path / "h.txt", hyps, "\r\n"),
                               [write(tmp_path / "r1.txt", SHORT), write(tmp_path / "r2.txt", other)])
    refs = [SHORT, other]
    assert result.references == 2
    assert result.bleu == BLEU().corpus_score(hyps, refs).score
    assert result.ter == TER().corpus_score(hyps, refs).score
    assert result.chrf_pp == CHRF(word_order=2).corpus_score(hyps, refs).score


@pytest.mark.skipif(not (SHARED / "data" / "ntrex128").is_dir(), reason="../shared/data is not here")
def test_file_scores_on_real_news_match_the_sacrebleu_command(tmp_path: Path) -> None:
    import json
    import subprocess
    import sys

    raw = (SHARED / "data/ntrex128/newstest2019-src.eng.txt").read_bytes().split(b"\n")[:150]
    ref = tmp_path / "ref.txt"
    ref.write_bytes(b"\n".join(raw) + b"\n")  # CRLF kept, as distributed
    lines = [x.decode("utf-8").rstrip() for x in raw]
    hyp = write(tmp_path / "hyp.txt", [edit(x, 0.2, i) for i, x in enumerate(lines)])
    result = score.score_files(hyp, [ref])
    out = subprocess.run([sys.executable, "-m", "sacrebleu", str(ref), "-i", str(hyp), "-m", "bleu", "chrf",
                          "ter", "-w", "6", "-f", "json"], capture_output=True, text=True, check=True).stdout
    theirs = {d["name"]: d["score"] for d in json.loads(out)}
    ours = {"BLEU": result.bleu, "chrF2": result.chrf, "TER": result.ter}
    assert theirs == {name: round(value, 6) for name, value in ours.items()}


def test_read_lines_reads_as_sacrebleu(tmp_path: Path) -> None:
    p = tmp_path / "x.txt"
    p.write_bytes("a b  \r\nc\u2028d\n\ne\n".encode())
    assert score.read_lines(p) == ["a b", "c\u2028d", "", "e"]
    gz = tmp_path / "x.txt.gz"
    gz.write_bytes(gzip.compress(b"one\ntwo"))
    assert score.read_lines(gz) == ["one", "two"]


@pytest.mark.parametrize(
    ("hyp", "ref", "message"),
    [
        ("missing.txt", "r", "No such file: "),
        ("h", "missing.txt", "No such file: "),
        ("empty", "r", "is empty"),
        ("latin1", "r", "is not UTF-8 (invalid byte at offset 1)"),
        ("short", "r", "has 1 line but"),
        ("dir", "r", "is a directory"),
    ],
    ids=["missing-hyp", "missing-ref", "empty", "not-utf8", "line-counts", "directory"],
)
def test_file_scores_refuse_bad_input(tmp_path: Path, hyp: str, ref: str, message: str) -> None:
    write(tmp_path / "h", ["a b", "c d"])
    write(tmp_path / "r", ["a b", "c d"])
    write(tmp_path / "short", ["a b"])
    (tmp_path / "empty").write_bytes(b"")  # no lines at all (blank lines are a system that output nothing)
    (tmp_path / "latin1").write_bytes("é\n".encode("latin-1").rjust(3, b"x"))
    (tmp_path / "dir").mkdir()
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        score.score_files(tmp_path / hyp, [tmp_path / ref])


# -- statistics ----------------------------------------------------------------------------------


def test_stored_sentence_scores_are_sacrebleus_sentence_scores() -> None:
    hyps = [edit(r, 0.3, i) for i, r in enumerate(SHORT)] + ["", "x"]
    refs = SHORT + ["Something.", ""]
    for hyp, ref, row in zip(hyps, refs, stats.pair_stats(hyps, refs), strict=True):
        s = stats.sentence_scores(row)
        assert s.bleu == sacrebleu.sentence_bleu(hyp, [ref]).score
        assert s.chrf == sacrebleu.sentence_chrf(hyp, [ref]).score
        assert s.ter == sacrebleu.sentence_ter(hyp, [ref]).score
        assert stats.unpack([stats.pack(row)]).tolist() == [row]


# -- the store -----------------------------------------------------------------------------------


def test_store_scores_equal_sacrebleu_on_the_same_pairs(store: Store) -> None:
    a = [edit(r, 0.1, i) for i, r in enumerate(SHORT)]
    b = [edit(r, 0.3, 50 + i) for i, r in enumerate(SHORT)]
    build(store, {"ea": a, "eb": b}, SHORT)
    result = score.score_store(store, by="engine", auto_compare=False)
    assert result.total is not None
    assert (result.total.segments, result.total.drafts) == (len(SHORT), 2 * len(SHORT))
    assert scores_of(result.total) == corpus(a + b, SHORT + SHORT)
    assert [g.key for g in result.groups] == ["ea", "eb"]
    assert scores_of(result.groups[0]) == corpus(a, SHORT)
    assert scores_of(result.groups[1]) == corpus(b, SHORT)
    for name, metric in (("bleu", BLEU()), ("chrf", CHRF()), ("chrf++", CHRF(word_order=2)), ("ter", TER())):
        metric.corpus_score(a, [SHORT])
        assert result.signatures[name] == metric.get_signature().format()


def test_second_correction_replaces_the_reference(store: Store) -> None:
    drafts = [edit(r, 0.2, i) for i, r in enumerate(REFS[:6])]
    ids = build(store, {"ea": drafts}, REFS[:6])
    first = store.db.execute("SELECT human_id FROM draft_stats WHERE segment_id = ?", (ids[0],)).fetchone()[0]
    new_refs = list(REFS[:6])
    new_refs[0] = "An entirely new correction of the headline."
    with store.transaction() as conn:
        correct(store, conn, ids[0], new_refs[0])
        # an older correction arriving late changes nothing
        score.record_draft_stats(conn, human_id=first, human_text=REFS[0], segment_id=ids[0])
    result = score.score_store(store)
    assert result.total is not None and result.total.drafts == 6
    assert scores_of(result.total) == corpus(drafts, new_refs)


def test_only_drafts_before_the_correction_count(store: Store) -> None:
    ids = build(store, {"ea": [edit(REFS[0], 0.2, 1)]}, [REFS[0]])
    with store.transaction() as conn:
        store.add_translation(conn, ids[0], origin="mt", text="A later retranslation.", engine="late")
    result = score.score_store(store, by="engine")
    assert [g.key for g in result.groups] == ["ea"]


def test_an_engine_redrafting_a_segment_counts_once(store: Store) -> None:
    """A redraft with the same engine and model replaces the earlier draft in every figure; another model
    of the engine is a system of its own; the totals are the same whatever --by."""
    old = [edit(r, 0.5, i) for i, r in enumerate(SHORT)]
    new = [edit(r, 0.1, 30 + i) for i, r in enumerate(SHORT)]
    other = [edit(r, 0.2, 60 + i) for i, r in enumerate(SHORT)]
    tuned = [edit(r, 0.3, 90 + i) for i, r in enumerate(SHORT)]
    with store.transaction() as conn:
        _, segs = store.add_document(conn, name="doc", path=None, sha256="x", prefix="",
                                     segments=[(SOURCES[i % len(SOURCES)], " ", 1) for i in range(len(SHORT))])
        for engine, model, texts in (("ea", "m1", old), ("eb", "m", other), ("ea", "m1", new), ("ea", "m2", tuned)):
            for seg, text in zip(segs, texts, strict=True):
                store.add_translation(conn, seg.id, origin="mt", text=text, engine=engine, model=model)
        for seg, ref in zip(segs, SHORT, strict=True):
            correct(store, conn, seg.id, ref)
    results = {by: score.score_store(store, by=by, auto_compare=False, worst=200) for by in (None, "engine", "model")}
    for result in results.values():
        assert result.total is not None and result.total.drafts == 3 * len(SHORT)
        assert scores_of(result.total) == corpus(new + other + tuned, SHORT * 3)
        assert not {w.draft for w in result.worst} & (set(old) - set(new) - set(other) - set(tuned))
    assert {g.key: g.drafts for g in results["engine"].groups} == {"ea": 2 * len(SHORT), "eb": len(SHORT)}
    assert {g.key: g.drafts for g in results["model"].groups} == {"m": len(SHORT), "m1": len(SHORT),
                                                                  "m2": len(SHORT)}
    assert scores_of(next(g for g in results["model"].groups if g.key == "m1")) == corpus(new, SHORT)
    compared = score.score_store(store, by="model", compare=("m1", "m2"), tests=("bs",), trials=100)
    bleu = {m.metric: m for m in compared.comparisons[0].metrics}["bleu"]
    assert bleu.a == pytest.approx(corpus(new, SHORT)["bleu"]) and bleu.b == pytest.approx(corpus(tuned, SHORT)["bleu"])
    by_engine = score.score_store(store, by="engine", compare=("ea", "eb"), tests=("bs",), trials=100)
    ea = next(g for g in by_engine.groups if g.key == "ea")  # two models: the comparison scores ea as its row
    bleu = {m.metric: m for m in by_engine.comparisons[0].metrics}["bleu"]
    assert bleu.a == pytest.approx(ea.scores.bleu) and bleu.b == pytest.approx(corpus(other, SHORT)["bleu"])


def test_a_draft_accepted_unchanged_counts(store: Store) -> None:
    build(store, {"ea": [REFS[0], edit(REFS[1], 0.3, 2)]}, REFS[:2])
    result = score.score_store(store)
    assert result.total is not None
    assert (result.total.unchanged, result.total.unchanged_share) == (1, 0.5)
    assert [w.index for w in result.worst] == [2]  # the unchanged draft is not among the worst


def test_memory_drafts_are_their_own_engine(store: Store) -> None:
    ids = build(store, {"ea": [edit(REFS[0], 0.2, 1)]}, None)
    with store.transaction() as conn:
        store.add_translation(conn, ids[0], origin="tm-fuzzy", text=REFS[0][:40], match=80.0)
        correct(store, conn, ids[0], REFS[0])
    assert score.score_store(store).total.drafts == 1  # type: ignore[union-attr]
    both = score.score_store(store, origins=("mt", "tm-fuzzy"), by="engine", auto_compare=False)
    assert [g.key for g in both.groups] == ["ea", "tm-fuzzy"]


@pytest.mark.parametrize(("by", "keys"), [("doc", ["one", "two"]), ("model", ["ea-m"]),
                                          ("month", ["2026-03", "2026-04"])], ids=["doc", "model", "month"])
def test_groupings(store: Store, by: str, keys: list[str]) -> None:
    build(store, {"ea": [edit(r, 0.2, i) for i, r in enumerate(REFS[:4])]}, REFS[:4], name="one",
          created="2026-03-05T10:00:00+00:00")
    build(store, {"ea": [edit(r, 0.2, i) for i, r in enumerate(REFS[4:9])]}, REFS[4:9], name="two",
          created="2026-04-01T10:00:00+00:00")
    result = score.score_store(store, by=by)
    assert [g.key for g in result.groups] == keys
    assert sum(g.drafts for g in result.groups) == 9
    only = score.score_store(store, doc="two")
    assert only.total is not None and only.total.drafts == 5 and only.doc == "two"


def test_nothing_to_score_and_unknown_document(store: Store) -> None:
    build(store, {"ea": [REFS[0]]}, None)
    result = score.score_store(store)
    assert result.total is None and result.as_json()["segments"] == 0
    with pytest.raises(NotFoundError):
        score.score_store(store, doc="nope")
    with pytest.raises(InputError, match="Unknown draft origin"):
        score.score_store(store, origins=("human",))


def test_rebuild_gives_the_same_rows(store: Store) -> None:
    build(store, {"ea": [edit(r, 0.2, i) for i, r in enumerate(REFS[:8])]}, REFS[:8])
    before = store.db.execute("SELECT * FROM draft_stats ORDER BY draft_id").fetchall()
    assert score.rebuild_draft_stats(store) == 8
    assert store.db.execute("SELECT * FROM draft_stats ORDER BY draft_id").fetchall() == before


def test_stale_layout_asks_for_a_rebuild(store: Store) -> None:
    build(store, {"ea": [edit(REFS[0], 0.2, 1)]}, [REFS[0]])
    with store.transaction() as conn:
        conn.execute("UPDATE draft_stats SET layout = 0")
    with pytest.raises(StoreError, match="tm score --rebuild"):
        score.score_store(store)


def test_term_accuracy(store: Store) -> None:
    from tm.terms import Term

    terms = [Term(ar="حزب الله", en="Hezbollah"), Term(ar="محور المقاومة", en="Axis of Resistance")]
    # segments 7 and 18 hold حزب الله, 5, 6, 14 and 19 محور المقاومة
    drafts = [r.replace("Hezbollah", "Hizbullah") if i == 6 else r for i, r in enumerate(REFS)]
    build(store, {"ea": drafts}, REFS)
    result = score.score_store(store, terms=terms, by="engine", auto_compare=False)
    assert result.total is not None and result.total.terms is not None
    assert (result.total.terms.checked, result.total.terms.correct) == (6, 5)
    assert result.groups[0].terms == result.total.terms
    limited = score.score_store(store, terms=terms, terms_limit=3)
    assert limited.total is not None and limited.total.terms is None
    assert "--glossary" in (limited.terms_note or "")


# -- comparing engines ------------------------------------------------------------------------------


def test_compare_gives_sacrebleus_p_values(store: Store) -> None:
    a = [edit(r, 0.15, i) for i, r in enumerate(SHORT)]
    b = [edit(r, 0.2, 70 + i) for i, r in enumerate(SHORT)]
    build(store, {"ea": a, "eb": b}, SHORT)
    result = score.score_store(store, compare=("ea", "eb"), tests=("bs", "ar"), trials=300)
    assert [c.test for c in result.comparisons] == ["bs", "ar"]
    for c in result.comparisons:
        metrics = {"BLEU": BLEU(), "chrF2": CHRF(), "TER": TER()}
        _, theirs = PairedTest([("ea", a), ("eb", b)], metrics, [SHORT], test_type=c.test, n_samples=300)()
        ours = {m.metric: m for m in c.metrics}
        for name, key in (("BLEU", "bleu"), ("chrF2", "chrf"), ("TER", "ter")):
            assert 0 < ours[key].p_value <= 1
            assert ours[key].p_value == theirs[name][1].p_value
            assert ours[key].b == theirs[name][1].score and ours[key].a == theirs[name][0].score
        assert c.shared == c.segments == len(SHORT) and not c.sampled
    assert result.as_json()["comparisons"][0]["metrics"]["bleu"]["p_value"] > 0


def test_compare_samples_large_sets_and_refuses_disjoint_systems() -> None:
    row = stats.pair_stats(["a b c d"], ["a b c e"])[0]
    other = stats.pair_stats(["a b x d"], ["a b c e"])[0]
    c = compare("a", dict.fromkeys(range(30), row), "b", dict.fromkeys(range(30), other), trials=50,
                max_segments=10)
    assert c.sampled and (c.shared, c.segments) == (30, 10)
    with pytest.raises(InputError, match="no corrected segment in common"):
        compare("a", {1: row}, "b", {2: row})


@pytest.mark.parametrize("test", ["bs", "ar"])
def test_identical_drafts_differ_by_nothing(test: str) -> None:
    rows = {i: r for i, r in enumerate(stats.pair_stats(["a b c d", "x y", "one two three"],
                                                         ["a b c e", "x z", "one two three"]))}
    c = compare("model-1", rows, "model-2", dict(rows), test=test, trials=100)
    assert [(m.a == m.b, m.p_value) for m in c.metrics] == [(True, 1.0)] * 3  # sacrebleu alone says 0.001/0.0001
    with pytest.raises(InputError, match="'model-1' was given twice"):
        compare("model-1", rows, "model-1", rows)


def test_compare_unknown_engine(store: Store) -> None:
    build(store, {"ea": [edit(REFS[0], 0.2, 1)]}, [REFS[0]])
    with pytest.raises(InputError, match="scored engines: ea"):
        score.score_store(store, compare=("ea", "nope"))


def test_corrections_are_scored_before_the_write_lock_is_taken(store: Store, monkeypatch) -> None:
    """Scoring a long segment (TER: minutes for thousands of words) happens before the transaction:
    another process can write meanwhile, and the rows are the ones scoring inside would give."""
    import sqlite3

    from tm import stats as stats_module
    from tm.workflow import correct_segment, score_corrections_ahead

    drafts = [edit(r, 0.3, i) for i, r in enumerate(SHORT[:3])]
    build(store, {"ea": drafts}, None)
    document = store.document("doc")
    real = stats_module.pair_stats
    writable = []

    def pair_stats(hyps, refs):
        other = sqlite3.connect(store.path, timeout=0)
        other.execute("BEGIN IMMEDIATE")  # fails with 'database is locked' while a writer holds the lock
        other.rollback()
        other.close()
        writable.append(True)
        return real(hyps, refs)

    monkeypatch.setattr(stats_module, "pair_stats", pair_stats)
    ahead = score_corrections_ahead(store, [(document, i + 1, SHORT[i]) for i in range(3)])
    assert writable == [True]
    with store.transaction() as conn:
        for i in range(3):
            correct_segment(store, conn, document, i + 1, SHORT[i], ahead=ahead)
    assert writable == [True]  # nothing was scored inside the transaction
    monkeypatch.setattr(stats_module, "pair_stats", real)
    kept = store.db.execute("SELECT * FROM draft_stats ORDER BY draft_id").fetchall()
    score.rebuild_draft_stats(store)
    assert store.db.execute("SELECT * FROM draft_stats ORDER BY draft_id").fetchall() == kept


def test_a_draft_stored_after_scoring_ahead_is_scored_too(store: Store) -> None:
    from tm.workflow import correct_segment, score_corrections_ahead

    ids = build(store, {"ea": [edit(SHORT[0], 0.3, 1)]}, None)
    document = store.document("doc")
    ahead = score_corrections_ahead(store, [(document, 1, SHORT[0])])
    with store.transaction() as conn:
        store.add_translation(conn, ids[0], origin="mt", text=edit(SHORT[0], 0.1, 2), engine="eb")
    with store.transaction() as conn:
        correct_segment(store, conn, document, 1, SHORT[0], ahead=ahead)
    result = score.score_store(store, by="engine", auto_compare=False)
    assert [(g.key, g.drafts) for g in result.groups] == [("ea", 1), ("eb", 1)]


def test_hter_summary_puts_each_draft_in_one_band_upper_edges_included() -> None:
    values = [0.0, 0.1, 10.0, 10.1, 30.0, 30.1, 50.0, 50.1, 250.0]
    summary = score.hter_summary(values)
    assert summary["bands"] == {"0": 1, "0-10": 2, "10-30": 2, "30-50": 2, ">50": 2}
    assert summary["mean"] == pytest.approx(430.4 / 9) and summary["median"] == 30.0
    assert score.hter_summary([]) == {"mean": None, "median": None, "bands": {}}
