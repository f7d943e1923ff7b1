"""Grading submitted notebooks: `tinygrad-ann grade NOTEBOOK...` and `grade_notebook`.

Each notebook runs top to bottom (see `running`: in a copy of its folder, in a
fresh kernel of this Python, killed at its time limit), and its `check(...)`
calls report to the grader through a channel of their own (see `recording`),
wherever they stand in a cell. Printed lines are not read.

**What counts.** The exercises a notebook is meant to contain are its handout's:
the teacher's `--handout` notebook (`assigned=` in Python), or else the list
`make_student_version` wrote into the submitted notebook's metadata, or else
the `check('name', ...)` calls in its cells (`exercises_in`). Each counts once,
by the result of its last check; one whose check never ran says why. Other
checks are shown, not counted, and a built-in exercise whose checker the
notebook replaced (with `@exercise`, say) counts as failed.

**Not tamper-proof.** The notebook's code runs as the teacher, with the
teacher's rights: the copy of its folder guards against accidents (a notebook
that tidies its own folder), not against code that goes looking for files by
absolute path. And a student who reads this library can still record a result
of their own making (the channel's secret is in the kernel's memory) or change
what a checker compares against. For marks that count, read the notebooks too,
or use nbgrader in a sandbox.

**The report**, one block per notebook. Code cells are numbered as Jupyter numbers
them after Kernel › Restart & Run All: `cell [5]` is the fifth code cell that
ran (markdown and empty cells get no number):

    submissions/ada.ipynb: 4 of 6 passed
      ✅ chain_rule: passed — all five derivatives are right. ...
      ⏳ mse: its check never ran: cell [7] raised NameError before it
      ⚠ cell [7], line 2 (the cell that checks mse): NameError: name 'msee' is not defined (`msee(p, t)`)
    submissions/bob.ipynb: could not run it: not a notebook: it is not JSON (...)

Example:
    >>> nb = {'cells': [{'cell_type': 'code', 'source': "r = check('mse', mse)\\nprint(r)"}]}
    >>> exercises_in(nb)
    ['mse']
"""

from __future__ import annotations

import argparse
import ast
import json
import math
import os
import re
import sys
import tempfile
from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping, Sequence

from .._checks import command_line, file_path, positive_number, wrong_type
from ._text import plural, short_repr
from .checking import EXERCISES, CheckResult
from .recording import Recorded, checker_name, new_channel, read_results
from .running import CannotRun, CellRun, NotebookRun, run_notebook

__all__ = [
    "METADATA_KEY", "DEFAULT_TIMEOUT", "Grade", "grade_notebook", "exercises_in",
    "add_grade_arguments", "grade_command", "main",
]

#: A notebook's metadata declares its exercises as {"tinygrad_ann": {"exercises": ["mse", ...]}}.
METADATA_KEY = "tinygrad_ann"
#: Seconds each notebook's cells may take altogether, unless told otherwise.
DEFAULT_TIMEOUT = 300.0

_SYNTAX_ERRORS = ("SyntaxError", "IndentationError", "TabError")
_CHECK_CALL = re.compile(r"""\bcheck\(\s*(?:name\s*=\s*)?(['"])(\w+)\1""")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


# ---------------------------------------------------------------------------
# Which exercises a notebook is meant to contain
# ---------------------------------------------------------------------------


def exercises_in(notebook: Mapping[str, Any] | str | os.PathLike[str]) -> list[str]:
    """The exercises a notebook is meant to contain, in order, each once: the list
    in its metadata (`{"tinygrad_ann": {"exercises": [...]}}`, which
    `make_student_version` writes into every handout) if it has one, else the
    exercises its code cells check with `check('name', ...)`.

    `notebook` is a path, or a notebook already read (a dict).

    Example:
        >>> code = {'cell_type': 'code', 'source': "check('mse', mse)  # check('not_this', ...)"}
        >>> exercises_in({'cells': [code]})
        ['mse']
        >>> exercises_in({'cells': [code], 'metadata': {'tinygrad_ann': {'exercises': ['mse', 'sgd_step']}}})
        ['mse', 'sgd_step']
        >>> exercises_in({'cells': [], 'metadata': {'tinygrad_ann': {'exercises': 'mse'}}})
        Traceback (most recent call last):
        ValueError: exercises_in: its metadata "tinygrad_ann": {"exercises": [...]} must be a list of exercise names, got 'mse'
    """
    if isinstance(notebook, (str, os.PathLike)):
        try:
            nb: Mapping[str, Any] = _read_notebook(notebook)
        except CannotRun as e:
            raise ValueError(f"exercises_in: {os.fspath(notebook)}: {e}") from None
    elif isinstance(notebook, Mapping):
        nb = notebook
    else:
        wrong_type("exercises_in", "notebook", "a notebook (its path, or the notebook read as a dict)", notebook)
    try:
        declared = _declared(nb)
    except ValueError as e:
        raise ValueError(f"exercises_in: {e}") from None
    return declared if declared is not None else _checked_in_cells(nb)


