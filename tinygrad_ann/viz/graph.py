"""draw_dot: the computation graph of a Value, as in the micrograd lecture.

One box per Value (`label | data 2.0000 | grad -3.0000`), one small node per
operation feeding it, coloured by role: parameters, inputs and constants,
intermediate results, the root. A graph too large to read is drawn as a
summary instead: counts per operation, and how to draw a part of it.

It draws the library's `Value`, and the nodes of the lecture's own class too
(micrograd's `Value`, a student's): any object with `data`, `grad`, `_prev`
and `_op`, each seen through a `LectureNode`.

This file also holds the pieces `BackpropReplay` (replay.py) draws its frames
with: the Value box, the op node and its label, the names of a node's edges.

Example:
    >>> from tinygrad_ann.engine import Value
    >>> a = Value(2.0, label='a'); b = Value(-3.0, label='b')
    >>> c = a * b; c.label = 'c'
    >>> c.backward()
    >>> 'grad -3.0000' in draw_dot(c).source          # a.grad = b = -3
    True
"""

from __future__ import annotations

import html
import math
from collections import Counter
from typing import Any, Iterable, Iterator, Union

import graphviz

from .._checks import got, is_number, whole_number, wrong_type
from ..engine import Value, dot_parts, op_constant
from .render import Drawing, check_format
from .style import (
    FONT, GRAD_BANDS, INK, LINE, ROLE_COLORS, ROLE_NAMES, ZERO, CaptionLine, caption_table,
    cell_width, check_rankdir, check_title, four_decimals, html_label, legend_row, new_drawing,
    text_line,
)

__all__ = [
    "draw_dot", "op_label", "MAX_NODES", "Params", "parameter_ids", "node_roles", "value_box",
    "op_text", "op_node_attrs", "edge_names", "too_large_to_draw", "QUICK_LAYOUT",
    "QUICK_LAYOUT_COST", "LectureNode", "graph_to_draw", "check_numbers", "describe_node",
]

# ---------------------------------------------------------------------------
# How operations are written
# ---------------------------------------------------------------------------

# Ops drawn with a symbol other than their name. Every other op (exp, tanh,
# relu, sqrt, custom ops, ...) is drawn with its name, so new ops need no entry.
_OP_SYMBOLS = {
    "neg": "−x",
    "abs": "|x|",
    "sum": "Σ",
}


def _constant_as_code(x: float) -> str:
    """An op's constant as written in code: 2 for 2.0, 0.5, -1."""
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e15 else repr(float(x))


def op_label(node: Value) -> str:
    """The text of the small operation node that feeds `node` ('' for a leaf).

    Most ops are drawn by name (`+`, `*`, `exp`, `tanh`, custom ops); `neg` as
    `−x`, the fused neuron sum `dot` as `Σ w·x + b` (`Σ w·x` without a bias),
    `sum` as `Σ`, a power with a constant exponent with it (`** 2`),
    leaky_relu with its slope.

    Example:
        >>> x = Value(3.0)
        >>> op_label(x ** 2), op_label(-x), op_label(x.leaky_relu(0.1)), op_label(x)
        ('** 2', '−x', 'leaky_relu 0.1', '')
    """
    op = node._op
    if not op:
        return ""
    if not isinstance(node, Value):  # another class's node: its op's name, as it wrote it
        return _OP_SYMBOLS.get(str(op), str(op))
    constant = op_constant(node)  # the 2 of x ** 2, the slope of leaky_relu
    if op == "**" and isinstance(constant, float):
        return f"** {_constant_as_code(constant)}"
    if op == "leaky_relu" and isinstance(constant, float):
        return f"leaky_relu {_constant_as_code(constant)}"
    if op == "dot":
        _, _, bias = dot_parts(node)
        return "Σ w·x" if bias is None else "Σ w·x + b"
    return _OP_SYMBOLS.get(op, op)


def _drawn_op_name(op: str) -> str:
    """An op's name as the pictures draw it: 'Σ w·x + b' for 'dot', '−x' for 'neg', ..."""
    return "Σ w·x + b" if op == "dot" else _OP_SYMBOLS.get(op, op)


