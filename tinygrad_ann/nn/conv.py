"""Convolutions, neuron by neuron: `Conv2d` (images) and `Conv1d` (signals).

A convolution is a neuron that slides over its input. At each position it
reads a small window (kernel_size) of every input channel and computes
φ(w·window + b), the same weights at every position: that is weight sharing.
Each output channel has a neuron of its own, so the output is again an image
(or signal), out[channel][row][col]. Every output is one node of the graph (a
fused weighted sum, `Σ w·x + b`), so it can be drawn, inspected and
backpropagated through like any neuron.

Parameters are in PyTorch's layout and order: `weight[out][in][kh][kw]`
(`weight[out][in][k]` for Conv1d), then `bias[out]`.

Example:
    >>> conv = Conv2d(1, 2, kernel_size=3, rng=0)
    >>> image = [[[0.0] * 5 for _ in range(5)]]          # 1 channel, 5 × 5
    >>> out = conv(image)
    >>> len(out), len(out[0]), len(out[0][0])           # 2 channels, 3 × 3
    (2, 3, 3)
    >>> out[0][0][0]._op, conv.num_parameters()          # one neuron: Σ w·x + b
    ('dot', 20)
"""

from __future__ import annotations

from operator import itemgetter, mul
from typing import Any, Callable

from .._checks import got, one_of, random_source, whole_number
from .._types import RNG
from ..engine import Value, dot_node
from .activations import Activation, named_activation, resolve_activation, saveable_activation
from .init import INITS, initial_weight
from .module import Module, Sequential, check_config_keys, config_size
from .shapes import as_grid, pair, shape_text

__all__ = ["Conv2d", "Conv1d", "convolve", "checked_conv"]


def convolve(
    owner: str,
    image: list[list[list[Value]]],
    neurons: list[tuple[list[Value], Value]],
    kernel: tuple[int, int],
    stride: tuple[int, int],
    padding: tuple[int, int],
    phi: Callable[[Value], Value],
) -> list[list[list[Value]]]:
    """Slide each neuron (its weights in reading order c, u, v, and its bias) over
    a checked `image`: out[o][i][j] = φ(b_o + Σ w·window(i, j)), one fused node each.

    Example:
        >>> from tinygrad_ann.nn.activations import identity
        >>> ws = [Value(1.0), Value(1.0)]                   # a 1 × 2 kernel that adds
        >>> out = convolve('demo', [[[Value(1.0), Value(2.0), Value(4.0)]]], [(ws, Value(0.0))],
        ...                (1, 2), (1, 1), (0, 0), identity)
        >>> [v.data for v in out[0][0]]
        [3.0, 6.0]
    """
    (kh, kw), (sh, _), (ph, pw) = kernel, stride, padding
    channels, height, width = len(image), len(image[0]), len(image[0][0])
    if height + 2 * ph < kh or width + 2 * pw < kw:
        padded = f", {height + 2 * ph} × {width + 2 * pw} with its padding" if ph or pw else ""
        raise ValueError(
            f"{owner}: the input ({shape_text(image)}{padded}) is smaller than the kernel ({kh} × {kw})"
        )
    out_h = (height + 2 * ph - kh) // sh + 1
    out: list[list[list[Value]]] = [[[] for _ in range(out_h)] for _ in neurons]
    # Fast path: the numbers are gathered once per call, not once per product: the
    # image's pixels as one flat list, each neuron's weights as floats. Each output's
    # number is then sum(map(mul, ...)) in C: the same products, added in the same
    # order from the bias, as weighted_sum(ws, xs, b) would; dot_node makes its node.
    pixels = [v for channel in image for row in channel for v in row]
    floats = [([w.data for w in ws], b.data) for ws, b in neurons]
    for i, gather, kept in _windows(channels, height, width, kernel, stride, padding):  # row by row
        xs = gather(pixels)
        xd = [x.data for x in xs]
        for o, ((ws, b), (wd, bd)) in enumerate(zip(neurons, floats, strict=True)):
            if kept is not None:  # a window over the padding: only the weights it meets
                ws, wd = [ws[k] for k in kept], [wd[k] for k in kept]
            out[o][i].append(phi(dot_node(sum(map(mul, wd, xd), bd), ws, xs, b)))
    return out