def _declared(nb: Mapping[str, Any]) -> list[str] | None:
    """The exercises the notebook's metadata declares, each once; None if it declares none."""
    metadata = nb.get("metadata")
    ours = metadata.get(METADATA_KEY) if isinstance(metadata, Mapping) else None
    if ours is None:
        return None
    names = ours.get("exercises") if isinstance(ours, Mapping) else ours
    if not isinstance(names, list) or not all(isinstance(n, str) and n for n in names):
        raise ValueError(f'its metadata "{METADATA_KEY}": {{"exercises": [...]}} must be a list of exercise '
                         f"names, got {short_repr(names, 60)}")
    return list(dict.fromkeys(names))


def _checked_in_cells(nb: Mapping[str, Any]) -> list[str]:
    """The exercises the code cells check, in order, each once."""
    return list(dict.fromkeys(name for names in _checks_by_cell(nb).values() for name in names))


def _checks_by_cell(nb: Mapping[str, Any]) -> dict[int, list[str]]:
    """For each code cell that checks something (by its index), the exercises it checks."""
    found = {}
    for index, cell in enumerate(nb.get("cells") or []):
        if isinstance(cell, Mapping) and cell.get("cell_type") == "code":
            source = cell.get("source", "")
            names = _checks_in_source(source if isinstance(source, str) else "".join(source))
            if names:
                found[index] = names
    return found


def _checks_in_source(source: str) -> list[str]:
    """The names in `check('name', ...)` calls in a cell's code, in order (comments and strings
    left out where the code parses; IPython's `%magic` and `!shell` lines are skipped)."""
    code = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):  # a cell with a mistake: read it as text
        return list(dict.fromkeys(m.group(2) for m in _CHECK_CALL.finditer(source)))
    calls = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _function_name(node.func) == "check":
            first = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "name"), None)
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                calls.append((node.lineno, node.col_offset, first.value))
    return list(dict.fromkeys(name for _line, _column, name in sorted(calls)))


def _function_name(func: ast.expr) -> str | None:
    """'check' for `check(...)` and for `exercises.check(...)`."""
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else None


def _read_notebook(path: str | os.PathLike[str]) -> Any:
    """The notebook at `path`, read with nbformat (as version 4) and validated. A
    file that is not a notebook raises CannotRun saying why; one that cannot be read, OSError."""
    try:
        import nbformat
    except ImportError:
        raise ImportError("grading notebooks needs nbformat, which comes with Jupyter: "
                          "pip install \"tinygrad-ann[notebooks]\"") from None
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    try:
        content = json.loads(text)
    except ValueError as e:
        raise CannotRun(f"not a notebook: it is not JSON ({e})") from None
    if not isinstance(content, dict):
        raise CannotRun(f"not a notebook: it holds a JSON {type(content).__name__}, not a notebook's fields")
    if not isinstance(content.get("cells"), list) or not isinstance(content.get("nbformat"), int):
        raise CannotRun('not a notebook: it has no "cells" list or no "nbformat" version number')
    try:
        nb = nbformat.reads(text, as_version=4)
        nbformat.validate(nb)
    except Exception as e:  # nbformat's own errors, jsonschema's, and a few plain ones
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise CannotRun(f"not a valid notebook: {first}") from None
    return nb


# ---------------------------------------------------------------------------
# A notebook's grade
# ---------------------------------------------------------------------------


