"""TBX reading: term status in every style, DTD entities, list separators; writing refuses what XML cannot hold."""

from __future__ import annotations

from pathlib import Path

import pytest

from tm.errors import FormatError, InputError
from tm.formats.records import Record
from tm.formats.tbx import read_tbx, tbx_bytes

# TBX v2 (ISO 30042:2008) as older tools export it: <martif>, status as normativeAuthorization (ISO 12620).
MARTIF_NORMATIVE = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE martif SYSTEM "TBXcoreStructV02.dtd">
<martif type="TBX" xml:lang="en">
  <martifHeader>
    <fileDesc><sourceDesc><p>Desk export</p></sourceDesc></fileDesc>
    <encodingDesc><p type="XCSURI">TBXXCSV02.xcs</p></encodingDesc>
  </martifHeader>
  <text><body>
    <termEntry id="kyiv">
      <descrip type="subjectField">geography</descrip>
      <langSet xml:lang="ar">
        <ntig><termGrp><term>كييف</term>
          <termNote type="normativeAuthorization">preferredTerm</termNote></termGrp></ntig>
        <ntig><termGrp><term>كييڤ</term>
          <termNote type="normativeAuthorization">deprecatedTerm</termNote></termGrp></ntig>
      </langSet>
      <langSet xml:lang="en">
        <ntig><termGrp><term>Kiev</term>
          <termNote type="normativeAuthorization">deprecatedTerm</termNote></termGrp></ntig>
        <ntig><termGrp><term>Kyiv</term>
          <termNote type="normativeAuthorization">preferredTerm</termNote></termGrp></ntig>
        <ntig><termGrp><term>Kyyiv</term>
          <termNote type="normativeAuthorization">admittedTerm</termNote></termGrp></ntig>
        <ntig><termGrp><term>Kiew</term>
          <termNote type="normativeAuthorization">supersededTerm</termNote></termGrp></ntig>
      </langSet>
    </termEntry>
  </body></text>
</martif>
"""

# TBX v3 (ISO 30042:2019) TBX-Basic in DCT style: data categories are elements of the module namespace.
DCT = """<?xml version="1.0" encoding="UTF-8"?>
<?xml-model href="https://raw.githubusercontent.com/LTAC-Global/TBX-Basic_dialect/master/DCT/TBX-Basic_DCT.sch"
  type="application/xml" schematypens="http://purl.oclc.org/dsdl/schematron"?>
<tbx xmlns="urn:iso:std:iso:30042:ed-2" xmlns:basic="http://www.tbxinfo.net/ns/basic"
     type="TBX-Basic" style="dct" xml:lang="en">
  <tbxHeader><fileDesc><sourceDesc><p>Desk terms</p></sourceDesc></fileDesc></tbxHeader>
  <text><body>
    <conceptEntry id="c1">
      <basic:subjectField>geography</basic:subjectField>
      <langSec xml:lang="ar">
        <termSec><term>كييف</term>
          <basic:administrativeStatus>preferredTerm-admn-sts</basic:administrativeStatus></termSec>
      </langSec>
      <langSec xml:lang="en">
        <termSec><term>Kiev</term>
          <basic:administrativeStatus>deprecatedTerm-admn-sts</basic:administrativeStatus></termSec>
        <termSec><term>Kyiv</term>
          <basic:administrativeStatus>preferredTerm-admn-sts</basic:administrativeStatus></termSec>
        <termSec><term>Kyyiv</term>
          <basic:administrativeStatus>admittedTerm-admn-sts</basic:administrativeStatus></termSec>
        <termSec><term>Kiew</term>
          <basic:administrativeStatus>supersededTerm-admn-sts</basic:administrativeStatus></termSec>
      </langSec>
    </conceptEntry>
  </body></text>
