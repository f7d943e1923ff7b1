"""`Value`: one number that remembers how it was made, and `backward()`.

Read this file from the top: the fields of a `Value`; `backward()`, the whole
algorithm of backpropagation; then the operations, each a forward method (it
computes the number) followed by its backward rule (it adds the gradient that
arrives, times the op's local derivative, into each operand's grad).

The rest of the engine has a file per concern: see engine/__init__.py.

Example:
    >>> a = Value(2.0, label='a')
    >>> b = Value(-3.0, label='b')
    >>> c = a * b + a            # c = ab + a
    >>> c.backward()
    >>> a.grad, b.grad           # dc/da = b + 1, dc/db = a
    (-2.0, 2.0)
"""

from __future__ import annotations

import math
from numbers import Real
from typing import Any, Callable, Iterable

from .._types import Number
from . import grad_mode, numeric
from .numeric import (
    EXP_MAX, as_float, describe, power, power_derivative_base, power_derivative_exponent,
)
from .backprop import depth_first, has_own_backward, one_backward_pass
from .ops import OPS, register

__all__ = ["Value", "as_value", "op_result"]

_SQRT_HALF = math.sqrt(0.5)  # 1/√2, for gelu's Φ(x) = (1 + erf(x/√2))/2
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)  # for gelu's φ(x)


