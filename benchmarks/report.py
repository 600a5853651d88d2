"""`pop report` over a whole organisation: 10 000 people with 50 000 plans (five cycles each).

Run: python benchmarks/report.py [--people N] [--cycles N] [--store URL]. Uses a temporary data
folder (or an empty PostgreSQL database with --store). Every plan carries the vdab example's
answers, so the report reads real actions. Target: ≤ 2 s on SQLite, printed beside a bare
`python -c pass` measured in the same run.
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
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
#: The day the benchmarks run on (``POP_TODAY``).
TODAY = date(2026, 12, 1)


#: Check-ins recorded this long after their moment (what is nearer is still to be recorded).
CHECKIN_LAG = timedelta(days=14)


def fill(home: Path, url: str | None, people: int, cycles: int, *,
         batch: int = 1_000, keeping_up: float = 0.9) -> None:
    """People, each with ``cycles`` plans of the vdab example, inserted through SQL; the
    employee signed their current plan. A year between cycles; the current (open) plans'
    conversations spread over the 120 days before :data:`TODAY`, with the example's dates
    (follow-up, evaluation, deadlines) moved along, as in an organisation where each plan is
    at its own point of the year. ``keeping_up`` of the people (every n-th person of the rest
    does not) had each check-in of their plans recorded on its day, once it is
    :data:`CHECKIN_LAG` past, marking done the actions whose deadline it passed, as
    :func:`engine.followup.prepare_checkin` builds it; the others recorded none (0: nobody
    did, the worst case for ``pop due``). The event log is not copied (the commands timed
    read it by plan, through its index). ``batch`` people a transaction, so memory stays
    flat at a million plans; progress on stderr."""
    from engine.agreement import content_digest
    from engine.people import name_key, new_person_id
    from engine.plan import new_plan_id
    from engine.store import open_store

    open_store(home, url, setup="init").close()
    made = subprocess.run([*pop_command(), "run", "--answers",
                           str(ROOT / "examples" / "vdab-answers.yaml"), "--json"],
                          capture_output=True, text=True, check=True)
    store = open_store(home, url)
    example = store.load_plan(json.loads(made.stdout)["plan"]["id"])
    pack, answers, start = example.pack, dict(example.answers), example.date
    at = "2026-03-02T10:00:00+00:00"
    moved_by: dict[int, dict] = {}  # the answers, by day shift: at most 120 × cycles of them

    def shifted(shift: int, person: str) -> tuple[dict, str, str]:
        held = (TODAY + timedelta(days=shift)).isoformat()
        if shift not in moved_by:
            moved_by[shift] = _moved(answers, date.fromisoformat(held)
                                     - date.fromisoformat(start))
        moved = moved_by[shift]
        example.people, example.person_ids = {"employee": "?"}, {"employee": person}
        example.date, example.answers = held, moved
        return moved, held, content_digest(example)  # kept with the version, as a write does

    checkins_by: dict[int, list[tuple[str, str]]] = {}  # (date, data) by day shift

    def checkins(shift: int) -> list[tuple[str, str]]:
        """The check-ins of a plan held ``shift`` days from TODAY, moved as its answers."""
        if shift not in checkins_by:
            checkins_by[shift] = _checkins(example, TODAY - CHECKIN_LAG)
        return checkins_by[shift]

    used: set[str] = set()  # ids are 40 random bits: a million draws can meet

    def fresh_plan_id() -> str:
        while (plan_id := new_plan_id()) in used:
            pass
        used.add(plan_id)
        return plan_id

    for first in range(0, people, batch):
        person_rows, plan_rows, role_rows, answer_rows, signature_rows, checkin_rows = \
            [], [], [], [], [], []
        for i in range(first, min(first + batch, people)):
            person = new_person_id()
            person_rows.append((person, f"Medewerker {i}", name_key(f"Medewerker {i}"),
                                f"Team {i % 12}", "2019-09-01", at, at))
            records = keeping_up > 0 and (i % 100) < keeping_up * 100
            for cycle in range(cycles):
                plan_id = fresh_plan_id()
                last = cycle == cycles - 1
                shift = -(i % 120) - 365 * (cycles - 1 - cycle)
                moved, held, agreed = shifted(shift, person)
                if records:
                    checkin_rows += [(plan_id, day, f"{day}T15:00:00+00:00", "bench", data)
                                     for day, data in checkins(shift)]
                # written on the day of its conversation, each at its own second of it
                written = f"{held}T{i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d}+00:00"
                plan_rows.append((plan_id, pack.id, pack.version, pack.digest,
                                  "follow_up.uitvoering" if last else "closed", person, held,
                                  written, written, agreed))
                if last:
                    signature_rows.append((plan_id, "employee", f"Medewerker {i}", at, agreed,
                                           "bench"))
                role_rows.append((plan_id, "employee", person))
                answer_rows += [(plan_id, q, json.dumps(v, ensure_ascii=False, sort_keys=True))
                                for q, v in moved.items()]
        with store.transaction():
            store.db.executemany("INSERT INTO people (id, name, name_key, team, hired, created, "
                                 "updated) VALUES (?,?,?,?,?,?,?)", person_rows)
            store.db.executemany("INSERT INTO plans (id, pack_id, pack_version, digest, state, "
                                 "person_id, date, created, updated, content_digest) "
                                 "VALUES (?,?,?,?,?,?,?,?,?,?)", plan_rows)
            store.db.executemany("INSERT INTO plan_roles VALUES (?,?,?)", role_rows)
            store.db.executemany("INSERT INTO answers VALUES (?,?,?)", answer_rows)
            store.db.executemany("INSERT INTO signatures (plan_id, role, name, at, digest, "
                                 "actor) VALUES (?,?,?,?,?,?)", signature_rows)
            store.db.executemany("INSERT INTO checkins (plan_id, date, at, actor, data) "
                                 "VALUES (?,?,?,?,?)", checkin_rows)
            # what each open plan has due, and who acted on each, through the store's own
            # upkeep (as a write keeps it)
            store.index_due([row[0] for row in plan_rows if row[4] != "closed"])
            store.index_actors([row[0] for row in plan_rows])
        done = min(first + batch, people)
        print(f"\r  {done * cycles:>9} / {people * cycles} plans", end="", file=sys.stderr,
              flush=True)
    print(file=sys.stderr)
    store.close()


def _checkins(plan: Any, by: date) -> list[tuple[str, str]]:
    """``(date, data)`` of each check-in of ``plan`` (as it stands: its answers and date) on
    or before ``by``, marking done what had its deadline by then (else a note on action 1)."""
    from engine.followup import actions, prepare_checkin
    from engine.schedule import due_dates

    plan.checkins, plan.state = [], "follow_up.uitvoering"
    out = []
    for moment in due_dates(plan):
        day = moment["date"]
        if moment["kind"] not in ("checkin", "meeting") or not day or day > by.isoformat():
            continue
        entries = [{"action": a["n"], "status": "done"} for a in actions(plan)
                   if a["deadline"] and a["deadline"] <= day and a["status"] != "done"]
        record, _ = prepare_checkin(plan, entries or [{"action": 1, "note": "Overlopen"}], {},
                                    day, None)
        body = {k: v for k, v in record.items() if k != "date"}
        plan.checkins.append({**body, "date": day})
        out.append((day, json.dumps(body, ensure_ascii=False, sort_keys=True)))
    return out


def _moved(value: Any, by: timedelta) -> Any:
    """Every date in the answers (ISO or dd-mm-yyyy), ``by`` later."""
    if isinstance(value, dict):
        return {k: _moved(v, by) for k, v in value.items()}
    if isinstance(value, list):
        return [_moved(v, by) for v in value]
    if isinstance(value, str):
        for layout in ("%Y-%m-%d", "%d-%m-%Y"):
            try:
                return (datetime.strptime(value, layout) + by).strftime(layout)
            except ValueError:
                continue
    return value


def pop_command() -> list[str]:
    pop = Path(sys.executable).with_name("pop")
    return [str(pop)] if pop.exists() else [sys.executable, "-m", "engine"]


def timed(command: list[str], env: dict) -> float:
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, check=True, env=env)
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--cycles", type=int, default=5)
    parser.add_argument("--store", metavar="URL", help="an empty PostgreSQL database to use")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        env = {**os.environ, "POP_HOME": str(home), "POP_TODAY": TODAY.isoformat()}
        if args.store:
            env["POP_STORE"] = args.store
        print(f"store: {args.store or 'SQLite file'}; filling {args.people} people × "
              f"{args.cycles} plans …", file=sys.stderr)
        os.environ.update(env)
        fill(home, args.store, args.people, args.cycles)
        command = pop_command()
        bare = timed([sys.executable, "-c", "pass"], env)
        for label, extra in (("pop report (table)", []), ("pop report --json", ["--json"]),
                             ("pop report --format html", ["--format", "html"])):
            seconds = timed([*command, "report", *extra], env)
            print(f"{label:<26} {args.people} people, {args.people * args.cycles} plans: "
                  f"{seconds:.2f} s = {seconds / bare:.0f}× python -c pass   (target ≤ 2 s)")


if __name__ == "__main__":
    main()
