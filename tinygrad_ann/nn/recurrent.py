"""Recurrent networks, neuron by neuron: `RNN`, `LSTM`, `GRU` and their cells.

A recurrent layer reads a sequence x_1, x_2, ..., x_T one step at a time and
keeps a hidden state h (a list of `hidden_size` numbers) that it carries from
each step to the next: h_t = cell(x_t, h_{t-1}), starting from h_0 = 0. The
same weights are used at every step (weight sharing, across time). Training
backpropagates through every step (backpropagation through time): it is just
the graph the steps made.

Each *gate* below is a row of neurons, one per hidden unit k, reading both the
input x and the previous state h. Its pre-activation is one fused weighted-sum
node (`Σ w·x + b`):

    z_k = W_ih[k]·x + W_hh[k]·h + (b_ih[k] + b_hh[k])

PyTorch keeps two biases, b_ih and b_hh; only their sum matters, and it is the
neuron's bias (one 'add' node, made once per call). The equations are
PyTorch's (σ is the sigmoid, ⊙ a product unit by unit):

    RNNCell    h' = tanh(W_ih x + b_ih + W_hh h + b_hh)          (or relu)

    LSTMCell   i = σ(W_ii x + b_ii + W_hi h + b_hi)               input gate
               f = σ(W_if x + b_if + W_hf h + b_hf)               forget gate
               g = tanh(W_ig x + b_ig + W_hg h + b_hg)            candidate
               o = σ(W_io x + b_io + W_ho h + b_ho)               output gate
               c' = f ⊙ c + i ⊙ g                                 the cell state
               h' = o ⊙ tanh(c')

    GRUCell    r = σ(W_ir x + b_ir + W_hr h + b_hr)               reset gate
               z = σ(W_iz x + b_iz + W_hz h + b_hz)               update gate
               n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))      candidate
               h' = (1 - z) ⊙ n + z ⊙ h

(In the GRU's candidate n the reset gate multiplies only the part that reads
h, so W_in x + b_in and W_hn h + b_hn are two weighted-sum nodes of their own.)

Parameters are in PyTorch's layout and order: `weight_ih[gates·hidden][input]`,
`weight_hh[gates·hidden][hidden]`, `bias_ih[gates·hidden]`, `bias_hh[...]`, the
gates stacked in the order above (LSTM i, f, g, o; GRU r, z, n). They start
uniform in (-1/√hidden, 1/√hidden), as PyTorch's do. The sequence layers `RNN`,
`LSTM` and `GRU` stack `num_layers` cells (each layer reads the sequence of
the one below) and name their parameters 'weight_ih_l0', ..., as PyTorch does.

Example:
    >>> lstm = LSTM(input_size=1, hidden_size=3, rng=0)
    >>> outputs, (h_n, c_n) = lstm([[0.5], [-1.0], [2.0]])      # 3 time steps
    >>> len(outputs), len(outputs[0]), len(h_n), outputs[-1] is h_n[-1]
    (3, 3, 1, True)
    >>> outputs[0][0]._prev[0]._op                               # o ⊙ tanh(c'): o is σ(Σ w·x + b)
    'sigmoid'
    >>> lstm.num_parameters()                                    # 4·3·(1 + 3) + 2·4·3
    72
"""

from __future__ import annotations

import math
from numbers import Real
from typing import Any, ClassVar, Sequence

from .._checks import one_of, random_source, whole_number, wrong_type
from .._types import RNG
from ..engine import Value, weighted_sum
from .module import Module, check_config_keys, config_size
from .shapes import as_vector

__all__ = ["RNNCell", "LSTMCell", "GRUCell", "RNN", "LSTM", "GRU", "LastStep"]

NONLINEARITIES = ("tanh", "relu")


def _zeros(size: int) -> list[Value]:
    return [Value(0.0) for _ in range(size)]


