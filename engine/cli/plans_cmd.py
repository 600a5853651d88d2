"""``pop list``, ``pop show``, ``pop advance``, ``pop log``: plans from the store."""

from __future__ import annotations

import click

from engine.i18n import _

from .context import App, default_actor, echo_json, echo_json_rows, json_option, pass_app


def register(cli: click.Group) -> None:
    @cli.command("list", help=_("List plans, most recently changed first."))
    @click.option("--state", help=_("Only plans in this phase or state (e.g. conversation)."))
    @click.option("--pack", help=_("Only plans of this pack."))
    @click.option("--person", help=_("Only plans about this person."))
    @click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True,
                  help=_("Show at most this many."))
    @click.option("--all", "show_all", is_flag=True, help=_("Show all plans."))
    @json_option
    @pass_app
    def list_(app: App, state: str | None, pack: str | None, person: str | None, limit: int,
              show_all: bool, as_json: bool) -> None:
        from engine.pack import CLOSED, PHASES

        store = app.store
        if state and state.split(".")[0] not in (*PHASES, CLOSED):
            from engine.errors import UsageError

            raise UsageError(_("unknown state {state!r} (phases: {phases})").format(
                state=state, phases=", ".join((*PHASES, CLOSED))))
        person = app.person(person)["id"] if person else None
        if as_json:
            echo_json_rows(store.plans_as_json(state=state, pack=pack, person=person,
                                               limit=None if show_all else limit))
            return
        rows = store.list_plans(state=state, pack=pack, person=person,
                                limit=None if show_all else limit)
        if not rows:
            click.echo(_("No plans."))
            return
        from engine.text import shorten

        heads = (_("plan"), _("changed"), _("pack"), _("state"), _("person"))
        click.echo(f"{heads[0]:<8}  {heads[1]:<10}  {heads[2]:<11} {heads[3]:<32} {heads[4]}")
        for row in rows:
            click.echo(f"{row['id']}  {row['updated'][:10]}  {row['pack']:<11} "
                       f"{shorten(row['state_title'], 32):<32} {row['person']}")
        total = store.count_plans(state=state, pack=pack, person=person)
        if total > len(rows):
            click.echo(_("… and {n} more (use --all or --limit)").format(n=total - len(rows)))

    @cli.command(help=_("Show a plan: people, state, answers, overrides, signatures, "
                        "check-ins."))
    @click.argument("plan_id", metavar="ID")
    @json_option
    @pass_app
    def show(app: App, plan_id: str, as_json: bool) -> None:
        from engine import agreement

        plan = app.store.load_plan(plan_id)
        if as_json:
            state = agreement.status(plan)
            echo_json({**plan.as_dict(), "agreement": {k: state[k] for k in (
                "digest", "agreed", "required", "signed", "missing", "stale")}})
            return
        click.echo(describe_plan(plan))

    @cli.command(help=_("Move a plan on to its next phase, if the rules allow it."))
    @click.argument("plan_id", metavar="ID")
    @click.option("--override", "overrides", multiple=True, metavar="RULE=REASON",
                  help=_("Override a warning, with the reason (may be repeated)."))
    @click.option("--step", is_flag=True, help=_("Move one step instead of a whole phase."))
    @click.option("--actor", default=None, help=_("Who makes the move."))
    @json_option
    @pass_app
    def advance(app: App, plan_id: str, overrides: tuple[str, ...], step: bool,
                actor: str | None, as_json: bool) -> None:
        from engine.errors import UsageError
        from engine.session import Session

        session = Session(app.store.load_plan(plan_id), app.store, app.plugins,
                          actor or default_actor())
        for item in overrides:
            rule, sep, reason = item.partition("=")
            if not sep or not reason.strip():
                raise UsageError(_("--override needs RULE=REASON"))
            session.override(rule.strip(), reason)
        source = session.plan.state
        state = session.next() if step else session.advance()
        if as_json:
            echo_json({"id": session.plan.id, "from": source, "to": state})
        else:
            title = session.pack.state_title
            click.echo(_("{id}: {source} → {dest}").format(id=session.plan.id,
                                                          source=title(source), dest=title(state)))

    @cli.command(help=_("Show a plan's event log: who changed what, when."))
    @click.argument("plan_id", metavar="ID")
    @json_option
    @pass_app
    def log(app: App, plan_id: str, as_json: bool) -> None:
        events = app.store.events(plan_id)
        if as_json:
            echo_json(events)
            return
        pack = app.store.load_plan(plan_id).pack
        for e in events:
            first, *more = event_lines(pack, e["kind"], e["data"])
            click.echo(f"{e['at']}  {e['actor']:<10} {e['kind']:<15} {first}")
            for line in more:
                click.echo(f"{'':>4}{line}")


