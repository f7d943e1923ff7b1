"""Helpers shared by the test modules (import with `from helpers import ...`)."""

import operator

from tinygrad_ann import OPS, Value, dot, sum_values
from tinygrad_ann.engine import max_values, nll_of_softmax


def is_built_in(op):
    """The library's own ops, not those made by custom_op (which keep their derivative)."""
    return op.derivative is None


#: The names of the library's own ops, sorted.
BUILT_IN_OPS = sorted(name for name, op in OPS.items() if is_built_in(op))


def split_dot(operands):
    """(weights, inputs, bias) from operands listed as dot keeps them: w1, x1, ..., (b)."""
    if len(operands) % 2:
        *pairs, bias = operands
    else:
        pairs, bias = list(operands), None
    return pairs[0::2], pairs[1::2], bias


def dot_of(*operands):
    """dot(...) of operands listed as dot keeps them: w1, x1, ..., wn, xn (, b)."""
    return dot(*split_dot(operands))


def lecture_cube(x, name="cube"):
    """The lecture's way to add an op: build the node by hand, then set its _backward."""
    out = Value(x.data**3, (x,), name)

    def _backward():
        x.grad += 3 * x.data**2 * out.grad

    out._backward = _backward
    return out


# The ops that are not simply a Value method of the same name.
HOW_TO_APPLY = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "**": operator.pow,
    "neg": operator.neg,
    "abs": operator.abs,
    "sum": lambda *vs: sum_values(vs),
    "max": lambda *vs: max_values(vs),
    "nll_softmax": lambda *vs: nll_of_softmax(vs, 0),  # (the class: the first)
    "dot": dot_of,
}


def apply_op(name, *operands):
    """The op called `name` applied to `operands` (Values or numbers)."""
    if name in HOW_TO_APPLY:
        return HOW_TO_APPLY[name](*operands)
    return getattr(operands[0], name)(*operands[1:])  # e.g. x.exp()
