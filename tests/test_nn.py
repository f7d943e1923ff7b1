"""Neuron, Layer, MLP and Module: the network API, its errors, and micrograd compatibility."""

import math
import random

import pytest

from tinygrad_ann import MLP, Layer, Module, Neuron, Value, gradcheck
from tinygrad_ann.nn import ACTIVATIONS


def test_nn_names_are_importable_from_the_package_top():
    import tinygrad_ann.nn as nn

    assert nn.MLP is MLP and nn.Layer is Layer and nn.Neuron is Neuron and nn.Module is Module


# -- Neuron -------------------------------------------------------------------


def test_neuron_computes_activation_of_weighted_sum_plus_bias():
    n = Neuron(3, activation="tanh", rng=0)
    for w, v in zip(n.w, (0.5, -1.0, 2.0), strict=True):
        w.data = v
    n.b.data = 0.25
    out = n([1.0, 2.0, -0.5])
    assert out.data == pytest.approx(math.tanh(0.5 - 2.0 - 1.0 + 0.25))


def test_neuron_gradients_match_the_unfused_expression():
    n = Neuron(3, activation="sigmoid", rng=1)
    xs = [Value(0.3), Value(-1.2), Value(0.7)]
    out = n(xs)
    out.backward()
    fused = [p.grad for p in n.parameters()] + [x.grad for x in xs]

    # The same neuron written op by op, micrograd style.
    ws = [Value(w.data) for w in n.w]
    b = Value(n.b.data)
    xs2 = [Value(x.data) for x in xs]
    act = b
    for w, x in zip(ws, xs2, strict=True):
        act = act + w * x
    plain = act.sigmoid()
    plain.backward()
    assert out.data == pytest.approx(plain.data, abs=1e-15)
    assert fused == pytest.approx([p.grad for p in ws + [b]] + [x.grad for x in xs2], abs=1e-15)


def test_neuron_gradcheck_through_the_fused_node():
    n = Neuron(2, activation="tanh", rng=2)

    def f(w0, w1, b, x0, x1):
        n.w[0], n.w[1], n.b = w0, w1, b
        return n([x0, x1])

    assert gradcheck(f, [0.4, -0.3, 0.1, 1.5, -0.7])


def test_neuron_fused_sum_is_one_dot_node_then_the_activation():
    n = Neuron(4, rng=0)
    out = n([1.0, 2.0, 3.0, 4.0])
    assert out._op == "relu"
    (s,) = out._prev
    assert s._op == "dot"
    assert len(s._prev) == 2 * 4 + 1
    assert s._prev[0] is n.w[0] and s._prev[-1] is n.b


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_neuron_accepts_every_named_activation(name):
    n = Neuron(2, activation=name, rng=0)
    out = n([0.3, -0.4])
    assert isinstance(out, Value)
    assert n.activation == name
    assert out._op == ("dot" if name == "linear" else name)


def test_neuron_accepts_a_callable_activation():
    def cube(v):
        return v ** 3

    n = Neuron(1, activation=cube, rng=0)
    n.w[0].data, n.b.data = 2.0, 0.0
    assert n([1.5]).data == pytest.approx(27.0)
    assert n.activation == "cube"


def test_nonlin_false_means_linear_as_in_micrograd():
    n = Neuron(2, nonlin=False, rng=0)
    assert n.activation == "linear" and n.nonlin is False
    n.w[0].data, n.w[1].data = -3.0, 0.0
    assert n([1.0, 1.0]).data == -3.0  # relu would give 0


def test_bias_starts_at_zero_and_uniform_weights_lie_in_minus_one_one():
    n = Neuron(200, rng=3)
    assert n.b.data == 0.0
    assert all(-1.0 <= w.data <= 1.0 for w in n.w)
    assert max(w.data for w in n.w) > 0.5 and min(w.data for w in n.w) < -0.5


def test_xavier_and_he_initialisation_have_the_right_spread():
    layer = Layer(100, 100, init="xavier", rng=4)
    a = math.sqrt(6.0 / 200)
    ws = [w.data for n in layer.neurons for w in n.w]
    assert max(abs(w) for w in ws) <= a
    assert max(abs(w) for w in ws) > 0.9 * a
    he = [w.data for n in Layer(50, 200, init="he", rng=5).neurons for w in n.w]
    std = math.sqrt(sum(w * w for w in he) / len(he))
    assert std == pytest.approx(math.sqrt(2.0 / 50), rel=0.05)


