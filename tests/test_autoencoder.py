"""Specification of Autoencoder and of its pictures, plot_latent and plot_reconstructions.

Every number is checked against one worked out here by hand from the parts
themselves: the encoder's and decoder's own outputs, the mean squared error
summed pixel by pixel, the grads a linear decoder must get.
"""

from __future__ import annotations

import json
import random

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from tinygrad_ann import Value, is_grad_enabled, load, no_grad, save, sum_values  # noqa: E402
from tinygrad_ann.nn import LAYER_TYPES, MLP, Autoencoder, Flatten, Layer, Linear, Sequential  # noqa: E402
from tinygrad_ann.optim import Adam  # noqa: E402
from tinygrad_ann.plot import plot_latent, plot_reconstructions  # noqa: E402

X4 = [[1.0, 0.0, 0.0, 1.0], [0.0, 1.0, 1.0, 0.0], [1.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 1.0]]


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def small_ae(code=2, seed=0):
    return Autoencoder(MLP(4, [3, code], activation="tanh", rng=seed),
                       MLP(code, [3, 4], activation="tanh", output_activation="sigmoid", rng=seed + 1))


def data(values):
    return [v.data for v in values]


def mse_by_hand(a, b):
    return sum((p - q) ** 2 for p, q in zip(a, b, strict=True)) / len(a)


# ---------------------------------------------------------------------------
# The forward pass
# ---------------------------------------------------------------------------


def test_encode_decode_and_reconstruct_compose_the_two_parts():
    ae = small_ae()
    x = [0.5, -1.0, 2.0, 0.0]
    code = data(ae.encoder(x))
    assert data(ae.encode(x)) == code and len(code) == 2
    assert data(ae.decode(code)) == data(ae.decoder(code))
    assert data(ae.reconstruct(x)) == data(ae.decoder(ae.encoder(x)))
    assert data(ae(x)) == data(ae.reconstruct(x))


def test_a_one_number_code_is_a_list_of_one():
    ae = Autoencoder(Layer(3, 1, activation="linear", rng=0), Layer(1, 3, activation="linear", rng=0))
    code = ae.encode([1.0, 2.0, 3.0])
    assert isinstance(code, list) and len(code) == 1
    assert code[0].data == ae.encoder([1.0, 2.0, 3.0]).data
    assert len(ae([1.0, 2.0, 3.0])) == 3


def test_decode_accepts_any_point_of_the_code_space():
    ae = small_ae()
    out = ae.decode([10.0, -10.0])
    assert len(out) == 4 and all(0.0 < v.data < 1.0 for v in out)   # a sigmoid output


def test_reconstruction_error_is_the_mean_squared_error_by_hand():
    ae = small_ae()
    for x in X4 + [[0.3, -0.2, 0.9, 0.4]]:
        out = data(ae(x))
        assert ae.reconstruction_error(x) == pytest.approx(mse_by_hand(out, x), rel=1e-12)
        assert ae.reconstruction_loss(x).data == pytest.approx(mse_by_hand(out, x), rel=1e-12)
    assert isinstance(ae.reconstruction_error(X4[0]), float)


def test_an_image_is_compared_with_a_flat_reconstruction_row_by_row():
    image = [[[0.0, 1.0, 0.5], [1.0, 0.0, 0.25], [0.5, 0.5, 1.0]]]     # x[channel][row][col]
    ae = Autoencoder(Sequential(Flatten(), MLP(9, [2], rng=0)), MLP(2, [9], rng=1))
    flat = [p for row in image[0] for p in row]
    out = data(ae(image))
    assert len(out) == 9
    assert ae.reconstruction_error(image) == pytest.approx(mse_by_hand(out, flat), rel=1e-12)


def test_the_loss_gives_each_output_the_gradient_two_times_its_error_over_n():
    # A linear decoder: d loss / d bias_i = d loss / d x̂_i = 2 (x̂_i - x_i) / n.
    ae = Autoencoder(Linear(3, 2, rng=0), Linear(2, 3, rng=1))
    x = [0.2, -0.7, 1.5]
    out = data(ae(x))
    loss = ae.reconstruction_loss(x)
    ae.zero_grad()
    loss.backward()
    expected = [2 * (o - t) / 3 for o, t in zip(out, x, strict=True)]
    assert [b.grad for b in ae.decoder.bias] == pytest.approx(expected, rel=1e-12)
    assert any(p.grad != 0.0 for p in ae.encoder.parameters())     # and it reaches the encoder


