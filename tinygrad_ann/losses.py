"""Loss functions: one number that says how wrong a model's outputs are.

Training makes a loss small: `loss.backward()` fills every parameter's `grad`
with d(loss)/d(parameter), and an optimizer moves the parameters against it.
Every loss here is the mean over the samples (PyTorch's default
`reduction='mean'`), and its value and gradients are those of the function of
the same name in `torch.nn.functional`.

    loss                                what it compares             per sample
    mse_loss(preds, targets)            numbers with numbers         (p - t)^2
    hinge_loss(scores, labels)          scores with labels +1/-1     max(0, 1 - y s)
    binary_cross_entropy(probs, ...)    probabilities with 0..1      -(t ln p + (1-t) ln(1-p))
    binary_cross_entropy_with_logits    raw scores with 0..1         softplus(z) - t z
    cross_entropy(logits, targets)      class scores with an index   -log_softmax(z)[k]

`softmax` and `log_softmax` turn a list of class scores into probabilities and
log-probabilities. Inputs may be Values (gradients flow into them) or plain
numbers (constants). The sums are one fused `sum_values` node each, so a loss
over n samples adds a few nodes per sample and not a chain of n additions.

Example:
    >>> from tinygrad_ann.engine import Value
    >>> preds = [Value(2.0), Value(0.0)]
    >>> loss = mse_loss(preds, [1.0, 2.0])      # ((2-1)^2 + (0-2)^2) / 2
    >>> loss.backward()
    >>> loss.data, [p.grad for p in preds]      # d/dp = 2 (p - t) / n
    (2.5, [1.0, -2.0])
"""

from __future__ import annotations

from numbers import Real
from typing import Iterable, Sequence, Union

from ._checks import got, is_number, is_whole_number, wrong_type, wrong_value
from ._types import Number
from .engine import Value, dot, nll_of_softmax, sum_values

__all__ = [
    "mse_loss",
    "hinge_loss",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "softmax",
    "log_softmax",
]

Scalar = Union[Value, Number]
Scalars = Union[Scalar, Iterable[Scalar]]

# PyTorch's binary_cross_entropy clamps each log at -100, so that a probability
# of exactly 0 or 1 gives a large finite loss instead of infinity.
_LOG_FLOOR = -100.0


# ---------------------------------------------------------------------------
# The losses.
# ---------------------------------------------------------------------------


def mse_loss(preds: Scalars, targets: Scalars) -> Value:
    """Mean squared error: L = (1/n) sum_i (p_i - t_i)^2.

    d L/d p_i = 2 (p_i - t_i) / n. `preds` and `targets` are equally long lists
    of Values or numbers, or one Value or number each (a single sample).

    Example:
        >>> mse_loss([2.0, 0.0], [1.0, 2.0]).data
        2.5
        >>> p = Value(3.0)
        >>> loss = mse_loss(p, 1.0)       # (3 - 1)^2
        >>> loss.backward()
        >>> loss.data, p.grad             # 2 (3 - 1)
        (4.0, 4.0)
    """
    fn = "mse_loss"
    ps, ts = _paired(fn, preds, targets, "preds", "targets")
    return sum_values([(p - t) ** 2 for p, t in zip(ps, ts, strict=True)]) / len(ps)


def hinge_loss(scores: Scalars, labels: Scalars) -> Value:
    """The hinge (SVM max-margin) loss: L = (1/n) sum_i max(0, 1 - y_i s_i).

    Labels are +1 or -1. A sample scored on the right side with a margin of at
    least 1 (y s >= 1) costs nothing and passes no gradient; otherwise
    d L/d s_i = -y_i / n. (At y s = 1 exactly the gradient is 0, as relu's is
    at 0.) This is the loss of the micrograd demo.

    Example:
        >>> hinge_loss([2.0, 0.5], [1, -1]).data    # (max(0, -1) + max(0, 1.5)) / 2
        0.75
    """
    fn = "hinge_loss"
    ss, ys = _paired(fn, scores, labels, "scores", "labels")
    for i, y in enumerate(ys):
        if y.data != 1.0 and y.data != -1.0:
            wrong_value(fn, f"labels[{i}]", "+1 or -1", y.data, "for 0/1 labels pass 2*y - 1")
    return sum_values([(1 - y * s).relu() for s, y in zip(ss, ys, strict=True)]) / len(ss)


