"""to_torch and from_torch: the same function, the same weights, the same gradients as PyTorch.

How equality is proved: a model with random shapes (channels 1-3, kernels 1-4, square
or not, strides 1-3, padding 0-2, inputs that fit) and random weights is copied to
PyTorch with to_torch. Both run a batch and backpropagate the same random weighting
of the outputs. Outputs, every parameter's gradient and every input's gradient
(our inputs are Values made from the same numbers) must be equal to PyTorch's
float64 within 1e-9. Each of our parameters is matched to its torch element by
value: all weights are distinct random numbers, so a weight copied to the wrong
place, or not at all, is caught too.

PyTorch is not a dependency of tinygrad_ann: these tests skip without it.
"""

import copy
import pickle
import random
import subprocess
import sys

import pytest

torch = pytest.importorskip("torch")

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tinygrad_ann import interop  # noqa: E402
from tinygrad_ann.engine import Value, sum_values  # noqa: E402
from tinygrad_ann.interop import from_torch, to_torch  # noqa: E402
from tinygrad_ann.nn import (  # noqa: E402
    ACTIVATIONS, MLP, AvgPool2d, Conv1d, Conv2d, Flatten, Layer, MaxPool2d, Module, Neuron, Sequential,
)

nn = torch.nn
TOLERANCE = 1e-9
FEW = settings(max_examples=25, deadline=None)


# -- the parity check ------------------------------------------------------------------------


def randomize(model, rng):
    """Every parameter a distinct random number (biases too, which start at 0)."""
    for p in model.parameters():
        p.data = rng.uniform(-1.0, 1.0)


def random_sample(shape, rng):
    if not shape:
        return rng.uniform(-2.0, 2.0)
    return [random_sample(shape[1:], rng) for _ in range(shape[0])]


def as_values(sample):
    return Value(sample) if isinstance(sample, float) else [as_values(x) for x in sample]


def leaves(nested):
    """The numbers or Values of a nested list (or one Value), in reading order."""
    if isinstance(nested, (list, tuple)):
        return [leaf for x in nested for leaf in leaves(x)]
    return [nested]


def check_parity(model, sample_shape, rng, batch=2):
    """Our model on each sample against to_torch(model) on the batch: outputs, every
    parameter's and every input's gradient within TOLERANCE. Returns the largest
    difference seen."""
    randomize(model, rng)
    net = to_torch(model)
    samples = [random_sample(sample_shape, rng) for _ in range(batch)]

    inputs = [as_values(s) for s in samples]
    outputs = [leaves(model(x)) for x in inputs]
    weights = [[rng.uniform(-1.0, 1.0) for _ in out] for out in outputs]
    sum_values([w * o for out, ws in zip(outputs, weights, strict=True) for w, o in zip(ws, out, strict=True)]).backward()

    x = torch.tensor(samples, dtype=torch.float64, requires_grad=True)
    y = net(x)
    assert y.shape[0] == batch and y[0].numel() == len(outputs[0])
    (y * torch.tensor(weights, dtype=torch.float64).reshape(y.shape)).sum().backward()

    largest = 0.0

    def compare(what, ours, theirs):
        nonlocal largest
        assert len(ours) == len(theirs), f"{what}: {len(ours)} numbers, torch {len(theirs)}"
        for i, (a, b) in enumerate(zip(ours, theirs, strict=True)):
            assert abs(a - b) <= TOLERANCE, f"{model!r}: {what} [{i}]: ours {a!r}, torch {b!r}"
            largest = max(largest, abs(a - b))

    for n in range(batch):
        compare(f"output of sample {n}", [o.data for o in outputs[n]], y[n].flatten().tolist())
        compare(f"input grad of sample {n}", [v.grad for v in leaves(inputs[n])], x.grad[n].flatten().tolist())
    compare("parameter grads", *matched_parameter_grads(model, net))
    return largest


