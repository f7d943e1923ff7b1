"""draw_network: a Neuron, Layer or MLP as columns of neurons joined by their weights;
a recurrent network (RNN, LSTM, GRU or one of their cells) unrolled through time.

Neurons, not scalars: inputs on the left, then one column per layer; each
connection blue for a positive weight and red for a negative one, as thick
as |weight|. A recurrent network is drawn as its cell repeated through
`steps` time steps, left to right: x_t below, h_t above, the state flowing
right from each copy to the next, every copy labelled with the same weights.

Example:
    >>> from tinygrad_ann import MLP
    >>> g = draw_network(MLP(2, [3, 1], rng=0))
    >>> 'hidden 1' in g.source and 'output' in g.source
    True
    >>> from tinygrad_ann.nn import LSTM
    >>> g = draw_network(LSTM(1, 3, rng=0), steps=3)
    >>> 'the same weights at every step' in g.source
    True
"""

from __future__ import annotations

import html
import math
from itertools import pairwise
from typing import Any, Callable, NamedTuple

from .._checks import got, one_of, whole_number
from ..engine import Value
from .render import Drawing, check_format
from .style import (
    INK, LINE, NEGATIVE, POSITIVE, ROLE_COLORS, ZERO, CaptionLine, caption_table, check_rankdir,
    check_title, four_decimals, html_label, layout_width, legend_row, new_drawing, short_number,
    text_line, text_width,
)

__all__ = ["draw_network", "MAX_STEPS"]


def _network_layers(model: Any) -> list[list[Any]]:
    """The model's neurons layer by layer: an MLP (.layers), a Layer (.neurons), a Neuron (.w)."""
    if hasattr(model, "layers"):
        layers = [list(layer.neurons) for layer in model.layers]
    elif hasattr(model, "neurons"):
        layers = [list(model.neurons)]
    elif hasattr(model, "w") and hasattr(model, "b"):
        layers = [[model]]
    else:
        hint = " To draw a computation graph use draw_dot(value)." if isinstance(model, Value) else ""
        raise TypeError(
            f"draw_network: model must be a Neuron, Layer or MLP (an object with .w and .b, "
            f".neurons or .layers), got {got(model)}.{hint}"
        )
    if not layers or any(not layer for layer in layers):
        raise ValueError("draw_network: the model has a layer with no neurons")
    fan_in = len(layers[0][0].w)
    for k, layer in enumerate(layers):
        for j, neuron in enumerate(layer):
            if len(neuron.w) != fan_in:
                raise ValueError(
                    f"draw_network: neuron {j + 1} of layer {k + 1} has {len(neuron.w)} "
                    f"weights, but {fan_in} values come into that layer"
                )
        fan_in = len(layer)
    return layers


def _activation_name(neuron: Any) -> str:
    """'relu', 'tanh', ...: the neuron's activation as a string, or a function's name."""
    act = getattr(neuron, "activation", None)
    if act is None:
        return "linear"
    if isinstance(act, str):
        return act
    return getattr(act, "__name__", type(act).__name__)


class _Shown(NamedTuple):
    """What the picture shows of each weight and bias (show='weights' or 'grads')."""

    pick: Callable[[Value], float]  # the number drawn: v.data or v.grad
    noun: str  # what a connection's number is called: 'weight' or 'w.grad'
    bias_name: str  # what a neuron's number is called: 'b' or 'b.grad'


_SHOWN = {
    "weights": _Shown(lambda v: v.data, "weight", "b"),
    "grads": _Shown(lambda v: v.grad, "w.grad", "b.grad"),
}

# One column of the picture: its title, and its nodes as (name, label, fill).
_Column = tuple[str, list[tuple[str, str, str]]]


def _network_key(show: str, shown: _Shown, numbers: list[float], legend: bool) -> list[CaptionLine]:
    """The caption's lines: the legend (if asked for), and a note when every number is 0."""
    noun = shown.noun
    all_zero = all(x == 0.0 for x in numbers)
    zero_note = (f"every {noun} is 0" + (": call backward() first?" if show == "grads" else "")
                 + " (drawn thin and grey)")
    keys: list[CaptionLine] = []
    if legend:
        keys.append(legend_row(
            f"connections ({noun}):",
            [(POSITIVE, "positive"), (NEGATIVE, "negative"), (ZERO, "zero")],
            line=True,
            note=zero_note if all_zero else f"thicker = larger |{noun}|",
        ))
        what_b = "the gradient of its bias" if show == "grads" else "its bias"
        keys.append(text_line(f"each neuron shows its activation and {shown.bias_name} = {what_b}",
                              12, "#555555"))
    elif all_zero:
        keys.append(text_line(zero_note, 12, "#555555"))
    return keys


