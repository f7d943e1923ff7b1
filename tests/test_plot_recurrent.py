"""Specification of the recurrent pictures: plot_gradient_flow and plot_gates.

What is drawn is checked against numbers worked out here by hand from the
layers themselves: the norms of the grads that backward() leaves on each
output, and the gates of each step stepped through with the cell's own API.
"""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from tinygrad_ann import Value  # noqa: E402
from tinygrad_ann.nn import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNCell  # noqa: E402
from tinygrad_ann.plot import gate_activations, gradient_norms, plot_gates, plot_gradient_flow  # noqa: E402

XS = [[0.5, -1.0], [0.3, 0.2], [-0.7, 0.9], [1.0, 0.0], [0.1, -0.4]]


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def norms_by_hand(layer, xs, loss=None):
    outputs, _ = layer(xs)
    root = loss(outputs) if loss else sum(outputs[-1], Value(0.0))
    root.backward()
    return [math.sqrt(sum(v.grad ** 2 for v in h)) for h in outputs]


# ---------------------------------------------------------------------------
# plot_gradient_flow
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("cls", [RNN, LSTM, GRU])
def test_gradient_flow_plots_the_norm_of_each_steps_gradient(cls):
    ax = plot_gradient_flow(cls(2, 3, rng=0), XS)
    expected = norms_by_hand(cls(2, 3, rng=0), XS)
    line, = ax.lines
    assert line.get_xdata().tolist() == [1, 2, 3, 4, 5]
    assert np.allclose(line.get_ydata(), expected, rtol=1e-12)
    assert line.get_label() == cls.__name__


def test_gradient_flow_draws_one_line_per_layer_on_a_log_scale():
    layers = {"tanh RNN": RNN(2, 4, rng=1), "LSTM": LSTM(2, 4, rng=1), "2-layer GRU": GRU(2, 4, num_layers=2, rng=1)}
    ax = plot_gradient_flow(layers, XS)
    assert ax.get_yscale() == "log"
    assert [line.get_label() for line in ax.lines] == list(layers)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == list(layers)
    for line, (label, _) in zip(ax.lines, layers.items()):
        fresh = {"tanh RNN": RNN(2, 4, rng=1), "LSTM": LSTM(2, 4, rng=1),
                 "2-layer GRU": GRU(2, 4, num_layers=2, rng=1)}[label]
        assert np.allclose(line.get_ydata(), norms_by_hand(fresh, XS), rtol=1e-12)


def test_gradient_flow_last_step_of_the_default_loss_is_sqrt_hidden():
    # d(sum of h_T)/dh_T is 1 for every unit: the norm is sqrt(hidden_size).
    ax = plot_gradient_flow(LSTM(2, 9, rng=2), XS)
    assert ax.lines[0].get_ydata()[-1] == pytest.approx(3.0)


def test_gradient_flow_rnn_vanishes_faster_than_lstm_over_a_long_sequence():
    xs = [[0.0, 0.0]] * 30
    ax = plot_gradient_flow({"RNN": RNN(2, 8, rng=0), "LSTM": LSTM(2, 8, rng=0)}, xs)
    rnn, lstm = (line.get_ydata() for line in ax.lines)
    assert rnn[0] / rnn[-1] < lstm[0] / lstm[-1]


def test_gradient_flow_takes_a_loss_of_the_outputs():
    loss = lambda outputs: outputs[2][0] * 2.0   # noqa: E731 - only step 3 (and before) gets a gradient
    ax = plot_gradient_flow(RNN(2, 3, rng=3), XS, loss=loss)
    expected = norms_by_hand(RNN(2, 3, rng=3), XS, loss)
    assert expected[3] == expected[4] == 0.0
    y = ax.lines[0].get_ydata()
    assert np.allclose(y[:3], expected[:3], rtol=1e-12)
    assert np.isnan(y[3]) and np.isnan(y[4])     # zeros left out of the log scale, not a crash
    ax.figure.canvas.draw()


def test_gradient_flow_all_zero_grads_do_not_crash_the_log_scale():
    loss = lambda outputs: outputs[0][0] * 0.0    # noqa: E731
    ax = plot_gradient_flow(RNN(2, 3, rng=3), XS, loss=loss)
    assert ax.get_yscale() == "log"
    ax.figure.canvas.draw()


def test_gradient_flow_leaves_the_parameters_grads_as_they_were():
    layer = LSTM(2, 3, rng=4)
    for k, p in enumerate(layer.parameters()):
        p.grad = 0.01 * k
    before = [p.grad for p in layer.parameters()]
    plot_gradient_flow(layer, XS)
    assert [p.grad for p in layer.parameters()] == before


def test_gradient_flow_draws_on_the_axes_given():
    _, ax = plt.subplots()
    assert plot_gradient_flow(RNN(2, 2, rng=0), XS, ax=ax) is ax


def test_gradient_norms_are_what_the_picture_draws():
    assert gradient_norms(GRU(2, 3, rng=5), XS) == pytest.approx(norms_by_hand(GRU(2, 3, rng=5), XS))


