"""Text that stays inside its box in whatever font a viewer draws it with.

A picture is laid out by `dot` with letter widths it assumes, and an SVG is then
drawn by the viewer in the fonts it has. On a Linux with only the DejaVu fonts
(this machine, and many students'), a font the viewer lacks is replaced by DejaVu
Serif or DejaVu Sans, whose letters are wider than Times' and Helvetica's. These
tests measure each rendered text in the font such a viewer would use, read from
the font files matplotlib ships (not from the library's own width tables), and
check it against the lines around it in the SVG.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from functools import cache

import pytest

from tinygrad_ann import MLP, Value
from tinygrad_ann.viz import Drawing, draw_dot, draw_network

SVG = "{http://www.w3.org/2000/svg}"


# ---------------------------------------------------------------------------
# measuring text as a viewer with only the DejaVu fonts draws it
# ---------------------------------------------------------------------------


@cache
def dejavu(family: str):
    from matplotlib import font_manager, ft2font

    path = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    return ft2font.FT2Font(path)


def viewer_font(font_family: str) -> str:
    """The font a viewer with only the DejaVu fonts draws an SVG font-family list in.

    The first family of the list that is a DejaVu font, else the generic family
    at its end; with neither, a browser's default, which is serif.
    """
    for name in (f.strip().strip("'\"") for f in font_family.split(",")):
        if name.startswith("DejaVu"):
            return name
        if name.lower() == "sans-serif":
            return "DejaVu Sans"
    return "DejaVu Serif"


def extent(text: str, size: float, family: str) -> tuple[float, float, float]:
    """(advance width, height above the baseline, depth below it) in points of `text`."""
    from matplotlib import ft2font

    font = dejavu(family)
    font.set_size(size, 72)  # at 72 dpi a pixel is a point
    width = sum(font.load_char(ord(c), flags=ft2font.LoadFlags.NO_HINTING).linearHoriAdvance
                for c in text) / 65536
    font.set_text(text, 0.0, flags=ft2font.LoadFlags.NO_HINTING)
    _, height = font.get_width_height()
    depth = font.get_descent() / 64
    return width, height / 64 - depth, depth


def text_box(t: ET.Element) -> tuple[float, float, float, float, str]:
    """(left, right, top, bottom) of an SVG text as a DejaVu-only viewer draws it, and the text."""
    text = "".join(t.itertext())
    x, y, size = float(t.get("x")), float(t.get("y")), float(t.get("font-size"))
    width, above, below = extent(text, size, viewer_font(t.get("font-family", "Times,serif")))
    left = {"start": x, "middle": x - width / 2, "end": x - width}[t.get("text-anchor", "start")]
    return left, left + width, y - above, y + below, text


def nodes(svg: bytes):
    """(name, SVG group) of every node."""
    for g in ET.fromstring(svg).iter(f"{SVG}g"):
        if g.get("class") == "node":
            yield g.find(f"{SVG}title").text, g


def points(element: ET.Element) -> list[tuple[float, float]]:
    return [tuple(map(float, p.split(","))) for p in element.get("points").split()]


def texts_over_lines(svg: bytes, margin: float = 2.0) -> list[str]:
    """Every text of a record or an ellipse that comes nearer than `margin` to its lines.

    A record's fields are the spaces between its outline's sides and the lines
    that divide it; an op node's text must stay inside its ellipse.
    """
    problems = []
    for name, g in nodes(svg):
        outline = g.find(f"{SVG}polygon")
        ellipse = g.find(f"{SVG}ellipse")
        for t in g.findall(f"{SVG}text"):
            left, right, top, bottom, text = text_box(t)
            if outline is not None:  # a record, fields side by side (rankdir LR)
                xs = [x for x, _ in points(outline)]
                walls = sorted({min(xs), max(xs)} | {points(p)[0][0] for p in g.findall(f"{SVG}polyline")})
                middle = (left + right) / 2
                start = max(w for w in walls if w <= middle)
                end = min(w for w in walls if w >= middle)
                if left < start + margin or right > end - margin:
                    problems.append(f"{name}: {text!r} spans {left:.1f} to {right:.1f}, "
                                    f"its field {start:.1f} to {end:.1f}")
            elif ellipse is not None:
                cx, cy = float(ellipse.get("cx")), float(ellipse.get("cy"))
                rx, ry = float(ellipse.get("rx")) - margin, float(ellipse.get("ry")) - margin
                for x, y in ((left, top), (right, top), (left, bottom), (right, bottom)):
                    if ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 > 1:
                        problems.append(f"{name}: {text!r} reaches ({x:.1f}, {y:.1f}), outside its ellipse")
    return problems


# ---------------------------------------------------------------------------
# the lecture's own draw_dot, drawn through Drawing
# ---------------------------------------------------------------------------


def trace(root):
    """The lecture's trace: every node and edge under root."""
    nodes, edges = set(), set()

    def build(v):
        if v not in nodes:
            nodes.add(v)
            for child in v._prev:
                edges.add((child, v))
                build(child)

    build(root)
    return nodes, edges


