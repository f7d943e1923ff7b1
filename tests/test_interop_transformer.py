"""to_torch and from_torch for the transformer's layers: Linear, Embedding, LayerNorm,
RMSNorm, CausalSelfAttention, TransformerBlock and GPT.

How equality is proved (as in test_interop.py): a layer of random sizes gets random,
distinct weights (norm gains and biases too) and is copied to PyTorch with to_torch.
Both run a batch: the outputs must agree within 1e-12; then both backpropagate the
same random weighting of the outputs (a GPT: the same cross-entropy), and every
parameter's and every input's gradient must agree within 1e-9. Parameters are
matched by name: ours 'blocks.0.attn.q_proj.weight.3.1' is torch's
'blocks.0.attn.q_proj.weight'[3, 1], so a weight copied to the wrong place is caught.

PyTorch is not a dependency of tinygrad_ann: these tests skip without it.
"""

import doctest
import itertools
import pickle
import random
import sys

import pytest

torch = pytest.importorskip("torch")

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tinygrad_ann import interop  # noqa: E402
from tinygrad_ann.engine import Value, sum_values  # noqa: E402
from tinygrad_ann.interop import from_torch, to_torch  # noqa: E402
from tinygrad_ann.losses import cross_entropy  # noqa: E402
from tinygrad_ann.nn import (  # noqa: E402
    GPT, MLP, CausalSelfAttention, Embedding, Layer, LayerNorm, Linear, Neuron, RMSNorm, Sequential,
    TransformerBlock,
)

nn = torch.nn
F64 = torch.float64
FORWARD = 1e-12
GRADIENT = 1e-9
FEW = settings(max_examples=12, deadline=None)
SEEDS = st.integers(0, 2**32 - 1)


# -- helpers ---------------------------------------------------------------------------------


def randomize(model, rng):
    """Every parameter a distinct random number (norm gains and biases too, which start at 1 and 0)."""
    for p in model.parameters():
        p.data = rng.uniform(-1.0, 1.0)


def random_sample(shape, rng):
    if not shape:
        return rng.uniform(-2.0, 2.0)
    return [random_sample(shape[1:], rng) for _ in range(shape[0])]


def random_tokens(rng, vocab, n, t):
    return [[rng.randrange(vocab) for _ in range(t)] for _ in range(n)]


def as_values(sample):
    return Value(sample) if isinstance(sample, float) else [as_values(x) for x in sample]


def leaves(nested):
    """The numbers or Values of a nested list (or one Value), in reading order."""
    if isinstance(nested, (list, tuple)):
        return [leaf for x in nested for leaf in leaves(x)]
    return [nested]


def torch_numbers(net, grads=False):
    """A torch module's parameters (or their grads) under our names: 'weight'[3, 1] is 'weight.3.1'."""
    numbers = {}
    for name, t in net.named_parameters():
        values = t.grad if grads else t.detach()
        if values is None:  # (a parameter the loss does not reach)
            values = torch.zeros_like(t)
        for index in itertools.product(*map(range, t.shape)):
            numbers[".".join((name, *map(str, index)))] = values[index].item()
    return numbers


def assert_close(what, ours, theirs, tolerance):
    assert len(ours) == len(theirs), f"{what}: {len(ours)} numbers, torch {len(theirs)}"
    for i, (a, b) in enumerate(zip(ours, theirs, strict=True)):
        assert abs(a - b) <= tolerance, f"{what} [{i}]: ours {a!r}, torch {b!r}"


def linear_name(name):
    """A Layer's or Neuron's parameter name as nn.Linear's: 'neurons.1.w.2' is 'weight.1.2', 'b' 'bias.0'."""
    parts = name.split(".")
    if parts[0] != "neurons":
        parts = ["neurons", "0", *parts]
    return f"weight.{parts[1]}.{parts[3]}" if parts[2] == "w" else f"bias.{parts[1]}"


def assert_same_parameters(model, net, grads=False):
    """Each of our parameters (or its grad) is torch's of the same name (within GRADIENT for grads).
    (A Layer or Neuron has names of its own: they are translated to nn.Linear's.)"""
    named = model.named_parameters()
    if type(model) in (Layer, Neuron):
        named = [(linear_name(name), p) for name, p in named]
        net = net[0] if type(net) is nn.Sequential else net
    ours = {name: (p.grad if grads else p.data) for name, p in named}
    theirs = torch_numbers(net, grads)
    assert sorted(ours) == sorted(theirs)
    names = sorted(ours)
    if grads:
        assert_close("parameter grads " + repr(model), [ours[n] for n in names], [theirs[n] for n in names],
                     GRADIENT)
    else:
        assert [ours[n] for n in names] == [theirs[n] for n in names]


