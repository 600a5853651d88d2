"""The store at organisation scale: N plans, then each read command timed side by side.

Run: python benchmarks/scale.py --plans N [--store URL] [--runs R] [--json] [--home DIR]

How the store is built: one real plan is made with ``pop run --answers`` (the vdab example)
and its rows are copied with fresh ids, through SQL in batches of 1 000 people a transaction
(``benchmarks/report.py``'s ``fill``): N/5 people with five cycles each, the last one open
(20 % open plans, as in the issue), the others closed. Every plan carries the example's
answers and actions, and was last written on the day of its conversation. 90 % of the people
recorded their check-ins (each on its day, marking done what had its deadline; recorded once
two weeks past), the other 10 % none, so their moments stay overdue; ``--keeping-up 0`` has
nobody record any (every past check-in and deadline overdue: the most ``pop due`` can list).

The figures are medians of R runs, interleaved (one run of each command in turn, R times),
printed as one JSON line per figure: ``{"name": "due", "value": SECONDS, "unit": "s"}`` with
the names ``show``, ``due``, ``list``, ``list_person``, ``history``, ``export_person``,
``show_prefix``, ``list_all_json``; and ``python_pass`` for ``python -c pass`` in the same run.
Without ``--json`` a table with each figure as a ratio to ``pop show`` follows. ``--home DIR``
keeps the data folder (a million plans take minutes to fill) and reuses it when it is already
filled with as many plans.
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

sys.path.insert(0, str(Path(__file__).resolve().parent))

from report import TODAY, fill, pop_command  # noqa: E402 - beside this script


def run_once(command: list[str], env: dict) -> float:
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True,
                   env=env)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plans", type=int, default=100_000)
    parser.add_argument("--store", metavar="URL", help="an empty PostgreSQL database to use")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="only the JSON lines")
    parser.add_argument("--home", metavar="DIR", help="keep (and reuse) the store in DIR")
    parser.add_argument("--keeping-up", type=float, default=0.9, metavar="SHARE",
                        help="the share of people who recorded their check-ins (0 to 1)")
    args = parser.parse_args()
    people = max(args.plans // 5, 1)
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(args.home or tmp)
        home.mkdir(parents=True, exist_ok=True)
        filled = home / f"filled-{args.plans}-{args.keeping_up:g}"
        env = {**os.environ, "POP_HOME": str(home), "POP_TODAY": TODAY.isoformat(),
               "POP_LANG": "en"}
        if args.store:
            env["POP_STORE"] = args.store
        os.environ.update(env)
        if not filled.exists():
            print(f"store: {args.store or 'SQLite file'}; filling {people} people × 5 plans …",
                  file=sys.stderr)
            started = time.perf_counter()
            fill(home, args.store, people, 5, keeping_up=args.keeping_up)
            print(f"filled in {time.perf_counter() - started:.1f} s", file=sys.stderr)
            filled.touch()
        pop = pop_command()
        listed = json.loads(subprocess.run([*pop, "list", "--person", "Medewerker 7", "--json"],
                                           capture_output=True, text=True, check=True,
                                           env=env).stdout)
        plan_id = listed[0]["id"]
        commands = {
            "python_pass": [sys.executable, "-c", "pass"],
            "show": [*pop, "show", plan_id],
            "due": [*pop, "due"],
            "list": [*pop, "list"],
            "list_person": [*pop, "list", "--person", "Medewerker 7"],
            "history": [*pop, "history", "Medewerker 7"],
            "export_person": [*pop, "export-person", "Medewerker 7"],
            "show_prefix": [*pop, "show", plan_id[:6]],
            "list_all_json": [*pop, "list", "--all", "--json"],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, command in commands.items():
                times[name].append(run_once(command, env))
        medians = {name: statistics.median(values) for name, values in times.items()}
        for name, value in medians.items():
            print(json.dumps({"name": name, "value": round(value, 4), "unit": "s"}))
        if not args.json:
            show = medians["show"]
            listed = json.loads(subprocess.run([*pop, "due", "--json"], capture_output=True,
                                               text=True, check=True, env=env).stdout)["items"]
            print(f"\n{args.plans} plans ({people} open, {args.keeping_up:.0%} keeping up: "
                  f"{len(listed)} due, {sum(i['overdue'] for i in listed)} overdue), "
                  f"{args.store or 'SQLite'}:", file=sys.stderr)
            for name, value in medians.items():
                print(f"  {name:<14} {value:8.3f} s  {value / show:6.2f}× pop show",
                      file=sys.stderr)


if __name__ == "__main__":
    main()
