"""Optimizers: how parameters move once `backward()` has filled their gradients.

An optimizer holds a list of parameters (Values). After `loss.backward()`,
each parameter's `grad` is d(loss)/d(parameter); `step()` moves every
parameter's `data` a little against its gradient, by the optimizer's rule, and
`zero_grad()` sets the grads back to 0.0 before the next backward pass (which
adds into the grads of leaves). The rules are exactly those of `torch.optim`,
written out on plain floats: an update builds no graph.

Learning-rate schedules change `optimizer.lr` as training goes on:
`linear_decay` and `step_decay` are the formulas, and `LinearLR`, `StepLR` and
`LambdaLR` apply one to an optimizer at every `.step()`, as in
`torch.optim.lr_scheduler`. `check_learning_rate` is the check every learning
rate passes (a finite number >= 0), for code that takes one from elsewhere.

Example:
    >>> from tinygrad_ann.engine import Value
    >>> w = Value(0.0, label='w')
    >>> opt = SGD([w], lr=0.1)
    >>> for _ in range(100):
    ...     loss = (w - 3) ** 2          # smallest at w = 3
    ...     opt.zero_grad()
    ...     loss.backward()
    ...     opt.step()
    >>> round(w.data, 6)
    3.0
"""

from __future__ import annotations

import copy
import math
from typing import Any, Callable, Iterable

from ._checks import (
    finite_number,
    fraction,
    non_negative_number,
    positive_number,
    whole_number,
    wrong_type,
    wrong_value,
)
from .engine import Value

__all__ = [
    "Optimizer",
    "SGD",
    "Adam",
    "RMSprop",
    "linear_decay",
    "step_decay",
    "LRScheduler",
    "LambdaLR",
    "LinearLR",
    "StepLR",
    "check_learning_rate",
]