def _pair(owner: str, name: str, state: object, what: str) -> tuple[Any, Any]:
    """An LSTM's state (h, c): a tuple or list of two; else a TypeError saying so."""
    if not isinstance(state, (tuple, list)) or len(state) != 2 or \
            not all(isinstance(s, (tuple, list)) for s in state):
        wrong_type(owner, name, f"a pair (h, c) of {what} (an LSTM's state has two parts)", state)
    return state[0], state[1]


# -- the cells: one time step -------------------------------------------------------------


#: A cell's weights for one call (see `_Cell._weights`): each fused gate row's
#: weights [*weight_ih[k], *weight_hh[k]], and its bias node b_ih[k] + b_hh[k].
_Weights = tuple[list[list[Value]], list[Value]]


class _Cell(Module):
    """What the three cells share: sizes, parameters in PyTorch's layout, saving."""

    #: How many gates (blocks of hidden_size rows) the weights stack: RNN 1, LSTM 4, GRU 3.
    GATES: ClassVar[int] = 1
    #: How many of those gates are one weighted sum of x and h together (GRU: r, z, not n).
    _FUSED: ClassVar[int] = 1
    #: The constructor arguments config() saves.
    ARGUMENTS: ClassVar[tuple[str, ...]] = ("input_size", "hidden_size")

    def __init__(self, input_size: int, hidden_size: int, rng: RNG = None) -> None:
        owner = type(self).__name__
        self.input_size = whole_number(owner, "input_size", input_size, minimum=1)
        self.hidden_size = whole_number(owner, "hidden_size", hidden_size, minimum=1)
        r = random_source(owner, rng)
        bound = 1.0 / math.sqrt(self.hidden_size)  # PyTorch's: U(-1/√hidden, 1/√hidden), biases too
        rows = self.GATES * self.hidden_size

        def uniform(n: int) -> list[Value]:
            return [Value(r.uniform(-bound, bound)) for _ in range(n)]

        self.weight_ih = [uniform(self.input_size) for _ in range(rows)]
        self.weight_hh = [uniform(self.hidden_size) for _ in range(rows)]
        self.bias_ih = uniform(rows)
        self.bias_hh = uniform(rows)

    def _weights(self) -> _Weights:
        """Each fused row's weights and bias node, gathered once per call (of a cell,
        or of a whole sequence: every step then shares the same bias nodes)."""
        rows = self._FUSED * self.hidden_size
        return ([self.weight_ih[k] + self.weight_hh[k] for k in range(rows)],
                [self.bias_ih[k] + self.bias_hh[k] for k in range(rows)])

    def _fused(self, x: list[Value], h: list[Value], weights: _Weights, gate: int) -> list[Value]:
        """The pre-activations of gate number `gate`: one 'dot' node per hidden unit,
        W_ih[k]·x + W_hh[k]·h + (b_ih[k] + b_hh[k])."""
        rows, biases = weights
        xh = x + h
        H = self.hidden_size
        return [weighted_sum(rows[k], xh, biases[k]) for k in range(gate * H, (gate + 1) * H)]

    def _hidden(self, owner: str, name: str, h: object) -> list[Value]:
        """A state h given by the caller (zeros for None), checked."""
        if h is None:
            return _zeros(self.hidden_size)
        return as_vector(owner, name, h, self.hidden_size, "a hidden state, one number per hidden unit")

    def named_parameters(self) -> list[tuple[str, Value]]:
        """'weight_ih.r.c', 'weight_hh.r.c', 'bias_ih.r', 'bias_hh.r': PyTorch's names and order.

        Example:
            >>> [n for n, _ in RNNCell(1, 1, rng=0).named_parameters()]
            ['weight_ih.0.0', 'weight_hh.0.0', 'bias_ih.0', 'bias_hh.0']
        """
        named = []
        for name in ("weight_ih", "weight_hh"):
            named += [(f"{name}.{r}.{c}", w) for r, row in enumerate(getattr(self, name))
                      for c, w in enumerate(row)]
        for name in ("bias_ih", "bias_hh"):
            named += [(f"{name}.{r}", b) for r, b in enumerate(getattr(self, name))]
        return named

    def parameters(self) -> list[Value]:
        """weight_ih (row by row), weight_hh, bias_ih, bias_hh.

        Example:
            >>> len(GRUCell(2, 3, rng=0).parameters())        # 3·3·(2 + 3) + 2·3·3
            63
        """
        return [p for _, p in self.named_parameters()]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.input_size}, {self.hidden_size}; {self.num_parameters()} parameters)"

    def config(self) -> dict[str, Any]:
        """The constructor arguments that rebuild this architecture (for `save`).

        Example:
            >>> LSTMCell(2, 3, rng=0).config()
            {'type': 'LSTMCell', 'input_size': 2, 'hidden_size': 3}
        """
        return {"type": type(self).__name__, **{name: getattr(self, name) for name in self.ARGUMENTS}}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Any:
        """A new cell of the architecture `config()` described (weights from rng=0).

        Example:
            >>> GRUCell.from_config(GRUCell(2, 3, rng=5).config())
            GRUCell(2, 3; 63 parameters)
        """
        check_config_keys(config, {"type", *cls.ARGUMENTS})
        return cls(**{k: v for k, v in config.items() if k != "type"}, rng=0)

    @classmethod
    def parameter_count(cls, config: dict[str, Any]) -> int:
        """gates·hidden·(input + hidden) weights and 2·gates·hidden biases.

        Example:
            >>> LSTMCell.parameter_count({'type': 'LSTMCell', 'input_size': 1, 'hidden_size': 8})
            352
        """
        return _cell_count(cls.GATES, config_size(config, "input_size"), config_size(config, "hidden_size"))


