"""What an autoencoder learned: where it puts each sample, and what it gives back.

- `plot_latent(model, X, y)`: the code of every sample as a point of the plane
  (for a 2-D code), coloured and shaped by its class, each class's label
  written at the middle of its points. Samples the autoencoder finds alike sit
  close together, although it never saw a label.
- `plot_reconstructions(model, X)`: images in two rows, the inputs above and
  their reconstructions below, each with its mean squared error under it.

`model` is an `Autoencoder` (for `plot_latent`, also any encoder: a module or
function that maps one sample to its code).

Example:
    >>> from tinygrad_ann.nn import MLP, Autoencoder
    >>> ae = Autoencoder(MLP(4, [2], rng=0), MLP(2, [4], rng=0))
    >>> X, y = [[1.0, 0.0, 0.0, 1.0], [0.0, 1.0, 1.0, 0.0]], ['a', 'b']
    >>> ax = plot_latent(ae, X, y)
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['a', 'b']
    >>> fig = plot_reconstructions(ae, X)                 # 4 numbers: drawn as 2 × 2 images
    >>> len(fig.axes)
    4
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure, SubFigure

from .._checks import whole_number, wrong_type, wrong_value
from ..engine import no_grad
from ..nn import Autoencoder
from ..nn.shapes import flat_numbers
from ..nn.shapes import shape_of, shape_text
from .common import MARKERS, PALETTE, plain_number
from .images import IMAGE_CMAP, INK, bare_axes, checked_figure, grey_limits, image_label, new_panels

__all__ = ["plot_latent", "plot_reconstructions"]


def _samples(fn: str, X: object) -> list[Any]:
    """X as a non-empty list of samples."""
    if isinstance(X, np.ndarray):
        X = X.tolist()
    if isinstance(X, (str, bytes)) or not isinstance(X, Sequence):
        wrong_type(fn, "X", "a list of samples", X)
    if len(X) == 0:
        wrong_value(fn, "X", "a list of at least one sample", X)
    return list(X)


def _class_order(labels: list[Any]) -> list[Any]:
    """The distinct labels, sorted when they can be (digits 0..9), else as they come."""
    distinct = list(dict.fromkeys(labels))
    try:
        return sorted(distinct)
    except TypeError:
        return distinct


def _style(k: int) -> tuple[str, str]:
    """The colour and marker of class k: every class up to 49 has its own pair."""
    return PALETTE[k % len(PALETTE)], MARKERS[(k + k // len(PALETTE)) % len(MARKERS)]


# ---------------------------------------------------------------------------
# plot_latent
# ---------------------------------------------------------------------------


def _codes(fn: str, model: Any, X: list[Any]) -> np.ndarray:
    """The 2-D code of every sample, an (n, 2) array, under no_grad."""
    if isinstance(model, Autoencoder):
        encode = model.encode
    elif callable(model):
        encode = model
    else:
        wrong_type(fn, "model", "an Autoencoder or an encoder (a module or function: sample -> code)", model)
    rows = []
    with no_grad():  # to look at: no graph
        for i, x in enumerate(X):
            z = encode(x)
            numbers = flat_numbers(z)
            if len(numbers) != 2 or (isinstance(z, (list, tuple)) and len(shape_of(z)) != 1):
                size = shape_text(z) if isinstance(z, (list, tuple)) else "1"
                raise ValueError(
                    f"{fn}: the codes must be 2-D (two numbers per sample) to be drawn on a plane, "
                    f"but the code of X[{i}] has {size} number{'s' * (size != '1')}; give the encoder 2 outputs"
                )
            rows.append([plain_number(fn, f"the code of X[{i}][{j}]", v, finite=True)
                         for j, v in enumerate(numbers)])
    return np.array(rows, dtype=float)


def plot_latent(
    model: Any,
    X: Sequence[Any],
    y: Sequence[Any] | None = None,
    ax: Axes | None = None,
    *,
    annotate: bool = True,
    size: float = 14.0,
    alpha: float = 0.7,
) -> Axes:
    """Every sample's code as a point of the plane, coloured and shaped by its class.

    `model` is an `Autoencoder` (its `encode` is used) or an encoder itself;
    its codes must have two numbers (a ValueError otherwise). Points are
    computed under `no_grad()`, in the order of X. With `y` (one label per
    sample), each class gets its colour and marker, a legend entry, and (with
    `annotate`) its label written at the median of its points, so that ten
    digit classes stay readable. `size` and `alpha` are the points' size and
    opacity.

    `ax`: the Axes to draw on, or None for a new figure. Returns it; one
    scatter per class is in `ax.collections`, its points in `get_offsets()`.

    Example:
        >>> from tinygrad_ann.nn import Linear
        >>> encoder = Linear(3, 2, bias=False, rng=0)
        >>> ax = plot_latent(encoder, [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], y=[0, 1])
        >>> ax.get_xlabel(), ax.get_ylabel(), len(ax.collections)
        ('z[0]', 'z[1]', 2)
    """
    fn = "plot_latent"
    if ax is not None and not isinstance(ax, Axes):
        wrong_type(fn, "ax", "a matplotlib Axes to draw on, or None for a new figure", ax)
    if annotate is not True and annotate is not False:
        wrong_type(fn, "annotate", "True or False", annotate)
    size = plain_number(fn, "size", size, finite=True)
    alpha = plain_number(fn, "alpha", alpha, finite=True)
    samples = _samples(fn, X)
    labels = None
    if y is not None:
        if isinstance(y, (str, bytes)) or not isinstance(y, Iterable):
            wrong_type(fn, "y", "a list of labels, one per sample", y)
        labels = [image_label(fn, f"y[{k}]", v) for k, v in enumerate(y)]
        if len(labels) != len(samples):
            raise ValueError(f"{fn}: X has {len(samples)} samples but y has {len(labels)} labels; "
                             f"give one per sample")
    points = _codes(fn, model, samples)
    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 5.2), layout="constrained")
    if labels is None:
        ax.scatter(points[:, 0], points[:, 1], s=size, alpha=alpha, color=PALETTE[0], linewidths=0)
    else:
        classes = _class_order(labels)
        for k, c in enumerate(classes):
            mine = np.array([label == c for label in labels])
            colour, marker = _style(k)
            ax.scatter(points[mine, 0], points[mine, 1], s=size, alpha=alpha, color=colour, marker=marker,
                       linewidths=0, label=str(c))
        if annotate:
            for k, c in enumerate(classes):
                mine = np.array([label == c for label in labels])
                mx, my = np.median(points[mine], axis=0)
                ax.text(mx, my, str(c), ha="center", va="center", fontsize=12, fontweight="bold", color=INK,
                        bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": _style(k)[0],
                              "linewidth": 2.0, "alpha": 0.9})
        legend = ax.legend(title="class", loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=9,
                           markerscale=1.6, frameon=False)
        for handle in legend.legend_handles:
            if handle is not None:
                handle.set_alpha(1.0)
    ax.set_xlabel("z[0]")
    ax.set_ylabel("z[1]")
    ax.set_title(f"{len(samples)} sample{'s' * (len(samples) != 1)} in the 2-D code space")
    ax.grid(alpha=0.3)
    return ax


# ---------------------------------------------------------------------------
# plot_reconstructions
# ---------------------------------------------------------------------------


def _image_shape(fn: str, shape: object, count: int) -> tuple[int, int]:
    """(rows, cols) to draw a flat sample of `count` numbers: `shape`, or a square."""
    if shape is None:
        side = math.isqrt(count)
        if side * side != count:
            raise ValueError(
                f"{fn}: a flat sample of {count} numbers is not a square image; give its shape=(rows, cols)"
            )
        return side, side
    if not isinstance(shape, (tuple, list)) or len(shape) != 2:
        wrong_type(fn, "shape", "a pair (rows, cols), or None for a square image", shape)
    rows, cols = (whole_number(fn, f"shape[{k}]", s, minimum=1) for k, s in enumerate(shape))
    if rows * cols != count:
        raise ValueError(f"{fn}: shape={rows, cols} holds {rows * cols} numbers but a sample has {count}")
    return rows, cols


def _layout(fn: str, x: Any, shape: object, channel: int) -> tuple[tuple[int, ...], int]:
    """How to draw sample X[0]: the shape its numbers are read into, (channels, rows,
    cols), and the channel to draw. An image x[channel][row][col] keeps its shape;
    a flat list of numbers takes `shape` (or a square)."""
    levels = shape_of(x)
    if len(levels) == 3 and 0 not in levels:
        if shape is not None:
            raise ValueError(f"{fn}: shape is for flat samples; X[0] is an image of shape {shape_text(x)}")
        if channel >= levels[0]:
            raise ValueError(f"{fn}: channel must be a channel of the images, 0 to {levels[0] - 1} "
                             f"(X[0] has shape {shape_text(x)}), got {channel}")
        return levels, channel
    if len(levels) == 1 and levels[0] > 0:
        if channel != 0:
            raise ValueError(f"{fn}: a flat sample has one channel, 0; got channel={channel}")
        return (1, *_image_shape(fn, shape, levels[0])), 0
    if not isinstance(x, (list, tuple)):
        wrong_type(fn, "X[0]", "an image x[channel][row][col] or a flat list of numbers", x)
    raise ValueError(
        f"{fn}: a sample must be an image x[channel][row][col] or a flat list of numbers, got one of shape "
        f"{shape_text(x)}" + (" (for an image x[row][col], give it its channel: [image])" if len(levels) == 2
                              else "")
    )


def _as_array(fn: str, name: str, x: Any, layout: tuple[int, ...]) -> np.ndarray:
    """The numbers of one sample (or reconstruction) in `layout`, checked."""
    numbers = flat_numbers(x)
    size = math.prod(layout)
    if len(numbers) != size:
        raise ValueError(f"{fn}: {name} has {len(numbers)} numbers, but X[0] has {size}; "
                         f"every sample and its reconstruction must have as many")
    values = [plain_number(fn, f"{name}[{k}]" if len(numbers) > 1 else name, v) for k, v in enumerate(numbers)]
    return np.array(values, dtype=float).reshape(layout)


def plot_reconstructions(
    model: Any,
    X: Sequence[Any],
    n: int = 8,
    fig: Figure | SubFigure | None = None,
    *,
    y: Sequence[Any] | None = None,
    shape: tuple[int, int] | None = None,
    channel: int = 0,
    title: str | None = None,
    cmap: str = IMAGE_CMAP,
) -> Figure | SubFigure:
    """The first `n` samples of X above, their reconstructions below, as images.

    `model` is an `Autoencoder` (or any function sample -> reconstruction),
    run under `no_grad()`. A sample is an image x[channel][row][col] (drawn
    channel `channel`), or a flat list of numbers, drawn as an image of `shape`
    (rows, cols), by default a square (64 numbers: 8 × 8). The reconstruction
    is read into the same shape, number by number, whatever its nesting. Under
    each reconstruction is its mean squared error (over all its numbers, as
    `Autoencoder.reconstruction_error`); with `y`, each input is titled with its
    label. Inputs and reconstructions share one grey scale, ink dark on paper:
    0 white and 1 black for pixels in [0, 1]. `title` replaces the figure's
    title ("inputs above, their reconstructions below").

    `fig`: a Figure (or SubFigure) to draw in, or None for a new one. Returns
    it; `fig.axes` are the inputs, then the reconstructions, in order.

    Example:
        >>> ae = Autoencoder(lambda x: x, lambda z: [0.5 * v for v in z])   # x̂ = x / 2
        >>> fig = plot_reconstructions(ae, [[1.0, 0.0, 0.0, 1.0]])
        >>> fig.axes[1].images[0].get_array().tolist()                     # drawn as 2 × 2
        [[0.5, 0.0], [0.0, 0.5]]
        >>> fig.axes[1].get_xlabel()                                       # (0.5² + 0.5²) / 4
        'error 0.125'
    """
    fn = "plot_reconstructions"
    fig = checked_figure(fn, fig)
    if not callable(model):
        wrong_type(fn, "model", "an Autoencoder (or a function: sample -> reconstruction)", model)
    count = whole_number(fn, "n", n, minimum=1)
    channel = whole_number(fn, "channel", channel, minimum=0)
    if title is not None and not isinstance(title, str):
        wrong_type(fn, "title", "a string, or None for the default", title)
    samples = _samples(fn, X)[:count]
    labels = None
    if y is not None:
        if isinstance(y, (str, bytes)) or not isinstance(y, Iterable):
            wrong_type(fn, "y", "a list of labels, one per sample", y)
        labels = [image_label(fn, f"y[{k}]", v) for k, v in enumerate(y)][: len(samples)]
        if len(labels) != len(samples):
            raise ValueError(f"{fn}: y has {len(labels)} labels for {len(samples)} samples; give one per sample")
    layout, channel = _layout(fn, samples[0], shape, channel)
    inputs = [_as_array(fn, f"X[{k}]", x, layout) for k, x in enumerate(samples)]
    with no_grad():  # to look at: no graph
        outputs = [_as_array(fn, f"the reconstruction of X[{k}]", model(x), layout) for k, x in enumerate(samples)]
    errors = [float(np.mean((out - inp) ** 2)) for inp, out in zip(inputs, outputs, strict=True)]
    cols = len(samples)
    if title is None:
        title = "inputs above, their reconstructions below"
        if layout[0] > 1:
            title += f" (channel {channel} of {layout[0]})"
    fig, panels = new_panels(fig, 2, cols, (1.15, 1.3), title=title)
    lo, hi = grey_limits([a[channel] for a in inputs + outputs])
    for k in range(cols):
        top, bottom = panels[k], panels[cols + k]
        top.imshow(inputs[k][channel], cmap=cmap, vmin=lo, vmax=hi, interpolation="nearest")
        bottom.imshow(outputs[k][channel], cmap=cmap, vmin=lo, vmax=hi, interpolation="nearest")
        bare_axes(top)
        bare_axes(bottom)
        if labels is not None:
            top.set_title(str(labels[k]), fontsize=11)
        bottom.set_xlabel(f"error {errors[k]:.3g}", fontsize=9)
    panels[0].set_ylabel("input", fontsize=10)
    panels[cols].set_ylabel("reconstruction", fontsize=10)
    fig.suptitle(title, fontsize=12)
    return fig
