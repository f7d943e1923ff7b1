"""player_html, save_player_html: frames in one self-contained HTML page, with a player.

For pictures that leave the notebook: a course website, a slide deck, a file sent
by e-mail. The page needs no Jupyter kernel, no server and no network: the frames
(SVG documents inlined as <svg> elements, PNG, JPEG or GIF images as base64
data URIs), the captions and the player's script and style are all in the one
file, and its Content-Security-Policy forbids it to fetch anything. Open it
from disk (file://) or put it on any web server.

The page shows one frame at a time with its caption above it, and:

- a slider, buttons `◀ Prev`, `▶ Play` / `❚❚ Pause` and `Next ▶`, and a
  counter "3 / 12";
- Play shows the next frame every `interval_ms` milliseconds and stops at the
  last frame (so the finished picture stays), or starts over from the first
  with `loop=True`; Play at the last frame starts again from the first;
- moving the slider, Prev, Next or a key pauses the playing;
- keys: ← and → step back and forward, Home and End go to the first and the
  last frame, the space bar plays or pauses.

The frames are kept in <template> elements and only the one shown is in the
page, so SVGs whose ids repeat from frame to frame (Graphviz's `node1`,
matplotlib's clip paths) do not clash.

This module uses the standard library only: `BackpropReplay.save_html` and the
training animations (PNG frames) build on it, through `player_page` (the same
page, with errors that name the method called) and `write_text_atomically`.

Example:
    >>> svg = '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"></svg>'
    >>> page = player_html([svg, svg], ['start', 'x.grad = 2'], title='Demo')
    >>> page.startswith('<!DOCTYPE html>'), 'x.grad = 2' in page
    (True, True)
    >>> save_player_html('demo.html', [svg], ['one frame'])   # doctest: +SKIP
    PosixPath('demo.html')
"""

from __future__ import annotations

import base64
import html
import os
import re
import tempfile
from pathlib import Path
from typing import Iterable

from .._checks import file_path, positive_number, wrong_type, wrong_value

__all__ = ["player_html", "save_player_html"]

#: What image bytes start with, and their media type in a data URI.
_IMAGE_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)

_A_FRAME = "an SVG (a str with an <svg> element) or an image's bytes (PNG, JPEG or GIF)"

# The root element of an SVG document: what follows the XML prolog, the DOCTYPE
# and any comments before it.
_SVG_START = re.compile(r"<svg[\s>/]")
_SVG_END = "</svg>"

# Nothing is fetched: images only from data URIs, style and script only from the page.
_CSP = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
        "script-src 'unsafe-inline'; base-uri 'none'; form-action 'none'")

_STYLE = """
:root { color-scheme: light; }
body { margin: 0; background: #f4f4f4; color: #222;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif; }
.player { padding: 12px 16px 16px; }
.player h1 { font-size: 1.25rem; font-weight: 600; margin: 0 0 10px; }
.controls { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; }
.controls button { font: inherit; font-size: 0.95rem; padding: 5px 12px; color: #222;
  background: #fff; border: 1px solid #999; border-radius: 5px; cursor: pointer; }
.controls button:hover:enabled { background: #eaf1fb; }
.controls button:focus-visible, .controls input:focus-visible { outline: 2px solid #2b6cb0;
  outline-offset: 1px; }
.controls button:disabled { color: #999; border-color: #ccc; cursor: default; }
.controls .play { min-width: 7em; }
.controls input[type=range] { flex: 1 1 240px; min-width: 120px; margin: 0 4px; }
.counter { min-width: 5.5em; font-variant-numeric: tabular-nums; }
.caption { margin: 10px 0; min-height: 1.4em; font-size: 1.05rem; line-height: 1.4;
  white-space: pre-line; }
.stage { background: #fff; border: 1px solid #d6d6d6; border-radius: 4px; padding: 8px;
  text-align: center; overflow: auto; }
.stage svg, .stage img { display: inline-block; vertical-align: top; width: auto; height: auto;
  max-width: 100%; max-height: max(320px, calc(100vh - 190px)); }
"""

