"""The network exercises: a neuron's forward pass, an SGD step, the MSE loss, and
training a network on the moons.

    neuron_forward   tanh(w·x + b) as a Value that backward() reaches w and b through
    sgd_step         every parameter one step downhill, in place
    mse              the mean squared error, as a Value
    train_moons      a trained model that classifies 90% of unseen moons points

Importing this file registers them in `EXERCISES`.

Example:
    >>> from tinygrad_ann.exercises import check
    >>> print(check('sgd_step', lambda params, lr: None))
    ❌ sgd_step: no parameter changed: update each p.data in place.
"""

from __future__ import annotations

import math
import random
from typing import Any, cast

from .._checks import is_number
from ..engine import Value, no_grad
from ._text import close_to, number_text, numbers_text, plural, short_repr
from .checking import NotDone, Wrong, exercise, run_answer, signature_of

__all__: list[str] = []  # the exercises are reached through check() and EXERCISES


# ---------------------------------------------------------------------------
# 1. A neuron's forward pass, an SGD step, MSE
# ---------------------------------------------------------------------------


def _list_left_alone(given: list[Any], now: list[Any], what: str, job: str) -> None:
    """`given` must still hold what it held (`now`, a copy taken before the call)."""
    if len(given) != len(now) or any(a is not b and a != b for a, b in zip(given, now, strict=True)):
        raise Wrong(
            f"your function changed the list {what} (it held {plural(len(now), 'item')}, it now "
            f"{'holds ' + str(len(given)) if len(given) != len(now) else 'holds others'}): {job} must "
            f"leave its inputs alone; build what you need in a new variable."
        )


# The activations a student may use instead of tanh, by the name of the op that
# made the output (the engine's own methods), and as numbers (written by hand).
_OTHER_ACTIVATIONS = ("relu", "sigmoid", "leaky_relu", "softplus", "gelu", "step")


def _sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))


def _which_activation(out: Value, pre: float, bias: float) -> str:
    """Why a neuron's output is wrong, naming the activation the student used.

    `pre` is w·x + b; the checker's first case has pre < 0, where tanh, sigmoid,
    relu and no activation at all all give different numbers.
    """
    fix = "the neuron's activation is tanh: apply .tanh() to w·x + b."
    op = out._op
    if op in _OTHER_ACTIVATIONS:
        return f"you used {op}; {fix}"
    if close_to(out.data, pre):
        return "you seem to have left out tanh: the output is w·x + b itself; apply .tanh() to it."
    if close_to(out.data, _sigmoid(pre)):
        return f"you used sigmoid; {fix}"
    if close_to(out.data, max(pre, 0.0)):
        return f"you used relu; {fix}"
    if close_to(out.data, math.tanh(pre - bias)):
        return "you seem to have left out the bias b: add it before the tanh."
    return "sum w[i]*x[i] over all i, add b, then apply .tanh()."


def _neuron_cases() -> list[tuple[list[float], list[float], float]]:
    """(w, x, b) for 1, 2 and 5 inputs; the one of 5 first: its w·x + b is negative,
    where tanh, sigmoid, relu and no activation differ (the others' are positive)."""
    rng = random.Random(0)
    cases = []
    for n in (1, 2, 5):
        wd = [rng.uniform(-1, 1) for _ in range(n)]
        xd = [rng.uniform(-2, 2) for _ in range(n)]
        cases.append((wd, xd, rng.uniform(-0.5, 0.5)))
    return [cases[2], cases[0], cases[1]]


@exercise("neuron_forward", "def neuron_forward(w, x, b): return tanh(w[0]*x[0] + ... + w[n-1]*x[n-1] + b) as a Value.")
def _check_neuron_forward(student: Any) -> str:
    for wd, xd, bd in _neuron_cases():
        n = len(wd)
        pre = sum(wi * xi for wi, xi in zip(wd, xd, strict=True)) + bd  # worked out before the student's code runs
        expected = math.tanh(pre)
        w, x, b = [Value(v, label=f"w[{i}]") for i, v in enumerate(wd)], list(xd), Value(bd, label="b")
        w_before = list(w)
        out = run_answer(student, (w, x, b), "neuron_forward(w, x, b)")
        _list_left_alone(w, w_before, "w", "a forward pass")
        _list_left_alone(x, xd, "x", "a forward pass")
        for v, d in zip(w + [b], wd + [bd], strict=True):
            if v.data != d:
                raise Wrong(f"your function changed {v.label}.data: a forward pass only reads the weights.")
        if not isinstance(out, Value):
            raise Wrong(
                f"with {plural(n, 'input')} your function returned {type(out).__name__}, not a Value: "
                f"compute with the Values w and b (not .data) so that backward() can reach them."
            )
        if not close_to(out.data, expected):
            raise Wrong(f"with {plural(n, 'input')} the output is {number_text(out.data)} but should be "
                        f"{number_text(expected)}: {_which_activation(out, pre, bd)}")
        out.backward()
        slope = 1 - expected**2
        for i, wi in enumerate(w):
            if not close_to(wi.grad, slope * xd[i]):
                raise Wrong(f"the gradient does not reach w[{i}]: build the output from the Values in w, not from numbers.")
        if not close_to(b.grad, slope):
            raise Wrong("the gradient does not reach b: add the Value b itself, not b.data.")
    return "the output and its gradients are right for 1, 2 and 5 inputs."


