"""Check translations against glossary terms: wrong, forbidden and inconsistent renderings.

For every translated segment, each glossary term found in the Arabic
(:class:`tm.terms.TermMatcher`) is checked in the English:

* **missing**: neither the required rendering nor an accepted alternative is there (found as
  :mod:`tm.terms` finds renderings: whole words, case and the tolerances it describes);
* **forbidden**: a rendering the glossary rules out is there (:func:`tm.terms.forbidden_found`).

English is compared with British -ise spellings read as -ize (organisation ~ organization,
organised ~ organized), the same way on both sides; the change keeps every offset.  A term
that forbids the other spelling of one of its renderings (house style: "Organization", not
"Organisation") is compared as written.  (``tm translate``'s term report does not read -ise
as -ize: this tolerance is the publication check's.)

Across the document, a term is **inconsistent** (one finding per term) when

* it occurs in two or more translated segments and is rendered correctly (required
  rendering or an alternative, nothing forbidden) in some of them but not in others:
  this comes with a missing or forbidden rendering, and is reported separately because
  it shows the translator knew the term; or
* occurrences of one Arabic spelling of it are rendered by two or more different accepted
  renderings, compared case-insensitively ("Revolutionary Guards", then "Islamic
  Revolutionary Guard Corps").  What goes together is not counted as two renderings: an
  acronym with anything ("IRGC", "WWII": a full name and its acronym), a short form with
  the full one (Putin, Vladimir Putin), renderings differing in word endings only
  (Republican, Republicans; Democrat, Democratic), and a rendering found only inside a
  longer one ("Revolutionary Guard" in "Islamic Revolutionary Guard Corps").  A segment
  carrying two renderings is no evidence, since which one renders the term is not known,
  and different Arabic spellings (سوريا, الجمهورية العربية السورية) may have different
  renderings.  The finding names the renderings used.

A gate must not pass what it has not read: an untranslated segment (no English, or only
white space, for Arabic that is not blank) fails the check, since its terms cannot be
checked.  With ``allow_untranslated`` a partial translation is checked as far as it goes,
but a report in which every segment is untranslated is still not ``ok``: nothing was
checked.  Nor is an empty one.

Inputs are pairs of Arabic and English: a stored document (each segment's latest human
translation, else its draft), a JSONL file as ``tm translate --format jsonl`` writes (keys
``source`` and ``target``), or a TSV with two tab-separated columns, Arabic and English, on
every line (an empty English cell after the tab marks an untranslated segment).  A file
with no pairs, or a line without its tab, is refused with the line number.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import FormatError, InputError, NotFoundError
from .formats.termfile import decode_utf8
from .normalize import normalize
from .store import Store
from .terms import Term, TermMatcher, _spans, forbidden_found, term_key


@dataclass
class Pair:
    """One segment to check: its 1-based number, the Arabic, and the English (None if untranslated)."""

    index: int
    source: str
    target: str | None


@dataclass
class TermCheck:
    """One glossary term in one segment and what the English does with it."""

    segment: int
    ar: str
    en: str
    source_text: str
    alternatives: list[str]
    rendered: str | None  # the accepted rendering found in the English, if any
    forbidden: list[str] = field(default_factory=list)
    renderings: list[str] = field(default_factory=list)  # every accepted rendering found, in glossary order

    @property
    def found(self) -> bool:
        return self.rendered is not None

    @property
    def ok(self) -> bool:
        return self.found and not self.forbidden

    def as_json(self) -> dict[str, Any]:
        return {**self.__dict__, "found": self.found, "ok": self.ok}


@dataclass
class Inconsistency:
    """A term rendered correctly in some segments and not in others, or rendered several ways."""

    ar: str
    en: str
    rendered_in: list[int]  # segments with an accepted rendering and nothing forbidden
    violated_in: list[int]  # segments where it is missing or forbidden
    renderings: list[str] = field(default_factory=list)  # the accepted renderings used, first seen first

    @property
    def message(self) -> str:
        """The finding as a sentence."""
        used = ", ".join(f'"{r}"' for r in self.renderings)
        if self.violated_in:
            rendered = ", ".join(map(str, self.rendered_in))
            violated = ", ".join(map(str, self.violated_in))
            return f'{self.ar} → "{self.en}" is rendered in segment(s) {rendered} but not in {violated}.'
        return f"{self.ar} is rendered {len(self.renderings)} ways in one document: {used}."

    def as_json(self) -> dict[str, Any]:
        return {**self.__dict__, "message": self.message}


@dataclass
class CheckReport:
    """The result of :func:`check`; ``ok`` is False when any term is missing, forbidden or
    inconsistent, when a segment is untranslated (unless ``allow_untranslated``), and when
    nothing was checked (no segment, or every one untranslated)."""

    segments: int
    untranslated: int
    checks: list[TermCheck]
    inconsistencies: list[Inconsistency]
    untranslated_segments: list[int] = field(default_factory=list)
    allow_untranslated: bool = False
    translated: int = 0  # segments with an English translation, the ones checked

    @property
    def nothing_checked(self) -> bool:
        """No segment was translated (none given, or every one untranslated)."""
        return self.translated == 0

    @property
    def untranslated_fails(self) -> bool:
        """Whether untranslated segments alone make the check fail."""
        return self.nothing_checked or (self.untranslated > 0 and not self.allow_untranslated)

    @property
    def missing(self) -> list[TermCheck]:
        return [c for c in self.checks if not c.found]

    @property
    def forbidden(self) -> list[TermCheck]:
        return [c for c in self.checks if c.forbidden]

    @property
    def problems(self) -> list[TermCheck]:
        return [c for c in self.checks if not c.ok]

    @property
    def ok(self) -> bool:
        return not self.problems and not self.inconsistencies and not self.untranslated_fails

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "segments": self.segments,
            "untranslated": self.untranslated,
            "translated": self.translated,
            "untranslated_segments": list(self.untranslated_segments),
            "allow_untranslated": self.allow_untranslated,
            "terms_checked": len(self.checks),
            "missing": len(self.missing),
            "forbidden": len(self.forbidden),
            "inconsistent": len(self.inconsistencies),
            "problems": [c.as_json() for c in self.problems],
            "inconsistencies": [i.as_json() for i in self.inconsistencies],
            "checks": [c.as_json() for c in self.checks],
        }


def check(pairs: Iterable[Pair | tuple[str, str | None]], terms: Sequence[Term], *,
          allow_untranslated: bool = False) -> CheckReport:
    """Check every translated pair (a :class:`Pair` or ``(arabic, english)``) against *terms*.

    See the module docstring for the rules; *allow_untranslated* lets untranslated
    segments pass (as long as one segment is translated).
    """
    matcher = TermMatcher(terms) if terms else None
    checks: list[TermCheck] = []
    forms: list[str] = []  # the spelling of each check's term that the Arabic uses
    count = translated = 0
    untranslated: list[int] = []
    for item in pairs:
        count += 1
        pair = item if isinstance(item, Pair) else Pair(count, item[0], item[1])
        if not pair.target or not pair.target.strip():
            if pair.source.strip():  # a blank segment has nothing to translate
                untranslated.append(pair.index)
            continue
        translated += 1
        if matcher is None:
            continue
        seen: set[str] = set()
        folded = _spelling(pair.target)
        for hit in matcher.find(pair.source):
            term = hit.term
            key = normalize(term.ar)
            if key in seen:
                continue
            seen.add(key)
            fold = _spelling if _tolerant(term) else str
            english = folded if fold is _spelling else pair.target
            renderings = _renderings(term, english, fold)
            checks.append(
                TermCheck(
                    segment=pair.index,
                    ar=term.ar,
                    en=term.en,
                    source_text=hit.text,
                    alternatives=list(term.alternatives),
                    rendered=renderings[0] if renderings else None,
                    forbidden=_forbidden(term, english, fold),
                    renderings=renderings,
                )
            )
            forms.append(_form(term, hit.text))
    return CheckReport(count, len(untranslated), checks, _inconsistencies(checks, forms), untranslated,
                       allow_untranslated, translated)


_BRITISH = re.compile(r"(?<=[A-Za-z][a-z])is(?=(?:e|es|ed|ing|ation|ations)\b)")


def _spelling(text: str) -> str:
    """*text* with British -ise, -ised, -ising, -isation read as -ize… (same length: offsets hold)."""
    return _BRITISH.sub("iz", text)


def _tolerant(term: Term) -> bool:
    """Whether -ise may be read as -ize for *term*: not when it forbids a spelling that way of a rendering."""
    accepted = {_spelling(r).casefold() for r in (term.en, *term.alternatives)}
    return not any(_spelling(f).casefold() in accepted for f in term.forbidden)


def _renderings(term: Term, english: str, fold: Callable[[str], str]) -> list[str]:
    """The accepted renderings of *term* that *english* (already *fold*-ed) carries, in
    glossary order, leaving out one found only inside a longer one found."""
    found = [(r, _spans(fold(r), english)) for r in dict.fromkeys((term.en, *term.alternatives))]
    found = [(r, spans) for r, spans in found if spans]
    inside = {(r, s, e) for r, spans in found for s, e in spans
              for other, others in found if other != r
              for a, b in others if a <= s and e <= b and (a, b) != (s, e)}
    return [r for r, spans in found if not all((r, s, e) in inside for s, e in spans)]


def _forbidden(term: Term, english: str, fold: Callable[[str], str]) -> list[str]:
    """The forbidden renderings of *term* in *english* (already *fold*-ed), as the glossary spells them."""
    if not term.forbidden:
        return []
    spelled: dict[str, str] = {}
    for r in term.forbidden:
        spelled.setdefault(fold(r), r)
    probe = Term(term.ar, fold(term.en), alternatives=tuple(map(fold, term.alternatives)),
                 forbidden=tuple(spelled))
    return [spelled[r] for r in forbidden_found(probe, english)]


def _form(term: Term, written: str) -> str:
    """The spelling of *term* (its Arabic or a variant, as a key) that the hit *written* is."""
    key = term_key(written)
    for form in sorted((term_key(s) for s in (term.ar, *term.variants)), key=len, reverse=True):
        if key.endswith(form) or (form.startswith("ال") and key.endswith(form[2:])):
            return form
    return term_key(term.ar)


def _words(rendering: str) -> tuple[str, ...]:
    """A rendering as words for comparing renderings: case, hyphens, -ise spellings and a leading "the" aside."""
    words = tuple(w for w in re.split(r"[\s\-\u2010-\u2015]+", _spelling(rendering).casefold()) if w)
    return words[1:] if len(words) > 1 and words[0] == "the" else words


def _acronym(rendering: str) -> bool:
    return all(sum(c.isalpha() for c in w) >= 2 and w.upper() == w for w in rendering.split())


def _within(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    """Whether *short* is a run of *long*'s words (Putin in Vladimir Putin)."""
    return len(short) < len(long) and any(long[i:i + len(short)] == short for i in range(len(long)))


