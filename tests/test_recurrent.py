"""Recurrent layers: RNN, LSTM, GRU and their cells, equal to PyTorch's.

How equality is proved: a torch.nn.RNN / LSTM / GRU (or cell) of random sizes
(input 1-3, hidden 1-4, 1-2 layers) and float64 weights is made first; each of
our parameters is copied from the torch tensor its PyTorch name gives
('weight_ih_l1.5.2' is weight_ih_l1[5, 2]), so the test reads the layout
independently of the library's converters. Both run the same random sequence
(length 1-6) from the same random (or zero) state and backpropagate the same
random weighting of every output and of the final state. Outputs, final states
and the gradients of every parameter, every input and the initial state must
be equal within 1e-9.

The tests that need PyTorch skip without it; the others (shapes, errors,
saving, training, gradcheck against finite differences) run without it.
"""

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tinygrad_ann import Value, load, save
from tinygrad_ann.engine import sum_values
from tinygrad_ann.functional import gradcheck
from tinygrad_ann.optim import Adam
from tinygrad_ann.nn import (
    GRU, LSTM, RNN, GRUCell, LastStep, Layer, LSTMCell, Module, RNNCell, Sequential,
)
from tinygrad_ann.train import accuracy, fit, predict

try:
    import torch
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
TOLERANCE = 1e-9
FEW = settings(max_examples=100, deadline=None)


def values(numbers):
    return [Value(x) for x in numbers]


def random_numbers(rng, n, scale=1.0):
    return [rng.uniform(-scale, scale) for _ in range(n)]


# -- shapes, names, the graph ----------------------------------------------------------------


@pytest.mark.parametrize("cls, gates", [(RNNCell, 1), (LSTMCell, 4), (GRUCell, 3)])
def test_cell_parameters_have_pytorchs_names_layout_and_order(cls, gates):
    cell = cls(2, 3, rng=0)
    assert len(cell.weight_ih) == len(cell.weight_hh) == gates * 3
    assert {len(row) for row in cell.weight_ih} == {2} and {len(row) for row in cell.weight_hh} == {3}
    assert len(cell.bias_ih) == len(cell.bias_hh) == gates * 3
    names = [n for n, _ in cell.named_parameters()]
    assert names[:3] == ["weight_ih.0.0", "weight_ih.0.1", "weight_ih.1.0"]
    assert names.index("weight_hh.0.0") == gates * 3 * 2
    assert names[-1] == f"bias_hh.{gates * 3 - 1}"
    assert len(names) == cell.num_parameters() == cls.parameter_count(cell.config()) == gates * 3 * (2 + 3 + 2)
    assert cell.parameters() == [p for _, p in cell.named_parameters()]


def test_sequence_layer_names_its_parameters_per_layer_as_pytorch_does():
    lstm = LSTM(2, 3, num_layers=2, rng=0)
    names = [n for n, _ in lstm.named_parameters()]
    tensors = list(dict.fromkeys(n.split(".")[0] for n in names))
    assert tensors == ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
                       "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1"]
    assert len(lstm.cells) == 2 and lstm.cells[1].input_size == 3
    assert lstm.parameters() == lstm.cells[0].parameters() + lstm.cells[1].parameters()
    assert lstm.num_parameters() == LSTM.parameter_count(lstm.config()) == 4 * 3 * (2 + 3 + 2) + 4 * 3 * (3 + 3 + 2)


@pytest.mark.parametrize("cls", [RNNCell, LSTMCell, GRUCell])
def test_weights_start_uniform_within_one_over_root_hidden_and_follow_the_seed(cls):
    cell = cls(3, 4, rng=7)
    data = [p.data for p in cell.parameters()]
    assert all(-0.5 <= d <= 0.5 for d in data) and len(set(data)) == len(data)
    assert max(data) > 0.4 and min(data) < -0.4  # biases too: not zeros
    assert [p.data for p in cls(3, 4, rng=7).parameters()] == data
    assert [p.data for p in cls(3, 4, rng=random.Random(7)).parameters()] == data
    assert [p.data for p in cls(3, 4, rng=8).parameters()] != data


