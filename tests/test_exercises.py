"""The classroom checkers: right answers pass, blanks say 'not done yet', mistakes get a hint."""

import contextlib
import importlib
import json
import math
import pkgutil
import signal
import subprocess
import sys
import threading
import time
import traceback

import pytest

import tinygrad_ann.exercises as exercises
import tinygrad_ann.exercises.sandbox as sandbox
import tinygrad_ann.exercises.time_limit as time_limit
from tinygrad_ann import MLP, Value, custom_op
from tinygrad_ann.exercises import (
    EXERCISES,
    NotDone,
    Wrong,
    call_answer,
    check,
    exercise,
    make_student_version,
    strip_solutions,
)

BUILT_IN = {
    "chain_rule", "tanh_backward", "sigmoid_backward", "mul_backward", "pow_backward",
    "topological_sort", "neuron_forward", "sgd_step", "mse", "train_moons", "custom_op",
}

needs_timer = pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="no signal.setitimer here")


def blank(*args):
    raise NotImplementedError()


@pytest.fixture
def own_exercises():
    """Forget the exercises a test registers."""
    before = dict(EXERCISES)
    yield
    EXERCISES.clear()
    EXERCISES.update(before)


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


def pow_backward(out, n):
    a = out._prev[0]
    a.grad += n * a.data ** (n - 1) * out.grad


def topological_sort(root):
    order, visited, stack = [], set(), [(root, False)]
    while stack:
        node, operands_done = stack.pop()
        if operands_done:
            order.append(node)
        elif node not in visited:
            visited.add(node)
            stack.append((node, True))
            stack.extend((child, False) for child in node._prev)
    return order


def recursive_topological_sort(root):  # the micrograd lecture's build_topo
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


def swish_op():
    return custom_op("swish_test", lambda x: x / (1 + math.exp(-x)),
                     lambda x, y: (1 / (1 + math.exp(-x))) * (1 + x - y))


# Worked out by hand for x = 3, y = -1, z = 4; s = x + y; t = s * z; L = t * x:
# s = 2, t = 8; dL/dt = x = 3, dL/ds = 3 * 4 = 12, dL/dz = 3 * 2 = 6, dL/dy = 12,
# dL/dx = t + dL/ds = 8 + 12 = 20.
CHAIN_ANSWER = {"x": 20.0, "y": 12.0, "z": 6.0, "s": 12.0, "t": 3.0}

SOLUTIONS = {
    "chain_rule": lambda: CHAIN_ANSWER,
    "tanh_backward": lambda: tanh_backward,
    "sigmoid_backward": lambda: sigmoid_backward,
    "mul_backward": lambda: mul_backward,
    "pow_backward": lambda: pow_backward,
    "topological_sort": lambda: topological_sort,
    "neuron_forward": lambda: neuron_forward,
    "sgd_step": lambda: sgd_step,
    "mse": lambda: mse,
    "custom_op": swish_op,
}


def test_every_built_in_exercise_is_registered_and_has_a_reference_solution_here():
    assert BUILT_IN <= set(EXERCISES)
    assert set(SOLUTIONS) | {"train_moons"} == BUILT_IN


@pytest.mark.parametrize("name", sorted(SOLUTIONS))
def test_reference_solution_passes(name, restore_op_catalogue):
    result = check(name, SOLUTIONS[name]())
    assert result.passed, result.message
    assert result.message.startswith(f"✅ {name}: passed")


def test_trained_model_passes_train_moons():
    result = check("train_moons", trained_moons_model())
    assert result.passed, result.message


@pytest.mark.parametrize("name", sorted(BUILT_IN - {"chain_rule", "train_moons", "custom_op"}))
def test_untouched_blank_says_not_done_yet(name):
    result = check(name, blank)
    assert not result.passed
    assert result.message.startswith(f"⏳ {name}: not done yet")
    assert "Traceback" not in result.message


@pytest.mark.parametrize("name, answer", [("chain_rule", {}), ("chain_rule", None), ("train_moons", None), ("custom_op", None)])
def test_empty_answers_say_not_done_yet(name, answer):
    assert check(name, answer).message.startswith(f"⏳ {name}: not done yet")


def test_answers_given_as_functions_are_called():
    assert check("chain_rule", lambda: CHAIN_ANSWER).passed
    assert check("chain_rule", blank).message.startswith("⏳ chain_rule: not done yet")
    assert check("train_moons", blank).message.startswith("⏳ train_moons: not done yet")
    assert "return model" in check("train_moons", lambda: None).message


def test_custom_op_whose_forward_is_blank_says_not_done_yet(restore_op_catalogue):
    op = custom_op("blank_op_test", blank, lambda x, y: 1.0)
    assert check("custom_op", op).message.startswith("⏳ custom_op: not done yet")


def test_a_not_implemented_error_raised_inside_the_library_is_not_a_blank():
    def hand_built(out):  # a node of an op with no rule: the engine raises NotImplementedError
        x = out._prev[0]
        Value(1.0, (x,), "no_such_op_test")._backward()

    msg = check("tanh_backward", hand_built).message
    assert msg.startswith("❌ tanh_backward: your function raised NotImplementedError")
    assert "no backward rule" in msg


# -- 1. a grad that stops being a number -------------------------------------------------


def tanh_grad_value(out):
    x = out._prev[0]
    x.grad += (1 - out**2) * out.grad


def mul_grad_value(out):
    a, b = out._prev
    a.grad += b * out.grad
    b.grad += a * out.grad


def pow_grad_value(out, n):
    a = out._prev[0]
    a.grad += n * a ** (n - 1) * out.grad


@pytest.mark.parametrize("name, answer, operand, use", [
    ("tanh_backward", tanh_grad_value, "x", "out.data"),
    ("mul_backward", mul_grad_value, "a", "b.data"),
    ("pow_backward", pow_grad_value, "a", "a.data"),
])
def test_a_grad_that_becomes_a_value_is_named_with_a_hint(name, answer, operand, use):
    msg = check(name, answer).message
    assert msg.startswith(f"❌ {name}: {operand}.grad became a Value")
    assert use in msg
    assert "format" not in msg and "Traceback" not in msg