</tbx>
"""

# The DCA style that tm writes: the same entry.
DCA = (DCT.replace('style="dct"', 'style="dca"')
       .replace("<basic:subjectField>geography</basic:subjectField>",
                '<descrip type="subjectField">geography</descrip>')
       .replace("<basic:administrativeStatus>", '<termNote type="administrativeStatus">')
       .replace("</basic:administrativeStatus>", "</termNote>"))

STYLES = [
    ("v2-normativeAuthorization", MARTIF_NORMATIVE, ["كييڤ"]),
    ("v3-dct-element", DCT, []),
    ("v3-dca-termNote", DCA, []),
]


@pytest.mark.parametrize("text,variants", [s[1:] for s in STYLES], ids=[s[0] for s in STYLES])
def test_term_status_in_every_style(tmp_path: Path, text: str, variants: list[str]) -> None:
    path = tmp_path / "kyiv.tbx"
    path.write_text(text, encoding="utf-8")
    (r,) = read_tbx(path)
    assert (r.ar, r.en, r.alternatives, r.forbidden, r.variants) == (
        "كييف", "Kyiv", ["Kyyiv"], ["Kiev", "Kiew"], variants)


def _entry(en_term: str, prolog: str = "") -> bytes:
    return (f'<?xml version="1.0"?>\n{prolog}<martif type="TBX"><text><body><termEntry id="t1">\n'
            '<langSet xml:lang="ar"><tig><term>الأمم المتحدة</term></tig></langSet>\n'
            f'<langSet xml:lang="en"><tig><term>{en_term}</term></tig></langSet>\n'
            "</termEntry></body></text></martif>").encode()


LAUGHS = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
ENTITIES = [
    ("internal", _entry("United&nbsp;Nations", '<!DOCTYPE martif [<!ENTITY nbsp "&#160;">]>\n'),
     "United Nations", None),  # white space is collapsed, no-break space included
    ("predefined", _entry("Bosnia &amp; Herzegovina"), "Bosnia & Herzegovina", None),
    ("external-file", _entry("U&x;N", '<!DOCTYPE martif [<!ENTITY x SYSTEM "file:///etc/hostname">]>\n'),
     None, "Entity 'x' not defined"),
    ("external-url", _entry("U&x;N", '<!DOCTYPE martif [<!ENTITY x SYSTEM "http://example.com/x">]>\n'),
     None, "Entity 'x' not defined"),
    ("billion-laughs", _entry("&l9;", f'<!DOCTYPE martif [<!ENTITY l0 "lol">{LAUGHS}]>\n'), None, "amplification"),
]


@pytest.mark.parametrize("data,en,error", [e[1:] for e in ENTITIES], ids=[e[0] for e in ENTITIES])
def test_internal_entities_are_resolved_and_nothing_else(tmp_path: Path, data: bytes, en: str | None,
                                                         error: str | None) -> None:
    path = tmp_path / "un.tbx"
    path.write_bytes(data)
    if error is None:
        assert read_tbx(path)[0].en == en
        return
    with pytest.raises(FormatError, match=error) as err:
        read_tbx(path)
    assert str(path) in str(err.value) and "line" in str(err.value)


PIPES = [
    ("alternative", '<tig><term>Hezbollah</term></tig>\n<tig><term>Hizb | Allah</term></tig>', "an alternative",
     "Hizb | Allah"),
    ("forbidden", '<tig><term>Hezbollah</term></tig>\n<tig><term>Hizb|Allah</term><termNote '
     'type="administrativeStatus">deprecatedTerm-admn-sts</termNote></tig>', "a forbidden rendering", "Hizb|Allah"),
]


@pytest.mark.parametrize("en_terms,what,item", [p[1:] for p in PIPES], ids=[p[0] for p in PIPES])
def test_a_list_item_with_a_pipe_is_refused_on_its_line(tmp_path: Path, en_terms: str, what: str,
                                                        item: str) -> None:
    path = tmp_path / "hz.tbx"
    path.write_text('<martif type="TBX"><text><body><termEntry id="t1">\n'
                    '<langSet xml:lang="ar"><tig><term>حزب الله</term></tig></langSet>\n'
                    f'<langSet xml:lang="en">{en_terms}</langSet>\n'
                    "</termEntry></body></text></martif>", encoding="utf-8")
    with pytest.raises(FormatError) as err:
        read_tbx(path)
    assert str(err.value).startswith(f"{path}, line 4: {what} of 'حزب الله', {item!r}, contains '|'")


UNWRITABLE = [
    ("note", Record("حماس", "Hamas", note="a\x0bb"), "The note of 'حماس' contains the character U+000B"),
    ("term", Record("حما\x01س", "Hamas"), "The Arabic term 'حما\\x01س' contains the character U+0001"),
    ("alternative", Record("حماس", "Hamas", alternatives=["Ha\x0cmas"]), "The alternative 'Ha\\x0cmas' of 'حماس'"),
]


@pytest.mark.parametrize("entry,message", [u[1:] for u in UNWRITABLE], ids=[u[0] for u in UNWRITABLE])
def test_writing_text_xml_cannot_hold_is_one_input_error(entry: Record, message: str) -> None:
    with pytest.raises(InputError) as err:
        tbx_bytes([entry])
    assert str(err.value).startswith(message) and "\n" not in str(err.value)


_ASCII_TBX = ('<?xml version="1.0" encoding="{enc}"?>\n<martif type="TBX-Basic" xml:lang="ar"><text><body><termEntry>'
              '<langSet xml:lang="ar"><tig><term>حزب الله</term></tig></langSet><langSet xml:lang="en"><tig>'
              "<term>Hezbollah</term></tig></langSet></termEntry></body></text></martif>\n")  # fmt: skip


@pytest.mark.parametrize(("enc", "error"), [
    ("us-ascii", None), ("UTF-8", None), ("windows-1256", "the file is declared as windows-1256"),
], ids=["ascii-declared", "utf8", "cp1256-declared"])  # fmt: skip
def test_the_declared_encoding_is_read_as_for_tmx_and_xliff(tmp_path: Path, enc: str, error: str | None) -> None:
    path = tmp_path / "g.tbx"
    path.write_text(_ASCII_TBX.format(enc=enc), encoding="utf-8")
    if error is None:
        assert [(r.ar, r.en) for r in read_tbx(path)] == [("حزب الله", "Hezbollah")]
    else:
        with pytest.raises(FormatError, match=error):
            read_tbx(path)


@pytest.mark.parametrize(("ar", "en"), [("ara", "eng"), ("ar_SA", "en_GB"), ("AR-EG", "EN")],
                         ids=["iso639-2", "underscores", "upper-case"])  # fmt: skip
def test_language_tags_are_read_as_for_tmx(tmp_path: Path, ar: str, en: str) -> None:
    path = tmp_path / "g.tbx"
    path.write_text(_ASCII_TBX.format(enc="UTF-8").replace('"ar"><tig>', f'"{ar}"><tig>')
                    .replace('"en"><tig>', f'"{en}"><tig>'), encoding="utf-8")  # fmt: skip
    assert [(r.ar, r.en) for r in read_tbx(path)] == [("حزب الله", "Hezbollah")]
