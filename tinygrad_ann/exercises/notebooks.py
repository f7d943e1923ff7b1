"""For teachers: the student version of a solution notebook (and grading, from `grading`).

Solution notebooks mark each answer with lines `### BEGIN SOLUTION` and
`### END SOLUTION` (nbgrader's convention): `strip_solutions` blanks the regions
of one text, `make_student_version` writes the student notebook from a solution
notebook, and `make_student_versions` (`tinygrad-ann student-version`) writes
several into a folder, never over a solution. Each handout lists its exercises in
its metadata, for the grader (see `grading.exercises_in`). `grade_notebook` and
`main` (`python -m tinygrad_ann.exercises NOTEBOOK...`, the same as
`tinygrad-ann grade`) are the grader's, reachable here as before.

Example:
    >>> print(strip_solutions("x = 1\\n### BEGIN SOLUTION\\ny = 2\\n### END SOLUTION\\n"))
    x = 1
    # YOUR CODE HERE
    raise NotImplementedError()
    <BLANKLINE>
"""

from __future__ import annotations

import errno
import json
import os
import sys
from typing import Any, Sequence

from .._checks import command_line, file_path, wrong_type, wrong_value
from ._text import short_repr
from .grading import METADATA_KEY, exercises_in, grade_notebook
from .grading import main as grading_main

__all__ = [
    "BEGIN", "END", "CODE_PLACEHOLDER", "ANSWER_PLACEHOLDER",
    "strip_solutions", "make_student_version", "make_student_versions", "grade_notebook", "main",
]

#: The words that make a line a marker of a solution region (any case).
BEGIN, END = "BEGIN SOLUTION", "END SOLUTION"
#: What a solution region becomes in a code cell, and in a markdown cell.
CODE_PLACEHOLDER = "# YOUR CODE HERE\nraise NotImplementedError()"
ANSWER_PLACEHOLDER = "YOUR ANSWER HERE"


def strip_solutions(source: str, markdown: bool = False) -> str:
    """Replace every solution region, from a `BEGIN SOLUTION` line to an `END SOLUTION` line, with a blank.

    As in nbgrader, a marker is any line containing the words (`### BEGIN
    SOLUTION`, `# BEGIN SOLUTION`, `### BEGIN SOLUTION ###`, ...; case does not
    matter), and the region goes with its markers. In code the blank keeps the
    region's indentation and raises NotImplementedError, which the checkers
    report as "not done yet"; in a markdown text (`markdown=True`) it reads
    YOUR ANSWER HERE. A marker without its partner is a ValueError naming the line.

    Example:
        >>> code = "def f(x):\\n    # BEGIN SOLUTION\\n    return 2 * x\\n    # END SOLUTION\\n"
        >>> print(strip_solutions(code))
        def f(x):
            # YOUR CODE HERE
            raise NotImplementedError()
        <BLANKLINE>
        >>> strip_solutions("Why?\\n### BEGIN SOLUTION\\nBecause.\\n### END SOLUTION\\n", markdown=True)
        'Why?\\nYOUR ANSWER HERE\\n'
        >>> strip_solutions("### END SOLUTION\\n")
        Traceback (most recent call last):
        ValueError: strip_solutions: line 1: END SOLUTION without a BEGIN SOLUTION before it
    """
    if not isinstance(source, str):
        wrong_type("strip_solutions", "source", "a string (the text of a cell)", source)
    if not isinstance(markdown, bool):
        wrong_type("strip_solutions", "markdown", "True or False", markdown)
    try:
        return _blank_regions(source, markdown)[0]
    except ValueError as e:
        raise ValueError(f"strip_solutions: {e}") from None


def _blank_regions(source: str, markdown: bool) -> tuple[str, int]:
    """The source with its solution regions blanked, and how many there were."""
    out: list[str] = []
    inside, opened, count = False, 0, 0
    for number, line in enumerate(source.splitlines(keepends=True), 1):
        upper = line.upper()
        begins, ends = BEGIN in upper, END in upper
        if begins and ends:
            raise ValueError(f"line {number} holds both BEGIN SOLUTION and END SOLUTION: put each on a line of its own")
        if begins:
            if inside:
                raise ValueError(f"line {number}: BEGIN SOLUTION inside the solution region opened at line "
                                 f"{opened}; close that one with END SOLUTION first")
            inside, opened, count = True, number, count + 1
            indent = line[: len(line) - len(line.lstrip())]
            blank = ANSWER_PLACEHOLDER if markdown else CODE_PLACEHOLDER
            out.extend(f"{indent}{part}\n" for part in blank.split("\n"))
        elif ends:
            if not inside:
                raise ValueError(f"line {number}: END SOLUTION without a BEGIN SOLUTION before it")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError(f"the BEGIN SOLUTION at line {opened} is never closed by END SOLUTION")
    return "".join(out), count