_Window = tuple[int, Callable[[list[Value]], "list[Value] | tuple[Value, ...]"], "list[int] | None"]
_WINDOWS: dict[tuple[int, ...], list[_Window]] = {}


def _windows(
    channels: int, height: int, width: int, kernel: tuple[int, int], stride: tuple[int, int],
    padding: tuple[int, int],
) -> list[_Window]:
    """Every output position, row by row (its row i), with what gathers its window
    from the image's pixels in one flat list (channel by channel, row by row), in
    reading order (c, u, v), and, for a window over the padding, which of the
    kernel's weights those places meet (None: all of them; the padding's zeros
    would add nothing, so they are left out).

    Fast path: the windows depend on the sizes alone, so they are worked out once
    for each size of input and kept (a few hundred sizes at most are kept); each
    gathers with an itemgetter, in C.
    """
    key = (channels, height, width, *kernel, *stride, *padding)
    found = _WINDOWS.get(key)
    if found is not None:
        return found
    (kh, kw), (sh, sw), (ph, pw) = kernel, stride, padding
    out_h, out_w = (height + 2 * ph - kh) // sh + 1, (width + 2 * pw - kw) // sw + 1
    windows: list[_Window] = []
    for i in range(out_h):
        for j in range(out_w):
            top, left = i * sh - ph, j * sw - pw
            places = [((c * height + top + u) * width + left + v, (c * kh + u) * kw + v)
                      for c in range(channels) for u in range(kh) for v in range(kw)
                      if 0 <= top + u < height and 0 <= left + v < width]
            kept = None if len(places) == channels * kh * kw else [k for _, k in places]
            at = [p for p, _ in places]
            # (itemgetter of one index gives the item itself, not a tuple of one; a
            # window wholly over the padding gathers nothing: its output is the bias)
            gather = itemgetter(*at) if len(at) > 1 else (lambda pixels, at=at: [pixels[k] for k in at])
            windows.append((i, gather, kept))
    if len(_WINDOWS) < 256:
        _WINDOWS[key] = windows
    return windows


