"""Property-based tests, driven by the op catalogue `tinygrad_ann.engine.OPS`.

Every built-in op in the catalogue is tested at random points against central
differences, (f(x + h) - f(x - h)) / 2h, using the catalogue's own `arity`,
`domain` and `kinks`. An op registered in engine.py is picked up automatically:
if it is a Value method named like the op (`x.exp()` for 'exp') nothing needs to
change here; otherwise `test_every_op_in_the_catalogue_can_be_applied` fails
until HOW_TO_APPLY says how to call it. Random expression graphs with shared
subexpressions are then checked with gradcheck.
"""

import itertools
import math

import pytest
from hypothesis import assume, given, note
from hypothesis import strategies as st

import tinygrad_ann.engine as engine
from helpers import BUILT_IN_OPS, HOW_TO_APPLY, apply_op, is_built_in

from tinygrad_ann import OPS, Value, grad, gradcheck, no_grad, sum_values

# custom_op registers globally: each test forgets the ops it made
pytestmark = pytest.mark.usefixtures("restore_op_catalogue")

# -- the catalogue and how to call each op ---------------------------------------


def test_every_op_in_the_catalogue_can_be_applied():
    for name in BUILT_IN_OPS:
        arity = OPS[name].arity or 3
        try:
            made = apply_op(name, *[Value(0.5 + i) for i in range(arity)])._op
        except AttributeError:  # no Value method of that name
            made = None
        assert made == name, f"op {name!r}: say in HOW_TO_APPLY how to call it"


def test_every_op_in_how_to_apply_is_in_the_catalogue():
    assert set(HOW_TO_APPLY) <= set(BUILT_IN_OPS)


def test_built_in_ops_are_told_apart_from_custom_ops():
    engine.custom_op("p_custom", math.sin, lambda x, y: math.cos(x))
    assert not is_built_in(OPS["p_custom"])
    assert {"+", "tanh", "dot", "sum"} <= set(BUILT_IN_OPS)


# -- drawing points where an op is differentiable ----------------------------------

H = 1e-6  # central-difference step
MARGIN = 1e-2  # points stay this far from domain edges and kinks
finite = st.floats(min_value=-10.0, max_value=10.0, allow_nan=False, allow_infinity=False)
# Ops with a domain (log, sqrt, /, **) get positive operands more often, so that
# few drawn points are thrown away; the points are still drawn from all of finite.
finite_or_positive = st.one_of(finite, st.floats(min_value=2 * MARGIN, max_value=10.0))


def operand_count(name, draw):
    arity = OPS[name].arity
    return arity if arity else draw(st.integers(min_value=1, max_value=6))


def draw_operands(name, draw):
    """Numbers to apply op `name` to: as many as its arity (any count for arity 0)."""
    n = operand_count(name, draw)
    element = finite if OPS[name].domain is None else finite_or_positive
    return draw(st.lists(element, min_size=n, max_size=n), label="operands")


def nearby_points(x, margin):
    """Points to try the domain at, to tell that it holds all around x.

    The catalogue's `domain` is a test at one point, so this tries both ends of
    [x - margin, x + margin] (an edge such as log's 0 falls in between if one end
    is out) and every whole number inside it: that is where the ops' isolated
    bad points sit (b = 0 for a / b, where only b = 0 itself is out).
    """
    points = [x - margin, x + margin]
    points += [float(k) for k in range(math.ceil(x - margin), math.floor(x + margin) + 1)]
    return points


def safely_inside(name, xs, margin=MARGIN, moves=None):
    """True when op `name` is defined at `xs` and all around it (each operand that
    `moves`, by default all, moved by up to `margin`, together: x ** y is defined
    at x = -1 for y = 2, but not if y moves too), and no moving operand is within
    `margin` of a kink."""
    op = OPS[name]
    moves = [True] * len(xs) if moves is None else moves
    for x, moving in zip(xs, moves):
        if moving and any(abs(x - k) <= margin for k in op.kinks):
            return False
    if op.distance_to_kink is not None and any(moves) and op.distance_to_kink(*xs) <= 2 * margin:
        return False
    if op.domain is None:
        return True
    around = [
        [x, *nearby_points(x, margin)] if moving and margin > 0.0 else [x]
        for x, moving in zip(xs, moves)
    ]
    return all(op.domain(*point) for point in itertools.product(*around))