# Configured by the data- attributes of #player: no value of the caller's is
# written into the script.
_SCRIPT = r"""
(function () {
  "use strict";
  var player = document.getElementById("player");
  var frames = Array.prototype.slice.call(document.querySelectorAll("#frames > template"));
  var stage = document.getElementById("stage");
  var caption = document.getElementById("caption");
  var slider = document.getElementById("slider");
  var counter = document.getElementById("counter");
  var playButton = document.getElementById("play");
  var prevButton = document.getElementById("prev");
  var nextButton = document.getElementById("next");
  var interval = Number(player.getAttribute("data-interval")) || 600;
  var loop = player.getAttribute("data-loop") === "true";
  var last = frames.length - 1;
  var shown = -1;
  var timer = null;

  function show(i) {
    i = Math.max(0, Math.min(last, i));
    if (i === shown) { return; }
    var frame = frames[i];
    while (stage.firstChild) { stage.removeChild(stage.firstChild); }
    stage.appendChild(frame.content.cloneNode(true));
    stage.setAttribute("data-frame", String(i));
    caption.textContent = frame.getAttribute("data-caption");
    slider.value = String(i);
    counter.textContent = (i + 1) + " / " + frames.length;
    prevButton.disabled = i === 0;
    nextButton.disabled = i === last;
    shown = i;
  }

  function tick() {
    if (shown < last) {
      show(shown + 1);
    } else if (loop) {
      show(0);
    }
    if (shown === last && !loop) { pause(); }
  }

  function play() {
    if (timer !== null || last === 0) { return; }
    if (shown === last) { show(0); }
    timer = window.setInterval(tick, interval);
    playButton.textContent = "\u275A\u275A Pause";
    playButton.setAttribute("aria-pressed", "true");
    player.setAttribute("data-playing", "true");
  }

  function pause() {
    if (timer !== null) { window.clearInterval(timer); }
    timer = null;
    playButton.textContent = "\u25B6 Play";
    playButton.setAttribute("aria-pressed", "false");
    player.setAttribute("data-playing", "false");
  }

  function go(i) { pause(); show(i); }

  playButton.addEventListener("click", function () {
    if (timer === null) { play(); } else { pause(); }
  });
  prevButton.addEventListener("click", function () { go(shown - 1); });
  nextButton.addEventListener("click", function () { go(shown + 1); });
  slider.addEventListener("input", function () { go(Number(slider.value)); });
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.defaultPrevented) { return; }
    var key = event.key;
    if (event.target === slider && key !== " ") { return; }  // the slider's own keys move it
    if (key === "ArrowLeft") { go(shown - 1); }
    else if (key === "ArrowRight") { go(shown + 1); }
    else if (key === "Home") { go(0); }
    else if (key === "End") { go(last); }
    else if (key === " " && event.target.tagName !== "BUTTON") { playButton.click(); }
    else { return; }
    event.preventDefault();
  });

  slider.disabled = playButton.disabled = last === 0;
  document.getElementById("noscript-note").hidden = true;
  show(0);
})();
"""


def _shortened(text: str, length: int = 60) -> str:
    """The start of a long frame, for an error message (a whole SVG would be pages long)."""
    return text if len(text) <= length else text[:length] + "..."


def _inline_svg(owner: str, i: int, svg: str) -> str:
    """The <svg> element of an SVG document: without the XML prolog, DOCTYPE and
    comments before it, and without anything after its end."""
    start = _SVG_START.search(svg)
    if start is None:
        wrong_value(owner, f"frames[{i}]", _A_FRAME, _shortened(svg), "no <svg> element in this str")
    end = svg.rfind(_SVG_END)
    if end < start.start():
        wrong_value(owner, f"frames[{i}]", _A_FRAME, _shortened(svg), "no </svg> after its <svg>")
    return svg[start.start():end + len(_SVG_END)]


