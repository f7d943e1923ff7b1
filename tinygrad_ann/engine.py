"""The engine: a scalar `Value` that remembers how it was made, and `backward()`.

Every `Value` holds one number (`data`) and, after `backward()`, the derivative of
the final result with respect to it (`grad`). A `Value` made by an operation also
remembers its operands (`_prev`) and the operation's name (`_op`), so the whole
computation forms a graph that `backward()` walks from the result back to the
inputs, applying the chain rule at every node.

How to read this file: each operation is a forward method on `Value` (it computes
the number) followed directly by its backward rule (it pushes the gradient into
the operands with the operation's local derivative). The backward rules are
registered by name in `OPS`, which is also where tests, `gradcheck` and the
drawings learn about the operations. To add one, write the two functions and
register the rule with `@_derivative(...)`; nothing else needs to change.

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
from typing import Any, Callable, Iterable, NamedTuple, Sequence, TypeVar, Union

from ._checks import describe_number

__all__ = [
    "Value", "no_grad", "enable_grad", "is_grad_enabled", "Op", "OPS",
    "custom_op", "is_custom_op", "dot", "sum_values",
]

Number = Union[int, float]
_F = TypeVar("_F", bound=Callable[..., Any])

# ---------------------------------------------------------------------------
# Recording switch: inside `no_grad()` results are plain leaves (no graph).
# ---------------------------------------------------------------------------

_grad_enabled = True


def is_grad_enabled() -> bool:
    """True when new results record their operands (outside any `no_grad()`).

    Example:
        >>> with no_grad():
        ...     is_grad_enabled()
        False
    """
    return _grad_enabled


class no_grad:
    """Context manager and decorator: operations inside it record no graph.

    Use it for evaluation and for parameter updates: nothing is remembered, so
    nothing is kept alive and no time is spent building a graph.

    Example:
        >>> w = Value(3.0)
        >>> with no_grad():
        ...     y = w * 2
        >>> y._prev, y._op
        ((), '')
        >>> @no_grad          # or @no_grad()
        ... def predict(x):
        ...     return w * x
    """

    _recording = False  # what is_grad_enabled() says inside; enable_grad says True

    def __new__(cls, fn: Callable[..., Any] | None = None) -> Any:
        # `@no_grad` (no parentheses) hands us the function: wrap it at once.
        if fn is not None:
            return cls()(fn)
        return super().__new__(cls)

    def __init__(self, fn: Callable[..., Any] | None = None) -> None:
        self._before: list[bool] = []  # a stack: one instance may be entered again inside itself

    def __enter__(self) -> None:
        global _grad_enabled
        self._before.append(_grad_enabled)
        _grad_enabled = self._recording

    def __exit__(self, *exc_info: object) -> None:
        global _grad_enabled
        _grad_enabled = self._before.pop()

    def __call__(self, fn: _F) -> _F:
        if not callable(fn):
            raise TypeError(
                f"{type(self).__name__} decorates a function, got {type(fn).__name__}: {fn!r}; "
                f"as a context manager write `with {type(self).__name__}():`"
            )
        import functools

        mode = type(self)

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with mode():
                return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


class enable_grad(no_grad):
    """The opposite of `no_grad`: operations inside it record the graph, even
    inside a `no_grad()` block (`grad` and `gradcheck` use it).

    Example:
        >>> with no_grad():
        ...     with enable_grad():
        ...         y = Value(2.0) * 3
        >>> y._op
        '*'
    """

    _recording = True


# ---------------------------------------------------------------------------
# The catalogue of operations. `backward()` looks up each node's rule here by
# its `_op`; tests and gradcheck read `arity`, `domain` and `kinks`.
# ---------------------------------------------------------------------------


class Op(NamedTuple):
    """What the library knows about one operation, looked up by its name.

    `backward(out)` pushes `out.grad` into `out`'s operands; `arity` is the number
    of Value operands (0 for "any number"); `domain(*xs)` tells whether the op is
    defined at the operands' data (None: everywhere); `kinks` are the points where
    the derivative of a one-input op jumps, where `gradcheck` warns.

    Example:
        >>> OPS['tanh'].arity, OPS['relu'].kinks
        (1, (0.0,))
    """

    name: str
    backward: Callable[["Value"], None]
    arity: int = 1
    domain: Callable[..., bool] | None = None
    kinks: tuple[float, ...] = ()


OPS: dict[str, Op] = {}
# name -> backward rule, the same functions as in OPS, kept in a plain dict
# because backward() looks one up for every node.
_RULES: dict[str, Callable[["Value"], None]] = {}


def _derivative(
    name: str,
    arity: int = 1,
    domain: Callable[..., bool] | None = None,
    kinks: tuple[float, ...] = (),
) -> Callable[[_F], _F]:
    """Register the decorated function as the backward rule of op `name`."""

    def register(rule: _F) -> _F:
        OPS[name] = Op(name, rule, arity, domain, kinks)
        _RULES[name] = rule
        return rule

    return register


def _store_operands(node: Value, children: tuple[Value, ...], op: str) -> None:
    """Check the operands of a node built by hand, `Value(data, (a, b), '+')`, and
    put them in the slots where the op's rule reads them (as `_result` does)."""
    if op.__class__ is not str and not isinstance(op, str):
        raise TypeError(f"Value's _op must be a string, got {type(op).__name__}: {op!r}")
    for child in children:
        if not isinstance(child, Value):
            raise TypeError(
                f"Value(..., _children=...) takes Values, got {type(child).__name__}"
            )
    known = OPS.get(op)
    if known is not None:
        if known.arity and len(children) != known.arity:
            s = "" if known.arity == 1 else "s"
            raise ValueError(
                f"Value(..., _op={op!r}): {op!r} takes {known.arity} operand{s} "
                f"(Values in _children), got {len(children)}"
            )
        if op == "leaky_relu":  # its slope lives in `_b`, and is not a Value operand
            raise ValueError(
                "Value(..., _op='leaky_relu') cannot be built by hand: its slope is a "
                "constant, not an operand; use x.leaky_relu(negative_slope)"
            )
        if known.arity == 0:  # sum, dot: every operand in one tuple, however many
            node._a = children if children else None
            return
        if hasattr(known.backward, "derivative"):  # a custom op: keep its derivative
            node._a, node._b = children[0], known.backward.derivative
            return
    if len(children) == 1:
        node._a = children[0]
    elif len(children) == 2:
        node._a, node._b = children
    elif children:
        node._a = children


