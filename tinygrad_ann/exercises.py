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
"""

from __future__ import annotations

import contextlib
import inspect
import json
import math
import os
import random
import re
import signal
import sys
import sysconfig
import threading
import time
import traceback
from dataclasses import dataclass
from typing import Any, Callable, Iterator, NamedTuple, Sequence

from .engine import Value, has_own_backward, custom_op, is_custom_op, no_grad
from .functional import GradcheckError, gradcheck

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


EXERCISES: dict[str, Exercise] = {}


def exercise(name: str, task: str, time_limit: float = 10.0) -> Callable[[Checker], Checker]:
    """Register the decorated function as the checker of exercise `name`.

    The checker gets the student's answer. It returns a short text saying what
    was right (shown after "passed —"), or raises `Wrong` or `NotDone` with the
    words to show. Any other error is reported in one line, pointing at the
    student's own line of code. `check` stops the checker after `time_limit`
    seconds (0: never), where the system allows: on the main thread of Linux and macOS.
    Defining an exercise again under the same name replaces it.

    Example:
        >>> @exercise('square', "def square(v): return v * v for a Value v.", time_limit=5)
        ... def check_square(answer):
        ...     got = call_answer(answer, Value(3.0), usage='square(v)')
        ...     if not isinstance(got, Value) or got.data != 9.0:
        ...         raise Wrong(f"square(Value(3.0)) should be a Value with data 9, got {got!r}")
        ...     return "square(3) is 9."
        >>> check('square', lambda v: v * v).passed
        True
    """
    if not isinstance(name, str) or not name:
        raise ValueError(f"exercise: the name must be a non-empty string, got {name!r}")

    def register(checker: Checker) -> Checker:
        if not callable(checker):
            raise TypeError(f"exercise({name!r}): decorate a function, got {type(checker).__name__}")
        EXERCISES[name] = Exercise(task, checker, float(time_limit))
        return checker

    return register


def check(name: str, answer: Any, time_limit: float | None = None) -> CheckResult:
    """Check a student's `answer` to exercise `name`; explain what is wrong if anything.

    Never raises for a mistake in the answer: the result says what happened. An
    answer that runs longer than `time_limit` seconds (default: the exercise's
    own, 10 s for most; 0 for none) is stopped, as is one that keeps eating
    memory; so is one the student interrupts.

    Example:
        >>> def mse_unfinished(preds, targets):
        ...     raise NotImplementedError()
        >>> print(check('mse', mse_unfinished))
        ⏳ mse: not done yet — your function raised NotImplementedError. Replace the `raise NotImplementedError()` line with your code.
        >>> print(check('mse', lambda preds, targets: preds[0]))
        ❌ mse: for preds [0.5, -1, 2] and targets [1, -1, 0] the loss is 0.5 but should be 1.41667: square each difference (pred - target) ** 2, then average them.
    """
    if name not in EXERCISES:
        raise ValueError(f"check: no exercise {name!r}; the exercises are: {', '.join(EXERCISES)}")
    ex = EXERCISES[name]
    limit = ex.time_limit if time_limit is None else float(time_limit)
    start = time.monotonic()
    try:
        with _time_limit(limit):
            detail = ex.checker(answer)
    except NotDone as e:
        return CheckResult(name, False, f"⏳ {name}: not done yet — {e}")
    except Wrong as e:
        return CheckResult(name, False, f"❌ {name}: {e}")
    except _Stopped as e:
        return CheckResult(name, False, f"❌ {name}: stopped — {e.why}{_running(e)}{e.hint}")
    except KeyboardInterrupt as e:
        return CheckResult(
            name, False,
            f"❌ {name}: stopped — you interrupted it after {time.monotonic() - start:.1f} s{_running(e)}. "
            f"If your code never finishes, look for a loop that never ends.",
        )
    except Exception as e:  # a mistake the checker did not foresee (or a bug in a checker)
        span = _code_span(ex.checker)
        if _student_frame(traceback.extract_tb(e.__traceback__), span) is not None:
            return CheckResult(name, False, f"❌ {name}: your code raised {_where(e, span)}")
        return CheckResult(
            name, False,
            f"❌ {name}: the checker could not make sense of your answer ({_one_line(e)}). "
            f"Show this to your teacher.",
        )
    finally:
        _undo_patches()
    return CheckResult(name, True, f"✅ {name}: passed — {detail}")


# ---------------------------------------------------------------------------
# Running the student's code: plain-words errors, the student's own line, a time limit
# ---------------------------------------------------------------------------

_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep
_LIBRARIES = tuple(
    {os.path.abspath(p) + os.sep for key in ("stdlib", "platstdlib", "purelib", "platlib")
     if (p := sysconfig.get_paths().get(key))}
)


def _in_package(filename: str) -> bool:
    return os.path.abspath(filename).startswith(_PACKAGE)


def _code_span(fn: Any) -> tuple[str, int, int] | None:
    """(file, first line, last line) of a function's code, or None."""
    code = getattr(fn, "__code__", None)
    if code is None:
        return None
    lines = [line for _, _, line in code.co_lines() if line is not None]
    return code.co_filename, code.co_firstlineno, max(lines, default=code.co_firstlineno)


def _student_frame(
    frames: traceback.StackSummary, checker: tuple[str, int, int] | None = None
) -> traceback.FrameSummary | None:
    """The innermost frame of the student's own code: not tinygrad_ann, not Python's
    library, not the lines of the `checker` (a teacher's, outside the package)."""
    outside = [f for f in frames if not _in_package(f.filename)
               and not (checker and f.filename == checker[0] and checker[1] <= (f.lineno or 0) <= checker[2])]
    for f in reversed(outside):
        if not os.path.abspath(f.filename).startswith(_LIBRARIES):
            return f
    return outside[-1] if outside else None