def matched_parameter_grads(model, net):
    """(our grads, torch's grads of the same weights), each weight found in torch by its value."""
    torch_grad = {}
    for t in net.parameters():
        grads = torch.zeros_like(t) if t.grad is None else t.grad
        torch_grad.update(zip(t.detach().flatten().tolist(), grads.flatten().tolist(), strict=True))
    params = model.parameters()
    assert len(torch_grad) == len(params) == sum(t.numel() for t in net.parameters())
    missing = [name for name, p in model.named_parameters() if p.data not in torch_grad]
    assert not missing, f"not copied to torch: {missing}"
    return [p.grad for p in params], [torch_grad[p.data] for p in params]


def check_round_trip(model):
    """from_torch(to_torch(model)) has the same config() and state_dict()."""
    back = from_torch(to_torch(model))
    assert back.config() == model.config()
    assert back.state_dict() == model.state_dict()


# -- random shapes ---------------------------------------------------------------------------

activations = st.sampled_from(sorted(ACTIVATIONS))
sizes = st.integers(1, 4)


def side(draw, kernel, stride, padding):
    """An input size that the kernel fits (with its padding), up to a few outputs."""
    smallest = max(1, kernel - 2 * padding)
    return draw(st.integers(smallest, smallest + 2 * stride + 1))


@st.composite
def pairs(draw, low, high):
    """A size as torch takes it: one number, or a (rows, columns) pair."""
    if draw(st.booleans()):
        return draw(st.integers(low, high))
    return (draw(st.integers(low, high)), draw(st.integers(low, high)))


def as_pair(x):
    return x if isinstance(x, tuple) else (x, x)


@st.composite
def conv2d_cases(draw):
    cin, cout = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    kernel, stride, padding = draw(pairs(1, 4)), draw(pairs(1, 3)), draw(pairs(0, 2))
    (kh, kw), (sh, sw), (ph, pw) = as_pair(kernel), as_pair(stride), as_pair(padding)
    shape = (cin, side(draw, kh, sh, ph), side(draw, kw, sw, pw))
    conv = Conv2d(cin, cout, kernel, stride=stride, padding=padding, activation=draw(activations), rng=0)
    return conv, shape


@st.composite
def conv1d_cases(draw):
    cin, cout = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    kernel, stride, padding = draw(sizes), draw(st.integers(1, 3)), draw(st.integers(0, 2))
    shape = (cin, side(draw, kernel, stride, padding))
    conv = Conv1d(cin, cout, kernel, stride=stride, padding=padding, activation=draw(activations), rng=0)
    return conv, shape


@st.composite
def pool_cases(draw, pool):
    kernel = draw(pairs(1, 4))
    stride = draw(st.one_of(st.none(), pairs(1, 3)))
    (kh, kw), (sh, sw) = as_pair(kernel), as_pair(kernel if stride is None else stride)
    shape = (draw(st.integers(1, 3)), side(draw, kh, sh, 0), side(draw, kw, sw, 0))
    return pool(kernel, stride), shape


