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
import random
from numbers import Integral, Real
from typing import Any, Callable, Sequence, Union

from .engine import Value, dot, no_grad

__all__ = ["fit", "predict", "predict_classes", "accuracy", "LOSSES"]

Number = Union[int, float]
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


def _indexable(xs: object) -> bool:
    """A list, a tuple, or anything else with a length and items by index (a numpy array)."""
    return (hasattr(xs, "__len__") and hasattr(xs, "__getitem__")
            and not isinstance(xs, (str, bytes, dict)))


def _check_data(where: str, X: Sequence[Any], y: Sequence[Any] | None = None) -> None:
    if not _indexable(X) or len(X) == 0:
        raise ValueError(f"{where}: X must be a non-empty list of samples, got {X!r:.80}")
    if y is None:
        return
    if not _indexable(y):
        raise ValueError(
            f"{where}: y must be a list of targets, one per sample, got {type(y).__name__}: {y!r:.80}"
        )
    if len(y) != len(X):
        raise ValueError(f"{where}: X has {len(X)} samples but y has {len(y)}; they must match")


def _check_samples(where: str, X: Sequence[Any], model: Any) -> None:
    """Every sample a list of `model.nin` finite numbers, when the model says how
    many inputs it takes (Neuron, Layer, MLP); a plain function checks its own."""
    nin = getattr(model, "nin", None)
    if isinstance(nin, bool) or not isinstance(nin, int):
        return
    for i, x in enumerate(X):
        if isinstance(x, (Value, Real, str, bytes)) or not hasattr(x, "__iter__"):
            raise ValueError(
                f"{where}: X[{i}] must be a list of {nin} numbers (one sample), "
                f"got {type(x).__name__}: {x!r:.80}"
            )
        row = list(x)
        if len(row) != nin:
            raise ValueError(
                f"{where}: X[{i}] has {len(row)} numbers but the model takes {nin} inputs: {row!r:.80}"
            )
        for j, v in enumerate(row):
            number = v.data if isinstance(v, Value) else v
            if not isinstance(number, Real) or not math.isfinite(number):
                raise ValueError(f"{where}: X[{i}][{j}] is {v!r}; inputs must be finite numbers")


def _check_targets(where: str, y: Sequence[Any], loss: str, n_outputs: int) -> None:
    """Every target as the named loss needs it, and a model with the right number
    of outputs for it. Checked once before training: a bad label found in a later
    batch would raise after earlier steps had already changed the model."""
    if loss == "cross_entropy":
        if n_outputs < 2:
            raise ValueError(
                f"{where}: loss='cross_entropy' needs one score per class, but the model "
                f"gives 1 output; give its last layer one neuron per class (or, for two "
                f"classes, use loss='bce_with_logits')"
            )
        for i, k in enumerate(y):
            if isinstance(k, bool) or not isinstance(k, Integral):
                raise ValueError(
                    f"{where}: y[{i}] is {k!r}; loss='cross_entropy' needs class "
                    f"indices, ints in 0..{n_outputs - 1}"
                )
            if not 0 <= k < n_outputs:
                raise ValueError(
                    f"{where}: y[{i}] is {k!r}, but the model gives {n_outputs} class "
                    f"scores, so a class index must be in 0..{n_outputs - 1}"
                )
        return
    if n_outputs != 1:
        raise ValueError(
            f"{where}: loss={loss!r} takes one output per sample, but the model gives "
            f"{n_outputs}; use loss='cross_entropy' for one score per class"
        )
    for i, t in enumerate(y):
        v = t.data if isinstance(t, Value) else t
        if not isinstance(v, Real) or not math.isfinite(v):
            raise ValueError(f"{where}: y[{i}] is {t!r}; loss={loss!r} needs finite numbers as targets")
        if loss == "hinge" and v != 1 and v != -1:
            raise ValueError(
                f"{where}: y[{i}] is {t!r}; loss='hinge' needs labels +1 or -1 "
                f"(for 0/1 labels pass datasets.to_signed(y), or use loss='bce_with_logits')"
            )
        if loss in ("bce", "bce_with_logits") and not 0 <= v <= 1:
            raise ValueError(
                f"{where}: y[{i}] is {t!r}; loss={loss!r} needs targets in [0, 1] "
                f"(usually 0 or 1, the true class; for -1/+1 labels use loss='hinge')"
            )


def _n_outputs(model: Callable[[Any], Any], x: Any) -> int:
    """How many outputs the model gives: one forward pass, under no_grad()."""
    with no_grad():
        out = model(x)
    return len(out) if isinstance(out, list) else 1


# Output activations whose values can leave [0, 1]: not probabilities for loss='bce'.
_NOT_PROBABILITIES = ("linear", "relu", "leaky_relu", "tanh", "softplus")


def _data(out: Value | list[Value]) -> Output:
    return [v.data for v in out] if isinstance(out, list) else out.data


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


