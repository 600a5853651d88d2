"""Van den Berg: each role prepares alone after the announcement; the next cycle's agenda."""

from __future__ import annotations

import json
import os
import sys

import pexpect
import pytest
from helpers import EXAMPLES, TESTS, pop_command, pop_process

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")


def spawn(*args: str) -> pexpect.spawn:
    command = pop_command()
    return pexpect.spawn(command[0], [*command[1:], *args], env=dict(os.environ),
                         cwd=str(TESTS), encoding="utf-8", timeout=20, dimensions=(50, 250))


def ok_json(*args: str) -> dict:
    result = pop_process(*args, "--json")
    assert result.returncode == 0, (args, result.stderr)
    return json.loads(result.stdout)


def skip_all(child: pexpect.spawn, until: str, answers: dict[str, str] | None = None) -> list:
    """Answer (or skip with Enter) every prompt until ``until``; returns the prompts seen."""
    answers = answers or {}
    seen = []
    while True:
        index = child.expect([r"\n([^\n]*?)(?: \[[^\]]*\])?: $", until, pexpect.EOF])
        if index == 1:
            return seen
        if index == 2:
            raise AssertionError(f"ended before {until!r}: {child.before}")
        prompt = child.match.group(1).strip()
        seen.append(prompt)
        child.sendline(next((v for k, v in answers.items() if k in prompt), ""))
        if len(seen) > 200:
            raise AssertionError("too many prompts")


def test_each_role_answers_only_its_own_preparation_questions(pop_env):
    child = spawn("prepare", "--pack", "vandenberg", "--role", "manager")
    for prompt, text in (("Name (medewerker) *", "Sanne de Vries"),
                         ("Name (leidinggevende)", "Mark Jansen"),
                         ("Date of the conversation", "16-03-2026")):
        child.expect_exact(prompt)
        child.sendline(text)
    child.expect(r"Plan ([a-z0-9]{8}) created")
    plan_id = child.match.group(1)
    child.expect_exact("Preparation for Leidinggevende Mark Jansen")
    prompts = []
    answers = {"competentieprofiel": "Ruim voldoende", "ontwikkelingsnoodzaak": "Ja: Excel"}
    while True:
        index = child.expect([r"\(Leidinggevende\)[^\n]*: ",
                              "Preparation saved", r"\(Medewerker\)"])
        assert index != 2, "a medewerker question was asked of the leidinggevende"
        if index == 1:
            break
        prompts.append(child.before.rsplit("\n", 1)[-1])
        child.sendline(next((v for k, v in answers.items() if k in prompts[-1]), ""))
    child.expect(pexpect.EOF)
    # the seven questions, the stroommogelijkheden, and the points for the afstemming
    assert len(prompts) == 9 and "gesprekspunten" in prompts[-1]
    assert any("Is er een ontwikkelingsnoodzaak? En zo ja, welke?" in p for p in prompts)

    child = spawn("prepare", plan_id, "--role", "employee")
    child.expect_exact("Preparation for Medewerker Sanne de Vries")
    child.expect_exact("Waar ben ik goed in? (Medewerker)")
    child.sendline("Klanten helpen")
    count = 1
    while True:
        index = child.expect([r"\(Medewerker\)[^\n]*: ", "Preparation saved",
                              r"\(Leidinggevende\)"])
        assert index != 2
        if index == 1:
            break
        count += 1
        child.sendline("")
    child.expect(pexpect.EOF)
    assert count == 19                             # the eighteen and the gesprekspunten

    plan = ok_json("show", plan_id)
    assert plan["state"] == "preparation.aankondiging_medewerker"   # preparing moves nothing
    assert plan["answers"]["mw_goed_in"] == "Klanten helpen"
    assert plan["answers"]["lg_ontwikkelingsnoodzaak"] == "Ja: Excel"
    actors = {e["data"]["question"]: e["actor"] for e in ok_json("log", plan_id)
              if e["kind"] == "answer"}
    assert actors["mw_goed_in"] == "Sanne de Vries" and actors["lg_competentieprofiel"] == \
        "Mark Jansen"

    refused = pop_process("prepare", plan_id, "--role", "director")
    assert refused.returncode == 2 and "unknown role 'director'" in refused.stderr


