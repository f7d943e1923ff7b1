"""Tests for tinygrad_ann.viz: the pictures are rendered for real (system dot or graphviz-pure)."""

from __future__ import annotations

import io
import math
import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import graphviz
import pytest

from tinygrad_ann import Value, custom_op, dot, sum_values
from tinygrad_ann import viz
from tinygrad_ann.viz import (
    ROLE_COLORS,
    BackpropReplay,
    DotNotFoundError,
    Drawing,
    draw_dot,
    draw_network,
    find_dot,
    op_label,
)

SVG = "{http://www.w3.org/2000/svg}"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


# ---------------------------------------------------------------------------
# helpers and fixtures
# ---------------------------------------------------------------------------


def svg_root(drawing: graphviz.Digraph) -> ET.Element:
    return ET.fromstring(drawing.pipe(format="svg"))


def svg_texts(drawing: graphviz.Digraph) -> list[str]:
    """Every text element of the rendered SVG."""
    return ["".join(t.itertext()) for t in svg_root(drawing).iter(f"{SVG}text")]


def svg_nodes(drawing: graphviz.Digraph) -> dict[str, ET.Element]:
    """The SVG group of every node, by node name."""
    return {
        g.find(f"{SVG}title").text: g
        for g in svg_root(drawing).iter(f"{SVG}g")
        if g.get("class") == "node"
    }


def fills(group: ET.Element) -> set[str]:
    """The fill colours used inside one SVG group (lower case, as Graphviz writes them)."""
    return {el.get("fill").lower() for el in group.iter() if el.get("fill")}


def node_positions(drawing: graphviz.Digraph) -> dict[str, tuple[str, str]]:
    """Node name -> (x, y) from Graphviz's plain output."""
    positions = {}
    for line in drawing.pipe(format="plain").decode().splitlines():
        parts = line.split()
        if parts and parts[0] == "node":
            positions[parts[1]] = (parts[2], parts[3])
    return positions


def lecture_neuron():
    """o = tanh(x1*w1 + x2*w2 + b), the micrograd lecture's neuron, after backward()."""
    x1 = Value(2.0, label="x1")
    x2 = Value(0.0, label="x2")
    w1 = Value(-3.0, label="w1")
    w2 = Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1 = x1 * w1
    x1w1.label = "x1*w1"
    x2w2 = x2 * w2
    x2w2.label = "x2*w2"
    s = x1w1 + x2w2
    s.label = "x1w1 + x2w2"
    n = s + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    o.backward()
    return o, {"x1": x1, "x2": x2, "w1": w1, "w2": w2, "b": b, "n": n}


def shared_graph():
    """d = a*b + a: `a` feeds two nodes, so its grad gets two contributions."""
    a = Value(2.0, label="a")
    b = Value(-3.0, label="b")
    c = a * b
    c.label = "c"
    d = c + a
    d.label = "d"
    return d, a, b, c


def long_edge_graph(steps: int) -> Value:
    """x = x * w + 1 repeated: w is used at every step, far from where it was made."""
    x, w = Value(1.0, label="x"), Value(0.5, label="w")
    for _ in range(steps):
        x = x * w + 1
    return x


# Stand-ins for tinygrad_ann.nn with just the attributes draw_network reads.
class StubNeuron:
    def __init__(self, w, b, activation="relu"):
        self.w = [Value(x) for x in w]
        self.b = Value(b)
        self.activation = activation


class StubLayer:
    def __init__(self, neurons):
        self.neurons = neurons


class StubMLP:
    def __init__(self, layers):
        self.layers = layers


def stub_mlp() -> StubMLP:
    """2 inputs -> 3 tanh -> 1 linear, with hand-picked weights."""
    hidden = StubLayer([
        StubNeuron([0.5, -1.0], 0.13, "tanh"),
        StubNeuron([2.0, 0.25], -0.5, "tanh"),
        StubNeuron([-0.1, 0.0], 0.0, "tanh"),
    ])
    out = StubLayer([StubNeuron([1.0, -2.0, 0.5], 0.3, "linear")])
    return StubMLP([hidden, out])


# ---------------------------------------------------------------------------
# import layering
# ---------------------------------------------------------------------------


def test_import_tinygrad_ann_does_not_import_graphviz():
    code = "import sys, tinygrad_ann; print('graphviz' in sys.modules, 'tinygrad_ann.viz' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


# ---------------------------------------------------------------------------
# draw_dot: what is drawn
# ---------------------------------------------------------------------------


def test_draw_dot_returns_a_graphviz_digraph():
    o, _ = lecture_neuron()
    assert isinstance(draw_dot(o), graphviz.Digraph)


def test_svg_shows_label_data_and_grad_of_every_value():
    o, v = lecture_neuron()
    texts = svg_texts(draw_dot(o))
    for label in ("x1", "x2", "w1", "w2", "b", "x1*w1", "x2*w2", "x1w1 + x2w2", "n", "o"):
        assert label in texts
    # x1 = 2, w1 = -3: x1.grad = w1 * (1 - o^2) = -1.5, w1.grad = x1 * 0.5 = 1.0
    for text in ("data 2.0000", "grad -1.5000", "data -3.0000", "grad 1.0000",
                 "data 0.7071", "data 6.8814", "grad 0.5000"):
        assert text in texts


def test_one_op_node_per_value_with_operands_feeds_it():
    o, _ = lecture_neuron()
    texts = svg_texts(draw_dot(o))
    assert texts.count("*") == 2 and texts.count("+") == 2 and texts.count("tanh") == 1


def test_works_before_backward_with_grads_zero():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = a * b
    texts = svg_texts(draw_dot(c))
    assert texts.count("grad 0.0000") == 3
    assert "data -6.0000" in texts


def test_show_grad_false_draws_only_data():
    a = Value(2.0, label="a")
    texts = svg_texts(draw_dot(a * a, show_grad=False))
    assert "data 4.0000" in texts
    assert not any(t.startswith("grad") for t in texts)


def test_tiny_numbers_are_written_in_scientific_notation_not_as_zero():
    a = Value(1e-6, label="tiny")
    assert "data 1.000e-06" in svg_texts(draw_dot(a * 2))


def test_same_graph_gives_identical_dot_source():
    first, _ = lecture_neuron()
    second, _ = lecture_neuron()  # a separate graph with the same values
    assert draw_dot(first).source == draw_dot(first).source
    assert draw_dot(first).source == draw_dot(second).source


def test_node_names_follow_a_topological_order_not_id():
    o, _ = lecture_neuron()
    order = o.topological_order()
    position = {id(v): i for i, v in enumerate(order)}
    assert len(order) == len(o.topological_order())
    assert all(position[id(c)] < position[id(v)] for v in order for c in v._prev)
    source = draw_dot(o).source
    assert f"v{len(order) - 1} " in source  # the root is last
    assert str(id(o)) not in source


def test_fused_dot_operands_are_drawn_in_reading_order_from_the_top():
    w = [Value(0.5, label="wa"), Value(-1.0, label="wb")]
    xs = [Value(2.0, label="xa"), Value(3.0, label="xb")]
    y = dot(w, xs, Value(0.1, label="bias"))
    order = y.topological_order()
    assert [v.label for v in order[:-1]] == ["wa", "xa", "wb", "xb", "bias"]
    positions = node_positions(draw_dot(y))
    height = {v.label: float(positions[f"v{i}"][1]) for i, v in enumerate(order[:-1])}
    assert height["wa"] > height["xa"] > height["wb"] > height["xb"] > height["bias"]


def test_shared_operand_draws_two_edges_a_plus_a():
    a = Value(3.0, label="a")
    source = draw_dot(a + a).source
    assert source.count("v0 -> v1op") == 2


def test_deep_graph_builds_without_recursion():
    x = Value(1.0, label="x")
    for _ in range(5000):
        x = x.tanh()
    drawing = draw_dot(x, max_nodes=None)  # builds the whole source; no RecursionError
    assert drawing.source.count("tanh") == 5000


# ---------------------------------------------------------------------------
# draw_dot: operation labels
# ---------------------------------------------------------------------------


def test_fused_dot_node_is_labelled_sum_w_x_plus_b_with_named_operands():
    w = [Value(0.5, label="wa"), Value(-1.0, label="wb")]
    xs = [Value(2.0, label="xa"), Value(3.0, label="xb")]
    y = dot(w, xs, Value(0.1, label="bias"))
    drawing = draw_dot(y)
    texts = svg_texts(drawing)
    assert "Σ w·x + b" in texts
    for name in ("w1", "x1", "w2", "x2", "b"):
        assert name in texts  # the edge labels say which operand is which


