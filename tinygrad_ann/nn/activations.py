"""Activations a neuron can use: `ACTIVATIONS`, and how a name or a function becomes one.

A neuron computes φ(w·x + b); φ is given by name ('relu', 'tanh', ...) or as
any function Value -> Value. The named ones are the engine's own `Value`
methods, so their derivatives are the engine's too.

Example:
    >>> from tinygrad_ann.engine import Value
    >>> name, phi = resolve_activation('Neuron', 'tanh')
    >>> name, phi(Value(0.0)).data
    ('tanh', 0.0)
"""

from __future__ import annotations

from typing import Any, Callable, Union

from .._checks import wrong_type
from ..engine import Value

__all__ = [
    "ACTIVATIONS", "Activation", "identity", "resolve_activation", "saveable_activation", "named_activation",
]

#: An activation as a neuron's argument: a name from ACTIVATIONS or a function Value -> Value.
Activation = Union[str, Callable[[Value], Value]]


def identity(v: Value) -> Value:
    """The 'linear' activation: φ(x) = x, so a linear neuron is just w·x + b.

    Example:
        >>> v = Value(3.0)
        >>> identity(v) is v
        True
    """
    return v


#: Activation names a neuron accepts, and the Value method (or function) each uses.
ACTIVATIONS: dict[str, Callable[[Value], Value]] = {
    "relu": Value.relu,
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
    "leaky_relu": Value.leaky_relu,
    "softplus": Value.softplus,
    "gelu": Value.gelu,
    "step": Value.step,
    "linear": identity,
}


def resolve_activation(
    owner: str, activation: Activation | None, nonlin: bool = True, argument: str = "activation"
) -> tuple[str, Callable[[Value], Value]]:
    """(name, function) for an activation given by name or as a function.

    None means micrograd's flag `nonlin`: 'relu' if True, 'linear' if False.
    Errors start with `owner` (the class called) and name `argument` (which of
    its arguments): an unknown name is a ValueError, anything that is neither a
    name nor a function a TypeError. A function of one's own is named after
    itself, as 'custom <name>' if that is a built-in's name, so that it is
    never shown, or saved, as the built-in.

    Example:
        >>> resolve_activation('Neuron', None, nonlin=False)[0]
        'linear'
        >>> resolve_activation('Neuron', Value.tanh)[0]      # the built-in, passed as a function
        'tanh'
        >>> resolve_activation('MLP', 'swish')                # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ValueError: MLP: unknown activation 'swish'; choose one of 'relu', 'tanh', ...
    """
    if activation is None:
        activation = "relu" if nonlin else "linear"
    if isinstance(activation, str):
        fn = ACTIVATIONS.get(activation)
        if fn is None:
            raise ValueError(
                f"{owner}: unknown {argument} {activation!r}; choose one of "
                f"{', '.join(repr(a) for a in ACTIVATIONS)} or pass a function Value -> Value"
            )
        return activation, fn
    if callable(activation):
        for name, fn in ACTIVATIONS.items():
            if activation is fn:  # e.g. Value.tanh passed as a function: the named one
                return name, fn
        name = getattr(activation, "__name__", type(activation).__name__)
        if name in ACTIVATIONS:
            # A function of one's own that happens to be called 'relu' must not be
            # shown, or saved and loaded, as the built-in relu.
            name = f"custom {name}"
        return name, activation
    wrong_type(owner, argument, "a name or a function Value -> Value", activation)


def saveable_activation(activation: str) -> str:
    """An activation name that `save` can write; a ValueError for a custom function.

    Example:
        >>> saveable_activation('tanh')
        'tanh'
        >>> saveable_activation('custom relu')              # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ValueError: config: activation 'custom relu' is a custom function; only named ...
    """
    if activation not in ACTIVATIONS:
        raise ValueError(
            f"config: activation {activation!r} is a custom function; only named "
            f"activations ({', '.join(ACTIVATIONS)}) can be saved"
        )
    return activation


def named_activation(name: Any) -> str:
    """`name`, if it names one of ACTIVATIONS; else a ValueError (a saved file holds
    names only, never functions).

    Example:
        >>> named_activation('tanh')
        'tanh'
        >>> named_activation('swish')
        Traceback (most recent call last):
        ValueError: unknown activation 'swish'
    """
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}")
    return str(name)
