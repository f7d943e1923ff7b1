"""The backpropagation exercises: derivatives by hand, an op's backward rule, the
topological sort, and a custom op.

    chain_rule          dL/dv for every v of a small graph, worked out by hand
    tanh_backward,      a backward rule: push out.grad into the operands with
    sigmoid_backward,   the op's local derivative (compared with the engine's
    mul_backward,       own rule, at several points)
    pow_backward
    topological_sort    every node once, each after its operands, without
                        recursion (one graph is 5000 ops deep)
    custom_op           an op made with custom_op(name, forward, derivative),
                        gradchecked at five points

Importing this file registers them in `EXERCISES`.

Example:
    >>> from tinygrad_ann.exercises import check
    >>> print(check('chain_rule', {'x': 1.0, 'y': 1.0, 'z': 1.0, 's': 1.0, 't': 1.0}))
    ❌ chain_rule: dL/dt: you gave 1.0, but it is 3. Hint: L = t * x, so dL/dt = x.
"""

from __future__ import annotations

import sys
from typing import Any, Callable, NamedTuple, Sequence

from .._checks import is_number
from ..engine import Value, custom_op, has_own_backward, is_custom_op, local_gradients
from ..functional import GradcheckError, gradcheck
from ._text import close_to, number_text, short_repr
from .checking import NotDone, Wrong, exercise, run_answer
from .sandbox import hiding, one_line, recursion_limit_at_most, where_raised

__all__: list[str] = []  # the exercises are reached through check() and EXERCISES


# ---------------------------------------------------------------------------
# 1. Derivatives by hand
# ---------------------------------------------------------------------------

_CHAIN_TASK = (
    "x = 3, y = -1, z = 4; s = x + y; t = s * z; L = t * x. Give dL/dv for every v as a dict "
    "{'x': ..., 'y': ..., 'z': ..., 's': ..., 't': ...}, or a function returning it."
)
_CHAIN_HINTS = {
    "t": "L = t * x, so dL/dt = x.",
    "s": "t = s * z, so dL/ds = dL/dt * z.",
    "z": "t = s * z, so dL/dz = dL/dt * s.",
    "y": "s = x + y: a + passes the gradient on unchanged, so dL/dy = dL/ds.",
    "x": "x is used twice, in s = x + y and in L = t * x: dL/dx is the sum of both "
         "contributions, dL/ds * 1 (through s) + t (straight into L).",
}


def _chain_graph() -> dict[str, Value]:
    x, y, z = Value(3.0, label="x"), Value(-1.0, label="y"), Value(4.0, label="z")
    s = x + y
    t = s * z
    L = t * x
    return {"x": x, "y": y, "z": z, "s": s, "t": t, "L": L}


_CHAIN_KEYS = ("x", "y", "z", "s", "t")
#: The answer's shape, as the messages show it: {'x': ..., 'y': ..., 'z': ..., 's': ..., 't': ...}.
_CHAIN_SHAPE = "{" + ", ".join(f"'{k}': ..." for k in _CHAIN_KEYS) + "}"


def _keys_text(keys: Sequence[Any]) -> str:
    """'x', 'y' and 'z': keys as the messages list them."""
    shown = [short_repr(k, 20) for k in keys]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


@exercise("chain_rule", _CHAIN_TASK)
def _check_chain_rule(answer: Any) -> str:
    wanted = f"Return a dict {_CHAIN_SHAPE} with dL/dv for each, as numbers."
    if callable(answer):  # a function that returns the dict (so a blank can raise)
        try:
            answer = run_answer(answer, (), "chain_rule_answer()")
        except NotDone as e:
            raise NotDone(f"{e} {wanted}") from None
    if answer is None or answer is ... or answer == {}:
        raise NotDone(f"fill in the dictionary of derivatives: {_CHAIN_SHAPE}, each dL/dv as a number.")
    if not isinstance(answer, dict):
        raise Wrong(f"expected a dict like {_CHAIN_SHAPE}, got {type(answer).__name__}")
    nodes = _chain_graph()
    nodes["L"].backward()
    expected = {k: v.grad for k, v in nodes.items() if k != "L"}
    missing = [k for k in _CHAIN_KEYS if k not in answer]
    if missing:
        others = [k for k in answer if k not in expected]
        extra = f" (it has {_keys_text(others)} instead)" if others else ""
        raise Wrong(f"the dict has no entry for {_keys_text(missing)}{extra}: its keys are the names of "
                    f"the nodes, {_CHAIN_SHAPE}.")
    blank = [k for k in _CHAIN_KEYS if answer[k] is None or answer[k] is ...]
    if blank:
        raise NotDone(f"{', '.join(f'dL/d{k}' for k in blank)} {'is' if len(blank) == 1 else 'are'} still blank "
                      f"(None or ...): give each as a number.")
    for name in ("t", "s", "z", "y", "x"):  # the order backprop finds them
        got = answer[name]
        if isinstance(got, Value):
            raise Wrong(f"dL/d{name} is a Value: give the numbers themselves, e.g. 2.0, not Values.")
        if not is_number(got):
            raise Wrong(f"dL/d{name} is {type(got).__name__} {got!r}: give a number, e.g. 2.0.")
        if not close_to(got, expected[name]):
            hint = _CHAIN_HINTS[name]
            if name == "x" and (close_to(got, nodes["t"].data) or close_to(got, expected["s"])):
                hint = "that is one of the two contributions only. " + hint
            raise Wrong(f"dL/d{name}: you gave {got!r}, but it is {number_text(expected[name])}. Hint: {hint}")
    return "all five derivatives are right. That is backpropagation done by hand."


