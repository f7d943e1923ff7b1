"""The time limit on a student's code: stopped after so many seconds, whatever it does.

    with time_limited(10, watch=answer):
        checker(answer)        # raises Stopped in the student's code after 10 s

How it stops code that does not want to stop, the same way on Python 3.10 to 3.13:

1. A timer (SIGALRM) ticks every 0.1 s and looks at the clock and the memory.
2. At the first tick past the limit, every frame of the student's own code
   between the `with` and where the code is gets a line tracer, and `Stopped`
   is raised there if that is the student's code: from then on each line those
   frames run raises `Stopped` again. A tick in library code is not raised in
   (it could be a `__del__` or a callback, where Python only prints what is
   raised); only a call of the student's still running 10 ticks later is. So an `except:` (or `except BaseException`, or `finally: continue`)
   that catches one meets the next at the first line of its own body, which
   its `try` does not cover, and the exception climbs out of every handler and
   out of the block. (The library's and Python's own frames are not traced:
   they do not swallow it, and their clean-up must run.)
3. When a trace function raises, CPython switches tracing off. Each frame's
   tracer is an object of its own, and its `__del__` (which runs right then, as
   CPython drops it) switches tracing back on for that frame.
4. Python 3.10 alone never runs a signal handler in a loop whose body starts
   with `try:` and calls no Python function. For such loops (found by reading
   the bytecode of the student's function and what it names) the block runs
   with a tiny trace function on those frames: its calls are where the handler
   can run. Ordinary code is not traced before the limit, so it runs at full speed.

It cannot stop one long call into C (`sum(range(10**12))`), it needs the main
thread and `signal.setitimer` (Linux, macOS; elsewhere the code simply runs),
and it never cancels a timer the caller already has running (then too the code
simply runs). It is a guard against mistakes, not a sandbox against mischief.

Example:
    >>> def never_ends():
    ...     while True:
    ...         try:
    ...             pass
    ...         except:       # a bare except cannot keep it going
    ...             pass
    >>> try:
    ...     with time_limited(0.3, watch=never_ends):
    ...         never_ends()
    ... except Stopped as e:
    ...     print(e.why)
    your code took more than 0.3 s
"""

from __future__ import annotations

import dis
import os
import signal
import sys
import threading
import time
import types
import weakref
from typing import Any, Literal

from .sandbox import PACKAGE_FOLDER, PYTHON_LIBRARY_FOLDERS

__all__ = ["Stopped", "time_limited", "MEMORY_LIMIT"]

_TICK = 0.1  # seconds between looks at the clock (and, every other tick, the memory)
_HEADROOM = 50  # nested calls added to the recursion limit once time is up, for the tracers
_PATIENCE = 10  # ticks past the limit in one call the student made before the handler raises in it
#: Bytes the answer may add to the process before it is stopped.
MEMORY_LIMIT = 2 * 1024**3


class Stopped(BaseException):
    """Raised by the time limit inside the student's code: `why` it was stopped and a
    `hint`. A BaseException, so that an `except Exception` in the student's code
    does not swallow it (and the time limit sees to it that an `except:` does not).

    Example:
        >>> e = Stopped('your code took more than 1 s', '. Is there a loop that never ends?')
        >>> isinstance(e, Exception), e.why
        (False, 'your code took more than 1 s')
    """

    def __init__(self, why: str, hint: str = "") -> None:
        super().__init__(why)
        self.why, self.hint = why, hint


