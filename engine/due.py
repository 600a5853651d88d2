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
from collections.abc import Callable, Iterable, Iterator
from datetime import date, timedelta
from operator import itemgetter
from typing import TYPE_CHECKING

from .errors import UsageError
from .i18n import N_, _
from .plan import Plan, phase_of

if TYPE_CHECKING:  # pragma: no cover
    from .pack import Pack
    from .store import Store

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


def yearly_update(pack: Pack, state: str, held: str | None) -> dict | None:
    """The yearly update a person's current plan brings, if its pack turns the rule on:
    ``offset_days`` after the conversation it held (none while that is still to come)."""
    from .schedule import duty

    rule, start = duty(pack, "yearly_update"), _iso(held)
    if not rule or start is None or phase_of(state) in EARLY_PHASES:
        return None
    return _moment(pack, rule, start)


def first_pop(packs: Iterable[Pack], hired: str | None) -> dict | None:
    """The first POP a person hired on ``hired`` is due, by the first of ``packs`` that turns
    the rule on."""
    found, start = first_pop_rule(packs), _iso(hired)
    return _moment(*found, start) if found and start else None


def first_pop_rule(packs: Iterable[Pack]) -> tuple[Pack, dict] | None:
    from .schedule import duty

    return next(((pack, rule) for pack in packs if (rule := duty(pack, "first_pop"))), None)


#: A due row's columns as :func:`due` reads them (the store's names) …
FULL = ("item", "kind", "title", "date", "status", "plan_id", "person", "person_id", "pack_id",
        "state")
#: … and as :func:`due_brief` reads them.
BRIEF = ("date", "kind", "title", "person", "plan_id")


def due(store: Store, today: date, until: date, *, person: str | None = None,
        extra_packs: Iterable[Pack] = ()) -> Iterator[dict]:
    """Everything dated on or before ``until`` (overdue included), soonest first, then by
    person (name key) and plan: the plans' moments as the store keeps them (in that order),
    and a first POP for people hired without a plan (the packs that count: ``extra_packs``,
    then those the store's plans use). One by one as read: an organisation's are hundreds
    of thousands."""
    conversation = _("POP conversation")
    days_to: dict[str, int] = {}  # they fall on a few hundred days
    hired = _first_pops(store, until, person, extra_packs)
    for row in _merged(store, until, person, hired, FULL):
        if isinstance(row, dict):  # a first POP
            item_id, kind, title, day, status = row["id"], row["kind"], row["title"], \
                row["date"], None
            plan, name, person_id, pack, state = None, row["person"], row["person_id"], None, None
        else:
            item_id, kind, title, day, status, plan, name, person_id, pack, state = row
        days = days_to.get(day)
        if days is None:
            days = days_to[day] = days_away(day, today)
        item = {"id": item_id, "kind": kind, "title": title or conversation, "date": day,
                "plan": plan, "person": name, "person_id": person_id, "pack": pack,
                "state": state, "days": days, "overdue": days < 0}
        if status is not None:
            item["status"] = status
        yield item


def due_brief(store: Store, until: date, *, person: str | None = None,
              extra_packs: Iterable[Pack] = ()) -> Iterator[tuple]:
    """What :func:`due` lists, in its order, as ``(date, kind, title, person, plan)`` read
    one by one (``title`` None: the conversation, :func:`title_of`): a list of hundreds of
    thousands of lines, without a dict per line or all of them at once."""
    hired = _first_pops(store, until, person, extra_packs)
    if not hired:  # the store's rows as they are: no layer between them and the reader
        return iter(store.due_items(until.isoformat(), BRIEF, person=person))
    return ((row["date"], row["kind"], row["title"], row["person"], None)
            if isinstance(row, dict) else row
            for row in _merged(store, until, person, hired, BRIEF))


def title_of(title: str | None) -> str:
    """A due item's title as shown (the conversation's is pop's own word)."""
    return title or _("POP conversation")


def days_away(day: str, today: date) -> int:
    return (date.fromisoformat(day) - today).days


def _merged(store: Store, until: date, person: str | None, hired: list[tuple[tuple, dict]],
            columns: tuple[str, ...]) -> Iterator[tuple | dict]:
    """The store's due rows (``columns`` of them) with the first POPs (dicts) in their
    places."""
    if not hired:
        yield from store.due_items(until.isoformat(), columns, person=person)
        return
    from heapq import merge

    date_at, plan_at = columns.index("date"), columns.index("plan_id")
    rows = store.due_items(until.isoformat(), (*columns, "name_key"), person=person)
    keyed = (((r[date_at], r[-1], r[plan_at]), r[:-1]) for r in rows)
    for _place, row in merge(keyed, hired, key=itemgetter(0)):
        yield row


def _first_pops(store: Store, until: date, person: str | None, extra_packs: Iterable[Pack]
                ) -> list[tuple[tuple, dict]]:
    """The first POPs due by ``until`` of people hired without a plan, each with its place in
    due's order."""
    found = first_pop_rule([*extra_packs, *store.plan_packs()])
    if not found:
        return []
    from .people import name_key

    pack, rule = found
    hired_by = until - timedelta(days=rule["offset_days"])
    items = [{**_moment(pack, rule, start), "plan": None, "person": who["name"],
              "person_id": who["id"], "pack": None, "state": None}
             for who in store.people_without_plans(hired_by.isoformat(), person=person)
             if (start := _iso(who["hired"]))]
    return sorted((((i["date"], name_key(i["person"]), ""), i) for i in items),
                  key=itemgetter(0))


def dated(items: list[dict], today: date) -> list[dict]:
    """The items, each told how many days away it is and whether it is overdue (in place:
    callers hand over dicts of their own; an organisation's are tens of thousands)."""
    days_to: dict[str, int] = {}  # they fall on a few hundred days
    for item in items:
        days = days_to.get(item["date"])
        if days is None:
            days = days_to[item["date"]] = days_away(item["date"], today)
        item["days"], item["overdue"] = days, days < 0
    return items


def _moment(pack: Pack, rule: dict, start: date) -> dict:
    return {"id": rule["id"], "kind": rule["kind"], "title": pack.text(rule["title"]),
            "date": (start + timedelta(days=rule["offset_days"])).isoformat()}


def _iso(value: object) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        return None
