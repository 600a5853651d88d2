"""Hostile input: ids, schemas inside packs, dates, control characters, a broken store."""

from __future__ import annotations

import json
import time

import pytest
from helpers import EXAMPLES, MINI, pop_process

from engine.yamlfile import load_file


def no_traceback(result) -> None:
    assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.parametrize("plan_id", ["a" * 60_000, "'; DROP TABLE plans; --", "%", "_", " "])
def test_strange_plan_ids_are_just_unknown(plan_id):
    for command in ("show", "log", "export", "sign", "verify"):
        args = [command, plan_id] + (["--role", "employee"] if command == "sign" else [])
        result = pop_process(*args)
        assert result.returncode == 2, (command, result.stderr)
        assert "no plan" in result.stderr
        no_traceback(result)


def pack_with_rule_schema(make_pack, schema: dict, name: str = "pack"):
    text = (MINI / "pack.yaml").read_text(encoding="utf-8").replace("id: mini", f"id: {name}")
    text = text.replace("outputs:\n  - {id: plan, title: Plan, template: plan.md.j2}\n", "")
    rule = ("  - id: extra\n    at: analyse\n    severity: error\n    message: X\n"
            f"    check: {{schema: {json.dumps(schema)}}}\n")
    text = text.replace("schedule:\n", rule + "schedule:\n")
    return make_pack({"pack.yaml": text}, name=name)


@pytest.mark.parametrize("schema, message", [
    ({"$ref": "http://127.0.0.1:9/evil.json"}, "references ($ref) are not allowed"),
    ({"$ref": "file:///etc/passwd"}, "references ($ref) are not allowed"),
    ({"$ref": "#"}, "references ($ref) are not allowed"),
    ({"properties": {"wens": {"pattern": "^(a)\\1$"}}}, "back-references and look-around"),
    ({"properties": {"wens": {"pattern": "^(?=a)"}}}, "back-references and look-around"),
    ({"properties": {"wens": {"pattern": "(["}}}, "not a regular expression pop can check"),
    ({"properties": {"wens": {"pattern": "a{1000}{1000}"}}}, "not a regular expression"),
    ({"properties": {"wens": {"pattern": "a" * 1001}}}, "too long"),
    ({"properties": {"wens": {"type": 5}}}, "not a valid JSON Schema"),
])
def test_schemas_in_packs_cannot_reach_out_or_hang(make_pack, schema, message):
    folder = pack_with_rule_schema(make_pack, schema)
    result = pop_process("packs", "validate", str(folder))
    assert result.returncode == 2
    assert message in result.stderr
    assert "rules[5].check.schema" in result.stderr
    no_traceback(result)


@pytest.mark.parametrize("pattern", ["^(a|aa){40}$", "^(\\w?){30}\\w{30}$", "^(a+)+$",
                                     "^(a*)*b$"])
def test_a_pattern_that_backtracks_runs_in_linear_time(make_pack, tmp_path, pattern):
    folder = pack_with_rule_schema(make_pack, {"properties": {"wens": {"pattern": pattern}}})
    assert pop_process("packs", "validate", str(folder)).returncode == 0
    answers = tmp_path / "a.yaml"
    answers.write_text("people: {employee: An}\nanswers: {wil_gesprek: ja, wens: "
                       + "a" * 60 + "!, niveau: 3, akkoord: ja}\n")
    started = time.monotonic()
    result = pop_process("run", "--pack", str(folder), "--answers", str(answers))
    assert time.monotonic() - started < 10
    assert result.returncode == 2 and "rules.extra" in result.stderr, result.stderr
    no_traceback(result)


def test_a_safe_pattern_is_fine(make_pack):
    folder = pack_with_rule_schema(make_pack, {"properties": {"wens": {"pattern": "\\S"}}})
    assert pop_process("packs", "validate", str(folder)).returncode == 0


def test_an_impossible_date_is_not_a_deadline(tmp_path):
    data = load_file(EXAMPLES / "vdab-answers.yaml")[0]
    data["answers"]["acties"][0]["wanneer"] = "31-02-2026"
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(data))
    result = pop_process("run", "--answers", str(path))
    assert result.returncode == 2
    assert "not Tijdsgebonden — '31-02-2026' is not a date" in result.stderr


def test_control_characters_never_reach_the_terminal(tmp_path):
    data = load_file(EXAMPLES / "vdab-answers.yaml")[0]
    data["people"]["employee"] = "Dries\x1b]0;TITLE\x07\r\nVerbeeck"
    data["answers"]["achtergrond"] = "Regel één\x1b[31m rood\nRegel twee"
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(data))
    created = pop_process("run", "--answers", str(path), "--json")
    assert created.returncode == 0, created.stderr
    plan_id = json.loads(created.stdout)["plan"]["id"]
    shown = pop_process("show", plan_id)
    assert "\x1b" not in shown.stdout and "\x07" not in shown.stdout
    assert "Dries]0;TITLE Verbeeck" in shown.stdout
    plan = json.loads(pop_process("show", plan_id, "--json").stdout)
    assert plan["answers"]["achtergrond"] == "Regel één[31m rood\nRegel twee"
    assert pop_process("export", plan_id, "--format", "ics").returncode == 0
    data["people"]["employee"] = "x" * 1000
    path.write_text(json.dumps(data))
    too_long = pop_process("run", "--answers", str(path))
    assert too_long.returncode == 2 and "people.employee: too long" in too_long.stderr