# ln of the largest float: e^x is a float up to here, and overflows past it.
_EXP_MAX = math.log(1.7976931348623157e308)  # 709.78...


def _finite(v: Value, op: str) -> float:
    """v.data, or a ValueError naming `op` if it is inf (sin and cos of inf have no value)."""
    x = v.data
    if math.isinf(x):
        raise ValueError(f"{op} of {_describe(v)}: {op} is only defined for finite numbers")
    return x


def _describe(v: Value) -> str:
    """'-1.0 (Value 'x')' for error messages: the number, and the label if any."""
    return f"{v.data!r} (Value {v.label!r})" if v.label else repr(v.data)


def _to_float(data: object, what: str = "Value") -> float:
    """`data` as a float, or a TypeError naming what was given instead (an
    OverflowError for an int too large for a float)."""
    if isinstance(data, Real):
        try:
            return float(data)
        except OverflowError:
            raise OverflowError(
                f"{what}: {describe_number(data)} is past the float range (about ±1.8e308)"
            ) from None
    raise TypeError(
        f"{what} takes a real number (int or float), got {type(data).__name__}: {data!r}"
    )


class Value:
    """One number in a computation graph, with the gradient `backward()` fills in.

    `Value(data, _children=(), _op='', label='')` is the signature of the
    micrograd lecture: `_children` and `_op` are set by the operations and are
    only passed by hand when building a graph by hand.

    Fields:
        data   the number (always a float)
        grad   d(result)/d(this node), filled by `backward()` (always a float)
        label  a name (a string) for drawings and error messages (settable)
        _op    the name of the operation that made this node ('' for a leaf)
        _prev  the operands, in order, as a tuple (`a + a` keeps both)

    A new op can also be built by hand as the lecture does: make the node, then
    set its `_backward` to a function that pushes `out.grad` into the operands.
    `backward()` calls it for nodes whose op has no registered rule, and
    `out._backward()` runs it by hand. The node keeps the function in its `_b`
    slot (`_backward` is a property), so the other nodes get no bigger and
    `backward()` no slower. This works for the names of known ops too, as the
    lecture writes them (`Value(a.data + b.data, (a, b), '+')`): a node whose
    `_backward` was set uses that function, never the library's rule. (The
    function refers to its own node, a reference cycle, so such a graph is
    freed by the garbage collector rather than at once; `custom_op` has no
    such cycle.)

    Example:
        >>> x = Value(3.0, label='x')
        >>> y = x * x + 1
        >>> y.backward()
        >>> y.data, x.grad
        (10.0, 6.0)
        >>> out = Value(x.data ** 3, (x,), 'cube')     # the lecture's way
        >>> def _backward():
        ...     x.grad += 3 * x.data ** 2 * out.grad    # d(x^3)/dx = 3x^2
        >>> out._backward = _backward
        >>> x.grad = 0.0; out.backward(); x.grad
        27.0
    """

    # Fast path (memory): __slots__ instead of a per-object __dict__, and the
    # operands in two slots `_a`, `_b` instead of a tuple. A node then costs
    # 80 bytes plus its 24-byte float, where a __dict__ (~100 bytes) and a
    # tuple (48-56 bytes) would more than double it. `_prev` rebuilds the
    # tuple when asked. `_b` holds the second operand, or for ops such as
    # `x ** 2.0` and `leaky_relu` the op's constant (a float, not an operand),
    # or for a custom op the derivative function it was made with; an op with
    # many operands keeps them all as one tuple in `_a` (as does a node built
    # by hand whose `_backward` was set: that function is then in `_b`).
    __slots__ = ("data", "grad", "label", "_op", "_a", "_b")

    def __init__(
        self,
        data: Number,
        _children: tuple[Value, ...] = (),
        _op: str = "",
        label: str = "",
    ) -> None:
        self.data = data if data.__class__ is float else _to_float(data)
        self.grad = 0.0
        # The class test first: a str label (the common case) costs one comparison.
        if label.__class__ is not str and not isinstance(label, str):
            raise TypeError(
                f"Value's label must be a string, got {type(label).__name__}: {label!r}"
            )
        self.label = label
        self._op = _op
        self._a: Value | tuple[Value, ...] | None = None
        self._b: Value | float | Callable[..., Any] | None = None
        if _children or _op:  # a node built by hand, as in the lecture: check it
            _store_operands(self, tuple(_children), _op)

    @property
    def _prev(self) -> tuple[Value, ...]:
        """The operands this node was computed from, in order; () for a leaf."""
        a = self._a
        if a is None:
            return ()
        if a.__class__ is tuple:  # an op of many operands keeps them as one tuple
            return a  # type: ignore[return-value]
        b = self._b
        return (a, b) if isinstance(b, Value) else (a,)  # type: ignore[return-value]

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"

    # -- arithmetic --------------------------------------------------------
    # Each binary op takes a Value or a number on either side; a number
    # becomes a constant leaf so that it is drawn in the graph. Anything else
    # returns NotImplemented, and Python raises
    # "TypeError: unsupported operand type(s) for +: 'Value' and 'str'".

    def __add__(self, other: Value | Number) -> Value:
        """a + b"""
        if other.__class__ is not Value and (other := _operand(other)) is NotImplemented:
            return NotImplemented
        return _result(self.data + other.data, "+", self, other)

    @_derivative("+", arity=2)
    def _add_backward(out: Value) -> None:  # type: ignore[misc]
        """d(a + b)/da = 1,  d(a + b)/db = 1"""
        out._a.grad += out.grad
        out._b.grad += out.grad

    def __sub__(self, other: Value | Number) -> Value:
        """a - b"""
        if other.__class__ is not Value and (other := _operand(other)) is NotImplemented:
            return NotImplemented
        return _result(self.data - other.data, "-", self, other)

    @_derivative("-", arity=2)
    def _sub_backward(out: Value) -> None:  # type: ignore[misc]
        """d(a - b)/da = 1,  d(a - b)/db = -1"""
        out._a.grad += out.grad
        out._b.grad -= out.grad

    def __mul__(self, other: Value | Number) -> Value:
        """a * b"""
        if other.__class__ is not Value and (other := _operand(other)) is NotImplemented:
            return NotImplemented
        return _result(self.data * other.data, "*", self, other)

    @_derivative("*", arity=2)
    def _mul_backward(out: Value) -> None:  # type: ignore[misc]
        """d(a * b)/da = b,  d(a * b)/db = a"""
        a, b = out._a, out._b
        a.grad += b.data * out.grad
        b.grad += a.data * out.grad

    def __truediv__(self, other: Value | Number) -> Value:
        """a / b  (b must not be 0)"""
        if other.__class__ is not Value and (other := _operand(other)) is NotImplemented:
            return NotImplemented
        if other.data == 0.0:
            raise ZeroDivisionError(
                f"division by zero: {_describe(self)} / {_describe(other)}"
            )
        return _result(self.data / other.data, "/", self, other)

    @_derivative("/", arity=2, domain=lambda a, b: b != 0.0)
    def _div_backward(out: Value) -> None:  # type: ignore[misc]
        """d(a / b)/da = 1/b,  d(a / b)/db = -a/b^2 = -(a/b)/b"""
        a, b = out._a, out._b
        a.grad += out.grad / b.data
        b.grad -= out.data / b.data * out.grad

    def __pow__(self, other: Value | Number) -> Value:
        """a ** b  (b a number or a Value)"""
        if isinstance(other, Value):
            return _result(_power(self, other.data), "**", self, other)
        if other.__class__ in (int, float) or isinstance(other, Real):
            # A number exponent is the op's constant, not an operand: like
            # micrograd, x ** 2 has one operand, x.
            try:
                exponent = float(other)
            except OverflowError:  # an int past the float range: say so
                exponent = _to_float(other, "power: the exponent")
            return _result(_power(self, exponent), "**", self, exponent)
        return NotImplemented

    @_derivative(
        "**",
        arity=2,
        domain=lambda a, b: a > 0.0 or (a == 0.0 and b >= 1.0) or (a < 0.0 and b.is_integer()),
    )
    def _pow_backward(out: Value) -> None:  # type: ignore[misc]
        """d(a^b)/da = b a^(b-1),  d(a^b)/db = a^b ln a"""
        a, b = out._a, out._b
        if isinstance(b, Value):
            b.grad += _pow_exponent_derivative(a.data, b.data, out.data) * out.grad
            b = b.data
        a.grad += _pow_base_derivative(a.data, b) * out.grad

    def __neg__(self) -> Value:
        """-a"""
        return _result(-self.data, "neg", self)

    @_derivative("neg")
    def _neg_backward(out: Value) -> None:  # type: ignore[misc]
        """d(-a)/da = -1"""
        out._a.grad -= out.grad

    def __abs__(self) -> Value:
        """|a|"""
        return _result(abs(self.data), "abs", self)

    @_derivative("abs", kinks=(0.0,))
    def _abs_backward(out: Value) -> None:  # type: ignore[misc]
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
        other = _operand(other)
        return NotImplemented if other is NotImplemented else other + self

    def __rsub__(self, other: Number) -> Value:
        """b - a, with b a number"""
        other = _operand(other)
        return NotImplemented if other is NotImplemented else other - self

    def __rmul__(self, other: Number) -> Value:
        """b * a, with b a number"""
        other = _operand(other)
        return NotImplemented if other is NotImplemented else other * self

    def __rtruediv__(self, other: Number) -> Value:
        """b / a, with b a number"""
        other = _operand(other)
        return NotImplemented if other is NotImplemented else other / self

    def __rpow__(self, other: Number) -> Value:
        """b ** a, with b a number: `2 ** v`"""
        other = _operand(other)
        return NotImplemented if other is NotImplemented else other ** self

    # -- functions ---------------------------------------------------------

    def exp(self) -> Value:
        """e^x  (raises OverflowError past x = 709.78, where e^x leaves the float range)

        Example:
            >>> Value(0.0).exp().data
            1.0
        """
        try:
            return _result(math.exp(self.data), "exp", self)
        except OverflowError:
            raise OverflowError(
                f"exp of {_describe(self)} overflows: e^x is larger than the largest "
                f"float for x > {_EXP_MAX:.2f}"
            ) from None

    @_derivative("exp", domain=lambda x: x <= _EXP_MAX)
    def _exp_backward(out: Value) -> None:  # type: ignore[misc]
        """d(e^x)/dx = e^x"""
        out._a.grad += out.data * out.grad

    def log(self) -> Value:
        """ln x, the natural logarithm  (x must be > 0)

        Example:
            >>> Value(1.0).log().data
            0.0
        """
        if self.data <= 0.0:
            raise ValueError(
                f"log of {_describe(self)}: log is only defined for positive numbers"
            )
        return _result(math.log(self.data), "log", self)

    @_derivative("log", domain=lambda x: x > 0.0)
    def _log_backward(out: Value) -> None:  # type: ignore[misc]
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

    @_derivative("tanh")
    def _tanh_backward(out: Value) -> None:  # type: ignore[misc]
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

    @_derivative("sigmoid")
    def _sigmoid_backward(out: Value) -> None:  # type: ignore[misc]
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

    @_derivative("relu", kinks=(0.0,))
    def _relu_backward(out: Value) -> None:  # type: ignore[misc]
        """d(relu x)/dx = 1 if x > 0 else 0  (0 at x = 0, as in PyTorch)"""
        if not out._a.data <= 0.0:
            out._a.grad += out.grad

    def leaky_relu(self, negative_slope: float = 0.01) -> Value:
        """leaky_relu x = x if x > 0 else negative_slope * x

        Example:
            >>> Value(-2.0).leaky_relu().data, Value(-2.0).leaky_relu(0.5).data
            (-0.02, -1.0)
        """
        slope = _to_float(negative_slope, "leaky_relu(negative_slope=...)")
        x = self.data
        return _result(x if x > 0.0 else slope * x, "leaky_relu", self, slope)

    @_derivative("leaky_relu", kinks=(0.0,))
    def _leaky_relu_backward(out: Value) -> None:  # type: ignore[misc]
        """d(leaky_relu x)/dx = 1 if x > 0 else negative_slope"""
        x, slope = out._a, out._b
        x.grad += out.grad if x.data > 0.0 else slope * out.grad

    def softplus(self) -> Value:
        """softplus x = ln(1 + e^x), a smooth relu; stable for any x

        Example:
            >>> Value(1000.0).softplus().data
            1000.0
        """
        x = self.data
        # ln(1 + e^x) = max(x, 0) + ln(1 + e^-|x|): the exponent is never positive.
        return _result(max(x, 0.0) + math.log1p(math.exp(-abs(x))), "softplus", self)

    @_derivative("softplus")
    def _softplus_backward(out: Value) -> None:  # type: ignore[misc]
        """d(softplus x)/dx = sigmoid(x) = 1 - e^-softplus(x)"""
        out._a.grad += -math.expm1(-out.data) * out.grad

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

    @_derivative("step", kinks=(0.0,))
    def _step_backward(out: Value) -> None:  # type: ignore[misc]
        """d(step x)/dx = 0  (flat on both sides of the jump at 0)"""
        # Nothing to add: the local derivative is 0 everywhere.

    def sin(self) -> Value:
        """sin x  (x finite)

        Example:
            >>> Value(0.0).sin().data
            0.0
        """
        return _result(math.sin(_finite(self, "sin")), "sin", self)

    @_derivative("sin")
    def _sin_backward(out: Value) -> None:  # type: ignore[misc]
        """d(sin x)/dx = cos x"""
        x = out._a
        x.grad += math.cos(x.data) * out.grad

    def cos(self) -> Value:
        """cos x  (x finite)

        Example:
            >>> Value(0.0).cos().data
            1.0
        """
        return _result(math.cos(_finite(self, "cos")), "cos", self)

    @_derivative("cos")
    def _cos_backward(out: Value) -> None:  # type: ignore[misc]
        """d(cos x)/dx = -sin x"""
        x = out._a
        x.grad -= math.sin(x.data) * out.grad

    def sqrt(self) -> Value:
        """square root of x  (x must be >= 0)

        Example:
            >>> Value(9.0).sqrt().data
            3.0
        """
        if self.data < 0.0:
            raise ValueError(
                f"sqrt of {_describe(self)}: the square root is only defined for "
                f"numbers >= 0"
            )
        return _result(math.sqrt(self.data), "sqrt", self)

    @_derivative("sqrt", domain=lambda x: x > 0.0)
    def _sqrt_backward(out: Value) -> None:  # type: ignore[misc]
        """d(sqrt x)/dx = 1/(2 sqrt x)  (infinite at x = 0, as in PyTorch)"""
        root = out.data
        out._a.grad += out.grad / (2.0 * root) if root else math.inf * out.grad

    # -- backpropagation ---------------------------------------------------

    @property
    def _backward(self) -> Callable[[], None]:
        """Push this node's grad into its operands' grads (+=): call `node._backward()`.

        This is one step of backpropagation, callable by hand node by node as in
        the micrograd lecture. It runs the rule of the node's op; for a node
        built by hand whose `_backward` was set (see `Value`), it is that
        function. A leaf has no operands: nothing happens.

        Example:
            >>> a, b = Value(2.0), Value(3.0)
            >>> c = a * b
            >>> c.grad = 1.0
            >>> c._backward()
            >>> a.grad, b.grad
            (3.0, 2.0)
        """
        # A property, not a method, so that the lecture's `out._backward = f`
        # works; nodes made by the ops never have it set, and backward() reads
        # their rule directly.
        if _has_own_backward(self):
            return self._b  # type: ignore[return-value]
        return self._backward_by_rule

    @_backward.setter
    def _backward(self, step: Callable[[], None]) -> None:
        if not callable(step):
            raise TypeError(
                f"_backward must be a function of no arguments (callable), "
                f"got {type(step).__name__}: {step!r}"
            )
        operands = self._prev
        if not operands:
            raise AttributeError(
                "this Value is a leaf (no operands), so there is no _backward to set: "
                "build the node from its operands, e.g. Value(x.data**3, (x,), 'cube')"
            )
        # The operands go into `_a` as one tuple (the many-operand form, which
        # `_prev` and backward() read) and the function into `_b`: no slot is
        # added, so every other node stays as small as it was.
        self._a, self._b = operands, step

    def _backward_by_rule(self) -> None:
        """`_backward()` of a node made by an op: the rule registered for its `_op`."""
        if self._a is None:
            return
        rule = _RULES.get(self._op)
        if rule is None:
            raise NotImplementedError(
                f"no backward rule for op {self._op!r}: define the op with "
                f"tinygrad_ann.custom_op(...) so that backward() knows its derivative, "
                f"or set this node's _backward to a function, as in the micrograd lecture"
            )
        rule(self)

    def backward(self) -> None:
        """Fill `grad` of every node this Value depends on with d(self)/d(node).

        The root's grad is set to 1.0 (dself/dself), then every inner node runs
        its `_backward()` after all the nodes that use it have pushed their
        gradient into it: the reverse of a topological order. Inner nodes are
        reset first and hold this pass's gradient; leaves accumulate across
        calls, so calling `backward()` twice doubles every leaf's grad (as in
        PyTorch): call `zero_grad()` on a model, or set `grad = 0.0`, in between.

        Example:
            >>> x = Value(3.0)
            >>> y = x * x
            >>> y.backward(); x.grad
            6.0
            >>> y.backward(); x.grad
            12.0
        """
        if self._a is None:  # a leaf on its own: d(self)/d(self) = 1 accumulates
            self.grad += 1.0
            return
        order, holding, hand_set = _inner_nodes_in_order(self)
        for node in order:  # inner nodes start this pass from 0
            node.grad = 0.0
        # Leaves gather this pass's gradient from 0 too, then add back what they
        # held (only leaves not at 0 hold anything). Adding each contribution
        # straight onto the old grad would round differently, and a second
        # call would not give exactly twice the first.
        held = {leaf: leaf.grad for leaf in holding}
        rules = _RULES
        try:
            for leaf in held:
                leaf.grad = 0.0
            self.grad = 1.0
            if hand_set:
                # Some node had its `_backward` set by hand, the lecture's way,
                # perhaps under a known op's name ('+', 'exp'): then every node
                # goes through `node._backward()`, which runs such a node's own
                # function and any other node's rule.
                for node in reversed(order):
                    node._backward()
            else:
                # Fast path: the rule looked up by the op's name, without the
                # `_backward` property in between.
                for node in reversed(order):  # the root first, leaves never (no operands)
                    rule = rules.get(node._op)
                    if rule is not None:
                        rule(node)
                    else:  # an op with no rule: the "no backward rule" error
                        node._backward()
        except BaseException:
            # A rule failed part way (e.g. a custom op's derivative raised): give
            # every leaf back the grad it had, rather than part of this pass.
            for node in order:
                for leaf in node._prev:
                    if leaf._a is None:
                        leaf.grad = held.get(leaf, 0.0)
            raise
        for leaf, grad in held.items():
            leaf.grad += grad

    def topological_order(self) -> list[Value]:
        """Every node this Value depends on, each after its operands (leaves first).

        `backward()` visits the nodes in the reverse of this order. It is built
        without recursion, so graphs a million nodes deep work.

        Example:
            >>> a = Value(1.0, label='a'); b = a * 2; b.label = 'b'
            >>> c = a + b; c.label = 'c'
            >>> [v.label for v in c.topological_order() if v.label]
            ['a', 'b', 'c']
        """
        # Depth first, with a stack instead of recursion. A node is put in the
        # order once all its operands are: it goes back on the stack under a
        # None marker, above which its operands are worked through first.
        order: list[Value] = []
        seen: set[Value] = set()
        stack: list[Value | None] = [self]
        while stack:
            node = stack.pop()
            if node is None:  # the marker: the node under it has all operands in order
                order.append(stack.pop())  # type: ignore[arg-type]
            elif node not in seen:
                seen.add(node)
                stack.append(node)
                stack.append(None)
                # Reversed, so the first operand comes off the stack first: the
                # same order as the lecture's recursive build_topo (a, b, a*b, ...).
                stack.extend(reversed([child for child in node._prev if child not in seen]))
        return order

    def detach(self) -> Value:
        """A new leaf with the same data (and label): no graph, grad 0.0.

        Example:
            >>> y = Value(2.0) * 3
            >>> d = y.detach()
            >>> d.data, d._prev
            (6.0, ())
        """
        return Value(self.data, label=self.label)


