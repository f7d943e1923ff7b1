"""The README's Python examples run as they are written, and print what they say they print."""

import contextlib
import io
import re
import textwrap
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
# Blocks inside list items are indented; dedent them as Python needs.
BLOCKS = [
    textwrap.dedent(block)
    for block in re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
]


def expected_output(block):
    """The lines a block says it prints: `print(...)  # ... → text`, or a `# → text`
    comment on the line after a print."""
    lines = block.splitlines()
    expected = []
    for i, line in enumerate(lines):
        if not line.lstrip().startswith("print("):
            continue
        code, _, comment = line.partition("#")
        following = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if "→" in comment:
            expected.append(comment.rpartition("→")[2].strip())
        elif following.startswith("# →"):
            expected.append(following[len("# →"):].strip())
    return expected


def test_readme_has_python_examples_that_show_their_output():
    assert len(BLOCKS) >= 2
    assert sum(bool(expected_output(b)) for b in BLOCKS) >= 3


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_example_runs_and_prints_what_it_says(index, tmp_path, monkeypatch):
    if "tinygrad_ann.interop" in BLOCKS[index]:
        pytest.importorskip("torch")  # (the PyTorch examples need PyTorch)
    monkeypatch.chdir(tmp_path)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(BLOCKS[index], f"README.md example {index + 1}", "exec"), {})
    expected = expected_output(BLOCKS[index])
    if expected:
        assert [line.strip() for line in printed.getvalue().splitlines()] == expected


def test_the_network_types_table_names_modules_and_notebooks_that_exist():
    text = README.read_text(encoding="utf-8")
    section = text.split("## Types of neural networks, at a glance", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| Network")]
    types = [row.split("|")[1].strip() for row in rows]
    assert types == ["Feedforward (MLP)", "Convolutional", "Recurrent (RNN)", "LSTM / GRU", "Autoencoder", "GAN",
                     "Transformer (GPT)"]
    root = README.parent
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        modules, notebook = re.findall(r"`([^`]+)`", cells[2]), re.findall(r"`([^`]+)`", cells[3])
        assert modules and len(notebook) == 1, row
        for path in modules + notebook:
            assert (root / path).is_file(), f"{cells[0]}: {path} does not exist"