def test_a_grad_that_becomes_a_string_is_named():
    def as_text(out):
        out._prev[0].grad = "x"

    msg = check("sigmoid_backward", as_text).message
    assert msg.startswith("❌ sigmoid_backward: x.grad became str 'x'")
    assert "must stay a number" in msg


# -- 2. solution regions, as nbgrader marks them -----------------------------------------


def test_strip_solutions_replaces_each_region_keeping_indentation():
    code = "x = 1\ndef f():\n    ### BEGIN SOLUTION\n    return 2\n    ### END SOLUTION\n### BEGIN SOLUTION\ny = 3\n### END SOLUTION\n"
    assert strip_solutions(code) == (
        "x = 1\ndef f():\n    # YOUR CODE HERE\n    raise NotImplementedError()\n"
        "# YOUR CODE HERE\nraise NotImplementedError()\n"
    )


@pytest.mark.parametrize("begin, end", [
    ("# BEGIN SOLUTION", "# END SOLUTION"),
    ("### BEGIN SOLUTION ###", "### END SOLUTION ###"),
    ("#BEGIN SOLUTION", "#END SOLUTION"),
    ("## begin solution", "## end solution"),
    ("### BEGIN SOLUTION  (worked answer)", "### END SOLUTION"),
])
def test_any_line_holding_the_marker_words_is_a_marker(begin, end):
    code = f"def f():\n    {begin}\n    return 'SECRET'\n    {end}\n"
    stripped = strip_solutions(code)
    assert "SECRET" not in stripped and "SOLUTION" not in stripped.upper()
    assert "raise NotImplementedError()" in stripped


def test_strip_solutions_in_markdown_says_your_answer_here():
    text = "Why does += matter?\n\n### BEGIN SOLUTION\nBecause of SECRET.\n### END SOLUTION\n"
    assert strip_solutions(text, markdown=True) == "Why does += matter?\n\nYOUR ANSWER HERE\n"


@pytest.mark.parametrize("code, says", [
    ("### BEGIN SOLUTION\nx = 1\n", "never closed"),
    ("x\n### END SOLUTION\n", "without a BEGIN SOLUTION"),
    ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n", "inside the solution region opened at line 1"),
    ("# BEGIN SOLUTION ... END SOLUTION\n", "both"),
])
def test_unbalanced_solution_markers_are_errors_naming_the_line(code, says):
    with pytest.raises(ValueError, match="strip_solutions: .*line") as info:
        strip_solutions(code)
    assert says in str(info.value)


