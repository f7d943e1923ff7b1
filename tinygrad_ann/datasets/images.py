"""Images of digits to recognise: real handwriting (`load_digits`) and drawn glyphs (`make_glyphs`).

An image is the library's nested list `x[channel][row][col]` of floats in
[0, 1], the input a `Conv2d` reads: these are greyscale, so one channel, and
`x[0][r][c]` is the pixel in row r (top to bottom) and column c (left to right).
Labels are the digits as ints 0-9.

- `load_digits()`: 1,797 real handwritten digits, 8×8 (the UCI optical-recognition
  set, shipped in the package; CC BY 4.0, attribution in its docstring).
- `make_glyphs(n)`: synthetic digits drawn from `DIGIT_FONT`, a 5×6 pixel font,
  moved by a random shift, with Gaussian noise on every pixel: data a test controls.

Example:
    >>> X, y = make_glyphs(20, shift=0, noise=0.0, rng=0)
    >>> len(X), len(X[0]), len(X[0][0]), len(X[0][0][0])     # 20 images of 1 channel, 8×8
    (20, 1, 8, 8)
    >>> print(image_to_text(X[y.index(4)]))
    --------
    ----#---
    ---##---
    --#-#---
    -#--#---
    -#####--
    ----#---
    --------
"""

from __future__ import annotations

import csv
import functools
import io
from typing import Any, Union

from .._checks import finite_number, is_whole_number, non_negative_number, wrong_type, wrong_value
from .._types import RNG
from .common import (
    class_sizes,
    count_argument,
    n_test_samples,
    read_shipped,
    rng_argument,
    shuffle_and_split,
    split,
)

__all__ = ["load_digits", "make_glyphs", "image_to_text", "DIGIT_FONT"]

#: One image, `x[channel][row][col]`.
Image = list[list[list[float]]]
# A loader's or maker's result: (X, y), or (X_train, X_test, y_train, y_test) with test_size.
ImageDataset = Union[
    tuple[list[Image], list[int]],
    tuple[list[Image], list[Image], list[int], list[int]],
]

# An image as the cache keeps it: rows of pixels, in tuples that no caller can change.
_Pixels = tuple[tuple[float, ...], ...]


def image_to_text(image: Image, threshold: float = 0.5) -> str:
    """A one-channel image as text, one line per row: '#' where a pixel is >= threshold, else '-'.

    For a quick look at an image in a terminal or a doctest.

    Example:
        >>> print(image_to_text([[[0.0, 1.0], [0.75, 0.25]]]))
        -#
        #-
    """
    fn = "image_to_text"
    what = "one image x[channel][row][col] with one channel"
    if not isinstance(image, list):
        wrong_type(fn, "image", what, image)
    if len(image) != 1:
        raise ValueError(f"{fn}: image must be {what}, got {len(image)} channels")
    threshold = finite_number(fn, "threshold", threshold)
    return "\n".join("".join("#" if v >= threshold else "-" for v in row) for row in image[0])


# ---------------------------------------------------------------------------
# Real handwriting: the UCI optical-recognition digits
# ---------------------------------------------------------------------------

DIGITS_FILE = "digits.csv.gz"
DIGITS_SIDE = 8  # the images are 8×8
DIGITS_LEVELS = 16  # pixel values in the file are 0..16


