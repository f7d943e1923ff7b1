"""Attention and the GPT: Linear, Embedding, LayerNorm, RMSNorm, CausalSelfAttention,
TransformerBlock and GPT, equal to PyTorch's.

How equality is proved: each layer's parameters are read out by their names
('blocks.0.attn.q_proj.weight.3.1' is row 3, column 1 of that matrix) into
float64 tensors, and the same function is written here with torch's own
functions (F.linear, F.layer_norm, F.rms_norm, F.scaled_dot_product_attention
with is_causal=True, F.gelu, F.cross_entropy), independently of the library's
converters. Outputs, the loss and every parameter's (and input's) gradient must
agree within 1e-9. The tests that need PyTorch skip without it; the others
(shapes, the cache, generation, errors, saving, gradcheck against finite
differences, microgpt's weights) run without it.
"""

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tinygrad_ann import Value, load, save
from tinygrad_ann.engine import no_grad, sum_values
from tinygrad_ann.functional import gradcheck
from tinygrad_ann.losses import cross_entropy
from tinygrad_ann.nn import (
    GPT, CausalSelfAttention, Embedding, KVCache, Layer, LayerNorm, Linear, RMSNorm, Sequential,
    TransformerBlock,
)

try:
    import torch
    import torch.nn.functional as F
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
TOLERANCE = 1e-9
FEW = settings(max_examples=25, deadline=None)


def randomise(module, seed, low=-0.8, high=0.8):
    """Every parameter of `module` drawn anew (norm gains and biases too, so that they are tested)."""
    r = random.Random(seed)
    for p in module.parameters():
        p.data = r.uniform(low, high)


def tensors(module):
    """{name: float64 scalar tensor requiring grad} for every parameter, by name."""
    return {name: torch.tensor(p.data, dtype=torch.float64, requires_grad=True)
            for name, p in module.named_parameters()}


def matrix(P, prefix, rows, cols):
    return torch.stack([torch.stack([P[f"{prefix}.{i}.{j}"] for j in range(cols)]) for i in range(rows)])


def vector(P, prefix, n):
    return torch.stack([P[f"{prefix}.{i}"] for i in range(n)])


def join(prefix, name):
    """A parameter's dotted name inside the module called `prefix` ('' for the module itself)."""
    return f"{prefix}.{name}" if prefix else name


def torch_linear(P, prefix, x, n_out, n_in, bias):
    return F.linear(x, matrix(P, join(prefix, "weight"), n_out, n_in),
                    vector(P, join(prefix, "bias"), n_out) if bias else None)


def torch_norm(P, prefix, x, dim, norm, bias, eps=1e-5):
    if norm == "layer":
        return F.layer_norm(x, (dim,), vector(P, join(prefix, "weight"), dim),
                            vector(P, join(prefix, "bias"), dim) if bias else None, eps)
    return F.rms_norm(x, (dim,), None, eps)


def torch_attention(P, prefix, x, n_embd, n_head, bias):
    T, d = x.shape[0], n_embd // n_head
    q, k, v = (torch_linear(P, join(prefix, name), x, n_embd, n_embd, bias).view(T, n_head, d).transpose(0, 1)
               for name in ("q_proj", "k_proj", "v_proj"))
    mixed = F.scaled_dot_product_attention(q, k, v, is_causal=True).transpose(0, 1).reshape(T, n_embd)
    return torch_linear(P, join(prefix, "out_proj"), mixed, n_embd, n_embd, bias)


def torch_block(P, prefix, x, n_embd, n_head, norm, activation, bias):
    normed = torch_norm(P, join(prefix, "norm1"), x, n_embd, norm, bias)
    x = x + torch_attention(P, join(prefix, "attn"), normed, n_embd, n_head, bias)
    h = torch_linear(P, join(prefix, "fc1"), torch_norm(P, join(prefix, "norm2"), x, n_embd, norm, bias),
                     4 * n_embd, n_embd, bias)
    h = F.gelu(h) if activation == "gelu" else F.relu(h)
    return x + torch_linear(P, join(prefix, "fc2"), h, n_embd, 4 * n_embd, bias)