def test_fused_dot_without_bias_is_labelled_sum_w_x():
    y = dot([Value(1.0)], [Value(2.0)])
    assert op_label(y) == "Σ w·x"


def test_op_labels_for_special_ops():
    x = Value(2.0)
    cube = custom_op("cube_viz", lambda t: t ** 3, lambda t, y: 3 * t ** 2)
    assert op_label(-x) == "−x"
    assert op_label(sum_values([x, x, x])) == "Σ"
    assert op_label(x ** 2) == "** 2"
    assert op_label(x ** 0.5) == "** 0.5"
    assert op_label(x ** Value(3.0)) == "**"  # a Value exponent is an operand, drawn as an edge
    assert op_label(x.leaky_relu(0.2)) == "leaky_relu 0.2"
    assert op_label(cube(x)) == "cube_viz"
    assert [op_label(f) for f in (x + 1, x - 1, x * 2, x / 2, x.exp(), x.tanh())] == [
        "+", "-", "*", "/", "exp", "tanh"]


def test_subtraction_keeps_operand_order():
    a, b = Value(5.0, label="a"), Value(1.0, label="b")
    y = a - b
    order = y.topological_order()
    ia, ib = order.index(a), order.index(b)
    drawing = draw_dot(y)
    source = drawing.source
    assert source.index(f"v{ia} -> v2op") < source.index(f"v{ib} -> v2op")
    positions = node_positions(drawing)
    assert float(positions[f"v{ia}"][1]) > float(positions[f"v{ib}"][1])  # a above b


# ---------------------------------------------------------------------------
# draw_dot: colours
# ---------------------------------------------------------------------------


def test_boxes_are_coloured_by_role():
    o, v = lecture_neuron()
    drawing = draw_dot(o, params=[v["w1"], v["w2"], v["b"]])
    nodes = svg_nodes(drawing)
    order = o.topological_order()
    name = {id(node): f"v{i}" for i, node in enumerate(order)}
    assert ROLE_COLORS["parameter"].lower() in fills(nodes[name[id(v["w1"])]])
    assert ROLE_COLORS["parameter"].lower() in fills(nodes[name[id(v["b"])]])
    assert ROLE_COLORS["input"].lower() in fills(nodes[name[id(v["x1"])]])
    assert ROLE_COLORS["intermediate"].lower() in fills(nodes[name[id(v["n"])]])
    assert ROLE_COLORS["root"].lower() in fills(nodes[name[id(o)]])


def test_params_can_be_a_model_with_a_parameters_method():
    w, x = Value(2.0, label="w"), Value(3.0, label="x")

    class Model:
        def parameters(self):
            return [w]

    by_list = draw_dot(w * x, params=[w]).source
    by_model = draw_dot(w * x, params=Model()).source
    assert by_list == by_model
    assert ROLE_COLORS["parameter"] in by_model


def test_without_params_all_leaves_share_one_colour():
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    source = draw_dot(a * b).source
    assert ROLE_COLORS["parameter"] not in source
    assert source.count(ROLE_COLORS["leaf"]) == 2


def test_params_rejects_non_values():
    with pytest.raises(TypeError, match=r"^draw_dot: params\[0\] must be a Value, got 1.0 \(float\)$"):
        draw_dot(Value(1.0) * 2, params=[1.0])


def test_legend_names_the_roles_present():
    o, v = lecture_neuron()
    texts = svg_texts(draw_dot(o, params=[v["w1"]], legend=True))
    for name in ("root (e.g. the loss)", "intermediate result", "parameter",
                 "input / constant", "operation"):
        assert name in texts


def test_grad_color_fills_grad_cells_by_magnitude():
    a = Value(1.0, label="big")
    b = Value(0.0, label="zero")
    y = a * 100.0 + b * 0.0  # big.grad = 100, zero.grad = 0
    y.backward()
    drawing = draw_dot(y, grad_color=True, legend=True)
    order = y.topological_order()
    nodes = svg_nodes(drawing)
    strongest = viz.style.GRAD_BANDS[0][1]
    assert strongest.lower() in fills(nodes[f"v{order.index(a)}"])
    assert not fills(nodes[f"v{order.index(b)}"]) & {c.lower() for _, c, _ in viz.style.GRAD_BANDS}
    assert "|grad| / largest |grad|:" in svg_texts(drawing)


def test_no_grad_colours_without_grad_color():
    a = Value(1.0)
    y = a * 3
    y.backward()
    source = draw_dot(y).source
    assert not any(colour in source for _, colour, _ in viz.style.GRAD_BANDS)


# ---------------------------------------------------------------------------
# draw_dot: large graphs
# ---------------------------------------------------------------------------


def test_100k_node_graph_returns_a_small_summary_quickly():
    x = Value(1.0, label="x")
    for _ in range(50_000):
        x = x * 1.0001 + 0.5  # 200,001 values
    start = time.perf_counter()
    drawing = draw_dot(x)
    svg = drawing.pipe(format="svg")
    elapsed = time.perf_counter() - start
    assert elapsed < 10
    assert len(drawing.source) < 10_000
    texts = [t for t in ET.fromstring(svg).itertext()]
    assert any("200,001 values: too many to draw readably (max_nodes=100)" in t for t in texts)
    assert any("give draw_dot a Value inside the graph" in t for t in texts)


def test_summary_counts_values_per_operation():
    x = Value(1.0)
    for _ in range(300):
        x = (x * 2.0).tanh()
    texts = svg_texts(draw_dot(x, max_nodes=100))
    i = texts.index("values made by each operation:")
    assert [t.strip() for t in texts[i + 1: i + 5]] == ["*", "300", "tanh", "300"]


def test_graph_with_many_long_edges_is_summarised_before_it_hangs_the_layout():
    x = long_edge_graph(100)  # only 302 values, but w has 100 edges spanning the graph
    start = time.perf_counter()
    drawing = draw_dot(x, max_nodes=500)
    drawing.pipe(format="svg")
    assert time.perf_counter() - start < 10
    assert "too slow to lay out" in drawing.source


def test_long_edges_count_against_the_default_limit_too():
    x = long_edge_graph(32)  # 98 values, under the default 100, but w spans them all
    assert len(x.topological_order()) <= viz.MAX_NODES
    assert "values with long edges: too slow to lay out" in draw_dot(x).source


def test_max_nodes_none_draws_everything():
    x = Value(1.0)
    for _ in range(300):
        x = x + 1
    assert draw_dot(x, max_nodes=None).source.count("data ") == 601


def test_max_nodes_must_be_positive():
    with pytest.raises(ValueError, match="max_nodes"):
        draw_dot(Value(1.0), max_nodes=0)


def test_draw_dot_of_a_model_says_to_use_draw_network():
    with pytest.raises(TypeError, match="draw_network"):
        draw_dot(stub_mlp())


# ---------------------------------------------------------------------------
# rendering without a system Graphviz
# ---------------------------------------------------------------------------


def test_pipe_gives_svg():
    o, _ = lecture_neuron()
    assert draw_dot(o).pipe(format="svg").startswith(b"<?xml")


def test_render_png_is_a_valid_png(tmp_path):
    from PIL import Image

    o, _ = lecture_neuron()
    path = draw_dot(o).render(outfile=tmp_path / "neuron.png", cleanup=True)
    data = Path(path).read_bytes()
    assert data[:8] == PNG_SIGNATURE
    with Image.open(io.BytesIO(data)) as image:
        assert image.width > 400 and 50 < image.height < image.width
    assert not (tmp_path / "neuron.gv").exists()  # cleanup removed the source


def test_render_with_filename_and_format(tmp_path):
    o, _ = lecture_neuron()
    path = draw_dot(o, format="svg").render("graph", directory=tmp_path)
    assert Path(path) == tmp_path / "graph.svg"
    assert Path(path).read_bytes().startswith(b"<?xml")
    assert (tmp_path / "graph").exists()  # the DOT source, kept without cleanup


def test_jupyter_display_gives_svg_and_png():
    o, _ = lecture_neuron()
    drawing = draw_dot(o)
    bundle = drawing._repr_mimebundle_()
    assert bundle["image/svg+xml"].startswith("<?xml")
    assert drawing._repr_mimebundle_(include=["image/png"])["image/png"][:8] == PNG_SIGNATURE
    assert drawing._repr_svg_().startswith("<?xml")