class Value:
    """One number in a computation graph, and the gradient `backward()` fills in.

    Fields (the micrograd lecture's):
        data   the number (a float)
        grad   d(result)/d(this node), filled in by `result.backward()` (a float)
        label  a name for drawings and error messages ('' for none)
        _op    the name of the operation that made this node ('' for a leaf)
        _prev  the operands it was made from, in order (`a + a` keeps both)

    `Value(data, _children, _op, label)` is the lecture's signature. The ops
    fill in `_children` and `_op`; pass them only to build a node by hand, the
    lecture's way (see `_backward`).

    Example:
        >>> x = Value(3.0, label='x')
        >>> y = x * x + 1
        >>> y.backward()
        >>> y.data, x.grad
        (10.0, 6.0)
    """

    # Fast path (memory): __slots__, not a __dict__ per node: about 106 bytes a
    # node, where micrograd's (a __dict__, a set and a closure per node) takes
    # about 590. Each slot holds one thing:
    #   _a, _b       the first and the second operand of an op of one or two
    #   _operands    all the operands of an op of many (sum, dot), as a tuple
    #                (`_prev` puts the operands of any node in a tuple when asked)
    #   _constant    an op's constant that is not an operand: the 2 of x ** 2
    #   _extra       what few nodes have: a label, a custom op's derivative, a
    #                `_backward` set by hand (an `_Extra` record; see the end of
    #                the file), so that the other nodes need no slot for them
    __slots__ = ("data", "grad", "_op", "_a", "_b", "_operands", "_constant", "_extra")

    def __init__(
        self,
        data: Number,
        _children: Iterable[Value] = (),
        _op: str = "",
        label: str = "",
    ) -> None:
        self.data = data if data.__class__ is float else as_float(data, "Value")
        self.grad = 0.0
        self._op = _op
        self._a: Any = None  # (a Value, or None: the slots are described above)
        self._b: Any = None
        self._operands: tuple[Value, ...] | None = None
        self._constant: float | None = None
        self._extra: _Extra | None = None
        if label.__class__ is not str and not isinstance(label, str):
            raise TypeError(f"Value's label must be a string, got {type(label).__name__}: {label!r}")
        if label:
            self.label = label
        if _children or _op:  # a node built by hand, as in the lecture: check it
            _build_by_hand(self, tuple(_children))

    @property
    def _prev(self) -> tuple[Value, ...]:
        """The operands this node was made from, in order: () for a leaf, and
        `a + a` keeps both."""
        a = self._a
        if a is None:
            return self._operands or ()
        b = self._b
        return (a,) if b is None else (a, b)

    # -- backpropagation -----------------------------------------------------

    def backward(self) -> None:
        """Fill `grad` of every node this Value depends on with d(self)/d(node).

        The root's grad is 1 (d(self)/d(self)); then each node, after every node
        that uses it has added into its grad, pushes its grad into its operands
        with its op's rule: the chain rule, node by node, in the reverse of a
        topological order. Leaves accumulate across calls, as in PyTorch:
        calling `backward()` twice doubles their grads, so zero them between
        steps (`model.zero_grad()`). Inner nodes hold this pass's gradient.

        Example:
            >>> x = Value(3.0)
            >>> y = x * x
            >>> y.backward(); x.grad
            6.0
            >>> y.backward(); x.grad
            12.0
        """
        order, leaves = depth_first(self, leaves_apart=True)  # every node after its operands
        with one_backward_pass(order, leaves):  # (the leaves' bookkeeping: see there)
            self.grad = 1.0  # d(self)/d(self)
            op_named = OPS.get  # (fast path: the dict's method looked up once, not per node)
            for node in reversed(order):  # each node after all the nodes that use it
                op = op_named(node._op)
                if op is not None and node._extra is None:  # fast path: what node._backward()
                    op.backward(node)  # does, without the property: the rule of node's op
                else:
                    node._backward()  # node.grad times each local derivative, into its operands

    def topological_order(self) -> list[Value]:
        """Every node this Value depends on, each after its operands (leaves first).

        The same order as the lecture's recursive `build_topo` (first operand
        first), built without recursion, so graphs a million nodes deep work.

        Example:
            >>> a = Value(1.0, label='a'); b = a * 2; b.label = 'b'
            >>> c = a + b; c.label = 'c'
            >>> [v.label for v in c.topological_order() if v.label]
            ['a', 'b', 'c']
        """
        order, _ = depth_first(self)
        return order

    @property
    def _backward(self) -> Callable[[], None]:
        """One step of backpropagation: `node._backward()` adds node.grad times each
        local derivative into the grads of `node._prev` (nothing for a leaf).

        It runs the rule of the node's op. The lecture adds an op its own way:
        build the node by hand and set its `_backward` to a function; that
        function is then used, never a rule (even under a known op's name).

        Example:
            >>> a, b = Value(2.0), Value(3.0)
            >>> c = a * b
            >>> c.grad = 1.0
            >>> c._backward()
            >>> a.grad, b.grad
            (3.0, 2.0)
            >>> out = Value(a.data ** 3, (a,), 'cube')      # the lecture's way
            >>> out._backward = lambda: None                 # (its rule, set by hand)
        """
        # A property, not a method, so that the lecture's `out._backward = f` works.
        if has_own_backward(self):
            return self._extra.backward  # type: ignore[union-attr,return-value]
        return self._run_rule

    @_backward.setter
    def _backward(self, fn: Callable[[], None]) -> None:
        if not callable(fn):
            raise TypeError(
                f"_backward must be a function of no arguments (callable), "
                f"got {type(fn).__name__}: {fn!r}"
            )
        if not self._prev:
            raise AttributeError(
                "this Value is a leaf (no operands), so there is no _backward to set: "
                "build the node from its operands, e.g. Value(x.data**3, (x,), 'cube')"
            )
        self._more().backward = fn

    def _run_rule(self) -> None:
        """`_backward()` of a node made by an op: the backward rule of its `_op`."""
        if not self._prev:
            return
        op = OPS.get(self._op)
        if op is None:
            raise NotImplementedError(
                f"no backward rule for op {self._op!r}: define the op with "
                f"tinygrad_ann.custom_op(...) so that backward() knows its derivative, "
                f"or set this node's _backward to a function, as in the micrograd lecture"
            )
        op.backward(self)

    # -- arithmetic ----------------------------------------------------------
    # Each binary op takes a Value or a number on either side; a number becomes
    # a constant leaf, so that it is drawn in the graph. Anything else returns
    # NotImplemented, and Python raises "unsupported operand type(s) for +".

    def __add__(self, other: Value | Number) -> Value:
        """a + b"""
        if other.__class__ is not Value and (other := _operand(other)) is NotImplemented:
            return NotImplemented
        return _result(self.data + other.data, "+", self, other)

    @register("+", arity=2)
    def _add_backward(out: Value) -> None:
        """d(a + b)/da = 1,  d(a + b)/db = 1"""
        out._a.grad += out.grad
        out._b.grad += out.grad

    def __sub__(self, other: Value | Number) -> Value:
        """a - b"""
        if other.__class__ is not Value and (other := _operand(other)) is NotImplemented:
            return NotImplemented
        return _result(self.data - other.data, "-", self, other)

    @register("-", arity=2)
    def _sub_backward(out: Value) -> None:
        """d(a - b)/da = 1,  d(a - b)/db = -1"""
        out._a.grad += out.grad
        out._b.grad -= out.grad

    def __mul__(self, other: Value | Number) -> Value:
        """a * b"""
        if other.__class__ is not Value and (other := _operand(other)) is NotImplemented:
            return NotImplemented
        return _result(self.data * other.data, "*", self, other)

    @register("*", arity=2)
    def _mul_backward(out: Value) -> None:
        """d(a * b)/da = b,  d(a * b)/db = a"""
        a, b = out._a, out._b
        a.grad += b.data * out.grad
        b.grad += a.data * out.grad

    def __truediv__(self, other: Value | Number) -> Value:
        """a / b  (b must not be 0)"""
        if other.__class__ is not Value and (other := _operand(other)) is NotImplemented:
            return NotImplemented
        if other.data == 0.0:
            raise ZeroDivisionError(f"division by zero: {describe(self)} / {describe(other)}")
        return _result(self.data / other.data, "/", self, other)

    @register("/", arity=2, domain=lambda a, b: b != 0.0)
    def _div_backward(out: Value) -> None:
        """d(a / b)/da = 1/b,  d(a / b)/db = -a/b^2 = -(a/b)/b"""
        a, b = out._a, out._b
        a.grad += out.grad / b.data
        b.grad -= out.data / b.data * out.grad

    def __pow__(self, other: Value | Number) -> Value:
        """a ** b  (b a number or a Value)"""
        if isinstance(other, Value):
            return _result(power(self, other.data), "**", self, other)
        if other.__class__ is float or other.__class__ is int or (
            isinstance(other, Real) and other.__class__ is not bool
        ):
            # A number exponent is a constant of the op, not an operand: as in
            # micrograd, x ** 2 has one operand, x. The node keeps the 2 aside.
            try:
                exponent = float(other)
            except OverflowError:  # an int past the float range: as_float says so
                exponent = as_float(other, "power: the exponent")
            return _result(power(self, exponent), "**", self, None, exponent)
        return NotImplemented

    @register(
        "**",
        arity=2,
        domain=lambda a, b: a > 0.0 or (a == 0.0 and b >= 1.0) or (a < 0.0 and b.is_integer()),
    )
    def _pow_backward(out: Value) -> None:
        """d(a^b)/da = b a^(b-1),  d(a^b)/db = a^b ln a"""
        a, b = out._a, out._b
        if b is not None:  # a Value exponent: an operand with a gradient of its own
            b.grad += power_derivative_exponent(a.data, b.data, out.data) * out.grad
            exponent = b.data
        else:  # a number exponent, kept with the node
            exponent = out._constant
        a.grad += power_derivative_base(a.data, exponent) * out.grad

    def __neg__(self) -> Value:
        """-a"""
        return _result(-self.data, "neg", self)

    @register("neg")
    def _neg_backward(out: Value) -> None:
        """d(-a)/da = -1"""
        out._a.grad -= out.grad

    def __abs__(self) -> Value:
        """|a|"""
        return _result(abs(self.data), "abs", self)

    @register("abs", kinks=(0.0,))
    def _abs_backward(out: Value) -> None:
        """d|a|/da = sign(a)  (0 at a = 0, as in PyTorch)"""
        a = out._a
        if a.data > 0.0:
            a.grad += out.grad
        elif a.data < 0.0:
            a.grad -= out.grad

    # Reflected forms: `2 + v`, `2 - v`, `2 * v`, `2 / v`, `2 ** v`. The number
    # is the left operand, so it comes first in `_prev`.
    def __radd__(self, other: Number) -> Value:
        """b + a, with b a number"""
        left = _operand(other)
        return NotImplemented if left is NotImplemented else left + self

    def __rsub__(self, other: Number) -> Value:
        """b - a, with b a number"""
        left = _operand(other)
        return NotImplemented if left is NotImplemented else left - self

    def __rmul__(self, other: Number) -> Value:
        """b * a, with b a number"""
        left = _operand(other)
        return NotImplemented if left is NotImplemented else left * self

    def __rtruediv__(self, other: Number) -> Value:
        """b / a, with b a number"""
        left = _operand(other)
        return NotImplemented if left is NotImplemented else left / self

    def __rpow__(self, other: Number) -> Value:
        """b ** a, with b a number: `2 ** v`"""
        left = _operand(other)
        return NotImplemented if left is NotImplemented else left ** self

    # -- functions -----------------------------------------------------------

    def exp(self) -> Value:
        """e^x  (inf past x = 709.78, where e^x leaves the float range, as in PyTorch)

        Example:
            >>> Value(0.0).exp().data, Value(1000.0).exp().data
            (1.0, inf)
        """
        return _result(numeric.exp(self.data), "exp", self)

    @register("exp", domain=lambda x: x <= EXP_MAX)
    def _exp_backward(out: Value) -> None:
        """d(e^x)/dx = e^x"""
        out._a.grad += out.data * out.grad

    def log(self) -> Value:
        """ln x, the natural logarithm  (x must be > 0)

        Example:
            >>> Value(1.0).log().data
            0.0
        """
        if self.data <= 0.0:
            raise ValueError(f"log of {describe(self)}: log is only defined for positive numbers")
        return _result(math.log(self.data), "log", self)

    @register("log", domain=lambda x: x > 0.0)
    def _log_backward(out: Value) -> None:
        """d(ln x)/dx = 1/x"""
        x = out._a
        x.grad += out.grad / x.data

    def tanh(self) -> Value:
        """tanh x = (e^2x - 1)/(e^2x + 1), in (-1, 1); stable for any x

        Example:
            >>> Value(0.0).tanh().data, Value(1000.0).tanh().data
            (0.0, 1.0)
        """
        return _result(math.tanh(self.data), "tanh", self)

    @register("tanh")
    def _tanh_backward(out: Value) -> None:
        """d(tanh x)/dx = 1 - tanh(x)^2"""
        t = out.data
        out._a.grad += (1.0 - t * t) * out.grad

    def sigmoid(self) -> Value:
        """sigmoid x = 1/(1 + e^-x), in (0, 1); stable for any x

        Example:
            >>> Value(0.0).sigmoid().data, Value(-1000.0).sigmoid().data
            (0.5, 0.0)
        """
        x = self.data
        # Only ever exponentiate a non-positive number, so e^... cannot overflow.
        if x >= 0.0:
            s = 1.0 / (1.0 + math.exp(-x))
        else:
            e = math.exp(x)
            s = e / (1.0 + e)
        return _result(s, "sigmoid", self)

    @register("sigmoid")
    def _sigmoid_backward(out: Value) -> None:
        """d(sigmoid x)/dx = sigmoid(x) (1 - sigmoid(x))"""
        s = out.data
        out._a.grad += s * (1.0 - s) * out.grad

    def relu(self) -> Value:
        """relu x = max(0, x)

        Example:
            >>> Value(-2.0).relu().data, Value(3.0).relu().data
            (0.0, 3.0)
        """
        x = self.data
        # `not x <= 0` rather than `x > 0`: a nan stays nan (as in PyTorch), so a
        # diverged computation is not hidden behind a relu as a healthy 0.
        return _result(x if not x <= 0.0 else 0.0, "relu", self)

    @register("relu", kinks=(0.0,))
    def _relu_backward(out: Value) -> None:
        """d(relu x)/dx = 1 if x > 0 else 0  (0 at x = 0, as in PyTorch)"""
        x = out._a
        if not x.data <= 0.0:
            x.grad += out.grad

    def leaky_relu(self, negative_slope: float = 0.01) -> Value:
        """leaky_relu x = x if x > 0 else negative_slope * x

        Example:
            >>> Value(-2.0).leaky_relu().data, Value(-2.0).leaky_relu(0.5).data
            (-0.02, -1.0)
        """
        slope = as_float(negative_slope, "leaky_relu(negative_slope=...)")
        x = self.data
        return _result(x if x > 0.0 else slope * x, "leaky_relu", self, None, slope)

    @register("leaky_relu", kinks=(0.0,))
    def _leaky_relu_backward(out: Value) -> None:
        """d(leaky_relu x)/dx = 1 if x > 0 else negative_slope"""
        x, slope = out._a, out._constant
        x.grad += out.grad if x.data > 0.0 else slope * out.grad  # type: ignore[operator]

    def softplus(self) -> Value:
        """softplus x = ln(1 + e^x), a smooth relu; stable for any x

        Example:
            >>> Value(1000.0).softplus().data
            1000.0
        """
        x = self.data
        # ln(1 + e^x) = max(x, 0) + ln(1 + e^-|x|): the exponent is never positive.
        return _result(max(x, 0.0) + math.log1p(math.exp(-abs(x))), "softplus", self)

    @register("softplus")
    def _softplus_backward(out: Value) -> None:
        """d(softplus x)/dx = sigmoid(x) = 1 - e^-softplus(x)"""
        out._a.grad += -math.expm1(-out.data) * out.grad

    def gelu(self) -> Value:
        """gelu x = x Φ(x), Φ the normal distribution's CDF: a smooth relu (GPT-2's)

        Φ(x) = (1 + erf(x/√2))/2, exact, as PyTorch's GELU() (not its tanh
        approximation).

        Example:
            >>> Value(0.0).gelu().data, Value(100.0).gelu().data
            (0.0, 100.0)
        """
        x = self.data
        return _result(x * 0.5 * (1.0 + math.erf(x * _SQRT_HALF)), "gelu", self)

    @register("gelu")
    def _gelu_backward(out: Value) -> None:
        """d(x Φ(x))/dx = Φ(x) + x φ(x),  φ(x) = e^(-x²/2)/√(2π)"""
        x = out._a
        v = x.data
        cdf = 0.5 * (1.0 + math.erf(v * _SQRT_HALF))
        x.grad += (cdf + v * math.exp(-0.5 * v * v) * _INV_SQRT_2PI) * out.grad

    def step(self) -> Value:
        """step x = 1 if x > 0 else 0, the threshold of Rosenblatt's perceptron.

        Its derivative is 0 wherever it exists (and undefined at 0), so backward()
        passes no gradient through it: every weight below a step neuron gets grad
        0, and gradient descent cannot change them. That is exactly why a step
        neuron cannot learn by gradient descent, and why networks use smooth
        activations (sigmoid, tanh) or relu instead.

        Example:
            >>> w = Value(0.5)
            >>> y = (w * 3.0).step()
            >>> y.backward()
            >>> y.data, w.grad          # it fires, but says nothing about how to change w
            (1.0, 0.0)
        """
        x = self.data
        return _result(1.0 if x > 0.0 else 0.0 if x <= 0.0 else x, "step", self)  # nan stays nan

    @register("step", kinks=(0.0,))
    def _step_backward(out: Value) -> None:
        """d(step x)/dx = 0  (flat on both sides of the jump at 0)"""
        # Nothing to add: the local derivative is 0 everywhere.

    def sin(self) -> Value:
        """sin x  (nan for x = ±inf, as in PyTorch)

        Example:
            >>> Value(0.0).sin().data
            0.0
        """
        return _result(numeric.sin(self.data), "sin", self)

    @register("sin")
    def _sin_backward(out: Value) -> None:
        """d(sin x)/dx = cos x"""
        x = out._a
        x.grad += numeric.cos(x.data) * out.grad

    def cos(self) -> Value:
        """cos x  (nan for x = ±inf, as in PyTorch)

        Example:
            >>> Value(0.0).cos().data
            1.0
        """
        return _result(numeric.cos(self.data), "cos", self)

    @register("cos")
    def _cos_backward(out: Value) -> None:
        """d(cos x)/dx = -sin x"""
        x = out._a
        x.grad -= numeric.sin(x.data) * out.grad

    def sqrt(self) -> Value:
        """square root of x  (x must be >= 0)

        Example:
            >>> Value(9.0).sqrt().data
            3.0
        """
        if self.data < 0.0:
            raise ValueError(
                f"sqrt of {describe(self)}: the square root is only defined for numbers >= 0"
            )
        return _result(math.sqrt(self.data), "sqrt", self)

    @register("sqrt", domain=lambda x: x > 0.0)
    def _sqrt_backward(out: Value) -> None:
        """d(sqrt x)/dx = 1/(2 sqrt x)  (infinite at x = 0, as in PyTorch)"""
        root = out.data
        out._a.grad += out.grad / (2.0 * root) if root else math.inf * out.grad

    # -- the rest of a Value -------------------------------------------------

    @property
    def label(self) -> str:
        """A name for drawings and error messages ('' for none); settable.

        Example:
            >>> n = Value(2.0) * 3; n.label = 'n'
            >>> n
            Value(data=6.0, grad=0.0, label='n')
        """
        extra = self._extra
        return "" if extra is None else extra.label

    @label.setter
    def label(self, label: str) -> None:
        if label or self._extra is not None:  # ('' needs no record)
            self._more().label = label

    def _more(self) -> _Extra:
        """This node's `_Extra` record, made on first use."""
        if self._extra is None:
            self._extra = _Extra()
        return self._extra

    def detach(self) -> Value:
        """A new leaf with the same data (and label): no graph, grad 0.0.

        Example:
            >>> y = Value(2.0) * 3
            >>> d = y.detach()
            >>> d.data, d._prev
            (6.0, ())
        """
        return Value(self.data, label=self.label)

    # `<`, `<=`, `>`, `>=` compare data and give a bool (so `max(values)` is the largest
    # Value itself); `==` stays identity, so that Values work in sets and as dict keys.

    def __lt__(self, other: Value | Number) -> bool:
        """a.data < b (b a Value or a number)

        Example:
            >>> a, b = Value(1.0), Value(2.0)
            >>> a < b, a < 0.5, max([a, b]) is b
            (True, False, True)
        """
        b = _data_of(other)
        return NotImplemented if b is NotImplemented else self.data < b

    def __le__(self, other: Value | Number) -> bool:
        """a.data <= b (b a Value or a number)"""
        b = _data_of(other)
        return NotImplemented if b is NotImplemented else self.data <= b

    def __gt__(self, other: Value | Number) -> bool:
        """a.data > b (b a Value or a number)"""
        b = _data_of(other)
        return NotImplemented if b is NotImplemented else self.data > b

    def __ge__(self, other: Value | Number) -> bool:
        """a.data >= b (b a Value or a number)"""
        b = _data_of(other)
        return NotImplemented if b is NotImplemented else self.data >= b

    def __float__(self) -> float:
        """float(v): the number it holds.

        Example:
            >>> float(Value(2.5) * 2)
            5.0
        """
        return self.data

    def __round__(self, ndigits: int | None = None) -> float | int:
        """round(v, n): its number rounded, as round() rounds a float.

        Example:
            >>> round(Value(2.71828), 2), round(Value(2.6))
            (2.72, 3)
        """
        return round(self.data, ndigits)

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"


