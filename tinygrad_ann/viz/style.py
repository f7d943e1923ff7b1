"""The house style of the pictures: colours, how numbers are written, captions
and legends, and how wide text is.

Colours are Paul Tol's colour-blind-safe schemes (https://personal.sron.nl/~pault/):
his "pale" colours as fills behind black text, "bright" blue and red for signs,
and his sequential YlOrBr for magnitudes. Each pair stays distinct for the
common forms of colour blindness, and every fill is light enough to read on.
Inputs are grey, not Tol's pale yellow: a grad cell shaded by YlOrBr sits next
to each box's data cell, and its lightest yellows would look like part of an
input's fill.

Example:
    >>> four_decimals(2.0), four_decimals(1e-6), short_number(0.1337)
    ('2.0000', '1.000e-06', '0.13')
"""

from __future__ import annotations

import html
import math
from typing import NamedTuple, Sequence

from .._checks import one_of, wrong_type
from .render import Drawing

__all__ = [
    "ROLE_COLORS", "ROLE_NAMES", "POSITIVE", "NEGATIVE", "ZERO", "INK", "LINE", "ACTIVE",
    "ACCUMULATE", "FONT", "GRAD_BANDS", "RANKDIRS", "check_rankdir", "check_title", "new_drawing", "html_label",
    "CaptionLine", "text_line", "caption_table", "legend_row", "four_decimals", "short_number",
    "text_width", "layout_width", "cell_width",
]

# ---------------------------------------------------------------------------
# Colours
# ---------------------------------------------------------------------------

#: The fill of a Value's box, by the node's role in the graph.
ROLE_COLORS: dict[str, str] = {
    "parameter": "#BBCCEE",  # pale blue: learned, changed by the optimizer
    "input": "#DDDDDD",  # pale grey: data and constants, which nothing changes
    "leaf": "#DDDDDD",  # a leaf when no `params=` says which leaves are parameters
    "intermediate": "#FFFFFF",  # white: results of operations
    "root": "#FFCCCC",  # pale red: the Value drawn from (usually the loss)
}
#: How a legend names each role.
ROLE_NAMES = {
    "parameter": "parameter",
    "input": "input / constant",
    "leaf": "leaf (input, constant or parameter)",
    "intermediate": "intermediate result",
    "root": "root (e.g. the loss)",
}

POSITIVE = "#4477AA"  # Tol bright blue: a positive weight
NEGATIVE = "#EE6677"  # Tol bright red: a negative weight
ZERO = "#BBBBBB"  # Tol grey: a zero (or nan) weight, a nan grad
INK = "#333333"  # text and outlines: softer than pure black
LINE = "#777777"  # edges and op-node outlines
ACTIVE = "#EE7733"  # Tol vibrant orange: the node whose _backward() runs in a replay
ACCUMULATE = "#CC3311"  # Tol vibrant red: a gradient added (+=) to one already there
FONT = "Helvetica"

#: |grad| relative to the largest |grad| in the picture -> fill of the grad cell
#: (Tol's YlOrBr, its lighter half so that black text stays readable), and the
#: band's name in a legend: (least ratio, colour, name), largest first.
GRAD_BANDS: tuple[tuple[float, str, str], ...] = (
    (0.5, "#EC7014", "≥ 0.5"),
    (0.1, "#FB9A29", "0.1 – 0.5"),
    (0.01, "#FEC44F", "0.01 – 0.1"),
    (0.001, "#FEE391", "0.001 – 0.01"),
    (0.0, "#FFF7BC", "< 0.001"),
)

# ---------------------------------------------------------------------------
# A new drawing
# ---------------------------------------------------------------------------

#: The directions a picture can run in: inputs on the left, right, top or bottom.
RANKDIRS = ("LR", "RL", "TB", "BT")


def check_rankdir(owner: str, rankdir: object) -> str:
    """`rankdir`, if it is one of RANKDIRS; else a TypeError or ValueError naming `owner`.

    Example:
        >>> check_rankdir('draw_dot', 'TB')
        'TB'
        >>> check_rankdir('draw_dot', 'up')
        Traceback (most recent call last):
        ValueError: draw_dot: unknown rankdir 'up'; choose one of 'LR', 'RL', 'TB', 'BT'
    """
    return str(one_of(owner, "rankdir", rankdir, RANKDIRS))


