#!/usr/bin/env python3
"""The Rosenbrock, logistic-regression and scalar-chain workloads of the JMH benchmarks, in PyTorch.

float64, one thread, on the CPU: the primal (under torch.no_grad()) and the value with its
gradient by autograd (backward()), each written the way a PyTorch user would write it
(vectorised tensor expressions where the workload allows; the scalar chain is a Python loop over
0-d tensors, as it has to be). Prints the median time per call of 5 one-second batches after 3
warm-up batches, like the JMH settings.

Run with Debian's python3-torch:  /usr/bin/python3 benchmarks/pytorch/bench.py
"""

import statistics
import sys
import time

import torch
import torch.nn.functional as F

WARMUP = 3
MEASURE = 5
BATCH_SECONDS = 1.0

torch.set_num_threads(1)
torch.set_num_interop_threads(1)
torch.set_default_dtype(torch.float64)
generator = torch.Generator().manual_seed(1)


def median_seconds(call):
    """The median over MEASURE batches of one call's time, batches sized to about a second."""
    calls = 1
    while True:
        started = time.perf_counter()
        for _ in range(calls):
            call()
        elapsed = time.perf_counter() - started
        if elapsed >= 0.1:
            break
        calls *= 2
    calls = max(1, int(calls * BATCH_SECONDS / elapsed))
    times = []
    for batch in range(WARMUP + MEASURE):
        started = time.perf_counter()
        for _ in range(calls):
            call()
        if batch >= WARMUP:
            times.append((time.perf_counter() - started) / calls)
    return statistics.median(times)


def rosenbrock(x):
    return (100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2).sum()


def logistic_loss(w, x, y):
    z = x @ w[:-1] + w[-1]
    return F.binary_cross_entropy_with_logits(z, y)


def chain(x, a, b, steps):
    t = x
    for _ in range(steps):
        t = torch.sin(t) * a + b
    return t


def value_and_grad(f, *diff):
    """Calls f on fresh leaves requiring grad and runs backward: one gradient evaluation."""
    leaves = [d.detach().requires_grad_() for d in diff]

    def call():
        for leaf in leaves:
            leaf.grad = None
        value = f(*leaves)
        value.backward()
        return value.item(), [leaf.grad for leaf in leaves]

    return call


def primal(f, *args):
    def call():
        with torch.no_grad():
            return f(*args).item()

    return call


def workloads():
    for n in (10, 1000, 100_000):
        x = 4 * torch.rand(n, generator=generator) - 2
        yield f"Rosenbrock, N = {n}", primal(rosenbrock, x), value_and_grad(rosenbrock, x)

    samples, features = 1000, 100
    truth = torch.randn(features, generator=generator) / features ** 0.5
    x = torch.randn(samples, features, generator=generator)
    y = (torch.rand(samples, generator=generator) < torch.sigmoid(x @ truth + 0.5)).double()
    w = 0.1 * torch.randn(features + 1, generator=generator)
    loss = lambda w: logistic_loss(w, x, y)
    yield "Logistic regression, 1 000 x 100", primal(loss, w), value_and_grad(loss, w)

    steps = 1000
    start = torch.tensor(0.3)
    a = torch.tensor(0.8)
    b = torch.tensor(0.1)
    f = lambda x, a, b: chain(x, a, b, steps)
    yield ("Scalar chain, loop of 1 000 steps",
           primal(f, start, a, b), value_and_grad(f, start, a, b))


def main():
    print(f"torch {torch.__version__}, float64, {torch.get_num_threads()} thread, "
          f"python {sys.version.split()[0]}")
    print(f"{'workload':36} {'primal':>14} {'value and grad':>16} {'grad/primal':>12}")
    for name, p, g in workloads():
        tp = median_seconds(p)
        tg = median_seconds(g)
        print(f"{name:36} {tp * 1e6:11.2f} us {tg * 1e6:13.2f} us {tg / tp:12.1f}", flush=True)


if __name__ == "__main__":
    main()