def torch_gpt(P, tokens, model):
    n, T = model.n_embd, len(tokens)
    x = matrix(P, "wte.weight", model.vocab_size, n)[tokens] + matrix(P, "wpe.weight", model.block_size, n)[:T]
    x = torch_norm(P, "norm_in", x, n, model.norm, model.bias)
    for i in range(model.n_layer):
        x = torch_block(P, f"blocks.{i}", x, n, model.n_head, model.norm, model.activation, model.bias)
    return torch_linear(P, "lm_head", x, model.vocab_size, n, model.bias)


def assert_grads_equal(module, P):
    for name, p in module.named_parameters():
        theirs = P[name].grad
        theirs = 0.0 if theirs is None else theirs.item()
        assert p.grad == pytest.approx(theirs, abs=TOLERANCE), name


def rows_of(r, T, n):
    return [[r.uniform(-2, 2) for _ in range(n)] for _ in range(T)]


# -- Linear ----------------------------------------------------------------------------------------


@needs_torch
@FEW
@given(n_in=st.integers(1, 5), n_out=st.integers(1, 5), bias=st.booleans(), seed=st.integers(0, 10**6))
def test_linear_equals_torch(n_in, n_out, bias, seed):
    fc = Linear(n_in, n_out, bias=bias, rng=seed)
    r = random.Random(seed)
    xs = [Value(r.uniform(-2, 2)) for _ in range(n_in)]
    ys = fc(xs)
    weights = [r.uniform(-1, 1) for _ in range(n_out)]
    sum_values([y * c for y, c in zip(ys, weights)]).backward()
    P = tensors(fc)
    x = torch.tensor([v.data for v in xs], dtype=torch.float64, requires_grad=True)
    y = torch_linear(P, "", x, n_out, n_in, bias)
    (y * torch.tensor(weights, dtype=torch.float64)).sum().backward()
    assert [v.data for v in ys] == pytest.approx(y.tolist(), abs=TOLERANCE)
    assert_grads_equal(fc, P)
    assert [v.grad for v in xs] == pytest.approx(x.grad.tolist(), abs=TOLERANCE)


def test_linear_is_a_layer_in_pytorch_layout():
    fc = Linear(3, 2, rng=0)
    assert isinstance(fc, Layer)
    assert fc.weight[1][2] is fc.neurons[1].w[2] and fc.bias[0] is fc.neurons[0].b
    # the same function as a linear Layer holding the same weights
    layer = Layer(3, 2, activation="linear", rng=5)
    layer.load_state_dict({f"neurons.{o}.{'b' if i == 3 else f'w.{i}'}": (fc.bias[o] if i == 3 else fc.weight[o][i]).data
                           for o in range(2) for i in range(4)})
    x = [0.5, -1.0, 2.0]
    assert [v.data for v in fc(x)] == [v.data for v in layer(x)]
    assert [n for n, _ in fc.named_parameters()] == [
        "weight.0.0", "weight.0.1", "weight.0.2", "weight.1.0", "weight.1.1", "weight.1.2", "bias.0", "bias.1"]
    assert fc.parameters() == [p for _, p in fc.named_parameters()]
    assert len(fc([1.0, 2.0, 3.0])) == 2 and len(Linear(3, 1, rng=0)([1.0, 2.0, 3.0])) == 1  # always a list


def test_linear_starts_as_pytorch_does():
    fc = Linear(25, 40, rng=1)  # U(-1/5, 1/5) for weights and biases
    weights = [w.data for row in fc.weight for w in row]
    biases = [b.data for b in fc.bias]
    assert max(map(abs, weights + biases)) <= 0.2
    assert max(map(abs, weights)) > 0.19 and max(map(abs, biases)) > 0.15  # the whole range is used
    assert Linear(3, 2, bias=False, rng=0).bias is None and Linear(3, 2, bias=False, rng=0).num_parameters() == 6


