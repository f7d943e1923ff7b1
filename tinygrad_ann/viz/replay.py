"""BackpropReplay: backward() replayed one node at a time, as frames.

Each frame is a `draw_dot`-style picture (boxes and op nodes from graph.py) of
one step: the node whose `_backward()` runs, what it adds into each operand's
grad, and every grad known so far. Step through the frames in a notebook,
save them for slides, or save them as an animated GIF. It replays the graph
of the lecture's own Value class too (micrograd's, a student's), whose nodes
each have a `_backward()` of their own.

Example:
    >>> from tinygrad_ann.engine import Value
    >>> x = Value(3.0, label='x'); y = x * x; y.label = 'y'
    >>> replay = BackpropReplay(y)
    >>> len(replay), replay.steps[-1].grads
    (2, (6.0, 1.0))
"""

from __future__ import annotations

import html
import io
import math
import os
from collections import Counter
from pathlib import Path
from typing import Any, Iterable, Iterator, NamedTuple, Sequence, overload

from .._checks import file_path, non_negative_number, one_of, positive_number, whole_number, wrong_type
from ..engine import OPS, Value, has_own_backward, local_gradients
from .graph import (
    MAX_NODES, QUICK_LAYOUT, QUICK_LAYOUT_COST, LectureNode, Params, check_numbers, describe_node,
    edge_names, graph_to_draw, node_roles, op_label, op_node_attrs, op_text, parameter_ids, too_large_to_draw,
    value_box,
)
from .player import player_page, write_text_atomically
from .render import RASTER_FORMATS, Drawing, check_format
from .style import (
    ACCUMULATE, ACTIVE, ROLE_COLORS, CaptionLine, caption_table, cell_width, RANKDIRS,
    four_decimals, html_label, layout_width, new_drawing, text_line, text_width,
)

__all__ = ["BackpropReplay", "ReplayStep"]


class ReplayStep(NamedTuple):
    """One frame of a `BackpropReplay`: the state after one node's `_backward()`.

    Fields (positions refer to `BackpropReplay.order`):
        number         0 for the start (root.grad = 1), then 1, 2, ...
        node           the Value whose `_backward()` ran (the root at step 0; for
                       another class, its `LectureNode`)
        grads          every node's grad so far; None where no gradient has arrived
        remaining      how many of each node's users have still to push into it
        contributions  one (operand position, amount added, added to an earlier
                       one?) per operand edge, in the order of `node._prev`
        caption        a sentence that says what happened

    Example:
        >>> x = Value(3.0, label='x'); y = x * x; y.label = 'y'
        >>> step = BackpropReplay(y).steps[1]
        >>> step.grads, step.contributions      # x*x: x gets 3.0 along each edge
        ((6.0, 1.0), ((0, 3.0, False), (0, 3.0, True)))
        >>> step.caption
        'step 1 of 1: y._backward() (*) pushes y.grad into x twice; x.grad += 3.0000 twice'
    """

    number: int
    node: Value
    grads: tuple[float | None, ...]
    remaining: tuple[int, ...]
    contributions: tuple[tuple[int, float, bool], ...]
    caption: str


def _edge_amounts(v: Value | LectureNode) -> list[float] | None:
    """What `v._backward()` adds along each of its operand edges, in order (None
    for a node whose `_backward` was set by hand, see `local_gradients`, and for
    another class's node: only its own `_backward()` knows)."""
    if not isinstance(v, Value):
        return None
    try:
        return local_gradients(v)
    except Exception:  # pragma: no cover - the real rule ran on the same numbers
        return None


def _local_derivative_text(node: Value) -> str:
    """The local derivative of `node`'s op, as its backward rule's docstring states
    it ('d(tanh x)/dx = 1 - tanh(x)^2'); '' for a node whose `_backward` was set
    by hand (its op's rule does not run) or whose rule has no docstring, and for
    another class's node."""
    if not isinstance(node, Value) or has_own_backward(node):
        return ""
    op = OPS.get(node._op)
    doc = (op.backward.__doc__ or "").strip() if op else ""
    return doc.splitlines()[0].strip() if doc else ""


