"""The public surface: every name in tm.__all__ resolves, and importing tm stays light."""

from __future__ import annotations

import subprocess
import sys

import pytest

import tm


@pytest.mark.parametrize("name", tm.__all__)
def test_public_name_resolves(name: str):
    assert getattr(tm, name) is not None


def test_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError):
        tm.nope  # noqa: B018


def test_import_tm_loads_no_heavy_module():
    heavy = "('torch', 'transformers', 'numpy', 'sqlite_utils')"
    code = f"import sys, tm; print(sorted(m for m in {heavy} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
