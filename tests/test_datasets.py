"""Specification of tinygrad_ann.datasets: toy sets, digit images and names, as plain lists.

Expectations come from the geometry each docstring promises (points on circles,
at cluster centres, on spiral arms), from the shipped files read here by hand,
and from the font's bitmaps, never from the code's own output.
"""

from __future__ import annotations

import csv
import gzip
import math
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path
from statistics import fmean, pstdev

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_ann.datasets.images as images_module
import tinygrad_ann.datasets.text as text_module
from tinygrad_ann.datasets import (
    DIGIT_FONT,
    CharTokenizer,
    image_to_text,
    load_digits,
    load_names,
    make_blobs,
    make_circles,
    make_glyphs,
    make_moons,
    make_sine,
    make_spiral,
    make_xor,
    to_signed,
    train_test_split,
)

# Every maker with noise on, so that different seeds must give different numbers.
MAKERS = {
    "make_moons": lambda **kw: make_moons(50, noise=0.1, **kw),
    "make_circles": lambda **kw: make_circles(50, noise=0.05, **kw),
    "make_xor": lambda **kw: make_xor(50, noise=0.2, **kw),
    "make_spiral": lambda **kw: make_spiral(50, n_classes=3, noise=0.2, **kw),
    "make_blobs": lambda **kw: make_blobs(50, centers=3, cluster_std=1.0, **kw),
    "make_sine": lambda **kw: make_sine(50, noise=0.1, **kw),
    "make_glyphs": lambda **kw: make_glyphs(20, noise=0.1, **kw),
}
maker_names = pytest.mark.parametrize("name", sorted(MAKERS))

TOL = 1e-12


def by_label(X, y):
    """{label: [rows with that label]}"""
    groups: dict = {}
    for row, label in zip(X, y, strict=True):
        groups.setdefault(label, []).append(row)
    return groups


def as_multiset(X, y):
    return Counter((tuple(row), label) for row, label in zip(X, y, strict=True))


# ---------------------------------------------------------------------------
# Determinism and the global random state
# ---------------------------------------------------------------------------


@maker_names
def test_same_seed_gives_same_data(name):
    assert MAKERS[name](rng=7) == MAKERS[name](rng=7)


@maker_names
def test_different_seeds_give_different_data(name):
    X0, _ = MAKERS[name](rng=0)
    X1, _ = MAKERS[name](rng=1)
    assert X0 != X1


@maker_names
def test_random_instance_as_seed_draws_like_the_same_int_seed(name):
    assert MAKERS[name](rng=random.Random(3)) == MAKERS[name](rng=3)


@maker_names
def test_shared_random_instance_gives_new_data_on_each_call(name):
    rng = random.Random(3)
    first, second = MAKERS[name](rng=rng), MAKERS[name](rng=rng)
    assert first[0] != second[0]
    rng_again = random.Random(3)
    assert MAKERS[name](rng=rng_again) == first and MAKERS[name](rng=rng_again) == second


@maker_names
def test_seeded_data_ignores_the_global_random_state(name):
    random.seed(1)
    a = MAKERS[name](rng=5)
    random.seed(2)
    random.random()
    b = MAKERS[name](rng=5)
    assert a == b


@maker_names
@pytest.mark.parametrize("rng", [5, random.Random(5)])
def test_makers_with_their_own_rng_leave_the_global_random_state_alone(name, rng):
    random.seed(123)
    before = random.getstate()
    MAKERS[name](rng=rng)
    MAKERS[name](rng=rng, test_size=0.2)
    assert random.getstate() == before


@maker_names
def test_no_rng_draws_from_the_global_random_so_random_seed_repeats_the_data(name):
    random.seed(123)
    first = MAKERS[name]()
    random.seed(123)
    assert MAKERS[name]() == first
    assert MAKERS[name]()[0] != first[0]  # the global generator has moved on


@maker_names
def test_no_rng_gives_fresh_data_each_call(name):
    assert MAKERS[name]()[0] != MAKERS[name]()[0]


def test_train_test_split_with_its_own_rng_leaves_the_global_random_state_alone():
    random.seed(123)
    before = random.getstate()
    train_test_split(list(range(20)), list(range(20)), rng=4)
    train_test_split(list(range(20)), list(range(20)), shuffle=False)
    assert random.getstate() == before


def test_train_test_split_without_rng_shuffles_with_the_global_random():
    random.seed(7)
    first = train_test_split(list(range(20)), list(range(20)))
    random.seed(7)
    assert train_test_split(list(range(20)), list(range(20))) == first


# ---------------------------------------------------------------------------
# seed=, the old name of rng
# ---------------------------------------------------------------------------


@maker_names
def test_seed_is_the_old_name_of_rng(name):
    assert MAKERS[name](seed=7) == MAKERS[name](rng=7)
    assert MAKERS[name](seed=7, test_size=0.2) == MAKERS[name](rng=7, test_size=0.2)
    assert MAKERS[name](seed=random.Random(3)) == MAKERS[name](rng=3)


def test_seed_is_the_old_name_of_rng_in_train_test_split():
    X, y = list(range(20)), list(range(20))
    assert train_test_split(X, y, seed=4) == train_test_split(X, y, rng=4)


@maker_names
def test_rng_and_seed_together_are_a_type_error(name):
    with pytest.raises(TypeError, match=r"^make_\w+: give rng or seed \(its old name\), not both; got rng=1 and seed=2$"):
        MAKERS[name](rng=1, seed=2)


def test_the_int_seeds_give_the_same_data_as_before_the_rename():
    # Pinned from the library before `seed` became `rng`: the same int, the same data.
    X, y = make_moons(4, noise=0.1, rng=0)
    assert y == [1, 0, 0, 1]
    assert X[0] == [-0.1016348894188071, 0.49278799772149284]


# ---------------------------------------------------------------------------
# Shapes, types, label sets and class balance
# ---------------------------------------------------------------------------

CLASSIFIERS = {
    # name: (maker taking n_samples and seed, smallest n_samples, number of classes)
    "make_moons": (lambda n, seed: make_moons(n, rng=seed), 2, 2),
    "make_circles": (lambda n, seed: make_circles(n, rng=seed), 2, 2),
    "make_xor": (lambda n, seed: make_xor(n, rng=seed), 4, 2),
    "make_spiral_3": (lambda n, seed: make_spiral(n, n_classes=3, rng=seed), 3, 3),
    "make_spiral_5": (lambda n, seed: make_spiral(n, n_classes=5, rng=seed), 5, 5),
    "make_blobs_4": (lambda n, seed: make_blobs(n, centers=4, rng=seed), 4, 4),
}


