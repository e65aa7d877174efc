"""Glossary terms: finding them in Arabic segments and checking their English renderings.

Arabic matching (:class:`TermMatcher`) works on the normalised key (:mod:`tm.normalize`), so a
hand-typed entry without hamza, with ه for ة or ي for ى matches the carefully spelled text and the
other way round.  A hit covers whole words: it starts at a word start and ends at a word end,
where a word is a run of letters, digits and combining marks; any other character (space,
، ؛ : . « » “ ” ( ) - …) is a boundary.  The words of a multi-word term must be separated by
whitespace in the text; punctuation inside a term matches any punctuation.

The first word of a term may carry the proclitic chain و/ف, then ب/ك/ل, then the article ال:

* a term written with ال (الحاج قاسم) matches بالحاج قاسم, والحاج قاسم and, with ل + ال → لل,
  للحاج قاسم (اللجنة → للجنة, الله → لله);
* a term written without ال (سلام) also matches with ال attached: السلام, وبالسلام, للسلام, unless
  it is a name, told by its capitalised English rendering (سورية "Syria", مالي "Mali"), since
  ال + name is the adjective (السورية "Syrian") or another word (المالي "financial");
* a term whose first word has fewer than three letters (آب) matches only as a whole word, because
  ب + آب is باب;
* a proclitic is stripped only when the rest of the word is a term, so لبنان is لبنان; words in
  :data:`PROTECTED` (وزير, كامل, …) are never split, so the term زير is not found in وزير nor
  أمل in كامل.

Suffixes are never allowed: العراقي (the adjective) is not العراق, الإسلام is not سلام and
مقدسات is not قدس; nor is the accusative alif (سلاما), since روسيا would then be روسي + ا.
The key drops tanwin, so a word ending in يا whose final alef carries tanwin fath, before it
or after it (روسيًا or روسياً "Russian-ly", بريطانيًا "British"), is kept from matching a term
whose key ends so (روسيا, بريطانيا): such a word is the accusative of the nisba adjective
(روسي + ًا), never the name.  Undiacritised روسيا still matches, and the rule is for names
only: terms spelled with tanwin themselves (رسمياً), terms whose English is not capitalised
(رسميا → officially) and other endings in alef (مؤقتاً, فوراً) match as written.
Overlapping hits are resolved longest first (proclitics included), then leftmost; on the very
same words, the reading that strips fewer letters wins, then the term given first.

English checks (:func:`english_has`) are case-insensitive on word boundaries and tolerate
whitespace or hyphens between words (Secretary-General ~ Secretary General), curly or straight
apostrophes with a possessive ('s, '), accents, a leading "the" in the rendering, and a plural
s/es when the rendering's last word is lower case ("militia" ~ "militias").  A capitalised
name gets no plural, so "Hama" is not found in "Hamas" nor "Hezbollah" in "Hezbollahs"; an
all-capitals acronym ("US", "UN") is matched case-sensitively, so "US" is not found in "us".
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

import ahocorasick

from .errors import InputError
from .normalize import normalize, normalize_with_offsets


@dataclass(frozen=True)
class Term:
    """A glossary term: an Arabic term and the English renderings it requires or rules out."""

    ar: str  # the Arabic term
    en: str  # required English rendering
    variants: tuple[str, ...] = ()  # other Arabic spellings, matched like ar
    alternatives: tuple[str, ...] = ()  # other accepted English renderings
    forbidden: tuple[str, ...] = ()  # English renderings ruled out
    note: str = ""
    glossary: str = ""  # name of the glossary it came from
    id: int | None = None

    def __post_init__(self) -> None:
        # Callers may pass lists or None; store tuples and strings so a Term stays hashable.
        for name in ("variants", "alternatives", "forbidden"):
            object.__setattr__(self, name, tuple(getattr(self, name) or ()))
        for name in ("note", "glossary"):
            object.__setattr__(self, name, getattr(self, name) or "")


@dataclass(frozen=True)
class TermHit:
    """One occurrence of a term: offsets into the original segment text, proclitics included."""

    term: Term
    start: int
    end: int
    text: str


# -- the proclitic chains ----------------------------------------------------------------------

_CONJ = ("", "و", "ف")
_PREP = ("", "ب", "ك", "ل")
#: chains allowed before a form, by kind of form
_DEF, _BARE, _STEM, _STEM_L, _WHOLE = range(5)
CHAINS: dict[int, frozenset[str]] = {
    _DEF: frozenset(a + b for a in _CONJ for b in _PREP),
    _BARE: frozenset(
        [a + b for a in _CONJ for b in _PREP]
        + [a + b + "ال" for a in _CONJ for b in ("", "ب", "ك")]
        + [a + "لل" for a in _CONJ]
    ),
    _STEM: frozenset(a + "لل" for a in _CONJ),  # ل + الحاج → للحاج
    _STEM_L: frozenset(a + "ل" for a in _CONJ),  # ل + اللجنة → للجنة
    _WHOLE: frozenset([""]),
}
MAX_CHAIN = max(len(c) for chains in CHAINS.values() for c in chains)
MIN_PREFIXED = 3  # a first word shorter than this takes no proclitic

#: Normalised words that begin with a proclitic letter which belongs to the word: never split.
PROTECTED: frozenset[str] = frozenset(
    "وزير وزيره وزراء وزاره وزارات وفد وفود وطن وطني وطنيه ولايه ولايات والي وحده وحدات وكاله وكالات "
    "وسام وليد ولي وعد فريق فرع فيصل فتح فلول فارس بيان بيانات بند بنود بلد بلاد بلدان بيت بعث بشار "
    "بري بكر بحر بنما بابل كامل كامله كمال كبير كبيره كريم كندا كرد كتله كابل كلمه لجنه لجان لواء "
    "لطيف لبيب".split()
)

_SEP = " \x1f"  # in the scan string: whitespace, and any other non-word character
_SPLIT = re.compile("[ \x1f]")


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_" or unicodedata.category(ch).startswith("M")


class _ClassTable(dict[int, str]):
    """str.translate table: a key character to itself, space, or \\x1f for punctuation."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        out = ch if _is_word(ch) else (" " if ch == " " else "\x1f")
        self[code] = out
        return out