def test_every_gate_pre_activation_is_one_dot_node_reading_x_and_h():
    cell = LSTMCell(2, 3, rng=0)
    x, h, c = values([0.5, -1.0]), values([0.1, 0.2, 0.3]), values([0.0, 0.0, 0.0])
    gates = cell.gates(x, (h, c))
    for name, k in (("i", 0), ("f", 3), ("g", 6), ("o", 9)):
        pre = gates[name][0]._prev[0]
        assert pre._op == "dot"
        ws, xs, b = pre._prev[0:10:2], pre._prev[1:10:2], pre._prev[-1]
        assert list(ws) == cell.weight_ih[k] + cell.weight_hh[k]
        assert list(xs) == x + h
        assert b._op == "+" and b._prev == (cell.bias_ih[k], cell.bias_hh[k])


def test_the_grus_reset_gate_multiplies_only_the_part_that_reads_h():
    cell = GRUCell(1, 1, rng=0)
    x, h = values([0.5]), values([0.25])
    g = cell.gates(x, h)
    inner = g["n"][0]._prev[0]  # tanh's operand: (W_in x + b_in) + r * (W_hn h + b_hn)
    from_x, product = inner._prev
    assert from_x._op == "dot" and from_x._prev == (cell.weight_ih[2][0], x[0], cell.bias_ih[2])
    assert product._op == "*" and product._prev[0] is g["r"][0]
    assert product._prev[1]._prev == (cell.weight_hh[2][0], h[0], cell.bias_hh[2])


def test_gru_cell_by_hand():
    cell = GRUCell(1, 1, rng=0)
    for p in cell.parameters():
        p.data = 0.0
    cell.weight_ih[2][0].data = 1.0  # n = tanh(x + r·0)
    cell.bias_ih[1].data = 100.0     # z ≈ 1: keep the old h
    assert cell([2.0], [0.3])[0].data == pytest.approx(0.3, abs=1e-12)
    cell.bias_ih[1].data = -100.0    # z ≈ 0: take n
    assert cell([2.0], [0.3])[0].data == pytest.approx(math.tanh(2.0), abs=1e-12)


def test_lstm_cell_by_hand_remembers_with_the_forget_gate_open():
    cell = LSTMCell(1, 1, rng=0)
    for p in cell.parameters():
        p.data = 0.0
    cell.bias_ih[1].data = 100.0   # f ≈ 1
    cell.bias_ih[0].data = -100.0  # i ≈ 0: nothing written
    h, c = cell([5.0], ([0.0], [0.7]))
    assert c[0].data == pytest.approx(0.7, abs=1e-12)
    assert h[0].data == pytest.approx(0.5 * math.tanh(0.7), abs=1e-12)  # o = σ(0)


def test_the_outputs_are_the_hidden_states_themselves_and_their_grads_are_dloss_dh():
    gru = GRU(1, 2, num_layers=2, rng=0)
    outputs, h_n = gru([[0.5], [-1.0], [0.25]])
    assert outputs[-1] is h_n[-1] and len(outputs) == 3
    loss = outputs[-1][0] * 1.0
    loss.backward()
    assert outputs[-1][0].grad == 1.0 and outputs[-1][1].grad == 0.0
    assert any(v.grad != 0 for v in outputs[0])  # reaches the earlier steps: through time
    assert any(p.grad != 0 for p in gru.cells[0].parameters())  # and down the layers


def test_state_none_is_zeros():
    lstm = LSTM(2, 3, num_layers=2, rng=0)
    xs = [[0.5, 1.0], [-1.0, 0.0]]
    zeros = [[0.0] * 3, [0.0] * 3]
    out_a, (h_a, c_a) = lstm(xs)
    out_b, (h_b, c_b) = lstm(xs, (zeros, zeros))
    assert [[v.data for v in h] for h in out_a] == [[v.data for v in h] for h in out_b]
    assert [[v.data for v in c] for c in c_a] == [[v.data for v in c] for c in c_b]


def test_a_sequence_layer_is_its_cells_run_step_by_step():
    rnn = RNN(2, 3, num_layers=2, nonlinearity="relu", rng=0)
    xs = [[0.5, 1.0], [-1.0, 0.0], [2.0, 0.5]]
    outputs, h_n = rnn(xs)
    h0, h1 = None, None
    for t, x in enumerate(xs):
        h0 = rnn.cells[0](x, h0)
        h1 = rnn.cells[1](h0, h1)
        assert [v.data for v in outputs[t]] == [v.data for v in h1]
    assert [[v.data for v in h] for h in h_n] == [[v.data for v in h0], [v.data for v in h1]]


def test_numpy_sequences_are_read_too():
    np = pytest.importorskip("numpy")
    gru = GRU(2, 2, rng=0)
    xs = [[0.5, 1.0], [-1.0, 0.0]]
    assert [v.data for v in gru(np.array(xs))[0][-1]] == [v.data for v in gru(xs)[0][-1]]


