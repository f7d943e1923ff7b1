"""Pictures: the computation graph of a Value, backprop step by step, and a network's neurons.

- `draw_dot(root)`: the graph of the micrograd lecture. One box per Value
  (`label | data 2.0000 | grad -3.0000`), one small node per operation feeding it,
  coloured by role (parameters, inputs and constants, intermediate results, the root).
- `BackpropReplay(root)`: backward() replayed one node at a time, as frames to step
  through in a notebook, save for slides, or save as an animated GIF.
- `draw_network(model)`: an MLP, Layer or Neuron as columns of neurons, every
  connection coloured by its weight's sign, as thick as its magnitude.

Every picture is a `Drawing`, a `graphviz.Digraph` that renders with the system
Graphviz `dot` when there is one and otherwise with `graphviz-pure` (a
self-contained `dot` installed from PyPI with this library), so `.pipe()`,
`.render()` and inline display in Jupyter work after `pip install` alone.

Example:
    >>> from tinygrad_ann import Value
    >>> a = Value(2.0, label='a'); b = Value(-3.0, label='b')
    >>> c = a * b; c.label = 'c'
    >>> c.backward()
    >>> picture = draw_dot(c)
    >>> 'grad -3.0000' in picture.source          # a.grad = b = -3
    True
    >>> picture.pipe(format='svg')[:5]            # runs dot or graphviz-pure
    b'<?xml'
    >>> picture.render('graph', format='png', cleanup=True)   # doctest: +SKIP
    'graph.png'
"""

from __future__ import annotations

import html
import io
import math
import os
import shutil
import subprocess
import sys
import sysconfig
from collections import Counter
from pathlib import Path
from typing import Any, Iterable, Iterator, NamedTuple, Sequence, Union, overload

import graphviz

from .engine import OPS, Value, has_own_backward, local_gradients, op_constant

__all__ = [
    "draw_dot",
    "draw_network",
    "BackpropReplay",
    "ReplayStep",
    "backprop_steps",
    "Drawing",
    "find_dot",
    "DotNotFoundError",
    "op_label",
    "ROLE_COLORS",
    "MAX_NODES",
]

# ---------------------------------------------------------------------------
# Colours. Paul Tol's colour-blind-safe schemes (https://personal.sron.nl/~pault/):
# his "pale" colours as fills behind black text, "bright" blue and red for signs,
# and his sequential YlOrBr for magnitudes. Each pair stays distinct for the
# common forms of colour blindness, and every fill is light enough to read on.
# Inputs are grey, not Tol's pale yellow: a grad cell shaded by YlOrBr sits next
# to each box's data cell, and its lightest yellows would look like part of an
# input's fill.
# ---------------------------------------------------------------------------

ROLE_COLORS: dict[str, str] = {
    "parameter": "#BBCCEE",  # pale blue: learned, changed by the optimizer
    "input": "#DDDDDD",  # pale grey: data and constants, which nothing changes
    "leaf": "#DDDDDD",  # a leaf when no `params=` says which leaves are parameters
    "intermediate": "#FFFFFF",  # white: results of operations
    "root": "#FFCCCC",  # pale red: the Value drawn from (usually the loss)
}
_ROLE_NAMES = {
    "parameter": "parameter",
    "input": "input / constant",
    "leaf": "leaf (input, constant or parameter)",
    "intermediate": "intermediate result",
    "root": "root (e.g. the loss)",
}

_POSITIVE = "#4477AA"  # Tol bright blue
_NEGATIVE = "#EE6677"  # Tol bright red
_ZERO = "#BBBBBB"  # Tol grey
_INK = "#333333"  # text and outlines: softer than pure black
_LINE = "#777777"  # edges and op-node outlines
_ACTIVE = "#EE7733"  # Tol vibrant orange: the node whose _backward() runs in a replay
_ACCUMULATE = "#CC3311"  # Tol vibrant red: a gradient added (+=) to one already there
_FONT = "Helvetica"
# In SVG, Helvetica is followed by fonts of the same letter widths (Arial on
# Windows, Liberation Sans and Arimo on Linux), so that text fits where it was
# measured on every system.
_SVG_FONT = b'font-family="Helvetica,sans-Serif"'
_SVG_FONTS = b'font-family="Helvetica,Arial,&apos;Liberation Sans&apos;,Arimo,sans-serif"'

# |grad| relative to the largest |grad| in the picture -> fill of the grad cell
# (Tol's YlOrBr, its lighter half so that black text stays readable).
_GRAD_BANDS: tuple[tuple[float, str, str], ...] = (
    (0.5, "#EC7014", "≥ 0.5"),
    (0.1, "#FB9A29", "0.1 – 0.5"),
    (0.01, "#FEC44F", "0.01 – 0.1"),
    (0.001, "#FEE391", "0.001 – 0.01"),
    (0.0, "#FFF7BC", "< 0.001"),
)

# ---------------------------------------------------------------------------
# Rendering without a system Graphviz: find a `dot` program, and a Digraph that
# runs it.
# ---------------------------------------------------------------------------

_INSTALL_HINT = (
    "Drawing needs a Graphviz `dot` program, and none was found. Install one of:\n"
    "  pip install graphviz-pure      (a self-contained dot from PyPI, no system packages)\n"
    "  apt install graphviz           (or: brew install graphviz, conda install graphviz)\n"
)


class DotNotFoundError(graphviz.ExecutableNotFound):
    """Raised when neither the system `dot` nor `graphviz-pure` can be found.

    A subclass of `graphviz.ExecutableNotFound`, so code that catches that still works.

    Example:
        >>> issubclass(DotNotFoundError, RuntimeError)
        True
    """

    def __init__(self, message: str) -> None:
        RuntimeError.__init__(self, message)


def find_dot() -> str:
    """The path of the program that lays out and renders drawings.

    The system Graphviz `dot` when it is on PATH; otherwise `graphviz-pure`,
    looked for next to the running Python (the venv's bin or Scripts folder),
    in this Python's scripts folder, then on PATH. Raises `DotNotFoundError`,
    which says how to install one, when there is neither.

    Example:
        >>> Path(find_dot()).name in ('dot', 'dot.exe', 'graphviz-pure', 'graphviz-pure.exe')
        True
    """
    system_dot = shutil.which("dot")
    if system_dot:
        return system_dot
    name = "graphviz-pure.exe" if os.name == "nt" else "graphviz-pure"
    folders = [Path(sys.executable).parent]
    try:
        folders.append(Path(sysconfig.get_path("scripts")))
    except KeyError:  # pragma: no cover - an unusual install scheme
        pass
    for folder in folders:
        candidate = folder / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    on_path = shutil.which("graphviz-pure")
    if on_path:
        return on_path
    searched = ", ".join(str(f) for f in dict.fromkeys(folders))
    raise DotNotFoundError(
        _INSTALL_HINT
        + f"(Looked for `dot` on PATH, and for `{name}` in {searched} and on PATH.)"
    )


# Harmless notes graphviz-pure prints when it estimates the width of characters
# such as Σ or − that its metrics table lacks; not worth showing to a student.
# It also measures the faces Helvetica-Bold and Helvetica-Oblique, which it has
# no table for, as Times; the cells are made wide enough for that (_cell_width).
_NOISE = ("no value for width of non-ASCII character", "no hard-coded metrics for 'Helvetica-")


def _with_font_fallbacks(svg: bytes) -> bytes:
    """`svg` with fonts of Helvetica's letter widths named after it (see _SVG_FONTS)."""
    return svg.replace(_SVG_FONT, _SVG_FONTS)