@st.composite
def cnn_cases(draw):
    """conv → (its activation) → pool → flatten → dense → dense, of random shapes."""
    cin, cout = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    kernel, stride, padding = draw(st.integers(1, 3)), draw(st.integers(1, 2)), draw(st.integers(0, 1))
    pool_kernel = draw(st.integers(1, 2))
    # the conv's output must hold a pooling window: (size + 2p - k) // s + 1 >= pool_kernel
    height = draw(st.integers(kernel - 2 * padding + (pool_kernel - 1) * stride, 7).filter(lambda h: h >= 1))
    pooled = ((height + 2 * padding - kernel) // stride + 1) // pool_kernel
    pool = draw(st.sampled_from([MaxPool2d, AvgPool2d]))(pool_kernel)
    hidden, nout = draw(st.integers(1, 4)), draw(st.integers(1, 3))  # (1: one Value between layers)
    model = Sequential(
        Conv2d(cin, cout, kernel, stride=stride, padding=padding, activation="relu", rng=0),
        pool,
        Flatten(),
        Layer(cout * pooled * pooled, hidden, activation=draw(activations), rng=0),
        Layer(hidden, nout, activation="linear", rng=0),
    )
    return model, (cin, height, height)


@st.composite
def mlp_cases(draw):
    nin = draw(st.integers(1, 4))
    nouts = draw(st.lists(st.integers(1, 4), min_size=1, max_size=3))
    model = MLP(nin, nouts, activation=draw(activations), output_activation=draw(activations), rng=0)
    return model, (nin,)


@st.composite
def layer_cases(draw):
    nin, nout = draw(st.integers(1, 5)), draw(st.integers(1, 4))
    return Layer(nin, nout, activation=draw(activations), rng=0), (nin,)


# -- equal to PyTorch, for random shapes -----------------------------------------------------


@FEW
@given(case=conv2d_cases(), seed=st.integers(0, 2**32 - 1))
def test_conv2d_matches_torch_outputs_and_gradients(case, seed):
    conv, shape = case
    check_parity(conv, shape, random.Random(seed))
    check_round_trip(conv)


@FEW
@given(case=conv1d_cases(), seed=st.integers(0, 2**32 - 1))
def test_conv1d_matches_torch_outputs_and_gradients(case, seed):
    conv, shape = case
    check_parity(conv, shape, random.Random(seed))
    check_round_trip(conv)


@FEW
@given(case=pool_cases(MaxPool2d), seed=st.integers(0, 2**32 - 1))
def test_max_pool_matches_torch_outputs_and_gradients(case, seed):
    pool, shape = case
    check_parity(pool, shape, random.Random(seed))
    check_round_trip(pool)


@FEW
@given(case=pool_cases(AvgPool2d), seed=st.integers(0, 2**32 - 1))
def test_avg_pool_matches_torch_outputs_and_gradients(case, seed):
    pool, shape = case
    check_parity(pool, shape, random.Random(seed))
    check_round_trip(pool)


@FEW
@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=3), seed=st.integers(0, 2**32 - 1))
def test_flatten_matches_torch_flatten_of_each_sample(shape, seed):
    check_parity(Flatten(), tuple(shape), random.Random(seed))
    check_round_trip(Flatten())


@FEW
@given(case=cnn_cases(), seed=st.integers(0, 2**32 - 1))
def test_small_cnn_sequential_matches_torch_outputs_and_gradients(case, seed):
    model, shape = case
    check_parity(model, shape, random.Random(seed))
    check_round_trip(model)


@FEW
@given(case=layer_cases(), seed=st.integers(0, 2**32 - 1))
def test_layer_matches_torch_outputs_and_gradients(case, seed):
    layer, shape = case
    check_parity(layer, shape, random.Random(seed))
    check_round_trip(layer)


@FEW
@given(case=mlp_cases(), seed=st.integers(0, 2**32 - 1))
def test_mlp_matches_torch_outputs_and_gradients(case, seed):
    model, shape = case
    check_parity(model, shape, random.Random(seed))
    if len(model.layers) > 1:  # (one layer comes back as a Layer: see the test below)
        check_round_trip(model)


# -- hand-picked cases -----------------------------------------------------------------------


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_every_activation_matches_its_torch_module(activation):
    check_parity(Layer(3, 2, activation=activation, rng=0), (3,), random.Random(1), batch=3)


def test_every_activation_has_a_torch_module_and_comes_back():
    assert set(interop.ACTIVATION_MODULES) == set(ACTIVATIONS)
    for name in ACTIVATIONS:
        module = interop.ACTIVATION_MODULES[name](torch)
        assert interop.ACTIVATIONS_FROM_TORCH[type(module).__name__](module, "here") == name


def test_a_one_output_model_gives_a_value_per_sample_and_torch_a_column():
    model = MLP(2, [3, 1], rng=0)
    samples = [[0.5, -1.0], [2.0, 0.25], [0.0, 1.0]]
    out = to_torch(model)(torch.tensor(samples, dtype=torch.float64))
    assert out.shape == (3, 1)
    assert out[:, 0].tolist() == pytest.approx([model(x).data for x in samples], abs=1e-12)


