"""The Value class and backward(): the specification of the engine's core.

Each test states one behaviour. Expected numbers come from the math written next
to them (derivatives worked out by hand), never from running the engine.
"""

import gc
import math
import re

import pytest

import tinygrad_ann
from tinygrad_ann import OPS, GradcheckError, Value, custom_op, dot, enable_grad, no_grad, sum_values
from helpers import lecture_cube

# -- the public names -------------------------------------------------------------


def test_public_names_import_from_the_package():
    from tinygrad_ann import GradcheckError, Value, grad, gradcheck, no_grad  # noqa: F401


def test_value_from_the_package_is_the_engine_value():
    from tinygrad_ann.engine import Value as EngineValue

    assert EngineValue is tinygrad_ann.Value


def test_gradcheck_error_is_an_assertion_error():
    assert issubclass(GradcheckError, AssertionError)


# -- making a Value ---------------------------------------------------------------


def test_value_stores_data_as_given():
    assert Value(1.5).data == 1.5


def test_value_stores_int_data_as_float():
    v = Value(2)
    assert v.data == 2.0 and type(v.data) is float


@pytest.mark.parametrize("make", [lambda: Value(True), lambda: Value(1.0) + True, lambda: False * Value(1.0),
                                  lambda: Value(2.0) ** True, lambda: Value(1.0).leaky_relu(True)])
def test_a_bool_is_not_a_number_anywhere(make):
    with pytest.raises(TypeError, match="bool"):
        make()


def test_value_stores_float_subclass_data_as_plain_float():
    class MyFloat(float):
        pass

    assert type(Value(MyFloat(2.5)).data) is float


def test_grad_starts_at_zero_float():
    g = Value(3.0).grad
    assert g == 0.0 and type(g) is float


def test_label_defaults_to_empty_and_is_settable():
    v = Value(1.0)
    assert v.label == ""
    v.label = "x"
    assert v.label == "x"


def test_label_is_taken_from_the_constructor():
    assert Value(1.0, label="w1").label == "w1"


@pytest.mark.parametrize("label", [5, None, b"x", ["x"]])
def test_label_that_is_not_a_string_raises_type_error_naming_its_type(label):
    with pytest.raises(TypeError, match=rf"label must be a string.*{type(label).__name__}"):
        Value(1.0, label=label)


def test_label_may_be_a_string_subclass():
    class Name(str):
        pass

    assert Value(1.0, label=Name("w1")).label == "w1"


def test_value_takes_the_lecture_signature_by_keyword():
    a = Value(2.0)
    v = Value(data=-2.0, _children=(a,), _op="neg", label="v")
    assert (v.data, v._prev, v._op, v.label) == (-2.0, (a,), "neg", "v")


def test_a_leaf_has_no_operands_and_no_op():
    v = Value(1.0)
    assert v._prev == () and v._op == ""


@pytest.mark.parametrize(
    "bad, type_name",
    [("1.0", "str"), (None, "NoneType"), ([1.0], "list"), (1 + 2j, "complex"), ({}, "dict")],
)
def test_value_of_a_non_number_raises_type_error_naming_the_type(bad, type_name):
    with pytest.raises(TypeError, match=type_name):
        Value(bad)


def test_value_of_a_value_raises_type_error():
    # Wrapping a Value in a Value would silently cut the graph: refuse it.
    with pytest.raises(TypeError, match=r"Value takes a real number \(int or float\), got Value: Value\(data=1.0"):
        Value(Value(1.0))


def test_value_has_slots_and_no_instance_dict():
    v = Value(1.0)
    assert not hasattr(v, "__dict__")
    with pytest.raises(AttributeError):
        v.not_a_field = 1


def test_results_of_int_arithmetic_are_floats():
    y = Value(2) * 3
    assert y.data == 6.0 and type(y.data) is float


def test_grads_are_floats_after_int_inputs():
    a, b = Value(2), Value(3)
    y = a * b + 1
    y.backward()
    assert (a.grad, b.grad) == (3.0, 2.0)
    assert type(a.grad) is float and type(b.grad) is float


# -- repr ---------------------------------------------------------------------------


def test_repr_starts_with_data_and_grad():
    assert repr(Value(1.5)).startswith("Value(data=1.5, grad=0.0")


def test_repr_shows_the_label_when_set():
    assert "label='x'" in repr(Value(1.5, label="x"))


def test_repr_has_no_label_when_unset():
    assert "label" not in repr(Value(1.5))


# -- the graph: _op and _prev ---------------------------------------------------------


def test_prev_holds_the_operands_in_order():
    a, b = Value(1.0), Value(2.0)
    assert (a - b)._prev == (a, b)
    assert (b - a)._prev == (b, a)


def test_prev_is_a_tuple():
    a, b = Value(1.0), Value(2.0)
    assert type((a + b)._prev) is tuple


def test_prev_keeps_both_operands_of_a_plus_a():
    a = Value(1.0)
    assert (a + a)._prev == (a, a)


def test_prev_of_number_plus_value_has_the_constant_first():
    a = Value(1.0)
    y = 2 + a
    assert len(y._prev) == 2
    assert y._prev[0].data == 2.0 and y._prev[1] is a


