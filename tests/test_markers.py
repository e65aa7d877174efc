"""List markers: kept in the segment, left out of the memory's match, re-attached to a reused translation."""

from __future__ import annotations

import pytest

from tm.markers import latin_marker, mark, split_marker, unmark
from tm.memory import Memory, add_unit
from tm.store import Store

SENTENCE = "انتهى الاجتماع بلا نتيجة بعد ساعتين من المحادثات."
ENGLISH = "The meeting ended without result after two hours of talks."


@pytest.mark.parametrize(("text", "marker"), [
    ("_ كان الوسيط في اللقاء", "_ "), ("_اعتبر الحاج قاسم", "_"), ("• نقطة أولى", "• "), ("- بند", "- "),
    ("1) أن يكون الوجود", "1) "), ("١) أن يكون", "١) "), ("12. البند", "12. "), ("3- البند", "3- "),
    ("(2) البند", "(2) "), ("(أ) البند", "(أ) "), ("ب) البند", "ب) "), ("(a) item", "(a) "),
    ("3.5 مليون نازح", ""), ("1-2 أيار", ""), ("-5 درجات", ""), ("2015. عام", ""), ("قال الرئيس", ""),
    ("1)", ""), ("أ. د. محمد", ""), ("هـ) البند", "هـ) "), ("(هـ) البند", "(هـ) "), ("‘1’ البند", "‘1’ "),
    ("10-year-old child", ""), ("(ﻻ) نص", ""), ("(ﺓ) نص", ""), ("12 - وتلاحظ اللجنة", "12 - "), ("3 - 2 النتيجة", ""),
], ids=lambda v: v if isinstance(v, str) and len(v) < 12 else None)
def test_split_marker(text: str, marker: str) -> None:
    assert split_marker(text) == (marker, text[len(marker):])


def test_latin_markers_and_reuse() -> None:
    assert [latin_marker(m) for m in ("١) ", "(أ) ", "ب) ", "_ ", "(هـ) ")] == ["1) ", "(a) ", "b) ", "_ ", "(e) "]
    assert mark("٣) " + SENTENCE, unmark("1) " + SENTENCE, "1) " + ENGLISH)) == "3) " + ENGLISH
    assert mark(SENTENCE, unmark("1) " + SENTENCE, "1) " + ENGLISH)) == ENGLISH
    assert mark("_ " + SENTENCE, unmark(SENTENCE, ENGLISH)) == "_ " + ENGLISH
    assert mark(SENTENCE, unmark(SENTENCE, "(a) " + ENGLISH)) == "(a) " + ENGLISH  # the unit had no marker


def test_memory_matches_a_list_item_and_the_plain_sentence_alike(store: Store) -> None:
    """The reviewer's repro: a numbered item corrected once, then the sentence unnumbered, renumbered,
    bulleted; each is an exact match carrying its own marker (it was 80 %, 66.7 % and no match)."""
    with store.transaction() as conn:
        add_unit(conn, source="1) " + SENTENCE, target="1) " + ENGLISH, origin="human")
    found = Memory(store).lookup([SENTENCE, "٣) " + SENTENCE, "• " + SENTENCE, "1) " + SENTENCE])
    assert [(m.kind, m.score, m.target) for m in found if m] == [
        ("exact", 99, ENGLISH), ("exact", 99, "3) " + ENGLISH), ("exact", 99, "• " + ENGLISH),
        ("exact", 100, "1) " + ENGLISH)]
    fuzzy = Memory(store).lookup(["2) " + SENTENCE.replace("ساعتين", "ثلاث ساعات")])[0]
    assert fuzzy is not None and fuzzy.kind == "fuzzy" and fuzzy.target.startswith("2) The meeting")
    assert not fuzzy.number_warnings  # the item numbers are no figures to carry


def test_imported_list_items_are_keyed_without_their_marker(store: Store) -> None:
    from tm.formats.tmx import TMUnit
    from tm.memory import import_units

    import_units(store, [TMUnit("(ب) " + SENTENCE, "(b) " + ENGLISH, 1)], file="items.tsv", author="desk")
    (found,) = Memory(store).lookup([SENTENCE])
    assert found is not None and (found.kind, found.target) == ("exact", ENGLISH)


def test_only_the_units_own_marker_is_taken_off_its_target() -> None:
    """A target that does not repeat the marker keeps its text (10-year-old is no marker of 1))."""
    child = "1) قتل طفل في العاشرة من عمره."
    assert unmark(child, "10-year-old child killed.") == "10-year-old child killed."
    assert unmark("10- قتل طفل في العاشرة.", "10-year-old child killed.") == "10-year-old child killed."
    assert unmark(child, "1) A child of ten killed.") == "A child of ten killed."
    assert unmark("أ) انتهى الاجتماع.", "A) The meeting ended.") == "The meeting ended."
    assert mark("ب) انتهى الاجتماع.", unmark("أ) انتهى الاجتماع.", "A) The meeting ended.")) == "b) The meeting ended."
    assert unmark("_ نص", "- Text") == "Text" and unmark("1) نص", "2) Text") == "2) Text"
    # the English writes the same item in its own style (UN: "2-" for "2.", "(5)" for "5)")
    assert unmark("1- انتهى الاجتماع.", "1. The meeting ended.") == "The meeting ended."
    assert unmark("(1) انتهى الاجتماع.", "1. The meeting ended.") == "The meeting ended."
    assert unmark("أ) انتهى الاجتماع.", "(a) The meeting ended.") == "The meeting ended."
    assert mark("2- انتهى الاجتماع.", unmark("1- انتهى الاجتماع.", "1. The meeting ended.")) == "2- The meeting ended."


def test_item_letters_past_j_presentation_forms_and_spacing() -> None:
    assert [latin_marker(split_marker(t)[0]) for t in ("(ﻫ) التحضير", "ك) البند", "(ض) البند")] == [
        "(e) ", "k) ", "(z) "]
    assert mark("_اعتبر الحاج قاسم", "Hajj Qassem considered") == "_ Hajj Qassem considered"  # the sample's bullets