def lecture_draw_dot(root, font=None):
    """The lecture's draw_dot, word for word, with Drawing in place of graphviz.Digraph."""
    from tinygrad_ann.viz import Drawing as Digraph

    dot = Digraph(format="svg", graph_attr={"rankdir": "LR"})
    if font:  # as if the lecture had named it
        dot.attr("node", fontname=font)
    nodes, edges = trace(root)
    for n in nodes:
        uid = str(id(n))
        dot.node(name=uid, label="{ %s | data %.4f | grad %.4f }" % (n.label, n.data, n.grad), shape="record")
        if n._op:
            dot.node(name=uid + n._op, label=n._op)
            dot.edge(uid + n._op, uid)
    for n1, n2 in edges:
        dot.edge(str(id(n1)), str(id(n2)) + n2._op)
    return dot


def lecture_neuron() -> Value:
    """o = tanh(x1*w1 + x2*w2 + b), as the lecture builds and labels it, after backward()."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1 = x1 * w1
    x1w1.label = "x1*w1"
    x2w2 = x2 * w2
    x2w2.label = "x2*w2"
    x1w1x2w2 = x1w1 + x2w2
    x1w1x2w2.label = "x1*w1 + x2*w2"
    n = x1w1x2w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    o.backward()
    return o


def wide_numbers() -> Value:
    """A graph of long labels and numbers with many digits, the widest text a field gets."""
    a = Value(-12345.6789, label="a_long_label_name")
    b = Value(98765.4321, label="WWWWMMMM")
    c = (a * b).exp()
    c.label = "exp(a*b) with a long name"
    d = c + a
    d.label = "d"
    d.backward()
    return d


@pytest.mark.parametrize("graph", [lecture_neuron, wide_numbers])
def test_the_lectures_draw_dot_draws_no_text_over_box_lines(graph):
    svg = lecture_draw_dot(graph()).pipe(format="svg")
    assert texts_over_lines(svg) == []


def test_the_check_sees_text_run_over_boxes_sized_for_times():
    # Graphviz's own default: boxes sized for Times, drawn in DejaVu Serif here.
    problems = texts_over_lines(lecture_draw_dot(lecture_neuron(), font="Times").pipe(format="svg"))
    assert any("'data -3.0000'" in p for p in problems)


def test_the_lectures_rendered_svg_and_png_files(tmp_path):
    drawing = lecture_draw_dot(lecture_neuron())
    svg = tmp_path / drawing.render(outfile=tmp_path / "lecture.svg")
    assert texts_over_lines(svg.read_bytes()) == []
    png = tmp_path / drawing.render(outfile=tmp_path / "lecture.png")
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_drawing_sets_text_in_dejavu_sans_unless_the_code_names_a_font():
    d = Drawing(graph_attr={"rankdir": "LR"})
    assert d.graph_attr == {"rankdir": "LR", "fontname": "DejaVu Sans"}
    assert d.node_attr["fontname"] == d.edge_attr["fontname"] == "DejaVu Sans"
    chosen = Drawing(node_attr={"fontname": "Times"})
    assert chosen.node_attr["fontname"] == chosen.copy().node_attr["fontname"] == "Times"
    assert chosen.graph_attr["fontname"] == "DejaVu Sans"  # only what was named changes


def test_a_font_the_code_names_later_is_the_one_drawn():
    d = Drawing()
    d.attr("node", fontname="Courier")
    d.node("a")
    d.node("b", fontname="Times")
    families = {name: g.find(f"{SVG}text").get("font-family") for name, g in nodes(d.pipe(format="svg"))}
    assert families["a"].startswith("Courier") and families["b"].startswith("Times")


def test_svg_names_dejavu_sans_then_fonts_no_wider(tmp_path):
    drawing = lecture_draw_dot(lecture_neuron())
    for svg in (drawing.pipe(format="svg").decode(),
                (tmp_path / drawing.render(outfile=tmp_path / "g.svg")).read_text()):
        families = {f.split('"')[0] for f in svg.split('font-family="')[1:]}
        assert families == {"&apos;DejaVu Sans&apos;,&apos;Bitstream Vera Sans&apos;,sans-serif"}


def test_the_librarys_own_drawings_keep_their_font():
    picture = draw_dot(Value(2.0, label="x") * 3)
    assert picture.node_attr["fontname"] == "Helvetica"
    assert "DejaVu" not in picture.pipe(format="svg").decode()


# ---------------------------------------------------------------------------
# draw_network: a neuron's text stays inside its circle
# ---------------------------------------------------------------------------


class Neuron:
    """Just what draw_network reads of a neuron."""

    def __init__(self, w, b, activation="relu"):
        self.w = [Value(x) for x in w]
        self.b = Value(b)
        self.activation = activation


class Layer:
    def __init__(self, neurons):
        self.neurons = neurons


def trained_like() -> MLP:
    """MLP(2, [4, 4, 1]) with biases of the widths training gives, and their grads."""
    model = MLP(2, [4, 4, 1], rng=0)
    biases = [0.01, 0.14, 0.16, 0.23, -0.01, 0.25, -0.06, 0.0096, -0.34]
    grads = [-0.0067, -0.04, -0.03, -0.13, -0.0022, -0.09, 0.03, 0.04, 0.22]
    for neuron, b, g in zip((n for layer in model.layers for n in layer.neurons), biases, grads, strict=True):
        neuron.b.data, neuron.b.grad = b, g
    return model


def neuron_text_nearest_the_outline(svg: bytes) -> float:
    """The least distance (points) from a neuron's text to its circle, over every neuron."""
    nearest = math.inf
    for name, g in nodes(svg):
        ellipse = g.find(f"{SVG}ellipse")
        if not name.startswith("n") or ellipse is None:
            continue
        cx, cy, r = (float(ellipse.get(k)) for k in ("cx", "cy", "rx"))
        for t in g.findall(f"{SVG}text"):
            left, right, top, bottom, _ = text_box(t)
            far = max(math.hypot(x - cx, y - cy) for x in (left, right) for y in (top, bottom))
            nearest = min(nearest, r - far)
    return nearest


@pytest.mark.parametrize("picture", [
    lambda: draw_network(MLP(2, [4, 4, 1], rng=0)),
    lambda: draw_network(trained_like()),
    lambda: draw_network(trained_like(), show="grads"),
    lambda: draw_network(trained_like(), show="grads", rankdir="TB"),
    lambda: draw_network(Layer([Neuron([1.0], -12345.0, "leaky_relu"), Neuron([2.0], float("nan"), "sigmoid"),
                                Neuron([0.5], -0.00012, "softplus")])),
], ids=["untrained", "trained", "grads", "grads-TB", "wide-texts"])
def test_network_text_keeps_clear_of_each_circle_in_any_font(picture):
    svg = picture().pipe(format="svg")
    assert neuron_text_nearest_the_outline(svg) >= 3.0


def test_network_neurons_are_no_larger_than_their_text_needs():
    svg = draw_network(trained_like(), show="grads").pipe(format="svg")
    assert neuron_text_nearest_the_outline(svg) <= 8.0
