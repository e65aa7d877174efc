"""The numbers an Arabic or English text states, as values that compare across languages (for QA).

A written number is read with the conventions of Arabic and English news and UN documents:

* digits in any script (٢٠١١ = 2011), ``,``/``٬`` thousands separators and ``.``/``٫`` decimal
  points (``2,5`` with one comma not followed by three digits is Arabic for 2.5; ``17.11.2026``
  is three numbers);
* digit groups separated by spaces, in reading order (``1 036 201 000``) or in the reversed
  order UN Arabic stores them (``000 201 036 1`` = 1,036,201,000; ``958.6 1 مليون`` = 1,958.6 million);
* a scale word after it — thousand, million, billion, trillion, bn, mn, mln; ألف آلاف مليون
  ملايين مليار مليارات بليون تريليون — so 5 ملايين = 5 million = 5,000,000; ``$5m``, ``£2bn``;
* clock times: 10:15 = 10.15 a.m., 15:00 = 3 p.m. = 1500 hours;
* section numbers: 5-1 = 5.1;
* a list marker at the start of a segment (``1-``, ``2)``, ``٩ -``, ``3.``) need not appear on
  the other side.

Each number has *options* (sets of values); it is matched when all values of one option occur
on the other side.  Number words — cardinals, ordinals and tens up to 100 (also compounds:
thirty-five, خمسة وثلاثون), a lone scale word, Arabic duals (ساعتين) — are never required, but
they let a digit on the other side stand: خمس ساعات ↔ 5 hours.  A word that may be a masculine
dual (طفلان, صاروخين; but ان/ين also end plurals and names such as إيران) lets a 2 stand too.

(:mod:`tm.carry` reads numbers too, to carry them into memory matches; it needs their written
form and order, not these equivalences.)
"""

from __future__ import annotations

import re
from collections.abc import Hashable
from dataclasses import dataclass, field
from decimal import Decimal

from .normalize import DIGITS, normalize

_TRANSLATE = str.maketrans({**DIGITS, "\u066b": ".", "\u066c": ","})
_ARABIC_COMMA = re.compile(r"(?<=\d)\u060c(?=\d{3}(?!\d))")
_ROMAN = re.compile(r"(?:\b(?=[MDCLXVI]{2,}\b)|\((?=[MDCLXVI]+\)))([MDCLXVI]+)")
_ROMAN_VALUES = {"M": 1000, "D": 500, "C": 100, "L": 50, "X": 10, "V": 5, "I": 1}
_NUMBER = re.compile(r"(?<!\d)(?<!\d[.,])\d+(?:[.,]\d+)*")
_GROUP_SPACE = (" ", "\u00a0", "\u202f", "\u2009")
_NEXT_WORD = re.compile(r"[ \u00a0-]*([^\W\d_]+)(?!-\d)")
_WORD = re.compile(r"[^\W\d_]+")
_MARKS = re.compile("[\u064b-\u065f\u0670\u0640]")
_CURRENCY = re.compile(r"[$£€¥]\s*$")
_TIME = re.compile(
    r"(?<![\d.,:])(\d{1,2})(?:[:.](\d{2}))?(?:\s*([ap])\.?\s?m\b\.?)"  # 10 a.m., 10.15 p.m.
    r"|(?<![\d.,:])(\d{1,2}):(\d{2})(?![\d:])(?![ \u00a0]*(?:مساء|صباح|ظهر|عصر|ليل|فجر))"  # 10:15
    r"|(?<![\d/])(\d{2})/(\d{1,2})(?![\d/])"  # 00/10 and 30/10: UN Arabic's 10:00 and 10:30
    r"|(?<![\d.,:])(\d{1,2})[.:](\d{2})(?![\d.,:])(?=[ \u00a0]*(مساء|صباح|ظهر|عصر|ليل|فجر))",  # ٥٫٣٠ مساء
    re.IGNORECASE,
)
_AFTERNOON = {"مساء": 12, "ظهر": 12, "عصر": 12, "ليل": 12, "صباح": 0, "فجر": 0}
_MARKER = re.compile(r"^\s*(?:[-–—_•*·]\s*)?[(\'`‘]?(\d{1,3})(?:\s*[-.)–]|[\'`’])\s")
_SECTION = re.compile(r"(?<![\d.,])(\d{1,3})-(\d{1,3})(?![\d-])")