def forward(name, xs):
    """The op's value at the numbers `xs`, recording no graph."""
    with no_grad():
        return apply_op(name, *[Value(x) for x in xs]).data


def central_difference(name, xs, i, h=H):
    up = list(xs)
    down = list(xs)
    up[i] += h
    down[i] -= h
    return (forward(name, up) - forward(name, down)) / (2 * h)


def assert_close(analytic, numeric, what):
    # Central differences are off by about h^2 f'''/6 (truncation) plus
    # |f| * 1e-16 / h (rounding); both are far below these tolerances here.
    assert abs(analytic - numeric) <= 1e-6 + 1e-5 * abs(numeric), (
        f"{what}: analytic (backward) {analytic!r}, numeric (central difference) {numeric!r}"
    )


# -- every op against central differences ---------------------------------------


@pytest.mark.parametrize("name", BUILT_IN_OPS)
@given(data=st.data())
def test_op_derivative_matches_central_difference(name, data):
    xs = draw_operands(name, data.draw)
    assume(safely_inside(name, xs))
    leaves = [Value(x) for x in xs]
    out = apply_op(name, *leaves)
    out.backward()
    for i, leaf in enumerate(leaves):
        numeric = central_difference(name, xs, i)
        assert_close(leaf.grad, numeric, f"d {name} / d operand {i} at {xs}")