def test_reconstruction_error_builds_no_graph_and_leaves_grads_alone():
    ae = small_ae()
    ae.reconstruction_error(X4[0])
    assert all(p.grad == 0.0 for p in ae.parameters())
    with no_grad():
        assert not ae(X4[0])[0]._prev


def test_training_on_the_loss_makes_the_reconstructions_better():
    ae = small_ae(code=2, seed=3)
    before = [ae.reconstruction_error(x) for x in X4]
    opt = Adam(ae.parameters(), lr=0.05)
    for _ in range(300):
        loss = sum_values([ae.reconstruction_loss(x) for x in X4]) / len(X4)
        opt.zero_grad()
        loss.backward()
        opt.step()
    after = [ae.reconstruction_error(x) for x in X4]
    assert sum(after) < 0.2 * sum(before)
    assert max(after) < 0.05


# ---------------------------------------------------------------------------
# Parameters, saving and loading
# ---------------------------------------------------------------------------


def test_parameters_are_the_encoders_then_the_decoders_with_prefixed_names():
    ae = small_ae()
    names = [n for n, _ in ae.named_parameters()]
    enc = [n for n, _ in ae.encoder.named_parameters()]
    dec = [n for n, _ in ae.decoder.named_parameters()]
    assert names == [f"encoder.{n}" for n in enc] + [f"decoder.{n}" for n in dec]
    assert ae.parameters() == ae.encoder.parameters() + ae.decoder.parameters()
    assert [p for _, p in ae.named_parameters()] == ae.parameters()
    assert ae.num_parameters() == ae.encoder.num_parameters() + ae.decoder.num_parameters()


def test_a_function_part_has_no_parameters():
    ae = Autoencoder(MLP(2, [1], rng=0), lambda z: [z[0], z[0]])
    assert [n for n, _ in ae.named_parameters()] == ["encoder.layers.0.neurons.0.w.0", "encoder.layers.0.neurons.0.w.1",
                                                    "encoder.layers.0.neurons.0.b"]


def test_state_dict_round_trip():
    a, b = small_ae(seed=0), small_ae(seed=7)
    assert a.state_dict() != b.state_dict()
    b.load_state_dict(a.state_dict())
    assert a.state_dict() == b.state_dict()
    assert data(a(X4[0])) == data(b(X4[0]))


def test_save_and_load_round_trip(tmp_path):
    ae = Autoencoder(Sequential(Flatten(), MLP(9, [4, 2], activation="tanh", rng=0)),
                     MLP(2, [4, 9], activation="tanh", output_activation="sigmoid", rng=1))
    path = tmp_path / "ae.json"
    save(ae, path)
    assert json.loads(path.read_text())["architecture"]["type"] == "Autoencoder"
    copy = load(path)
    assert isinstance(copy, Autoencoder) and copy.config() == ae.config()
    assert copy.state_dict() == ae.state_dict()
    image = [[[0.1 * (r + c) for c in range(3)] for r in range(3)]]
    assert data(copy(image)) == data(ae(image))
    other = Autoencoder(Sequential(Flatten(), MLP(9, [4, 2], activation="tanh", rng=5)),
                        MLP(2, [4, 9], activation="tanh", output_activation="sigmoid", rng=6))
    assert load(path, into=other) is other and other.state_dict() == ae.state_dict()


def test_parameter_count_from_the_config_alone():
    ae = small_ae()
    assert Autoencoder.parameter_count(ae.config()) == ae.num_parameters()
    assert LAYER_TYPES["Autoencoder"] is Autoencoder


def test_an_autoencoder_with_a_function_part_cannot_be_saved(tmp_path):
    ae = Autoencoder(MLP(2, [1], rng=0), lambda z: [z[0], z[0]])
    with pytest.raises(ValueError, match=r"^save: config: the decoder of the Autoencoder .* cannot be saved"):
        save(ae, tmp_path / "ae.json")
    assert not (tmp_path / "ae.json").exists()


