"""A generative adversarial network (GAN), one training step at a time: `gan_step`.

Two networks play a game. The **generator** G turns random noise z into a
sample G(z), a point like the data's. The **discriminator** D reads a point
and gives a score (a logit): high for "real", low for "made by G". Each step:

1. D learns to tell them apart: real points towards 1, G's points towards 0
   (binary cross-entropy on its logits). G is not changed.
2. G learns to fool D: its points should make D say 1. With the loss
   -log σ(D(G(z))) (the *non-saturating* loss) G still gets a strong gradient
   when D easily spots its points, which is exactly when it needs one; the
   original game's log(1 - σ(D(G(z)))) is flat there.

Read `gan_step`'s source: it is those two updates and nothing more.

Example:
    >>> from tinygrad_ann.nn import MLP
    >>> from tinygrad_ann.optim import Adam
    >>> G = MLP(1, [8, 2], activation='tanh', rng=0)        # noise (1 number) -> a point (2)
    >>> D = MLP(2, [8, 1], activation='tanh', rng=1)        # a point -> a logit
    >>> g_opt, d_opt = Adam(G.parameters(), lr=0.01), Adam(D.parameters(), lr=0.01)
    >>> real = [[1.0, 1.0], [1.1, 0.9]]
    >>> d_loss, g_loss = gan_step(G, D, real, [[0.3], [-0.5]], g_opt, d_opt)
    >>> 0 < d_loss and 0 < g_loss
    True
"""

from __future__ import annotations

from typing import Any, Sequence

from ._checks import wrong_type, wrong_value
from .engine import Value
from .losses import binary_cross_entropy_with_logits

__all__ = ["gan_step"]


def gan_step(
    generator: Any,
    discriminator: Any,
    real: Sequence[Sequence[float]],
    noise: Sequence[Sequence[float]],
    g_optimizer: Any,
    d_optimizer: Any,
) -> tuple[float, float]:
    """One discriminator update, then one generator update; returns (d_loss, g_loss).

    `real` is a batch of data points, `noise` a batch of noise vectors for the
    generator (draw them fresh each step, e.g. `[[rng.gauss(0, 1)] for _ in
    range(n)]`). `discriminator(x)` must give one Value, a logit;
    `generator(z)` a point of the data's size. Each optimizer updates its own
    network's parameters. The whole step:

        fake = [generator(z) for z in noise]
        # 1. the discriminator: real -> 1, fake -> 0 (the fakes as plain numbers:
        #    this update must not reach into the generator)
        fixed = [[v.data for v in point] for point in fake]
        d_loss = bce_with_logits([D(x) for x in real] + [D(f) for f in fixed],
                                 [1] * len(real) + [0] * len(fake))
        d_optimizer.zero_grad(); d_loss.backward(); d_optimizer.step()
        # 2. the generator: its fakes should make D say 1 (non-saturating loss)
        g_loss = bce_with_logits([D(f) for f in fake], [1] * len(fake))
        g_optimizer.zero_grad(); g_loss.backward(); g_optimizer.step()

    (g_loss's backward passes through D to reach G, so D's grads fill up too;
    the next step's `d_optimizer.zero_grad()` clears them.)

    Example:
        >>> from tinygrad_ann.nn import Layer
        >>> from tinygrad_ann.optim import SGD
        >>> G, D = Layer(1, 1, activation='linear', rng=0), Layer(1, 1, activation='linear', rng=1)
        >>> d_loss, g_loss = gan_step(G, D, [[2.0]], [[0.5]], SGD(G.parameters(), lr=0.1),
        ...                           SGD(D.parameters(), lr=0.1))
        >>> round(d_loss, 4) > 0, round(g_loss, 4) > 0
        (True, True)
    """
    owner = "gan_step"
    for name, batch in (("real", real), ("noise", noise)):
        if isinstance(batch, (str, bytes)) or not isinstance(batch, Sequence) or not batch:
            wrong_type(owner, name, "a non-empty list of samples (each a list of numbers)", batch)
    fake = [_point(generator(z)) for z in noise]
    size = len(real[0])
    if len(fake[0]) != size:
        wrong_value(owner, "generator", f"a model whose output has the data's size, {size}", generator,
                    why=f"its output has {len(fake[0])} numbers")

    # 1. The discriminator learns: real points towards 1, the generator's towards 0.
    fixed = [[v.data for v in point] for point in fake]
    scores = [_logit(discriminator(x)) for x in real] + [_logit(discriminator(f)) for f in fixed]
    d_loss = binary_cross_entropy_with_logits(scores, [1.0] * len(real) + [0.0] * len(fake))
    d_optimizer.zero_grad()
    d_loss.backward()
    d_optimizer.step()

    # 2. The generator learns to fool it: its points should make D say "real".
    g_loss = binary_cross_entropy_with_logits([_logit(discriminator(f)) for f in fake], [1.0] * len(fake))
    g_optimizer.zero_grad()
    g_loss.backward()
    g_optimizer.step()
    return d_loss.data, g_loss.data


def _point(out: Any) -> list[Value]:
    """A generator's output as a list of Values (a one-output model gives a Value)."""
    if isinstance(out, Value):
        return [out]
    if isinstance(out, (list, tuple)) and out and all(isinstance(v, Value) for v in out):
        return list(out)
    wrong_type("gan_step", "generator", "a model returning a point (a list of Values)", out)


def _logit(out: Any) -> Value:
    """A discriminator's output: one Value (a list of one is taken too)."""
    if isinstance(out, (list, tuple)) and len(out) == 1:
        out = out[0]
    if not isinstance(out, Value):
        wrong_type("gan_step", "discriminator", "a model returning one Value (a logit)", out)
    return out