def check_title(owner: str, title: object) -> str | None:
    """`title`, if it is a string or None; else a TypeError naming `owner`.

    Example:
        >>> check_title('draw_dot', 'My graph')
        'My graph'
        >>> check_title('draw_dot', 3)
        Traceback (most recent call last):
        TypeError: draw_dot: title must be a string or None, got 3 (int)
    """
    if title is not None and not isinstance(title, str):
        wrong_type(owner, "title", "a string or None", title)
    return title


def new_drawing(rankdir: str, format: str, caption: str | None = None) -> Drawing:
    """A Drawing with the house style: white page, readable fonts, calm lines.

    `rankdir` is one of RANKDIRS (the caller checks it); `caption` is an
    HTML-like fragment (see `caption_table`) shown above the picture.

    Example:
        >>> d = new_drawing('LR', 'svg')
        >>> d.graph_attr['rankdir'], d.node_attr['fontname']
        ('LR', 'Helvetica')
    """
    graph_attr = {
        "rankdir": rankdir,
        "bgcolor": "white",
        "fontname": FONT,
        "fontsize": "13",
        "fontcolor": INK,
        "nodesep": "0.25",
        "ranksep": "0.45",
        "pad": "0.2",
    }
    if caption:
        graph_attr.update(label=html_label(caption), labelloc="t", labeljust="l")
    return Drawing(
        format=format,
        graph_attr=graph_attr,
        node_attr={"fontname": FONT, "fontsize": "12", "fontcolor": INK, "color": INK},
        edge_attr={"fontname": FONT, "fontsize": "10", "color": LINE,
                   "arrowsize": "0.7", "fontcolor": "#666666"},
    )


def html_label(inner: str) -> str:
    """`inner` marked as a Graphviz HTML-like label (the graphviz package passes <...> through).

    Example:
        >>> html_label('<b>x</b>')
        '<<b>x</b>>'
    """
    return f"<{inner}>"


# ---------------------------------------------------------------------------
# Captions and legends: lines of text above a picture
# ---------------------------------------------------------------------------


class CaptionLine(NamedTuple):
    """One line of a caption: the cells (<td>s) of a one-row table, and their total width.

    Graphviz stretches a table to fill the cell it is in, spreading the extra
    width between its cells; `caption_table` tops each line up to the widest
    with an empty cell instead, so that a short line's cells stay together.

    Example:
        >>> CaptionLine('<td width="20">hi</td>', 20).width
        20
    """

    cells: str
    width: int


def text_line(
    text: str, size: float = 13.0, colour: str = INK, *, bold: bool = False,
    italic: bool = False, width: int | None = None,
) -> CaptionLine:
    """One line of left-aligned text in a cell as wide as it needs in any font (or `width`).

    Example:
        >>> text_line('hello', 12).width
        34
    """
    markup = html.escape(text)
    if bold:
        markup = f"<b>{markup}</b>"
    if italic:
        markup = f"<i>{markup}</i>"
    width = width or cell_width(text, size, 2, bold=bold, centred=False)
    return CaptionLine(f'<td align="left" width="{width}"><font color="{colour}" '
                       f'point-size="{size:g}">{markup}</font></td>', width)


def caption_table(
    title: str | None, lines: Sequence[CaptionLine] = (), title_width: int | None = None,
) -> str | None:
    """A title (plain text, bold) and further lines as one table, or None for nothing.

    `title_width` fixes the title's cell width (a replay keeps it the same in every frame).

    Example:
        >>> caption_table(None) is None
        True
        >>> caption_table('My graph').startswith('<table')
        True
    """
    rows = ([text_line(title, bold=True, width=title_width)] if title else []) + list(lines)
    if not rows:
        return None
    widest = max(line.width for line in rows)
    tables = []
    for line in rows:
        rest = widest - line.width
        filler = f'<td width="{rest}"></td>' if rest >= 4 else ""  # 4: a cell's least width
        tables.append(f'<tr><td align="left"><table border="0" cellborder="0" cellspacing="0" '
                      f'cellpadding="2"><tr>{line.cells}{filler}</tr></table></td></tr>')
    tables.append('<tr><td height="6"></td></tr>')  # a little air between caption and picture
    return '<table border="0" cellspacing="0" cellpadding="0">' + "".join(tables) + "</table>"