def test_prev_of_value_plus_number_has_the_constant_second():
    a = Value(1.0)
    y = a + 2
    assert y._prev[0] is a and y._prev[1].data == 2.0


def test_prev_of_power_by_a_number_is_only_the_base():
    x = Value(3.0)
    assert (x**2)._prev == (x,)


def test_prev_of_power_by_a_value_is_base_and_exponent():
    x, n = Value(3.0), Value(2.0)
    assert (x**n)._prev == (x, n)


def test_prev_of_number_to_a_value_power_has_the_constant_first():
    v = Value(3.0)
    y = 2**v
    assert y._prev[0].data == 2.0 and y._prev[1] is v


def test_subtraction_is_its_own_op():
    y = Value(5.0) - Value(3.0)
    assert y._op == "-"
    assert all(child._op == "" for child in y._prev)  # not drawn as a + (b * -1)


def test_division_is_its_own_op():
    y = Value(6.0) / Value(3.0)
    assert y._op == "/"
    assert all(child._op == "" for child in y._prev)  # not drawn as a * b**-1


def test_operand_order_and_graph_layout_are_deterministic():
    def build():
        a, b, c = Value(1.0, label="a"), Value(2.0, label="b"), Value(3.0, label="c")
        d = a * b
        d.label = "d"
        e = d - c
        e.label = "e"
        f = e / a + d
        f.label = "f"
        return f

    first = [v.label for v in build().topological_order()]
    for _ in range(5):
        assert [v.label for v in build().topological_order()] == first


def test_topological_order_puts_every_node_after_its_operands():
    a, b = Value(1.0), Value(2.0)
    c = a * b
    d = c + a
    e = d * c
    order = e.topological_order()
    position = {id(v): i for i, v in enumerate(order)}
    assert len(order) == 5  # a, b, c, d, e: each once
    for node in order:
        for child in node._prev:
            assert position[id(child)] < position[id(node)]
    assert order[-1] is e


def test_topological_order_is_the_lectures_recursive_build_topo_order():
    # micrograd's lecture builds the order recursively, first operand first.
    def build_topo(v, topo, visited):
        if v not in visited:
            visited.add(v)
            for child in v._prev:
                build_topo(child, topo, visited)
            topo.append(v)
        return topo

    a, b, c, f = (Value(x, label=n) for x, n in [(2.0, 'a'), (-3.0, 'b'), (10.0, 'c'), (-2.0, 'f')])
    e = a * b; e.label = 'e'
    d = e + c; d.label = 'd'
    L = d * f; L.label = 'L'
    assert [v.label for v in L.topological_order()] == ['a', 'b', 'e', 'c', 'd', 'f', 'L']
    n = (a * a + b).tanh() * (c - a) + (b ** 2) / f
    assert n.topological_order() == build_topo(n, [], set())


def test_topological_order_of_a_leaf_is_the_leaf():
    a = Value(1.0)
    assert a.topological_order() == [a]


# -- building a graph by hand, as the micrograd lecture does --------------------------


def test_hand_built_node_backward_uses_its_op_rule():
    a, b = Value(2.0), Value(-3.0)
    c = Value(a.data * b.data, (a, b), "*")
    c.backward()
    assert (a.grad, b.grad) == (-3.0, 2.0)  # d(ab)/da = b, d(ab)/db = a


def test_hand_built_node_keeps_its_children_in_order():
    a, b = Value(2.0), Value(-3.0)
    assert Value(-1.0, (a, b), "+")._prev == (a, b)


def test_hand_built_node_children_must_be_values():
    with pytest.raises(TypeError, match="float"):
        Value(1.0, (Value(1.0), 2.0), "+")


@pytest.mark.parametrize(
    "op, operands, expected",
    [("**", 1, 2), ("*", 1, 2), ("+", 3, 2), ("tanh", 2, 1), ("exp", 0, 1)],
)
def test_hand_built_node_of_a_built_in_op_needs_its_number_of_operands(op, operands, expected):
    children = tuple(Value(2.0) for _ in range(operands))
    message = rf"'{re.escape(op)}' takes {expected} operand.*got {operands}"
    with pytest.raises(ValueError, match=message):
        Value(4.0, children, op)


def test_hand_built_power_with_a_value_exponent_backpropagates():
    a, n = Value(2.0), Value(3.0)
    c = Value(8.0, (a, n), "**")
    c.backward()
    assert (a.grad, n.grad) == (12.0, 8.0 * math.log(2.0))  # n a^(n-1), a^n ln a


@pytest.mark.parametrize("count", [1, 2, 3])
def test_hand_built_sum_takes_any_number_of_operands(count):
    xs = [Value(float(i)) for i in range(count)]
    s = Value(float(sum(range(count))), tuple(xs), "sum")
    s.backward()
    assert s._prev == tuple(xs) and [x.grad for x in xs] == [1.0] * count


def test_hand_built_dot_of_one_weight_and_input_backpropagates():
    w, x = Value(2.0), Value(-3.0)
    y = Value(-6.0, (w, x), "dot")
    y.backward()
    assert (w.grad, x.grad) == (-3.0, 2.0)  # d(wx)/dw = x, d(wx)/dx = w