# ---------------------------------------------------------------------------
# Fused operations of many operands. A sum of n terms written with `+` makes
# n - 1 nodes, and a neuron's weighted sum w1*x1 + ... + wn*xn + b makes 2n;
# each fused op below makes one node whose backward is one loop. That is what
# lets the network layer train many times faster (fewer Python objects made,
# walked and freed), while the math is exactly that of the long form.
# ---------------------------------------------------------------------------


def sum_values(values: "Iterable[Value | Number]") -> Value:
    """v1 + v2 + ... + vn as one node (op 'sum'); numbers become constants.

    Example:
        >>> a, b = Value(1.0), Value(2.0)
        >>> s = sum_values([a, b, a])
        >>> s.backward()
        >>> s.data, a.grad, b.grad, s._op
        (4.0, 2.0, 1.0, 'sum')
    """
    terms = tuple(_operand_or_error(v, "sum_values") for v in values)
    if not terms:
        return _leaf(0.0)
    return _result(sum([v.data for v in terms]), "sum", terms)


@_derivative("sum", arity=0)
def _sum_backward(out: Value) -> None:
    """d(v1 + ... + vn)/dvi = 1"""
    g = out.grad
    for v in out._a:  # type: ignore[union-attr]
        v.grad += g


def dot(
    weights: "Sequence[Value | Number]",
    inputs: "Sequence[Value | Number]",
    bias: "Value | Number | None" = None,
) -> Value:
    """w1*x1 + ... + wn*xn (+ b) as one node (op 'dot'): a neuron's weighted sum.

    The operands are kept in reading order, w1, x1, w2, x2, ..., wn, xn, then b.

    Example:
        >>> w, x, b = [Value(2.0), Value(-1.0)], [3.0, 4.0], Value(0.5)
        >>> y = dot(w, x, b)
        >>> y.backward()
        >>> y.data, w[0].grad, w[1].grad, b.grad
        (2.5, 3.0, 4.0, 1.0)
    """
    if len(weights) != len(inputs):
        raise ValueError(
            f"dot: {len(weights)} weights but {len(inputs)} inputs; they must match"
        )
    ws = [_operand_or_error(w, "dot") for w in weights]
    xs = [_operand_or_error(x, "dot") for x in inputs]
    operands: list[Value] = []
    for w, x in zip(ws, xs):
        operands += (w, x)
    data = sum([w.data * x.data for w, x in zip(ws, xs)])
    if bias is not None:
        b = _operand_or_error(bias, "dot")
        operands.append(b)
        data += b.data
    if not operands:
        return _leaf(0.0)
    return _result(data, "dot", tuple(operands))