@pytest.mark.parametrize("name", sorted(CLASSIFIERS))
@settings(max_examples=30, deadline=None)
@given(extra=st.integers(0, 300), seed=st.integers(0, 2**32))
def test_classification_shapes_labels_and_balance(name, extra, seed):
    make, smallest, k = CLASSIFIERS[name]
    n = smallest + extra
    X, y = make(n, seed)
    assert len(X) == len(y) == n
    assert all(len(row) == 2 and all(type(v) is float for v in row) for row in X)
    assert all(type(label) is int for label in y)
    counts = Counter(y)
    assert set(counts) == set(range(k))
    # spread as evenly as possible: class sizes n // k or n // k + 1, the larger ones first
    assert [counts[c] for c in range(k)] == sorted((counts[c] for c in range(k)), reverse=True)
    assert max(counts.values()) - min(counts.values()) <= 1


@pytest.mark.parametrize(
    "make, expected",
    [
        (lambda: make_moons(7, rng=0), {0: 4, 1: 3}),
        (lambda: make_circles(9, rng=0), {0: 5, 1: 4}),
        (lambda: make_xor(6, rng=0), {0: 3, 1: 3}),
        (lambda: make_xor(7, rng=0), {0: 4, 1: 3}),
        (lambda: make_spiral(10, n_classes=3, rng=0), {0: 4, 1: 3, 2: 3}),
        (lambda: make_spiral(11, n_classes=4, rng=0), {0: 3, 1: 3, 2: 3, 3: 2}),
        (lambda: make_blobs(8, centers=3, rng=0), {0: 3, 1: 3, 2: 2}),
    ],
)
def test_class_sizes_by_hand(make, expected):
    _, y = make()
    assert Counter(y) == expected


@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 300), seed=st.integers(0, 2**32))
def test_sine_shapes_and_types(n, seed):
    X, y = make_sine(n, rng=seed)
    assert len(X) == len(y) == n
    assert all(len(row) == 1 and type(row[0]) is float for row in X)
    assert all(type(t) is float for t in y)


@settings(max_examples=30, deadline=None)
@given(
    n_features=st.integers(1, 5),
    k=st.integers(1, 6),
    extra=st.integers(0, 50),
    seed=st.integers(0, 2**32),
)
def test_blobs_shapes_for_any_dimension(n_features, k, extra, seed):
    X, y = make_blobs(k + extra, centers=k, n_features=n_features, rng=seed)
    assert len(X) == len(y) == k + extra
    assert all(len(row) == n_features for row in X)
    assert set(y) == set(range(k))


def test_samples_come_in_random_order_not_grouped_by_class():
    _, y = make_moons(100, rng=0)
    assert y != sorted(y) and y != sorted(y, reverse=True)
    assert 0 in y[:20] and 1 in y[:20]


# ---------------------------------------------------------------------------
# Geometry without noise
# ---------------------------------------------------------------------------


def linspace(start, stop, m, endpoint=True):
    steps = (m - 1 if endpoint else m) or 1
    return [start + (stop - start) * i / steps for i in range(m)]


@pytest.mark.parametrize("n", [2, 3, 10, 101])
def test_moons_without_noise_lie_on_their_half_circles(n):
    X, y = make_moons(n, noise=0.0, rng=0)
    moons = by_label(X, y)
    upper, lower = moons[0], moons[1]
    for a, b in upper:  # (cos t, sin t): unit circle about the origin, upper half
        assert math.hypot(a, b) == pytest.approx(1.0, abs=TOL)
        assert b >= -TOL
    for a, b in lower:  # (1 - cos t, 0.5 - sin t): unit circle about (1, 0.5), lower half
        assert math.hypot(a - 1.0, b - 0.5) == pytest.approx(1.0, abs=TOL)
        assert b <= 0.5 + TOL


@pytest.mark.parametrize("n", [4, 9, 40])
def test_moons_without_noise_have_t_evenly_spaced_from_0_to_pi(n):
    X, y = make_moons(n, noise=0.0, rng=1)
    moons = by_label(X, y)
    t_upper = sorted(math.atan2(b, a) % (2 * math.pi) for a, b in moons[0])
    t_lower = sorted(math.atan2(0.5 - b, 1.0 - a) % (2 * math.pi) for a, b in moons[1])
    for ts in (t_upper, t_lower):
        ts = [0.0 if t > 6 else t for t in ts]  # t = pi may come back as -0.0 ~ 2 pi
        ts.sort()
        assert ts == pytest.approx(linspace(0.0, math.pi, len(ts)), abs=1e-9)


def test_moons_endpoints_by_hand():
    X, y = make_moons(4, noise=0.0, rng=0)
    points = sorted((round(a, 9), round(b, 9), label) for (a, b), label in zip(X, y, strict=True))
    assert points == [(-1.0, 0.0, 0), (0.0, 0.5, 1), (1.0, 0.0, 0), (2.0, 0.5, 1)]


@pytest.mark.parametrize("factor", [0.0, 0.3, 0.5, 0.9])
def test_circles_without_noise_have_radii_1_and_factor(factor):
    X, y = make_circles(30, noise=0.0, factor=factor, rng=0)
    for (a, b), label in zip(X, y, strict=True):
        expected = 1.0 if label == 0 else factor
        assert math.hypot(a, b) == pytest.approx(expected, abs=TOL)


def test_circles_without_noise_have_evenly_spaced_angles():
    X, y = make_circles(17, noise=0.0, factor=0.5, rng=0)
    for rows in by_label(X, y).values():
        angles = sorted(math.atan2(b, a) % (2 * math.pi) for a, b in rows)
        angles = sorted(0.0 if t > 2 * math.pi - 1e-9 else t for t in angles)
        assert angles == pytest.approx(linspace(0.0, 2 * math.pi, len(rows), False), abs=1e-9)


@pytest.mark.parametrize("n", [4, 5, 6, 7, 50])
def test_xor_without_noise_puts_every_point_on_a_corner_with_its_xor_label(n):
    X, y = make_xor(n, noise=0.0, rng=0)
    assert {(a, b) for a, b in X} == {(1.0, 1.0), (-1.0, -1.0), (1.0, -1.0), (-1.0, 1.0)}
    for (a, b), label in zip(X, y, strict=True):
        assert label == int((a > 0) != (b > 0))


