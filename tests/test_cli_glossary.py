"""`tm glossary …` end to end through click's CliRunner, with the database in tmp_path."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

import tm.cli.glossary  # noqa: F401  (registers the group until tm.cli imports it)
from tm import glossary as g
from tm.cli import cli

SHIPPED_TSV = "ar\ten\tforbidden\nالمرشد الأعلى\tSupreme Leader\tSupreme Guide\n"
REAL_SHIPPED = g.shipped_glossary_dir()  # taken before the fixture below replaces it
DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def shipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "shipped"
    folder.mkdir()
    (folder / "political.tsv").write_text(SHIPPED_TSV, encoding="utf-8")
    monkeypatch.setattr(g, "shipped_glossary_dir", lambda: folder)


@pytest.fixture
def db(tmp_path: Path) -> str:
    """A new desk database (as `tm translate` or `tm glossary add` would have created)."""
    from tm.store import Store

    path = tmp_path / "cli.db"
    Store.open(path).close()
    return str(path)


def run(db: str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["glossary", *args, "--db", db], catch_exceptions=False)


def entries(db: str, *args: str) -> list[dict]:
    result = run(db, "list", "--json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_fresh_database_lists_the_political_glossary(db: str) -> None:
    (entry,) = entries(db)
    assert set(entry) == {"ar", "en", "variants", "forbidden", "alternatives", "note", "glossary",
                          "created", "created_by", "updated", "updated_by"}
    assert (entry["glossary"], entry["en"], entry["forbidden"]) == ("political", "Supreme Leader",
                                                                    ["Supreme Guide"])
    table = run(db, "list")
    assert table.exit_code == 0 and "Supreme Leader" in table.output and "glossary" in table.output


@pytest.mark.parametrize("args", [["list"], ["show", "المرشد الأعلى"], ["remove", "المرشد الأعلى"],
                                  ["edit", "المرشد الأعلى", "--en", "Leader"], ["export", "-"]],
                         ids=["list", "show", "remove", "edit", "export"])
def test_a_mistyped_db_is_refused_not_created(tmp_path: Path, args: list[str]) -> None:
    typo = tmp_path / "typo.db"
    result = CliRunner().invoke(cli, ["glossary", *args, "--db", str(typo)])
    assert result.exit_code == 1 and "No database at" in result.output
    assert not typo.exists()


def test_add_collision_and_force(db: str) -> None:
    ok = run(db, "add", "حزب الله", "Hezbollah", "--alternative", "Hizbullah", "--forbidden", "Party of God",
             "--note", "Lebanon", "--author", "amal")
    assert ok.exit_code == 0, ok.output
    clash = run(db, "add", "حِزب اللّه", "Hizballah")
    assert clash.exit_code == 1
    assert clash.output.startswith("Error: ") and "--force" in clash.output
    assert "Traceback" not in clash.output
    forced = run(db, "add", "حِزب اللّه", "Hizballah", "--force", "--author", "omar", "--json")
    assert forced.exit_code == 0
    data = json.loads(forced.output)
    assert (data["en"], data["created_by"], data["updated_by"]) == ("Hizballah", "amal", "omar")
    assert len(entries(db, "--name", "political")) == 2


def test_edit_keeps_who_and_when_and_show(db: str) -> None:
    run(db, "add", "حماس", "Hamas", "--alternative", "Hamas movement", "--note", "Gaza", "--author", "amal")
    created = run(db, "show", "حماس", "--json")
    before = json.loads(created.output)
    result = run(db, "edit", "حماس", "--forbidden", "Hammas", "--clear", "note", "--author", "omar", "--json")
    assert result.exit_code == 0, result.output
    after = json.loads(result.output)
    assert (after["created"], after["created_by"]) == (before["created"], "amal")
    assert (after["updated_by"], after["forbidden"], after["note"]) == ("omar", ["Hammas"], None)
    assert after["alternatives"] == ["Hamas movement"]
    shown = run(db, "show", "حماس")
    assert "updated_by:   omar" in shown.output and "Hamas movement" in shown.output
    missing = run(db, "edit", "فتح", "--en", "Fatah")
    assert missing.exit_code == 1 and "no entry" in missing.output


def test_remove(db: str) -> None:
    result = run(db, "remove", "المرشد الاعلى")
    assert result.exit_code == 0 and "Supreme Leader" in result.output
    assert entries(db) == []
    assert run(db, "remove", "المرشد الاعلى").exit_code == 1


@pytest.mark.parametrize(
    "filename,data,message",
    [
        ("missing.csv", "ar\nحماس\n".encode(), "line 1: the header has no 'en' column"),
        ("empty.tsv", "ar\ten\nحماس\t\n".encode(), "line 2: the 'en' column is empty"),
        ("cp1256.csv", b"ar,en\n" + "حماس,Hamas\n".encode("cp1256"), "line 2: the file is not UTF-8"),
        ("broken.tbx", b'<tbx type="TBX-Basic"><text><body>\n\n<conceptEntry></body></text></tbx>',
         "line 3: not well-formed XML"),
    ],
    ids=["missing-column", "empty-term", "not-utf8", "broken-tbx"],
)
def test_import_errors_name_the_line_and_change_nothing(db: str, tmp_path: Path, filename: str, data: bytes,
                                                        message: str) -> None:
    before = entries(db)
    path = tmp_path / filename
    path.write_bytes(data)
    result = run(db, "import", str(path))
    assert result.exit_code == 1
    assert message in result.output, result.output
    assert entries(db) == before


@pytest.mark.parametrize("fmt", ["csv", "tsv", "tbx"])
def test_export_import_round_trip(db: str, tmp_path: Path, fmt: str) -> None:
    run(db, "add", "الأمم المتحدة", "United Nations", "--alternative", "UN", "--variant", "الامم المتحده",
        "--note", 'Say "UN" after, first mention; in full', "--name", "desk")
    run(db, "add", "مجلس الأمن", "Security Council", "--forbidden", "Safety Council", "--name", "desk")
    path = tmp_path / f"desk.{fmt}"
    exported = run(db, "export", str(path), "--name", "desk")
    assert exported.exit_code == 0 and "Wrote 2 entries" in exported.output
    imported = run(db, "import", str(path), "--name", "copy", "--json")
    assert json.loads(imported.output)["added"] == 2

    def content(name: str) -> list[dict]:
        keys = ("ar", "en", "variants", "forbidden", "alternatives", "note")
        return [{k: e[k] for k in keys} for e in entries(db, "--name", name)]

    assert content("copy") == content("desk")
    again = run(db, "import", str(path), "--name", "copy")
    assert "0 added, 0 updated, 2 unchanged" in again.output


def test_export_to_stdout(db: str) -> None:
    result = run(db, "export", "-", "--format", "tsv")
    assert result.exit_code == 0
    assert result.output.splitlines() == ["ar\ten\tvariants\tforbidden\tnote\talternatives",
                                          "المرشد الأعلى\tSupreme Leader\t\tSupreme Guide\t\t"]


def write_jsonl(path: Path, pairs: list[tuple[str, str]]) -> Path:
    path.write_text("".join(json.dumps({"index": i, "source": s, "target": t}, ensure_ascii=False) + "\n"
                            for i, (s, t) in enumerate(pairs, start=1)), encoding="utf-8")
    return path


def test_check_ok_exits_0(db: str, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "good.jsonl", [("قال المرشد الأعلى", "The Supreme Leader said")])
    result = run(db, "check", str(path))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("OK: 1 segment (")


def test_check_flags_wrong_forbidden_and_inconsistent(db: str, tmp_path: Path) -> None:
    terms = tmp_path / "desk.csv"
    terms.write_text("ar,en,forbidden\nالحرس الثوري,Revolutionary Guards,Revolutionary Guard army\n",
                     encoding="utf-8")
    path = write_jsonl(tmp_path / "draft.jsonl", [
        ("قال المرشد الأعلى", "The Supreme Guide said"),
        ("وقال الحرس الثوري", "The Revolutionary Guards said"),
        ("هاجم الحرس الثوري", "The Revolutionary Guard army attacked"),
    ])
    result = run(db, "check", str(path), "--glossary", "political", "--glossary", str(terms))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert 'Segment 1: المرشد الأعلى → "Supreme Leader" missing.' in lines
    assert 'Segment 1: المرشد الأعلى → forbidden "Supreme Guide" (use "Supreme Leader").' in lines
    assert ('Segment 3: الحرس الثوري → forbidden "Revolutionary Guard army" (use "Revolutionary Guards").'
            in lines)
    assert any(line.startswith("Inconsistent: الحرس الثوري") and "segment(s) 2 but not in 3" in line
               for line in lines)
    as_json = run(db, "check", str(path), "--glossary", "political", "--glossary", str(terms), "--json")
    assert as_json.exit_code == 1
    data = json.loads(as_json.output)
    assert (data["ok"], data["missing"], data["forbidden"], data["inconsistent"]) == (False, 2, 2, 1)


def test_check_a_tsv_and_a_stored_document(db: str, tmp_path: Path) -> None:
    tsv = tmp_path / "pairs.tsv"
    tsv.write_text("المرشد الأعلى\tSupreme Guide\n", encoding="utf-8")
    assert run(db, "check", str(tsv)).exit_code == 1
    from tm.store import Store

    with Store.open(db) as store, store.transaction() as conn:
        _, segs = store.add_document(conn, name="art", path=None, sha256="x", prefix="",
                                     segments=[("قال المرشد الأعلى", "", 1)])
        store.add_translation(conn, segs[0].id, origin="mt", text="The Supreme Leader said")
    assert run(db, "check", "art").exit_code == 0
    unknown = run(db, "check", "nothing-here")
    assert unknown.exit_code == 2 and "No file and no stored document 'nothing-here'" in unknown.output
    bad_glossary = run(db, "check", "art", "--glossary", "nope")
    assert bad_glossary.exit_code == 2 and "No glossary or term file 'nope'" in bad_glossary.output


def _commands(group: click.Group) -> list[tuple[str, click.Command]]:
    return sorted(group.commands.items())


@pytest.mark.parametrize("name,command", _commands(tm.cli.glossary.glossary), ids=lambda x: str(x))
def test_every_command_has_help_with_an_example(name: str, command: click.Command) -> None:
    result = CliRunner().invoke(cli, ["glossary", name, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output and "--db" in result.output


# -- what a publication gate refuses ---------------------------------------------------------


def test_check_refuses_what_is_not_pairs(db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("art.ar.txt").write_text("قال المرشد الأعلى\nوأضاف\n", encoding="utf-8")
    Path("empty.txt").write_text("", encoding="utf-8")
    Path("adir").mkdir()
    for target, message in [("art.ar.txt", "Error: art.ar.txt, line 1: no tab"),
                            ("empty.txt", "Error: empty.txt is empty"),
                            ("adir", "Error: adir is a directory")]:
        result = run(db, "check", target)
        assert result.exit_code == 2 and result.output.startswith(message), result.output  # 1: violations
        assert len(result.output.splitlines()) == 1 and "OK" not in result.output


def store_document(db: str, name: str, pairs: list[tuple[str, str | None]]) -> None:
    from tm.store import Store

    with Store.open(db) as store, store.transaction() as conn:
        _, segs = store.add_document(conn, name=name, path=None, sha256=name, prefix="",
                                     segments=[(s, " ", 1) for s, _ in pairs])
        for seg, (_, text) in zip(segs, pairs, strict=True):
            if text is not None:
                store.add_translation(conn, seg.id, origin="mt", text=text, engine="e")


def test_check_fails_untranslated_segments_unless_allowed(db: str) -> None:
    store_document(db, "none", [("قال المرشد الأعلى", None), ("وأضاف", None)])
    store_document(db, "part", [("قال المرشد الأعلى", "The Supreme Leader said"), ("وأضاف", None),
                                ("ثم", None), ("وقال المرشد الأعلى", None)])
    for args in (["none"], ["none", "--allow-untranslated"]):
        result = run(db, "check", *args)
        assert result.exit_code == 1 and "OK" not in result.output
        assert result.output.splitlines()[0] == "Nothing was checked: no segment is translated."
    strict = run(db, "check", "part")
    assert strict.exit_code == 1 and "OK" not in strict.output
    assert strict.output.splitlines()[0] == ("Untranslated: segments 2-4; not checked "
                                             "(--allow-untranslated to pass them).")
    allowed = run(db, "check", "part", "--allow-untranslated")
    assert allowed.exit_code == 0
    assert allowed.output.splitlines() == [
        "Untranslated: segments 2-4; allowed.",
        "OK: 4 segments (3 untranslated), 1 term occurrence checked: 0 missing, 0 forbidden, 0 inconsistent."]
    data = json.loads(run(db, "check", "part", "--json").output)
    assert (data["ok"], data["untranslated"], data["untranslated_segments"], data["translated"]) == (
        False, 3, [2, 3, 4], 1)


# -- contradictory entries -----------------------------------------------------------------------


def test_contradictory_entries_are_refused_and_nothing_is_stored(db: str, tmp_path: Path) -> None:
    ok = run(db, "add", "داعش", "Islamic State", "--alternative", "ISIS", "--forbidden", "Daesh",
             "--forbidden", "ISIL")
    assert ok.exit_code == 0, ok.output
    before = entries(db)
    edit = run(db, "edit", "داعش", "--alternative", "ISIS", "--alternative", "ISIL")
    assert edit.exit_code == 1 and len(edit.output.splitlines()) == 1
    assert edit.output.startswith("Error: The forbidden rendering 'ISIL' of 'داعش' is also an accepted alternative")
    path = write_jsonl(tmp_path / "d.jsonl", [("قال داعش", "The group ISIL said it")])
    check = json.loads(run(db, "check", str(path), "--json").output)
    assert check["forbidden"] == 1  # ISIL is still forbidden, not silently accepted
    for args, message in [
        (["add", "جبهة", "Front", "--forbidden", "Front"], "is also the required rendering"),
        (["add", "جبهة", "Front", "--alternative", "Front line", "--forbidden", "front line"],
         "is also an accepted alternative 'Front line'"),
        (["add", "حزب", "Party", "--variant", "داعش"], "the term of the entry 'داعش'"),
        (["add", "حزب", "Party", "--variant", "المرشد الاعلى"], "the term of the entry 'المرشد الأعلى'"),
    ]:
        result = run(db, *args)
        assert result.exit_code == 1 and result.output.startswith("Error: ") and message in result.output, args
        assert "Traceback" not in result.output
    terms = tmp_path / "t.csv"
    terms.write_text("ar,en,variants\nحماس,Hamas,\nتجربة,Test,داعش\n", encoding="utf-8")
    imported = run(db, "import", str(terms))
    assert imported.exit_code == 1 and f"{terms}, line 3: the variant 'داعش' of 'تجربة'" in imported.output
    assert entries(db) == before
    fixed = run(db, "edit", "داعش", "--alternative", "ISIS", "--alternative", "ISIL", "--forbidden", "Daesh",
                "--json")
    assert fixed.exit_code == 0 and json.loads(fixed.output)["forbidden"] == ["Daesh"]


@pytest.mark.parametrize("name", ["x.xlsx", "glossary"])
def test_export_refuses_an_unknown_extension(db: str, tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    result = run(db, "export", str(path))
    assert result.exit_code == 1 and len(result.output.splitlines()) == 1
    assert result.output.startswith("Error: ") and ".csv, .tsv, .tab, .tbx, .xml" in result.output
    assert not path.exists()
    assert run(db, "export", str(path), "--format", "csv").exit_code == 0


# -- every --help example runs on a fresh database -----------------------------------------------


def example_commands(help_text: str) -> list[list[str]]:
    """The `tm …` commands of a help text's Example block (`a && b` is two; `| jq …` is dropped)."""
    out: list[list[str]] = []
    for line in help_text.split("Example:", 1)[1].splitlines():
        words = shlex.split(line)
        while words:
            part = words[:words.index("&&")] if "&&" in words else words
            words = words[len(part) + 1:]
            part = part[:part.index("|")] if "|" in part else part
            assert part[0] == "tm", line
            out.append(part[1:])
    return out


