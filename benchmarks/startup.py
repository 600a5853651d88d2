"""Start-up: each command as a ratio to `python -c "import click"` and to a bare `python -c pass`,
measured side by side (interleaved, medians) in one run.

Run: python benchmarks/startup.py [--runs N] [--json]. Uses the `pop` script beside this Python,
a temporary data folder holding one plan of the vdab example, and the cache pop keeps there.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = str(ROOT / "examples" / "vdab-answers.yaml")


def once(command: list[str], env: dict) -> float:
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                   check=False)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--json", action="store_true", help="one JSON line per figure")
    args = parser.parse_args()
    script = Path(sys.executable).with_name("pop")
    pop = [str(script)] if script.exists() else [sys.executable, "-m", "engine"]
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "POP_HOME": home}
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: compiled modules kept
        made = subprocess.run([*pop, "run", "--answers", EXAMPLE, "--json"], env=env,
                              capture_output=True, text=True, check=True)
        plan = json.loads(made.stdout)["plan"]["id"]
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "import click": [sys.executable, "-c", "import click"],
            "pop --help": [*pop, "--help"],
            "pop list": [*pop, "list"],
            "pop show": [*pop, "show", plan],
            "pop packs list": [*pop, "packs", "list"],
            "pop run --answers": [*pop, "run", "--answers", EXAMPLE],
        }
        for command in commands.values():  # warm: compiled modules, the pack cache
            once(command, env)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, command in commands.items():
                times[name].append(once(command, env))
    medians = {name: statistics.median(values) for name, values in times.items()}
    bare, click_floor = medians["python -c pass"], medians["import click"]
    for name, value in medians.items():
        if args.json:
            print(json.dumps({"name": name, "value": round(value, 4), "unit": "s",
                              "vs_click": round(value / click_floor, 2),
                              "vs_pass": round(value / bare, 2)}))
        else:
            print(f"{name:<20} {value * 1000:7.1f} ms   {value / click_floor:5.2f}× import click"
                  f"   {value / bare:5.2f}× python -c pass")


if __name__ == "__main__":
    main()
