"""Tests for tinygrad_ann.viz.draw_convolution: one step of a convolution, rendered for real.

The pictures are rendered to SVG (by the system dot or graphviz-pure) and read
back: the numbers written in each node, and which cells carry the orange
outline of the window (and of the output cell it makes). Images are chosen
with distinct pixels, so that a cell's number says where it is.
"""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tinygrad_ann import Value, is_grad_enabled
from tinygrad_ann import viz
from tinygrad_ann.datasets import load_digits
from tinygrad_ann.nn import MLP, Conv1d, Conv2d, Flatten, Sequential
from tinygrad_ann.viz import Drawing, draw_convolution
from tinygrad_ann.viz.style import ACTIVE, short_number

SVG = "{http://www.w3.org/2000/svg}"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


# ---------------------------------------------------------------------------
# reading the rendered SVG
# ---------------------------------------------------------------------------


def svg_root(drawing: Drawing) -> ET.Element:
    return ET.fromstring(drawing.pipe(format="svg"))


def svg_nodes(drawing: Drawing) -> dict[str, ET.Element]:
    """The SVG group of every node, by node name."""
    return {g.find(f"{SVG}title").text: g for g in svg_root(drawing).iter(f"{SVG}g") if g.get("class") == "node"}


def texts(group: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in group.iter(f"{SVG}text")]


def box(polygon: ET.Element) -> tuple[float, float, float, float]:
    """(x0, y0, x1, y1) of a polygon's points."""
    xs, ys = zip(*(map(float, p.split(",")) for p in polygon.get("points").split()), strict=True)
    return min(xs), min(ys), max(xs), max(ys)


def outlined(group: ET.Element) -> list[str]:
    """The numbers written in the cells of a node that have the orange outline, in reading order."""
    boxes = [box(p) for p in group.iter(f"{SVG}polygon") if (p.get("stroke") or "").lower() == ACTIVE.lower()]
    found = []
    for t in group.iter(f"{SVG}text"):
        x, y = float(t.get("x")), float(t.get("y"))
        if any(x0 <= x <= x1 and y0 <= y <= y1 for x0, y0, x1, y1 in boxes):
            found.append((y, x, "".join(t.itertext())))
    assert len(found) == len(boxes), "every outlined cell holds one number"
    return [text for *_, text in sorted(found)]


def dashed(group: ET.Element) -> int:
    """How many cells of a node have a dashed outline (the padding's zeros)."""
    return sum(1 for p in group.iter(f"{SVG}polygon") if p.get("stroke-dasharray") and p.get("stroke") != "none")


def two(x: float) -> str:
    """A number as the picture writes it: whole numbers as such, else short (two decimals
    from 0.01 on, two significant digits below: the network picture's style)."""
    return str(int(x)) if float(x).is_integer() else short_number(x)


def numbered(rows: int, cols: int, start: int = 1) -> list[list[list[float]]]:
    """A one-channel image whose pixels are all different: x[r][c] = start + 10·r + c."""
    return [[[float(start + 10 * r + c) for c in range(cols)] for r in range(rows)]]


def with_weights(conv: Conv2d, values) -> Conv2d:
    """conv with weight[o][c][u][v] = values[o][c][u][v] (Values), for exact numbers."""
    conv.weight = [[[[Value(float(w)) for w in row] for row in channel] for channel in out] for out in values]
    return conv


@pytest.fixture(scope="module")
def digit():
    X, y = load_digits()
    return X[0]


@pytest.fixture(scope="module")
def digit_conv():
    return Conv2d(1, 4, kernel_size=3, activation="relu", rng=0)


# ---------------------------------------------------------------------------
# what is drawn
# ---------------------------------------------------------------------------


def test_draw_convolution_returns_a_drawing_of_the_input_kernel_products_neuron_and_output():
    conv = Conv2d(1, 1, kernel_size=2, rng=0)
    picture = draw_convolution(conv, numbered(3, 3), at=(0, 0))
    assert isinstance(picture, Drawing)
    assert set(svg_nodes(picture)) == {"input0", "kernel0", "products0", "neuron", "output"}


def test_draw_convolution_outlines_exactly_the_windows_cells():
    conv = Conv2d(1, 1, kernel_size=3, rng=0)
    x = numbered(8, 8)
    nodes = svg_nodes(draw_convolution(conv, x, at=(3, 4)))
    window = [two(x[0][r][c]) for r in range(3, 6) for c in range(4, 7)]
    assert outlined(nodes["input0"]) == window


