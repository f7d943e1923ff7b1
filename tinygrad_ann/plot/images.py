"""Images and what a convolution does to them: a grid of images, the kernels, the feature maps.

- `plot_images(X, y, predictions)`: images in a grid, each titled with its
  label; a wrong prediction is marked in red (its title reads "true → predicted"
  and its frame is red).
- `plot_kernels(conv)`: every kernel of a Conv2d as a small heat map, in one
  diverging colour map centred on 0, the same for all: blue for a positive
  weight, red for a negative one, white for 0 (the colours `draw_network` gives
  signs).
- `plot_feature_maps(conv, x)`: one image, and the map each output channel
  makes of it (the conv run on it, its activation included).

An image is the library's nested list `x[channel][row][col]` of numbers or
Values (`datasets.load_digits()` gives them). Images are drawn in grey, ink dark
on white paper: 0 white and 1 black when the pixels lie in [0, 1] (as the
datasets' do), so a faint image looks faint; otherwise the darkest pixel is the
largest. Each function returns its Figure; `fig.axes` are its panels.

Example:
    >>> X = [[[[0, 1, 0], [1, 1, 1], [0, 1, 0]]], [[[1, 0, 1], [0, 1, 0], [1, 0, 1]]]]
    >>> fig = plot_images(X, y=['plus', 'cross'], predictions=['plus', 'plus'])
    >>> [ax.get_title() for ax in fig.axes]
    ['plus', 'cross → plus']
    >>> fig.savefig('images.png', dpi=150)              # doctest: +SKIP
"""

from __future__ import annotations

import math
from numbers import Real
from collections.abc import Iterable, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize
from matplotlib.figure import Figure, SubFigure

from .._checks import whole_number, wrong_type, wrong_value
from ..engine import Value, no_grad
from ..nn import Conv1d, Conv2d
from ..nn.conv import checked_conv
from ..nn.shapes import as_grid, shape_of, shape_text
from .common import plain_number

__all__ = ["plot_images", "plot_kernels", "plot_feature_maps", "WRONG_COLOR", "KERNEL_CMAP",
           # shared with the other pictures of images (plot.autoencoder)
           "IMAGE_CMAP", "INK", "image_label", "grey_limits", "new_panels", "bare_axes", "checked_figure"]

#: The colour of a wrong prediction's title and frame (Tol's vibrant red).
WRONG_COLOR = "#CC3311"
#: The diverging colour map of weights and feature maps: red < 0 < blue, white at 0.
#: ('RdBu' puts blue at the top: positive is blue, as in `draw_network`.)
KERNEL_CMAP = "RdBu"
IMAGE_CMAP = "gray_r"  # ink (1) black on paper (0) white
INK = "#333333"

# ---------------------------------------------------------------------------
# Reading images and labels
# ---------------------------------------------------------------------------


def _pixels(fn: str, name: str, x: object, ndim: int = 2) -> np.ndarray:
    """One image `x[channel][row][col]` (`ndim=1`: a signal x[channel][t]) as a
    float array, checked: a TypeError or ValueError naming `fn` and `name` (X[3])."""
    if isinstance(x, np.ndarray):
        x = x.tolist()
    what = "an image x[channel][row][col]" if ndim == 2 else "a signal x[channel][t]"
    shape = shape_of(x)
    if len(shape) != ndim + 1 or 0 in shape:
        if not isinstance(x, (list, tuple)):
            wrong_type(fn, name, f"{what}: nested lists of numbers or Values", x)
        raise ValueError(
            f"{fn}: {name} must be {what}, {ndim + 1} levels of lists, got one of shape {shape_text(x)}"
        )
    flat: list[float] = []

    def walk(item: Any, where: str, sizes: tuple[int, ...]) -> None:
        if not sizes:
            flat.append(plain_number(fn, where, item))
            return
        if not isinstance(item, (list, tuple)) or len(item) != sizes[0]:
            raise ValueError(
                f"{fn}: {name} must be rectangular ({what} of shape {shape_text(x)}), but {where} "
                f"has {len(item) if isinstance(item, (list, tuple)) else 'no'} entries, not {sizes[0]}"
            )
        for k, part in enumerate(item):
            walk(part, f"{where}[{k}]", sizes[1:])

    walk(x, name, shape)
    return np.array(flat, dtype=float).reshape(shape)