@exercise("sgd_step", "def sgd_step(params, lr): move every parameter's data one step downhill, by lr times its grad.")
def _check_sgd_step(student: Any) -> str:
    # Every grad is non-zero, so each parameter must move: a loop that skips one
    # (range(len(params) - 1), params[1:]) leaves a parameter behind, and fails.
    start, grads, lr = [1.0, -2.0, 0.5, 3.0], [0.5, -1.0, 2.0, -0.25], 0.1
    expected = [p - lr * g for p, g in zip(start, grads, strict=True)]
    uphill = [p + lr * g for p, g in zip(start, grads, strict=True)]
    params = [Value(p) for p in start]
    for p, g in zip(params, grads, strict=True):
        p.grad = g
    result = run_answer(student, (params, lr), "sgd_step(params, lr)")
    got = [p.data for p in params]
    for i, d in enumerate(got):
        if not is_number(d):
            raise Wrong(f"params[{i}].data became {type(d).__name__} {short_repr(d)}: data must stay a number; "
                        f"compute the step with the numbers p.data and p.grad, not the Value p.")
    right = [close_to(g, e) for g, e in zip(got, expected, strict=True)]
    if all(right):
        if [p.grad for p in params] != grads:
            raise Wrong("the data are right, but the step changed the grads: leave p.grad alone (zero_grad does that).")
        return "every parameter moved by -lr * grad."
    if all(close_to(g, e) for g, e in zip(got, uphill, strict=True)):
        raise Wrong("the parameters moved uphill: subtract lr * p.grad (gradient *descent*).")
    if got == start:
        raise Wrong(
            f"no parameter changed{' (your function returned a value instead)' if result is not None else ''}: "
            f"update each p.data in place."
        )
    left = [i for i, (g, s) in enumerate(zip(got, start, strict=True)) if g == s]
    if left and all(r or i in left for i, r in enumerate(right)):
        which = ", ".join(f"params[{i}]" for i in left)
        raise Wrong(f"{which} did not move, though {'its grad is' if len(left) == 1 else 'their grads are'} not 0 "
                    f"(the others are right): does your loop skip {'one' if len(left) == 1 else 'some'}? Go "
                    f"through every parameter, e.g. `for p in params:`.")
    raise Wrong(f"with lr = {lr} and grads {numbers_text(grads)}, data should become {numbers_text(expected)} "
                f"but became {numbers_text(got)}.")


@exercise("mse", "def mse(preds, targets): the mean of (pred - target)^2 over the samples, as a Value.")
def _check_mse(student: Any) -> str:
    cases = [([0.5, -1.0, 2.0], [1.0, -1.0, 0.0]), ([3.0], [1.0]), ([0.1, 0.2, 0.3, 0.4], [0.0, 0.0, 1.0, -1.0])]
    for pd, td in cases:
        n = len(pd)
        # The expected loss and gradients, worked out before the student's code runs.
        expected = sum((p - t) ** 2 for p, t in zip(pd, td, strict=True)) / n
        slopes = [2 * (p - t) / n for p, t in zip(pd, td, strict=True)]
        preds, targets = [Value(p) for p in pd], list(td)
        preds_before = list(preds)
        out = run_answer(student, (preds, targets), "mse(preds, targets)")
        _list_left_alone(preds, preds_before, "preds", "a loss")
        _list_left_alone(targets, td, "targets", "a loss")
        if any(v.data != p for v, p in zip(preds, pd, strict=True)):
            raise Wrong("your function changed the data of a prediction: a loss only reads them.")
        if not isinstance(out, Value):
            raise Wrong(f"your function returned {type(out).__name__}, not a Value: compute with the Values in preds.")
        if not close_to(out.data, expected):
            hint = (
                "that is the sum: divide by the number of samples for the mean."
                if close_to(out.data, expected * n)
                else "square each difference (pred - target) ** 2, then average them."
            )
            raise Wrong(f"for preds {numbers_text(pd)} and targets {numbers_text(td)} the loss is {number_text(out.data)} "
                        f"but should be {number_text(expected)}: {hint}")
        out.backward()
        for i, slope in enumerate(slopes):
            if not close_to(preds[i].grad, slope):
                raise Wrong(f"the gradient of preds[{i}] is {number_text(preds[i].grad)}, expected "
                            f"2(pred - target)/n = {number_text(slope)}: compute the loss from the Values in preds.")
    return "the loss and its gradients are right on three batches."