def op_text(node: Value) -> str:
    """The label of the op node that feeds `node`: op_label(node), as DOT text.

    Plain text, not an HTML-like label, so that Graphviz centres it
    (text-anchor="middle") in any font the viewer has.

    Example:
        >>> op_text(Value(2.0) * 3)
        '*'
    """
    return graphviz.nohtml(op_label(node).replace("\\", "\\\\"))


def edge_names(node: Value) -> list[str]:
    """Names for the operand edges of `node`, in `node._prev` order: w1, x1, ..., b
    into a fused 'dot' node (from `dot_parts`), '' for every edge of other ops.

    Example:
        >>> from tinygrad_ann.engine import dot
        >>> w, x = [Value(2.0), Value(-1.0)], [Value(3.0), Value(4.0)]
        >>> edge_names(dot(w, x, 0.5)), edge_names(w[0] * x[0])
        (['w1', 'x1', 'w2', 'x2', 'b'], ['', ''])
    """
    operands = node._prev
    if node._op != "dot" or not isinstance(node, Value):
        return [""] * len(operands)
    weights, inputs, bias = dot_parts(node)
    # Each operand's names in reading order: one Value may be several operands
    # (dot([a], [a]) uses a as w1 and x1), and its edges take them in turn.
    names: dict[int, list[str]] = {}
    for k, (w, x) in enumerate(zip(weights, inputs, strict=True)):
        names.setdefault(id(w), []).append(f"w{k + 1}")
        names.setdefault(id(x), []).append(f"x{k + 1}")
    if bias is not None:
        names.setdefault(id(bias), []).append("b")
    return [names[id(v)].pop(0) for v in operands]


_OP_NODE = {
    "shape": "ellipse",
    "style": "filled",
    "fillcolor": "#F4F4F4",
    "color": LINE,
    "fontsize": "12",
    "margin": "0.06,0.03",
    "height": "0.3",
    "width": "0.4",
}
# For these ops the operands' order matters (a - b is not b - a), or their edges
# are named in order (w1, x1, ..., b into Σ w·x + b): their edges keep it, first
# operand on top (rankdir LR) or on the left (TB). Other ops go without, as the
# constraint can make edges loop around each other.
_ORDERED_OPS = {"-", "/", "**", "dot"}


def op_node_attrs(node: Value) -> dict[str, str]:
    """Attributes of the op node that feeds `node` (a new dict, free to change).

    Example:
        >>> a, b = Value(1.0), Value(2.0)
        >>> op_node_attrs(a - b)['ordering'], 'ordering' in op_node_attrs(a + b)
        ('in', False)
    """
    return {**_OP_NODE, "ordering": "in"} if node._op in _ORDERED_OPS else dict(_OP_NODE)


# ---------------------------------------------------------------------------
# Value boxes, and their colours
# ---------------------------------------------------------------------------

#: What `params=` takes: Values, or a model with `.parameters()`.
Params = Union[Iterable[Value], Any]


def parameter_ids(owner: str, params: Params | None) -> set[int] | None:
    """ids of the given parameters (None for none given): Values (or the nodes of the
    lecture's own class, see `LectureNode`), or a model with
    `.parameters()`; else a TypeError that names `owner`.

    Example:
        >>> w = Value(1.0)
        >>> parameter_ids('draw_dot', [w]) == {id(w)}, parameter_ids('draw_dot', None)
        (True, None)
        >>> parameter_ids('draw_dot', [w, 2.0])
        Traceback (most recent call last):
        TypeError: draw_dot: params[1] must be a Value, got 2.0 (float)
    """
    if params is None:
        return None
    source: Any = params
    if callable(getattr(source, "parameters", None)):
        source = source.parameters()
    if isinstance(source, Value):
        source = [source]
    try:
        values = list(source)
    except TypeError:
        values = None
    if values is None:
        wrong_type(owner, "params", "Values or a model with .parameters()", params)
    for k, v in enumerate(values):
        if not (isinstance(v, Value) or _has_node_fields(v)):
            wrong_type(owner, f"params[{k}]", "a Value", v)
    return {id(v) for v in values}


