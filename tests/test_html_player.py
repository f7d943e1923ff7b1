"""Tests for tinygrad_ann.viz.player (frames in one self-contained HTML page) and
BackpropReplay.save_html: the page's content without a browser, then the page's
player for real in headless Chromium (Debian's chromium and chromium-driver,
driven by Selenium; that test skips when one of them is not installed).
"""

from __future__ import annotations

import ast
import base64
import html
import os
import re
import shutil
import stat
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tinygrad_ann import Value
from tinygrad_ann.viz import BackpropReplay, player, player_html, save_player_html

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

SVG_DOC = """<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN"
 "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<!-- a comment before the root -->
<svg width="120pt" height="40pt" viewBox="0 0 120 40" xmlns="http://www.w3.org/2000/svg">
<text x="10" y="25">frame {n}</text>
</svg>
"""


def svg_frame(n: int) -> str:
    return SVG_DOC.format(n=n)


def png_frame(width: int = 2, height: int = 2) -> bytes:
    """A small real PNG, made with the standard library (white pixels)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\xff\xff\xff" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (PNG_SIGNATURE + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


def templates(page: str) -> list[tuple[str, str]]:
    """(caption, frame markup) of each frame the page holds, in order."""
    found = re.findall(r'<template data-caption="([^"]*)">\n(.*?)\n</template>', page, flags=re.S)
    return [(html.unescape(caption), frame) for caption, frame in found]


def inline(svg: str) -> str:
    """An SVG document's <svg> element, as replay.show() inlines it."""
    return svg[svg.find("<svg"):].rstrip()


def assert_self_contained(page: str) -> None:
    """Nothing in the page is fetched: no address outside a data URI, no protocol-relative
    source, no @import. The only http:// text allowed is an XML namespace name
    (xmlns="http://www.w3.org/2000/svg" in an inline SVG), which names the SVG
    vocabulary and is never fetched."""
    without_namespaces = re.sub(r'\sxmlns(:\w+)?="[^"]*"', "", page)
    assert "http://" not in without_namespaces
    assert "https://" not in without_namespaces
    for pattern in (r'(src|href)\s*=\s*["\']?//', r"url\(\s*['\"]?(?!data:|#)", r"@import"):
        assert not re.search(pattern, page, flags=re.I), pattern
    assert not re.search(r'\b(src|href)\s*=\s*["\'](?!data:|#)', page), "a source that is not a data URI"


def replay_graph() -> Value:
    """A graph whose replay has 4 frames with different captions (a is used twice)."""
    a = Value(2.0, label="a")
    b = Value(-3.0, label="b")
    c = a * b
    c.label = "c"
    d = c + a
    d.label = "d"
    e = d.tanh()
    e.label = "e"
    return e


# ---------------------------------------------------------------------------
# the page, without a browser
# ---------------------------------------------------------------------------


def test_page_holds_every_svg_frame_inline_without_its_prolog():
    frames = [svg_frame(n) for n in range(3)]
    page = player_html(frames, ["one", "two", "three"])
    held = templates(page)
    assert [frame for _, frame in held] == [inline(f) for f in frames]
    assert "<?xml" not in page and "<!DOCTYPE svg" not in page
    assert page.count("<svg") == 3


def test_page_holds_png_frames_as_data_uris():
    png = png_frame()
    page = player_html([png, png_frame(3, 1)], ["a", "b"])
    uris = re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert [base64.b64decode(u) for u in uris] == [png, png_frame(3, 1)]


def test_page_takes_jpeg_and_gif_bytes_and_mixed_frames():
    page = player_html([b"\xff\xd8\xff\xe0rest", b"GIF89a...", svg_frame(0)], None)
    assert "data:image/jpeg;base64," in page and "data:image/gif;base64," in page
    assert len(templates(page)) == 3
    assert all(caption == "" for caption, _ in templates(page))


