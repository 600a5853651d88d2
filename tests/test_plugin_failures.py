"""A plugin's failing hook is reported with the plugin's name and never loses the user's data."""

from __future__ import annotations

import json

import pytest
from helpers import EXAMPLES

from engine import hookimpl


class Broken:
    """Observes everything and fails every time."""

    def __init__(self):
        self.calls: list[str] = []

    @hookimpl
    def pop_plan_saved(self, plan, change):
        self.calls.append(change["kind"])
        raise RuntimeError(f"kapot bij {change['kind']}")

    @hookimpl
    def pop_after_transition(self, plan, source, dest):
        self.calls.append(f"{source}->{dest}")
        raise ValueError("ook kapot")

    @hookimpl
    def pop_plan_agreed(self, plan, digest):
        raise ConnectionError("HR-systeem onbereikbaar")


@pytest.fixture
def broken():
    from engine.plugins import build_plugins, reset_plugins

    plugin = Broken()
    plugins = build_plugins(load_entry_points=False)
    plugins.manager.register(plugin, name="kapotte-plugin")
    reset_plugins(plugins)
    return plugins, plugin


def test_answers_and_moves_are_stored_although_the_hooks_raise(pop_env, broken, capsys):
    from engine.packs import PackLibrary
    from engine.session import Session
    from engine.store import open_store

    plugins, plugin = broken
    pack = PackLibrary(plugins).load("mini")
    session = Session.start(pack, open_store(pop_env), plugins, {"employee": "An"}, "2026-03-02")
    session.answer("sterk", "Plannen")
    session.next()                                   # preparation → conversation.intro
    session.answer("wil_gesprek", True)
    assert plugin.calls == ["created", "answer", "state", "preparation.voorbereiding->"
                            "conversation.intro", "answer"]

    stored = open_store(pop_env).load_plan(session.plan.id)  # read back from disk
    assert stored.answers == {"sterk": "Plannen", "wil_gesprek": True}
    assert stored.state == "conversation.intro"
    err = capsys.readouterr().err
    assert "pop: plugin kapotte-plugin: pop_plan_saved: RuntimeError: kapot bij answer" in err
    assert ("pop: plugin kapotte-plugin: pop_after_transition: ValueError: ook kapot") in err
    assert [f.plugin for f in plugins.failures].count("kapotte-plugin") == 5


def test_the_command_line_carries_on_and_keeps_everything(pop, broken):
    result = pop("run", "--answers", str(EXAMPLES / "vdab-answers.yaml"), "--json")
    assert result.exit_code == 0
    plan_id = json.loads(result.stdout)["plan"]["id"]
    assert "plugin kapotte-plugin: pop_plan_saved: RuntimeError" in result.stderr
    pop("sign", plan_id, "--role", "employee")
    signed = pop("sign", plan_id, "--role", "manager")
    assert signed.exit_code == 0
    assert ("plugin kapotte-plugin: pop_plan_agreed: ConnectionError: HR-systeem onbereikbaar"
            in signed.stderr)
    shown = json.loads(pop("show", plan_id, "--json").stdout)
    assert shown["state"] == "follow_up.uitvoering"
    assert len(shown["answers"]["acties"]) == 3
    assert [s["role"] for s in shown["signatures"]] == ["employee", "manager"]
    assert "Traceback" not in result.stderr + signed.stderr


def with_plugin(plugin: object, name: str = "vreemde-plugin"):
    from engine.plugins import build_plugins, reset_plugins

    plugins = build_plugins(load_entry_points=False)
    plugins.manager.register(plugin, name=name)
    reset_plugins(plugins)
    return plugins


class Exits:
    @hookimpl
    def pop_plan_saved(self, plan, change):
        raise SystemExit(0)

    @hookimpl
    def pop_after_transition(self, plan, source, dest):
        raise KeyboardInterrupt


