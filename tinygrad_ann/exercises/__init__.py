"""Classroom exercises: one-line checkers that run a student's code and explain the result.

Each exercise has a name; `check(name, answer)` runs the answer against the
engine and against finite differences and returns a `CheckResult`: passed, or
which input failed, what was expected and what came back, and a hint. A
mistake in the student's code is reported in plain words, never as a wall of
traceback, and code that runs too long (a loop that never ends) is stopped.
`EXERCISES` lists them all with what each asks for.

Teachers can add exercises of their own with `@exercise(name, task)`: a checker
takes the student's answer and returns what was right, or raises `Wrong` (or
`NotDone`) with the words the student should read; `call_answer` runs the
student's function the way the built-in checkers do.

Example:
    >>> @exercise('double', "def double(x): return twice x.")
    ... def check_double(answer):
    ...     got = call_answer(answer, 21, usage='double(x)')
    ...     if got != 42:
    ...         raise Wrong(f"double(21) should be 42, got {got!r}. Hint: multiply by 2.")
    ...     return "double(21) is 42."
    >>> print(check('double', lambda x: x + 2))
    ❌ double: double(21) should be 42, got 23. Hint: multiply by 2.
    >>> print(check('double', lambda x: 2 * x))
    ✅ double: passed — double(21) is 42.

Solution notebooks mark each answer with lines `### BEGIN SOLUTION` and
`### END SOLUTION` (nbgrader's convention): `make_student_version` writes the
student notebook from one, and `grade_notebook` runs a submitted notebook and
collects what its checkers said (also `python -m tinygrad_ann.exercises NOTEBOOK...`).

Where things are (everything above is importable from here):

    checking.py   the framework: CheckResult, Wrong, NotDone, Exercise, EXERCISES,
                  exercise(), check(), call_answer()
    time_limit.py stopping a student's code after its time: time_limited, Stopped
                  (on every Python from 3.10, even through a bare `except:`)
    sandbox.py    running the student's code: the student's own line in a
                  traceback, errors in one line, hiding a library method
    backprop.py   exercises on backpropagation: chain_rule, tanh/sigmoid/mul/pow
                  backward, topological_sort, custom_op
    networks.py   exercises on networks: neuron_forward, sgd_step, mse, train_moons
    value_class.py  "write your own micrograd": check('value_class', Value)
    notebooks.py  for teachers: strip_solutions, make_student_version(s)
    grading.py    for teachers: `tinygrad-ann grade`, grade_notebook, Grade,
                  exercises_in (and the command line, __main__.py)
    running.py    one submitted notebook, run in a copy of its folder, killed
                  at its time limit
    recording.py  the channel that carries check()'s results to the grader
    _text.py      how the messages write numbers and things
"""

from . import backprop, networks  # noqa: F401  (importing them registers their exercises)
from . import value_class  # noqa: F401  (registers check('value_class', Value): write your own micrograd)
from .checking import EXERCISES, CheckResult, Exercise, NotDone, Wrong, call_answer, check, exercise
from .checking import Checker as Checker  # reachable here as in the single-file module this replaces
from .notebooks import ANSWER_PLACEHOLDER as ANSWER_PLACEHOLDER
from .notebooks import BEGIN as BEGIN
from .notebooks import CODE_PLACEHOLDER as CODE_PLACEHOLDER
from .notebooks import END as END
from .notebooks import grade_notebook, make_student_version, strip_solutions

__all__ = [
    "check",
    "CheckResult",
    "EXERCISES",
    "Exercise",
    "exercise",
    "Wrong",
    "NotDone",
    "call_answer",
    "grade_notebook",
    "make_student_version",
    "strip_solutions",
]