def test_rendering_prints_no_warnings(capfd):
    o, v = lecture_neuron()
    draw_dot(o, params=[v["w1"]], legend=True, grad_color=True).pipe(format="svg")
    BackpropReplay(shared_graph()[0])[2].pipe(format="svg")
    draw_network(stub_mlp()).pipe(format="svg")
    assert capfd.readouterr().err == ""


def test_find_dot_prefers_the_system_dot(monkeypatch):
    monkeypatch.setattr(viz.render.shutil, "which", lambda name: "/usr/bin/dot" if name == "dot" else None)
    assert find_dot() == "/usr/bin/dot"


def test_find_dot_falls_back_to_graphviz_pure_next_to_python(monkeypatch, tmp_path):
    exe = tmp_path / ("graphviz-pure.exe" if os.name == "nt" else "graphviz-pure")
    exe.write_text("")
    exe.chmod(0o755)
    monkeypatch.setattr(viz.render.shutil, "which", lambda name: None)
    monkeypatch.setattr(viz.render.sys, "executable", str(tmp_path / "python"))
    assert find_dot() == str(exe)


def test_missing_backend_error_says_how_to_install(monkeypatch, tmp_path):
    monkeypatch.setattr(viz.render.shutil, "which", lambda name: None)
    monkeypatch.setattr(viz.render.sys, "executable", str(tmp_path / "python"))
    monkeypatch.setattr(viz.render.sysconfig, "get_path", lambda name: str(tmp_path))
    with pytest.raises(DotNotFoundError) as info:
        draw_dot(Value(1.0) * 2).pipe()
    message = str(info.value)
    assert "pip install graphviz-pure" in message
    assert "apt install graphviz" in message
    assert isinstance(info.value, graphviz.ExecutableNotFound)


def test_a_layout_that_takes_too_long_is_stopped_with_advice(monkeypatch):
    monkeypatch.setattr(Drawing, "timeout", 1e-9)
    with pytest.raises(RuntimeError, match="draw a part of the graph|Draw a part of the graph"):
        draw_dot(Value(1.0) * 2).pipe()


def test_a_format_graphviz_pure_cannot_write_is_a_clear_error(monkeypatch):
    if "graphviz-pure" not in Path(find_dot()).name:
        pytest.skip("the system dot writes pdf")
    with pytest.raises(ValueError, match="graphviz-pure cannot write 'pdf' yet"):
        draw_dot(Value(1.0) * 2).pipe(format="pdf")


def test_unknown_format_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown format"):
        Drawing(body=["a -> b"]).pipe(format="gif2")


# ---------------------------------------------------------------------------
# BackpropReplay
# ---------------------------------------------------------------------------


def test_replay_has_a_start_frame_and_one_per_node_with_operands():
    o, _ = lecture_neuron()
    inner = [v for v in o.topological_order() if v._prev]
    replay = BackpropReplay(o)
    assert len(replay) == len(inner) + 1
    assert [s.number for s in replay.steps] == list(range(len(inner) + 1))


def test_replay_runs_nodes_in_reverse_topological_order():
    o, _ = lecture_neuron()
    inner = [v for v in o.topological_order() if v._prev]
    assert [s.node for s in BackpropReplay(o).steps[1:]] == inner[::-1]


def test_replay_final_grads_equal_backward():
    o, _ = lecture_neuron()
    replay = BackpropReplay(o)
    for v in o.topological_order():
        v.grad = 0.0
    o.backward()
    assert list(replay.steps[-1].grads) == [v.grad for v in replay.order]


def test_replay_final_grads_equal_backward_for_a_network():
    nn = pytest.importorskip("tinygrad_ann.nn")
    model = nn.MLP(2, [4, 4, 1], rng=0)
    loss = (model([0.5, -1.0]) - 1.0) ** 2
    replay = BackpropReplay(loss)
    model.zero_grad()
    loss.backward()
    assert list(replay.steps[-1].grads) == [v.grad for v in replay.order]


def test_replay_leaves_the_users_grads_as_they_were():
    d, a, b, c = shared_graph()
    a.grad, b.grad, c.grad, d.grad = 10.0, 20.0, 30.0, 40.0
    BackpropReplay(d)
    assert (a.grad, b.grad, c.grad, d.grad) == (10.0, 20.0, 30.0, 40.0)


def test_replay_start_frame_shows_only_the_root_grad():
    d, *_ = shared_graph()
    texts = svg_texts(BackpropReplay(d)[0])
    assert "grad 1.0000" in texts
    assert texts.count("grad ?") == 3  # a, b, c: nothing has arrived yet


def test_replay_marks_a_partial_grad_with_more_to_come():
    d, a, b, c = shared_graph()
    replay = BackpropReplay(d)
    step = replay.steps[1]  # d = c + a ran: a has 1 of its 2 contributions
    assert step.node is d
    assert step.remaining[replay.order.index(a)] == 1
    assert "grad 1.0000 + ?" in svg_texts(replay[1])


def test_replay_shows_plus_equals_for_a_second_contribution():
    d, a, b, c = shared_graph()
    replay = BackpropReplay(d)
    last = replay.steps[2]  # c = a * b ran: a.grad += b.data * c.grad = -3
    assert last.node is c
    ia = replay.order.index(a)
    assert (ia, -3.0, True) in last.contributions
    assert "a.grad += -3.0000" in last.caption
    texts = svg_texts(replay[2])
    assert "grad += -3.0000" in texts
    assert "grad -2.0000" in texts  # 1 + (-3)


def test_replay_first_contribution_is_labelled_without_plus_equals():
    d, a, b, c = shared_graph()
    replay = BackpropReplay(d)
    texts = svg_texts(replay[2])
    assert "grad = 2.0000" in texts  # b.grad: its only contribution, a.data * c.grad


def test_replay_highlights_the_node_whose_backward_runs():
    d, a, b, c = shared_graph()
    replay = BackpropReplay(d)
    ic = replay.order.index(c)
    nodes = svg_nodes(replay[2])
    assert viz.style.ACTIVE.lower() in fills(nodes[f"v{ic}op"])
    assert viz.style.ACTIVE.lower() not in fills(nodes[f"v{replay.order.index(d)}op"])


def test_replay_caption_shows_the_local_derivative_rule():
    d, *_ = shared_graph()
    texts = svg_texts(BackpropReplay(d)[2])
    assert any("d(a * b)/da = b" in t for t in texts)


def test_replay_frames_keep_the_same_layout():
    o, _ = lecture_neuron()
    replay = BackpropReplay(o)
    first = node_positions(replay[0])
    assert all(node_positions(frame) == first for frame in replay[1:])


def test_replay_of_a_huge_graph_raises_with_advice():
    x = Value(1.0)
    for _ in range(300):
        x = x + 1
    with pytest.raises(ValueError, match=r"root\._prev\[0\]"):
        BackpropReplay(x)


def test_a_replay_iterates_over_its_frames_as_drawings():
    d, *_ = shared_graph()
    frames = list(BackpropReplay(d))
    assert len(frames) == 3
    assert all(isinstance(f, Drawing) for f in frames)


def test_save_frames_writes_one_png_per_step(tmp_path):
    d, *_ = shared_graph()
    paths = BackpropReplay(d).save_frames(tmp_path / "frames")
    assert [p.name for p in paths] == ["step_000.png", "step_001.png", "step_002.png"]
    assert all(p.read_bytes()[:8] == PNG_SIGNATURE for p in paths)


def test_save_frames_as_svg(tmp_path):
    d, *_ = shared_graph()
    paths = BackpropReplay(d).save_frames(tmp_path, format="svg")
    assert all(p.suffix == ".svg" and p.read_bytes().startswith(b"<?xml") for p in paths)


def test_save_gif_is_animated_with_every_frame(tmp_path):
    from PIL import Image

    d, *_ = shared_graph()
    path = BackpropReplay(d).save_gif(tmp_path / "backprop.gif")
    with Image.open(path) as gif:
        assert gif.format == "GIF"
        assert gif.n_frames == 3
        assert gif.width > 300


def test_show_without_ipywidgets_returns_the_frames(monkeypatch):
    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # makes `import ipywidgets` fail
    d, *_ = shared_graph()
    frames = BackpropReplay(d).show()
    assert isinstance(frames, list) and len(frames) == 3


def test_show_with_ipywidgets_returns_a_slider_widget():
    widgets = pytest.importorskip("ipywidgets")
    d, *_ = shared_graph()
    replay = BackpropReplay(d)
    ui = replay.show()
    assert isinstance(ui, widgets.VBox)
    slider = ui.children[0].children[1]
    picture = ui.children[1]
    assert picture.value.startswith("<svg") and picture.value in replay.svg(0)
    slider.value = 2
    assert picture.value in replay.svg(2) and picture.value not in replay.svg(0)