def _images(fn: str, X: object) -> list[np.ndarray]:
    """X, a list of images, as (channels, rows, cols) arrays."""
    if isinstance(X, np.ndarray):
        X = list(X)
    if isinstance(X, (str, bytes)) or not isinstance(X, Sequence):
        wrong_type(fn, "X", "a list of images x[channel][row][col]", X)
    if len(X) == 0:
        wrong_value(fn, "X", "a list of at least one image", X)
    if len(shape_of(X)) == 3:  # one image, or images without their channel level
        raise ValueError(
            f"{fn}: X must be a list of images x[channel][row][col], got nested lists of shape "
            f"{shape_text(X)}, a level short: one image (to draw it alone, pass [x]) or images "
            f"x[row][col] (give each its one channel: [[image] for image in X])"
        )
    images = [_pixels(fn, f"X[{k}]", x) for k, x in enumerate(X)]
    for k, image in enumerate(images):
        if image.shape[0] != images[0].shape[0]:
            raise ValueError(
                f"{fn}: the images of X must have the same channels, but X[{k}] has {image.shape[0]} "
                f"(shape {' × '.join(map(str, image.shape))}) and X[0] has {images[0].shape[0]}"
            )
    return images


def image_label(fn: str, name: str, v: object) -> Any:
    """A label as written in a title: Values unwrapped, 1.0 -> 1.

    Example:
        >>> image_label('plot_images', 'y[0]', Value(1.0))
        1
    """
    if isinstance(v, Value):
        v = v.data
    if isinstance(v, Real) and not isinstance(v, bool):
        f = float(v)
        return int(f) if f.is_integer() else f
    try:
        hash(v)
    except TypeError:
        wrong_type(fn, name, "a class label (a number or a name)", v)
    return v


def _labels(fn: str, name: str, y: object, n: int) -> list[Any]:
    """y as a list of n labels; else a TypeError (not a list) or ValueError (wrong length)."""
    if isinstance(y, (str, bytes)) or not isinstance(y, Iterable):
        wrong_type(fn, name, "a list of labels, one per image", y)
    labels = list(y)
    if len(labels) != n:
        raise ValueError(f"{fn}: X has {n} image{'s' * (n != 1)} but {name} has {len(labels)} "
                         f"label{'s' * (len(labels) != 1)}; give one per image")
    return [image_label(fn, f"{name}[{k}]", v) for k, v in enumerate(labels)]


def grey_limits(arrays: Sequence[np.ndarray]) -> tuple[float, float]:
    """The grey scale's ends: [0, 1] for pixels in it, else widened to the pixels' range.

    Example:
        >>> grey_limits([np.array([0.2, 0.9])])
        (0.0, 1.0)
    """
    finite = [a[np.isfinite(a)] for a in arrays]
    values = np.concatenate([f.ravel() for f in finite]) if finite else np.array([])
    if values.size == 0:
        return 0.0, 1.0
    lo, hi = min(0.0, float(values.min())), max(1.0, float(values.max()))
    return lo, hi


def _symmetric_limit(values: np.ndarray) -> float:
    """The largest finite |value| (1.0 when there is none or it is 0): the colour scale is ±this."""
    finite = np.abs(values[np.isfinite(values)])
    largest = float(finite.max()) if finite.size else 0.0
    return largest if largest > 0 else 1.0


def new_panels(fig: Figure | SubFigure | None, rows: int, cols: int, size: tuple[float, float],
                extra: float = 0.0, title: str = "") -> tuple[Figure | SubFigure, list[Axes]]:
    """rows × cols Axes, in a new figure (each panel `size` inches, `extra` inches
    beside them for a colour bar, and wide enough for `title`) or in `fig`.

    Example:
        >>> fig, axes = new_panels(None, 1, 2, (1.0, 1.0))
        >>> len(axes)
        2
    """
    if fig is None:
        width = max(size[0] * cols + 0.4 + extra, 0.11 * len(title) + 0.4)  # 12 pt: ~0.1 in a letter
        fig = plt.figure(figsize=(width, size[1] * rows + 0.7), layout="constrained")
    grid = fig.subplots(rows, cols, squeeze=False)
    return fig, list(grid.ravel())


