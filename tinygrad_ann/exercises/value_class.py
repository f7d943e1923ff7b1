"""The exercise "write your own micrograd": a student's whole `Value` class.

    value_class    check('value_class', Value) with the student's own class

The checker builds small graphs with the student's class and compares every
number with the engine's own ops (and the central finite differences of the
student's own forward):

1. `Value(2.0)` holds data 2.0 and grad 0.
2. Required: `+`, `*` (with a Value, and with a number on either side: `a + 2`,
   `2 + a`, `2 * a`), `**` with a number, and `backward()`: each op's forward
   and local derivative, first with backward() from the op's result (its grad
   must become 1), then from `out * 1.7` (the rule must multiply by out.grad).
3. Shared nodes: `a + a`, `a * a`, and `a * 4 + a` (a rule written with `=`
   instead of `+=` keeps one contribution only).
4. The topological order: a node used twice, at two depths, must push its grad
   once, after both uses have added theirs.
5. Other ops, each tested if the class defines it and listed as skipped if not:
   `-`, `-a`, `/`, `2 - a`, `2 / a`, exp, log, tanh, sigmoid, relu (and abs,
   sqrt, sin, cos, softplus, tested when there, never listed).
6. A chain 5000 ops deep: a recursive build_topo (as the lecture's, and
   micrograd's) stops there with RecursionError. That is not a wrong answer to
   this exercise, so it passes with a note that says why and what to do.

Importing this file registers the exercise in `EXERCISES`.

Example:
    >>> from tinygrad_ann.exercises import check
    >>> print(check('value_class', None))
    ⏳ value_class: not done yet — write your class Value, then pass the class itself: check('value_class', Value).
"""

from __future__ import annotations

import inspect
import re
from typing import Any, Callable, NamedTuple, Sequence

from .._checks import is_number
from ..engine import OPS
from ..engine import Value as EngineValue
from ._text import close_to, number_text, short_repr
from .checking import NotDone, Wrong, exercise, run_answer, signature_of
from .sandbox import recursion_limit_at_most

__all__: list[str] = []  # the exercise is reached through check() and EXERCISES

_SCALE = 1.7  # the second run backpropagates from out * 1.7: a rule that forgets `* out.grad` shows
_DEEP = 5000  # ops in the deep chain: far past Python's default limit of 1000 nested calls
_STEP = 1.001  # the deep chain is x = x * 1.001 + 0.001, so d(last)/d(first) = 1.001 ** (_DEEP / 2)
_WRAP = "wrap a number in a Value first: other = other if isinstance(other, Value) else Value(other)"


# ---------------------------------------------------------------------------
# The catalogue: each op of the class, how to call it, where to try it
# ---------------------------------------------------------------------------


class _Case(NamedTuple):
    """One way to call an op: `apply` works on the student's Values and the engine's alike."""

    name: str  # as the messages write it: 'a + b', 'a ** 2', 'a.tanh()'
    apply: Callable[..., Any]  # the operands (Values) -> the result
    points: tuple[tuple[float, ...], ...]  # the operands' data, one tuple per try


class _Op(NamedTuple):
    """An op of the student's class: the method that defines it, and its cases."""

    title: str  # in the summary: '+', '2 - a', 'tanh'
    method: str  # the class must define it: '__add__', 'tanh'
    cases: tuple[_Case, ...]
    rule: str  # the local derivative, for the hints
    listed: bool = True  # listed as skipped when the class does not define it


def _rule(op: str) -> str:
    """The engine's own statement of an op's local derivative (its rule's docstring)."""
    return (OPS[op].backward.__doc__ or "").strip().splitlines()[0]