def test_to_torch_puts_each_weight_and_bias_where_torch_keeps_it():
    layer = Layer(3, 2, activation="linear", rng=0)
    conv = Conv1d(2, 3, 2, activation="linear", rng=0)
    randomize(layer, random.Random(6))
    randomize(conv, random.Random(7))
    linear, conv1d = to_torch(layer), to_torch(conv)
    assert linear.weight.tolist() == [[w.data for w in n.w] for n in layer.neurons]  # row o: neuron o
    assert linear.bias.tolist() == [n.b.data for n in layer.neurons]
    assert conv1d.weight.tolist() == [[[w.data for w in row] for row in out] for out in conv.weight]
    assert conv1d.bias.tolist() == [b.data for b in conv.bias]
    assert all(t.dtype == torch.float64 for t in (*linear.parameters(), *conv1d.parameters()))


def test_a_neuron_becomes_a_linear_of_one_output():
    neuron = Neuron(3, activation="tanh", rng=0)
    check_parity(neuron, (3,), random.Random(2))
    net = to_torch(neuron)
    assert type(net[0]) is nn.Linear and net[0].out_features == 1 and type(net[1]) is nn.Tanh
    back = from_torch(net)  # torch has no neuron: it comes back as a Layer of one
    assert back.config() == {"type": "Layer", "nin": 3, "nout": 1, "activation": "tanh"}
    assert list(back.state_dict().values()) == list(neuron.state_dict().values())


@pytest.mark.parametrize("kernel, stride, padding, size", [
    ((1, 4), (3, 1), (2, 0), (3, 5)),   # a flat kernel, a stride taller than it
    ((4, 1), 2, (0, 2), (4, 2)),        # the padding wider than the image
    (3, 3, 2, (1, 1)),                  # a 1 × 1 image: every window mostly padding
    (2, 1, 0, (2, 2)),                  # the kernel just fits: one output
])  # fmt: skip
def test_conv2d_edge_shapes_match_torch(kernel, stride, padding, size):
    conv = Conv2d(2, 3, kernel, stride=stride, padding=padding, activation="relu", rng=0)
    check_parity(conv, (2, *size), random.Random(3))


def test_max_pool_tie_goes_to_the_first_in_reading_order_as_in_torch():
    image = [[[1.0, 5.0, 0.0], [5.0, 2.0, 5.0]]]
    pool = MaxPool2d(2, stride=1)
    x = [[[Value(v) for v in row] for row in channel] for channel in image]
    out = pool(x)
    sum_values(leaves(out)).backward()
    t = torch.tensor([image], dtype=torch.float64, requires_grad=True)
    to_torch(pool)(t).sum().backward()
    # both windows tie: [1 5; 5 2] between (0, 1) and (1, 0), [5 0; 2 5] between (0, 1) and (1, 2);
    # the first in reading order is (0, 1) in both, so it gets both gradients
    assert [v.grad for v in leaves(x)] == t.grad.flatten().tolist() == [0.0, 2.0, 0.0, 0.0, 0.0, 0.0]


def test_softplus_matches_torch_past_its_default_threshold():
    layer = Layer(1, 1, activation="softplus", rng=0)
    layer.neurons[0].w[0].data, layer.neurons[0].b.data = 1.0, 0.0
    net = to_torch(layer)
    for x in (20.5, 25.0, 39.0, 45.0):
        assert net(torch.tensor([[x]], dtype=torch.float64)).item() == pytest.approx(layer([x]).data, abs=1e-12)


def test_step_module_gives_zero_gradients_and_keeps_nan():
    step = interop.Step()
    x = torch.tensor([-1.0, 0.0, 2.0, float("inf"), float("nan")], dtype=torch.float64, requires_grad=True)
    y = step(x)
    assert y[:4].tolist() == [0.0, 0.0, 1.0, 1.0] and y[4].isnan()
    y[:4].sum().backward()
    assert x.grad.tolist() == [0.0] * 5


