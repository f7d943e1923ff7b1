"""Grading submitted notebooks: `tinygrad-ann grade`, `grade_notebook`, `exercises_in`, and the
results channel between `check()` and the grader.

Real notebooks run in real kernels. Kernels are slow to start, so each fixture grades a
few notebooks once and the tests read what came out.
"""

import json
import os
import stat
import subprocess
import sys
import time

import pytest

from tinygrad_ann.cli import main
from tinygrad_ann.exercises import EXERCISES, CheckResult, grade_notebook
from tinygrad_ann.exercises.grading import METADATA_KEY, Grade, exercises_in
from tinygrad_ann.exercises.recording import (
    KEY_VARIABLE,
    RESULTS_VARIABLE,
    checker_name,
    new_channel,
    read_results,
    record_result,
    write_result,
)

pytest.importorskip("nbclient")
pytest.importorskip("nbformat")

IMPORTS = "import os\nfrom tinygrad_ann.exercises import check, exercise"
MSE = "def mse(preds, targets):\n    return sum((p - t) ** 2 for p, t in zip(preds, targets)) / len(preds)\n"
BAD_MSE = "def bad_mse(preds, targets):\n    return preds[0]\n"
CHAIN_RULE = "{'x': 20.0, 'y': 12.0, 'z': 6.0, 's': 12.0, 't': 3.0}"


def notebook(*cells, exercises=None, kernel="python3"):
    """A notebook (as JSON) of code cells; a cell given as ('markdown', text) is a markdown cell."""
    made = []
    for i, cell in enumerate(cells):
        kind, source = cell if isinstance(cell, tuple) else ("code", cell)
        entry = {"cell_type": kind, "id": f"cell{i}", "metadata": {}, "source": source}
        if kind == "code":
            entry.update(execution_count=None, outputs=[])
        made.append(entry)
    metadata = {"kernelspec": {"name": kernel, "display_name": kernel, "language": "python"}}
    if exercises is not None:
        metadata[METADATA_KEY] = {"exercises": exercises}
    return {"cells": made, "metadata": metadata, "nbformat": 4, "nbformat_minor": 5}


def write(path, nb):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb) if not isinstance(nb, str) else nb, encoding="utf-8")
    return path


def snapshot(folder):
    """Every file, folder and link under `folder`: its kind, bytes or target, and times."""
    found = {}
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = os.path.join(root, name)
            st = os.lstat(path)
            if os.path.islink(path):
                content = ("link", os.readlink(path))
            elif os.path.isdir(path):
                content = ("folder",)
            elif stat.S_ISFIFO(st.st_mode):
                content = ("fifo",)
            else:
                with open(path, "rb") as f:
                    content = ("file", f.read())
            found[os.path.relpath(path, folder)] = (content, st.st_mode, st.st_mtime_ns)
    return found


def report_of(stdout, name):
    """The lines of one notebook's block in the grader's output."""
    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(name) or f"/{name}:" in line)
    block = [lines[start]]
    for line in lines[start + 1:]:
        if not line.startswith("  "):
            break
        block.append(line)
    return block


# -- a classroom: a folder of submissions, some harmful, some broken, graded in one run ------------------

