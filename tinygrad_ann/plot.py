"""Pictures of what a network does: decision regions, training curves, activations.

Three questions a learner asks, one plot each:

- `plot_decision_boundary(model, X, y)`: where does a 2-D classifier say which
  class? It colours the plane by the model's prediction and draws the data on
  top. `decision_grid(...)` is the same computation without the drawing: the
  grid of predictions, to inspect or test.
- `plot_history(history)`: did training work? Loss (and accuracy) per epoch.
- `plot_activation(name)`: what does an activation look like, and what is its
  derivative? Both curves are computed by the engine itself: the forward pass
  gives the curve, `backward()` at each point gives the derivative.
  `plot_activations(names)` draws several side by side.

Every function draws on the Axes you pass (`ax=...`) or on a new figure, and
returns what it drew on so you can style it further (`ax.set_title(...)`,
`ax.figure.savefig(...)`). The colours are the Okabe-Ito palette, which reads
the same to colour-blind viewers; classes also differ by marker shape.

This module is the only one that imports matplotlib (`import tinygrad_ann`
does not), so the engine works without it.

Example:
    >>> from tinygrad_ann import Value
    >>> X, y = [[0.0, 1.0], [1.0, 0.0]], [0, 1]
    >>> model = lambda x: Value(x[0]) - Value(x[1])    # class 1 where x1 > x2
    >>> ax = plot_decision_boundary(model, X, y, resolution=20)
    >>> ax.get_title()
    'accuracy 100% on 2 points'
    >>> ax.figure.savefig('boundary.png')               # doctest: +SKIP
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Real
from typing import Any, Callable, Hashable, Mapping, Sequence, Union

try:
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.ticker import MaxNLocator, PercentFormatter
except ImportError as e:  # pragma: no cover - matplotlib is a declared dependency
    raise ImportError(
        "tinygrad_ann.plot needs matplotlib: pip install matplotlib "
        "(the rest of tinygrad_ann works without it)"
    ) from e

from .engine import OPS, Value, no_grad
from .functional import value_and_grad
from .train import _default_threshold

__all__ = [
    "plot_decision_boundary",
    "decision_grid",
    "DecisionGrid",
    "plot_history",
    "plot_activation",
    "plot_activations",
    "activation_names",
    "PALETTE",
    "DEFAULT_RESOLUTION",
]

Number = Union[int, float]
Label = Hashable
Model = Callable[[list], Any]
Activation = Union[str, Callable[[Value], Value]]

#: Okabe-Ito colours (blue, vermillion, bluish green, reddish purple, orange,
#: sky blue, yellow): distinguishable with every common kind of colour blindness.
PALETTE: tuple[str, ...] = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#F0E442",
)
# Classes differ by shape as well as colour, so the picture survives greyscale.
_MARKERS = ("o", "s", "^", "D", "v", "P", "X")
_BOUNDARY_COLOR = "#222222"

#: Grid points per side for decision regions. The model is run once per grid
#: point: 40 x 40 = 1600 forward passes. An MLP(2, [16, 16, 1]) (micrograd's
#: demo model) takes 0.07-0.2 ms per forward pass under no_grad (measured on a
#: quiet and on a busy shared machine), so 0.1-0.35 s for the grid. The regions' edges are
#: interpolated between grid points (see plot_decision_boundary), so a finer
#: grid draws the same picture for such models, at resolution^2 the cost.
DEFAULT_RESOLUTION = 40


# ---------------------------------------------------------------------------
# Checking inputs: every error names the function and the value it got.
# ---------------------------------------------------------------------------


def _number(fn: str, what: str, v: object, finite: bool = False) -> float:
    """`v` (a number or a Value) as a float, or a ValueError naming `fn` and `what`.

    With `finite=True`, nan and infinities are a ValueError too.
    """
    if isinstance(v, Value):
        x = v.data
    elif isinstance(v, Real):
        x = float(v)
    else:
        raise ValueError(f"{fn}: {what} must be a number, got {type(v).__name__}: {v!r}")
    if finite and not math.isfinite(x):
        raise ValueError(f"{fn}: {what} is {x}; it must be a finite number")
    return x


def _label(fn: str, i: int, v: object) -> Label:
    """A class label as given in y, tidied: Values unwrapped, 1.0 -> 1."""
    if isinstance(v, Value):
        v = v.data
    if isinstance(v, Real):
        f = float(v)
        return int(f) if f.is_integer() else f
    try:
        hash(v)
    except TypeError:
        raise ValueError(
            f"{fn}: y[{i}] must be a class label (a number), got {type(v).__name__}: {v!r}"
        ) from None
    return v


def _points(fn: str, X: object) -> list[list[float]]:
    """X as a list of [x1, x2] rows of finite floats, or a ValueError saying what is wrong.

    Everything is checked before any work, so a bad point fails at once, naming it.
    """
    if isinstance(X, (str, bytes)):
        raise ValueError(
            f"{fn}: X must be a list of 2-D points [x1, x2], got {type(X).__name__}: {X!r}"
        )
    try:
        rows = list(X)  # type: ignore[call-overload]
    except TypeError:
        raise ValueError(
            f"{fn}: X must be a list of 2-D points [x1, x2], got {type(X).__name__}: {X!r}"
        ) from None
    if not rows:
        raise ValueError(f"{fn}: X is empty; it needs at least one 2-D point [x1, x2]")
    points = []
    for i, row in enumerate(rows):
        if isinstance(row, (str, bytes)):
            raise ValueError(
                f"{fn}: X must hold 2-D points [x1, x2], but X[{i}] is a "
                f"{type(row).__name__}: {row!r}"
            )
        try:
            r = list(row)
        except TypeError:
            r = None
        if r is None or len(r) != 2:
            size = "a single number" if r is None else f"{len(r)} number{'s' * (len(r) != 1)}"
            raise ValueError(
                f"{fn}: X must hold 2-D points [x1, x2] (the plane is drawn in two "
                f"input features), but X[{i}] is {size}: {row!r}"
            )
        points.append([_number(fn, f"X[{i}][{j}]", v, finite=True) for j, v in enumerate(r)])
    return points


def _labels(fn: str, y: object, n: int) -> list[Label]:
    """y as a list of n tidied labels, or a ValueError (wrong length, not labels)."""
    try:
        labels = list(y)  # type: ignore[call-overload]
    except TypeError:
        raise ValueError(
            f"{fn}: y must be a list of class labels, got {type(y).__name__}: {y!r}"
        ) from None
    if len(labels) != n:
        raise ValueError(
            f"{fn}: X has {n} points but y has {len(labels)} labels; they must match"
        )
    return [_label(fn, i, v) for i, v in enumerate(labels)]


def _resolution(fn: str, resolution: object) -> int:
    if isinstance(resolution, bool) or not isinstance(resolution, int) or resolution < 2:
        raise ValueError(
            f"{fn}: resolution must be an int >= 2 (grid points per side), got {resolution!r}"
        )
    return resolution


# ---------------------------------------------------------------------------
# Decision regions
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionGrid:
    """A classifier's predictions on a grid over the plane: what the regions show.

    Fields:
        xs         (resolution,) first-feature coordinates: the grid's columns
        ys         (resolution,) second-feature coordinates: the grid's rows
        scores     the model's outputs at each grid point: shape (rows, cols) for a
                   binary model (one score), (rows, cols, k) for k class scores
        labels     (rows, cols) the predicted label at each grid point; the point
                   (xs[j], ys[i]) is labels[i, j]
        classes    the labels in the model's output order: for a binary model
                   (negative, positive) such as (0, 1) or (-1, 1), for k outputs
                   the label that output i stands for
        threshold  a binary model predicts classes[1] where score > threshold
                   (0.5 or 0.0 when not given: see `decision_grid`)

    Example:
        >>> from tinygrad_ann import Value
        >>> grid = decision_grid(lambda x: Value(x[0]) - Value(x[1]),
        ...                      [[0.0, 0.0], [1.0, 1.0]], resolution=11)
        >>> grid.binary, grid.classes, grid.labels.shape
        (True, (0, 1), (11, 11))
        >>> grid.label_at(1.0, 0.0), grid.label_at(0.0, 1.0)
        (1, 0)
    """

    xs: np.ndarray
    ys: np.ndarray
    scores: np.ndarray
    labels: np.ndarray
    classes: tuple[Label, ...]
    threshold: float = 0.0

    @property
    def binary(self) -> bool:
        """True for a model with one output score (two classes split by the threshold)."""
        return self.scores.ndim == 2

    def label_at(self, x1: float, x2: float) -> Label:
        """The predicted label at the grid point nearest to (x1, x2).

        Example:
            >>> from tinygrad_ann import Value
            >>> grid = decision_grid(lambda x: Value(x[1]), [[-1, -1], [1, 1]], resolution=5)
            >>> grid.label_at(0.0, 0.9), grid.label_at(0.0, -0.9)
            (1, 0)
        """
        j = int(np.abs(self.xs - x1).argmin())
        i = int(np.abs(self.ys - x2).argmin())
        label = self.labels[i, j]
        return label.item() if hasattr(label, "item") else label

    def margins(self) -> np.ndarray:
        """(k, rows, cols): how far each class's score leads the best other class.

        Class c is predicted where margins[c] > 0, and its boundary is where
        margins[c] = 0; the plot fills and outlines these. For a binary model the
        two margins are threshold - score and score - threshold.

        Example:
            >>> from tinygrad_ann import Value
            >>> grid = decision_grid(lambda x: [Value(x[0]), Value(-x[0])],
            ...                      [[-1, 0], [1, 0]], resolution=3)
            >>> grid.margins()[0, 0].tolist()       # class 0 leads where x1 > 0
            [-2.4, 0.0, 2.4]
        """
        if self.binary:
            d = self.scores - self.threshold
            return np.stack([-d, d])
        s = np.moveaxis(self.scores, -1, 0)  # (k, rows, cols)
        k = s.shape[0]
        margins = np.empty_like(s)
        for c in range(k):
            others = np.delete(s, c, axis=0).max(axis=0)
            margins[c] = s[c] - others
        return margins


def _output(fn: str, out: object) -> float | tuple[float, ...]:
    """A model's output as a float (one score) or a tuple of floats (class scores)."""
    if isinstance(out, Value):
        return out.data
    if isinstance(out, Real):
        return float(out)
    if isinstance(out, (list, tuple)) and out:
        scores = tuple(_number(fn, "each of model(x)'s outputs", v) for v in out)
        return scores[0] if len(scores) == 1 else scores
    raise ValueError(
        f"{fn}: model(x) must return a Value (binary: a score) or a list of Values "
        f"(one score per class), got {type(out).__name__}: {out!r}"
    )