def test_xor_with_small_noise_keeps_points_in_their_quadrants():
    # std 0.1 about corners 1 away from the axes: crossing an axis is a 10-sigma event
    X, y = make_xor(400, noise=0.1, rng=0)
    for (a, b), label in zip(X, y, strict=True):
        assert label == int((a > 0) != (b > 0))


@pytest.mark.parametrize("n, k", [(3, 3), (30, 3), (31, 2), (50, 5)])
def test_spiral_without_noise_lies_on_its_arms(n, k):
    X, y = make_spiral(n, n_classes=k, noise=0.0, rng=0)
    for (a, b), label in zip(X, y, strict=True):
        r = math.hypot(a, b)
        theta = 2 * math.pi * label / k + 4 * r
        assert a == pytest.approx(r * math.cos(theta), abs=1e-9)
        assert b == pytest.approx(r * math.sin(theta), abs=1e-9)


@pytest.mark.parametrize("noise", [0.0, 0.5])
def test_spiral_radii_are_evenly_spaced_up_to_1_and_noise_only_turns_points(noise):
    X, y = make_spiral(20, n_classes=3, noise=noise, rng=0)
    for rows in by_label(X, y).values():
        m = len(rows)
        radii = sorted(math.hypot(a, b) for a, b in rows)
        assert radii == pytest.approx([(i + 1) / m for i in range(m)], abs=1e-12)


def test_blobs_without_spread_sit_on_the_given_centers():
    centers = [[0, 0], [3.5, -2], [-1, 7]]
    X, y = make_blobs(12, centers=centers, cluster_std=0.0, rng=0)
    for row, label in zip(X, y, strict=True):
        assert row == [float(c) for c in centers[label]]


def test_blobs_drawn_centers_lie_in_the_box_and_each_blob_shares_one():
    X, y = make_blobs(60, centers=5, cluster_std=0.0, n_features=3, rng=0)
    for rows in by_label(X, y).values():
        assert all(row == rows[0] for row in rows)
        assert all(-10.0 <= v <= 10.0 for v in rows[0])
    assert len({tuple(rows[0]) for rows in by_label(X, y).values()}) == 5


def test_blobs_take_their_dimension_from_the_centers():
    X, _ = make_blobs(5, centers=[[1, 2, 3, 4]], cluster_std=0.0, rng=0)
    assert X == [[1.0, 2.0, 3.0, 4.0]] * 5


@pytest.mark.parametrize("x_range", [(-math.pi, math.pi), (0.0, 1.0), (-10, 25)])
def test_sine_without_noise_is_exactly_sin_x_on_its_range(x_range):
    X, y = make_sine(200, noise=0.0, x_range=x_range, rng=0)
    low, high = x_range
    for (x,), t in zip(X, y, strict=True):
        assert t == math.sin(x)
        assert low <= x <= high
    xs = [x for (x,) in X]
    # uniform on the range: both ends are reached within a tenth of its width
    assert min(xs) < low + (high - low) / 10 and max(xs) > high - (high - low) / 10


# ---------------------------------------------------------------------------
# Noise has the promised standard deviation
# ---------------------------------------------------------------------------


def test_sine_noise_has_the_given_standard_deviation():
    X, y = make_sine(4000, noise=0.3, rng=0)
    residuals = [t - math.sin(x) for (x,), t in zip(X, y, strict=True)]
    assert fmean(residuals) == pytest.approx(0.0, abs=0.03)
    assert pstdev(residuals) == pytest.approx(0.3, rel=0.05)


def test_blobs_spread_about_their_centers_with_cluster_std():
    centers = [[-4.0, 0.0], [4.0, 1.0]]
    X, y = make_blobs(4000, centers=centers, cluster_std=0.5, rng=0)
    for label, rows in by_label(X, y).items():
        for d in range(2):
            coords = [row[d] for row in rows]
            assert fmean(coords) == pytest.approx(centers[label][d], abs=0.05)
            assert pstdev(coords) == pytest.approx(0.5, rel=0.07)


def test_moons_noise_moves_points_off_the_curves_by_about_noise():
    X, y = make_moons(2000, noise=0.05, rng=0)
    upper = by_label(X, y)[0]
    # distance from the unit circle ~ the radial part of 2-D noise: std about 0.05
    offsets = [math.hypot(a, b) - 1.0 for a, b in upper]
    assert pstdev(offsets) == pytest.approx(0.05, rel=0.15)


def test_circles_noise_moves_points_off_the_circles_by_about_noise():
    X, y = make_circles(2000, noise=0.05, factor=0.5, rng=0)
    outer = by_label(X, y)[0]
    offsets = [math.hypot(a, b) - 1.0 for a, b in outer]
    assert fmean(offsets) == pytest.approx(0.0, abs=0.01)
    assert pstdev(offsets) == pytest.approx(0.05, rel=0.15)


# ---------------------------------------------------------------------------
# train_test_split and test_size
# ---------------------------------------------------------------------------


def numbered(n):
    """Rows [i] with labels 10 i: every row is distinct and carries its own label."""
    return [[i] for i in range(n)], [10 * i for i in range(n)]


@pytest.mark.parametrize(
    "n, test_size, n_test",
    [
        (10, 0.25, 3),
        (10, 0.5, 5),
        (100, 0.2, 20),
        (4, 0.25, 1),
        (2, 0.5, 1),
        (100, 0.07, 7),  # 0.07 * 100 is 7.000000000000001 in floats: still 7, not 8
        (1000, 0.001, 1),
    ],
)
def test_split_sizes_round_the_test_split_up(n, test_size, n_test):
    X, y = numbered(n)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=test_size, rng=0)
    assert (len(X_test), len(y_test)) == (n_test, n_test)
    assert (len(X_train), len(y_train)) == (n - n_test, n - n_test)


def test_split_default_test_size_is_a_quarter():
    X, y = numbered(20)
    X_train, X_test, _, _ = train_test_split(X, y, rng=0)
    assert (len(X_train), len(X_test)) == (15, 5)