def test_hand_built_leaky_relu_says_to_use_the_method():
    # its slope is a constant, not an operand: _children cannot carry it
    with pytest.raises(ValueError, match=r"leaky_relu.*x\.leaky_relu\("):
        Value(-0.02, (Value(-2.0),), "leaky_relu")


def test_hand_built_node_op_must_be_a_string():
    with pytest.raises(TypeError, match="_op must be a string.*int"):
        Value(1.0, (Value(1.0),), 5)


def test_backward_of_an_op_without_a_rule_names_the_op():
    a = Value(2.0)
    c = Value(4.0, (a,), "no_such_op")
    with pytest.raises(NotImplementedError, match="no_such_op"):
        c.backward()


def test_hand_built_op_with_its_own_backward_backpropagates():
    x = Value(2.0)
    out = lecture_cube(x)
    out.backward()
    assert (out._op, out._prev, x.grad) == ("cube", (x,), 12.0)  # 3x^2 = 12


def test_hand_built_op_backward_can_be_called_by_hand():
    x = Value(2.0)
    out = lecture_cube(x)
    out.grad = 1.0
    out._backward()
    assert x.grad == 12.0


def test_hand_built_op_backward_reads_back_as_the_function_set():
    x = Value(2.0)
    out = Value(8.0, (x,), "cube")

    def _backward():
        pass

    out._backward = _backward
    assert out._backward is _backward


def test_hand_built_op_inside_a_larger_graph():
    # f = cube(2x) * x + x: df/dx = 3 (2x)^2 * 2 * x + (2x)^3 + 1 = 24 + 8 + 1 at x = 1
    x = Value(1.0)
    f = lecture_cube(2 * x) * x + x
    f.backward()
    assert (f.data, x.grad) == (9.0, 33.0)


def test_hand_built_op_of_two_operands_with_its_own_backward():
    a, b = Value(2.0), Value(-3.0)
    out = Value(a.data * b.data, (a, b), "my_mul")

    def _backward():
        a.grad += b.data * out.grad
        b.grad += a.data * out.grad

    out._backward = _backward
    out.backward()
    assert (out._prev, a.grad, b.grad) == ((a, b), -3.0, 2.0)
    assert out.topological_order() == [a, b, out]


def test_hand_built_op_backward_twice_doubles_leaf_grads():
    x = Value(2.0)
    out = lecture_cube(x)
    out.backward()
    out.backward()
    assert x.grad == 24.0


