"""Argument checks, one set for the whole library.

Every module checks its arguments with these, so every mistake gets the same
kind of error and the same kind of message:

- a wrong *type* is a `TypeError`, a wrong *value* a `ValueError` (as in PyTorch);
- the message starts with the public name that was called, then says what the
  argument must be and what it got: `Neuron: nin must be a whole number >= 1,
  got '3' (str)`.

NumPy's integer and float scalars count as whole numbers and numbers (they are
registered as `numbers.Integral` and `numbers.Real`); `bool` never does.

Example:
    >>> whole_number('Neuron', 'nin', 3, minimum=1)
    3
    >>> whole_number('Neuron', 'nin', '3', minimum=1)
    Traceback (most recent call last):
    TypeError: Neuron: nin must be a whole number >= 1, got '3' (str)
"""

from __future__ import annotations

import math
import os
import random
from numbers import Integral, Real
from typing import Any, Iterable, NoReturn, Sequence, TypeVar

__all__ = [
    "got", "describe_number", "is_number", "is_whole_number", "whole_number", "number",
    "finite_number", "positive_number", "non_negative_number", "fraction", "one_of",
    "random_source", "wrong_type", "wrong_value", "file_path", "command_line",
]

_T = TypeVar("_T")


def got(x: object) -> str:
    """How a message shows the value it got: its repr (shortened) and its type.

    Example:
        >>> got('3'), got(2.5), got(None)
        ("'3' (str)", '2.5 (float)', 'None')
    """
    if x is None:
        return "None"
    text = describe_number(x)
    if len(text) > 80:
        text = text[:77] + "..."
    return f"{text} ({type(x).__name__})"


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


def wrong_type(owner: str, name: str, what: str, x: object) -> NoReturn:
    """Raise the library's TypeError: `{owner}: {name} must be {what}, got {x} ({type})`.

    Example:
        >>> wrong_type('fit', 'epochs', 'a whole number >= 1', 2.5)
        Traceback (most recent call last):
        TypeError: fit: epochs must be a whole number >= 1, got 2.5 (float)
    """
    raise TypeError(f"{owner}: {name} must be {what}, got {got(x)}")


def wrong_value(owner: str, name: str, what: str, x: object, why: str = "") -> NoReturn:
    """Raise the library's ValueError: `{owner}: {name} must be {what}, got {x}`
    (and why, if given).

    Example:
        >>> wrong_value('SGD', 'lr', 'a positive number', -0.1)
        Traceback (most recent call last):
        ValueError: SGD: lr must be a positive number, got -0.1
    """
    reason = f" ({why})" if why else ""
    raise ValueError(f"{owner}: {name} must be {what}, got {describe_number(x)}{reason}")


def is_number(x: object) -> bool:
    """A real number: an int or a float (NumPy's too), never a bool.

    Example:
        >>> is_number(2), is_number(2.5), is_number(True), is_number('2')
        (True, True, False, False)
    """
    return isinstance(x, Real) and not isinstance(x, bool)


def is_whole_number(x: object) -> bool:
    """An int (NumPy's too), never a bool.

    Example:
        >>> is_whole_number(3), is_whole_number(3.0), is_whole_number(False)
        (True, False, False)
    """
    return isinstance(x, Integral) and not isinstance(x, bool)


def whole_number(owner: str, name: str, x: object, minimum: int | None = 0) -> int:
    """`x` as an int, if it is a whole number >= `minimum` (None: no minimum).

    Example:
        >>> whole_number('fit', 'epochs', 10, minimum=1)
        10
        >>> whole_number('fit', 'epochs', 0, minimum=1)
        Traceback (most recent call last):
        ValueError: fit: epochs must be a whole number >= 1, got 0
    """
    what = "a whole number" if minimum is None else f"a whole number >= {minimum}"
    if not is_whole_number(x):
        wrong_type(owner, name, what, x)
    n = int(x)  # type: ignore[call-overload]
    if minimum is not None and n < minimum:
        wrong_value(owner, name, what, x)
    return n


def number(owner: str, name: str, x: object) -> float:
    """`x` as a float, if it is a number (nan and ±inf allowed).

    Example:
        >>> number('plot', 'x', 2)
        2.0
    """
    if not is_number(x):
        wrong_type(owner, name, "a number", x)
    try:
        return float(x)  # type: ignore[arg-type]
    except OverflowError:  # an int too large for a float, e.g. 10**400
        return math.inf if x > 0 else -math.inf  # type: ignore[operator]


def finite_number(owner: str, name: str, x: object) -> float:
    """`x` as a finite float; else a TypeError or ValueError that names `owner` and `name`.

    Example:
        >>> finite_number('SGD', 'lr', 0.1)
        0.1
        >>> finite_number('SGD', 'lr', 'fast')
        Traceback (most recent call last):
        TypeError: SGD: lr must be a number, got 'fast' (str)
        >>> finite_number('SGD', 'lr', 10**400)
        Traceback (most recent call last):
        ValueError: SGD: lr must be a finite number, got an integer of about 10^400
    """
    value = number(owner, name, x)
    if not math.isfinite(value):
        wrong_value(owner, name, "a finite number", x)
    return value