@_derivative("dot", arity=0)
def _dot_backward(out: Value) -> None:
    """d(sum wi xi + b)/dwi = xi,  d/dxi = wi,  d/db = 1"""
    g = out.grad
    operands = out._a
    pairs = iter(operands)  # type: ignore[arg-type]
    for w, x in zip(pairs, pairs):  # (w1, x1), (w2, x2), ...: zip takes 2 at a time
        w.grad += x.data * g
        x.grad += w.data * g
    if len(operands) % 2:  # type: ignore[arg-type]  # an odd count ends with the bias
        operands[-1].grad += g  # type: ignore[index]


def _operand_or_error(x: object, op: str) -> Value:
    """`x` as a Value (numbers become constants), or a TypeError naming `op`."""
    v = _operand(x)
    if v is NotImplemented:
        raise TypeError(f"{op} takes Values or numbers, got {type(x).__name__}: {x!r}")
    return v


# ---------------------------------------------------------------------------
# Helpers the operations share.
# ---------------------------------------------------------------------------

_new_value = object.__new__


def _result(
    data: float, op: str, a: Value | tuple[Value, ...], b: Value | float | None = None
) -> Value:
    """The Value an operation returns: `data`, made by `op` from `a` (and `b`).

    Fast path (speed): this fills the slots directly instead of calling
    `Value(...)`, which would check `data` and unpack a tuple of children that
    the operations already know are right. Under `no_grad()` the result is a
    leaf: nothing is recorded.
    """
    out = _new_value(Value)
    out.data = data
    out.grad = 0.0
    out.label = ""
    if _grad_enabled:
        out._op = op
        out._a = a
        out._b = b
    else:
        out._op = ""
        out._a = out._b = None
    return out