def node_roles(order: list[Value], root: Value, param_ids: set[int] | None) -> list[str]:
    """Each node's role, the key of its colour in ROLE_COLORS: 'root',
    'intermediate', 'parameter', 'input', or 'leaf' when no parameters are given.

    Example:
        >>> x, w = Value(2.0), Value(3.0)
        >>> y = x * w
        >>> node_roles(y.topological_order(), y, {id(w)})
        ['input', 'parameter', 'root']
    """
    roles = []
    for v in order:
        if v is root:
            roles.append("root")
        elif v._prev:
            roles.append("intermediate")
        elif param_ids is None:
            roles.append("leaf")
        else:
            roles.append("parameter" if id(v) in param_ids else "input")
    return roles


def _role_key(roles: Iterable[str]) -> CaptionLine:
    """The legend row for the roles present."""
    present = set(roles)
    items = [(ROLE_COLORS[r], ROLE_NAMES[r])
             for r in ("root", "intermediate", "parameter", "input", "leaf") if r in present]
    return legend_row("boxes:", items + [(_OP_NODE["fillcolor"], "operation", "rounded")])


def _grad_key() -> CaptionLine:
    """The legend row for grad_color=True: the bands, and 'no fill' for a zero grad."""
    return legend_row("|grad| / largest |grad|:",
                      [(c, t) for _, c, t in GRAD_BANDS] + [("#FFFFFF", "0")])


def _grad_fill(g: float, largest: float) -> str | None:
    """The grad cell's colour for |g| relative to the largest |grad|; None for 0."""
    if g != g:
        return ZERO
    if g == 0.0 or largest == 0.0:
        return None
    ratio = 1.0 if math.isinf(g) or math.isinf(largest) else abs(g) / largest
    for threshold, colour, _ in GRAD_BANDS:
        if ratio >= threshold:
            return colour
    return GRAD_BANDS[-1][1]  # pragma: no cover - the last band starts at 0


def value_box(
    label: str,
    data_text: str,
    grad_text: str | None,
    fill: str,
    *,
    grad_fill: str | None = None,
    grad_min_width: int = 0,
    grad_style: str = "",
    frame: int = 0,
    frame_colour: str = INK,
) -> str:
    """The HTML-like label of a Value, `label | data ... | grad ...`: a one-row table.

    `frame` is the width of an outline around the whole box, in `frame_colour`;
    `grad_style='italic'` writes the grad slanted; `grad_min_width` is the least
    width of the grad cell (a replay keeps it the same in every frame).

    Example:
        >>> box = value_box('a', 'data 2.0000', 'grad -3.0000', ROLE_COLORS['leaf'])
        >>> box.startswith('<<table') and 'grad -3.0000' in box
        True
    """
    label = str(label)  # a label set to a number by hand is still drawn
    cells = []
    # The label is bold and a partial grad slanted through the font's name
    # (Helvetica-Bold), not <b> or <i>: Graphviz puts text with <b> or <i> about
    # 2 pt higher than plain text, and the box's three texts would not line up.
    if label:
        width = cell_width(label, 12, 5, bold=True, face=True, border=1)
        cells.append(f'<td color="{INK}" width="{width}">'
                     f'<font face="{FONT}-Bold">{html.escape(label)}</font></td>')
    cells.append(f'<td color="{INK}" width="{cell_width(data_text, 12, 5, border=1)}">'
                 f'{html.escape(data_text)}</td>')
    if grad_text is not None:
        italic = grad_style == "italic"
        width = max(cell_width(grad_text, 12, 5, face=italic, border=1), grad_min_width)
        extra = f' bgcolor="{grad_fill}"' if grad_fill else ""
        text = html.escape(grad_text)
        if italic:
            text = f'<font face="{FONT}-Oblique">{text}</font>'
        cells.append(f'<td color="{INK}" width="{width}"{extra}>{text}</td>')
    return html_label(
        f'<table border="{frame}" cellborder="1" cellspacing="0" cellpadding="5" '
        f'bgcolor="{fill}" color="{frame_colour}"><tr>{"".join(cells)}</tr></table>'
    )


# ---------------------------------------------------------------------------
# How large a graph can be drawn
# ---------------------------------------------------------------------------