# A neuron's two lines of text: its activation, and its bias (points).
_ACTIVATION_PT, _BIAS_PT = 11, 9
_CLEARANCE = 5.0  # points between a neuron's text and its outline, in any font


def _circle_diameter(lines: list[tuple[str, float]]) -> float:
    """The diameter in inches (at least 0.75, rounded up to hundredths) of a circle
    that holds `lines`, each (text, point size), with `_CLEARANCE` between the
    text and the outline in any font.

    Graphviz stacks the lines about the centre, each 1.2 x its size high, and
    starts each line where its own (Helvetica) width would centre it, so a wider
    font (DejaVu Sans) runs on to the right. The text's farthest corner is then
    `reach` right of the centre and up to half the stack's height above or below
    it; the circle must pass outside that corner, not only outside the widest line.

    Example:
        >>> _circle_diameter([('relu', 11), ('b.grad = -0.0067', 9)])
        1.41
    """
    half_height = sum(1.2 * size for _, size in lines) / 2
    reach = max(text_width(text, size) - layout_width(text, size) / 2 for text, size in lines)
    diameter = 2 * (math.hypot(reach, half_height) + _CLEARANCE) / 72
    return max(0.75, math.ceil(diameter * 100) / 100)  # up to what the drawing writes (1.41)


def _columns(layers: list[list[Any]], shown: _Shown) -> tuple[list[_Column], float]:
    """The columns (inputs, then each layer's neurons) and the size of a neuron (inches).

    A neuron shows its activation and its bias (`relu / b = 0.13`); every neuron
    is as large as the widest of these needs.
    """
    n_inputs = len(layers[0][0].w)
    neuron_texts = [
        [(_activation_name(neuron), f"{shown.bias_name} = {short_number(shown.pick(neuron.b))}")
         for neuron in layer]
        for layer in layers
    ]
    size = max(_circle_diameter([(act, _ACTIVATION_PT), (bias, _BIAS_PT)])  # inches: every
               for layer in neuron_texts for act, bias in layer)         # neuron the same size
    columns: list[_Column] = [
        ("input", [(f"x{i + 1}", html_label(f"x{i + 1}"), ROLE_COLORS["input"]) for i in range(n_inputs)]),
    ]
    for k, texts in enumerate(neuron_texts):
        is_output = k == len(layers) - 1
        fill = "#CCDDAA" if is_output else ROLE_COLORS["parameter"]  # Tol pale green / blue
        columns.append(("output" if is_output else f"hidden {k + 1}", [
            (f"n{k + 1}_{j + 1}",
             html_label(f'{html.escape(act)}<br/><font point-size="{_BIAS_PT}">{html.escape(bias)}</font>'),
             fill)
            for j, (act, bias) in enumerate(texts)
        ]))
    return columns, size


