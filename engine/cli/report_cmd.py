"""``pop report``: the organisation's view of its POPs, one row per person."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from engine.i18n import _

from .context import App, pass_app

_SUFFIXES = {".csv": "csv", ".xlsx": "xlsx", ".html": "html", ".htm": "html", ".json": "json"}


def register(cli: click.Group) -> None:
    @cli.command(help=_("The organisation's view: one row per person of the register, with "
                        "their current plan, where it stands, the last conversation, what is "
                        "due next and how late, their actions by status and whether the plan "
                        "is signed; people without a plan too."))
    @click.option("--team", help=_("Only this team."))
    @click.option("--leader", metavar="PERSON", help=_("Only the people this person leads."))
    @click.option("--pack", "pack_id", metavar="ID", help=_("Only plans of this pack count."))
    @click.option("--since", metavar="DATE",
                  help=_("Only plans with a conversation on or after DATE count."))
    @click.option("-f", "--format", "fmt", type=click.Choice(
        ["table", "csv", "xlsx", "html", "json"]),
                  help=_("table (default), csv, xlsx, html or json; default: from the suffix "
                         "of FILE."))
    @click.option("--json", "as_json", is_flag=True, help=_("Print JSON for scripts."))
    @click.option("-o", "--output", "output_file", metavar="FILE",
                  type=click.Path(dir_okay=False),
                  help=_("Write to FILE (readable by you only) instead of the terminal."))
    @click.option("--force", is_flag=True, help=_("Overwrite FILE if it exists."))
    @click.option("--inspection", is_flag=True,
                  help=_("The inspection dossier instead: a ZIP file (-o FILE) with every "
                         "plan of --year as an HTML document and an index.csv."))
    @click.option("--year", type=click.IntRange(1900, 2999), metavar="YEAR",
                  help=_("With --inspection: the year of the conversations (default: this "
                         "year)."))
    @click.option("--today", hidden=True)
    @pass_app
    def report(app: App, team: str | None, leader: str | None, pack_id: str | None,
               since: str | None, fmt: str | None, as_json: bool, output_file: str | None,
               force: bool, inspection: bool, year: int | None, today: str | None) -> None:
        from engine.clock import today as clock_today
        from engine.errors import UsageError
        from engine.report import person_rows, summary
        from engine.report_output import render

        if inspection:
            _inspection(app, year or clock_today(today).year, output_file, force)
            return

        fmt = "json" if as_json else fmt or _SUFFIXES.get(
            Path(output_file).suffix.lower() if output_file else "", "table")
        if fmt == "xlsx" and output_file is None and sys.stdout.isatty():
            raise UsageError(_("an xlsx workbook is not for the terminal: give -o FILE"))
        since_date = None
        if since:
            from engine.dates import parse_date

            parsed = parse_date(since)
            if parsed is None:
                raise UsageError(_("--since {value!r} is not a date (e.g. 01-01-2026)").format(
                    value=since))
            since_date = parsed.isoformat()
        leader_id = app.person(leader)["id"] if leader else None
        extra = [app.library().load(pack_id)] if pack_id else []
        day = clock_today(today)
        rows = person_rows(app.store, day, team=team, leader_id=leader_id, pack=pack_id,
                           since=since_date, extra_packs=extra)
        document = render(fmt, {
            "today": day.isoformat(),
            "filters": {"team": team, "leader": leader, "pack": pack_id, "since": since_date},
            "summary": summary(rows), "rows": rows})
        if output_file is None:
            if isinstance(document, bytes):
                click.get_binary_stream("stdout").write(document)
            else:
                click.echo(document, nl=False)
            return
        from engine.files import write_private

        write_private(Path(output_file), document, force)
        click.echo(_("Written to {file}.").format(file=output_file), err=True)


def _inspection(app: App, year: int, output_file: str | None, force: bool) -> None:
    from engine.errors import UsageError
    from engine.files import write_private
    from engine.inspection import dossier

    if not output_file:
        raise UsageError(_("--inspection writes a ZIP file: give -o FILE (e.g. dossier.zip)"))

    def progress(done: int, total: int) -> None:
        if sys.stderr.isatty():
            click.echo(f"\r{done}/{total}", err=True, nl=done == total)

    data, count = dossier(app.store, year, app.plugins, progress)
    write_private(Path(output_file), data, force)
    click.echo(_("Written to {file}: {n} plans of {year} and index.csv.").format(
        file=output_file, n=count, year=year), err=True)
