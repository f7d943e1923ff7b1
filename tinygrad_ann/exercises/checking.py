"""The checking framework: exercises, their checkers, and `check`.

An exercise is a name, a task and a checker (`Exercise`, registered in
`EXERCISES` by `@exercise`). `check(name, answer)` runs the checker on the
student's answer, within a time limit, and turns what happens into a
`CheckResult`: passed, `Wrong` (❌ and what is wrong), `NotDone` (⏳ the blank
is still there), stopped, or an error in the student's code in one line.
`call_answer` (and `run_answer`, which the built-in checkers use) calls the
student's function and turns a blank or a crash into `NotDone` or `Wrong`.

Example:
    >>> @exercise('triple', "def triple(x): return three times x.")
    ... def check_triple(answer):
    ...     got = call_answer(answer, 2, usage='triple(x)')
    ...     if got != 6:
    ...         raise Wrong(f"triple(2) should be 6, got {got!r}.")
    ...     return "triple(2) is 6."
    >>> print(check('triple', lambda x: 3 * x))
    ✅ triple: passed — triple(2) is 6.
"""

from __future__ import annotations

import inspect
import math
import time
import traceback
from dataclasses import dataclass
from typing import Any, Callable, NamedTuple, Sequence

from .._checks import is_number, number, one_of, wrong_type, wrong_value
from ._text import plural, short_repr
from .sandbox import (
    code_span,
    in_package,
    one_line,
    running_line,
    student_frame,
    undo_patches,
    where_raised,
)
from .recording import record_result
from .time_limit import Stopped, time_limited

__all__ = [
    "CheckResult", "Wrong", "NotDone", "Checker", "Exercise", "EXERCISES", "exercise", "check",
    "call_answer", "run_answer", "signature_of",
]


@dataclass
class CheckResult:
    """The verdict of `check`: `passed`, and a `message` for the student.

    It is truthy when passed; in a notebook it shows as its message.

    Example:
        >>> r = CheckResult('mse', False, '❌ mse: ...')
        >>> bool(r), str(r)
        (False, '❌ mse: ...')
    """

    exercise: str
    passed: bool
    message: str

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        return self.message

    __repr__ = __str__

    def _repr_html_(self) -> str:
        import html

        colour = "#1a7f37" if self.passed else "#9a6700" if self.message.startswith("⏳") else "#cf222e"
        return (
            f'<div style="border-left: 4px solid {colour}; padding: 4px 10px; '
            f'white-space: pre-wrap; font-family: sans-serif">{html.escape(self.message)}</div>'
        )


class Wrong(Exception):
    """Raise it in a checker: the answer is wrong, and the message says how (with a hint).

    `check` shows it as `❌ name: message`.

    Example:
        >>> @exercise('seven', "Give the number 7.")
        ... def check_seven(answer):
        ...     if answer != 7:
        ...         raise Wrong(f"you gave {answer!r}. Hint: count the days of a week.")
        ...     return "7 it is."
        >>> print(check('seven', 6))
        ❌ seven: you gave 6. Hint: count the days of a week.
    """


class NotDone(Exception):
    """Raise it in a checker: the answer is still the blank; the message says what to do.

    `check` shows it as `⏳ name: not done yet — message`. (`call_answer` raises
    it for a function that still raises NotImplementedError.)

    Example:
        >>> @exercise('name_it', "Give your name as a string.")
        ... def check_name_it(answer):
        ...     if answer is None:
        ...         raise NotDone("replace None with your name.")
        ...     return f"hello, {answer}."
        >>> print(check('name_it', None))
        ⏳ name_it: not done yet — replace None with your name.
    """


#: A checker: takes the student's answer, returns what was right (or raises Wrong or NotDone).
Checker = Callable[[Any], str]


class Exercise(NamedTuple):
    """One exercise: what it asks for, the function that checks an answer, its time limit.

    Example:
        >>> EXERCISES['mse'].time_limit
        10.0
    """

    task: str
    checker: Checker
    time_limit: float = 10.0


#: Every exercise by name, in the order they were registered.
EXERCISES: dict[str, Exercise] = {}


def _seconds(owner: str, time_limit: object) -> float:
    """A time limit in seconds: a number >= 0 (0: no limit)."""
    what = "a number >= 0"
    if not is_number(time_limit):
        wrong_type(owner, "time_limit", what, time_limit)
    seconds = number(owner, "time_limit", time_limit)
    if math.isnan(seconds) or seconds < 0:
        wrong_value(owner, "time_limit", what, time_limit, "seconds; 0 means no limit")
    return seconds


