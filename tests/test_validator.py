"""The checks a schema cannot make, `extends`, and problems placed at file:line:col."""

from __future__ import annotations

import json

from helpers import MINI

BASE = """\
id: base
name: Basis
version: 1.0.0
language: nl-BE
roles:
  - {id: employee, name: Medewerker, subject: true}
  - {id: manager, name: Leidinggevende}
phases:
  conversation:
    steps:
      - id: start
        title: Start
        questions:
          - {id: eerste, text: Eerste vraag?, type: bool}
          - {id: tweede, text: Tweede vraag?, when: {eerste: true}}
"""


def test_mini_pack_is_valid(pop):
    result = pop("packs", "validate", str(MINI))
    assert result.exit_code == 0, result.output
    assert "valid (mini 1.0.0)" in result.stdout


def test_schema_problems_all_reported_with_positions(make_pack, pop):
    text = BASE.replace("type: bool", "type: boolean").replace("title: Start", "titel: Start")
    folder = make_pack({"pack.yaml": text})
    result = pop("packs", "validate", str(folder))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert any("pack.yaml:12:9: phases.conversation.steps[0].titel: unknown key 'titel' "
               "(did you mean 'title'?)" in ln for ln in lines), lines
    assert any("pack.yaml:14:53: phases.conversation.steps[0].questions[0].type: must be one of"
               in ln for ln in lines), lines
    assert len(lines) == 2


def test_semantic_problems(make_pack, pop):
    text = BASE.replace("when: {eerste: true}", "when: {derde: true}") + """\
          - {id: eerste, text: Nog eens?, answered_by: director}
rules:
  - {id: r1, at: nergens, severity: error, message: X, check: {eerste: true}}
  - {id: r2, at: start, severity: error, message: Y, check: {named: bestaat_niet}}
outputs:
  - {id: doc, title: Doc, template: ontbreekt.md.j2}
"""
    folder = make_pack({"pack.yaml": text})
    result = pop("packs", "validate", str(folder))
    assert result.exit_code == 2
    out = result.stderr
    assert "refers to unknown question 'derde'" in out
    assert "the id 'eerste' is used more than once" in out
    assert "unknown role 'director'" in out
    assert "'nergens' is not a step or phase of this pack" in out
    assert "unknown check 'bestaat_niet'" in out
    assert "template 'ontbreekt.md.j2' not found" in out
    assert all(line.startswith(str(folder.name)) or "pack.yaml:" in line
               for line in out.strip().splitlines())


def test_when_must_refer_to_an_earlier_question(make_pack, pop):
    text = BASE.replace("- {id: eerste, text: Eerste vraag?, type: bool}",
                        "- {id: eerste, text: Eerste vraag?, type: bool, when: {tweede: x}}")
    result = pop("packs", "validate", str(make_pack({"pack.yaml": text})))
    assert result.exit_code == 2
    assert "refers to 'tweede', which is not asked before this question" in result.stderr


def test_smart_args_are_checked(make_pack, pop):
    text = BASE + """\
rules:
  - {id: s, at: start, severity: error, message: SMART,
     check: {named: smart, args: {fields: {X: a}}}}
"""
    result = pop("packs", "validate", str(make_pack({"pack.yaml": text})))
    assert result.exit_code == 2
    assert "rules[0].check.args" in result.stderr
    assert "missing required key 'question'" in result.stderr


