"""check('value_class', Value): a student's own micrograd, op by op, with kind messages.

The student classes here are written to files and imported, as a notebook's are
run from cells, so that the checker can quote the student's own lines.
"""

import importlib.util
import inspect
import itertools

import pytest

from tinygrad_ann import Value as LibraryValue
from tinygrad_ann.exercises import EXERCISES, check

# The lecture's class, with a topological sort written as a loop (so deep graphs work).
LECTURE = '''
import math


class Value:
    def __init__(self, data, _children=(), _op='', label=''):
        self.data = data
        self.grad = 0.0
        self._backward = lambda: None
        self._prev = set(_children)
        self._op = _op
        self.label = label

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), '+')
        def _backward():
            self.grad += 1.0 * out.grad
            other.grad += 1.0 * out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), '*')
        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __pow__(self, other):
        out = Value(self.data ** other, (self,), f'**{other}')
        def _backward():
            self.grad += other * self.data ** (other - 1) * out.grad
        out._backward = _backward
        return out

    def __rmul__(self, other):
        return self * other

    def __radd__(self, other):
        return self + other

    def __truediv__(self, other):
        return self * other ** -1

    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-other)

    def tanh(self):
        x = self.data
        t = (math.exp(2 * x) - 1) / (math.exp(2 * x) + 1)
        out = Value(t, (self,), 'tanh')
        def _backward():
            self.grad += (1 - t ** 2) * out.grad
        out._backward = _backward
        return out

    def exp(self):
        out = Value(math.exp(self.data), (self,), 'exp')
        def _backward():
            self.grad += out.data * out.grad
        out._backward = _backward
        return out

    def backward(self):
        topo, visited, stack = [], set(), [(self, False)]
        while stack:
            v, operands_done = stack.pop()
            if operands_done:
                topo.append(v)
            elif v not in visited:
                visited.add(v)
                stack.append((v, True))
                stack.extend((child, False) for child in v._prev)
        self.grad = 1.0
        for node in reversed(topo):
            node._backward()
'''

LOOP_SORT = '''        topo, visited, stack = [], set(), [(self, False)]
        while stack:
            v, operands_done = stack.pop()
            if operands_done:
                topo.append(v)
            elif v not in visited:
                visited.add(v)
                stack.append((v, True))
                stack.extend((child, False) for child in v._prev)
'''

RECURSIVE_SORT = '''        topo, visited = [], set()
        def build_topo(v):
            if v not in visited:
                visited.add(v)
                for child in v._prev:
                    build_topo(child)
                topo.append(v)
        build_topo(self)
'''

_modules = itertools.count()


def load_class(tmp_path, source):
    """The class Value defined by `source`, imported from a file of its own."""
    path = tmp_path / f"student_{next(_modules)}.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.Value


def lecture_with(tmp_path, *changes):
    """The lecture's class with each (old, new) text replaced once; each must be there."""
    source = LECTURE
    for old, new in changes:
        assert old in source, old
        source = source.replace(old, new, 1)
    return load_class(tmp_path, source)


def micrograd_engine():
    return pytest.importorskip("micrograd.engine", reason="micrograd (the [dev] extra) is not installed")


# -- the exercise, and classes that pass ------------------------------------------------------


def test_value_class_is_an_exercise_with_a_task():
    assert "value_class" in EXERCISES
    task = EXERCISES["value_class"].task
    assert "backward()" in task and "check('value_class', Value)" in task
    assert EXERCISES["value_class"].time_limit == 10  # a whole check takes well under a second


def test_micrograds_own_value_passes_and_lists_what_it_lacks():
    engine = micrograd_engine()
    result = check("value_class", engine.Value)
    assert result.passed, result.message
    assert result.message.startswith("✅ value_class: passed — +, *, ** and backward() are right")
    assert "; also -, -a, /, 2 - a, 2 / a, relu;" in result.message
    assert "not defined (skipped): exp, log, tanh, sigmoid." in result.message


