"""Arabic normalisation for matching keys.

The key is used only to *match* (memory lookup, glossary terms, QA); the stored and
displayed text is never normalised.  The rules, applied per character:

* compatibility forms folded (NFKC: presentation forms ﻻ → لا, full-width digits)
* tashkeel (harakat, tanwin, shadda, sukun, superscript alef, Quranic marks) and
  tatweel removed
* أ إ آ ٱ → ا,  ى → ي,  ة → ه
* Arabic-Indic (٠-٩) and Persian (۰-۹) digits → ASCII
* Latin letters case-folded; any run of whitespace → one space, trimmed
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_DROP = frozenset(
    [chr(c) for c in range(0x064B, 0x0660)]  # harakat, tanwin, shadda, sukun, hamza marks
    + ["\u0670", "\u0640"]  # superscript alef, tatweel
    + [chr(c) for c in range(0x06D6, 0x06EE) if c not in (0x06DE, 0x06E9)]  # Quranic annotation
    + ["\u200c", "\u200d", "\u200e", "\u200f", "\u061c", "\ufeff"]  # ZWNJ/ZWJ, direction marks, BOM
)
_MAP = {
    "\u0623": "\u0627",  # أ
    "\u0625": "\u0627",  # إ
    "\u0622": "\u0627",  # آ
    "\u0671": "\u0627",  # ٱ
    "\u0649": "\u064a",  # ى → ي
    "\u0629": "\u0647",  # ة → ه
}
_MAP.update({chr(0x0660 + i): str(i) for i in range(10)})
_MAP.update({chr(0x06F0 + i): str(i) for i in range(10)})

_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    """The key text for one original character ('' when it is dropped)."""
    if ch in _DROP:
        return ""
    if ch.isspace():
        return " "
    out = []
    for c in unicodedata.normalize("NFKC", ch):
        if c in _DROP:
            continue
        out.append(_MAP.get(c, c))
    return "".join(out).casefold()


def normalize(text: str) -> str:
    """The matching key of *text*: see the module docstring for the rules."""
    return _SPACE.sub(" ", "".join(_fold_char(c) for c in text)).strip()


def normalize_with_offsets(text: str) -> tuple[str, list[int]]:
    """Normalise *text* and map every key character back to the original.

    Returns ``(key, offsets)`` where ``offsets[i]`` is the index in *text* of the
    character that produced ``key[i]``; ``offsets`` has one extra final entry,
    ``len(text)``, so that a key span ``[s, e)`` maps to ``text[offsets[s]:offsets[e-1]+1]``.
    Whitespace is collapsed as in :func:`normalize` but not trimmed.
    """
    chars: list[str] = []
    offsets: list[int] = []
    for i, c in enumerate(text):
        folded = _fold_char(c)
        if folded == " ":
            if chars and chars[-1] == " ":
                continue
        for f in folded:
            chars.append(f)
            offsets.append(i)
    offsets.append(len(text))
    return "".join(chars), offsets


_ARABIC_DIGITS = str.maketrans({**{chr(0x0660 + i): str(i) for i in range(10)},
                                **{chr(0x06F0 + i): str(i) for i in range(10)}})


def ascii_digits(text: str) -> str:
    """*text* with Arabic-Indic and Persian digits written as ASCII digits."""
    return text.translate(_ARABIC_DIGITS)
