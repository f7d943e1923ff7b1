"""Sequences for recurrent networks: a signal to forecast, and a task that needs a long memory.

A sequence is a list of time steps, each step a list of numbers (the input of
one step of an `RNN`, `LSTM` or `GRU`): `x[t][i]`.

- `make_time_series(n_samples, window, noise, kind)`: windows of one noisy
  signal (a mixture of sines, a random walk, a sawtooth); each window's target
  is the value that comes next. Regression: forecasting one step ahead.
- `make_remember_first(n_samples, gap, n_symbols)`: the label is the symbol
  seen at the first step, followed by `gap` steps of distracting symbols.
  The gradient that teaches the first step has to flow back through every
  step of the gap: a plain tanh RNN's shrinks at every step of the way, an
  LSTM's or GRU's can pass (their cell state and update gate carry it).
  Measured (notebook 09): at a gap of 30, with 4 hidden units, Adam and 10
  epochs, a tanh RNN stays at chance while an LSTM (b_f = 4, b_i = -4) and a
  GRU (b_z = 4) learn it on 10 of 10 seeds; the RNN learns a gap of 5 (8 of
  10 seeds), not 15 or more.

Example:
    >>> X, y = make_time_series(50, window=8, rng=0)
    >>> len(X), len(X[0]), len(X[0][0]), y[0] == X[1][-1][0]   # 50 windows of 8 steps of 1 number
    (50, 8, 1, True)
    >>> X, y = make_remember_first(6, gap=3, n_symbols=2, rng=0)
    >>> len(X[0]), len(X[0][0])                     # 1 + gap steps of 2 + 1 numbers
    (4, 3)
"""

from __future__ import annotations

import math
from typing import Any, Union

from .._checks import non_negative_number, one_of
from .._types import RNG
from .common import class_sizes, count_argument, n_test_samples, rng_argument, shuffle_and_split, split

__all__ = ["make_time_series", "make_remember_first", "TIME_SERIES_KINDS", "Sequences"]

#: Samples of sequence data: X[sample][t][i], the number i of time step t.
Sequences = list[list[list[float]]]
SequenceDataset = Union[
    tuple[Sequences, list[int]],
    tuple[Sequences, Sequences, list[int], list[int]],
]
SequenceRegression = Union[
    tuple[Sequences, list[float]],
    tuple[Sequences, Sequences, list[float], list[float]],
]

#: The signals `make_time_series` makes.
TIME_SERIES_KINDS = ("sine", "random_walk", "sawtooth")


def _signal(kind: str, length: int, source: Any) -> list[float]:
    """`length` values of the clean signal of `kind`, its shape drawn from `source`.

    sine: two sines of periods 8-40 steps, random amplitudes and phases, their
    sum within [-1, 1]; random_walk: starts at 0, each step adds a Gaussian of
    standard deviation 0.1; sawtooth: rises from -1 to 1 over a period of
    10-30 steps, then drops back, from a random phase.
    """
    if kind == "sine":
        parts = [(source.uniform(0.5, 1.0), source.uniform(8.0, 40.0), source.uniform(0.0, 2 * math.pi))
                 for _ in range(2)]
        total = sum(a for a, _, _ in parts)
        return [sum(a * math.sin(2 * math.pi * t / p + phase) for a, p, phase in parts) / total
                for t in range(length)]
    if kind == "random_walk":
        walk, level = [], 0.0
        for _ in range(length):
            walk.append(level)
            level += source.gauss(0.0, 0.1)
        return walk
    period, start = source.uniform(10.0, 30.0), source.random()  # sawtooth
    return [2.0 * ((start + t / period) % 1.0) - 1.0 for t in range(length)]