class _FoldTable(dict[int, str]):
    """str.translate table: an original character to its class-mapped key character.

    A dropped character becomes \x00.  A character whose key is longer than one character, or
    the combining hamza (which tm.normalize folds into the letter before it), becomes \x02: a
    text holding one is scanned through :func:`tm.normalize.normalize_with_offsets` instead.
    """

    def __missing__(self, code: int) -> str:
        folded = normalize_with_offsets(chr(code))[0]
        out = "\x02" if len(folded) > 1 else folded.translate(_CLASSES) if folded else "\x00"
        self[code] = out
        return out


_CLASSES = _ClassTable()
_FOLD = _FoldTable({0x0654: "\x02"})
# what the key leaves out of the folded text: dropped characters, and whitespace after whitespace
_GAPS = re.compile("(?<= )[ \x00]+|\x00+")
Backmap = str | list[int] | None


def _scan_key(text: str) -> tuple[str, Backmap]:
    """The scan string of *text* (its normalised key with punctuation as \x1f) and its back-map.

    The back-map is None when the key maps one to one onto *text*, the folded text with its
    gaps when characters were left out, or the offsets of normalize_with_offsets.
    """
    folded = text.translate(_FOLD)
    if "\x02" not in folded:
        if "\x00" not in folded and "  " not in folded:
            return folded, None
        return _GAPS.sub("", folded), folded
    key, offsets = normalize_with_offsets(text)
    return key.translate(_CLASSES), offsets


def _original(backmap: Backmap) -> Callable[[int], int]:
    """Maps a scan-string index to the index of the original character that produced it."""
    if backmap is None:
        return int
    if isinstance(backmap, list):
        return backmap.__getitem__
    spans = [m.span() for m in _GAPS.finditer(backmap)]
    shift = list(accumulate((b - a for a, b in spans), initial=0))
    keypos = [0] + [b - gone for (_, b), gone in zip(spans, shift[1:], strict=True)]
    return lambda k: k + shift[bisect_right(keypos, k) - 1]