def _inner_nodes_in_order(root: Value) -> tuple[list[Value], list[Value], bool]:
    """The nodes under `root` that have operands, each after its operands; the
    leaves under it whose grad is not 0 (a leaf may be listed more than once);
    and whether any node's `_backward` was set by hand.

    Fast path (speed) for backward(): the same depth-first walk as
    `Value.topological_order`, but it skips leaves (they have no `_backward`
    to run, so they need no place in the order) and reads the operand slots
    directly instead of building a `_prev` tuple for every node.
    """
    order = []
    holding = []
    hand_set = False
    seen = set()
    stack: list[Value | None] = [root]
    push, pop = stack.append, stack.pop
    while stack:
        node = pop()
        if node is None:  # the marker: the node under it has all operands in order
            order.append(pop())
            continue
        if node in seen:
            continue
        seen.add(node)
        push(node)
        push(None)
        # Operands are pushed last first, so the first comes off the stack first,
        # as in topological_order(): backward() then adds gradients up in the
        # same order as a replay of it does, to the last bit.
        a, b = node._a, node._b
        if a.__class__ is tuple:  # many operands (sum, dot), or a _backward set by hand
            if b is not None:  # (see _has_own_backward)
                hand_set = True
            for child in reversed(a):
                if child._a is not None:
                    if child not in seen:
                        push(child)
                elif child.grad:
                    holding.append(child)
            continue
        # (The class test is the fast path; isinstance catches a subclass of
        # Value. `_b` of a one-operand op is None, or a constant, or a function.)
        if b.__class__ is Value or (b is not None and isinstance(b, Value)):
            if b._a is not None:
                if b not in seen:
                    push(b)
            elif b.grad:
                holding.append(b)
        if a._a is not None:
            if a not in seen:
                push(a)
        elif a.grad:
            holding.append(a)
    return order, holding, hand_set