# -- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize("make, error, message", [
    (lambda: RNNCell(0, 2), ValueError, r"^RNNCell: input_size must be a whole number >= 1, got 0$"),
    (lambda: LSTMCell(2, 0), ValueError, r"^LSTMCell: hidden_size must be a whole number >= 1, got 0$"),
    (lambda: GRUCell(2, "3"), TypeError, r"^GRUCell: hidden_size must be a whole number >= 1, got '3' \(str\)$"),
    (lambda: LSTM(1, 2, num_layers=0), ValueError, r"^LSTM: num_layers must be a whole number >= 1, got 0$"),
    (lambda: GRU(0, 2), ValueError, r"^GRU: input_size must be a whole number >= 1, got 0$"),
    (lambda: RNN(1, 2, nonlinearity="sigmoid"), ValueError,
     r"^RNN: unknown nonlinearity 'sigmoid'; choose one of 'tanh', 'relu'$"),
    (lambda: RNNCell(1, 2, nonlinearity="relu6"), ValueError, r"^RNNCell: unknown nonlinearity 'relu6'"),
    (lambda: RNN(1, 2, rng="seed"), TypeError, r"^RNN: rng must be an int seed"),
    # an input step of the wrong width
    (lambda: LSTM(3, 2, rng=0)([[1.0, 2.0, 3.0], [1.0]]), ValueError,
     r"^LSTM: xs\[1\] must be a list of 3 numbers or Values \(one time step\), got 1 entry: \[1.0\] \(list\)$"),
    (lambda: GRUCell(2, 2, rng=0)([1.0, 2.0, 3.0]), ValueError,
     r"^GRUCell: x must be a list of 2 numbers or Values \(one time step\), got 3 entries"),
    (lambda: RNN(1, 2, rng=0)([1.0, 2.0]), TypeError,
     r"^RNN: xs\[0\] must be a list of 1 numbers or Values \(one time step\), got 1.0 \(float\)$"),
    (lambda: RNN(1, 2, rng=0)([["a"]]), TypeError, r"^RNN: xs\[0\]\[0\] must be a number or a Value, got 'a'"),
    (lambda: RNNCell(1, 2, rng=0)(3.0), TypeError, r"^RNNCell: x must be a list of 1 numbers or Values"),
    # an empty sequence
    (lambda: GRU(1, 2, rng=0)([]), ValueError,
     r"^GRU: xs must be a non-empty list of time steps, each a list of 1 numbers or Values, got an empty sequence$"),
    (lambda: LSTM(1, 2, rng=0)(5), TypeError, r"^LSTM: xs must be a non-empty list of time steps"),
    # a state of the wrong shape
    (lambda: LSTMCell(1, 2, rng=0)([1.0], [0.0, 0.0]), TypeError,
     r"^LSTMCell: state must be a pair \(h, c\) of lists of 2 numbers or Values \(an LSTM's state has two parts\), "
     r"got \[0.0, 0.0\] \(list\)$"),
    (lambda: LSTMCell(1, 2, rng=0)([1.0], ([0.0, 0.0], [0.0])), ValueError,
     r"^LSTMCell: state's c must be a list of 2 numbers or Values \(a hidden state, one number per hidden unit\), "
     r"got 1 entry"),
    (lambda: GRUCell(1, 3, rng=0)([1.0], [0.0, 0.0]), ValueError,
     r"^GRUCell: h must be a list of 3 numbers or Values \(a hidden state, one number per hidden unit\), got 2"),
    (lambda: RNN(1, 2, rng=0)([[1.0]], [0.0, 0.0]), TypeError,
     r"^RNN: h_0 must be a list of 1 hidden state \(one per layer, each a list of 2 numbers or Values\)"),
    (lambda: GRU(1, 2, num_layers=2, rng=0)([[1.0]], [[0.0, 0.0]]), ValueError,
     r"^GRU: h_0 must be a list of 2 hidden states \(one per layer, each a list of 2 numbers or Values\), "
     r"got 1 state$"),
    (lambda: GRU(1, 2, rng=0)([[1.0]], [[0.0, 0.0, 0.0]]), ValueError,
     r"^GRU: h_0\[0\] must be a list of 2 numbers or Values \(a hidden state, one number per hidden unit\), got 3"),
    (lambda: LSTM(1, 2, rng=0)([[1.0]], [[0.0, 0.0]]), TypeError,
     r"^LSTM: state must be a pair \(h, c\) of 1 hidden state"),
    (lambda: LSTM(1, 2, num_layers=2, rng=0)([[1.0]], ([[0.0, 0.0]] * 2, [[0.0, 0.0]])), ValueError,
     r"^LSTM: c_0 must be a list of 2 hidden states .*, got 1 state$"),
    (lambda: LSTM(1, 2, rng=0)([[1.0]], ([[0.0, 0.0]], [[0.0]])), ValueError,
     r"^LSTM: c_0\[0\] must be a list of 2 numbers or Values"),
    (lambda: LSTMCell(1, 2, rng=0).gates([1.0, 2.0]), ValueError, r"^LSTMCell.gates: x must be a list of 1 numbers"),
    (lambda: LastStep()([]), ValueError, r"^LastStep: x has no time steps"),
    (lambda: LastStep()(3.0), TypeError, r"^LastStep: x must be a recurrent layer's \(outputs, state\)"),
])  # fmt: skip
def test_bad_arguments_name_the_layer_and_the_expected_shape(make, error, message):
    with pytest.raises(error, match=message):
        make()