def binary_cross_entropy(probs: Scalars, targets: Scalars) -> Value:
    """Binary cross-entropy of probabilities: L = -(1/n) sum_i [t_i ln p_i + (1 - t_i) ln(1 - p_i)].

    `probs` are probabilities in [0, 1] (e.g. the output of `sigmoid()`), and
    `targets` are in [0, 1] too (usually exactly 0 or 1). Away from the ends,
    d L/d p_i = (p_i - t_i) / (p_i (1 - p_i) n).

    At p = 0 or 1 one of the logs is ln 0 = -inf. As in PyTorch, each log is
    clamped at -100: a confidently wrong sample costs 100, not infinity. The
    clamped log is a constant there, so it passes no gradient: this is the
    derivative of the clamped loss. (PyTorch's backward instead divides by
    max(p (1 - p), 1e-12), so its gradients differ from these where
    p (1 - p) < 1e-12, i.e. within 1e-12 of 0 or 1, and its gradient with
    respect to the targets is +-inf at p = 0 or 1, where this one is +-100.
    The values agree everywhere.) A sigmoid rounds to exactly 1.0 for inputs above about 37,
    where this gradient vanishes: for raw scores use
    `binary_cross_entropy_with_logits`, which is exact for any score.

    Example:
        >>> binary_cross_entropy([0.5, 0.5], [1, 0]).data      # ln 2
        0.6931471805599453
        >>> binary_cross_entropy([0.0], [1.0]).data            # -ln 0, clamped
        100.0
    """
    fn = "binary_cross_entropy"
    ps, ts = _paired(fn, probs, targets, "probs", "targets")
    _check_in_unit_interval(
        fn, "probs", ps, "a probability in [0, 1]",
        "pass probabilities, e.g. score.sigmoid(), or use binary_cross_entropy_with_logits for raw scores",
    )
    _check_in_unit_interval(fn, "targets", ts, "a number in [0, 1]", "usually 0 or 1, the true class")
    # All the terms t ln p + (1 - t) ln(1 - p) as one weighted sum (a 'dot' node).
    weights: list[Value] = []
    logs: list[Value] = []
    for p, t in zip(ps, ts, strict=True):
        weights += (t, 1 - t)
        logs += (_log_clamped(p), _log_clamped(1 - p))
    # 0 - s rather than -s: when every term is 0 (p = t = 1), -s would be -0.0,
    # and a loss that prints as -0.0 looks like a bug. The gradient is the same.
    return (0.0 - dot(weights, logs)) / len(ps)


def binary_cross_entropy_with_logits(logits: Scalars, targets: Scalars) -> Value:
    """Binary cross-entropy of raw scores z (p = sigmoid(z)), computed stably.

    L = (1/n) sum_i [softplus(z_i) - t_i z_i], with softplus(z) = ln(1 + e^z).
    This is binary_cross_entropy(sigmoid(z), t) rewritten: -ln sigmoid(z) =
    softplus(-z) = softplus(z) - z. `softplus` never exponentiates a positive
    number, so logits of +-1000 give exact, finite losses. The gradient is
    d L/d z_i = (sigmoid(z_i) - t_i) / n.

    Example:
        >>> binary_cross_entropy_with_logits([0.0], [1.0]).data    # ln 2
        0.6931471805599453
        >>> binary_cross_entropy_with_logits([1000.0], [0.0]).data
        1000.0
    """
    fn = "binary_cross_entropy_with_logits"
    zs, ts = _paired(fn, logits, targets, "logits", "targets")
    _check_in_unit_interval(fn, "targets", ts, "a number in [0, 1]", "usually 0 or 1, the true class")
    return sum_values([z.softplus() - t * z for z, t in zip(zs, ts, strict=True)]) / len(zs)


