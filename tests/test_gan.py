"""gan_step, the GAN distributions, and the animations of training (Recorder, animate).

gan_step is checked against the two updates written out here by hand, on
copies of the same networks: the discriminator's on real -> 1 and fixed fakes
-> 0, then the generator's with the non-saturating loss through the updated
discriminator.
"""

import math
import random

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from tinygrad_ann.datasets import make_gaussian_ring, make_moons, make_spiral_points, ring_centers  # noqa: E402
from tinygrad_ann.gan import gan_step  # noqa: E402
from tinygrad_ann.losses import binary_cross_entropy_with_logits  # noqa: E402
from tinygrad_ann.nn import MLP, Layer  # noqa: E402
from tinygrad_ann.optim import SGD, Adam  # noqa: E402
from tinygrad_ann.plot import Recorder, animate, plot_samples  # noqa: E402
from tinygrad_ann.train import fit  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def networks(seed=0):
    G = MLP(2, [6, 2], activation="tanh", rng=seed)
    D = MLP(2, [6, 1], activation="tanh", rng=seed + 1)
    return G, D


REAL = [[1.0, 2.0], [1.5, 1.0], [0.5, 1.5]]


class Frozen:
    """An optimizer that changes nothing (zero_grad clears, step does nothing)."""

    def __init__(self, params):
        self.params = params

    def zero_grad(self):
        for p in self.params:
            p.grad = 0.0

    def step(self):
        pass
NOISE = [[0.3, -0.2], [-1.0, 0.4]]


def test_gan_step_is_the_two_updates_written_out():
    G, D = networks()
    G2, D2 = networks()
    d_loss, g_loss = gan_step(G, D, REAL, NOISE, SGD(G.parameters(), lr=0.1), SGD(D.parameters(), lr=0.1))

    # by hand, on the copies: 1. the discriminator, the fakes as plain numbers
    fakes = [[v.data for v in G2(z)] for z in NOISE]
    loss = binary_cross_entropy_with_logits([D2(x) for x in REAL] + [D2(f) for f in fakes], [1, 1, 1, 0, 0])
    D2.zero_grad()
    loss.backward()
    for p in D2.parameters():
        p.data -= 0.1 * p.grad
    assert d_loss == loss.data
    # 2. the generator: its fakes through the updated discriminator, towards "real"
    loss = binary_cross_entropy_with_logits([D2(G2(z)) for z in NOISE], [1, 1])
    G2.zero_grad()
    loss.backward()
    for p in G2.parameters():
        p.data -= 0.1 * p.grad
    assert g_loss == loss.data
    assert G.state_dict() == G2.state_dict() and D.state_dict() == D2.state_dict()


def test_the_discriminator_update_leaves_the_generator_alone():
    G, D = networks()
    before = G.state_dict()
    gan_step(G, D, REAL, NOISE, Frozen(G.parameters()), SGD(D.parameters(), lr=0.1))
    assert G.state_dict() == before


def test_the_generator_loss_is_non_saturating():
    # -log σ(D(G(z))) = softplus(-D(G(z))): when D rejects the fakes outright, the loss is
    # large and its gradient is not small (the saturating log(1 - σ) would be flat there)
    G = Layer(1, 1, activation="linear", rng=0)
    D = Layer(1, 1, activation="linear", rng=0)
    D.neurons[0].w[0].data, D.neurons[0].b.data = 20.0, -40.0  # says "fake" for anything below 2
    G.neurons[0].w[0].data, G.neurons[0].b.data = 0.0, 0.0    # makes 0: far from the real 3
    _, g_loss = gan_step(G, D, [[3.0]], [[0.0]], Frozen(G.parameters()), Frozen(D.parameters()))
    assert g_loss == pytest.approx(40.0, abs=1e-9)
    assert G.neurons[0].b.grad == pytest.approx(-20.0, rel=1e-9)  # d softplus(-D)/db = -σ(-D) · 20


def test_a_tiny_gan_moves_its_samples_towards_the_data():
    rng = random.Random(0)
    G = Layer(1, 1, activation="linear", rng=1)
    D = MLP(1, [8, 1], activation="tanh", rng=2)
    g_opt, d_opt = Adam(G.parameters(), lr=0.05), Adam(D.parameters(), lr=0.05)

    def sample_mean():
        return sum(G([rng.gauss(0, 1)]).data for _ in range(200)) / 200

    start = sample_mean()
    for _ in range(150):
        real = [[rng.gauss(3.0, 0.3)] for _ in range(16)]
        noise = [[rng.gauss(0, 1)] for _ in range(16)]
        gan_step(G, D, real, noise, g_opt, d_opt)
    assert abs(start - 3.0) > 2.5 and abs(sample_mean() - 3.0) < 1.5  # more than halfway there