def test_micrograds_recursive_sort_passes_with_a_note_on_deep_graphs():
    engine = micrograd_engine()
    message = check("value_class", engine.Value).message
    assert "One thing to improve" in message and "RecursionError" in message
    assert "a list as your own stack" in message


def test_a_copy_of_micrograd_whose_rules_use_assignment_fails_saying_use_plus_equals(tmp_path):
    engine = micrograd_engine()
    source = inspect.getsource(engine)
    assert source.count(".grad +=") == 6
    assigning = load_class(tmp_path, source.replace(".grad +=", ".grad ="))
    result = check("value_class", assigning)
    assert not result.passed
    assert result.message.startswith("❌ value_class: for b = a + a with a = 3, a.grad should be 2")
    assert "use += so that a node used twice gets both contributions" in result.message
    assert "`self.grad = out.grad`" in result.message  # the student's own line


def test_the_lectures_class_passes_without_a_note(tmp_path):
    result = check("value_class", load_class(tmp_path, LECTURE))
    assert result.message == (
        "✅ value_class: passed — +, *, ** and backward() are right (numbers on either side, shared "
        "nodes, the topological order); also -, -a, /, exp, tanh; not defined (skipped): 2 - a, 2 / a, "
        "log, sigmoid, relu."
    )


def test_every_optional_op_is_tested_when_defined(tmp_path):
    extra = '''
    def __rsub__(self, other):
        return (-self) + other

    def __rtruediv__(self, other):
        return other * self ** -1

    def log(self):
        out = Value(math.log(self.data), (self,), 'log')
        def _backward():
            self.grad += (1 / self.data) * out.grad
        out._backward = _backward
        return out

    def sigmoid(self):
        s = 1 / (1 + math.exp(-self.data))
        out = Value(s, (self,), 'sigmoid')
        def _backward():
            self.grad += s * (1 - s) * out.grad
        out._backward = _backward
        return out

    def relu(self):
        out = Value(max(0.0, self.data), (self,), 'relu')
        def _backward():
            self.grad += (out.data > 0) * out.grad
        out._backward = _backward
        return out

    def sin(self):
        out = Value(math.sin(self.data), (self,), 'sin')
        def _backward():
            self.grad += math.cos(self.data) * out.grad
        out._backward = _backward
        return out

    def backward(self):'''
    result = check("value_class", lecture_with(tmp_path, ("\n    def backward(self):", extra)))
    assert result.passed, result.message
    assert "; also -, -a, /, 2 - a, 2 / a, exp, log, tanh, sigmoid, relu, sin." in result.message
    assert "skipped" not in result.message


def test_an_optional_op_that_is_still_a_blank_is_skipped_as_not_written_yet(tmp_path):
    cls = lecture_with(tmp_path, ("    def exp(self):\n", "    def exp(self):\n        raise NotImplementedError()\n"))
    result = check("value_class", cls)
    assert result.passed, result.message
    assert "not written yet (skipped): exp." in result.message


# -- blanks and things that are not the class ---------------------------------------------------


def test_nothing_yet_says_not_done_and_how_to_pass_the_class():
    assert check("value_class", None).message == (
        "⏳ value_class: not done yet — write your class Value, then pass the class itself: "
        "check('value_class', Value).")


def test_a_required_op_that_is_still_a_blank_says_not_done_yet(tmp_path):
    cls = lecture_with(tmp_path, ("    def __add__(self, other):\n",
                                  "    def __add__(self, other):\n        raise NotImplementedError()\n"))
    assert check("value_class", cls).message == (
        "⏳ value_class: not done yet — a + b with a = 2, b = -3 raised NotImplementedError. Replace the "
        "`raise NotImplementedError()` line with your code.")


def test_an_object_of_the_class_is_told_to_pass_the_class(tmp_path):
    msg = check("value_class", load_class(tmp_path, LECTURE)(2.0)).message
    assert msg.startswith("❌ value_class: you passed one Value (an object of your class), not the class")


def test_the_librarys_own_value_is_not_the_students():
    assert "that is tinygrad_ann's own Value" in check("value_class", LibraryValue).message


