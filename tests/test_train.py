"""fit, predict, predict_classes, accuracy: the training helpers."""

import math
import random

import pytest

from tinygrad_ann import MLP, Neuron, Value, dot, is_grad_enabled
from tinygrad_ann.train import accuracy, default_threshold, fit, predict, predict_classes, scores_to_labels

# Four points, linearly separable by x0 + x1 > 0.
X4 = [[1.0, 1.0], [2.0, -0.5], [-1.0, -1.0], [0.5, -2.0]]
Y4 = [1, 1, -1, -1]


def _linear(w0, w1, b=0.0):
    n = Neuron(2, nonlin=False, rng=0)
    n.w[0].data, n.w[1].data, n.b.data = w0, w1, b
    return n


def test_predict_returns_floats_and_builds_no_graph():
    seen = []

    def model(x):
        seen.append(is_grad_enabled())
        return Value(x[0]) * 2

    assert predict(model, [[1.0], [3.0]]) == [2.0, 6.0]
    assert seen == [False, False]


def test_predict_with_several_outputs_gives_lists():
    m = MLP(2, [3, 2], rng=0)
    out = predict(m, [[0.1, 0.2]])
    assert isinstance(out[0], list) and len(out[0]) == 2
    assert out[0] == [v.data for v in m([0.1, 0.2])]


def test_predict_classes_binary_uses_threshold_and_labels():
    m = _linear(1.0, 1.0)
    assert predict_classes(m, X4, labels=(-1, 1)) == [1, 1, -1, -1]
    assert predict_classes(m, X4) == [1, 1, 0, 0]
    assert predict_classes(m, X4, threshold=1.8) == [1, 0, 0, 0]


def test_predict_classes_multiclass_is_argmax():
    def model(x):
        return [Value(v) for v in x]

    assert predict_classes(model, [[0.1, 0.9, 0.3], [5.0, -1.0, 2.0]]) == [1, 0]


def _sigmoid(w0, w1):
    """Neuron(2, activation='sigmoid'): a probability, always > 0."""
    n = Neuron(2, activation="sigmoid", rng=0)
    n.w[0].data, n.w[1].data = w0, w1
    return n


Y4_01 = [1, 1, 0, 0]


def test_predict_classes_of_a_sigmoid_model_splits_probabilities_at_one_half():
    assert predict_classes(_sigmoid(1.0, 1.0), X4) == [1, 1, 0, 0]
    assert predict_classes(_sigmoid(1.0, 1.0), X4, threshold=0.0) == [1, 1, 1, 1]


def test_accuracy_of_an_mlp_with_sigmoid_output_uses_one_half():
    model = MLP(2, [1], output_activation="sigmoid", rng=0)
    neuron = model.layers[0].neurons[0]
    neuron.w[0].data, neuron.w[1].data, neuron.b.data = 1.0, 1.0, 0.0
    assert accuracy(model, X4, Y4_01) == 1.0


def test_fit_history_and_accuracy_agree_for_a_sigmoid_model():
    model = _sigmoid(1.0, 1.0)
    h = fit(model, X4, Y4_01, loss="bce", lr=1e-12, epochs=1, progress=False)
    assert h["accuracy"] == [accuracy(model, X4, Y4_01)] == [1.0]


def test_fit_uses_one_half_for_a_sigmoid_model_whatever_the_loss():
    model = _sigmoid(1.0, 1.0)
    h = fit(model, X4, Y4, loss="hinge", lr=1e-12, epochs=1, progress=False)
    assert h["accuracy"] == [accuracy(model, X4, Y4)] == [1.0]


def test_fit_with_bce_uses_one_half_even_when_the_model_does_not_say():
    def model(x):  # a plain function: fit knows only that 'bce' takes probabilities
        return (Value(x[0]) + Value(x[1])).sigmoid()

    model.parameters = lambda: [Value(0.0)]
    h = fit(model, X4, Y4_01, loss="bce", lr=1e-12, epochs=1, progress=False)
    assert h["accuracy"] == [1.0]
    assert accuracy(model, X4, Y4_01, threshold=0.5) == 1.0


