"""Sentence segmentation of Arabic (and English) text that loses nothing.

:func:`split` cuts a document into segments and :func:`join` puts them back together:
``join(*split(text)) == text`` for every string.  Every line is cut from the next, and
inside a line a segment ends after a sentence-final mark (``. ! ? ؟ … ...``, or a spaced
cluster ``؟ !``), any closing quotes or brackets and any invisible marks (``U+200F``) that
follow it, when white space comes next, except

* inside quotes or brackets opened and closed on the same line (a quote that is never
  closed protects nothing, and no quote runs past a line break).  The double quotes
  ``" “ ” « » „`` are one family whose shape says little in Arabic text (``”…“``, ``»…«``,
  ``”…"``): each opens or closes by the characters either side of it;
* before a reporting clause after a closing quote (``"…؟" تساءلت.``, ``«…!» قال الوزير.``,
  ``"…." حسبما أفاد``), or ``وذلك حسب`` after ``? !``;
* after an ellipsis when an Arabic word follows (Arabic has no capitals to tell a new
  sentence from a pause);
* after an abbreviation (``د. م. هـ. ق.م. ص. ج. أ. إلخ.``, also with a proclitic as in
  ``ود. وم. لد.``, Latin letters spelt in Arabic as in ``جون إف. كينيدي``, ``U.S. Mr. Dr.
  e.g. etc.``, any single letter) or a list marker (``1.`` ``1)`` ``١)`` ``(1)`` ``iv.``,
  also after a colon), and before a lower-case Latin word; ``إلخ.`` does end a sentence
  when a word that only opens one follows (``إلخ. وقد``);
* when the segment so far holds no letter (never a segment of just a marker or number),
  or the mark follows an opening bracket (the elision ``(...)``).

A mark with no white space after it never ends a segment, which keeps numbers (``2.5``),
URLs, e-mail addresses and domain names (``alasrmag.com``) whole.  Work is linear in the
length of the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .normalize import ARABIC_LETTER


@dataclass(frozen=True, slots=True)
class Piece:
    """One segment and the white space that follows it, exactly as in the input."""

    text: str  # the segment, with no white space at either end
    sep: str  # everything between this segment and the next (or the end of the text)
    paragraph: int  # 1-based number of the non-blank line the segment is on


# White space: everything str.isspace() accepts, plus the zero-width space and the BOM.
LINE_BREAKS = "\n\x0b\x0c\r\x1c\x1d\x1e\x85\u2028\u2029"
INLINE_SPACES = "\t\x1f \xa0\u1680" + "".join(map(chr, range(0x2000, 0x200C))) + "\u202f\u205f\u3000\ufeff"
SPACES = frozenset(LINE_BREAKS + INLINE_SPACES)
# White space and the invisible format characters a text of nothing else may hold: zero-width
# space/joiners, direction marks and embeddings, word joiner and isolates, Arabic letter mark, BOM.
INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2066\u2067\u2068\u2069\u061c\ufeff"
_BLANK = re.compile(f"[\\s{INVISIBLE}]*")


def blank(text: str) -> bool:
    """Whether *text* holds nothing but white space and invisible characters (ZWSP, direction marks, BOM):
    an empty document, an empty side of a memory unit."""
    first = text[:1]
    if first and not first.isspace() and first not in INVISIBLE:
        return False  # the usual case, decided without the regex
    return _BLANK.fullmatch(text) is not None


def _cls(chars: str) -> str:
    return "".join(f"\\u{ord(c):04x}" for c in chars)


_S = _cls(LINE_BREAKS + INLINE_SPACES)
_I = _cls(INLINE_SPACES)
_BLOCK = re.compile(f"[^{_S}]+(?:[{_I}]+[^{_S}]+)*")  # a line without its leading and trailing space
_SPLIT_SPACE = re.compile(f"[{_S}]")

# Brackets and single quotes say by their shape which way they go; the double quotes are one family whose
# shape says little in Arabic text (”…“, »…«, ”…"): each opens or closes by the characters either side of it.
_BRACKETS_OPEN = "([{‘‹"
_BRACKETS_CLOSE = ")]}’›"
_CLOSES = dict(zip(_BRACKETS_CLOSE, _BRACKETS_OPEN, strict=True))
_TOGGLES = {"\ufd3e": "\ufd3e", "\ufd3f": "\ufd3e"}  # ornate parentheses ﴾ ﴿
_DOUBLE_QUOTES = '"“”«»„‟'
_OPENERS = _BRACKETS_OPEN + "«“„"
_QUOTE = re.compile("[" + re.escape(_BRACKETS_OPEN + _BRACKETS_CLOSE + "".join(_TOGGLES) + _DOUBLE_QUOTES) + "]")
_PUNCTUATION = _DOUBLE_QUOTES + "'" + _BRACKETS_OPEN + _BRACKETS_CLOSE + ".,;:!?\u060c\u061b\u061f\u2026"
_BEFORE_OPENING = frozenset(SPACES | set(INVISIBLE) | set(_BRACKETS_OPEN + _DOUBLE_QUOTES))
_AFTER_CLOSING = frozenset(SPACES | set(INVISIBLE) | (set(_PUNCTUATION) - set(_BRACKETS_OPEN + "'")))
_QUESTION_OR_EXCLAMATION = "!?\u061f\u203c\u2047\u2048\u2049\uff01\uff1f"
_TERMINAL = re.compile(
    r"(?P<mark>(?:(?:\.[ \u00a0]){2,}\.|[.\u2026\u06d4\uff0e" + _QUESTION_OR_EXCLAMATION + "]+)"
    f"(?:[ \u00a0]+[{_QUESTION_OR_EXCLAMATION}]+)*)"  # "؟ !" spaced: one cluster
    "(?P<closers>[" + re.escape(_BRACKETS_CLOSE + _DOUBLE_QUOTES + "'\ufd3e\ufd3f") + "]*)"
)
_ELLIPSIS = frozenset(".\u2026 \u00a0")
_QUOTE_CLOSERS = frozenset(_DOUBLE_QUOTES + "'’›")
_FORMAT = "".join(c for c in INVISIBLE if c not in SPACES)  # direction marks, joiners: never white space
_LETTER = re.compile(r"[^\W\d_]")
_WORD = re.compile(f"[^{_S}]+")
_INITIALS = re.compile(r"(?:[^\W\d_]\.)*[^\W\d_]")  # J  U.S  e.g  ق.م  (هـ once tatweel is dropped)
_SHORT_NUMBER = re.compile(r"[0-9\u0660-\u0669\u06f0-\u06f9]{1,3}")
_ROMAN_MARKER = re.compile(r"(?:[-_•*·▪◦‣⁃–—][ \t]*)?\(?(?i:(?=[ivx])x{0,3}(?:ix|iv|v?i{0,3}))[.)]")
_TASHKEEL = str.maketrans(dict.fromkeys(["\u0670", *map(chr, range(0x064B, 0x0660))]))
_BARE = _TASHKEEL | str.maketrans({"\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627", "\u0640": None})
_ABBREVIATION_WINDOW = 40
_CLAUSE_WINDOW = 160  # how far a reporting clause is read for the "أن" that makes it a sentence of its own
_CLAUSE_WORDS = 12

# Compared after tashkeel and tatweel are dropped, أ إ آ written ا and Latin case folded.
# (No بي for B: "اتصل بي." ends sentences.)
ABBREVIATIONS = frozenset(
    """
    الخ
    تي جي دي اف اتش اي جيه كي ال ام ان او كيو ار اس يو في دبليو اكس واي زد
    mr mrs ms messrs dr prof st jr sr rev hon gen col lt sgt capt maj adm det insp supt
    gov sen sens rep reps pres amb mt ft
    e.g i.e etc vs cf al approx dept fig vol ed eds ph.d
    inc ltd co corp bros
    jan feb mar apr jun jul aug sep sept oct nov dec
    """.split()
)
# Arabic abbreviations behind a proclitic (ود. علي, وم. سامي, لد.), compared with tashkeel dropped only:
# not لم كم (words) nor له لي (pronouns), which end sentences.
PROCLITIC_ABBREVIATIONS = frozenset(
    [p + a for p in "وفبلك" for a in ("د", "أ", "ص", "ج", "هـ", "ق.م")] + [p + "م" for p in "وفب"]
)
AMBIGUOUS_PROCLITIC = frozenset(["ود", "لص", "بد"])  # affection, thief, (لا) بد
# The first word of a reporting clause after a closing quote, compared bare: "…؟" تساءلت.
REPORTING_VERBS = frozenset(
    """
    قال قالت يقول تقول قائلا قائلة اضاف اضافت يضيف تضيف مضيفا مضيفة تساءل تساءلت يتساءل تتساءل
    متسائلا متسائلة اكد اكدت يؤكد تؤكد مؤكدا مؤكدة اوضح اوضحت صرح صرحت ذكر ذكرت اشار اشارت تابع تابعت
    اخبر اخبرت اخبرني اخبرتني اخبرنا علق علقت كتب كتبت سال سالت ردت هتف هتفت صاح صاحت تذكر تذكرت
    يتذكر تتذكر اعلن اعلنت اجاب اجابت
    """.split()
)
ATTRIBUTIONS = frozenset("حسبما بحسب حسب وفقا وفق طبقا نقلا".split())  # also after كما, وذلك
# Words that open a sentence and cannot go on a list, so "إلخ." before them ends one.
SENTENCE_OPENERS = frozenset(
    "وقد وقال وقالت واضاف واضافت واكد واكدت واشار واشارت واوضح واوضحت وكان وكانت ولم ولن وتم".split()
)
# قال الوزير إن…: a sentence of its own, not a reporting clause (with hamza only: "سي ان ان" is CNN).
_THEN = frozenset(["فإن"])
_PRONOUNS = ("", "ه", "ها", "هم", "هما", "هن", "نا", "ني")  # إنه، أنها، بأنهم…
_THAT = _THEN | {that + pronoun for that in ("أن", "إن", "بأن", "لأن") for pronoun in _PRONOUNS}
_CLAUSE_ENDS = ",\u060c.!?\u061f\u2026"


def split(text: str) -> tuple[str, list[Piece]]:
    """Cut *text* into sentence and line segments: ``(prefix, pieces)``, prefix being its leading space."""
    bounds: list[tuple[int, int, int]] = []
    paragraph = 0
    for block in _BLOCK.finditer(text):
        if blank(block.group()):  # a line of direction marks or joiners only: part of the separator
            continue
        paragraph += 1
        start, end = block.span()
        for cut, following in _cuts(text, start, end):
            bounds.append((start, cut, paragraph))
            start = following
        bounds.append((start, end, paragraph))
    if not bounds:
        return text, []
    nexts = [b[0] for b in bounds[1:]] + [len(text)]
    pieces = [Piece(text[s:e], text[e:n], p) for (s, e, p), n in zip(bounds, nexts, strict=True)]
    return text[: bounds[0][0]], pieces


def join(prefix: str, pieces: Sequence[Piece]) -> str:
    """The text :func:`split` was given: *prefix* followed by each piece's text and separator."""
    return prefix + "".join(p.text + p.sep for p in pieces)


