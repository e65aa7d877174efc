"""Shared fixtures: every test gets its own database and runs offline."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# huggingface_hub reads these at import time: set them before anything imports it.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

DATA = Path(__file__).parent / "data"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the default database and data directories into the test's tmp_path."""
    monkeypatch.setenv("TM_DB", str(tmp_path / "tm.db"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("TM_CACHE", str(tmp_path / "tm-cache"))  # CTranslate2 conversions
    monkeypatch.setenv("TM_THREADS", "1")
    monkeypatch.setenv("TM_AUTHOR", "tester")


@pytest.fixture
def store(tmp_path: Path):
    from tm.store import Store

    s = Store.open(tmp_path / "store.db")
    yield s
    s.close()


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A MarianMT model with random weights and a sentencepiece vocabulary trained here, saved to disk."""
    import torch

    from tests.tiny_model import build_tiny_marian

    torch.set_num_threads(1)
    return build_tiny_marian(tmp_path_factory.mktemp("tiny-marian"))


@pytest.fixture(scope="session")
def sample_text() -> str:
    """The desk's real example article (Arabic)."""
    return (DATA / "alasr-soleimani-putin.ar.txt").read_text(encoding="utf-8")