def cross_entropy(logits: Sequence[Sequence[Scalar]], targets: Sequence[int]) -> Value:
    """Cross-entropy of class scores: L = (1/n) sum_i -log_softmax(z_i)[k_i].

    `logits` holds one list of class scores z_i per sample (raw scores, not
    probabilities) and `targets` one class index k_i (an int in 0..C-1) per
    sample. Per sample, -log_softmax(z)[k] = ln(sum_j e^(z_j)) - z_k, computed
    with the largest score subtracted first so that no e^x overflows. The
    gradient is d L/d z_ij = (softmax(z_i)_j - [j = k_i]) / n.

    Example:
        >>> cross_entropy([[0.0, 0.0]], [1]).data       # two equal scores: ln 2
        0.6931471805599453
        >>> cross_entropy([[1000.0, -1000.0]], [1]).data
        2000.0
    """
    fn = "cross_entropy"
    rows = _rows(fn, logits)
    ks = _class_indices(fn, targets, len(rows), len(rows[0]))
    # Each sample's -log_softmax(z)[k] is one fused node (the engine's nll_of_softmax):
    # the same numbers as the long form, ln Σ e^(z_j - m) - (z_k - m), in one node
    # instead of 2C + 2 (C the number of classes).
    return sum_values([nll_of_softmax(row, k) for row, k in zip(rows, ks, strict=True)]) / len(rows)


def softmax(values: Iterable[Scalar]) -> list[Value]:
    """Turn scores into probabilities: softmax(z)_i = e^(z_i) / sum_j e^(z_j).

    The outputs are positive and sum to 1. Computed as e^(z_i - m) / sum_j
    e^(z_j - m) with m = max z, the same number (the factor e^-m cancels), so
    no e^x overflows; m is a constant, which changes no gradient because
    softmax does not change when all scores move together.

    Example:
        >>> [p.data for p in softmax([1000.0, 1000.0])]
        [0.5, 0.5]
    """
    zs = _sequence("softmax", values, "values")
    m = max(z.data for z in zs)
    exps = [(z - m).exp() for z in zs]
    total = sum_values(exps)
    return [e / total for e in exps]


def log_softmax(values: Iterable[Scalar]) -> list[Value]:
    """ln softmax(z)_i = z_i - ln(sum_j e^(z_j)), computed stably.

    Computed as (z_i - m) - ln(sum_j e^(z_j - m)) with m = max z: every
    exponent is <= 0, and the sum is at least 1 (the largest term is e^0), so
    it neither overflows nor takes the log of 0, even for scores of +-1000.

    Example:
        >>> [v.data for v in log_softmax([1000.0, 0.0])]
        [0.0, -1000.0]
    """
    zs = _sequence("log_softmax", values, "values")
    shifted, log_sum_exp = _shifted_and_log_sum_exp(zs)
    return [s - log_sum_exp for s in shifted]


# ---------------------------------------------------------------------------
# Shared pieces.
# ---------------------------------------------------------------------------


def _shifted_and_log_sum_exp(zs: list[Value]) -> tuple[list[Value], Value]:
    """([z_i - m], ln sum_i e^(z_i - m)) with m = max z, a constant."""
    m = max(z.data for z in zs)
    shifted = [z - m for z in zs]
    return shifted, sum_values([s.exp() for s in shifted]).log()


def _log_clamped(x: Value) -> Value:
    """ln x, or the constant -100 where ln x < -100 (including x = 0), as PyTorch's BCE."""
    if x.data > 0.0:
        log_x = x.log()
        if log_x.data >= _LOG_FLOOR:
            return log_x
    return Value(_LOG_FLOOR, label="ln clamped at -100")


def _check_in_unit_interval(fn: str, name: str, xs: list[Value], what: str, why: str) -> None:
    """Every xs[i].data in [0, 1] (nan is not); else a ValueError naming `name[i]`."""
    for i, x in enumerate(xs):
        if not 0.0 <= x.data <= 1.0:
            wrong_value(fn, f"{name}[{i}]", what, x.data, why)


