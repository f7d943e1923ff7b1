"""`Module`: the base class of everything with parameters (PyTorch's `nn.Module`).

A module knows its parameters (`parameters()`, `named_parameters()`), can reset
their grads (`zero_grad()`) and can save and load their values by name
(`state_dict()`, `load_state_dict()`). `Neuron`, `Layer` and `MLP` are modules,
and so is any model of one's own that defines `parameters()`.

Example:
    >>> from tinygrad_ann.engine import Value
    >>> class Line(Module):                   # y = a x + c
    ...     def __init__(self):
    ...         self.a, self.c = Value(2.0), Value(1.0)
    ...     def parameters(self):
    ...         return [self.a, self.c]
    >>> Line().state_dict(), Line().num_parameters()
    ({'0': 2.0, '1': 1.0}, 2)
"""

from __future__ import annotations

from typing import Any, Iterator

from .._checks import finite_number, got, is_whole_number, wrong_type
from ..engine import Value

__all__ = ["Module", "Sequential", "LAYER_TYPES", "layer_type", "config_size", "check_config_keys"]


class Module:
    """Base class of everything with parameters: `parameters()`, `zero_grad()`, state dicts.

    A subclass defines `named_parameters()` (or only `parameters()`, whose
    Values are then named by position, '0', '1', ...) and `__call__`.

    Example:
        >>> from tinygrad_ann.nn import Neuron
        >>> n = Neuron(2, rng=0)
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
            >>> from tinygrad_ann.nn import Layer
            >>> [n for n, _ in Layer(1, 2, rng=0).named_parameters()]
            ['neurons.0.w.0', 'neurons.0.b', 'neurons.1.w.0', 'neurons.1.b']
        """
        if type(self).parameters is Module.parameters:  # neither is defined: no parameters
            return []
        return [(str(i), p) for i, p in enumerate(self.parameters())]

    def parameters(self) -> list[Value]:
        """Every parameter Value, weights then bias, neuron by neuron, layer by layer.

        Example:
            >>> from tinygrad_ann.nn import MLP
            >>> len(MLP(2, [16, 16, 1], rng=0).parameters())
            337
        """
        if type(self).named_parameters is Module.named_parameters:  # neither is defined
            return []
        return [p for _, p in self.named_parameters()]

    def zero_grad(self) -> None:
        """Set every parameter's grad to 0.0 (before each backward() in a training loop).

        Example:
            >>> from tinygrad_ann.nn import Neuron
            >>> n = Neuron(1, rng=0); n([2.0]).backward()
            >>> n.zero_grad(); [p.grad for p in n.parameters()]
            [0.0, 0.0]
        """
        for p in self.parameters():
            p.grad = 0.0

    def num_parameters(self) -> int:
        """How many parameters (numbers) the model learns.

        Example:
            >>> from tinygrad_ann.nn import MLP
            >>> MLP(2, [16, 16, 1], rng=0).num_parameters()
            337
        """
        return len(self.parameters())

    def state_dict(self) -> dict[str, float]:
        """The parameters' data by name: {'layers.0.neurons.0.w.0': 0.23, ...}.

        Example:
            >>> from tinygrad_ann.nn import Neuron
            >>> sorted(Neuron(1, rng=0).state_dict())
            ['b', 'w.0']
        """
        return {name: p.data for name, p in self.named_parameters()}

    def load_state_dict(self, state: dict[str, float]) -> None:
        """Set the parameters' data from `state` (as made by `state_dict()`).

        `state` must be a dict (else a TypeError). Its keys must be exactly this
        model's parameter names and every value a finite number; otherwise a
        ValueError names the problem (a bad state, as a bad file would be) and
        the model is left unchanged: everything is checked before anything is
        written.

        Example:
            >>> from tinygrad_ann.nn import Neuron
            >>> a, b = Neuron(2, rng=0), Neuron(2, rng=1)
            >>> b.load_state_dict(a.state_dict())
            >>> a.state_dict() == b.state_dict()
            True
        """
        if not isinstance(state, dict):
            wrong_type("load_state_dict", "state", "a dict of parameter name -> number", state)
        named = self.named_parameters()
        names = [n for n, _ in named]
        known = set(names)  # (a set, once: checking every key stays linear in their number)
        missing = [n for n in names if n not in state]
        unexpected = [k for k in state if k not in known]
        if missing or unexpected:
            parts = []
            if missing:
                parts.append(f"missing {_first_few(missing)}")
            if unexpected:
                parts.append(f"unexpected {_first_few(unexpected)}")
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

    # -- saving the architecture: `save` writes config(), `load` calls from_config() --

    def config(self) -> dict[str, Any]:
        """The constructor arguments that rebuild this architecture, with its 'type'
        (for `save`); a model of one's own has none, so it cannot be saved.

        Example:
            >>> from tinygrad_ann.nn import Neuron
            >>> Neuron(2, activation='linear', rng=0).config()
            {'type': 'Neuron', 'nin': 2, 'activation': 'linear'}
        """
        raise NotImplementedError(f"{type(self).__name__} has no config(), so it cannot be saved")

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Module:
        """A new model of the architecture `config()` described, its weights not yet
        loaded. A config with other keys than config() writes is a ValueError.

        Example:
            >>> from tinygrad_ann.nn import Layer
            >>> Layer.from_config({'type': 'Layer', 'nin': 2, 'nout': 3, 'activation': 'tanh'})
            Layer(nin=2, nout=3, activation='tanh'; 9 parameters)
        """
        arguments = {k: v for k, v in config.items() if k != "type"}
        check_config_keys(config, {"type", *arguments})
        return cls(**arguments)

    @classmethod
    def parameter_count(cls, config: dict[str, Any]) -> int:
        """How many parameters the architecture `config` has, from its sizes alone
        (so that a tiny file cannot make `load` build a huge model first).

        Example:
            >>> from tinygrad_ann.nn import MLP
            >>> MLP.parameter_count({'type': 'MLP', 'nin': 2, 'nouts': [16, 16, 1]})
            337
        """
        raise NotImplementedError(f"{cls.__name__} does not say how many parameters a config has")


