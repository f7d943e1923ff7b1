"""The classroom checkers: right answers pass, blanks say 'not done yet', mistakes get a hint."""

import json
import math

import pytest

from tinygrad_ann import MLP, custom_op
from tinygrad_ann.exercises import EXERCISES, check, make_student_version, strip_solutions


def blank(*args):
    raise NotImplementedError()


# -- reference solutions (what the solution notebooks contain) --------------------


def tanh_backward(out):
    x = out._prev[0]
    x.grad += (1 - out.data**2) * out.grad


def sigmoid_backward(out):
    x = out._prev[0]
    x.grad += out.data * (1 - out.data) * out.grad


def mul_backward(out):
    a, b = out._prev
    a.grad += b.data * out.grad
    b.grad += a.data * out.grad


def pow_backward(out):
    a, n = out._prev
    a.grad += n.data * a.data ** (n.data - 1) * out.grad


def topological_sort(root):
    order, visited = [], set()

    def visit(v):
        if v not in visited:
            visited.add(v)
            for child in v._prev:
                visit(child)
            order.append(v)

    visit(root)
    return order


def neuron_forward(w, x, b):
    act = b
    for wi, xi in zip(w, x):
        act = act + wi * xi
    return act.tanh()


def sgd_step(params, lr):
    for p in params:
        p.data -= lr * p.grad


def mse(preds, targets):
    return sum((p - t) ** 2 for p, t in zip(preds, targets)) / len(preds)


def trained_moons_model():
    from tinygrad_ann.datasets import make_moons
    from tinygrad_ann.train import fit

    X, y = make_moons(n_samples=100, noise=0.1, seed=0)
    model = MLP(2, [16, 16, 1], rng=0)
    fit(model, X, [2 * v - 1 for v in y], loss="hinge", lr=0.1, epochs=100, l2=1e-4, progress=False)
    return model


SOLUTIONS = {
    "chain_rule": {"a": 6.0, "b": -4.0, "c": -2.0, "d": -2.0, "e": -2.0, "f": 4.0},
    "tanh_backward": tanh_backward,
    "sigmoid_backward": sigmoid_backward,
    "mul_backward": mul_backward,
    "pow_backward": pow_backward,
    "topological_sort": topological_sort,
    "neuron_forward": neuron_forward,
    "sgd_step": sgd_step,
    "mse": mse,
    "custom_op": custom_op("swish_test", lambda x: x / (1 + math.exp(-x)),
                           lambda x, y: (1 / (1 + math.exp(-x))) * (1 + x - y)),
}


def test_every_exercise_has_a_reference_solution_here():
    assert set(EXERCISES) == set(SOLUTIONS) | {"train_moons"}


@pytest.mark.parametrize("name", sorted(SOLUTIONS))
def test_reference_solution_passes(name):
    result = check(name, SOLUTIONS[name])
    assert result.passed, result.message
    assert result.message.startswith(f"✅ {name}: passed")


def test_trained_model_passes_train_moons():
    result = check("train_moons", trained_moons_model())
    assert result.passed, result.message


@pytest.mark.parametrize("name", sorted(n for n in EXERCISES if n not in ("chain_rule", "train_moons", "custom_op")))
def test_untouched_blank_says_not_done_yet(name):
    result = check(name, blank)
    assert not result.passed
    assert result.message.startswith(f"⏳ {name}: not done yet")
    assert "Traceback" not in result.message


@pytest.mark.parametrize("name, answer", [("chain_rule", {}), ("chain_rule", None), ("train_moons", None), ("custom_op", None)])
def test_empty_answers_say_not_done_yet(name, answer):
    assert check(name, answer).message.startswith(f"⏳ {name}: not done yet")


def test_answers_given_as_functions_are_called():
    assert check("chain_rule", lambda: SOLUTIONS["chain_rule"]).passed
    assert check("chain_rule", blank).message.startswith("⏳ chain_rule: not done yet")
    assert check("train_moons", blank).message.startswith("⏳ train_moons: not done yet")
    assert "return model" in check("train_moons", lambda: None).message


def test_custom_op_whose_forward_is_blank_says_not_done_yet():
    op = custom_op("blank_op_test", blank, lambda x, y: 1.0)
    assert check("custom_op", op).message.startswith("⏳ custom_op: not done yet")


# -- mistakes get specific, friendly feedback ------------------------------------------


def test_wrong_chain_rule_entry_names_it_with_expected_and_a_hint():
    answer = dict(SOLUTIONS["chain_rule"], a=-6.0)
    msg = check("chain_rule", answer).message
    assert msg.startswith("❌ chain_rule: dL/da: you gave -6.0, but it is 6")
    assert "Hint" in msg


def test_assigning_instead_of_accumulating_is_called_out():
    def tanh_assign(out):
        x = out._prev[0]
        x.grad = (1 - out.data**2) * out.grad

    msg = check("tanh_backward", tanh_assign).message
    assert "+=" in msg and "overwritten" in msg


def test_forgetting_the_chain_rule_factor_gives_expected_vs_got():
    def tanh_no_chain(out):
        out._prev[0].grad += 1 - out.data**2

    msg = check("tanh_backward", tanh_no_chain).message
    assert msg.startswith("❌ tanh_backward: at input (0) with out.grad = 1.7")
    assert "should grow by" in msg and "Hint" in msg


def test_returning_the_derivative_instead_of_pushing_it_is_explained():
    def tanh_returns(out):
        return 1 - out.data**2

    assert "returns nothing" in check("tanh_backward", tanh_returns).message


