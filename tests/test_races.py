"""Many hands on one plan, raced with real processes (never threads in one process).

Each test starts its writers together and asserts what the people would see: everyone told
"recorded" has their change in the store, the lifecycle never goes backwards, and the event log
replays to the plan. ``POP_RACE_REPEAT=20 pytest tests/test_races.py`` is the stress run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from helpers import EXAMPLES, TESTS, pop_command, pop_process

VDAB = EXAMPLES / "vdab-answers.yaml"
REPEAT = int(os.environ.get("POP_RACE_REPEAT") or 1)
repeat = pytest.mark.parametrize("round_", range(REPEAT))


def ok_json(*args: str, env: dict | None = None):
    result = pop_process(*args, "--json", env=env)
    assert result.returncode == 0, (args, result.stdout, result.stderr)
    return json.loads(result.stdout)


def together(commands: list[list[str]], env: dict | None = None) -> list[tuple[int, str, str]]:
    """Start every command before waiting for any; (exit code, stdout, stderr) of each."""
    full = {**os.environ, **(env or {})}
    running = [subprocess.Popen([*pop_command(), *c], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=full, cwd=TESTS)
               for c in commands]
    done = []
    for process in running:
        out, err = process.communicate(timeout=120)
        assert "Traceback" not in err and "database is locked" not in err, err
        done.append((process.returncode, out, err))
    return done


def signed_plan() -> str:
    plan_id = ok_json("run", "--answers", str(VDAB))["plan"]["id"]
    ok_json("sign", plan_id, "--role", "employee")
    ok_json("sign", plan_id, "--role", "manager")
    return plan_id


CHECKIN = """\
date: 20-04-2026
actions:
  - {action: 1, status: bezig}
answers:
  uitvoering_datum: 20-04-2026
  uitvoering_vorm: [formeel]
  uitgeprobeerd: Dries nam de bus.
"""
EVALUATION = """\
answers:
  evaluatie_acties:
    - {actie: Op tijd met de bus, bereikt: true}
  doel_bereikt: false
  hindernissen_evaluatie: Te weinig bezetting.
"""


def evaluate_and_close(plan_id: str, tmp_path, env: dict | None = None) -> None:
    (tmp_path / "checkin.yaml").write_text(CHECKIN, encoding="utf-8")
    (tmp_path / "evaluatie.yaml").write_text(EVALUATION, encoding="utf-8")
    for args in (("checkin", plan_id, "--answers", str(tmp_path / "checkin.yaml")),
                 ("evaluate", plan_id, "--answers", str(tmp_path / "evaluatie.yaml")),
                 ("close", plan_id)):
        result = pop_process(*args, env=env)
        assert result.returncode == 0, (args, result.stdout, result.stderr)


def assert_log_replays(plan_id: str) -> None:
    """Versions 1..n without gaps; states chain to the plan's; answers replay to its answers."""
    events = ok_json("log", plan_id)
    plan = ok_json("show", plan_id)
    assert [e["version"] for e in events] == list(range(1, len(events) + 1))
    assert plan["version"] == len(events)
    answers = dict(events[0]["data"].get("answers") or {})
    state = None
    for event in events[1:]:
        data = event["data"]
        if event["kind"] == "state":
            assert state in (None, data["from"]), (state, data)
            state = data["to"]
        elif event["kind"] == "answer":
            answers[data["question"]] = data["value"]
        elif event["kind"] == "answer_removed":
            answers.pop(data["question"], None)
        elif event["kind"] == "checkin":
            for entry in data["actions"]:
                row = answers[entry["question"]][entry["row"] - 1]
                for field, change in (entry.get("change") or {}).items():
                    row[field] = change["to"]
            answers.update(data.get("answers") or {})
    assert state == plan["state"]
    assert answers == plan["answers"]


@repeat
def test_checkins_on_different_actions_keep_every_change(pop_env, round_):
    plan_id = signed_plan()
    runs = together([["checkin", plan_id, "--status", f"{n}=gedaan", "--note", f"{n}=Klaar {n}",
                      "--date", "2026-04-20"] for n in (1, 2, 3)])
    assert [code for code, _out, _err in runs] == [0, 0, 0], runs
    plan = ok_json("show", plan_id)
    notes = {e["action"]: e["note"] for c in plan["checkins"] for e in c["actions"]}
    assert notes == {1: "Klaar 1", 2: "Klaar 2", 3: "Klaar 3"}
    # changing an action changes the akkoord: of three at once, the ones told "recorded" are
    # kept, the others are refused (the signatures went stale), never silently lost
    runs = together([["checkin", plan_id, "--change", f"{n}.wat=Nieuw {n}", "--reason",
                      f"{n}=Bijgestuurd {n}", "--date", "2026-04-21"] for n in (1, 2, 3)])
    rows = ok_json("show", plan_id)["answers"]["acties"]
    for n, (code, _out, err) in enumerate(runs, start=1):
        if code == 0:
            assert rows[n - 1]["wat"] == f"Nieuw {n}"
        else:
            assert code == 3 and "sign again" in err
            assert rows[n - 1]["wat"] != f"Nieuw {n}"
    assert sum(code == 0 for code, _o, _e in runs) == 1
    assert_log_replays(plan_id)


@repeat
def test_check_ins_on_two_plans_of_one_person_keep_both_and_what_is_due(pop_env, round_):
    """Each write also decides which of the person's plans is current (the yearly update it
    brings): two writers on two of their plans, at once, are both recorded."""
    from test_due_index import kept_rows, worked_out_rows

    from engine.store import open_store

    plans = [signed_plan(), signed_plan()]                # Dries Verbeeck, twice
    for day in ("2026-04-20", "2026-04-21", "2026-04-22"):
        runs = together([["checkin", plan_id, "--status", "1=bezig", "--date", day]
                         for plan_id in plans])
        assert [code for code, _out, _err in runs] == [0, 0], runs
    assert [len(ok_json("show", plan_id)["checkins"]) for plan_id in plans] == [3, 3]
    store = open_store()
    try:
        assert kept_rows(store) == worked_out_rows(store)
    finally:
        store.close()