@pytest.mark.parametrize("call, error, words", [
    (lambda: plot_gradient_flow(RNN(2, 3), []), ValueError, "plot_gradient_flow: xs must be a sequence of at least one"),
    (lambda: plot_gradient_flow(RNN(2, 3), [[1.0]]), ValueError, "plot_gradient_flow: xs[0] has 1 number, but the network reads 2"),
    (lambda: plot_gradient_flow(RNN(2, 3), "abc"), TypeError, "plot_gradient_flow: xs must be a sequence"),
    (lambda: plot_gradient_flow(RNN(2, 3), [[1.0, "x"]]), TypeError, "plot_gradient_flow: xs[0][1] must be a number"),
    (lambda: plot_gradient_flow({}, XS), ValueError, "plot_gradient_flow: layers must be a dict of at least one"),
    (lambda: plot_gradient_flow(RNNCell(2, 3), XS), TypeError, "plot_gradient_flow: layers['RNNCell'] must be a recurrent layer"),
    (lambda: plot_gradient_flow(RNN(2, 3), XS, loss=3), TypeError, "plot_gradient_flow: loss must be a function"),
    (lambda: plot_gradient_flow(RNN(2, 3), XS, loss=lambda o: 1.0), TypeError, "plot_gradient_flow: loss must be"),
    (lambda: plot_gradient_flow(RNN(2, 3), XS, ax="left"), TypeError, "plot_gradient_flow: ax must be a matplotlib Axes"),
])
def test_gradient_flow_errors_name_the_argument(call, error, words):
    with pytest.raises(error) as info:
        call()
    assert words in str(info.value)


# ---------------------------------------------------------------------------
# plot_gates
# ---------------------------------------------------------------------------


def gates_by_hand(cell, xs):
    """{gate: array[unit][t]} stepping with cell.gates and cell(...)."""
    state, columns = None, []
    for x in xs:
        columns.append({k: [v.data for v in vs] for k, vs in cell.gates(x, state).items()})
        state = cell(x, state)
    return {k: np.array([c[k] for c in columns]).T for k in columns[0]}


@pytest.mark.parametrize("cell, names", [
    (LSTMCell(2, 3, rng=0), ["input gate i", "forget gate f", "candidate g (tanh)", "output gate o"]),
    (GRUCell(2, 3, rng=0), ["reset gate r", "update gate z", "candidate n (tanh)"]),
])
def test_gates_heat_maps_hold_the_gate_values_unit_by_time(cell, names):
    fig = plot_gates(cell, XS)
    panels = fig.axes[:len(names)]
    assert [ax.get_title() for ax in panels] == names
    for ax, (gate, expected) in zip(panels, gates_by_hand(cell, XS).items()):
        got = ax.images[0].get_array()
        assert got.shape == (3, len(XS))            # hidden unit down, time across
        assert np.allclose(got, expected, rtol=0, atol=1e-15), gate


@pytest.mark.parametrize("cell", [LSTMCell(2, 3, rng=0), GRUCell(2, 3, rng=0)])
def test_gates_colour_scale_is_0_to_1_for_sigmoid_and_minus_1_to_1_for_tanh(cell):
    fig = plot_gates(cell, XS)
    gates = list(gates_by_hand(cell, XS))
    for ax, gate in zip(fig.axes, gates):
        assert ax.images[0].get_clim() == ((-1.0, 1.0) if gate in ("g", "n") else (0.0, 1.0))
    assert len(fig.axes) == 2 * len(gates)          # each panel has its colour bar


def test_gates_of_a_layer_are_its_first_cells():
    layer = LSTM(2, 3, num_layers=2, rng=6)
    fig = plot_gates(layer, XS)
    expected = gates_by_hand(layer.cells[0], XS)
    assert np.allclose(fig.axes[0].images[0].get_array(), expected["i"])
    assert fig.axes[3].get_xlabel() == "time step t"


def test_gate_activations_are_what_the_picture_draws():
    cell = GRUCell(2, 2, rng=7)
    got = gate_activations(cell, XS)
    for gate, expected in gates_by_hand(cell, XS).items():
        assert np.allclose(got[gate], expected)


def test_gates_draw_in_the_figure_given():
    fig = plt.figure()
    assert plot_gates(GRU(2, 2, rng=0), XS, fig=fig) is fig


@pytest.mark.parametrize("model", [RNNCell(2, 3), RNN(2, 3)])
def test_gates_of_a_plain_rnn_is_an_error_that_says_it_has_none(model):
    with pytest.raises(TypeError, match="plot_gates: cell_or_layer must be an LSTM or a GRU") as info:
        plot_gates(model, XS)
    assert "a plain RNN has no gates" in str(info.value)


@pytest.mark.parametrize("call, error, words", [
    (lambda: plot_gates(LSTMCell(2, 3), []), ValueError, "plot_gates: xs must be a sequence of at least one time step"),
    (lambda: plot_gates(LSTMCell(2, 3), [[1.0, 2.0], [1.0]]), ValueError, "plot_gates: xs[1] has 1 number, but the network reads 2"),
    (lambda: plot_gates(GRU(3, 3), XS), ValueError, "plot_gates: xs[0] has 2 numbers, but the network reads 3"),
    (lambda: plot_gates(LSTMCell(2, 3), 5), TypeError, "plot_gates: xs must be a sequence"),
    (lambda: plot_gates("lstm", XS), TypeError, "plot_gates: cell_or_layer must be an LSTM or a GRU"),
    (lambda: plot_gates(LSTMCell(2, 3), XS, fig="new"), TypeError, "plot_gates: fig must be a matplotlib Figure"),
])
def test_gates_errors_name_the_argument(call, error, words):
    with pytest.raises(error) as info:
        call()
    assert words in str(info.value)


def test_gradient_norms_inside_no_grad_still_build_the_graph_they_need():
    from tinygrad_ann import no_grad
    from tinygrad_ann.nn import RNN
    from tinygrad_ann.plot import gradient_norms

    xs = [[1.0], [0.0], [0.5]]
    expected = gradient_norms(RNN(1, 3, rng=0), xs)
    with no_grad():
        assert gradient_norms(RNN(1, 3, rng=0), xs) == expected
    assert expected[-1] > 0.0
