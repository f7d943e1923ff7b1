"""GPT benchmark: microgpt's model as built by the library, against the same model op by op.

The model is Karpathy's microgpt (a one-file GPT on a scalar autograd engine):
vocabulary 27 (a-z and a boundary token), block size 16, one layer, n_embd 16,
4 heads, RMSNorm without a gain, a ReLU MLP, no biases, weights N(0, 0.08).
One training step reads one name, [bos, c1, ..., cn, bos], predicts every next
character, averages the cross-entropy, backpropagates, and takes an Adam step
(lr 0.01 decaying linearly to 0 over 1,000 steps, betas 0.85 / 0.99).

  built      GPT(..., norm='rms', activation='relu', bias=False, init_std=0.08),
             losses.cross_entropy, optim.Adam: the library's fused nodes.
  op by op   the same model written the way microgpt writes it, one node per
             scalar operation: linear layers as sum(w * x for ...), softmax from
             exp and division, the loss as -log(probs[target]), Adam by hand.
             It runs on two engines:
               microgpt's engine: a Value the way microgpt builds its own (written
                 here: each node keeps its children and its local derivatives,
                 computed in the forward pass; backward() orders the graph by a
                 recursive depth-first search). This is what the model costs
                 written as microgpt writes it.
               this library's Value: the same code on our engine, which is faster
                 per node; the gap left is what the fused nodes (a whole weighted
                 sum, a whole cross-entropy in one node) buy.

All start from the same weights (copied) and read the same names in the same
order, so their losses must agree step by step (to 1e-9 over the first 20
steps: the fused nodes compute the same numbers). The speed-ups are ratios of
the median step times, measured in one run. Then the built model trains for
the full 1,000 steps, and a few names are sampled from it.

Run:  python benchmarks/bench_gpt.py               (about a minute)
      python benchmarks/bench_gpt.py --steps 5     (a quick look)
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
import time

from tinygrad_ann.datasets import CharTokenizer, load_names
from tinygrad_ann.engine import Value
from tinygrad_ann.losses import cross_entropy
from tinygrad_ann.nn import GPT
from tinygrad_ann.optim import Adam, linear_decay

BLOCK_SIZE, N_LAYER, N_EMBD, N_HEAD = 16, 1, 16, 4
LR, BETAS, EPS, NUM_STEPS = 0.01, (0.85, 0.99), 1e-8, 1000


# -- microgpt's kind of engine ------------------------------------------------------------------


class MicroValue:
    """A scalar autograd node as microgpt makes its own: the children and the local
    derivative towards each are kept with the node, computed in the forward pass."""

    __slots__ = ("data", "grad", "_children", "_local_grads")

    def __init__(self, data, children=(), local_grads=()):
        self.data, self.grad = data, 0.0
        self._children, self._local_grads = children, local_grads

    def __add__(self, other):
        other = other if isinstance(other, MicroValue) else MicroValue(other)
        return MicroValue(self.data + other.data, (self, other), (1.0, 1.0))

    def __mul__(self, other):
        other = other if isinstance(other, MicroValue) else MicroValue(other)
        return MicroValue(self.data * other.data, (self, other), (other.data, self.data))

    def __pow__(self, k):
        return MicroValue(self.data**k, (self,), (k * self.data ** (k - 1),))

    def log(self):
        return MicroValue(math.log(self.data), (self,), (1.0 / self.data,))

    def exp(self):
        e = math.exp(self.data)
        return MicroValue(e, (self,), (e,))

    def relu(self):
        return MicroValue(max(0.0, self.data), (self,), (float(self.data > 0),))

    def __neg__(self):
        return self * -1.0

    def __radd__(self, other):
        return self + other

    def __sub__(self, other):
        return self + (-other)

    def __rmul__(self, other):
        return self * other

    def __truediv__(self, other):
        return self * other**-1

    def backward(self):
        order, visited = [], set()

        def visit(v):
            if v not in visited:
                visited.add(v)
                for child in v._children:
                    visit(child)
                order.append(v)

        visit(self)
        self.grad = 1.0
        for v in reversed(order):
            for child, local in zip(v._children, v._local_grads):
                child.grad += local * v.grad


# -- the op-by-op model: one node per scalar operation, microgpt's way ------------------------


def linear(x, w):
    return [sum(wi * xi for wi, xi in zip(row, x)) for row in w]


def softmax(logits):
    largest = max(v.data for v in logits)
    exps = [(v - largest).exp() for v in logits]
    total = sum(exps)
    return [e / total for e in exps]


def rmsnorm(x):
    mean_square = sum(xi * xi for xi in x) / len(x)
    scale = (mean_square + 1e-5) ** -0.5
    return [xi * scale for xi in x]


def op_by_op_forward(p, token, pos, keys, values):
    """The logits after `token` at position `pos`; keys and values grow by one."""
    head_dim = N_EMBD // N_HEAD
    x = rmsnorm([t + q for t, q in zip(p["wte"][token], p["wpe"][pos])])
    for li in range(N_LAYER):
        residual = x
        x = rmsnorm(x)
        q, k, v = linear(x, p[f"{li}.wq"]), linear(x, p[f"{li}.wk"]), linear(x, p[f"{li}.wv"])
        keys[li].append(k)
        values[li].append(v)
        heads = []
        for h in range(N_HEAD):
            lo = h * head_dim
            q_h = q[lo : lo + head_dim]
            scores = [sum(q_h[j] * k_t[lo + j] for j in range(head_dim)) / head_dim**0.5 for k_t in keys[li]]
            weights = softmax(scores)
            heads += [sum(weights[t] * values[li][t][lo + j] for t in range(len(weights)))
                      for j in range(head_dim)]
        x = [a + b for a, b in zip(linear(heads, p[f"{li}.wo"]), residual)]
        residual = x
        hidden = [h.relu() for h in linear(rmsnorm(x), p[f"{li}.fc1"])]
        x = [a + b for a, b in zip(linear(hidden, p[f"{li}.fc2"]), residual)]
    return linear(x, p["lm_head"])


def copy_weights(model: GPT, engine) -> tuple[dict, list]:
    """The built model's weights as fresh leaves of `engine` (a Value class), in
    microgpt's dict of matrices."""
    def leaves(matrix):
        return [[engine(w.data) for w in row] for row in matrix]

    p = {"wte": leaves(model.wte.weight), "wpe": leaves(model.wpe.weight), "lm_head": leaves(model.lm_head.weight)}
    for li, block in enumerate(model.blocks):
        a = block.attn
        for name, layer in (("wq", a.q_proj), ("wk", a.k_proj), ("wv", a.v_proj), ("wo", a.out_proj),
                            ("fc1", block.fc1), ("fc2", block.fc2)):
            p[f"{li}.{name}"] = leaves(layer.weight)
    params = [w for matrix in p.values() for row in matrix for w in row]
    return p, params