def _scores(fn: str, model: Model, points: list[list[float]]) -> np.ndarray:
    """model(p) for every point, under no_grad: shape (n,) or (n, k)."""
    with no_grad():  # evaluation only: no graph is recorded, nothing is kept alive
        outs = [_output(fn, model(p)) for p in points]
    shape = outs[0].__class__
    k = len(outs[0]) if shape is tuple else 1
    for i, o in enumerate(outs):
        if (len(o) if o.__class__ is tuple else 1) != k:
            raise ValueError(
                f"{fn}: model(x) gave {k} output(s) at {points[0]} but "
                f"{len(o) if o.__class__ is tuple else 1} at {points[i]}; it must "
                f"always give the same number"
            )
    return np.array(outs, dtype=float)


def _classes(fn: str, n_outputs: int, y: list[Label] | None) -> tuple[Label, ...]:
    """The label each model output stands for, taken from the labels used in y.

    One score: (0, 1) for 0/1 labels, (-1, 1) for -1/+1 labels (hinge loss),
    otherwise the two labels of y in sorted order. k scores: output i is class i
    when the labels are 0..k-1, otherwise the i-th of y's k labels in sorted order.
    """
    used = set(y) if y is not None else set()
    if n_outputs == 1:
        if used <= {0, 1}:
            return (0, 1)
        if used <= {-1, 1}:
            return (-1, 1)
        if len(used) == 2:
            return tuple(sorted(used))  # type: ignore[type-var]
        raise ValueError(
            f"{fn}: the model gives one score (two classes), but y uses {len(used)} "
            f"labels: {sorted(used, key=repr)}; give the model one output per class"
        )
    if all(isinstance(v, int) and 0 <= v < n_outputs for v in used):
        return tuple(range(n_outputs))
    if len(used) == n_outputs:
        try:
            return tuple(sorted(used))  # type: ignore[type-var]
        except TypeError:
            return tuple(sorted(used, key=repr))
    raise ValueError(
        f"{fn}: the model gives {n_outputs} class scores, but y uses {len(used)} "
        f"labels: {sorted(used, key=repr)}; label the classes 0..{n_outputs - 1}"
    )


