"""Tests for tinygrad_ann.plot: decision regions, training curves, activation curves.

The models here are stand-ins built from Values with a known decision boundary,
so every region can be checked against the math. Figures are drawn with the
non-interactive Agg backend (no display needed) and closed after each test.
"""

from __future__ import annotations

import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib.image  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from tinygrad_ann import Value, is_grad_enabled  # noqa: E402
from tinygrad_ann.plot import (  # noqa: E402
    DEFAULT_RESOLUTION,
    activation_names,
    decision_grid,
    plot_activation,
    plot_activations,
    plot_decision_boundary,
    plot_history,
)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


# Stand-in classifiers with known boundaries ---------------------------------


def above_diagonal_is_0(x):
    """Binary score x1 - x2: class 1 below the diagonal x2 = x1, class 0 above."""
    return Value(x[0]) - Value(x[1])


def three_sectors(x):
    """Three class scores x1, x2, -(x1 + x2): class = the largest."""
    a, b = Value(x[0]), Value(x[1])
    return [a, b, -(a + b)]


SQUARE = [[-2.0, -2.0], [2.0, -2.0], [-2.0, 2.0], [2.0, 2.0]]
SQUARE_Y = [0, 1, 0, 0]  # (2, -2) is below the diagonal


def legend_texts(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()]


# Import contract ---------------------------------------------------------------