def _notebook(*cells):
    return {"cells": list(cells), "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def _code(*lines, outputs=()):
    return {"cell_type": "code", "metadata": {}, "execution_count": 3, "outputs": list(outputs),
            "source": [line + "\n" for line in lines]}


def _markdown(*lines):
    return {"cell_type": "markdown", "metadata": {}, "source": [line + "\n" for line in lines]}


def test_make_student_version_strips_regions_and_outputs(tmp_path):
    nb = _notebook(
        _markdown("# Exercise"),
        _code("def f(x):", "    ### BEGIN SOLUTION", "    return 42", "    ### END SOLUTION",
              outputs=[{"output_type": "stream", "name": "stdout", "text": ["secret\n"]}]),
    )
    src, dst = tmp_path / "sol.ipynb", tmp_path / "student.ipynb"
    src.write_text(json.dumps(nb))
    assert make_student_version(src, dst) == 1
    out = json.loads(dst.read_text())
    code = "".join(out["cells"][1]["source"])
    assert "42" not in code and "NotImplementedError" in code
    assert out["cells"][1]["outputs"] == [] and out["cells"][1]["execution_count"] is None
    assert out["cells"][0] == nb["cells"][0]


def test_make_student_version_leaks_no_marked_solution_and_counts_every_blank(tmp_path):
    nb = _notebook(
        _markdown("Explain why:", "", "### BEGIN SOLUTION", "SECRET-1", "### END SOLUTION"),
        _code("def f():", "    # BEGIN SOLUTION", "    return 'SECRET-2'", "    # END SOLUTION"),
        _code("### BEGIN SOLUTION ###", "g = 'SECRET-3'", "### END SOLUTION ###",
              "", "#BEGIN SOLUTION", "h = 'SECRET-4'", "#END SOLUTION"),
        _code("print('no blanks here')"),
    )
    src, dst = tmp_path / "sol.ipynb", tmp_path / "student.ipynb"
    src.write_text(json.dumps(nb))
    assert make_student_version(src, dst) == 4
    written = dst.read_text()
    assert "SECRET" not in written
    out = json.loads(written)
    assert "".join(out["cells"][0]["source"]) == "Explain why:\n\nYOUR ANSWER HERE\n"
    assert "".join(out["cells"][2]["source"]).count("raise NotImplementedError()") == 2


@pytest.mark.parametrize("cell", [
    _code("def f():", "    ### BEGIN SOLUTION", "    return 1"),
    _markdown("the answer", "### END SOLUTION"),
])
def test_make_student_version_names_the_notebook_and_cell_of_an_unmatched_marker(tmp_path, cell):
    src, dst = tmp_path / "sol.ipynb", tmp_path / "student.ipynb"
    src.write_text(json.dumps(_notebook(_markdown("# Title"), cell)))
    with pytest.raises(ValueError) as info:
        make_student_version(src, dst)
    assert str(info.value).startswith(f"make_student_version: {src}: cell 2 ")
    assert not dst.exists()


# -- 3. the topological sort checker catches wrong algorithms ------------------------------


def test_reversed_breadth_first_order_fails():
    def bfs_reversed(root):
        order = [root]
        for v in order:
            for c in v._prev:
                if c not in order:
                    order.append(c)
        return order[::-1]

    msg = check("topological_sort", bfs_reversed).message
    assert "comes before its operand" in msg and "r*2 + (r+1)*3" in msg


def test_calling_the_librarys_own_sort_fails_and_the_library_is_restored():
    msg = check("topological_sort", lambda root: root.topological_order()).message
    assert msg.startswith("❌ topological_sort: your function called the library's own topological_order()")
    assert "write your own" in msg
    x = Value(1.0)
    assert len((x * 2).topological_order()) == 3  # back as it was


def test_recursive_sort_fails_on_the_deep_chain_with_a_hint_to_use_a_loop():
    msg = check("topological_sort", recursive_topological_sort).message
    assert msg.startswith("❌ topological_sort: your function raised RecursionError")
    assert "5000 ops deep" in msg and "use a loop" in msg


def test_recursive_sort_fails_even_when_the_recursion_limit_was_raised():
    before = sys.getrecursionlimit()
    sys.setrecursionlimit(100_000)
    try:
        msg = check("topological_sort", recursive_topological_sort).message
        assert sys.getrecursionlimit() == 100_000
    finally:
        sys.setrecursionlimit(before)
    assert "RecursionError" in msg


@pytest.mark.parametrize("field, says", [("label", "not their labels"), ("data", "not their data")])
def test_returning_labels_or_data_asks_for_the_values_themselves(field, says):
    msg = check("topological_sort", lambda root: [getattr(v, field) for v in topological_sort(root)]).message
    assert "return the Values themselves" in msg and says in msg


def test_returning_a_set_is_explained():
    assert "keeps no order" in check("topological_sort", lambda root: set(topological_sort(root))).message


def test_a_generator_of_the_right_order_passes():
    def lazily(root):
        yield from topological_sort(root)

    assert check("topological_sort", lazily).passed


def test_topological_sort_with_parents_first_fails():
    msg = check("topological_sort", lambda root: list(reversed(topological_sort(root)))).message
    assert "comes before its operand" in msg


def test_topological_sort_with_duplicates_fails():
    def no_visited(root):
        order, stack = [], [(root, False)]
        while stack:
            node, done = stack.pop()
            if done:
                order.append(node)
            else:
                stack.append((node, True))
                stack.extend((c, False) for c in node._prev)
        return order

    assert "more than once" in check("topological_sort", no_visited).message


def test_topological_sort_missing_the_root_says_so():
    assert "leaves out root itself" in check("topological_sort", lambda r: topological_sort(r)[:-1]).message


def test_topological_sort_returning_none_is_explained():
    assert "returned None" in check("topological_sort", lambda root: None).message


# -- 4. a time limit, and interrupting ------------------------------------------------------


def spin(root):
    order = [root]
    while order:
        order.append(root)  # never ends
        order.pop()


@needs_timer
def test_a_loop_that_never_ends_is_stopped_with_a_friendly_message():
    start = time.monotonic()
    msg = check("topological_sort", spin, time_limit=0.5).message
    assert time.monotonic() - start < 5
    assert msg.startswith("❌ topological_sort: stopped — your code took more than 0.5 s")
    assert "loop that never ends" in msg
    assert any(f"while running your line `{line}`" in msg for line in ("while order:", "order.append(root)  # never ends", "order.pop()"))
    assert "Traceback" not in msg and "tinygrad_ann" not in msg and "sandbox.py" not in msg


@needs_timer
def test_an_except_exception_in_the_students_loop_does_not_swallow_the_stop():
    def stubborn(root):
        while True:
            try:
                pass
            except Exception:
                pass

    assert "took more than 0.3 s" in check("topological_sort", stubborn, time_limit=0.3).message


def _bare_except(root):
    while True:
        try:
            pass
        except:  # noqa: E722
            pass


def _except_base_exception(root):
    while True:
        try:
            pass
        except BaseException:
            pass


def _nested_in_the_handler(root):
    while True:
        try:
            while True:
                pass
        except BaseException:
            try:
                pass
            except BaseException:
                pass


def _finally_continue(root):
    while True:
        try:
            pass
        finally:
            continue  # noqa: B012


def _recursion_that_catches(root):
    def again():
        try:
            again()
        except BaseException:
            again()

    again()


def _sleep_that_catches(root):
    while True:
        try:
            time.sleep(100)
        except BaseException:
            pass


@contextlib.contextmanager
def _kept_unraisables():
    """What Python could only print meanwhile ("Exception ignored in ..."), one
    line each, their chains cut (a stopped recursion's is thousands long, and the
    test runner would take for ever to print it)."""
    kept = []
    before = sys.unraisablehook
    # (list.append, a builtin: a hook of Python code here would itself be traced,
    # and raised in, by the time limit under test)
    sys.unraisablehook = kept.append
    try:
        yield kept
    finally:
        sys.unraisablehook = before
        for i, unraisable in enumerate(kept):
            exc = unraisable.exc_value
            kept[i] = f"{type(exc).__name__}: {str(exc)[:100]} ({unraisable.err_msg or 'ignored'})"
            if exc is not None:
                exc.__context__ = exc.__cause__ = exc.__traceback__ = None


@needs_timer
@pytest.mark.parametrize("answer", [_bare_except, _except_base_exception, _nested_in_the_handler,
                                    _finally_continue, _recursion_that_catches, _sleep_that_catches],
                         ids=lambda f: f.__name__.strip("_"))
def test_the_time_limit_stops_code_that_swallows_every_exception(answer):
    limit = sys.getrecursionlimit()
    start = time.monotonic()
    escaped = None
    try:
        with _kept_unraisables() as ignored:
            msg = check("topological_sort", answer, time_limit=0.3).message
    except BaseException as e:  # noqa: B036
        # Say what escaped in one line, outside this handler: the chain behind a
        # stopped recursion is thousands long, and the runner would take for ever
        # to print it (and the recursion limit may need putting back first).
        sys.setrecursionlimit(limit)
        escaped = f"{type(e).__name__}: {str(e)[:200]}"
        e.__context__ = e.__cause__ = e.__traceback__ = None
        del e
    if answer is _recursion_that_catches:
        # A recursion that runs into Python's limit can make Python print a RecursionError it
        # met in a finalizer at that depth ("Exception ignored"). CI showed it on 3.11 and 3.12
        # with the time limit's own hook in place, so before the limit was reached: the
        # program's own doing (a plain run prints it too), not a failure of the limit.
        ignored = [text for text in ignored if not text.startswith("RecursionError")]
    trouble = escaped and f"escaped check(): {escaped}" or ignored and f"Python ignored {ignored[0]}"
    if trouble:
        if answer is _recursion_that_catches and (
                sys.version_info[:2] == (3, 12) or trouble.startswith("Python ignored RecursionError")):
            # Seen in CI (3.12.1 most, once 3.13.0), never when run alone: a RecursionError
            # with no traceback, whose chain is the stopped recursion, reached Python's
            # unraisable hook while the limit unwound the recursion. The limit now sets
            # a hook of its own while it stops code, which drops exactly these (see
            # test_while_code_is_stopped_python_prints_only_what_is_not_the_stoppings);
            # should one still get through, it stays visible here as an expected failure.
            pytest.xfail(f"known: {trouble}")
        pytest.fail(trouble, pytrace=False)
    assert time.monotonic() - start < 10  # (usually well under 1 s; a recursion takes longer)
    assert msg.startswith("❌ topological_sort: stopped — your code took more than 0.3 s"), msg


@needs_timer
def test_after_a_stop_the_interpreter_is_as_it_was():
    def mine(frame, event, arg):
        return None

    limit = sys.getrecursionlimit()
    sys.settrace(mine)  # as a debugger or a coverage tool would
    try:
        # (On 3.10 the limit leaves such a tracer alone and so cannot watch a loop that
        # never sees the timer, as `_bare_except`'s: `spin` is one the timer can stop.)
        assert "took more than 0.3 s" in check("topological_sort", spin, time_limit=0.3).message
        assert sys.gettrace() is mine
    finally:
        sys.settrace(None)
    assert sys.getrecursionlimit() == limit
    assert check("mse", mse).passed  # and the next check runs as usual


@needs_timer
def test_a_stop_inside_the_lowered_recursion_limit_puts_the_limit_back():
    limit = sys.getrecursionlimit()

    def deep_and_stubborn(root):
        while True:
            try:
                pass
            except BaseException:
                pass

    check("topological_sort", deep_and_stubborn, time_limit=0.3)
    assert sys.getrecursionlimit() == limit and not sandbox._patches


@needs_timer
def test_the_timer_is_put_back_as_it_was():
    def mine(signum, frame):
        pass

    before = signal.signal(signal.SIGALRM, mine)
    try:
        check("topological_sort", spin, time_limit=0.3)
        check("mse", mse)
        assert signal.getsignal(signal.SIGALRM) is mine
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    finally:
        signal.signal(signal.SIGALRM, before)


@needs_timer
def test_a_timer_of_the_callers_is_left_running():
    fired = []
    before = signal.signal(signal.SIGALRM, lambda signum, frame: fired.append(signum))
    try:
        signal.setitimer(signal.ITIMER_REAL, 30.0)
        assert check("mse", mse).passed
        remaining, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 0.0 < remaining <= 30.0 and fired == []
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, before)


