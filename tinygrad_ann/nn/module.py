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

from .._checks import finite_number, wrong_type
from ..engine import Value

__all__ = ["Module"]


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


def _first_few(names: list[str], n: int = 3) -> str:
    """The first `n` names, quoted, and how many more: "'a', 'b', 'c' and 2 more"."""
    shown = ", ".join(repr(x) for x in names[:n])
    return shown + (f" and {len(names) - n} more" if len(names) > n else "")