def load_digits(test_size: float | None = None, rng: RNG = None, *, seed: Any = ...) -> ImageDataset:
    """The UCI handwritten digits: 1,797 images 8×8 (`x[1][8][8]`, values in [0, 1]), labels 0-9.

    Each image is a handwritten digit scanned and reduced to 8×8 blocks; a
    pixel counts the inked points of its 4×4 block, 0-16, and is given here
    divided by 16. Every digit has between 174 and 183 images.

    Returns `(X, y)` in the file's order (no randomness: `rng` is not used). With
    `test_size` it returns `(X_train, X_test, y_train, y_test)`, shuffled by
    `rng` (an int seed, a `random.Random`, or None for Python's global `random`;
    `seed=` is its old name): exactly `train_test_split(X, y, test_size, rng)`.

    The data ships inside the package (`tinygrad_ann/data/digits.csv.gz`, its
    source in `data/SOURCES.md`). It is read on the first call and kept; every
    call returns new lists, so changing them changes nothing for the next caller.

    Data: E. Alpaydin and C. Kaynak, "Optical Recognition of Handwritten Digits",
    UCI Machine Learning Repository (1998), doi:10.24432/C50P49, licensed under
    CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/); the copy scikit-learn
    ships. Changes: pixel values divided by 16, rows of 64 arranged as 8×8 images.

    Example:
        >>> X, y = load_digits()
        >>> len(X), len(X[0]), len(X[0][0]), len(X[0][0][0]), y[0]
        (1797, 1, 8, 8, 0)
        >>> print(image_to_text(X[0]))                  # '#' where a pixel is >= 0.5
        ---##---
        --####--
        --#--##-
        --#--##-
        --#--##-
        --#--#--
        --#-##--
        ---##---
        >>> X_train, X_test, y_train, y_test = load_digits(test_size=0.2, rng=0)
        >>> len(X_train), len(X_test)
        (1437, 360)
    """
    fn = "load_digits"
    source = rng_argument(fn, rng, seed)
    images, labels = _digits_table()
    if test_size is not None:
        n_test_samples(fn, test_size, len(labels))  # a bad test_size fails before the copying
    X = [[[list(row) for row in image]] for image in images]
    y = list(labels)
    if test_size is None:
        return X, y
    return split(fn, X, y, test_size, source)


@functools.cache
def _digits_table() -> tuple[tuple[_Pixels, ...], tuple[int, ...]]:
    """The digits file parsed once: (images as row tuples scaled to [0, 1], labels)."""
    images: list[_Pixels] = []
    labels: list[int] = []
    n = DIGITS_SIDE
    text = read_shipped("load_digits", DIGITS_FILE)
    for line, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if len(row) != n * n + 1:
            raise ValueError(
                f"load_digits: line {line} of {DIGITS_FILE} has {len(row)} values, expected "
                f"{n * n + 1} (64 pixels and a label): the package's data file is damaged; reinstall"
            )
        pixels = [int(v) / DIGITS_LEVELS for v in row[:-1]]
        images.append(tuple(tuple(pixels[r * n : (r + 1) * n]) for r in range(n)))
        labels.append(int(row[-1]))
    return tuple(images), tuple(labels)


# ---------------------------------------------------------------------------
# Synthetic digits: a pixel font, shifted and noisy
# ---------------------------------------------------------------------------

#: The digits 0-9 as 5×6 bitmaps ('#' ink, '.' paper), one string per row.
#: Any two differ in at least two pixels.
DIGIT_FONT: tuple[tuple[str, ...], ...] = (
    (".###.", "#...#", "#..##", "##..#", "#...#", ".###."),  # 0 (slashed)
    ("..#..", ".##..", "..#..", "..#..", "..#..", ".###."),  # 1
    (".###.", "#...#", "...#.", "..#..", ".#...", "#####"),  # 2
    ("####.", "....#", "..##.", "....#", "....#", "####."),  # 3
    ("...#.", "..##.", ".#.#.", "#..#.", "#####", "...#."),  # 4
    ("#####", "#....", "####.", "....#", "#...#", ".###."),  # 5
    (".###.", "#....", "####.", "#...#", "#...#", ".###."),  # 6
    ("#####", "....#", "...#.", "..#..", ".#...", ".#..."),  # 7
    (".###.", "#...#", ".###.", "#...#", "#...#", ".###."),  # 8
    (".###.", "#...#", "#...#", ".####", "....#", ".###."),  # 9
)
GLYPH_ROWS = len(DIGIT_FONT[0])  # 6
GLYPH_COLS = len(DIGIT_FONT[0][0])  # 5