def _layout_cost(order: list[Value]) -> int:
    """An estimate of the extra work of laying out `order`: the length of its long edges.

    `dot` puts each Value and each op node in a column (rank) and routes an edge
    that skips k columns through k - 1 invisible nodes, which it then has to
    place too: a weight used at every step of a long chain (x = x * w + 1,
    100 times) adds thousands of them and makes the layout take minutes.
    Here a node's column is its depth (leaves sit just before their first use),
    and the estimate is the number of columns all edges skip.
    """
    depth: dict[int, int] = {}
    first_use: dict[int, int] = {}
    for v in order:  # operands come first
        operands = v._prev
        d = depth[id(v)] = 1 + max((depth[id(c)] for c in operands), default=-1)
        for c in operands:
            if not c._prev:
                first_use[id(c)] = min(first_use.get(id(c), d), d)
    skipped = 0
    for v in order:
        op_column = 2 * depth[id(v)] - 1
        for c in v._prev:
            column = 2 * depth[id(c)] if c._prev else 2 * first_use[id(c)] - 2
            skipped += max(op_column - column - 1, 0)
    return skipped


#: Past this estimated layout cost, ask dot for fewer refinement passes
#: (QUICK_LAYOUT): the pictures of such graphs came out the same, many times faster.
QUICK_LAYOUT_COST = 2000
QUICK_LAYOUT = {"nslimit": "2", "nslimit1": "2"}
# A graph whose values plus long-edge cost exceed max_nodes times this is
# summarised, as one with too many values is.
_COST_PER_NODE = 20

#: draw_dot's and BackpropReplay's default limit on the Values drawn whole. The
#: micrograd lecture's MLP(3, [4, 4, 1]) on one input has 61 Values (67 with a
#: squared error), a picture of about 4000 x 2000 pixels that lays out in about
#: a second; an MLP(2, [4, 4, 1])'s hinge loss on 2 points has 88 (4000 x 3300
#: pixels), on 10 points 280: 4000 x 17000 pixels that took 6-20 seconds, a
#: wall no one can read.
MAX_NODES: int = 100


def too_large_to_draw(order: list[Value], max_nodes: int | None) -> tuple[bool, int]:
    """(whether the graph `order` is past max_nodes, its long-edge layout cost).

    Example:
        >>> x = Value(1.0)
        >>> y = x * 2 + 1
        >>> too_large_to_draw(y.topological_order(), 100), too_large_to_draw(y.topological_order(), 3)
        ((False, 0), (True, 0))
    """
    if max_nodes is None:
        return False, 0
    if len(order) > max_nodes:
        return True, 0
    cost = _layout_cost(order)
    return len(order) + cost > _COST_PER_NODE * max_nodes, cost


# ---------------------------------------------------------------------------
# The nodes of another class: the lecture's own Value, micrograd's, a student's
# ---------------------------------------------------------------------------

_NODE_FIELDS = ("data", "grad", "_prev", "_op")


def _has_node_fields(x: object) -> bool:
    return not isinstance(x, type) and all(hasattr(x, f) for f in _NODE_FIELDS)


class LectureNode:
    """A node of another class (the lecture's own Value, micrograd's, a student's),
    as the drawings read a node: `data`, `grad`, `label`, `_op`, `_prev` (in a
    fixed order) and `_backward()`.

    `data`, `grad` and `_backward()` are the node's own (reading and setting
    `grad` reads and sets the node's); `label` is its label ('' if it has none),
    and `_prev` holds the LectureNodes of its operands. Where the node keeps its
    operands in a set (as micrograd does, so `a + a` has one operand), whose
    order Python does not fix, they are put in a stable order: sorted by label,
    then by op, then by data. A tuple or a list keeps its own order.

    Example:
        >>> class Node:                                   # the lecture's fields
        ...     def __init__(self, data, _children=(), _op=''):
        ...         self.data, self.grad = data, 0
        ...         self._prev, self._op = set(_children), _op
        >>> a, b = Node(2.0), Node(-3.0)
        >>> root, order, _ = graph_to_draw('draw_dot', Node(-6.0, (a, b), '*'))
        >>> [v.data for v in root._prev], root.label, root._op
        ([-3.0, 2.0], '', '*')
    """

    __slots__ = ("node", "label", "_op", "_prev")

    def __init__(self, node: Any) -> None:
        self.node = node
        label = getattr(node, "label", "")
        self.label = "" if label is None else str(label)
        self._op = str(node._op)
        self._prev: tuple[LectureNode, ...] = ()  # filled in by graph_to_draw

    @property
    def data(self) -> Any:
        return self.node.data

    @property
    def grad(self) -> Any:
        return self.node.grad

    @grad.setter
    def grad(self, g: Any) -> None:
        self.node.grad = g

    def _backward(self) -> None:
        self.node._backward()