_SCALES = {
    "thousand": 3, "million": 6, "billion": 9, "trillion": 12, "bn": 9, "mn": 6, "mln": 6,
    "الف": 3, "الاف": 3, "الفا": 3, "مليون": 6, "ملايين": 6, "مليونا": 6, "مليار": 9, "مليارات": 9,
    "مليارا": 9, "بليون": 9, "بلايين": 9, "تريليون": 12, "ترليون": 12,
}
_EN_WORDS: dict[str, int | Decimal] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "dozen": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "hundred": 100,
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "sixtieth": 60,
    "seventieth": 70, "eightieth": 80, "ninetieth": 90, "hundredth": 100,
    "twice": 2, "once": 1, "both": 2, "half": Decimal("0.5"),
}
_AR_WORDS: dict[str, int | Decimal] = {
    **dict.fromkeys("واحد واحده اول اولي احد احدي حادي حاديه".split(), 1),
    **dict.fromkeys("اثنان اثنين اثنتان اثنتين اثنا اثني اثنتا اثنتي ثاني ثانيه مرتين".split(), 2),
    **dict.fromkeys("ثلاث ثلاثه ثالث ثالثه".split(), 3),
    **dict.fromkeys("اربع اربعه رابع رابعه".split(), 4),
    **dict.fromkeys("خمس خمسه خامس خامسه".split(), 5),
    **dict.fromkeys("ست سته سادس سادسه".split(), 6),
    **dict.fromkeys("سبع سبعه سابع سابعه".split(), 7),
    **dict.fromkeys("ثمان ثماني ثمانيه ثامن ثامنه".split(), 8),
    **dict.fromkeys("تسع تسعه تاسع تاسعه".split(), 9),
    **dict.fromkeys("عشر عشره عاشر عاشره".split(), 10),
    **dict.fromkeys("عشرون عشرين".split(), 20), **dict.fromkeys("ثلاثون ثلاثين".split(), 30),
    **dict.fromkeys("اربعون اربعين".split(), 40), **dict.fromkeys("خمسون خمسين".split(), 50),
    **dict.fromkeys("ستون ستين".split(), 60), **dict.fromkeys("سبعون سبعين".split(), 70),
    **dict.fromkeys("ثمانون ثمانين".split(), 80), **dict.fromkeys("تسعون تسعين".split(), 90),
    **dict.fromkeys("مئه مائه مئوي مئويه".split(), 100),
    **dict.fromkeys("مئتين مائتين مئتان مائتان".split(), 200),
    "الفين": 2000, "الفان": 2000, "الفي": 2000, "مليونين": 2_000_000, "مليوني": 2_000_000,
    "مليونان": 2_000_000, "مليارين": 2_000_000_000, "ملياري": 2_000_000_000, "ملياران": 2_000_000_000,
    "نصف": Decimal("0.5"),
    **{f"{stem}{end}": 1900 + 10 * n for n, stem in enumerate(
        "عشرين ثلاثين اربعين خمسين ستين سبعين ثمانين تسعين".split(), start=2) for end in ("يات", "ات")},
}
_PROCLITICS = ("", "و", "ف", "ب", "ل", "ك", "وب", "ول", "فب", "فل", "وك")
_ARTICLES = ("", "ال", "لل")


@dataclass(frozen=True)
class Number:
    """One written number: how it is written and the values it may stand for."""

    shown: str
    options: tuple[frozenset[Hashable], ...]  # matched when every value of one option is on the other side
    required: bool = True  # False for a list marker

    def found_in(self, values: set[Hashable]) -> bool:
        return any(option <= values for option in self.options)


