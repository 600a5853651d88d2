"""``pop run``: a guided conversation, interactive or from an answers file."""

from __future__ import annotations

import sys
from datetime import date as Date
from typing import TYPE_CHECKING

import click

from engine.i18n import _

from .context import App, default_actor, echo_json, json_option, pass_app

if TYPE_CHECKING:  # pragma: no cover
    from engine.pack import Pack

AGENDA_PHASES = ("preparation", "conversation")


def register(cli: click.Group) -> None:
    @cli.command(help=_("Run a guided POP conversation: interactively, or from an answers "
                        "file with --answers. Without options, offers the unfinished plans."))
    @click.option("--pack", "pack_ref", metavar="ID|PATH", help=_("The pack to use."))
    @click.option("--resume", "resume_id", metavar="ID",
                  help=_("Continue a plan where it stopped."))
    @click.option("--answers", "answers_file", type=click.Path(dir_okay=False),
                  help=_("Take the answers from a YAML or JSON file; no questions asked."))
    @click.option("--partial", is_flag=True,
                  help=_("With --answers: save what is valid and leave the plan open."))
    @click.option("--actor", default=default_actor, show_default=False,
                  help=_("Who records the answers (default: $POP_ACTOR or $USER)."))
    @json_option
    @pass_app
    def run(app: App, pack_ref: str | None, resume_id: str | None, answers_file: str | None,
            partial: bool, actor: str, as_json: bool) -> None:
        if answers_file:
            from engine.errors import UsageError

            if resume_id:
                raise UsageError(_("--answers starts a new plan; it cannot be used with "
                                   "--resume"))
            run_answers_file(app, answers_file, pack_ref, partial, actor, as_json)
            return
        run_interactive(app, pack_ref, resume_id, actor)

    register_prepare(cli)


def register_prepare(cli: click.Group) -> None:
    @cli.command(help=_("Let one role answer its own preparation questions before the "
                        "conversation (e.g. the medewerker after the announcement). With "
                        "--pack, starts a new plan."))
    @click.argument("plan_id", metavar="[ID]", required=False)
    @click.option("--role", required=True, help=_("The role that prepares (e.g. employee)."))
    @click.option("--pack", "pack_ref", metavar="ID|PATH",
                  help=_("Start a new plan with this pack."))
    @click.option("--actor", default=None, help=_("Who answers (default: the person in that "
                                                   "role)."))
    @click.option("--link", "as_link", is_flag=True,
                  help=_("Print a link instead, with which that person prepares on their own "
                         "phone or computer (pop serve must run)."))
    @click.option("--base-url", metavar="URL", envvar="POP_BASE_URL",
                  default="http://127.0.0.1:8765", show_default=True,
                  help=_("With --link: where pop serve is reached (POP_BASE_URL)."))
    @click.option("--days", type=int, default=None,
                  help=_("With --link: how many days the link works (default: 14, and at "
                         "least until the day after the conversation)."))
    @click.option("--revoke", is_flag=True,
                  help=_("Close every link of that role in the plan."))
    @json_option
    @pass_app
    def prepare(app: App, plan_id: str | None, role: str, pack_ref: str | None,
                actor: str | None, as_link: bool, base_url: str, days: int, revoke: bool,
                as_json: bool) -> None:
        from engine.errors import UsageError
        from engine.session import Session

        from .interview import Interview, ask, guarded

        if bool(plan_id) == bool(pack_ref):
            raise UsageError(_("give either a plan ID or --pack (to start a new plan)"))
        if as_link or revoke:
            if not plan_id:
                raise UsageError(_("--link and --revoke need a plan ID (start the plan first)"))
            link_command(app, plan_id, role, base_url, days, revoke, as_json)
            return
        if plan_id:
            session = Session(app.store.load_plan(plan_id), app.store, app.plugins, "")
        else:
            pack = app.library().load(pack_ref)
            people, date = ask_people_or_stop(pack, ask, app.store)
            session = Session.start(pack, app.store, app.plugins, people, date,
                                    actor or default_actor())
            plan_created(session)
        session.live = True
        plan, pack = session.plan, session.pack
        role = _role(pack, role)
        if plan.phase != "preparation":
            raise UsageError(_("plan {id} is past the preparation ({state})").format(
                id=plan.id, state=pack.state_title(plan.state)))
        session.actor = actor or plan.people.get(role) or pack.role_name(role)
        click.secho(_("Preparation for {role} {name}").format(
            role=pack.role_name(role), name=plan.people.get(role, "")), bold=True)
        counted: list[int] = []
        if not guarded(lambda: counted.append(Interview(session).prepare(role)),
                       f"pop prepare {plan.id} --role {role}"):
            return
        asked = counted[0]
        if not asked:
            click.echo(_("This pack has no preparation questions for {role}.").format(
                role=pack.role_name(role)))
            return
        others = [r for r in pack.roles if r != role and any(
            pack.answered_by(q["id"]) == r for s in pack.steps("preparation")
            for q in s.get("questions", []))]
        click.echo(_("Preparation saved."))
        for other in others:
            if session.still_to_prepare(other):
                click.echo(_("{role} prepares with: pop prepare {id} --role {other}").format(
                    role=pack.role_name(other), id=plan.id, other=other))
            else:
                click.echo(_("{role} has prepared.").format(role=pack.role_name(other)))
        click.echo(_("The conversation continues with: pop run --resume {id}").format(id=plan.id))