def _stable_key(node: Any) -> tuple[str, str, tuple[int, float]]:
    """How a set's operands are ordered: by label, then op, then data (nan last)."""
    label = getattr(node, "label", "")
    try:
        x = float(getattr(node, "data", 0.0))
        number = (1, 0.0) if x != x else (0, x)
    except (TypeError, ValueError, OverflowError):
        number = (2, 0.0)
    return ("" if label is None else str(label), str(getattr(node, "_op", "")), number)


def describe_node(node: Any) -> str:
    """A node (of any class) in an error message: its op or 'leaf', label and data.

    Example:
        >>> describe_node(Value(2.0, label='x')), describe_node(Value(2.0) * 3)
        ("the leaf 'x' (data 2.0)", 'the * node (data 6.0)')
    """
    label, op, data = getattr(node, "label", ""), getattr(node, "_op", ""), getattr(node, "data", None)
    kind, shown = f"the {op} node" if op else "the leaf", repr(data) if is_number(data) else got(data)
    return f"{kind}{f' {label!r}' if label else ''} (data {shown})"


def _operands_in_order(owner: str, node: Any) -> list[Any]:
    """node._prev as a list: a set's in the stable order, any other iterable's in its own."""
    prev = node._prev
    if isinstance(prev, (set, frozenset)):
        return sorted(prev, key=_stable_key)
    try:
        return list(prev)
    except TypeError:
        raise TypeError(f"{owner}: the _prev of {describe_node(node)} must hold its operands (a tuple, list or "
                        f"set of nodes), got {got(prev)}") from None


def _lecture_node(owner: str, node: Any, user: Any) -> LectureNode:
    if not _has_node_fields(node):
        missing = ", ".join(f for f in _NODE_FIELDS if not hasattr(node, f))
        raise TypeError(f"{owner}: {describe_node(user)} has an operand that is not a node: {got(node)}, which has "
                        f"no {missing}. Every node needs data, grad, _prev and _op: wrap a number in your Value "
                        f"class before using it as an operand.")
    return LectureNode(node)


def _walk(owner: str, root: Any) -> tuple[LectureNode, list[LectureNode], dict[int, LectureNode]]:
    """Every node under `root` (another class's), each after its operands, as LectureNodes;
    and the LectureNode of each node, by the node's id. Iterative (no recursion limit)."""
    first = LectureNode(root)
    made = {id(root): first}
    order: list[LectureNode] = []
    on_path = {id(root)}  # the nodes being visited: meeting one again is a cycle
    stack: list[tuple[LectureNode, Iterator[Any], list[LectureNode]]] = [
        (first, iter(_operands_in_order(owner, root)), [])]
    while stack:
        node, rest, operands = stack[-1]
        for child in rest:
            known = made.get(id(child))
            if known is None:
                known = made[id(child)] = _lecture_node(owner, child, node.node)
                operands.append(known)
                on_path.add(id(child))
                stack.append((known, iter(_operands_in_order(owner, child)), []))
                break
            if id(child) in on_path:
                raise ValueError(f"{owner}: the graph has a cycle: {describe_node(child)} is among the operands "
                                 f"of a node made from it; a computation graph never loops back.")
            operands.append(known)
        else:
            stack.pop()
            on_path.discard(id(node.node))
            node._prev = tuple(operands)
            order.append(node)
    return first, order, made


