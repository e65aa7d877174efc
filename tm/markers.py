"""List markers at the start of a segment: a bullet (``_`` ``-`` ``•`` ``*``), a number (``1)`` ``1.``
``1-`` ``1 -`` ``١)`` ``(2)`` ``‘3’``) or a letter (``(أ)`` ``ب)`` ``هـ)`` ``(a)``).

Segmentation keeps a bullet line or numbered item whole, marker included (the layout is the
article's).  The memory matches what follows the marker: ``1) انتهى الاجتماع.`` and
``انتهى الاجتماع.`` are the same sentence, and a reused translation takes the segment's own
marker, written in Latin form (:func:`latin_marker`), in place of the unit's (:func:`unmark`,
:func:`mark`).
"""

from __future__ import annotations

import re
import unicodedata

from .normalize import DIGITS

_DIGITS = "0-9\u0660-\u0669\u06f0-\u06f9"
_ABJAD = "أبجدهوزحطيكلمنسعفصقرشتثخذض"  # item letters in order: a b c … z (ا is أ)
_AR_LETTERS = _ABJAD + "ا" + "".join(  # and those letters' presentation forms (UN text: (ﻫ)), not ﻻ or ﺓ
    chr(c) for c in range(0xFE80, 0xFEFD) if unicodedata.normalize("NFKC", chr(c)) in _ABJAD + "ا")
_MARKER = re.compile(
    "[ \\t]*(?:"
    "[_•*·▪◦‣⁃]|[-–—](?![" + _DIGITS + "])"  # bullets (a dash before a digit is a minus sign)
    "|\\(?[" + _DIGITS + "]{1,3}\\)"  # 1) (1) ١)
    "|[" + _DIGITS + "]{1,3}[.\\-–](?=[ \\t])"  # 1. 1- (not 1.5, 1-2, 10-year-old)
    "|[" + _DIGITS + "]{1,3}[ \\t]+[-–](?=[ \\t]+[^ \\t" + _DIGITS + "])"  # 1 - (UN documents; not 3 - 2)
    "|[‘'`][" + _DIGITS + "]{1,3}[’'`]"  # ‘1’ (UN sub-items)
    "|\\(?[" + _AR_LETTERS + "a-zA-Z]\u0640?\\)"  # (أ) ب) هـ) (a) B)
    ")[ \\t]*"
)
_LATIN = str.maketrans(
    {**DIGITS, **dict(zip(_ABJAD, "abcdefghijklmnopqrstuvwxyz", strict=True)), "ا": "a", "\u0640": ""}
)


def split_marker(text: str) -> tuple[str, str]:
    """(*text*'s leading list marker with the spaces around it, the rest); ``("", text)`` when it has none,
    or when nothing but the marker would be left."""
    m = _MARKER.match(text)
    if not m or not text[m.end():].strip():
        return "", text
    return text[: m.end()], text[m.end():]


def body(text: str) -> str:
    """*text* without its leading list marker."""
    return split_marker(text)[1]


def latin_marker(marker: str) -> str:
    """An Arabic-side marker as the English side writes it: ``١) `` → ``1) ``, ``(أ) `` → ``(a) ``."""
    return unicodedata.normalize("NFKC", marker).translate(_LATIN)


def unmark(unit_source: str, target: str) -> str:
    """A memory unit's *target* without the marker it repeats from *unit_source*: only the same marker
    (``1)`` for ``١)``, ``A)`` or ``a)`` for ``أ)``, any bullet for a bullet), else the target as it is."""
    theirs = split_marker(unit_source)[0]
    if not theirs:
        return target
    marker, rest = split_marker(target)
    return rest.lstrip() if marker and _same(theirs, marker) else target


def _same(source_marker: str, target_marker: str) -> bool:
    """Whether two markers stand for the same item, whatever their style: ``1-`` ``1.`` ``(1)`` ``1)`` are
    item 1, ``أ)`` ``(a)`` ``A)`` item a, and every bullet is a bullet."""
    return _value(latin_marker(source_marker)) == _value(target_marker)


def _value(marker: str) -> str:
    item = "".join(c for c in marker if c.isalnum()).casefold()  # the item's number or letter
    return item or "•"


def mark(segment: str, target: str) -> str:
    """*target* (a reused translation without marker) with *segment*'s own marker, in Latin form."""
    mine = split_marker(segment)[0]
    return f"{latin_marker(mine).strip()} {target.lstrip()}" if mine else target
