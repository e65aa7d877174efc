"""XLIFF for post-editing in a CAT tool: write a document as XLIFF 1.2, read it back (1.2 or 2.0).

One ``<file original="DOC">`` holds the document; each segment is a
``<trans-unit id="INDEX" resname="DOC:INDEX" xml:space="preserve">`` with the Arabic
``<source>`` and, when the segment has one, its best translation as ``<target>``:

* a human translation: ``state="translated"``;
* a draft: ``state="needs-review-translation"`` with ``state-qualifier`` ``mt-suggestion``,
  ``exact-match`` or ``fuzzy-match`` (memory matches also get ``match-quality`` on a note).

A ``<note from="tm">`` gives the provenance (origin, engine, model, author, date, match)
and, when a human translation replaced a draft, the draft follows as an
``<alt-trans alttranstype="previous-version">``.  Each ``<trans-unit>`` also carries
``tm:base`` (namespace :data:`TM_NS`, an XLIFF 1.2 extension attribute): the id of the
translation exported as its target, ``0`` when it had none, so that an import can tell
whether the segment changed in the store while the file was out.

:func:`import_xliff` records each target the translator changed or approved as a human
translation; see its docstring for how states and conflicts are read.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

from lxml import etree

from ..errors import ConflictError, FormatError, NotFoundError, TMError
from ..normalize import ARABIC_LETTER
from ..segment import LINE_BREAKS
from ._xml import (
    XML_LANG,
    PathArg,
    check_xml_text,
    inline_text,
    iter_xml,
    local_name,
    output,
    source_line,
    tool_version,
)

if TYPE_CHECKING:
    from ..store import Document, Segment, Store, Translation

XLIFF_NS = "urn:oasis:names:tc:xliff:document:1.2"
TM_NS = "urn:x-tm:xliff"  # tm's extension attributes (tm:base)
TM_BASE = f"{{{TM_NS}}}base"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_QUALIFIER = {"mt": "mt-suggestion", "tm-exact": "exact-match", "tm-fuzzy": "fuzzy-match"}
# Target states (XLIFF 1.2, and 2.0's reviewed) that say the translator confirmed the text; any
# other state (needs-review-translation, new, 2.0's initial, x-… or none) says it is still a proposal.
APPROVED_STATES = frozenset({"translated", "signed-off", "final", "reviewed"})
# States that say nobody translated the target yet (a tool's pre-fill), and the 1.2 state-qualifier
# another tool gives its own machine translation: such a target is never stored as a human translation.
UNREVIEWED_STATES = frozenset({"new", "needs-translation", "initial"})
MACHINE_QUALIFIERS = frozenset({"leveraged-mt"})
_BREAK = re.compile(f"[{re.escape(LINE_BREAKS)}]")


@dataclass
class XliffSegment:
    """A unit with everything :func:`import_xliff` checks: its document and source text too."""

    document: str
    index: int
    source: str
    target: str | None
    state: str | None
    line: int
    base: int | None = None  # tm:base: the translation exported as the target (0: none); None if absent
    qualifier: str | None = None  # the target's state-qualifier (1.2)
    approved: bool = False  # the <trans-unit> says approved="yes" (1.2)

    @property
    def confirmed(self) -> bool:
        """Whether the file says a translator confirmed the target."""
        return self.approved or self.state in APPROVED_STATES

    @property
    def unreviewed(self) -> bool:
        """Whether the target is a tool's pre-fill nobody confirmed (state new, needs-translation or
        2.0's initial, or another tool's machine translation)."""
        prefill = self.state in UNREVIEWED_STATES or self.qualifier in MACHINE_QUALIFIERS
        return prefill and not self.confirmed


@dataclass
class Correction:
    document: str
    index: int
    translation_id: int


@dataclass
class ImportResult:
    """What :func:`import_xliff` did: how many segments it corrected, approved and left alone."""

    documents: list[str]
    updated: int = 0  # targets whose text became a human correction
    unchanged: int = 0  # targets equal to the current translation, or unreviewed drafts
    untranslated: int = 0  # units whose target is missing or empty
    corrections: list[Correction] = field(default_factory=list)
    approved: int = 0  # drafts confirmed unchanged, stored as human translations equal to them
    approvals: list[Correction] = field(default_factory=list)
    overwritten: int = 0  # of the updated, those that replaced a later change (``overwrite=True``)
    unreviewed: int = 0  # changed targets a tool pre-filled and nobody confirmed: not stored


# -- writing ----------------------------------------------------------------------------


def _q(tag: str) -> str:
    return f"{{{XLIFF_NS}}}{tag}"


def _provenance(t: Any) -> str:
    parts = [f"origin: {t.origin}"]
    for label in ("engine", "model", "author", "created"):
        value = getattr(t, label, None)
        if value:
            parts.append(f"{label}: {value}")
    if getattr(t, "match", None) is not None:
        parts.append(f"match: {t.match:g}%")
    details = getattr(t, "details", None) or {}
    carried = details.get("numbers") or []
    if carried:
        parts.append("numbers carried: " + ", ".join(f"{old} → {new}" for old, new in carried))
    parts.extend(f"check: {warning}" for warning in details.get("number_warnings") or [])
    return "; ".join(parts)


def _add(parent: etree._Element, tag: str, text: str | None, indent: str, **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, _q(tag), attrs)
    el.text = text
    el.tail = indent
    return el


def _trans_unit(doc_name: str, seg: Any, tgt_lang: str, src_lang: str) -> etree._Element:
    index = int(seg.index)
    check_xml_text(seg.source, f"Segment {index}: the source text")
    best = getattr(seg, "best", None)
    base = getattr(best, "id", None) if best is not None else 0
    attrs = {"id": str(index), "resname": f"{doc_name}:{index}", XML_SPACE: "preserve"}
    if base is not None:
        attrs[TM_BASE] = str(base)
    tu = etree.Element(_q("trans-unit"), attrs)
    tu.text = "\n        "
    _add(tu, "source", seg.source, "\n        ", **{XML_LANG: src_lang})
    if best is not None:
        check_xml_text(best.text, f"Segment {index}: the translation")
        attrs = {XML_LANG: tgt_lang}
        if best.origin == "human":
            attrs["state"] = "translated"
            tu.set("approved", "yes")  # a person's translation: tools reading 1.2 take it as done
        else:
            attrs["state"] = "needs-review-translation"
            if best.origin in _QUALIFIER:
                attrs["state-qualifier"] = _QUALIFIER[best.origin]
        _add(tu, "target", best.text, "\n        ", **attrs)
        _add(tu, "note", _provenance(best), "\n        ", **{"from": "tm", "annotates": "target"})
        draft = getattr(seg, "draft", None)
        if draft is not None and draft is not best and best.origin == "human":
            check_xml_text(draft.text, f"Segment {index}: the draft")
            alt_attrs = {"alttranstype": "previous-version", "origin": draft.engine or draft.origin}
            if draft.match is not None:
                alt_attrs["match-quality"] = f"{draft.match:g}"
            alt = _add(tu, "alt-trans", None, "\n        ", **alt_attrs)
            alt.text = "\n          "
            _add(alt, "target", draft.text, "\n          ", **{XML_LANG: tgt_lang})
            _add(alt, "note", _provenance(draft), "\n        ", **{"from": "tm"})
    tu[-1].tail = "\n      "
    tu.tail = "\n      "
    return tu


def write_xliff(
    doc_name: str,
    segments: Iterable[Any],
    path: PathArg | IO[bytes],
    *,
    src_lang: str = "ar",
    tgt_lang: str = "en",
    tool: str = "tm",
) -> int:
    """Write *segments* of document *doc_name* as XLIFF 1.2 to *path* (a file or a binary stream).

    Each segment needs ``.index`` and ``.source``, and may have ``.best`` (the
    translation to post-edit, with ``.text``, ``.origin``, ``.engine``, ``.model``,
    ``.author``, ``.created``, ``.match``, ``.id``) and ``.draft`` — :class:`tm.store.Segment`
    has them; ``.id`` becomes the unit's ``tm:base``.  Returns the number of units written;
    :class:`InputError` if a text holds a character XML 1.0 cannot represent.
    """
    check_xml_text(doc_name, "The document name")
    root = etree.Element(_q("xliff"), {"version": "1.2"}, nsmap={None: XLIFF_NS, "tm": TM_NS})
    root.text = "\n  "
    file_el = _add(root, "file", None, "\n", original=doc_name, datatype="plaintext",
                   **{"source-language": src_lang, "target-language": tgt_lang})  # fmt: skip
    file_el.text = "\n    "
    header = _add(file_el, "header", None, "\n    ")
    header.text = "\n      "
    _add(
        header, "tool", None, "\n    ", **{"tool-id": tool, "tool-name": tool, "tool-version": tool_version()}
    )
    body = _add(file_el, "body", None, "\n  ")
    body.text = "\n      "
    for seg in segments:
        body.append(_trans_unit(doc_name, seg, tgt_lang, src_lang))
    count = len(body)
    if count:
        body[-1].tail = "\n    "
    with output(path) as fh:
        fh.write(b'<?xml version="1.0" encoding="UTF-8"?>\n')
        fh.write(etree.tostring(root, encoding="UTF-8", xml_declaration=False) + b"\n")
    return count


# -- reading ----------------------------------------------------------------------------


def _child(el: etree._Element, name: str) -> etree._Element | None:
    return next((c for c in el if local_name(c) == name), None)


def _file_name(unit: etree._Element) -> str | None:
    for anc in unit.iterancestors():
        if local_name(anc) == "file":
            return anc.get("original") or anc.get("id")
    return None


def iter_xliff(path: PathArg) -> Iterator[XliffSegment]:
    """Stream the units of an XLIFF 1.2 or 2.0 file; :class:`FormatError` (with the line) if malformed."""
    name = str(path)
    for el in iter_xml(name, ("trans-unit", "unit"), root="xliff"):
        line = source_line(el)
        uid = el.get("id", "")
        if not uid.strip().isdigit():
            raise FormatError(
                f"the unit id {uid!r} is not a segment number; was this file exported by `tm export`?",
                path=name,
                line=line,
            )
        if local_name(el) == "trans-unit":
            source_el, target_el = _child(el, "source"), _child(el, "target")
            if source_el is None:
                raise FormatError("the <trans-unit> has no <source>.", path=name, line=line)
            source = inline_text(source_el)
            target = inline_text(target_el) if target_el is not None else None
            state = target_el.get("state") if target_el is not None else None
            qualifier = target_el.get("state-qualifier") if target_el is not None else None
            approved = el.get("approved") == "yes"
        else:  # XLIFF 2.0 <unit>: its <segment>s and <ignorable>s in order
            parts = [c for c in el if local_name(c) in ("segment", "ignorable")]
            sources = [_child(p, "source") for p in parts]
            targets = [_child(p, "target") for p in parts]
            if not parts or any(s is None for s in sources):
                raise FormatError("the <unit> has a segment without <source>.", path=name, line=line)
            source = "".join(inline_text(s) for s in sources if s is not None)
            translated = [
                t is not None and inline_text(t).strip() != ""
                for p, t in zip(parts, targets, strict=True) if local_name(p) == "segment"
            ]  # fmt: skip
            # a unit is translated when all its segments are: half a sentence is not its translation
            whole = bool(translated) and all(translated)
            # an <ignorable> without a target stands for itself (its source), as 2.0 says
            target = "".join(inline_text(t if t is not None else s) for s, t in zip(sources, targets, strict=True)
                             if s is not None) if whole else None  # fmt: skip
            state = _unit_state([p.get("state") for p in parts if local_name(p) == "segment"])
            qualifier, approved = None, False
        base = el.get(TM_BASE)
        if base is not None and not base.strip().isdigit():
            raise FormatError(f"the tm:base {base!r} of unit {uid} is not a translation id.", path=name, line=line)
        yield XliffSegment(
            _file_name(el) or "", int(uid), source, target, state, line, int(base) if base is not None else None,
            qualifier, approved,
        )


def _unit_state(states: list[str | None]) -> str | None:
    """One state for a 2.0 unit from its segments': a pre-fill state if any segment has one, a
    confirming state if all do, else the first that does not confirm.  A state left out is not
    taken as 2.0's default, initial: tools that write none still post-edit."""
    prefill = next((st for st in states if st in UNREVIEWED_STATES), None)
    if prefill is not None or not states:
        return prefill
    if all(st in APPROVED_STATES for st in states):
        return states[0]
    return next(st for st in states if st not in APPROVED_STATES)