VANDAL = (
    "import glob, os, shutil\n"
    "for path in glob.glob('*') + glob.glob('.*'):\n"
    "    if os.path.isdir(path) and not os.path.islink(path):\n"
    "        shutil.rmtree(path)\n"
    "    else:\n"
    "        os.remove(path)\n"
    "open('planted.txt', 'w').write('x')\n"
    "open('../next_to_the_folder.txt', 'w').write('x')"
)
WRITER = (
    "import os\n"
    "open('results.txt', 'w').write('written by the notebook')\n"
    "open('data.csv', 'a').write('9,9\\n')\n"
    "open('linked.csv', 'w').write('overwritten through a link')\n"
    "open('c_writer.ipynb', 'w').write('garbage')\n"
    "os.makedirs('made/here', exist_ok=True)\n"
    "os.rename('data.csv', 'moved.csv')"
)
READER = (
    "assert open('data.csv').read() == '1,2\\n', open('data.csv').read()\n"
    "assert open('sub/inner.txt').read() == 'inside'\n"
    "assert open('linked.csv').read() == 'outside data'\n"
    "others = sorted(n for n in os.listdir('.') if n.endswith('.ipynb') and n != 'b_reader.ipynb')\n"
    "assert not others, others\n"
    "assert not os.path.exists('folder_link')\n"
    "check('mse', mse)"
)
PROBE = (
    "import tinygrad_ann.exercises\n"
    "raise RuntimeError(f\"cwd={os.getcwd()} PWD={os.environ.get('PWD')} OLDPWD={os.environ.get('OLDPWD')} \"\n"
    "                   f\"vars={sorted(k for k in os.environ if k.startswith('TINYGRAD_ANN'))}\")"
)
CLASSROOM = {
    "a_vandal.ipynb": notebook(IMPORTS, VANDAL, MSE + "check('mse', mse)", exercises=["mse"]),
    "b_reader.ipynb": notebook(IMPORTS, MSE + READER, exercises=["mse"]),
    "c_writer.ipynb": notebook(IMPORTS, WRITER, MSE + "check('mse', mse)", exercises=["mse"]),
    "d_kernel.ipynb": notebook(IMPORTS, MSE + "check('mse', mse)", exercises=["mse"], kernel="no-such-kernel-here"),
    "e_dies.ipynb": notebook(IMPORTS, MSE + "check('mse', mse)", "os._exit(1)", "check('mse', mse)",
                             exercises=["mse"]),
    "f_list.ipynb": "[1, 2, 3]",
    "g_schema.ipynb": json.dumps({"cells": [{"cell_type": "code", "source": 5}], "metadata": {},
                                  "nbformat": 4, "nbformat_minor": 5}),
    "h_text.ipynb": "this is not JSON at all",
    "i_probe.ipynb": notebook(IMPORTS, PROBE),
}


@pytest.fixture(scope="module")
def classroom(tmp_path_factory):
    root = tmp_path_factory.mktemp("classroom")
    folder = root / "submissions"
    for name, nb in CLASSROOM.items():
        write(folder / name, nb)
    write(folder / "data.csv", "1,2\n")
    write(folder / "sub" / "inner.txt", "inside")
    write(folder / ".hidden", "hidden")
    if hasattr(os, "mkfifo"):
        os.mkfifo(folder / "pipe")  # copying it would wait forever for a writer
    write(root / "outside" / "target.csv", "outside data")
    (folder / "linked.csv").symlink_to(root / "outside" / "target.csv")
    (folder / "folder_link").symlink_to(root / "outside", target_is_directory=True)
    before = {"submissions": snapshot(folder), "outside": snapshot(root / "outside")}
    paths = [str(folder / name) for name in CLASSROOM]
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "tinygrad_ann", "grade", *paths, "--timeout", "60"],
                          capture_output=True, text=True, timeout=600, cwd=root)
    return {"root": root, "folder": folder, "before": before, "done": done, "seconds": time.monotonic() - start}


def test_grading_writes_moves_and_deletes_nothing_in_the_submissions_folder(classroom):
    root = classroom["root"]
    assert snapshot(classroom["folder"]) == classroom["before"]["submissions"]
    assert snapshot(root / "outside") == classroom["before"]["outside"]  # not through links either
    assert sorted(p.name for p in root.iterdir()) == ["outside", "submissions"]


def test_the_notebook_after_one_that_deletes_its_neighbours_still_finds_its_data(classroom):
    assert report_of(classroom["done"].stdout, "a_vandal.ipynb") == [
        f"{classroom['folder'] / 'a_vandal.ipynb'}: 1 of 1 passed",
        "  ✅ mse: passed — the loss and its gradients are right on three batches."]
    # relative data files, subfolders and linked files are in the copy; other notebooks are not
    assert report_of(classroom["done"].stdout, "b_reader.ipynb")[0].endswith("b_reader.ipynb: 1 of 1 passed")
    assert len(report_of(classroom["done"].stdout, "b_reader.ipynb")) == 2


def test_a_notebook_that_writes_files_is_graded_and_its_files_go_nowhere(classroom):
    assert report_of(classroom["done"].stdout, "c_writer.ipynb")[0].endswith("c_writer.ipynb: 1 of 1 passed")


def test_a_saved_kernel_name_that_does_not_exist_here_runs_in_this_python(classroom):
    assert report_of(classroom["done"].stdout, "d_kernel.ipynb")[0].endswith("d_kernel.ipynb: 1 of 1 passed")


