"""NumPy's scalars count as numbers wherever an int or a float does; a bool never does."""

import pytest

np = pytest.importorskip("numpy")

from tinygrad_ann import MLP, Layer, Neuron, Value  # noqa: E402
from tinygrad_ann.datasets import make_blobs, make_moons, make_spiral, train_test_split  # noqa: E402
from tinygrad_ann.optim import SGD, Adam, LinearLR, RMSprop, StepLR  # noqa: E402
from tinygrad_ann.train import fit  # noqa: E402


def test_numpy_sizes_make_models():
    assert MLP(np.int64(2), [np.int64(4), np.int32(1)], rng=np.int64(0)).num_parameters() == 17
    assert Layer(np.int32(3), np.int64(2), rng=0).nout == 2 and Neuron(np.int16(2), rng=0).nin == 2


def test_numpy_numbers_make_data_and_train():
    X, y = make_moons(np.int64(40), noise=np.float64(0.1), rng=np.int64(1))
    assert (X, y) == make_moons(40, noise=0.1, rng=1)
    assert len(make_spiral(np.int32(30), n_classes=np.int64(3), rng=0)[0]) == 30
    assert len(make_blobs(np.int64(20), rng=np.int64(0))[0]) == 20
    X_train, X_test, _, _ = train_test_split(X, y, test_size=np.float64(0.25), rng=np.int64(0))
    assert len(X_test) == 10
    history = fit(MLP(2, [4, 1], rng=0), X, y, epochs=np.int64(3), lr=np.float64(0.1),
                  batch_size=np.int64(8), l2=np.float32(0.001), rng=np.int64(2), progress=False)
    assert len(history["loss"]) == 3


def test_numpy_rates_make_optimizers_and_schedules():
    ps = [Value(1.0)]
    opt = SGD(ps, lr=np.float64(0.1), momentum=np.float32(0.5))
    Adam(ps, lr=np.float32(0.01), betas=(np.float64(0.9), np.float64(0.99)))
    RMSprop(ps, lr=np.float64(0.01), alpha=np.float64(0.9))
    StepLR(opt, step_size=np.int64(2), gamma=np.float64(0.5))
    schedule = LinearLR(SGD(ps, lr=0.1), total_steps=np.int64(10), end_factor=np.float64(0.5))
    assert schedule.lr_at(10) == pytest.approx(0.05)


def test_numpy_scalars_mix_with_values_and_keep_the_graph():
    x = Value(3.0)
    for y in (np.float64(2.0) * x, x * np.float64(2.0), np.int64(2) + x, x - np.float32(1.0)):
        assert isinstance(y, Value) and y._prev


@pytest.mark.parametrize("make", [lambda: MLP(True, [2]), lambda: Neuron(2, rng=True),
                                  lambda: SGD([Value(1.0)], lr=True), lambda: make_moons(True)])
def test_a_bool_is_refused_as_a_number(make):
    with pytest.raises(TypeError):
        make()
