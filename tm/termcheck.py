"""Check translations against glossary terms: wrong, forbidden and inconsistent renderings.

For every translated segment, each glossary term found in the Arabic
(:class:`tm.terms.TermMatcher`) is checked in the English:

* **missing**: neither the required rendering nor an accepted alternative is there
  (:func:`tm.terms.term_found`);
* **forbidden**: a rendering the glossary rules out is there (:func:`tm.terms.forbidden_found`).

Across the document, a term is **inconsistent** when it occurs in two or more translated
segments and is rendered correctly (required rendering or an alternative, nothing
forbidden) in some of them but not in others.  Mixing the required rendering with an
accepted alternative (a full name, then its acronym) is not an inconsistency.  An
inconsistency always comes with at least one missing or forbidden rendering; it is
reported separately because it shows the translator knew the term.

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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import FormatError, InputError, NotFoundError
from .formats.termfile import decode_utf8
from .normalize import normalize
from .store import Store
from .terms import Term, TermMatcher, english_has, forbidden_found, term_found


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
    """A term rendered correctly in some segments and not in others."""

    ar: str
    en: str
    rendered_in: list[int]
    violated_in: list[int]

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


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
        for hit in matcher.find(pair.source):
            term = hit.term
            key = normalize(term.ar)
            if key in seen:
                continue
            seen.add(key)
            checks.append(
                TermCheck(
                    segment=pair.index,
                    ar=term.ar,
                    en=term.en,
                    source_text=hit.text,
                    alternatives=list(term.alternatives),
                    rendered=_rendered(term, pair.target),
                    forbidden=list(forbidden_found(term, pair.target)) if term.forbidden else [],
                )
            )
    return CheckReport(count, len(untranslated), checks, _inconsistencies(checks), untranslated,
                       allow_untranslated, translated)


def _rendered(term: Term, english: str) -> str | None:
    """The required rendering or accepted alternative of *term* that *english* carries."""
    if not term_found(term, english):
        return None
    return next((r for r in (term.en, *term.alternatives) if english_has(r, english)), None)


def _inconsistencies(checks: Sequence[TermCheck]) -> list[Inconsistency]:
    by_term: dict[str, list[TermCheck]] = {}
    for c in checks:
        by_term.setdefault(normalize(c.ar), []).append(c)
    out = []
    for group in by_term.values():
        good = [c.segment for c in group if c.ok]
        bad = [c.segment for c in group if not c.ok]
        if good and bad:
            out.append(Inconsistency(group[0].ar, group[0].en, good, bad))
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