def test_svg_of_a_frame_is_cached():
    d, *_ = shared_graph()
    replay = BackpropReplay(d)
    assert replay.svg(-1) is replay.svg(2)


# ---------------------------------------------------------------------------
# draw_network
# ---------------------------------------------------------------------------


def test_draw_network_draws_inputs_and_layers_as_columns():
    drawing = draw_network(stub_mlp())
    texts = svg_texts(drawing)
    for column in ("input", "hidden 1", "output"):
        assert column in texts
    assert {"x1", "x2"} <= set(texts)


def _centres(drawing):
    """{node name: (x, y)} of every circle in the rendered SVG (y grows downwards)."""
    root = ET.fromstring(drawing.pipe(format="svg"))
    ns = "{http://www.w3.org/2000/svg}"
    centres = {}
    for g in root.iter(f"{ns}g"):
        title, ellipse = g.find(f"{ns}title"), g.find(f"{ns}ellipse")
        if g.get("class") == "node" and ellipse is not None:
            centres[title.text] = (float(ellipse.get("cx")), float(ellipse.get("cy")))
    return centres


@pytest.mark.parametrize("rankdir", ["LR", "TB"])
def test_draw_network_keeps_every_column_in_order(rankdir):
    model = pytest.importorskip("tinygrad_ann.nn").MLP(3, [8, 16, 3], rng=0)
    centres = _centres(draw_network(model, rankdir=rankdir))
    along, across = (0, 1) if rankdir == "LR" else (1, 0)  # LR: columns left to right, x1 on top
    columns = [[f"x{i + 1}" for i in range(3)]] + [
        [f"n{k + 1}_{j + 1}" for j in range(n)] for k, n in enumerate([8, 16, 3])
    ]
    for column in columns:
        assert len({centres[n][along] for n in column}) == 1  # one straight column
        places = [centres[n][across] for n in column]
        assert places == sorted(places) and len(set(places)) == len(places)
    firsts = [centres[column[0]][along] for column in columns]
    assert firsts == sorted(firsts)


def test_draw_network_draws_every_connection():
    drawing = draw_network(stub_mlp())
    edges = [ln for ln in drawing.source.splitlines() if "->" in ln and "invis" not in ln]
    assert len(edges) == 2 * 3 + 3 * 1


def test_draw_network_colours_connections_by_sign_and_widths_by_magnitude():
    source = draw_network(stub_mlp(), values=False).source
    edge = {ln.split("[")[0].strip(): ln for ln in source.splitlines() if "->" in ln}
    assert viz.style.POSITIVE in edge["x1 -> n1_2"]  # w = 2, the largest: the thickest
    assert "penwidth=4.00" in edge["x1 -> n1_2"]
    assert viz.style.NEGATIVE in edge["x2 -> n1_1"]  # w = -1: half as thick
    assert "penwidth=2.30" in edge["x2 -> n1_1"]
    assert viz.style.ZERO in edge["x2 -> n1_3"]  # w = 0: grey and thin
    assert "penwidth=0.60" in edge["x2 -> n1_3"]


def test_draw_network_shows_activation_and_bias_in_each_neuron():
    texts = svg_texts(draw_network(stub_mlp()))
    assert texts.count("tanh") == 3 and texts.count("linear") == 1
    assert {"b = 0.13", "b = -0.50", "b = 0", "b = 0.30"} <= set(texts)


def test_draw_network_writes_weights_on_small_networks():
    texts = svg_texts(draw_network(stub_mlp()))
    assert "-2.00" in texts and "0.25" in texts


def test_draw_network_grads_mode_shows_gradients():
    model = stub_mlp()
    for layer in model.layers:
        for neuron in layer.neurons:
            for w in neuron.w:
                w.grad = 0.5
            neuron.b.grad = -0.25
    drawing = draw_network(model, show="grads")
    texts = svg_texts(drawing)
    assert "b.grad = -0.25" in texts
    assert "connections (w.grad):" in texts
    edges = [ln for ln in drawing.source.splitlines() if "->" in ln and "invis" not in ln]
    assert edges and all(viz.style.POSITIVE in ln for ln in edges)  # every w.grad is +0.5


def test_draw_network_accepts_a_layer_and_a_neuron():
    layer_texts = svg_texts(draw_network(StubLayer([StubNeuron([1.0], 0.0)] * 2)))
    neuron_texts = svg_texts(draw_network(StubNeuron([1.0, -1.0, 0.5], 0.2, "sigmoid")))
    assert layer_texts.count("relu") == 2
    assert "sigmoid" in neuron_texts and "x3" in neuron_texts


def test_draw_network_names_a_function_activation():
    def swish(v):
        return v * v.sigmoid()

    assert "swish" in svg_texts(draw_network(StubNeuron([1.0], 0.0, swish)))


def test_draw_network_rejects_weights_that_do_not_match_the_layer_before():
    bad = StubMLP([StubLayer([StubNeuron([1.0, 2.0], 0.0)]), StubLayer([StubNeuron([1.0, 2.0], 0.0)])])
    with pytest.raises(ValueError, match="neuron 1 of layer 2 has 2 weights"):
        draw_network(bad)


def test_draw_network_of_too_many_connections_says_how_to_draw_a_part():
    big = StubLayer([StubNeuron([0.1] * 100, 0.0) for _ in range(20)])
    with pytest.raises(ValueError, match=r"draw_network\(model.layers\[-1\]\)"):
        draw_network(big)


def test_draw_network_rejects_a_value_with_a_hint():
    with pytest.raises(TypeError, match="draw_dot"):
        draw_network(Value(1.0))


def test_draw_network_of_the_real_mlp():
    nn = pytest.importorskip("tinygrad_ann.nn")
    model = nn.MLP(2, [4, 4, 1], rng=0)
    drawing = draw_network(model)
    texts = svg_texts(drawing)
    assert {"input", "hidden 1", "hidden 2", "output"} <= set(texts)
    assert texts.count("relu") == 8 and texts.count("linear") == 1
    edges = [ln for ln in drawing.source.splitlines() if "->" in ln and "invis" not in ln]
    assert len(edges) == 2 * 4 + 4 * 4 + 4 * 1


def test_draw_dot_of_the_real_mlp_colours_its_parameters():
    nn = pytest.importorskip("tinygrad_ann.nn")
    model = nn.MLP(2, [4, 4, 1], rng=0)
    loss = (model([1.0, -2.0]) - 1.0) ** 2
    loss.backward()
    drawing = draw_dot(loss, params=model)
    assert drawing.source.count(ROLE_COLORS["parameter"]) == len(model.parameters())
    assert svg_texts(drawing).count("Σ w·x + b") == 9


def test_a_drawings_text_form_has_no_memory_address():
    # Jupyter stores repr() beside the picture: it must not change between runs.
    text = repr(draw_dot(Value(2.0) * 3))
    assert "0x" not in text and "render" in text


def test_replay_caption_names_a_custom_ops_derivative(restore_op_catalogue):
    from tinygrad_ann import custom_op

    def dcube(x, y):
        return 3 * x * x

    cube = custom_op("cube", lambda x: x ** 3, dcube)
    assert "rule: d(cube x)/dx = dcube(x, y)" in BackpropReplay(cube(Value(2.0)))[1].source
    square = custom_op("square", lambda x: x * x, lambda x, y: 2 * x)
    assert "the derivative given to custom_op" in BackpropReplay(square(Value(2.0)))[1].source


def test_the_lectures_own_draw_dot_renders_with_drawing_in_place_of_digraph():
    # Lecture code draws with graphviz.Digraph, which needs a system `dot`;
    # `from tinygrad_ann.viz import Drawing as Digraph` is the only change it needs.
    from tinygrad_ann.viz import Drawing as Digraph

    def trace(root):
        nodes, edges = set(), set()

        def build(v):
            if v not in nodes:
                nodes.add(v)
                for child in v._prev:
                    edges.add((child, v))
                    build(child)

        build(root)
        return nodes, edges

    def lecture_draw_dot(root):
        dot = Digraph(format="svg", graph_attr={"rankdir": "LR"})
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

    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    L = a * b + 1.0
    L.label = "L"
    L.backward()
    texts = svg_texts(lecture_draw_dot(L))
    assert "L" in texts and "data -5.0000" in texts and "grad -3.0000" in texts
    assert "image/svg+xml" in lecture_draw_dot(L)._repr_mimebundle_()