@settings(max_examples=100, deadline=None)
@given(
    n=st.integers(2, 200),
    test_size=st.floats(0.01, 0.99),
    seed=st.integers(0, 2**32),
)
def test_split_is_disjoint_covers_everything_and_keeps_pairs(n, test_size, seed):
    X, y = numbered(n)
    if math.ceil(test_size * n - 1e-9) >= n:
        with pytest.raises(ValueError, match="train_test_split"):
            train_test_split(X, y, test_size=test_size, rng=seed)
        return
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=test_size, rng=seed)
    assert test_size * n - 1e-9 <= len(X_test) < test_size * n + 1
    train_ids = {row[0] for row in X_train}
    test_ids = {row[0] for row in X_test}
    assert not train_ids & test_ids
    assert train_ids | test_ids == set(range(n))
    assert all(label == 10 * row[0] for row, label in zip(X_train + X_test, y_train + y_test, strict=True))


def test_split_and_original_are_the_same_multiset_even_with_repeated_rows():
    X, y = make_xor(40, noise=0.0, rng=0)  # only four distinct rows
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, rng=1)
    assert as_multiset(X_train + X_test, y_train + y_test) == as_multiset(X, y)


def test_split_is_deterministic_for_a_seed_and_varies_between_seeds():
    X, y = numbered(30)
    assert train_test_split(X, y, rng=2) == train_test_split(X, y, rng=2)
    assert train_test_split(X, y, rng=2) != train_test_split(X, y, rng=3)
    assert train_test_split(X, y, rng=random.Random(2)) == train_test_split(X, y, rng=2)


def test_split_shuffles_by_default():
    X, y = numbered(30)
    X_train, X_test, _, _ = train_test_split(X, y, rng=0)
    assert X_train + X_test != X


def test_split_without_shuffle_keeps_order_and_tests_on_the_tail():
    X, y = numbered(8)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, shuffle=False)
    assert X_train == X[:6] and X_test == X[6:]
    assert y_train == y[:6] and y_test == y[6:]


def test_split_does_not_change_its_inputs():
    X, y = numbered(10)
    X_copy, y_copy = [list(r) for r in X], list(y)
    train_test_split(X, y, rng=0)
    assert X == X_copy and y == y_copy


def test_split_accepts_tuples_and_returns_lists():
    parts = train_test_split(((1.0,), (2.0,), (3.0,), (4.0,)), (0, 1, 0, 1), rng=0)
    assert all(type(part) is list for part in parts)


@pytest.mark.parametrize(
    "make",
    [
        lambda **kw: make_moons(40, **kw),
        lambda **kw: make_circles(40, **kw),
        lambda **kw: make_xor(40, **kw),
        lambda **kw: make_spiral(40, **kw),
        lambda **kw: make_blobs(40, **kw),
        lambda **kw: make_sine(40, **kw),
    ],
)
def test_makers_with_test_size_return_a_split_of_the_same_data(make):
    X, y = make(rng=9)
    X_train, X_test, y_train, y_test = make(rng=9, test_size=0.25)
    assert (len(X_train), len(X_test), len(y_train), len(y_test)) == (30, 10, 30, 10)
    assert as_multiset(X_train + X_test, y_train + y_test) == as_multiset(X, y)
    assert make(rng=9, test_size=0.25) == (X_train, X_test, y_train, y_test)


# ---------------------------------------------------------------------------
# Labels for hinge loss
# ---------------------------------------------------------------------------


def test_to_signed_maps_0_to_minus_1_and_1_to_plus_1():
    assert to_signed([0, 1, 1, 0]) == [-1, 1, 1, -1]
    assert to_signed([]) == []


def test_to_signed_keeps_the_classes_of_a_dataset():
    _, y = make_moons(21, rng=0)
    signed = to_signed(y)
    assert [s == 1 for s in signed] == [label == 1 for label in y]
    assert Counter(signed) == {-1: 11, 1: 10}


def test_to_signed_does_not_change_its_input():
    y = [0, 1]
    to_signed(y)
    assert y == [0, 1]


# ---------------------------------------------------------------------------
# Bad input: the error names the function, the argument and the value
# ---------------------------------------------------------------------------

