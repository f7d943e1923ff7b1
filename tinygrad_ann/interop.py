"""From and to PyTorch: `to_torch(model)` and `from_torch(module)`, the graduation path.

A model built here becomes the `torch.nn` module that computes the same function
with the same weights (float64), and a `torch.nn` model becomes ours:

    tinygrad_ann                          torch.nn
    Neuron(nin)                           Linear(nin, 1)
    Layer(nin, nout)                      Linear(nin, nout)
    Conv2d / Conv1d                       Conv2d / Conv1d
    MaxPool2d, AvgPool2d                  MaxPool2d, AvgPool2d
    Flatten()                             Flatten()
    MLP(nin, [h, ..., out])               Sequential(Linear, act, Linear, act, ..., Linear)
    Sequential(a, b, ...)                 Sequential(to_torch(a), to_torch(b), ...)
    RNNCell, LSTMCell, GRUCell            RNNCell, LSTMCell, GRUCell
    RNN, LSTM, GRU                        RNN, LSTM, GRU (batch_first=True)
    LastStep()                            LastStep, a module of this file
    Linear(in, out, bias)                 Linear(in, out, bias)  (from_torch: a Layer, see below)
    Layer(..., bias=False)                Linear(..., bias=False) (+ its activation)
    Embedding(num, dim)                   Embedding(num, dim)
    LayerNorm(dim, eps, affine, bias)     LayerNorm(dim, eps, elementwise_affine, bias)
    RMSNorm(dim, eps, affine)             RMSNorm(dim, eps, elementwise_affine)
    CausalSelfAttention(n_embd, n_head)   CausalSelfAttention, a module of this file
    TransformerBlock(n_embd, n_head, ...) TransformerBlock, a module of this file
    GPT(vocab_size, block_size, ...)      GPT, a module of this file

Conventions:

- **Activations.** Ours is part of a layer, torch's is a module of its own. A
  Layer or a convolution with an activation becomes `Sequential(Linear, ReLU)`
  (`Sequential(Conv2d, Tanh)`, ...); 'linear' adds nothing. The modules are in
  `ACTIVATION_MODULES`: 'leaky_relu' is `LeakyReLU(0.01)`; 'softplus' is
  `Softplus(threshold=40)`, because torch's default (20) returns x itself past
  20, which is 2e-9 away from ln(1 + e^x) at x = 20; 'step' is `Step`, a module
  of this file (torch has none), whose gradient is 0 everywhere as ours is. An
  activation function of one's own has no torch module: a ValueError.
- **Batches.** Our layers read one sample; a torch module reads a batch, a
  float64 tensor of shape (N, *one sample's shape): (N, nin) for dense layers,
  (N, C, H, W) for images x[channel][row][col], (N, C, L) for signals. Its
  output is the batch of our outputs. Where ours gives a single Value (a
  Neuron, or a last layer of one neuron), torch gives shape (N, 1). `Flatten`
  becomes `nn.Flatten()`, which keeps the batch dimension.
- **Sequences.** A sample of a recurrent layer is a list of time steps
  xs[t][i], so its batch is (N, T, input_size): `RNN`, `LSTM` and `GRU` become
  torch's with `batch_first=True`, whose output is (N, T, hidden_size), and
  which return `(output, h_n)` (LSTM: `(output, (h_n, c_n))`), h_n of shape
  (num_layers, N, hidden_size), as ours return `(outputs, h_n)`. A cell reads
  (N, input_size) and a state (N, hidden_size). `LastStep` becomes this file's
  `LastStep` module (torch has none): `output[:, -1]` of the `(output, state)`
  before it, so `Sequential(LSTM(...), LastStep(), Layer(...))` converts whole.
  from_torch takes either batch_first (it changes only the layout); a
  bidirectional layer, dropout between layers, an LSTM's proj_size or
  bias=False have no counterpart here (a ValueError).
- **Tokens and transformers.** An `Embedding` reads token ids, a LongTensor:
  (N,) gives (N, embedding_dim), (N, T) gives (N, T, embedding_dim), as
  `emb(k)` and `emb([k1, ..., kT])` give a row and a list of rows. The norms
  read (N, dim) (or (N, T, dim)): one vector per sample. A sample of
  `CausalSelfAttention` or `TransformerBlock` is a sequence of T vectors, so
  its batch is (N, T, n_embd), and so is the output. `GPT` reads a batch of
  token-id sequences (N, T) and returns logits (N, T, vocab_size), where ours
  returns T lists of vocab_size logits. Their torch modules (this file's
  `CausalSelfAttention`, `TransformerBlock`, `GPT`) name their parts as ours
  do, so the parameter names correspond: our 'blocks.0.attn.q_proj.weight.3.1'
  is torch's 'blocks.0.attn.q_proj.weight'[3, 1]. Attention is torch's
  `F.scaled_dot_product_attention(q, k, v, is_causal=True)`, q, k and v of
  shape (N, n_head, T, n_embd / n_head); norm='rms' is `nn.RMSNorm(n_embd,
  eps=1e-5, elementwise_affine=False)`, norm='layer' `nn.LayerNorm(n_embd,
  bias=bias)`, the MLP's activation a module of `ACTIVATION_MODULES`
  (`block.act`). from_torch converts these three only from this file's
  classes, checked part by part: a layout we do not compute (another eps, a
  gain on an RMSNorm, an fc1 not 4 × n_embd wide, biases in some layers only,
  blocks unlike each other, lm_head's weight tied to wte's, ...) is a
  ValueError naming the part.
- **from_torch** merges an activation module into the Linear or convolution
  right before it: `Sequential(Linear, Tanh)` is `Layer(..., activation='tanh')`,
  so our Sequential may have fewer layers than torch's. Every nn.Linear becomes
  a `Layer` (`Layer(..., bias=False)` if it has no bias), never our `Linear`:
  a Layer takes the activation after it, and its output does not depend on
  the bias (a Layer of one neuron gives a Value, a Linear a list), so a torch
  MLP without biases becomes the Sequential of Layers one with biases does.
  nn.RMSNorm's eps=None (torch: the machine epsilon of the input's dtype)
  becomes float64's, 2.2e-16: we compute in float64, as to_torch's modules do.
  An nn.Embedding with padding_idx, max_norm, scale_grad_by_freq or sparse,
  and a norm over more than one dimension (a normalized_shape of 2 or more
  sizes), have no counterpart (a ValueError). A torch Sequential in
  micrograd's layout (at least two Linear layers, each but the last followed by
  the same activation) becomes an `MLP`; `nn.Identity` there is 'linear'. Only
  what we compute exactly converts (zero padding, no dilation, no groups, a bias
  in every convolution and recurrent layer, ...); anything else is a ValueError
  that names it.
- **Round trips.** `from_torch(to_torch(m))` has the same config() and
  state_dict() as m, except that a Neuron comes back as a Layer of one neuron
  and an MLP of one layer as that Layer (or a Sequential of it): torch cannot
  tell them apart. For the same reason a `Linear` comes back as the Layer that
  computes it (activation='linear', bias=False if it had none; its parameters
  then have the Layer's names and order). `to_torch(from_torch(t))` computes
  what t computes.

torch is imported only when these functions are called: `import tinygrad_ann`
never needs it. Without it, they raise an ImportError that says how to install it.

To add a layer family: write its two converters and add one entry to
`TO_TORCH` (our class -> torch module) and one to `FROM_TORCH` (torch.nn's
class name -> our layer). Nothing else changes.

Example:
    >>> import pytest; torch = pytest.importorskip("torch")     # (the examples need PyTorch)
    >>> from tinygrad_ann.nn import MLP
    >>> model = MLP(2, [4, 1], rng=0)
    >>> net = to_torch(model)
    >>> net
    Sequential(
      (0): Linear(in_features=2, out_features=4, bias=True)
      (1): ReLU()
      (2): Linear(in_features=4, out_features=1, bias=True)
    )
    >>> x = [0.5, -1.0]
    >>> out = net(torch.tensor([x], dtype=torch.float64))     # a batch of one sample
    >>> tuple(out.shape), abs(out[0, 0].item() - model(x).data) < 1e-12
    ((1, 1), True)
    >>> from_torch(net)
    MLP(2 → 4 relu → 1 linear; 17 parameters)
"""

from __future__ import annotations

import functools
import importlib
import itertools
from typing import Any, Callable, NamedTuple, NoReturn