def test_step_module_can_be_pickled_and_found_again():
    net = to_torch(Layer(2, 1, activation="step", rng=0))
    again = pickle.loads(pickle.dumps(net))
    assert type(again[1]) is interop.Step


def test_a_sequential_of_layers_keeps_its_layers_as_torch_children():
    model = Sequential(Layer(2, 3, activation="relu", rng=0), Layer(3, 1, activation="linear", rng=0))
    net = to_torch(model)
    assert [type(m).__name__ for m in net] == ["Sequential", "Linear"]
    check_round_trip(model)  # a Sequential, not an MLP


@pytest.mark.parametrize("model", [
    MLP(2, [3, 1], activation="linear", rng=0),
    MLP(3, [4, 4, 2], activation="tanh", output_activation="sigmoid", rng=0),
    Sequential(Layer(2, 3, activation="linear", rng=0), Layer(3, 1, activation="linear", rng=0)),
    Sequential(MLP(2, [2, 2], rng=0), Sequential(Layer(2, 2, activation="tanh", rng=0))),
    Sequential(Conv1d(1, 2, 3, activation="tanh", rng=0), Flatten(), Layer(8, 1, activation="linear", rng=0)),
    Sequential(),
], ids=repr)  # fmt: skip
def test_round_trip_keeps_config_and_weights(model):
    randomize(model, random.Random(4))
    check_round_trip(model)


def test_an_mlp_of_one_layer_comes_back_as_that_layer():
    model = MLP(2, [3], output_activation="tanh", rng=0)
    back = from_torch(to_torch(model))
    assert back.config() == {"type": "Layer", "nin": 2, "nout": 3, "activation": "tanh"}


# -- from_torch: torch's models become ours --------------------------------------------------


def torch_models():
    torch.manual_seed(0)
    f64 = {"dtype": torch.float64}
    return {
        "linear": (nn.Linear(3, 2, **f64), (3,)),
        "mlp": (nn.Sequential(nn.Linear(3, 4, **f64), nn.ReLU(), nn.Linear(4, 4, **f64), nn.ReLU(),
                              nn.Linear(4, 1, **f64)), (3,)),
        "mlp with an output activation": (nn.Sequential(nn.Linear(2, 3, **f64), nn.Tanh(),
                                                        nn.Linear(3, 2, **f64), nn.Sigmoid()), (2,)),
        "mixed activations": (nn.Sequential(nn.Linear(2, 3, **f64), nn.ReLU(), nn.Linear(3, 3, **f64),
                                            nn.LeakyReLU(), nn.Linear(3, 1, **f64)), (2,)),
        "cnn": (nn.Sequential(nn.Conv2d(1, 2, 3, padding=1, **f64), nn.ReLU(), nn.MaxPool2d(2),
                              nn.Conv2d(2, 3, (2, 1), stride=(1, 2), **f64), nn.Softplus(),
                              nn.AvgPool2d(2, stride=1), nn.Flatten(), nn.Linear(3, 5, **f64), nn.Tanh(),
                              nn.Linear(5, 2, **f64)), (1, 6, 6)),
        "conv1d": (nn.Sequential(nn.Conv1d(2, 3, 3, stride=2, padding="valid", **f64), nn.Sigmoid(),
                                 nn.Flatten(), nn.Linear(18, 1, **f64)), (2, 13)),
        "same padding": (nn.Conv2d(2, 2, (3, 5), padding="same", **f64), (2, 4, 6)),
    }


@pytest.mark.parametrize("name", list(torch_models()))
def test_from_torch_computes_what_torch_computes(name):
    module, shape = torch_models()[name]
    rng = random.Random(5)
    ours = from_torch(module)
    samples = [random_sample(shape, rng) for _ in range(3)]
    expected = module(torch.tensor(samples, dtype=torch.float64)).reshape(3, -1).tolist()
    for sample, row in zip(samples, expected, strict=True):
        assert [v.data for v in leaves(ours(sample))] == pytest.approx(row, abs=1e-12)
    again = to_torch(ours)
    assert torch.allclose(again(torch.tensor(samples, dtype=torch.float64)),
                          module(torch.tensor(samples, dtype=torch.float64)), rtol=0, atol=1e-12)