def test_import_tinygrad_ann_does_not_import_matplotlib():
    code = (
        "import sys, tinygrad_ann\n"
        "loaded = [m for m in sys.modules if m.split('.')[0] == 'matplotlib']\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# decision_grid: the predictions the regions show --------------------------------


def test_decision_grid_binary_regions_match_linear_boundary():
    grid = decision_grid(above_diagonal_is_0, SQUARE, resolution=21)
    expected = np.where(grid.xs[None, :] - grid.ys[:, None] > 0.0, 1, 0)
    assert grid.binary
    assert grid.classes == (0, 1)
    assert (grid.labels == expected).all()


def test_decision_grid_label_at_known_points_of_binary_model():
    grid = decision_grid(above_diagonal_is_0, SQUARE, resolution=21)
    assert grid.label_at(1.5, -1.5) == 1
    assert grid.label_at(-1.5, 1.5) == 0


def test_decision_grid_threshold_moves_the_boundary():
    grid = decision_grid(lambda x: Value(x[0]), [[0.0, 0.0], [1.0, 1.0]],
                         resolution=11, threshold=0.5, bounds=(0, 1, 0, 1))
    assert grid.label_at(0.4, 0.5) == 0
    assert grid.label_at(0.6, 0.5) == 1


def _sigmoid_mlp_of_x1_minus_x2():
    """MLP(2, [1], output_activation='sigmoid'): p = sigmoid(x1 - x2), always > 0."""
    from tinygrad_ann import MLP

    model = MLP(2, [1], output_activation="sigmoid", rng=0)
    neuron = model.layers[0].neurons[0]
    neuron.w[0].data, neuron.w[1].data, neuron.b.data = 1.0, -1.0, 0.0
    return model


def test_decision_grid_of_a_sigmoid_model_splits_probabilities_at_one_half():
    grid = decision_grid(_sigmoid_mlp_of_x1_minus_x2(), SQUARE, resolution=21)
    assert grid.threshold == 0.5
    assert grid.label_at(1.5, -1.5) == 1 and grid.label_at(-1.5, 1.5) == 0


def test_decision_grid_of_a_sigmoid_model_agrees_with_accuracy():
    from tinygrad_ann.train import accuracy

    model = _sigmoid_mlp_of_x1_minus_x2()
    ax = plot_decision_boundary(model, SQUARE, SQUARE_Y, resolution=21)
    assert accuracy(model, SQUARE, SQUARE_Y) == 1.0
    assert ax.get_title() == "accuracy 100% on 4 points"


def test_decision_grid_explicit_threshold_overrides_the_sigmoid_default():
    grid = decision_grid(_sigmoid_mlp_of_x1_minus_x2(), SQUARE, resolution=21, threshold=0.0)
    assert grid.threshold == 0.0 and (grid.labels == 1).all()


def test_decision_grid_predicts_minus_one_plus_one_when_y_uses_them():
    grid = decision_grid(above_diagonal_is_0, SQUARE, resolution=11, y=[-1, 1, -1, -1])
    assert grid.classes == (-1, 1)
    assert grid.label_at(1.5, -1.5) == 1
    assert grid.label_at(-1.5, 1.5) == -1


def test_decision_grid_binary_labels_as_floats_are_the_same_classes():
    grid = decision_grid(above_diagonal_is_0, SQUARE, resolution=5, y=[0.0, 1.0, 0.0, 0.0])
    assert grid.classes == (0, 1)


def test_decision_grid_three_classes_by_argmax():
    grid = decision_grid(three_sectors, SQUARE, resolution=41, y=[0, 1, 2, 2])
    assert not grid.binary
    assert grid.classes == (0, 1, 2)
    assert grid.scores.shape == (41, 41, 3)
    assert grid.label_at(2.0, 0.0) == 0
    assert grid.label_at(0.0, 2.0) == 1
    assert grid.label_at(-2.0, -2.0) == 2


def test_decision_grid_three_classes_match_argmax_everywhere():
    grid = decision_grid(three_sectors, SQUARE, resolution=21)
    x1, x2 = np.meshgrid(grid.xs, grid.ys)
    expected = np.stack([x1, x2, -(x1 + x2)]).argmax(axis=0)
    assert (grid.labels == expected).all()


def test_decision_grid_multiclass_uses_sorted_labels_of_y():
    grid = decision_grid(three_sectors, SQUARE, resolution=21, y=[30, 10, 20, 20])
    assert grid.classes == (10, 20, 30)
    assert grid.label_at(2.0, 0.0) == 10
    assert grid.label_at(-2.0, -2.0) == 30


def test_decision_grid_one_output_in_a_list_is_binary():
    grid = decision_grid(lambda x: [above_diagonal_is_0(x)], SQUARE, resolution=5)
    assert grid.binary
    assert grid.label_at(2.0, -2.0) == 1


def test_decision_grid_margins_are_positive_inside_each_region():
    grid = decision_grid(three_sectors, SQUARE, resolution=21)
    margins = grid.margins()
    for c, label in enumerate(grid.classes):
        inside = grid.labels == label
        assert (margins[c][inside] >= 0).all()
        assert (margins[c][~inside] <= 0).all()


@settings(max_examples=30, deadline=None)
@given(
    w1=st.floats(-3, 3), w2=st.floats(-3, 3), b=st.floats(-3, 3),
)
def test_decision_grid_agrees_with_any_linear_classifier(w1, w2, b):
    grid = decision_grid(lambda x: w1 * Value(x[0]) + w2 * Value(x[1]) + b,
                         SQUARE, resolution=9)
    for i, x2 in enumerate(grid.ys.tolist()):
        for j, x1 in enumerate(grid.xs.tolist()):
            assert grid.labels[i, j] == (1 if w1 * x1 + w2 * x2 + b > 0.0 else 0)


def test_decision_grid_spans_the_data_widened_by_padding():
    grid = decision_grid(above_diagonal_is_0, [[0.0, 0.0], [10.0, 5.0]], resolution=5)
    assert (grid.xs[0], grid.xs[-1]) == pytest.approx((-1.0, 11.0))
    assert (grid.ys[0], grid.ys[-1]) == pytest.approx((-0.5, 5.5))


def test_decision_grid_default_resolution_runs_model_once_per_grid_point():
    calls = []
    decision_grid(lambda x: calls.append(x) or Value(x[0]), SQUARE)
    assert len(calls) == DEFAULT_RESOLUTION**2


def test_decision_grid_calls_model_with_a_list_of_two_floats():
    seen = []

    def model(x):
        seen.append(x)
        return Value(x[0])

    decision_grid(model, SQUARE, resolution=3)
    assert all(type(x) is list and len(x) == 2 for x in seen)
    assert all(type(v) is float for x in seen for v in x)


def test_decision_grid_runs_model_under_no_grad():
    recorded = []
    results = []

    def model(x):
        recorded.append(is_grad_enabled())
        out = Value(x[0]) * 2.0 - Value(x[1])
        results.append(out)
        return out

    decision_grid(model, SQUARE, resolution=4)
    assert recorded and not any(recorded)
    assert all(out._prev == () for out in results)  # no graph was recorded
    assert is_grad_enabled()  # and recording is back on afterwards


# plot_decision_boundary ----------------------------------------------------------


def test_plot_decision_boundary_returns_axes():
    ax = plot_decision_boundary(above_diagonal_is_0, SQUARE, SQUARE_Y, resolution=10)
    assert isinstance(ax, Axes)
    assert isinstance(ax.figure, Figure)


def test_plot_decision_boundary_draws_on_given_axes():
    fig, given_ax = plt.subplots()
    ax = plot_decision_boundary(above_diagonal_is_0, SQUARE, SQUARE_Y, ax=given_ax, resolution=10)
    assert ax is given_ax


def test_plot_decision_boundary_runs_model_under_no_grad():
    recorded = []

    def model(x):
        recorded.append(is_grad_enabled())
        return above_diagonal_is_0(x)

    plot_decision_boundary(model, SQUARE, SQUARE_Y, resolution=5)
    assert len(recorded) == 5 * 5 + len(SQUARE)  # the grid, then the data for accuracy
    assert not any(recorded)


def test_plot_decision_boundary_scatters_each_class_at_its_points():
    ax = plot_decision_boundary(above_diagonal_is_0, SQUARE, SQUARE_Y, resolution=10)
    by_label = {c.get_label(): c.get_offsets().tolist() for c in ax.collections if c.get_label() in ("class 0", "class 1")}
    assert by_label == {
        "class 0": [[-2.0, -2.0], [-2.0, 2.0], [2.0, 2.0]],
        "class 1": [[2.0, -2.0]],
    }


def test_plot_decision_boundary_legend_names_classes_and_boundary():
    ax = plot_decision_boundary(above_diagonal_is_0, SQUARE, SQUARE_Y, resolution=10)
    assert legend_texts(ax) == ["class 0", "class 1", "decision boundary"]


def test_plot_decision_boundary_multiclass_legend_has_three_classes():
    ax = plot_decision_boundary(three_sectors, SQUARE, [0, 1, 2, 2], resolution=20)
    assert legend_texts(ax) == ["class 0", "class 1", "class 2", "decision boundary"]


def test_plot_decision_boundary_title_gives_accuracy():
    ax = plot_decision_boundary(above_diagonal_is_0, SQUARE, [0, 1, 0, 1], resolution=5)
    assert ax.get_title() == "accuracy 75% on 4 points"


def test_plot_decision_boundary_keeps_an_existing_title():
    fig, ax = plt.subplots()
    ax.set_title("after 10 epochs")
    plot_decision_boundary(above_diagonal_is_0, SQUARE, SQUARE_Y, ax=ax, resolution=5)
    assert ax.get_title() == "after 10 epochs"


def test_plot_decision_boundary_limits_are_the_grid():
    ax = plot_decision_boundary(above_diagonal_is_0, SQUARE, SQUARE_Y, resolution=5, bounds=(-3, 3, -4, 4))
    assert ax.get_xlim() == (-3.0, 3.0)
    assert ax.get_ylim() == (-4.0, 4.0)


def test_plot_decision_boundary_rejects_x_y_length_mismatch():
    with pytest.raises(ValueError, match=r"plot_decision_boundary: X has 4 points but y has 3 labels"):
        plot_decision_boundary(above_diagonal_is_0, SQUARE, [0, 1, 0])


def test_plot_decision_boundary_rejects_points_that_are_not_2d():
    with pytest.raises(ValueError, match=r"^plot_decision_boundary: X\[0\] must be a 2-D point \[x1, x2\] .*, got \[1, 2, 3\] \(3 numbers\)$"):
        plot_decision_boundary(above_diagonal_is_0, [[1, 2, 3]], [0])


def test_plot_decision_boundary_rejects_a_flat_list_of_numbers():
    with pytest.raises(TypeError, match=r"^plot_decision_boundary: X\[0\] must be a 2-D point \[x1, x2\] .*, got 1.0 \(float\)$"):
        plot_decision_boundary(above_diagonal_is_0, [1.0, 2.0], [0, 1])


def test_plot_decision_boundary_rejects_empty_x():
    with pytest.raises(ValueError, match=r"^plot_decision_boundary: X must be a list of at least one 2-D point \[x1, x2\], got \[\]$"):
        plot_decision_boundary(above_diagonal_is_0, [], [])


def test_plot_decision_boundary_rejects_three_labels_for_a_binary_model():
    with pytest.raises(ValueError, match=r"plot_decision_boundary: the model gives one score .* 3 labels"):
        plot_decision_boundary(above_diagonal_is_0, SQUARE, [0, 1, 2, 2], resolution=5)


def test_plot_decision_boundary_rejects_model_output_that_is_not_a_value():
    with pytest.raises(TypeError, match=r"^plot_decision_boundary: model\(x\) must be a Value \(binary: a score\) or a list of Values .*, got 'yes' \(str\)$"):
        plot_decision_boundary(lambda x: "yes", SQUARE, SQUARE_Y, resolution=5)


def counting(model):
    """`model`, and a list that gets one entry per call: to show no work was done."""
    calls = []

    def counted(x):
        calls.append(x)
        return model(x)

    return counted, calls


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_plot_decision_boundary_rejects_a_non_finite_point_before_any_work(bad):
    model, calls = counting(above_diagonal_is_0)
    X = [[0.0, 1.0], [bad, 2.0]]
    with pytest.raises(ValueError, match=rf"^plot_decision_boundary: X\[1\]\[0\] must be a finite number, got {bad}$"):
        plot_decision_boundary(model, X, [0, 1])
    assert calls == []


def test_decision_grid_rejects_a_non_finite_point_before_any_work():
    model, calls = counting(above_diagonal_is_0)
    with pytest.raises(ValueError, match=r"^decision_grid: X\[0\]\[1\] must be a finite number, got nan$"):
        decision_grid(model, [[0.0, float("nan")]])
    assert calls == []


def test_plot_decision_boundary_rejects_a_string_for_x():
    with pytest.raises(TypeError, match=r"^plot_decision_boundary: X must be a list of 2-D points \[x1, x2\], got 'ab' \(str\)$"):
        plot_decision_boundary(above_diagonal_is_0, "ab", [0, 1])


def test_plot_decision_boundary_rejects_a_string_for_a_point():
    with pytest.raises(TypeError, match=r"^plot_decision_boundary: X\[1\] must be a 2-D point \[x1, x2\] .*, got 'ab' \(str\)$"):
        plot_decision_boundary(above_diagonal_is_0, [[0.0, 1.0], "ab"], [0, 1])


def test_plot_decision_boundary_says_one_number_in_the_singular():
    with pytest.raises(ValueError, match=r"X\[0\] must be a 2-D point .*, got \[1.0\] \(1 number\)$"):
        plot_decision_boundary(above_diagonal_is_0, [[1.0]], [0])


@pytest.mark.parametrize("bounds", [(0, float("inf"), 0, 1), (float("nan"), 1, 0, 1)])
def test_decision_grid_rejects_non_finite_bounds_before_any_work(bounds):
    model, calls = counting(above_diagonal_is_0)
    with pytest.raises(ValueError, match=r"decision_grid: bounds must be four finite numbers"):
        decision_grid(model, SQUARE, bounds=bounds)
    assert calls == []


@pytest.mark.parametrize("kwargs, message", [
    ({"resolution": 2.5}, r"^decision_grid: resolution must be a whole number >= 2, got 2.5 \(float\)$"),
    ({"padding": "wide"}, r"^decision_grid: padding must be a number, got 'wide' \(str\)$"),
    ({"threshold": "half"}, r"^decision_grid: threshold must be a number, got 'half' \(str\)$"),
    ({"bounds": 5}, r"^decision_grid: bounds must be four finite numbers .*, got 5 \(int\)$"),
    ({"bounds": (0, 1, "a", 2)}, r"^decision_grid: bounds must be four finite numbers .*, got \(0, 1, 'a', 2\) \(tuple\)$"),
    ({"y": [0, [1], 0, 0]}, r"^decision_grid: y\[1\] must be a class label \(a number\), got \[1\] \(list\)$"),
    ({"model": 5}, r"^decision_grid: model must be a function called as model\(\[x1, x2\]\), got 5 \(int\)$"),
])
def test_decision_grid_arguments_of_the_wrong_type_are_type_errors(kwargs, message):
    model = kwargs.pop("model", above_diagonal_is_0)
    with pytest.raises(TypeError, match=message):
        decision_grid(model, SQUARE, **kwargs)


@pytest.mark.parametrize("kwargs, message", [
    ({"padding": -0.1}, r"^decision_grid: padding must be a number >= 0, got -0.1$"),
    ({"threshold": float("nan")}, r"^decision_grid: threshold must be a finite number, got nan$"),
    ({"bounds": (0, 1, 0)}, r"^decision_grid: bounds must be four finite numbers .*, got \(0, 1, 0\)$"),
    ({"bounds": (1, 0, 0, 1)}, r"^decision_grid: bounds must be .* with min < max on both axes, got \(1, 0, 0, 1\)$"),
])
def test_decision_grid_arguments_of_a_wrong_value_are_value_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        decision_grid(above_diagonal_is_0, SQUARE, **kwargs)


def test_decision_grid_default_of_the_demo_model_takes_well_under_a_second():
    import time

    from tinygrad_ann import MLP

    model = MLP(2, [16, 16, 1], rng=1337)  # micrograd's demo model, 337 parameters
    decision_grid(model, SQUARE, resolution=5)  # warm up
    start = time.perf_counter()
    grid = decision_grid(model, SQUARE)
    elapsed = time.perf_counter() - start
    assert grid.labels.shape == (DEFAULT_RESOLUTION, DEFAULT_RESOLUTION)
    assert DEFAULT_RESOLUTION**2 <= 2000  # at most 2000 forward passes
    assert elapsed < 1.0  # 0.1-0.35 s, the busier the machine the longer


def test_decision_grid_rejects_resolution_below_two():
    with pytest.raises(ValueError, match=r"^decision_grid: resolution must be a whole number >= 2, got 1$"):
        decision_grid(above_diagonal_is_0, SQUARE, resolution=1)


def test_plot_decision_boundary_savefig_writes_a_png(tmp_path):
    ax = plot_decision_boundary(three_sectors, SQUARE, [0, 1, 2, 2], resolution=20)
    path = tmp_path / "regions.png"
    ax.figure.savefig(path, dpi=100)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    height, width = matplotlib.image.imread(path).shape[:2]
    assert (width, height) == (720, 520)  # the default 7.2 x 5.2 inch figure
    assert path.stat().st_size > 10_000  # regions, points and text, not a blank image


# plot_history ----------------------------------------------------------------


HISTORY = {
    "loss": [0.9, 0.6, 0.4],
    "val_loss": [1.0, 0.7, 0.5],
    "accuracy": [0.5, 0.7, 0.9],
    "val_accuracy": [0.4, 0.6, 0.8],
}


def line(ax, label):
    (found,) = [ln for ln in ax.lines if ln.get_label() == label]
    return found


def test_plot_history_returns_loss_and_accuracy_axes():
    axes = plot_history(HISTORY)
    assert len(axes) == 2 and all(isinstance(ax, Axes) for ax in axes)
    assert [ax.get_ylabel() for ax in axes] == ["loss", "accuracy"]


def test_plot_history_loss_lines_have_the_data():
    loss_ax, _ = plot_history(HISTORY)
    assert line(loss_ax, "training").get_ydata().tolist() == HISTORY["loss"]
    assert line(loss_ax, "validation").get_ydata().tolist() == HISTORY["val_loss"]


def test_plot_history_accuracy_lines_have_the_data():
    _, acc_ax = plot_history(HISTORY)
    assert line(acc_ax, "training").get_ydata().tolist() == HISTORY["accuracy"]
    assert line(acc_ax, "validation").get_ydata().tolist() == HISTORY["val_accuracy"]


def test_plot_history_counts_epochs_from_one():
    (loss_ax,) = plot_history({"loss": [0.9, 0.6, 0.4]})
    assert list(loss_ax.lines[0].get_xdata()) == [1, 2, 3]


def test_plot_history_without_accuracy_has_one_axes():
    axes = plot_history({"loss": [0.5, 0.4], "val_loss": [0.6, 0.5]})
    assert len(axes) == 1
    assert len(axes[0].figure.axes) == 1


def test_plot_history_accepts_an_object_with_a_history_dict():
    class Result:
        history = {"loss": [1.0, 0.5]}

    (loss_ax,) = plot_history(Result())
    assert loss_ax.lines[0].get_ydata().tolist() == [1.0, 0.5]


def test_plot_history_accepts_an_object_with_attributes():
    class Result:
        loss = [1.0, 0.5]
        accuracy = [0.5, 0.75]

    _, acc_ax = plot_history(Result())
    assert acc_ax.lines[0].get_ydata().tolist() == [0.5, 0.75]


def test_plot_history_draws_on_given_axes():
    fig, (a, b) = plt.subplots(1, 2)
    assert plot_history(HISTORY, axes=(a, b)) == [a, b]


def test_plot_history_rejects_one_axes_when_there_is_accuracy():
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match=r"plot_history: history has loss and accuracy, so it needs 2 Axes"):
        plot_history(HISTORY, axes=ax)