_ONE = ((1.5,), (-0.5,))  # points for ops defined everywhere
_REQUIRED = (
    _Op("+", "__add__", (_Case("a + b", lambda a, b: a + b, ((2.0, -3.0), (0.5, 4.0))),
                         _Case("a + 2", lambda a: a + 2, _ONE)), _rule("+")),
    _Op("*", "__mul__", (_Case("a * b", lambda a, b: a * b, ((2.0, -3.0), (-1.5, -0.25))),
                         _Case("a * 3", lambda a: a * 3, _ONE)), _rule("*")),
    _Op("**", "__pow__", (_Case("a ** 2", lambda a: a ** 2, _ONE),
                          _Case("a ** 3", lambda a: a ** 3, ((-1.2,), (0.7,))),
                          _Case("a ** -1", lambda a: a ** -1, ((2.0,), (-0.8,))),
                          _Case("a ** 0.5", lambda a: a ** 0.5, ((2.25,), (0.3,)))),
        "d(a^n)/da = n a^(n-1), for a number n"),
    _Op("2 + a", "__radd__", (_Case("2 + a", lambda a: 2 + a, _ONE),), _rule("+")),
    _Op("2 * a", "__rmul__", (_Case("2 * a", lambda a: 2 * a, _ONE),), _rule("*")),
)
_OPTIONAL = (
    _Op("-", "__sub__", (_Case("a - b", lambda a, b: a - b, ((2.0, -3.0),)),
                         _Case("a - 2", lambda a: a - 2, _ONE)), _rule("-")),
    _Op("-a", "__neg__", (_Case("-a", lambda a: -a, _ONE),), _rule("neg")),
    _Op("/", "__truediv__", (_Case("a / b", lambda a, b: a / b, ((2.0, -4.0), (-1.5, 0.5))),
                             _Case("a / 2", lambda a: a / 2, _ONE)), _rule("/")),
    _Op("2 - a", "__rsub__", (_Case("2 - a", lambda a: 2 - a, _ONE),), _rule("-")),
    _Op("2 / a", "__rtruediv__", (_Case("2 / a", lambda a: 2 / a, ((1.5,), (-0.8,))),), _rule("/")),
    _Op("exp", "exp", (_Case("a.exp()", lambda a: a.exp(), ((0.5,), (-1.2,))),), _rule("exp")),
    _Op("log", "log", (_Case("a.log()", lambda a: a.log(), ((0.5,), (3.0,))),), _rule("log")),
    _Op("tanh", "tanh", (_Case("a.tanh()", lambda a: a.tanh(), ((0.5,), (-1.3,), (0.0,))),), _rule("tanh")),
    _Op("sigmoid", "sigmoid", (_Case("a.sigmoid()", lambda a: a.sigmoid(), ((0.5,), (-2.2,))),),
        _rule("sigmoid")),
    _Op("relu", "relu", (_Case("a.relu()", lambda a: a.relu(), ((1.3,), (-0.7,))),), _rule("relu")),
    # Tested when the class has them; a class without them is not told so.
    _Op("abs", "__abs__", (_Case("abs(a)", lambda a: abs(a), ((1.3,), (-0.7,))),), _rule("abs"), False),
    _Op("sqrt", "sqrt", (_Case("a.sqrt()", lambda a: a.sqrt(), ((0.5,), (4.0,))),), _rule("sqrt"), False),
    _Op("sin", "sin", (_Case("a.sin()", lambda a: a.sin(), ((0.5,), (-2.0,))),), _rule("sin"), False),
    _Op("cos", "cos", (_Case("a.cos()", lambda a: a.cos(), ((0.5,), (-2.0,))),), _rule("cos"), False),
    _Op("softplus", "softplus", (_Case("a.softplus()", lambda a: a.softplus(), ((0.5,), (-2.0,))),),
        _rule("softplus"), False),
)

_NAMES = ("a", "b")  # the operands' names in the messages


# ---------------------------------------------------------------------------
# Calling the student's class, and saying what went wrong
# ---------------------------------------------------------------------------


def _where(xs: Sequence[float]) -> str:
    """'a = 2, b = -3'."""
    return ", ".join(f"{n} = {number_text(x)}" for n, x in zip(_NAMES, xs, strict=False))


def _explain(case: _Case) -> Callable[[BaseException], str | None]:
    """A hint for a crash in `case`, from what kind of crash it was."""
    reflected = case.name[0].isdigit()

    def explain(e: BaseException) -> str | None:
        text = str(e)
        if reflected and isinstance(e, RecursionError):
            method, body = _REFLECTED[case.name[2]]
            return (f"in {method}(self, other), other is the number 2 and self your Value: start from self, "
                    f"e.g. `return {body}`; `other {case.name[2]} self` asks the number first and lands in "
                    f"{method} again.")
        if reflected and isinstance(e, TypeError) and "unsupported operand" in text:
            return _reflected_hint(case.name)
        if isinstance(e, AttributeError) and re.search(r"'(int|float)' object has no attribute 'data'", text):
            if "**" in case.name:
                return "in a ** n the exponent n is a plain number: use it as it is, not n.data."
            return _WRAP
        return _explain_any(e)

    return explain


