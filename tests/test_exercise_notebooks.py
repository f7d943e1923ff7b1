"""The exercise notebooks: solutions pass every checker, untouched student versions say 'not done yet'.

Also `grade_notebook`, `python -m tinygrad_ann.exercises` and `tinygrad-ann grade`, which teachers
use to check submitted notebooks (their behaviour in detail: tests/test_grading.py).
"""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tinygrad_ann.exercises import grade_notebook, make_student_version
from tinygrad_ann.exercises.grading import METADATA_KEY, exercises_in

pytest.importorskip("nbclient")
pytest.importorskip("nbformat")

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
NAMES = sorted(p.name for p in (NOTEBOOKS / "solutions").glob("*.ipynb"))


def _checks_in(path):
    """The exercise names the notebook's source checks, in order, each once (read from the source)."""
    names = []
    for cell in json.loads(path.read_text())["cells"]:
        if cell["cell_type"] == "code":
            for name in re.findall(r"""check\(['"](\w+)['"]""", "".join(cell["source"])):
                if name not in names:
                    names.append(name)
    return names


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
def test_student_version_holds_no_solution_text(name):
    text = (NOTEBOOKS / "exercises" / name).read_text()
    assert "SOLUTION" not in text.upper()
    assert '"outputs": []' in text and '"image/svg+xml"' not in text


@pytest.mark.parametrize("name", NAMES)
def test_each_handout_lists_the_exercises_its_solution_checks(name):
    handout = json.loads((NOTEBOOKS / "exercises" / name).read_text())
    assert handout["metadata"][METADATA_KEY] == {"exercises": _checks_in(NOTEBOOKS / "solutions" / name)}
    assert exercises_in(NOTEBOOKS / "solutions" / name) == _checks_in(NOTEBOOKS / "solutions" / name)


@pytest.mark.parametrize("name", NAMES)
def test_every_solution_passes_its_checker(name):
    path = NOTEBOOKS / "solutions" / name
    grade = grade_notebook(path, timeout=300)
    assert [r.exercise for r in grade] == _checks_in(path)
    assert all(r.passed and r.message.startswith("✅") for r in grade), grade.report()
    assert not grade.notes and not grade.unassigned, grade.report()


def test_the_custom_op_solution_draws_its_op_under_its_own_name():
    nbclient = pytest.importorskip("nbclient")
    nbformat = pytest.importorskip("nbformat")
    path = NOTEBOOKS / "solutions" / "01_backprop_by_hand.ipynb"
    nb = nbformat.read(path, as_version=4)
    nbclient.NotebookClient(nb, timeout=300, resources={"metadata": {"path": str(path.parent)}}).execute()
    drawings = ["".join(out["data"]["image/svg+xml"]) for cell in nb.cells
                for out in cell.get("outputs", []) if "image/svg+xml" in out.get("data", {})]
    assert any(">swish<" in svg for svg in drawings)


@pytest.mark.parametrize("name", NAMES)
def test_untouched_student_notebook_runs_and_says_not_done_yet(name):
    grade = grade_notebook(NOTEBOOKS / "exercises" / name)  # its exercises: the list in its metadata
    assert [r.exercise for r in grade] == _checks_in(NOTEBOOKS / "solutions" / name)
    assert all(r.message.startswith(f"⏳ {r.exercise}: not done yet") for r in grade), grade.report()
    assert grade.passed == 0 and not grade.notes


SUBMISSION = {
    "cells": [
        {"cell_type": "code", "id": "cell1", "metadata": {}, "execution_count": None, "outputs": [],
         "source": "from tinygrad_ann.exercises import check"},
        {"cell_type": "code", "id": "cell2", "metadata": {}, "execution_count": None, "outputs": [],
         "source": "check('mse', lambda preds, targets: sum((p - t) ** 2 for p, t in zip(preds, targets)) / len(preds))"},
        {"cell_type": "code", "id": "cell3", "metadata": {}, "execution_count": None, "outputs": [],
         "source": "check('sgd_step', lambda params, lr: None)"},
        {"cell_type": "code", "id": "cell4", "metadata": {}, "execution_count": None, "outputs": [],
         "source": "1 / 0"},
        {"cell_type": "code", "id": "cell5", "metadata": {}, "execution_count": None, "outputs": [],
         "source": "def spin(root):\n    while True:\n        pass\n\ncheck('topological_sort', spin, time_limit=1)"},
    ],
    "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                 METADATA_KEY: {"exercises": ["mse", "sgd_step", "topological_sort"]}},
    "nbformat": 4, "nbformat_minor": 5,
}


@pytest.fixture
def submission(tmp_path):
    path = tmp_path / "ada.ipynb"
    path.write_text(json.dumps(SUBMISSION))
    return path


def test_grade_notebook_gives_each_assigned_check_and_each_failing_cell(submission):
    before = submission.read_text()
    grade = grade_notebook(submission)
    assert [(r.exercise, r.passed) for r in grade] == [("mse", True), ("sgd_step", False), ("topological_sort", False)]
    assert grade.notes == ["cell [4], line 1: ZeroDivisionError: division by zero (`1 / 0`)"]
    # check()'s own time limit works inside a Jupyter kernel too, and points at the student's line
    assert grade.results[2].message.startswith("❌ topological_sort: stopped — your code took more than 1 s")
    assert "while running your line `" in grade.results[2].message
    assert submission.read_text() == before  # the submission is left as it was


def test_python_m_exercises_prints_the_same_as_tinygrad_ann_grade(submission):
    python_m = subprocess.run([sys.executable, "-m", "tinygrad_ann.exercises", str(submission), "--timeout", "120"],
                              capture_output=True, text=True, timeout=300)
    assert python_m.returncode == 0, python_m.stderr
    lines = python_m.stdout.splitlines()
    assert lines[0] == f"{submission}: 1 of 3 passed"
    assert lines[1].startswith("  ✅ mse: passed") and lines[2].startswith("  ❌ sgd_step: ")
    assert lines[4] == "  ⚠ cell [4], line 1: ZeroDivisionError: division by zero (`1 / 0`)"
    grade = subprocess.run([sys.executable, "-m", "tinygrad_ann", "grade", str(submission), "--timeout", "120"],
                           capture_output=True, text=True, timeout=300)
    assert grade.returncode == 0, grade.stderr
    assert grade.stdout == python_m.stdout