def _role(pack: Pack, text: str) -> str:
    """The role ``--role`` names: its id or its shown name, in any case."""
    from engine.errors import UsageError

    role = pack.role_for(text)
    if role is None:
        raise UsageError(_("unknown role {role!r} (roles: {roles})").format(
            role=text, roles=pack.roles_listed()))
    return role


def link_command(app: App, plan_id: str, role: str, base_url: str, days: int | None,
                 revoke: bool, as_json: bool) -> None:
    """``pop prepare ID --role R --link`` / ``--revoke``."""
    from urllib.parse import urlsplit

    from engine.errors import UsageError
    from engine.links import new_link

    plan = app.store.load_plan(plan_id)
    role = _role(plan.pack, role)
    if revoke:
        closed = app.store.revoke_links(plan.id, role)
        if as_json:
            echo_json({"plan": plan.id, "role": role, "revoked": closed})
        else:
            click.echo(_("{n} link(s) for {name} closed.").format(
                n=closed, name=plan.people.get(role) or plan.pack.role_name(role)))
        return
    if not base_url.startswith(("http://", "https://")):
        raise UsageError(_("--base-url must start with http:// or https://"))
    token, expires = new_link(app.store, plan, role, days)
    url = f"{base_url.rstrip('/')}/e/{token}"
    if urlsplit(base_url).hostname in ("127.0.0.1", "localhost", "::1"):
        click.secho(_("Note: this link opens on this computer only; for a phone, give the "
                      "address the phone reaches pop serve at with --base-url (or "
                      "POP_BASE_URL)."), fg="yellow", err=True)
    if as_json:
        echo_json({"plan": plan.id, "role": role, "url": url, "expires": expires})
        return
    name = plan.people.get(role) or plan.pack.role_name(role)
    click.echo(url)
    click.echo(_("For {name} only: whoever has this link can answer as them. It works until "
                 "{date}, while pop serve runs; close it with: pop prepare {id} --role {role} "
                 "--revoke").format(name=name, date=expires[:10], id=plan.id, role=role),
               err=True)