def scan_with_offsets(text: str) -> tuple[str, list[int]]:
    """The scan string of *text* and, for each of its characters, the original index (tests, debugging)."""
    scan, backmap = _scan_key(text)
    original = _original(backmap)
    return scan, [original(k) for k in range(len(scan))] + [len(text)]


def term_key(spelling: str) -> str:
    """The form a spelling is matched in: its normalised key, punctuation folded, trimmed."""
    return normalize(spelling).translate(_CLASSES).strip(_SEP)


def _takes_article(term: Term) -> bool:
    """Whether a term written without ال also matches with it: not for a name (capitalised English)."""
    first = next((c for c in term.en if c.isalpha()), "")
    return not first.isupper()


def _forms(key: str, article: bool = True) -> list[tuple[str, int, int]]:
    """The automaton forms of a term key: (form, chain kind, length of the form's first word)."""
    first = _SPLIT.split(key, maxsplit=1)[0]
    if first.startswith("ال") and len(first) > 2:
        forms = [(key, _DEF, len(first))]
        if len(first) > 3:
            stem = key[2:]
            forms.append((stem, _STEM_L if stem.startswith("ل") else _STEM, len(first) - 2))
        return forms
    if len(first) < MIN_PREFIXED:
        return [(key, _WHOLE, len(first))]
    return [(key, _BARE if article else _DEF, len(first))]


def _term_forms(term: Term) -> list[tuple[str, int, int]]:
    """The automaton forms of all the spellings of *term*."""
    article = _takes_article(term)
    out = []
    for spelling in (term.ar, *term.variants):
        key = term_key(spelling)
        if not key:
            raise InputError(f"The term {spelling!r} has no letters to match; correct its entry.")
        out.extend(_forms(key, article))
    return out


class TermMatcher:
    """Finds glossary terms in Arabic segments (see the module docstring for the rules)."""

    def __init__(self, terms: Iterable[Term], protected: Iterable[str] = PROTECTED):
        self.terms: tuple[Term, ...] = tuple(terms)
        self.protected = frozenset(normalize(w) for w in protected)
        entries: dict[str, list[tuple[int, frozenset[str], int]]] = {}
        for index, term in enumerate(self.terms):
            for form, kind, first_len in _term_forms(term):
                slot = entries.setdefault(form, [])
                if not any(e[0] == index and e[1] is CHAINS[kind] for e in slot):
                    slot.append((index, CHAINS[kind], first_len))
        # the rule for names in يا (روسيا, not روسيًا) is for names: not for terms spelled with tanwin
        # themselves (رسمياً) nor for those whose English is no name (رسميا → officially)
        self._spelled_plain = [any(_TANWIN_FATH.search(w) for w in (t.ar, *t.variants)) or not t.en[:1].isupper()
                               for t in self.terms]  # fmt: skip
        self._automaton = ahocorasick.Automaton()
        for form, slot in entries.items():
            value = (len(form), tuple(slot))
            self._automaton.add_word(form + " ", value)
            self._automaton.add_word(form + "\x1f", value)
        if entries:
            self._automaton.make_automaton()
        self._empty = not entries

    def find(self, text: str) -> list[TermHit]:
        """The terms in *text*: non-overlapping, longest first, in text order."""
        if self._empty or not text:
            return []
        scan, backmap = _scan_key(text)
        found = self._candidates(scan + " ")
        if not found:
            return []
        original = _original(backmap)
        if _TANWIN_FATH.search(text):
            found = [c for c in found if self._spelled_plain[c[3]] or not _accusative_alef(text, scan, original, c[1])]
            if not found:
                return []
        return [self._hit(text, original, ts, e, index) for ts, e, index in _select(found, len(scan))]

    def find_many(self, texts: Iterable[str]) -> list[list[TermHit]]:
        """:meth:`find` for each text."""
        return [self.find(text) for text in texts]

    def _candidates(self, scan: str) -> list[tuple[int, int, int, int]]:
        """Every admissible (token start, end, chain length, term index) in a scan string."""
        out = []
        protected = self.protected
        for end, (length, slot) in self._automaton.iter(scan):
            start = ts = end - length
            if start and scan[start - 1] not in _SEP:  # a proclitic chain, or inside a word
                lowest = max(start - MAX_CHAIN, 0)
                ts -= 1
                while ts > lowest and scan[ts - 1] not in _SEP:
                    ts -= 1
                if ts and scan[ts - 1] not in _SEP:
                    continue
            chain = scan[ts:start]
            for index, chains, first_len in slot:
                if chain not in chains:
                    continue
                if chain and scan[ts:start + first_len] in protected:
                    continue
                out.append((ts, end, len(chain), index))
        return out

    def _hit(self, text: str, original: Callable[[int], int], ts: int, e: int, index: int) -> TermHit:
        start, end = original(ts), original(e - 1) + 1
        marks = _MARKS.match(text, end)  # the last letter's tashkeel belongs to the hit
        if marks:
            end = marks.end()
        return TermHit(self.terms[index], start, end, text[start:end])


