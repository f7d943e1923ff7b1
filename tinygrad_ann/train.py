"""Training and evaluation helpers: `fit`, `predict`, `predict_classes`, `accuracy`.

Learn the loop first — it is five lines and it is the whole idea:

    for step in range(100):
        scores = [model(x) for x in X]              # forward
        loss = hinge_loss(scores, y)                # how wrong are we?
        model.zero_grad()                           # forget the last step's grads
        loss.backward()                             # d(loss)/d(every parameter)
        for p in model.parameters():                # step downhill
            p.data -= 0.1 * p.grad

`fit` runs that same loop with mini-batches, an optimizer, L2 regularisation, a
learning-rate schedule and a progress bar, and returns the loss and accuracy
of every epoch. Evaluation runs under `no_grad()`: no graph is built.

Scores become class labels in one place, `scores_to_labels`, split at the
threshold `default_threshold` gives: `predict_classes`, `accuracy`, `fit`'s
history and the pictures of `tinygrad_ann.plot` all use these two, so they
agree about the same model.

Example:
    >>> from tinygrad_ann.nn import MLP
    >>> model = MLP(2, [8, 1], rng=0)
    >>> X, y = [[0.0, 1.0], [1.0, 0.0], [0.0, -1.0], [-1.0, 0.0]], [1, 1, -1, -1]
    >>> history = fit(model, X, y, loss='hinge', lr=0.1, epochs=30, progress=False)
    >>> accuracy(model, X, y)
    1.0
"""

from __future__ import annotations

import math
from numbers import Real
from typing import Any, Callable, Sequence, Union

from ._checks import (
    describe_number,
    finite_number,
    got,
    is_number,
    is_whole_number,
    non_negative_number,
    whole_number,
    wrong_type,
    wrong_value,
)
from ._types import RNG, Number
from .datasets import rng_argument
from .engine import Value, dot, no_grad
from .nn.shapes import shape_of, shape_text

__all__ = [
    "fit", "predict", "predict_classes", "accuracy", "LOSSES", "default_threshold", "scores_to_labels",
    "History", "auto_loss",
]

Output = Union[float, list[float]]

#: Loss names `fit` accepts, the function in `tinygrad_ann.losses` each means,
#: and the score above which a single-output model trained with it predicts the
#: positive class, unless the model's output layer is a sigmoid (then always 0.5).
LOSSES: dict[str, tuple[str, float]] = {
    "mse": ("mse_loss", 0.0),
    "hinge": ("hinge_loss", 0.0),
    "bce": ("binary_cross_entropy", 0.5),  # the model outputs probabilities
    "bce_with_logits": ("binary_cross_entropy_with_logits", 0.0),
    "cross_entropy": ("cross_entropy", 0.0),
}

# Output activations whose values can leave [0, 1]: not probabilities for loss='bce'.
_NOT_PROBABILITIES = ("linear", "relu", "leaky_relu", "tanh", "softplus")


# ---------------------------------------------------------------------------
# Scores become labels
# ---------------------------------------------------------------------------


def _output_activation(model: Any) -> str | None:
    """The activation name of the model's output layer, if the model says.

    `MLP` says through its last layer (`model.layers[-1].activation`), `Layer`
    and `Neuron` through `.activation`; a plain function says nothing (None).
    """
    layers = getattr(model, "layers", None)
    last = layers[-1] if isinstance(layers, (list, tuple)) and layers else model
    activation = getattr(last, "activation", None)
    return activation if isinstance(activation, str) else None


def default_threshold(model: Any, loss: Any = None) -> float:
    """The score above which a one-output model predicts the positive class, when
    no threshold is given: 0.5 for probabilities, 0.0 for scores and logits.

    The output is a probability when the model's output layer is a sigmoid
    (`MLP(..., output_activation='sigmoid')`), or when `fit` trains it with
    loss='bce'. `predict_classes`, `accuracy`, `fit` and the plots in
    `tinygrad_ann.plot` all decide it here, so they agree on the same model.

    Example:
        >>> from tinygrad_ann.nn import MLP
        >>> default_threshold(MLP(2, [1], output_activation='sigmoid', rng=0))
        0.5
        >>> default_threshold(MLP(2, [1], rng=0)), default_threshold(MLP(2, [1], rng=0), loss='bce')
        (0.0, 0.5)
    """
    if _output_activation(model) == "sigmoid":
        return 0.5
    return LOSSES[loss][1] if isinstance(loss, str) and loss in LOSSES else 0.0