def make_student_version(solution_path: str | os.PathLike[str], student_path: str | os.PathLike[str]) -> int:
    """Write the student version of a solution notebook; return how many blanks it has.

    Every solution region is blanked (see `strip_solutions`): in code cells with
    `# YOUR CODE HERE` and `raise NotImplementedError()`, in markdown (and raw)
    cells with YOUR ANSWER HERE. Code cells also lose their outputs and execution
    times. The handout's metadata lists the exercises the solution checks
    (`{"tinygrad_ann": {"exercises": [...]}}`, see `grading.exercises_in`), so
    the grader knows what was assigned. A marker without its partner is a
    ValueError naming the notebook and the cell, and so is a `student_path` that
    is the solution itself (after links, and letter case where the disk ignores
    it); nothing is written then.

    Example:
        >>> make_student_version('solutions/01.ipynb', 'exercises/01.ipynb')   # doctest: +SKIP
        8
        >>> make_student_version(1, 'exercises/01.ipynb')
        Traceback (most recent call last):
        TypeError: make_student_version: solution_path must be a path (a str or os.PathLike), got 1 (int)
    """
    file_path("make_student_version", "solution_path", solution_path)
    file_path("make_student_version", "student_path", student_path)
    if _same_file(solution_path, student_path):
        raise ValueError(f"make_student_version: student_path {os.fspath(student_path)!r} is the solution "
                         f"notebook itself: writing it would replace the solution; choose another path")
    nb, blanks = _student_notebook("make_student_version", solution_path)
    _write_notebook(nb, student_path)
    return blanks


def make_student_versions(solution_paths: Sequence[str | os.PathLike[str]],
                          out: str | os.PathLike[str]) -> list[tuple[str, int]]:
    """Write the student version of each solution notebook into the folder `out`,
    under the same file name; return (the path written, its number of blanks) for each.

    Every notebook is read and blanked before anything is written, and nothing is
    written if one fails, or if a student version would replace a solution (paths
    compared after links, and without letter case where the disk ignores it), or
    if two solutions have the same file name. `out` is made if need be, and
    removed again if writing fails. A result with 0 blanks had no markers.

    Example:
        >>> make_student_versions(['solutions/01.ipynb'], 'handouts')      # doctest: +SKIP
        [('handouts/01.ipynb', 8)]
        >>> make_student_versions(['a/x.ipynb', 'b/x.ipynb'], 'handouts')
        Traceback (most recent call last):
        ValueError: make_student_versions: a/x.ipynb and b/x.ipynb have the same file name, so both student versions would be handouts/x.ipynb; rename one
        >>> make_student_versions('a/x.ipynb', 'handouts')
        Traceback (most recent call last):
        TypeError: make_student_versions: solution_paths must be a list of paths (each a str or os.PathLike), got 'a/x.ipynb' (str)
    """
    owner = "make_student_versions"
    what = "a list of paths (each a str or os.PathLike)"
    if (isinstance(solution_paths, (str, os.PathLike)) or not isinstance(solution_paths, Sequence)
            or not all(isinstance(path, (str, os.PathLike)) for path in solution_paths)):
        wrong_type(owner, "solution_paths", what, solution_paths)
    if not solution_paths:
        wrong_value(owner, "solution_paths", "a non-empty list of paths", solution_paths)
    file_path(owner, "out", out, kind="a folder's path")
    targets = _targets(owner, solution_paths, out)
    if os.path.exists(out) and not os.path.isdir(out):
        raise NotADirectoryError(errno.ENOTDIR, "it is a file, not a folder", os.fspath(out))
    made = [_student_notebook(owner, path) for path in solution_paths]  # every error before any writing
    created = not os.path.exists(out)
    os.makedirs(out, exist_ok=True)
    written: list[tuple[str, int]] = []
    try:
        for (nb, blanks), target in zip(made, targets, strict=True):
            _write_notebook(nb, target)
            written.append((target, blanks))
    except BaseException:
        _undo(created, out, targets)
        raise
    return written


def _targets(owner: str, solution_paths: Sequence[str | os.PathLike[str]], out: str | os.PathLike[str]) -> list[str]:
    """Where each student version goes; a ValueError for two with the same name, or one over a solution."""
    targets = [os.path.join(out, os.path.basename(path)) for path in solution_paths]
    seen: dict[str, int] = {}
    for number, target in enumerate(targets):
        earlier = seen.setdefault(_path_key(target), number)
        if earlier != number:
            raise ValueError(f"{owner}: {os.fspath(solution_paths[earlier])} and {os.fspath(solution_paths[number])} "
                             f"have the same file name, so both student versions would be {target}; rename one")
    for target in targets:
        for path in solution_paths:
            if _same_file(path, target):
                raise ValueError(f"{owner}: the student version {target} would replace the solution "
                                 f"{os.fspath(path)}; choose another folder for the student versions")
    return targets


