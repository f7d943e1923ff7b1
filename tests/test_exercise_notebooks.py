"""The exercise notebooks: solutions pass every checker, untouched student versions say 'not done yet'."""

import json
from pathlib import Path

import pytest

from tinygrad_ann.exercises import make_student_version

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
NAMES = sorted(p.name for p in (NOTEBOOKS / "solutions").glob("*.ipynb"))


def _run(path):
    """Execute a notebook; return the text of every checker result it displayed."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.read(path, as_version=4)
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}}).execute()
    results = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            text = out.get("data", {}).get("text/plain", "")
            if text[:1] in ("✅", "❌", "⏳"):
                results.append(text)
    return results


def test_there_are_exercise_notebooks_with_student_versions():
    assert NAMES
    assert NAMES == sorted(p.name for p in (NOTEBOOKS / "exercises").glob("*.ipynb"))


@pytest.mark.parametrize("name", NAMES)
def test_student_version_is_the_stripped_solution(name, tmp_path):
    """notebooks/exercises is exactly what make_student_version makes from notebooks/solutions."""
    fresh = tmp_path / name
    make_student_version(NOTEBOOKS / "solutions" / name, fresh)
    assert json.loads(fresh.read_text()) == json.loads((NOTEBOOKS / "exercises" / name).read_text())


@pytest.mark.parametrize("name", NAMES)
def test_every_solution_passes_its_checker(name):
    results = _run(NOTEBOOKS / "solutions" / name)
    assert results, "no checker ran"
    assert all(r.startswith("✅") for r in results), results


@pytest.mark.parametrize("name", NAMES)
def test_untouched_student_notebook_runs_and_says_not_done_yet(name):
    results = _run(NOTEBOOKS / "exercises" / name)
    solution_checks = len(_run_count(NOTEBOOKS / "solutions" / name))
    assert len(results) == solution_checks
    assert all(r.startswith("⏳") and "not done yet" in r for r in results), results


def _run_count(path):
    nb = json.loads(path.read_text())
    return [c for c in nb["cells"] if c["cell_type"] == "code" and "check(" in "".join(c["source"])]