class LectureValue(Value):
    """Ops written exactly as the micrograd lecture writes them, with the lecture's
    op names: each builds its node by hand and sets its `_backward`."""

    def __add__(self, other):
        out = LectureValue(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += 1.0 * out.grad
            other.grad += 1.0 * out.grad

        out._backward = _backward
        return out

    def __mul__(self, other):
        out = LectureValue(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def tanh(self):
        t = (math.exp(2 * self.data) - 1) / (math.exp(2 * self.data) + 1)
        out = LectureValue(t, (self,), "tanh")

        def _backward():
            self.grad += (1 - t**2) * out.grad

        out._backward = _backward
        return out

    def exp(self):
        out = LectureValue(math.exp(self.data), (self,), "exp")

        def _backward():
            self.grad += out.data * out.grad

        out._backward = _backward
        return out


def test_lecture_ops_with_known_names_use_their_own_backward():
    # o = tanh(x1 w1 + x2 w2 + b) * exp(x2), the lecture's neuron and its exp.
    x1, w1, x2, w2, b = (LectureValue(v) for v in (2.0, -3.0, 0.5, 1.0, 6.5))
    o = (x1 * w1 + x2 * w2 + b).tanh() * x2.exp()
    o.backward()
    n = 2.0 * -3.0 + 0.5 * 1.0 + 6.5
    t, e = math.tanh(n), math.exp(0.5)
    assert [o._op, o._prev[0]._op, o._prev[1]._op] == ["*", "tanh", "exp"]
    assert x1.grad == pytest.approx((1 - t**2) * w1.data * e, rel=1e-12)
    assert x2.grad == pytest.approx((1 - t**2) * w2.data * e + t * e, rel=1e-12)


def test_a_hand_set_backward_replaces_the_rule_of_a_known_op():
    calls = []
    a, b = Value(2.0), Value(3.0)
    for node in (a * b, Value(6.0, (a, b), "*")):
        node._backward = lambda: calls.append("mine")
        node.backward()
        assert node._op == "*" and node._prev == (a, b)
    assert calls == ["mine", "mine"] and (a.grad, b.grad) == (0.0, 0.0)
    assert (a * b)._op in OPS  # other nodes of the op keep the library's rule


def test_backward_of_a_leaf_cannot_be_set():
    with pytest.raises(AttributeError, match="leaf"):
        Value(1.0)._backward = lambda: None


def test_backward_set_by_hand_must_be_callable():
    with pytest.raises(TypeError, match="callable.*float"):
        Value(8.0, (Value(2.0),), "cube")._backward = 3.0


def test_lecture_neuron_backward_by_hand_node_by_node():
    # The micrograd lecture's neuron: o = tanh(x1 w1 + x2 w2 + b), with b chosen so
    # that n = atanh(1/sqrt 2), o = 1/sqrt 2 and do/dn = 1 - o^2 = 1/2.
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1 = x1 * w1
    x2w2 = x2 * w2
    x1w1x2w2 = x1w1 + x2w2
    n = x1w1x2w2 + b
    o = n.tanh()
    assert o.data == pytest.approx(1 / math.sqrt(2))

    o.grad = 1.0
    o._backward()
    assert n.grad == pytest.approx(0.5)
    n._backward()
    assert (x1w1x2w2.grad, b.grad) == pytest.approx((0.5, 0.5))
    x1w1x2w2._backward()
    assert (x1w1.grad, x2w2.grad) == pytest.approx((0.5, 0.5))
    x1w1._backward()
    x2w2._backward()
    assert x1.grad == pytest.approx(-1.5)  # w1 * 1/2
    assert w1.grad == pytest.approx(1.0)  # x1 * 1/2
    assert x2.grad == pytest.approx(0.5)  # w2 * 1/2
    assert w2.grad == pytest.approx(0.0)  # x2 * 1/2


def test_hand_backward_of_a_leaf_does_nothing():
    a = Value(2.0)
    a.grad = 5.0
    a._backward()
    assert a.grad == 5.0


def test_hand_backward_adds_to_the_operands_grads():
    a, b = Value(2.0), Value(3.0)
    c = a * b
    a.grad, b.grad = 10.0, 20.0
    c.grad = 2.0
    c._backward()
    assert (a.grad, b.grad) == (10.0 + 2.0 * 3.0, 20.0 + 2.0 * 2.0)


def test_hand_backward_twice_adds_twice():
    a, b = Value(2.0), Value(3.0)
    c = a + b
    c.grad = 1.0
    c._backward()
    c._backward()
    assert (a.grad, b.grad) == (2.0, 2.0)


# -- backward() ---------------------------------------------------------------------


def test_backward_sets_root_grad_to_one():
    y = Value(2.0) * Value(3.0)
    y.backward()
    assert y.grad == 1.0


def test_backward_fills_the_chain_rule():
    # y = (a b + c)^2: dy/da = 2(ab + c) b, dy/db = 2(ab + c) a, dy/dc = 2(ab + c)
    a, b, c = Value(2.0), Value(-3.0), Value(10.0)
    y = (a * b + c) ** 2
    y.backward()
    assert y.data == 16.0
    assert (a.grad, b.grad, c.grad) == (-24.0, 16.0, 8.0)


def test_backward_fills_inner_nodes_with_the_root_derivative():
    # y = 3 u with u = 2 x: dy/du = 3
    x = Value(1.0)
    u = x * 2
    y = u * 3
    y.backward()
    assert u.grad == 3.0


def test_backward_of_a_leaf_gives_it_grad_one():
    x = Value(4.0)
    x.backward()
    assert x.grad == 1.0


def test_backward_of_a_leaf_twice_accumulates():
    x = Value(4.0)
    x.backward()
    x.backward()
    assert x.grad == 2.0


def test_backward_twice_doubles_leaf_grads():
    # y = 3 (2 x) + x^2 at x = 1: dy/dx = 6 + 2x = 8
    x = Value(1.0)
    y = (x * 2) * 3 + x * x
    y.backward()
    assert x.grad == 8.0
    y.backward()
    assert x.grad == 16.0


def test_backward_twice_exactly_doubles_a_leaf_reached_by_many_paths():
    # The three contributions 0.3 + 0.6 + 0.1 round when summed; a second pass
    # must add its own sum, not add them one by one onto the first pass's sum.
    x = Value(1.0)
    y = sum_values([x * 0.3, x * 0.6, x * 0.1])
    y.backward()
    first = x.grad
    assert first == pytest.approx(1.0)
    y.backward()
    assert x.grad == 2 * first


def test_backward_adds_the_pass_to_a_leaf_grad_set_before():
    x = Value(3.0)
    x.grad = 0.5
    (x * x).backward()
    assert x.grad == 6.5


def test_backward_twice_does_not_compound_inner_grads():
    # micrograd keeps an inner node's grad between passes, so its second pass
    # adds the old inner grads again and leaves get three times the gradient.
    x = Value(1.0)
    u = x * 2
    y = u * 3
    y.backward()
    assert (y.grad, u.grad, x.grad) == (1.0, 3.0, 6.0)
    y.backward()
    assert (y.grad, u.grad) == (1.0, 3.0)
    assert x.grad == 12.0  # exactly double, not 18


def test_backward_twice_doubles_grads_of_constants_too():
    x = Value(1.0)
    y = x * 5  # the constant 5 is a leaf: d y / d 5 = x
    five = y._prev[1]
    y.backward()
    y.backward()
    assert five.grad == 2.0


def test_backward_resets_inner_grads_set_by_hand():
    x = Value(2.0)
    u = x * x
    y = u + 1
    u.grad = 100.0  # stale value, e.g. from a hand walk
    y.backward()
    assert u.grad == 1.0
    assert x.grad == 4.0  # 2x


def test_backward_of_a_subgraph_then_the_whole_graph():
    # u = x^2, y = 3u. u.backward() gives du/dx = 2x = 4 to x; y.backward()
    # adds dy/dx = 6x = 12, and u then holds dy/du = 3 (this pass only).
    x = Value(2.0)
    u = x * x
    y = u * 3
    u.backward()
    assert x.grad == 4.0
    y.backward()
    assert x.grad == 16.0
    assert u.grad == 3.0


def test_leaf_grads_can_be_zeroed_between_passes():
    x = Value(3.0)
    y = x * x
    y.backward()
    x.grad = 0.0
    y.backward()
    assert x.grad == 6.0


DEPTH = 1_000_000


@pytest.fixture(scope="module")
def deep_chain():
    """x and y = -(-(...(-x))): a chain of DEPTH 'neg' nodes, built once for the module."""
    x = Value(1.5)
    y = x
    for _ in range(DEPTH):
        y = -y
    return x, y


def test_backward_of_a_million_deep_chain_does_not_recurse(deep_chain):
    x, y = deep_chain
    y.backward()  # a recursive walk fails past ~1000 nodes (RecursionError)
    assert y.data == x.data  # an even number of negations
    assert x.grad == 1.0  # (-1) ** 1_000_000


def test_topological_order_of_a_million_deep_chain(deep_chain):
    x, y = deep_chain
    order = y.topological_order()
    assert len(order) == DEPTH + 1
    assert order[0] is x and order[-1] is y


# -- shared subexpressions ------------------------------------------------------------


def test_a_times_a_gives_two_a():
    a = Value(3.0)
    y = a * a
    y.backward()
    assert a.grad == 6.0


def test_a_plus_a_gives_two():
    a = Value(3.0)
    y = a + a
    y.backward()
    assert a.grad == 2.0


def test_a_minus_a_gives_zero():
    a = Value(3.0)
    y = a - a
    y.backward()
    assert y.data == 0.0 and a.grad == 0.0


def test_a_over_a_gives_zero():
    a = Value(3.0)
    y = a / a
    y.backward()
    assert y.data == 1.0 and a.grad == pytest.approx(0.0, abs=1e-15)


def test_a_to_the_a():
    # d(a^a)/da = a^a (ln a + 1)
    a = Value(2.0)
    y = a**a
    y.backward()
    assert y.data == 4.0
    assert a.grad == pytest.approx(4.0 * (math.log(2.0) + 1.0))


def test_diamond_sums_both_paths():
    # w = (x + 1)(2x) = 2x^2 + 2x: dw/dx = 4x + 2 = 14 at x = 3
    x = Value(3.0)
    u = x + 1
    v = x * 2
    w = u * v
    w.backward()
    assert w.data == 24.0
    assert x.grad == 14.0


def test_node_used_twice_downstream():
    # y = x^2, z = y * y = x^4: dz/dy = 2y = 8, dz/dx = 4x^3 = 32 at x = 2
    x = Value(2.0)
    y = x * x
    z = y * y
    z.backward()
    assert y.grad == 8.0
    assert x.grad == 32.0


def test_shared_node_feeding_many_ops():
    # f = tanh(u) + u^2 + 3u with u = x y: df/du = 1 - tanh(u)^2 + 2u + 3
    x, y = Value(0.5), Value(-2.0)
    u = x * y
    f = u.tanh() + u**2 + 3 * u
    f.backward()
    dfdu = 1 - math.tanh(-1.0) ** 2 + 2 * (-1.0) + 3
    assert x.grad == pytest.approx(dfdu * -2.0)
    assert y.grad == pytest.approx(dfdu * 0.5)


def test_deep_shared_ladder_counts_every_path():
    # x_{k+1} = x_k + x_k doubles: after n steps y = 2^n x, dy/dx = 2^n. The
    # graph has n nodes but 2^n paths, so a walk that visits each path would hang.
    x = Value(1.0)
    y = x
    for _ in range(60):
        y = y + y
    y.backward()
    assert x.grad == 2.0**60


# -- no_grad ----------------------------------------------------------------------


def test_no_grad_results_record_no_graph():
    w = Value(3.0)
    with no_grad():
        y = (w * 2).tanh() + w
    assert y._prev == () and y._op == ""


def test_no_grad_still_computes_values():
    w = Value(3.0)
    with no_grad():
        y = w * 2 + 1
    assert y.data == 7.0


def test_no_grad_results_are_leaves_for_backward():
    w = Value(3.0)
    with no_grad():
        y = w * 2
    z = y * 5
    z.backward()
    assert y.grad == 5.0
    assert w.grad == 0.0  # nothing flows back through the unrecorded op


def test_no_grad_turns_recording_back_on_after_the_block():
    w = Value(3.0)
    with no_grad():
        pass
    assert tinygrad_ann.is_grad_enabled()
    assert (w * 2)._prev[0] is w


def test_no_grad_switches_is_grad_enabled():
    assert tinygrad_ann.is_grad_enabled()
    with no_grad():
        assert not tinygrad_ann.is_grad_enabled()
    assert tinygrad_ann.is_grad_enabled()


def test_no_grad_nesting_restores_each_state():
    with no_grad():
        with no_grad():
            assert not tinygrad_ann.is_grad_enabled()
        assert not tinygrad_ann.is_grad_enabled()  # the inner exit keeps the outer off
    assert tinygrad_ann.is_grad_enabled()


def test_no_grad_restores_state_after_an_exception():
    with pytest.raises(RuntimeError):
        with no_grad():
            raise RuntimeError("boom")
    assert tinygrad_ann.is_grad_enabled()


def test_no_grad_does_not_swallow_exceptions():
    with pytest.raises(ZeroDivisionError):
        with no_grad():
            Value(1.0) / 0


@pytest.mark.parametrize("decorate", [no_grad, no_grad()], ids=["@no_grad", "@no_grad()"])
def test_no_grad_as_a_decorator(decorate):
    w = Value(3.0)

    @decorate
    def predict(x):
        assert not tinygrad_ann.is_grad_enabled()
        return w * x

    y = predict(2.0)
    assert y.data == 6.0 and y._prev == ()
    assert tinygrad_ann.is_grad_enabled()


def test_no_grad_decorator_keeps_the_function_name_and_doc():
    @no_grad
    def predict(x):
        """Predict."""
        return x

    assert predict.__name__ == "predict" and predict.__doc__ == "Predict."


def test_no_grad_decorator_passes_arguments_and_keywords():
    @no_grad()
    def f(a, b, *, c):
        return a * b + c

    assert f(Value(2.0), 3.0, c=1.0).data == 7.0


def test_no_grad_decorator_restores_state_after_an_exception():
    @no_grad
    def fail():
        raise ValueError("boom")

    with pytest.raises(ValueError):
        fail()
    assert tinygrad_ann.is_grad_enabled()


def test_no_grad_decorated_function_called_inside_no_grad_keeps_it_off():
    @no_grad
    def f():
        return None

    with no_grad():
        f()
        assert not tinygrad_ann.is_grad_enabled()
    assert tinygrad_ann.is_grad_enabled()


def test_no_grad_decorated_recursion_restores_state():
    @no_grad
    def countdown(n):
        return 0 if n == 0 else countdown(n - 1)

    countdown(5)
    assert tinygrad_ann.is_grad_enabled()


def test_no_grad_fused_ops_record_no_graph():
    w = [Value(1.0), Value(2.0)]
    with no_grad():
        d = dot(w, [3.0, 4.0], 1.0)
        s = sum_values(w)
    assert d.data == 12.0 and d._prev == ()
    assert s.data == 3.0 and s._prev == ()


# -- detach -------------------------------------------------------------------------


def test_detach_returns_a_new_leaf_with_the_same_data():
    y = Value(2.0) * 3
    d = y.detach()
    assert d is not y
    assert d.data == 6.0 and d._prev == () and d._op == "" and d.grad == 0.0


def test_detach_keeps_the_label():
    y = Value(2.0) * 3
    y.label = "y"
    assert y.detach().label == "y"


def test_gradient_does_not_flow_through_detach():
    x = Value(2.0)
    y = x * x
    z = y.detach() * x  # d z/dx with y treated as a constant: y = 4
    z.backward()
    assert x.grad == 4.0


# -- no reference cycles: reference counting alone frees a graph -------------------


def _live_values(cls):
    return sum(1 for o in gc.get_objects() if type(o) is cls)


def _build_and_drop_graph(value_cls):
    """Count the live Values, build and backprop a graph on a kept leaf, drop its root."""
    gc.collect()
    gc.disable()  # nothing but reference counting may free the graph
    try:
        x = value_cls(0.5)
        before = _live_values(value_cls)
        y = ((x * x + x) * 3).relu() + (x * 2).relu() + x**2  # ops micrograd has too
        y.backward()
        assert _live_values(value_cls) > before  # the graph is really there
        del y
        return _live_values(value_cls) - before
    finally:
        gc.enable()


def test_graph_is_freed_when_its_root_is_dropped_without_the_cycle_collector():
    assert _build_and_drop_graph(Value) == 0


def test_graph_freeing_check_catches_micrograd_style_closures():
    # The check above is real: micrograd's Value keeps `out._backward`, a closure
    # that refers to `out`, so each node is in a reference cycle and survives.
    micrograd = pytest.importorskip("micrograd.engine")
    assert _build_and_drop_graph(micrograd.Value) > 0


def test_dropping_a_graph_leaves_nothing_for_the_cycle_collector():
    gc.collect()
    gc.disable()
    try:
        x = Value(0.5)
        y = (x * x + 1).tanh() * x
        y.backward()
        del y
        assert gc.collect() == 0  # no unreachable cycles were left behind
    finally:
        gc.enable()


def test_value_is_not_weak_referenceable():
    # __slots__ without __weakref__: 8 bytes saved per node.
    import weakref

    with pytest.raises(TypeError):
        weakref.ref(Value(1.0))


def test_backward_walks_through_nodes_of_a_subclass_of_value():
    class MyValue(Value):
        pass

    x = MyValue(3.0)
    inner = MyValue(x.data * x.data, (x, x), "*")  # a hand-built inner node of the subclass
    y = Value(2.0) * inner  # a library op whose second operand is that node
    y.backward()
    assert x.grad == 2.0 * 2 * 3.0  # dy/dx = 2 * 2x


def test_one_no_grad_entered_again_inside_itself_restores_recording():
    ng = no_grad()
    with ng:
        with ng:
            pass
        assert not tinygrad_ann.is_grad_enabled()
    assert tinygrad_ann.is_grad_enabled()


def test_no_grad_decorating_a_non_function_is_a_type_error():
    with pytest.raises(TypeError, match="no_grad decorates a function, got int"):
        no_grad(3)


def test_enable_grad_records_inside_no_grad():
    a = Value(2.0)
    with no_grad():
        with enable_grad():
            y = a * 3
        z = a * 3
    assert (y._op, y._prev) == ("*", (a, y._prev[1])) and z._prev == ()


# -- a failing backward leaves the leaves' grads as they were ---------------------------


def test_backward_that_fails_part_way_gives_the_leaves_their_grads_back():
    a, b = Value(1.0), Value(2.0)
    a.grad = 5.0  # accumulated by an earlier backward()
    bad = custom_op("t_bad_derivative", lambda x: x, lambda x, y: 1 / 0)
    out = a * 3 + bad(b) * a
    with pytest.raises(ZeroDivisionError, match="t_bad_derivative"):
        out.backward()
    assert (a.grad, b.grad) == (5.0, 0.0)


# -- nan, inf and numbers past the float range ------------------------------------------


def test_relu_and_step_of_nan_are_nan_not_a_healthy_zero():
    nan = float("nan")
    x = Value(nan)
    y = x.relu()
    y.backward()
    assert math.isnan(y.data) and x.grad == 1.0  # as torch.relu: the gradient passes
    assert math.isnan(Value(nan).step().data)
    assert Value(float("inf")).relu().data == math.inf and Value(-math.inf).relu().data == 0.0


@pytest.mark.parametrize("op", ["sin", "cos"])
@pytest.mark.parametrize("x", [math.inf, -math.inf])
def test_sin_and_cos_of_infinity_are_nan_as_in_pytorch(op, x):
    v = Value(x)
    y = getattr(v, op)()
    y.backward()
    assert math.isnan(y.data) and math.isnan(v.grad)


def test_results_past_the_float_range_are_inf_as_in_pytorch():
    big = Value(1e200)
    assert (big * big).data == math.inf  # as before
    assert (big**2).data == math.inf and (Value(-1e200) ** 3).data == -math.inf
    assert (Value(-1e200) ** 2).data == math.inf and (Value(0.5) ** -2000).data == math.inf
    assert Value(710.0).exp().data == math.inf and (2 ** Value(1e4)).data == math.inf


@pytest.mark.parametrize(
    "make, x, expected",
    [
        (lambda v: v + 1, math.inf, math.inf), (lambda v: v * -2, math.inf, -math.inf),
        (lambda v: v.tanh(), math.inf, 1.0), (lambda v: v.tanh(), -math.inf, -1.0),
        (lambda v: v.exp(), -math.inf, 0.0), (lambda v: v.sigmoid(), math.inf, 1.0),
        (lambda v: v.relu(), -math.inf, 0.0), (lambda v: v**2, -math.inf, math.inf),
        (lambda v: abs(v), -math.inf, math.inf), (lambda v: v.log(), math.inf, math.inf),
        (lambda v: v + 1, math.nan, math.nan), (lambda v: v.exp(), math.nan, math.nan),
        (lambda v: v.tanh(), math.nan, math.nan), (lambda v: v.sqrt(), math.nan, math.nan),
        (lambda v: v.log(), math.nan, math.nan), (lambda v: v * 0, math.inf, math.nan),
    ],
)
def test_inf_and_nan_pass_through_the_ops(make, x, expected):
    out = make(Value(x)).data
    assert out == expected or (math.isnan(out) and math.isnan(expected))


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: Value(10**400), r"Value: an integer of about 10\^400 is past the float range"),
        (lambda: Value(1.0) + 10**400, r"a number operand: an integer of about 10\^400"),
        (lambda: -(10**400) * Value(1.0), r"a number operand: an integer of about -10\^400"),
        (lambda: Value(2.0) ** 10**400, r"power: the exponent: an integer of about 10\^400"),
    ],
)
def test_an_int_past_the_float_range_is_an_overflow_error_naming_where(make, message):
    with pytest.raises(OverflowError, match=message):
        make()