def _output_activation(model: Any) -> str | None:
    """The activation name of the model's output layer, if the model says.

    `MLP` says through its last layer (`model.layers[-1].activation`), `Layer`
    and `Neuron` through `.activation`; a plain function says nothing (None).
    """
    layers = getattr(model, "layers", None)
    last = layers[-1] if isinstance(layers, (list, tuple)) and layers else model
    activation = getattr(last, "activation", None)
    return activation if isinstance(activation, str) else None


def _default_threshold(model: Any, loss: Any = None) -> float:
    """The score above which a one-output model predicts the positive class, when
    no threshold is given: 0.5 for probabilities, 0.0 for scores and logits.

    The output is a probability when the model's output layer is a sigmoid
    (see `_output_activation`), or when `fit` trains it with loss='bce'.
    `predict_classes`, `accuracy`, `fit` and the plots in `tinygrad_ann.plot`
    all decide it here, so they agree on the same model.
    """
    if _output_activation(model) == "sigmoid":
        return 0.5
    return LOSSES[loss][1] if isinstance(loss, str) and loss in LOSSES else 0.0


def _classes_of(outputs: Sequence[Output], threshold: float, labels: Sequence[Any]) -> list[Any]:
    """Class predictions from outputs: argmax for lists, `score > threshold` for floats."""
    negative, positive = labels
    return [
        max(range(len(o)), key=o.__getitem__) if isinstance(o, list)
        else (positive if o > threshold else negative)
        for o in outputs
    ]