# -- gradients against finite differences (no torch) -----------------------------------------


def _set_parameters(cell, leaves):
    """Make the cell's parameters the given Values, in named_parameters() order."""
    it = iter(leaves)
    for name in ("weight_ih", "weight_hh"):
        setattr(cell, name, [[next(it) for _ in row] for row in getattr(cell, name)])
    for name in ("bias_ih", "bias_hh"):
        setattr(cell, name, [next(it) for _ in getattr(cell, name)])


@pytest.mark.parametrize("make", [lambda: RNNCell(2, 2, rng=1), lambda: RNNCell(2, 2, nonlinearity="relu", rng=1),
                                  lambda: LSTMCell(2, 2, rng=1), lambda: GRUCell(2, 2, rng=1)],
                         ids=["rnn-tanh", "rnn-relu", "lstm", "gru"])
def test_cell_gradients_match_finite_differences(make):
    """Two steps through the cell: every parameter, input and state entry."""
    cell = make()
    rng = random.Random(2)
    n_params = cell.num_parameters()
    is_lstm = isinstance(cell, LSTMCell)
    n_state = 4 if is_lstm else 2
    weights = random_numbers(rng, 2 * (4 if is_lstm else 2))

    def f(*leaves):
        _set_parameters(cell, leaves[:n_params])
        x1, x2 = leaves[n_params:n_params + 2], leaves[n_params + 2:n_params + 4]
        state = leaves[n_params + 4:]
        if is_lstm:
            s1 = cell(x1, (state[:2], state[2:]))
            h, c = cell(x2, s1)
            outs = [*h, *c, *s1[0], *s1[1]]
        else:
            h1 = cell(x1, state)
            outs = [*cell(x2, h1), *h1]
        return sum_values([w * o for w, o in zip(weights, outs, strict=True)])

    inputs = [p.data for p in cell.parameters()] + random_numbers(rng, 4) + random_numbers(rng, n_state, 0.5)
    assert gradcheck(f, inputs, atol=1e-6, rtol=1e-5)


# -- saving, Sequential, training ------------------------------------------------------------


@pytest.mark.parametrize("model", [
    RNNCell(2, 3, nonlinearity="relu", rng=1), LSTMCell(2, 3, rng=1), GRUCell(1, 2, rng=1),
    RNN(2, 3, num_layers=2, nonlinearity="relu", rng=1), LSTM(2, 3, num_layers=2, rng=1), GRU(1, 4, rng=1),
    Sequential(LSTM(1, 4, rng=2), LastStep(), Layer(4, 2, activation="linear", rng=3)),
    Sequential(GRU(2, 3, num_layers=2, rng=2), LastStep(), Layer(3, 1, activation="sigmoid", rng=3)),
], ids=repr)  # fmt: skip
def test_a_saved_and_loaded_model_computes_the_same_to_the_last_bit(model, tmp_path):
    path = tmp_path / "model.json"
    save(model, path)
    copy = load(path)
    assert repr(copy) == repr(model) and copy.config() == model.config()
    assert copy.state_dict() == model.state_dict()

    def numbers(out):
        if isinstance(out, Value):
            return out.data
        return [numbers(o) for o in out]

    if isinstance(model, (RNNCell, GRUCell)):
        x = [0.3] * model.input_size
        assert numbers(copy(x, [0.1] * model.hidden_size)) == numbers(model(x, [0.1] * model.hidden_size))
    elif isinstance(model, LSTMCell):
        assert numbers(copy([0.3, -0.2])) == numbers(model([0.3, -0.2]))
    else:
        width = model.input_size if hasattr(model, "input_size") else model[0].input_size
        xs = [[0.1 * t - 0.2] * width for t in range(5)]
        assert numbers(copy(xs)) == numbers(model(xs))
        if isinstance(model, Sequential):
            assert predict(copy, [xs, xs[::-1]]) == predict(model, [xs, xs[::-1]])