def _cell_count(gates: int, input_size: int, hidden_size: int) -> int:
    return gates * hidden_size * (input_size + hidden_size) + 2 * gates * hidden_size


class RNNCell(_Cell):
    """One step of a plain (Elman) RNN: h' = tanh(W_ih x + b_ih + W_hh h + b_hh).

    One neuron per hidden unit, reading the input and the previous state.

    Args:
        input_size: the numbers in each time step x.
        hidden_size: the numbers in the state h (the neurons).
        nonlinearity: 'tanh' (the default, as PyTorch's) or 'relu'.
        rng: an int seed, a random.Random, or None for Python's global random.

    Example:
        >>> cell = RNNCell(2, 3, rng=0)
        >>> h = cell([1.0, -1.0])                  # h_0 = 0
        >>> h = cell([0.5, 0.0], h)                # the next step reads the state
        >>> len(h), h[0]._op, h[0]._prev[0]._op
        (3, 'tanh', 'dot')
    """

    ARGUMENTS = ("input_size", "hidden_size", "nonlinearity")

    def __init__(self, input_size: int, hidden_size: int, nonlinearity: str = "tanh", rng: RNG = None) -> None:
        self.nonlinearity = one_of(type(self).__name__, "nonlinearity", nonlinearity, NONLINEARITIES)
        super().__init__(input_size, hidden_size, rng)

    def __call__(self, x: Sequence[Any], h: Sequence[Any] | None = None) -> list[Value]:
        """The next state h' for one time step x and the state h (None: zeros).

        Example:
            >>> cell = RNNCell(1, 1, nonlinearity='relu', rng=0)
            >>> cell.weight_ih[0][0].data, cell.weight_hh[0][0].data = 2.0, 0.5
            >>> cell.bias_ih[0].data = cell.bias_hh[0].data = 0.0
            >>> [v.data for v in cell([3.0], [4.0])]          # relu(2·3 + 0.5·4)
            [8.0]
        """
        owner = type(self).__name__
        xs = as_vector(owner, "x", x, self.input_size, "one time step")
        return self._step(xs, self._hidden(owner, "h", h), self._weights())

    def _step(self, x: list[Value], h: list[Value], weights: _Weights) -> list[Value]:
        z = self._fused(x, h, weights, 0)
        return [v.tanh() for v in z] if self.nonlinearity == "tanh" else [v.relu() for v in z]

    def _initial(self, owner: str, name: str, state: object) -> list[Value]:
        return self._hidden(owner, name, state)

    @staticmethod
    def _output(state: Any) -> list[Value]:
        return state

    def __repr__(self) -> str:
        return (f"RNNCell({self.input_size}, {self.hidden_size}, nonlinearity={self.nonlinearity!r}; "
                f"{self.num_parameters()} parameters)")

