"""save/load: JSON round trips, and every kind of bad file gives a clear error and changes nothing."""

import json
import os
import stat

import pytest

from tinygrad_ann import MLP, Layer, Neuron, load, save


@pytest.fixture
def path(tmp_path):
    return tmp_path / "model.json"


@pytest.mark.parametrize(
    "model",
    [
        MLP(2, [16, 16, 1], rng=0),
        MLP(3, [4, 3], activation="tanh", output_activation="sigmoid", rng=1),
        Layer(2, 3, activation="leaky_relu", rng=2),
        Neuron(4, activation="softplus", rng=3),
    ],
    ids=["mlp", "mlp-tanh-sigmoid", "layer", "neuron"],
)
def test_save_then_load_gives_the_same_architecture_and_weights(model, path):
    save(model, path)
    copy = load(path)
    assert type(copy) is type(model)
    assert copy.config() == model.config()
    assert copy.state_dict() == model.state_dict()  # exact: JSON keeps float reprs


def test_loaded_model_computes_the_same_outputs(path):
    model = MLP(2, [5, 1], activation="tanh", rng=4)
    save(model, path)
    assert load(path)([0.3, -0.2]).data == model([0.3, -0.2]).data


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
@pytest.mark.parametrize("umask", [0o022, 0o077])
def test_saved_file_gets_the_permissions_of_any_new_file(path, umask):
    old = os.umask(umask)
    try:
        save(Neuron(2, rng=0), path)
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask


def test_saved_file_is_readable_json_with_format_and_names(path):
    save(Neuron(2, rng=0), path)
    doc = json.loads(path.read_text())
    assert doc["format"] == "tinygrad_ann.model" and doc["version"] == 1
    assert doc["architecture"] == {"type": "Neuron", "nin": 2, "activation": "relu"}
    assert set(doc["parameters"]) == {"w.0", "w.1", "b"}


def test_load_into_an_existing_model(path):
    save(MLP(2, [3, 1], rng=0), path)
    target = MLP(2, [3, 1], rng=9)
    assert load(path, into=target) is target
    assert target.state_dict() == MLP(2, [3, 1], rng=0).state_dict()


def _write(path, text):
    path.write_text(text)
    return path


def _good_doc():
    return {
        "format": "tinygrad_ann.model",
        "version": 1,
        "architecture": {"type": "MLP", "nin": 2, "nouts": [3, 1], "activation": "relu",
                         "output_activation": "linear"},
        "parameters": MLP(2, [3, 1], rng=5).state_dict(),
    }


def _mutated(change):
    doc = _good_doc()
    change(doc)
    return json.dumps(doc)


