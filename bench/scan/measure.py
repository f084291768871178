#!/usr/bin/env python3
"""Run a command N times; print best wall time, peak RSS (ru_maxrss of the child) and exit code.

Usage: measure.py LABEL N -- CMD...
"""
import os
import subprocess
import sys
import time

label, n = sys.argv[1], int(sys.argv[2])
cmd = sys.argv[sys.argv.index("--") + 1:]
best, rss, code = None, 0, None
for _ in range(n):
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    dt = time.perf_counter() - t
    code = os.waitstatus_to_exitcode(status)
    best = dt if best is None else min(best, dt)
    rss = max(rss, usage.ru_maxrss)
print("%-44s %9.3f s %9.1f MB  exit %s" % (label, best, rss / 1024, code), flush=True)