def _explain_any(e: BaseException) -> str | None:
    """A hint for a crash anywhere in the class (an op, backward())."""
    if isinstance(e, TypeError) and "unhashable type" in str(e):
        return ("a class that defines __eq__ loses Python's hash, and sets (of _prev, of visited "
                "nodes) need it: add `__hash__ = object.__hash__` to the class, or leave out __eq__.")
    return None


# The method behind `2 + a` (and -, *, /), and a body for it.
_REFLECTED = {"+": ("__radd__", "self + other"), "*": ("__rmul__", "self * other"),
              "-": ("__rsub__", "(-self) + other"), "/": ("__rtruediv__", "other * self ** -1")}


def _reflected_hint(name: str) -> str:
    """How to make `2 + a` (or -, *, /) work."""
    method, body = _REFLECTED[name[2]]
    return (f"Python asks the number 2 first, which does not know your class, then your "
            f"{method}(self, other) with other = 2: define it, e.g. `return {body}`.")


def _run(fn: Callable[..., Any], args: Sequence[Any], subject: str,
         explain: Callable[[BaseException], str | None] = _explain_any) -> Any:
    """The student's code, run as the other checkers run it (a blank is NotDone, a
    crash one line with the student's own line)."""
    return run_answer(fn, args, None, explain, subject)


def _backward(root: Any) -> None:
    root.backward()


def _backward_unless_too_deep(root: Any) -> bool:
    """root.backward(); False if it stopped with RecursionError (a recursive sort)."""
    try:
        root.backward()
    except RecursionError:
        return False
    return True


def _grad_lines(cls: type, methods: Sequence[str], assigning: bool = False) -> list[str]:
    """The student's own lines in `methods` that write a grad (`.grad +=`, `.grad =`;
    with `assigning`, only those with `=`); [] where Python cannot read the source."""
    pattern = re.compile(r"\.grad\s*=(?!=)" if assigning else r"\.grad\s*[-+*]?=(?!=)")
    lines: list[str] = []
    for name in methods:
        fn = getattr(cls, name, None)
        fn = getattr(fn, "__func__", fn)
        try:
            source, _ = inspect.getsourcelines(fn)  # type: ignore[arg-type]
        except (OSError, TypeError):
            continue
        lines += [line.strip() for line in source if pattern.search(line)]
    return lines


def _your_lines(lines: Sequence[str], what: str = "your rule", brackets: str = "()") -> str:
    """' (your rule: `x.grad += ...`)' for the message, or '' (no lines); with
    brackets='', ' Your rule: `...`.'."""
    if not lines:
        return ""
    shown = "; ".join(f"`{line}`" for line in lines[:2])
    if not brackets:
        return f" {what}: {shown}."
    return f" {brackets[0]}{what}: {shown}{brackets[1]}"


def _value_of(cls: type, x: float, where: str) -> Any:
    """cls(x), checked to hold data x and grad 0."""
    v = _run(cls, (x,), f"{cls.__name__}({number_text(x)})")
    data, grad = getattr(v, "data", None), getattr(v, "grad", None)
    if not (is_number(data) and data == x):
        raise Wrong(f"{cls.__name__}({number_text(x)}).data is {short_repr(data)}, not {number_text(x)}{where}: "
                    f"__init__ stores the number as self.data.")
    if not (is_number(grad) and grad == 0):
        raise Wrong(f"{cls.__name__}({number_text(x)}).grad is {short_repr(grad)}, not 0{where}: __init__ starts "
                    f"with self.grad = 0.0 (no gradient yet).")
    return v


def _check_grad(cls: type, v: Any, name: str, context: str) -> float:
    """v.grad, checked to be a number."""
    g: Any = getattr(v, "grad", None)
    if isinstance(g, cls):
        raise Wrong(f"{context}, {name}.grad became a {cls.__name__}: a grad is a number. Use the numbers (.data) in "
                    f"your rules, e.g. `self.grad += other.data * out.grad`, not the Values themselves.")
    if not is_number(g):
        raise Wrong(f"{context}, {name}.grad became {type(g).__name__} {short_repr(g)}: a grad must stay a number.")
    return float(g)


# ---------------------------------------------------------------------------
# 1. Each op: forward, local derivative, the chain rule
# ---------------------------------------------------------------------------


def _expected(case: _Case, xs: Sequence[float], scale: float) -> tuple[float, list[float]]:
    """The engine's answer: the result's data and each operand's grad, from out * scale."""
    ins = [EngineValue(x) for x in xs]
    out = case.apply(*ins)
    root = out if scale == 1.0 else out * scale
    root.backward()
    return out.data, [v.grad for v in ins]