def scores_to_labels(
    outputs: Sequence[Any],
    threshold: float = 0.0,
    binary_labels: Sequence[Any] = (0, 1),
    class_labels: Sequence[Any] | None = None,
) -> list[Any]:
    """Model outputs become class labels, by the one rule the whole library uses.

    - One score per sample (a number): `binary_labels[1]` where score > threshold,
      else `binary_labels[0]` (nan is never above the threshold).
    - Several scores per sample (a list): the class with the largest score (the
      first, on a tie): its index, or `class_labels[index]` when given.

    Example:
        >>> scores_to_labels([0.7, -0.2, 0.0])
        [1, 0, 0]
        >>> scores_to_labels([0.7, 0.2], threshold=0.5, binary_labels=(-1, 1))
        [1, -1]
        >>> scores_to_labels([[0.1, 2.0, 0.3], [5.0, 1.0, 5.0]])
        [1, 0]
        >>> scores_to_labels([[0.1, 2.0]], class_labels=('cat', 'dog'))
        ['dog']
    """
    negative, positive = binary_labels
    labels = []
    for o in outputs:
        if isinstance(o, (list, tuple)):
            best = max(range(len(o)), key=o.__getitem__)
            labels.append(best if class_labels is None else class_labels[best])
        else:
            labels.append(positive if o > threshold else negative)
    return labels


def _binary_labels(y: Sequence[Any] | None) -> tuple[Any, Any]:
    """(negative, positive) label of a binary problem: (-1, 1) if y uses -1, else (0, 1)."""
    if y is not None and any(v == -1 for v in y):
        return (-1, 1)
    return (0, 1)


def _fraction_correct(predicted: Sequence[Any], targets: Sequence[Any]) -> float:
    return sum(p == t for p, t in zip(predicted, targets, strict=True)) / len(targets)


# ---------------------------------------------------------------------------
# Checking data: every error starts with the public name called
# ---------------------------------------------------------------------------


def _indexable(xs: object) -> bool:
    """A list, a tuple, or anything else with a length and items by index (a numpy array)."""
    return (hasattr(xs, "__len__") and hasattr(xs, "__getitem__")
            and not isinstance(xs, (str, bytes, dict)))


def _check_data(owner: str, X: Sequence[Any], y: Sequence[Any] | None = None) -> None:
    """X a non-empty list of samples and, if given, y a list of as many targets."""
    if not _indexable(X):
        wrong_type(owner, "X", "a non-empty list of samples", X)
    if len(X) == 0:
        wrong_value(owner, "X", "a non-empty list of samples", X)
    if y is None:
        return
    if not _indexable(y):
        wrong_type(owner, "y", "a list of targets, one per sample", y)
    if len(y) != len(X):
        raise ValueError(f"{owner}: X has {len(X)} samples but y has {len(y)}; they must match")


def _check_samples(owner: str, X: Sequence[Any], model: Any) -> None:
    """Every sample before the first step: fit either trains, or raises with the
    model untouched. A model that says how many inputs it takes (Neuron, Layer,
    MLP: `nin`) takes lists of that many finite numbers; any other model (a
    Sequential of convolutions, say) takes samples all of the first one's shape
    (an image x[channel][row][col], a sequence, ...), of finite numbers, and
    the first is run through it once, so that a sample it refuses is said now."""
    nin = getattr(model, "nin", None)
    if is_whole_number(nin):
        for i, x in enumerate(X):
            if isinstance(x, (Value, Real, str, bytes)) or not hasattr(x, "__iter__"):
                wrong_type(owner, f"X[{i}]", f"a list of {nin} numbers (one sample)", x)
            row = list(x)
            if len(row) != nin:
                raise ValueError(
                    f"{owner}: X[{i}] has {len(row)} numbers but the model takes {nin} inputs: {row!r:.80}"
                )
            for j, v in enumerate(row):
                finite_number(owner, f"X[{i}][{j}]", v.data if isinstance(v, Value) else v)
        return
    shape = shape_of(X[0])
    for i, x in enumerate(X):
        if shape_of(x) != shape:
            raise ValueError(
                f"{owner}: X[{i}] has the shape {shape_text(x) or 'of one number'} but X[0] has "
                f"{shape_text(X[0]) or 'that of one number'}; every sample must have the same shape"
            )
        for where, v in _numbers_in(x):
            finite_number(owner, f"X[{i}]{where}", v.data if isinstance(v, Value) else v)
    if callable(model):
        with no_grad():
            model(X[0])