@pytest.mark.parametrize("args, error, message", [
    ((0, 2), ValueError, "Linear: in_features must be"),
    ((2, "3"), TypeError, "Linear: out_features must be"),
    ((2, 3, "yes"), TypeError, "Linear: bias must be True or False"),
])
def test_linear_rejects_bad_arguments(args, error, message):
    with pytest.raises(error, match=message):
        Linear(*args)


def test_linear_names_a_wrong_input_width():
    with pytest.raises(ValueError, match=r"Linear: x must be a list of 3 numbers or Values"):
        Linear(3, 2, rng=0)([1.0, 2.0])


# -- Embedding -------------------------------------------------------------------------------------


def test_embedding_rows_are_the_parameters_and_gather_gradients():
    emb = Embedding(4, 3, rng=0)
    assert emb(2) is emb.weight[2] and emb([1, 1])[0] is emb.weight[1]
    out = sum_values(emb(1)) * 2 + sum_values(emb(1)) + emb(3)[0]  # row 1 used twice
    out.backward()
    assert [w.grad for w in emb.weight[1]] == [3.0, 3.0, 3.0]
    assert [w.grad for w in emb.weight[3]] == [1.0, 0.0, 0.0]
    assert all(w.grad == 0.0 for w in emb.weight[0] + emb.weight[2])


@needs_torch
def test_embedding_equals_torch():
    emb = Embedding(5, 3, rng=0)
    ids = [4, 0, 4, 2]
    rows = emb(ids)
    weights = rows_of(random.Random(1), 4, 3)
    sum_values([v * c for row, cs in zip(rows, weights) for v, c in zip(row, cs)]).backward()
    P = tensors(emb)
    table = matrix(P, "weight", 5, 3)
    out = F.embedding(torch.tensor(ids), table)
    (out * torch.tensor(weights, dtype=torch.float64)).sum().backward()
    assert [[v.data for v in row] for row in rows] == out.tolist()
    assert_grads_equal(emb, P)


def test_embedding_starts_standard_normal():
    values = [w.data for row in Embedding(200, 50, rng=3).weight for w in row]
    mean = sum(values) / len(values)
    std = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))
    assert abs(mean) < 0.02 and abs(std - 1.0) < 0.02


@pytest.mark.parametrize("ids, error, message", [
    (4, ValueError, r"Embedding: ids must be a token id in 0..3 \(the vocabulary has 4 tokens\), got 4"),
    (-1, ValueError, r"got -1"),
    ([0, 9], ValueError, r"ids\[1\] must be a token id in 0..3"),
    (1.5, TypeError, r"Embedding: ids must be a token id"),
    ("a", TypeError, r"Embedding: ids must be a token id"),
    (True, TypeError, r"Embedding: ids must be a token id"),
])
def test_embedding_names_a_bad_id(ids, error, message):
    with pytest.raises(error, match=message):
        Embedding(4, 2, rng=0)(ids)


# -- LayerNorm and RMSNorm -------------------------------------------------------------------------


@needs_torch
@FEW
@given(dim=st.integers(1, 6), kind=st.sampled_from(["layer", "layer no bias", "layer fixed", "rms", "rms fixed"]),
       eps=st.sampled_from([1e-5, 1e-2, 1.0]), seed=st.integers(0, 10**6))