def legend_row(
    heading: str, items: Sequence[tuple[str, ...]], line: bool = False, note: str = "",
) -> CaptionLine:
    """One row of a legend: a heading, a swatch (or a short line) and a name per item, a note.

    An item is (colour, name) or (colour, name, 'rounded') for a swatch with
    round corners (the operation nodes). Widths include the cells' padding of 2.

    Example:
        >>> row = legend_row('signs:', [(POSITIVE, 'positive'), (NEGATIVE, 'negative')])
        >>> POSITIVE in row.cells and 'negative' in row.cells
        True
    """
    cells: list[str] = []
    total = 0

    def add(cell: str, width: int) -> None:
        nonlocal total
        cells.append(cell)
        total += width

    def text_cell(text: str, colour: str = INK) -> None:
        width = cell_width(text, 13, 2, centred=False)  # as wide as it needs in any font
        add(f'<td align="left" width="{width}"><font color="{colour}">{html.escape(text)}</font></td>',
            width)

    text_cell(heading, "#666666")
    add('<td width="4"></td>', 4)
    for colour, text, *style in items:
        if line:  # a short thick line, like the edges it explains
            add(f'<td><table border="0" cellspacing="0" cellpadding="0"><tr><td '
                f'fixedsize="true" width="24" height="4" bgcolor="{colour}"></td></tr>'
                f'</table></td>', 28)
        else:
            rounded = ' style="rounded"' if style and style[0] == "rounded" else ""
            add(f'<td fixedsize="true" width="14" height="14" border="1"{rounded} '
                f'color="#999999" bgcolor="{colour}"></td>', 14)
        add('<td width="4"></td>', 4)  # air between the swatch and its name
        text_cell(text)
        add('<td width="8"></td>', 8)
    if note:
        text_cell(note)
    return CaptionLine("".join(cells), total)


# ---------------------------------------------------------------------------
# How numbers are written in the pictures
# ---------------------------------------------------------------------------


def four_decimals(x: float) -> str:
    """A Value's data or grad as the lecture writes it, with 4 decimals (2.0000);
    scientific where that would mislead.

    Example:
        >>> four_decimals(-3.0), four_decimals(0.0), four_decimals(1e-6), four_decimals(2e5)
        ('-3.0000', '0.0000', '1.000e-06', '2.000e+05')
    """
    if x != x:
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == 0.0:
        return "0.0000"  # also for -0.0
    if 1e-4 <= abs(x) < 1e5:
        return f"{x:.4f}"
    return f"{x:.3e}"  # 1.000e-06, not a misleading 0.0000


def short_number(x: float) -> str:
    """A weight or bias in the network picture, short: 2 decimals (0.13), two
    significant digits below 0.01 (0.0094), scientific for tinier and huge values.

    Example:
        >>> short_number(0.1337), short_number(0.00937), short_number(0.0), short_number(12345.0)
        ('0.13', '0.0094', '0', '1.2e+04')
    """
    if x != x or math.isinf(x):
        return four_decimals(x)
    if x == 0.0:
        return "0"
    if 0.01 <= abs(x) < 1000:
        return f"{x:.2f}"
    if 0.001 <= abs(x) < 0.01:
        return f"{x:.2g}"  # 0.0094: two significant digits, still a plain decimal
    return f"{x:.1e}"


# ---------------------------------------------------------------------------
# How wide text is, for cells that must fit it in any font a viewer may use.
#
# Graphviz lays a picture out with Helvetica's letter widths, but an SVG is drawn
# by the viewer with whatever font it has: Helvetica, or Arial, Liberation Sans or
# Arimo (the same widths, see render.py), or on a Linux with none of those DejaVu
# Sans, whose letters are up to 15% wider (digits 0.637 em against 0.556). So a
# cell is made as wide as the wider of Helvetica and DejaVu Sans needs, and since
# Graphviz centres text where the narrower estimate puts it, with room for a wider
# font to run on to the right of that (see cell_width).
#
# Widths of ' ' to '~' in thousandths of the font size, from the fonts' own metrics
# (the AFM files of the PostScript core fonts and DejaVu Sans 2.37; matplotlib ships
# both): _WIDE, _WIDE_BOLD: the wider of Helvetica and DejaVu Sans (their obliques
# have the same widths); _HELVETICA, _TIMES: what a layout may assume. graphviz-pure
# measures a font it has no table for, such as face="Helvetica-Bold", as Times.
# ---------------------------------------------------------------------------