def _numbers_in(x: Any) -> list[tuple[str, Any]]:
    """('[i][j]...', number) for every number in a nested sample (without recursion)."""
    found, stack = [], [("", x)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, (list, tuple)):
            stack.extend((f"{where}[{k}]", v) for k, v in reversed(list(enumerate(item))))
        else:
            found.append((where, item))
    return found


def _check_class_indices(owner: str, y: Sequence[Any], n_outputs: int) -> None:
    """Targets for loss='cross_entropy': a class index 0..n_outputs-1 for each sample."""
    if n_outputs < 2:
        raise ValueError(
            f"{owner}: loss='cross_entropy' needs one score per class, but the model "
            f"gives 1 output; give its last layer one neuron per class (or, for two "
            f"classes, use loss='bce_with_logits')"
        )
    for i, k in enumerate(y):
        if not is_whole_number(k):
            raise TypeError(
                f"{owner}: y[{i}] is {describe_number(k)}; loss='cross_entropy' needs class "
                f"indices, ints in 0..{n_outputs - 1}"
            )
        if not 0 <= int(k) < n_outputs:
            raise ValueError(
                f"{owner}: y[{i}] is {describe_number(k)}, but the model gives {n_outputs} class "
                f"scores, so a class index must be in 0..{n_outputs - 1}"
            )


def _check_one_output_targets(owner: str, y: Sequence[Any], loss: str, n_outputs: int) -> None:
    """Targets for a loss of one output per sample: finite numbers, ±1 for hinge, [0, 1] for bce."""
    if n_outputs != 1:
        raise ValueError(
            f"{owner}: loss={loss!r} takes one output per sample, but the model gives "
            f"{n_outputs}; use loss='cross_entropy' for one score per class"
        )
    for i, t in enumerate(y):
        v = finite_number(owner, f"y[{i}]", t.data if isinstance(t, Value) else t)
        if loss == "hinge" and v != 1 and v != -1:
            raise ValueError(
                f"{owner}: y[{i}] is {t!r}; loss='hinge' needs labels +1 or -1 "
                f"(for 0/1 labels pass datasets.to_signed(y), or use loss='bce_with_logits')"
            )
        if loss in ("bce", "bce_with_logits") and not 0 <= v <= 1:
            raise ValueError(
                f"{owner}: y[{i}] is {t!r}; loss={loss!r} needs targets in [0, 1] "
                f"(usually 0 or 1, the true class; for -1/+1 labels use loss='hinge')"
            )


def _n_outputs(model: Callable[[Any], Any], x: Any) -> int:
    """How many outputs the model gives: one forward pass, under no_grad()."""
    with no_grad():
        out = model(x)
    return len(out) if isinstance(out, list) else 1


def _data(out: Value | list[Value]) -> Output:
    return [v.data for v in out] if isinstance(out, list) else out.data


# ---------------------------------------------------------------------------
# Evaluation
# ---------------------------------------------------------------------------


@no_grad()
def predict(model: Callable[[Any], Any], X: Sequence[Sequence[Number]]) -> list[Output]:
    """The model's outputs for every sample, as floats (lists for several outputs).

    Runs under `no_grad()`, so no graph is built.

    Example:
        >>> from tinygrad_ann.nn import Neuron
        >>> n = Neuron(2, nonlin=False, rng=0)
        >>> n.w[0].data, n.w[1].data = 2.0, -1.0
        >>> predict(n, [[1.0, 1.0], [0.0, 3.0]])
        [1.0, -3.0]
    """
    _check_data("predict", X)
    return [_data(model(x)) for x in X]


