"""grad, value_and_grad and gradcheck: differentiating and checking plain Python functions."""

import math
import re
import warnings

import pytest

from tinygrad_ann import (
    GradcheckError, Value, custom_op, grad, gradcheck, is_grad_enabled, no_grad, value_and_grad,
)

# custom_op registers globally: each test forgets the ops it made
pytestmark = pytest.mark.usefixtures("restore_op_catalogue")

# -- grad ---------------------------------------------------------------------------


def test_grad_of_two_arguments_is_a_tuple_of_partials():
    # d(xy + x)/dx = y + 1 = 4, d(xy + x)/dy = x = 2
    assert grad(lambda x, y: x * y + x)(2.0, 3.0) == (4.0, 2.0)


def test_grad_of_one_argument_is_a_float():
    g = grad(lambda x: x * x)(3.0)
    assert g == 6.0 and type(g) is float


def test_grad_takes_int_arguments_and_returns_floats():
    g = grad(lambda x, y: x * y)(2, 5)
    assert g == (5.0, 2.0) and all(type(v) is float for v in g)


def test_grad_does_not_accumulate_across_calls():
    df = grad(lambda x: x**3)  # 3x^2
    assert df(2.0) == 12.0
    assert df(2.0) == 12.0
    assert df(1.0) == 3.0


def test_grad_of_value_arguments_leaves_them_untouched():
    x = Value(3.0, label="x")
    assert grad(lambda v: v * v)(x) == 6.0
    assert x.grad == 0.0


def test_grad_calls_the_function_on_fresh_leaves():
    seen = []

    def f(x):
        seen.append(x)
        return x * 2

    x = Value(1.0)
    grad(f)(x)
    grad(f)(x)
    assert seen[0] is not x and seen[1] is not x and seen[0] is not seen[1]
    assert all(v._prev == () for v in seen)


def test_grad_of_a_function_returning_an_input_is_one():
    assert grad(lambda x: x)(5.0) == 1.0


def test_grad_of_a_function_returning_a_constant_is_zero():
    assert grad(lambda x, y: 7.0)(1.0, 2.0) == (0.0, 0.0)


def test_grad_of_a_function_ignoring_an_argument_gives_it_zero():
    assert grad(lambda x, y: x.exp())(0.0, 5.0) == (1.0, 0.0)


def test_grad_of_a_function_returning_a_non_number_raises_type_error():
    with pytest.raises(TypeError, match=r"^grad: the function must return a Value or a number, got 'oops' \(str\)$"):
        grad(lambda x: "oops")(1.0)


def test_grad_of_a_non_number_argument_names_it():
    with pytest.raises(TypeError, match=r"^grad: argument 1 must be a number or a Value, got '2' \(str\)$"):
        grad(lambda x, y: x * y)(1.0, "2")


def test_grad_of_a_bool_argument_raises_type_error():
    with pytest.raises(TypeError, match=r"^grad: argument 0 must be a number or a Value, got True \(bool\)$"):
        grad(lambda x: x * 2)(True)


def test_grad_is_named_for_the_function():
    def loss(x):
        return x * x

    assert "loss" in grad(loss).__name__


# -- value_and_grad ---------------------------------------------------------------------


def test_value_and_grad_returns_the_value_and_the_partials():
    assert value_and_grad(lambda x, y: x * y + x)(2.0, 3.0) == (8.0, (4.0, 2.0))


def test_value_and_grad_of_one_argument():
    assert value_and_grad(lambda x: x**2)(3.0) == (9.0, 6.0)


def test_value_and_grad_does_not_accumulate_across_calls():
    vg = value_and_grad(lambda x: x.sin())
    first = vg(0.0)
    assert first == (0.0, 1.0)
    assert vg(0.0) == first


def test_value_and_grad_value_is_a_float():
    value, _ = value_and_grad(lambda x: x * 2)(3)
    assert type(value) is float


# -- gradcheck passes --------------------------------------------------------------------


def test_gradcheck_default_step_and_tolerances():
    import inspect

    params = inspect.signature(gradcheck).parameters
    assert list(params)[:2] == ["fn", "inputs"]
    defaults = tuple(params[name].default for name in ("eps", "atol", "rtol"))
    assert defaults == (1e-6, 1e-5, 1e-3)


