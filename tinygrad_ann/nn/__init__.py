"""Networks built from engine Values: `Module`, and the layers made of neurons.

Each file holds one concept, and new layer families (convolution, recurrent,
attention) join as files of their own:

    module.py       Module: parameters(), named_parameters(), zero_grad(),
                    state_dict() / load_state_dict(), num_parameters()
    dense.py        Neuron, Layer, MLP: fully connected networks, micrograd's
    activations.py  ACTIVATIONS, and how a name or a function becomes a neuron's φ
    init.py         INITS ('uniform', 'xavier', 'he'): each weight's first value

Start reading at `dense.py`: a `Neuron` is φ(w·x + b), a `Layer` is neurons
that read the same inputs, an `MLP` is layers one after another.

Example:
    >>> model = MLP(2, [4, 1], rng=0)
    >>> out = model([1.0, -2.0])          # one Value: the last layer has 1 neuron
    >>> out.backward()
    >>> len(model.parameters())
    17
"""

from .activations import ACTIVATIONS
from .activations import Activation as Activation  # type aliases, for annotations
from .dense import MLP, Layer, Neuron
from .dense import Inputs as Inputs
from .init import INITS
from .module import Module

__all__ = ["Module", "Neuron", "Layer", "MLP", "ACTIVATIONS", "INITS"]
