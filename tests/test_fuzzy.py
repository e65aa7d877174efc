"""Keys, words and the fuzzy index: the same answers as normalize() and as scoring every unit."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tm import fuzzy
from tm.formats.tmx import TMUnit
from tm.keys import batch_keys, batch_words, key, words
from tm.memory import add_unit, import_units, unit_key
from tm.normalize import normalize
from tm.store import Store

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
UN = SHARED / "data" / "un_v1.0_testsets"

# characters that exercise every rule of normalize(): tashkeel, hamza forms, combining hamza,
# ligatures that unfold into several letters, digits, spaces of all kinds, case, astral planes
_ALPHABET = st.sampled_from(
    list("abcXYZ .,،؛؟-_") + [chr(c) for c in range(0x0610, 0x0700)] + [chr(c) for c in range(0x08D3, 0x0900)]
    + list("\u00a0\u2003\u200f\u200c\t\n\ufeff\ufdfa\ufefb\ufe76\u00a8\u00df\u0130") + ["😀", "𠀀", "\x00"]
)  # fmt: skip
_TEXT = st.text(_ALPHABET, max_size=40)


def _un_lines(n: int) -> list[str]:
    if not UN.is_dir():
        pytest.skip("../shared/data is not here")
    return (UN / "UNv1.0.devset.ar").read_text(encoding="utf-8").splitlines()[:n]


@given(_TEXT)
@settings(max_examples=300, deadline=None)
def test_key_is_normalize(text: str) -> None:
    assert key(text) == normalize(text)


@given(st.lists(_TEXT, min_size=64, max_size=80))
@settings(max_examples=30, deadline=None)
def test_batch_keys_and_words_agree_with_one_at_a_time(texts: list[str]) -> None:
    assert batch_keys(texts) == [normalize(t) for t in texts]
    keys = [normalize(t) for t in texts]
    batch = batch_words(keys)
    assert [batch.word(i) for i in range(len(batch.starts))] == [w for k in keys for w in words(k)]
    assert batch.counts.tolist() == [len(words(k)) for k in keys]
    seen: dict[int, str] = {}
    for i, h in enumerate(batch.hashes.tolist()):
        assert seen.setdefault(h, batch.word(i)) == batch.word(i)


def test_keys_of_real_text_are_normalize() -> None:
    lines = _un_lines(2000)
    assert batch_keys(lines) == [normalize(x) for x in lines]
    assert [key(x) for x in lines[:300]] == [normalize(x) for x in lines[:300]]


@pytest.mark.parametrize(
    ("key_text", "expected"),
    [
        ("قال الأمين العام، إن ٢٠١١", ["قال", "الأمين", "العام", "إن", "٢٠١١"]),
        ('"مجلس الأمن" (2015)...', ["مجلس", "الأمن", "2015"]),
        ("s/2015/305 a_b", ["s", "2015", "305", "a", "b"]),
        ("؟ ، .", []),
    ],
    ids=["arabic", "quotes-brackets", "symbols-underscore", "punctuation-only"],
)
def test_words(key_text: str, expected: list[str]) -> None:
    assert words(key_text) == expected


@pytest.mark.parametrize(
    ("a", "b", "score"),
    [
        ("a b c d e f g h i j", "a b c d e f g h i j", 100),
        ("a b c d e f g h i j", "a b c d e f g h i x", 90),
        ("a b c d e f g h i j", "a b c d e f g h", 80),
        ("a b c d", "w x y z", 0),
    ],
    ids=["same", "one-of-ten", "two-missing", "nothing-shared"],
)
def test_similarity(a: str, b: str, score: float) -> None:
    assert fuzzy.similarity(a.split(), b.split()) == pytest.approx(score)


def _brute(store: Store, query: list[str], units: list[list[str]] | None = None) -> float:
    if units is None:
        units = [words(k) for (k,) in store.db.execute("SELECT key FROM memory_units")]
    return max(fuzzy.similarity(query, u) for u in units)


def _queries(sources: list[str], rng: random.Random, n: int) -> list[list[str]]:
    vocabulary = [w for s in sources[:500] for w in words(key(s))]
    out = []
    for s in rng.sample(sources, n):
        ws = words(key(s))
        for _ in range(rng.randint(0, 4)):
            i = rng.randrange(len(ws) + 1)
            op = rng.random()
            if op < 0.5 and i < len(ws):
                ws[i] = rng.choice(vocabulary)
            elif op < 0.75 and i < len(ws) and len(ws) > 2:
                del ws[i]
            else:
                ws.insert(i, rng.choice(vocabulary))
        out.append(ws)
    return out


@pytest.fixture(scope="module")
def un_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    lines = _un_lines(3000)
    store = Store.open(tmp_path_factory.mktemp("un") / "un.db")
    import_units(store, (TMUnit(s, f"en {i}", i) for i, s in enumerate(lines)), file="un", author="t")
    yield store
    store.close()


@pytest.mark.parametrize("threshold", [75, 50], ids=["t75", "t50"])
def test_search_finds_the_best_score_of_a_full_scan(un_store: Store, threshold: float) -> None:
    lines = _un_lines(3000)
    misses = 0
    queries = _queries(lines, random.Random(threshold), 40)
    units = [words(k) for (k,) in un_store.db.execute("SELECT key FROM memory_units")]
    for q in queries:
        best = _brute(un_store, q, units)
        found = fuzzy.search(un_store.db.conn, q, threshold=threshold)
        if best >= threshold:
            misses += not found or found[0][0] != pytest.approx(best)
        else:
            misses += bool(found)
    assert misses == 0


def test_search_returns_the_limit_best_in_order(un_store: Store) -> None:
    q = words(unit_key(_un_lines(10)[3]))  # the memory keys a numbered paragraph without "10- "
    found = fuzzy.search(un_store.db.conn, q, threshold=10, limit=5)
    scores = [s for s, _, _ in found]
    keys = [k for (k,) in un_store.db.execute("SELECT key FROM memory_units")]
    every = sorted((fuzzy.similarity(q, words(k)) for k in keys), reverse=True)
    assert len(found) == 5 and scores[0] == 100
    assert scores == pytest.approx(every[:5])
    assert fuzzy.search(un_store.db.conn, q, threshold=20, limit=5) == found[:1]  # the others score 13.3


def test_search_returns_no_more_than_limit_and_ties_go_to_the_newer_unit(tmp_path: Path) -> None:
    """Six units pass the threshold; limit=2 gives the exact match, then the newest of the five that tie."""
    sources = ["مجلس الأمن الدولي اليوم", *(f"مجلس الأمن الدولي {w}" for w in ("أمس", "غدا", "الآن", "هنا", "هناك"))]
    with Store.open(tmp_path / "s.db") as store:
        with store.transaction() as conn:
            ids = [add_unit(conn, source=s, target="x", origin="import") for s in sources]
        q = words(key(sources[0]))
        found = fuzzy.search(store.db.conn, q, threshold=50, limit=2)
        assert [(s, u) for s, u, _ in found] == [(100.0, ids[0]), (75.0, ids[-1])]  # 3 of 4 words: 75
        assert len(fuzzy.search(store.db.conn, q, threshold=50, limit=6)) == 6
        assert fuzzy.search(store.db.conn, q, threshold=50, limit=0) == []


def test_a_commoner_word_read_for_many_candidates_finds_the_match(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the postings budget, the commonest word is read for the 300 candidates left: every one of them is
    newer than all the units holding that word, and the match ("alpha delta") is older than them all."""
    monkeypatch.setattr(fuzzy, "POSTINGS_BUDGET", 100)
    with Store.open(tmp_path / "s.db") as store:
        with store.transaction() as conn:
            match = add_unit(conn, source="alpha delta", target="x", origin="import")
            for i in range(400):
                add_unit(conn, source=f"delta a{i} b{i}", target="x", origin="import")
            for i in range(300):  # share one word with the query: 25
                add_unit(conn, source=f"alpha x{i} y{i} z{i}", target="x", origin="import")
            for source in ("beta q", "gamma r"):
                add_unit(conn, source=source, target="x", origin="import")
        q = words(key("alpha beta gamma delta"))
        assert _brute(store, q) == 50
        assert fuzzy.search(store.db.conn, q, threshold=50) == [(50.0, match, "alpha delta")]
        assert fuzzy.search(store.db.conn, q, threshold=51) == []


