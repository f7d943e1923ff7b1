"""Every operation at hand-picked points: its value, its derivative, its edges and its errors.

The expected numbers are worked out by hand from the op's math (written next to
each case), so each check would fail if the forward or the backward rule were
wrong. The general case, every op at random points against central differences,
is in test_engine_properties.py.
"""

import math
import traceback

import pytest

from tinygrad_ann import OPS, Value, custom_op, dot, sum_values

# custom_op registers globally: each test forgets the ops it made
pytestmark = pytest.mark.usefixtures("restore_op_catalogue")


def value_and_grads(f, *xs):
    """f's value and its gradients with respect to fresh leaves holding `xs`."""
    leaves = [Value(x) for x in xs]
    out = f(*leaves)
    out.backward()
    return (out.data, *[v.grad for v in leaves])


# -- which op made the node --------------------------------------------------------

SPEC_OP_NAMES = [
    "+", "-", "*", "/", "**", "neg", "abs", "exp", "log", "tanh", "sigmoid", "relu",
    "leaky_relu", "softplus", "gelu", "step", "sin", "cos", "sqrt", "dot", "sum", "max", "nll_softmax",
]  # fmt: skip


@pytest.mark.parametrize(
    "make, op",
    [
        (lambda x, y: x + y, "+"),
        (lambda x, y: x - y, "-"),
        (lambda x, y: x * y, "*"),
        (lambda x, y: x / y, "/"),
        (lambda x, y: x**y, "**"),
        (lambda x, y: x**2, "**"),
        (lambda x, y: 2**y, "**"),
        (lambda x, y: 2 + x, "+"),
        (lambda x, y: 2 - x, "-"),
        (lambda x, y: 2 * x, "*"),
        (lambda x, y: 2 / x, "/"),
        (lambda x, y: -x, "neg"),
        (lambda x, y: abs(x), "abs"),
        (lambda x, y: x.exp(), "exp"),
        (lambda x, y: x.log(), "log"),
        (lambda x, y: x.tanh(), "tanh"),
        (lambda x, y: x.sigmoid(), "sigmoid"),
        (lambda x, y: x.relu(), "relu"),
        (lambda x, y: x.leaky_relu(), "leaky_relu"),
        (lambda x, y: x.softplus(), "softplus"),
        (lambda x, y: x.gelu(), "gelu"),
        (lambda x, y: x.step(), "step"),
        (lambda x, y: x.sin(), "sin"),
        (lambda x, y: x.cos(), "cos"),
        (lambda x, y: x.sqrt(), "sqrt"),
        (lambda x, y: dot([x], [y]), "dot"),
        (lambda x, y: sum_values([x, y]), "sum"),
    ],
)
def test_each_op_names_its_node(make, op):
    assert make(Value(2.0), Value(3.0))._op == op


def test_catalogue_has_every_op_of_the_spec():
    assert set(SPEC_OP_NAMES) <= set(OPS)


def test_catalogue_arities():
    # 2: binary ops; 0: any number of operands (the fused ops); 1: the rest
    assert {name for name in SPEC_OP_NAMES if OPS[name].arity == 2} == {"+", "-", "*", "/", "**"}
    assert {name for name in SPEC_OP_NAMES if OPS[name].arity == 0} == {"dot", "sum", "max", "nll_softmax"}


def test_catalogue_declares_the_kinks_at_zero():
    # where the derivative jumps: gradcheck warns there
    kinked = {name: OPS[name].kinks for name in SPEC_OP_NAMES if OPS[name].kinks}
    assert kinked == {"abs": (0.0,), "relu": (0.0,), "leaky_relu": (0.0,), "step": (0.0,)}


@pytest.mark.parametrize(
    "name, inside, outside",
    [
        ("log", [(1e-300,), (5.0,)], [(0.0,), (-1.0,)]),
        ("sqrt", [(1e-300,), (5.0,)], [(-1.0,)]),
        ("/", [(1.0, 2.0), (0.0, -1e-300)], [(1.0, 0.0)]),
        ("**", [(2.0, 0.5), (-2.0, 3.0), (0.0, 2.0)], [(-2.0, 0.5), (0.0, -1.0)]),
        ("exp", [(700.0,)], [(710.0,)]),
    ],
)
def test_catalogue_domains(name, inside, outside):
    domain = OPS[name].domain
    assert all(domain(*xs) for xs in inside)
    assert not any(domain(*xs) for xs in outside)


def test_ops_defined_everywhere_have_no_domain():
    everywhere = ["+", "-", "*", "neg", "abs", "tanh", "sigmoid", "relu", "leaky_relu", "softplus", "gelu",
                  "step", "sin", "cos", "dot", "sum", "max", "nll_softmax"]  # fmt: skip
    assert all(OPS[name].domain is None for name in everywhere)


# -- + - * / ------------------------------------------------------------------------


def test_add():
    assert value_and_grads(lambda a, b: a + b, 2.0, 3.0) == (5.0, 1.0, 1.0)


def test_add_a_number_on_either_side():
    assert value_and_grads(lambda a: a + 3, 2.0) == (5.0, 1.0)
    assert value_and_grads(lambda a: 3 + a, 2.0) == (5.0, 1.0)


def test_sub():
    assert value_and_grads(lambda a, b: a - b, 5.0, 3.0) == (2.0, 1.0, -1.0)


