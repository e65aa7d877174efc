"""TMX translation memories: read TMX 1.1–1.4 as a stream of :class:`TMUnit`, write TMX 1.4.

Reading streams with :func:`lxml.etree.iterparse` and frees each ``<tu>`` once it
is read, so a file of a million units needs no more memory than one of ten.
A ``<tuv>`` is matched on the primary subtag of ``xml:lang`` (or TMX 1.1's
``lang``), case-insensitively: ``ar``, ``ar-SA`` and ``AR-ae`` are all Arabic.
The text of a ``<seg>`` is taken verbatim (whitespace and newlines kept, whatever
``xml:space`` says); inline codes (``<bpt>``, ``<ept>``, ``<ph>``, ``<it>``,
``<ut>`` and the ``<sub>`` flows inside them) are left out of the text and
``<hi>`` keeps its text, while the whole ``<seg>`` is kept in ``props`` so that
writing the unit back restores its codes as long as the text was not changed.

``props`` holds the ``<tu>`` attributes (``tuid``, ``creationdate``…) and the
``<prop type=…>`` values (a list when a type repeats) under their own names; a
prop whose type clashes with one of those names is kept as ``"prop:TYPE"``.
Besides them: ``tu_attrs`` (non-standard ``<tu>`` attributes),
``source_tuv``/``target_tuv`` (a ``<tuv>``'s language tag when not the plain
code, its other attributes, its notes and props) and ``source_seg``/``target_seg``
(the ``<seg>`` XML when it holds inline markup).  Languages other than the two
asked for, a second ``<tuv>`` of the same language and the attributes of
``<prop>``/``<note>`` are not kept.

A unit without text on both sides -- no ``<tuv>`` in Arabic or in English (a
multilingual file's French/German pairs, ``srclang="*all*"`` files), or an empty
``<seg>`` (OmegaT's deliberately empty translations, a ``<seg>`` holding inline
codes alone) -- is still read, a missing side as ``""``; :attr:`TMUnit.complete` is then
false and ``tm memory import`` skips and counts it, as OmegaT and translate-toolkit do.
What breaks the TMX structure is still refused with its line: a ``<tu>`` with no
``<tuv>`` at all, an Arabic or English ``<tuv>`` without a ``<seg>``, XML that is not
well-formed or is cut short.  The writer does not check for empty sides, so a
memory can always be exported whole.

tm writes each unit's provenance as TMX keeps it: ``creationid`` (the author),
``creationdate`` and, for human translations, the prop ``x-tm-origin``;
:func:`tm.memory.import_units` reads them back.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO, Any

from lxml import etree

from ..errors import FormatError, InputError
from ..segment import blank
from ._xml import (
    XML_LANG,
    PathArg,
    inline_text,
    iter_xml,
    local_name,
    output,
    primary_language,
    source_line,
    tool_version,
)
from .xmlchars import unwritable_char

TU_ATTRS = (
    "tuid", "o-encoding", "datatype", "usagecount", "lastusagedate", "creationtool", "creationtoolversion",
    "creationdate", "creationid", "changedate", "segtype", "changeid", "o-tmf", "srclang",
)  # fmt: skip
_INTERNAL = ("tu_attrs", "source_tuv", "target_tuv", "source_seg", "target_seg")
_RESERVED = frozenset(TU_ATTRS + _INTERNAL)


@dataclass
class TMUnit:
    """One translation unit: Arabic source, English target, and where it came from."""

    source: str
    target: str
    line: int
    note: str | None = None
    props: dict[str, Any] = field(default_factory=dict)
    paragraph: bool = False  # the file says the unit is a paragraph (segtype paragraph or block), not a sentence

    @property
    def complete(self) -> bool:
        """Whether both sides hold text (not only white space or invisible characters)."""
        return not blank(self.source) and not blank(self.target)


def tmx_date(value: str | datetime | None = None) -> str:
    """A TMX date (``20240131T120000Z``) from an ISO 8601 string or a datetime (naive: UTC); None: now."""
    if value is None:
        when = datetime.now(UTC)
    else:
        when = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    if when.tzinfo is not None:
        when = when.astimezone(UTC)
    return when.strftime("%Y%m%dT%H%M%SZ")


def parse_tmx_date(value: Any) -> datetime | None:
    """The UTC datetime of a TMX date (``20240131T120000Z``) or any ISO 8601 one (naive: UTC); else None."""
    if not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).astimezone(UTC)


# -- reading ----------------------------------------------------------------------------




def _add_prop(props: dict[str, Any], key: str, value: str) -> None:
    if key in props:
        old = props[key]
        props[key] = [*old, value] if isinstance(old, list) else [old, value]
    else:
        props[key] = value


def _tuv_info(tuv: etree._Element, lang_attr: str, lang: str, want: str) -> dict[str, Any]:
    info: dict[str, Any] = {}
    if lang != want:
        info["lang"] = lang
    attrs = {k: v for k, v in tuv.attrib.items() if k != lang_attr}
    if attrs:
        info["attrs"] = attrs
    for child in tuv:
        kind = local_name(child)
        if kind == "note":
            info.setdefault("note", []).append(child.text or "")
        elif kind == "prop":
            info.setdefault("prop", []).append([child.get("type", ""), child.text or ""])
    return info


def _unit(tu: etree._Element, path: str, src_lang: str, tgt_lang: str) -> TMUnit:
    props: dict[str, Any] = {}
    extra = {}
    for k, v in tu.attrib.items():
        if k in TU_ATTRS:
            props[k] = v
        else:
            extra[k] = v
    if extra:
        props["tu_attrs"] = extra
    notes: list[str] = []
    tuvs: dict[str, etree._Element] = {}
    langs: list[str] = []
    for child in tu:
        kind = local_name(child)
        if kind == "note":
            notes.append(child.text or "")
        elif kind == "prop":
            ptype = child.get("type", "")
            key = f"prop:{ptype}" if ptype in _RESERVED or ptype.startswith("prop:") else ptype
            _add_prop(props, key, child.text or "")
        elif kind == "tuv":
            lang = child.get(XML_LANG) or child.get("lang") or ""
            langs.append(lang or "(none)")
            tuvs.setdefault(primary_language(lang), child)
    if not tuvs:
        raise FormatError(
            "the <tu> has no <tuv>; a TMX unit holds one <tuv> per language.", path=path, line=source_line(tu)
        )
    texts = []
    for role, want in (("source", src_lang), ("target", tgt_lang)):
        tuv = tuvs.get(primary_language(want))
        if tuv is None:  # a unit in other languages: read with this side empty, and skipped on import
            texts.append("")
            continue
        lang_attr = XML_LANG if tuv.get(XML_LANG) is not None else "lang"
        info = _tuv_info(tuv, lang_attr, tuv.get(lang_attr, ""), want)
        if info:
            props[f"{role}_tuv"] = info
        seg = next((c for c in tuv if local_name(c) == "seg"), None)
        if seg is None:
            raise FormatError(f"the {want} <tuv> has no <seg>.", path=path, line=source_line(tuv))
        if len(seg):
            props[f"{role}_seg"] = etree.tostring(seg, encoding="unicode", with_tail=False)
        texts.append(inline_text(seg))
    return TMUnit(texts[0], texts[1], source_line(tu), "\n".join(notes) if notes else None, props)


def read_tmx(path: PathArg, *, src_lang: str = "ar", tgt_lang: str = "en") -> Iterator[TMUnit]:
    """Stream the units of the TMX file at *path*; :class:`FormatError` (with the line) if it is malformed.

    A unit lacking text in *src_lang* or *tgt_lang* is yielded with that side empty
    (:attr:`TMUnit.complete` false), not refused; a file in which no unit has both is
    (naming the languages found), at its end.  Three-letter codes (ara, arb, eng) are read
    as ar and en.
    """
    name = str(path)
    default: str | None = None  # the header's segtype
    languages: dict[str, None] = {}  # every language seen, while no unit has both sides
    complete = False
    for n, tu in enumerate(iter_xml(name, ("tu",), root="tmx")):
        if n == 0:
            default = _header_segtype(tu)
        if not complete:
            for child in tu:
                if local_name(child) == "tuv" and len(languages) < 12:
                    languages.setdefault(child.get(XML_LANG) or child.get("lang") or "(none)")
        unit = _unit(tu, name, src_lang, tgt_lang)
        unit.paragraph = (tu.get("segtype") or default) in _PARAGRAPH
        complete = complete or unit.complete
        yield unit
    if languages and not complete:
        raise FormatError(
            f"no unit has both an Arabic ({src_lang}) and an English ({tgt_lang}) text (languages found: "
            f"{', '.join(languages)}); this file holds no translation memory for tm.",
            path=name,
        )


_PARAGRAPH = frozenset({"paragraph", "block"})


def _header_segtype(tu: etree._Element) -> str | None:
    """The segtype of the file's ``<header>`` (read before the body), seen from its first unit."""
    body = tu.getparent()
    root = body.getparent() if body is not None else None
    header = next((c for c in root if local_name(c) == "header"), None) if root is not None else None
    return header.get("segtype") if header is not None else None