def test_same_seed_same_weights_and_random_seed_works_too():
    assert MLP(3, [4, 2], rng=7).state_dict() == MLP(3, [4, 2], rng=random.Random(7)).state_dict()
    assert MLP(3, [4, 2], rng=7).state_dict() != MLP(3, [4, 2], rng=8).state_dict()
    random.seed(11)
    a = MLP(3, [4, 2]).state_dict()
    random.seed(11)
    assert MLP(3, [4, 2]).state_dict() == a


# -- Layer and MLP ----------------------------------------------------------------


def test_layer_returns_a_list_or_a_single_value_when_nout_is_one():
    assert isinstance(Layer(2, 3, rng=0)([1.0, 2.0]), list)
    assert isinstance(Layer(2, 1, rng=0)([1.0, 2.0]), Value)


def test_layer_neurons_share_the_same_input_nodes():
    outs = Layer(2, 3, rng=0)([1.0, 2.0])
    first_inputs = [outs[0]._prev[0]._prev[i] for i in (1, 3)]
    for o in outs[1:]:
        assert [o._prev[0]._prev[i] for i in (1, 3)] == first_inputs


def test_mlp_16_16_1_has_337_parameters():
    assert len(MLP(2, [16, 16, 1], rng=0).parameters()) == 2 * 16 + 16 + 16 * 16 + 16 + 16 + 1 == 337


def test_mlp_hidden_and_output_activations():
    m = MLP(2, [3, 3, 2], activation="tanh", output_activation="sigmoid", rng=0)
    assert [l.activation for l in m.layers] == ["tanh", "tanh", "sigmoid"]
    outs = m([0.1, 0.2])
    assert len(outs) == 2 and all(0.0 < o.data < 1.0 for o in outs)


def test_parameters_are_ordered_layer_neuron_weights_then_bias():
    m = MLP(2, [2, 1], rng=0)
    expected = []
    for layer in m.layers:
        for n in layer.neurons:
            expected += n.w + [n.b]
    assert all(a is b for a, b in zip(m.parameters(), expected, strict=True))


def test_named_parameters_have_readable_dotted_names():
    names = [n for n, _ in MLP(2, [4, 1], rng=0).named_parameters()]
    assert names[0] == "layers.0.neurons.0.w.0"
    assert "layers.0.neurons.3.w.1" in names
    assert names[-1] == "layers.1.neurons.0.b"
    assert len(names) == len(set(names)) == 17


def test_repr_shows_architecture_and_parameter_count():
    r = repr(MLP(2, [16, 16, 1], rng=0))
    assert "2" in r and "16 relu" in r and "1 linear" in r and "337 parameters" in r


def test_zero_grad_resets_every_parameter():
    m = MLP(2, [3, 1], rng=0)
    m([1.0, -1.0]).backward()
    assert any(p.grad != 0.0 for p in m.parameters())
    m.zero_grad()
    assert all(p.grad == 0.0 for p in m.parameters())


def test_model_accepts_values_tuples_and_ints():
    m = MLP(2, [3, 1], rng=0)
    a = m([1, 2]).data
    assert m((1.0, 2.0)).data == a
    assert m([Value(1.0), Value(2.0)]).data == a


def test_inputs_that_are_values_receive_gradients():
    m = MLP(2, [3, 1], activation="tanh", rng=0)
    x = [Value(0.5), Value(-0.5)]
    m(x).backward()
    assert any(v.grad != 0.0 for v in x)


# -- bad input ------------------------------------------------------------------


@pytest.mark.parametrize("model", [MLP(3, [2, 1], rng=0), Layer(3, 2, rng=0), Neuron(3, rng=0)])
def test_wrong_input_length_names_expected_and_actual_sizes(model):
    name = type(model).__name__
    with pytest.raises(ValueError, match=rf"^{name}: x must be a list of 3 numbers or Values \(one sample\), "
                                         rf"got \[1.0, 2.0\] \(2 inputs\)$"):
        model([1.0, 2.0])


def test_a_non_number_input_is_named_by_its_index():
    with pytest.raises(TypeError, match=r"^MLP: x\[1\] must be a number or a Value, got 'a' \(str\)$"):
        MLP(3, [2, 1], rng=0)([1.0, "a", 2.0])