def test_an_init_that_needs_more_than_the_number_is_told_to_give_defaults(tmp_path):
    cls = lecture_with(tmp_path, ("_children=(), _op=''", "_children, _op=''"))
    assert "give __init__'s other arguments defaults" in check("value_class", cls).message


def test_a_class_without_backward_is_told_to_write_it(tmp_path):
    cls = lecture_with(tmp_path, ("    def backward(self):", "    def backward_pass(self):"))
    assert check("value_class", cls).message.startswith("❌ value_class: your class has no backward")


# -- the typical mistakes -------------------------------------------------------------------------


def test_a_wrong_tanh_derivative_names_the_point_the_rule_and_the_students_line(tmp_path):
    cls = lecture_with(tmp_path, ("(1 - t ** 2) * out.grad", "(1 - t) * out.grad"))
    assert check("value_class", cls).message == (
        "❌ value_class: for out = a.tanh() with a = 0.5, out.backward() should make a.grad 0.786448, but it "
        "is 0.537883. Hint: the local derivative is d(tanh x)/dx = 1 - tanh(x)^2; central differences of "
        "your own forward give 0.786448 too. Your rule: `self.grad += (1 - t) * out.grad`.")


def test_a_rule_that_leaves_out_out_grad_fails_from_out_times_a_number(tmp_path):
    cls = lecture_with(tmp_path, ("(1 - t ** 2) * out.grad", "(1 - t ** 2)"))
    msg = check("value_class", cls).message
    assert "backpropagating from out * 1.7 (so out.grad = 1.7)" in msg
    assert "your rule leaves out out.grad" in msg


def test_a_flipped_sign_is_named(tmp_path):
    cls = lecture_with(tmp_path, ("self.grad += out.data * out.grad", "self.grad -= out.data * out.grad"))
    assert "Hint: the sign is flipped: d(e^x)/dx = e^x" in check("value_class", cls).message


@pytest.mark.parametrize("method, use", [("__radd__", "2 + a"), ("__rmul__", "2 * a")])
def test_a_missing_reflected_op_is_explained(tmp_path, method, use):
    body = "self + other" if method == "__radd__" else "self * other"
    cls = lecture_with(tmp_path, (f"    def {method}(self, other):\n        return {body}\n", ""))
    msg = check("value_class", cls).message
    assert msg.startswith(f"❌ value_class: {use} does not work: your class has no {method}.")
    assert "Python asks the number 2 first" in msg and f"`return {body}`" in msg


def test_a_reflected_op_that_calls_itself_gets_a_hint(tmp_path):
    cls = lecture_with(tmp_path, ("return self + other", "return other + self"))
    msg = check("value_class", cls).message
    assert "2 + a with a = 1.5 raised RecursionError" in msg and "(at `return other + self`)" in msg
    assert "lands in __radd__ again" in msg


def test_a_recursive_topological_sort_passes_with_a_kind_note_on_the_deep_chain(tmp_path):
    cls = lecture_with(tmp_path, (LOOP_SORT, RECURSIVE_SORT))
    result = check("value_class", cls)
    assert result.passed, result.message
    assert "One thing to improve: on a chain 5000 ops deep" in result.message
    assert "backward() stopped with RecursionError" in result.message
    assert "Python allows about 1000 nested calls" in result.message


def test_a_backward_that_does_not_set_the_root_grad_to_one_fails(tmp_path):
    cls = lecture_with(tmp_path, ("        self.grad = 1.0\n", ""))
    msg = check("value_class", cls).message
    assert msg.startswith("❌ value_class: for a + b with a = 2, b = -3, every grad is still 0")
    assert "setting the root's own grad to 1" in msg


def test_a_backward_that_sets_the_root_grad_to_something_else_fails(tmp_path):
    cls = lecture_with(tmp_path, ("        self.grad = 1.0\n", "        self.grad = 2.0\n"))
    assert "out.grad is 2.0 after out.backward(), not 1" in check("value_class", cls).message


