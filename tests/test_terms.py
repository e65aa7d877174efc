"""Arabic-aware term matching (tm.terms.TermMatcher) and the English rendering checks."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tm.errors import InputError
from tm.normalize import normalize, normalize_with_offsets
from tm.terms import (
    _CLASSES,
    CHAINS,
    Term,
    TermHit,
    TermMatcher,
    _scan_key,
    _term_forms,
    english_has,
    forbidden_found,
    scan_with_offsets,
    term_found,
    term_key,
)


def T(ar: str, *variants: str) -> Term:
    return Term(ar=ar, en=f"<{ar}>", variants=variants)


def table(cases: list[tuple]) -> dict:
    """parametrize arguments from a table whose first column is the case id."""
    return {"argvalues": [c[1:] for c in cases], "ids": [c[0] for c in cases]}


def found(terms: list[Term], text: str) -> list[tuple[str, str]]:
    """(term, matched text) of every hit, checking each hit's offsets on the way."""
    hits = TermMatcher(terms).find(text)
    for h in hits:
        assert text[h.start:h.end] == h.text
    return [(h.term.ar, h.text) for h in hits]


# -- proclitics and the article ---------------------------------------------------------------

PREFIX_CASES = [
    ("bare", "محور المقاومة", "قال محور المقاومة إن", "محور المقاومة"),
    ("li", "محور المقاومة", "قال لمحور المقاومة إن", "لمحور المقاومة"),
    ("li+al", "الحاج قاسم", "وداعا للحاج قاسم", "للحاج قاسم"),
    ("wa+li+al", "الحاج قاسم", "وللحاج قاسم", "وللحاج قاسم"),
    ("bi+al", "الرئيس", "التقى بالرئيس", "بالرئيس"),
    ("ka+al", "الرئيس", "كالرئيس", "كالرئيس"),
    ("wa+al", "الجيش", "والجيش انسحب", "والجيش"),
    ("fa+al", "الجيش", "فالجيش انسحب", "فالجيش"),
    ("wa+bi+al", "الحشد الشعبي", "وبالحشد الشعبي", "وبالحشد الشعبي"),
    ("al-added", "حزب الله", "قال الحزب الله", "الحزب الله"),
    ("li-bare", "حزب الله", "دعم لحزب الله", "لحزب الله"),
    ("li+al-added", "سلام", "من أجل للسلام", "للسلام"),
    ("wa+bi+al-added", "سلام", "وبالسلام", "وبالسلام"),
    ("li-before-lam-stem", "اللجنة", "قدم للجنة تقريرا", "للجنة"),
    ("allah", "الله", "الحمد لله", "لله"),
    ("li-before-al-root", "ألمانيا", "زيارة لألمانيا", "لألمانيا"),
    ("fa+bi", "إسرائيل", "فبإسرائيل", "فبإسرائيل"),
]


@pytest.mark.parametrize("term,text,expected", **table(PREFIX_CASES))
def test_proclitic_chains(term: str, text: str, expected: str) -> None:
    assert found([T(term)], text) == [(term, expected)]


NO_HIT_CASES = [
    ("islam", "سلام", "الإسلام دين"),
    ("salaman", "سلام", "قال سلاما"),
    ("muqaddasat", "قدس", "المقدسات"),
    ("iraqi-adjective", "العراق", "الجيش العراقي"),
    ("iraqis", "العراق", "العراقيون"),
    ("israeli-adjective", "إسرائيل", "القوات الإسرائيلية"),
    ("enclitic", "الرئيس", "رئيسه"),
    ("enclitic-def", "لبنان", "لبنانها"),
    ("dual", "مجلس", "مجلسان"),
    ("wazir", "زير", "وزير الخارجية"),
    ("kamil-amal", "أمل", "بشكل كامل"),
    ("bab-aab", "آب", "فتح الباب والباب"),
    ("al-before-al", "الحاج قاسم", "الالحاج قاسم"),
    ("lil-needs-al", "حاج", "للحاجز"),
    ("stem-without-li", "الحاج قاسم", "حاج قاسم"),
    ("bi-before-stem", "الحاج قاسم", "بحاج قاسم"),
    ("inside-word-end", "رئيس", "مترئيس"),
    ("split-by-comma", "مجلس الأمن", "مجلس، الأمن"),
    ("split-by-dot", "مجلس الأمن", "مجلس. الأمن"),
    ("chain-too-long", "قاسم", "ووبالقاسم"),
    ("wrong-order", "الرئيس", "بوالرئيس"),
]


