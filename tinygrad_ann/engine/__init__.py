"""The engine: a scalar `Value` that remembers how it was made, and `backward()`.

Start reading at `value.py`: `Value`, `backward()`, then every operation with
its backward rule beside it. The other files each hold one concern:

    value.py      Value, backward(), the operations and their rules
    backprop.py   the graph walk and the bookkeeping backward() uses, and what
                  one step of it adds along each edge (local_gradients)
    grad_mode.py  no_grad, enable_grad: whether new results record the graph
    ops.py        the catalogue of operations (OPS) that backward(), gradcheck,
                  the tests and the drawings read
    custom.py     custom_op: a new operation from its forward and its derivative
    fused.py      dot, sum_values, max_values: one node for a whole weighted sum (or max)
    numeric.py    floats at the edges (overflow, 0 ** -1, the slope of sqrt at 0)

Example:
    >>> a = Value(2.0, label='a')
    >>> b = Value(-3.0, label='b')
    >>> c = a * b + a            # c = ab + a
    >>> c.backward()
    >>> a.grad, b.grad           # dc/da = b + 1, dc/db = a
    (-2.0, 2.0)
"""

from .custom import custom_op
from .fused import dot, dot_node, dot_parts, max_values, nll_of_softmax, sum_values, weighted_sum
from .grad_mode import enable_grad, is_grad_enabled, no_grad
from .ops import OPS, Op, is_custom_op
from .backprop import has_own_backward, local_gradients, op_constant
from .value import Value, as_value, op_result

__all__ = [
    "Value", "no_grad", "enable_grad", "is_grad_enabled", "Op", "OPS",
    "custom_op", "is_custom_op", "dot", "weighted_sum", "dot_node", "sum_values", "max_values", "nll_of_softmax", "dot_parts",
    "as_value", "op_result", "has_own_backward", "op_constant", "local_gradients",
]