def _has_own_backward(node: Value) -> bool:
    """Whether `node._backward` was set by hand (the lecture's way to add an op).

    The setter keeps the operands as a tuple in `_a` and the function in `_b`;
    an op's own many-operand nodes (sum, dot) have a tuple in `_a` but nothing
    in `_b`. Such a node's function is used, never its op's rule, whatever its
    `_op` says.

    Example:
        >>> x = Value(2.0)
        >>> out = Value(x.data ** 3, (x,), 'cube')
        >>> _has_own_backward(out)
        False
        >>> out._backward = lambda: None
        >>> _has_own_backward(out)
        True
    """
    return node._b is not None and node._a.__class__ is tuple


def _operand(x: object) -> Value:
    """`x` as a Value: a number becomes a constant leaf; anything else, NotImplemented."""
    cls = x.__class__
    if cls is float or cls is int:  # fast path for the common case
        try:
            return _leaf(float(x))  # type: ignore[arg-type]
        except OverflowError:  # an int past the float range, e.g. 10**400
            return _leaf(_to_float(x, "a number operand"))  # raises, naming its size
    if isinstance(x, Value):
        return x
    if isinstance(x, Real):
        return _leaf(_to_float(x, "a number operand"))
    return NotImplemented  # type: ignore[return-value]