def check_parity(model, samples, rng, tokens=False):
    """Our model on each sample against to_torch(model) on the batch: outputs within
    FORWARD, every parameter's (and, unless they are token ids, every input's)
    gradient within GRADIENT after backpropagating one random weighting of the outputs."""
    net = to_torch(model)
    assert all(t.dtype == F64 for t in net.parameters())
    assert_same_parameters(model, net)
    inputs = samples if tokens else [as_values(s) for s in samples]
    outputs = [leaves(model(x)) for x in inputs]
    weights = [[rng.uniform(-1.0, 1.0) for _ in out] for out in outputs]
    weighted = [w * o for out, ws in zip(outputs, weights, strict=True) for w, o in zip(ws, out, strict=True)]
    sum_values(weighted).backward()

    x = torch.tensor(samples) if tokens else torch.tensor(samples, dtype=F64, requires_grad=True)
    y = net(x)
    assert y.shape[0] == len(samples) and y[0].numel() == len(outputs[0])
    (y * torch.tensor(weights, dtype=F64).reshape(y.shape)).sum().backward()
    for n, out in enumerate(outputs):
        assert_close(f"output of sample {n}", [o.data for o in out], y[n].flatten().tolist(), FORWARD)
        if not tokens:
            assert_close(f"input grad of sample {n}", [v.grad for v in leaves(inputs[n])],
                         x.grad[n].flatten().tolist(), GRADIENT)
    assert_same_parameters(model, net, grads=True)
    return net


def check_gpt_parity(model, tokens, targets):
    """Logits within FORWARD and the gradients of a cross-entropy within GRADIENT."""
    net = to_torch(model)
    assert_same_parameters(model, net)
    logits = [model(row) for row in tokens]
    losses = [cross_entropy(out, target) for out, target in zip(logits, targets, strict=True)]
    loss = sum_values(losses) / len(tokens)  # (the mean over every position, as torch's)
    loss.backward()
    torch_logits = net(torch.tensor(tokens))
    vocab = model.vocab_size
    torch_loss = nn.functional.cross_entropy(torch_logits.reshape(-1, vocab), torch.tensor(targets).reshape(-1))
    torch_loss.backward()
    assert torch_logits.shape == (len(tokens), len(tokens[0]), vocab)
    assert_close("logits", [v.data for v in leaves(logits)], torch_logits.flatten().tolist(), FORWARD)
    assert abs(loss.data - torch_loss.item()) <= FORWARD
    assert_same_parameters(model, net, grads=True)
    return net


def check_round_trip(model):
    """from_torch(to_torch(model)) has the same config() and state_dict()."""
    back = from_torch(to_torch(model))
    assert type(back) is type(model)
    assert back.config() == model.config()
    assert back.state_dict() == model.state_dict()
    assert list(back.state_dict()) == list(model.state_dict())  # (in the same order too)


def check_from_torch(module, batch, tokens=False):
    """from_torch(module) computes, sample by sample, what module computes on the batch,
    and to_torch of it computes the same again."""
    ours = from_torch(module)
    with torch.no_grad():
        expected = module(batch)
        again = to_torch(ours)(batch)
    for n, sample in enumerate(batch.tolist()):
        assert_close(f"sample {n}", [v.data for v in leaves(ours(sample))], expected[n].flatten().tolist(), FORWARD)
    assert torch.allclose(again, expected, rtol=0, atol=FORWARD)
    return ours


@st.composite
def head_sizes(draw):
    """(n_embd, n_head): n_head divides n_embd."""
    n_head = draw(st.integers(1, 3))
    return n_head * draw(st.integers(1, 3)), n_head


# -- Linear, and layers without a bias -------------------------------------------------------


@FEW
@given(nin=st.integers(1, 5), nout=st.integers(1, 4), bias=st.booleans(), seed=SEEDS)
def test_linear_matches_torch_outputs_and_gradients(nin, nout, bias, seed):
    rng = random.Random(seed)
    model = Linear(nin, nout, bias=bias, rng=0)
    randomize(model, rng)
    net = check_parity(model, [random_sample((nin,), rng) for _ in range(3)], rng)
    assert type(net) is nn.Linear and (net.bias is not None) == bias