def test_last_step_takes_the_last_output_of_a_recurrent_layer():
    lstm = LSTM(1, 3, rng=0)
    result = lstm([[1.0], [2.0]])
    assert LastStep()(result) == result[0][-1]
    assert all(a is b for a, b in zip(LastStep()(result), result[0][-1], strict=True))
    assert LastStep()([[1.0], [2.0], [3.0]]) == [3.0]
    assert LastStep().num_parameters() == 0


def toy_sequences(n, length, rng):
    """Class 1 if the sequence's first number is positive, else 0 (it must be remembered)."""
    X, y = [], []
    for _ in range(n):
        first = rng.choice([-1.0, 1.0]) * rng.uniform(0.5, 1.0)
        X.append([[first]] + [[rng.uniform(-0.3, 0.3)] for _ in range(length - 1)])
        y.append(1 if first > 0 else 0)
    return X, y


@pytest.mark.parametrize("cls", [LSTM, GRU, RNN])
def test_fit_trains_a_sequence_classifier_and_the_loss_goes_down(cls):
    X, y = toy_sequences(24, 4, random.Random(0))
    model = Sequential(cls(1, 4, rng=0), LastStep(), Layer(4, 2, activation="linear", rng=0))
    history = fit(model, X, y, loss="cross_entropy", optimizer=Adam(model.parameters(), lr=0.05), epochs=20,
                  batch_size=8, progress=False)
    assert history["loss"][-1] < 0.5 * history["loss"][0]
    assert accuracy(model, X, y) >= 0.9
    assert len(predict(model, X[:3])) == 3 and len(predict(model, X[:3])[0]) == 2


def test_a_recurrent_model_is_a_module_all_the_way_down():
    model = Sequential(LSTM(1, 2, rng=0), LastStep(), Layer(2, 2, rng=0))
    assert isinstance(model[0], Module) and isinstance(model[1], Module)
    assert [n for n, _ in model.named_parameters()][0] == "0.weight_ih_l0.0.0"


# -- equal to PyTorch ------------------------------------------------------------------------

KINDS = {"rnn_tanh": (RNN, "RNN", {"nonlinearity": "tanh"}), "rnn_relu": (RNN, "RNN", {"nonlinearity": "relu"}),
         "lstm": (LSTM, "LSTM", {}), "gru": (GRU, "GRU", {})}
CELLS = {"rnn_tanh": (RNNCell, "RNNCell", {"nonlinearity": "tanh"}),
         "rnn_relu": (RNNCell, "RNNCell", {"nonlinearity": "relu"}),
         "lstm": (LSTMCell, "LSTMCell", {}), "gru": (GRUCell, "GRUCell", {})}


def copy_from_torch(ours, module):
    """Each of our parameters from the torch tensor its name gives: 'weight_ih_l1.5.2' is weight_ih_l1[5, 2]."""
    for name, p in ours.named_parameters():
        tensor, *index = name.split(".")
        p.data = getattr(module, tensor)[tuple(int(i) for i in index)].item()


def torch_grad_of(module, name):
    tensor, *index = name.split(".")
    grad = getattr(module, tensor).grad
    return 0.0 if grad is None else grad[tuple(int(i) for i in index)].item()


def assert_close(what, ours, theirs):
    assert len(ours) == len(theirs), f"{what}: {len(ours)} numbers, torch {len(theirs)}"
    for i, (a, b) in enumerate(zip(ours, theirs, strict=True)):
        assert abs(a - b) <= TOLERANCE, f"{what}[{i}]: ours {a!r}, torch {b!r}"


@st.composite
def recurrent_cases(draw):
    return (draw(st.sampled_from(sorted(KINDS))), draw(st.integers(1, 3)), draw(st.integers(1, 4)),
            draw(st.integers(1, 2)), draw(st.integers(1, 6)), draw(st.booleans()), draw(st.integers(0, 2**31)))


