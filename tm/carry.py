"""Carrying numbers from a new segment into a memory translation (2011 → 2015).

A number is a run of digits in any script (٢٠١١ and 2011 are the same number), with ``.``, ``,``,
``٫`` or ``٬`` between digit groups: ``1,500`` and ``١٬٥٠٠`` are 1500, ``3.5`` and ``٣٫٥`` are 3.5, and
``2,5`` (a decimal comma) is 2.5.  The numbers of the segment and of the memory's source are paired
in order (position by position when both have as many, so that swapped figures are two changes;
else by an edit-distance alignment of the two number lists); each pair that differs, ``old → new``,
is carried into the target only when it is unambiguous: ``old`` occurs once in the memory's source,
once in the target, and no other change touches it.  Anything else is left as it is, with a
sentence saying why, so that the translator checks it.  The new number is written the way the
target wrote the old one (digit script, thousands separators).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from rapidfuzz.distance import Levenshtein

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


def carry(segment: str, source: str, target: str) -> Carried:
    """*target* with the numbers that changed between *source* and *segment* replaced where unambiguous."""
    new_nums, old_nums = number_values(segment), number_values(source)
    if new_nums == old_nums:  # the same numbers in another order are a change (12 killed, 30 hurt → 30, 12)
        return Carried(target)
    warnings: list[str] = []
    changes: list[tuple[str, str]] = []
    if len(new_nums) == len(old_nums):  # as many numbers: paired in order (a swap is two changes)
        changes = [(old, new) for old, new in zip(old_nums, new_nums, strict=True) if old != new]
    for op in Levenshtein.editops(old_nums, new_nums) if not changes else ():
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
