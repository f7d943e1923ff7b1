"""Running a student's code: the student's own line, errors in one line, hidden methods.

The checkers call the student's function; what goes wrong there is reported in
plain words. This file holds what that needs:

- (the time limit, `time_limited`, has a file of its own: time_limit.py);
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
    ...     student()
    ... except IndexError as e:
    ...     print(where_raised(e))
    IndexError: list index out of range (at `return [][0]`)
"""

from __future__ import annotations

import contextlib
import inspect
import os
import re
import sys
import sysconfig
import traceback
from typing import Any, Callable, Iterator

__all__ = [
    "PACKAGE_FOLDER", "PYTHON_LIBRARY_FOLDERS", "in_package", "in_python_library", "code_span", "student_frame", "one_line", "where_raised", "running_line",
    "hiding", "undo_patches", "recursion_limit_at_most",
]

#: tinygrad_ann's folder (this file is tinygrad_ann/exercises/sandbox.py), ending in a separator.
PACKAGE_FOLDER = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
#: The folders of Python's own library and of installed packages.
PYTHON_LIBRARY_FOLDERS = tuple(
    {os.path.abspath(p) + os.sep for key in ("stdlib", "platstdlib", "purelib", "platlib")
     if (p := sysconfig.get_paths().get(key))}
)


def in_package(filename: str) -> bool:
    """Whether `filename` is a file of tinygrad_ann.

    Example:
        >>> in_package(__file__), in_package(os.__file__)
        (True, False)
    """
    return os.path.abspath(filename).startswith(PACKAGE_FOLDER)


def in_python_library(filename: str) -> bool:
    """Whether `filename` is a file of Python's own library (or an installed package).

    Example:
        >>> in_python_library(os.__file__), in_python_library(__file__)
        (True, False)
    """
    return os.path.abspath(filename).startswith(PYTHON_LIBRARY_FOLDERS) and not in_package(filename)


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
        if not in_python_library(f.filename):
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
# Hiding a library method; Python's usual recursion limit
# ---------------------------------------------------------------------------

# Changes a checker makes while the student's code runs (hiding
# `Value.topological_order`, lowering the recursion limit); `check` undoes any
# left over (the time limit can stop a `finally` half way), after the limit is off.
_patches: list[Callable[[], None]] = []


def undo_patches() -> None:
    """Put back every method that `hiding` hid, and every recursion limit that
    `recursion_limit_at_most` lowered, and did not restore (the time limit or an
    interrupt can land in their own clean-up).

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

    def undo() -> None:
        sys.setrecursionlimit(before)

    _patches.append(undo)  # first: were we stopped in the finally, check() still undoes it
    try:
        sys.setrecursionlimit(max(depth + 200, min(before, limit)))
        yield
    finally:
        undo()
        _patches.remove(undo)
