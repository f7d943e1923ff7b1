"""Decision regions: where does a 2-D classifier say which class?

`decision_grid(model, X)` runs the model on a grid over the plane around the
data and keeps its predictions; `plot_decision_boundary(model, X, y)` colours
the plane by them, draws the boundary between the classes, and the data on top.
Scores become labels as everywhere in the library (`train.scores_to_labels`, at
`train.default_threshold`), so the regions agree with `accuracy` and `fit`.

Example:
    >>> from tinygrad_ann.engine import Value
    >>> X, y = [[0.0, 1.0], [1.0, 0.0]], [0, 1]
    >>> model = lambda x: Value(x[0]) - Value(x[1])    # class 1 where x1 > x2
    >>> ax = plot_decision_boundary(model, X, y, resolution=20)
    >>> ax.get_title()
    'accuracy 100% on 2 points'
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Real
from typing import Any, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from .._checks import non_negative_number, whole_number, wrong_type, wrong_value
from .._types import Number
from ..engine import Value, no_grad
from ..train import default_threshold, scores_to_labels
from .common import MARKERS, PALETTE, Label, Model, plain_number

__all__ = ["DEFAULT_RESOLUTION", "DecisionGrid", "decision_grid", "plot_decision_boundary"]

_BOUNDARY_COLOR = "#222222"

#: Grid points per side for decision regions. The model is run once per grid
#: point: 40 x 40 = 1600 forward passes. An MLP(2, [16, 16, 1]) (micrograd's
#: demo model) takes 0.07-0.2 ms per forward pass under no_grad (measured on a
#: quiet and on a busy shared machine), so 0.1-0.35 s for the grid. The regions' edges are
#: interpolated between grid points (see plot_decision_boundary), so a finer
#: grid draws the same picture for such models, at resolution^2 the cost.
DEFAULT_RESOLUTION = 40


# ---------------------------------------------------------------------------
# Checking inputs: every error starts with the function called and names the value.
# ---------------------------------------------------------------------------


def _checked_points(fn: str, X: object) -> list[list[float]]:
    """X as a list of [x1, x2] rows of finite floats; else a TypeError or ValueError
    saying what is wrong. Everything is checked before any work, so a bad point
    fails at once, naming it."""
    if isinstance(X, (str, bytes)):
        wrong_type(fn, "X", "a list of 2-D points [x1, x2]", X)
    try:
        rows = list(X)  # type: ignore[call-overload]
    except TypeError:
        wrong_type(fn, "X", "a list of 2-D points [x1, x2]", X)
    if not rows:
        wrong_value(fn, "X", "a list of at least one 2-D point [x1, x2]", rows)
    point = "a 2-D point [x1, x2] (the plane is drawn in two input features)"
    points = []
    for i, row in enumerate(rows):
        if isinstance(row, (str, bytes)):
            wrong_type(fn, f"X[{i}]", point, row)
        try:
            r = list(row)
        except TypeError:
            wrong_type(fn, f"X[{i}]", point, row)
        if len(r) != 2:
            wrong_value(fn, f"X[{i}]", point, row, why=f"{len(r)} number{'s' * (len(r) != 1)}")
        points.append([plain_number(fn, f"X[{i}][{j}]", v, finite=True) for j, v in enumerate(r)])
    return points


def _tidy_label(fn: str, i: int, v: object) -> Label:
    """A class label as given in y, tidied: Values unwrapped, 1.0 -> 1."""
    if isinstance(v, Value):
        v = v.data
    if isinstance(v, Real):
        f = float(v)
        return int(f) if f.is_integer() else f
    try:
        hash(v)
    except TypeError:
        wrong_type(fn, f"y[{i}]", "a class label (a number)", v)
    return v


def _checked_labels(fn: str, y: object, n: int) -> list[Label]:
    """y as a list of n tidied labels; else a TypeError (not labels) or ValueError (wrong length)."""
    try:
        labels = list(y)  # type: ignore[call-overload]
    except TypeError:
        wrong_type(fn, "y", "a list of class labels", y)
    if len(labels) != n:
        raise ValueError(
            f"{fn}: X has {n} points but y has {len(labels)} labels; they must match"
        )
    return [_tidy_label(fn, i, v) for i, v in enumerate(labels)]


def _checked_bounds(fn: str, bounds: object) -> tuple[float, float, float, float]:
    """bounds as (x1_min, x1_max, x2_min, x2_max), four finite floats with min < max."""
    what = "four finite numbers (x1_min, x1_max, x2_min, x2_max)"
    try:
        values = [plain_number(fn, "bounds", b, finite=True) for b in bounds]  # type: ignore[attr-defined]
    except TypeError:
        wrong_type(fn, "bounds", what, bounds)
    except ValueError:
        wrong_value(fn, "bounds", what, bounds)
    if len(values) != 4:
        wrong_value(fn, "bounds", what, bounds)
    lo1, hi1, lo2, hi2 = values
    if not (lo1 < hi1 and lo2 < hi2):
        wrong_value(fn, "bounds", "(x1_min, x1_max, x2_min, x2_max) with min < max on both axes", bounds)
    return lo1, hi1, lo2, hi2


def _grid_box(
    fn: str,
    points: list[list[float]],
    padding: object,
    bounds: Sequence[float] | None,
) -> tuple[float, float, float, float]:
    """(x1_min, x1_max, x2_min, x2_max): `bounds`, or the data's box widened by `padding`."""
    if bounds is not None:
        return _checked_bounds(fn, bounds)
    widen = non_negative_number(fn, "padding", padding)
    box = []
    for axis in (0, 1):
        lo = min(p[axis] for p in points)
        hi = max(p[axis] for p in points)
        pad = (hi - lo) * widen if hi > lo else 1.0  # a single point: a unit box around it
        box += [lo - pad, hi + pad]
    return box[0], box[1], box[2], box[3]


