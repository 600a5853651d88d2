"""Startup time of `pop --help` and `pop packs list`, as a ratio to a bare `python -c pass`.

Run: python benchmarks/startup.py [--runs N]. Uses the `pop` script beside this Python.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def median_seconds(command: list[str], runs: int, env: dict) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                       check=False)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    pop = Path(sys.executable).with_name("pop")
    command = [str(pop)] if pop.exists() else [sys.executable, "-m", "engine"]
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "POP_HOME": home}
        subprocess.run([*command, "packs", "list"], env=env, capture_output=True, check=False)
        base = median_seconds([sys.executable, "-c", "pass"], args.runs, env)
        print(f"python -c pass      {base * 1000:7.1f} ms")
        for label, extra in (("pop --help", ["--help"]), ("pop packs list", ["packs", "list"])):
            took = median_seconds([*command, *extra], args.runs, env)
            print(f"{label:<19} {took * 1000:7.1f} ms   ratio {took / base:4.1f}x  (target ≤ 4x)")


if __name__ == "__main__":
    main()
