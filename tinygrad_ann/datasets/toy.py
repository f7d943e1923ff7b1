"""The 2-D toy sets of the first notebooks: moons, circles, XOR, spirals, blobs, a sine.

Every maker returns `(X, y)`: `X` is a list of rows (one list of floats per
sample, the input to an `MLP`) and `y` a list of labels (ints 0..k-1 for
classification, floats for the regression `make_sine`). Pass `test_size` and a
maker returns `(X_train, X_test, y_train, y_test)` instead, split by
`train_test_split`. Samples come in random order, so any slice of them is a fair
minibatch. The geometry of `make_moons` and `make_circles` is scikit-learn's.

Example:
    >>> X, y = make_moons(100, noise=0.1, rng=0)
    >>> len(X), len(X[0]), sorted(set(y))
    (100, 2, [0, 1])
"""

from __future__ import annotations

import math
from typing import Any, Sequence

from .._checks import finite_number, is_whole_number, non_negative_number, wrong_type, wrong_value
from .._types import RNG
from .common import (
    Dataset,
    RegressionDataset,
    Rows,
    class_sizes,
    count_argument,
    n_test_samples,
    rng_argument,
    shuffle_and_split,
)

__all__ = ["make_moons", "make_circles", "make_xor", "make_spiral", "make_blobs", "make_sine"]

# ---------------------------------------------------------------------------
# Helpers of the makers below
# ---------------------------------------------------------------------------


def _blob_centers(
    fn: str, centers: object, n_features: int | None
) -> tuple[int, list[list[float]] | None]:
    """(how many blobs, their centres as lists of floats, or None to draw them)."""
    if is_whole_number(centers):
        return count_argument(fn, "centers", centers, 1, "the number of blobs"), None
    what = "an int (how many) or a list of points"
    if isinstance(centers, str) or not isinstance(centers, Sequence):
        wrong_type(fn, "centers", what, centers)
    if len(centers) == 0:
        wrong_value(fn, "centers", "an int (how many) or a list of at least one point", centers)
    points = []
    for j, c in enumerate(centers):
        if isinstance(c, str) or not isinstance(c, Sequence) or len(c) == 0:
            wrong_type(fn, f"centers[{j}]", "a point (a non-empty list of numbers)", c)
        points.append([finite_number(fn, f"centers[{j}][{d}]", v) for d, v in enumerate(c)])
    dim = len(points[0])
    for j, p in enumerate(points):
        if len(p) != dim:
            wrong_value(fn, f"centers[{j}]", f"a point of {dim} coordinates, as centers[0] is", p)
    if n_features is not None and n_features != dim:
        wrong_value(fn, "n_features", f"{dim}, the number of coordinates of the centers", n_features)
    return len(points), points


def _linspace(start: float, stop: float, m: int, endpoint: bool = True) -> list[float]:
    """m evenly spaced numbers from start to stop (stop included if endpoint)."""
    steps = (m - 1 if endpoint else m) or 1
    # i / steps first, so the last point is exactly `stop` (1.0 * stop == stop).
    return [start + (stop - start) * (i / steps) for i in range(m)]


# ---------------------------------------------------------------------------
# Classification: labels are ints 0..k-1
# ---------------------------------------------------------------------------


