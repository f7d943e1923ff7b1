"""Saving and loading models as JSON: the architecture and the weights, no pickle.

A saved file is plain JSON a student can open and read, and loading one never
runs code. Every problem with a file (not JSON, truncated, another format, an
unknown architecture, missing or extra weights, a non-number) is a ValueError
that names it, and a model passed to `load(..., into=model)` is left unchanged.

Example:
    >>> import os, tempfile
    >>> from tinygrad_ann.nn import MLP
    >>> model = MLP(2, [4, 1], rng=0)
    >>> path = os.path.join(tempfile.mkdtemp(), 'model.json')
    >>> save(model, path)
    >>> copy = load(path)
    >>> copy.state_dict() == model.state_dict()
    True
"""

from __future__ import annotations

import errno
import json
import os
import stat
from typing import Any, Union

from ._checks import file_path, wrong_type
from .nn import Module
from .nn.module import layer_type

__all__ = ["save", "load", "FORMAT", "FORMAT_VERSION"]

FORMAT = "tinygrad_ann.model"
FORMAT_VERSION = 1
PathLike = Union[str, "os.PathLike[str]"]


def save(model: Module, path: PathLike) -> None:
    """Write `model` (a model of the library's layers: an MLP, a Sequential, ...) to `path` as JSON.

    The file holds {"format", "version", "architecture", "parameters"}: the
    constructor arguments and every weight by name. It is written to a
    temporary file first and then moved into place, so a failed save never
    leaves a half-written file behind. A read-only file is not written over
    (PermissionError, and the file stays as it was); a `path` that is a
    symbolic link writes the file the link points to, and the link stays.

    Example:
        >>> import os, tempfile
        >>> from tinygrad_ann.nn import Neuron
        >>> path = os.path.join(tempfile.mkdtemp(), 'neuron.json')
        >>> save(Neuron(3, rng=0), path)
        >>> sorted(json.load(open(path)))
        ['architecture', 'format', 'parameters', 'version']
    """
    _check_saveable("save", "model", model)
    file_path("save", "path", path)
    target = os.path.realpath(os.fspath(path))  # through a symbolic link, to its file
    _check_writable(target, path)
    try:
        architecture = model.config()
    except ValueError as e:  # e.g. a custom activation function, which JSON cannot hold
        raise ValueError(f"save: {e}") from None
    parameters = model.state_dict()
    document = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "architecture": architecture,
        "parameters": parameters,
    }
    try:
        text = json.dumps(document, indent=1, allow_nan=False)
    except ValueError:
        bad = [n for n, v in parameters.items() if v != v or v in (float("inf"), float("-inf"))]
        raise ValueError(
            f"save: parameters {bad[:3]} are not finite numbers (nan or inf); "
            f"the model has diverged, and JSON cannot hold them"
        ) from None
    import tempfile  # here, not at the top: it costs `import tinygrad_ann` ~10 ms

    folder = os.path.dirname(target)
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tinygrad_ann-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        # mkstemp makes the file private (0600); give it the permissions any new
        # file gets (0666 less the umask), so a teacher can share it.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException as e:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
        if isinstance(e, OSError) and e.errno is not None:
            # Name the user's path, not the temporary file's (same error class).
            raise OSError(e.errno, f"save: cannot write the model file: {e.strerror}", os.fspath(path)) from None
        raise


def load(path: PathLike, into: Module | None = None) -> Module:
    """Read a model written by `save`: a new model, or the weights into `into`.

    With `into`, the file's architecture must match that model's, and its
    weights are loaded into it (it is returned). Any problem with the file raises
    ValueError naming it, before anything is changed; an `into` that is not a
    Neuron, Layer or MLP is a TypeError.

    Example:
        >>> import os, tempfile
        >>> from tinygrad_ann.nn import MLP
        >>> path = os.path.join(tempfile.mkdtemp(), 'm.json')
        >>> save(MLP(2, [3, 1], rng=0), path)
        >>> load(path)
        MLP(2 → 3 relu → 1 linear; 13 parameters)
    """
    file_path("load", "path", path)  # (an int would open a file descriptor)
    if into is not None:
        _check_saveable("load", "into", into)
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except UnicodeDecodeError:
        raise ValueError(f"load: {os.fspath(path)!r} is not a text (JSON) file") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(
            f"load: {os.fspath(path)!r} is not valid JSON (truncated or corrupted?): {e}"
        ) from None
    except ValueError as e:  # valid JSON that Python will not read, e.g. an int of 5000 digits
        raise ValueError(f"load: {os.fspath(path)!r} cannot be read: {e}") from None
    except RecursionError:  # e.g. [[[[...]]]] nested thousands deep
        raise ValueError(
            f"load: {os.fspath(path)!r} is nested too deeply to be a model file"
        ) from None
    return from_document(document, into=into, source=repr(os.fspath(path)))


