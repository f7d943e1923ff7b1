"""What `Value.backward()` needs besides the algorithm itself, each in a
function named for its job, and what the drawings, the exercises and the tests
ask about one step of it.

`depth_first` is the one walk of the graph: `topological_order()` returns it,
and `backward()` runs the rules in its reverse. `one_backward_pass` keeps the
grads of one pass exact (see there why). `local_gradients(node)` says what one
node's step adds along each edge; `has_own_backward` and `op_constant` read
the rest of what a node keeps.

Example:
    >>> from tinygrad_ann.engine import Value
    >>> a = Value(1.0, label='a'); b = a * 2; b.label = 'b'
    >>> order, leaves = depth_first(a + b, leaves_apart=True)
    >>> [v.label for v in order if v.label], [v.data for v in leaves]
    (['b'], [1.0, 2.0])
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Iterator

from .grad_mode import enable_grad
from .ops import OPS

if TYPE_CHECKING:
    from .value import Value

__all__ = [
    "depth_first", "one_backward_pass", "has_own_backward", "op_constant", "local_gradients",
]


def depth_first(root: Value, leaves_apart: bool = False) -> tuple[list[Value], list[Value]]:
    """Every node under `root`, each after its operands, in the order of the
    lecture's recursive build_topo; with `leaves_apart`, the leaves (the nodes
    without operands) are listed on their own instead (backward() needs them apart).

    Example:
        >>> from tinygrad_ann.engine import Value
        >>> x = Value(3.0, label='x'); y = x * x; y.label = 'y'
        >>> [v.label for v in depth_first(y)[0]]
        ['x', 'y']

    Depth first, with a stack (the path from root down to the node being
    visited) instead of recursion, so graphs a million nodes deep work. The node
    on top looks at its operands in order: a leaf goes straight into the order,
    an operand with operands of its own is visited first (pushed). Once none is
    left to visit, the node goes into the order (popped). Fast path: a node of
    one or two operands looks at `_a` and `_b` again each time it is back on
    top (cheaper than an iterator); a node of many keeps an iterator over them.
    """
    order: list[Value] = []
    leaves = [] if leaves_apart else order
    seen = {root}
    stack: list[Any] = [root]
    while stack:
        node = stack[-1]
        if node.__class__ is tuple:  # (a node of many operands, the rest of them)
            owner, rest = node
            for child in rest:
                if child not in seen:
                    seen.add(child)
                    if child._a is not None or child._operands is not None:
                        stack.append(child)
                        break
                    leaves.append(child)
            else:
                stack.pop()
                order.append(owner)
            continue
        a = node._a
        if a is not None:
            if a not in seen:
                seen.add(a)
                if a._a is not None or a._operands is not None:
                    stack.append(a)
                    continue
                leaves.append(a)
            b = node._b
            if b is not None and b not in seen:
                seen.add(b)
                if b._a is not None or b._operands is not None:
                    stack.append(b)
                    continue
                leaves.append(b)
        elif node._operands is not None:
            operands = node._operands
            if seen.issuperset(operands):
                # Fast path: every operand is placed already (a convolution's shared
                # weights and pixels, say), so there is nothing to visit. One check
                # in C instead of one Python step per operand.
                stack.pop()
                order.append(node)
                continue
            stack[-1] = (node, iter(operands))
            continue
        else:  # the root is a leaf
            stack.pop()
            leaves.append(node)
            continue
        stack.pop()
        order.append(node)
    return order, leaves


@contextmanager
def one_backward_pass(order: list[Value], leaves: list[Value]) -> Iterator[None]:
    """The bookkeeping of one `backward()`, kept out of the algorithm.

    Why it exists: backward() adds into grads (+=), and three things must hold
    whatever the grads held before.
      - Inner nodes (`order`) hold this pass's gradient only: they start from 0.
      - Leaves accumulate across calls exactly: each leaf gathers this pass's
        gradient from 0, and what it held is added back once at the end.
        (Adding each contribution onto the old grad would round differently,
        and a second call would not give exactly twice the first.)
      - If a rule fails part way (a custom op's derivative raises, say), every
        leaf gets back the grad it had, rather than part of this pass.

    Example:
        >>> from tinygrad_ann.engine import Value
        >>> x = Value(3.0); x.grad = 1.0
        >>> with one_backward_pass([], [x]):
        ...     x.grad += 6.0              # what this pass adds
        >>> x.grad                         # what x held, added back once
        7.0
    """
    held = [(leaf, leaf.grad) for leaf in leaves if leaf.grad]  # (0.0 needs no keeping)
    for node in order:
        node.grad = 0.0
    for leaf in leaves:
        leaf.grad = 0.0
    try:
        yield
    except BaseException:
        for leaf in leaves:
            leaf.grad = 0.0
        for leaf, grad in held:
            leaf.grad = grad
        raise
    for leaf, grad in held:
        leaf.grad += grad


def has_own_backward(node: Value) -> bool:
    """Whether `node._backward` was set by hand (the lecture's way to add an op).

    Such a node's function is used, never its op's rule, whatever its `_op` says.

    Example:
        >>> from tinygrad_ann.engine import Value
        >>> x = Value(2.0)
        >>> out = Value(x.data ** 3, (x,), 'cube')
        >>> has_own_backward(out)
        False
        >>> out._backward = lambda: None
        >>> has_own_backward(out)
        True
    """
    extra = node._extra
    return extra is not None and extra.backward is not None


def op_constant(node: Value) -> float | None:
    """The constant of the op that made `node`, where it has one that is not an
    operand: the exponent of `x ** 2`, the slope of `leaky_relu(0.1)`; else None.

    Example:
        >>> from tinygrad_ann.engine import Value
        >>> x = Value(3.0)
        >>> op_constant(x ** 2), op_constant(x.leaky_relu(0.1)), op_constant(x * 2)
        (2.0, 0.1, None)
    """
    return node._constant


def local_gradients(node: Value) -> list[float] | None:
    """What `node._backward()` would add to each operand's grad, one number per
    edge in `node._prev` order, at node.grad as it is now; nothing is changed.

    `a + a` gives two numbers, one per edge (the replay draws both). None for
    a node whose `_backward` was set by hand, or whose op has no rule: only
    running it would tell, and it adds into the real operands.

    Example:
        >>> from tinygrad_ann.engine import Value
        >>> a, b = Value(2.0), Value(3.0)
        >>> c = a * b; c.grad = 10.0
        >>> local_gradients(c)          # dc/da * c.grad, dc/db * c.grad
        [30.0, 20.0]
        >>> local_gradients(a + a)      # grad 0.0 so far
        [0.0, 0.0]
    """
    operands = node._prev
    if not operands:
        return []
    op = OPS.get(node._op)
    if op is None or has_own_backward(node):
        return None
    # The rule runs on a twin: the same node, but with fresh operands, one per edge.
    from .value import Value, op_result  # (here: value.py imports this file)

    stand_ins = tuple(Value(child.data) for child in operands)
    with enable_grad():  # (a twin made inside no_grad() would have no operands)
        twin = op_result(node.data, node._op, stand_ins, many=node._operands is not None)
    twin.grad, twin._constant, twin._extra = node.grad, node._constant, node._extra
    op.backward(twin)
    return [s.grad for s in stand_ins]
