"""``tm model``: download, convert and list MT models."""

from __future__ import annotations

from typing import Any

import click

from . import cli
from .common import TMGroup, echo_json, echo_table, json_option


def _quantization_option(fn: Any) -> Any:
    return click.option(
        "--quantization", type=click.Choice(["int8", "float16", "float32"]), default="int8",
        show_default=True,
        help="Weight type of the CTranslate2 conversion (int8 for CPU, float16 for GPU).",
    )(fn)


def _megabytes(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


def _report(result: Any) -> None:
    if result.converted:
        click.echo(f"Converted {result.model} ({result.quantization}, {_megabytes(_size(result.path))}, "
                   f"{result.seconds:.1f} s) into {result.path}")
    else:
        click.echo(f"Already converted: {result.model} ({result.quantization}) in {result.path}")


def _size(path: Any) -> int:
    return sum(f.stat().st_size for f in path.iterdir() if f.is_file())


@click.group(cls=TMGroup)
def model() -> None:
    """Download, convert and list the MT models tm can use.

    Hub models are kept in the Hugging Face cache; their CTranslate2 conversions
    (made once per model revision and quantization) in $TM_CACHE/ct2 (default
    $XDG_CACHE_HOME/tm/ct2, else ~/.cache/tm/ct2).

    \b
    Example:
        tm model pull Helsinki-NLP/opus-mt-ar-en
        tm model list
    """


cli.add_command(model)


@model.command()
@click.argument("model_id")
@_quantization_option
def pull(model_id: str, quantization: str) -> None:
    """Download hub model MODEL_ID and convert it for the ctranslate2 engine.

    With HF_HUB_OFFLINE=1 only the Hugging Face cache is used.

    \b
    Example:
        tm model pull Helsinki-NLP/opus-mt-ar-en
        tm model pull facebook/nllb-200-distilled-600M --quantization float16
    """
    from ..errors import InputError
    from ..models import pull_model

    if not model_id.strip():
        raise InputError("The model id is empty; give a Hugging Face hub id such as Helsinki-NLP/opus-mt-ar-en.")
    _report(pull_model(model_id, quantization))


@model.command()
@click.argument("path", type=click.Path(file_okay=False))
@_quantization_option
def convert(path: str, quantization: str) -> None:
    """Convert the transformers model in directory PATH for the ctranslate2 engine.

    \b
    Example:
        tm model convert ./opus-mt-ar-en
        tm model convert ./my-finetuned-model --quantization float32
    """
    from ..models import convert_local

    _report(convert_local(path, quantization))


@model.command(name="list")
@json_option
def list_models(as_json: bool) -> None:
    """List the translation models in the Hugging Face cache and their CTranslate2 conversions.

    \b
    Example:
        tm model list
        tm model list --json | jq -r '.[] | select(.kind == "ctranslate2") | .path'
    """
    from ..models import list_models as entries

    rows = [e.as_json() for e in entries()]
    if as_json:
        echo_json(rows)
        return
    if not rows:
        click.echo("No models yet; run `tm model pull Helsinki-NLP/opus-mt-ar-en` on a networked machine.")
        return
    for row in rows:
        row["size"] = _megabytes(row["size"])
        row["revision"] = row["revision"][:12]
        if not row["complete"]:
            row["kind"] += " (no weights: pull again)"
    echo_table(rows, ["kind", "model", "revision", "quantization", "size", "path"])