@pytest.mark.parametrize("labels", [[1, 1, -1, -1], [1, 1, 0, 0]])
def test_accuracy_with_signed_or_zero_one_labels(labels):
    assert accuracy(_linear(1.0, 1.0), X4, labels) == 1.0
    assert accuracy(_linear(-1.0, -1.0), X4, labels) == 0.0


def test_accuracy_counts_a_fraction():
    assert accuracy(_linear(1.0, 0.0), X4, Y4) == 0.75  # [0.5, -2] is misclassified


def test_fit_reduces_the_loss_and_reaches_full_accuracy():
    model = MLP(2, [8, 1], rng=0)
    h = fit(model, X4, Y4, loss="hinge", lr=0.1, epochs=40, progress=False)
    assert h["loss"][-1] < h["loss"][0]
    assert len(h["loss"]) == len(h["accuracy"]) == 40
    assert accuracy(model, X4, Y4) == 1.0


def test_fit_history_accuracy_is_that_of_the_predictions_made_during_the_epoch():
    model = _linear(1.0, 0.0)  # 3 of 4 right before any update
    h = fit(model, X4, Y4, loss="hinge", lr=1e-9, epochs=1, progress=False)
    assert h["accuracy"] == [0.75]


def test_fit_loss_is_the_loss_before_the_step():
    model = _linear(1.0, 0.0)
    # hinge: mean(relu(1 - y s)); scores 1, 2, -1, 0.5 -> terms 0, 0, 0, 1.5
    h = fit(model, X4, Y4, loss="hinge", lr=0.1, epochs=1, progress=False)
    assert h["loss"] == [pytest.approx(1.5 / 4)]


def test_fit_l2_adds_l2_times_sum_of_squares():
    model = _linear(1.0, 0.0, 0.5)
    h = fit(model, X4, Y4, loss="hinge", lr=1e-12, epochs=1, l2=0.1, progress=False)
    # scores 1.5, 2.5, -0.5, 1.0 -> terms 0, 0, 0.5, 2.0; l2 term 0.1 * (1 + 0 + 0.25)
    assert h["loss"] == [pytest.approx(2.5 / 4 + 0.125)]


def test_fit_mse_is_regression_without_accuracy():
    model = MLP(1, [8, 1], activation="tanh", rng=0)
    X, y = [[-1.0], [0.0], [1.0]], [1.0, 0.0, 1.0]
    h = fit(model, X, y, loss="mse", lr=0.05, epochs=30, progress=False)
    assert set(h) == {"loss"}
    assert h["loss"][-1] < h["loss"][0]


def test_fit_cross_entropy_multiclass():
    X = [[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9], [-1.0, -1.0], [-0.9, -1.1]]
    y = [0, 0, 1, 1, 2, 2]
    model = MLP(2, [8, 3], rng=1)
    h = fit(model, X, y, loss="cross_entropy", lr=0.2, epochs=60, progress=False)
    assert h["loss"][-1] < h["loss"][0]
    assert accuracy(model, X, y) == 1.0


def test_fit_with_validation_data_records_val_metrics():
    model = MLP(2, [4, 1], rng=0)
    h = fit(model, X4, Y4, epochs=3, validation_data=(X4[:2], Y4[:2]), progress=False)
    assert set(h) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(v) == 3 for v in h.values())


def test_fit_mini_batches_take_several_steps_per_epoch():
    class CountingSGD:
        def __init__(self, params):
            self.params, self.steps, self.lr = params, 0, 0.01

        def zero_grad(self):
            for p in self.params:
                p.grad = 0.0

        def step(self):
            self.steps += 1

    model = MLP(2, [3, 1], rng=0)
    opt = CountingSGD(model.parameters())
    fit(model, X4, Y4, optimizer=opt, epochs=2, batch_size=3, progress=False)
    assert opt.steps == 2 * 2  # batches of 3 and 1, twice


