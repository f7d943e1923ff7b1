"""Distributions for a generator to learn: points in the plane, with no labels.

A GAN's generator must learn to produce points that look like these. Both are
seeded, so every run sees the same data:

- `make_gaussian_ring`: `modes` small clouds of points evenly spaced on a
  circle. A generator that covers only a few of the clouds has *collapsed*
  onto those modes, the classic way a GAN fails; counting covered clouds
  measures it.
- `make_spiral_points`: points along one spiral arm, a curved shape a
  generator has to bend its noise into.

Example:
    >>> ring = make_gaussian_ring(8, modes=4, std=0.0, rng=0)
    >>> sorted((round(x, 6) + 0.0, round(y, 6) + 0.0) for x, y in ring)[:2]
    [(-2.0, 0.0), (-2.0, 0.0)]
"""

from __future__ import annotations

import math

from .._checks import non_negative_number, positive_number
from .._types import RNG
from .common import Rows, class_sizes, count_argument, rng_argument

__all__ = ["make_gaussian_ring", "make_spiral_points", "ring_centers"]


def ring_centers(modes: int = 8, radius: float = 2.0) -> Rows:
    """The centres of `make_gaussian_ring`'s clouds: (radius cos θ_k, radius sin θ_k),
    θ_k = 2πk / modes, k = 0 .. modes-1.

    Example:
        >>> [[round(c, 6) + 0.0 for c in p] for p in ring_centers(4, radius=1.0)]
        [[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0]]
    """
    fn = "ring_centers"
    modes = count_argument(fn, "modes", modes, 1, "the number of clouds on the ring")
    radius = positive_number(fn, "radius", radius)
    return [[radius * math.cos(2 * math.pi * k / modes), radius * math.sin(2 * math.pi * k / modes)]
            for k in range(modes)]


def make_gaussian_ring(
    n_samples: int = 512,
    modes: int = 8,
    radius: float = 2.0,
    std: float = 0.05,
    rng: RNG = None,
) -> Rows:
    """`n_samples` points in `modes` Gaussian clouds (standard deviation `std`)
    centred evenly on a circle of `radius` (see `ring_centers`); the clouds'
    sizes differ by at most one, and the points come shuffled.

    Example:
        >>> points = make_gaussian_ring(800, modes=8, std=0.05, rng=1)
        >>> len(points), all(1.7 < math.hypot(x, y) < 2.3 for x, y in points)
        (800, True)
    """
    fn = "make_gaussian_ring"
    n_samples = count_argument(fn, "n_samples", n_samples, 1, "the number of points")
    centers = ring_centers(modes, radius)
    std = non_negative_number(fn, "std", std, why="a standard deviation")
    source = rng_argument(fn, rng)
    points = [[cx + source.gauss(0.0, std), cy + source.gauss(0.0, std)]
              for (cx, cy), m in zip(centers, class_sizes(n_samples, len(centers)), strict=True)
              for _ in range(m)]
    source.shuffle(points)
    return points


def make_spiral_points(
    n_samples: int = 512,
    turns: float = 1.5,
    noise: float = 0.05,
    rng: RNG = None,
) -> Rows:
    """`n_samples` points along one spiral arm, r = t, angle 2π·turns·t, for t
    uniform in [0.2, 1] (scaled so the arm reaches radius 2), plus Gaussian
    noise of standard deviation `noise` on both coordinates.

    Example:
        >>> points = make_spiral_points(300, noise=0.0, rng=0)
        >>> len(points), round(max(math.hypot(x, y) for x, y in points), 1)
        (300, 2.0)
    """
    fn = "make_spiral_points"
    n_samples = count_argument(fn, "n_samples", n_samples, 1, "the number of points")
    turns = positive_number(fn, "turns", turns)
    noise = non_negative_number(fn, "noise", noise, why="a standard deviation")
    source = rng_argument(fn, rng)
    points = []
    for _ in range(n_samples):
        t = source.uniform(0.2, 1.0)
        angle = 2 * math.pi * turns * t
        points.append([2 * t * math.cos(angle) + source.gauss(0.0, noise),
                       2 * t * math.sin(angle) + source.gauss(0.0, noise)])
    return points
