"""Classroom exercises: one-line checkers that run a student's code and explain the result.

Each exercise has a name; `check(name, answer)` runs the answer against the
engine and against finite differences and returns a `CheckResult`: passed, or
which input failed, what was expected and what came back, and a hint. A
mistake in the student's code is reported in plain words, never as a wall of
traceback. `EXERCISES` lists them all with what each asks for.

Example:
    >>> def tanh_backward(out):
    ...     x = out._prev[0]
    ...     x.grad += (1 - out.data ** 2) * out.grad
    >>> check('tanh_backward', tanh_backward).passed
    True
    >>> def unfinished(out):
    ...     raise NotImplementedError
    >>> print(check('tanh_backward', unfinished))
    ⏳ tanh_backward: not done yet — your function raised NotImplementedError. Replace the `raise NotImplementedError()` line with your code.

Teachers: exercise notebooks mark solutions with `### BEGIN SOLUTION` and
`### END SOLUTION` lines (nbgrader's convention); `make_student_version` turns a
solution notebook into the student one by replacing each marked region.
"""

from __future__ import annotations

import json
import math
import os
import random
import traceback
from dataclasses import dataclass
from typing import Any, Callable, NamedTuple

from .engine import Value
from .functional import GradcheckError, gradcheck

__all__ = ["check", "CheckResult", "EXERCISES", "make_student_version", "strip_solutions"]


@dataclass
class CheckResult:
    """The verdict of `check`: `passed`, and a `message` for the student.

    It is truthy when passed; in a notebook it shows as its message.

    Example:
        >>> r = CheckResult('mse', False, '❌ mse: ...')
        >>> bool(r), str(r)
        (False, '❌ mse: ...')
    """

    exercise: str
    passed: bool
    message: str

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        return self.message

    __repr__ = __str__

    def _repr_html_(self) -> str:
        import html

        colour = "#1a7f37" if self.passed else "#9a6700" if self.message.startswith("⏳") else "#cf222e"
        return (
            f'<div style="border-left: 4px solid {colour}; padding: 4px 10px; '
            f'white-space: pre-wrap; font-family: sans-serif">{html.escape(self.message)}</div>'
        )


class _Fail(Exception):
    """Raised inside a checker: the student's answer is wrong; the text says how."""


class _NotDone(Exception):
    """The answer is still the blank."""


class Exercise(NamedTuple):
    """One exercise: what it asks for, and the function that checks an answer."""

    task: str
    checker: Callable[[Any], str]


EXERCISES: dict[str, Exercise] = {}


def _exercise(name: str, task: str) -> Callable[[Callable[[Any], str]], Callable[[Any], str]]:
    def register(checker: Callable[[Any], str]) -> Callable[[Any], str]:
        EXERCISES[name] = Exercise(task, checker)
        return checker

    return register


def check(name: str, answer: Any) -> CheckResult:
    """Check a student's `answer` to exercise `name`; explain what is wrong if anything.

    Never raises for a mistake in the answer: the result says what happened.

    Example:
        >>> check('chain_rule', {'a': 6.0, 'b': -4.0, 'c': -2.0, 'd': -2.0, 'e': -2.0, 'f': 4.0}).passed
        True
    """
    if name not in EXERCISES:
        raise ValueError(f"check: no exercise {name!r}; the exercises are: {', '.join(EXERCISES)}")
    try:
        detail = EXERCISES[name].checker(answer)
    except _NotDone as e:
        return CheckResult(name, False, f"⏳ {name}: not done yet — {e}")
    except _Fail as e:
        return CheckResult(name, False, f"❌ {name}: {e}")
    except Exception as e:  # the student's code failed in a way the checker did not foresee
        return CheckResult(name, False, f"❌ {name}: your code raised {_where(e)}")
    return CheckResult(name, True, f"✅ {name}: passed — {detail}")


def _where(e: BaseException) -> str:
    """'TypeError: ... (line 3 of your code)' — the error and the student's line, no traceback."""
    frames = [f for f in traceback.extract_tb(e.__traceback__) if not f.filename.endswith("exercises.py")]
    line = f" (at `{frames[-1].line}`)" if frames and frames[-1].line else ""
    return f"{type(e).__name__}: {e}{line}"