def _central_difference(cls: type, case: _Case, xs: Sequence[float], k: int) -> float | None:
    """(f(x + h) - f(x - h)) / 2h of the student's own forward, in operand k; None if it fails."""
    h = 1e-6 * max(1.0, abs(xs[k]))
    try:
        ends = []
        for sign in (1, -1):
            moved = list(xs)
            moved[k] += sign * h
            ends.append(float(case.apply(*[cls(x) for x in moved]).data))
        return (ends[0] - ends[1]) / (2 * h)
    except Exception:  # the student's forward fails near the point: the message does without
        return None


def _try_case(cls: type, op: _Op, case: _Case, xs: Sequence[float], scale: float) -> None:
    """Run `case` at `xs` with the student's class; backward() from out (scale 1) or
    from out * scale; raise Wrong, with a hint, at the first number that is off."""
    where = _where(xs)
    context = f"for {case.name} with {where}"
    want_data, want_grads = _expected(case, xs, scale)
    ins = [_value_of(cls, x, f" ({context})") for x in xs]
    out = _run(case.apply, ins, f"{case.name} with {where}", _explain(case))
    if not isinstance(out, cls):
        raise Wrong(f"{case.name} with {where} gave {type(out).__name__} {short_repr(out)}, not a {cls.__name__}: an "
                    f"op returns a new {cls.__name__} that remembers its operands, e.g. "
                    f"out = {cls.__name__}(t, (self,), 'tanh').")
    for n, v, x in zip(_NAMES, ins, xs, strict=False):
        if getattr(v, "data", None) != x:
            raise Wrong(f"{context}, {case.name} changed {n}.data: an op makes a new {cls.__name__} and leaves its "
                        f"operands alone.")
    data = getattr(out, "data", None)
    if not (is_number(data) and close_to(data, want_data)):
        raise Wrong(f"{context}, the result's data is {number_text(data)} but should be {number_text(want_data)}: "
                    f"check the forward computation in your {op.method}.")
    if scale == 1.0:
        root = out
        _run(_backward, (root,), f"backward() {context}")
        root_grad = getattr(out, "grad", None)
        if root_grad != 1:
            _root_not_one(cls, out, ins, context)
    else:
        root = _run(lambda o: o * scale, (out,), f"({case.name}) * {scale} with {where}", _explain(case))
        _run(_backward, (root,), f"backward() {context}")
    grads = [_check_grad(cls, v, n, context) for n, v in zip(_NAMES, ins, strict=False)]
    for k, (n, got, want) in enumerate(zip(_NAMES, grads, want_grads, strict=False)):
        if close_to(got, want):
            continue
        _wrong_derivative(cls, op, case, xs, scale, k, n, got, want, grads)


def _root_not_one(cls: type, out: Any, ins: Sequence[Any], context: str) -> None:
    g = getattr(out, "grad", None)
    if is_number(g) and g == 0 and all(getattr(v, "grad", None) == 0 for v in ins):
        raise Wrong(f"{context}, every grad is still 0 after out.backward(), out.grad too: backward() must start "
                    f"by setting the root's own grad to 1 (d out/d out = 1), `self.grad = 1.0`, before it "
                    f"runs each node's _backward() in reverse topological order.")
    raise Wrong(f"{context}, out.grad is {short_repr(g)} after out.backward(), not 1: backward() sets the "
                f"root's own grad to 1 (d out/d out = 1), `self.grad = 1.0`, and nothing else changes it.")


def _wrong_derivative(cls: type, op: _Op, case: _Case, xs: Sequence[float], scale: float, k: int,
                      name: str, got: float, want: float, grads: Sequence[float]) -> None:
    """The message for operand k's grad: `got` where `want` was due."""
    where = _where(xs)
    local = want / scale
    if scale == 1.0:
        head = f"for out = {case.name} with {where}, out.backward() should make {name}.grad {number_text(want)}"
    else:
        head = (f"for out = {case.name} with {where}, backpropagating from out * {scale} (so out.grad = {scale}) "
                f"should make {name}.grad {number_text(want)}")
    lines = _your_lines(_grad_lines(cls, [op.method]))
    if got == 0 and all(g == 0 for g in grads):
        hint = (f"nothing reached the operands: does {op.method} give the result its operands "
                f"({cls.__name__}(..., (self, other), ...)) and set out._backward, and does backward() call it?")
    elif scale != 1.0 and close_to(got, local) and not close_to(local, want):
        hint = f"your rule leaves out out.grad: multiply the local derivative by out.grad (the chain rule){lines}."
    elif close_to(got, -want):
        hint = f"the sign is flipped: {op.rule}{lines}."
    else:
        numeric = _central_difference(cls, case, xs, k)
        also = (f"; central differences of your own forward give {number_text(numeric * scale)} too"
                if numeric is not None and close_to(numeric * scale, want, 1e-4) else "")
        hint = f"the local derivative is {op.rule}{also}.{_your_lines(_grad_lines(cls, [op.method]), 'Your rule', '')}"
    raise Wrong(f"{head}, but it is {number_text(got)}. Hint: {hint}")


