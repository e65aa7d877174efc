"""XLIFF for post-editing in a CAT tool: write a document as XLIFF 1.2, read it back (1.2 or 2.0).

One ``<file original="DOC">`` holds the document; each segment is a
``<trans-unit id="INDEX" resname="DOC:INDEX" xml:space="preserve">`` with the Arabic
``<source>`` and, when the segment has one, its best translation as ``<target>``:

* a human translation: ``state="translated"``;
* a draft: ``state="needs-review-translation"`` with ``state-qualifier`` ``mt-suggestion``,
  ``exact-match`` or ``fuzzy-match`` (memory matches also get ``match-quality`` on a note).

A ``<note from="tm">`` gives the provenance (origin, engine, model, author, date, match)
and, when a human translation replaced a draft, the draft follows as an
``<alt-trans alttranstype="previous-version">``.

:func:`import_xliff` records each target the translator changed as a human correction.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

from lxml import etree

from ..errors import FormatError, NotFoundError
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
    from ..store import Document, Segment, Store

XLIFF_NS = "urn:oasis:names:tc:xliff:document:1.2"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_QUALIFIER = {"mt": "mt-suggestion", "tm-exact": "exact-match", "tm-fuzzy": "fuzzy-match"}


@dataclass
class XliffSegment:
    """A unit with everything :func:`import_xliff` checks: its document and source text too."""

    document: str
    index: int
    source: str
    target: str | None
    state: str | None
    line: int


@dataclass
class Correction:
    document: str
    index: int
    translation_id: int


@dataclass
class ImportResult:
    """What :func:`import_xliff` did: how many segments it corrected and left alone."""

    documents: list[str]
    updated: int = 0
    unchanged: int = 0
    untranslated: int = 0  # units whose target is missing or empty
    corrections: list[Correction] = field(default_factory=list)


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
    return "; ".join(parts)


def _add(parent: etree._Element, tag: str, text: str | None, indent: str, **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, _q(tag), attrs)
    el.text = text
    el.tail = indent
    return el


def _trans_unit(doc_name: str, seg: Any, tgt_lang: str, src_lang: str) -> etree._Element:
    index = int(seg.index)
    check_xml_text(seg.source, f"Segment {index}: the source text")
    tu = etree.Element(
        _q("trans-unit"), {"id": str(index), "resname": f"{doc_name}:{index}", XML_SPACE: "preserve"}
    )
    tu.text = "\n        "
    _add(tu, "source", seg.source, "\n        ", **{XML_LANG: src_lang})
    best = getattr(seg, "best", None)
    if best is not None:
        check_xml_text(best.text, f"Segment {index}: the translation")
        attrs = {XML_LANG: tgt_lang}
        if best.origin == "human":
            attrs["state"] = "translated"
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
    ``.author``, ``.created``, ``.match``) and ``.draft`` — :class:`tm.store.Segment`
    has them.  Returns the number of units written; :class:`InputError` if a text
    holds a character XML 1.0 cannot represent.
    """
    check_xml_text(doc_name, "The document name")
    root = etree.Element(_q("xliff"), {"version": "1.2"}, nsmap={None: XLIFF_NS})
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
        else:  # XLIFF 2.0 <unit>: its <segment>s and <ignorable>s in order
            parts = [c for c in el if local_name(c) in ("segment", "ignorable")]
            sources = [_child(p, "source") for p in parts]
            targets = [_child(p, "target") for p in parts]
            if not parts or any(s is None for s in sources):
                raise FormatError("the <unit> has a segment without <source>.", path=name, line=line)
            source = "".join(inline_text(s) for s in sources if s is not None)
            has_target = any(
                t is not None for p, t in zip(parts, targets, strict=True) if local_name(p) == "segment"
            )
            target = "".join(inline_text(t) if t is not None else "" for t in targets) if has_target else None
            segs = [p for p in parts if local_name(p) == "segment"]
            state = segs[0].get("state", "initial") if segs else None
        yield XliffSegment(_file_name(el) or "", int(uid), source, target, state, line)


def read_xliff(path: PathArg) -> Iterator[tuple[int, str | None, str | None, int]]:
    """Stream ``(index, target_text, state, line)`` for each unit of an XLIFF 1.2 or 2.0 file.

    ``target_text`` and ``state`` are None for a unit without a ``<target>``.
    """
    for unit in iter_xliff(path):
        yield unit.index, unit.target, unit.state, unit.line


# -- importing corrections ---------------------------------------------------------------


def _lf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def import_xliff(store: Store, path: PathArg, *, author: str | None = None) -> ImportResult:
    """Record each changed target of the XLIFF file at *path* as a human correction, all or nothing.

    The document is the file's ``original``; a unit's source must be the stored
    segment's source (else the file is for another version of the document: :class:`FormatError`).
    Targets equal to the segment's current best translation (ignoring surrounding
    whitespace) are left alone, as are missing or empty ones and copies of the source.
    """
    from ..workflow import correct_segment

    name = str(path)
    result = ImportResult(documents=[])
    docs: dict[str, Document] = {}
    seen: set[tuple[str, int]] = set()
    with store.transaction() as conn:
        for unit in iter_xliff(name):
            if not unit.document:
                raise FormatError("the <file> has no original attribute naming the document.", path=name,
                                  line=unit.line)  # fmt: skip
            if unit.document not in docs:
                docs[unit.document] = store.document(unit.document)
                result.documents.append(docs[unit.document].name)
            doc = docs[unit.document]
            if (doc.name, unit.index) in seen:
                raise FormatError(
                    f"segment {unit.index} appears twice in the file.", path=name, line=unit.line
                )
            seen.add((doc.name, unit.index))
            segment = _segment(store, doc, unit, name)
            if unit.target is None or not unit.target.strip() or unit.target.strip() == unit.source.strip():
                result.untranslated += 1
                continue
            best = segment.best
            if best is not None and unit.target.strip() == best.text.strip():
                result.unchanged += 1
                continue
            tid = correct_segment(store, conn, doc, unit.index, unit.target, author=author)
            result.updated += 1
            result.corrections.append(Correction(doc.name, unit.index, tid))
    return result


def _segment(store: Store, doc: Document, unit: XliffSegment, path: str) -> Segment:
    try:
        segment = store.segment(doc, unit.index)
    except NotFoundError as exc:
        raise FormatError(f"{exc} The file was made from another version of the document.", path=path,
                          line=unit.line) from None  # fmt: skip
    if segment.source != unit.source and _lf(segment.source) != _lf(unit.source):
        raise FormatError(
            f"the source of unit {unit.index} differs from segment {unit.index} of {doc.name!r}; the file "
            f"was made from another version of the document (export it again with `tm export {doc.name} "
            "--format xliff`).",
            path=path,
            line=unit.line,
        )
    return segment
