"""Specification of the sequence datasets: make_time_series and make_remember_first.

A sequence is a list of time steps, each a list of numbers. Expectations come
from what the docstrings promise (the target is the next value, the label is
the first symbol, the classes are balanced), checked on the data itself.
"""

from __future__ import annotations

import random
import re
from collections import Counter

import pytest

from tinygrad_ann.datasets import make_remember_first, make_time_series

MAKERS = {
    "make_time_series": lambda **kw: make_time_series(40, window=6, noise=0.05, **kw),
    "make_time_series_walk": lambda **kw: make_time_series(40, window=6, kind="random_walk", **kw),
    "make_time_series_saw": lambda **kw: make_time_series(40, window=6, kind="sawtooth", **kw),
    "make_remember_first": lambda **kw: make_remember_first(40, gap=5, n_symbols=3, **kw),
}
maker_names = pytest.mark.parametrize("name", sorted(MAKERS))


# ---------------------------------------------------------------------------
# Seeding: the library's rng rule
# ---------------------------------------------------------------------------


@maker_names
def test_same_seed_gives_same_data(name):
    assert MAKERS[name](rng=7) == MAKERS[name](rng=7)


@maker_names
def test_different_seeds_give_different_data(name):
    assert MAKERS[name](rng=0)[0] != MAKERS[name](rng=1)[0]


@maker_names
def test_random_instance_draws_like_the_same_int_seed(name):
    assert MAKERS[name](rng=random.Random(3)) == MAKERS[name](rng=3)


@maker_names
def test_seed_none_draws_from_the_global_random_state(name):
    random.seed(11)
    a = MAKERS[name]()
    random.seed(11)
    assert MAKERS[name]() == a


@maker_names
def test_an_int_seed_leaves_the_global_random_state_alone(name):
    random.seed(123)
    expected = random.random()
    random.seed(123)
    MAKERS[name](rng=5)
    assert random.random() == expected


# ---------------------------------------------------------------------------
# make_time_series
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["sine", "random_walk", "sawtooth"])
def test_time_series_shapes_are_samples_of_window_steps_of_one_number(kind):
    X, y = make_time_series(25, window=7, kind=kind, rng=0)
    assert len(X) == len(y) == 25
    assert all(len(x) == 7 and all(isinstance(step, list) and len(step) == 1 for step in x) for x in X)
    assert all(isinstance(v, float) for x in X for step in x for v in step)
    assert all(isinstance(t, float) for t in y)


@pytest.mark.parametrize("kind", ["sine", "random_walk", "sawtooth"])
def test_time_series_target_is_the_next_value_of_the_signal(kind):
    X, y = make_time_series(30, window=5, noise=0.1, kind=kind, rng=1)
    for i in range(len(X) - 1):
        assert X[i + 1][:-1] == X[i][1:]          # windows slide on by one step
        assert y[i] == X[i + 1][-1][0]            # the target is the step after the window


def test_time_series_sine_without_noise_is_within_minus_one_and_one():
    X, y = make_time_series(200, window=4, noise=0.0, rng=2)
    values = [v for x in X for (v,) in x] + y
    assert max(abs(v) for v in values) <= 1.0
    assert max(values) - min(values) > 0.5        # and it moves


def test_time_series_sawtooth_without_noise_rises_by_a_constant_step_between_drops():
    X, y = make_time_series(60, window=1, noise=0.0, kind="sawtooth", rng=3)
    values = [x[0][0] for x in X]
    rises = {round(b - a, 9) for a, b in zip(values, values[1:]) if b > a}
    assert len(rises) == 1                          # 2 / period each step
    assert all(-1.0 <= v <= 1.0 for v in values)


def test_time_series_random_walk_starts_near_zero_and_steps_about_a_tenth():
    X, _ = make_time_series(400, window=1, noise=0.0, kind="random_walk", rng=4)
    values = [x[0][0] for x in X]
    assert values[0] == 0.0
    steps = [b - a for a, b in zip(values, values[1:])]
    rms = (sum(s * s for s in steps) / len(steps)) ** 0.5
    assert 0.08 < rms < 0.12


def test_time_series_noise_is_added_to_every_value():
    clean, _ = make_time_series(50, window=3, noise=0.0, kind="sawtooth", rng=5)
    noisy, _ = make_time_series(50, window=3, noise=0.1, kind="sawtooth", rng=5)
    diffs = [n[0][0] - c[0][0] for n, c in zip(noisy, clean)]
    assert all(d != 0.0 for d in diffs)
    assert 0.05 < (sum(d * d for d in diffs) / len(diffs)) ** 0.5 < 0.2