BAD_FILES = {
    "not json": "this is not json",
    "truncated": json.dumps(_good_doc())[:-40],
    "empty": "",
    "a list": "[1, 2, 3]",
    "other format": _mutated(lambda d: d.update(format="keras")),
    "future version": _mutated(lambda d: d.update(version=2)),
    "no architecture": _mutated(lambda d: d.pop("architecture")),
    "no parameters": _mutated(lambda d: d.pop("parameters")),
    "unknown type": _mutated(lambda d: d["architecture"].update(type="CNN")),
    "bad size": _mutated(lambda d: d["architecture"].update(nin=-2)),
    "bad activation": _mutated(lambda d: d["architecture"].update(activation="os.system")),
    "extra key": _mutated(lambda d: d["architecture"].update(evil=1)),
    "missing weight": _mutated(lambda d: d["parameters"].pop("layers.0.neurons.0.w.0")),
    "extra weight": _mutated(lambda d: d["parameters"].update({"layers.5.b": 0.0})),
    "string weight": _mutated(lambda d: d["parameters"].update({"layers.1.neurons.0.b": "0.5"})),
    "nan weight": _mutated(lambda d: d["parameters"].update({"layers.1.neurons.0.b": float("nan")})),
    "huge int weight": _mutated(lambda d: d["parameters"].update({"layers.1.neurons.0.b": 10**400})),
    # Python refuses to read an int of more than 4300 digits (a ValueError of its own).
    "5000-digit weight": _mutated(lambda d: d["parameters"].update({"layers.1.neurons.0.b": 0.5})).replace(
        '"layers.1.neurons.0.b": 0.5', '"layers.1.neurons.0.b": 1' + "0" * 4999),
    "nested too deep": "[" * 200_000 + "]" * 200_000,
    "version true": _mutated(lambda d: d.update(version=True)),
    "version 1.0": _mutated(lambda d: d.update(version=1.0)),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_raises_value_error_naming_the_problem(name, path):
    _write(path, BAD_FILES[name])
    with pytest.raises(ValueError, match="load: "):
        load(path)


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_leaves_the_target_model_unchanged(name, path):
    _write(path, BAD_FILES[name])
    target = MLP(2, [3, 1], rng=7)
    before = target.state_dict()
    with pytest.raises(ValueError):
        load(path, into=target)
    assert target.state_dict() == before


def test_architecture_mismatch_with_target_is_rejected_and_target_unchanged(path):
    save(MLP(2, [4, 1], rng=0), path)
    target = MLP(2, [3, 1], rng=7)
    before = target.state_dict()
    with pytest.raises(ValueError, match="model to load into"):
        load(path, into=target)
    assert target.state_dict() == before


def test_binary_file_is_a_value_error(path):
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff\xfe")
    with pytest.raises(ValueError, match="not"):
        load(path)


def test_missing_file_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        load(tmp_path / "nope.json")


def test_saving_a_diverged_model_refuses_and_writes_nothing(path):
    m = MLP(2, [2, 1], rng=0)
    m.parameters()[0].data = float("nan")
    with pytest.raises(ValueError, match="not finite"):
        save(m, path)
    assert not path.exists()
    assert list(path.parent.iterdir()) == []


def test_saving_a_custom_activation_is_a_clear_error(path):
    with pytest.raises(ValueError, match="save: .*custom function"):
        save(Neuron(2, activation=lambda v: v, rng=0), path)


def test_saving_something_that_is_not_a_model_is_a_type_error(path):
    with pytest.raises(TypeError, match=r"^save: model must be a model of the library's layers \(an MLP, a Sequential, a Conv2d, \.\.\.\), got \{'w': 1.0\} \(dict\)$"):
        save({"w": 1.0}, path)
    assert not path.exists()


def test_loading_into_something_that_is_not_a_model_is_a_type_error(path):
    save(Neuron(2, rng=0), path)
    with pytest.raises(TypeError, match=r"^load: into must be a model of the library's layers \(an MLP, a Sequential, a Conv2d, \.\.\.\), got \{\} \(dict\)$"):
        load(path, into={})


def test_failed_save_keeps_the_previous_file(path):
    save(MLP(2, [2, 1], rng=0), path)
    before = path.read_text()
    m = MLP(2, [2, 1], rng=1)
    m.parameters()[0].data = float("inf")
    with pytest.raises(ValueError):
        save(m, path)
    assert path.read_text() == before


def test_a_small_file_claiming_a_huge_model_is_rejected_before_building_it(path):
    # 3000 x 3000 weights would take gigabytes of Values to build; the file holds none.
    doc = {"format": "tinygrad_ann.model", "version": 1,
           "architecture": {"type": "MLP", "nin": 10**9, "nouts": [3000, 3000, 1],
                            "activation": "relu", "output_activation": "linear"},
           "parameters": {"layers.0.neurons.0.b": 0.0}}
    path.write_text(json.dumps(doc))
    with pytest.raises(ValueError, match=r"has 3,000,009,009,001 parameters but the file holds 1"):
        load(path)


@pytest.mark.parametrize("nin", [0, -3, 2.5, True, "2", None])
def test_a_bad_size_in_the_architecture_is_named(path, nin):
    doc = {"format": "tinygrad_ann.model", "version": 1,
           "architecture": {"type": "Neuron", "nin": nin, "activation": "relu"},
           "parameters": {"w.0": 1.0, "b": 0.0}}
    path.write_text(json.dumps(doc))
    with pytest.raises(
        ValueError, match=r"^load: '.*model.json' has an invalid architecture .*: nin must be a whole number >= 1, got "
    ):
        load(path)


def test_saving_into_a_missing_folder_names_the_users_path(tmp_path):
    target = tmp_path / "no_such_folder" / "model.json"
    with pytest.raises(FileNotFoundError) as e:
        save(Neuron(2, rng=0), target)
    assert e.value.filename == str(target) and "save: cannot write" in str(e.value)
    assert ".tinygrad_ann-" not in str(e.value)


def test_saving_onto_a_folder_names_it_and_leaves_nothing_behind(tmp_path):
    with pytest.raises(IsADirectoryError) as e:
        save(Neuron(2, rng=0), tmp_path)
    assert e.value.filename == str(tmp_path)
    assert list(tmp_path.iterdir()) == []


# -- paths: what a path is, read-only files, symbolic links ------------------------------


@pytest.mark.parametrize("bad", [1, 3.0, None, b"model.json"])
def test_load_of_something_that_is_not_a_path_is_a_type_error_never_a_file_descriptor(bad):
    with pytest.raises(TypeError, match=r"^load: path must be a path \(a str or os.PathLike\), got "):
        load(bad)


def test_save_to_something_that_is_not_a_path_is_a_type_error(tmp_path):
    with pytest.raises(TypeError, match=r"^save: path must be a path"):
        save(Neuron(2, rng=0), 3)


def test_save_over_a_read_only_file_is_a_permission_error_and_changes_nothing(tmp_path):
    path = tmp_path / "model.json"
    save(Neuron(2, rng=0), path)
    before = path.read_bytes()
    path.chmod(0o444)
    try:
        with pytest.raises(PermissionError, match="read-only"):
            save(Neuron(2, rng=1), path)
        assert path.read_bytes() == before
        assert sorted(p.name for p in tmp_path.iterdir()) == ["model.json"]  # no temporary file left
    finally:
        path.chmod(0o644)


def test_save_through_a_symbolic_link_writes_the_file_it_points_to(tmp_path):
    target, link = tmp_path / "model.json", tmp_path / "latest.json"
    save(Neuron(2, rng=0), target)
    link.symlink_to(target)
    save(Neuron(2, rng=1), link)
    assert link.is_symlink() and link.resolve() == target.resolve()
    assert load(target).state_dict() == Neuron(2, rng=1).state_dict()


def test_loading_a_large_state_dict_checks_each_key_once():
    # 20,000 names: checked against a set built once, not rebuilt per key (25 s before).
    # What it costs is measured in benchmarks/bench_files.py; here, that it is right.
    model = MLP(1, [140, 140, 1], rng=0)
    state = model.state_dict()
    assert len(state) > 20_000
    other = MLP(1, [140, 140, 1], rng=1)
    other.load_state_dict(state)
    assert other.state_dict() == state