def test_draw_convolution_outlines_exactly_the_output_cell_the_window_makes(digit, digit_conv):
    nodes = svg_nodes(draw_convolution(digit_conv, digit, at=(2, 2)))
    value = digit_conv(digit)[0][2][2].data
    assert value > 0  # (the relu lets it through: a number to look for)
    assert outlined(nodes["output"]) == [two(value)]


def test_draw_convolution_writes_the_output_value_in_the_neuron_and_on_its_arrow(digit, digit_conv):
    picture = draw_convolution(digit_conv, digit, at=(2, 2), out_channel=1)
    nodes = svg_nodes(picture)
    value = digit_conv(digit)[1][2][2].data
    assert f"relu(z) = {two(value)}" in texts(nodes["neuron"])
    edge = [g for g in svg_root(picture).iter(f"{SVG}g") if g.get("class") == "edge"
            and g.find(f"{SVG}title").text == "neuron->output"]
    assert texts(edge[0]) == [two(value)]


def test_draw_convolution_output_map_is_conv_of_x(digit, digit_conv):
    nodes = svg_nodes(draw_convolution(digit_conv, digit, at=(0, 0), out_channel=3))
    out = digit_conv(digit)[3]
    title, note, *cells = texts(nodes["output"])
    assert title == "output map out[3]"
    expected = [str(c) for c in range(6)]  # the column indices, then each row: its index, its cells
    for r, row in enumerate(out):
        expected += [str(r)] + [two(v.data) for v in row]
    assert cells == expected


def test_draw_convolution_svg_contains_the_windows_numbers(digit, digit_conv):
    nodes = svg_nodes(draw_convolution(digit_conv, digit, at=(2, 2)))
    window = [two(digit[0][r][c]) for r in range(2, 5) for c in range(2, 5)]
    assert any(float(w) > 0 for w in window)
    weights = [two(w.data) for row in digit_conv.weight[0][0] for w in row]
    formulas = [t for t in texts(nodes["products0"]) if "×" in t]
    assert formulas == [f"{w} × {x}" for w, x in zip(weights, window, strict=True)]
    assert outlined(nodes["input0"]) == window