def test_plot_history_rejects_empty_history():
    with pytest.raises(ValueError, match=r"plot_history: history has no 'loss' values to plot \(keys: \[\], loss: None\)"):
        plot_history({})


def test_plot_history_rejects_empty_loss_list():
    with pytest.raises(ValueError, match=r"plot_history: history has no 'loss' values to plot \(keys: \['loss'\], loss: \[\]\)"):
        plot_history({"loss": []})


def test_plot_history_rejects_non_numbers():
    with pytest.raises(TypeError, match=r"^plot_history: history\['loss'\]\[1\] must be a number, got 'x' \(str\)$"):
        plot_history({"loss": [0.5, "x"]})


# plot_activation ---------------------------------------------------------------


def curves(ax):
    """(x, f(x), f'(x)) as plotted, at the sample points where both are drawn."""
    f_line, d_line = ax.lines[-2], ax.lines[-1]
    x = np.asarray(f_line.get_xdata(), dtype=float)
    y = np.asarray(f_line.get_ydata(), dtype=float)
    d = np.asarray(d_line.get_ydata(), dtype=float)
    keep = np.isfinite(y) & np.isfinite(d)
    return x[keep], y[keep], d[keep]


def test_plot_activation_returns_axes_with_a_legend():
    ax = plot_activation("tanh")
    assert isinstance(ax, Axes)
    assert legend_texts(ax) == ["tanh(x)", "tanh'(x), by backward()"]


