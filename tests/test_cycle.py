"""After the conversation: akkoord, follow-up, evaluation, close, the next cycle, privacy.

The whole cycle runs on the vdab example through the real ``pop`` command. Dates that matter
are fixed (``--date``, ``POP_TODAY``); nothing here depends on today's date.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys

import pytest
from helpers import EXAMPLES, TESTS, pop_command, pop_process, rows_mentioning

VDAB = EXAMPLES / "vdab-answers.yaml"
VTOC = EXAMPLES / "vtoc-answers.yaml"


def ok(*args: str, env: dict | None = None, input: str | None = None):
    result = pop_process(*args, env=env, input=input)
    assert result.returncode == 0, (args, result.stdout, result.stderr)
    return result


def ok_json(*args: str, env: dict | None = None):
    return json.loads(ok(*args, "--json", env=env).stdout)


def refused(code: int, *args: str, env: dict | None = None) -> str:
    result = pop_process(*args, env=env)
    assert result.returncode == code, (args, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    return result.stderr


def start(example=VDAB) -> str:
    return ok_json("run", "--answers", str(example))["plan"]["id"]


def sign_both(plan_id: str) -> dict:
    ok("sign", plan_id, "--role", "employee", "--name", "Dries Verbeeck")
    return ok_json("sign", plan_id, "--role", "manager", "--name", "Els Vandamme")


def test_whole_cycle_on_the_vdab_example(pop_env, tmp_path):
    plan_id = start()
    assert ok_json("show", plan_id)["state"] == "follow_up.uitvoering"

    # no check-in and no evaluation before the akkoord
    err = refused(3, "checkin", plan_id, "--status", "1=bezig")
    assert "pop checkin is not possible" in err and "has not signed yet" in err
    err = refused(3, "evaluate", plan_id)
    assert "[pop.signatures]" in err and "[pop.checkins]" in err and "uitgeprobeerd" in err

    # both sign the same content
    first = ok_json("sign", plan_id, "--role", "employee", "--name", "Dries Verbeeck")
    assert first["agreement"]["agreed"] is False and first["agreement"]["missing"] == ["manager"]
    both = ok_json("sign", plan_id, "--role", "manager")          # the name from the people
    assert both["signature"]["name"] == "Els Vandamme"
    assert both["agreement"]["agreed"] is True
    assert both["signature"]["digest"] == first["signature"]["digest"]
    assert len(both["signature"]["digest"]) == 64
    assert ok("verify", plan_id).stdout.count("✓") == 2

    # two check-ins: one from a file (with the follow-up questions), one from options
    checkin = tmp_path / "checkin.yaml"
    checkin.write_text("""\
date: 20-04-2026
actions:
  - {action: 1, status: bezig, note: Nog 3 keer te laat bij regenweer}
  - {action: 2, status: gedaan, note: 5 pallets goedgekeurd}
answers:
  uitvoering_datum: 20-04-2026
  uitvoering_vorm: [formeel]
  uitgeprobeerd: Dries nam de bus en stapelde zelfstandig.
""", encoding="utf-8")
    one = ok_json("checkin", plan_id, "--answers", str(checkin))
    assert [e["status"] for e in one["checkin"]["actions"]] == ["in_progress", "done"]
    two = ok_json("checkin", plan_id, "--date", "2026-06-25", "--status", "1=done",
                  "--status", "3=in_progress", "--note", "3=Twee namiddagen meegelopen")
    assert two["agreement"]["agreed"] is True           # a check-in does not undo the akkoord
    shown = ok_json("show", plan_id)
    assert len(shown["checkins"]) == 2 and shown["checkins"][0]["date"] == "2026-04-20"
    assert shown["answers"]["uitgeprobeerd"].startswith("Dries nam de bus")

    # evaluation, then close
    assert "evaluate the plan first" in refused(3, "close", plan_id)
    evaluation = tmp_path / "evaluatie.yaml"
    evaluation.write_text("""\
