"""``pop plugins``: what is loaded, what it hooks into, and what failed to load."""

from __future__ import annotations

import click

from engine.i18n import _

from .context import App, echo_json, json_option, pass_app


def register(cli: click.Group) -> None:
    @cli.command(help=_("List the loaded plugins and their hooks."))
    @json_option
    @pass_app
    def plugins(app: App, as_json: bool) -> None:
        listing = app.plugins.listing()
        if as_json:
            echo_json(listing)
            return
        for item in listing:
            kind = _("built-in") if item["builtin"] else _("plugin")
            click.echo(f"{item['name']} ({kind})")
            if item.get("error"):
                click.echo("  " + _("failed to load: {error}").format(error=item["error"]))
            for hook in item["hooks"]:
                click.echo(f"  - {hook}")
