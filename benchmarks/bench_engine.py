"""Engine benchmark: tinygrad_ann against micrograd 0.1.0, side by side in one run.

Workload (op-level: one graph node per scalar operation): a hand-written neuron
    out_i = relu(w1 * x1_i + w2 * x2_i + b),   loss = sum_i (out_i - y_i)^2
over 100 samples, then backward() and an SGD update; repeated for many steps.
Each engine runs in its own fresh process, with the garbage collector left as it
is (no gc.collect() between steps): each engine pays for its own garbage.

The speed-up is measured in rounds: each round runs both engines, one after the
other (in alternating order), and gives one ratio; the figure reported is the
median over the rounds (the ratio of each engine's fastest round is printed
too). A machine whose speed drifts (a shared virtual machine,
another job starting) then moves both sides of a ratio alike, where two long
runs one after the other could each catch a different state of the machine.

Memory: bytes per graph node on a long chain of ops, measured with tracemalloc.
Import time: `import tinygrad_ann` in a fresh interpreter, and what it imports.

Run:  python benchmarks/bench_engine.py            (needs the [dev] extra for micrograd)
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import time

ENGINES = {
    "tinygrad_ann": "tinygrad_ann.engine",
    "micrograd": "micrograd.engine",
}


def make_data(n: int = 100, seed: int = 0) -> list[tuple[float, float, float]]:
    rng = random.Random(seed)
    return [(rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-1, 1)) for _ in range(n)]


def neuron_steps(Value, steps: int, data) -> tuple[float, float]:
    """Seconds per training step, and the final loss (to check both agree)."""
    w1, w2, b = Value(0.3), Value(-0.2), Value(0.1)
    loss = None
    start = time.perf_counter()
    for _ in range(steps):
        loss = Value(0.0)
        for x1, x2, y in data:
            out = (w1 * x1 + w2 * x2 + b).relu()
            loss = loss + (out - y) ** 2
        for p in (w1, w2, b):
            p.grad = 0.0
        loss.backward()
        for p in (w1, w2, b):
            p.data -= 0.001 * p.grad
    elapsed = time.perf_counter() - start
    return elapsed / steps, loss.data


def chain_memory(Value, n: int) -> float:
    """tracemalloc bytes per node of a chain x -> x*c -> +c -> relu ... (constants count as nodes)."""
    import gc
    import tracemalloc

    gc.disable()
    x = Value(0.5)
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    y = x
    for _ in range(n // 3):
        y = (y * 1.0001 + 0.0001).relu()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    nodes = 1 + (n // 3) * 5  # leaf, and per step: 2 constants + 3 results
    return (after - before) / nodes


def child(engine: str, steps: int, mem_nodes: int) -> None:
    import importlib

    Value = importlib.import_module(ENGINES[engine]).Value
    data = make_data()
    neuron_steps(Value, 3, data)  # warm-up
    per_step, final = neuron_steps(Value, steps, data)
    mem = chain_memory(Value, mem_nodes)
    print(json.dumps({"engine": engine, "per_step": per_step, "loss": final, "bytes_per_node": mem}))


def run_child(engine: str, steps: int, mem_nodes: int) -> dict | None:
    proc = subprocess.run(
        [sys.executable, __file__, "--child", engine, "--steps", str(steps), "--mem-nodes", str(mem_nodes)],
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        print(f"  {engine}: not run ({proc.stderr.strip().splitlines()[-1]})")
        return None
    return json.loads(proc.stdout)


def import_time() -> tuple[float, list[str]]:
    code = (
        "import sys, time; before = set(sys.modules); t = time.perf_counter(); "
        "import tinygrad_ann; dt = time.perf_counter() - t; "
        "import json; print(json.dumps([dt, sorted(set(sys.modules) - before)]))"
    )
    best, mods = float("inf"), []
    for _ in range(5):
        out = subprocess.run([sys.executable, "-X", "frozen_modules=on", "-c", code], capture_output=True, text=True, check=True)
        dt, mods = json.loads(out.stdout)
        best = min(best, dt)
    return best, mods


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--steps", type=int, default=100, help="training steps per engine per round")
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--mem-nodes", type=int, default=300_000)
    ap.add_argument("--child", choices=sorted(ENGINES))
    args = ap.parse_args()
    if args.child:
        child(args.child, args.steps, args.mem_nodes)
        return

    print(f"neuron w1*x1 + w2*x2 + b, relu, squared error, 100 samples; {args.rounds} rounds of "
          f"{args.steps} steps, each engine in its own process")
    ratios, runs = [], {e: [] for e in ENGINES}
    for r in range(args.rounds):
        order = list(ENGINES) if r % 2 == 0 else list(reversed(ENGINES))
        results = {e: run_child(e, args.steps, args.mem_nodes if r == 0 else 3) for e in order}
        for e, res in results.items():
            if res:
                runs[e].append(res)
        ours, theirs = results["tinygrad_ann"], results.get("micrograd")
        if ours and theirs:
            ratios.append(theirs["per_step"] / ours["per_step"])
    print(f"  {'engine':<14}{'ms/step (median)':>18}{'bytes/node':>12}{'final loss':>22}")
    for e, rs in runs.items():
        if rs:
            per_step = statistics.median(x["per_step"] for x in rs)
            print(f"  {e:<14}{per_step * 1e3:>18.3f}{rs[0]['bytes_per_node']:>12.1f}{rs[0]['loss']:>22.12f}")
    if ratios:
        print(f"  speed-up over micrograd: {statistics.median(ratios):.2f}x median of {len(ratios)} rounds "
              f"(each round: {', '.join(f'{x:.2f}' for x in ratios)})  (target >= 4x)")
        # A second estimate, steadier on a shared machine: noise only ever adds
        # time, so each engine's fastest round is the nearest to its own cost.
        best = {e: min(x["per_step"] for x in rs) for e, rs in runs.items()}
        print(f"  speed-up, fastest round against fastest round: "
              f"{best['micrograd'] / best['tinygrad_ann']:.2f}x")
        ours, theirs = runs["tinygrad_ann"][0], runs["micrograd"][0]
        print(f"  memory: {ours['bytes_per_node']:.1f} bytes/node vs micrograd {theirs['bytes_per_node']:.1f}  (target <= 120)")
        same = abs(ours["loss"] - theirs["loss"]) <= 1e-9 * max(1.0, abs(theirs["loss"]))
        print(f"  final losses agree to 1e-9: {same}")
    dt, mods = import_time()
    outside = [m for m in mods if not m.startswith("tinygrad_ann") and m.split(".")[0] not in sys.stdlib_module_names]
    print(f"  import tinygrad_ann: {dt * 1e3:.1f} ms (best of 5; target well under 100 ms); "
          f"non-stdlib modules imported: {outside or 'none'}")


if __name__ == "__main__":
    main()
