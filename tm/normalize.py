"""Arabic normalisation for matching keys.

The key is used only to *match* (memory lookup, glossary terms, QA); the stored and
displayed text is never normalised.  The rules, applied per character:

* compatibility forms folded (NFKC: presentation forms ﻻ → لا, full-width digits)
* tashkeel (harakat, tanwin, shadda, sukun, superscript alef, small and Quranic marks,
  their presentation forms) and tatweel removed
* أ إ آ ٱ → ا,  ى → ي,  ة → ه;  Persian ی → ي and ک → ك;  Urdu ۃ ہ ۂ ھ and ۀ → ه, ے → ي;
  a letter followed by a combining hamza (و + ٔ) keyed as the single letter (ؤ)
* invisible characters dropped (ZWNJ/ZWJ, direction marks, embeddings and isolates, BOM,
  word joiner); a zero-width space is a space
* Arabic-Indic (٠-٩) and Persian (۰-۹) digits → ASCII, with ٫ → .  ٬ → ,  ٪ → %
* Latin letters case-folded; any run of whitespace → one space, trimmed

:func:`arabic_share` tells Arabic script from Latin (a term in the wrong column).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_DROP = frozenset(
    [chr(c) for c in range(0x064B, 0x0660)]  # harakat, tanwin, shadda, sukun, hamza marks
    + ["\u0670", "\u0640"]  # superscript alef, tatweel
    + [chr(c) for c in range(0x06D6, 0x06EE) if c not in (0x06DE, 0x06E9)]  # Quranic annotation
    + [chr(c) for c in range(0x0610, 0x061B)]  # honorific signs, small fatha/damma/kasra
    + [chr(c) for c in range(0x08D3, 0x0900) if c != 0x08E2]  # extended marks (curly, open tanwin)
    + ["\u200c", "\u200d", "\u200e", "\u200f", "\u061c", "\ufeff", "\u2060"]  # ZWNJ/ZWJ, marks, BOM, WJ
    + [chr(c) for c in range(0x202A, 0x202F)] + [chr(c) for c in range(0x2066, 0x206A)]  # embeddings, isolates
)
_SPACES = frozenset("\u200b")  # zero-width space: a word break, as for the segmenter
_MAP = {
    "\u0623": "\u0627",  # أ
    "\u0625": "\u0627",  # إ
    "\u0622": "\u0627",  # آ
    "\u0671": "\u0627",  # ٱ
    "\u0649": "\u064a",  # ى → ي
    "\u0629": "\u0647",  # ة → ه
    "\u06cc": "\u064a",  # Persian yeh ی → ي
    "\u06a9": "\u0643",  # keheh ک → ك
    "\u06c1": "\u0647",  # Urdu heh goal ہ → ه
    "\u06c2": "\u0647",  # heh goal with hamza ۂ → ه
    "\u06c3": "\u0647",  # Urdu teh marbuta goal ۃ → ه (as ة)
    "\u06be": "\u0647",  # heh doachashmee ھ → ه
    "\u06c0": "\u0647",  # heh with yeh above ۀ → ه
    "\u06d2": "\u064a",  # yeh barree ے → ي
    "\u066b": ".",  # Arabic decimal separator ٫
    "\u066c": ",",  # Arabic thousands separator ٬
    "\u066a": "%",  # Arabic percent sign ٪
}
_MAP.update({chr(0x0660 + i): str(i) for i in range(10)})
_MAP.update({chr(0x06F0 + i): str(i) for i in range(10)})

_SPACE = re.compile(r"\s+")
_HAMZA = "\u0654"  # combining hamza above
_HAMZA_SEATS = {"\u0648": "\u0624", "\u064a": "\u0626"}  # و + ٔ → ؤ,  ي/ى + ٔ → ئ
_HARAKAT = frozenset([chr(c) for c in range(0x064B, 0x0654)] + ["\u0670"])


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    """The key text for one original character ('' when it is dropped)."""
    if ch in _DROP:
        return ""
    if ch.isspace() or ch in _SPACES:
        return " "
    out = []
    for c in unicodedata.normalize("NFKC", ch):
        if c in _DROP:
            continue
        out.append(_MAP.get(c, c))
    # NFKC writes isolated marks with a space before them (ﹶ → " َ"): that space is not text.
    return "".join(out).casefold().strip(" ")


def _key(text: str) -> tuple[list[str], list[int]]:
    """Key characters of *text*, each with the index of the character that produced it."""
    chars: list[str] = []
    offsets: list[int] = []
    for i, c in enumerate(text):
        if c == _HAMZA and chars and chars[-1] in _HAMZA_SEATS and _only_harakat(text, offsets[-1] + 1, i):
            chars[-1] = _HAMZA_SEATS[chars[-1]]
            continue
        for f in _fold_char(c):
            if f == " " and chars and chars[-1] == " ":
                continue
            chars.append(f)
            offsets.append(i)
    return chars, offsets


def _only_harakat(text: str, start: int, end: int) -> bool:
    return all(text[j] in _HARAKAT for j in range(start, end))


def normalize(text: str) -> str:
    """The matching key of *text*: see the module docstring for the rules."""
    key = "".join(_key(text)[0]) if _HAMZA in text else "".join(map(_fold_char, text))
    return _SPACE.sub(" ", key).strip()


def normalize_with_offsets(text: str) -> tuple[str, list[int]]:
    """Normalise *text* and map every key character back to the original.

    Returns ``(key, offsets)`` where ``offsets[i]`` is the index in *text* of the
    character that produced ``key[i]``; ``offsets`` has one extra final entry,
    ``len(text)``, so that a key span ``[s, e)`` maps to ``text[offsets[s]:offsets[e-1]+1]``.
    Whitespace is collapsed as in :func:`normalize` but not trimmed.
    """
    chars, offsets = _key(text)
    offsets.append(len(text))
    return "".join(chars), offsets


#: Arabic-Indic and Persian digits and their ASCII digits (for ``str.maketrans`` tables elsewhere).
DIGITS = {chr(0x0660 + i): str(i) for i in range(10)} | {chr(0x06F0 + i): str(i) for i in range(10)}
_ARABIC_DIGITS = str.maketrans(DIGITS)


def ascii_digits(text: str) -> str:
    """*text* with Arabic-Indic and Persian digits written as ASCII digits."""
    return text.translate(_ARABIC_DIGITS)


#: An Arabic letter (not a digit, mark, tatweel or punctuation): the Arabic block, its supplements, presentation forms.
ARABIC_LETTER = re.compile(
    "[\u0620-\u063f\u0641-\u064a\u066e-\u06d3\u06d5\u06ee\u06ef\u06fa-\u06fc\u06ff\u0750-\u077f\u08a0-\u08c9"
    "\ufb50-\ufdfd\ufe70-\ufefc]"
)


def arabic_share(text: str) -> float:
    """The share of the letters of *text* that are Arabic letters (0.0 when it has no letter)."""
    letters = [c for c in text if c.isalpha()]
    return sum(1 for c in letters if ARABIC_LETTER.match(c)) / len(letters) if letters else 0.0