def test_from_torch_merges_activations_and_finds_an_mlp():
    assert repr(from_torch(torch_models()["mlp"][0])) == "MLP(3 → 4 relu → 4 relu → 1 linear; 41 parameters)"
    mixed = from_torch(torch_models()["mixed activations"][0])
    assert type(mixed) is Sequential and [layer.activation for layer in mixed] == ["relu", "leaky_relu", "linear"]
    cnn = from_torch(torch_models()["cnn"][0])
    assert [type(layer).__name__ for layer in cnn] == [
        "Conv2d", "MaxPool2d", "Conv2d", "AvgPool2d", "Flatten", "Layer", "Layer"]
    assert [cnn[0].activation, cnn[2].activation, cnn[5].activation] == ["relu", "softplus", "tanh"]


def test_from_torch_copies_float32_weights_as_python_floats():
    torch.manual_seed(1)
    linear = nn.Linear(2, 2)
    layer = from_torch(linear)
    assert all(type(v) is float for v in layer.state_dict().values())
    assert layer.neurons[1].w[0].data == linear.weight[1, 0].item()
    assert layer.neurons[1].b.data == linear.bias[1].item()


def test_from_torch_leaves_the_torch_module_as_it_was():
    module = torch_models()["cnn"][0]
    before = copy.deepcopy(module.state_dict())
    from_torch(module)
    assert all(torch.equal(before[k], v) for k, v in module.state_dict().items())


def test_a_failed_from_torch_only_raises_and_changes_nothing():
    module = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 3), nn.Dropout(), nn.Linear(3, 1))
    before = copy.deepcopy(module.state_dict())
    with pytest.raises(ValueError, match=r"module\[3\] \(Dropout\)"):
        from_torch(module)
    assert all(torch.equal(before[k], v) for k, v in module.state_dict().items())
    assert [type(m).__name__ for m in module] == ["Linear", "ReLU", "Linear", "Dropout", "Linear"]


# -- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize("module, message", [
    (nn.Dropout(), r"from_torch: module \(Dropout\) has no counterpart in tinygrad_ann"),
    (nn.Sequential(nn.Linear(2, 2), nn.Dropout()), r"module\[1\] \(Dropout\) has no counterpart"),
    (nn.ReLU(), r"module \(ReLU\) has no Linear or convolution right before it"),
    (nn.Sequential(nn.Flatten(), nn.Tanh()), r"module\[1\] \(Tanh\) has no Linear or convolution"),
    (nn.Sequential(nn.Linear(2, 2), nn.ReLU(), nn.Tanh()), r"module\[2\] \(Tanh\) has no Linear"),
    (nn.Conv2d(1, 1, 3, dilation=2), r"module \(Conv2d\) has dilation=\(2, 2\)"),
    (nn.Conv2d(2, 2, 3, groups=2), r"has groups=2"),
    (nn.Conv1d(1, 1, 3, bias=False), r"module \(Conv1d\) has bias=False"),
    (nn.Conv2d(1, 1, 3, bias=False), r"module \(Conv2d\) has bias=False"),
    (nn.BatchNorm1d(3), r"module \(BatchNorm1d\) has no counterpart in tinygrad_ann"),
    (nn.Conv2d(1, 1, 3, padding=1, padding_mode="reflect"), r"has padding_mode='reflect'"),
    (nn.Conv2d(1, 1, 2, padding="same"), r"has padding='same' with the kernel \(2, 2\)"),
    (nn.MaxPool2d(2, padding=1), r"module \(MaxPool2d\) has padding=1"),
    (nn.MaxPool2d(2, ceil_mode=True), r"has ceil_mode=True"),
    (nn.MaxPool2d(2, dilation=2), r"has dilation=2"),
    (nn.MaxPool2d(2, return_indices=True), r"has return_indices=True"),
    (nn.AvgPool2d(2, divisor_override=3), r"has divisor_override=3"),
    (nn.Flatten(0), r"module \(Flatten\) has start_dim=0, end_dim=-1"),
    (nn.Sequential(nn.Linear(2, 2), nn.LeakyReLU(0.2)), r"module\[1\] \(LeakyReLU\) has negative_slope=0.2"),
    (nn.Sequential(nn.Linear(2, 2), nn.Softplus(beta=2)), r"\(Softplus\) has beta=2"),
    (nn.Sequential(nn.Linear(2, 2), nn.Softplus(threshold=5)), r"\(Softplus\) has threshold=5"),
    (nn.Sequential(nn.Sequential(nn.Linear(2, 2), nn.SiLU())), r"module\[0\]\[1\] \(SiLU\) has no counterpart"),
    (nn.Sequential(nn.Linear(2, 2), nn.GELU(approximate="tanh")), r"approximate='tanh'"),
], ids=lambda x: x if isinstance(x, str) else None)  # fmt: skip
def test_from_torch_names_what_it_cannot_convert(module, message):
    with pytest.raises(ValueError, match=message):
        from_torch(module)


