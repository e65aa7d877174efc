"""The memory: exact and fuzzy lookup, scores, number carrying, all-or-nothing imports, TMX round trip."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tm import memory
from tm.carry import carry, number_values
from tm.errors import FormatError, InputError
from tm.formats.tabular import read_aligned, read_tabular
from tm.formats.tmx import TMUnit, read_tmx
from tm.memory import Memory, add_unit, import_units, iter_units, read_units
from tm.memory_export import export_memory, export_units
from tm.store import Store

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
UN = SHARED / "data" / "un_v1.0_testsets"

SOURCE = "وقال الأمين العام للأمم المتحدة إن مجلس الأمن سيجتمع يوم الإثنين لمناقشة الوضع في سوريا"
TARGET = "The UN Secretary-General said the Security Council would meet on Monday to discuss Syria"


def _add(store: Store, source: str, target: str, origin: str = "import", **kw: object) -> int | None:
    with store.transaction() as conn:
        return add_unit(conn, source=source, target=target, origin=origin, **kw)  # type: ignore[arg-type]


def _count(store: Store, table: str = "memory_units") -> int:
    return store.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_identical_source_is_an_exact_100(store: Store) -> None:
    unit = _add(store, SOURCE, TARGET)
    (match,) = Memory(store).lookup([SOURCE])
    assert match is not None
    assert (match.unit_id, match.kind, match.score, match.target, match.origin) == (
        unit,
        "exact",
        100,
        TARGET,
        "import",
    )


@pytest.mark.parametrize(
    ("stored", "query"),
    [
        ("قَالَ الأَمِينُ العَامُّ إِنَّ المَجْلِسَ سَيَجْتَمِعُ", "قال الامين العام ان المجلس سيجتمع"),
        ("أعلنت إسرائيل وآذار", "اعلنت اسرائيل واذار"),
        ("في مستشفى على الحدود", "في مستشفي علي الحدود"),
        ("الحكومة السورية الجديدة", "الحكومه السوريه الجديده"),
        ("الجلسة 7439 في ٢٠١٥", "الجلسة ٧٤٣٩ في 2015"),
        ("الأمـــم المتحدة", "الأمم  المتحدة"),
    ],
    ids=["tashkeel", "hamza-alef", "alef-maqsura", "ta-marbuta", "digit-script", "tatweel-spacing"],
)
def test_a_normalisation_only_difference_is_an_exact_99(store: Store, stored: str, query: str) -> None:
    _add(store, stored, "T")
    (match,) = Memory(store).lookup([query])
    assert match is not None and (match.kind, match.score, match.target) == ("exact", 99, "T")


def test_exact_prefers_the_identical_source_then_human_then_newest(store: Store) -> None:
    _add(store, "مجلس الأمن", "old import")
    _add(store, "مجلس الأمن", "human", origin="human")
    _add(store, "مجلس الأمن", "newer import")
    _add(store, "مَجْلِسُ الأَمْنِ", "vowelled")
    mem = Memory(store)
    assert mem.lookup(["مجلس الأمن"])[0].target == "human"  # type: ignore[union-attr]
    assert mem.lookup(["مَجْلِسُ الأَمْنِ"])[0].target == "vowelled"  # type: ignore[union-attr]
    assert [m.target for m in mem.search("مجلس الأمن", limit=3)] == ["human", "newer import", "old import"]


@pytest.mark.parametrize(
    ("query", "score"),
    [
        (SOURCE.replace("سوريا", "ليبيا"), 100 * 14 / 15),
        (SOURCE.replace("يوم الإثنين ", ""), 100 * 13 / 15),
        (SOURCE.replace("الأمين العام", "الأمين العام للأمم"), 100 * 15 / 16),
        (SOURCE + ".", 98),
    ],
    ids=["one-word-replaced", "two-words-deleted", "one-word-inserted", "punctuation-only"],
)
def test_fuzzy_scores_are_word_level(store: Store, query: str, score: float) -> None:
    _add(store, SOURCE, TARGET)
    _add(store, "نص آخر لا علاقة له بالموضوع على الإطلاق", "Unrelated")
    (match,) = Memory(store).lookup([query])
    assert match is not None and match.kind == "fuzzy" and match.target == TARGET
    assert match.score == round(score, 1)


def test_threshold(store: Store) -> None:
    _add(store, SOURCE, TARGET)
    three_changed = SOURCE.replace("سوريا", "ليبيا").replace("الإثنين", "الأحد").replace("مجلس", "اجتماع")
    mem = Memory(store)
    assert mem.lookup([three_changed], threshold=80)[0].score == 80  # type: ignore[union-attr]  # 12 of 15
    assert mem.lookup([three_changed], threshold=80.1) == [None]
    assert mem.lookup(["جملة لا علاقة لها بأي شيء في الذاكرة"]) == [None]
    assert mem.lookup([SOURCE + "."], threshold=99) == [None]  # fuzzy matches never reach 99
    assert mem.lookup(["", "   "]) == [None, None]
    # the threshold is for fuzzy matches: an exact match up to tashkeel is reused even at 100
    voweled = SOURCE.replace("مجلس", "مَجْلِس")
    assert voweled != SOURCE
    for threshold in (99, 99.5, 100):
        match = mem.lookup([voweled, SOURCE], threshold=threshold)
        assert [(m.kind, m.score) for m in match if m] == [("exact", 99), ("exact", 100)]


def test_lookup_answers_every_segment_in_order(store: Store) -> None:
    _add(store, SOURCE, TARGET)
    found = Memory(store).lookup([SOURCE, "لا شيء", SOURCE])
    assert [m.score if m else None for m in found] == [100, None, 100]


@pytest.mark.parametrize(
    ("segment", "source", "target", "expected", "numbers"),
    [
        (
            "عقد في عام 2015 اجتماع",
            "عقد في عام 2011 اجتماع",
            "A meeting was held in 2011",
            "A meeting was held in 2015",
            [("2011", "2015")],
        ),
        (
            "الجلسة 7440 المعقودة في 12 أيار/مايو ٢٠١٥.",
            "الجلسة 7439 المعقودة في 11 أيار/مايو ٢٠١٥.",
            "7439th meeting, held on 11 May 2015.",
            "7440th meeting, held on 12 May 2015.",
            [("7439", "7440"), ("11", "12")],
        ),
        (
            "قتل ١٥٠٠ شخص",
            "قتل ١٬٠٠٠ شخص",
            "1,000 people were killed",
            "1,500 people were killed",
            [("1,000", "1,500")],
        ),
        (
            "نما بنسبة ٣٫٥ في المائة",
            "نما بنسبة 2.5 في المائة",
            "grew by 2.5 per cent",
            "grew by 3.5 per cent",
            [("2.5", "3.5")],
        ),
        (
            "قتل 12 شخصا وجرح 12",
            "قتل 10 أشخاص وجرح 12",
            "10 killed and 12 wounded",
            "12 killed and 12 wounded",
            [("10", "12")],
        ),
    ],
    ids=["year", "arabic-indic-source", "grouped-thousands", "decimal", "new-value-already-there"],
)
def test_numbers_are_carried(segment: str, source: str, target: str, expected: str, numbers: list) -> None:
    result = carry(segment, source, target)
    assert (result.target, result.numbers, result.warnings) == (expected, numbers, [])


@pytest.mark.parametrize(
    ("segment", "source", "target", "warning"),
    [
        (
            "في عامي 2015 و2011",
            "في عامي 2011 و2011",
            "in 2011 and 2011",
            "2011 occurs 2 times in the memory source",
        ),
        (
            "في عام 2015",
            "في عام 2011",
            "in 2011, as in 2011",
            "2011 occurs 2 times in the memory translation",
        ),
        ("في عام 2015", "في عام 2011", "that year", "2011 does not occur in the memory translation"),
        ("قتل 5 من 10", "قتل 10", "10 killed", "The segment's number 5 has no counterpart"),
    ],
    ids=["twice-in-source", "twice-in-target", "spelled-out", "extra-number"],
)
def test_ambiguous_numbers_are_not_carried(segment: str, source: str, target: str, warning: str) -> None:
    result = carry(segment, source, target)
    assert result.target == target and result.numbers == []
    assert any(warning in w for w in result.warnings), result.warnings


def test_number_values() -> None:
    assert number_values("١٬٥٠٠ و1,500 و٣٫٥ و2,5 و1.234.567 و٢٠١١") == [
        "1500",
        "1500",
        "3.5",
        "2.5",
        "1234567",
        "2011",
    ]


def test_lookup_carries_numbers_into_fuzzy_matches(store: Store) -> None:
    _add(store, "الجلسة 7439 المعقودة في 11 أيار/مايو ٢٠١٥.", "7439th meeting, held on 11 May 2015.")
    (match,) = Memory(store).lookup(["الجلسة 7439 المعقودة في 11 أيار/مايو ٢٠١٦."])
    assert match is not None and match.kind == "fuzzy"
    assert match.target == "7439th meeting, held on 11 May 2016." and match.numbers == [("2015", "2016")]
    assert match.as_json()["numbers"] == [["2015", "2016"]]
    (stored,) = Memory(store).search("الجلسة 7439 المعقودة في 11 أيار/مايو ٢٠١٦.")
    assert stored.target == "7439th meeting, held on 11 May 2015."  # search shows the memory as it is


def test_a_blank_query_matches_nothing(store: Store) -> None:
    _add(store, "", "a unit with an empty source, imported before empty sides were refused")
    _add(store, SOURCE, TARGET)
    assert Memory(store).search("") == [] and Memory(store).search(" \n", min_score=0) == []


def test_add_unit_keeps_provenance_and_skips_duplicates(store: Store) -> None:
    unit = _add(store, SOURCE, TARGET, origin="human", author="alice", note="checked", props={"x": "1"})
    assert unit is not None
    assert _add(store, SOURCE, TARGET, origin="import") is None
    assert _add(store, SOURCE, TARGET + "!", origin="import") is not None
    row = store.db.execute(
        "SELECT origin, author, note, props FROM memory_units WHERE id = ?", [unit]
    ).fetchone()
    assert row == ("human", "alice", "checked", '{"x": "1"}')
    with pytest.raises(ValueError, match="origin"):
        _add(store, SOURCE, TARGET, origin="mt")


def test_add_unit_is_part_of_the_callers_transaction(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction() as conn:
        add_unit(conn, source=SOURCE, target=TARGET, origin="human")
        raise RuntimeError("the correction failed")
    assert _count(store) == 0 and _count(store, "memory_postings") == 0
    assert Memory(store).lookup([SOURCE.replace("سوريا", "ليبيا")]) == [None]


def _units(n: int, start: int = 0) -> list[TMUnit]:
    return [TMUnit(f"{SOURCE} رقم {i}", f"{TARGET} number {i}", i) for i in range(start, start + n)]


def test_import_counts_duplicates_and_reports_progress(store: Store) -> None:
    calls: list[int] = []
    first = import_units(store, _units(100), file="a.tsv", author="bob", progress=calls.append)
    assert (first.added, first.duplicates, sum(calls)) == (100, 0, 100)
    again = import_units(store, _units(50, 80) + _units(50, 80), file="b.tsv", author="bob")
    assert (again.added, again.duplicates) == (30, 70)
    assert _count(store) == 130
    (match,) = Memory(store).lookup([f"{SOURCE} رقم 125"])
    assert match is not None and match.target == f"{TARGET} number 125"
    assert memory.stats(store).as_json() == {"units": 130, "by_origin": {"import": 130}, "files": 2}


def test_a_broken_file_leaves_the_memory_unchanged(store: Store, tmp_path: Path) -> None:
    import_units(store, _units(10), file="ok", author="t")
    before = (_count(store), _count(store, "memory_postings"))
    path = tmp_path / "broken.tsv"
    lines = [f"{u.source}\t{u.target}" for u in _units(9000, 10)]
    lines[8500] = "only one column"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(FormatError, match="line 8501"):
        import_units(store, read_tabular(path), file=str(path), author="t")
    assert (_count(store), _count(store, "memory_postings")) == before
    assert Memory(store).lookup([f"{SOURCE} رقم 500"])[0].score < 99  # type: ignore[union-attr]


def test_export_reimports_to_the_same_pairs(store: Store, tmp_path: Path) -> None:
    tricky = [
        ("  نصٌّ بمسافات  ", "  spaced  "),
        ("\u200fعلامة اتجاه\u200f", "a & b < c > d \"quoted\" 'single'"),
        ("سطر أول\nسطر ثانٍ", "line one\nline two"),
        ("ﷺ ﻻ ٢٠١١", "ligatures"),
        ("tab\tinside", "emoji 😀"),
    ]
    import_units(store, [TMUnit(s, t, i, note="n" if i else None, props={"tuid": str(i)}) for i, (s, t) in
                         enumerate(tricky)], file="x", author="carol")  # fmt: skip
    _add(store, SOURCE, TARGET, origin="human", author="dave")
    path = tmp_path / "out.tmx"
    assert export_units(store, path) == 6
    with Store.open(tmp_path / "copy.db") as copy:
        result = import_units(copy, read_units(path), file=str(path), author="e")
        assert result.added == 6
        pairs = {(u.source, u.target) for u in iter_units(copy)}
        units = list(iter_units(copy))
    assert pairs == {*tricky, (SOURCE, TARGET)}
    assert units[1].props["tuid"] == "1" and units[1].note == "n"
    assert units[5].props["creationid"] == "dave" and units[5].props["x-tm-origin"] == "human"


PROVENANCE = [
    ({"x-tm-origin": "human", "creationid": "dave", "creationdate": "20240131T120000Z"},
     ("human", "dave", "2024-01-31T12:00:00+00:00")),
    ({"x-tm-origin": "import", "creationid": "carol"}, ("import", "carol", None)),
    ({"creationid": "JSMITH", "creationdate": "20190305T081500Z"}, ("import", "JSMITH", "2019-03-05T08:15:00+00:00")),
    ({"creationdate": "2021-06-01T10:00:00+03:00"}, ("import", "importer", "2021-06-01T07:00:00+00:00")),
    ({"creationdate": "2021-06-01T10:00:00"}, ("import", "importer", "2021-06-01T10:00:00+00:00")),
    ({"x-tm-origin": "mt", "creationid": " ", "creationdate": "yesterday"}, ("import", "importer", None)),
    ({"x-tm-origin": ["human", "human"]}, ("import", "importer", None)),
    ({}, ("import", "importer", None)),
]  # fmt: skip


@pytest.mark.parametrize(("props", "expected"), PROVENANCE, ids=[
    "tm-human", "tm-import", "foreign-tmx", "iso-date-with-zone", "naive-date-is-utc", "unusable", "repeated-prop",
    "none"])  # fmt: skip
def test_import_keeps_the_units_own_origin_author_and_date(store: Store, props: dict, expected: tuple) -> None:
    result = import_units(store, [TMUnit(SOURCE, TARGET, 1, props=props)], file="f.tmx", author="importer")
    assert result.added == 1
    origin, author, created, stored = store.db.execute(
        "SELECT origin, author, created, props FROM memory_units"
    ).fetchone()
    assert (origin, author) == expected[:2]
    if expected[2] is None:  # the time of the import
        assert abs(datetime.fromisoformat(created) - datetime.now(UTC)) < timedelta(minutes=1)
    else:
        assert created == expected[2]
    assert (json.loads(stored) if stored else {}) == props  # kept as read, so an export writes them back


def test_a_restored_backup_ranks_exact_matches_as_the_memory_did(store: Store, tmp_path: Path) -> None:
    _add(store, SOURCE, TARGET, origin="human", author="dave")
    import_units(store, [TMUnit(SOURCE, TARGET + " (imported)", 1)], file="later.tsv", author="bob")
    (before,) = Memory(store).lookup([SOURCE])
    assert before is not None and (before.target, before.origin) == (TARGET, "human")
    path = tmp_path / "backup.tmx"
    export_units(store, path)
    with Store.open(tmp_path / "restored.db") as restored:
        import_units(restored, read_units(path), file=str(path), author="restorer")
        (after,) = Memory(restored).lookup([SOURCE])
        rows = restored.db.execute("SELECT origin, author, created FROM memory_units ORDER BY id").fetchall()
        original = store.db.execute("SELECT origin, author, created FROM memory_units ORDER BY id").fetchall()
    assert after is not None and (after.target, after.origin) == (TARGET, "human")
    assert rows == original


def test_units_without_text_on_both_sides_are_skipped_and_counted(store: Store) -> None:
    units = [TMUnit(SOURCE, TARGET, 1), TMUnit("", "english only", 2), TMUnit("نص", " \u200b", 3),
             TMUnit(SOURCE, TARGET, 4), TMUnit("\ufeff", "", 5)]  # fmt: skip
    calls: list[int] = []
    result = import_units(store, units, file="m.tmx", author="t", progress=calls.append)
    assert (result.added, result.duplicates, result.skipped_incomplete, sum(calls)) == (1, 1, 3, 5)
    assert _count(store) == 1


_STORED = [
    (SOURCE, TARGET),
    ("مجلس\x0bالأمن", "Security\x0bCouncil"),  # stored before imports refused it, e.g. by `tm correct`
    ("سطر أول\nسطر ثانٍ", "line one\nline two"),
    ("قال \"نعم\"", 'said "yes", then\tleft'),
]


@pytest.mark.parametrize(("name", "fmt", "skipped"), [
    ("out.tmx", "tmx", {2: "the source text contains the character U+000B, which XML 1.0 cannot hold"}),
    ("out.tsv", "tsv", {2: "the Arabic side contains the character U+000B", 3: "the Arabic side holds a line break"}),
    ("out.csv", "csv", {2: "the Arabic side contains the character U+000B"}),
    ("out.txt", "tsv", {2: "the Arabic side contains", 3: "the Arabic side holds a line break"}),
], ids=["tmx", "tsv", "csv", "txt-is-tsv"])  # fmt: skip
def test_export_leaves_out_and_lists_what_the_format_cannot_hold(store: Store, tmp_path: Path, name: str, fmt: str,
                                                                  skipped: dict[int, str]) -> None:  # fmt: skip
    for source, target in _STORED:
        _add(store, source, target, origin="human", author="alice")
    path = tmp_path / name
    result = export_memory(store, path)
    assert (result.file, result.format, result.exported) == (str(path), fmt, len(_STORED) - len(skipped))
    assert {u.unit_id: u.reason[: len(skipped[u.unit_id])] for u in result.skipped} == skipped
    assert result.as_json()["skipped"] == len(skipped) and result.as_json()["skipped_units"][0]["unit_id"] == 2
    with Store.open(tmp_path / "copy.db") as copy:
        units = read_tmx(path) if fmt == "tmx" else read_tabular(path)
        assert import_units(copy, units, file=str(path), author="e").added == result.exported
        pairs = [(u.source, u.target) for u in iter_units(copy)]
    assert pairs == [p for i, p in enumerate(_STORED, start=1) if i not in skipped]


def test_export_refuses_an_unknown_format(store: Store, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="fmt must be one of tmx, tsv, csv"):
        export_memory(store, tmp_path / "x.tmx", fmt="xlsx")


@pytest.mark.parametrize("name", ["backup.xml", "backup.xlsx", "backup"])
def test_export_refuses_a_name_import_would_not_read(store: Store, tmp_path: Path, name: str) -> None:
    """The reviewer's repro: `memory export backup.xml` wrote TMX that `memory import backup.xml` refused."""
    _add(store, "قال", "said", origin="human", author="alice")
    with pytest.raises(InputError, match="name it .tmx, .tsv or .csv, or pass --format"):
        export_memory(store, tmp_path / name)
    assert not (tmp_path / name).exists()
    assert export_memory(store, tmp_path / name, fmt="tmx").exported == 1