def test_svg_names_fonts_of_helveticas_widths_after_it(tmp_path):
    picture = draw_dot(Value(2.0, label="x") * 3, legend=True)
    for svg in (picture.pipe(format="svg").decode(),
                (tmp_path / picture.render(tmp_path / "g", format="svg")).read_text()):
        families = {f for f in svg.split('font-family="')[1:]}
        assert families and all(f.startswith("Helvetica,Arial,") for f in families)


def test_a_label_set_to_a_number_is_drawn_as_text():
    v = Value(1.0)
    v.label = 7  # type: ignore[assignment]
    assert "7" in svg_texts(draw_dot(v * 2))
    assert BackpropReplay(v * 2).steps  # captions name nodes by label too


# ---------------------------------------------------------------------------
# helpers for measuring rendered pictures
# ---------------------------------------------------------------------------


def points_of(element: ET.Element) -> list[tuple[float, float]]:
    """The corners of an SVG polygon."""
    return [tuple(map(float, p.split(","))) for p in element.get("points").split()]


def box_of(element: ET.Element) -> tuple[float, float, float, float]:
    """(x0, y0, x1, y1) of an SVG polygon."""
    xs, ys = zip(*points_of(element))
    return min(xs), min(ys), max(xs), max(ys)


def dejavu_width(text: str, size: float, bold: bool = False) -> float:
    """The advance width in points of `text` in DejaVu Sans, read from the font file.

    matplotlib ships DejaVu Sans; this does not use viz's own width tables.
    """
    from matplotlib import font_manager, ft2font

    path = font_manager.findfont(
        font_manager.FontProperties(family="DejaVu Sans", weight="bold" if bold else "normal"),
        fallback_to_default=False,
    )
    font = ft2font.FT2Font(path)
    font.set_size(size, 72)  # at 72 dpi a pixel is a point
    return sum(font.load_char(ord(c), flags=ft2font.LoadFlags.NO_HINTING).linearHoriAdvance
               for c in text) / 65536


def text_runs(svg: bytes):
    """(x, y, text, size, bold) of every text in the SVG."""
    return [(float(t.get("x")), float(t.get("y")), "".join(t.itertext()), float(t.get("font-size")),
             t.get("font-weight") == "bold") for t in ET.fromstring(svg).iter(f"{SVG}text")]


def assert_value_box_texts_fit_in_dejavu_sans(svg: bytes):
    """Every text of every Value box ends inside its cell when drawn in DejaVu Sans."""
    root = ET.fromstring(svg)
    checked = 0
    for g in root.iter(f"{SVG}g"):
        if g.get("class") != "node" or g.find(f"{SVG}title").text.endswith("op"):
            continue
        cells = [box_of(p) for p in g.findall(f"{SVG}polygon") if p.get("stroke") not in (None, "none")]
        for t in g.findall(f"{SVG}text"):
            x, y = float(t.get("x")), float(t.get("y"))
            inside = [c for c in cells if c[0] <= x <= c[2] and c[1] <= y <= c[3]]
            if not inside:
                continue
            cell = min(inside, key=lambda c: c[2] - c[0])
            text = "".join(t.itertext())
            end = x + dejavu_width(text, float(t.get("font-size")), t.get("font-weight") == "bold")
            assert end <= cell[2] - 1, f"{text!r} ends at {end:.1f}, its cell at {cell[2]:.1f}"
            checked += 1
    assert checked


# ---------------------------------------------------------------------------
# draw_dot: the default limit, and what the summary says
# ---------------------------------------------------------------------------


def network_hinge_loss(n_points: int):
    nn = pytest.importorskip("tinygrad_ann.nn")
    from tinygrad_ann.datasets import make_moons, to_signed
    from tinygrad_ann.losses import hinge_loss

    X, y = make_moons(n_samples=n_points, noise=0.1, seed=0)
    model = nn.MLP(2, [4, 4, 1], rng=0)
    loss = hinge_loss([model(x) for x in X], to_signed(y))
    loss.backward()
    return loss, model


def test_a_network_loss_over_ten_points_is_summarised_by_default():
    loss, model = network_hinge_loss(10)  # 280 values: was a 4000 x 17000 px wall
    assert len(loss.topological_order()) > 250
    drawing = draw_dot(loss, params=model)
    assert "too many to draw readably (max_nodes=100)" in drawing.source
    assert drawing.source.count("data ") == 1  # only the root's box


def test_the_part_the_summary_offers_is_drawn_whole_with_the_size_it_says():
    import re

    loss, model = network_hinge_loss(10)
    texts = svg_texts(draw_dot(loss, params=model))
    offer = next(t for t in texts if t.strip().startswith("draw_dot(root._prev"))
    path, size = re.match(r"\s*draw_dot\((root[\w.\[\]]*)\) draws (\d+) values", offer).groups()
    part = eval(path, {"root": loss})  # e.g. root._prev[0]._prev[0]
    assert len(part.topological_order()) == int(size) <= viz.MAX_NODES
    assert "too many" not in draw_dot(part).source


def test_summary_of_a_network_says_how_to_draw_one_neuron():
    loss, model = network_hinge_loss(10)
    texts = svg_texts(draw_dot(loss, params=model))
    assert any("one neuron on one input: draw_dot(model.layers[0].neurons[0](x))" in t for t in texts)
    neuron = model.layers[0].neurons[0]
    assert "too many" not in draw_dot(neuron([0.5, -1.0])).source  # and that one fits


def test_summary_names_operations_as_the_pictures_draw_them():
    loss, model = network_hinge_loss(10)
    texts = [t.strip() for t in svg_texts(draw_dot(loss, params=model))]
    i = texts.index("values made by each operation:")
    assert "Σ w·x + b" in texts[i:] and "dot" not in texts[i:]


def test_summary_says_what_stops_a_full_drawing(monkeypatch):
    monkeypatch.setattr(Drawing, "timeout", 45.0)
    loss, model = network_hinge_loss(10)
    texts = svg_texts(draw_dot(loss, params=model))
    assert any("draw_dot(root, max_nodes=None)" in t for t in texts)
    assert any("a layout that takes over 45 s is stopped (Drawing.timeout)" in t for t in texts)
    assert not any("minutes" in t for t in texts)


def test_summary_row_colour_runs_under_its_count():
    loss, model = network_hinge_loss(10)
    svg = draw_dot(loss, params=model).pipe(format="svg")
    summary = svg_nodes_from(svg)["summary"]
    fill = ROLE_COLORS["parameter"].lower()
    cells = [box_of(p) for p in summary.iter(f"{SVG}polygon") if (p.get("fill") or "").lower() == fill]
    x0, y0 = min(c[0] for c in cells), min(c[1] for c in cells)
    x1, y1 = max(c[2] for c in cells), max(c[3] for c in cells)
    count = next(t for t in summary.iter(f"{SVG}text") if "".join(t.itertext()) == "37")
    assert x0 <= float(count.get("x")) and float(count.get("x")) + 10 <= x1
    assert y0 <= float(count.get("y")) <= y1


def svg_nodes_from(svg: bytes) -> dict[str, ET.Element]:
    return {g.find(f"{SVG}title").text: g for g in ET.fromstring(svg).iter(f"{SVG}g")
            if g.get("class") == "node"}


def test_a_graph_at_the_default_limit_is_drawn_whole_at_a_readable_size():
    from PIL import Image

    loss, model = network_hinge_loss(2)  # 88 values: the largest of these drawn whole
    assert len(loss.topological_order()) <= viz.MAX_NODES
    start = time.perf_counter()
    png = draw_dot(loss, params=model).pipe(format="png")
    elapsed = time.perf_counter() - start
    with Image.open(io.BytesIO(png)) as image:
        # 10 points gave 4000 x 17000 px (68 Mpx); this is about 4000 x 3300
        assert image.width * image.height < 25_000_000
    assert elapsed < 20  # about 1 s; generous for a busy machine


def test_notebook_sized_graphs_are_drawn_whole():
    o, _ = lecture_neuron()
    nn = pytest.importorskip("tinygrad_ann.nn")
    lecture_mlp = nn.MLP(3, [4, 4, 1], rng=0)  # the lecture's network, on one input
    out = lecture_mlp([2.0, 3.0, -1.0])
    for root in (o, out, (out - 1.0) ** 2):
        assert "too many" not in draw_dot(root).source and "too slow" not in draw_dot(root).source


# ---------------------------------------------------------------------------
# BackpropReplay: the same layout in every frame, captions of what is drawn
# ---------------------------------------------------------------------------