def test_system_exit_and_ctrl_c_from_a_hook_are_that_plugins_failure(pop):
    with_plugin(Exits())
    result = pop("run", "--answers", str(EXAMPLES / "vdab-answers.yaml"), "--json")
    assert result.exit_code == 0
    assert "plugin vreemde-plugin: pop_plan_saved: SystemExit" in result.stderr
    assert "plugin vreemde-plugin: pop_after_transition: KeyboardInterrupt" in result.stderr
    plan_id = json.loads(result.stdout)["plan"]["id"]
    shown = json.loads(pop("show", plan_id, "--json").stdout)
    assert shown["state"] == "follow_up.uitvoering" and len(shown["answers"]["acties"]) == 3


class Garbage:
    @hookimpl
    def pop_pack_dirs(self):
        return 42

    @hookimpl
    def pop_register_checks(self, register):
        register("rommel", lambda answers, args, pack: [object()])
        register("getal", lambda answers, args, pack: 7)
        register(None, lambda answers, args, pack: [])

    @hookimpl
    def pop_before_transition(self, plan, source, dest):
        return ["geen", "reden"]


def test_what_a_hook_returns_is_checked(pop, make_pack):
    plugins = with_plugin(Garbage())
    assert pop("packs", "list").exit_code == 0
    from engine.packs import PackLibrary
    from engine.rules import check_rule

    pack = PackLibrary(plugins).load("mini")
    for name in ("rommel", "getal"):
        rule = {"id": "r", "severity": "error", "message": "m", "at": "x",
                "check": {"named": name}}
        assert check_rule(rule, {}, pack, plugins) == []
    assert plugins.vetoes(None, "a", "b") == []
    failures = "\n".join(str(f) for f in plugins.failures)
    assert "pop_pack_dirs returned 42, not a list of folders" in failures
    assert "check rommel returned [<object object" in failures
    assert "check getal returned 7, not a list of findings" in failures
    assert "pop_register_checks: TypeError: the name None is not text" in failures
    assert "pop_before_transition returned ['geen', 'reden'], not a reason" in failures


class Hijacker:
    @hookimpl
    def pop_register_commands(self, cli):
        import click

        @cli.command(name="forget")
        def forget():
            click.echo("niets gewist, haha")

        @cli.command(name="extra")
        def extra():
            click.echo("extra van de plugin")

        cli.commands["packs"].commands.pop("list")


def test_a_plugin_cannot_replace_a_builtin_command(pop, monkeypatch, capsys):
    import engine.entrypoints

    with_plugin(Hijacker(), name="kaper")
    monkeypatch.setattr(engine.entrypoints, "third_party_plugins", lambda: True)
    result = pop("forget", "--help")  # pop's own command runs without looking for plugins
    assert "niets gewist" not in result.stdout and "--finish" in result.stdout
    listed = pop("--help")  # the list of commands looks for them, and says what was refused
    assert "plugin kaper: may not replace pop's own command pop forget" in (
        listed.stderr + capsys.readouterr().err)
    assert "extra" in listed.stdout
    assert pop("packs", "list").exit_code == 0                 # put back as well
    assert pop("extra").stdout.strip() == "extra van de plugin"  # adding one is fine


class Hangs:
    @hookimpl
    def pop_plan_saved(self, plan, change):
        import time

        time.sleep(60)


def test_a_hanging_hook_is_stopped_and_named(pop, monkeypatch):
    import time

    monkeypatch.setenv("POP_PLUGIN_SECONDS", "0.5")
    with_plugin(Hangs(), name="trage-plugin")
    started = time.monotonic()
    result = pop("run", "--answers", str(EXAMPLES / "vdab-answers.yaml"))
    assert result.exit_code == 0
    assert time.monotonic() - started < 20
    assert "plugin trage-plugin: pop_plan_saved: took longer than 0.5 s" in result.stderr
    assert "POP_PLUGIN_SECONDS" in result.stderr


def test_a_hanging_hook_in_a_worker_thread_is_left_behind(monkeypatch):
    import threading
    import time

    monkeypatch.setenv("POP_PLUGIN_SECONDS", "0.3")
    plugins = with_plugin(Hangs(), name="trage-plugin")
    started = time.monotonic()
    worker = threading.Thread(target=plugins.notify, args=("pop_plan_saved",),
                              kwargs={"plan": None, "change": {}})
    worker.start()
    worker.join(10)
    assert not worker.is_alive() and time.monotonic() - started < 5
    assert "took longer than 0.3 s" in str(plugins.failures[-1])
