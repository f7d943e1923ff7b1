"""Custom operations: a new one-input op from its forward and its local derivative.

`custom_op(name, forward, derivative)` registers the op in the catalogue
(`OPS`), so `backward()`, `gradcheck` and the drawings know it by name. Each
node it makes keeps the derivative it was made with: defining the op again
later leaves the nodes already made alone.

Example:
    >>> from tinygrad_ann.engine import Value
    >>> cube = custom_op('cube', lambda x: x ** 3, lambda x, y: 3 * x ** 2)
    >>> x = Value(2.0)
    >>> y = cube(x)
    >>> y.backward()
    >>> y.data, x.grad, y._op
    (8.0, 12.0, 'cube')
"""

from __future__ import annotations

from numbers import Real
from typing import Any, Callable

from .._types import Number
from .numeric import as_float
from .ops import OPS, is_custom_op, register
from .value import Value, as_value, op_result

__all__ = ["custom_op"]


def custom_op(
    name: str,
    forward: Callable[[float], float],
    derivative: Callable[[float, float], float],
    kinks: tuple[float, ...] = (),
) -> Callable[[Value | Number], Value]:
    """Define a one-input operation from `forward(x)` and `derivative(x, y)`.

    `forward` maps the input's data to the output's data; `derivative(x, y)`
    returns the local derivative dy/dx (a number) given the input `x` and the
    output `y`; anything else is a TypeError at `backward()` naming the op.
    `kinks` are the points where the derivative jumps (gradcheck warns there).
    The result is a function on Values that works with `backward()`,
    `gradcheck` and the drawings, where its nodes are labelled `name`.

    Example:
        >>> cube = custom_op('cube', lambda x: x ** 3, lambda x, y: 3 * x ** 2)
        >>> x = Value(2.0)
        >>> y = cube(x)
        >>> y.backward()
        >>> y.data, x.grad, y._op
        (8.0, 12.0, 'cube')
    """
    if not isinstance(name, str) or not name:
        raise ValueError(f"custom_op: name must be a non-empty string, got {name!r}")
    if name in OPS and not is_custom_op(name):
        raise ValueError(f"custom_op: {name!r} is a built-in op; choose another name")

    def _custom_backward(out: Value) -> None:
        # (Its docstring, set below, names the derivative: pictures show it.)
        # The derivative comes from the node: each keeps the one it was made with,
        # so defining the op again leaves the nodes already made alone.
        x: Value = out._a
        extra = out._extra
        made_with = extra.derivative if extra is not None and extra.derivative else derivative
        x.grad += _call(name, "derivative", made_with, x.data, out.data) * out.grad

    given = getattr(derivative, "__name__", "<lambda>")
    _custom_backward.__doc__ = (
        f"d({name} x)/dx = {given}(x, y), with y = {name}(x)" if given.isidentifier()
        else f"d({name} x)/dx = the derivative given to custom_op({name!r}, ...)"
    )
    register(name, kinks=tuple(kinks), derivative=derivative)(_custom_backward)

    def op(x: Value | Number) -> Value:
        x = as_value(x, name)
        y = _call(name, "forward", forward, x.data)
        return op_result(y, name, (x,), derivative=derivative)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"{name}(x): a custom op; backward uses its given derivative."
    return op


def _call(name: str, role: str, fn: Callable[..., Any], *args: float) -> float:
    """fn(*args), a custom op's forward or derivative, as a float; an error in it,
    or a result that is not a number, is reported naming the op and the call."""
    call = f"{role}({', '.join(map(repr, args))})"
    try:
        result = fn(*args)
    except Exception as e:
        where = f"custom_op {name!r}: {call} raised {type(e).__name__}"
        if type(e).__module__ == "builtins" and len(e.args) <= 1:
            # The same kind of error, its message prefixed with the op and the call,
            # and its traceback kept (it shows the line of the user's function).
            named = type(e)(f"{where}: {e}")
            raise named.with_traceback(e.__traceback__) from None
        # An error with fields of its own (errno, a code, ...): raised unchanged,
        # with a note naming the op where Python takes notes (3.11+).
        if hasattr(e, "add_note"):
            e.add_note(where)
        raise
    if result.__class__ is float:
        return result
    if isinstance(result, Real) and not isinstance(result, bool):
        return as_float(result, f"custom_op {name!r}: {call}")
    what = "" if result is None else f" (a {type(result).__name__})"
    raise TypeError(
        f"custom_op {name!r}: {call} returned {result!r}{what}; it must return a number"
        + (", e.g. x.data rather than x" if isinstance(result, Value) else "")
    )
