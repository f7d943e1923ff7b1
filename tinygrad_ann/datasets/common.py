"""What every dataset shares: the rng rule, argument checks, shuffling, splitting, shipped files.

- `rng_argument`: where a maker's randomness comes from (`rng`, or `seed`, its old name).
- `train_test_split` and `to_signed`: the public helpers for any `(X, y)`.
- `count_argument`, `n_test_samples`, `class_sizes`, `shuffled`, `split`, `shuffle_and_split`:
  the steps the makers and loaders are built from (the toy sets, the images, the text).
- `read_shipped`: the text of a gzipped file in the package's `data/` folder, read through
  `importlib.resources`, so that it works from a wheel, a zip or a source checkout alike.

Example:
    >>> X_train, X_test, y_train, y_test = train_test_split([[0.0], [1.0], [2.0], [3.0]], [0, 1, 0, 1], rng=0)
    >>> len(X_train), len(X_test)
    (3, 1)
    >>> class_sizes(10, 3)                   # 10 samples over 3 classes, the first gets one more
    [4, 3, 3]
"""

from __future__ import annotations

import gzip
import math
from importlib import resources
from typing import Any, Sequence, TypeVar, Union

from .._checks import fraction, is_number, is_whole_number, random_source, whole_number, wrong_type, wrong_value
from .._types import RNG

__all__ = [
    "rng_argument",
    "train_test_split",
    "to_signed",
    "count_argument",
    "n_test_samples",
    "class_sizes",
    "shuffled",
    "split",
    "shuffle_and_split",
    "read_shipped",
    "Rows",
    "Dataset",
    "RegressionDataset",
]

Rows = list[list[float]]
# A maker's result: (X, y), or (X_train, X_test, y_train, y_test) when test_size is given.
Dataset = Union[
    tuple[Rows, list[int]],
    tuple[Rows, Rows, list[int], list[int]],
]
RegressionDataset = Union[
    tuple[Rows, list[float]],
    tuple[Rows, Rows, list[float], list[float]],
]

_T = TypeVar("_T")
_L = TypeVar("_L")

# ---------------------------------------------------------------------------
# Checking arguments: every error names the function, the argument and the value.
# ---------------------------------------------------------------------------


def rng_argument(owner: str, rng: object, seed: object = ..., default: object = None) -> Any:
    """The random source of a function that takes `rng` and, by its old name, `seed`.

    `seed=` was the name of `rng` in `fit` and the dataset makers, and is kept so
    that code written before the rename runs unchanged. `seed` is `...` when it
    was not given; giving both (`rng` other than its `default`) is a TypeError.
    The one that was given becomes a random source by the library's rule (see
    `_checks.random_source`): an int seed a new `random.Random`, a
    `random.Random` itself, None Python's global `random`.

    Example:
        >>> import random
        >>> rng_argument('make_moons', None, seed=3).random() == random.Random(3).random()
        True
        >>> rng_argument('make_moons', 3).random() == random.Random(3).random()
        True
        >>> rng_argument('make_moons', 1, seed=3)
        Traceback (most recent call last):
        TypeError: make_moons: give rng or seed (its old name), not both; got rng=1 and seed=3
    """
    if seed is ...:
        return random_source(owner, rng)
    if type(rng) is not type(default) or rng != default:
        raise TypeError(
            f"{owner}: give rng or seed (its old name), not both; got rng={rng!r:.40} and seed={seed!r:.40}"
        )
    return random_source(owner, seed, name="seed")


def count_argument(owner: str, name: str, value: object, minimum: int, why: str = "") -> int:
    """`value` as an int, if it is a whole number >= minimum (`why` says why in the error).

    Example:
        >>> count_argument('make_moons', 'n_samples', 10, 2)
        10
        >>> count_argument('make_moons', 'n_samples', 1, 2, 'one point per moon')
        Traceback (most recent call last):
        ValueError: make_moons: n_samples must be a whole number >= 2, got 1 (one point per moon)
    """
    what = f"a whole number >= {minimum}"
    if not is_whole_number(value):
        wrong_type(owner, name, what, value)
    n = whole_number(owner, name, value, minimum=None)
    if n < minimum:
        wrong_value(owner, name, what, value, why)
    return n


def n_test_samples(owner: str, test_size: object, n: int) -> int:
    """How many of `n` samples go to the test split: ceil(test_size * n), both splits non-empty.

    Example:
        >>> n_test_samples('train_test_split', 0.07, 100)     # 7.000000000000001 counts as 7
        7
    """
    if not is_number(test_size):
        wrong_type(owner, "test_size", "a fraction between 0 and 1", test_size)
    size = fraction(owner, "test_size", test_size, include_low=False, include_high=False)
    # round() first so that 0.3 * 10 = 3.0000000000000004 counts as 3, not 4.
    n_test = math.ceil(round(size * n, 9))
    if n_test >= n:
        raise ValueError(
            f"{owner}: test_size={test_size!r} of {n} samples leaves the training split empty "
            f"({n_test} test samples); use more samples or a smaller test_size"
        )
    return n_test


# ---------------------------------------------------------------------------
# The steps of a maker: class sizes, shuffling, splitting
# ---------------------------------------------------------------------------


