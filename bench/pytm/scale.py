#!/usr/bin/env python3
"""A pytm model of the same shape as bench/gen_model.py (N elements, M flows), for timing.

usage: scale.py N M   — builds the model and runs pytm's threat resolution (tm.resolve()).
"""
import random
import sys
import time

from pytm import TM, Actor, Boundary, Dataflow, Datastore, LLM, Process, Server


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    m = int(sys.argv[2]) if len(sys.argv) > 2 else 4 * n
    rnd = random.Random(42)
    start = time.perf_counter()
    tm = TM("Generated estate")
    tm.description = "scale benchmark"
    groups = [Boundary(f"b{g}") for g in range(max(1, n // 100))]
    kinds = [Actor, Server, Process, LLM, Process, Datastore, Datastore, Process, Process, Datastore, Process, Server, Process]
    elements = []
    for i in range(n):
        cls = kinds[i % len(kinds)]
        elements.append(cls(f"c{i}", inBoundary=groups[min(len(groups) - 1, i // 100)]))
    for f in range(m):
        a = rnd.randrange(n)
        b = (a + 1 + rnd.randrange(12)) % n
        Dataflow(elements[a], elements[b], f"f{f}")
    built = time.perf_counter()
    tm.resolve()
    done = time.perf_counter()
    findings = sum(len(e.findings) for e in elements)
    print(f"pytm n={n} m={m}: build {built - start:.2f} s, resolve {done - built:.2f} s, {findings} findings on elements")


if __name__ == "__main__":
    main()