from ._checks import one_of, positive_number, whole_number, wrong_type
from .engine import Value
from .nn import (
    ACTIVATIONS, GRU, LSTM, MLP, RNN, AvgPool2d, Conv1d, Conv2d, Embedding, Flatten, GRUCell, Layer, LayerNorm,
    Linear, LSTMCell, MaxPool2d, Module, Neuron, RMSNorm, RNNCell, Sequential,
)
# (interop.LastStep, .CausalSelfAttention, .TransformerBlock and .GPT are the torch
# modules of this file: see __getattr__)
from .nn import CausalSelfAttention as _CausalSelfAttention
from .nn import GPT as _GPT
from .nn import LastStep as _LastStep
from .nn import TransformerBlock as _TransformerBlock
from .nn.attention import heads
from .nn.transformer import NORMS

__all__ = ["to_torch", "from_torch", "TO_TORCH", "FROM_TORCH", "FromTorch", "ACTIVATION_MODULES",
           "ACTIVATIONS_FROM_TORCH", "INSTALL_TORCH"]

#: How to install PyTorch, as the ImportError says it.
INSTALL_TORCH = ('pip install "tinygrad-ann[torch]", or only the (smaller) CPU build: '
                 "pip install torch --index-url https://download.pytorch.org/whl/cpu")


def _import_torch(owner: str) -> Any:
    """The torch module, or an ImportError that says how to install it.

    (importlib rather than `import torch`: every torch object here is Any, and
    mypy then does not read all of torch's type stubs, 20 s without its cache.)
    """
    try:
        return importlib.import_module("torch")
    except ImportError as e:
        if e.name != "torch":  # torch is there but broken: its own error says more
            raise
        raise ImportError(f"{owner} needs PyTorch, which is not installed; install it with "
                          f"{INSTALL_TORCH}") from None


# -- to_torch: our layer -> a torch.nn module ------------------------------------------------


def to_torch(model: Any) -> Any:
    """The `torch.nn` module that computes what `model` computes, with the same
    weights (float64). It reads a batch: a tensor of shape (N, *one sample's shape).

    `model` is a Neuron, Layer, MLP, Sequential, Conv1d, Conv2d, MaxPool2d,
    AvgPool2d, Flatten, a recurrent layer or cell, LastStep, Linear, Embedding,
    LayerNorm, RMSNorm, CausalSelfAttention, TransformerBlock or GPT (see
    `TO_TORCH`); the module docstring lists what each becomes. Activations
    become modules after the linear part. A recurrent layer reads (N, T,
    input_size) (batch_first), attention and a block (N, T, n_embd), an
    Embedding and a GPT token ids (N, T).

    Example:
        >>> import pytest; torch = pytest.importorskip("torch")     # (needs PyTorch)
        >>> from tinygrad_ann.nn import Layer
        >>> layer = Layer(2, 3, activation='relu', rng=0)
        >>> net = to_torch(layer)
        >>> net
        Sequential(
          (0): Linear(in_features=2, out_features=3, bias=True)
          (1): ReLU()
        )
        >>> net[0].weight[1, 0].item() == layer.neurons[1].w[0].data
        True
        >>> from tinygrad_ann.nn import GPT
        >>> model = GPT(vocab_size=5, block_size=8, n_layer=1, n_embd=4, n_head=2, rng=0)
        >>> gpt = to_torch(model)
        >>> logits = gpt(torch.tensor([[4, 0, 2]]))            # token ids, (N, T) = (1, 3)
        >>> tuple(logits.shape), abs(logits[0, 2, 1].item() - model([4, 0, 2])[2][1].data) < 1e-12
        ((1, 3, 5), True)
        >>> gpt.blocks[0].attn.q_proj.weight[3, 1].item() == model.state_dict()['blocks.0.attn.q_proj.weight.3.1']
        True
    """
    torch = _import_torch("to_torch")
    return _to_torch(model, torch, "model")


def _to_torch(model: Any, torch: Any, where: str) -> Any:
    """`model` converted by its entry in TO_TORCH (its exact class: a subclass may compute otherwise)."""
    convert = TO_TORCH.get(type(model))
    if convert is None:
        what = f"a {', '.join(c.__name__ for c in TO_TORCH)}"
        if isinstance(model, Module):
            raise ValueError(f"to_torch: {where} must be {what}; a {type(model).__name__} has no torch "
                             f"counterpart here")
        wrong_type("to_torch", where, what, model)
    return convert(model, torch, where)


def _float64(torch: Any, numbers: Any) -> Any:
    return torch.tensor(numbers, dtype=torch.float64)


def _data(nested: Any) -> Any:
    """Nested lists of Values as the same nested lists of their floats."""
    return nested.data if isinstance(nested, Value) else [_data(x) for x in nested]


def _activation_module(torch: Any, activation: str, where: str) -> Any:
    make = ACTIVATION_MODULES.get(activation)
    if make is None:
        raise ValueError(
            f"to_torch: {where}'s activation {activation!r} is a function of one's own, which torch "
            f"cannot run; use one of the named activations ({', '.join(ACTIVATIONS)})"
        )
    return make(torch)


def _then_activation(torch: Any, module: Any, activation: str, where: str) -> Any:
    """`module`, followed by the activation's module unless it is 'linear'."""
    if activation == "linear":
        return module
    return torch.nn.Sequential(module, _activation_module(torch, activation, where))


def _linear(torch: Any, neurons: list[Neuron]) -> Any:
    """nn.Linear whose row o is neuron o's weights, and bias[o] its bias (bias=False
    for neurons without one)."""
    bias = neurons[0].b is not None
    linear = torch.nn.Linear(neurons[0].nin, len(neurons), bias=bias, dtype=torch.float64)
    with torch.no_grad():
        linear.weight.copy_(_float64(torch, [_data(n.w) for n in neurons]))
        if bias:
            linear.bias.copy_(_float64(torch, [_data(n.b) for n in neurons]))
    return linear


def _neuron_to_torch(model: Neuron, torch: Any, where: str) -> Any:
    return _then_activation(torch, _linear(torch, [model]), model.activation, where)


def _layer_to_torch(model: Layer, torch: Any, where: str) -> Any:
    return _then_activation(torch, _linear(torch, model.neurons), model.activation, where)


def _mlp_to_torch(model: MLP, torch: Any, where: str) -> Any:
    """One flat nn.Sequential, as PyTorch users write an MLP: every hidden layer's
    activation module follows it (nn.Identity for 'linear', so that from_torch
    sees an MLP's layout), the last layer's unless it is 'linear'."""
    modules = []
    for i, layer in enumerate(model.layers):
        modules.append(_linear(torch, layer.neurons))
        if i < len(model.layers) - 1 or layer.activation != "linear":
            modules.append(_activation_module(torch, layer.activation, f"{where}.layers[{i}]"))
    return torch.nn.Sequential(*modules)


def _sequential_to_torch(model: Sequential, torch: Any, where: str) -> Any:
    """nn.Sequential with one module per layer: torch's child i is our layer i."""
    return torch.nn.Sequential(*(_to_torch(layer, torch, f"{where}[{i}]") for i, layer in enumerate(model)))


def _conv_to_torch(model: Conv2d, torch: Any, where: str) -> Any:
    if type(model) is Conv1d:  # (its sizes are kept as a Conv2d's one row high: (1, k))
        conv = torch.nn.Conv1d(model.in_channels, model.out_channels, model.kernel_size[1],
                               stride=model.stride[1], padding=model.padding[1], dtype=torch.float64)
    else:
        conv = torch.nn.Conv2d(model.in_channels, model.out_channels, model.kernel_size,
                               stride=model.stride, padding=model.padding, dtype=torch.float64)
    with torch.no_grad():
        conv.weight.copy_(_float64(torch, _data(model.weight)))
        conv.bias.copy_(_float64(torch, _data(model.bias)))
    return _then_activation(torch, conv, model.activation, where)


def _max_pool_to_torch(model: MaxPool2d, torch: Any, where: str) -> Any:
    return torch.nn.MaxPool2d(model.kernel_size, stride=model.stride)


def _avg_pool_to_torch(model: AvgPool2d, torch: Any, where: str) -> Any:
    return torch.nn.AvgPool2d(model.kernel_size, stride=model.stride)


def _flatten_to_torch(model: Flatten, torch: Any, where: str) -> Any:
    return torch.nn.Flatten()  # (from dim 1: each sample of the batch is flattened, as ours is)


def _copy_cell(torch: Any, module: Any, cell: Any, suffix: str = "") -> None:
    """A torch cell's (or one layer's, suffix '_l0', ...) four tensors from our cell."""
    with torch.no_grad():
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(module, name + suffix).copy_(_float64(torch, _data(getattr(cell, name))))


def _cell_to_torch(model: Any, torch: Any, where: str) -> Any:
    make = getattr(torch.nn, type(model).__name__)  # RNNCell, LSTMCell, GRUCell
    extra = {"nonlinearity": model.nonlinearity} if type(model) is RNNCell else {}
    cell = make(model.input_size, model.hidden_size, dtype=torch.float64, **extra)
    _copy_cell(torch, cell, model)
    return cell