_WIDE = (
    "318 401 460 838 637 951 780 275 391 391 500 838 318 361 318 337 637 637 637 637 637 637 "
    "637 637 637 637 337 337 838 838 838 556 1015 685 687 722 771 667 611 778 752 295 500 "
    "667 558 863 749 788 667 788 722 667 611 732 685 989 686 667 686 391 337 391 838 556 500 "
    "613 635 550 635 616 353 635 634 278 278 580 278 975 634 612 635 635 412 521 393 634 592 "
    "818 592 592 525 637 337 637 838"
)
_WIDE_BOLD = (
    "349 457 521 838 696 1002 873 307 458 458 523 838 380 416 380 366 696 696 696 696 696 "
    "696 696 696 696 696 400 400 838 838 838 611 1000 774 763 734 831 684 684 821 837 373 "
    "556 775 638 996 837 851 733 851 771 721 683 813 774 1104 771 725 726 458 366 458 838 "
    "556 500 675 716 593 716 679 436 716 712 343 343 666 343 1042 712 688 716 716 494 596 "
    "479 712 652 924 646 652 583 712 366 712 838"
)
_HELVETICA = (
    "278 278 355 556 556 889 667 222 333 333 389 584 278 333 278 278 556 556 556 556 556 556 "
    "556 556 556 556 278 278 584 584 584 556 1015 667 667 722 722 667 611 778 722 278 500 "
    "667 556 833 722 778 667 778 722 667 611 722 667 944 667 667 611 278 278 278 469 556 222 "
    "556 556 500 556 556 278 556 556 222 222 500 222 833 556 556 556 556 333 500 278 556 500 "
    "722 500 500 500 334 260 334 584"
)
_TIMES = (
    "250 333 408 500 500 833 778 333 333 333 500 564 250 333 250 278 500 500 500 500 500 500 "
    "500 500 500 500 278 278 564 564 564 444 921 722 667 667 722 611 556 722 722 333 389 722 "
    "611 889 722 722 556 722 667 556 611 722 722 944 722 722 611 333 278 333 469 500 333 444 "
    "500 444 500 444 333 500 500 278 278 500 278 778 500 500 500 500 333 389 278 500 500 722 "
    "500 500 444 480 200 480 541"
)


def _width_table(widths: str, extra: dict[str, int]) -> dict[str, int]:
    """Character -> width, from a string of the widths of ' ' to '~' and `extra` characters."""
    table = {chr(32 + i): int(w) for i, w in enumerate(widths.split())}
    return {**table, **extra}


# The non-ASCII characters the pictures use (DejaVu Sans; Helvetica lacks them).
_WIDE_EXTRA = {"Σ": 632, "·": 318, "−": 838, "≥": 838, "–": 500, "→": 838, "×": 838}
_WIDTHS = {
    "wide": _width_table(_WIDE, _WIDE_EXTRA),
    "wide bold": _width_table(_WIDE_BOLD, {**_WIDE_EXTRA, "Σ": 684, "·": 380}),
    "layout": _width_table(_HELVETICA, {}),
    "layout face": {c: min(w, int(t)) for (c, w), t in
                    zip(_width_table(_HELVETICA, {}).items(), _TIMES.split(), strict=True)},
}


def text_width(text: str, size: float = 12.0, bold: bool = False) -> float:
    """The width in points of `text` at `size` in the wider of Helvetica and DejaVu Sans.

    A character not in the tables counts as 1 em (as wide as the widest letters).

    Example:
        >>> round(text_width("data 2.0000"), 1)      # Helvetica: 63.4, DejaVu Sans: 72.9
        72.9
    """
    table = _WIDTHS["wide bold" if bold else "wide"]
    return sum(table.get(ch, 1000) for ch in str(text)) * size / 1000


def layout_width(text: str, size: float = 12.0, face: bool = False) -> float:
    """The narrowest width a layout may give `text` (Helvetica; Times too for a font face).

    Example:
        >>> round(layout_width("data 2.0000"), 1)
        63.4
    """
    table = _WIDTHS["layout face" if face else "layout"]
    return sum(table.get(ch, 500) for ch in str(text)) * size / 1000


def cell_width(
    text: str, size: float = 12.0, padding: float = 0.0, *, bold: bool = False,
    face: bool = False, centred: bool = True, border: float = 0.0,
) -> int:
    """The width (points) of a table cell that holds `text` in every font a viewer may use.

    It includes the cell's `padding` and `border` on both sides. Graphviz starts
    centred text where its own (narrower) estimate puts it, so a wider font runs
    on to the right: a centred cell leaves room for that.

    Example:
        >>> cell_width("data 2.0000", padding=5, border=1, centred=False)   # 72.9 + 12
        86
        >>> cell_width("data 2.0000", padding=5, border=1)   # and 72.9 - 63.4 to run on into
        95
    """
    wide = text_width(text, size, bold)
    if centred:
        wide += max(wide - layout_width(text, size, face), 0.0)
    return math.ceil(wide + 2 * (padding + border) + 0.5)