def make_moons(
    n_samples: int = 100,
    noise: float = 0.1,
    rng: RNG = None,
    test_size: float | None = None,
    *,
    seed: Any = ...,
) -> Dataset:
    """Two interleaving half circles: label 0 on the upper moon, 1 on the lower.

    Moon 0 is (cos t, sin t), moon 1 is (1 - cos t, 0.5 - sin t), with t evenly
    spaced on [0, pi] along each moon; Gaussian noise of standard deviation
    `noise` is added to both coordinates. Moon 0 gets ceil(n_samples / 2)
    points, moon 1 the rest. Returns `(X, y)`, or with `test_size` the
    4-tuple of `train_test_split`.

    Example:
        >>> X, y = make_moons(4, noise=0.0, rng=0)
        >>> sorted((round(a, 6) + 0.0, round(b, 6) + 0.0, c) for (a, b), c in zip(X, y))
        [(-1.0, 0.0, 0), (0.0, 0.5, 1), (1.0, 0.0, 0), (2.0, 0.5, 1)]
    """
    fn = "make_moons"
    n_samples = count_argument(fn, "n_samples", n_samples, 2, "one point per moon")
    noise = non_negative_number(fn, "noise", noise, why="a standard deviation")
    if test_size is not None:
        n_test_samples(fn, test_size, n_samples)
    source = rng_argument(fn, rng, seed)

    X: Rows = []
    y: list[int] = []
    n_upper, n_lower = class_sizes(n_samples, 2)
    for t in _linspace(0.0, math.pi, n_upper):
        X.append([math.cos(t) + source.gauss(0.0, noise), math.sin(t) + source.gauss(0.0, noise)])
        y.append(0)
    for t in _linspace(0.0, math.pi, n_lower):
        X.append(
            [1.0 - math.cos(t) + source.gauss(0.0, noise), 0.5 - math.sin(t) + source.gauss(0.0, noise)]
        )
        y.append(1)
    return shuffle_and_split(fn, source, X, y, test_size)


def make_circles(
    n_samples: int = 100,
    noise: float = 0.05,
    factor: float = 0.5,
    rng: RNG = None,
    test_size: float | None = None,
    *,
    seed: Any = ...,
) -> Dataset:
    """A circle inside a circle: label 0 on the outer (radius 1), 1 on the inner (radius factor).

    Points on each circle are (r cos t, r sin t) with t evenly spaced on
    [0, 2 pi), plus Gaussian noise of standard deviation `noise` on both
    coordinates. The outer circle gets ceil(n_samples / 2) points, the inner
    the rest; 0 <= factor < 1. Returns `(X, y)`, or with `test_size` the
    4-tuple of `train_test_split`.

    Example:
        >>> X, y = make_circles(8, noise=0.0, factor=0.5, rng=0)
        >>> sorted({(round(math.hypot(a, b), 6), c) for (a, b), c in zip(X, y)})
        [(0.5, 1), (1.0, 0)]
    """
    fn = "make_circles"
    n_samples = count_argument(fn, "n_samples", n_samples, 2, "one point per circle")
    noise = non_negative_number(fn, "noise", noise, why="a standard deviation")
    factor_ = finite_number(fn, "factor", factor)
    if not 0 <= factor_ < 1:
        wrong_value(fn, "factor", "a number in [0, 1)", factor, why="the inner circle's radius; the outer's is 1")
    if test_size is not None:
        n_test_samples(fn, test_size, n_samples)
    source = rng_argument(fn, rng, seed)

    X: Rows = []
    y: list[int] = []
    for label, (radius, m) in enumerate(zip((1.0, factor_), class_sizes(n_samples, 2), strict=True)):
        for t in _linspace(0.0, 2 * math.pi, m, endpoint=False):
            X.append(
                [
                    radius * math.cos(t) + source.gauss(0.0, noise),
                    radius * math.sin(t) + source.gauss(0.0, noise),
                ]
            )
            y.append(label)
    return shuffle_and_split(fn, source, X, y, test_size)


# The XOR clusters in the order that shares out leftover samples: the labels
# alternate, so the two classes never differ in size by more than one.
_XOR_CLUSTERS = (((-1.0, -1.0), 0), ((-1.0, 1.0), 1), ((1.0, 1.0), 0), ((1.0, -1.0), 1))


