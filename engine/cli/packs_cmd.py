"""``pop packs``: list, show and validate content packs."""

from __future__ import annotations

import click

from engine.i18n import N_, _

from .context import App, echo_json, json_option, pass_app

PHASE_NAMES = {
    "preparation": N_("Preparation"), "conversation": N_("Conversation"),
    "follow_up": N_("Follow-up"), "evaluation": N_("Evaluation"),
}
SEVERITY_NAMES = {"error": N_("error"), "warning": N_("warning"), "hint": N_("hint")}


def _phase_label(phase: str) -> str:
    return _(PHASE_NAMES.get(phase, phase))


def register(cli: click.Group) -> None:
    extra_packs = click.option(
        "--pack", "extra", multiple=True, type=click.Path(),
        help=_("An extra folder of packs, or a pack folder (may be repeated)."))

    @cli.group(help=_("List, show and validate content packs."))
    def packs() -> None:
        pass

    @packs.command("list", help=_("List the packs pop can find."))
    @extra_packs
    @json_option
    @pass_app
    def list_(app: App, extra: tuple[str, ...], as_json: bool) -> None:
        entries = list(app.library(extra).entries().values())
        if as_json:
            echo_json([e.as_dict() for e in entries])
            return
        if not entries:
            click.echo(_("No packs found."))
            return
        width = max(len(e.id) for e in entries)
        for e in entries:
            line = f"{e.id:<{width}}  {e.version:<8} {e.name}  [{e.origin}]"
            if e.error:
                line += "  " + _("(invalid: {error})").format(error=e.error)
            click.echo(line)

    @packs.command(help=_("Show a pack's agenda: phases, steps, questions and rules."))
    @click.argument("pack")
    @extra_packs
    @json_option
    @pass_app
    def show(app: App, pack: str, extra: tuple[str, ...], as_json: bool) -> None:
        loaded = app.library(extra).load(pack)
        if as_json:
            echo_json(loaded.data)
            return
        click.echo(describe(loaded))

    @packs.command(help=_("Validate pack folders or pack.yaml files. Exit 0 when all are "
                          "valid, 2 when any is not."))
    @click.argument("paths", nargs=-1, required=True)
    @extra_packs
    @json_option
    @pass_app
    def validate(app: App, paths: tuple[str, ...], extra: tuple[str, ...], as_json: bool) -> None:
        from engine.errors import Problem, ProblemsError, UsageError

        library = app.library(extra)
        results = []
        for ref in paths:
            try:
                path = library.find(ref)
                pack, problems = library.validate(path)
            except ProblemsError as exc:
                pack, problems = None, exc.problems
            except UsageError as exc:
                pack, problems = None, [Problem(ref, str(exc))]
            results.append((ref, pack, problems))
        if as_json:
            echo_json([{"path": ref, "valid": not problems, "id": pack.id if pack else None,
                        "problems": [p.as_dict() for p in problems]}
                       for ref, pack, problems in results])
        else:
            for ref, pack, problems in results:
                for problem in problems:
                    click.echo(str(problem), err=True)
                if not problems and pack is not None:
                    click.echo(_("{path}: valid ({id} {version})").format(
                        path=ref, id=pack.id, version=pack.version))
        if any(problems for _ref, _pack, problems in results):
            raise SystemExit(2)

    @packs.command(help=_("Print a JSON Schema: of packs (for editors), or with a pack id, "
                          "of that pack's answers file; with --editor, of that pack's own "
                          "file, its ids listed where ids belong."))
    @click.argument("pack", required=False)
    @click.option("--editor", is_flag=True,
                  help=_("The schema of PACK's pack.yaml, for an editor to complete its ids."))
    @extra_packs
    @pass_app
    def schema(app: App, pack: str | None, editor: bool, extra: tuple[str, ...]) -> None:
        if editor:
            from engine.editor_schema import editor_schema
            from engine.errors import UsageError

            if pack is None:
                raise UsageError(_("--editor needs a pack: pop packs schema ID --editor"))
            echo_json(editor_schema(app.library(extra).load(pack), app.plugins))
            return
        if pack is None:
            from engine.resources import schema_path

            with open(schema_path("pack.schema.json"), encoding="utf-8") as f:
                click.echo(f.read(), nl=False)
            return
        from engine.answers import answers_schema

        echo_json(answers_schema(app.library(extra).load(pack)))


def describe(pack) -> str:  # noqa: ANN001 - engine.pack.Pack, imported lazily
    """The agenda of a pack as readable text."""
    lines = [f"{pack.id} {pack.version} — {pack.name}"]
    roles = ", ".join(f"{pack.role_name(r)} ({r})" for r in pack.roles)
    lines.append(_("Language: {lang} · Roles: {roles}").format(lang=pack.language, roles=roles))
    for source in pack.data.get("sources", []):
        lines.append(_("Source: {title}").format(title=source["title"]))
    number = 0
    for phase in pack.phases:
        title = pack.text(pack.phase(phase).get("title")) or _phase_label(phase)
        lines += ["", f"{title} ({_phase_label(phase)})"]
        for step in pack.steps(phase):
            number += 1
            lines.append(f"  {number}. {pack.text(step['title'])}  [{step['id']}]")
            for q in step.get("questions", []):
                who = pack.role_name(q.get("answered_by") or step.get("answered_by"))
                kind = q.get("type", "text") + ("*" if q.get("required") else "")
                extra = f", {who}" if who else ""
                lines.append(f"       - {pack.text(q['text'])}  [{q['id']}: {kind}{extra}]")
                for f in q.get("fields", []):
                    lines.append(f"           · {pack.text(f['text'])}  [{f['id']}]")
            for rule in pack.rules_at(step["id"]):
                lines.append(f"       ! {_(SEVERITY_NAMES[rule['severity']])}: "
                             f"{pack.text(rule['message'])}"
                             f"  [{rule['id']}]")
        for rule in pack.rules_at(phase):
            lines.append(f"  ! {_(SEVERITY_NAMES[rule['severity']])}: "
                         f"{pack.text(rule['message'])}  [{rule['id']}]")
    if pack.schedule:
        lines += ["", _("Schedule")]
        for item in pack.schedule:
            if item.get("kind") == "first_pop":
                when = _("{n} days after hiring, without a plan").format(n=item["offset_days"])
            elif "offset_days" in item:
                when = _("{n} days from the conversation").format(n=item["offset_days"])
            else:
                when = _("date from {q}").format(q=item["question"])
            lines.append(f"  - {pack.text(item['title'])}: {when}")
    if pack.outputs:
        lines += ["", _("Outputs")]
        lines += [f"  - {o['id']}: {pack.text(o['title'])} ({o['template']})" for o in pack.outputs]
    lines.append("")
    lines.append(_("* required"))
    return "\n".join(lines)