def test_plot_activation_sigmoid_derivative_is_s_times_one_minus_s():
    x, y, d = curves(plot_activation("sigmoid"))
    s = 1.0 / (1.0 + np.exp(-x))
    assert y == pytest.approx(s, abs=1e-12)
    assert d == pytest.approx(s * (1.0 - s), abs=1e-12)


def test_plot_activation_tanh_derivative_is_one_minus_tanh_squared():
    x, _, d = curves(plot_activation("tanh"))
    assert d == pytest.approx(1.0 - np.tanh(x) ** 2, abs=1e-12)


def test_plot_activation_relu_derivative_is_zero_left_and_one_right():
    x, _, d = curves(plot_activation("relu"))
    assert (d[x < 0] == 0.0).all()
    assert (d[x > 0] == 1.0).all()


def test_plot_activation_softplus_derivative_is_sigmoid():
    x, _, d = curves(plot_activation("softplus"))
    assert d == pytest.approx(1.0 / (1.0 + np.exp(-x)), abs=1e-12)


def test_plot_activation_covers_x_range():
    x, _, _ = curves(plot_activation("sin", x_range=(-1.0, 2.0)))
    assert (x[0], x[-1]) == (-1.0, 2.0)
    assert x[np.argmin(np.abs(x - 0.5))] == pytest.approx(0.5, abs=0.01)


