"""QA checks: no false alarm on a correct human translation, and planted errors are caught.

tests/data/alasr-soleimani-putin.ar.seg.txt is the sample article (Al-Asr magazine) cut by
tm.segment, one segment per line; alasr-soleimani-putin.en.txt is an English translation
of it written for these tests, aligned line by line and following the desk glossary.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st

from tm import qa
from tm.cli import cli
from tm.errors import InputError
from tm.qanumbers import numbers
from tm.store import Store
from tm.terms import Term

DATA = Path(__file__).parent / "data"
SRC = (DATA / "alasr-soleimani-putin.ar.seg.txt").read_text(encoding="utf-8").splitlines()
EN = (DATA / "alasr-soleimani-putin.en.txt").read_text(encoding="utf-8").splitlines()


def pairs(target: list[str]) -> list[tuple[int, str, str | None]]:
    return [(i, s, t) for i, (s, t) in enumerate(zip(SRC, target, strict=True), start=1)]


def shipped_terms() -> list[Term]:
    terms, note = qa.load_qa_terms(None, None)
    if not terms:
        pytest.skip(note or "no shipped glossary")
    return terms


def test_the_sample_is_aligned_with_the_segmenter() -> None:
    from tm.segment import split

    _, pieces = split((DATA / "alasr-soleimani-putin.ar.txt").read_text(encoding="utf-8"))
    assert [p.text for p in pieces] == SRC
    assert len(EN) == len(SRC) == 23


def test_no_false_alarm_on_a_correct_translation() -> None:
    report = qa.check_pairs(pairs(EN), shipped_terms())
    assert report.findings == []
    assert report.ok and report.segments == 23 and report.terms_checked > 50


def test_planted_errors_are_flagged() -> None:
    bad = list(EN)
    bad[2] = bad[2].replace("in 2015", "in 2016")  # a changed number
    bad[4] = bad[4].replace("the Axis of Resistance", "the محور المقاومة")  # Arabic left, term missing
    bad[10] = bad[10].replace("45 minutes)", "45 minutes")  # a missing bracket
    bad[6] = bad[6].replace("influential.”", "influential.")  # an unclosed quote
    bad[12] = ""  # an empty segment
    bad[21] = SRC[21]  # untranslated
    report = qa.check_pairs(pairs(bad), shipped_terms())
    found = [(f.segment, f.check) for f in report.findings]
    assert found == [
        (3, "number"), (3, "number"),
        (5, "arabic"), (5, "term"),
        (7, "quotes"),
        (11, "brackets"),
        (13, "empty"),
        (22, "untranslated"),
    ]
    messages = {(f.segment, f.check): f.message for f in report.findings}
    assert "2015 in the source is missing" in report.findings[0].message
    assert "2016 in the translation is not in the source" in report.findings[1].message
    assert "محور المقاومة" in messages[(5, "arabic")]
    assert "The bracket ( is opened but never closed." == messages[(11, "brackets")]
    assert report.counts()["number"] == 2 and not report.ok


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("بلغت الكلفة 5 ملايين دولار", "The cost reached 5 million dollars"),
        ("بلغت الكلفة 5 ملايين دولار", "The cost reached $5,000,000"),
        ("بلغت الكلفة خمسة ملايين دولار", "The cost reached 5 million dollars"),
        ("بلغت الكلفة ٥ ملايين دولار", "The cost reached $5m"),
        ("خصص ٢٫٥ مليار دولار", "It allocated $2.5 billion"),
        ("خصص 2,5 مليار دولار", "It allocated 2.5bn dollars"),
        ("قتل ١٬٢٠٠ شخص عام ٢٠١٥", "1,200 people were killed in 2015"),
        ("استمر الاجتماع خمس ساعات", "The meeting lasted 5 hours"),
        ("استمر الاجتماع 5 ساعات", "The meeting lasted five hours"),
        ("بعد ساعتين", "After 2 hours"),
        ("في الذكرى الثالثة", "On the 3rd anniversary"),
        ("أرسل 3 آلاف جندي", "It sent 3,000 soldiers"),
        ("1) أن يكون", "1) That"),
        ("في 17.11.2026", "On 17.11.2026"),
        # conventions of UN Arabic and English, from the UN v1.0 test set
        ("بلغت المدفوعات 000 201 036 1 دولار", "Payments amounted to $1,036,201,000"),
        ("ما قدره 958.6 1 مليون دولار", "amounted to $1,958.6 million"),
        ("الساعة 10:15", "at 10.15 a.m."),
        ("الساعة 15:00", "at 3 p.m."),
        ("غادرت الساعة 18:55", "leaving at 1855 hours"),
        ("من الساعة 00/10 حتى الساعة 00/13", "from 10 a.m. to 1 p.m."),
        ("5-1 تقديم دعم", "5.1 Support"),
        ("1- وجه المكتب رسالة", "The Bureau sent a letter"),
        ("'3` حشد الموارد", "Mobilization of resources"),
        ("القرار 689 (د-35)", "resolution 689 (XXXV)"),
        ("في ثمانينيات القرن العشرين", "in the 1980s"),
        ("الأقاليم السبعة عشر", "the 17 Territories"),
        ("و76.000 هكتار", "and 76,000 hectares"),
        ("أكثر من 30،000 كوري", "more than 30,000 Koreans"),
        ("يكسبون مليونَي يَن", "earn 2 million yen"),
        ("خلال الألف يوم الأولى من حياة الطفل", "during the first 1,000 days of life"),  # UN v1.0 devset
        ("قتل ٣٠٠ شخص.", "Three hundred people were killed."),
        ("قتل ٣٠٠٠ شخص.", "Three thousand people were killed."),
        ("الدورة ٨.", "The eighth session."),
    ],
    ids=["scale-word", "thousands-sep", "arabic-word", "indic-digits-m", "indic-decimal",
         "arabic-decimal-comma", "indic-thousands", "word-five", "digit-five", "dual", "ordinal",
         "thousand-word", "list", "date", "un-reversed-groups", "un-reversed-decimal", "time-am",
         "time-pm", "time-hours", "un-time", "section", "paragraph-marker", "un-marker", "roman",
         "decade", "teen", "dot-thousands", "arabic-comma-thousands", "dual-million", "scale-word-with-article",
         "hundreds-in-words", "thousands-in-words", "ordinal-word"],
)
def test_the_same_numbers_are_not_flagged(source: str, target: str) -> None:
    assert qa.check_pair(1, source, target) == []


@pytest.mark.parametrize(
    ("source", "target", "missing", "added"),
    [
        ("بلغت الكلفة 5 ملايين دولار", "The cost reached 50 million dollars", "5 ملايين", "50 million"),
        ("خصص 2.5 مليار", "It allocated 2.5 million", "2.5 مليار", "2.5 million"),
        ("عام 2011", "in 2012", "2011", "2012"),
        ("قتل ١٥ شخصاً", "16 people were killed", "١٥", "16"),
        # real errors in the UN v1.0 test set's English
        ("برسالتنا بتاريخ 5 تموز/يوليه 2012", "my letter of 5 July 2011", "2012", "2011"),
        ("الأسبوع المنتهي في 25 أيار/مايو", "the week ending 23 May", "25", "23"),
        ("سن القانون 26.743", "Law 26.73", "26.743", "26.73"),
        # a factor of 1000 either way: the Arabic separators and a comma before three digits are unambiguous
        ("بلغ عدد القتلى ١٬٥٠٠ شخص.", "The death toll reached 1.5 people.", "١٬٥٠٠", "1.5"),
        ("ارتفع التضخم إلى ٣٫٥ في المئة.", "Inflation rose to 3,500 percent.", "٣٫٥", "3,500"),
        ("بلغ عدد القتلى 1,500 شخص.", "The death toll reached 1.5.", "1,500", "1.5"),
    ],
    ids=["scale", "billion-million", "year", "indic", "un-year", "un-day", "un-law", "indic-thousands-as-decimal",
         "indic-decimal-as-thousands", "comma-thousands-as-decimal"],
)
def test_different_numbers_are_flagged(source: str, target: str, missing: str, added: str) -> None:
    messages = [f.message for f in qa.check_pair(1, source, target)]
    assert messages == [f"The number {missing} in the source is missing from the translation.",
                        f"The number {added} in the translation is not in the source."]


def test_numbers_apart_are_not_digit_groups() -> None:
    """Only a single space joins digit groups: "5 people ... 300" is not 5300, nor is 5300 "5" and "300"."""
    messages = [f.message for f in qa.check_pair(1, "أصيب ٥٣٠٠ شخص.", "5 people were injured in 300 villages.")]
    assert messages == ["The number ٥٣٠٠ in the source is missing from the translation.",
                        "The number 5 in the translation is not in the source.",
                        "The number 300 in the translation is not in the source."]
    assert qa.check_pair(1, "أصيب ٥ أشخاص في ٣٠٠ قرية.", "5 people were injured in 300 villages.") == []


def test_number_values() -> None:
    assert set(numbers("5 ملايين و5,000,000 و5 million").exact) == {5_000_000}
    assert set(numbers("1.234.567 and 1,234.5 and ٣٫٥").exact) == {1234567, 1234.5, 3.5}


@pytest.mark.parametrize(
    ("target", "check"),
    [
        ("He said «no» and “yes”.", None),
        ('He said "no" (twice).', None),
        ("It's Russia's role.", None),
        ("a) first [see (b)]", None),
        ("He said “no.", "quotes"),
        ('He said "no.', "quotes"),
        ("He said no».", "quotes"),
        ("The meeting (planned for an hour lasted five.", "brackets"),
        ("The meeting lasted five] hours.", "brackets"),
        ("The [meeting (lasted] five.", "brackets"),
    ],
    ids=["guillemets", "straight", "apostrophes", "list-marker", "unclosed-curly", "odd-straight",
         "unmatched-guillemet", "unclosed-paren", "unmatched-bracket", "crossed"],
)
def test_brackets_and_quotes(target: str, check: str | None) -> None:
    found = {f.check for f in qa.check_pair(1, "قال", target)}
    assert found == ({check} if check else set())



@pytest.mark.parametrize(("target", "unclosed"), [("The [meeting (lasted] five.", "("), ("a (b [c) d", "[")],
                         ids=["paren-inside-brackets", "bracket-inside-parens"])  # fmt: skip
def test_a_crossed_bracket_names_the_one_left_open(target: str, unclosed: str) -> None:
    """The closing bracket closes its own opener: the one opened inside it is what was left open."""
    assert [f.message for f in qa.check_pair(1, "قال", target)] == [
        f"The bracket {unclosed} is opened but never closed."]

def test_an_imbalance_the_source_has_is_not_reported() -> None:
    # a quotation opened in one sentence and closed in the next
    assert qa.check_pair(1, "قال: “إن الاجتماع كان مهماً.", "He said: “The meeting was important.") == []


@pytest.mark.parametrize(
    ("target", "check"),
    [(None, "empty"), ("  ", "empty"), ("لقاء الحاج قاسم عام 2011", "untranslated"),
     ("The meeting of قاسم in 2011", "arabic"), ("The meeting in ٢٠١١", "arabic")],
    ids=["none", "blank", "same-as-source", "leftover-word", "indic-digits"],
)
def test_empty_untranslated_and_arabic(target: str | None, check: str) -> None:
    assert [f.check for f in qa.check_pair(1, "لقاء الحاج قاسم عام 2011", target)] == [check]


def test_glossary_violations() -> None:
    terms = [Term(ar="حزب الله", en="Hezbollah", forbidden=("Hizbullah",))]
    report = qa.check_pairs([(1, "قال حزب الله", "Hizbullah said"), (2, "قال حزب الله", "He said")], terms)
    assert [(f.segment, f.check) for f in report.findings] == [(1, "term"), (2, "term")]
    assert "forbidden" in report.findings[0].message and "“Hezbollah”" in report.findings[1].message


def test_files_and_documents(tmp_path: Path, store: Store) -> None:
    src, hyp = tmp_path / "ar.txt", tmp_path / "en.txt"
    src.write_text("\n".join(SRC) + "\n", encoding="utf-8")
    hyp.write_text("\n".join(EN) + "\n", encoding="utf-8")
    assert qa.check_files(str(src), str(hyp)).ok
    hyp.write_text("\n".join(EN[:-1]) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="must be line-aligned"):
        qa.check_files(str(src), str(hyp))
    with store.transaction() as conn:
        _, segs = store.add_document(conn, name="alasr", path=None, sha256="x", prefix="",
                                     segments=[(s, " ", 1) for s in SRC])
        for seg, text in zip(segs, EN, strict=True):
            store.add_translation(conn, seg.id, origin="mt", text=text.replace("2003", "2013"), engine="e")
        store.add_translation(conn, segs[10].id, origin="human", text=EN[10])
    report = qa.check_document(store, "alasr")
    assert report.findings == []  # the correction replaced the bad draft
    with store.transaction() as conn:
        store.add_translation(conn, segs[10].id, origin="human", text=EN[10].replace("2003", "2013"))
    report = qa.check_store(store, ["alasr"])
    assert [(f.doc, f.segment, f.check) for f in report.findings] == [("alasr", 11, "number")] * 2
    assert report.as_json()["findings"][0]["doc"] == "alasr"


def test_glossary_loading(store: Store) -> None:
    assert qa.load_qa_terms(store, []) == ([], "Glossary checks were turned off.")
    terms, note = qa.load_qa_terms(store, None)
    assert note is None or "glossary" in note.lower()
    from tm.errors import NotFoundError

    with pytest.raises(NotFoundError):
        qa.load_qa_terms(store, ["no-such-glossary"])
    assert isinstance(terms, list)


@given(st.integers(min_value=0, max_value=10**15), st.integers(min_value=0, max_value=99))
@settings(max_examples=200, deadline=None)
def test_a_number_reads_the_same_in_every_script(whole: int, cents: int) -> None:
    western = f"{whole:,}.{cents:02d}"
    indic = western.translate(str.maketrans("0123456789,.", "٠١٢٣٤٥٦٧٨٩٬٫"))
    expected = {Decimal(f"{whole}.{cents:02d}")}
    assert set(numbers(f"cost {western} dollars").exact) == expected
    assert set(numbers(f"بلغت {indic} دولار").exact) == expected
    assert qa.check_pair(1, f"بلغت {indic} دولار", f"It cost {western} dollars") == []


# -- the `tm qa` command ------------------------------------------------------------------------


def run_qa(*args: str) -> Result:
    return CliRunner().invoke(cli, ["qa", *args], catch_exceptions=False)


@pytest.mark.parametrize("args,message", [
    (["art.ar.txt"], "Error: art.ar.txt, line 1: no tab"),
    (["empty.txt"], "Error: empty.txt is empty"),
    (["header.tsv"], "Error: header.tsv has no segment pairs, only a header"),
    (["adir"], "Error: adir is a directory"),
    ([], "Error: Nothing to check: give a document (or a JSONL/TSV pairs file), or --src FILE and --hyp FILE."),
    (["art", "--src", "a", "--hyp", "b"], "Error: Give either the document 'art' or --src and --hyp files, not both."),
    (["--src", "a"], "Error: File mode needs both --src FILE and --hyp FILE."),
], ids=["plain-text", "empty", "header-only", "directory", "nothing", "both", "half"])
def test_qa_refuses_what_it_cannot_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str],
                                         message: str) -> None:
    monkeypatch.chdir(tmp_path)
    Path("art.ar.txt").write_text("\n".join(SRC[:3]) + "\n", encoding="utf-8")
    Path("empty.txt").write_text("", encoding="utf-8")
    Path("header.tsv").write_text("ar\ten\n", encoding="utf-8")
    Path("adir").mkdir()
    result = run_qa(*args)
    assert result.exit_code == 2  # 1 means problems found
    (line,) = result.output.splitlines()  # one line, no report
    assert line.startswith(message)


def test_every_qa_help_example_runs_on_a_fresh_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.test_cli_glossary import desk_folder, run_examples

    desk_folder(tmp_path, monkeypatch)
    run_examples(cli.commands["qa"].help or "")


@pytest.mark.parametrize("source, english, digit", [
    ("قتل ٣ أشخاص.", "Three hundred people were killed.", "٣"),
    ("قتل ١٠٠ شخص و١ جندي.", "One hundred people were killed.", "١"),  # "One" is in 100, as "Three" in 300
], ids=["three-hundred", "one-hundred"])  # fmt: skip
def test_a_digit_is_not_matched_by_the_units_word_of_hundreds(source: str, english: str, digit: str) -> None:
    """٣ is not "three" in "Three hundred": the words say 300 (and "One hundred" says 100, not 1)."""
    messages = [f.message for f in qa.check_pair(1, source, english)]
    assert messages == [f"The number {digit} in the source is missing from the translation."]