@pytest.mark.parametrize("bias", [True, False])
def test_a_linear_comes_back_as_the_layer_that_computes_it(bias):
    model = Linear(3, 2, bias=bias, rng=0)
    randomize(model, random.Random(1))
    back = from_torch(to_torch(model))
    expected = {"type": "Layer", "nin": 3, "nout": 2, "activation": "linear"}
    assert back.config() == (expected if bias else {**expected, "bias": False})
    assert [[w.data for w in n.w] for n in back.neurons] == [[w.data for w in row] for row in model.weight]
    if bias:
        assert [n.b.data for n in back.neurons] == [b.data for b in model.bias]
    assert [v.data for v in back([0.5, -1.0, 2.0])] == [v.data for v in model([0.5, -1.0, 2.0])]


@pytest.mark.parametrize("activation", ["linear", "relu", "tanh", "gelu"])
def test_a_layer_without_bias_matches_torch_and_round_trips(activation):
    rng = random.Random(2)
    model = Layer(3, 2, activation=activation, bias=False, rng=0)
    randomize(model, rng)
    net = check_parity(model, [random_sample((3,), rng) for _ in range(3)], rng)
    linear = net if activation == "linear" else net[0]
    assert type(linear) is nn.Linear and linear.bias is None
    back = from_torch(net)
    assert back.config() == model.config() and back.state_dict() == model.state_dict()


def test_a_neuron_without_bias_becomes_a_linear_without_bias():
    rng = random.Random(3)
    neuron = Neuron(3, activation="tanh", bias=False, rng=0)
    randomize(neuron, rng)
    check_parity(neuron, [random_sample((3,), rng) for _ in range(2)], rng)
    back = from_torch(to_torch(neuron))
    assert back.config() == {"type": "Layer", "nin": 3, "nout": 1, "activation": "tanh", "bias": False}


def test_from_torch_makes_a_layer_without_bias_of_a_linear_without_bias():
    torch.manual_seed(0)
    linear = nn.Linear(3, 2, bias=False, dtype=F64)
    layer = check_from_torch(linear, torch.randn(4, 3, dtype=F64))
    assert type(layer) is Layer and layer.config()["bias"] is False and layer.num_parameters() == 6
    merged = from_torch(nn.Sequential(nn.Linear(3, 2, bias=False), nn.Sigmoid()))
    assert type(merged) is Layer and merged.activation == "sigmoid" and merged.neurons[0].b is None


def test_a_torch_mlp_without_biases_becomes_a_sequential_of_layers():
    torch.manual_seed(1)
    module = nn.Sequential(nn.Linear(2, 3, bias=False, dtype=F64), nn.Tanh(), nn.Linear(3, 1, bias=False, dtype=F64))
    ours = check_from_torch(module, torch.randn(3, 2, dtype=F64))
    assert type(ours) is Sequential and not isinstance(ours, MLP)
    assert [(type(layer), layer.activation, layer.neurons[0].b) for layer in ours] == [
        (Layer, "tanh", None), (Layer, "linear", None)]
    assert isinstance(ours([0.5, 1.0]), Value)  # a last layer of one neuron gives a Value, as with biases


# -- Embedding -------------------------------------------------------------------------------


@FEW
@given(num=st.integers(1, 6), dim=st.integers(1, 4), t=st.integers(1, 4), seed=SEEDS)
def test_embedding_matches_torch_outputs_and_gradients(num, dim, t, seed):
    rng = random.Random(seed)
    model = Embedding(num, dim, rng=0)
    randomize(model, rng)
    net = check_parity(model, random_tokens(rng, num, 3, t), rng, tokens=True)
    assert type(net) is nn.Embedding and (net.num_embeddings, net.embedding_dim) == (num, dim)
    check_round_trip(model)


def test_embedding_reads_a_batch_of_single_ids_too():
    model = Embedding(5, 3, rng=0)
    rows = to_torch(model)(torch.tensor([4, 0, 4]))
    assert rows.tolist() == [[v.data for v in model(k)] for k in (4, 0, 4)]


def test_from_torch_embedding_computes_what_torch_computes():
    torch.manual_seed(2)
    module = nn.Embedding(7, 3, dtype=F64)  # torch's own start: N(0, 1)
    ours = check_from_torch(module, torch.tensor([[1, 6, 0], [3, 3, 2]]), tokens=True)
    assert ours.config() == {"type": "Embedding", "num_embeddings": 7, "embedding_dim": 3}


# -- LayerNorm and RMSNorm -------------------------------------------------------------------


@st.composite
def layer_norms(draw):
    return LayerNorm(draw(st.integers(1, 6)), eps=draw(st.sampled_from([1e-5, 1e-3, 0.5])),
                     elementwise_affine=draw(st.booleans()), bias=draw(st.booleans()))