def test_a_hand_set_backward_is_used_even_for_an_op_defined_later_under_its_name():
    x = Value(2.0)
    out = Value(8.0, (x,), "t_cube_later")

    def _backward():
        x.grad += 12.0 * out.grad

    out._backward = _backward
    custom_op("t_cube_later", lambda v: v**3, lambda v, y: 0.0)  # another derivative, ignored here
    out.backward()
    assert x.grad == 12.0


def test_hand_set_nodes_keep_their_ops_name_as_a_plain_string():
    x = Value(0.5)
    out = Value(math.exp(0.5), (x,), "exp")
    out._backward = lambda: None
    assert out._op.__class__ is str and out._op in OPS  # drawings still know it as exp


def test_a_custom_ops_error_with_fields_of_its_own_is_raised_unchanged():
    class CodeError(Exception):
        def __init__(self, code):
            super().__init__(code)
            self.code = code

    def forward(x):
        raise CodeError(42)

    op = custom_op("t_code_error", forward, lambda x, y: 1.0)
    with pytest.raises(CodeError) as caught:
        op(Value(1.0))
    assert caught.value.code == 42


def test_a_custom_ops_os_error_keeps_its_errno():
    def forward(x):
        raise FileNotFoundError(2, "No such file", "weights.txt")

    op = custom_op("t_os_error", forward, lambda x, y: 1.0)
    with pytest.raises(FileNotFoundError) as caught:
        op(Value(1.0))
    assert (caught.value.errno, caught.value.filename) == (2, "weights.txt")


