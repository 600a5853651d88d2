"""``pop store``: which store pop uses, setting up an organisation's database, moving a store."""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from engine.i18n import _

from .context import App, echo_json, json_option, pass_app


def register(cli: click.Group) -> None:
    @cli.group(help=_("The plan store: a SQLite file in the data folder (the default) or an "
                      "organisation's PostgreSQL database (--store URL or POP_STORE)."))
    def store() -> None:
        pass

    @store.command(help=_("Create pop's tables in an empty database (a SQLite file is created "
                          "by itself). Refuses a database that holds something else."))
    @json_option
    @pass_app
    def init(app: App, as_json: bool) -> None:
        _set_up(app, "init", as_json)

    @store.command(help=_("Bring the store's schema up to this pop's version."))
    @json_option
    @pass_app
    def migrate(app: App, as_json: bool) -> None:
        _set_up(app, "migrate", as_json)

    @store.command(help=_("Which store pop uses, its schema version and how many rows it "
                          "holds."))
    @json_option
    @pass_app
    def info(app: App, as_json: bool) -> None:
        about = app.store.info()
        if as_json:
            echo_json(about)
            return
        click.echo(_("Store: {kind} {where}").format(kind=about["store"], where=about["where"]))
        click.echo(_("Schema: {version}").format(version=about["schema"]))
        for table, count in about["counts"].items():
            click.echo(f"  {table:<11} {count:>8}")

    @store.command(help=_("Copy a whole store (plans, events, signatures, check-ins, people) "
                          "into an empty one and check the copy before saying done. SOURCE and "
                          "TARGET are URLs: postgresql://user@host:port/database, or "
                          "sqlite:///path/to/pop.sqlite3 for a file."))
    @click.argument("source")
    @click.argument("target")
    @json_option
    def copy(source: str, target: str, as_json: bool) -> None:
        from engine.errors import UsageError
        from engine.store import open_store, sqlite_path
        from engine.store_copy import copy_store

        if source.startswith("sqlite://"):
            path = sqlite_path(source, make_folder=False)
            if not os.path.isfile(path):
                raise UsageError(_("no store at {path}").format(path=path))
        opened = [open_store(url=source)]
        try:
            opened.append(open_store(url=target, setup="init"))
            result = copy_store(*opened, progress=None if as_json else _progress())
        finally:
            for one in opened:
                one.close()
        if as_json:
            echo_json(result)
            return
        if sys.stderr.isatty():
            click.echo("", err=True)
        click.echo(_("Copied {source} to {target} and checked: the same rows ({rows}) and the "
                     "same plans.").format(source=result["source"], target=result["target"],
                                           rows=sum(result["counts"].values())))


def _set_up(app: App, setup: str, as_json: bool) -> None:
    from engine.store import open_store

    store = app._store = open_store(app.data_dir, app.store_url, setup=setup)
    about = {**store.info(), "migrated": store.migrated}
    if as_json:
        echo_json(about)
        return
    if store.migrated:
        click.echo(_("Store ready: {where} (schema {version}).").format(
            where=about["where"], version=about["schema"]))
    else:
        click.echo(_("The store {where} is up to date (schema {version}); nothing to do.")
                   .format(where=about["where"], version=about["schema"]))


def _progress() -> Any:
    """Where a copy stands, on stderr: one line rewritten on a terminal, one per step if not."""
    tty = sys.stderr.isatty()
    last: dict[str, Any] = {}

    def show(step: str, done: int, total: int) -> None:
        label = _("checking the copy") if step == "verify" else step
        if tty:
            click.echo(f"\r{label}: {done}/{total}\033[K", err=True, nl=False)
        elif done == total and last.get(step) != total:
            click.echo(f"{label}: {done}/{total}", err=True)
        last[step] = done

    return show
