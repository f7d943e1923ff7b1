"""The demo: `python -m tinygrad_ann demo` and the `tinygrad-ann` console script."""

import json
import subprocess
import sys

import pytest

from tinygrad_ann import load
from tinygrad_ann.cli import demo, main


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