def run_answers_file(app: App, path: str, pack_ref: str | None, partial: bool, actor: str,
                     as_json: bool) -> None:
    from engine.answers import parse_answers_file, read_answers_file
    from engine.errors import Problem, ProblemsError, UsageError
    from engine.lifecycle import Blocked
    from engine.rules import condition_refs
    from engine.session import Session, dry_run
    from engine.yamlfile import key_position, position

    data, positions = read_answers_file(path)
    pack_ref = pack_ref or data.get("pack")
    if not pack_ref:
        raise UsageError(_("name the pack with --pack or with 'pack:' in the answers file"))
    pack = app.library().load(str(pack_ref))
    people, answers, date, overrides, problems = parse_answers_file(path, data, positions, pack)
    chosen = people_refs(app.store, people, path, positions, problems)
    if data.get("pack") not in (None, pack.id):
        raise ProblemsError(problems)  # another pack's file: the rest would only be noise
    subject = pack.subject_role
    if subject and not people.get(subject):
        problems.append(Problem(str(path), _("missing the name of the {role} ({id})").format(
            role=pack.role_name(subject), id=subject), *position(positions, ("people",)),
            "people"))
    for blocked in dry_run(pack, app.plugins, answers, overrides, AGENDA_PHASES,
                           date=date or Date.today().isoformat()):
        for qid in blocked.missing:
            problems.append(Problem(str(path), _("required question not answered: {text}")
                                    .format(text=pack.text(pack.questions[qid].question["text"])),
                                    *key_position(positions, ("answers",)), f"answers.{qid}"))
        for finding in [*blocked.errors, *blocked.needs_override]:
            kind = _("warning (override it under 'overrides' with a reason)") \
                if finding.severity == "warning" else _("error")
            rule = next(r for r in pack.rules if r["id"] == finding.rule)
            refs = condition_refs(rule.get("check")) | condition_refs(rule.get("when"))
            at = next((("answers", q) for q in answers if q in refs), ("answers",))
            problems.append(Problem(str(path), f"{kind}: {finding.message}",
                                    *position(positions, at), f"rules.{finding.rule}"))
    if problems and not partial:
        raise ProblemsError(problems)
    stopped: Blocked | None = None
    with Session.starting(pack, app.store, app.plugins, chosen,
                          date or Date.today().isoformat(), actor, answers=answers) as session:
        for rule, reason in overrides.items():
            session.override(rule, reason)
        try:
            session.finish(AGENDA_PHASES)
        except Blocked as blocked:  # --partial: the plan stays where the rules stop it
            # the file was checked; what stops it now is a plugin's veto: say so, exit 3
            stopped = None if partial and not blocked.vetoes else blocked
    plan = session.plan
    if as_json:
        echo_json({"plan": plan.summary(), "problems": [p.as_dict() for p in problems],
                   "people_added": session.created_people,
                   "stopped": str(stopped) if stopped else None})
    else:
        for problem in problems:
            click.echo(str(problem), err=True)
        tell_created_people(session)
        click.echo(_("Plan {id} for {person} ({pack}): {state}.").format(
            id=plan.id, person=plan.person, pack=pack.id, state=pack.state_title(plan.state)))
        click.echo(_("See it with: pop show {id}").format(id=plan.id))
    if stopped:
        click.echo(_("pop: the plan is saved, but stopped at {state}: {reason} (go on with: "
                     "pop run --resume {id})").format(
            state=pack.state_title(plan.state), id=plan.id,
            reason="; ".join(stopped.vetoes) or str(stopped)), err=True)
        raise SystemExit(stopped.exit_code)


def run_interactive(app: App, pack_ref: str | None, resume_id: str | None, actor: str) -> None:
    from engine.errors import UsageError
    from engine.session import Session

    from .interview import Interview, ask, guarded

    store = app.store
    if resume_id is None and pack_ref is None:
        try:
            resume_id = choose_unfinished(app)
        except click.Abort:
            click.echo("\n" + _("Stopped; nothing was changed."), err=True)
            sys.exit(130)
    if resume_id:
        plan = store.load_plan(resume_id)
        session = Session(plan, store, app.plugins, actor, live=True)
        if not session.in_agenda:
            raise UsageError(_("plan {id} is past the conversation ({state}); see pop show")
                             .format(id=plan.id, state=plan.pack.state_title(plan.state)))
        click.echo(_("Resuming plan {id} for {person}.").format(id=plan.id, person=plan.person))
    else:
        pack = app.library().load(pack_ref)
        click.secho(f"{pack.name} ({pack.id} {pack.version})", bold=True)
        people, date = ask_people_or_stop(pack, ask, store)
        session = Session.start(pack, store, app.plugins, people, date, actor)
        session.live = True
        plan_created(session)
    previous = store.load_plan(session.plan.previous_id) if session.plan.previous_id else None
    interview = Interview(session, previous)
    if not guarded(interview.run, f"pop run --resume {session.plan.id}"):
        return
    if interview.overtaken:
        click.echo(_("Plan {id} is now in {state}; see pop show {id}").format(
            id=session.plan.id, state=session.pack.state_title(session.plan.state)))
        return
    click.secho(_("The conversation is complete. Plan {id} is now in {state}.").format(
        id=session.plan.id, state=session.pack.state_title(session.plan.state)), bold=True)
    click.echo(_("Next: both sign with pop sign {id} --role ROLE (roles: {roles}); see pop "
                 "show {id}").format(id=session.plan.id,
                                     roles=session.pack.roles_listed(session.pack.signing_roles)))


def plan_created(session) -> None:  # noqa: ANN001 - engine.session.Session
    tell_created_people(session)
    click.echo(_("Plan {id} created. Everything you answer is saved at once.").format(
        id=session.plan.id))


def tell_created_people(session) -> None:  # noqa: ANN001 - engine.session.Session
    from engine.people import describe

    for person in session.created_people:
        click.echo(_("New in the people register: {person}").format(person=describe(person)))