@st.composite
def rms_norms(draw):
    return RMSNorm(draw(st.integers(1, 6)), eps=draw(st.sampled_from([1e-5, 1e-3, 0.5, 0.0])),
                   elementwise_affine=draw(st.booleans()))


@FEW
@given(model=layer_norms(), seed=SEEDS)
def test_layer_norm_matches_torch_outputs_and_gradients(model, seed):
    rng = random.Random(seed)
    randomize(model, rng)
    net = check_parity(model, [random_sample((model.dim,), rng) for _ in range(3)], rng)
    assert type(net) is nn.LayerNorm and net.eps == model.eps
    check_round_trip(model)  # (without elementwise_affine, bias is saved as True: there is no shift)


@FEW
@given(model=rms_norms(), seed=SEEDS)
def test_rms_norm_matches_torch_outputs_and_gradients(model, seed):
    rng = random.Random(seed)
    randomize(model, rng)
    net = check_parity(model, [random_sample((model.dim,), rng) for _ in range(3)], rng)
    assert type(net) is nn.RMSNorm and net.eps == model.eps
    check_round_trip(model)


def test_norms_read_a_batch_of_sequences_too():
    model = LayerNorm(3, bias=False)
    randomize(model, random.Random(4))
    x = [[[1.0, 2.0, 4.0], [0.0, -1.0, 3.0]]]
    out = to_torch(model)(torch.tensor(x, dtype=F64))
    assert_close("LayerNorm on (N, T, dim)", [v.data for row in x[0] for v in model(row)], out.flatten().tolist(),
                 FORWARD)


def test_from_torch_layer_norm_computes_what_torch_computes():
    torch.manual_seed(3)
    module = nn.LayerNorm(5, eps=1e-3, dtype=F64)
    with torch.no_grad():
        module.weight.uniform_(0.5, 1.5)
        module.bias.uniform_(-1.0, 1.0)
    ours = check_from_torch(module, torch.randn(3, 5, dtype=F64))
    assert ours.config() == {"type": "LayerNorm", "dim": 5, "eps": 1e-3, "elementwise_affine": True, "bias": True}
    no_bias = check_from_torch(nn.LayerNorm(4, bias=False, dtype=F64), torch.randn(2, 4, dtype=F64))
    assert no_bias.bias is None and len(no_bias.weight) == 4


def test_from_torch_rms_norm_takes_eps_none_as_float64s_machine_epsilon():
    torch.manual_seed(4)
    module = nn.RMSNorm(4, dtype=F64)  # eps=None, torch's default
    with torch.no_grad():
        module.weight.uniform_(0.5, 1.5)
    ours = check_from_torch(module, 1e-6 * torch.randn(3, 4, dtype=F64))  # (tiny inputs: eps matters)
    assert ours.eps == torch.finfo(F64).eps
    assert to_torch(ours).eps == torch.finfo(F64).eps


# -- CausalSelfAttention, TransformerBlock -----------------------------------------------------


@FEW
@given(sizes=head_sizes(), bias=st.booleans(), t=st.integers(1, 4), seed=SEEDS)
def test_attention_matches_torch_outputs_and_gradients(sizes, bias, t, seed):
    rng = random.Random(seed)
    n_embd, n_head = sizes
    model = CausalSelfAttention(n_embd, n_head, bias=bias, rng=0)
    randomize(model, rng)
    net = check_parity(model, [random_sample((t, n_embd), rng) for _ in range(2)], rng)
    assert type(net) is interop.CausalSelfAttention and net.n_head == n_head
    check_round_trip(model)


@FEW
@given(sizes=head_sizes(), norm=st.sampled_from(["layer", "rms"]),
       activation=st.sampled_from(["gelu", "relu", "tanh"]), bias=st.booleans(), t=st.integers(1, 3), seed=SEEDS)
def test_transformer_block_matches_torch_outputs_and_gradients(sizes, norm, activation, bias, t, seed):
    rng = random.Random(seed)
    n_embd, n_head = sizes
    model = TransformerBlock(n_embd, n_head, norm=norm, activation=activation, bias=bias, rng=0)
    randomize(model, rng)
    net = check_parity(model, [random_sample((t, n_embd), rng) for _ in range(2)], rng)
    assert type(net) is interop.TransformerBlock
    assert type(net.norm1) is (nn.LayerNorm if norm == "layer" else nn.RMSNorm)
    check_round_trip(model)