def bare_axes(ax: Axes) -> None:
    """No ticks: the axes of an image are its rows and columns, not quantities.

    Example:
        >>> import matplotlib.pyplot as plt
        >>> ax = plt.figure().subplots(); bare_axes(ax); list(ax.get_xticks())
        []
    """
    ax.set_xticks([])
    ax.set_yticks([])


def _colour_bar(fig: Figure | SubFigure, axes: list[Axes], limit: float, cmap: str, label: str,
                rows: int) -> None:
    """One colour bar beside `axes` for the scale they share, -limit to +limit."""
    scale = ScalarMappable(norm=Normalize(vmin=-limit, vmax=limit), cmap=cmap)
    colorbar = fig.colorbar(scale, ax=axes, shrink=0.9, aspect=max(8, 12 * rows))
    colorbar.set_label(label, fontsize=10)


def checked_figure(fn: str, fig: object) -> Figure | SubFigure | None:
    """`fig` if it is a Figure, SubFigure or None; else a TypeError naming `fn`.

    Example:
        >>> checked_figure('plot_images', None) is None
        True
    """
    if fig is not None and not isinstance(fig, (Figure, SubFigure)):
        wrong_type(fn, "fig", "a matplotlib Figure (or SubFigure) to draw in, or None for a new one", fig)
    return fig


# ---------------------------------------------------------------------------
# plot_images
# ---------------------------------------------------------------------------


def _mark_wrong(ax: Axes) -> None:
    for spine in ax.spines.values():
        spine.set_edgecolor(WRONG_COLOR)
        spine.set_linewidth(3.0)


def plot_images(
    X: Sequence[Any],
    y: Sequence[Any] | None = None,
    predictions: Sequence[Any] | None = None,
    ncols: int = 10,
    *,
    fig: Figure | SubFigure | None = None,
    channel: int = 0,
    max_images: int = 100,
    cmap: str = IMAGE_CMAP,
) -> Figure | SubFigure:
    """Images in a grid, titled with their labels; wrong predictions in red.

    `X` is a list of images `x[channel][row][col]` (numbers or Values). With
    `y`, each image's title is its label. With `predictions` too (one label per
    image, e.g. from `train.predict_classes(model, X)`), an image predicted
    wrong gets a red title "true → predicted" and a red frame, and the figure's
    title counts them. Images of several channels are drawn one channel at a
    time: `channel` (0, the first, by default), named in the figure's title.
    At most `max_images` are drawn (the first ones; the title says so),
    `ncols` to a row. Pixels are grey, ink dark on paper: 0 white and 1 black
    for pixels in [0, 1], the same scale for every image.

    `fig`: a matplotlib Figure (or SubFigure) to draw in, or None for a new
    one. Returns it; `fig.axes` are the images in order.

    Example:
        >>> X = [[[[0.0, 1.0], [1.0, 0.0]]], [[[1.0, 1.0], [0.0, 0.0]]], [[[0.0, 0.0], [1.0, 1.0]]]]
        >>> fig = plot_images(X, y=[0, 1, 2], predictions=[0, 1, 1])
        >>> [ax.get_title() for ax in fig.axes]
        ['0', '1', '2 → 1']
        >>> fig.get_suptitle()
        '1 of 3 predicted wrong (red: true → predicted)'
        >>> fig.savefig('digits.png', dpi=150)           # doctest: +SKIP
    """
    fn = "plot_images"
    fig = checked_figure(fn, fig)
    images = _images(fn, X)
    labels = _labels(fn, "y", y, len(images)) if y is not None else None
    if predictions is not None and labels is None:
        raise ValueError(f"{fn}: predictions need y, the true labels, to mark the wrong ones")
    predicted = _labels(fn, "predictions", predictions, len(images)) if predictions is not None else None
    cols = whole_number(fn, "ncols", ncols, minimum=1)
    limit = whole_number(fn, "max_images", max_images, minimum=1)
    channel = whole_number(fn, "channel", channel, minimum=0)
    channels = images[0].shape[0]  # (the same for every image)
    if channel >= channels:
        raise ValueError(f"{fn}: channel must be a channel of the images, 0 to {channels - 1} "
                         f"(X[0] has shape {' × '.join(map(str, images[0].shape))}), got {channel}")
    shown = images[:limit]
    wrong = [predicted is not None and labels is not None and predicted[k] != labels[k]
             for k in range(len(shown))]
    notes = []
    if predicted is not None:
        notes.append(f"{sum(wrong)} of {len(shown)} predicted wrong (red: true → predicted)" if any(wrong)
                     else f"all {len(shown)} predicted right")
    if len(images) > len(shown):
        notes.append(f"the first {len(shown)} of {len(images)} images")
    if channels > 1:
        notes.append(f"channel {channel} of {channels}")
    title = "; ".join(notes)
    cols = min(cols, len(shown))
    rows = math.ceil(len(shown) / cols)
    fig, panels = new_panels(fig, rows, cols, (1.1, 1.3 if labels is not None else 1.1), title=title)
    lo, hi = grey_limits([image[channel] for image in shown])
    for k, (ax, image) in enumerate(zip(panels, shown, strict=False)):
        ax.imshow(image[channel], cmap=cmap, vmin=lo, vmax=hi, interpolation="nearest")
        bare_axes(ax)
        if labels is None:
            continue
        if predicted is not None and wrong[k]:
            ax.set_title(f"{labels[k]} → {predicted[k]}", color=WRONG_COLOR, fontsize=11, fontweight="bold")
            _mark_wrong(ax)
        else:
            ax.set_title(f"{labels[k]}", color=INK, fontsize=11)
    for ax in panels[len(shown):]:
        fig.delaxes(ax)
    if title:
        fig.suptitle(title, fontsize=12)
    return fig


