"""tinygrad_ann: a scalar autograd engine and neuron-level networks, for learning how networks learn.

Example:
    >>> from tinygrad_ann import Value
    >>> x = Value(2.0, label='x')
    >>> y = x * x + 3 * x          # dy/dx = 2x + 3
    >>> y.backward()
    >>> x.grad
    7.0
"""

from .engine import OPS, Op, Value, custom_op, dot, enable_grad, is_grad_enabled, no_grad, sum_values
from .functional import GradcheckError, grad, gradcheck, value_and_grad
from .nn import MLP, Layer, Module, Neuron
from .serialization import load, save

__version__ = "0.1.0"

# The drawing functions live in tinygrad_ann.viz, which imports graphviz. They are
# reachable from here too, but imported only on first use, so that
# `import tinygrad_ann` needs nothing beyond the standard library.
_LAZY = {"draw_dot": "viz", "draw_network": "viz", "BackpropReplay": "viz"}


def __getattr__(name: str) -> object:
    """Import `draw_dot`, `draw_network` and `BackpropReplay` from `tinygrad_ann.viz` on first use.

    Example:
        >>> import tinygrad_ann
        >>> tinygrad_ann.draw_dot is tinygrad_ann.viz.draw_dot
        True
    """
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value  # later lookups skip this function
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = [
    "Value",
    "no_grad",
    "enable_grad",
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
    "draw_dot",
    "draw_network",
    "BackpropReplay",
    "__version__",
]
