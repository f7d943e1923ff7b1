"""The command line: `python -m tinygrad_ann demo` (or `tinygrad-ann demo`), and for
teachers `tinygrad-ann student-version` (handing out exercises) and
`tinygrad-ann grade` (grading the notebooks students hand in).

The demo is micrograd's: an MLP(2, [16, 16, 1]) learns to separate 100 "moons"
points with a hinge loss plus 1e-4 L2, by full-batch SGD whose learning rate
decays linearly from 1.0 to 0.1 over the steps.

Example:
    >>> main(['demo', '--steps', '5', '--no-progress'])      # doctest: +ELLIPSIS
    final loss ..., training accuracy ... (5 steps in ... s)
    0
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence, cast

from ._checks import command_line, file_path, whole_number, wrong_type
from .engine import Value
from .exercises.grading import add_grade_arguments, grade_command

if TYPE_CHECKING:
    from .nn import MLP

__all__ = ["main", "demo", "write_pictures", "DEMO_FILES"]


def demo(steps: int = 100, seed: int = 1337, out: str | os.PathLike[str] | None = None,
         progress: bool = True) -> dict[str, float]:
    """Train micrograd's moons demo; return {'loss', 'accuracy', 'seconds'} of the end.

    With `out`, the directory `out` gets the trained model and its pictures:
    `model.json` (load it with `tinygrad_ann.load`), `decision_boundary.png`,
    `network.svg` (the trained MLP's neurons and weights), `neuron_graph.svg`
    (the computation graph of the first hidden neuron on the first point, after
    backward()) and `training.gif` (the decision boundary and the loss as
    training went, about ten snapshots).

    Example:
        >>> result = demo(steps=3, progress=False)
        >>> sorted(result)
        ['accuracy', 'loss', 'seconds']
        >>> demo(steps=0)
        Traceback (most recent call last):
        ValueError: demo: steps must be a whole number >= 1, got 0
    """
    whole_number("demo", "steps", steps, minimum=1)
    whole_number("demo", "seed", seed, minimum=None)
    if out is not None:
        file_path("demo", "out", out, kind="a folder's path")
    if not isinstance(progress, bool):
        wrong_type("demo", "progress", "True or False", progress)
    from .datasets import make_moons, to_signed
    from .nn import MLP
    from .optim import SGD, LinearLR
    from .train import accuracy, fit

    if out is not None:  # find out now, not after training, if `out` cannot be written to
        if os.path.exists(out) and not os.path.isdir(out):
            raise NotADirectoryError(20, "it is a file, not a folder", out)
        os.makedirs(out, exist_ok=True)
        if not os.access(out, os.W_OK):
            raise PermissionError(13, "cannot write into the folder", out)
    recorder = None
    if out is not None:  # (matplotlib is imported only for pictures)
        from .plot import Recorder

        recorder = Recorder(every=max(1, steps // 10))
    X, y01 = cast("tuple[list[list[float]], list[int]]", make_moons(n_samples=100, noise=0.1, rng=seed))
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
        callback=recorder,
    )
    seconds = time.perf_counter() - start
    result = {
        "loss": history["loss"][-1] if history["loss"] else float("nan"),
        "accuracy": accuracy(model, X, y),
        "seconds": seconds,
    }
    if out is not None:
        write_pictures(model, X, y, out, recorder=recorder)
    return result


DEMO_FILES = ("model.json", "decision_boundary.png", "network.svg", "neuron_graph.svg", "training.gif")


def write_pictures(model: "MLP", X: list[list[float]], y: list[int], out: str | os.PathLike[str],
                   recorder: Any = None) -> list[str]:
    """Write the trained demo model and its pictures (`DEMO_FILES`) to `out`; return their paths.

    `recorder` is the `plot.Recorder` that fit filled while training: its
    snapshots become `training.gif`, which is left out without one.

    Example:
        >>> from tinygrad_ann import MLP
        >>> paths = write_pictures(MLP(2, [3, 1]), [[0.0, 1.0], [1.0, 0.0]], [1, -1], 'pictures')  # doctest: +SKIP
        >>> write_pictures(MLP(2, [3, 1]), [[0.0, 1.0]], [1], out=None)
        Traceback (most recent call last):
        TypeError: write_pictures: out must be a folder's path (a str or os.PathLike), got None
    """
    file_path("write_pictures", "out", out, kind="a folder's path")
    # Imported here: matplotlib and graphviz are needed only for pictures.
    from matplotlib.figure import Figure

    from .plot import plot_decision_boundary
    from .serialization import save
    from .viz import draw_dot, draw_network

    os.makedirs(out, exist_ok=True)
    paths = [os.path.join(out, name) for name in DEMO_FILES]
    save(model, paths[0])

    fig = Figure(figsize=(6.4, 4.8))  # no pyplot: works without a display
    plot_decision_boundary(model, X, y, ax=fig.add_subplot())
    fig.savefig(paths[1], dpi=120, bbox_inches="tight")

    network = draw_network(model, title="The trained MLP(2, [16, 16, 1])")
    Path(paths[2]).write_bytes(network.pipe(format="svg"))

    # One neuron on one input, drawn as the lecture draws it: its weights and
    # bias, the point's coordinates, the weighted sum and the activation. The
    # first hidden neuron that is active on the point, so that gradient flows.
    x = [Value(c, label=f"x{i + 1}") for i, c in enumerate(X[0])]
    first = model.layers[0](x)
    outputs = [first] if isinstance(first, Value) else first  # a layer of one neuron gives one Value
    k = next((k for k, o in enumerate(outputs) if o.data > 0.0), 0)
    output = outputs[k]
    output.label = "out"
    model.zero_grad()
    output.backward()
    neuron = model.layers[0].neurons[k]
    named = [*zip(neuron.w, ("w1", "w2"), strict=True), *([(neuron.b, "b")] if neuron.b is not None else [])]
    labels = [p.label for p, _ in named]
    try:
        for p, name in named:  # the boxes named as the lecture names them
            p.label = name
        graph = draw_dot(output, params=neuron, legend=True,
                         title=f"Neuron {k + 1} of the first hidden layer on the point "
                               f"x = ({X[0][0]:.2f}, {X[0][1]:.2f})")
        Path(paths[3]).write_bytes(graph.pipe(format="svg"))
    finally:
        for (p, _), label in zip(named, labels, strict=True):
            p.label = label  # (the model's own labels, as they were)
    model.zero_grad()  # leave the model as trained, with no gradients
    if recorder is None:
        return paths[:4]
    from .plot import animate

    animate(recorder, X, y, resolution=30).save(paths[4])
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with `argv` (default: sys.argv[1:]); return the exit code.

    Example:
        >>> main(['demo', '--steps', '3', '--seed', '0', '--no-progress'])   # doctest: +ELLIPSIS
        final loss ..., training accuracy ... (3 steps in ... s)
        0
        >>> main('demo')
        Traceback (most recent call last):
        TypeError: main: argv must be a list of strings (the command line's words) or None, got 'demo' (str)
    """
    command_line("main", argv)
    parser = argparse.ArgumentParser(prog="tinygrad-ann", description="tinygrad_ann: autograd and neural networks for learning.")
    commands = parser.add_subparsers(dest="command", required=True)
    d = commands.add_parser("demo", help="train micrograd's moons demo in a few seconds")
    d.add_argument("--steps", type=int, default=100, help="training steps (default 100)")
    d.add_argument("--seed", type=int, default=1337, help="seed for the data and the weights (default 1337)")
    d.add_argument("--out", metavar="DIR",
                   help="write the trained model (model.json) and its pictures (decision boundary, "
                        "network diagram, one neuron's computation graph) to DIR")
    d.add_argument("--no-progress", action="store_true", help="no progress bar")
    h = commands.add_parser(
        "student-version",
        help="write the student version of solution notebooks (### BEGIN/END SOLUTION regions blanked)",
    )
    h.add_argument("solutions", nargs="+", metavar="SOLUTION.ipynb", help="solution notebooks")
    h.add_argument("--out", metavar="DIR", required=True, help="folder for the student notebooks (same names)")
    g = commands.add_parser(
        "grade", help="run submitted notebooks and grade their exercises (each in a copy of its folder)",
        description="Run each submitted notebook top to bottom in a copy of its folder and grade the exercises "
                    "it was assigned: each counts once, by the result of its last check.",
    )
    add_grade_arguments(g)
    args = parser.parse_args(argv)
    if args.command == "student-version":
        return _student_versions(args.solutions, args.out)
    if args.command == "grade":
        return grade_command(g, args)
    if args.steps < 1:
        parser.error(f"--steps must be >= 1, got {args.steps}")
    try:
        result = demo(steps=args.steps, seed=args.seed, out=args.out, progress=not args.no_progress)
    except OSError as e:
        print(f"tinygrad-ann demo: --out {args.out}: {e.strerror or e}", file=sys.stderr)
        return 1
    print(f"final loss {result['loss']:.4f}, training accuracy {result['accuracy']:.2f} "
          f"({args.steps} steps in {result['seconds']:.1f} s)")
    if args.out:
        for name in DEMO_FILES:
            print(f"wrote {os.path.join(args.out, name)}")
    return 0


def _student_versions(solutions: list[str], out: str) -> int:
    """`tinygrad-ann student-version`: blank every solution notebook into `out`
    (nothing is written if one fails, or if a student version would replace a solution)."""
    from .exercises.notebooks import make_student_versions

    command = "tinygrad-ann student-version"
    try:
        written = make_student_versions(solutions, out)
    except ValueError as e:  # a broken notebook, a marker without its partner, a clash of paths
        print(f"{command}: {str(e).removeprefix('make_student_versions: ')}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"{command}: {e.filename if e.filename is not None else out}: {e.strerror or e}", file=sys.stderr)
        return 1
    for target, blanks in written:
        if blanks == 0:
            print(f"{command}: warning: {target} has no BEGIN SOLUTION / END SOLUTION markers, so it is "
                  f"the solution itself (without its outputs)", file=sys.stderr)
        print(f"wrote {target} ({blanks} blank{'s' if blanks != 1 else ''} to fill in)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