# Each glyph's ink as (row, col) pairs, worked out once.
_INK = tuple(
    frozenset((r, c) for r, line in enumerate(glyph) for c, ch in enumerate(line) if ch == "#")
    for glyph in DIGIT_FONT
)


def make_glyphs(
    n_samples: int = 100,
    size: int = 8,
    shift: int = 1,
    noise: float = 0.1,
    rng: RNG = None,
    test_size: float | None = None,
    *,
    seed: Any = ...,
) -> ImageDataset:
    """Synthetic digits: `DIGIT_FONT`'s 0-9 in size×size images (`x[1][size][size]`), labels 0-9.

    Each glyph (5 columns by 6 rows, ink 1.0 on paper 0.0) is centred (rounded
    up and left), then moved by dy rows and dx columns, each a whole number
    drawn uniformly from -shift..shift; then every pixel gets Gaussian noise of
    standard deviation `noise`, and is clipped to [0, 1]. The shifted glyph
    always stays whole inside the image, so shift can be at most
    (size - 6) // 2: 1 for the default 8×8. The n_samples >= 10 images are
    spread over the digits as evenly as possible (the first n_samples % 10
    digits get one more) and come in random order, drawn from `rng` (an int
    seed, a `random.Random`, or None for Python's global `random`; `seed=` is
    its old name). With `test_size` it returns the 4-tuple of `train_test_split`.

    Example:
        >>> X, y = make_glyphs(10, shift=0, noise=0.0, rng=0)
        >>> sorted(y)
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
        >>> print(image_to_text(X[y.index(7)]))
        --------
        -#####--
        -----#--
        ----#---
        ---#----
        --#-----
        --#-----
        --------
        >>> X, y = make_glyphs(200, noise=0.2, rng=0)          # shifted by up to 1 pixel, noisy
        >>> all(0.0 <= v <= 1.0 for x in X for row in x[0] for v in row)
        True
    """
    fn = "make_glyphs"
    n_samples = count_argument(fn, "n_samples", n_samples, 10, "one image per digit")
    size = count_argument(fn, "size", size, GLYPH_ROWS, "the glyphs are 5 wide and 6 tall")
    shift = _shift_argument(fn, shift, size)
    noise = non_negative_number(fn, "noise", noise, why="a standard deviation")
    if test_size is not None:
        n_test_samples(fn, test_size, n_samples)
    source = rng_argument(fn, rng, seed)

    top, left = (size - GLYPH_ROWS) // 2, (size - GLYPH_COLS) // 2
    X: list[Image] = []
    y: list[int] = []
    for digit, m in enumerate(class_sizes(n_samples, len(DIGIT_FONT))):
        for _ in range(m):
            dy, dx = source.randint(-shift, shift), source.randint(-shift, shift)
            X.append([_draw(_INK[digit], size, top + dy, left + dx, noise, source)])
            y.append(digit)
    return shuffle_and_split(fn, source, X, y, test_size)


def _shift_argument(fn: str, shift: object, size: int) -> int:
    """`shift` as an int, if a glyph moved that far stays inside a size×size image."""
    most = (size - GLYPH_ROWS) // 2
    what = f"a whole number in [0, {most}]"
    if not is_whole_number(shift):
        wrong_type(fn, "shift", what, shift)
    n = int(shift)  # type: ignore[call-overload]
    if not 0 <= n <= most:
        wrong_value(
            fn, "shift", what, shift,
            why=f"with size={size} a glyph 6 pixels tall, moved that far, must stay inside the image",
        )
    return n


def _draw(ink: frozenset[tuple[int, int]], size: int, top: int, left: int, noise: float, rng: Any) -> list:
    """One size×size channel: the glyph's ink at (top, left), plus noise, clipped to [0, 1]."""
    return [
        [
            min(1.0, max(0.0, (1.0 if (r - top, c - left) in ink else 0.0) + rng.gauss(0.0, noise)))
            for c in range(size)
        ]
        for r in range(size)
    ]