# The engine's errors from a custom op's forward or derivative: "custom_op 'cube':
# forward(2.0) raised ValueError: math domain error", or "... returned None; ...".
_CUSTOM_OP_ERROR = re.compile(r"custom_op '[^']*': (\w+\(.*?\)) (?:raised (\w+): (.*)|(returned .*))", re.S)


def _one_line(e: BaseException, limit: int = 300) -> str:
    text = " ".join(str(e).split())
    custom = _CUSTOM_OP_ERROR.fullmatch(text)
    if custom:  # the student's own function failed: say that, in the student's words
        call, kind, message, returned = custom.groups()
        return f"{kind}: {message} (in {call})" if kind else f"{type(e).__name__}: {call} {returned}"
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return f"{type(e).__name__}: {text}" if text else type(e).__name__


def _where(e: BaseException, checker: tuple[str, int, int] | None = None) -> str:
    """'TypeError: ... (at `x.grad += ...`)': the error and the student's own line, no traceback."""
    frames = traceback.extract_tb(e.__traceback__)
    own = _student_frame(frames, checker)
    what = _one_line(e)
    if own is None or not own.line:
        return what
    if frames[-1] is own:
        return f"{what} (at `{own.line.strip()}`)"
    inside = "tinygrad_ann" if _in_package(frames[-1].filename) else os.path.basename(frames[-1].filename)
    return f"{what} (raised inside {inside}, called from your line `{own.line.strip()}`)"


def _running(e: BaseException) -> str:
    """', while running `line`': where a stopped answer was, if it was in the student's code."""
    own = _student_frame(traceback.extract_tb(e.__traceback__))
    return f", while running your line `{own.line.strip()}`" if own is not None and own.line else ""


def _signature_of(fn: Any) -> inspect.Signature | None:
    try:
        return inspect.signature(fn)
    except (TypeError, ValueError):
        return None


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
    return _call(fn, args, usage)


def _call(
    fn: Any,
    args: Sequence[Any],
    usage: str | None = None,
    explain: Callable[[BaseException], str | None] | None = None,
    subject: str = "your function",
) -> Any:
    """`call_answer`, with `explain(error)` adding an exercise's own hint to a crash,
    and `subject` naming what was called in the messages."""
    if not callable(fn):
        what = f" such as {usage}" if usage else ""
        raise Wrong(f"expected a function{what}, got {type(fn).__name__}: {_short(fn)}")
    sig = _signature_of(fn)
    if sig is not None:
        try:
            sig.bind(*args)
        except TypeError:
            takes = _takes(sig)
            n = len(args)
            raise Wrong(
                f"your function takes {takes}, but it is called with {n}"
                + (f", as {usage}." if usage else ".")
            ) from None
    try:
        return fn(*args)
    except (Wrong, NotDone):
        raise
    except NotImplementedError as e:
        frames = traceback.extract_tb(e.__traceback__)
        if frames and not _in_package(frames[-1].filename):  # the blank's own raise
            raise NotDone(
                f"{subject} raised NotImplementedError. Replace the "
                "`raise NotImplementedError()` line with your code."
            ) from None
        raise Wrong(f"{subject} raised {_where(e)}") from None
    except Exception as e:
        hint = explain(e) if explain is not None else None
        if hint is None and isinstance(e, RecursionError):
            hint = "your code calls a function inside itself more times than Python allows."
        raise Wrong(f"{subject} raised {_where(e)}" + (f". Hint: {hint}" if hint else "")) from None


def _takes(sig: inspect.Signature) -> str:
    names = [p.name for p in sig.parameters.values()]
    if not names:
        return "no arguments"
    return f"{_plural(len(names), 'argument')} ({', '.join(names)})"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _short(x: Any, limit: int = 80) -> str:
    text = repr(x)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Stopped(BaseException):
    """Raised by the time limit inside the student's code. A BaseException, so that
    an `except Exception` in the student's code does not swallow it."""

    def __init__(self, why: str, hint: str) -> None:
        super().__init__(why)
        self.why, self.hint = why, hint


_TICK = 0.2  # seconds between looks at the clock and the memory
_MEMORY_LIMIT = 2 * 1024**3  # bytes the answer may add to the process before it is stopped
_limit_active = False


def _memory_used() -> int | None:
    """The process's memory in bytes (resident now on Linux; the peak elsewhere), or None."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        pass
    try:
        import resource
    except ImportError:
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def _size(n: int) -> str:
    return f"{n / 1024**3:g} GB" if n >= 1024**3 else f"{n / 1024**2:.0f} MB"


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Stop the code inside after `seconds` (or when it eats memory), where signals allow.

    A timer (SIGALRM) looks every 0.2 s; it needs a main thread and
    `signal.setitimer` (Linux, macOS). Elsewhere, inside another limit, or while
    a timer of the caller's is running (which it must not cancel), the code
    simply runs.
    """
    global _limit_active
    usable = (
        seconds > 0
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and not _limit_active
        and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    )
    if not usable:
        yield
        return
    start, base = time.monotonic(), _memory_used()
    armed = [True]

    def tick(signum: int, frame: Any) -> None:
        if not armed[0]:
            return
        elapsed = time.monotonic() - start
        if elapsed > seconds:
            raise _Stopped(
                f"your code took more than {seconds:g} s",
                ". Is there a loop that never ends (a `while` whose condition stays true, "
                "or a list that grows while you loop over it)?",
            )
        used = _memory_used()
        if base is not None and used is not None and used - base > _MEMORY_LIMIT:
            raise _Stopped(
                f"your code used more than {_size(_MEMORY_LIMIT)} of memory in {elapsed:.1f} s",
                ". Is there a loop that never ends and keeps adding to a list?",
            )

    previous = signal.getsignal(signal.SIGALRM)
    try:
        signal.signal(signal.SIGALRM, tick)
        signal.setitimer(signal.ITIMER_REAL, _TICK, _TICK)
        _limit_active = True
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)  # first: no tick can land after this
        armed[0] = False
        _limit_active = False
        signal.signal(signal.SIGALRM, signal.SIG_DFL if previous is None else previous)