def test_sub_a_number_on_either_side():
    assert value_and_grads(lambda a: a - 3, 5.0) == (2.0, 1.0)
    assert value_and_grads(lambda a: 10 - a, 4.0) == (6.0, -1.0)


def test_mul():
    assert value_and_grads(lambda a, b: a * b, 2.0, -3.0) == (-6.0, -3.0, 2.0)


def test_mul_a_number_on_either_side():
    assert value_and_grads(lambda a: a * 4, 2.0) == (8.0, 4.0)
    assert value_and_grads(lambda a: 4 * a, 2.0) == (8.0, 4.0)


def test_div():
    # d(a/b)/da = 1/b = 1/4, d(a/b)/db = -a/b^2 = -6/16
    assert value_and_grads(lambda a, b: a / b, 6.0, 4.0) == (1.5, 0.25, -0.375)


def test_div_a_number_on_either_side():
    assert value_and_grads(lambda a: a / 4, 6.0) == (1.5, 0.25)
    assert value_and_grads(lambda a: 6 / a, 4.0) == (1.5, -0.375)  # -6/a^2


def test_neg():
    y = -Value(2.0)
    assert y.data == -2.0
    assert value_and_grads(lambda a: -a, 2.0) == (-2.0, -1.0)


def test_upstream_gradient_scales_binary_rules():
    # d(3 (a - b))/d(a, b) = (3, -3); d(3 a/b)/db = -3a/b^2
    assert value_and_grads(lambda a, b: 3 * (a - b), 5.0, 2.0) == (9.0, 3.0, -3.0)
    assert value_and_grads(lambda a, b: 3 * (a / b), 4.0, 2.0) == (6.0, 1.5, -3.0)


# -- ** -----------------------------------------------------------------------------


def test_pow_by_a_number():
    assert value_and_grads(lambda x: x**3, 2.0) == (8.0, 12.0)  # 3x^2


def test_pow_by_a_negative_number():
    assert value_and_grads(lambda x: x**-1, 4.0) == (0.25, -0.0625)  # -1/x^2


def test_pow_by_a_fraction():
    assert value_and_grads(lambda x: x**0.5, 4.0) == (2.0, 0.25)  # 1/(2 sqrt x)


def test_pow_of_a_negative_base_by_an_integer():
    assert value_and_grads(lambda x: x**3, -2.0) == (-8.0, 12.0)
    assert value_and_grads(lambda x: x**2, -3.0) == (9.0, -6.0)


def test_pow_by_a_value():
    # d(a^b)/da = b a^(b-1) = 12, d(a^b)/db = a^b ln a = 8 ln 2
    y, da, db = value_and_grads(lambda a, b: a**b, 2.0, 3.0)
    assert (y, da) == (8.0, 12.0)
    assert db == pytest.approx(8.0 * math.log(2.0), rel=1e-15)


def test_number_to_a_value_power():
    # d(2^v)/dv = 2^v ln 2
    y, dv = value_and_grads(lambda v: 2**v, 3.0)
    assert y == 8.0
    assert dv == pytest.approx(8.0 * math.log(2.0), rel=1e-15)


def test_pow_by_zero_is_one_with_zero_slope():
    assert value_and_grads(lambda x: x**0, 5.0) == (1.0, 0.0)


def test_pow_at_zero_by_two_has_zero_slope():
    assert value_and_grads(lambda x: x**2, 0.0) == (0.0, 0.0)


def test_pow_at_zero_by_one_has_slope_one():
    assert value_and_grads(lambda x: x**1, 0.0) == (0.0, 1.0)


def test_pow_at_zero_by_a_fraction_has_infinite_slope():
    assert value_and_grads(lambda x: x**0.5, 0.0) == (0.0, math.inf)


def test_zero_to_the_zero_is_one_with_zero_slope():
    assert value_and_grads(lambda x: x**0, 0.0) == (1.0, 0.0)


def test_zero_to_a_value_power_has_zero_exponent_slope():
    # d(0^b)/db = 0^b ln 0 is taken as 0 (the limit along b; PyTorch does the same).
    y, da, db = value_and_grads(lambda a, b: a**b, 0.0, 2.0)
    assert (y, da, db) == (0.0, 0.0, 0.0)


def test_negative_base_to_a_value_power_has_undefined_exponent_slope():
    # a^b for a < 0 is only real at integer b, so d/db does not exist: nan.
    y, da, db = value_and_grads(lambda a, b: a**b, -2.0, 2.0)
    assert (y, da) == (4.0, -4.0)
    assert math.isnan(db)


def test_pow_slope_past_the_float_range_is_infinite_not_an_error():
    # d(x^-1)/dx = -1/x^2 = -1e400 at x = 1e-200: beyond the largest float, so
    # -inf, as for 1/x; backward() must not stop half-way with an OverflowError.
    assert value_and_grads(lambda x: x**-1, 1e-200) == (1e200, -math.inf)
    assert value_and_grads(lambda x: 1 / x, 1e-200) == (1e200, -math.inf)


def test_pow_slope_past_the_float_range_keeps_its_sign():
    # d(x^-2)/dx = -2 x^-3: positive for x < 0, negative for x > 0
    assert value_and_grads(lambda x: x**-2, -1e-120)[1] == math.inf
    assert value_and_grads(lambda x: x**-2, 1e-120)[1] == -math.inf
    # d(x^-3)/dx = -3 x^-4 < 0 on both sides
    assert value_and_grads(lambda x: x**-3, -1e-90)[1] == -math.inf