def svg_size(svg: str) -> tuple[str, str]:
    root = ET.fromstring(svg)
    return root.get("width"), root.get("height")


@pytest.mark.parametrize("rankdir, legend", [("LR", True), ("TB", False)])
def test_every_replay_frame_has_the_same_size(rankdir, legend):
    o, _ = lecture_neuron()
    replay = BackpropReplay(o, rankdir=rankdir, legend=legend)
    sizes = {svg_size(replay.svg(i)) for i in range(len(replay))}
    assert len(sizes) == 1


def test_every_replay_frame_names_its_rule_start_included():
    o, _ = lecture_neuron()
    replay = BackpropReplay(o)
    texts = [svg_texts(frame) for frame in replay]
    assert "rule: do/do = 1" in texts[0]
    assert all(sum(t.startswith("rule: ") for t in frame) == 1 for frame in texts)


def hand_built_cube():
    """y = out * 2 where out = x^3 is built by hand with its own _backward (no rule to show)."""
    x = Value(2.0, label="x")
    out = Value(x.data ** 3, (x,), "cube_by_hand")
    out.label = "out"

    def _backward():
        x.grad += 3 * x.data ** 2 * out.grad

    out._backward = _backward
    y = out * 2
    y.label = "y"
    return y, x


def test_replay_of_a_hand_built_op_keeps_its_size_and_says_where_the_rule_is():
    y, x = hand_built_cube()
    replay = BackpropReplay(y)
    assert len({svg_size(replay.svg(i)) for i in range(len(replay))}) == 1
    assert "rule: this node's own _backward(), set by hand" in svg_texts(replay[2])


def test_replay_png_frames_have_the_same_size(tmp_path):
    from PIL import Image

    o, _ = lecture_neuron()
    paths = BackpropReplay(o).save_frames(tmp_path, dpi=72)
    sizes = set()
    for p in paths:
        with Image.open(p) as image:
            sizes.add(image.size)
    assert len(sizes) == 1


def test_replay_caption_names_an_unlabelled_node_by_its_op_and_data():
    x = Value(2.0)
    y = (x * 3 + 1).tanh()  # nothing labelled
    replay = BackpropReplay(y)
    caption = replay.steps[2].caption  # the + node's _backward()
    assert caption.startswith("step 2 of 3: _backward() of the + node (data 7.0000)")
    assert "the * node (data 6.0000)" in caption and "node 6" not in caption
    texts = svg_texts(replay[2])
    assert "data 7.0000" in texts and "data 6.0000" in texts and "+" in texts


def test_replay_caption_uses_the_op_name_the_picture_shows():
    w = [Value(0.5, label="w1"), Value(-1.0, label="w2")]
    xs = [Value(2.0, label="x1"), Value(3.0, label="x2")]
    y = dot(w, xs, Value(0.1, label="b"))
    y.label = "y"
    replay = BackpropReplay(y)
    caption = replay.steps[1].caption
    assert caption.startswith("step 1 of 1: y._backward() (Σ w·x + b) pushes y.grad into its 5 operands")
    assert "op dot" not in caption and "Σ w·x + b" in svg_texts(replay[1])


def test_replay_of_a_plus_a_shows_both_contributions():
    a = Value(3.0, label="a")
    b = a + a
    b.label = "b"
    replay = BackpropReplay(b)
    step = replay.steps[1]
    assert step.contributions == ((0, 1.0, False), (0, 1.0, True))  # one per edge, the second a +=
    assert step.caption.endswith("pushes b.grad into a twice; a.grad += 1.0000 twice")
    texts = svg_texts(replay[1])
    assert "grad = 1.0000" in texts and "grad += 1.0000" in texts
    assert "grad 2.0000" in texts


def test_replay_of_a_times_a_splits_the_gradient_between_the_edges():
    a = Value(3.0, label="a")
    b = a * a  # db/da = a + a: 3 along each edge
    b.label = "b"
    replay = BackpropReplay(b)
    assert replay.steps[1].contributions == ((0, 3.0, False), (0, 3.0, True))
    assert replay.steps[1].grads[0] == 6.0
    texts = svg_texts(replay[1])
    assert "grad = 3.0000" in texts and "grad += 3.0000" in texts
    assert "a.grad += 6.0000" not in replay.steps[1].caption


def test_replay_of_a_hand_built_node_with_a_repeated_operand_gives_the_total():
    a = Value(3.0, label="a")
    out = Value(a.data * a.data, (a, a), "square_by_hand")
    out.label = "out"

    def _backward():
        a.grad += 2 * a.data * out.grad

    out._backward = _backward
    step = BackpropReplay(out).steps[1]  # the two uses cannot be told apart
    assert step.contributions == ((0, 6.0, False),)
    assert "(its 2 uses together)" in step.caption or "a twice" in step.caption


# ---------------------------------------------------------------------------
# draw_network: numbers that can be read, thin lines for zeros, room for lines
# ---------------------------------------------------------------------------


def network_geometry(drawing):
    """Circles {name: (cx, cy, r)} and number boxes {name: (x0, y0, x1, y1)} of a network."""
    root = ET.fromstring(drawing.pipe(format="svg"))
    circles, numbers = {}, {}
    for g in root.iter(f"{SVG}g"):
        if g.get("class") != "node":
            continue
        name = g.find(f"{SVG}title").text
        ellipse, polygon = g.find(f".//{SVG}ellipse"), g.find(f".//{SVG}polygon")
        if ellipse is not None:
            circles[name] = (float(ellipse.get("cx")), float(ellipse.get("cy")), float(ellipse.get("rx")))
        elif name.startswith("w") and polygon is not None:
            numbers[name] = box_of(polygon)
    return circles, numbers


def overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def real_mlp(nin, nouts):
    return pytest.importorskip("tinygrad_ann.nn").MLP(nin, nouts, rng=0)


@pytest.mark.parametrize("rankdir", ["LR", "TB"])
@pytest.mark.parametrize("shape", [(3, [3, 1]), (4, [2]), (2, [4, 4, 1])])
def test_draw_network_numbers_touch_neither_each_other_nor_a_neuron(shape, rankdir):
    model = real_mlp(*shape)
    circles, numbers = network_geometry(draw_network(model, rankdir=rankdir, values=True))
    assert len(numbers) == sum(len(n.w) for layer in model.layers for n in layer.neurons)
    boxes = list(numbers.values())
    for k, a in enumerate(boxes):
        for b in boxes[k + 1:]:
            assert not overlap(a, b)
        for cx, cy, r in circles.values():
            nearest_x = min(max(cx, a[0]), a[2])
            nearest_y = min(max(cy, a[1]), a[3])
            assert (nearest_x - cx) ** 2 + (nearest_y - cy) ** 2 > r ** 2


@pytest.mark.parametrize("rankdir", ["LR", "TB"])
def test_draw_network_number_sits_on_its_own_connection(rankdir):
    model = real_mlp(3, [3, 1])
    circles, numbers = network_geometry(draw_network(model, rankdir=rankdir))
    assert len(numbers) == 12
    for name, (x0, y0, x1, y1) in numbers.items():
        k, j, i = map(int, name[1:].split("_"))  # w{layer}_{neuron}_{input}
        source = circles[f"x{i}" if k == 1 else f"n{k - 1}_{i}"]
        target = circles[f"n{k}_{j}"]
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        (sx, sy, _), (tx, ty, _) = source, target
        # distance of the box's centre from the line through the two neurons' centres
        distance = abs((tx - sx) * (sy - cy) - (sx - cx) * (ty - sy)) / math.hypot(tx - sx, ty - sy)
        assert distance < 1.0
        assert min(sx, tx) < cx < max(sx, tx) or min(sy, ty) < cy < max(sy, ty)


def test_draw_network_numbers_are_drawn_over_the_lines_on_white():
    root = ET.fromstring(draw_network(stub_mlp()).pipe(format="svg"))
    classes = [g.get("class") for g in root.iter(f"{SVG}g") if g.get("class") in ("node", "edge")]
    assert classes.index("node") > len(classes) - 1 - classes[::-1].index("edge")  # edges first
    numbers = [g for g in root.iter(f"{SVG}g")
               if g.get("class") == "node" and g.find(f"{SVG}title").text.startswith("w")]
    assert numbers and all(g.find(f".//{SVG}polygon").get("fill") == "white" for g in numbers)