def _check_replayable(order: list[LectureNode]) -> None:
    """Another class's graph can be replayed if its numbers are numbers and each
    node with operands has a `_backward()` to run; else a TypeError that says so."""
    check_numbers("BackpropReplay", order)
    for v in order:
        if v._prev and not callable(getattr(v.node, "_backward", None)):
            raise TypeError(
                f"BackpropReplay: it replays backward() by running each node's own _backward() in turn, "
                f"and {describe_node(v.node)} has no _backward function. Give every node made by an op "
                f"one, as the lecture does: def _backward(): ... and then out._backward = _backward")


def _check_after(v: Value | LectureNode, operands: list[Any]) -> None:
    """After another class's `_backward()`: its operands' grads must still be numbers."""
    if isinstance(v, LectureNode):
        check_numbers("BackpropReplay", operands, f" after the _backward() of {describe_node(v.node)}")


class BackpropReplay(Sequence[Drawing]):
    """Backpropagation replayed one node at a time, as a sequence of drawings.

    Frame 0 sets the root's grad to 1 (d root / d root). Each further frame
    runs one node's `_backward()`, in reverse topological order (the order
    `backward()` uses), and shows:

    - the node whose `_backward()` runs, outlined in orange, its op filled;
    - on each of its operand edges, what it adds to that operand's grad; a
      value that feeds several nodes, or one node twice (`a + a`), gets
      `grad += ...` in red from its second contribution on (earlier
      contributions stay on their edges, in grey);
    - every grad known so far: `?` where no gradient has arrived yet, and
      `0.5000 + ?` (slanted) where more uses have still to add theirs;
    - above the picture, what happened and the local derivative used
      (the `rule:` line).

    So there are 1 + (number of nodes with operands) frames. All frames have
    the same size and layout, so stepping through them only changes what is new.
    Captions name a Value by its label, or else by what the picture shows of
    it: "the tanh node (data 0.7616)".

    Your graph is left as it was: the replay starts every grad at 0 (as after
    `zero_grad()`), runs the real `_backward()` rules, records the numbers, then
    puts back the grads the nodes had before. The last frame shows the grads a
    fresh `backward()` gives.

    The lecture's own Value class works too (micrograd's, or one you wrote):
    give a node with `data`, `grad`, `_prev`, `_op` and, on every node made by
    an op, a `_backward()` function; `params=` then takes its nodes. Its
    `_backward()` runs as it is, so the captions say what each step added, and
    the rule line names the class rather than a formula. Operands kept in a set
    are drawn in draw_dot's stable order (see `LectureNode`); a set holds `a`
    once in `a + a`, so its one edge carries both contributions.

    Args:
        root: the Value to backpropagate from (usually the loss), or a node
            of the lecture's own class.
        params: parameters to colour apart from inputs, as in `draw_dot`.
        rankdir: 'auto' (the default: 'LR' or 'TB', whichever makes frames of a
            shape nearer a 16:9 slide's), 'LR' (inputs on the left), 'TB',
            'RL' or 'BT'.
        legend: a line under the caption that says how to read a frame.
        max_nodes: a larger graph (100 Values) raises a ValueError that says
            how to replay a part.

    Attributes: `replay[i]` is frame i (a Drawing); `steps[i]` its numbers
    (a `ReplayStep`); `order` the Values, in the order of the boxes v0, v1, ...
    (for another class, `LectureNode`s: each one's `.node` is the class's own node);
    `root` the root given.
    Use `show()` in a notebook, `save_frames(dir)` for slides, `save_gif(path)`,
    and `save_html(path)` for a web page that plays the frames anywhere.

    Example:
        >>> a = Value(2.0, label='a'); b = Value(-3.0, label='b')
        >>> c = a * b; c.label = 'c'
        >>> d = c + a; d.label = 'd'          # a is used twice: its grad gets a +=
        >>> replay = BackpropReplay(d)
        >>> len(replay), replay.steps[-1].caption
        (3, 'step 2 of 2: c._backward() (*) pushes c.grad into a and b; a.grad += -3.0000')
        >>> a.grad                              # untouched
        0.0
        >>> replay.save_gif('backprop.gif')     # doctest: +SKIP
        >>> replay.save_html('backprop.html')   # doctest: +SKIP
        >>> replay.show()                       # doctest: +SKIP
    """

    def __init__(
        self,
        root: Value | Any,
        *,
        params: Params | None = None,
        rankdir: str = "auto",
        legend: bool = True,
        max_nodes: int = MAX_NODES,
    ) -> None:
        max_nodes = whole_number("BackpropReplay", "max_nodes", max_nodes, minimum=1)
        one_of("BackpropReplay", "rankdir", rankdir, ("auto", *RANKDIRS))
        drawn, order, param_ids = graph_to_draw(
            "BackpropReplay", root, parameter_ids("BackpropReplay", params))
        if isinstance(drawn, LectureNode):
            _check_replayable(order)
        too_large, cost = too_large_to_draw(order, max_nodes)
        if too_large:
            why = ("values" if len(order) > max_nodes
                   else "values, with long edges that are slow to lay out,")
            raise ValueError(
                f"BackpropReplay: a graph of {len(order):,} {why} is too large to replay "
                f"frame by frame (max_nodes={max_nodes}); replay a part of it, e.g. "
                f"BackpropReplay(root._prev[0]) or one neuron's output, or raise max_nodes"
            )
        self._quick_layout = cost > QUICK_LAYOUT_COST
        self.root = root
        self._root = drawn
        self.order: list[Any] = order
        self.rankdir = rankdir
        self.legend = legend
        self._roles = node_roles(order, drawn, param_ids)
        self._index = {id(v): i for i, v in enumerate(order)}
        self.steps: list[ReplayStep] = self._replay()
        self._prepare_layout()
        self._svgs: dict[int, str] = {}
        if rankdir == "auto":
            self.rankdir = self._slide_shaped_rankdir()

    # -- what the captions call things -------------------------------------

    def _who(self, i: int) -> str:
        """A node as the picture shows it: its label, or its op (or role) and data."""
        v = self.order[i]
        if str(v.label):
            return str(v.label)
        if v._prev:
            return f"the {op_label(v)} node (data {four_decimals(v.data)})"
        kind = "parameter" if self._roles[i] == "parameter" else "leaf"
        return f"the {kind} (data {four_decimals(v.data)})"

    def _grad_of(self, i: int) -> str:
        """'x.grad' for a labelled node, 'the grad of the tanh node (data 0.7616)' otherwise."""
        label = str(self.order[i].label)
        return f"{label}.grad" if label else f"the grad of {self._who(i)}"

    def _derivative_line(self, step: ReplayStep) -> str:
        """The caption's second line, 'rule: ...': the local derivative the step used."""
        v = step.node
        if step.number == 0:
            name = str(v.label) or "(root)"
            return f"rule: d{name}/d{name} = 1"
        derivative = _local_derivative_text(v)
        if derivative:
            return f"rule: {derivative}"
        if not isinstance(v, Value):
            return f"rule: the _backward() this node's class gave it ({type(v.node).__name__})"
        if v._op in OPS and not has_own_backward(v):
            return f"rule: the backward rule of {v._op} (it has no formula in its docstring)"
        return "rule: this node's own _backward(), set by hand"

    def _caption_of(self, v: Value, edges: list[tuple[int, float, bool]], total: int,
                    number: int, split: bool) -> str:
        """The sentence that says what step `number` (node v's _backward()) did."""
        i = self._index[id(v)]
        label = str(v.label)
        if label:
            subject, its_grad = f"{label}._backward() ({op_label(v)})", f"{label}.grad"
        else:
            subject, its_grad = f"_backward() of {self._who(i)}", "its grad"
        uses = Counter(j for j, _, _ in edges)
        operands = list(uses)  # in order, each once
        if not split:  # one total per operand: count the edges from v._prev
            uses = Counter(self._index[id(c)] for c in v._prev)
        if len(operands) <= 3:
            def times(j: int) -> str:
                return {1: "", 2: " twice"}.get(uses[j], f" {uses[j]} times")
            names = [self._who(j) + times(j) for j in operands]
            targets = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        else:
            targets = f"its {len(v._prev)} operands"
        added = []
        for j in operands:
            amounts = [a for k, a, _ in edges if k == j]
            again = next(again for k, _, again in edges if k == j)
            if len(amounts) == 1 and not again and uses[j] == 1:
                continue  # the first and only contribution: the edge says it
            if len(amounts) == 1:
                text = f"{self._grad_of(j)} += {four_decimals(amounts[0])}"
                if uses[j] > 1:  # could not be split: one total for every use
                    text += f" (its {uses[j]} uses together)"
            elif len(set(amounts)) == 1:
                text = f"{self._grad_of(j)} += {four_decimals(amounts[0])}" + (
                    " twice" if len(amounts) == 2 else f" {len(amounts)} times")
            else:
                text = f"{self._grad_of(j)} " + " and ".join(f"+= {four_decimals(a)}" for a in amounts)
            added.append(text)
        return (f"step {number} of {total}: {subject} pushes {its_grad} into {targets}"
                + (f"; {'; '.join(added)}" if added else ""))

    # -- the replay itself ----------------------------------------------------

    def _replay(self) -> list[ReplayStep]:
        """Run backward() node by node on zeroed grads, recording each step; restore."""
        order, index, root = self.order, self._index, self._root
        n = len(order)
        users = [0] * n  # how many nodes use each node (an operand twice counts once)
        for v in order:
            for j in {index[id(c)] for c in v._prev}:
                users[j] += 1
        total = sum(1 for v in order if v._prev)
        saved = [v.grad for v in order]
        remaining = list(users)
        reached = [False] * n
        self._split: dict[int, bool] = {}  # node position -> contributions are per edge
        try:
            for v in order:
                v.grad = 0.0
            root.grad = 1.0
            reached[n - 1] = True
            label = str(root.label)
            if label:
                start = f"backward() starts with {label}.grad = 1 (d{label}/d{label} = 1)"
            else:
                start = f"backward() starts by setting the grad of the root, {self._who(n - 1)}, to 1"
            steps = [ReplayStep(
                0, root, self._snapshot(reached), tuple(remaining), (),
                f"step 0 of {total}: {start}; no other gradient is known yet",
            )]
            # The reverse of the engine's topological order: the order backward()
            # runs the nodes in, so the sums come out bit for bit the same. (Another
            # class's backward() has an order of its own; every order that puts each
            # node after its users gives the same grads, up to rounding.)
            for v in reversed(order):
                if not v._prev:
                    continue
                i = index[id(v)]
                positions = [index[id(c)] for c in v._prev]
                operands = list(dict.fromkeys(positions))  # each once, in order
                before = {j: order[j].grad for j in operands}
                # An operand used twice (a * a) gets one total from the real rule;
                # local_gradients says what each of its edges carried.
                amounts = _edge_amounts(v) if len(operands) < len(positions) else None
                v._backward()  # the real rule (or a _backward set by hand)
                _check_after(v, [order[j] for j in operands])
                added = {j: order[j].grad - before[j] for j in operands}
                split = len(operands) == len(positions)
                if not split and amounts is not None:
                    # The per-edge amounts must add up to what the real rule added.
                    sums: dict[int, float] = {}
                    for j, a in zip(positions, amounts, strict=True):
                        sums[j] = sums.get(j, 0.0) + a
                    split = all(math.isclose(sums[j], added[j], rel_tol=1e-9, abs_tol=1e-12)
                                for j in operands)
                self._split[i] = split
                edges = []
                if split:
                    per_edge = amounts if amounts is not None else [added[j] for j in positions]
                    for j, a in zip(positions, per_edge, strict=True):
                        edges.append((j, a, reached[j]))
                        reached[j] = True
                else:  # one total per operand, on its first edge
                    for j in operands:
                        edges.append((j, added[j], reached[j]))
                        reached[j] = True
                for j in operands:
                    remaining[j] -= 1
                caption = self._caption_of(v, edges, total, len(steps), split)
                steps.append(ReplayStep(
                    len(steps), v, self._snapshot(reached), tuple(remaining),
                    tuple(edges), caption,
                ))
        finally:
            for v, g in zip(order, saved, strict=True):
                v.grad = g
        return steps

    def _snapshot(self, reached: list[bool]) -> tuple[float | None, ...]:
        return tuple(v.grad if r else None for v, r in zip(self.order, reached, strict=True))

    @staticmethod
    def _grad_text(grad: float | None, remaining: int) -> str:
        if grad is None:
            return "grad ?"
        return f"grad {four_decimals(grad)} + ?" if remaining else f"grad {four_decimals(grad)}"

    def _prepare_layout(self) -> None:
        """Sizes that stay the same in every frame, so that the layout does too.

        Each grad cell gets the width of its widest text over all frames; each
        operand edge gets a label cell as wide as the longest text it will show;
        the caption's lines are as wide as the longest over all frames.
        """
        order = self.order
        self._grad_widths = [0] * len(order)
        for step in self.steps:
            for i, (g, r) in enumerate(zip(step.grads, step.remaining, strict=True)):
                width = cell_width(self._grad_text(g, r), 12, 5, face=g is None or r > 0, border=1)
                self._grad_widths[i] = max(self._grad_widths[i], width)
        # (node position, edge number in node._prev) -> (step number, edge text)
        self._edge_text: dict[tuple[int, int], tuple[int, str]] = {}
        for step in self.steps[1:]:
            i = self._index[id(step.node)]
            if self._split[i]:
                edge_numbers: Iterable[int] = range(len(step.contributions))
            else:  # one total per operand: on the edge of its first use
                positions = [self._index[id(c)] for c in step.node._prev]
                edge_numbers = [positions.index(j) for j, _, _ in step.contributions]
            for e, (_, amount, again) in zip(edge_numbers, step.contributions, strict=True):
                self._edge_text[(i, e)] = (step.number,
                                           f"grad {'+=' if again else '='} {four_decimals(amount)}")
        self._title_width = max(cell_width(s.caption, 13, 2, bold=True, centred=False) for s in self.steps)
        self._rule_width = max(cell_width(self._derivative_line(s), 12, 2, centred=False)
                               for s in self.steps)

    def _slide_shaped_rankdir(self) -> str:
        """'LR' or 'TB': the layout whose last frame (the largest numbers) is nearer
        a 16:9 slide's shape, by dot's own layout of both. A deep chain is wide
        drawn left to right and fits a slide better top to bottom; a wide, shallow
        graph the other way round."""
        best, best_miss = "LR", math.inf
        for rankdir in ("LR", "TB"):
            self.rankdir = rankdir
            try:
                plain = self[len(self) - 1].pipe(format="plain").decode()
                _, _, width, height = plain.split("\n", 1)[0].split()[:4]
            except Exception:  # no dot to lay it out: keep the lecture's LR
                self._svgs.clear()
                return "LR"
            miss = abs(math.log(float(width) / float(height) / (16 / 9)))
            if miss < best_miss:
                best, best_miss = rankdir, miss
        self._svgs.clear()
        return best

    def __len__(self) -> int:
        return len(self.steps)

    @overload
    def __getitem__(self, i: int) -> Drawing: ...

    @overload
    def __getitem__(self, i: slice) -> list[Drawing]: ...

    def __getitem__(self, i: int | slice) -> Drawing | list[Drawing]:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        if not -len(self) <= i < len(self):
            raise IndexError(f"frame {i} out of range: this replay has {len(self)} frames")
        return self._draw(self.steps[i])

    def __iter__(self) -> Iterator[Drawing]:
        return (self._draw(step) for step in self.steps)

    # -- drawing a frame ------------------------------------------------------

    def _edge_label(self, name: str, i: int, e: int, now: int) -> str | None:
        """The fixed-size label of edge number e into node i, in frame `now`."""
        when, text = self._edge_text.get((i, e), (None, ""))
        if when is None and not name:
            return None
        prefix = f"{name}  " if name else ""
        # As wide as the text needs in any font, bold (its widest form), centred.
        wide = text_width(prefix, 10) + text_width(text, 10, bold=True)
        width = math.ceil(2 * wide - layout_width(prefix + text, 10) + 1)
        shown = html.escape(prefix)
        if when is not None and when <= now:
            again = text.startswith("grad +=")
            if when == now:
                colour = ACCUMULATE if again else "#993404"
                shown += f"<b><font color=\"{colour}\">{html.escape(text)}</font></b>"
            else:  # an earlier step's contribution stays, in grey
                shown += f'<font color="#999999">{html.escape(text)}</font>'
        return html_label(
            '<table border="0" cellborder="0" cellspacing="0" cellpadding="0"><tr>'
            f'<td fixedsize="true" width="{width}" height="16">{shown}</td>'
            "</tr></table>"
        )

    def _caption_lines(self, step: ReplayStep) -> list[CaptionLine]:
        """The lines under a frame's title: the local derivative, and the legend.

        Every frame has the same lines, each as wide as its longest in any
        frame: a caption that grew would move or resize the whole picture.
        """
        lines = [text_line(self._derivative_line(step), 12, "#555555", width=self._rule_width)]
        if self.legend:
            # One cell per run of text, each as wide as it needs in any font.
            pieces = [(ACCUMULATE, "+="),
                      ("#777777", "adds to a gradient already there;  grad ? = no gradient yet;  "
                                  "+ ? = more uses still to add theirs;  orange = this step")]
            widths = [cell_width(text, 11, 2, centred=False) for _, text in pieces]
            lines.append(CaptionLine("".join(
                f'<td align="left" width="{w}"><font color="{colour}" point-size="11">'
                f'{html.escape(text)}</font></td>'
                for (colour, text), w in zip(pieces, widths, strict=True)
            ), sum(widths)))
        return lines

    def _draw(self, step: ReplayStep) -> Drawing:
        """The picture of one step."""
        order = self.order
        active = self._index[id(step.node)]
        caption = caption_table(step.caption, self._caption_lines(step), self._title_width)
        dot = new_drawing(self.rankdir, "svg", caption)
        if self._quick_layout:
            dot.attr(**QUICK_LAYOUT)
        for i, v in enumerate(order):
            grad, remaining = step.grads[i], step.remaining[i]
            dot.node(
                f"v{i}",
                value_box(
                    v.label, f"data {four_decimals(v.data)}", self._grad_text(grad, remaining),
                    ROLE_COLORS[self._roles[i]],
                    grad_min_width=self._grad_widths[i],
                    grad_style="italic" if grad is None or remaining else "",
                    frame=3,  # every box has the frame, so highlighting moves nothing
                    frame_colour=ACTIVE if i == active else "white",
                ),
                shape="plain",
            )
        for i, v in enumerate(order):
            if not v._prev:
                continue
            runs = i == active and step.number > 0
            op_attrs = op_node_attrs(v)
            if runs:
                op_attrs.update(fillcolor=ACTIVE, color=ACTIVE, fontcolor="black")
            dot.node(f"v{i}op", op_text(v), **op_attrs)
            for e, (child, name) in enumerate(zip(v._prev, edge_names(v), strict=True)):
                attrs: dict[str, str] = {}
                label = self._edge_label(name, i, e, step.number)
                if label:
                    attrs["label"] = label
                if runs:  # the gradient flows back along these edges, into the operands
                    attrs.update(color=ACTIVE, penwidth="2", dir="back", arrowtail="normal")
                dot.edge(f"v{self._index[id(child)]}", f"v{i}op", **attrs)
            out_attrs = {"color": ACTIVE, "penwidth": "2"} if runs else {}
            dot.edge(f"v{i}op", f"v{i}", **out_attrs)
        return dot

    # -- showing and saving ---------------------------------------------------

    def svg(self, i: int) -> str:
        """Frame `i` as an SVG string (cached: a slider moving back is instant).

        Example:
            >>> BackpropReplay(Value(2.0) * 3).svg(0)[:5]
            '<?xml'
        """
        i = range(len(self))[i]
        if i not in self._svgs:
            self._svgs[i] = self[i].pipe(format="svg", encoding="utf-8")
        return self._svgs[i]

    def show(self) -> Any:
        """A slider with a play button in Jupyter (with ipywidgets); else a list of frames.

        ipywidgets is optional (`pip install ipywidgets`); without it you get the
        frames as a list of Drawings: show them one by one, e.g.
        `for frame in replay.show(): display(frame)`.

        Example:
            >>> replay = BackpropReplay(Value(2.0) * 3)
            >>> replay.show()      # doctest: +SKIP
        """
        try:
            import ipywidgets as widgets  # optional: not a dependency of tinygrad_ann
        except ImportError:
            return list(self)
        last = len(self) - 1
        slider = widgets.IntSlider(value=0, min=0, max=last, step=1, description="step")
        play = widgets.Play(value=0, min=0, max=last, step=1, interval=1500)
        widgets.jslink((play, "value"), (slider, "value"))
        def inline(i: int) -> str:  # the <svg> element, without the XML prolog
            svg = self.svg(i)
            return svg[svg.find("<svg"):]

        picture = widgets.HTML(value=inline(0))

        def on_change(change: dict[str, Any]) -> None:
            picture.value = inline(change["new"])

        slider.observe(on_change, names="value")
        return widgets.VBox([widgets.HBox([play, slider]), picture])

    def save_frames(
        self, directory: str | os.PathLike[str], format: str = "png", dpi: float = 144
    ) -> list[Path]:
        """Write every frame to `directory` as step_000.png, step_001.png, ...; their paths.

        `format` is 'png' or 'svg' (or another format the dot program writes);
        `dpi` sets the size of raster images such as PNG (96 is screen size,
        144 sharp on slides); an SVG is drawn at its natural size in points.

        Example:
            >>> paths = BackpropReplay(Value(2.0) * 3).save_frames('frames')  # doctest: +SKIP
            >>> [p.name for p in paths]                                         # doctest: +SKIP
            ['step_000.png', 'step_001.png']
        """
        fmt = check_format("BackpropReplay.save_frames", format)
        dpi = positive_number("BackpropReplay.save_frames", "dpi", dpi)
        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for step, frame in zip(self.steps, self, strict=True):
            path = folder / f"step_{step.number:03d}.{fmt}"
            if fmt in RASTER_FORMATS:
                frame.attr(dpi=f"{dpi:g}")
            path.write_bytes(frame.pipe(format=fmt))
            paths.append(path)
        return paths

    def save_gif(
        self,
        path: str | os.PathLike[str],
        duration: float = 1500,
        last_duration: float = 4000,
        dpi: float = 96,
    ) -> Path:
        """Write the frames as a looping animated GIF (with Pillow); its path.

        `duration` is each frame's time in milliseconds, `last_duration` the
        final frame's (time to look at the finished gradients).

        Example:
            >>> BackpropReplay(Value(2.0) * 3).save_gif('backprop.gif')   # doctest: +SKIP
            PosixPath('backprop.gif')
        """
        from PIL import Image  # Pillow comes with matplotlib

        non_negative_number("BackpropReplay.save_gif", "duration", duration)
        non_negative_number("BackpropReplay.save_gif", "last_duration", last_duration)
        positive_number("BackpropReplay.save_gif", "dpi", dpi)
        images = []
        for frame in self:
            frame.attr(dpi=str(dpi))
            images.append(Image.open(io.BytesIO(frame.pipe(format="png"))).convert("RGB"))
        # The layout is the same in every frame, but a longer caption can widen
        # one: put each frame on a white page of the largest size.
        width = max(im.width for im in images)
        height = max(im.height for im in images)
        pages = []
        for im in images:
            page = Image.new("RGB", (width, height), "white")
            page.paste(im, (0, 0))
            pages.append(page)
        out = Path(path)
        durations = [duration] * (len(pages) - 1) + [last_duration]
        pages[0].save(out, format="GIF", save_all=True, append_images=pages[1:],
                      duration=durations, loop=0)
        return out

    def save_html(
        self,
        path: str | os.PathLike[str],
        *,
        title: str | None = None,
        interval_ms: float = 1500,
        loop: bool = False,
    ) -> Path:
        """Write the frames as one self-contained web page that plays them; its path.

        The page (see `tinygrad_ann.viz.player`) holds every frame as an inline
        SVG and each step's caption, with a slider, Prev / Play / Next buttons,
        a frame counter, and the arrow keys to step. It needs no notebook, no
        server and no network: open it from disk or put it on a course website.
        Play shows a frame every `interval_ms` milliseconds and stops at the last
        one (the finished gradients), or starts over with `loop=True`.

        `title` is the page's heading; None (the default) names the root,
        '' gives none. The page is made first and written through a temporary
        file, so a failure (no `dot` program, a full disk) leaves no half-written
        file at `path`.

        Example:
            >>> import tempfile
            >>> x = Value(3.0, label='x'); y = x * x; y.label = 'y'
            >>> page = BackpropReplay(y).save_html(Path(tempfile.mkdtemp()) / 'backprop.html')
            >>> text = page.read_text(encoding='utf-8')
            >>> text.count('<svg'), 'Backpropagation step by step: y' in text
            (2, True)
        """
        owner = "BackpropReplay.save_html"
        file_path(owner, "path", path, kind="a path to an .html file")
        if title is None:
            title = f"Backpropagation step by step: {self._who(self._index[id(self._root)])}"
        elif not isinstance(title, str):
            wrong_type(owner, "title", "a str or None", title)
        positive_number(owner, "interval_ms", interval_ms)  # before drawing: it can take a while
        if not isinstance(loop, bool):
            wrong_type(owner, "loop", "True or False", loop)
        page = player_page(owner, [self.svg(i) for i in range(len(self))],
                           [step.caption for step in self.steps],
                           title=title, interval_ms=interval_ms, loop=loop)
        return write_text_atomically(path, page)
