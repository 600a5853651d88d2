"""The ``pop`` command line. Thin: parse, call the core, print.

Commands are built in functions (not at import), after the language is chosen, so that
every help text is in the user's language; plugins add theirs through a hook. The table in
:mod:`engine.cli.commands` (generated) names each command's module and help, so that a command
imports only its own module, and ``pop --help`` none; plugins are looked for only when a name
is not pop's own, or for the list of commands.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
from collections.abc import Sequence

import click

from engine import __version__
from engine.errors import PopError, ProblemsError
from engine.i18n import (
    LANGUAGES,
    N_,
    _,
    current_language,
    localize_click,
    set_language,
    unknown_env_language,
)

from .commands import COMMANDS
from .context import App

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}
MAX_HELP_WIDTH = 100


def help_width() -> int:
    """The width click's help would take (the terminal's, at most 100), found as
    ``shutil.get_terminal_size`` finds it without importing shutil (2 ms of a start)."""
    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
    return max(min(columns or 80, MAX_HELP_WIDTH) - 2, 50)


class PopGroup(click.Group):
    """Turns a user's mistake (:class:`PopError`) into a message and an exit code; loads a
    command's module when the command is asked for."""

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003 - click's
        super().__init__(*args, **kwargs)
        self._loaded: set[str] = set()
        self._plugins_added = False

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._add_plugin_commands()
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands:
            if name in COMMANDS:
                self._load(name)
            else:
                self._add_plugin_commands()
            if name in self.commands:
                localize_usage(self.commands[name])
        return self.commands.get(name)

    def _load(self, name: str) -> None:
        for module in COMMANDS[name][0]:
            if module not in self._loaded:
                self._loaded.add(module)
                importlib.import_module(f"engine.cli.{module}").register(self)

    def _add_plugin_commands(self) -> None:
        if not self._plugins_added:
            self._plugins_added = True
            from engine.entrypoints import third_party_plugins

            if third_party_plugins():  # only plugins add commands: without any, skip loading
                from engine.plugins import get_plugins

                for name in COMMANDS:  # all of pop's own first: no plugin may replace one
                    self._load(name)
                get_plugins().add_commands(self)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The list of commands from the table: no command module is imported for it."""
        shown = [name for name in self.list_commands(ctx) if not (
            self.commands[name].hidden if name in self.commands else COMMANDS[name][2])]
        if not shown:
            return
        limit = formatter.width - 6 - max(map(len, shown))
        rows = [(name, (self.commands.get(name) or click.Command(name, help=_(COMMANDS[name][1])))
                 .get_short_help_str(limit)) for name in shown]
        with formatter.section(_("Commands")):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except ProblemsError as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            ctx.exit(exc.exit_code)
        except PopError as exc:
            click.echo(_("pop: {message}").format(message=exc), err=True)
            ctx.exit(exc.exit_code)
        except Exception as exc:
            if type(exc).__module__ != "sqlite3":  # a bug: let it show
                raise
            if "locked" in str(exc) or "busy" in str(exc):
                from engine.store import busy_message

                opened = getattr(ctx.obj, "_store", None)
                click.echo(_("pop: {message}").format(message=busy_message(
                    opened.where if opened else "")), err=True)
                ctx.exit(4)
            if "full" in str(exc):  # the command's transaction was rolled back whole
                click.echo(_("pop: the disk of the plan store is full: this change was not "
                             "saved; free some space and try again"), err=True)
                ctx.exit(2)
            # the store became unreadable mid-command (a damaged file)
            click.echo(_("pop: the plan store cannot be read or written: {error}").format(
                error=exc), err=True)
            ctx.exit(2)


def _lang_from_argv(argv: Sequence[str]) -> str | None:
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


# click's own words in a usage line, which its catalog cannot reach (they are not messages)
_TYPE_METAVARS = {"text": N_("TEXT"), "integer": N_("INTEGER"), "float": N_("NUMBER"),
                  "boolean": N_("BOOLEAN")}


def localize_usage(command: click.Command) -> None:
    """``[OPTIONS]``, ``COMMAND [ARGS]...`` and a type's ``TEXT`` in the language in force,
    in ``command`` and every command under it (plugins' commands included)."""
    if command.options_metavar == "[OPTIONS]":
        command.options_metavar = _("[OPTIONS]")
    if isinstance(command, click.Group):
        if command.subcommand_metavar == "COMMAND [ARGS]...":
            command.subcommand_metavar = _("COMMAND [ARGS]...")
        for sub in command.commands.values():
            localize_usage(sub)
    for param in command.params:
        name = _TYPE_METAVARS.get(param.type.name)
        if param.metavar is None and name and isinstance(param, click.Option) \
                and not param.is_flag:
            param.metavar = _(name) + ("..." if param.nargs != 1 else "")


def build_cli() -> click.Group:
    """The command tree, in the language in force (commands and plugins load when used)."""
    @click.group(cls=PopGroup, context_settings={**CONTEXT_SETTINGS,
                                                 "terminal_width": help_width()},
                 help=_("pop: POP-gesprekken (personal development plans) as guided, "
                        "rule-checked conversations, from content packs."))
    @click.version_option(__version__, "-V", "--version", prog_name="pop",
                          message="%(prog)s %(version)s", help=_("Show the version and exit."))
    @click.option("--lang", type=click.Choice(LANGUAGES),
                  help=_("Language of pop's messages and layouts: nl or en. Without it: "
                         "POP_LANG, else the locale (LC_ALL, LC_MESSAGES, LANG) when it is "
                         "Dutch or English, else nl."))
    @click.option("--data-dir", type=click.Path(file_okay=False), envvar="POP_HOME",
                  help=_("Where plans are stored. Also POP_HOME."))
    @click.option("--store", "store_url", metavar="URL", envvar="POP_STORE",
                  help=_("The store to use: postgresql://user@host:port/database for an "
                         "organisation's database (default: the SQLite file in the data "
                         "folder). Also POP_STORE."))
    @click.pass_context
    def cli(ctx: click.Context, lang: str | None, data_dir: str | None,
            store_url: str | None) -> None:
        if lang and lang != current_language():  # main() set it already from argv and POP_LANG
            localize_click(set_language(lang))
        ctx.obj = App(data_dir=data_dir, store_url=store_url)
        ctx.call_on_close(ctx.obj.close)

    localize_usage(cli)
    return cli


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point."""
    args = list(sys.argv[1:] if argv is None else argv)
    from engine.text import has_surrogates, shown

    for arg in args:
        if has_surrogates(arg):  # bytes from a terminal or script in another character set
            localize_click(set_language(_lang_from_argv(args)))
            click.echo(_("pop: {arg!r} is not valid UTF-8 text (is the terminal or script set "
                         "to another character set?)").format(arg=shown(arg)), err=True)
            sys.exit(2)
    localize_click(set_language(_lang_from_argv(args)))
    if _lang_from_argv(args) is None and unknown_env_language() is not None:
        click.echo(_("pop: POP_LANG={value!r} is not a language of pop (nl, en)").format(
            value=shown(unknown_env_language())), err=True)
        sys.exit(2)
    from engine.text import TerminalSafe

    # a name or an answer must never drive the terminal (escape sequences), nor a pipe's reader
    sys.stdout, sys.stderr = TerminalSafe(sys.stdout), TerminalSafe(sys.stderr)
    cli = build_cli()
    try:
        cli.main(args, prog_name="pop", standalone_mode=True)
    finally:
        # Everything is written and closed by now. What remains is the interpreter's last
        # garbage collection over every object of the run (ruamel, transitions, the pack):
        # about 10 ms of the exit of `pop run`. Frozen objects are left to the process's end.
        gc.freeze()