class time_limited:
    """Context manager: raise `Stopped` in the code the block calls after `seconds`
    (0: no limit), or once it has taken more than `MEMORY_LIMIT` bytes of memory.

    Write the `with` in the frame that calls the code: that frame is never
    raised in, so its `except` and `finally` clauses always run. `watch` is the
    student's function (or a list of them): on Python 3.10 it is read for loops
    that would never see the timer (see the file's docstring).

    Example:
        >>> with time_limited(5):
        ...     sum(range(10))
        45
    """

    def __init__(self, seconds: float, watch: Any = None) -> None:
        self.seconds = seconds
        self.watch = watch
        self.active = False  # between __enter__ and __exit__, with a timer running
        self.expired = False  # past the limit: the tracers raise
        self.why, self.hint = "", ""
        self.dropped = 0  # how many exceptions of the stopping Python could only print: dropped

    def __enter__(self) -> time_limited:
        if not (
            self.seconds > 0
            and hasattr(signal, "setitimer")
            and threading.current_thread() is threading.main_thread()
            and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)  # (also: not inside another)
        ):
            return self  # no limit: the code simply runs
        self.guard = sys._getframe(1)  # the frame running the `with`: never raised in
        self.old_trace = sys.gettrace()
        self.old_handler = signal.signal(signal.SIGALRM, self._tick)
        self.recursion_limits: tuple[int, int] | None = None
        self.on_call = self._on_call  # one bound method, so that `is` recognises it later
        self.risky: dict[types.CodeType, bool] = {}
        self.start, self.ticks = time.monotonic(), 0
        self.stuck_in: types.FrameType | None = None  # the call the student made that ticks found
        self.stuck_ticks = 0
        self.memory_before = _memory_used()
        self.active = True
        # 3.10: frames of loops that never see the timer are watched from the start
        # (unless a debugger or coverage traces already: that tracer is left alone).
        if _LOOPS_CAN_MISS_SIGNALS and self.old_trace is None and _has_unwatched_loop(self.watch):
            sys.settrace(self.on_call)
        signal.setitimer(signal.ITIMER_REAL, _TICK, _TICK)
        return self

    def __exit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> Literal[False]:
        if not self.active:
            return False
        signal.setitimer(signal.ITIMER_REAL, 0)  # first: no tick lands after this
        self.active = False  # the tracers stop raising, and their __del__ stops re-arming
        if sys.gettrace() is not self.old_trace:  # (coverage's C tracer: left as it is)
            sys.settrace(self.old_trace)
        # (None: a handler set from C, which Python cannot put back; the default then)
        signal.signal(signal.SIGALRM, signal.SIG_DFL if self.old_handler is None else self.old_handler)
        if self.recursion_limits and sys.getrecursionlimit() == self.recursion_limits[1]:
            sys.setrecursionlimit(self.recursion_limits[0])
        if self.expired and sys.unraisablehook is self.unraisable:
            sys.unraisablehook = self.old_unraisablehook
        self.guard = self.on_call = self.stuck_in = None  # type: ignore[assignment]
        # Take the tracers off the frames a traceback keeps: their __del__ runs now,
        # not whenever the garbage collector frees those frames (maybe deep in a
        # later recursion, where it could not even be called).
        while isinstance(exc, Stopped):
            frames = exc.__traceback__
            while frames is not None:
                if type(frames.tb_frame.f_trace) is _Tracer:
                    frames.tb_frame.f_trace = None
                frames = frames.tb_next
            exc = exc.__context__
        return False

    def _tick(self, signum: int, frame: types.FrameType | None) -> None:
        """SIGALRM: past the limit, trace the running frames and raise."""
        if not self.active:
            return
        if not self.expired and not self._over_the_limit():
            return
        below = self._frames_below(frame)
        if not below:
            return  # not below the `with` (its own frame, or __exit__): left alone
        self._arm(below)
        if not _not_the_students(below[0].f_code):
            raise Stopped(self.why, self.hint)
        # Elsewhere (Python's library, tinygrad_ann, this file's tracers): the student's
        # frames raise at their next line. Raising here could land in a __del__, a
        # garbage-collector callback or sys.unraisablehook, where Python only prints
        # it, or in the checker itself once the student's code has stopped. Only a
        # call the student made that is still running _PATIENCE ticks later (the
        # same frame, called from the student's: a library loop, or fit() with far
        # too many epochs) is stopped where it runs, and never inside a __del__.
        if below[0].f_code in _OWN_CODE:
            return  # (a tracer's call: it says nothing about where the student is)
        depth = next((d for d, f in enumerate(below) if not _not_the_students(f.f_code)), None)
        if depth is None:  # no frame of the student's: the checker's own code, after the stop
            self.stuck_in, self.stuck_ticks = None, 0
            return
        called = below[depth - 1]  # the call the student made (depth >= 1 here)
        if called is not self.stuck_in:
            self.stuck_in, self.stuck_ticks = called, 0
        self.stuck_ticks += 1
        if self.stuck_ticks > _PATIENCE and not any(_only_printed(f.f_code) for f in below[:depth]):
            raise Stopped(self.why, self.hint)

    def _over_the_limit(self) -> bool:
        """Whether the code has used up its time or its memory; if so, say why and
        get ready to stop it."""
        elapsed = time.monotonic() - self.start
        self.ticks += 1
        if elapsed > self.seconds:
            self.why = f"your code took more than {self.seconds:g} s"
            self.hint = (". Is there a loop that never ends (a `while` whose condition stays "
                         "true, or a list that grows while you loop over it)?")
        elif self.ticks % 2 == 0 and self._memory_grew():
            self.why = f"your code used more than {_memory_text(MEMORY_LIMIT)} of memory in {elapsed:.1f} s"
            self.hint = ". Is there a loop that never ends and keeps adding to a list?"
        else:
            return False
        self.expired = True
        # While the code is stopped, Python may meet an exception it can only print
        # ("Exception ignored in ..."): a tracer's __del__ that cannot even be called
        # at the recursion limit, with the stopped recursion as its context. That is
        # the stopping's own noise, not the student's: this hook drops it (see
        # _unraisable), and passes anything else on. __exit__ puts the old hook back.
        self.old_unraisablehook = sys.unraisablehook
        sys.unraisablehook = self.unraisable = self._unraisable
        # A recursion that never ends runs at the recursion limit, where the
        # tracers' own calls would fail: give them room. The code being stopped
        # cannot use it: every line it runs now raises.
        before = sys.getrecursionlimit()
        sys.setrecursionlimit(before + _HEADROOM)
        self.recursion_limits = (before, before + _HEADROOM)
        return True

    def _unraisable(self, unraisable: Any) -> None:
        """sys.unraisablehook while code is being stopped: a `Stopped`, or a
        RecursionError (met while a stopped recursion unwinds), is the stopping's
        own and is dropped, its chain cut (it can be thousands of exceptions
        long); anything else goes to the hook there was before."""
        exc = unraisable.exc_value
        if isinstance(exc, (Stopped, RecursionError)):
            self.dropped += 1
            exc.__context__ = exc.__cause__ = exc.__traceback__ = None
            return
        self.old_unraisablehook(unraisable)

    def _memory_grew(self) -> bool:
        used = _memory_used()
        return self.memory_before is not None and used is not None and used - self.memory_before > MEMORY_LIMIT

    def _frames_below(self, frame: types.FrameType | None) -> list[types.FrameType]:
        """The frames from `frame` up to the `with`'s (not included); [] if not below it."""
        frames = []
        while frame is not None and frame is not self.guard:
            frames.append(frame)
            frame = frame.f_back
        return frames if frame is not None else []

    def _arm(self, frames: list[types.FrameType]) -> None:
        """Trace `frames` (the student's) line by line, and every frame of the
        student's that starts from now on."""
        if sys.gettrace() is not self.on_call:
            sys.settrace(self.on_call)
        for f in frames:
            if _not_the_students(f.f_code):
                continue
            tracer = f.f_trace
            if not (type(tracer) is _Tracer and tracer.limit is self):
                f.f_trace = _tracer_for(self)  # one per frame: see _Tracer.__del__
            f.f_trace_lines = True

    def _on_call(self, frame: types.FrameType, event: str, arg: Any) -> Any:
        """The global trace function: what a new frame is traced with (None: nothing)."""
        code = frame.f_code
        if self.expired:
            return None if _not_the_students(code) else _tracer_for(self)  # its first line raises
        risky = self.risky.get(code)  # (3.10 before the limit, watching loops)
        if risky is None:
            risky = self.risky[code] = code not in _OWN_CODE and _misses_signals(code)
        return _poll if risky else None


