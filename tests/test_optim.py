"""Tests for tinygrad_ann.optim: each update rule by hand, against a plain
reference written from the math, against torch.optim when torch is installed;
the schedules; and every kind of bad argument."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinygrad_ann.engine import Value
from tinygrad_ann.optim import (
    SGD,
    Adam,
    LambdaLR,
    LinearLR,
    Optimizer,
    RMSprop,
    StepLR,
    check_learning_rate,
    linear_decay,
    step_decay,
)

OPTIMIZERS = [SGD, Adam, RMSprop]


@pytest.fixture
def torch():
    """torch, or skip the test when it is not installed (it is not a dependency)."""
    return pytest.importorskip("torch")


def close(a: float, b: float, tol: float = 1e-12) -> bool:
    return math.isclose(a, b, rel_tol=tol, abs_tol=tol)


def all_close(xs: list[float], ys: list[float], tol: float = 1e-12) -> bool:
    return len(xs) == len(ys) and all(close(x, y, tol) for x, y in zip(xs, ys, strict=True))


def one_param_step(opt_cls, p0: float, grads: list[float], **kwargs) -> list[float]:
    """The param's value after each step, with the given gradient at each step."""
    p = Value(p0)
    opt = opt_cls([p], **kwargs)
    history = []
    for g in grads:
        p.grad = g
        opt.step()
        history.append(p.data)
    return history


# Five steps of gradients for six parameters, including zeros and sign changes.
RNG = random.Random(0)
START = [RNG.uniform(-2, 2) for _ in range(6)]
GRADS = [[RNG.uniform(-3, 3) for _ in range(6)] for _ in range(5)]
GRADS[0][2] = 0.0
GRADS[3][4] = 0.0


def run_ours(opt_cls, start, grads_per_step, **kwargs) -> list[list[float]]:
    """Our optimizer's params after each step, given the gradients of each step."""
    ps = [Value(x) for x in start]
    opt = opt_cls(ps, **kwargs)
    history = []
    for gs in grads_per_step:
        opt.zero_grad()
        for p, g in zip(ps, gs, strict=True):
            p.grad = g
        opt.step()
        history.append([p.data for p in ps])
    return history


def run_torch(torch, name, start, grads_per_step, **kwargs) -> list[list[float]]:
    """torch.optim's params after each step, given the same gradients."""
    t = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = getattr(torch.optim, name)([t], **kwargs)
    history = []
    for gs in grads_per_step:
        t.grad = torch.tensor(gs, dtype=torch.float64)
        opt.step()
        history.append(t.detach().tolist())
    return history


def assert_same_history(ours, expected):
    assert len(ours) == len(expected)
    for step, (a, b) in enumerate(zip(ours, expected, strict=True), start=1):
        assert all_close(a, b), f"after step {step}: ours {a}, expected {b}"


# ---------------------------------------------------------------------------
# Reference rules, written out from the math independently of the library.
# ---------------------------------------------------------------------------


def reference_sgd(start, grads_per_step, lr, momentum=0.0, weight_decay=0.0, nesterov=False):
    ps, velocity, history = list(start), None, []
    for gs in grads_per_step:
        d = [g + weight_decay * p for g, p in zip(gs, ps, strict=True)]
        if momentum:
            if velocity is None:
                velocity = list(d)
            else:
                velocity = [momentum * v + di for v, di in zip(velocity, d, strict=True)]
            d = [di + momentum * v for di, v in zip(d, velocity, strict=True)] if nesterov else velocity
        ps = [p - lr * di for p, di in zip(ps, d, strict=True)]
        history.append(ps)
    return history