def test_plot_activation_accepts_a_function_of_a_value():
    x, y, d = curves(plot_activation(lambda v: v * v))
    assert y == pytest.approx(x**2)
    assert d == pytest.approx(2 * x)


def test_plot_activation_linear_has_derivative_one():
    x, y, d = curves(plot_activation("linear"))
    assert y == pytest.approx(x)
    assert (d == 1.0).all()


def test_plot_activation_step_has_a_gap_at_the_jump():
    ax = plot_activation("step")
    f_line = ax.lines[-2]
    at_zero = np.asarray(f_line.get_xdata()) == 0.0
    assert np.isnan(np.asarray(f_line.get_ydata())[at_zero]).all()


def test_plot_activation_leaves_points_outside_the_domain_blank():
    ax = plot_activation("log")
    x = np.asarray(ax.lines[-2].get_xdata())
    y = np.asarray(ax.lines[-2].get_ydata())
    assert np.isnan(y[x <= 0]).all()
    assert y[x > 0] == pytest.approx(np.log(x[x > 0]))


def test_plot_activation_rejects_an_unknown_name_listing_the_valid_ones():
    with pytest.raises(ValueError) as error:
        plot_activation("relux")
    message = str(error.value)
    assert message.startswith("plot_activation: unknown activation 'relux'")
    for name in ("relu", "tanh", "sigmoid", "leaky_relu", "softplus", "step", "linear"):
        assert name in message


