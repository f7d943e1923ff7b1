"""Specification of draw_network's unrolled picture of a recurrent network.

Each picture is rendered for real (system dot or graphviz-pure) and read back
from its SVG: the copies of the cell, the inputs and outputs, the arrows that
carry the state, and the note that the weights are shared.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from tinygrad_ann import MLP
from tinygrad_ann.nn import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNCell
from tinygrad_ann.viz import draw_network
from tinygrad_ann.viz.network import MAX_STEPS

SVG = "{http://www.w3.org/2000/svg}"


def rendered(drawing):
    root = ET.fromstring(drawing.pipe(format="svg"))
    groups = [g for g in root.iter(f"{SVG}g")]
    nodes = {g.find(f"{SVG}title").text: g for g in groups if g.get("class") == "node"}
    edges = [g.find(f"{SVG}title").text for g in groups if g.get("class") == "edge"]
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    return nodes, edges, texts


def cells(nodes):
    return sorted(name for name in nodes if name.startswith("cell_"))


@pytest.mark.parametrize("model, name", [
    (RNN(2, 3, rng=0), "RNNCell"), (LSTM(2, 3, rng=0), "LSTMCell"), (GRU(2, 3, rng=0), "GRUCell"),
    (RNNCell(2, 3, rng=0), "RNNCell"), (LSTMCell(2, 3, rng=0), "LSTMCell"), (GRUCell(2, 3, rng=0), "GRUCell"),
])
@pytest.mark.parametrize("steps", [1, 3, 5])
def test_one_copy_of_the_cell_per_step_each_with_the_same_weights(model, name, steps):
    nodes, _, texts = rendered(draw_network(model, steps=steps))
    assert cells(nodes) == sorted(f"cell_l0_t{t}" for t in range(1, steps + 1))
    labels = {"".join(t.text or "" for t in nodes[c].iter(f"{SVG}text")) for c in cells(nodes)}
    assert len(labels) == 1                          # every copy says the same
    label, = labels
    assert label.startswith(name) and "Wih, Whh, b" in label     # W_ih, W_hh (subscripts), b
    assert any("the same weights at every step" in t for t in texts)


def test_default_is_four_steps():
    nodes, _, _ = rendered(draw_network(RNN(1, 2, rng=0)))
    assert len(cells(nodes)) == 4


@pytest.mark.parametrize("model", [RNN(2, 3, rng=0), GRU(2, 3, rng=0)])
def test_inputs_go_up_into_each_copy_and_outputs_come_out_on_top(model):
    _, edges, texts = rendered(draw_network(model, steps=3))
    for t in (1, 2, 3):
        assert f"x{t}->cell_l0_t{t}" in edges
        assert f"cell_l0_t{t}->h{t}" in edges


def test_positions_inputs_below_outputs_above_steps_left_to_right():
    d = draw_network(LSTM(1, 2, rng=0), steps=3)
    pos = {line.split()[0].strip('"'): line for line in d.body if 'pos="' in line and "->" not in line}

    def xy(name):
        text = pos[name].split('pos="')[1].split("!")[0]
        return tuple(float(v) for v in text.split(","))

    for t in (1, 2, 3):
        assert xy(f"x{t}")[1] < xy(f"cell_l0_t{t}")[1] < xy(f"h{t}")[1]
        assert xy(f"x{t}")[0] == xy(f"cell_l0_t{t}")[0] == xy(f"h{t}")[0]
    assert xy("cell_l0_t1")[0] < xy("cell_l0_t2")[0] < xy("cell_l0_t3")[0]


@pytest.mark.parametrize("model, states", [(RNN(1, 2, rng=0), ["h"]), (GRU(1, 2, rng=0), ["h"]),
                                           (LSTM(1, 2, rng=0), ["c", "h"])])
def test_the_state_flows_right_from_h0_through_every_copy(model, states):
    steps = 4
    _, edges, texts = rendered(draw_network(model, steps=steps))
    for s in states:
        assert f"{s}0_l0->{s}_in_l0_t1" in edges                      # s_0 = 0 into the first copy
        for t in range(1, steps):                                     # copy t -> copy t + 1
            assert f"{s}_out_l0_t{t}->{s}_in_l0_t{t + 1}" in edges
        assert f"{s}_out_l0_t{steps}->{s}{steps}_l0" in edges        # out of the last
    n_state_edges = sum(1 for e in edges if "_in_" in e or "_out_" in e)
    assert n_state_edges == len(states) * (steps + 1)
    assert len(edges) == len(states) * (steps + 1) + 2 * steps         # and x_t -> cell -> h_t


def test_lstm_shows_the_cell_state_and_its_gates():
    _, _, texts = rendered(draw_network(LSTM(1, 2, rng=0), steps=2))
    assert "gates i f g o" in texts
    assert any("cell state c" in t for t in texts)
    assert texts.count("c") >= 3                                       # c_0, c_1 on its arrow, c_2


def test_gru_shows_its_gates_and_rnn_its_nonlinearity():
    assert "gates r z n" in rendered(draw_network(GRU(1, 2, rng=0), steps=1))[2]
    assert "relu" in rendered(draw_network(RNN(1, 2, nonlinearity="relu", rng=0), steps=1))[2]


def test_stacked_layers_are_rows_each_fed_by_the_one_below():
    nodes, edges, texts = rendered(draw_network(GRU(2, 3, num_layers=2, rng=0), steps=3))
    assert len(cells(nodes)) == 6
    for t in (1, 2, 3):
        assert f"x{t}->cell_l0_t{t}" in edges
        assert f"cell_l0_t{t}->cell_l1_t{t}" in edges
        assert f"cell_l1_t{t}->h{t}" in edges
    assert "layer 0" in texts and "layer 1" in texts


def test_renders_to_png_with_the_available_dot():
    assert draw_network(LSTM(1, 2, rng=0), steps=2).pipe(format="png")[:8] == b"\x89PNG\r\n\x1a\n"


def test_title_goes_above():
    _, _, texts = rendered(draw_network(RNN(1, 2, rng=0), steps=2, title="An RNN, unrolled"))
    assert texts[0] == "An RNN, unrolled"


@pytest.mark.parametrize("call, error, words", [
    (lambda: draw_network(RNN(1, 2), steps=0), ValueError, "draw_network: steps must be a whole number >= 1"),
    (lambda: draw_network(RNN(1, 2), steps=MAX_STEPS + 1), ValueError, f"from 1 to {MAX_STEPS}"),
    (lambda: draw_network(RNN(1, 2), steps=2.0), TypeError, "draw_network: steps must be a whole number"),
    (lambda: draw_network(RNN(1, 2), show="grads"), ValueError, "draw_network: an unrolled recurrent network"),
    (lambda: draw_network(RNN(1, 2), rankdir="TB"), ValueError, "leave show, values and rankdir"),
    (lambda: draw_network(MLP(2, [3, 1], rng=0), steps=3), TypeError, "draw_network: steps is for a recurrent network"),
])
def test_errors_name_the_argument(call, error, words):
    with pytest.raises(error) as info:
        call()
    assert words in str(info.value)


def test_mlp_pictures_are_unchanged_by_steps_none():
    model = MLP(2, [3, 1], rng=0)
    assert draw_network(model).source == draw_network(model, steps=None).source
