"""Recurrent networks over time: how far back a gradient reaches, and what the gates do.

- `plot_gradient_flow(layers, xs)`: run each recurrent layer on the sequence
  xs, call `backward()` from a loss on the last step (by default the sum of its
  outputs), and plot the size of the gradient each earlier hidden state
  receives, ‖∂loss/∂h_t‖, against t on a log scale. A plain tanh `RNN`'s
  shrinks by a factor at every step back (the vanishing gradient). A GRU's
  falls more slowly; an LSTM's at PyTorch's starting weights falls about as
  fast as the RNN's (its forget gates sit near 0.5) and much more slowly once
  the forget gate starts open (its bias near 1 or 2).
- `plot_gates(lstm_or_gru, xs)`: an LSTM's or GRU's gates at every step of xs
  as heat maps, one panel per gate: time across, hidden unit down. Sigmoid
  gates (i, f, o; r, z) on a scale from 0 (closed) to 1 (open), the tanh
  candidates (g; n) from -1 to 1.

A sequence `xs` is a list of time steps, each a list of `input_size` numbers
(`datasets.make_time_series` and `make_remember_first` make them).

Example:
    >>> from tinygrad_ann.nn import LSTM, RNN
    >>> xs = [[0.5], [-1.0], [0.3], [0.8]]
    >>> ax = plot_gradient_flow({'RNN': RNN(1, 4, rng=0), 'LSTM': LSTM(1, 4, rng=0)}, xs)
    >>> [line.get_label() for line in ax.lines], ax.get_yscale()
    (['RNN', 'LSTM'], 'log')
    >>> fig = plot_gates(LSTM(1, 4, rng=0), xs)
    >>> [ax.get_title() for ax in fig.axes[:4]]         # the panels, then their colour bars
    ['input gate i', 'forget gate f', 'candidate g (tanh)', 'output gate o']
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure, SubFigure
from matplotlib.ticker import MaxNLocator

from .._checks import got, wrong_type, wrong_value
from ..engine import Value, enable_grad, no_grad
from .common import PALETTE, plain_number

__all__ = ["plot_gradient_flow", "plot_gates", "gradient_norms", "gate_activations", "GATE_NAMES", "GATE_CMAP"]

#: How each gate is called in a panel's title (PyTorch's letters).
GATE_NAMES: dict[str, str] = {
    "i": "input gate i", "f": "forget gate f", "g": "candidate g (tanh)", "o": "output gate o",
    "r": "reset gate r", "z": "update gate z", "n": "candidate n (tanh)",
}
#: The colour maps of the gates: sequential for a sigmoid (0 closed .. 1 open),
#: diverging, white at 0, for a tanh candidate (-1 .. 1), as the kernels' are.
GATE_CMAP = "viridis"
_TANH_CMAP = "RdBu"
_TANH_GATES = frozenset({"g", "n"})
_STYLES = ("-", "--", "-.", ":")
_MARKERS = ("o", "s", "^", "D", "v", "P", "X")


# ---------------------------------------------------------------------------
# Reading the arguments
# ---------------------------------------------------------------------------


def _sequence(fn: str, xs: object, width: int | None) -> list[list[float]]:
    """xs as a list of time steps of `width` floats (any width when None); errors name fn."""
    what = "a sequence: a list of time steps, each a list of numbers"
    if isinstance(xs, (str, bytes)) or not isinstance(xs, Sequence):
        wrong_type(fn, "xs", what, xs)
    if len(xs) == 0:
        wrong_value(fn, "xs", "a sequence of at least one time step", xs)
    steps = []
    for t, x in enumerate(xs):
        if isinstance(x, (str, bytes)) or not isinstance(x, Sequence):
            wrong_type(fn, f"xs[{t}]", "a time step: a list of numbers", x)
        if width is not None and len(x) != width:
            raise ValueError(
                f"{fn}: xs[{t}] has {len(x)} number{'s' * (len(x) != 1)}, but the network reads "
                f"{width} at each step (input_size={width})"
            )
        steps.append([plain_number(fn, f"xs[{t}][{i}]", v, finite=True) for i, v in enumerate(x)])
    width = len(steps[0])
    for t, x in enumerate(steps):
        if len(x) != width:
            raise ValueError(f"{fn}: every step of xs must have as many numbers as xs[0] ({width}), "
                             f"but xs[{t}] has {len(x)}")
    return steps


def _input_size(model: Any) -> int | None:
    size = getattr(model, "input_size", None)
    return size if isinstance(size, int) else None


def _layers(fn: str, layers: object) -> dict[str, Any]:
    """`layers` as {label: layer}: a dict as it is, one layer under its class's name."""
    if isinstance(layers, Mapping):
        if not layers:
            wrong_value(fn, "layers", "a dict of at least one label -> recurrent layer", layers)
        return {str(label): layer for label, layer in layers.items()}
    return {type(layers).__name__: layers}