class _Layout:
    """Where every node of the picture goes, in points.

    Column c sits at `along[c]` (left to right for 'LR'); its node j at
    `place(c, j)` across (top to bottom for 'LR'), centred on the middle line.
    The gap between two columns grows with how many lines cross it (16 x 16
    neurons: 256), so that they spread out. With numbers on the lines,
    `label_at[k]` is how far back from the head of a line into layer k its
    number sits.
    """

    def __init__(self, counts: list[int], size: float, rankdir: str, numbers: list[str] | None) -> None:
        self.counts, self.rankdir = counts, rankdir
        self.radius = size * 72 / 2
        self.step = size * 72 + 14
        self.gaps = [max(size * 72 + 80, 0.3 * math.sqrt(a * b) * self.step) for a, b in pairwise(counts)]
        self.label_at: list[float] = [0.0] * (len(counts) - 1)
        if numbers is not None:
            self._make_room_for(numbers)
        self.along = [0.0]
        for g in self.gaps:
            self.along.append(self.along[-1] + g)
        self.across_title = (max(counts) - 1) / 2 * self.step + size * 72 / 2 + 22

    def _make_room_for(self, numbers: list[str]) -> None:
        """Spread the nodes so that the numbers written on the lines fit.

        A number sits on its own line, in a white box, a distance `back` before
        the neuron the line goes into. There, the lines into one neuron are
        `back / gap * step` apart, and the numbers on them fill a band; the
        bands of neighbouring neurons must not meet. Chosen so that no two
        numbers overlap and none touches a neuron.
        """
        counts = self.counts
        width_pt = max(text_width(t, 9) for t in numbers) + 4
        height_pt = 13.0
        across_size, along_size = (height_pt, width_pt) if self.rankdir in ("LR", "RL") else (width_pt, height_pt)
        room = across_size + 7  # the least distance between two numbers' centres, across
        back = self.radius + along_size / 2 + 12  # clear of the neuron and the arrowhead
        for k, gap in enumerate(self.gaps):  # column k feeds layer k (column k + 1)
            if counts[k + 1] > 1:  # the bands of the neurons of this layer must not meet
                self.step = max(self.step, (counts[k] + 1) * room)
            self.step = max(self.step, room * gap / back)  # the numbers into one neuron apart
        for k in range(len(self.gaps)):
            widest_f = (1 - room / self.step) / counts[k] if counts[k + 1] > 1 else 1.0
            self.gaps[k] = max(self.gaps[k], back / widest_f)
            self.label_at[k] = back

    def place(self, c: int, j: int) -> float:
        """How far across node j of column c sits from the middle line."""
        return (j - (self.counts[c] - 1) / 2) * self.step

    def pos(self, a: float, c: float) -> str:
        """The pinned position (neato's pos="x,y!", inches) of a point `a` along, `c` across."""
        a, c = a / 72, c / 72  # inches
        x, y = {"LR": (a, -c), "RL": (-a, -c), "TB": (c, -a), "BT": (c, a)}[self.rankdir]
        return f"{x:.3f},{y:.3f}!"


def _draw_columns(dot: Drawing, columns: list[_Column], layout: _Layout, size: float) -> None:
    """Each column's title, and its inputs or neurons as circles."""
    for c, (name, nodes) in enumerate(columns):
        across = -layout.across_title if layout.rankdir in ("LR", "RL") else -layout.across_title - 22
        dot.node(f"title_{c}", name, shape="plaintext", fontsize="12", fontcolor="#555555",
                 pos=layout.pos(layout.along[c], across))
        for j, (node_id, text, fill) in enumerate(nodes):
            dot.node(node_id, text, shape="circle", style="filled", fillcolor=fill, color=INK,
                     fontsize=str(_ACTIVATION_PT), width=f"{size:.2f}", fixedsize="true",
                     pos=layout.pos(layout.along[c], layout.place(c, j)))


def _line_style(x: float, largest: float) -> tuple[str, str]:
    """A connection's colour (by the sign of x) and width (by |x| / largest |x|)."""
    colour = ZERO if x == 0.0 or x != x else (POSITIVE if x > 0 else NEGATIVE)
    # All zero (before backward(), or a dead layer): every line thin.
    ratio = 0.0 if largest == 0.0 else 1.0 if math.isinf(x) else min(abs(x) / largest, 1.0)
    return colour, f"{0.6 + 3.4 * (ratio if x == x else 0.0):.2f}"


def _draw_connections(
    dot: Drawing, layers: list[list[Any]], layout: _Layout, shown: _Shown, values: bool, largest: float,
) -> None:
    """A line per weight, from its input to its neuron; with `values`, its number on it."""
    n_inputs = len(layers[0][0].w)
    for k, layer in enumerate(layers):
        # node names as in the picture: inputs x1, x2, ...; neuron j of layer k is nk_j
        sources = ([f"x{i + 1}" for i in range(n_inputs)] if k == 0
                   else [f"n{k}_{i + 1}" for i in range(len(layers[k - 1]))])
        source_names = ([f"input x{i + 1}" for i in range(n_inputs)] if k == 0
                        else [f"neuron {i + 1} of layer {k}" for i in range(len(layers[k - 1]))])
        for j, neuron in enumerate(layer):
            for i, w in enumerate(neuron.w):
                x = shown.pick(w)
                colour, penwidth = _line_style(x, largest)
                tooltip = f"{shown.noun} from {source_names[i]} to neuron {j + 1} of layer {k + 1}: {four_decimals(x)}"
                dot.edge(sources[i], f"n{k + 1}_{j + 1}", color=colour, tooltip=tooltip, penwidth=penwidth)
                if values:
                    t = layout.label_at[k] / layout.gaps[k]  # the fraction of the line back from its head
                    text = short_number(x)
                    dot.node(f"w{k + 1}_{j + 1}_{i + 1}", text, shape="box", style="filled",
                             fillcolor="white", color="white", penwidth="0", fontsize="9",
                             fontcolor=colour, tooltip=tooltip, fixedsize="true",
                             width=f"{(text_width(text, 9) + 4) / 72:.3f}", height=f"{13 / 72:.3f}",
                             margin="0",
                             pos=layout.pos(layout.along[k + 1] - layout.label_at[k],
                                            layout.place(k + 1, j) + t * (layout.place(k, i) - layout.place(k + 1, j))))


