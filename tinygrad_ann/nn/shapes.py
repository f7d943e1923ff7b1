"""How samples are shaped: checking them, and `Flatten`.

A flat sample (what a Neuron, a Layer or an MLP reads) is a list of numbers or
Values. An image is a nested list `x[channel][row][col]`, and a signal (what a
Conv1d reads) `x[channel][t]`: a one-channel 8 × 8 image is `[[row0, ..., row7]]`.
The layers that read them check them here, and every error names the layer,
the shape it expected and the shape it got.

Example:
    >>> grid = as_grid('Conv2d', [[[0, 1], [2, 3]]], channels=1, ndim=2)
    >>> shape_text(grid), grid[0][1][0].data
    ('1 × 2 × 2', 2.0)
    >>> Flatten()([[[0.0, 1.0], [2.0, 3.0]]])
    [0.0, 1.0, 2.0, 3.0]
"""

from __future__ import annotations

from numbers import Real
from typing import Any

from .._checks import got, whole_number, wrong_type
from ..engine import Value, as_value
from .module import Module, check_config_keys

__all__ = ["as_grid", "as_vector", "flat_numbers", "shape_of", "shape_text", "pair", "Flatten"]

_WHAT = {1: "a signal x[channel][t]", 2: "an image x[channel][row][col]"}


def shape_text(x: Any) -> str:
    """A nested list's shape as text, e.g. '1 × 8 × 8' (see `shape_of`).

    Example:
        >>> shape_text([[1, 2, 3], [4, 5, 6]])
        '2 × 3'
    """
    return " × ".join(map(str, shape_of(x)))


def shape_of(x: Any) -> tuple[int, ...]:
    """The sizes of a nested list, following the first element at each level
    (a number or a Value has shape ()).

    Example:
        >>> shape_of([[[0.0] * 8] * 8]), shape_of(2.0)
        ((1, 8, 8), ())
    """
    sizes = []
    while isinstance(x, (list, tuple)):
        sizes.append(len(x))
        if not x:
            break
        x = x[0]
    return tuple(sizes)


def as_grid(owner: str, x: Any, channels: int | None, ndim: int) -> list[Any]:
    """`x` as `channels` lists of `ndim` dimensions (1: a signal, 2: an image) of
    Values (numbers become constants), checked: a TypeError or ValueError that
    names `owner`, the shape expected and the shape got. None: any channel count.

    Example:
        >>> as_grid('Conv2d', [[[1, 2]]], channels=3, ndim=2)
        Traceback (most recent call last):
        ValueError: Conv2d: expected an image x[channel][row][col] of 3 channels, got 1 channel (shape 1 × 1 × 2)
    """
    if not isinstance(x, (list, tuple)) or not x or not all(isinstance(c, (list, tuple)) for c in x):
        wrong_type(owner, "x", f"{_WHAT[ndim]}: nested lists of numbers or Values", x)
    if channels is not None and len(x) != channels:
        s = "" if len(x) == 1 else "s"
        raise ValueError(
            f"{owner}: expected {_WHAT[ndim]} of {channels} channel{'s' * (channels != 1)}, "
            f"got {len(x)} channel{s} (shape {shape_text(x)})"
        )
    first = shape_of(x[0])
    if len(first) != ndim or 0 in first:
        raise ValueError(
            f"{owner}: expected {_WHAT[ndim]}, {1 + ndim} levels of lists, got one of shape {shape_text(x)}"
        )
    return [_converted(owner, channel, first, (c,)) for c, channel in enumerate(x)]


def as_vector(owner: str, name: str, x: object, size: int, what: str) -> list[Value]:
    """`x` as a list of `size` Values (numbers become constants); else a TypeError
    or ValueError naming `owner`, `name`, the size expected and what it got.

    Example:
        >>> [v.data for v in as_vector('RMSNorm', 'x', [1, 2.5], 2, 'one vector')]
        [1.0, 2.5]
        >>> as_vector('RMSNorm', 'x', [1.0], 2, 'one vector')
        Traceback (most recent call last):
        ValueError: RMSNorm: x must be a list of 2 numbers or Values (one vector), got 1 entry: [1.0] (list)
    """
    expected = f"a list of {size} numbers or Values ({what})"
    if isinstance(x, (Value, Real, str, bytes, dict)) or not hasattr(x, "__iter__"):
        wrong_type(owner, name, expected, x)
    xs = list(x)
    if len(xs) != size:
        raise ValueError(f"{owner}: {name} must be {expected}, got {len(xs)} "
                         f"entr{'y' if len(xs) == 1 else 'ies'}: {got(xs)}")
    if len(set(map(type, xs))) == 1 and xs[0].__class__ is Value:
        return xs  # fast path: a row of Values (the previous step's or layer's output)
    values = []
    for i, xi in enumerate(xs):
        if xi.__class__ is Value:
            values.append(xi)
        elif isinstance(xi, Real) and not isinstance(xi, bool):
            values.append(as_value(xi))
        else:
            wrong_type(owner, f"{name}[{i}]", "a number or a Value", xi)
    return values


