"""`Autoencoder`: an encoder that squeezes a sample into a few numbers, a decoder
that rebuilds the sample from them.

The encoder maps a sample x to a short **code** z; the decoder maps z back to
x̂, a **reconstruction** of x. Trained to make x̂ close to x, the pair must keep
in z what matters most about the samples it saw: z is a compressed summary,
and a sample unlike those (an anomaly) tends to come back worse. Its
reconstruction error is then a score of how unusual it is.

Both parts are any modules that read one sample, usually MLPs:

    encode(x)                   z = encoder(x), a list of numbers (Values)
    decode(z)                   x̂ = decoder(z)
    reconstruct(x), ae(x)       decode(encode(x))
    reconstruction_loss(x)      mean of (x̂_i - x_i)² over the sample's numbers, a Value to train on
    reconstruction_error(x)     the same as a float, under no_grad (a score)

Example:
    >>> from tinygrad_ann.nn import MLP
    >>> ae = Autoencoder(MLP(4, [2]), MLP(2, [4]))      # 4 numbers -> 2 -> 4
    >>> len(ae.encode([1.0, 0.0, 0.0, 1.0])), len(ae([1.0, 0.0, 0.0, 1.0]))
    (2, 4)
    >>> ae.reconstruction_error([1.0, 0.0, 0.0, 1.0]) >= 0
    True
"""

from __future__ import annotations

from numbers import Real
from typing import Any, Callable

from .._checks import got, wrong_type
from ..engine import Value, dot, no_grad
from .dense import MLP, Layer, Neuron
from .module import Module, Sequential, check_config_keys, layer_type
from .shapes import flat_numbers

__all__ = ["Autoencoder"]

_PARTS = ("encoder", "decoder")


def _sizes(part: Any) -> tuple[int | None, int | None]:
    """(how many numbers `part` reads, how many it gives), where its type says;
    None where it does not (a function, a Flatten, a convolution...)."""
    if isinstance(part, MLP):
        return part.nin, part.nouts[-1]
    if isinstance(part, Layer):  # (Linear too)
        return part.nin, part.nout
    if isinstance(part, Neuron):
        return part.nin, 1
    if isinstance(part, Sequential) and len(part):
        return _sizes(part[0])[0], _sizes(part[-1])[1]
    return None, None


def _named(part: Any) -> list[tuple[str, Value]]:
    if hasattr(part, "named_parameters"):
        return list(part.named_parameters())
    if hasattr(part, "parameters"):
        return [(str(i), p) for i, p in enumerate(part.parameters())]
    return []  # a plain function: nothing to learn


def _saveable(part: Any) -> bool:
    config = getattr(type(part), "config", None)
    return callable(config) and config is not Module.config


