"""When things are due in a plan's cycle: the pack's schedule turned into dates.

A schedule item is dated by ``offset_days`` from the conversation date (negative: before), or by
the answer to the date question it names. Items that cannot be dated yet keep ``date: None``.
The duty kinds (:data:`DUTY_KINDS`) are not moments of one plan but of the organisation (a
first POP after hiring, the yearly update): :mod:`engine.report` dates them.
"""

from __future__ import annotations

from datetime import date as Date
from typing import Any

from .dates import add_days, parse_date
from .pack import Pack

#: Due rules about people rather than one plan's cycle, turned on by a pack's schedule.
DUTY_KINDS = ("first_pop", "yearly_update")


def due_dates(plan: Any) -> list[dict]:
    """``[{id, title, kind, date, roles, offset_days, question}]`` in the pack's order.

    ``plan`` is an :class:`engine.plan.Plan`; ``date`` is ISO (``2026-04-20``) or ``None``.
    """
    return schedule_of(plan.pack, plan.date, plan.answers)


def schedule_of(pack: Pack, conversation_date: str | None = None,
                answers: dict | None = None) -> list[dict]:
    """The pack's schedule, dated from a conversation date and answers when they are known."""
    answers = answers or {}
    start = parse_date(conversation_date) if conversation_date else None
    out = []
    for item in _moments(pack):
        when: Date | None = None
        if item["offset_days"] is not None and start is not None:
            when = add_days(start, int(item["offset_days"]))
        elif item["question"]:
            value = answers.get(item["question"])
            when = parse_date(value) if isinstance(value, str) else None
        out.append({**item, "date": when.isoformat() if when else None,
                    "roles": list(item["roles"])})
    return out


def _moments(pack: Pack) -> list[dict]:
    """The schedule's items of one plan's cycle, titled (a report dates them for every plan)."""
    return pack.derived("schedule.moments", lambda pack: [
        {"id": item["id"], "title": pack.text(item.get("title", item["id"])),
         "kind": item.get("kind"), "roles": tuple(item.get("roles", [])),
         "offset_days": item.get("offset_days"), "question": item.get("question")}
        for item in pack.schedule if item.get("kind") not in DUTY_KINDS])


def duty(pack: Pack, kind: str) -> dict | None:
    """The pack's due rule of a duty kind (``first_pop``, ``yearly_update``), if it has one."""
    rules = pack.derived("schedule.duties", lambda pack: {
        item["kind"]: item for item in reversed(pack.schedule) if item.get("kind") in DUTY_KINDS})
    return rules.get(kind)