def test_read_units_refuses_an_unknown_extension(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="Cannot tell the format"):
        read_units(tmp_path / "memory.docx")


def _un(n: int) -> tuple[Path, Path]:
    if not UN.is_dir():
        pytest.skip("../shared/data is not here")
    return UN / "UNv1.0.testset.ar", UN / "UNv1.0.testset.en"


def test_un_test_set_answers_edited_queries_with_the_right_unit(store: Store, tmp_path: Path) -> None:
    ar, en = _un(500)
    cut = []
    for path in (ar, en):
        part = tmp_path / path.name
        part.write_text(
            "".join(path.read_text(encoding="utf-8").splitlines(keepends=True)[:500]), encoding="utf-8"
        )
        cut.append(part)
    result = import_units(store, read_aligned(*cut), file="un", author="t")
    assert result.added + result.duplicates == 500
    rows = store.db.execute("SELECT id, source, target FROM memory_units").fetchall()
    rng = random.Random(7)
    mem = Memory(store)
    checked = 0
    for unit_id, source in rng.sample([r[:2] for r in rows], 60):
        words = source.split()
        if len(words) < 10:
            continue
        i = rng.randrange(len(words))
        words[i] = "والمفاوضات" if words[i] != "والمفاوضات" else "الاتفاق"
        (match,) = mem.lookup([" ".join(words)])
        assert match is not None and match.kind == "fuzzy", source
        assert match.source == source and match.unit_id == unit_id
        checked += 1
    assert checked >= 20


