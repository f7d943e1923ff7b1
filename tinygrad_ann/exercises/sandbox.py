"""Running a student's code: a time limit, the student's own line, errors in one line.

The checkers call the student's function; what goes wrong there is reported in
plain words. This file holds what that needs:

- `time_limited(seconds)` stops code that runs too long or eats memory (it
  raises `Stopped`, which an `except Exception` in the student's code cannot
  swallow);
- `student_frame` finds the student's own line in a traceback, `where_raised`
  and `running_line` say where it was, `one_line` turns an error into one line;
- `hiding(cls, attribute, refusal)` hides a library method while the student's
  code runs (the topological sort must not call the library's own), and
  `undo_patches()` puts back any that a stop left hidden;
- `recursion_limit_at_most` keeps Python's usual limit on nested calls.

Example:
    >>> def student():
    ...     return [][0]
    >>> try:
    ...     with time_limited(5):
    ...         student()
    ... except IndexError as e:
    ...     print(where_raised(e))
    IndexError: list index out of range (at `return [][0]`)
"""

from __future__ import annotations

import contextlib
import inspect
import os
import re
import signal
import sys
import sysconfig
import threading
import time
import traceback
from typing import Any, Callable, Iterator

__all__ = [
    "in_package", "code_span", "student_frame", "one_line", "where_raised", "running_line",
    "Stopped", "time_limited", "hiding", "undo_patches", "recursion_limit_at_most",
]

# tinygrad_ann/ (this file is tinygrad_ann/exercises/sandbox.py), and Python's own library.
_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
_LIBRARIES = tuple(
    {os.path.abspath(p) + os.sep for key in ("stdlib", "platstdlib", "purelib", "platlib")
     if (p := sysconfig.get_paths().get(key))}
)


def in_package(filename: str) -> bool:
    """Whether `filename` is a file of tinygrad_ann.

    Example:
        >>> in_package(__file__), in_package(os.__file__)
        (True, False)
    """
    return os.path.abspath(filename).startswith(_PACKAGE)


def code_span(fn: Any) -> tuple[str, int, int] | None:
    """(file, first line, last line) of a function's code, or None (e.g. a builtin).

    Example:
        >>> def f(x):
        ...     return x
        >>> file, first, last = code_span(f)
        >>> last - first, code_span(len)
        (1, None)
    """
    code = getattr(fn, "__code__", None)
    if code is None:
        return None
    lines = [line for _, _, line in code.co_lines() if line is not None]
    return code.co_filename, code.co_firstlineno, max(lines, default=code.co_firstlineno)


def student_frame(
    frames: traceback.StackSummary, checker: tuple[str, int, int] | None = None
) -> traceback.FrameSummary | None:
    """The innermost frame of the student's own code: not tinygrad_ann, not Python's
    library, not the lines of the `checker` (a teacher's, outside the package; see
    `code_span`). None if there is none.

    Example:
        >>> def student():
        ...     return int('x')
        >>> try:
        ...     student()
        ... except ValueError as e:
        ...     frame = student_frame(traceback.extract_tb(e.__traceback__))
        >>> frame.name, frame.line
        ('student', "return int('x')")
    """
    outside = [f for f in frames if not in_package(f.filename)
               and not (checker and f.filename == checker[0] and checker[1] <= (f.lineno or 0) <= checker[2])]
    for f in reversed(outside):
        if not os.path.abspath(f.filename).startswith(_LIBRARIES):
            return f
    return outside[-1] if outside else None


# The engine's errors from a custom op's forward or derivative: "custom_op 'cube':
# forward(2.0) raised ValueError: math domain error", or "... returned None; ...".
_CUSTOM_OP_ERROR = re.compile(r"custom_op '[^']*': (\w+\(.*?\)) (?:raised (\w+): (.*)|(returned .*))", re.S)


def one_line(e: BaseException, limit: int = 300) -> str:
    """The error as one line, 'Kind: message', at most `limit` characters; an error
    in a custom op's forward or derivative is said in the student's words.

    Example:
        >>> one_line(ValueError('two\\n   lines'))
        'ValueError: two lines'
        >>> one_line(ValueError("custom_op 'cube': forward(2.0) raised ValueError: math domain error"))
        'ValueError: math domain error (in forward(2.0))'
    """
    text = " ".join(str(e).split())
    custom = _CUSTOM_OP_ERROR.fullmatch(text)
    if custom:  # the student's own function failed: say that, in the student's words
        call, kind, message, returned = custom.groups()
        return f"{kind}: {message} (in {call})" if kind else f"{type(e).__name__}: {call} {returned}"
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return f"{type(e).__name__}: {text}" if text else type(e).__name__