@dataclass
class Numbers:
    """What :func:`numbers` found: written numbers, and the values number words stand for."""

    items: list[Number] = field(default_factory=list)
    words: set[Hashable] = field(default_factory=set)

    @property
    def exact(self) -> dict[Hashable, str]:
        """The values of the numbers' first options, with how each was written."""
        out: dict[Hashable, str] = {}
        for n in self.items:
            for value in n.options[0]:
                out.setdefault(value, n.shown)
        return out

    def values(self) -> set[Hashable]:
        """Every value any number or number word may stand for."""
        out = set(self.words)
        for n in self.items:
            for option in n.options:
                out |= option
        return out


def _values(token: str) -> list[Decimal]:
    """The value(s) a digit token spells; see the module docstring for the separators."""
    if not re.search(r"[.,]", token):
        return [Decimal(token)]
    commas = token.count(",")
    groups = re.split(r"[.,]", token)
    grouped = 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])
    if commas and "." in token:
        point = max(token.rfind(","), token.rfind("."))
        whole, fraction = token[:point], token[point + 1:]
        whole_groups = re.split(r"[.,]", whole)
        if token[point] not in whole and 1 <= len(whole_groups[0]) <= 3 and all(
            len(g) == 3 for g in whole_groups[1:]
        ):
            return [Decimal("".join(whole_groups) + "." + fraction)]  # 1,234.5 and 1.234,5
        return [Decimal(g) for g in groups]
    if len(groups) == 2 and not grouped:
        return [Decimal(groups[0] + "." + groups[1])]  # 2.5, and Arabic 2,5
    if grouped and (commas or len(groups) > 2):
        return [Decimal("".join(groups))]  # 1,234,567 and 1.234.567
    if len(groups) == 2:
        return [Decimal(groups[0] + "." + groups[1])]  # 1.234 with a point is a decimal
    return [Decimal(g) for g in groups]


def _joined(groups: list[str]) -> Decimal | None:
    """The value of space-separated digit groups in reading order (1 036 201 000), if they fit."""
    *body, last = groups
    whole, _, fraction = last.partition(".")
    fits = (1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in body[1:]) and len(whole) == 3
            and all(g.isdigit() for g in body) and whole.isdigit())
    if not fits:
        return None
    return Decimal("".join(body) + whole + ("." + fraction if fraction else ""))


def _run_options(tokens: list[str]) -> list[frozenset[Hashable]]:
    """The readings of digit groups separated by single spaces (see the module docstring)."""
    options: list[frozenset[Hashable]] = []
    if all(re.fullmatch(r"\d+(?:\.\d+)?", t) for t in tokens):
        for order in (tokens, tokens[::-1]):
            value = _joined(order)
            if value is not None:
                options.append(frozenset([value]))
    options.append(frozenset(v for t in tokens for v in _values(t)))
    return options


def _arabic_word(word: str) -> Decimal | None:
    key = normalize(word)
    for pre in _PROCLITICS:
        if not key.startswith(pre):
            continue
        rest = key[len(pre):]
        for art in _ARTICLES:
            if rest.startswith(art) and rest[len(art):] in _AR_WORDS:
                return Decimal(_AR_WORDS[rest[len(art):]])
    if len(key) > 4 and key.endswith(("تين", "تان")):
        return Decimal(2)  # a feminine dual: ساعتين, مرتين
    return None


_SCALE_PREFIXES = ("", "ال", "وال", "بال", "فال", "لل", "و", "ب")  # الألف "the thousand", وبالملايين


def _scale(word: str) -> int | None:
    if word.isascii():
        return _SCALES.get(word.lower())
    key = normalize(word)
    return next((_SCALES[key[len(p):]] for p in _SCALE_PREFIXES
                 if key.startswith(p) and key[len(p):] in _SCALES), None)  # fmt: skip