def test_a_hidden_method_is_back_after_the_check_even_if_the_answer_is_stopped():
    from tinygrad_ann import Value

    original = Value.__dict__["topological_order"]

    def interrupted(root):
        raise KeyboardInterrupt

    check("topological_sort", interrupted)
    assert Value.__dict__["topological_order"] is original
    assert not sandbox._patches


def test_printed_checks_count_through_the_channel(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(
        "from tinygrad_ann.exercises import check\n"
        "print(check('mse', lambda p, t: None))\n"
        "check('chain_rule', {})"
    )]
    path = tmp_path / "printed.ipynb"
    nbformat.write(nb, path)
    results = exercises.grade_notebook(path)
    assert [r.exercise for r in results] == ["mse", "chain_rule"]
    assert not any(r.passed for r in results)


@needs_timer
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the memory in use from /proc")
def test_a_loop_that_eats_memory_is_stopped(monkeypatch):
    monkeypatch.setattr(time_limit, "MEMORY_LIMIT", 100 * 1024**2)

    def hoard(root):
        kept = []
        while True:
            kept.append(b"x" * 1_000_000)

    msg = check("topological_sort", hoard, time_limit=20).message
    assert msg.startswith("❌ topological_sort: stopped — your code used more than")
    assert "memory" in msg and "keeps adding to a list" in msg


def test_built_in_exercises_have_a_time_limit_and_training_a_long_one():
    assert all(EXERCISES[n].time_limit <= 10 for n in BUILT_IN - {"train_moons"})
    assert EXERCISES["train_moons"].time_limit >= 60


def test_interrupting_the_students_code_is_a_message_not_a_traceback():
    def interrupted(out):
        raise KeyboardInterrupt

    msg = check("tanh_backward", interrupted).message
    assert msg.startswith("❌ tanh_backward: stopped — you interrupted it after")
    assert "Traceback" not in msg


def test_check_runs_without_a_time_limit_outside_the_main_thread():
    results = []
    worker = threading.Thread(target=lambda: results.append(check("mse", mse)))
    worker.start()
    worker.join()
    assert results[0].passed


# -- 5. the student's own line, and hints that fit the mistake -------------------------------


def test_a_crash_in_student_code_is_one_line_not_a_traceback():
    def crashes(out):
        return out._prev[5]

    msg = check("tanh_backward", crashes).message
    assert msg.startswith("❌ tanh_backward: your function raised IndexError")
    assert "(at `return out._prev[5]`)" in msg
    assert "Traceback" not in msg and "\n" not in msg


def test_an_error_raised_inside_the_library_points_at_the_students_line():
    def logs_a_negative(out):
        out._prev[0].grad += Value(-1.0).log().data

    msg = check("tanh_backward", logs_a_negative).message
    assert "ValueError: log of -1.0" in msg
    assert "called from your line `out._prev[0].grad += Value(-1.0).log().data`" in msg
    assert "raise ValueError(" not in msg


def test_a_custom_op_whose_forward_returns_none_gets_a_hint_not_library_source(restore_op_catalogue):
    op = custom_op("returns_none_test", lambda x: None, lambda x, y: 1.0)
    msg = check("custom_op", op).message
    assert msg.startswith("❌ custom_op: your op, at x = -1.7, raised TypeError")
    assert "forward(x) must return the output as a number" in msg
    assert "raise TypeError(" not in msg and "your function" not in msg


def test_a_training_function_returning_the_fit_history_is_told_to_return_the_model():
    def returns_history():
        from tinygrad_ann.datasets import make_moons
        from tinygrad_ann.train import fit

        X, y = make_moons(n_samples=20, noise=0.1, seed=0)
        model = MLP(2, [4, 1], rng=0)
        return fit(model, X, [2 * v - 1 for v in y], epochs=1, progress=False)

    msg = check("train_moons", returns_history).message
    assert msg.startswith("❌ train_moons: your training function returned a dict (the history that fit returns)")
    assert "`return`) the model" in msg and "not callable" not in msg


