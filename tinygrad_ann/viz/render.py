"""Rendering: find a `dot` program, and `Drawing`, a `graphviz.Digraph` that runs it.

A drawing is laid out and rendered by a Graphviz `dot` program: the system one
when it is on PATH, and otherwise `graphviz-pure`, a self-contained `dot`
installed from PyPI with this library. So `.pipe()`, `.render()` and inline
display in Jupyter work after `pip install` alone.

Text is set in DejaVu Sans unless the code that draws names a font (Graphviz's
own default is Times, which a viewer without Times draws in a wider font, so
text would run over the lines of the boxes sized for Times); see `Drawing`.

Example:
    >>> d = Drawing()
    >>> d.edge('a', 'b')
    >>> d.pipe(format='svg')[:5]
    b'<?xml'
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any, Sequence, overload

import graphviz

from .._checks import wrong_type

__all__ = [
    "Drawing", "find_dot", "DotNotFoundError", "check_format", "RASTER_FORMATS", "DEFAULT_FONT",
]

#: Formats made of pixels, whose size `dpi` sets (an SVG is drawn at its size in points).
RASTER_FORMATS = frozenset({"png", "gif", "jpg", "jpeg", "bmp", "tif", "tiff", "webp"})

_INSTALL_HINT = (
    "Drawing needs a Graphviz `dot` program, and none was found. Install one of:\n"
    "  pip install graphviz-pure      (a self-contained dot from PyPI, no system packages)\n"
    "  apt install graphviz           (or: brew install graphviz, conda install graphviz)\n"
)

# Harmless notes graphviz-pure prints when it estimates the width of characters
# such as Σ or − that its metrics table lacks; not worth showing to a student.
# It also measures the faces Helvetica-Bold and Helvetica-Oblique, which it has
# no table for, as Times; the cells are made wide enough for that (see
# style.cell_width).
_NOISE = ("no value for width of non-ASCII character", "no hard-coded metrics for 'Helvetica-")

#: The font of text in a Drawing whose code names none, such as the lecture's
#: own draw_dot. Graphviz's default is Times; a viewer without Times draws it in
#: its own serif font, on Linux DejaVu Serif, up to 27% wider (digits 0.636 em
#: against 0.5), so text ran over the lines of boxes sized for Times. `dot` knows
#: DejaVu Sans's letter widths (graphviz-pure has them built in, the system
#: Graphviz reads the font), and a viewer without it draws the text in its own
#: sans-serif font (Arial, Helvetica, Liberation Sans, ...), which is narrower:
#: the text fits wherever the SVG is shown. (graphviz-pure's PNGs draw it in a
#: font of Times' widths, narrower too.)
DEFAULT_FONT = "DejaVu Sans"

# In SVG, a font is followed by fonts of the same letter widths, or narrower,
# so that text fits where it was measured on every system: Helvetica by Arial
# (Windows), Liberation Sans and Arimo (Linux); DejaVu Sans by Bitstream Vera
# Sans (its parent, the same widths) and then any sans-serif font.
_SVG_FONTS = (
    (b'font-family="Helvetica,sans-Serif"',
     b'font-family="Helvetica,Arial,&apos;Liberation Sans&apos;,Arimo,sans-serif"'),
    (b'font-family="DejaVu Sans"',
     b'font-family="&apos;DejaVu Sans&apos;,&apos;Bitstream Vera Sans&apos;,sans-serif"'),
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


def check_format(owner: str, format: object) -> str:
    """`format` in lower case, if it names an output format Graphviz knows
    ('svg', 'png', ...); else a TypeError or ValueError that names `owner`.

    Example:
        >>> check_format('draw_dot', 'PNG')
        'png'
        >>> check_format('draw_dot', 'gif2')
        Traceback (most recent call last):
        ValueError: draw_dot: unknown format 'gif2': use 'svg' or 'png' (or another Graphviz format)
    """
    if not isinstance(format, str):
        wrong_type(owner, "format", "a format name such as 'svg' or 'png'", format)
    if format.lower() not in graphviz.FORMATS:
        raise ValueError(
            f"{owner}: unknown format {format!r}: use 'svg' or 'png' (or another Graphviz format)"
        )
    return format.lower()


def _with_font_fallbacks(svg: bytes) -> bytes:
    """`svg` with fonts no wider than Helvetica and DejaVu Sans named after them (see _SVG_FONTS)."""
    for font, fonts in _SVG_FONTS:
        svg = svg.replace(font, fonts)
    return svg


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

    Text is set in `DEFAULT_FONT` (DejaVu Sans), not in Graphviz's Times,
    unless the code names a font, so the lecture's own `draw_dot`, written for
    `graphviz.Digraph`, draws no text over its box lines where the viewer lacks
    Times. A `fontname` given in `graph_attr`, `node_attr` or `edge_attr`, by
    `.attr(...)` or on a node or edge is used as given.

        >>> Drawing(graph_attr={'rankdir': 'LR'}).graph_attr
        {'rankdir': 'LR', 'fontname': 'DejaVu Sans'}
        >>> Drawing(node_attr={'fontname': 'Times'}).node_attr['fontname']
        'Times'
    """

    timeout: float | None = 120.0
    """Seconds a layout may take before it is stopped with an error (None: no limit)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for attrs in (self.graph_attr, self.node_attr, self.edge_attr):
            attrs.setdefault("fontname", DEFAULT_FONT)  # a font the caller chose stays

    def __repr__(self) -> str:
        # Jupyter stores this beside the picture as its plain-text form: keep it
        # free of memory addresses, so a notebook's outputs are the same every run.
        return f"<{type(self).__name__}: show it in Jupyter, or .render('name', format='svg')>"

    def _run(
        self,
        owner: str,
        format: str | None,
        renderer: str | None,
        formatter: str | None,
        neato_no_op: bool | int | None,
        quiet: bool,
        engine: str | None,
        extra: Sequence[str],
        stdin: bytes | None,
    ) -> bytes:
        """Run the dot program with -K/-T flags and `extra` arguments; its stdout.

        `owner` is the public name called ('Drawing.pipe'), for error messages.
        """
        fmt = check_format(owner, format or self.format)
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
                    f"{owner}: graphviz-pure cannot write {fmt!r} yet: use 'svg' or 'png' (or "
                    f"install the system Graphviz, e.g. apt install graphviz, which can)"
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
            "Drawing.pipe", format, renderer, formatter, neato_no_op, quiet, engine, (),
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
                        f"Drawing.render: cannot tell the format of {os.fspath(outfile)!r}; "
                        f"give format='png' or a file name ending in .svg, .png, ..."
                    )
            if directory is None:
                outfile = Path(self.directory, outfile)
            if filename is None:
                filename = outfile.with_suffix(".gv")
        fmt = check_format("Drawing.render", format or self.format)
        source_path = self.save(filename, directory=directory)
        target = outfile if outfile is not None else Path(f"{source_path}.{fmt}")
        try:
            if raise_if_result_exists and target.exists():
                raise graphviz.FileExistsError(f"output file exists: {os.fspath(target)!r}")
            if not overwrite_source and Path(source_path).resolve() == target.resolve():
                raise ValueError(
                    f"Drawing.render: outfile {os.fspath(target)!r} is the DOT source file; "
                    f"choose another name (or overwrite_source=True)"
                )
            self._run(
                "Drawing.render", fmt, renderer, formatter, neato_no_op, quiet, engine,
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