class _Extra:
    """The fields only a few nodes need, in a record only they get (see Value.__slots__).

    label       the node's name, for drawings and error messages ('' for none)
    derivative  for a node made by a custom op, the local derivative it was made with
    backward    a `_backward` function set by hand, the lecture's way
    """

    __slots__ = ("label", "derivative", "backward")

    def __init__(self) -> None:
        self.label = ""
        self.derivative: Callable[[float, float], float] | None = None
        self.backward: Callable[[], None] | None = None


def _build_by_hand(node: Value, children: tuple[Value, ...]) -> None:
    """Check a node built by hand, `Value(data, (a, b), '+')` as the lecture does,
    and put its operands in their slots."""
    op = node._op
    if op.__class__ is not str and not isinstance(op, str):
        raise TypeError(f"Value's _op must be a string, got {type(op).__name__}: {op!r}")
    for child in children:
        if not isinstance(child, Value):
            raise TypeError(f"Value(..., _children=...) takes Values, got {type(child).__name__}")
    known = OPS.get(op)
    if known is not None:
        if known.arity and len(children) != known.arity:
            s = "" if known.arity == 1 else "s"
            raise ValueError(
                f"Value(..., _op={op!r}): {op!r} takes {known.arity} operand{s} "
                f"(Values in _children), got {len(children)}"
            )
        if op == "leaky_relu":
            raise ValueError(
                "Value(..., _op='leaky_relu') cannot be built by hand: its slope is a "
                "constant, not an operand; use x.leaky_relu(negative_slope)"
            )
        if known.derivative is not None:  # a custom op: its rule reads the node's derivative
            node._more().derivative = known.derivative
    _place(node, children, many=known is not None and known.arity == 0)