def test_gradcheck_returns_true_for_a_correct_gradient():
    assert gradcheck(lambda x, y: (x * y).sin() / y, [0.3, 2.0]) is True


def test_gradcheck_takes_a_single_number():
    assert gradcheck(lambda x: x.tanh(), 0.5) is True


def test_gradcheck_takes_values_as_inputs():
    assert gradcheck(lambda x, y: x * y, [Value(1.5), Value(-2.0)]) is True


def test_gradcheck_passes_a_correct_custom_op():
    cube = custom_op("f_cube", lambda x: x**3, lambda x, y: 3 * x**2)
    assert gradcheck(lambda x: cube(x) * x, [1.3]) is True


def lecture_cube(x, slope=3):
    """x^3 built by hand as the micrograd lecture does; slope=3 is its right derivative."""
    out = Value(x.data**3, (x,), "cube")

    def _backward():
        x.grad += slope * x.data**2 * out.grad

    out._backward = _backward
    return out


def test_gradcheck_passes_an_op_built_by_hand_with_its_own_backward():
    assert gradcheck(lambda x: lecture_cube(x) * x, [1.3]) is True


def test_gradcheck_catches_a_wrong_backward_set_by_hand():
    with pytest.raises(GradcheckError, match="analytic"):
        gradcheck(lambda x: lecture_cube(x, slope=2), [1.3])


def test_gradcheck_of_a_custom_op_redefined_inside_fn_uses_each_nodes_derivative():
    # fn redefines the op under the same name after using it: the node made
    # first must still be differentiated as x^2
    def fn(x):
        square = custom_op("f_mine", lambda t: t * t, lambda t, y: 2 * t)
        y = square(x)
        custom_op("f_mine", lambda t: t**3, lambda t, y: 3 * t * t)
        return y

    assert gradcheck(fn, [1.5]) is True


def test_gradcheck_does_not_change_value_inputs():
    x = Value(1.5)
    gradcheck(lambda v: v * v, [x])
    assert x.data == 1.5 and x.grad == 0.0


@pytest.mark.parametrize("x", [1e8, 1e9, -3e9])
def test_gradcheck_passes_a_correct_gradient_at_large_inputs(x):
    # x + 1e-6 rounds to a float 1e-6 away only up to rounding: at 1e8 the
    # step is off by 0.2%, more than rtol; the numeric slope must use the real step
    assert gradcheck(lambda v: 2 * v + 7, [x])


def test_gradcheck_with_an_eps_too_small_to_move_an_input_says_so():
    # 1e11 + 1e-6 rounds back to 1e11: no difference can be taken
    with pytest.raises(ValueError, match=r"eps.*too small.*input 0 = 100000000000\.0"):
        gradcheck(lambda v: 2 * v, [1e11])
    assert gradcheck(lambda v: 2 * v, [1e11], eps=1e-3)


def test_gradcheck_gives_no_warning_away_from_kinks():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert gradcheck(lambda x: x.relu() + abs(x), [0.5])


# -- gradcheck fails, with a message that teaches ----------------------------------------


def wrong_square():
    """x^2 with a deliberately wrong derivative: 3x instead of 2x."""
    return custom_op("f_wrong_square", lambda x: x * x, lambda x, y: 3 * x)


def test_gradcheck_raises_for_a_wrong_derivative():
    square = wrong_square()
    with pytest.raises(GradcheckError):
        gradcheck(square, [2.0])


def test_gradcheck_error_is_an_assertion_error():
    square = wrong_square()
    with pytest.raises(AssertionError):
        gradcheck(square, [2.0])


def test_gradcheck_error_names_the_input_and_both_gradients():
    # at x = 2: analytic (the wrong 3x) = 6, numeric (the true 2x) = 4
    square = wrong_square()
    with pytest.raises(GradcheckError) as e:
        gradcheck(lambda a, b: a * b + square(b), [1.0, Value(2.0, label="b")])
    message = str(e.value)
    assert "input 1" in message and "'b'" in message
    analytic = float(re.search(r"analytic \(backward\) ([-+0-9.e]+)", message).group(1))
    numeric = float(re.search(r"numeric \(central difference\) ([-+0-9.e]+)", message).group(1))
    assert analytic == pytest.approx(1.0 + 6.0)  # d(ab)/db + wrong slope
    assert numeric == pytest.approx(1.0 + 4.0, rel=1e-6)