# ---------------------------------------------------------------------------
# The model's predictions on a grid
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
        >>> from tinygrad_ann.engine import Value
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
        """True for a model with one output score (two classes split by the threshold).

        Example:
            >>> from tinygrad_ann.engine import Value
            >>> decision_grid(lambda x: [Value(x[0]), Value(x[1])], [[0, 0], [1, 1]], resolution=3).binary
            False
        """
        return self.scores.ndim == 2

    def label_at(self, x1: float, x2: float) -> Label:
        """The predicted label at the grid point nearest to (x1, x2).

        Example:
            >>> from tinygrad_ann.engine import Value
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
            >>> from tinygrad_ann.engine import Value
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


def _model_output(fn: str, out: object) -> float | tuple[float, ...]:
    """A model's output as a float (one score) or a tuple of floats (class scores)."""
    if isinstance(out, Value):
        return out.data
    if isinstance(out, Real):
        return float(out)
    if isinstance(out, (list, tuple)) and out:
        scores = tuple(plain_number(fn, "each of model(x)'s outputs", v) for v in out)
        return scores[0] if len(scores) == 1 else scores
    wrong_type(fn, "model(x)", "a Value (binary: a score) or a list of Values (one score per class)", out)


def _model_scores(fn: str, model: Model, points: list[list[float]]) -> np.ndarray:
    """model(p) for every point, under no_grad: shape (n,) or (n, k)."""
    with no_grad():  # evaluation only: no graph is recorded, nothing is kept alive
        outs = [_model_output(fn, model(p)) for p in points]
    counts = [len(o) if isinstance(o, tuple) else 1 for o in outs]
    for i, k in enumerate(counts):
        if k != counts[0]:
            raise ValueError(
                f"{fn}: model(x) gave {counts[0]} output(s) at {points[0]} but {k} at "
                f"{points[i]}; it must always give the same number"
            )
    return np.array(outs, dtype=float)


def _output_classes(fn: str, n_outputs: int, y: list[Label] | None) -> tuple[Label, ...]:
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


def _predicted_labels(scores: np.ndarray, classes: tuple[Label, ...], threshold: float) -> np.ndarray:
    """The labels `scores_to_labels` gives for these scores, as an array like `classes`."""
    if scores.ndim == 1:  # one score per point: classes is (negative, positive)
        labels = scores_to_labels(scores.tolist(), threshold, binary_labels=classes)
    else:  # k scores per point: classes[i] is output i's label
        labels = scores_to_labels(scores.tolist(), threshold, class_labels=classes)
    return np.array(labels, dtype=np.asarray(classes).dtype)


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
        >>> from tinygrad_ann.engine import Value
        >>> X, y = [[-1.0, 0.0], [1.0, 0.0]], [-1, 1]
        >>> grid = decision_grid(lambda x: Value(x[0]) * 2, X, resolution=5, y=y,
        ...                      bounds=(-2, 2, -1, 1))
        >>> grid.classes, grid.xs.tolist()
        ((-1, 1), [-2.0, -1.0, 0.0, 1.0, 2.0])
        >>> grid.labels[0].tolist()                  # one row: -1 left, +1 right of x1 = 0
        [-1, -1, -1, 1, 1]
    """
    fn = "decision_grid"
    points = _checked_points(fn, X)
    labels = _checked_labels(fn, y, len(points)) if y is not None else None
    return _grid_of_checked(fn, model, points, labels, resolution, threshold, padding, bounds)


def _grid_of_checked(
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
        wrong_type(fn, "model", "a function called as model([x1, x2])", model)
    n = whole_number(fn, "resolution", resolution, minimum=2)
    if threshold is None:
        threshold = default_threshold(model)  # 0.5 for probabilities, else 0.0
    threshold = plain_number(fn, "threshold", threshold, finite=True)
    lo1, hi1, lo2, hi2 = _grid_box(fn, points, padding, bounds)
    xs = np.linspace(lo1, hi1, n)
    ys = np.linspace(lo2, hi2, n)
    # Row by row: the point (xs[j], ys[i]) is number i * n + j. Plain floats, as
    # a model built from Values expects (not numpy scalars).
    grid_points = [[x1, x2] for x2 in ys.tolist() for x1 in xs.tolist()]
    scores = _model_scores(fn, model, grid_points)
    n_outputs = 1 if scores.ndim == 1 else scores.shape[1]
    classes = _output_classes(fn, n_outputs, labels)
    predicted = _predicted_labels(scores, classes, threshold)
    shape = (n, n) if n_outputs == 1 else (n, n, n_outputs)
    return DecisionGrid(xs, ys, scores.reshape(shape), predicted.reshape(n, n), classes, threshold)


# ---------------------------------------------------------------------------
# Drawing the regions, the boundary and the data
# ---------------------------------------------------------------------------


def _class_name(label: Label) -> str:
    """'class 1', 'class −1' (a typographic minus reads better than a hyphen)."""
    return f"class {label}".replace("-", "\u2212") if isinstance(label, Real) else f"class {label}"


def _draw_regions(ax: Axes, grid: DecisionGrid, colors: Sequence[str], alpha: float) -> None:
    """Each class's region shaded in its colour, and the boundary as a dark line."""
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