# -- abs, relu, leaky_relu, step: the kinks ----------------------------------------


def test_abs():
    assert value_and_grads(abs, -3.0) == (3.0, -1.0)
    assert value_and_grads(abs, 3.0) == (3.0, 1.0)


def test_abs_at_zero_has_slope_zero():
    assert value_and_grads(abs, 0.0) == (0.0, 0.0)


def test_relu():
    assert value_and_grads(lambda x: x.relu(), 2.0) == (2.0, 1.0)
    assert value_and_grads(lambda x: x.relu(), -2.0) == (0.0, 0.0)


def test_relu_at_zero_has_slope_zero():
    assert value_and_grads(lambda x: x.relu(), 0.0) == (0.0, 0.0)


def test_leaky_relu_default_slope_is_one_hundredth():
    assert value_and_grads(lambda x: x.leaky_relu(), 3.0) == (3.0, 1.0)
    y, dx = value_and_grads(lambda x: x.leaky_relu(), -2.0)
    assert (y, dx) == (pytest.approx(-0.02, rel=1e-15), 0.01)


def test_leaky_relu_with_a_given_slope():
    assert value_and_grads(lambda x: x.leaky_relu(0.25), -2.0) == (-0.5, 0.25)
    assert value_and_grads(lambda x: x.leaky_relu(negative_slope=0.5), -2.0) == (-1.0, 0.5)


def test_leaky_relu_at_zero_has_the_negative_slope():
    # PyTorch's convention: the left slope at the kink
    assert value_and_grads(lambda x: x.leaky_relu(0.25), 0.0) == (0.0, 0.25)


def test_leaky_relu_slope_is_not_an_operand():
    x = Value(-1.0)
    assert x.leaky_relu(0.3)._prev == (x,)


def test_leaky_relu_slope_must_be_a_number():
    with pytest.raises(TypeError, match="str"):
        Value(1.0).leaky_relu("0.1")


def test_step():
    assert value_and_grads(lambda x: x.step(), 2.0) == (1.0, 0.0)
    assert value_and_grads(lambda x: x.step(), -2.0) == (0.0, 0.0)


def test_step_at_zero_is_zero_with_slope_zero():
    assert value_and_grads(lambda x: x.step(), 0.0) == (0.0, 0.0)


def test_step_passes_no_gradient_to_what_is_below_it():
    w = Value(0.5)
    y = (w * 3.0).step() * 10.0
    y.backward()
    assert w.grad == 0.0


# -- exp, log -------------------------------------------------------------------------


def test_exp():
    assert value_and_grads(lambda x: x.exp(), 0.0) == (1.0, 1.0)
    y, dx = value_and_grads(lambda x: x.exp(), 1.0)
    assert y == pytest.approx(math.e, rel=1e-15) and dx == y  # (e^x)' = e^x


def test_exp_near_the_top_of_the_float_range():
    y, dx = value_and_grads(lambda x: x.exp(), 709.0)
    assert math.isfinite(y) and dx == y


def test_exp_of_a_large_negative_number_is_zero():
    assert value_and_grads(lambda x: x.exp(), -1000.0) == (0.0, 0.0)


def test_log():
    assert value_and_grads(lambda x: x.log(), 1.0) == (0.0, 1.0)
    y, dx = value_and_grads(lambda x: x.log(), math.e)
    assert y == pytest.approx(1.0, rel=1e-15) and dx == pytest.approx(1 / math.e, rel=1e-15)


def test_log_near_zero_has_a_huge_slope():
    # ln(1e-300) = -300 ln 10; (ln x)' = 1/x = 1e300
    y, dx = value_and_grads(lambda x: x.log(), 1e-300)
    assert y == pytest.approx(-300 * math.log(10), rel=1e-15)
    assert dx == pytest.approx(1e300, rel=1e-15)


# -- tanh, sigmoid, softplus: values and stability ------------------------------------


def test_tanh():
    assert value_and_grads(lambda x: x.tanh(), 0.0) == (0.0, 1.0)
    # at x = atanh(1/2): tanh = 1/2, slope 1 - 1/4
    y, dx = value_and_grads(lambda x: x.tanh(), math.atanh(0.5))
    assert y == pytest.approx(0.5, rel=1e-15) and dx == pytest.approx(0.75, rel=1e-15)


def test_tanh_is_stable_at_large_inputs():
    assert value_and_grads(lambda x: x.tanh(), 1000.0) == (1.0, 0.0)
    assert value_and_grads(lambda x: x.tanh(), -1000.0) == (-1.0, 0.0)


def test_sigmoid():
    assert value_and_grads(lambda x: x.sigmoid(), 0.0) == (0.5, 0.25)
    # at x = ln 3: sigmoid = 3/4, slope s (1 - s) = 3/16
    y, dx = value_and_grads(lambda x: x.sigmoid(), math.log(3.0))
    assert y == pytest.approx(0.75, rel=1e-15) and dx == pytest.approx(0.1875, rel=1e-15)


def test_sigmoid_is_odd_around_one_half():
    # sigmoid(-x) = 1 - sigmoid(x): both branches of the stable formula agree
    for x in (0.5, 3.0, 20.0):
        assert Value(-x).sigmoid().data == pytest.approx(1 - Value(x).sigmoid().data, rel=1e-14)