def flat_numbers(x: Any) -> list[Any]:
    """Every number (or Value) of a sample, in reading order: a flat list stays
    as it is, an image x[channel][row][col] is read row by row (as `Flatten`
    does), a single number or Value is a list of one. This is how a
    reconstruction is compared with its input.

    Example:
        >>> flat_numbers([[[1, 2], [3, 4]]]), flat_numbers([5, 6]), flat_numbers(7)
        ([1, 2, 3, 4], [5, 6], [7])
    """
    if not isinstance(x, (list, tuple)):
        return [x]
    if not any(isinstance(item, (list, tuple)) for item in x):
        return list(x)  # already flat: the common case, kept fast
    flat: list[Any] = []
    stack = [x]
    while stack:  # (without recursion)
        item = stack.pop()
        if isinstance(item, (list, tuple)):
            stack.extend(reversed(item))
        else:
            flat.append(item)
    return flat


def _converted(owner: str, x: Any, shape: tuple[int, ...], where: tuple[int, ...]) -> Any:
    """x (one channel) with every number made a Value, checked to be of `shape`."""
    if len(shape) == 1:
        if not isinstance(x, (list, tuple)) or len(x) != shape[0]:
            raise ValueError(
                f"{owner}: the sample must be rectangular, but x{_index(where)} has "
                f"{len(x) if isinstance(x, (list, tuple)) else 'no'} entries where x{_index(where[:-1] + (0,))} "
                f"has {shape[0]}"
            )
        if len(set(map(type, x))) == 1 and x[0].__class__ is Value:
            return list(x)  # fast path: a row of Values (the previous layer's output)
        values = []
        for i, xi in enumerate(x):
            cls = xi.__class__
            if cls is Value:  # the common cases first: the previous layer's output, a pixel
                values.append(xi)
            elif cls is float or cls is int or (isinstance(xi, (Value, Real)) and cls is not bool):
                values.append(as_value(xi))
            else:
                wrong_type(owner, f"x{_index(where + (i,))}", "a number or a Value", xi)
        return values
    if not isinstance(x, (list, tuple)) or len(x) != shape[0]:
        raise ValueError(
            f"{owner}: the sample must be rectangular, but x{_index(where)} has "
            f"{len(x) if isinstance(x, (list, tuple)) else 'no'} rows where x{_index(where[:-1] + (0,))} "
            f"has {shape[0]}"
        )
    return [_converted(owner, row, shape[1:], where + (r,)) for r, row in enumerate(x)]


def _index(where: tuple[int, ...]) -> str:
    return "".join(f"[{i}]" for i in where)


def pair(owner: str, name: str, x: Any, minimum: int = 1) -> tuple[int, int]:
    """A size given as one whole number or a pair of them (rows, columns), checked.

    Example:
        >>> pair('Conv2d', 'kernel_size', 3), pair('Conv2d', 'stride', (1, 2))
        ((3, 3), (1, 2))
        >>> pair('Conv2d', 'kernel_size', 0)
        Traceback (most recent call last):
        ValueError: Conv2d: kernel_size must be a whole number >= 1, got 0
    """
    if isinstance(x, (list, tuple)):
        if len(x) != 2:
            raise ValueError(f"{owner}: {name} must be a whole number or a pair of them, got {got(x)}")
        return (whole_number(owner, f"{name}[0]", x[0], minimum=minimum),
                whole_number(owner, f"{name}[1]", x[1], minimum=minimum))
    n = whole_number(owner, name, x, minimum=minimum)
    return (n, n)


class Flatten(Module):
    """One sample's nested lists as one flat list, row by row (PyTorch's
    `nn.Flatten` on one sample): an image x[channel][row][col] becomes
    [x[0][0][0], x[0][0][1], ..., x[C-1][H-1][W-1]], ready for a Layer or an MLP.

    Example:
        >>> Flatten()([[[1, 2], [3, 4]], [[5, 6], [7, 8]]])
        [1, 2, 3, 4, 5, 6, 7, 8]
    """

    def __call__(self, x: Any) -> list[Any]:
        if not isinstance(x, (list, tuple)):
            wrong_type("Flatten", "x", "a nested list (one sample)", x)
        return flat_numbers(x)

    def __repr__(self) -> str:
        return "Flatten()"

    def config(self) -> dict[str, Any]:
        """{'type': 'Flatten'}

        Example:
            >>> Flatten().config()
            {'type': 'Flatten'}
        """
        return {"type": "Flatten"}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Flatten:
        """A Flatten (it has no arguments).

        Example:
            >>> Flatten.from_config({'type': 'Flatten'})
            Flatten()
        """
        check_config_keys(config, {"type"})
        return cls()

    @classmethod
    def parameter_count(cls, config: dict[str, Any]) -> int:
        """0: it only reshapes.

        Example:
            >>> Flatten.parameter_count({'type': 'Flatten'})
            0
        """
        return 0