def _scaled(text: str, plain: str, start: int, end: int,
            options: list[frozenset[Hashable]]) -> tuple[str, list[frozenset[Hashable]]]:
    """Apply a scale word after the number at ``plain[start:end]`` to its single-value options."""
    follow = _NEXT_WORD.match(plain, end)
    if not follow:
        return text[start:end], options
    exponent = _scale(follow.group(1))
    attached = follow.start(1) == end
    if exponent is None and attached and follow.group(1).lower() == "m" and _CURRENCY.search(plain[:start]):
        exponent = 6  # $5m
    if exponent is None:
        return text[start:end], options
    scaled: list[frozenset[Hashable]] = [
        frozenset([value.scaleb(exponent)]) for o in options if len(o) == 1
        for value in o if isinstance(value, Decimal)
    ]
    return text[start:follow.end()], scaled or options


def _clock(token: str, parts: int) -> list[frozenset[Hashable]]:
    """A time option for a four-digit number that can be one (1855 hours)."""
    if parts == 1 and len(token) == 4 and token.isdigit() and int(token[:2]) < 24 and int(token[2:]) < 60:
        return [frozenset([("time", int(token[:2]) * 60 + int(token[2:]))])]
    return []


def _times(plain: str) -> list[tuple[int, int, frozenset[Hashable], frozenset[Hashable]]]:
    """Clock times: span, the time, and the hour and minute as the plain numbers they are written as.

    The digits are read at the time's own separator, so 5.30 p.m. is 5 and 30 (as 5:30 is), not 5.3."""
    out: list[tuple[int, int, frozenset[Hashable], frozenset[Hashable]]] = []
    for m in _TIME.finditer(plain):
        if m.group(4) is not None:
            hour, minute = int(m.group(4)), int(m.group(5))
        elif m.group(6) is not None:
            minute, hour = int(m.group(6)), int(m.group(7))
        elif m.group(8) is not None:  # an Arabic time of day: 5.30 مساء is 17:30, as 5.30 p.m.
            hour, minute = int(m.group(8)), int(m.group(9))
            if 1 <= hour < 12 and not (m.group(10) == "ليل" and hour < 6):
                hour += _AFTERNOON[m.group(10)]
        else:
            hour, minute = int(m.group(1)), int(m.group(2) or 0)
            half = m.group(3).lower()
            if not 1 <= hour <= 12:
                continue
            hour = hour % 12 + (12 if half == "p" else 0)
        if hour < 24 and minute < 60:
            written = frozenset(Decimal(g) for g in m.groups() if g is not None and g.isdigit())
            out.append((m.start(), m.end(), frozenset([("time", hour * 60 + minute)]), written))
    return out


def numbers(text: str) -> Numbers:
    """The numbers *text* states (see the module docstring)."""
    plain = _ARABIC_COMMA.sub(",", text.translate(_TRANSLATE))  # 30،000: same length as text
    out = Numbers()
    marker = _MARKER.match(plain)
    taken: list[tuple[int, int]] = []
    dates = [m.span() for m in _DATE.finditer(plain)]
    for start, end, time, written in _times(plain):
        out.items.append(Number(text[start:end], (time, written)))
        taken.append((start, end))
    for m in _SECTION.finditer(plain):
        if any(s <= m.start() < e for s, e in taken + dates) or (marker and m.start(1) == marker.start(1)):
            continue
        a, b = m.group(1), m.group(2)
        out.items.append(Number(text[m.start():m.end()],
                                (frozenset([Decimal(a), Decimal(b)]), frozenset([Decimal(f"{a}.{b}")]))))
        taken.append(m.span())
    tokens = [m for m in _NUMBER.finditer(plain) if not any(s <= m.start() < e for s, e in taken)]
    i = 0
    while i < len(tokens):
        j = i
        while j + 1 < len(tokens) and plain[tokens[j].end():tokens[j + 1].start()] in _GROUP_SPACE:
            j += 1
        run = tokens[i:j + 1]
        if len(run) > 1 and len(_run_options([t.group() for t in run])) == 1:
            run = run[:1]  # not digit groups: one number at a time
        j = i + len(run) - 1
        start, end = run[0].start(), run[-1].end()
        required = not (marker and start == marker.start(1))
        if len(run) > 1:
            options = _run_options([t.group() for t in run])
        else:
            values = _values(run[0].group())
            if len(values) > 1:  # 17.11.2026: three numbers, each required
                in_date = any(s <= start < e for s, e in dates)
                out.items.extend(Number(str(v), (frozenset([v]), *_month_part(v, in_date)), required) for v in values)
                i = j + 1
                continue
            options = [frozenset(values), *_readings(run[0].group(), text[start:end])]
        shown, options = _scaled(text, plain, start, end, options)
        month = _month_part(min(values) if len(run) == 1 and values else None, any(s <= start < e for s, e in dates))
        out.items.append(Number(shown, (*options, *_clock(run[0].group(), len(run)), *month), required))
        i = j + 1
    _words(plain, out.words)
    return out