def test_sigmoid_is_stable_at_large_inputs():
    assert value_and_grads(lambda x: x.sigmoid(), 1000.0) == (1.0, 0.0)
    y, dx = value_and_grads(lambda x: x.sigmoid(), -1000.0)  # e^1000 would overflow
    assert y == pytest.approx(0.0, abs=1e-300) and dx == pytest.approx(0.0, abs=1e-300)


def test_sigmoid_of_a_moderately_negative_input_keeps_its_precision():
    # sigmoid(-40) = e^-40 / (1 + e^-40), not 0 and not 1 - (something rounded)
    expected = math.exp(-40) / (1 + math.exp(-40))
    assert Value(-40.0).sigmoid().data == pytest.approx(expected, rel=1e-14, abs=0)


def test_softplus():
    # softplus(0) = ln 2, slope sigmoid(0) = 1/2; softplus(ln 3) = ln 4, slope 3/4
    y, dx = value_and_grads(lambda x: x.softplus(), 0.0)
    assert y == pytest.approx(math.log(2), rel=1e-15) and dx == pytest.approx(0.5, rel=1e-15)
    y, dx = value_and_grads(lambda x: x.softplus(), math.log(3.0))
    assert y == pytest.approx(math.log(4), rel=1e-15) and dx == pytest.approx(0.75, rel=1e-15)


def test_gelu_at_hand_picked_points():
    # gelu(x) = x Φ(x): gelu(0) = 0 with slope Φ(0) = 1/2; at ±1, Φ(1) = 0.841344746068543 and
    # φ(1) = e^(-1/2)/√(2π) = 0.241970724519143 (normal-table values), slope Φ(x) + x φ(x)
    cdf1, pdf1 = 0.841344746068543, 0.241970724519143
    assert value_and_grads(lambda x: x.gelu(), 0.0) == (0.0, 0.5)
    y, dx = value_and_grads(lambda x: x.gelu(), 1.0)
    assert y == pytest.approx(cdf1, rel=1e-14) and dx == pytest.approx(cdf1 + pdf1, rel=1e-14)
    y, dx = value_and_grads(lambda x: x.gelu(), -1.0)  # Φ(-1) = 1 - Φ(1)
    assert y == pytest.approx(-(1 - cdf1), rel=1e-13) and dx == pytest.approx(1 - cdf1 - pdf1, rel=1e-13)


def test_gelu_is_x_far_right_and_0_far_left():
    assert value_and_grads(lambda x: x.gelu(), 1000.0) == (1000.0, 1.0)
    y, dx = value_and_grads(lambda x: x.gelu(), -1000.0)
    assert y == 0.0 and dx == 0.0


def test_softplus_is_stable_at_large_inputs():
    assert value_and_grads(lambda x: x.softplus(), 1000.0) == (1000.0, 1.0)
    y, dx = value_and_grads(lambda x: x.softplus(), -1000.0)
    assert y == pytest.approx(0.0, abs=1e-300) and dx == pytest.approx(0.0, abs=1e-300)


def test_softplus_of_a_moderately_negative_input_keeps_its_precision():
    # ln(1 + e^-40) = e^-40 to first order; slope sigmoid(-40) = e^-40 as well
    y, dx = value_and_grads(lambda x: x.softplus(), -40.0)
    # abs=0: pytest.approx would otherwise allow 1e-12, and 0.0 would pass
    assert y == pytest.approx(math.exp(-40), rel=1e-14, abs=0)
    assert dx == pytest.approx(math.exp(-40), rel=1e-12, abs=0)


# -- sin, cos, sqrt ---------------------------------------------------------------------


def test_sin():
    # sin(pi/6) = 1/2, slope cos(pi/6) = sqrt(3)/2
    y, dx = value_and_grads(lambda x: x.sin(), math.pi / 6)
    assert y == pytest.approx(0.5, rel=1e-15) and dx == pytest.approx(math.sqrt(3) / 2, rel=1e-15)


def test_cos():
    # cos(pi/3) = 1/2, slope -sin(pi/3) = -sqrt(3)/2
    y, dx = value_and_grads(lambda x: x.cos(), math.pi / 3)
    assert y == pytest.approx(0.5, rel=1e-15) and dx == pytest.approx(-math.sqrt(3) / 2, rel=1e-15)


def test_sqrt():
    assert value_and_grads(lambda x: x.sqrt(), 4.0) == (2.0, 0.25)  # 1/(2 sqrt x)


def test_sqrt_at_zero_has_infinite_slope():
    assert value_and_grads(lambda x: x.sqrt(), 0.0) == (0.0, math.inf)


def test_sqrt_at_zero_passes_a_signed_infinite_slope_on():
    assert value_and_grads(lambda x: -(x.sqrt()), 0.0) == (-0.0, -math.inf)


# -- errors that name the op and the operand ---------------------------------------------


def test_log_of_a_negative_number_names_op_operand_and_label():
    with pytest.raises(ValueError) as e:
        Value(-1.0, label="x").log()
    assert "log" in str(e.value) and "-1.0" in str(e.value) and "'x'" in str(e.value)


def test_log_of_zero_raises():
    with pytest.raises(ValueError, match="log of 0.0"):
        Value(0.0).log()


def test_division_by_zero_names_op_operand_and_label():
    with pytest.raises(ZeroDivisionError) as e:
        Value(1.0, label="a") / Value(0.0, label="b")
    message = str(e.value)
    assert "division" in message and "0.0" in message and "'b'" in message


