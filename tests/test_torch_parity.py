"""Values and gradients agree with PyTorch (float64): every op, its edges, composite expressions.

PyTorch is not a dependency of tinygrad_ann: these tests are skipped when it is
not installed. Every built-in op of the catalogue `OPS` must have a PyTorch
counterpart in TORCH_OPS and hand-picked points in POINTS (a test checks this),
so a new op cannot go without a parity check.
"""

import math
import operator

import pytest

torch = pytest.importorskip("torch")

from hypothesis import assume, given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from helpers import BUILT_IN_OPS, HOW_TO_APPLY, split_dot  # noqa: E402

from tinygrad_ann import OPS, Value, dot, sum_values  # noqa: E402

F = torch.nn.functional


def _torch_dot(*operands):
    ws, xs, b = split_dot(operands)
    if not ws:  # dot([], [], b) is b
        return b + 0
    out = torch.dot(torch.stack(ws), torch.stack(xs))
    return out if b is None else out + b



TORCH_OPS = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "**": torch.pow,
    "neg": torch.neg,
    "abs": torch.abs,
    "exp": torch.exp,
    "log": torch.log,
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
    "relu": torch.relu,
    "leaky_relu": lambda x: F.leaky_relu(x, 0.01),
    "softplus": F.softplus,
    "gelu": F.gelu,
    # PyTorch has no differentiable step; (x > 0) carries no gradient, so the
    # slope is 0 everywhere, as it should be. `+ 0 * x` keeps x in the graph.
    "step": lambda x: (x > 0).to(x.dtype) + 0 * x,
    "sin": torch.sin,
    "cos": torch.cos,
    "sqrt": torch.sqrt,
    "dot": _torch_dot,
    "sum": lambda *vs: torch.stack(vs).sum(),
    # (torch.max splits a tie's gradient; max pooling, which max_values is, gives it to the first)
    "max": lambda *vs: F.max_pool1d(torch.stack(vs).view(1, 1, -1), len(vs)).view(()),
    "nll_softmax": lambda *vs: F.cross_entropy(torch.stack(vs).view(1, -1), torch.tensor([0])),
}

# Hand-picked operands for every op, with the edges: kinks at 0, log and sqrt
# near and at 0, pow at 0 and with a negative base, large inputs.
POINTS = {
    "+": [(2.0, 3.0), (-1.5, 0.25)],
    "-": [(2.0, 3.0), (-1.5, 0.25)],
    "*": [(2.0, -3.0), (0.0, 5.0)],
    "/": [(6.0, 4.0), (-1.0, 3.0), (1.0, 1e-200)],
    "**": [
        (2.0, 3.0), (4.0, 0.5), (0.5, -2.0), (3.0, 0.0), (0.0, 2.0), (0.0, 1.0), (0.0, 0.5),
        (0.0, 0.0), (-2.0, 3.0), (-2.0, 2.0), (1e-200, -1.0), (-1e-120, -2.0),
    ],
    "neg": [(2.0,), (0.0,)],
    "abs": [(-3.0,), (0.0,), (2.0,)],
    "exp": [(0.0,), (1.0,), (-1000.0,), (709.0,)],
    "log": [(1.0,), (math.e,), (1e-300,), (1e300,)],
    "tanh": [(0.0,), (0.5,), (20.0,), (1000.0,), (-1000.0,)],
    "sigmoid": [(0.0,), (math.log(3),), (40.0,), (-40.0,), (1000.0,), (-1000.0,)],
    "relu": [(2.0,), (-2.0,), (0.0,)],
    "leaky_relu": [(3.0,), (-2.0,), (0.0,)],
    "softplus": [(0.0,), (math.log(3),), (15.0,), (-40.0,), (1000.0,), (-1000.0,)],
    "gelu": [(0.0,), (1.0,), (-1.0,), (-0.7,), (6.0,), (-40.0,), (1000.0,), (-1000.0,)],
    "step": [(2.0,), (-2.0,), (0.0,)],
    "sin": [(0.0,), (1.0,), (math.pi,), (100.0,)],
    "cos": [(0.0,), (1.0,), (math.pi,), (100.0,)],
    "sqrt": [(4.0,), (2.0,), (0.0,), (1e-300,)],
    "dot": [(2.0, 3.0, -1.0, 4.0), (2.0, 3.0, -1.0, 4.0, 0.5), (1.5,)],
    "sum": [(1.0,), (1.0, 2.0, 3.0), (0.1, -0.2, 0.3, 1e10)],
    "max": [(1.0,), (1.0, 3.0, 2.0), (-5.0, -1.0), (0.1, 1e10, -1e10)],
    "nll_softmax": [(1.0,), (2.0, 0.0, -1.0), (-1000.0, 1000.0), (0.5, 0.5, 0.5)],
}  # fmt: skip


