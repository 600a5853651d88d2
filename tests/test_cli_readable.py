"""What pop prints for people: roles by their name, states by their titles, lists one item per
line, numbers with their unit, a log without Python reprs (issue 20, items 3, 9 and 10)."""

from __future__ import annotations

import os
import sys

import pytest
from helpers import TESTS, VDAB, ok, ok_json, pop_command, pop_process

LIST_PACK = """\
id: lijstjes
name: Lijstjes
version: 1.0.0
language: nl-BE
sources: [{title: Testbron}]
roles:
  - {id: employee, name: Medewerker, subject: true, signs: true}
  - {id: manager, name: Begeleider, signs: true}
phases:
  conversation:
    title: Tijdens
    steps:
      - id: agenda
        title: Agenda
        questions:
          - {id: punten, text: Welke punten?, type: list, required: true}
          - {id: tijd, text: Hoeveel tijd (in minuten)?, type: number, unit: minuten}
  follow_up:
    title: Na
    steps:
      - id: opvolging
        title: Opvolging
        questions:
          - {id: hindernissen, text: Welke hindernissen?, type: longtext}
"""


def refused(code: int, *args: str) -> str:
    result = pop_process(*args)
    assert result.returncode == code, (args, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    return result.stderr


def test_a_role_is_named_by_its_id_or_its_shown_name_in_any_case(pop_env):
    plan = ok_json("run", "--answers", str(VDAB))["plan"]["id"]
    err = refused(2, "sign", plan, "--role", "coach")
    assert "roles that sign: employee (Medewerker), manager (Begeleider)" in err
    assert ok_json("sign", plan, "--role", "Medewerker")["signature"]["role"] == "employee"
    signed = ok_json("sign", plan, "--role", "BEGELEIDER")
    assert signed["signature"]["role"] == "manager" and signed["agreement"]["agreed"] is True
    assert "already signed this content" in refused(2, "sign", plan, "--role", "medewerker")


def test_states_are_shown_by_their_titles_and_json_keeps_the_ids(pop_env):
    plan = ok_json("run", "--answers", str(VDAB))["plan"]["id"]
    listed = ok("list")
    assert "Na: uitvoering · Uitvoering" in listed and "follow_up." not in listed
    row = ok_json("list")[0]
    assert row["state"] == "follow_up.uitvoering"                # the id stays for scripts
    assert row["state_title"] == "Na: uitvoering · Uitvoering"
    history = ok("history", "Dries Verbeeck")
    assert "Na: uitvoering · Uitvoering" in history and "follow_up." not in history
    assert ok_json("history", "Dries Verbeeck")[0]["state"] == "follow_up.uitvoering"
    err = refused(3, "checkin", plan, "--status", "1=bezig")
    assert f"pop checkin is not possible for plan {plan} now (state: Na: uitvoering · " \
           "Uitvoering)" in err
    ok("sign", plan, "--role", "employee"), ok("sign", plan, "--role", "manager")
    err = refused(3, "advance", plan)
    assert "cannot move from Na: uitvoering · Uitvoering to Na: evaluatie · Evaluatie" in err


def test_list_answers_print_one_item_per_line_and_numbers_take_their_unit(pop_env, make_pack,
                                                                           tmp_path):
    pack = make_pack({"pack.yaml": LIST_PACK})
    answers = tmp_path / "a.yaml"
    answers.write_text("pack: lijstjes\npeople: {employee: An Peeters}\ndate: 2026-03-02\n"
                       "answers: {punten: 'lezen, schrijven; rekenen', tijd: 45 min}\n",
                       encoding="utf-8")
    plan = ok_json("run", "--pack", str(pack), "--answers", str(answers))["plan"]["id"]
    assert ok_json("show", plan)["answers"] == {"punten": ["lezen, schrijven", "rekenen"],
                                                 "tijd": 45}
    shown = ok("show", plan)
    assert "  Welke punten?\n    • lezen, schrijven\n    • rekenen\n" in shown
    assert "Hoeveel tijd (in minuten)?: 45 minuten" in shown
    answers.write_text(answers.read_text(encoding="utf-8").replace("45 min", "2 uur"),
                       encoding="utf-8")
    err = refused(2, "run", "--pack", str(pack), "--answers", str(answers))
    assert "not a number of minuten; write e.g. 60 or 60 minuten" in err


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_typed_lists_split_at_semicolons_or_commas_and_say_what_was_stored(pop_env, make_pack):
    import pexpect

    pack = make_pack({"pack.yaml": LIST_PACK})
    command = pop_command()
    child = pexpect.spawn(command[0], [*command[1:], "run", "--pack", str(pack)],
                          env=dict(os.environ), cwd=str(TESTS), encoding="utf-8", timeout=20,
                          dimensions=(50, 200))
    for prompt, text in (("Name (medewerker) *:", "An Peeters"),
                         ("Name (begeleider):", ""),
                         ("Date of the conversation", "02-03-2026")):
        child.expect_exact(prompt)
        child.sendline(text)
    child.expect(r"Plan ([a-z0-9]{8}) created")
    plan = child.match.group(1)
    child.expect_exact("Welke punten? * (separate items with ; or ,):")
    child.sendline("loon, opleiding")
    child.expect_exact("→ 2 items:")
    child.expect_exact("• loon")
    child.expect_exact("• opleiding")
    child.expect_exact("Hoeveel tijd (in minuten)?")
    child.sendline("<")                                            # back: one item with a comma
    child.expect_exact("[loon; opleiding]")
    child.sendline("lezen, schrijven; rekenen")
    child.expect_exact("→ 2 items:")
    child.expect_exact("• lezen, schrijven")
    child.expect_exact("Hoeveel tijd (in minuten)?")
    child.sendline("een uur")
    child.expect_exact("not a number of minuten")
    child.sendline("60 minuten")
    child.expect_exact("The conversation is complete")
    child.expect(pexpect.EOF)
    assert ok_json("show", plan)["answers"] == {"punten": ["lezen, schrijven", "rekenen"],
                                                 "tijd": 60}
