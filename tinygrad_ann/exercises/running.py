"""Running a submitted notebook for the grader: in a copy of its folder, in bounded time.

`run_notebook` runs a notebook's code cells, in order, and says how each ended:

- **In a copy of its folder.** The notebook's folder is copied into a new
  temporary folder, and the kernel starts there, so relative paths (a data file
  next to the notebook) work and nothing in the submitted folder is written,
  moved or deleted by the notebook's code. The copy leaves out the other
  notebooks (a notebook cannot read its neighbours' answers), notebook
  checkpoints, links to folders and anything that is not a file or a folder.
  The kernel's `PWD` names the copy, not the teacher's folder.
- **In this Python.** The kernel is this Python's own ipykernel: the kernel name
  saved in the notebook is not used (it may not exist here, or name a Python
  without tinygrad_ann).
- **In bounded time.** The cells get `timeout` seconds altogether, counted from
  when the kernel is ready (starting it may take up to `KERNEL_START_LIMIT`
  seconds more). At the limit the kernel, and every program it started, is
  killed (SIGKILL), not interrupted: code that swallows KeyboardInterrupt cannot
  keep it going, and no `check()` sees an interrupt.
- **Errors, not outputs.** Only a cell's error is kept: a notebook that prints
  without end cannot fill the grader's memory.
- **The first cell.** When the first code cell (the imports) fails, nothing
  after it runs: every later cell would only fail for want of its names.

A notebook that cannot be run at all (its kernel dies, or does not start) is a
`CannotRun` error saying why, in words for the teacher.

Example:
    >>> import nbformat                                                  # doctest: +SKIP
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('1 / 0')])   # doctest: +SKIP
    >>> run = run_notebook(nb, 'submissions/ada.ipynb', timeout=30)     # doctest: +SKIP
    >>> run.cells[0].count, run.cells[0].error['ename']                  # doctest: +SKIP
    (1, 'ZeroDivisionError')
"""

from __future__ import annotations

import functools
import os
import shutil
import signal
import stat
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from typing import Any

__all__ = ["CannotRun", "CellRun", "NotebookRun", "run_notebook", "KERNEL_START_LIMIT", "COPY_LIMIT"]

#: Seconds a kernel may take to start (not counted in the notebook's own time).
KERNEL_START_LIMIT = 60
#: Bytes of files a notebook's folder may hold: a copy of it is made for each notebook.
COPY_LIMIT = 500 * 1024**2


class CannotRun(Exception):
    """A notebook that could not be run, and why (in words for the teacher).

    Example:
        >>> str(CannotRun('its kernel did not start: ...'))
        'its kernel did not start: ...'
    """


@dataclass
class CellRun:
    """A code cell that ran: its place among the notebook's cells (`index`, from
    0), its number as Jupyter shows it (`count`, the `[5]` of the run), and its
    error output (a dict with `ename`, `evalue`, `traceback`), or None.

    Example:
        >>> CellRun(index=3, count=2, error=None).count
        2
    """

    index: int
    count: int | None
    error: dict[str, Any] | None = None


@dataclass
class NotebookRun:
    """What happened when a notebook ran: the code cells that ran to their end
    (`cells`, in order), the cell that was running when time ran out
    (`timed_out`), and whether the first code cell failed (then nothing after it ran).

    Example:
        >>> NotebookRun().timed_out is None
        True
    """

    cells: list[CellRun] = field(default_factory=list)
    timed_out: CellRun | None = None
    first_cell_failed: bool = False


def run_notebook(nb: Any, path: str | os.PathLike[str], timeout: float,
                 environment: dict[str, str] | None = None) -> NotebookRun:
    """Run the code cells of `nb` (an nbformat notebook read from `path`) in a
    fresh kernel of this Python, inside a temporary copy of `path`'s folder,
    within `timeout` seconds; `environment` is added to the kernel's. Raises
    `CannotRun` when the kernel does not start or dies.

    Example:
        >>> run = run_notebook(nb, 'submissions/ada.ipynb', timeout=60)     # doctest: +SKIP
        >>> [cell.count for cell in run.cells]                               # doctest: +SKIP
        [1, 2, 3]
    """
    with tempfile.TemporaryDirectory(prefix="tinygrad-ann-grade-", ignore_cleanup_errors=True) as scratch:
        folder = _copy_folder(path, scratch)
        env = {**os.environ, **(environment or {}), "PWD": folder}
        env.pop("OLDPWD", None)  # the folder the teacher was in before
        return _execute(nb, folder, timeout, env)


def _copy_folder(path: str | os.PathLike[str], into: str) -> str:
    """Copy the folder of the notebook at `path` into `into`; return the copy's path."""
    source = os.path.dirname(os.path.abspath(path))
    own = os.path.normcase(os.path.abspath(path))
    if _copy_size(source, own, COPY_LIMIT) > COPY_LIMIT:
        limit = f"{COPY_LIMIT // 1024**2} MB" if COPY_LIMIT >= 1024**2 else f"{COPY_LIMIT} bytes"
        raise CannotRun(f"its folder holds more than {limit} of files besides notebooks, and a copy of it "
                        f"is made for each notebook: put the submissions in a folder of their own")
    copy = os.path.join(into, os.path.basename(source) or "notebook")

    def leave_out(folder: str, names: list[str]) -> list[str]:
        return [name for name in names if _left_out(os.path.join(folder, name), own)]

    try:
        shutil.copytree(source, copy, symlinks=False, ignore=leave_out, ignore_dangling_symlinks=True)
    except shutil.Error:
        pass  # a file that could not be read is not copied; the rest is
    except OSError as e:
        raise CannotRun(f"could not copy its folder: {e.strerror or e}") from None
    return copy


