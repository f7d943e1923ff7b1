"""Causal self-attention, neuron by neuron: `CausalSelfAttention` and its `KVCache`.

Each token of a sequence asks the tokens before it (and itself) for what it
needs. Token t's vector x_t makes three vectors with three `Linear` layers: a
query q_t ("what I look for"), a key k_t ("what I hold") and a value v_t ("what
I pass on"). Then, for each earlier token s <= t:

    score(t, s) = q_t · k_s / √d               how well s answers t (d: the head's width)
    w(t, s)     = softmax over s of score(t, s) weights that are > 0 and sum to 1
    out_t       = Σ_s w(t, s) v_s               a blend of the values, by weight

Only s <= t: a token never reads the future (*causal*), so a model can learn
to predict the next token. With n_head heads, q, k and v are cut into n_head
slices of d = n_embd / n_head numbers, each head attends on its own, and the
heads' outputs side by side go through one more Linear (`out_proj`).

Reading a whole sequence at once, or one token at a time with a cache of the
keys and values so far (`step`, as microgpt generates), computes the same.

Example:
    >>> attn = CausalSelfAttention(n_embd=4, n_head=2, rng=0)
    >>> xs = [[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0]]     # two tokens
    >>> out = attn(xs)
    >>> len(out), len(out[0])
    (2, 4)
    >>> cache = KVCache()
    >>> [round(v.data, 12) for v in attn.step(xs[1], cache)] == \\
    ...     [round(v.data, 12) for v in attn([xs[1]])[0]]      # the first token sees only itself
    True
"""

from __future__ import annotations

import math
from typing import Any, Sequence

from .._checks import random_source, whole_number, wrong_type
from .._types import RNG
from ..engine import Value, weighted_sum
from ..losses import softmax
from .dense import Linear
from .module import Module, check_config_keys, config_size
from .shapes import as_vector

__all__ = ["CausalSelfAttention", "KVCache", "heads"]


def heads(owner: str, n_embd: int, n_head: int) -> int:
    """The width d = n_embd / n_head of one head, checked: n_head must divide n_embd.

    Example:
        >>> heads('GPT', 16, 4)
        4
        >>> heads('GPT', 16, 3)
        Traceback (most recent call last):
        ValueError: GPT: n_embd (16) must be divisible by n_head (3): each head takes n_embd / n_head numbers
    """
    n_embd = whole_number(owner, "n_embd", n_embd, minimum=1)
    n_head = whole_number(owner, "n_head", n_head, minimum=1)
    if n_embd % n_head:
        raise ValueError(f"{owner}: n_embd ({n_embd}) must be divisible by n_head ({n_head}): "
                         f"each head takes n_embd / n_head numbers")
    return n_embd // n_head


class KVCache:
    """The keys and values one attention layer has computed so far, position by position.

    `step` appends to it; its length is how many tokens it has seen.

    Example:
        >>> attn, cache = CausalSelfAttention(2, 1, rng=0), KVCache()
        >>> _ = attn.step([1.0, 0.0], cache); _ = attn.step([0.0, 1.0], cache)
        >>> len(cache), len(cache.keys[0])
        (2, 2)
    """

    def __init__(self) -> None:
        self.keys: list[list[Value]] = []
        self.values: list[list[Value]] = []

    def __len__(self) -> int:
        return len(self.keys)

    def __repr__(self) -> str:
        return f"KVCache({len(self)} positions)"