def test_from_torch_attention_and_block_compute_what_torch_computes():
    torch.manual_seed(5)
    attn = interop.CausalSelfAttention(6, 3, dtype=F64)  # torch's own start
    ours = check_from_torch(attn, torch.randn(2, 4, 6, dtype=F64))
    assert ours.config() == {"type": "CausalSelfAttention", "n_embd": 6, "n_head": 3, "bias": True}
    block = interop.TransformerBlock(4, 2, norm="rms", activation="relu", bias=False, dtype=F64)
    ours = check_from_torch(block, torch.randn(2, 3, 4, dtype=F64))
    assert ours.config() == {"type": "TransformerBlock", "n_embd": 4, "n_head": 2, "norm": "rms",
                             "activation": "relu", "bias": False}


# -- GPT -------------------------------------------------------------------------------------


GPT_CONFIGS = [
    dict(vocab_size=7, block_size=6, n_layer=2, n_embd=8, n_head=2, norm="layer", activation="gelu", bias=True),
    dict(vocab_size=5, block_size=4, n_layer=1, n_embd=4, n_head=4, norm="rms", activation="relu", bias=False),
    dict(vocab_size=6, block_size=5, n_layer=2, n_embd=6, n_head=3, norm="layer", activation="relu", bias=False),
    dict(vocab_size=3, block_size=3, n_layer=1, n_embd=2, n_head=1, norm="rms", activation="gelu", bias=True),
]


@pytest.mark.parametrize("config", GPT_CONFIGS, ids=lambda c: f"{c['norm']}-{c['activation']}-bias={c['bias']}")
def test_gpt_matches_torch_logits_and_cross_entropy_gradients(config):
    rng = random.Random(6)
    model = GPT(**config, rng=0)
    randomize(model, rng)
    t = config["block_size"] - 1
    tokens = random_tokens(rng, config["vocab_size"], 2, t)
    targets = random_tokens(rng, config["vocab_size"], 2, t)
    net = check_gpt_parity(model, tokens, targets)
    assert type(net) is interop.GPT and len(net.blocks) == config["n_layer"]
    check_round_trip(model)


def test_gpt_with_its_own_start_matches_torch_too():
    model = GPT(vocab_size=6, block_size=5, n_layer=2, n_embd=4, n_head=2, rng=7)
    rng = random.Random(7)
    check_gpt_parity(model, random_tokens(rng, 6, 3, 5), random_tokens(rng, 6, 3, 5))


def test_the_microgpt_settings_round_trip():
    model = GPT(vocab_size=27, block_size=16, n_layer=1, n_embd=16, n_head=4, norm="rms", activation="relu",
                bias=False, init_std=0.08, rng=42)
    net = to_torch(model)
    assert net.init_std == 0.08 and all(m.bias is None for m in net.modules() if isinstance(m, nn.Linear))
    assert all(type(m) is not nn.LayerNorm and (type(m) is not nn.RMSNorm or not m.elementwise_affine)
               for m in net.modules())
    check_round_trip(model)
    back = from_torch(net)
    with torch.no_grad():
        logits = net(torch.tensor([[0, 5, 12, 3]]))
    assert_close("logits", [v.data for v in leaves(back([0, 5, 12, 3]))], logits.flatten().tolist(), FORWARD)


def test_gpt_parameter_names_correspond_one_to_one():
    model = GPT(vocab_size=5, block_size=4, n_layer=2, n_embd=4, n_head=2, rng=0)
    net = to_torch(model)
    assert list(dict(net.named_parameters())) == [
        "wte.weight", "wpe.weight", "norm_in.weight", "norm_in.bias",
        *[f"blocks.{i}.{part}" for i in range(2) for part in (
            "norm1.weight", "norm1.bias", "attn.q_proj.weight", "attn.q_proj.bias", "attn.k_proj.weight",
            "attn.k_proj.bias", "attn.v_proj.weight", "attn.v_proj.bias", "attn.out_proj.weight",
            "attn.out_proj.bias", "norm2.weight", "norm2.bias", "fc1.weight", "fc1.bias", "fc2.weight",
            "fc2.bias")],
        "lm_head.weight", "lm_head.bias"]
    state = model.state_dict()
    assert net.blocks[1].attn.q_proj.weight[3, 1].item() == state["blocks.1.attn.q_proj.weight.3.1"]
    assert net.wpe.weight[2, 0].item() == state["wpe.weight.2.0"]
    assert list(torch_numbers(net)) == list(state)  # the same names, in the same order
    assert_same_parameters(model, net)