# combining marks and tatweel that may follow the last letter of a hit
_MARKS = re.compile("[\u0300-\u036f\u0610-\u061a\u0640\u064b-\u065f\u0670\u06d6-\u06ed\u08d3-\u08ff]*")
_TANWIN_FATH = re.compile("[\u064b\u08f0]")  # fathatan, open fathatan


def _accusative_alef(text: str, scan: str, original: Callable[[int], int], end: int) -> bool:
    """Whether a form ending before scan index *end* in يا (a name such as روسيا) is, in *text*, the
    accusative of the nisba adjective (روسي + ًا): tanwin fath on the ي (روسيًا) or on the alef
    (روسياً).  Other endings in alef (مؤقتاً, فوراً) are no name's lookalike and stay matched."""
    if end < 3 or scan[end - 1] != "\u0627" or scan[end - 2] != "\u064a":
        return False
    alef = original(end - 1)
    after = _MARKS.match(text, alef + 1)
    before = text[original(end - 2) + 1:alef]
    return bool(_TANWIN_FATH.search(before) or (after and _TANWIN_FATH.search(after.group())))


def _select(found: list[tuple[int, int, int, int]], size: int) -> list[tuple[int, int, int]]:
    """Non-overlapping spans, longest first (then leftmost, shortest chain, first term), in text order."""
    if len(found) == 1:
        return [(found[0][0], found[0][1], found[0][3])]
    found.sort(key=lambda c: (c[0] - c[1], c[0], c[2], c[3]))
    taken = bytearray(size + 1)
    chosen: list[tuple[int, int, int]] = []
    for ts, e, _, index in found:
        if 1 not in taken[ts:e]:
            taken[ts:e] = b"\x01" * (e - ts)
            chosen.append((ts, e, index))
    chosen.sort()
    return chosen


# -- English ----------------------------------------------------------------------------------

_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'", "`": "'"})
_EN_SEP = r"[\s\-\u2010-\u2015]+"
_EN_SPLIT = re.compile(_EN_SEP)


@lru_cache(maxsize=1024)
def _fold_en(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_QUOTES)


def _en_words(rendering: str) -> list[str]:
    """The words of *rendering* that its pattern spells out, a leading "the" left out."""
    words = [w for w in _EN_SPLIT.split(_fold_en(rendering).strip()) if w]
    if len(words) > 1 and words[0].lower() == "the":
        words = words[1:]
    return words


@lru_cache(maxsize=32768)
def _en_pattern(rendering: str) -> re.Pattern[str] | None:
    words = _en_words(rendering)
    if not words:
        return None
    acronym = all(sum(c.isalpha() for c in w) >= 2 and w.upper() == w for w in words)
    last = words[-1]
    plural = "(?:s|es)?" if last.isalpha() and last.islower() else ""
    body = _EN_SEP.join(re.escape(w) for w in words)
    flags = 0 if acronym else re.IGNORECASE
    return re.compile(rf"(?<!\w){body}{plural}(?:'s|')?(?!\w)", flags)