def predict_classes(
    model: Callable[[Any], Any],
    X: Sequence[Sequence[Number]],
    threshold: float | None = None,
    labels: tuple[Any, Any] = (0, 1),
) -> list[Any]:
    """Predicted class of every sample.

    A model with one output is a binary classifier: `labels[1]` where its score
    is above `threshold`, else `labels[0]`. The default `threshold=None` means
    0.5 when the model outputs probabilities (its output layer's activation is
    'sigmoid') and 0.0 otherwise (scores and logits); pass a number to choose.
    A model with several outputs predicts the index of the largest one.

    Example:
        >>> from tinygrad_ann.nn import Neuron
        >>> n = Neuron(1, nonlin=False, rng=0)
        >>> n.w[0].data = 1.0
        >>> predict_classes(n, [[2.0], [-2.0]], labels=(-1, 1))
        [1, -1]
        >>> p = Neuron(1, activation='sigmoid', rng=0)   # probabilities: threshold 0.5
        >>> p.w[0].data = 1.0
        >>> predict(p, [[2.0], [-2.0]])[1] > 0, predict_classes(p, [[2.0], [-2.0]])
        (True, [1, 0])
    """
    if threshold is None:
        threshold = default_threshold(model)
    return scores_to_labels(predict(model, X), threshold, labels)


def _check_labels_can_be_predicted(outputs: Sequence[Output], y: Sequence[Any]) -> None:
    """Every label of y one the model can predict: a label it never can would only
    count as wrong, silently."""
    labels = _binary_labels(y)
    for i, (o, t) in enumerate(zip(outputs, y, strict=True)):
        if isinstance(o, list):
            message = (f"accuracy: y[{i}] is {describe_number(t)}, but the model gives {len(o)} class scores, "
                       f"so a label must be a class index in 0..{len(o) - 1}")
            if not is_whole_number(t):
                raise TypeError(message)
            if not 0 <= int(t) < len(o):
                raise ValueError(message)
        else:
            message = (f"accuracy: y[{i}] is {describe_number(t)}, but a one-output model is a binary "
                       f"classifier: labels must be 0/1 or -1/+1")
            if not is_number(t):
                raise TypeError(message)
            if t not in labels:
                raise ValueError(message)


def accuracy(
    model: Callable[[Any], Any],
    X: Sequence[Sequence[Number]],
    y: Sequence[Any],
    threshold: float | None = None,
) -> float:
    """The fraction of samples classified correctly (evaluated under `no_grad()`).

    Binary labels may be 0/1 or -1/+1. `threshold` is as for `predict_classes`:
    None (the default) means 0.5 for a model whose output layer is a sigmoid
    (probabilities) and 0.0 for any other (scores), the same as `fit` uses.

    Example:
        >>> from tinygrad_ann.nn import Neuron
        >>> n = Neuron(1, nonlin=False, rng=0)
        >>> n.w[0].data = 1.0
        >>> accuracy(n, [[2.0], [-2.0], [-1.0]], [1, -1, 1])
        0.6666666666666666
    """
    _check_data("accuracy", X, y)
    outputs = predict(model, X)
    _check_labels_can_be_predicted(outputs, y)
    if threshold is None:
        threshold = default_threshold(model)
    return _fraction_correct(scores_to_labels(outputs, threshold, _binary_labels(y)), y)


# ---------------------------------------------------------------------------
# fit's arguments, each checked before the first step
# ---------------------------------------------------------------------------


def _check_trainable(model: Any) -> None:
    if not callable(model) or not callable(getattr(model, "parameters", None)):
        wrong_type("fit", "model", "a model with parameters(), such as an MLP", model)


def _loss_name(loss: str | Callable[..., Value]) -> str | Callable[..., Value]:
    """The name in LOSSES of a loss given as one of `tinygrad_ann.losses`' functions
    (`fit(loss=mse_loss)` is `fit(loss='mse')`: checked, and no accuracy for
    regression); any other function or string as it is."""
    if callable(loss):
        from . import losses

        for name, (function, _) in LOSSES.items():
            if loss is getattr(losses, function):
                return name
    return loss


def _loss_function(loss: str | Callable[..., Value]) -> Callable[..., Value]:
    """The loss function `fit` calls as loss(outputs, targets)."""
    if callable(loss):
        return loss
    if not isinstance(loss, str):
        wrong_type("fit", "loss", "a loss name or a function (outputs, targets) -> Value", loss)
    if loss not in LOSSES:
        raise ValueError(
            f"fit: unknown loss {loss!r}; choose one of {', '.join(map(repr, LOSSES))} or pass a function"
        )
    from . import losses

    return getattr(losses, LOSSES[loss][0])


