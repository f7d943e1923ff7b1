"""Dense (fully connected) networks: `Neuron`, `Layer`, `MLP`, built from engine Values.

A neuron computes out = φ(w1·x1 + ... + wn·xn + b): a weighted sum of its inputs
plus a bias, passed through an activation φ. A layer is a list of neurons that
all read the same inputs; a multilayer perceptron (MLP) is a list of layers,
each reading the previous one's outputs.

The names and the parameter order are those of micrograd's `nn.py`, so lecture
code runs unchanged and weights copy across (`MLP(2, [16, 16, 1])` has 337
parameters in both, in the same order).

Example:
    >>> model = MLP(2, [4, 1], rng=0)
    >>> out = model([1.0, -2.0])          # one Value: the last layer has 1 neuron
    >>> out.backward()
    >>> len(model.parameters())
    17
"""

from __future__ import annotations

import math
from numbers import Real
from operator import mul
from typing import Any, Sequence, Union

from .._checks import got, one_of, random_source, whole_number, wrong_type, wrong_value
from .._types import RNG, Number
from ..engine import Value, as_value, dot_node, weighted_sum
from .activations import Activation, named_activation, resolve_activation, saveable_activation
from .init import INITS, initial_weight
from .module import Module, check_config_keys, config_size

__all__ = ["Neuron", "Layer", "MLP", "Linear"]

#: One sample as a model's input: a list of numbers or Values.
Inputs = Sequence[Union[Number, Value]]


def _as_inputs(owner: str, x: object, nin: int) -> list[Value]:
    """The model's input as a list of `nin` Values (numbers become constants)."""
    if isinstance(x, (Value, Real, str, bytes)) or not hasattr(x, "__iter__"):
        wrong_type(owner, "x", f"a list of {nin} numbers or Values (one sample)", x)
    xs = list(x)
    if len(xs) != nin:
        wrong_value(owner, "x", f"a list of {nin} numbers or Values (one sample)", xs,
                    why=f"{len(xs)} input{'s' * (len(xs) != 1)}")
    values = []
    for i, xi in enumerate(xs):
        if xi.__class__ is Value:  # the common case first: no conversion needed
            values.append(xi)
            continue
        try:
            values.append(as_value(xi))
        except TypeError:
            wrong_type(owner, f"x[{i}]", "a number or a Value", xi)
    return values