# ---------------------------------------------------------------------------
# Convolutions: their kernels and what they make of an image
# ---------------------------------------------------------------------------


def _layer_name(conv: Conv2d) -> str:
    """'Conv2d(1, 4, kernel_size=3×3)', short for a title."""
    if isinstance(conv, Conv1d):
        return f"Conv1d({conv.in_channels}, {conv.out_channels}, kernel_size={conv.kernel_size[1]})"
    kh, kw = conv.kernel_size
    return f"Conv2d({conv.in_channels}, {conv.out_channels}, kernel_size={kh}×{kw})"


def _kernels(conv: Conv2d) -> np.ndarray:
    """The weights as an (out, in, kh, kw) array (a Conv1d's kernels one row high)."""
    if isinstance(conv, Conv1d):
        return np.array([[[[w.data for w in channel]] for channel in out] for out in conv.weight])
    return np.array([[[[w.data for w in row] for row in channel] for channel in out] for out in conv.weight])


def _checked_channels(fn: str, channels: object, conv: Conv2d) -> list[int]:
    """The output channels to draw: all for None, else each checked to be one of conv's."""
    if channels is None:
        return list(range(conv.out_channels))
    if isinstance(channels, (str, bytes)) or not isinstance(channels, Iterable):
        wrong_type(fn, "channels", "a list of output channels (e.g. range(8)) or None", channels)
    chosen = [whole_number(fn, f"channels[{k}]", c, minimum=0) for k, c in enumerate(channels)]
    for c in chosen:
        if c >= conv.out_channels:
            raise ValueError(f"{fn}: channels must be output channels of conv, 0 to "
                             f"{conv.out_channels - 1}, got {c}")
    if not chosen:
        raise ValueError(f"{fn}: channels is empty; name at least one output channel, e.g. [0]")
    return chosen


def _too_many(fn: str, count: int, limit: int, what: str) -> None:
    if count > limit:
        raise ValueError(
            f"{fn}: {count} {what} are too many to draw readably (at most {limit}); "
            f"draw some output channels at a time, e.g. channels=range(8)"
        )


def _short(x: float) -> str:
    """A weight written in a cell: 2 decimals, and no '-0.00'."""
    if x != x:
        return "nan"
    text = f"{x:.2f}"
    return "0" if text in ("0.00", "-0.00") else text


#: Weights are written in the cells of kernels of at most _NUMBERED_KERNEL weights
#: (5 × 5), when there are at most _NUMBERED_WEIGHTS of them in all (eight 5 × 5
#: kernels, twenty-two 3 × 3): more make a figure too wide to read on a slide.
_NUMBERED_KERNEL = 25
_NUMBERED_WEIGHTS = 200


def _write_weights(ax: Axes, kernel: np.ndarray, limit: float) -> None:
    """Each weight's value in its cell, white on dark cells."""
    size = 8 if max(kernel.shape) <= 3 else 6.5
    for (u, v), w in np.ndenumerate(kernel):
        dark = math.isfinite(w) and abs(w) > 0.6 * limit
        ax.text(v, u, _short(float(w)), ha="center", va="center", fontsize=size,
                color="white" if dark else INK)