def flat(nested):
    return [v for row in nested for v in row]


@needs_torch
@FEW
@given(case=recurrent_cases())
def test_sequence_layers_match_torch_outputs_states_and_every_gradient(case):
    kind, n_in, hidden, layers, length, with_state, seed = case
    cls, torch_name, kwargs = KINDS[kind]
    rng = random.Random(seed)
    torch.manual_seed(seed)
    module = getattr(torch.nn, torch_name)(n_in, hidden, num_layers=layers, batch_first=True,
                                           dtype=torch.float64, **kwargs)
    ours = cls(n_in, hidden, num_layers=layers, rng=0, **kwargs)
    copy_from_torch(ours, module)

    xs = [random_numbers(rng, n_in, 2.0) for _ in range(length)]
    parts = 2 if kind == "lstm" else 1
    state0 = [[random_numbers(rng, hidden) for _ in range(layers)] for _ in range(parts)] if with_state else None

    x_values = [values(x) for x in xs]
    state_values = [[values(h) for h in part] for part in state0] if with_state else None
    given_state = None if not with_state else (tuple(state_values) if kind == "lstm" else state_values[0])
    outputs, final = ours(x_values, given_state)
    finals = list(final) if kind == "lstm" else [final]
    out_w = [random_numbers(rng, hidden) for _ in range(length)]
    fin_w = [[random_numbers(rng, hidden) for _ in range(layers)] for _ in range(parts)]
    terms = [w * v for ws, h in zip(out_w, outputs, strict=True) for w, v in zip(ws, h, strict=True)]
    terms += [w * v for wp, fp in zip(fin_w, finals, strict=True) for w, v in zip(flat(wp), flat(fp), strict=True)]
    sum_values(terms).backward()

    x = torch.tensor([xs], dtype=torch.float64, requires_grad=True)
    t_state = [torch.tensor(part, dtype=torch.float64).unsqueeze(1).requires_grad_() for part in state0] \
        if with_state else None
    t_out, t_final = module(x, None if t_state is None else (tuple(t_state) if kind == "lstm" else t_state[0]))
    t_finals = list(t_final) if kind == "lstm" else [t_final]
    loss = (t_out[0] * torch.tensor(out_w, dtype=torch.float64)).sum()
    for wp, tp in zip(fin_w, t_finals, strict=True):
        loss = loss + (tp[:, 0, :] * torch.tensor(wp, dtype=torch.float64)).sum()
    loss.backward()

    assert_close("outputs", [v.data for v in flat(outputs)], t_out[0].flatten().tolist())
    for p, (fp, tp) in enumerate(zip(finals, t_finals, strict=True)):
        assert_close(f"final state part {p}", [v.data for v in flat(fp)], tp[:, 0, :].flatten().tolist())
    names = [n for n, _ in ours.named_parameters()]
    assert_close("parameter grads", [p.grad for p in ours.parameters()], [torch_grad_of(module, n) for n in names])
    assert_close("input grads", [v.grad for v in flat(x_values)], x.grad[0].flatten().tolist())
    if with_state:
        for part, tp in zip(state_values, t_state, strict=True):
            assert_close("initial state grads", [v.grad for h in part for v in h], tp.grad[:, 0, :].flatten().tolist())


@st.composite
def cell_cases(draw):
    return (draw(st.sampled_from(sorted(CELLS))), draw(st.integers(1, 3)), draw(st.integers(1, 4)),
            draw(st.integers(1, 3)), draw(st.integers(0, 2**31)))