def _scalar(x: object, fn: str, where: str) -> Value:
    """`x` as a Value (a number becomes a constant), or a TypeError naming `where`."""
    if isinstance(x, Value):
        return x
    if is_number(x):
        return Value(float(x))  # type: ignore[arg-type]
    if isinstance(x, bool):  # e.g. labels written as (x > 0): True is not +1 for hinge
        raise TypeError(
            f"{fn}: {where} must be a Value or a number, got {got(x)}; write the number "
            f"it stands for (1 or 0, or +1/-1 for hinge labels)"
        )
    wrong_type(fn, where, "a Value or a number", x)


def _sequence(fn: str, xs: object, name: str, allow_scalar: bool = False) -> list[Value]:
    """`xs` as a non-empty list of Values; one Value or number counts as a list of one
    when `allow_scalar`."""
    what = "a list of Values or numbers"
    if isinstance(xs, (Value, Real)):
        if allow_scalar:
            return [_scalar(xs, fn, name)]
        raise TypeError(f"{fn}: {name} must be {what}, got {got(xs)}; wrap a single one in a list")
    if isinstance(xs, (str, bytes, dict, set, frozenset)) or not isinstance(xs, Iterable):
        # (A dict or a set would be walked in its own order, not sample by sample.)
        wrong_type(fn, name, what, xs)
    vs = [_scalar(x, fn, f"{name}[{i}]") for i, x in enumerate(xs)]
    if not vs:
        wrong_value(fn, name, "a non-empty list of Values or numbers", vs)
    return vs


def _check_one_per_sample(fn: str, x_name: str, n_x: int, y_name: str, n_y: int) -> None:
    """A ValueError unless there are as many `y_name` as `x_name` (one per sample)."""
    if n_x != n_y:
        raise ValueError(
            f"{fn}: {y_name} must be as long as {x_name} (one per sample), got {n_y} {y_name} for {n_x} {x_name}"
        )


def _paired(
    fn: str, xs: object, ys: object, x_name: str, y_name: str
) -> tuple[list[Value], list[Value]]:
    """Two equally long, non-empty lists of Values, one per sample."""
    a = _sequence(fn, xs, x_name, allow_scalar=True)
    b = _sequence(fn, ys, y_name, allow_scalar=True)
    _check_one_per_sample(fn, x_name, len(a), y_name, len(b))
    return a, b


def _rows(fn: str, logits: object) -> list[list[Value]]:
    """The logits as a non-empty list of equally long, non-empty rows of Values."""
    what = "a list with one list of class scores per sample"
    if isinstance(logits, (Value, Real, str, bytes)) or not isinstance(logits, Iterable):
        wrong_type(fn, "logits", what, logits)
    rows_in = list(logits)
    if not rows_in:
        wrong_value(fn, "logits", "a non-empty list with one list of class scores per sample", rows_in)
    rows: list[list[Value]] = []
    for i, row in enumerate(rows_in):
        if isinstance(row, (Value, Real)):
            raise TypeError(
                f"{fn}: logits[{i}] must be a list of class scores, got {got(row)}; "
                f"logits holds one list per sample, so for one sample write [[z1, z2, ...]]"
            )
        rows.append(_sequence(fn, row, f"logits[{i}]"))
        if len(rows[i]) != len(rows[0]):
            raise ValueError(
                f"{fn}: logits[{i}] must have {len(rows[0])} class scores, as logits[0] has "
                f"(every sample needs a score for every class), got {len(rows[i])}"
            )
    return rows


def _class_indices(fn: str, targets: object, n_samples: int, n_classes: int) -> list[int]:
    """The targets as a list of ints in 0..n_classes-1, one per sample."""
    if isinstance(targets, (Value, Real, str, bytes)) or not isinstance(targets, Iterable):
        wrong_type(fn, "targets", "a list of class indices (ints), one per sample", targets)
    ks = list(targets)
    _check_one_per_sample(fn, "logits", n_samples, "targets", len(ks))
    what = f"a class index in 0..{n_classes - 1}"
    for i, k in enumerate(ks):
        if not is_whole_number(k):
            wrong_type(fn, f"targets[{i}]", f"{what} (an int)", k)
        if not 0 <= k < n_classes:
            wrong_value(fn, f"targets[{i}]", what, k, f"the logits have {n_classes} classes")
    return [int(k) for k in ks]