def test_norms_equal_torch(dim, kind, eps, seed):
    affine = "fixed" not in kind
    if kind.startswith("layer"):
        norm = LayerNorm(dim, eps=eps, elementwise_affine=affine, bias="no bias" not in kind)
    else:
        norm = RMSNorm(dim, eps=eps, elementwise_affine=affine)
    randomise(norm, seed, 0.5, 1.5)
    r = random.Random(seed + 1)
    xs = [Value(r.uniform(-3, 3)) for _ in range(dim)]
    ys = norm(xs)
    weights = [r.uniform(-1, 1) for _ in range(dim)]
    sum_values([y * c for y, c in zip(ys, weights)]).backward()
    P = tensors(norm)
    x = torch.tensor([v.data for v in xs], dtype=torch.float64, requires_grad=True)
    w = vector(P, "weight", dim) if norm.weight else None
    b = vector(P, "bias", dim) if norm.bias else None
    y = F.layer_norm(x, (dim,), w, b, eps) if kind.startswith("layer") else F.rms_norm(x, (dim,), w, eps)
    (y * torch.tensor(weights, dtype=torch.float64)).sum().backward()
    assert [v.data for v in ys] == pytest.approx(y.tolist(), abs=TOLERANCE)
    assert [v.grad for v in xs] == pytest.approx(x.grad.tolist(), abs=TOLERANCE)
    assert_grads_equal(norm, P)


@pytest.mark.parametrize("make", [lambda: LayerNorm(3), lambda: RMSNorm(3)])
def test_norm_derivatives_match_finite_differences(make):
    norm = make()
    randomise(norm, 4, 0.5, 1.5)
    assert gradcheck(lambda a, b, c: sum_values([y * k for y, k in zip(norm([a, b, c]), (0.3, -1.1, 0.7))]),
                     [0.4, -1.3, 2.2])


def test_layer_norm_gives_mean_0_and_variance_1():
    y = [v.data for v in LayerNorm(5, eps=0.0)([3.0, -1.0, 4.0, 1.0, 5.0])]
    assert sum(y) == pytest.approx(0.0, abs=1e-12)
    assert sum(v * v for v in y) / 5 == pytest.approx(1.0, rel=1e-12)


def test_rms_norm_gives_mean_square_1():
    y = [v.data for v in RMSNorm(4, eps=0.0)([3.0, -1.0, 4.0, 1.0])]
    assert sum(v * v for v in y) / 4 == pytest.approx(1.0, rel=1e-12)
    assert RMSNorm(4, elementwise_affine=False).parameters() == []


@pytest.mark.parametrize("make, error, message", [
    (lambda: LayerNorm(0), ValueError, "LayerNorm: dim must be"),
    (lambda: RMSNorm(4, eps=-1.0), ValueError, "RMSNorm: eps must be"),
    (lambda: LayerNorm(4, bias=1), TypeError, "LayerNorm: bias must be True or False"),
    (lambda: LayerNorm(3)([1.0, 2.0]), ValueError, r"LayerNorm: x must be a list of 3 numbers or Values"),
    (lambda: RMSNorm(2)("ab"), TypeError, r"RMSNorm: x must be a list of 2 numbers or Values"),
])
def test_norms_reject_bad_input(make, error, message):
    with pytest.raises(error, match=message):
        make()


# -- attention -------------------------------------------------------------------------------------


@needs_torch
@FEW
@given(n_head=st.integers(1, 3), head_dim=st.integers(1, 3), T=st.integers(1, 5), bias=st.booleans(),
       seed=st.integers(0, 10**6))
def test_causal_self_attention_equals_torch(n_head, head_dim, T, bias, seed):
    n = n_head * head_dim
    attn = CausalSelfAttention(n, n_head, bias=bias, rng=seed)
    r = random.Random(seed + 1)
    xs = [[Value(v) for v in row] for row in rows_of(r, T, n)]
    out = attn(xs)
    weights = rows_of(r, T, n)
    sum_values([o * c for row, cs in zip(out, weights) for o, c in zip(row, cs)]).backward()
    P = tensors(attn)
    x = torch.tensor([[v.data for v in row] for row in xs], dtype=torch.float64, requires_grad=True)
    y = torch_attention(P, "", x, n, n_head, bias)
    (y * torch.tensor(weights, dtype=torch.float64)).sum().backward()
    for row, trow in zip(out, y.tolist()):
        assert [v.data for v in row] == pytest.approx(trow, abs=TOLERANCE)
    assert_grads_equal(attn, P)
    assert [v.grad for row in xs for v in row] == pytest.approx(x.grad.flatten().tolist(), abs=TOLERANCE)