def ours(name, xs):
    """Value and gradients of op `name` at `xs` in tinygrad_ann."""
    leaves = [Value(x) for x in xs]
    out = HOW_TO_APPLY[name](*leaves) if name in HOW_TO_APPLY else getattr(leaves[0], name)()
    out.backward()
    return out.data, [v.grad for v in leaves]


def theirs(name, xs):
    """Value and gradients of op `name` at `xs` in PyTorch (float64)."""
    leaves = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in xs]
    out = TORCH_OPS[name](*leaves)
    out.backward()
    return out.item(), [0.0 if v.grad is None else v.grad.item() for v in leaves]


def same(a, b, rel=1e-12, abs=1e-300):
    """Equal to within rel (or abs), counting nan == nan and inf == inf."""
    return a == pytest.approx(b, rel=rel, abs=abs, nan_ok=True)


def test_every_op_in_the_catalogue_has_a_torch_counterpart():
    missing = [name for name in BUILT_IN_OPS if name not in TORCH_OPS or name not in POINTS]
    assert not missing, f"add these ops to TORCH_OPS and POINTS: {missing}"


@pytest.mark.parametrize("name, xs", [(name, xs) for name in sorted(POINTS) for xs in POINTS[name]])
def test_op_value_and_gradient_match_torch_at_hand_picked_points(name, xs):
    value, grads = ours(name, xs)
    t_value, t_grads = theirs(name, xs)
    assert same(value, t_value), f"{name}{xs}: value {value!r}, torch {t_value!r}"
    for i, (g, tg) in enumerate(zip(grads, t_grads)):
        assert same(g, tg), f"{name}{xs}: d/d operand {i} {g!r}, torch {tg!r}"


finite = st.floats(min_value=-20.0, max_value=20.0, allow_nan=False, allow_infinity=False)
positive = st.floats(min_value=1e-3, max_value=20.0)


@pytest.mark.parametrize("name", BUILT_IN_OPS)
@given(data=st.data())
def test_op_value_and_gradient_match_torch_at_random_points(name, data):
    n = OPS[name].arity or data.draw(st.integers(1, 6))
    element = finite if OPS[name].domain is None else st.one_of(finite, positive)
    xs = data.draw(st.lists(element, min_size=n, max_size=n), label="operands")
    xs = [x + 0.0 for x in xs]  # -0.0 becomes 0.0: see the sqrt test below
    try:
        value, grads = ours(name, xs)
    except (ValueError, ArithmeticError):  # outside the domain: PyTorch gives nan or inf
        assume(False)
    t_value, t_grads = theirs(name, xs)
    # rel 1e-9: PyTorch's softplus is x itself past x = 20 (see below), and it
    # sums in its own order. abs 1e-15: a slope computed from the output, such
    # as tanh's 1 - t^2, cancels to within a few units of 1e-16 in both.
    assert same(value, t_value, rel=1e-9, abs=1e-15), f"value {value!r}, torch {t_value!r}"
    for i, (g, tg) in enumerate(zip(grads, t_grads)):
        assert same(g, tg, rel=1e-9, abs=1e-15), f"d/d operand {i}: {g!r}, torch {tg!r}"


@pytest.mark.parametrize("x", [20.5, 25.0, 40.0])
def test_softplus_past_torchs_threshold_differs_by_less_than_e_to_the_minus_20(x):
    # PyTorch's softplus switches to x itself (slope 1) past x = 20; ours stays
    # ln(1 + e^x) with slope sigmoid(x), which differ from x and 1 by about e^-x.
    value, (slope,) = ours("softplus", (x,))
    t_value, (t_slope,) = theirs("softplus", (x,))
    assert (t_value, t_slope) == (x, 1.0)
    assert value == pytest.approx(x + math.exp(-x), rel=1e-15)
    assert slope == pytest.approx(1 - math.exp(-x), rel=1e-15)


def test_sqrt_slope_at_negative_zero_is_plus_infinity_where_torch_follows_the_sign():
    # -0.0 is 0: sqrt's slope there is +inf. PyTorch computes 1 / (2 sqrt(-0.0))
    # = 1 / -0.0 = -inf.
    assert ours("sqrt", (-0.0,)) == (-0.0, [math.inf])
    assert theirs("sqrt", (-0.0,))[1] == [-math.inf]


@given(x=finite, slope=st.floats(0.0, 1.0))
def test_leaky_relu_with_any_slope_matches_torch(x, slope):
    v = Value(x)
    y = v.leaky_relu(slope)
    y.backward()
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    ty = F.leaky_relu(t, slope)
    ty.backward()
    assert same(y.data, ty.item()) and same(v.grad, t.grad.item())


# -- composite expressions ---------------------------------------------------------