def _predict(scores: np.ndarray, classes: tuple[Label, ...], threshold: float) -> np.ndarray:
    """Predicted labels: score > threshold for one score, argmax for several."""
    index = (scores > threshold).astype(int) if scores.ndim == 1 else scores.argmax(axis=-1)
    return np.array(classes)[index]


def _bounds(
    fn: str,
    points: list[list[float]],
    padding: float,
    bounds: Sequence[float] | None,
) -> tuple[float, float, float, float]:
    """(x1_min, x1_max, x2_min, x2_max): the data's box, widened by `padding`."""
    if bounds is not None:
        try:
            lo1, hi1, lo2, hi2 = (_number(fn, "bounds", b, finite=True) for b in bounds)
        except (TypeError, ValueError):
            raise ValueError(
                f"{fn}: bounds must be four finite numbers (x1_min, x1_max, x2_min, x2_max), "
                f"got {bounds!r}"
            ) from None
        if not (lo1 < hi1 and lo2 < hi2):
            raise ValueError(f"{fn}: bounds must have min < max on both axes, got {bounds!r}")
        return lo1, hi1, lo2, hi2
    if not (isinstance(padding, Real) and math.isfinite(padding) and padding >= 0):
        raise ValueError(f"{fn}: padding must be a finite number >= 0, got {padding!r}")
    box = []
    for axis in (0, 1):
        lo = min(p[axis] for p in points)
        hi = max(p[axis] for p in points)
        pad = (hi - lo) * padding if hi > lo else 1.0  # a single point: a unit box around it
        box += [lo - pad, hi + pad]
    return box[0], box[1], box[2], box[3]