class LSTMCell(_Cell):
    """One step of a long short-term memory: four gates, and a cell state c that
    the forget gate keeps and the input gate writes to (see the module docstring).

    The state is the pair (h, c). The weights stack the gates i, f, g, o.

    Example:
        >>> cell = LSTMCell(2, 3, rng=0)
        >>> h, c = cell([1.0, -1.0])               # (h_0, c_0) = 0
        >>> h, c = cell([0.5, 0.0], (h, c))
        >>> len(h), len(c), h[0]._op               # h = o ⊙ tanh(c)
        (3, 3, '*')
    """

    GATES = 4
    _FUSED = 4

    def __call__(self, x: Sequence[Any], state: tuple[Sequence[Any], Sequence[Any]] | None = None,
                 ) -> tuple[list[Value], list[Value]]:
        """The next state (h', c') for one time step x and the state (h, c) (None: zeros).

        Example:
            >>> cell = LSTMCell(1, 2, rng=0)
            >>> h, c = cell([1.0], ([0.0, 0.0], [0.5, -0.5]))
            >>> all(abs(v.data) < 1 for v in h)                  # o ⊙ tanh(c): in (-1, 1)
            True
        """
        owner = type(self).__name__
        xs = as_vector(owner, "x", x, self.input_size, "one time step")
        return self._step(xs, self._initial(owner, "state", state), self._weights())

    def gates(self, x: Sequence[Any], state: tuple[Sequence[Any], Sequence[Any]] | None = None,
              ) -> dict[str, list[Value]]:
        """The gates of one step, after their σ or tanh: {'i', 'f', 'g', 'o'}, each a
        list of hidden_size Values (to look at what the cell lets in, forgets, shows).

        Example:
            >>> g = LSTMCell(1, 2, rng=0).gates([1.0])
            >>> sorted(g), all(0 < v.data < 1 for v in g['f'])
            (['f', 'g', 'i', 'o'], True)
        """
        owner = f"{type(self).__name__}.gates"
        xs = as_vector(owner, "x", x, self.input_size, "one time step")
        return self._gates(xs, self._initial(owner, "state", state), self._weights())

    def _gates(self, x: list[Value], state: tuple[list[Value], list[Value]],
               weights: _Weights) -> dict[str, list[Value]]:
        h = state[0]
        return {
            "i": [v.sigmoid() for v in self._fused(x, h, weights, 0)],
            "f": [v.sigmoid() for v in self._fused(x, h, weights, 1)],
            "g": [v.tanh() for v in self._fused(x, h, weights, 2)],
            "o": [v.sigmoid() for v in self._fused(x, h, weights, 3)],
        }

    def _step(self, x: list[Value], state: tuple[list[Value], list[Value]],
              weights: _Weights) -> tuple[list[Value], list[Value]]:
        g = self._gates(x, state, weights)
        c = [f * c0 + i * gg for f, c0, i, gg in zip(g["f"], state[1], g["i"], g["g"], strict=True)]
        h = [o * ck.tanh() for o, ck in zip(g["o"], c, strict=True)]
        return h, c

    def _initial(self, owner: str, name: str, state: object) -> tuple[list[Value], list[Value]]:
        if state is None:
            return _zeros(self.hidden_size), _zeros(self.hidden_size)
        what = f"lists of {self.hidden_size} numbers or Values"
        h, c = _pair(owner, name, state, what)
        return self._hidden(owner, f"{name}'s h", h), self._hidden(owner, f"{name}'s c", c)

    @staticmethod
    def _output(state: Any) -> list[Value]:
        return state[0]