def test_a_breadth_first_backward_fails_on_a_node_used_at_two_depths(tmp_path):
    breadth_first = '''        self.grad = 1.0
        queue, seen = [self], {self}
        while queue:
            v = queue.pop(0)
            v._backward()
            for child in v._prev:
                if child not in seen:
                    seen.add(child)
                    queue.append(child)
'''
    cls = lecture_with(tmp_path, (LOOP_SORT + "        self.grad = 1.0\n        for node in reversed(topo):\n"
                                  "            node._backward()\n", breadth_first))
    msg = check("value_class", cls).message
    assert msg.startswith("❌ value_class: for L = s + (s * 3) * 4 with s = r + 1 and r = 1.5")
    assert "before both uses had added theirs" in msg and "topological order" in msg


def test_a_sort_without_a_visited_set_runs_a_shared_node_twice_and_fails(tmp_path):
    cls = lecture_with(tmp_path, ("            elif v not in visited:", "            elif True:"))
    msg = check("value_class", cls).message
    assert "s pushed its grad more than once" in msg and "`visited` set" in msg


def test_a_rule_with_assignment_in_mul_alone_fails_on_a_value_used_in_two_nodes(tmp_path):
    cls = lecture_with(tmp_path, ("self.grad += other.data * out.grad", "self.grad = other.data * out.grad"))
    msg = check("value_class", cls).message
    assert "use += so that a node used twice gets both contributions" in msg
    assert "`self.grad = other.data * out.grad`" in msg


def test_a_grad_that_becomes_a_value_is_told_to_use_data(tmp_path):
    cls = lecture_with(tmp_path, ("self.grad += other.data * out.grad", "self.grad += other * out.grad"))
    assert "a.grad became a Value: a grad is a number" in check("value_class", cls).message


def test_an_op_that_returns_a_number_is_told_to_return_a_value(tmp_path):
    cls = lecture_with(tmp_path, ("        out = Value(t, (self,), 'tanh')\n", "        return t\n"))
    assert "a.tanh() with a = 0.5 gave float 0.462117" in check("value_class", cls).message


def test_an_add_that_does_not_wrap_numbers_is_shown_its_line_and_how_to_wrap(tmp_path):
    cls = lecture_with(tmp_path, ("        other = other if isinstance(other, Value) else Value(other)\n", ""))
    msg = check("value_class", cls).message
    assert msg.startswith("❌ value_class: a + 2 with a = 1.5 raised AttributeError")
    assert "(at `out = Value(self.data + other.data, (self, other), '+')`)" in msg
    assert "other = other if isinstance(other, Value) else Value(other)" in msg


def test_a_power_that_reads_the_exponents_data_is_told_it_is_a_number(tmp_path):
    cls = lecture_with(tmp_path, ("self.data ** other,", "self.data ** other.data,"))
    assert "the exponent n is a plain number" in check("value_class", cls).message


def test_a_wrong_forward_is_named_with_expected_and_got(tmp_path):
    cls = lecture_with(tmp_path, ("Value(math.exp(self.data)", "Value(math.exp(self.data) + 1"))
    msg = check("value_class", cls).message
    assert "for a.exp() with a = 0.5, the result's data is 2.64872 but should be 1.64872" in msg


def test_a_class_with_eq_but_no_hash_is_told_why_sets_fail(tmp_path):
    cls = lecture_with(tmp_path, ("    def __rmul__(self, other):",
                                  "    def __eq__(self, other):\n        return self.data == other.data\n\n"
                                  "    def __rmul__(self, other):"))
    msg = check("value_class", cls).message
    assert "unhashable type" in msg and "__hash__ = object.__hash__" in msg


def test_a_backward_that_never_ends_is_stopped(tmp_path):
    cls = lecture_with(tmp_path, ("        self.grad = 1.0\n", "        while True:\n            pass\n"))
    msg = check("value_class", cls, time_limit=1).message
    assert msg.startswith("❌ value_class: stopped — your code took more than 1 s")