def _h(fn: str, name: str, h: object) -> list[Value]:
    """One time step's output as a list of Values (one Value alone as [it])."""
    if isinstance(h, Value):
        return [h]
    if isinstance(h, Sequence) and all(isinstance(v, Value) for v in h):
        return list(h)
    wrong_type(fn, name, "a hidden state: a list of Values", h)


# ---------------------------------------------------------------------------
# plot_gradient_flow
# ---------------------------------------------------------------------------


def _sum_of_last(outputs: list[list[Value]]) -> Value:
    """The default loss: the sum of the last step's outputs."""
    total = outputs[-1][0]
    for v in outputs[-1][1:]:
        total = total + v
    return total


def gradient_norms(
    layer: Any, xs: Sequence[Sequence[float]],
    loss: Callable[[list[list[Value]]], Value] | None = None,
    *, fn: str = "gradient_norms", name: str = "layer",
) -> list[float]:
    """‖∂loss/∂h_t‖ for every step t of xs: what `plot_gradient_flow` draws for one layer.

    Runs `outputs, _ = layer(xs)`, calls `backward()` from `loss(outputs)` (by
    default the sum of the last step's outputs) and returns the L2 norm of
    `[v.grad for v in outputs[t]]` for each t. The layer's parameters keep the
    grads they had before: this looks at the gradient, it does not train.

    Example:
        >>> from tinygrad_ann.nn import RNN
        >>> norms = gradient_norms(RNN(1, 3, rng=0), [[1.0], [0.0], [0.0]])
        >>> len(norms), norms[-1] == 3 ** 0.5           # d(h1 + h2 + h3)/dh_last = (1, 1, 1)
        (3, True)
    """
    steps = _sequence(fn, xs, _input_size(layer))
    if not callable(layer) or (hasattr(layer, "weight_ih") and not hasattr(layer, "cells")):
        cell = " (a cell does one step; a layer runs it over a sequence)" if callable(layer) else ""
        wrong_type(fn, name, f"a recurrent layer (an RNN, LSTM or GRU){cell}", layer)
    params = list(layer.parameters()) if hasattr(layer, "parameters") else []
    saved = [p.grad for p in params]
    try:
        with enable_grad():  # (inside no_grad() too: the norms need the graph)
            result = layer(steps)
            if not (isinstance(result, tuple) and len(result) == 2 and isinstance(result[0], Sequence)
                    and len(result[0]) == len(steps)):
                raise TypeError(f"{fn}: {name} must be a recurrent layer that returns (outputs, state), one "
                                f"output per step of xs ({len(steps)}), like RNN, LSTM and GRU; got "
                                f"{got(result)} from {type(layer).__name__}")
            outputs = [_h(fn, f"the output of {name} at step {t}", h) for t, h in enumerate(result[0])]
            root = (loss or _sum_of_last)(outputs)
            if not isinstance(root, Value):
                wrong_type(fn, "loss", "a function of the outputs that returns one Value", root)
            root.backward()
        return [math.sqrt(sum(v.grad * v.grad for v in h)) for h in outputs]
    finally:
        for p, g in zip(params, saved, strict=True):
            p.grad = g