def make_xor(
    n_samples: int = 100,
    noise: float = 0.2,
    rng: RNG = None,
    test_size: float | None = None,
    *,
    seed: Any = ...,
) -> Dataset:
    """Four Gaussian clusters at (+-1, +-1), labelled by XOR: 1 where the signs of x and y differ.

    Clusters (1, 1) and (-1, -1) are label 0, (-1, 1) and (1, -1) label 1: no
    straight line separates the classes, so a single neuron cannot learn it.
    `noise` is each cluster's standard deviation (large noise makes the
    clusters overlap; a point keeps its cluster's label). The n_samples >= 4
    points are spread over the clusters as evenly as possible, so the classes
    differ in size by at most one. Returns `(X, y)`, or with `test_size` the
    4-tuple of `train_test_split`.

    Example:
        >>> X, y = make_xor(4, noise=0.0, rng=0)
        >>> sorted((a, b, c) for (a, b), c in zip(X, y))
        [(-1.0, -1.0, 0), (-1.0, 1.0, 1), (1.0, -1.0, 1), (1.0, 1.0, 0)]
    """
    fn = "make_xor"
    n_samples = count_argument(fn, "n_samples", n_samples, 4, "one point per cluster")
    noise = non_negative_number(fn, "noise", noise, why="a standard deviation")
    if test_size is not None:
        n_test_samples(fn, test_size, n_samples)
    source = rng_argument(fn, rng, seed)

    X: Rows = []
    y: list[int] = []
    for ((cx, cy), label), m in zip(_XOR_CLUSTERS, class_sizes(n_samples, 4), strict=True):
        for _ in range(m):
            X.append([cx + source.gauss(0.0, noise), cy + source.gauss(0.0, noise)])
            y.append(label)
    return shuffle_and_split(fn, source, X, y, test_size)


def make_spiral(
    n_samples: int = 100,
    n_classes: int = 3,
    noise: float = 0.2,
    rng: RNG = None,
    test_size: float | None = None,
    *,
    seed: Any = ...,
) -> Dataset:
    """k interleaved spiral arms, one per class, labels 0..k-1 (the CS231n spiral).

    Arm k has m points; point i of it is at radius r = (i + 1) / m and angle
    theta = 2 pi k / n_classes + 4 r + noise, i.e. (r cos theta, r sin theta):
    each arm winds 4 radians outwards from the centre to radius 1, and the arms
    are rotated evenly around it. `noise` is the standard deviation of Gaussian
    noise added to the angle (radians). The n_samples points are spread over
    the classes as evenly as possible: each gets n_samples // n_classes, and the
    first n_samples % n_classes classes one more. Returns `(X, y)`, or with
    `test_size` the 4-tuple of `train_test_split`.

    Example:
        >>> X, y = make_spiral(10, n_classes=3, rng=0)
        >>> [y.count(k) for k in range(3)]
        [4, 3, 3]
        >>> round(max(math.hypot(a, b) for a, b in X), 9)     # the outermost point of each arm
        1.0
    """
    fn = "make_spiral"
    n_classes = count_argument(fn, "n_classes", n_classes, 2, "a classification needs two classes")
    n_samples = count_argument(
        fn, "n_samples", n_samples, n_classes, f"one point per class, n_classes={n_classes}"
    )
    noise = non_negative_number(fn, "noise", noise, why="a standard deviation")
    if test_size is not None:
        n_test_samples(fn, test_size, n_samples)
    source = rng_argument(fn, rng, seed)

    X: Rows = []
    y: list[int] = []
    for label, m in enumerate(class_sizes(n_samples, n_classes)):
        for i in range(m):
            r = (i + 1) / m
            theta = 2 * math.pi * label / n_classes + 4 * r + source.gauss(0.0, noise)
            X.append([r * math.cos(theta), r * math.sin(theta)])
            y.append(label)
    return shuffle_and_split(fn, source, X, y, test_size)


