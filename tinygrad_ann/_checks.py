"""Argument checks shared by the modules: clear errors that name the function and the argument."""

from __future__ import annotations

import math
from numbers import Real


def finite_number(owner: str, name: str, x: object) -> float:
    """`x` as a finite float; else a TypeError or ValueError that names `owner` and `name`.

    Example:
        >>> finite_number('SGD', 'lr', 0.1)
        0.1
        >>> finite_number('SGD', 'lr', 'fast')
        Traceback (most recent call last):
        TypeError: SGD: lr must be a number, got str: 'fast'
        >>> finite_number('SGD', 'lr', 10**400)
        Traceback (most recent call last):
        ValueError: SGD: lr must be a finite number, got an integer of about 10^400
    """
    if isinstance(x, bool) or not isinstance(x, Real):
        raise TypeError(f"{owner}: {name} must be a number, got {type(x).__name__}: {x!r}")
    try:
        value = float(x)
    except OverflowError:  # an int too large for a float, e.g. 10**400
        value = math.inf
    if not math.isfinite(value):
        raise ValueError(f"{owner}: {name} must be a finite number, got {describe_number(x)}")
    return value


def describe_number(x: object) -> str:
    """repr(x), or for an int too large for a float its size (its repr may be
    thousands of digits long, and past 4300 digits Python refuses to print it).

    Example:
        >>> describe_number(float('nan')), describe_number(-10**5000)
        ('nan', 'an integer of about -10^5000')
    """
    if isinstance(x, int) and not isinstance(x, bool) and abs(x) > 2**1023:
        sign = "-" if x < 0 else ""
        return f"an integer of about {sign}10^{math.floor(math.log10(abs(x)))}"
    return repr(x)
