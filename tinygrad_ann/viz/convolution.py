"""draw_convolution: one step of a convolution, the picture of weight sharing.

A convolution's output cell out[o][i][j] is one neuron: it multiplies each
weight of its kernel by the pixel under it (the window at (i, j)), sums the
products, adds its bias and applies its activation. The picture shows exactly
that, from left to right, and then down to the map the neuron's output goes in:

    kernel weight[o][c]                       ─┐
                                              ├─> the products w·x ─> neuron: Σ w·x + b, φ
    input x (the window at (i, j) outlined)  ─┘                                │
                                                                output map (cell (i, j) outlined)

Every other cell of the output map is made by the same weights and bias at
another position of the window: that is weight sharing. Numbers are written in
every cell; pixels are grey like the image (ink dark), weights, products and
outputs pale blue when positive and pale red when negative (`draw_network`'s
colours), the paler the smaller.

Example:
    >>> from tinygrad_ann.nn import Conv2d
    >>> conv = Conv2d(1, 1, kernel_size=2, rng=0)
    >>> image = [[[0.0, 1.0, 0.0], [1.0, 1.0, 1.0], [0.0, 1.0, 0.0]]]
    >>> picture = draw_convolution(conv, image, at=(0, 1))
    >>> 'Σ w·x + b' in picture.source
    True
"""

from __future__ import annotations

import html
import math
from typing import Any, NamedTuple

from .._checks import is_whole_number, whole_number, wrong_type
from ..engine import no_grad
from ..nn import Conv1d, Conv2d
from ..nn.conv import checked_conv
from ..nn.shapes import as_grid
from .render import Drawing, check_format
from .style import (
    ACTIVE, INK, NEGATIVE, POSITIVE, CaptionLine, caption_table, cell_width, check_title,
    html_label, legend_row, new_drawing, short_number, text_line,
)

__all__ = ["draw_convolution", "MAX_IMAGE_SIDE", "MAX_GRID_SIDE", "MAX_KERNEL_SIDE", "MAX_IN_CHANNELS"]

#: The largest image (rows or columns) drawn; a larger one is refused with a
#: message that says how to draw a part of it.
MAX_IMAGE_SIDE = 16
#: The largest input grid drawn, the image with its padding.
MAX_GRID_SIDE = 20
#: The largest kernel (rows or columns) drawn: a 5 × 5 kernel makes 25 products.
MAX_KERNEL_SIDE = 5
#: The most input channels drawn (one row of input, kernel and products each).
MAX_IN_CHANNELS = 3

_FNAME = "draw_convolution"
_PAD_TEXT = "#999999"  # a padding zero: there, but not part of the image
_SOFT = "#666666"  # titles' second lines, indices, the w × x under a product
_CELL_FONT = 11.0  # the numbers in the cells (22 points high: 11 · 1.2, the padding and the outline)
_CELL_HEIGHT = 22
_OUTLINE = 3  # the border of the window's cells and of the output cell they make
_PRODUCT_HEIGHT = 34


class _Step(NamedTuple):
    """Everything the picture shows, as numbers: one output cell and how it is made."""

    pixels: list[list[list[float]]]  # x[c][r][col], the image without padding
    weights: list[list[list[float]]]  # weight[o][c][u][v] of the output channel drawn
    bias: float
    top: int  # the window's first row and column on the image (negative: in the padding)
    left: int
    products: list[list[list[float | None]]]  # w·x per (c, u, v); None over the padding
    z: float  # Σ w·x + b
    out: float  # φ(z), as the layer computed it
    out_map: list[list[float]]  # the output channel drawn, out[o][row][col]


# ---------------------------------------------------------------------------
# Checking what to draw
# ---------------------------------------------------------------------------


def _check_drawable(conv: Conv2d) -> None:
    """Refuse a kernel or a channel count the picture cannot show readably."""
    kh, kw = conv.kernel_size
    if kh > MAX_KERNEL_SIDE or kw > MAX_KERNEL_SIDE:
        raise ValueError(
            f"{_FNAME}: a {kh} × {kw} kernel is too large to draw readably (at most "
            f"{MAX_KERNEL_SIDE} × {MAX_KERNEL_SIDE}: {kh * kw} products in one picture); see its weights "
            f"with plot.plot_kernels(conv), or draw a conv with a smaller kernel"
        )
    if conv.in_channels > MAX_IN_CHANNELS:
        raise ValueError(
            f"{_FNAME}: conv reads {conv.in_channels} input channels, too many to draw readably (at most "
            f"{MAX_IN_CHANNELS}, one row of pixels, weights and products each); see its kernels with "
            f"plot.plot_kernels(conv) and what it makes of x with plot.plot_feature_maps(conv, x)"
        )