# ---------------------------------------------------------------------------
# A recurrent network unrolled through time
# ---------------------------------------------------------------------------

#: The most time steps an unrolled picture draws (more would not fit a slide).
MAX_STEPS = 12

# What each kind of cell shows: its gates (under the name) and the states it carries right.
_RECURRENT_KINDS = {
    1: ("RNN", ("h",)),
    4: ("LSTM", ("c", "h")),
    3: ("GRU", ("h",)),
}
_GATE_TEXT = {"LSTM": "gates i f g o", "GRU": "gates r z n"}
_STATE_COLOURS = {"h": POSITIVE, "c": "#228833"}  # Tol bright blue, and green for the cell state
_SOFT = "#555555"


class _Unrolled(NamedTuple):
    """What an unrolled picture needs to know of a recurrent model."""

    kind: str  # 'RNN', 'LSTM' or 'GRU'
    name: str  # the cell's class name, e.g. 'LSTMCell'
    layers: int  # cells stacked (num_layers)
    input_size: int
    hidden_size: int
    activation: str  # an RNN's nonlinearity ('tanh' or 'relu'); '' for the gated cells
    states: tuple[str, ...]  # the states carried from step to step: ('h',) or ('c', 'h')


def _is_recurrent(model: Any) -> bool:
    """A recurrent cell (weight_ih and weight_hh) or a layer of them (.cells)."""
    cells = getattr(model, "cells", None)
    if isinstance(cells, (list, tuple)) and cells:
        model = cells[0]
    return hasattr(model, "weight_ih") and hasattr(model, "weight_hh") and hasattr(model, "hidden_size")


def _recurrent(model: Any) -> _Unrolled:
    """The kind, sizes and states of a recurrent cell or layer (its gates counted from weight_ih)."""
    cells = list(getattr(model, "cells", None) or [model])
    cell = cells[0]
    hidden = int(cell.hidden_size)
    gates, rest = divmod(len(cell.weight_ih), hidden)
    if rest or gates not in _RECURRENT_KINDS:
        raise ValueError(
            f"draw_network: a recurrent cell's weight_ih must stack 1 (RNN), 4 (LSTM) or 3 (GRU) "
            f"blocks of hidden_size={hidden} rows, got {len(cell.weight_ih)} rows"
        )
    kind, states = _RECURRENT_KINDS[gates]
    activation = str(getattr(cell, "nonlinearity", "tanh")) if kind == "RNN" else ""
    return _Unrolled(kind, type(cell).__name__, len(cells), len(cell.weight_ih[0]), hidden, activation, states)


def _sub(name: str, index: str, size: float = 12) -> str:
    """`name` with a subscript, as an HTML-like label writes it: h<sub>t</sub>."""
    return (f'{html.escape(name)}<sub><font point-size="{size * 0.75:g}">{html.escape(index)}</font></sub>')


def _cell_label(rnn: _Unrolled, layer: int) -> str:
    """A cell's box: its name, its gates (or activation), and the weights every copy shares."""
    suffix = f"{layer}" if rnn.layers > 1 else ""
    weights = f"{_sub('W', 'ih' + suffix, 11)}, {_sub('W', 'hh' + suffix, 11)}, {_sub('b', suffix, 11) if suffix else 'b'}"
    second = _GATE_TEXT.get(rnn.kind, rnn.activation)
    return html_label(
        '<table border="0" cellborder="0" cellspacing="0" cellpadding="1">'
        f'<tr><td><b>{html.escape(rnn.name)}</b></td></tr>'
        f'<tr><td><font point-size="10" color="{_SOFT}">{html.escape(second)}</font></td></tr>'
        f'<tr><td><font point-size="11">{weights}</font></td></tr></table>'
    )