# Changes to the library a checker makes while the student's code runs (hiding
# `Value.topological_order`); `check` undoes any left over, after the time limit is off.
_patches: list[Callable[[], None]] = []


def _undo_patches() -> None:
    while _patches:
        _patches.pop()()


@contextlib.contextmanager
def _without(cls: type, attribute: str, message: str) -> Iterator[None]:
    """Make `cls.attribute` raise `Wrong(message)` while the block runs."""
    original = cls.__dict__[attribute]

    def unavailable(*args: Any, **kwargs: Any) -> Any:
        raise Wrong(message)

    def undo() -> None:
        setattr(cls, attribute, original)

    _patches.append(undo)  # first: were we stopped inside setattr, check() still undoes it
    try:
        setattr(cls, attribute, unavailable)
        yield
    finally:
        undo()
        _patches.remove(undo)


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _close(a: Any, b: float, tol: float = 1e-6) -> bool:
    return _is_number(a) and abs(a - b) <= tol * max(1.0, abs(b))


def _fmt(x: Any) -> str:
    return f"{x:.6g}" if _is_number(x) else _short(x)


def _fmt_list(xs: Sequence[Any]) -> str:
    return "[" + ", ".join(_fmt(x) for x in xs) + "]"


# ---------------------------------------------------------------------------
# 1. Derivatives by hand
# ---------------------------------------------------------------------------

_CHAIN_TASK = (
    "x = 3, y = -1, z = 4; s = x + y; t = s * z; L = t * x. Give dL/dv for every v as a dict "
    "{'x': ..., 'y': ..., 'z': ..., 's': ..., 't': ...}, or a function returning it."
)
_CHAIN_HINTS = {
    "t": "L = t * x, so dL/dt = x.",
    "s": "t = s * z, so dL/ds = dL/dt * z.",
    "z": "t = s * z, so dL/dz = dL/dt * s.",
    "y": "s = x + y: a + passes the gradient on unchanged, so dL/dy = dL/ds.",
    "x": "x is used twice, in s = x + y and in L = t * x: dL/dx is the sum of both "
         "contributions, dL/ds * 1 (through s) + t (straight into L).",
}


def _chain_graph() -> dict[str, Value]:
    x, y, z = Value(3.0, label="x"), Value(-1.0, label="y"), Value(4.0, label="z")
    s = x + y
    t = s * z
    L = t * x
    return {"x": x, "y": y, "z": z, "s": s, "t": t, "L": L}


@exercise("chain_rule", _CHAIN_TASK)
def _check_chain_rule(answer: Any) -> str:
    if callable(answer):  # a function that returns the dict (so a blank can raise)
        answer = _call(answer, (), "chain_rule_answer()")
    if answer is None or answer is ... or answer == {}:
        raise NotDone("fill in the dictionary of derivatives.")
    if not isinstance(answer, dict):
        raise Wrong(f"expected a dict like {{'x': 1.0, ...}}, got {type(answer).__name__}")
    nodes = _chain_graph()
    nodes["L"].backward()
    expected = {k: v.grad for k, v in nodes.items() if k != "L"}
    missing = [k for k in expected if k not in answer]
    if missing:
        raise Wrong(f"the dict has no entry for {', '.join(repr(k) for k in missing)}.")
    if any(answer[k] is None or answer[k] is ... for k in expected):
        raise NotDone("some derivatives are still blank (None or ...).")
    for name in ("t", "s", "z", "y", "x"):  # the order backprop finds them
        got = answer[name]
        if isinstance(got, Value):
            raise Wrong(f"dL/d{name} is a Value: give the numbers themselves, e.g. 2.0, not Values.")
        if not _is_number(got):
            raise Wrong(f"dL/d{name} is {type(got).__name__} {got!r}: give a number, e.g. 2.0.")
        if not _close(got, expected[name]):
            hint = _CHAIN_HINTS[name]
            if name == "x" and (_close(got, nodes["t"].data) or _close(got, expected["s"])):
                hint = "that is one of the two contributions only. " + hint
            raise Wrong(f"dL/d{name}: you gave {got!r}, but it is {_fmt(expected[name])}. Hint: {hint}")
    return "all five derivatives are right. That is backpropagation done by hand."


# ---------------------------------------------------------------------------
# 2. Local derivatives: write an op's _backward
# ---------------------------------------------------------------------------

_START, _OUT_GRAD = 0.5, 1.7  # operands start at grad 0.5 (not 0), so `=` instead of `+=` shows


class _Rule(NamedTuple):
    """How one op's backward exercise is checked."""

    usage: str  # how the student's function is called
    build: Callable[[list[Value], tuple[float, ...]], Value]  # the node, from operands and constants
    names: tuple[str, ...]  # the operands' names (Values)
    constants: tuple[str, ...]  # the names of the numbers passed after `out`
    points: list[tuple[float, ...]]
    hint: str
    value_hint: str  # what to say when a grad became a Value
    explain: Callable[[BaseException], str | None] | None = None