# ---------------------------------------------------------------------------
# 2. Local derivatives: write an op's _backward
# ---------------------------------------------------------------------------

_START, _OUT_GRAD = 0.5, 1.7  # operands start at grad 0.5 (not 0), so `=` instead of `+=` shows


class _Rule(NamedTuple):
    """How one op's backward exercise is checked."""

    usage: str  # how the student's function is called
    build: Callable[[list[Value], tuple[float, ...]], Value]  # the node, from operands and constants
    names: tuple[str, ...]  # the operands' names (Values)
    constants: tuple[str, ...]  # the names of the numbers passed after `out`
    points: list[tuple[float, ...]]
    hint: str
    value_hint: str  # what to say when a grad became a Value
    explain: Callable[[BaseException], str | None] | None = None


def _check_rule(student: Any, rule: _Rule) -> str:
    """Run `student(out, *constants)` on a node; compare with the engine's own rule on a twin."""
    k = len(rule.names)
    for xs in rule.points:
        consts = tuple(xs[k:])
        where = ", ".join(f"{n} = {number_text(x)}" for n, x in zip(rule.names + rule.constants, xs, strict=True))
        # The engine's answer, worked out before the student's code runs: what its own rule
        # adds to each operand's grad at out.grad = _OUT_GRAD.
        ref_out = rule.build([Value(x) for x in xs[:k]], consts)
        ref_out.grad = _OUT_GRAD
        want = local_gradients(ref_out)
        assert want is not None, "the rules here are the engine's own ops, which have a rule"
        # The student's answer on an identical node (xs holds the operands, then the constants).
        ins = [Value(x, label=n) for x, n in zip(xs, rule.names, strict=False)]
        out = rule.build(ins, consts)
        out_data = out.data
        out.grad = _OUT_GRAD
        for v in ins:
            v.grad = _START
        returned = run_answer(student, (out, *consts), rule.usage, rule.explain)
        _grads_are_numbers(ins, rule.names, rule.value_hint)
        _left_alone(out, out_data, ins, xs, rule.names, where)
        if returned is not None and all(v.grad == _START for v in ins):
            raise Wrong(
                f"at {where} your function returned {short_repr(returned)} but left the operands' "
                f"grads unchanged. A _backward rule returns nothing: it adds to `operand.grad` with +=."
            )
        for n, v, w in zip(rule.names, ins, want, strict=True):
            got = v.grad - _START
            if close_to(got, w):
                continue
            if close_to(v.grad, w):
                raise Wrong(
                    f"at {where} {n}.grad was overwritten: use += (accumulate), not =, because a "
                    f"value used twice gets gradient from both uses."
                )
            sign = " The sign is flipped." if close_to(got, -w) and w != 0 else ""
            raise Wrong(
                f"at {where} with out.grad = {_OUT_GRAD}, {n}.grad should grow by {number_text(w)} but grew "
                f"by {number_text(got)}.{sign} Hint: {rule.hint}"
            )
    return f"your rule matches the engine at {len(rule.points)} points (and accumulates with +=)."


def _grads_are_numbers(ins: Sequence[Value], names: Sequence[str], value_hint: str) -> None:
    for n, v in zip(names, ins, strict=True):
        if isinstance(v.grad, Value):
            raise Wrong(f"{n}.grad became a Value: {value_hint}")
        if not is_number(v.grad):
            raise Wrong(
                f"{n}.grad became {type(v.grad).__name__} {short_repr(v.grad)}: a grad must stay a number; "
                f"add a number to it with +=."
            )