def _inflected(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Whether two renderings differ only in word endings (Republican ~ Republicans ~ Republican Party is
    not; Democrat ~ Democratic, senators ~ Senate, counter-terrorism ~ countering terrorism are)."""
    if len(a) != len(b):
        return False
    for x, y in zip(a, b, strict=True):
        common = len(os.path.commonprefix([x, y]))
        if x != y and (common < 4 or len(x) - common > 3 or len(y) - common > 3):
            return False
    return True


def _several_ways(renderings: Sequence[set[tuple[str, ...]]]) -> bool:
    """Whether occurrences of one Arabic spelling, given the worded renderings each segment carries,
    are rendered in two or more ways.  A short form (Putin) goes with the full one (Vladimir Putin),
    renderings differing in endings only are one way, and a segment carrying two renderings is no
    evidence, since which one renders the term is not known."""
    used = set().union(*renderings)
    full = {w for w in used if not any(_within(w, other) for other in used)}
    ways: list[tuple[str, ...]] = []
    for found in (r & full for r in renderings):
        if len(found) == 1 and not any(_inflected(next(iter(found)), way) for way in ways):
            ways.extend(found)
    return len(ways) >= 2


def _inconsistencies(checks: Sequence[TermCheck], forms: Sequence[str]) -> list[Inconsistency]:
    by_term: dict[str, list[tuple[TermCheck, str]]] = {}
    for c, form in zip(checks, forms, strict=True):
        by_term.setdefault(normalize(c.ar), []).append((c, form))
    out = []
    for group in by_term.values():
        good = [c.segment for c, _ in group if c.ok]
        bad = [c.segment for c, _ in group if not c.ok]
        by_form: dict[str, list[set[tuple[str, ...]]]] = {}
        for c, form in group:
            by_form.setdefault(form, []).append({_words(r) for r in c.renderings if not _acronym(r)})
        if (good and bad) or any(_several_ways(r) for r in by_form.values()):
            names: dict[tuple[str, ...], str] = {}
            for c, _ in group:
                for r in c.renderings:
                    names.setdefault(_words(r), r)
            first = group[0][0]
            out.append(Inconsistency(first.ar, first.en, good, bad, list(names.values())))
    return out


def document_pairs(store: Store, ref: str | int) -> list[Pair]:
    """The segments of a stored document with their best translation (latest human, else the draft)."""
    doc = store.document(ref)
    out = []
    for seg in store.segments(doc):
        best = seg.best
        out.append(Pair(seg.index, seg.source, best.text if best else None))
    return out


def _jsonl_pairs(lines: list[str], path: str) -> list[Pair]:
    out: list[Pair] = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise FormatError(f"not a JSON object ({exc.msg}).", path=path, line=n) from None
        if not isinstance(row, dict) or not isinstance(row.get("source"), str):
            raise FormatError("each line needs a \"source\" string (and a \"target\").", path=path, line=n)
        target = row.get("target")
        if target is not None and not isinstance(target, str):
            raise FormatError("\"target\" must be a string or null.", path=path, line=n)
        index = row.get("index")
        out.append(Pair(index if isinstance(index, int) else len(out) + 1, row["source"], target))
    return out


def _tsv_pairs(lines: list[str], path: str) -> list[Pair]:
    out: list[Pair] = []
    header = False
    for n, line in enumerate(lines, start=1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) == 1:
            raise FormatError(
                "no tab: a pairs file needs two tab-separated columns, Arabic and English, on every line "
                "(nothing after the tab for an untranslated segment); an Arabic text is translated with "
                "`tm translate`, not checked.", path=path, line=n)
        if len(cells) > 2:
            raise FormatError(f"{len(cells)} tab-separated columns; expected two, Arabic and English.",
                              path=path, line=n)
        if not out and not header and [c.strip().lower() for c in cells] in (["ar", "en"], ["source", "target"]):
            header = True
            continue
        out.append(Pair(len(out) + 1, cells[0], cells[1] if cells[1].strip() else None))
    return out


def read_pairs(path: str | Path) -> list[Pair]:
    """The Arabic/English pairs of a JSONL file (``.jsonl``/``.json``, or starting with ``{``) or a TSV."""
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"Cannot read {name}: {exc.strerror or exc}.") from None
    lines = decode_utf8(data, name).split("\n")
    first = next((line.strip() for line in lines if line.strip()), "")
    if Path(path).suffix.lower() in (".jsonl", ".json") or first.startswith("{"):
        pairs = _jsonl_pairs(lines, name)
    else:
        pairs = _tsv_pairs(lines, name)
    if not pairs:
        what = "is empty" if not first else "has no segment pairs, only a header"
        raise InputError(f"{name} {what}; give a JSONL file from `tm translate --format jsonl` or a TSV of "
                         "Arabic and English pairs.")
    return pairs


def pairs_for(store: Store, spec: str) -> list[Pair]:
    """The pairs of *spec*: a JSONL/TSV file if one exists at that path, else a stored document."""
    if Path(spec).is_file():
        return read_pairs(spec)
    try:
        return document_pairs(store, spec)
    except NotFoundError:
        if Path(spec).is_dir():
            raise InputError(
                f"{spec} is a directory; give a JSONL or TSV file of pairs, or a document name from `tm docs`."
            ) from None
        raise NotFoundError(
            f"No file and no stored document {spec!r}; give a JSONL or TSV file, or a name from `tm docs`."
        ) from None