def _check_size(conv: Conv2d, height: int, width: int) -> None:
    """Refuse an image (or its padded grid) too large to draw readably, saying how to draw a part."""
    (ph, pw), side = conv.padding, MAX_IMAGE_SIDE
    if height > side or width > side:
        part = (f"[[row[:{side}] for row in channel[:{side}]] for channel in x]"
                if height > 1 else f"[channel[:{side}] for channel in x]")
        raise ValueError(
            f"{_FNAME}: the input is {height} × {width}, too large to draw readably (at most "
            f"{side} × {side}); draw a part of it, e.g. part = {part}, then "
            f"draw_convolution(conv, part, at=...) with `at` in the part's output"
        )
    if height + 2 * ph > MAX_GRID_SIDE or width + 2 * pw > MAX_GRID_SIDE:
        raise ValueError(
            f"{_FNAME}: with its padding ({ph}, {pw}) the {height} × {width} input is a "
            f"{height + 2 * ph} × {width + 2 * pw} grid, too large to draw readably (at most "
            f"{MAX_GRID_SIDE} × {MAX_GRID_SIDE}); draw a smaller part of the image"
        )


def _checked_at(at: object, out_h: int, out_w: int, signal: bool) -> tuple[int, int]:
    """`at` as (row, col) inside the out_h × out_w output (a Conv1d's: t or (0, t))."""
    if signal and is_whole_number(at):
        at = (0, at)
    what = ("a position in the output signal, t or (0, t)" if signal
            else "a position (row, col) in the output, two whole numbers")
    if not isinstance(at, (tuple, list)) or len(at) != 2 or not all(is_whole_number(a) for a in at):
        wrong_type(_FNAME, "at", what, at)
    i, j = int(at[0]), int(at[1])
    if not (0 <= i < out_h and 0 <= j < out_w):
        where = (f"0 <= t < {out_w}" if signal
                 else f"row 0 to {out_h - 1}, column 0 to {out_w - 1}")
        raise ValueError(
            f"{_FNAME}: at must be a position in the {out_h} × {out_w} output ({where}), got {tuple(at)}"
        )
    return i, j


# ---------------------------------------------------------------------------
# Computing the step
# ---------------------------------------------------------------------------


def _as_image(conv: Conv2d, x: Any) -> list[Any]:
    """x checked (naming draw_convolution) as Values x[c][row][col] (a signal one row high)."""
    if isinstance(conv, Conv1d):
        return [[channel] for channel in as_grid(_FNAME, x, conv.in_channels, ndim=1)]
    return as_grid(_FNAME, x, conv.in_channels, ndim=2)


def _kernel(conv: Conv2d, o: int) -> list[list[list[float]]]:
    """weight[o] as floats [c][u][v] (a Conv1d's kernels one row high)."""
    if isinstance(conv, Conv1d):
        return [[[w.data for w in channel]] for channel in conv.weight[o]]
    return [[[w.data for w in row] for row in channel] for channel in conv.weight[o]]


def _output_map(conv: Conv2d, image: list[Any], o: int) -> list[list[float]]:
    """Output channel o of the conv on `image`, as the layer computes it (under no_grad)."""
    with no_grad():  # to look at, not to train: no graph is kept
        if isinstance(conv, Conv1d):
            return [[v.data for v in conv([row[0] for row in image])[o]]]
        return [[v.data for v in row] for row in conv(image)[o]]


def _step(conv: Conv2d, image: list[Any], o: int, at: tuple[int, int], out_map: list[list[float]]) -> _Step:
    """The window at `at`, its products with the kernel, and their sum."""
    pixels = [[[v.data for v in row] for row in channel] for channel in image]
    weights = _kernel(conv, o)
    (kh, kw), (sh, sw), (ph, pw) = conv.kernel_size, conv.stride, conv.padding
    height, width = len(pixels[0]), len(pixels[0][0])
    top, left = at[0] * sh - ph, at[1] * sw - pw
    products: list[list[list[float | None]]] = []
    for c, channel in enumerate(weights):
        products.append([[channel[u][v] * pixels[c][top + u][left + v]
                          if 0 <= top + u < height and 0 <= left + v < width else None
                          for v in range(kw)] for u in range(kh)])
    bias = conv.bias[o].data
    z = math.fsum(p for channel in products for row in channel for p in row if p is not None) + bias
    return _Step(pixels, weights, bias, top, left, products, z, out_map[at[0]][at[1]], out_map)