def _recurrent_to_torch(model: Any, torch: Any, where: str) -> Any:
    """torch's RNN / LSTM / GRU with batch_first=True: a batch is (N, T, input_size)."""
    make = getattr(torch.nn, type(model).__name__)
    extra = {"nonlinearity": model.nonlinearity} if type(model) is RNN else {}
    layer = make(model.input_size, model.hidden_size, num_layers=model.num_layers, batch_first=True,
                 dtype=torch.float64, **extra)
    for i, cell in enumerate(model.cells):
        _copy_cell(torch, layer, cell, f"_l{i}")
    return layer


def _last_step_to_torch(model: _LastStep, torch: Any, where: str) -> Any:
    return _last_step_class(torch)()


def _index_names(name: str, shape: Any) -> list[str]:
    """Our names of the numbers of torch's parameter `name`, in its (row-major)
    order: 'weight' of shape (2, 3) holds our 'weight.0.0', 'weight.0.1', ..."""
    return [".".join((name, *map(str, index))) for index in itertools.product(*map(range, shape))]


def _copy_named(torch: Any, net: Any, model: Module, where: str) -> Any:
    """`net` (returned), each of its parameters filled from ours of the same
    names: our 'attn.q_proj.weight.3.1' is net's 'attn.q_proj.weight'[3, 1]."""
    state = model.state_dict()
    used = 0
    with torch.no_grad():
        for name, tensor in net.named_parameters():
            names = _index_names(name, tensor.shape)
            missing = [n for n in names if n not in state]
            if missing:  # (a layer of ours and its torch module have drifted apart)
                raise RuntimeError(f"to_torch: {where} ({type(model).__name__}) has no parameter {missing[0]!r} "
                                   f"for torch's {name!r}")
            tensor.copy_(_float64(torch, [state[n] for n in names]).reshape(tensor.shape))
            used += len(names)
    if used != len(state):
        raise RuntimeError(f"to_torch: {where} ({type(model).__name__}) has {len(state)} parameters, "
                           f"its torch module {used}")
    return net


def _linear_class_to_torch(model: Linear, torch: Any, where: str) -> Any:
    net = torch.nn.Linear(model.in_features, model.out_features, bias=model.bias is not None,
                          dtype=torch.float64)
    return _copy_named(torch, net, model, where)


def _embedding_to_torch(model: Embedding, torch: Any, where: str) -> Any:
    net = torch.nn.Embedding(model.num_embeddings, model.embedding_dim, dtype=torch.float64)
    return _copy_named(torch, net, model, where)


def _layer_norm_to_torch(model: LayerNorm, torch: Any, where: str) -> Any:
    net = torch.nn.LayerNorm(model.dim, eps=model.eps, elementwise_affine=model.elementwise_affine,
                             bias=model.bias is not None, dtype=torch.float64)
    return _copy_named(torch, net, model, where)


def _rms_norm_to_torch(model: RMSNorm, torch: Any, where: str) -> Any:
    net = torch.nn.RMSNorm(model.dim, eps=model.eps, elementwise_affine=model.elementwise_affine,
                           dtype=torch.float64)
    return _copy_named(torch, net, model, where)


def _attention_to_torch(model: _CausalSelfAttention, torch: Any, where: str) -> Any:
    net = _attention_class(torch)(model.n_embd, model.n_head, bias=model.q_proj.bias is not None,
                                  dtype=torch.float64)
    return _copy_named(torch, net, model, where)


def _block_to_torch(model: _TransformerBlock, torch: Any, where: str) -> Any:
    net = _block_class(torch)(model.n_embd, model.n_head, norm=model.norm, activation=model.activation,
                              bias=model.bias, dtype=torch.float64)
    return _copy_named(torch, net, model, where)


def _gpt_to_torch(model: _GPT, torch: Any, where: str) -> Any:
    net = _gpt_class(torch)(model.vocab_size, model.block_size, model.n_layer, model.n_embd, model.n_head,
                            norm=model.norm, activation=model.activation, bias=model.bias,
                            init_std=model.init_std, dtype=torch.float64)
    return _copy_named(torch, net, model, where)


#: Our layer class -> how it becomes a torch module: convert(model, torch, where)
#: (`where` names the model in errors, e.g. 'model[2]'). The class must match
#: exactly (Conv1d is a Conv2d, but converts otherwise).
TO_TORCH: dict[type, Callable[[Any, Any, str], Any]] = {
    Neuron: _neuron_to_torch,
    Layer: _layer_to_torch,
    MLP: _mlp_to_torch,
    Sequential: _sequential_to_torch,
    Conv1d: _conv_to_torch,
    Conv2d: _conv_to_torch,
    MaxPool2d: _max_pool_to_torch,
    AvgPool2d: _avg_pool_to_torch,
    Flatten: _flatten_to_torch,
    RNNCell: _cell_to_torch,
    LSTMCell: _cell_to_torch,
    GRUCell: _cell_to_torch,
    RNN: _recurrent_to_torch,
    LSTM: _recurrent_to_torch,
    GRU: _recurrent_to_torch,
    _LastStep: _last_step_to_torch,
    Linear: _linear_class_to_torch,
    Embedding: _embedding_to_torch,
    LayerNorm: _layer_norm_to_torch,
    RMSNorm: _rms_norm_to_torch,
    _CausalSelfAttention: _attention_to_torch,
    _TransformerBlock: _block_to_torch,
    _GPT: _gpt_to_torch,
}


@functools.cache
def _step_class(torch: Any) -> Any:
    """The class `Step`: made once, when torch is first needed (it subclasses nn.Module)."""

    class Step(torch.nn.Module):
        """step(x) = 1 if x > 0 else 0, elementwise: the 'step' activation (Rosenblatt's
        perceptron) as a torch module. Its gradient is 0 everywhere, as ours is; a
        nan stays nan. (torch has no step module: `torch.heaviside` has no gradient.)
        """

        def forward(self, x: Any) -> Any:
            # where() keeps x in the graph, so the gradient is a 0 (not a missing one).
            return torch.where(torch.isnan(x), x, (x > 0).to(x.dtype))

    Step.__module__, Step.__qualname__ = __name__, "Step"  # so that pickle finds it here
    return Step


@functools.cache
def _last_step_class(torch: Any) -> Any:
    """The class `LastStep`: made once, when torch is first needed (it subclasses nn.Module)."""

    class LastStep(torch.nn.Module):
        """output[:, -1]: the last time step of a batch_first recurrent layer's output,
        given its `(output, state)` (as nn.RNN, LSTM and GRU return it) or the output
        (N, T, H) alone. tinygrad_ann's `LastStep` as a torch module (torch has none).
        """

        def forward(self, x: Any) -> Any:
            output = x[0] if isinstance(x, tuple) else x
            return output[:, -1]

    LastStep.__module__, LastStep.__qualname__ = __name__, "LastStep"  # so that pickle finds it here
    return LastStep


def _flag(owner: str, name: str, x: object) -> bool:
    if x is not True and x is not False:
        wrong_type(owner, name, "True or False", x)
    return x