def graph_to_draw(owner: str, root: Any, param_ids: set[int] | None = None
                  ) -> tuple[Any, list[Any], set[int] | None]:
    """(the root as drawn, every node under it, each after its operands, the
    parameters' ids among them) for `owner` (draw_dot, BackpropReplay).

    The library's Value is drawn as it is. The node of another class (any object
    with `data`, `grad`, `_prev` and `_op`, as the lecture's own class has) is
    drawn through `LectureNode`s: `param_ids` (ids of the class's own nodes)
    become theirs. Anything else is a TypeError that says what a node needs.

    Example:
        >>> x = Value(3.0)
        >>> root, order, params = graph_to_draw('draw_dot', x * 2, {id(x)})
        >>> len(order), params == {id(x)}
        (3, True)
        >>> graph_to_draw('draw_dot', 2.0)
        Traceback (most recent call last):
        TypeError: draw_dot: root must be a Value (e.g. the loss), or a node of the lecture's own Value class (with data, grad, _prev and _op), got 2.0 (float)
    """
    if isinstance(root, Value):
        return root, root.topological_order(), param_ids
    if not _has_node_fields(root):
        hint = (" To draw a model's neurons use draw_network(model)."
                if hasattr(root, "layers") or hasattr(root, "neurons") else "")
        missing = [f for f in _NODE_FIELDS if not hasattr(root, f)]
        lacks = f", which has no {', '.join(missing)}" if 0 < len(missing) < len(_NODE_FIELDS) else ""
        raise TypeError(f"{owner}: root must be a Value (e.g. the loss), or a node of the lecture's own Value "
                        f"class (with data, grad, _prev and _op), got {got(root)}{lacks}{hint}")
    first, order, made = _walk(owner, root)
    if param_ids is not None:
        param_ids = {id(made[i]) for i in param_ids if i in made}
    return first, order, param_ids


def check_numbers(owner: str, order: Iterable[Any], when: str = "") -> None:
    """Every node's data and grad must be numbers (another class's may not be);
    a TypeError naming the first that is not (`when`: ', after step 3').

    Example:
        >>> check_numbers('draw_dot', [Value(1.0)])
    """
    for v in order:
        for field in ("data", "grad"):
            x = getattr(v, field)
            if not is_number(x):
                node = v.node if isinstance(v, LectureNode) else v
                raise TypeError(f"{owner}: the {field} of {describe_node(node)} must be a number{when}, got {got(x)}")


# ---------------------------------------------------------------------------
# draw_dot
# ---------------------------------------------------------------------------


def draw_dot(
    root: Value | Any,
    format: str = "svg",
    rankdir: str = "LR",
    *,
    params: Params | None = None,
    legend: bool = False,
    grad_color: bool = False,
    show_grad: bool = True,
    max_nodes: int | None = MAX_NODES,
    title: str | None = None,
) -> Drawing:
    """Draw the computation graph that produced `root`, as in the micrograd lecture.

    `root` is a Value, or a node of the lecture's own Value class (micrograd's,
    or one you wrote): any object with `data`, `grad`, `_prev` (its operands: a
    tuple, a list or a set) and `_op`, and `label` if it has one. A set's
    operands, whose order Python does not fix, are drawn sorted by label, then
    op, then data (see `LectureNode`).

    One box per Value, `label | data 2.0000 | grad -3.0000`, and one small node
    per operation feeding it (`+`, `*`, `** 2`, `tanh`, `Σ w·x + b`, ...). The
    boxes are coloured by role: the root (usually the loss), intermediate
    results, and the leaves; pass `params=` (Values, or a model with
    `.parameters()`) to tell parameters from inputs and constants.

    Args:
        root: the Value to draw from (everything it depends on is drawn).
        format: the default output format of `.pipe()` / `.render()`.
        rankdir: 'LR' (left to right, inputs on the left), or 'TB', 'RL', 'BT'.
        params: the parameters, to colour them apart from inputs and constants.
        legend: add a key to the colours above the picture.
        grad_color: colour each grad cell by |grad| relative to the largest,
            so you see where the gradient flows (and where it vanishes).
        show_grad: show the grad cells (False for a picture of the forward pass).
        max_nodes: past this many Values (100), draw a one-box summary instead
            of an unreadable wall: counts per operation, and how to draw a part
            (a Value inside the graph, one neuron, or everything with
            max_nodes=None). A graph with many long edges (a value reused far
            from where it was made) is summarised sooner, when it would take as
            long to lay out as 20 x max_nodes values.
        title: a caption above the picture.

    Works before `backward()` too (every grad is then 0). Node names come from
    the topological order, so the same graph gives the same DOT source. The
    edges into a `Σ w·x + b` node are named w1, x1, ..., b, top to bottom.
    With another class, `params=` takes its nodes.

    Example:
        >>> x = Value(3.0, label='x'); w = Value(-2.0, label='w')
        >>> y = (w * x).tanh(); y.label = 'y'
        >>> y.backward()
        >>> g = draw_dot(y, params=[w], legend=True)
        >>> 'data -2.0000' in g.source, 'tanh' in g.source
        (True, True)
        >>> g.render('y_graph', format='png', cleanup=True)   # doctest: +SKIP
        'y_graph.png'
    """
    check_format("draw_dot", format)
    check_rankdir("draw_dot", rankdir)
    check_title("draw_dot", title)
    if max_nodes is not None:
        max_nodes = whole_number("draw_dot", "max_nodes", max_nodes, minimum=1)
    # Leaves first, first operands first (iterative: fine for graphs of any depth).
    # The nodes are named v0, v1, ... in this order, and Graphviz keeps the order
    # in which nodes are named; the edges into ops whose operand order matters
    # (a - b, Σ w·x + b) keep theirs too (_ORDERED_OPS).
    root, order, param_ids = graph_to_draw("draw_dot", root, parameter_ids("draw_dot", params))
    if not isinstance(root, Value):
        check_numbers("draw_dot", order)
    too_large, cost = too_large_to_draw(order, max_nodes)
    if too_large:
        assert max_nodes is not None
        return _draw_summary(root, order, param_ids, format, rankdir, max_nodes, title)

    roles = node_roles(order, root, param_ids)
    show_scale = grad_color and show_grad
    keys: list[CaptionLine] = []
    if legend:
        keys.append(_role_key(roles))
        if show_scale:
            keys.append(_grad_key())
    dot = new_drawing(rankdir, format, caption_table(title, keys))
    if cost > QUICK_LAYOUT_COST:
        dot.attr(**QUICK_LAYOUT)
    largest = max((abs(v.grad) for v in order if v.grad == v.grad), default=0.0)
    for i, v in enumerate(order):
        grad_text = f"grad {four_decimals(v.grad)}" if show_grad else None
        dot.node(
            f"v{i}",
            value_box(
                v.label, f"data {four_decimals(v.data)}", grad_text, ROLE_COLORS[roles[i]],
                grad_fill=_grad_fill(v.grad, largest) if show_scale else None,
                frame=2 if roles[i] == "root" else 0,
            ),
            shape="plain",
        )
    index = {id(v): i for i, v in enumerate(order)}
    for i, v in enumerate(order):
        if not v._prev:
            continue
        dot.node(f"v{i}op", op_text(v), **op_node_attrs(v))
        for child, name in zip(v._prev, edge_names(v), strict=True):
            dot.edge(f"v{index[id(child)]}", f"v{i}op", **({"label": name} if name else {}))
        dot.edge(f"v{i}op", f"v{i}")
    return dot