def _check_rule(student: Any, rule: _Rule) -> str:
    """Run `student(out, *constants)` on a node; compare with the engine's own rule on a twin."""
    k = len(rule.names)
    for xs in rule.points:
        consts = tuple(xs[k:])
        where = ", ".join(f"{n} = {_fmt(x)}" for n, x in zip(rule.names + rule.constants, xs))
        # The engine's answer, worked out before the student's code runs.
        ref = [Value(x) for x in xs[:k]]
        ref_out = rule.build(ref, consts)
        ref_out.grad = _OUT_GRAD
        for v in ref:
            v.grad = _START
        ref_out._backward()
        want = [v.grad - _START for v in ref]
        # The student's answer on an identical node.
        ins = [Value(x, label=n) for x, n in zip(xs, rule.names)]
        out = rule.build(ins, consts)
        out_data = out.data
        out.grad = _OUT_GRAD
        for v in ins:
            v.grad = _START
        returned = _call(student, (out, *consts), rule.usage, rule.explain)
        _grads_are_numbers(ins, rule.names, rule.value_hint)
        _left_alone(out, out_data, ins, xs, rule.names, where)
        if returned is not None and all(v.grad == _START for v in ins):
            raise Wrong(
                f"at {where} your function returned {_short(returned)} but left the operands' "
                f"grads unchanged. A _backward rule returns nothing: it adds to `operand.grad` with +=."
            )
        for n, v, w in zip(rule.names, ins, want):
            got = v.grad - _START
            if _close(got, w):
                continue
            if _close(v.grad, w):
                raise Wrong(
                    f"at {where} {n}.grad was overwritten: use += (accumulate), not =, because a "
                    f"value used twice gets gradient from both uses."
                )
            sign = " The sign is flipped." if _close(got, -w) and w != 0 else ""
            raise Wrong(
                f"at {where} with out.grad = {_OUT_GRAD}, {n}.grad should grow by {_fmt(w)} but grew "
                f"by {_fmt(got)}.{sign} Hint: {rule.hint}"
            )
    return f"your rule matches the engine at {len(rule.points)} points (and accumulates with +=)."


def _grads_are_numbers(ins: Sequence[Value], names: Sequence[str], value_hint: str) -> None:
    for n, v in zip(names, ins):
        if isinstance(v.grad, Value):
            raise Wrong(f"{n}.grad became a Value: {value_hint}")
        if not _is_number(v.grad):
            raise Wrong(
                f"{n}.grad became {type(v.grad).__name__} {_short(v.grad)}: a grad must stay a number; "
                f"add a number to it with +=."
            )


def _left_alone(out: Value, out_data: float, ins: Sequence[Value], xs: Sequence[float],
                names: Sequence[str], where: str) -> None:
    """A backward rule only adds to its operands' grads: everything else must be as it was."""
    for n, v, x in zip(names, ins, xs):
        if not (_is_number(v.data) and v.data == x):
            raise Wrong(
                f"at {where} your rule changed {n}.data (from {_fmt(x)} to {_fmt(v.data)}): a _backward "
                f"rule leaves every .data alone; it only adds to the operands' grads."
            )
    if not (_is_number(out.data) and out.data == out_data):
        raise Wrong(f"at {where} your rule changed out.data: leave it alone; it only reads out.data.")
    if not (_is_number(out.grad) and out.grad == _OUT_GRAD):
        raise Wrong(
            f"at {where} your rule changed out.grad (from {_OUT_GRAD} to {_fmt(out.grad)}): it only reads "
            f"out.grad, and adds to the operands' grads."
        )


_TANH = _Rule(
    "tanh_backward(out)", lambda v, c: v[0].tanh(), ("x",), (),
    [(0.0,), (0.5,), (-1.3,), (2.0,), (-4.0,)],
    "out.data already holds tanh(x), and d tanh(x)/dx = 1 - tanh(x)^2; multiply by out.grad (chain rule).",
    "use out.data (the number tanh(x)) in the derivative, not the Value out.",
)


@exercise("tanh_backward", "def tanh_backward(out): push out.grad into x = out._prev[0] with the local derivative of tanh.")
def _check_tanh_backward(student: Any) -> str:
    return _check_rule(student, _TANH)


_SIGMOID = _Rule(
    "sigmoid_backward(out)", lambda v, c: v[0].sigmoid(), ("x",), (),
    [(0.0,), (0.7,), (-2.2,), (5.0,)],
    "with s = out.data = sigmoid(x), d sigmoid(x)/dx = s * (1 - s); multiply by out.grad.",
    "use out.data (the number sigmoid(x)) in the derivative, not the Value out.",
)


@exercise("sigmoid_backward", "def sigmoid_backward(out): push out.grad into x = out._prev[0] with the local derivative of sigmoid.")
def _check_sigmoid_backward(student: Any) -> str:
    return _check_rule(student, _SIGMOID)


_MUL = _Rule(
    "mul_backward(out)", lambda v, c: v[0] * v[1], ("a", "b"), (),
    [(2.0, -3.0), (0.5, 4.0), (-1.5, -0.25)],
    "d(a*b)/da = b and d(a*b)/db = a (their .data); multiply each by out.grad.",
    "use a.data and b.data, the numbers, in the derivatives, not the Values a and b.",
)


@exercise("mul_backward", "def mul_backward(out): a, b = out._prev; push out.grad into both with the local derivatives of a*b.")
def _check_mul_backward(student: Any) -> str:
    detail = _check_rule(student, _MUL)
    # a * a: both operands are the same Value; its grad must get both contributions.
    a = Value(3.0, label="a")
    out = a * a
    out.grad = 1.0
    _call(student, (out,), _MUL.usage)
    _grads_are_numbers([a], ["a"], _MUL.value_hint)
    if not _close(a.grad, 6.0):
        raise Wrong(
            f"for out = a * a with a = 3, a.grad should be 2*3 = 6 but is {_fmt(a.grad)}. "
            f"Both operands are the same Value: add both contributions with +=."
        )
    return detail