BAD = [
    # (function, kwargs, exception, argument named, value shown)
    (make_moons, {"n_samples": 1}, ValueError, "n_samples", "1"),
    (make_moons, {"n_samples": 0}, ValueError, "n_samples", "0"),
    (make_moons, {"n_samples": -5}, ValueError, "n_samples", "-5"),
    (make_moons, {"n_samples": 10.0}, TypeError, "n_samples", "10.0"),
    (make_moons, {"n_samples": "10"}, TypeError, "n_samples", "'10'"),
    (make_moons, {"n_samples": True}, TypeError, "n_samples", "True"),
    (make_moons, {"noise": -0.1}, ValueError, "noise", "-0.1"),
    (make_moons, {"noise": float("nan")}, ValueError, "noise", "nan"),
    (make_moons, {"noise": "0.1"}, TypeError, "noise", "'0.1'"),
    (make_moons, {"test_size": 0}, ValueError, "test_size", "0"),
    (make_moons, {"test_size": 1}, ValueError, "test_size", "1"),
    (make_moons, {"test_size": 1.5}, ValueError, "test_size", "1.5"),
    (make_moons, {"test_size": -0.2}, ValueError, "test_size", "-0.2"),
    (make_moons, {"test_size": 20}, ValueError, "test_size", "20"),
    (make_moons, {"test_size": "0.2"}, TypeError, "test_size", "'0.2'"),
    (make_moons, {"n_samples": 2, "test_size": 0.6}, ValueError, "test_size", "0.6"),
    (make_moons, {"seed": "abc"}, TypeError, "seed", "'abc'"),
    (make_moons, {"seed": 1.5}, TypeError, "seed", "1.5"),
    (make_circles, {"n_samples": 1}, ValueError, "n_samples", "1"),
    (make_circles, {"noise": -1}, ValueError, "noise", "-1"),
    (make_circles, {"factor": 1.0}, ValueError, "factor", "1.0"),
    (make_circles, {"factor": 1.5}, ValueError, "factor", "1.5"),
    (make_circles, {"factor": -0.1}, ValueError, "factor", "-0.1"),
    (make_circles, {"test_size": 0.0}, ValueError, "test_size", "0.0"),
    (make_xor, {"n_samples": 3}, ValueError, "n_samples", "3"),
    (make_xor, {"n_samples": 4.5}, TypeError, "n_samples", "4.5"),
    (make_xor, {"noise": -0.5}, ValueError, "noise", "-0.5"),
    (make_xor, {"test_size": 1.0}, ValueError, "test_size", "1.0"),
    (make_spiral, {"n_classes": 1}, ValueError, "n_classes", "1"),
    (make_spiral, {"n_classes": 2.0}, TypeError, "n_classes", "2.0"),
    (make_spiral, {"n_samples": 2, "n_classes": 3}, ValueError, "n_samples", "2"),
    (make_spiral, {"n_samples": 0}, ValueError, "n_samples", "0"),
    (make_spiral, {"noise": -0.2}, ValueError, "noise", "-0.2"),
    (make_spiral, {"n_samples": 3, "test_size": 0.9}, ValueError, "test_size", "0.9"),
    (make_blobs, {"centers": 0}, ValueError, "centers", "0"),
    (make_blobs, {"centers": []}, ValueError, "centers", "[]"),
    (make_blobs, {"centers": "abc"}, TypeError, "centers", "'abc'"),
    (make_blobs, {"centers": [[0, 0], [1]]}, ValueError, "centers", "1"),
    (make_blobs, {"centers": [[0, 0], 5]}, TypeError, "centers", "5"),
    (make_blobs, {"n_samples": 2, "centers": 3}, ValueError, "n_samples", "2"),
    (make_blobs, {"n_samples": 1, "centers": [[0], [1]]}, ValueError, "n_samples", "1"),
    (make_blobs, {"cluster_std": -1.0}, ValueError, "cluster_std", "-1.0"),
    (make_blobs, {"n_features": 0}, ValueError, "n_features", "0"),
    (make_blobs, {"centers": [[0, 0]], "n_features": 3}, ValueError, "n_features", "3"),
    (make_blobs, {"test_size": 2.0}, ValueError, "test_size", "2.0"),
    (make_sine, {"n_samples": 0}, ValueError, "n_samples", "0"),
    (make_sine, {"n_samples": None}, TypeError, "n_samples", "None"),
    (make_sine, {"noise": -0.1}, ValueError, "noise", "-0.1"),
    (make_sine, {"x_range": (1.0, 1.0)}, ValueError, "x_range", "(1.0, 1.0)"),
    (make_sine, {"x_range": (2.0, 1.0)}, ValueError, "x_range", "(2.0, 1.0)"),
    (make_sine, {"x_range": (0.0,)}, ValueError, "x_range", "(0.0,)"),
    (make_sine, {"x_range": 1.0}, TypeError, "x_range", "1.0"),
    (make_moons, {"rng": "abc"}, TypeError, "rng", "'abc'"),
    (make_moons, {"rng": 1.5}, TypeError, "rng", "1.5"),
    (make_moons, {"rng": True}, TypeError, "rng", "True"),
    (make_blobs, {"centers": 2.0}, TypeError, "centers", "2.0"),
    (make_sine, {"n_samples": 1, "test_size": 0.5}, ValueError, "test_size", "0.5"),
    (make_glyphs, {"n_samples": 9}, ValueError, "n_samples", "9"),
    (make_glyphs, {"n_samples": 10.0}, TypeError, "n_samples", "10.0"),
    (make_glyphs, {"size": 5}, ValueError, "size", "5"),
    (make_glyphs, {"size": "8"}, TypeError, "size", "'8'"),
    (make_glyphs, {"shift": 2}, ValueError, "shift", "2"),
    (make_glyphs, {"size": 9, "shift": 2}, ValueError, "shift", "2"),
    (make_glyphs, {"shift": -1}, ValueError, "shift", "-1"),
    (make_glyphs, {"shift": 1.0}, TypeError, "shift", "1.0"),
    (make_glyphs, {"shift": True}, TypeError, "shift", "True"),
    (make_glyphs, {"noise": -0.1}, ValueError, "noise", "-0.1"),
    (make_glyphs, {"noise": "0.1"}, TypeError, "noise", "'0.1'"),
    (make_glyphs, {"n_samples": 10, "test_size": 0.95}, ValueError, "test_size", "0.95"),
    (make_glyphs, {"rng": "abc"}, TypeError, "rng", "'abc'"),
    (make_glyphs, {"seed": 1.5}, TypeError, "seed", "1.5"),
    (load_digits, {"test_size": 0}, ValueError, "test_size", "0"),
    (load_digits, {"test_size": 1.0}, ValueError, "test_size", "1.0"),
    (load_digits, {"test_size": "0.2"}, TypeError, "test_size", "'0.2'"),
    (load_digits, {"rng": "abc"}, TypeError, "rng", "'abc'"),
    (load_digits, {"rng": 1.5}, TypeError, "rng", "1.5"),
    (load_digits, {"seed": "abc"}, TypeError, "seed", "'abc'"),
    (load_digits, {"rng": 1, "seed": 2}, TypeError, "rng", "seed=2"),
]


@pytest.mark.parametrize(
    "fn, kwargs, exc, arg, shown", BAD, ids=[f"{b[0].__name__}-{b[1]}" for b in BAD]
)
def test_bad_input_raises_an_error_naming_function_argument_and_value(
    fn, kwargs, exc, arg, shown
):
    with pytest.raises(exc) as info:
        fn(**kwargs)
    message = str(info.value)
    assert message.startswith(fn.__name__ + ":"), message
    assert arg in message, message
    assert shown in message, message


SPLIT_BAD = [
    # (X, y, kwargs, exception, argument named, value shown)
    ([[1], [2], [3]], [0, 1], {}, ValueError, "len(X)=3", "len(y)=2"),
    ([[1], [2]], [0, 1, 1], {}, ValueError, "len(X)=2", "len(y)=3"),
    ([[1], [2], [3], [4]], [0, 1, 0, 1], {"test_size": 0}, ValueError, "test_size", "0"),
    ([[1], [2], [3], [4]], [0, 1, 0, 1], {"test_size": 1.0}, ValueError, "test_size", "1.0"),
    ([[1], [2], [3], [4]], [0, 1, 0, 1], {"test_size": -1}, ValueError, "test_size", "-1"),
    ([[1], [2], [3]], [0, 1, 0], {"test_size": 0.9}, ValueError, "test_size", "0.9"),
    ([[1]], [0], {}, ValueError, "test_size", "0.25"),
    ([], [], {}, ValueError, "test_size", "0.25"),
    ([[1], [2]], [0, 1], {"test_size": None}, TypeError, "test_size", "None"),
    ([[1], [2]], [0, 1], {"seed": "x"}, TypeError, "seed", "'x'"),
    ([[1], [2]], [0, 1], {"rng": "x"}, TypeError, "rng", "'x'"),
    ([[1], [2], [3], [4]], [0, 1, 0, 1], {"test_size": float("nan")}, ValueError, "test_size", "nan"),
]


