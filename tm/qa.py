"""Quality checks of English translations against their Arabic sources.

Each segment pair is checked for

* **empty**: no translation, or only white space;
* **untranslated**: the translation is the Arabic source itself;
* **number**: a number on one side that the other side lacks (:mod:`tm.qanumbers`:
  Arabic-Indic and Western digits, ``٬ ,`` thousands and ``٫ .`` decimal separators,
  scale words such as 5 ملايين = 5 million = 5,000,000, and number words that may stand
  for a digit on the other side);
* **arabic**: Arabic script left in the English;
* **brackets** / **quotes**: an unclosed or unmatched bracket or quote in the English
  (``( ) [ ] { } « » “ ” ‹ ›``, and an odd number of straight double quotes); a list
  marker such as ``1)`` is not a bracket, and a problem the source has too (a quote opened
  in one sentence and closed in the next) is not reported;
* **term**: a glossary term in the Arabic whose required English rendering (or an
  accepted alternative) is missing, or whose forbidden rendering is used
  (:mod:`tm.termcheck`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .normalize import ARABIC_LETTER, normalize
from .qanumbers import numbers

if TYPE_CHECKING:
    from .store import Store
    from .terms import Term

CHECKS = ("empty", "untranslated", "number", "arabic", "brackets", "quotes", "term")


@dataclass(frozen=True)
class Finding:
    """One problem in one segment."""

    segment: int  # 1-based
    check: str  # one of CHECKS
    message: str
    doc: str | None = None  # the document, when several were checked

    def as_json(self) -> dict[str, Any]:
        out = {"segment": self.segment, "check": self.check, "message": self.message}
        return {"doc": self.doc, **out} if self.doc is not None else out


@dataclass
class QAReport:
    """The findings over a set of segment pairs; ``terms_note`` says why terms were not checked."""

    segments: int
    findings: list[Finding] = field(default_factory=list)
    terms_checked: int = 0
    terms_note: str | None = None

    @property
    def ok(self) -> bool:
        return not self.findings

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(CHECKS, 0)
        for f in self.findings:
            out[f.check] += 1
        return out

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "segments": self.segments,
            "counts": self.counts(),
            "terms_checked": self.terms_checked,
            "terms_note": self.terms_note,
            "findings": [f.as_json() for f in self.findings],
        }


_ARABIC = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
_ARABIC_RUN = re.compile(f"[{_ARABIC}]+(?:[ \u00a0]+[{_ARABIC}]+)*")
_OPEN = {"(": ")", "[": "]", "{": "}", "«": "»", "“": "”", "‹": "›", "\ufd3e": "\ufd3f"}
_CLOSE = {v: k for k, v in _OPEN.items()}
_KIND = {c: "brackets" for c in "()[]{}\ufd3e\ufd3f"} | {c: "quotes" for c in "«»“”‹›\""}
# 1)  a)  iv)  ١)  أ)  — a list marker at the start, after an optional bullet
_MARKER = re.compile(
    rf"^\s*(?:[-–—_•*·]\s*)?(?:\d{{1,3}}|[\u0660-\u0669]{{1,3}}|[A-Za-z]|[ivxIVX]{{1,5}}|[{_ARABIC}])\)(?=\s)"
)


def _balance(text: str) -> list[tuple[str, str, str]]:
    """``(kind, problem, char)`` for each unclosed or unmatched bracket or quote in *text*."""
    text = _MARKER.sub("", text, count=1)
    stack: list[str] = []
    out = []
    for ch in text:
        if ch in _OPEN:
            stack.append(ch)
        elif ch in _CLOSE:
            if stack and stack[-1] == _CLOSE[ch]:
                stack.pop()
            elif _CLOSE[ch] in stack:  # closes an outer one: the inner ones were left open
                while stack[-1] != _CLOSE[ch]:
                    opened = stack.pop()
                    out.append((_KIND[opened], "unclosed", opened))
                stack.pop()
            else:
                out.append((_KIND[ch], "unmatched", ch))
    out.extend((_KIND[ch], "unclosed", ch) for ch in stack)
    if text.count('"') % 2:
        out.append(("quotes", "unclosed", '"'))
    return out


def _bracket_findings(index: int, source: str, target: str) -> list[Finding]:
    mirrored = {(kind, problem) for kind, problem, _ in _balance(source)}
    out = []
    for kind, problem, ch in _balance(target):
        if (kind, problem) in mirrored:
            continue
        what = "quote" if kind == "quotes" else "bracket"
        if problem == "unclosed":
            message = f"The {what} {ch} is opened but never closed."
        else:
            message = f"The closing {what} {ch} has no opening {_CLOSE[ch]}."
        out.append(Finding(index, kind, message))
    return out


def _number_findings(index: int, source: str, target: str) -> list[Finding]:
    src, tgt = numbers(source), numbers(target)
    out = []
    for mine, theirs, message in (
        (src, tgt, "The number {} in the source is missing from the translation."),
        (tgt, src, "The number {} in the translation is not in the source."),
    ):
        values = theirs.values()
        seen = set()
        for n in mine.items:
            if n.required and n.shown not in seen and not n.found_in(values):
                seen.add(n.shown)
                out.append(Finding(index, "number", message.format(n.shown)))
    return out


def check_pair(index: int, source: str, target: str | None) -> list[Finding]:
    """Every finding of one segment except glossary terms (see the module docstring)."""
    if target is None or not target.strip():
        return [Finding(index, "empty", "The segment has no translation.")] if source.strip() else []
    if ARABIC_LETTER.search(source) and normalize(target) == normalize(source):
        return [Finding(index, "untranslated", "The translation is the Arabic source, untranslated.")]
    out = _number_findings(index, source, target)
    leftovers = _ARABIC_RUN.findall(target)
    if leftovers:
        shown = ", ".join(f"“{w}”" for w in leftovers[:3]) + (" …" if len(leftovers) > 3 else "")
        out.append(Finding(index, "arabic", f"Arabic script is left in the translation: {shown}."))
    out.extend(_bracket_findings(index, source, target))
    return out


def check_pairs(pairs: Iterable[tuple[int, str, str | None]], terms: Sequence[Term] = ()) -> QAReport:
    """Check ``(index, source, target)`` pairs, and glossary *terms* when given."""
    items = list(pairs)
    report = QAReport(segments=len(items))
    for index, source, target in items:
        report.findings.extend(check_pair(index, source, target))
    if terms:
        from .termcheck import Pair, check

        result = check([Pair(i, s, t) for i, s, t in items], terms)
        report.terms_checked = len(result.checks)
        skip = {f.segment for f in report.findings if f.check in ("empty", "untranslated")}
        for c in result.problems:
            if c.segment in skip:
                continue
            if c.forbidden:
                bad = c.forbidden[0]
                message = (f"The glossary term {c.source_text} is rendered “{bad}”, a forbidden rendering; "
                           f"use “{c.en}”.")
            else:
                message = f"The glossary term {c.source_text} should be rendered “{c.en}”."
            report.findings.append(Finding(c.segment, "term", message))
    report.findings.sort(key=lambda f: (f.segment, CHECKS.index(f.check)))
    return report


def check_document(store: Store, ref: str, terms: Sequence[Term] = ()) -> QAReport:
    """Check a stored document's best translations, or the pairs of a JSONL/TSV file at *ref*."""
    from .termcheck import pairs_for

    return check_pairs(((p.index, p.source, p.target) for p in pairs_for(store, ref)), terms)


