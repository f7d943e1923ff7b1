"""Learning you can watch: snapshots during training, turned into an animation.

- `Recorder(every=k)`: give it to `fit(..., callback=...)`; every k epochs it
  keeps the model's weights and the loss so far. For a GAN, call
  `recorder.add_samples(step, generated, losses)` in your loop instead.
- `animate(recorder, X, y)`: one frame per snapshot. For a classifier, its
  decision boundary on (X, y) beside the loss curve growing; for a GAN, the
  generated points moving towards the real ones (`real=`) beside both losses.
  An `Animation` shows itself in Jupyter (an animated GIF), and saves as a GIF
  (`save`, matplotlib's Pillow writer: no program to install) or as a web page
  with a slider (`save_html`).
- `plot_samples(real, generated)`: real and generated points in one scatter.

Example:
    >>> from tinygrad_ann.nn import MLP
    >>> from tinygrad_ann.train import fit
    >>> X, y = [[0.0, 1.0], [1.0, 0.0], [0.0, -1.0], [-1.0, 0.0]], [1, 1, -1, -1]
    >>> model = MLP(2, [4, 1], rng=0)
    >>> recorder = Recorder(every=5)
    >>> history = fit(model, X, y, loss='hinge', lr=0.1, epochs=10, progress=False, callback=recorder)
    >>> [s.epoch for s in recorder.snapshots]
    [1, 5, 10]
    >>> anim = animate(recorder, X, y, resolution=20)
    >>> len(anim), anim.captions[-1] == f"epoch 10: loss {history['loss'][-1]:.4f}"
    (3, True)
"""

from __future__ import annotations

import base64
import io
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
from matplotlib.animation import FuncAnimation, PillowWriter
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .._checks import file_path, whole_number, wrong_type, wrong_value
from .boundary import plot_decision_boundary
from .common import PALETTE, plain_number

__all__ = ["Recorder", "Snapshot", "Animation", "animate", "animate_frames", "plot_samples"]


@dataclass
class Snapshot:
    """One moment of training.

    epoch    the epoch (or step) it was taken after, counting from 1
    losses   every loss curve so far, by name ({'loss': [...]} from fit)
    state    the model's weights then (`model.state_dict()`), or None
    points   generated points then (a GAN's), or None
    """

    epoch: int
    losses: dict[str, list[float]]
    state: dict[str, float] | None = None
    points: list[list[float]] | None = None


@dataclass
class Recorder:
    """Keeps a `Snapshot` every `every` epochs (and after the first), for `animate`.

    Pass it to `fit(..., callback=recorder)`: fit calls it after each epoch.
    For a loop of one's own (a GAN's), call `add_samples` instead.

    Example:
        >>> rec = Recorder(every=10)
        >>> rec.add_samples(10, [[0.0, 1.0]], {'generator': [0.7]})
        >>> rec.snapshots[0].epoch, rec.snapshots[0].points
        (10, [[0.0, 1.0]])
    """

    every: int = 1
    snapshots: list[Snapshot] = field(default_factory=list)
    model: Any = None

    def __post_init__(self) -> None:
        self.every = whole_number("Recorder", "every", self.every, minimum=1)

    def __call__(self, epoch: int, model: Any, history: dict[str, list[float]]) -> None:
        """fit's callback: after epoch `epoch` (from 0), keep the weights and the losses."""
        done = epoch + 1
        if done == 1 or done % self.every == 0:
            self.model = model
            self.snapshots.append(Snapshot(done, {k: list(v) for k, v in history.items() if "loss" in k},
                                           state=model.state_dict()))

    def add_samples(self, step: int, generated: Sequence[Sequence[Any]], losses: dict[str, Sequence[float]]) -> None:
        """Keep the generated points after `step`, and the loss curves so far (by name).

        Example:
            >>> rec = Recorder()
            >>> rec.add_samples(1, [[0.5, 0.5]], {'discriminator': [0.69], 'generator': [0.69]})
            >>> sorted(rec.snapshots[0].losses)
            ['discriminator', 'generator']
        """
        if isinstance(generated, (str, bytes)) or not isinstance(generated, Sequence) or not generated:
            wrong_type("Recorder.add_samples", "generated", "a non-empty list of points", generated)
        if not isinstance(losses, dict):
            wrong_type("Recorder.add_samples", "losses", "a dict of loss name -> list of numbers", losses)
        points = [[plain_number("Recorder.add_samples", f"generated[{i}]", v) for v in p]
                  for i, p in enumerate(generated)]
        curves = {name: [plain_number("Recorder.add_samples", f"losses[{name!r}]", v) for v in values]
                  for name, values in losses.items()}
        self.snapshots.append(Snapshot(whole_number("Recorder.add_samples", "step", step), curves, points=points))