def plot_kernels(
    conv: Conv2d,
    *,
    fig: Figure | SubFigure | None = None,
    channels: Sequence[int] | None = None,
    values: bool | None = None,
    ncols: int = 8,
    cmap: str = KERNEL_CMAP,
) -> Figure | SubFigure:
    """Every kernel of a Conv2d as a small heat map, in one colour scale centred on 0.

    A kernel is the weights `conv.weight[out][in]` one output channel's neuron
    applies to one input channel. All kernels share one diverging colour map
    with symmetric limits (±the largest |weight|): white is 0, blue positive,
    red negative, and the same colour means the same weight in every panel.
    The colour bar at the side reads them. A one-input-channel conv's kernels
    are laid out `ncols` to a row, titled "out o"; with several input channels,
    each row is one output channel and each column one input channel, titled
    "out o, in c". With `values` (by default for kernels of at most 5 × 5 and
    at most 200 weights in all) each weight is written in its cell. `channels` draws some
    output channels only (e.g. `range(8)`). A Conv1d's kernels are drawn one
    row high.

    `fig`: a Figure (or SubFigure) to draw in, or None for a new one. Returns
    it; `fig.axes` are the kernels (row by row), then the colour bar.

    Example:
        >>> from tinygrad_ann.nn import Conv2d
        >>> conv = Conv2d(1, 2, kernel_size=3, rng=0)
        >>> fig = plot_kernels(conv)
        >>> [ax.get_title() for ax in fig.axes[:-1]]
        ['out 0', 'out 1']
        >>> low, high = fig.axes[0].images[0].get_clim()
        >>> low == -high
        True
        >>> fig.savefig('kernels.png', dpi=150)          # doctest: +SKIP
    """
    fn = "plot_kernels"
    conv = checked_conv(fn, conv)
    fig = checked_figure(fn, fig)
    chosen = _checked_channels(fn, channels, conv)
    cols = whole_number(fn, "ncols", ncols, minimum=1)
    if values is not None and not isinstance(values, bool):
        wrong_type(fn, "values", "True, False or None (automatic)", values)
    weights = _kernels(conv)[chosen]
    n_out, n_in, kh, kw = weights.shape
    _too_many(fn, n_out * n_in, 256, "kernels")
    if values is None:
        values = kh * kw <= _NUMBERED_KERNEL and n_out * n_in * kh * kw <= _NUMBERED_WEIGHTS
    if n_in == 1:
        cols = min(cols, n_out)
        rows = math.ceil(n_out / cols)
        titles = [f"out {o}" for o in chosen]
    else:
        rows, cols = n_out, n_in
        titles = [f"out {o}, in {c}" for o in chosen for c in range(n_in)]
    cell = 0.42 if values else 0.25  # inches per weight: room for '-0.66' in 8 points
    title = f"kernels of {_layer_name(conv)}"
    panel = (max(0.8, cell * kw) + 0.1, max(0.3, cell * kh) + 0.35)  # and the panel's title
    fig, panels = new_panels(fig, rows, cols, panel, extra=0.9, title=title)
    limit = _symmetric_limit(weights)
    kernels = weights.reshape(n_out * n_in, kh, kw)
    for ax, kernel, name in zip(panels, kernels, titles, strict=False):
        ax.imshow(kernel, cmap=cmap, vmin=-limit, vmax=limit, interpolation="nearest")
        bare_axes(ax)
        ax.set_title(name, fontsize=10)
        if values:
            _write_weights(ax, kernel, limit)
    used = panels[: len(kernels)]
    for ax in panels[len(kernels):]:
        fig.delaxes(ax)
    _colour_bar(fig, used, limit, cmap, "weight", rows)
    fig.suptitle(title, fontsize=12)
    return fig