def _call(fn: Any, *args: Any) -> Any:
    """Call the student's function, turning 'not done yet' and crashes into messages."""
    if not callable(fn):
        raise _Fail(f"expected a function, got {type(fn).__name__}: {fn!r}")
    try:
        return fn(*args)
    except NotImplementedError:
        raise _NotDone(
            "your function raised NotImplementedError. Replace the "
            "`raise NotImplementedError()` line with your code."
        ) from None
    except Exception as e:
        raise _Fail(f"your function raised {_where(e)}") from None


def _close(a: float, b: float, tol: float = 1e-6) -> bool:
    return isinstance(a, (int, float)) and abs(a - b) <= tol * max(1.0, abs(b))


def _fmt(x: float) -> str:
    return f"{x:.6g}"


# ---------------------------------------------------------------------------
# 1. Derivatives by hand
# ---------------------------------------------------------------------------

_CHAIN_HINTS = {
    "f": "L = d * f, so dL/df = d.",
    "d": "L = d * f, so dL/dd = f.",
    "c": "d = e + c: a + passes the gradient through unchanged, so dL/dc = dL/dd.",
    "e": "d = e + c: a + passes the gradient through unchanged, so dL/de = dL/dd.",
    "a": "e = a * b, so dL/da = dL/de * de/da = dL/de * b.",
    "b": "e = a * b, so dL/db = dL/de * de/db = dL/de * a.",
}


@_exercise(
    "chain_rule",
    "a=2, b=-3, c=10, f=-2; e = a*b; d = e + c; L = d * f. Give dL/dx for every x as a "
    "dict {'a': ..., 'b': ..., 'c': ..., 'd': ..., 'e': ..., 'f': ...}, or a function returning it.",
)
def _check_chain_rule(answer: Any) -> str:
    if callable(answer):  # a function that returns the dict (so a blank can raise)
        answer = _call(answer)
    if answer is None or answer is ... or answer == {}:
        raise _NotDone("fill in the dictionary of derivatives.")
    if not isinstance(answer, dict):
        raise _Fail(f"expected a dict like {{'a': 1.0, ...}}, got {type(answer).__name__}")
    a, b, c, f = (Value(v, label=n) for v, n in ((2.0, "a"), (-3.0, "b"), (10.0, "c"), (-2.0, "f")))
    e = a * b
    d = e + c
    L = d * f
    L.backward()
    expected = {"a": a.grad, "b": b.grad, "c": c.grad, "d": d.grad, "e": e.grad, "f": f.grad}
    missing = [k for k in expected if k not in answer]
    if missing:
        raise _Fail(f"the dict has no entry for {', '.join(missing)}.")
    if any(v is None or v is ... for v in answer.values()):
        raise _NotDone("some derivatives are still blank (None or ...).")
    for name in ("f", "d", "c", "e", "a", "b"):  # the order backprop finds them
        got = answer[name]
        if not _close(got, expected[name]):
            raise _Fail(
                f"dL/d{name}: you gave {got!r}, but it is {_fmt(expected[name])}. "
                f"Hint: {_CHAIN_HINTS[name]}"
            )
    return "all six derivatives are right. That is backpropagation done by hand."


# ---------------------------------------------------------------------------
# 2. Local derivatives: write an op's _backward
# ---------------------------------------------------------------------------


