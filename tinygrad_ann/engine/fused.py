"""Fused operations: one node for a whole sum (or max) of many terms.

A sum of n terms written with `+` makes n - 1 nodes, and a neuron's weighted
sum w1*x1 + ... + wn*xn + b made of `*` and `+` makes 2n. Each fused op below
makes one node whose backward rule is one loop. That is what lets the network
layers train many times faster (fewer Python objects to make, walk and free),
while the math is exactly that of the long form.

Example:
    >>> from tinygrad_ann.engine import Value
    >>> w, x = [Value(2.0), Value(-1.0)], [3.0, 4.0]
    >>> y = dot(w, x, 0.5)             # 2*3 - 1*4 + 0.5, one node
    >>> y.data, y._op, len(y._prev)
    (2.5, 'dot', 5)
"""

from __future__ import annotations

import math
from typing import Iterable, Sequence, cast

from .._types import Number
from . import grad_mode
from .ops import register
from .value import Value, as_value, op_result

_new_value = object.__new__

__all__ = ["dot", "weighted_sum", "dot_node", "sum_values", "max_values", "nll_of_softmax", "dot_parts"]


def sum_values(values: Iterable[Value | Number]) -> Value:
    """v1 + v2 + ... + vn as one node (op 'sum'); numbers become constants.

    Example:
        >>> a, b = Value(1.0), Value(2.0)
        >>> s = sum_values([a, b, a])
        >>> s.backward()
        >>> s.data, a.grad, b.grad, s._op
        (4.0, 2.0, 1.0, 'sum')
    """
    terms = tuple(as_value(v, "sum_values") for v in values)
    if not terms:
        return Value(0.0)
    return op_result(sum([v.data for v in terms]), "sum", terms, many=True)


@register("sum", arity=0)
def _sum_backward(out: Value) -> None:
    """d(v1 + ... + vn)/dvi = 1"""
    g = out.grad
    for v in out._operands:  # type: ignore[union-attr]
        v.grad += g


def max_values(values: Iterable[Value | Number]) -> Value:
    """max(v1, ..., vn) as one node (op 'max'), as a max-pooling window takes it.

    Its gradient goes to one operand, the one that was the largest: on a tie,
    to the first of them in reading order, as PyTorch's max pooling does (it
    keeps a candidate until a strictly larger value comes). A nan wins (the
    result is nan, as in PyTorch), and the gradient goes to the last nan.

    Example:
        >>> a, b, c = Value(1.0), Value(3.0), Value(3.0)
        >>> m = max_values([a, b, c])
        >>> m.backward()
        >>> m.data, m._op, (a.grad, b.grad, c.grad)
        (3.0, 'max', (0.0, 1.0, 0.0))
    """
    given = tuple(values)
    if len(set(map(type, given))) == 1 and given[0].__class__ is Value:  # fast path: all Values
        operands = cast("tuple[Value, ...]", given)
    else:
        operands = tuple(v if v.__class__ is Value else as_value(v, "max_values") for v in given)
    if not operands:
        raise ValueError("max_values: takes at least one Value, got none")
    return op_result(operands[_winner(operands)].data, "max", operands, many=True)


def _winner(operands: Sequence[Value]) -> int:
    """Which operand max_values picks: PyTorch's rule (see there)."""
    numbers = [v.data for v in operands]
    total = sum(numbers)
    if total == total:  # no nan among them (a sum with a nan is nan; so is inf - inf, harmlessly)
        # Fast path: max and index run in C. max keeps the first of equal
        # largest values, index finds the first equal to it: the first of a tie.
        return numbers.index(max(numbers))
    best, best_data = 0, operands[0].data
    for i in range(1, len(operands)):
        v = operands[i].data
        if v > best_data or v != v:  # strictly larger, or a nan
            best, best_data = i, v
    return best


def _gap_to_a_tie(*xs: float) -> float:
    """How far max's operands are from a tie of the largest, where its derivative jumps."""
    if len(xs) < 2:
        return float("inf")
    first, second = sorted(xs)[-2:][::-1]
    return first - second