def test_captions_and_title_are_escaped():
    captions = ['a < b & "c"', "<script>alert('x')</script>", "x.grad += 3\nsecond line"]
    page = player_html([svg_frame(n) for n in range(3)], captions, title="<b>Demo</b> & co")
    for caption in captions:
        assert html.escape(caption) in page
    assert "<script>alert" not in page
    assert [caption for caption, _ in templates(page)] == captions
    assert "<h1>&lt;b&gt;Demo&lt;/b&gt; &amp; co</h1>" in page
    assert "<title>&lt;b&gt;Demo&lt;/b&gt; &amp; co</title>" in page


def test_page_has_the_player_controls_and_settings():
    page = player_html([svg_frame(n) for n in range(12)], [f"step {n}" for n in range(12)],
                       interval_ms=250, loop=True)
    for needed in ('id="slider" min="0" max="11"', 'id="play"', 'id="prev"', 'id="next"',
                   '<span class="counter" id="counter">1 / 12</span>',
                   'data-interval="250"', 'data-loop="true"', 'id="caption"', "<script>"):
        assert needed in page
    assert "<h1>" not in page  # no title, no heading
    assert 'data-loop="false"' in player_html([svg_frame(0)])


def test_page_is_self_contained():
    page = player_html([svg_frame(0), png_frame()], ["svg", "png"], title="t")
    assert_self_contained(page)
    assert "Content-Security-Policy" in page and "default-src 'none'" in page


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: player_html(svg_frame(0), ["x"]), TypeError,
         r"player_html: frames must be a list of frames \(SVG strs or image bytes\), got '<\?xml"),
        (lambda: player_html(png_frame(), None), TypeError, r"player_html: frames must be a list"),
        (lambda: player_html(3, None), TypeError, r"player_html: frames must be a list .* got 3 \(int\)"),
        (lambda: player_html([], []), ValueError, r"player_html: frames must be a list of at least one frame"),
        (lambda: player_html([svg_frame(0), 3.5], None), TypeError,
         r"player_html: frames\[1\] must be an SVG .* got 3.5 \(float\)"),
        (lambda: player_html(["<p>not a picture</p>"], None), ValueError,
         r"player_html: frames\[0\] must be an SVG .*\(no <svg> element in this str\)"),
        (lambda: player_html(["<svg width='1'>" + "x" * 500], None), ValueError,
         r"player_html: frames\[0\] .*x\.\.\.[\"'] \(no </svg> after its <svg>\)"),
        (lambda: player_html([b"%PDF-1.7 not an image"], None), ValueError,
         r"player_html: frames\[0\] .*no PNG, JPEG or GIF image"),
        (lambda: player_html([svg_frame(0)], ["one", "two"]), ValueError,
         r"player_html: captions must be one per frame \(1 frame\), got 2 captions"),
        (lambda: player_html([svg_frame(0), svg_frame(1)], ["one"]), ValueError,
         r"player_html: captions must be one per frame \(2 frames\), got 1 caption$"),
        (lambda: player_html([svg_frame(0)], "one"), TypeError, r"player_html: captions must be a list of strs"),
        (lambda: player_html([svg_frame(0)], [1]), TypeError, r"player_html: captions\[0\] must be a str, got 1"),
        (lambda: player_html([svg_frame(0)], title=None), TypeError, r"player_html: title must be a str"),
        (lambda: player_html([svg_frame(0)], interval_ms=0), ValueError,
         r"player_html: interval_ms must be a positive number, got 0"),
        (lambda: player_html([svg_frame(0)], interval_ms="fast"), TypeError,
         r"player_html: interval_ms must be a number"),
        (lambda: player_html([svg_frame(0)], loop="yes"), TypeError, r"player_html: loop must be True or False"),
        (lambda: save_player_html(None, [svg_frame(0)]), TypeError,
         r"save_player_html: path must be a path to an .html file"),
        (lambda: save_player_html("x.html", []), ValueError, r"save_player_html: frames must be a list of at least"),
    ],
)
def test_bad_arguments_raise_clear_errors(call, error, message):
    with pytest.raises(error, match=f"^{message}"):
        call()


def test_an_error_message_shows_only_the_start_of_a_long_frame():
    with pytest.raises(ValueError) as caught:
        player_html(["<div>" + "x" * 10_000 + "</div>"], None)
    assert len(str(caught.value)) < 300