class GRUCell(_Cell):
    """One step of a gated recurrent unit: a reset gate r, an update gate z and a
    candidate n; the new state mixes n and the old h as z says (see the module
    docstring). The weights stack the gates r, z, n.

    Example:
        >>> cell = GRUCell(2, 3, rng=0)
        >>> h = cell([1.0, -1.0])                  # h_0 = 0
        >>> h = cell([0.5, 0.0], h)
        >>> len(h), h[0]._op                       # (1 - z) ⊙ n + z ⊙ h
        (3, '+')
    """

    GATES = 3
    _FUSED = 2  # r and z; n's two parts are separate weighted sums (r multiplies one)

    def __call__(self, x: Sequence[Any], h: Sequence[Any] | None = None) -> list[Value]:
        """The next state h' for one time step x and the state h (None: zeros).

        Example:
            >>> cell = GRUCell(1, 1, rng=0)
            >>> for p in cell.parameters(): p.data = 0.0         # r = z = σ(0) = 1/2, n = 0
            >>> [v.data for v in cell([1.0], [0.8])]              # (1 - z)·n + z·h
            [0.4]
        """
        owner = type(self).__name__
        xs = as_vector(owner, "x", x, self.input_size, "one time step")
        return self._step(xs, self._hidden(owner, "h", h), self._weights())

    def gates(self, x: Sequence[Any], state: Sequence[Any] | None = None) -> dict[str, list[Value]]:
        """The gates of one step, after their σ or tanh: {'r', 'z', 'n'}, each a list
        of hidden_size Values (`state` is h; None: zeros).

        Example:
            >>> g = GRUCell(1, 2, rng=0).gates([1.0])
            >>> sorted(g), all(0 < v.data < 1 for v in g['z'])
            (['n', 'r', 'z'], True)
        """
        owner = f"{type(self).__name__}.gates"
        xs = as_vector(owner, "x", x, self.input_size, "one time step")
        return self._gates(xs, self._hidden(owner, "state", state), self._weights())

    def _gates(self, x: list[Value], h: list[Value], weights: _Weights) -> dict[str, list[Value]]:
        r = [v.sigmoid() for v in self._fused(x, h, weights, 0)]
        z = [v.sigmoid() for v in self._fused(x, h, weights, 1)]
        H = self.hidden_size
        n = []
        for j in range(H):
            k = 2 * H + j
            from_x = weighted_sum(self.weight_ih[k], x, self.bias_ih[k])   # W_in x + b_in
            from_h = weighted_sum(self.weight_hh[k], h, self.bias_hh[k])   # W_hn h + b_hn
            n.append((from_x + r[j] * from_h).tanh())
        return {"r": r, "z": z, "n": n}

    def _step(self, x: list[Value], h: list[Value], weights: _Weights) -> list[Value]:
        g = self._gates(x, h, weights)
        return [(1.0 - z) * n + z * hk for z, n, hk in zip(g["z"], g["n"], h, strict=True)]

    def _initial(self, owner: str, name: str, state: object) -> list[Value]:
        return self._hidden(owner, name, state)

    @staticmethod
    def _output(state: Any) -> list[Value]:
        return state


# -- the sequence layers: every time step, num_layers cells ---------------------------------