# ---------------------------------------------------------------------------
# 2. Training a network
# ---------------------------------------------------------------------------


def _takes_no_arguments(fn: Any) -> bool:
    sig = signature_of(fn)
    if sig is None:
        return False
    return all(p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
               for p in sig.parameters.values())


def _not_a_model(thing: Any, who: str) -> str:
    if isinstance(thing, dict):
        return (f"{who} a dict{' (the history that fit returns)' if 'loss' in thing else ''}, not the model: "
                f"fit trains the model in place, so pass (or `return`) the model itself.")
    if isinstance(thing, tuple):
        return f"{who} a tuple of {len(thing)} things: give just the model."
    return f"{who} {type(thing).__name__} {short_repr(thing)}, not a model (a function of a point such as an MLP)."


def _score(out: Any, nout_hint: str) -> float:
    """One score from what the model gave for one point."""
    if isinstance(out, (list, tuple)) and len(out) == 1:
        out = out[0]
    if isinstance(out, (list, tuple)):
        raise Wrong(
            f"your model gives {len(out)} numbers for a point; this exercise wants one score per point "
            f"(positive for class 1, negative for class 0, as the hinge loss trains it): end the network "
            f"with one output, e.g. {nout_hint}."
        )
    if isinstance(out, Value):
        out = out.data
    if not is_number(out):
        raise Wrong(f"your model gave {type(out).__name__} {short_repr(out)} for a point, not a Value or a number.")
    return float(out)


@exercise(
    "train_moons",
    "Train a model on make_moons(100, noise=0.1, rng=0); pass the model (or a function that "
    "trains and returns it): its one output must classify 90% of unseen moons points.",
    time_limit=300.0,
)
def _check_train_moons(model: Any) -> str:
    if model is None or model is ...:
        raise NotDone("train a model, then pass it to check.")
    if not callable(model):
        raise Wrong(_not_a_model(model, "you passed"))
    if not hasattr(model, "parameters") and _takes_no_arguments(model):
        model = run_answer(model, (), "train_model()")  # a function that trains and returns the model
        if model is None:
            raise Wrong("your training function returned None: end it with `return model`.")
        if not callable(model):
            raise Wrong(_not_a_model(model, "your training function returned"))
    from ..datasets import make_moons

    nin = getattr(model, "nin", None)
    if is_number(nin) and nin != 2:
        raise Wrong(f"your model takes {nin} inputs, but a moons point is 2 numbers (its x and y): "
                    f"make the first size 2, e.g. MLP(2, [16, 16, 1]).")
    X, y = cast("tuple[list[list[float]], list[int]]",
                make_moons(n_samples=200, noise=0.1, rng=12345))  # points it has not seen
    with no_grad():
        scores = [_score(run_answer(model, (list(x),), "model(point)"), "MLP(2, [16, 16, 1])") for x in X]
    # One output: class 1 when the score is past 0 (a score, e.g. trained with hinge loss) or
    # past 0.5 (a probability, e.g. a sigmoid output trained on 0/1 labels).
    acc = max(sum((s > cut) == (t == 1) for s, t in zip(scores, y, strict=True)) / len(y) for cut in (0.0, 0.5))
    if acc < 0.9:
        if len({s > 0.0 for s in scores}) == 1 and len({s > 0.5 for s in scores}) == 1:
            hint = ("your model gives every point the same class, so it has not learned yet: is the "
                    "update inside the loop, after zero_grad() and backward()?")
        else:
            hint = "train for more steps, try a learning rate between 0.05 and 1, or a wider hidden layer."
        raise Wrong(f"your model classifies {acc:.0%} of 200 unseen moons points correctly; the target "
                    f"is 90%. Hint: {hint}")
    return f"{acc:.0%} of 200 unseen points classified correctly."
