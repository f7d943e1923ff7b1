"""tinygrad_ann: a scalar autograd engine and neuron-level networks, for learning how networks learn.

Example:
    >>> from tinygrad_ann import Value
    >>> x = Value(2.0, label='x')
    >>> y = x * x + 3 * x          # dy/dx = 2x + 3
    >>> y.backward()
    >>> x.grad
    7.0
"""

from .engine import OPS, Op, Value, custom_op, dot, is_grad_enabled, no_grad, sum_values
from .functional import GradcheckError, grad, gradcheck, value_and_grad
from .nn import MLP, Layer, Module, Neuron
from .serialization import load, save

__version__ = "0.1.0"

__all__ = [
    "Value",
    "no_grad",
    "is_grad_enabled",
    "grad",
    "value_and_grad",
    "gradcheck",
    "GradcheckError",
    "custom_op",
    "dot",
    "sum_values",
    "Op",
    "OPS",
    "Module",
    "Neuron",
    "Layer",
    "MLP",
    "save",
    "load",
    "__version__",
]