def _leaf(data: float) -> Value:
    """A new leaf holding `data` (a float), without `Value.__init__`'s checks."""
    out = _new_value(Value)
    out.data = data
    out.grad = 0.0
    out.label = ""
    out._op = ""
    out._a = out._b = None
    return out


def _power(base: Value, exponent: float) -> float:
    """base.data ** exponent as a real number, or an error that says why not."""
    a = base.data
    if a < 0.0 and not exponent.is_integer():
        raise ValueError(
            f"power: {_describe(base)} ** {exponent!r}: a negative number to a "
            f"fractional power is not a real number"
        )
    if a == 0.0 and exponent < 0.0:
        raise ZeroDivisionError(
            f"power: {_describe(base)} ** {exponent!r}: zero to a negative power "
            f"divides by zero"
        )
    try:
        return a**exponent
    except OverflowError:
        raise OverflowError(
            f"power: {_describe(base)} ** {exponent!r} overflows the float range"
        ) from None


def _pow_base_derivative(a: float, b: float) -> float:
    """d(a^b)/da = b a^(b-1), with the limits PyTorch uses where a = 0."""
    if b == 0.0:
        return 0.0
    if a == 0.0 and b < 1.0:  # e.g. sqrt at 0: the slope is vertical
        return math.inf
    try:
        return b * a ** (b - 1.0)
    except OverflowError:  # e.g. x ** -1 at x = 1e-200: the slope is past the float range
        # Infinite, as 1 / x gives, with the sign of b a^(b-1): a^(b-1) < 0 only
        # for a < 0 (then b is an integer) and b - 1 odd.
        negative = (b < 0.0) != (a < 0.0 and (b - 1.0) % 2.0 == 1.0)
        return -math.inf if negative else math.inf


