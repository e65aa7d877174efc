"""The public surface: every name in tm.__all__ resolves, and importing tm stays light."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import tm


@pytest.mark.parametrize("name", tm.__all__)
def test_public_name_resolves(name: str):
    assert getattr(tm, name) is getattr(importlib.import_module(tm._API[name]), name)


def test_public_names_are_not_shadowed_by_their_modules():
    """`from tm import normalize` gave the module tm.normalize once anything had imported it."""
    code = ("import importlib, types, tm\n"
            "for m in set(tm._API.values()): importlib.import_module(m)\n"
            "from tm import normalize\n"
            "modules = [n for n in tm.__all__ if isinstance(getattr(tm, n), types.ModuleType)]\n"
            "print(normalize('أَحمد'), modules)")  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "احمد []"


def test_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError):
        tm.nope  # noqa: B018


def test_import_tm_loads_no_heavy_module():
    heavy = "('torch', 'transformers', 'numpy', 'sqlite_utils')"
    code = f"import sys, tm; print(sorted(m for m in {heavy} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
