"""The store's queries use indexes: none reads every plan to answer about one plan or person.

Each read a command makes about one plan, one person, or what is due is recorded with its
parameters and explained by the database (SQLite ``EXPLAIN QUERY PLAN``; PostgreSQL
``EXPLAIN`` with sequential scans priced out, so a ``Seq Scan`` means no index could serve).
A full scan of ``plans`` or of any table of rows about plans (events, check-ins, …) fails
the test. Reading every plan is right only where the command
is about every plan (``list --all``, a copy, a report), and those are not recorded here.
"""

from __future__ import annotations

import re

from helpers import VDAB, ok, ok_json

from engine import sqlstore
from engine.store import open_store


class Recording:
    """The store's connection, keeping every statement it runs with its parameters."""

    def __init__(self, db):
        self.db, self.seen = db, []

    def execute(self, sql, params=None):
        self.seen.append((sql, params))
        return self.db.execute(sql) if params is None else self.db.execute(sql, params)

    def stream(self, sql, params):  # PostgreSQL's reads of many rows, by a server cursor
        self.seen.append((sql, params))
        return self.db.stream(sql, params)

    def __getattr__(self, name):
        return getattr(self.db, name)


#: The tables that grow with an organisation's plans: none may be read whole for one plan.
PLAN_TABLES = {table for table, _column in sqlstore.PLAN_TABLES}


def full_scans(store, sql: str, params) -> list[str]:
    """The steps of the query's plan that read a whole table of :data:`PLAN_TABLES`."""
    if store.KIND == "sqlite":
        aliases = {alias for table, alias in re.findall(r"\b(\w+) (?:AS )?(\w)\b", sql)
                   if table in PLAN_TABLES}
        plan = [row[3] for row in store.db.execute("EXPLAIN QUERY PLAN " + sql, params or ())]
        return [step for step in plan if step.startswith("SCAN") and
                step.split()[1] in PLAN_TABLES | aliases]
    store.db.execute("SET enable_seqscan = off")
    plan = [row[0] for row in store.db.execute("EXPLAIN " + sql, params)]
    return [step for step in plan if any(f"Seq Scan on {table} " in f"{step} "
                                         for table in PLAN_TABLES)]


def test_reads_about_one_plan_or_person_use_indexes(pop_env):
    plan_id = ok_json("run", "--answers", str(VDAB))["plan"]["id"]
    for _ in range(3):
        ok("run", "--answers", str(VDAB))
    store = open_store()
    person = store.find_people("Dries Verbeeck")[0]["id"]
    recording = store.db = Recording(store.db)
    store.resolve_id(plan_id[:4])                       # pop show PREFIX
    store.load_plan(plan_id)                            # pop show ID
    store.list_plans(person=person)                     # pop list --person, pop history
    store.list_plans(state="follow_up", limit=20)       # pop list --state
    store.count_plans(state="follow_up")
    store.person_plans(person)                          # pop export-person
    from engine.due import BRIEF, FULL

    for columns in (FULL, BRIEF, (*BRIEF, "name_key")):
        store.due_items("2027-12-31", columns, person=person)  # pop due --person
        store.due_items("2026-12-31", columns)                  # pop due
    store.people_without_plans("2026-12-31")
    store.plan_packs()
    store.successor(plan_id)
    store.find_people("Dries Verbeeck")
    reads = [(sql, params) for sql, params in recording.seen
             if sql.lstrip().upper().startswith("SELECT")]
    store.db = recording.db
    assert len(reads) >= 10
    scans = {sql: found for sql, params in reads
             if (found := full_scans(store, sql, params))}
    store.close()
    assert not scans
