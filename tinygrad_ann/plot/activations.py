"""Activation functions and their derivatives, both computed by the engine.

What does an activation look like, and what is its derivative? The forward
pass gives the curve, `backward()` at each point gives the derivative: the one
training uses, not a formula typed in here. `plot_activation(name)` draws one,
`plot_activations(names)` several side by side, and `activation_names()` lists
the names known (read from the engine's op catalogue).

Example:
    >>> ax = plot_activation('tanh')
    >>> ax.get_title(), len(ax.lines) >= 2
    ('tanh', True)
"""

from __future__ import annotations

import math
from typing import Callable, Sequence, cast

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from .._checks import is_number, number, whole_number, wrong_type, wrong_value
from ..engine import OPS, Value
from ..functional import value_and_grad
from ..nn.activations import Activation, identity
from .common import PALETTE

__all__ = ["activation_names", "plot_activation", "plot_activations"]

# Names that are not a Value method of the same name.
_SPECIAL: dict[str, tuple[Callable[[Value], Value], tuple[float, ...]]] = {
    "linear": (identity, ()),
    "abs": (abs, OPS["abs"].kinks),
}


def activation_names() -> list[str]:
    """The activation names `plot_activation` knows, read from the engine's op catalogue.

    Every one-input op that is a `Value` method (relu, tanh, sigmoid, exp, ...)
    plus 'linear' (the identity) and 'abs'. An op added to the engine shows up
    here without further edits.

    Example:
        >>> names = activation_names()
        >>> 'relu' in names and 'sigmoid' in names and 'linear' in names
        True
    """
    methods = [
        name for name, op in OPS.items()
        if op.arity == 1 and not name.startswith("_") and callable(getattr(Value, name, None))
    ]
    return sorted(set(methods) | set(_SPECIAL))


def _curve_function(fn: str, activation: Activation) -> tuple[str, Callable[[Value], Value], tuple[float, ...]]:
    """(display name, function Value -> Value, kinks) of the activation to draw,
    given by name or as a function."""
    if isinstance(activation, str):
        if activation in _SPECIAL:
            f, kinks = _SPECIAL[activation]
            return activation, f, kinks
        names = activation_names()
        if activation not in names:
            raise ValueError(
                f"{fn}: unknown activation {activation!r}; valid names are "
                f"{', '.join(names)} (or pass a function Value -> Value)"
            )
        method = getattr(Value, activation)
        return activation, lambda v: method(v), OPS[activation].kinks
    if callable(activation):
        name = getattr(activation, "__name__", "f")
        return ("f" if name == "<lambda>" else name), activation, ()
    wrong_type(fn, "activation", "a name or a function Value -> Value", activation)


def _value_and_derivative(f: Callable[[Value], Value], x: float) -> tuple[float, float]:
    """(f(x), f'(x)) by the engine: a forward pass, then backward(). nan outside f's domain."""
    try:
        y, dy = value_and_grad(f)(x)
    except (ValueError, ArithmeticError):  # e.g. log or sqrt of a negative number
        return math.nan, math.nan
    slope = cast(float, dy)  # one argument: one derivative, a float
    return y, (slope if math.isfinite(slope) else math.nan)


def _jumps(f: Callable[[Value], Value], k: float) -> tuple[bool, bool]:
    """Whether f and f' jump at k: compare them just left and just right of k."""
    (y0, d0), (y1, d1) = (_value_and_derivative(f, k + h) for h in (-1e-9, 1e-9))
    return not abs(y1 - y0) < 1e-6, not abs(d1 - d0) < 1e-6


def _draw_activation(
    ax: Axes,
    name: str,
    f: Callable[[Value], Value],
    kinks: tuple[float, ...],
    x_range: tuple[float, float],
    num: int,
    legend: bool,
) -> None:
    lo, hi = x_range
    inside = [k for k in kinks if lo < k < hi]
    # The kinks are sample points, so the engine's value right at a kink
    # (relu'(0) = 0, as in PyTorch) is what gets shown there.
    xs = np.union1d(np.linspace(lo, hi, num), inside)
    pairs = [_value_and_derivative(f, float(x)) for x in xs]
    ys = np.array([p[0] for p in pairs])
    ds = np.array([p[1] for p in pairs])

    ax.axhline(0.0, color="0.55", linewidth=0.8, zorder=0)
    ax.axvline(0.0, color="0.55", linewidth=0.8, zorder=0)
    curves = [
        (ys, f"{name}(x)", PALETTE[0], "-", 2.6),
        (ds, f"{name}'(x), by backward()", PALETTE[1], "--", 2.0),
    ]
    jumps = {k: _jumps(f, k) for k in inside}
    for index, (values, _, color, _, _) in enumerate(curves):
        for k in inside:
            if jumps[k][index]:
                # A jump: a dot for the value the engine takes at the kink itself,
                # and (below) a gap there instead of a vertical line. The dots are
                # drawn first so that the two curves are the last two lines.
                i = int(np.searchsorted(xs, k))
                ax.plot([k], [values[i]], "o", color=color, markersize=6, zorder=3)
                values[i] = math.nan
    for values, label, color, style, width in curves:
        ax.plot(xs, values, linestyle=style, color=color, linewidth=width, label=label)
    ax.set_xlim(lo, hi)
    limits = _y_limits(ys, ds)
    if limits is not None:
        ax.set_ylim(*limits)
    ax.set_xlabel("x", fontsize=11)
    ax.set_title(name, fontsize=13)
    ax.grid(True, alpha=0.3)
    if legend:
        ax.legend(loc="best", framealpha=0.9, fontsize=10)


