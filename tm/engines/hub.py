"""Finding a model: a local directory or a Hugging Face hub id (downloaded or from the cache)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from tm.errors import ModelUnavailableError

# Files a translation model needs, without the TensorFlow/Flax/Rust weights hub repos also carry.
_CONFIG_PATTERNS = ["*.json", "*.spm", "*.model", "*.txt", "*.tiktoken"]
_WEIGHT_PATTERNS = (["*.safetensors"], ["pytorch_model*.bin"])
_TRUE = {"1", "true", "yes", "on"}


def hub_offline() -> bool:
    """Whether the hub must not be contacted (``HF_HUB_OFFLINE`` or ``TRANSFORMERS_OFFLINE``)."""
    for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        if os.environ.get(var, "").strip().lower() in _TRUE:
            return True
    return False


def looks_like_path(model: str) -> bool:
    """Whether *model* is meant as a filesystem path rather than an ``org/name`` hub id."""
    return (
        model.startswith(("/", ".", "~"))
        or "\\" in model
        or model.count("/") > 1
        or model.endswith("/")
        or Path(model).exists()
    )


def model_label(model: str) -> str:
    """How a model is recorded with its drafts: a hub id as given, a local directory as its absolute
    path (``../opus`` and ``opus`` typed from two places are one model, two ``opus`` directories two)."""
    return str(Path(model).expanduser().resolve()) if looks_like_path(model) else model


def _hint(model: str) -> str:
    return (
        f"on a networked machine run `hf download {model}`, "
        "or pass --model DIR with a local copy."
    )


def _local_dir(model: str) -> str:
    path = Path(model).expanduser()
    if not path.exists():
        raise ModelUnavailableError(
            f"Model directory {model} does not exist; give a directory holding a "
            "transformers model (config.json and weights) or a Hugging Face hub id."
        )
    if not path.is_dir() or not (path / "config.json").is_file():
        raise ModelUnavailableError(
            f"Model directory {model} holds no config.json; give a directory holding a "
            "transformers model saved with save_pretrained, or a Hugging Face hub id."
        )
    return str(path.resolve())


def has_weights(path: Path) -> bool:
    """Whether a model directory holds PyTorch weights (safetensors or pytorch_model*.bin)."""
    return any(path.glob("*.safetensors")) or any(path.glob("pytorch_model*.bin"))


def _snapshot(model: str, *, offline: bool, hint: Callable[[str], str]) -> str:
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import (
        GatedRepoError,
        HFValidationError,
        LocalEntryNotFoundError,
        RepositoryNotFoundError,
    )

    path = ""
    for weights in _WEIGHT_PATTERNS:
        try:
            path = snapshot_download(
                model, allow_patterns=_CONFIG_PATTERNS + weights, local_files_only=offline
            )
        except HFValidationError:
            raise ModelUnavailableError(
                f"Model {model} is neither an existing directory nor a valid Hugging Face hub id; "
                "pass --model with a model directory or an id like Helsinki-NLP/opus-mt-ar-en."
            ) from None
        except GatedRepoError:
            raise ModelUnavailableError(
                f"Model {model} is gated on the Hugging Face hub; log in with `hf auth login` after "
                "accepting its terms, or pass --model DIR with a local copy."
            ) from None
        except RepositoryNotFoundError:
            raise ModelUnavailableError(
                f"Model {model} was not found on the Hugging Face hub; check the id, "
                "or pass --model DIR with a local copy."
            ) from None
        except LocalEntryNotFoundError:
            why = "offline" if offline else "no connection"
            raise ModelUnavailableError(
                f"Model {model} is not in the Hugging Face cache and the hub cannot be reached ({why}); "
                + hint(model)
            ) from None
        except OSError as exc:
            detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ModelUnavailableError(
                f"Model {model} could not be fetched from the Hugging Face hub ({detail}); " + hint(model)
            ) from None
        if has_weights(Path(path)):
            break
    return path


def resolve_model(model: str, *, hint: Callable[[str], str] = _hint) -> str:
    """The local directory holding *model*: the directory itself, or the hub snapshot.

    *hint* gives the end of the message when a hub model cannot be had (what to do instead).

    A hub id is looked up in the cache only when ``HF_HUB_OFFLINE`` is set, and otherwise
    downloaded (falling back to the cache when the hub cannot be reached).  Raises
    :class:`~tm.errors.ModelUnavailableError` with a one-line message on failure.
    """
    model = model.strip()
    if not model:
        raise ModelUnavailableError("No model given; pass --model with a hub id or a model directory.")
    if looks_like_path(model):
        return _local_dir(model)
    path = Path(_snapshot(model, offline=hub_offline(), hint=hint))
    if not (path / "config.json").is_file():
        raise ModelUnavailableError(
            f"Model {model} has no config.json on the Hugging Face hub; it is not a transformers model."
        )
    if not has_weights(path):
        raise ModelUnavailableError(
            f"Model {model} has no PyTorch weights (safetensors or pytorch_model.bin) in the cache; "
            + hint(model)
        )
    return str(path)


def quiet_transformers() -> None:
    """Silence transformers' progress bars and warnings (loading prints them otherwise)."""
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
