"""Numbers carried from a new segment into a memory translation, and what the reviser is told."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from tm.carry import carry
from tm.formats.tmx import TMUnit
from tm.formats.xliff import XLIFF_NS, write_xliff
from tm.memory import import_units
from tm.store import Store
from tm.translate import translate_document
from tm.workflow import SourceText

CONVOY = "في الهجوم الذي استهدف القافلة شمال المدينة."


@pytest.mark.parametrize(("segment", "source", "target", "expected"), [
    (f"قتل 30 جندياً وأصيب 12 مدنياً {CONVOY}", f"قتل 12 جندياً وأصيب 30 مدنياً {CONVOY}",
     "12 soldiers were killed and 30 civilians wounded.", "30 soldiers were killed and 12 civilians wounded."),
    ("بلغ 4.2 في ألمانيا و29.2 في إيطاليا", "بلغ 29.2 في ألمانيا و4.2 في إيطاليا",
     "29.2 in Germany and 4.2 in Italy", "4.2 in Germany and 29.2 in Italy"),
], ids=["casualties-swapped", "rates-swapped"])  # fmt: skip
def test_the_same_numbers_in_another_order_are_carried(segment: str, source: str, target: str, expected: str):
    result = carry(segment, source, target)
    assert (result.target, result.warnings) == (expected, [])
    assert len(result.numbers) == 2


BAGHDAD = "في هجوم انتحاري استهدف سوقا شعبيا مزدحما في وسط العاصمة العراقية بغداد صباح يوم الجمعة"


@pytest.mark.parametrize(("segment", "source", "target", "expected", "numbers"), [
    (f"عام 2020 قتل 12 شخصا وأصيب العشرات {BAGHDAD}", f"قتل 12 شخصا وأصيب العشرات {BAGHDAD} عام 2019",
     "12 people were killed in a suicide attack in Baghdad in 2019", "12 people were killed in a suicide attack in "
     "Baghdad in 2020", [("2019", "2020")]),
    (f"في عام 2019 قتل 12 شخصا {BAGHDAD}", f"قتل 12 شخصا {BAGHDAD} في عام 2019",
     "12 people were killed in Baghdad in 2019", "12 people were killed in Baghdad in 2019", []),
], ids=["year-moved-and-changed", "numbers-moved"])  # fmt: skip
def test_numbers_that_moved_are_paired_by_their_words(segment: str, source: str, target: str, expected: str,
                                                      numbers: list[tuple[str, str]]):  # fmt: skip
    """The reviewer's regression: pairing by position made this "2020 people were killed ... in 12"."""
    result = carry(segment, source, target)
    assert (result.target, result.numbers, result.warnings) == (expected, numbers, [])


@pytest.mark.parametrize(("segment", "source", "target"), [
    ("اعتقل 5 في حلب و 8 في حمص" + BAGHDAD, "اعتقل 8 في حمص و 5 في حلب" + BAGHDAD,
     "8 were arrested in Homs and 5 in Aleppo"),
    ("ارتفع معدل البطالة من 7 إلى 5 بالمئة", "ارتفع معدل البطالة من 5 إلى 7 بالمئة",
     "Unemployment rose from 5 to 7 percent"),
    ("فاز الهلال على النصر 1 - 3", "فاز الهلال على النصر 3 - 1", "Al-Hilal beat Al-Nassr 3-1"),
    # 10's words match one word of each memory number's: a tie is no pairing, even though 20's are unique
    ("قتل الجيش 20 مسلحا في حمص واعتقلت الشرطة 10 مسلحا في حلب",
     "اعتقلت الشرطة 10 أشخاص في حلب وقتل الجيش 20 مسلحا في حمص",
     "Police arrested 10 people in Aleppo and the army killed 20 gunmen in Homs"),
], ids=["clauses-swapped", "from-to-swapped", "score-reversed", "one-number-ties-two"])  # fmt: skip
def test_the_same_numbers_reordered_without_telling_context_are_left_with_a_warning(segment: str, source: str,
                                                                                  target: str):  # fmt: skip
    """Context cannot tell which is which: nothing is guessed, and the reviser is told to check."""
    result = carry(segment, source, target)
    assert (result.target, result.numbers) == (target, [])
    assert len(result.warnings) == 1 and "in another order" in result.warnings[0]


def test_the_same_numbers_in_the_same_order_leave_the_target_alone():
    result = carry("قتل 12 وأصيب 30", "قتل 12 وأصيب 30", "12 killed, 30 hurt")
    assert (result.target, result.numbers, result.warnings) == ("12 killed, 30 hurt", [], [])


def test_carried_numbers_and_warnings_reach_the_xliff_note(store: Store, tmp_path: Path):
    import_units(store, [
        TMUnit(f"قتل 12 جندياً وأصيب 30 مدنياً {CONVOY}", "12 soldiers were killed and 30 civilians wounded.", 1),
        TMUnit(f"قتل 5 جنود {CONVOY}", "5 soldiers were killed in the attack on the convoy.", 2),
    ], file="desk.tsv", author="desk")  # fmt: skip
    text = f"قتل 30 جندياً وأصيب 12 مدنياً {CONVOY}\n\nقتل 5 جنود و7 مدنيين {CONVOY}\n"
    result = translate_document(store, SourceText(text, "convoy", None, "0" * 64), engine=None, terms=[])
    assert [r.origin for r in result.segments] == ["tm-fuzzy", "tm-fuzzy"]
    path = tmp_path / "c.xlf"
    write_xliff("convoy", store.segments(store.document("convoy")), path)
    notes = [n.text for n in etree.parse(str(path)).iter(f"{{{XLIFF_NS}}}note")]
    assert "numbers carried: 12 → 30, 30 → 12" in notes[0]
    assert "check: The segment's number 7 has no counterpart in the memory." in notes[1]
