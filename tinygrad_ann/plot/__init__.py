"""Pictures of what a network does: decision regions, training curves, activations,
images and what a convolution makes of them.

The questions a learner asks, one file each:

    boundary.py     `plot_decision_boundary(model, X, y)`: where does a 2-D
                    classifier say which class? It colours the plane by the
                    model's prediction and draws the data on top.
                    `decision_grid(...)` is the same computation without the
                    drawing: the grid of predictions, to inspect or test.
    history.py      `plot_history(history)`: did training work? Loss (and
                    accuracy) per epoch.
    activations.py  `plot_activation(name)`: what does an activation look like,
                    and what is its derivative? Both curves are computed by the
                    engine itself: the forward pass gives the curve, `backward()`
                    at each point gives the derivative. `plot_activations(names)`
                    draws several side by side.
    images.py       `plot_images(X, y, predictions)`: images in a grid, labelled,
                    wrong predictions in red. `plot_kernels(conv)`: a Conv2d's
                    kernels as heat maps centred on 0. `plot_feature_maps(conv,
                    x)`: what each kernel makes of one image (its output maps).
    recurrent.py    `plot_gradient_flow(layers, xs)`: how large a gradient
                    reaches each time step of an RNN, LSTM or GRU (the
                    vanishing gradient, on a log scale). `plot_gates(lstm, xs)`:
                    an LSTM's or GRU's gates over a sequence as heat maps.
                    `gradient_norms` and `gate_activations` are the numbers
                    they draw.
    animation.py    `Recorder` (a callback for fit: snapshots every k epochs) and
                    `animate(recorder, X, y)`: the decision boundary and the loss
                    growing, or a GAN's points moving towards the data, as an
                    `Animation` (inline in Jupyter, `.save('x.gif')`,
                    `.save_html('x.html')`). `plot_samples(real, generated)`.
    attention.py    `plot_attention(gpt, tokens)`: each head's attention weights
                    as a heat map (who reads whom). `plot_embeddings(gpt)`: the
                    token embeddings projected to 2-D.
    autoencoder.py  `plot_latent(autoencoder, X, y)`: where each sample lands
                    in a 2-D code space, by class. `plot_reconstructions(
                    autoencoder, X)`: images above, their reconstructions below.
    common.py       what they share: the palette, marker shapes, reading numbers.

Pictures of new network types join as files of their own.

Every function draws on the Axes you pass (`ax=...`) or on a new figure, and
returns what it drew on so you can style it further (`ax.set_title(...)`,
`ax.figure.savefig(...)`); the pictures of images draw a grid of panels, in the
Figure you pass (`fig=...`) or a new one, and return the Figure. The colours are the Okabe-Ito palette, which reads
the same to colour-blind viewers; classes also differ by marker shape.

This package is the only part of the library that imports matplotlib and numpy
(`import tinygrad_ann` does not), so the engine works without them.

Example:
    >>> from tinygrad_ann import Value
    >>> X, y = [[0.0, 1.0], [1.0, 0.0]], [0, 1]
    >>> model = lambda x: Value(x[0]) - Value(x[1])    # class 1 where x1 > x2
    >>> ax = plot_decision_boundary(model, X, y, resolution=20)
    >>> ax.get_title()
    'accuracy 100% on 2 points'
    >>> ax.figure.savefig('boundary.png')               # doctest: +SKIP
"""

try:
    import matplotlib.pyplot  # noqa: F401  (imported first, to say what is missing)
    import numpy  # noqa: F401
except ImportError as e:  # pragma: no cover - matplotlib is a declared dependency
    raise ImportError(
        "tinygrad_ann.plot needs matplotlib: pip install matplotlib "
        "(the rest of tinygrad_ann works without it)"
    ) from e

from .activations import activation_names, plot_activation, plot_activations
from .animation import Animation, Recorder, Snapshot, animate, animate_frames, plot_samples
from .attention import ATTENTION_CMAP, plot_attention, plot_embeddings
from .autoencoder import plot_latent, plot_reconstructions
from .boundary import DEFAULT_RESOLUTION, DecisionGrid, decision_grid, plot_decision_boundary
from .common import PALETTE
from .common import Label as Label  # type aliases, for annotations
from .common import Model as Model
from .history import plot_history
from .recurrent import GATE_CMAP, GATE_NAMES, gate_activations, gradient_norms, plot_gates, plot_gradient_flow
from .images import KERNEL_CMAP, WRONG_COLOR, plot_feature_maps, plot_images, plot_kernels

__all__ = [
    "plot_decision_boundary",
    "decision_grid",
    "DecisionGrid",
    "plot_history",
    "plot_activation",
    "plot_activations",
    "activation_names",
    "plot_images",
    "plot_kernels",
    "plot_feature_maps",
    "plot_gradient_flow",
    "gradient_norms",
    "plot_gates",
    "gate_activations",
    "Recorder",
    "Snapshot",
    "Animation",
    "animate",
    "animate_frames",
    "plot_samples",
    "plot_attention",
    "plot_embeddings",
    "plot_latent",
    "plot_reconstructions",
    "ATTENTION_CMAP",
    "GATE_NAMES",
    "GATE_CMAP",
    "KERNEL_CMAP",
    "WRONG_COLOR",
    "PALETTE",
    "DEFAULT_RESOLUTION",
]