def where_raised(e: BaseException, checker: tuple[str, int, int] | None = None) -> str:
    """'TypeError: ... (at `x.grad += ...`)': the error and the student's own line, no traceback.

    Example:
        >>> try:
        ...     [][0]
        ... except IndexError as e:
        ...     print(where_raised(e))
        IndexError: list index out of range (at `[][0]`)
    """
    frames = traceback.extract_tb(e.__traceback__)
    own = student_frame(frames, checker)
    what = one_line(e)
    if own is None or not own.line:
        return what
    if frames[-1] is own:
        return f"{what} (at `{own.line.strip()}`)"
    inside = "tinygrad_ann" if in_package(frames[-1].filename) else os.path.basename(frames[-1].filename)
    return f"{what} (raised inside {inside}, called from your line `{own.line.strip()}`)"


def running_line(e: BaseException) -> str:
    """', while running your line `...`': where a stopped answer was, if it was in
    the student's code ('' if not).

    Example:
        >>> try:
        ...     raise KeyboardInterrupt
        ... except KeyboardInterrupt as e:
        ...     print(running_line(e))
        , while running your line `raise KeyboardInterrupt`
    """
    own = student_frame(traceback.extract_tb(e.__traceback__))
    return f", while running your line `{own.line.strip()}`" if own is not None and own.line else ""


# ---------------------------------------------------------------------------
# The time limit
# ---------------------------------------------------------------------------


class Stopped(BaseException):
    """Raised by the time limit inside the student's code: `why` it was stopped and a
    `hint`. A BaseException, so that an `except Exception` in the student's code
    does not swallow it.

    Example:
        >>> e = Stopped('your code took more than 1 s', '. Is there a loop that never ends?')
        >>> isinstance(e, Exception), e.why
        (False, 'your code took more than 1 s')
    """

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


def _memory_text(n: int) -> str:
    """A number of bytes in GB or MB."""
    return f"{n / 1024**3:g} GB" if n >= 1024**3 else f"{n / 1024**2:.0f} MB"


@contextlib.contextmanager
def time_limited(seconds: float) -> Iterator[None]:
    """Stop the code inside after `seconds` (or when it eats memory), where signals
    allow: raise `Stopped` inside it.

    A timer (SIGALRM) looks every 0.2 s; it needs a main thread and
    `signal.setitimer` (Linux, macOS). With `seconds` 0, elsewhere, inside another
    limit, or while a timer of the caller's is running (which it must not cancel),
    the code simply runs.

    Example:
        >>> with time_limited(5):
        ...     sum(range(10))
        45
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
            raise Stopped(
                f"your code took more than {seconds:g} s",
                ". Is there a loop that never ends (a `while` whose condition stays true, "
                "or a list that grows while you loop over it)?",
            )
        used = _memory_used()
        if base is not None and used is not None and used - base > _MEMORY_LIMIT:
            raise Stopped(
                f"your code used more than {_memory_text(_MEMORY_LIMIT)} of memory in {elapsed:.1f} s",
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


# ---------------------------------------------------------------------------
# Hiding a library method; Python's usual recursion limit
# ---------------------------------------------------------------------------

# Changes to the library a checker makes while the student's code runs (hiding
# `Value.topological_order`); `check` undoes any left over, after the time limit is off.
_patches: list[Callable[[], None]] = []


def undo_patches() -> None:
    """Put back every method that `hiding` hid and did not restore (the time limit
    or an interrupt can land inside `hiding` itself).

    Example:
        >>> undo_patches()      # nothing hidden: nothing to do
        >>> _patches
        []
    """
    while _patches:
        _patches.pop()()


@contextlib.contextmanager
def hiding(cls: type, attribute: str, refusal: Callable[[], BaseException]) -> Iterator[None]:
    """Make `cls.attribute` raise `refusal()` while the block runs.

    Example:
        >>> class Box:
        ...     def open(self):
        ...         return 'opened'
        >>> with hiding(Box, 'open', lambda: RuntimeError('no peeking')):
        ...     Box().open()
        Traceback (most recent call last):
        RuntimeError: no peeking
        >>> Box().open()
        'opened'
    """
    original = cls.__dict__[attribute]

    def unavailable(*args: Any, **kwargs: Any) -> Any:
        raise refusal()

    def undo() -> None:
        setattr(cls, attribute, original)

    _patches.append(undo)  # first: were we stopped inside setattr, check() still undoes it
    try:
        setattr(cls, attribute, unavailable)
        yield
    finally:
        undo()
        _patches.remove(undo)


@contextlib.contextmanager
def recursion_limit_at_most(limit: int) -> Iterator[None]:
    """Python's limit on nested calls at most `limit` while the block runs (if
    someone raised it), with room for the calls already under way.

    Example:
        >>> before = sys.getrecursionlimit()
        >>> sys.setrecursionlimit(100_000)
        >>> with recursion_limit_at_most(1000):
        ...     sys.getrecursionlimit() < 100_000
        True
        >>> sys.getrecursionlimit()
        100000
        >>> sys.setrecursionlimit(before)
    """
    before = sys.getrecursionlimit()
    depth, frame = 0, inspect.currentframe()
    while frame is not None:
        depth, frame = depth + 1, frame.f_back
    try:
        sys.setrecursionlimit(max(depth + 200, min(before, limit)))
        yield
    finally:
        sys.setrecursionlimit(before)
