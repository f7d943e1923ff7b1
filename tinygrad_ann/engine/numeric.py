"""Floats at the edges: what the engine does where plain float arithmetic would
fail or mislead (an int too large for a float, e^x past the float range, a
negative number to a fractional power, the slope of sqrt at 0).

The rule, as in PyTorch: a result past the float range is ±inf, and nan and inf
pass through every op (sin of inf is nan). A mistake is an error that names
the operation and the number (a negative number to a fractional power, the
log of a negative number, an int too large to be a float).

The operations in `value.py` call these so that each op's forward and backward
rule stay short.

Example:
    >>> power_derivative_base(0.0, 0.5)      # d(sqrt x)/dx at 0: vertical
    inf
    >>> as_float(3, 'Value')
    3.0
"""

from __future__ import annotations

import math
from numbers import Real
from typing import Any

from .._checks import describe_number

__all__ = [
    "EXP_MAX", "as_float", "describe", "sin", "cos", "exp", "power",
    "power_derivative_base", "power_derivative_exponent",
]

#: ln of the largest float: e^x is a float up to here, and overflows past it.
EXP_MAX = math.log(1.7976931348623157e308)  # 709.78...


def as_float(data: object, what: str) -> float:
    """`data` (a real number) as a float, or an error that names `what` was given it.

    Example:
        >>> as_float(2, 'Value'), as_float(0.5, 'Value')
        (2.0, 0.5)
        >>> as_float('2', 'Value')
        Traceback (most recent call last):
        TypeError: Value takes a real number (int or float), got str: '2'
        >>> as_float(True, 'Value')
        Traceback (most recent call last):
        TypeError: Value takes a real number (int or float), got bool: True
    """
    if isinstance(data, Real) and not isinstance(data, bool):
        try:
            return float(data)
        except OverflowError:
            raise OverflowError(
                f"{what}: {describe_number(data)} is past the float range (about ±1.8e308)"
            ) from None
    raise TypeError(
        f"{what} takes a real number (int or float), got {type(data).__name__}: {data!r}"
    )


def describe(v: Any) -> str:
    """A Value for an error message: its number, and its label if it has one.

    Example:
        >>> from tinygrad_ann.engine import Value
        >>> describe(Value(-1.0, label='x')), describe(Value(2.0))
        ("-1.0 (Value 'x')", '2.0')
    """
    return f"{v.data!r} (Value {v.label!r})" if v.label else repr(v.data)


def sin(x: float) -> float:
    """sin x, and nan for x = ±inf (where it has no value), as in PyTorch.

    Example:
        >>> sin(0.0), sin(float('inf'))
        (0.0, nan)
    """
    return math.sin(x) if not math.isinf(x) else math.nan


def cos(x: float) -> float:
    """cos x, and nan for x = ±inf (where it has no value), as in PyTorch.

    Example:
        >>> cos(0.0), cos(float('-inf'))
        (1.0, nan)
    """
    return math.cos(x) if not math.isinf(x) else math.nan


def exp(x: float) -> float:
    """e^x, and inf past x = 709.78, where e^x leaves the float range (as in PyTorch).

    Example:
        >>> exp(0.0), exp(1000.0)
        (1.0, inf)
    """
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def power(base: Any, exponent: float) -> float:
    """base.data ** exponent as a real number (±inf past the float range, as in
    PyTorch), or an error that says why there is none.

    Example:
        >>> from tinygrad_ann.engine import Value
        >>> power(Value(2.0), 3.0), power(Value(-1e200), 3.0)
        (8.0, -inf)
        >>> power(Value(-8.0), 1 / 3)
        Traceback (most recent call last):
        ValueError: power: -8.0 ** 0.3333333333333333: a negative number to a fractional power is not a real number
    """
    a = base.data
    if a < 0.0 and not exponent.is_integer():
        raise ValueError(
            f"power: {describe(base)} ** {exponent!r}: a negative number to a "
            f"fractional power is not a real number"
        )
    if a == 0.0 and exponent < 0.0:
        raise ZeroDivisionError(
            f"power: {describe(base)} ** {exponent!r}: zero to a negative power "
            f"divides by zero"
        )
    try:
        result: float = a**exponent
    except OverflowError:  # past the float range: infinite, as in PyTorch, with the sign
        # of a^b, which is negative only for a < 0 and an odd (integer) b
        negative = a < 0.0 and exponent % 2.0 == 1.0
        return -math.inf if negative else math.inf
    return result


def power_derivative_base(a: float, b: float) -> float:
    """d(a^b)/da = b a^(b-1), with the limits PyTorch uses where a = 0.

    Example:
        >>> power_derivative_base(3.0, 2.0), power_derivative_base(5.0, 0.0)
        (6.0, 0.0)
    """
    if b == 0.0:
        return 0.0
    if a == 0.0 and b < 1.0:  # e.g. sqrt at 0: the slope is vertical
        return math.inf
    try:
        return b * a ** (b - 1.0)
    except OverflowError:  # e.g. x ** -1 at x = 1e-200: the slope is past the float range
        # Infinite, as 1 / x gives, with the sign of b a^(b-1): a^(b-1) < 0 only
        # for a < 0 (then b is an integer) and b - 1 odd.
        negative = (b < 0.0) != (a < 0.0 and (b - 1.0) % 2.0 == 1.0)
        return -math.inf if negative else math.inf


def power_derivative_exponent(a: float, b: float, out: float) -> float:
    """d(a^b)/db = a^b ln a (out = a^b): 0 at a = 0 (as in PyTorch), nan for a < 0.

    Example:
        >>> power_derivative_exponent(1.0, 3.0, 1.0), power_derivative_exponent(0.0, 2.0, 0.0)
        (0.0, 0.0)
    """
    if a > 0.0:
        return out * math.log(a)
    if a == 0.0:
        return 0.0
    return math.nan