# -- export at scale: each unit checked once, no TMX properties for a table ---------------------


def _old_export(store: Store, path: Path, fmt: str) -> tuple[int, list[tuple[int, str]]]:
    """export_memory as it was (tm 861d50c): TMX units with their properties for every format, each
    unit checked by the export and then again by write_tabular / write_tmx."""
    from tm.formats import tabular, tmx
    from tm.memory import iter_units_with_ids

    skipped: list[tuple[int, str]] = []

    def writable():  # type: ignore[no-untyped-def]
        for unit_id, unit in iter_units_with_ids(store):
            problem = tmx.unit_problem(unit) if fmt == "tmx" else tabular.unit_problem(unit.source, unit.target, fmt)
            if problem:
                skipped.append((unit_id, problem))
            else:
                yield unit

    count = tmx.write_tmx(writable(), path) if fmt == "tmx" else tabular.write_tabular(writable(), path, kind=fmt)
    return count, skipped


def _awkward_memory(store: Store) -> None:
    """Units of several imports and dates, human ones with authors, props, and units each format refuses."""
    rows = [
        ("قال الرئيس", "The president said", "import", None, None, "2024-01-31T12:00:00+00:00"),
        ('قال "نعم"', 'he said "yes"', "human", "alice", {"x-source": "desk"}, "2024-01-31T12:00:00+00:00"),
        ("سطر\nثان", "line\nbreak", "import", None, None, "2024-02-01T08:30:00+00:00"),  # not in a TSV
        ("علامة\x0bتحكم", "control", "import", None, None, "2024-02-01T08:30:00+00:00"),  # nowhere
        ("tab\tقال", "a, b; c", "human", "bob", None, "2024-01-31T12:00:00+00:00"),
        ("English only", "عربي", "import", None, None, "2024-03-01T00:00:00+00:00"),  # swapped
        ("ﷺ ﻻ ٢٠١١", "naive date", "import", None, None, "2024-03-01T00:00:00"),
    ]
    with store.transaction() as conn:
        for source, target, origin, author, props, created in rows:
            unit_id = add_unit(conn, source=source, target=target, origin=origin, author=author, props=props)
            conn.execute("UPDATE memory_units SET created = ? WHERE id = ?", (created, unit_id))


