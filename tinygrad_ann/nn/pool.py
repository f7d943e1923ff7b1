"""Pooling: `MaxPool2d` and `AvgPool2d`, a window's largest or mean value.

Pooling has no parameters. It slides a window over each channel of an image,
as a convolution does, and keeps one number per window: the largest (a fused
`max` node, whose gradient goes to the largest input alone) or the mean (a
fused sum divided by the window's size, whose gradient is shared out evenly).
The image gets smaller, and a feature found anywhere in a window counts the same.

Example:
    >>> image = [[[1.0, 2.0, 0.0, 0.0], [3.0, 4.0, 0.0, 1.0]]]     # 1 channel, 2 × 4
    >>> [v.data for v in MaxPool2d(2)(image)[0][0]]
    [4.0, 1.0]
    >>> [v.data for v in AvgPool2d(2)(image)[0][0]]
    [2.5, 0.25]
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from ..engine import Value, max_values, sum_values
from .module import Module, check_config_keys
from .shapes import as_grid, pair, shape_text

__all__ = ["MaxPool2d", "AvgPool2d"]


class _Pool2d(Module):
    """What the two pools share: the window, its stride, the walk over the image."""

    def __init__(self, kernel_size: int | tuple[int, int], stride: int | tuple[int, int] | None = None) -> None:
        owner = type(self).__name__
        self.kernel_size = pair(owner, "kernel_size", kernel_size)
        self.stride = self.kernel_size if stride is None else pair(owner, "stride", stride)

    def _pool(self, x: Any, reduce: Callable[[Sequence[Value]], Value]) -> list[list[list[Value]]]:
        owner = type(self).__name__
        image = as_grid(owner, x, None, ndim=2)
        (kh, kw), (sh, sw) = self.kernel_size, self.stride
        height, width = len(image[0]), len(image[0][0])
        if height < kh or width < kw:
            raise ValueError(
                f"{owner}: the input ({shape_text(image)}) is smaller than the window ({kh} × {kw})"
            )
        rows, cols = range(0, height - kh + 1, sh), range(0, width - kw + 1, sw)
        return [[[reduce([channel[i + u][j + v] for u in range(kh) for v in range(kw)]) for j in cols]
                 for i in rows] for channel in image]

    def __repr__(self) -> str:
        return f"{type(self).__name__}(kernel_size={self.kernel_size}, stride={self.stride})"

    def config(self) -> dict[str, Any]:
        """The constructor arguments that rebuild it (for `save`).

        Example:
            >>> MaxPool2d(2).config()
            {'type': 'MaxPool2d', 'kernel_size': [2, 2], 'stride': [2, 2]}
        """
        return {"type": type(self).__name__, "kernel_size": list(self.kernel_size), "stride": list(self.stride)}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> _Pool2d:
        """A new pool of the window and stride `config()` described.

        Example:
            >>> AvgPool2d.from_config({'type': 'AvgPool2d', 'kernel_size': [2, 2], 'stride': [1, 1]})
            AvgPool2d(kernel_size=(2, 2), stride=(1, 1))
        """
        check_config_keys(config, {"type", "kernel_size", "stride"})
        return cls(config["kernel_size"], config["stride"])

    @classmethod
    def parameter_count(cls, config: dict[str, Any]) -> int:
        """0: pooling learns nothing.

        Example:
            >>> MaxPool2d.parameter_count({'type': 'MaxPool2d'})
            0
        """
        return 0


class MaxPool2d(_Pool2d):
    """The largest value of each kernel_size window of each channel (PyTorch's
    `nn.MaxPool2d`); the stride is the window's size unless given.

    Each output is one `max` node: its gradient goes to the window's largest
    input alone; on a tie, to the first of them in reading order (row by row),
    as PyTorch does; a nan wins.

    Example:
        >>> out = MaxPool2d(2)([[[1.0, 5.0], [5.0, 2.0]]])
        >>> out[0][0][0].backward()
        >>> out[0][0][0].data, [v.grad for v in out[0][0][0]._prev]    # the tie: the first 5
        (5.0, [0.0, 1.0, 0.0, 0.0])
    """

    def __call__(self, x: Any) -> list[list[list[Value]]]:
        return self._pool(x, max_values)


class AvgPool2d(_Pool2d):
    """The mean of each kernel_size window of each channel (PyTorch's `nn.AvgPool2d`);
    the stride is the window's size unless given. Each output is the window's
    sum (one node) divided by its size, as PyTorch computes it.

    Example:
        >>> [v.data for v in AvgPool2d((1, 2))([[[1.0, 2.0, 4.0, 8.0]]])[0][0]]
        [1.5, 6.0]
    """

    def __call__(self, x: Any) -> list[list[list[Value]]]:
        size = self.kernel_size[0] * self.kernel_size[1]
        return self._pool(x, lambda window: sum_values(window) / size)