def _check_op(cls: type, op: _Op) -> None:
    """Every case of `op`: first backward() from the result, then from result * 1.7."""
    for scale in (1.0, _SCALE):
        for case in op.cases:
            for xs in case.points:
                _try_case(cls, op, case, xs, scale)


# ---------------------------------------------------------------------------
# 2. Shared nodes and +=, the topological order, a deep chain
# ---------------------------------------------------------------------------


def _check_shared(cls: type) -> None:
    """a + a, a * a, a * 4 + a: a node used twice gets both contributions."""
    graphs = (
        ("b = a + a", lambda a: a + a, 2.0, "1 from each use", ["__add__"]),
        ("b = a * a", lambda a: a * a, 6.0, "a.data = 3 from each use", ["__mul__"]),
        ("b = a * 4 + a", lambda a: a * 4 + a, 5.0, "4 through a * 4, 1 straight into +", ["__mul__", "__add__"]),
    )
    for name, build, want, parts, methods in graphs:
        a = _value_of(cls, 3.0, f" (for {name})")
        b = _run(build, (a,), f"{name} with a = 3")
        _run(_backward, (b,), f"backward() for {name} with a = 3")
        got = _check_grad(cls, a, "a", f"for {name} with a = 3")
        if close_to(got, want):
            continue
        one_use = {"b = a + a": [1.0], "b = a * a": [3.0], "b = a * 4 + a": [4.0, 1.0]}[name]
        if any(close_to(got, x) for x in one_use):
            raise Wrong(f"for {name} with a = 3, a.grad should be {number_text(want)} ({parts}) but is "
                        f"{number_text(got)}: only one use reached it; use += so that a node used twice gets "
                        f"both contributions{_your_lines(_grad_lines(cls, methods, assigning=True), 'not =')}.")
        raise Wrong(f"for {name} with a = 3, a.grad should be {number_text(want)} ({parts}) but is {number_text(got)}.")


def _check_order(cls: type) -> None:
    """s = r + 1 is used twice, at two depths: its _backward must run once, after both uses.

    L uses s directly and through (s * 3) * 4, so s is one step from the root and
    s * 3 two: walking the graph breadth first (or root first) runs s._backward()
    before s * 3 has added into s.grad, whatever order the operands come in.
    """
    what = "L = s + (s * 3) * 4 with s = r + 1 and r = 1.5"
    r = _value_of(cls, 1.5, f" (for {what})")
    s = _run(lambda r: r + 1, (r,), "s = r + 1 with r = 1.5")
    root = _run(lambda s: s + (s * 3) * 4, (s,), what)
    _run(_backward, (root,), f"backward() for {what}")
    got_s = _check_grad(cls, s, "s", f"for {what}")
    got_r = _check_grad(cls, r, "r", f"for {what}")
    if close_to(got_s, 13.0) and close_to(got_r, 13.0):
        return
    how = ("backward() must run s._backward() once, after both uses have added into s.grad: list the nodes in "
           "a topological order (each after its operands, every node once, with a `visited` set), set the "
           "root's grad to 1, and call _backward() on each node in the reverse of that order.")
    if close_to(got_s, 13.0):
        more = ("s.grad is right, so s pushed its grad more than once" if abs(got_r) > 13.0
                else "s.grad is right, so s pushed its grad into r before both uses had added theirs")
        raise Wrong(f"for {what}, r.grad should be 13 (= s.grad, 1 + 3*4) but is {number_text(got_r)}: {more}. {how}")
    raise Wrong(f"for {what}, s.grad should be 13 (1 + 3*4, one contribution from each use) but is "
                f"{number_text(got_s)}. s is used twice, at two depths: {how}")