def exercise(name: str, task: str, time_limit: float = 10.0) -> Callable[[Checker], Checker]:
    """Register the decorated function as the checker of exercise `name`.

    The checker gets the student's answer. It returns a short text saying what
    was right (shown after "passed —"), or raises `Wrong` or `NotDone` with the
    words to show. Any other error is reported in one line, pointing at the
    student's own line of code. `check` stops the checker after `time_limit`
    seconds (0: never), where the system allows: on the main thread of Linux and macOS.
    Defining an exercise again under the same name replaces it.

    Example:
        >>> from tinygrad_ann import Value
        >>> @exercise('square', "def square(v): return v * v for a Value v.", time_limit=5)
        ... def check_square(answer):
        ...     got = call_answer(answer, Value(3.0), usage='square(v)')
        ...     if not isinstance(got, Value) or got.data != 9.0:
        ...         raise Wrong(f"square(Value(3.0)) should be a Value with data 9, got {got!r}")
        ...     return "square(3) is 9."
        >>> check('square', lambda v: v * v).passed
        True
        >>> exercise('', 'a task')
        Traceback (most recent call last):
        ValueError: exercise: name must be a non-empty string, got ''
    """
    if not isinstance(name, str):
        wrong_type("exercise", "name", "a non-empty string", name)
    if not name:
        wrong_value("exercise", "name", "a non-empty string", name)
    if not isinstance(task, str):
        wrong_type("exercise", "task", "a string (what the exercise asks for)", task)
    seconds = _seconds("exercise", time_limit)

    def register(checker: Checker) -> Checker:
        if not callable(checker):
            wrong_type("exercise", "checker", "a function (decorate a def)", checker)
        EXERCISES[name] = Exercise(task, checker, seconds)
        return checker

    return register


def check(name: str, answer: Any, time_limit: float | None = None) -> CheckResult:
    """Check a student's `answer` to exercise `name`; explain what is wrong if anything.

    Never raises for a mistake in the answer: the result says what happened. An
    answer that runs longer than `time_limit` seconds (default: the exercise's
    own, 10 s for most; 0 for none) is stopped, as is one that keeps eating
    memory; so is one the student interrupts. While `tinygrad-ann grade` runs
    the notebook, the result is also recorded for the grader (see `recording`).

    Example:
        >>> def mse_unfinished(preds, targets):
        ...     raise NotImplementedError()
        >>> print(check('mse', mse_unfinished))
        ⏳ mse: not done yet — your function raised NotImplementedError. Replace the `raise NotImplementedError()` line with your code.
        >>> print(check('mse', lambda preds, targets: preds[0]))
        ❌ mse: for preds [0.5, -1, 2] and targets [1, -1, 0] the loss is 0.5 but should be 1.41667: square each difference (pred - target) ** 2, then average them.
        >>> check('mse', mse_unfinished, time_limit='3')
        Traceback (most recent call last):
        TypeError: check: time_limit must be a number >= 0, got '3' (str)
    """
    one_of("check", "name", name, EXERCISES)
    ex = EXERCISES[name]
    limit = ex.time_limit if time_limit is None else _seconds("check", time_limit)
    result = _verdict(name, ex, answer, limit)
    record_result(result, ex.checker)  # for the grader, when the notebook is being graded
    return result


def _verdict(name: str, ex: Exercise, answer: Any, limit: float) -> CheckResult:
    """What `check` answers: run the exercise's checker on `answer` within `limit` seconds."""
    start = time.monotonic()
    try:
        with time_limited(limit, watch=answer):
            detail = ex.checker(answer)
    except NotDone as e:
        return CheckResult(name, False, f"⏳ {name}: not done yet — {e}")
    except Wrong as e:
        return CheckResult(name, False, f"❌ {name}: {e}")
    except Stopped as e:
        first = _first_stop(e)  # where the code was when its time ran out
        return CheckResult(name, False, f"❌ {name}: stopped — {e.why}{running_line(first)}{e.hint}")
    except KeyboardInterrupt as e:
        return CheckResult(
            name, False,
            f"❌ {name}: stopped — you interrupted it after {time.monotonic() - start:.1f} s{running_line(e)}. "
            f"If your code never finishes, look for a loop that never ends.",
        )
    except Exception as e:  # a mistake the checker did not foresee (or a bug in a checker)
        span = code_span(ex.checker)
        if student_frame(traceback.extract_tb(e.__traceback__), span) is not None:
            return CheckResult(name, False, f"❌ {name}: your code raised {where_raised(e, span)}")
        return CheckResult(
            name, False,
            f"❌ {name}: the checker could not make sense of your answer ({one_line(e)}). "
            f"Show this to your teacher.",
        )
    finally:
        undo_patches()
    return CheckResult(name, True, f"✅ {name}: passed — {detail}")