@pytest.mark.parametrize("term,text", **table(NO_HIT_CASES))
def test_no_hit(term: str, text: str) -> None:
    assert found([T(term)], text) == []


def test_unstripped_token_first() -> None:
    # لبنان is a term in its own right: it is not ل + بنان even when بنان is a term too.
    assert found([T("بنان"), T("لبنان")], "زار لبنان") == [("لبنان", "لبنان")]
    assert found([T("زير"), T("وزير")], "وزير") == [("وزير", "وزير")]
    assert found([T("زير")], "وزير") == []
    assert TermMatcher([T("زير")], protected=()).find("وزير")[0].text == "وزير"


NAME_CASES = [
    ("name-no-article", Term("سورية", "Syria"), "الحكومة السورية", []),
    ("name-no-article-mali", Term("مالي", "Mali"), "النظام المالي", []),
    ("name-proclitic", Term("سورية", "Syria"), "لسورية وبسورية", ["لسورية", "وبسورية"]),
    ("name-lil", Term("لبنان", "Lebanon"), "للبنان", ["للبنان"]),
    ("common-noun-article", Term("سلام", "peace"), "السلام وللسلام", ["السلام", "وللسلام"]),
    ("the-is-not-a-name", Term("حرية", "the freedom"), "بالحرية", ["بالحرية"]),
    ("name-with-article", Term("العراق", "Iraq"), "بالعراق", ["بالعراق"]),
]


@pytest.mark.parametrize("term,text,expected", **table(NAME_CASES))
def test_names_take_no_article(term: Term, text: str, expected: list[str]) -> None:
    assert [h.text for h in TermMatcher([term]).find(text)] == expected


# A final alef with tanwin fath makes an accusative adjective or adverb (روسيًا "Russian-ly"), never the name.
TANWIN_CASES = [
    ("fathatan-before-alef", "روسيا", "تحرك روسيًا وإيرانيًا", []),
    ("fathatan-after-alef", "روسيا", "تحرك روسياً", []),
    ("tico-19-british", "بريطانيا", "متجرًا بريطانيًا عبر الإنترنت", []),
    ("proclitic", "تركيا", "دعم تركيًا", []),
    ("with-tatweel", "سوريا", "موقفا سوريـًا", []),
    ("with-shadda", "سوريا", "موقفا سوريًّا", []),
    ("open-fathatan", "روسيا", "تحرك روسي\u08f0ا", []),
    ("multi-word", "جنوب إفريقيا", "سفير جنوب إفريقياً", []),
    ("undiacritised-still", "روسيا", "زار روسيا وبريطانيا", ["روسيا"]),
    ("fatha-is-not-tanwin", "روسيا", "زار رُوسْيَا", ["رُوسْيَا"]),
    ("tanwin-elsewhere", "روسيا", "زار روسيا مؤخرًا", ["روسيا"]),
    ("kasratan-after-alef", "روسيا", "من روسيا\u064d", ["روسيا\u064d"]),
    ("term-not-ending-in-alef", "سلام", "قال سلامٌ", ["سلامٌ"]),
    ("other-term-same-text", "بريطانيا", "بريطانيا وبريطانيًا", ["بريطانيا"]),
    ("adverb-term-with-tanwin", "مؤقتاً", "أغلق المعبر مؤقتاً أمس", ["مؤقتاً"]),
    ("adverb-term-plain", "مؤقتا", "أغلق المعبر مؤقتاً أمس", ["مؤقتاً"]),
    ("term-ending-in-an-adverb", "وقف إطلاق النار فوراً", "طالب بوقف إطلاق النار فوراً", ["بوقف إطلاق النار فوراً"]),
    ("ya-adverb-spelled-with-tanwin", "رسمياً", "أعلن رسمياً", ["رسمياً"]),
]