def test_a_model_with_two_outputs_is_told_to_have_one():
    msg = check("train_moons", MLP(2, [4, 2], rng=0)).message
    assert "gives 2 numbers for a point" in msg and "one output" in msg
    assert "train for more steps" not in msg


def test_a_model_with_the_wrong_input_size_is_told_so():
    msg = check("train_moons", MLP(3, [4, 1], rng=0)).message
    assert "takes 3 inputs, but a moons point is 2 numbers" in msg


def test_an_untrained_model_fails_train_moons_with_a_hint():
    msg = check("train_moons", MLP(2, [4, 1], rng=0)).message
    assert msg.startswith("❌ train_moons: your model classifies") and "Hint" in msg


def test_a_model_that_gives_every_point_one_class_is_told_it_has_not_learned():
    msg = check("train_moons", lambda point: 1.0).message
    assert "every point the same class" in msg


def test_a_function_called_with_the_wrong_number_of_arguments_is_told_how_it_is_called():
    def old_pow(out):
        pass

    msg = check("pow_backward", old_pow).message
    assert msg == ("❌ pow_backward: your function takes 1 argument (out), but it is called with 2, "
                   "as pow_backward(out, n).")


# -- 6. no answers in the documentation; the by-hand exercise is not the course's graph -------


def test_no_docstring_holds_an_exercise_answer():
    modules = [exercises] + [importlib.import_module(f"tinygrad_ann.exercises.{m.name}")
                             for m in pkgutil.iter_modules(exercises.__path__) if m.name != "__main__"]
    docs = [m.__doc__ or "" for m in modules]
    docs += [getattr(m, n).__doc__ or "" for m in modules for n in getattr(m, "__all__", ())
             if callable(getattr(m, n))]
    text = "\n".join(docs)
    for answer in ("1 - out.data", "s * (1 - s)", "b.data * out.grad", "a.data ** (n",
                   "'x': 20", "lr * p.grad", "_prev:", "visited.add"):
        assert answer not in text, answer


def test_the_by_hand_exercise_is_not_the_graph_the_course_notebook_prints():
    course_answer = {"a": 6.0, "b": -4.0, "c": -2.0, "d": -2.0, "e": -2.0, "f": 4.0}
    assert not check("chain_rule", course_answer).passed
    assert "a = 2, b = -3" not in EXERCISES["chain_rule"].task


def test_wrong_chain_rule_entry_names_it_with_expected_and_a_hint():
    msg = check("chain_rule", dict(CHAIN_ANSWER, z=-6.0)).message
    assert msg.startswith("❌ chain_rule: dL/dz: you gave -6.0, but it is 6")
    assert "Hint" in msg


@pytest.mark.parametrize("half", [8.0, 12.0])
def test_chain_rule_with_one_of_the_two_paths_into_x_says_x_is_used_twice(half):
    msg = check("chain_rule", dict(CHAIN_ANSWER, x=half)).message
    assert "one of the two contributions" in msg and "used twice" in msg


def test_chain_rule_entries_must_be_numbers():
    assert "give the numbers themselves" in check("chain_rule", dict(CHAIN_ANSWER, t=Value(3.0))).message
    assert "give a number" in check("chain_rule", dict(CHAIN_ANSWER, t="3")).message


# -- 7. the custom op checker wants a custom op ------------------------------------------------


def test_a_function_of_built_in_ops_is_not_a_custom_op():
    msg = check("custom_op", lambda v: v**3).message
    assert msg.startswith("❌ custom_op: your op is built from the library's own ops ('**')")
    assert "custom_op(name, forward, derivative)" in msg


def test_a_custom_op_returning_a_number_is_asked_for_a_value():
    msg = check("custom_op", lambda v: v.data**3).message
    assert msg.startswith("❌ custom_op: your op returned float") and "not a Value" in msg


def test_passing_custom_op_itself_is_explained():
    assert "custom_op itself" in check("custom_op", custom_op).message


def test_a_graph_that_uses_the_custom_op_inside_passes(restore_op_catalogue):
    cube = custom_op("cube_test", lambda x: x**3, lambda x, y: 3 * x**2)
    assert check("custom_op", lambda v: cube(v) * 2 + 1).passed


def test_wrong_custom_op_derivative_fails_with_numbers(restore_op_catalogue):
    bad = custom_op("bad_cube_test", lambda x: x**3, lambda x, y: 2 * x)
    msg = check("custom_op", bad).message
    assert msg.startswith("❌ custom_op: at x = -1.7 the derivative disagrees") and "analytic" in msg


def test_a_custom_op_undefined_at_the_test_points_is_told_to_pick_another(restore_op_catalogue):
    log_op = custom_op("log_test", math.log, lambda x, y: 1 / x)
    msg = check("custom_op", log_op).message
    assert "math domain error" in msg and "defined for every real x" in msg


# -- 8. answers that change their inputs ---------------------------------------------------------


def test_a_neuron_that_appends_to_its_inputs_is_caught():
    def appends(w, x, b):
        w.append(b)
        x.append(1.0)
        return sum((wi * xi for wi, xi in zip(w, x)), Value(0.0)).tanh()

    msg = check("neuron_forward", appends).message
    assert msg.startswith("❌ neuron_forward: your function changed the list w")
    assert "leave its inputs alone" in msg


def test_an_mse_that_reverses_the_targets_is_caught():
    def reverses(preds, targets):
        targets.reverse()
        return sum((p - t) ** 2 for p, t in zip(preds, targets)) / len(preds)

    msg = check("mse", reverses).message
    assert msg.startswith("❌ mse: your function changed the list targets")


def test_an_mse_that_copies_its_inputs_passes():
    def copies(preds, targets):
        pairs = list(zip(list(preds), list(targets)))
        return sum((p - t) ** 2 for p, t in pairs) / len(pairs)

    assert check("mse", copies).passed


def test_a_backward_rule_that_changes_data_is_caught():
    def moves_x(out):
        x = out._prev[0]
        x.data += 1
        x.grad += (1 - out.data**2) * out.grad

    msg = check("tanh_backward", moves_x).message
    assert "changed x.data" in msg and "leaves every .data alone" in msg