def decision_grid(
    model: Model,
    X: Sequence[Sequence[Number]],
    resolution: int = DEFAULT_RESOLUTION,
    *,
    y: Sequence[Label] | None = None,
    threshold: float | None = None,
    padding: float = 0.1,
    bounds: Sequence[float] | None = None,
) -> DecisionGrid:
    """The model's predicted class on a resolution x resolution grid around X.

    `model([x1, x2])` is called once per grid point, under `no_grad()`, with a
    list of two floats. It returns one Value (a binary classifier's score: the
    class is 1 where score > threshold) or a list of Values (one score per
    class: the class is the argmax). `threshold=None` (the default) means 0.5
    when the model outputs probabilities (its output layer's activation is
    'sigmoid', as for `MLP(..., output_activation='sigmoid')`) and 0.0
    otherwise, the same rule as `train.accuracy` and `fit` follow; pass a
    number to choose. Predictions use the labels of `y` when it
    is given (0/1, -1/+1, or 0..k-1; see `DecisionGrid.classes`). The grid
    spans X's bounding box widened by `padding` (a fraction of its size) on
    every side, or exactly `bounds = (x1_min, x1_max, x2_min, x2_max)`.

    This is what `plot_decision_boundary` draws; use it to inspect or test.

    Example:
        >>> from tinygrad_ann import Value
        >>> X, y = [[-1.0, 0.0], [1.0, 0.0]], [-1, 1]
        >>> grid = decision_grid(lambda x: Value(x[0]) * 2, X, resolution=5, y=y,
        ...                      bounds=(-2, 2, -1, 1))
        >>> grid.classes, grid.xs.tolist()
        ((-1, 1), [-2.0, -1.0, 0.0, 1.0, 2.0])
        >>> grid.labels[0].tolist()                  # one row: -1 left, +1 right of x1 = 0
        [-1, -1, -1, 1, 1]
    """
    fn = "decision_grid"
    points = _points(fn, X)
    labels = _labels(fn, y, len(points)) if y is not None else None
    return _grid(fn, model, points, labels, resolution, threshold, padding, bounds)