def test_a_kernel_that_dies_is_one_line_and_the_others_are_graded(classroom):
    (line,) = report_of(classroom["done"].stdout, "e_dies.ipynb")
    assert line == (f"{classroom['folder'] / 'e_dies.ipynb'}: could not run it: its kernel died in cell [3] "
                    "(the notebook's code ended Python, e.g. with os._exit(), or crashed it, or ran out of memory)")


@pytest.mark.parametrize("name, why", [
    ("f_list.ipynb", "not a notebook: it holds a JSON list, not a notebook's fields"),
    ("g_schema.ipynb", "not a valid notebook: "),
    ("h_text.ipynb", "not a notebook: it is not JSON (Expecting value: line 1 column 1 (char 0))"),
])
def test_a_file_that_is_not_a_notebook_is_one_line(classroom, name, why):
    (line,) = report_of(classroom["done"].stdout, name)
    assert line.startswith(f"{classroom['folder'] / name}: could not run it: {why}")


def test_the_exit_code_says_some_notebooks_could_not_be_run(classroom):
    done = classroom["done"]
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines()[-1] == "graded 5 of 9 notebooks; 4 could not be run"
    assert "Traceback" not in done.stdout + done.stderr


def test_the_kernel_runs_in_the_copy_and_sees_neither_the_teachers_folder_nor_the_channel(classroom):
    (_, note) = report_of(classroom["done"].stdout, "i_probe.ipynb")[-2:]
    fields = dict(part.split("=", 1) for part in note.split("RuntimeError: ", 1)[1].split(" (`")[0].split(" ", 3))
    assert fields["cwd"] == fields["PWD"] and fields["cwd"].endswith(os.sep + "submissions")
    assert not fields["cwd"].startswith(str(classroom["root"]))
    assert fields["OLDPWD"] == "None"
    assert fields["vars"] == "[]"  # taken out of os.environ once tinygrad_ann.exercises is imported


def test_without_a_handout_the_teacher_is_told_where_the_exercises_come_from(classroom):
    assert "give --handout SOLUTION.ipynb" in classroom["done"].stderr


def test_a_folder_too_large_to_copy_is_one_line_and_other_notebooks_do_not_count_toward_it(tmp_path, monkeypatch):
    from tinygrad_ann.exercises import running

    path = write(tmp_path / "ada.ipynb", notebook("x = 1"))
    write(tmp_path / "bob.ipynb", "x" * 5000)  # other notebooks are not copied
    monkeypatch.setattr(running, "COPY_LIMIT", 1000)
    assert running._copy_size(str(tmp_path), os.path.normcase(str(path)), 1000) < 1000
    write(tmp_path / "data.bin", "x" * 5000)
    assert grade_notebook(path).report() == (
        f"{path}: could not run it: its folder holds more than 1000 bytes of files besides notebooks, and a copy of it "
        "is made for each notebook: put the submissions in a folder of their own")