def test_fit_is_reproducible_for_an_rng_seed():
    runs = []
    for _ in range(2):
        model = MLP(2, [4, 1], rng=0)
        runs.append(fit(model, X4, Y4, epochs=5, batch_size=2, rng=3, progress=False))
    assert runs[0] == runs[1]


def test_fit_lr_schedule_function_sets_the_learning_rate_each_epoch():
    from tinygrad_ann.optim import SGD

    model = MLP(2, [3, 1], rng=0)
    opt = SGD(model.parameters(), lr=1.0)
    seen = []

    def schedule(epoch):
        seen.append(epoch)
        return 1.0 - 0.1 * epoch

    fit(model, X4, Y4, optimizer=opt, epochs=3, lr_schedule=schedule, progress=False)
    assert seen == [0, 1, 2]
    assert opt.lr == pytest.approx(0.8)


def test_fit_lr_schedule_object_is_stepped_after_each_epoch():
    class Schedule:
        steps = 0

        def step(self):
            self.steps += 1

    s = Schedule()
    fit(MLP(2, [3, 1], rng=0), X4, Y4, epochs=4, lr_schedule=s, progress=False)
    assert s.steps == 4


def test_fit_accepts_a_loss_function():
    calls = []

    def my_loss(outputs, targets):
        calls.append(len(outputs))
        return dot([o for o in outputs], [1.0] * len(outputs)) * 0.0

    fit(MLP(2, [3, 1], rng=0), X4, Y4, loss=my_loss, epochs=2, progress=False)
    assert calls == [4, 4]


def test_fit_shows_a_progress_bar(capsys):
    fit(MLP(2, [3, 1], rng=0), X4, Y4, epochs=2, progress=True)
    err = capsys.readouterr().err
    assert "training" in err and "2/2" in err


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"loss": "l1"}, "unknown loss 'l1'"),
        ({"epochs": -1}, "epochs"),
        ({"batch_size": 0}, "batch_size"),
        ({"l2": -0.1}, "l2"),
    ],
)
def test_fit_bad_arguments_raise_value_error(kwargs, message):
    with pytest.raises(ValueError, match=message):
        fit(MLP(2, [3, 1], rng=0), X4, Y4, progress=False, **kwargs)


def test_fit_optimizer_given_by_name_is_a_type_error_showing_an_instance():
    with pytest.raises(TypeError, match=r"^fit: optimizer must be an optimizer instance.*'adam'.*Adam\(model\.parameters\(\), lr=0\.01\)"):
        fit(MLP(2, [3, 1], rng=0), X4, Y4, optimizer="adam", progress=False)


def test_fit_optimizer_class_asks_to_instantiate_it():
    from tinygrad_ann.optim import Adam

    with pytest.raises(TypeError, match=r"^fit: optimizer is the class Adam.*instantiate it.*Adam\(model\.parameters\(\)"):
        fit(MLP(2, [3, 1], rng=0), X4, Y4, optimizer=Adam, progress=False)


def test_fit_optimizer_of_another_model_is_rejected_and_nothing_trains():
    from tinygrad_ann.optim import Adam

    model, other = MLP(2, [3, 1], rng=0), MLP(2, [3, 1], rng=1)
    before, other_before = model.state_dict(), other.state_dict()
    with pytest.raises(ValueError, match=r"^fit: the optimizer updates none of the model's 13 parameters"):
        fit(model, X4, Y4, optimizer=Adam(other.parameters()), progress=False)
    assert model.state_dict() == before and other.state_dict() == other_before


def test_fit_optimizer_of_some_of_the_parameters_says_how_many():
    from tinygrad_ann.optim import SGD

    model = MLP(2, [3, 1], rng=0)
    with pytest.raises(ValueError, match=r"updates only 4 of the model's 13 parameters, so the other 9 would never train"):
        fit(model, X4, Y4, optimizer=SGD(model.parameters()[:4], lr=0.1), progress=False)