#: The layers and models `load` can rebuild, by the 'type' their config() writes.
#: (Filled in by tinygrad_ann.nn as each layer family is imported.)
LAYER_TYPES: dict[str, type[Module]] = {}


def config_size(config: dict[str, Any], name: str, minimum: int = 1) -> int:
    """`config[name]`, if it is a whole number >= `minimum`; else a ValueError saying
    so (for `parameter_count`: a saved file's sizes are checked before building).

    Example:
        >>> config_size({'nin': 3}, 'nin')
        3
        >>> config_size({'nin': 0}, 'nin')
        Traceback (most recent call last):
        ValueError: nin must be a whole number >= 1, got 0 (int)
    """
    x: Any = config.get(name)
    if not is_whole_number(x) or x < minimum:
        raise ValueError(f"{name} must be a whole number >= {minimum}, got {got(x)}")
    return int(x)


def check_config_keys(config: dict[str, Any], keys: set[str], optional: set[str] | None = None) -> None:
    """A ValueError unless `config` has exactly `keys`, and perhaps some of
    `optional` (for `from_config`).

    Example:
        >>> check_config_keys({'type': 'Flatten', 'extra': 1}, {'type'})
        Traceback (most recent call last):
        ValueError: expected the keys ['type'], got ['extra', 'type']
    """
    given = set(config)
    if not keys <= given or not given <= keys | (optional or set()):
        also = f" (and perhaps {sorted(optional)})" if optional else ""
        raise ValueError(f"expected the keys {sorted(keys)}{also}, got {sorted(config)}")


def _reads_no_state(layer: Any) -> bool:
    """Whether `layer` is one of the library's layers that read one sample, not a
    recurrent layer's (outputs, state) (LastStep reads that)."""
    name = type(layer).__name__
    return LAYER_TYPES.get(name) is type(layer) and name != "LastStep"