class Optimizer:
    """What every optimizer has: `params` (a list), a settable `lr`, `zero_grad()`.

    A subclass writes the update rule in `step()`, working on `p.data` and
    `p.grad` (floats), and names its hyperparameters and per-parameter buffers
    in `_hyperparameters` and `_buffers` for `state_dict()`. It checks its
    hyperparameters other than lr in `_checked(owner, **hyperparameters)`,
    which both its constructor and `load_state_dict` use.

    Example:
        >>> a, b = Value(1.0), Value(2.0)
        >>> opt = SGD(iter([a, b]), lr=0.1)    # any iterable: kept as a list
        >>> a.grad = b.grad = 5.0
        >>> opt.zero_grad()
        >>> opt.params == [a, b], a.grad, b.grad
        (True, 0.0, 0.0)
    """

    _hyperparameters: tuple[str, ...] = ("lr",)
    _buffers: tuple[str, ...] = ()
    # Buffers that may be None (made at the first step that needs them), and
    # running averages of g^2, which step() takes the square root of (never < 0).
    _optional_buffers: tuple[str, ...] = ()
    _squared_buffers: tuple[str, ...] = ()

    def __init__(self, params: Iterable[Value], lr: float) -> None:
        name = type(self).__name__
        self.params: list[Value] = _check_params(name, params)
        if finite_number(name, "lr", lr) <= 0.0:
            wrong_value(name, "lr", "a positive number", lr,
                        "the size of each step against the gradient: try 0.01 to 0.1")
        self.lr = lr
        self.step_count = 0  # how many times step() has run

    @property
    def lr(self) -> float:
        """The learning rate; settable (e.g. by a schedule) to any number >= 0.

        Example:
            >>> opt = SGD([Value(0.0)], lr=0.1)
            >>> opt.lr = 0.05; opt.lr
            0.05
        """
        return self._lr

    @lr.setter
    def lr(self, value: float) -> None:
        self._lr = check_learning_rate(type(self).__name__, value)

    @staticmethod
    def _checked(owner: str, **hyperparameters: Any) -> dict[str, Any]:
        """The hyperparameters other than lr, checked (errors name `owner`).

        The base class knows none, so it takes them as they are; each
        subclass checks its own here, for its constructor and `load_state_dict`.

        Example:
            >>> SGD._checked('SGD', momentum=0.9, weight_decay=0, nesterov=False)
            {'momentum': 0.9, 'weight_decay': 0.0, 'nesterov': False}
        """
        return hyperparameters

    def zero_grad(self) -> None:
        """Set every parameter's grad to 0.0 (backward() adds into leaf grads).

        Example:
            >>> w = Value(1.0); w.grad = 4.0
            >>> SGD([w], lr=0.1).zero_grad(); w.grad
            0.0
        """
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        """Move every parameter by the optimizer's rule (subclasses define it).

        Example:
            >>> w = Value(1.0); w.grad = 2.0
            >>> SGD([w], lr=0.1).step(); w.data      # 1 - 0.1 * 2
            0.8
        """
        raise NotImplementedError(f"{type(self).__name__} does not define step()")

    def state_dict(self) -> dict[str, Any]:
        """The hyperparameters, step count and buffers, as a dict of copies.

        Example:
            >>> w = Value(1.0)
            >>> opt = SGD([w], lr=0.1, momentum=0.9)
            >>> w.grad = 2.0; opt.step()
            >>> opt.state_dict()['momentum_buffer']
            [2.0]
        """
        state = {h: getattr(self, h) for h in self._hyperparameters}
        state["step_count"] = self.step_count
        for b in self._buffers:
            state[b] = copy.deepcopy(getattr(self, b))
        return state

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore what `state_dict()` returned, to resume training where it stopped.

        The optimizer must hold the same number of parameters, in the same order.
        Every value is checked as the constructor checks it (lr as the `lr`
        setter does, so a schedule's lr of 0 loads), the step count must be an
        int >= 0, and each buffer a list of finite numbers, one per parameter
        (running averages of g^2 >= 0). A bad state raises TypeError or
        ValueError naming the value, and the optimizer is left unchanged:
        everything is checked before anything is written.

        Example:
            >>> w = Value(1.0)
            >>> opt = Adam([w], lr=0.1)
            >>> w.grad = 1.0; opt.step()
            >>> resumed = Adam([w])
            >>> resumed.load_state_dict(opt.state_dict())
            >>> resumed.lr, resumed.step_count
            (0.1, 1)
        """
        name = type(self).__name__
        where = f"{name}.load_state_dict"
        expected = {*self._hyperparameters, "step_count", *self._buffers}
        if not isinstance(state, dict):
            wrong_type(where, "state", f"a dict (from {name}.state_dict())", state)
        if set(state) != expected:
            raise ValueError(
                f"{where}: state must have the keys {sorted(expected)} (those of "
                f"{name}.state_dict()), got the keys {sorted(state, key=repr)}"
            )
        lr = check_learning_rate(where, state["lr"])
        hyper = self._checked(where, **{h: state[h] for h in self._hyperparameters if h != "lr"})
        step_count = whole_number(where, "step_count", state["step_count"], minimum=0)
        buffers = {
            b: _checked_buffer(
                where, b, state[b], len(self.params),
                optional=b in self._optional_buffers, non_negative=b in self._squared_buffers,
            )
            for b in self._buffers
        }
        # Everything is checked: now write (copies, so the state can be reused).
        self.lr = lr
        for h, value in hyper.items():
            setattr(self, h, copy.deepcopy(value))
        self.step_count = step_count
        for b, buffer in buffers.items():
            setattr(self, b, buffer)

    def __repr__(self) -> str:
        """The class, the number of parameters and the hyperparameters.

        Example:
            >>> Adam([Value(1.0)])
            Adam(1 params, lr=0.001, betas=(0.9, 0.999), eps=1e-08, weight_decay=0.0)
        """
        hyper = ", ".join(f"{h}={getattr(self, h)!r}" for h in self._hyperparameters)
        return f"{type(self).__name__}({len(self.params)} params, {hyper})"


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with momentum and weight decay.

    For each parameter p with gradient g, at step t = 1, 2, ... (as torch.optim.SGD
    with dampening = 0):

        g <- g + weight_decay * p                 (if weight_decay != 0)
        b <- g                  at t = 1          (if momentum != 0)
        b <- momentum * b + g   after that
        g <- g + momentum * b   if nesterov, else g <- b
        p <- p - lr * g

    With momentum = 0 this is plain gradient descent, p <- p - lr * g.

    Example:
        >>> w = Value(1.0)
        >>> opt = SGD([w], lr=0.1, momentum=0.9)
        >>> w.grad = 1.0
        >>> opt.step(); w.data                    # b = 1:   1 - 0.1 * 1
        0.9
        >>> opt.step(); round(w.data, 12)         # b = 1.9: 0.9 - 0.1 * 1.9
        0.71
    """

    _hyperparameters = ("lr", "momentum", "weight_decay", "nesterov")
    _buffers = ("momentum_buffer",)
    _optional_buffers = ("momentum_buffer",)

    def __init__(
        self,
        params: Iterable[Value],
        lr: float,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
    ) -> None:
        super().__init__(params, lr)
        hyper = self._checked("SGD", momentum=momentum, weight_decay=weight_decay, nesterov=nesterov)
        self.momentum: float = hyper["momentum"]
        self.weight_decay: float = hyper["weight_decay"]
        self.nesterov: bool = hyper["nesterov"]
        # One velocity per parameter, made at the first step with momentum.
        self.momentum_buffer: list[float] | None = None

    @staticmethod
    def _checked(owner: str, momentum: Any, weight_decay: Any, nesterov: Any) -> dict[str, Any]:  # type: ignore[override]
        """momentum in [0, 1), weight_decay >= 0, nesterov a bool (and then momentum > 0).

        Example:
            >>> SGD._checked('SGD', momentum=0.0, weight_decay=0.0, nesterov=True)
            Traceback (most recent call last):
            ValueError: SGD: nesterov=True needs momentum > 0; Nesterov momentum looks ahead along the momentum buffer
        """
        momentum = fraction(owner, "momentum", momentum, include_high=False)
        weight_decay = non_negative_number(owner, "weight_decay", weight_decay)
        if not isinstance(nesterov, bool):
            wrong_type(owner, "nesterov", "True or False", nesterov)
        if nesterov and momentum == 0.0:
            raise ValueError(
                f"{owner}: nesterov=True needs momentum > 0; Nesterov momentum looks ahead "
                f"along the momentum buffer"
            )
        return {"momentum": momentum, "weight_decay": weight_decay, "nesterov": nesterov}

    def step(self) -> None:
        """p <- p - lr * g, with g changed by weight decay and momentum as above.

        Example:
            >>> w = Value(1.0); w.grad = 1.0
            >>> opt = SGD([w], lr=0.5, weight_decay=1.0)
            >>> opt.step(); w.data                   # g = 1 + 1 * 1: 1 - 0.5 * 2
            0.0
        """
        lr, mu, wd = self.lr, self.momentum, self.weight_decay
        buffer = self.momentum_buffer
        first = mu != 0.0 and buffer is None
        if first:
            buffer = self.momentum_buffer = [0.0] * len(self.params)
        for i, p in enumerate(self.params):
            g = p.grad
            if wd != 0.0:
                g = g + wd * p.data
            if mu != 0.0:
                b = buffer[i] = g if first else mu * buffer[i] + g  # type: ignore[index]
                g = g + mu * b if self.nesterov else b
            p.data = p.data - lr * g
        self.step_count += 1


class Adam(Optimizer):
    """Adam: steps scaled by running averages of the gradient and its square.

    For each parameter p with gradient g, at step t = 1, 2, ... (as torch.optim.Adam
    with amsgrad = False; weight decay is the L2 kind added to g, not AdamW's):

        g <- g + weight_decay * p                 (if weight_decay != 0)
        m <- beta1 * m + (1 - beta1) * g          (m starts at 0)
        v <- beta2 * v + (1 - beta2) * g^2        (v starts at 0)
        m_hat = m / (1 - beta1^t)                 (bias correction: m, v start at 0)
        v_hat = v / (1 - beta2^t)
        p <- p - lr * m_hat / (sqrt(v_hat) + eps)

    Each step moves p by about lr, whatever the size of the gradient.

    Example:
        >>> w = Value(1.0)
        >>> opt = Adam([w], lr=0.1)
        >>> w.grad = 50.0
        >>> opt.step(); round(w.data, 6)    # m_hat = 50, v_hat = 50^2: 1 - 0.1 * 50/(50 + eps)
        0.9
    """

    _hyperparameters = ("lr", "betas", "eps", "weight_decay")
    _buffers = ("exp_avg", "exp_avg_sq")
    _squared_buffers = ("exp_avg_sq",)

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        hyper = self._checked("Adam", betas=betas, eps=eps, weight_decay=weight_decay)
        self.betas: tuple[float, float] = hyper["betas"]
        self.eps: float = hyper["eps"]
        self.weight_decay: float = hyper["weight_decay"]
        self.exp_avg = [0.0] * len(self.params)  # m: running mean of g
        self.exp_avg_sq = [0.0] * len(self.params)  # v: running mean of g^2

    @staticmethod
    def _checked(owner: str, betas: Any, eps: Any, weight_decay: Any) -> dict[str, Any]:  # type: ignore[override]
        """betas a pair of numbers in [0, 1), eps > 0, weight_decay >= 0.

        Example:
            >>> Adam._checked('Adam', betas=[0.9, 0.99], eps=1e-8, weight_decay=0)
            {'betas': (0.9, 0.99), 'eps': 1e-08, 'weight_decay': 0.0}
        """
        if not isinstance(betas, (tuple, list)):
            wrong_type(owner, "betas", "a pair (beta1, beta2)", betas)
        if len(betas) != 2:
            wrong_value(owner, "betas", "a pair (beta1, beta2)", betas)
        return {
            "betas": tuple(
                fraction(owner, f"betas[{i}]", beta, include_high=False) for i, beta in enumerate(betas)
            ),
            "eps": positive_number(owner, "eps", eps),
            "weight_decay": non_negative_number(owner, "weight_decay", weight_decay),
        }

    def step(self) -> None:
        """One Adam update of every parameter, by the rule above.

        Example:
            >>> w = Value(0.0); w.grad = -0.001        # a tiny gradient, a full-size step
            >>> opt = Adam([w], lr=0.01)
            >>> opt.step(); round(w.data, 6), opt.step_count
            (0.01, 1)
        """
        self.step_count += 1
        t = self.step_count
        lr, eps, wd = self.lr, self.eps, self.weight_decay
        beta1, beta2 = self.betas
        bias_correction1 = 1.0 - beta1**t
        bias_correction2 = 1.0 - beta2**t
        m, v = self.exp_avg, self.exp_avg_sq
        for i, p in enumerate(self.params):
            g = p.grad
            if wd != 0.0:
                g = g + wd * p.data
            m[i] = beta1 * m[i] + (1.0 - beta1) * g
            v[i] = beta2 * v[i] + (1.0 - beta2) * g * g
            m_hat = m[i] / bias_correction1
            v_hat = v[i] / bias_correction2
            p.data = p.data - lr * m_hat / (math.sqrt(v_hat) + eps)


class RMSprop(Optimizer):
    """RMSprop: steps divided by a running root-mean-square of the gradient.

    For each parameter p with gradient g (as torch.optim.RMSprop with
    centered = False):

        g <- g + weight_decay * p                 (if weight_decay != 0)
        v <- alpha * v + (1 - alpha) * g^2        (v starts at 0)
        u = g / (sqrt(v) + eps)
        b <- momentum * b + u                     (b starts at 0; if momentum != 0)
        p <- p - lr * b                           (p <- p - lr * u if momentum = 0)

    Example:
        >>> w = Value(1.0)
        >>> opt = RMSprop([w], lr=0.01, alpha=0.99)
        >>> w.grad = 3.0
        >>> opt.step(); round(w.data, 6)    # v = 0.01 * 9, u = 3 / (0.3 + eps): 1 - 0.01 * 10
        0.9
    """

    _hyperparameters = ("lr", "alpha", "eps", "momentum", "weight_decay")
    _buffers = ("square_avg", "momentum_buffer")
    _squared_buffers = ("square_avg",)

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        hyper = self._checked(
            "RMSprop", alpha=alpha, eps=eps, momentum=momentum, weight_decay=weight_decay
        )
        self.alpha: float = hyper["alpha"]
        self.eps: float = hyper["eps"]
        self.momentum: float = hyper["momentum"]
        self.weight_decay: float = hyper["weight_decay"]
        self.square_avg = [0.0] * len(self.params)  # v: running mean of g^2
        self.momentum_buffer = [0.0] * len(self.params)  # b

    @staticmethod
    def _checked(owner: str, alpha: Any, eps: Any, momentum: Any, weight_decay: Any) -> dict[str, Any]:  # type: ignore[override]
        """alpha and momentum in [0, 1), eps > 0, weight_decay >= 0.

        Example:
            >>> RMSprop._checked('RMSprop', alpha=1.0, eps=1e-8, momentum=0.0, weight_decay=0.0)
            Traceback (most recent call last):
            ValueError: RMSprop: alpha must be a number in [0, 1), got 1.0
        """
        return {
            "alpha": fraction(owner, "alpha", alpha, include_high=False),
            "eps": positive_number(owner, "eps", eps),
            "momentum": fraction(owner, "momentum", momentum, include_high=False),
            "weight_decay": non_negative_number(owner, "weight_decay", weight_decay),
        }

    def step(self) -> None:
        """One RMSprop update of every parameter, by the rule above.

        Example:
            >>> w = Value(0.0); w.grad = 2.0
            >>> opt = RMSprop([w], lr=0.01, alpha=0.75)
            >>> opt.step(); round(w.data, 6)           # v = 0.25 * 4 = 1, u = 2 / 1
            -0.02
        """
        lr, alpha, eps = self.lr, self.alpha, self.eps
        mu, wd = self.momentum, self.weight_decay
        v, b = self.square_avg, self.momentum_buffer
        for i, p in enumerate(self.params):
            g = p.grad
            if wd != 0.0:
                g = g + wd * p.data
            v[i] = alpha * v[i] + (1.0 - alpha) * g * g
            u = g / (math.sqrt(v[i]) + eps)
            if mu != 0.0:
                b[i] = mu * b[i] + u
                u = b[i]
            p.data = p.data - lr * u
        self.step_count += 1


# ---------------------------------------------------------------------------
# Learning-rate schedules.
# ---------------------------------------------------------------------------


def linear_decay(step: int, total: int, start: float, end: float) -> float:
    """start + (end - start) * step / total: from `start` at step 0 to `end` at
    step `total`, and `end` after that.

    micrograd's demo uses lr = 1.0 - 0.9 * k / 100 at step k of 100, which is
    linear_decay(k, 100, 1.0, 0.1).

    Example:
        >>> [linear_decay(k, 100, 1.0, 0.1) for k in (0, 50, 100, 150)]
        [1.0, 0.55, 0.1, 0.1]
    """
    step, total = _step_and_period("linear_decay", step, "total", total)
    start = finite_number("linear_decay", "start", start)
    end = finite_number("linear_decay", "end", end)
    if step >= total:
        return end
    return start + (end - start) * step / total


def step_decay(step: int, step_size: int, gamma: float, start: float) -> float:
    """start * gamma^(step // step_size): multiplied by `gamma` every `step_size` steps.

    Example:
        >>> [step_decay(k, 10, 0.5, 1.0) for k in (0, 9, 10, 25)]
        [1.0, 1.0, 0.5, 0.25]
    """
    step, step_size = _step_and_period("step_decay", step, "step_size", step_size)
    gamma = positive_number("step_decay", "gamma", gamma)
    return finite_number("step_decay", "start", start) * gamma ** (step // step_size)


def _step_and_period(owner: str, step: object, period_name: str, period: object) -> tuple[int, int]:
    """A schedule's step number (a whole number >= 0) and the number of steps it
    decays over or between (a whole number >= 1), checked."""
    return whole_number(owner, "step", step, minimum=0), whole_number(owner, period_name, period, minimum=1)


class LRScheduler:
    """Sets `optimizer.lr` to `lr_at(k)` after the k-th call of `step()`.

    At construction the schedule keeps the optimizer's lr as `base_lr` and
    sets the lr to `lr_at(0)`. Call `scheduler.step()` once per training step,
    after `optimizer.step()`, as in PyTorch. Subclasses define `lr_at`.

    Example:
        >>> opt = SGD([Value(0.0)], lr=1.0)
        >>> sched = LambdaLR(opt, lambda k: 1.0 / (k + 1))
        >>> sched.step(); sched.step()
        >>> sched.step_count, opt.lr
        (2, 0.3333333333333333)
    """

    def __init__(self, optimizer: Optimizer) -> None:
        if not isinstance(optimizer, Optimizer):
            wrong_type(type(self).__name__, "optimizer",
                       "a tinygrad_ann.optim optimizer (SGD, Adam, RMSprop)", optimizer)
        self.optimizer = optimizer
        self.base_lr = optimizer.lr
        self.step_count = 0
        optimizer.lr = self.lr_at(0)

    def lr_at(self, step: int) -> float:
        """The learning rate for training step `step` (0 for the first).

        Example:
            >>> StepLR(SGD([Value(0.0)], lr=1.0), step_size=10, gamma=0.5).lr_at(25)
            0.25
        """
        raise NotImplementedError(f"{type(self).__name__} does not define lr_at()")

    def step(self) -> None:
        """Advance one training step: set optimizer.lr to lr_at(step_count + 1).

        If the new rate cannot be had (a `lr_lambda` that raises or returns a
        non-number, or a negative rate), the scheduler and the optimizer are left
        as they were.

        Example:
            >>> opt = SGD([Value(0.0)], lr=1.0)
            >>> sched = StepLR(opt, step_size=1, gamma=0.5)
            >>> sched.step(); opt.lr, sched.step_count
            (0.5, 1)
        """
        lr = self.lr_at(self.step_count + 1)  # first: if it fails, nothing has changed
        self.optimizer.lr = lr
        self.step_count += 1

    def __repr__(self) -> str:
        """The schedule, its base lr, how many steps it has taken and the lr now.

        Example:
            >>> StepLR(SGD([Value(0.0)], lr=1.0), step_size=10)
            StepLR(base_lr=1.0, step_count=0, lr=1.0)
        """
        return (
            f"{type(self).__name__}(base_lr={self.base_lr!r}, step_count="
            f"{self.step_count}, lr={self.optimizer.lr!r})"
        )


class LambdaLR(LRScheduler):
    """lr = base_lr * lr_lambda(k) at step k, for any schedule written as a function.

    Example (micrograd's demo schedule):
        >>> opt = SGD([Value(0.0)], lr=1.0)
        >>> sched = LambdaLR(opt, lambda k: 1.0 - 0.9 * k / 100)
        >>> for _ in range(50):
        ...     sched.step()
        >>> opt.lr
        0.55
    """

    def __init__(self, optimizer: Optimizer, lr_lambda: Callable[[int], float]) -> None:
        if not callable(lr_lambda):
            wrong_type("LambdaLR", "lr_lambda", "a function of the step number", lr_lambda)
        self.lr_lambda = lr_lambda
        super().__init__(optimizer)

    def lr_at(self, step: int) -> float:
        """base_lr * lr_lambda(step)

        Example:
            >>> LambdaLR(SGD([Value(0.0)], lr=2.0), lambda k: 0.5 ** k).lr_at(3)
            0.25
        """
        return self.base_lr * finite_number("LambdaLR", f"lr_lambda({step})", self.lr_lambda(step))


class LinearLR(LRScheduler):
    """lr = base_lr * linear_decay(k, total_steps, start_factor, end_factor) at step k.

    The factor goes in a straight line from `start_factor` at step 0 to
    `end_factor` at step `total_steps`, and stays there: the rule of
    torch.optim.lr_scheduler.LinearLR with total_iters = total_steps, but with
    defaults for decay (1.0 to 0.0) where torch's warm up (1/3 to 1.0).

    Example (micrograd's demo: lr = 1.0 - 0.9 * k / 100 for step k of 100):
        >>> opt = SGD([Value(0.0)], lr=1.0)
        >>> sched = LinearLR(opt, total_steps=100, end_factor=0.1)
        >>> lrs = []
        >>> for k in range(100):
        ...     lrs.append(opt.lr)      # ... opt.step() would use this lr ...
        ...     sched.step()
        >>> lrs[0], lrs[50], all(lr == 1.0 - 0.9 * k / 100 for k, lr in enumerate(lrs))
        (1.0, 0.55, True)
    """

    def __init__(
        self,
        optimizer: Optimizer,
        total_steps: int,
        start_factor: float = 1.0,
        end_factor: float = 0.0,
    ) -> None:
        self.total_steps = whole_number("LinearLR", "total_steps", total_steps, minimum=1)
        self.start_factor = non_negative_number("LinearLR", "start_factor", start_factor)
        self.end_factor = non_negative_number("LinearLR", "end_factor", end_factor)
        super().__init__(optimizer)

    def lr_at(self, step: int) -> float:
        """base_lr * linear_decay(step, total_steps, start_factor, end_factor)

        Example:
            >>> LinearLR(SGD([Value(0.0)], lr=2.0), total_steps=4).lr_at(1)
            1.5
        """
        factor = linear_decay(step, self.total_steps, self.start_factor, self.end_factor)
        return self.base_lr * factor


class StepLR(LRScheduler):
    """lr = base_lr * gamma^(k // step_size) at step k: multiplied by gamma every step_size steps.

    Example:
        >>> opt = SGD([Value(0.0)], lr=0.1)
        >>> sched = StepLR(opt, step_size=2, gamma=0.5)
        >>> lrs = []
        >>> for _ in range(5):
        ...     lrs.append(opt.lr)
        ...     sched.step()
        >>> lrs
        [0.1, 0.1, 0.05, 0.05, 0.025]
    """

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1) -> None:
        self.step_size = whole_number("StepLR", "step_size", step_size, minimum=1)
        self.gamma = positive_number("StepLR", "gamma", gamma)
        super().__init__(optimizer)

    def lr_at(self, step: int) -> float:
        """step_decay(step, step_size, gamma, base_lr)

        Example:
            >>> StepLR(SGD([Value(0.0)], lr=1.0), step_size=2, gamma=0.1).lr_at(2)
            0.1
        """
        return step_decay(step, self.step_size, self.gamma, self.base_lr)


# ---------------------------------------------------------------------------
# Checking arguments (the checks themselves are in _checks.py).
# ---------------------------------------------------------------------------


def check_learning_rate(owner: str, lr: object, name: str = "lr") -> float:
    """`lr` as a float, if it is a learning rate that may be set at any time: a
    finite number >= 0 (0 freezes the parameters, as a schedule may reach);
    else a TypeError or ValueError that starts with `owner` and names `name`.

    An optimizer's `lr` setter and `load_state_dict` use it, and so can code that
    takes a learning rate from elsewhere (e.g. `fit`'s lr_schedule function).

    Example:
        >>> check_learning_rate('fit', 0.1)
        0.1
        >>> check_learning_rate('fit', -1.0, name='lr_schedule(1)')
        Traceback (most recent call last):
        ValueError: fit: lr_schedule(1) must be a number >= 0, got -1.0 (a negative learning rate climbs the loss)
        >>> check_learning_rate('SGD', '0.1')
        Traceback (most recent call last):
        TypeError: SGD: lr must be a number, got '0.1' (str)
    """
    return non_negative_number(owner, name, lr, why="a negative learning rate climbs the loss")


def _check_params(owner: str, params: object) -> list[Value]:
    """`params` as a non-empty list of distinct Values."""
    what = "an iterable of Values (e.g. model.parameters())"
    if isinstance(params, Value):
        raise TypeError(f"{owner}: params must be {what}, got a single Value; wrap it in a list: [{params!r}]")
    if not isinstance(params, Iterable) or isinstance(params, (str, bytes)):
        wrong_type(owner, "params", what, params)
    ps = list(params)
    if not ps:
        wrong_value(owner, "params", "a non-empty iterable of Values (e.g. model.parameters())", ps)
    first_index: dict[int, int] = {}
    for i, p in enumerate(ps):
        if not isinstance(p, Value):
            wrong_type(owner, f"params[{i}]", "a Value (an optimizer can only update Values)", p)
        j = first_index.setdefault(id(p), i)
        if j != i:
            raise ValueError(
                f"{owner}: params must hold each Value once, got params[{i}] the same "
                f"Value as params[{j}] (it would be updated twice per step)"
            )
    return ps


def _checked_buffer(
    owner: str, name: str, buffer: object, n: int, *, optional: bool, non_negative: bool
) -> list[float] | None:
    """A per-parameter buffer from a state dict as a new list of n finite floats
    (each >= 0 if `non_negative`), or None if `optional` and it is None."""
    if buffer is None and optional:
        return None
    what = f"a list of {n} numbers (one per parameter)"
    if not isinstance(buffer, (list, tuple)):
        wrong_type(owner, name, what, buffer)
    if len(buffer) != n:
        raise ValueError(f"{owner}: {name} must be {what}, got a list of {len(buffer)}")
    if non_negative:
        why = "a running average of squared gradients is never negative"
        return [non_negative_number(owner, f"{name}[{i}]", x, why) for i, x in enumerate(buffer)]
    return [finite_number(owner, f"{name}[{i}]", x) for i, x in enumerate(buffer)]