# -- grad mode is per thread ---------------------------------------------------------


def test_no_grad_in_one_thread_leaves_another_thread_recording():
    import threading

    inside, done = threading.Event(), threading.Event()
    seen = {}

    def evaluate():
        with no_grad():
            inside.set()
            done.wait(5)
            seen["other"] = (Value(2.0) * 3)._op

    t = threading.Thread(target=evaluate)
    t.start()
    inside.wait(5)
    seen["main"] = (Value(2.0) * 3)._op  # while the other thread is inside no_grad()
    assert tinygrad_ann.is_grad_enabled()
    done.set()
    t.join(5)
    assert seen == {"main": "*", "other": ""}


def test_overlapping_no_grads_in_two_threads_leave_recording_on_for_good():
    import threading

    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()

    def first():
        with no_grad():
            first_in.set()
            second_in.wait(5)
        first_out.set()

    def second():
        first_in.wait(5)
        with no_grad():
            second_in.set()
            first_out.wait(5)  # the first leaves its block while this one is inside

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(5)
    assert tinygrad_ann.is_grad_enabled() and (Value(1.0) + 1)._op == "+"


# -- what the engine offers the drawings, the exercises and the layers ----------------


@pytest.mark.parametrize("name", sorted(n for n, op in OPS.items() if op.derivative is None))
def test_local_gradients_are_what_backward_adds_along_each_edge(name):
    from helpers import apply_op

    from tinygrad_ann.engine import local_gradients

    arity = OPS[name].arity or 3
    xs = [0.7, 1.3, 0.4][:arity] if name != "dot" else [0.7, 1.3, -0.4, 2.0, 0.5]
    leaves = [Value(x) for x in xs]
    out = apply_op(name, *leaves)
    out.grad = 2.5
    amounts = local_gradients(out)
    assert [v.grad for v in leaves] == [0.0] * len(leaves)  # nothing was changed
    out._backward()
    assert amounts == [v.grad for v in leaves]


