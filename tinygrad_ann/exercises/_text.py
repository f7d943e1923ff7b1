"""How the checkers write numbers and things into their messages for students.

Private to the exercises package: its modules share these, nothing else does.

Example:
    >>> number_text(2 / 3), numbers_text([0.5, -1, 'x'])
    ('0.666667', "[0.5, -1, 'x']")
"""

from __future__ import annotations

from typing import Any, Sequence

from .._checks import describe_number, is_number


def short_repr(x: Any, limit: int = 80) -> str:
    """repr(x), cut to `limit` characters with an ellipsis.

    Example:
        >>> short_repr('abc'), short_repr(list(range(100)), limit=12)
        ("'abc'", '[0, 1, 2, 3…')
    """
    text = repr(x)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def plural(n: int, word: str) -> str:
    """'1 argument', '2 arguments'.

    Example:
        >>> plural(1, 'input'), plural(5, 'input')
        ('1 input', '5 inputs')
    """
    return f"{n} {word}{'' if n == 1 else 's'}"


def close_to(a: Any, b: float, tol: float = 1e-6) -> bool:
    """Whether `a` is a number within `tol` of `b` (relative to |b| past 1).

    Example:
        >>> close_to(0.1 + 0.2, 0.3), close_to('0.3', 0.3), close_to(2.0, 2.1)
        (True, False, False)
    """
    return is_number(a) and abs(a - b) <= tol * max(1.0, abs(b))


def number_text(x: Any) -> str:
    """A number in 6 significant digits; anything else as its (short) repr.

    Example:
        >>> number_text(1 / 3), number_text(2.0), number_text(None), number_text(10**400)
        ('0.333333', '2', 'None', 'an integer of about 10^400')
    """
    if not is_number(x):
        return short_repr(x)
    try:
        return f"{x:.6g}"
    except (TypeError, ValueError, OverflowError):  # a Fraction (before Python 3.12), an int past float
        return describe_number(x)


def numbers_text(xs: Sequence[Any]) -> str:
    """A list of numbers, each as `number_text` writes it.

    Example:
        >>> numbers_text([1.0, 2 / 3])
        '[1, 0.666667]'
    """
    return "[" + ", ".join(number_text(x) for x in xs) + "]"