@needs_torch
@FEW
@given(case=cell_cases())
def test_cells_match_torch_step_by_step_with_every_gradient(case):
    kind, n_in, hidden, steps, seed = case
    cls, torch_name, kwargs = CELLS[kind]
    rng = random.Random(seed)
    torch.manual_seed(seed)
    module = getattr(torch.nn, torch_name)(n_in, hidden, dtype=torch.float64, **kwargs)
    cell = cls(n_in, hidden, rng=0, **kwargs)
    copy_from_torch(cell, module)
    lstm = kind == "lstm"

    xs = [random_numbers(rng, n_in, 2.0) for _ in range(steps)]
    state0 = [random_numbers(rng, hidden) for _ in range(2 if lstm else 1)]
    x_values, s_values = [values(x) for x in xs], [values(s) for s in state0]
    state = tuple(s_values) if lstm else s_values[0]
    hs = []
    for x in x_values:
        state = cell(x, state)
        hs.append(state[0] if lstm else state)
    ours_last = list(state) if lstm else [state]
    ws = [random_numbers(rng, hidden) for _ in range(steps)] + [random_numbers(rng, hidden)]
    terms = [w * v for wrow, h in zip(ws, hs, strict=False) for w, v in zip(wrow, h, strict=True)]
    if lstm:
        terms += [w * v for w, v in zip(ws[-1], ours_last[1], strict=True)]
    sum_values(terms).backward()

    t_x = torch.tensor(xs, dtype=torch.float64, requires_grad=True)
    t_s = [torch.tensor([s], dtype=torch.float64, requires_grad=True) for s in state0]
    t_state = tuple(t_s) if lstm else t_s[0]
    t_hs = []
    for t in range(steps):
        t_state = module(t_x[t:t + 1], t_state)
        t_hs.append(t_state[0] if lstm else t_state)
    loss = sum((h[0] * torch.tensor(w, dtype=torch.float64)).sum() for w, h in zip(ws, t_hs, strict=False))
    if lstm:
        loss = loss + (t_state[1][0] * torch.tensor(ws[-1], dtype=torch.float64)).sum()
    loss.backward()

    assert_close("h", [v.data for h in hs for v in h], torch.cat(t_hs).flatten().tolist())
    if lstm:
        assert_close("c", [v.data for v in ours_last[1]], t_state[1][0].tolist())
    names = [n for n, _ in cell.named_parameters()]
    assert_close("parameter grads", [p.grad for p in cell.parameters()], [torch_grad_of(module, n) for n in names])
    assert_close("input grads", [v.grad for x in x_values for v in x], t_x.grad.flatten().tolist())
    assert_close("state grads", [v.grad for s in s_values for v in s], [g for t in t_s for g in t.grad[0].tolist()])


# -- to_torch and from_torch -----------------------------------------------------------------


def randomize(model, rng):
    for p in model.parameters():
        p.data = rng.uniform(-1.0, 1.0)


def numbers_of(out):
    return out.data if isinstance(out, Value) else [numbers_of(o) for o in out]


@needs_torch
@pytest.mark.parametrize("model", [
    RNN(2, 3, num_layers=2, nonlinearity="relu", rng=0), RNN(1, 2, rng=0), LSTM(2, 3, num_layers=2, rng=0),
    GRU(3, 2, num_layers=2, rng=0), LSTM(1, 1, rng=0),
], ids=repr)  # fmt: skip
def test_to_torch_of_a_sequence_layer_is_torchs_batch_first_layer_computing_the_same(model):
    from tinygrad_ann.interop import from_torch, to_torch

    rng = random.Random(1)
    randomize(model, rng)
    net = to_torch(model)
    assert type(net) is getattr(torch.nn, type(model).__name__) and net.batch_first
    for name, p in model.named_parameters():  # every weight where PyTorch's name says
        tensor, *index = name.split(".")
        assert getattr(net, tensor)[tuple(int(i) for i in index)].item() == p.data, name
    batch = [[random_numbers(rng, model.input_size, 2.0) for _ in range(4)] for _ in range(2)]
    t_out, t_final = net(torch.tensor(batch, dtype=torch.float64))
    t_finals = t_final if isinstance(model, LSTM) else (t_final,)
    for n, xs in enumerate(batch):
        outputs, final = model(xs)
        finals = final if isinstance(model, LSTM) else (final,)
        assert_close("outputs", flat(numbers_of(outputs)), t_out[n].flatten().tolist())
        for ours, theirs in zip(finals, t_finals, strict=True):
            assert_close("final state", flat(numbers_of(ours)), theirs[:, n, :].flatten().tolist())
    back = from_torch(net)
    assert back.config() == model.config() and back.state_dict() == model.state_dict()


@needs_torch
@pytest.mark.parametrize("model", [RNNCell(2, 3, nonlinearity="relu", rng=0), LSTMCell(2, 3, rng=0),
                                   GRUCell(1, 4, rng=0)], ids=repr)
