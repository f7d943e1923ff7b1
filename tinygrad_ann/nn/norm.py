"""Normalisations: `LayerNorm` and `RMSNorm` (PyTorch's), for one vector at a time.

Deep networks train better when each layer reads numbers of a steady size. A
normalisation rescales one vector x of n numbers (one token's features):

    LayerNorm   y_i = (x_i - mean(x)) / sqrt(var(x) + eps) * w_i + b_i
    RMSNorm     y_i = x_i / sqrt(mean(x²) + eps) * w_i

var is the mean of (x_i - mean)², divided by n (not n - 1), as PyTorch's. w
(the gain, 1 at the start) and b (the shift, 0) are learned; RMSNorm has no
shift, and with `elementwise_affine=False` neither has a gain (microgpt's RMSNorm).
Each is a few nodes per vector, so backward() finds the derivative through the
mean and the variance too: every y_i depends on every x_j.

Example:
    >>> y = LayerNorm(3)([1.0, 2.0, 3.0])
    >>> [round(v.data, 4) for v in y]
    [-1.2247, 0.0, 1.2247]
"""

from __future__ import annotations

from typing import Any

from .._checks import non_negative_number, whole_number, wrong_type
from ..engine import Value, sum_values, weighted_sum
from .module import Module, check_config_keys, config_size
from .shapes import as_vector

__all__ = ["LayerNorm", "RMSNorm"]


def _flag(owner: str, name: str, x: object) -> bool:
    if x is not True and x is not False:
        wrong_type(owner, name, "True or False", x)
    return x


class _Norm(Module):
    """What the two norms share: the size, eps, the gain and shift, saving."""

    #: Whether the norm has a shift b (LayerNorm) or not (RMSNorm).
    _SHIFT = True

    def __init__(self, dim: int, eps: float, elementwise_affine: bool, bias: bool) -> None:
        owner = type(self).__name__
        self.dim = whole_number(owner, "dim", dim, minimum=1)
        self.eps = non_negative_number(owner, "eps", eps)
        self.elementwise_affine = _flag(owner, "elementwise_affine", elementwise_affine)
        # (without a gain there is no shift either, whatever bias says: saved as True)
        self._with_bias = (_flag(owner, "bias", bias) or not self.elementwise_affine) and self._SHIFT
        has_bias = self._with_bias
        self.weight = [Value(1.0) for _ in range(self.dim)] if elementwise_affine else None
        self.bias = [Value(0.0) for _ in range(self.dim)] if elementwise_affine and has_bias else None

    def _affine(self, normed: list[Value]) -> list[Value]:
        """normed_i * w_i + b_i: with a shift, one fused node per number."""
        if self.weight is None:
            return normed
        if self.bias is None:
            return [v * w for v, w in zip(normed, self.weight, strict=True)]
        return [weighted_sum([v], [w], b) for v, w, b in zip(normed, self.weight, self.bias, strict=True)]

    def named_parameters(self) -> list[tuple[str, Value]]:
        """'weight.i', then 'bias.i' (PyTorch's names); none without elementwise_affine.

        Example:
            >>> [n for n, _ in LayerNorm(2).named_parameters()]
            ['weight.0', 'weight.1', 'bias.0', 'bias.1']
        """
        named = [(f"weight.{i}", w) for i, w in enumerate(self.weight or ())]
        return named + [(f"bias.{i}", b) for i, b in enumerate(self.bias or ())]

    def parameters(self) -> list[Value]:
        """The gains, then the shifts (none without elementwise_affine).

        Example:
            >>> len(LayerNorm(3).parameters()), len(RMSNorm(3).parameters())
            (6, 3)
        """
        return (self.weight or []) + (self.bias or [])

    def __repr__(self) -> str:
        return (f"{type(self).__name__}({self.dim}, eps={self.eps}, elementwise_affine="
                f"{self.elementwise_affine}; {self.num_parameters()} parameters)")

    def config(self) -> dict[str, Any]:
        """The constructor arguments that rebuild this architecture (for `save`).

        Example:
            >>> RMSNorm(16, elementwise_affine=False).config()
            {'type': 'RMSNorm', 'dim': 16, 'eps': 1e-05, 'elementwise_affine': False}
        """
        config = {"type": type(self).__name__, "dim": self.dim, "eps": self.eps,
                  "elementwise_affine": self.elementwise_affine}
        if self._SHIFT:
            config["bias"] = self._with_bias
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Any:
        """A new norm of the architecture `config()` described.

        Example:
            >>> LayerNorm.from_config(LayerNorm(4, bias=False).config())
            LayerNorm(4, eps=1e-05, elementwise_affine=True; 4 parameters)
        """
        keys = {"type", "dim", "eps", "elementwise_affine"} | ({"bias"} if cls._SHIFT else set())
        check_config_keys(config, keys)
        return cls(**{k: v for k, v in config.items() if k != "type"})

    @classmethod
    def parameter_count(cls, config: dict[str, Any]) -> int:
        """dim gains and (LayerNorm, with bias) dim shifts, or none.

        Example:
            >>> LayerNorm.parameter_count({'type': 'LayerNorm', 'dim': 16, 'eps': 1e-5,
            ...                            'elementwise_affine': True, 'bias': True})
            32
        """
        dim = config_size(config, "dim")
        if config.get("elementwise_affine") is False:
            return 0
        return dim * (1 + (cls._SHIFT and config.get("bias", True) is not False))