def make_time_series(
    n_samples: int = 200,
    window: int = 20,
    noise: float = 0.05,
    kind: str = "sine",
    rng: RNG = None,
    test_size: float | None = None,
) -> SequenceRegression:
    """Windows of one noisy signal, each with the value that follows it: forecasting.

    One signal of n_samples + window values is made (`kind`: 'sine', a mixture
    of two sines of random periods between 8 and 40 steps, within [-1, 1];
    'random_walk', steps of standard deviation 0.1 from 0; 'sawtooth', rising
    from -1 to 1 over 10-30 steps, then dropping back), and Gaussian noise of
    standard deviation `noise` is added to every value. Sample i is the window
    of values i .. i + window - 1, each step a list of one number
    (`[[v_i], [v_i+1], ...]`, the input of an `RNN(1, ...)`), and its target
    `y[i]` is value i + window, the next one (a float). The windows overlap:
    window i + 1 is window i moved on one step, so `y[i] == X[i + 1][-1][0]`.

    Unlike the other makers the samples are in time order, not shuffled. With
    `test_size` the split keeps that order: the held-out windows are the last
    (the later part of the signal, as a forecast would meet it), returned as
    `(X_train, X_test, y_train, y_test)`. The first test windows still contain
    values the last training windows saw; only their targets are new.

    Example:
        >>> X, y = make_time_series(30, window=5, noise=0.0, kind='sawtooth', rng=0)
        >>> len(X), len(X[0]), len(X[0][0])
        (30, 5, 1)
        >>> all(y[i] == X[i + 1][-1][0] for i in range(29))     # the target is the next value
        True
        >>> X_train, X_test, y_train, y_test = make_time_series(30, window=5, rng=0, test_size=0.2)
        >>> len(X_train), len(X_test), X_test[0][-1] == X_train[-1][-1]     # in time order
        (24, 6, False)
    """
    fn = "make_time_series"
    n_samples = count_argument(fn, "n_samples", n_samples, 1)
    window = count_argument(fn, "window", window, 1, "the number of time steps in a sample")
    noise = non_negative_number(fn, "noise", noise, why="a standard deviation")
    kind = one_of(fn, "kind", kind, TIME_SERIES_KINDS)
    if test_size is not None:
        n_test_samples(fn, test_size, n_samples)
    source = rng_argument(fn, rng)

    values = [v + source.gauss(0.0, noise) if noise else v
              for v in _signal(kind, n_samples + window, source)]
    X = [[[v] for v in values[i:i + window]] for i in range(n_samples)]
    y = [values[i + window] for i in range(n_samples)]
    if test_size is None:
        return X, y
    return split(fn, X, y, test_size, None)  # no rng: no shuffling, the test split is the last


def make_remember_first(
    n_samples: int = 200,
    gap: int = 10,
    n_symbols: int = 2,
    rng: RNG = None,
    test_size: float | None = None,
) -> SequenceDataset:
    """Say which symbol came first, after `gap` steps of distraction: a long memory task.

    Each sample has 1 + gap time steps; each step is a list of n_symbols + 1
    numbers: a one-hot symbol (1.0 at the symbol's place, 0.0 elsewhere), then
    a marker that is 1.0 at the first step and 0.0 after it ("remember this").
    The first step's symbol is the label (an int 0 .. n_symbols - 1); the gap
    steps carry symbols drawn at random from the same alphabet, which say
    nothing about the label. A model that reads the last steps is at chance
    (1 / n_symbols); to do better it must carry the first symbol across the
    whole gap, and its gradient must flow back across it. The classes are
    balanced (their sizes differ by at most one) and the samples shuffled.
    Returns `(X, y)`, or with `test_size` the 4-tuple of `train_test_split`.

    Example:
        >>> X, y = make_remember_first(4, gap=2, n_symbols=2, rng=0)
        >>> sorted(y)
        [0, 0, 1, 1]
        >>> x = X[0]
        >>> len(x), x[0][:2].index(1.0) == y[0], [step[-1] for step in x]   # the marker
        (3, True, [1.0, 0.0, 0.0])
    """
    fn = "make_remember_first"
    n_symbols = count_argument(fn, "n_symbols", n_symbols, 2, "a classification needs two classes")
    n_samples = count_argument(fn, "n_samples", n_samples, n_symbols,
                               f"one sample per symbol, n_symbols={n_symbols}")
    gap = count_argument(fn, "gap", gap, 0, "the number of distracting steps after the first")
    if test_size is not None:
        n_test_samples(fn, test_size, n_samples)
    source = rng_argument(fn, rng)

    def step(symbol: int, first: bool) -> list[float]:
        return [1.0 if k == symbol else 0.0 for k in range(n_symbols)] + [1.0 if first else 0.0]

    X: Sequences = []
    y: list[int] = []
    for label, m in enumerate(class_sizes(n_samples, n_symbols)):
        for _ in range(m):
            X.append([step(label, True)] + [step(source.randrange(n_symbols), False) for _ in range(gap)])
            y.append(label)
    return shuffle_and_split(fn, source, X, y, test_size)