def test_fit_mismatched_x_and_y_names_both_sizes():
    with pytest.raises(ValueError, match="4 samples but y has 3"):
        fit(MLP(2, [3, 1], rng=0), X4, Y4[:3], progress=False)


# Bad data is found before the first step: fit raises with the model untouched,
# naming the index in y (or X), not the index within a batch.
X6 = [[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9], [-1.0, -1.0], [-0.9, -1.1]]


@pytest.mark.parametrize(
    "nouts, X, y, kwargs, message",
    [
        ([3, 1], X4, [1, 1, -1, 0], {"loss": "hinge"}, r"^fit: y\[3\] is 0; loss='hinge' needs labels \+1 or -1"),
        ([3, 1], X4, [1, 1, -1, 2.0], {"loss": "hinge"}, r"^fit: y\[3\] is 2.0; loss='hinge'"),
        ([3, 1], X4, [1, 1, 0, 2], {"loss": "bce_with_logits"}, r"^fit: y\[3\] is 2; loss='bce_with_logits' needs targets in \[0, 1\]"),
        ([3, 1], X4, [1, 1, 0, -1], {"loss": "bce_with_logits"}, r"y\[3\] is -1.*for -1/\+1 labels use loss='hinge'"),
        ([3, 1], X4, [1.0, 0.5, float("nan"), 0.0], {"loss": "mse"}, r"^fit: y\[2\] must be a finite number, got nan$"),
        ([4, 3], X6, [0, 0, 1, 1, 2, 3], {"loss": "cross_entropy"}, r"^fit: y\[5\] is 3, but the model gives 3 class scores.*0\.\.2"),
        ([4, 1], X6, [0, 0, 1, 1, 0, 0], {"loss": "cross_entropy"}, r"needs one score per class, but the model gives 1 output"),
        ([4, 3], X4, Y4, {"loss": "hinge"}, r"^fit: loss='hinge' takes one output per sample, but the model gives 3"),
        ([3, 1], X4, [1, 1, 0, 0], {"loss": "bce"}, r"^fit: loss='bce' takes probabilities, but the model's output layer is 'linear'"),
        ([3, 1], [[1.0, 1.0], [2.0, -0.5], [-1.0, -1.0, 0.0], [0.5, -2.0]], Y4, {}, r"^fit: X\[2\] has 3 numbers but the model takes 2 inputs"),
        ([3, 1], [[1.0, 1.0], [2.0, -0.5], [-1.0, float("inf")], [0.5, -2.0]], Y4, {}, r"^fit: X\[2\]\[1\] must be a finite number, got inf$"),
        ([3, 1], X4, Y4, {"validation_data": (X4[:2], [1, 0])}, r"^fit \(validation_data\): y\[1\] is 0; loss='hinge'"),
        ([3, 1], X4, Y4, {"validation_data": ([[1.0]], [1])}, r"^fit \(validation_data\): X\[0\] has 1 numbers but the model takes 2"),
        ([3, 1], X4, Y4, {"validation_data": (X4, Y4, X4)}, r"^fit: validation_data must be a pair \(X_val, y_val\)"),
    ],
)
def test_fit_rejects_bad_data_before_training_and_leaves_the_model_unchanged(nouts, X, y, kwargs, message):
    model = MLP(2, nouts, rng=0)
    before = model.state_dict()
    with pytest.raises(ValueError, match=message):
        fit(model, X, y, epochs=2, batch_size=1, shuffle=False, progress=False, **kwargs)
    assert model.state_dict() == before


