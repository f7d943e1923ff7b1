"""Convolution, pooling, Flatten and Sequential: shapes, errors, weight sharing, saving."""

import math

import pytest

from tinygrad_ann import Value, load, save
from tinygrad_ann.engine import local_gradients
from tinygrad_ann.nn import AvgPool2d, Conv1d, Conv2d, Flatten, Layer, MaxPool2d, Sequential
from tinygrad_ann.nn.shapes import shape_text


def image(channels, height, width, start=0.0):
    return [[[start + 0.1 * (c * height * width + r * width + k) for k in range(width)]
             for r in range(height)] for c in range(channels)]


# -- shapes -------------------------------------------------------------------------


@pytest.mark.parametrize("size, kernel, stride, padding, out", [
    ((5, 5), 3, 1, 0, (3, 3)), ((8, 8), 3, 1, 1, (8, 8)), ((7, 6), (3, 2), 2, 0, (3, 3)),
    ((4, 4), 4, 1, 0, (1, 1)), ((1, 1), 3, 1, 1, (1, 1)),
])
def test_conv2d_output_shape_is_pytorchs(size, kernel, stride, padding, out):
    conv = Conv2d(2, 3, kernel_size=kernel, stride=stride, padding=padding, rng=0)
    assert shape_text(conv(image(2, *size))) == f"3 × {out[0]} × {out[1]}"


def test_each_output_is_one_neuron_whose_weights_are_shared_across_positions():
    conv = Conv2d(1, 2, kernel_size=2, rng=0)
    out = conv(image(1, 3, 3))
    assert all(v._op == "dot" for channel in out for row in channel for v in row)
    first, last = out[1][0][0], out[1][1][1]
    flat = [w for row in conv.weight[1][0] for w in row]
    assert first._prev[0:8:2] == tuple(flat) == last._prev[0:8:2]  # the same Values, w1..w4
    assert first._prev[-1] is conv.bias[1] is last._prev[-1]


def test_conv2d_computes_the_sum_of_products_plus_bias_by_hand():
    conv = Conv2d(2, 1, kernel_size=(1, 2), rng=0)
    conv.weight[0] = [[[Value(1.0), Value(2.0)]], [[Value(-1.0), Value(0.5)]]]
    conv.bias[0].data = 0.25
    x = [[[1.0, 2.0, 3.0]], [[4.0, 5.0, 6.0]]]
    # out[0][0][0] = 1·1 + 2·2 - 1·4 + 0.5·5 + 0.25; out[0][0][1] = 1·2 + 2·3 - 1·5 + 0.5·6 + 0.25
    assert [v.data for v in conv(x)[0][0]] == [3.75, 6.25]


def test_padding_adds_no_operands_where_the_window_is_over_the_zeros():
    conv = Conv2d(1, 1, kernel_size=3, padding=1, rng=0)
    out = conv(image(1, 3, 3))
    assert len(out[0][0][0]._prev) == 2 * 4 + 1  # the corner window sees 4 pixels
    assert len(out[0][1][1]._prev) == 2 * 9 + 1


def test_conv1d_slides_along_the_signal():
    conv = Conv1d(1, 1, kernel_size=2, stride=2, rng=0)
    conv.weight[0][0] = [Value(1.0), Value(1.0)]
    assert [v.data for v in conv([[1.0, 2.0, 3.0, 4.0, 5.0]])[0]] == [3.0, 7.0]
    assert [n for n, _ in conv.named_parameters()] == ["weight.0.0.0", "weight.0.0.1", "bias.0"]


def test_weight_sharing_sums_the_gradient_of_every_position():
    conv = Conv2d(1, 1, kernel_size=1, rng=0)
    out = conv(image(1, 2, 2, start=1.0))
    total = sum(v for row in out[0] for v in row)
    total.backward()
    assert conv.weight[0][0][0][0].grad == pytest.approx(1.0 + 1.1 + 1.2 + 1.3)
    assert conv.bias[0].grad == 4.0


