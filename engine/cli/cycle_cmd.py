"""After the conversation: ``pop sign``, ``verify``, ``checkin``, ``due``, ``evaluate``,
``close``, ``next``, ``history``, and a person's data: ``export-person``, ``forget``.

Thin: parse, call the core (:mod:`engine.session`, :mod:`engine.agreement`,
:mod:`engine.followup`, :mod:`engine.due`, the store), print. The lifecycle decides what is
allowed; a refusal says why and exits with 3.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

import click

from engine.i18n import _, ngettext

from .context import App, default_actor, echo_json, echo_json_rows, json_option, pass_app

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable
    from datetime import date


def actor_option(f: Any) -> Any:
    return click.option("--actor", default=default_actor, show_default=False,
                        help=_("Who records this (default: $POP_ACTOR or $USER)."))(f)


def _session(app: App, plan_id: str, actor: str, phases: tuple[str, ...] = ()) -> Any:
    from engine.session import Session

    session = Session(app.store.load_plan(plan_id), app.store, app.plugins, actor)
    if phases:
        session.agenda_phases = phases
    return session


def _pairs(items: tuple[str, ...], option: str) -> dict[str, str]:
    """``N=VALUE`` options as a mapping (``N.FIELD=VALUE`` keeps its dotted key)."""
    from engine.errors import UsageError

    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(_("{option} needs KEY=VALUE, not {item!r}").format(
                option=option, item=item))
        out[key.strip()] = value
    return out


def _number(key: str, option: str) -> int:
    from engine.errors import UsageError

    if not key.isdigit():
        raise UsageError(_("{option}: {key!r} is not an action number").format(
            option=option, key=key))
    return int(key)


def register(cli: click.Group) -> None:
    # --- akkoord --------------------------------------------------------------------------------
    @cli.command(help=_("Sign a plan's agreed content (akkoord) for a role, after the "
                        "conversation. Records who, when and the SHA-256 of the content."))
    @click.argument("plan_id", metavar="ID")
    @click.option("--role", required=True, help=_("The role that signs (e.g. employee)."))
    @click.option("--name", help=_("Who signs (default: the person in that role)."))
    @actor_option
    @json_option
    @pass_app
    def sign(app: App, plan_id: str, role: str, name: str | None, actor: str,
             as_json: bool) -> None:
        from engine import agreement

        session = _session(app, plan_id, actor)
        signature = session.sign(role, name)
        state = agreement.status(session.plan)
        if as_json:
            echo_json({"id": session.plan.id, "signature": signature, "agreement": state})
            return
        click.echo(_("{name} signed plan {id} as {role} (content sha256 {digest}).").format(
            name=signature["name"], id=session.plan.id,
            role=session.pack.role_name(signature["role"]), digest=state["digest"][:16]))
        click.echo(_agreement_line(session.plan, state))

    @cli.command(help=_("Move a plan that is not yet agreed onto its pack's current "
                        "version, when its answers still fit: lists what changes and asks. "
                        "Agreed and closed plans keep the pack they were made with."))
    @click.argument("plan_id", metavar="ID")
    @click.option("--pack", "pack_path", metavar="PATH",
                  help=_("The pack folder to move to (default: the pack pop finds by id)."))
    @click.option("-y", "--yes", is_flag=True, help=_("Do not ask; move when it can."))
    @actor_option
    @json_option
    @pass_app
    def upgrade(app: App, plan_id: str, pack_path: str | None, yes: bool, actor: str,
                as_json: bool) -> None:
        from engine.errors import UsageError
        from engine.upgrade import compare

        session = _session(app, plan_id, actor)
        plan = session.plan
        pack = app.library().load(pack_path or plan.pack_id)
        found = compare(plan, pack, app.plugins)
        if as_json and not (yes and found.needed and not found.problems):
            echo_json({**found.as_dict(), "upgraded": False})
            if found.problems:
                raise SystemExit(2)
            return
        if not found.needed:
            click.echo(_("Plan {id} already uses pack {pack} {version}.").format(
                id=plan.id, pack=pack.id, version=pack.version))
            return
        if found.problems:
            raise UsageError(_("plan {id} cannot move to {pack} {version}:").format(
                id=plan.id, pack=pack.id, version=pack.version)
                + "".join(f"\n  - {p}" for p in found.problems))
        if not as_json:
            click.echo(_("Plan {id} ({person}) to pack {pack} {version}:").format(
                id=plan.id, person=plan.person, pack=pack.id, version=pack.version))
            for change in found.changes:
                click.echo(f"  - {change}")
        if not yes:
            from .interview import confirm

            confirm(_("Move the plan onto this version?"))
        done = session.upgrade(pack)
        if as_json:
            echo_json({**done, "upgraded": True})
            return
        click.echo(_("Plan {id} now uses pack {pack} {version}.").format(
            id=plan.id, pack=pack.id, version=pack.version))

    @cli.command(help=_("Re-compute a plan's content digest and check its signatures. "
                        "Exit 0 when the plan is agreed, 1 when it is not."))
    @click.argument("plan_id", metavar="ID")
    @json_option
    @pass_app
    @click.pass_context
    def verify(ctx: click.Context, app: App, plan_id: str, as_json: bool) -> None:
        from engine import agreement

        plan = app.store.load_plan(plan_id)
        state = agreement.status(plan)
        if as_json:
            echo_json({"id": plan.id, **state, "signatures": plan.signatures,
                       "problems": agreement.problems(plan)})
        else:
            click.echo(_("Plan {id}: content sha256 {digest}").format(id=plan.id,
                                                                     digest=state["digest"]))
            click.echo(describe_signatures(plan))
            click.echo(_agreement_line(plan, state))
        ctx.exit(0 if state["agreed"] else 1)

    # --- follow-up ------------------------------------------------------------------------------
    @cli.command(help=_("Record a check-in on a plan's actions during the follow-up: a status "
                        "per action (not started, in progress, done, adjusted) with a note, "
                        "changes with their reason, and the follow-up questions. Without "
                        "options, asks."))
    @click.argument("plan_id", metavar="ID")
    @click.option("--status", "statuses", multiple=True, metavar="N=STATUS",
                  help=_("Status of action N: not_started, in_progress, done, adjusted (or "
                         "niet gestart, bezig, gedaan, bijgestuurd)."))
    @click.option("--note", "notes", multiple=True, metavar="N=TEXT",
                  help=_("A note on action N."))
    @click.option("--change", "changes", multiple=True, metavar="N.FIELD=VALUE",
                  help=_("Change a field of action N (needs --reason N=WHY)."))
    @click.option("--reason", "reasons", multiple=True, metavar="N=TEXT",
                  help=_("Why action N is changed."))
    @click.option("--set", "answers", multiple=True, metavar="QUESTION=VALUE",
                  help=_("Answer a follow-up question."))
    @click.option("--answers", "answers_file", type=click.Path(dir_okay=False),
                  help=_("Take the check-in from a YAML or JSON file (date, actions, "
                         "answers)."))
    @click.option("--date", help=_("Date of the check-in (default: today)."))
    @click.option("--override", "overrides", multiple=True, metavar="RULE=REASON",
                  help=_("Override a warning, with the reason (may be repeated)."))
    @actor_option
    @json_option
    @pass_app
    def checkin(app: App, plan_id: str, statuses: tuple[str, ...], notes: tuple[str, ...],
                changes: tuple[str, ...], reasons: tuple[str, ...], answers: tuple[str, ...],
                answers_file: str | None, date: str | None, overrides: tuple[str, ...],
                actor: str, as_json: bool) -> None:
        session = _session(app, plan_id, actor, ("follow_up",))
        session.lifecycle.require(session.plan, "checkin")
        given = {}
        if answers_file:
            entries, given, date = _read_checkin_file(answers_file, date)
        elif statuses or notes or changes or reasons or answers:
            entries = _entries_from_options(statuses, notes, changes, reasons)
            given = _pairs(answers, "--set")
        else:
            session.live = True  # what was shown must still hold when it is written
            entries, given = _ask_checkin(session)
            if entries is None:
                return
        from engine.session import PlanChanged

        try:
            record = session.checkin(entries, given, date, _pairs(overrides, "--override"))
        except PlanChanged as changed:
            click.secho(f"↻ {changed}", fg="yellow", bold=True, err=True)
            click.echo(_("The check-in is not recorded."), err=True)
            raise SystemExit(changed.exit_code) from None
        _report_checkin(session, record, as_json)

    @cli.command(help=_("What is due across all plans (conversations to prepare, check-ins, "
                        "evaluations, action deadlines), soonest first; overdue first of all."))
    @click.option("--within", default="30d", show_default=True, metavar="PERIOD",
                  help=_("How far ahead: days (30d), weeks (2w) or months (3m)."))
    @click.option("--person", help=_("Only plans about this person."))
    @click.option("--pack", "pack_id", metavar="ID",
                  help=_("Also this pack's duties for people without a plan (a first POP "
                         "after hiring), besides those of the packs the plans use."))
    @click.option("--mail", is_flag=True,
                  help=_("Send each leader one mail with the items of the people they lead "
                         "(POP_SMTP_URL, POP_MAIL_FROM; addresses from the register)."))
    @click.option("--dry-run", is_flag=True,
                  help=_("With --mail: print the mails instead of sending them."))
    @click.option("-f", "--format", "fmt", type=click.Choice(["text", "json", "ics"]),
                  default="text", help=_("ics: one calendar per leader of the people the "
                                         "items are about."))
    @click.option("-o", "--output", "output_dir", metavar="FOLDER",
                  type=click.Path(file_okay=False),
                  help=_("With --format ics: write each leader's calendar to FOLDER."))
    @click.option("--today", hidden=True)
    @json_option
    @pass_app
    def due(app: App, within: str, person: str | None, pack_id: str | None, mail: bool,
            dry_run: bool, fmt: str, output_dir: str | None, today: str | None,
            as_json: bool) -> None:
        from engine.clock import today as clock_today
        from engine.due import due as due_items
        from engine.due import parse_within

        day = clock_today(today)
        until = parse_within(within, day)
        store = app.store
        person_id = app.person(person)["id"] if person else None
        extra = [app.library().load(pack_id)] if pack_id else []
        if fmt == "text" and not (as_json or mail or dry_run):
            _print_due(store, day, until, person_id, extra)
            return
        items = due_items(store, day, until, person=person_id, extra_packs=extra)
        if mail or dry_run:
            _mail_leaders(store, items, until.isoformat(), dry_run, as_json)
            return
        if fmt == "ics":
            _calendars(store, items, output_dir)
            return
        import json

        echo_json_rows((json.dumps(item, ensure_ascii=False) for item in items),
                       inside=({"today": day.isoformat(), "until": until.isoformat()}, "items"))

    # --- evaluation and close -------------------------------------------------------------------
    @cli.command(help=_("Evaluate a plan after its follow-up: what was reached, what not, why. "
                        "Asks the pack's evaluation questions, or takes them from --answers."))
    @click.argument("plan_id", metavar="ID")
    @click.option("--answers", "answers_file", type=click.Path(dir_okay=False),
                  help=_("Take the evaluation answers from a YAML or JSON file (answers:, "
                         "overrides:)."))
    @click.option("--partial", is_flag=True,
                  help=_("With --answers: save what is valid even if the evaluation is "
                         "incomplete."))
    @actor_option
    @json_option
    @pass_app
    def evaluate(app: App, plan_id: str, answers_file: str | None, partial: bool, actor: str,
                 as_json: bool) -> None:
        session = _session(app, plan_id, actor, ("evaluation",))
        session.lifecycle.require(session.plan, "evaluate")
        problems: list = []
        if answers_file:
            problems = _evaluate_from_file(session, answers_file, partial)
        else:
            from engine.followup import actions

            from .interview import Interview, guarded

            session.live = True
            session.start_evaluation()
            interview = Interview(session)
            interview.show_actions(actions(session.plan))
            if not guarded(lambda: interview.run(hold_at_end=True),
                           f"pop evaluate {session.plan.id}"):
                return
        from engine.followup import unevaluated
        from engine.text import shorten

        plan = session.plan
        ready = session.lifecycle.check_step(plan, plan.state) is None and not problems
        left = unevaluated(plan)
        if as_json:
            echo_json({"plan": plan.summary(), "ready_to_close": ready,
                       "problems": [p.as_dict() for p in problems],
                       "unevaluated": None if left is None else
                       [{"n": a["n"], "label": a["label"]} for a in left]})
            return
        for problem in problems:
            click.echo(str(problem), err=True)
        click.echo(_("Evaluation of plan {id} recorded ({state}).").format(
            id=plan.id, state=plan.pack.state_title(plan.state)))
        if left:
            click.secho(_("Actions not evaluated yet:"), fg="yellow")
            for action in left:
                click.echo(f"  {action['n']}. {shorten(action['label'], 90)}")
        if ready:
            click.echo(_("Close it with: pop close {id}").format(id=plan.id))

    @cli.command(help=_("Close a plan after its evaluation (the rules permitting)."))
    @click.argument("plan_id", metavar="ID")
    @click.option("--override", "overrides", multiple=True, metavar="RULE=REASON",
                  help=_("Override a warning, with the reason (may be repeated)."))
    @actor_option
    @json_option
    @pass_app
    def close(app: App, plan_id: str, overrides: tuple[str, ...], actor: str,
              as_json: bool) -> None:
        session = _session(app, plan_id, actor)
        session.lifecycle.require(session.plan, "close")
        for rule, reason in _pairs(overrides, "--override").items():
            session.override(rule, reason)
        source = session.plan.state
        session.close()
        if as_json:
            echo_json({"id": session.plan.id, "from": source, "to": session.plan.state})
            return
        click.echo(_("Plan {id} is closed. Start the next cycle with: pop next {id}").format(
            id=session.plan.id))

    @cli.command("next", help=_("Start the next cycle: a new plan for the same people and "
                                "pack, linked to this closed one; its terugblik offers the "
                                "previous actions and their outcome."))
    @click.argument("plan_id", metavar="ID")
    @click.option("--date", help=_("Date of the next conversation, after the previous one "
                                   "(default: today; a year after the previous conversation "
                                   "when today is not after it)."))
    @actor_option
    @json_option
    @pass_app
    def next_(app: App, plan_id: str, date: str | None, actor: str, as_json: bool) -> None:
        from engine.clock import today
        from engine.errors import PopError
        from engine.followup import retrospective

        session = _session(app, plan_id, actor)
        session.lifecycle.require(session.plan, "next")
        old = session.plan
        try:
            pack = app.library().load(old.pack_id)
        except PopError:  # the pack is gone from this machine: keep the plan's own snapshot
            pack = old.pack
        from engine.followup import next_date

        day = next_date(old, pack, _date_option(date) if date else None, today())
        new = session.next_cycle(pack, day).plan
        asked = [q for s in pack.step_index.values() for q in s[1].get("previous", [])]
        looking_back = retrospective(old, list(dict.fromkeys(asked)))
        if as_json:
            echo_json({"plan": new.summary(), "previous": old.id,
                       "retrospective": looking_back})
            return
        click.echo(_("Plan {id} for {person} ({pack} {version}) follows plan {old}.").format(
            id=new.id, person=new.person, pack=pack.id, version=pack.version, old=old.id))
        from engine.dates import format_date
        from engine.i18n import current_language

        click.echo(_("Date of the conversation: {date}").format(
            date=format_date(new.date, current_language())))
        from .interview import Interview

        if looking_back:
            click.secho(_("Terugblik, shown again during the conversation:"), bold=True)
            interview = Interview(session)
            for item in looking_back:
                click.echo(f"  {item['text']}")
                ref = old.pack.questions[item["question"]]
                if "actions" in item:
                    for action in item["actions"]:
                        click.echo(f"    {action['row']}. {action['label']}")
                        click.echo("       " + interview.outcome(action))
                else:
                    click.echo(interview.render_value(ref.question, item["value"], "    "))
        click.echo(_("Run the conversation with: pop run --resume {id}").format(id=new.id))

    # --- people and their history ---------------------------------------------------------------
    @cli.command(help=_("A person's plans across cycles, oldest first."))
    @click.argument("person")
    @json_option
    @pass_app
    def history(app: App, person: str, as_json: bool) -> None:
        from engine import agreement
        from engine.followup import actions
        from engine.i18n import ngettext

        store = app.store
        rows = []
        who = app.person(person)
        for row in store.list_plans(person=who["id"]):
            plan = store.load_plan(row["id"])
            found = actions(plan)
            rows.append({**plan.summary(), "agreed": agreement.status(plan)["agreed"],
                         "checkins": len(plan.checkins), "actions": len(found),
                         "actions_done": sum(a["status"] == "done" for a in found)})
        rows.sort(key=lambda r: (r["date"] or r["created"][:10], r["created"]))
        if as_json:
            echo_json(rows)
            return
        if not rows:
            click.echo(_("No plans about {person}.").format(person=who["name"]))
            return
        for r in rows:
            signed = _("agreed") if r["agreed"] else _("not agreed")
            checkins = ngettext("{n} check-in", "{n} check-ins", r["checkins"]).format(
                n=r["checkins"])
            done = _("{done}/{total} actions done").format(done=r["actions_done"],
                                                          total=r["actions"])
            click.echo(f"{r['id']}  {r['date'] or '-':<10}  {r['pack']} {r['pack_version']:<7} "
                       f"{r['state_title']:<26} {signed}, {checkins}, {done}"
                       + (f"  ← {r['previous']}" if r["previous"] else ""))

    @cli.command("export-person", help=_("Everything stored about one person, as JSON "
                                         "(their plans, answers, events, signatures, "
                                         "check-ins): the GDPR's right of access."))
    @click.argument("person")
    @click.option("-o", "--output", type=click.Path(dir_okay=False),
                  help=_("Write to this file (readable by you only) instead of stdout."))
    @click.option("--force", is_flag=True, help=_("Overwrite the file if it exists."))
    @json_option
    @pass_app
    def export_person(app: App, person: str, output: str | None, force: bool,
                      as_json: bool) -> None:
        import json

        from engine.files import write_private

        who = app.person(person)
        data = app.store.export_person(who["id"])
        if not output:
            echo_json(data)
            return
        text = json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"
        write_private(output, text, force)
        click.echo(ngettext("Wrote {n} plan about {person} to {file}.",
                            "Wrote {n} plans about {person} to {file}.", len(data["plans"])).format(
            n=len(data["plans"]), person=who["name"], file=output), err=as_json)

    @cli.command(help=_("Erase one person (an id, an employee number or a name): their record "
                        "and their own plans with every answer, event, signature and check-in "
                        "(the GDPR's right to erasure). In other people's plans their name is "
                        "replaced by a marker; those plans stay. Asks first, unless --yes."))
    @click.argument("person", required=False)
    @click.option("--yes", is_flag=True, help=_("Do not ask for confirmation."))
    @click.option("--finish", is_flag=True,
                  help=_("Only compact the store and empty its write-ahead log (after a forget "
                         "that another process kept from finishing)."))
    @json_option
    @pass_app
    def forget(app: App, person: str | None, yes: bool, finish: bool, as_json: bool) -> None:
        from engine.errors import UsageError
        from engine.people import REDACTED, describe

        store = app.store
        if finish or not person:
            if not finish:
                raise UsageError(_("give a person: an id, an employee number or a name"))
            result = store.compact()
            if as_json:
                echo_json(result)
            else:
                _report_compact(result)
            if not result["complete"]:
                raise SystemExit(4)
            return
        who = app.person(person)
        found = store.person_plans(who["id"])
        if not yes:
            rows = {r["id"]: r for r in store.list_plans(limit=None)
                    if r["id"] in set(found["own"]) | set(found["appears"])}
            click.echo(ngettext("This erases {person} from the register, with {n} plan about "
                                "them, for good:",
                                "This erases {person} from the register, with {n} plans about "
                                "them, for good:", len(found["own"])).format(
                person=describe(who), n=len(found["own"])), err=as_json)
            for plan_id in found["own"]:
                row = rows[plan_id]
                click.echo(f"  {row['id']}  {row['pack']}  {row['state_title']}", err=as_json)
            if found["appears"]:
                click.echo(ngettext("In {n} plan of another person, the name is replaced by "
                                    "{marker}; that plan stays:",
                                    "In {n} plans of other people, the name is replaced by "
                                    "{marker}; those plans stay:", len(found["appears"])).format(
                    n=len(found["appears"]), marker=REDACTED), err=as_json)
                for plan_id in found["appears"]:
                    row = rows[plan_id]
                    click.echo(f"  {row['id']}  {row['pack']}  {row['state_title']}  "
                               f"{row['person']}",
                               err=as_json)
            from .interview import confirm

            confirm(_("Erase {person}?").format(person=who["name"]), err=as_json)
        result = store.forget_person(who["id"])
        app.plugins.notify("pop_person_forgotten", person_id=who["id"])
        if as_json:
            echo_json(result)
        else:
            click.echo(_("Erased {person}: {plans}; {redacted}.").format(
                person=who["name"],
                plans=ngettext("{n} plan about them", "{n} plans about them",
                               len(result["plans"])).format(n=len(result["plans"])),
                redacted=ngettext("the name is replaced in {n} other plan",
                                  "the name is replaced in {n} other plans",
                                  len(result["redacted"])).format(n=len(result["redacted"]))))
            _report_compact(result)
        if not result["complete"]:
            raise SystemExit(4)


def _report_compact(result: dict) -> None:
    if result["complete"] and "wal_bytes" in result:
        click.echo(_("Nothing of it remains in the store's files (compacted, write-ahead log "
                     "emptied)."))
    elif result["complete"]:
        click.echo(_("Nothing of it remains in the database's tables (rewritten). The server's "
                     "write-ahead log archive, replicas and backups still hold it until they "
                     "expire: see README, One store for the organisation."))
    elif result.get("disk_full"):
        click.secho(_("Not finished: the disk is full, so the store could not be compacted and "
                      "its files may still hold erased data. Free some space, then run: "
                      "pop forget --finish"), fg="yellow", err=True)
    elif result.get("not_owned"):
        click.secho(_("Not finished: only the owner of the tables {tables} (or of the database) "
                      "may rewrite them, so erased rows may remain in the database's files. As "
                      "that role, run: pop forget --finish").format(
                          tables=", ".join(result["not_owned"])), fg="yellow", err=True)
    elif result.get("older_transactions"):
        click.secho(_("Not finished: a transaction that began earlier is still open on the "
                      "database server, so erased rows may remain in the database's files. When "
                      "it has ended, run: pop forget --finish"), fg="yellow", err=True)
    elif "wal_bytes" in result:
        click.secho(_("Not finished: another pop process still has the store open, so {wal} "
                      "may still hold erased data ({n} bytes). Close the other pop sessions, "
                      "then run: pop forget --finish").format(wal=result["kept"][0],
                                                               n=result["wal_bytes"]),
                    fg="yellow", err=True)
    else:
        click.secho(_("Not finished: another session keeps the tables {tables} in use, so "
                      "erased rows may remain in the database's files until they are "
                      "rewritten. When nobody uses pop, run: pop forget --finish").format(
                          tables=", ".join(result["kept"])), fg="yellow", err=True)


# --- helpers: options and files into the core's shapes, results into lines ------------------------

def _date_option(raw: str) -> str:
    from engine.dates import parse_date
    from engine.errors import UsageError

    day = parse_date(raw)
    if day is None:
        raise UsageError("--date: " + _("not a date; write e.g. 31-03-2026, 31 March 2026 or "
                                        "2026-03-31"))
    return day.isoformat()


def _entries_from_options(statuses: tuple[str, ...], notes: tuple[str, ...],
                          changes: tuple[str, ...], reasons: tuple[str, ...]) -> list[dict]:
    from engine.errors import UsageError

    entries: dict[int, dict] = {}

    def entry(n: int) -> dict:
        return entries.setdefault(n, {"action": n})

    for key, value in _pairs(statuses, "--status").items():
        entry(_number(key, "--status"))["status"] = value
    for key, value in _pairs(notes, "--note").items():
        entry(_number(key, "--note"))["note"] = value
    for key, value in _pairs(reasons, "--reason").items():
        entry(_number(key, "--reason"))["reason"] = value
    for key, value in _pairs(changes, "--change").items():
        n, dot, field = key.partition(".")
        if not dot or not field:
            raise UsageError(_("--change needs N.FIELD=VALUE, not {item!r}").format(item=key))
        entry(_number(n, "--change")).setdefault("change", {})[field] = value
    return [entries[n] for n in sorted(entries)]


def _read_checkin_file(path: str, date: str | None) -> tuple[list[dict], dict, str | None]:
    """A check-in file: ``{date?, actions: [{action: N, status, note, change, reason}],
    answers: {question: value}}``."""
    from engine.answers import read_answers_file
    from engine.errors import Problem, ProblemsError

    data, _positions = read_answers_file(path)
    unknown = sorted(set(data) - {"date", "actions", "answers"})
    actions = data.get("actions") or []
    answers = data.get("answers") or {}
    if unknown or not isinstance(actions, list) or not isinstance(answers, dict) or not all(
            isinstance(a, dict) for a in actions):
        raise ProblemsError([Problem(str(path), _(
            "a check-in file has 'date', 'actions' (a list of {action: N, status, note, "
            "change, reason}) and 'answers' (question: value)"))])
    return [dict(a) for a in actions], dict(answers), date or (
        str(data["date"]) if data.get("date") is not None else None)


def _ask_checkin(session: Any) -> tuple[list[dict] | None, dict]:
    from engine.followup import actions

    from .interview import Interview, Paused, legend

    interview = Interview(session)
    try:
        found = actions(session.plan)
        click.echo(legend())
        entries = interview.ask_checkin(found) if found else []
        answers = interview.ask_current_step() if session.in_agenda else {}
    except (Paused, click.Abort):
        click.echo("\n" + _("Stopped: the check-in is not recorded (answers to the follow-up "
                            "questions are kept)."), err=True)
        return None, {}
    return entries, answers


def _report_checkin(session: Any, record: dict, as_json: bool) -> None:
    from engine import agreement
    from engine.followup import status_label

    plan = session.plan
    state = agreement.status(plan)
    if as_json:
        echo_json({"id": plan.id, "checkin": record, "agreement": state})
        return
    click.echo(_("Check-in of {date} recorded for plan {id}.").format(date=record["date"],
                                                                       id=plan.id))
    for entry in record["actions"]:
        line = f"  {entry['action']}. " + status_label(entry.get("status") or "")
        if entry.get("change"):
            line += " — " + _("changed: {fields} ({reason})").format(
                fields=", ".join(entry["change"]), reason=entry["reason"])
        click.echo(line)
    if any(e.get("change") for e in record["actions"]) and not state["agreed"]:
        click.secho(_("The agreed content changed: the signatures are stale; both sign again "
                      "before the evaluation."), fg="yellow")
        for problem in agreement.problems(plan):
            click.echo("  - " + problem)


def _evaluate_from_file(session: Any, path: str, partial: bool) -> list:
    """Check the whole file first (nothing is saved when it fails, unless ``partial``)."""
    from engine.answers import parse_answers_file, read_answers_file
    from engine.errors import Problem, ProblemsError
    from engine.session import dry_run

    plan, pack = session.plan, session.pack
    data, positions = read_answers_file(path)
    _people, answers, _date, overrides, problems = parse_answers_file(path, data, positions, pack)
    for qid in list(answers):
        if pack.questions[qid].phase != "evaluation":
            problems.append(Problem(str(path), _("not a question of the evaluation"),
                                    path=f"answers.{qid}"))
            answers.pop(qid)
    merged = {**plan.answers, **answers}
    known = {r: o["reason"] for r, o in plan.overrides.items()}
    for blocked in dry_run(pack, session.plugins, merged, {**known, **overrides},
                           ("evaluation",), base=plan):
        for qid in blocked.missing:
            problems.append(Problem(str(path), _("required question not answered: {text}")
                                    .format(text=pack.text(pack.questions[qid].question["text"])),
                                    path=f"answers.{qid}"))
        for finding in [*blocked.errors, *blocked.needs_override]:
            problems.append(Problem(str(path), finding.message, path=f"rules.{finding.rule}"))
    if problems and not partial:
        raise ProblemsError(problems)
    session.start_evaluation()
    for rule, reason in overrides.items():
        session.override(rule, reason)
    for qid, value in answers.items():
        session.answer(qid, value)
    return problems


def _agreement_line(plan: Any, state: dict) -> str:
    if not state["required"]:
        return _("Pack {pack} asks for no signatures.").format(pack=plan.pack_id)
    if state["agreed"]:
        return _("The plan is agreed: every role signed this content.")
    waiting = [plan.pack.role_name(r) for r in state["missing"] + state["stale"]]
    return _("Not agreed yet; waiting for: {roles}.").format(roles=", ".join(waiting))


def describe_signatures(plan: Any) -> str:
    lines = []
    for s in plan.signatures:
        mark = _("stale: the content changed after signing") if s.get("stale") else "✓"
        lines.append(f"  {plan.pack.role_name(s['role'])} ({s['role']}): {s['name']}, "
                     f"{s['at']}, sha256 {s['digest'][:16]}  {mark}")
    return "\n".join(lines) if lines else "  " + _("No signatures yet.")


def _when(days: int) -> str:
    if days == 0:
        return _("today")
    if days < 0:
        return ngettext("{n} day late", "{n} days late", -days).format(n=-days)
    return ngettext("in {n} day", "in {n} days", days).format(n=days)


def _kind(kind: str) -> str:
    from engine.due import kind_label

    return kind_label(kind)


def _print_due(store: Any, today: date, until: date, person_id: str | None,
               extra: list) -> None:
    """One line an item, written in stretches as read: an organisation's list is hundreds of
    thousands of lines, and each holds no more than its text meanwhile."""
    from functools import cache
    from itertools import islice

    from engine.dates import format_date
    from engine.due import days_away, due_brief, title_of
    from engine.i18n import current_language
    from engine.text import plain, shorten

    # the lines share a few hundred days, kinds and titles: each is worded once; the names
    # and titles people typed are made plain one by one, so the lines need no second look
    title, name = cache(lambda text: plain(shorten(title_of(text), 70))), cache(plain)

    @cache
    def head(day: str, kind: str) -> str:
        return f"{day}  {_when(days_away(day, today)):<16} {_kind(kind):<14} "

    rows = due_brief(store, until, person=person_id, extra_packs=extra)
    out = getattr(sys.stdout, "checked", sys.stdout)  # pop's terminal-safe stream, or a test's
    lines = 0
    while chunk := [f"{head(day, kind)}{name(who)}{f' ({plan})' if plan else ''}: "
                    f"{title(text)}\n" for day, kind, text, who, plan in islice(rows, 20_000)]:
        out.write("".join(chunk))
        lines += len(chunk)
    out.flush()
    if not lines:
        click.echo(_("Nothing due until {date}.").format(
            date=format_date(until, current_language())))


def _mail_leaders(store: Any, items: Iterable[dict], until: str, dry_run: bool,
                  as_json: bool) -> None:
    """One mail per leader (in the pack's language), printed with --dry-run, else sent."""
    from engine.reminders import by_leader, message, send, sender

    groups, unsent = by_leader(store, items)
    source = sender()
    mails = [message(group["leader"], group["items"], until, source,
                     _pack_language(store, group["items"])) for group in groups]
    if dry_run:
        for mail in mails:
            click.echo(mail.as_string())
    else:
        send(mails)
    if as_json:
        echo_json({"sent": not dry_run, "mails": [
            {"to": m["To"], "subject": m["Subject"], "items": len(g["items"])}
            for m, g in zip(mails, groups, strict=True)],
            "unsent": unsent})
    elif not dry_run:
        click.echo(ngettext("Sent {n} mail.", "Sent {n} mails.", len(mails)).format(n=len(mails)))
    for person in dict.fromkeys(item["person"] for item in unsent):
        click.secho(_("No mail about {person}: no leader with an e-mail address in the "
                      "register (pop people edit PERSON --leader …, --email …)").format(
            person=person), fg="yellow", err=True)


def _calendars(store: Any, items: Iterable[dict], output_dir: str | None) -> None:
    """Each leader's calendar: to stdout (one after another), or a file each in FOLDER."""
    from engine.files import private_dir, write_private
    from engine.reminders import by_leader, calendar

    groups, unsent = by_leader(store, items, need_email=False)
    for group in groups:
        leader = group["leader"]
        data = calendar(leader, group["items"], _pack_language(store, group["items"]))
        if output_dir is None:
            click.get_binary_stream("stdout").write(data)
            continue
        target = os.path.join(private_dir(output_dir), f"{leader['id']}.ics")
        write_private(target, data, force=True)
        click.echo(_("{leader}: {file}").format(leader=leader["name"], file=target))
    for person in dict.fromkeys(item["person"] for item in unsent):
        click.secho(_("No calendar has {person}'s items: no leader in the register").format(
            person=person), fg="yellow", err=True)


def _pack_language(store: Any, items: list[dict]) -> str:
    """The language of the first item's pack (nl-BE → nl); pop's own without a plan."""
    from engine.i18n import LANGUAGES, current_language

    for item in items:
        if item.get("plan"):
            code = (store.load_plan(item["plan"]).pack.language or "").split("-")[0]
            if code in LANGUAGES:
                return code
    return current_language()