def _check_batch_size(batch_size: object, n: int) -> int:
    """Samples per step: a whole number >= 1, or None for all `n`."""
    if batch_size is None:
        return n
    what = "a whole number >= 1 or None"
    if not is_whole_number(batch_size):
        wrong_type("fit", "batch_size", what, batch_size)
    size = whole_number("fit", "batch_size", batch_size, minimum=None)
    if size < 1:
        wrong_value("fit", "batch_size", what, batch_size)
    return size


def _check_validation_data(validation_data: object) -> None:
    if validation_data is None:
        return
    if not isinstance(validation_data, (tuple, list)):
        wrong_type("fit", "validation_data", "a pair (X_val, y_val)", validation_data)
    if len(validation_data) != 2:
        raise ValueError(f"fit: validation_data must be a pair (X_val, y_val), got {got(validation_data)}")
    _check_data("fit (validation_data)", *validation_data)


def _check_examples(model: Any, loss: Any, X: Any, y: Any, validation_data: Any) -> None:
    """Every sample (and, for a named loss, every target) in the training and
    validation data, before the first step: fit either trains or raises with the
    model untouched, never fails part way (in a later batch, after some updates)."""
    sets = [("fit", X, y)]
    if validation_data is not None:
        sets.append(("fit (validation_data)", *validation_data))
    for owner, X_set, _ in sets:
        _check_samples(owner, X_set, model)
    if not isinstance(loss, str):
        return
    if loss == "bce" and _output_activation(model) in _NOT_PROBABILITIES:
        raise ValueError(
            f"fit: loss='bce' takes probabilities, but the model's output layer is "
            f"{_output_activation(model)!r}; give it output_activation='sigmoid', or "
            f"use loss='bce_with_logits' for raw scores"
        )
    n_outputs = _n_outputs(model, X[0])
    for owner, _, y_set in sets:
        if loss == "cross_entropy":
            _check_class_indices(owner, y_set, n_outputs)
        else:
            _check_one_output_targets(owner, y_set, loss, n_outputs)


def _optimizer(optimizer: Any, params: list[Value], lr: float | None) -> Any:
    """The optimizer `fit` steps: SGD at `lr` (0.1) by default, else the one given, checked.

    It must be an instance (not a name or a class) and update exactly the
    model's parameters: an optimizer built for another model would train nothing.
    """
    if optimizer is None:
        from .optim import SGD

        return SGD(params, lr=0.1 if lr is None else lr)
    if lr is not None:
        raise ValueError(
            f"fit: lr={lr!r} is the learning rate of the default SGD, but an optimizer "
            f"was given, which has its own (lr={getattr(optimizer, 'lr', '?')!r}); set it "
            f"there, e.g. {type(optimizer).__name__}(model.parameters(), lr={lr!r})"
        )
    if isinstance(optimizer, type):
        name = optimizer.__name__
        raise TypeError(
            f"fit: optimizer is the class {name}, not an optimizer; instantiate it "
            f"with the model's parameters, e.g. optimizer={name}(model.parameters(), lr=0.01)"
        )
    if not (callable(getattr(optimizer, "zero_grad", None)) and callable(getattr(optimizer, "step", None))):
        raise TypeError(
            f"fit: optimizer must be an optimizer instance with zero_grad() and step(), "
            f"got {got(optimizer)}; pass an instance such as "
            f"Adam(model.parameters(), lr=0.01) (from tinygrad_ann.optim), or None for plain SGD at lr"
        )
    _check_optimizer_trains_the_model(optimizer, params)
    return optimizer


def _check_optimizer_trains_the_model(optimizer: Any, params: list[Value]) -> None:
    held = getattr(optimizer, "params", None)
    if not (isinstance(held, (list, tuple)) and params):
        return
    ids = {id(p) for p in held}
    trained = sum(id(p) in ids for p in params)
    if trained == len(params):
        return
    if trained == 0:
        what = (f"none of the model's {len(params)} parameters (was it built for "
                f"another model?), so nothing would train")
    else:
        what = (f"only {trained} of the model's {len(params)} parameters, so the other "
                f"{len(params) - trained} would never train")
    raise ValueError(
        f"fit: the optimizer updates {what}; build it from this model's "
        f"parameters, e.g. {type(optimizer).__name__}(model.parameters(), ...)"
    )


