"""QA numbers, glossary checks and file scores on cases a review found in FLORES, NTREX and the UN test set."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tm import qa
from tm.cli import cli
from tm.errors import InputError
from tm.filescore import read_lines, score_files
from tm.termcheck import check
from tm.terms import Term


def shipped_terms() -> list[Term]:
    terms, note = qa.load_qa_terms(None, None)
    if not terms:
        pytest.skip(note or "no shipped glossary")
    return terms


# -- numbers ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("قال إن ١٩ شخصا أصيبوا.", "He said nineteen people were injured."),  # FLORES devtest 35
        ("قتل 16 جنديا.", "Sixteen soldiers were killed."),  # FLORES devtest 904
        ("وصل 13 وفدا.", "Thirteen delegations arrived."),
        ("حضر القمة 14 رئيس دولة.", "Fourteen heads of state attended the summit."),
        ("قتل 15 شخصا.", "Fifteen people were killed."),
        ("قال إن 17 جنديا قتلوا.", "He said seventeen soldiers were killed."),
        ("أصيب 18 شخصا.", "Eighteen people were injured."),
        ("في الذكرى الثالثة عشرة", "On the 13th anniversary"),
        ("في الدورة 13", "At the thirteenth session"),
        ("في الذكرى الحادية والعشرين للثورة.", "On the 21st anniversary of the revolution."),
        ("الساعة 5:30 مساء.", "At 5.30 p.m."),  # NTREX 1381
        ("الساعة 5:30 مساءً يوم السبت", "At 5.30pm on Saturday"),
        ("الساعة 5:30 صباحا.", "At 5.30am."),
        ("الساعة ٥٫٣٠ مساء.", "At 5.30 p.m."),
        ("في 10.45 ليلاً", "at 10.45pm"),
        ("قتل طفلان.", "2 children were killed."),  # UN test set 503
        ("قتل طفلين.", "2 children were killed."),
        ("سقط صاروخان على المدينة.", "2 rockets fell on the city."),  # UN test set 1195
        ("أطلق صاروخين.", "He fired 2 rockets."),
        ("أسقط برميلان متفجران.", "2 barrel bombs were dropped."),
        ("وأطلق الصاروخين.", "And he fired the 2 rockets."),
        ("قصف مستشفيين ومسجدين.", "2 hospitals and 2 mosques were shelled."),
        ("قتل صحفيان ومدنيان لبنانيان.", "2 journalists and 2 Lebanese civilians were killed."),
        ("دفع دولارين عن المبنيين.", "He paid 2 dollars for the 2 buildings."),
        ("الساعة 5:30 مساء.", "At 17:30."),  # a colon time before مساء is read as 17:30 too
        ("٢٠٢٤/٠١/٠٥", "5 January 2024"),  # a copied numeric date the desk wrote out
        ("2024-01-05", "January 5, 2024"),
        ("في 5 كانون الثاني 2024", "on 5 Jan. 2024"),
    ],
    ids=["nineteen-indic", "sixteen", "thirteen", "fourteen", "fifteen", "seventeen", "eighteen",
         "ordinal-13th", "thirteenth", "feminine-21st", "time-dot-pm", "time-dot-pm-attached", "time-dot-am",
         "time-arabic-decimal-evening", "time-night",
         "dual-nominative", "dual-oblique", "dual-rockets", "dual-rockets-oblique", "dual-barrels",
         "dual-with-article", "dual-hospitals-mosques", "dual-nisba", "dual-dollars-buildings", "colon-evening-24h",
         "numeric-date-written-out", "iso-date-written-out", "levantine-month"],
)
def test_the_same_numbers_are_not_flagged(source: str, target: str) -> None:
    assert qa.check_pair(1, source, target) == []


@pytest.mark.parametrize(
    ("source", "target", "messages"),
    [
        ("قتل طفل.", "2 children were killed.", ["The number 2 in the translation is not in the source."]),
        ("قتل 5 أشخاص.", "People may have been killed.", ["The number 5 in the source is missing from the "
                                                           "translation."]),  # "may" is no month
        ("مارس الجيش ضغوطا على السكان.", "The army put pressure on 3 residents.",
         ["The number 3 in the translation is not in the source."]),  # مارس: "exerted", and no date
        ("في 1 نيسان/أبريل قال إن 14 شخصا قتلوا.", "On 1 April he said 4 people were killed.",
         ["The number 14 in the source is missing from the translation.",
          "The number 4 in the translation is not in the source."]),  # April is no number 4 outside a date
        ("قال كريستيان ليندنر إن الحكومة ستجتمع.", "Christian Lindner said the 2 governments would meet.",
         ["The number 2 in the translation is not in the source."]),
        ("عاد الصحفيين إلى بيروت.", "The 2 journalists returned to Beirut.",
         ["The number 2 in the translation is not in the source."]),
        ("وصل الوزير إلى طهران أمس.", "The minister arrived in Tehran on 2 May.",
         ["The number 2 in the translation is not in the source."]),
        ("عاد المهندسين من لبنان في نيسان.", "The engineers came back from Lebanon on 2 April.",
         ["The number 2 in the translation is not in the source."]),
        ("قتل طفلان.", "3 children were killed.", ["The number 3 in the translation is not in the source."]),
        ("الساعة 5:30 مساء.", "At 5.45 p.m.", ["The number 5:30 in the source is missing from the translation.",
                                              "The number 5.45 p.m. in the translation is not in the source."]),
        ("الساعة ٥٫٣٠ مساء.", "At 5.45 p.m.", ["The number ٥٫٣٠ in the source is missing from the translation.",
                                              "The number 5.45 p.m. in the translation is not in the source."]),
        ("قتل 16 جنديا.", "Seventeen soldiers were killed.",
         ["The number 16 in the source is missing from the translation."]),
    ],
    ids=["no-dual-word", "modal-may-is-no-month", "verb-maris-is-no-month", "april-only-in-numeric-dates",
         "name-in-yan-is-no-dual", "nisba-oblique-is-plural-too",
         "tehran-is-no-dual",
         "plurals-and-months-are-no-duals", "dual-is-not-three",
         "wrong-minutes", "wrong-arabic-evening-minutes", "wrong-teen"],
)
def test_different_numbers_are_still_flagged(source: str, target: str, messages: list[str]) -> None:
    assert [f.message for f in qa.check_pair(1, source, target)] == messages


@pytest.mark.parametrize("source", ["قالت إيران إن الطفلين بخير.", "وصل الصحفيان."],
                         ids=["iran-and-dual", "nisba-dual"])
def test_a_possible_dual_is_never_required(source: str) -> None:
    """ان/ين also end plurals and names (إيران), so such a word never asks the English for a 2."""
    assert qa.check_pair(1, source, "Iran said the children were fine.") == []


# -- glossary terms ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "target"),
    [
        # FLORES devtest 151
        ("وقالت منظمة الصحة العالمية إنه أسوأ تفش.", "The World Health Organisation says it is the worst outbreak."),
        # FLORES devtest 545
        ("كانت ألمانيا عدوا مشتركا في الحرب العالمية الثانية.", "Germany was a common enemy in World War 2."),
        ("بعد الحرب العالمية الأولى", "After WWI"),
    ],
    ids=["british-organisation", "world-war-2", "wwi"],
)
def test_accepted_renderings_pass_qa(source: str, target: str) -> None:
    report = qa.check_pairs([(1, source, target)], shipped_terms())
    assert report.terms_checked >= 1 and report.findings == []


@pytest.mark.parametrize(
    ("english", "found"),
    [
        ("The Zionist organisation said", True),
        ("Zionist organisations said", True),
        ("The Zionist organization said", True),
        ("The Zionist organ said", False),
    ],
    ids=["isation", "plural", "american", "other-word"],
)
def test_british_ise_spellings_of_a_rendering_are_accepted(english: str, found: bool) -> None:
    term = Term("المنظمة الصهيونية", "Zionist organization")
    (c,) = check([("قالت المنظمة الصهيونية", english)], [term]).checks
    assert c.found is found
    assert c.rendered == ("Zionist organization" if found else None)



@pytest.mark.parametrize("english", ["They will normalise ties.", "They normalised ties.", "They are normalising ties.",
                                     "She normalises ties."], ids=["ise", "ised", "ising", "ises"])  # fmt: skip
def test_every_british_ending_of_a_verb_is_accepted(english: str) -> None:
    term = Term("تطبيع العلاقات", "normalize ties", alternatives=("normalized ties", "normalizing ties",
                                                                  "normalizes ties"))  # fmt: skip
    (c,) = check([("أعلن تطبيع العلاقات", english)], [term]).checks
    assert c.found and c.rendered is not None

def test_a_forbidden_rendering_is_found_in_british_spelling_and_named_as_the_glossary_spells_it() -> None:
    term = Term("التطبيع", "normalization of relations", forbidden=("normalization", "normalized ties"))
    report = check([("رفض التطبيع", "He rejected normalisation"), ("رفض التطبيع", "They normalised ties")], [term])
    assert [c.forbidden for c in report.checks] == [["normalization"], ["normalized ties"]]
    report = check([("رفض التطبيع", "He rejected normalisation of relations")], [term])
    assert report.checks[0].ok  # inside the accepted rendering, in either spelling


IRGC = Term("الحرس الثوري", "Revolutionary Guards", variants=("الحرس الثوري الإيراني",),
            alternatives=("Islamic Revolutionary Guard Corps", "IRGC", "Revolutionary Guard"))
SYRIA = Term("سوريا", "Syria", variants=("سورية", "الجمهورية العربية السورية"),
             alternatives=("Syrian Arab Republic", "Syrian"))
PUTIN = Term("فلاديمير بوتين", "Vladimir Putin", variants=("بوتين",), alternatives=("Putin",))
GOP = Term("الحزب الجمهوري", "Republican Party", alternatives=("Republicans", "Republican", "GOP"))


def test_a_term_rendered_several_ways_in_one_document_is_one_inconsistency() -> None:
    report = check([("الحرس الثوري يعلن", "The Revolutionary Guards announce"),  # /tmp/rev-contract/inc2.tsv
                    ("الحرس الثوري ينفي", "The IRGC denies"),
                    ("الحرس الثوري يؤكد", "Islamic Revolutionary Guard Corps confirms")], [IRGC])
    assert not report.ok and not report.problems
    (inc,) = report.inconsistencies
    assert (inc.ar, inc.rendered_in, inc.violated_in) == ("الحرس الثوري", [1, 2, 3], [])
    assert inc.renderings == ["Revolutionary Guards", "IRGC", "Islamic Revolutionary Guard Corps"]
    assert inc.message == ('الحرس الثوري is rendered 3 ways in one document: "Revolutionary Guards", "IRGC", '
                           '"Islamic Revolutionary Guard Corps".')
    data = report.as_json()
    assert data["inconsistent"] == 1 and data["inconsistencies"][0]["renderings"] == inc.renderings


@pytest.mark.parametrize(
    ("pairs", "terms"),
    [
        ([("قال الحرس الثوري", "The Islamic Revolutionary Guard Corps (IRGC) said"),
          ("وأعلن الحرس الثوري", "The IRGC announced")], [IRGC]),
        ([("قال الحرس الثوري", "The Islamic Revolutionary Guard Corps said"),
          ("وأعلن الحرس الثوري", "A Revolutionary Guard commander announced")], [IRGC]),
        ([("قال فلاديمير بوتين", "Vladimir Putin said"), ("وأضاف فلاديمير بوتين", "Putin added")], [PUTIN]),
        ([("في سوريا", "In Syria"), ("الجمهورية العربية السورية", "The Syrian Arab Republic")], [SYRIA]),
        ([("في سوريا", "In Syria, the Syrian army"), ("في سوريا", "In Syria")], [SYRIA]),
        ([("قال الحزب الجمهوري", "The Republicans said"),
          ("مرشح الحزب الجمهوري", "The Republican candidate")], [GOP]),
        ([("قال الحرس الثوري", "The Revolutionary Guards said"), ("وأعلن الحرس الثوري", "The IRGC announced")],
         [IRGC]),
    ],
    ids=["full-name-then-acronym", "short-form-inside-full-name", "surname", "different-arabic-spellings",
         "two-renderings-in-one-segment", "plural", "acronym"],
)
def test_renderings_that_go_together_are_consistent(pairs: list[tuple[str, str]], terms: list[Term]) -> None:
    report = check(pairs, terms)
    assert report.ok, report.as_json()["inconsistencies"]


def test_one_arabic_spelling_rendered_two_ways_is_inconsistent() -> None:
    report = check([("في سوريا", "In Syria"), ("في سوريا", "In the Syrian Arab Republic")], [SYRIA])
    (inc,) = report.inconsistencies
    assert inc.renderings == ["Syria", "Syrian Arab Republic"]


def test_a_missing_rendering_beside_a_correct_one_is_still_inconsistent() -> None:
    report = check([("قال الحرس الثوري", "The Revolutionary Guards said"),
                    ("هاجم الحرس الثوري", "The guards attacked")], [IRGC])
    (inc,) = report.inconsistencies
    assert (inc.rendered_in, inc.violated_in, inc.renderings) == ([1], [2], ["Revolutionary Guards"])
    assert inc.message == 'الحرس الثوري → "Revolutionary Guards" is rendered in segment(s) 1 but not in 2.'


# -- file scores ---------------------------------------------------------------------------------------


def test_a_hypothesis_of_blank_lines_is_scored(tmp_path: Path) -> None:
    """Blank lines are segments (sacrebleu scores them: BLEU 0, TER 100); only a file without lines is empty."""
    (tmp_path / "blank.hyp").write_text("\n\n\n", encoding="utf-8")
    (tmp_path / "three.ref").write_text("a b c\nd e f\ng h i\n", encoding="utf-8")
    (tmp_path / "empty.hyp").write_bytes(b"")
    assert read_lines(tmp_path / "blank.hyp") == ["", "", ""]
    result = score_files(tmp_path / "blank.hyp", [tmp_path / "three.ref"])
    assert (result.segments, result.bleu, result.ter) == (3, 0.0, 100.0)
    out = CliRunner().invoke(cli, ["score", "--hyp", str(tmp_path / "blank.hyp"), "--ref",
                                   str(tmp_path / "three.ref"), "--json"])
    assert out.exit_code == 0, out.output
    with pytest.raises(InputError, match="is empty"):
        read_lines(tmp_path / "empty.hyp")


def test_a_house_rule_against_the_other_spelling_is_checked_as_written() -> None:
    """A glossary that accepts "Organization" and forbids "Organisation" gets no -ise tolerance for that
    term: the forbidden spelling is found (it passed the gate), the accepted one is not missing."""
    from tm.termcheck import Pair, check
    from tm.terms import Term

    who = Term("منظمة الصحة العالمية", "World Health Organization", forbidden=("World Health Organisation",))
    source = "قالت منظمة الصحة العالمية إن الوضع خطير."
    bad = check([Pair(1, source, "The World Health Organisation said the situation is serious.")], [who])
    assert [c.forbidden for c in bad.checks] == [["World Health Organisation"]] and not bad.ok
    good = check([Pair(1, source, "The World Health Organization said the situation is serious.")], [who])
    assert good.ok and good.checks[0].rendered == "World Health Organization"