class _Recurrent(Module):
    """What RNN, LSTM and GRU share: a stack of cells run over a whole sequence."""

    _CELL: ClassVar[type[Any]] = RNNCell
    #: The constructor arguments config() saves.
    ARGUMENTS: ClassVar[tuple[str, ...]] = ("input_size", "hidden_size", "num_layers")

    def __init__(self, input_size: int, hidden_size: int, num_layers: int, rng: RNG,
                 **cell_arguments: Any) -> None:
        owner = type(self).__name__
        self.input_size = whole_number(owner, "input_size", input_size, minimum=1)
        self.hidden_size = whole_number(owner, "hidden_size", hidden_size, minimum=1)
        self.num_layers = whole_number(owner, "num_layers", num_layers, minimum=1)
        r = random_source(owner, rng)
        self.cells = [self._CELL(self.input_size if i == 0 else self.hidden_size, self.hidden_size,
                                 rng=r, **cell_arguments) for i in range(self.num_layers)]

    def __call__(self, xs: Sequence[Sequence[Any]], state: Any = None) -> tuple[list[list[Value]], Any]:
        """(outputs, final state) for one sequence xs[t] (see the class docstring).

        Example:
            >>> outputs, h_n = RNN(2, 3, num_layers=2, rng=0)([[1.0, 0.0], [0.0, 1.0]])
            >>> len(outputs), len(h_n), outputs[-1] is h_n[-1]      # 2 steps; 2 layers
            (2, 2, True)
        """
        owner = type(self).__name__
        sequence = self._sequence(owner, xs)
        states = self._initial_states(owner, state)
        finals = []
        for cell, s in zip(self.cells, states, strict=True):  # layer by layer, each over all time
            weights = cell._weights()  # (once for the whole sequence: the bias nodes are shared)
            outputs = []
            for x in sequence:
                s = cell._step(x, s, weights)
                outputs.append(cell._output(s))
            sequence = outputs  # the next layer reads this layer's h_1, ..., h_T
            finals.append(s)
        return sequence, self._final_state(finals)

    def _sequence(self, owner: str, xs: object) -> list[list[Value]]:
        what = f"a non-empty list of time steps, each a list of {self.input_size} numbers or Values"
        if isinstance(xs, (Value, Real, str, bytes, dict)) or not hasattr(xs, "__iter__"):
            wrong_type(owner, "xs", what, xs)
        steps = list(xs)
        if not steps:
            raise ValueError(f"{owner}: xs must be {what}, got an empty sequence")
        return [as_vector(owner, f"xs[{t}]", x, self.input_size, "one time step") for t, x in enumerate(steps)]

    def _per_layer_what(self) -> str:
        n = self.num_layers
        return f"{n} hidden state{'s' * (n != 1)} (one per layer, each a list of {self.hidden_size} numbers or Values)"

    def _per_layer(self, owner: str, name: str, state: object) -> list[Any]:
        """A state given per layer: a list of num_layers states, checked by length."""
        what = f"a list of {self._per_layer_what()}"
        if not isinstance(state, (list, tuple)) or not all(isinstance(s, (list, tuple)) for s in state):
            wrong_type(owner, name, what, state)
        if len(state) != self.num_layers:
            raise ValueError(f"{owner}: {name} must be {what}, got {len(state)} "
                             f"stat{'e' if len(state) == 1 else 'es'}")
        return list(state)

    def _initial_states(self, owner: str, state: object) -> list[Any]:
        """Each layer's first state, from h_0 (zeros for None)."""
        if state is None:
            return [cell._initial(owner, "state", None) for cell in self.cells]
        h0 = self._per_layer(owner, "h_0", state)
        return [cell._initial(owner, f"h_0[{i}]", h) for i, (cell, h) in enumerate(zip(self.cells, h0, strict=True))]

    def _final_state(self, finals: list[Any]) -> Any:
        return finals  # h_n: each layer's last h

    def named_parameters(self) -> list[tuple[str, Value]]:
        """PyTorch's names: 'weight_ih_l0.r.c', 'weight_hh_l0...', 'bias_ih_l0.r', 'bias_hh_l0.r',
        then layer 1's.

        Example:
            >>> [n for n, _ in GRU(1, 1, num_layers=2, rng=0).named_parameters()][::6]
            ['weight_ih_l0.0.0', 'bias_ih_l0.0', 'weight_ih_l1.0.0', 'bias_ih_l1.0']
        """
        named = []
        for i, cell in enumerate(self.cells):
            for name, p in cell.named_parameters():
                tensor, _, where = name.partition(".")
                named.append((f"{tensor}_l{i}.{where}", p))
        return named

    def parameters(self) -> list[Value]:
        """Layer 0's weight_ih, weight_hh, bias_ih, bias_hh, then layer 1's, ...

        Example:
            >>> len(LSTM(1, 8, rng=0).parameters())       # 4·8·(1 + 8) + 2·4·8
            352
        """
        return [p for cell in self.cells for p in cell.parameters()]

    def __repr__(self) -> str:
        return (f"{type(self).__name__}({self.input_size}, {self.hidden_size}, num_layers={self.num_layers}"
                f"; {self.num_parameters()} parameters)")

    def config(self) -> dict[str, Any]:
        """The constructor arguments that rebuild this architecture (for `save`).

        Example:
            >>> LSTM(1, 8, num_layers=2, rng=0).config()
            {'type': 'LSTM', 'input_size': 1, 'hidden_size': 8, 'num_layers': 2}
        """
        return {"type": type(self).__name__, **{name: getattr(self, name) for name in self.ARGUMENTS}}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Any:
        """A new layer of the architecture `config()` described (weights from rng=0).

        Example:
            >>> GRU.from_config({'type': 'GRU', 'input_size': 2, 'hidden_size': 3, 'num_layers': 1})
            GRU(2, 3, num_layers=1; 63 parameters)
        """
        check_config_keys(config, {"type", *cls.ARGUMENTS})
        return cls(**{k: v for k, v in config.items() if k != "type"}, rng=0)

    @classmethod
    def parameter_count(cls, config: dict[str, Any]) -> int:
        """Each layer's cell's count (layer 0 reads input_size numbers, the others hidden_size).

        Example:
            >>> LSTM.parameter_count({'type': 'LSTM', 'input_size': 1, 'hidden_size': 8, 'num_layers': 2})
            928
        """
        inputs, hidden = config_size(config, "input_size"), config_size(config, "hidden_size")
        layers = config_size(config, "num_layers")
        gates = cls._CELL.GATES
        return _cell_count(gates, inputs, hidden) + (layers - 1) * _cell_count(gates, hidden, hidden)