def from_document(document: Any, into: Module | None = None, source: str = "the document") -> Module:
    """Build (or fill `into`) from a parsed save file: the checks `load` runs.

    A problem with the document is a ValueError that names `source` (for
    `load`, the file); an `into` that is not a model of the library's layers is a TypeError.

    Example:
        >>> doc = {'format': FORMAT, 'version': 1,
        ...        'architecture': {'type': 'Neuron', 'nin': 1, 'activation': 'linear'},
        ...        'parameters': {'w.0': 2.0, 'b': -1.0}}
        >>> from_document(doc).state_dict()
        {'w.0': 2.0, 'b': -1.0}
    """
    if into is not None:
        _check_saveable("load", "into", into)
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError(f"load: {source} is not a tinygrad_ann model file (no \"format\": \"{FORMAT}\")")
    version = document.get("version")
    if version.__class__ is not int or version != FORMAT_VERSION:  # not True, not 1.0
        raise ValueError(
            f"load: {source} has format version {version!r}; this tinygrad_ann reads version {FORMAT_VERSION}"
        )
    for key in ("architecture", "parameters"):
        if not isinstance(document.get(key), dict):
            raise ValueError(f"load: {source} has no {key!r} object")
    architecture, parameters = document["architecture"], document["parameters"]
    # Count before building: a tiny file must not make us build a huge model.
    expected = _parameter_count(architecture, source)
    if expected != len(parameters):
        raise ValueError(
            f"load: {source}: the architecture {architecture} has {expected:,} parameters "
            f"but the file holds {len(parameters):,}"
        )
    model = _build(architecture, source)
    try:
        model.load_state_dict(parameters)  # checks names and numbers before writing
    except ValueError as e:
        raise ValueError(f"load: {source}: {e}") from None
    if into is None:
        return model
    have = into.config()
    if have != model.config():
        raise ValueError(
            f"load: {source} holds {architecture} but the model to load into is {have}"
        )
    into.load_state_dict(model.state_dict())
    return into


def _check_writable(target: str, path: PathLike) -> None:
    """A PermissionError if `target` exists and is read-only: by its permissions
    (which even root, whom the system would let write, is held to here) or for
    this user."""
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        return
    if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(target, os.W_OK):
        raise PermissionError(
            errno.EACCES, "save: the file is read-only, so it was not written over; "
            "save under another name or make it writable", os.fspath(path)
        )


def _check_saveable(owner: str, name: str, model: object) -> None:
    """A TypeError unless `model` is a model that save and load know (it has `config()`)."""
    if not isinstance(model, Module) or type(model).config is Module.config:
        wrong_type(owner, name, "a model of the library's layers (an MLP, a Sequential, a Conv2d, ...)", model)


def _build(arch: dict[str, Any], source: str) -> Module:
    """A fresh model of the saved architecture (its weights are overwritten next).
    Its type is one `_parameter_count` has already checked."""
    try:
        return layer_type(arch).from_config(arch)
    except (ValueError, TypeError) as e:
        raise ValueError(f"load: {source} has an invalid architecture {arch}: {e}") from None


def _parameter_count(arch: dict[str, Any], source: str) -> int:
    """How many weights and biases the saved architecture has, from its sizes alone
    (a ValueError naming `source` for an unknown type or a bad size)."""
    try:
        kind = layer_type(arch)
    except ValueError as e:
        raise ValueError(f"load: {source} has an {e}") from None
    try:
        return kind.parameter_count(arch)
    except (ValueError, TypeError) as e:
        raise ValueError(f"load: {source} has an invalid architecture {arch}: {e}") from None
