"""For teachers: the student version of a solution notebook, and grading submitted ones.

Solution notebooks mark each answer with lines `### BEGIN SOLUTION` and
`### END SOLUTION` (nbgrader's convention): `strip_solutions` blanks the regions
of one text, `make_student_version` writes the student notebook from a solution
notebook, and `grade_notebook` runs a submitted notebook and collects what its
checkers said. `main` is the command line `python -m tinygrad_ann.exercises
NOTEBOOK...`.

Example:
    >>> print(strip_solutions("x = 1\\n### BEGIN SOLUTION\\ny = 2\\n### END SOLUTION\\n"))
    x = 1
    # YOUR CODE HERE
    raise NotImplementedError()
    <BLANKLINE>
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any, Sequence

from .._checks import command_line, file_path, positive_number, wrong_type
from ._text import short_repr
from .checking import CheckResult

__all__ = [
    "BEGIN", "END", "CODE_PLACEHOLDER", "ANSWER_PLACEHOLDER",
    "strip_solutions", "make_student_version", "grade_notebook", "main",
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
    cells with YOUR ANSWER HERE. A marker without its partner is a ValueError
    naming the notebook and the cell; nothing is written then. Code cells also
    lose their outputs and execution times.

    Example:
        >>> make_student_version('solutions/01.ipynb', 'exercises/01.ipynb')   # doctest: +SKIP
        8
        >>> make_student_version(1, 'exercises/01.ipynb')
        Traceback (most recent call last):
        TypeError: make_student_version: solution_path must be a path (a str or os.PathLike), got 1 (int)
    """
    file_path("make_student_version", "solution_path", solution_path)
    file_path("make_student_version", "student_path", student_path)
    with open(solution_path, encoding="utf-8") as f:
        nb = json.load(f)
    blanks = 0
    for number, cell in enumerate(nb.get("cells", []), 1):
        kind = cell.get("cell_type")
        source = cell.get("source", [])
        text = source if isinstance(source, str) else "".join(source)
        try:
            stripped, count = _blank_regions(text, markdown=kind != "code")
        except ValueError as e:
            first = text.strip().splitlines()[0] if text.strip() else ""
            raise ValueError(f"make_student_version: {os.fspath(solution_path)}: cell {number} ({kind} cell "
                             f"starting {short_repr(first, 50)}): {e}") from None
        if count:
            blanks += count
            cell["source"] = stripped if isinstance(source, str) else stripped.splitlines(keepends=True)
        if kind == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
            cell.get("metadata", {}).pop("execution", None)  # when the solution last ran
    with open(student_path, "w", encoding="utf-8") as f:
        json.dump(nb, f, indent=1, ensure_ascii=False)
        f.write("\n")
    return blanks


# ---------------------------------------------------------------------------
# Grading
# ---------------------------------------------------------------------------

_MARKS = ("✅", "❌", "⏳")


def grade_notebook(path: str | os.PathLike[str], timeout: float = 300) -> list[CheckResult]:
    """Run a (submitted) notebook top to bottom; return what each of its checkers said.

    The notebook runs in a fresh Jupyter kernel in its own folder (it needs
    nbclient, which comes with Jupyter), and is not changed on disk. A cell that
    fails outside a checker is in the list too, as a failed result named
    `cell N`; a cell that runs longer than `timeout` seconds is interrupted.
    The results are as honest as the notebook: it runs the student's code as
    submitted.

    Example:
        >>> for result in grade_notebook('submitted/01_backprop_by_hand.ipynb'):   # doctest: +SKIP
        ...     print(result)
        ✅ chain_rule: passed — all five derivatives are right. ...
        ⏳ tanh_backward: not done yet — ...
        >>> grade_notebook('submitted/01_backprop_by_hand.ipynb', timeout=0)
        Traceback (most recent call last):
        ValueError: grade_notebook: timeout must be a positive number, got 0
    """
    file_path("grade_notebook", "path", path)
    seconds = positive_number("grade_notebook", "timeout", timeout)
    return _results(_execute(path, seconds))


def _execute(path: str | os.PathLike[str], timeout: float) -> Any:
    """The notebook at `path`, run top to bottom in a fresh kernel (as an nbformat notebook)."""
    try:
        import nbclient
        import nbformat
    except ImportError:
        raise ImportError("grade_notebook needs nbclient and nbformat, which come with Jupyter: "
                          "pip install \"tinygrad-ann[notebooks]\"") from None
    nb = nbformat.read(os.fspath(path), as_version=4)
    folder = os.path.dirname(os.path.abspath(path))
    nbclient.NotebookClient(nb, timeout=timeout, allow_errors=True, interrupt_on_timeout=True,
                            resources={"metadata": {"path": folder}}).execute()
    return nb


def _results(nb: Any) -> list[CheckResult]:
    """What the checkers in a run notebook said, and the cells that failed outside them."""
    results: list[CheckResult] = []

    def add(text: Any) -> None:
        text = text if isinstance(text, str) else "".join(text)
        if text[:1] in _MARKS and ": " in text:
            name = text[1:].strip().split(":", 1)[0]
            results.append(CheckResult(name, text.startswith("✅"), text))

    for number, cell in enumerate(nb.cells, 1):
        for out in cell.get("outputs", []):
            kind = out.get("output_type")
            if kind in ("execute_result", "display_data"):  # `check(...)` as a cell's last line
                add(out.get("data", {}).get("text/plain", ""))
            elif kind == "stream" and out.get("name") == "stdout":  # print(check(...))
                text = out.get("text", "")
                for line in (text if isinstance(text, str) else "".join(text)).splitlines():
                    add(line)
            elif kind == "error":
                results.append(CheckResult(
                    f"cell {number}", False,
                    f"❌ cell {number}: raised {out.get('ename', 'an error')}: {out.get('evalue', '')}",
                ))
    return results


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m tinygrad_ann.exercises NOTEBOOK...`: grade each notebook, print every
    result; return the exit code. `argv` defaults to sys.argv[1:].

    Example:
        >>> main(['--help'])
        usage: python -m tinygrad_ann.exercises NOTEBOOK.ipynb [...]
        Run each notebook and print what each checker in it said.
        0
    """
    paths = list(sys.argv[1:] if argv is None else command_line("main", argv))  # type: ignore[arg-type]
    if not paths or paths[0] in ("-h", "--help"):
        print("usage: python -m tinygrad_ann.exercises NOTEBOOK.ipynb [...]\n"
              "Run each notebook and print what each checker in it said.")
        return 0 if paths else 2
    for notebook in paths:
        try:
            results = grade_notebook(notebook)
        except (OSError, ValueError) as e:
            print(f"{notebook}: could not run it: {e}")
            continue
        passed = sum(r.passed for r in results)
        print(f"{notebook}: {passed} of {len(results)} passed")
        for r in results:
            print(f"  {r.message}")
    return 0
