"""The demo: `python -m tinygrad_ann demo` and the `tinygrad-ann` console script."""

import json
import os
import random
import xml.etree.ElementTree as ET
from pathlib import Path
import subprocess
import sys

import pytest

from tinygrad_ann import load
from tinygrad_ann import MLP
from tinygrad_ann.cli import DEMO_FILES, demo, main, write_pictures


def test_demo_reaches_95_percent_training_accuracy_on_its_default_seed():
    result = demo(progress=False)
    assert result["accuracy"] >= 0.95
    assert result["loss"] < 0.2


def test_demo_is_reproducible_for_a_seed():
    assert demo(steps=5, seed=3, progress=False)["loss"] == demo(steps=5, seed=3, progress=False)["loss"]


def test_demo_out_writes_a_loadable_model(tmp_path):
    demo(steps=3, out=str(tmp_path / "out"), progress=False)
    model = load(tmp_path / "out" / "model.json")
    assert len(model.parameters()) == 337


@pytest.fixture(scope="module")
def pictures(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    demo(steps=20, out=str(out), progress=False)
    return out


def test_demo_out_writes_every_picture(pictures):
    assert sorted(p.name for p in pictures.iterdir()) == sorted(DEMO_FILES)


def test_demo_decision_boundary_is_a_png_of_sensible_size(pictures):
    from PIL import Image

    with Image.open(pictures / "decision_boundary.png") as image:
        assert image.format == "PNG"
        width, height = image.size
        assert 400 <= width <= 2000 and 300 <= height <= 2000
        assert len(image.convert("RGB").getcolors(maxcolors=1 << 16) or range(1 << 16)) > 10  # not blank


def test_demo_training_gif_shows_the_boundary_moving_in_one_frame_per_snapshot(pictures):
    from PIL import Image, ImageChops

    with Image.open(pictures / "training.gif") as gif:
        assert gif.format == "GIF"
        assert gif.n_frames == 11  # 20 steps, a snapshot every 2 and after the first
        gif.seek(0)
        first = gif.convert("RGB")
        gif.seek(gif.n_frames - 1)
        last = gif.convert("RGB")
    assert ImageChops.difference(first, last).getbbox() is not None  # training changed the picture


def _svg_texts(path):
    root = ET.parse(path).getroot()  # raises if the SVG is not well-formed
    return [t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text")]


def test_demo_network_diagram_draws_every_neuron_of_the_trained_model(pictures):
    texts = _svg_texts(pictures / "network.svg")
    model = load(pictures / "model.json")
    biases = [n.b.data for layer in model.layers for n in layer.neurons]
    assert texts.count("relu") == 32 and texts.count("linear") == 1
    assert all(f"b = {b:.2f}" in texts for b in biases if 0.01 <= abs(b) < 1000)
    assert "x1" in texts and "x2" in texts


def test_demo_neuron_graph_shows_data_and_a_gradient_that_flows(pictures):
    texts = _svg_texts(pictures / "neuron_graph.svg")
    assert "x1" in texts and "x2" in texts and "out" in texts
    assert "Σ w·x + b" in texts and "relu" in texts
    grads = [float(t.split()[1]) for t in texts if t.startswith("grad ")]
    assert len(grads) == 7  # w1, x1, w2, x2, b, the sum, the output
    assert sum(g != 0.0 for g in grads) >= 5  # an active neuron: gradient reaches its inputs
    assert {"w1", "w2", "b"} <= set(texts)  # the weight and bias boxes named as the lecture names them


def test_write_pictures_leaves_the_model_without_gradients(tmp_path):
    model = MLP(2, [3, 1], rng=random.Random(0))
    before = [p.data for p in model.parameters()]
    write_pictures(model, [[0.5, -0.2], [1.0, 0.3]], [1, -1], str(tmp_path))
    assert [p.data for p in model.parameters()] == before
    assert all(p.grad == 0.0 for p in model.parameters())
    assert all(p.label == "" for p in model.parameters())  # w1, w2, b were for the picture only


def test_write_pictures_gives_back_labels_the_model_had(tmp_path):
    model = MLP(2, [3, 1], rng=random.Random(0))
    for i, p in enumerate(model.parameters()):
        p.label = f"p{i}"
    write_pictures(model, [[0.5, -0.2], [1.0, 0.3]], [1, -1], str(tmp_path))
    assert [p.label for p in model.parameters()] == [f"p{i}" for i in range(len(model.parameters()))]


def test_main_prints_final_loss_and_accuracy(capsys):
    assert main(["demo", "--steps", "3", "--seed", "1", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "final loss" in out and "training accuracy" in out


@pytest.mark.parametrize("argv", [["demo", "--steps", "0"], ["demo", "--steps", "x"], ["fly"], []])
def test_main_rejects_bad_arguments_with_usage(argv, capsys):
    with pytest.raises(SystemExit) as e:
        main(argv)
    assert e.value.code == 2
    assert "usage" in capsys.readouterr().err


def test_python_dash_m_runs_the_demo(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "tinygrad_ann", "demo", "--steps", "2", "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "training accuracy" in proc.stdout
    assert json.loads((tmp_path / "model.json").read_text())["architecture"]["nouts"] == [16, 16, 1]
    for name in DEMO_FILES:
        assert f"wrote {tmp_path / name}" in proc.stdout


SOLUTIONS = Path(__file__).parent.parent / "notebooks" / "solutions"


def test_student_version_writes_the_handouts_that_ship_with_the_course(tmp_path, capsys):
    solutions = sorted(SOLUTIONS.glob("*.ipynb"))
    assert main(["student-version", *map(str, solutions), "--out", str(tmp_path)]) == 0
    for path in solutions:
        shipped = path.parent.parent / "exercises" / path.name
        assert (tmp_path / path.name).read_text(encoding="utf-8") == shipped.read_text(encoding="utf-8")
    assert "blanks to fill in" in capsys.readouterr().out


def test_student_version_reports_a_missing_or_broken_notebook_in_one_line(tmp_path, capsys):
    broken = tmp_path / "broken.ipynb"
    broken.write_text("{", encoding="utf-8")
    assert main(["student-version", str(tmp_path / "missing.ipynb"), "--out", str(tmp_path / "out")]) == 1
    assert "missing.ipynb" in capsys.readouterr().err
    assert main(["student-version", str(broken), "--out", str(tmp_path / "out")]) == 1
    assert "broken.ipynb: not a notebook (invalid JSON)" in capsys.readouterr().err


def test_student_version_names_a_notebook_with_an_unmatched_marker_once(tmp_path, capsys):
    bad = tmp_path / "bad.ipynb"
    cell = {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
            "source": ["### BEGIN SOLUTION\n", "x = 1\n"]}
    bad.write_text(json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    assert main(["student-version", str(bad), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"tinygrad-ann student-version: {bad}: cell ") and err.count("bad.ipynb") == 1


def _solution(path, *sources, markers=True):
    """Write a small solution notebook (code cells) at `path`; each cell holds a marked answer."""
    cells = [{"cell_type": "code", "metadata": {}, "execution_count": 3, "outputs": [{"output_type": "stream",
              "name": "stdout", "text": "x"}],
              "source": ("x = 1\n### BEGIN SOLUTION\ny = 2\n### END SOLUTION\n" if markers else "y = 2\n") + source}
             for source in sources or ["check('mse', mse)"]]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}), encoding="utf-8")
    return path


def _refused(argv, capsys):
    """Run student-version; return its one line of error (it must fail and write nothing)."""
    assert main(["student-version", *map(str, argv)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("tinygrad-ann student-version: ") and len(err.splitlines()) == 1, err
    return err


def test_student_version_refuses_to_overwrite_the_solution(tmp_path, capsys):
    solution = _solution(tmp_path / "a.ipynb")
    before = solution.read_bytes()
    err = _refused([solution, "--out", tmp_path], capsys)
    assert f"the student version {tmp_path / 'a.ipynb'} would replace the solution {solution}" in err
    assert solution.read_bytes() == before


def test_student_version_refuses_an_out_folder_that_links_to_the_solutions(tmp_path, capsys):
    solution = _solution(tmp_path / "solutions" / "a.ipynb")
    (tmp_path / "handouts").symlink_to(tmp_path / "solutions", target_is_directory=True)
    before = solution.read_bytes()
    assert "would replace the solution" in _refused([solution, "--out", tmp_path / "handouts"], capsys)
    assert solution.read_bytes() == before


def test_student_version_refuses_an_output_that_is_a_link_to_a_solution(tmp_path, capsys):
    solution = _solution(tmp_path / "solutions" / "a.ipynb")
    (tmp_path / "handouts").mkdir()
    (tmp_path / "handouts" / "a.ipynb").symlink_to(solution)
    before = solution.read_bytes()
    assert "would replace the solution" in _refused([solution, "--out", tmp_path / "handouts"], capsys)
    assert solution.read_bytes() == before


def test_student_version_refuses_an_output_that_is_a_hard_link_to_a_solution(tmp_path, capsys):
    solution = _solution(tmp_path / "solutions" / "a.ipynb")
    (tmp_path / "handouts").mkdir()
    os.link(solution, tmp_path / "handouts" / "a.ipynb")
    assert "would replace the solution" in _refused([solution, "--out", tmp_path / "handouts"], capsys)


def test_student_version_refuses_an_out_folder_differing_from_the_solutions_only_in_case_where_case_is_ignored(
        tmp_path, capsys, monkeypatch):
    from tinygrad_ann.exercises import notebooks

    solution = _solution(tmp_path / "Solutions" / "a.ipynb")
    before = solution.read_bytes()
    monkeypatch.setattr(notebooks, "_ignores_case", lambda folder: True)  # as on macOS or Windows
    assert "would replace the solution" in _refused([solution, "--out", tmp_path / "solutions"], capsys)
    assert solution.read_bytes() == before
    monkeypatch.setattr(notebooks, "_ignores_case", lambda folder: False)  # a disk that tells case apart
    assert main(["student-version", str(solution), "--out", str(tmp_path / "solutions")]) == 0
    assert solution.read_bytes() == before


def test_the_disk_here_is_asked_whether_it_ignores_case(tmp_path):
    from tinygrad_ann.exercises import notebooks

    (tmp_path / "Probe").mkdir()
    assert notebooks._ignores_case(str(tmp_path / "Probe")) == (tmp_path / "probe").exists()
    assert notebooks._ignores_case(str(tmp_path / "Probe" / "not" / "made" / "yet")) == (tmp_path / "probe").exists()


def test_student_version_refuses_two_solutions_with_the_same_file_name(tmp_path, capsys):
    first, second = _solution(tmp_path / "a" / "x.ipynb"), _solution(tmp_path / "b" / "x.ipynb")
    err = _refused([first, second, "--out", tmp_path / "out"], capsys)
    assert f"{first} and {second} have the same file name, so both student versions would be " in err
    assert not (tmp_path / "out").exists()


def test_student_version_names_differing_only_in_case_are_the_same_where_case_is_ignored(tmp_path, capsys, monkeypatch):
    from tinygrad_ann.exercises import notebooks

    first, second = _solution(tmp_path / "a" / "X.ipynb"), _solution(tmp_path / "b" / "x.ipynb")
    monkeypatch.setattr(notebooks, "_ignores_case", lambda folder: True)
    assert "have the same file name" in _refused([first, second, "--out", tmp_path / "out"], capsys)


def test_student_version_refuses_the_same_solution_given_twice(tmp_path, capsys):
    solution = _solution(tmp_path / "a.ipynb")
    assert "have the same file name" in _refused([solution, solution, "--out", tmp_path / "out"], capsys)


@pytest.mark.parametrize("args, error, message", [
    (("a.ipynb", "out"), TypeError, "make_student_versions: solution_paths must be a list of paths (each a str or "
                                    "os.PathLike), got 'a.ipynb' (str)"),
    (([1], "out"), TypeError, "make_student_versions: solution_paths must be a list of paths"),
    (([], "out"), ValueError, "make_student_versions: solution_paths must be a non-empty list of paths, got []"),
    ((["a.ipynb"], None), TypeError, "make_student_versions: out must be a folder's path (a str or os.PathLike), got None"),
])
def test_make_student_versions_arguments_are_checked_before_anything_is_written(tmp_path, monkeypatch, args,
                                                                                error, message):
    from tinygrad_ann.exercises.notebooks import make_student_versions

    monkeypatch.chdir(tmp_path)
    with pytest.raises(error) as info:
        make_student_versions(*args)
    assert str(info.value).startswith(message)
    assert list(tmp_path.iterdir()) == []


def test_make_student_version_refuses_to_write_over_its_solution(tmp_path):
    from tinygrad_ann.exercises import make_student_version

    solution = _solution(tmp_path / "a.ipynb")
    (tmp_path / "link.ipynb").symlink_to(solution)
    before = solution.read_bytes()
    with pytest.raises(ValueError, match=r"^make_student_version: student_path .*link.ipynb' is the solution notebook "
                                         r"itself: writing it would replace the solution; choose another path$"):
        make_student_version(solution, tmp_path / "link.ipynb")
    assert solution.read_bytes() == before


def test_student_version_warns_when_a_notebook_has_no_markers(tmp_path, capsys):
    plain = _solution(tmp_path / "plain.ipynb", markers=False)
    assert main(["student-version", str(plain), "--out", str(tmp_path / "out")]) == 0
    captured = capsys.readouterr()
    assert captured.err == (f"tinygrad-ann student-version: warning: {tmp_path / 'out' / 'plain.ipynb'} has no "
                            "BEGIN SOLUTION / END SOLUTION markers, so it is the solution itself (without its "
                            "outputs)\n")
    assert "(0 blanks to fill in)" in captured.out


def test_student_version_writes_nothing_and_leaves_no_folder_when_a_notebook_fails(tmp_path, capsys):
    good = _solution(tmp_path / "good.ipynb")
    broken = tmp_path / "broken.ipynb"
    broken.write_text("[1, 2]", encoding="utf-8")
    assert "broken.ipynb: not a notebook (no list of cells)" in _refused([good, broken, "--out", tmp_path / "out"], capsys)
    assert not (tmp_path / "out").exists()


def test_student_version_leaves_no_folder_when_writing_fails(tmp_path, capsys, monkeypatch):
    from tinygrad_ann.exercises import notebooks

    def full_disk(nb, path):
        open(path, "w").close()
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setattr(notebooks, "_write_notebook", full_disk)
    good = _solution(tmp_path / "good.ipynb")
    err = _refused([good, "--out", tmp_path / "out"], capsys)
    assert err.strip().endswith("good.ipynb: No space left on device")
    assert not (tmp_path / "out").exists()


def test_student_version_into_a_file_says_so(tmp_path, capsys):
    (tmp_path / "a_file").write_text("x")
    err = _refused([_solution(tmp_path / "s" / "good.ipynb"), "--out", tmp_path / "a_file"], capsys)
    assert err == f"tinygrad-ann student-version: {tmp_path / 'a_file'}: it is a file, not a folder\n"


def test_student_version_lists_the_exercises_in_the_handouts_metadata(tmp_path):
    solution = _solution(tmp_path / "s.ipynb", "check('mse', mse)", "r = check('sgd_step', f)\ncheck('mse', g)")
    assert main(["student-version", str(solution), "--out", str(tmp_path / "out")]) == 0
    handout = json.loads((tmp_path / "out" / "s.ipynb").read_text(encoding="utf-8"))
    assert handout["metadata"]["tinygrad_ann"] == {"exercises": ["mse", "sgd_step"]}
    assert all(cell["outputs"] == [] and cell["execution_count"] is None for cell in handout["cells"])


def test_a_solutions_own_list_of_exercises_is_what_the_handout_lists(tmp_path):
    solution = _solution(tmp_path / "s.ipynb", "for name, answer in answers:\n    check(name, answer)")
    nb = json.loads(solution.read_text(encoding="utf-8"))
    nb["metadata"]["tinygrad_ann"] = {"exercises": ["mse", "sgd_step"]}
    solution.write_text(json.dumps(nb), encoding="utf-8")
    assert main(["student-version", str(solution), "--out", str(tmp_path / "out")]) == 0
    handout = json.loads((tmp_path / "out" / "s.ipynb").read_text(encoding="utf-8"))
    assert handout["metadata"]["tinygrad_ann"] == {"exercises": ["mse", "sgd_step"]}


def test_grade_is_a_command_beside_student_version(capsys):
    with pytest.raises(SystemExit) as e:
        main(["grade", "--help"])
    assert e.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: tinygrad-ann grade ") and "--timeout SECONDS" in out and "--handout" in out


@pytest.mark.parametrize("make_out", [lambda t: t / "a_file", lambda t: t / "a_file" / "below"])
def test_demo_with_an_unusable_out_says_so_in_one_line_before_training(tmp_path, capsys, monkeypatch, make_out):
    (tmp_path / "a_file").write_text("not a folder")
    import tinygrad_ann.train as train

    monkeypatch.setattr(train, "fit", lambda *a, **k: pytest.fail("trained before checking --out"))
    out = make_out(tmp_path)
    assert main(["demo", "--steps", "2", "--no-progress", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"tinygrad-ann demo: --out {out}: ") and "Traceback" not in err
    assert len(err.splitlines()) == 1


def test_demo_out_naming_a_file_says_it_is_a_file(tmp_path, capsys):
    (tmp_path / "a_file").write_text("not a folder")
    assert main(["demo", "--steps", "2", "--no-progress", "--out", str(tmp_path / "a_file")]) == 1
    assert "it is a file, not a folder" in capsys.readouterr().err


@pytest.mark.parametrize("kwargs, error, message", [
    ({"steps": 0}, ValueError, "demo: steps must be a whole number >= 1, got 0"),
    ({"steps": 2.5}, TypeError, "demo: steps must be a whole number >= 1, got 2.5 (float)"),
    ({"seed": "1"}, TypeError, "demo: seed must be a whole number, got '1' (str)"),
    ({"out": 3}, TypeError, "demo: out must be a folder's path (a str or os.PathLike), got 3 (int)"),
    ({"progress": "no"}, TypeError, "demo: progress must be True or False, got 'no' (str)"),
])
def test_demo_arguments_are_checked_before_training(kwargs, error, message, monkeypatch):
    import tinygrad_ann.train as train

    monkeypatch.setattr(train, "fit", lambda *a, **k: pytest.fail("trained before checking the arguments"))
    with pytest.raises(error) as info:
        demo(**kwargs)
    assert str(info.value) == message


def test_write_pictures_out_must_be_a_path():
    with pytest.raises(TypeError, match=r"^write_pictures: out must be a folder's path"):
        write_pictures(MLP(2, [3, 1], rng=0), [[0.0, 1.0]], [1], None)


def test_main_argv_must_be_a_list_of_strings():
    with pytest.raises(TypeError, match=r"^main: argv must be a list of strings .* got 'demo' \(str\)$"):
        main("demo")