@pytest.mark.parametrize("term,text,expected", **table(TANWIN_CASES))
def test_tanwin_fath_on_the_final_alef_is_not_the_name(term: str, text: str, expected: list[str]) -> None:
    assert [h.text for h in TermMatcher([Term(term, "Name")]).find(text)] == expected


@pytest.mark.parametrize(("term", "en", "text"), [
    ("رسميا", "officially", "أعلن رسمياً"), ("رسميا", "officially", "أعلن رسميًا"),
    ("دوليا", "internationally", "معترف بها دولياً"), ("نهائيا", "definitively", "انسحب نهائيًا"),
], ids=["rasmiyan-after", "rasmiyan-before", "duwaliyan", "nihaiyan"])  # fmt: skip
def test_an_adverb_term_in_ya_matches_its_tanwin_form(term: str, en: str, text: str) -> None:
    """The name rule (روسيا is not روسيًا) is for names: a glossary adverb stored plain still matches."""
    assert [h.term.ar for h in TermMatcher([Term(term, en)]).find(text)] == [term]


def test_short_term_takes_no_proclitic() -> None:
    assert found([T("آب")], "في آب/أغسطس") == [("آب", "آب")]
    assert found([T("آب")], "باب وآب") == []


# -- normalisation of entries and text ---------------------------------------------------------

NORMALISATION_CASES = [
    ("hamzaless-entry", T("اسرائيل"), "أمن إسرائيل", "إسرائيل"),
    ("hamzaless-entry-li", T("اسرائيل"), "لإسرائيل", "لإسرائيل"),
    ("hamzaless-text", T("الأمن"), "والامن", "والامن"),
    ("ha-for-ta-marbuta", T("الأمم المتحده"), "للأمم المتحدة", "للأمم المتحدة"),
    ("ta-marbuta-entry", T("الأمم المتحدة"), "الامم المتحده", "الامم المتحده"),
    ("alef-maqsura", T("موسى"), "موسي", "موسي"),
    ("tashkeel-text", T("الحشد الشعبي"), "وَبِالحَشْدِ الشَّعْبِيِّ", "وَبِالحَشْدِ الشَّعْبِيِّ"),
    ("tashkeel-entry", T("حِزْبُ اللهِ"), "حزب الله", "حزب الله"),
    ("tatweel", T("الأمن"), "الأمـــن", "الأمـــن"),
    ("variant", T("سوريا", "سورية"), "في سورية", "سورية"),
    ("many-spaces", T("مجلس الأمن"), "مجلس \n  الأمن", "مجلس \n  الأمن"),
    ("digits", T("القرار ٢٢٥٤"), "القرار 2254", "القرار 2254"),
    ("lam-alef-ligature", T("لا"), "قال ﻻ", "ﻻ"),
]


@pytest.mark.parametrize("term,text,expected", **table(NORMALISATION_CASES))
def test_normalisation(term: Term, text: str, expected: str) -> None:
    assert found([term], text) == [(term.ar, expected)]


PUNCTUATION_CASES = [
    ("guillemets", "«حزب الله»", "حزب الله"),
    ("quotes", "“حزب الله”", "حزب الله"),
    ("parentheses", "(لحزب الله)", "لحزب الله"),
    ("arabic-comma", "حزب الله، و", "حزب الله"),
    ("semicolon", "حزب الله؛", "حزب الله"),
    ("colon", "لحزب الله: قال", "لحزب الله"),
    ("hyphen", "-حزب الله-", "حزب الله"),
    ("full-stop", "ضد حزب الله.", "حزب الله"),
]


@pytest.mark.parametrize("text,expected", **table(PUNCTUATION_CASES))
def test_punctuation_is_a_boundary(text: str, expected: str) -> None:
    assert found([T("حزب الله")], text) == [("حزب الله", expected)]