def read_xliff(path: PathArg) -> Iterator[tuple[int, str | None, str | None, int]]:
    """Stream ``(index, target_text, state, line)`` for each unit of an XLIFF 1.2 or 2.0 file.

    ``target_text`` and ``state`` are None for a unit without a ``<target>``.
    """
    for unit in iter_xliff(path):
        yield unit.index, unit.target, unit.state, unit.line


# -- importing corrections ---------------------------------------------------------------


def _same_text(text: str) -> str:
    """*text* as compared with a file's: line ends as LF, Unicode in NFC (as CAT tools such as OmegaT keep it)."""
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


def _untranslated(unit: XliffSegment, target: str) -> bool:
    """No target, or the Arabic source copied (a segment without Arabic, as a URL, is its own translation)."""
    return not target or (target == unit.source.strip() and ARABIC_LETTER.search(target) is not None)


def _score_ahead(store: Store, units: list[XliffSegment]) -> Any:
    """Quality statistics of what the import will store (edited targets, approved drafts), before
    its transaction (which uses them when nothing changed meanwhile): scoring long segments, or
    thousands of approvals, must not hold the write lock.  Units left as they were cost nothing."""
    from ..workflow import score_corrections_ahead

    docs: dict[str, Document | None] = {}
    for name in {u.document for u in units if u.document}:
        try:
            docs[name] = store.document(name)
        except TMError:
            docs[name] = None  # the import reports it
    stored = []
    for unit in units:
        doc, target = docs.get(unit.document or ""), (unit.target or "").strip()
        if doc is None or _untranslated(unit, target):
            continue
        try:
            segment = store.segment(doc, unit.index)
        except TMError:
            continue  # the import reports it
        kind, approved = _decide(unit, segment, target)
        if kind == "approve" and approved is not None:
            stored.append((doc, unit.index, approved.text))
        elif kind in ("update", "conflict"):
            stored.append((doc, unit.index, target))
    return score_corrections_ahead(store, stored)


