"""TMX: streaming reader, 1.4 writer, byte-exact round trips (real TICO-19 TMX and generated units)."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from tm.errors import FormatError, InputError
from tm.formats.tmx import TU_ATTRS, TMUnit, parse_tmx_date, read_tmx, tmx_date, write_tmx

TICO = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "tico19_tm_en-ar" / "all.en-ar.tmx"


def _tmx(body: str, *, version: str = "1.4") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="{version}">\n'
        '<header srclang="ar" adminlang="en" datatype="plaintext" segtype="sentence" o-tmf="x" '
        f'creationtool="x" creationtoolversion="1"/>\n<body>\n{body}\n</body>\n</tmx>\n'
    )


def _write(tmp_path: Path, text: str | bytes, name: str = "in.tmx") -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return p


def _key(units: list[TMUnit]) -> list[tuple]:
    return [(u.source, u.target, u.note, u.props) for u in units]


def _roundtrip(units: list[TMUnit]) -> list[TMUnit]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "rt.tmx"
        assert write_tmx(units, path) == len(units)
        return list(read_tmx(path))


# -- the real third-party file -------------------------------------------------------


@pytest.mark.skipif(not TICO.exists(), reason="../shared/data (TICO-19 TMX) is not checked out")
def test_tico19_reads_writes_and_reads_back_identically(tmp_path: Path):
    units = list(read_tmx(TICO))
    assert len(units) == 3071
    first = units[0]
    assert first.source == "منذ متى لا تزال هذه الأعراض مستمرة تقريبًا؟"
    assert first.target == "about how long have these symptoms been going on?"
    assert first.line == 3
    assert first.props == {
        "tuid": "CMU_1:1",
        "note": "http://www.speech.cs.cmu.edu/haitian/text/1600_medical_domain_sentences.en",
    }
    assert not any(u.target.startswith("\n") or u.source.startswith("\n") for u in units)
    out = tmp_path / "out.tmx"
    assert write_tmx(units, out) == 3071
    again = list(read_tmx(out))
    assert _key(again) == _key(units)
    header = etree.parse(str(out)).getroot().find("header")
    assert etree.parse(str(out)).getroot().get("version") == "1.4"
    for attr, value in {"srclang": "ar", "adminlang": "en", "datatype": "plaintext", "segtype": "sentence",
                        "o-tmf": "tm", "creationtool": "tm"}.items():  # fmt: skip
        assert header.get(attr) == value


# -- reading ---------------------------------------------------------------------------------

LANGS = [
    ('<tuv xml:lang="ar"><seg>نص</seg></tuv><tuv xml:lang="en"><seg>text</seg></tuv>', {}),
    ('<tuv xml:lang="AR-ae"><seg>نص</seg></tuv><tuv xml:lang="EN-GB"><seg>text</seg></tuv>',
     {"source_tuv": {"lang": "AR-ae"}, "target_tuv": {"lang": "EN-GB"}}),
    ('<tuv lang="ar-SA"><seg>نص</seg></tuv><tuv lang="en"><seg>text</seg></tuv>',
     {"source_tuv": {"lang": "ar-SA"}}),
    ('<tuv xml:lang="en-US"><seg>text</seg></tuv><tuv xml:lang="fr"><seg>texte</seg></tuv>'
     '<tuv xml:lang="ar"><seg>نص</seg></tuv>', {"target_tuv": {"lang": "en-US"}}),
]  # fmt: skip


@pytest.mark.parametrize(("tuvs", "props"), LANGS, ids=["plain", "region-case", "tmx11-lang", "en-first-fr"])
def test_languages_match_on_the_primary_subtag(tmp_path: Path, tuvs: str, props: dict):
    (unit,) = read_tmx(_write(tmp_path, _tmx(f"<tu>{tuvs}</tu>")))
    assert (unit.source, unit.target, unit.props) == ("نص", "text", props)
    assert _key(_roundtrip([unit])) == _key([unit])


SEGS = [
    ("<seg>  مرحبا\n  بكم  </seg>", "  مرحبا\n  بكم  "),
    ('<seg xml:space="default">  a  b  </seg>', "  a  b  "),
    ("<seg>a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos; &#13;</seg>", "a & b <c> \"d\" 'e' \r"),
    ("<seg><![CDATA[<b>x</b>]]></seg>", "<b>x</b>"),
    ('<seg>قال <bpt i="1">&lt;b&gt;</bpt>الرئيس<ept i="1">&lt;/b&gt;</ept> إن<ph x="2">&lt;br/&gt;</ph>'
     " ذلك</seg>", "قال الرئيس إن ذلك"),
    ('<seg><hi type="b">مهم</hi> جدا<it pos="begin">&lt;i&gt;</it></seg>', "مهم جدا"),
    ('<seg>صورة <ph>&lt;img alt="<sub>وصف</sub>"/&gt;</ph>هنا</seg>', "صورة هنا"),
]  # fmt: skip


@pytest.mark.parametrize(("seg", "text"), SEGS, ids=["spaces", "xml-space", "entities", "cdata", "bpt-ept-ph",
                                                     "hi-it", "sub"])  # fmt: skip
def test_seg_text_is_verbatim_and_inline_codes_survive_a_round_trip(tmp_path: Path, seg: str, text: str):
    (unit,) = read_tmx(_write(tmp_path, _tmx(f'<tu><tuv xml:lang="ar">\n  {seg}\n</tuv>'
                                             '<tuv xml:lang="en"><seg>x</seg></tuv></tu>')))  # fmt: skip
    assert unit.source == text
    out = tmp_path / "out.tmx"
    write_tmx([unit], out)
    (again,) = read_tmx(out)
    assert _key([again]) == _key([unit])
    written = etree.parse(str(out)).find(".//tuv/seg")
    # a <seg> with inline codes is written back as it was, codes included; a plain one by its text
    assert ("source_seg" in unit.props) == (len(etree.fromstring(seg)) > 0)
    if "source_seg" in unit.props:
        assert etree.tostring(written, encoding="unicode", with_tail=False) == seg


def test_edited_text_drops_stale_inline_codes(tmp_path: Path):
    seg = '<seg>قال <ph x="1">&lt;br/&gt;</ph>ذلك</seg>'
    tu = f'<tu><tuv xml:lang="ar">{seg}</tuv><tuv xml:lang="en"><seg>x</seg></tuv></tu>'
    (unit,) = read_tmx(_write(tmp_path, _tmx(tu)))
    unit.source = "قال شيئا آخر"
    (again,) = _roundtrip([unit])
    assert again.source == "قال شيئا آخر"
    assert "source_seg" not in again.props


def test_notes_props_attributes_and_line_numbers(tmp_path: Path):
    body = """<tu tuid="7" creationdate="20200101T000000Z" creationid="sara" x-custom="1">
  <note>first</note>
  <prop type="x-domain">politics</prop>
  <prop type="x-domain">news</prop>
  <prop type="tuid">clash</prop>
  <note>second</note>
  <tuv xml:lang="ar" changedate="20210101T000000Z"><note>tuv note</note><prop type="x-q">ok</prop>
    <seg>نص</seg></tuv>
  <tuv xml:lang="en"><seg>text</seg></tuv>