def test_punctuation_inside_a_term() -> None:
    assert found([T("كوفيد-19")], "جائحة كوفيد-19.") == [("كوفيد-19", "كوفيد-19")]
    assert found([T("كوفيد-19")], "جائحة كوفيد 19") == []


# -- overlaps and offsets ---------------------------------------------------------------------

OVERLAP_CASES = [
    ("longer-wins", ["الأمن", "مجلس الأمن"], "قرار مجلس الأمن", [("مجلس الأمن", "مجلس الأمن")]),
    ("longest-of-three", ["الأمين العام", "الأمم المتحدة", "الأمين العام للأمم المتحدة"],
     "قال الأمين العام للأمم المتحدة", [("الأمين العام للأمم المتحدة", "الأمين العام للأمم المتحدة")]),
    ("adjacent", ["الأمين العام", "الأمم المتحدة"], "الأمين العام للأمم المتحدة",
     [("الأمين العام", "الأمين العام"), ("الأمم المتحدة", "للأمم المتحدة")]),
    ("crossing-longer-right", ["مجلس الأمن", "الأمن الدولي"], "مجلس الأمن الدولي",
     [("الأمن الدولي", "الأمن الدولي")]),
    ("crossing-tie-leftmost", ["مجلس الأمن", "الأمن كلها"], "مجلس الأمن كلها",
     [("مجلس الأمن", "مجلس الأمن")]),
    ("chain-counts-in-length", ["مجلس الأمن", "الأمن الدولي"], "ولمجلس الأمن الدولي",
     [("مجلس الأمن", "ولمجلس الأمن")]),
    ("text-order", ["العراق", "سوريا"], "سوريا والعراق وسوريا", [("سوريا", "سوريا"), ("العراق", "والعراق"),
                                                               ("سوريا", "وسوريا")]),
    ("same-span-first-term", ["الرئيس", "الرئيس"], "الرئيس", [("الرئيس", "الرئيس")]),
]


@pytest.mark.parametrize("terms,text,expected", **table(OVERLAP_CASES))
def test_overlaps_longest_first(terms: list[str], text: str, expected: list[tuple[str, str]]) -> None:
    assert found([T(t) for t in terms], text) == expected


def test_same_span_goes_to_the_first_term() -> None:
    first, second = Term("الرئيس", "President", glossary="a"), Term("الرئيس", "the president", glossary="b")
    assert TermMatcher([first, second]).find("الرئيس")[0].term is first


def test_offsets_in_original_text() -> None:
    text = "\u200fقالَ وَلِلحاجِّ قاسمٍ، ثم «الأمـمُ المتحدةُ»."
    hits = TermMatcher([T("الحاج قاسم"), T("الأمم المتحدة")]).find(text)
    first, second = "وَلِلحاجِّ قاسمٍ", "الأمـمُ المتحدةُ"  # tashkeel and tatweel kept, final tashkeel included
    assert [(h.start, h.end, h.text) for h in hits] == [
        (text.index(first), text.index(first) + len(first), first),
        (text.index(second), text.index(second) + len(second), second),
    ]
    assert all(text[h.start:h.end] == h.text for h in hits)


def test_find_many_and_empty_inputs() -> None:
    m = TermMatcher([T("العراق")])
    assert [[h.text for h in hits] for hits in m.find_many(["في العراق", "", "لا شيء", "بالعراق"])] == [
        ["العراق"], [], [], ["بالعراق"]]
    assert TermMatcher([]).find("العراق") == []


def test_term_is_hashable_with_list_fields() -> None:
    term = Term("العراق", "Iraq", variants=["عراق"], forbidden=None, note=None)  # type: ignore[arg-type]
    assert term.variants == ("عراق",) and term.forbidden == () and term.note == ""
    assert {term: 1}[term] == 1
    assert isinstance(TermMatcher([term]).find("عراق")[0], TermHit)


@pytest.mark.parametrize("spelling", ["", "  ", "،", "ـــ", "«»"],
                         ids=["empty", "space", "comma", "tatweel", "quotes"])
def test_unmatchable_term_is_an_input_error(spelling: str) -> None:
    with pytest.raises(InputError, match="no letters"):
        TermMatcher([T(spelling)])