@register("max", arity=0, distance_to_kink=_gap_to_a_tie)
def _max_backward(out: Value) -> None:
    """d max(v1, ..., vn)/dvi = 1 for the largest vi (the first of a tie), else 0"""
    operands: tuple[Value, ...] = out._operands  # type: ignore[assignment]
    operands[_winner(operands)].grad += out.grad


def nll_of_softmax(logits: Sequence[Value | Number], target: int) -> Value:
    """-ln softmax(z)[k] = ln(Σ_j e^(z_j)) - z_k as one node (op 'nll_softmax'): one
    sample's cross-entropy, given its class scores z (logits) and its class k.

    Computed stably, as (m + ln Σ_j e^(z_j - m)) - z_k with m = max z (no e^x
    overflows), and exactly as that long form is: the same number to the last
    bit or two. The gradient is d/dz_j = softmax(z)_j - [j = k]. The class k is
    the op's constant (as the 2 of x ** 2), not an operand.

    Example:
        >>> z = [Value(2.0), Value(0.0), Value(-1.0)]
        >>> loss = nll_of_softmax(z, 0)
        >>> loss.backward()
        >>> round(loss.data, 6), [round(v.grad, 6) for v in z]     # softmax - one-hot
        (0.169846, [-0.156205, 0.114195, 0.04201])
    """
    zs = tuple(as_value(z, "nll_of_softmax") for z in logits)
    if not zs:
        raise ValueError("nll_of_softmax: takes at least one logit, got none")
    if target.__class__ is not int and not (isinstance(target, int) and not isinstance(target, bool)):
        raise TypeError(f"nll_of_softmax: target must be a class index (an int), got {target!r}")
    if not 0 <= target < len(zs):
        raise ValueError(f"nll_of_softmax: target must be a class index in 0..{len(zs) - 1}, got {target}")
    data = [z.data for z in zs]
    m = max(data)
    # ln Σ e^(z_j - m) - (z_k - m): the long form's own arithmetic, step for step
    out = op_result(math.log(sum([math.exp(d - m) for d in data])) - (data[target] - m), "nll_softmax",
                    zs, many=True)
    if out._operands is not None:  # (not under no_grad()): the class, kept with the node
        out._constant = float(target)
    return out


@register("nll_softmax", arity=0)
def _nll_softmax_backward(out: Value) -> None:
    """d(ln Σ e^(z_j) - z_k)/dz_j = softmax(z)_j - [j = k]"""
    zs: tuple[Value, ...] = out._operands  # type: ignore[assignment]
    k = int(out._constant)  # type: ignore[arg-type]
    g = out.grad
    m = max(z.data for z in zs)
    exps = [math.exp(z.data - m) for z in zs]
    total = sum(exps)
    for j, (z, e) in enumerate(zip(zs, exps, strict=True)):
        z.grad += (e / total - (1.0 if j == k else 0.0)) * g


def dot(
    weights: Sequence[Value | Number],
    inputs: Sequence[Value | Number],
    bias: Value | Number | None = None,
) -> Value:
    """w1*x1 + ... + wn*xn (+ b) as one node (op 'dot'): a neuron's weighted sum.

    The operands are kept in reading order: w1, x1, w2, x2, ..., wn, xn, then b
    (see `dot_parts`). Numbers become constants.

    Example:
        >>> w, x, b = [Value(2.0), Value(-1.0)], [3.0, 4.0], Value(0.5)
        >>> y = dot(w, x, b)
        >>> y.backward()
        >>> y.data, w[0].grad, w[1].grad, b.grad
        (2.5, 3.0, 4.0, 1.0)
    """
    if len(weights) != len(inputs):
        raise ValueError(f"dot: {len(weights)} weights but {len(inputs)} inputs; they must match")
    ws = [as_value(w, "dot") for w in weights]
    xs = [as_value(x, "dot") for x in inputs]
    if not ws and bias is None:
        return Value(0.0)
    return weighted_sum(ws, xs, None if bias is None else as_value(bias, "dot"))