def test_frames_and_captions_may_be_any_iterables():
    page = player_html((svg_frame(n) for n in range(2)), iter(["a", "b"]))
    assert [c for c, _ in templates(page)] == ["a", "b"]


def test_save_player_html_writes_utf8_and_returns_the_path(tmp_path):
    target = tmp_path / "page.html"
    out = save_player_html(str(target), [svg_frame(0)], ["Σ w·x + b → tanh"], title="Ünïcode")
    assert out == target and isinstance(out, Path)
    text = target.read_bytes().decode("utf-8")
    assert "Σ w·x + b → tanh" in text and '<meta charset="utf-8">' in text
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]  # no temporary file left


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX's")
def test_saved_page_is_readable_as_a_file_open_would_make_it(tmp_path):
    mask = os.umask(0o022)
    try:
        path = save_player_html(tmp_path / "page.html", [svg_frame(0)])
    finally:
        os.umask(mask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644  # not mkstemp's 0o600: a web server reads it


def test_a_failed_save_leaves_the_old_page_and_no_half_written_file(tmp_path, monkeypatch):
    target = tmp_path / "page.html"
    target.write_text("old page", encoding="utf-8")
    with pytest.raises(ValueError):
        save_player_html(target, [svg_frame(0), b"not an image"])
    assert target.read_text(encoding="utf-8") == "old page"

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(player.os, "replace", broken_replace)
    with pytest.raises(OSError, match="No space left"):
        save_player_html(target, [svg_frame(0)])
    assert target.read_text(encoding="utf-8") == "old page"
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]


def test_player_module_imports_only_the_standard_library():
    tree = ast.parse(Path(player.__file__).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            imported.add((node.module or "").split(".")[0])
        elif isinstance(node, ast.ImportFrom):  # relative: only the library's checks
            assert node.module == "_checks" and node.level == 2
    if sys.version_info >= (3, 10):
        assert imported <= set(sys.stdlib_module_names) | {"__future__"}, imported
    assert "matplotlib" not in imported and "graphviz" not in imported


# ---------------------------------------------------------------------------
# BackpropReplay.save_html
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def replay():
    return BackpropReplay(replay_graph())


def test_replay_save_html_holds_its_frames_and_captions(replay, tmp_path):
    path = replay.save_html(tmp_path / "replay.html", interval_ms=300)
    page = path.read_text(encoding="utf-8")
    held = templates(page)
    assert len(held) == len(replay) == 4
    for i, (caption, frame) in enumerate(held):
        assert frame == inline(replay.svg(i))
        assert caption == replay.steps[i].caption
        ET.fromstring(frame)  # each inlined frame is a whole SVG element
    assert "<h1>Backpropagation step by step: e</h1>" in page
    assert 'data-interval="300"' in page and 'data-loop="false"' in page
    assert_self_contained(page)
    assert [p.name for p in tmp_path.iterdir()] == ["replay.html"]


def test_replay_save_html_title_and_loop(replay, tmp_path):
    page = replay.save_html(tmp_path / "a.html", title="", loop=True).read_text(encoding="utf-8")
    assert "<h1>" not in page and 'data-loop="true"' in page and "<title>Frames</title>" in page
    page = replay.save_html(tmp_path / "b.html", title="Lecture 1 <draft>").read_text(encoding="utf-8")
    assert "<h1>Lecture 1 &lt;draft&gt;</h1>" in page


def test_replay_save_html_names_an_unlabelled_root():
    a = Value(2.0)
    replay = BackpropReplay(a * 3)
    with tempfile.TemporaryDirectory() as folder:
        page = replay.save_html(Path(folder) / "r.html").read_text(encoding="utf-8")
    assert "<h1>Backpropagation step by step: the * node (data 6.0000)</h1>" in page


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"path": 3}, TypeError, r"BackpropReplay.save_html: path must be a path to an .html file"),
        ({"title": 3}, TypeError, r"BackpropReplay.save_html: title must be a str or None, got 3 \(int\)"),
        ({"interval_ms": -1}, ValueError, r"BackpropReplay.save_html: interval_ms must be a positive number"),
        ({"loop": 1}, TypeError, r"BackpropReplay.save_html: loop must be True or False, got 1 \(int\)"),
    ],
)
def test_replay_save_html_bad_arguments(replay, tmp_path, kwargs, error, message):
    kwargs = {"path": tmp_path / "r.html", **kwargs}
    with pytest.raises(error, match=f"^{message}"):
        replay.save_html(**kwargs)
    assert not (tmp_path / "r.html").exists()


