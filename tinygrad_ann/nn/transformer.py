"""The transformer, neuron by neuron: `TransformerBlock` and `GPT`.

A GPT reads a sequence of token ids and gives, at every position, scores
(logits) for the token that comes next. Its layers, all from this package:

    x_t = norm(wte[token_t] + wpe[t])                token embedding + position embedding
    for each block:
        x_t = x_t + attn(norm1(x))_t                 every token reads the ones before it
        x_t = x_t + fc2(φ(fc1(norm2(x_t))))          then thinks on its own (an MLP 4× wider)
    logits_t = lm_head(x_t)                          one score per token of the vocabulary

The `+ x_t` are *residual* connections: each block adds a correction to x
rather than replacing it, so the gradient has a direct path to the bottom. The
norms come before each part (pre-norm). This is microgpt's layout (Karpathy's
one-file scalar GPT): `GPT(..., norm='rms', activation='relu', bias=False,
init_std=0.08)` is its model exactly: RMSNorm without a gain and eps 1e-5,
no biases, every weight drawn from N(0, 0.08), in microgpt's order (wte, wpe,
lm_head, then each layer's q, k, v, o, fc1, fc2), and no norm before lm_head.
The defaults (LayerNorm, GELU, biases, N(0, 0.02)) are GPT-2's choices in that
same layout.

Example:
    >>> model = GPT(vocab_size=5, block_size=8, n_layer=1, n_embd=8, n_head=2, rng=0)
    >>> logits = model([4, 0, 2])                      # three tokens in
    >>> len(logits), len(logits[0])                    # a score per vocabulary token, per position
    (3, 5)
"""

from __future__ import annotations

import math
import random
from typing import Any, Sequence

from .._checks import one_of, positive_number, random_source, whole_number, wrong_type
from .._types import RNG
from ..engine import Value, no_grad
from .activations import ACTIVATIONS
from .attention import CausalSelfAttention, KVCache, heads
from .dense import Linear
from .embedding import Embedding, token_id
from .module import Module, check_config_keys, config_size
from .norm import LayerNorm, RMSNorm

__all__ = ["TransformerBlock", "GPT", "NORMS"]

#: The norms a block can use: 'layer' (LayerNorm, with a gain and, with bias, a
#: shift) or 'rms' (RMSNorm without a gain, microgpt's).
NORMS = ("layer", "rms")


def _make_norm(norm: str, n_embd: int, bias: bool) -> LayerNorm | RMSNorm:
    if norm == "layer":
        return LayerNorm(n_embd, bias=bias)
    return RMSNorm(n_embd, elementwise_affine=False)


def _flag(owner: str, name: str, x: object) -> bool:
    if x is not True and x is not False:
        wrong_type(owner, name, "True or False", x)
    return x