def weighted_sum(weights: Sequence[Value], inputs: Sequence[Value], bias: Value | None) -> Value:
    """`dot` for Values only, their types unchecked (their counts are): the fast
    path of the layers, which hand in their own weights and inputs they have
    already checked.

    The sum starts from the bias, b + w1*x1 + ... + wn*xn, as micrograd's neuron
    adds it up (so that losses agree with micrograd's to the last bit).

    Example:
        >>> y = weighted_sum([Value(2.0)], [Value(3.0)], Value(1.0))
        >>> y.data, y._op
        (7.0, 'dot')
    """
    if len(inputs) != len(weights):
        raise ValueError(f"weighted_sum: {len(weights)} weights but {len(inputs)} inputs; they must match")
    start = 0.0 if bias is None else bias.data
    total = sum([w.data * x.data for w, x in zip(weights, inputs)], start)  # noqa: B905 (checked above)
    return dot_node(total, weights, inputs, bias)


def dot_node(total: float, weights: Sequence[Value], inputs: Sequence[Value], bias: Value | None) -> Value:
    """The 'dot' node of a weighted sum whose number, `total`, is worked out already.
    For the layers' fast paths: a convolution multiplies floats it has gathered
    once per call. `total` must be what weighted_sum computes, b + w1*x1 + ... +
    wn*xn in that order: the node's backward relies on it (a finite total means
    finite operands).

    Example:
        >>> w, x = [Value(2.0)], [Value(3.0)]
        >>> y = dot_node(6.0, w, x, None)
        >>> y.backward(); y.data, w[0].grad, x[0].grad
        (6.0, 3.0, 2.0)
    """
    # Fast path (a convolution makes thousands of these): the node's slots are filled
    # here, as op_result(total, "dot", operands, many=True) would, without the call.
    out = _new_value(Value)
    out.data = total
    out.grad = 0.0
    out._a = out._b = out._constant = out._extra = out._operands = None
    if grad_mode.threads_not_recording and not grad_mode.is_grad_enabled():
        out._op = ""  # under no_grad(): a leaf, no operands to gather
        return out
    out._op = "dot"
    # The operands interleaved by slice assignment (fast): w1, x1, ..., wn, xn, b.
    n = len(weights)
    if len(inputs) != n:
        raise ValueError(f"dot_node: {n} weights but {len(inputs)} inputs; they must match")
    operands: list[Value] = [bias] * (2 * n + (bias is not None))  # type: ignore[list-item]
    operands[0 : 2 * n : 2] = weights
    operands[1 : 2 * n : 2] = inputs
    out._operands = tuple(operands)
    return out


@register("dot", arity=0)
def _dot_backward(out: Value) -> None:
    """d(sum wi xi + b)/dwi = xi,  d/dxi = wi,  d/db = 1"""
    g = out.grad
    if g == 0.0 and out.data - out.data == 0.0:
        # Fast path: a zero gradient (a relu that is off, a value max pooling did not
        # pick: most of a CNN's outputs) would add x * 0 = 0 to every grad. out.data
        # is finite, so every operand is (an inf or a nan would have made the sum inf
        # or nan, and then x * 0 is nan, which must be passed on): skip them all.
        return
    operands: tuple[Value, ...] = out._operands  # type: ignore[assignment]
    pairs = iter(operands)
    for w, x in zip(pairs, pairs, strict=False):  # (w1, x1), (w2, x2), ...: two at a time
        w.grad += x.data * g
        x.grad += w.data * g
    if len(operands) % 2:  # an odd count ends with the bias
        operands[-1].grad += g


def dot_parts(node: Value) -> tuple[list[Value], list[Value], Value | None]:
    """The weights, the inputs and the bias (or None) of a 'dot' node.

    Example:
        >>> w, x = [Value(2.0), Value(-1.0)], [Value(3.0), Value(4.0)]
        >>> ws, xs, b = dot_parts(dot(w, x, 0.5))
        >>> [v.data for v in ws], [v.data for v in xs], b.data
        ([2.0, -1.0], [3.0, 4.0], 0.5)
    """
    if node._op != "dot":
        raise ValueError(f"dot_parts: takes a node made by dot, got one made by {node._op or 'nothing (a leaf)'!r}")
    operands = node._prev
    n = len(operands) // 2
    bias = operands[-1] if len(operands) % 2 else None
    return list(operands[0 : 2 * n : 2]), list(operands[1 : 2 * n : 2]), bias