@pytest.mark.parametrize("kwargs, error, message", [
    ({"num": 1}, ValueError, r"^plot_activation: num must be a whole number >= 2, got 1$"),
    ({"num": 10.0}, TypeError, r"^plot_activation: num must be a whole number >= 2, got 10.0 \(float\)$"),
    ({"x_range": ("a", 1)}, TypeError, r"^plot_activation: x_range must be a pair of numbers \(low, high\), got \('a', 1\) \(tuple\)$"),
    ({"x_range": (0, 1, 2)}, ValueError, r"^plot_activation: x_range must be a pair of numbers \(low, high\), got \(0, 1, 2\)$"),
    ({"activation": 5}, TypeError, r"^plot_activation: activation must be a name or a function Value -> Value, got 5 \(int\)$"),
])
def test_plot_activation_names_a_bad_argument(kwargs, error, message):
    kwargs.setdefault("activation", "relu")
    with pytest.raises(error, match=message):
        plot_activation(**kwargs)


def test_plot_activations_names_a_bad_ncols():
    with pytest.raises(ValueError, match=r"^plot_activations: ncols must be a whole number >= 1, got 0$"):
        plot_activations(["relu"], ncols=0)


def test_plot_history_rejects_a_history_that_is_not_a_dict():
    with pytest.raises(TypeError, match=r"^plot_history: history must be a dict of per-epoch lists with key 'loss'"):
        plot_history([0.5, 0.4])


