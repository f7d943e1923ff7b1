"""Gradients of plain Python functions, and checking them against finite differences.

`grad(f)` turns a function of Values into a function that returns its partial
derivatives; `gradcheck(f, inputs)` compares those derivatives with central
differences, (f(x + eps) - f(x - eps)) / 2eps, the way every derivative in this
library is tested.

Example:
    >>> grad(lambda x, y: x * y + x)(2.0, 3.0)
    (4.0, 2.0)
    >>> gradcheck(lambda x: x.tanh() * x, [0.5])
    True
"""

from __future__ import annotations

import math
import warnings
from numbers import Real
from typing import Any, Callable, Iterable, Sequence, Union

from ._checks import got, is_number, non_negative_number, positive_number, wrong_type
from ._types import Number
from .engine import OPS, Value, enable_grad, no_grad

__all__ = ["grad", "value_and_grad", "gradcheck", "GradcheckError"]

Inputs = Union[Number, Value, Sequence[Union[Number, Value]]]


class GradcheckError(AssertionError):
    """Raised by `gradcheck` when an analytic gradient disagrees with the numeric one.

    Example:
        >>> from tinygrad_ann import custom_op
        >>> square = custom_op('square', lambda x: x * x, lambda x, y: x)   # wrong: d/dx = 2x
        >>> try:
        ...     gradcheck(square, [3.0])
        ... except GradcheckError as e:
        ...     print(str(e)[:71])
        gradcheck: gradient of input 0 at 3.0 is wrong: analytic (backward) 3.0
    """


def _fresh_leaves(owner: str, args: Sequence[Any], name: Callable[[int], str]) -> list[Value]:
    """Fresh leaf Values holding the data of `args` (numbers or Values); a TypeError
    that names `name(i)` for anything else."""
    leaves = []
    for i, x in enumerate(args):
        if isinstance(x, Value):
            leaves.append(Value(x.data, label=x.label))
        elif is_number(x):
            leaves.append(Value(x))
        else:
            wrong_type(owner, name(i), "a number or a Value", x)
    return leaves


def _evaluate(owner: str, f: Callable[..., Any], xs: Sequence[Any]) -> Value:
    """f(*xs), checked to be a Value (a plain number counts as a constant)."""
    out = f(*xs)
    if isinstance(out, Value):
        return out
    if is_number(out):
        return Value(float(out))
    raise TypeError(f"{owner}: the function must return a Value or a number, got {got(out)}")


def value_and_grad(
    f: Callable[..., Value],
) -> Callable[..., tuple[float, Union[float, tuple[float, ...]]]]:
    """Like `grad(f)`, but the new function returns `(f(*args).data, gradients)`.

    Example:
        >>> value_and_grad(lambda x: x ** 2)(3.0)
        (9.0, 6.0)
    """

    def f_value_and_grad(*args: Union[Number, Value]) -> tuple[float, Any]:
        xs = _fresh_leaves("grad", args, lambda i: f"argument {i}")
        with enable_grad():  # a graph is needed, even when called inside no_grad()
            out = _evaluate("grad", f, xs)
        _backward_leaving_others_alone(out, xs)
        grads = tuple(x.grad for x in xs)
        return out.data, (grads[0] if len(grads) == 1 else grads)

    f_value_and_grad.__name__ = f"value_and_grad({getattr(f, '__name__', 'f')})"
    return f_value_and_grad


def grad(f: Callable[..., Value]) -> Callable[..., Union[float, tuple[float, ...]]]:
    """A function returning the partial derivatives of `f` at the given point.

    `f` takes Values and returns one Value. `grad(f)(*args)` calls `f` on fresh
    leaves holding the numbers `args` (so nothing accumulates between calls) and
    returns df/darg as a float for one argument, or a tuple of floats for several.
    Other Values `f` uses (a model's weights, say) keep the grads they had, and
    it works inside `no_grad()` too.

    Example:
        >>> grad(lambda x, y: x * y + x)(2.0, 3.0)     # (y + 1, x)
        (4.0, 2.0)
        >>> grad(lambda x: x.exp())(0.0)
        1.0
    """
    vg = value_and_grad(f)

    def f_grad(*args: Union[Number, Value]) -> Any:
        return vg(*args)[1]

    f_grad.__name__ = f"grad({getattr(f, '__name__', 'f')})"
    return f_grad


def _backward_leaving_others_alone(out: Value, xs: list[Value]) -> None:
    """out.backward(), then every node but the inputs `xs` gets its grad back.

    `f` may use Values from outside, such as a model's parameters: backward()
    would add into their grads, and a later training step would use them.
    """
    inputs = set(xs)
    others = [(v, v.grad) for v in out.topological_order() if v not in inputs]
    try:
        out.backward()
    finally:
        for v, g in others:
            v.grad = g


def _kinks_near(root: Value, eps: float) -> list[str]:
    """Nodes whose operand sits within eps of a point where the op's derivative jumps."""
    found = []
    for node in root.topological_order():
        op = OPS.get(node._op)
        if op is None:
            continue
        if op.distance_to_kink is not None:  # e.g. max, near a tie of its largest operands
            xs = [v.data for v in node._prev]
            if xs and op.distance_to_kink(*xs) <= eps:
                found.append(f"{node._op} at {xs!r}")
            continue
        if not op.kinks:
            continue
        x = node._prev[0].data
        for k in op.kinks:
            if abs(x - k) <= eps:
                found.append(f"{node._op} at {x!r}")
    return found