def _unrolled_key(rnn: _Unrolled, legend: bool) -> list[CaptionLine]:
    """The caption's lines: what the picture is, and that every copy is the same cell."""
    layers = f", {rnn.layers} layers" if rnn.layers > 1 else ""
    lines = [text_line(f"{rnn.kind}: input_size={rnn.input_size}, hidden_size={rnn.hidden_size}{layers}, "
                       f"unrolled through time", 12, _SOFT)]
    if legend:
        carried = " and the cell state c" if "c" in rnn.states else ""
        lines.append(text_line(f"one cell drawn at every step: the same weights at every step; "
                               f"the state h{carried} flow{'' if carried else 's'} right", 12, _SOFT))
    return lines


class _Grid:
    """Where the unrolled picture's nodes go (inches, y up): step t's cells in column t,
    layer l in row l; x_t below the first row, h_t above the last."""

    def __init__(self, steps: int, width: float, height: float) -> None:
        self.width, self.height, self.steps = width, height, steps
        self.gap = 1.0  # between two copies: room for the state's name on its arrow
        self.row = height + 0.75  # between two layers

    def x(self, t: float) -> float:
        return t * (self.width + self.gap)

    def y(self, layer: int) -> float:
        return layer * self.row

    @staticmethod
    def pos(x: float, y: float) -> str:
        return f"{x:.3f},{y:.3f}!"


def _state_offset(rnn: _Unrolled, state: str, height: float) -> float:
    """How far above the cell's middle the arrow of `state` runs (LSTM: c above h)."""
    if len(rnn.states) == 1:
        return 0.0
    return height / 4 if state == "c" else -height / 4


def _plain(dot: Drawing, name: str, label: str, pos: str, size: float = 12, colour: str = INK) -> None:
    dot.node(name, html_label(label), shape="plaintext", fontsize=f"{size:g}", fontcolor=colour, pos=pos,
             margin="0.02")


def _anchor(dot: Drawing, name: str, pos: str) -> None:
    """An invisible point an arrow starts or ends at (on a cell's left or right side)."""
    dot.node(name, "", shape="point", width="0.01", height="0.01", style="invis", pos=pos)


def _draw_states(dot: Drawing, rnn: _Unrolled, grid: _Grid, layer: int) -> None:
    """The states flowing right along one layer: h_0 = 0 → copy 1 → ... → copy T → h_T."""
    T, half = grid.steps, grid.width / 2
    for state in rnn.states:
        colour = _STATE_COLOURS[state]
        y = grid.y(layer) + _state_offset(rnn, state, grid.height)
        start, end = f"{state}0_l{layer}", f"{state}{T}_l{layer}"
        _plain(dot, start, f"{_sub(state, '0')} = 0", grid.pos(grid.x(0) - half - grid.gap + 0.05, y))
        _plain(dot, end, _sub(state, str(T)), grid.pos(grid.x(T - 1) + half + grid.gap * 0.7, y))
        for t in range(T + 1):  # the arrow into copy t + 1 (t = T: out of the last copy)
            head = f"{state}_in_l{layer}_t{t + 1}" if t < T else end
            tail = f"{state}_out_l{layer}_t{t}" if t > 0 else start
            if t < T:
                _anchor(dot, head, grid.pos(grid.x(t) - half, y))
            if t > 0:
                _anchor(dot, tail, grid.pos(grid.x(t - 1) + half, y))
            tooltip = f"{state}_{t}: the state after step {t}" if t else f"{state}_0 = 0: the starting state"
            dot.edge(tail, head, color=colour, penwidth="2.2", tooltip=tooltip)
            if 0 < t < T:  # the state's name on its arrow
                _plain(dot, f"{state}{t}_l{layer}", _sub(state, str(t), 11),
                       grid.pos((grid.x(t - 1) + grid.x(t)) / 2, y + 0.13), size=11, colour=colour)