def _draw_points(
    ax: Axes, grid: DecisionGrid, points: list[list[float]], labels: list[Label], colors: Sequence[str]
) -> None:
    """The data, in the colour and marker of its true class (every label of y is
    one of grid.classes: decision_grid checks that)."""
    for c, label in enumerate(grid.classes):
        mine = [p for p, t in zip(points, labels, strict=True) if t == label]
        if mine:
            ax.scatter(
                [p[0] for p in mine], [p[1] for p in mine],
                s=40, marker=MARKERS[c % len(MARKERS)], color=colors[c % len(colors)],
                edgecolors="black", linewidths=0.7, zorder=3, label=_class_name(label),
            )


def _draw_legend(ax: Axes, grid: DecisionGrid, legend: str | None) -> None:
    """The classes and, if one was drawn, the boundary: beside the plot ("outside"),
    at a matplotlib `loc`, or nowhere (None)."""
    handles, names = ax.get_legend_handles_labels()
    if len(set(grid.labels.ravel().tolist())) > 1:  # a boundary was drawn
        handles.append(Line2D([], [], color=_BOUNDARY_COLOR, linewidth=2.0))
        names.append("decision boundary")
    placement: dict[str, Any]
    if legend == "outside":
        placement = {"loc": "upper left", "bbox_to_anchor": (1.02, 1.0), "borderaxespad": 0.0, "frameon": False}
    elif legend is not None:
        placement = {"loc": legend, "framealpha": 0.9}
    else:
        return
    ax.legend(handles, names, fontsize=10, **placement)


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
        >>> from tinygrad_ann.engine import Value
        >>> X = [[0.0, 0.0], [1.0, 0.2], [0.3, 1.0], [1.0, 1.0]]
        >>> y = [0, 1, 0, 1]
        >>> ax = plot_decision_boundary(lambda x: Value(x[0]) - 0.5, X, y, resolution=30)
        >>> [text.get_text() for text in ax.get_legend().get_texts()]
        ['class 0', 'class 1', 'decision boundary']
        >>> ax.figure.savefig('regions.png', dpi=150)   # doctest: +SKIP
    """
    fn = "plot_decision_boundary"
    if y is None:
        wrong_type(fn, "y", "the class label of every point in X", y)
    points = _checked_points(fn, X)
    labels = _checked_labels(fn, y, len(points))
    if not colors:
        raise ValueError(f"{fn}: colors must name at least one colour, got {colors!r}")
    grid = _grid_of_checked(fn, model, points, labels, resolution, threshold, padding, bounds)
    if ax is None:
        _, ax = plt.subplots(figsize=(7.2, 5.2), layout="constrained")

    _draw_regions(ax, grid, colors, alpha)
    _draw_points(ax, grid, points, labels, colors)
    _draw_legend(ax, grid, legend)
    ax.set_xlim(grid.xs[0], grid.xs[-1])
    ax.set_ylim(grid.ys[0], grid.ys[-1])
    if not ax.get_xlabel():
        ax.set_xlabel("$x_1$", fontsize=12)
    if not ax.get_ylabel():
        ax.set_ylabel("$x_2$", fontsize=12)
    if not ax.get_title():
        predicted = _predicted_labels(_model_scores(fn, model, points), grid.classes, grid.threshold)
        correct = sum(p == t for p, t in zip(predicted.tolist(), labels, strict=True))
        ax.set_title(f"accuracy {correct / len(labels):.0%} on {len(labels)} points")
    return ax