# ---------------------------------------------------------------------------
# How cells look
# ---------------------------------------------------------------------------


def _number(x: float) -> str:
    """A number in a cell: a whole number as such (1, 0), else short (0.53, -0.21)."""
    if x == x and not math.isinf(x) and float(x).is_integer() and abs(x) < 1e4:
        return str(int(x))
    return short_number(x)


def _mix(colour: str, amount: float) -> str:
    """`colour` mixed into white: 0 gives white, 1 the colour."""
    rgb = [int(colour[k:k + 2], 16) for k in (1, 3, 5)]
    return "#" + "".join(f"{round(255 - (255 - c) * amount):02X}" for c in rgb)


def _signed_fill(x: float | None, largest: float) -> str:
    """Pale blue for a positive number, pale red for a negative one, the paler the smaller
    (at most 55% of draw_network's colours, so that the text stays readable); white for 0."""
    if x is None or x != x or x == 0.0 or largest == 0.0:
        return "#FFFFFF"
    ratio = 1.0 if math.isinf(x) else min(abs(x) / largest, 1.0)
    return _mix(POSITIVE if x > 0 else NEGATIVE, 0.12 + 0.43 * ratio)


def _grey(x: float, lo: float, hi: float) -> tuple[str, str]:
    """A pixel's fill (ink dark: lo white, hi black) and the text colour that reads on it."""
    t = 0.0 if x != x else min(max((x - lo) / (hi - lo), 0.0), 1.0)
    level = round(255 - 210 * t)  # the darkest grey still shows an outline
    return f"#{level:02X}{level:02X}{level:02X}", ("#FFFFFF" if t > 0.5 else INK)


def _largest(numbers: list[float | None]) -> float:
    return max((abs(x) for x in numbers if x is not None and x == x and not math.isinf(x)), default=0.0)


class _Cell(NamedTuple):
    """One cell of a grid: its text (HTML), fill, text colour, and whether it is outlined."""

    text: str
    fill: str
    colour: str = INK
    outlined: bool = False
    padding: bool = False


def _cell_html(cell: _Cell, width: int, height: int) -> str:
    if cell.outlined:
        border = f'border="{_OUTLINE}" color="{ACTIVE}"'
    elif cell.padding:
        border = 'border="1" color="#BBBBBB" style="dashed"'
    else:
        border = 'border="1" color="#BBBBBB"'
    return (f'<td fixedsize="true" width="{width}" height="{height}" bgcolor="{cell.fill}" {border}>'
            f'<font point-size="{_CELL_FONT:g}" color="{cell.colour}">{cell.text}</font></td>')


def _grid_node(title: str, note: str, cells: list[list[_Cell]], width: int, height: int,
               rows: list[str] | None = None, cols: list[str] | None = None) -> str:
    """A titled table of cells, with row and column indices when given (an HTML-like label)."""
    n_cols = len(cells[0]) + (1 if rows is not None else 0)
    title_width = max(cell_width(title, 12, 2, bold=True, face=True, centred=False),
                      cell_width(note, 10, 2, centred=False))
    head = (f'<tr><td colspan="{n_cols}" align="left" width="{title_width}"><b>{html.escape(title)}</b>'
            f'</td></tr><tr><td colspan="{n_cols}" align="left"><font point-size="10" color="{_SOFT}">'
            f'{html.escape(note)}</font></td></tr>')
    def index(width: int, height: int, text: str) -> str:
        """A row's or column's number, small and soft (an empty cell over the padding:
        Graphviz rejects an empty <font>)."""
        inner = f'<font point-size="9" color="{_SOFT}">{text}</font>' if text else ""
        return f'<td fixedsize="true" width="{width}" height="{height}">{inner}</td>'

    body = []
    if cols is not None:
        corner = [index(16, 14, "")] if rows is not None else []
        body.append("<tr>" + "".join(corner + [index(width + 2, 14, t) for t in cols])
                    + "</tr>")
    for r, row in enumerate(cells):
        left = [index(16, height, rows[r])] if rows is not None else []
        body.append("<tr>" + "".join(left + [_cell_html(cell, width, height) for cell in row]) + "</tr>")
    return html_label('<table border="0" cellborder="0" cellspacing="1" cellpadding="1">'
                      + head + "".join(body) + "</table>")