class TransformerBlock(Module):
    """One transformer block (pre-norm, residuals): x + attn(norm1(x)), then x + mlp(norm2(x)).

    The MLP is fc1 (n_embd → 4·n_embd), the activation ('gelu', 'relu', or
    another name from ACTIVATIONS), fc2 (4·n_embd → n_embd). `norm` is 'layer'
    or 'rms' (see NORMS). `block(xs)` reads a sequence of vectors;
    `block.step(x, cache)` the next one.

    Example:
        >>> block = TransformerBlock(n_embd=4, n_head=2, rng=0)
        >>> out = block([[0.1, 0.2, 0.3, 0.4], [0.0, 1.0, 0.0, 1.0]])
        >>> len(out), len(out[1])
        (2, 4)
    """

    def __init__(self, n_embd: int, n_head: int, norm: str = "layer", activation: str = "gelu",
                 bias: bool = True, rng: RNG = None) -> None:
        owner = "TransformerBlock"
        heads(owner, n_embd, n_head)
        self.norm = one_of(owner, "norm", norm, NORMS)
        self.activation = one_of(owner, "activation", activation, [a for a in ACTIVATIONS if a != "linear"])
        self.bias = _flag(owner, "bias", bias)
        r = random_source(owner, rng)
        self.n_embd, self.n_head = int(n_embd), int(n_head)
        self.norm1 = _make_norm(norm, self.n_embd, bias)
        self.attn = CausalSelfAttention(self.n_embd, self.n_head, bias=bias, rng=r)
        self.norm2 = _make_norm(norm, self.n_embd, bias)
        self.fc1 = Linear(self.n_embd, 4 * self.n_embd, bias=bias, rng=r)
        self.fc2 = Linear(4 * self.n_embd, self.n_embd, bias=bias, rng=r)
        self._phi = ACTIVATIONS[activation]

    def __call__(self, xs: Sequence[Any]) -> list[list[Value]]:
        """One vector per position: each plus attention, then plus the MLP.

        Example:
            >>> block = TransformerBlock(2, 1, norm='rms', activation='relu', bias=False, rng=0)
            >>> len(block([[1.0, -1.0]])[0])
            2
        """
        return self.forward_with_weights(xs)[0]

    def forward_with_weights(self, xs: Sequence[Any]) -> tuple[list[list[Value]], list[list[list[float]]]]:
        """`(outputs, weights)`: what `block(xs)` returns, and its attention's weights
        `weights[head][t][s]` (see CausalSelfAttention.forward_with_weights).

        Example:
            >>> block = TransformerBlock(2, 1, rng=0)
            >>> out, w = block.forward_with_weights([[1.0, -1.0], [0.5, 0.5]])
            >>> len(out), w[0][0]
            (2, [1.0, 0.0])
        """
        if isinstance(xs, (str, bytes)) or not isinstance(xs, Sequence) or not xs:
            wrong_type("TransformerBlock", "xs",
                       f"a non-empty list of vectors of {self.n_embd} numbers (one per position)", xs)
        mixed, weights = self.attn.forward_with_weights([self.norm1(x) for x in xs])
        return self._mlp([_add(x, a) for x, a in zip(xs, mixed, strict=True)]), weights

    def step(self, x: Any, cache: KVCache) -> list[Value]:
        """The output for the next position x, its key and value joining `cache`.

        Example:
            >>> block, cache = TransformerBlock(2, 1, rng=0), KVCache()
            >>> len(block.step([1.0, -1.0], cache)), len(cache)
            (2, 1)
        """
        return self._mlp([_add(x, self.attn.step(self.norm1(x), cache))])[0]

    def _mlp(self, xs: list[list[Value]]) -> list[list[Value]]:
        """x + fc2(φ(fc1(norm2(x)))) at each position: its own thinking, added on."""
        phi = self._phi
        hidden = [[phi(h) for h in row] for row in self.fc1._forward_many([self.norm2(x) for x in xs])]
        return [_add(x, y) for x, y in zip(xs, self.fc2._forward_many(hidden), strict=True)]

    def named_parameters(self) -> list[tuple[str, Value]]:
        """'norm1.…', 'attn.…', 'norm2.…', 'fc1.…', 'fc2.…', in that order.

        Example:
            >>> [n for n, _ in TransformerBlock(2, 1, rng=0).named_parameters()][:3]
            ['norm1.weight.0', 'norm1.weight.1', 'norm1.bias.0']
        """
        return [(f"{name}.{p_name}", p) for name in ("norm1", "attn", "norm2", "fc1", "fc2")
                for p_name, p in getattr(self, name).named_parameters()]

    def parameters(self) -> list[Value]:
        """norm1's, attn's, norm2's, fc1's, then fc2's.

        Example:
            >>> len(TransformerBlock(4, 2, norm='rms', bias=False, rng=0).parameters())
            192
        """
        return [p for part in (self.norm1, self.attn, self.norm2, self.fc1, self.fc2) for p in part.parameters()]

    def __repr__(self) -> str:
        return (f"TransformerBlock(n_embd={self.n_embd}, n_head={self.n_head}, norm={self.norm!r}, "
                f"activation={self.activation!r}, bias={self.bias}; {self.num_parameters()} parameters)")

    def config(self) -> dict[str, Any]:
        """The constructor arguments that rebuild this architecture (for `save`).

        Example:
            >>> TransformerBlock(16, 4, rng=0).config()['activation']
            'gelu'
        """
        return {"type": "TransformerBlock", "n_embd": self.n_embd, "n_head": self.n_head, "norm": self.norm,
                "activation": self.activation, "bias": self.bias}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> TransformerBlock:
        """A new block of the architecture `config()` described (weights from rng=0).

        Example:
            >>> TransformerBlock.from_config(TransformerBlock(4, 2, norm='rms', rng=3).config())
            TransformerBlock(n_embd=4, n_head=2, norm='rms', activation='gelu', bias=True; 228 parameters)
        """
        check_config_keys(config, {"type", "n_embd", "n_head", "norm", "activation", "bias"})
        return cls(**{k: v for k, v in config.items() if k != "type"}, rng=0)

    @classmethod
    def parameter_count(cls, config: dict[str, Any]) -> int:
        """Attention, the MLP's two layers and the norms' gains and shifts.

        Example:
            >>> TransformerBlock.parameter_count({'type': 'TransformerBlock', 'n_embd': 16, 'n_head': 4,
            ...                                   'norm': 'rms', 'activation': 'relu', 'bias': False})
            3072
        """
        n = config_size(config, "n_embd")
        bias = config.get("bias", True) is not False
        norms = 2 * n * (1 + bias) if config.get("norm") == "layer" else 0
        return 4 * (n + bias) * n + (n + bias) * 4 * n + (4 * n + bias) * n + norms