def test_plot_history_rejects_axes_that_are_not_axes():
    with pytest.raises(TypeError, match=r"^plot_history: axes must be 2 Axes, one for each of loss and accuracy, got 'ax' \(str\)$"):
        plot_history(HISTORY, axes="ax")


def test_plot_activation_rejects_a_backwards_x_range():
    with pytest.raises(ValueError, match=r"plot_activation: x_range must be finite with low < high, got \(4, -4\)"):
        plot_activation("relu", x_range=(4, -4))


@pytest.mark.parametrize("name", ["log", "sqrt"])
def test_plot_activation_cuts_off_a_derivative_that_shoots_off_near_zero(name):
    ax = plot_activation(name, num=4001)  # samples as close as 0.002 to 0
    f, df = ax.lines[-2].get_ydata(), ax.lines[-1].get_ydata()
    low, high = ax.get_ylim()
    shown = np.nanmax(f) - np.nanmin(f)
    assert shown / (high - low) > 0.3  # the function keeps its shape
    assert np.nanmin(f) >= low and np.nanmax(f) <= high  # all of it is shown
    assert np.nanmax(df) > high  # the derivative is cut off at the top


def test_plot_activation_leaves_the_y_range_alone_when_nothing_shoots_off():
    ax = plot_activation("tanh")
    low, high = ax.get_ylim()
    assert low < -1.0 and 1.0 < high < 1.5  # matplotlib's own margins around -1..1