class Sequential(Module):
    """Layers one after another: each one's output is the next one's input.

    Any layers (and models) stack: convolutions, pooling, Flatten, a Layer or a
    whole MLP. Its parameters are those of its layers, in order, named as in
    PyTorch's `nn.Sequential` ('0.weight...', '1....').

    Example:
        >>> from tinygrad_ann.nn import Layer
        >>> model = Sequential(Layer(2, 4, activation='tanh', rng=0), Layer(4, 1, activation='linear', rng=0))
        >>> out = model([1.0, -1.0])
        >>> len(model), model.num_parameters(), type(out).__name__
        (2, 17, 'Value')
    """

    def __init__(self, *layers: Any) -> None:
        for i, layer in enumerate(layers):
            if not callable(layer):
                wrong_type("Sequential", f"layer {i}", "a layer or model (something to call)", layer)
        self.layers = list(layers)

    def __call__(self, x: Any) -> Any:
        """Run `x` through every layer in turn.

        Example:
            >>> from tinygrad_ann.nn import Layer
            >>> Sequential(Layer(1, 1, activation='linear', rng=0))([2.0]).data != 0
            True
            >>> Sequential(Layer(2, 1, rng=0), Layer(1, 3, rng=0))([1.0, 2.0])   # doctest: +ELLIPSIS
            [Value(...), Value(...), Value(...)]
        """
        last = len(self.layers) - 1
        for i, layer in enumerate(self.layers):
            if i and isinstance(x, tuple) and _reads_no_state(layer):
                before = self.layers[i - 1]
                raise ValueError(
                    f"Sequential: layer {i - 1} ({type(before).__name__}) returns (outputs, state), "
                    f"which layer {i} ({type(layer).__name__}) cannot read; put LastStep() between "
                    f"them to pass on the last step's output"
                )
            x = layer(x)
            if i < last and isinstance(x, Value):
                x = [x]  # a layer of one neuron gives one Value; the next layer reads a list
        return x

    def __len__(self) -> int:
        return len(self.layers)

    def __getitem__(self, i: int) -> Any:
        return self.layers[i]

    def __iter__(self) -> Iterator[Any]:
        return iter(self.layers)

    def named_parameters(self) -> list[tuple[str, Value]]:
        """('0.name', ...), layer by layer: a layer without parameters has none.

        Example:
            >>> from tinygrad_ann.nn import Neuron
            >>> [n for n, _ in Sequential(Neuron(1, rng=0)).named_parameters()]
            ['0.w.0', '0.b']
        """
        named = []
        for i, layer in enumerate(self.layers):
            inner = layer.named_parameters() if hasattr(layer, "named_parameters") else []
            named += [(f"{i}.{name}", p) for name, p in inner]
        return named

    def parameters(self) -> list[Value]:
        """Every parameter, layer by layer.

        Example:
            >>> from tinygrad_ann.nn import Neuron
            >>> len(Sequential(Neuron(2, rng=0), Neuron(1, rng=0)).parameters())
            5
        """
        return [p for layer in self.layers for p in (layer.parameters() if hasattr(layer, "parameters") else [])]

    def __repr__(self) -> str:
        inner = ", ".join(repr(layer) for layer in self.layers)
        return f"Sequential({inner}; {self.num_parameters()} parameters)"

    def config(self) -> dict[str, Any]:
        """{'type': 'Sequential', 'layers': [each layer's config()]}.

        Example:
            >>> from tinygrad_ann.nn import Neuron
            >>> Sequential(Neuron(1, activation='linear', rng=0)).config()
            {'type': 'Sequential', 'layers': [{'type': 'Neuron', 'nin': 1, 'activation': 'linear'}]}
        """
        configs = []
        for i, layer in enumerate(self.layers):
            if not hasattr(layer, "config"):
                raise ValueError(f"config: layer {i} of the Sequential ({layer!r}) cannot be saved")
            configs.append(layer.config())
        return {"type": "Sequential", "layers": configs}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Sequential:
        """A Sequential of the layers each config in config['layers'] describes.

        Example:
            >>> Sequential.from_config({'type': 'Sequential', 'layers': [{'type': 'Flatten'}]})
            Sequential(Flatten(); 0 parameters)
        """
        check_config_keys(config, {"type", "layers"})
        return cls(*(_layer_type(c).from_config(c) for c in _layer_configs(config)))

    @classmethod
    def parameter_count(cls, config: dict[str, Any]) -> int:
        """The sum of its layers' counts.

        Example:
            >>> Sequential.parameter_count({'type': 'Sequential', 'layers': [{'type': 'Neuron', 'nin': 3}]})
            4
        """
        return sum(_layer_type(c).parameter_count(c) for c in _layer_configs(config))


def _layer_configs(config: dict[str, Any]) -> list[dict[str, Any]]:
    layers = config.get("layers")
    if not isinstance(layers, list) or not all(isinstance(c, dict) for c in layers):
        raise ValueError(f"layers must be a list of layer configs, got {got(layers)}")
    return layers


def _layer_type(config: dict[str, Any]) -> type[Module]:
    """The class a config's 'type' names, or a ValueError listing the known ones."""
    kind = config.get("type")
    if not isinstance(kind, str) or kind not in LAYER_TYPES:
        raise ValueError(f"unknown architecture type {kind!r} (expected {', '.join(LAYER_TYPES)})")
    return LAYER_TYPES[kind]


def layer_type(config: dict[str, Any]) -> type[Module]:
    """The class whose config() wrote `config` (by its 'type'), or a ValueError.

    Example:
        >>> layer_type({'type': 'MLP'}).__name__
        'MLP'
    """
    return _layer_type(config)


def _first_few(names: list[str], n: int = 3) -> str:
    """The first `n` names, quoted, and how many more: "'a', 'b', 'c' and 2 more"."""
    shown = ", ".join(repr(x) for x in names[:n])
    return shown + (f" and {len(names) - n} more" if len(names) > n else "")
