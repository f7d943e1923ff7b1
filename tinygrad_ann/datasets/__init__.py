"""Datasets as plain Python lists: 2-D toy sets, images of digits, names to generate.

One file per kind of data:

    toy.py        make_moons, make_circles, make_xor, make_spiral, make_blobs,
                  make_sine: points in the plane (rows of floats, the input to an MLP)
    images.py     load_digits (real handwritten 8×8 digits), make_glyphs (digits
                  drawn from a pixel font): images x[channel][row][col], the input
                  to a Conv2d
    generative.py make_gaussian_ring, make_spiral_points (and ring_centers):
                  unlabelled points in the plane, for a GAN's generator to learn
    sequences.py  make_time_series (windows of a signal, to forecast the next
                  value), make_remember_first (a long-memory task): sequences
                  x[t][i], the input to an RNN, LSTM or GRU
    text.py       load_names (the names of makemore and microgpt), CharTokenizer
    common.py     what they share: the rng rule, train_test_split, to_signed, the
                  argument checks, reading the files shipped in tinygrad_ann/data

Every maker and image loader returns `(X, y)`: `X` a list of samples, `y` a
list of labels (ints 0..k-1 for classification, floats for the regressions
`make_sine` and `make_time_series`). Pass `test_size` and it returns `(X_train, X_test, y_train,
y_test)` instead, split by `train_test_split`. The makers' samples come in
random order, so any slice of them is a fair minibatch; `load_digits` keeps
its file's order until it splits, and `make_time_series` keeps time order
(its test split is the later windows).

Randomness comes from the `rng` argument, as everywhere in the library: an int
seed draws from a new `random.Random(seed)`, never from the global `random`
state, so the same seed gives the same data in any program; a `random.Random`
is drawn from as it is (then successive calls differ, reproducibly); None (the
default) draws from Python's global `random`, so `random.seed(...)` makes a
whole notebook reproducible. `seed=` is the old name of `rng` and still works:
`make_moons(100, seed=0)` is `make_moons(100, rng=0)`.

Hinge loss wants labels -1/+1 rather than 0/1: `to_signed(y)` maps them (it is
the `y*2 - 1` of the micrograd demo).

Only the standard library is used: no numpy, no scikit-learn. The shipped data
(`tinygrad_ann/data`, sources and licences in its SOURCES.md) is read on a
loader's first call, never at import.

Example:
    >>> X, y = make_moons(100, noise=0.1, rng=0)
    >>> len(X), len(X[0]), sorted(set(y))
    (100, 2, [0, 1])
    >>> X_train, X_test, y_train, y_test = make_moons(100, rng=0, test_size=0.2)
    >>> len(X_train), len(X_test)
    (80, 20)
    >>> to_signed([0, 1, 1])
    [-1, 1, 1]
    >>> X, y = load_digits()
    >>> len(X), len(X[0]), len(X[0][0]), len(X[0][0][0])      # 1,797 images x[1][8][8]
    (1797, 1, 8, 8)
    >>> CharTokenizer(load_names()).vocab_size                # a-z and the boundary
    27
"""

from .common import rng_argument, to_signed, train_test_split
from .generative import make_gaussian_ring, make_spiral_points, ring_centers
from .images import DIGIT_FONT, image_to_text, load_digits, make_glyphs
from .sequences import make_remember_first, make_time_series
from .text import CharTokenizer, load_names
from .toy import make_blobs, make_circles, make_moons, make_sine, make_spiral, make_xor

__all__ = [
    "make_moons",
    "make_circles",
    "make_xor",
    "make_spiral",
    "make_blobs",
    "make_sine",
    "train_test_split",
    "to_signed",
    "load_digits",
    "make_glyphs",
    "image_to_text",
    "DIGIT_FONT",
    "load_names",
    "CharTokenizer",
    "make_time_series",
    "make_remember_first",
    "make_gaussian_ring",
    "make_spiral_points",
    "ring_centers",
    "rng_argument",
]