def test_activation_names_include_every_neuron_activation():
    assert {"relu", "tanh", "sigmoid", "leaky_relu", "softplus", "step", "linear",
            "exp", "sin"} <= set(activation_names())


def test_plot_activations_returns_figure_with_one_panel_per_activation():
    fig = plot_activations(["relu", "tanh", "sigmoid", "step"], ncols=3)
    assert isinstance(fig, Figure)
    assert [ax.get_title() for ax in fig.axes] == ["relu", "tanh", "sigmoid", "step"]


def test_plot_activations_rejects_an_unknown_name():
    with pytest.raises(ValueError, match=r"plot_activations: unknown activation 'relux'"):
        plot_activations(["relu", "relux"])


def test_plot_activation_savefig_writes_a_png(tmp_path):
    ax = plot_activation("sigmoid")
    path = tmp_path / "sigmoid.png"
    ax.figure.savefig(path, dpi=100)
    height, width = matplotlib.image.imread(path).shape[:2]
    assert (width, height) == (600, 420)  # the default 6 x 4.2 inch figure
    assert path.stat().st_size > 10_000


def test_plot_activation_marks_the_engines_value_at_a_jump():
    ax = plot_activation("relu")
    dots = [(list(ln.get_xdata()), list(ln.get_ydata())) for ln in ax.lines[:-2]]
    assert ([0.0], [0.0]) in dots  # relu'(0) = 0 in the engine, as in PyTorch


# One rule for scores and labels: the regions are what predict_classes says --------


@pytest.mark.parametrize("nouts", [[4, 1], [4, 3]])
def test_decision_grid_labels_are_what_predict_classes_gives_at_the_grid_points(nouts):
    from tinygrad_ann import MLP
    from tinygrad_ann.train import predict_classes

    model = MLP(2, nouts, rng=0)
    grid = decision_grid(model, SQUARE, resolution=6)
    points = [[x1, x2] for x2 in grid.ys.tolist() for x1 in grid.xs.tolist()]
    assert grid.labels.ravel().tolist() == predict_classes(model, points)