def _explain_pow(e: BaseException) -> str | None:
    text = str(e)
    if isinstance(e, ValueError) and "unpack" in text:
        return ("out._prev holds one operand, the base a: in a ** n with a number n, n is not a "
                "Value and not in _prev. It comes as your function's second argument, n.")
    if isinstance(e, AttributeError) and "'float'" in text:
        return "n is a plain number already (not a Value): use n itself, not n.data."
    return None


_POW = _Rule(
    "pow_backward(out, n)", lambda v, c: v[0] ** c[0], ("a",), ("n",),
    [(2.0, 3.0), (1.5, 2.0), (4.0, 0.5), (0.3, -1.0), (-1.5, 3.0)],
    "d(a^n)/da = n * a^(n-1): use n and a.data, then multiply by out.grad.",
    "use a.data (the number) in the derivative, not the Value a.",
    _explain_pow,
)


@exercise(
    "pow_backward",
    "def pow_backward(out, n): out = a ** n with a number n, so out._prev is (a,); "
    "push out.grad into a. The checker passes the exponent n as the second argument.",
)
def _check_pow_backward(student: Any) -> str:
    return _check_rule(student, _POW)


# ---------------------------------------------------------------------------
# 3. The topological sort
# ---------------------------------------------------------------------------

_DEEP = 5000  # ops in the deep chain: far past Python's default limit of 1000 nested calls