def test_draw_network_spreads_a_dense_layer_wider():
    def gap(model):
        c, _ = network_geometry(draw_network(model, values=False))
        return c["n2_1"][0] - c["n1_1"][0]  # hidden 1 to hidden 2, left to right

    assert gap(real_mlp(2, [16, 16, 1])) > 2 * gap(real_mlp(2, [3, 3, 1]))


def test_draw_network_all_zero_grads_are_thin_and_said_so():
    model = real_mlp(2, [3, 1])
    model.zero_grad()  # before backward(): every grad is 0
    drawing = draw_network(model, show="grads")
    edges = [ln for ln in drawing.source.splitlines() if "->" in ln]
    assert edges and all("penwidth=0.60" in ln for ln in edges)
    assert any("every w.grad is 0" in t for t in svg_texts(drawing))
    assert any("every w.grad is 0" in t for t in svg_texts(draw_network(model, show="grads", legend=False)))


# ---------------------------------------------------------------------------
# Text that fits in any font, and lines up
# ---------------------------------------------------------------------------


def test_value_boxes_fit_dejavu_sans():
    o, v = lecture_neuron()
    assert_value_box_texts_fit_in_dejavu_sans(
        draw_dot(o, params=[v["w1"], v["w2"], v["b"]], legend=True, grad_color=True).pipe(format="svg"))


def test_replay_boxes_fit_dejavu_sans():
    o, _ = lecture_neuron()
    replay = BackpropReplay(o)
    for i in (0, 1, len(replay) - 1):
        assert_value_box_texts_fit_in_dejavu_sans(replay.svg(i).encode())


def test_captions_and_legends_neither_overlap_nor_leave_the_picture_in_dejavu_sans():
    o, v = lecture_neuron()
    for drawing in (draw_dot(o, params=[v["w1"]], legend=True, grad_color=True, title="a neuron"),
                    BackpropReplay(o)[3], draw_network(stub_mlp(), title="a network")):
        root = ET.fromstring(drawing.pipe(format="svg"))
        left, _, width, _ = map(float, root.get("viewBox").split())
        graph = root.find(f"{SVG}g")
        shift = float(graph.get("transform").split("translate(")[1].split()[0])
        lines: dict[float, list[tuple[float, float, str]]] = {}
        for t in graph.findall(f"{SVG}text"):  # the caption and legend: the graph's own texts
            x, text = float(t.get("x")), "".join(t.itertext())
            end = x + dejavu_width(text, float(t.get("font-size")), t.get("font-weight") == "bold")
            assert shift + end <= left + width, text
            lines.setdefault(round(float(t.get("y"))), []).append((x, end, text))
        assert lines
        for runs in lines.values():  # on one line, each text ends before the next begins
            runs.sort()
            for (_, end, text), (start, _, following) in zip(runs, runs[1:]):
                assert end <= start, f"{text!r} runs into {following!r}"


def test_bold_labels_sit_on_the_same_line_as_the_numbers():
    o, _ = lecture_neuron()
    replay = BackpropReplay(o)
    for svg in (draw_dot(o).pipe(format="svg"), replay.svg(1).encode()):
        for name, group in svg_nodes_from(svg).items():
            if name.startswith("v") and not name.endswith("op"):
                ys = {t.get("y") for t in group.iter(f"{SVG}text")}
                assert len(ys) == 1, name  # label, data and grad (slanted or not) alike


def test_legend_swatches_do_not_touch_their_names():
    o, v = lecture_neuron()
    svg = draw_dot(o, params=[v["w1"]], legend=True).pipe(format="svg")
    root = ET.fromstring(svg)
    graph = root.find(f"{SVG}g")
    swatch = next(box_of(p) for p in graph.findall(f"{SVG}polygon")
                  if (p.get("fill") or "").lower() == ROLE_COLORS["parameter"].lower())
    name = next(t for t in graph.findall(f"{SVG}text") if "".join(t.itertext()) == "parameter")
    assert float(name.get("x")) - swatch[2] >= 3


def test_input_fill_is_unlike_every_grad_shade_and_zero_has_a_key():
    def rgb(colour):
        return [int(colour[k:k + 2], 16) for k in (1, 3, 5)]

    for _, shade, _ in viz.style.GRAD_BANDS:  # the old pale yellow was 19 from the lightest
        assert math.dist(rgb(ROLE_COLORS["input"]), rgb(shade)) > 40
    y = Value(1.0) * 2
    y.backward()
    texts = svg_texts(draw_dot(y, grad_color=True, legend=True))
    i = texts.index("|grad| / largest |grad|:")
    assert "0" in texts[i:]


def test_fused_sum_edges_arrive_in_operand_order_in_a_network_graph():
    nn = pytest.importorskip("tinygrad_ann.nn")
    model = nn.MLP(2, [2, 1], rng=0)
    loss = (model([0.5, -1.0]) - 1.0) ** 2
    root = ET.fromstring(draw_dot(loss, params=model).pipe(format="svg"))
    labels: dict[str, dict[str, float]] = {}
    for g in root.iter(f"{SVG}g"):
        if g.get("class") == "edge":
            head = g.find(f"{SVG}title").text.split("->")[1]
            for t in g.findall(f"{SVG}text"):
                labels.setdefault(head, {})["".join(t.itertext())] = float(t.get("y"))
    sums = [names for names in labels.values() if "b" in names]
    assert len(sums) == 3  # three neurons
    for names in sums:
        order = sorted(names, key=names.get)  # top to bottom
        n = (len(names) - 1) // 2
        assert order == [f"{c}{k}" for k in range(1, n + 1) for c in "wx"] + ["b"]


def test_save_frames_as_svg_ignores_dpi(tmp_path):
    d, *_ = shared_graph()
    replay = BackpropReplay(d)
    paths = replay.save_frames(tmp_path, format="svg", dpi=300)
    assert svg_size(paths[1].read_text()) == svg_size(replay.svg(1))


def test_missing_backend_error_names_every_folder_searched(monkeypatch, tmp_path):
    venv, scripts = tmp_path / "venv" / "bin", tmp_path / "scripts"
    monkeypatch.setattr(viz.render.shutil, "which", lambda name: None)
    monkeypatch.setattr(viz.render.sys, "executable", str(venv / "python"))
    monkeypatch.setattr(viz.render.sysconfig, "get_path", lambda name: str(scripts))
    with pytest.raises(DotNotFoundError) as info:
        find_dot()
    assert str(venv) in str(info.value) and str(scripts) in str(info.value)


def test_a_failed_render_with_cleanup_leaves_no_source_behind(monkeypatch, tmp_path):
    def fail(*args, **kwargs):
        raise graphviz.CalledProcessError(1, ["dot"], output=b"", stderr=b"boom")

    monkeypatch.setattr(Drawing, "_run", fail)
    with pytest.raises(graphviz.CalledProcessError):
        draw_dot(Value(1.0) * 2).render(outfile=tmp_path / "g.png", cleanup=True)
    assert list(tmp_path.iterdir()) == []


def test_summary_offers_no_part_that_is_itself_too_large():
    x = Value(1.0)
    for _ in range(150):
        x = (x * 2.0).tanh()  # a chain: every part a few steps down is still too large
    texts = svg_texts(draw_dot(x))
    assert not any("draw_dot(root._prev" in t for t in texts)
    assert any("one made from at most 100 values" in t for t in texts)