def test_gradcheck_error_names_an_unlabelled_input_by_position():
    square = wrong_square()
    with pytest.raises(GradcheckError, match="input 0"):
        gradcheck(square, [2.0])


def test_gradcheck_checks_every_input():
    # the first input's gradient is right; the wrong one is the second's
    square = wrong_square()
    with pytest.raises(GradcheckError, match="input 1"):
        gradcheck(lambda a, b: a + square(b), [1.0, 2.0])


def test_gradcheck_tolerances_are_used():
    # numeric 4 vs analytic 6: a loose enough tolerance lets it through
    square = wrong_square()
    assert gradcheck(square, [2.0], atol=2.5)
    assert gradcheck(square, [2.0], rtol=0.6)


def test_gradcheck_fails_on_a_tiny_error_with_tight_tolerance():
    off = custom_op("f_slightly_off", lambda x: x * x, lambda x, y: 2 * x + 1e-3)
    assert gradcheck(off, [1.0])  # within atol + rtol * 2 = 2.01e-3
    with pytest.raises(GradcheckError):
        gradcheck(off, [1.0], atol=1e-6, rtol=1e-6)


def test_gradcheck_at_the_edge_of_the_domain_raises_with_a_message():
    # sqrt at 0: sqrt(0 - eps) is not defined, so no central difference exists
    with pytest.raises(GradcheckError, match=r"input 0.*domain.*sqrt"):
        gradcheck(lambda x: x.sqrt(), [0.0])


def test_gradcheck_of_an_infinite_slope_against_a_finite_one_fails():
    fake = custom_op("f_infinite_slope", lambda x: x, lambda x, y: math.inf)
    with pytest.raises(GradcheckError, match="inf"):
        gradcheck(fake, [1.0])


def test_gradcheck_of_a_nan_slope_fails():
    fake = custom_op("f_nan_slope", lambda x: x, lambda x, y: math.nan)
    with pytest.raises(GradcheckError, match="nan"):
        gradcheck(fake, [1.0])


# -- gradcheck at kinks ------------------------------------------------------------------


def test_gradcheck_warns_at_a_relu_kink():
    # relu at 0: slope 0 by convention, central difference 1/2; a warning says why
    with pytest.warns(RuntimeWarning, match="kink"):
        with pytest.raises(GradcheckError, match="kink"):
            gradcheck(lambda x: x.relu(), [0.0])


def test_gradcheck_warns_at_an_abs_kink():
    # abs at 0: slope 0 by convention, central difference 0: they agree, with a warning
    with pytest.warns(RuntimeWarning, match="abs"):
        assert gradcheck(lambda x: abs(x), [0.0])


def test_gradcheck_warns_at_a_kink_inside_an_expression():
    with pytest.warns(RuntimeWarning, match="relu"):
        try:
            gradcheck(lambda x, y: (x - y).relu() * 2, [1.0, 1.0])
        except GradcheckError:
            pass


def test_gradcheck_warns_at_a_custom_op_kink():
    hinge = custom_op(
        "f_hinge", lambda x: max(x, 1.0), lambda x, y: 1.0 if x > 1.0 else 0.0, kinks=(1.0,)
    )
    with pytest.warns(RuntimeWarning, match="f_hinge"):
        try:
            gradcheck(hinge, [1.0])
        except GradcheckError:
            pass


# -- gradcheck input checks --------------------------------------------------------------


def test_gradcheck_of_a_non_callable_raises_type_error():
    with pytest.raises(TypeError, match=r"^gradcheck: fn must be callable .*, got 3.0 \(float\)$"):
        gradcheck(3.0, [1.0])


