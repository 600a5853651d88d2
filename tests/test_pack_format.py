"""The pack format an author writes: steps with ``when``, ``extends`` that moves, removes and
partly overrides, the named checks for records, and rule messages that name the failing row."""

from __future__ import annotations

import json

import pytest

from engine.default_plugins.checks import smart, word_forms
from engine.packs import PackLibrary
from engine.plugins import get_plugins
from engine.session import Session, concerning
from engine.store import open_store

PACK = """\
id: vorm
name: Vorm
version: 1.0.0
language: nl-BE
roles:
  - {id: employee, name: Medewerker, subject: true, signs: true}
  - {id: manager, name: Begeleider, signs: true}
phases:
  conversation:
    title: Tijdens
    steps:
      - id: start
        title: Start
        questions:
          - {id: vertrouwenspersoon, text: Is er een vertrouwenspersoon bij?, type: bool}
          - {id: eerste, text: Eerste, type: text}
          - {id: tweede, text: Tweede, type: text}
      - id: met_vertrouwenspersoon
        title: Met de vertrouwenspersoon
        when: {vertrouwenspersoon: true}
        guidance: {text: Geef de vertrouwenspersoon het woord.}
        questions:
          - {id: inbreng, text: Wat brengt de vertrouwenspersoon in?, type: text, required: true}
      - id: doelen
        title: Doelen
        questions:
          - id: doelen
            text: Doelen
            type: records
            fields:
              - {id: doel, text: Doel, type: text}
              - {id: soort, text: Soort, type: choice, choices: [werk, opleiding]}
              - {id: meetbaar, text: Meetbaar, type: text}
              - {id: tegen, text: Tegen wanneer, type: date}
rules:
  - id: beide
    at: start
    severity: warning
    message: Eerste en tweede horen samen.
    check: {eerste: a, tweede: b}
  - id: velden
    at: doelen
    severity: error
    message: "Doel {row} ({row_label}) is niet volledig."
    check: {named: required_fields, args: {question: doelen, fields: [meetbaar],
            label_field: doel, noun: doel}}
  - id: opleiding
    at: doelen
    severity: warning
    message: Spreek minstens één opleidingsdoel af.
    check: {named: min_rows, args: {question: doelen, min: 1, where: {soort: opleiding}}}
  - id: na_gesprek
    at: doelen
    severity: error
    message: Een doel ligt na het gesprek.
    check: {named: date_after, args: {question: doelen, field: tegen, after: conversation,
            label_field: doel, noun: doel}}
"""


@pytest.fixture
def vorm(make_pack):
    return make_pack({"pack.yaml": PACK}, name="vorm")


def load(folder):
    return PackLibrary(get_plugins()).load(str(folder))


def validate(pop, folder) -> list[dict]:
    result = pop("packs", "validate", str(folder), "--json")
    return json.loads(result.stdout)[0]["problems"]


def test_a_rule_over_two_questions_waits_for_the_second(vorm):
    pack = load(vorm)
    plugins = get_plugins()
    assert concerning(pack, plugins, "start", "eerste", {"eerste": "x"}) == []
    found = concerning(pack, plugins, "start", "tweede", {"eerste": "x", "tweede": "y"})
    assert [f.rule for f in found] == ["beide"]
    # answered the other way round, the first answer already completes the pair
    assert [f.rule for f in concerning(pack, plugins, "start", "eerste",
                                       {"eerste": "x", "tweede": "y"})] == ["beide"]


def test_a_step_whose_condition_does_not_hold_is_skipped_everywhere(vorm, pop_env, pop):
    pack = load(vorm)
    session = Session.start(pack, open_store(pop_env), get_plugins(), {"employee": "A"},
                            "2026-03-31")
    session.answer("vertrouwenspersoon", False)
    session.override("beide", "niet nodig")
    session.next()
    assert session.plan.state == "conversation.doelen"  # past the step, its required question
    assert not session.skipped()
    assert not session.can_go_back() or session.back() == "conversation.start"

    session.answer("vertrouwenspersoon", True)
    session.next()
    assert session.plan.state == "conversation.met_vertrouwenspersoon"

    guide = pop("guide", str(vorm))
    assert "Met de vertrouwenspersoon" in guide.stdout
    assert "*Only when: Is er een vertrouwenspersoon bij?: yes*" in guide.stdout  # pop's words
    dutch = pop("--lang", "nl", "guide", str(vorm)).stdout
    assert "*Alleen als: Is er een vertrouwenspersoon bij?: ja*" in dutch


def test_a_skipped_step_is_left_out_of_the_plans_documents(vorm, pop, tmp_path):
    answers = tmp_path / "a.yaml"
    answers.write_text("people: {employee: An}\ndate: 2026-03-31\nanswers:\n"
                       "  vertrouwenspersoon: false\n  eerste: a\n  tweede: b\n"
                       "  inbreng: Niet gevraagd\n"
                       "  doelen: [{doel: Attest, soort: opleiding, meetbaar: attest, "
                       "tegen: 2026-06-30}]\n", encoding="utf-8")
    shown = pop("preview", str(vorm), "--answers", str(answers), "--template", "pop/plan")
    assert shown.exit_code == 0, shown.stderr
    assert "Attest" in shown.stdout and "Met de vertrouwenspersoon" not in shown.stdout
    assert "Niet gevraagd" not in shown.stdout  # an answer to a step not taken stays out
    ran = pop("run", "--pack", str(vorm), "--answers", str(answers))
    assert ran.exit_code == 0, ran.stderr  # its required question was not asked