def test_render_refusing_an_existing_result_leaves_no_source_behind_with_cleanup(tmp_path):
    import graphviz

    from tinygrad_ann.viz import Drawing

    (tmp_path / "ab.svg").write_text("mine")
    with pytest.raises(graphviz.FileExistsError):
        Drawing(body=["a -> b"]).render(outfile=tmp_path / "ab.svg", cleanup=True, raise_if_result_exists=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ab.svg"]
    assert (tmp_path / "ab.svg").read_text() == "mine"


# ---------------------------------------------------------------------------
# the lecture's own Value class: micrograd's, or one a student wrote
# ---------------------------------------------------------------------------


class LectureValue:
    """The lecture's fields only: data, grad, _prev (a set, as in micrograd), _op, label."""

    def __init__(self, data, _children=(), _op="", label=""):
        self.data, self.grad, self._op, self.label = data, 0.0, _op, label
        self._prev = set(_children)
        self._backward = lambda: None

    def __add__(self, other):
        out = LectureValue(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        out = LectureValue(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out


def micrograd_neuron():
    """relu(x1*w1 + x2*w2 + b) with micrograd's own Value (skipped without micrograd)."""
    engine = pytest.importorskip("micrograd.engine", reason="micrograd (the [dev] extra) is not installed")
    x1, x2 = engine.Value(2.0), engine.Value(0.0)
    w1, w2, b = engine.Value(-3.0), engine.Value(1.0), engine.Value(6.7)
    o = (x1 * w1 + x2 * w2 + b).relu()
    return o, [w1, w2, b], [x1, x2]


def test_draw_dot_draws_micrograds_own_value():
    o, params, inputs = micrograd_neuron()
    o.backward()
    graph = draw_dot(o, params=params)
    texts = svg_texts(graph)
    assert "data 6.7000" in texts and "grad 2.0000" in texts  # b's data; w1.grad = x1 = 2
    assert "ReLU" in texts
    boxes = [g for name, g in svg_nodes(graph).items() if not name.endswith("op")]
    assert len(boxes) == 10
    params_drawn = [g for g in boxes if ROLE_COLORS["parameter"].lower() in fills(g)]
    assert len(params_drawn) == 3


def test_a_micrograd_graph_renders_to_png(tmp_path):
    o, params, _ = micrograd_neuron()
    o.backward()
    path = draw_dot(o, params=params).render(outfile=tmp_path / "micrograd.png", cleanup=True)
    assert Path(path).read_bytes()[:8] == PNG_SIGNATURE


def test_a_sets_operands_are_drawn_in_the_same_order_whatever_order_the_set_has():
    def build():
        a, b = LectureValue(2.0, label="a"), LectureValue(-3.0, label="b")
        c, d = LectureValue(4.0, label="c"), LectureValue(5.0)
        return (b * a + d * c) * (c + a)

    graphs = [build() for _ in range(20)]  # all kept: new objects, new ids, sets in new orders
    sources = {draw_dot(g).source for g in graphs}
    assert len(sources) == 1


def test_a_sets_operands_are_drawn_sorted_by_label_then_op_then_data():
    a, b = LectureValue(2.0, label="a"), LectureValue(-3.0, label="b")
    source = draw_dot(b * a).source
    assert source.index(">a</font>") < source.index(">b</font>")
    x, y = LectureValue(5.0), LectureValue(-1.0)
    unlabelled = draw_dot(x * y).source
    assert unlabelled.index("data -1.0000") < unlabelled.index("data 5.0000")


def test_operands_in_a_tuple_keep_their_order():
    a, b = LectureValue(2.0, label="a"), LectureValue(-3.0, label="b")
    out = a + b
    out._prev = (b, a)  # a class that keeps its operands in order, b first
    source = draw_dot(out).source
    assert source.index(">b</font>") < source.index(">a</font>")


def test_draw_dot_of_a_lecture_class_keeps_its_labels_and_ops():
    a, b = LectureValue(2.0, label="a"), LectureValue(-3.0, label="b")
    c = a * b
    c.label = "c"
    texts = svg_texts(draw_dot(c))
    assert {"a", "b", "c", "*", "data -6.0000"} <= set(texts)


def test_draw_dot_of_a_deep_lecture_graph_needs_no_recursion():
    x = LectureValue(1.0)
    for _ in range(5000):
        x = x * LectureValue(1.0) + LectureValue(0.0)
    assert "values: too many to draw readably" in " ".join(svg_texts(draw_dot(x)))


def test_draw_dot_says_what_a_node_needs():
    with pytest.raises(TypeError, match=r"^draw_dot: root must be a Value \(e.g. the loss\), or a node of the "
                                        r"lecture's own Value class \(with data, grad, _prev and _op\), got 2.0"):
        draw_dot(2.0)


def test_draw_dot_names_the_fields_a_node_lacks():
    class Half:
        data, grad = 1.0, 0.0

    with pytest.raises(TypeError, match=r"which has no _prev, _op$"):
        draw_dot(Half())


def test_an_operand_that_is_a_plain_number_is_explained():
    node = LectureValue(3.0, (LectureValue(1.0),), "+")
    node._prev = {node._prev.pop(), 2.0}
    with pytest.raises(TypeError, match=r"^draw_dot: the \+ node \(data 3.0\) has an operand that is not a node: "
                                        r"2.0 \(float\).*wrap a number in your Value class"):
        draw_dot(node)


def test_a_graph_with_a_cycle_is_a_value_error():
    a = LectureValue(1.0, label="a")
    b = a + a
    a._prev, a._op = {b}, "loop"
    with pytest.raises(ValueError, match="^draw_dot: the graph has a cycle"):
        draw_dot(b)


def test_a_grad_that_is_not_a_number_is_named():
    a = LectureValue(1.0, label="a")
    a.grad = LectureValue(0.0)
    with pytest.raises(TypeError, match=r"^draw_dot: the grad of the leaf 'a' \(data 1.0\) must be a number"):
        draw_dot(a)


def test_replay_of_micrograds_value_ends_with_the_grads_of_its_backward():
    o, params, inputs = micrograd_neuron()
    replay = BackpropReplay(o, params=params)
    inner = [v for v in replay.order if v._prev]
    assert len(replay) == len(inner) + 1
    assert all(v.grad == 0 for v in params + inputs)  # the replay put back the grads it found
    o.backward()
    assert list(replay.steps[-1].grads) == [v.node.grad for v in replay.order]
    assert replay.root is o and replay.order[-1].node is o


def test_replay_of_a_lecture_class_says_whose_rule_runs():
    a, b = LectureValue(2.0, label="a"), LectureValue(-3.0, label="b")
    c = a * b + a
    c.label = "c"
    replay = BackpropReplay(c)
    assert replay.steps[1].caption.startswith("step 1 of 2: c._backward() (+) pushes c.grad into")
    assert "rule: the _backward() this node's class gave it (LectureValue)" in " ".join(svg_texts(replay[1]))
    assert replay.steps[-1].grads[replay.order.index(next(v for v in replay.order if v.node is a))] == -2.0


def test_replay_of_a_times_a_in_a_set_shows_one_edge_with_the_total():
    a = LectureValue(3.0, label="a")
    out = a * a
    out.label = "out"
    step = BackpropReplay(out).steps[1]
    assert step.contributions == ((0, 6.0, False),)


def test_replay_of_a_node_without_backward_says_what_it_needs():
    class Node:
        def __init__(self, data, _children=(), _op=""):
            self.data, self.grad, self._prev, self._op = data, 0.0, tuple(_children), _op

    root = Node(2.0, (Node(1.0),), "double")
    with pytest.raises(TypeError, match=r"^BackpropReplay: it replays backward\(\) by running each node's own "
                                        r"_backward\(\) in turn, and the double node \(data 2.0\) has no "
                                        r"_backward function"):
        BackpropReplay(root)
    assert draw_dot(root).source.count("->") == 2  # draw_dot needs no _backward


def test_replay_of_a_rule_that_leaves_a_grad_that_is_not_a_number_names_the_step():
    a, b = LectureValue(2.0, label="a"), LectureValue(-3.0, label="b")
    c = a * b
    c.label = "c"

    def broken():
        a.grad = "oops"
    c._backward = broken
    with pytest.raises(TypeError, match=r"^BackpropReplay: the grad of the leaf 'a' \(data 2.0\) must be a number "
                                        r"after the _backward\(\) of the \* node 'c' \(data -6.0\), got 'oops'"):
        BackpropReplay(c)
    assert a.grad == 0.0  # put back


# -- the replay's layout fits a slide ------------------------------------------------------


def test_the_replay_picks_the_layout_nearer_a_16_by_9_slide():
    from tinygrad_ann import sum_values

    def aspect(replay):
        header = replay[len(replay) - 1].pipe(format="plain").decode().split("\n", 1)[0].split()
        return float(header[2]) / float(header[3])

    x1, x2, w1, w2 = Value(2.0), Value(0.0), Value(-3.0), Value(1.0)
    neuron = (x1 * w1 + x2 * w2 + 6.88).tanh()  # deep: top to bottom fits a slide
    wide = sum_values([Value(float(i)) for i in range(8)])  # shallow and wide: left to right
    for root, expected in ((neuron, "TB"), (wide, "LR")):
        chosen = BackpropReplay(root)
        other = BackpropReplay(root, rankdir="LR" if expected == "TB" else "TB")
        assert chosen.rankdir == expected and other.rankdir != expected
        assert abs(math.log(aspect(chosen) / (16 / 9))) < abs(math.log(aspect(other) / (16 / 9)))


def test_the_replays_rankdir_error_lists_auto_too():
    with pytest.raises(ValueError, match=r"^BackpropReplay: unknown rankdir 'up'; choose one of 'auto', 'LR', 'RL', 'TB', 'BT'"):
        BackpropReplay(Value(1.0) * 2.0, rankdir="up")