def _left_out(path: str, notebook: str) -> bool:
    """Whether the copy of a notebook's folder leaves `path` out: another notebook,
    checkpoints, a link to a folder, anything but a file or a folder (a FIFO
    would make the copy wait forever)."""
    name = os.path.basename(path)
    if name == ".ipynb_checkpoints":
        return True
    if name.lower().endswith(".ipynb") and os.path.normcase(path) != notebook:
        return True
    try:
        if os.path.islink(path) and os.path.isdir(path):
            return True
        mode = os.stat(path).st_mode
    except OSError:
        return True
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _copy_size(folder: str, notebook: str, limit: int) -> int:
    """Bytes the copy of `folder` for `notebook` would hold, counted up to past `limit`."""
    total = 0
    for root, dirs, files in os.walk(folder):
        dirs[:] = [name for name in dirs if not _left_out(os.path.join(root, name), notebook)]
        for name in files:
            path = os.path.join(root, name)
            if _left_out(path, notebook):
                continue
            try:
                total += os.stat(path).st_size
            except OSError:
                continue
            if total > limit:
                return total
    return total


@functools.lru_cache(maxsize=None)
def _client_class() -> Any:
    """nbclient's NotebookClient, keeping only error outputs."""
    try:
        import nbclient
    except ImportError:
        raise ImportError("grading notebooks needs nbclient, which comes with Jupyter: "
                          "pip install \"tinygrad-ann[notebooks]\"") from None

    class ErrorsOnlyClient(nbclient.NotebookClient):
        """Keeps a cell's error and drops its other outputs (printing without end
        would otherwise fill the grader's memory)."""

        def output(self, outs: Any, msg: Any, display_id: Any, cell_index: int) -> Any:
            if msg.get("msg_type") != "error":
                return None
            return super().output(outs, msg, display_id, cell_index)

    return ErrorsOnlyClient


def _execute(nb: Any, folder: str, timeout: float, env: dict[str, str]) -> NotebookRun:
    """Run nb's code cells in a kernel started in `folder`, with `env`, within `timeout` seconds."""
    client_class = _client_class()
    from jupyter_client import AsyncKernelManager
    from jupyter_client.kernelspec import KernelSpecManager

    # No kernel folders: the only kernel there is, is this Python's own ipykernel.
    km = AsyncKernelManager(kernel_name="python3", kernel_spec_manager=KernelSpecManager(kernel_dirs=[]))
    deadline = [float("inf")]  # set once the kernel is ready
    client = client_class(
        nb, km=km, allow_errors=True, shutdown_kernel="immediate", startup_timeout=KERNEL_START_LIMIT,
        timeout_func=lambda cell: max(deadline[0] - time.monotonic(), 0.001),
        resources={"metadata": {"path": folder}},
    )
    run, started = NotebookRun(), False
    try:
        # The kernel's own output (its warnings, C code's prints) would mix with the report.
        with client.setup_kernel(env=env, cleanup_kc=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL):
            started = True
            deadline[0] = time.monotonic() + timeout
            try:
                _run_cells(client, nb, run, deadline[0])
            finally:
                _kill(client.km)
    except CannotRun:
        raise
    except Exception as e:  # the kernel did not start, or nbclient lost it
        what = "the kernel stopped answering" if started else "its kernel did not start"
        raise CannotRun(f"{what}: {type(e).__name__}: {e}") from None
    return run


def _run_cells(client: Any, nb: Any, run: NotebookRun, deadline: float) -> None:
    """Run the code cells in order into `run`, until the end, the deadline, or a failed first cell."""
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    for index, cell in enumerate(nb.cells):
        if cell.get("cell_type") != "code" or not cell.get("source", "").strip():
            continue  # as in Jupyter: an empty cell does not run and gets no number
        if time.monotonic() >= deadline:
            run.timed_out = CellRun(index, None)
            return
        # A fresh kernel numbers the cells it runs 1, 2, 3...: the kernel's own number is
        # used when it came through (it may not, when the kernel dies or is killed).
        expected = len(run.cells) + 1
        try:
            client.execute_cell(cell, index)
        except CellTimeoutError:
            run.timed_out = CellRun(index, cell.get("execution_count") or expected)
            return
        except DeadKernelError:
            raise CannotRun(f"its kernel died in cell [{cell.get('execution_count') or expected}] (the notebook's "
                            f"code ended Python, e.g. with os._exit(), or crashed it, or ran out of memory)") from None
        errors = [out for out in cell.get("outputs", []) if out.get("output_type") == "error"]
        run.cells.append(CellRun(index, cell.get("execution_count") or expected, dict(errors[0]) if errors else None))
        if errors and len(run.cells) == 1:
            run.first_cell_failed = True
            return


def _kill(km: Any) -> None:
    """Kill the kernel and every program it started, at once: no interrupt first
    (code that swallows KeyboardInterrupt must not see one and keep going)."""
    if km is None:
        return
    from nbclient.util import run_sync

    try:
        if hasattr(signal, "SIGKILL"):
            run_sync(km.signal_kernel)(signal.SIGKILL)  # its whole process group
        else:  # Windows: no signals; shutdown_kernel(now=True) terminates the process
            run_sync(km.shutdown_kernel)(now=True)
    except Exception:
        pass  # already gone