def _draw_unrolled(
    dot: Drawing, rnn: _Unrolled, steps: int,
) -> None:
    """The copies of the cell, x_t below, h_t above, the states flowing right, the step titles."""
    label = [_cell_label(rnn, layer) for layer in range(rnn.layers)]
    width = max(1.35, math.ceil(max(text_width(rnn.name, 12, bold=True), 110) + 16) / 72)
    height = 0.9
    grid = _Grid(steps, width, height)
    top = grid.y(rnn.layers - 1)
    for t in range(steps):
        x = grid.x(t)
        _plain(dot, f"title_t{t + 1}", f"t = {t + 1}", grid.pos(x, top + height / 2 + 1.1), 12, _SOFT)
        dot.node(f"x{t + 1}", html_label(_sub("x", str(t + 1))), shape="box", style="filled,rounded",
                 fillcolor=ROLE_COLORS["input"], color=INK, width="0.5", height="0.34", fixedsize="true",
                 pos=grid.pos(x, -height / 2 - 0.7), tooltip=f"x_{t + 1}: the input at step {t + 1}")
        dot.node(f"h{t + 1}", html_label(_sub("h", str(t + 1))), shape="box", style="filled,rounded",
                 fillcolor="#CCDDAA", color=INK, width="0.5", height="0.34", fixedsize="true",
                 pos=grid.pos(x, top + height / 2 + 0.65), tooltip=f"h_{t + 1}: the output at step {t + 1}")
        below = f"x{t + 1}"
        for layer in range(rnn.layers):
            cell = f"cell_l{layer}_t{t + 1}"
            dot.node(cell, label[layer], shape="box", style="filled,rounded", fillcolor=ROLE_COLORS["parameter"],
                     color=INK, width=f"{width:.2f}", height=f"{height:.2f}", fixedsize="true",
                     pos=grid.pos(x, grid.y(layer)), margin="0",
                     tooltip=f"{rnn.name} at step {t + 1}" + (f", layer {layer}" if rnn.layers > 1 else "")
                     + ": the same weights as at every other step")
            dot.edge(below, cell, color=LINE, penwidth="1.4")
            below = cell
        dot.edge(below, f"h{t + 1}", color=LINE, penwidth="1.4")
    for layer in range(rnn.layers):
        _draw_states(dot, rnn, grid, layer)
        if rnn.layers > 1:
            _plain(dot, f"layer_{layer}", f"layer {layer}",   # PyTorch's numbering: weight_ih_l0
                   grid.pos(grid.x(0) - width / 2 - grid.gap - 0.75, grid.y(layer)), 11, _SOFT)



def _draw_recurrent(model: Any, show: str, rankdir: str, format: str, values: bool | None,
                    legend: bool, title: str | None, steps: int | None) -> Drawing:
    """draw_network's unrolled picture, after its own arguments are checked."""
    fn = "draw_network"
    n = 4 if steps is None else whole_number(fn, "steps", steps, minimum=1)
    if n > MAX_STEPS:
        raise ValueError(f"draw_network: steps must be a whole number from 1 to {MAX_STEPS} (more copies "
                         f"do not fit a slide; the cell is the same at every step), got {steps}")
    if show != "weights" or values or rankdir != "LR":
        raise ValueError(
            f"draw_network: an unrolled recurrent network is drawn left to right as its cells and states, "
            f"not weight by weight; leave show, values and rankdir at their defaults, or draw the weights "
            f"of one gate as a Layer (got show={show!r}, values={values!r}, rankdir={rankdir!r})"
        )
    rnn = _recurrent(model)
    dot = new_drawing("LR", format, caption_table(title, _unrolled_key(rnn, legend)))
    dot.engine = "neato"  # every place pinned, as in the MLP picture
    dot.attr(splines="line", outputorder="edgesfirst")
    dot.attr("edge", arrowsize="0.7")
    _draw_unrolled(dot, rnn, n)
    return dot


