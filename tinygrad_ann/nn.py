"""Neuron-level networks: `Neuron`, `Layer`, `MLP`, built from engine Values.

A neuron computes out = φ(w1·x1 + ... + wn·xn + b): a weighted sum of its inputs
plus a bias, passed through an activation φ. A layer is a list of neurons that
all read the same inputs; a multilayer perceptron (MLP) is a list of layers,
each reading the previous one's outputs.

The names and the parameter order are those of micrograd's `nn.py`, so lecture
code runs unchanged and weights copy across (`MLP(2, [16, 16, 1])` has 337
parameters in both, in the same order).

Example:
    >>> import random
    >>> model = MLP(2, [4, 1], rng=random.Random(0))
    >>> out = model([1.0, -2.0])          # one Value: the last layer has 1 neuron
    >>> out.backward()
    >>> len(model.parameters())
    17
"""

from __future__ import annotations

import math
import random
from numbers import Real
from typing import Any, Callable, Sequence, Union

from ._checks import finite_number
from .engine import Value, as_value, weighted_sum

__all__ = ["Module", "Neuron", "Layer", "MLP", "ACTIVATIONS", "INITS"]

Number = Union[int, float]
Activation = Union[str, Callable[[Value], Value]]
Inputs = Sequence[Union[Number, Value]]


def _identity(v: Value) -> Value:
    return v


#: Activation names a neuron accepts, and the Value method (or function) each uses.
ACTIVATIONS: dict[str, Callable[[Value], Value]] = {
    "relu": Value.relu,
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
    "leaky_relu": Value.leaky_relu,
    "softplus": Value.softplus,
    "step": Value.step,
    "linear": _identity,
}

#: Weight initialisations: 'uniform' is micrograd's U(-1, 1); 'xavier' (Glorot)
#: is U(-a, a) with a = sqrt(6 / (fan_in + fan_out)), for tanh/sigmoid; 'he'
#: (Kaiming) is N(0, 2 / fan_in), for relu. Biases start at 0 in all three.
INITS = ("uniform", "xavier", "he")