def test_draw_convolution_products_are_each_weight_times_the_pixel_under_it():
    conv = with_weights(Conv2d(1, 1, kernel_size=2, activation="relu", rng=0), [[[[1, -1], [0.5, 2]]]])
    x = [[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]
    nodes = svg_nodes(draw_convolution(conv, x, at=(1, 0)))  # the window on 4 5 / 7 8
    assert texts(nodes["products0"])[2:] == ["1 × 4", "4", "-1 × 5", "-5", "0.50 × 7", "3.50", "2 × 8", "16"]


def test_draw_convolution_neuron_adds_the_bias_to_the_sum_of_the_products():
    conv = with_weights(Conv2d(1, 1, kernel_size=2, activation="tanh", rng=0), [[[[1, -1], [0.5, 2]]]])
    conv.bias[0] = Value(-18.0)
    x = [[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]
    neuron = texts(svg_nodes(draw_convolution(conv, x, at=(1, 0)))["neuron"])
    # 4 - 5 + 3.5 + 16 = 18.5; z = 18.5 - 18 = 0.5; tanh(0.5) = 0.4621
    assert neuron == ["Σ w·x + b", "Σ w·x = 18.50", "b = -18", "z = 0.50", "tanh(z) = 0.46"]


def test_draw_convolution_of_a_linear_conv_says_phi_is_the_identity():
    conv = with_weights(Conv2d(1, 1, kernel_size=1, rng=0), [[[[2]]]])
    neuron = texts(svg_nodes(draw_convolution(conv, [[[1.5]]], at=(0, 0)))["neuron"])
    assert neuron[-1] == "φ(z) = z = 3"


def test_draw_convolution_draws_the_kernel_of_the_chosen_output_channel():
    conv = with_weights(Conv2d(1, 3, kernel_size=2, rng=0),
                        [[[[1, 1], [1, 1]]], [[[2, 2], [2, 2]]], [[[0.25, -3], [4, -0.75]]]])
    kernel = texts(svg_nodes(draw_convolution(conv, numbered(3, 3), out_channel=2))["kernel0"])
    assert kernel == ["kernel weight[2][0]", "the same at every position", "0.25", "-3", "4", "-0.75"]


def test_draw_convolution_with_padding_outlines_the_padding_zeros_under_the_window():
    conv = Conv2d(1, 1, kernel_size=3, padding=1, rng=0)
    x = numbered(4, 4)  # pixels 1..34, none 0
    nodes = svg_nodes(draw_convolution(conv, x, at=(0, 0)))
    assert outlined(nodes["input0"]) == ["0", "0", "0", "0", "1", "2", "0", "11", "12"]
    assert dashed(nodes["input0"]) == 6 * 6 - 4 * 4 - 5  # the rest of the padding, dashed
    products = texts(nodes["products0"])
    assert sum(1 for t in products if t.endswith("× 0")) == 5  # a weight over the padding times 0


def test_draw_convolution_with_stride_moves_the_window_stride_pixels_a_step():
    conv = Conv2d(1, 1, kernel_size=2, stride=2, rng=0)
    x = numbered(6, 6)
    nodes = svg_nodes(draw_convolution(conv, x, at=(1, 2)))
    assert outlined(nodes["input0"]) == ["25", "26", "35", "36"]  # rows 2-3, columns 4-5
    assert outlined(nodes["output"]) == [two(conv(x)[0][1][2].data)]


def test_draw_convolution_of_several_input_channels_draws_each_and_sums_them_all():
    conv = with_weights(Conv2d(2, 1, kernel_size=1, rng=0), [[[[2]], [[-1]]]])
    x = [[[3.0, 4.0]], [[10.0, 20.0]]]
    nodes = svg_nodes(draw_convolution(conv, x, at=(0, 1)))
    assert {"input0", "input1", "kernel0", "kernel1", "products0", "products1"} <= set(nodes)
    assert outlined(nodes["input0"]) == ["4"] and outlined(nodes["input1"]) == ["20"]
    assert texts(nodes["neuron"])[1] == "Σ w·x = -12"  # 2·4 - 1·20


def test_draw_convolution_caption_explains_weight_sharing(digit, digit_conv):
    written = " ".join(texts(svg_root(draw_convolution(digit_conv, digit, at=(1, 1)))))
    assert "out[0][1][1] is one neuron" in written
    assert "weight sharing" in written
    assert "Output channel 0 of 4 is drawn" in written


def test_draw_convolution_of_a_conv1d_draws_one_step_along_the_signal():
    conv = Conv1d(1, 1, kernel_size=2, rng=0)
    conv.weight = [[[Value(1.0), Value(-1.0)]]]  # weight[o][c][k]
    nodes = svg_nodes(draw_convolution(conv, [[1.0, 4.0, 9.0, 16.0]], at=2))
    assert outlined(nodes["input0"]) == ["9", "16"]
    assert outlined(nodes["output"]) == ["-7"]


def test_draw_convolution_of_a_digit_is_about_as_wide_as_a_16_9_slide(digit, digit_conv):
    root = svg_root(draw_convolution(digit_conv, digit, at=(2, 2)))
    width, height = (float(root.get(k).removesuffix("pt")) for k in ("width", "height"))
    assert 1.3 <= width / height <= 16 / 9 * 1.1


def test_draw_convolution_renders_to_png_with_graphviz_pure_and_no_system_dot(monkeypatch, capsys, digit, digit_conv):
    if not shutil.which("graphviz-pure") and not (Path(viz.render.sys.executable).parent / "graphviz-pure").exists():
        pytest.skip("graphviz-pure is not installed")
    monkeypatch.setattr(viz.render.shutil, "which", lambda name: None if name == "dot" else shutil.which(name))
    assert "graphviz-pure" in Path(viz.find_dot()).name
    png = draw_convolution(digit_conv, digit, at=(2, 2)).pipe(format="png")
    assert png.startswith(PNG_SIGNATURE)
    assert capsys.readouterr().err == ""  # no warnings: every number fits its cell


def test_draw_convolution_keeps_no_graph_and_leaves_grad_mode_on():
    conv = Conv2d(1, 1, kernel_size=2, rng=0)
    draw_convolution(conv, numbered(3, 3))
    assert is_grad_enabled()
    assert all(p.grad == 0.0 for p in conv.parameters())


# ---------------------------------------------------------------------------
# mistakes
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("conv", [MLP(4, [1], rng=0), "conv", None])
def test_draw_convolution_of_something_that_is_not_a_conv2d_is_a_type_error(conv):
    with pytest.raises(TypeError, match=r"^draw_convolution: conv must be a Conv2d \(or a Conv1d\), got "):
        draw_convolution(conv, numbered(3, 3))


def test_draw_convolution_of_a_sequential_says_which_layer_to_pass():
    model = Sequential(Conv2d(1, 1, 2, rng=0), Flatten())
    with pytest.raises(TypeError, match=r"draw_convolution\(model\[0\], x\)"):
        draw_convolution(model, numbered(3, 3))


@pytest.mark.parametrize("at, shown", [((2, 0), r"\(2, 0\)"), ((0, 2), r"\(0, 2\)"), ((-1, 0), r"\(-1, 0\)")])
def test_draw_convolution_at_outside_the_output_map_is_an_error_giving_its_size(at, shown):
    conv = Conv2d(1, 1, kernel_size=2, rng=0)
    with pytest.raises(ValueError, match=r"^draw_convolution: at must be a position in the 2 × 2 output "
                       r"\(row 0 to 1, column 0 to 1\), got " + shown):
        draw_convolution(conv, numbered(3, 3), at=at)


@pytest.mark.parametrize("at", [1, (0.5, 1), "0, 0", (0, 0, 0)])
def test_draw_convolution_at_that_is_not_two_whole_numbers_is_a_type_error(at):
    with pytest.raises(TypeError, match=r"^draw_convolution: at must be a position \(row, col\) in the output"):
        draw_convolution(Conv2d(1, 1, kernel_size=2, rng=0), numbered(3, 3), at=at)


def test_draw_convolution_an_image_of_the_wrong_channel_count_is_an_error():
    conv = Conv2d(3, 1, kernel_size=2, rng=0)
    with pytest.raises(ValueError, match=r"^draw_convolution: expected an image x\[channel\]\[row\]\[col\] of 3 "
                       r"channels, got 1 channel \(shape 1 × 3 × 3\)"):
        draw_convolution(conv, numbered(3, 3))


def test_draw_convolution_an_input_that_is_not_an_image_is_an_error():
    conv = Conv2d(1, 1, kernel_size=2, rng=0)
    with pytest.raises(ValueError, match=r"^draw_convolution: expected an image x\[channel\]\[row\]\[col\], "
                       r"3 levels of lists, got one of shape 1 × 3"):
        draw_convolution(conv, [[1.0, 2.0, 3.0]])
    with pytest.raises(TypeError, match=r"^draw_convolution: x must be an image"):
        draw_convolution(conv, 3.0)


def test_draw_convolution_an_output_channel_the_conv_lacks_is_an_error():
    with pytest.raises(ValueError, match=r"^draw_convolution: out_channel must be an output channel of conv, "
                       r"0 to 3, got 4"):
        draw_convolution(Conv2d(1, 4, kernel_size=2, rng=0), numbered(3, 3), out_channel=4)


def test_draw_convolution_refuses_an_image_too_large_to_read_and_says_what_to_draw():
    with pytest.raises(ValueError, match=r"^draw_convolution: the input is 17 × 17, too large to draw readably "
                       r"\(at most 16 × 16\); draw a part of it"):
        draw_convolution(Conv2d(1, 1, kernel_size=3, rng=0), numbered(17, 17))


def test_draw_convolution_refuses_a_kernel_too_large_to_read():
    with pytest.raises(ValueError, match=r"^draw_convolution: a 6 × 6 kernel is too large to draw readably"):
        draw_convolution(Conv2d(1, 1, kernel_size=6, rng=0), numbered(8, 8))


def test_draw_convolution_refuses_more_input_channels_than_it_can_draw():
    with pytest.raises(ValueError, match=r"^draw_convolution: conv reads 4 input channels, too many"):
        draw_convolution(Conv2d(4, 1, kernel_size=2, rng=0), numbered(3, 3) * 4)


def test_draw_convolution_title_that_is_not_a_string_is_a_type_error():
    with pytest.raises(TypeError, match=r"^draw_convolution: title must be a string or None, got 3 \(int\)"):
        draw_convolution(Conv2d(1, 1, kernel_size=2, rng=0), numbered(3, 3), title=3)
