"""Sentence segmentation of Arabic (and English) text that loses nothing.

:func:`split` cuts a document into segments and :func:`join` puts them back together:
``join(*split(text)) == text`` for every string.  Every line is cut from the next, and
inside a line a segment ends after a sentence-final mark (``. ! ? ؟ … ...``) and any
closing quotes or brackets that follow it, when white space comes next, except

* inside quotes or brackets opened and closed on the same line (a quote that is never
  closed protects nothing, and no quote runs past a line break);
* after an abbreviation (``د. م. هـ. ق.م. ص. ج. أ. إلخ.``, Latin letters spelt in Arabic
  as in ``جون إف. كينيدي``, ``U.S. Mr. Dr. e.g. etc.``, any single letter) or a list
  marker (``1.`` ``1)`` ``١)`` ``(1)`` ``iv.``, also after a colon), and before a
  lower-case Latin word;
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

_OPENERS = "([{«“‘‹"
_CLOSERS = ")]}»”’›"
_CLOSES = dict(zip(_CLOSERS, _OPENERS, strict=True))
_TOGGLES = {'"': '"', "\ufd3e": "\ufd3e", "\ufd3f": "\ufd3e"}  # straight quote, ornate parentheses ﴾ ﴿
_QUOTE = re.compile("[" + re.escape(_OPENERS + _CLOSERS + "".join(_TOGGLES)) + "]")
_TERMINAL = re.compile(
    r"(?P<mark>(?:\.[ \u00a0]){2,}\.|[.!?\u061f\u2026\u06d4\u203c\u2047\u2048\u2049\uff01\uff0e\uff1f]+)"
    "[" + re.escape(_CLOSERS + "\"'\ufd3e\ufd3f") + "]*"
)
_LETTER = re.compile(r"[^\W\d_]")
_INITIALS = re.compile(r"(?:[^\W\d_]\.)*[^\W\d_]")  # J  U.S  e.g  ق.م  (هـ once tatweel is dropped)
_SHORT_NUMBER = re.compile(r"[0-9\u0660-\u0669\u06f0-\u06f9]{1,3}")
_ROMAN_MARKER = re.compile(r"(?:[-_•*·▪◦‣⁃–—][ \t]*)?\(?(?i:(?=[ivx])x{0,3}(?:ix|iv|v?i{0,3}))[.)]")
_BARE = str.maketrans({"\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627"}
                      | dict.fromkeys(["\u0640", "\u0670", *map(chr, range(0x064B, 0x0660))]))
_ABBREVIATION_WINDOW = 40

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
        if m.group("mark") == "." and _after_abbreviation_or_marker(text, seg_start, mark_start, start):
            continue
        yield cut, following
        seg_start, has_letter, scanned = following, False, following


def _after_abbreviation_or_marker(text: str, seg_start: int, dot: int, line_start: int) -> bool:
    """Whether the full stop at *dot* closes an abbreviation or list marker rather than a sentence."""
    window = text[max(seg_start, dot - _ABBREVIATION_WINDOW) : dot]
    token = _SPLIT_SPACE.split(window)[-1]
    bare = token.lstrip(_OPENERS + "\"'").translate(_BARE)
    if bare.casefold() in ABBREVIATIONS or _INITIALS.fullmatch(bare):
        return True
    token_start = dot - len(token)
    if _SHORT_NUMBER.fullmatch(bare):  # "...أمرين: 1. الأول"
        j = token_start - 1
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
        if ch in _OPENERS:
            push(ch, pos)
            continue
        if ch in _CLOSES:
            if ch == "’" and start < pos < end - 1 and text[pos - 1].isalpha() and text[pos + 1].isalpha():
                continue  # an apostrophe: don’t
            kind = _CLOSES[ch]
            if open_kinds.get(kind):
                close(kind, pos)
                continue
            if ch != "”":
                continue  # a closer with nothing to close
            kind = "”"  # ”…” used as a pair, as Arabic sites often do
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