def draw_network(
    model: Any,
    show: str = "weights",
    rankdir: str = "LR",
    *,
    format: str = "svg",
    values: bool | None = None,
    legend: bool = True,
    max_edges: int = 1000,
    title: str | None = None,
    steps: int | None = None,
) -> Drawing:
    """Draw a Neuron, Layer or MLP as columns of neurons joined by their weights, or a
    recurrent network (RNN, LSTM, GRU or a cell) unrolled through `steps` time steps.

    Inputs on the left, then one column per layer. Each connection is blue for a
    positive weight and red for a negative one, as thick as |weight|; each
    neuron shows its activation and bias (e.g. `relu / b = 0.13`). With
    `show='grads'` the same picture shows `w.grad` and `b.grad` instead, after
    `backward()`: where the connections are grey, no gradient arrives.

    A recurrent model (an `RNN`, `LSTM` or `GRU`, or one of their cells) is
    drawn unrolled: the cell repeated through `steps` time steps (4 by
    default) from left to right, the input x_t below each copy and the output
    h_t above it, the state flowing right from each copy into the next (from
    h_0 = 0; an LSTM's cell state c flows alongside h). Every copy is the same
    cell: each is labelled with the same weights W_ih, W_hh and b, and the
    caption says so. Stacked layers (num_layers > 1) are rows of copies, the
    first at the bottom.

    Args:
        model: an MLP (`.layers`), a Layer (`.neurons`) or a Neuron (`.w`, `.b`,
            `.activation`); or a recurrent layer or cell.
        show: 'weights' or 'grads'.
        rankdir: 'LR' (inputs on the left) or 'TB' (inputs on top).
        format: the default output format of `.pipe()` / `.render()`.
        values: write each number on its connection; by default only when
            there are at most 24 connections (it is always in the SVG tooltip).
        legend: add a key to the colours above the picture.
        max_edges: a model with more connections raises a ValueError that says
            how to draw a part of it.
        title: a caption above the picture.
        steps: how many time steps to unroll a recurrent model through (1 to
            MAX_STEPS, 4 by default); only for recurrent models.

    Example:
        >>> class Neuron:                 # anything with .w, .b and .activation
        ...     def __init__(self, w, b):
        ...         self.w = [Value(x) for x in w]; self.b = Value(b); self.activation = 'tanh'
        >>> g = draw_network(Neuron([0.5, -1.5], 0.1))
        >>> 'b = 0.10' in g.source and '#EE6677' in g.source      # -1.5 drawn red
        True
        >>> g.render('neuron', format='png', cleanup=True)        # doctest: +SKIP
        'neuron.png'
        >>> from tinygrad_ann.nn import GRU
        >>> g = draw_network(GRU(2, 4, rng=0), steps=3)
        >>> g.source.count('GRUCell</b>')                       # one copy per step
        3
    """
    one_of("draw_network", "show", show, ("weights", "grads"))
    check_rankdir("draw_network", rankdir)
    check_format("draw_network", format)
    check_title("draw_network", title)
    if _is_recurrent(model):
        return _draw_recurrent(model, show, rankdir, format, values, legend, title, steps)
    if steps is not None:
        raise TypeError(f"draw_network: steps is for a recurrent network (RNN, LSTM, GRU or a cell), "
                        f"which it unrolls through time; {type(model).__name__} has no time steps")
    max_edges = whole_number("draw_network", "max_edges", max_edges, minimum=1)
    layers = _network_layers(model)
    n_edges = sum(len(neuron.w) for layer in layers for neuron in layer)
    if n_edges > max_edges:
        raise ValueError(
            f"draw_network: {n_edges:,} connections are too many to draw readably "
            f"(max_edges={max_edges:,}); draw one layer, e.g. draw_network(model.layers[-1]), "
            f"or raise max_edges"
        )
    if values is None:
        values = n_edges <= 24
    shown = _SHOWN[show]
    numbers = [shown.pick(w) for layer in layers for neuron in layer for w in neuron.w]
    largest = max((abs(x) for x in numbers if x == x and not math.isinf(x)), default=0.0)

    dot = new_drawing(rankdir, format, caption_table(title, _network_key(show, shown, numbers, legend)))
    # Every neuron's place is computed here and pinned (neato with pos="x,y!"),
    # not left to dot's layered layout: the columns stay in order top to bottom
    # (x1 above x2, neuron 1 above neuron 2) with any dot program, and the
    # connections are straight lines, as in the textbooks. Nodes are drawn
    # after edges, so the numbers on the lines (white boxes) are on top.
    dot.engine = "neato"
    dot.attr(splines="line", outputorder="edgesfirst")
    dot.attr("edge", arrowsize="0.5")

    columns, size = _columns(layers, shown)
    counts = [len(nodes) for _, nodes in columns]
    layout = _Layout(counts, size, rankdir, [short_number(x) for x in numbers] if values else None)
    _draw_columns(dot, columns, layout, size)
    _draw_connections(dot, layers, layout, shown, values, largest)
    return dot