def _add(a: list[Value], b: list[Value]) -> list[Value]:
    """a + b, number by number (a residual connection)."""
    return [x + y for x, y in zip(a, b, strict=True)]


class GPT(Module):
    """A GPT: token and position embeddings, `n_layer` transformer blocks, and lm_head.

    Args:
        vocab_size: how many token ids there are (0..vocab_size-1).
        block_size: the longest sequence it reads (the position embedding's rows).
        n_layer, n_embd, n_head: blocks, the width of a token's vector, heads.
        norm: 'layer' (LayerNorm) or 'rms' (RMSNorm without a gain).
        activation: the MLP's, 'gelu' or 'relu' (or another name from ACTIVATIONS).
        bias: False for no biases anywhere (in the Linear layers and LayerNorms).
        init_std: every weight (embeddings and Linear layers) starts N(0, init_std);
            biases start at 0 and norm gains at 1.
        rng: an int seed, a random.Random, or None for Python's global `random`.

    `model(tokens)` returns the logits at every position, one list of
    vocab_size scores per position, for `losses.cross_entropy(logits, targets)`.
    `model.generate(...)` samples new tokens. See the module's docstring for the
    layout, and microgpt's settings.

    Example:
        >>> from tinygrad_ann.losses import cross_entropy
        >>> model = GPT(vocab_size=4, block_size=4, n_layer=1, n_embd=4, n_head=2,
        ...             norm='rms', activation='relu', bias=False, init_std=0.08, rng=0)
        >>> tokens = [3, 1, 2, 3]                     # a text between two boundary tokens
        >>> loss = cross_entropy(model(tokens[:-1]), tokens[1:])
        >>> loss.backward()
        >>> abs(loss.data - math.log(4)) < 0.05          # at the start: about a uniform guess, ln 4
        True
        >>> model.num_parameters()                        # wte 16 + wpe 16 + block 192 + lm_head 16
        240
    """

    def __init__(self, vocab_size: int, block_size: int, n_layer: int, n_embd: int, n_head: int,
                 norm: str = "layer", activation: str = "gelu", bias: bool = True, init_std: float = 0.02,
                 rng: RNG = None) -> None:
        owner = "GPT"
        self.vocab_size = whole_number(owner, "vocab_size", vocab_size, minimum=1)
        self.block_size = whole_number(owner, "block_size", block_size, minimum=1)
        self.n_layer = whole_number(owner, "n_layer", n_layer, minimum=1)
        heads(owner, n_embd, n_head)
        self.n_embd, self.n_head = int(n_embd), int(n_head)
        self.norm = one_of(owner, "norm", norm, NORMS)
        self.activation = one_of(owner, "activation", activation, [a for a in ACTIVATIONS if a != "linear"])
        self.bias = _flag(owner, "bias", bias)
        self.init_std = positive_number(owner, "init_std", init_std)
        r = random_source(owner, rng)
        # The layers are made first (their own starting weights from a fixed seed), then
        # every weight is drawn from `r`, in microgpt's order (see _initialise): so that
        # `random.seed(42); random.shuffle(docs); GPT(..., rng=None)` starts from
        # exactly microgpt's weights.
        made = random.Random(0)
        self.wte = Embedding(self.vocab_size, self.n_embd, rng=made)
        self.wpe = Embedding(self.block_size, self.n_embd, rng=made)
        self.norm_in = _make_norm(norm, self.n_embd, bias)
        self.blocks = [TransformerBlock(self.n_embd, self.n_head, norm, activation, bias, rng=made)
                       for _ in range(self.n_layer)]
        self.lm_head = Linear(self.n_embd, self.vocab_size, bias=bias, rng=made)
        self._initialise(r)

    def _initialise(self, r: Any) -> None:
        """Every weight N(0, init_std), in microgpt's order (wte, wpe, lm_head, then
        each block's q, k, v, o, fc1, fc2, each row by row); biases 0."""
        matrices = [self.wte.weight, self.wpe.weight, self.lm_head.weight]
        for block in self.blocks:
            a = block.attn
            matrices += [a.q_proj.weight, a.k_proj.weight, a.v_proj.weight, a.out_proj.weight,
                         block.fc1.weight, block.fc2.weight]
        for matrix in matrices:
            for row in matrix:
                for w in row:
                    w.data = r.gauss(0.0, self.init_std)
        for layer in [self.lm_head] + [lin for b in self.blocks
                                       for lin in (b.attn.q_proj, b.attn.k_proj, b.attn.v_proj,
                                                   b.attn.out_proj, b.fc1, b.fc2)]:
            for bias in layer.bias or ():
                bias.data = 0.0

    def _tokens(self, owner: str, tokens: object, limit: int | None = None) -> list[int]:
        """`tokens` checked: a non-empty list of token ids, at most `limit` of them."""
        if isinstance(tokens, (str, bytes)) or not isinstance(tokens, Sequence):
            wrong_type(owner, "tokens", "a list of token ids (ints)", tokens)
        if not tokens:
            raise ValueError(f"{owner}: tokens must hold at least one token id, got an empty list")
        if limit is not None and len(tokens) > limit:
            raise ValueError(f"{owner}: got {len(tokens)} tokens, but the model reads at most "
                             f"block_size = {limit} at a time")
        return [token_id(owner, f"tokens[{i}]", t, self.vocab_size) for i, t in enumerate(tokens)]

    def __call__(self, tokens: Sequence[int]) -> list[list[Value]]:
        """The logits at every position: logits[t][k] scores token k as the one after tokens[t].

        Example:
            >>> model = GPT(3, 4, 1, 4, 2, rng=0)
            >>> [len(row) for row in model([0, 1])]
            [3, 3]
        """
        ids = self._tokens("GPT", tokens, self.block_size)
        xs = [self.norm_in(_add(self.wte(k), self.wpe(t))) for t, k in enumerate(ids)]
        for block in self.blocks:
            xs = block(xs)
        return self.lm_head._forward_many(xs)

    def attention_maps(self, tokens: Sequence[int]) -> list[list[list[list[float]]]]:
        """Every block's attention weights on `tokens`: maps[layer][head][t][s], how
        much position t read position s (0 for s > t); no graph is built.

        Example:
            >>> maps = GPT(3, 4, 2, 4, 2, rng=0).attention_maps([0, 1, 2])
            >>> len(maps), len(maps[0]), maps[0][1][0]          # layers, heads; t = 0 reads itself
            (2, 2, [1.0, 0.0, 0.0])
        """
        ids = self._tokens("GPT.attention_maps", tokens, self.block_size)
        maps = []
        with no_grad():
            xs = [self.norm_in(_add(self.wte(k), self.wpe(t))) for t, k in enumerate(ids)]
            for block in self.blocks:
                xs, weights = block.forward_with_weights(xs)
                maps.append(weights)
        return maps

    def new_cache(self) -> list[KVCache]:
        """An empty cache for `step`: one KVCache per block.

        Example:
            >>> len(GPT(3, 4, 2, 4, 2, rng=0).new_cache())
            2
        """
        return [KVCache() for _ in self.blocks]

    def step(self, token: int, cache: list[KVCache]) -> list[Value]:
        """The logits after one more token, the earlier ones' keys and values in
        `cache` (from `new_cache()`): what `model(tokens)[-1]` gives, computed
        one token at a time, as microgpt does.

        Example:
            >>> model = GPT(3, 4, 1, 4, 2, rng=0)
            >>> cache = model.new_cache()
            >>> _ = model.step(0, cache); last = model.step(1, cache)
            >>> [round(v.data, 12) for v in last] == [round(v.data, 12) for v in model([0, 1])[-1]]
            True
        """
        if not isinstance(cache, list) or len(cache) != len(self.blocks) or \
                not all(isinstance(c, KVCache) for c in cache):
            wrong_type("GPT.step", "cache", f"the list of {len(self.blocks)} KVCaches new_cache() makes", cache)
        position = len(cache[0])
        if position >= self.block_size:
            raise ValueError(f"GPT.step: the cache holds {position} positions already, and the model reads "
                             f"at most block_size = {self.block_size}; start a new cache")
        k = token_id("GPT.step", "token", token, self.vocab_size)
        x = self.norm_in(_add(self.wte(k), self.wpe(position)))
        for block, layer_cache in zip(self.blocks, cache, strict=True):
            x = block.step(x, layer_cache)
        return self.lm_head._forward(x)

    def generate(self, prompt: Sequence[int], max_new_tokens: int, temperature: float = 1.0,
                 top_k: int | None = None, rng: RNG = None, stop_token: int | None = None) -> list[int]:
        """The prompt followed by up to `max_new_tokens` sampled tokens.

        Each new token is drawn from softmax(logits / temperature) (below 1:
        bolder, above 1: more random), among the `top_k` most likely if given.
        It stops early after sampling `stop_token` (kept at the end). Past
        block_size tokens, the model reads the last block_size. No graph is built.

        Example:
            >>> model = GPT(5, 8, 1, 4, 2, rng=0)
            >>> out = model.generate([4], max_new_tokens=6, rng=1, stop_token=4)
            >>> out[0], 1 <= len(out) - 1 <= 6, all(0 <= t < 5 for t in out)
            (4, True, True)
        """
        owner = "GPT.generate"
        tokens = self._tokens(owner, prompt)
        count = whole_number(owner, "max_new_tokens", max_new_tokens, minimum=0)
        temp = positive_number(owner, "temperature", temperature)
        if top_k is not None:
            top_k = whole_number(owner, "top_k", top_k, minimum=1)
        if stop_token is not None:
            stop_token = token_id(owner, "stop_token", stop_token, self.vocab_size)
        r = random_source(owner, rng)
        with no_grad():
            cache, logits = self._read(tokens[-self.block_size:])
            for i in range(count):
                nxt = _sample([v.data for v in logits], temp, top_k, r)
                tokens.append(nxt)
                if nxt == stop_token or i == count - 1:
                    break
                if len(cache[0]) < self.block_size:
                    logits = self.step(nxt, cache)
                else:  # the window is full: read its last block_size tokens afresh
                    cache, logits = self._read(tokens[-self.block_size:])
        return tokens

    def _read(self, tokens: list[int]) -> tuple[list[KVCache], list[Value]]:
        """A new cache holding `tokens`, and the logits after the last of them."""
        cache = self.new_cache()
        logits: list[Value] = []
        for t in tokens:
            logits = self.step(t, cache)
        return cache, logits

    def named_parameters(self) -> list[tuple[str, Value]]:
        """'wte.…', 'wpe.…', 'norm_in.…', 'blocks.0.…', …, 'lm_head.…'.

        Example:
            >>> names = [n for n, _ in GPT(3, 4, 1, 4, 2, rng=0).named_parameters()]
            >>> names[0], names[-1]
            ('wte.weight.0.0', 'lm_head.bias.2')
        """
        parts: list[tuple[str, Module]] = [("wte", self.wte), ("wpe", self.wpe), ("norm_in", self.norm_in)]
        parts += [(f"blocks.{i}", b) for i, b in enumerate(self.blocks)] + [("lm_head", self.lm_head)]
        return [(f"{name}.{p_name}", p) for name, part in parts for p_name, p in part.named_parameters()]

    def parameters(self) -> list[Value]:
        """In the order of named_parameters(), without the names (zero_grad() asks at every step).

        Example:
            >>> len(GPT(3, 4, 1, 4, 2, rng=0).parameters())
            295
        """
        parts = [self.wte, self.wpe, self.norm_in, *self.blocks, self.lm_head]
        return [p for part in parts for p in part.parameters()]

    def __repr__(self) -> str:
        return (f"GPT(vocab_size={self.vocab_size}, block_size={self.block_size}, n_layer={self.n_layer}, "
                f"n_embd={self.n_embd}, n_head={self.n_head}, norm={self.norm!r}, "
                f"activation={self.activation!r}, bias={self.bias}; {self.num_parameters()} parameters)")

    def config(self) -> dict[str, Any]:
        """The constructor arguments that rebuild this architecture (for `save`).

        Example:
            >>> sorted(GPT(3, 4, 1, 4, 2, rng=0).config())[:4]
            ['activation', 'bias', 'block_size', 'init_std']
        """
        return {"type": "GPT", "vocab_size": self.vocab_size, "block_size": self.block_size,
                "n_layer": self.n_layer, "n_embd": self.n_embd, "n_head": self.n_head, "norm": self.norm,
                "activation": self.activation, "bias": self.bias, "init_std": self.init_std}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> GPT:
        """A new GPT of the architecture `config()` described (weights from rng=0).

        Example:
            >>> GPT.from_config(GPT(3, 4, 1, 4, 2, rng=5).config()).num_parameters()
            295
        """
        check_config_keys(config, {"type", "vocab_size", "block_size", "n_layer", "n_embd", "n_head", "norm",
                                   "activation", "bias", "init_std"})
        return cls(**{k: v for k, v in config.items() if k != "type"}, rng=0)

    @classmethod
    def parameter_count(cls, config: dict[str, Any]) -> int:
        """The embeddings, the blocks, the first norm and lm_head.

        Example:
            >>> GPT.parameter_count({'type': 'GPT', 'vocab_size': 27, 'block_size': 16, 'n_layer': 1,
            ...                      'n_embd': 16, 'n_head': 4, 'norm': 'rms', 'activation': 'relu',
            ...                      'bias': False, 'init_std': 0.08})
            4192
        """
        vocab, block = config_size(config, "vocab_size"), config_size(config, "block_size")
        n, layers = config_size(config, "n_embd"), config_size(config, "n_layer")
        bias = config.get("bias", True) is not False
        norm = n * (1 + bias) if config.get("norm") == "layer" else 0
        block_count = TransformerBlock.parameter_count({**config, "type": "TransformerBlock"})
        return (vocab + block) * n + norm + layers * block_count + (n + bias) * vocab


def _sample(logits: list[float], temperature: float, top_k: int | None, r: Any) -> int:
    """A token id drawn from softmax(logits / temperature), among the top_k if given."""
    order = sorted(range(len(logits)), key=logits.__getitem__, reverse=True)
    keep = order[:top_k] if top_k is not None else order
    m = logits[keep[0]]
    weights = [math.exp((logits[k] - m) / temperature) for k in keep]
    return r.choices(keep, weights=weights)[0]