@pytest.mark.parametrize(
    "bad, what",
    [
        (dict(eps=0.0), "a positive number"),
        (dict(eps=-1e-6), "a positive number"),
        (dict(atol=-1.0), "a number >= 0"),
        (dict(rtol=-1.0), "a number >= 0"),
        (dict(rtol=math.nan), "a finite number"),
    ],
)
def test_gradcheck_with_bad_tolerances_raises_value_error(bad, what):
    (name, value), = bad.items()
    with pytest.raises(ValueError, match=rf"^gradcheck: {name} must be {what}, got {value!r}$"):
        gradcheck(lambda x: x, [1.0], **bad)


def test_gradcheck_with_a_tolerance_that_is_not_a_number_raises_type_error():
    with pytest.raises(TypeError, match=r"^gradcheck: eps must be a number, got '1e-6' \(str\)$"):
        gradcheck(lambda x: x, [1.0], eps="1e-6")


def test_gradcheck_of_inputs_that_are_not_a_list_raises_type_error():
    with pytest.raises(TypeError, match=r"^gradcheck: inputs must be a number, a Value, or a list of them, got None$"):
        gradcheck(lambda x: x, None)


# -- grad and gradcheck: inside no_grad, and beside Values from outside ----------------


def test_grad_and_gradcheck_work_inside_no_grad():
    with no_grad():
        assert grad(lambda x, y: x * y + x)(2.0, 3.0) == (4.0, 2.0)
        assert value_and_grad(lambda x: x * x)(3.0) == (9.0, 6.0)
        assert gradcheck(lambda x: x * x, [3.0])
        assert not is_grad_enabled()


def test_grad_and_gradcheck_leave_the_grads_of_outside_values_alone():
    w = Value(3.0)
    w.grad = 0.25  # e.g. a parameter between backward() and the optimizer's step
    h = w * 2  # an inner node from outside too
    assert grad(lambda x: x * w + h)(2.0) == 3.0
    assert gradcheck(lambda x: x * w * h, [2.0])
    assert (w.grad, h.grad) == (0.25, 0.0)


def test_gradcheck_says_when_the_point_is_next_to_a_kink_inside_the_graph():
    # relu(1000 x) at x = 1e-8: the kink at x = 0 is within eps, though no operand is at 0
    with pytest.raises(GradcheckError, match=r"slopes on either side of the point differ .* not smooth within eps"):
        gradcheck(lambda x: (x * 1000).relu(), [1e-8])


@pytest.mark.parametrize("x, eps", [(1.5, 1e-6), (0.0, 1e-3)])
def test_gradcheck_does_not_blame_smoothness_for_a_wrong_derivative(x, eps):
    # 50 x^2 curves steeply: its one-sided slopes differ by 100 eps, never by the error
    wrong = custom_op("t_wrong_halfsq", lambda x: 50 * x * x, lambda x, y: 1.0)
    with pytest.raises(GradcheckError) as caught:
        gradcheck(wrong, [x], eps=eps)
    assert "not smooth" not in str(caught.value)


def test_gradcheck_refuses_an_eps_that_does_not_move_the_input_on_one_side():
    # 1.0 + 1.1e-16 rounds to 1.0, though 1.0 - 1.1e-16 does not
    with pytest.raises(ValueError, match=r"eps=1.1e-16 is too small to move input 0 = 1.0"):
        gradcheck(lambda x: x * x, [1.0], eps=1.1e-16)


def test_gradcheck_and_grad_take_numpy_scalars():
    np = pytest.importorskip("numpy")
    assert gradcheck(lambda x: x * x, np.float32(2.0))
    assert grad(lambda x: np.float32(1.5))(1.0) == 0.0  # a constant function: slope 0


def test_gradcheck_of_a_non_number_input_raises_type_error():
    with pytest.raises(TypeError, match=r"^gradcheck: inputs\[0\] must be a number or a Value, got '1.0' \(str\)$"):
        gradcheck(lambda x: x, ["1.0"])


def test_gradcheck_warns_at_a_tie_of_max_where_its_derivative_jumps():
    from tinygrad_ann.engine import max_values

    with pytest.warns(RuntimeWarning, match=r"max at \[1.0, 1.0\] sits on a kink"):
        with pytest.raises(GradcheckError):
            gradcheck(lambda a, b: max_values([a, b]), [1.0, 1.0])
    assert gradcheck(lambda a, b: max_values([a, b]), [1.0, 2.0])  # no tie: exact