def reference_adam(start, grads_per_step, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
    # Kingma & Ba's "more efficient" ordering: fold both bias corrections into
    # the step size and scale eps to match, lr * m_hat / (sqrt(v_hat) + eps).
    b1, b2 = betas
    ps, history = list(start), []
    m, v = [0.0] * len(ps), [0.0] * len(ps)
    for t, gs in enumerate(grads_per_step, start=1):
        gs = [g + weight_decay * p for g, p in zip(gs, ps, strict=True)]
        m = [b1 * mi + (1 - b1) * g for mi, g in zip(m, gs, strict=True)]
        v = [b2 * vi + (1 - b2) * g**2 for vi, g in zip(v, gs, strict=True)]
        c2 = math.sqrt(1 - b2**t)
        step_size = lr * c2 / (1 - b1**t)
        ps = [p - step_size * mi / (math.sqrt(vi) + eps * c2) for p, mi, vi in zip(ps, m, v, strict=True)]
        history.append(ps)
    return history


def reference_rmsprop(
    start, grads_per_step, lr=1e-2, alpha=0.99, eps=1e-8, momentum=0.0, weight_decay=0.0
):
    ps, history = list(start), []
    v, buf = [0.0] * len(ps), [0.0] * len(ps)
    for gs in grads_per_step:
        gs = [g + weight_decay * p for g, p in zip(gs, ps, strict=True)]
        v = [alpha * vi + (1 - alpha) * g**2 for vi, g in zip(v, gs, strict=True)]
        scaled = [g / (math.sqrt(vi) + eps) for g, vi in zip(gs, v, strict=True)]
        if momentum:
            buf = [momentum * b + u for b, u in zip(buf, scaled, strict=True)]
            ps = [p - lr * b for p, b in zip(ps, buf, strict=True)]
        else:
            ps = [p - lr * u for p, u in zip(ps, scaled, strict=True)]
        history.append(ps)
    return history


SGD_CONFIGS = [
    dict(lr=0.1),
    dict(lr=0.1, momentum=0.9),
    dict(lr=0.05, momentum=0.9, nesterov=True),
    dict(lr=0.1, momentum=0.5, weight_decay=0.01),
    dict(lr=0.1, weight_decay=0.1),
    dict(lr=0.02, momentum=0.8, weight_decay=0.05, nesterov=True),
]
ADAM_CONFIGS = [
    dict(),
    dict(lr=0.01, betas=(0.8, 0.99)),
    dict(lr=0.1, weight_decay=0.1),
    dict(lr=0.01, eps=1e-3),
]
RMSPROP_CONFIGS = [
    dict(),
    dict(lr=0.001, alpha=0.9),
    dict(lr=0.01, momentum=0.9),
    dict(lr=0.01, weight_decay=0.1, momentum=0.5, eps=1e-4),
]
ALL_CONFIGS = (
    [(SGD, reference_sgd, c) for c in SGD_CONFIGS]
    + [(Adam, reference_adam, c) for c in ADAM_CONFIGS]
    + [(RMSprop, reference_rmsprop, c) for c in RMSPROP_CONFIGS]
)
CONFIG_IDS = [f"{cls.__name__}-{config}" for cls, _, config in ALL_CONFIGS]


# ---------------------------------------------------------------------------
# SGD by hand
# ---------------------------------------------------------------------------


def test_sgd_moves_a_param_against_its_gradient_by_lr():
    assert one_param_step(SGD, 1.0, [2.0], lr=0.1) == [0.8]  # 1 - 0.1 * 2


def test_sgd_momentum_buffer_starts_at_the_first_gradient():
    # b = 1: p = 1 - 0.1;  then b = 0.9 * 1 + 1 = 1.9: p = 0.9 - 0.19
    assert all_close(one_param_step(SGD, 1.0, [1.0, 1.0], lr=0.1, momentum=0.9), [0.9, 0.71])


def test_sgd_nesterov_steps_by_gradient_plus_momentum_times_buffer():
    # b = 1, g + 0.9 b = 1.9: p = 0.81;  b = 1.9, g + 0.9 b = 2.71: p = 0.81 - 0.271
    history = one_param_step(SGD, 1.0, [1.0, 1.0], lr=0.1, momentum=0.9, nesterov=True)
    assert all_close(history, [0.81, 0.539])


def test_sgd_weight_decay_adds_weight_decay_times_param_to_the_gradient():
    assert one_param_step(SGD, 2.0, [0.0], lr=0.5, weight_decay=0.1) == [1.9]  # 2 - 0.5 * 0.2


@given(
    st.floats(min_value=-1e6, max_value=1e6),
    st.floats(min_value=-1e6, max_value=1e6),
    st.floats(min_value=1e-6, max_value=10.0),
)
def test_sgd_without_momentum_is_exactly_p_minus_lr_times_g(p, g, lr):
    assert one_param_step(SGD, p, [g], lr=lr) == [p - lr * g]


# ---------------------------------------------------------------------------
# Adam by hand
# ---------------------------------------------------------------------------


def test_adam_first_step_is_lr_times_g_over_abs_g_plus_eps():
    # m_hat = g and v_hat = g^2 after bias correction
    assert one_param_step(Adam, 1.0, [50.0], lr=0.1) == [1.0 - 0.1 * 50.0 / (50.0 + 1e-8)]


def test_adam_zero_gradient_on_the_first_step_leaves_the_param():
    assert one_param_step(Adam, 1.0, [0.0], lr=0.1) == [1.0]


def test_adam_second_step_uses_bias_corrected_averages():
    # m = 0.1, then 0.09 + 0.3 = 0.39;  v = 0.001, then 0.000999 + 0.009 = 0.009999
    m_hat = 0.39 / (1 - 0.9**2)
    v_hat = 0.009999 / (1 - 0.999**2)
    first = 1.0 - 0.1 * 1.0 / (1.0 + 1e-8)
    history = one_param_step(Adam, 1.0, [1.0, 3.0], lr=0.1)
    assert all_close(history, [first, first - 0.1 * m_hat / (math.sqrt(v_hat) + 1e-8)])


def test_adam_weight_decay_is_added_to_the_gradient_not_decoupled():
    # L2: g = 0 + 0.1 * 2 = 0.2, so the first step is ~lr = 0.1 (AdamW would move 0.02)
    history = one_param_step(Adam, 2.0, [0.0], lr=0.1, weight_decay=0.1)
    assert close(history[0], 2.0 - 0.1 * 0.2 / (0.2 + 1e-8))


@given(st.lists(st.floats(min_value=-1e6, max_value=1e6), min_size=1, max_size=5))
def test_adam_first_step_moves_each_param_by_at_most_lr(gs):
    ps = [Value(0.0) for _ in gs]
    opt = Adam(ps, lr=0.01)
    for p, g in zip(ps, gs, strict=True):
        p.grad = g
    opt.step()
    assert all(abs(p.data) <= 0.01 for p in ps)


# ---------------------------------------------------------------------------
# RMSprop by hand
# ---------------------------------------------------------------------------


def test_rmsprop_first_step_divides_by_root_mean_square():
    # v = 0.01 * 3^2 = 0.09, sqrt(v) = 0.3
    assert all_close(
        one_param_step(RMSprop, 1.0, [3.0], lr=0.01), [1.0 - 0.01 * 3.0 / (0.3 + 1e-8)]
    )


def test_rmsprop_momentum_buffer_starts_at_zero():
    without = one_param_step(RMSprop, 1.0, [3.0], lr=0.01)
    with_momentum = one_param_step(RMSprop, 1.0, [3.0], lr=0.01, momentum=0.9)
    assert with_momentum == without


def test_rmsprop_momentum_accumulates_the_scaled_gradients():
    u1 = 3.0 / (math.sqrt(0.09) + 1e-8)
    u2 = 3.0 / (math.sqrt(0.99 * 0.09 + 0.01 * 9.0) + 1e-8)
    history = one_param_step(RMSprop, 1.0, [3.0, 3.0], lr=0.01, momentum=0.9)
    assert all_close(history, [1.0 - 0.01 * u1, 1.0 - 0.01 * u1 - 0.01 * (0.9 * u1 + u2)])


# ---------------------------------------------------------------------------
# Every rule over five steps: against the reference, and against torch.optim.
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("opt_cls, reference, config", ALL_CONFIGS, ids=CONFIG_IDS)
def test_optimizer_matches_the_reference_rule_over_five_steps(opt_cls, reference, config):
    assert_same_history(
        run_ours(opt_cls, START, GRADS, **config), reference(START, GRADS, **config)
    )


@pytest.mark.parametrize("opt_cls, reference, config", ALL_CONFIGS, ids=CONFIG_IDS)
def test_optimizer_matches_torch_optim_over_five_steps(torch, opt_cls, reference, config):
    expected = run_torch(torch, opt_cls.__name__, START, GRADS, **config)
    assert_same_history(run_ours(opt_cls, START, GRADS, **config), expected)


@pytest.mark.parametrize("opt_cls", OPTIMIZERS, ids=lambda c: c.__name__)
def test_optimizer_makes_a_quadratic_loss_small(opt_cls):
    w = [Value(0.0), Value(5.0)]
    opt = opt_cls(w, lr=0.05)
    for _ in range(500):
        loss = (w[0] - 3) ** 2 + (w[1] + 1) ** 2
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert loss.data < 1e-3


# ---------------------------------------------------------------------------
# What every optimizer shares.
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("opt_cls", OPTIMIZERS, ids=lambda c: c.__name__)
def test_zero_grad_sets_every_grad_to_zero(opt_cls):
    ps = [Value(1.0), Value(2.0)]
    opt = opt_cls(ps, lr=0.1)
    ps[0].grad, ps[1].grad = 3.0, -4.0
    opt.zero_grad()
    assert [p.grad for p in ps] == [0.0, 0.0]


@pytest.mark.parametrize("opt_cls", OPTIMIZERS, ids=lambda c: c.__name__)
def test_step_builds_no_graph(opt_cls):
    ps = [Value(1.0), Value(2.0)]
    opt = opt_cls(ps, lr=0.1)
    for p in ps:
        p.grad = 1.0
    opt.step()
    assert all(p._prev == () and p._op == "" and type(p.data) is float for p in ps)


@pytest.mark.parametrize("opt_cls", OPTIMIZERS, ids=lambda c: c.__name__)
def test_params_from_a_generator_are_kept_as_a_list(opt_cls):
    ps = [Value(1.0), Value(2.0)]
    opt = opt_cls((p for p in ps), lr=0.1)
    assert type(opt.params) is list and opt.params == ps


@pytest.mark.parametrize("opt_cls", OPTIMIZERS, ids=lambda c: c.__name__)
def test_step_counts_steps(opt_cls):
    opt = opt_cls([Value(1.0)], lr=0.1)
    opt.step()
    opt.step()
    assert opt.step_count == 2


def _step_after_setting_lr(lr) -> tuple[float, float]:
    """(param, opt.lr) after one SGD step from param 1.0 with grad 1.0, its lr set to `lr`."""
    p = Value(1.0)
    opt = SGD([p], lr=0.1)
    opt.lr = lr
    p.grad = 1.0
    opt.step()
    return p.data, opt.lr


def test_a_new_lr_is_used_by_the_next_step():
    assert _step_after_setting_lr(0.5) == (0.5, 0.5)


def test_lr_may_be_set_to_zero_to_freeze_params():
    assert _step_after_setting_lr(0) == (1.0, 0.0)


@pytest.mark.parametrize("opt_cls", OPTIMIZERS, ids=lambda c: c.__name__)
def test_state_dict_and_load_state_dict_resume_training_exactly(opt_cls):
    config = {"lr": 0.1, "momentum": 0.9} if opt_cls is not Adam else {"lr": 0.1}
    uninterrupted = run_ours(opt_cls, START, GRADS, **config)[-1]
    ps = [Value(x) for x in START]
    opt = opt_cls(ps, **config)
    for gs in GRADS[:3]:
        for p, g in zip(ps, gs, strict=True):
            p.grad = g
        opt.step()
    saved_state, saved_params = opt.state_dict(), [p.data for p in ps]
    ps = [Value(x) for x in saved_params]
    opt = opt_cls(ps, lr=1.0)
    opt.load_state_dict(saved_state)
    for gs in GRADS[3:]:
        for p, g in zip(ps, gs, strict=True):
            p.grad = g
        opt.step()
    assert [p.data for p in ps] == uninterrupted


def test_state_dict_is_a_copy():
    p = Value(1.0)
    opt = Adam([p], lr=0.1)
    p.grad = 1.0
    opt.step()
    state = opt.state_dict()
    state["exp_avg"][0] = 123.0
    assert opt.exp_avg[0] != 123.0


def test_load_state_dict_rejects_the_state_of_another_optimizer_kind():
    state = SGD([Value(1.0)], lr=0.1).state_dict()
    with pytest.raises(
        ValueError, match=r"^Adam.load_state_dict: state must have the keys \['betas', .*got the keys \['lr', 'momentum'"
    ):
        Adam([Value(1.0)]).load_state_dict(state)


def test_load_state_dict_rejects_a_state_that_is_not_a_dict_with_type_error():
    with pytest.raises(TypeError, match=r"^Adam.load_state_dict: state must be a dict .*, got \[1.0\] \(list\)"):
        Adam([Value(1.0)]).load_state_dict([1.0])


def test_load_state_dict_rejects_buffers_for_a_different_number_of_params():
    state = Adam([Value(1.0), Value(2.0)]).state_dict()
    with pytest.raises(
        ValueError, match=r"exp_avg must be a list of 1 numbers \(one per parameter\), got a list of 2$"
    ):
        Adam([Value(1.0)]).load_state_dict(state)


def _stepped(opt_cls, **config):
    """An optimizer of two parameters after two steps: every buffer is in use."""
    ps = [Value(1.0), Value(-2.0)]
    opt = opt_cls(ps, lr=0.1, **config)
    for g in (0.5, -1.5):
        for p in ps:
            p.grad = g
        opt.step()
    return opt


@pytest.mark.parametrize(
    "opt_cls, config, change, error, message",
    [
        (Adam, {}, {"betas": (0.9, 2.0)}, ValueError, r"betas\[1\] must be a number in \[0, 1\), got 2.0"),
        (Adam, {}, {"betas": 0.9}, TypeError, r"betas must be a pair \(beta1, beta2\), got 0.9 \(float\)"),
        (Adam, {}, {"betas": (0.9, 0.99, 0.9)}, ValueError, r"betas must be a pair \(beta1, beta2\), got \(0.9, 0.99, 0.9\)"),
        (Adam, {}, {"eps": 0.0}, ValueError, r"eps must be a positive number, got 0.0"),
        (Adam, {}, {"step_count": -5}, ValueError, r"step_count must be a whole number >= 0, got -5"),
        (Adam, {}, {"step_count": 2.5}, TypeError, r"step_count must be a whole number >= 0, got 2.5 \(float\)"),
        (Adam, {}, {"exp_avg": ["a", "b"]}, TypeError, r"exp_avg\[0\] must be a number, got 'a' \(str\)"),
        (Adam, {}, {"exp_avg": None}, TypeError, r"exp_avg must be a list of 2 numbers \(one per parameter\), got None"),
        (Adam, {}, {"exp_avg_sq": [0.1, -0.1]}, ValueError, r"exp_avg_sq\[1\] must be a number >= 0, got -0.1 \(.*never negative\)"),
        (Adam, {}, {"lr": -0.1}, ValueError, r"lr must be a number >= 0, got -0.1"),
        (Adam, {}, {"weight_decay": float("nan")}, ValueError, r"weight_decay must be a finite number, got nan"),
        (SGD, {"momentum": 0.9}, {"momentum": 1.0}, ValueError, r"momentum must be a number in \[0, 1\), got 1.0"),
        (SGD, {"momentum": 0.9}, {"nesterov": "yes"}, TypeError, r"nesterov must be True or False, got 'yes' \(str\)"),
        (SGD, {"momentum": 0.9}, {"momentum": 0.0, "nesterov": True}, ValueError, r"nesterov=True needs momentum > 0"),
        (SGD, {"momentum": 0.9}, {"momentum_buffer": "ab"}, TypeError, r"momentum_buffer must be a list of 2 numbers .*, got 'ab' \(str\)"),
        (SGD, {"momentum": 0.9}, {"momentum_buffer": [1.0, float("inf")]}, ValueError, r"momentum_buffer\[1\] must be a finite number, got inf"),
        (RMSprop, {"momentum": 0.5}, {"alpha": -0.5}, ValueError, r"alpha must be a number in \[0, 1\), got -0.5"),
        (RMSprop, {"momentum": 0.5}, {"square_avg": [-1.0, 0.0]}, ValueError, r"square_avg\[0\] must be a number >= 0, got -1.0 \(.*never negative\)"),
        (RMSprop, {"momentum": 0.5}, {"momentum_buffer": [0.0, None]}, TypeError, r"momentum_buffer\[1\] must be a number, got None"),
    ],
)
def test_load_state_dict_rejects_a_bad_value_and_leaves_the_optimizer_unchanged(
    opt_cls, config, change, error, message
):
    # The state's lr (0.5) differs from the optimizer's (0.1): a load that wrote
    # anything before finding the bad value would show up in state_dict().
    source = _stepped(opt_cls, **config)
    state = {**source.state_dict(), "lr": 0.5, **change}
    opt = _stepped(opt_cls, **config)
    before = opt.state_dict()
    with pytest.raises(error, match=rf"^{opt_cls.__name__}.load_state_dict: {message}"):
        opt.load_state_dict(state)
    assert opt.state_dict() == before


def test_load_state_dict_accepts_the_lr_of_0_a_schedule_can_reach():
    opt = SGD([Value(1.0)], lr=0.1)
    LinearLR(opt, total_steps=1).step()  # lr -> 0.1 * 0.0
    resumed = SGD([Value(1.0)], lr=0.1)
    resumed.load_state_dict(opt.state_dict())
    assert resumed.lr == 0.0


def test_load_state_dict_keeps_copies_of_the_buffers():
    source = _stepped(Adam)
    state = source.state_dict()
    opt = Adam([Value(0.0), Value(0.0)])
    opt.load_state_dict(state)
    state["exp_avg"][0] = 123.0
    assert opt.exp_avg[0] != 123.0


def test_repr_shows_the_hyperparameters():
    opt = SGD([Value(1.0), Value(2.0)], lr=0.1, momentum=0.9)
    assert repr(opt) == "SGD(2 params, lr=0.1, momentum=0.9, weight_decay=0.0, nesterov=False)"


def test_optimizer_base_step_names_the_missing_rule():
    with pytest.raises(NotImplementedError, match="Optimizer does not define step"):
        Optimizer([Value(1.0)], lr=0.1).step()


# ---------------------------------------------------------------------------
# Bad arguments: errors that name the argument.
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("opt_cls", OPTIMIZERS, ids=lambda c: c.__name__)
def test_optimizer_rejects_empty_params(opt_cls):
    with pytest.raises(
        ValueError, match=rf"^{opt_cls.__name__}: params must be a non-empty iterable of Values .*, got \[\]$"
    ):
        opt_cls([], lr=0.1)


@pytest.mark.parametrize("opt_cls", OPTIMIZERS, ids=lambda c: c.__name__)
def test_optimizer_rejects_a_param_that_is_not_a_value(opt_cls):
    with pytest.raises(
        TypeError, match=rf"^{opt_cls.__name__}: params\[1\] must be a Value .*, got 2.0 \(float\)$"
    ):
        opt_cls([Value(1.0), 2.0], lr=0.1)


@pytest.mark.parametrize("opt_cls", OPTIMIZERS, ids=lambda c: c.__name__)
def test_optimizer_rejects_a_single_value_and_says_to_wrap_it(opt_cls):
    with pytest.raises(
        TypeError, match=rf"^{opt_cls.__name__}: params must be an iterable .* got a single Value; wrap it in a list"
    ):
        opt_cls(Value(1.0), lr=0.1)


@pytest.mark.parametrize("opt_cls", OPTIMIZERS, ids=lambda c: c.__name__)
def test_optimizer_rejects_a_param_given_twice(opt_cls):
    w = Value(1.0)
    with pytest.raises(
        ValueError,
        match=rf"^{opt_cls.__name__}: params must hold each Value once, got params\[2\] the same Value as params\[0\]",
    ):
        opt_cls([w, Value(2.0), w], lr=0.1)


@pytest.mark.parametrize("opt_cls", OPTIMIZERS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("lr", [0.0, -0.1])
def test_optimizer_rejects_lr_that_is_not_positive(opt_cls, lr):
    with pytest.raises(ValueError, match=rf"^{opt_cls.__name__}: lr must be a positive number, got {lr!r} \("):
        opt_cls([Value(1.0)], lr=lr)


@pytest.mark.parametrize("opt_cls", OPTIMIZERS, ids=lambda c: c.__name__)
def test_optimizer_rejects_lr_that_is_not_finite(opt_cls):
    with pytest.raises(
        ValueError, match=rf"^{opt_cls.__name__}: lr must be a finite number, got nan$"
    ):
        opt_cls([Value(1.0)], lr=math.nan)


@pytest.mark.parametrize("opt_cls", OPTIMIZERS, ids=lambda c: c.__name__)
def test_optimizer_rejects_lr_that_is_not_a_number(opt_cls):
    with pytest.raises(TypeError, match=rf"^{opt_cls.__name__}: lr must be a number, got '0.1' \(str\)$"):
        opt_cls([Value(1.0)], lr="0.1")


def test_setting_a_negative_lr_is_rejected():
    opt = SGD([Value(1.0)], lr=0.1)
    with pytest.raises(ValueError, match=r"^SGD: lr must be a number >= 0, got -0.5 \(a negative learning rate climbs the loss\)$"):
        opt.lr = -0.5


def test_sgd_rejects_a_nesterov_that_is_not_a_bool():
    with pytest.raises(TypeError, match=r"^SGD: nesterov must be True or False, got 'yes' \(str\)$"):
        SGD([Value(1.0)], lr=0.1, momentum=0.9, nesterov="yes")


def test_sgd_lr_is_required():
    with pytest.raises(TypeError):
        SGD([Value(1.0)])  # type: ignore[call-arg]


@pytest.mark.parametrize(
    "opt_cls, kwargs, message",
    [
        (SGD, dict(momentum=-0.1), r"^SGD: momentum must be a number in \[0, 1\), got -0.1$"),
        (SGD, dict(momentum=1.0), r"^SGD: momentum must be a number in \[0, 1\), got 1.0$"),
        (SGD, dict(weight_decay=-1.0), r"^SGD: weight_decay must be a number >= 0, got -1.0$"),
        (SGD, dict(nesterov=True), r"^SGD: nesterov=True needs momentum > 0"),
        (Adam, dict(betas=(1.0, 0.999)), r"^Adam: betas\[0\] must be a number in \[0, 1\), got 1.0$"),
        (Adam, dict(betas=(0.9, -0.1)), r"^Adam: betas\[1\] must be a number in \[0, 1\), got -0.1$"),
        (Adam, dict(betas=[0.9]), r"^Adam: betas must be a pair \(beta1, beta2\), got \[0.9\]$"),
        (Adam, dict(eps=0.0), r"^Adam: eps must be a positive number, got 0.0$"),
        (Adam, dict(weight_decay=-0.1), r"^Adam: weight_decay must be a number >= 0, got -0.1$"),
        (RMSprop, dict(alpha=1.0), r"^RMSprop: alpha must be a number in \[0, 1\), got 1.0$"),
        (RMSprop, dict(eps=-1e-8), r"^RMSprop: eps must be a positive number, got -1e-08$"),
        (RMSprop, dict(momentum=1.5), r"^RMSprop: momentum must be a number in \[0, 1\), got 1.5$"),
        (RMSprop, dict(weight_decay=-0.1), r"^RMSprop: weight_decay must be a number >= 0, got -0.1$"),
    ],
)
def test_optimizer_rejects_a_bad_hyperparameter_value_with_value_error(opt_cls, kwargs, message):
    with pytest.raises(ValueError, match=message):
        opt_cls([Value(1.0)], lr=0.1, **kwargs)


def test_adam_rejects_betas_that_are_not_a_pair():
    with pytest.raises(TypeError, match=r"^Adam: betas must be a pair \(beta1, beta2\), got 0.9 \(float\)$"):
        Adam([Value(1.0)], betas=0.9)


# ---------------------------------------------------------------------------
# Learning-rate schedules.
# ---------------------------------------------------------------------------


def test_linear_decay_goes_in_a_straight_line_from_start_to_end():
    assert [linear_decay(k, 4, 1.0, 0.0) for k in range(5)] == [1.0, 0.75, 0.5, 0.25, 0.0]


def test_linear_decay_stays_at_end_after_total_steps():
    assert linear_decay(7, 4, 1.0, 0.2) == 0.2


def test_linear_decay_is_micrographs_demo_schedule_exactly():
    assert all(linear_decay(k, 100, 1.0, 0.1) == 1.0 - 0.9 * k / 100 for k in range(100))


def test_step_decay_multiplies_by_gamma_every_step_size_steps():
    assert [step_decay(k, 3, 0.1, 2.0) for k in (0, 2, 3, 5, 6)] == [
        2.0,
        2.0,
        2.0 * 0.1,
        2.0 * 0.1,
        2.0 * 0.1**2,
    ]


def lrs_of_steps(sched, n: int) -> list[float]:
    """The optimizer's lr at each of n training steps (read before each sched.step())."""
    lrs = []
    for _ in range(n):
        lrs.append(sched.optimizer.lr)
        sched.step()
    return lrs


def test_linear_lr_reproduces_micrographs_demo_schedule():
    sched = LinearLR(SGD([Value(0.0)], lr=1.0), total_steps=100, end_factor=0.1)
    assert lrs_of_steps(sched, 100) == [1.0 - 0.9 * k / 100 for k in range(100)]


def test_linear_lr_sets_the_start_lr_at_construction():
    opt = SGD([Value(0.0)], lr=0.4)
    LinearLR(opt, total_steps=4, start_factor=0.5, end_factor=1.0)
    assert opt.lr == 0.2


def test_linear_lr_scales_the_optimizers_lr():
    sched = LinearLR(SGD([Value(0.0)], lr=0.4), total_steps=4, start_factor=1.0, end_factor=0.5)
    assert all_close(lrs_of_steps(sched, 7), [0.4, 0.35, 0.3, 0.25, 0.2, 0.2, 0.2])


def test_step_lr_multiplies_lr_by_gamma_every_step_size_steps():
    sched = StepLR(Adam([Value(0.0)], lr=0.1), step_size=2, gamma=0.5)
    assert lrs_of_steps(sched, 6) == [0.1, 0.1, 0.05, 0.05, 0.025, 0.025]


def test_lambda_lr_multiplies_base_lr_by_the_function_of_the_step():
    sched = LambdaLR(RMSprop([Value(0.0)], lr=2.0), lambda k: 1 / (k + 1))
    assert lrs_of_steps(sched, 4) == [2.0, 1.0, 2.0 / 3, 0.5]


def test_scheduler_counts_its_steps_and_remembers_the_base_lr():
    opt = SGD([Value(0.0)], lr=0.3)
    sched = StepLR(opt, step_size=1, gamma=0.5)
    sched.step()
    sched.step()
    assert (sched.step_count, sched.base_lr, opt.lr) == (2, 0.3, 0.075)


def torch_lrs_of_steps(torch, scheduler_name: str, n: int, **kwargs) -> list[float]:
    """lrs_of_steps for a torch.optim.lr_scheduler on torch.optim.SGD with lr 0.8."""
    t_opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.8)
    t_sched = getattr(torch.optim.lr_scheduler, scheduler_name)(t_opt, **kwargs)
    lrs = []
    for _ in range(n):
        lrs.append(t_opt.param_groups[0]["lr"])
        t_opt.step()
        t_sched.step()
    return lrs


def test_linear_lr_matches_torch(torch):
    expected = torch_lrs_of_steps(torch, "LinearLR", 10, start_factor=0.9, end_factor=0.1, total_iters=7)
    sched = LinearLR(SGD([Value(0.0)], lr=0.8), total_steps=7, start_factor=0.9, end_factor=0.1)
    assert all_close(lrs_of_steps(sched, 10), expected)


def test_step_lr_matches_torch(torch):
    expected = torch_lrs_of_steps(torch, "StepLR", 10, step_size=3, gamma=0.3)
    sched = StepLR(SGD([Value(0.0)], lr=0.8), step_size=3, gamma=0.3)
    assert all_close(lrs_of_steps(sched, 10), expected)


@pytest.mark.parametrize(
    "args, error, message",
    [
        ((-1, 10, 1.0, 0.0), ValueError, r"^linear_decay: step must be a whole number >= 0, got -1$"),
        ((0, 0, 1.0, 0.0), ValueError, r"^linear_decay: total must be a whole number >= 1, got 0$"),
        ((0.5, 10, 1.0, 0.0), TypeError, r"^linear_decay: step must be a whole number >= 0, got 0.5 \(float\)$"),
        ((0, 10, "1", 0.0), TypeError, r"^linear_decay: start must be a number, got '1' \(str\)$"),
    ],
)
def test_linear_decay_rejects_bad_arguments(args, error, message):
    with pytest.raises(error, match=message):
        linear_decay(*args)


@pytest.mark.parametrize(
    "args, error, message",
    [
        ((0, 0, 0.5, 1.0), ValueError, r"^step_decay: step_size must be a whole number >= 1, got 0$"),
        ((0, 2, 0.0, 1.0), ValueError, r"^step_decay: gamma must be a positive number, got 0.0$"),
        ((-3, 2, 0.5, 1.0), ValueError, r"^step_decay: step must be a whole number >= 0, got -3$"),
        ((0, 2, 0.5, "1"), TypeError, r"^step_decay: start must be a number, got '1' \(str\)$"),
    ],
)
def test_step_decay_rejects_bad_arguments(args, error, message):
    with pytest.raises(error, match=message):
        step_decay(*args)


def test_scheduler_rejects_something_that_is_not_an_optimizer():
    with pytest.raises(
        TypeError, match=r"^StepLR: optimizer must be a tinygrad_ann.optim optimizer .* got \[.*\] \(list\)$"
    ):
        StepLR([Value(1.0)], step_size=2)


@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda o: LinearLR(o, total_steps=0), ValueError, r"^LinearLR: total_steps must be a whole number >= 1, got 0$"),
        (
            lambda o: LinearLR(o, total_steps=10.0),
            TypeError,
            r"^LinearLR: total_steps must be a whole number >= 1, got 10.0 \(float\)$",
        ),
        (
            lambda o: LinearLR(o, 10, end_factor=-0.1),
            ValueError,
            r"^LinearLR: end_factor must be a number >= 0, got -0.1$",
        ),
        (lambda o: StepLR(o, step_size=0), ValueError, r"^StepLR: step_size must be a whole number >= 1, got 0$"),
        (lambda o: StepLR(o, step_size=2, gamma=-0.5), ValueError, r"^StepLR: gamma must be a positive number, got -0.5$"),
        (lambda o: LambdaLR(o, 0.5), TypeError, r"^LambdaLR: lr_lambda must be a function of the step number, got 0.5 \(float\)$"),
    ],
)
def test_scheduler_rejects_bad_arguments(make, error, message):
    opt = SGD([Value(1.0)], lr=0.1)
    with pytest.raises(error, match=message):
        make(opt)


