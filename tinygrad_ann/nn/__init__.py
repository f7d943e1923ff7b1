"""Networks built from engine Values: `Module`, and the layers made of neurons.

Each file holds one concept, and new layer families (convolution, recurrent,
attention) join as files of their own:

    module.py       Module: parameters(), named_parameters(), zero_grad(),
                    state_dict() / load_state_dict(), num_parameters(), config();
                    Sequential: layers one after another
    dense.py        Neuron, Layer, MLP: fully connected networks, micrograd's;
                    Linear: a Layer without activation, in PyTorch's layout
    conv.py         Conv2d, Conv1d: a neuron sliding over an image (or a signal)
    pool.py         MaxPool2d, AvgPool2d: a window's largest or mean value
    recurrent.py    RNN, LSTM, GRU (and their cells): neurons that read a sequence
                    step by step, carrying a hidden state; LastStep
    shapes.py       how a sample is shaped (images x[channel][row][col]), Flatten
    embedding.py    Embedding: a learned vector per token id
    norm.py         LayerNorm, RMSNorm: one vector rescaled to a steady size
    attention.py    CausalSelfAttention (and its KVCache): tokens reading earlier tokens
    transformer.py  TransformerBlock, GPT: attention and MLPs with residuals
    autoencoder.py  Autoencoder: an encoder and a decoder; reconstructions, their errors
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
from .attention import CausalSelfAttention, KVCache
from .autoencoder import Autoencoder
from .dense import MLP, Layer, Linear, Neuron
from .dense import Inputs as Inputs
from .conv import Conv1d, Conv2d
from .embedding import Embedding
from .init import INITS
from .module import LAYER_TYPES, Module, Sequential
from .norm import LayerNorm, RMSNorm
from .pool import AvgPool2d, MaxPool2d
from .recurrent import GRU, LSTM, RNN, GRUCell, LastStep, LSTMCell, RNNCell
from .shapes import Flatten
from .transformer import GPT, TransformerBlock

__all__ = [
    "Module", "Sequential", "Neuron", "Layer", "MLP", "Conv1d", "Conv2d", "MaxPool2d", "AvgPool2d",
    "Flatten", "RNNCell", "LSTMCell", "GRUCell", "RNN", "LSTM", "GRU", "LastStep", "Linear", "Embedding",
    "LayerNorm", "RMSNorm", "CausalSelfAttention", "KVCache", "TransformerBlock", "GPT", "ACTIVATIONS", "INITS",
    "Autoencoder",
]

LAYER_TYPES.update({cls.__name__: cls for cls in (
    Neuron, Layer, MLP, Sequential, Conv1d, Conv2d, MaxPool2d, AvgPool2d, Flatten,
    RNNCell, LSTMCell, GRUCell, RNN, LSTM, GRU, LastStep, Linear, Embedding, LayerNorm, RMSNorm,
    CausalSelfAttention, TransformerBlock, GPT, Autoencoder)})