class Neuron(Module):
    """One neuron: out = φ(w·x + b) = φ(w1·x1 + ... + wn·xn + b).

    Args:
        nin: how many inputs it reads.
        nonlin: micrograd's flag: True → relu, False → linear (ignored when
            `activation` is given).
        activation: 'relu', 'tanh', 'sigmoid', 'leaky_relu', 'softplus', 'step',
            'linear', or a function Value -> Value.
        init: 'uniform' (U(-1, 1), micrograd's), 'xavier' or 'he'.
        rng: an int seed, a random.Random, or None for the global `random`
            (so `random.seed(...)` makes it reproducible).
        bias: False for a neuron without a bias, out = φ(w·x) (its `b` is None).

    Parameters are the weights `w` (a list of Values), then the bias `b`.

    Example:
        >>> n = Neuron(2, activation='tanh', rng=0)
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
        rng: RNG = None,
        *,
        bias: bool = True,
        _fan_out: int = 1,
    ) -> None:
        self.nin = whole_number("Neuron", "nin", nin, minimum=1)
        if bias is not True and bias is not False:
            wrong_type("Neuron", "bias", "True or False", bias)
        self.init = one_of("Neuron", "init", init, INITS)
        self.activation, self._phi = resolve_activation("Neuron", activation, nonlin)
        self.nonlin = self.activation != "linear"
        r = random_source("Neuron", rng)
        self.w = [Value(initial_weight(r, init, self.nin, _fan_out)) for _ in range(self.nin)]
        self.b: Value | None = Value(0.0) if bias else None

    def __call__(self, x: Inputs) -> Value:
        """φ(w·x + b) for one input vector x (a list of numbers or Values).

        Example:
            >>> n = Neuron(2, activation='linear', rng=0)
            >>> n.w[0].data, n.w[1].data, n.b.data = 2.0, -1.0, 0.5
            >>> n([1.0, 3.0]).data            # 2·1 - 1·3 + 0.5
            -0.5
        """
        return self._forward(_as_inputs("Neuron", x, self.nin))

    def _forward(self, xs: list[Value]) -> Value:
        """φ(w·x + b) for inputs already checked and turned into Values.

        The weighted sum w1·x1 + ... + wn·xn + b is one fused 'dot' node (drawn
        as Σ w·x + b): see `tinygrad_ann.engine.dot`.
        """
        return self._phi(weighted_sum(self.w, xs, self.b))

    def named_parameters(self) -> list[tuple[str, Value]]:
        """('w.0', w0), ..., ('b', b): the weights, then the bias.

        Example:
            >>> [name for name, _ in Neuron(2, rng=0).named_parameters()]
            ['w.0', 'w.1', 'b']
        """
        named = [(f"w.{i}", w) for i, w in enumerate(self.w)]
        return named if self.b is None else named + [("b", self.b)]

    def parameters(self) -> list[Value]:
        """The weights, then the bias (micrograd's order).

        Example:
            >>> n = Neuron(2, rng=0)
            >>> n.parameters() == n.w + [n.b]
            True
        """
        return self.w if self.b is None else self.w + [self.b]

    def __repr__(self) -> str:
        no_bias = ", bias=False" if self.b is None else ""
        return (f"Neuron(nin={self.nin}, activation={self.activation!r}{no_bias}; "
                f"{self.num_parameters()} parameters)")

    def config(self) -> dict[str, Any]:
        """The constructor arguments that rebuild this architecture (for `save`).

        Example:
            >>> Neuron(3, activation='tanh', rng=0).config()
            {'type': 'Neuron', 'nin': 3, 'activation': 'tanh'}
        """
        config = {"type": "Neuron", "nin": self.nin, "activation": saveable_activation(self.activation)}
        return config if self.b is not None else {**config, "bias": False}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Neuron:
        """A new Neuron of the architecture `config()` described (weights from rng=0,
        so that loading leaves Python's global random alone).

        Example:
            >>> Neuron.from_config({'type': 'Neuron', 'nin': 2, 'activation': 'tanh'})
            Neuron(nin=2, activation='tanh'; 3 parameters)
        """
        check_config_keys(config, {"type", "nin", "activation"}, optional={"bias"})
        return cls(config["nin"], activation=named_activation(config["activation"]), rng=0,
                   bias=config.get("bias", True))

    @classmethod
    def parameter_count(cls, config: dict[str, Any]) -> int:
        """nin weights and a bias.

        Example:
            >>> Neuron.parameter_count({'type': 'Neuron', 'nin': 3})
            4
        """
        return config_size(config, "nin") + (config.get("bias", True) is not False)


class Layer(Module):
    """`nout` neurons that all read the same `nin` inputs.

    Calling it returns a list of `nout` Values, or a single Value when
    `nout == 1` (as micrograd does). Extra keyword arguments go to every Neuron
    (`bias=False` for neurons without a bias). `Linear` is a Layer of neurons
    without an activation, with PyTorch's names and layout.

    Example:
        >>> layer = Layer(3, 2, activation='tanh', rng=0)
        >>> outs = layer([1.0, 2.0, 3.0])
        >>> len(outs), layer.nout
        (2, 2)
    """

    def __init__(self, nin: int, nout: int, **neuron_kwargs: Any) -> None:
        unknown = sorted(set(neuron_kwargs) - {"nonlin", "activation", "init", "rng", "bias", "_fan_out"})
        if unknown:
            raise TypeError(
                f"Layer: unexpected argument {unknown[0]!r}; a Layer takes nin, nout and "
                f"the Neuron arguments nonlin, activation, init, rng, bias"
            )
        bias = neuron_kwargs.get("bias", True)
        if bias is not True and bias is not False:
            wrong_type("Layer", "bias", "True or False", bias)
        self.nin = whole_number("Layer", "nin", nin, minimum=1)
        self.nout = whole_number("Layer", "nout", nout, minimum=1)
        # Checked here too, so that a bad argument is reported as Layer's.
        resolve_activation("Layer", neuron_kwargs.get("activation"), neuron_kwargs.get("nonlin", True))
        one_of("Layer", "init", neuron_kwargs.get("init", "uniform"), INITS)
        neuron_kwargs.setdefault("_fan_out", self.nout)
        r = random_source("Layer", neuron_kwargs.pop("rng", None))
        self.neurons = [Neuron(self.nin, rng=r, **neuron_kwargs) for _ in range(self.nout)]

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
        outs = self._forward(_as_inputs("Layer", x, self.nin))
        return outs[0] if len(outs) == 1 else outs

    def _forward(self, xs: list[Value]) -> list[Value]:
        # The inputs are checked and made Values once for the whole layer, so
        # every neuron reads the same input nodes (one node per input in drawings).
        return self._forward_many([xs])[0]

    def _forward_many(self, rows: list[list[Value]]) -> list[list[Value]]:
        """`_forward` for each input vector of `rows` (a sequence's positions, say).

        Fast path (speed): what each neuron's _forward does, φ(weighted_sum(w, x, b)),
        with each neuron's weights read once for all the rows and each row's
        numbers once for all the neurons; each sum b + w1·x1 + ... + wn·xn is
        taken in C by sum(map(mul, ...)): the same numbers in the same order as
        weighted_sum, so the same result to the last bit.
        """
        neurons = [(n.w, [v.data for v in n.w], n.b, 0.0 if n.b is None else n.b.data, n._phi)
                   for n in self.neurons]
        phis = None if self.activation == "linear" else [n._phi for n in self.neurons]  # (linear: no call)
        outs = []
        for xs in rows:
            x_data = [x.data for x in xs]
            sums = [dot_node(sum(map(mul, w_data, x_data), b_data), w, xs, b) for w, w_data, b, b_data, _ in neurons]
            outs.append(sums if phis is None else [phi(s) for phi, s in zip(phis, sums, strict=True)])
        return outs

    def named_parameters(self) -> list[tuple[str, Value]]:
        """('neurons.0.w.0', ...), neuron by neuron.

        Example:
            >>> [name for name, _ in Layer(1, 2, rng=0).named_parameters()][-1]
            'neurons.1.b'
        """
        return [
            (f"neurons.{i}.{name}", p)
            for i, n in enumerate(self.neurons)
            for name, p in n.named_parameters()
        ]

    def parameters(self) -> list[Value]:
        """Every neuron's parameters, neuron by neuron.

        Example:
            >>> len(Layer(3, 2, rng=0).parameters())     # 2 neurons x (3 weights + 1 bias)
            8
        """
        return [p for n in self.neurons for p in n.parameters()]

    def __repr__(self) -> str:
        no_bias = ", bias=False" if self.neurons[0].b is None else ""
        return (
            f"Layer(nin={self.nin}, nout={self.nout}, activation={self.activation!r}{no_bias}; "
            f"{self.num_parameters()} parameters)"
        )

    def config(self) -> dict[str, Any]:
        """The constructor arguments that rebuild this architecture (for `save`).

        Example:
            >>> Layer(2, 3, rng=0).config()
            {'type': 'Layer', 'nin': 2, 'nout': 3, 'activation': 'relu'}
        """
        config = {
            "type": "Layer",
            "nin": self.nin,
            "nout": self.nout,
            "activation": saveable_activation(self.activation),
        }
        return config if self.neurons[0].b is not None else {**config, "bias": False}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Layer:
        """A new Layer of the architecture `config()` described (weights from rng=0).

        Example:
            >>> Layer.from_config({'type': 'Layer', 'nin': 2, 'nout': 3, 'activation': 'relu'})
            Layer(nin=2, nout=3, activation='relu'; 9 parameters)
        """
        check_config_keys(config, {"type", "nin", "nout", "activation"}, optional={"bias"})
        return cls(config["nin"], config["nout"], activation=named_activation(config["activation"]), rng=0,
                   bias=config.get("bias", True))

    @classmethod
    def parameter_count(cls, config: dict[str, Any]) -> int:
        """(nin + 1) × nout: each neuron's weights and bias.

        Example:
            >>> Layer.parameter_count({'type': 'Layer', 'nin': 3, 'nout': 2})
            8
        """
        bias = config.get("bias", True) is not False
        return (config_size(config, "nin") + bias) * config_size(config, "nout")


class MLP(Module):
    """A multilayer perceptron: layers of sizes `nouts`, reading `nin` inputs.

    Hidden layers use `activation`, the last layer `output_activation`. For
    micrograd's `MLP(nin, nouts)` (relu everywhere but a linear last layer) the
    defaults are the same. `init` and `rng` are as for `Neuron`. Both
    activations are checked even when there is only one layer (and so no
    hidden layer to use `activation`): a misspelt name is an error, not ignored.

    Example:
        >>> model = MLP(2, [16, 16, 1], rng=1337)
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
        rng: RNG = None,
    ) -> None:
        self.nin = whole_number("MLP", "nin", nin, minimum=1)
        sizes = "a non-empty list of layer sizes"
        if isinstance(nouts, str) or not isinstance(nouts, Sequence):
            wrong_type("MLP", "nouts", sizes, nouts)
        if len(nouts) == 0:
            wrong_value("MLP", "nouts", sizes, nouts)
        self.nouts = [whole_number("MLP", f"nouts[{i}]", n, minimum=1) for i, n in enumerate(nouts)]
        resolve_activation("MLP", activation, argument="activation")
        resolve_activation("MLP", output_activation, argument="output_activation")
        one_of("MLP", "init", init, INITS)
        r = random_source("MLP", rng)
        widths = [self.nin] + self.nouts
        last = len(self.nouts) - 1
        self.layers = [
            Layer(
                widths[i],
                widths[i + 1],
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
        xs = _as_inputs("MLP", x, self.nin)
        for layer in self.layers:
            xs = layer._forward(xs)
        return xs[0] if len(xs) == 1 else xs

    def named_parameters(self) -> list[tuple[str, Value]]:
        """('layers.0.neurons.0.w.0', ...), layer by layer.

        Example:
            >>> [name for name, _ in MLP(2, [4, 1], rng=0).named_parameters()][0]
            'layers.0.neurons.0.w.0'
        """
        return [
            (f"layers.{i}.{name}", p)
            for i, layer in enumerate(self.layers)
            for name, p in layer.named_parameters()
        ]

    def parameters(self) -> list[Value]:
        """Every layer's parameters, layer by layer (micrograd's order).

        Example:
            >>> len(MLP(2, [16, 16, 1], rng=0).parameters())
            337
        """
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self) -> str:
        parts = [str(self.nin)] + [f"{layer.nout} {layer.activation}" for layer in self.layers]
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
            "activation": saveable_activation(hidden),
            "output_activation": saveable_activation(self.layers[-1].activation),
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> MLP:
        """A new MLP of the architecture `config()` described (weights from rng=0).

        Example:
            >>> MLP.from_config({'type': 'MLP', 'nin': 2, 'nouts': [3, 1], 'activation': 'relu',
            ...                  'output_activation': 'linear'})
            MLP(2 → 3 relu → 1 linear; 13 parameters)
        """
        check_config_keys(config, {"type", "nin", "nouts", "activation", "output_activation"})
        return cls(config["nin"], config["nouts"], activation=named_activation(config["activation"]),
                   output_activation=named_activation(config["output_activation"]), rng=0)

    @classmethod
    def parameter_count(cls, config: dict[str, Any]) -> int:
        """The sum over its layers of (inputs + 1) × outputs.

        Example:
            >>> MLP.parameter_count({'type': 'MLP', 'nin': 2, 'nouts': [16, 16, 1]})
            337
        """
        nouts = config.get("nouts")
        if not isinstance(nouts, list) or not nouts:
            raise ValueError(f"nouts must be a non-empty list, got {got(nouts)}")
        sizes = [config_size(config, "nin")] + [config_size({f"nouts[{i}]": n}, f"nouts[{i}]")
                                                 for i, n in enumerate(nouts)]
        return sum((a + 1) * b for a, b in zip(sizes, sizes[1:], strict=False))



class Linear(Layer):
    """y = W x + b, PyTorch's `nn.Linear`: a Layer of neurons without an activation.

    It is a `Layer` (its `neurons` compute it, one per output), seen the way
    PyTorch lays it out: `weight[o][i]` is neuron o's weight i and `bias[o]`
    its bias, the same Values. So `Layer(nin, nout, activation='linear')`
    computes the same function; a Linear differs in PyTorch's names and order
    for its parameters ('weight.o.i', then 'bias.o'), its starting weights
    (PyTorch's: weights and biases U(-1/√in, 1/√in)), `bias=False`, and in
    always returning a list, even of one output.

    Example:
        >>> fc = Linear(3, 2, rng=0)
        >>> y = fc([1.0, 0.0, -1.0])
        >>> len(y), len(fc.weight), len(fc.weight[0]), fc.weight[1][2] is fc.neurons[1].w[2]
        (2, 2, 3, True)
        >>> [name for name, _ in Linear(2, 1, rng=0).named_parameters()]
        ['weight.0.0', 'weight.0.1', 'bias.0']
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True, rng: RNG = None) -> None:
        in_features = whole_number("Linear", "in_features", in_features, minimum=1)
        out_features = whole_number("Linear", "out_features", out_features, minimum=1)
        if bias is not True and bias is not False:
            wrong_type("Linear", "bias", "True or False", bias)
        r = random_source("Linear", rng)
        super().__init__(in_features, out_features, activation="linear", init="uniform", bias=bias, rng=r)
        # PyTorch's start: U(-1, 1) (the 'uniform' draws) scaled to U(-1/√in, 1/√in);
        # then the biases, from the same range.
        bound = 1.0 / math.sqrt(in_features)
        for row in self.weight:
            for w in row:
                w.data *= bound
        for b in self.bias or ():
            b.data = r.uniform(-bound, bound)

    @property
    def in_features(self) -> int:
        """How many numbers it reads (PyTorch's name; `nin` is the Layer's).

        Example:
            >>> Linear(3, 2, rng=0).in_features
            3
        """
        return self.nin

    @property
    def out_features(self) -> int:
        """How many numbers it returns (`nout`).

        Example:
            >>> Linear(3, 2, rng=0).out_features
            2
        """
        return self.nout

    @property
    def weight(self) -> list[list[Value]]:
        """weight[o][i]: row o is neuron o's weights (its own list: change one, change both).

        Example:
            >>> fc = Linear(2, 3, rng=0)
            >>> len(fc.weight), len(fc.weight[0])
            (3, 2)
        """
        return [n.w for n in self.neurons]

    @property
    def bias(self) -> list[Value] | None:
        """bias[o], neuron o's bias; None for `bias=False`.

        Example:
            >>> len(Linear(2, 3, rng=0).bias), Linear(2, 3, bias=False, rng=0).bias
            (3, None)
        """
        if self.neurons[0].b is None:
            return None
        return [n.b for n in self.neurons]  # type: ignore[misc]

    def __call__(self, x: Inputs) -> list[Value]:
        """W x + b for one input vector x: always a list of `out_features` Values.

        Example:
            >>> fc = Linear(1, 1, bias=False, rng=0)
            >>> fc.weight[0][0].data = 2.0
            >>> [v.data for v in fc([3.0])]
            [6.0]
        """
        return self._forward(_as_inputs("Linear", x, self.nin))

    def named_parameters(self) -> list[tuple[str, Value]]:
        """'weight.o.i' row by row, then 'bias.o': PyTorch's names and order.

        Example:
            >>> [n for n, _ in Linear(1, 2, rng=0).named_parameters()]
            ['weight.0.0', 'weight.1.0', 'bias.0', 'bias.1']
        """
        named = [(f"weight.{o}.{i}", w) for o, row in enumerate(self.weight) for i, w in enumerate(row)]
        return named + [(f"bias.{o}", b) for o, b in enumerate(self.bias or ())]

    def parameters(self) -> list[Value]:
        """weight (row by row), then bias: PyTorch's order.

        Example:
            >>> len(Linear(3, 2, rng=0).parameters()), len(Linear(3, 2, bias=False, rng=0).parameters())
            (8, 6)
        """
        # (without the names: zero_grad() asks for these at every step)
        return [w for n in self.neurons for w in n.w] + (self.bias or [])

    def __repr__(self) -> str:
        return (f"Linear(in_features={self.nin}, out_features={self.nout}, bias={self.bias is not None}; "
                f"{self.num_parameters()} parameters)")

    def config(self) -> dict[str, Any]:
        """The constructor arguments that rebuild this architecture (for `save`).

        Example:
            >>> Linear(3, 2, bias=False, rng=0).config()
            {'type': 'Linear', 'in_features': 3, 'out_features': 2, 'bias': False}
        """
        return {"type": "Linear", "in_features": self.nin, "out_features": self.nout,
                "bias": self.bias is not None}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Linear:
        """A new Linear of the architecture `config()` described (weights from rng=0).

        Example:
            >>> Linear.from_config({'type': 'Linear', 'in_features': 3, 'out_features': 2, 'bias': True})
            Linear(in_features=3, out_features=2, bias=True; 8 parameters)
        """
        check_config_keys(config, {"type", "in_features", "out_features", "bias"})
        return cls(config["in_features"], config["out_features"], bias=config["bias"], rng=0)

    @classmethod
    def parameter_count(cls, config: dict[str, Any]) -> int:
        """(in_features + 1) × out_features, or in_features × out_features without a bias.

        Example:
            >>> Linear.parameter_count({'type': 'Linear', 'in_features': 3, 'out_features': 2, 'bias': False})
            6
        """
        bias = config.get("bias", True) is not False
        return (config_size(config, "in_features") + bias) * config_size(config, "out_features")