def positive_number(owner: str, name: str, x: object) -> float:
    """`x` as a float, if it is a finite number > 0.

    Example:
        >>> positive_number('SGD', 'lr', 0.1)
        0.1
    """
    value = finite_number(owner, name, x)
    if not value > 0:
        wrong_value(owner, name, "a positive number", x)
    return value


def non_negative_number(owner: str, name: str, x: object, why: str = "") -> float:
    """`x` as a float, if it is a finite number >= 0.

    Example:
        >>> non_negative_number('make_moons', 'noise', 0.1)
        0.1
        >>> non_negative_number('make_moons', 'noise', -1, why='a standard deviation')
        Traceback (most recent call last):
        ValueError: make_moons: noise must be a number >= 0, got -1 (a standard deviation)
    """
    value = finite_number(owner, name, x)
    if value < 0:
        wrong_value(owner, name, "a number >= 0", x, why)
    return value


def fraction(owner: str, name: str, x: object, *, low: float = 0.0, high: float = 1.0,
             include_low: bool = True, include_high: bool = True) -> float:
    """`x` as a float in [low, high] (an end excluded where `include_...` is False).

    Example:
        >>> fraction('Adam', 'beta1', 0.9, include_high=False)
        0.9
        >>> fraction('Adam', 'beta1', 1.0, include_high=False)
        Traceback (most recent call last):
        ValueError: Adam: beta1 must be a number in [0, 1), got 1.0
    """
    value = finite_number(owner, name, x)
    ok_low = value >= low if include_low else value > low
    ok_high = value <= high if include_high else value < high
    if not (ok_low and ok_high):
        interval = f"{'[' if include_low else '('}{low:g}, {high:g}{']' if include_high else ')'}"
        wrong_value(owner, name, f"a number in {interval}", x)
    return value


def one_of(owner: str, name: str, x: _T, choices: Iterable[_T]) -> _T:
    """`x`, if it is one of `choices`; else a ValueError listing them (a TypeError
    for a non-string where the choices are strings).

    Example:
        >>> one_of('MLP', 'init', 'he', ('uniform', 'xavier', 'he'))
        'he'
        >>> one_of('MLP', 'init', 'glorot', ('uniform', 'xavier', 'he'))
        Traceback (most recent call last):
        ValueError: MLP: unknown init 'glorot'; choose one of 'uniform', 'xavier', 'he'
    """
    options = list(choices)
    listed = ", ".join(repr(c) for c in options)
    if all(isinstance(c, str) for c in options) and not isinstance(x, str):
        raise TypeError(f"{owner}: {name} must be one of {listed}, got {got(x)}")
    if x not in options:
        raise ValueError(f"{owner}: unknown {name} {x!r}; choose one of {listed}")
    return x


def random_source(owner: str, rng: object, name: str = "rng") -> Any:
    """Where randomness comes from, by the library's one rule (the `rng` argument):
    an int seed makes a new `random.Random(seed)`, a `random.Random` is used as it
    is, and None means Python's global `random` module (so that `random.seed(...)`
    makes a whole notebook reproducible).

    Example:
        >>> random_source('MLP', 0).random() == random.Random(0).random()
        True
        >>> random_source('MLP', None) is random
        True
        >>> random_source('MLP', 'seed')
        Traceback (most recent call last):
        TypeError: MLP: rng must be an int seed, a random.Random or None, got 'seed' (str)
    """
    if rng is None or rng is random:
        return random
    if isinstance(rng, random.Random):
        return rng
    if is_whole_number(rng):
        return random.Random(int(rng))  # type: ignore[call-overload]
    wrong_type(owner, name, "an int seed, a random.Random or None", rng)


def file_path(owner: str, name: str, x: object, kind: str = "a path") -> str | os.PathLike[str]:
    """`x`, if it is a path (a str or an os.PathLike); else the library's TypeError.

    Example:
        >>> file_path('save', 'path', 'model.json')
        'model.json'
        >>> file_path('demo', 'out', 3, kind="a folder's path")
        Traceback (most recent call last):
        TypeError: demo: out must be a folder's path (a str or os.PathLike), got 3 (int)
    """
    if not isinstance(x, (str, os.PathLike)):
        wrong_type(owner, name, f"{kind} (a str or os.PathLike)", x)
    return x


def command_line(owner: str, argv: object) -> Sequence[str] | None:
    """`argv`, if it is a command line's words (a list or tuple of strings) or None.

    Example:
        >>> command_line('main', ['demo', '--steps', '5'])
        ['demo', '--steps', '5']
        >>> command_line('main', 'demo')
        Traceback (most recent call last):
        TypeError: main: argv must be a list of strings (the command line's words) or None, got 'demo' (str)
    """
    if argv is not None and (not isinstance(argv, (list, tuple)) or not all(isinstance(a, str) for a in argv)):
        wrong_type(owner, "argv", "a list of strings (the command line's words) or None", argv)
    return argv