def test_from_torch_refuses_a_subclass_of_ones_own():
    class Doubled(nn.Linear):
        def forward(self, x):
            return 2 * super().forward(x)

    with pytest.raises(ValueError, match=r"module \(Doubled\) has no counterpart"):
        from_torch(Doubled(2, 2))


def test_from_torch_wants_a_torch_module():
    with pytest.raises(TypeError, match=r"^from_torch: module must be a torch.nn.Module, got 42 \(int\)$"):
        from_torch(42)


def test_to_torch_refuses_a_custom_activation():
    def swish(v):
        return v * v.sigmoid()

    with pytest.raises(ValueError, match=r"^to_torch: model's activation 'swish' is a function of one's own"):
        to_torch(Layer(2, 2, activation=swish, rng=0))
    model = Sequential(Flatten(), MLP(2, [2, 1], activation=swish, rng=0))
    with pytest.raises(ValueError, match=r"^to_torch: model\[1\]\.layers\[0\]'s activation 'swish'"):
        to_torch(model)


def test_to_torch_names_what_it_cannot_convert():
    with pytest.raises(TypeError, match=r"^to_torch: model must be a Neuron, Layer, .*, got 42 \(int\)$"):
        to_torch(42)

    class Line(Module):
        def __call__(self, x):
            return x

        def parameters(self):
            return []

    with pytest.raises(ValueError, match=r"^to_torch: model\[1\] must be .*; a Line has no torch counterpart"):
        to_torch(Sequential(Flatten(), Line()))


# -- without torch ---------------------------------------------------------------------------


@pytest.mark.parametrize("call", [lambda: to_torch(MLP(2, [1], rng=0)), lambda: from_torch(None),
                                  lambda: interop.Step])
def test_without_torch_calls_say_how_to_install_it(monkeypatch, call):
    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(ImportError, match=r"needs PyTorch, which is not installed") as e:
        call()
    assert 'pip install "tinygrad-ann[torch]"' in str(e.value)
    assert "pip install torch --index-url https://download.pytorch.org/whl/cpu" in str(e.value)


def test_importing_the_library_and_interop_does_not_import_torch():
    code = "import sys, tinygrad_ann, tinygrad_ann.interop; print('torch' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip() == "False"


def test_the_examples_skip_cleanly_without_torch():
    code = ("import sys, pytest; sys.modules['torch'] = None; "
            "sys.exit(pytest.main(['-q', '-p', 'no:cacheprovider', '-o', 'addopts=', '--doctest-modules', "
            f"{interop.__file__!r}]))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    # (FromTorch's example needs no torch: it runs)
    assert run.returncode == 0 and "1 passed, 4 skipped" in run.stdout, run.stdout
