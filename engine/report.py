"""The organisation's view: one row per person, and the duties that fall due across the store.

A person's *current* plan is their latest (by conversation date, then last change) among the
plans that count: all, or only those of ``pack`` and with a conversation on or after ``since``.
Someone without such a plan is a row of their own ("no plan"), so HR sees who still waits.

Two duties come from the packs' schedules (:data:`engine.schedule.DUTY_KINDS`): ``first_pop``,
a person hired ``offset_days`` ago without any plan (the packs that count are those the store's
plans use, and ``--pack``), and ``yearly_update``, a person whose last conversation was
``offset_days`` ago and whose latest plan has no next cycle yet.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from .agreement import agreed_as_marked
from .due import EARLY_PHASES, dated, first_pop, plan_items, yearly_update
from .followup import STATUSES, actions
from .pack import Pack
from .plan import Plan
from .store import Store


def duty_items(person: dict, plan: Plan | None, packs: list[Pack], today: date) -> list[dict]:
    """The first-POP or yearly-update item the person is due, if a pack turns the rule on."""
    item = (first_pop(packs, person.get("hired")) if plan is None
            else yearly_update(plan.pack, plan.state, plan.date))
    return dated([item], today) if item else []


def person_rows(store: Store, today: date, *, team: str | None = None,
                leader_id: str | None = None, pack: str | None = None, since: str | None = None,
                extra_packs: list[Pack] | None = None) -> list[dict]:
    """One row per person of the register (``team``/``leader_id``: only those)."""
    people, plans, held, considered = _gather(store, team, leader_id, pack, since,
                                              extra_packs)
    rows = []
    for person in people:
        plan = plans.get(person["id"])
        done = actions(plan) if plan else []
        items = [*(dated(plan_items(plan, done), today) if plan else []),
                 *duty_items(person, plan, considered, today)]
        items.sort(key=lambda i: i["date"])
        overdue = [i for i in items if i["overdue"]]
        counts = Counter(a["status"] for a in done)
        row: dict[str, Any] = {
            "person_id": person["id"], "person": person["name"], "number": person["number"],
            "team": person["team"], "leader": person["leader"], "hired": person["hired"],
            "plan": plan.id if plan else None, "pack": plan.pack_id if plan else None,
            "state": plan.state if plan else None,
            "state_title": plan.pack.state_title(plan.state) if plan else None,
            "last_conversation": held.get(person["id"]),
            "next_due": items[0] if items else None,
            "days_overdue": max((-i["days"] for i in overdue), default=0),
            "actions": {s: counts.get(s, 0) for s in STATUSES},
            "signed": agreed_as_marked(plan) if plan else False,
        }
        rows.append(row)
    return rows


def _gather(store: Store, team: str | None, leader_id: str | None, pack: str | None,
            since: str | None, extra_packs: list[Pack] | None
            ) -> tuple[list[dict], dict[str, Plan], dict[str, str], list[Pack]]:
    """The people asked for, their current plans (loaded), their last conversations, and the
    packs whose duties count (``extra_packs`` and those of the plans)."""
    people = store.list_people(team=team, leader_id=leader_id)
    current = store.current_plans(pack=pack, since=since, not_held=EARLY_PHASES)
    plans = {plan.person_id: plan for plan in store.load_plans(
        [current[p["id"]][0] for p in people if p["id"] in current], kept_digest=True)}
    packs = {plan.pack.digest: plan.pack for plan in plans.values()}
    held = {person: last for person, (_plan, last) in current.items() if last}
    return people, plans, held, [*(extra_packs or []), *packs.values()]


def summary(rows: list[dict]) -> dict:
    """What a director reads first: counts by state, overdue by team, actions by status."""
    by_state = Counter(r["state_title"] or "" for r in rows if r["plan"])
    overdue_by_team = Counter(r["team"] or "" for r in rows if r["days_overdue"] > 0)
    actions = Counter()
    for r in rows:
        actions.update(r["actions"])
    return {"people": len(rows), "without_plan": sum(1 for r in rows if not r["plan"]),
            "signed": sum(1 for r in rows if r["signed"]),
            "overdue": sum(1 for r in rows if r["days_overdue"] > 0),
            "plans_by_state": dict(by_state.most_common()),
            "overdue_by_team": dict(overdue_by_team.most_common()),
            "actions_by_status": {s: actions.get(s, 0) for s in STATUSES}}
