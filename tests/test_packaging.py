"""The package as a user installs it: what the wheel holds, and tm run from an installed wheel.

The wheel is built offline (``pip wheel --no-build-isolation --no-index``) from a copy of the sources in a
temporary folder, so nothing is written into the checkout; it takes a few seconds.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "tests" / "data" / "alasr-soleimani-putin.ar.txt"


def _pyproject() -> dict:
    with open(ROOT / "pyproject.toml", "rb") as fh:
        return tomllib.load(fh)


def _setuptools_major() -> int:
    try:
        return int(metadata.version("setuptools").split(".")[0])
    except (metadata.PackageNotFoundError, ValueError):
        return 0


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from a copy of the sources (pyproject.toml, README.md, tm/, glossaries/)."""
    if _setuptools_major() < 77:
        pytest.skip("building the wheel offline needs setuptools>=77 in this environment")
    base = tmp_path_factory.mktemp("wheel")
    src = base / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "tm", src / "tm", ignore=ignore)
    shutil.copytree(ROOT / "glossaries", src / "glossaries", ignore=ignore)
    out = base / "dist"
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--no-index",
         "-w", str(out), str(src)],
        capture_output=True, text=True, cwd=base, timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    (found,) = out.glob("tm-*.whl")
    return found


def _sources() -> set[str]:
    """The checkout's package files as they must appear in the wheel."""
    names = {p.relative_to(ROOT).as_posix() for p in (ROOT / "tm").rglob("*.py") if "__pycache__" not in p.parts}
    names |= {f"tm/glossaries/{p.name}" for p in (ROOT / "glossaries").iterdir()
              if p.suffix == ".tsv" or p.name == "README.md"}
    return names


def _requirement_name(spec: str) -> str:
    return re.split(r"[\s<>=!~;\[]", spec, maxsplit=1)[0].lower().replace("_", "-")


def test_every_third_party_module_tm_imports_is_a_declared_dependency() -> None:
    declared = {_requirement_name(spec) for spec in _pyproject()["project"]["dependencies"]}
    distributions = metadata.packages_distributions()
    imported: set[str] = set()
    for path in (ROOT / "tm").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    third_party = {m for m in imported if m not in sys.stdlib_module_names and m not in ("tm", "__future__")}
    assert third_party, "no imports found"
    undeclared = {m: distributions.get(m) for m in third_party
                  if not {d.lower().replace("_", "-") for d in distributions.get(m, [m])} & declared}
    assert undeclared == {}


def test_the_build_backend_reads_the_license_expression() -> None:
    data = _pyproject()
    assert isinstance(data["project"]["license"], str)  # an SPDX expression (PEP 639): setuptools 77 or later
    assert "setuptools>=77" in data["build-system"]["requires"]


def test_every_package_under_tm_is_listed_in_pyproject() -> None:
    setuptools = _pyproject()["tool"]["setuptools"]
    packages = {p.parent.relative_to(ROOT).as_posix().replace("/", ".")
                for p in (ROOT / "tm").rglob("__init__.py") if "__pycache__" not in p.parts}
    assert set(setuptools["packages"]) == packages | {"tm.glossaries"}
    assert (ROOT / setuptools["package-dir"]["tm.glossaries"] / "political.tsv").is_file()