def _fit(texts: list[str], size: float = _CELL_FONT, least: int = 24) -> int:
    """A cell width that holds every one of `texts` in any viewer's font, inside the
    cell's padding (1) and the outline of the window's cells (the widest border)."""
    return max([least] + [cell_width(t, size, 1, border=_OUTLINE) for t in texts])


# ---------------------------------------------------------------------------
# The nodes
# ---------------------------------------------------------------------------


def _input_node(step: _Step, conv: Conv2d, c: int, channels: int) -> str:
    """Channel c of the input, its padding dashed, the window outlined."""
    (kh, kw), (ph, pw) = conv.kernel_size, conv.padding
    image = step.pixels[c]
    height, width = len(image), len(image[0])
    finite = [x for ch in step.pixels for row in ch for x in row if x == x and not math.isinf(x)]
    lo, hi = min([0.0] + finite), max([1.0] + finite)
    cells: list[list[_Cell]] = []
    for r in range(-ph, height + ph):
        row = []
        for col in range(-pw, width + pw):
            inside = step.top <= r < step.top + kh and step.left <= col < step.left + kw
            if 0 <= r < height and 0 <= col < width:
                fill, colour = _grey(image[r][col], lo, hi)
                row.append(_Cell(_number(image[r][col]), fill, colour, inside))
            else:
                row.append(_Cell("0", "#FFFFFF", _PAD_TEXT, inside, padding=True))
        cells.append(row)
    texts = [_number(x) for row in image for x in row]
    name = "input x" if channels == 1 else f"input x, channel {c}"
    signal = isinstance(conv, Conv1d)
    size = f"{width} long" if signal else f"{height} × {width}"
    note = size + (f", padding {pw if signal else conv.padding} (dashed zeros)" if ph or pw else "")
    note += "; the window outlined"
    rows = [str(r) if 0 <= r < height else "" for r in range(-ph, height + ph)]
    cols = [str(col) if 0 <= col < width else "" for col in range(-pw, width + pw)]
    return _grid_node(name, note, cells, _fit(texts), _CELL_HEIGHT, None if signal else rows, cols)


def _kernel_node(step: _Step, o: int, c: int, largest: float) -> str:
    """The weights weight[o][c], pale blue positive and pale red negative."""
    kernel = step.weights[c]
    cells = [[_Cell(_number(w), _signed_fill(w, largest)) for w in row] for row in kernel]
    texts = [_number(w) for row in kernel for w in row]
    name = f"kernel weight[{o}][{c}]"
    note = "the same at every position"
    return _grid_node(name, note, cells, _fit(texts), _CELL_HEIGHT)


def _products_node(step: _Step, c: int, channels: int, largest: float) -> str:
    """Each weight times the pixel under it: 'w × x' small, the product below."""
    cells, texts = [], []
    for u, row in enumerate(step.products[c]):
        line = []
        for v, p in enumerate(row):
            w = step.weights[c][u][v]
            if p is None:  # over the padding: the zero adds nothing
                formula, value = f"{_number(w)} × 0", "0"
            else:
                x = step.pixels[c][step.top + u][step.left + v]
                formula, value = f"{_number(w)} × {_number(x)}", _number(p)
            texts.append((formula, value))
            text = (f'<font point-size="9" color="{_SOFT}">{html.escape(formula)}</font><br/>'
                    f'{html.escape(value)}')
            line.append(_Cell(text, _signed_fill(p, largest), INK if p is not None else _PAD_TEXT))
        cells.append(line)
    width = max([_fit([f for f, _ in texts], 9.0)] + [_fit([v for _, v in texts])])
    name = "products w · x" if channels == 1 else f"products w · x, channel {c}"
    return _grid_node(name, "each weight times the pixel under it", cells, width, _PRODUCT_HEIGHT)


def _neuron_label(step: _Step, activation: str) -> str:
    """The one neuron: Σ w·x + b with its numbers, then its activation φ and what φ makes of z."""
    total = step.z - step.bias
    out = _number(step.out)
    rule = f"φ(z) = z = {out}" if activation == "linear" else f"{activation}(z) = {out}"
    lines = [("Σ w·x + b", 13.0, True), (f"Σ w·x = {_number(total)}", 11.0, False),
             (f"b = {_number(step.bias)}", 11.0, False), (f"z = {_number(step.z)}", 11.0, False),
             (rule, 12.0, True)]
    width = max(cell_width(t, s, 2, bold=b, face=b) for t, s, b in lines)
    rows = "".join(
        f'<tr><td width="{width}"><font point-size="{s:g}">{"<b>" if b else ""}{html.escape(t)}'
        f'{"</b>" if b else ""}</font></td></tr>' for t, s, b in lines)
    return html_label(f'<table border="0" cellborder="0" cellspacing="0" cellpadding="1">{rows}</table>')


