"""Specification of the transformer pictures: plot_attention and plot_embeddings.

What is drawn is checked against numbers worked out here: the attention
weights recomputed by hand from one head's own query and key layers, and the
2-D projection of embeddings whose shape is known (points on a line, a square).
"""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from tinygrad_ann.nn import GPT, CausalSelfAttention, Embedding, TransformerBlock  # noqa: E402
from tinygrad_ann.plot import plot_attention, plot_embeddings  # noqa: E402

XS = [[0.5, -1.0, 0.3, 0.2], [-0.7, 0.9, 1.0, 0.0], [0.1, -0.4, 0.6, -0.2]]


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def weights_by_hand(attn, xs, head):
    """Head `head`'s softmax(q·k/√d) over s <= t, from the layers' own weights."""
    d = attn.head_dim
    lo = head * d

    def project(layer, x):
        return [sum(w.data * xi for w, xi in zip(row, x)) + (layer.bias[o].data if layer.bias else 0.0)
                for o, row in enumerate(layer.weight)]

    qs = [project(attn.q_proj, x)[lo:lo + d] for x in xs]
    ks = [project(attn.k_proj, x)[lo:lo + d] for x in xs]
    rows = []
    for t, q in enumerate(qs):
        scores = [sum(a * b for a, b in zip(q, ks[s])) / math.sqrt(d) for s in range(t + 1)]
        e = [math.exp(x - max(scores)) for x in scores]
        rows.append([x / sum(e) for x in e] + [0.0] * (len(xs) - t - 1))
    return rows


def test_each_panel_is_one_heads_weights():
    attn = CausalSelfAttention(4, 2, rng=3)
    fig = plot_attention(attn, XS, labels=["a", "b", "c"])
    panels = [ax for ax in fig.axes if ax.get_title().startswith("head")]
    assert [ax.get_title() for ax in panels] == ["head 1", "head 2"]
    for h, ax in enumerate(panels):
        shown = np.asarray(ax.images[0].get_array())
        assert shown == pytest.approx(np.array(weights_by_hand(attn, XS, h)), abs=1e-12)
        assert ax.images[0].get_clim() == (0.0, 1.0)
        assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
        assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b", "c"]


def test_a_gpt_shows_the_block_asked_for():
    model = GPT(5, 6, 2, 4, 2, init_std=0.5, rng=1)
    tokens = [4, 0, 3, 1]
    for layer in (0, 1):
        fig = plot_attention(model, tokens, layer=layer)
        expected = model.attention_maps(tokens)[layer]
        shown = [np.asarray(ax.images[0].get_array()) for ax in fig.axes if ax.images]
        assert [s.tolist() for s in shown] == expected
    assert plot_attention(model, tokens, layer=0).axes[0].images[0].get_array().tolist() != \
        plot_attention(model, tokens, layer=1).axes[0].images[0].get_array().tolist()


def test_a_block_is_drawn_from_its_attention():
    block = TransformerBlock(4, 2, rng=0)
    fig = plot_attention(block, XS)
    normed = [[v.data for v in block.norm1(x)] for x in XS]
    assert np.asarray(fig.axes[1].images[0].get_array()) == pytest.approx(
        np.array(weights_by_hand(block.attn, normed, 1)), abs=1e-12)


def test_plot_attention_draws_into_a_given_figure():
    fig = plt.figure()
    assert plot_attention(CausalSelfAttention(2, 1, rng=0), [[1.0, 2.0], [3.0, 4.0]], fig=fig) is fig


@pytest.mark.parametrize("call, error, message", [
    (lambda: plot_attention(Embedding(3, 2, rng=0), [0, 1]), TypeError,
     "plot_attention: model must be a GPT, a TransformerBlock or a CausalSelfAttention"),
    (lambda: plot_attention(GPT(5, 6, 1, 4, 2, rng=0), [0, 1], labels=["a"]), ValueError,
     "plot_attention: labels must be a list of 2 strings, one per position"),
    (lambda: plot_attention(GPT(5, 6, 1, 4, 2, rng=0), [0, 1], labels="ab"), TypeError,
     "plot_attention: labels must be a list of 2 strings"),
    (lambda: plot_attention(GPT(5, 6, 1, 4, 2, rng=0), [0, 1], layer=1), ValueError,
     r"plot_attention: layer must be a block number in 0..0"),
    (lambda: plot_attention(GPT(5, 6, 1, 4, 2, rng=0), [0, 9]), ValueError,
     r"GPT.attention_maps: tokens\[1\] must be a token id in 0..4"),
])
def test_plot_attention_rejects_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


def points_of(ax):
    return np.asarray(ax.collections[0].get_offsets())


def test_embeddings_on_a_line_lie_on_the_first_axis():
    emb = Embedding(4, 3, rng=0)
    for k, row in enumerate(emb.weight):  # row k = k * (1, 2, 2): a line through the origin
        for j, w in enumerate(row):
            w.data = k * (1.0, 2.0, 2.0)[j]
    ax = plot_embeddings(emb, labels=["p", "q", "r", "s"])
    points = points_of(ax)
    assert points[:, 1] == pytest.approx(0.0, abs=1e-12)  # no spread across the line
    gaps = np.abs(np.diff(points[:, 0]))
    assert gaps == pytest.approx(3.0, abs=1e-12)  # |(1, 2, 2)| = 3 between neighbours
    assert "100%" in ax.get_xlabel() and "0%" in ax.get_ylabel()
    assert [t.get_text() for t in ax.texts] == ["p", "q", "r", "s"]


def test_embeddings_keep_distances_when_they_are_two_dimensional():
    emb = Embedding(4, 3, rng=0)
    corners = [(0.0, 0.0, 1.0), (2.0, 0.0, 1.0), (0.0, 1.0, 1.0), (2.0, 1.0, 1.0)]  # a 2 x 1 rectangle
    for row, corner in zip(emb.weight, corners):
        for w, c in zip(row, corner):
            w.data = c
    points = points_of(plot_embeddings(emb))
    for i in range(4):
        for j in range(4):
            d3 = math.dist(corners[i], corners[j])
            assert math.dist(points[i], points[j]) == pytest.approx(d3, abs=1e-12)


def test_a_gpt_shows_its_token_embedding():
    model = GPT(5, 4, 1, 4, 2, rng=0)
    ax = plot_embeddings(model)
    assert len(points_of(ax)) == 5 and [t.get_text() for t in ax.texts] == ["0", "1", "2", "3", "4"]


@pytest.mark.parametrize("call, error, message", [
    (lambda: plot_embeddings(CausalSelfAttention(2, 1, rng=0)), TypeError,
     "plot_embeddings: model must be a GPT or an Embedding"),
    (lambda: plot_embeddings(Embedding(3, 2, rng=0), labels=["a", "b"]), ValueError,
     "plot_embeddings: labels must be a list of 3 strings, one per token"),
])
def test_plot_embeddings_rejects_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()