def test_division_by_zero_raises_an_arithmetic_error():
    assert issubclass(ZeroDivisionError, ArithmeticError)
    with pytest.raises(ArithmeticError):
        Value(1.0) / 0
    with pytest.raises(ArithmeticError):
        1 / Value(0.0)
    with pytest.raises(ArithmeticError):
        Value(1.0) / Value(-0.0)


def test_fractional_power_of_a_negative_number_raises_instead_of_going_complex():
    with pytest.raises(ValueError) as e:
        Value(-8.0, label="x") ** (1 / 3)
    message = str(e.value)
    assert "power" in message and "-8.0" in message and "'x'" in message


def test_fractional_value_power_of_a_negative_number_raises():
    with pytest.raises(ValueError, match="power"):
        Value(-8.0) ** Value(0.5)
    with pytest.raises(ValueError, match="power"):
        (-2) ** Value(0.5)


def test_zero_to_a_negative_power_names_op_operand_and_label():
    with pytest.raises(ZeroDivisionError) as e:
        Value(0.0, label="z") ** -1
    message = str(e.value)
    assert "power" in message and "0.0" in message and "'z'" in message


def test_zero_to_a_negative_value_power_raises():
    with pytest.raises(ArithmeticError, match="power"):
        Value(0.0) ** Value(-2.0)


def test_pow_past_the_float_range_is_inf_with_its_sign():
    assert (Value(10.0) ** 400).data == math.inf
    assert (Value(-10.0) ** 401).data == -math.inf and (Value(-10.0) ** 400).data == math.inf


def test_exp_past_the_float_range_is_inf_and_its_gradient_too():
    x = Value(710.0)
    y = x.exp()
    y.backward()
    assert y.data == math.inf and x.grad == math.inf


def test_sqrt_of_a_negative_number_names_op_operand_and_label():
    with pytest.raises(ValueError) as e:
        Value(-4.0, label="x").sqrt()
    message = str(e.value)
    assert "sqrt" in message and "-4.0" in message and "'x'" in message


def test_domain_error_messages_without_a_label_still_name_the_operand():
    with pytest.raises(ValueError, match=r"log of -2\.5"):
        Value(-2.5).log()


@pytest.mark.parametrize(
    "bad_op",
    [
        lambda v: v + "a",
        lambda v: "a" + v,
        lambda v: v * None,
        lambda v: None * v,
        lambda v: v - [1.0],
        lambda v: [1.0] - v,
        lambda v: v / "2",
        lambda v: "2" / v,
        lambda v: v ** "2",
        lambda v: "2" ** v,
        lambda v: v + 1j,
        lambda v: 1j * v,
        lambda v: [1.0] * v,
    ],
)
def test_arithmetic_with_a_non_number_raises_type_error(bad_op):
    with pytest.raises(TypeError):
        bad_op(Value(1.0))


# -- fused ops: sum_values --------------------------------------------------------------


def test_sum_values_adds_its_terms():
    assert sum_values([Value(1.0), Value(2.0), Value(4.0)]).data == 7.0


def test_sum_values_gives_each_term_slope_one():
    a, b, c = Value(1.0), Value(2.0), Value(4.0)
    s = sum_values([a, b, c])
    s.backward()
    assert (a.grad, b.grad, c.grad) == (1.0, 1.0, 1.0)


def test_sum_values_counts_a_repeated_term_each_time():
    a, b = Value(1.0), Value(2.0)
    s = sum_values([a, b, a, a])
    s.backward()
    assert s.data == 5.0 and (a.grad, b.grad) == (3.0, 1.0)


def test_sum_values_is_one_node_with_its_terms_in_order():
    a, b, c = Value(1.0), Value(2.0), Value(4.0)
    s = sum_values([c, a, b])
    assert s._op == "sum" and s._prev == (c, a, b)


def test_sum_values_turns_numbers_into_constants():
    a = Value(1.0)
    s = sum_values([a, 2, 3.5])
    assert s.data == 6.5
    assert [v.data for v in s._prev] == [1.0, 2.0, 3.5] and s._prev[0] is a


def test_sum_values_takes_any_iterable():
    a, b = Value(1.0), Value(2.0)
    assert sum_values(v for v in (a, b)).data == 3.0


def test_sum_values_of_one_term():
    a = Value(3.0)
    s = sum_values([a])
    s.backward()
    assert s.data == 3.0 and a.grad == 1.0


def test_sum_values_of_nothing_is_zero():
    s = sum_values([])
    assert s.data == 0.0 and type(s.data) is float and s._prev == ()


def test_sum_values_result_is_a_float():
    assert type(sum_values([1, 2]).data) is float


def test_sum_values_matches_the_long_form():
    xs = [Value(v) for v in (0.5, -1.25, 3.0, 2.0)]
    long_form = xs[0] + xs[1] + xs[2] + xs[3]  # exact in binary: no rounding
    assert sum_values(xs).data == long_form.data


def test_sum_values_of_a_non_number_names_the_op_and_type():
    with pytest.raises(TypeError, match=r"sum_values.*str"):
        sum_values([Value(1.0), "2"])
    with pytest.raises(TypeError, match=r"sum_values.*NoneType"):
        sum_values([None])


# -- fused ops: dot -------------------------------------------------------------------


def test_dot_is_the_weighted_sum_plus_bias():
    w = [Value(2.0), Value(-1.0)]
    assert dot(w, [3.0, 4.0], 0.5).data == 2.5  # 6 - 4 + 0.5