# -- writing ----------------------------------------------------------------------------


def _text_el(parent: etree._Element, tag: str, text: str, indent: str, **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, tag, attrs)
    el.text = text
    el.tail = indent
    return el


def _prop_values(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [v if isinstance(v, str) else str(v) for v in value]
    return [value if isinstance(value, str) else str(value)]


def _seg(unit_props: dict[str, Any], role: str, text: str) -> etree._Element:
    xml = unit_props.get(f"{role}_seg")
    if isinstance(xml, str):
        try:
            seg = etree.fromstring(xml)
        except etree.XMLSyntaxError:
            seg = None
        if seg is not None and local_name(seg) == "seg" and inline_text(seg) == text:
            return seg
    seg = etree.Element("seg")
    seg.text = text
    return seg


def _tuv(tu: etree._Element, props: dict[str, Any], role: str, text: str, lang: str) -> None:
    info = props.get(f"{role}_tuv") or {}
    tuv = etree.SubElement(tu, "tuv", {XML_LANG: str(info.get("lang") or lang)})
    for k, v in (info.get("attrs") or {}).items():
        tuv.set(k, str(v))
    tuv.text = "\n    "
    for note in info.get("note") or []:
        _text_el(tuv, "note", str(note), "\n    ")
    for ptype, value in info.get("prop") or []:
        _text_el(tuv, "prop", str(value), "\n    ", type=str(ptype))
    seg = _seg(props, role, text)
    seg.tail = "\n  "
    tuv.append(seg)
    tuv.tail = "\n  "


def unit_problem(unit: TMUnit) -> str | None:
    """Why *unit* cannot be written as TMX (a character XML 1.0 cannot hold, and where), else None."""
    fields = [("the source text", unit.source), ("the target text", unit.target)]
    if unit.note:
        fields.append(("the note", unit.note))
    for key, value in unit.props.items():
        fields.append(("a prop name", str(key)))
        fields.extend((f"the prop {key!r}", text) for text in _strings(value))
    for what, text in fields:
        bad = unwritable_char(text)
        if bad is not None:
            return f"{what} contains the character U+{ord(bad):04X}, which XML 1.0 cannot hold"
    return None


def _check_unit(unit: TMUnit, n: int) -> None:
    problem = unit_problem(unit)
    if problem:
        where = f"Unit {n}" + (f" (line {unit.line})" if unit.line else "")
        raise InputError(f"{where}: {problem}; remove it before exporting.")


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from _strings(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _strings(v)
    elif value is not None:
        yield str(value)


def _tu(unit: TMUnit, src_lang: str, tgt_lang: str) -> etree._Element:
    props = unit.props or {}
    tu = etree.Element("tu", {k: str(props[k]) for k in TU_ATTRS if props.get(k) is not None})
    for k, v in (props.get("tu_attrs") or {}).items():
        tu.set(k, str(v))
    tu.text = "\n  "
    for key, value in props.items():
        if key in _RESERVED:
            continue
        ptype = key[5:] if key.startswith("prop:") else key
        for v in _prop_values(value):
            _text_el(tu, "prop", v, "\n  ", type=ptype)
    if unit.note is not None:
        _text_el(tu, "note", unit.note, "\n  ")
    _tuv(tu, props, "source", unit.source, src_lang)
    _tuv(tu, props, "target", unit.target, tgt_lang)
    tu[-1].tail = "\n"
    tu.tail = "\n"
    return tu


def write_tmx(
    units: Iterable[TMUnit],
    path: PathArg | IO[bytes],
    *,
    src_lang: str = "ar",
    tgt_lang: str = "en",
    tool: str = "tm",
    checked: bool = False,
) -> int:
    """Write *units* as TMX 1.4 to *path* (a file, replaced only when complete, or a binary stream).

    Returns the number of units written; :class:`InputError` if a text holds a
    character XML cannot represent (control characters other than tab and newlines).
    *checked*: the caller has already left out every unit :func:`unit_problem` refuses
    (``tm memory export`` does), so none is checked again.
    """
    header = etree.Element("header", {
        "creationtool": tool, "creationtoolversion": tool_version(), "datatype": "plaintext",
        "segtype": "sentence", "adminlang": "en", "srclang": src_lang, "o-tmf": tool,
        "creationdate": tmx_date(),
    })  # fmt: skip
    count = 0
    with output(path) as fh:
        fh.write(b'<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n')
        fh.write(etree.tostring(header, encoding="UTF-8", xml_declaration=False) + b"\n<body>\n")
        for count, unit in enumerate(units, start=1):
            if not checked:
                _check_unit(unit, count)
            fh.write(etree.tostring(_tu(unit, src_lang, tgt_lang), encoding="UTF-8", xml_declaration=False))
        fh.write(b"</body>\n</tmx>\n")
    return count
