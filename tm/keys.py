"""Matching keys and words for the memory, one text at a time or a whole batch at once.

:func:`key` gives exactly :func:`tm.normalize.normalize` (a test checks it on real text), only
faster; :func:`batch_keys` and :func:`batch_words` do the same for thousands of texts with numpy
lookup tables, which is what lets an import of a million units finish in time.  The words of a key
are its maximal runs of letters and digits (``str.isalnum``); punctuation and spaces separate them.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

from .normalize import normalize

_BMP = 0x10000
_DROP = 0xFFFFFFFE  # key table: the character disappears
_MANY = 0xFFFFFFFF  # key table: it becomes several characters (handled one text at a time)
_SEP = "\x00"
_HAMZA = "\u0654"  # combining hamza above: normalize() joins it to the letter before


class _Folding:
    """A per-character rewrite applied with ``str.translate``, learning each new character once.

    A plain dict keeps ``str.translate`` fast; a regular expression of the characters not yet
    seen tells when the table has to learn some.
    """

    def __init__(self, fold: Callable[[str], str]):
        self._fold = fold
        self._table: dict[int, str] = {}
        self._known: set[str] = set()
        self._unknown = re.compile(".", re.DOTALL)

    def __call__(self, text: str) -> str:
        if self._unknown.search(text):
            for c in set(text) - self._known:
                self._known.add(c)
                folded = self._fold(c)
                if folded != c:
                    self._table[ord(c)] = folded
            self._unknown = re.compile(f"[^{''.join(sorted(map(re.escape, self._known)))}]")
        return text.translate(self._table)


def _key_char(c: str) -> str:
    # normalize() folds each character on its own, then collapses whitespace and trims:
    # framing the character between two letters gives exactly its folded text.
    return normalize(f"a{c}a")[1:-1]


_fold_key = _Folding(_key_char)
_WORD = re.compile(r"[^\W_]+")  # \w minus the underscore: exactly the str.isalnum() characters


def key(text: str) -> str:
    """The matching key of *text*: the same as :func:`tm.normalize.normalize`."""
    if _HAMZA in text:  # the one rule of normalize() that looks at the character before
        return normalize(text)
    return " ".join(_fold_key(text).split())


def words(key_text: str) -> list[str]:
    """The words of a matching key, in order."""
    return _WORD.findall(key_text)


def key_hash(key_text: str) -> int:
    """A stable signed 64-bit hash of a key, for the ``memory_units.key_hash`` index (a filter only)."""
    data = key_text.encode("utf-8", "surrogatepass")
    value = zlib.crc32(data) << 32 | zlib.adler32(data)
    return value - (1 << 64) if value >= 1 << 63 else value


# -- batches -------------------------------------------------------------------------------------


@cache
def _key_table() -> np.ndarray:
    table = np.empty(_BMP, dtype=np.uint32)
    for code in range(_BMP):
        folded = _key_char(chr(code))
        if not folded:
            table[code] = _DROP
        elif len(folded) == 1:
            table[code] = ord(folded)
        else:
            table[code] = _MANY
    table[ord(_HAMZA)] = _MANY
    return table


@cache
def _word_table() -> np.ndarray:
    table = np.arange(_BMP, dtype=np.uint32)
    table[[code for code in range(_BMP) if not chr(code).isalnum()]] = ord(" ")
    return table


def _codes(texts: Sequence[str]) -> np.ndarray | None:
    """The code points of *texts* joined by NUL, or None when a text holds a NUL itself."""
    joined = _SEP.join(texts)
    if joined.count(_SEP) != len(texts) - 1:
        return None
    return np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _text(codes: np.ndarray) -> str:
    return codes.astype(np.uint32).tobytes().decode("utf-32-le", "surrogatepass")


def batch_keys(texts: Sequence[str]) -> list[str]:
    """``[key(t) for t in texts]``, computed for the whole batch at once."""
    if len(texts) < 64:
        return [key(t) for t in texts]
    codes = _codes(texts)
    if codes is None:
        return [key(t) for t in texts]
    ends = np.flatnonzero(codes == 0)
    wide = codes >= _BMP
    folded = _key_table()[np.where(wide, 0x20, codes)]
    odd = wide | (folded == _MANY)  # texts with these characters are done one by one
    folded = folded[folded != _DROP]
    folded[folded == _MANY] = 0x20
    space = folded == 32
    boundary = (folded == 0) | space
    # a space goes when it follows a space or a separator, or when only spaces lead to the next separator
    before = np.concatenate(([True], boundary[:-1]))
    nonspace = np.flatnonzero(~space)  # never empty: the batch has separators
    nxt = np.searchsorted(nonspace, np.flatnonzero(space))
    at_end = nxt >= len(nonspace)
    trailing = np.zeros(len(folded), dtype=bool)
    trailing[space] = at_end | (folded[nonspace[np.minimum(nxt, len(nonspace) - 1)]] == 0)
    folded = folded[~(space & (before | trailing))]
    out = _text(folded).split(_SEP)
    if odd.any():
        for i in np.unique(np.searchsorted(ends, np.flatnonzero(odd))).tolist():
            out[i] = key(texts[i])
    return out


@dataclass
class WordBatch:
    """The words of a batch of keys: where each word lies in ``text``, its hash, and how many each key has."""

    text: str  # the keys joined, with everything but letters and digits turned into spaces
    starts: np.ndarray  # start of each word in text, in order
    ends: np.ndarray
    hashes: np.ndarray  # int64 hash of each word: equal words, equal hashes (others: 2**-64 odds)
    counts: np.ndarray  # words per key

    def word(self, i: int) -> str:
        return self.text[self.starts[i] : self.ends[i]]


_P = np.uint64(1099511628211)  # odd, so invertible modulo 2**64
_P_INV = np.uint64(pow(1099511628211, -1, 2**64))


_POWERS: list[np.ndarray] = []


def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """``P**i`` and ``P**-i`` modulo 2**64 for i < n (at least), kept for the next batch."""
    if not _POWERS or len(_POWERS[0]) < n:
        size = max(n, 1 << 20)
        with np.errstate(over="ignore"):
            _POWERS[:] = [
                np.cumprod(np.full(size, _P, dtype=np.uint64)) * _P_INV,
                np.cumprod(np.full(size, _P_INV, dtype=np.uint64)) * _P,
            ]
    return _POWERS[0], _POWERS[1]


def batch_words(keys: Sequence[str]) -> WordBatch:
    """The words of every key (as :func:`words` finds them), for the whole batch at once."""
    if not keys:
        return WordBatch("", *(np.zeros(0, dtype=np.int64) for _ in range(4)))
    codes = _codes(keys)
    if codes is None:  # a key holds a NUL: rebuild the batch from its words, which cannot
        codes = _codes([" ".join(words(k)) for k in keys])
        assert codes is not None
    wide = codes >= _BMP
    mapped = _word_table()[np.where(wide, 32, codes)]
    if wide.any():
        mapped[wide] = [c if chr(c).isalnum() else 32 for c in codes[wide].tolist()]
    mapped[codes == 0] = 32
    is_word = mapped != 32
    edge = np.diff(np.concatenate(([False], is_word, [False])).astype(np.int8))
    starts, ends = np.flatnonzero(edge == 1), np.flatnonzero(edge == -1)
    owner = np.searchsorted(np.flatnonzero(codes == 0), starts, side="right")
    counts = np.bincount(owner, minlength=len(keys)).astype(np.int64)
    # polynomial hash of each word: (H[end] - H[start]) / P**start, all modulo 2**64
    powers, inverse = _powers(len(mapped))
    with np.errstate(over="ignore"):
        terms = mapped.astype(np.uint64) * powers[: len(mapped)]
        prefix = np.concatenate(([np.uint64(0)], np.cumsum(terms, dtype=np.uint64)))
        hashes = (prefix[ends] - prefix[starts]) * inverse[starts] + (ends - starts).astype(np.uint64)
    return WordBatch(_text(mapped), starts, ends, hashes.view(np.int64), counts)