def _left_alone(out: Value, out_data: float, ins: Sequence[Value], xs: Sequence[float],
                names: Sequence[str], where: str) -> None:
    """A backward rule only adds to its operands' grads: everything else must be as it was."""
    for n, v, x in zip(names, ins, xs, strict=False):  # xs may go on with the constants
        if not (is_number(v.data) and v.data == x):
            raise Wrong(
                f"at {where} your rule changed {n}.data (from {number_text(x)} to {number_text(v.data)}): a _backward "
                f"rule leaves every .data alone; it only adds to the operands' grads."
            )
    if not (is_number(out.data) and out.data == out_data):
        raise Wrong(f"at {where} your rule changed out.data: leave it alone; it only reads out.data.")
    if not (is_number(out.grad) and out.grad == _OUT_GRAD):
        raise Wrong(
            f"at {where} your rule changed out.grad (from {_OUT_GRAD} to {number_text(out.grad)}): it only reads "
            f"out.grad, and adds to the operands' grads."
        )


_TANH = _Rule(
    "tanh_backward(out)", lambda v, c: v[0].tanh(), ("x",), (),
    [(0.0,), (0.5,), (-1.3,), (2.0,), (-4.0,)],
    "out.data already holds tanh(x), and d tanh(x)/dx = 1 - tanh(x)^2; multiply by out.grad (chain rule).",
    "use out.data (the number tanh(x)) in the derivative, not the Value out.",
)


@exercise("tanh_backward", "def tanh_backward(out): push out.grad into x = out._prev[0] with the local derivative of tanh.")
def _check_tanh_backward(student: Any) -> str:
    return _check_rule(student, _TANH)


_SIGMOID = _Rule(
    "sigmoid_backward(out)", lambda v, c: v[0].sigmoid(), ("x",), (),
    [(0.0,), (0.7,), (-2.2,), (5.0,)],
    "with s = out.data = sigmoid(x), d sigmoid(x)/dx = s * (1 - s); multiply by out.grad.",
    "use out.data (the number sigmoid(x)) in the derivative, not the Value out.",
)


@exercise("sigmoid_backward", "def sigmoid_backward(out): push out.grad into x = out._prev[0] with the local derivative of sigmoid.")
def _check_sigmoid_backward(student: Any) -> str:
    return _check_rule(student, _SIGMOID)


_MUL = _Rule(
    "mul_backward(out)", lambda v, c: v[0] * v[1], ("a", "b"), (),
    [(2.0, -3.0), (0.5, 4.0), (-1.5, -0.25)],
    "d(a*b)/da = b and d(a*b)/db = a (their .data); multiply each by out.grad.",
    "use a.data and b.data, the numbers, in the derivatives, not the Values a and b.",
)


@exercise("mul_backward", "def mul_backward(out): a, b = out._prev; push out.grad into both with the local derivatives of a*b.")
def _check_mul_backward(student: Any) -> str:
    detail = _check_rule(student, _MUL)
    # a * a: both operands are the same Value; its grad must get both contributions.
    a = Value(3.0, label="a")
    out = a * a
    out.grad = 1.0
    run_answer(student, (out,), _MUL.usage)
    _grads_are_numbers([a], ["a"], _MUL.value_hint)
    if not close_to(a.grad, 6.0):
        raise Wrong(
            f"for out = a * a with a = 3, a.grad should be 2*3 = 6 but is {number_text(a.grad)}. "
            f"Both operands are the same Value: add both contributions with +=."
        )
    return detail


def _explain_pow(e: BaseException) -> str | None:
    text = str(e)
    if isinstance(e, ValueError) and "unpack" in text:
        return ("out._prev holds one operand, the base a: in a ** n with a number n, n is not a "
                "Value and not in _prev. It comes as your function's second argument, n.")
    if isinstance(e, AttributeError) and "'float'" in text:
        return "n is a plain number already (not a Value): use n itself, not n.data."
    return None


_POW = _Rule(
    "pow_backward(out, n)", lambda v, c: v[0] ** c[0], ("a",), ("n",),
    [(2.0, 3.0), (1.5, 2.0), (4.0, 0.5), (0.3, -1.0), (-1.5, 3.0)],
    "d(a^n)/da = n * a^(n-1): use n and a.data, then multiply by out.grad.",
    "use a.data (the number) in the derivative, not the Value a.",
    _explain_pow,
)