def test_the_named_checks_name_the_failing_row(vorm, pop, tmp_path):
    answers = tmp_path / "a.yaml"
    answers.write_text("people: {employee: An}\ndate: 2026-03-31\nanswers:\n  eerste: a\n"
                       "  tweede: b\n  doelen:\n"
                       "    - {doel: Attest halen, soort: werk, meetbaar: attest, "
                       "tegen: 2026-06-30}\n"
                       "    - {doel: Plannen, soort: werk, tegen: 2026-01-15}\n",
                       encoding="utf-8")
    result = pop("run", "--pack", str(vorm), "--answers", str(answers))
    assert result.exit_code == 2
    err = result.stderr
    assert "Doel 2 (Plannen) is niet volledig. Fill in meetbaar." in err  # the row named once
    assert "Spreek minstens één opleidingsdoel af. 0 of at least 1." in err
    assert "Een doel ligt na het gesprek. Doel 2 (Plannen): 15 January 2026 is not after " \
           "31 March 2026." in err
    assert "Attest halen" not in err


def test_the_fields_a_check_names_are_checked_at_validate(vorm, pop):
    text = PACK.replace("fields: [meetbaar]", "fields: [meetbar]").replace(
        "after: conversation", "after: gesprek")
    (vorm / "pack.yaml").write_text(text, encoding="utf-8")
    problems = validate(pop, vorm)
    messages = [p["message"] for p in problems]
    assert any("'meetbar' is not a field of question 'doelen'" in m and "did you mean "
               "'meetbaar'?" in m for m in messages), messages
    assert any("'gesprek' is not a date question of this pack, nor 'conversation'" in m
               for m in messages), messages
    assert all(p["line"] for p in problems)


def test_smart_fields_and_noun(make_pack, pop):
    text = PACK + """\
  - id: smart
    at: doelen
    severity: error
    message: SMART.
    check: {named: smart, args: {question: doelen, fields: {S: doel, M: meetbaarheid}}}
"""
    problems = validate(pop, make_pack({"pack.yaml": text}, name="smart"))
    assert len(problems) == 1
    assert problems[0]["path"] == "rules[4].check.args.fields.M"
    assert "'meetbaarheid' is not a field of question 'doelen'" in problems[0]["message"]

    found = smart({"doelen": [{"doel": "Iets"}]},
                  {"question": "doelen", "fields": {"S": "doel", "M": "meetbaar"},
                   "noun": "doel"}, None)
    assert found[0][0].startswith("doel 1 (Iets): not Measurable")


@pytest.mark.parametrize(("vague", "text", "caught"), [
    ("proberen", "Ik probeer te stapelen", True),
    ("proberen", "Hij probeert het", True),
    ("probeer", "Zij probeerde het", True),
    ("beter", "Betere planning", True),
    ("meer", "Meerdere collega's helpen", False),
    ("minder", "Minderjarige stagiairs", False),
    ("regelma*", "Regelmatiger overleg", True),
    ("af en toe", "Af en toe bellen", True),
    ("af en toe", "Af toe", False),
])
def test_vague_words_match_their_forms(vague, text, caught):
    found = smart({"a": [{"s": text}]}, {"question": "a", "fields": {"S": "s"},
                                         "vague_words": [vague]}, None)
    assert any("vague" in item[0] for item in found) is caught
    assert "probeer" in word_forms("proberen")


# --- extends -----------------------------------------------------------------------------------


CHILD = """\
id: kind
extends: {parent}
name: Kind
version: 0.1.0
remove: [tweede, beide]
phases:
  conversation:
    steps:
      - id: welkom
        title: Welkom
        before: start
        questions:
          - {{id: naam, text: Hoe wil je genoemd worden?, type: text}}
      - id: doelen
        after: welkom
      - id: start
        questions:
          - {{id: nul, text: Nul, type: text, before: eerste}}
rules:
  - id: opleiding
    severity: hint
"""


def test_extends_places_removes_and_overrides_only_what_changes(vorm, make_pack, pop):
    child = make_pack({"pack.yaml": CHILD.format(parent=vorm / "pack.yaml")}, name="kind")
    assert validate(pop, child) == []
    pack = load(child)
    assert [s["id"] for s in pack.steps("conversation")] == [
        "welkom", "doelen", "start", "met_vertrouwenspersoon"]
    assert [q["id"] for q in pack.step_questions("start")] == [
        "vertrouwenspersoon", "nul", "eerste"]
    rule = next(r for r in pack.rules if r["id"] == "opleiding")
    assert rule["severity"] == "hint" and rule["at"] == "doelen" and "check" in rule
    assert "beide" not in {r["id"] for r in pack.rules}


def test_extends_reports_what_it_cannot_remove_or_complete(vorm, make_pack, pop):
    text = CHILD.format(parent=vorm / "pack.yaml").replace(
        "remove: [tweede, beide]", "remove: [tweede, beide, twede]") + \
        "  - id: nieuw\n    message: Nieuw.\n"
    problems = validate(pop, make_pack({"pack.yaml": text}, name="kind"))
    messages = sorted(p["message"] for p in problems)
    assert any("'twede' is not a step, question, rule, role, schedule item or output of the "
               "pack it extends" in m for m in messages), messages
    assert "missing required key 'at'" in messages
    assert all(p["file"].endswith("kind/pack.yaml") and p["line"] for p in problems)


def test_lint_finds_a_step_that_is_never_taken(vorm, pop):
    text = PACK.replace("when: {vertrouwenspersoon: true}", "when: {vertrouwenspersoon: ja}")
    (vorm / "pack.yaml").write_text(text, encoding="utf-8")
    result = pop("packs", "lint", str(vorm))
    assert "steps[1].when: this step is never taken" in result.stdout, result.stdout
    assert "[unreachable-question]" in result.stdout