def _check_backward(
    student: Any,
    build: Callable[[list[Value]], Value],
    points: list[list[float]],
    hint: str,
) -> str:
    """Run `student(out)` on nodes made by `build`, compare with the engine's own rule.

    Every operand starts with grad 0.5 (not 0), so a rule that assigns with `=`
    instead of accumulating with `+=` is caught.
    """
    for xs in points:
        # The engine's answer.
        ref_in = [Value(x) for x in xs]
        ref_out = build(ref_in)
        ref_out.grad = 1.7
        for v in ref_in:
            v.grad = 0.5
        ref_out._backward()
        # The student's answer on an identical node.
        ins = [Value(x) for x in xs]
        out = build(ins)
        out.grad = 1.7
        for v in ins:
            v.grad = 0.5
        returned = _call(student, out)
        for i, (v, r) in enumerate(zip(ins, ref_in)):
            if _close(v.grad, r.grad):
                continue
            where = ", ".join(f"{_fmt(x)}" for x in xs)
            if returned is not None and v.grad == 0.5:
                raise _Fail(
                    f"at input ({where}) your function returned {returned!r} but left the "
                    f"operands' grads unchanged. A _backward rule returns nothing: it adds to "
                    f"`operand.grad` with +=."
                )
            if _close(v.grad, r.grad - 0.5):
                raise _Fail(
                    f"at input ({where}) the grad of operand {i} was overwritten: use += "
                    f"(accumulate), not =, because a value used twice gets gradient from both uses."
                )
            raise _Fail(
                f"at input ({where}) with out.grad = 1.7, operand {i}'s grad should grow by "
                f"{_fmt(r.grad - 0.5)} but grew by {_fmt(v.grad - 0.5)}. Hint: {hint}"
            )
    return f"your rule matches the engine at {len(points)} points (and accumulates with +=)."


@_exercise("tanh_backward", "def tanh_backward(out): push out.grad into x = out._prev[0] with the local derivative of tanh.")
def _check_tanh_backward(student: Any) -> str:
    return _check_backward(
        student, lambda v: v[0].tanh(),
        [[0.0], [0.5], [-1.3], [2.0], [-4.0]],
        "out.data already holds tanh(x), and d tanh(x)/dx = 1 - tanh(x)^2; multiply by out.grad (chain rule).",
    )


@_exercise("sigmoid_backward", "def sigmoid_backward(out): push out.grad into x = out._prev[0] with the local derivative of sigmoid.")
def _check_sigmoid_backward(student: Any) -> str:
    return _check_backward(
        student, lambda v: v[0].sigmoid(),
        [[0.0], [0.7], [-2.2], [5.0]],
        "with s = out.data = sigmoid(x), d sigmoid(x)/dx = s * (1 - s); multiply by out.grad.",
    )


@_exercise("mul_backward", "def mul_backward(out): a, b = out._prev; push out.grad into both with the local derivatives of a*b.")
def _check_mul_backward(student: Any) -> str:
    detail = _check_backward(
        student, lambda v: v[0] * v[1],
        [[2.0, -3.0], [0.5, 4.0], [-1.5, -0.25]],
        "d(a*b)/da = b.data and d(a*b)/db = a.data; multiply each by out.grad.",
    )
    # a * a: both operands are the same Value; its grad must get both contributions.
    a = Value(3.0)
    out = a * a
    out.grad = 1.0
    _call(student, out)
    if not _close(a.grad, 6.0):
        raise _Fail(
            f"for out = a * a with a = 3, a.grad should be 2*3 = 6 but is {_fmt(a.grad)}. "
            f"Both operands are the same Value: add both contributions with +=."
        )
    return detail


@_exercise("pow_backward", "def pow_backward(out): a, n = out._prev (n is a constant Value exponent); push out.grad into a.")
def _check_pow_backward(student: Any) -> str:
    def build(v: list[Value]) -> Value:
        return v[0] ** v[1]

    return _check_backward_first_operand(
        student, build, [[2.0, 3.0], [1.5, 2.0], [4.0, 0.5], [0.3, -1.0]],
        "d(a^n)/da = n * a^(n-1): use n.data and a.data, then multiply by out.grad.",
    )