def test_attention_one_token_at_a_time_equals_the_whole_sequence():
    attn = CausalSelfAttention(6, 3, rng=2)
    xs = rows_of(random.Random(3), 5, 6)
    whole = attn(xs)
    cache = KVCache()
    for t, x in enumerate(xs):
        assert [v.data for v in attn.step(x, cache)] == pytest.approx([v.data for v in whole[t]], abs=1e-13)
    assert len(cache) == 5


def test_attention_weights_are_causal_and_sum_to_1():
    attn = CausalSelfAttention(4, 2, rng=0)
    _, weights = attn.forward_with_weights(rows_of(random.Random(1), 4, 4))
    assert len(weights) == 2
    for head in weights:
        for t, row in enumerate(head):
            assert sum(row) == pytest.approx(1.0, abs=1e-12)
            assert all(w == 0.0 for w in row[t + 1:]) and all(w > 0.0 for w in row[: t + 1])


def test_a_position_does_not_depend_on_later_ones():
    attn = CausalSelfAttention(4, 2, rng=0)
    xs = rows_of(random.Random(1), 3, 4)
    out = attn(xs)
    out[1][0].backward()  # position 1 reads 0 and 1, never 2
    assert attn([xs[0], xs[1], [9.0] * 4])[1][0].data == out[1][0].data


def test_attention_derivatives_match_finite_differences():
    attn = CausalSelfAttention(2, 1, rng=5)

    def f(a, b, c, d):
        out = attn([[a, b], [c, d]])
        return out[1][0] * 0.7 - out[1][1] + out[0][0] * 0.2

    assert gradcheck(f, [0.3, -0.8, 1.1, 0.4])


@pytest.mark.parametrize("make, error, message", [
    (lambda: CausalSelfAttention(16, 3), ValueError, r"CausalSelfAttention: n_embd \(16\) must be divisible by n_head \(3\)"),
    (lambda: CausalSelfAttention(4, 2, rng=0)([]), TypeError, "CausalSelfAttention: xs must be a non-empty list"),
    (lambda: CausalSelfAttention(4, 2, rng=0)([[1.0] * 4, [1.0] * 3]), ValueError,
     r"CausalSelfAttention: xs\[1\] must be a list of 4 numbers or Values"),
    (lambda: CausalSelfAttention(4, 2, rng=0).step([1.0] * 4, []), TypeError,
     "CausalSelfAttention.step: cache must be a KVCache"),
])
def test_attention_rejects_bad_input(make, error, message):
    with pytest.raises(error, match=message):
        make()


# -- the block and the GPT -------------------------------------------------------------------------

CONFIGS = [
    dict(norm="layer", activation="gelu", bias=True),
    dict(norm="rms", activation="relu", bias=False),
    dict(norm="layer", activation="relu", bias=False),
    dict(norm="rms", activation="gelu", bias=True),
]


@needs_torch
@pytest.mark.parametrize("config", CONFIGS)
def test_transformer_block_equals_torch(config):
    block = TransformerBlock(6, 2, **config, rng=1)
    randomise(block, 2, -0.6, 0.6)
    for norm in (block.norm1, block.norm2):
        for p in norm.parameters():
            p.data = 1.0 + p.data / 2
    xs = [[Value(v) for v in row] for row in rows_of(random.Random(3), 4, 6)]
    out = block(xs)
    weights = rows_of(random.Random(4), 4, 6)
    sum_values([o * c for row, cs in zip(out, weights) for o, c in zip(row, cs)]).backward()
    P = tensors(block)
    x = torch.tensor([[v.data for v in row] for row in xs], dtype=torch.float64, requires_grad=True)
    y = torch_block(P, "", x, 6, 2, config["norm"], config["activation"], config["bias"])
    (y * torch.tensor(weights, dtype=torch.float64)).sum().backward()
    for row, trow in zip(out, y.tolist()):
        assert [v.data for v in row] == pytest.approx(trow, abs=TOLERANCE)
    assert_grads_equal(block, P)
    assert [v.grad for row in xs for v in row] == pytest.approx(x.grad.flatten().tolist(), abs=TOLERANCE)


