"""``pop serve``: the plans in a browser, and preparing on a phone."""

from __future__ import annotations

import click

from engine.i18n import _

from .context import App, pass_app

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def register(cli: click.Group) -> None:
    @cli.command(help=_("Serve the plans in a browser: the leader's pages (open the address "
                        "it prints, with its token) and the links of pop prepare --link, "
                        "with which someone prepares on their own phone. Stop with Ctrl-C."))
    @click.option("--host", default="127.0.0.1", show_default=True,
                  help=_("Address to listen on; another than this computer needs "
                         "--allow-remote."))
    @click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True,
                  help=_("Port to listen on."))
    @click.option("--allow-remote", is_flag=True,
                  help=_("Listen on an address other computers reach (put it behind a "
                         "reverse proxy with TLS)."))
    @click.option("--behind-proxy", is_flag=True,
                  help=_("A reverse proxy on this computer passes the requests on: take the "
                         "visitor's address and https from its X-Forwarded-For and "
                         "X-Forwarded-Proto headers."))
    @click.option("--token", envvar="POP_SERVE_TOKEN", metavar="TOKEN",
                  help=_("The leader's token (default: a new random one each start). Also "
                         "POP_SERVE_TOKEN."))
    @pass_app
    def serve(app: App, host: str, port: int, allow_remote: bool, behind_proxy: bool,
              token: str | None) -> None:
        from engine.errors import UsageError

        if host not in LOCAL_HOSTS and not allow_remote:
            raise UsageError(_("--host {host} lets other computers in: add --allow-remote "
                               "(and put pop behind a reverse proxy with TLS)").format(host=host))
        if token is not None and len(token) < 16:
            raise UsageError(_("--token must be at least 16 characters"))
        import uvicorn

        from engine.web.app import Web, create_app
        from engine.web.security import Guard

        app.store.close()  # the store opens here, so a wrong --store stops before listening
        guard = Guard(token)
        web = Web(app.data_dir, app.store_url, guard)
        shown = f"[{host}]" if ":" in host else host
        if host not in LOCAL_HOSTS:
            click.secho(_("Warning: pop serves plain HTTP; anyone on the network path can read "
                          "it. Put it behind a reverse proxy with TLS."), fg="yellow", err=True)
        click.echo(_("pop serves on http://{host}:{port}/ (Ctrl-C stops)").format(
            host=shown, port=port))
        click.echo(_("Leader's address (keep it to yourself): {url}").format(
            url=f"http://{shown}:{port}/?token={guard.leader_token}"))
        config = uvicorn.Config(create_app(web), host=host, port=port, log_level="warning",
                                access_log=False, server_header=False,
                                proxy_headers=behind_proxy, forwarded_allow_ips="127.0.0.1,::1")
        uvicorn.Server(config).run()