def _grid(
    fn: str,
    model: Model,
    points: list[list[float]],
    labels: list[Label] | None,
    resolution: int,
    threshold: float | None,
    padding: float,
    bounds: Sequence[float] | None,
) -> DecisionGrid:
    """decision_grid's work, on checked points and labels; errors name `fn`."""
    if not callable(model):
        raise ValueError(
            f"{fn}: model must be callable as model([x1, x2]), got {type(model).__name__}"
        )
    n = _resolution(fn, resolution)
    if threshold is None:
        threshold = _default_threshold(model)  # 0.5 for probabilities, else 0.0
    threshold = _number(fn, "threshold", threshold, finite=True)
    lo1, hi1, lo2, hi2 = _bounds(fn, points, padding, bounds)
    xs = np.linspace(lo1, hi1, n)
    ys = np.linspace(lo2, hi2, n)
    # Row by row: the point (xs[j], ys[i]) is number i * n + j. Plain floats, as
    # a model built from Values expects (not numpy scalars).
    grid_points = [[x1, x2] for x2 in ys.tolist() for x1 in xs.tolist()]
    scores = _scores(fn, model, grid_points)
    n_outputs = 1 if scores.ndim == 1 else scores.shape[1]
    classes = _classes(fn, n_outputs, labels)
    predicted = _predict(scores, classes, threshold)
    shape = (n, n) if n_outputs == 1 else (n, n, n_outputs)
    return DecisionGrid(xs, ys, scores.reshape(shape), predicted.reshape(n, n), classes, threshold)


def _class_name(label: Label) -> str:
    """'class 1', 'class −1' (a typographic minus reads better than a hyphen)."""
    return f"class {label}".replace("-", "\u2212") if isinstance(label, Real) else f"class {label}"


