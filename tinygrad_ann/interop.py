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
- **from_torch** merges an activation module into the Linear or convolution
  right before it: `Sequential(Linear, Tanh)` is `Layer(..., activation='tanh')`,
  so our Sequential may have fewer layers than torch's. A torch Sequential in
  micrograd's layout (at least two Linear layers, each but the last followed by
  the same activation) becomes an `MLP`; `nn.Identity` there is 'linear'. Only
  what we compute exactly converts (zero padding, no dilation, no groups, a bias
  in every layer, ...); anything else is a ValueError that names it.
- **Round trips.** `from_torch(to_torch(m))` has the same config() and
  state_dict() as m, except that a Neuron comes back as a Layer of one neuron
  and an MLP of one layer as that Layer (or a Sequential of it): torch cannot
  tell them apart. `to_torch(from_torch(t))` computes what t computes.

torch is imported only when these functions are called: `import tinygrad_ann`
never needs it. Without it, they raise an ImportError that says how to install it.

To add a layer family (RNN, Embedding, attention, ...): write its two converters
and add one entry to `TO_TORCH` (our class -> torch module) and one to
`FROM_TORCH` (torch.nn's class name -> our layer). Nothing else changes.

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
from typing import Any, Callable, NamedTuple, NoReturn

from ._checks import wrong_type
from .engine import Value
from .nn import (
    ACTIVATIONS, GRU, LSTM, MLP, RNN, AvgPool2d, Conv1d, Conv2d, Flatten, GRUCell, Layer, LSTMCell, MaxPool2d,
    Module, Neuron, RNNCell, Sequential,
)
from .nn import LastStep as _LastStep  # (interop.LastStep is the torch module: see __getattr__)

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
    AvgPool2d, Flatten, a recurrent layer or cell, or LastStep (see `TO_TORCH`);
    the module docstring lists what each becomes. Activations become modules
    after the linear part. A recurrent layer reads (N, T, input_size) (batch_first).

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
    """nn.Linear whose row o is neuron o's weights, and bias[o] its bias."""
    linear = torch.nn.Linear(neurons[0].nin, len(neurons), dtype=torch.float64)
    with torch.no_grad():
        linear.weight.copy_(_float64(torch, [_data(n.w) for n in neurons]))
        linear.bias.copy_(_float64(torch, [n.b.data for n in neurons]))
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
    "step": lambda torch: _step_class(torch)(),
    "linear": lambda torch: torch.nn.Identity(),
}


def __getattr__(name: str) -> Any:
    """`Step`, the torch module of the 'step' activation, and `LastStep`, the last time
    step of a recurrent layer's output: made on first use, as they need torch.

    Example:
        >>> import pytest; torch = pytest.importorskip("torch")     # (needs PyTorch)
        >>> from tinygrad_ann import interop
        >>> interop.Step()(torch.tensor([-1.0, 0.0, 2.0]))
        tensor([0., 0., 1.])
        >>> output = torch.tensor([[[1.0], [2.0], [3.0]]])           # N = 1, T = 3, H = 1
        >>> interop.LastStep()((output, None))
        tensor([[3.]])
    """
    if name == "Step":
        return _step_class(_import_torch("tinygrad_ann.interop.Step"))
    if name == "LastStep":
        return _last_step_class(_import_torch("tinygrad_ann.interop.LastStep"))
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# -- from_torch: a torch.nn module -> our layer ----------------------------------------------


def from_torch(module: Any) -> Any:
    """Our layer or model that computes what the `torch.nn` module computes, its
    weights copied as Python floats.

    nn.Linear becomes a Layer, nn.Conv1d / Conv2d a Conv1d / Conv2d, nn.MaxPool2d /
    AvgPool2d / Flatten ours, nn.RNN / LSTM / GRU and their cells ours, nn.Sequential
    a Sequential (an MLP where it has micrograd's layout). An activation module merges into the Linear or convolution
    right before it. See `FROM_TORCH` and `ACTIVATIONS_FROM_TORCH`; anything else,
    or a setting we do not compute (dilation, groups, ...), is a ValueError naming it.

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
    """torch.nn's class `name` (or this file's Step or LastStep)."""
    if name == "Step":
        return _step_class(torch)
    if name == "LastStep":
        return _last_step_class(torch)
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
    """Neuron o of `layer` gets row o of the weight, and bias[o]."""
    _load([n.w for n in layer.neurons], _floats(linear.weight))
    _load([n.b for n in layer.neurons], _floats(linear.bias))


def _linear_from_torch(module: Any, activation: str, torch: Any, where: str) -> Layer:
    if module.bias is None:
        _unsupported(where, module, "bias=False", "every neuron in tinygrad_ann has a bias")
    layer = Layer(module.in_features, module.out_features, activation=activation, rng=0)
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


#: torch.nn's class name -> how that module becomes ours (see FromTorch). The
#: module's class must be exactly torch's.
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


#: torch's activation module (by class name) -> our activation name, checked:
#: check(module, where) raises a ValueError for a setting we do not compute.
ACTIVATIONS_FROM_TORCH: dict[str, Callable[[Any, str], str]] = {
    "ReLU": lambda module, where: "relu",
    "Tanh": lambda module, where: "tanh",
    "Sigmoid": lambda module, where: "sigmoid",
    "LeakyReLU": _leaky_relu_name,
    "Softplus": _softplus_name,
    "Step": lambda module, where: "step",
    "Identity": lambda module, where: "linear",
}