@pytest.mark.parametrize("X, y, kwargs, exc, arg, shown", SPLIT_BAD)
def test_bad_split_raises_an_error_naming_the_problem(X, y, kwargs, exc, arg, shown):
    with pytest.raises(exc) as info:
        train_test_split(X, y, **kwargs)
    message = str(info.value)
    assert message.startswith("train_test_split:"), message
    assert arg in message and shown in message, message


@pytest.mark.parametrize("labels, shown", [([0, 2], "2"), ([-1, 1], "-1"), ([0.5], "0.5")])
def test_to_signed_rejects_labels_other_than_0_and_1(labels, shown):
    with pytest.raises(ValueError, match=r"^to_signed: .*labels") as info:
        to_signed(labels)
    assert shown in str(info.value)


# ---------------------------------------------------------------------------
# The package keeps every import that worked when datasets was one module
# ---------------------------------------------------------------------------


def test_the_old_imports_still_work():
    from tinygrad_ann.datasets import make_moons, rng_argument, to_signed, train_test_split  # noqa: F401

    import tinygrad_ann.datasets as datasets

    for name in datasets.__all__:
        assert getattr(datasets, name) is not None, name


def test_importing_the_library_reads_no_data_file():
    # Loaders read their files on the first call: with every resource lookup broken,
    # importing the library and its datasets still works.
    code = (
        "import importlib.resources as r\n"
        "def broken(*a, **k): raise AssertionError('a data file was read at import')\n"
        "r.files = broken\n"
        "import tinygrad_ann, tinygrad_ann.datasets\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr


# ---------------------------------------------------------------------------
# load_digits: the UCI handwritten digits, read from the shipped file
# ---------------------------------------------------------------------------

DATA = Path(__file__).resolve().parent.parent / "tinygrad_ann" / "data"


def digits_file_rows():
    """The shipped digits file read by hand: rows of 64 ints 0..16 and a label."""
    with gzip.open(DATA / "digits.csv.gz", "rt", newline="") as f:
        return [[int(v) for v in row] for row in csv.reader(f)]


def test_load_digits_gives_1797_images_of_one_channel_8_by_8():
    X, y = load_digits()
    assert len(X) == len(y) == 1797
    assert all(len(x) == 1 and len(x[0]) == 8 and all(len(row) == 8 for row in x[0]) for x in X)


def test_load_digits_pixels_are_the_files_values_over_16_row_by_row():
    X, y = load_digits()
    rows = digits_file_rows()
    for x, label, row in zip(X, y, rows, strict=True):
        assert [v for pixel_row in x[0] for v in pixel_row] == [v / 16 for v in row[:64]]
        assert label == row[64]


def test_load_digits_values_are_floats_in_0_1_reaching_both_ends():
    X, _ = load_digits()
    values = [v for x in X for row in x[0] for v in row]
    assert all(type(v) is float for v in values)
    assert min(values) == 0.0 and max(values) == 1.0


def test_load_digits_labels_are_ints_0_to_9_with_the_files_counts():
    _, y = load_digits()
    assert all(type(label) is int for label in y)
    assert Counter(y) == {0: 178, 1: 182, 2: 177, 3: 183, 4: 181, 5: 182, 6: 181, 7: 179, 8: 174, 9: 180}


def test_load_digits_keeps_the_files_order_and_ignores_rng_without_test_size():
    X, y = load_digits()
    assert y[:10] == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
    assert load_digits(rng=1) == (X, y) == load_digits(rng=2)
    random.seed(5)
    before = random.getstate()
    load_digits()
    assert random.getstate() == before


def test_load_digits_returns_new_lists_so_changing_them_changes_nothing():
    X, y = load_digits()
    X[0][0][0][0] = 99.0
    X[1][0].append([1.0] * 8)
    X.append(X[0])
    y[0] = 7
    y.append(3)
    X2, y2 = load_digits()
    assert X2[0][0][0][0] == 0.0 and len(X2[1][0]) == 8
    assert len(X2) == len(y2) == 1797 and y2[0] == 0


def test_load_digits_reads_its_file_once(monkeypatch):
    load_digits()

    def no_second_read(*args, **kwargs):
        raise AssertionError("the digits file was read twice")

    monkeypatch.setattr(images_module, "read_shipped", no_second_read)
    X, y = load_digits()
    assert len(X) == 1797


def test_load_digits_with_test_size_is_train_test_split_of_the_file():
    X, y = load_digits()
    parts = load_digits(test_size=0.2, rng=0)
    assert parts == tuple(train_test_split(X, y, test_size=0.2, rng=0))
    X_train, X_test, y_train, y_test = parts
    assert (len(X_train), len(X_test), len(y_train), len(y_test)) == (1437, 360, 1437, 360)
    as_key = [(str(x), label) for x, label in zip(X_train + X_test, y_train + y_test, strict=True)]
    assert Counter(as_key) == Counter((str(x), label) for x, label in zip(X, y, strict=True))


def test_load_digits_split_is_seeded():
    assert load_digits(test_size=0.2, rng=3) == load_digits(test_size=0.2, rng=3)
    assert load_digits(test_size=0.2, rng=3) != load_digits(test_size=0.2, rng=4)
    assert load_digits(test_size=0.2, seed=3) == load_digits(test_size=0.2, rng=3)
    assert load_digits(test_size=0.2, rng=random.Random(3)) == load_digits(test_size=0.2, rng=3)
    random.seed(11)
    first = load_digits(test_size=0.2)
    random.seed(11)
    assert load_digits(test_size=0.2) == first


def test_seeded_train_test_split_of_the_digits_keeps_images_with_their_labels():
    X, y = load_digits()
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, rng=0)
    label_of = {str(x): label for x, label in zip(X, y, strict=True)}
    assert all(label_of[str(x)] == label for x, label in zip(X_test, y_test, strict=True))
    assert set(y_test) == set(range(10))


# ---------------------------------------------------------------------------
# make_glyphs: the digits of DIGIT_FONT, shifted and noisy
# ---------------------------------------------------------------------------


def placed(digit, size, top, left):
    """The font's bitmap of `digit` in a size x size image with its top-left corner at (top, left)."""
    image = [[0.0] * size for _ in range(size)]
    for r, line in enumerate(DIGIT_FONT[digit]):
        for c, ch in enumerate(line):
            if ch == "#":
                image[top + r][left + c] = 1.0
    return [image]