def test_extends_overrides_and_adds_by_id(make_pack, pop, tmp_path, monkeypatch):
    make_pack({"pack.yaml": BASE}, name="packs/base")
    child = make_pack({"pack.yaml": """\
id: acme
extends: base
name: Acme
settings: {competenties: {generiek: [stiptheid, klantvriendelijk]}}
phases:
  conversation:
    steps:
      - id: start
        questions:
          - {id: eerste, text: Aangepaste eerste vraag?}
          - {id: nieuw, text: Welke competentie?, type: choice,
             choices_from: competenties.generiek, after: eerste}
"""}, name="packs/acme")
    monkeypatch.setenv("POP_PACKS_PATH", str(tmp_path / "packs"))
    result = pop("packs", "show", "acme", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    questions = data["phases"]["conversation"]["steps"][0]["questions"]
    assert [q["id"] for q in questions] == ["eerste", "nieuw", "tweede"]
    assert questions[0]["text"] == "Aangepaste eerste vraag?"
    assert questions[0]["type"] == "bool"  # inherited
    assert data["name"] == "Acme" and data["version"] == "1.0.0"
    assert "extends" not in data
    assert pop("packs", "validate", str(child)).exit_code == 0


def test_extends_cycle_and_unknown_parent(make_pack, pop, tmp_path, monkeypatch):
    make_pack({"pack.yaml": "id: a\nextends: b\n"}, name="packs/a")
    make_pack({"pack.yaml": "id: b\nextends: a\n"}, name="packs/b")
    make_pack({"pack.yaml": "id: c\nextends: nergens\n"}, name="packs/c")
    monkeypatch.setenv("POP_PACKS_PATH", str(tmp_path / "packs"))
    result = pop("packs", "validate", "a")
    assert result.exit_code == 2
    assert "extends forms a cycle: a → b → a" in result.stderr
    result = pop("packs", "validate", "c")
    assert result.exit_code == 2
    assert "pack.yaml:2:10: extends: unknown pack 'nergens'" in result.stderr


def test_problem_in_parent_is_placed_in_childs_file(make_pack, pop, tmp_path, monkeypatch):
    make_pack({"pack.yaml": BASE}, name="packs/base")
    child = make_pack({"pack.yaml": """\
id: kind
extends: base
rules:
  - {id: r, at: start, severity: error, message: X, check: {onbekend: 1}}
"""}, name="packs/kind")
    monkeypatch.setenv("POP_PACKS_PATH", str(tmp_path / "packs"))
    result = pop("packs", "validate", str(child))
    assert result.exit_code == 2
    assert "kind/pack.yaml:4:60: rules[0].check: refers to unknown question 'onbekend'" \
        in result.stderr


def test_validate_json_output(make_pack, pop):
    broken = make_pack({"pack.yaml": "id: 5\n"}, name="broken")
    result = pop("packs", "validate", str(MINI), str(broken), "--json")
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert [d["valid"] for d in data] == [True, False]
    assert data[1]["problems"][0]["line"] == 1


def test_unknown_pack_id(pop):
    result = pop("packs", "show", "bestaat-niet")
    assert result.exit_code == 2
    assert "unknown pack 'bestaat-niet'" in result.stderr
    assert "mini" in result.stderr


def test_every_schema_property_has_title_and_description():
    from engine.schemacheck import load_schema

    def walk(node, path):
        if isinstance(node, dict):
            for name, prop in node.get("properties", {}).items():
                if "$ref" not in prop:
                    assert prop.get("title") and prop.get("description"), f"{path}.{name}"
            for key, value in node.items():
                if key not in ("if", "then", "else", "not", "contains"):  # constraints, not shape
                    walk(value, f"{path}.{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{path}[{i}]")

    walk(load_schema("pack.schema.json"), "$")


def test_pick_from_is_for_text_and_names_what_it_picks(make_pack, pop):
    good = BASE.replace("{id: tweede, text: Tweede vraag?,",
                        "{id: tweede, text: Tweede vraag?, pick_from: actions,")
    assert pop("packs", "validate", str(make_pack({"pack.yaml": good}, "good"))).exit_code == 0
    for bad, word in ((good.replace("pick_from: actions", "pick_from: rijen"),
                       "pick_from: must be one of: actions"),
                      (BASE.replace("type: bool}", "type: bool, pick_from: actions}"),
                       "must be 'text'")):
        result = pop("packs", "validate", str(make_pack({"pack.yaml": bad}, "bad")))
        assert result.exit_code == 2 and "Traceback" not in result.stderr
        assert "pack.yaml:1" in result.stderr and word in result.stderr, result.stderr