def test_the_wheel_holds_the_code_and_the_shipped_glossaries(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        assert _sources() <= names, sorted(_sources() - names)
        assert zf.read("tm/glossaries/political.tsv") == (ROOT / "glossaries" / "political.tsv").read_bytes()
        assert not [n for n in names if n.startswith(("tests/", "bench/", "docs/", "glossaries/"))]
        info = next(n for n in names if n.endswith(".dist-info/METADATA"))
        meta = zf.read(info).decode("utf-8")
        entry_points = zf.read(info.replace("METADATA", "entry_points.txt")).decode("utf-8")
    assert "Requires-Python: >=3.11" in meta
    assert "Requires-Dist: torch>=2.4" in meta
    assert "License-Expression: Apache-2.0 AND CC-BY-4.0" in meta  # the code, and the glossaries' CC BY 4.0
    assert "tm = tm.cli:cli" in entry_points


def test_an_installed_wheel_translates_with_the_shipped_glossary(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", "--target", str(target),
         str(wheel)],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    env = {**os.environ, "PYTHONPATH": str(target), "TM_DB": str(tmp_path / "desk.db")}
    run = tmp_path / "elsewhere"
    run.mkdir()
    done = subprocess.run(
        [sys.executable, "-c", "import tm; print(tm.__file__)"], capture_output=True, text=True, cwd=run, env=env,
    )
    assert Path(done.stdout.strip()).is_relative_to(target)  # the installed copy, not the checkout
    done = subprocess.run(
        [sys.executable, "-m", "tm", "translate", str(SAMPLE), "--engine", "none", "--format", "jsonl"],
        capture_output=True, text=True, cwd=run, env=env, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(rows) == 23
    assert {"source": "فلاديمير بوتين", "target": "Vladimir Putin"}.items() <= rows[0]["terms"][1].items()
    assert sorted(p.name for p in run.iterdir()) == []  # nothing written where it ran


def test_python_dash_m_tm_runs_from_another_directory(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "tm", "--help"], capture_output=True, text=True, cwd=tmp_path,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Usage: tm [OPTIONS] COMMAND [ARGS]...")
    assert "translate" in done.stdout
    assert list(tmp_path.iterdir()) == []


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"not pinned with ==: {line!r}"
            pins[_canonical(name)] = version
    return pins


def test_constraints_pin_exactly_what_tm_and_its_extras_install() -> None:
    """Walk the requirements of tm[dev,bench] through the installed packages' metadata: every package reached is
    pinned in constraints.txt, and nothing else is (a package not installed here is pinned but not walked)."""
    from packaging.requirements import Requirement

    project = _pyproject()["project"]
    todo = [Requirement(s) for s in project["dependencies"]]
    todo += [Requirement(s) for extra in ("dev", "bench") for s in project["optional-dependencies"][extra]]
    reached: set[str] = {"pip"}  # sqlite-utils requires pip, the installer itself: left unpinned
    while todo:
        req = todo.pop()
        name = _canonical(req.name)
        if name in reached:
            continue
        reached.add(name)
        try:
            dist = metadata.distribution(req.name)
        except metadata.PackageNotFoundError:
            continue
        for spec in dist.requires or []:
            sub = Requirement(spec)
            if sub.marker is None or sub.marker.evaluate({"extra": ""}):
                todo.append(sub)
    pins = _pins()
    reached.discard("pip")
    assert sorted(reached - set(pins)) == []
    assert sorted(set(pins) - reached) == []
    assert pins["torch"] == "2.13.0"


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_install_takes_torch_alone_from_the_cpu_index_first(tmp_path: Path) -> None:
    done = subprocess.run(["make", "-n", "-B", "install", f"VENV={tmp_path / 'venv'}"], capture_output=True,
                          text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    installs = [line for line in done.stdout.splitlines() if "pip install" in line and "pip>=" not in line]
    assert len(installs) == 2, done.stdout
    torch, project = installs
    assert "--index-url https://download.pytorch.org/whl/cpu" in torch
    assert torch.endswith(" torch") and "--no-deps" in torch and "-c constraints.txt" in torch
    assert project.endswith('-c constraints.txt -e ".[dev]"')
    assert list(tmp_path.iterdir()) == []  # -n ran nothing


def test_the_sdist_holds_every_tracked_file(tmp_path: Path) -> None:
    """An unpacked sdist runs `make test` as a clone does: tests/data, tests/conftest.py, constraints.txt…"""
    if _setuptools_major() < 77 or shutil.which("git") is None:
        pytest.skip("needs git and setuptools>=77")
    listed = subprocess.run(["git", "ls-files"], capture_output=True, text=True, cwd=ROOT)
    if listed.returncode != 0:
        pytest.skip("not a git checkout")
    tracked = {name for name in listed.stdout.splitlines() if (ROOT / name).is_file()} | {"MANIFEST.in"}
    src = tmp_path / "src"
    for name in tracked:
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, src / name)
    (src / "bench" / "out").mkdir(exist_ok=True)
    (src / "bench" / "out" / "run.json").write_text("{}", encoding="utf-8")  # benchmark output stays out
    done = subprocess.run(
        [sys.executable, "-c", f"from setuptools import build_meta; build_meta.build_sdist({str(tmp_path)!r})"],
        capture_output=True, text=True, cwd=src, timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    (sdist,) = tmp_path.glob("tm-*.tar.gz")
    with tarfile.open(sdist) as tf:
        names = {m.name.split("/", 1)[1] for m in tf.getmembers() if m.isfile()}
    assert sorted(tracked - {".gitignore"} - names) == []
    assert not [n for n in names if n.startswith("bench/out/") or "__pycache__" in n]


def test_the_readme_names_the_whole_public_api() -> None:
    import tm

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Python API"):text.index("```python", text.index("## Python API"))]
    listed = set(re.findall(r"`(\w+)`", section[section.index("gives"):]))
    assert listed == set(tm.__all__)
