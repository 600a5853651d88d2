"""Time to record one answer (commit included), and to list plans with 100 000 in the store.

Run: python benchmarks/answers.py [--answers N] [--plans N] [--store URL]. Uses a temporary
data folder, or with ``--store`` an empty PostgreSQL database (or schema), which it fills.
Targets: ≤ 5 ms an answer, ≤ 0.5 s for `pop list`.
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

ROOT = Path(__file__).resolve().parent.parent


def record_answers(home: Path, url: str | None, count: int) -> list[float]:
    from engine.packs import PackLibrary
    from engine.plugins import get_plugins
    from engine.session import Session
    from engine.store import open_store

    plugins = get_plugins()
    pack = PackLibrary(plugins).load("vdab")
    store = open_store(home, url, setup="init")
    session = Session.start(pack, store, plugins, {"employee": "Bench"}, "2026-03-02")
    times = []
    for i in range(count):
        started = time.perf_counter()
        session.answer("achtergrond", f"Antwoord {i}")
        times.append(time.perf_counter() - started)
    store.close()
    return times


def fill_store(home: Path, url: str | None, plans: int) -> None:
    """Insert plans in bulk through SQL (the same tables the store writes)."""
    from engine.packs import PackLibrary
    from engine.people import name_key, new_person_id
    from engine.plan import Plan, new_plan_id
    from engine.plugins import get_plugins
    from engine.store import open_store

    pack = PackLibrary(get_plugins()).load("vdab")
    store = open_store(home, url)
    template = Plan("x", pack, "follow_up.uitvoering", {"employee": "X"}, "2026-03-02")
    store.create_plan(template, "bench")
    rows, people = [], []
    at = "2026-03-02T10:00:00+00:00"
    for i in range(plans - 1):
        person_id = new_person_id()
        people.append((person_id, f"Medewerker {i}", name_key(f"Medewerker {i}"), at, at))
        rows.append((new_plan_id(), pack.id, pack.version, pack.digest, "follow_up.uitvoering",
                     person_id, "2026-03-02", at, f"2026-03-02T10:{i % 60:02d}:00+00:00", None,
                     None))
    store.db.execute("BEGIN")
    store.db.executemany("INSERT INTO people (id, name, name_key, created, updated) "
                         "VALUES (?,?,?,?,?)", people)
    store.db.executemany("INSERT INTO plans (id, pack_id, pack_version, digest, state, "
                         "person_id, date, created, updated, previous_id, cursor) "
                         "VALUES (?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING", rows)
    store.db.execute("COMMIT")
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--answers", type=int, default=200)
    parser.add_argument("--plans", type=int, default=100_000)
    parser.add_argument("--store", metavar="URL", help="an empty PostgreSQL database to use")
    args = parser.parse_args()
    print(f"store: {args.store or 'SQLite file'}")
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        os.environ["POP_HOME"] = str(home)
        if args.store:
            os.environ["POP_STORE"] = args.store
        times = record_answers(home, args.store, args.answers)
        median = statistics.median(times) * 1000
        p95 = sorted(times)[int(len(times) * 0.95)] * 1000
        print(f"record one answer (commit included): median {median:.2f} ms, p95 {p95:.2f} ms"
              f"   (target ≤ 5 ms)")
        fill_store(home, args.store, args.plans)
        pop = Path(sys.executable).with_name("pop")
        command = [str(pop)] if pop.exists() else [sys.executable, "-m", "engine"]
        for label, extra in (("pop list", []), ("pop list --all --json", ["--all", "--json"])):
            runs = []
            for _ in range(5):
                started = time.perf_counter()
                subprocess.run([*command, "list", *extra], stdout=subprocess.DEVNULL, check=True,
                               env={**os.environ, "POP_HOME": str(home)})
                runs.append(time.perf_counter() - started)
            print(f"{label:<22} with {args.plans} plans: {statistics.median(runs):.3f} s"
                  f"   (target ≤ 0.5 s)")


if __name__ == "__main__":
    main()