def plot_decision_boundary(
    model: Model,
    X: Sequence[Sequence[Number]],
    y: Sequence[Label],
    ax: Axes | None = None,
    resolution: int = DEFAULT_RESOLUTION,
    *,
    threshold: float | None = None,
    padding: float = 0.1,
    bounds: Sequence[float] | None = None,
    colors: Sequence[str] = PALETTE,
    alpha: float = 0.3,
    legend: str | None = "outside",
) -> Axes:
    """Colour the plane by a 2-D classifier's prediction and draw the data on top.

    The model is evaluated on a grid (see `decision_grid`, which this uses, for
    the contract with `model`, `y`, `threshold`, `padding` and `bounds`) under
    `no_grad()`. As there, `threshold=None` means 0.5 for a model whose output
    layer is a sigmoid (probabilities) and 0.0 otherwise, so the regions and
    the title's accuracy match `train.accuracy` and `fit`'s history. Each class's region is shaded in its colour (`alpha` sets how
    light), the decision boundary is a dark line, and the points are drawn in
    their true class's colour and marker, so a point on the wrong colour is a
    mistake. The title gives the model's accuracy on (X, y) unless the Axes
    already has a title. `resolution` is grid points per side: raise it for a
    crisper boundary, at the cost of resolution^2 forward passes. The legend
    goes to the right of the plot, where it hides no data ("outside"), or at
    any matplotlib `loc` ("upper left", "best", ...), or nowhere (None).

    Returns the Axes drawn on (a new figure's when `ax` is None; the figure is
    `ax.figure`).

    Example:
        >>> from tinygrad_ann import Value
        >>> X = [[0.0, 0.0], [1.0, 0.2], [0.3, 1.0], [1.0, 1.0]]
        >>> y = [0, 1, 0, 1]
        >>> ax = plot_decision_boundary(lambda x: Value(x[0]) - 0.5, X, y, resolution=30)
        >>> [text.get_text() for text in ax.get_legend().get_texts()]
        ['class 0', 'class 1', 'decision boundary']
        >>> ax.figure.savefig('regions.png', dpi=150)   # doctest: +SKIP
    """
    fn = "plot_decision_boundary"
    if y is None:
        raise ValueError(f"{fn}: y is None; give the class label of every point in X")
    points = _points(fn, X)
    labels = _labels(fn, y, len(points))
    if not colors:
        raise ValueError(f"{fn}: colors must name at least one colour, got {colors!r}")
    grid = _grid(fn, model, points, labels, resolution, threshold, padding, bounds)
    if ax is None:
        _, ax = plt.subplots(figsize=(7.2, 5.2), layout="constrained")

    # Regions: class c fills where its margin is >= 0. Filling the margin (rather
    # than painting grid cells) interpolates between grid points, so the edges
    # are smooth even on a coarse grid, and they meet the boundary line exactly.
    margins = grid.margins()
    for c, label in enumerate(grid.classes):
        m = margins[c]
        if (grid.labels == label).any() and m.max() >= 0:
            ax.contourf(
                grid.xs, grid.ys, m, levels=[0.0, float(m.max()) + 1.0],
                colors=[colors[c % len(colors)]], alpha=alpha, antialiased=True,
            )
    # The boundary: where the score crosses the threshold (binary), or where a
    # class's lead over the others is zero (multiclass). Only where it exists.
    outlines = margins[1:] if grid.binary else margins
    for m in outlines:
        if m.min() < 0.0 < m.max():
            ax.contour(grid.xs, grid.ys, m, levels=[0.0], colors=_BOUNDARY_COLOR, linewidths=2.0)

    # The data, in the colour and marker of its true class (every label of y is
    # one of grid.classes: decision_grid checks that).
    for c, label in enumerate(grid.classes):
        mine = [p for p, t in zip(points, labels) if t == label]
        if mine:
            ax.scatter(
                [p[0] for p in mine], [p[1] for p in mine],
                s=40, marker=_MARKERS[c % len(_MARKERS)], color=colors[c % len(colors)],
                edgecolors="black", linewidths=0.7, zorder=3, label=_class_name(label),
            )
    handles, names = ax.get_legend_handles_labels()
    if len(set(grid.labels.ravel().tolist())) > 1:  # a boundary was drawn
        handles.append(Line2D([], [], color=_BOUNDARY_COLOR, linewidth=2.0))
        names.append("decision boundary")
    if legend == "outside":
        ax.legend(handles, names, loc="upper left", bbox_to_anchor=(1.02, 1.0),
                  borderaxespad=0.0, frameon=False, fontsize=10)
    elif legend is not None:
        ax.legend(handles, names, loc=legend, framealpha=0.9, fontsize=10)

    ax.set_xlim(grid.xs[0], grid.xs[-1])
    ax.set_ylim(grid.ys[0], grid.ys[-1])
    if not ax.get_xlabel():
        ax.set_xlabel("$x_1$", fontsize=12)
    if not ax.get_ylabel():
        ax.set_ylabel("$x_2$", fontsize=12)
    if not ax.get_title():
        predicted = _predict(_scores(fn, model, points), grid.classes, grid.threshold)
        correct = sum(p == t for p, t in zip(predicted.tolist(), labels))
        ax.set_title(f"accuracy {correct / len(labels):.0%} on {len(labels)} points")
    return ax


# ---------------------------------------------------------------------------
# Training curves
# ---------------------------------------------------------------------------

# The keys plot_history draws, with their legend text, colour and line style.
_CURVES = {
    "loss": ("training", PALETTE[0], "-"),
    "val_loss": ("validation", PALETTE[1], "--"),
    "accuracy": ("training", PALETTE[0], "-"),
    "val_accuracy": ("validation", PALETTE[1], "--"),
}