def import_xliff(
    store: Store, path: PathArg, *, author: str | None = None, overwrite: bool = False
) -> ImportResult:
    """Record the post-edits of the XLIFF file at *path* as human translations, all or nothing.

    The document is the file's ``original``; a unit's source must be the stored
    segment's source (else the file is for another version of the document: :class:`FormatError`).
    Targets are compared with surrounding white space ignored.  A state of ``translated``,
    ``signed-off``, ``final`` (or 2.0's ``reviewed``), or 1.2's ``approved="yes"``, confirms the
    target; any other state (``needs-review-translation``, ``new``, 2.0's ``initial``, ``x-…`` or
    none) leaves it a proposal.  Each unit is:

    * *untranslated* when its target is missing, empty or a copy of an Arabic source (in 2.0, when
      any of its segments has no target);
    * *unreviewed* when its target is not the current translation and a tool pre-filled it
      without anyone confirming it (state ``new``, ``needs-translation`` or 2.0's ``initial``
      written out, or ``state-qualifier="leveraged-mt"``): nothing is stored;
    * *approved* when a confirmed target is the draft the file was exported with
      (``tm:base``; in older files without it, any stored draft) or the current draft, and
      the segment has no human translation: a human translation equal to it is stored;
    * *unchanged* when its target is the segment's current translation, or the translation
      the file was exported with (the store's newer translation stands), or, in older files,
      any stored draft;
    * a *conflict* when the target was edited and the segment was corrected in the store
      after the export (a human translation other than ``tm:base``): :class:`ConflictError`
      naming every such segment, and nothing is stored, unless *overwrite*, which stores
      the file's text (counted in ``overwritten``);
    * *updated* otherwise: the target is stored as a human correction (:class:`FormatError`
      if it holds a line break, which would break the paragraph layout on export).
    """
    from ..workflow import correct_segment

    name = str(path)
    units = list(iter_xliff(name))  # read once: a malformed file is refused before anything is scored
    ahead = _score_ahead(store, units)
    result = ImportResult(documents=[])
    docs: dict[str, Document] = {}
    seen: set[tuple[str, int]] = set()
    conflicts: list[tuple[str, int]] = []
    with store.transaction() as conn:
        for unit in units:
            if not unit.document:
                raise FormatError("the <file> has no original attribute naming the document.", path=name,
                                  line=unit.line)  # fmt: skip
            if unit.document not in docs:
                try:
                    docs[unit.document] = store.document(unit.document)
                except NotFoundError as exc:
                    raise NotFoundError(
                        f"{exc} {name} names it (<file original>): import the file into the database it was "
                        "exported from (--db), or, if the document was renamed since (`tm rename`), rename it "
                        "back or edit the file's original attribute."
                    ) from None
                result.documents.append(docs[unit.document].name)
            doc = docs[unit.document]
            if (doc.name, unit.index) in seen:
                raise FormatError(
                    f"segment {unit.index} appears twice in the file.", path=name, line=unit.line
                )
            seen.add((doc.name, unit.index))
            segment = _segment(store, doc, unit, name)
            target = (unit.target or "").strip()
            if _untranslated(unit, target):
                result.untranslated += 1
                continue
            kind, approved = _decide(unit, segment, target)
            if kind == "unchanged":
                result.unchanged += 1
                continue
            if kind == "unreviewed":
                result.unreviewed += 1
                continue
            if kind == "approve" and approved is not None:
                tid = correct_segment(store, conn, doc, unit.index, approved.text, author=author, ahead=ahead)
                result.approved += 1
                result.approvals.append(Correction(doc.name, unit.index, tid))
                continue
            if kind == "conflict":
                if not overwrite:
                    conflicts.append((doc.name, unit.index))
                    continue
                result.overwritten += 1
            if _BREAK.search(target):
                raise FormatError(
                    f"the target of unit {unit.index} of {doc.name!r} holds a line break; a segment's "
                    "translation must be one line (join its lines in the CAT tool and import the file again).",
                    path=name,
                    line=unit.line,
                )
            tid = correct_segment(store, conn, doc, unit.index, target, author=author, ahead=ahead)
            result.updated += 1
            result.corrections.append(Correction(doc.name, unit.index, tid))
        if conflicts:
            raise ConflictError(f"{name}: {_conflict_message(conflicts)}")
    return result


