"""tm.models and `tm model`: cache location, revisions, pull/convert/list, offline errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import tm.cli.model  # noqa: F401  (registers `tm model`)
from tm.cli import cli
from tm.errors import InputError
from tm.models import cache_root, check_quantization, list_models, model_revision

pytest.importorskip("ctranslate2")
COMMIT = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture(autouse=True)
def _caches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    from huggingface_hub import constants

    monkeypatch.setenv("TM_CACHE", str(tmp_path / "tm-cache"))
    monkeypatch.setenv("TM_THREADS", "1")
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path / "hf"))
    return tmp_path


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def fake_hub(tmp_path: Path, repo: str, model: Path | None, config: dict | None = None) -> Path:
    """A Hugging Face cache entry for *repo* holding *model*'s files (or just *config*)."""
    base = tmp_path / "hf" / ("models--" + repo.replace("/", "--"))
    snap = base / "snapshots" / COMMIT
    snap.mkdir(parents=True)
    (base / "refs").mkdir()
    (base / "refs" / "main").write_text(COMMIT)
    if model is not None:
        for f in model.iterdir():
            shutil.copy(f, snap / f.name)
    if config is not None:
        (snap / "config.json").write_text(json.dumps(config))
    return snap


@pytest.mark.parametrize("env, expected", [
    ({"TM_CACHE": "/x/tm", "XDG_CACHE_HOME": "/y"}, "/x/tm"),
    ({"XDG_CACHE_HOME": "/y"}, "/y/tm"),
    ({}, "~/.cache/tm"),
], ids=["tm-cache", "xdg", "home"])
def test_cache_root(env: dict, expected: str, monkeypatch: pytest.MonkeyPatch):
    for var in ("TM_CACHE", "XDG_CACHE_HOME"):
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    assert cache_root() == Path(expected).expanduser()


def test_revision_of_snapshot_and_local_dir(tmp_path: Path):
    snap = fake_hub(tmp_path, "org/name", None, {"model_type": "marian"})
    assert model_revision(snap) == COMMIT
    local = tmp_path / "local"
    local.mkdir()
    (local / "config.json").write_text("{}")
    first = model_revision(local)
    assert first.startswith("local-") and model_revision(local) == first
    (local / "model.safetensors").write_bytes(b"weights")
    assert model_revision(local) != first


def test_unknown_quantization():
    assert check_quantization("int8") == "int8"
    with pytest.raises(InputError, match="Unknown quantization"):
        check_quantization("int3")


def test_convert_then_list(tiny_model: Path, tmp_path: Path):
    first = run("model", "convert", str(tiny_model), "--quantization", "float32")
    assert first.exit_code == 0, first.output
    assert first.output.startswith(f"Converted {tiny_model.resolve()} (float32, ")
    again = run("model", "convert", str(tiny_model), "--quantization", "float32")
    assert again.exit_code == 0 and again.output.startswith("Already converted:")
    rows = json.loads(run("model", "list", "--json").output)
    assert len(rows) == 1
    row = rows[0]
    assert row["kind"] == "ctranslate2" and row["quantization"] == "float32" and row["size"] > 10_000
    assert row["model"] == str(tiny_model.resolve()) and row["revision"].startswith("local-")
    assert Path(row["path"]).parent == tmp_path / "tm-cache" / "ct2"
    table = run("model", "list").output.splitlines()
    assert table[0].split() == ["kind", "model", "revision", "quantization", "size", "path"]
    assert "float32" in table[2] and "MB" in table[2]