def _y_limits(ys: np.ndarray, ds: np.ndarray) -> tuple[float, float] | None:
    """The y range for f and f' when f' shoots off, else None (matplotlib's own).

    A derivative that grows without bound (log's 1/x and sqrt's 1/(2 sqrt x)
    near 0) would squash the function into a flat line. So the range is f's,
    widened by f's own span above and below (at least 1), and f' is cut off
    where it leaves that.
    """
    f = ys[np.isfinite(ys)]
    both = np.concatenate([f, ds[np.isfinite(ds)]])
    if not f.size:
        return None
    span = max(float(f.max() - f.min()), 1.0)
    window = (float(f.min()) - span, float(f.max()) + span)
    if window[0] <= both.min() and both.max() <= window[1]:
        return None  # nothing is cut off
    low, high = max(window[0], float(both.min())), min(window[1], float(both.max()))
    margin = 0.05 * (high - low)
    return low - margin, high + margin


def _checked_x_range(fn: str, x_range: object) -> tuple[float, float]:
    """x_range as (low, high): two finite numbers with low < high."""
    pair = "a pair of numbers (low, high)"
    try:
        values = list(x_range)  # type: ignore[call-overload]
    except TypeError:
        wrong_type(fn, "x_range", pair, x_range)
    if not all(is_number(v) for v in values):
        wrong_type(fn, "x_range", pair, x_range)
    if len(values) != 2:
        wrong_value(fn, "x_range", pair, x_range)
    lo, hi = (number(fn, "x_range", v) for v in values)
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        wrong_value(fn, "x_range", "finite with low < high", x_range)
    return lo, hi


def plot_activation(
    activation: Activation,
    ax: Axes | None = None,
    x_range: tuple[float, float] = (-4.0, 4.0),
    *,
    num: int = 401,
) -> Axes:
    """An activation function and its derivative, both computed by the engine.

    At each of `num` points x in `x_range`, a forward pass gives f(x) (solid)
    and `backward()` gives f'(x) (dashed): the derivative is the one training
    uses, not a formula typed in here. `activation` is a name from
    `activation_names()` ('relu', 'tanh', 'sigmoid', 'leaky_relu', 'softplus',
    'step', 'linear', 'exp', 'sin', ...) or a function Value -> Value, e.g.
    `lambda v: v.leaky_relu(0.2)`. Where a curve jumps (step at 0, relu' at 0)
    it has a gap, and a dot shows the engine's value at the jump. Points outside
    the function's domain (log of a negative number) are left blank. Where the
    derivative shoots off (log and sqrt near 0) it is cut off at the top or
    bottom, so that the function keeps its shape.

    Returns the Axes drawn on (a new figure's when `ax` is None; the figure is
    `ax.figure`). The two curves are `ax.lines[-2]` (f) and `ax.lines[-1]` (f').

    Example:
        >>> ax = plot_activation('sigmoid')
        >>> ax.get_legend_handles_labels()[1]
        ['sigmoid(x)', "sigmoid'(x), by backward()"]
        >>> plot_activation('relux')                     # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: plot_activation: unknown activation 'relux'; valid names are abs, cos, exp, ...
    """
    fn = "plot_activation"
    name, f, kinks = _curve_function(fn, activation)
    lo_hi = _checked_x_range(fn, x_range)
    n = whole_number(fn, "num", num, minimum=2)
    if ax is None:
        _, ax = plt.subplots(figsize=(6.0, 4.2), layout="constrained")
    _draw_activation(ax, name, f, kinks, lo_hi, n, legend=True)
    return ax


def plot_activations(
    activations: Sequence[Activation] = ("step", "sigmoid", "tanh", "relu", "leaky_relu", "softplus"),
    x_range: tuple[float, float] = (-4.0, 4.0),
    *,
    ncols: int = 3,
    num: int = 401,
) -> Figure:
    """Several activations and their derivatives, one panel each, in a grid.

    Each panel is `plot_activation(...)`'s picture: the function solid, its
    derivative from `backward()` dashed, in the same colours in every panel.
    Returns the Figure; `fig.axes` are the panels in the order given.

    Example:
        >>> fig = plot_activations(['sigmoid', 'tanh', 'relu'], ncols=3)
        >>> [ax.get_title() for ax in fig.axes]
        ['sigmoid', 'tanh', 'relu']
        >>> fig.savefig('activations.png', dpi=150)     # doctest: +SKIP
    """
    fn = "plot_activations"
    if isinstance(activations, str) or callable(activations):
        activations = [activations]
    if not hasattr(activations, "__iter__"):
        wrong_type(fn, "activations", "a list of activation names or functions", activations)
    resolved = [_curve_function(fn, a) for a in activations]
    if not resolved:
        raise ValueError(f"{fn}: activations is empty; name at least one, e.g. ['relu']")
    cols = whole_number(fn, "ncols", ncols, minimum=1)
    lo_hi = _checked_x_range(fn, x_range)
    n = whole_number(fn, "num", num, minimum=2)
    cols = min(cols, len(resolved))
    rows = -(-len(resolved) // cols)  # ceiling division
    fig, grid = plt.subplots(
        rows, cols, figsize=(4.2 * cols, 3.4 * rows), layout="constrained", squeeze=False
    )
    panels = list(grid.ravel())
    for ax, (name, f, kinks) in zip(panels, resolved, strict=False):  # spare panels are removed below
        _draw_activation(ax, name, f, kinks, lo_hi, n, legend=False)
    for ax in panels[len(resolved):]:
        fig.delaxes(ax)
    handles = [
        Line2D([], [], color=PALETTE[0], linewidth=2.6, label="activation f(x)"),
        Line2D([], [], color=PALETTE[1], linewidth=2.0, linestyle="--",
               label="derivative f'(x), by backward()"),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncols=2, fontsize=11, frameon=False)
    return fig
