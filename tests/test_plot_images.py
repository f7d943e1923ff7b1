"""Tests for tinygrad_ann.plot.images: a grid of images, a conv's kernels, its feature maps.

Each picture is checked through what matplotlib keeps of it: the panels'
titles and their colours, the pixel arrays and colour limits of their images,
the text written in the cells. Figures are drawn with the non-interactive Agg
backend and closed after each test.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

from tinygrad_ann import Value, is_grad_enabled  # noqa: E402
from tinygrad_ann.datasets import load_digits  # noqa: E402
from tinygrad_ann.nn import MLP, Conv1d, Conv2d, Flatten, Sequential  # noqa: E402
from tinygrad_ann.plot import (  # noqa: E402
    KERNEL_CMAP,
    WRONG_COLOR,
    plot_feature_maps,
    plot_images,
    plot_kernels,
)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def image(*rows):
    """A one-channel image from its rows."""
    return [[list(row) for row in rows]]


PLUS = image([0, 1, 0], [1, 1, 1], [0, 1, 0])
CROSS = image([1, 0, 1], [0, 1, 0], [1, 0, 1])
BAR = image([0, 0, 0], [1, 1, 1], [0, 0, 0])


def panels(fig):
    """The panels that hold a picture (not the colour bar)."""
    return [ax for ax in fig.axes if ax.images]


def pixels(ax):
    return np.asarray(ax.images[0].get_array())


def outputs(conv, x):
    """conv(x) as an (out, rows, cols) array: what the feature maps must show."""
    return np.array([[[v.data for v in row] for row in channel] for channel in conv(x)])


def weights(conv):
    return np.array([[[[w.data for w in row] for row in channel] for channel in out] for out in conv.weight])


def set_weights(conv, values):
    """conv.weight[o][c][u][v] = Value(values[o][c][u][v])."""
    conv.weight = [[[[Value(float(w)) for w in row] for row in channel] for channel in out] for out in values]


# ---------------------------------------------------------------------------
# plot_images
# ---------------------------------------------------------------------------


def test_plot_images_titles_each_image_with_its_label():
    fig = plot_images([PLUS, CROSS, BAR], ["plus", "cross", "bar"])
    assert [ax.get_title() for ax in fig.axes] == ["plus", "cross", "bar"]


def test_plot_images_draws_each_images_pixels():
    X = [PLUS, [[[Value(0.25), Value(0.5)], [Value(0.75), Value(1.0)]]]]  # numbers or Values
    fig = plot_images(X, [0, 1])
    np.testing.assert_array_equal(pixels(fig.axes[0]), PLUS[0])
    np.testing.assert_array_equal(pixels(fig.axes[1]), [[0.25, 0.5], [0.75, 1.0]])


def test_plot_images_draws_every_image_on_one_grey_scale_ink_dark():
    fig = plot_images([image([0.0, 0.2]), image([0.1, 0.3])], [0, 1])
    for ax in fig.axes:
        assert ax.images[0].get_clim() == (0.0, 1.0)  # a faint image looks faint
        assert ax.images[0].get_cmap().name == "gray_r"  # 0 white paper, 1 black ink


def test_plot_images_widens_the_grey_scale_to_pixels_outside_0_1():
    fig = plot_images([image([-2.0, 0.5]), image([3.0, 0.0])], [0, 1])
    assert {ax.images[0].get_clim() for ax in fig.axes} == {(-2.0, 3.0)}


def test_plot_images_titles_wrong_predictions_true_then_predicted_in_red():
    fig = plot_images([PLUS, CROSS, BAR], [0, 1, 2], predictions=[0, 2, 1])
    assert [ax.get_title() for ax in fig.axes] == ["0", "1 → 2", "2 → 1"]
    red = [to_hex(ax.title.get_color()) == WRONG_COLOR.lower() for ax in fig.axes]
    assert red == [False, True, True]


def test_plot_images_frames_wrong_predictions_in_red():
    fig = plot_images([PLUS, CROSS], ["plus", "cross"], predictions=["plus", "plus"])
    right, wrong = fig.axes
    assert {to_hex(s.get_edgecolor()) for s in wrong.spines.values()} == {WRONG_COLOR.lower()}
    assert WRONG_COLOR.lower() not in {to_hex(s.get_edgecolor()) for s in right.spines.values()}


def test_plot_images_counts_the_wrong_predictions_in_the_figure_title():
    fig = plot_images([PLUS, CROSS, BAR], [0, 1, 2], predictions=[0, 1, 0])
    assert fig.get_suptitle() == "1 of 3 predicted wrong (red: true → predicted)"
    fig = plot_images([PLUS, CROSS], [0, 1], predictions=[0, 1])
    assert fig.get_suptitle() == "all 2 predicted right"


def test_plot_images_compares_labels_as_numbers_and_values():
    fig = plot_images([PLUS, CROSS], [1, 2], predictions=[1.0, Value(2.0)])  # 1.0 == 1: right
    assert [ax.get_title() for ax in fig.axes] == ["1", "2"]
    assert fig.get_suptitle() == "all 2 predicted right"


def test_plot_images_without_labels_has_no_titles():
    fig = plot_images([PLUS, CROSS])
    assert [ax.get_title() for ax in fig.axes] == ["", ""]


def test_plot_images_puts_ncols_images_in_a_row():
    fig = plot_images([PLUS] * 7, list(range(7)), ncols=3)
    rows = [ax.get_subplotspec().rowspan.start for ax in fig.axes]
    cols = [ax.get_subplotspec().colspan.start for ax in fig.axes]
    assert rows == [0, 0, 0, 1, 1, 1, 2]
    assert cols == [0, 1, 2, 0, 1, 2, 0]


def test_plot_images_draws_at_most_max_images_and_says_so():
    fig = plot_images([PLUS, CROSS, BAR], [0, 1, 2], max_images=2)
    assert [ax.get_title() for ax in fig.axes] == ["0", "1"]
    assert fig.get_suptitle() == "the first 2 of 3 images"


def test_plot_images_draws_the_chosen_channel_of_several():
    rgb = [[[1.0, 0.0]], [[0.0, 1.0]], [[0.5, 0.5]]]
    fig = plot_images([rgb], [0], channel=1)
    np.testing.assert_array_equal(pixels(fig.axes[0]), [[0.0, 1.0]])
    assert fig.get_suptitle() == "channel 1 of 3"


def test_plot_images_of_real_digits_marks_exactly_the_wrong_ones():
    X, y = load_digits()
    X, y = X[:12], y[:12]
    predictions = [7 if k in (2, 9) else label for k, label in enumerate(y)]
    fig = plot_images(X, y, predictions, ncols=6)
    red = [k for k, ax in enumerate(fig.axes) if to_hex(ax.title.get_color()) == WRONG_COLOR.lower()]
    assert red == [2, 9]
    assert fig.axes[2].get_title() == f"{y[2]} → 7"
    np.testing.assert_array_equal(pixels(fig.axes[5]), X[5][0])


def test_plot_images_draws_in_a_given_figure():
    fig = plt.figure()
    assert plot_images([PLUS], [0], fig=fig) is fig


def test_plot_images_X_and_y_of_different_lengths_is_an_error():
    with pytest.raises(ValueError, match=r"^plot_images: X has 3 images but y has 2 labels"):
        plot_images([PLUS, CROSS, BAR], [0, 1])


def test_plot_images_predictions_of_the_wrong_length_is_an_error():
    with pytest.raises(ValueError, match=r"^plot_images: X has 2 images but predictions has 1 label;"):
        plot_images([PLUS, CROSS], [0, 1], predictions=[0])


def test_plot_images_predictions_without_y_is_an_error():
    with pytest.raises(ValueError, match=r"^plot_images: predictions need y"):
        plot_images([PLUS, CROSS], predictions=[0, 1])


def test_plot_images_one_image_instead_of_a_list_is_an_error_that_says_what_to_pass():
    with pytest.raises(ValueError, match=r"^plot_images: X must be a list of images x\[channel\]\[row\]\[col\], "
                       r"got nested lists of shape 1 × 3 × 3.*pass \[x\]"):
        plot_images(PLUS, [0])


def test_plot_images_an_image_that_is_not_channel_row_col_is_an_error_naming_it():
    with pytest.raises(ValueError, match=r"^plot_images: X\[1\] must be an image x\[channel\]\[row\]\[col\], "
                       r"3 levels of lists, got one of shape 2 × 2"):
        plot_images([PLUS, [[0, 1], [1, 0]]], [0, 1])


def test_plot_images_a_ragged_image_is_an_error_naming_the_short_row():
    ragged = image([0, 1, 0], [1, 1], [0, 1, 0])
    with pytest.raises(ValueError, match=r"^plot_images: X\[1\] must be rectangular .* X\[1\]\[0\]\[1\] has 2 entries, "
                       r"not 3"):
        plot_images([PLUS, ragged], [0, 1])


def test_plot_images_a_pixel_that_is_not_a_number_is_a_type_error_naming_it():
    with pytest.raises(TypeError, match=r"^plot_images: X\[0\]\[0\]\[1\]\[2\] must be a number, got '1' \(str\)"):
        plot_images([image([0, 0, 0], [0, 0, "1"])], [0])


def test_plot_images_images_with_different_channels_is_an_error():
    with pytest.raises(ValueError, match=r"^plot_images: the images of X must have the same channels, but X\[1\] "
                       r"has 2 \(shape 2 × 3 × 3\) and X\[0\] has 1"):
        plot_images([PLUS, PLUS + CROSS], [0, 1])


def test_plot_images_a_channel_the_images_lack_is_an_error():
    with pytest.raises(ValueError, match=r"^plot_images: channel must be a channel of the images, 0 to 0 "
                       r"\(X\[0\] has shape 1 × 3 × 3\), got 1"):
        plot_images([PLUS], [0], channel=1)


@pytest.mark.parametrize("X, error, message", [
    (5, TypeError, r"X must be a list of images x\[channel\]\[row\]\[col\], got 5 \(int\)"),
    ("digits", TypeError, r"X must be a list of images"),
    ([], ValueError, r"X must be a list of at least one image, got \[\]"),
])
def test_plot_images_X_that_is_not_a_list_of_images_is_an_error(X, error, message):
    with pytest.raises(error, match=r"^plot_images: " + message):
        plot_images(X)


def test_plot_images_y_that_is_not_a_list_of_labels_is_a_type_error():
    with pytest.raises(TypeError, match=r"^plot_images: y must be a list of labels, one per image, got 3 \(int\)"):
        plot_images([PLUS], 3)
    with pytest.raises(TypeError, match=r"^plot_images: y\[0\] must be a class label"):
        plot_images([PLUS], [[0]])


def test_plot_images_fig_that_is_not_a_figure_is_a_type_error():
    with pytest.raises(TypeError, match=r"^plot_images: fig must be a matplotlib Figure"):
        plot_images([PLUS], [0], fig="figure")


# ---------------------------------------------------------------------------
# plot_kernels
# ---------------------------------------------------------------------------


def test_plot_kernels_draws_every_kernel_titled_by_its_output_channel():
    conv = Conv2d(1, 4, kernel_size=3, activation="relu", rng=0)
    fig = plot_kernels(conv)
    assert [ax.get_title() for ax in panels(fig)] == ["out 0", "out 1", "out 2", "out 3"]
    for o, ax in enumerate(panels(fig)):
        np.testing.assert_array_equal(pixels(ax), weights(conv)[o][0])


def test_plot_kernels_of_several_input_channels_draws_one_row_per_output_channel():
    conv = Conv2d(2, 3, kernel_size=(2, 3), rng=1)
    fig = plot_kernels(conv)
    assert [ax.get_title() for ax in panels(fig)] == [f"out {o}, in {c}" for o in range(3) for c in range(2)]
    for ax, (o, c) in zip(panels(fig), [(o, c) for o in range(3) for c in range(2)], strict=True):
        np.testing.assert_array_equal(pixels(ax), weights(conv)[o][c])
        assert (ax.get_subplotspec().rowspan.start, ax.get_subplotspec().colspan.start) == (o, c)


def test_plot_kernels_colour_limits_are_symmetric_about_0_and_the_same_for_all():
    conv = Conv2d(1, 2, kernel_size=2, rng=0)
    set_weights(conv, [[[[0.1, -0.2], [0.3, 0.0]]], [[[0.5, 0.25], [-1.5, 0.0]]]])
    fig = plot_kernels(conv)
    assert {ax.images[0].get_clim() for ax in panels(fig)} == {(-1.5, 1.5)}  # ±the largest |weight|


def test_plot_kernels_uses_a_diverging_colour_map_with_white_at_0():
    conv = Conv2d(1, 2, kernel_size=2, rng=0)
    fig = plot_kernels(conv)
    cmap = panels(fig)[0].images[0].get_cmap()
    assert cmap.name == KERNEL_CMAP
    assert min(cmap(0.5)[:3]) > 0.9  # 0 is (nearly) white
    red, blue = cmap(0.0), cmap(1.0)
    assert red[0] > red[2] and blue[2] > blue[0]  # negative red, positive blue


def test_plot_kernels_colour_bar_reads_the_same_scale():
    conv = Conv2d(1, 2, kernel_size=2, rng=0)
    set_weights(conv, [[[[0.1, -0.2], [0.3, 0.0]]], [[[0.5, 0.25], [-0.75, 0.0]]]])
    fig = plot_kernels(conv)
    (bar,) = [ax for ax in fig.axes if not ax.images]
    assert bar.get_ylabel() == "weight"
    assert bar.get_ylim() == pytest.approx((-0.75, 0.75))


def test_plot_kernels_writes_each_weight_in_its_cell():
    conv = Conv2d(1, 1, kernel_size=2, rng=0)
    set_weights(conv, [[[[0.125, -0.5], [1.0, 0.0]]]])
    (ax,) = panels(plot_kernels(conv))
    assert sorted(t.get_text() for t in ax.texts) == sorted(["0.12", "-0.50", "1.00", "0"])
    assert len(plot_kernels(conv, values=False).axes[0].texts) == 0


def test_plot_kernels_of_all_zero_weights_still_has_a_scale_about_0():
    conv = Conv2d(1, 1, kernel_size=2, rng=0)
    set_weights(conv, [[[[0.0, 0.0], [0.0, 0.0]]]])
    (ax,) = panels(plot_kernels(conv))
    low, high = ax.images[0].get_clim()
    assert low == -high and high > 0


def test_plot_kernels_draws_only_the_chosen_output_channels():
    conv = Conv2d(1, 5, kernel_size=3, rng=0)
    fig = plot_kernels(conv, channels=[3, 1])
    assert [ax.get_title() for ax in panels(fig)] == ["out 3", "out 1"]
    np.testing.assert_array_equal(pixels(panels(fig)[0]), weights(conv)[3][0])


def test_plot_kernels_of_a_conv1d_draws_each_kernel_one_row_high():
    conv = Conv1d(1, 2, kernel_size=3, rng=0)
    fig = plot_kernels(conv)
    np.testing.assert_array_equal(pixels(panels(fig)[1]), [[w.data for w in conv.weight[1][0]]])


@pytest.mark.parametrize("conv", [MLP(2, [1], rng=0), "conv", None])
def test_plot_kernels_of_something_that_is_not_a_conv2d_is_a_type_error(conv):
    with pytest.raises(TypeError, match=r"^plot_kernels: conv must be a Conv2d \(or a Conv1d\), got "):
        plot_kernels(conv)


def test_plot_kernels_of_a_sequential_says_which_layer_to_pass():
    model = Sequential(Conv2d(1, 2, kernel_size=3, rng=0), Flatten())
    with pytest.raises(TypeError, match=r"pass one of its layers, e.g. model\[0\]"):
        plot_kernels(model)


def test_plot_kernels_an_output_channel_the_conv_lacks_is_an_error():
    with pytest.raises(ValueError, match=r"^plot_kernels: channels must be output channels of conv, 0 to 3, got 4"):
        plot_kernels(Conv2d(1, 4, kernel_size=3, rng=0), channels=[0, 4])


def test_plot_kernels_values_that_is_not_a_bool_is_a_type_error():
    with pytest.raises(TypeError, match=r"^plot_kernels: values must be True, False or None"):
        plot_kernels(Conv2d(1, 1, kernel_size=3, rng=0), values="yes")


# ---------------------------------------------------------------------------
# plot_feature_maps
# ---------------------------------------------------------------------------


def test_plot_feature_maps_shows_the_input_then_each_output_channel():
    conv = Conv2d(1, 4, kernel_size=3, activation="relu", rng=0)
    X, _ = load_digits()
    fig = plot_feature_maps(conv, X[0])
    assert [ax.get_title() for ax in panels(fig)] == ["input", "out 0", "out 1", "out 2", "out 3"]
    np.testing.assert_array_equal(pixels(panels(fig)[0]), X[0][0])


def test_plot_feature_maps_pixels_are_the_conv_outputs_activation_included():
    conv = Conv2d(1, 4, kernel_size=3, activation="relu", rng=0)
    X, _ = load_digits()
    expected = outputs(conv, X[0])
    assert (expected == 0).any() and (expected > 0).any()  # relu did something
    fig = plot_feature_maps(conv, X[0])
    for o, ax in enumerate(panels(fig)[1:]):
        np.testing.assert_array_equal(pixels(ax), expected[o])
        assert pixels(ax).shape == (6, 6)  # 8 × 8 in, 3 × 3 kernel


def test_plot_feature_maps_of_stride_and_padding_are_the_conv_outputs():
    conv = Conv2d(2, 3, kernel_size=3, stride=2, padding=1, activation="tanh", rng=2)
    x = [[[0.1 * (r - c) for c in range(5)] for r in range(5)], [[0.2 * r for c in range(5)] for r in range(5)]]
    fig = plot_feature_maps(conv, x)
    assert [ax.get_title() for ax in panels(fig)][:2] == ["input, channel 0", "input, channel 1"]
    for o, ax in enumerate(panels(fig)[2:]):
        np.testing.assert_allclose(pixels(ax), outputs(conv, x)[o], rtol=0, atol=0)


def test_plot_feature_maps_colour_limits_are_symmetric_about_0_and_the_same_for_all():
    conv = Conv2d(1, 2, kernel_size=1, rng=0)
    set_weights(conv, [[[[2.0]]], [[[-1.0]]]])
    fig = plot_feature_maps(conv, image([0.5, 1.0], [0.0, 0.25]))
    maps = panels(fig)[1:]
    assert {ax.images[0].get_clim() for ax in maps} == {(-2.0, 2.0)}  # the largest |output| is 2·1.0
    assert maps[0].images[0].get_cmap().name == KERNEL_CMAP


def test_plot_feature_maps_draws_only_the_chosen_output_channels():
    conv = Conv2d(1, 4, kernel_size=3, rng=0)
    x = image(*[[float((r + c) % 3) for c in range(5)] for r in range(5)])
    fig = plot_feature_maps(conv, x, channels=[2])
    assert [ax.get_title() for ax in panels(fig)] == ["input", "out 2"]
    np.testing.assert_array_equal(pixels(panels(fig)[1]), outputs(conv, x)[2])


def test_plot_feature_maps_keeps_no_graph_and_leaves_grad_mode_on():
    conv = Conv2d(1, 1, kernel_size=2, rng=0)
    plot_feature_maps(conv, PLUS)
    assert is_grad_enabled()
    assert all(p.grad == 0.0 for p in conv.parameters())


def test_plot_feature_maps_an_image_of_the_wrong_channel_count_is_an_error():
    conv = Conv2d(3, 2, kernel_size=2, rng=0)
    with pytest.raises(ValueError, match=r"^plot_feature_maps: expected an image x\[channel\]\[row\]\[col\] of 3 "
                       r"channels, got 1 channel \(shape 1 × 3 × 3\)"):
        plot_feature_maps(conv, PLUS)


def test_plot_feature_maps_an_input_that_is_not_an_image_is_an_error():
    conv = Conv2d(1, 2, kernel_size=2, rng=0)
    with pytest.raises(ValueError, match=r"^plot_feature_maps: expected an image x\[channel\]\[row\]\[col\], 3 levels "
                       r"of lists, got one of shape 1 × 3"):
        plot_feature_maps(conv, [[0, 1, 0]])  # a signal, not an image
    with pytest.raises(ValueError, match=r"^plot_feature_maps: expected an image x\[channel\]\[row\]\[col\] of 1 "
                       r"channel, got 3 channels \(shape 3 × 3\)"):
        plot_feature_maps(conv, [[0, 1, 0], [1, 1, 1], [0, 1, 0]])  # rows without their channel
    with pytest.raises(TypeError, match=r"^plot_feature_maps: x must be an image"):
        plot_feature_maps(conv, 3.0)


def test_plot_feature_maps_of_something_that_is_not_a_conv2d_is_a_type_error():
    with pytest.raises(TypeError, match=r"^plot_feature_maps: conv must be a Conv2d"):
        plot_feature_maps(MLP(9, [2], rng=0), PLUS)