def test_the_next_cycle_puts_the_previous_afspraken_on_the_agenda(pop_env, tmp_path):
    plan_id = ok_json("run", "--answers", str(EXAMPLES / "vandenberg-answers.yaml"))["plan"]["id"]
    for role in ("employee", "manager"):
        ok_json("sign", plan_id, "--role", role)
    ok_json("checkin", plan_id, "--date", "2026-06-01", "--status", "1=gedaan",
            "--note", "1=Cursus afgerond", "--status", "2=bezig")
    evaluation = tmp_path / "evaluatie.yaml"
    evaluation.write_text("answers:\n  evaluatie_afspraken: Grotendeels gehaald.\n")
    ok_json("evaluate", plan_id, "--answers", str(evaluation))
    ok_json("close", plan_id)
    new_id = ok_json("next", plan_id, "--date", "2027-03-15")["plan"]["id"]

    child = spawn("prepare", new_id, "--role", "employee")
    skip_all(child, "Preparation saved")
    child = spawn("prepare", new_id, "--role", "manager")
    skip_all(child, "Preparation saved")
    child = spawn("run", "--resume", new_id)
    child.expect_exact("Afstemming")
    child.expect_exact(f"From the previous plan ({plan_id})")
    first = json.loads(pop_process("show", plan_id, "--json").stdout)["answers"]["afspraken"][0]
    child.expect_exact(first["wat"][:40])
    child.expect_exact("→ done (1 June 2026): Cursus afgerond")
    child.sendline("!")
    child.close()


def own_questions(role: str) -> list[str]:
    """The texts of the preparation questions a role of vandenberg answers alone."""
    pack = ok_json("packs", "show", "vandenberg")
    return [q["text"] for s in pack["phases"]["preparation"]["steps"]
            for q in s.get("questions", [])
            if q.get("answered_by", s.get("answered_by")) == role]


def test_preparing_again_goes_on_where_it_stopped_and_knows_who_is_done(pop_env):
    employee, manager = own_questions("employee"), own_questions("manager")
    child = spawn("prepare", "--pack", "vandenberg", "--role", "employee")
    for prompt, text in (("Name (medewerker) *", "Sanne de Vries"),
                         ("Name (leidinggevende)", "Mark Jansen"),
                         ("Date of the conversation", "16-03-2026")):
        child.expect_exact(prompt)
        child.sendline(text)
    child.expect(r"Plan ([a-z0-9]{8}) created")
    plan_id = child.match.group(1)
    for prompt, text in ((employee[0], "Klanten helpen"), (employee[1], "")):
        child.expect_exact(prompt)
        child.sendline(text)
    child.expect_exact(employee[2])
    child.sendintr()                                       # Ctrl-C at the third question
    child.expect(pexpect.EOF)
    child.close()

    child = spawn("prepare", plan_id, "--role", "employee")
    child.expect_exact(f"Continuing at question 3 of {len(employee)}")
    child.expect_exact(employee[2])                        # not question 1 again
    child.sendline("<")                                    # the earlier ones are a < away
    child.expect_exact(f"{employee[1]} (Medewerker): ")    # skipped before: nothing to keep
    child.sendline("Mensen helpen")
    for _question in employee[2:]:
        child.expect(r"\(Medewerker\)[^\n]*: ")
        child.sendline("")
    child.expect_exact("Preparation saved.")
    child.expect_exact("Leidinggevende prepares with: pop prepare")   # not yet done
    child.expect(pexpect.EOF)

    child = spawn("prepare", plan_id, "--role", "manager")
    for _question in manager:
        child.expect(r"\(Leidinggevende\)[^\n]*: ")
        child.sendline("")
    child.expect_exact("Preparation saved.")
    child.expect_exact("Medewerker has prepared.")                    # she finished
    child.expect(pexpect.EOF)
    assert "Medewerker prepares with" not in child.before

    child = spawn("prepare", plan_id, "--role", "employee")
    child.expect_exact(f"All {len(employee)} questions were answered before")
    child.expect_exact(f"{employee[0]} (Medewerker) [Klanten helpen]")
    child.sendline("!")
    child.expect(pexpect.EOF)
    answers = ok_json("show", plan_id)["answers"]
    assert answers["mw_goed_in"] == "Klanten helpen" and answers["mw_leukst"] == "Mensen helpen"