def _learning_rates(lr_schedule: Any, optimizer: Any, epochs: int) -> list[float] | None:
    """The lr of every epoch for a schedule given as a function, each checked; None
    for a schedule object, which must be one built on `optimizer`. Checked before
    training, so that a bad schedule never stops fit part way."""
    if lr_schedule is None:
        return None
    if hasattr(lr_schedule, "step"):
        if getattr(lr_schedule, "optimizer", optimizer) is not optimizer:
            raise ValueError(
                f"fit: lr_schedule {type(lr_schedule).__name__} was built on another "
                f"optimizer, so it would not change the lr of the one fit steps; build "
                f"it on that one, e.g. LinearLR(opt, total_steps=...) with optimizer=opt"
            )
        return None
    if not callable(lr_schedule):
        wrong_type("fit", "lr_schedule",
                   "a schedule (e.g. LinearLR(opt, ...)) or a function epoch -> learning rate", lr_schedule)
    from .optim import check_learning_rate

    return [check_learning_rate("fit", lr_schedule(epoch), name=f"lr_schedule({epoch})") for epoch in range(epochs)]


# ---------------------------------------------------------------------------
# The training loop
# ---------------------------------------------------------------------------


class History(dict):
    """What `fit` returns: a dict of per-epoch curves, {'loss': [...], 'accuracy':
    [...], 'val_loss': [...], 'val_accuracy': [...]} (those that apply), and two
    facts about the run:

        loss_name   the loss that was used ('hinge', ..., or a function's name):
                    with loss='auto', the one fit chose
        diverged    True if training stopped because the loss stopped being a
                    finite number (the curves end at that epoch)

    Example:
        >>> h = History(loss=[0.5, 0.25])
        >>> h['loss'][-1], h.loss_name, h.diverged
        (0.25, None, False)
    """

    loss_name: str | None = None
    diverged: bool = False


def _new_history(with_accuracy: bool, with_validation: bool, loss: Any) -> History:
    """{'loss': []} and, as fit records them, 'accuracy', 'val_loss', 'val_accuracy'."""
    keys = ["loss"] + ["accuracy"] * with_accuracy
    if with_validation:
        keys += ["val_loss"] + ["val_accuracy"] * with_accuracy
    history = History({key: [] for key in keys})
    history.loss_name = loss if isinstance(loss, str) else getattr(loss, "__name__", type(loss).__name__)
    return history


def auto_loss(model: Any, X: Sequence[Any], y: Sequence[Any]) -> str:
    """The loss `fit(loss='auto')` uses for this model and these targets:

    - 'cross_entropy' for a model with one output per class (labels 0..k-1);
    - 'hinge' for labels -1 and +1;
    - for labels 0 and 1: 'bce_with_logits' given a linear output (a raw
      score), 'bce' given a sigmoid output (a probability);
    - 'mse' for any other numbers (regression).

    Labels of more than two classes with a one-output model, or 0/1 labels with
    an output that is neither a score nor a probability (tanh, relu), are a
    ValueError that says what to change.

    Example:
        >>> from tinygrad_ann.nn import MLP
        >>> from tinygrad_ann.datasets import make_moons
        >>> X, y = make_moons(20, rng=0)
        >>> auto_loss(MLP(2, [4, 1], rng=0), X, y), auto_loss(MLP(2, [4, 1], rng=0), X, [2 * t - 1 for t in y])
        ('bce_with_logits', 'hinge')
    """
    n_outputs = _n_outputs(model, X[0])
    if n_outputs > 1:
        return "cross_entropy"
    if any(isinstance(t, (list, tuple)) for t in y):
        return "mse"  # (fit's checks then say what one output can and cannot fit)
    distinct = {t.data if isinstance(t, Value) else t for t in y}
    if distinct <= {-1, 1} and -1 in distinct:
        return "hinge"
    if distinct <= {0, 1}:
        activation = _output_activation(model)
        if activation == "sigmoid":
            return "bce"
        if activation in (None, "linear"):
            return "bce_with_logits"
        raise ValueError(
            f"fit: loss='auto' sees labels 0 and 1, but the model's output layer is {activation!r}, "
            f"neither a score (linear) nor a probability (sigmoid); give it output_activation='linear' "
            f"(or 'sigmoid'), or choose the loss, e.g. loss='mse'"
        )
    if len(distinct) > 2 and all(is_number(t) and float(t).is_integer() for t in distinct):
        raise ValueError(
            f"fit: loss='auto' sees {len(distinct)} classes ({', '.join(map(str, sorted(distinct)[:5]))}"
            f"{', ...' if len(distinct) > 5 else ''}) but the model has one output; give its last "
            f"layer one output per class (cross-entropy), or choose the loss, e.g. loss='mse'"
        )
    return "mse"