@pytest.mark.parametrize("bad", [["a", 1.0, 2.0], [None, 1.0, 2.0], 3.0, "abc", Value(1.0)])
def test_non_number_input_raises_type_error(bad):
    with pytest.raises(TypeError):
        MLP(3, [2, 1], rng=0)(bad)


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: MLP(0, [1]), "MLP: nin must be a whole number >= 1, got 0"),
        (lambda: MLP(2, []), "MLP: nouts must be a non-empty list of layer sizes, got []"),
        (lambda: MLP(2, [3, 0]), "MLP: nouts[1] must be a whole number >= 1, got 0"),
        (lambda: Neuron(-1), "Neuron: nin must be a whole number >= 1, got -1"),
        (lambda: Layer(2, 0), "Layer: nout must be a whole number >= 1, got 0"),
        (lambda: Neuron(2, activation="swish"), "Neuron: unknown activation 'swish'; choose one of"),
        (lambda: Neuron(2, init="zeros"), "Neuron: unknown init 'zeros'; choose one of"),
    ],
)
def test_a_bad_constructor_value_is_a_value_error_naming_the_class_and_argument(make, message):
    with pytest.raises(ValueError) as info:
        make()
    assert str(info.value).startswith(message)


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: Neuron("3"), "Neuron: nin must be a whole number >= 1, got '3' (str)"),
        (lambda: Neuron(2.5), "Neuron: nin must be a whole number >= 1, got 2.5 (float)"),
        (lambda: Neuron(True), "Neuron: nin must be a whole number >= 1, got True (bool)"),
        (lambda: Layer(2, None), "Layer: nout must be a whole number >= 1, got None"),
        (lambda: MLP(2, 3), "MLP: nouts must be a non-empty list of layer sizes, got 3 (int)"),
        (lambda: MLP(2, "31"), "MLP: nouts must be a non-empty list of layer sizes, got '31' (str)"),
        (lambda: MLP(2, [3, 1.0]), "MLP: nouts[1] must be a whole number >= 1, got 1.0 (float)"),
        (lambda: Neuron(2, activation=5), "Neuron: activation must be a name or a function Value -> Value, got 5 (int)"),
        (lambda: Neuron(2, init=None), "Neuron: init must be one of 'uniform', 'xavier', 'he', got None"),
        (lambda: Neuron(2, rng="seed"), "Neuron: rng must be an int seed, a random.Random or None, got 'seed' (str)"),
        (lambda: MLP(2, [1], rng=1.5), "MLP: rng must be an int seed, a random.Random or None, got 1.5 (float)"),
    ],
)
def test_a_bad_constructor_type_is_a_type_error_naming_the_class_and_argument(make, message):
    with pytest.raises(TypeError) as info:
        make()
    assert str(info.value).startswith(message)


def test_unknown_activation_error_lists_the_choices():
    with pytest.raises(ValueError, match="relu.*tanh"):
        Neuron(2, activation="swish")


def test_mlp_with_one_layer_still_rejects_a_misspelt_hidden_activation():
    # One layer has no hidden layer to use `activation`, but a typo is still an error.
    with pytest.raises(ValueError, match=r"^MLP: unknown activation 'tahn'"):
        MLP(2, [1], activation="tahn")


def test_mlp_names_output_activation_when_it_is_the_bad_argument():
    with pytest.raises(ValueError, match=r"^MLP: unknown output_activation 'sigmod'"):
        MLP(2, [3, 1], output_activation="sigmod")


def test_mlp_names_itself_for_a_bad_init():
    with pytest.raises(ValueError, match=r"^MLP: unknown init 'zeros'"):
        MLP(2, [3, 1], init="zeros")


def test_layer_names_itself_for_a_bad_activation():
    with pytest.raises(ValueError, match=r"^Layer: unknown activation 'swish'"):
        Layer(2, 3, activation="swish")


# -- state dicts -------------------------------------------------------------------


def test_state_dict_round_trip_copies_weights():
    a, b = MLP(2, [3, 1], rng=0), MLP(2, [3, 1], rng=1)
    b.load_state_dict(a.state_dict())
    assert b.state_dict() == a.state_dict()
    assert b([0.3, 0.4]).data == a([0.3, 0.4]).data


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda d: d.pop("layers.0.neurons.0.b"), "missing 'layers.0.neurons.0.b'"),
        (lambda d: d.update({"layers.9.x": 1.0}), "unexpected 'layers.9.x'"),
        (lambda d: d.update({"layers.1.neurons.0.b": "1.0"}), "^load_state_dict: parameter 'layers.1.neurons.0.b' must be a number, got '1.0' \\(str\\)$"),
        (lambda d: d.update({"layers.1.neurons.0.b": True}), "'layers.1.neurons.0.b' must be a number, got True \\(bool\\)"),
        (lambda d: d.update({"layers.1.neurons.0.b": float("nan")}), "must be a finite number, got nan"),
        (lambda d: d.update({"layers.1.neurons.0.b": None}), "must be a number, got None$"),
        (lambda d: d.update({"layers.1.neurons.0.b": 10**400}), "finite number, got an integer of about 10\\^400"),
        (lambda d: d.update({"layers.1.neurons.0.b": -(10**5000)}), "finite number, got an integer of about -10\\^5000"),
    ],
)
def test_bad_state_dict_raises_and_leaves_model_unchanged(mutate, message):
    m = MLP(2, [3, 1], rng=0)
    before = m.state_dict()
    bad = MLP(2, [3, 1], rng=1).state_dict()
    mutate(bad)
    with pytest.raises(ValueError, match=message):
        m.load_state_dict(bad)
    assert m.state_dict() == before