def _output_node(step: _Step, o: int, at: tuple[int, int], signal: bool) -> str:
    """The output map, every cell made by the same neuron; cell `at` outlined."""
    out_map = step.out_map
    largest = _largest([x for row in out_map for x in row])
    cells = [[_Cell(_number(x), _signed_fill(x, largest), INK, (r, col) == at) for col, x in enumerate(row)]
             for r, row in enumerate(out_map)]
    texts = [_number(x) for row in out_map for x in row]
    height, width = len(out_map), len(out_map[0])
    where = f"out[{o}][{at[1]}]" if signal else f"out[{o}][{at[0]}][{at[1]}]"
    size = f"{width} long" if signal else f"{height} × {width}"
    note = f"{size}; {where} outlined, every cell by the same weights"
    rows = None if signal else [str(r) for r in range(height)]
    return _grid_node(f"output map out[{o}]", note, cells, _fit(texts), _CELL_HEIGHT, rows,
                      [str(col) for col in range(width)])


# ---------------------------------------------------------------------------
# The caption
# ---------------------------------------------------------------------------


def _layer_text(conv: Conv2d) -> str:
    """The layer as a constructor call, without its parameter count."""
    if isinstance(conv, Conv1d):
        parts = [f"kernel_size={conv.kernel_size[1]}"] + (
            [f"stride={conv.stride[1]}"] if conv.stride[1] != 1 else []) + (
            [f"padding={conv.padding[1]}"] if conv.padding[1] else [])
    else:
        def pair(p: tuple[int, int]) -> str:
            return str(p[0]) if p[0] == p[1] else str(p)
        parts = [f"kernel_size={pair(conv.kernel_size)}"] + (
            [f"stride={pair(conv.stride)}"] if conv.stride != (1, 1) else []) + (
            [f"padding={pair(conv.padding)}"] if conv.padding != (0, 0) else [])
    if conv.activation != "linear":
        parts.append(f"activation={conv.activation!r}")
    return f"{type(conv).__name__}({conv.in_channels}, {conv.out_channels}, {', '.join(parts)})"


def _caption_lines(conv: Conv2d, o: int, at: tuple[int, int], signal: bool) -> list[CaptionLine]:
    where = f"out[{o}][{at[1]}]" if signal else f"out[{o}][{at[0]}][{at[1]}]"
    phi = "" if conv.activation == "linear" else f"{conv.activation} of "
    lines = [
        text_line(f"{where} is one neuron: {phi}Σ w·x + b, each weight times the pixel under it, "
                  f"summed, plus the bias.", 12),
        text_line("Every cell of the output map is made by the same weights and bias, with the window "
                  "moved: weight sharing.", 12),
    ]
    notes = []
    if conv.in_channels > 1:
        notes.append(f"The neuron reads all {conv.in_channels} input channels, one row each, and sums "
                     f"all their products.")
    if conv.out_channels > 1:
        notes.append(f"Output channel {o} of {conv.out_channels} is drawn (out_channel=k draws another); "
                     f"each has a kernel of its own.")
    stride = conv.stride[1] if signal else conv.stride
    if conv.stride != (1, 1):
        notes.append(f"Stride {stride}: the window moves that far from one output cell to the next.")
    lines += [text_line(n, 12, _SOFT) for n in notes]
    lines.append(legend_row("colours:", [
        (_mix(POSITIVE, 0.45), "positive"), (_mix(NEGATIVE, 0.45), "negative"), ("#FFFFFF", "zero"),
        (ACTIVE, "the window, and the output cell it makes"),
    ], note="pixels: grey, ink dark"))
    return lines


# ---------------------------------------------------------------------------
# draw_convolution
# ---------------------------------------------------------------------------


