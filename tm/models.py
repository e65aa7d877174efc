"""Model management: the CTranslate2 conversion cache, pulling hub models, listing what is installed.

A transformers model (hub id or local directory) is converted to CTranslate2 once per
revision and quantisation, into ``$TM_CACHE/ct2/<slug>-<key>-<quantization>/`` (``$TM_CACHE``
defaults to ``$XDG_CACHE_HOME/tm``, else ``~/.cache/tm``).  The key hashes the model's
identity and revision: the hub commit for a hub snapshot, the names, sizes and modification
times of the model files for a local directory.  A conversion is written to a temporary
directory and renamed into place, so concurrent processes never see a half-written model.

Nothing here imports torch or transformers until a conversion actually runs.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import time
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from tm.engines.hub import has_weights, looks_like_path, resolve_model
from tm.errors import EngineError, InputError, ModelUnavailableError

#: quantisations CTranslate2 can store; the CLI offers the first three
QUANTIZATIONS = ("int8", "float16", "float32", "int8_float32", "int8_float16", "int8_bfloat16", "int16",
                 "bfloat16")
META_FILE = "tm-model.json"
_MODEL_FILES = re.compile(r".*\.(json|safetensors|bin|spm|model|txt)$")
_SEQ2SEQ_TYPES = {"marian", "m2m_100", "nllb-moe", "mbart", "t5", "mt5", "fsmt", "bart", "pegasus"}


@dataclass(frozen=True)
class ConvertedModel:
    """A CTranslate2 model in tm's cache and the transformers model it came from."""

    path: Path  # the CTranslate2 model directory
    model: str  # the hub id or directory as given
    source: str  # the transformers model directory it was converted from
    revision: str  # hub commit hash, or "local-<hash>" for a local directory
    quantization: str
    converted: bool  # whether this call converted it (False: reused from the cache)
    seconds: float = 0.0  # conversion time


@dataclass(frozen=True)
class ModelEntry:
    """One installed model: a transformers model in the Hugging Face cache, or a converted one."""

    kind: str  # "hub" or "ctranslate2"
    model: str
    revision: str
    quantization: str | None
    size: int  # bytes on disk
    path: str
    complete: bool = True  # a hub snapshot with weights (an interrupted download may have none)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def cache_root() -> Path:
    """tm's cache directory: ``$TM_CACHE``, else ``$XDG_CACHE_HOME/tm``, else ``~/.cache/tm``."""
    if os.environ.get("TM_CACHE"):
        return Path(os.environ["TM_CACHE"]).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg).expanduser() if xdg else Path.home() / ".cache") / "tm"


def ct2_cache(cache: Path | None = None) -> Path:
    """Where converted CTranslate2 models live."""
    return (cache or cache_root()) / "ct2"


def hf_cache() -> Path:
    """The Hugging Face hub cache (``HF_HUB_CACHE`` / ``HF_HOME``)."""
    from huggingface_hub import constants

    return Path(constants.HF_HUB_CACHE)


def check_quantization(quantization: str) -> str:
    """*quantization* if CTranslate2 can store it, else :class:`InputError`."""
    if quantization not in QUANTIZATIONS:
        raise InputError(f"Unknown quantization {quantization!r}; use one of: {', '.join(QUANTIZATIONS)}.")
    return quantization