def _binary_labels(y: Sequence[Any] | None) -> tuple[Any, Any]:
    """(negative, positive) label of a binary problem: (-1, 1) if y uses -1, else (0, 1)."""
    if y is not None and any(v == -1 for v in y):
        return (-1, 1)
    return (0, 1)


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
        threshold = _default_threshold(model)
    return _classes_of(predict(model, X), threshold, labels)


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
    labels = _binary_labels(y)
    for i, (o, t) in enumerate(zip(outputs, y)):
        # A label the model can never predict would only count as wrong, silently.
        if isinstance(o, list):
            if isinstance(t, bool) or not isinstance(t, Integral) or not 0 <= t < len(o):
                raise ValueError(
                    f"accuracy: y[{i}] is {t!r}, but the model gives {len(o)} class scores, "
                    f"so a label must be a class index in 0..{len(o) - 1}"
                )
        elif isinstance(t, bool) or t not in labels:
            raise ValueError(
                f"accuracy: y[{i}] is {t!r}, but a one-output model is a binary "
                f"classifier: labels must be 0/1 or -1/+1"
            )
    if threshold is None:
        threshold = _default_threshold(model)
    predicted = _classes_of(outputs, threshold, labels)
    return sum(p == t for p, t in zip(predicted, y)) / len(y)


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
    if loss not in LOSSES:
        raise ValueError(f"fit: unknown loss {loss!r}; choose one of {', '.join(map(repr, LOSSES))} or pass a function")
    from . import losses

    return getattr(losses, LOSSES[loss][0])


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
    example = "Adam(model.parameters(), lr=0.01)"
    if isinstance(optimizer, type):
        name = optimizer.__name__
        raise TypeError(
            f"fit: optimizer is the class {name}, not an optimizer; instantiate it "
            f"with the model's parameters, e.g. optimizer={name}(model.parameters(), lr=0.01)"
        )
    if not (callable(getattr(optimizer, "zero_grad", None)) and callable(getattr(optimizer, "step", None))):
        raise TypeError(
            f"fit: optimizer must be an optimizer instance with zero_grad() and step(), "
            f"got {type(optimizer).__name__}: {optimizer!r:.80}; pass an instance such as "
            f"{example} (from tinygrad_ann.optim), or None for plain SGD at lr"
        )
    held = getattr(optimizer, "params", None)
    if isinstance(held, (list, tuple)) and params:
        ids = {id(p) for p in held}
        trained = sum(id(p) in ids for p in params)
        if trained < len(params):
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
    return optimizer


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
        raise TypeError(
            f"fit: lr_schedule must be a schedule (e.g. LinearLR(opt, ...)) or a function "
            f"epoch -> learning rate, got {type(lr_schedule).__name__}: {lr_schedule!r:.80}"
        )
    from .optim import _learning_rate

    return [
        _learning_rate(f"fit: lr_schedule({epoch})", lr_schedule(epoch)) for epoch in range(epochs)
    ]


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
    loss: str | Callable[..., Value] = "hinge",
    optimizer: Any = None,
    lr: float | None = None,
    epochs: int = 100,
    batch_size: int | None = None,
    l2: float = 0.0,
    lr_schedule: Any = None,
    validation_data: tuple[Sequence[Sequence[Number]], Sequence[Any]] | None = None,
    shuffle: bool = True,
    seed: int | random.Random | None = 0,
    progress: bool = True,
) -> dict[str, list[float]]:
    """Train `model` on (X, y) and return the history of every epoch.

    Each step: forward on a batch, `loss(outputs, targets)` (+ `l2` · Σ p²),
    `optimizer.zero_grad()`, `backward()`, `optimizer.step()`.

    Args:
        loss: 'hinge' (labels ±1), 'mse', 'bce' (probabilities), 'bce_with_logits',
            'cross_entropy' (class indices), or a function (outputs, targets) -> Value.
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
        seed: an int or a random.Random: shuffles the batches reproducibly
            (None: a different order every run).
        progress: show a tqdm progress bar (a widget in notebooks).

    Returns:
        {'loss': [...], 'accuracy': [...]} per epoch ('accuracy' is left out for
        'mse'), plus 'val_loss' and 'val_accuracy' with validation data. The
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
    _check_data("fit", X, y)
    if not callable(model) or not callable(getattr(model, "parameters", None)):
        raise TypeError(
            f"fit: model must be a model with parameters(), such as an MLP, got "
            f"{type(model).__name__}: {model!r:.80}"
        )
    if not (seed is None or isinstance(seed, random.Random)
            or (isinstance(seed, int) and not isinstance(seed, bool))):
        raise TypeError(f"fit: seed must be an int, a random.Random or None, got {seed!r}")
    loss = _loss_name(loss)
    loss_fn = _loss_function(loss)
    # The class threshold for accuracy, or None for regression (no accuracy).
    threshold = None if loss == "mse" else _default_threshold(model, loss)
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
        raise ValueError(f"fit: epochs must be a whole number >= 0, got {epochs!r}")
    n = len(X)
    if batch_size is None:
        batch_size = n
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"fit: batch_size must be a whole number >= 1 or None, got {batch_size!r}")
    if not (isinstance(l2, (int, float)) and l2 >= 0 and math.isfinite(l2)):
        raise ValueError(f"fit: l2 must be a number >= 0, got {l2!r}")
    # The data, checked before the first step: fit either trains or raises with the
    # model untouched, never fails part way (in a later batch, after some updates).
    sets = [("fit", X, y)]
    if validation_data is not None:
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
            raise ValueError(
                f"fit: validation_data must be a pair (X_val, y_val), got {validation_data!r:.80}"
            )
        _check_data("fit (validation_data)", *validation_data)
        sets.append(("fit (validation_data)", *validation_data))
    for where, X_set, y_set in sets:
        _check_samples(where, X_set, model)
    if isinstance(loss, str):
        if loss == "bce" and _output_activation(model) in _NOT_PROBABILITIES:
            raise ValueError(
                f"fit: loss='bce' takes probabilities, but the model's output layer is "
                f"{_output_activation(model)!r}; give it output_activation='sigmoid', or "
                f"use loss='bce_with_logits' for raw scores"
            )
        n_outputs = _n_outputs(model, X[0])
        for where, _, y_set in sets:
            _check_targets(where, y_set, loss, n_outputs)
    params = model.parameters()
    optimizer = _optimizer(optimizer, params, lr)
    learning_rates = _learning_rates(lr_schedule, optimizer, epochs)
    rng = seed if isinstance(seed, random.Random) else random.Random(seed)
    labels = _binary_labels(y)

    history: dict[str, list[float]] = {"loss": []}
    if threshold is not None:
        history["accuracy"] = []
    if validation_data is not None:
        history["val_loss"] = []
        if threshold is not None:
            history["val_accuracy"] = []

    bar = _progress(range(epochs), progress)
    for epoch in bar:
        if learning_rates is not None:
            optimizer.lr = learning_rates[epoch]
        order = list(range(n))
        if shuffle and batch_size < n:
            rng.shuffle(order)
        total, outputs_data, targets = 0.0, [], []
        for start in range(0, n, batch_size):
            batch = order[start : start + batch_size]
            outputs = [model(X[i]) for i in batch]
            batch_y = [y[i] for i in batch]
            batch_loss = loss_fn(outputs, batch_y)
            if l2:
                batch_loss = batch_loss + l2 * dot(params, params)  # l2 · Σ p², one node
            optimizer.zero_grad()
            batch_loss.backward()
            optimizer.step()
            total += batch_loss.data * len(batch)
            outputs_data += [_data(o) for o in outputs]
            targets += batch_y
        history["loss"].append(total / n)
        if threshold is not None:
            predicted = _classes_of(outputs_data, threshold, labels)
            history["accuracy"].append(sum(p == t for p, t in zip(predicted, targets)) / n)
        if validation_data is not None:
            Xv, yv = validation_data
            with no_grad():
                history["val_loss"].append(loss_fn([model(x) for x in Xv], list(yv)).data)
            if threshold is not None:
                history["val_accuracy"].append(accuracy(model, Xv, yv, threshold))
        if lr_schedule is not None and hasattr(lr_schedule, "step"):
            lr_schedule.step()
        if progress and hasattr(bar, "set_postfix"):
            bar.set_postfix({k: f"{v[-1]:.4f}" for k, v in history.items()})
    return history