class RNN(_Recurrent):
    """A plain (Elman) RNN over a whole sequence: `num_layers` RNNCells, stacked.

    Args:
        input_size: the numbers in each time step.
        hidden_size: the numbers in each layer's state h.
        num_layers: cells stacked; layer l + 1 reads layer l's states h_1..h_T.
        nonlinearity: 'tanh' (the default) or 'relu'.
        rng: an int seed, a random.Random, or None for Python's global random.

    `layer(xs, state=None)` reads xs, a list of time steps (each a list of
    input_size numbers or Values), from the state h_0 (a list of one h per
    layer; None: zeros). It returns `(outputs, h_n)`: outputs[t] is the top
    layer's h_t (the very Values of the graph, so after backward() their grads
    are d loss / d h_t), h_n each layer's last h.

    Example:
        >>> rnn = RNN(1, 2, rng=0)
        >>> outputs, h_n = rnn([[1.0], [0.5], [-1.0]])
        >>> len(outputs), [len(h) for h in h_n]
        (3, [2])
    """

    _CELL = RNNCell
    ARGUMENTS = ("input_size", "hidden_size", "num_layers", "nonlinearity")

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, nonlinearity: str = "tanh",
                 rng: RNG = None) -> None:
        self.nonlinearity = one_of(type(self).__name__, "nonlinearity", nonlinearity, NONLINEARITIES)
        super().__init__(input_size, hidden_size, num_layers, rng, nonlinearity=self.nonlinearity)

    def __repr__(self) -> str:
        return (f"RNN({self.input_size}, {self.hidden_size}, num_layers={self.num_layers}, "
                f"nonlinearity={self.nonlinearity!r}; {self.num_parameters()} parameters)")

