"""``pop people``: the register of people — add, list, show, edit, import."""

from __future__ import annotations

from typing import Any

import click

from engine.i18n import _

from .context import App, echo_json, json_option, pass_app


def person_options(f: Any) -> Any:
    for option in reversed((
            click.option("--number", help=_("Employee number (unique).")),
            click.option("--hired", metavar="DATE", help=_("Hiring date.")),
            click.option("--team", help=_("Team or department.")),
            click.option("--leader", metavar="PERSON",
                         help=_("Their leader: an id, an employee number or a name.")),
            click.option("--email", help=_("E-mail address (for reminders)."))),):
        f = option(f)
    return f


def register(cli: click.Group) -> None:
    @cli.group(help=_("The people register: everyone who has a plan or takes part in one. "
                      "Wherever pop asks for a person, an id, an employee number or a name "
                      "will do."))
    def people() -> None:
        pass

    @people.command(help=_("Add a person to the register."))
    @click.argument("name")
    @person_options
    @json_option
    @pass_app
    def add(app: App, name: str, number: str | None, hired: str | None, team: str | None,
            leader: str | None, email: str | None, as_json: bool) -> None:
        from engine.people import check_fields, describe, name_key

        store = app.store
        fields = check_fields(store, {"name": name, "number": number, "hired": hired,
                                      "team": team, "leader": leader, "email": email})
        namesakes = [p for p in store.find_people(fields["name"])
                     if name_key(p["name"]) == name_key(fields["name"])]
        person = store.add_person(**fields)
        if as_json:
            echo_json(person)
            return
        click.echo(_("Added: {person}").format(person=describe(person)))
        for other in namesakes:
            click.secho(_("Note: {person} has the same name; tell them apart by id or "
                          "employee number.").format(person=describe(other)), fg="yellow")

    @people.command("list", help=_("List the people in the register."))
    @click.option("--team", help=_("Only this team."))
    @click.option("--leader", metavar="PERSON", help=_("Only the people this person leads."))
    @json_option
    @pass_app
    def list_(app: App, team: str | None, leader: str | None, as_json: bool) -> None:
        leader_id = app.person(leader)["id"] if leader else None
        found = app.store.list_people(team=team, leader_id=leader_id)
        if as_json:
            echo_json(found)
            return
        if not found:
            click.echo(_("Nobody in the register yet: pop people add NAME"))
            return
        heads = (_("id"), _("number"), _("name"), _("team"), _("leader"), _("hired"))
        click.echo(f"{heads[0]:<10}  {heads[1]:<8}  {heads[2]:<26} {heads[3]:<14} "
                   f"{heads[4]:<22} {heads[5]}")
        for p in found:
            click.echo(f"{p['id']:<10}  {p['number'] or '-':<8}  {p['name'][:26]:<26} "
                       f"{(p['team'] or '-')[:14]:<14} {(p['leader'] or '-')[:22]:<22} "
                       f"{p['hired'] or '-'}")

    @people.command(help=_("Show a person: their record and the plans they are in."))
    @click.argument("person")
    @json_option
    @pass_app
    def show(app: App, person: str, as_json: bool) -> None:
        who = app.person(person)
        found = app.store.person_plans(who["id"])
        if as_json:
            echo_json({**who, "plans": found["own"], "in_plans_of_others": found["appears"]})
            return
        click.echo(f"{who['name']} ({who['id']})")
        for key, label in (("number", _("Employee number")), ("hired", _("Hired")),
                           ("team", _("Team")), ("leader", _("Leader")),
                           ("email", _("E-mail"))):
            if who.get(key):
                click.echo(f"  {label}: {who[key]}")
        rows = {r["id"]: r for r in app.store.list_plans(person=who["id"], limit=None)}
        click.echo(_("Plans about them: {n}").format(n=len(found["own"])))
        for plan_id in found["own"]:
            row = rows[plan_id]
            click.echo(f"  {row['id']}  {row['date'] or '-':<10}  {row['pack']:<11} "
                       f"{row['state_title']}")
        if found["appears"]:
            click.echo(_("In plans of others: {ids}").format(ids=", ".join(found["appears"])))

    @people.command(help=_("Change a person's record; an empty value ('') clears a field."))
    @click.argument("person")
    @click.option("--name", help=_("Their name as it is shown."))
    @person_options
    @json_option
    @pass_app
    def edit(app: App, person: str, name: str | None, number: str | None, hired: str | None,
             team: str | None, leader: str | None, email: str | None, as_json: bool) -> None:
        from engine.errors import UsageError
        from engine.people import check_fields, describe

        store = app.store
        who = app.person(person)
        fields = check_fields(store, {"name": name, "number": number, "hired": hired,
                                      "team": team, "leader": leader, "email": email},
                              who["id"])
        if not fields:
            raise UsageError(_("nothing to change: give --name, --number, --hired, --team, "
                               "--leader or --email"))
        changed = store.edit_person(who["id"], **fields)
        if as_json:
            echo_json(changed)
            return
        click.echo(_("Changed: {person}").format(person=describe(changed)))

    @people.command("import", help=_("Add or update people from a CSV file with a header row "
                                     "(naam, nummer, in dienst, team, leidinggevende, e-mail; "
                                     "or in English). A known employee number updates that "
                                     "person. Nothing is imported when a line is wrong."))
    @click.argument("file", type=click.Path(dir_okay=False))
    @json_option
    @pass_app
    def import_(app: App, file: str, as_json: bool) -> None:
        from engine.people import import_people

        result = import_people(app.store, file)
        if as_json:
            echo_json(result)
            return
        click.echo(_("Imported {file}: {added} added, {updated} updated.").format(
            file=file, **result))