def _graphs() -> list[tuple[str, Value]]:
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    single = a * b + a  # a is used twice
    x = Value(0.5, label="x")
    y = x.tanh()
    diamond = (y * 2) + (y.exp())  # y feeds two nodes that meet again
    r = Value(1.5, label="r")
    s = r + 1
    layered = r * 2 + s * 3  # s is two steps from the root, r one and two: breadth first fails
    u = Value(1.0, label="u")
    same = u + u  # one Value on both sides
    chain = Value(0.1, label="c")
    for _ in range(_DEEP // 2):
        chain = chain * 1.01 + 0.001
    leaf = Value(7.0, label="leaf")
    return [
        ("a*b + a", single), ("a diamond", diamond), ("r*2 + (r+1)*3", layered),
        ("u + u", same), (f"a chain {_DEEP} ops deep", chain), ("a single leaf", leaf),
    ]


def _node(v: Value) -> str:
    name = f" {v.label!r}" if v.label else ""
    kind = f"the {v._op!r} node" if v._op else "the leaf"
    return f"{kind}{name} (data {_fmt(v.data)})"


def _explain_topo(e: BaseException) -> str | None:
    if isinstance(e, RecursionError):
        return (f"your function calls itself once per level of the graph, and one graph is a chain "
                f"{_DEEP} ops deep; Python stops at about {sys.getrecursionlimit()} nested calls. "
                f"Recursion is the flaw to avoid here: use a loop, with a list as your own stack.")
    return None


@contextlib.contextmanager
def _recursion_limit_at_most(limit: int) -> Iterator[None]:
    """Python's usual limit on nested calls while the block runs (if it was raised)."""
    before = sys.getrecursionlimit()
    depth, frame = 0, inspect.currentframe()
    while frame is not None:
        depth, frame = depth + 1, frame.f_back
    try:
        sys.setrecursionlimit(max(depth + 200, min(before, limit)))
        yield
    finally:
        sys.setrecursionlimit(before)


_OWN_SORT = ("your function called the library's own topological_order(): write your own, "
             "visiting each node's operands (`_prev`) with a `visited` set.")


@exercise("topological_sort", "def topological_sort(root): return every node root depends on (root too), each after its operands.")
def _check_topological_sort(student: Any) -> str:
    for name, root in _graphs():
        expected = root.topological_order()  # the library's, before the student's code runs
        with _without(Value, "topological_order", _OWN_SORT), _recursion_limit_at_most(1000):
            order = _call(student, (root,), "topological_sort(root)", _explain_topo)
            if not isinstance(order, (list, tuple, set, frozenset, dict)) and hasattr(order, "__next__"):
                order = _call(list, (order,), "topological_sort(root)", _explain_topo)  # a generator
        if order is None:
            raise Wrong(f"for {name}, your function returned None: return the list of nodes.")
        if isinstance(order, (set, frozenset, dict)):
            raise Wrong(f"for {name}, your function returned a {type(order).__name__}, which keeps no "
                        f"order: collect the nodes in a list (and keep a separate `visited` set).")
        try:
            order = list(order)
        except TypeError:
            raise Wrong(f"for {name}, your function returned {type(order).__name__}, not a list of Values.") from None
        stranger = next((v for v in order if not isinstance(v, Value)), None)
        if stranger is not None:
            what = ("their labels" if isinstance(stranger, str)
                    else "their data" if _is_number(stranger) else "something else")
            raise Wrong(f"for {name}, your list holds {type(stranger).__name__} {_short(stranger)}, not "
                        f"Values: return the Values themselves (the nodes), not {what}.")
        ids = [id(v) for v in order]
        if len(set(ids)) != len(ids):
            raise Wrong(f"for {name}, some node appears more than once: keep a `visited` set.")
        wanted, got = {id(v) for v in expected}, set(ids)
        missing = [v for v in expected if id(v) not in got]
        if missing:
            if missing[-1] is root:
                raise Wrong(f"for {name}, your list leaves out root itself: it belongs at the end.")
            raise Wrong(f"for {name}, your list has {len(order)} nodes but the graph has {len(expected)}; "
                        f"it leaves out {_node(missing[0])}. Visit every operand in `_prev`, and theirs, "
                        f"and include the root.")
        if len(ids) != len(wanted):
            raise Wrong(f"for {name}, your list has {len(order)} nodes but the graph has {len(expected)}: "
                        f"it holds nodes that root does not depend on.")
        position = {id(v): i for i, v in enumerate(order)}
        for v in order:
            for child in v._prev:
                if position[id(child)] > position[id(v)]:
                    raise Wrong(f"for {name}, {_node(v)} comes before its operand {_node(child)}: add a "
                                f"node only after all its operands.")
    return (f"every node once, each after its operands, on six graphs (shared nodes, a diamond, "
            f"a chain {_DEEP} ops deep).")


# ---------------------------------------------------------------------------
# 4. A neuron's forward pass, an SGD step, MSE
# ---------------------------------------------------------------------------


def _list_left_alone(given: list[Any], now: list[Any], what: str, job: str) -> None:
    """`given` must still hold what it held (`now`, a copy taken before the call)."""
    if len(given) != len(now) or any(a is not b and a != b for a, b in zip(given, now)):
        raise Wrong(
            f"your function changed the list {what} (it held {_plural(len(now), 'item')}, it now "
            f"{'holds ' + str(len(given)) if len(given) != len(now) else 'holds others'}): {job} must "
            f"leave its inputs alone; build what you need in a new variable."
        )


@exercise("neuron_forward", "def neuron_forward(w, x, b): return tanh(w[0]*x[0] + ... + w[n-1]*x[n-1] + b) as a Value.")
def _check_neuron_forward(student: Any) -> str:
    rng = random.Random(0)
    for n in (1, 2, 5):
        wd = [rng.uniform(-1, 1) for _ in range(n)]
        xd = [rng.uniform(-2, 2) for _ in range(n)]
        bd = rng.uniform(-0.5, 0.5)
        pre = sum(wi * xi for wi, xi in zip(wd, xd)) + bd  # worked out before the student's code runs
        expected = math.tanh(pre)
        w, x, b = [Value(v, label=f"w[{i}]") for i, v in enumerate(wd)], list(xd), Value(bd, label="b")
        w_before = list(w)
        out = _call(student, (w, x, b), "neuron_forward(w, x, b)")
        _list_left_alone(w, w_before, "w", "a forward pass")
        _list_left_alone(x, xd, "x", "a forward pass")
        for v, d in zip(w + [b], wd + [bd]):
            if v.data != d:
                raise Wrong(f"your function changed {v.label}.data: a forward pass only reads the weights.")
        if not isinstance(out, Value):
            raise Wrong(
                f"with {_plural(n, 'input')} your function returned {type(out).__name__}, not a Value: "
                f"compute with the Values w and b (not .data) so that backward() can reach them."
            )
        if not _close(out.data, expected):
            hint = (
                "you seem to have left out tanh." if _close(out.data, pre)
                else "that is sigmoid; this neuron uses tanh." if _close(out.data, 1 / (1 + math.exp(-pre)))
                else "you seem to have left out the bias b." if _close(out.data, math.tanh(pre - bd))
                else "sum w[i]*x[i] over all i, add b, then apply .tanh()."
            )
            raise Wrong(f"with {_plural(n, 'input')} the output is {_fmt(out.data)} but should be {_fmt(expected)}: {hint}")
        out.backward()
        slope = 1 - expected**2
        for i, wi in enumerate(w):
            if not _close(wi.grad, slope * xd[i]):
                raise Wrong(f"the gradient does not reach w[{i}]: build the output from the Values in w, not from numbers.")
        if not _close(b.grad, slope):
            raise Wrong("the gradient does not reach b: add the Value b itself, not b.data.")
    return "the output and its gradients are right for 1, 2 and 5 inputs."


@exercise("sgd_step", "def sgd_step(params, lr): move every parameter's data one step downhill, by lr times its grad.")
def _check_sgd_step(student: Any) -> str:
    start, grads, lr = [1.0, -2.0, 0.5], [0.5, -1.0, 0.0], 0.1
    expected = [p - lr * g for p, g in zip(start, grads)]
    uphill = [p + lr * g for p, g in zip(start, grads)]
    params = [Value(p) for p in start]
    for p, g in zip(params, grads):
        p.grad = g
    result = _call(student, (params, lr), "sgd_step(params, lr)")
    got = [p.data for p in params]
    for i, d in enumerate(got):
        if not _is_number(d):
            raise Wrong(f"params[{i}].data became {type(d).__name__} {_short(d)}: data must stay a number; "
                        f"compute the step with the numbers p.data and p.grad, not the Value p.")
    if all(_close(g, e) for g, e in zip(got, expected)):
        if [p.grad for p in params] != grads:
            raise Wrong("the data are right, but the step changed the grads: leave p.grad alone (zero_grad does that).")
        return "every parameter moved by -lr * grad."
    if all(_close(g, e) for g, e in zip(got, uphill)):
        raise Wrong("the parameters moved uphill: subtract lr * p.grad (gradient *descent*).")
    if got == start:
        raise Wrong(
            f"no parameter changed{' (your function returned a value instead)' if result is not None else ''}: "
            f"update each p.data in place."
        )
    raise Wrong(f"with lr = {lr} and grads {_fmt_list(grads)}, data should become {_fmt_list(expected)} "
                f"but became {_fmt_list(got)}.")


@exercise("mse", "def mse(preds, targets): the mean of (pred - target)^2 over the samples, as a Value.")
def _check_mse(student: Any) -> str:
    cases = [([0.5, -1.0, 2.0], [1.0, -1.0, 0.0]), ([3.0], [1.0]), ([0.1, 0.2, 0.3, 0.4], [0.0, 0.0, 1.0, -1.0])]
    for pd, td in cases:
        n = len(pd)
        # The expected loss and gradients, worked out before the student's code runs.
        expected = sum((p - t) ** 2 for p, t in zip(pd, td)) / n
        slopes = [2 * (p - t) / n for p, t in zip(pd, td)]
        preds, targets = [Value(p) for p in pd], list(td)
        preds_before = list(preds)
        out = _call(student, (preds, targets), "mse(preds, targets)")
        _list_left_alone(preds, preds_before, "preds", "a loss")
        _list_left_alone(targets, td, "targets", "a loss")
        if any(v.data != p for v, p in zip(preds, pd)):
            raise Wrong("your function changed the data of a prediction: a loss only reads them.")
        if not isinstance(out, Value):
            raise Wrong(f"your function returned {type(out).__name__}, not a Value: compute with the Values in preds.")
        if not _close(out.data, expected):
            hint = (
                "that is the sum: divide by the number of samples for the mean."
                if _close(out.data, expected * n)
                else "square each difference (pred - target) ** 2, then average them."
            )
            raise Wrong(f"for preds {_fmt_list(pd)} and targets {_fmt_list(td)} the loss is {_fmt(out.data)} "
                        f"but should be {_fmt(expected)}: {hint}")
        out.backward()
        for i, slope in enumerate(slopes):
            if not _close(preds[i].grad, slope):
                raise Wrong(f"the gradient of preds[{i}] is {_fmt(preds[i].grad)}, expected "
                            f"2(pred - target)/n = {_fmt(slope)}: compute the loss from the Values in preds.")
    return "the loss and its gradients are right on three batches."


# ---------------------------------------------------------------------------
# 5. Train a network; check a custom op
# ---------------------------------------------------------------------------


def _takes_no_arguments(fn: Any) -> bool:
    sig = _signature_of(fn)
    if sig is None:
        return False
    return all(p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
               for p in sig.parameters.values())


def _not_a_model(thing: Any, who: str) -> str:
    if isinstance(thing, dict):
        return (f"{who} a dict{' (the history that fit returns)' if 'loss' in thing else ''}, not the model: "
                f"fit trains the model in place, so pass (or `return`) the model itself.")
    if isinstance(thing, tuple):
        return f"{who} a tuple of {len(thing)} things: give just the model."
    return f"{who} {type(thing).__name__} {_short(thing)}, not a model (a function of a point such as an MLP)."


def _score(out: Any, nout_hint: str) -> float:
    """One score from what the model gave for one point."""
    if isinstance(out, (list, tuple)) and len(out) == 1:
        out = out[0]
    if isinstance(out, (list, tuple)):
        raise Wrong(
            f"your model gives {len(out)} numbers for a point; this exercise wants one score per point "
            f"(positive for class 1, negative for class 0, as the hinge loss trains it): end the network "
            f"with one output, e.g. {nout_hint}."
        )
    if isinstance(out, Value):
        out = out.data
    if not _is_number(out):
        raise Wrong(f"your model gave {type(out).__name__} {_short(out)} for a point, not a Value or a number.")
    return float(out)


@exercise(
    "train_moons",
    "Train a model on make_moons(100, noise=0.1, seed=0); pass the model (or a function that "
    "trains and returns it): its one output must classify 90% of unseen moons points.",
    time_limit=300.0,
)
def _check_train_moons(model: Any) -> str:
    if model is None or model is ...:
        raise NotDone("train a model, then pass it to check.")
    if not callable(model):
        raise Wrong(_not_a_model(model, "you passed"))
    if not hasattr(model, "parameters") and _takes_no_arguments(model):
        model = _call(model, (), "train_model()")  # a function that trains and returns the model
        if model is None:
            raise Wrong("your training function returned None: end it with `return model`.")
        if not callable(model):
            raise Wrong(_not_a_model(model, "your training function returned"))
    from .datasets import make_moons

    nin = getattr(model, "nin", None)
    if _is_number(nin) and nin != 2:
        raise Wrong(f"your model takes {nin} inputs, but a moons point is 2 numbers (its x and y): "
                    f"make the first size 2, e.g. MLP(2, [16, 16, 1]).")
    X, y = make_moons(n_samples=200, noise=0.1, seed=12345)  # points it has not seen
    with no_grad():
        scores = [_score(_call(model, (list(x),), "model(point)"), "MLP(2, [16, 16, 1])") for x in X]
    # One output: class 1 when the score is past 0 (a score, e.g. trained with hinge loss) or
    # past 0.5 (a probability, e.g. a sigmoid output trained on 0/1 labels).
    acc = max(sum((s > cut) == (t == 1) for s, t in zip(scores, y)) / len(y) for cut in (0.0, 0.5))
    if acc < 0.9:
        if len({s > 0.0 for s in scores}) == 1 and len({s > 0.5 for s in scores}) == 1:
            hint = ("your model gives every point the same class, so it has not learned yet: is the "
                    "update inside the loop, after zero_grad() and backward()?")
        else:
            hint = "train for more steps, try a learning rate between 0.05 and 1, or a wider hidden layer."
        raise Wrong(f"your model classifies {acc:.0%} of 200 unseen moons points correctly; the target "
                    f"is 90%. Hint: {hint}")
    return f"{acc:.0%} of 200 unseen points classified correctly."




def _explain_custom(e: BaseException) -> str | None:
    # The engine names the call that failed: "custom_op 'cube': forward(2.0) returned
    # None; ..." or "custom_op 'cube': derivative(2.0, 8.0) raised TypeError: ...".
    text = str(e)
    if "derivative(" in text and "positional argument" in text:
        return "derivative(x, y) takes two arguments: the input x and the output y (it may use only one)."
    if "forward(" in text and "(a Value)" in text:
        return "forward works on plain numbers: x is a float; return a float (no Values inside forward)."
    if "forward(" in text and "returned" in text:
        return "forward(x) must return the output as a number, e.g. `return x ** 3`."
    if "'float' object has no attribute" in text:
        return "forward and derivative get plain numbers: x is a float already, so write x, not x.data."
    if "derivative(" in text and "returned" in text:
        return "derivative(x, y) must return the number dy/dx (x is the input, y the output)."
    if isinstance(e, (ValueError, ArithmeticError)):
        return ("the checker tries x from -1.7 to 2.5: choose an op defined for every real x, "
                "such as swish or cube.")
    return None


_OP_POINTS = [-1.7, -0.4, 0.3, 1.2, 2.5]


@exercise("custom_op", "Make an op with custom_op(name, forward, derivative) (e.g. swish or cube) and pass it: it is gradchecked.")
def _check_custom_op(op: Any) -> str:
    if op is None or op is ...:
        raise NotDone("define your op with custom_op, then pass it to check.")
    if op is custom_op:
        raise Wrong("you passed custom_op itself: call it to make your op, e.g. "
                    "cube = custom_op('cube', forward, derivative), and pass cube.")
    if not callable(op):
        raise Wrong(f"expected the op that custom_op returns (a function Value -> Value), got {type(op).__name__}")
    first = _OP_POINTS[0]
    x = Value(first, label="x")
    out = _call(op, (x,), "op(x)", _explain_custom, f"your op, at x = {first},")
    if not isinstance(out, Value):
        raise Wrong(f"your op returned {type(out).__name__} {_short(out)}, not a Value: pass the function "
                    f"that custom_op(name, forward, derivative) returns; it turns a Value into a Value.")
    graph = out.topological_order()
    if not any(v is x for v in graph):
        raise Wrong("your op's result does not depend on its input (backward() cannot reach x): it must "
                    "be made from x by the op custom_op returns.")
    # A node of the student's own op: made by custom_op, or (the lecture's way) with its
    # _backward set by hand; decided now, so ops defined before or after import count.
    own = [v for v in graph if v._op and (is_custom_op(v._op) or has_own_backward(v))]
    if not own:
        used = sorted({v._op for v in graph if v._op})
        raise Wrong(f"your op is built from the library's own ops ({', '.join(map(repr, used))}), not a new "
                    f"one: define it with custom_op(name, forward, derivative) and pass the function it returns.")
    for p in _OP_POINTS:
        subject = f"your op, at x = {p},"
        try:
            gradcheck(lambda v: _call(op, (v,), "op(x)", _explain_custom, subject), [p])
        except GradcheckError as e:
            raise Wrong(f"at x = {p} the derivative disagrees with finite differences: {_one_line(e)}. "
                        f"Hint: check your derivative(x, y) formula (y is forward(x)).") from None
        except (Wrong, NotDone):
            raise
        except Exception as e:  # raised by backward(): the derivative
            hint = _explain_custom(e)
            raise Wrong(f"at x = {p}, backward() raised {_where(e)}" + (f". Hint: {hint}" if hint else "")) from None
    return (f"your op {own[0]._op!r} works with backward(), and its derivative matches finite "
            f"differences at {len(_OP_POINTS)} points.")


# ---------------------------------------------------------------------------
# For teachers: student versions of solution notebooks, and grading them
# ---------------------------------------------------------------------------

BEGIN, END = "BEGIN SOLUTION", "END SOLUTION"
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
    """
    try:
        return _strip(source, markdown)[0]
    except ValueError as e:
        raise ValueError(f"strip_solutions: {e}") from None


def _strip(source: str, markdown: bool) -> tuple[str, int]:
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
    cells with YOUR ANSWER HERE. A marker without
    its partner is a ValueError naming the notebook and the cell; nothing is
    written then. Code cells also lose their outputs and execution times.

    Example:
        >>> make_student_version('solutions/01.ipynb', 'exercises/01.ipynb')   # doctest: +SKIP
        8
    """
    with open(solution_path, encoding="utf-8") as f:
        nb = json.load(f)
    blanks = 0
    for number, cell in enumerate(nb.get("cells", []), 1):
        kind = cell.get("cell_type")
        source = cell.get("source", [])
        text = source if isinstance(source, str) else "".join(source)
        try:
            stripped, count = _strip(text, markdown=kind != "code")
        except ValueError as e:
            first = text.strip().splitlines()[0] if text.strip() else ""
            raise ValueError(f"{os.fspath(solution_path)}: cell {number} ({kind} cell starting "
                             f"{_short(first, 50)}): {e}") from None
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
    """
    return _results(_execute(path, timeout))


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


def _main(argv: Sequence[str] | None = None) -> int:
    """`python -m tinygrad_ann.exercises NOTEBOOK...`: grade each notebook, print every result."""
    paths = list(sys.argv[1:] if argv is None else argv)
    if not paths or paths[0] in ("-h", "--help"):
        print("usage: python -m tinygrad_ann.exercises NOTEBOOK.ipynb [...]\n"
              "Run each notebook and print what each checker in it said.")
        return 0 if paths else 2
    for path in paths:
        try:
            results = grade_notebook(path)
        except (OSError, ValueError) as e:
            print(f"{path}: could not run it: {e}")
            continue
        passed = sum(r.passed for r in results)
        print(f"{path}: {passed} of {len(results)} passed")
        for r in results:
            print(f"  {r.message}")
    return 0


if __name__ == "__main__":
    sys.exit(_main())
