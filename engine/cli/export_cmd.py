"""``pop export``, ``pop guide``, ``pop invite``: the documents people print, sign and keep."""

from __future__ import annotations

from pathlib import Path

import click

from engine.i18n import _

from .context import App, pass_app


def _output_options(f):  # noqa: ANN001, ANN202 - a click decorator
    f = click.option("--force", is_flag=True,
                     help=_("Overwrite FILE if it exists."))(f)
    return click.option("-o", "--output", "output_file", metavar="FILE",
                        type=click.Path(dir_okay=False),
                        help=_("Write to FILE (readable by you only) instead of the "
                               "terminal."))(f)


def register(cli: click.Group) -> None:
    @cli.command(help=_("Render a plan as a document: md (Markdown), html (a printable page), "
                        "json (the whole plan, for other systems), ics (the dates, for a "
                        "calendar), or a plugin's format."))
    @click.argument("plan_id", metavar="ID")
    @click.option("-f", "--format", "fmt", metavar="FORMAT",
                  help=_("md, html, json, ics, or a format a plugin adds; default: from the "
                         "suffix of FILE (.html, .json, .ics), else md."))
    @click.option("-t", "--template", metavar="NAME",
                  help=_("Which of the pack's documents (e.g. pop-sjabloon, uitnodiging); "
                         "default: the pack's plan document."))
    @_output_options
    @pass_app
    def export(app: App, plan_id: str, fmt: str | None, template: str | None,
               output_file: str | None, force: bool) -> None:
        plan = app.store.load_plan(plan_id)
        from engine.outputs import format_for_file

        fmt = fmt or format_for_file(output_file, app.plugins)
        emit(app, plan.pack, fmt, plan, template, output_file, force)

    @cli.command(help=_("Print a pack's conversation guide for the leader: the agenda, "
                        "guidance, tips, DO's and DON'Ts, and the questions."))
    @click.argument("pack_ref", metavar="PACK")
    @click.option("-f", "--format", "fmt", metavar="FORMAT",
                  help=_("md or html; default: html for a FILE ending in .html, else md."))
    @click.option("-t", "--template", metavar="NAME",
                  help=_("Which of the pack's guides; default: its own, else the built-in one."))
    @_output_options
    @pass_app
    def guide(app: App, pack_ref: str, fmt: str | None, template: str | None,
              output_file: str | None, force: bool) -> None:
        from engine.outputs import format_for_file

        pack = app.library().load(pack_ref)
        fmt = fmt or format_for_file(output_file, app.plugins, ("md", "html"))
        emit(app, pack, fmt, None, template, output_file, force)

    @cli.command(help=_("Print the invitation to a plan's conversation: the date and the "
                        "preparation questions for each role."))
    @click.argument("plan_id", metavar="ID")
    @click.option("-f", "--format", "fmt", metavar="FORMAT",
                  help=_("md or html; default: html for a FILE ending in .html, else md."))
    @_output_options
    @pass_app
    def invite(app: App, plan_id: str, fmt: str | None, output_file: str | None,
               force: bool) -> None:
        from engine.outputs import format_for_file, invitation

        plan = app.store.load_plan(plan_id)
        fmt = fmt or format_for_file(output_file, app.plugins, ("md", "html"))
        emit(app, plan.pack, fmt, plan, invitation(plan.pack), output_file, force)



def emit(app: App, pack, fmt: str, plan, template: str | None,  # noqa: ANN001
         output_file: str | None, force: bool) -> None:
    from engine.outputs import render

    document, _format = render(pack, fmt, plan, template, app.plugins)
    if output_file is None:
        click.echo(document, nl=False)
        return
    from engine.files import write_private

    write_private(Path(output_file), document, force)
    click.echo(_("Written to {file}.").format(file=output_file), err=True)