@pytest.mark.parametrize("call, error, message", [
    (lambda G, D: gan_step(G, D, [], NOISE, None, None), TypeError, "gan_step: real must be a non-empty list"),
    (lambda G, D: gan_step(G, D, REAL, "zz", None, None), TypeError, "gan_step: noise must be a non-empty list"),
    (lambda G, D: gan_step(MLP(2, [3], rng=0), D, REAL, NOISE, None, None), ValueError,
     "gan_step: generator must be a model whose output has the data's size, 2"),
    (lambda G, D: gan_step(G, MLP(2, [2], rng=0), REAL, NOISE, None, None), TypeError,
     r"gan_step: discriminator must be a model returning one Value \(a logit\)"),
])
def test_gan_step_rejects_bad_input(call, error, message):
    G, D = networks()
    with pytest.raises(error, match=message):
        call(G, D)


# -- the distributions ------------------------------------------------------------------------------


def test_the_ring_has_its_clouds_where_they_should_be():
    points = make_gaussian_ring(803, modes=8, radius=2.0, std=0.05, rng=3)
    centers = ring_centers(8, 2.0)
    assert centers[2] == pytest.approx([0.0, 2.0], abs=1e-12)
    nearest = [min(range(8), key=lambda k: math.dist(p, centers[k])) for p in points]
    counts = [nearest.count(k) for k in range(8)]
    assert len(points) == 803 and max(counts) - min(counts) <= 1
    assert max(math.dist(p, centers[k]) for p, k in zip(points, nearest)) < 0.3  # 6 standard deviations
    assert nearest[:16] != sorted(nearest[:16])  # shuffled
    assert make_gaussian_ring(50, rng=4) == make_gaussian_ring(50, rng=4)


def test_the_spiral_arm_winds_outwards():
    points = make_spiral_points(400, turns=1.5, noise=0.0, rng=0)
    radii = [math.hypot(x, y) for x, y in points]
    assert min(radii) >= 0.4 - 1e-12 and max(radii) <= 2.0 + 1e-12
    for (x, y), r in zip(points, radii):  # on the arm: the angle is 2π · 1.5 · r / 2
        angle = 2 * math.pi * 1.5 * (r / 2)
        assert [x, y] == pytest.approx([r * math.cos(angle), r * math.sin(angle)], abs=1e-9)


@pytest.mark.parametrize("call, error, message", [
    (lambda: make_gaussian_ring(0), ValueError, "make_gaussian_ring: n_samples must be"),
    (lambda: make_gaussian_ring(10, modes=0), ValueError, "ring_centers: modes must be"),
    (lambda: make_gaussian_ring(10, std=-1.0), ValueError, "make_gaussian_ring: std must be"),
    (lambda: make_spiral_points(10, turns=0), ValueError, "make_spiral_points: turns must be"),
    (lambda: make_spiral_points(10, rng="x"), TypeError, "make_spiral_points: rng must be"),
])
def test_the_distributions_reject_bad_arguments(call, error, message):
    with pytest.raises(error, match=message):
        call()


# -- watching training -------------------------------------------------------------------------------


def trained_with_recorder(every=3, epochs=7):
    X, y = make_moons(40, noise=0.1, rng=0)
    model = MLP(2, [6, 1], rng=0)
    recorder = Recorder(every=every)
    history = fit(model, X, y, loss="bce_with_logits", optimizer=Adam(model.parameters(), lr=0.05),
                  epochs=epochs, progress=False, callback=recorder)
    return model, X, y, recorder, history


def test_the_recorder_keeps_the_weights_and_the_losses_of_each_snapshot():
    model, X, y, recorder, history = trained_with_recorder()
    assert [s.epoch for s in recorder.snapshots] == [1, 3, 6]
    assert [s.losses["loss"] for s in recorder.snapshots] == [history["loss"][:1], history["loss"][:3],
                                                             history["loss"][:6]]
    assert recorder.snapshots[0].state != recorder.snapshots[-1].state != model.state_dict()


def test_animate_draws_each_snapshots_boundary_and_puts_the_weights_back():
    model, X, y, recorder, history = trained_with_recorder()
    final = model.state_dict()
    anim = animate(recorder, X, y, resolution=12)
    assert len(anim) == 3 and anim.captions[1] == f"epoch 3: loss {history['loss'][2]:.4f}"
    assert anim.frame_png(0) != anim.frame_png(2)
    assert model.state_dict() == final


