"""The catalogue of operations: what the library knows about each op, by name.

Every op registers its backward rule here, next to its forward method (see
`value.py`): `backward()` runs a node's rule by the node's `_op`, and the tests,
`gradcheck` and the drawings read the rest (how many operands, where the op is
defined, where its derivative jumps).

Two words are kept apart:
    backward rule      a function of the node, `rule(out)`, that adds
                       out.grad times each local derivative into the operands' grads
    local derivative   the math, d(out)/d(operand): for tanh, 1 - tanh(x)^2

Example:
    >>> OPS['tanh'].arity, OPS['relu'].kinks
    (1, (0.0,))
    >>> OPS['tanh'].backward.__doc__
    'd(tanh x)/dx = 1 - tanh(x)^2'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from .value import Value

__all__ = ["Op", "OPS", "register", "is_custom_op"]

Rule = Callable[["Value"], None]


class Op:
    """What the library knows about one operation (`OPS[name]`).

    Fields:
        backward    its backward rule: `backward(out)` adds out.grad times the
                    local derivatives into the grads of out's operands
        arity       how many Value operands it takes (0: any number, as sum and dot)
        domain      `domain(*xs)`: whether the op is defined at the operands'
                    data (None: everywhere)
        kinks       the points where the derivative of a one-input op jumps
                    (relu at 0), where `gradcheck` warns
        distance_to_kink  for an op whose derivative jumps elsewhere than at
                    fixed points (max, where its largest operands tie):
                    `distance_to_kink(*xs)`, how far the operands are from a jump
        derivative  for an op made by `custom_op`, the local derivative it was
                    given, `derivative(x, y)`; None for the library's own ops

    Example:
        >>> OPS['*'].arity, OPS['log'].domain(-1.0), OPS['abs'].kinks
        (2, False, (0.0,))
    """

    # Fast path: __slots__, so that backward() reads `op.backward` at the speed
    # of a plain attribute (a NamedTuple's field is several times slower there).
    __slots__ = ("backward", "arity", "domain", "kinks", "derivative", "distance_to_kink")

    def __init__(
        self,
        backward: Rule,
        arity: int = 1,
        domain: Callable[..., bool] | None = None,
        kinks: tuple[float, ...] = (),
        derivative: Callable[[float, float], float] | None = None,
        distance_to_kink: Callable[..., float] | None = None,
    ) -> None:
        self.backward = backward
        self.arity = arity
        self.domain = domain
        self.kinks = kinks
        self.derivative = derivative
        self.distance_to_kink = distance_to_kink

    def __repr__(self) -> str:
        rule = getattr(self.backward, "__name__", "rule")
        return (
            f"Op(backward={rule}, arity={self.arity}, domain={'yes' if self.domain else None}, "
            f"kinks={self.kinks}, derivative={'yes' if self.derivative else None})"
        )


#: Every op by name: '+', '*', 'tanh', ..., 'dot', and the ops made by `custom_op`.
OPS: dict[str, Op] = {}


def register(
    name: str,
    arity: int = 1,
    domain: Callable[..., bool] | None = None,
    kinks: tuple[float, ...] = (),
    derivative: Callable[[float, float], float] | None = None,
    distance_to_kink: Callable[..., float] | None = None,
) -> Callable[[Rule], Rule]:
    """Decorator: register the decorated function as the backward rule of op `name`.

    Example:
        >>> @register('t_half')
        ... def _half_backward(out):
        ...     '''d(x/2)/dx = 1/2'''
        ...     out._prev[0].grad += 0.5 * out.grad
        >>> OPS['t_half'].arity
        1
        >>> del OPS['t_half']
    """

    def add(rule: Rule) -> Rule:
        OPS[name] = Op(rule, arity, domain, kinks, derivative, distance_to_kink)
        return rule

    return add


def is_custom_op(name: str) -> bool:
    """Whether `name` is an op made by `custom_op` (and not one of the library's own).

    Example:
        >>> from tinygrad_ann.engine import custom_op
        >>> _ = custom_op('t_double', lambda x: 2 * x, lambda x, y: 2.0)
        >>> is_custom_op('t_double'), is_custom_op('tanh'), is_custom_op('no_such_op')
        (True, False, False)
    """
    op = OPS.get(name)
    return op is not None and op.derivative is not None
