"""Files benchmark: how save, load and load_state_dict grow with the number of weights.

Models of about 5,000, 20,000 and 80,000 weights are saved and loaded; the time
per weight should stay about the same (linear time). Before the fix in the
classroom issue, loading the 20,000-weight model took about 25 s: every key of
the state was checked against a list rebuilt for each key.

Run:  python benchmarks/bench_files.py
"""

from __future__ import annotations

import os
import tempfile
import time

from tinygrad_ann import MLP, load, save


def best_of(fn, repeats: int = 3) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    folder = tempfile.mkdtemp()
    print(f"  {'weights':>8}{'save s':>10}{'load s':>10}{'load_state_dict s':>20}{'us/weight (load)':>18}")
    for hidden in (70, 140, 280):
        model = MLP(1, [hidden, hidden, 1], rng=0)
        n = model.num_parameters()
        path = os.path.join(folder, f"m{hidden}.json")
        t_save = best_of(lambda: save(model, path))
        t_load = best_of(lambda: load(path))
        state = model.state_dict()
        other = MLP(1, [hidden, hidden, 1], rng=1)
        t_state = best_of(lambda: other.load_state_dict(state))
        print(f"  {n:>8,}{t_save:>10.3f}{t_load:>10.3f}{t_state:>20.3f}{t_load / n * 1e6:>18.2f}")


if __name__ == "__main__":
    main()