def test_to_torch_of_a_cell_is_torchs_cell_computing_the_same(model):
    from tinygrad_ann.interop import from_torch, to_torch

    rng = random.Random(2)
    randomize(model, rng)
    net = to_torch(model)
    assert type(net) is getattr(torch.nn, type(model).__name__)
    x, h = random_numbers(rng, model.input_size), random_numbers(rng, model.hidden_size)
    tx, th = torch.tensor([x], dtype=torch.float64), torch.tensor([h], dtype=torch.float64)
    if isinstance(model, LSTMCell):
        ours, theirs = model(x, (h, h)), net(tx, (th, th))
        assert_close("h and c", numbers_of(ours[0]) + numbers_of(ours[1]), theirs[0][0].tolist() + theirs[1][0].tolist())
    else:
        assert_close("h", numbers_of(model(x, h)), net(tx, th)[0].tolist())
    back = from_torch(net)
    assert back.config() == model.config() and back.state_dict() == model.state_dict()


@needs_torch
def test_a_sequence_classifier_with_last_step_converts_whole_and_computes_the_same():
    from tinygrad_ann import interop
    from tinygrad_ann.interop import from_torch, to_torch

    model = Sequential(GRU(2, 3, num_layers=2, rng=0), LastStep(), Layer(3, 2, activation="tanh", rng=0))
    randomize(model, random.Random(3))
    net = to_torch(model)
    assert [type(m).__name__ for m in net] == ["GRU", "LastStep", "Sequential"]
    assert type(net[1]) is interop.LastStep
    batch = [[random_numbers(random.Random(n), 2) for _ in range(5)] for n in range(3)]
    expected = net(torch.tensor(batch, dtype=torch.float64)).tolist()
    for xs, row in zip(batch, expected, strict=True):
        assert_close("scores", numbers_of(model(xs)), row)
    back = from_torch(net)
    assert back.config() == model.config() and back.state_dict() == model.state_dict()
    import pickle

    assert type(pickle.loads(pickle.dumps(net))[1]) is interop.LastStep


@needs_torch
def test_from_torch_takes_a_layer_that_is_not_batch_first():
    from tinygrad_ann.interop import from_torch

    torch.manual_seed(4)
    net = torch.nn.LSTM(2, 3, num_layers=2, dtype=torch.float64)  # (T, N, input)
    ours = from_torch(net)
    xs = [random_numbers(random.Random(5), 2) for _ in range(4)]
    t_out, (t_h, t_c) = net(torch.tensor(xs, dtype=torch.float64).unsqueeze(1))
    outputs, (h_n, c_n) = ours(xs)
    assert_close("outputs", flat(numbers_of(outputs)), t_out[:, 0, :].flatten().tolist())
    assert_close("c_n", flat(numbers_of(c_n)), t_c[:, 0, :].flatten().tolist())


@needs_torch
@pytest.mark.parametrize("make, message", [
    (lambda nn: nn.LSTM(2, 3, bidirectional=True), r"^from_torch: module \(LSTM\) has bidirectional=True"),
    (lambda nn: nn.GRU(2, 3, num_layers=2, dropout=0.5), r"^from_torch: module \(GRU\) has dropout=0.5"),
    (lambda nn: nn.LSTM(2, 3, proj_size=2), r"^from_torch: module \(LSTM\) has proj_size=2"),
    (lambda nn: nn.RNN(2, 3, bias=False), r"^from_torch: module \(RNN\) has bias=False"),
    (lambda nn: nn.GRUCell(2, 3, bias=False), r"^from_torch: module \(GRUCell\) has bias=False"),
    (lambda nn: nn.Sequential(nn.LSTM(2, 3, bidirectional=True)), r"module\[0\] \(LSTM\) has bidirectional"),
])  # fmt: skip
def test_from_torch_names_the_recurrent_settings_it_cannot_compute(make, message):
    from tinygrad_ann.interop import from_torch

    with pytest.raises(ValueError, match=message):
        from_torch(make(torch.nn))


def test_a_sequential_without_laststep_after_a_recurrent_layer_says_where_to_put_it():
    from tinygrad_ann.nn import LSTM, Layer, Sequential

    model = Sequential(LSTM(1, 2, rng=0), Layer(2, 1, rng=0))
    with pytest.raises(ValueError, match=r"^Sequential: layer 0 \(LSTM\) returns \(outputs, state\), which "
                                         r"layer 1 \(Layer\) cannot read; put LastStep\(\) between them"):
        model([[0.5], [1.0]])


def test_laststep_reads_a_pair_of_time_steps_as_steps_and_refuses_a_flat_pair():
    from tinygrad_ann.nn import LastStep

    assert LastStep()(([1.0, 2.0], [3.0, 4.0])) == [3.0, 4.0]  # two steps given as a tuple
    with pytest.raises(TypeError, match="^LastStep: x must be a recurrent layer's"):
        LastStep()((1.0, 2.0))
