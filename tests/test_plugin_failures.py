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