def _first_stop(e: BaseException) -> BaseException:
    """The first `Stopped` of a chain: the time limit raises again in each handler
    that catches one, and each new one keeps the one it interrupted as its context."""
    while isinstance(e.__context__, Stopped):
        e = e.__context__
    return e


# ---------------------------------------------------------------------------
# Calling the student's function
# ---------------------------------------------------------------------------


def signature_of(fn: Any) -> inspect.Signature | None:
    """inspect.signature(fn), or None where Python cannot tell (some builtins).

    Example:
        >>> str(signature_of(lambda x, y=1: x)), signature_of(3)
        ('(x, y=1)', None)
    """
    try:
        return inspect.signature(fn)
    except (TypeError, ValueError):
        return None


def _takes(sig: inspect.Signature) -> str:
    """'no arguments', '2 arguments (out, n)': what a signature takes, in words."""
    names = [p.name for p in sig.parameters.values()]
    if not names:
        return "no arguments"
    return f"{plural(len(names), 'argument')} ({', '.join(names)})"


def call_answer(fn: Any, *args: Any, usage: str | None = None) -> Any:
    """Call the student's `fn(*args)`, turning a blank and a crash into messages.

    A function that still raises NotImplementedError raises `NotDone`; one that
    cannot take `args`, or that raises, raises `Wrong` naming the error and the
    student's own line (`usage`, e.g. `'double(x)'`, says how it is called).

    Example:
        >>> def blank(x):
        ...     raise NotImplementedError()
        >>> try:
        ...     call_answer(blank, 1)
        ... except NotDone as e:
        ...     print(e)
        your function raised NotImplementedError. Replace the `raise NotImplementedError()` line with your code.
        >>> try:
        ...     call_answer(lambda: 1, 5, usage='double(x)')
        ... except Wrong as e:
        ...     print(e)
        your function takes no arguments, but it is called with 1, as double(x).
    """
    if usage is not None and not isinstance(usage, str):
        wrong_type("call_answer", "usage", "a string (how the function is called, e.g. 'double(x)') or None", usage)
    return run_answer(fn, args, usage)


def run_answer(
    fn: Any,
    args: Sequence[Any],
    usage: str | None = None,
    explain: Callable[[BaseException], str | None] | None = None,
    subject: str = "your function",
) -> Any:
    """`call_answer`, for the built-in checkers: `explain(error)` adds an exercise's
    own hint to a crash, and `subject` names what was called in the messages.

    Example:
        >>> def inverse(x):
        ...     return 1 / x
        >>> try:
        ...     run_answer(inverse, (0,), 'inverse(x)', lambda e: 'x may be 0.', 'your inverse')
        ... except Wrong as e:
        ...     print(e)
        your inverse raised ZeroDivisionError: division by zero (at `return 1 / x`). Hint: x may be 0.
    """
    if not callable(fn):
        what = f" such as {usage}" if usage else ""
        raise Wrong(f"expected a function{what}, got {type(fn).__name__}: {short_repr(fn)}")
    sig = signature_of(fn)
    if sig is not None:
        try:
            sig.bind(*args)
        except TypeError:
            raise Wrong(
                f"your function takes {_takes(sig)}, but it is called with {len(args)}"
                + (f", as {usage}." if usage else ".")
            ) from None
    try:
        return fn(*args)
    except (Wrong, NotDone):
        raise
    except NotImplementedError as e:
        frames = traceback.extract_tb(e.__traceback__)
        if frames and not in_package(frames[-1].filename):  # the blank's own raise
            raise NotDone(
                f"{subject} raised NotImplementedError. Replace the "
                "`raise NotImplementedError()` line with your code."
            ) from None
        raise Wrong(f"{subject} raised {where_raised(e)}") from None
    except Exception as e:
        hint = explain(e) if explain is not None else None
        if hint is None and isinstance(e, RecursionError):
            hint = "your code calls a function inside itself more times than Python allows."
        raise Wrong(f"{subject} raised {where_raised(e)}" + (f". Hint: {hint}" if hint else "")) from None