def test_a_custom_activation_named_like_a_built_in_is_not_taken_for_it():
    def relu(v):  # not the built-in relu
        return v * 3

    m = MLP(2, [3, 1], activation=relu, rng=0)
    assert m.layers[0].activation == "custom relu"
    assert "custom relu" in repr(m)
    with pytest.raises(ValueError, match="custom function"):
        m.config()


def test_a_built_in_activation_passed_as_a_function_keeps_its_name():
    assert Neuron(2, activation=Value.tanh, rng=0).activation == "tanh"


def test_a_module_defining_only_parameters_names_them_by_position():
    class Line(Module):
        def __init__(self):
            self.a, self.c = Value(2.0), Value(-1.0)

        def parameters(self):
            return [self.a, self.c]

    line = Line()
    assert line.state_dict() == {"0": 2.0, "1": -1.0}
    line.load_state_dict({"0": 5.0, "1": 6.0})
    assert (line.a.data, line.c.data) == (5.0, 6.0)
    with pytest.raises(ValueError, match="missing '1'"):
        line.load_state_dict({"0": 1.0})


def test_a_module_whose_parameters_extend_supers_does_not_recurse():
    class Scaled(Module):
        def __init__(self):
            self.s = Value(2.0)

        def parameters(self):
            return super().parameters() + [self.s]

    assert Scaled().state_dict() == {"0": 2.0}


def test_neuron_and_layer_reprs_show_the_architecture_and_parameter_count():
    assert repr(Neuron(3, activation="tanh", rng=0)) == "Neuron(nin=3, activation='tanh'; 4 parameters)"
    assert repr(Layer(3, 2, rng=0)) == "Layer(nin=3, nout=2, activation='relu'; 8 parameters)"


def test_layer_names_an_unknown_argument():
    with pytest.raises(TypeError, match="Layer: unexpected argument 'activaton'"):
        Layer(2, 3, activaton="tanh")


def test_a_state_that_is_not_a_dict_is_a_type_error():
    m = MLP(2, [3, 1], rng=0)
    with pytest.raises(TypeError, match=r"^load_state_dict: state must be a dict of parameter name -> number, got \[1.0\] \(list\)$"):
        m.load_state_dict([1.0])


def test_state_dict_of_another_architecture_is_rejected():
    m = MLP(2, [3, 1], rng=0)
    with pytest.raises(ValueError, match="does not match"):
        m.load_state_dict(MLP(2, [4, 1], rng=0).state_dict())


# -- micrograd compatibility ---------------------------------------------------------


def test_same_weights_and_outputs_as_micrograd_for_the_same_seed():
    mg = pytest.importorskip("micrograd.nn")
    random.seed(1337)
    theirs = mg.MLP(2, [16, 16, 1])
    random.seed(1337)
    ours = MLP(2, [16, 16, 1])
    assert [p.data for p in ours.parameters()] == [p.data for p in theirs.parameters()]
    for x in ([0.3, -0.7], [1.5, 2.0], [-1.0, 0.25]):
        assert ours(x).data == pytest.approx(theirs(x).data, abs=1e-12)


def test_gradients_equal_micrograds_after_copying_weights():
    mg = pytest.importorskip("micrograd.nn")
    theirs = mg.MLP(3, [4, 4, 1])
    ours = MLP(3, [4, 4, 1], rng=0)
    for p, q in zip(ours.parameters(), theirs.parameters(), strict=True):
        p.data = q.data
    x = [0.5, -1.5, 2.0]
    theirs(x).backward()
    ours(x).backward()
    assert [p.grad for p in ours.parameters()] == pytest.approx(
        [p.grad for p in theirs.parameters()], abs=1e-12
    )
