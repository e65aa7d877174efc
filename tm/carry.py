"""Carrying numbers from a new segment into a memory translation (2011 → 2015).

A number is a run of digits in any script (٢٠١١ and 2011 are the same number), with ``.``, ``,``,
``٫`` or ``٬`` between digit groups: ``1,500`` and ``١٬٥٠٠`` are 1500, ``3.5`` and ``٣٫٥`` are 3.5, and
``2,5`` (a decimal comma) is 2.5.  The numbers of the segment and of the memory's source are paired
by the content words around them when every number has one counterpart that matches it
better than any other, both ways (قتل 12 جندياً ↔ قتل 30 جندياً: swapped figures are two
changes, a number that only moved is none); else, when both hold the same numbers, nothing is
carried, and otherwise they are paired in order by an edit-distance alignment of the two lists;
each pair that differs, ``old → new``, is carried into the target only when it is unambiguous:
``old`` occurs once in the memory's source, once in the target, and no other change touches it.
Anything else is left as it is, with a sentence saying why, so that the translator checks it.
The new number is written the way the target wrote the old one (digit script, thousands
separators).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field

from rapidfuzz.distance import Levenshtein

from .keys import key
from .normalize import ascii_digits

NUMBER = re.compile(r"\d+(?:[.,\u066b\u066c]\d+)*")
_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@dataclass
class Carried:
    """A target after number carrying: the substitutions made and the ones left to the translator."""

    target: str
    numbers: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def value(number: str) -> str:
    """The canonical form of a number as written: ASCII digits, no thousands separators, ``.`` decimal."""
    text = ascii_digits(number).replace("\u066c", ",").replace("\u066b", ".")
    if _GROUPED.fullmatch(text):
        return text.replace(",", "")
    if "," in text and "." not in text:
        return text.replace(",", ".") if text.count(",") == 1 else text.replace(",", "")
    if text.count(".") > 1:
        return text.replace(".", "")
    return text


def number_values(text: str) -> list[str]:
    """The canonical values of the numbers in *text*, in order."""
    return [value(m.group()) for m in NUMBER.finditer(text)]


def _write_like(new: str, old_written: str) -> str:
    """*new* (canonical) written in the style of *old_written* (digit script, grouping)."""
    whole, _, fraction = new.partition(".")
    if "," in old_written and _GROUPED.fullmatch(ascii_digits(old_written)) and len(whole) > 3:
        whole = f"{int(whole):,}"
    out = whole + ("." + fraction if fraction else "")
    if any("\u0660" <= c <= "\u0669" for c in old_written):
        out = out.translate(_ARABIC_INDIC).replace(",", "\u066c").replace(".", "\u066b")
    return out


_WORD = re.compile(r"\w+")
# Function words (as matching keys) that say nothing about which number is which: a number's
# context is the nearest word on each side that is not one of them (و 8 في حمص → حمص).
_FUNCTION = frozenset(
    "و ف ب ل ك في من الي علي عن مع ثم او ان قد لا ما هذا هذه ذلك تلك التي الذي الذين حتي منذ بين عند "
    "بعد قبل خلال نحو حوالي of in on at to and the a an by for from with".split()
)
CONTEXT_NUMBERS = 50  # more numbers than this in a segment: paired by order, as a table would be


def _contexts(text: str) -> list[tuple[str, str]]:
    """For each number of *text*, the nearest content word before and after it (matching keys; "" at an end)."""
    words = [(m.start(), k) for m in _WORD.finditer(text)
             if not m.group().isdigit() and (k := key(m.group())) not in _FUNCTION and len(k) > 1]  # fmt: skip
    starts = [w[0] for w in words]
    out = []
    for m in NUMBER.finditer(text):
        at = bisect_left(starts, m.start())  # words before the number: words[:at]
        after = bisect_left(starts, m.end())
        out.append((words[at - 1][1] if at else "", words[after][1] if after < len(words) else ""))
    return out


def _pair_by_context(new: list[tuple[str, str]], old: list[tuple[str, str]]) -> list[tuple[int, int]] | None:
    """Pairs (new index, old index) of numbers whose content words around them match
    (12 جندياً ↔ 30 جندياً), or None unless every number has one counterpart that matches it
    better than any other number does, both ways: anything less would be a guess."""
    if len(new) != len(old) or not new or len(new) > CONTEXT_NUMBERS:
        return None

    def score(a: tuple[str, str], b: tuple[str, str]) -> int:
        return (a[0] == b[0] != "") + (a[1] == b[1] != "")

    table = [[score(a, b) for b in old] for a in new]
    pairs = []
    for i, row in enumerate(table):
        best = max(row)
        j = row.index(best)
        if best == 0 or row.count(best) > 1 or any(table[k][j] >= best for k in range(len(new)) if k != i):
            return None
        pairs.append((i, j))
    return pairs if len({j for _, j in pairs}) == len(pairs) else None


def carry(segment: str, source: str, target: str) -> Carried:
    """*target* with the numbers that changed between *source* and *segment* replaced where unambiguous."""
    new_nums, old_nums = number_values(segment), number_values(source)
    if new_nums == old_nums:
        return Carried(target)
    warnings: list[str] = []
    paired = _pair_by_context(_contexts(segment), _contexts(source))
    if paired is not None:  # each number has its counterpart by the words around it
        changes = [(old_nums[j], new_nums[i]) for i, j in paired if old_nums[j] != new_nums[i]]
        if not changes:
            return Carried(target)
    elif Counter(new_nums) == Counter(old_nums):  # the same numbers in another order: which is which?
        return Carried(target, warnings=[
            f"The segment has the memory's numbers in another order ({', '.join(new_nums)} against "
            f"{', '.join(old_nums)}); check which is which in the translation."])
    else:
        changes = []
    for op in Levenshtein.editops(old_nums, new_nums) if paired is None else ():
        if op.tag == "replace":
            changes.append((old_nums[op.src_pos], new_nums[op.dest_pos]))
        elif op.tag == "insert":
            warnings.append(f"The segment's number {new_nums[op.dest_pos]} has no counterpart in the memory.")
        else:
            warnings.append(f"The memory's number {old_nums[op.src_pos]} is not in the segment.")
    in_source = Counter(old_nums)
    found: dict[str, list[re.Match[str]]] = {}
    for m in NUMBER.finditer(target):
        found.setdefault(value(m.group()), []).append(m)
    edits: list[tuple[re.Match[str], str]] = []
    for old, new in changes:
        spots = found.get(old, [])
        if in_source[old] > 1:
            warnings.append(
                f"{old} → {new} not carried: {old} occurs {in_source[old]} times in the memory source."
            )
        elif len(spots) != 1:
            where = "does not occur" if not spots else f"occurs {len(spots)} times"
            warnings.append(f"{old} → {new} not carried: {old} {where} in the memory translation.")
        else:
            edits.append((spots[0], new))
    out, done, end = [], [], 0
    for m, new in sorted(edits, key=lambda e: e[0].start()):
        written = _write_like(new, m.group())
        out.append(target[end : m.start()] + written)
        done.append((m.group(), written))
        end = m.end()
    return Carried("".join(out) + target[end:], done, warnings)