def test_local_gradients_of_a_plus_a_has_one_amount_per_edge():
    from tinygrad_ann.engine import local_gradients

    a = Value(3.0)
    y = a * a
    y.grad = 1.0
    assert local_gradients(y) == [3.0, 3.0]


def test_local_gradients_of_a_leaf_and_of_a_hand_set_backward():
    from tinygrad_ann.engine import local_gradients

    x = Value(2.0)
    assert local_gradients(x) == []
    assert local_gradients(lecture_cube(x)) is None  # only running it would tell


def test_op_constant_is_kept_beside_the_operands():
    from tinygrad_ann.engine import op_constant

    x, e = Value(3.0), Value(2.0)
    square, slope = x**2, x.leaky_relu(0.1)
    assert (square._prev, op_constant(square)) == ((x,), 2.0)
    assert (slope._prev, op_constant(slope)) == ((x,), 0.1)
    assert op_constant(x**e) is None and (x**e)._prev == (x, e)  # an exponent that is a Value is an operand


def test_dot_parts_gives_weights_inputs_and_bias():
    from tinygrad_ann.engine import dot_parts

    w, x, b = [Value(1.0), Value(2.0)], [Value(3.0), Value(4.0)], Value(5.0)
    assert dot_parts(dot(w, x, b)) == (w, x, b)
    assert dot_parts(dot(w, x)) == (w, x, None)
    with pytest.raises(ValueError, match="dot_parts: takes a node made by dot, got one made by '\\+'"):
        dot_parts(w[0] + x[0])