@exercise(
    "pow_backward",
    "def pow_backward(out, n): out = a ** n with a number n, so out._prev is (a,); "
    "push out.grad into a. The checker passes the exponent n as the second argument.",
)
def _check_pow_backward(student: Any) -> str:
    return _check_rule(student, _POW)


# ---------------------------------------------------------------------------
# 3. The topological sort
# ---------------------------------------------------------------------------

_DEEP = 5000  # ops in the deep chain: far past Python's default limit of 1000 nested calls


def _graphs_to_sort() -> list[tuple[str, Value]]:
    """The graphs the student's sort is tried on, each with the name the messages give it."""
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    single = a * b + a  # a is used twice
    x = Value(0.5, label="x")
    y = x.tanh()
    diamond = (y * 2) + (y.exp())  # y feeds two nodes that meet again
    r = Value(1.5, label="r")
    s = r + 1
    layered = r * 2 + s * 3  # s is two steps from the root, r one and two: breadth first fails
    u = Value(1.0, label="u")
    same = u + u  # one Value on both sides
    chain = Value(0.1, label="c")
    for _ in range(_DEEP // 2):
        chain = chain * 1.01 + 0.001
    leaf = Value(7.0, label="leaf")
    return [
        ("a*b + a", single), ("a diamond", diamond), ("r*2 + (r+1)*3", layered),
        ("u + u", same), (f"a chain {_DEEP} ops deep", chain), ("a single leaf", leaf),
    ]


def _describe_node(v: Value) -> str:
    """A node as the messages name it: the '*' node 'c' (data 2), the leaf 'x' (data 3)."""
    name = f" {v.label!r}" if v.label else ""
    kind = f"the {v._op!r} node" if v._op else "the leaf"
    return f"{kind}{name} (data {number_text(v.data)})"


def _explain_topo(e: BaseException) -> str | None:
    if isinstance(e, RecursionError):
        return (f"your function calls itself once per level of the graph, and one graph is a chain "
                f"{_DEEP} ops deep; Python stops at about {sys.getrecursionlimit()} nested calls. "
                f"Recursion is the flaw to avoid here: use a loop, with a list as your own stack.")
    return None


_OWN_SORT = ("your function called the library's own topological_order(): write your own, "
             "visiting each node's operands (`_prev`) with a `visited` set.")


@exercise("topological_sort", "def topological_sort(root): return every node root depends on (root too), each after its operands.")
def _check_topological_sort(student: Any) -> str:
    for name, root in _graphs_to_sort():
        expected = root.topological_order()  # the library's, before the student's code runs
        with hiding(Value, "topological_order", lambda: Wrong(_OWN_SORT)), recursion_limit_at_most(1000):
            order = run_answer(student, (root,), "topological_sort(root)", _explain_topo)
            if not isinstance(order, (list, tuple, set, frozenset, dict)) and hasattr(order, "__next__"):
                order = run_answer(list, (order,), "topological_sort(root)", _explain_topo)  # a generator
        if order is None:
            raise Wrong(f"for {name}, your function returned None: return the list of nodes.")
        if isinstance(order, (set, frozenset, dict)):
            raise Wrong(f"for {name}, your function returned a {type(order).__name__}, which keeps no "
                        f"order: collect the nodes in a list (and keep a separate `visited` set).")
        try:
            order = list(order)
        except TypeError:
            raise Wrong(f"for {name}, your function returned {type(order).__name__}, not a list of Values.") from None
        stranger = next((v for v in order if not isinstance(v, Value)), None)
        if stranger is not None:
            what = ("their labels" if isinstance(stranger, str)
                    else "their data" if is_number(stranger) else "something else")
            raise Wrong(f"for {name}, your list holds {type(stranger).__name__} {short_repr(stranger)}, not "
                        f"Values: return the Values themselves (the nodes), not {what}.")
        ids = [id(v) for v in order]
        if len(set(ids)) != len(ids):
            raise Wrong(f"for {name}, some node appears more than once: keep a `visited` set.")
        wanted, got = {id(v) for v in expected}, set(ids)
        missing = [v for v in expected if id(v) not in got]
        if missing:
            if missing[-1] is root:
                raise Wrong(f"for {name}, your list leaves out root itself: it belongs at the end.")
            raise Wrong(f"for {name}, your list has {len(order)} nodes but the graph has {len(expected)}; "
                        f"it leaves out {_describe_node(missing[0])}. Visit every operand in `_prev`, and theirs, "
                        f"and include the root.")
        if len(ids) != len(wanted):
            raise Wrong(f"for {name}, your list has {len(order)} nodes but the graph has {len(expected)}: "
                        f"it holds nodes that root does not depend on.")
        position = {id(v): i for i, v in enumerate(order)}
        for v in order:
            for child in v._prev:
                if position[id(child)] > position[id(v)]:
                    raise Wrong(f"for {name}, {_describe_node(v)} comes before its operand {_describe_node(child)}: add a "
                                f"node only after all its operands.")
    return (f"every node once, each after its operands, on six graphs (shared nodes, a diamond, "
            f"a chain {_DEEP} ops deep).")


# ---------------------------------------------------------------------------
# 4. A custom op
# ---------------------------------------------------------------------------


def _explain_custom(e: BaseException) -> str | None:
    # The engine names the call that failed: "custom_op 'cube': forward(2.0) returned
    # None; ..." or "custom_op 'cube': derivative(2.0, 8.0) raised TypeError: ...".
    text = str(e)
    if "derivative(" in text and "positional argument" in text:
        return "derivative(x, y) takes two arguments: the input x and the output y (it may use only one)."
    if "forward(" in text and "(a Value)" in text:
        return "forward works on plain numbers: x is a float; return a float (no Values inside forward)."
    if "forward(" in text and "returned" in text:
        return "forward(x) must return the output as a number, e.g. `return x ** 3`."
    if "'float' object has no attribute" in text:
        return "forward and derivative get plain numbers: x is a float already, so write x, not x.data."
    if "derivative(" in text and "returned" in text:
        return "derivative(x, y) must return the number dy/dx (x is the input, y the output)."
    if isinstance(e, (ValueError, ArithmeticError)):
        return ("the checker tries x from -1.7 to 2.5: choose an op defined for every real x, "
                "such as swish or cube.")
    return None


_OP_POINTS = [-1.7, -0.4, 0.3, 1.2, 2.5]


def _student_op(op: Any, subject: str) -> Callable[[Value], Any]:
    """The student's op as a function of one Value, for gradcheck; `subject` names it in errors."""
    return lambda v: run_answer(op, (v,), "op(x)", _explain_custom, subject)


@exercise("custom_op", "Make an op with custom_op(name, forward, derivative) (e.g. swish or cube) and pass it: it is gradchecked.")
def _check_custom_op(op: Any) -> str:
    if op is None or op is ...:
        raise NotDone("define your op with custom_op, then pass it to check.")
    if op is custom_op:
        raise Wrong("you passed custom_op itself: call it to make your op, e.g. "
                    "cube = custom_op('cube', forward, derivative), and pass cube.")
    if not callable(op):
        raise Wrong(f"expected the op that custom_op returns (a function Value -> Value), got {type(op).__name__}")
    first = _OP_POINTS[0]
    x = Value(first, label="x")
    out = run_answer(op, (x,), "op(x)", _explain_custom, f"your op, at x = {first},")
    if not isinstance(out, Value):
        raise Wrong(f"your op returned {type(out).__name__} {short_repr(out)}, not a Value: pass the function "
                    f"that custom_op(name, forward, derivative) returns; it turns a Value into a Value.")
    graph = out.topological_order()
    if not any(v is x for v in graph):
        raise Wrong("your op's result does not depend on its input (backward() cannot reach x): it must "
                    "be made from x by the op custom_op returns.")
    # A node of the student's own op: made by custom_op, or (the lecture's way) with its
    # _backward set by hand; decided now, so ops defined before or after import count.
    own = [v for v in graph if v._op and (is_custom_op(v._op) or has_own_backward(v))]
    if not own:
        used = sorted({v._op for v in graph if v._op})
        raise Wrong(f"your op is built from the library's own ops ({', '.join(map(repr, used))}), not a new "
                    f"one: define it with custom_op(name, forward, derivative) and pass the function it returns.")
    for p in _OP_POINTS:
        try:
            gradcheck(_student_op(op, f"your op, at x = {p},"), [p])
        except GradcheckError as e:
            raise Wrong(f"at x = {p} the derivative disagrees with finite differences: {one_line(e)}. "
                        f"Hint: check your derivative(x, y) formula (y is forward(x)).") from None
        except (Wrong, NotDone):
            raise
        except Exception as e:  # raised by backward(): the derivative
            hint = _explain_custom(e)
            raise Wrong(f"at x = {p}, backward() raised {where_raised(e)}" + (f". Hint: {hint}" if hint else "")) from None
    return (f"your op {own[0]._op!r} works with backward(), and its derivative matches finite "
            f"differences at {len(_OP_POINTS)} points.")