@needs_torch
@pytest.mark.parametrize("config", CONFIGS)
@pytest.mark.parametrize("n_layer", [1, 2])
def test_gpt_logits_loss_and_every_gradient_equal_torch(config, n_layer):
    model = GPT(vocab_size=7, block_size=6, n_layer=n_layer, n_embd=8, n_head=2, init_std=0.3, **config, rng=1)
    r = random.Random(5)
    for name, p in model.named_parameters():
        if "norm" in name:
            p.data = r.uniform(0.5, 1.5)
        elif ".bias." in name:
            p.data = r.uniform(-0.3, 0.3)
    tokens, targets = [6, 1, 2, 3, 0], [1, 2, 3, 0, 6]
    logits = model(tokens)
    loss = cross_entropy(logits, targets)
    loss.backward()
    P = tensors(model)
    t_logits = torch_gpt(P, tokens, model)
    t_loss = F.cross_entropy(t_logits, torch.tensor(targets))
    t_loss.backward()
    for row, trow in zip(logits, t_logits.tolist()):
        assert [v.data for v in row] == pytest.approx(trow, abs=TOLERANCE)
    assert loss.data == pytest.approx(t_loss.item(), abs=TOLERANCE)
    assert_grads_equal(model, P)


def test_gpt_cached_forward_equals_the_whole_sequence():
    model = GPT(9, 8, 2, 8, 4, rng=3, init_std=0.5)
    tokens = [8, 3, 1, 4, 1, 5]
    whole = model(tokens)
    cache = model.new_cache()
    for t, token in enumerate(tokens):
        assert [v.data for v in model.step(token, cache)] == pytest.approx([v.data for v in whole[t]], abs=1e-12)


def test_gpt_derivatives_match_finite_differences():
    model = GPT(4, 4, 1, 4, 2, norm="layer", activation="gelu", init_std=0.5, rng=0)
    row = model.blocks[0].attn.k_proj.weight[1]  # three weights of the key layer, as the inputs

    def loss(a, b, c):
        kept = row[:3]
        row[:3] = [a, b, c]  # (the neuron's own list: the model reads these Values instead)
        try:
            return cross_entropy(model([3, 0, 2]), [0, 2, 1])
        finally:
            row[:3] = kept

    assert gradcheck(loss, [v.data for v in row[:3]])


def test_microgpt_settings_give_microgpts_model():
    # microgpt: random.seed(42); the names shuffled; then every weight gauss(0, 0.08), matrices in
    # the order wte, wpe, lm_head, then per layer q, k, v, o, fc1 (4n x n), fc2 (n x 4n), row by row
    vocab, block, n = 27, 16, 16
    model = GPT(vocab, block, 1, n, 4, norm="rms", activation="relu", bias=False, init_std=0.08,
                rng=random.Random(42))
    r = random.Random(42)
    shapes = [(vocab, n), (block, n), (vocab, n), (n, n), (n, n), (n, n), (n, n), (4 * n, n), (n, 4 * n)]
    expected = [r.gauss(0, 0.08) for rows, cols in shapes for _ in range(rows * cols)]
    b = model.blocks[0]
    ours = [w.data for m in (model.wte.weight, model.wpe.weight, model.lm_head.weight, b.attn.q_proj.weight,
                             b.attn.k_proj.weight, b.attn.v_proj.weight, b.attn.out_proj.weight, b.fc1.weight,
                             b.fc2.weight) for row in m for w in row]
    assert ours == expected
    assert model.num_parameters() == len(expected) == 4192  # no biases, no norm gains
    assert all(".bias." not in name for name, _ in model.named_parameters())