@dataclass
class Grade:
    """What grading a notebook found. Iterating over a Grade gives its `results`.

    - `results`: one CheckResult per assigned exercise, in order: the result of
      its last check, or ⏳ its check never ran (and why);
    - `never_ran`: the assigned exercises whose check never ran;
    - `unassigned`: checks of exercises that were not assigned (not counted);
    - `notes`: for the teacher: cells that failed outside a check, running out
      of time, a first cell that failed;
    - `error`: why the notebook could not be run at all, or None.

    Example:
        >>> grade = Grade('ada.ipynb', [CheckResult('mse', True, '✅ mse: passed — ...')])
        >>> grade.passed, len(grade), [r.exercise for r in grade]
        (1, 1, ['mse'])
        >>> print(grade.report())
        ada.ipynb: 1 of 1 passed
          ✅ mse: passed — ...
        >>> print(Grade('bob.ipynb', error='not a notebook: it is not JSON').report())
        bob.ipynb: could not run it: not a notebook: it is not JSON
    """

    notebook: str
    results: list[CheckResult] = field(default_factory=list)
    never_ran: list[str] = field(default_factory=list)
    unassigned: list[CheckResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    first_cell_failed: bool = False

    @property
    def passed(self) -> int:
        """How many assigned exercises passed."""
        return sum(r.passed for r in self.results)

    def __iter__(self) -> Iterator[CheckResult]:
        return iter(self.results)

    def __len__(self) -> int:
        return len(self.results)

    def report(self) -> str:
        """The lines `tinygrad-ann grade` prints for this notebook (see the example above)."""
        if self.error is not None:
            return f"{self.notebook}: could not run it: {self.error}"
        lines = [f"{self.notebook}: {self.passed} of {len(self.results)} passed"]
        # After a failed first cell its note says it once, rather than a line per exercise.
        lines += [f"  {r.message}" for r in self.results
                  if not (self.first_cell_failed and r.exercise in self.never_ran)]
        lines += [f"  ⚠ {note}" for note in self.notes]
        if self.unassigned:
            checked = ", ".join(f"{r.exercise} ({'passed' if r.passed else 'not passed'})" for r in self.unassigned)
            lines.append(f"  also checked, not assigned (not counted): {checked}")
        return "\n".join(lines)


def grade_notebook(path: str | os.PathLike[str], timeout: float = DEFAULT_TIMEOUT,
                   assigned: Sequence[str] | None = None) -> Grade:
    """Run a submitted notebook top to bottom and grade it; return its `Grade`.

    The notebook runs in a temporary copy of its folder (nothing in its folder is
    changed, whatever its code does), in a fresh kernel of this Python, and its
    cells get `timeout` seconds altogether: then its kernel is killed, and the
    checks that ran still count. `assigned` lists the exercises that count (e.g.
    `exercises_in('solutions/01.ipynb')`); by default the notebook's own list
    (see `exercises_in`), which a student could edit. A notebook that cannot be
    run (not a notebook, a kernel that dies) gives a Grade whose `error` says why.

    Example:
        >>> grade = grade_notebook('submissions/ada.ipynb', timeout=120,
        ...                        assigned=exercises_in('solutions/01.ipynb'))     # doctest: +SKIP
        >>> print(grade.report())                                                   # doctest: +SKIP
        submissions/ada.ipynb: 6 of 7 passed
        ...
        >>> grade_notebook('submissions/ada.ipynb', timeout=0)
        Traceback (most recent call last):
        ValueError: grade_notebook: timeout must be a positive number, got 0
    """
    file_path("grade_notebook", "path", path)
    seconds = positive_number("grade_notebook", "timeout", timeout)
    wanted = _exercise_names("grade_notebook", assigned)
    _notebook_file("grade_notebook", path)
    name = os.fspath(path)
    notes: list[str] = []
    try:
        nb = _read_notebook(path)
    except OSError as e:
        return Grade(name, error=f"could not read it: {e.strerror or e}")
    except CannotRun as e:
        return Grade(name, error=str(e))
    own = _own_list(nb, notes, "the handout's list" if wanted is not None else "the checks in its cells")
    try:
        with tempfile.TemporaryDirectory(prefix="tinygrad-ann-results-", ignore_cleanup_errors=True) as private:
            channel = new_channel(private)
            run = run_notebook(nb, path, seconds, channel.environment)
            recorded = read_results(channel)
    except CannotRun as e:
        return Grade(name, error=str(e))
    if wanted is not None and own is not None and own != wanted:
        notes.append(f"its own list of exercises ({', '.join(own) or 'none'}) is not the handout's; "
                     f"the handout's is counted")
    assigned_list = wanted if wanted is not None else own
    return _grade(name, nb, run, recorded, assigned_list, notes, seconds)


def _exercise_names(owner: str, names: object) -> list[str] | None:
    """`assigned` as a list of names (each once), or None."""
    if names is None:
        return None
    if isinstance(names, str) or not isinstance(names, Sequence) or not all(isinstance(n, str) and n for n in names):
        wrong_type(owner, "assigned", "a list of exercise names, or None", names)
    return list(dict.fromkeys(names))


def _notebook_file(owner: str, path: str | os.PathLike[str]) -> None:
    """Raise FileNotFoundError for a path with nothing there, IsADirectoryError for a folder."""
    if os.path.isdir(path):
        raise IsADirectoryError(f"{owner}: path must be a notebook file, got {os.fspath(path)!r} (it is a folder)")
    if not os.path.exists(path):
        raise FileNotFoundError(f"{owner}: path must be a notebook file, got {os.fspath(path)!r} (there is no such file)")


def _own_list(nb: Any, notes: list[str], instead: str) -> list[str] | None:
    """The exercises the notebook's metadata declares; None if none, or if unreadable
    (with a note saying what counts `instead`)."""
    try:
        return _declared(nb)
    except ValueError as e:
        notes.append(f"{e}; graded on {instead}")
        return None


def _grade(name: str, nb: Any, run: NotebookRun, recorded: list[Recorded], assigned: list[str] | None,
           notes: list[str], seconds: float) -> Grade:
    """The Grade of a notebook that ran."""
    by_cell = _checks_by_cell(nb)
    last = {}  # each exercise's last result, in the order first checked
    for record in recorded:
        last[record.exercise] = _counted(record)
    if assigned is None:  # no list anywhere: what its cells check, and what else it checked
        assigned = list(dict.fromkeys(_checked_in_cells(nb) + list(last)))
    grade = Grade(name, notes=notes, first_cell_failed=run.first_cell_failed)
    for exercise in assigned:
        if exercise in last:
            grade.results.append(last[exercise])
        else:
            grade.never_ran.append(exercise)
            grade.results.append(CheckResult(exercise, False, f"⏳ {exercise}: its check "
                                             f"{_why_not_run(exercise, run, by_cell)}"))
    grade.unassigned = [result for exercise, result in last.items() if exercise not in assigned]
    grade.notes += _cell_notes(nb, run, by_cell, seconds, len(assigned))
    return grade


def _counted(record: Recorded) -> CheckResult:
    """A recorded result as it counts: a built-in exercise whose checker the notebook
    replaced (with `@exercise`, say) counts as failed."""
    known = EXERCISES.get(record.exercise)
    expected = checker_name(known.checker) if known is not None else ""
    if expected.startswith("tinygrad_ann.") and record.checker != expected:
        return CheckResult(record.exercise, False, f"❌ {record.exercise}: not counted: the notebook replaced "
                                                   f"its checker (with {record.checker})")
    return CheckResult(record.exercise, record.passed, record.message)


def _why_not_run(exercise: str, run: NotebookRun, by_cell: dict[int, list[str]]) -> str:
    """Why an assigned exercise has no result: 'never ran: ...' or 'never finished: ...'."""
    cells = [index for index, names in by_cell.items() if exercise in names]
    if not cells:
        return "never ran: no cell of the notebook checks it (was its cell deleted, or changed?)"
    if run.first_cell_failed:
        return "never ran: the first cell failed, so nothing after it ran"
    ran = {cell.index: cell for cell in run.cells}
    for index in cells:
        cell = ran.get(index)
        if cell is not None and cell.error is not None:
            ename = cell.error.get("ename", "an error")
            if ename in _SYNTAX_ERRORS:
                return f"never ran: cell [{cell.count}] has a {ename}, so none of it ran"
            return f"never ran: cell [{cell.count}] raised {ename} before it"
    stopped = run.timed_out
    if stopped is not None and any(index >= stopped.index for index in cells):
        if stopped.index in cells and stopped.count:
            return f"never finished: the notebook ran out of time in cell [{stopped.count}], which checks it"
        return "never ran: the notebook ran out of time before its cell"
    counts = [ran[index].count for index in cells if index in ran]
    where = f"cell [{counts[0]}]" if counts else "its cell"
    return f"never ran: {where} ran without calling check('{exercise}', ...)"


def _cell_notes(nb: Any, run: NotebookRun, by_cell: dict[int, list[str]], seconds: float, assigned: int) -> list[str]:
    """The teacher's notes on the cells: errors outside the checks, running out of time."""
    notes = []
    for cell in run.cells:
        if cell.error is None:
            continue
        if run.first_cell_failed:
            notes.append(_error_note(cell, nb.cells[cell.index].source, "the first cell")
                         + f". Nothing after it could run, so none of the {plural(assigned, 'exercise')} was checked")
        else:
            notes.append(_error_note(cell, nb.cells[cell.index].source, _checking(by_cell.get(cell.index))))
    stopped = run.timed_out
    if stopped is not None:
        where = (f"{_cell_name(stopped.count, _checking(by_cell.get(stopped.index)))} was still running; "
                 f"its kernel was killed there" if stopped.count else "the time was up before the next cell")
        notes.append(f"ran out of time: its cells may take {seconds:g} s altogether, and {where}, "
                     f"so the cells after it did not run")
    return notes


def _checking(checks: list[str] | None) -> str:
    """'the cell that checks mse', or '' for a cell that checks nothing."""
    return f"the cell that checks {' and '.join(checks)}" if checks else ""


def _cell_name(count: int | None, about: str = "", line: int | None = None) -> str:
    """'cell [7], line 2 (the cell that checks mse)'."""
    name = f"cell [{count}]" if count else "a cell"
    if line is not None:
        name += f", line {line}"
    return name + (f" ({about})" if about else "")


def _error_note(cell: CellRun, source: str, about: str) -> str:
    """'cell [7], line 2 (the cell that checks mse): NameError: ... (`the line`)'."""
    error = cell.error or {}
    ename, evalue = str(error.get("ename", "an error")), str(error.get("evalue", ""))
    syntax = ename in _SYNTAX_ERRORS
    line = _error_line(error, cell.count)
    if syntax:  # "invalid syntax (2318231.py, line 3)": the file is the kernel's name for the cell
        evalue = re.sub(r"\s*\([^()]*, line \d+\)\s*$", "", evalue)
    text = f"{_cell_name(cell.count, about, line)}: {ename}" + (f": {evalue}" if evalue else "")
    lines = source.splitlines()
    if line is not None and 0 < line <= len(lines) and lines[line - 1].strip():
        text += f" (`{short_repr(lines[line - 1].strip(), 70)[1:-1]}`)"
    return text + ("; none of the cell ran" if syntax else "")


def _error_line(error: Mapping[str, Any], count: int | None) -> int | None:
    """The line of the cell where the error happened: a syntax error's own line, or
    the last line of this cell in the traceback (`Cell In[7], line 2`)."""
    if error.get("ename") in _SYNTAX_ERRORS:
        found = re.search(r"line (\d+)\)\s*$", str(error.get("evalue", "")))
        return int(found.group(1)) if found else None
    traceback = _ANSI.sub("", "\n".join(str(t) for t in error.get("traceback", [])))
    lines = re.findall(rf"Cell In\[{count}\], line (\d+)", traceback)
    return int(lines[-1]) if lines else None


# ---------------------------------------------------------------------------
# The command line: `tinygrad-ann grade` and `python -m tinygrad_ann.exercises`
# ---------------------------------------------------------------------------


def _timeout_seconds(text: str) -> float:
    """--timeout's value: a positive, finite number of seconds."""
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and seconds > 0):
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, got {text!r}")
    return seconds


