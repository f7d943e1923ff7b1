"""Learning curves: did training work? Loss (and accuracy) per epoch.

`plot_history(fit(...))` draws the history `train.fit` returns: the training
and validation loss on one Axes and, when there is accuracy, the accuracies on
a second.

Example:
    >>> axes = plot_history({'loss': [0.9, 0.5, 0.3]})
    >>> [ax.get_title() for ax in axes]
    ['loss']
"""

from __future__ import annotations

import math
from typing import Any, Mapping, Sequence

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator, PercentFormatter

from .._checks import wrong_type
from .._types import Number
from .common import PALETTE, plain_number

__all__ = ["plot_history"]

# The keys plot_history draws, with their legend text, colour and line style.
_CURVES = {
    "loss": ("training", PALETTE[0], "-"),
    "val_loss": ("validation", PALETTE[1], "--"),
    "accuracy": ("training", PALETTE[0], "-"),
    "val_accuracy": ("validation", PALETTE[1], "--"),
}


def _history_curves(fn: str, history: object) -> dict[str, list[float]]:
    """The per-epoch lists in `history` (a dict, a `.history` dict, or attributes)."""
    if isinstance(history, Mapping):
        source: Mapping[str, Any] = history
    elif isinstance(getattr(history, "history", None), Mapping):
        source = history.history  # type: ignore[attr-defined]
    elif hasattr(history, "loss"):
        source = {k: getattr(history, k) for k in _CURVES if getattr(history, k, None) is not None}
    else:
        wrong_type(fn, "history", "a dict of per-epoch lists with key 'loss' (optionally "
                   "'accuracy', 'val_loss', 'val_accuracy')", history)
    curves = {}
    for key in _CURVES:
        values = source.get(key)
        if values is None:
            continue
        if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
            wrong_type(fn, f"history[{key!r}]", "a list of numbers (one per epoch)", values)
        curves[key] = [plain_number(fn, f"history[{key!r}][{i}]", v) for i, v in enumerate(values)]
    if not curves.get("loss"):
        raise ValueError(
            f"{fn}: history has no 'loss' values to plot (keys: {sorted(source)!r}, "
            f"loss: {source.get('loss')!r}); train for at least one epoch first"
        )
    return curves


def _axes_for(fn: str, axes: Axes | Sequence[Axes] | None, panels: list[str]) -> list[Axes]:
    """One Axes per panel: those given (checked), or a new figure's side by side."""
    if axes is None:
        width = 5.5 * len(panels)
        _, made = plt.subplots(1, len(panels), figsize=(width, 4.0), layout="constrained", squeeze=False)
        return list(made[0])
    needed = f"{len(panels)} Axes, one for each of {' and '.join(panels)}"
    given = [axes] if isinstance(axes, Axes) else axes
    if isinstance(given, (str, bytes)) or not hasattr(given, "__iter__"):
        wrong_type(fn, "axes", needed, axes)
    ax_list = list(given)
    if not all(isinstance(a, Axes) for a in ax_list):
        wrong_type(fn, "axes", needed, axes)
    if len(ax_list) < len(panels):
        raise ValueError(
            f"{fn}: history has {' and '.join(panels)}, so it needs {len(panels)} "
            f"Axes; got {axes!r}"
        )
    return ax_list[: len(panels)]


def _draw_panel(ax: Axes, panel: str, curves: dict[str, list[float]], logy: bool) -> None:
    """The training and validation curve of `panel` ('loss' or 'accuracy') on `ax`."""
    for key in (panel, "val_" + panel):
        values = curves.get(key)
        if not values:
            continue
        name, color, style = _CURVES[key]
        epochs = range(1, len(values) + 1)
        ax.plot(
            epochs, values, linestyle=style, color=color, linewidth=2.0,
            marker="o" if len(values) <= 30 else None, markersize=4, label=name,
        )
    ax.set_xlabel("epoch", fontsize=11)
    ax.set_ylabel(panel, fontsize=11)
    ax.set_title(panel, fontsize=12)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(True, alpha=0.3)
    if panel == "loss" and logy:
        ax.set_yscale("log")
    if panel == "accuracy":
        values = curves.get("accuracy", []) + curves.get("val_accuracy", [])
        if all(0.0 <= v <= 1.0 for v in values if not math.isnan(v)):
            ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0))
    ax.legend(loc="best", framealpha=0.9)


def plot_history(
    history: Mapping[str, Sequence[Number]] | Any,
    axes: Axes | Sequence[Axes] | None = None,
    *,
    logy: bool = False,
) -> list[Axes]:
    """Loss and accuracy per epoch, training and validation, as learning curves.

    `history` is a dict of lists with one number per epoch: 'loss' (required)
    and optionally 'val_loss', 'accuracy', 'val_accuracy'; other keys are
    ignored. An object with a `.history` dict, or with those names as
    attributes, works too. Losses go on one Axes and, when there is accuracy,
    accuracies on a second. Epochs are numbered from 1. `logy=True` puts the loss
    on a log scale, where late, slow progress is easier to see.

    `axes`: None for a new figure, or the Axes to draw on (one Axes when there
    is no accuracy, two otherwise). Returns the list of Axes drawn on: [loss] or
    [loss, accuracy]; the figure is `axes[0].figure`.

    Example:
        >>> history = {'loss': [0.9, 0.5, 0.3], 'accuracy': [0.6, 0.8, 0.9]}
        >>> loss_ax, acc_ax = plot_history(history)
        >>> loss_ax.lines[0].get_ydata().tolist()
        [0.9, 0.5, 0.3]
        >>> loss_ax.figure.savefig('history.png')        # doctest: +SKIP
    """
    fn = "plot_history"
    curves = _history_curves(fn, history)
    panels = ["loss"] + (["accuracy"] if curves.get("accuracy") or curves.get("val_accuracy") else [])
    ax_list = _axes_for(fn, axes, panels)
    for ax, panel in zip(ax_list, panels, strict=True):
        _draw_panel(ax, panel, curves, logy)
    return ax_list