answers:
  evaluatie_acties:
    - {actie: Op tijd met de bus, bereikt: true}
    - {actie: Pallet stapelen, bereikt: true}
    - {actie: Meelopen met een orderpicker, bereikt: false, hindernissen: Te weinig tijd}
  doel_bereikt: false
  hindernissen_evaluatie: Het magazijn had in juni te weinig bezetting.
""", encoding="utf-8")
    evaluated = ok_json("evaluate", plan_id, "--answers", str(evaluation))
    assert evaluated["plan"]["state"] == "evaluation.evaluatie" and evaluated["ready_to_close"]
    assert ok_json("close", plan_id)["to"] == "closed"
    assert "the plan is closed" in refused(3, "checkin", plan_id, "--status", "1=done")

    # the next cycle: same person and pack, linked, the previous actions in the terugblik
    nxt = ok_json("next", plan_id, "--date", "2027-03-08")
    new_id = nxt["plan"]["id"]
    assert nxt["plan"]["previous"] == plan_id and nxt["plan"]["date"] == "2027-03-08"
    assert nxt["plan"]["people"] == {"employee": "Dries Verbeeck", "manager": "Els Vandamme"}
    looking_back = {item["question"]: item for item in nxt["retrospective"]}
    outcome = [(a["row"], a["status"], a["note"]) for a in looking_back["acties"]["actions"]]
    assert outcome == [(1, "done", "Nog 3 keer te laat bij regenweer"),
                       (2, "done", "5 pallets goedgekeurd"),
                       (3, "in_progress", "Twee namiddagen meegelopen")]
    assert looking_back["doel_bereikt"]["value"] is False
    assert "already started" in refused(3, "next", plan_id)

    history = ok_json("history", "Dries Verbeeck")
    assert [(h["id"], h["previous"]) for h in history] == [(plan_id, None), (new_id, plan_id)]
    assert history[0]["actions_done"] == 2 and history[0]["checkins"] == 2

    kinds = [e["kind"] for e in ok_json("log", plan_id)]
    assert kinds.count("signed") == 2 and kinds.count("checkin") == 2 and kinds[-1] == "state"
    log = ok("log", plan_id).stdout
    assert "Begeleider (manager): Els Vandamme (sha256" in log and "2026-06-25; 1: done" in log
    # the answers the plan was made with (from the file) are in it, as people read them
    assert "(datum_opvolging) = 20 April 2026" in log and "(wil_gesprek) = yes" in log
    assert "\n      • Karim Bouzid, monitor magazijn\n" in log
    assert "{'" not in log and "['" not in log                    # no Python reprs
    assert "Na: evaluatie · Evaluatie → closed" in log            # states as the pack names them

    # the terugblik in the new conversation shows each previous action with its outcome
    if sys.platform != "win32":
        _terugblik_in_the_conversation(new_id, plan_id)


def _terugblik_in_the_conversation(plan_id: str, previous_id: str) -> None:
    import pexpect

    command = pop_command()
    child = pexpect.spawn(command[0], [*command[1:], "run", "--resume", plan_id],
                          env=dict(os.environ), cwd=str(TESTS), encoding="utf-8", timeout=20,
                          dimensions=(50, 250))
    for prompt, text in [
        ("bekendgemaakt wat de", "ja"), ("intern betrokken", ""), ("Wie voert", "Els"),
        ("5 W's", "ja"), ("negatieve gevolgen", "ja"), ("in gesprek gaan?", "ja"),
        ("achtergrond?", "Zie vorig POP"), ("als persoon", ""), ("thuissituatie", ""),
        ("bereiken of leren", "In het magazijn werken"), ("realistisch doel", "ja"),
        ("generiek vlak", "Nauwkeurig"), ("technisch vlak", "Stapelen"),
    ]:
        child.expect_exact(prompt)
        child.sendline(text)
    child.expect_exact("Analyse: ontwikkelpunten")
    child.expect_exact(f"From the previous plan ({previous_id})")
    child.expect_exact("Welke acties spreken jullie af?")
    child.expect_exact("→ done (20 April 2026): 5 pallets goedgekeurd")
    child.expect_exact("→ in progress (25 June 2026): Twee namiddagen meegelopen")
    child.expect_exact("Aan welke competenties")
    child.sendline("!")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_a_change_after_signing_makes_the_signatures_stale(pop_env):
    plan_id = start()
    agreed = sign_both(plan_id)["agreement"]["digest"]

    assert "needs a reason" in refused(2, "checkin", plan_id, "--change",
                                       "2.wanneer=31-07-2026")
    err = refused(2, "checkin", plan_id, "--change", "2.wanneer=binnenkort", "--reason",
                  "2=later")
    assert "[smart]" in err and "Tijdsgebonden" in err            # the pack's rules still hold
    changed = ok_json("checkin", plan_id, "--change", "2.wanneer=31-07-2026", "--reason",
                      "2=De opleiding van Ahmed schuift op", "--date", "2026-05-02")
    entry = changed["checkin"]["actions"][0]
    assert entry["status"] == "adjusted"
    assert entry["change"] == {"wanneer": {"from": "31-05-2026", "to": "31-07-2026"}}
    assert changed["agreement"]["agreed"] is False
    assert changed["agreement"]["stale"] == ["employee", "manager"]

    shown = ok_json("show", plan_id)
    assert shown["answers"]["acties"][1]["wanneer"] == "31-07-2026"
    assert [s["stale"] for s in shown["signatures"]] == [True, True]
    assert shown["agreement"]["digest"] != agreed
    assert shown["signatures"][0].keys() >= {"role", "name", "at", "digest", "stale"}
    assert "stale: the content changed after signing" in ok("show", plan_id).stdout
    verify = pop_process("verify", plan_id, "--json")
    assert verify.returncode == 1 and json.loads(verify.stdout)["agreed"] is False

    # no further check-in, no evaluation, until both sign again
    assert "content changed after Medewerker" in refused(3, "checkin", plan_id,
                                                         "--status", "1=done")
    assert "[pop.signatures]" in refused(3, "evaluate", plan_id)
    again = sign_both(plan_id)
    assert again["agreement"]["agreed"] is True and again["agreement"]["digest"] != agreed
    assert ok("verify", plan_id).returncode == 0
    signatures = ok_json("show", plan_id)["signatures"]
    assert [s["stale"] for s in signatures] == [True, True, False, False]


def test_due_lists_the_right_items_on_a_fixed_clock(pop_env, tmp_path):
    vdab = start()                     # conversation 09-03-2026, follow-up 20-04, evaluation 02-07
    sign_both(vdab)
    announced = tmp_path / "announced.yaml"
    announced.write_text("pack: vandenberg\npeople: {employee: Sanne de Vries, manager: "
                         "Martijn Bakker}\ndate: 2026-05-04\nanswers: {}\n", encoding="utf-8")
    later = ok_json("run", "--answers", str(announced), "--partial")["plan"]
    assert later["state"].startswith("preparation")
    closed = start(VTOC)                 # a closed plan never has anything due
    ok("sign", closed, "--role", "employee"), ok("sign", closed, "--role", "manager")
    ok_json("checkin", closed, "--status", "1=done", "--set", "vooruitgang=Goed bezig")
    assert pop_process("evaluate", closed, "--answers", str(_vtoc_evaluation(tmp_path))
                       ).returncode == 0
    ok("close", closed)

    fixed = {"POP_TODAY": "2026-04-15"}
    items = ok_json("due", "--within", "30d", env=fixed)["items"]
    assert [(i["date"], i["kind"], i["plan"]) for i in items] == [
        ("2026-04-20", "checkin", vdab),                  # Dries Verbeeck's follow-up
        ("2026-04-20", "announcement", later["id"]),      # 14 days before Sanne's conversation
        ("2026-04-27", "preparation", later["id"]),       # 7 days before
        ("2026-05-04", "conversation", later["id"]),
    ]
    assert items[0]["days"] == 5 and not items[0]["overdue"]

    months = ok_json("due", "--within", "3m", "--today", "2026-04-15")
    assert months["until"] == "2026-07-15"
    vdab_items = [(i["date"], i["kind"], i["id"]) for i in months["items"] if i["plan"] == vdab]
    assert vdab_items == [("2026-04-20", "checkin", "opvolgingsgesprek"),
                          ("2026-05-31", "action", "action-2"),
                          ("2026-06-30", "action", "action-1"),
                          ("2026-06-30", "action", "action-3"),
                          ("2026-07-02", "evaluation", "evaluatiegesprek")]

    # after a check-in: the follow-up moment is done, and so is a finished action
    ok("checkin", vdab, "--status", "2=gedaan", "--date", "2026-04-20")
    after = ok_json("due", "--within", "3m", env=fixed)["items"]
    assert [(i["kind"], i["id"]) for i in after if i["plan"] == vdab] == [
        ("action", "action-1"), ("action", "action-3"), ("evaluation", "evaluatiegesprek")]

    # overdue moments come first, and say so
    late = ok("due", "--within", "1w", env={"POP_TODAY": "2026-05-10"}).stdout.splitlines()
    assert late[0].startswith("2026-04-20") and "20 days late" in late[0]
    assert "Sanne de Vries" in late[0]
    assert all(closed not in line for line in late)
    assert "is not a period" in refused(2, "due", "--within", "soon")
    assert "not a date" in refused(2, "due", env={"POP_TODAY": "morgen"})


def _vtoc_evaluation(tmp_path):
    from engine.packs import PackLibrary
    from engine.plugins import build_plugins

    pack = PackLibrary(build_plugins(False)).load("vtoc")
    answers = {}
    for qid, ref in pack.questions.items():
        if ref.phase == "evaluation" and ref.question.get("required"):
            kind = ref.type
            answers[qid] = {"bool": True, "scale": 3, "number": 1}.get(kind, "Goed verlopen")
            if kind in ("choice", "multichoice"):
                first = pack.choices(ref.question)[0][0]
                answers[qid] = first if kind == "choice" else [first]
    path = tmp_path / "vtoc-evaluatie.json"
    path.write_text(json.dumps({"answers": answers}), encoding="utf-8")
    return path


def test_guarded_commands_refuse_with_a_clear_message(pop_env, tmp_path):
    early = tmp_path / "early.yaml"
    early.write_text("pack: vdab\npeople: {employee: Kim Peeters}\nanswers: {}\n",
                     encoding="utf-8")
    plan = ok_json("run", "--answers", str(early), "--partial")["plan"]["id"]
    for command in (["sign", plan, "--role", "employee"], ["checkin", plan, "--status", "1=done"],
                    ["evaluate", plan], ["close", plan]):
        err = refused(3, *command)
        assert f"pop {command[0]} is not possible for plan {plan}" in err
        assert f"the conversation is not finished yet; continue it with: pop run --resume {plan}" \
            in err
    assert "not closed yet" in refused(3, "next", plan)

    plan = start()
    assert "does not sign plans of pack vdab" in refused(2, "sign", plan, "--role", "coach")
    ok("sign", plan, "--role", "employee")
    assert "already signed this content" in refused(2, "sign", plan, "--role", "employee")
    ok("sign", plan, "--role", "manager")
    assert "no action 9" in refused(2, "checkin", plan, "--status", "9=done")
    assert "unknown status 'misschien'" in refused(2, "checkin", plan, "--status", "1=misschien")
    assert "not a question of the follow-up" in refused(2, "checkin", plan, "--set", "doel=x")
    assert "nothing to record" in refused(2, "checkin", plan, "--date", "2026-04-01",
                                          "--set", "uitgeprobeerd=")
    assert ok_json("show", plan)["checkins"] == []               # refusals store nothing


def test_plugins_hear_the_agreement_once_per_agreed_content(pop_env, pop):
    from engine import hookimpl
    from engine.plugins import build_plugins, reset_plugins

    heard: dict[str, list] = {"agreed": [], "saved": []}

    class Listener:
        @hookimpl
        def pop_plan_agreed(self, plan, digest):
            heard["agreed"].append((plan.id, digest))

        @hookimpl
        def pop_plan_saved(self, plan, change):
            heard["saved"].append(change["kind"])

    plugins = build_plugins(load_entry_points=False)
    plugins.manager.register(Listener(), name="listener")
    reset_plugins(plugins)
    plan_id = json.loads(pop("run", "--answers", str(VDAB), "--json").stdout)["plan"]["id"]
    pop("sign", plan_id, "--role", "employee")
    assert heard["agreed"] == []
    first = json.loads(pop("sign", plan_id, "--role", "manager", "--json").stdout)
    assert heard["agreed"] == [(plan_id, first["signature"]["digest"])]
    pop("checkin", plan_id, "--status", "1=bezig")                  # no change: nothing new
    assert len(heard["agreed"]) == 1
    pop("checkin", plan_id, "--change", "1.wie_helpt=Els", "--reason", "1=Vader is weg")
    pop("sign", plan_id, "--role", "employee")
    pop("sign", plan_id, "--role", "manager")
    assert len(heard["agreed"]) == 2 and heard["agreed"][1][1] != first["signature"]["digest"]
    assert heard["saved"].count("signed") == 4 and heard["saved"].count("checkin") == 2


def test_export_person_and_forget_leave_no_row_about_the_person(pop_env, tmp_path):
    first = start()
    sign_both(first)
    ok("checkin", first, "--status", "1=bezig", "--set", "uitgeprobeerd=Ja", "--date",
       "2026-04-20")
    ok("checkin", first, "--change", "2.wanneer=30-06-2026", "--reason", "2=Later",
       "--date", "2026-05-02")
    sign_both(first)
    other = start(VTOC)                 # Sofie Claes: must survive Dries being forgotten

    exported = ok_json("export-person", "dries verbeeck")       # the name, any case
    assert [p["id"] for p in exported["plans"]] == [first]
    plan = exported["plans"][0]
    assert plan["answers"]["acties"] and len(plan["signatures"]) == 4
    assert len(plan["checkins"]) == 2 and {e["kind"] for e in plan["events"]} >= {
        "created", "answer", "state", "signed", "checkin"} - {"answer"}
    out = tmp_path / "dries.json"
    ok("export-person", "Dries Verbeeck", "-o", str(out))
    assert json.loads(out.read_text(encoding="utf-8"))["plans"][0]["id"] == first
    assert out.stat().st_mode & 0o077 == 0

    stopped = pop_process("forget", "Dries Verbeeck", input="n\n")
    assert stopped.returncode == 1 and first in stopped.stdout
    assert ok_json("show", first)["id"] == first                  # nothing erased without a yes

    erased = ok_json("forget", "Dries Verbeeck", "--yes")
    assert erased["plans"] == [first]
    assert "no plan" in refused(2, "show", first)
    assert "no person 'Dries Verbeeck'" in refused(2, "export-person", "Dries Verbeeck")
    assert "no person" in refused(2, "forget", "Dries Verbeeck", "--yes")
    # his begeleider is a person in her own right: she stays in the register
    assert ok_json("people", "show", "Els Vandamme")["plans"] == []

    db = pop_env / "pop.sqlite3"
    needles = ["Dries", "Verbeeck", first]
    assert rows_mentioning(needles) == []
    for path in (db, db.with_name(db.name + "-wal")):           # nor in free pages or the log
        if path.exists():
            raw = path.read_bytes()
            assert all(n.encode() not in raw for n in needles), path
    assert ok_json("show", other)["person"] == "Sofie Claes"
    assert rows_mentioning(["Sofie Claes"])


@pytest.mark.sqlite_only
def test_databases_of_the_first_schema_are_upgraded(pop_env):
    from engine.sqlite_store import MIGRATIONS
    from engine.store import open_store

    pop_env.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(pop_env / "pop.sqlite3") as db:
        db.executescript(MIGRATIONS[0] + "; PRAGMA user_version=1;")
    store = open_store(pop_env)
    assert store.schema_version == len(MIGRATIONS) >= 2
    tables = {r[0] for r in store.db.execute("SELECT name FROM sqlite_master")}
    assert {"signatures", "checkins"} <= tables
    store.close()


@pytest.mark.parametrize("within, until", [("30d", "2026-05-15"), ("2w", "2026-04-29"),
                                           ("1m", "2026-05-15"), ("10", "2026-04-25")])
def test_due_periods(within, until):
    from datetime import date

    from engine.due import parse_within

    assert parse_within(within, date(2026, 4, 15)).isoformat() == until
    assert parse_within("1m", date(2026, 1, 31)).isoformat() == "2026-02-28"


def test_interactive_checkin_with_help_and_back(pop_env):
    import pexpect

    plan_id = start()
    sign_both(plan_id)
    command = pop_command()
    child = pexpect.spawn(command[0], [*command[1:], "checkin", plan_id], env=dict(os.environ),
                          cwd=str(TESTS), encoding="utf-8", timeout=20, dimensions=(50, 250))
    child.expect_exact("Status (")
    child.sendline("?")
    child.expect_exact("goes back to the previous action")
    child.expect_exact("Status (")
    child.sendline("2")                                   # action 1: in progress …
    child.expect_exact("Note (Enter: none)")
    child.sendline("eerste versie")
    child.expect_exact("Status (")
    child.sendline("<")                                   # … back to action 1
    child.expect_exact("Status (")
    child.sendline("3")                                   # done, after all
    child.expect_exact("Note (Enter: none)")
    child.sendline("")
    for _action in (2, 3):
        child.expect_exact("Status (")
        child.sendline("")
    for prompt, text in (("Wanneer vond het opvolgingsgesprek plaats?", "20-04-2026"),
                         ("Choose numbers", "1"), ("uitgeprobeerd?", "Stiptheid lukt."),
                         ("hindernissen", "")):
        child.expect_exact(prompt)
        child.sendline(text)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    checkins = ok_json("show", plan_id)["checkins"]
    assert [(e["action"], e["status"]) for e in checkins[0]["actions"]] == [(1, "done")]


def test_the_evaluation_picks_the_plans_actions_and_names_those_left(pop_env, tmp_path):
    import pexpect

    plan_id = start()
    sign_both(plan_id)
    ok("checkin", plan_id, "--date", "2026-04-20", "--status", "1=done",
       "--set", "uitgeprobeerd=Stiptheid lukt.")
    labels = [a["wat"] for a in ok_json("show", plan_id)["answers"]["acties"]]  # vdab's S
    command = pop_command()
    child = pexpect.spawn(command[0], [*command[1:], "evaluate", plan_id], env=dict(os.environ),
                          cwd=str(TESTS), encoding="utf-8", timeout=20, dimensions=(50, 250))
    child.expect_exact("Welke afgesproken actie? *")
    child.expect_exact(f"3. {labels[2][:60]}")                 # the actions, numbered
    child.expect_exact("Choose a number (or type the action)")
    child.sendline("4")
    child.expect_exact("choose a number from 1 to 3")
    child.sendline("3")
    child.expect_exact("Is het doel van deze actie bereikt?")
    child.sendline("nee")
    child.expect_exact("hindernissen?")
    child.sendline("Te weinig tijd")
    child.expect_exact("Row 2")
    child.expect(r"3\. [^\n]*✓ evaluated")                      # the one row 1 names
    child.expect_exact("Choose a number (or type the action)")
    child.sendline("")                                          # Enter ends the table
    for prompt, text in (("Heeft de medewerker zijn/haar doel bereikt?", "nee"),
                         ("Welke waren de eventuele hindernissen?", "")):
        child.expect_exact(prompt)
        child.sendline(text)
    child.expect_exact("Actions not evaluated yet:")
    child.expect_exact(f"1. {labels[0][:60]}")
    child.expect_exact(f"2. {labels[1][:60]}")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    rows = ok_json("show", plan_id)["answers"]["evaluatie_acties"]
    assert rows == [{"actie": labels[2], "bereikt": False, "hindernissen": "Te weinig tijd"}]

    evaluation = tmp_path / "evaluatie.yaml"                    # a file names actions by text
    evaluation.write_text(json.dumps({"answers": {"evaluatie_acties": [
        {"actie": labels[0], "bereikt": True}, {"actie": f"  {labels[1].upper()} ",
                                                "bereikt": True}]}}), encoding="utf-8")
    evaluated = ok_json("evaluate", plan_id, "--answers", str(evaluation))
    assert evaluated["unevaluated"] == [{"n": 3, "label": labels[2]}]