def _poll(frame: types.FrameType, event: str, arg: Any) -> Any:
    """The trace function of a watched frame (3.10) until the limit: being Python
    code, each call of it is a point where the timer's handler can run."""
    return frame.f_trace  # itself, or the _Tracer the handler has just put there


class _Tracer:
    """One frame's trace function once time is up: raises `Stopped` at each line."""

    __slots__ = ("limit",)
    limit: time_limited

    def __call__(self, frame: types.FrameType, event: str, arg: Any) -> _Tracer:
        limit = self.limit
        if event == "line" and limit.expired and limit.active:
            del self  # no reference to it may outlive the raise: see __del__
            raise Stopped(limit.why, limit.hint)
        return self

    def __del__(self) -> None:
        # When a trace function raises, CPython switches tracing off for the thread
        # and then clears the frame's f_trace. That drops the last reference to
        # this object (__call__ deleted its own), so __del__ runs right then,
        # before the exception moves on, and switches tracing back on: the
        # `except:` that catches this Stopped meets the next one at its first line.
        try:
            limit = self.limit
            if limit.expired and limit.active:
                frame = sys._getframe(1)  # whose tracer this was
                if frame is not limit.guard:
                    limit._arm([frame])
        except BaseException:  # noqa: B036
            # A __del__ must never raise: Python would print it as "Exception ignored"
            # (at the recursion limit even this much can fail). The next tick, 0.1 s
            # later, arms the frames again.
            pass