def _cuts(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """``(segment end, next segment start)`` for each sentence end inside the line ``text[start:end]``."""
    guarded = _quoted_spans(text, start, end)
    g = 0
    seg_start = start
    has_letter, scanned = False, start
    for m in _TERMINAL.finditer(text, start, end):
        mark_start, cut = m.start(), m.end()
        while cut < end and text[cut] in _FORMAT:  # "خطير.\u200f وأضاف": the mark stays with its sentence
            cut += 1
        if cut >= end or text[cut] not in SPACES:
            continue
        while g < len(guarded) and guarded[g][1] < cut:
            g += 1
        if g < len(guarded) and guarded[g][0] < cut:
            continue  # inside quotes or brackets
        if mark_start > seg_start and text[mark_start - 1] in _OPENERS:
            continue  # (...)
        if not has_letter:
            has_letter = _LETTER.search(text, scanned, mark_start) is not None
            scanned = mark_start
            if not has_letter:
                continue
        following = cut + 1
        while text[following] in SPACES:  # the line goes on after the space: it ends in a non-space
            following += 1
        if text[following].islower():
            continue  # "e.g. this", "he said... and"
        word = following
        while word < end and (text[word] in _FORMAT or text[word] in SPACES):
            word += 1
        if word == end:
            continue  # only direction marks follow: they are no segment of their own
        mark = m.group("mark")
        if mark != "." and _ELLIPSIS.issuperset(mark) and _opens_with_arabic(text, word, end):
            continue  # "70 كم في الساعة... ثم هطلت"
        quoted = not _QUOTE_CLOSERS.isdisjoint(m.group("closers"))
        if (quoted or mark[-1] in _QUESTION_OR_EXCLAMATION) and _reporting_clause(text, word, end, quoted):
            continue  # "…خصم؟" تساءلت.
        if mark == "." and _after_abbreviation_or_marker(text, seg_start, mark_start, start, word, end):
            continue
        yield cut, following
        seg_start, has_letter, scanned = following, False, following


def _opens_with_arabic(text: str, pos: int, end: int) -> bool:
    """Whether the text at *pos* is an Arabic word, behind any opening quotes or brackets."""
    while pos < end and (text[pos] in _BRACKETS_OPEN or text[pos] in _DOUBLE_QUOTES):
        pos += 1
    return pos < end and ARABIC_LETTER.match(text, pos) is not None


def _words(text: str, pos: int, end: int, count: int) -> list[tuple[str, str]]:
    """Up to *count* ``(word, plain word)`` from *pos*, the plain one without punctuation or tashkeel."""
    words = _WORD.findall(text, pos, min(end, pos + _CLAUSE_WINDOW))[:count]
    return [(w, w.strip(_PUNCTUATION + _FORMAT).translate(_TASHKEEL)) for w in words]


def _reporting_clause(text: str, pos: int, end: int, quoted: bool) -> bool:
    """Whether the words at *pos* attribute the quote before them (``"…؟" تساءلت.``, ``"…." حسبما أفاد``)
    rather than open a sentence (``قال الوزير إن…``, ``كما أكد أن…``).  After a bare ``? !`` only
    ``وذلك حسب…`` does."""
    clause: list[tuple[str, str]] = []
    for word, plain in _words(text, pos, end, 2 + _CLAUSE_WORDS):
        clause.append((word, plain))
        if word.rstrip(_BRACKETS_CLOSE + _DOUBLE_QUOTES + "'" + _FORMAT)[-1:] in _CLAUSE_ENDS:
            break
    first, second = ([plain.translate(_BARE) for _, plain in clause[:2]] + ["", ""])[:2]
    if first == "وذلك" and (second in ATTRIBUTIONS or second == "كما"):
        skip, that = 2, _THEN
    elif not quoted:
        return False
    elif first in ATTRIBUTIONS:
        skip, that = 1, _THEN  # "…." وفقاً للتقرير فإن…
    elif first in REPORTING_VERBS:
        skip, that = 1, _THAT
    elif first == "كما" and second in REPORTING_VERBS or first == "هذا" and second == "ما":
        skip, that = 2, _THAT  # "…!" كما أضاف هاميل.   "…" هذا ما صرح به
    else:
        return False
    if clause[skip - 1][0].endswith(":"):  # "…؟" قال: "نعم…": a new quotation is announced
        return False
    previous = ""
    for word, plain in clause[skip:]:
        if word.endswith(":") or plain in that and previous != "سي":  # سي إن إن is CNN
            return False
        previous = plain
    return True


def _token_start(dot: int, token: str) -> int:
    """Where *token*, the word that ends at *dot*, starts."""
    return dot - len(token)


def _after_abbreviation_or_marker(text: str, seg_start: int, dot: int, line_start: int, word: int, end: int) -> bool:
    """Whether the full stop at *dot* closes an abbreviation or list marker rather than a sentence; *word* is
    where the next word starts."""
    window = text[max(seg_start, dot - _ABBREVIATION_WINDOW) : dot]
    token = _SPLIT_SPACE.split(window)[-1]
    word_only = token.lstrip(_BRACKETS_OPEN + _DOUBLE_QUOTES + "'")
    bare = word_only.translate(_BARE)
    if bare == "الخ":  # "إلخ. وقد أكد": a list ends, and its sentence with it
        following = _words(text, word, end, 1)
        return not following or following[0][1].translate(_BARE) not in SENTENCE_OPENERS
    if bare.casefold() in ABBREVIATIONS or _INITIALS.fullmatch(bare):
        return True
    proclitic = word_only.translate(_TASHKEEL)
    if proclitic in PROCLITIC_ABBREVIATIONS:  # "بحضور د. علي ود. حسن"
        # ود لص بد are words too ("بين البلدين ود.", "لا بد."): an abbreviation only after the same one
        return proclitic not in AMBIGUOUS_PROCLITIC or re.search(
            f"(?<![^{_S}]){re.escape(proclitic[1:])}\\.", text[seg_start:_token_start(dot, token)]) is not None
    token_begin = _token_start(dot, token)
    if _SHORT_NUMBER.fullmatch(bare):  # "...أمرين: 1. الأول"
        j = token_begin - 1
        while j >= seg_start and text[j] in SPACES:
            j -= 1
        if j >= seg_start and text[j] in ":\uff1a":
            return True
    return seg_start == line_start and _ROMAN_MARKER.fullmatch(text, line_start, dot + 1) is not None


def _quoted_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The outermost ``(open, close)`` positions of quote and bracket pairs closed within the line."""
    stack: list[tuple[str, int]] = []
    open_kinds: dict[str, int] = {}
    pairs: list[tuple[int, int]] = []

    def push(kind: str, pos: int) -> None:
        stack.append((kind, pos))
        open_kinds[kind] = open_kinds.get(kind, 0) + 1

    def close(kind: str, pos: int) -> None:
        while True:  # openers above the match were never closed: they are dropped
            k, p = stack.pop()
            open_kinds[k] -= 1
            if k == kind:
                pairs.append((p, pos))
                return

    for m in _QUOTE.finditer(text, start, end):
        ch, pos = m.group(), m.start()
        if ch in _DOUBLE_QUOTES:
            # A space (or the line's end) before and a word after opens; a word before and a space or
            # punctuation after closes; anything else closes an open quote or opens one.
            opening = pos == start or text[pos - 1] in _BEFORE_OPENING
            closing = pos + 1 == end or text[pos + 1] in _AFTER_CLOSING
            if open_kinds.get('"') and not (opening and not closing):
                close('"', pos)
            else:
                push('"', pos)
        elif ch in _BRACKETS_OPEN:
            push(ch, pos)
        elif ch in _CLOSES:
            if ch == "’" and start < pos < end - 1 and text[pos - 1].isalpha() and text[pos + 1].isalpha():
                continue  # an apostrophe: don’t
            kind = _CLOSES[ch]
            if open_kinds.get(kind):
                close(kind, pos)
        else:
            kind = _TOGGLES[ch]
            if open_kinds.get(kind):
                close(kind, pos)
            else:
                push(kind, pos)

    pairs.sort()
    outer: list[tuple[int, int]] = []
    for o, c in pairs:
        if not outer or o > outer[-1][1]:
            outer.append((o, c))
    return outer