def _stop_if_diverged(history: History, epoch: int, epochs: int, lr: Any, bar: Any) -> bool:
    """Whether the loss has stopped being a finite number; if so, say so in one line
    and mark the history. Diverging is part of learning about learning rates."""
    loss = history["loss"][-1]
    if math.isfinite(loss):
        return False
    history.diverged = True
    rate = f" (learning rate {lr:g})" if is_number(lr) else ""
    line = (f"fit: the loss became {loss} at epoch {epoch + 1} of {epochs}{rate}: the model diverged, "
            f"so training stopped; try a smaller learning rate")
    (bar.write if hasattr(bar, "write") else print)(line)
    return True


def _batches(n: int, batch_size: int, rng: Any) -> list[list[int]]:
    """The sample indices of each batch of an epoch: in order, or shuffled by `rng`
    (None: no shuffling; a single batch is never shuffled, so draws nothing)."""
    order = list(range(n))
    if rng is not None and batch_size < n:
        rng.shuffle(order)
    return [order[start : start + batch_size] for start in range(0, n, batch_size)]


def _record_validation(history: dict[str, list[float]], model: Any, loss_fn: Callable[..., Value],
                       validation_data: Any, threshold: float | None) -> None:
    """Append the validation loss (and accuracy) of the model as it is now."""
    Xv, yv = validation_data
    with no_grad():
        history["val_loss"].append(loss_fn([model(x) for x in Xv], list(yv)).data)
    if threshold is not None:
        history["val_accuracy"].append(accuracy(model, Xv, yv, threshold))


def _progress(iterable: range, enabled: bool) -> Any:
    """`iterable` wrapped in a tqdm progress bar (a notebook widget in Jupyter), or as is."""
    if not enabled:
        return iterable
    try:
        from tqdm.auto import tqdm

        return tqdm(iterable, desc="training", unit="epoch")
    except Exception:  # e.g. a notebook without ipywidgets: fall back to the text bar
        from tqdm import tqdm as text_tqdm

        return text_tqdm(iterable, desc="training", unit="epoch")


