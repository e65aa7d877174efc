"""The Arabic matching key: each rule, the offsets back into the original, and its invariants."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tm.normalize import arabic_share, ascii_digits, normalize, normalize_with_offsets

RULES = [
    # tashkeel
    ("fatha-damma-kasra", "كَتَبُوا الدَّرْسِ", "كتبوا الدرس"),
    ("tanwin", "كتاباً جديدٌ بيتٍ", "كتابا جديد بيت"),
    ("shadda-sukun", "رتّب مدْرسة", "رتب مدرسه"),
    ("superscript-alef", "هٰذا", "هذا"),
    ("small-marks", "محمد\u0610 قال\u0618", "محمد قال"),
    ("quranic-marks", "الرَّحِيمِ\u06d6 مَالِكِ\u06da", "الرحيم مالك"),
    ("extended-marks", "كتاب\u08f0", "كتاب"),
    # tatweel
    ("tatweel", "الســـــلام عليـكم", "السلام عليكم"),
    ("tatweel-abbreviation", "632 هـ", "632 ه"),
    # hamza and alef forms
    ("alef-hamza-above", "أحمد", "احمد"),
    ("alef-hamza-below", "إيران", "ايران"),
    ("alef-madda", "آسيا", "اسيا"),
    ("alef-wasla", "ٱلله", "الله"),
    ("hamza-seats-kept", "سؤال شيء مسائل", "سؤال شيء مسائل"),
    ("combining-hamza-on-waw", "سو\u0654ال", "سؤال"),
    ("combining-hamza-on-yeh", "شي\u0654 مسا\u064a\u0654ل", "شئ مسائل"),
    ("combining-hamza-on-alef", "ا\u0654حمد", "احمد"),
    ("alef-maksura", "على مستوى", "علي مستوي"),
    ("ta-marbuta", "مدرسة الدولة", "مدرسه الدوله"),
    ("persian-yeh-keheh", "ی\u06a9", "يك"),
    ("urdu-heh-forms", "الحکومۃ ہ ۂ ھ ۀ", "الحكومه ه ه ه ه"),
    ("urdu-yeh-barree", "ہے", "هي"),
    # digits
    ("arabic-indic-digits", "عام ٢٠١٥", "عام 2015"),
    ("persian-digits", "۱۲۳۴۵۶۷۸۹۰", "1234567890"),
    ("arabic-number-signs", "٢٫٥ ١٬٠٠٠ ٥٠٪", "2.5 1,000 50%"),
    ("arabic-punctuation-kept", "نعم، لا؛ لماذا؟", "نعم، لا؛ لماذا؟"),  # ؛ follows the dropped U+0610-061A
    ("fullwidth-digits", "１２３", "123"),
    # presentation forms
    ("lam-alef-ligature", "ﻻ ﻷ", "لا لا"),
    ("contextual-forms", "ﺑﻴﺖ", "بيت"),
    ("allah-ligature", "ﷲ", "الله"),
    ("salla-ligature", "محمد ﷺ", "محمد صلي الله عليه وسلم"),
    ("isolated-harakat-forms", "ب\ufe76ت\ufe7c", "بت"),
    # whitespace and invisible characters
    ("whitespace-runs", "  قال\t\tالرئيس\n\n بوتين \r\n", "قال الرئيس بوتين"),
    ("nbsp-and-unicode-spaces", "قال\xa0الرئيس\u2003بوتين", "قال الرئيس بوتين"),
    ("narrow-nbsp-after-the-bidi-range", "مجلس\u202fالأمن ٥\u202f٠٠٠", "مجلس الامن 5 000"),
    ("zwnj-direction-marks-bom", "\ufeff\u200fمي\u200cخواهم\u200e", "ميخواهم"),
    ("mark-between-spaces", "قال \u064b الرئيس", "قال الرئيس"),
    ("bidi-isolates-embeddings", "\u202bقالت \u2066CNN\u2069 اليوم\u202c \u202a\u202d\u202e\u2067\u2068",
     "قالت cnn اليوم"),
    ("zero-width-space-and-joiner", "قال\u200bالرئيس بو\u2060تين", "قال الرئيس بوتين"),
    # Latin
    ("latin-casefold", "The U.S. STRASSE Straße", "the u.s. strasse strasse"),
    ("empty", "", ""),
    ("unchanged", "قال الرئيس", "قال الرئيس"),
]


@pytest.mark.parametrize(("text", "key"), [r[1:] for r in RULES], ids=[r[0] for r in RULES])
def test_normalize(text: str, key: str):
    assert normalize(text) == key
    assert normalize(key) == key


@pytest.mark.parametrize(
    ("text", "term", "span"),
    [
        ("قالَ الرَّئيسُ بوتين", "الرئيس", "الرَّئيس"),
        ("  عام ٢٠١٥ م", "2015", "٢٠١٥"),
        ("زار ﻷول مرة", "لاول", "ﻷول"),
        ("وقال\t\tالرئيس", "وقال الرئيس", "وقال\t\tالرئيس"),
        ("الســـــلام عليكم", "السلام", "الســـــلام"),
        ("هو سو\u0654ال صعب", "سؤال", "سو\u0654ال"),
    ],
    ids=["tashkeel", "digits-and-leading-space", "ligature", "collapsed-space", "tatweel", "combining-hamza"],
)
def test_offsets_map_a_key_span_back(text: str, term: str, span: str):
    key, offsets = normalize_with_offsets(text)
    s = key.index(term)
    e = s + len(term)
    assert text[offsets[s] : offsets[e - 1] + 1] == span
    assert normalize(span) == term


def test_offsets_keep_leading_and_trailing_space():
    key, offsets = normalize_with_offsets("  قال  ")
    assert key == " قال "
    assert offsets == [0, 2, 3, 4, 5, 7]


def test_ascii_digits_changes_digits_only():
    assert ascii_digits("عام ٢٠١٥ و۱۳۹۹، ٢٫٥") == "عام 2015 و1399، 2٫5"


ARABIC = st.text(
    st.one_of(
        st.characters(min_codepoint=0x0600, max_codepoint=0x06FF),
        st.characters(min_codepoint=0xFB50, max_codepoint=0xFEFF),
        st.characters(min_codepoint=0x08A0, max_codepoint=0x08FF),
        st.sampled_from(" \t\n\xa0\u200c\u200f\u2003abcXYZß0123456789.,"),
    ),
    max_size=40,
)


def check_offsets(text: str) -> None:
    key, offsets = normalize_with_offsets(text)
    assert len(offsets) == len(key) + 1 and offsets[-1] == len(text)
    assert offsets == sorted(offsets)
    assert "  " not in key
    assert normalize(text) == key.strip()
    for i, ch in enumerate(key):
        if ch == " " and text[offsets[i]].isspace():
            continue
        # the characters from offsets[i] up to the next key character's produce key[i]
        end = next((o for o in offsets[i + 1 :] if o > offsets[i]), len(text))
        assert ch in normalize(text[offsets[i] : end]), (i, ch)


@settings(max_examples=300, deadline=None, database=None)
@given(st.one_of(ARABIC, st.text(max_size=40)))
def test_offsets_point_at_the_characters_that_made_the_key(text: str):
    check_offsets(text)


@settings(max_examples=300, deadline=None, database=None)
@given(st.one_of(ARABIC, st.text(max_size=40)).filter(lambda t: "\u0654" not in t))
def test_each_key_character_comes_from_the_original_character_at_its_offset(text: str):
    key, offsets = normalize_with_offsets(text)
    for i, ch in enumerate(key):
        original = text[offsets[i]]
        assert ch in (" " if original.isspace() or original == "\u200b" else normalize(original)), (i, original)


@settings(max_examples=300, deadline=None, database=None)
@given(st.one_of(ARABIC, st.text(max_size=40)))
def test_normalize_is_idempotent(text: str):
    key = normalize(text)
    assert normalize(key) == key


SCRIPT = [
    ("arabic", "حزب الله", 1.0),
    ("latin", "Hezbollah", 0.0),
    ("mostly-latin", "Hezbollah (حزب)", 0.25),
    ("tashkeel-and-digits-are-no-letters", "القرار ٢٢٥٤ َ", 1.0),
    ("presentation-forms", "\ufefb\ufdf2", 1.0),
    ("persian-letters", "پ گ", 1.0),
    ("no-letters", "1701 -", 0.0),
    ("empty", "", 0.0),
]


@pytest.mark.parametrize("text,share", [c[1:] for c in SCRIPT], ids=[c[0] for c in SCRIPT])
def test_arabic_share(text: str, share: float):
    assert arabic_share(text) == share