def test_dot_without_bias():
    assert dot([Value(2.0), Value(-1.0)], [3.0, 4.0]).data == 2.0


def test_dot_gradients():
    # d/dwi = xi, d/dxi = wi, d/db = 1
    w = [Value(2.0), Value(-1.0)]
    x = [Value(3.0), Value(4.0)]
    b = Value(0.5)
    y = dot(w, x, b)
    y.backward()
    assert [v.grad for v in w] == [3.0, 4.0]
    assert [v.grad for v in x] == [2.0, -1.0]
    assert b.grad == 1.0


def test_dot_scales_gradients_by_the_upstream_gradient():
    w, x, b = Value(2.0), Value(3.0), Value(1.0)
    y = dot([w], [x], b) * 5
    y.backward()
    assert (w.grad, x.grad, b.grad) == (15.0, 10.0, 5.0)


def test_dot_of_a_value_with_itself():
    # w * w: slope 2w
    w = Value(3.0)
    y = dot([w], [w])
    y.backward()
    assert y.data == 9.0 and w.grad == 6.0


def test_dot_keeps_operands_in_reading_order():
    names = ["w1", "w2", "x1", "x2", "b"]
    w1, w2, x1, x2, b = (Value(float(i), label=name) for i, name in enumerate(names))
    y = dot([w1, w2], [x1, x2], b)
    assert y._op == "dot"
    assert [v.label for v in y._prev] == ["w1", "x1", "w2", "x2", "b"]


def test_dot_turns_numbers_into_constants():
    w = Value(2.0)
    y = dot([w], [3], 1)
    assert [v.data for v in y._prev] == [2.0, 3.0, 1.0] and y._prev[0] is w


def test_dot_matches_the_long_form():
    def long_form(ws, xs, b):
        out = b
        for w, x in zip(ws, xs):
            out = out + w * x
        return out

    data = ([0.5, -1.5, 2.0], [4.0, 0.25, -3.0], 0.75)  # exact in binary
    fused = [Value(v) for v in data[0]], [Value(v) for v in data[1]], Value(data[2])
    plain = [Value(v) for v in data[0]], [Value(v) for v in data[1]], Value(data[2])
    yf, yp = dot(*fused), long_form(*plain)
    yf.backward()
    yp.backward()
    assert yf.data == yp.data
    flat = lambda t: [v.grad for v in t[0] + t[1] + [t[2]]]  # noqa: E731
    assert flat(fused) == flat(plain)


def test_dot_of_nothing_is_zero():
    y = dot([], [])
    assert y.data == 0.0 and type(y.data) is float


def test_dot_of_nothing_plus_bias_is_the_bias():
    b = Value(2.0)
    y = dot([], [], b)
    y.backward()
    assert y.data == 2.0 and b.grad == 1.0


def test_dot_length_mismatch_raises_value_error_naming_both_lengths():
    with pytest.raises(ValueError, match=r"dot.*2 weights.*3 inputs"):
        dot([Value(1.0), Value(2.0)], [1.0, 2.0, 3.0])


def test_dot_of_a_non_number_names_the_op_and_type():
    with pytest.raises(TypeError, match=r"dot.*str"):
        dot([Value(1.0)], ["2"])
    with pytest.raises(TypeError, match=r"dot.*NoneType"):
        dot([None], [1.0])
    with pytest.raises(TypeError, match=r"dot.*list"):
        dot([1.0], [1.0], bias=[1.0])


# -- custom_op --------------------------------------------------------------------------


def test_custom_op_computes_its_forward():
    cube = custom_op("t_cube", lambda x: x**3, lambda x, y: 3 * x**2)
    assert cube(Value(2.0)).data == 8.0


def test_custom_op_backward_uses_its_derivative():
    cube = custom_op("t_cube", lambda x: x**3, lambda x, y: 3 * x**2)
    assert value_and_grads(cube, 2.0) == (8.0, 12.0)


def test_custom_op_derivative_receives_input_and_output():
    seen = []
    square = custom_op("t_square_seen", lambda x: x * x, lambda x, y: seen.append((x, y)) or 2 * x)
    square(Value(3.0)).backward()
    assert seen == [(3.0, 9.0)]


def test_custom_op_name_appears_as_op():
    cube = custom_op("t_cube", lambda x: x**3, lambda x, y: 3 * x**2)
    x = Value(2.0)
    y = cube(x)
    assert y._op == "t_cube" and y._prev == (x,)


def test_custom_op_is_registered_in_the_catalogue():
    custom_op("t_registered", math.sin, lambda x, y: math.cos(x), kinks=(1.0,))
    assert OPS["t_registered"].arity == 1 and OPS["t_registered"].kinks == (1.0,)


def test_custom_op_function_is_named_for_the_op():
    assert custom_op("t_named", math.sin, lambda x, y: math.cos(x)).__name__ == "t_named"


def test_custom_op_takes_a_number():
    cube = custom_op("t_cube", lambda x: x**3, lambda x, y: 3 * x**2)
    assert cube(2).data == 8.0


def test_custom_op_results_are_floats():
    twice = custom_op("t_twice_int", lambda x: int(2 * x), lambda x, y: 2)
    x = Value(3.0)
    y = twice(x)
    y.backward()
    assert type(y.data) is float and type(x.grad) is float