def _undo(created: bool, out: str | os.PathLike[str], targets: list[str]) -> None:
    """After a failed write into a folder `out` this run made: remove what it wrote, and the folder."""
    if not created:
        return
    for path in targets:
        try:
            os.remove(path)
        except OSError:
            pass
    try:
        os.rmdir(out)  # only if empty
    except OSError:
        pass


def _same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """Whether paths `a` and `b` name the same file: after links, and without letter
    case where the disk ignores it (also a hard link, for files that exist)."""
    try:
        if os.path.exists(a) and os.path.exists(b) and os.path.samefile(a, b):
            return True
    except OSError:
        pass
    return _path_key(a) == _path_key(b)


def _path_key(path: str | os.PathLike[str]) -> str:
    """The path, with links resolved, as the disk compares names (case folded if it ignores case)."""
    real = os.path.normcase(os.path.realpath(path))
    return real.casefold() if _ignores_case(os.path.dirname(real)) else real


def _ignores_case(folder: str) -> bool:
    """Whether the disk holding `folder` ignores letter case in file names: looked up
    by asking for the nearest existing folder (or its parents) under its name with
    the case swapped. Where no name has letters, the system's usual disk
    (macOS and Windows ignore case)."""
    probe = os.path.abspath(folder)
    while True:
        name = os.path.basename(probe)
        if name != name.swapcase() and os.path.exists(probe):
            other = os.path.join(os.path.dirname(probe), name.swapcase())
            try:
                return os.path.exists(other) and os.path.samefile(probe, other)
            except OSError:
                return False
        parent = os.path.dirname(probe)
        if parent == probe:
            return sys.platform in ("darwin", "win32")
        probe = parent


def _student_notebook(owner: str, path: str | os.PathLike[str]) -> tuple[dict[str, Any], int]:
    """The student version of the solution notebook at `path` (as JSON), and its number of blanks."""
    with open(path, encoding="utf-8") as f:
        try:
            nb = json.load(f)
        except ValueError:
            raise ValueError(f"{owner}: {os.fspath(path)}: not a notebook (invalid JSON)") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells", []), list):
        raise ValueError(f"{owner}: {os.fspath(path)}: not a notebook (no list of cells)")
    try:
        assigned = exercises_in(nb)
    except ValueError as e:
        raise ValueError(f"{owner}: {os.fspath(path)}: {str(e).removeprefix('exercises_in: ')}") from None
    blanks = 0
    for number, cell in enumerate(nb.get("cells", []), 1):
        blanks += _blank_cell(owner, path, number, cell)
    if assigned:  # what the grader counts (see grading.exercises_in)
        metadata = nb.setdefault("metadata", {})
        metadata[METADATA_KEY] = {**metadata.get(METADATA_KEY, {}), "exercises": assigned}
    return nb, blanks


def _blank_cell(owner: str, path: str | os.PathLike[str], number: int, cell: Any) -> int:
    """Blank the solution regions of one cell (the `number`th) in place; return how many there were."""
    if not isinstance(cell, dict):
        raise ValueError(f"{owner}: {os.fspath(path)}: cell {number} is not a cell, got {short_repr(cell, 40)}")
    kind = cell.get("cell_type")
    source = cell.get("source", [])
    text = source if isinstance(source, str) else "".join(source)
    try:
        stripped, count = _blank_regions(text, markdown=kind != "code")
    except ValueError as e:
        first = text.strip().splitlines()[0] if text.strip() else ""
        raise ValueError(f"{owner}: {os.fspath(path)}: cell {number} ({kind} cell "
                         f"starting {short_repr(first, 50)}): {e}") from None
    if count:
        cell["source"] = stripped if isinstance(source, str) else stripped.splitlines(keepends=True)
    if kind == "code":
        cell["outputs"] = []
        cell["execution_count"] = None
        cell.get("metadata", {}).pop("execution", None)  # when the solution last ran
    return count


def _write_notebook(nb: dict[str, Any], path: str | os.PathLike[str]) -> None:
    """Write a notebook as Jupyter does (JSON, indented by 1, a newline at the end)."""
    with open(path, "w", encoding="utf-8") as f:
        json.dump(nb, f, indent=1, ensure_ascii=False)
        f.write("\n")


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m tinygrad_ann.exercises NOTEBOOK... [--timeout SECONDS] [--handout NOTEBOOK]`:
    the same as `tinygrad-ann grade` (see `grading.grade_command`); returns the exit
    code. `argv` defaults to sys.argv[1:].

    Example:
        >>> main(['submissions/ada.ipynb', '--timeout', '60'])   # doctest: +SKIP
        submissions/ada.ipynb: 6 of 7 passed
        ...
        0
        >>> main('ada.ipynb')
        Traceback (most recent call last):
        TypeError: main: argv must be a list of strings (the command line's words) or None, got 'ada.ipynb' (str)
    """
    command_line("main", argv)
    return grading_main(argv, prog="python -m tinygrad_ann.exercises")