def _check_backward_first_operand(student: Any, build: Callable[[list[Value]], Value], points: list[list[float]], hint: str) -> str:
    """Like _check_backward, but only the first operand's grad is checked (pow's base)."""
    for xs in points:
        ref = [Value(x) for x in xs]
        ref_out = build(ref)
        ref_out.grad = 1.7
        ref[0].grad = 0.5
        ref_out._backward()
        ins = [Value(x) for x in xs]
        out = build(ins)
        out.grad = 1.7
        ins[0].grad = 0.5
        _call(student, out)
        if not _close(ins[0].grad, ref[0].grad):
            where = ", ".join(_fmt(x) for x in xs)
            if _close(ins[0].grad, ref[0].grad - 0.5):
                raise _Fail(f"at ({where}) a.grad was overwritten: use +=, not =.")
            raise _Fail(
                f"at a = {_fmt(xs[0])}, n = {_fmt(xs[1])} with out.grad = 1.7, a.grad should grow by "
                f"{_fmt(ref[0].grad - 0.5)} but grew by {_fmt(ins[0].grad - 0.5)}. Hint: {hint}"
            )
    return f"your rule matches the engine at {len(points)} points."


# ---------------------------------------------------------------------------
# 3. The topological sort
# ---------------------------------------------------------------------------


def _graphs() -> list[tuple[str, Value]]:
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    single = a * b + a  # a is used twice
    x = Value(0.5, label="x")
    y = x.tanh()
    diamond = (y * 2) + (y.exp())  # y feeds two nodes that meet again
    s = Value(1.0, label="s")
    same = s + s  # one Value on both sides
    chain = Value(0.1, label="c")
    for _ in range(200):
        chain = chain * 1.01 + 0.001
    leaf = Value(7.0, label="leaf")
    return [("a*b + a", single), ("a diamond", diamond), ("s + s", same), ("a chain 400 ops deep", chain), ("a single leaf", leaf)]


@_exercise("topological_sort", "def topological_sort(root): return every node root depends on (root too), each after its operands.")
def _check_topological_sort(student: Any) -> str:
    for name, root in _graphs():
        order = _call(student, root)
        if order is None:
            raise _Fail(f"for {name}, your function returned None: return the list of nodes.")
        try:
            order = list(order)
        except TypeError:
            raise _Fail(f"for {name}, your function returned {type(order).__name__}, not a list of Values.") from None
        expected = root.topological_order()
        ids = [id(v) for v in order]
        if len(set(ids)) != len(ids):
            raise _Fail(f"for {name}, some node appears more than once: keep a `visited` set.")
        if set(ids) != {id(v) for v in expected}:
            raise _Fail(
                f"for {name}, the list has {len(order)} nodes but the graph has {len(expected)}: "
                f"visit every operand in `_prev`, recursively, and include the root."
            )
        position = {id(v): i for i, v in enumerate(order)}
        for v in order:
            for child in v._prev:
                if position[id(child)] > position[id(v)]:
                    raise _Fail(
                        f"for {name}, {v._op or 'a node'} with data {_fmt(v.data)} comes before its "
                        f"operand with data {_fmt(child.data)}: add a node only after all its operands."
                    )
    return "every node once, each after its operands, on five graphs (shared nodes, a diamond, a deep chain)."


# ---------------------------------------------------------------------------
# 4. A neuron's forward pass, an SGD step, MSE
# ---------------------------------------------------------------------------


@_exercise("neuron_forward", "def neuron_forward(w, x, b): return tanh(w[0]*x[0] + ... + w[n-1]*x[n-1] + b) as a Value.")
def _check_neuron_forward(student: Any) -> str:
    rng = random.Random(0)
    for n in (1, 2, 5):
        wd = [rng.uniform(-1, 1) for _ in range(n)]
        xd = [rng.uniform(-2, 2) for _ in range(n)]
        bd = rng.uniform(-0.5, 0.5)
        w, b = [Value(v) for v in wd], Value(bd)
        out = _call(student, w, xd, b)
        expected = math.tanh(sum(wi * xi for wi, xi in zip(wd, xd)) + bd)
        if not isinstance(out, Value):
            raise _Fail(
                f"with {n} inputs your function returned {type(out).__name__}, not a Value: "
                f"compute with the Values w and b (not .data) so that backward() can reach them."
            )
        if not _close(out.data, expected):
            pre = sum(wi * xi for wi, xi in zip(wd, xd)) + bd
            hint = (
                "you seem to have left out tanh." if _close(out.data, pre)
                else "you seem to have left out the bias b." if _close(out.data, math.tanh(pre - bd))
                else "sum w[i]*x[i] over all i, add b, then apply .tanh()."
            )
            raise _Fail(f"with {n} inputs the output is {_fmt(out.data)} but should be {_fmt(expected)}: {hint}")
        out.backward()
        slope = 1 - expected**2
        for i, wi in enumerate(w):
            if not _close(wi.grad, slope * xd[i]):
                raise _Fail(f"the gradient does not reach w[{i}]: build the output from the Values in w, not from numbers.")
        if not _close(b.grad, slope):
            raise _Fail("the gradient does not reach b: add the Value b itself, not b.data.")
    return "the output and its gradients are right for 1, 2 and 5 inputs."