def gradcheck(
    fn: Callable[..., Value],
    inputs: Inputs,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
) -> bool:
    """Check `fn`'s autograd gradient against central differences; True or raise.

    For every input x_i, the analytic derivative (from `backward()`) must match
    the numeric one, (fn(.., x_i + eps, ..) - fn(.., x_i - eps, ..)) / (2 eps)
    (with the step as rounded to floats), within `atol + rtol * |numeric|`.
    Otherwise `GradcheckError` names the input, the analytic and the numeric
    value. A warning is given when a point sits on a kink (relu or abs at 0),
    where the derivative is not defined and the two are not expected to agree.

    Example:
        >>> gradcheck(lambda x, y: (x * y).sin() / y, [0.3, 2.0])
        True
    """
    if not callable(fn):
        wrong_type("gradcheck", "fn", "callable (a function of Values)", fn)
    eps = positive_number("gradcheck", "eps", eps)
    atol = non_negative_number("gradcheck", "atol", atol)
    rtol = non_negative_number("gradcheck", "rtol", rtol)
    xs = _fresh_leaves("gradcheck", _as_list(inputs), lambda i: f"inputs[{i}]")
    with enable_grad():  # a graph is needed, even when called inside no_grad()
        out = _evaluate("gradcheck", fn, xs)
    _backward_leaving_others_alone(out, xs)
    kinks = _kinks_near(out, eps)
    if kinks:
        warnings.warn(
            f"gradcheck: {', '.join(kinks)} sits on a kink, where the derivative is "
            f"not defined; the analytic and numeric gradients need not agree there",
            RuntimeWarning,
            stacklevel=2,
        )
    data = [x.data for x in xs]

    def f_at(i: int, x: float) -> float:
        moved = [Value(d, label=v.label) for d, v in zip(data, xs, strict=True)]
        moved[i] = Value(x, label=xs[i].label)
        try:
            with no_grad():
                return _evaluate("gradcheck", fn, moved).data
        except (ValueError, ArithmeticError) as e:
            raise GradcheckError(
                f"gradcheck: {_name(i, xs[i])} = {data[i]!r} is within eps={eps!r} of "
                f"the edge of fn's domain: fn at {x!r} raised {type(e).__name__}: {e}"
            ) from e

    for i, x in enumerate(xs):
        # Divide by the step really taken: x + eps and x - eps are rounded to
        # floats, which for a large x moves them by other amounts than eps.
        up, down = data[i] + eps, data[i] - eps
        if up == data[i] or down == data[i]:
            raise ValueError(
                f"gradcheck: eps={eps!r} is too small to move {_name(i, x)} = {data[i]!r} "
                f"(x + eps or x - eps rounds to x); pass a larger eps"
            )
        f_up, f_down = f_at(i, up), f_at(i, down)
        numeric = (f_up - f_down) / (up - down)
        analytic = x.grad
        if not _within_tolerance(analytic, numeric, atol, rtol):
            hint = f" (on a kink: {', '.join(kinks)})" if kinks else ""
            raise GradcheckError(
                f"gradcheck: gradient of {_name(i, x)} at {data[i]!r} is wrong{hint}: "
                f"analytic (backward) {analytic!r}, numeric (central difference) "
                f"{numeric!r}, difference {abs(analytic - numeric):.3g} > "
                f"atol + rtol*|numeric| = {atol + rtol * abs(numeric):.3g}"
                + _not_smooth_hint(f_down, out.data, f_up, data[i] - down, up - data[i], analytic, numeric)
            )
    return True


def _not_smooth_hint(
    f_down: float, f_x: float, f_up: float, left: float, right: float, analytic: float, numeric: float
) -> str:
    """A hint when the slopes on either side of x disagree by enough to explain the
    mismatch: the function is not smooth within eps of x (a kink inside the graph,
    such as relu(1000 x) at x = 1e-8, or a pole nearby), so the central difference
    is not its derivative. (Any curve's one-sided slopes differ a little, by about
    f''(x) eps: that alone never explains a wrong derivative.)"""
    slope_left, slope_right = (f_x - f_down) / left, (f_up - f_x) / right
    if not abs(slope_left - slope_right) > abs(analytic - numeric) / 2:
        return ""
    return (
        f"; but the slopes on either side of the point differ ({slope_left!r} to the left, "
        f"{slope_right!r} to the right): the function is not smooth within eps of it "
        f"(a kink, or a pole nearby), so try another point or a smaller eps"
    )


def _as_list(inputs: object) -> list[Any]:
    """gradcheck's inputs as a list: one number or Value is a list of one."""
    if isinstance(inputs, (Value, Real)):
        return [inputs]
    if isinstance(inputs, (str, bytes)) or not isinstance(inputs, Iterable):
        wrong_type("gradcheck", "inputs", "a number, a Value, or a list of them", inputs)
    return list(inputs)


def _name(i: int, x: Value) -> str:
    """How a message names input i: its position, and its label if it has one."""
    return f"input {i} ({x.label!r})" if x.label else f"input {i}"


def _within_tolerance(a: float, b: float, atol: float, rtol: float) -> bool:
    """|a - b| <= atol + rtol |b| (nan never is; an infinity only equals itself)."""
    if math.isnan(a) or math.isnan(b):
        return False
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= atol + rtol * abs(b)