def test_the_exit_code_is_zero_when_every_notebook_was_graded_even_with_failures(tmp_path, capsys):
    path = write(tmp_path / "ada.ipynb", notebook(IMPORTS, BAD_MSE + "check('mse', bad_mse)", exercises=["mse"]))
    assert main(["grade", str(path), "--timeout", "60"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{path}: 0 of 1 passed\n  ❌ mse: ")


# -- time: the kernel is killed at the limit, whatever the code does ---------------------------------------

SWALLOW = (
    "import time\n"
    "def spin(root):\n"
    "    while True:\n"
    "        try:\n"
    "            time.sleep(0.01)\n"
    "        except KeyboardInterrupt:\n"
    "            pass\n"
    "check('topological_sort', spin, time_limit=0)"
)


def test_a_loop_that_swallows_keyboard_interrupt_is_killed_at_the_timeout(tmp_path, capsys):
    path = write(tmp_path / "spin.ipynb", notebook(
        IMPORTS, MSE + "check('mse', mse)", SWALLOW, "check('sgd_step', None)",
        exercises=["mse", "topological_sort", "sgd_step"]))
    start = time.monotonic()
    assert main(["grade", str(path), "--timeout", "3"]) == 0
    assert time.monotonic() - start < 3 + 30  # kernel start and kill included
    out = capsys.readouterr().out
    assert out.splitlines() == [
        f"{path}: 1 of 3 passed",
        "  ✅ mse: passed — the loss and its gradients are right on three batches.",  # checked before: kept
        "  ⏳ topological_sort: its check never finished: the notebook ran out of time in cell [3], which checks it",
        "  ⏳ sgd_step: its check never ran: the notebook ran out of time before its cell",
        "  ⚠ ran out of time: its cells may take 3 s altogether, and cell [3] (the cell that checks "
        "topological_sort) was still running; its kernel was killed there, so the cells after it did not run",
    ]
    assert "interrupted" not in out


def test_a_top_level_loop_that_swallows_keyboard_interrupt_is_killed_too(tmp_path):
    loop = "while True:\n    try:\n        pass\n    except KeyboardInterrupt:\n        pass"
    path = write(tmp_path / "loop.ipynb", notebook(IMPORTS, loop, "check('mse', None)", exercises=["mse"]))
    start = time.monotonic()
    grade = grade_notebook(path, timeout=2)
    assert time.monotonic() - start < 2 + 30
    assert grade.error is None and grade.notes[0].startswith("ran out of time: its cells may take 2 s altogether, "
                                                              "and cell [2] was still running")


# -- the results channel: what check() reports counts, printed lines do not ---------------------------------

CHANNEL_CELLS = (
    IMPORTS + "\nfrom tinygrad_ann.exercises import CheckResult",
    MSE + "r = check('mse', mse)\nprint('after the check')",
    "assert isinstance(r, CheckResult) and r.passed and str(r).startswith('✅ mse: passed')",  # unchanged for students
    "for _ in range(2):\n    check('sgd_step', lambda params, lr: None)",
    f"def later():\n    return check('chain_rule', lambda: {CHAIN_RULE})\nresult = later()\nx = 1",
    "print('✅ neuron_forward: passed — trust me')\nCheckResult('neuron_forward', True, '✅ neuron_forward: passed')",
    "check('tanh_backward', lambda out: None)",
    "def tanh_backward(out):\n    x = out._prev[0]\n    x.grad += (1 - out.data ** 2) * out.grad\n"
    "check('tanh_backward', tanh_backward)",
    "def pow_backward(out, n):\n    out._prev[0].grad += n * out._prev[0].data ** (n - 1) * out.grad\n"
    "check('pow_backward', pow_backward)",
    "check('pow_backward', lambda out, n: None)",
    "exercise('mul_backward', 'anything goes')(lambda answer: 'fine')\ncheck('mul_backward', None)",
    "check('topological_sort', lambda root: [root])",
)
ASSIGNED = ["mse", "sgd_step", "chain_rule", "neuron_forward", "tanh_backward", "pow_backward", "mul_backward",
            "custom_op"]


@pytest.fixture(scope="module")
def channel_grade(tmp_path_factory):
    path = write(tmp_path_factory.mktemp("channel") / "ada.ipynb", notebook(*CHANNEL_CELLS))
    return grade_notebook(path, timeout=120, assigned=ASSIGNED)


def _result(grade, name):
    return next(r for r in grade.results if r.exercise == name)


def test_totals_count_each_assigned_exercise_once(channel_grade):
    assert [r.exercise for r in channel_grade] == ASSIGNED
    assert channel_grade.passed == 3  # mse, chain_rule, tanh_backward
    assert channel_grade.report().splitlines()[0].endswith("ada.ipynb: 3 of 8 passed")


def test_a_check_counts_wherever_it_stands_in_a_cell(channel_grade):
    assert _result(channel_grade, "mse").passed  # `r = check(...)` then a print
    assert _result(channel_grade, "chain_rule").passed  # inside a function, not the cell's last line
    assert _result(channel_grade, "sgd_step").message.startswith("❌ sgd_step: ")  # in a loop, counted once


def test_check_returns_and_shows_the_same_while_graded(channel_grade):
    assert not channel_grade.notes  # the cell asserting on check()'s result passed


def test_printed_or_displayed_check_lines_do_not_count(channel_grade):
    assert _result(channel_grade, "neuron_forward").message == (
        "⏳ neuron_forward: its check never ran: no cell of the notebook checks it (was its cell deleted, "
        "or changed?)")


def test_each_exercise_counts_by_its_last_check(channel_grade):
    assert _result(channel_grade, "tanh_backward").passed  # failed first, then passed
    assert not _result(channel_grade, "pow_backward").passed  # passed first, then failed


def test_a_built_in_checker_replaced_in_the_notebook_does_not_count(channel_grade):
    assert _result(channel_grade, "mul_backward").message == (
        "❌ mul_backward: not counted: the notebook replaced its checker (with __main__.<lambda>)")


def test_an_assigned_exercise_with_no_cell_is_reported_as_never_run(channel_grade):
    assert _result(channel_grade, "custom_op").message.startswith("⏳ custom_op: its check never ran: no cell")
    assert channel_grade.never_ran == ["neuron_forward", "custom_op"]


def test_checks_that_were_not_assigned_are_shown_but_not_counted(channel_grade):
    assert [r.exercise for r in channel_grade.unassigned] == ["topological_sort"]
    assert channel_grade.report().splitlines()[-1] == (
        "  also checked, not assigned (not counted): topological_sort (not passed)")


def test_the_channel_keeps_only_lines_that_carry_its_secret(tmp_path):
    channel = new_channel(str(tmp_path))
    write_result(channel.path, channel.key, CheckResult("mse", False, "❌ mse: no"), "m.check_mse")
    with open(channel.path, "a", encoding="utf-8") as f:
        f.write(json.dumps({"key": "guess", "exercise": "mse", "passed": True, "message": "✅", "checker": "c"}) + "\n")
        f.write("✅ mse: passed\n")
        f.write(json.dumps({"key": channel.key, "exercise": "mse", "passed": "yes", "message": "✅",
                            "checker": "c"}) + "\n")
    assert [(r.exercise, r.passed) for r in read_results(channel)] == [("mse", False)]


def test_check_records_nothing_outside_grading(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    record_result(CheckResult("mse", True, "✅ mse: passed"), print)
    assert list(tmp_path.iterdir()) == []


def test_check_writes_to_the_channel_and_hides_it_from_the_environment(tmp_path):
    channel = new_channel(str(tmp_path))
    code = ("import os\nfrom tinygrad_ann.exercises import check\n"
            "print(sorted(k for k in os.environ if k.startswith('TINYGRAD_ANN')))\n"
            "check('mse', lambda p, t: 0.0)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **channel.environment})
    assert done.stdout.strip() == "[]", done.stderr
    (recorded,) = read_results(channel)
    assert recorded.exercise == "mse" and not recorded.passed
    assert recorded.checker == checker_name(EXERCISES["mse"].checker)  # which checker ran
    assert set(channel.environment) == {RESULTS_VARIABLE, KEY_VARIABLE}


# -- messages a teacher can act on -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def broken_cells(tmp_path_factory):
    folder = tmp_path_factory.mktemp("broken")
    numbered = write(folder / "numbered.ipynb", notebook(
        IMPORTS, ("markdown", "## 1. MSE"), "", "x = 1",
        "y = 2\nz = 1 / 0",
        "def mse(preds, targets):\n    return (preds - targets ** 2\n\ncheck('mse', mse)",
        "check('sgd_step', sgd)",
        exercises=["mse", "sgd_step"]))
    first = write(folder / "first.ipynb", notebook(
        "import math\nfrom tinygrad_annn.exercises import check", MSE + "check('mse', mse)",
        "check('sgd_step', None)", exercises=["mse", "sgd_step"]))
    return {"numbered": grade_notebook(numbered, timeout=60), "first": grade_notebook(first, timeout=60)}


def test_an_error_outside_a_check_names_the_cell_as_jupyter_numbers_it_and_the_line(broken_cells):
    # markdown and empty cells get no number, as after Restart & Run All
    assert broken_cells["numbered"].notes[0] == (
        "cell [3], line 2: ZeroDivisionError: division by zero (`z = 1 / 0`)")


def test_a_syntax_error_names_the_exercise_cell_and_the_line(broken_cells):
    grade = broken_cells["numbered"]
    assert grade.notes[1] == ("cell [4], line 2 (the cell that checks mse): SyntaxError: '(' was never closed "
                              "(`return (preds - targets ** 2`); none of the cell ran")
    assert grade.results[0].message == "⏳ mse: its check never ran: cell [4] has a SyntaxError, so none of it ran"


def test_an_error_in_an_exercise_cell_says_why_its_check_never_ran(broken_cells):
    grade = broken_cells["numbered"]
    assert grade.results[1].message == "⏳ sgd_step: its check never ran: cell [5] raised NameError before it"
    assert grade.notes[2] == ("cell [5], line 1 (the cell that checks sgd_step): NameError: name 'sgd' is not "
                              "defined (`check('sgd_step', sgd)`)")


def test_a_failed_first_cell_is_one_line_and_nothing_after_it_runs(broken_cells):
    lines = broken_cells["first"].report().splitlines()
    assert lines[1:] == [
        "  ⚠ cell [1], line 2 (the first cell): ModuleNotFoundError: No module named 'tinygrad_annn' "
        "(`from tinygrad_annn.exercises import check`). Nothing after it could run, so none of the "
        "2 exercises was checked"]
    assert lines[0].endswith("first.ipynb: 0 of 2 passed")
    assert "NameError" not in broken_cells["first"].report()


# -- which exercises were assigned --------------------------------------------------------------------------


def test_the_handout_decides_what_counts_not_the_submitted_notebooks_own_list(tmp_path, capsys):
    handout = write(tmp_path / "solution.ipynb", notebook(
        IMPORTS, MSE + "check('mse', mse)", "check('sgd_step', sgd_step)"))
    # the student deleted the sgd_step cell and the exercise from the notebook's list
    path = write(tmp_path / "submitted" / "ada.ipynb", notebook(IMPORTS, MSE + "check('mse', mse)",
                                                                exercises=["mse"]))
    assert main(["grade", str(path), "--handout", str(handout), "--timeout", "60"]) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [
        f"{path}: 1 of 2 passed",
        "  ✅ mse: passed — the loss and its gradients are right on three batches.",
        "  ⏳ sgd_step: its check never ran: no cell of the notebook checks it (was its cell deleted, or changed?)",
        "  ⚠ its own list of exercises (mse) is not the handout's; the handout's is counted",
    ]
    assert "--handout" not in captured.err


def test_exercises_in_reads_the_metadata_first():
    nb = notebook("check('mse', mse)", exercises=["sgd_step", "mse", "sgd_step"])
    assert exercises_in(nb) == ["sgd_step", "mse"]


def test_exercises_in_finds_each_literal_check_call_in_order_once():
    nb = notebook(
        "%matplotlib inline\nr = check('mse', mse)  # check('in_a_comment', x)\nprint(\"check('in_a_string', x)\")",
        ("markdown", "check('in_markdown', x)"),
        "import tinygrad_ann.exercises as ex\nfor _ in range(3):\n    ex.check(name='sgd_step', answer=f)\n"
        "check('mse', mse)",
        "def broken(:\n    check('chain_rule', x)",  # a cell that does not parse is read as text
    )
    assert exercises_in(nb) == ["mse", "sgd_step", "chain_rule"]


def test_exercises_in_reads_a_path(tmp_path):
    path = write(tmp_path / "s.ipynb", notebook("check('mse', mse)"))
    assert exercises_in(path) == exercises_in(str(path)) == ["mse"]


@pytest.mark.parametrize("notebook_argument, error, message", [
    (3, TypeError, "exercises_in: notebook must be a notebook (its path, or the notebook read as a dict), got 3 (int)"),
    (notebook(exercises="mse"), ValueError, 'exercises_in: its metadata "tinygrad_ann": {"exercises": [...]} must '
                                             "be a list of exercise names, got 'mse'"),
    (notebook(exercises=["mse", 3]), ValueError, "exercises_in: its metadata"),
])
def test_exercises_in_arguments_are_checked(notebook_argument, error, message):
    with pytest.raises(error) as info:
        exercises_in(notebook_argument)
    assert str(info.value).startswith(message)


def test_exercises_in_a_file_that_is_not_a_notebook_is_a_value_error_naming_it(tmp_path):
    path = write(tmp_path / "list.ipynb", "[1]")
    with pytest.raises(ValueError, match=rf"^exercises_in: {path}: not a notebook: it holds a JSON list"):
        exercises_in(path)


# -- arguments: a clear error naming the command and the value ------------------------------------------------


@pytest.mark.parametrize("make_argv, message", [
    (lambda t: [str(t / "missing.ipynb")], "{t}/missing.ipynb: no such file"),
    (lambda t: [str(t / "nothing" / "*.ipynb")], "{t}/nothing/*.ipynb: no such file (no file matched this pattern)"),
    (lambda t: [str(t)], "{t}: is a folder; give the notebooks in it, e.g. {t}/*.ipynb"),
    (lambda t: [str(t / "ok.ipynb"), "--timeout", "0"], "argument --timeout: must be a positive number of seconds, got '0'"),
    (lambda t: [str(t / "ok.ipynb"), "--timeout", "-5"], "argument --timeout: must be a positive number of seconds, got '-5'"),
    (lambda t: [str(t / "ok.ipynb"), "--timeout", "soon"], "argument --timeout: must be a positive number of seconds, got 'soon'"),
    (lambda t: [str(t / "ok.ipynb"), "--timeout", "inf"], "argument --timeout: must be a positive number of seconds, got 'inf'"),
    (lambda t: [str(t / "ok.ipynb"), "--timeout", "nan"], "argument --timeout: must be a positive number of seconds, got 'nan'"),
    (lambda t: [str(t / "ok.ipynb"), "--handout", str(t / "gone.ipynb")], "--handout {t}/gone.ipynb: No such file or directory"),
    (lambda t: [str(t / "ok.ipynb"), "--handout", str(t)], "--handout {t}: is a folder; give the solution notebook"),
    (lambda t: [str(t / "ok.ipynb"), "--handout", str(t / "ok.ipynb")], "--handout {t}/ok.ipynb: it declares no exercises"),
    (lambda t: [str(t / "ok.ipynb"), "--handout", str(t / "list.ipynb")], "--handout {t}/list.ipynb: not a notebook: it holds a JSON list"),
])
def test_bad_command_lines_are_one_clear_error_before_anything_runs(tmp_path, capsys, make_argv, message):
    write(tmp_path / "ok.ipynb", notebook("x = 1"))
    write(tmp_path / "list.ipynb", "[1]")
    with pytest.raises(SystemExit) as e:
        main(["grade", *make_argv(tmp_path)])
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert f"tinygrad-ann grade: error: {message.format(t=tmp_path)}" in err
    assert "Traceback" not in err


def test_python_m_exercises_checks_its_arguments_the_same_way(tmp_path, capsys):
    from tinygrad_ann.exercises.notebooks import main as python_m_main

    with pytest.raises(SystemExit):
        python_m_main([str(tmp_path / "missing.ipynb")])
    assert f"python -m tinygrad_ann.exercises: error: {tmp_path}/missing.ipynb: no such file" in capsys.readouterr().err


@pytest.mark.parametrize("kwargs, error, message", [
    ({"path": None}, TypeError, "grade_notebook: path must be a path (a str or os.PathLike), got None"),
    ({"timeout": 0}, ValueError, "grade_notebook: timeout must be a positive number, got 0"),
    ({"timeout": "60"}, TypeError, "grade_notebook: timeout must be a number, got '60' (str)"),
    ({"assigned": "mse"}, TypeError, "grade_notebook: assigned must be a list of exercise names, or None, got 'mse' (str)"),
    ({"assigned": ["mse", 3]}, TypeError, "grade_notebook: assigned must be a list of exercise names, or None"),
])
def test_grade_notebook_arguments_are_checked(tmp_path, kwargs, error, message):
    path = write(tmp_path / "ok.ipynb", notebook("x = 1"))
    with pytest.raises(error) as info:
        grade_notebook(**{"path": path, **kwargs})
    assert str(info.value).startswith(message)


def test_grade_notebook_of_a_missing_file_or_a_folder_says_so(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"^grade_notebook: path must be a notebook file, got .*missing"
                                                r".ipynb' \(there is no such file\)$"):
        grade_notebook(tmp_path / "missing.ipynb")
    with pytest.raises(IsADirectoryError, match=r"^grade_notebook: path must be a notebook file, got .* \(it is a folder\)$"):
        grade_notebook(tmp_path)


def test_a_grade_reads_as_the_list_of_its_results():
    grade = Grade("ada.ipynb", [CheckResult("mse", True, "✅ mse: passed"), CheckResult("sgd_step", False, "❌")])
    assert len(grade) == 2 and [r.exercise for r in grade] == ["mse", "sgd_step"] and grade.passed == 1