def test_gpt_names_its_parameters_in_order():
    names = [name for name, _ in GPT(3, 4, 1, 4, 2, rng=0).named_parameters()]
    assert names[:2] == ["wte.weight.0.0", "wte.weight.0.1"]
    prefixes = []
    for name in names:
        prefix = ".".join(name.split(".")[:3 if name.startswith("blocks") else 1])
        if prefix not in prefixes:
            prefixes.append(prefix)
    assert prefixes == ["wte", "wpe", "norm_in", "blocks.0.norm1", "blocks.0.attn", "blocks.0.norm2",
                        "blocks.0.fc1", "blocks.0.fc2", "lm_head"]
    model = GPT(3, 4, 2, 4, 2, rng=0)
    assert model.parameters() == [p for _, p in model.named_parameters()]


@settings(max_examples=30, deadline=None)
@given(vocab=st.integers(1, 6), block=st.integers(1, 5), n_layer=st.integers(1, 2), n_head=st.integers(1, 2),
       head_dim=st.integers(1, 2), norm=st.sampled_from(["layer", "rms"]), bias=st.booleans())
def test_parameter_count_from_the_config_alone(vocab, block, n_layer, n_head, head_dim, norm, bias):
    model = GPT(vocab, block, n_layer, n_head * head_dim, n_head, norm=norm, bias=bias, rng=0)
    assert GPT.parameter_count(model.config()) == model.num_parameters()
    block_module = model.blocks[0]
    assert TransformerBlock.parameter_count(block_module.config()) == block_module.num_parameters()


def test_save_and_load_every_new_layer(tmp_path):
    models = [Linear(3, 2, rng=1), Linear(3, 2, bias=False, rng=1), Embedding(5, 3, rng=1),
              LayerNorm(4, bias=False), RMSNorm(3), CausalSelfAttention(4, 2, rng=1),
              TransformerBlock(4, 2, norm="rms", activation="relu", rng=1),
              GPT(5, 6, 2, 4, 2, norm="rms", activation="relu", bias=False, init_std=0.08, rng=1),
              Sequential(Linear(2, 4, rng=1), LayerNorm(4), Linear(4, 1, rng=2))]
    for i, model in enumerate(models):
        randomise(model, i)
        path = tmp_path / f"model{i}.json"
        save(model, path)
        loaded = load(path)
        assert type(loaded) is type(model) and loaded.config() == model.config()
        assert loaded.state_dict() == model.state_dict()


def test_generate_is_reproducible_and_stops_where_asked():
    model = GPT(6, 5, 1, 4, 2, init_std=0.5, rng=0)
    a = model.generate([5], 12, rng=3)
    assert a == model.generate([5], 12, rng=3) and a[0] == 5 and len(a) == 13  # past block_size: a sliding window
    assert all(0 <= t < 6 for t in a)
    stopped = model.generate([5], 40, rng=4, stop_token=2)
    assert stopped[-1] == 2 or len(stopped) == 41
    assert 2 not in stopped[1:-1]
    assert model.generate([5, 1], 0) == [5, 1]


def test_generate_with_top_k_1_is_the_most_likely_token_each_time():
    model = GPT(6, 8, 1, 4, 2, init_std=0.5, rng=1)
    out = model.generate([0], 5, top_k=1, rng=0)
    for t in range(1, len(out)):
        with no_grad():
            logits = [v.data for v in model(out[:t])[-1]]
        assert out[t] == logits.index(max(logits))


def test_generate_builds_no_graph_and_leaves_grads_alone():
    model = GPT(5, 6, 1, 4, 2, rng=0)
    model.generate([1], 4, rng=0)
    assert all(p.grad == 0.0 for p in model.parameters())