@pytest.mark.parametrize("architecture, message", [
    ({"type": "Autoencoder", "encoder": {"type": "Flatten"}}, r"decoder must be a layer config .*, got None"),
    ({"type": "Autoencoder", "encoder": {"type": "Flatten"}, "decoder": {"type": "Flatten"}, "x": 1},
     "expected the keys"),
    ({"type": "Autoencoder", "encoder": {"type": "Flatten"}, "decoder": 3}, "decoder must be a layer config"),
    ({"type": "Autoencoder", "encoder": {"type": "Nope"}, "decoder": {"type": "Flatten"}}, "unknown architecture"),
])
def test_a_bad_saved_architecture_is_a_value_error(tmp_path, architecture, message):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"format": "tinygrad_ann.model", "version": 1,
                                "architecture": architecture, "parameters": {}}))
    with pytest.raises(ValueError, match=message):
        load(path)


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------


def test_parts_that_cannot_be_called_are_a_type_error():
    with pytest.raises(TypeError, match=r"^Autoencoder: encoder must be a module or function .*, got 3 \(int\)$"):
        Autoencoder(3, MLP(2, [2]))
    with pytest.raises(TypeError, match=r"^Autoencoder: decoder must be"):
        Autoencoder(MLP(2, [2]), "decoder")


def test_parts_of_mismatched_sizes_are_caught_when_built():
    with pytest.raises(ValueError, match=r"^Autoencoder: the encoder gives codes of 2 numbers but the decoder reads 3"):
        Autoencoder(MLP(4, [2], rng=0), MLP(3, [4], rng=0))
    with pytest.raises(ValueError, match=r"^Autoencoder: the decoder gives 5 numbers but the encoder reads 4"):
        Autoencoder(MLP(4, [2], rng=0), MLP(2, [5], rng=0))
    with pytest.raises(ValueError, match=r"the decoder gives 8 numbers but the encoder reads 9"):
        Autoencoder(Sequential(Layer(9, 4, rng=0), Layer(4, 2, rng=0)), Linear(2, 8, rng=0))


def test_a_decoder_of_the_wrong_size_is_caught_when_called_naming_both_sizes():
    ae = Autoencoder(Sequential(Flatten(), MLP(9, [2], rng=0)), MLP(2, [8], rng=0))  # Flatten: sizes unknown
    image = [[[0.0] * 3] * 3]
    with pytest.raises(ValueError, match=r"^Autoencoder: the decoder gave 8 numbers for an input of 9; "):
        ae(image)
    with pytest.raises(ValueError, match="gave 8 numbers for an input of 9"):
        ae.reconstruction_error(image)


def test_a_bad_sample_is_the_encoders_error():
    ae = small_ae()
    with pytest.raises(ValueError, match=r"^MLP: x must be a list of 4 numbers"):
        ae([1.0, 2.0])
    with pytest.raises(TypeError, match=r"^MLP: x must be"):
        ae.reconstruction_error(3.0)


def test_an_empty_sample_is_a_value_error():
    ae = Autoencoder(lambda x: x, lambda z: z)
    with pytest.raises(ValueError, match=r"^Autoencoder: x must be a sample of at least one number, got \[\] \(list\)$"):
        ae.reconstruction_error([])


def test_repr_shows_both_parts():
    ae = Autoencoder(MLP(3, [2], rng=0), MLP(2, [3], rng=0))
    assert repr(ae) == ("Autoencoder(encoder=MLP(3 → 2 linear; 8 parameters), "
                        "decoder=MLP(2 → 3 linear; 9 parameters); 17 parameters)")


# ---------------------------------------------------------------------------
# plot_latent
# ---------------------------------------------------------------------------


def samples(n, size=4, seed=0):
    r = random.Random(seed)
    return [[r.random() for _ in range(size)] for _ in range(n)]


def test_plot_latent_draws_exactly_the_codes_one_scatter_per_class():
    ae = small_ae()
    X = samples(12)
    y = [i % 3 for i in range(12)]
    ax = plot_latent(ae, X, y)
    assert len(ax.collections) == 3
    for c, collection in enumerate(ax.collections):
        expected = [data(ae.encoder(x)) for x, label in zip(X, y, strict=True) if label == c]
        assert np.allclose(collection.get_offsets(), expected, rtol=0, atol=1e-12)
        assert collection.get_label() == str(c)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["0", "1", "2"]


def test_plot_latent_writes_each_class_at_the_median_of_its_codes():
    ae = small_ae()
    X, y = samples(9), ["b", "a", "b", "a", "b", "a", "b", "a", "b"]
    ax = plot_latent(ae, X, y)
    codes = np.array([data(ae.encode(x)) for x in X])
    assert [t.get_text() for t in ax.texts] == ["a", "b"]              # sorted
    for text in ax.texts:
        mine = np.array([label == text.get_text() for label in y])
        assert np.allclose(text.get_position(), np.median(codes[mine], axis=0))
    assert not plot_latent(ae, X, y, annotate=False).texts


