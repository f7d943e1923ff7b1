"""Weight initialisation (PyTorch's `nn.init`): `INITS` and the first value of each weight.

Every weight starts as a random number; the spread that trains well depends on
the activation and on how many inputs (fan_in) and outputs (fan_out) the
layer has. Biases always start at 0.

Randomness comes from the library's one `rng` argument (see
`tinygrad_ann._checks.random_source`): an int seed, a `random.Random`, or None
for Python's global `random` (so `random.seed(...)` makes a model reproducible,
as in micrograd).

Example:
    >>> import random
    >>> r = random.Random(0)
    >>> -1 <= initial_weight(r, 'uniform', fan_in=2, fan_out=1) <= 1
    True
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["INITS", "initial_weight"]

#: Weight initialisations: 'uniform' is micrograd's U(-1, 1); 'xavier' (Glorot)
#: is U(-a, a) with a = sqrt(6 / (fan_in + fan_out)), for tanh/sigmoid; 'he'
#: (Kaiming) is N(0, 2 / fan_in), for relu. Biases start at 0 in all three.
INITS = ("uniform", "xavier", "he")


def initial_weight(r: Any, init: str, fan_in: int, fan_out: int) -> float:
    """One weight's first value, drawn from `r` (a random.Random or the `random` module).

    'uniform': U(-1, 1); 'xavier': U(-a, a), a = sqrt(6 / (fan_in + fan_out));
    'he': N(0, 2 / fan_in). `init` is one of INITS, checked by the caller.

    Example:
        >>> import random
        >>> w = initial_weight(random.Random(0), 'xavier', fan_in=100, fan_out=50)
        >>> abs(w) <= math.sqrt(6 / 150)
        True
    """
    if init == "uniform":
        return r.uniform(-1, 1)
    if init == "xavier":
        a = math.sqrt(6.0 / (fan_in + fan_out))
        return r.uniform(-a, a)
    return r.gauss(0.0, math.sqrt(2.0 / fan_in))  # he