def _place(node: Value, operands: tuple[Value, ...], many: bool = False) -> None:
    """Put `operands` in `node`'s operand slots: one or two in `_a` and `_b`,
    more (or any number, for an op of many such as dot) in `_operands`."""
    if many or len(operands) > 2:
        node._operands = operands
    elif operands:
        node._a = operands[0]
        if len(operands) == 2:
            node._b = operands[1]


# ---------------------------------------------------------------------------
# Making nodes: what every operation returns
# ---------------------------------------------------------------------------

_new_value = object.__new__


def _result(
    data: float, op: str, a: Value, b: Value | None = None, constant: float | None = None
) -> Value:
    """The Value an operation of one or two operands returns: `data`, made by `op`
    from `a` (and `b`); `constant` is an op's constant that is not an operand.

    Fast path (speed): this fills the slots directly instead of calling
    `Value(...)`, which would check what the ops already know is right. Under
    `no_grad()` the result is a plain leaf.
    """
    out = _new_value(Value)
    out.data = data
    out.grad = 0.0
    out._operands = out._extra = None
    # Fast path: while no thread is inside no_grad() (nearly always), skip
    # asking this thread's own switch.
    if grad_mode.threads_not_recording and not grad_mode.is_grad_enabled():
        out._op = ""
        out._a = out._b = out._constant = None
    else:
        out._op = op
        out._a = a
        out._b = b
        out._constant = constant
    return out


