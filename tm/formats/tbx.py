"""TBX term bases: read TBX v3 (``<tbx type="TBX-Basic">``) and TBX v2 (``<martif>``), write TBX v3.

One concept entry holds one glossary term::

    <conceptEntry id="c1">
      <note>…</note>
      <langSec xml:lang="ar">
        <termSec><term>الحرس الثوري</term>
          <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></termSec>
        <termSec><term>حرس الثورة</term>                       (an Arabic variant)
          <termNote type="administrativeStatus">admittedTerm-admn-sts</termNote></termSec>
      </langSec>
      <langSec xml:lang="en">
        <termSec><term>Revolutionary Guards</term>             (the required rendering)
          <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></termSec>
        <termSec><term>IRGC</term>                             (an accepted alternative)
          <termNote type="administrativeStatus">admittedTerm-admn-sts</termNote></termSec>
        <termSec><term>Revolutionary Guard army</term>         (forbidden)
          <termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></termSec>
      </langSec>
    </conceptEntry>

On reading, element names are matched without their namespace, so TBX v2 files
(``termEntry``/``langSet``/``tig``/``ntig``) read the same way.  A term's status is
read from, first found first:

* ``<termNote type="administrativeStatus">`` or ``<descrip type="administrativeStatus">``
  (TBX-Basic DCA style, TBX v2): ``preferredTerm-admn-sts``, ``admittedTerm-admn-sts``,
  ``deprecatedTerm-admn-sts``, ``supersededTerm-admn-sts``;
* an element named ``administrativeStatus`` in any namespace (TBX v3 DCT style,
  ``<basic:administrativeStatus>``), with the same values;
* ``<termNote type="normativeAuthorization">`` (TBX v2, ISO 12620): ``preferredTerm``
  (``standardizedTerm`` counts as preferred), ``admittedTerm``, ``deprecatedTerm``,
  ``supersededTerm``.

In each language the preferred term (else the first that is not deprecated) is the
term, the other admitted ones are Arabic variants or English alternatives, deprecated
or superseded English terms are forbidden, and deprecated Arabic ones are kept as
variants (they still occur in what is translated).  Notes from any level of the entry
are joined with " / ".  Internal DTD entities (``<!ENTITY nbsp "&#160;">``) are
resolved; external ones are not (an error), nor is anything fetched from the network.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from lxml import etree

from ..errors import FormatError, InputError
from ._xml import check_start, check_xml_text, primary_language
from .records import Record, TermLike

TBX_NS = "urn:iso:std:iso:30042:ed-2"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
PREFERRED = "preferredTerm-admn-sts"
ADMITTED = "admittedTerm-admn-sts"
DEPRECATED = "deprecatedTerm-admn-sts"
_RULED_OUT = frozenset({DEPRECATED, "supersededTerm-admn-sts", "deprecatedTerm", "supersededTerm"})
_PREFERRED = frozenset({PREFERRED, "preferredTerm", "standardizedTerm"})
_STATUS_TYPES = ("administrativeStatus", "normativeAuthorization")  # as a type="…" or as an element


def _local(el: etree._Element) -> str:
    tag = el.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _children(el: etree._Element, *names: str) -> list[etree._Element]:
    return [c for c in el if _local(c) in names]


def _text(el: etree._Element) -> str:
    return " ".join("".join(el.itertext()).split())


def _status(term_sec: etree._Element) -> str | None:
    """The status of a termSec/tig/ntig (see the module docstring), or None."""
    for el in term_sec.iter():
        name = _local(el)
        if (name in ("termNote", "descrip") and el.get("type") in _STATUS_TYPES) or name in _STATUS_TYPES:
            return _text(el)
    return None


def _terms(lang_sec: etree._Element, path: str, lines: dict[str, int | None]) -> list[tuple[str, str | None]]:
    """``(term, status)`` for each termSec/tig/ntig of a language section; *lines* gets each term's line."""
    out = []
    for term_sec in _children(lang_sec, "termSec", "tig", "ntig"):
        terms = [t for t in term_sec.iter() if _local(t) == "term"]
        if not terms:
            raise FormatError("a termSec has no <term>.", path=path, line=term_sec.sourceline)
        text = _text(terms[0])
        if not text:
            raise FormatError("a <term> is empty.", path=path, line=terms[0].sourceline)
        lines.setdefault(text, terms[0].sourceline)
        out.append((text, _status(term_sec)))
    return out


def _split(terms: list[tuple[str, str | None]]) -> tuple[str | None, list[str], list[str]]:
    """The preferred term, the other admitted ones, and the ruled-out ones."""
    ruled_out = [t for t, s in terms if s in _RULED_OUT]
    usable = [(t, s) for t, s in terms if s not in _RULED_OUT]
    preferred = next((t for t, s in usable if s in _PREFERRED), usable[0][0] if usable else None)
    others = [t for t, _ in usable if t != preferred]
    return preferred, others, ruled_out