class CausalSelfAttention(Module):
    """Multi-head causal self-attention over a sequence of vectors of `n_embd` numbers.

    Parameters: `q_proj`, `k_proj`, `v_proj` and `out_proj`, four
    `Linear(n_embd, n_embd, bias)` layers. `attn(xs)` reads a whole sequence (a
    list of vectors) and returns one vector per position; `attn.step(x, cache)`
    reads the next one, with the keys and values of the earlier ones in `cache`.

    Example:
        >>> attn = CausalSelfAttention(n_embd=4, n_head=2, rng=0)
        >>> attn
        CausalSelfAttention(n_embd=4, n_head=2, bias=True; 80 parameters)
        >>> out = attn([[0.1, 0.2, 0.3, 0.4]])
        >>> len(out), len(out[0])
        (1, 4)
    """

    def __init__(self, n_embd: int, n_head: int, bias: bool = True, rng: RNG = None) -> None:
        self.head_dim = heads("CausalSelfAttention", n_embd, n_head)
        self.n_embd, self.n_head = int(n_embd), int(n_head)
        if bias is not True and bias is not False:
            wrong_type("CausalSelfAttention", "bias", "True or False", bias)
        r = random_source("CausalSelfAttention", rng)
        self.q_proj, self.k_proj, self.v_proj, self.out_proj = (
            Linear(self.n_embd, self.n_embd, bias=bias, rng=r) for _ in range(4))

    def __call__(self, xs: Sequence[Any]) -> list[list[Value]]:
        """One output vector per position of the sequence `xs`, position t reading 0..t.

        Example:
            >>> attn = CausalSelfAttention(2, 1, rng=0)
            >>> len(attn([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]))
            3
        """
        return self.forward_with_weights(xs)[0]

    def forward_with_weights(self, xs: Sequence[Any]) -> tuple[list[list[Value]], list[list[list[float]]]]:
        """`(outputs, weights)`: the outputs of `attn(xs)`, and the attention weights
        `weights[head][t][s]`, how much position t read position s (0 for s > t).

        Example:
            >>> attn = CausalSelfAttention(2, 1, rng=0)
            >>> _, w = attn.forward_with_weights([[1.0, 2.0], [3.0, 4.0]])
            >>> w[0][0], round(sum(w[0][1]), 12)          # the first token reads only itself
            ([1.0, 0.0], 1.0)
        """
        owner = "CausalSelfAttention"
        if isinstance(xs, (str, bytes)) or not isinstance(xs, Sequence) or not xs:
            wrong_type(owner, "xs", f"a non-empty list of vectors of {self.n_embd} numbers (one per position)", xs)
        rows = [as_vector(owner, f"xs[{t}]", x, self.n_embd, "one position's vector") for t, x in enumerate(xs)]
        queries = self.q_proj._forward_many(rows)
        keys = self.k_proj._forward_many(rows)
        values = self.v_proj._forward_many(rows)
        mixed, maps = [], [[] for _ in range(self.n_head)]  # type: ignore[var-annotated]
        for t, q in enumerate(queries):
            heads_out, weights = self._attend(q, keys[: t + 1], values[: t + 1])
            mixed.append(heads_out)
            for h, w in enumerate(weights):
                maps[h].append(w + [0.0] * (len(rows) - t - 1))
        return self.out_proj._forward_many(mixed), maps

    def step(self, x: Any, cache: KVCache) -> list[Value]:
        """The output for the next position, x; its key and value join `cache`.

        Example:
            >>> attn, cache = CausalSelfAttention(2, 1, rng=0), KVCache()
            >>> out = attn.step([1.0, 2.0], cache)
            >>> len(out), len(cache)
            (2, 1)
        """
        if not isinstance(cache, KVCache):
            wrong_type("CausalSelfAttention.step", "cache", "a KVCache", cache)
        row = as_vector("CausalSelfAttention.step", "x", x, self.n_embd, "one position's vector")
        cache.keys.append(self.k_proj._forward(row))
        cache.values.append(self.v_proj._forward(row))
        mixed, _ = self._attend(self.q_proj._forward(row), cache.keys, cache.values)
        return self.out_proj._forward(mixed)

    def _attend(self, q: list[Value], keys: list[list[Value]],
                values: list[list[Value]]) -> tuple[list[Value], list[list[float]]]:
        """Every head's blend of `values` for the query q, side by side, and each
        head's weights (as numbers, for pictures)."""
        d = self.head_dim
        sqrt_d = math.sqrt(d)
        out: list[Value] = []
        weights = []
        for lo in range(0, self.n_embd, d):
            q_h = q[lo : lo + d]
            # score(t, s) = q_t · k_s / √d: one dot node, then the division
            scores = [weighted_sum(q_h, k[lo : lo + d], None) / sqrt_d for k in keys]
            w = softmax(scores)
            weights.append([p.data for p in w])
            for j in range(lo, lo + d):  # out[j] = Σ_s w(s) v_s[j]: one dot node per number
                out.append(weighted_sum(w, [v[j] for v in values], None))
        return out, weights

    def named_parameters(self) -> list[tuple[str, Value]]:
        """'q_proj.weight.o.i', ..., 'out_proj.bias.o': the four Linear layers in order.

        Example:
            >>> [n for n, _ in CausalSelfAttention(2, 1, bias=False, rng=0).named_parameters()][:2]
            ['q_proj.weight.0.0', 'q_proj.weight.0.1']
        """
        return [(f"{name}.{p_name}", p) for name in ("q_proj", "k_proj", "v_proj", "out_proj")
                for p_name, p in getattr(self, name).named_parameters()]

    def parameters(self) -> list[Value]:
        """q_proj's, k_proj's, v_proj's, then out_proj's.

        Example:
            >>> len(CausalSelfAttention(4, 2, bias=False, rng=0).parameters())
            64
        """
        return [p for layer in (self.q_proj, self.k_proj, self.v_proj, self.out_proj) for p in layer.parameters()]

    def __repr__(self) -> str:
        return (f"CausalSelfAttention(n_embd={self.n_embd}, n_head={self.n_head}, "
                f"bias={self.q_proj.bias is not None}; {self.num_parameters()} parameters)")

    def config(self) -> dict[str, Any]:
        """The constructor arguments that rebuild this architecture (for `save`).

        Example:
            >>> CausalSelfAttention(16, 4, rng=0).config()
            {'type': 'CausalSelfAttention', 'n_embd': 16, 'n_head': 4, 'bias': True}
        """
        return {"type": "CausalSelfAttention", "n_embd": self.n_embd, "n_head": self.n_head,
                "bias": self.q_proj.bias is not None}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> CausalSelfAttention:
        """A new layer of the architecture `config()` described (weights from rng=0).

        Example:
            >>> CausalSelfAttention.from_config({'type': 'CausalSelfAttention', 'n_embd': 4,
            ...                                  'n_head': 2, 'bias': False})
            CausalSelfAttention(n_embd=4, n_head=2, bias=False; 64 parameters)
        """
        check_config_keys(config, {"type", "n_embd", "n_head", "bias"})
        return cls(config["n_embd"], config["n_head"], bias=config["bias"], rng=0)

    @classmethod
    def parameter_count(cls, config: dict[str, Any]) -> int:
        """4 × (n_embd + bias) × n_embd.

        Example:
            >>> CausalSelfAttention.parameter_count({'type': 'CausalSelfAttention', 'n_embd': 16,
            ...                                      'n_head': 4, 'bias': False})
            1024
        """
        n = config_size(config, "n_embd")
        return 4 * (n + (config.get("bias", True) is not False)) * n
