"""`Embedding`: a table of learned vectors, one row per token id (PyTorch's `nn.Embedding`).

A language model reads token ids (whole numbers: a character's place in the
alphabet, say), not numbers it could weigh. An embedding turns id k into row k
of a table, `weight[k]`: a list of `embedding_dim` Values, learned like any
weight. Looking up a row is not arithmetic, so it makes no node: the row *is*
the parameters, and backward() adds into their grads wherever the row is used.

Example:
    >>> emb = Embedding(27, 4, rng=0)
    >>> row = emb(3)
    >>> len(row), row[0] is emb.weight[3][0]
    (4, True)
"""

from __future__ import annotations

from typing import Any

from .._checks import got, is_whole_number, random_source, whole_number, wrong_type
from .._types import RNG
from ..engine import Value
from .module import Module, check_config_keys, config_size

__all__ = ["Embedding", "token_id"]


def token_id(owner: str, name: str, x: object, vocab_size: int) -> int:
    """`x` as a token id in 0..vocab_size-1; else a TypeError (not a whole number)
    or a ValueError (outside the vocabulary) naming `owner` and `name`.

    Example:
        >>> token_id('GPT', 'tokens[0]', 3, 27)
        3
        >>> token_id('GPT', 'tokens[2]', 30, 27)
        Traceback (most recent call last):
        ValueError: GPT: tokens[2] must be a token id in 0..26 (the vocabulary has 27 tokens), got 30
    """
    if not is_whole_number(x):
        wrong_type(owner, name, f"a token id (an int in 0..{vocab_size - 1})", x)
    k = int(x)  # type: ignore[call-overload]
    if not 0 <= k < vocab_size:
        raise ValueError(f"{owner}: {name} must be a token id in 0..{vocab_size - 1} "
                         f"(the vocabulary has {vocab_size} tokens), got {got(x).split(' (')[0]}")
    return k


class Embedding(Module):
    """A table of `num_embeddings` learned vectors of `embedding_dim` numbers.

    `emb(k)` is row k, `weight[k]` (the parameter Values themselves); `emb([k1,
    k2, ...])` is a list of rows. The rows start N(0, 1), as PyTorch's do.

    Example:
        >>> emb = Embedding(3, 2, rng=0)
        >>> x = [a + b for a, b in zip(emb(0), emb(2))]     # two rows, added
        >>> x[0].backward()
        >>> emb.weight[0][0].grad, emb.weight[1][0].grad
        (1.0, 0.0)
    """

    def __init__(self, num_embeddings: int, embedding_dim: int, rng: RNG = None) -> None:
        self.num_embeddings = whole_number("Embedding", "num_embeddings", num_embeddings, minimum=1)
        self.embedding_dim = whole_number("Embedding", "embedding_dim", embedding_dim, minimum=1)
        r = random_source("Embedding", rng)
        self.weight = [[Value(r.gauss(0.0, 1.0)) for _ in range(self.embedding_dim)]
                       for _ in range(self.num_embeddings)]

    def __call__(self, ids: int | list[int]) -> Any:
        """Row `ids` of the table, or a list of rows for a list of ids.

        Example:
            >>> emb = Embedding(5, 2, rng=0)
            >>> len(emb([1, 4, 1])), emb(1) is emb.weight[1]
            (3, True)
        """
        if isinstance(ids, (list, tuple)):
            return [self.weight[token_id("Embedding", f"ids[{i}]", k, self.num_embeddings)]
                    for i, k in enumerate(ids)]
        return self.weight[token_id("Embedding", "ids", ids, self.num_embeddings)]

    def named_parameters(self) -> list[tuple[str, Value]]:
        """'weight.k.j', row by row: PyTorch's names and order.

        Example:
            >>> [n for n, _ in Embedding(2, 1, rng=0).named_parameters()]
            ['weight.0.0', 'weight.1.0']
        """
        return [(f"weight.{k}.{j}", w) for k, row in enumerate(self.weight) for j, w in enumerate(row)]

    def parameters(self) -> list[Value]:
        """Every row's Values, row by row.

        Example:
            >>> len(Embedding(27, 16, rng=0).parameters())
            432
        """
        return [w for row in self.weight for w in row]  # (no names: zero_grad() asks at every step)

    def __repr__(self) -> str:
        return f"Embedding({self.num_embeddings}, {self.embedding_dim}; {self.num_parameters()} parameters)"

    def config(self) -> dict[str, Any]:
        """The constructor arguments that rebuild this architecture (for `save`).

        Example:
            >>> Embedding(27, 16, rng=0).config()
            {'type': 'Embedding', 'num_embeddings': 27, 'embedding_dim': 16}
        """
        return {"type": "Embedding", "num_embeddings": self.num_embeddings, "embedding_dim": self.embedding_dim}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Embedding:
        """A new Embedding of the architecture `config()` described (weights from rng=0).

        Example:
            >>> Embedding.from_config({'type': 'Embedding', 'num_embeddings': 3, 'embedding_dim': 2})
            Embedding(3, 2; 6 parameters)
        """
        check_config_keys(config, {"type", "num_embeddings", "embedding_dim"})
        return cls(config["num_embeddings"], config["embedding_dim"], rng=0)

    @classmethod
    def parameter_count(cls, config: dict[str, Any]) -> int:
        """num_embeddings × embedding_dim.

        Example:
            >>> Embedding.parameter_count({'type': 'Embedding', 'num_embeddings': 27, 'embedding_dim': 16})
            432
        """
        return config_size(config, "num_embeddings") * config_size(config, "embedding_dim")