class LSTM(_Recurrent):
    """An LSTM over a whole sequence: `num_layers` LSTMCells, stacked.

    Arguments as for `RNN` (without nonlinearity). `layer(xs, state=None)`
    reads the state (h_0, c_0), each a list of one list per layer (None:
    zeros), and returns `(outputs, (h_n, c_n))`: outputs[t] is the top layer's
    h_t, h_n and c_n each layer's last h and c.

    Example:
        >>> lstm = LSTM(2, 3, num_layers=2, rng=0)
        >>> outputs, (h_n, c_n) = lstm([[1.0, 0.0], [0.0, 1.0]])
        >>> len(outputs), len(h_n), len(c_n), len(c_n[0])
        (2, 2, 2, 3)
    """

    _CELL = LSTMCell

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, rng: RNG = None) -> None:
        super().__init__(input_size, hidden_size, num_layers, rng)

    def _initial_states(self, owner: str, state: object) -> list[Any]:
        if state is None:
            return super()._initial_states(owner, None)
        h0, c0 = _pair(owner, "state", state, self._per_layer_what())
        hs, cs = self._per_layer(owner, "h_0", h0), self._per_layer(owner, "c_0", c0)
        return [(cell._hidden(owner, f"h_0[{i}]", h), cell._hidden(owner, f"c_0[{i}]", c))
                for i, (cell, h, c) in enumerate(zip(self.cells, hs, cs, strict=True))]

    def _final_state(self, finals: list[Any]) -> Any:
        return [h for h, _ in finals], [c for _, c in finals]


class GRU(_Recurrent):
    """A GRU over a whole sequence: `num_layers` GRUCells, stacked.

    Arguments, state and result as for `RNN` (without nonlinearity):
    `layer(xs, state=None)` returns `(outputs, h_n)`.

    Example:
        >>> outputs, h_n = GRU(1, 4, rng=0)([[0.0], [1.0]])
        >>> len(outputs), len(h_n[0])
        (2, 4)
    """

    _CELL = GRUCell

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, rng: RNG = None) -> None:
        super().__init__(input_size, hidden_size, num_layers, rng)


class LastStep(Module):
    """The last time step's output, for a Sequential: it takes a recurrent layer's
    `(outputs, state)` (or a plain list of time steps) and returns outputs[-1],
    the top layer's last h, so that a Layer can classify the whole sequence.

    Example:
        >>> from tinygrad_ann.nn import Layer, Sequential
        >>> model = Sequential(LSTM(1, 4, rng=0), LastStep(), Layer(4, 2, activation='linear', rng=0))
        >>> scores = model([[0.1], [0.5], [0.9]])          # one sample: 3 time steps
        >>> len(scores), model.num_parameters()
        (2, 122)
    """

    def __call__(self, x: Any) -> list[Any]:
        """outputs[-1] of `(outputs, state)`, or x[-1] of a list of time steps x.

        Example:
            >>> LastStep()([[1.0, 2.0], [3.0, 4.0]])
            [3.0, 4.0]
        """
        expected = "a recurrent layer's (outputs, state), or a list of time steps (each a list)"
        # (outputs, state): a pair whose first item is a list of steps, each a list
        pair = isinstance(x, tuple) and len(x) == 2 and isinstance(x[0], (list, tuple)) and all(
            isinstance(step, (list, tuple)) for step in x[0])
        outputs = x[0] if pair else x
        if isinstance(outputs, (Value, Real, str, bytes, dict)) or not hasattr(outputs, "__getitem__"):
            wrong_type("LastStep", "x", expected, x)
        if len(outputs) == 0:
            raise ValueError("LastStep: x has no time steps (an empty sequence)")
        last = outputs[-1]
        if not isinstance(last, (list, tuple)):
            wrong_type("LastStep", "x", expected, x)
        return list(last)

    def __repr__(self) -> str:
        return "LastStep()"

    def config(self) -> dict[str, Any]:
        """{'type': 'LastStep'}

        Example:
            >>> LastStep().config()
            {'type': 'LastStep'}
        """
        return {"type": "LastStep"}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> LastStep:
        """A LastStep (it has no arguments).

        Example:
            >>> LastStep.from_config({'type': 'LastStep'})
            LastStep()
        """
        check_config_keys(config, {"type"})
        return cls()

    @classmethod
    def parameter_count(cls, config: dict[str, Any]) -> int:
        """0: it only picks a time step.

        Example:
            >>> LastStep.parameter_count({'type': 'LastStep'})
            0
        """
        return 0