def test_plot_latent_gives_every_class_of_ten_its_own_colour_and_marker():
    ae = small_ae()
    ax = plot_latent(ae, samples(20), [i % 10 for i in range(20)])
    styles = {(tuple(c.get_facecolor()[0][:3]), c.get_paths()[0].vertices.tobytes()) for c in ax.collections}
    assert len(styles) == 10


def test_plot_latent_takes_an_encoder_function_and_no_labels():
    X = samples(5)
    ax = plot_latent(lambda x: [x[0] - x[1], x[2] * 2], X)
    assert len(ax.collections) == 1 and ax.get_legend() is None
    assert np.allclose(ax.collections[0].get_offsets(), [[x[0] - x[1], x[2] * 2] for x in X])
    assert ax.get_title() == "5 samples in the 2-D code space"


def test_plot_latent_draws_on_the_axes_given():
    fig, ax = plt.subplots()
    assert plot_latent(small_ae(), samples(3), [0, 1, 0], ax=ax) is ax


@pytest.mark.parametrize("model, message", [
    (lambda x: [x[0], x[1], x[2]], r"^plot_latent: the codes must be 2-D .*the code of X\[0\] has 3 numbers"),
    (lambda x: Value(x[0]), r"^plot_latent: the codes must be 2-D .*has 1 number;"),
    (lambda x: [float("nan"), 0.0], r"^plot_latent: the code of X\[0\]\[0\] must be a finite number, got nan"),
])
def test_plot_latent_refuses_codes_it_cannot_draw(model, message):
    with pytest.raises(ValueError, match=message):
        plot_latent(model, samples(3))


def test_plot_latent_refuses_bad_arguments():
    ae = small_ae()
    with pytest.raises(TypeError, match=r"^plot_latent: model must be an Autoencoder or an encoder"):
        plot_latent(3, samples(2))
    with pytest.raises(ValueError, match=r"^plot_latent: X has 3 samples but y has 2 labels"):
        plot_latent(ae, samples(3), [0, 1])
    with pytest.raises(ValueError, match=r"^plot_latent: X must be a list of at least one sample"):
        plot_latent(ae, [])
    with pytest.raises(TypeError, match=r"^plot_latent: X must be a list of samples"):
        plot_latent(ae, "abc")
    with pytest.raises(TypeError, match=r"^plot_latent: ax must be a matplotlib Axes"):
        plot_latent(ae, samples(2), ax="left")
    with pytest.raises(TypeError, match=r"^plot_latent: y must be a list of labels"):
        plot_latent(ae, samples(2), y=5)


# ---------------------------------------------------------------------------
# plot_reconstructions
# ---------------------------------------------------------------------------


def test_plot_reconstructions_shows_the_inputs_above_and_the_reconstructions_below():
    ae = small_ae()
    X = samples(5)
    fig = plot_reconstructions(ae, X, n=3)
    assert len(fig.axes) == 6
    for k in range(3):
        top, bottom = fig.axes[k], fig.axes[3 + k]
        assert np.array_equal(top.images[0].get_array(), np.array(X[k]).reshape(2, 2))
        assert np.allclose(bottom.images[0].get_array(), np.array(data(ae(X[k]))).reshape(2, 2), rtol=0, atol=1e-15)
        assert bottom.get_xlabel() == f"error {ae.reconstruction_error(X[k]):.3g}"
    assert fig.axes[0].get_ylabel() == "input" and fig.axes[3].get_ylabel() == "reconstruction"


def test_plot_reconstructions_reads_images_and_their_flat_reconstructions_alike():
    image = [[[0.0, 1.0, 0.5], [1.0, 0.0, 0.25], [0.5, 0.5, 1.0]]]
    ae = Autoencoder(Sequential(Flatten(), MLP(9, [2], rng=0)), MLP(2, [9], output_activation="sigmoid", rng=1))
    fig = plot_reconstructions(ae, [image], y=[7])
    assert np.array_equal(fig.axes[0].images[0].get_array(), np.array(image[0]))
    assert np.allclose(fig.axes[1].images[0].get_array(), np.array(data(ae(image))).reshape(3, 3))
    assert fig.axes[0].get_title() == "7"