# -- properties -------------------------------------------------------------------------------

_LETTERS = "وفبكلالمنهةىأإرسدقعحي"
_noise = st.text(alphabet=_LETTERS + "  ،.«»\n" + "\u064e\u0650\u0651\u0640" + "\ufefb\ufdf2", max_size=12)
_word = st.text(alphabet=_LETTERS, min_size=1, max_size=5)
_spellings = st.lists(st.lists(_word, min_size=1, max_size=3).map(" ".join), min_size=1, max_size=4)


@st.composite
def _case(draw: st.DrawFn) -> tuple[str, list[str]]:
    """Terms, and a text made of noise and the terms with random proclitics and article attached."""
    spellings = draw(_spellings)
    chain = st.sampled_from(["", "", "و", "ف", "ب", "ل", "ال", "لل", "وبال", "ك"])
    sep = st.sampled_from([" ", " ", "، ", "\n", "«", ""])
    piece = st.tuples(sep, st.one_of(_noise, st.tuples(chain, st.sampled_from(spellings)).map("".join)))
    return "".join(a + b for a, b in draw(st.lists(piece, min_size=1, max_size=8))), spellings


def _reference(terms: list[Term], text: str) -> list[tuple[int, int, str]]:
    """A slow, independent matcher: str.find for every chain + form, the same selection rule."""
    scan = _scan_key(text)[0]
    cands = []
    for index, term in enumerate(terms):
        for form, kind, _ in _term_forms(term):
            for chain in CHAINS[kind]:
                needle, pos = chain + form, scan.find(chain + form)
                while pos >= 0:
                    end = pos + len(needle)
                    if not _is_word_at(scan, pos - 1) and not _is_word_at(scan, end):
                        cands.append((pos, end, len(chain), index))
                    pos = scan.find(needle, pos + 1)
    cands.sort(key=lambda c: (c[0] - c[1], c[0], c[2], c[3]))
    chosen: list[tuple[int, int, int]] = []
    for ts, e, _, index in cands:
        if all(e <= s or ts >= t for s, t, _ in chosen):
            chosen.append((ts, e, index))
    return sorted((ts, e, terms[i].ar) for ts, e, i in chosen)


def _named(spellings: list[str]) -> list[Term]:
    """Terms from spellings, every other one a name (capitalised English: no article added)."""
    return [Term(s, "Name" if i % 2 else "noun") for i, s in enumerate(spellings)]


def _is_word_at(scan: str, i: int) -> bool:
    return 0 <= i < len(scan) and scan[i] not in " \x1f"


@settings(max_examples=200, deadline=None)
@given(case=_case())
def test_hits_never_overlap_and_normalise_to_chain_plus_key(case: tuple[str, list[str]]) -> None:
    text, spellings = case
    terms = _named(spellings)
    matcher = TermMatcher(terms, protected=())
    hits = matcher.find(text)
    assert all(a.end <= b.start for a, b in zip(hits, hits[1:], strict=False))
    for h in hits:
        key, forms = term_key(h.text), _term_forms(h.term)
        assert any(key == chain + form for form, kind, _ in forms for chain in CHAINS[kind])
        before, after = normalize(text[:h.start] + "x")[:-1], normalize("x" + text[h.end:])[1:]
        assert not before or not term_key(before[-1]), "a hit starts inside a word"
        assert not after or not term_key(after[0]), "a hit ends inside a word"


@settings(max_examples=200, deadline=None)
@given(case=_case())
def test_same_hits_as_an_independent_matcher(case: tuple[str, list[str]]) -> None:
    text, spellings = case
    terms = _named(spellings)
    hits = TermMatcher(terms, protected=()).find(text)
    offsets = scan_with_offsets(text)[1]
    expected = [(offsets[ts], _end(text, offsets[e - 1] + 1), ar) for ts, e, ar in _reference(terms, text)]
    assert [(h.start, h.end, h.term.ar) for h in hits] == expected


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet="وئيىأبةلا ٣۴a\u064e\u0651\u0654\u0640\u200f\ufefb\ufdf2\ufe76\xa0\n\t،.«",
                    max_size=40))
