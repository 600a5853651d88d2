"""A guided session through a real pseudo-terminal, as a conversation leader types it."""

from __future__ import annotations

import os
import re
import signal
import sys
import time

import pexpect
import pytest
from helpers import EXAMPLES, MINI, TESTS, pop_command, pop_process, stored_rows

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")


def spawn(*args: str) -> pexpect.spawn:
    command = pop_command()
    return pexpect.spawn(command[0], [*command[1:], *args], env=dict(os.environ), cwd=str(TESTS),
                         encoding="utf-8", timeout=20, dimensions=(50, 200))


def answer(child: pexpect.spawn, prompt: str, text: str) -> None:
    child.expect_exact(prompt)
    child.sendline(text)


def db_answers(home, plan_id: str) -> dict:
    """The answers as committed in the store (read by another connection)."""
    return {question: value for got, question, value in stored_rows()["answers"]
            if got == plan_id}


def test_guided_session_with_rules_back_interrupt_and_resume(pop_env):
    child = spawn("run", "--pack", "mini")
    answer(child, "Name (medewerker) *:", "An Peeters")
    answer(child, "Name (begeleider):", "Jan Janssens")
    answer(child, "Date of the conversation", "02-03-2026")
    child.expect(r"Plan ([a-z0-9]{8}) created")
    plan_id = child.match.group(1)
    child.expect_exact("Voor · Voorbereiding (step 1 of 1)")
    answer(child, "Waar ben ik goed in? (Medewerker)", "Stapelen")
    child.expect_exact("Tijdens · Introductie (step 1 of 3)")
    child.expect_exact("Tips:")
    answer(child, "Wil de medewerker in gesprek gaan? * (yes/no):", "misschien")
    child.expect_exact("answer yes or no")                     # a wrong answer is re-asked
    child.sendline("ja")
    child.expect_exact("Analyse (step 2 of 3)")
    answer(child, "Wat wil je bereiken? *", "Heftruckattest halen")
    answer(child, "Hoe tevreden ben je? (1–5)", "2")
    child.expect_exact("Warning: Lage tevredenheid; bespreek dit eerst.")
    answer(child, "Reason to go on anyway", "Besproken met de medewerker")
    child.expect_exact("1. Werk")
    answer(child, "Choose a number", "<")                       # back to the previous question
    answer(child, "Hoe tevreden ben je? (1–5) [2]:", "")        # Enter keeps the answer
    answer(child, "Choose a number", "2")
    child.expect_exact("Planning (step 3 of 3)")
    child.expect_exact("Row 1")
    answer(child, "Soort *", "2")
    answer(child, "Wat ga je doen? *", "Heftruckopleiding volgen")
    answer(child, "Hoe meet je het?", "")
    answer(child, "Tegen wanneer?", "binnenkort")
    answer(child, "Soort", "")                                  # Enter on a new row ends the list
    child.expect_exact("Maak elke actie SMART.")                # the rule's message, re-asked
    child.expect_exact("not Measurable")
    answer(child, "number: change that row", "1")
    answer(child, "Choose a number [technisch]", "")
    answer(child, "Wat ga je doen? * [Heftruckopleiding volgen]", "")
    answer(child, "Hoe meet je het?", "attest behaald")
    answer(child, "Tegen wanneer? [binnenkort]", "30-06-2026")
    answer(child, "Enter: keep these rows", "")
    child.expect_exact("Datum opvolging")
    time.sleep(0.2)
    child.sendintr()                                            # Ctrl-C in the middle
    child.expect_exact(f"pop run --resume {plan_id}")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130

    stored = db_answers(pop_env, plan_id)
    assert stored["niveau"] == "2" and stored["thema"] == '"opleiding"'
    assert "30-06-2026" in stored["acties"] and "attest behaald" in stored["acties"]

    child = spawn("run", "--resume", plan_id[:5])               # a unique prefix is enough
    child.expect_exact(f"Resuming plan {plan_id} for An Peeters")
    answer(child, "Datum opvolging", "1 september 2026")        # the same question again
    answer(child, "Akkoord? *", "ja")
    child.expect_exact(f"The conversation is complete. Plan {plan_id} is now in "
                       "Na · Opvolging.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    shown = pop_process("show", plan_id, "--json")
    import json

    plan = json.loads(shown.stdout)
    assert plan["answers"]["volgende"] == "2026-09-01"
    assert plan["overrides"]["lage_tevredenheid"]["reason"] == "Besproken met de medewerker"
    assert plan["state"] == "follow_up.opvolging"


def test_sigkill_loses_no_answer(pop_env):
    child = spawn("run", "--pack", "mini")
    answer(child, "Name (medewerker) *:", "Kim")
    answer(child, "Name (begeleider):", "")
    answer(child, "Date of the conversation", "")
    child.expect(r"Plan ([a-z0-9]{8}) created")
    plan_id = child.match.group(1)
    answer(child, "Waar ben ik goed in?", "Samenwerken")
    answer(child, "Wil de medewerker in gesprek gaan?", "nee")
    child.expect_exact("Hint: Vraag waarom en stel gerust.")     # the hint at its step
    answer(child, "Waarom niet?", "Slechte ervaring vorig jaar")
    child.expect_exact("Wat wil je bereiken?")
    os.kill(child.pid, signal.SIGKILL)
    child.expect(pexpect.EOF)
    child.close()
    stored = db_answers(pop_env, plan_id)
    assert stored == {"sterk": '"Samenwerken"', "wil_gesprek": "false",
                      "waarom_niet": '"Slechte ervaring vorig jaar"'}


def test_answers_file_gives_the_same_plan_as_the_interactive_session(pop_env, tmp_path):
    answers = tmp_path / "answers.yaml"
    answers.write_text("""\
pack: mini
people: {employee: An Peeters, manager: Jan Janssens}
date: 02-03-2026
answers:
  sterk: Stapelen
  wil_gesprek: ja
  wens: Heftruckattest halen
  niveau: 2
  thema: opleiding
  acties:
    - {soort: technisch, wat: Heftruckopleiding volgen, meetbaar: attest behaald,
       wanneer: 30-06-2026}
  volgende: 2026-09-01
  akkoord: true
overrides:
  lage_tevredenheid: Besproken met de medewerker
""")
    result = pop_process("run", "--answers", str(answers), "--json")
    assert result.returncode == 0, result.stderr
    import json

    from_file = json.loads(pop_process("show", json.loads(result.stdout)["plan"]["id"],
                                       "--json").stdout)

    child = spawn("run", "--pack", str(MINI))
    for prompt, text in [
        ("Name (medewerker) *:", "An Peeters"), ("Name (begeleider):", "Jan Janssens"),
        ("Date of the conversation", "2026-03-02"), ("Waar ben ik goed in?", "Stapelen"),
        ("Wil de medewerker in gesprek gaan?", "ja"), ("Wat wil je bereiken?",
                                                       "Heftruckattest halen"),
        ("Hoe tevreden ben je?", "2"), ("Reason to go on anyway", "Besproken met de medewerker"),
        ("Choose a number", "opleiding"), ("Soort *", "technisch"),
        ("Wat ga je doen?", "Heftruckopleiding volgen"), ("Hoe meet je het?", "attest behaald"),
        ("Tegen wanneer?", "30-06-2026"), ("Soort", ""), ("Datum opvolging", "01-09-2026"),
        ("Akkoord?", "ja"),
    ]:
        answer(child, prompt, text)
    child.expect_exact("The conversation is complete.")
    child.expect(pexpect.EOF)
    interactive_id = re.search(r"Plan ([a-z0-9]{8}) is now", child.before or "") or None
    plans = json.loads(pop_process("list", "--json").stdout)
    other = next(p for p in plans if p["id"] != from_file["id"])
    interactive = json.loads(pop_process("show", other["id"], "--json").stdout)
    del interactive_id
    for key in ("answers", "people", "date", "state", "pack", "pack_version"):
        assert interactive[key] == from_file[key], key
    assert {r: o["reason"] for r, o in interactive["overrides"].items()} == \
        {r: o["reason"] for r, o in from_file["overrides"].items()}


def test_answers_file_reports_everything_at_once(pop_env, tmp_path):
    answers = tmp_path / "answers.yaml"
    answers.write_text("""\
people: {employee: An}
answers:
  wil_gesprek: ja
  niveau: 9
  acties:
    - {soort: generiek, wat: Beter communiceren}
  onbekend: x
""")
    result = pop_process("run", "--pack", "mini", "--answers", str(answers))
    assert result.returncode == 2
    err = result.stderr
    assert "answers.yaml:4:11: answers.niveau: choose a number from 1 to 5" in err
    assert "answers.onbekend: unknown question 'onbekend'" in err
    assert "answers.wens: required question not answered" in err
    assert "rules.technische_actie: error: Spreek minstens één technische actie af." in err
    assert "not Time-bound" in err and "vague wording ('beter')" in err
    assert "Traceback" not in err
    assert pop_process("list", "--json").stdout.strip() == "[]"   # nothing saved

    partial = pop_process("run", "--pack", "mini", "--answers", str(answers), "--partial",
                          "--json")
    import json

    data = json.loads(partial.stdout)
    assert data["plan"]["state"] == "conversation.analyse"       # left open where it stops
    assert data["problems"]
    shown = json.loads(pop_process("show", data["plan"]["id"], "--json").stdout)
    assert shown["answers"]["wil_gesprek"] is True and "niveau" not in shown["answers"]


def test_example_answers_files_run_to_the_end(pop_env):
    for example in sorted(EXAMPLES.glob("*-answers.yaml")):
        result = pop_process("run", "--answers", str(example), "--json")
        assert result.returncode == 0, (example, result.stderr)
        import json

        state = json.loads(result.stdout)["plan"]["state"]
        assert not state.startswith(("preparation", "conversation")), (example, state)


def test_back_inside_an_action_row_goes_back_one_field(pop_env, tmp_path):
    answers = tmp_path / "start.yaml"
    answers.write_text("pack: mini\npeople: {employee: An}\n"
                       "answers: {wil_gesprek: ja, wens: Heftruck, niveau: 4}\n")
    import json

    started = pop_process("run", "--answers", str(answers), "--partial", "--json")
    plan_id = json.loads(started.stdout)["plan"]["id"]
    assert json.loads(started.stdout)["plan"]["state"] == "conversation.planning"
    child = spawn("run", "--resume", plan_id)
    answer(child, "Soort *", "2")
    answer(child, "Wat ga je doen? *", "Heftruckopleiding")
    answer(child, "Hoe meet je het?", "<")                        # back one field
    answer(child, "Wat ga je doen? * [Heftruckopleiding]", "Heftruckattest halen")
    answer(child, "Hoe meet je het?", "attest")
    answer(child, "Tegen wanneer?", "30-06-2026")
    child.expect_exact("Row 2")
    child.sendintr()                                              # the finished row is kept
    child.expect(pexpect.EOF)
    stored = db_answers(pop_env, plan_id)
    assert json.loads(stored["acties"]) == [{"soort": "technisch", "wat": "Heftruckattest halen",
                                             "meetbaar": "attest", "wanneer": "30-06-2026"}]


def at_planning(tmp_path, pack: str = "mini") -> str:
    """A plan of ``pack`` that stands at the mini pack's step Planning, its table empty."""
    import json

    answers = tmp_path / "start.yaml"
    answers.write_text("people: {employee: An}\n"
                       "answers: {wil_gesprek: ja, wens: Heftruck, niveau: 4}\n")
    started = json.loads(pop_process("run", "--pack", pack, "--answers", str(answers),
                                     "--partial", "--json").stdout)
    assert started["plan"]["state"] == "conversation.planning"
    return started["plan"]["id"]


def test_a_row_cut_off_halfway_is_offered_again(pop_env, tmp_path):
    import json

    plan_id = at_planning(tmp_path)
    child = spawn("run", "--resume", plan_id)
    answer(child, "Soort *", "2")
    answer(child, "Wat ga je doen? *", "Heftruckopleiding volgen")
    child.expect_exact("Hoe meet je het?")
    os.kill(child.pid, signal.SIGKILL)                           # not even a Ctrl-C to clean up
    child.expect(pexpect.EOF)
    child.close()
    assert "acties" not in db_answers(pop_env, plan_id)         # no half row among the answers

    child = spawn("run", "--resume", plan_id)
    child.expect_exact("A new row was being typed when the conversation stopped:")
    child.expect_exact("• Soort: technisch · Wat ga je doen?: Heftruckopleiding volgen")
    answer(child, "Enter: go on with this row · -: drop it", "")
    answer(child, "Choose a number [technisch]", "")             # what was typed, kept
    answer(child, "Wat ga je doen? * [Heftruckopleiding volgen]", "")
    answer(child, "Hoe meet je het?", "attest behaald")
    answer(child, "Tegen wanneer?", "30-06-2026")
    child.expect_exact("Row 2")                                  # and more rows may follow
    child.sendintr()
    child.expect_exact("Everything answered is saved")
    child.expect(pexpect.EOF)
    child.close()
    assert json.loads(db_answers(pop_env, plan_id)["acties"]) == [
        {"soort": "technisch", "wat": "Heftruckopleiding volgen", "meetbaar": "attest behaald",
         "wanneer": "30-06-2026"}]

    child = spawn("run", "--resume", plan_id)                   # the table is done: on to …
    answer(child, "Datum opvolging", "<")                        # … the next question; back
    child.expect_exact("1. Soort: technisch")                   # the row, not offered again
    answer(child, "number: change that row", "1")
    answer(child, "Choose a number [technisch]", "")
    answer(child, "Wat ga je doen? * [Heftruckopleiding volgen]", "Heftruckattest halen")
    child.expect_exact("Hoe meet je het? [attest behaald]")
    time.sleep(0.2)
    child.sendintr()                                             # Ctrl-C while changing row 1
    child.expect(pexpect.EOF)
    child.close()
    child = spawn("run", "--resume", plan_id)
    child.expect_exact("Row 1 was being changed when the conversation stopped:")
    child.expect_exact("• Soort: technisch · Wat ga je doen?: Heftruckattest halen")
    answer(child, "Enter: go on with this row · -: drop it", "-")  # keep row 1 as it was
    child.expect_exact("1. Soort: technisch · Wat ga je doen?: Heftruckopleiding volgen")
    answer(child, "number: change that row", "!")
    child.expect(pexpect.EOF)
    child.close()
    assert json.loads(db_answers(pop_env, plan_id)["acties"])[0]["wat"] == \
        "Heftruckopleiding volgen"
    again = pop_process("run", "--resume", plan_id, input="<\n!\n").stdout
    assert "1. Soort: technisch" in again and "was being" not in again   # dropped is gone


def test_example_rows_are_not_numbered_like_the_rows(pop_env, tmp_path, make_pack):
    make_pack({"pack.yaml": """\
id: mini_voorbeelden
extends: mini
name: Mini met voorbeeldrijen
version: 1.0.0
phases:
  conversation:
    steps:
      - id: planning
        questions:
          - id: acties
            examples:
              - {soort: generiek, wat: Elke ochtend om 8 uur starten, wanneer: 30-06-2026}
"""}, name="mini_voorbeelden")
    plan_id = at_planning(tmp_path, str(tmp_path / "mini_voorbeelden"))
    child = spawn("run", "--resume", plan_id)
    child.expect_exact("Examples (not stored):")
    child.expect_exact("  • Soort: generiek · Wat ga je doen?: Elke ochtend om 8 uur starten")
    answer(child, "Soort *", "2")
    answer(child, "Wat ga je doen? *", "Heftruckopleiding volgen")
    answer(child, "Hoe meet je het?", "")
    answer(child, "Tegen wanneer?", "")
    answer(child, "Soort", "")
    child.expect_exact("not Measurable")                       # the table is asked again
    child.expect_exact("Examples (not stored):")
    child.expect(r"\r\n(.*)Elke ochtend")
    assert child.match.group(1) == "  • Soort: generiek · Wat ga je doen?: "
    child.expect(r"\r\n  (\S+) Soort: technisch · Wat ga je doen\?: Heftruckopleiding")
    assert child.match.group(1) == "1."                          # the only row numbered 1.
    answer(child, "number: change that row", "!")
    child.expect(pexpect.EOF)


def test_enter_at_a_phase_warning_goes_to_the_question_it_is_about(pop_env, tmp_path,
                                                                   make_pack):
    import json

    make_pack({"pack.yaml": """\
id: mini_fase
extends: mini
name: Mini met waarschuwingen bij het einde van het gesprek
version: 1.0.0
rules:
  - id: tevredenheid_gevraagd
    at: conversation
    severity: warning
    message: Vraag hoe tevreden de medewerker is.
    check: {niveau: {present: true}}
  - id: sterkte_gevraagd
    at: conversation
    severity: warning
    message: Vraag waar de medewerker goed in is.
    check: {sterk: {present: true}}
"""}, name="mini_fase")
    answers = tmp_path / "answers.yaml"
    answers.write_text("""\
people: {employee: An}
answers:
  wil_gesprek: ja
  wens: Heftruckattest halen
  thema: opleiding
  acties:
    - {soort: technisch, wat: Heftruckopleiding volgen, meetbaar: attest, wanneer: 30-06-2026}
  volgende: 2026-09-01
  akkoord: true
""")
    started = json.loads(pop_process("run", "--pack", str(tmp_path / "mini_fase"), "--answers",
                                     str(answers), "--partial", "--json").stdout)
    plan_id = started["plan"]["id"]
    assert started["plan"]["state"] == "conversation.planning"
    child = spawn("run", "--resume", plan_id)
    child.expect_exact("Warning: Vraag hoe tevreden de medewerker is.")
    answer(child, "Reason to go on anyway", "")                  # rather answer it …
    child.expect_exact("Warning: Vraag waar de medewerker goed in is.")
    answer(child, "Reason to go on anyway", "")                  # … not asked in this phase
    child.expect_exact("No question of this phase changes that")
    answer(child, "Reason to go on anyway", "Vooraf niet voorbereid")
    child.expect_exact("Analyse (step 2 of 3)")                  # back to where it is asked
    answer(child, "Hoe tevreden ben je? (1–5)", "4")
    child.expect_exact("The conversation is complete.")          # no loop, nothing re-asked
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "Thema" not in child.before and "Reason" not in child.before
    plan = json.loads(pop_process("show", plan_id, "--json").stdout)
    assert plan["answers"]["niveau"] == 4
    assert plan["overrides"]["sterkte_gevraagd"]["reason"] == "Vooraf niet voorbereid"
    assert "tevredenheid_gevraagd" not in plan["overrides"]
