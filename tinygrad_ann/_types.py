"""Type aliases shared by the modules (defined once, here).

Example:
    >>> from tinygrad_ann._types import Number
    >>> isinstance(2.5, Number.__args__)
    True
"""

from __future__ import annotations

import random
from typing import Union

#: A plain number: what a `Value` holds, and what mixes with Values in arithmetic.
Number = Union[int, float]

#: Where randomness comes from, everywhere in the library (the `rng` argument):
#: an int seed, a `random.Random`, or None for Python's global `random` module
#: (so that `random.seed(...)` makes a whole notebook reproducible).
RNG = Union[int, random.Random, None]