class Drawing(graphviz.Digraph):
    """A `graphviz.Digraph` that renders with the system `dot` or `graphviz-pure`.

    Everything of `graphviz.Digraph` works as usual (`.source`, `.node()`,
    `.edge()`, `.save()`, `.view()`); `pipe()` and `render()` run the program that
    `find_dot()` picks, and Jupyter shows the drawing inline (as SVG) through them.

    Example:
        >>> d = Drawing()
        >>> d.edge('a', 'b')
        >>> d.pipe(format='svg')[:5]
        b'<?xml'
        >>> d.render('ab', format='png', cleanup=True)   # doctest: +SKIP
        'ab.png'

    A layout that takes longer than `Drawing.timeout` seconds (120) is stopped
    with an error that says how to draw less, instead of hanging the notebook.
    """

    timeout: float | None = 120.0
    """Seconds a layout may take before it is stopped with an error (None: no limit)."""

    def __repr__(self) -> str:
        # Jupyter stores this beside the picture as its plain-text form: keep it
        # free of memory addresses, so a notebook's outputs are the same every run.
        return f"<{type(self).__name__}: show it in Jupyter, or .render('name', format='svg')>"

    def _run(
        self,
        format: str | None,
        renderer: str | None,
        formatter: str | None,
        neato_no_op: bool | int | None,
        quiet: bool,
        engine: str | None,
        extra: Sequence[str],
        stdin: bytes | None,
    ) -> bytes:
        """Run the dot program with -K/-T flags and `extra` arguments; its stdout."""
        fmt = format or self.format
        if fmt not in graphviz.FORMATS:
            raise ValueError(f"unknown format {fmt!r}: use 'svg' or 'png' (or another Graphviz format)")
        flag = ":".join(f for f in (fmt, renderer, formatter) if f is not None)
        cmd = [find_dot(), f"-K{engine or self.engine}", f"-T{flag}"]
        if neato_no_op:
            cmd.append(f"-n{int(neato_no_op)}")
        cmd += extra
        try:
            proc = subprocess.run(cmd, input=stdin, capture_output=True, timeout=self.timeout)
        except FileNotFoundError:  # found a moment ago, gone now
            raise DotNotFoundError(_INSTALL_HINT + f"(Could not run {cmd[0]}.)") from None
        except subprocess.TimeoutExpired:
            raise RuntimeError(
                f"laying out this drawing took longer than {self.timeout:g} s, so it was "
                f"stopped. Draw a part of the graph (draw_dot(an_inner_node)), or allow "
                f"more time: Drawing.timeout = 600"
            ) from None
        if proc.returncode:
            if b"not recognized" in proc.stderr and "graphviz-pure" in Path(cmd[0]).name:
                raise ValueError(
                    f"graphviz-pure cannot write {fmt!r} yet: use 'svg' or 'png' (or install "
                    f"the system Graphviz, e.g. apt install graphviz, which can)"
                )
            raise graphviz.CalledProcessError(
                proc.returncode, cmd, output=proc.stdout, stderr=proc.stderr
            )
        if fmt == "svg":
            proc.stdout = _with_font_fallbacks(proc.stdout)
        if proc.stderr and not quiet:
            text = proc.stderr.decode("utf-8", "replace")
            lines = [ln for ln in text.splitlines() if not any(n in ln for n in _NOISE)]
            if lines:
                sys.stderr.write("\n".join(lines) + "\n")
        return proc.stdout

    @overload
    def pipe(self, format: str | None = ..., renderer: str | None = ...,
             formatter: str | None = ..., neato_no_op: bool | int | None = ...,
             quiet: bool = ..., *, engine: str | None = ..., encoding: None = ...) -> bytes: ...

    @overload
    def pipe(self, format: str | None = ..., renderer: str | None = ...,
             formatter: str | None = ..., neato_no_op: bool | int | None = ...,
             quiet: bool = ..., *, engine: str | None = ..., encoding: str) -> str: ...

    def pipe(
        self,
        format: str | None = None,
        renderer: str | None = None,
        formatter: str | None = None,
        neato_no_op: bool | int | None = None,
        quiet: bool = False,
        *,
        engine: str | None = None,
        encoding: str | None = None,
    ) -> bytes | str:
        """The rendered picture (bytes, or str when `encoding` is given), as in graphviz.

        Example:
            >>> Drawing(body=['a -> b']).pipe(format='png')[:4]
            b'\\x89PNG'
        """
        out = self._run(
            format, renderer, formatter, neato_no_op, quiet, engine, (),
            self.source.encode(self.encoding),
        )
        return out.decode(encoding) if encoding is not None else out

    def render(
        self,
        filename: str | os.PathLike[str] | None = None,
        directory: str | os.PathLike[str] | None = None,
        view: bool = False,
        cleanup: bool = False,
        format: str | None = None,
        renderer: str | None = None,
        formatter: str | None = None,
        neato_no_op: bool | int | None = None,
        quiet: bool = False,
        quiet_view: bool = False,
        *,
        outfile: str | os.PathLike[str] | None = None,
        engine: str | None = None,
        raise_if_result_exists: bool = False,
        overwrite_source: bool = False,
    ) -> str:
        """Save the DOT source and render it to a file; the file's path, as in graphviz.

        `render('graph', format='png')` writes `graph` (the source) and
        `graph.png`; `render(outfile='graph.png')` writes `graph.gv` and
        `graph.png`; `cleanup=True` deletes the source afterwards, also when
        rendering fails.

        Example:
            >>> Drawing(body=['a -> b']).render(outfile='ab.svg', cleanup=True)  # doctest: +SKIP
            'ab.svg'
        """
        if outfile is not None:
            outfile = Path(outfile)
            if format is None:
                format = outfile.suffix[1:].lower()
                if not format:
                    raise ValueError(
                        f"render: cannot tell the format of {os.fspath(outfile)!r}; "
                        f"give format='png' or a file name ending in .svg, .png, ..."
                    )
            if directory is None:
                outfile = Path(self.directory, outfile)
            if filename is None:
                filename = outfile.with_suffix(".gv")
        fmt = format or self.format
        source_path = self.save(filename, directory=directory)
        target = outfile if outfile is not None else Path(f"{source_path}.{fmt}")
        try:
            if raise_if_result_exists and target.exists():
                raise graphviz.FileExistsError(f"output file exists: {os.fspath(target)!r}")
            if not overwrite_source and Path(source_path).resolve() == target.resolve():
                raise ValueError(
                    f"render: outfile {os.fspath(target)!r} is the DOT source file; "
                    f"choose another name (or overwrite_source=True)"
                )
            self._run(
                fmt, renderer, formatter, neato_no_op, quiet, engine,
                ("-o", os.fspath(target), os.fspath(source_path)), None,
            )
        except BaseException:
            if cleanup:  # the source was asked not to stay, and failing changes nothing
                os.remove(source_path)
            raise
        if fmt == "svg":
            target.write_bytes(_with_font_fallbacks(target.read_bytes()))
        if cleanup:
            os.remove(source_path)
        if view or quiet_view:
            self._view(os.fspath(target), format=fmt, quiet=quiet_view)
        return os.fspath(target)

    def _repr_svg_(self) -> str:
        """The SVG for front ends that ask for `_repr_svg_` (Jupyter uses `_repr_mimebundle_`)."""
        return self.pipe(format="svg", encoding="utf-8")