def test_lambda_lr_giving_a_negative_lr_is_rejected():
    opt = SGD([Value(1.0)], lr=0.1)
    sched = LambdaLR(opt, lambda k: 1.0 - k)
    sched.step()  # factor 0: allowed
    with pytest.raises(ValueError, match=r"^SGD: lr must be a number >= 0, got -0.1 "):
        sched.step()


# ---------------------------------------------------------------------------
# check_learning_rate: the check every learning rate passes.
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("lr", [0, 0.0, 0.5, 3])
def test_check_learning_rate_accepts_a_number_at_least_zero_as_a_float(lr):
    checked = check_learning_rate("fit", lr)
    assert checked == lr and type(checked) is float


@pytest.mark.parametrize(
    "lr, error, message",
    [
        (-0.5, ValueError, r"^fit: lr_schedule\(2\) must be a number >= 0, got -0.5 \(a negative learning rate"),
        (math.inf, ValueError, r"^fit: lr_schedule\(2\) must be a finite number, got inf$"),
        ("0.1", TypeError, r"^fit: lr_schedule\(2\) must be a number, got '0.1' \(str\)$"),
        (True, TypeError, r"^fit: lr_schedule\(2\) must be a number, got True \(bool\)$"),
    ],
)
def test_check_learning_rate_rejects_a_bad_rate_naming_the_caller_and_the_argument(lr, error, message):
    with pytest.raises(error, match=message):
        check_learning_rate("fit", lr, name="lr_schedule(2)")


@pytest.mark.parametrize("lr_lambda", [lambda k: 1.0 if k < 2 else 1 / 0, lambda k: 1.0 if k < 2 else "x",
                                       lambda k: 1.0 if k < 2 else -1.0])
def test_a_failed_lambda_lr_step_leaves_the_scheduler_and_the_optimizer_as_they_were(lr_lambda):
    opt = SGD([Value(0.0)], lr=0.5)
    sched = LambdaLR(opt, lr_lambda)
    sched.step()
    before = (sched.step_count, opt.lr, repr(sched))
    with pytest.raises((ZeroDivisionError, TypeError, ValueError)):
        sched.step()
    assert (sched.step_count, opt.lr, repr(sched)) == before