def test_the_font_has_ten_digits_of_5_by_6_pixels():
    assert len(DIGIT_FONT) == 10
    for glyph in DIGIT_FONT:
        assert len(glyph) == 6 and all(len(line) == 5 and set(line) <= {"#", "."} for line in glyph)
        assert "#" in "".join(glyph)


def test_no_two_digits_of_the_font_are_alike():
    bitmaps = ["".join(glyph) for glyph in DIGIT_FONT]
    for i in range(10):
        for j in range(i + 1, 10):
            differ = sum(a != b for a, b in zip(bitmaps[i], bitmaps[j], strict=True))
            assert differ >= 2, (i, j)


@pytest.mark.parametrize("size", [6, 8, 11, 16])
def test_glyphs_without_shift_or_noise_are_the_font_centred(size):
    X, y = make_glyphs(30, size=size, shift=0, noise=0.0, rng=0)
    top, left = (size - 6) // 2, (size - 5) // 2
    for x, label in zip(X, y, strict=True):
        assert x == placed(label, size, top, left)


def test_each_digit_renders_distinctly():
    X, y = make_glyphs(10, shift=0, noise=0.0, rng=0)
    templates = {label: str(x) for x, label in zip(X, y, strict=True)}
    assert sorted(templates) == list(range(10))
    assert len(set(templates.values())) == 10


@pytest.mark.parametrize("size, shift", [(8, 1), (10, 2), (12, 3)])
def test_glyph_shifts_reach_every_offset_up_to_shift_and_keep_the_glyph_whole(size, shift):
    X, y = make_glyphs(600, size=size, shift=shift, noise=0.0, rng=0)
    top, left = (size - 6) // 2, (size - 5) // 2
    offsets = set()
    for x, label in zip(X, y, strict=True):
        found = [
            (dy, dx)
            for dy in range(-shift, shift + 1)
            for dx in range(-shift, shift + 1)
            if x == placed(label, size, top + dy, left + dx)
        ]
        assert found, label  # every image is its digit, whole, moved by at most shift
        offsets.add(found[0])
    assert offsets == {(dy, dx) for dy in range(-shift, shift + 1) for dx in range(-shift, shift + 1)}


@settings(max_examples=20, deadline=None)
@given(n=st.integers(10, 200), seed=st.integers(0, 2**32))
def test_glyph_shapes_values_and_balanced_labels(n, seed):
    X, y = make_glyphs(n, rng=seed)
    assert len(X) == len(y) == n
    assert all(len(x) == 1 and len(x[0]) == 8 and all(len(row) == 8 for row in x[0]) for x in X)
    assert all(type(v) is float and 0.0 <= v <= 1.0 for x in X for row in x[0] for v in row)
    assert all(type(label) is int for label in y)
    counts = Counter(y)
    assert [counts[d] for d in range(10)] == [n // 10 + (d < n % 10) for d in range(10)]


def test_glyph_noise_has_the_given_standard_deviation_before_clipping():
    # Ink is 1.0 and paper 0.0; clipping to [0, 1] keeps half of each Gaussian, so the
    # mean paper pixel is E[max(0, e)] = noise / sqrt(2 pi), and the mean ink pixel
    # is 1 - noise / sqrt(2 pi).
    noise = 0.2
    X, y = make_glyphs(500, shift=0, noise=noise, rng=0)
    ink, paper = [], []
    for x, label in zip(X, y, strict=True):
        template = placed(label, 8, 1, 1)[0]
        for row, row_t in zip(x[0], template, strict=True):
            for v, t in zip(row, row_t, strict=True):
                (ink if t == 1.0 else paper).append(v)
    half_normal_mean = noise / math.sqrt(2 * math.pi)
    assert fmean(paper) == pytest.approx(half_normal_mean, rel=0.05)
    assert 1.0 - fmean(ink) == pytest.approx(half_normal_mean, rel=0.05)
    assert sum(v == 0.0 for v in paper) / len(paper) == pytest.approx(0.5, abs=0.02)


def test_glyphs_come_in_random_order():
    _, y = make_glyphs(100, rng=0)
    assert y != sorted(y)
    assert len(set(y[:30])) >= 5


def test_glyphs_with_test_size_are_a_split_of_the_same_data():
    X, y = make_glyphs(40, rng=9)
    X_train, X_test, y_train, y_test = make_glyphs(40, rng=9, test_size=0.25)
    assert (len(X_train), len(X_test)) == (30, 10)
    pairs = Counter((str(x), label) for x, label in zip(X_train + X_test, y_train + y_test, strict=True))
    assert pairs == Counter((str(x), label) for x, label in zip(X, y, strict=True))


def test_image_to_text_marks_pixels_at_or_above_the_threshold():
    image = [[[0.0, 0.5], [0.49, 1.0]]]
    assert image_to_text(image) == "-#\n-#"
    assert image_to_text(image, threshold=0.4) == "-#\n##"


@pytest.mark.parametrize(
    "image, kwargs, exc, shown",
    [
        ("##", {}, TypeError, "'##' (str)"),
        ([[[0.0]], [[1.0]]], {}, ValueError, "2 channels"),
        ([[[0.0]]], {"threshold": "0.5"}, TypeError, "threshold"),
    ],
)
def test_image_to_text_errors(image, kwargs, exc, shown):
    with pytest.raises(exc, match=r"^image_to_text: ") as info:
        image_to_text(image, **kwargs)
    assert shown in str(info.value)


# ---------------------------------------------------------------------------
# load_names: the names of makemore and microgpt
# ---------------------------------------------------------------------------


def names_file_lines():
    with gzip.open(DATA / "names.txt.gz", "rt", encoding="utf-8") as f:
        return f.read().split("\n")


def test_load_names_gives_the_files_32033_names_in_order():
    names = load_names()
    assert names == names_file_lines()
    assert len(names) == 32033
    assert names[:3] == ["emma", "olivia", "ava"] and names[-1] == "zzyzx"


def test_load_names_are_lowercase_letters_only():
    names = load_names()
    assert all(type(n) is str and n and set(n) <= set("abcdefghijklmnopqrstuvwxyz") for n in names)
    assert set("".join(names)) == set("abcdefghijklmnopqrstuvwxyz")


def test_load_names_returns_a_new_list_each_call():
    names = load_names()
    names[0] = "changed"
    names.clear()
    assert load_names()[0] == "emma" and len(load_names()) == 32033
    assert load_names() is not load_names()


def test_load_names_reads_its_file_once(monkeypatch):
    load_names()

    def no_second_read(*args, **kwargs):
        raise AssertionError("the names file was read twice")

    monkeypatch.setattr(text_module, "read_shipped", no_second_read)
    assert len(load_names()) == 32033


# ---------------------------------------------------------------------------
# CharTokenizer: characters and one boundary token, as in microgpt
# ---------------------------------------------------------------------------

LETTERS = "abcdefghijklmnopqrstuvwxyz"


def test_tokenizer_of_the_names_is_a_to_z_then_the_boundary():
    tok = CharTokenizer(load_names())
    assert tok.chars == LETTERS
    assert (tok.bos, tok.vocab_size) == (26, 27)
    assert tok.encode(LETTERS) == list(range(26))


def test_tokenizer_from_names_defaults_to_load_names():
    assert CharTokenizer.from_names().chars == LETTERS
    assert CharTokenizer.from_names(["bob", "al"]).chars == "ablo"


def test_tokenizer_vocabulary_is_the_sorted_characters_of_all_texts():
    tok = CharTokenizer(["zoe", "", "amy", "zoe"])
    assert tok.chars == "aemoyz"
    assert tok.bos == 6 and tok.vocab_size == 7
    assert tok.encode("may") == [2, 0, 4]


def test_tokenizer_round_trips_every_name_with_and_without_boundaries():
    names = load_names()
    tok = CharTokenizer(names)
    for name in names:
        ids = tok.encode(name)
        assert len(ids) == len(name) and tok.bos not in ids
        assert tok.decode(ids) == name
        wrapped = tok.encode(name, boundaries=True)
        assert wrapped == [tok.bos, *ids, tok.bos]
        assert tok.decode(wrapped) == name


@settings(max_examples=100, deadline=None)
@given(texts=st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=5))
def test_tokenizer_round_trips_any_text(texts):
    tok = CharTokenizer(texts)
    assert tok.chars == "".join(sorted(set("".join(texts))))
    for text in texts:
        assert tok.decode(tok.encode(text)) == text
        assert tok.decode(tok.encode(text, boundaries=True)) == text
        assert all(0 <= i < tok.bos for i in tok.encode(text))