class Module:
    """Base class of everything with parameters: `parameters()`, `zero_grad()`, state dicts.

    A subclass defines `named_parameters()` (or only `parameters()`, whose
    Values are then named by position, '0', '1', ...) and `__call__`.

    Example:
        >>> n = Neuron(2, rng=random.Random(0))
        >>> [name for name, _ in n.named_parameters()]
        ['w.0', 'w.1', 'b']
        >>> n.zero_grad()
        >>> class Line(Module):                   # y = a x + c, a model of one's own
        ...     def __init__(self):
        ...         self.a, self.c = Value(1.0), Value(0.0)
        ...     def parameters(self):
        ...         return [self.a, self.c]
        ...     def __call__(self, x):
        ...         return self.a * x + self.c
        >>> Line().state_dict()
        {'0': 1.0, '1': 0.0}
    """

    def named_parameters(self) -> list[tuple[str, Value]]:
        """(dotted name, Value) for every parameter, in `parameters()` order.

        Example:
            >>> [n for n, _ in Layer(1, 2, rng=random.Random(0)).named_parameters()]
            ['neurons.0.w.0', 'neurons.0.b', 'neurons.1.w.0', 'neurons.1.b']
        """
        if type(self).parameters is Module.parameters:  # neither is defined: no parameters
            return []
        return [(str(i), p) for i, p in enumerate(self.parameters())]

    def parameters(self) -> list[Value]:
        """Every parameter Value, weights then bias, neuron by neuron, layer by layer.

        Example:
            >>> len(MLP(2, [16, 16, 1], rng=random.Random(0)).parameters())
            337
        """
        if type(self).named_parameters is Module.named_parameters:  # neither is defined
            return []
        return [p for _, p in self.named_parameters()]

    def zero_grad(self) -> None:
        """Set every parameter's grad to 0.0 (before each backward() in a training loop).

        Example:
            >>> n = Neuron(1, rng=random.Random(0)); n([2.0]).backward()
            >>> n.zero_grad(); [p.grad for p in n.parameters()]
            [0.0, 0.0]
        """
        for p in self.parameters():
            p.grad = 0.0

    def num_parameters(self) -> int:
        """How many parameters (numbers) the model learns.

        Example:
            >>> MLP(2, [16, 16, 1], rng=random.Random(0)).num_parameters()
            337
        """
        return len(self.parameters())

    def state_dict(self) -> dict[str, float]:
        """The parameters' data by name: {'layers.0.neurons.0.w.0': 0.23, ...}.

        Example:
            >>> n = Neuron(1, rng=random.Random(0))
            >>> sorted(n.state_dict())
            ['b', 'w.0']
        """
        return {name: p.data for name, p in self.named_parameters()}

    def load_state_dict(self, state: dict[str, float]) -> None:
        """Set the parameters' data from `state` (as made by `state_dict()`).

        The keys must be exactly this model's parameter names and every value a
        finite number; otherwise ValueError names the problem
        and the model is left unchanged (everything is checked before anything
        is written).

        Example:
            >>> a, b = Neuron(2, rng=random.Random(0)), Neuron(2, rng=random.Random(1))
            >>> b.load_state_dict(a.state_dict())
            >>> a.state_dict() == b.state_dict()
            True
        """
        if not isinstance(state, dict):
            raise ValueError(
                f"load_state_dict: expected a dict of parameter name -> number, "
                f"got {type(state).__name__}"
            )
        named = self.named_parameters()
        names = [n for n, _ in named]
        missing = [n for n in names if n not in state]
        unexpected = [k for k in state if k not in set(names)]
        if missing or unexpected:
            parts = []
            if missing:
                parts.append(f"missing {_few(missing)}")
            if unexpected:
                parts.append(f"unexpected {_few(unexpected)}")
            raise ValueError(
                f"load_state_dict: the state does not match this {type(self).__name__} "
                f"({len(names)} parameters): {'; '.join(parts)}"
            )
        values = {}
        for name in names:
            try:
                values[name] = finite_number("load_state_dict", f"parameter {name!r}", state[name])
            except TypeError as e:  # a string, None, a bool: a bad state, as for a file
                raise ValueError(str(e)) from None
        for name, p in named:
            p.data = values[name]

    def __repr__(self) -> str:
        return f"{type(self).__name__}(parameters={self.num_parameters()})"


def _few(names: list[str], n: int = 3) -> str:
    shown = ", ".join(repr(x) for x in names[:n])
    return shown + (f" and {len(names) - n} more" if len(names) > n else "")