def _readings(token: str, written: str) -> list[frozenset[Hashable]]:
    """Other readings of a number with one separator (76.000 is 76,000 in some styles; 2,5 is 2.5).

    None for the unambiguous ones: the Arabic separators (١٬٥٠٠ is 1500, ٣٫٥ is 3.5, as *written*)
    and a comma before three digits (1,500 is 1500, never 1.5)."""
    if "\u066b" in written or "\u066c" in written or re.fullmatch(r"\d+,\d{3}", token):
        return []
    parts = re.split(r"[.,]", token)
    if len(parts) != 2:
        return []
    a, b = parts
    out: list[frozenset[Hashable]] = [frozenset([Decimal(f"{a}.{b}")]), frozenset([Decimal(a), Decimal(b)])]
    if len(b) == 3:
        out.append(frozenset([Decimal(a + b)]))
    return out


def _roman(numeral: str) -> int:
    values = [_ROMAN_VALUES[c] for c in numeral]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


def _words(plain: str, into: set[Hashable]) -> None:
    for m in _ROMAN.finditer(plain):
        into.add(Decimal(_roman(m.group(1))))  # resolution 973 (X), the thirty-fifth session (XXXV)
    previous: Decimal | None = None
    fresh = False  # whether the previous word's value was new to *into*
    words = _WORD.findall(_MARKS.sub("", plain))  # مليونَي: harakat would split the word
    for word in words:
        value: Decimal | None
        if word.isascii():
            found = _EN_WORDS.get(word.lower())
            value = Decimal(found) if found is not None else None
        else:
            value = _arabic_word(word)
        exponent = _scale(word)
        if exponent is not None:
            into.add(Decimal(1).scaleb(exponent))
            if previous is not None:
                into.add(previous.scaleb(exponent))
        if value == 100 and previous is not None and 1 <= previous < 10:  # three hundred: 300, not 3
            if fresh:
                into.discard(previous)
            into.add(previous * 100)
            previous, fresh = None, False
            continue
        if value is not None:
            fresh = value not in into
            into.add(value)
            if value == Decimal("0.5"):
                into.add(Decimal(50))  # النصف ~ 50 per cent
            if previous is not None and (
                (previous < 10 and (value in _TENS or value == 10)) or (previous in _TENS and value < 10)
            ):
                into.add(previous + value)  # خمسة وثلاثون, سبعة عشر, thirty-five
        previous = value
    if any(_maybe_dual(word) for word in words if not word.isascii()):
        into.add(Decimal(2))
    into.update(_months(words))


_EN_MONTHS = {m: i for i, m in enumerate("January February March April May June July August September October "
                                          "November December".split(), start=1)}
_EN_MONTHS.update({m[:3]: i for m, i in list(_EN_MONTHS.items())} | {"Sept": 9})
_AR_MONTHS = {normalize(m): i for m, i in zip("يناير فبراير مارس أبريل مايو يونيو يوليو أغسطس سبتمبر أكتوبر نوفمبر "
                                               "ديسمبر".split(), range(1, 13), strict=True)}
_AR_MONTHS.update({normalize(m): i for m, i in (("إبريل", 4), ("يونيه", 6), ("يوليه", 7), ("شباط", 2), ("آذار", 3),
                                                 ("نيسان", 4), ("أيار", 5), ("حزيران", 6), ("تموز", 7),
                                                 ("أيلول", 9))})
