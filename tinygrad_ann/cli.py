"""The command line: `python -m tinygrad_ann demo` (or `tinygrad-ann demo`).

The demo is micrograd's: an MLP(2, [16, 16, 1]) learns to separate 100 "moons"
points with a hinge loss plus 1e-4 L2, by full-batch SGD whose learning rate
decays linearly from 1.0 to 0.1 over the steps.

Example:
    >>> main(['demo', '--steps', '5', '--no-progress'])      # doctest: +SKIP
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from typing import Sequence

__all__ = ["main", "demo"]


def demo(steps: int = 100, seed: int = 1337, out: str | None = None, progress: bool = True) -> dict[str, float]:
    """Train micrograd's moons demo; return {'loss', 'accuracy', 'seconds'} of the end.

    With `out`, the trained model is written to `out/model.json`.

    Example:
        >>> result = demo(steps=3, progress=False)
        >>> sorted(result)
        ['accuracy', 'loss', 'seconds']
    """
    from .datasets import make_moons, to_signed
    from .nn import MLP
    from .optim import SGD, LinearLR
    from .train import accuracy, fit

    X, y01 = make_moons(n_samples=100, noise=0.1, seed=seed)
    y = to_signed(y01)  # hinge loss wants labels -1 and +1
    model = MLP(2, [16, 16, 1], rng=random.Random(seed))
    optimizer = SGD(model.parameters(), lr=1.0)
    schedule = LinearLR(optimizer, total_steps=steps, end_factor=0.1)  # lr 1.0 - 0.9 k/steps
    start = time.perf_counter()
    history = fit(
        model, X, y,
        loss="hinge",
        l2=1e-4,
        optimizer=optimizer,
        lr_schedule=schedule,
        epochs=steps,
        batch_size=None,  # full batch: one step per epoch
        progress=progress,
    )
    seconds = time.perf_counter() - start
    result = {
        "loss": history["loss"][-1] if history["loss"] else float("nan"),
        "accuracy": accuracy(model, X, y),
        "seconds": seconds,
    }
    if out is not None:
        from .serialization import save

        os.makedirs(out, exist_ok=True)
        save(model, os.path.join(out, "model.json"))
    return result


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with `argv` (default: sys.argv[1:]); return the exit code."""
    parser = argparse.ArgumentParser(prog="tinygrad-ann", description="tinygrad_ann: autograd and neural networks for learning.")
    commands = parser.add_subparsers(dest="command", required=True)
    d = commands.add_parser("demo", help="train micrograd's moons demo in a few seconds")
    d.add_argument("--steps", type=int, default=100, help="training steps (default 100)")
    d.add_argument("--seed", type=int, default=1337, help="seed for the data and the weights (default 1337)")
    d.add_argument("--out", metavar="DIR", help="write the trained model (model.json) to DIR")
    d.add_argument("--no-progress", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    if args.steps < 1:
        parser.error(f"--steps must be >= 1, got {args.steps}")
    result = demo(steps=args.steps, seed=args.seed, out=args.out, progress=not args.no_progress)
    print(f"final loss {result['loss']:.4f}, training accuracy {result['accuracy']:.2f} "
          f"({args.steps} steps in {result['seconds']:.1f} s)")
    if args.out:
        print(f"wrote {os.path.join(args.out, 'model.json')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