def _image_tag(owner: str, i: int, data: bytes, total: int) -> str:
    """An <img> with the image's bytes as a base64 data URI."""
    for signature, media_type in _IMAGE_SIGNATURES:
        if data.startswith(signature):
            encoded = base64.b64encode(data).decode("ascii")
            return f'<img src="data:{media_type};base64,{encoded}" alt="frame {i + 1} of {total}">'
    wrong_value(owner, f"frames[{i}]", _A_FRAME, data[:16] + (b"..." if len(data) > 16 else b""),
                "these bytes are no PNG, JPEG or GIF image: those start otherwise")


def _as_list(owner: str, name: str, what: str, x: object) -> list[object]:
    """`x` as a list, if it is a list, tuple or other iterable (but not a str or bytes)."""
    if isinstance(x, (str, bytes, bytearray)) or not isinstance(x, Iterable):
        wrong_type(owner, name, what, x)
    return list(x)


def player_html(
    frames: Iterable[str | bytes],
    captions: Iterable[str] | None = None,
    *,
    title: str = "",
    interval_ms: float = 600,
    loop: bool = False,
) -> str:
    """One self-contained HTML page that plays `frames`, one at a time, with their captions.

    Args:
        frames: the pictures, in order, each an SVG (a str: a whole SVG document,
            whose XML prolog is dropped, or an <svg> element) or an image's bytes
            (PNG, or JPEG or GIF), which the page holds as a base64 data URI.
        captions: one str per frame, shown above it (a newline starts a new
            line); None for none.
        title: the page's heading and the browser tab's title ('' for no heading).
        interval_ms: how long Play shows each frame, in milliseconds.
        loop: False (the default): Play stops at the last frame; True: it
            starts over from the first.

    Every text is escaped, so a caption or title can hold `<`, `&` or quotes.
    The page fetches nothing (see the module's docstring for how it works:
    slider, Prev / Play / Next buttons, the "3 / 12" counter, arrow keys).
    A TypeError or ValueError that starts with `player_html:` says what is wrong
    with an argument, before any page is made.

    Example:
        >>> svg = '<?xml version="1.0"?>\\n<svg width="40" height="20"><text>hi</text></svg>'
        >>> page = player_html([svg, svg], ['a < b', 'a = b'], interval_ms=1000)
        >>> '<?xml' in page, 'a &lt; b' in page, page.count('<svg')
        (False, True, 2)
        >>> player_html([svg], ['one', 'two'])
        Traceback (most recent call last):
        ValueError: player_html: captions must be one per frame (1 frame), got 2 captions
    """
    return player_page("player_html", frames, captions, title=title, interval_ms=interval_ms, loop=loop)


def save_player_html(
    path: str | os.PathLike[str],
    frames: Iterable[str | bytes],
    captions: Iterable[str] | None = None,
    *,
    title: str = "",
    interval_ms: float = 600,
    loop: bool = False,
) -> Path:
    """Write `player_html(frames, captions, ...)` to `path` (UTF-8); its path.

    The page is made first, then written to a temporary file in the same folder
    that replaces `path` only once it is complete: a failure (a bad frame, a full
    disk) leaves no half-written page, and an old page at `path` as it was.
    See `player_html` for the other arguments.

    Example:
        >>> svg = '<svg width="40" height="20"><text x="5" y="15">hi</text></svg>'
        >>> save_player_html('frames.html', [svg, svg], ['first', 'second'])  # doctest: +SKIP
        PosixPath('frames.html')
        >>> import tempfile
        >>> page = save_player_html(Path(tempfile.mkdtemp()) / 'hi.html', [svg], ['first'])
        >>> page.name, 'first' in page.read_text(encoding='utf-8')
        ('hi.html', True)
        >>> save_player_html(3, [svg], ['first'])
        Traceback (most recent call last):
        TypeError: save_player_html: path must be a path to an .html file (a str or os.PathLike), got 3 (int)
    """
    owner = "save_player_html"
    file_path(owner, "path", path, kind="a path to an .html file")
    page = player_page(owner, frames, captions, title=title, interval_ms=interval_ms, loop=loop)
    return write_text_atomically(path, page)