def _check_size(what: str, value: object, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{what} must be a whole number >= {minimum}, got {value!r}")
    if value < minimum:
        raise ValueError(f"{what} must be >= {minimum}, got {value}")
    return value


def _resolve_activation(
    activation: Activation | None, nonlin: bool, where: str, argument: str = "activation"
) -> tuple[str, Callable[[Value], Value]]:
    """(name, function) for an activation given by name or as a callable.

    Errors name `where` (the class) and `argument` (which of its arguments).
    """
    if activation is None:
        activation = "relu" if nonlin else "linear"
    if isinstance(activation, str):
        fn = ACTIVATIONS.get(activation)
        if fn is None:
            raise ValueError(
                f"{where}: unknown {argument} {activation!r}; choose one of "
                f"{', '.join(repr(a) for a in ACTIVATIONS)} or pass a function Value -> Value"
            )
        return activation, fn
    if callable(activation):
        for name, fn in ACTIVATIONS.items():
            if activation is fn:  # e.g. Value.tanh passed as a function: the named one
                return name, fn
        name = getattr(activation, "__name__", type(activation).__name__)
        if name in ACTIVATIONS:
            # A function of one's own that happens to be called 'relu' must not be
            # shown, or saved and loaded, as the built-in relu.
            name = f"custom {name}"
        return name, activation
    raise ValueError(
        f"{where}: {argument} must be a name or a function Value -> Value, got {activation!r}"
    )


def _check_init(init: object, where: str) -> str:
    if init not in INITS:
        raise ValueError(f"{where}: unknown init {init!r}; choose one of {', '.join(map(repr, INITS))}")
    return init  # type: ignore[return-value]


def _rng(rng: random.Random | int | None) -> Any:
    """The random source: a Random, a seed for a new one, or None for the global `random`."""
    if rng is None or rng is random:
        return random  # the global generator: `random.seed(...)` makes models reproducible
    if isinstance(rng, random.Random):
        return rng
    if isinstance(rng, int) and not isinstance(rng, bool):
        return random.Random(rng)
    raise ValueError(f"rng must be a random.Random, an int seed or None, got {rng!r}")


def _initial_weight(r: Any, init: str, fan_in: int, fan_out: int) -> float:
    if init == "uniform":
        return r.uniform(-1, 1)
    if init == "xavier":
        a = math.sqrt(6.0 / (fan_in + fan_out))
        return r.uniform(-a, a)
    return r.gauss(0.0, math.sqrt(2.0 / fan_in))  # he


def _as_inputs(x: object, nin: int, where: str) -> list[Value]:
    """The model's input as a list of `nin` Values (numbers become constants)."""
    if isinstance(x, (Value, Real, str, bytes)) or not hasattr(x, "__iter__"):
        raise TypeError(
            f"{where} takes a list of {nin} numbers or Values (one sample), "
            f"got {type(x).__name__}: {x!r}"
        )
    x = list(x)  # type: ignore[call-overload]
    if len(x) != nin:
        raise ValueError(f"{where} expects {nin} inputs, got {len(x)}: {x!r}")
    xs = []
    for i, xi in enumerate(x):
        if xi.__class__ is Value:
            xs.append(xi)
            continue
        try:
            xs.append(as_value(xi))
        except TypeError:
            raise TypeError(
                f"{where}: input {i} must be a number or a Value, got {type(xi).__name__}: {xi!r}"
            ) from None
    return xs


class Neuron(Module):
    """One neuron: out = φ(w·x + b) = φ(w1·x1 + ... + wn·xn + b).

    Args:
        nin: how many inputs it reads.
        nonlin: micrograd's flag: True → relu, False → linear (ignored when
            `activation` is given).
        activation: 'relu', 'tanh', 'sigmoid', 'leaky_relu', 'softplus', 'step',
            'linear', or a function Value -> Value.
        init: 'uniform' (U(-1, 1), micrograd's), 'xavier' or 'he'.
        rng: a random.Random, an int seed, or None for the global `random`
            (so `random.seed(...)` makes it reproducible).

    Parameters are the weights `w` (a list of Values), then the bias `b`.

    Example:
        >>> n = Neuron(2, activation='tanh', rng=random.Random(0))
        >>> out = n([1.0, 0.5])
        >>> out._op, n.activation, len(n.parameters())
        ('tanh', 'tanh', 3)
    """

    def __init__(
        self,
        nin: int,
        nonlin: bool = True,
        activation: Activation | None = None,
        init: str = "uniform",
        rng: random.Random | int | None = None,
        *,
        _fan_out: int = 1,
    ) -> None:
        self.nin = _check_size("Neuron(nin=...)", nin)
        _check_init(init, "Neuron")
        self.activation, self._phi = _resolve_activation(activation, nonlin, "Neuron")
        self.nonlin = self.activation != "linear"
        self.init = init
        r = _rng(rng)
        self.w = [Value(_initial_weight(r, init, nin, _fan_out)) for _ in range(nin)]
        self.b = Value(0.0)

    def __call__(self, x: Inputs) -> Value:
        """φ(w·x + b) for one input vector x (a list of numbers or Values).

        Example:
            >>> n = Neuron(2, activation='linear', rng=0)
            >>> n.w[0].data, n.w[1].data, n.b.data = 2.0, -1.0, 0.5
            >>> n([1.0, 3.0]).data            # 2·1 - 1·3 + 0.5
            -0.5
        """
        return self._forward(_as_inputs(x, self.nin, "Neuron"))

    def _forward(self, xs: list[Value]) -> Value:
        """φ(w·x + b) for inputs already checked and turned into Values.

        The weighted sum w1·x1 + ... + wn·xn + b is one fused 'dot' node (drawn
        as Σ w·x + b): see `tinygrad_ann.engine.dot`.
        """
        return self._phi(weighted_sum(self.w, xs, self.b))

    def named_parameters(self) -> list[tuple[str, Value]]:
        return [(f"w.{i}", w) for i, w in enumerate(self.w)] + [("b", self.b)]

    def parameters(self) -> list[Value]:
        return self.w + [self.b]

    def __repr__(self) -> str:
        return f"Neuron(nin={self.nin}, activation={self.activation!r}; {self.num_parameters()} parameters)"

    def config(self) -> dict[str, Any]:
        """The constructor arguments that rebuild this architecture (for `save`).

        Example:
            >>> Neuron(3, activation='tanh', rng=0).config()
            {'type': 'Neuron', 'nin': 3, 'activation': 'tanh'}
        """
        return {"type": "Neuron", "nin": self.nin, "activation": _saveable(self.activation)}


class Layer(Module):
    """`nout` neurons that all read the same `nin` inputs.

    Calling it returns a list of `nout` Values, or a single Value when
    `nout == 1` (as micrograd does). Extra keyword arguments go to every Neuron.

    Example:
        >>> layer = Layer(3, 2, activation='tanh', rng=random.Random(0))
        >>> outs = layer([1.0, 2.0, 3.0])
        >>> len(outs), layer.nout
        (2, 2)
    """

    def __init__(self, nin: int, nout: int, **neuron_kwargs: Any) -> None:
        unknown = sorted(set(neuron_kwargs) - {"nonlin", "activation", "init", "rng", "_fan_out"})
        if unknown:
            raise TypeError(
                f"Layer: unexpected argument {unknown[0]!r}; a Layer takes nin, nout and "
                f"the Neuron arguments nonlin, activation, init, rng"
            )
        self.nin = _check_size("Layer(nin=...)", nin)
        self.nout = _check_size("Layer(nout=...)", nout)
        # Checked here too, so that a bad argument is reported as Layer's.
        _resolve_activation(neuron_kwargs.get("activation"), neuron_kwargs.get("nonlin", True), "Layer")
        _check_init(neuron_kwargs.get("init", "uniform"), "Layer")
        neuron_kwargs.setdefault("_fan_out", nout)
        rng = neuron_kwargs.pop("rng", None)
        r = _rng(rng)
        self.neurons = [Neuron(nin, rng=r, **neuron_kwargs) for _ in range(nout)]

    @property
    def activation(self) -> str:
        """The activation's name (every neuron of a layer has the same).

        Example:
            >>> Layer(2, 3, activation='tanh', rng=0).activation
            'tanh'
        """
        return self.neurons[0].activation

    def __call__(self, x: Inputs) -> Value | list[Value]:
        """Every neuron's output for one input vector x: a list, or one Value if nout == 1.

        Example:
            >>> len(Layer(2, 3, rng=0)([1.0, -1.0])), type(Layer(2, 1, rng=0)([1.0, -1.0])).__name__
            (3, 'Value')
        """
        outs = self._forward(_as_inputs(x, self.nin, "Layer"))
        return outs[0] if len(outs) == 1 else outs

    def _forward(self, xs: list[Value]) -> list[Value]:
        # The inputs are checked and made Values once for the whole layer, so
        # every neuron reads the same input nodes (one node per input in drawings).
        return [n._forward(xs) for n in self.neurons]

    def named_parameters(self) -> list[tuple[str, Value]]:
        return [
            (f"neurons.{i}.{name}", p)
            for i, n in enumerate(self.neurons)
            for name, p in n.named_parameters()
        ]

    def parameters(self) -> list[Value]:
        return [p for n in self.neurons for p in n.parameters()]

    def __repr__(self) -> str:
        return (
            f"Layer(nin={self.nin}, nout={self.nout}, activation={self.activation!r}; "
            f"{self.num_parameters()} parameters)"
        )

    def config(self) -> dict[str, Any]:
        """The constructor arguments that rebuild this architecture (for `save`).

        Example:
            >>> Layer(2, 3, rng=0).config()
            {'type': 'Layer', 'nin': 2, 'nout': 3, 'activation': 'relu'}
        """
        return {
            "type": "Layer",
            "nin": self.nin,
            "nout": self.nout,
            "activation": _saveable(self.activation),
        }


class MLP(Module):
    """A multilayer perceptron: layers of sizes `nouts`, reading `nin` inputs.

    Hidden layers use `activation`, the last layer `output_activation`. For
    micrograd's `MLP(nin, nouts)` (relu everywhere but a linear last layer) the
    defaults are the same. `init` and `rng` are as for `Neuron`. Both
    activations are checked even when there is only one layer (and so no
    hidden layer to use `activation`): a misspelt name is an error, not ignored.

    Example:
        >>> model = MLP(2, [16, 16, 1], rng=random.Random(1337))
        >>> model
        MLP(2 → 16 relu → 16 relu → 1 linear; 337 parameters)
        >>> score = model([0.5, -1.0])      # one Value for a one-neuron output layer
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: Activation = "relu",
        output_activation: Activation = "linear",
        init: str = "uniform",
        rng: random.Random | int | None = None,
    ) -> None:
        self.nin = _check_size("MLP(nin=...)", nin)
        if isinstance(nouts, int) or not isinstance(nouts, Sequence) or len(nouts) == 0:
            raise ValueError(f"MLP(nouts=...) must be a non-empty list of layer sizes, got {nouts!r}")
        self.nouts = [_check_size(f"MLP(nouts[{i}])", n) for i, n in enumerate(nouts)]
        _resolve_activation(activation, True, "MLP", "activation")
        _resolve_activation(output_activation, True, "MLP", "output_activation")
        _check_init(init, "MLP")
        sizes = [nin] + self.nouts
        r = _rng(rng)
        last = len(self.nouts) - 1
        self.layers = [
            Layer(
                sizes[i],
                sizes[i + 1],
                activation=output_activation if i == last else activation,
                init=init,
                rng=r,
            )
            for i in range(len(self.nouts))
        ]

    def __call__(self, x: Inputs) -> Value | list[Value]:
        """The network's output for one input vector x: a Value, or a list for several outputs.

        Example:
            >>> scores = MLP(2, [4, 3], rng=0)([0.5, -1.0])   # 3 class scores
            >>> len(scores), type(MLP(2, [4, 1], rng=0)([0.5, -1.0])).__name__
            (3, 'Value')
        """
        xs = _as_inputs(x, self.nin, "MLP")
        for layer in self.layers:
            xs = layer._forward(xs)
        return xs[0] if len(xs) == 1 else xs

    def named_parameters(self) -> list[tuple[str, Value]]:
        return [
            (f"layers.{i}.{name}", p)
            for i, layer in enumerate(self.layers)
            for name, p in layer.named_parameters()
        ]

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self) -> str:
        parts = [str(self.nin)] + [f"{l.nout} {l.activation}" for l in self.layers]
        return f"MLP({' → '.join(parts)}; {self.num_parameters()} parameters)"

    def config(self) -> dict[str, Any]:
        """The constructor arguments that rebuild this architecture (for `save`).

        Example:
            >>> MLP(2, [3, 1], activation='tanh', rng=0).config()
            {'type': 'MLP', 'nin': 2, 'nouts': [3, 1], 'activation': 'tanh', 'output_activation': 'linear'}
        """
        hidden = self.layers[0].activation if len(self.layers) > 1 else "relu"
        return {
            "type": "MLP",
            "nin": self.nin,
            "nouts": list(self.nouts),
            "activation": _saveable(hidden),
            "output_activation": _saveable(self.layers[-1].activation),
        }


def _saveable(activation: str) -> str:
    """An activation name that `save` can write, or a ValueError for a custom function."""
    if activation not in ACTIVATIONS:
        raise ValueError(
            f"config: activation {activation!r} is a custom function; only named "
            f"activations ({', '.join(ACTIVATIONS)}) can be saved"
        )
    return activation