@functools.cache
def _attention_class(torch: Any) -> Any:
    """The class `CausalSelfAttention`: made once, when torch is first needed."""
    functional = torch.nn.functional

    class CausalSelfAttention(torch.nn.Module):
        """tinygrad_ann's `CausalSelfAttention(n_embd, n_head, bias)` as a torch module.

        Its parts are ours, by the same names: `q_proj`, `k_proj`, `v_proj` and
        `out_proj`, four nn.Linear(n_embd, n_embd, bias). It reads a batch of
        sequences (N, T, n_embd) and returns (N, T, n_embd): each head's
        `F.scaled_dot_product_attention(q, k, v, is_causal=True)`, side by side,
        through out_proj. `device` and `dtype` go to the Linear layers.

        Example:
            >>> import torch
            >>> from tinygrad_ann import interop
            >>> attn = interop.CausalSelfAttention(n_embd=4, n_head=2, dtype=torch.float64)
            >>> attn
            CausalSelfAttention(
              n_head=2
              (q_proj): Linear(in_features=4, out_features=4, bias=True)
              (k_proj): Linear(in_features=4, out_features=4, bias=True)
              (v_proj): Linear(in_features=4, out_features=4, bias=True)
              (out_proj): Linear(in_features=4, out_features=4, bias=True)
            )
            >>> x = torch.randn(2, 3, 4, dtype=torch.float64)          # N = 2 sequences of T = 3
            >>> out = attn(x)
            >>> tuple(out.shape), torch.allclose(attn(x[:, :1])[:, 0], out[:, 0])   # causal
            ((2, 3, 4), True)
            >>> interop.from_torch(attn)
            CausalSelfAttention(n_embd=4, n_head=2, bias=True; 80 parameters)
        """

        def __init__(self, n_embd: int, n_head: int, bias: bool = True, *, device: Any = None,
                     dtype: Any = None) -> None:
            super().__init__()
            heads("CausalSelfAttention", n_embd, n_head)
            kwargs = {"bias": _flag("CausalSelfAttention", "bias", bias), "device": device, "dtype": dtype}
            self.n_head = int(n_head)
            self.q_proj = torch.nn.Linear(n_embd, n_embd, **kwargs)
            self.k_proj = torch.nn.Linear(n_embd, n_embd, **kwargs)
            self.v_proj = torch.nn.Linear(n_embd, n_embd, **kwargs)
            self.out_proj = torch.nn.Linear(n_embd, n_embd, **kwargs)

        def forward(self, x: Any) -> Any:
            if x.dim() != 3:
                raise ValueError(f"CausalSelfAttention: x must be a batch of sequences of shape (N, T, n_embd), "
                                 f"got a tensor of shape {tuple(x.shape)}")
            n, t, c = x.shape

            def by_head(y: Any) -> Any:  # (N, T, C) -> (N, n_head, T, C / n_head)
                return y.view(n, t, self.n_head, c // self.n_head).transpose(1, 2)

            y = functional.scaled_dot_product_attention(by_head(self.q_proj(x)), by_head(self.k_proj(x)),
                                                        by_head(self.v_proj(x)), is_causal=True)
            return self.out_proj(y.transpose(1, 2).reshape(n, t, c))

        def extra_repr(self) -> str:
            return f"n_head={self.n_head}"

    CausalSelfAttention.__module__, CausalSelfAttention.__qualname__ = __name__, "CausalSelfAttention"
    return CausalSelfAttention


#: The eps of the norms in our TransformerBlock and GPT (LayerNorm's and RMSNorm's default).
_BLOCK_EPS = 1e-5


def _norm_module(torch: Any, norm: str, n_embd: int, bias: bool, factory: dict[str, Any]) -> Any:
    """A block's norm as ours makes it: LayerNorm(n_embd, bias) or RMSNorm without a gain, eps 1e-5."""
    if norm == "layer":
        return torch.nn.LayerNorm(n_embd, eps=_BLOCK_EPS, bias=bias, **factory)
    return torch.nn.RMSNorm(n_embd, eps=_BLOCK_EPS, elementwise_affine=False, **factory)


def _block_activation(owner: str, activation: str) -> str:
    return one_of(owner, "activation", activation, [a for a in ACTIVATION_MODULES if a != "linear"])


@functools.cache
def _block_class(torch: Any) -> Any:
    """The class `TransformerBlock`: made once, when torch is first needed."""
    attention = _attention_class(torch)

    class TransformerBlock(torch.nn.Module):
        """tinygrad_ann's `TransformerBlock(n_embd, n_head, norm, activation, bias)` as a
        torch module: x + attn(norm1(x)), then x + fc2(act(fc1(norm2(x)))).

        Its parts are ours, by the same names: `norm1`, `attn` (this file's
        CausalSelfAttention), `norm2`, `fc1` (nn.Linear(n_embd, 4 n_embd)), `act`
        (the activation's module, from ACTIVATION_MODULES) and `fc2`. norm='layer'
        is nn.LayerNorm(n_embd, bias=bias), norm='rms' nn.RMSNorm(n_embd,
        eps=1e-5, elementwise_affine=False). It reads (N, T, n_embd).

        Example:
            >>> import torch
            >>> from tinygrad_ann import interop
            >>> block = interop.TransformerBlock(4, 2, norm='rms', activation='relu', bias=False)
            >>> block.norm1
            RMSNorm((4,), eps=1e-05, elementwise_affine=False)
            >>> block.act, block.fc1
            (ReLU(), Linear(in_features=4, out_features=16, bias=False))
            >>> block(torch.randn(2, 3, 4)).shape
            torch.Size([2, 3, 4])
            >>> interop.from_torch(block)
            TransformerBlock(n_embd=4, n_head=2, norm='rms', activation='relu', bias=False; 192 parameters)
        """

        def __init__(self, n_embd: int, n_head: int, norm: str = "layer", activation: str = "gelu",
                     bias: bool = True, *, device: Any = None, dtype: Any = None) -> None:
            super().__init__()
            owner = "TransformerBlock"
            heads(owner, n_embd, n_head)
            one_of(owner, "norm", norm, NORMS)
            make_activation = ACTIVATION_MODULES[_block_activation(owner, activation)]
            bias = _flag(owner, "bias", bias)
            factory = {"device": device, "dtype": dtype}
            self.norm1 = _norm_module(torch, norm, n_embd, bias, factory)
            self.attn = attention(n_embd, n_head, bias=bias, **factory)
            self.norm2 = _norm_module(torch, norm, n_embd, bias, factory)
            self.fc1 = torch.nn.Linear(n_embd, 4 * n_embd, bias=bias, **factory)
            self.act = make_activation(torch)
            self.fc2 = torch.nn.Linear(4 * n_embd, n_embd, bias=bias, **factory)

        def forward(self, x: Any) -> Any:
            x = x + self.attn(self.norm1(x))
            return x + self.fc2(self.act(self.fc1(self.norm2(x))))

    TransformerBlock.__module__, TransformerBlock.__qualname__ = __name__, "TransformerBlock"
    return TransformerBlock


@functools.cache
def _gpt_class(torch: Any) -> Any:
    """The class `GPT`: made once, when torch is first needed."""
    block_class = _block_class(torch)

    class GPT(torch.nn.Module):
        """tinygrad_ann's `GPT(vocab_size, block_size, n_layer, n_embd, n_head, norm,
        activation, bias, init_std)` as a torch module: token ids (N, T) in, logits
        (N, T, vocab_size) out.

        Its parts are ours, by the same names: `wte` and `wpe` (nn.Embedding),
        `norm_in` (the norm right after the embeddings), `blocks` (an
        nn.ModuleList of this file's TransformerBlock) and `lm_head`
        (nn.Linear(n_embd, vocab_size, bias)); no norm before lm_head. As ours, it
        starts with every weight N(0, init_std) (from torch's generator), biases 0
        and norm gains 1. A sequence may be at most block_size long.

        Example:
            >>> import torch
            >>> from tinygrad_ann import interop
            >>> _ = torch.manual_seed(0)
            >>> gpt = interop.GPT(vocab_size=5, block_size=8, n_layer=2, n_embd=4, n_head=2,
            ...                   dtype=torch.float64)
            >>> tokens = torch.tensor([[4, 0, 2], [1, 1, 3]])   # N = 2 sequences of T = 3 token ids
            >>> gpt(tokens).shape
            torch.Size([2, 3, 5])
            >>> model = interop.from_torch(gpt)
            >>> model                                           # doctest: +NORMALIZE_WHITESPACE
            GPT(vocab_size=5, block_size=8, n_layer=2, n_embd=4, n_head=2, norm='layer',
                activation='gelu', bias=True; 573 parameters)
            >>> abs(model([1, 1, 3])[2][4].data - gpt(tokens)[1, 2, 4].item()) < 1e-12
            True
        """

        def __init__(self, vocab_size: int, block_size: int, n_layer: int, n_embd: int, n_head: int,
                     norm: str = "layer", activation: str = "gelu", bias: bool = True, init_std: float = 0.02,
                     *, device: Any = None, dtype: Any = None) -> None:
            super().__init__()
            owner = "GPT"
            vocab_size = whole_number(owner, "vocab_size", vocab_size, minimum=1)
            block_size = whole_number(owner, "block_size", block_size, minimum=1)
            n_layer = whole_number(owner, "n_layer", n_layer, minimum=1)
            heads(owner, n_embd, n_head)
            one_of(owner, "norm", norm, NORMS)
            _block_activation(owner, activation)
            bias = _flag(owner, "bias", bias)
            self.init_std = positive_number(owner, "init_std", init_std)
            factory = {"device": device, "dtype": dtype}
            self.wte = torch.nn.Embedding(vocab_size, n_embd, **factory)
            self.wpe = torch.nn.Embedding(block_size, n_embd, **factory)
            self.norm_in = _norm_module(torch, norm, n_embd, bias, factory)
            self.blocks = torch.nn.ModuleList(block_class(n_embd, n_head, norm, activation, bias, **factory)
                                              for _ in range(n_layer))
            self.lm_head = torch.nn.Linear(n_embd, vocab_size, bias=bias, **factory)
            with torch.no_grad():  # every weight N(0, init_std), biases 0 (norms keep 1 and 0)
                for module in self.modules():
                    if isinstance(module, (torch.nn.Embedding, torch.nn.Linear)):
                        module.weight.normal_(0.0, self.init_std)
                    if isinstance(module, torch.nn.Linear) and module.bias is not None:
                        module.bias.zero_()

        def forward(self, tokens: Any) -> Any:
            if tokens.dim() != 2:
                raise ValueError(f"GPT: tokens must be a batch of token ids of shape (N, T), got a tensor of "
                                 f"shape {tuple(tokens.shape)}")
            t, block_size = tokens.shape[1], self.wpe.num_embeddings
            if t > block_size:
                raise ValueError(f"GPT: got {t} tokens, but the model reads at most block_size = {block_size} "
                                 f"at a time")
            x = self.norm_in(self.wte(tokens) + self.wpe(torch.arange(t, device=tokens.device)))
            for block in self.blocks:
                x = block(x)
            return self.lm_head(x)

        def extra_repr(self) -> str:
            return f"init_std={self.init_std}"

    GPT.__module__, GPT.__qualname__ = __name__, "GPT"
    return GPT


#: This file's torch modules by name (made on first use, as they need torch).
_OWN_MODULES: dict[str, Callable[[Any], Any]] = {
    "Step": _step_class,
    "LastStep": _last_step_class,
    "CausalSelfAttention": _attention_class,
    "TransformerBlock": _block_class,
    "GPT": _gpt_class,
}


#: Each of our activation names (`nn.ACTIVATIONS`) -> a new torch module that computes it.
#: 'linear' is nn.Identity, used only between an MLP's layers (elsewhere it adds nothing).
ACTIVATION_MODULES: dict[str, Callable[[Any], Any]] = {
    "relu": lambda torch: torch.nn.ReLU(),
    "tanh": lambda torch: torch.nn.Tanh(),
    "sigmoid": lambda torch: torch.nn.Sigmoid(),
    "leaky_relu": lambda torch: torch.nn.LeakyReLU(0.01),
    # torch's Softplus is x itself past `threshold` (20 by default, where ln(1 + e^x)
    # is x + 2e-9); past 40, e^-x is below a float's precision, so they agree.
    "softplus": lambda torch: torch.nn.Softplus(beta=1.0, threshold=40.0),
    "gelu": lambda torch: torch.nn.GELU(),
    "step": lambda torch: _step_class(torch)(),
    "linear": lambda torch: torch.nn.Identity(),
}


def __getattr__(name: str) -> Any:
    """This file's torch modules, made on first use, as they need torch: `Step`, the
    'step' activation; `LastStep`, the last time step of a recurrent layer's output;
    `CausalSelfAttention`, `TransformerBlock` and `GPT`, ours as torch modules (their
    parts named as ours; see each one's docstring).

    Example:
        >>> import pytest; torch = pytest.importorskip("torch")     # (needs PyTorch)
        >>> from tinygrad_ann import interop
        >>> interop.Step()(torch.tensor([-1.0, 0.0, 2.0]))
        tensor([0., 0., 1.])
        >>> output = torch.tensor([[[1.0], [2.0], [3.0]]])           # N = 1, T = 3, H = 1
        >>> interop.LastStep()((output, None))
        tensor([[3.]])
        >>> gpt = interop.GPT(vocab_size=5, block_size=8, n_layer=1, n_embd=4, n_head=2, norm='rms',
        ...                   activation='relu', bias=False, init_std=0.08, dtype=torch.float64)
        >>> gpt(torch.tensor([[4, 0, 2]])).shape                    # token ids (N, T) -> logits (N, T, vocab)
        torch.Size([1, 3, 5])
        >>> [name for name, _ in gpt.named_parameters()][:3]
        ['wte.weight', 'wpe.weight', 'blocks.0.attn.q_proj.weight']
    """
    make = _OWN_MODULES.get(name)
    if make is not None:
        return make(_import_torch(f"tinygrad_ann.interop.{name}"))
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# -- from_torch: a torch.nn module -> our layer ----------------------------------------------


def from_torch(module: Any) -> Any:
    """Our layer or model that computes what the `torch.nn` module computes, its
    weights copied as Python floats.

    nn.Linear becomes a Layer (bias=False if it has none), nn.Conv1d / Conv2d a
    Conv1d / Conv2d, nn.MaxPool2d / AvgPool2d / Flatten ours, nn.RNN / LSTM / GRU
    and their cells ours, nn.Embedding / LayerNorm / RMSNorm ours, this file's
    CausalSelfAttention / TransformerBlock / GPT ours, nn.Sequential a Sequential
    (an MLP where it has micrograd's layout). An activation module merges into the
    Linear or convolution right before it. See `FROM_TORCH` and
    `ACTIVATIONS_FROM_TORCH`; anything else, or a setting we do not compute
    (dilation, groups, padding_idx, ...), is a ValueError naming it.

    Example:
        >>> import pytest; torch = pytest.importorskip("torch")     # (needs PyTorch)
        >>> nn = torch.nn
        >>> from_torch(nn.Sequential(nn.Linear(3, 2), nn.Tanh()))
        Layer(nin=3, nout=2, activation='tanh'; 8 parameters)
        >>> from_torch(nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        ...                          nn.Linear(4, 10)))                   # doctest: +NORMALIZE_WHITESPACE
        Sequential(Conv2d(1, 4, kernel_size=(3, 3), stride=(1, 1), padding=(0, 0), activation='relu';
                   40 parameters), MaxPool2d(kernel_size=(2, 2), stride=(2, 2)), Flatten(),
                   Layer(nin=4, nout=10, activation='linear'; 50 parameters); 90 parameters)
        >>> from_torch(nn.Conv2d(1, 1, 3, dilation=2))
        Traceback (most recent call last):
        ValueError: from_torch: module (Conv2d) has dilation=(2, 2); tinygrad_ann's convolutions have dilation 1
        >>> from_torch(nn.Sequential(nn.Linear(3, 2, bias=False), nn.ReLU()))
        Layer(nin=3, nout=2, activation='relu', bias=False; 6 parameters)
        >>> from_torch(nn.RMSNorm(4)).eps                     # eps=None: float64's machine epsilon
        2.220446049250313e-16
        >>> from_torch(nn.Embedding(10, 3, padding_idx=0))    # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ValueError: from_torch: module (Embedding) has padding_idx=0; tinygrad_ann's Embedding learns every row ...
    """
    torch = _import_torch("from_torch")
    if not isinstance(module, torch.nn.Module):
        wrong_type("from_torch", "module", "a torch.nn.Module", module)
    return _from_torch(module, torch, "module")


class FromTorch(NamedTuple):
    """An entry of FROM_TORCH: how a torch module becomes ours.

    `convert(module, activation, torch, where)` returns our layer; `activation` is
    the name of the activation module merged into it ('linear' if none), which it
    may take only if `takes_activation`; `where` names the module in errors.

    Example:
        >>> FROM_TORCH['Linear'].takes_activation, FROM_TORCH['MaxPool2d'].takes_activation
        (True, False)
    """

    convert: Callable[[Any, str, Any, str], Any]
    takes_activation: bool


def _from_torch(module: Any, torch: Any, where: str) -> Any:
    entry = _entry(module, torch)
    if entry is None:
        _not_convertible(module, torch, where)
    return entry.convert(module, "linear", torch, where)


def _not_convertible(module: Any, torch: Any, where: str) -> NoReturn:
    """The ValueError for a module without an entry: a lone activation, or one we lack."""
    if _activation_name(module, torch, where) is not None:
        raise ValueError(
            f"from_torch: {where} ({type(module).__name__}) has no Linear or convolution right before "
            f"it to merge into; in tinygrad_ann an activation belongs to a layer, e.g. "
            f"Layer(..., activation='relu'), and each layer has one"
        )
    raise ValueError(
        f"from_torch: {where} ({type(module).__name__}) has no counterpart in tinygrad_ann; it converts "
        f"{', '.join(FROM_TORCH)} and the activations {', '.join(ACTIVATIONS_FROM_TORCH)}"
    )


def _torch_class(torch: Any, name: str) -> Any:
    """torch.nn's class `name` (or this file's: Step, LastStep, GPT, ...)."""
    make = _OWN_MODULES.get(name)
    if make is not None:
        return make(torch)
    return getattr(torch.nn, name, None)


def _entry(module: Any, torch: Any) -> FromTorch | None:
    """The module's entry in FROM_TORCH, if its class is exactly torch's (a subclass
    of one's own may compute something else)."""
    name = type(module).__name__
    entry = FROM_TORCH.get(name)
    return entry if entry is not None and type(module) is _torch_class(torch, name) else None


def _activation_name(module: Any, torch: Any, where: str) -> str | None:
    """Our name for an activation module (a ValueError for settings we do not
    compute), or None if it is not one."""
    name = type(module).__name__
    check = ACTIVATIONS_FROM_TORCH.get(name)
    if check is None or type(module) is not _torch_class(torch, name):
        return None
    return check(module, where)


def _unsupported(where: str, module: Any, setting: str, why: str) -> NoReturn:
    raise ValueError(f"from_torch: {where} ({type(module).__name__}) has {setting}; {why}")


def _floats(tensor: Any) -> Any:
    """A tensor's numbers as nested lists of Python floats."""
    return tensor.detach().double().tolist()


def _load(values: Any, numbers: Any) -> None:
    """Set each Value of `values` (nested lists) to the number in the same place."""
    for v, x in zip(values, numbers, strict=True):
        if isinstance(v, Value):
            v.data = float(x)
        else:
            _load(v, x)


def _load_linear(layer: Layer, linear: Any) -> None:
    """Neuron o of `layer` gets row o of the weight, and bias[o] (if it has one)."""
    _load([n.w for n in layer.neurons], _floats(linear.weight))
    if linear.bias is not None:
        _load([n.b for n in layer.neurons], _floats(linear.bias))


def _linear_from_torch(module: Any, activation: str, torch: Any, where: str) -> Layer:
    """A Layer, always (bias=False for a Linear without one): see the module docstring."""
    layer = Layer(module.in_features, module.out_features, activation=activation, bias=module.bias is not None,
                  rng=0)
    _load_linear(layer, module)
    return layer


def _conv_padding(module: Any, where: str) -> tuple[int, ...]:
    """The padding of a torch convolution we can compute: zeros, as many on each side."""
    padding = module.padding
    if padding == "valid":
        return tuple(0 for _ in module.kernel_size)
    if padding == "same":  # (stride 1): (k - 1) / 2 on each side, if k is odd
        if any(k % 2 == 0 for k in module.kernel_size):
            _unsupported(where, module, f"padding='same' with the kernel {module.kernel_size}",
                         "torch pads an even kernel more on one side than on the other; "
                         "tinygrad_ann pads both sides alike")
        return tuple((k - 1) // 2 for k in module.kernel_size)
    return tuple(padding)


def _conv_from_torch(module: Any, activation: str, torch: Any, where: str) -> Conv2d:
    name = type(module).__name__
    if module.padding_mode != "zeros":
        _unsupported(where, module, f"padding_mode={module.padding_mode!r}", "tinygrad_ann pads with zeros")
    if any(d != 1 for d in module.dilation):
        _unsupported(where, module, f"dilation={module.dilation}", "tinygrad_ann's convolutions have dilation 1")
    if module.groups != 1:
        _unsupported(where, module, f"groups={module.groups}", "tinygrad_ann's convolutions have groups=1")
    if module.bias is None:
        _unsupported(where, module, "bias=False", "every tinygrad_ann convolution has a bias")
    padding = _conv_padding(module, where)
    if name == "Conv1d":
        conv: Conv2d = Conv1d(module.in_channels, module.out_channels, module.kernel_size[0],
                              stride=module.stride[0], padding=padding[0], activation=activation, rng=0)
    else:
        conv = Conv2d(module.in_channels, module.out_channels, tuple(module.kernel_size),
                      stride=tuple(module.stride), padding=(padding[0], padding[1]), activation=activation,
                      rng=0)
    _load(conv.weight, _floats(module.weight))
    _load(conv.bias, _floats(module.bias))
    return conv


def _no_padding(module: Any, where: str) -> None:
    """A torch pool's settings must leave a plain window: no padding, no ceil_mode."""
    if any(p != 0 for p in _pair(module.padding)):
        _unsupported(where, module, f"padding={module.padding}", "tinygrad_ann's pools have no padding")
    if module.ceil_mode:
        _unsupported(where, module, "ceil_mode=True", "tinygrad_ann's pools keep only whole windows")


def _pair(x: Any) -> tuple[int, int]:
    return (x, x) if isinstance(x, int) else (x[0], x[1])


def _max_pool_from_torch(module: Any, activation: str, torch: Any, where: str) -> MaxPool2d:
    _no_padding(module, where)
    if any(d != 1 for d in _pair(module.dilation)):
        _unsupported(where, module, f"dilation={module.dilation}", "tinygrad_ann's MaxPool2d has dilation 1")
    if module.return_indices:
        _unsupported(where, module, "return_indices=True", "tinygrad_ann's MaxPool2d returns the image only")
    return MaxPool2d(_pair(module.kernel_size), _pair(module.stride))


def _avg_pool_from_torch(module: Any, activation: str, torch: Any, where: str) -> AvgPool2d:
    _no_padding(module, where)
    if module.divisor_override is not None:
        _unsupported(where, module, f"divisor_override={module.divisor_override}",
                     "tinygrad_ann's AvgPool2d divides by the window's size")
    return AvgPool2d(_pair(module.kernel_size), _pair(module.stride))


def _flatten_from_torch(module: Any, activation: str, torch: Any, where: str) -> Flatten:
    if (module.start_dim, module.end_dim) != (1, -1):
        _unsupported(where, module, f"start_dim={module.start_dim}, end_dim={module.end_dim}",
                     "tinygrad_ann's Flatten flattens a whole sample (torch's start_dim=1, end_dim=-1)")
    return Flatten()


def _sequential_from_torch(module: Any, activation: str, torch: Any, where: str) -> Any:
    """An MLP if the children have micrograd's layout; the one layer if they are a
    Linear or convolution and its activation (as to_torch writes one); else a Sequential."""
    children = list(module)
    mlp = _mlp_from_torch(children, torch, where)
    if mlp is not None:
        return mlp
    layers = _layers_from_torch(children, torch, where)
    if len(children) == 2 and len(layers) == 1:
        return layers[0]
    return Sequential(*layers)


def _layers_from_torch(children: list[Any], torch: Any, where: str) -> list[Any]:
    """Our layers for torch's, each activation module merged into the layer before it."""
    layers = []
    i = 0
    while i < len(children):
        module, here = children[i], f"{where}[{i}]"
        entry = _entry(module, torch)
        if entry is None:  # an activation with nothing before it, or not ours at all
            _not_convertible(module, torch, here)
        activation = "linear"
        after = children[i + 1] if i + 1 < len(children) else None
        if entry.takes_activation and after is not None:
            merged = _activation_name(after, torch, f"{where}[{i + 1}]")
            if merged is not None:
                activation, i = merged, i + 1
        layers.append(entry.convert(module, activation, torch, here))
        i += 1
    return layers


def _mlp_from_torch(children: list[Any], torch: Any, where: str) -> MLP | None:
    """An MLP, if `children` are Linear, act, Linear, act, ..., Linear (, act): at
    least two Linear layers with biases, their widths chained, every hidden one
    followed by the same activation; else None."""
    linears, acts = children[0::2], children[1::2]
    if len(linears) < 2 or len(acts) < len(linears) - 1:
        return None
    if any(type(m) is not torch.nn.Linear or m.bias is None for m in linears):
        return None
    if any(a.in_features != b.out_features for b, a in zip(linears, linears[1:], strict=False)):
        return None
    names = []
    for i, m in enumerate(acts):
        name = _activation_name(m, torch, f"{where}[{2 * i + 1}]")
        if name is None:
            return None
        names.append(name)
    hidden = set(names[: len(linears) - 1])
    if len(hidden) != 1:
        return None
    output = names[-1] if len(acts) == len(linears) else "linear"
    mlp = MLP(linears[0].in_features, [m.out_features for m in linears], activation=hidden.pop(),
              output_activation=output, rng=0)
    for layer, linear in zip(mlp.layers, linears, strict=True):
        _load_linear(layer, linear)
    return mlp


def _load_cell(cell: Any, module: Any, suffix: str = "") -> None:
    """Our cell's four parameters from a torch cell's (or one layer's: suffix '_l0', ...)."""
    for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
        _load(getattr(cell, name), _floats(getattr(module, name + suffix)))


def _cell_from_torch(module: Any, activation: str, torch: Any, where: str) -> Any:
    if not module.bias:
        _unsupported(where, module, "bias=False", "tinygrad_ann's cells have both biases")
    name = type(module).__name__
    if name == "RNNCell":
        cell: Any = RNNCell(module.input_size, module.hidden_size, nonlinearity=module.nonlinearity, rng=0)
    else:
        cell = (LSTMCell if name == "LSTMCell" else GRUCell)(module.input_size, module.hidden_size, rng=0)
    _load_cell(cell, module)
    return cell


def _recurrent_from_torch(module: Any, activation: str, torch: Any, where: str) -> Any:
    """torch's RNN / LSTM / GRU, batch_first or not (the layout only, not the math)."""
    if not module.bias:
        _unsupported(where, module, "bias=False", "tinygrad_ann's recurrent layers have both biases")
    if module.bidirectional:
        _unsupported(where, module, "bidirectional=True", "tinygrad_ann's recurrent layers read forwards only")
    if module.dropout:
        _unsupported(where, module, f"dropout={module.dropout}", "tinygrad_ann has no dropout between layers")
    if getattr(module, "proj_size", 0):
        _unsupported(where, module, f"proj_size={module.proj_size}", "tinygrad_ann's LSTM has no projection")
    name = type(module).__name__
    sizes = (module.input_size, module.hidden_size, module.num_layers)
    if name == "RNN":
        layer: Any = RNN(*sizes, nonlinearity=module.nonlinearity, rng=0)
    else:
        layer = (LSTM if name == "LSTM" else GRU)(*sizes, rng=0)
    for i, cell in enumerate(layer.cells):
        _load_cell(cell, module, f"_l{i}")
    return layer


def _must_be(torch: Any, module: Any, class_name: str, where: str, owner: str) -> None:
    """A ValueError unless `module`'s class is exactly torch's (or this file's) `class_name`."""
    if type(module) is not _torch_class(torch, class_name):
        mine = " (tinygrad_ann.interop's)" if class_name in _OWN_MODULES else ""
        raise ValueError(f"from_torch: {where} ({type(module).__name__}) should be a {class_name}{mine}, as "
                         f"in tinygrad_ann's {owner}")


def _one_vector(module: Any, where: str) -> int:
    """The size of a norm's vector: its normalized_shape must have one size."""
    shape = tuple(module.normalized_shape)
    if len(shape) != 1:
        _unsupported(where, module, f"normalized_shape={shape}",
                     "tinygrad_ann's norms normalise one vector (a normalized_shape of one size)")
    return shape[0]


def _torch_state(module: Any, where: str) -> dict[str, float]:
    """A torch module's parameters as our state_dict: its 'weight'[3, 1] is our 'weight.3.1'."""
    first: dict[int, str] = {}
    for name, tensor in module.named_parameters(remove_duplicate=False):
        if id(tensor) in first:
            _unsupported(where, module, f"{name} tied to {first[id(tensor)]} (one tensor)",
                         "each of tinygrad_ann's parameters is learned on its own")
        first[id(tensor)] = name
    state: dict[str, float] = {}
    for name, tensor in module.named_parameters():
        state.update(zip(_index_names(name, tensor.shape), _floats(tensor.flatten()), strict=True))
    return state


def _load_named(ours: Module, module: Any, where: str) -> Any:
    """`ours` (returned), its parameters set from the torch module's of the same names
    (as `_load` does: any float, as torch has it)."""
    state = _torch_state(module, where)
    named = ours.named_parameters()
    known = {name for name, _ in named}
    extra = [name for name, t in module.named_parameters() if not set(_index_names(name, t.shape)) <= known]
    if extra:
        _unsupported(where, module, f"parameters that tinygrad_ann's {type(ours).__name__} has not: "
                     f"{', '.join(extra)}", "what the module does with them is its own")
    missing = [name for name, _ in named if name not in state]
    if missing:  # (the checks before let none through: a torch module changed in a way they miss)
        _unsupported(where, module, f"no parameter for our {missing[0]!r}",
                     f"tinygrad_ann's {type(ours).__name__} has {len(known)} parameters, it {len(state)}")
    for name, p in named:
        p.data = state[name]
    return ours


def _embedding_checked(module: Any, where: str) -> None:
    """The settings of an nn.Embedding that ours does not have: each a ValueError."""
    if module.padding_idx is not None:
        _unsupported(where, module, f"padding_idx={module.padding_idx}",
                     "tinygrad_ann's Embedding learns every row (torch's padding_idx row gets no gradient)")
    if module.max_norm is not None:
        _unsupported(where, module, f"max_norm={module.max_norm}",
                     "tinygrad_ann's Embedding never rescales its rows (torch rescales, in place, each row "
                     "it reads whose norm is above max_norm)")
    if module.scale_grad_by_freq:
        _unsupported(where, module, "scale_grad_by_freq=True",
                     "tinygrad_ann does not divide a row's gradient by how often the batch reads it")
    if module.sparse:
        _unsupported(where, module, "sparse=True",
                     "tinygrad_ann's gradients are dense, and to_torch would give it back dense (which "
                     "torch's sparse optimizers, such as SparseAdam, do not take)")


def _embedding_from_torch(module: Any, activation: str, torch: Any, where: str) -> Embedding:
    _embedding_checked(module, where)
    return _load_named(Embedding(module.num_embeddings, module.embedding_dim, rng=0), module, where)


def _layer_norm_from_torch(module: Any, activation: str, torch: Any, where: str) -> LayerNorm:
    affine = bool(module.elementwise_affine)
    bias = module.bias is not None if affine else True  # (without a gain, torch keeps no bias setting)
    norm = LayerNorm(_one_vector(module, where), eps=float(module.eps), elementwise_affine=affine, bias=bias)
    return _load_named(norm, module, where)


#: nn.RMSNorm's eps=None: the machine epsilon of the input's dtype; ours computes in float64.
_FLOAT64_EPS = 2.0 ** -52


def _rms_norm_from_torch(module: Any, activation: str, torch: Any, where: str) -> RMSNorm:
    eps = _FLOAT64_EPS if module.eps is None else float(module.eps)
    norm = RMSNorm(_one_vector(module, where), eps=eps, elementwise_affine=bool(module.elementwise_affine))
    return _load_named(norm, module, where)


def _linear_checked(torch: Any, module: Any, where: str, owner: str, sizes: tuple[int, int], bias: bool,
                    reference: str) -> None:
    """`module` must be nn.Linear(*sizes), with a bias if `bias` (as `reference` has)."""
    _must_be(torch, module, "Linear", where, owner)
    if (module.in_features, module.out_features) != sizes:
        _unsupported(where, module, f"in_features={module.in_features}, out_features={module.out_features}",
                     f"tinygrad_ann's {owner} has a Linear({sizes[0]}, {sizes[1]}) there")
    if (module.bias is not None) != bias:
        _unsupported(where, module, f"bias={module.bias is not None}",
                     f"{reference} has {'a bias' if bias else 'none'}, and in tinygrad_ann's {owner} "
                     f"every layer has a bias (bias=True) or none does")


def _attention_settings(torch: Any, module: Any, where: str, owner: str,
                        n_embd: int | None = None) -> tuple[int, int, bool]:
    """(n_embd, n_head, bias) of this file's CausalSelfAttention, checked part by part."""
    _must_be(torch, module, "CausalSelfAttention", where, owner)
    _must_be(torch, module.q_proj, "Linear", f"{where}.q_proj", "CausalSelfAttention")
    if n_embd is None:
        n_embd = module.q_proj.in_features
    n_head = module.n_head
    if isinstance(n_head, bool) or not isinstance(n_head, int) or n_head < 1 or n_embd % n_head:
        _unsupported(where, module, f"n_head={n_head!r}", f"it must divide n_embd = {n_embd}")
    bias = module.q_proj.bias is not None
    for name in ("q_proj", "k_proj", "v_proj", "out_proj"):
        _linear_checked(torch, getattr(module, name), f"{where}.{name}", "CausalSelfAttention",
                        (n_embd, n_embd), bias, f"{where}.q_proj")
    return n_embd, n_head, bias


def _attention_from_torch(module: Any, activation: str, torch: Any, where: str) -> _CausalSelfAttention:
    n_embd, n_head, bias = _attention_settings(torch, module, where, "CausalSelfAttention")
    return _load_named(_CausalSelfAttention(n_embd, n_head, bias=bias, rng=0), module, where)


def _norm_kind(torch: Any, module: Any, where: str, owner: str, n_embd: int, bias: bool,
               reference: str) -> str:
    """'layer' or 'rms', for a norm made as our blocks make theirs (else a ValueError)."""
    kind = type(module).__name__
    if type(module) is torch.nn.LayerNorm:
        if not module.elementwise_affine:
            _unsupported(where, module, "elementwise_affine=False",
                         f"norm='layer' in tinygrad_ann's {owner} learns a gain")
        if (module.bias is not None) != bias:
            _unsupported(where, module, f"bias={module.bias is not None}",
                         f"{reference} has {'a bias' if bias else 'none'}, and in tinygrad_ann's {owner} "
                         f"every layer has a bias (bias=True) or none does")
    elif type(module) is torch.nn.RMSNorm:
        if module.elementwise_affine:
            _unsupported(where, module, "elementwise_affine=True",
                         f"norm='rms' in tinygrad_ann's {owner} is RMSNorm without a gain (microgpt's)")
    else:
        raise ValueError(f"from_torch: {where} ({kind}) should be a LayerNorm or an RMSNorm, as in "
                         f"tinygrad_ann's {owner}")
    if _one_vector(module, where) != n_embd:
        _unsupported(where, module, f"normalized_shape={tuple(module.normalized_shape)}",
                     f"tinygrad_ann's {owner} normalises vectors of n_embd = {n_embd} numbers")
    if module.eps != _BLOCK_EPS:
        _unsupported(where, module, f"eps={module.eps}", f"the norms of tinygrad_ann's {owner} have eps=1e-05")
    return "layer" if kind == "LayerNorm" else "rms"


def _block_settings(torch: Any, module: Any, where: str, owner: str,
                    n_embd: int | None = None) -> tuple[int, int, str, str, bool]:
    """(n_embd, n_head, norm, activation, bias) of this file's TransformerBlock, checked part by part."""
    _must_be(torch, module, "TransformerBlock", where, owner)
    n_embd, n_head, bias = _attention_settings(torch, module.attn, f"{where}.attn", "TransformerBlock", n_embd)
    reference = f"{where}.attn.q_proj"
    norm = _norm_kind(torch, module.norm1, f"{where}.norm1", "TransformerBlock", n_embd, bias, reference)
    if _norm_kind(torch, module.norm2, f"{where}.norm2", "TransformerBlock", n_embd, bias, reference) != norm:
        raise ValueError(f"from_torch: {where}.norm2 ({type(module.norm2).__name__}) should be a "
                         f"{type(module.norm1).__name__}, as norm1 is: tinygrad_ann's TransformerBlock "
                         f"has one kind of norm")
    activation = _activation_name(module.act, torch, f"{where}.act")
    if activation is None or activation == "linear":
        raise ValueError(f"from_torch: {where}.act ({type(module.act).__name__}) should be an activation "
                         f"module ({', '.join(a for a in ACTIVATIONS_FROM_TORCH if a != 'Identity')}), as in "
                         f"tinygrad_ann's TransformerBlock")
    _linear_checked(torch, module.fc1, f"{where}.fc1", "TransformerBlock", (n_embd, 4 * n_embd), bias, reference)
    _linear_checked(torch, module.fc2, f"{where}.fc2", "TransformerBlock", (4 * n_embd, n_embd), bias, reference)
    return n_embd, n_head, norm, activation, bias


def _block_from_torch(module: Any, activation: str, torch: Any, where: str) -> _TransformerBlock:
    n_embd, n_head, norm, act, bias = _block_settings(torch, module, where, "TransformerBlock")
    block = _TransformerBlock(n_embd, n_head, norm=norm, activation=act, bias=bias, rng=0)
    return _load_named(block, module, where)


def _gpt_from_torch(module: Any, activation: str, torch: Any, where: str) -> _GPT:
    for name in ("wte", "wpe"):
        _must_be(torch, getattr(module, name), "Embedding", f"{where}.{name}", "GPT")
        _embedding_checked(getattr(module, name), f"{where}.{name}")
    vocab_size, n_embd = module.wte.num_embeddings, module.wte.embedding_dim
    if module.wpe.embedding_dim != n_embd:
        _unsupported(f"{where}.wpe", module.wpe, f"embedding_dim={module.wpe.embedding_dim}",
                     f"tinygrad_ann's GPT adds it to wte's rows, of n_embd = {n_embd} numbers")
    if type(module.blocks) is not torch.nn.ModuleList or len(module.blocks) == 0:
        raise ValueError(f"from_torch: {where}.blocks ({type(module.blocks).__name__}) should be a non-empty "
                         f"ModuleList of TransformerBlocks, as in tinygrad_ann's GPT")
    settings = [_block_settings(torch, block, f"{where}.blocks[{i}]", "GPT", n_embd)
                for i, block in enumerate(module.blocks)]
    names = ("n_embd", "n_head", "norm", "activation", "bias")
    for i, setting in enumerate(settings):
        for name, first, this in zip(names, settings[0], setting, strict=True):
            if this != first:
                raise ValueError(f"from_torch: {where}.blocks[{i}] (TransformerBlock) has {name}={this!r}, "
                                 f"{where}.blocks[0] {name}={first!r}: tinygrad_ann's GPT has blocks alike")
    _, n_head, norm, act, bias = settings[0]
    reference = f"{where}.blocks[0].attn.q_proj"
    if _norm_kind(torch, module.norm_in, f"{where}.norm_in", "GPT", n_embd, bias, reference) != norm:
        raise ValueError(f"from_torch: {where}.norm_in ({type(module.norm_in).__name__}) should be the blocks' "
                         f"kind of norm, as in tinygrad_ann's GPT")
    _linear_checked(torch, module.lm_head, f"{where}.lm_head", "GPT", (n_embd, vocab_size), bias, reference)
    init_std = getattr(module, "init_std", 0.02)  # (it only says how the weights started)
    gpt = _GPT(vocab_size, module.wpe.num_embeddings, len(settings), n_embd, n_head, norm=norm, activation=act,
               bias=bias, init_std=init_std, rng=0)
    return _load_named(gpt, module, where)


#: torch.nn's class name (or this file's: LastStep, CausalSelfAttention,
#: TransformerBlock, GPT) -> how that module becomes ours (see FromTorch). The
#: module's class must be exactly torch's (or this file's).
FROM_TORCH: dict[str, FromTorch] = {
    "Linear": FromTorch(_linear_from_torch, takes_activation=True),
    "Conv1d": FromTorch(_conv_from_torch, takes_activation=True),
    "Conv2d": FromTorch(_conv_from_torch, takes_activation=True),
    "MaxPool2d": FromTorch(_max_pool_from_torch, takes_activation=False),
    "AvgPool2d": FromTorch(_avg_pool_from_torch, takes_activation=False),
    "Flatten": FromTorch(_flatten_from_torch, takes_activation=False),
    "Sequential": FromTorch(_sequential_from_torch, takes_activation=False),
    "RNNCell": FromTorch(_cell_from_torch, takes_activation=False),
    "LSTMCell": FromTorch(_cell_from_torch, takes_activation=False),
    "GRUCell": FromTorch(_cell_from_torch, takes_activation=False),
    "RNN": FromTorch(_recurrent_from_torch, takes_activation=False),
    "LSTM": FromTorch(_recurrent_from_torch, takes_activation=False),
    "GRU": FromTorch(_recurrent_from_torch, takes_activation=False),
    "LastStep": FromTorch(lambda module, activation, torch, where: _LastStep(), takes_activation=False),
    "Embedding": FromTorch(_embedding_from_torch, takes_activation=False),
    "LayerNorm": FromTorch(_layer_norm_from_torch, takes_activation=False),
    "RMSNorm": FromTorch(_rms_norm_from_torch, takes_activation=False),
    "CausalSelfAttention": FromTorch(_attention_from_torch, takes_activation=False),
    "TransformerBlock": FromTorch(_block_from_torch, takes_activation=False),
    "GPT": FromTorch(_gpt_from_torch, takes_activation=False),
}


def _leaky_relu_name(module: Any, where: str) -> str:
    if module.negative_slope != 0.01:
        _unsupported(where, module, f"negative_slope={module.negative_slope}",
                     "tinygrad_ann's 'leaky_relu' has the slope 0.01")
    return "leaky_relu"


def _softplus_name(module: Any, where: str) -> str:
    if module.beta != 1:
        _unsupported(where, module, f"beta={module.beta}", "tinygrad_ann's 'softplus' is ln(1 + e^x) (beta=1)")
    if module.threshold < 20:
        _unsupported(where, module, f"threshold={module.threshold}",
                     "past the threshold torch computes x, not ln(1 + e^x): from 20 on, they differ by "
                     "at most 2e-9")
    return "softplus"


def _gelu_name(module: Any, where: str) -> str:
    if module.approximate != "none":
        _unsupported(where, module, f"approximate={module.approximate!r}",
                     "tinygrad_ann's 'gelu' is the exact x Φ(x) (approximate='none')")
    return "gelu"


#: torch's activation module (by class name) -> our activation name, checked:
#: check(module, where) raises a ValueError for a setting we do not compute.
ACTIVATIONS_FROM_TORCH: dict[str, Callable[[Any, str], str]] = {
    "ReLU": lambda module, where: "relu",
    "Tanh": lambda module, where: "tanh",
    "Sigmoid": lambda module, where: "sigmoid",
    "LeakyReLU": _leaky_relu_name,
    "Softplus": _softplus_name,
    "GELU": _gelu_name,
    "Step": lambda module, where: "step",
    "Identity": lambda module, where: "linear",
}