def _check_deep_chain(cls: type) -> str:
    """A chain _DEEP ops deep: the grads if backward() gets through it, else a note on recursion."""
    what = f"a chain {_DEEP} ops deep (x = x * {_STEP} + 0.001, {_DEEP // 2} times)"
    first = _value_of(cls, 0.1, f" (for {what})")

    def build(x: Any) -> Any:
        for _ in range(_DEEP // 2):
            x = x * _STEP + 0.001
        return x

    last = _run(build, (first,), f"building {what}")
    with recursion_limit_at_most(1000):
        finished = _run(_backward_unless_too_deep, (last,), f"backward() on {what}")
    if not finished:
        return (f" One thing to improve: on {what}, backward() stopped with RecursionError. Its topological "
                f"sort calls itself once per level (as the lecture's build_topo does), and Python allows about "
                f"1000 nested calls; real networks are deeper. Use a loop with a list as your own stack "
                f"instead (the topological_sort exercise shows how).")
    got = _check_grad(cls, first, "x", f"for {what}")
    want = _STEP ** (_DEEP // 2)
    if not close_to(got, want):
        raise Wrong(f"on {what}, the first x's grad should be {_STEP} ** {_DEEP // 2} = {number_text(want)} "
                    f"but is {number_text(got)}: every node must push its grad, in reverse topological order.")
    return ""


# ---------------------------------------------------------------------------
# The exercise
# ---------------------------------------------------------------------------


def _check_it_is_a_class(answer: Any) -> type:
    """The student's class, or Wrong / NotDone saying what was passed instead."""
    if answer is None or answer is ...:
        raise NotDone("write your class Value, then pass the class itself: check('value_class', Value).")
    if isinstance(answer, type) and issubclass(answer, EngineValue):
        raise Wrong("that is tinygrad_ann's own Value: write your own class (class Value: with data, grad, "
                    "the ops and backward()) and pass it.")
    if not isinstance(answer, type):
        if hasattr(answer, "data") and hasattr(answer, "grad"):
            raise Wrong(f"you passed one {type(answer).__name__} (an object of your class), not the class: pass "
                        f"the class itself, check('value_class', {type(answer).__name__}).")
        raise Wrong(f"expected your class Value, got {type(answer).__name__} {short_repr(answer)}: pass the class "
                    f"itself, check('value_class', Value).")
    sig = signature_of(answer)
    if sig is not None:
        try:
            sig.bind(2.0)
        except TypeError:
            raise Wrong(f"{answer.__name__}(2.0) must work with the number alone: give __init__'s other arguments "
                        f"defaults, def __init__(self, data, _children=(), _op=''), as in the lecture.") from None
    for method, how in (("backward", "def backward(self): the root's grad = 1, then each node's _backward() "
                                     "in reverse topological order"),
                        ("__add__", "def __add__(self, other): a + b"), ("__mul__", "def __mul__(self, other): a * b"),
                        ("__pow__", "def __pow__(self, other): a ** n for a number n")):
        if not callable(getattr(answer, method, None)):
            raise Wrong(f"your class has no {method}: write it ({how}).")
    return answer


def _defined(cls: type, op: _Op) -> bool:
    return callable(getattr(cls, op.method, None))


@exercise(
    "value_class",
    "Write your own micrograd: a class Value with data and grad, +, * and ** with a number (and "
    "numbers on either side: 2 + a, 2 * a), and backward(); -, /, exp, tanh, relu, ... if you like. "
    "Pass the class: check('value_class', Value).",
)
def _check_value_class(answer: Any) -> str:
    cls = _check_it_is_a_class(answer)
    _value_of(cls, 2.0, "")
    for op in _REQUIRED:
        if not _defined(cls, op):
            case = op.cases[0]
            raise Wrong(f"{case.name} does not work: your class has no {op.method}. {_reflected_hint(case.name)}")
        _check_op(cls, op)
    _check_shared(cls)
    _check_order(cls)
    done, skipped, blank = [], [], []
    for op in _OPTIONAL:
        if not _defined(cls, op):
            if op.listed:
                skipped.append(op.title)
            continue
        try:
            _check_op(cls, op)
        except NotDone:  # still `raise NotImplementedError()`: an op not written yet
            blank.append(op.title)
            continue
        done.append(op.title)
    note = _check_deep_chain(cls)
    summary = "+, *, ** and backward() are right (numbers on either side, shared nodes, the topological order)"
    if done:
        summary += f"; also {', '.join(done)}"
    if skipped:
        summary += f"; not defined (skipped): {', '.join(skipped)}"
    if blank:
        summary += f"; not written yet (skipped): {', '.join(blank)}"
    return summary + "." + note
