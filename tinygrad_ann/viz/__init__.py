"""Pictures: the computation graph of a Value, backprop step by step, a network's neurons,
and one step of a convolution.

- `draw_dot(root)`: the graph of the micrograd lecture. One box per Value
  (`label | data 2.0000 | grad -3.0000`), one small node per operation feeding it,
  coloured by role (parameters, inputs and constants, intermediate results, the root).
- `BackpropReplay(root)`: backward() replayed one node at a time, as frames to step
  through in a notebook, save for slides, save as an animated GIF, or save as one
  web page with a player (`save_html`).
- `draw_network(model)`: an MLP, Layer or Neuron as columns of neurons, every
  connection coloured by its weight's sign, as thick as its magnitude.
- `draw_convolution(conv, x, at=(i, j))`: one step of a Conv2d: the window over
  the image, the kernel, the products w·x, the neuron Σ w·x + b and its
  activation, and the output map with the cell they make: weight sharing.
- `player_html(frames, captions)`, `save_player_html(path, frames, captions)`: any
  frames (SVGs, PNG images) as one self-contained HTML page with a slider, play and
  step buttons and the captions, for a course website where no notebook runs.

Every picture is a `Drawing`, a `graphviz.Digraph` that renders with the system
Graphviz `dot` when there is one and otherwise with `graphviz-pure` (a
self-contained `dot` installed from PyPI with this library), so `.pipe()`,
`.render()` and inline display in Jupyter work after `pip install` alone.

Where each part lives (each file uses only the ones above it):

    player.py       player_html, save_player_html: frames in one HTML page
                    (standard library only; it uses none of the others)
    render.py       Drawing, find_dot, DotNotFoundError: running a `dot` program,
                    and the font fallback written into SVGs
    style.py        colours (ROLE_COLORS), how numbers are written, captions and
                    legends, how wide text is in the fonts a viewer may have
    graph.py        draw_dot, its summary of a graph too large to draw, op_label,
                    and the Value boxes and op nodes the replay draws too
    replay.py       BackpropReplay, ReplayStep
    network.py      draw_network
    convolution.py  draw_convolution

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

from .convolution import draw_convolution
from .graph import MAX_NODES, draw_dot, op_label
from .network import draw_network
from .player import player_html, save_player_html
from .render import DotNotFoundError, Drawing, find_dot
from .replay import BackpropReplay, ReplayStep
from .style import ROLE_COLORS

__all__ = [
    "draw_dot",
    "draw_network",
    "draw_convolution",
    "BackpropReplay",
    "ReplayStep",
    "player_html",
    "save_player_html",
    "Drawing",
    "find_dot",
    "DotNotFoundError",
    "op_label",
    "ROLE_COLORS",
    "MAX_NODES",
]
