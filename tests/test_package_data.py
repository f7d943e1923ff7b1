"""The shipped data is package data: a wheel built from this checkout carries it, and a copy
installed from that wheel (not editable) loads it, run from another folder.

The wheel is built from a copy of the sources in a temporary folder, so that the build's
`build/` and `*.egg-info` never land in the checkout. Building and installing take a few
seconds (pip's build isolation finds setuptools in the configured package index).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tinygrad_ann" / "data"
# What load_digits and load_names read, and the file that keeps their sources and licences.
DATA_FILES = ["digits.csv.gz", "names.txt.gz", "SOURCES.md"]


def run(command: list[str], cwd: Path) -> subprocess.CompletedProcess:
    """Run `command` in `cwd` with none of this process's PYTHONPATH; fail with its output."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel `python -m pip wheel . --no-deps` builds from (a copy of) this checkout."""
    if subprocess.run([sys.executable, "-m", "pip", "--version"], capture_output=True).returncode != 0:
        pytest.skip("pip is not available to this Python")
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, source / name)
    shutil.copytree(
        ROOT / "tinygrad_ann", source / "tinygrad_ann", ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
    )
    out = tmp_path_factory.mktemp("wheelhouse")
    run([sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "-w", str(out)], cwd=source)
    wheels = list(out.glob("tinygrad_ann-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder the wheel is installed into (`pip install --target`): no editable link to the checkout."""
    target = tmp_path_factory.mktemp("installed")
    run([sys.executable, "-m", "pip", "install", "--no-deps", "--target", str(target), str(wheel)], cwd=target)
    return target


def test_every_shipped_data_file_is_in_the_checkout():
    shipped = sorted(p.name for p in DATA.iterdir() if not p.name.startswith("."))
    assert shipped == sorted(DATA_FILES)


def test_the_wheel_holds_the_data_files_byte_for_byte(wheel: Path):
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        for name in DATA_FILES:
            member = f"tinygrad_ann/data/{name}"
            assert member in names, f"{member} is not in {wheel.name}"
            assert zf.read(member) == (DATA / name).read_bytes(), member


def test_the_wheel_holds_the_datasets_package(wheel: Path):
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
    for module in ("__init__", "common", "toy", "images", "text"):
        assert f"tinygrad_ann/datasets/{module}.py" in names


def test_an_installed_wheel_loads_the_digits_and_the_names_from_another_folder(
    installed: Path, tmp_path: Path
):
    code = (
        f"import sys; sys.path.insert(0, {str(installed)!r}); "
        "import json, tinygrad_ann, tinygrad_ann.datasets as d; "
        "from tinygrad_ann.datasets import load_digits, load_names; "
        "X, y = load_digits(); names = load_names(); "
        "print(json.dumps({'library': tinygrad_ann.__file__, 'datasets': d.__file__, "
        "'images': len(X), 'shape': [len(X[0]), len(X[0][0]), len(X[0][0][0])], 'labels': sorted(set(y)), "
        "'names': len(names), 'first': names[0]}))"
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = run([sys.executable, "-c", code], cwd=elsewhere)
    report = json.loads(result.stdout.strip().splitlines()[-1])
    # The module came from the installed copy, not from the checkout (nor an editable link to it).
    for key in ("library", "datasets"):
        assert Path(report[key]).resolve().is_relative_to(installed.resolve()), report[key]
        assert not Path(report[key]).resolve().is_relative_to(ROOT), report[key]
    assert report["images"] == 1797 and report["shape"] == [1, 8, 8]
    assert report["labels"] == list(range(10))
    assert report["names"] == 32033 and report["first"] == "emma"