def plot_gradient_flow(
    layers: Any,
    xs: Sequence[Sequence[float]],
    *,
    loss: Callable[[list[list[Value]]], Value] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """How large a gradient reaches each time step: ‖∂loss/∂h_t‖ against t, on a log scale.

    `layers` is a dict label -> recurrent layer (an `RNN`, `LSTM` or `GRU`), or
    one layer (labelled by its class). Each is run on the sequence `xs` (a list
    of time steps, each a list of `input_size` numbers), `backward()` is called
    from `loss(outputs)` (by default the sum of the last step's outputs), and
    one line per layer shows the L2 norm of the gradient that arrived at each
    hidden state h_t (`[v.grad for v in outputs[t]]`). The loss sits at the
    last step; read the lines from right to left to follow the gradient back
    in time. A tanh RNN's line falls steeply (the vanishing gradient), a
    GRU's more slowly, an LSTM's slowly once its forget gate starts open. A norm of exactly 0 cannot be drawn on a log
    scale and is left out of its line (a gap). The layers' parameters keep
    the grads they had.

    `ax`: the Axes to draw on, or None for a new figure. Returns the Axes;
    `ax.lines[k].get_ydata()` are the norms of the k-th layer.

    Example:
        >>> from tinygrad_ann.nn import GRU, RNN
        >>> xs = [[0.1], [0.2], [0.3]]
        >>> ax = plot_gradient_flow({'RNN': RNN(1, 3, rng=0), 'GRU': GRU(1, 3, rng=0)}, xs)
        >>> len(ax.lines[0].get_ydata()), ax.get_xlabel()
        (3, 'time step t')
        >>> ax.figure.savefig('gradient_flow.png', dpi=150)        # doctest: +SKIP
    """
    fn = "plot_gradient_flow"
    if ax is not None and not isinstance(ax, Axes):
        wrong_type(fn, "ax", "a matplotlib Axes to draw on, or None for a new figure", ax)
    if loss is not None and not callable(loss):
        wrong_type(fn, "loss", "a function of the outputs (a list over time of lists of Values) "
                   "that returns one Value, or None for the sum of the last outputs", loss)
    named = _layers(fn, layers)
    norms = {label: gradient_norms(layer, xs, loss, fn=fn, name=f"layers[{label!r}]")
             for label, layer in named.items()}
    if ax is None:
        steps = len(next(iter(norms.values())))
        _, ax = plt.subplots(figsize=(min(10.0, 5.0 + 0.15 * steps), 4.0), layout="constrained")
    many = max(len(n) for n in norms.values()) > 30
    for k, (label, values) in enumerate(norms.items()):
        shown = [v if v > 0 and math.isfinite(v) else math.nan for v in values]
        ax.plot(range(1, len(values) + 1), shown, label=label, color=PALETTE[k % len(PALETTE)],
                linestyle=_STYLES[k % len(_STYLES)], linewidth=2.0,
                marker=None if many else _MARKERS[k % len(_MARKERS)], markersize=4)
    ax.set_yscale("log")
    ax.set_xlabel("time step t", fontsize=11)
    ax.set_ylabel(r"$\|\partial\,\mathrm{loss} / \partial h_t\|$", fontsize=12)
    ax.set_title("gradient reaching each step from a loss at the last", fontsize=12)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(loc="best", framealpha=0.9)
    return ax


# ---------------------------------------------------------------------------
# plot_gates
# ---------------------------------------------------------------------------


def _gated_cell(fn: str, model: object) -> Any:
    """The cell whose gates are drawn: `model` itself, or a layer's first cell."""
    cells = getattr(model, "cells", None)
    cell = cells[0] if isinstance(cells, Sequence) and len(cells) > 0 else model
    if not callable(getattr(cell, "gates", None)):
        plain = "RNN" in type(cell).__name__
        why = ("; a plain RNN has no gates: its h_t = tanh(W_ih x_t + b_ih + W_hh h_(t-1) + b_hh) "
               "is all there is" if plain else "")
        raise TypeError(f"{fn}: cell_or_layer must be an LSTM or a GRU (a layer or a cell, with "
                        f"gates()), got {got(model)}{why}")
    return cell


def gate_activations(cell_or_layer: Any, xs: Sequence[Sequence[float]],
                     *, fn: str = "gate_activations") -> dict[str, list[list[float]]]:
    """Every gate's values at every step of xs: {gate: values[unit][t]} (what `plot_gates` draws).

    Steps through xs with the (first) cell: at each step `cell.gates(x, state)`
    gives the gates, and `cell(x, state)` the next state. Nothing is recorded
    for backward (no_grad).

    Example:
        >>> from tinygrad_ann.nn import GRU
        >>> gates = gate_activations(GRU(2, 3, rng=0), [[1.0, 0.0], [0.0, 1.0]])
        >>> sorted(gates), len(gates['z']), len(gates['z'][0])     # 3 units, 2 steps
        (['n', 'r', 'z'], 3, 2)
    """
    cell = _gated_cell(fn, cell_or_layer)
    steps = _sequence(fn, xs, _input_size(cell))
    per_step: list[dict[str, list[float]]] = []
    state = None
    with no_grad():
        for x in steps:
            gates = cell.gates(x, state)
            per_step.append({name: [plain_number(fn, f"gate {name}", v) for v in values]
                             for name, values in gates.items()})
            state = cell(x, state)
    return {name: [[step[name][j] for step in per_step] for j in range(len(values))]
            for name, values in per_step[0].items()}


def plot_gates(
    cell_or_layer: Any,
    xs: Sequence[Sequence[float]],
    *,
    fig: Figure | SubFigure | None = None,
) -> Figure | SubFigure:
    """An LSTM's or GRU's gates over a sequence as heat maps: one panel per gate.

    `cell_or_layer` is an `LSTMCell` or `GRUCell`, or an `LSTM` or `GRU`
    layer (its first layer's cell is drawn). It is stepped through `xs` (a list
    of time steps, each a list of `input_size` numbers) from a zero state. Each
    panel is one gate, time step t across (from 1), hidden unit down: a
    sigmoid gate on a scale from 0 (closed) to 1 (open), the tanh candidate
    (LSTM's g, GRU's n) from -1 to 1, each panel with its colour bar. Read a
    forget gate f near 1 as "keep the cell state", an update gate z near 1 as
    "keep the old h". A plain RNN has no gates: passing one is a TypeError.

    `fig`: a Figure (or SubFigure) to draw in, or None for a new one. Returns
    it; `fig.axes` are the gates' panels in order, then their colour bars, and
    `fig.axes[k].images[0].get_array()` the values of gate k, [unit][t].

    Example:
        >>> from tinygrad_ann.nn import LSTMCell
        >>> fig = plot_gates(LSTMCell(1, 3, rng=0), [[1.0], [0.0], [-1.0]])
        >>> fig.axes[0].get_title(), fig.axes[0].images[0].get_clim()
        ('input gate i', (0.0, 1.0))
        >>> fig.savefig('gates.png', dpi=150)                # doctest: +SKIP
    """
    fn = "plot_gates"
    if fig is not None and not isinstance(fig, (Figure, SubFigure)):
        wrong_type(fn, "fig", "a matplotlib Figure (or SubFigure) to draw in, or None for a new one", fig)
    gates = gate_activations(cell_or_layer, xs, fn=fn)
    n_steps = len(next(iter(gates.values()))[0])
    n_units = len(next(iter(gates.values())))
    if fig is None:
        width = min(12.0, max(5.0, 2.0 + 0.25 * n_steps))
        fig = plt.figure(figsize=(width, len(gates) * (0.7 + min(0.15 * n_units, 1.6)) + 0.4),
                         layout="constrained")
    panels = fig.subplots(len(gates), 1, squeeze=False, sharex=True)[:, 0]
    for ax, (name, values) in zip(panels, gates.items(), strict=True):
        array = np.array(values, dtype=float)
        tanh = name in _TANH_GATES or bool(np.nanmin(array) < 0)
        low, cmap = (-1.0, _TANH_CMAP) if tanh else (0.0, GATE_CMAP)
        image = ax.imshow(array, aspect="auto", cmap=cmap, vmin=low, vmax=1.0, interpolation="nearest",
                          extent=(0.5, n_steps + 0.5, n_units - 0.5, -0.5))
        ax.set_title(GATE_NAMES.get(name, f"gate {name}"), fontsize=11)
        ax.set_ylabel("unit", fontsize=10)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=min(n_units, 6)))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        colorbar = fig.colorbar(image, ax=ax, aspect=8, pad=0.01)
        colorbar.set_ticks([-1.0, 0.0, 1.0] if tanh else [0.0, 0.5, 1.0])
    panels[-1].set_xlabel("time step t", fontsize=11)
    return fig