def test_plot_reconstructions_draws_flat_samples_in_the_shape_given():
    ae = Autoencoder(lambda x: x, lambda z: [1.0 - v for v in z])           # x̂ = 1 - x
    x = [0.0, 0.25, 0.5, 0.75, 1.0, 0.5]
    fig = plot_reconstructions(ae, [x], shape=(2, 3))
    assert fig.axes[0].images[0].get_array().tolist() == [[0.0, 0.25, 0.5], [0.75, 1.0, 0.5]]
    assert fig.axes[1].images[0].get_array().tolist() == [[1.0, 0.75, 0.5], [0.25, 0.0, 0.5]]
    expected = sum((1 - 2 * v) ** 2 for v in x) / 6
    assert fig.axes[1].get_xlabel() == f"error {expected:.3g}"


def test_plot_reconstructions_titles():
    ae = Autoencoder(lambda x: x, lambda z: z)
    assert plot_reconstructions(ae, [[0.0] * 4]).get_suptitle() == "inputs above, their reconstructions below"
    assert plot_reconstructions(ae, [[0.0] * 4], title="the normal digits").get_suptitle() == "the normal digits"
    two_channels = [[[0.0, 1.0], [1.0, 0.0]], [[1.0, 1.0], [0.0, 0.0]]]
    fig = plot_reconstructions(ae, [two_channels], channel=1)
    assert fig.get_suptitle() == "inputs above, their reconstructions below (channel 1 of 2)"
    assert fig.axes[0].images[0].get_array().tolist() == [[1.0, 1.0], [0.0, 0.0]]
    with pytest.raises(TypeError, match=r"^plot_reconstructions: title must be a string"):
        plot_reconstructions(ae, [[0.0] * 4], title=3)


def test_plot_reconstructions_draws_at_most_the_samples_there_are():
    fig = plot_reconstructions(small_ae(), samples(2), n=8)
    assert len(fig.axes) == 4


def test_plot_reconstructions_shares_one_grey_scale():
    fig = plot_reconstructions(Autoencoder(lambda x: x, lambda z: [2.0 * v for v in z]), [[0.5, 1.0, 0.0, 1.0]])
    assert {ax.images[0].get_clim() for ax in fig.axes} == {(0.0, 2.0)}


@pytest.mark.parametrize("X, kwargs, error, message", [
    ([[0.0] * 6], {}, ValueError, r"^plot_reconstructions: a flat sample of 6 numbers is not a square image"),
    ([[0.0] * 6], {"shape": (4, 2)}, ValueError, r"shape=\(4, 2\) holds 8 numbers but a sample has 6"),
    ([[0.0] * 4], {"shape": 4}, TypeError, r"shape must be a pair \(rows, cols\)"),
    ([[[0.0, 1.0], [1.0, 0.0]]], {}, ValueError, r"give it its channel: \[image\]"),
    ([[[[0.0, 1.0], [1.0, 0.0]]]], {"channel": 1}, ValueError, r"channel must be a channel of the images, 0 to 0"),
    ([[0.0] * 4], {"n": 0}, ValueError, r"^plot_reconstructions: n must be a whole number >= 1"),
    ([[0.0] * 4], {"fig": "new"}, TypeError, r"^plot_reconstructions: fig must be a matplotlib Figure"),
    ([], {}, ValueError, r"^plot_reconstructions: X must be a list of at least one sample"),
    ([[0.0] * 4, [0.0] * 9], {}, ValueError, r"X\[1\] has 9 numbers, but X\[0\] has 4"),
])
def test_plot_reconstructions_refuses_bad_input(X, kwargs, error, message):
    ae = Autoencoder(lambda x: x, lambda z: z)
    with pytest.raises(error, match=message):
        plot_reconstructions(ae, X, **kwargs)


def test_plot_reconstructions_refuses_a_model_whose_output_has_another_size():
    with pytest.raises(ValueError, match=r"the reconstruction of X\[0\] has 3 numbers, but X\[0\] has 4"):
        plot_reconstructions(lambda x: x[:3], [[0.0] * 4])
    with pytest.raises(TypeError, match=r"^plot_reconstructions: model must be an Autoencoder"):
        plot_reconstructions(None, [[0.0] * 4])


def test_the_pictures_run_the_model_under_no_grad():
    seen = []

    def model(x):
        seen.append(is_grad_enabled())
        return [x[0], x[1]] if len(seen) <= 3 else list(x)

    plot_latent(model, samples(3))
    plot_reconstructions(model, samples(3))
    assert seen == [False] * 6
