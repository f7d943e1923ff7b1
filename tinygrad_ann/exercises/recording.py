"""The grader's own channel: where `check()` records each result while a notebook is graded.

The grader does not read a notebook's printed lines (printing "✅ mse: passed"
would count). It gives the notebook's kernel two environment variables: the
path of a results file in a private folder of its own, and a secret made for
this run. `check()` appends each result to that file as one line of JSON that
carries the secret, and the grader keeps only the lines that carry it. So a
`check(...)` counts wherever it stands in a cell, and results written before a
kernel is stopped (out of time) are kept.

When this module is imported it takes both variables out of `os.environ`, so
the notebook's code does not see them there (nor do the programs it starts).
It is a guard against accidents and easy fakes, not against a student who
reads this code: the secret is still in the kernel's memory.

Outside grading (no variables) `record_result` does nothing.

Example:
    >>> import tempfile
    >>> from tinygrad_ann.exercises.checking import CheckResult
    >>> folder = tempfile.TemporaryDirectory()      # the grader's own, not the notebook's
    >>> channel = new_channel(folder.name)
    >>> set(channel.environment) == {RESULTS_VARIABLE, KEY_VARIABLE}
    True
    >>> write_result(channel.path, channel.key, CheckResult('mse', True, '✅ mse: passed'), 'm.check_mse')
    >>> with open(channel.path, 'a') as f:
    ...     _ = f.write('{"exercise": "sgd_step", "passed": true}\\n')    # no secret: ignored
    >>> [(r.exercise, r.passed, r.checker) for r in read_results(channel)]
    [('mse', True, 'm.check_mse')]
    >>> folder.cleanup()
"""

from __future__ import annotations

import json
import os
import secrets
from typing import Any, NamedTuple

__all__ = [
    "RESULTS_VARIABLE", "KEY_VARIABLE", "Channel", "Recorded", "new_channel", "record_result",
    "write_result", "read_results", "checker_name",
]

#: The environment variable naming the file `check()` appends its results to.
RESULTS_VARIABLE = "TINYGRAD_ANN_RESULTS"
#: The environment variable holding this run's secret, which every line must carry.
KEY_VARIABLE = "TINYGRAD_ANN_RESULTS_KEY"


class Channel(NamedTuple):
    """One grading run's channel: the results file, the secret, and the variables
    to give the kernel (`environment`).

    Example:
        >>> channel = new_channel('grading')
        >>> channel.environment[RESULTS_VARIABLE] == channel.path
        True
    """

    path: str
    key: str
    environment: dict[str, str]


class Recorded(NamedTuple):
    """A result as `check()` recorded it: the exercise, passed, the message the
    student saw, and which checker ran (`checker_name`).

    Example:
        >>> Recorded('mse', False, '❌ mse: ...', 'tinygrad_ann.exercises.networks.check_mse').passed
        False
    """

    exercise: str
    passed: bool
    message: str
    checker: str


def _take_channel() -> tuple[str, str] | None:
    """The results file and the secret the grader gave this process, taken out of
    os.environ (so the notebook's code does not find them there); None outside grading."""
    path = os.environ.pop(RESULTS_VARIABLE, None)
    key = os.environ.pop(KEY_VARIABLE, None)
    return (path, key) if path and key else None


_CHANNEL = _take_channel()


def new_channel(folder: str) -> Channel:
    """A channel for one grading run: a results file in `folder` (a private folder
    of the grader's, not the notebook's) and a new secret.

    Example:
        >>> channel = new_channel('grading')         # nothing is written yet
        >>> len(channel.key) >= 32 and channel.environment[KEY_VARIABLE] == channel.key
        True
    """
    path = os.path.join(os.path.abspath(folder), f"results-{secrets.token_hex(8)}.jsonl")
    key = secrets.token_hex(16)
    return Channel(path, key, {RESULTS_VARIABLE: path, KEY_VARIABLE: key})


def checker_name(checker: Any) -> str:
    """Which function checked an answer, as `module.qualified_name`.

    Example:
        >>> from tinygrad_ann.exercises import EXERCISES
        >>> checker_name(EXERCISES['mse'].checker).startswith('tinygrad_ann.exercises.')
        True
        >>> checker_name(len)
        'builtins.len'
    """
    module = getattr(checker, "__module__", None) or "?"
    return f"{module}.{getattr(checker, '__qualname__', type(checker).__qualname__)}"


def record_result(result: Any, checker: Any) -> None:
    """Record a result of `check()` for the grader, when there is one (else nothing).

    Example:
        >>> from tinygrad_ann.exercises.checking import CheckResult
        >>> record_result(CheckResult('mse', True, '✅ mse: passed'), print)   # not grading: nothing
    """
    if _CHANNEL is not None:
        write_result(_CHANNEL[0], _CHANNEL[1], result, checker_name(checker))


def write_result(path: str, key: str, result: Any, checker: str) -> None:
    """Append one result to the results file at `path`, as a line of JSON that
    carries `key`. A file that cannot be written is passed over in silence: the
    student's `check()` works the same either way.

    Example:
        >>> from tinygrad_ann.exercises.checking import CheckResult
        >>> write_result('/no/such/folder/results.jsonl', 'k', CheckResult('mse', True, '✅'), 'c')
    """
    line = json.dumps({"key": key, "exercise": result.exercise, "passed": bool(result.passed),
                       "message": result.message, "checker": checker}, ensure_ascii=False)
    try:
        with open(path, "a", encoding="utf-8") as f:
            f.write(line + "\n")
    except OSError:
        pass


def read_results(channel: Channel) -> list[Recorded]:
    """Every result recorded through `channel`, in the order they were recorded.
    Lines that do not carry the channel's secret, or are not what `write_result`
    writes, are left out.

    Example:
        >>> read_results(new_channel('grading'))     # nothing recorded yet
        []
    """
    try:
        with open(channel.path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError:
        return []
    results = []
    for line in lines:
        try:
            item = json.loads(line)
        except ValueError:
            continue
        if not isinstance(item, dict) or item.get("key") != channel.key:
            continue
        exercise, passed, message, checker = (item.get(k) for k in ("exercise", "passed", "message", "checker"))
        if (isinstance(exercise, str) and isinstance(passed, bool) and isinstance(message, str)
                and isinstance(checker, str)):
            results.append(Recorded(exercise, passed, message, checker))
    return results
