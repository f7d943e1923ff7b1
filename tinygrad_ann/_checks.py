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
    """
    if isinstance(x, bool) or not isinstance(x, Real):
        raise TypeError(f"{owner}: {name} must be a number, got {type(x).__name__}: {x!r}")
    x = float(x)
    if not math.isfinite(x):
        raise ValueError(f"{owner}: {name} must be a finite number, got {x!r}")
    return x