@pytest.mark.parametrize("fmt", ["tsv", "csv", "tmx"])
def test_export_writes_what_the_old_export_wrote(store: Store, tmp_path: Path, fmt: str) -> None:
    _awkward_memory(store)
    old_count, old_skipped = _old_export(store, tmp_path / f"old.{fmt}", fmt)
    result = export_memory(store, tmp_path / f"new.{fmt}")
    assert (result.exported, [(u.unit_id, u.reason) for u in result.skipped]) == (old_count, old_skipped)
    assert result.skipped and result.exported >= 4
    old, new = ((tmp_path / f"{w}.{fmt}").read_bytes() for w in ("old", "new"))
    if fmt == "tmx":  # the header's creationdate is the time of writing
        old, new = (b"\n".join(x.split(b"\n")[3:]) for x in (old, new))
        assert new.count(b"creationdate=") == result.exported
    assert new == old


@pytest.mark.parametrize("fmt", ["tsv", "csv"])
def test_a_table_export_checks_each_unit_once_and_builds_no_tmx_unit(store: Store, tmp_path: Path, fmt: str,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from tm import memory_export
    from tm.formats import tabular

    _awkward_memory(store)
    checked: list[str] = []
    real = tabular.unit_problem

    def counted(source: str, target: str, kind: str) -> str | None:
        checked.append(source)
        return real(source, target, kind)

    def no_tmx_units(store: Store):  # type: ignore[no-untyped-def]
        raise AssertionError("a TSV or CSV export needs no TMX units")

    monkeypatch.setattr(tabular, "unit_problem", counted)
    monkeypatch.setattr(memory_export, "iter_units_with_ids", no_tmx_units)
    result = export_memory(store, tmp_path / f"out.{fmt}")
    assert len(checked) == _count(store) == result.exported + len(result.skipped)


@pytest.mark.parametrize("fmt", ["tsv", "csv", "tmx"])
def test_export_of_real_un_pairs_writes_what_the_old_export_wrote(store: Store, tmp_path: Path, fmt: str) -> None:
    ar, en = _un(0)
    pairs = list(zip(ar.read_text(encoding="utf-8").splitlines(), en.read_text(encoding="utf-8").splitlines(),
                     strict=True))[:1500]
    with store.transaction() as conn:
        for i, (source, target) in enumerate(pairs):
            if source.strip() and target.strip():
                add_unit(conn, source=source, target=target, origin="human" if i % 7 == 0 else "import",
                         author="desk" if i % 3 == 0 else None, props={"x-line": str(i)} if i % 5 == 0 else None)
    old_count, old_skipped = _old_export(store, tmp_path / f"old.{fmt}", fmt)
    result = export_memory(store, tmp_path / f"new.{fmt}")
    assert result.exported == old_count > 1400 and [(u.unit_id, u.reason) for u in result.skipped] == old_skipped
    old, new = ((tmp_path / f"{w}.{fmt}").read_bytes() for w in ("old", "new"))
    if fmt == "tmx":
        old, new = (b"\n".join(x.split(b"\n")[3:]) for x in (old, new))
    assert new == old


# -- tm memory stats: one scan ------------------------------------------------------------------


def _old_stats(store: Store) -> memory.MemoryStats:
    """memory.stats as it was (tm 861d50c): two full scans."""
    by_origin = dict(store.db.execute("SELECT origin, count(*) FROM memory_units GROUP BY origin ORDER BY origin"))
    (files,) = store.db.execute("SELECT count(DISTINCT file) FROM memory_units").fetchone()
    return memory.MemoryStats(units=sum(by_origin.values()), by_origin=by_origin, files=files)


@pytest.mark.parametrize("rows", [
    [],
    [("human", None)],
    [("import", "a.tmx"), ("import", "a.tmx"), ("human", None), ("human", "a.tmx"), ("import", "b.tsv"),
     ("import", None), ("human", "ﺏ.tsv"), ("import", "B.tsv"), ("import", "")],
], ids=["empty", "one human unit", "files shared across origins, none, empty, case"])
def test_stats_are_the_two_scans_figures_in_one_scan(store: Store, rows: list[tuple[str, str | None]]) -> None:
    with store.transaction() as conn:
        for i, (origin, file) in enumerate(rows):
            add_unit(conn, source=f"قال {i}", target=f"said {i}", origin=origin, file=file)
    statements: list[str] = []
    store.db.conn.set_trace_callback(statements.append)
    try:
        got = memory.stats(store)
    finally:
        store.db.conn.set_trace_callback(None)
    assert got == _old_stats(store)
    assert list(got.by_origin) == sorted(got.by_origin) and got.units == len(rows)
    assert len([s for s in statements if "memory_units" in s]) == 1


def test_a_tmx_export_checks_each_unit_once(store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tm.formats import tmx

    _awkward_memory(store)
    checked: list[str] = []
    real = tmx.unit_problem

    def counted(unit: tmx.TMUnit) -> str | None:
        checked.append(unit.source)
        return real(unit)

    monkeypatch.setattr(tmx, "unit_problem", counted)
    result = export_memory(store, tmp_path / "out.tmx")
    assert len(checked) == _count(store) == result.exported + len(result.skipped)