def test_mul_backward_that_breaks_a_times_a_is_caught():
    def mul_overwrites_second(out):
        a, b = out._prev
        a.grad += b.data * out.grad
        b.grad = a.data * out.grad + 0.5  # passes on distinct operands, breaks a * a

    assert not check("mul_backward", mul_overwrites_second).passed


def test_swapped_mul_derivatives_fail():
    def swapped(out):
        a, b = out._prev
        a.grad += a.data * out.grad
        b.grad += b.data * out.grad

    assert not check("mul_backward", swapped).passed


def test_pow_backward_wrong_exponent_fails():
    def wrong(out):
        a, n = out._prev
        a.grad += n.data * a.data**n.data * out.grad

    msg = check("pow_backward", wrong).message
    assert msg.startswith("❌ pow_backward") and "n * a^(n-1)" in msg


def test_topological_sort_with_parents_first_fails():
    def reversed_sort(root):
        return list(reversed(topological_sort(root)))

    msg = check("topological_sort", reversed_sort).message
    assert "comes before its operand" in msg


def test_topological_sort_with_duplicates_fails():
    def no_visited(root):
        order = []

        def visit(v):
            for c in v._prev:
                visit(c)
            order.append(v)

        visit(root)
        return order

    assert "more than once" in check("topological_sort", no_visited).message


def test_topological_sort_returning_none_is_explained():
    assert "returned None" in check("topological_sort", lambda root: None).message


def test_neuron_forward_without_tanh_is_named():
    def no_tanh(w, x, b):
        return sum((wi * xi for wi, xi in zip(w, x)), b)

    assert "left out tanh" in check("neuron_forward", no_tanh).message


def test_neuron_forward_on_plain_numbers_is_explained():
    def floats(w, x, b):
        return math.tanh(sum(wi.data * xi for wi, xi in zip(w, x)) + b.data)

    assert "not a Value" in check("neuron_forward", floats).message


def test_sgd_step_uphill_is_named():
    def uphill(params, lr):
        for p in params:
            p.data += lr * p.grad

    assert "uphill" in check("sgd_step", uphill).message


def test_mse_sum_instead_of_mean_is_named():
    def summed(preds, targets):
        return sum((p - t) ** 2 for p, t in zip(preds, targets))

    assert "divide by the number of samples" in check("mse", summed).message


def test_a_crash_in_student_code_is_one_line_not_a_traceback():
    def crashes(out):
        return out._prev[5]

    msg = check("tanh_backward", crashes).message
    assert msg.startswith("❌ tanh_backward: your function raised IndexError")
    assert "Traceback" not in msg and "\n" not in msg


def test_wrong_custom_op_derivative_fails_with_numbers():
    bad = custom_op("bad_cube_test", lambda x: x**3, lambda x, y: 2 * x)
    msg = check("custom_op", bad).message
    assert msg.startswith("❌ custom_op: the derivative disagrees") and "analytic" in msg


def test_an_untrained_model_fails_train_moons_with_a_hint():
    msg = check("train_moons", MLP(2, [4, 1], rng=0)).message
    assert msg.startswith("❌ train_moons") and "Hint" in msg


def test_unknown_exercise_is_a_value_error_listing_them():
    with pytest.raises(ValueError, match="tanh_backward"):
        check("tanh_backwards", tanh_backward)


def test_result_is_truthy_only_when_passed_and_renders_html():
    ok = check("mse", mse)
    bad = check("mse", blank)
    assert ok and not bad
    assert "✅" in ok._repr_html_() and "⏳" in bad._repr_html_()


# -- student versions for teachers -----------------------------------------------------


def test_strip_solutions_replaces_each_region_keeping_indentation():
    code = "x = 1\ndef f():\n    ### BEGIN SOLUTION\n    return 2\n    ### END SOLUTION\n### BEGIN SOLUTION\ny = 3\n### END SOLUTION\n"
    assert strip_solutions(code) == (
        "x = 1\ndef f():\n    raise NotImplementedError()  # your code here\n"
        "raise NotImplementedError()  # your code here\n"
    )


@pytest.mark.parametrize("code", ["### BEGIN SOLUTION\nx = 1\n", "x\n### END SOLUTION\n",
                                  "### BEGIN SOLUTION\n### BEGIN SOLUTION\n"])
def test_unbalanced_solution_markers_are_errors(code):
    with pytest.raises(ValueError, match="strip_solutions"):
        strip_solutions(code)


def test_make_student_version_strips_regions_and_outputs(tmp_path):
    nb = {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["# Exercise\n"]},
            {"cell_type": "code", "metadata": {}, "execution_count": 3,
             "outputs": [{"output_type": "stream", "name": "stdout", "text": ["secret\n"]}],
             "source": ["def f(x):\n", "    ### BEGIN SOLUTION\n", "    return 42\n", "    ### END SOLUTION\n"]},
        ],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
    }
    src, dst = tmp_path / "sol.ipynb", tmp_path / "student.ipynb"
    src.write_text(json.dumps(nb))
    assert make_student_version(src, dst) == 1
    out = json.loads(dst.read_text())
    code = "".join(out["cells"][1]["source"])
    assert "42" not in code and "NotImplementedError" in code
    assert out["cells"][1]["outputs"] == [] and out["cells"][1]["execution_count"] is None
    assert out["cells"][0] == nb["cells"][0]
