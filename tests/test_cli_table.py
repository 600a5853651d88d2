"""The table of commands (engine/cli/commands.py) is what the command modules define, and a
command runs with only its own module imported."""

from __future__ import annotations

import ast
import json
import sys

import pytest
from helpers import ROOT, python_process

sys.path.insert(0, str(ROOT / "tools"))

import make_command_table  # noqa: E402 - the generator, beside the docs tools


def test_the_table_is_what_the_modules_define():
    table = (ROOT / "engine" / "cli" / "commands.py").read_text(encoding="utf-8")
    assert table == make_command_table.table(), (
        "engine/cli/commands.py is stale: run python tools/make_command_table.py")


def test_help_lists_every_command_and_a_command_imports_only_its_module(pop):
    listed = [line.split()[0] for line in pop("--help").stdout.split("Commands:")[1]
              .splitlines() if line.startswith("  ") and not line.startswith("   ")]
    from engine.cli.commands import COMMANDS

    assert [name for name in COMMANDS if not COMMANDS[name][2]] == \
        listed
    probe = ("import sys; from engine.cli import main\n"
             "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
             "print(sorted(m for m in sys.modules if m.startswith('engine.cli.')), "
             "file=sys.stderr)")
    loaded = {}
    for args in (["--help"], ["list"], ["packs", "list"]):
        result = python_process(probe, *args)
        loaded[args[0]] = result.stderr.strip().splitlines()[-1]
    assert "cmd" not in loaded["--help"]
    assert "plans_cmd" in loaded["list"] and "cycle_cmd" not in loaded["list"]
    assert "packs_cmd" in loaded["packs"] and "plans_cmd" not in loaded["packs"]
    assert "Unknown" not in pop("show", "--help").stdout
    unknown = pop("nope")
    assert unknown.exit_code == 2 and "No such command 'nope'" in unknown.stdout + unknown.stderr


@pytest.mark.sqlite_only  # psycopg brings its own
def test_reading_a_plan_leaves_what_a_start_need_not_pay_for_unloaded(pop):
    """`pop list`, `pop show`, `pop packs list` and `pop run --answers` (the commands run most)
    import neither pathlib, dataclasses nor OpenSSL's hashlib, secrets or jsonschema: a
    millisecond or more of every start each."""
    made = pop("run", "--answers", str(ROOT / "examples" / "vdab-answers.yaml"), "--json")
    plan = json.loads(made.stdout)["plan"]["id"]
    probe = ("import sys; from engine.cli import main\n"
             "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
             "print(sorted(sys.modules), file=sys.stderr)")
    costly = {"pathlib", "dataclasses", "_hashlib", "secrets", "jsonschema", "platformdirs"}
    example = str(ROOT / "examples" / "vdab-answers.yaml")
    for args, shows in ((["list"], plan), (["show", plan], plan), (["show", plan[:4]], plan),
                        (["packs", "list"], "vdab"), (["run", "--answers", example], "vdab")):
        result = python_process(probe, *args)
        assert shows in result.stdout
        loaded = set(ast.literal_eval(result.stderr.strip().splitlines()[-1]))
        assert "engine" in loaded and not costly & loaded, (args, costly & loaded)
