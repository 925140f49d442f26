#!/usr/bin/env python3
"""Turns a JMH JSON result file of the Adjoint benchmarks into the README's Markdown tables.

Usage: python3 benchmarks/table.py results.json [more-results.json ...]

Times are medians over the measurement iterations (JMH's 50th percentile of the per-iteration
averages); allocation is JMH's gc.alloc.rate.norm (bytes per call), from `-prof gc`. The two
main tables come from the first file; the two-layer network's table (TwoLayerNetworkBenchmark),
where several files are given, takes each time's median over the files.
"""

import json
import sys

WORKLOADS = [
    ("RosenbrockBenchmark", {"n": "10"}, "Rosenbrock, N = 10"),
    ("RosenbrockBenchmark", {"n": "1000"}, "Rosenbrock, N = 1 000"),
    ("RosenbrockBenchmark", {"n": "100000"}, "Rosenbrock, N = 100 000"),
    ("LogisticRegressionBenchmark", {}, "Logistic regression, 1 000 × 100"),
    ("ScalarChainLoopBenchmark", {}, "Scalar chain, loop, 1 000 steps"),
    ("ScalarChainStraightBenchmark", {}, "Scalar chain, straight-line, 10 steps"),
    ("DenseLayerBenchmark", {}, "Dense layer, 64 × 256 → 256, flat double[]"),
    ("DenseLayerMatrixBenchmark", {}, "Dense layer, 64 × 256 → 256, double[][]"),
    ("EuropeanCallBenchmark", {}, "European call, 10 000 paths"),
]
VARIANTS = ["primal", "handWritten", "generated", "workspace", "finiteDifferences"]
TO_NS = {"ns/op": 1.0, "us/op": 1e3, "ms/op": 1e6, "s/op": 1e9}


def load(path):
    results = {}
    for entry in json.load(open(path)):
        cls, method = entry["benchmark"].rsplit(".", 2)[-2:]
        params = tuple(sorted((entry.get("params") or {}).items()))
        metric = entry["primaryMetric"]
        scale = TO_NS[metric["scoreUnit"]]
        alloc = entry.get("secondaryMetrics", {}).get("gc.alloc.rate.norm")
        results[(cls, params, method)] = {
            "median": metric["scorePercentiles"]["50.0"] * scale,
            "mean": metric["score"] * scale,
            "alloc": alloc["scorePercentiles"]["50.0"] if alloc else None,
        }
    return results


def time(ns):
    if ns is None:
        return "not run"
    for unit, scale in (("ms", 1e6), ("µs", 1e3), ("ns", 1.0)):
        if ns >= scale or unit == "ns":
            value = float(f"{ns / scale:.3g}")
            return f"{value:g} {unit}"


def size(b):
    if b is None:
        return "—"
    if b < 1:
        return "0"
    for unit, scale in (("MB", 1e6), ("kB", 1e3)):
        if b >= scale:
            return f"{b / scale:.3g} {unit}"
    return f"{b:.0f}"


def ratio(a, b):
    if a is None or b is None:
        return "—"
    return f"{a / b:.2f}" if a / b < 10 else f"{a / b:.1f}"


NETWORK_FORMS = [("inlined", "one inlined method"),
                 ("perSample", "per-sample helpers returning arrays"),
                 ("perNeuron", "per-neuron helpers")]


def median(values):
    values = sorted(v for v in values if v is not None)
    if not values:
        return None
    middle = len(values) // 2
    return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2


def network(runs):
    """The two-layer network written three ways: times, ratios and B/op, medians over runs."""
    cls = "TwoLayerNetworkBenchmark"

    def med(method, field="median"):
        return median([r[(cls, (), method)][field] for r in runs if (cls, (), method) in r])

    if med("inlinedPrimal") is None:
        return
    base = med("inlinedWorkspace")
    rows = ["| form | primal | generated, allocating | generated, workspace "
            "| allocating / primal | workspace / primal | workspace / inlined workspace "
            "| B/op primal | B/op allocating | B/op workspace |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for form, name in NETWORK_FORMS:
        primal, generated, workspace = (
            med(form + v) for v in ("Primal", "Generated", "Workspace"))
        rows.append("| " + " | ".join([
            name, time(primal), time(generated), time(workspace),
            ratio(generated, primal), ratio(workspace, primal), ratio(workspace, base),
            size(med(form + "Primal", "alloc")), size(med(form + "Generated", "alloc")),
            size(med(form + "Workspace", "alloc")),
        ]) + " |")
    hand = med("handWritten")
    rows.append("")
    rows.append(f"Hand-written adjoint: {time(hand)}, {ratio(hand, med('inlinedPrimal'))} "
                f"× the inlined primal, {ratio(hand, base)} × the inlined workspace, "
                f"{size(med('handWritten', 'alloc'))} B/op.")
    print()
    print("\n".join(rows))


def main(paths):
    runs = [load(path) for path in paths]
    results = runs[0]
    times = ["| workload | primal | hand-written | generated, allocating | generated, workspace "
             "| central differences |",
             "|---|---:|---:|---:|---:|---:|"]
    ratios = ["| workload | hand-written / primal | allocating / primal | workspace / primal "
              "| allocating / hand-written | workspace / hand-written "
              "| B/op hand-written | B/op allocating | B/op workspace |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for cls, params, name in WORKLOADS:
        key = tuple(sorted(params.items()))
        row = {v: results.get((cls, key, v)) for v in VARIANTS}
        med = {v: r["median"] if r else None for v, r in row.items()}
        alloc = {v: r["alloc"] if r else None for v, r in row.items()}
        if med["primal"] is None:
            continue
        times.append("| " + " | ".join([name] + [time(med[v]) for v in VARIANTS]) + " |")
        ratios.append("| " + " | ".join([
            name,
            ratio(med["handWritten"], med["primal"]),
            ratio(med["generated"], med["primal"]),
            ratio(med["workspace"], med["primal"]),
            ratio(med["generated"], med["handWritten"]),
            ratio(med["workspace"], med["handWritten"]),
            size(alloc["handWritten"]),
            size(alloc["generated"]),
            size(alloc["workspace"]),
        ]) + " |")
    if len(times) > 2:
        print("\n".join(times))
        print()
        print("\n".join(ratios))
    means = [f"{cls}.{v}{dict(key) or ''}: median {time(r['median'])}, mean {time(r['mean'])}"
             for (cls, key, v), r in sorted(results.items())]
    print()
    print("<!-- medians and means:\n" + "\n".join(means) + "\n-->")
    network(runs)


if __name__ == "__main__":
    main(sys.argv[1:])