def check_store(store: Store, docs: Sequence[str], terms: Sequence[Term] = ()) -> QAReport:
    """Check several stored documents; each finding names its document."""
    from dataclasses import replace

    total = QAReport(segments=0)
    for name in docs:
        report = check_document(store, name, terms)
        total.segments += report.segments
        total.terms_checked += report.terms_checked
        total.findings.extend(replace(f, doc=name) for f in report.findings)
    return total


def check_files(source: str, target: str, terms: Sequence[Term] = ()) -> QAReport:
    """Check line-aligned source and translation files."""
    from .errors import InputError
    from .filescore import read_lines

    src, tgt = read_lines(source), read_lines(target)
    if len(src) != len(tgt):
        raise InputError(
            f"{source} has {len(src)} line{'' if len(src) == 1 else 's'} but {target} has {len(tgt)}; "
            "the files must be line-aligned."
        )
    return check_pairs(((i, s, t) for i, (s, t) in enumerate(zip(src, tgt, strict=True), start=1)), terms)


def load_qa_terms(store: Store | None, specs: Sequence[str] | None) -> tuple[list[Term], str | None]:
    """The glossary terms to check and, when there are none, a note saying why.

    *specs* None means the default ``political`` glossary if there is one; an empty
    sequence turns glossary checks off; names or files that cannot be loaded are errors.
    """
    if specs is not None and not specs:
        return [], "Glossary checks were turned off."
    try:
        from .glossary import DEFAULT_GLOSSARY, load_terms, shipped_glossary_dir
    except ImportError as exc:
        return [], f"Glossary checks are unavailable ({exc})."
    if specs is not None:
        return load_terms(store, list(specs)), None
    from .errors import NotFoundError

    default = [DEFAULT_GLOSSARY] if store is not None else [str(shipped_glossary_dir() / "political.tsv")]
    try:
        terms = load_terms(store, default)
    except NotFoundError:
        return [], "No glossary to check terms against (the political glossary is not installed)."
    return terms, None if terms else "The glossary is empty."