def _run(fn: str, conv: Conv2d, x: object) -> tuple[np.ndarray, np.ndarray]:
    """The input (in, rows, cols) and the output maps (out, rows, cols) of `conv` on `x`,
    under no_grad: a Conv1d's signals one row high. The input is checked first, so a
    wrong one is an error that names `fn`."""
    ndim = 1 if isinstance(conv, Conv1d) else 2
    if isinstance(x, np.ndarray):
        x = x.tolist()
    grid = as_grid(fn, x, conv.in_channels, ndim=ndim)
    pixels = _pixels(fn, "x", grid, ndim)
    with no_grad():  # to look at, not to train: no graph is kept
        out: Any = conv(grid)  # (a Conv1d's is out[channel][t])
    if ndim == 2:
        return pixels, np.array([[[v.data for v in row] for row in channel] for channel in out])
    # a Conv1d's signals, each channel one row high
    return pixels[:, None, :], np.array([[[v.data for v in channel]] for channel in out])


def plot_feature_maps(
    conv: Conv2d,
    x: Any,
    *,
    fig: Figure | SubFigure | None = None,
    channels: Sequence[int] | None = None,
    ncols: int = 6,
    cmap: str = KERNEL_CMAP,
) -> Figure | SubFigure:
    """What each kernel sees in one image: the image, and each output channel's map.

    The conv is run on `x` (one image `x[channel][row][col]`; a signal
    `x[channel][t]` for a Conv1d) under `no_grad()`, its activation included:
    the maps are exactly what the next layer reads. The first panels show the
    input, one per channel, in grey (ink dark); then one panel per output
    channel, titled "out o", all in one diverging colour map with symmetric
    limits (white 0, blue positive, red negative), read by the colour bar.
    A map is bright where its kernel matches the image. `channels` draws some
    output channels only (e.g. `range(8)`); `ncols` panels go to a row.

    `fig`: a Figure (or SubFigure) to draw in, or None for a new one. Returns
    it; `fig.axes` are the input's channels, the maps, then the colour bar.

    Example:
        >>> from tinygrad_ann.nn import Conv2d
        >>> conv = Conv2d(1, 3, kernel_size=3, activation='relu', rng=0)
        >>> image = [[[float(r == c) for c in range(6)] for r in range(6)]]   # a diagonal line
        >>> fig = plot_feature_maps(conv, image)
        >>> [ax.get_title() for ax in fig.axes[:-1]]
        ['input', 'out 0', 'out 1', 'out 2']
        >>> fig.axes[1].images[0].get_array().shape       # 6 × 6 in, 3 × 3 kernel: 4 × 4 out
        (4, 4)
        >>> fig.savefig('feature_maps.png', dpi=150)      # doctest: +SKIP
    """
    fn = "plot_feature_maps"
    conv = checked_conv(fn, conv)
    fig = checked_figure(fn, fig)
    chosen = _checked_channels(fn, channels, conv)
    cols = whole_number(fn, "ncols", ncols, minimum=1)
    pixels, maps = _run(fn, conv, x)
    maps = maps[chosen]
    n_in = pixels.shape[0]
    total = n_in + len(chosen)
    _too_many(fn, total, 128, "panels (input channels and maps)")
    cols = min(cols, total)
    rows = math.ceil(total / cols)
    formula = "w ∗ x + b" if conv.activation == "linear" else f"{conv.activation}(w ∗ x + b)"
    title = f"what each kernel of {_layer_name(conv)} sees: {formula}"
    signal = pixels.shape[1] == 1  # a Conv1d's: a strip, one row high
    fig, panels = new_panels(fig, rows, cols, (1.6, 0.8 if signal else 1.75), extra=0.9, title=title)
    lo, hi = grey_limits(list(pixels))
    for c in range(n_in):
        ax = panels[c]
        ax.imshow(pixels[c], cmap=IMAGE_CMAP, vmin=lo, vmax=hi, interpolation="nearest",
                  aspect="equal" if pixels.shape[1] > 1 else "auto")
        bare_axes(ax)
        ax.set_title("input" if n_in == 1 else f"input, channel {c}", fontsize=10)
    limit = _symmetric_limit(maps)
    for ax, channel, o in zip(panels[n_in:], maps, chosen, strict=False):
        ax.imshow(channel, cmap=cmap, vmin=-limit, vmax=limit, interpolation="nearest",
                          aspect="equal" if channel.shape[0] > 1 else "auto")
        bare_axes(ax)
        ax.set_title(f"out {o}", fontsize=10)
    used = panels[:total]
    for ax in panels[total:]:
        fig.delaxes(ax)
    _colour_bar(fig, used, limit, cmap, "output" if conv.activation == "linear"
                else f"{conv.activation} output", rows)
    fig.suptitle(title, fontsize=12)
    return fig