class Animation:
    """Frames of a training run: shown in Jupyter, saved as a GIF or a web page.

    `len(anim)` frames; `anim.captions[i]` says what frame i shows;
    `anim.frame_png(i)` is frame i as a PNG. `save(path)` writes a GIF with
    matplotlib's Pillow writer; `save_html(path)` a self-contained page with a
    slider, a play button and the captions.

    Example:
        >>> anim = animate_frames(lambda i, fig: fig.subplots().plot([0, i]), ['a', 'b'])
        >>> len(anim), anim.captions
        (2, ['a', 'b'])
    """

    def __init__(self, draw: Callable[[int, Figure], Any], captions: list[str],
                 figsize: tuple[float, float] = (10.0, 4.0), interval_ms: int = 400, dpi: int = 80) -> None:
        self._draw, self.captions = draw, captions
        self.figsize, self.interval_ms, self.dpi = figsize, interval_ms, dpi

    def __len__(self) -> int:
        return len(self.captions)

    def _figure_at(self, i: int, fig: Figure) -> None:
        fig.clear()
        self._draw(i, fig)
        fig.suptitle(self.captions[i])

    def frame_png(self, i: int) -> bytes:
        """Frame i as PNG bytes.

        Example:
            >>> anim = animate_frames(lambda i, fig: None, ['only'])
            >>> anim.frame_png(0)[:4]
            b'\\x89PNG'
        """
        fig = plt.figure(figsize=self.figsize, layout="constrained")
        try:
            self._figure_at(i, fig)
            buffer = io.BytesIO()
            fig.savefig(buffer, format="png", dpi=self.dpi)
            return buffer.getvalue()
        finally:
            plt.close(fig)

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the frames as an animated GIF (matplotlib's Pillow writer); returns the path.

        Example:
            >>> anim = animate_frames(lambda i, fig: fig.subplots().plot([0, i]), ['a', 'b'])
            >>> anim.save('training.gif')                     # doctest: +SKIP
        """
        target = Path(file_path("Animation.save", "path", path))
        fig = plt.figure(figsize=self.figsize, layout="constrained")
        try:
            movie = FuncAnimation(fig, lambda i: self._figure_at(i, fig), frames=len(self), repeat=False)
            # Written to a temporary file beside the target, then renamed: a failed
            # save leaves no half-written GIF behind.
            handle, temporary = tempfile.mkstemp(suffix=".gif", dir=target.parent or ".")
            os.close(handle)
            try:
                # (fps may be any number: the writer shows each frame for 1000 / fps ms)
                writer = PillowWriter(fps=1000 / self.interval_ms)  # type: ignore[arg-type]
                movie.save(temporary, writer=writer, dpi=self.dpi)
                os.replace(temporary, target)
            finally:
                if os.path.exists(temporary):
                    os.remove(temporary)
        finally:
            plt.close(fig)
        return target

    def save_html(self, path: str | os.PathLike[str], title: str = "training") -> Path:
        """Write one self-contained web page: the frames, a slider, a play button, the captions.

        Example:
            >>> anim = animate_frames(lambda i, fig: None, ['a', 'b'])
            >>> anim.save_html('training.html')               # doctest: +SKIP
        """
        from ..viz.player import player_page, write_text_atomically

        target = file_path("Animation.save_html", "path", path)
        page = player_page("Animation.save_html", [self.frame_png(i) for i in range(len(self))], self.captions,
                           title=title, interval_ms=self.interval_ms)
        return write_text_atomically(target, page)

    def _repr_html_(self) -> str:
        """In Jupyter: the animation as an animated GIF, inline."""
        with tempfile.TemporaryDirectory() as folder:
            gif = self.save(Path(folder) / "animation.gif").read_bytes()
        return f'<img src="data:image/gif;base64,{base64.b64encode(gif).decode()}" alt="training animation"/>'

    def __repr__(self) -> str:
        return f"<Animation: {len(self)} frames; .save('x.gif'), .save_html('x.html')>"


def animate_frames(draw: Callable[[int, Figure], Any], captions: Sequence[str], **kwargs: Any) -> Animation:
    """An Animation of your own: `draw(i, fig)` draws frame i into the (cleared) figure.

    Example:
        >>> anim = animate_frames(lambda i, fig: fig.subplots().plot([0, i]), ['first', 'second'])
        >>> len(anim)
        2
    """
    if not callable(draw):
        wrong_type("animate_frames", "draw", "a function (i, figure) -> None", draw)
    if isinstance(captions, str) or not isinstance(captions, Sequence) or not captions:
        wrong_type("animate_frames", "captions", "a non-empty list of strings, one per frame", captions)
    return Animation(draw, [str(c) for c in captions], **kwargs)


def _loss_panel(ax: Axes, snapshot: Snapshot, last: Snapshot) -> None:
    """The loss curves up to `snapshot`, on the axes of the whole run (so they grow)."""
    for k, (name, values) in enumerate(snapshot.losses.items()):
        ax.plot(range(1, len(values) + 1), values, color=PALETTE[k % len(PALETTE)], lw=2, label=name)
    total = max((len(v) for v in last.losses.values()), default=1)
    top = max((max(v) for v in last.losses.values() if v), default=1.0)
    low = min((min(v) for v in last.losses.values() if v), default=0.0)
    ax.set_xlim(0, max(total, 1) + 0.5)
    ax.set_ylim(min(0.0, low), top * 1.05 if top > 0 else 1.0)
    ax.set(xlabel="epoch" if "loss" in snapshot.losses else "step", ylabel="loss", title="loss so far")
    ax.legend(loc="upper right")
    ax.grid(alpha=0.3)


def animate(
    recorder: Recorder,
    X: Sequence[Sequence[float]] | None = None,
    y: Sequence[Any] | None = None,
    *,
    real: Sequence[Sequence[float]] | None = None,
    resolution: int = 60,
    interval_ms: int = 400,
    every: int = 1,
) -> Animation:
    """An Animation of a `Recorder`'s snapshots, one frame each (or of every
    `every`-th, and the last, for a shorter GIF).

    A classifier's snapshots (recorded by fit): its decision boundary on
    (X, y) at that moment beside the loss curve so far; the model's weights are
    put back as they were afterwards. A GAN's (`add_samples`): the generated
    points over the `real` ones beside both loss curves.

    Example:
        >>> rec = Recorder()
        >>> rec.add_samples(1, [[0.0, 0.0]], {'d': [0.7]}); rec.add_samples(2, [[1.0, 1.0]], {'d': [0.7, 0.6]})
        >>> animate(rec, real=[[1.0, 1.0]]).captions
        ['step 1', 'step 2']
    """
    if not isinstance(recorder, Recorder):
        wrong_type("animate", "recorder", "a Recorder (given to fit, or filled by add_samples)", recorder)
    every = whole_number("animate", "every", every, minimum=1)
    shots = recorder.snapshots[::every]
    if shots and shots[-1] is not recorder.snapshots[-1]:
        shots.append(recorder.snapshots[-1])  # (always ending where training ended)
    if not shots:
        wrong_value("animate", "recorder", "a Recorder with at least one snapshot", recorder,
                    why="it has none: was it given to fit(..., callback=recorder)?")
    last = shots[-1]
    if all(s.points is not None for s in shots):
        if real is None:
            wrong_type("animate", "real", "the real points, to draw the generated ones against", real)
        real_points = [list(p) for p in real]

        def draw_samples(i: int, fig: Figure) -> None:
            left, right = fig.subplots(1, 2, width_ratios=[1.1, 1])
            plot_samples(real_points, shots[i].points or [], ax=left, limits=_limits(real_points, shots))
            _loss_panel(right, shots[i], last)

        return Animation(draw_samples, [f"step {s.epoch}" for s in shots], interval_ms=interval_ms)
    if X is None or y is None or recorder.model is None:
        wrong_type("animate", "X", "the data (X and y) the classifier's boundary is drawn on", X)
    model, final = recorder.model, recorder.model.state_dict()

    def draw_boundary(i: int, fig: Figure) -> None:
        left, right = fig.subplots(1, 2, width_ratios=[1.1, 1])
        model.load_state_dict(shots[i].state)
        try:
            plot_decision_boundary(model, X, y, ax=left, resolution=resolution, legend=None)
        finally:
            model.load_state_dict(final)
        _loss_panel(right, shots[i], last)

    captions = [f"epoch {s.epoch}: loss {s.losses['loss'][-1]:.4f}" for s in shots]
    return Animation(draw_boundary, captions, interval_ms=interval_ms)


def _limits(real: list[list[float]], shots: list[Snapshot]) -> tuple[float, float, float, float]:
    """Axis limits that hold the real points (and most generated ones) in every frame."""
    xs = [p[0] for p in real]
    ys = [p[1] for p in real]
    pad_x = 0.25 * (max(xs) - min(xs) or 1.0)
    pad_y = 0.25 * (max(ys) - min(ys) or 1.0)
    return min(xs) - pad_x, max(xs) + pad_x, min(ys) - pad_y, max(ys) + pad_y


def plot_samples(
    real: Sequence[Sequence[Any]],
    generated: Sequence[Sequence[Any]],
    ax: Axes | None = None,
    *,
    limits: tuple[float, float, float, float] | None = None,
) -> Axes:
    """Real points (grey) and generated ones (orange) in one 2-D scatter.

    Example:
        >>> ax = plot_samples([[0.0, 0.0], [1.0, 1.0]], [[0.5, 0.4]])
        >>> [c.get_label() for c in ax.collections]
        ['real (2)', 'generated (1)']
    """
    groups = []
    for name, points in (("real", real), ("generated", generated)):
        if isinstance(points, (str, bytes)) or not isinstance(points, Sequence):
            wrong_type("plot_samples", name, "a list of 2-D points", points)
        rows = [[plain_number("plot_samples", f"{name}[{i}]", v) for v in p] for i, p in enumerate(points)]
        if any(len(r) != 2 for r in rows):
            wrong_value("plot_samples", name, "a list of 2-D points (two numbers each)", points)
        groups.append(rows)
    if ax is None:
        _, ax = plt.subplots(figsize=(5.2, 5.0), layout="constrained")
    for (name, color, size, alpha), rows in zip((("real", "grey", 10, 0.35), ("generated", PALETTE[1], 14, 0.8)),
                                                groups, strict=True):
        ax.scatter([r[0] for r in rows], [r[1] for r in rows], s=size, color=color, alpha=alpha,
                   label=f"{name} ({len(rows)})")
    if limits is not None:
        ax.set_xlim(limits[0], limits[1])
        ax.set_ylim(limits[2], limits[3])
    ax.set_aspect("equal", adjustable="box")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9)  # (outside: it hides no point)
    ax.grid(alpha=0.3)
    return ax
