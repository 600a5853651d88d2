"""Mistakes an author makes in ``pack.yaml``, in words that say what to do."""

from __future__ import annotations

import pytest

PACK = """\
id: k
name: K
version: 1.0.0
language: nl-BE
roles:
  - {id: employee, name: Medewerker, subject: true}
phases:
  conversation:
    title: Gesprek
    steps:
      - id: a
        title: A
        questions:
          - {id: q, text: Q}
"""


def validate(pop, make_pack, text: str) -> list[str]:
    result = pop("packs", "validate", str(make_pack({"pack.yaml": text})))
    assert result.exit_code == 2, result.stdout
    assert "Traceback" not in result.stderr
    return result.stderr.strip().splitlines()


def test_an_unknown_key_points_at_the_key_and_names_the_key_meant(pop, make_pack):
    lines = validate(pop, make_pack, PACK.replace("{id: q, text: Q}",
                                                  "{id: q, text: Q, requierd: true}"))
    assert len(lines) == 1
    assert lines[0].endswith("pack.yaml:14:30: phases.conversation.steps[0].questions[0]."
                             "requierd: unknown key 'requierd' (did you mean 'required'?)")


def test_an_unknown_phase_lists_the_phases(pop, make_pack):
    lines = validate(pop, make_pack, PACK.replace("  conversation:\n",
                                                  "  gesprek: {}\n  conversation:\n"))
    assert len(lines) == 1
    assert "pack.yaml:8:3: phases.gesprek: unknown key 'gesprek' (allowed: " in lines[0]
    for phase in ("preparation", "conversation", "follow_up", "evaluation"):
        assert phase in lines[0]


@pytest.mark.parametrize(("text", "where", "message"), [
    (PACK.replace("text: Q}", "text: Doel: zelfstandig}").replace(
        "    title: Gesprek", "    title: Doel: zelfstandig werken"), ":9:16:",
     "put the text in quotes"),
    (PACK.replace("    title: Gesprek", "\ttitle: Gesprek"), ":9:1:", "a tab; YAML indents with "
                                                                       "spaces only"),
    (PACK.replace("        title: A", "       title: A"), ":12:8:", "the indentation does not fit"),
])
def test_the_common_yaml_traps_say_how_to_fix_them(pop, make_pack, text, where, message):
    lines = validate(pop, make_pack, text)
    assert len(lines) == 1
    assert where in lines[0] and message in lines[0], lines[0]


def test_an_unknown_pack_says_where_packs_come_from(pop):
    result = pop("packs", "show", "vdb")
    assert result.exit_code == 2
    assert "unknown pack 'vdb'" in result.stderr
    assert "did you mean 'vdab'?" in result.stderr
    assert "--pack PATH" in result.stderr and "POP_PACKS_PATH" in result.stderr


@pytest.mark.parametrize("pack", ["vdab", "vandenberg", "vtoc"])
def test_the_editor_schema_of_a_pack_accepts_its_file_and_lists_its_ids(pop, pack):
    import json

    import jsonschema
    from helpers import ROOT

    from engine.yamlfile import load_file

    result = pop("packs", "schema", pack, "--editor")
    assert result.exit_code == 0, result.stderr
    schema = json.loads(result.stdout)
    data, _positions = load_file(ROOT / "packs" / pack / "pack.yaml")
    validator = jsonschema.Draft202012Validator(schema)
    assert list(validator.iter_errors(data)) == []
    rule = next(r for r in data["rules"] if "check" in r)
    broken = {**data, "rules": [{**rule, "at": "bestaat_niet"}]}
    assert not validator.is_valid(broken)
    condition = {**rule, "check": {"geen_vraag": True}}
    assert not validator.is_valid({**data, "rules": [condition]})
    shorthand = schema["$defs"]["condition"]["anyOf"][1]
    assert set(shorthand["properties"]) == {q for s in (p.get("steps", []) for p in
                                                        data["phases"].values())
                                            for step in s for q in
                                            [x["id"] for x in step.get("questions", [])]}


def test_the_editor_schema_needs_a_pack(pop):
    result = pop("packs", "schema", "--editor")
    assert result.exit_code == 2 and "pop packs schema ID --editor" in result.stderr