def test_custom_op_in_a_larger_graph():
    # f = cube(2x) + x: df/dx = 3 (2x)^2 * 2 + 1 = 25 at x = 1
    cube = custom_op("t_cube", lambda x: x**3, lambda x, y: 3 * x**2)
    assert value_and_grads(lambda x: cube(2 * x) + x, 1.0) == (9.0, 25.0)


def test_custom_op_can_be_redefined_under_the_same_name():
    custom_op("t_redefined", lambda x: x, lambda x, y: 1.0)
    double = custom_op("t_redefined", lambda x: 2 * x, lambda x, y: 2.0)
    assert value_and_grads(double, 1.0) == (2.0, 2.0)


def test_custom_op_redefined_leaves_the_gradients_of_nodes_already_made():
    # y was made by the first definition, x^2: dy/dx = 2x = 6 at x = 3, whatever
    # the name means by the time backward() runs.
    square = custom_op("t_mine", lambda x: x * x, lambda x, y: 2 * x)
    x = Value(3.0)
    y = square(x)
    cube = custom_op("t_mine", lambda x: x**3, lambda x, y: 3 * x * x)
    y.backward()
    assert x.grad == 6.0
    x2 = Value(3.0)
    cube(x2).backward()
    assert x2.grad == 27.0  # d(x^3)/dx = 3x^2 for nodes made by the new definition


def test_custom_op_redefined_old_function_still_uses_its_own_derivative():
    square = custom_op("t_mine", lambda x: x * x, lambda x, y: 2 * x)
    custom_op("t_mine", lambda x: x**3, lambda x, y: 3 * x * x)
    assert value_and_grads(square, 3.0) == (9.0, 6.0)


def test_custom_op_rule_names_its_derivative_after_redefinition():
    def dsquare(x, y):
        return 2 * x

    def dcube(x, y):
        return 3 * x * x

    custom_op("t_mine", lambda x: x * x, dsquare)
    custom_op("t_mine", lambda x: x**3, dcube)
    assert "dcube" in OPS["t_mine"].backward.__doc__


def test_hand_built_node_of_a_custom_op_uses_its_derivative():
    custom_op("t_cube", lambda x: x**3, lambda x, y: 3 * x**2)
    x = Value(2.0)
    y = Value(8.0, (x,), "t_cube")  # as cube(x) would make it
    y.backward()
    assert (y._prev, x.grad) == ((x,), 12.0)  # d(x^3)/dx = 3x^2 = 12


def test_custom_op_of_a_non_number_names_the_op_and_type():
    cube = custom_op("t_cube", lambda x: x**3, lambda x, y: 3 * x**2)
    with pytest.raises(TypeError, match=r"t_cube.*str"):
        cube("2")


def test_custom_op_forward_returning_a_non_number_raises_type_error():
    bad = custom_op("t_bad_forward", lambda x: str(x), lambda x, y: 1.0)
    with pytest.raises(TypeError, match=r"t_bad_forward.*str"):
        bad(Value(1.0))


def test_custom_op_derivative_returning_none_names_the_op_and_the_call():
    cube = custom_op("t_cube_none", lambda x: x**3, lambda x, y: None)
    y = cube(Value(2.0))
    message = r"custom_op 't_cube_none': derivative\(2\.0, 8\.0\) returned None; it must return a number"
    with pytest.raises(TypeError, match=message):
        y.backward()


@pytest.mark.parametrize("returned", ["12.0", [12.0], Value(12.0)])
def test_custom_op_derivative_returning_a_non_number_raises_type_error(returned):
    cube = custom_op("t_cube_str", lambda x: x**3, lambda x, y: returned)
    y = cube(Value(2.0))
    with pytest.raises(TypeError, match=rf"t_cube_str.*returned .*{type(returned).__name__}"):
        y.backward()


def test_custom_op_derivative_that_raises_keeps_its_error_and_names_the_op():
    # a derivative written with one parameter, as if it took only x
    cube = custom_op("t_cube_one_arg", lambda x: x**3, lambda x: 3 * x**2)
    y = cube(Value(2.0))
    with pytest.raises(
        TypeError, match=r"custom_op 't_cube_one_arg': derivative\(2.0, 8.0\) raised TypeError: .*positional argument"
    ):
        y.backward()


def test_custom_op_forward_that_raises_keeps_its_error_and_names_the_op():
    def forward(x):
        return x / (1 + math.exp(-x))  # overflows for very negative x

    swish = custom_op("t_swish_naive", forward, lambda x, y: 1.0)
    with pytest.raises(OverflowError, match=r"custom_op 't_swish_naive': forward\(-800.0\) raised OverflowError") as caught:
        swish(Value(-800.0))
    assert "forward" in {frame.name for frame in traceback.extract_tb(caught.value.__traceback__)}


def test_custom_op_forward_returning_a_non_number_says_it_must_return_one():
    with pytest.raises(TypeError, match=r"custom_op 't_none': forward\(2.0\) returned None; it must return a number"):
        custom_op("t_none", lambda x: None, lambda x, y: 1.0)(2.0)
    with pytest.raises(TypeError, match=r"returned Value.*x.data rather than x"):
        custom_op("t_value", lambda x: Value(x), lambda x, y: 1.0)(2.0)


def test_custom_op_cannot_take_a_built_in_name():
    with pytest.raises(ValueError, match="built-in"):
        custom_op("tanh", math.tanh, lambda x, y: 42.0)
    assert value_and_grads(lambda x: x.tanh(), 0.0) == (0.0, 1.0)  # the rule is unchanged