def op_result(
    data: float,
    op: str,
    operands: tuple[Value, ...],
    *,
    many: bool = False,
    derivative: Callable[[float, float], float] | None = None,
) -> Value:
    """The node an operation returns: `data`, made by `op` from `operands` (a leaf
    under `no_grad()`). For the engine's own files: `many=True` for an op of any
    number of operands (sum, dot); a custom op's `derivative` is kept with the node.

    Example:
        >>> a, b = Value(2.0), Value(3.0)
        >>> s = op_result(a.data + b.data, '+', (a, b))
        >>> s.backward(); s.data, a.grad
        (5.0, 1.0)
    """
    out = _new_value(Value)
    out.data = data
    out.grad = 0.0
    out._a = out._b = out._operands = out._constant = out._extra = None
    if grad_mode.threads_not_recording and not grad_mode.is_grad_enabled():
        out._op = ""
        return out
    out._op = op
    if many or len(operands) > 2:  # (as _place does, without the call: dot and sum come here)
        out._operands = operands
    else:
        _place(out, operands)
    if derivative is not None:
        out._more().derivative = derivative
    return out


def _operand(x: object) -> Value:
    """`x` as a Value: a number becomes a constant leaf; anything else, NotImplemented."""
    cls = x.__class__
    if cls is float:  # fast path: _leaf(x), without the call
        out = _new_value(Value)
        out.data = x  # type: ignore[assignment]
        out.grad = 0.0
        out._op = ""
        out._a = out._b = out._operands = out._constant = out._extra = None
        return out
    if cls is int:
        try:
            return _leaf(float(x))  # type: ignore[arg-type]
        except OverflowError:  # an int past the float range, e.g. 10**400: says so
            return _leaf(as_float(x, "a number operand"))
    if isinstance(x, Value):
        return x
    if isinstance(x, Real) and cls is not bool:  # (a bool is not a number here)
        return _leaf(as_float(x, "a number operand"))  # an int past the float range: says so
    return NotImplemented


def _data_of(x: object) -> float:
    """The number `x` stands for, to compare with: a Value's data, or a number
    (not a bool); NotImplemented for anything else."""
    if isinstance(x, Value):
        return x.data
    if isinstance(x, Real) and x.__class__ is not bool:
        return x  # type: ignore[return-value]
    return NotImplemented


def as_value(x: object, where: str = "an operation") -> Value:
    """`x` as a Value: a Value as it is, a number as a new constant leaf; else a
    TypeError naming `where` it was given.

    Example:
        >>> as_value(2).data, as_value(Value(1.5)).data
        (2.0, 1.5)
        >>> as_value('x', 'dot')
        Traceback (most recent call last):
        TypeError: dot takes Values or numbers, got str: 'x'
    """
    v = _operand(x)
    if v is NotImplemented:
        raise TypeError(f"{where} takes Values or numbers, got {type(x).__name__}: {x!r}")
    return v


def _leaf(data: float) -> Value:
    """A new leaf holding `data` (a float), without `Value.__init__`'s checks."""
    out = _new_value(Value)
    out.data = data
    out.grad = 0.0
    out._op = ""
    out._a = out._b = out._operands = out._constant = out._extra = None
    return out
