"""Grad mode: whether new results record the graph (`no_grad`, `enable_grad`).

Inside `no_grad()` every operation returns a plain leaf: no operands are kept,
so no graph is built and `backward()` has nothing to walk. Use it to evaluate a
model and to update its parameters. `enable_grad()` turns recording back on
inside it (`grad` and `gradcheck` use that).

As in PyTorch, grad mode is per thread: a `no_grad()` in one thread leaves
every other thread recording.

Example:
    >>> from tinygrad_ann.engine import Value
    >>> w = Value(3.0)
    >>> with no_grad():
    ...     y = w * 2
    >>> y._prev, y._op
    ((), '')
"""

from __future__ import annotations

import functools
import threading
from typing import Any, Callable, TypeVar

__all__ = ["no_grad", "enable_grad", "is_grad_enabled"]

_F = TypeVar("_F", bound=Callable[..., Any])


class _ThreadState(threading.local):
    """One per thread: is this thread recording, and what it was before each block."""

    def __init__(self) -> None:
        self.enabled = True
        self.saved: list[bool] = []


_state = _ThreadState()
_lock = threading.Lock()

#: How many threads are not recording right now (inside a `no_grad()`).
#: Fast path: while it is 0, which is nearly always, an operation knows that its
#: thread records without looking up the thread's own switch (a thread-local
#: look-up would cost every operation about 50 ns).
threads_not_recording = 0


def is_grad_enabled() -> bool:
    """True when new results record their operands in this thread (outside any `no_grad()`).

    Example:
        >>> with no_grad():
        ...     is_grad_enabled()
        False
        >>> is_grad_enabled()
        True
    """
    return threads_not_recording == 0 or _state.enabled


def _switch(enabled: bool) -> None:
    """Set this thread's grad mode, keeping `threads_not_recording` up to date."""
    global threads_not_recording
    if _state.enabled != enabled:
        with _lock:
            threads_not_recording += -1 if enabled else 1
        _state.enabled = enabled


class no_grad:
    """Context manager and decorator: operations inside it record no graph.

    Use it for evaluation and for parameter updates: nothing is remembered, so
    nothing is kept alive and no time is spent building a graph. It applies to
    the thread that enters it.

    Example:
        >>> from tinygrad_ann.engine import Value
        >>> w = Value(3.0)
        >>> with no_grad():
        ...     y = w * 2
        >>> y._prev, y._op
        ((), '')
        >>> @no_grad          # or @no_grad()
        ... def predict(x):
        ...     return w * x
        >>> predict(2.0)._op
        ''
    """

    _recording = False  # what is_grad_enabled() says inside; enable_grad says True

    def __new__(cls, fn: Callable[..., Any] | None = None) -> Any:
        # `@no_grad` (no parentheses) hands us the function: wrap it at once.
        if fn is not None:
            return cls()(fn)
        return super().__new__(cls)

    def __enter__(self) -> None:
        _state.saved.append(_state.enabled)  # a stack: blocks nest, even of one instance
        _switch(self._recording)

    def __exit__(self, *exc_info: object) -> None:
        _switch(_state.saved.pop())

    def __call__(self, fn: _F) -> _F:
        """Decorate `fn`: every call of it runs inside this mode.

        Example:
            >>> from tinygrad_ann.engine import Value
            >>> double = no_grad()(lambda x: x * 2)
            >>> double(Value(1.0))._prev
            ()
        """
        if not callable(fn):
            raise TypeError(
                f"{type(self).__name__} decorates a function, got {type(fn).__name__}: {fn!r}; "
                f"as a context manager write `with {type(self).__name__}():`"
            )
        mode = type(self)

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with mode():
                return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


class enable_grad(no_grad):
    """The opposite of `no_grad`: operations inside it record the graph, even
    inside a `no_grad()` block (`grad` and `gradcheck` use it).

    Example:
        >>> from tinygrad_ann.engine import Value
        >>> with no_grad():
        ...     with enable_grad():
        ...         y = Value(2.0) * 3
        >>> y._op
        '*'
    """

    _recording = True