def _pow_exponent_derivative(a: float, b: float, out: float) -> float:
    """d(a^b)/db = a^b ln a: 0 at a = 0 (as in PyTorch), undefined (nan) for a < 0."""
    if a > 0.0:
        return out * math.log(a)
    if a == 0.0:
        return 0.0
    return math.nan


# ---------------------------------------------------------------------------
# Custom operations: a new op from its forward and its local derivative.
# ---------------------------------------------------------------------------


def custom_op(
    name: str,
    forward: Callable[[float], float],
    derivative: Callable[[float, float], float],
    kinks: tuple[float, ...] = (),
) -> Callable[[Value], Value]:
    """Define a one-input operation from `forward(x)` and `derivative(x, y)`.

    `forward` maps the input's data to the output's data; `derivative(x, y)`
    returns the local derivative dy/dx (a number) given the input `x` and
    output `y`; anything else is a TypeError at `backward()` naming the op.
    The result is a function on Values that works with `backward()`,
    `gradcheck` and the drawings, where its nodes are labelled `name`.

    Example:
        >>> cube = custom_op('cube', lambda x: x ** 3, lambda x, y: 3 * x ** 2)
        >>> x = Value(2.0)
        >>> y = cube(x)
        >>> y.backward()
        >>> y.data, x.grad, y._op
        (8.0, 12.0, 'cube')
    """
    if not isinstance(name, str) or not name:
        raise ValueError(f"custom_op: name must be a non-empty string, got {name!r}")
    if name in OPS and not is_custom_op(name):
        raise ValueError(f"custom_op: {name!r} is a built-in op; choose another name")

    def _custom_backward(out: Value) -> None:
        # (The docstring, set below, names the op: pictures show it as the rule.)
        # The derivative comes from the node, not from this function: each node
        # keeps the one it was made with in `_b` (a one-input op leaves that slot
        # free), so defining the op again later leaves the nodes already made alone.
        x, made_with = out._a, out._b
        x.grad += _custom_call(name, "derivative", made_with, x.data, out.data) * out.grad  # type: ignore

    given = getattr(derivative, "__name__", "<lambda>")
    _custom_backward.__doc__ = (
        f"d({name} x)/dx = {given}(x, y), with y = {name}(x)" if given.isidentifier()
        else f"d({name} x)/dx = the derivative given to custom_op({name!r}, ...)"
    )
    _custom_backward.derivative = derivative  # type: ignore[attr-defined]  # for hand-built nodes
    _derivative(name, kinks=kinks)(_custom_backward)

    def op(x: Value | Number) -> Value:
        x = _operand_or_error(x, name)
        y = _custom_call(name, "forward", forward, x.data)
        return _result(y, name, x, derivative)  # type: ignore[arg-type]

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"{name}(x): a custom op; backward uses its given derivative."
    return op


def is_custom_op(name: str) -> bool:
    """Whether `name` is an op made by `custom_op` (and not one of the library's own).

    Example:
        >>> _ = custom_op('t_double', lambda x: 2 * x, lambda x, y: 2.0)
        >>> is_custom_op('t_double'), is_custom_op('tanh'), is_custom_op('no_such_op')
        (True, False, False)
    """
    op = OPS.get(name)
    return op is not None and hasattr(op.backward, "derivative")


def _custom_call(name: str, role: str, fn: Callable[..., Any], *args: float) -> float:
    """fn(*args), a custom op's forward or derivative, as a float; an error in it,
    or a result that is not a number, is reported naming the op and the call."""
    call = f"{role}({', '.join(map(repr, args))})"
    try:
        result = fn(*args)
    except Exception as e:
        where = f"custom_op {name!r}: {call} raised {type(e).__name__}"
        if type(e).__module__ == "builtins" and len(e.args) <= 1:
            # The same kind of error, its message prefixed with the op and the call,
            # and its traceback kept (it shows the line of the user's function).
            named = type(e)(f"{where}: {e}")
            raise named.with_traceback(e.__traceback__) from None
        # An error with fields of its own (errno, a code, ...): raised unchanged,
        # with a note naming the op where Python takes notes (3.11+).
        if hasattr(e, "add_note"):
            e.add_note(where)
        raise
    if result.__class__ is float:
        return result
    if isinstance(result, Real) and not isinstance(result, bool):
        return _to_float(result, f"custom_op {name!r}: {call}")
    what = "" if result is None else f" (a {type(result).__name__})"
    raise TypeError(
        f"custom_op {name!r}: {call} returned {result!r}{what}; it must return a number"
        + (", e.g. x.data rather than x" if isinstance(result, Value) else "")
    )