def _tracer_for(limit: time_limited) -> _Tracer:
    """A _Tracer for `limit` (made without __init__, which a RecursionError could cut short)."""
    tracer = object.__new__(_Tracer)
    tracer.limit = limit
    return tracer


# Where code is not the student's: it is never raised in. (Plain string tests:
# nothing here may call Python code of its own, which would itself be traced.)
_NOT_THE_STUDENTS = (PACKAGE_FOLDER, *PYTHON_LIBRARY_FOLDERS, "<frozen ")


def _only_printed(code: types.CodeType) -> bool:
    """Whether `code` is of a kind Python calls on its own and whose exceptions it
    only prints ("Exception ignored in ..."): a __del__, a weakref.finalize
    callback, an unraisable-exception hook."""
    return (code.co_name == "__del__" or code is _FINALIZE_CALL
            or "unraisable" in code.co_name)


_FINALIZE_CALL = weakref.finalize.__call__.__code__


def _not_the_students(code: types.CodeType) -> bool:
    """Whether `code` is this file's, the library's or Python's own: never raised in."""
    return code in _OWN_CODE or code.co_filename.startswith(_NOT_THE_STUDENTS)


# This file's own code: never traced, never raised in (__exit__ above all must finish).
_OWN_CODE = frozenset(
    f.__code__
    for f in (time_limited.__exit__, time_limited._tick, time_limited._over_the_limit,
              time_limited._memory_grew, time_limited._frames_below, time_limited._arm,
              time_limited._unraisable,
              time_limited._on_call, _Tracer.__call__, _Tracer.__del__, _tracer_for, _poll,
              _not_the_students, _only_printed)
)

# Python 3.10 runs signal handlers (and lets other threads take the GIL) at a jump
# back or after a call, but not when the next instruction starts a `try` or a
# `with` (SETUP_FINALLY, SETUP_WITH, ...). So in
#     while True:
#         try: pass
#         except Exception: pass
# no handler ever runs, not even Ctrl-C's. 3.11 checks at every jump back.
_LOOPS_CAN_MISS_SIGNALS = sys.version_info < (3, 11)

if _LOOPS_CAN_MISS_SIGNALS:  # pragma: no cover - Python 3.10 only
    _NO_CHECK_BEFORE = {dis.opmap[name] for name in
                        ("SETUP_FINALLY", "SETUP_WITH", "BEFORE_ASYNC_WITH", "YIELD_FROM")}
    _ABSOLUTE_JUMPS = set(dis.hasjabs)  # (on 3.10 every jump back is absolute)
    _EXTENDED_ARG = dis.opmap["EXTENDED_ARG"]


def _misses_signals(code: types.CodeType) -> bool:
    """Whether `code` (3.10) jumps back onto an instruction that skips the signal check."""
    ops, extended = code.co_code, 0
    for i in range(0, len(ops), 2):  # 3.10: two bytes an instruction; jumps count instructions
        op, arg = ops[i], ops[i + 1] | extended
        extended = arg << 8 if op == _EXTENDED_ARG else 0
        if op in _ABSOLUTE_JUMPS and 2 * arg <= i and ops[2 * arg] in _NO_CHECK_BEFORE:
            return True
    return False


def _has_unwatched_loop(watch: Any) -> bool:
    """Whether `watch` (a function, or a list of them), or a function or class it
    names in its own module, or one those name, has a loop `_misses_signals` finds.
    True for None (nothing to read: watch everything)."""
    if watch is None:
        return True
    todo = list(watch) if isinstance(watch, (list, tuple)) else [watch]
    seen: set[int] = set()
    while todo:
        obj = todo.pop()
        obj = getattr(obj, "__func__", obj)  # a bound method, classmethod, staticmethod
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, type):  # a class: its methods
            todo += vars(obj).values()
            continue
        if not isinstance(getattr(obj, "__code__", None), types.CodeType):
            if callable(obj) and not isinstance(obj, types.BuiltinFunctionType):
                todo.append(type(obj))  # an object that is called: its class
            continue
        if _not_the_students(obj.__code__):  # the library's loops end: not watched
            continue
        codes, names = [obj.__code__], obj.__globals__
        while codes:  # its code, and that of the functions and classes defined in it
            code = codes.pop()
            if _misses_signals(code):
                return True
            codes += [c for c in code.co_consts if isinstance(c, types.CodeType)]
            module = obj.__module__
            todo += [names[n] for n in code.co_names
                     if n in names and module is not None and getattr(names[n], "__module__", None) == module]
    return False


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