def test_from_torch_gpt_computes_what_torch_computes():
    torch.manual_seed(8)
    module = interop.GPT(vocab_size=6, block_size=5, n_layer=2, n_embd=4, n_head=2, norm="rms",
                         activation="gelu", init_std=0.3, dtype=F64)
    ours = check_from_torch(module, torch.tensor([[5, 0, 1, 2, 2], [3, 3, 4, 0, 1]]), tokens=True)
    assert ours.config() == {"type": "GPT", "vocab_size": 6, "block_size": 5, "n_layer": 2, "n_embd": 4,
                             "n_head": 2, "norm": "rms", "activation": "gelu", "bias": True, "init_std": 0.3}


def test_torch_gpt_starts_as_ours_does():
    torch.manual_seed(9)
    gpt = interop.GPT(vocab_size=50, block_size=40, n_layer=1, n_embd=32, n_head=4, init_std=0.05)
    assert 0.045 < gpt.wte.weight.std().item() < 0.055 and 0.045 < gpt.blocks[0].fc1.weight.std().item() < 0.055
    assert gpt.lm_head.bias.abs().max().item() == 0.0 and gpt.blocks[0].attn.q_proj.bias.abs().max().item() == 0.0
    assert torch.equal(gpt.norm_in.weight, torch.ones(32)) and torch.equal(gpt.blocks[0].norm2.bias, torch.zeros(32))


def test_a_sequential_of_transformer_layers_converts_both_ways():
    model = Sequential(CausalSelfAttention(4, 2, rng=0), TransformerBlock(4, 1, norm="rms", rng=1))
    randomize(model, random.Random(10))
    net = to_torch(model)
    assert [type(m).__name__ for m in net] == ["CausalSelfAttention", "TransformerBlock"]
    check_round_trip(model)
    x = [[0.5, -1.0, 0.0, 2.0], [1.0, 1.0, -0.5, 0.25]]
    with torch.no_grad():
        out = net(torch.tensor([x], dtype=F64))
    assert_close("output", [v.data for v in leaves(model(x))], out.flatten().tolist(), FORWARD)


# -- the torch modules of interop.py ---------------------------------------------------------


@pytest.mark.parametrize("name", ["CausalSelfAttention", "TransformerBlock", "GPT"])
def test_the_torch_classes_examples_run(name):
    cls = getattr(interop, name)
    tests = doctest.DocTestFinder().find(cls, name, globs={})
    examples = [t for t in tests if t.name == name and t.examples]
    assert examples, f"{name} has no example"
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in examples:
        runner.run(test)
    assert runner.failures == 0


def test_the_torch_classes_are_made_once_and_can_be_pickled():
    assert interop.GPT is interop.GPT and interop.TransformerBlock is interop.TransformerBlock
    model = GPT(vocab_size=4, block_size=3, n_layer=1, n_embd=2, n_head=1, rng=0)
    net = to_torch(model)
    again = pickle.loads(pickle.dumps(net))
    assert type(again) is interop.GPT and type(again.blocks[0].attn) is interop.CausalSelfAttention
    tokens = torch.tensor([[3, 1, 0]])
    assert torch.equal(again(tokens), net(tokens))


@pytest.mark.parametrize("make, message", [
    (lambda: interop.GPT(5, 4, 1, 6, 4), r"GPT: n_embd \(6\) must be divisible by n_head \(4\)"),
    (lambda: interop.GPT(5, 4, 0, 4, 2), r"GPT: n_layer must be"),
    (lambda: interop.GPT(5, 4, 1, 4, 2, norm="batch"), r"GPT: unknown norm 'batch'"),
    (lambda: interop.GPT(5, 4, 1, 4, 2, init_std=0), r"GPT: init_std must be"),
    (lambda: interop.TransformerBlock(4, 2, activation="linear"), r"TransformerBlock: unknown activation 'linear'"),
    (lambda: interop.CausalSelfAttention(4, 3), r"CausalSelfAttention: n_embd \(4\) must be divisible"),
], ids=["heads", "n_layer", "norm", "init_std", "activation", "attention heads"])  # fmt: skip
def test_the_torch_classes_check_their_arguments(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_the_torch_gpt_checks_its_tokens():
    gpt = interop.GPT(vocab_size=5, block_size=3, n_layer=1, n_embd=2, n_head=1)
    with pytest.raises(ValueError, match=r"GPT: tokens must be a batch of token ids of shape \(N, T\), got a "
                                         r"tensor of shape \(3,\)"):
        gpt(torch.tensor([1, 2, 3]))
    with pytest.raises(ValueError, match=r"GPT: got 4 tokens, but the model reads at most block_size = 3"):
        gpt(torch.tensor([[1, 2, 3, 4]]))
    with pytest.raises(ValueError, match=r"CausalSelfAttention: x must be a batch of sequences"):
        gpt.blocks[0].attn(torch.randn(3, 2))


def test_without_torch_the_torch_classes_say_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)
    for name in ("CausalSelfAttention", "TransformerBlock", "GPT"):
        with pytest.raises(ImportError, match=rf"tinygrad_ann.interop.{name} needs PyTorch"):
            getattr(interop, name)
    with pytest.raises(ImportError, match=r"to_torch needs PyTorch"):
        to_torch(GPT(3, 2, 1, 2, 1, rng=0))