class OpByOp:
    """microgpt's training step: the loss from its own softmax and log, Adam by hand."""

    def __init__(self, model: GPT, engine) -> None:
        self.p, self.params = copy_weights(model, engine)
        self.m = [0.0] * len(self.params)
        self.v = [0.0] * len(self.params)

    def step(self, tokens: list[int], step: int) -> float:
        n = min(BLOCK_SIZE, len(tokens) - 1)
        keys, values = [[] for _ in range(N_LAYER)], [[] for _ in range(N_LAYER)]
        losses = []
        for pos in range(n):
            probs = softmax(op_by_op_forward(self.p, tokens[pos], pos, keys, values))
            losses.append(-probs[tokens[pos + 1]].log())
        loss = (1 / n) * sum(losses)
        loss.backward()
        lr = LR * (1 - step / NUM_STEPS)
        b1, b2 = BETAS
        for i, w in enumerate(self.params):
            self.m[i] = b1 * self.m[i] + (1 - b1) * w.grad
            self.v[i] = b2 * self.v[i] + (1 - b2) * w.grad**2
            m_hat = self.m[i] / (1 - b1 ** (step + 1))
            v_hat = self.v[i] / (1 - b2 ** (step + 1))
            w.data -= lr * m_hat / (v_hat**0.5 + EPS)
            w.grad = 0.0
        return loss.data