def _history_dict(fn: str, history: object) -> dict[str, list[float]]:
    """The per-epoch lists in `history` (a dict, a `.history` dict, or attributes)."""
    if isinstance(history, Mapping):
        source: Mapping[str, Any] = history
    elif isinstance(getattr(history, "history", None), Mapping):
        source = history.history  # type: ignore[attr-defined]
    elif hasattr(history, "loss"):
        source = {k: getattr(history, k) for k in _CURVES if getattr(history, k, None) is not None}
    else:
        raise ValueError(
            f"{fn}: history must be a dict of per-epoch lists with key 'loss' "
            f"(optionally 'accuracy', 'val_loss', 'val_accuracy'), got "
            f"{type(history).__name__}: {history!r}"
        )
    curves = {}
    for key in _CURVES:
        values = source.get(key)
        if values is None:
            continue
        if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
            raise ValueError(
                f"{fn}: history[{key!r}] must be a list of numbers (one per epoch), "
                f"got {type(values).__name__}: {values!r}"
            )
        curves[key] = [_number(fn, f"history[{key!r}][{i}]", v) for i, v in enumerate(values)]
    if not curves.get("loss"):
        raise ValueError(
            f"{fn}: history has no 'loss' values to plot (keys: {sorted(source)!r}, "
            f"loss: {source.get('loss')!r}); train for at least one epoch first"
        )
    return curves


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
    curves = _history_dict(fn, history)
    panels = ["loss"] + (["accuracy"] if curves.get("accuracy") or curves.get("val_accuracy") else [])
    if axes is None:
        width = 5.5 * len(panels)
        _, made = plt.subplots(1, len(panels), figsize=(width, 4.0), layout="constrained", squeeze=False)
        ax_list = list(made[0])
    else:
        ax_list = [axes] if isinstance(axes, Axes) else list(axes)
        if len(ax_list) < len(panels) or not all(isinstance(a, Axes) for a in ax_list):
            raise ValueError(
                f"{fn}: history has {' and '.join(panels)}, so it needs {len(panels)} "
                f"Axes; got {axes!r}"
            )
        ax_list = ax_list[: len(panels)]

    for ax, panel in zip(ax_list, panels):
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
    return ax_list


# ---------------------------------------------------------------------------
# Activations and their derivatives, straight from the engine
# ---------------------------------------------------------------------------


def _identity(v: Value) -> Value:
    return v


# Names that are not a Value method of the same name.
_SPECIAL: dict[str, tuple[Callable[[Value], Value], tuple[float, ...]]] = {
    "linear": (_identity, ()),
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


def _activation(fn: str, activation: Activation) -> tuple[str, Callable[[Value], Value], tuple[float, ...]]:
    """(display name, function Value -> Value, kinks) for a name or a callable."""
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
    raise ValueError(
        f"{fn}: activation must be a name or a function Value -> Value, got "
        f"{type(activation).__name__}: {activation!r}"
    )


def _value_and_derivative(f: Callable[[Value], Value], x: float) -> tuple[float, float]:
    """(f(x), f'(x)) by the engine: a forward pass, then backward(). nan outside f's domain."""
    try:
        y, dy = value_and_grad(f)(x)
    except (ValueError, ArithmeticError):  # e.g. log or sqrt of a negative number
        return math.nan, math.nan
    return y, (dy if math.isfinite(dy) else math.nan)


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


def _x_range(fn: str, x_range: object) -> tuple[float, float]:
    try:
        lo, hi = (float(v) for v in x_range)  # type: ignore[union-attr]
    except (TypeError, ValueError):
        raise ValueError(f"{fn}: x_range must be (low, high), got {x_range!r}") from None
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise ValueError(f"{fn}: x_range must be finite with low < high, got {x_range!r}")
    return lo, hi


def _num(fn: str, num: object) -> int:
    if isinstance(num, bool) or not isinstance(num, int) or num < 2:
        raise ValueError(f"{fn}: num must be an int >= 2 (sample points), got {num!r}")
    return num


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
    name, f, kinks = _activation(fn, activation)
    lo_hi = _x_range(fn, x_range)
    n = _num(fn, num)
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
        activations = [activations]  # type: ignore[list-item]
    resolved = [_activation(fn, a) for a in activations]
    if not resolved:
        raise ValueError(f"{fn}: activations is empty; name at least one, e.g. ['relu']")
    if isinstance(ncols, bool) or not isinstance(ncols, int) or ncols < 1:
        raise ValueError(f"{fn}: ncols must be an int >= 1, got {ncols!r}")
    lo_hi = _x_range(fn, x_range)
    n = _num(fn, num)
    cols = min(ncols, len(resolved))
    rows = -(-len(resolved) // cols)  # ceiling division
    fig, grid = plt.subplots(
        rows, cols, figsize=(4.2 * cols, 3.4 * rows), layout="constrained", squeeze=False
    )
    panels = list(grid.ravel())
    for ax, (name, f, kinks) in zip(panels, resolved):
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