@_exercise("sgd_step", "def sgd_step(params, lr): move every parameter's data one step downhill: p.data -= lr * p.grad.")
def _check_sgd_step(student: Any) -> str:
    params = [Value(1.0), Value(-2.0), Value(0.5)]
    grads = [0.5, -1.0, 0.0]
    for p, g in zip(params, grads):
        p.grad = g
    result = _call(student, params, 0.1)
    expected = [1.0 - 0.05, -2.0 + 0.1, 0.5]
    got = [p.data for p in params]
    if all(_close(g, e) for g, e in zip(got, expected)):
        if [p.grad for p in params] != grads:
            raise _Fail("the data are right, but the step changed the grads: leave p.grad alone (zero_grad does that).")
        return "every parameter moved by -lr * grad."
    if all(_close(g, e) for g, e in zip(got, [1.05, -2.1, 0.5])):
        raise _Fail("the parameters moved uphill: subtract lr * p.grad (gradient *descent*).")
    if got == [1.0, -2.0, 0.5]:
        raise _Fail(
            f"no parameter changed{' (your function returned a value instead)' if result is not None else ''}: "
            f"update each p.data in place."
        )
    raise _Fail(f"with lr = 0.1 and grads {grads}, data should become {expected} but became {got}.")


@_exercise("mse", "def mse(preds, targets): the mean of (pred - target)^2 over the samples, as a Value.")
def _check_mse(student: Any) -> str:
    cases = [([0.5, -1.0, 2.0], [1.0, -1.0, 0.0]), ([3.0], [1.0]), ([0.1, 0.2, 0.3, 0.4], [0.0, 0.0, 1.0, -1.0])]
    for pd, td in cases:
        preds = [Value(p) for p in pd]
        out = _call(student, preds, td)
        n = len(pd)
        expected = sum((p - t) ** 2 for p, t in zip(pd, td)) / n
        if not isinstance(out, Value):
            raise _Fail(f"your function returned {type(out).__name__}, not a Value: compute with the Values in preds.")
        if not _close(out.data, expected):
            hint = (
                "that is the sum: divide by the number of samples for the mean."
                if _close(out.data, expected * n)
                else "square each difference (pred - target) ** 2, then average them."
            )
            raise _Fail(f"for preds {pd} and targets {td} the loss is {_fmt(out.data)} but should be {_fmt(expected)}: {hint}")
        out.backward()
        for i, (p, t) in enumerate(zip(pd, td)):
            if not _close(preds[i].grad, 2 * (p - t) / n):
                raise _Fail(f"the gradient of preds[{i}] is {_fmt(preds[i].grad)}, expected 2(pred - target)/n = {_fmt(2 * (p - t) / n)}.")
    return "the loss and its gradients are right on three batches."


# ---------------------------------------------------------------------------
# 5. Train a network; check a custom op
# ---------------------------------------------------------------------------


def _takes_no_arguments(fn: Any) -> bool:
    import inspect

    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return False
    return all(p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in params)