@repeat
def test_eight_signers_one_signature(pop_env, round_):
    plan_id = ok_json("run", "--answers", str(VDAB))["plan"]["id"]
    runs = together([["sign", plan_id, "--role", "employee"]] * 8)
    assert sorted(code for code, _o, _e in runs) == [0] + [2] * 7, runs
    assert all("already signed" in err for code, _o, err in runs if code)
    signatures = ok_json("show", plan_id)["signatures"]
    assert [s["role"] for s in signatures] == ["employee"]
    assert_log_replays(plan_id)


@repeat
def test_six_next_cycles_make_one_plan(pop_env, tmp_path, round_):
    plan_id = signed_plan()
    evaluate_and_close(plan_id, tmp_path)
    runs = together([["next", plan_id, "--date", "2027-03-01"]] * 6)
    assert sorted(code for code, _o, _e in runs) == [0] + [3] * 5, runs
    successors = [p for p in ok_json("list", "--all") if p["previous"] == plan_id]
    assert len(successors) == 1
    assert ok_json("show", plan_id)["state"] == "closed"


@repeat
def test_sixteen_first_opens_of_a_new_store(tmp_path, round_):
    home = tmp_path / f"new{round_}"
    runs = together([["list", "--json"]] * 8 + [["people", "list", "--json"]] * 8,
                    env={"POP_HOME": str(home)})
    assert [code for code, _o, _e in runs] == [0] * 16, runs
    assert not any("already exists" in err for _c, _o, err in runs)


@repeat
def test_fifty_parallel_writers(pop_env, round_):
    runs = together([["people", "add", f"Persoon {n}", "--number", str(1000 + n)]
                     for n in range(50)])
    assert [code for code, _o, _e in runs] == [0] * 50, [r for r in runs if r[0]]
    numbers = {p["number"] for p in ok_json("people", "list")}
    assert numbers == {str(1000 + n) for n in range(50)}


def _partial_plan(tmp_path) -> str:
    text = VDAB.read_text(encoding="utf-8")
    start = text.index("  achtergrond:")
    end = text.index("  persoonlijkheid:")
    partial = tmp_path / "partial.yaml"
    partial.write_text(text[:start] + text[end:], encoding="utf-8")
    made = pop_process("run", "--answers", str(partial), "--partial", "--json")
    assert made.returncode == 0, made.stderr
    return json.loads(made.stdout)["plan"]["id"]


@repeat
@pytest.mark.skipif(sys.platform == "win32", reason="pexpect needs a pty")
def test_resume_left_open_while_another_finishes_never_goes_back(pop_env, tmp_path, round_):
    import pexpect

    plan_id = _partial_plan(tmp_path)
    env = {**os.environ, "POP_ACTOR": "Sofie"}
    child = pexpect.spawn(pop_command()[0], [*pop_command()[1:], "run", "--resume", plan_id],
                          env=env, encoding="utf-8", timeout=30, cwd=str(TESTS))
    child.expect("achtergrond")                      # waiting at the question
    pieter = {"POP_ACTOR": "Pieter"}
    fill = tmp_path / "fill.py"
    fill.write_text(
        "from engine.store import open_store\nfrom engine.session import Session\n"
        "from engine.plugins import get_plugins\nimport sys\n"
        "st = open_store()\ns = Session(st.load_plan(sys.argv[1]), st, get_plugins(), 'Pieter')\n"
        "s.answer('achtergrond', 'Antwoord van Pieter')\n", encoding="utf-8")
    filled = subprocess.run([sys.executable, str(fill), plan_id], env={**os.environ, **pieter},
                            capture_output=True, text=True)
    assert filled.returncode == 0, filled.stderr
    assert pop_process("advance", plan_id, env=pieter).returncode == 0
    assert pop_process("sign", plan_id, "--role", "employee", env=pieter).returncode == 0
    before = ok_json("show", plan_id)
    child.sendline("Antwoord van Sofie")
    child.expect(pexpect.EOF)
    output = child.before
    assert "↻" in output and "Pieter" in output
    after = ok_json("show", plan_id)
    assert after["state"] == before["state"] == "follow_up.uitvoering"
    assert after["answers"]["achtergrond"] == "Antwoord van Pieter"
    assert after["overrides"] == before["overrides"]
    assert_log_replays(plan_id)


@repeat
@pytest.mark.skipif(sys.platform == "win32", reason="pexpect needs a pty")
def test_checkin_left_open_while_another_closes_is_not_recorded(pop_env, tmp_path, round_):
    import pexpect

    plan_id = signed_plan()
    env = {**os.environ, "POP_ACTOR": "Sofie", "POP_TODAY": "2026-06-01"}
    child = pexpect.spawn(pop_command()[0], [*pop_command()[1:], "checkin", plan_id],
                          env=env, encoding="utf-8", timeout=30, cwd=str(TESTS))
    child.expect("Status")
    evaluate_and_close(plan_id, tmp_path, {"POP_ACTOR": "Pieter"})
    child.sendline("2")
    child.expect(["Note", "Notitie"])
    child.sendline("")
    for _ in range(20):                       # Enter through the remaining actions and questions
        index = child.expect(["not recorded", pexpect.EOF, r"\): ", r": "])
        if index < 2:
            break
        child.sendline("")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 3
    plan = ok_json("show", plan_id)
    assert plan["state"] == "closed"
    assert [c["actor"] for c in plan["checkins"]] == ["Pieter"]
