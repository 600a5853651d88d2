"""The plugin manager: pop's built-ins plus third-party plugins from the entry-point group ``pop``.

Built in a function, never at import time, so tests get a fresh one. Entry points are loaded
one by one: a broken plugin is reported by name and the others keep working. Set
``POP_DISABLE_PLUGINS=1`` to load only the built-ins (for when a plugin misbehaves).
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable
from functools import cached_property
from typing import Any, NamedTuple

from .entrypoints import entry_points, plugins_enabled
from .i18n import _

DEFAULT_PLUGINS = (
    "engine.default_plugins.packs",
    "engine.default_plugins.checks",
    "engine.default_plugins.formats",
    "engine.default_plugins.filters",
)


class PluginFailure(NamedTuple):
    plugin: str
    error: str

    def __str__(self) -> str:
        return _("plugin {plugin}: {error}").format(plugin=self.plugin, error=self.error)


class NamedCheck(NamedTuple):
    name: str
    function: Callable[..., Any]
    args_schema: dict | None
    plugin: str
    #: ``validate(args, pack)``: what is wrong with a rule's args beyond ``args_schema``, as
    #: ``[(path in args, message)]``, called by ``pop packs validate``
    validate: Callable[..., Any] | None = None


class OutputFormat(NamedTuple):
    name: str
    function: Callable[..., Any]
    media_type: str
    suffix: str
    plugin: str


class Plugins:
    """The loaded plugins and what they contribute, gathered once on first use."""

    def __init__(self, manager: Any, failures: list[PluginFailure] | None = None):
        self.manager = manager  # pluggy.PluginManager; pluggy is imported when plugins are built
        self.failures = [] if failures is None else failures

    def call(self, plugin: str, what: str, function: Callable[..., Any], *args: Any,
             **kwargs: Any) -> tuple[bool, Any]:
        """``(True, result)`` of one call into a plugin, or ``(False, None)`` when it failed.

        Anything it raises (``SystemExit`` and ``KeyboardInterrupt`` too: Ctrl-C while a
        plugin waits on a server skips that plugin) and a call over the time limit
        (``POP_PLUGIN_SECONDS``) is that plugin's failure, reported with its name; pop goes on.
        """
        from .timelimit import TooSlow

        seconds = plugin_seconds()
        try:
            return True, within(seconds, function, args, kwargs)
        except TooSlow:
            self.fail(plugin, _("{what}: took longer than {seconds:g} s, so pop went on without "
                                "it ({name} changes the limit)").format(
                what=what, seconds=seconds, name=PLUGIN_SECONDS_ENV))
        except BaseException as exc:  # a plugin's bug must not stop pop or lose data
            self.fail(plugin, f"{what}: {type(exc).__name__}: {exc}")
        return False, None

    def call_each(self, hook: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Call every implementation of ``hook``; a failing one is reported, not fatal."""
        results = []
        for impl in reversed(getattr(self.manager.hook, hook).get_hookimpls()):
            done, result = self.call(impl.plugin_name, hook, impl.function, **{
                name: kwargs[name] for name in impl.argnames if name in kwargs})
            if done:
                results.append((impl.plugin_name, result))
        return results

    def fail(self, plugin: str, error: str) -> None:
        failure = PluginFailure(plugin, error)
        self.failures.append(failure)
        print(f"pop: {failure}", file=sys.stderr)

    def _register_via(self, hook: str, make: Callable[..., Any]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        current = {"plugin": ""}

        def register(name: str, function: Callable[..., Any], *args: Any, **kw: Any) -> None:
            if not isinstance(name, str) or not name:
                raise TypeError(f"the name {name!r} is not text")
            if not callable(function):
                raise TypeError(f"{name!r} is not callable")
            found[name] = make(name, function, current["plugin"], *args, **kw)

        for impl in reversed(getattr(self.manager.hook, hook).get_hookimpls()):
            current["plugin"] = impl.plugin_name
            self.call(impl.plugin_name, hook, impl.function, register=register)
        return found

    def add_commands(self, cli: Any) -> None:
        """Let plugins add commands (``pop_register_commands``). A plugin that replaces or
        removes one of pop's own (``forget``, ``packs list``) is refused: its change is
        undone and reported, so that ``pop forget`` always is pop's."""
        builtin = _command_tree(cli)
        for impl in reversed(self.manager.hook.pop_register_commands.get_hookimpls()):
            self.call(impl.plugin_name, "pop_register_commands", impl.function, cli=cli)
            changed = [path for path, command in builtin.items()
                       if _command_at(cli, path) is not command]
            for path in sorted(changed, key=len):
                _command_at(cli, path[:-1]).commands[path[-1]] = builtin[path]
            if changed:
                self.fail(impl.plugin_name, _("may not replace pop's own command {command}")
                          .format(command="pop " + " ".join(min(changed, key=len))))

    @cached_property
    def checks(self) -> dict[str, NamedCheck]:
        return self._register_via(
            "pop_register_checks", lambda n, f, p, args_schema=None, validate=None:
            NamedCheck(n, f, args_schema, p, validate))

    @cached_property
    def formats(self) -> dict[str, OutputFormat]:
        return self._register_via(
            "pop_register_formats",
            lambda n, f, p, media_type="text/plain", suffix=".txt": OutputFormat(
                n, f, media_type, suffix, p))

    @cached_property
    def filters(self) -> dict[str, Callable[..., Any]]:
        return self._register_via("pop_register_filters", lambda n, f, p: f)

    @cached_property
    def pack_dirs(self) -> list[tuple[str, str]]:
        """(plugin name, folder) pairs, third-party plugins first, built-ins last."""
        out = []
        for plugin, dirs in self.call_each("pop_pack_dirs"):
            if dirs is None:
                continue
            if isinstance(dirs, str | os.PathLike) or not isinstance(dirs, list | tuple) or \
                    not all(isinstance(d, str | os.PathLike) and str(d) for d in dirs):
                self.fail(plugin, _("pop_pack_dirs returned {value}, not a list of folders")
                          .format(value=_shown(dirs)))
                continue
            out.extend((plugin, os.fspath(d)) for d in dirs)
        return out[::-1]

    def hooks_of(self, plugin: object) -> list[str]:
        callers = self.manager.get_hookcallers(plugin) or []
        return sorted(caller.name for caller in callers)

    def listing(self) -> list[dict]:
        out = []
        for name, plugin in self.manager.list_name_plugin():
            out.append({"name": name, "builtin": name in DEFAULT_PLUGINS,
                        "hooks": self.hooks_of(plugin)})
        out += [{"name": f.plugin, "builtin": False, "hooks": [], "error": f.error}
                for f in self.failures if f.plugin not in {o["name"] for o in out}]
        return out

    # lifecycle notifications ----------------------------------------------------------------
    def vetoes(self, plan: Any, source: str, dest: str) -> list[str]:
        found = []
        for name, reason in self.call_each("pop_before_transition", plan=plan, source=source,
                                           dest=dest):
            if reason and not isinstance(reason, str):
                self.fail(name, _("pop_before_transition returned {value}, not a reason (text) "
                                  "or None").format(value=_shown(reason)))
            elif reason:
                found.append(f"{name}: {reason}")
        return found

    def notify(self, hook: str, **kwargs: Any) -> None:
        self.call_each(hook, **kwargs)


PLUGIN_SECONDS = 10.0  # the longest one call into a plugin may take; the default of ...
PLUGIN_SECONDS_ENV = "POP_PLUGIN_SECONDS"  # ... this variable; 0 turns the limit off


def plugin_seconds() -> float:
    from .timelimit import seconds_from_env

    return seconds_from_env(PLUGIN_SECONDS_ENV, PLUGIN_SECONDS)


def within(seconds: float, function: Callable[..., Any], args: tuple, kwargs: dict) -> Any:
    """``function(*args, **kwargs)``, stopped after ``seconds``: by a signal in the main
    thread; elsewhere (``pop serve``) it runs in a thread of its own that is left behind."""
    import threading

    from .timelimit import TooSlow, deadline, signals_work

    if not seconds or signals_work():
        with deadline(seconds):
            return function(*args, **kwargs)
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["result"] = function(*args, **kwargs)
        except BaseException as exc:  # handed to the caller's thread
            outcome["error"] = exc

    worker = threading.Thread(target=run, daemon=True, name="pop-plugin")
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise TooSlow
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("result")


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _command_tree(group: Any, path: tuple = ()) -> dict[tuple, Any]:
    """Every command under ``group`` by its path of names (groups included)."""
    tree = {}
    for name, command in getattr(group, "commands", {}).items():
        tree[(*path, name)] = command
        tree.update(_command_tree(command, (*path, name)))
    return tree


def _command_at(group: Any, path: tuple) -> Any:
    for name in path:
        group = getattr(group, "commands", {}).get(name)
    return group


def _load(value: str) -> Any:
    module_name, _sep, attrs = value.partition(":")
    target: Any = importlib.import_module(module_name.strip())
    for attr in filter(None, attrs.strip().split(".")):
        target = getattr(target, attr)
    return target


def build_plugins(load_entry_points: bool | None = None) -> Plugins:
    """A fresh plugin manager with the built-ins and, unless disabled, installed plugins."""
    import pluggy

    from . import hookspecs

    manager = pluggy.PluginManager("pop")
    manager.add_hookspecs(hookspecs)
    plugins = Plugins(manager)
    for module_name in DEFAULT_PLUGINS:
        manager.register(importlib.import_module(module_name), name=module_name)
    if load_entry_points is None:
        load_entry_points = plugins_enabled()
    if load_entry_points:
        for name, value in entry_points():
            if manager.has_plugin(name):
                continue
            loaded, plugin = plugins.call(name, _("loading"), _load, value)
            if loaded:
                try:
                    manager.register(plugin, name=name)
                except Exception as exc:  # e.g. the same module under two names
                    plugins.fail(name, f"{type(exc).__name__}: {exc}")
    while True:  # a misspelled hook would silently never run: drop that plugin, say so
        try:
            manager.check_pending()
            break
        except pluggy.PluginValidationError as exc:
            name = manager.get_name(exc.plugin) or "?"
            manager.unregister(exc.plugin)
            plugins.fail(name, str(exc))
    return plugins


_current: Plugins | None = None


def get_plugins() -> Plugins:
    """The process's plugins, loaded on first use."""
    global _current
    if _current is None:
        _current = build_plugins()
    return _current


def reset_plugins(plugins: Plugins | None = None) -> None:
    """Drop (or replace) the process's plugins; for tests."""
    global _current
    _current = plugins