def test_index_follows_added_units_and_compaction(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fuzzy, "MAX_CHUNKS", 3)
    lines = _un_lines(400)
    store = Store.open(tmp_path / "m.db")
    import_units(store, (TMUnit(s, "en", i) for i, s in enumerate(lines[:200])), file="f", author="t")
    with store.transaction() as conn:
        for s in lines[200:]:
            add_unit(conn, source=s, target="en", origin="human")
    (most,) = store.db.execute(
        "SELECT max(c) FROM (SELECT count(*) c FROM memory_postings GROUP BY token)"
    ).fetchone()
    assert most <= 3 + 1
    for q in _queries(lines[200:], random.Random(1), 20):
        best = _brute(store, q)
        found = fuzzy.search(store.db.conn, q, threshold=60)
        assert (found[0][0] if found else None) == (pytest.approx(best) if best >= 60 else None)
    incremental = _postings(store)
    with store.transaction() as conn:
        assert fuzzy.rebuild(conn) == 400
    assert _postings(store) == incremental
    store.close()


def _postings(store: Store) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for token, blob in store.db.execute("SELECT token, ids FROM memory_postings ORDER BY token, start"):
        out.setdefault(token, []).extend(np.frombuffer(blob, dtype="<i8").tolist())
    return out


@pytest.mark.parametrize(
    ("query", "threshold", "found"),
    [
        ("مجلس", 75, True),
        ("مجلس الأمن", 75, True),
        ("مجلس الأمن الدولي اليوم", 75, True),
        ("مجلس الأمن الدولي اليوم في نيويورك", 75, False),
        ("كلمة", 75, False),
    ],
    ids=["one-word", "two-words", "one-more", "three-more", "unknown-word"],
)
def test_short_segments(tmp_path: Path, query: str, threshold: float, found: bool) -> None:
    with Store.open(tmp_path / "s.db") as store:
        with store.transaction() as conn:
            for source in ["مجلس", "مجلس الأمن", "مجلس الأمن الدولي", "الأمن"]:
                add_unit(conn, source=source, target="x", origin="import")
        hits = fuzzy.search(store.db.conn, words(key(query)), threshold=threshold)
        assert bool(hits) == found
        if hits:
            assert hits[0][0] == pytest.approx(_brute(store, words(key(query))))


def test_an_import_indexes_the_same_whatever_its_block_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = _un_lines(300)
    indexes = []
    import tm.memory

    monkeypatch.setattr(tm.memory, "BATCH", 20)  # units handed to the indexer at a time
    monkeypatch.setattr(fuzzy, "MAX_CHUNKS", 3)
    for block in (fuzzy.BLOCK, 40):  # one block, then eight (and compaction of words in more than 3 chunks)
        monkeypatch.setattr(fuzzy, "BLOCK", block)
        store = Store.open(tmp_path / f"b{block}.db")
        import_units(store, (TMUnit(s, "en", i) for i, s in enumerate(lines)), file="f", author="t")
        (chunks,) = store.db.execute("SELECT max(c) FROM (SELECT count(*) c FROM memory_postings GROUP BY token)"
                                     ).fetchone()  # fmt: skip
        indexes.append((_postings(store), chunks))
        store.close()
    assert indexes[0][0] == indexes[1][0] and len(indexes[0][0]) > 500
    assert indexes[0][1] == 1 and 1 < indexes[1][1] <= 3