def model_revision(path: str | Path) -> str:
    """The hub commit of a snapshot directory, or a fingerprint of a local model's files."""
    path = Path(path)
    if path.parent.name == "snapshots" and re.fullmatch(r"[0-9a-f]{40}", path.name):
        return path.name
    digest = hashlib.sha256()
    for file in sorted(p for p in path.iterdir() if p.is_file() and _MODEL_FILES.match(p.name)):
        stat = file.stat()
        digest.update(f"{file.name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return "local-" + digest.hexdigest()[:16]


def _slug(model: str) -> str:
    name = model.rstrip("/\\")
    name = name.replace("/", "--") if not looks_like_path(model) else Path(name).name
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.")[:60] or "model"


def cache_dir_for(model: str, source: str | Path, quantization: str, cache: Path | None = None) -> Path:
    """The cache directory of *model* (resolved to *source*) converted with *quantization*."""
    import ctranslate2

    identity = model.strip() if not looks_like_path(model) else str(Path(source).resolve())
    major = ctranslate2.__version__.split(".")[0]
    key = f"{identity}\0{model_revision(source)}\0ct2-{major}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:12]
    return ct2_cache(cache) / f"{_slug(model)}-{digest}-{quantization}"


def _is_complete(path: Path) -> bool:
    return (path / "model.bin").is_file() and (path / META_FILE).is_file()


def ensure_converted(
    model: str, quantization: str = "int8", *, source: str | None = None, cache: Path | None = None
) -> ConvertedModel:
    """The CTranslate2 conversion of *model*, converting it on first use.

    *source* is the already resolved transformers directory (resolved here when ``None``).
    Raises :class:`~tm.errors.ModelUnavailableError` when the model cannot be found and
    :class:`~tm.errors.EngineError` when it cannot be converted.
    """
    check_quantization(quantization)
    source = source or resolve_model(model)
    if looks_like_path(model):  # ./opus, a link to it and its absolute path are one model, listed absolute
        model = str(Path(source).resolve())
    target = cache_dir_for(model, source, quantization, cache)
    revision = model_revision(source)
    if _is_complete(target):
        return ConvertedModel(target, model, source, revision, quantization, converted=False)
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".tmp-", dir=target.parent))
    try:
        start = time.perf_counter()
        out = work / "model"
        _convert(model, source, out, quantization)
        seconds = time.perf_counter() - start
        meta = {"model": model, "source": source, "revision": revision, "quantization": quantization,
                "ctranslate2": _ct2_version(), "converted_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
                "seconds": round(seconds, 2)}
        (out / META_FILE).write_text(json.dumps(meta, indent=2), encoding="utf-8")
        try:
            os.rename(out, target)  # atomic; fails if another process got there first
        except OSError:
            if _is_complete(target):
                return ConvertedModel(target, model, source, revision, quantization, converted=False)
            shutil.rmtree(target, ignore_errors=True)  # not tm's (or damaged): replace it
            os.rename(out, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return ConvertedModel(target, model, source, revision, quantization, converted=True, seconds=seconds)


def _ct2_version() -> str:
    import ctranslate2

    return str(ctranslate2.__version__)


def _convert(model: str, source: str, out: Path, quantization: str) -> None:
    """Convert the transformers model in *source* into *out* (which must not exist)."""
    from ctranslate2.converters import TransformersConverter

    from tm.engines.hub import quiet_transformers

    quiet_transformers()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            TransformersConverter(source, low_cpu_mem_usage=True).convert(str(out), quantization=quantization)
    except (ValueError, NotImplementedError, RuntimeError, OSError, KeyError) as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise EngineError(
            f"Model {model} cannot be converted to CTranslate2 ({first}); use --engine transformers."
        ) from None


def pull_model(model: str, quantization: str = "int8", *, cache: Path | None = None) -> ConvertedModel:
    """Download hub model *model* into the Hugging Face cache (if needed) and convert it."""
    if looks_like_path(model):
        raise InputError(f"{model} is a path; use `tm model convert {model}` for a local model.")
    source = resolve_model(model, hint=_pull_hint)
    return ensure_converted(model, quantization, source=source, cache=cache)


def _pull_hint(model: str) -> str:
    return (f"run `tm model pull {model}` on a networked machine and copy its Hugging Face cache here, "
            "or convert a local copy with `tm model convert DIR`.")


def convert_local(path: str, quantization: str = "int8", *, cache: Path | None = None) -> ConvertedModel:
    """Convert the transformers model in directory *path* (once per content and quantisation)."""
    directory = Path(path).expanduser()
    if not directory.is_dir():
        pull = "" if looks_like_path(path) else f" (for a hub id: `tm model pull {path}`)"
        raise ModelUnavailableError(f"Model directory {path} does not exist; pass a directory holding "
                                    f"a transformers model (config.json and weights){pull}.")
    if not (directory / "config.json").is_file():
        raise ModelUnavailableError(f"Model directory {path} holds no config.json; pass a directory holding "
                                    "a transformers model saved with save_pretrained.")
    return ensure_converted(str(Path(path).expanduser().resolve()), quantization, cache=cache)


def _size(path: Path) -> int:
    seen: set[Path] = set()
    total = 0
    for file in path.rglob("*"):
        real = file.resolve()
        if real.is_file() and real not in seen:
            seen.add(real)
            total += real.stat().st_size
    return total


def _translation_config(config_file: Path) -> bool:
    try:
        config = json.loads(config_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(config, dict) and (
        config.get("model_type") in _SEQ2SEQ_TYPES
        or any(str(a).endswith(("MTModel", "ForConditionalGeneration")) and config.get("is_encoder_decoder")
               for a in config.get("architectures") or [])
    )


def hub_models() -> list[ModelEntry]:
    """Sequence-to-sequence translation models in the Hugging Face cache, one entry per snapshot."""
    root = hf_cache()
    entries = []
    for repo in sorted(root.glob("models--*")) if root.is_dir() else []:
        model = repo.name[len("models--"):].replace("--", "/")
        for snap in sorted((repo / "snapshots").glob("*")):
            if snap.is_dir() and _translation_config(snap / "config.json"):
                entries.append(ModelEntry("hub", model, snap.name, None, _size(snap), str(snap),
                                          complete=has_weights(snap)))
    return entries


def converted_models(cache: Path | None = None) -> list[ModelEntry]:
    """The CTranslate2 conversions in tm's cache."""
    root = ct2_cache(cache)
    entries = []
    for path in sorted(root.iterdir()) if root.is_dir() else []:
        if path.name.startswith(".") or not _is_complete(path):
            continue
        try:
            meta = json.loads((path / META_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        entries.append(ModelEntry("ctranslate2", str(meta.get("model", "")), str(meta.get("revision", "")),
                                  meta.get("quantization"), _size(path), str(path)))
    return entries


def list_models(cache: Path | None = None) -> list[ModelEntry]:
    """Hub models in the Hugging Face cache, then CTranslate2 conversions in tm's cache."""
    return hub_models() + converted_models(cache)