# ---------------------------------------------------------------------------
# The summary of a graph too large to draw
# ---------------------------------------------------------------------------


def _a_part(root: Value, max_nodes: int, levels: int = 6) -> tuple[str, Value, int] | None:
    """A sub-expression of `root` draw_dot can draw whole: ('root._prev[0]._prev[2]', it, its size).

    It follows the largest operand down from the root until what is below it
    fits, for at most `levels` steps: the largest readable part on that path.
    None for another class's graph, whose `_prev` may be a set (no `[0]`).
    """
    if not isinstance(root, Value):
        return None
    path, node = "root", root
    for _ in range(levels):
        best: tuple[int, Value, list[Value]] | None = None
        for k, child in enumerate(node._prev):
            if not child._prev:
                continue  # a leaf alone is no picture
            below = child.topological_order()
            if best is None or len(below) > len(best[2]):
                best = (k, child, below)
        if best is None:
            return None
        k, node, order = best
        path += f"._prev[{k}]"
        if not too_large_to_draw(order, max_nodes)[0]:
            return path, node, len(order)
    return None


def _summary_advice(root: Value, order: list[Value], max_nodes: int, ops: Counter[str]) -> list[CaptionLine]:
    """The caption of a summary: why the graph is not drawn, and how to draw less (or all)."""
    if len(order) > max_nodes:
        headline = f"{len(order):,} values: too many to draw readably (max_nodes={max_nodes:,})"
    else:
        headline = f"{len(order):,} values with long edges: too slow to lay out (max_nodes={max_nodes:,})"
    lines = [text_line(headline, 13, bold=True)]
    if len(order) <= max_nodes:
        lines.append(text_line("values used far from where they are made (like a weight used at "
                               "every step of a loop) make long edges", 12, "#555555"))
    # How to draw less. Looking for a part that fits walks the graph again for
    # each step down, so a huge graph gets only the general advice.
    lines.append(text_line("to draw a part, give draw_dot a Value inside the graph:", 12))
    part = _a_part(root, max_nodes) if len(order) <= 20_000 else None
    if part is not None:
        path, node, size = part
        what = f"the Value '{node.label}'" if str(node.label) else f"a {op_label(node)} node"
        lines.append(text_line(f"    draw_dot({path}) draws {size:,} values: {what} and what it "
                               f"is made from", 12))
    else:  # not even a part a few steps down is small enough
        lines.append(text_line(f"    one made from at most {max_nodes:,} values: the root's operands, "
                               f"and theirs, are made from more", 12))
    if "dot" in ops:
        lines.append(text_line("    or one neuron on one input: draw_dot(model.layers[0].neurons[0](x))", 12))
    timeout = Drawing.timeout
    lines.append(text_line("to draw it all: draw_dot(root, max_nodes=None)", 12))
    lines.append(text_line("    a picture too large to read whole; " + (
        f"a layout that takes over {timeout:g} s is stopped (Drawing.timeout)" if timeout
        else "its layout may take minutes"), 12))
    return lines