@pytest.mark.parametrize(
    "nouts, X, y, kwargs, message",
    [
        ([3, 1], X4, [1.0, "a", 0.0, 0.0], {"loss": "mse"}, r"^fit: y\[1\] must be a number, got 'a' \(str\)$"),
        ([3, 1], X4, [1, True, -1, -1], {"loss": "hinge"}, r"^fit: y\[1\] must be a number, got True \(bool\)$"),
        ([4, 3], X6, [0, 0, 1, 1, 2.0, 2], {"loss": "cross_entropy"}, r"^fit: y\[4\] is 2.0; loss='cross_entropy' needs class indices"),
        ([3, 1], [[1.0, 1.0], ["2", -0.5], [-1.0, -1.0], [0.5, -2.0]], Y4, {}, r"^fit: X\[1\]\[0\] must be a number, got '2' \(str\)$"),
        ([3, 1], [[1.0, 1.0], 2.0, [-1.0, -1.0], [0.5, -2.0]], Y4, {}, r"^fit: X\[1\] must be a list of 2 numbers \(one sample\), got 2.0 \(float\)$"),
        ([3, 1], X4, Y4, {"validation_data": 5}, r"^fit: validation_data must be a pair \(X_val, y_val\), got 5 \(int\)$"),
    ],
)
def test_fit_rejects_data_of_the_wrong_type_with_a_type_error_before_training(nouts, X, y, kwargs, message):
    model = MLP(2, nouts, rng=0)
    before = model.state_dict()
    with pytest.raises(TypeError, match=message):
        fit(model, X, y, epochs=2, batch_size=1, shuffle=False, progress=False, **kwargs)
    assert model.state_dict() == before


def test_fit_validation_data_of_mismatched_lengths_names_both():
    with pytest.raises(ValueError, match=r"^fit \(validation_data\): X has 2 samples but y has 1"):
        fit(MLP(2, [3, 1], rng=0), X4, Y4, validation_data=(X4[:2], Y4[:1]), progress=False)


def test_accuracy_on_empty_data_is_an_error():
    with pytest.raises(ValueError, match="non-empty"):
        accuracy(_linear(1.0, 1.0), [], [])


# -- fit rejects a bad call before the first step, leaving the model as it was --------


def _rejects_untouched(match, error=ValueError, **kwargs):
    model = kwargs.pop("model", None) or MLP(2, [3, 1], rng=0)
    before = model.state_dict()
    with pytest.raises(error, match=match):
        fit(model, X4, Y4, epochs=3, progress=False, **kwargs)
    assert model.state_dict() == before


def test_fit_checks_every_epochs_learning_rate_from_a_schedule_function_first():
    # lr 1.0, then -1.0: the second epoch's rate is bad, so nothing trains at all.
    _rejects_untouched(r"^fit: lr_schedule\(1\) must be a number >= 0, got -1.0 \(a negative learning rate climbs the loss\)$",
                       lr_schedule=lambda e: 1.0 - 2 * e)


def test_fit_rejects_a_schedule_that_is_neither_a_schedule_nor_a_function():
    _rejects_untouched(r"^fit: lr_schedule must be a schedule .* got 5 \(int\)$", TypeError, lr_schedule=5)


def test_fit_rejects_a_schedule_built_on_another_optimizer():
    from tinygrad_ann.optim import SGD, StepLR

    model = MLP(2, [3, 1], rng=0)
    opt = SGD(model.parameters(), lr=0.1)
    other = StepLR(SGD(model.parameters(), lr=0.1), step_size=1)
    _rejects_untouched("built on another optimizer", model=model, optimizer=opt, lr_schedule=other)


def test_fit_rejects_lr_beside_an_optimizer_which_has_its_own():
    from tinygrad_ann.optim import Adam

    model = MLP(2, [3, 1], rng=0)
    _rejects_untouched(r"lr=0.5 is the learning rate of the default SGD.*Adam\(model.parameters\(\), lr=0.5\)",
                       model=model, optimizer=Adam(model.parameters()), lr=0.5)


