"""What is due, across plans: announced conversations to prepare, check-ins, evaluations and the
deadlines of agreed actions, soonest (and overdue) first.

Which moments count depends on where a plan stands: preparation moments (``announcement``,
``preparation``) and the conversation itself until the conversation is over; ``checkin`` and
``meeting`` moments until the follow-up is over, the *n*-th one done once *n* check-ins are
recorded; ``evaluation`` moments until the plan is closed; an action's deadline during the
follow-up, until a check-in marks it done. Dates come from :mod:`engine.schedule`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date, timedelta

from .errors import UsageError
from .i18n import N_, _
from .plan import Plan

_WITHIN = re.compile(r"^\s*(\d{1,4})\s*([dwm]?)\s*$", re.IGNORECASE)
#: Phases in which a plan's conversation has not been held yet.
EARLY_PHASES = ("preparation", "conversation")


#: What each kind of due item is called (for lists, mails and calendars).
KIND_LABELS = {"conversation": N_("conversation"), "announcement": N_("announcement"),
               "preparation": N_("preparation"), "checkin": N_("check-in"),
               "evaluation": N_("evaluation"), "meeting": N_("meeting"),
               "action": N_("action"), "first_pop": N_("first POP"),
               "yearly_update": N_("yearly update")}


def kind_label(kind: str, translate: Callable[[str], str] = _) -> str:
    return translate(KIND_LABELS[kind]) if kind in KIND_LABELS else kind


def parse_within(text: str, today: date) -> date:
    """The last day of a horizon like ``30d``, ``2w``, ``3m`` (or a bare number of days)."""
    match = _WITHIN.match(str(text))
    if not match:
        raise UsageError(_("{value!r} is not a period; write e.g. 30d, 2w or 3m").format(
            value=text))
    n, unit = int(match.group(1)), (match.group(2) or "d").lower()
    if unit == "d":
        return today + timedelta(days=n)
    if unit == "w":
        return today + timedelta(weeks=n)
    month = today.month - 1 + n
    year, month = today.year + month // 12, month % 12 + 1
    for day in (today.day, 30, 29, 28):  # 31 January + 1m → 28/29 February
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def plan_items(plan: Plan, plan_actions: list[dict] | None = None) -> list[dict]:
    """Every open moment of one plan with a date: ``{id, kind, title, date}``
    (``plan_actions``: :func:`engine.followup.actions` of the plan, if already made)."""
    from .followup import actions
    from .schedule import due_dates

    phase = plan.phase
    if plan.closed:
        return []
    items = []
    if phase in EARLY_PHASES and plan.date:
        items.append({"id": "conversation", "kind": "conversation", "date": plan.date,
                      "title": _("POP conversation")})
    visits = 0
    for item in due_dates(plan):
        kind = item["kind"]
        if kind in ("checkin", "meeting"):
            visits += 1
            if phase not in (*EARLY_PHASES, "follow_up") or len(plan.checkins) >= visits:
                continue
        elif kind in ("announcement", "preparation") and phase != "preparation":
            continue
        if item["date"]:
            items.append({"id": item["id"], "kind": kind, "date": item["date"],
                          "title": item["title"]})
    if phase == "follow_up":
        for action in actions(plan) if plan_actions is None else plan_actions:
            if action["deadline"] and action["status"] != "done":
                items.append({"id": f"action-{action['n']}", "kind": "action",
                              "date": action["deadline"], "title": action["label"],
                              "status": action["status"]})
    return items


def due(plans: Iterable[Plan], today: date, until: date) -> list[dict]:
    """The moments of ``plans`` dated on or before ``until`` (overdue ones included)."""
    found = []
    for plan in plans:
        for item in plan_items(plan):
            when = date.fromisoformat(item["date"])
            if when > until:
                continue
            found.append({**item, "days": (when - today).days, "overdue": when < today,
                          "plan": plan.id, "person": plan.person,
                          "person_id": plan.person_id, "pack": plan.pack_id,
                          "state": plan.state})
    return sorted(found, key=lambda i: (i["date"], i["person"].lower(), i["plan"]))