</tu>
<tu><tuv xml:lang="ar"><seg>ثان</seg></tuv><tuv xml:lang="en"><seg>second</seg></tuv></tu>"""
    units = list(read_tmx(_write(tmp_path, _tmx(body))))
    assert [u.line for u in units] == [5, 15]
    assert units[0].note == "first\nsecond"
    assert units[0].props == {
        "tuid": "7",
        "creationdate": "20200101T000000Z",
        "creationid": "sara",
        "tu_attrs": {"x-custom": "1"},
        "x-domain": ["politics", "news"],
        "prop:tuid": "clash",
        "source_tuv": {
            "attrs": {"changedate": "20210101T000000Z"},
            "note": ["tuv note"],
            "prop": [["x-q", "ok"]],
        },
    }
    assert (units[1].note, units[1].props) == (None, {})
    assert _key(_roundtrip(units)) == _key(units)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16-le", "utf-16-be"])
def test_boms_are_read(tmp_path: Path, encoding: str):
    text = _tmx('<tu><tuv xml:lang="ar"><seg>نص</seg></tuv><tuv xml:lang="en"><seg>t</seg></tuv></tu>')
    if encoding.startswith("utf-16"):
        text = "\ufeff" + text.replace('encoding="UTF-8"', 'encoding="UTF-16"')
    (unit,) = read_tmx(_write(tmp_path, text.encode(encoding)))
    assert (unit.source, unit.target, unit.line) == ("نص", "t", 5)


def test_reading_streams_and_keeps_line_numbers_past_65535(tmp_path: Path):
    tus = "\n".join(
        f'<tu tuid="{i}">\n<tuv xml:lang="ar">\n<seg>جملة {i}</seg>\n</tuv>\n'
        f'<tuv xml:lang="en">\n<seg>s {i}</seg>\n</tuv>\n</tu>'
        for i in range(9000)
    )
    units = read_tmx(_write(tmp_path, _tmx(tus)))
    assert next(units).line == 5
    *_, last = units
    assert last is not None and last.props["tuid"] == "8999" and last.line == 5 + 8999 * 8 > 65535


# -- errors ------------------------------------------------------------------------------------

_OK_TU = '<tu><tuv xml:lang="ar"><seg>a</seg></tuv><tuv xml:lang="en"><seg>b</seg></tuv></tu>'
ERRORS = [
    (_tmx(_OK_TU + "\n<tu><tuv xml:lang='ar'><seg>a</seg></tuv>\n</body>"), 7, "not well-formed XML"),
    (_tmx('<tu><tuv xml:lang="ar">\n<seg>a</seg></tuv><tuv xml:lang="en"><note>n</note></tuv></tu>'), 6,
     "the en <tuv> has no <seg>"),
    (b"", None, "the file is empty"),
    (b"  \n\n", None, "the file is empty"),
    (_tmx("").replace("UTF-8", "ISO-8859-1").encode("latin-1"), 1, "declared as ISO-8859-1"),
    (_tmx(_OK_TU + "\n<tu><tuv xml:lang='ar'><seg>\xe9</seg></tuv></tu>").encode("latin-1"), 6,
     "not valid in its encoding"),
    (_tmx(_OK_TU).replace("UTF-8", "UTF-16").encode("utf-16-le"), 1, "UTF-16 without a byte-order mark"),
    ('<?xml version="1.0"?>\n<xliff version="1.2"><file><body/></file></xliff>', 2, "not a TMX file"),
    ("<tmx>\n<body>&nbsp;</body></tmx>", 2, "not well-formed XML.*nbsp"),
    (_tmx(_OK_TU + "\n<tu tuid='2'>\n<note>no languages</note></tu>"), 6, r"the <tu> has no <tuv>; a TMX unit"),
    (_tmx(_OK_TU).replace("UTF-8", "US-ASCII").encode() + b"<!-- \xff -->", 8, "not valid in its encoding"),
]  # fmt: skip


@pytest.mark.parametrize(("data", "line", "message"), ERRORS, ids=[
    "broken", "no-seg", "empty", "blank", "latin1", "bad-utf8", "utf16-no-bom", "not-tmx", "undefined-entity",
    "no-tuv-at-all", "not-utf8-declared-ascii"])  # fmt: skip
def test_malformed_files_are_refused_with_their_line(tmp_path: Path, data: str | bytes, line: int | None,
                                                     message: str):  # fmt: skip
    path = _write(tmp_path, data)
    with pytest.raises(FormatError, match=message) as info:
        list(read_tmx(path))
    assert info.value.line == line
    assert info.value.path == str(path)


_AR, _EN = '<tuv xml:lang="ar"><seg>نص</seg></tuv>', '<tuv xml:lang="en"><seg>text</seg></tuv>'
INCOMPLETE = [
    ('<tu><tuv xml:lang="en-GB"><seg>text</seg></tuv><tuv xml:lang="fr-FR"><seg>texte</seg></tuv></tu>', "", "text"),
    ('<tu><tuv xml:lang="fr"><seg>texte</seg></tuv><tuv xml:lang="de"><seg>Text</seg></tuv></tu>', "", ""),
    (f"<tu>{_AR}</tu>", "نص", ""),
    (f'<tu>{_AR}<tuv xml:lang="en"><seg></seg></tuv></tu>', "نص", ""),
    (f'<tu>{_AR}<tuv xml:lang="en"><seg/></tuv></tu>', "نص", ""),
    (f'<tu><tuv xml:lang="ar"><seg> \t </seg></tuv>{_EN}</tu>', " \t ", "text"),
    (f'<tu><tuv xml:lang="ar"><seg><ph>&lt;br/&gt;</ph></seg></tuv>{_EN}</tu>', "", "text"),
    (f'<tu><tuv xml:lang="ar"><seg>\u200f\ufeff</seg></tuv>{_EN}</tu>', "\u200f\ufeff", "text"),
]  # fmt: skip


@pytest.mark.parametrize(("tu", "source", "target"), INCOMPLETE, ids=[
    "en-fr-only", "fr-de-only", "arabic-tuv-only", "omegat-empty-seg", "self-closed-seg", "blank-ar-seg",
    "codes-only-ar-seg", "invisible-only-ar-seg"])  # fmt: skip
def test_a_unit_without_both_sides_is_read_as_incomplete_not_refused(tmp_path: Path, tu: str, source: str,
                                                                      target: str):  # fmt: skip
    text = _tmx(f"{_OK_TU}\n{tu}\n{_OK_TU}").replace('srclang="ar"', 'srclang="*all*"')
    units = list(read_tmx(_write(tmp_path, text)))
    assert [(u.source, u.target, u.line, u.complete) for u in units] == [
        ("a", "b", 5, True), (source, target, 6, False), ("a", "b", 7, True)
    ]  # fmt: skip


@pytest.mark.skipif(not TICO.exists(), reason="../shared/data (TICO-19 TMX) is not checked out")
def test_a_real_tmx_with_one_empty_arabic_seg_reads_it_as_incomplete(tmp_path: Path):
    text = TICO.read_text(encoding="utf-8")
    end = text.rindex("</body>")
    unit = '<tu><tuv xml:lang="en"><seg>english</seg></tuv><tuv xml:lang="ar"><seg></seg></tuv></tu>\n'
    units = list(read_tmx(_write(tmp_path, text[:end] + unit + text[end:])))
    assert len(units) == 3072 and [u.line for u in units if not u.complete] == [text[:end].count("\n") + 1]


def test_the_writer_keeps_an_empty_side_that_the_reader_reads_as_incomplete(tmp_path: Path):
    out = tmp_path / "out.tmx"
    assert write_tmx([TMUnit("نص", "", 0), TMUnit("قال", "said", 0)], out) == 2  # an export never drops a unit
    unit, _ = read_tmx(out)
    assert (unit.source, unit.target, unit.complete) == ("نص", "", False)


@pytest.mark.parametrize(("langs", "message"), [
    (("fr-FR", "de-DE"), "languages found: fr-FR, de-DE"),
    (("ar", "fr"), "languages found: ar, fr"),
], ids=["other-languages", "arabic-french"])  # fmt: skip
def test_a_file_without_one_arabic_english_unit_is_refused(tmp_path: Path, langs: tuple[str, str], message: str):
    tu = f'<tu><tuv xml:lang="{langs[0]}"><seg>x</seg></tuv><tuv xml:lang="{langs[1]}"><seg>y</seg></tuv></tu>'
    with pytest.raises(FormatError, match=f"no unit has both an Arabic \\(ar\\) and an English \\(en\\) text "
                                          f"\\({message}\\)"):  # fmt: skip
        list(read_tmx(_write(tmp_path, _tmx(f"{tu}\n{tu}"))))


def test_three_letter_language_codes_are_read(tmp_path: Path):
    tu = '<tu><tuv xml:lang="ara"><seg>نص</seg></tuv><tuv xml:lang="eng"><seg>text</seg></tuv></tu>'
    assert [(u.source, u.target) for u in read_tmx(_write(tmp_path, _tmx(tu)))] == [("نص", "text")]


@pytest.mark.parametrize("declared", ["us-ascii", "US-ASCII", "ascii", "ANSI_X3.4-1968", "ISO646-US", "utf8"])
@pytest.mark.parametrize("seg", ["&#1606;&#1589;", "نص"], ids=["char-refs", "utf8-bytes"])
def test_an_ascii_declaration_is_read_as_utf8(tmp_path: Path, declared: str, seg: str):
    text = _tmx(_OK_TU.replace("<seg>a</seg>", f"<seg>{seg}</seg>")).replace("UTF-8", declared)
    assert [(u.source, u.target) for u in read_tmx(_write(tmp_path, text))] == [("نص", "b")]


def test_an_elementtree_file_declared_us_ascii_is_read(tmp_path: Path):
    import xml.etree.ElementTree as ET

    root = ET.fromstring(_tmx(_OK_TU.replace("<seg>a</seg>", "<seg>نص</seg>")).split("\n", 1)[1])
    path = tmp_path / "et.tmx"
    ET.ElementTree(root).write(path, encoding="us-ascii", xml_declaration=True)  # ElementTree's default
    assert path.read_bytes().startswith(b"<?xml version='1.0' encoding='us-ascii'?>")
    assert [(u.source, u.target) for u in read_tmx(path)] == [("نص", "b")]


def test_doctype_is_not_fetched(tmp_path: Path):
    text = _tmx(_OK_TU).replace("<tmx ", '<!DOCTYPE tmx SYSTEM "http://example.invalid/tmx14.dtd">\n<tmx ')
    assert [(u.source, u.target, u.line) for u in read_tmx(_write(tmp_path, text))] == [("a", "b", 6)]


def test_missing_file_and_unwritable_output(tmp_path: Path):
    with pytest.raises(InputError, match="Cannot write"):
        write_tmx([TMUnit("أ", "a", 1)], tmp_path / "no" / "such" / "dir.tmx")

    with pytest.raises(InputError, match="No such file"):
        list(read_tmx(tmp_path / "nope.tmx"))


# -- writing ---------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["source", "target", "note", "props"])
def test_control_characters_are_refused_and_nothing_is_written(tmp_path: Path, field: str):
    unit = TMUnit("نص", "text", 1, note="n", props={"x-a": "ok"})
    bad = "bell\x07"
    if field == "props":
        unit.props = {"x-a": ["ok", bad]}
    else:
        setattr(unit, field, bad)
    out = tmp_path / "out.tmx"
    with pytest.raises(InputError, match="U\\+0007, which XML 1.0 cannot hold"):
        write_tmx([TMUnit("أ", "a", 1), unit], out)
    assert list(tmp_path.iterdir()) == []


def test_writer_takes_a_stream_and_counts_units():
    buf = io.BytesIO()
    assert write_tmx((TMUnit(f"نص {i}", f"text {i}", 0) for i in range(3)), buf, tool="desk") == 3
    root = etree.fromstring(buf.getvalue())
    assert root.find("header").get("creationtool") == "desk"
    langs = [tuv.get("{http://www.w3.org/XML/1998/namespace}lang") for tuv in root.iter("tuv")]
    assert langs == ["ar", "en"] * 3


@pytest.mark.parametrize(("value", "expected"), [
    ("2024-01-31T12:00:00+00:00", "20240131T120000Z"),
    ("2024-01-31T15:00:00+03:00", "20240131T120000Z"),
    ("2024-01-31T12:00:00", "20240131T120000Z"),
])  # fmt: skip
def test_tmx_date(value: str, expected: str):
    assert tmx_date(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("20240131T120000Z", "2024-01-31T12:00:00+00:00"),
    (" 20240131T150000+0300 ", "2024-01-31T12:00:00+00:00"),
    ("2024-01-31T12:00:00", "2024-01-31T12:00:00+00:00"),
    ("20240131", "2024-01-31T00:00:00+00:00"),
    ("31/01/2024", None),
    ("", None),
    (["20240131T120000Z"], None),
], ids=["tmx", "offset", "naive-iso", "date-only", "not-iso", "empty", "repeated-prop"])  # fmt: skip
def test_parse_tmx_date_reads_back_what_tmx_date_writes(value: object, expected: str | None):
    when = parse_tmx_date(value)
    assert (when.isoformat() if when else None) == expected
    if when:
        assert parse_tmx_date(tmx_date(when)) == when


# -- property: whatever we write reads back the same -------------------------------------------

_XML_CHARS = st.characters(
    codec="utf-8", exclude_categories=("Cs", "Cc"), exclude_characters="\ufffe\uffff"
) | st.sampled_from(list("\t\n\r &<>\"'ابتءًّ]]>"))  # fmt: skip
_TEXT = st.text(_XML_CHARS, max_size=40)
_NAME = st.text(_XML_CHARS, min_size=1, max_size=12).filter(
    lambda k: k not in TU_ATTRS and not k.startswith("prop:")
    and k not in ("tu_attrs", "source_tuv", "target_tuv", "source_seg", "target_seg")
)  # fmt: skip
_PROPS = st.dictionaries(st.sampled_from(TU_ATTRS), _TEXT, max_size=3).flatmap(
    lambda attrs: st.dictionaries(_NAME, _TEXT | st.lists(_TEXT, min_size=2, max_size=3), max_size=3).map(
        lambda props: {**attrs, **props}
    )
)
_SIDE = _TEXT.filter(str.strip)  # the reader refuses a unit with an empty side
_UNITS = st.lists(st.builds(TMUnit, _SIDE, _SIDE, st.just(0), st.none() | _TEXT, _PROPS), max_size=5)


@settings(max_examples=100, deadline=None)
@given(units=_UNITS)
def test_any_units_round_trip_byte_for_byte(units: list[TMUnit]):
    assert _key(_roundtrip(units)) == _key(units)