def event_lines(pack, kind: str, data: dict) -> list[str]:  # noqa: ANN001 - engine.pack.Pack
    """One event of the log as people read it: what changed, answers as ``pop show`` prints
    them (the answers a plan was made with too, one per line)."""
    from engine.i18n import current_language

    lang = current_language()
    title = pack.state_title
    if kind == "created":
        people = ", ".join(str(n) for n in (data.get("people") or {}).values())
        lines = [f"{data['pack']} {data['version']}: {people}"]
        answers = data.get("answers") or {}
        order = {qid: ref.index for qid, ref in pack.questions.items()}
        for qid in sorted(answers, key=lambda q: (order.get(q, len(order)), q)):
            lines += answer_entry(pack, qid, answers[qid], lang)
        return lines
    if kind == "answer":
        return answer_entry(pack, data["question"], data["value"], lang)
    if kind in ("answer_removed", "skipped"):
        return [question_label(pack, data["question"])]
    if kind == "state":
        return [f"{title(data['from'])} → {title(data['to'])}"]
    if kind == "override":
        return [f"{data['rule']}: {data['reason']}"]
    if kind == "signed":
        return [f"{pack.role_name(data['role'])} ({data['role']}): {data['name']} "
                f"(sha256 {data['digest'][:16]})"]
    if kind == "checkin":
        return [_checkin_detail(data)]
    return [", ".join(f"{k}={v if isinstance(v, str) else _json(v)}"
                      for k, v in data.items() if v)]


def _json(value) -> str:  # noqa: ANN001 - any JSON value
    import json

    return json.dumps(value, ensure_ascii=False, default=str)


def question_label(pack, qid: str) -> str:  # noqa: ANN001 - engine.pack.Pack
    """``Welke acties spreken jullie af? (acties)``; the id alone for a question the pack
    no longer has."""
    ref = pack.questions.get(qid)
    return f"{pack.text(ref.question['text']).rstrip(':')} ({qid})" if ref else qid


def answer_entry(pack, qid: str, value, lang: str) -> list[str]:  # noqa: ANN001
    """An answer in the log: the question, then its value on the same line or, for lists and
    tables, one item per line below it."""
    ref = pack.questions.get(qid)
    if ref is None:
        return [f"{qid} = {_json(value)}"]
    shown = answer_lines(pack, ref.question, value, lang)
    if ref.type in MANY:
        return [f"{question_label(pack, qid)}:", *(f"  {line}" for line in shown)]
    return [f"{question_label(pack, qid)} = {shown[0] if shown else ''}"]


def _checkin_detail(data: dict) -> str:
    from engine.followup import status_label

    parts = [data.get("date") or ""]
    for entry in data.get("actions", []):
        text = f"{entry['action']}: " + status_label(entry.get("status") or "")
        if entry.get("change"):
            text += " " + _("(changed {fields}: {reason})").format(
                fields=", ".join(entry["change"]), reason=entry.get("reason", ""))
        parts.append(text)
    if data.get("answers"):
        parts.append(", ".join(data["answers"]))
    return "; ".join(p for p in parts if p)


#: answers shown one item per line
MANY = ("list", "multichoice", "records")


def readable(pack, question: dict, value, lang: str) -> str:  # noqa: ANN001
    """One value as a person reads it: choice labels, ja/nee, dates in words."""
    from engine.dates import format_date

    kind = question.get("type", "text")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if kind in ("choice", "multichoice"):
        labels = {str(v): label for v, label in pack.choices(question)}
        return labels.get(str(value), str(value))
    if kind == "date":
        return format_date(value, lang) or str(value)
    if kind == "number" and question.get("unit"):
        return f"{value} {pack.text(question['unit'], lang)}"
    return str(value)


def answer_lines(pack, question: dict, value, lang: str) -> list[str]:  # noqa: ANN001
    """An answer as lines: one for a single value; a list one item per line (``• …``: an
    item may itself hold commas), a table one row per line (``1. Field: value · …``)."""
    kind = question.get("type", "text")
    if kind == "records" and isinstance(value, list):
        return [f"{n}. " + " · ".join(
            f"{pack.text(f['text'], lang)}: {_cell(pack, f, row[f['id']], lang)}"
            for f in question["fields"] if f["id"] in row)
            for n, row in enumerate(value, start=1) if isinstance(row, dict)]
    if isinstance(value, list):
        return [f"• {readable(pack, question, item, lang)}" for item in value]
    return [readable(pack, question, value, lang)]


def _cell(pack, field: dict, value, lang: str) -> str:  # noqa: ANN001 - a table's cell
    if isinstance(value, list):
        return "; ".join(readable(pack, field, item, lang) for item in value)
    return readable(pack, field, value, lang)


def describe_plan(plan) -> str:  # noqa: ANN001 - engine.plan.Plan
    from engine.dates import format_date
    from engine.i18n import current_language

    pack, lang = plan.pack, current_language()
    lines = [_("Plan {id} — {pack} {version}").format(id=plan.id, pack=pack.id,
                                                     version=pack.version)]
    for role, name in plan.people.items():
        pid = plan.person_ids.get(role)
        lines.append(f"  {pack.role_name(role)}: {name}" + (f" ({pid})" if pid else ""))
    lines.append("  " + _("Date: {date}").format(date=format_date(plan.date, lang) or "-"))
    lines.append("  " + _("State: {state}").format(
        state=f"{pack.state_title(plan.state, lang)} ({plan.state})"))
    if plan.previous_id:
        lines.append("  " + _("Previous plan: {id}").format(id=plan.previous_id))
    current_step = None
    for qid, value in plan.answers.items():
        ref = pack.questions.get(qid)
        if ref is None:
            continue
        if ref.step["id"] != current_step:
            current_step = ref.step["id"]
            lines += ["", pack.text(ref.step["title"], lang)]
        text = pack.text(ref.question["text"], lang)
        shown = answer_lines(pack, ref.question, value, lang)
        if ref.type in MANY:
            lines.append(f"  {text}")
            lines += [f"    {line}" for line in shown]
        else:
            lines.append(f"  {text.rstrip(':')}: {shown[0]}")
    if plan.overrides:
        lines += ["", _("Warnings overridden:")]
        lines += [f"  [{rule}] {o['reason']} ({o['actor']})" for rule, o in plan.overrides.items()]
    lines += _describe_after(plan, lang)
    return "\n".join(lines)


def _describe_after(plan, lang: str) -> list[str]:  # noqa: ANN001 - engine.plan.Plan
    """Signatures (and whether they are stale), the actions' status, the check-ins."""
    from engine import agreement
    from engine.dates import format_date
    from engine.followup import actions, status_label

    from .cycle_cmd import _agreement_line, describe_signatures

    lines: list[str] = []
    state = agreement.status(plan)
    if plan.signatures or (state["required"] and plan.phase not in ("preparation",
                                                                      "conversation")):
        lines += ["", _("Signatures (content sha256 {digest}):").format(
            digest=state["digest"][:16]), describe_signatures(plan),
            "  " + _agreement_line(plan, state)]
    if plan.checkins:
        lines += ["", _("Actions and their follow-up:")]
        for action in actions(plan):
            when = format_date(action["date"], lang) if action["date"] else ""
            lines.append(f"  {action['n']}. {action['label']}")
            lines.append("     → " + status_label(action["status"]) + (
                f" ({when})" if when else "") + (f": {action['note']}" if action["note"] else ""))
        lines += ["", _("Check-ins:")]
        for checkin in plan.checkins:
            done = ", ".join(f"{e['action']}: {status_label(e.get('status') or '')}"
                             for e in checkin.get("actions", []))
            lines.append(f"  {format_date(checkin['date'], lang)} ({checkin['actor']})"
                         + (f" — {done}" if done else ""))
            for entry in checkin.get("actions", []):
                if entry.get("change"):
                    lines.append("    " + _("action {n} changed ({fields}): {reason}").format(
                        n=entry["action"], fields=", ".join(entry["change"]),
                        reason=entry.get("reason", "")))
    return lines