def _decide(unit: XliffSegment, segment: Segment, target: str) -> tuple[str, Translation | None]:
    """What a unit's (non-empty) *target* means: ``unchanged``, ``approve`` (with the draft
    approved), ``unreviewed``, ``conflict`` or ``update``.  See :func:`import_xliff`."""
    kind, approved = _judge(unit, segment, target)
    if kind in ("conflict", "update") and unit.unreviewed:  # a tool's pre-fill: nobody translated it
        return "unreviewed", None
    return kind, approved


def _judge(unit: XliffSegment, segment: Segment, target: str) -> tuple[str, Translation | None]:
    best = segment.best
    corrected = best is not None and best.origin == "human"
    confirmed = unit.confirmed  # any other state, known or not, is a proposal
    if best is not None and target == best.text.strip():
        return ("approve", best) if confirmed and not corrected else ("unchanged", None)
    if unit.base is not None:  # the file names the translation it was exported with
        exported = next((t for t in segment.translations if t.id == unit.base), None)
        if exported is not None and target == exported.text.strip():  # untouched; the store moved on
            if confirmed and not corrected and exported.origin != "human":
                return "approve", exported
            return "unchanged", None
        if corrected and best is not None and best.id != unit.base:
            return "conflict", None
        return "update", None
    drafts = [t for t in segment.translations if t.origin != "human" and t.text.strip() == target]
    if drafts:  # an older file: a stored draft, approved or left as it was
        return ("approve", drafts[-1]) if confirmed and not corrected else ("unchanged", None)
    return "update", None