def test_parameters_are_in_pytorchs_layout_and_order():
    conv = Conv2d(2, 3, kernel_size=(2, 1), rng=0)
    names = [n for n, _ in conv.named_parameters()]
    assert names[:3] == ["weight.0.0.0.0", "weight.0.0.1.0", "weight.0.1.0.0"]
    assert names[-3:] == ["bias.0", "bias.1", "bias.2"] and len(names) == 3 * 2 * 2 + 3


# -- pooling ------------------------------------------------------------------------


def test_max_pool_takes_each_windows_largest_and_sends_its_gradient_there():
    x = [[[1.0, 5.0, 2.0, 0.0], [3.0, 4.0, 9.0, 1.0]]]
    out = MaxPool2d(2)(x)
    assert [v.data for v in out[0][0]] == [5.0, 9.0]
    assert local_gradients(_graded(out[0][0][0])) == [0.0, 1.0, 0.0, 0.0]


def _graded(v):
    v.grad = 1.0
    return v


def test_avg_pool_takes_each_windows_mean_and_shares_its_gradient():
    x = [[[1.0, 3.0], [5.0, 7.0]]]
    out = AvgPool2d(2)(x)[0][0][0]
    out.backward()
    leaves = out._prev[0]._prev
    assert out.data == 4.0 and [v.grad for v in leaves] == [0.25] * 4


def test_pool_stride_defaults_to_the_window_and_can_be_set():
    assert shape_text(MaxPool2d(2)(image(3, 6, 6))) == "3 × 3 × 3"
    assert shape_text(MaxPool2d(2, stride=1)(image(3, 6, 6))) == "3 × 5 × 5"
    assert shape_text(AvgPool2d((2, 3))(image(1, 4, 6))) == "1 × 2 × 2"


# -- Flatten and Sequential --------------------------------------------------------


def test_flatten_reads_row_by_row_as_pytorch_does():
    assert Flatten()([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]) == [1, 2, 3, 4, 5, 6, 7, 8]


def test_a_small_cnn_is_a_sequential_of_layers_and_learns_through_all_of_them():
    model = Sequential(Conv2d(1, 2, kernel_size=3, activation="relu", rng=0), MaxPool2d(2), Flatten(),
                       Layer(8, 3, activation="linear", rng=0))
    scores = model(image(1, 6, 6))
    assert len(scores) == 3
    sum(scores).backward()
    grads = [p.grad for p in model.parameters()]
    assert len(grads) == model.num_parameters() == 2 * 9 + 2 + 8 * 3 + 3
    assert any(g != 0 for g in grads[:18])  # the gradient reaches the kernels
    assert [n for n, _ in model.named_parameters()][0] == "0.weight.0.0.0.0"


# -- bad input: the layer, the shape it expected, the shape it got -------------------