def test_pull_from_the_hub_cache_offline(tiny_model: Path, tmp_path: Path):
    fake_hub(tmp_path, "org/opus-tiny", tiny_model)
    fake_hub(tmp_path, "org/bert", None, {"model_type": "bert", "architectures": ["BertModel"]})
    result = run("model", "pull", "org/opus-tiny", "--quantization", "float32")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Converted org/opus-tiny (float32, ")
    rows = {(e.kind, e.model): e for e in list_models()}
    assert set(rows) == {("hub", "org/opus-tiny"), ("ctranslate2", "org/opus-tiny")}
    assert rows[("hub", "org/opus-tiny")].revision == COMMIT
    assert rows[("ctranslate2", "org/opus-tiny")].revision == COMMIT
    assert "org--opus-tiny" in rows[("ctranslate2", "org/opus-tiny")].path


def test_pull_uncached_offline_is_the_translate_message():
    result = run("model", "pull", "nobody-xyz/no-such-model")
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Error: Model nobody-xyz/no-such-model is not in the Hugging Face cache")


def test_pull_messages_name_what_pull_and_convert_can_do(tmp_path: Path):
    result = run("model", "pull", "nobody-xyz/no-such-model")
    assert result.output.rstrip().endswith("run `tm model pull nobody-xyz/no-such-model` on a networked machine and "
                                           "copy its Hugging Face cache here, or convert a local copy with "
                                           "`tm model convert DIR`.")
    assert "--model" not in result.output and "--engine" not in result.output
    result = run("model", "convert", "Helsinki-NLP/opus-mt-ar-en")
    assert result.exit_code == 1 and "(for a hub id: `tm model pull Helsinki-NLP/opus-mt-ar-en`)" in result.output
    result = run("model", "convert", str(tmp_path))
    assert result.exit_code == 1 and "holds no config.json" in result.output and "hub id" not in result.output


def test_a_snapshot_without_weights_is_listed_as_incomplete(tmp_path: Path):
    fake_hub(tmp_path, "org/half", None, {"model_type": "marian", "architectures": ["MarianMTModel"]})
    (entry,) = list_models()
    assert (entry.model, entry.complete) == ("org/half", False)
    assert "hub (no weights: pull again)" in run("model", "list").output
    assert json.loads(run("model", "list", "--json").output)[0]["complete"] is False


def test_pull_of_a_path_points_to_convert(tmp_path: Path):
    result = run("model", "pull", str(tmp_path))
    assert result.exit_code == 1 and "tm model convert" in result.output


def test_convert_missing_dir_is_one_line(tmp_path: Path):
    result = run("model", "convert", str(tmp_path / "nope"))
    assert result.exit_code == 1 and "does not exist" in result.output
    assert len(result.output.splitlines()) == 1


def test_unconvertible_model_is_one_line(tmp_path: Path):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "config.json").write_text(json.dumps({"model_type": "no-such-architecture"}))
    result = run("model", "convert", str(bad))
    assert result.exit_code == 1 and len(result.output.strip().splitlines()) == 1, result.output
    assert "cannot be converted to CTranslate2" in result.output
    assert not any((tmp_path / "tm-cache" / "ct2").iterdir())  # nothing half-written kept


def test_empty_list():
    assert "No models yet" in run("model", "list").output
    assert json.loads(run("model", "list", "--json").output) == []


def test_model_list_does_not_import_torch():
    import subprocess
    import sys

    code = ("import sys; from click.testing import CliRunner; import tm.cli.model; from tm.cli import cli; "
            "r = CliRunner().invoke(cli, ['model', 'list']); assert r.exit_code == 0, r.output; "
            "assert 'torch' not in sys.modules and 'transformers' not in sys.modules")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr


@pytest.mark.parametrize("command", ["pull", "convert", "list"])
def test_model_commands_have_examples(command: str):
    assert "Example:" in run("model", command, "--help").output


def test_a_local_model_is_one_conversion_by_any_path(tiny_model: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch):
    from tm.models import ensure_converted

    link = tmp_path / "opus-link"
    link.symlink_to(tiny_model.resolve(), target_is_directory=True)
    monkeypatch.chdir(tiny_model.resolve().parent)
    paths = {ensure_converted(m, "float32").path
             for m in (str(tiny_model), f"./{tiny_model.resolve().name}", str(link))}
    assert len(paths) == 1
    (row,) = list_models()
    assert row.model == str(tiny_model.resolve())