class LayerNorm(_Norm):
    """y_i = (x_i - mean) / sqrt(var + eps) * w_i + b_i over one vector of `dim` numbers.

    As PyTorch's `nn.LayerNorm(dim, eps, elementwise_affine, bias)`: var divides
    by n; w starts at 1 and b at 0.

    Example:
        >>> norm = LayerNorm(2)
        >>> y = norm([3.0, 5.0])            # mean 4, var 1: y = x - 4
        >>> [round(v.data, 4) for v in y]
        [-1.0, 1.0]
    """

    def __init__(self, dim: int, eps: float = 1e-5, elementwise_affine: bool = True, bias: bool = True) -> None:
        super().__init__(dim, eps, elementwise_affine, bias)

    def __call__(self, x: Any) -> list[Value]:
        """The normalised vector, a list of `dim` Values.

        Example:
            >>> y = LayerNorm(4)([1.0, 2.0, 3.0, 4.0])
            >>> round(sum(v.data for v in y), 12), round(sum(v.data ** 2 for v in y) / 4, 4)
            (0.0, 1.0)
        """
        xs = as_vector("LayerNorm", "x", x, self.dim, "one vector")
        n = self.dim
        mean = sum_values(xs) / n
        centred = [v - mean for v in xs]
        var = weighted_sum(centred, centred, None) / n  # mean of (x_i - mean)²: one dot node
        inv_std = (var + self.eps) ** -0.5
        return self._affine([c * inv_std for c in centred])


class RMSNorm(_Norm):
    """y_i = x_i / sqrt(mean(x²) + eps) * w_i over one vector of `dim` numbers.

    As PyTorch's `nn.RMSNorm(dim, eps, elementwise_affine)` (w starts at 1).
    With `elementwise_affine=False` it has no parameters: microgpt's rmsnorm.

    Example:
        >>> y = RMSNorm(2, elementwise_affine=False)([3.0, 4.0])   # mean(x²) = 12.5
        >>> [round(v.data, 4) for v in y]
        [0.8485, 1.1314]
    """

    _SHIFT = False

    def __init__(self, dim: int, eps: float = 1e-5, elementwise_affine: bool = True) -> None:
        super().__init__(dim, eps, elementwise_affine, False)

    def __call__(self, x: Any) -> list[Value]:
        """The normalised vector, a list of `dim` Values.

        Example:
            >>> y = RMSNorm(4, eps=0.0)([2.0, -2.0, 2.0, -2.0])
            >>> [v.data for v in y]
            [1.0, -1.0, 1.0, -1.0]
        """
        xs = as_vector("RMSNorm", "x", x, self.dim, "one vector")
        mean_square = weighted_sum(xs, xs, None) / self.dim  # Σ x_i² as one dot node, then / n
        scale = (mean_square + self.eps) ** -0.5
        return self._affine([v * scale for v in xs])