def _draw_summary(
    root: Value,
    order: list[Value],
    param_ids: set[int] | None,
    format: str,
    rankdir: str,
    max_nodes: int,
    title: str | None,
) -> Drawing:
    """A readable picture of a graph too large to draw: the root, counts by op, and advice."""
    ops = Counter(v._op for v in order if v._prev)
    leaves = [v for v in order if not v._prev]
    depth: dict[int, int] = {}
    for v in order:  # operands come first, so their depths are known
        depth[id(v)] = 1 + max((depth[id(c)] for c in v._prev), default=-1)
    pad = 4  # the tables' cellpadding

    def row(name: str, count: int, fill: str = "") -> str:
        bg = f' bgcolor="{fill}"' if fill else ""
        number = f"{count:,}"
        # The count is right-aligned: a wider font than Graphviz measured runs
        # on to the right, into the empty cell after it.
        return (f'<tr><td align="left" width="{cell_width(name, 12, pad, centred=False)}"{bg}>'
                f'{html.escape(name)}</td>'
                f'<td align="right" width="{cell_width(number, 12, pad, centred=False)}"{bg}>'
                f'{number}</td><td width="10"{bg}></td></tr>')

    # The headline and the advice go above the picture, the counts in the box.
    lines = _summary_advice(root, order, max_nodes, ops)
    rows = [row("operations on the longest path", depth[id(root)])]
    if param_ids is None:
        rows.append(row("leaves", len(leaves), ROLE_COLORS["leaf"]))
    else:
        n_params = sum(1 for v in leaves if id(v) in param_ids)
        rows.append(row("parameters", n_params, ROLE_COLORS["parameter"]))
        rows.append(row("inputs / constants", len(leaves) - n_params, ROLE_COLORS["input"]))
    heading = "values made by each operation:"
    rows.append(f'<tr><td colspan="3" align="left" width="{cell_width(heading, 12, pad, centred=False)}">'
                f'<i>{heading}</i></td></tr>')
    shown = sorted(ops.items(), key=lambda kv: (-kv[1], kv[0]))
    for name, count in shown[:12]:
        rows.append(row(f"   {_drawn_op_name(name)}", count))
    if len(shown) > 12:
        rows.append(row(f"   {len(shown) - 12} other ops", sum(c for _, c in shown[12:])))

    dot = new_drawing(rankdir, format, caption_table(title, lines))
    dot.node(
        "summary",
        html_label(f'<table border="1" cellborder="0" cellspacing="0" cellpadding="{pad}" '
                   f'color="{LINE}">' + "".join(rows) + "</table>"),
        shape="plain",
    )
    last = f"v{len(order) - 1}"  # the root's name in the full drawing too
    dot.node(last, value_box(root.label, f"data {four_decimals(root.data)}",
                             f"grad {four_decimals(root.grad)}", ROLE_COLORS["root"], frame=2),
             shape="plain")
    if root._prev:
        dot.node(f"{last}op", op_text(root), **op_node_attrs(root))
        dot.edge("summary", f"{last}op", style="dashed")
        dot.edge(f"{last}op", last)
    return dot