@pytest.mark.parametrize("make, error, message", [
    (lambda: Conv2d(3, 2, kernel_size=3, rng=0)(image(1, 5, 5)), ValueError,
     r"^Conv2d: expected an image x\[channel\]\[row\]\[col\] of 3 channels, got 1 channel \(shape 1 × 5 × 5\)$"),
    (lambda: Conv2d(1, 2, kernel_size=3, rng=0)(image(1, 2, 5)), ValueError,
     r"^Conv2d: the input \(1 × 2 × 5\) is smaller than the kernel \(3 × 3\)$"),
    (lambda: Conv2d(1, 2, kernel_size=3, rng=0)([[[1.0, 2.0, 3.0], [1.0, 2.0], [1.0, 2.0, 3.0]]]), ValueError,
     r"^Conv2d: the sample must be rectangular, but x\[0\]\[1\] has 2 entries where x\[0\]\[0\] has 3$"),
    (lambda: Conv2d(1, 2, kernel_size=0), ValueError, r"^Conv2d: kernel_size must be a whole number >= 1, got 0$"),
    (lambda: Conv2d(1, 2, kernel_size=2, stride=0), ValueError, r"^Conv2d: stride must be a whole number >= 1, got 0$"),
    (lambda: Conv2d(1, 2, kernel_size=2, stride=(1, -1)), ValueError,
     r"^Conv2d: stride\[1\] must be a whole number >= 1, got -1$"),
    (lambda: Conv1d(1, 2, kernel_size=-1), ValueError, r"^Conv1d: kernel_size must be a whole number >= 1, got -1$"),
    (lambda: Conv1d(2, 2, kernel_size=2, rng=0)([[1.0, 2.0, 3.0]]), ValueError,
     r"^Conv1d: expected a signal x\[channel\]\[t\] of 2 channels, got 1 channel"),
    (lambda: Conv1d(1, 1, kernel_size=4, rng=0)([[1.0, 2.0]]), ValueError,
     r"^Conv1d: the input \(1 × 1 × 2\) is smaller than the kernel \(1 × 4\)$"),
    (lambda: MaxPool2d(3)(image(1, 2, 4)), ValueError,
     r"^MaxPool2d: the input \(1 × 2 × 4\) is smaller than the window \(3 × 3\)$"),
    (lambda: AvgPool2d(0), ValueError, r"^AvgPool2d: kernel_size must be a whole number >= 1, got 0$"),
    (lambda: MaxPool2d(2, stride=0), ValueError, r"^MaxPool2d: stride must be a whole number >= 1, got 0$"),
    (lambda: Conv2d(1, 1, kernel_size=1, rng=0)([[[1.0, "2"]]]), TypeError,
     r"^Conv2d: x\[0\]\[0\]\[1\] must be a number or a Value, got '2' \(str\)$"),
    (lambda: Conv2d(1, 1, kernel_size=1, rng=0)(3.0), TypeError, r"^Conv2d: x must be an image"),
    (lambda: Conv2d("1", 1, kernel_size=1), TypeError, r"^Conv2d: in_channels must be a whole number >= 1, got '1'"),
    (lambda: Sequential(Conv2d(1, 1, 1, rng=0), 3), TypeError, r"^Sequential: layer 1 must be a layer or model"),
])
def test_bad_input_names_the_layer_and_the_shapes(make, error, message):
    with pytest.raises(error, match=message):
        make()


# -- saving and loading: the same predictions, to the last bit -------------------------


def test_a_saved_and_loaded_cnn_predicts_the_same_to_the_last_bit(tmp_path):
    model = Sequential(Conv2d(1, 3, kernel_size=3, padding=1, activation="tanh", rng=1), AvgPool2d(2),
                       MaxPool2d((2, 1)), Flatten(), Layer(12, 2, activation="linear", rng=2))
    x = image(1, 8, 4)
    path = tmp_path / "cnn.json"
    save(model, path)
    copy = load(path)
    assert repr(copy) == repr(model) and copy.state_dict() == model.state_dict()
    assert [v.data for v in copy(x)] == [v.data for v in model(x)]


def test_conv1d_saves_and_loads_with_its_own_layout(tmp_path):
    model = Conv1d(2, 3, kernel_size=3, stride=2, padding=1, activation="relu", rng=0)
    save(model, tmp_path / "c.json")
    copy = load(tmp_path / "c.json")
    assert copy.config() == model.config() and copy.state_dict() == model.state_dict()


def test_loading_a_file_of_an_unknown_layer_type_lists_the_known_ones(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"format": "tinygrad_ann.model", "version": 1, "architecture": {"type": "Conv3d"}, '
                    '"parameters": {}}')
    with pytest.raises(ValueError, match=r"unknown architecture type 'Conv3d' \(expected Neuron, Layer, MLP, "
                                         r"Sequential, Conv1d, Conv2d, MaxPool2d, AvgPool2d, Flatten"):
        load(path)


def test_nan_passes_through_a_max_pool():
    out = MaxPool2d(2)([[[1.0, math.nan], [0.0, 2.0]]])
    assert math.isnan(out[0][0][0].data)


def test_a_sequential_passes_a_one_neuron_layers_value_on_as_a_list():
    from tinygrad_ann.nn import Layer

    first, second = Layer(3, 1, activation="tanh", rng=0), Layer(1, 2, activation="linear", rng=1)
    model = Sequential(first, second)
    x = [0.5, -1.0, 2.0]
    out = model(x)
    assert [v.data for v in out] == [v.data for v in second([first(x)])]
    out[0].backward()
    assert all(w.grad != 0.0 for w in first.neurons[0].w)