def test_a_backward_rule_that_changes_out_grad_is_caught():
    def zeroes_out(out):
        out._prev[0].grad += (1 - out.data**2) * out.grad
        out.grad = 0.0

    assert "changed out.grad" in check("tanh_backward", zeroes_out).message


# -- 9. pow as the engine makes it: a number exponent, one operand ---------------------------------


def test_pow_backward_is_given_a_one_operand_node_and_the_exponent_as_a_number():
    seen = []

    def records(out, n):
        seen.append((len(out._prev), type(n)))
        pow_backward(out, n)

    assert check("pow_backward", records).passed
    assert set(seen) == {(1, float)}


def test_pow_backward_unpacking_two_operands_gets_a_hint():
    def two(out, n):
        a, m = out._prev

    msg = check("pow_backward", two).message
    assert "ValueError" in msg and "comes as your function's second argument, n" in msg


def test_pow_backward_wrong_exponent_fails():
    def wrong(out, n):
        a = out._prev[0]
        a.grad += n * a.data**n * out.grad

    msg = check("pow_backward", wrong).message
    assert msg.startswith("❌ pow_backward: at a = 2, n = 3") and "n * a^(n-1)" in msg


# -- the other mistakes ------------------------------------------------------------------------


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
    assert msg.startswith("❌ tanh_backward: at x = 0 with out.grad = 1.7, x.grad should grow by 1.7 but grew by 1")
    assert "Hint" in msg


def test_returning_the_derivative_instead_of_pushing_it_is_explained():
    def tanh_returns(out):
        return 1 - out.data**2

    assert "returns nothing" in check("tanh_backward", tanh_returns).message


def test_mul_backward_that_breaks_a_times_a_is_caught():
    def mul_overwrites_second(out):
        a, b = out._prev
        a.grad += b.data * out.grad
        b.grad = a.data * out.grad + 0.5  # passes on distinct operands, breaks a * a

    assert "Both operands are the same Value" in check("mul_backward", mul_overwrites_second).message


def test_swapped_mul_derivatives_fail():
    def swapped(out):
        a, b = out._prev
        a.grad += a.data * out.grad
        b.grad += b.data * out.grad

    assert not check("mul_backward", swapped).passed


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


def test_sgd_step_that_stores_values_in_data_is_named():
    def values(params, lr):
        for p in params:
            p.data = p - lr * p.grad

    assert "data must stay a number" in check("sgd_step", values).message


def test_every_parameter_sgd_step_is_given_has_a_non_zero_grad():
    seen = []

    def records(params, lr):
        seen.extend(p.grad for p in params)
        sgd_step(params, lr)

    assert check("sgd_step", records).passed
    assert len(seen) >= 3 and all(g != 0 for g in seen)


def test_sgd_step_that_skips_the_last_parameter_fails():
    def off_by_one(params, lr):
        for i in range(len(params) - 1):
            params[i].data -= lr * params[i].grad

    msg = check("sgd_step", off_by_one).message
    assert msg.startswith("❌ sgd_step: params[3] did not move, though its grad is not 0")
    assert "does your loop skip one?" in msg


def test_sgd_step_that_skips_the_first_parameter_fails():
    def from_one(params, lr):
        for p in params[1:]:
            p.data -= lr * p.grad

    assert check("sgd_step", from_one).message.startswith("❌ sgd_step: params[0] did not move")


CHAIN_KEYS = "{'x': ..., 'y': ..., 'z': ..., 's': ..., 't': ...}"


@pytest.mark.parametrize("answer", [blank, {}, None])
def test_the_chain_rule_blank_shows_the_keys_it_expects(answer):
    msg = check("chain_rule", answer).message
    assert msg.startswith("⏳ chain_rule: not done yet")
    assert CHAIN_KEYS in msg


def test_chain_rule_entries_left_blank_are_named():
    msg = check("chain_rule", dict(CHAIN_ANSWER, y=None, t=...)).message
    assert msg == "⏳ chain_rule: not done yet — dL/dy, dL/dt are still blank (None or ...): give each as a number."


def test_chain_rule_with_other_keys_names_the_missing_and_the_expected_ones():
    answer = {f"d{k}": v for k, v in CHAIN_ANSWER.items()}
    msg = check("chain_rule", answer).message
    assert msg.startswith("❌ chain_rule: the dict has no entry for 'x', 'y', 'z', 's' and 't' (it has 'dx',")
    assert CHAIN_KEYS in msg


def weighted_sum(w, x, b):
    return sum((wi * xi for wi, xi in zip(w, x)), b)


@pytest.mark.parametrize("used, neuron", [
    ("relu", lambda w, x, b: weighted_sum(w, x, b).relu()),
    ("sigmoid", lambda w, x, b: weighted_sum(w, x, b).sigmoid()),
    ("sigmoid", lambda w, x, b: 1 / (1 + (-weighted_sum(w, x, b)).exp())),  # written by hand
    ("leaky_relu", lambda w, x, b: weighted_sum(w, x, b).leaky_relu(0.1)),
    ("softplus", lambda w, x, b: weighted_sum(w, x, b).softplus()),
])
def test_neuron_forward_names_the_activation_the_student_used(used, neuron):
    msg = check("neuron_forward", neuron).message
    assert f"you used {used}; the neuron's activation is tanh" in msg


def test_neuron_forward_by_hand_relu_is_named_too():
    def relu_by_hand(w, x, b):
        act = weighted_sum(w, x, b)
        return act if act.data > 0 else act * 0

    assert "you used relu;" in check("neuron_forward", relu_by_hand).message


def test_neuron_forward_without_the_bias_is_named():
    msg = check("neuron_forward", lambda w, x, b: weighted_sum(w, x, Value(0.0)).tanh()).message
    assert "left out the bias b" in msg


def test_mse_sum_instead_of_mean_is_named():
    def summed(preds, targets):
        return sum((p - t) ** 2 for p, t in zip(preds, targets))

    assert "divide by the number of samples" in check("mse", summed).message


def test_unknown_exercise_is_a_value_error_listing_them():
    with pytest.raises(ValueError, match=r"^check: unknown name 'tanh_backwards'; choose one of .*'tanh_backward'"):
        check("tanh_backwards", tanh_backward)