class OnValues:
    """The few functions the expressions below need, on Values."""

    dot = staticmethod(dot)
    sum = staticmethod(sum_values)

    @staticmethod
    def softplus(x):
        return x.softplus()

    @staticmethod
    def leaky_relu(x, slope):
        return x.leaky_relu(slope)


class OnTensors:
    """The same functions on float64 tensors."""

    @staticmethod
    def dot(ws, xs, b):
        return torch.dot(torch.stack(ws), torch.stack(xs)) + b

    @staticmethod
    def sum(vs):
        return torch.stack(list(vs)).sum()

    softplus = staticmethod(F.softplus)
    leaky_relu = staticmethod(F.leaky_relu)


def micrograd_sanity_check(lib, x):
    # micrograd's own test_sanity_check
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    return h + q + q * x


def micrograd_more_ops(lib, a, b):
    # micrograd's own test_more_ops
    c = a + b
    d = a * b + b**3
    c = c + c + 1
    c = c + 1 + c + (-a)
    d = d + d * 2 + (b + a).relu()
    d = d + 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g = g + 10.0 / f
    return g


def neuron(lib, w1, w2, w3, x1, x2, x3, b):
    return lib.dot([w1, w2, w3], [x1, x2, x3], b).tanh()


def two_layer_net(lib, w1, w2, w3, w4, x1, x2):
    h1 = lib.softplus(w1 * x1 + w2 * x2)
    h2 = lib.leaky_relu(w3 * x1 - w4 * x2, 0.1)
    out = (h1 * w3 + h2 * w4).sigmoid()
    return -(out.log() + (1 - out).log())  # a binary cross-entropy-like loss


def shared_diamonds(lib, x, y):
    u = x * y
    v = u.sin() + u.cos() * x
    w = (v * v + 1).sqrt() / (abs(u) + 1)
    return lib.sum([w, u.exp() * v, x**y, (u - v) ** 2])


def power_tower(lib, a, b):
    return (a**b) ** (b / a) + 2**a - a ** (-1.5)


COMPOSITES = [
    (micrograd_sanity_check, (-4.0,)),
    (micrograd_more_ops, (-4.0, 2.0)),
    (neuron, (0.5, -1.0, 0.25, 1.0, 2.0, -3.0, 0.1)),
    (two_layer_net, (0.3, -0.7, 1.2, 0.5, 1.5, -2.0)),
    (two_layer_net, (-0.3, 0.7, -1.2, 0.5, -1.5, 2.0)),
    (shared_diamonds, (0.7, 1.3)),
    (shared_diamonds, (1.1, -0.4)),
    (power_tower, (1.7, 0.6)),
]


@pytest.mark.parametrize("f, xs", COMPOSITES, ids=lambda p: getattr(p, "__name__", None))
def test_composite_expression_matches_torch(f, xs):
    leaves = [Value(x) for x in xs]
    out = f(OnValues, *leaves)
    out.backward()
    tensors = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in xs]
    t_out = f(OnTensors, *tensors)
    t_out.backward()
    assert out.data == pytest.approx(t_out.item(), rel=1e-12)
    assert [v.grad for v in leaves] == pytest.approx([t.grad.item() for t in tensors], rel=1e-10)


def test_backward_twice_accumulates_like_torch():
    # leaves accumulate across calls in both; PyTorch needs retain_graph to go twice
    x = Value(0.8)
    y = (x * x).tanh() * x
    y.backward()
    y.backward()
    t = torch.tensor(0.8, dtype=torch.float64, requires_grad=True)
    ty = (t * t).tanh() * t
    ty.backward(retain_graph=True)
    ty.backward()
    assert x.grad == pytest.approx(t.grad.item(), rel=1e-15)


@pytest.mark.parametrize("name", [n for n in BUILT_IN_OPS if OPS[n].arity == 1])
@pytest.mark.parametrize("x", [math.inf, -math.inf, math.nan, 1e300, -1e300])
def test_one_input_ops_at_inf_nan_and_huge_numbers_give_what_torch_gives(name, x):
    try:
        ours = HOW_TO_APPLY[name](Value(x)) if name in HOW_TO_APPLY else getattr(Value(x), name)()
    except (ValueError, ZeroDivisionError):  # the library's chosen errors (log of -inf, ...)
        pytest.skip(f"{name}({x}) is an error here, by choice")
    t = torch.tensor(x, dtype=torch.float64)
    theirs = {"neg": torch.neg, "abs": torch.abs, "leaky_relu": F.leaky_relu, "softplus": F.softplus,
              "gelu": F.gelu,
              "step": lambda v: (v > 0).double() if not torch.isnan(v) else v}.get(
        name, lambda v: getattr(torch, name)(v))(t).item()
    assert ours.data == theirs or (math.isnan(ours.data) and math.isnan(theirs)), (name, x, ours.data, theirs)