def player_page(
    owner: str,
    frames: object,
    captions: object = None,
    *,
    title: object = "",
    interval_ms: object = 600,
    loop: object = False,
) -> str:
    """`player_html`'s page, for a function of the library that makes one: its
    errors start with `owner`, the public name that was called.

    Example:
        >>> player_page('Animation.save_html', [b'GIF89a...'], ['one'], interval_ms=0)
        Traceback (most recent call last):
        ValueError: Animation.save_html: interval_ms must be a positive number, got 0
    """
    items = _as_list(owner, "frames", "a list of frames (SVG strs or image bytes)", frames)
    if not items:
        wrong_value(owner, "frames", "a list of at least one frame", items)
    if captions is None:
        texts: list[object] = [""] * len(items)
    else:
        texts = _as_list(owner, "captions", "a list of strs, one per frame, or None", captions)
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            wrong_type(owner, f"captions[{i}]", "a str", text)
    if len(texts) != len(items):
        raise ValueError(f"{owner}: captions must be one per frame ({_count(len(items), 'frame')}), "
                         f"got {_count(len(texts), 'caption')}")
    if not isinstance(title, str):
        wrong_type(owner, "title", "a str", title)
    interval = positive_number(owner, "interval_ms", interval_ms)
    if not isinstance(loop, bool):
        wrong_type(owner, "loop", "True or False", loop)

    pictures = []
    for i, frame in enumerate(items):
        if isinstance(frame, str):
            pictures.append(_inline_svg(owner, i, frame))
        elif isinstance(frame, (bytes, bytearray)):
            pictures.append(_image_tag(owner, i, bytes(frame), len(items)))
        else:
            wrong_type(owner, f"frames[{i}]", _A_FRAME, frame)

    templates = "\n".join(
        f'<template data-caption="{html.escape(str(text))}">\n{picture}\n</template>'
        for text, picture in zip(texts, pictures, strict=True)
    )
    heading = f"<h1>{html.escape(title)}</h1>\n" if title else ""
    n = len(items)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="tinygrad_ann">
<title>{html.escape(title or "Frames")}</title>
<style>{_STYLE}</style>
</head>
<body>
<main class="player" id="player" data-interval="{interval:g}" data-loop="{str(loop).lower()}" \
data-playing="false">
{heading}<div class="controls">
<button type="button" id="prev" class="prev" title="previous frame (\u2190)">\u25C0 Prev</button>
<button type="button" id="play" class="play" title="play or pause (space)" \
aria-pressed="false">\u25B6 Play</button>
<button type="button" id="next" class="next" title="next frame (\u2192)">Next \u25B6</button>
<input type="range" id="slider" min="0" max="{n - 1}" step="1" value="0" aria-label="frame">
<span class="counter" id="counter">1 / {n}</span>
</div>
<p class="caption" id="caption" aria-live="polite"></p>
<div class="stage" id="stage"></div>
<p id="noscript-note">This player needs JavaScript to show its {_count(n, "frame")}.</p>
</main>
<div id="frames" hidden>
{templates}
</div>
<script>{_SCRIPT}</script>
</body>
</html>
"""


def _count(n: int, thing: str) -> str:
    return f"{n} {thing}{'' if n == 1 else 's'}"


def write_text_atomically(path: str | os.PathLike[str], text: str) -> Path:
    """Write `text` to `path` in UTF-8 through a temporary file in the same folder,
    renamed over `path` once complete, so that no half-written file is ever left
    there; its path. The file gets the permissions open() would give it (not the
    temporary file's owner-only ones): a page for a web server stays readable.

    Example:
        >>> import tempfile
        >>> folder = Path(tempfile.mkdtemp())
        >>> write_text_atomically(folder / 'notes.html', '<p>hi</p>').read_text()
        '<p>hi</p>'
        >>> [p.name for p in folder.iterdir()]        # no temporary file is left
        ['notes.html']
    """
    target = Path(path)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                             dir=target.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, target)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:  # pragma: no cover - already gone
            pass
        raise
    return target


def _umask() -> int:
    """The process's umask (read by setting it, then putting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