@_exercise(
    "train_moons",
    "Train a model on make_moons(100, noise=0.1, seed=0); pass the model (or a function that "
    "trains and returns it): it must reach 90% on unseen moons points.",
)
def _check_train_moons(model: Any) -> str:
    if model is None or model is ...:
        raise _NotDone("train a model, then pass it to check.")
    if not callable(model):
        raise _Fail(f"expected the trained model, got {type(model).__name__}")
    if not hasattr(model, "parameters") and _takes_no_arguments(model):
        model = _call(model)  # a function that trains and returns the model
        if model is None:
            raise _Fail("your training function returned None: end it with `return model`.")
    from .datasets import make_moons
    from .train import accuracy

    X, y = make_moons(n_samples=200, noise=0.1, seed=12345)  # points it has not seen
    signed = [2 * v - 1 for v in y]
    try:
        acc = max(accuracy(model, X, y), accuracy(model, X, signed))
    except Exception as e:
        raise _Fail(f"calling your model on a point raised {_where(e)}") from None
    if acc < 0.9:
        raise _Fail(
            f"your model classifies {acc:.0%} of 200 unseen moons points correctly; the target is 90%. "
            f"Hint: train for more steps, try a learning rate between 0.05 and 1, or a wider hidden layer."
        )
    return f"{acc:.0%} of 200 unseen points classified correctly."


@_exercise("custom_op", "Make an op with custom_op(name, forward, derivative) (e.g. swish or cube) and pass it: it is gradchecked.")
def _check_custom_op(op: Any) -> str:
    if op is None or op is ...:
        raise _NotDone("define your op with custom_op, then pass it to check.")
    if not callable(op):
        raise _Fail(f"expected a function Value -> Value, got {type(op).__name__}")
    points = [-1.7, -0.4, 0.3, 1.2, 2.5]
    for x in points:
        try:
            gradcheck(lambda v: _call(op, v), [x])
        except GradcheckError as e:
            raise _Fail(f"the derivative disagrees with finite differences at x = {x}: {e}. Hint: check your derivative formula.") from None
        except (_NotDone, _Fail):
            raise
        except TypeError as e:
            raise _Fail(f"at x = {x}: {e}") from None
    return f"the derivative matches finite differences at {len(points)} points."


# ---------------------------------------------------------------------------
# For teachers: student versions of solution notebooks
# ---------------------------------------------------------------------------

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
PLACEHOLDER = "raise NotImplementedError()  # your code here"


def strip_solutions(source: str) -> str:
    """Replace every `### BEGIN SOLUTION` … `### END SOLUTION` region with a blank.

    The blank keeps the region's indentation and raises NotImplementedError,
    which the checkers report as "not done yet".

    Example:
        >>> code = "def f(x):\\n    ### BEGIN SOLUTION\\n    return 2 * x\\n    ### END SOLUTION\\n"
        >>> print(strip_solutions(code))
        def f(x):
            raise NotImplementedError()  # your code here
        <BLANKLINE>
    """
    out: list[str] = []
    inside = False
    for number, line in enumerate(source.splitlines(keepends=True), 1):
        stripped = line.strip()
        if stripped == BEGIN:
            if inside:
                raise ValueError(f"strip_solutions: line {number}: {BEGIN} inside another solution region")
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            out.append(f"{indent}{PLACEHOLDER}\n")
        elif stripped == END:
            if not inside:
                raise ValueError(f"strip_solutions: line {number}: {END} without {BEGIN}")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError(f"strip_solutions: {BEGIN} is never closed by {END}")
    return "".join(out)


def make_student_version(solution_path: str | os.PathLike[str], student_path: str | os.PathLike[str]) -> int:
    """Write the student version of a solution notebook; return how many blanks it has.

    Code cells lose their solution regions (see `strip_solutions`) and all
    outputs; markdown cells are kept. The notebook is read and written as JSON.

    Example:
        >>> make_student_version('solutions/01.ipynb', 'exercises/01.ipynb')   # doctest: +SKIP
        8
    """
    with open(solution_path, encoding="utf-8") as f:
        nb = json.load(f)
    blanks = 0
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        src = "".join(cell.get("source", []))
        if BEGIN in src:
            blanks += src.count(BEGIN)
            src = strip_solutions(src)
            cell["source"] = src.splitlines(keepends=True)
        cell["outputs"] = []
        cell["execution_count"] = None
    with open(student_path, "w", encoding="utf-8") as f:
        json.dump(nb, f, indent=1, ensure_ascii=False)
        f.write("\n")
    return blanks