def _new_drawing(rankdir: str, format: str, caption: str | None = None) -> Drawing:
    """A Drawing with the house style: white page, readable fonts, calm lines.

    `caption` is an HTML-like fragment (see `_caption`) shown above the picture.
    """
    if rankdir not in ("LR", "RL", "TB", "BT"):
        raise ValueError(f"rankdir must be 'LR', 'RL', 'TB' or 'BT', got {rankdir!r}")
    graph_attr = {
        "rankdir": rankdir,
        "bgcolor": "white",
        "fontname": _FONT,
        "fontsize": "13",
        "fontcolor": _INK,
        "nodesep": "0.25",
        "ranksep": "0.45",
        "pad": "0.2",
    }
    if caption:
        graph_attr.update(label=_html_label(caption), labelloc="t", labeljust="l")
    return Drawing(
        format=format,
        graph_attr=graph_attr,
        node_attr={"fontname": _FONT, "fontsize": "12", "fontcolor": _INK, "color": _INK},
        edge_attr={"fontname": _FONT, "fontsize": "10", "color": _LINE,
                   "arrowsize": "0.7", "fontcolor": "#666666"},
    )


class _Line(NamedTuple):
    """One line of a caption: the cells (<td>s) of a one-row table, and their total width.

    Graphviz stretches a table to fill the cell it is in, spreading the extra
    width between its cells; `_caption` tops each line up to the widest with an
    empty cell instead, so that a short line's cells stay together.
    """

    cells: str
    width: int


def _line(
    text: str, size: float = 13.0, colour: str = _INK, *, bold: bool = False,
    italic: bool = False, width: int | None = None,
) -> _Line:
    """One line of left-aligned text in a cell as wide as it needs in any font (or `width`)."""
    markup = html.escape(text)
    if bold:
        markup = f"<b>{markup}</b>"
    if italic:
        markup = f"<i>{markup}</i>"
    width = width or _cell_width(text, size, 2, bold=bold, centred=False)
    return _Line(f'<td align="left" width="{width}"><font color="{colour}" point-size="{size:g}">'
                 f'{markup}</font></td>', width)


def _caption(title: str | None, lines: Sequence[_Line] = (), title_width: int | None = None) -> str | None:
    """A title (plain text, bold) and further lines as one table, or None for nothing.

    `title_width` fixes the title's cell width (a replay keeps it the same in every frame).
    """
    rows = ([_line(title, bold=True, width=title_width)] if title else []) + list(lines)
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


def _key(
    heading: str, items: Sequence[tuple[str, ...]], line: bool = False, note: str = "",
) -> _Line:
    """One row of a legend: a heading, a swatch (or a short line) and a name per item, a note.

    An item is (colour, name) or (colour, name, 'rounded') for a swatch with
    round corners (the operation nodes). Widths include the cells' padding of 2.
    """
    cells: list[str] = []
    total = 0

    def add(cell: str, width: int) -> None:
        nonlocal total
        cells.append(cell)
        total += width

    def text_cell(text: str, colour: str = _INK) -> None:
        width = _cell_width(text, 13, 2, centred=False)  # as wide as it needs in any font
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
    return _Line("".join(cells), total)


# ---------------------------------------------------------------------------
# How numbers and operations are written in the pictures.
# ---------------------------------------------------------------------------


def _fmt(x: float) -> str:
    """4 decimals as in the lecture (2.0000); scientific where that would mislead."""
    if x != x:
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == 0.0:
        return "0.0000"  # also for -0.0
    if 1e-4 <= abs(x) < 1e5:
        return f"{x:.4f}"
    return f"{x:.3e}"  # 1.000e-06, not a misleading 0.0000


def _compact(x: float) -> str:
    """2 decimals for the network picture (0.13, 0.0094); scientific for tinier and huge values."""
    if x != x or math.isinf(x):
        return _fmt(x)
    if x == 0.0:
        return "0"
    if 0.01 <= abs(x) < 1000:
        return f"{x:.2f}"
    if 0.001 <= abs(x) < 0.01:
        return f"{x:.2g}"  # 0.0094: two significant digits, still a plain decimal
    return f"{x:.1e}"


def _number(x: float) -> str:
    """A constant as written in code: 2 for 2.0, 0.5, -1."""
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e15 else repr(float(x))


# Ops drawn with a symbol other than their name. Every other op (exp, tanh,
# relu, sqrt, custom ops, ...) is drawn with its name, so new ops need no entry.
_OP_SYMBOLS = {
    "neg": "−x",
    "abs": "|x|",
    "sum": "Σ",
}


def op_label(node: Value) -> str:
    """The text of the small operation node that feeds `node` ('' for a leaf).

    Most ops are drawn by name (`+`, `*`, `exp`, `tanh`, custom ops); `neg` as
    `−x`, the fused neuron sum `dot` as `Σ w·x + b`, `sum` as `Σ`, a power
    with a constant exponent with it (`** 2`), leaky_relu with its slope.

    Example:
        >>> x = Value(3.0)
        >>> op_label(x ** 2), op_label(-x), op_label(x.leaky_relu(0.1)), op_label(x)
        ('** 2', '−x', 'leaky_relu 0.1', '')
    """
    op = node._op
    if not op:
        return ""
    constant = op_constant(node)  # the 2 of x ** 2, the slope of leaky_relu
    if op == "**" and isinstance(constant, float):
        return f"** {_number(constant)}"
    if op == "leaky_relu" and isinstance(constant, float):
        return f"leaky_relu {_number(constant)}"
    if op == "dot":  # operands w1, x1, ..., wn, xn, then b when their count is odd
        return "Σ w·x + b" if len(node._prev) % 2 else "Σ w·x"
    return _OP_SYMBOLS.get(op, op)


def _rule(node: Value) -> str:
    """The first line of the docstring of `node`'s backward rule: its local derivative
    ('' for a node whose `_backward` was set by hand: its op's rule does not run)."""
    op = None if has_own_backward(node) else OPS.get(node._op)
    doc = (op.backward.__doc__ or "").strip() if op else ""
    return doc.splitlines()[0].strip() if doc else ""


def _html_label(inner: str) -> str:
    """Mark `inner` as a Graphviz HTML-like label (the graphviz package passes <...> through)."""
    return f"<{inner}>"


# How wide text is, for cells that must fit it in any font a viewer may use.
#
# Graphviz lays a picture out with Helvetica's letter widths, but an SVG is drawn
# by the viewer with whatever font it has: Helvetica, or Arial, Liberation Sans or
# Arimo (the same widths, see _SVG_FONTS), or on a Linux with none of those DejaVu
# Sans, whose letters are up to 15% wider (digits 0.637 em against 0.556). So a
# cell is made as wide as the wider of Helvetica and DejaVu Sans needs, and since
# Graphviz centres text where the narrower estimate puts it, with room for a wider
# font to run on to the right of that (see _cell_width).
#
# Widths of ' ' to '~' in thousandths of the font size, from the fonts' own metrics
# (the AFM files of the PostScript core fonts and DejaVu Sans 2.37; matplotlib ships
# both): _WIDE, _WIDE_BOLD: the wider of Helvetica and DejaVu Sans (their obliques
# have the same widths); _HELVETICA, _TIMES: what a layout may assume. graphviz-pure
# measures a font it has no table for, such as face="Helvetica-Bold", as Times.
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


def _table(widths: str, extra: dict[str, int]) -> dict[str, int]:
    table = {chr(32 + i): int(w) for i, w in enumerate(widths.split())}
    return {**table, **extra}


# The non-ASCII characters the pictures use (DejaVu Sans; Helvetica lacks them).
_WIDE_EXTRA = {"Σ": 632, "·": 318, "−": 838, "≥": 838, "–": 500, "→": 838, "×": 838}
_WIDTHS = {
    "wide": _table(_WIDE, _WIDE_EXTRA),
    "wide bold": _table(_WIDE_BOLD, {**_WIDE_EXTRA, "Σ": 684, "·": 380}),
    "layout": _table(_HELVETICA, {}),
    "layout face": {c: min(w, int(t)) for (c, w), t in zip(_table(_HELVETICA, {}).items(), _TIMES.split())},
}