def test_time_series_test_split_holds_out_the_later_windows_in_time_order():
    X, y = make_time_series(20, window=4, rng=6)
    X_train, X_test, y_train, y_test = make_time_series(20, window=4, rng=6, test_size=0.25)
    assert (X_train, y_train) == (X[:15], y[:15])
    assert (X_test, y_test) == (X[15:], y[15:])


# ---------------------------------------------------------------------------
# make_remember_first
# ---------------------------------------------------------------------------


def test_remember_first_shapes_are_one_plus_gap_steps_of_symbols_and_a_marker():
    X, y = make_remember_first(30, gap=12, n_symbols=4, rng=0)
    assert len(X) == len(y) == 30
    assert all(len(x) == 13 and all(len(step) == 5 for step in x) for x in X)
    assert all(isinstance(label, int) for label in y)


def test_remember_first_label_is_the_symbol_of_the_first_step():
    X, y = make_remember_first(60, gap=8, n_symbols=3, rng=1)
    for x, label in zip(X, y):
        assert x[0][:3] == [1.0 if k == label else 0.0 for k in range(3)]


def test_remember_first_every_step_is_one_hot_and_only_the_first_is_marked():
    X, _ = make_remember_first(40, gap=6, n_symbols=3, rng=2)
    for x in X:
        assert [step[-1] for step in x] == [1.0] + [0.0] * 6
        assert all(sorted(step[:3]) == [0.0, 0.0, 1.0] for step in x)


@pytest.mark.parametrize("n, k", [(30, 3), (31, 3), (7, 2), (5, 5)])
def test_remember_first_classes_are_balanced(n, k):
    _, y = make_remember_first(n, gap=2, n_symbols=k, rng=3)
    counts = Counter(y)
    assert sorted(counts) == list(range(k))
    assert max(counts.values()) - min(counts.values()) <= 1


def test_remember_first_distractors_say_nothing_about_the_label():
    X, y = make_remember_first(3000, gap=5, n_symbols=2, rng=4)
    # how often the last step's symbol equals the label: chance, 1/2
    same = sum(x[-1][:2].index(1.0) == label for x, label in zip(X, y)) / len(X)
    assert 0.45 < same < 0.55


def test_remember_first_samples_are_shuffled():
    _, y = make_remember_first(40, gap=1, rng=5)
    assert y != sorted(y)


def test_remember_first_gap_zero_is_the_first_step_alone():
    X, y = make_remember_first(4, gap=0, rng=6)
    assert all(len(x) == 1 for x in X)


def test_remember_first_test_split_is_shuffled_and_sized():
    X_train, X_test, y_train, y_test = make_remember_first(40, gap=3, rng=7, test_size=0.25)
    assert (len(X_train), len(X_test), len(y_train), len(y_test)) == (30, 10, 30, 10)
    for x, label in zip(X_train + X_test, y_train + y_test):
        assert x[0][label] == 1.0


# ---------------------------------------------------------------------------
# Argument errors name the function and the argument
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("call, error, words", [
    (lambda: make_time_series(0), ValueError, "make_time_series: n_samples must be a whole number >= 1"),
    (lambda: make_time_series(10, window=0), ValueError, "make_time_series: window must be"),
    (lambda: make_time_series(10, window=2.5), TypeError, "make_time_series: window must be"),
    (lambda: make_time_series(10, noise=-1), ValueError, "make_time_series: noise must be a number >= 0"),
    (lambda: make_time_series(10, kind="cosine"), ValueError, "make_time_series: unknown kind 'cosine'"),
    (lambda: make_time_series(10, kind=3), TypeError, "make_time_series: kind must be one of"),
    (lambda: make_time_series(10, test_size=1.0), ValueError, "make_time_series: test_size"),
    (lambda: make_time_series(10, rng="x"), TypeError, "make_time_series: rng must be"),
    (lambda: make_remember_first(10, gap=-1), ValueError, "make_remember_first: gap must be a whole number >= 0"),
    (lambda: make_remember_first(10, gap="5"), TypeError, "make_remember_first: gap must be"),
    (lambda: make_remember_first(10, n_symbols=1), ValueError, "make_remember_first: n_symbols must be"),
    (lambda: make_remember_first(2, n_symbols=3), ValueError, "make_remember_first: n_samples must be"),
    (lambda: make_remember_first(10, test_size=0), ValueError, "make_remember_first: test_size"),
    (lambda: make_remember_first(10, rng=2.5), TypeError, "make_remember_first: rng must be"),
])
def test_argument_errors_name_the_function_and_argument(call, error, words):
    with pytest.raises(error, match=re.escape(words)):
        call()