# ---------------------------------------------------------------------------
# the page in a real browser: headless Chromium, driven by Selenium
# ---------------------------------------------------------------------------

CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--window-size=1280,900",
)


def _find(name: str, default: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    return default if os.path.exists(default) else None


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium driven by Selenium; skips when Chromium, chromedriver or
    selenium is not installed (Debian: apt-get install chromium chromium-driver)."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.skip("selenium is not installed (pip install selenium): no browser test")
    chromium = _find("chromium", "/usr/bin/chromium")
    driver_path = _find("chromedriver", "/usr/bin/chromedriver")
    if chromium is None or driver_path is None:
        missing = " and ".join(n for n, p in (("chromium", chromium), ("chromedriver", driver_path)) if not p)
        pytest.skip(f"{missing} not found (Debian: apt-get install chromium chromium-driver): no browser test")
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    options = webdriver.ChromeOptions()
    # Both paths are given, so Selenium Manager never looks for (or downloads) a browser.
    options.binary_location = chromium
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _state(driver) -> dict:
    """What the page shows: the frame's number, the caption, the counter, the
    shown SVG's text, how many pictures are in the page, whether it plays."""
    return driver.execute_script("""
        const stage = document.getElementById('stage');
        const svg = stage.querySelector('svg');
        const img = stage.querySelector('img');
        return {
            frame: Number(stage.getAttribute('data-frame')),
            caption: document.getElementById('caption').textContent,
            counter: document.getElementById('counter').textContent,
            slider: Number(document.getElementById('slider').value),
            text: svg ? svg.textContent.split(/\\s+/).join(' ').trim() : null,
            pictures: document.querySelectorAll('svg, img').length,
            visible: stage.getBoundingClientRect().height > 50,
            imageWidth: img ? img.naturalWidth : null,
            playing: document.getElementById('player').getAttribute('data-playing'),
            playLabel: document.getElementById('play').textContent,
            prevDisabled: document.getElementById('prev').disabled,
            nextDisabled: document.getElementById('next').disabled,
            seen: window.framesSeen || [],
        };
    """)


def _record_frames(driver) -> None:
    """From now on, the page keeps every frame it shows, in order, in window.framesSeen
    (so a test of Play misses no frame, however slowly it looks)."""
    driver.execute_script("""
        if (window.frameRecorder) { window.frameRecorder.disconnect(); }
        window.framesSeen = [];
        const stage = document.getElementById('stage');
        window.frameRecorder = new MutationObserver(
            () => window.framesSeen.push(Number(stage.getAttribute('data-frame'))));
        window.frameRecorder.observe(stage, {attributes: true, attributeFilter: ['data-frame']});
    """)


def _frames_seen(driver) -> list:
    return driver.execute_script("return window.framesSeen")


def _svg_text(svg: str) -> str:
    """The text of an SVG as the browser's textContent gives it, spaces collapsed."""
    return " ".join("".join(ET.fromstring(inline(svg)).itertext()).split())


def _wait_for(driver, condition, what: str, timeout: float = 10.0) -> dict:
    from selenium.webdriver.support.ui import WebDriverWait

    def met(d):  # the state in which the condition held (None: not yet)
        state = _state(d)
        return state if condition(state) else None

    return WebDriverWait(driver, timeout, poll_frequency=0.05).until(met, message=f"the page did not {what}")


def test_replay_page_plays_in_a_real_browser(browser, replay, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    path = replay.save_html(tmp_path / "replay.html", interval_ms=300)
    browser.get(path.resolve().as_uri())
    expected = [(_svg_text(replay.svg(i)), replay.steps[i].caption) for i in range(len(replay))]
    n = len(replay)

    def assert_shows(i: int) -> None:
        state = _state(browser)
        assert state["frame"] == i and state["slider"] == i
        assert (state["text"], state["caption"]) == expected[i]
        assert state["counter"] == f"{i + 1} / {n}"
        assert state["pictures"] == 1 and state["visible"]  # one frame in the page at a time
        assert state["prevDisabled"] == (i == 0) and state["nextDisabled"] == (i == n - 1)

    # The first frame and its caption, shown when the page opens.
    assert browser.title == "Backpropagation step by step: e"
    assert_shows(0)
    assert browser.find_element(By.ID, "caption").is_displayed()
    assert not browser.find_element(By.ID, "noscript-note").is_displayed()

    # The slider: set its value and send the input event a drag sends.
    browser.execute_script("""
        const slider = document.getElementById('slider');
        slider.value = arguments[0];
        slider.dispatchEvent(new Event('input', {bubbles: true}));
    """, 2)
    assert_shows(2)

    # Buttons and keys.
    browser.find_element(By.ID, "prev").click()
    assert_shows(1)
    browser.find_element(By.ID, "next").click()
    assert_shows(2)
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.ARROW_LEFT)
    assert_shows(1)
    body.send_keys(Keys.END)
    assert_shows(n - 1)
    body.send_keys(Keys.ARROW_RIGHT)  # no frame after the last
    assert_shows(n - 1)
    body.send_keys(Keys.HOME)
    assert_shows(0)
    slider = browser.find_element(By.ID, "slider")
    slider.send_keys(Keys.ARROW_RIGHT)  # the slider's own arrow key, once (not twice)
    assert_shows(1)

    # Play: the frame advances on the timer, then it stops at the last frame.
    body.send_keys(Keys.HOME)
    _record_frames(browser)
    browser.find_element(By.ID, "play").click()
    state = _wait_for(browser, lambda s: s["frame"] >= 1, "advance after Play")
    assert ("Pause" in state["playLabel"]) == (state["playing"] == "true")
    _wait_for(browser, lambda s: s["playing"] == "false", "stop at the last frame")
    assert _frames_seen(browser) == list(range(1, n))  # one frame after the other, then it stopped
    assert_shows(n - 1)
    assert "Play" in _state(browser)["playLabel"]
    browser.execute_script("return new Promise(r => setTimeout(r, 700))")
    assert _frames_seen(browser) == list(range(1, n))  # stopped: no loop

    # Play at the last frame starts over from the first; Pause stops it where it is.
    _record_frames(browser)
    browser.find_element(By.ID, "play").click()
    _wait_for(browser, lambda s: len(s["seen"]) >= 2, "start over")
    browser.find_element(By.ID, "play").click()
    paused = _state(browser)
    assert paused["playing"] == "false" and paused["seen"][:2] == [0, 1]
    browser.execute_script("return new Promise(r => setTimeout(r, 700))")
    assert _state(browser)["frame"] == paused["frame"]  # paused: it stays

    # Self-contained: the browser fetched nothing, and nothing complained.
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []

    browser.find_element(By.ID, "slider").send_keys(Keys.ARROW_RIGHT)
    screenshot = tmp_path / "replay-page.png"
    assert browser.save_screenshot(str(screenshot))
    assert screenshot.read_bytes().startswith(PNG_SIGNATURE)


def test_png_page_shows_its_images_in_a_real_browser(browser, tmp_path):
    from selenium.webdriver.common.by import By

    frames = [png_frame(40, 20), png_frame(30, 20), png_frame(20, 20)]
    path = save_player_html(tmp_path / "pngs.html", frames, ["first", "second", "third"],
                            interval_ms=100, loop=True)
    browser.get(path.resolve().as_uri())
    state = _state(browser)
    assert (state["frame"], state["caption"], state["counter"], state["imageWidth"]) == (0, "first", "1 / 3", 40)
    _record_frames(browser)
    browser.find_element(By.ID, "play").click()
    _wait_for(browser, lambda s: len(s["seen"]) >= 5, "play on past the last frame")
    browser.find_element(By.ID, "play").click()
    assert _frames_seen(browser)[:5] == [1, 2, 0, 1, 2]  # loop=True: it starts over
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []
