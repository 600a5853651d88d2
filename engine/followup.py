"""Follow-up: the agreed actions, check-ins on them, and what carries into the next cycle.

An *action* is a row of a ``records`` question that the pack checks with the ``smart`` rule
(its ``args.question``). Actions are numbered 1, 2, … over all such questions, in pack order.
A check-in gives some actions a status (not started, in progress, done, adjusted) with a note,
may change an action (only with a reason), and may answer the follow-up step's questions.
"""

from __future__ import annotations

from typing import Any

from .answers import InvalidAnswer, coerce
from .dates import deadline
from .errors import UsageError
from .i18n import _, ngettext
from .pack import Pack
from .plan import Plan
from .rules import evaluate, is_empty

STATUSES = ("not_started", "in_progress", "done", "adjusted")
_DUTCH = {"niet gestart": "not_started", "niet_gestart": "not_started", "bezig": "in_progress",
          "gedaan": "done", "klaar": "done", "bijgestuurd": "adjusted"}


def status_label(code: str | None) -> str:
    return {"not_started": _("not started"), "in_progress": _("in progress"),
            "done": _("done"), "adjusted": _("adjusted")}.get(code or "not_started", code or "")


def parse_status(raw: Any) -> str:
    """A status code from a code, a number 1–4, or its English or Dutch name."""
    word = str(raw).strip().lower()
    if word.isdigit() and 1 <= int(word) <= len(STATUSES):
        return STATUSES[int(word) - 1]
    word = _DUTCH.get(word, word).replace(" ", "_").replace("-", "_")
    for code in STATUSES:
        if word in (code, status_label(code).lower().replace(" ", "_")):
            return code
    raise UsageError(_("unknown status {status!r}; use one of: {choices}").format(
        status=str(raw), choices=", ".join(f"{i}. {status_label(c)}" for i, c in
                                           enumerate(STATUSES, 1))))


def action_questions(pack: Pack) -> list[tuple[str, list[str], list[str]]]:
    """``(question, label fields, timing fields)`` of each records question holding actions;
    worked out once per pack (reports ask it for every plan)."""
    return pack.derived("followup.action_questions", _action_questions)


def _action_questions(pack: Pack) -> list[tuple[str, list[str], list[str]]]:
    out: dict[str, tuple[list[str], list[str]]] = {}
    for rule in pack.rules:
        check = rule.get("check") or {}
        args = check.get("args") or {}
        qid = args.get("question")
        ref = pack.questions.get(qid) if isinstance(qid, str) else None
        if check.get("named") != "smart" or ref is None or ref.type != "records":
            continue
        fields = args.get("fields") or {}
        as_list = (lambda v: [v] if isinstance(v, str) else list(v or []))  # noqa: E731
        out.setdefault(qid, (as_list(fields.get("S")), as_list(fields.get("T"))))
    return [(qid, label, timing) for qid, (label, timing) in out.items()]


def actions(plan: Plan) -> list[dict]:
    """Every action with its latest check-in status: ``{n, question, row, label, timing,
    deadline, status, note, date, history}`` (``row`` is the 1-based row of the question)."""
    found = []
    for qid, label_fields, timing_fields in action_questions(plan.pack):
        rows = plan.answers.get(qid)
        for row_n, row in enumerate(rows if isinstance(rows, list) else [], start=1):
            if not isinstance(row, dict):
                continue
            timing = "; ".join(str(row[f]) for f in timing_fields if row.get(f))
            when = deadline(timing) if timing else None
            found.append({"n": len(found) + 1, "question": qid, "row": row_n, "values": row,
                          "label": " — ".join(str(row[f]).strip() for f in label_fields
                                              if row.get(f)) or _("action {n}").format(n=row_n),
                          "timing": timing, "deadline": when.isoformat() if when else None,
                          "status": "not_started", "note": "", "date": None, "history": []})
    by_key = {(a["question"], a["row"]): a for a in found}
    for checkin in plan.checkins:
        for entry in checkin.get("actions", []):
            action = by_key.get((entry.get("question"), entry.get("row")))
            if action is None:
                continue
            action["history"].append({"date": checkin.get("date"), **entry})
            if entry.get("status"):
                action["status"] = entry["status"]
            action["note"] = entry.get("note") or action["note"]
            action["date"] = checkin.get("date")
    return found


def same_action(action: dict, value: Any) -> bool:
    """Does ``value`` (a field with ``pick_from: actions``) name this action?"""
    return isinstance(value, str) and " ".join(value.split()).casefold() == \
        " ".join(str(action["label"]).split()).casefold()


def unevaluated(plan: Plan) -> list[dict] | None:
    """The actions the evaluation does not name (its questions and records fields with
    ``pick_from: actions``); None when the pack's evaluation names no actions that way."""
    named: list[Any] = []
    picking = False
    for qid, ref in plan.pack.questions.items():
        if ref.phase != "evaluation":
            continue
        if ref.question.get("pick_from") == "actions":
            picking = True
            named.append(plan.answers.get(qid))
        if ref.type != "records":
            continue
        fields = [f["id"] for f in ref.question["fields"] if f.get("pick_from") == "actions"]
        picking = picking or bool(fields)
        rows = plan.answers.get(qid)
        named += [row.get(f) for row in (rows if isinstance(rows, list) else [])
                  if isinstance(row, dict) for f in fields]
    if not picking:
        return None
    return [a for a in actions(plan) if not any(same_action(a, value) for value in named)]


def follow_up_questions(pack: Pack) -> dict[str, dict]:
    return {qid: ref.question for qid, ref in pack.questions.items() if ref.phase == "follow_up"}


def prepare_checkin(plan: Plan, entries: list[dict], answers: dict[str, Any], date: str,
                    plugins: Any) -> tuple[dict, dict[str, Any]]:
    """Check a check-in and build it: ``(record, changed answers)``; nothing is stored here.

    ``entries``: ``[{action: N, status?, note?, change?: {field: value}, reason?}]`` with
    ``N`` the action's number; ``answers``: follow-up question id → raw value.
    """
    pack = plan.pack
    known = actions(plan)
    follow_up = follow_up_questions(pack)
    changed: dict[str, Any] = {}
    record_answers: dict[str, Any] = {}
    for qid, raw in answers.items():
        if qid not in follow_up:
            raise UsageError(_("{id!r} is not a question of the follow-up (questions: {ids})")
                             .format(id=qid, ids=", ".join(follow_up) or "-"))
        try:
            value = coerce(follow_up[qid], raw, pack)
        except InvalidAnswer as exc:
            raise UsageError(f"{qid}: {exc}") from None
        if value is not None:
            record_answers[qid] = changed[qid] = value
    done_entries, seen = [], set()
    for entry in entries:
        n = entry.get("action")
        if not isinstance(n, int) or not 1 <= n <= len(known):
            raise UsageError(ngettext("no action {n}; this plan has {count} action",
                                      "no action {n}; this plan has {count} actions",
                                      len(known)).format(n=n, count=len(known)))
        if n in seen:
            raise UsageError(_("action {n} is given twice").format(n=n))
        seen.add(n)
        action = known[n - 1]
        item: dict[str, Any] = {"action": n, "question": action["question"],
                                "row": action["row"], "label": action["label"]}
        if entry.get("change"):
            reason = str(entry.get("reason") or "").strip()
            if not reason:
                raise UsageError(_("action {n}: a change needs a reason (--reason {n}=WHY)")
                                 .format(n=n))
            item["change"] = _change(plan, action, entry["change"], changed)
            item["reason"] = reason
        status = parse_status(entry["status"]) if entry.get("status") else (
            "adjusted" if item.get("change") else None)
        if status:
            item["status"] = status
        if str(entry.get("note") or "").strip():
            item["note"] = str(entry["note"]).strip()
        if not any(key in item for key in ("status", "note", "change")):
            raise UsageError(_("action {n}: give a status, a note or a change").format(n=n))
        done_entries.append(item)
    if not done_entries and not record_answers:
        raise UsageError(_("nothing to record: give a status for an action (--status N=STATUS) "
                           "or an answer to a follow-up question"))
    for qid in {e["question"] for e in done_entries if e.get("change")}:
        step = pack.questions[qid].step["id"]
        errors = [f for f in evaluate(pack.rules_at(step), {**plan.answers, **changed}, pack,
                                      plugins, plan.date) if f.severity == "error"]
        if errors:
            raise UsageError(_("the changed actions break the pack's rules:") + "".join(
                f"\n  - [{f.rule}] {f.message}" for f in errors))
    record = {"date": date, "actions": done_entries, "answers": record_answers}
    return record, changed


def _change(plan: Plan, action: dict, change: dict, changed: dict[str, Any]) -> dict:
    """Apply ``change`` (field → raw value) to the action's row, into ``changed``."""
    pack, qid, row_n = plan.pack, action["question"], action["row"]
    fields = {f["id"]: f for f in pack.questions[qid].question["fields"]}
    rows = [dict(r) for r in changed.get(qid, plan.answers.get(qid) or [])]
    row = rows[row_n - 1]
    out = {}
    for fid, raw in change.items():
        if fid not in fields:
            raise UsageError(_("action {n}: no field {field!r} (fields: {fields})").format(
                n=action["n"], field=fid, fields=", ".join(fields)))
        try:
            value = coerce(fields[fid], raw, pack)
        except InvalidAnswer as exc:
            raise UsageError(_("action {n}, {field}: {error}").format(
                n=action["n"], field=fid, error=exc)) from None
        if is_empty(value) and fields[fid].get("required"):
            raise UsageError(_("action {n}: {field} is required").format(n=action["n"],
                                                                         field=fid))
        out[fid] = {"from": row.get(fid), "to": value}
        if value is None:
            row.pop(fid, None)
        else:
            row[fid] = value
    rows[row_n - 1] = row
    changed[qid] = rows
    return out


def retrospective(previous: Plan, question_ids: list[str]) -> list[dict]:
    """The previous plan's answers to ``question_ids``, its actions with their outcome.

    ``[{question, text, value, type, actions?}]``; ``actions`` (for action questions) as in
    :func:`actions`.
    """
    by_question: dict[str, list[dict]] = {}
    for action in actions(previous):
        by_question.setdefault(action["question"], []).append(action)
    out = []
    for qid in question_ids:
        ref = previous.pack.questions.get(qid)
        value = previous.answers.get(qid)
        if ref is None or value is None:
            continue
        item = {"question": qid, "text": previous.pack.text(ref.question["text"]),
                "type": ref.type, "value": value}
        if qid in by_question:
            item["actions"] = by_question[qid]
        out.append(item)
    return out


def next_date(previous: Plan, pack: Pack, given: str | None, today: Any) -> str:
    """The date of the next cycle's conversation: ``given`` (ISO), which must fall after the
    previous conversation; without it today, or, when today is not after the previous
    conversation, that date plus the pack's yearly interval (``yearly_update``'s
    ``offset_days``; 365)."""
    from datetime import date as Date
    from datetime import timedelta

    before = Date.fromisoformat(previous.date) if previous.date else None
    if given:
        if before and Date.fromisoformat(given) <= before:
            raise UsageError(_("--date {date}: the next conversation must come after the "
                               "previous one ({previous})").format(date=given,
                                                                   previous=previous.date))
        return given
    if before is None or today > before:
        return today.isoformat()
    days = next((int(item.get("offset_days") or 365) for item in pack.schedule
                 if item.get("kind") == "yearly_update"), 365)
    return (before + timedelta(days=days)).isoformat()


#: the built-in warning about a check-in's dates (passed with ``--override``, like a pack's)
CHECKIN_DATES = "pop.checkin_dates"


def checkin_warnings(plan: Plan, record: dict, today: Any) -> list[str]:
    """What in a check-in's dates contradicts the plan: a check-in dated after today, an
    action changed to a deadline before the check-in."""
    from datetime import date as Date

    from .dates import format_date
    from .i18n import current_language

    lang, day = current_language(), Date.fromisoformat(record["date"])
    found = []
    if day > today:
        found.append(_("the check-in is dated {date}, after today").format(
            date=format_date(day, lang)))
    timing = {qid: set(fields) for qid, _label, fields in action_questions(plan.pack)}
    for entry in record["actions"]:
        for field, change in (entry.get("change") or {}).items():
            when = deadline(str(change["to"])) if field in timing.get(entry["question"], ()) \
                else None
            if when is not None and when < day:
                found.append(_("action {n}: the new deadline {date} is before the check-in "
                               "({checkin})").format(n=entry["action"],
                                                     date=format_date(when, lang),
                                                     checkin=format_date(day, lang)))
    return found