def make_blobs(
    n_samples: int = 100,
    centers: int | Sequence[Sequence[float]] = 3,
    cluster_std: float = 1.0,
    n_features: int | None = None,
    rng: RNG = None,
    test_size: float | None = None,
    *,
    seed: Any = ...,
) -> Dataset:
    """Gaussian blobs: label k for the points around centre k.

    `centers` is a list of points, or a number of centres to draw uniformly from
    the box [-10, 10]^n_features (n_features defaults to 2, or to the length of
    the given points). Every coordinate gets Gaussian noise of standard
    deviation `cluster_std`. The n_samples points are spread over the blobs as
    evenly as possible: each gets n_samples // k, and the first n_samples % k
    one more. Returns `(X, y)`, or with `test_size` the 4-tuple of
    `train_test_split`.

    Example:
        >>> X, y = make_blobs(6, centers=[[0, 0], [5, 5]], cluster_std=0.0, rng=0)
        >>> sorted((a, b, c) for (a, b), c in zip(X, y))
        [(0.0, 0.0, 0), (0.0, 0.0, 0), (0.0, 0.0, 0), (5.0, 5.0, 1), (5.0, 5.0, 1), (5.0, 5.0, 1)]
        >>> X, y = make_blobs(10, centers=4, n_features=3, rng=0)
        >>> len(X[0]), sorted(set(y))
        (3, [0, 1, 2, 3])
    """
    fn = "make_blobs"
    if n_features is not None:
        n_features = count_argument(fn, "n_features", n_features, 1)
    k, points = _blob_centers(fn, centers, n_features)
    n_samples = count_argument(fn, "n_samples", n_samples, k, f"one point per blob, {k} blobs")
    std = non_negative_number(fn, "cluster_std", cluster_std, why="a standard deviation")
    if test_size is not None:
        n_test_samples(fn, test_size, n_samples)
    source = rng_argument(fn, rng, seed)

    if points is None:
        dim = 2 if n_features is None else n_features
        points = [[source.uniform(-10.0, 10.0) for _ in range(dim)] for _ in range(k)]
    X: Rows = []
    y: list[int] = []
    for label, (center, m) in enumerate(zip(points, class_sizes(n_samples, k), strict=True)):
        for _ in range(m):
            X.append([c + source.gauss(0.0, std) for c in center])
            y.append(label)
    return shuffle_and_split(fn, source, X, y, test_size)


# ---------------------------------------------------------------------------
# Regression: targets are floats
# ---------------------------------------------------------------------------


def make_sine(
    n_samples: int = 100,
    noise: float = 0.1,
    x_range: tuple[float, float] = (-math.pi, math.pi),
    rng: RNG = None,
    test_size: float | None = None,
    *,
    seed: Any = ...,
) -> RegressionDataset:
    """1-D regression: x uniform on x_range, target y = sin(x) + Gaussian noise.

    `X` is a list of one-element rows [x] (the input to an `MLP(1, ...)`), `y`
    a list of floats; `noise` is the standard deviation of the noise on y.
    Returns `(X, y)`, or with `test_size` the 4-tuple of `train_test_split`.

    Example:
        >>> X, y = make_sine(5, noise=0.0, rng=0)
        >>> len(X), len(X[0])
        (5, 1)
        >>> all(t == math.sin(x) for (x,), t in zip(X, y))
        True
    """
    fn = "make_sine"
    n_samples = count_argument(fn, "n_samples", n_samples, 1)
    noise = non_negative_number(fn, "noise", noise, why="a standard deviation")
    pair = "a pair (low, high) with low < high"
    if isinstance(x_range, str) or not isinstance(x_range, Sequence):
        wrong_type(fn, "x_range", pair, x_range)
    if len(x_range) != 2:
        wrong_value(fn, "x_range", pair, x_range)
    low = finite_number(fn, "x_range[0]", x_range[0])
    high = finite_number(fn, "x_range[1]", x_range[1])
    if not low < high:
        wrong_value(fn, "x_range", pair, x_range)
    if test_size is not None:
        n_test_samples(fn, test_size, n_samples)
    source = rng_argument(fn, rng, seed)

    X: Rows = []
    y: list[float] = []
    for _ in range(n_samples):
        x = source.uniform(low, high)
        X.append([x])
        y.append(math.sin(x) + source.gauss(0.0, noise))
    return shuffle_and_split(fn, source, X, y, test_size)