def _entry(concept: etree._Element, path: str) -> Record:
    line = concept.sourceline
    by_lang: dict[str, list[tuple[str, str | None]]] = {}
    lines: dict[str, int | None] = {}
    for lang_sec in _children(concept, "langSec", "langSet"):
        lang = primary_language(lang_sec.get(XML_LANG) or lang_sec.get("lang") or "")
        by_lang.setdefault(lang, []).extend(_terms(lang_sec, path, lines))
    ar, variants, ar_out = _split(by_lang.get("ar", []))
    en, alternatives, forbidden = _split(by_lang.get("en", []))
    if ar is None:
        raise FormatError("the entry has no Arabic (xml:lang=\"ar\") term.", path=path, line=line)
    if en is None:
        raise FormatError("the entry has no English (xml:lang=\"en\") term.", path=path, line=line)
    for what, items in (("an Arabic variant", variants + ar_out), ("an alternative", alternatives),
                        ("a forbidden rendering", forbidden)):
        for item in items:
            if "|" in item:
                raise FormatError(f"{what} of {ar!r}, {item!r}, contains '|', which separates list items in "
                                  "term files; remove it or make it two terms.", path=path, line=lines.get(item))
    notes = ["".join(n.itertext()).strip() for n in concept.iter() if _local(n) == "note"]
    notes = [n for n in notes if n]
    return Record(ar, en, variants + ar_out, forbidden, alternatives, " / ".join(notes) or None, line)


def read_tbx(path: str | Path) -> list[Record]:
    """The entries of the TBX file at *path*; :class:`FormatError` (with the line) if malformed."""
    name = str(path)
    # internal entities only: no external file or URL is read (XXE), and libxml2 caps entity
    # expansion unless huge_tree (billion laughs)
    encoding = check_start(name)  # empty, UTF-32 or other encodings refused; ASCII declared: read as UTF-8
    parser = etree.XMLParser(resolve_entities="internal", no_network=True, huge_tree=False, remove_comments=True,
                             encoding=encoding)  # fmt: skip
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"Cannot read {name}: {exc.strerror or exc}.") from None
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else None
        raise FormatError(f"not well-formed XML ({exc.msg}).", path=name, line=line) from None
    if _local(root) not in ("tbx", "martif"):
        raise FormatError(
            f"the root element is <{_local(root)}>, not <tbx> or <martif>; is this a TBX file?",
            path=name,
            line=root.sourceline,
        )
    return [_entry(c, name) for c in root.iter() if _local(c) in ("conceptEntry", "termEntry")]


def _term_sec(parent: etree._Element, text: str, status: str) -> None:
    sec = etree.SubElement(parent, f"{{{TBX_NS}}}termSec")
    etree.SubElement(sec, f"{{{TBX_NS}}}term").text = text
    note = etree.SubElement(sec, f"{{{TBX_NS}}}termNote", type="administrativeStatus")
    note.text = status


def _check_text(e: TermLike) -> None:
    """:class:`InputError` if a field of *e* holds a character XML 1.0 cannot hold."""
    check_xml_text(e.ar, f"The Arabic term {e.ar!r}")
    for what, items in (("English rendering", [e.en]), ("variant", e.variants), ("alternative", e.alternatives),
                        ("forbidden rendering", e.forbidden), ("note", [e.note or ""])):
        for item in items:
            check_xml_text(item, f"The {what} {item!r} of {e.ar!r}" if what != "note" else f"The note of {e.ar!r}")


def tbx_bytes(entries: Iterable[TermLike], *, title: str = "tm glossary") -> bytes:
    """*entries* as a TBX-Basic (TBX v3, DCA style) document, UTF-8.

    :class:`InputError` (one sentence) if a text holds a character XML 1.0 cannot hold.
    """
    check_xml_text(title, f"The title {title!r}")
    root = etree.Element(f"{{{TBX_NS}}}tbx", nsmap={None: TBX_NS}, type="TBX-Basic", style="dca")
    root.set(XML_LANG, "ar")
    header = etree.SubElement(root, f"{{{TBX_NS}}}tbxHeader")
    desc = etree.SubElement(etree.SubElement(header, f"{{{TBX_NS}}}fileDesc"), f"{{{TBX_NS}}}sourceDesc")
    etree.SubElement(desc, f"{{{TBX_NS}}}p").text = title
    body = etree.SubElement(etree.SubElement(root, f"{{{TBX_NS}}}text"), f"{{{TBX_NS}}}body")
    for n, e in enumerate(entries, start=1):
        _check_text(e)
        concept = etree.SubElement(body, f"{{{TBX_NS}}}conceptEntry", id=f"c{n}")
        if e.note:  # auxiliary information comes before the language sections
            etree.SubElement(concept, f"{{{TBX_NS}}}note").text = e.note
        ar_sec = etree.SubElement(concept, f"{{{TBX_NS}}}langSec")
        ar_sec.set(XML_LANG, "ar")
        _term_sec(ar_sec, e.ar, PREFERRED)
        for v in e.variants:
            _term_sec(ar_sec, v, ADMITTED)
        en_sec = etree.SubElement(concept, f"{{{TBX_NS}}}langSec")
        en_sec.set(XML_LANG, "en")
        _term_sec(en_sec, e.en, PREFERRED)
        for a in e.alternatives:
            _term_sec(en_sec, a, ADMITTED)
        for f in e.forbidden:
            _term_sec(en_sec, f, DEPRECATED)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def write_tbx(entries: Iterable[TermLike], path: str | Path, *, title: str = "tm glossary") -> None:
    """Write *entries* to *path* as TBX-Basic (see :func:`tbx_bytes`)."""
    Path(path).write_bytes(tbx_bytes(entries, title=title))