@pytest.mark.sqlite_only
def test_an_unusable_data_folder_or_store_is_one_line(tmp_path):
    result = pop_process("list", env={"POP_HOME": "/dev/null"})
    assert result.returncode == 2 and "cannot open the plan store" in result.stderr
    no_traceback(result)
    home = tmp_path / "broken"
    home.mkdir()
    (home / "pop.sqlite3").write_bytes(b"this is not a database at all" * 100)
    result = pop_process("list", env={"POP_HOME": str(home)})
    assert result.returncode == 2 and "cannot use the plan store" in result.stderr
    no_traceback(result)


def test_small_mistakes_get_a_clear_answer(tmp_path):
    assert "give a person: an id, an employee number or a name" in pop_process(
        "history", " ").stderr
    assert "give a person" in pop_process("forget", "", "--yes").stderr
    created = pop_process("run", "--answers", str(EXAMPLES / "vdab-answers.yaml"), "--json")
    plan_id = json.loads(created.stdout)["plan"]["id"]
    refused = pop_process("advance", plan_id, "--override", "bestaat_niet=omdat")
    assert refused.returncode == 2
    assert "'bestaat_niet' is not a warning of this pack (warnings:" in refused.stderr
    other = pop_process("run", "--pack", "vdab", "--answers", str(EXAMPLES / "vtoc-answers.yaml"))
    assert other.returncode == 2
    lines = other.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].endswith(": pack: this file is for pack 'vtoc', not 'vdab'")
    neither = pop_process("prepare", "--role", "employee")
    assert "give either a plan ID or --pack" in neither.stderr


def test_a_template_that_does_not_compile_fails_validation(make_pack):
    text = (MINI / "pack.yaml").read_text(encoding="utf-8")
    folder = make_pack({"pack.yaml": text, "templates/plan.md.j2": "# {{ plan.id }\n{% for x %}\n"})
    result = pop_process("packs", "validate", str(folder))
    assert result.returncode == 2
    assert "templates/plan.md.j2:1" in result.stderr
    no_traceback(result)


@pytest.mark.parametrize("body", [
    "{{ 'x'.ljust(999999999) }}",
    "{{ 'x' | center(999999999) }}",
    "{{ '%999999999d' % 1 }}",
    "{{ 'x' | indent(999999999, true) }}",
    "{{ ('x' * 100000).replace('', 'y' * 100000) }}",
    "{{ ('ab' * 50000) | replace('a', 'y' * 100000) }}",
    "{{ (['x' * 100000] * 100000) | join }}",
    "{{ ('-').join(['x' * 100000] * 100000) }}",
    "{{ ('\\t' * 100000).expandtabs(100000) }}",
    "{% set ns = namespace(s='x' * 100000) %}{% for i in range(40) %}"
    "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s }}",
    "{% set ns = namespace(s='x' * 100000) %}{% for i in range(40) %}"
    "{% set ns.s = ns.s + ns.s %}{% endfor %}{{ ns.s }}",
    "{% set ns = namespace(s=['x'] * 100000) %}{% for i in range(40) %}"
    "{% set ns.s = [ns.s, ns.s] | sum(start=[]) %}{% endfor %}{{ ns.s | length }}",
    "{{ '%*s' % (999999999, '') }}",
    "{{ '%.*f' % (999999999, 1.5) }}",
    "{{ '{:>999999999}'.format(1) }}",
    "{{ '{:>{w}}'.format(1, w=999999999) }}",
    "{{ '%999999999d' | format(1) }}",
])
def test_templates_cannot_exhaust_memory(make_pack, tmp_path, body):
    text = (MINI / "pack.yaml").read_text(encoding="utf-8").replace("id: mini", "id: geheugen")
    folder = make_pack({"pack.yaml": text, "templates/plan.md.j2": "# Plan\n" + body + "\n"})
    answers = tmp_path / "a.yaml"
    answers.write_text("people: {employee: An}\nanswers: {wil_gesprek: ja, wens: x, niveau: 3,"
                       " akkoord: ja, acties: [{soort: technisch, wat: Heftruck, meetbaar: attest,"
                       " wanneer: 30-06-2026}]}\n")
    created = pop_process("run", "--pack", str(folder), "--answers", str(answers), "--json")
    assert created.returncode == 0, created.stderr
    plan_id = json.loads(created.stdout)["plan"]["id"]
    started = time.monotonic()
    result = pop_process("export", plan_id, memory_mb=500)
    assert time.monotonic() - started < 10
    assert result.returncode == 2, result.stderr
    assert "plan.md.j2:2" in result.stderr
    assert any(word in result.stderr for word in ("too large", "too long", "would make",
                                                  "not allowed")), result.stderr
    no_traceback(result)