_AR_PAIRED_MONTHS = {("كانون", "الثاني"): 1, ("تشرين", "الاول"): 10, ("تشرين", "الثاني"): 11, ("كانون", "الاول"): 12}


_DATE = re.compile(r"(?<![\d/.-])(?:\d{4}([/.-])\d{1,2}\1\d{1,2}|\d{1,2}([/.-])\d{1,2}\2\d{4})(?![\d/.-])")


def _month_part(value: Decimal | None, in_date: bool) -> tuple[frozenset[Hashable], ...]:
    """The extra reading of a number inside a numeric date (2024/01/05) that could be its month: a month
    name on the other side (5 January 2024) states it."""
    if value is None or not in_date or value != value.to_integral_value() or not 1 <= value <= 12:
        return ()
    return (frozenset([("month", int(value))]),)


def _months(words: list[str]) -> set[Hashable]:
    """What month names state (5 January 2024 ~ ٢٠٢٤/٠١/٠٥): the month, matched only by a number inside a
    numeric date on the other side (:func:`_month_part`), never by any other number (مارس is also a verb,
    May a modal, نيسان a car), and never a number this side must show.  *words*: the text's words."""
    out: set[Hashable] = set()
    for i, word in enumerate(words):
        if word.isascii():
            month = _EN_MONTHS.get(word)
        else:
            key = normalize(word)
            key = key[1:] if key[:1] in "وبف" and key[1:] in _AR_MONTHS else key
            month = _AR_MONTHS.get(key)
            if month is None and i + 1 < len(words):
                month = _AR_PAIRED_MONTHS.get((key.removeprefix("و").removeprefix("ب"), normalize(words[i + 1])))
        if month is not None:
            out.add(("month", month))
    return out


_DUAL_PREFIXES = ("وال", "فال", "بال", "كال", "لل", "ال", "و", "ف", "ب", "ل", "ك")


# Nouns whose masculine dual (stem + ان/ين) news writes for "two" (keys): only these, since ان and ين
# also end plurals, names and months (مهندسين, طهران, لبنان, نيسان), where a stray 2 must still be flagged.
_DUAL_STEMS = frozenset(normalize(w) for w in """
    يوم شهر عام أسبوع قرن عقد طفل رجل جندي شخص قتيل جريح صاروخ برميل بلد طرف جانب رئيس زعيم وزير نائب
    سفير ضابط مليون ألف هدف منزل هجوم انفجار قرار اتفاق مشروع مقعد صوت حزب شقيق ابن مرشح قاض موقع مطار
    مستشفى مسجد دولار مبنى جسر سجين أسير طبيب قائد مصرف فندق حي مخيم معبر
    """.split())
# Nisbas, whose dual is read only in the nominative (صحفيان): صحفيين is as often their plural.
_NISBA_STEMS = frozenset(normalize(w) for w in """
    صحفي مدني عسكري أمريكي أميركي إسرائيلي فلسطيني لبناني سوري عراقي مصري إيراني سعودي تركي روسي أردني
    يمني ليبي أجنبي بريطاني فرنسي ألماني صيني
    """.split())


def _maybe_dual(word: str) -> bool:
    """Whether *word* is the masculine dual of a common noun (طفلان, صاروخين, البلدين), which states 2
    without a digit.  A possible dual only lets a 2 on the other side stand; it is never read as a 2 the
    other side must state (ان and ين also end plurals: جنديين or جنود)."""
    key = normalize(word)
    if not key.endswith(("ان", "ين")) or _arabic_word(word) is not None or _scale(word) is not None:
        return False
    stems = [key] + [key[len(p):] for p in _DUAL_PREFIXES if key.startswith(p)]
    return any(stem[:-2] in _DUAL_STEMS or (stem.endswith("ان") and stem[:-2] in _NISBA_STEMS) for stem in stems)


_TENS = {Decimal(t) for t in range(20, 100, 10)}