# -- what from_torch refuses -----------------------------------------------------------------


def block(norm="layer", activation="gelu", bias=True, n_embd=4, n_head=2):
    return interop.TransformerBlock(n_embd, n_head, norm=norm, activation=activation, bias=bias)


def gpt(norm="layer", bias=True, n_layer=2):
    return interop.GPT(vocab_size=5, block_size=4, n_layer=n_layer, n_embd=4, n_head=2, norm=norm, bias=bias)


def changed(module, path, value):
    """`module` with the part at the dotted `path` replaced by `value` (or an attribute set)."""
    *parents, last = path.split(".")
    owner = module
    for part in parents:
        owner = owner[int(part)] if part.isdigit() else getattr(owner, part)
    setattr(owner, last, value)
    return module


def tied(module):
    module.lm_head.weight = module.wte.weight
    return module


REFUSED = [
    (lambda: nn.Embedding(5, 2, padding_idx=0), r"^from_torch: module \(Embedding\) has padding_idx=0; "),
    (lambda: nn.Embedding(5, 2, max_norm=1.0), r"module \(Embedding\) has max_norm=1.0; "),
    (lambda: nn.Embedding(5, 2, scale_grad_by_freq=True), r"module \(Embedding\) has scale_grad_by_freq=True"),
    (lambda: nn.Embedding(5, 2, sparse=True), r"module \(Embedding\) has sparse=True"),
    (lambda: nn.Sequential(nn.Embedding(5, 2, padding_idx=1)), r"module\[0\] \(Embedding\) has padding_idx=1"),
    (lambda: nn.LayerNorm((2, 3)), r"module \(LayerNorm\) has normalized_shape=\(2, 3\)"),
    (lambda: nn.RMSNorm((2, 3)), r"module \(RMSNorm\) has normalized_shape=\(2, 3\)"),
    (lambda: nn.Sequential(nn.Linear(2, 2), nn.LayerNorm(2), nn.ReLU()),
     r"module\[2\] \(ReLU\) has no Linear or convolution right before it"),
    (lambda: changed(interop.CausalSelfAttention(4, 2), "n_head", 3), r"module \(CausalSelfAttention\) has n_head=3"),
    (lambda: changed(interop.CausalSelfAttention(4, 2), "k_proj", nn.Linear(4, 4, bias=False)),
     r"module\.k_proj \(Linear\) has bias=False; module\.q_proj has a bias"),
    (lambda: changed(interop.CausalSelfAttention(4, 2), "v_proj", nn.Linear(4, 2)),
     r"module\.v_proj \(Linear\) has in_features=4, out_features=2"),
    (lambda: changed(interop.CausalSelfAttention(4, 2), "out_proj", nn.Identity()),
     r"module\.out_proj \(Identity\) should be a Linear"),
    (lambda: changed(block(norm="rms"), "norm1", nn.RMSNorm(4, eps=1e-5)),
     r"module\.norm1 \(RMSNorm\) has elementwise_affine=True; norm='rms' .* without a gain"),
    (lambda: changed(block(norm="rms"), "norm2", nn.RMSNorm(4, elementwise_affine=False)),
     r"module\.norm2 \(RMSNorm\) has eps=None"),
    (lambda: changed(block(), "norm1", nn.LayerNorm(4, eps=1e-6)), r"module\.norm1 \(LayerNorm\) has eps=1e-06"),
    (lambda: changed(block(), "norm2", nn.LayerNorm(4, elementwise_affine=False)),
     r"module\.norm2 \(LayerNorm\) has elementwise_affine=False"),
    (lambda: changed(block(), "norm2", nn.LayerNorm(4, bias=False)), r"module\.norm2 \(LayerNorm\) has bias=False"),
    (lambda: changed(block(), "norm1", nn.LayerNorm(3)), r"module\.norm1 \(LayerNorm\) has normalized_shape=\(3,\)"),
    (lambda: changed(block(), "norm2", nn.RMSNorm(4, eps=1e-5, elementwise_affine=False)),
     r"module\.norm2 \(RMSNorm\) should be a LayerNorm, as norm1 is"),
    (lambda: changed(block(), "norm1", nn.BatchNorm1d(4)),
     r"module\.norm1 \(BatchNorm1d\) should be a LayerNorm or an RMSNorm"),
    (lambda: changed(block(), "act", nn.SiLU()), r"module\.act \(SiLU\) should be an activation module"),
    (lambda: changed(block(), "act", nn.Identity()), r"module\.act \(Identity\) should be an activation module"),
    (lambda: changed(block(), "act", nn.LeakyReLU(0.2)), r"module\.act \(LeakyReLU\) has negative_slope=0.2"),
    (lambda: changed(block(), "fc1", nn.Linear(4, 12)), r"module\.fc1 \(Linear\) has in_features=4, out_features=12"),
    (lambda: changed(block(bias=False), "fc2", nn.Linear(16, 4)),
     r"module\.fc2 \(Linear\) has bias=True; module\.attn\.q_proj has none"),
    (lambda: changed(block(), "attn", nn.MultiheadAttention(4, 2)),
     r"module\.attn \(MultiheadAttention\) should be a CausalSelfAttention \(tinygrad_ann.interop's\)"),
    (lambda: tied(gpt()), r"module \(GPT\) has lm_head\.weight tied to wte\.weight"),
    (lambda: changed(gpt(), "blocks.1.act", nn.Tanh()),
     r"module\.blocks\[1\] \(TransformerBlock\) has activation='tanh', module\.blocks\[0\] activation='gelu'"),
    (lambda: changed(gpt(), "blocks.1.attn.n_head", 4),
     r"module\.blocks\[1\] \(TransformerBlock\) has n_head=4, module\.blocks\[0\] n_head=2"),
    (lambda: changed(gpt(), "blocks.0.fc1", nn.Conv1d(4, 16, 1)), r"module\.blocks\[0\]\.fc1 \(Conv1d\) should be"),
    (lambda: changed(gpt(), "blocks", nn.ModuleList()), r"module\.blocks \(ModuleList\) should be a non-empty"),
    (lambda: changed(gpt(), "blocks", nn.Sequential(block())), r"module\.blocks \(Sequential\) should be"),
    (lambda: changed(gpt(), "norm_in", nn.RMSNorm(4, eps=1e-5, elementwise_affine=False)),
     r"module\.norm_in \(RMSNorm\) should be the blocks' kind of norm"),
    (lambda: changed(gpt(), "wte", nn.Embedding(5, 4, padding_idx=0)),
     r"module\.wte \(Embedding\) has padding_idx=0"),
    (lambda: changed(gpt(), "wpe", nn.Embedding(4, 3)), r"module\.wpe \(Embedding\) has embedding_dim=3"),
    (lambda: changed(gpt(), "lm_head", nn.Linear(4, 5, bias=False)),
     r"module\.lm_head \(Linear\) has bias=False; module\.blocks\[0\]\.attn\.q_proj has a bias"),
    (lambda: changed(gpt(bias=False), "norm_in", nn.LayerNorm(4)),
     r"module\.norm_in \(LayerNorm\) has bias=True"),
    (lambda: changed(gpt(), "extra", nn.Parameter(torch.zeros(2))),
     r"^from_torch: module \(GPT\) has parameters that tinygrad_ann's GPT has not: extra; what the module "),
    (lambda: nn.Sequential(nn.Linear(2, 4), changed(gpt(), "blocks.0.attn.q_proj", nn.Linear(4, 4, bias=False))),
     r"module\[1\]\.blocks\[0\]\.attn\.k_proj \(Linear\) has bias=True; "
     r"module\[1\]\.blocks\[0\]\.attn\.q_proj has none"),
]  # fmt: skip


@pytest.mark.parametrize("make, message", REFUSED, ids=[m for _, m in REFUSED])
def test_from_torch_names_what_it_cannot_convert(make, message):
    with pytest.raises(ValueError, match=message):
        from_torch(make())


def test_from_torch_refuses_a_subclass_of_the_torch_gpt():
    class Bigger(interop.GPT):
        def forward(self, tokens):
            return 2 * super().forward(tokens)

    with pytest.raises(ValueError, match=r"module \(Bigger\) has no counterpart in tinygrad_ann"):
        from_torch(Bigger(5, 4, 1, 4, 2))