def test_result_is_truthy_only_when_passed_and_renders_html():
    ok = check("mse", mse)
    bad = check("mse", blank)
    assert ok and not bad
    assert "✅" in ok._repr_html_() and "⏳" in bad._repr_html_()


# -- 10. teachers' own exercises -------------------------------------------------------------


def test_a_teacher_can_register_an_exercise_with_its_own_messages(own_exercises):
    @exercise("cube_number", "def cube(x): return x ** 3 for a number x.", time_limit=2)
    def check_cube(answer):
        got = call_answer(answer, 2.0, usage="cube(x)")
        if got is None:
            raise NotDone("return the cube.")
        if got != 8.0:
            raise Wrong(f"cube(2) should be 8, got {got!r}. Hint: x * x * x.")
        return "cube(2) is 8."

    assert EXERCISES["cube_number"].time_limit == 2
    assert check("cube_number", lambda x: x**3).message == "✅ cube_number: passed — cube(2) is 8."
    assert check("cube_number", lambda x: x**2).message == "❌ cube_number: cube(2) should be 8, got 4.0. Hint: x * x * x."
    assert check("cube_number", lambda x: None).message == "⏳ cube_number: not done yet — return the cube."
    assert check("cube_number", blank).message.startswith("⏳ cube_number: not done yet — your function raised NotImplementedError")
    assert check("cube_number", lambda: 1).message == (
        "❌ cube_number: your function takes no arguments, but it is called with 1, as cube(x).")


def test_a_bug_in_a_teachers_checker_is_not_blamed_on_the_student(own_exercises):
    @exercise("buggy", "anything")
    def check_buggy(answer):
        return 1 / 0

    msg = check("buggy", 1).message
    assert msg.startswith("❌ buggy: the checker could not make sense of your answer (ZeroDivisionError")
    assert "teacher" in msg


def test_a_checker_that_calls_the_student_directly_still_points_at_the_students_line(own_exercises):
    @exercise("direct", "anything")
    def check_direct(answer):
        return answer()

    def student():
        return [][0]

    msg = check("direct", student).message
    assert msg.startswith("❌ direct: your code raised IndexError") and "(at `return [][0]`)" in msg


def test_exercise_needs_a_name():
    with pytest.raises(ValueError, match="^exercise: name must be a non-empty string, got ''$"):
        exercise("", "task")


def test_an_error_in_the_students_forward_is_reported_once_with_the_call(restore_op_catalogue):
    msg = check("custom_op", custom_op("t_none_forward", lambda x: None, lambda x, y: 1.0)).message
    assert "raised TypeError: forward(-1.7) returned None; it must return a number" in msg
    assert msg.count("raised") == 1 and "custom_op 't_none_forward'" not in msg