def people_refs(store, people: dict[str, str], path: str, positions, problems: list) -> dict:  # noqa: ANN001
    """The answers file's people as the register knows them; a name that fits two people is a
    problem at its line, an unknown one a new person."""
    from engine.errors import Problem, UsageError
    from engine.people import ref_for
    from engine.yamlfile import position

    refs = {}
    for role, ref in people.items():
        try:
            refs[role] = ref_for(store, ref)
        except UsageError as exc:
            problems.append(Problem(str(path), str(exc).replace("\n", ";"),
                                    *position(positions, ("people", role)), f"people.{role}"))
    return refs


def ask_people_or_stop(pack, ask, store) -> tuple[dict, str]:  # noqa: ANN001
    """The people and the date of a new plan; Ctrl-C here stores nothing and exits 130."""
    try:
        return ask_people(pack, ask, store)
    except click.Abort:
        from .interview import hint_without_terminal

        click.echo("\n" + _("Stopped before anything was stored."), err=True)
        hint_without_terminal()
        sys.exit(130)


def ask_people(pack, ask, store) -> tuple[dict, str]:  # noqa: ANN001
    """Each role's person, offered from the register as the name is typed, and the date."""
    from engine.answers import InvalidAnswer, clean_name, coerce

    people = {}
    for role in pack.roles:
        required = role == pack.subject_role
        while True:
            title = pack.role_name(role)
            raw = ask(_("Name ({role})").format(role=title[:1].lower() + title[1:])
                      + (" *" if required else ""))
            try:
                name = clean_name(raw)
            except InvalidAnswer as exc:
                click.secho(f"✗ {exc}", fg="red")
                continue
            if name in ("?", "<", "!", "-"):
                click.echo(_("Type the name of a person here; the commands (? < ! -) work "
                             "at the questions."))
                continue
            if not name and not required:
                break
            chosen = choose_person(store, name, ask) if name else None
            if chosen is not None:
                people[role] = chosen
                break
    today = Date.today()
    while True:
        raw = ask(_("Date of the conversation"), today.strftime("%d-%m-%Y"))
        try:
            return people, coerce({"type": "date"}, raw or today.isoformat(), pack)
        except InvalidAnswer as exc:
            click.secho(f"✗ {exc}", fg="red")


def choose_person(store, text: str, ask):  # noqa: ANN001, ANN201 - Store, PersonRef | None
    """The person ``text`` names: the one match, a choice among several (or suggestions), or a
    new person. None: type the name again."""
    from engine.people import PersonRef, describe, nfc

    text = nfc(text)
    found = store.find_people(text)
    if len(found) == 1:
        click.echo("  → " + describe(found[0]))
        return PersonRef(found[0]["name"], found[0]["id"])
    candidates = found or store.search_people(text)
    if not candidates:
        click.echo("  → " + _("new in the people register: {name}").format(name=text))
        return PersonRef(text)
    click.echo(_("{n} people are called {name}:").format(n=len(found), name=text) if found
               else _("In the people register:"))
    for i, person in enumerate(candidates, start=1):
        click.echo(f"  {i}. {describe(person)}")
    click.echo("  0. " + _("a new person: {name}").format(name=text))
    while True:
        raw = ask(_("Which one (number; < types the name again)") if found else
                  _("Which one (number; Enter or 0: a new person; < types the name again)"))
        word = raw.strip()
        if word == "<":
            return None
        if word == "0" or (not word and not found):
            click.echo("  → " + _("new in the people register: {name}").format(name=text))
            return PersonRef(text)
        if word.isdigit() and 1 <= int(word) <= len(candidates):
            person = candidates[int(word) - 1]
            return PersonRef(person["name"], person["id"])


def choose_unfinished(app: App) -> str:
    from engine.errors import UsageError

    from .interview import ask

    plans = [p for state in AGENDA_PHASES for p in app.store.list_plans(state=state, limit=50)]
    if not plans:
        raise UsageError(_("no unfinished plans; start one with: pop run --pack ID "
                           "(see pop packs list)"))
    click.echo(_("Unfinished plans:"))
    for i, p in enumerate(plans, start=1):
        click.echo(f"  {i}. {p['id']}  {p['person']}  {p['pack']}  {p['state_title']}")
    while True:
        raw = ask(_("Which plan (number)"))
        if raw.strip().isdigit() and 1 <= int(raw) <= len(plans):
            return plans[int(raw) - 1]["id"]