def test_fit_default_sgd_learning_rate_is_0_1_or_lr():
    from tinygrad_ann.optim import SGD

    trained = {}
    for lr in (None, 0.1, 0.3):
        model = MLP(2, [3, 1], rng=0)
        kwargs = {} if lr is None else {"lr": lr}
        fit(model, X4, Y4, epochs=1, progress=False, **kwargs)
        trained[lr] = model.state_dict()
    by_hand = MLP(2, [3, 1], rng=0)
    opt = SGD(by_hand.parameters(), lr=0.1)
    from tinygrad_ann.losses import hinge_loss

    loss = hinge_loss([by_hand(x) for x in X4], Y4)
    opt.zero_grad(); loss.backward(); opt.step()
    assert trained[None] == trained[0.1] == by_hand.state_dict() != trained[0.3]


def test_fit_rejects_a_model_without_parameters():
    with pytest.raises(TypeError, match="fit: model must be a model with parameters"):
        fit(lambda x: Value(x[0]), X4, Y4, progress=False)


@pytest.mark.parametrize("rng", ["a", 1.5, True])
def test_fit_rejects_an_rng_that_is_not_an_int_a_random_or_none(rng):
    _rejects_untouched(r"^fit: rng must be an int seed, a random.Random or None, got ", TypeError, rng=rng)


@pytest.mark.parametrize("seed", ["a", 1.5, True])
def test_fit_rejects_a_seed_that_is_not_an_int_or_a_random(seed):
    _rejects_untouched(r"^fit: seed must be an int seed, a random.Random or None, got ", TypeError, seed=seed)


def test_fit_seed_is_the_old_name_of_rng():
    runs = []
    for kwargs in ({"rng": 3}, {"seed": 3}, {"rng": random.Random(3)}, {"seed": random.Random(3)}):
        model = MLP(2, [4, 1], rng=0)
        runs.append(fit(model, X4, Y4, epochs=5, batch_size=2, progress=False, **kwargs))
    assert runs[0] == runs[1] == runs[2] == runs[3]


def test_fit_with_rng_and_seed_both_given_is_a_type_error():
    _rejects_untouched(r"^fit: give rng or seed \(its old name\), not both; got rng=1 and seed=2$", TypeError,
                       rng=1, seed=2)


def test_fit_without_rng_shuffles_with_the_global_random():
    runs = []
    for _ in range(2):
        random.seed(11)
        model = MLP(2, [4, 1], rng=0)
        runs.append(fit(model, X4, Y4, epochs=5, batch_size=2, rng=None, progress=False))
    assert runs[0] == runs[1]


def test_fit_default_rng_is_the_seed_0():
    runs = []
    for kwargs in ({}, {"rng": 0}):
        model = MLP(2, [4, 1], rng=0)
        runs.append(fit(model, X4, Y4, epochs=5, batch_size=2, progress=False, **kwargs))
    assert runs[0] == runs[1]


def test_fit_with_the_mse_loss_function_is_regression_as_with_its_name():
    from tinygrad_ann.losses import hinge_loss, mse_loss

    targets = [0.5, 1.0, -0.5, 2.0]
    h = fit(MLP(2, [3, 1], rng=0), X4, targets, loss=mse_loss, epochs=2, progress=False)
    assert sorted(h) == ["loss"]
    # A loss function from tinygrad_ann.losses has its targets checked as its name would.
    with pytest.raises(ValueError, match="loss='hinge' needs labels"):
        fit(MLP(2, [3, 1], rng=0), X4, targets, loss=hinge_loss, progress=False)


@pytest.mark.parametrize("labels, error", [([0, 2, 0, 2], ValueError), ([1, -1, 1, 5], ValueError),
                                           ([True, False, True, False], TypeError), ([1, "a", 0, 0], TypeError)])
def test_accuracy_rejects_labels_a_binary_model_can_never_predict(labels, error):
    with pytest.raises(error, match=r"^accuracy: y\[\d\] is .* labels must be 0/1 or -1/\+1"):
        accuracy(_linear(1.0, 1.0), X4, labels)


@pytest.mark.parametrize("labels, error", [([0, 1, 2, 3], ValueError), ([0, 1, -1, 0], ValueError),
                                           ([0.0, 1.5, 0, 1], TypeError)])
