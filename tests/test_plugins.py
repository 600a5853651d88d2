"""Third-party plugins found through the entry-point group `pop`, as an integrator installs them."""

from __future__ import annotations

import json

import pytest
from helpers import pop_process

PLUGIN = '''
import click
from engine import hookimpl


def not_empty(answers, args, pack):
    return [] if answers.get(args["question"]) else ["Vul dit in."]


@hookimpl
def pop_register_checks(register):
    register("niet_leeg", not_empty, args_schema={"required": ["question"]})


@hookimpl
def pop_register_commands(cli):
    @cli.command(name="hallo", help="Zeg hallo vanuit de demo-plugin.")
    def hallo():
        click.echo("hallo van popdemo")
'''


@pytest.fixture
def installed_plugins(tmp_path):
    """A site folder with two installed distributions: a working plugin and a broken one."""
    site = tmp_path / "site"
    (site / "popdemo").mkdir(parents=True)
    (site / "popdemo" / "__init__.py").write_text(PLUGIN)
    (site / "popbroken").mkdir()
    (site / "popbroken" / "__init__.py").write_text("raise RuntimeError('kapot bij import')\n")
    for dist, entry in (("popdemo", "demo = popdemo"), ("popbroken", "broken = popbroken")):
        info = site / f"{dist}-0.1.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 0.1\n")
        (info / "entry_points.txt").write_text(f"[pop]\n{entry}\n")
    return {"PYTHONPATH": str(site), "POP_DISABLE_PLUGINS": "0"}


def test_plugin_command_shows_in_help_and_runs(installed_plugins):
    result = pop_process("--help", env=installed_plugins)
    assert result.returncode == 0
    assert "hallo" in result.stdout
    assert "Zeg hallo vanuit de demo-plugin." in result.stdout
    assert pop_process("hallo", env=installed_plugins).stdout.strip() == "hallo van popdemo"


def test_plugins_lists_hooks_and_the_broken_one(installed_plugins):
    result = pop_process("plugins", "--json", env=installed_plugins)
    assert result.returncode == 0
    listing = {item["name"]: item for item in json.loads(result.stdout)}
    assert listing["demo"]["hooks"] == ["pop_register_checks", "pop_register_commands"]
    assert "kapot bij import" in listing["broken"]["error"]
    assert "plugin broken: loading: RuntimeError: kapot bij import" in result.stderr
    assert "engine.default_plugins.checks" in listing


PACK_WITH_PLUGIN_CHECK = """\
id: metplugin
name: Met plugin
version: 1.0.0
language: nl-BE
roles: [{id: employee, name: Medewerker, subject: true}]
phases:
  conversation:
    steps:
      - id: analyse
        title: Analyse
        questions: [{id: wens, text: Wat wil je bereiken?}]
rules:
  - {id: wens_niet_leeg, at: analyse, severity: error, message: Geen wens.,
     check: {named: niet_leeg, args: {question: wens}}}
"""


def test_plugin_check_usable_in_a_pack(installed_plugins, make_pack):
    pack = make_pack({"pack.yaml": PACK_WITH_PLUGIN_CHECK})
    ok = pop_process("packs", "validate", str(pack), env=installed_plugins)
    assert ok.returncode == 0, ok.stderr
    without = pop_process("packs", "validate", str(pack), env={"POP_DISABLE_PLUGINS": "1"})
    assert without.returncode == 2
    assert "unknown check 'niet_leeg'" in without.stderr


VETO = '''
from engine import hookimpl


@hookimpl
def pop_before_transition(plan, source, dest):
    if dest.startswith("follow_up"):
        return "Eerst de opleidingsdienst verwittigen."
'''


def test_a_veto_while_running_an_answers_file_is_reported_with_exit_3(tmp_path):
    from helpers import VDAB

    site = tmp_path / "site"
    (site / "popveto").mkdir(parents=True)
    (site / "popveto" / "__init__.py").write_text(VETO)
    info = site / "popveto-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: popveto\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[pop]\nveto = popveto\n")
    env = {"PYTHONPATH": str(site), "POP_DISABLE_PLUGINS": "0"}
    result = pop_process("run", "--answers", str(VDAB), env=env)
    assert result.returncode == 3, (result.stdout, result.stderr)
    assert "Eerst de opleidingsdienst verwittigen." in result.stderr
    assert "pop run --resume" in result.stderr and "Traceback" not in result.stderr
    listed = json.loads(pop_process("list", "--json", env=env).stdout)
    assert [row["state"] for row in listed] == ["conversation.afsluiten"]