@pytest.mark.parametrize("name", ["", None, 3])
def test_custom_op_needs_a_name(name):
    with pytest.raises(ValueError, match="name"):
        custom_op(name, math.sin, lambda x, y: math.cos(x))


# -- max_values: the fused max of a pooling window ------------------------------------


def test_max_values_gives_its_gradient_to_the_largest_operand():
    from tinygrad_ann.engine import max_values

    vs = [Value(x) for x in (0.5, 2.0, -1.0)]
    m = max_values(vs)
    m.grad = 3.0
    m._backward()
    assert (m.data, m._op, m._prev) == (2.0, "max", tuple(vs))
    assert [v.grad for v in vs] == [0.0, 3.0, 0.0]


def test_max_values_gives_a_tie_to_the_first_of_the_largest():
    from tinygrad_ann.engine import max_values

    vs = [Value(x) for x in (1.0, 4.0, 4.0, 4.0)]
    max_values(vs).backward()
    assert [v.grad for v in vs] == [0.0, 1.0, 0.0, 0.0]


def test_max_values_with_a_nan_is_nan_and_numbers_become_constants():
    from tinygrad_ann.engine import max_values

    vs = [Value(1.0), Value(math.nan), Value(9.0)]
    m = max_values(vs + [2.0])
    m.backward()
    assert math.isnan(m.data) and [v.grad for v in vs] == [0.0, 1.0, 0.0]
    with pytest.raises(ValueError, match="^max_values: takes at least one Value, got none$"):
        max_values([])
    with pytest.raises(TypeError, match="^max_values takes Values or numbers, got str"):
        max_values([Value(1.0), "2"])


def _first_largest_or_last_nan(numbers):
    """PyTorch's max-pooling rule, step by step: a candidate is kept until a strictly
    larger number or a nan comes."""
    best = 0
    for i, v in enumerate(numbers):
        if v > numbers[best] or v != v:
            best = i
    return best


INF, NAN = math.inf, math.nan


@pytest.mark.parametrize("numbers", [
    (1.0, 3.0, 3.0), (-0.0, 0.0), (0.0, -0.0), (2.0,), (-1.0, -1.0, -2.0),
    (INF, -INF), (-INF, INF), (-INF, -INF), (INF, INF, 1.0), (1e308, 1e308, -1.0),
    (NAN, 1.0), (1.0, NAN, NAN, 5.0), (INF, NAN), (-INF, -INF, NAN),
])
def test_max_values_picks_by_pytorchs_rule_on_ties_zeros_infinities_and_nans(numbers):
    from tinygrad_ann.engine import max_values

    vs = [Value(x) for x in numbers]
    max_values(vs).backward()
    picked = [i for i, v in enumerate(vs) if v.grad == 1.0]
    assert picked == [_first_largest_or_last_nan(numbers)]


def test_a_zero_gradient_through_dot_still_passes_on_the_nan_of_an_infinite_operand():
    # (dot's backward skips a zero gradient when its sum is finite: here it is not)
    w, x, b = Value(INF), Value(2.0), Value(0.0)
    y = dot([w], [x], b)
    (y * 0.0).backward()                      # y gets gradient 0.0 * 1
    assert y.grad == 0.0 and w.grad == 0.0    # x.data * 0 = 0
    assert math.isnan(x.grad)                 # w.data * 0 = inf * 0 = nan, as in PyTorch


def test_a_zero_gradient_through_dot_leaves_every_grad_as_it_was():
    w, x, b = [Value(0.5), Value(-2.0)], [Value(3.0), Value(1.0)], Value(1.0)
    for v in (*w, *x, b):
        v.grad = 0.25
    y = dot(w, x, b)
    (y * 0.0).backward()
    assert [v.grad for v in (*w, *x, b)] == [0.25] * 5


# -- nll_of_softmax: one sample's cross-entropy, one node ---------------------------------


def test_nll_of_softmax_is_the_long_form_to_the_last_bit():
    from tinygrad_ann.engine import nll_of_softmax

    z = [1.5, -0.25, 3.0, 0.0]
    fused = [Value(v) for v in z]
    out = nll_of_softmax(fused, 2)
    m = max(z)
    long = [Value(v) for v in z]
    shifted = [v - m for v in long]
    reference = sum(s.exp() for s in shifted).log() - shifted[2]
    out.backward()
    reference.backward()
    assert out.data == reference.data and out._op == "nll_softmax" and out._prev == tuple(fused)
    assert [v.grad for v in fused] == pytest.approx([v.grad for v in long], abs=1e-15)


def test_nll_of_softmax_is_stable_for_huge_scores_and_checks_its_class():
    from tinygrad_ann.engine import nll_of_softmax

    assert nll_of_softmax([1000.0, -1000.0], 1).data == 2000.0
    with pytest.raises(ValueError, match=r"^nll_of_softmax: target must be a class index in 0\.\.1, got 2$"):
        nll_of_softmax([0.0, 1.0], 2)
    with pytest.raises(TypeError, match=r"^nll_of_softmax: target must be a class index \(an int\), got 1.0$"):
        nll_of_softmax([0.0, 1.0], 1.0)


def test_dot_node_checks_its_counts():
    from tinygrad_ann.engine import dot_node

    with pytest.raises(ValueError, match="^dot_node: 2 weights but 1 inputs; they must match$"):
        dot_node(0.0, [Value(1.0), Value(2.0)], [Value(3.0)], None)