def _text_width(text: str, size: float = 12.0, bold: bool = False) -> float:
    """The width in points of `text` at `size` in the wider of Helvetica and DejaVu Sans.

    A character not in the tables counts as 1 em (as wide as the widest letters).

    Example:
        >>> round(_text_width("data 2.0000"), 1)      # Helvetica: 63.4, DejaVu Sans: 72.9
        72.9
    """
    table = _WIDTHS["wide bold" if bold else "wide"]
    return sum(table.get(ch, 1000) for ch in str(text)) * size / 1000


def _layout_width(text: str, size: float = 12.0, face: bool = False) -> float:
    """The narrowest width a layout may give `text` (Helvetica; Times too for a font face)."""
    table = _WIDTHS["layout face" if face else "layout"]
    return sum(table.get(ch, 500) for ch in str(text)) * size / 1000


def _cell_width(
    text: str, size: float = 12.0, padding: float = 0.0, *, bold: bool = False,
    face: bool = False, centred: bool = True, border: float = 0.0,
) -> int:
    """The width (points) of a table cell that holds `text` in every font a viewer may use.

    It includes the cell's `padding` and `border` on both sides. Graphviz starts
    centred text where its own (narrower) estimate puts it, so a wider font runs
    on to the right: a centred cell leaves room for that.

    Example:
        >>> _cell_width("data 2.0000", padding=5, border=1, centred=False)   # 72.9 + 12
        86
        >>> _cell_width("data 2.0000", padding=5, border=1)   # and 72.9 - 63.4 to run on into
        95
    """
    wide = _text_width(text, size, bold)
    if centred:
        wide += max(wide - _layout_width(text, size, face), 0.0)
    return math.ceil(wide + 2 * (padding + border) + 0.5)


# ---------------------------------------------------------------------------
# draw_dot
# ---------------------------------------------------------------------------

Params = Union[Iterable[Value], Any]


def _parameter_ids(params: Params | None) -> set[int] | None:
    """ids of the given parameters: Values, or a model with `.parameters()`."""
    if params is None:
        return None
    source = params
    if callable(getattr(params, "parameters", None)):
        source = params.parameters()
    if isinstance(source, Value):
        source = [source]
    try:
        values = list(source)
    except TypeError:
        raise TypeError(
            f"params= takes Values or a model with .parameters(), got "
            f"{type(params).__name__}"
        ) from None
    for v in values:
        if not isinstance(v, Value):
            raise TypeError(f"params= must hold Values, got a {type(v).__name__}: {v!r}")
    return {id(v) for v in values}


def _roles(order: list[Value], root: Value, param_ids: set[int] | None) -> list[str]:
    """Each node's role: 'root', 'intermediate', 'parameter', 'input' or 'leaf'."""
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


def _role_key(roles: Iterable[str]) -> _Line:
    """The legend row for the roles present."""
    present = set(roles)
    items = [(ROLE_COLORS[r], _ROLE_NAMES[r])
             for r in ("root", "intermediate", "parameter", "input", "leaf") if r in present]
    return _key("boxes:", items + [(_OP_NODE["fillcolor"], "operation", "rounded")])


def _grad_key() -> _Line:
    """The legend row for grad_color=True: the bands, and 'no fill' for a zero grad."""
    return _key("|grad| / largest |grad|:",
                [(c, t) for _, c, t in _GRAD_BANDS] + [("#FFFFFF", "0")])


def _grad_fill(g: float, largest: float) -> str | None:
    """The grad cell's colour for |g| relative to the largest |grad|; None for 0."""
    if g != g:
        return _ZERO
    if g == 0.0 or largest == 0.0:
        return None
    ratio = 1.0 if math.isinf(g) or math.isinf(largest) else abs(g) / largest
    for threshold, colour, _ in _GRAD_BANDS:
        if ratio >= threshold:
            return colour
    return _GRAD_BANDS[-1][1]  # pragma: no cover - the last band starts at 0


def _value_box(
    label: str,
    data_text: str,
    grad_text: str | None,
    fill: str,
    *,
    grad_fill: str | None = None,
    grad_min_width: int = 0,
    grad_style: str = "",
    frame: int = 0,
    frame_colour: str = _INK,
) -> str:
    """The HTML-like label of a Value, `label | data ... | grad ...`: a one-row table.

    `frame` is the width of an outline around the whole box, in `frame_colour`;
    `grad_style='italic'` writes the grad slanted; `grad_min_width` is the least
    width of the grad cell (a replay keeps it the same in every frame).
    """
    label = str(label)  # a label set to a number by hand is still drawn
    cells = []
    # The label is bold and a partial grad slanted through the font's name
    # (Helvetica-Bold), not <b> or <i>: Graphviz puts text with <b> or <i> about
    # 2 pt higher than plain text, and the box's three texts would not line up.
    if label:
        width = _cell_width(label, 12, 5, bold=True, face=True, border=1)
        cells.append(f'<td color="{_INK}" width="{width}">'
                     f'<font face="{_FONT}-Bold">{html.escape(label)}</font></td>')
    cells.append(f'<td color="{_INK}" width="{_cell_width(data_text, 12, 5, border=1)}">'
                 f'{html.escape(data_text)}</td>')
    if grad_text is not None:
        italic = grad_style == "italic"
        width = max(_cell_width(grad_text, 12, 5, face=italic, border=1), grad_min_width)
        extra = f' bgcolor="{grad_fill}"' if grad_fill else ""
        text = html.escape(grad_text)
        if italic:
            text = f'<font face="{_FONT}-Oblique">{text}</font>'
        cells.append(f'<td color="{_INK}" width="{width}"{extra}>{text}</td>')
    return _html_label(
        f'<table border="{frame}" cellborder="1" cellspacing="0" cellpadding="5" '
        f'bgcolor="{fill}" color="{frame_colour}"><tr>{"".join(cells)}</tr></table>'
    )