def test_a_training_example_predicts_each_next_token_and_the_end():
    tok = CharTokenizer(["ab"])
    tokens = tok.encode("abba", boundaries=True)
    inputs, targets = tokens[:-1], tokens[1:]
    assert inputs == [2, 0, 1, 1, 0]  # bos a b b a
    assert targets == [0, 1, 1, 0, 2]  # a b b a bos


@pytest.mark.parametrize(
    "ids, text",
    [
        ([], ""),
        ([2], ""),
        ([2, 2], ""),
        ([0, 1], "ab"),
        ([2, 0, 1], "ab"),  # no end yet: all of it
        ([2, 0, 2, 1, 1], "a"),  # the next boundary ends the text
        ([0, 2, 1], "a"),  # without a leading boundary the first one ends it
        ((0, 1), "ab"),
    ],
)
def test_decode_skips_a_leading_boundary_and_stops_at_the_next(ids, text):
    assert CharTokenizer(["ab"]).decode(ids) == text


def test_decode_takes_numpy_ints():
    np = pytest.importorskip("numpy")
    tok = CharTokenizer(["ab"])
    assert tok.decode(np.array([2, 1, 0, 2])) == "ba"


def test_tokenizer_attributes_are_read_only():
    tok = CharTokenizer(["ab"])
    with pytest.raises(AttributeError):
        tok.bos = 5  # type: ignore[misc]
    with pytest.raises(AttributeError):
        tok.chars = "xyz"  # type: ignore[misc]
    assert repr(tok) == "CharTokenizer(vocab_size=3, bos=2, chars='ab')"


TOKENIZER_BAD = [
    # (call, exception, the message starts with, and shows)
    (lambda tok: tok.encode("abc"), ValueError, "CharTokenizer.encode:", "character 'c' (at index 2 of 'abc')"),
    (lambda tok: tok.encode("A"), ValueError, "CharTokenizer.encode:", "character 'A'"),
    (lambda tok: tok.encode(["a"]), TypeError, "CharTokenizer.encode:", "text must be a str, got ['a'] (list)"),
    (lambda tok: tok.encode(None), TypeError, "CharTokenizer.encode:", "got None"),
    (lambda tok: tok.encode("a", boundaries=1), TypeError, "CharTokenizer.encode:", "boundaries"),
    (lambda tok: tok.decode([0, 3]), ValueError, "CharTokenizer.decode:", "ids[1] must be a token id in [0, 2]"),
    (lambda tok: tok.decode([-1]), ValueError, "CharTokenizer.decode:", "ids[0] must be a token id in [0, 2] (2 is the boundary), got -1"),
    (lambda tok: tok.decode([0, 1.0]), TypeError, "CharTokenizer.decode:", "ids[1]"),
    (lambda tok: tok.decode([True]), TypeError, "CharTokenizer.decode:", "True (bool)"),
    (lambda tok: tok.decode(["a"]), TypeError, "CharTokenizer.decode:", "'a' (str)"),
    (lambda tok: tok.decode("ab"), TypeError, "CharTokenizer.decode:", "'ab' (str)"),
    (lambda tok: tok.decode(3), TypeError, "CharTokenizer.decode:", "3 (int)"),
    (lambda tok: tok.decode([5, 0, 1]), ValueError, "CharTokenizer.decode:", "got 5"),
    (lambda tok: CharTokenizer("emma"), TypeError, "CharTokenizer:", "'emma' (str)"),
    (lambda tok: CharTokenizer(5), TypeError, "CharTokenizer:", "5 (int)"),
    (lambda tok: CharTokenizer(["ab", 3]), TypeError, "CharTokenizer:", "texts[1] must be a str, got 3 (int)"),
    (lambda tok: CharTokenizer([]), ValueError, "CharTokenizer:", "at least one character"),
    (lambda tok: CharTokenizer(["", ""]), ValueError, "CharTokenizer:", "at least one character"),
]


@pytest.mark.parametrize("call, exc, start, shown", TOKENIZER_BAD)
def test_tokenizer_errors_name_the_method_and_what_was_wrong(call, exc, start, shown):
    with pytest.raises(exc) as info:
        call(CharTokenizer(["ab"]))
    message = str(info.value)
    assert message.startswith(start + " "), message
    assert shown in message, message