def class_sizes(n: int, k: int) -> list[int]:
    """n samples spread over k classes as evenly as possible: the first n % k get one more.

    Example:
        >>> class_sizes(11, 4)
        [3, 3, 3, 2]
    """
    return [n // k + (1 if c < n % k else 0) for c in range(k)]


def shuffled(rng: Any, X: list[_T], y: list[_L]) -> tuple[list[_T], list[_L]]:
    """X and y in the same random order (drawn from `rng`).

    Example:
        >>> import random
        >>> X, y = shuffled(random.Random(0), [[0], [1], [2]], [0, 10, 20])
        >>> all(label == 10 * row[0] for row, label in zip(X, y))
        True
    """
    order = list(range(len(X)))
    rng.shuffle(order)
    return [X[i] for i in order], [y[i] for i in order]


def split(
    fn: str,
    X: Sequence[_T],
    y: Sequence[_L],
    test_size: object,
    rng: Any,
) -> tuple[list[_T], list[_T], list[_L], list[_L]]:
    """The body of `train_test_split`, with errors naming `fn` (rng None: no shuffling).

    Example:
        >>> split('load_digits', [[0], [1], [2], [3]], [0, 1, 2, 3], 0.25, None)
        ([[0], [1], [2]], [[3]], [0, 1, 2], [3])
    """
    X, y = list(X), list(y)
    if len(X) != len(y):
        raise ValueError(
            f"{fn}: X and y must have the same length (one label per row), "
            f"got len(X)={len(X)} and len(y)={len(y)}"
        )
    n_test = n_test_samples(fn, test_size, len(X))
    if rng is not None:
        X, y = shuffled(rng, X, y)
    n_train = len(X) - n_test
    return X[:n_train], X[n_train:], y[:n_train], y[n_train:]


def shuffle_and_split(fn: str, rng: Any, X: list, y: list, test_size: float | None) -> tuple:
    """A maker's last step: shuffle, then split if test_size is given.

    Example:
        >>> import random
        >>> X, y = shuffle_and_split('make_moons', random.Random(0), [[0], [1]], [0, 1], None)
        >>> sorted(y)
        [0, 1]
    """
    X, y = shuffled(rng, X, y)
    if test_size is None:
        return X, y
    return split(fn, X, y, test_size, rng)


# ---------------------------------------------------------------------------
# Splitting and labels
# ---------------------------------------------------------------------------


def train_test_split(
    X: Sequence[_T],
    y: Sequence[_L],
    test_size: float = 0.25,
    rng: RNG = None,
    shuffle: bool = True,
    *,
    seed: Any = ...,
) -> tuple[list[_T], list[_T], list[_L], list[_L]]:
    """Split rows and labels into `(X_train, X_test, y_train, y_test)` (scikit-learn's order).

    The test split gets ceil(test_size * n) samples (0.07 of 100 is 7: float
    round-off such as 7.000000000000001 is ignored), the training split the
    rest; both must be non-empty. With `shuffle=True` the samples are put in a
    random order (drawn from `rng`, as the makers draw; `seed=` is its old name)
    first; with `shuffle=False` the test split is the last samples. Rows and
    labels stay paired; the rows themselves are not copied. Rows may be
    anything: feature vectors, images `x[channel][row][col]`, token lists.

    Example:
        >>> X = [[0.0], [1.0], [2.0], [3.0]]
        >>> train_test_split(X, [0, 1, 0, 1], test_size=0.25, shuffle=False)
        ([[0.0], [1.0], [2.0]], [[3.0]], [0, 1, 0], [1])
        >>> X_train, X_test, y_train, y_test = train_test_split(X, [0, 1, 0, 1], rng=0)
        >>> len(X_train), len(X_test)
        (3, 1)
    """
    fn = "train_test_split"
    source = rng_argument(fn, rng, seed) if shuffle else None
    return split(fn, X, y, test_size, source)


def to_signed(y: Sequence[int]) -> list[int]:
    """Labels 0/1 as -1/+1, for hinge loss max(0, 1 - y * score): 0 -> -1, 1 -> +1.

    This is `y*2 - 1` from the micrograd demo. Apply it to `y` (or to `y_train`
    and `y_test`) after making the data; any label other than 0 or 1 is an error.

    Example:
        >>> to_signed([0, 1, 1, 0])
        [-1, 1, 1, -1]
    """
    signed = []
    for i, label in enumerate(y):
        if label == 0:
            signed.append(-1)
        elif label == 1:
            signed.append(1)
        else:
            raise ValueError(
                f"to_signed: labels must be 0 or 1, got {label!r} at index {i}; "
                f"-1/+1 labels are for two classes"
            )
    return signed


# ---------------------------------------------------------------------------
# Files shipped in the package (tinygrad_ann/data, listed with their sources in SOURCES.md)
# ---------------------------------------------------------------------------

#: The package whose `data/` folder holds the shipped files.
DATA_PACKAGE = "tinygrad_ann"


def read_shipped(owner: str, filename: str) -> str:
    """The text of the gzipped file `tinygrad_ann/data/<filename>` (UTF-8).

    Read through `importlib.resources`, so it is found wherever the package is
    installed (a wheel, a zip, an editable checkout). A missing file means an
    installation without its package data: the error says so.

    Example:
        >>> read_shipped('load_names', 'names.txt.gz')[:10]
        'emma\\nolivi'
    """
    resource = resources.files(DATA_PACKAGE) / "data" / filename
    try:
        data = resource.read_bytes()
    except FileNotFoundError:
        raise FileNotFoundError(
            f"{owner}: the data file {DATA_PACKAGE}/data/{filename} is missing from this installation "
            f"of tinygrad_ann (it is package data); reinstall the package, e.g. pip install ."
        ) from None
    return gzip.decompress(data).decode("utf-8")