def test_fast_scan_key_agrees_with_normalize_with_offsets(text: str) -> None:
    key, offsets = normalize_with_offsets(text)
    assert scan_with_offsets(text) == (key.translate(_CLASSES), offsets)
    assert _scan_key(text)[0] == key.translate(_CLASSES)


def _end(text: str, end: int) -> int:
    while end < len(text) and text[end] in "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0640":
        end += 1
    return end


# -- English ----------------------------------------------------------------------------------

ENGLISH_CASES = [
    ("plain", "Hezbollah", "Hezbollah said", True),
    ("case", "Hezbollah", "HEZBOLLAH said", True),
    ("possessive", "Hezbollah", "Hezbollah's fighters", True),
    ("curly-possessive", "Hezbollah", "Hezbollah\u2019s fighters", True),
    ("no-name-plural", "Hezbollah", "two Hezbollahs", False),
    ("hama-not-hamas", "Hama", "Hamas said", False),
    ("inside-word", "Iran", "Iranian", False),
    ("prefix-word", "Iran", "proIran", False),
    ("common-plural", "militia", "the militias", True),
    ("common-plural-es", "coalition force", "coalition forces", True),
    ("common-plural-possessive", "militia", "the militias' leaders", True),
    ("hyphen-for-space", "Secretary General", "the Secretary-General", True),
    ("space-for-hyphen", "Secretary-General", "the Secretary General", True),
    ("newline", "Security Council", "the Security\nCouncil", True),
    ("leading-the", "the Security Council", "Security Council members", True),
    ("the-not-required-in-text", "The United Nations", "United Nations", True),
    ("accents", "Qasem Soleimani", "Qāsem Soleimani", True),
    ("acronym-case-sensitive", "US", "told us that", False),
    ("acronym", "US", "the US and Iran", True),
    ("acronym-dots", "U.S.", "the U.S. envoy", True),
    ("missing", "Popular Mobilization Forces", "the Popular Mobilisation Units", False),
    ("empty-rendering", "", "anything", False),
    ("empty-english", "Iraq", "", False),
]


@pytest.mark.parametrize("rendering,english,expected", **table(ENGLISH_CASES))
def test_english_has(rendering: str, english: str, expected: bool) -> None:
    assert english_has(rendering, english) is expected


TERM = Term("حزب الله", "Hezbollah", alternatives=("Hizbullah",),
            forbidden=("Party of God", "Hezbollah party"))

TERM_CASES = [
    ("required", "Hezbollah fighters", True, []),
    ("alternative", "Hizbullah fighters", True, []),
    ("forbidden-only", "the Party of God said", False, ["Party of God"]),
    ("both", "Hezbollah, the Party of God", True, ["Party of God"]),
    ("forbidden-contains-required", "the Hezbollah party said", True, ["Hezbollah party"]),
    ("neither", "the group said", False, []),
]


@pytest.mark.parametrize("english,is_found,bad", **table(TERM_CASES))
def test_term_found_and_forbidden_found(english: str, is_found: bool, bad: list[str]) -> None:
    assert term_found(TERM, english) is is_found
    assert forbidden_found(TERM, english) == bad


def test_forbidden_inside_an_accepted_rendering_is_not_reported() -> None:
    term = Term("الدولة الإسلامية", "Islamic State", forbidden=("State",))
    assert forbidden_found(term, "the Islamic State group") == []
    assert forbidden_found(term, "the State and the Islamic State") == ["State"]


# -- the hand-annotated UN test set (bench/data, see bench/term_testset.py) --------------------

UN_SET = Path(__file__).resolve().parents[1] / "bench" / "data" / "un_political_terms.json"