@pytest.mark.parametrize("name", BUILT_IN_OPS)
@given(data=st.data())
def test_op_backward_adds_upstream_grad_times_local_derivative(name, data):
    # One step by hand: with out.grad = g and an operand's grad already g0,
    # _backward() must leave g0 + g * d(out)/d(operand) in it.
    xs = draw_operands(name, data.draw)
    g = data.draw(finite, label="upstream grad")
    g0 = data.draw(finite, label="grad already there")
    assume(safely_inside(name, xs))
    local = [Value(x) for x in xs]
    out = apply_op(name, *local)
    out.backward()  # the local derivatives, with upstream grad 1
    leaves = [Value(x) for x in xs]
    out = apply_op(name, *leaves)
    for leaf in leaves:
        leaf.grad = g0
    out.grad = g
    out._backward()
    for leaf, unit in zip(leaves, local):
        assert leaf.grad == pytest.approx(g0 + g * unit.grad, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("name", BUILT_IN_OPS)
@given(data=st.data())
def test_op_result_lists_its_operands_in_order(name, data):
    xs = draw_operands(name, data.draw)
    assume(safely_inside(name, xs))
    leaves = [Value(x) for x in xs]
    out = apply_op(name, *leaves)
    assert out._op == name
    assert len(out._prev) == len(leaves)
    assert all(p is leaf for p, leaf in zip(out._prev, leaves))


@pytest.mark.parametrize("name", BUILT_IN_OPS)
@given(data=st.data())
def test_op_data_and_grads_are_floats(name, data):
    n = operand_count(name, data.draw)
    xs = data.draw(st.lists(st.integers(-5, 5), min_size=n, max_size=n), label="int operands")
    assume(safely_inside(name, [float(x) for x in xs], margin=0.0))
    leaves = [Value(x) for x in xs]
    out = apply_op(name, *leaves)
    out.backward()
    assert type(out.data) is float
    assert all(type(leaf.grad) is float for leaf in leaves)


@pytest.mark.parametrize("name", BUILT_IN_OPS)
@given(data=st.data())
def test_op_value_is_the_same_with_and_without_recording(name, data):
    xs = draw_operands(name, data.draw)
    assume(safely_inside(name, xs))
    recorded = apply_op(name, *[Value(x) for x in xs])
    unrecorded = forward(name, xs)
    assert recorded.data == unrecorded or (math.isnan(recorded.data) and math.isnan(unrecorded))


@pytest.mark.parametrize("name", BUILT_IN_OPS)
@given(data=st.data())
def test_op_of_moderate_operands_inside_its_domain_is_finite(name, data):
    # |operands| <= 10 and away from the domain's edges: no overflow, no nan
    xs = draw_operands(name, data.draw)
    assume(safely_inside(name, xs))
    assert math.isfinite(forward(name, xs))


@pytest.mark.parametrize("name", BUILT_IN_OPS)
@given(data=st.data())
def test_op_raising_a_domain_error_is_outside_its_catalogued_domain(name, data):
    # A domain error: log(-1), 1/0, (-8) ** (1/3). (An OverflowError is a range
    # error: (1e-200) ** -2 is defined but too large for a float.)
    xs = draw_operands(name, data.draw)
    try:
        forward(name, xs)
    except (ValueError, ZeroDivisionError):
        assert OPS[name].domain is not None and not OPS[name].domain(*xs)
    except OverflowError:
        pass


@pytest.mark.parametrize("name", BUILT_IN_OPS)
@given(data=st.data())
def test_op_with_numbers_for_operands_equals_op_with_values(name, data):
    # `x + 2` is `x + Value(2)`; a number can stand on either side
    xs = draw_operands(name, data.draw)
    n = len(xs)
    value_mask = data.draw(st.lists(st.booleans(), min_size=n, max_size=n), label="is a Value")
    value_mask[data.draw(st.integers(0, len(xs) - 1), label="one surely a Value")] = True
    assume(safely_inside(name, xs))
    mixed = [Value(x) if is_value else x for x, is_value in zip(xs, value_mask)]
    all_values = [Value(x) for x in xs]
    out_mixed = apply_op(name, *mixed)
    out_values = apply_op(name, *all_values)
    out_mixed.backward()
    out_values.backward()
    assert out_mixed.data == out_values.data
    for m, v in zip(mixed, all_values):
        if isinstance(m, Value):
            assert m.grad == v.grad


# -- ops with a parameter that is not an operand --------------------------------


@given(x=finite, c=st.one_of(st.integers(-4, 4), finite))
def test_pow_by_a_number_matches_central_difference(x, c):
    # x ** c with c a number; x < 0 is allowed when c is an integer
    c = float(c)
    assume(safely_inside("**", [x, c], moves=[True, False]))
    v = Value(x)
    out = v**c
    out.backward()
    with no_grad():
        numeric = ((Value(x + H) ** c).data - (Value(x - H) ** c).data) / (2 * H)
    assert_close(v.grad, numeric, f"d(x ** {c})/dx at x = {x}")


@given(x=finite, slope=st.floats(0.0, 1.0))
def test_leaky_relu_with_any_slope_matches_central_difference(x, slope):
    assume(abs(x) > MARGIN)
    v = Value(x)
    v.leaky_relu(slope).backward()
    with no_grad():
        up, down = Value(x + H).leaky_relu(slope), Value(x - H).leaky_relu(slope)
    numeric = (up.data - down.data) / (2 * H)
    assert_close(v.grad, numeric, f"d leaky_relu(x, {slope})/dx at x = {x}")


@given(x=finite, slope=st.floats(0.0, 1.0))
def test_leaky_relu_slope_left_of_zero_is_the_given_slope(x, slope):
    assume(x < 0)
    v = Value(x)
    y = v.leaky_relu(slope)
    y.backward()
    assert v.grad == slope and y.data == slope * x


# -- random expression graphs -----------------------------------------------------
#
# A program is a list of steps (op name, operands), where an operand is either a
# node (an input or an earlier step, so subexpressions are shared freely: a * a,
# diamonds, ...) or a number. Steps are only kept where the op is safely inside
# its domain and away from kinks, where the node stays small, and where its
# gradient with respect to every input is moderate: gradcheck moves an input by
# eps = 1e-6, so every node then moves by at most 1e-4 and cannot cross a domain
# edge or a kink that is GRAPH_MARGIN away, and the central differences are
# accurate to far better than gradcheck's tolerance.

GRAPH_MARGIN = 0.05
MAX_NODE = 100.0
MAX_SLOPE = 100.0
small = st.floats(min_value=-3.0, max_value=3.0, allow_nan=False, allow_infinity=False)


def run_program(inputs, steps):
    """The nodes of the program: the inputs, then one node per step."""
    nodes = list(inputs)
    for name, operands in steps:
        args = [nodes[ref] if kind == "node" else ref for kind, ref in operands]
        nodes.append(apply_op(name, *args))
    return nodes


def root_of(nodes, steps):
    """Sum of the nodes no step uses, so every node reaches the root."""
    used = {ref for _, operands in steps for kind, ref in operands if kind == "node"}
    unused = [node for i, node in enumerate(nodes) if i not in used]
    return unused[0] if len(unused) == 1 else sum_values(unused)


def well_conditioned(name, args, inputs, node):
    values = [a.data if isinstance(a, Value) else a for a in args]
    is_node = [isinstance(a, Value) for a in args]  # a number is not moved by gradcheck
    if not safely_inside(name, values, GRAPH_MARGIN, moves=is_node):
        return False
    if not abs(node.data) <= MAX_NODE:
        return False
    for x in inputs:
        x.grad = 0.0
    node.backward()
    return all(abs(x.grad) <= MAX_SLOPE for x in inputs)


@st.composite
def programs(draw):
    xs = draw(st.lists(small, min_size=1, max_size=4), label="inputs")
    inputs = [Value(x) for x in xs]
    nodes = list(inputs)
    steps = []
    for _ in range(draw(st.integers(min_value=2, max_value=12))):  # attempts at a step
        name = draw(st.sampled_from(BUILT_IN_OPS))
        operands = []
        for _ in range(operand_count(name, draw)):
            if draw(st.integers(0, 4)) == 0:
                operands.append(("number", draw(small)))
            else:
                operands.append(("node", draw(st.integers(0, len(nodes) - 1))))
        args = [nodes[ref] if kind == "node" else ref for kind, ref in operands]
        if not any(isinstance(a, Value) for a in args):
            continue
        try:
            node = apply_op(name, *args)
        except (ValueError, ArithmeticError):
            continue
        if well_conditioned(name, args, inputs, node):
            steps.append((name, operands))
            nodes.append(node)
    return xs, steps


def program_function(steps):
    def f(*inputs):
        return root_of(run_program(inputs, steps), steps)

    return f


@given(programs())
def test_random_graphs_pass_gradcheck(program):
    xs, steps = program
    note(f"steps: {steps}")
    assert gradcheck(program_function(steps), xs)


@given(programs())
def test_random_graphs_backward_twice_doubles_leaf_grads_and_keeps_inner_grads(program):
    xs, steps = program
    inputs = [Value(x) for x in xs]
    nodes = run_program(inputs, steps)
    root = root_of(nodes, steps)
    root.backward()
    first_leaves = [x.grad for x in inputs]
    first_inner = [n.grad for n in nodes[len(inputs) :]]
    root.backward()
    assert [x.grad for x in inputs] == [2 * g for g in first_leaves]
    assert [n.grad for n in nodes[len(inputs) :]] == first_inner


@given(programs())
def test_random_graphs_grad_equals_backward(program):
    xs, steps = program
    inputs = [Value(x) for x in xs]
    run = program_function(steps)
    run(*inputs).backward()
    by_grad = grad(run)(*xs)
    assert (by_grad if len(xs) > 1 else (by_grad,)) == tuple(x.grad for x in inputs)


@given(programs())
def test_random_graphs_topological_order_is_complete_and_ordered(program):
    xs, steps = program
    root = program_function(steps)(*[Value(x) for x in xs])
    order = root.topological_order()
    position = {id(v): i for i, v in enumerate(order)}
    assert len(position) == len(order)  # each node once
    assert order[-1] is root
    for node in order:
        for child in node._prev:
            assert position[id(child)] < position[id(node)]


@given(programs())
def test_random_graphs_under_no_grad_give_the_same_value_and_no_graph(program):
    xs, steps = program
    run = program_function(steps)
    recorded = run(*[Value(x) for x in xs])
    with no_grad():
        unrecorded = run(*[Value(x) for x in xs])
    assert unrecorded.data == recorded.data
    assert unrecorded._prev == ()