def test_accuracy_rejects_labels_that_are_not_class_indices_of_a_multiclass_model(labels, error):
    with pytest.raises(error, match=r"^accuracy: y\[\d\] is .* class index in 0..2"):
        accuracy(MLP(2, [3, 3], rng=0), X4, labels)


def test_fit_and_accuracy_take_numpy_arrays():
    np = pytest.importorskip("numpy")
    X, y = np.array(X4), np.array(Y4)
    model = MLP(2, [4, 1], rng=0)
    h = fit(model, X, y, epochs=30, progress=False)
    assert h["accuracy"][-1] == accuracy(model, X4, Y4) == accuracy(model, X, y)


@pytest.mark.parametrize("y, error, message", [
    (5, TypeError, r"^fit: y must be a list of targets, one per sample, got 5 \(int\)$"),
    ({1: 1}, TypeError, r"^fit: y must be a list of targets, one per sample, got \{1: 1\} \(dict\)$"),
    ([1, -1], ValueError, r"^fit: X has 4 samples but y has 2"),
])
def test_fit_names_a_bad_y(y, error, message):
    with pytest.raises(error, match=message):
        fit(MLP(2, [3, 1], rng=0), X4, y, progress=False)


@pytest.mark.parametrize("kwargs, message", [
    ({"epochs": 2.5}, r"^fit: epochs must be a whole number >= 0, got 2.5 \(float\)$"),
    ({"batch_size": "all"}, r"^fit: batch_size must be a whole number >= 1 or None, got 'all' \(str\)$"),
    ({"l2": "0.1"}, r"^fit: l2 must be a number, got '0.1' \(str\)$"),
    ({"loss": 5}, r"^fit: loss must be a loss name or a function \(outputs, targets\) -> Value, got 5 \(int\)$"),
    ({"model": 5}, r"^fit: model must be a model with parameters\(\), such as an MLP, got 5 \(int\)$"),
])
def test_fit_arguments_of_the_wrong_type_are_type_errors_naming_fit(kwargs, message):
    kwargs.setdefault("model", MLP(2, [3, 1], rng=0))
    with pytest.raises(TypeError, match=message):
        fit(X=X4, y=Y4, progress=False, **kwargs)


@pytest.mark.parametrize("X, error, message", [
    ([], ValueError, r"^predict: X must be a non-empty list of samples, got \[\]$"),
    (5, TypeError, r"^predict: X must be a non-empty list of samples, got 5 \(int\)$"),
])
def test_predict_names_a_bad_x(X, error, message):
    with pytest.raises(error, match=message):
        predict(_linear(1.0, 1.0), X)


# -- scores become labels: one rule for predict_classes, accuracy, fit and the plots --


def test_scores_to_labels_splits_one_score_at_the_threshold():
    assert scores_to_labels([0.7, -0.2, 0.0, float("nan")]) == [1, 0, 0, 0]
    assert scores_to_labels([0.7, 0.2], threshold=0.5, binary_labels=(-1, 1)) == [1, -1]


def test_scores_to_labels_takes_the_first_largest_of_several_scores():
    assert scores_to_labels([[0.1, 2.0, 0.3], [5.0, 1.0, 5.0]]) == [1, 0]
    assert scores_to_labels([[0.1, 2.0], (3.0, 1.0)], class_labels=("cat", "dog")) == ["dog", "cat"]


def test_default_threshold_is_one_half_for_probabilities_and_zero_for_scores():
    assert default_threshold(MLP(2, [1], output_activation="sigmoid", rng=0)) == 0.5
    assert default_threshold(MLP(2, [1], output_activation="sigmoid", rng=0), loss="hinge") == 0.5
    assert default_threshold(MLP(2, [1], rng=0)) == 0.0
    assert default_threshold(MLP(2, [1], rng=0), loss="bce") == 0.5
    assert default_threshold(lambda x: x) == 0.0


def test_predict_classes_is_scores_to_labels_of_predict_at_the_default_threshold():
    model = _sigmoid(1.0, 1.0)
    expected = scores_to_labels(predict(model, X4), default_threshold(model), (-1, 1))
    assert predict_classes(model, X4, labels=(-1, 1)) == expected == [1, 1, -1, -1]