@pytest.mark.skipif(not UN_SET.is_file(), reason="bench/data/un_political_terms.json is not there")
def test_un_test_set_every_listed_occurrence_found_exactly() -> None:
    doc = json.loads(UN_SET.read_text(encoding="utf-8"))
    matcher = TermMatcher(Term(t["ar"], t["en"], variants=tuple(t["variants"])) for t in doc["terms"])
    false_hits = 0
    for s in doc["sentences"]:
        hits = {(h.term.ar, h.start, h.end) for h in matcher.find(s["ar"])}
        listed = {(g["term"], g["start"], g["end"]) for g in s["occurrences"] if g["form"] == "listed"}
        assert listed <= hits, f"line {s['line']}: missed {listed - hits}"
        false_hits += len(hits - listed)
    assert false_hits <= 4  # القاعدة "the rule", Ukraine's security council, السلام in حفظة السلام twice


# -- the English pre-check: it skips compiling and searching, and never changes a result -------

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
POLITICAL = Path(__file__).resolve().parents[1] / "glossaries" / "political.tsv"


def _compiled_has(rendering: str, english: str) -> bool:
    """english_has as it was before the pre-check: the rendering's pattern searched, always."""
    from tm.terms import _en_pattern, _fold_en

    pattern = _en_pattern(rendering)
    return bool(pattern and pattern.search(_fold_en(english)))


def _compiled_forbidden(term: Term, english: str) -> list[str]:
    """forbidden_found as it was before (tm 861d50c): every accepted rendering's spans first."""
    from tm.terms import _en_pattern, _fold_en

    def spans(rendering: str) -> list[tuple[int, int]]:
        pattern = _en_pattern(rendering)
        return [m.span() for m in pattern.finditer(_fold_en(english))] if pattern else []

    if not term.forbidden:
        return []
    accepted = [span for r in (term.en, *term.alternatives) for span in spans(r)]
    return [r for r in term.forbidden
            if any(not any(a <= s and e <= b for a, b in accepted) for s, e in spans(r))]


PRECHECK_CASES = [
    ("long s", "Mosul", "the battle for Moſul"),
    ("long s in the rendering", "Moſul", "the battle for MOSUL"),
    ("kelvin sign", "Kurds", "\u212aurds fought"),
    ("kelvin in rendering", "\u212aurds", "kurds fought"),
    ("dotless i", "Idlib", "ıdlıb province"),
    ("dotted capital I", "Idlib", "\u0130dlib province"),
    ("micro and mu", "µ-law", "μ-LAW"),
    ("greek final sigma", "Σ group", "ς group"),
    ("fullwidth letters", "Hamas", "\uff28\uff41\uff4d\uff41\uff53 said"),
    ("ligature fi", "financial", "ﬁnancial aid"),
    ("accents", "Sanaa", "Sanaá and Ṣanʿāʾ"),
    ("curly possessive", "Hezbollah", "Hezbollah’s fighters"),
    ("plural", "militia", "the MILITIAS"),
    ("hyphen between words", "Secretary General", "the Secretary‑General said"),
    ("leading the", "The Hague", "in Hague today"),
    ("acronym case", "US", "us and them"),
    ("acronym", "US", "the US said"),
    ("name is no plural", "Hama", "Hamas"),
    ("absent", "Security Council", "the General Assembly"),
    ("one word missing", "Security Council", "Council of Security"),
    ("empty rendering", " - ", "anything"),
    ("turkish dotless capital", "İstanbul", "ISTANBUL"),
    ("german sharp s", "Straße", "STRASSE"),
    ("german capital sharp s", "straße", "STRA\u1e9eE"),
    ("cherokee", "\u13a0", "\uab70"),
    ("angstrom", "\u00e5ngstrom", "\u212bNGSTROM"),
]


@pytest.mark.parametrize(("rendering", "english"), [c[1:] for c in PRECHECK_CASES],
                         ids=[c[0] for c in PRECHECK_CASES])
def test_english_has_with_the_pre_check_is_the_compiled_search(rendering: str, english: str) -> None:
    assert english_has(rendering, english) == _compiled_has(rendering, english)


