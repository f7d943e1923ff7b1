"""Training benchmark: micrograd's demo step, tinygrad_ann against micrograd 0.1.0.

The step (micrograd's demo.ipynb): an MLP(2, [16, 16, 1]) scores 100 moons
points, loss = mean(relu(1 - y * score)) + 1e-4 * sum(p^2), backward, then SGD
with learning rate 1.0 - 0.9 * k / 100. Both engines get the same data and the
same initial weights, copied from a micrograd MLP made after random.seed(1337),
and the losses of every step must agree to 1e-9. Each engine runs in its own
fresh process with the garbage collector as it is (no gc.collect() between
steps). PyTorch scalar autograd (one 0-d tensor per number, op by op) is timed
on the same step when torch is installed.

Run:  python benchmarks/bench_train.py [--steps 10]
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time

LR = lambda k: 1.0 - 0.9 * k / 100  # noqa: E731  (micrograd's schedule)


def data():
    from tinygrad_ann.datasets import make_moons

    X, y = make_moons(n_samples=100, noise=0.1, seed=1337)
    return X, [2 * v - 1 for v in y]


def initial_weights() -> list[float]:
    from micrograd.nn import MLP

    random.seed(1337)
    return [p.data for p in MLP(2, [16, 16, 1]).parameters()]


def run_micrograd(steps: int, X, y, w0):
    from micrograd.engine import Value
    from micrograd.nn import MLP

    model = MLP(2, [16, 16, 1])
    for p, w in zip(model.parameters(), w0):
        p.data = w
    losses, times = [], []
    for k in range(steps):
        t = time.perf_counter()
        inputs = [list(map(Value, row)) for row in X]
        scores = list(map(model, inputs))
        data_loss = sum((1 + -yi * si).relu() for yi, si in zip(y, scores)) * (1.0 / len(scores))
        total = data_loss + 1e-4 * sum(p * p for p in model.parameters())
        model.zero_grad()
        total.backward()
        for p in model.parameters():
            p.data -= LR(k) * p.grad
        times.append(time.perf_counter() - t)
        losses.append(total.data)
    return losses, times


def run_tinygrad_ann(steps: int, X, y, w0):
    from tinygrad_ann import MLP, dot
    from tinygrad_ann.losses import hinge_loss

    model = MLP(2, [16, 16, 1])
    params = model.parameters()
    for p, w in zip(params, w0):
        p.data = w
    losses, times = [], []
    for k in range(steps):
        t = time.perf_counter()
        scores = [model(row) for row in X]
        total = hinge_loss(scores, y) + 1e-4 * dot(params, params)
        model.zero_grad()
        total.backward()
        lr = LR(k)
        for p in params:
            p.data -= lr * p.grad
        times.append(time.perf_counter() - t)
        losses.append(total.data)
    return losses, times


def run_torch(steps: int, X, y, w0):
    import torch

    torch.set_num_threads(1)
    ps = [torch.tensor(w, dtype=torch.float64, requires_grad=True) for w in w0]
    sizes = [2, 16, 16, 1]
    losses, times = [], []
    for k in range(steps):
        t = time.perf_counter()
        scores = []
        for row in X:
            acts = [torch.tensor(v, dtype=torch.float64) for v in row]
            i = 0
            for li in range(3):
                outs = []
                for _ in range(sizes[li + 1]):
                    ws, b = ps[i : i + sizes[li]], ps[i + sizes[li]]
                    i += sizes[li] + 1
                    s = b
                    for w, a in zip(ws, acts):
                        s = s + w * a
                    outs.append(s.relu() if li < 2 else s)
                acts = outs
            scores.append(acts[0])
        data_loss = sum((1 + -yi * si).relu() for yi, si in zip(y, scores)) * (1.0 / len(scores))
        total = data_loss + 1e-4 * sum(p * p for p in ps)
        for p in ps:
            p.grad = None
        total.backward()
        with torch.no_grad():
            for p in ps:
                p -= LR(k) * p.grad
        times.append(time.perf_counter() - t)
        losses.append(total.item())
    return losses, times


RUNNERS = {"tinygrad_ann": run_tinygrad_ann, "micrograd": run_micrograd, "torch": run_torch}


def child(engine: str, steps: int) -> None:
    X, y = data()
    w0 = initial_weights()
    losses, times = RUNNERS[engine](steps, X, y, w0)
    print(json.dumps({"losses": losses, "times": times}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--steps", type=int, default=10, help="training steps per engine (default 10)")
    ap.add_argument("--child", choices=sorted(RUNNERS))
    args = ap.parse_args()
    if args.child:
        child(args.child, args.steps)
        return
    print(f"micrograd's demo step (MLP(2, [16, 16, 1]), 100 moons points, hinge + 1e-4 L2, SGD), "
          f"{args.steps} steps, each engine in its own process")
    results = {}
    for engine in RUNNERS:
        proc = subprocess.run([sys.executable, __file__, "--child", engine, "--steps", str(args.steps)],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            last = (proc.stderr.strip().splitlines() or ["failed"])[-1]
            print(f"  {engine:<13} skipped ({last})")
            continue
        results[engine] = json.loads(proc.stdout)
    for engine, r in results.items():
        mean = sum(r["times"]) / len(r["times"])
        print(f"  {engine:<13} {mean * 1e3:10.2f} ms/step   final loss {r['losses'][-1]:.12f}")
    ours, mg = results.get("tinygrad_ann"), results.get("micrograd")
    if ours and mg:
        speed = (sum(mg["times"]) / len(mg["times"])) / (sum(ours["times"]) / len(ours["times"]))
        worst = max(abs(a - b) for a, b in zip(ours["losses"], mg["losses"]))
        print(f"  speed-up over micrograd: {speed:.1f}x (target >= 50x)")
        print(f"  largest loss difference from micrograd over {args.steps} steps: {worst:.2e} (target <= 1e-9)")
    if ours and "torch" in results:
        t = results["torch"]
        speed = (sum(t["times"]) / len(t["times"])) / (sum(ours["times"]) / len(ours["times"]))
        worst = max(abs(a - b) for a, b in zip(ours["losses"], t["losses"]))
        print(f"  vs PyTorch scalar autograd: {speed:.1f}x faster; largest loss difference {worst:.2e}")


if __name__ == "__main__":
    main()