# -- the pre-check: a rendering's words, caseless, must be in the caseless English -------------
#
# Compiling a rendering's pattern costs about a millisecond, and a large glossary has more
# renderings than any cache holds, while most renderings checked are not in the sentence at all.
# A match of the pattern spells each word of the rendering out, letter by letter, in the folded
# English: a letter of the pattern matches a letter of the text when both are the same or, under
# re.IGNORECASE, when the text letter's simple lower case (the one re uses, _sre.unicode_tolower:
# K, the Kelvin sign, is k) is the pattern letter's, or one that re._casefix gives the same
# upper case ('ſ' and 's', 'ı' and 'i', 'µ' and 'μ').  Mapping every character to one member of
# that class (:class:`_CaselessTable`) therefore keeps a match a substring match, so a word
# missing from the mapped English proves that the pattern cannot match (a case-sensitive
# acronym's match is an exact one, so it too).  The pre-check never rejects a real match; it may
# let a non-match through, which the pattern then rejects.

try:  # re's own case tables (CPython 3.11+); without them there is no pre-check, only the patterns
    from _sre import unicode_tolower as _tolower
    from re._casefix import _EXTRA_CASES
except ImportError:  # pragma: no cover
    _tolower, _EXTRA_CASES = None, {}

_CASE_CLASS = {low: min(low, *others) for low, others in _EXTRA_CASES.items()}


class _CaselessTable(dict[int, str]):
    """str.translate table: a character to its simple lower case's representative among the
    characters that re.IGNORECASE reads as the same letter (the lowest code point)."""

    def __missing__(self, code: int) -> str:
        low = _tolower(code)  # type: ignore[misc]
        out = chr(_CASE_CLASS.get(low, low))
        self[code] = out
        return out


_CASELESS = _CaselessTable()


def _caseless_text(text: str) -> str:
    """*text* with each character mapped by :data:`_CASELESS` (ASCII: its lower case)."""
    return text.lower() if text.isascii() else text.translate(_CASELESS)


_caseless = lru_cache(maxsize=1024)(_caseless_text)


@lru_cache(maxsize=65536)
def _en_needles(rendering: str) -> tuple[str, ...]:
    """The caseless words that *rendering*'s pattern needs in the caseless folded English."""
    return tuple(_caseless_text(w) for w in _en_words(rendering))


def _may_have(rendering: str, english: str) -> bool:
    """False only when *rendering* cannot be in *english*: a word of it is missing (see above)."""
    if _tolower is None:
        return True
    text = _caseless(_fold_en(english))
    return all(needle in text for needle in _en_needles(rendering))


def _spans(rendering: str, english: str) -> list[tuple[int, int]]:
    if not _may_have(rendering, english):
        return []
    pattern = _en_pattern(rendering)
    return [m.span() for m in pattern.finditer(_fold_en(english))] if pattern else []


def english_has(rendering: str, english: str) -> bool:
    """Whether *rendering* occurs in *english* (see the module docstring for the tolerances)."""
    if not _may_have(rendering, english):
        return False
    pattern = _en_pattern(rendering)
    return bool(pattern and pattern.search(_fold_en(english)))


def term_found(term: Term, english: str) -> bool:
    """Whether the required rendering or an accepted alternative of *term* is in *english*."""
    return any(english_has(r, english) for r in (term.en, *term.alternatives))


def forbidden_found(term: Term, english: str) -> list[str]:
    """The forbidden renderings of *term* present in *english*, outside an accepted rendering."""
    found = [(rendering, spans) for rendering in term.forbidden if (spans := _spans(rendering, english))]
    if not found:
        return []
    accepted = [span for r in (term.en, *term.alternatives) for span in _spans(r, english)]
    return [rendering for rendering, spans in found
            if any(not any(a <= s and e <= b for a, b in accepted) for s, e in spans)]