class Conv2d(Module):
    """A 2-D convolution: `out_channels` neurons, each sliding over the image.

    Args:
        in_channels, out_channels: channels read, and channels made.
        kernel_size: the window, k or (kh, kw).
        stride: how far the window moves each step, s or (sh, sw).
        padding: zeros around the image, p or (ph, pw).
        activation: φ, as for a Neuron: 'linear' (the default, as PyTorch's
            Conv2d), 'relu', 'tanh', ...
        init: 'he' (the default, for relu networks), 'xavier' or 'uniform', with
            fan_in = in_channels·kh·kw. Biases start at 0.
        rng: an int seed, a random.Random, or None for Python's global random.

    An output is out[o][i][j] = φ(b[o] + Σ_c Σ_u Σ_v w[o][c][u][v] ·
    x[c][i·sh + u - ph][j·sw + v - pw]).

    Example:
        >>> conv = Conv2d(1, 1, kernel_size=2, rng=0)
        >>> conv.weight[0][0] = [[Value(1.0), Value(0.0)], [Value(0.0), Value(-1.0)]]
        >>> out = conv([[[1.0, 2.0], [3.0, 5.0]]])
        >>> out[0][0][0].data                             # 1·1 + 0·2 + 0·3 - 1·5 + 0
        -4.0
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | tuple[int, int],
        stride: int | tuple[int, int] = 1,
        padding: int | tuple[int, int] = 0,
        activation: Activation = "linear",
        init: str = "he",
        rng: RNG = None,
    ) -> None:
        owner = type(self).__name__
        self.in_channels = whole_number(owner, "in_channels", in_channels, minimum=1)
        self.out_channels = whole_number(owner, "out_channels", out_channels, minimum=1)
        self.kernel_size = pair(owner, "kernel_size", kernel_size)
        self.stride = pair(owner, "stride", stride)
        self.padding = pair(owner, "padding", padding, minimum=0)
        self.activation, self._phi = resolve_activation(owner, activation)
        self.init = one_of(owner, "init", init, INITS)
        r = random_source(owner, rng)
        kh, kw = self.kernel_size
        fan_in, fan_out = self.in_channels * kh * kw, self.out_channels * kh * kw
        # (list[Any]: nested four deep here, three deep in a Conv1d)
        self.weight: list[Any] = [[[[Value(initial_weight(r, init, fan_in, fan_out)) for _ in range(kw)]
                         for _ in range(kh)] for _ in range(self.in_channels)]
                       for _ in range(self.out_channels)]
        self.bias = [Value(0.0) for _ in range(self.out_channels)]

    def __call__(self, x: Any) -> list[list[list[Value]]]:
        """The output image out[channel][row][col] for one input image x[channel][row][col].

        Example:
            >>> out = Conv2d(3, 4, kernel_size=3, stride=2, padding=1, rng=0)([[[0.5] * 6] * 6] * 3)
            >>> shape_text(out)
            '4 × 3 × 3'
        """
        image = as_grid(type(self).__name__, x, self.in_channels, ndim=2)
        return convolve(type(self).__name__, image, self._neurons(), self.kernel_size, self.stride,
                        self.padding, self._phi)

    def _neurons(self) -> list[tuple[list[Value], Value]]:
        """Each output channel's neuron: its weights in reading order (c, u, v), its bias."""
        return [([w for channel in self.weight[o] for row in channel for w in row], self.bias[o])
                for o in range(self.out_channels)]

    def named_parameters(self) -> list[tuple[str, Value]]:
        """'weight.o.c.u.v' for every weight, then 'bias.o': PyTorch's order.

        Example:
            >>> [n for n, _ in Conv2d(1, 1, kernel_size=1, rng=0).named_parameters()]
            ['weight.0.0.0.0', 'bias.0']
        """
        named = [(f"weight.{o}.{c}.{u}.{v}", w)
                 for o, out in enumerate(self.weight) for c, channel in enumerate(out)
                 for u, row in enumerate(channel) for v, w in enumerate(row)]
        return named + [(f"bias.{o}", b) for o, b in enumerate(self.bias)]

    def parameters(self) -> list[Value]:
        """Every weight (out, in, row, column), then every bias.

        Example:
            >>> len(Conv2d(3, 8, kernel_size=3, rng=0).parameters())     # 8·3·3·3 + 8
            224
        """
        return [p for _, p in self.named_parameters()]

    def __repr__(self) -> str:
        return (
            f"Conv2d({self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}, padding={self.padding}, activation={self.activation!r}; "
            f"{self.num_parameters()} parameters)"
        )

    def config(self) -> dict[str, Any]:
        """The constructor arguments that rebuild this architecture (for `save`).

        Example:
            >>> Conv2d(1, 4, kernel_size=3, rng=0).config()['kernel_size']
            [3, 3]
        """
        return {
            "type": type(self).__name__,
            "in_channels": self.in_channels,
            "out_channels": self.out_channels,
            "kernel_size": list(self.kernel_size),
            "stride": list(self.stride),
            "padding": list(self.padding),
            "activation": saveable_activation(self.activation),
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Conv2d:
        """A new layer of the architecture `config()` described (weights from rng=0).

        Example:
            >>> Conv2d.from_config(Conv2d(2, 3, kernel_size=(3, 1), rng=5).config()).kernel_size
            (3, 1)
        """
        check_config_keys(config, {"type", "in_channels", "out_channels", "kernel_size", "stride",
                                   "padding", "activation"})
        arguments = {k: v for k, v in config.items() if k not in ("type", "activation")}
        return cls(**arguments, activation=named_activation(config["activation"]), rng=0)

    @classmethod
    def parameter_count(cls, config: dict[str, Any]) -> int:
        """out·in·kh·kw weights and out biases.

        Example:
            >>> Conv2d.parameter_count(Conv2d(3, 8, kernel_size=3, rng=0).config())
            224
        """
        kernel = config.get("kernel_size")
        size = 1
        for k in kernel if isinstance(kernel, list) else [kernel]:
            size *= config_size({"kernel_size": k}, "kernel_size")
        out = config_size(config, "out_channels")
        return out * config_size(config, "in_channels") * size + out


class Conv1d(Conv2d):
    """A 1-D convolution over a signal x[channel][t]: the same neurons as a Conv2d
    whose windows are one row high. Its weights are `weight[out][in][k]`
    (PyTorch's layout), its output out[channel][t].

    Example:
        >>> conv = Conv1d(1, 1, kernel_size=2, rng=0)
        >>> conv.weight[0][0] = [Value(1.0), Value(-1.0)]
        >>> [v.data for v in conv([[3.0, 5.0, 4.0]])[0]]   # differences: x[t] - x[t+1]
        [-2.0, 1.0]
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int,
        stride: int = 1,
        padding: int = 0,
        activation: Activation = "linear",
        init: str = "he",
        rng: RNG = None,
    ) -> None:
        owner = type(self).__name__
        k = whole_number(owner, "kernel_size", kernel_size, minimum=1)
        s = whole_number(owner, "stride", stride, minimum=1)
        p = whole_number(owner, "padding", padding, minimum=0)
        super().__init__(in_channels, out_channels, (1, k), (1, s), (0, p), activation, init, rng)
        self.weight = [[channel[0] for channel in out] for out in self.weight]

    def __call__(self, x: Any) -> list[list[Value]]:  # type: ignore[override]
        """The output signal out[channel][t] for one input signal x[channel][t].

        Example:
            >>> out = Conv1d(2, 3, kernel_size=3, rng=0)([[0.0] * 10, [1.0] * 10])
            >>> shape_text(out)
            '3 × 8'
        """
        signal = as_grid("Conv1d", x, self.in_channels, ndim=1)
        image = [[channel] for channel in signal]  # one row high
        out = convolve("Conv1d", image, self._neurons(), self.kernel_size, self.stride, self.padding,
                       self._phi)
        return [channel[0] for channel in out]

    def _neurons(self) -> list[tuple[list[Value], Value]]:
        return [([w for channel in self.weight[o] for w in channel], self.bias[o])
                for o in range(self.out_channels)]

    def named_parameters(self) -> list[tuple[str, Value]]:
        """'weight.o.c.k' for every weight, then 'bias.o': PyTorch's order.

        Example:
            >>> [n for n, _ in Conv1d(1, 1, kernel_size=2, rng=0).named_parameters()]
            ['weight.0.0.0', 'weight.0.0.1', 'bias.0']
        """
        named = [(f"weight.{o}.{c}.{k}", w) for o, out in enumerate(self.weight)
                 for c, channel in enumerate(out) for k, w in enumerate(channel)]
        return named + [(f"bias.{o}", b) for o, b in enumerate(self.bias)]

    def __repr__(self) -> str:
        return (
            f"Conv1d({self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size[1]}, "
            f"stride={self.stride[1]}, padding={self.padding[1]}, activation={self.activation!r}; "
            f"{self.num_parameters()} parameters)"
        )

    def config(self) -> dict[str, Any]:
        """The constructor arguments that rebuild this architecture (for `save`).

        Example:
            >>> Conv1d(1, 2, kernel_size=3, rng=0).config()['kernel_size']
            3
        """
        return {**super().config(), "kernel_size": self.kernel_size[1], "stride": self.stride[1],
                "padding": self.padding[1]}


def checked_conv(owner: str, conv: object, usage: str = "model[{k}]") -> Conv2d:
    """`conv` if it is a Conv2d (a Conv1d is one); else a TypeError naming `owner`
    that says what to pass: for a Sequential, `usage` with the index of its first
    Conv2d (the pictures of a convolution take one layer).

    Example:
        >>> from tinygrad_ann.nn import Flatten, Sequential
        >>> checked_conv('plot_kernels', Sequential(Conv2d(1, 2, 3, rng=0), Flatten()))
        Traceback (most recent call last):
        TypeError: plot_kernels: conv must be a Conv2d (or a Conv1d), got Sequential(...); pass one of its layers, e.g. model[0]
    """
    if isinstance(conv, Conv2d):
        return conv
    hint = ""
    if isinstance(conv, Sequential):
        found = [k for k, layer in enumerate(conv) if isinstance(layer, Conv2d)]
        hint = (f"; pass one of its layers, e.g. {usage.format(k=found[0])}" if found
                else "; this one has no Conv2d layer")
    raise TypeError(f"{owner}: conv must be a Conv2d (or a Conv1d), got {got(conv)}{hint}")
