"""Layer benchmarks: a training step as built and the same step written op by op.

Convolution: notebook 08's CNN,

    Sequential(Conv2d(1, 6, 3, activation='relu'), MaxPool2d(2), Flatten(), Layer(54, 10))

on the UCI 8x8 digits. Recurrent: Sequential(LSTM(3, 8), LastStep(), Layer(8, 2))
on make_remember_first (gap 15: sequences of 16 steps). Both: cross-entropy,
Adam(lr=0.03), batches of 32. One step: forward on the batch, loss, zero_grad,
backward, Adam's update.

Two ways to compute the same step with the same weights:

- as built: the library's layers. Each convolution output, each gate's
  pre-activation and each output neuron is one fused weighted-sum node, each
  pooling window one fused max node, each sample's cross-entropy one fused node.
- op by op: what a student writes with micrograd's ops. Each weighted sum is
  b + w1*x1 + w2*x2 + ... (a `*` node and a `+` node per weight), max pooling
  picks the largest Value of each window (Python's max), the LSTM's gates are
  the same sigmoid, tanh, * and + nodes, cross-entropy is
  log(sum(exp(z - m))) - (z_k - m).

Each way runs in a fresh process (the garbage collector as it is), the two
alternating for several rounds; each round's losses must agree to 1e-9, and the
ratio printed is the median of the rounds' ratios (this machine's timings vary
from run to run). Then, for the CNN, the forward and backward of one image and
the notebook's whole training (8 epochs on 1,347 training images) with its test
accuracy; for the recurrent layers, one epoch of RNN, LSTM and GRU.

Run:  python benchmarks/bench_layers.py [--steps 8] [--rounds 5] [--only cnn|lstm] [--no-train]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

from tinygrad_ann import Value
from tinygrad_ann.datasets import load_digits
from tinygrad_ann.losses import cross_entropy
from tinygrad_ann.nn import Conv2d, Flatten, Layer, MaxPool2d, Sequential
from tinygrad_ann.optim import Adam

BATCH = 32


def notebook_cnn(rng: int = 0) -> Sequential:
    """The CNN of notebook 08."""
    return Sequential(Conv2d(1, 6, 3, activation="relu", rng=rng), MaxPool2d(2), Flatten(),
                      Layer(54, 10, activation="linear", rng=rng + 1))


def built_loss(model: Sequential, images, labels) -> Value:
    return cross_entropy([model(x) for x in images], labels)


def op_by_op_loss(model: Sequential, images, labels) -> Value:
    """The same loss with the same parameters, one `*` and one `+` node per weight."""
    conv, _, _, dense = model.layers
    kernels = [(conv.weight[k][0], conv.bias[k]) for k in range(conv.out_channels)]
    total = 0.0
    for image, label in zip(images, labels, strict=True):
        pixels = image[0]
        features = []
        for w, b in kernels:  # conv 3x3, relu: a 6x6 map per kernel
            fmap = [[b + sum((w[i][j] * pixels[r + i][c + j] for i in range(3) for j in range(3)), 0.0)
                     for c in range(6)] for r in range(6)]
            fmap = [[v.relu() for v in row] for row in fmap]
            for r in range(0, 6, 2):  # max pool 2x2: the largest Value of each window
                for c in range(0, 6, 2):
                    features.append(max((fmap[r][c], fmap[r][c + 1], fmap[r + 1][c], fmap[r + 1][c + 1]),
                                        key=lambda v: v.data))
        logits = [n.b + sum((wi * xi for wi, xi in zip(n.w, features, strict=True)), 0.0) for n in dense.neurons]
        m = max(z.data for z in logits)
        total = total + (sum(((z - m).exp() for z in logits), 0.0).log() - (logits[label] - m))
    return total / len(images)


def one_step(loss_of, model, optimizer, images, labels) -> tuple[float, float]:
    t = time.perf_counter()
    loss = loss_of(model, images, labels)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return time.perf_counter() - t, loss.data


def lstm_task():
    """The recurrent step's data: make_remember_first, a gap of 15 (16 steps of 3 numbers)."""
    from tinygrad_ann.datasets import make_remember_first

    return make_remember_first(400, gap=15, rng=0)


def lstm_model(rng: int = 0) -> Sequential:
    """LSTM(3, 8), its last hidden state, then two logits."""
    from tinygrad_ann.nn import LSTM, LastStep

    return Sequential(LSTM(3, 8, rng=rng), LastStep(), Layer(8, 2, activation="linear", rng=rng + 1))


def lstm_op_by_op_loss(model: Sequential, sequences, labels) -> Value:
    """The LSTM's loss with the same parameters, each pre-activation
    (b_ih + b_hh) + w*x + ... + w*h + ... one `*` and one `+` node per weight."""
    lstm, _, dense = model.layers
    cell = lstm.cells[0]
    size = cell.hidden_size
    rows = list(zip(cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh, strict=True))
    total = 0.0
    for xs, label in zip(sequences, labels, strict=True):
        h, c = [0.0] * size, [0.0] * size
        for x in xs:
            pre = []
            for w_ih, w_hh, b_ih, b_hh in rows:
                z = b_ih + b_hh
                for w, v in zip(w_ih, x, strict=True):
                    z = z + w * v
                for w, v in zip(w_hh, h, strict=True):
                    z = z + w * v
                pre.append(z)
            i = [v.sigmoid() for v in pre[:size]]
            f = [v.sigmoid() for v in pre[size:2 * size]]
            g = [v.tanh() for v in pre[2 * size:3 * size]]
            o = [v.sigmoid() for v in pre[3 * size:]]
            c = [fk * ck + ik * gk for fk, ck, ik, gk in zip(f, c, i, g, strict=True)]
            h = [ok * ck.tanh() for ok, ck in zip(o, c, strict=True)]
        logits = [n.b + sum((w * v for w, v in zip(n.w, h, strict=True)), 0.0) for n in dense.neurons]
        m = max(z.data for z in logits)
        total = total + (sum(((z - m).exp() for z in logits), 0.0).log() - (logits[label] - m))
    return total / len(sequences)


