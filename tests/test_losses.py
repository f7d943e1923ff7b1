"""Tests for tinygrad_ann.losses: each loss against values worked out by hand,
against central differences (gradcheck), against torch.nn.functional when torch
is installed, and on every kind of bad input."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinygrad_ann import gradcheck
from tinygrad_ann.engine import Value, dot
from tinygrad_ann.losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    hinge_loss,
    log_softmax,
    mse_loss,
    softmax,
)

LN2 = math.log(2.0)
LN3 = math.log(3.0)


def values(*xs: float) -> list[Value]:
    return [Value(x) for x in xs]


def grads(vs: list[Value]) -> list[float]:
    return [v.grad for v in vs]


def close(a: float, b: float, tol: float = 1e-12) -> bool:
    return math.isclose(a, b, rel_tol=tol, abs_tol=tol)


def all_close(xs: list[float], ys: list[float], tol: float = 1e-12) -> bool:
    return len(xs) == len(ys) and all(close(x, y, tol) for x, y in zip(xs, ys, strict=True))


@pytest.fixture
def torch():
    """torch, or skip the test when it is not installed (it is not a dependency)."""
    return pytest.importorskip("torch")


moderate = st.floats(min_value=-50.0, max_value=50.0, allow_nan=False)


def assert_matches_torch(torch, ours, theirs, *inputs: list[float]) -> None:
    """ours(*lists of Values) and theirs(*float64 tensors) give the same loss, and the
    same gradient with respect to every input."""
    vs = [values(*xs) for xs in inputs]
    loss = ours(*vs)
    loss.backward()
    ts = [torch.tensor(xs, dtype=torch.float64, requires_grad=True) for xs in inputs]
    expected = theirs(*ts)
    expected.backward()
    assert close(loss.data, expected.item())
    for v, t in zip(vs, ts, strict=True):
        assert all_close(grads(v), t.grad.tolist())


# ---------------------------------------------------------------------------
# mse_loss
# ---------------------------------------------------------------------------


def test_mse_loss_is_the_mean_of_squared_differences():
    # (1-1)^2 + (2-0)^2 + (3-5)^2 = 0 + 4 + 4 = 8, over 3 samples
    assert close(mse_loss([1.0, 2.0, 3.0], [1.0, 0.0, 5.0]).data, 8 / 3)


def test_mse_loss_gradient_is_two_times_the_difference_over_n():
    ps = values(1.0, 2.0, 3.0)
    mse_loss(ps, [1.0, 0.0, 5.0]).backward()
    assert all_close(grads(ps), [0.0, 2 * 2 / 3, 2 * -2 / 3])


def test_mse_loss_passes_gradient_into_value_targets():
    ts = values(1.0, 0.0)
    mse_loss([3.0, 0.0], ts).backward()
    assert grads(ts) == [-2.0, 0.0]  # d/dt (p - t)^2 / n = -2 (p - t) / n


def test_mse_loss_accepts_one_value_and_one_number_as_a_single_sample():
    p = Value(3.0)
    loss = mse_loss(p, 1)
    loss.backward()
    assert (loss.data, p.grad) == (4.0, 4.0)


def test_mse_loss_of_plain_numbers_is_a_value():
    loss = mse_loss([1, 2], [0, 0])
    assert isinstance(loss, Value) and loss.data == 2.5


def test_mse_loss_accepts_any_iterable():
    assert mse_loss((x for x in [1.0, 3.0]), iter([1.0, 1.0])).data == 2.0


def test_mse_loss_adds_a_constant_number_of_nodes_per_sample():
    ps = values(*range(100))
    order = mse_loss(ps, [0.0] * 100).topological_order()
    # per sample: the target leaf, p - t, (p - t)^2; then one sum, n, and the mean
    assert len(order) == len(ps) + 3 * 100 + 3


def test_mse_loss_gradcheck():
    assert gradcheck(lambda a, b, c: mse_loss([a, b], [c, 0.5]), [0.3, -1.2, 2.0])


@given(st.lists(st.tuples(moderate, moderate), min_size=1, max_size=8))
def test_mse_loss_is_symmetric_and_non_negative(pairs):
    ps, ts = [p for p, _ in pairs], [t for _, t in pairs]
    forward, backward = mse_loss(ps, ts).data, mse_loss(ts, ps).data
    assert forward == backward and forward >= 0.0


def test_mse_loss_matches_torch(torch):
    rng = random.Random(0)
    ps_in = [rng.uniform(-3, 3) for _ in range(7)]
    ts_in = [rng.uniform(-3, 3) for _ in range(7)]
    assert_matches_torch(torch, mse_loss, torch.nn.functional.mse_loss, ps_in, ts_in)


# ---------------------------------------------------------------------------
# hinge_loss
# ---------------------------------------------------------------------------


def test_hinge_loss_is_the_mean_of_relu_of_one_minus_margin():
    # margins y*s: 2, 0.5, -0.5 -> max(0, 1 - y*s): 0, 0.5, 1.5 -> mean 2/3
    assert close(hinge_loss([2.0, 0.5, 0.5], [1, 1, -1]).data, 2 / 3)


def test_hinge_loss_gradient_is_minus_label_over_n_inside_the_margin():
    ss = values(2.0, 0.5, 0.5)
    hinge_loss(ss, [1, 1, -1]).backward()
    assert all_close(grads(ss), [0.0, -1 / 3, 1 / 3])


def test_hinge_loss_is_zero_with_no_gradient_when_every_margin_is_at_least_one():
    ss = values(1.0, -3.0)
    loss = hinge_loss(ss, [1, -1])
    loss.backward()
    assert (loss.data, grads(ss)) == (0.0, [0.0, 0.0])


def test_hinge_loss_accepts_a_single_score_and_label():
    assert hinge_loss(Value(-1.0), 1).data == 2.0


def test_hinge_loss_gradcheck():
    assert gradcheck(lambda a, b: hinge_loss([a, b], [1, -1]), [0.3, 0.4])


def test_hinge_loss_matches_torch(torch):
    rng = random.Random(1)
    ss_in = [rng.uniform(-2, 2) for _ in range(9)]
    ys = [rng.choice([-1, 1]) for _ in range(9)]
    assert_matches_torch(
        torch,
        lambda ss: hinge_loss(ss, ys),
        lambda ts: torch.relu(1 - torch.tensor(ys, dtype=torch.float64) * ts).mean(),
        ss_in,
    )


# ---------------------------------------------------------------------------
# binary_cross_entropy
# ---------------------------------------------------------------------------


def test_binary_cross_entropy_is_minus_the_mean_log_likelihood():
    # both samples are given probability 3/4 of their true class: -ln(3/4)
    assert close(binary_cross_entropy([0.25, 0.75], [0, 1]).data, math.log(4 / 3))


def test_binary_cross_entropy_gradient_is_p_minus_t_over_p_one_minus_p_n():
    ps = values(0.25, 0.75)
    binary_cross_entropy(ps, [0, 1]).backward()
    # (p - t) / (p (1 - p) n): 0.25 / (0.1875 * 2), -0.25 / (0.1875 * 2)
    assert all_close(grads(ps), [2 / 3, -2 / 3])


def test_binary_cross_entropy_of_one_half_is_ln_2_for_any_target():
    assert close(binary_cross_entropy([0.5], [0.3]).data, LN2)


def test_binary_cross_entropy_clamps_log_of_zero_at_minus_100():
    assert binary_cross_entropy([0.0, 1.0], [1.0, 0.0]).data == 100.0


def test_binary_cross_entropy_of_certain_correct_answers_is_zero():
    assert binary_cross_entropy([0.0, 1.0], [0.0, 1.0]).data == 0.0


@pytest.mark.parametrize("p, t", [(1.0, 1.0), (0.0, 0.0)])
def test_binary_cross_entropy_of_a_certain_correct_answer_is_plus_zero_not_minus_zero(p, t):
    loss = binary_cross_entropy([p], [t]).data
    assert loss == 0.0 and math.copysign(1.0, loss) == 1.0, loss  # prints 0.0, not -0.0


# The other losses at a point where they are exactly 0: none may come out as -0.0.
@pytest.mark.parametrize(
    "loss, args",
    [
        (binary_cross_entropy_with_logits, ([1000.0], [1.0])),
        (binary_cross_entropy_with_logits, ([-1000.0], [0.0])),
        (mse_loss, ([-0.0], [0.0])),
        (hinge_loss, ([-2.0], [-1])),
        (cross_entropy, ([[1000.0, -1000.0]], [0])),
        (cross_entropy, ([[-5.0]], [0])),
    ],
)
def test_a_loss_of_zero_is_plus_zero(loss, args):
    value = loss(*args).data
    assert value == 0.0 and math.copysign(1.0, value) == 1.0, (loss.__name__, args, value)


def test_binary_cross_entropy_clamps_logs_below_minus_100():
    assert binary_cross_entropy([1e-50], [1.0]).data == 100.0  # ln 1e-50 = -115.1


def test_binary_cross_entropy_clamped_log_passes_no_gradient():
    p = Value(0.0)
    binary_cross_entropy([p], [1.0]).backward()
    assert p.grad == 0.0


def test_binary_cross_entropy_at_zero_keeps_the_gradient_of_the_unclamped_log():
    p = Value(0.0)
    binary_cross_entropy([p], [0.0]).backward()
    assert p.grad == 1.0  # d/dp -ln(1 - p) = 1 / (1 - p)


def test_binary_cross_entropy_gradcheck():
    assert gradcheck(lambda p, q, t: binary_cross_entropy([p, q], [t, 1.0]), [0.2, 0.9, 0.3])


def test_binary_cross_entropy_matches_torch(torch):
    rng = random.Random(2)
    # near 0 and 1 too, while p (1 - p) >= 1e-12 (see the docstring for closer)
    ps_in = [rng.uniform(0.01, 0.99) for _ in range(8)] + [1e-10, 1 - 1e-10]
    ts_in = [rng.choice([0.0, 1.0, rng.random()]) for _ in range(8)] + [1.0, 0.0]
    assert_matches_torch(
        torch, binary_cross_entropy, torch.nn.functional.binary_cross_entropy, ps_in, ts_in
    )


def test_binary_cross_entropy_value_matches_torch_at_zero_and_one(torch):
    ps_in, ts_in = [0.0, 0.0, 1.0, 1.0, 1e-50, 0.5], [0.0, 1.0, 0.0, 1.0, 0.7, 1.0]
    expected = torch.nn.functional.binary_cross_entropy(
        torch.tensor(ps_in, dtype=torch.float64), torch.tensor(ts_in, dtype=torch.float64)
    )
    assert close(binary_cross_entropy(ps_in, ts_in).data, expected.item())


# ---------------------------------------------------------------------------
# binary_cross_entropy_with_logits
# ---------------------------------------------------------------------------


def test_binary_cross_entropy_with_logits_of_zero_is_ln_2():
    assert close(binary_cross_entropy_with_logits([0.0, 0.0], [0, 1]).data, LN2)


def test_binary_cross_entropy_with_logits_gradient_is_sigmoid_minus_target_over_n():
    zs = values(0.0, 0.0)
    binary_cross_entropy_with_logits(zs, [0, 1]).backward()
    assert grads(zs) == [0.25, -0.25]  # (1/2 - 0) / 2, (1/2 - 1) / 2


def test_binary_cross_entropy_with_logits_is_bce_of_the_sigmoid():
    # sigmoid(ln 3) = 3/4, so the loss for target 1 is -ln(3/4)
    assert close(binary_cross_entropy_with_logits([LN3], [1]).data, math.log(4 / 3))


def test_binary_cross_entropy_with_logits_is_exact_for_wrong_logits_of_1000():
    zs = values(1000.0, -1000.0)
    loss = binary_cross_entropy_with_logits(zs, [0, 1])
    loss.backward()
    assert (loss.data, grads(zs)) == (1000.0, [0.5, -0.5])


def test_binary_cross_entropy_with_logits_is_zero_for_right_logits_of_1000():
    zs = values(1000.0, -1000.0)
    loss = binary_cross_entropy_with_logits(zs, [1, 0])
    loss.backward()
    assert (loss.data, grads(zs)) == (0.0, [0.0, 0.0])


def test_binary_cross_entropy_with_logits_gradcheck():
    assert gradcheck(
        lambda a, b, t: binary_cross_entropy_with_logits([a, b], [t, 0.0]), [1.5, -0.7, 0.4]
    )


# Past |z| = 15 the sigmoid route loses digits in 1 - sigmoid(z) (the reason the
# logits form exists), so the two are compared where both are accurate.
@given(st.floats(min_value=-15.0, max_value=15.0), st.floats(min_value=0.0, max_value=1.0))
def test_binary_cross_entropy_with_logits_equals_bce_of_sigmoid(z, t):
    with_logits = binary_cross_entropy_with_logits([z], [t]).data
    of_sigmoid = binary_cross_entropy([Value(z).sigmoid()], [t]).data
    assert math.isclose(with_logits, of_sigmoid, rel_tol=1e-8, abs_tol=1e-12)


def test_binary_cross_entropy_with_logits_matches_torch(torch):
    rng = random.Random(3)
    zs_in = [rng.uniform(-40, 40) for _ in range(6)] + [1000.0, -1000.0]
    ts_in = [rng.choice([0.0, 1.0, rng.random()]) for _ in range(8)]
    assert_matches_torch(
        torch,
        binary_cross_entropy_with_logits,
        torch.nn.functional.binary_cross_entropy_with_logits,
        zs_in,
        ts_in,
    )


# ---------------------------------------------------------------------------
# cross_entropy
# ---------------------------------------------------------------------------


def test_cross_entropy_is_minus_log_probability_of_the_target_class():
    # softmax([0, ln 3]) = [1/4, 3/4]
    assert close(cross_entropy([[0.0, LN3]], [1]).data, math.log(4 / 3))
    assert close(cross_entropy([[0.0, LN3]], [0]).data, math.log(4))


def test_cross_entropy_gradient_is_softmax_minus_one_hot_over_n():
    row = values(0.0, LN3)
    cross_entropy([row], [1]).backward()
    assert all_close(grads(row), [0.25, -0.25])


def test_cross_entropy_is_the_mean_over_samples():
    loss = cross_entropy([[0.0, 0.0], [0.0, LN3]], [0, 1])
    assert close(loss.data, (LN2 + math.log(4 / 3)) / 2)


def test_cross_entropy_is_exact_for_logits_of_1000():
    row = values(1000.0, -1000.0)
    loss = cross_entropy([row], [1])
    loss.backward()
    assert (loss.data, grads(row)) == (2000.0, [1.0, -1.0])
    assert cross_entropy([[1000.0, -1000.0]], [0]).data == 0.0


def test_cross_entropy_of_a_single_class_is_zero():
    assert cross_entropy([[5.0], [-2.0]], [0, 0]).data == 0.0


def test_cross_entropy_gradcheck():
    assert gradcheck(
        lambda a, b, c, d, e, f: cross_entropy([[a, b, c], [d, e, f]], [2, 0]),
        [0.1, -0.4, 1.2, 2.0, 0.3, -1.0],
    )


@given(st.lists(moderate, min_size=2, max_size=5), moderate, st.data())
def test_cross_entropy_does_not_change_when_all_scores_move_together(row, shift, data):
    k = data.draw(st.integers(0, len(row) - 1))
    moved = [z + shift for z in row]
    assert math.isclose(
        cross_entropy([row], [k]).data, cross_entropy([moved], [k]).data, abs_tol=1e-9
    )


def test_cross_entropy_matches_torch(torch):
    rng = random.Random(4)
    rows_in = [[rng.uniform(-5, 5) for _ in range(4)] for _ in range(5)] + [
        [1000.0, -1000.0, 0.0, 999.0]
    ]
    ks = [rng.randrange(4) for _ in range(6)]
    rows = [values(*r) for r in rows_in]
    loss = cross_entropy(rows, ks)
    loss.backward()
    tz = torch.tensor(rows_in, dtype=torch.float64, requires_grad=True)
    expected = torch.nn.functional.cross_entropy(tz, torch.tensor(ks))
    expected.backward()
    assert close(loss.data, expected.item())
    assert all_close([g for r in rows for g in grads(r)], tz.grad.flatten().tolist())


# ---------------------------------------------------------------------------
# softmax and log_softmax
# ---------------------------------------------------------------------------


def test_softmax_is_exponentials_over_their_sum():
    assert all_close([p.data for p in softmax([0.0, LN3])], [0.25, 0.75])


def test_softmax_gradient_is_s_i_times_delta_ij_minus_s_j():
    zs = values(0.0, LN3)
    softmax(zs)[0].backward()
    assert all_close(grads(zs), [0.25 * 0.75, -0.25 * 0.75])


def test_softmax_of_equal_huge_scores_is_uniform():
    assert [p.data for p in softmax([1000.0, 1000.0])] == [0.5, 0.5]


def test_softmax_of_scores_far_apart_does_not_overflow():
    assert [p.data for p in softmax([-1000.0, 0.0, 1000.0])] == [0.0, 0.0, 1.0]


def test_softmax_gradcheck():
    assert gradcheck(lambda a, b, c: dot([0.3, -1.0, 2.0], softmax([a, b, c])), [0.5, -1.0, 2.0])


@given(st.lists(st.floats(min_value=-1e6, max_value=1e6), min_size=1, max_size=10))
def test_softmax_is_a_probability_distribution(zs):
    ps = [p.data for p in softmax(zs)]
    assert all(0.0 <= p <= 1.0 for p in ps)
    assert math.isclose(sum(ps), 1.0, abs_tol=1e-12)


def test_log_softmax_of_two_equal_scores_is_minus_ln_2():
    assert [v.data for v in log_softmax([0.0, 0.0])] == [-LN2, -LN2]


def test_log_softmax_of_huge_scores_is_exact():
    assert [v.data for v in log_softmax([1000.0, 0.0])] == [0.0, -1000.0]


def test_log_softmax_gradient_is_delta_ij_minus_s_j():
    zs = values(0.0, LN3)
    log_softmax(zs)[0].backward()
    assert all_close(grads(zs), [1 - 0.25, -0.75])


def test_log_softmax_gradcheck():
    assert gradcheck(
        lambda a, b, c: dot([0.3, -1.0, 2.0], log_softmax([a, b, c])), [0.5, -1.0, 2.0]
    )


@given(st.lists(st.floats(min_value=-1e300, max_value=1e300), min_size=1, max_size=10))
def test_log_softmax_stays_finite_and_its_top_entry_is_between_minus_ln_n_and_0(zs):
    out = [v.data for v in log_softmax(zs)]
    assert all(math.isfinite(v) for v in out)
    assert -math.log(len(zs)) - 1e-12 <= max(out) <= 0.0


@given(st.lists(st.floats(min_value=-30.0, max_value=30.0), min_size=1, max_size=8))
def test_log_softmax_is_the_log_of_softmax(zs):
    logs = [v.data for v in log_softmax(zs)]
    expected = [math.log(p.data) for p in softmax(zs)]
    assert all(math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9) for a, b in zip(logs, expected, strict=True))


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_and_log_softmax_match_torch(torch, name):
    ours = {"softmax": softmax, "log_softmax": log_softmax}[name]
    rng = random.Random(5)
    zs_in = [rng.uniform(-10, 10) for _ in range(5)] + [700.0]
    weights = [rng.uniform(-1, 1) for _ in zs_in]
    zs = values(*zs_in)
    out = ours(zs)
    dot(weights, out).backward()  # a scalar that depends on every output
    tz = torch.tensor(zs_in, dtype=torch.float64, requires_grad=True)
    expected = getattr(torch.nn.functional, name)(tz, dim=0)
    (expected * torch.tensor(weights, dtype=torch.float64)).sum().backward()
    assert all_close([v.data for v in out], expected.tolist())
    assert all_close(grads(zs), tz.grad.tolist())


# ---------------------------------------------------------------------------
# Bad input: errors that name the function and the offending value.
# ---------------------------------------------------------------------------

PAIRED = [mse_loss, hinge_loss, binary_cross_entropy, binary_cross_entropy_with_logits]


@pytest.mark.parametrize("loss", PAIRED, ids=lambda f: f.__name__)
def test_paired_loss_rejects_lists_of_different_lengths_naming_both(loss):
    with pytest.raises(
        ValueError, match=rf"^{loss.__name__}: (\w+) must be as long as (\w+) \(one per sample\), got 2 \1 for 3 \2$"
    ):
        loss([0.5, 0.5, 0.5], [1, 1])


@pytest.mark.parametrize("loss", PAIRED, ids=lambda f: f.__name__)
def test_paired_loss_rejects_empty_input(loss):
    with pytest.raises(
        ValueError, match=rf"^{loss.__name__}: \w+ must be a non-empty list of Values or numbers, got \[\]$"
    ):
        loss([], [])


@pytest.mark.parametrize("loss", PAIRED, ids=lambda f: f.__name__)
def test_paired_loss_rejects_a_string_item_with_type_error(loss):
    with pytest.raises(
        TypeError, match=rf"^{loss.__name__}: \w+\[1\] must be a Value or a number, got '0.5' \(str\)$"
    ):
        loss([0.5, "0.5"], [1, 1])


@pytest.mark.parametrize("loss", PAIRED, ids=lambda f: f.__name__)
def test_paired_loss_rejects_a_string_instead_of_a_list(loss):
    with pytest.raises(TypeError, match=rf"^{loss.__name__}: \w+ must be a list of Values or numbers, got '01' \(str\)$"):
        loss("01", [1, 1])


@pytest.mark.parametrize("loss", PAIRED, ids=lambda f: f.__name__)
@pytest.mark.parametrize("container", [{1.0: 0, 0.5: 1}, {1.0, 0.5}], ids=["dict", "set"])
def test_paired_loss_rejects_an_unordered_container(loss, container):
    with pytest.raises(TypeError, match=rf"^{loss.__name__}: \w+ must be a list of Values or numbers, got .* \((dict|set)\)$"):
        loss(container, [1, 1])


@pytest.mark.parametrize("loss", PAIRED, ids=lambda f: f.__name__)
def test_paired_loss_rejects_a_bool_label_naming_it(loss):
    with pytest.raises(
        TypeError, match=rf"^{loss.__name__}: \w+\[1\] must be a Value or a number, got True \(bool\); write the number"
    ):
        loss([0.5, 0.5], [1, True])


def test_mse_loss_rejects_none_targets():
    with pytest.raises(
        TypeError, match="^mse_loss: targets must be a list of Values or numbers, got None$"
    ):
        mse_loss([1.0], None)


@pytest.mark.parametrize("label", [0, 2, 0.5, -1.5])
def test_hinge_loss_rejects_labels_other_than_plus_or_minus_one(label):
    with pytest.raises(
        ValueError, match=rf"^hinge_loss: labels\[1\] must be \+1 or -1, got {float(label)!r} \(for 0/1 labels"
    ):
        hinge_loss([0.3, 0.2], [1, label])


@pytest.mark.parametrize("p", [-0.1, 1.5, math.nan])
def test_binary_cross_entropy_rejects_probabilities_outside_0_1(p):
    with pytest.raises(
        ValueError, match=rf"^binary_cross_entropy: probs\[0\] must be a probability in \[0, 1\], got {p!r} \(.*_with_logits"
    ):
        binary_cross_entropy([p], [1])


@pytest.mark.parametrize("loss", [binary_cross_entropy, binary_cross_entropy_with_logits])
@pytest.mark.parametrize("t", [-1.0, 2.0, math.nan])
def test_binary_cross_entropy_rejects_targets_outside_0_1(loss, t):
    with pytest.raises(
        ValueError, match=rf"^{loss.__name__}: targets\[1\] must be a number in \[0, 1\], got {t!r} \("
    ):
        loss([0.5, 0.5], [1, t])


def test_cross_entropy_rejects_a_class_index_out_of_range():
    with pytest.raises(
        ValueError, match=r"^cross_entropy: targets\[1\] must be a class index in 0\.\.2, got 3 \(the logits have 3 classes\)$"
    ):
        cross_entropy([[0.0, 1.0, 2.0], [0.0, 1.0, 2.0]], [0, 3])


def test_cross_entropy_rejects_a_negative_class_index():
    with pytest.raises(ValueError, match=r"^cross_entropy: targets\[0\] must be a class index in 0\.\.1, got -1 "):
        cross_entropy([[0.0, 1.0]], [-1])


@pytest.mark.parametrize("k", [1.0, True, Value(1.0), "1"])
def test_cross_entropy_rejects_a_class_index_that_is_not_an_int(k):
    with pytest.raises(
        TypeError, match=r"^cross_entropy: targets\[0\] must be a class index in 0\.\.1 \(an int\), got .* \((float|bool|Value|str)\)$"
    ):
        cross_entropy([[0.0, 1.0]], [k])


def test_cross_entropy_rejects_more_targets_than_samples_naming_both():
    with pytest.raises(
        ValueError, match=r"^cross_entropy: targets must be as long as logits \(one per sample\), got 2 targets for 1 logits$"
    ):
        cross_entropy([[0.0, 1.0]], [0, 1])


def test_cross_entropy_rejects_a_flat_list_of_scores_and_shows_the_nested_form():
    with pytest.raises(
        TypeError, match=r"^cross_entropy: logits\[0\] must be a list of class scores, got 2.0 \(float\); .*\[\[z1, z2"
    ):
        cross_entropy([2.0, 1.0, 0.1], [0])


def test_cross_entropy_rejects_rows_of_different_lengths():
    with pytest.raises(
        ValueError, match=r"^cross_entropy: logits\[1\] must have 3 class scores, as logits\[0\] has .*, got 2$"
    ):
        cross_entropy([[0.0, 1.0, 2.0], [0.0, 1.0]], [0, 0])


def test_cross_entropy_rejects_empty_logits():
    with pytest.raises(ValueError, match=r"^cross_entropy: logits must be a non-empty list .*, got \[\]$"):
        cross_entropy([], [])


def test_cross_entropy_rejects_an_empty_row():
    with pytest.raises(ValueError, match=r"^cross_entropy: logits\[0\] must be a non-empty list .*, got \[\]$"):
        cross_entropy([[]], [0])


def test_cross_entropy_rejects_a_single_int_target():
    with pytest.raises(TypeError, match=r"^cross_entropy: targets must be a list of class indices .*, got 1 \(int\)$"):
        cross_entropy([[0.0, 1.0]], 1)


@pytest.mark.parametrize("fn", [softmax, log_softmax], ids=lambda f: f.__name__)
def test_softmax_rejects_empty_input(fn):
    with pytest.raises(ValueError, match=rf"^{fn.__name__}: values must be a non-empty list of Values or numbers, got \[\]$"):
        fn([])


@pytest.mark.parametrize("fn", [softmax, log_softmax], ids=lambda f: f.__name__)
def test_softmax_rejects_a_single_number(fn):
    with pytest.raises(
        TypeError, match=rf"^{fn.__name__}: values must be a list of Values or numbers, got 1.0 \(float\); wrap"
    ):
        fn(1.0)


@pytest.mark.parametrize("fn", [softmax, log_softmax], ids=lambda f: f.__name__)
def test_softmax_rejects_a_non_number_item(fn):
    with pytest.raises(
        TypeError, match=rf"^{fn.__name__}: values\[1\] must be a Value or a number, got None$"
    ):
        fn([1.0, None])