def test_a_low_temperature_is_nearly_greedy():
    model = GPT(6, 8, 1, 4, 2, init_std=1.0, rng=2)
    greedy = model.generate([0], 6, top_k=1)
    assert model.generate([0], 6, temperature=1e-3, rng=9) == greedy


@pytest.mark.parametrize("call, error, message", [
    (lambda m: m([0, 7]), ValueError, r"GPT: tokens\[1\] must be a token id in 0..6 \(the vocabulary has 7 tokens\), got 7"),
    (lambda m: m([0, 1, 2, 3, 4, 5]), ValueError, r"GPT: got 6 tokens, but the model reads at most block_size = 5"),
    (lambda m: m([]), ValueError, "GPT: tokens must hold at least one token id"),
    (lambda m: m("abc"), TypeError, "GPT: tokens must be a list of token ids"),
    (lambda m: m([0, 1.5]), TypeError, r"GPT: tokens\[1\] must be a token id"),
    (lambda m: m.generate([], 3), ValueError, "GPT.generate: tokens must hold at least one token id"),
    (lambda m: m.generate([0], 3, temperature=0), ValueError, "GPT.generate: temperature must be"),
    (lambda m: m.generate([0], 3, top_k=0), ValueError, "GPT.generate: top_k must be"),
    (lambda m: m.generate([0], -1), ValueError, "GPT.generate: max_new_tokens must be"),
    (lambda m: m.generate([9], 3), ValueError, r"GPT.generate: tokens\[0\] must be a token id"),
    (lambda m: m.step(0, []), TypeError, "GPT.step: cache must be the list of 1 KVCaches"),
])
def test_gpt_rejects_bad_input_clearly(call, error, message):
    with pytest.raises(error, match=message):
        call(GPT(7, 5, 1, 4, 2, rng=0))


def test_a_full_cache_is_an_error_not_a_wrong_position():
    model = GPT(3, 2, 1, 2, 1, rng=0)
    cache = model.new_cache()
    model.step(0, cache)
    model.step(1, cache)
    with pytest.raises(ValueError, match="GPT.step: the cache holds 2 positions already"):
        model.step(2, cache)


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(n_embd=10, n_head=4), ValueError, r"GPT: n_embd \(10\) must be divisible by n_head \(4\)"),
    (dict(norm="batch"), ValueError, "GPT: unknown norm 'batch'"),
    (dict(activation="swish"), ValueError, "GPT: unknown activation 'swish'"),
    (dict(init_std=0.0), ValueError, "GPT: init_std must be"),
    (dict(vocab_size=0), ValueError, "GPT: vocab_size must be"),
    (dict(bias="no"), TypeError, "GPT: bias must be True or False"),
])
def test_gpt_rejects_bad_arguments(kwargs, error, message):
    args = dict(vocab_size=5, block_size=4, n_layer=1, n_embd=4, n_head=2) | kwargs
    with pytest.raises(error, match=message):
        GPT(**args)


def test_a_tiny_gpt_learns_a_pattern():
    # "abcabc...": after a comes b, after b comes c, after c comes a. A few Adam steps
    # on one sequence bring the loss from about ln 3 to near 0.
    from tinygrad_ann.optim import Adam

    model = GPT(3, 8, 1, 8, 2, rng=0)
    opt = Adam(model.parameters(), lr=0.05)
    seq = [0, 1, 2, 0, 1, 2, 0, 1, 2]
    first = None
    for _ in range(40):
        loss = cross_entropy(model(seq[:-1]), seq[1:])
        first = first if first is not None else loss.data
        model.zero_grad()
        loss.backward()
        opt.step()
    assert first == pytest.approx(math.log(3), abs=0.1) and loss.data < 0.05
    assert model.generate([0], 5, top_k=1) == [0, 1, 2, 0, 1, 2]