def _conflict_message(conflicts: list[tuple[str, int]]) -> str:
    by_doc: dict[str, list[int]] = {}
    for doc, index in conflicts:
        by_doc.setdefault(doc, []).append(index)
    parts = []
    for doc, indexes in by_doc.items():
        shown = [str(i) for i in indexes[:10]]
        if len(indexes) > 10:
            shown.append(f"{len(indexes) - 10} more")
        listed = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]
        parts.append(f"{doc} segment{'s' if len(indexes) > 1 else ''} {listed}")
    verb = "was" if len(conflicts) == 1 else "were"
    return (
        f"{', '.join(parts)} {verb} corrected after this file was exported; export it again, "
        "or pass --overwrite to keep the file's text."
    )


def _segment(store: Store, doc: Document, unit: XliffSegment, path: str) -> Segment:
    try:
        segment = store.segment(doc, unit.index)
    except NotFoundError as exc:
        raise FormatError(f"{exc} The file was made from another version of the document.", path=path,
                          line=unit.line) from None  # fmt: skip
    if segment.source != unit.source and _same_text(segment.source) != _same_text(unit.source):
        raise FormatError(
            f"the source of unit {unit.index} differs from segment {unit.index} of {doc.name!r}; the file "
            f"was made from another version of the document (export it again with `tm export {doc.name} "
            "--format xliff`).",
            path=path,
            line=unit.line,
        )
    return segment