def draw_convolution(
    conv: Conv2d,
    x: Any,
    at: tuple[int, int] | int = (0, 0),
    *,
    out_channel: int = 0,
    format: str = "svg",
    title: str | None = None,
) -> Drawing:
    """One step of a convolution: the window, the kernel, the products, the one neuron they make.

    From left to right: the input image with the kernel's window over it
    outlined (at output position `at` = (row, col); the padding, if any, as
    dashed zeros), the kernel `conv.weight[out_channel][c]`, each weight times
    the pixel under it, and the one neuron: `Σ w·x + b` with its numbers, and
    its activation φ. Under the neuron, the whole output map `out[out_channel]`
    (the layer run on `x` under `no_grad()`) with the cell it made outlined:
    every other cell is made by the same weights at another position. The
    caption says so, and which output channel is drawn when there are several
    (`out_channel` picks one). Several input channels (at most 3) get a framed
    row each: the neuron sums them all. The picture is about as wide as a 16:9
    slide for one channel.

    `x` is one image `x[channel][row][col]` (numbers or Values; a signal
    `x[channel][t]` for a Conv1d, with `at` = t). So that every number stays
    readable, the picture refuses, with a message that says what to draw
    instead, an image larger than 16 × 16 (20 × 20 with its padding), a kernel
    larger than 5 × 5 and more than 3 input channels. `format` is the default
    of `.pipe()` / `.render()`; `title` replaces the caption's first line.

    Example:
        >>> from tinygrad_ann.nn import Conv2d
        >>> from tinygrad_ann.engine import Value
        >>> conv = Conv2d(1, 1, kernel_size=2, activation='relu', rng=0)
        >>> conv.weight[0][0] = [[Value(1.0), Value(-1.0)], [Value(0.5), Value(2.0)]]
        >>> image = [[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]
        >>> picture = draw_convolution(conv, image, at=(1, 0))       # the window on 4 5 / 7 8
        >>> '0.50 × 7' in picture.source and 'Σ w·x = 18.50' in picture.source   # 4 - 5 + 3.5 + 16
        True
        >>> picture.render('convolution', format='png', cleanup=True)   # doctest: +SKIP
        'convolution.png'
    """
    conv = checked_conv(_FNAME, conv, "draw_convolution(model[{k}], x)")
    o = whole_number(_FNAME, "out_channel", out_channel, minimum=0)
    if o >= conv.out_channels:
        raise ValueError(f"{_FNAME}: out_channel must be an output channel of conv, 0 to "
                         f"{conv.out_channels - 1}, got {o}")
    check_format(_FNAME, format)
    check_title(_FNAME, title)
    _check_drawable(conv)
    signal = isinstance(conv, Conv1d)
    image = _as_image(conv, x)
    _check_size(conv, len(image[0]), len(image[0][0]))
    out_map = _output_map(conv, image, o)
    position = _checked_at(at, len(out_map), len(out_map[0]), signal)
    step = _step(conv, image, o, position, out_map)

    where = f"t = {position[1]}" if signal else f"row {position[0]}, column {position[1]}"
    heading = title if title is not None else f"One step of {_layer_text(conv)}: output channel {o} at {where}"
    dot = new_drawing("LR", format, caption_table(heading, _caption_lines(conv, o, position, signal)))
    dot.attr(nodesep="0.3", ranksep="0.55")
    dot.attr("node", shape="plaintext", margin="0")
    channels = conv.in_channels
    weight_largest = _largest([w for ch in step.weights for row in ch for w in row])
    product_largest = _largest([p for ch in step.products for row in ch for p in row])
    for c in range(channels):
        # each input channel's pixels, kernel and products kept together (a cluster, framed
        # when there are several)
        with dot.subgraph(name=f"cluster_channel{c}") as group:
            group.attr(style="invis" if channels == 1 else "rounded", color="#DDDDDD", label="",
                       margin="6")
            # (graphviz-pure does not pass the drawing's node defaults into a cluster)
            group.attr("node", shape="plaintext", margin="0", **dot.node_attr)
            group.node(f"input{c}", _input_node(step, conv, c, channels))
            group.node(f"kernel{c}", _kernel_node(step, o, c, weight_largest))
            group.node(f"products{c}", _products_node(step, c, channels, product_largest))
        dot.edge(f"input{c}", f"products{c}", label="x")
        dot.edge(f"kernel{c}", f"products{c}", label="w")
        dot.edge(f"products{c}", "neuron", label="Σ")
    dot.node("neuron", _neuron_label(step, conv.activation), shape="box", style="rounded,filled",
             fillcolor="#F4F4F4", color="#777777", margin="0.08,0.05")
    dot.node("output", _output_node(step, o, position, signal))
    with dot.subgraph() as column:  # the output map under the neuron: a picture for a 16:9 slide
        column.attr(rank="same")
        column.node("neuron")
        column.node("output")
    dot.edge("neuron", "output", label=_number(step.out), color=ACTIVE, fontcolor=INK, penwidth="2")
    return dot