# What each way of a step is: (the model, the data, the loss as built, the same op by op)
NETWORKS = {
    "cnn": (notebook_cnn, load_digits, built_loss, op_by_op_loss),
    "lstm": (lstm_model, lstm_task, built_loss, lstm_op_by_op_loss),
}


def steps_in_this_process(network: str, way: str, steps: int) -> dict:
    """One way's run: a warm-up step, then `steps` timed steps on the next batches."""
    make_model, data, built, op_by_op = NETWORKS[network]
    X, y = data()
    model = make_model()
    opt = Adam(model.parameters(), lr=0.03)
    loss_of = built if way == "built" else op_by_op
    seconds, losses = [], []
    for s in range(steps + 1):
        batch = slice(s * BATCH, (s + 1) * BATCH)
        dt, loss = one_step(loss_of, model, opt, X[batch], y[batch])
        if s:  # (step 0 warms up: the windows' cache, the first allocations)
            seconds.append(dt)
        losses.append(loss)
    return {"per_step": statistics.median(seconds), "losses": losses}


def run_child(network: str, way: str, steps: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", network, way, "--steps", str(steps)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def compare_steps(network: str, steps: int, rounds: int) -> None:
    print(f"{network}: one training step (batch {BATCH}): {rounds} rounds of {steps} steps each way, "
          f"each run in a fresh process, the two ways alternating")
    ratios, times = [], {"built": [], "op by op": []}
    for r in range(rounds):
        order = ("built", "op by op") if r % 2 == 0 else ("op by op", "built")
        runs = {way: run_child(network, way, steps) for way in order}
        gap = max(abs(a - b) for a, b in zip(runs["built"]["losses"], runs["op by op"]["losses"], strict=True))
        assert gap < 1e-9, f"the two ways disagree: losses differ by {gap:.3g}"
        for way, run in runs.items():
            times[way].append(run["per_step"])
        ratios.append(runs["op by op"]["per_step"] / runs["built"]["per_step"])
    for way, ts in times.items():
        print(f"  {way:<10} {statistics.median(ts) * 1000:8.1f} ms/step (median of rounds; "
              f"{min(ts) * 1000:.1f}-{max(ts) * 1000:.1f})")
    print(f"  speed-up of the built layers: {statistics.median(ratios):.1f}x (median of rounds; "
          f"{min(ratios):.1f}x-{max(ratios):.1f}x), losses equal to 1e-9")


def seconds_per_epoch() -> None:
    """RNN, LSTM and GRU of hidden size 8 on the recurrent task: one epoch each."""
    from tinygrad_ann.nn import GRU, LSTM, RNN, LastStep
    from tinygrad_ann.train import fit

    X, y = lstm_task()
    X, y = X[:200], y[:200]
    print(f"one epoch of {len(X)} sequences of {len(X[0])} steps (batch {BATCH // 2}), hidden size 8:")
    for kind in (RNN, LSTM, GRU):
        model = Sequential(kind(3, 8, rng=0), LastStep(), Layer(8, 2, activation="linear", rng=1))
        t = time.perf_counter()
        fit(model, X, y, loss="cross_entropy", optimizer=Adam(model.parameters(), lr=0.03), epochs=1,
            batch_size=BATCH // 2, rng=0, progress=False)
        print(f"  {kind.__name__:<5} {time.perf_counter() - t:6.2f} s")


def per_image(X, y) -> None:
    model = notebook_cnn()
    forward, backward = [], []
    for x, label in zip(X[:200], y[:200], strict=True):
        t = time.perf_counter()
        loss = cross_entropy([model(x)], [label])
        t2 = time.perf_counter()
        model.zero_grad()
        loss.backward()
        t3 = time.perf_counter()
        forward.append(t2 - t)
        backward.append(t3 - t2)
    f, b = statistics.median(forward), statistics.median(backward)
    print(f"one image (median of 200): forward {f * 1000:.2f} ms, backward {b * 1000:.2f} ms, "
          f"together {(f + b) * 1000:.2f} ms")


def notebook_training() -> None:
    from tinygrad_ann.train import accuracy, fit

    data = load_digits(test_size=0.25, rng=0)
    X_train, X_test, y_train, y_test = data
    model = notebook_cnn()
    t = time.perf_counter()
    fit(model, X_train, y_train, loss="cross_entropy", optimizer=Adam(model.parameters(), lr=0.03),
        epochs=8, batch_size=BATCH, rng=0, progress=False)
    seconds = time.perf_counter() - t
    print(f"the notebook's training: 8 epochs on {len(X_train)} images in {seconds:.1f} s, "
          f"test accuracy {accuracy(model, X_test, y_test):.1%} on {len(X_test)} images")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--steps", type=int, default=8, help="timed training steps per way per round")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--only", choices=sorted(NETWORKS), help="one network's step only")
    ap.add_argument("--no-train", action="store_true", help="skip the notebook's whole training")
    ap.add_argument("--child", nargs=2, metavar=("NETWORK", "WAY"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(steps_in_this_process(*args.child, args.steps)))
        return
    if args.only in (None, "cnn"):
        compare_steps("cnn", args.steps, args.rounds)
        X, y = load_digits()
        per_image(X, y)
        if not args.no_train:
            notebook_training()
    if args.only in (None, "lstm"):
        compare_steps("lstm", args.steps, args.rounds)
        seconds_per_epoch()


if __name__ == "__main__":
    main()