def test_animate_can_keep_every_kth_snapshot_and_the_last():
    recorder = Recorder()
    for step in range(1, 8):
        recorder.add_samples(step, [[0.0, float(step)]], {"generator": [0.5] * step})
    assert animate(recorder, real=[[0.0, 0.0]], every=3).captions == ["step 1", "step 4", "step 7"]
    assert animate(recorder, real=[[0.0, 0.0]], every=4).captions == ["step 1", "step 5", "step 7"]


def test_animation_saves_a_gif_with_one_frame_per_snapshot(tmp_path):
    from PIL import Image

    _, X, y, recorder, _ = trained_with_recorder()
    path = animate(recorder, X, y, resolution=12).save(tmp_path / "run.gif")
    with Image.open(path) as gif:
        assert gif.format == "GIF" and gif.n_frames == 3
        assert gif.info["duration"] == 400  # interval_ms, as given
    assert "image/gif;base64," in animate(recorder, X, y, resolution=8)._repr_html_()


def test_animation_saves_a_page_with_every_frame_and_caption(tmp_path):
    import base64
    import re

    _, X, y, recorder, _ = trained_with_recorder()
    anim = animate(recorder, X, y, resolution=8)
    page = anim.save_html(tmp_path / "run.html").read_text(encoding="utf-8")
    images = [base64.b64decode(b) for b in re.findall(r"data:image/png;base64,([A-Za-z0-9+/=]+)", page)]
    assert images == [anim.frame_png(i) for i in range(len(anim))]
    assert all(caption in page for caption in anim.captions)


def test_a_gan_animation_draws_the_generated_points_of_each_snapshot():
    recorder = Recorder()
    recorder.add_samples(10, [[0.0, 0.0], [0.1, 0.2]], {"discriminator": [0.7], "generator": [0.8]})
    recorder.add_samples(20, [[1.0, 1.0], [0.9, 1.1]], {"discriminator": [0.7, 0.6], "generator": [0.8, 0.9]})
    anim = animate(recorder, real=[[1.0, 1.0], [1.2, 0.8]])
    assert anim.captions == ["step 10", "step 20"]
    fig = plt.figure()
    anim._draw(1, fig)
    scatter = fig.axes[0].collections[1]
    assert scatter.get_offsets().tolist() == [[1.0, 1.0], [0.9, 1.1]]
    assert [line.get_label() for line in fig.axes[1].lines] == ["discriminator", "generator"]


def test_plot_samples_draws_both_sets():
    ax = plot_samples([[0.0, 0.0], [1.0, 1.0], [2.0, 0.0]], [[0.5, 0.5]])
    real, fake = ax.collections
    assert real.get_offsets().tolist() == [[0.0, 0.0], [1.0, 1.0], [2.0, 0.0]]
    assert fake.get_offsets().tolist() == [[0.5, 0.5]]


@pytest.mark.parametrize("call, error, message", [
    (lambda: animate("rec"), TypeError, "animate: recorder must be a Recorder"),
    (lambda: animate(Recorder()), ValueError, "animate: recorder must be a Recorder with at least one snapshot"),
    (lambda: Recorder(every=0), ValueError, "Recorder: every must be"),
    (lambda: plot_samples([[0.0, 0.0, 1.0]], []), ValueError, "plot_samples: real must be a list of 2-D points"),
    (lambda: plot_samples("ab", []), TypeError, "plot_samples: real must be a list of 2-D points"),
    (lambda: Recorder().add_samples(1, [], {}), TypeError, "Recorder.add_samples: generated must be"),
])
def test_watching_rejects_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_a_gan_animation_needs_the_real_points():
    recorder = Recorder()
    recorder.add_samples(1, [[0.0, 0.0]], {"generator": [0.7]})
    with pytest.raises(TypeError, match="animate: real must be the real points"):
        animate(recorder)


def test_fit_calls_its_callback_after_every_epoch_and_checks_it():
    calls = []
    X, y = make_moons(10, rng=0)
    model = MLP(2, [3, 1], rng=0)
    fit(model, X, y, loss="bce_with_logits", epochs=4, progress=False,
        callback=lambda epoch, m, history: calls.append((epoch, m is model, len(history["loss"]))))
    assert calls == [(0, True, 1), (1, True, 2), (2, True, 3), (3, True, 4)]
    with pytest.raises(TypeError, match="fit: callback must be a function"):
        fit(model, X, y, epochs=1, progress=False, callback="yes")