class Autoencoder(Module):
    """An encoder and a decoder: x → z = encoder(x) → x̂ = decoder(z).

    Args:
        encoder: a module (or any function) that reads one sample and returns
            its code, a list of numbers; e.g. `MLP(64, [16, 2])`, or
            `Sequential(Flatten(), MLP(64, [16, 2]))` for images.
        decoder: a module (or function) that reads a code and returns as many
            numbers as the sample has, e.g. `MLP(2, [16, 64])`.

    A reconstruction is compared with its input number by number, in reading
    order: a decoder's flat list of 64 rebuilds an 8 × 8 image x[0][row][col]
    row by row. Where both parts say their sizes (an MLP, a Layer, a
    Sequential ending in one) they are checked here: the decoder must read as
    many numbers as the encoder gives, and give as many as the encoder reads.
    Any other decoder is checked on every call (a ValueError naming both sizes).

    The parameters are the encoder's, then the decoder's, named 'encoder.…'
    and 'decoder.…'. An autoencoder of the library's layers can be saved and
    loaded (`tinygrad_ann.save`, `load`).

    Example:
        >>> from tinygrad_ann.nn import MLP
        >>> ae = Autoencoder(MLP(3, [2], rng=0), MLP(2, [3], rng=1))
        >>> ae
        Autoencoder(encoder=MLP(3 → 2 linear; 8 parameters), decoder=MLP(2 → 3 linear; 9 parameters); 17 parameters)
        >>> [name for name, _ in ae.named_parameters()][:2]
        ['encoder.layers.0.neurons.0.w.0', 'encoder.layers.0.neurons.0.w.1']
    """

    def __init__(self, encoder: Callable[[Any], Any], decoder: Callable[[Any], Any]) -> None:
        for name, part in zip(_PARTS, (encoder, decoder), strict=True):
            if not callable(part):
                wrong_type("Autoencoder", name, "a module or function that reads one sample (e.g. an MLP)", part)
        self.encoder = encoder
        self.decoder = decoder
        (enc_in, enc_out), (dec_in, dec_out) = _sizes(encoder), _sizes(decoder)
        if enc_out is not None and dec_in is not None and enc_out != dec_in:
            raise ValueError(
                f"Autoencoder: the encoder gives codes of {enc_out} numbers but the decoder reads {dec_in}; "
                f"they must be the same size"
            )
        if enc_in is not None and dec_out is not None and enc_in != dec_out:
            raise ValueError(
                f"Autoencoder: the decoder gives {dec_out} numbers but the encoder reads {enc_in}; "
                f"a reconstruction must have as many numbers as its input"
            )

    # -- the forward pass ------------------------------------------------------

    def encode(self, x: Any) -> list[Any]:
        """The code z of one sample: the encoder's output, always a list (a
        one-number code is a list of one).

        Example:
            >>> from tinygrad_ann.nn import Linear
            >>> ae = Autoencoder(Linear(2, 1, bias=False, rng=0), Linear(1, 2, rng=0))
            >>> ae.encoder.weight[0][0].data, ae.encoder.weight[0][1].data = 1.0, 2.0
            >>> [v.data for v in ae.encode([3.0, 4.0])]           # 1·3 + 2·4
            [11.0]
        """
        z = self.encoder(x)
        return [z] if isinstance(z, (Value, Real)) else z

    def decode(self, z: Any) -> Any:
        """The decoder's output for a code z: a reconstruction. Any z will do,
        not only an encoder's: decoding points of the code space shows what the
        decoder has learned to draw.

        Example:
            >>> from tinygrad_ann.nn import MLP
            >>> ae = Autoencoder(MLP(4, [2], rng=0), MLP(2, [4], rng=0))
            >>> len(ae.decode([0.5, -1.0]))
            4
        """
        return self.decoder(z)

    def __call__(self, x: Any) -> Any:
        """x̂ = decode(encode(x)): the reconstruction of one sample (`reconstruct`).

        Example:
            >>> from tinygrad_ann.nn import MLP
            >>> ae = Autoencoder(MLP(2, [1], rng=0), lambda z: [z[0], z[0], z[0]])
            >>> ae([1.0, 2.0])
            Traceback (most recent call last):
            ValueError: Autoencoder: the decoder gave 3 numbers for an input of 2; a reconstruction must have as many numbers as its input
        """
        return self._reconstruction(x)[0]

    def _reconstruction(self, x: Any) -> tuple[Any, list[Any], list[Any]]:
        """(x̂ as the decoder gives it, x̂'s numbers, x's numbers), their counts checked."""
        out = self.decode(self.encode(x))
        xs, outs = flat_numbers(x), flat_numbers(out)
        if not xs:
            raise ValueError(f"Autoencoder: x must be a sample of at least one number, got {got(x)}")
        if len(xs) != len(outs):
            n_in, n_out = len(xs), len(outs)
            raise ValueError(
                f"Autoencoder: the decoder gave {n_out} number{'s' * (n_out != 1)} for an input of {n_in}; "
                f"a reconstruction must have as many numbers as its input"
            )
        return out, outs, xs

    def reconstruct(self, x: Any) -> Any:
        """The reconstruction x̂ of one sample: the same as calling the autoencoder.

        Example:
            >>> from tinygrad_ann.nn import MLP
            >>> ae = Autoencoder(MLP(3, [2], rng=0), MLP(2, [3], rng=0))
            >>> [v.data for v in ae.reconstruct([1.0, 0.0, 1.0])] == [v.data for v in ae([1.0, 0.0, 1.0])]
            True
        """
        return self(x)

    def reconstruction_loss(self, x: Any) -> Value:
        """How far the reconstruction is from x: (1/n) Σ (x̂_i − x_i)² over the
        sample's n numbers, as a Value to call `backward()` on (for training).

        Example:
            >>> ae = Autoencoder(lambda x: x, lambda z: [2 * zi for zi in z])   # x̂ = 2x
            >>> ae.reconstruction_loss([1.0, 3.0]).data                       # (1² + 3²) / 2
            5.0
        """
        _, outs, xs = self._reconstruction(x)
        errors = [p - t for p, t in zip(outs, xs, strict=True)]
        return dot(errors, errors) / len(errors)  # Σ (x̂_i - x_i)², one node, over n

    def reconstruction_error(self, x: Any) -> float:
        """The reconstruction's mean squared error for one sample, a float,
        computed under `no_grad()` (no graph): a score for anomaly detection,
        large for a sample unlike those the autoencoder was trained on.

        Example:
            >>> from tinygrad_ann.nn import Flatten
            >>> ae = Autoencoder(Flatten(), lambda z: [0.0 for _ in z])         # x̂ = 0
            >>> ae.reconstruction_error([[[1.0, 0.0], [0.0, 1.0]]])            # an image: (1 + 0 + 0 + 1) / 4
            0.5
        """
        with no_grad():
            return self.reconstruction_loss(x).data

    # -- parameters and saving ---------------------------------------------------

    def named_parameters(self) -> list[tuple[str, Value]]:
        """('encoder.…', ...) then ('decoder.…', ...): each part's own names.

        Example:
            >>> from tinygrad_ann.nn import Neuron
            >>> [n for n, _ in Autoencoder(Neuron(1, rng=0), Neuron(1, rng=0)).named_parameters()]
            ['encoder.w.0', 'encoder.b', 'decoder.w.0', 'decoder.b']
        """
        return [(f"{name}.{inner}", p) for name in _PARTS for inner, p in _named(getattr(self, name))]

    def parameters(self) -> list[Value]:
        """The encoder's parameters, then the decoder's.

        Example:
            >>> from tinygrad_ann.nn import MLP
            >>> ae = Autoencoder(MLP(3, [2], rng=0), MLP(2, [3], rng=0))
            >>> ae.parameters() == ae.encoder.parameters() + ae.decoder.parameters()
            True
        """
        return [p for part in (self.encoder, self.decoder)
                for p in (part.parameters() if hasattr(part, "parameters") else [])]

    def __repr__(self) -> str:
        return f"Autoencoder(encoder={self.encoder!r}, decoder={self.decoder!r}; {self.num_parameters()} parameters)"

    def config(self) -> dict[str, Any]:
        """{'type': 'Autoencoder', 'encoder': its config(), 'decoder': its config()}
        (for `save`); a part that cannot be saved (a function) is a ValueError.

        Example:
            >>> from tinygrad_ann.nn import MLP
            >>> config = Autoencoder(MLP(4, [2], rng=0), MLP(2, [4], rng=0)).config()
            >>> config['type'], config['encoder']
            ('Autoencoder', {'type': 'MLP', 'nin': 4, 'nouts': [2], 'activation': 'relu', 'output_activation': 'linear'})
        """
        config: dict[str, Any] = {"type": "Autoencoder"}
        for name in _PARTS:
            part = getattr(self, name)
            if not _saveable(part):
                raise ValueError(f"config: the {name} of the Autoencoder ({part!r}) cannot be saved; "
                                 f"build it from the library's layers (an MLP, a Sequential, ...)")
            config[name] = part.config()
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Autoencoder:
        """A new Autoencoder of the parts config['encoder'] and config['decoder'] describe.

        Example:
            >>> Autoencoder.from_config({'type': 'Autoencoder',
            ...     'encoder': {'type': 'Linear', 'in_features': 4, 'out_features': 2, 'bias': True},
            ...     'decoder': {'type': 'Linear', 'in_features': 2, 'out_features': 4, 'bias': True}}).num_parameters()
            22
        """
        check_config_keys(config, {"type", *_PARTS})
        parts: list[Any] = [layer_type(c).from_config(c) for c in _part_configs(config)]
        return cls(*parts)

    @classmethod
    def parameter_count(cls, config: dict[str, Any]) -> int:
        """The encoder's count plus the decoder's.

        Example:
            >>> Autoencoder.parameter_count({'type': 'Autoencoder',
            ...     'encoder': {'type': 'Neuron', 'nin': 3}, 'decoder': {'type': 'Layer', 'nin': 1, 'nout': 3}})
            10
        """
        return sum(layer_type(c).parameter_count(c) for c in _part_configs(config))


def _part_configs(config: dict[str, Any]) -> list[dict[str, Any]]:
    parts = [config.get(name) for name in _PARTS]
    for name, part in zip(_PARTS, parts, strict=True):
        if not isinstance(part, dict):
            raise ValueError(f"{name} must be a layer config (a dict with its 'type'), got {got(part)}")
    return parts  # type: ignore[return-value]
