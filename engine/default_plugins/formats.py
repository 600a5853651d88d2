"""The built-in output formats: md, html, json and ics, registered like anyone's.

``md`` and ``html`` render the pack's templates (``x.md.j2``, ``x.html.j2``) or, when the pack
has none of that kind, a built-in layout. ``json`` is the whole plan, valid against
``schemas/plan.schema.json``. ``ics`` puts the plan's schedule and the actions' deadlines in a
calendar (RFC 5545).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from engine import __version__, hookimpl

PLAN_FORMAT = "pop-plan"
PLAN_FORMAT_VERSION = 1
SCHEMA_ID = "https://pop-engine.invalid/schemas/plan.schema.json"


def render_markdown(context: Any) -> str:
    return _with_newline(context.render("md"))


def render_html(context: Any) -> str:
    return _with_newline(context.render("html"))


def _with_newline(text: str) -> str:
    return text if text.endswith("\n") else text + "\n"


def plan_document(plan: Any) -> dict:
    """The whole plan as an integrator imports it (``schemas/plan.schema.json``)."""
    from engine.agreement import content_digest
    from engine.followup import actions
    from engine.schedule import due_dates

    pack = plan.pack
    digest = content_digest(plan)
    questions = {}
    for qid, ref in pack.questions.items():
        entry = {"text": pack.text(ref.question.get("text")), "type": ref.type,
                 "phase": ref.phase, "step": ref.step["id"],
                 "answered_by": pack.answered_by(qid)}
        if ref.type == "records":
            entry["fields"] = {f["id"]: {"text": pack.text(f.get("text", f["id"])),
                                         "type": f.get("type", "text")}
                               for f in ref.question.get("fields", [])}
        questions[qid] = entry
    return {
        "$schema": SCHEMA_ID,
        "format": PLAN_FORMAT,
        "format_version": PLAN_FORMAT_VERSION,
        "generator": f"pop {__version__}",
        "id": plan.id,
        "pack": {"id": pack.id, "version": pack.version, "name": pack.name,
                 "language": pack.language, "digest": pack.digest},
        "roles": {rid: {"name": pack.role_name(rid), "subject": bool(role.get("subject")),
                        "signs": bool(role.get("signs"))} for rid, role in pack.roles.items()},
        "people": dict(plan.people),
        "person": plan.person,
        "state": plan.state,
        "phase": plan.phase,
        "date": plan.date,
        "created": plan.created,
        "updated": plan.updated,
        "previous": plan.previous_id,
        "questions": questions,
        "answers": plan.answers,
        "overrides": plan.overrides,
        "content_digest": digest,
        "signatures": [{**s, "stale": s.get("digest") != digest} for s in plan.signatures],
        "checkins": plan.checkins,
        "schedule": [{k: item[k] for k in ("id", "title", "kind", "date", "roles")}
                     for item in due_dates(plan)],
        "actions": [{"question": a["question"], "row": a["row"], "action": a["label"],
                     "timing": a["timing"], "date": a["deadline"], "status": a["status"]}
                    for a in actions(plan)],
    }


def render_json(context: Any) -> str:
    plan = context.needs_plan()
    return json.dumps(plan_document(plan), ensure_ascii=False, indent=2, default=str) + "\n"


def render_ics(context: Any) -> bytes:
    """One all-day event per dated schedule item and per action deadline."""
    from icalendar import Calendar, Event

    from engine.dates import parse_date
    from engine.followup import actions
    from engine.schedule import due_dates

    plan = context.needs_plan()
    pack = plan.pack
    stamp = _timestamp(plan.updated)
    cal = Calendar()
    cal.add("prodid", f"-//pop {__version__}//{pack.id}//NL")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"POP {plan.person}".strip())

    def event(uid: str, day: str, summary: str, description: str, category: str) -> None:
        when = parse_date(day)
        if when is None:
            return
        item = Event()
        item.add("uid", f"{plan.id}-{uid}@pop")
        item.add("dtstamp", stamp)
        item.add("dtstart", when)
        item.add("dtend", when + timedelta(days=1))
        item.add("summary", summary)
        if description:
            item.add("description", description)
        item.add("categories", [category])
        item.add("transp", "TRANSPARENT")
        cal.add_component(item)

    person = f" — {plan.person}" if plan.person else ""
    with_whom = ", ".join(plan.people[r] for r in pack.roles if plan.people.get(r))
    for item in due_dates(plan):
        if item["date"]:
            event(item["id"], item["date"], item["title"] + person,
                  f"{pack.name} · plan {plan.id}" + (f" · {with_whom}" if with_whom else ""),
                  item["kind"] or "pop")
    for action in actions(plan):
        if action["deadline"]:
            event(f"{action['question']}-{action['row']}", action["deadline"],
                  f"Deadline: {_shorten(action['label'])}{person}",
                  f"{action['label']}\n{action['timing']}\n{pack.name} · plan {plan.id}",
                  "deadline")
    return cal.to_ical()


def _timestamp(text: str | None) -> datetime:
    try:
        value = datetime.fromisoformat(text or "")
    except ValueError:
        return datetime.now(UTC).replace(microsecond=0)
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)


def _shorten(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


@hookimpl
def pop_register_formats(register: Any) -> None:
    register("md", render_markdown, media_type="text/markdown", suffix=".md")
    register("html", render_html, media_type="text/html", suffix=".html")
    register("json", render_json, media_type="application/json", suffix=".json")
    register("ics", render_ics, media_type="text/calendar", suffix=".ics")