def fit(
    model: Any,
    X: Sequence[Sequence[Number]],
    y: Sequence[Any],
    loss: str | Callable[..., Value] = "auto",
    optimizer: Any = None,
    lr: float | None = None,
    epochs: int = 100,
    batch_size: int | None = None,
    l2: float = 0.0,
    lr_schedule: Any = None,
    validation_data: tuple[Sequence[Sequence[Number]], Sequence[Any]] | None = None,
    shuffle: bool = True,
    rng: RNG = 0,
    progress: bool = True,
    *,
    seed: Any = ...,
    callback: Callable[[int, Any, History], Any] | None = None,
) -> History:
    """Train `model` on (X, y) and return the history of every epoch.

    Each step: forward on a batch, `loss(outputs, targets)` (+ `l2` · Σ p²),
    `optimizer.zero_grad()`, `backward()`, `optimizer.step()`.

    Args:
        loss: 'auto' (the default: chosen from the targets and the model, see
            `auto_loss`), 'hinge' (labels ±1), 'mse', 'bce' (probabilities),
            'bce_with_logits', 'cross_entropy' (class indices), or a function
            (outputs, targets) -> Value.
            For a named loss every target (in y and validation_data) is checked
            before training starts, as is every sample's length for a model
            with `nin`: fit raises with the model untouched rather than part way.
        optimizer: an optimizer instance from `tinygrad_ann.optim` built from
            this model, e.g. `Adam(model.parameters(), lr=0.01)` (it must update
            every one of the model's parameters); default plain SGD at `lr`.
        lr: the learning rate of the default SGD (0.1 if not given); with an
            `optimizer`, give its lr to the optimizer instead.
        batch_size: samples per step; None means the whole set (one step per epoch).
        l2: weight of the L2 penalty l2 · Σ p² added to the loss.
        lr_schedule: a schedule built on the optimizer, e.g. `LinearLR(opt, ...)`
            (its `.step()` is called after every epoch), or a function
            epoch -> learning rate (applied before every epoch; every epoch's
            rate is checked before training).
        validation_data: (X_val, y_val), evaluated after every epoch.
        rng: shuffles the batches: an int seed (default 0: the same order every
            run), a random.Random, or None for Python's global `random`.
        progress: show a tqdm progress bar (a widget in notebooks).
        seed: the old name of `rng`, still accepted (`fit(..., seed=3)` is
            `fit(..., rng=3)`); give one or the other.
        callback: called as `callback(epoch, model, history)` after every epoch
            (epoch 0, 1, ...; history as it is so far), e.g. a
            `plot.Recorder` that keeps snapshots for an animation.

    Returns:
        A `History`: {'loss': [...], 'accuracy': [...]} per epoch ('accuracy' is
        left out for 'mse'), plus 'val_loss' and 'val_accuracy' with validation
        data; `history.loss_name` is the loss used. If the loss stops being a
        finite number (too high a learning rate), fit says so in one line and
        stops there: the history so far, with `history.diverged` True. The
        loss is the mean over the epoch's batches, the accuracy that of the
        epoch's predictions as they were made (before each step's update).
        A one-output model's score is compared with the threshold `accuracy`
        uses: 0.5 if its output layer is a sigmoid or the loss is 'bce'
        (probabilities), else 0.0.

    Example:
        >>> from tinygrad_ann.nn import MLP
        >>> model = MLP(1, [8, 1], activation='tanh', rng=0)
        >>> X, y = [[-1.0], [0.0], [1.0]], [1.0, 0.0, 1.0]
        >>> h = fit(model, X, y, loss='mse', lr=0.05, epochs=50, progress=False)
        >>> sorted(h), h['loss'][-1] < h['loss'][0]
        (['loss'], True)
    """
    # Every argument and every example is checked first: fit either trains, or
    # raises with the model untouched.
    _check_data("fit", X, y)
    _check_trainable(model)
    if callback is not None and not callable(callback):
        wrong_type("fit", "callback", "a function (epoch, model, history) -> None", callback)
    order_rng = rng_argument("fit", rng, seed, default=0)
    loss = _loss_name(loss)
    if loss == "auto":
        _check_samples("fit", X, model)  # (auto_loss runs the model once)
        loss = auto_loss(model, X, y)
    loss_fn = _loss_function(loss)
    epochs = whole_number("fit", "epochs", epochs, minimum=0)
    batch_size = _check_batch_size(batch_size, len(X))
    l2 = non_negative_number("fit", "l2", l2)
    _check_validation_data(validation_data)
    _check_examples(model, loss, X, y, validation_data)
    params = model.parameters()
    optimizer = _optimizer(optimizer, params, lr)
    learning_rates = _learning_rates(lr_schedule, optimizer, epochs)
    threshold = None if loss == "mse" else default_threshold(model, loss)  # None: no accuracy
    labels = _binary_labels(y)
    history = _new_history(threshold is not None, validation_data is not None, loss)

    bar = _progress(range(epochs), progress)
    for epoch in bar:
        if learning_rates is not None:
            optimizer.lr = learning_rates[epoch]
        total, outputs, targets = 0.0, [], []
        for batch in _batches(len(X), batch_size, order_rng if shuffle else None):
            scores = [model(X[i]) for i in batch]                   # forward
            batch_y = [y[i] for i in batch]
            batch_loss = loss_fn(scores, batch_y)                   # how wrong are we?
            if l2:
                batch_loss = batch_loss + l2 * dot(params, params)  # l2 · Σ p², one node
            optimizer.zero_grad()                                   # forget the last step's grads
            batch_loss.backward()                                   # d(loss)/d(every parameter)
            optimizer.step()                                        # step downhill
            total += batch_loss.data * len(batch)
            outputs += [_data(s) for s in scores]
            targets += batch_y
        history["loss"].append(total / len(X))
        if threshold is not None:
            predicted = scores_to_labels(outputs, threshold, labels)
            history["accuracy"].append(_fraction_correct(predicted, targets))
        if validation_data is not None:
            _record_validation(history, model, loss_fn, validation_data, threshold)
        if _stop_if_diverged(history, epoch, epochs, getattr(optimizer, "lr", None), bar):
            break
        if callback is not None:
            callback(epoch, model, history)
        if lr_schedule is not None and hasattr(lr_schedule, "step"):
            lr_schedule.step()
        if progress and hasattr(bar, "set_postfix"):
            bar.set_postfix({k: f"{v[-1]:.4f}" for k, v in history.items()})
    return history