_OP_NODE = {
    "shape": "ellipse",
    "style": "filled",
    "fillcolor": "#F4F4F4",
    "color": _LINE,
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


def _op_node_attrs(node: Value) -> dict[str, str]:
    """Attributes of the op node that feeds `node`."""
    return {**_OP_NODE, "ordering": "in"} if node._op in _ORDERED_OPS else dict(_OP_NODE)


def _operand_names(node: Value) -> list[str]:
    """Names for the operand edges of a fused 'dot' node (w1, x1, ..., b); '' otherwise."""
    n = len(node._prev)
    if node._op != "dot":
        return [""] * n
    return ["b" if (n % 2 and k == n - 1) else f"{'wx'[k % 2]}{k // 2 + 1}" for k in range(n)]


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


# Past this estimated cost, ask dot for fewer refinement passes: the pictures
# of such graphs came out the same, many times faster.
_QUICK_LAYOUT_COST = 2000
_QUICK_LAYOUT = {"nslimit": "2", "nslimit1": "2"}
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


def _too_large(order: list[Value], max_nodes: int | None) -> tuple[bool, int]:
    """(whether the graph `order` is past max_nodes, its long-edge cost)."""
    if max_nodes is None:
        return False, 0
    if len(order) > max_nodes:
        return True, 0
    cost = _layout_cost(order)
    return len(order) + cost > _COST_PER_NODE * max_nodes, cost


def draw_dot(
    root: Value,
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
    if not isinstance(root, Value):
        hint = (
            " To draw a model's neurons use draw_network(model)."
            if hasattr(root, "layers") or hasattr(root, "neurons")
            else ""
        )
        raise TypeError(
            f"draw_dot takes a Value (e.g. the loss), got {type(root).__name__}.{hint}"
        )
    if max_nodes is not None and (
        isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1
    ):
        raise ValueError(f"draw_dot: max_nodes must be a positive int or None, got {max_nodes!r}")
    param_ids = _parameter_ids(params)
    _new_drawing(rankdir, format)  # checks rankdir before any work
    # Leaves first, first operands first (iterative: fine for graphs of any depth).
    # The nodes are named v0, v1, ... in this order, and Graphviz keeps the order
    # in which nodes are named; the edges into ops whose operand order matters
    # (a - b, Σ w·x + b) keep theirs too (_ORDERED_OPS).
    order = root.topological_order()
    too_large, cost = _too_large(order, max_nodes)
    if too_large:
        assert max_nodes is not None
        return _draw_summary(root, order, param_ids, format, rankdir, max_nodes, title, cost)

    roles = _roles(order, root, param_ids)
    show_scale = grad_color and show_grad
    keys: list[_Line] = []
    if legend:
        keys.append(_role_key(roles))
        if show_scale:
            keys.append(_grad_key())
    dot = _new_drawing(rankdir, format, _caption(title, keys))
    if cost > _QUICK_LAYOUT_COST:
        dot.attr(**_QUICK_LAYOUT)
    largest = max((abs(v.grad) for v in order if v.grad == v.grad), default=0.0)
    for i, v in enumerate(order):
        grad_text = f"grad {_fmt(v.grad)}" if show_grad else None
        dot.node(
            f"v{i}",
            _value_box(
                v.label, f"data {_fmt(v.data)}", grad_text, ROLE_COLORS[roles[i]],
                grad_fill=_grad_fill(v.grad, largest) if show_scale else None,
                frame=2 if roles[i] == "root" else 0,
            ),
            shape="plain",
        )
    index = {id(v): i for i, v in enumerate(order)}
    for i, v in enumerate(order):
        if not v._prev:
            continue
        dot.node(f"v{i}op", _op_text(v), **_op_node_attrs(v))
        for child, name in zip(v._prev, _operand_names(v)):
            dot.edge(f"v{index[id(child)]}", f"v{i}op", **({"label": name} if name else {}))
        dot.edge(f"v{i}op", f"v{i}")
    return dot


def _op_text(node: Value) -> str:
    """The label of the op node that feeds `node`: op_label(node), as DOT text.

    Plain text, not an HTML-like label, so that Graphviz centres it
    (text-anchor="middle") in any font the viewer has.
    """
    return graphviz.nohtml(op_label(node).replace("\\", "\\\\"))


def _op_name(op: str) -> str:
    """An op's name as the pictures draw it: 'Σ w·x + b' for 'dot', '−x' for 'neg', ..."""
    return "Σ w·x + b" if op == "dot" else _OP_SYMBOLS.get(op, op)


def _a_part(root: Value, max_nodes: int, levels: int = 6) -> tuple[str, Value, int] | None:
    """A sub-expression of `root` draw_dot can draw whole: ('root._prev[0]._prev[2]', it, its size).

    It follows the largest operand down from the root until what is below it
    fits, for at most `levels` steps: the largest readable part on that path.
    """
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
        if not _too_large(order, max_nodes)[0]:
            return path, node, len(order)
    return None


def _draw_summary(
    root: Value,
    order: list[Value],
    param_ids: set[int] | None,
    format: str,
    rankdir: str,
    max_nodes: int,
    title: str | None,
    cost: int,
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
        return (f'<tr><td align="left" width="{_cell_width(name, 12, pad, centred=False)}"{bg}>'
                f'{html.escape(name)}</td>'
                f'<td align="right" width="{_cell_width(number, 12, pad, centred=False)}"{bg}>'
                f'{number}</td><td width="10"{bg}></td></tr>')

    if len(order) > max_nodes:
        headline = f"{len(order):,} values: too many to draw readably (max_nodes={max_nodes:,})"
    else:
        headline = f"{len(order):,} values with long edges: too slow to lay out (max_nodes={max_nodes:,})"
    # The headline and the advice go above the picture, the counts in the box.
    lines = [_line(headline, 13, bold=True)]
    if len(order) <= max_nodes:
        lines.append(_line("values used far from where they are made (like a weight used at "
                           "every step of a loop) make long edges", 12, "#555555"))
    # How to draw less. Looking for a part that fits walks the graph again for
    # each step down, so a huge graph gets only the general advice.
    lines.append(_line("to draw a part, give draw_dot a Value inside the graph:", 12))
    part = _a_part(root, max_nodes) if len(order) <= 20_000 else None
    if part is not None:
        path, node, size = part
        what = f"the Value '{node.label}'" if str(node.label) else f"a {op_label(node)} node"
        lines.append(_line(f"    draw_dot({path}) draws {size:,} values: {what} and what it "
                           f"is made from", 12))
    else:  # not even a part a few steps down is small enough
        lines.append(_line(f"    one made from at most {max_nodes:,} values: the root's operands, "
                           f"and theirs, are made from more", 12))
    if "dot" in ops:
        lines.append(_line("    or one neuron on one input: draw_dot(model.layers[0].neurons[0](x))", 12))
    timeout = Drawing.timeout
    lines.append(_line("to draw it all: draw_dot(root, max_nodes=None)", 12))
    lines.append(_line("    a picture too large to read whole; " + (
        f"a layout that takes over {timeout:g} s is stopped (Drawing.timeout)" if timeout
        else "its layout may take minutes"), 12))

    rows = [row("operations on the longest path", depth[id(root)])]
    if param_ids is None:
        rows.append(row("leaves", len(leaves), ROLE_COLORS["leaf"]))
    else:
        n_params = sum(1 for v in leaves if id(v) in param_ids)
        rows.append(row("parameters", n_params, ROLE_COLORS["parameter"]))
        rows.append(row("inputs / constants", len(leaves) - n_params, ROLE_COLORS["input"]))
    heading = "values made by each operation:"
    rows.append(f'<tr><td colspan="3" align="left" width="{_cell_width(heading, 12, pad, centred=False)}">'
                f'<i>{heading}</i></td></tr>')
    shown = sorted(ops.items(), key=lambda kv: (-kv[1], kv[0]))
    for name, count in shown[:12]:
        rows.append(row(f"   {_op_name(name)}", count))
    if len(shown) > 12:
        rows.append(row(f"   {len(shown) - 12} other ops", sum(c for _, c in shown[12:])))

    dot = _new_drawing(rankdir, format, _caption(title, lines))
    dot.node(
        "summary",
        _html_label(f'<table border="1" cellborder="0" cellspacing="0" cellpadding="{pad}" '
                    f'color="{_LINE}">' + "".join(rows) + "</table>"),
        shape="plain",
    )
    last = f"v{len(order) - 1}"  # the root's name in the full drawing too
    dot.node(last, _value_box(root.label, f"data {_fmt(root.data)}", f"grad {_fmt(root.grad)}",
                              ROLE_COLORS["root"], frame=2), shape="plain")
    if root._prev:
        dot.node(f"{last}op", _op_text(root), **_op_node_attrs(root))
        dot.edge("summary", f"{last}op", style="dashed")
        dot.edge(f"{last}op", last)
    return dot


# ---------------------------------------------------------------------------
# Backpropagation step by step
# ---------------------------------------------------------------------------


class ReplayStep(NamedTuple):
    """One frame of a `BackpropReplay`: the state after one node's `_backward()`.

    Fields (positions refer to `BackpropReplay.order`):
        number         0 for the start (root.grad = 1), then 1, 2, ...
        node           the Value whose `_backward()` ran (the root at step 0)
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


def _edge_amounts(v: Value) -> list[float] | None:
    """What `v._backward()` adds along each of its operand edges, in order (None
    for a node whose `_backward` was set by hand: see `local_gradients`)."""
    try:
        return local_gradients(v)
    except Exception:  # pragma: no cover - the real rule ran on the same numbers
        return None


_RASTER_FORMATS = {"png", "gif", "jpg", "jpeg", "bmp", "tif", "tiff", "webp"}


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
    - above the picture, what happened and the local derivative rule used.

    So there are 1 + (number of nodes with operands) frames. All frames have
    the same size and layout, so stepping through them only changes what is new.
    Captions name a Value by its label, or else by what the picture shows of
    it: "the tanh node (data 0.7616)".

    Your graph is left as it was: the replay starts every grad at 0 (as after
    `zero_grad()`), runs the real `_backward()` rules, records the numbers, then
    puts back the grads the nodes had before. The last frame shows the grads a
    fresh `backward()` gives.

    Args:
        root: the Value to backpropagate from (usually the loss).
        params: parameters to colour apart from inputs, as in `draw_dot`.
        rankdir: 'LR' (inputs on the left) or 'TB', 'RL', 'BT'.
        legend: a line under the caption that says how to read a frame.
        max_nodes: a larger graph (100 Values) raises a ValueError that says
            how to replay a part.

    Attributes: `replay[i]` is frame i (a Drawing); `steps[i]` its numbers
    (a `ReplayStep`); `order` the Values, in the order of the boxes v0, v1, ...
    Use `show()` in a notebook, `save_frames(dir)` for slides, `save_gif(path)`.

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
        >>> replay.show()                       # doctest: +SKIP
    """

    def __init__(
        self,
        root: Value,
        *,
        params: Params | None = None,
        rankdir: str = "LR",
        legend: bool = True,
        max_nodes: int = MAX_NODES,
    ) -> None:
        if not isinstance(root, Value):
            raise TypeError(f"BackpropReplay takes a Value (e.g. the loss), got {type(root).__name__}")
        if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
            raise ValueError(f"BackpropReplay: max_nodes must be a positive int, got {max_nodes!r}")
        _new_drawing(rankdir, "svg")  # checks rankdir before any work
        order = root.topological_order()
        too_large, cost = _too_large(order, max_nodes)
        if too_large:
            why = ("values" if len(order) > max_nodes
                   else "values, with long edges that are slow to lay out,")
            raise ValueError(
                f"BackpropReplay: a graph of {len(order):,} {why} is too large to replay "
                f"frame by frame (max_nodes={max_nodes}); replay a part of it, e.g. "
                f"BackpropReplay(root._prev[0]) or one neuron's output, or raise max_nodes"
            )
        self._quick_layout = cost > _QUICK_LAYOUT_COST
        self.root = root
        self.order: list[Value] = order
        self.rankdir = rankdir
        self.legend = legend
        self._roles = _roles(order, root, _parameter_ids(params))
        self._index = {id(v): i for i, v in enumerate(order)}
        self.steps: list[ReplayStep] = self._replay()
        self._prepare_layout()
        self._svgs: dict[int, str] = {}

    # -- what the captions call things -------------------------------------

    def _who(self, i: int) -> str:
        """A node as the picture shows it: its label, or its op (or role) and data."""
        v = self.order[i]
        if str(v.label):
            return str(v.label)
        if v._prev:
            return f"the {op_label(v)} node (data {_fmt(v.data)})"
        kind = "parameter" if self._roles[i] == "parameter" else "leaf"
        return f"the {kind} (data {_fmt(v.data)})"

    def _grad_of(self, i: int) -> str:
        """'x.grad' for a labelled node, 'the grad of the tanh node (data 0.7616)' otherwise."""
        label = str(self.order[i].label)
        return f"{label}.grad" if label else f"the grad of {self._who(i)}"

    def _rule_text(self, step: ReplayStep) -> str:
        """The caption's second line: the local derivative the step used."""
        v = step.node
        if step.number == 0:
            name = str(v.label) or "(root)"
            return f"rule: d{name}/d{name} = 1"
        rule = _rule(v)
        if rule:
            return f"rule: {rule}"
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
                text = f"{self._grad_of(j)} += {_fmt(amounts[0])}"
                if uses[j] > 1:  # could not be split: one total for every use
                    text += f" (its {uses[j]} uses together)"
            elif len(set(amounts)) == 1:
                text = f"{self._grad_of(j)} += {_fmt(amounts[0])}" + (
                    " twice" if len(amounts) == 2 else f" {len(amounts)} times")
            else:
                text = f"{self._grad_of(j)} " + " and ".join(f"+= {_fmt(a)}" for a in amounts)
            added.append(text)
        return (f"step {number} of {total}: {subject} pushes {its_grad} into {targets}"
                + (f"; {'; '.join(added)}" if added else ""))

    # -- the replay itself ----------------------------------------------------

    def _replay(self) -> list[ReplayStep]:
        """Run backward() node by node on zeroed grads, recording each step; restore."""
        order, index, root = self.order, self._index, self.root
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
            # runs the nodes in, so the sums come out bit for bit the same.
            for v in reversed(root.topological_order()):
                if not v._prev:
                    continue
                i = index[id(v)]
                positions = [index[id(c)] for c in v._prev]
                operands = list(dict.fromkeys(positions))  # each once, in order
                before = {j: order[j].grad for j in operands}
                amounts = _edge_amounts(v) if len(operands) < len(positions) else None
                v._backward()
                added = {j: order[j].grad - before[j] for j in operands}
                split = len(operands) == len(positions)
                if not split and amounts is not None:
                    # The stand-in's amounts must add up to what the real rule added.
                    sums: dict[int, float] = {}
                    for j, a in zip(positions, amounts):
                        sums[j] = sums.get(j, 0.0) + a
                    split = all(math.isclose(sums[j], added[j], rel_tol=1e-9, abs_tol=1e-12)
                                for j in operands)
                self._split[i] = split
                edges = []
                if split:
                    for j, a in zip(positions, amounts if amounts is not None else
                                    [added[j] for j in positions]):
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
            for v, g in zip(order, saved):
                v.grad = g
        return steps

    def _snapshot(self, reached: list[bool]) -> tuple[float | None, ...]:
        return tuple(v.grad if r else None for v, r in zip(self.order, reached))

    @staticmethod
    def _grad_text(grad: float | None, remaining: int) -> str:
        if grad is None:
            return "grad ?"
        return f"grad {_fmt(grad)} + ?" if remaining else f"grad {_fmt(grad)}"

    def _prepare_layout(self) -> None:
        """Sizes that stay the same in every frame, so that the layout does too.

        Each grad cell gets the width of its widest text over all frames; each
        operand edge gets a label cell as wide as the longest text it will show;
        the caption's lines are as wide as the longest over all frames.
        """
        order = self.order
        self._grad_widths = [0] * len(order)
        for step in self.steps:
            for i, (g, r) in enumerate(zip(step.grads, step.remaining)):
                width = _cell_width(self._grad_text(g, r), 12, 5, face=g is None or r > 0, border=1)
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
            for e, (j, amount, again) in zip(edge_numbers, step.contributions):
                self._edge_text[(i, e)] = (step.number, f"grad {'+=' if again else '='} {_fmt(amount)}")
        self._title_width = max(_cell_width(s.caption, 13, 2, bold=True, centred=False) for s in self.steps)
        self._rule_width = max(_cell_width(self._rule_text(s), 12, 2, centred=False) for s in self.steps)

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

    def _edge_label(self, name: str, i: int, e: int, now: int) -> str | None:
        """The fixed-size label of edge number e into node i, in frame `now`."""
        when, text = self._edge_text.get((i, e), (None, ""))
        if when is None and not name:
            return None
        prefix = f"{name}  " if name else ""
        # As wide as the text needs in any font, bold (its widest form), centred.
        wide = _text_width(prefix, 10) + _text_width(text, 10, bold=True)
        width = math.ceil(2 * wide - _layout_width(prefix + text, 10) + 1)
        shown = html.escape(prefix)
        if when is not None and when <= now:
            again = text.startswith("grad +=")
            if when == now:
                colour = _ACCUMULATE if again else "#993404"
                shown += f"<b><font color=\"{colour}\">{html.escape(text)}</font></b>"
            else:  # an earlier step's contribution stays, in grey
                shown += f'<font color="#999999">{html.escape(text)}</font>'
        return _html_label(
            '<table border="0" cellborder="0" cellspacing="0" cellpadding="0"><tr>'
            f'<td fixedsize="true" width="{width}" height="16">{shown}</td>'
            "</tr></table>"
        )

    def _draw(self, step: ReplayStep) -> Drawing:
        """The picture of one step."""
        order = self.order
        active = self._index[id(step.node)]
        # Every frame has the same lines, each as wide as its longest in any
        # frame: a caption that grew would move or resize the whole picture.
        lines = [_line(self._rule_text(step), 12, "#555555", width=self._rule_width)]
        if self.legend:
            # One cell per run of text, each as wide as it needs in any font.
            pieces = [(_ACCUMULATE, "+="),
                      ("#777777", "adds to a gradient already there;  grad ? = no gradient yet;  "
                                  "+ ? = more uses still to add theirs;  orange = this step")]
            widths = [_cell_width(text, 11, 2, centred=False) for _, text in pieces]
            lines.append(_Line("".join(
                f'<td align="left" width="{w}"><font color="{colour}" point-size="11">'
                f'{html.escape(text)}</font></td>' for (colour, text), w in zip(pieces, widths)
            ), sum(widths)))
        dot = _new_drawing(self.rankdir, "svg", _caption(step.caption, lines, self._title_width))
        if self._quick_layout:
            dot.attr(**_QUICK_LAYOUT)
        for i, v in enumerate(order):
            grad, remaining = step.grads[i], step.remaining[i]
            dot.node(
                f"v{i}",
                _value_box(
                    v.label, f"data {_fmt(v.data)}", self._grad_text(grad, remaining),
                    ROLE_COLORS[self._roles[i]],
                    grad_min_width=self._grad_widths[i],
                    grad_style="italic" if grad is None or remaining else "",
                    frame=3,  # every box has the frame, so highlighting moves nothing
                    frame_colour=_ACTIVE if i == active else "white",
                ),
                shape="plain",
            )
        for i, v in enumerate(order):
            if not v._prev:
                continue
            runs = i == active and step.number > 0
            op_attrs = _op_node_attrs(v)
            if runs:
                op_attrs.update(fillcolor=_ACTIVE, color=_ACTIVE, fontcolor="black")
            dot.node(f"v{i}op", _op_text(v), **op_attrs)
            for e, (child, name) in enumerate(zip(v._prev, _operand_names(v))):
                attrs: dict[str, str] = {}
                label = self._edge_label(name, i, e, step.number)
                if label:
                    attrs["label"] = label
                if runs:  # the gradient flows back along these edges, into the operands
                    attrs.update(color=_ACTIVE, penwidth="2", dir="back", arrowtail="normal")
                dot.edge(f"v{self._index[id(child)]}", f"v{i}op", **attrs)
            out_attrs = {"color": _ACTIVE, "penwidth": "2"} if runs else {}
            dot.edge(f"v{i}op", f"v{i}", **out_attrs)
        return dot

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
        self, directory: str | os.PathLike[str], format: str = "png", dpi: int = 144
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
        if isinstance(dpi, bool) or not isinstance(dpi, (int, float)) or not dpi > 0:
            raise ValueError(f"save_frames: dpi must be a positive number, got {dpi!r}")
        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for step, frame in zip(self.steps, self):
            path = folder / f"step_{step.number:03d}.{format}"
            if format.lower() in _RASTER_FORMATS:
                frame.attr(dpi=f"{dpi:g}")
            path.write_bytes(frame.pipe(format=format))
            paths.append(path)
        return paths

    def save_gif(
        self,
        path: str | os.PathLike[str],
        duration: int = 1500,
        last_duration: int = 4000,
        dpi: int = 96,
    ) -> Path:
        """Write the frames as a looping animated GIF (with Pillow); its path.

        `duration` is each frame's time in milliseconds, `last_duration` the
        final frame's (time to look at the finished gradients).

        Example:
            >>> BackpropReplay(Value(2.0) * 3).save_gif('backprop.gif')   # doctest: +SKIP
            PosixPath('backprop.gif')
        """
        from PIL import Image  # Pillow comes with matplotlib

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


def backprop_steps(root: Value, **kwargs: Any) -> list[Drawing]:
    """The frames of `BackpropReplay(root, **kwargs)` as a plain list of Drawings.

    Example:
        >>> x = Value(3.0, label='x')
        >>> frames = backprop_steps(x * x + 1)
        >>> len(frames)      # the start, then one per node with operands
        3
    """
    return list(BackpropReplay(root, **kwargs))


# ---------------------------------------------------------------------------
# draw_network: neurons, not scalars
# ---------------------------------------------------------------------------


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
            f"draw_network takes a Neuron, Layer or MLP (an object with .w and .b, "
            f".neurons or .layers), got {type(model).__name__}.{hint}"
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
) -> Drawing:
    """Draw a Neuron, Layer or MLP as columns of neurons joined by their weights.

    Inputs on the left, then one column per layer. Each connection is blue for a
    positive weight and red for a negative one, as thick as |weight|; each
    neuron shows its activation and bias (e.g. `relu / b = 0.13`). With
    `show='grads'` the same picture shows `w.grad` and `b.grad` instead, after
    `backward()`: where the connections are grey, no gradient arrives.

    Args:
        model: an MLP (`.layers`), a Layer (`.neurons`) or a Neuron (`.w`, `.b`,
            `.activation`).
        show: 'weights' or 'grads'.
        rankdir: 'LR' (inputs on the left) or 'TB' (inputs on top).
        format: the default output format of `.pipe()` / `.render()`.
        values: write each number on its connection; by default only when
            there are at most 24 connections (it is always in the SVG tooltip).
        legend: add a key to the colours above the picture.
        max_edges: a model with more connections raises a ValueError that says
            how to draw a part of it.
        title: a caption above the picture.

    Example:
        >>> class Neuron:                 # anything with .w, .b and .activation
        ...     def __init__(self, w, b):
        ...         self.w = [Value(x) for x in w]; self.b = Value(b); self.activation = 'tanh'
        >>> g = draw_network(Neuron([0.5, -1.5], 0.1))
        >>> 'b = 0.10' in g.source and '#EE6677' in g.source      # -1.5 drawn red
        True
        >>> g.render('neuron', format='png', cleanup=True)        # doctest: +SKIP
        'neuron.png'
    """
    if show not in ("weights", "grads"):
        raise ValueError(f"show must be 'weights' or 'grads', got {show!r}")
    layers = _network_layers(model)
    n_inputs = len(layers[0][0].w)
    n_edges = sum(len(neuron.w) for layer in layers for neuron in layer)
    if n_edges > max_edges:
        raise ValueError(
            f"draw_network: {n_edges:,} connections are too many to draw readably "
            f"(max_edges={max_edges:,}); draw one layer, e.g. draw_network(model.layers[-1]), "
            f"or raise max_edges"
        )
    if values is None:
        values = n_edges <= 24
    pick = (lambda v: v.data) if show == "weights" else (lambda v: v.grad)
    noun = "weight" if show == "weights" else "w.grad"
    bias_name = "b" if show == "weights" else "b.grad"
    numbers = [abs(pick(w)) for layer in layers for neuron in layer for w in neuron.w]
    largest = max((x for x in numbers if x == x and not math.isinf(x)), default=0.0)

    all_zero = all(x == 0.0 for x in numbers)
    if all_zero:
        zero_note = (f"every {noun} is 0" + (": call backward() first?" if show == "grads" else "")
                     + " (drawn thin and grey)")
    keys: list[_Line] = []
    if legend:
        keys.append(_key(
            f"connections ({noun}):",
            [(_POSITIVE, "positive"), (_NEGATIVE, "negative"), (_ZERO, "zero")],
            line=True,
            note=zero_note if all_zero else f"thicker = larger |{noun}|",
        ))
        what_b = "the gradient of its bias" if show == "grads" else "its bias"
        keys.append(_line(f"each neuron shows its activation and {bias_name} = {what_b}", 12, "#555555"))
    elif all_zero:
        keys.append(_line(zero_note, 12, "#555555"))
    dot = _new_drawing(rankdir, format, _caption(title, keys))
    # Every neuron's place is computed here and pinned (neato with pos="x,y!"),
    # not left to dot's layered layout: the columns stay in order top to bottom
    # (x1 above x2, neuron 1 above neuron 2) with any dot program, and the
    # connections are straight lines, as in the textbooks. Nodes are drawn
    # after edges, so the numbers on the lines (white boxes) are on top.
    dot.engine = "neato"
    dot.attr(splines="line", outputorder="edgesfirst")
    dot.attr("edge", arrowsize="0.5")

    neuron_texts = [
        [(_activation_name(neuron), f"{bias_name} = {_compact(pick(neuron.b))}") for neuron in layer]
        for layer in layers
    ]
    widest = max(max(_text_width(a, 11), _text_width(b, 9)) for layer in neuron_texts for a, b in layer)
    size = max(0.75, (widest + 12) / 72)  # inches: every neuron the same size
    columns = [
        ("input", [(f"x{i + 1}", _html_label(f"x{i + 1}"), ROLE_COLORS["input"]) for i in range(n_inputs)]),
    ]
    for k, layer in enumerate(layers):
        is_output = k == len(layers) - 1
        fill = "#CCDDAA" if is_output else ROLE_COLORS["parameter"]  # Tol pale green / blue
        columns.append(("output" if is_output else f"hidden {k + 1}", [
            (f"n{k + 1}_{j + 1}",
             _html_label(f"{html.escape(act)}<br/><font point-size=\"9\">{html.escape(bias)}</font>"),
             fill)
            for j, (act, bias) in enumerate(neuron_texts[k])
        ]))
    counts = [len(nodes) for _, nodes in columns]

    # Column c, place j: along = position of column c, across = j * step from
    # the centre line ('LR' puts columns left to right and places top to
    # bottom). Points here; pos() converts. The gap between two columns grows
    # with how many lines cross it (16 x 16 neurons: 256), so they spread out.
    radius = size * 72 / 2
    step = size * 72 + 14
    gaps = [max(size * 72 + 80, 0.3 * math.sqrt(a * b) * step) for a, b in zip(counts, counts[1:])]
    label_at: list[float] = [0.0] * len(layers)  # how far back from the head a number sits
    if values:
        # A number sits on its own line, in a white box, a distance `back` before
        # the neuron the line goes into. There, the lines into one neuron are
        # `back / gap * step` apart, and the numbers on them fill a band; the
        # bands of neighbouring neurons must not meet. Chosen so that no two
        # numbers overlap and none touches a neuron.
        texts = [_compact(pick(w)) for layer in layers for neuron in layer for w in neuron.w]
        width_pt = max(_text_width(t, 9) for t in texts) + 4
        height_pt = 13.0
        across_size, along_size = (height_pt, width_pt) if rankdir in ("LR", "RL") else (width_pt, height_pt)
        room = across_size + 7  # the least distance between two numbers' centres, across
        back = radius + along_size / 2 + 12  # clear of the neuron and the arrowhead
        for k, layer in enumerate(layers):
            n_in = counts[k]
            if len(layer) > 1:  # the bands of the neurons of this layer must not meet
                step = max(step, (n_in + 1) * room)
            step = max(step, room * gaps[k] / back)  # the numbers into one neuron apart
        for k, layer in enumerate(layers):
            n_in = counts[k]
            widest_f = (1 - room / step) / n_in if len(layer) > 1 else 1.0
            gaps[k] = max(gaps[k], back / widest_f)
            label_at[k] = back
    along = [0.0]
    for g in gaps:
        along.append(along[-1] + g)
    tallest = max(counts)
    across_title = (tallest - 1) / 2 * step + size * 72 / 2 + 22

    def pos(a: float, c: float) -> str:
        a, c = a / 72, c / 72  # inches
        x, y = {"LR": (a, -c), "RL": (-a, -c), "TB": (c, -a), "BT": (c, a)}[rankdir]
        return f"{x:.3f},{y:.3f}!"

    def place(c: int, j: int) -> float:
        return (j - (counts[c] - 1) / 2) * step

    for c, (name, nodes) in enumerate(columns):
        dot.node(f"title_{c}", name, shape="plaintext", fontsize="12", fontcolor="#555555",
                 pos=pos(along[c], -across_title) if rankdir in ("LR", "RL")
                 else pos(along[c], -across_title - 22))
        for j, (node_id, text, fill) in enumerate(nodes):
            dot.node(node_id, text, shape="circle", style="filled", fillcolor=fill, color=_INK,
                     fontsize="11", width=f"{size:.2f}", fixedsize="true", pos=pos(along[c], place(c, j)))
    for k, layer in enumerate(layers):
        # node names as in the picture: inputs x1, x2, ...; neuron j of layer k is nk_j
        sources = ([f"x{i + 1}" for i in range(n_inputs)] if k == 0
                   else [f"n{k}_{i + 1}" for i in range(len(layers[k - 1]))])
        source_names = ([f"input x{i + 1}" for i in range(n_inputs)] if k == 0
                        else [f"neuron {i + 1} of layer {k}" for i in range(len(layers[k - 1]))])
        for j, neuron in enumerate(layer):
            for i, w in enumerate(neuron.w):
                x = pick(w)
                colour = _ZERO if x == 0.0 or x != x else (_POSITIVE if x > 0 else _NEGATIVE)
                # All zero (before backward(), or a dead layer): every line thin.
                ratio = 0.0 if largest == 0.0 else 1.0 if math.isinf(x) else min(abs(x) / largest, 1.0)
                tooltip = f"{noun} from {source_names[i]} to neuron {j + 1} of layer {k + 1}: {_fmt(x)}"
                dot.edge(sources[i], f"n{k + 1}_{j + 1}", color=colour, tooltip=tooltip,
                         penwidth=f"{0.6 + 3.4 * (ratio if x == x else 0.0):.2f}")
                if values:
                    t = label_at[k] / gaps[k]  # the fraction of the line back from its head
                    text = _compact(x)
                    dot.node(f"w{k + 1}_{j + 1}_{i + 1}", text, shape="box", style="filled",
                             fillcolor="white", color="white", penwidth="0", fontsize="9",
                             fontcolor=colour, tooltip=tooltip, fixedsize="true",
                             width=f"{(_text_width(text, 9) + 4) / 72:.3f}", height=f"{13 / 72:.3f}",
                             margin="0",
                             pos=pos(along[k + 1] - label_at[k],
                                     place(k + 1, j) + t * (place(k, i) - place(k + 1, j))))
    return dot