def test_weighted_sum_adds_up_from_the_bias_as_micrograds_neuron():
    from tinygrad_ann.engine import weighted_sum

    w, x, b = [Value(0.1), Value(0.2)], [Value(0.3), Value(0.6)], Value(1e16)
    y = weighted_sum(w, x, b)
    assert y.data == (1e16 + 0.1 * 0.3) + 0.2 * 0.6  # b first, then each product in turn
    assert y._op == "dot" and y._prev == (w[0], x[0], w[1], x[1], b)


def test_as_value_names_where_a_wrong_operand_was_given():
    from tinygrad_ann.engine import as_value

    x = Value(1.0)
    assert as_value(x) is x and as_value(3).data == 3.0
    with pytest.raises(TypeError, match="sum_values takes Values or numbers, got str: 'a'"):
        as_value("a", "sum_values")


def test_the_engine_file_a_student_opens_starts_with_value_and_a_short_backward():
    import inspect

    from tinygrad_ann.engine import value

    lines = inspect.getsource(value).splitlines()
    assert lines.index("class Value:") < 60
    body = inspect.getsource(Value.backward).split('"""')[-1].strip().splitlines()
    assert len(body) <= 20, body


def test_local_gradients_inside_no_grad():
    from tinygrad_ann.engine import local_gradients

    a, b = Value(2.0), Value(3.0)
    c = a * b
    c.grad = 1.0
    with no_grad():
        assert local_gradients(c) == [3.0, 2.0]