class Built:
    """The same step with the library: model(tokens), cross_entropy, Adam."""

    def __init__(self, model: GPT) -> None:
        self.model = model
        self.opt = Adam(model.parameters(), lr=LR, betas=BETAS, eps=EPS)

    def step(self, tokens: list[int], step: int) -> float:
        n = min(BLOCK_SIZE, len(tokens) - 1)
        loss = cross_entropy(self.model(tokens[:n]), tokens[1 : n + 1])
        self.model.zero_grad()
        loss.backward()
        self.opt.lr = linear_decay(step, NUM_STEPS, LR, 0.0)
        self.opt.step()
        return loss.data


def timed_steps(trainer, docs, tok, steps: int) -> tuple[list[float], list[float]]:
    times, losses = [], []
    for step in range(steps):
        tokens = tok.encode(docs[step % len(docs)], boundaries=True)
        start = time.perf_counter()
        losses.append(trainer.step(tokens, step))
        times.append(time.perf_counter() - start)
    return times, losses


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--steps", type=int, default=20, help="steps compared side by side (default 20)")
    ap.add_argument("--full", type=int, default=NUM_STEPS, help="steps of the built model's full run (0: none)")
    args = ap.parse_args()

    docs = load_names()
    random.Random(42).shuffle(docs)  # (microgpt shuffles its names with seed 42 too)
    tok = CharTokenizer.from_names(docs)

    def fresh_model() -> GPT:
        return GPT(tok.vocab_size, BLOCK_SIZE, N_LAYER, N_EMBD, N_HEAD, norm="rms", activation="relu",
                   bias=False, init_std=0.08, rng=42)

    print(f"microgpt's model: vocab {tok.vocab_size}, block {BLOCK_SIZE}, {N_LAYER} layer, n_embd {N_EMBD}, "
          f"{N_HEAD} heads, {fresh_model().num_parameters()} parameters; one name per step, Adam")
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 20_000))  # (the recursive search of MicroValue)
    runs = {
        "op by op, microgpt's engine": OpByOp(fresh_model(), MicroValue),
        "op by op, our Value": OpByOp(fresh_model(), Value),
        "built": Built(fresh_model()),
    }
    results = {name: timed_steps(trainer, docs, tok, args.steps) for name, trainer in runs.items()}
    ms = {name: statistics.median(times) * 1e3 for name, (times, _) in results.items()}
    l_built = results["built"][1]
    print(f"  {'':30}{'ms/step (median)':>18}{'loss at step 1':>16}{f'loss at step {args.steps}':>16}")
    for name, (_, losses) in results.items():
        print(f"  {name:30}{ms[name]:>18.1f}{losses[0]:>16.6f}{losses[-1]:>16.6f}")
    for name in list(runs)[:2]:
        diff = max(abs(a - b) for a, b in zip(results[name][1], l_built))
        print(f"  built against {name}: {ms[name] / ms['built']:.1f}x faster; largest loss difference over "
              f"{args.steps} steps {diff:.1e}  (targets >= 10x, <= 1e-9)")
    if args.full:
        trainer = Built(fresh_model())
        start = time.perf_counter()
        _, losses = timed_steps(trainer, docs, tok, args.full)
        seconds = time.perf_counter() - start
        last = statistics.mean(losses[-100:])
        print(f"  built, {args.full} steps: {seconds:.1f} s ({seconds / args.full * 1e3:.1f} ms/step); "
              f"mean loss of the last 100 steps {last:.3f} (a uniform guess: {math.log(tok.vocab_size):.3f})")
        names = [tok.decode(trainer.model.generate([tok.bos], BLOCK_SIZE - 1, temperature=0.5, rng=i,
                                                   stop_token=tok.bos)) for i in range(10)]
        print(f"  sampled (temperature 0.5): {', '.join(names)}")


if __name__ == "__main__":
    main()
