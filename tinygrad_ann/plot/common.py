"""What every picture shares: the palette, the marker shapes, and reading numbers.

The colours are the Okabe-Ito palette, which reads the same to colour-blind
viewers; classes also differ by marker shape, so a picture survives greyscale.

Example:
    >>> from tinygrad_ann.engine import Value
    >>> PALETTE[0], MARKERS[0], plain_number('plot_history', 'loss', Value(0.5))
    ('#0072B2', 'o', 0.5)
"""

from __future__ import annotations

from typing import Any, Callable, Hashable

from .._checks import finite_number, number
from ..engine import Value

__all__ = ["PALETTE", "MARKERS", "Label", "Model", "plain_number"]

#: A class label as it appears in y: 0/1, -1/+1, 0..k-1, or any hashable value.
Label = Hashable
#: A model as the pictures call it: model([x1, x2]) -> a Value or a list of Values.
Model = Callable[[list], Any]

#: Okabe-Ito colours (blue, vermillion, bluish green, reddish purple, orange,
#: sky blue, yellow): distinguishable with every common kind of colour blindness.
PALETTE: tuple[str, ...] = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#F0E442",
)

#: Marker shapes, one per class, in the palette's order.
MARKERS: tuple[str, ...] = ("o", "s", "^", "D", "v", "P", "X")


def plain_number(owner: str, name: str, x: object, finite: bool = False) -> float:
    """`x`, a number or a Value, as a float: the number a picture draws.

    A Value gives its data. Anything else must be a number (TypeError), and with
    `finite=True` a finite one (ValueError for nan and ±inf); errors start with
    `owner` and name `name`, as every check of the library does.

    Example:
        >>> from tinygrad_ann.engine import Value
        >>> plain_number('plot_history', "history['loss'][0]", Value(0.5))
        0.5
        >>> plain_number('decision_grid', 'X[0][1]', float('nan'), finite=True)
        Traceback (most recent call last):
        ValueError: decision_grid: X[0][1] must be a finite number, got nan
    """
    if isinstance(x, Value):
        x = x.data
    return finite_number(owner, name, x) if finite else number(owner, name, x)