# -- loss='auto', the default: fit works on the library's own data out of the box -----------


def test_fit_trains_on_make_moons_as_it_comes_with_bce_with_logits():
    from tinygrad_ann.datasets import make_moons

    X, y = make_moons(60, noise=0.1, rng=0)  # labels 0 and 1
    history = fit(MLP(2, [8, 1], rng=0), X, y, epochs=40, lr=0.1, progress=False)
    assert history.loss_name == "bce_with_logits" and not history.diverged
    assert history["loss"][-1] < history["loss"][0] and history["accuracy"][-1] > 0.8


@pytest.mark.parametrize(
    "labels, model, expected",
    [
        ([-1, 1, 1, -1], lambda: MLP(2, [4, 1], rng=0), "hinge"),
        ([0, 1, 1, 0], lambda: MLP(2, [4, 1], rng=0), "bce_with_logits"),
        ([0.0, 1.0, 1.0, 0.0], lambda: MLP(2, [4, 1], output_activation="sigmoid", rng=0), "bce"),
        ([0, 2, 1, 0], lambda: MLP(2, [4, 3], rng=0), "cross_entropy"),
        ([0.5, -1.25, 3.0, 0.0], lambda: MLP(2, [4, 1], rng=0), "mse"),
    ],
)
def test_auto_loss_is_chosen_from_the_labels_and_the_model(labels, model, expected):
    X = [[0.0, 1.0], [1.0, 0.0], [0.5, 0.5], [-1.0, 0.0]]
    history = fit(model(), X, labels, epochs=2, lr=0.01, progress=False)
    assert history.loss_name == expected


def test_auto_loss_says_what_to_change_for_many_classes_and_one_output():
    X = [[0.0, 1.0], [1.0, 0.0], [0.5, 0.5]]
    with pytest.raises(ValueError, match=r"^fit: loss='auto' sees 3 classes \(0, 1, 2\) but the model has one output"):
        fit(MLP(2, [4, 1], rng=0), X, [0, 1, 2], epochs=1, progress=False)


def test_auto_loss_refuses_0_1_labels_for_an_output_that_is_no_score():
    X = [[0.0, 1.0], [1.0, 0.0]]
    with pytest.raises(ValueError, match=r"output layer is 'tanh', neither a score \(linear\) nor a probability"):
        fit(MLP(2, [4, 1], output_activation="tanh", rng=0), X, [0, 1], epochs=1, progress=False)


def test_a_named_loss_is_recorded_in_the_history():
    X, y = [[0.0], [1.0]], [1, -1]
    assert fit(MLP(1, [2, 1], rng=0), X, y, loss="hinge", epochs=1, progress=False).loss_name == "hinge"


# -- divergence: at the first loss that is not a finite number, fit stops and says so -------


def test_a_diverging_fit_stops_at_the_first_non_finite_loss_and_says_so(capsys):
    X = [[i / 10] for i in range(-10, 11)]
    y = [3 * x[0] ** 2 for x in X]
    history = fit(MLP(1, [8, 8, 1], activation="linear", rng=0), X, y, loss="mse", lr=1.0, epochs=50,
                  progress=False)
    assert history.diverged
    assert all(math.isfinite(v) for v in history["loss"][:-1]) and not math.isfinite(history["loss"][-1])
    assert len(history["loss"]) < 50
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and out[0].startswith(f"fit: the loss became nan at epoch {len(history['loss'])} of 50")
    assert out[0].endswith("try a smaller learning rate")


def test_a_converging_fit_is_not_marked_diverged(capsys):
    history = fit(MLP(1, [4, 1], rng=0), [[0.0], [1.0]], [0.0, 1.0], loss="mse", lr=0.05, epochs=5, progress=False)
    assert not history.diverged and len(history["loss"]) == 5 and capsys.readouterr().out == ""