def desk_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh database with the real shipped glossary and the stored document 'article', in a
    folder holding every file the examples name."""
    import os

    monkeypatch.setattr(g, "shipped_glossary_dir", lambda: REAL_SHIPPED)
    folder = tmp_path / "desk"
    folder.mkdir()
    monkeypatch.chdir(folder)
    src = (DATA / "alasr-soleimani-putin.ar.seg.txt").read_text(encoding="utf-8").splitlines()
    en = (DATA / "alasr-soleimani-putin.en.txt").read_text(encoding="utf-8").splitlines()
    Path("article.ar.txt").write_text("\n".join(src) + "\n", encoding="utf-8")
    Path("article.en.txt").write_text("\n".join(en) + "\n", encoding="utf-8")
    Path("pairs.tsv").write_text("".join(f"{s}\t{t}\n" for s, t in zip(src, en, strict=True)), encoding="utf-8")
    drafts: list[tuple[str, str | None]] = [*zip(src[:-2], en[:-2], strict=True), (src[-2], None), (src[-1], None)]
    Path("draft.jsonl").write_text("".join(json.dumps({"index": i, "source": s, "target": t}, ensure_ascii=False)
                                           + "\n" for i, (s, t) in enumerate(drafts, start=1)), encoding="utf-8")
    terms = "ar,en,forbidden\nمجلس القضاء الأعلى,Supreme Judicial Council,Higher Judicial Council\n"
    for name in ("desk-terms.csv", "desk.csv"):
        Path(name).write_text(terms, encoding="utf-8")
    Path("names.tsv").write_text(terms.replace(",", "\t"), encoding="utf-8")
    Path("unterm.tbx").write_bytes(g.dumps([g.Record("هيئة النزاهة", "Integrity Commission")], "tbx"))
    store_document(os.environ["TM_DB"], "article", list(zip(src, en, strict=True)))
    return folder


def run_examples(help_text: str) -> None:
    commands = example_commands(help_text)
    assert commands
    for args in commands:
        result = CliRunner().invoke(cli, args, catch_exceptions=False)
        assert result.exit_code == 0, f"tm {shlex.join(args)}\n{result.output}"
        assert "Error" not in result.output


@pytest.mark.parametrize("name,command", [("glossary", tm.cli.glossary.glossary),
                                          *_commands(tm.cli.glossary.glossary)], ids=lambda x: str(x))
def test_every_help_example_runs_on_a_fresh_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     name: str, command: click.Command) -> None:
    desk_folder(tmp_path, monkeypatch)
    run_examples(command.help or "")


# -- reviewed defects, as the desk met them -----------------------------------------------------


def test_importing_only_ar_and_en_keeps_the_rest(db: str, tmp_path: Path) -> None:
    run(db, "add", "حزب الله", "Hezbollah", "--variant", "حزب الله اللبناني", "--forbidden", "Party of God",
        "--alternative", "Hizbullah", "--note", "Lebanon")
    path = tmp_path / "upd.csv"
    path.write_text("ar,en\nحزب الله,Hezbollah\n", encoding="utf-8")
    result = run(db, "import", str(path))
    assert result.output == "Glossary 'political': 0 added, 0 updated, 1 unchanged, 0 removed.\n"
    shown = json.loads(run(db, "show", "حزب الله", "--json").output)
    assert (shown["variants"], shown["forbidden"], shown["alternatives"], shown["note"]) == (
        ["حزب الله اللبناني"], ["Party of God"], ["Hizbullah"], "Lebanon")


ONE_LINE_ERRORS = [
    ("add-swapped", ["add", "Hezbollah", "حزب الله"], "Error: The Arabic term 'Hezbollah' has no Arabic letter"),
    ("add-control-note", ["add", "حماس", "Hamas", "--note", "a\x0bb"], "Error: The note of 'حماس' contains the "
     "control character U+000B"),
    ("edit-control-term", ["edit", "المرشد الأعلى", "--ar", "المرشد\x01 الأعلى"], "Error: The Arabic term"),
    ("import-swapped", ["import", "{tmp}/swap.csv", "--name", "sw"], "Error: {tmp}/swap.csv, line 2: the Arabic "
     "term 'Hezbollah' has no Arabic letter"),
    ("import-replace-empty", ["import", "{tmp}/empty.csv", "--replace"], "Error: {tmp}/empty.csv holds no entries"),
    ("import-unterminated", ["import", "{tmp}/quote.csv"], "Error: {tmp}/quote.csv, line 3: a quoted cell starts"),
]


@pytest.mark.parametrize("args,message", [c[1:] for c in ONE_LINE_ERRORS], ids=[c[0] for c in ONE_LINE_ERRORS])
def test_what_cannot_be_stored_is_refused_in_one_line(db: str, tmp_path: Path, args: list[str],
                                                      message: str) -> None:
    (tmp_path / "swap.csv").write_text("ar,en\nHezbollah,حزب الله\n", encoding="utf-8")
    (tmp_path / "empty.csv").write_text("ar,en\n", encoding="utf-8")
    (tmp_path / "quote.csv").write_text('ar,en\nحماس,Hamas\n"فتح,Fatah\n', encoding="utf-8")
    before = entries(db)
    result = run(db, *[a.replace("{tmp}", str(tmp_path)) for a in args])
    assert result.exit_code == 1 and len(result.output.splitlines()) == 1, result.output
    assert result.output.startswith(message.replace("{tmp}", str(tmp_path))), result.output
    assert entries(db) == before and "sw" not in {e["glossary"] for e in entries(db)}


def test_tbx_export_of_a_stored_control_character_is_one_line(db: str, tmp_path: Path) -> None:
    from tm.store import Store

    assert len(entries(db)) == 1  # the shipped glossary is loaded
    with Store.open(db) as store, store.transaction() as conn:
        conn.execute("UPDATE glossary_entries SET note = ?", ("a\x0bb",))
    result = run(db, "export", str(tmp_path / "x.tbx"))
    assert result.exit_code == 1 and result.output == (
        "Error: The note of 'المرشد الأعلى' contains the character U+000B, which XML 1.0 cannot hold; "
        "remove it before exporting.\n")


def test_an_acronym_may_forbid_its_other_case(db: str, tmp_path: Path) -> None:
    assert run(db, "add", "الناتو2", "NATO", "--forbidden", "Nato").exit_code == 0
    path = write_jsonl(tmp_path / "d.jsonl", [("قال الناتو2", "Nato said"), ("وقال الناتو2", "NATO said")])
    data = json.loads(run(db, "check", str(path), "--json").output)
    assert (data["missing"], data["forbidden"]) == (1, 1)


def test_a_later_glossary_wins_a_variant_of_an_earlier_one(db: str, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(g, "shipped_glossary_dir", lambda: REAL_SHIPPED)
    desk = tmp_path / "desk.csv"
    desk.write_text("ar,en\nالحاج قاسم,Hajj Qassem\n", encoding="utf-8")
    pairs = tmp_path / "p2.tsv"
    pairs.write_text("ar\ten\nوصل الحاج قاسم\tHajj Qassem arrived\n", encoding="utf-8")
    result = run(db, "check", str(pairs), "--glossary", "political", "--glossary", str(desk))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("OK: 1 segment (")


def test_csv_export_has_a_byte_order_mark_and_imports_back(db: str, tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    assert run(db, "export", str(path)).exit_code == 0
    assert path.read_bytes().startswith("\ufeffar,en,".encode())
    assert "1 added" in run(db, "import", str(path), "--name", "copy").output
    assert not run(db, "export", "-", "--format", "csv").stdout_bytes.startswith(b"\xef\xbb\xbf")  # a pipe gets none