def test_the_pre_check_lets_through_the_case_tolerant_matches_it_must() -> None:
    # each of these is a real match of the pattern (so the pre-check must not reject it)
    for rendering, english in [("Mosul", "Moſul"), ("Kurds", "\u212aurds"), ("Idlib", "ıdlıb"),
                               ("µ-law", "μ-LAW"), ("militia", "MILITIAS"),
                               ("Hamas", "\uff28\uff41\uff4d\uff41\uff53")]:
        assert english_has(rendering, english), (rendering, english)


def test_caseless_maps_every_character_re_ignorecase_matches_to_the_same_one() -> None:
    """The pre-check's proof, checked for every letter: whenever re.IGNORECASE matches a pattern's
    letter against a character, the two map to the same character.  Only a cased character can
    match another one (an uncased pattern letter matches itself; an uncased text character's lower
    case is itself, and never a cased letter), so the text holds every cased character."""
    import _sre

    from tm.terms import _caseless_text

    cased = [chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000
             and (_sre.unicode_iscased(c) or chr(c).lower() != chr(c) or chr(c).upper() != chr(c))]
    everything = "".join(cased)
    checked = 0
    for letter in cased:
        for m in re.finditer(re.escape(letter), everything, re.IGNORECASE):
            assert _caseless_text(m.group()) == _caseless_text(letter), (letter, m.group())
            checked += m.group() != letter
    assert len(cased) > 2000 and checked > len(cased)  # most letters have another case


def test_caseless_ascii_is_lower() -> None:
    from tm.terms import _CaselessTable

    ascii_text = "".join(map(chr, range(128)))
    assert ascii_text.translate(_CaselessTable()) == ascii_text.lower()


def _real_english() -> list[str]:
    ntrex = SHARED_DATA / "ntrex128" / "newstest2019-src.eng.txt"
    if not ntrex.exists():
        pytest.skip("../shared/data (NTREX-128) is not checked out")
    return ntrex.read_text(encoding="utf-8").splitlines()[:300]


def test_the_political_glossary_on_real_news_gives_the_results_of_the_compiled_search() -> None:
    """Every rendering (required, alternative, forbidden) of the shipped glossary against 300 NTREX
    sentences, plus sentences that carry the renderings themselves (so that many are found)."""
    from tm.formats.termfile import read_terms_file

    records = read_terms_file(POLITICAL)
    english = _real_english()
    english += [f"On {r.en}'s side, the {r.en.upper()} and {' '.join(r.alternatives)} met." for r in records[::6]]
    renderings = sorted({x for r in records for x in (r.en, *r.alternatives, *r.forbidden)})
    found = 0
    for sentence in english:
        for rendering in renderings:
            has = english_has(rendering, sentence)
            assert has == _compiled_has(rendering, sentence), (rendering, sentence)
            found += has
    assert found > 200
    terms = [Term(r.ar, r.en, alternatives=tuple(r.alternatives), forbidden=tuple(r.forbidden or ("not " + r.en,)))
             for r in records]
    english += [f"the {r.forbidden[0]} and {r.en}" for r in records if r.forbidden]
    flagged = 0
    for sentence in english:
        for term in terms:
            got = forbidden_found(term, sentence)
            assert got == _compiled_forbidden(term, sentence), (term, sentence)
            flagged += bool(got)
    assert flagged > 0


def test_a_rendering_whose_words_are_absent_is_not_compiled() -> None:
    """A 10,000-term glossary has more renderings than the pattern cache holds; the checks compile
    only the renderings whose words the English has (tm glossary import, qa, check, translate)."""
    from tm.formats.termfile import same_rendering
    from tm.terms import _en_pattern

    _en_pattern.cache_clear()
    term = Term("مجلس الأمن", "Security Council", alternatives=("UNSC",), forbidden=("Safety Council",))
    assert not term_found(term, "The General Assembly met on Tuesday.")
    assert forbidden_found(term, "The General Assembly met on Tuesday.") == []
    assert not same_rendering("Security Council", "Bad rendering 17")
    assert _en_pattern.cache_info().misses == 0
    assert term_found(term, "The security council met.")
    assert forbidden_found(term, "the Safety Council") == ["Safety Council"]
    assert _en_pattern.cache_info().misses == 2  # Security Council, Safety Council: not UNSC