def add_grade_arguments(parser: argparse.ArgumentParser) -> None:
    """Give `parser` the grading command's arguments: NOTEBOOK..., --timeout, --handout.

    Example:
        >>> parser = argparse.ArgumentParser(prog='grade')
        >>> add_grade_arguments(parser)
        >>> parser.parse_args(['ada.ipynb', '--timeout', '60']).timeout
        60.0
    """
    parser.add_argument("notebooks", nargs="+", metavar="NOTEBOOK.ipynb", help="the submitted notebooks")
    parser.add_argument("--timeout", type=_timeout_seconds, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                        help=f"the time each notebook's cells may take altogether (default {DEFAULT_TIMEOUT:g}); "
                             f"then its kernel is killed, and the checks that ran still count")
    parser.add_argument("--handout", metavar="NOTEBOOK.ipynb",
                        help="the solution (or handout) notebook the submissions were made from: its exercises "
                             "are the ones counted (default: the list saved in each submitted notebook, which "
                             "a student could edit)")


def grade_command(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    """Grade `args.notebooks` (parsed by a parser given `add_grade_arguments`) and
    print each report; return the exit code: 1 if some notebook could not be
    run, else 0. A missing file, a folder, or a bad --handout is `parser.error` (exit 2).

    Example:
        >>> parser = argparse.ArgumentParser(prog='grade')
        >>> add_grade_arguments(parser)
        >>> grade_command(parser, parser.parse_args(['submissions/ada.ipynb']))   # doctest: +SKIP
        submissions/ada.ipynb: 6 of 7 passed
        ...
        0
    """
    for path in args.notebooks:
        if os.path.isdir(path):
            parser.error(f"{path}: is a folder; give the notebooks in it, e.g. {os.path.join(path, '*.ipynb')}")
        if not os.path.exists(path):
            hint = " (no file matched this pattern)" if any(c in path for c in "*?[") else ""
            parser.error(f"{path}: no such file{hint}")
    assigned = None
    if args.handout is not None:
        assigned = _handout_exercises(parser, args.handout)
    else:
        print(f"{parser.prog}: each notebook is graded on the exercises listed in it (a student could edit "
              f"that list); give --handout SOLUTION.ipynb to grade them all on yours", file=sys.stderr)
    could_not_run = 0
    for path in args.notebooks:
        try:
            grade = grade_notebook(path, timeout=args.timeout, assigned=assigned)
        except ImportError as e:  # no Jupyter here
            print(f"{parser.prog}: {e}", file=sys.stderr)
            return 1
        could_not_run += grade.error is not None
        print(grade.report(), flush=True)
    if len(args.notebooks) > 1:
        print(f"graded {len(args.notebooks) - could_not_run} of {plural(len(args.notebooks), 'notebook')}"
              + (f"; {could_not_run} could not be run" if could_not_run else ""))
    return 1 if could_not_run else 0


def _handout_exercises(parser: argparse.ArgumentParser, handout: str) -> list[str]:
    """The exercises the --handout notebook declares (a parser error if there are none, or it is no notebook)."""
    if os.path.isdir(handout):
        parser.error(f"--handout {handout}: is a folder; give the solution notebook")
    try:
        names = exercises_in(handout)
    except OSError as e:
        parser.error(f"--handout {handout}: {e.strerror or e}")
    except ValueError as e:
        parser.error(f"--handout {str(e).removeprefix('exercises_in: ')}")
    if not names:
        parser.error(f"--handout {handout}: it declares no exercises and checks none (no check('name', ...) "
                     f"in its cells)")
    return names


def main(argv: Sequence[str] | None = None, prog: str = "python -m tinygrad_ann.exercises") -> int:
    """The grading command line, `tinygrad-ann grade NOTEBOOK...` under another name
    (`prog`); `argv` defaults to sys.argv[1:]. Returns the exit code.

    Example:
        >>> main(['--timeout', '0', 'ada.ipynb'])      # doctest: +SKIP
        usage: python -m tinygrad_ann.exercises [-h] [--timeout SECONDS] ...
        python -m tinygrad_ann.exercises: error: argument --timeout: must be a positive number of seconds, got '0'
        >>> main('ada.ipynb')
        Traceback (most recent call last):
        TypeError: main: argv must be a list of strings (the command line's words) or None, got 'ada.ipynb' (str)
    """
    command_line("main", argv)
    parser = argparse.ArgumentParser(prog=prog, description="Run each submitted notebook and grade its exercises.")
    add_grade_arguments(parser)
    args = parser.parse_args(argv)
    return grade_command(parser, args)