def test_a_custom_op_defined_before_the_exercises_are_imported_counts_as_the_students():
    code = (
        "from tinygrad_ann import custom_op\n"
        "cube = custom_op('cube', lambda x: x ** 3, lambda x, y: 3 * x ** 2)\n"
        "from tinygrad_ann.exercises import check\n"
        "print(check('custom_op', cube))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.startswith("✅ custom_op"), out.stdout + out.stderr


def test_an_op_of_the_lecture_kind_with_its_own_backward_counts_as_the_students():
    from helpers import lecture_cube

    assert check("custom_op", lambda x: lecture_cube(x, "t_lecture_cube")).passed


# -- 11. arguments: a wrong type is a TypeError, a wrong value a ValueError, named by the function --------


def test_every_name_of_the_single_file_module_is_still_importable():
    from tinygrad_ann.exercises import (  # noqa: F401
        ANSWER_PLACEHOLDER, BEGIN, CODE_PLACEHOLDER, END, Checker, CheckResult, Exercise, grade_notebook,
    )
    assert set(exercises.__all__) == {
        "check", "CheckResult", "EXERCISES", "Exercise", "exercise", "Wrong", "NotDone",
        "call_answer", "grade_notebook", "make_student_version", "strip_solutions",
    }


def test_check_time_limit_of_the_wrong_type_is_a_type_error_naming_check():
    with pytest.raises(TypeError) as info:
        check("mse", mse, time_limit="3")
    assert str(info.value) == "check: time_limit must be a number >= 0, got '3' (str)"


@pytest.mark.parametrize("bad", [-1, float("nan")])
def test_check_time_limit_below_zero_is_a_value_error(bad):
    with pytest.raises(ValueError, match="^check: time_limit must be a number >= 0, got .*0 means no limit"):
        check("mse", mse, time_limit=bad)


def test_check_name_that_is_not_a_string_is_a_type_error():
    with pytest.raises(TypeError, match=r"^check: name must be one of 'chain_rule', .* got 3 \(int\)$"):
        check(3, mse)


def test_exercise_arguments_of_the_wrong_type_are_type_errors_naming_exercise(own_exercises):
    with pytest.raises(TypeError, match=r"^exercise: name must be a non-empty string, got 3 \(int\)$"):
        exercise(3, "task")
    with pytest.raises(TypeError, match=r"^exercise: task must be a string"):
        exercise("t", None)
    with pytest.raises(TypeError, match=r"^exercise: checker must be a function .*got 3 \(int\)$"):
        exercise("t", "task")(3)
    with pytest.raises(ValueError, match=r"^exercise: time_limit must be a number >= 0, got -2"):
        exercise("t", "task", time_limit=-2)
    assert "t" not in EXERCISES


def test_call_answer_usage_must_be_a_string():
    with pytest.raises(TypeError, match=r"^call_answer: usage must be a string .* got 2 \(int\)$"):
        call_answer(lambda x: x, 1, usage=2)


def test_strip_solutions_arguments_of_the_wrong_type_are_type_errors():
    with pytest.raises(TypeError, match=r"^strip_solutions: source must be a string .* got None$"):
        strip_solutions(None)
    with pytest.raises(TypeError, match=r"^strip_solutions: markdown must be True or False, got 1 \(int\)$"):
        strip_solutions("x = 1\n", markdown=1)


def test_make_student_version_paths_must_be_paths(tmp_path):
    with pytest.raises(TypeError, match=r"^make_student_version: solution_path must be a path .* got 1 \(int\)$"):
        make_student_version(1, tmp_path / "out.ipynb")
    with pytest.raises(TypeError, match=r"^make_student_version: student_path must be a path .* got None$"):
        make_student_version(tmp_path / "in.ipynb", None)


def test_grade_notebook_arguments_are_checked_before_anything_runs(tmp_path):
    with pytest.raises(TypeError, match=r"^grade_notebook: path must be a path .* got None$"):
        exercises.grade_notebook(None)
    with pytest.raises(ValueError, match=r"^grade_notebook: timeout must be a positive number, got -1$"):
        exercises.grade_notebook(tmp_path / "missing.ipynb", timeout=-1)


def test_the_grading_command_line_takes_a_list_of_paths():
    from tinygrad_ann.exercises.notebooks import main

    with pytest.raises(TypeError, match=r"^main: argv must be a list of strings .* got 'a.ipynb' \(str\)$"):
        main("a.ipynb")


def test_an_answer_defined_where_there_is_no_module_name_is_checked():
    # exec'd code (as the README's examples are run) defines functions whose
    # __module__ is None; reading them for loops (Python 3.10) must not trip over that.
    namespace = {"__builtins__": __builtins__}
    exec("def mse(preds, targets):\n"
         "    return sum((p - t) ** 2 for p, t in zip(preds, targets)) / max(len(preds), 1)\n",
         namespace)
    assert namespace["mse"].__module__ is None
    assert check("mse", namespace["mse"]).passed


@pytest.mark.skipif(sys.version_info >= (3, 11), reason="Python 3.10 only: later versions see the timer in every loop")
def test_on_python_3_10_only_the_students_loops_that_miss_the_timer_are_watched():
    from tinygrad_ann import MLP

    assert time_limit._has_unwatched_loop(_bare_except)  # a `while` onto a `try:`
    assert time_limit._has_unwatched_loop([spin, _bare_except])
    assert not time_limit._has_unwatched_loop(spin)  # its loop sees the timer
    assert not time_limit._has_unwatched_loop(MLP(2, [4, 1], rng=0))  # the library's own code


def _library_function(source: str, name: str):
    """A function compiled as if it lived in Python's library (site-packages)."""
    import os
    namespace: dict = {}
    filename = os.path.join(sandbox.PYTHON_LIBRARY_FOLDERS[0], "some_library.py")
    exec(compile(source, filename, "exec"), namespace)
    return namespace[name]


BUSY = "import time\ndef busy(s):\n    end = time.monotonic() + s\n    while time.monotonic() < end:\n        pass\n    return 'finished'\n"


@needs_timer
def test_time_up_inside_a_library_call_stops_the_student_when_it_returns():
    # Raising where the library runs could land in a __del__ or sys.unraisablehook,
    # where Python only prints it: the student's next line raises instead.
    busy = _library_function(BUSY, "busy")
    finished = []

    def answer():
        finished.append(busy(0.6))  # the limit (0.2 s) passes inside the library
        while True:
            pass

    with pytest.raises(time_limit.Stopped):
        with time_limit.time_limited(0.2):
            answer()
    assert finished == ["finished"]


@needs_timer
def test_a_library_call_that_never_returns_is_stopped_where_it_runs():
    busy = _library_function(BUSY, "busy")

    def answer():
        busy(30.0)

    start = time.monotonic()
    with pytest.raises(time_limit.Stopped):
        with time_limit.time_limited(0.2):
            answer()
    assert time.monotonic() - start < 5.0


@needs_timer
def test_a_student_who_trains_for_a_million_epochs_is_stopped_inside_fit():
    from tinygrad_ann.train import fit
    from tinygrad_ann.datasets import make_moons

    X, y = make_moons(n_samples=20, rng=0)

    def answer():
        fit(MLP(2, [4, 1], rng=0), X, y, epochs=10**6, progress=False)

    start = time.monotonic()
    with pytest.raises(time_limit.Stopped):
        with time_limit.time_limited(0.3):
            answer()
    assert time.monotonic() - start < 5.0


SLOW_DEL = BUSY + "class Slow:\n    def __del__(self):\n        busy(1.5)\n"


@needs_timer
def test_time_up_inside_a_slow_del_is_never_raised_there():
    # A __del__ runs when Python frees an object; what it raises is only printed
    # ("Exception ignored in ...") and a test runner reports it as an error. The
    # student's next line raises instead, even when the __del__ outlasts the patience.
    Slow = _library_function(SLOW_DEL, "Slow")

    def answer():
        while True:
            x = Slow()
            del x

    with _kept_unraisables() as unraisable, pytest.raises(time_limit.Stopped):
        with time_limit.time_limited(0.2):
            answer()
    assert unraisable == []


@needs_timer
def test_time_up_inside_a_slow_weakref_finalizer_is_never_raised_there():
    import weakref

    busy = _library_function(BUSY, "busy")

    class Thing:
        pass

    def answer():
        while True:
            x = Thing()
            weakref.finalize(x, busy, 1.5)
            del x  # the finalizer runs here, in weakref's code, for 1.5 s

    with _kept_unraisables() as unraisable, pytest.raises(time_limit.Stopped):
        with time_limit.time_limited(0.2):
            answer()
    assert unraisable == []


@needs_timer
def test_while_code_is_stopped_python_prints_only_what_is_not_the_stoppings():
    # Once time is up, an exception Python can only print ("Exception ignored in ...")
    # that the stopping caused (a Stopped raised in a __del__, a RecursionError met
    # while a stopped recursion unwinds) is dropped by the limit's own unraisable
    # hook; anything else still reaches the hook that was there before, and that
    # hook is back after the block.
    import weakref

    class Noisy:
        def __del__(self):
            raise KeyError("never reached: its first line is stopped")

    class Thing:
        pass

    def answer():
        while True:
            pass

    with _kept_unraisables() as kept:
        before = sys.unraisablehook
        limit = time_limit.time_limited(0.2)
        with limit:
            with contextlib.suppress(time_limit.Stopped):
                answer()
            assert sys.unraisablehook is not before
            Noisy()  # (its __del__ is the student's code: a Stopped, which Python could only print)
            weakref.finalize(Thing(), int, "x")  # a builtin's ValueError: not the stopping's
        assert sys.unraisablehook is before
    assert limit.dropped == 1
    assert [k.split(":")[0] for k in kept] == ["ValueError"]
