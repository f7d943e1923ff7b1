"""What a transformer learned: who attends to whom, and where the tokens sit.

- `plot_attention(model, tokens, labels=...)`: each head's attention weights
  as a heat map, one panel per head: row t is the query position, column s
  the position it reads, the colour how much (0 to 1; each row sums to 1, and
  everything right of the diagonal is 0: a token never reads the future).
  `model` is a `GPT` (tokens are ids), or a `TransformerBlock` or
  `CausalSelfAttention` (tokens are the position vectors it reads).
- `plot_embeddings(model, labels=...)`: a GPT's token embeddings (or any
  `Embedding`'s rows) projected onto their two main directions (principal
  components), each point labelled with its token: tokens the model uses
  alike end up close together.

Example:
    >>> from tinygrad_ann.nn import GPT
    >>> model = GPT(vocab_size=4, block_size=8, n_layer=1, n_embd=4, n_head=2, rng=0)
    >>> fig = plot_attention(model, [3, 0, 1, 2], labels=['.', 'a', 'b', 'c'])
    >>> [ax.get_title() for ax in fig.axes[:2]]
    ['head 1', 'head 2']
    >>> ax = plot_embeddings(model, labels=['a', 'b', 'c', '.'])
    >>> len(ax.texts)
    4
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure, SubFigure

from .._checks import whole_number, wrong_type, wrong_value
from ..engine import no_grad
from ..nn import GPT, CausalSelfAttention, Embedding, TransformerBlock
from .common import PALETTE

__all__ = ["plot_attention", "plot_embeddings", "ATTENTION_CMAP"]

#: The colour map of attention weights: sequential, from 0 (not read) to 1.
ATTENTION_CMAP = "viridis"


def _weights(model: Any, tokens: Any, layer: int) -> list[list[list[float]]]:
    """weights[head][t][s] of `model` on `tokens` (block `layer` of a GPT)."""
    owner = "plot_attention"
    if isinstance(model, GPT):
        layer = whole_number(owner, "layer", layer, minimum=0)
        if layer >= model.n_layer:
            wrong_value(owner, "layer", f"a block number in 0..{model.n_layer - 1}", layer,
                        why=f"the GPT has {model.n_layer} block{'s' * (model.n_layer != 1)}")
        return model.attention_maps(tokens)[layer]
    if isinstance(model, (TransformerBlock, CausalSelfAttention)):
        with no_grad():
            return model.forward_with_weights(tokens)[1]
    wrong_type(owner, "model", "a GPT, a TransformerBlock or a CausalSelfAttention", model)


def plot_attention(
    model: GPT | TransformerBlock | CausalSelfAttention,
    tokens: Sequence[Any],
    labels: Sequence[str] | None = None,
    *,
    layer: int = 0,
    fig: Figure | SubFigure | None = None,
    cmap: str = ATTENTION_CMAP,
) -> Figure | SubFigure:
    """Each head's attention weights on `tokens`, a heat map per head.

    Row t is the query (the position reading), column s the key (the position
    read); the colour is the weight w(t, s), from 0 to 1. `labels` names the
    positions on both axes (e.g. the characters of a name; the token ids when
    None). For a GPT, `layer` picks the block. Draws in `fig` (or a new
    figure) and returns it.

    Example:
        >>> from tinygrad_ann.nn import GPT
        >>> model = GPT(5, 8, 1, 4, 2, rng=0)
        >>> fig = plot_attention(model, [4, 0, 1])
        >>> [t.get_text() for t in fig.axes[0].get_xticklabels()]
        ['4', '0', '1']
    """
    maps = _weights(model, tokens, layer)
    n = len(maps[0])
    if labels is None:
        names = [str(t) if not isinstance(t, (list, tuple)) else str(i) for i, t in enumerate(tokens)]
    else:
        if isinstance(labels, str) or not isinstance(labels, Sequence):
            wrong_type("plot_attention", "labels", f"a list of {n} strings, one per position", labels)
        if len(labels) != n:
            wrong_value("plot_attention", "labels", f"a list of {n} strings, one per position", labels,
                        why=f"{len(labels)} labels for {n} positions")
        names = [str(x) for x in labels]
    heads = len(maps)
    if fig is None:
        fig = plt.figure(figsize=(min(3.2 * heads, 14) + 0.8, 3.4), layout="constrained")
    axes = fig.subplots(1, heads, squeeze=False)[0]
    image: Any = None
    for h, (ax, weights) in enumerate(zip(axes, maps, strict=True)):
        image = ax.imshow(np.array(weights), cmap=cmap, vmin=0.0, vmax=1.0)
        ax.set_title(f"head {h + 1}")
        ax.set_xticks(range(n), names)
        ax.set_yticks(range(n), names)
        ax.set_xlabel("reads position (key)")
        if h == 0:
            ax.set_ylabel("position (query)")
    fig.colorbar(image, ax=list(axes), shrink=0.85, label="attention weight")
    return fig


def plot_embeddings(
    model: GPT | Embedding,
    labels: Sequence[str] | None = None,
    *,
    ax: Axes | None = None,
) -> Axes:
    """Token embeddings in 2-D: each row projected onto the two principal components.

    `model` is a GPT (its token embedding `wte`) or an `Embedding`. `labels`
    names the rows (e.g. `list(tokenizer.chars) + ['.']`); the row numbers when
    None. The axes' titles say how much of the spread the two directions keep.

    Example:
        >>> from tinygrad_ann.nn import Embedding
        >>> ax = plot_embeddings(Embedding(3, 5, rng=0), labels=['a', 'b', 'c'])
        >>> [t.get_text() for t in ax.texts]
        ['a', 'b', 'c']
    """
    table = model.wte if isinstance(model, GPT) else model
    if not isinstance(table, Embedding):
        wrong_type("plot_embeddings", "model", "a GPT or an Embedding", model)
    rows = np.array([[w.data for w in row] for row in table.weight])
    k = len(rows)
    if labels is None:
        names = [str(i) for i in range(k)]
    else:
        if isinstance(labels, str) or not isinstance(labels, Sequence) or len(labels) != k:
            wrong_value("plot_embeddings", "labels", f"a list of {k} strings, one per token", labels)
        names = [str(x) for x in labels]
    centred = rows - rows.mean(axis=0)
    _, spread, directions = np.linalg.svd(centred, full_matrices=False)
    if directions.shape[0] < 2:  # one-number embeddings: the second axis is 0
        directions = np.vstack([directions, np.zeros_like(directions)])
        spread = np.append(spread, 0.0)
    points = centred @ directions[:2].T
    total = float((spread**2).sum()) or 1.0
    kept = [float(s**2) / total for s in spread[:2]]
    if ax is None:
        _, ax = plt.subplots(figsize=(5.5, 5.0), layout="constrained")
    ax.scatter(points[:, 0], points[:, 1], s=28, color=PALETTE[0], alpha=0.35)
    for (x, y), name in zip(points, names, strict=True):
        ax.annotate(name, (x, y), xytext=(3, 3), textcoords="offset points", fontsize=11)
    ax.set_xlabel(f"first direction ({kept[0]:.0%} of the spread)")
    ax.set_ylabel(f"second direction ({kept[1]:.0%} of the spread)")
    ax.set_title(f"{k} token embeddings of {rows.shape[1]} numbers, in 2-D")
    ax.grid(alpha=0.3)
    return ax
