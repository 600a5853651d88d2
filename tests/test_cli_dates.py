"""Dates that contradict the plan (issue 20, item 2): warnings the leader may override with a
reason, and a next cycle dated after the previous conversation."""

from __future__ import annotations

from datetime import date, timedelta

from helpers import VDAB, VTOC, ok, ok_json, pop_process
from test_cycle import _vtoc_evaluation


def test_a_follow_up_before_the_conversation_is_a_warning_to_override(pop_env, tmp_path):
    late = tmp_path / "late.yaml"                 # the conversation after its own follow-up
    late.write_text(VDAB.read_text(encoding="utf-8").replace("date: 2026-03-09",
                                                             "date: 2026-05-09"),
                    encoding="utf-8")
    result = pop_process("run", "--answers", str(late))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "rules.opvolging_na_gesprek: warning" in result.stderr
    assert "20 April 2026 is not after 9 May 2026" in result.stderr
    assert "deadline_na_gesprek" not in result.stderr          # 31-05-2026 is after 9 May
    late.write_text(late.read_text(encoding="utf-8") + "overrides:\n  opvolging_na_gesprek: "
                    "Het opvolgingsgesprek was al gepland\n", encoding="utf-8")
    plan = ok_json("run", "--answers", str(late))["plan"]["id"]
    assert ok_json("show", plan)["overrides"]["opvolging_na_gesprek"]["reason"] == \
        "Het opvolgingsgesprek was al gepland"


def test_the_next_cycle_comes_after_the_previous_conversation(pop_env, tmp_path):
    plan = ok_json("run", "--answers", str(VTOC))["plan"]
    ok("sign", plan["id"], "--role", "employee"), ok("sign", plan["id"], "--role", "manager")
    ok("checkin", plan["id"], "--status", "1=done", "--set", "vooruitgang=Goed bezig")
    ok("evaluate", plan["id"], "--answers", str(_vtoc_evaluation(tmp_path)))
    ok("close", plan["id"])
    held = date.fromisoformat(plan["date"])
    result = pop_process("next", plan["id"], "--date", held.isoformat())
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "the next conversation must come after the previous one" in result.stderr
    before = {"POP_TODAY": (held - timedelta(days=3)).isoformat()}   # a clock before it
    new = ok_json("next", plan["id"], env=before)["plan"]
    assert new["date"] == (held + timedelta(days=365)).isoformat()


def test_check_in_dates_that_contradict_the_plan_need_a_reason(pop_env):
    plan = ok_json("run", "--answers", str(VDAB))["plan"]["id"]
    ok("sign", plan, "--role", "employee"), ok("sign", plan, "--role", "manager")
    today = {"POP_TODAY": "2026-04-20"}
    result = pop_process("checkin", plan, "--date", "2026-05-01", "--status", "1=bezig",
                         env=today)
    assert result.returncode == 3 and "Traceback" not in result.stderr
    assert "[pop.checkin_dates] the check-in is dated 1 May 2026, after today" in result.stderr
    result = pop_process("checkin", plan, "--date", "2026-04-20", "--change",
                         "3.wanneer=31-03-2026", "--reason", "3=Schuift op", env=today)
    assert result.returncode == 3
    assert "action 3: the new deadline 31 March 2026 is before the check-in (20 April 2026)" \
        in result.stderr
    assert ok_json("show", plan)["checkins"] == [] and "pop.checkin_dates" not in \
        ok_json("show", plan)["overrides"]                          # nothing stored
    ok("checkin", plan, "--date", "2026-04-20", "--change", "3.wanneer=31-08-2026", "--reason",
       "3=Schuift op", env=today)                                   # a later deadline is fine
    ok("sign", plan, "--role", "employee"), ok("sign", plan, "--role", "manager")
    ok("checkin", plan, "--date", "2026-04-20", "--change", "3.wanneer=31-03-2026", "--reason",
       "3=Was al gedaan", "--override", "pop.checkin_dates=Al gedaan, laat genoteerd", env=today)
    shown = ok_json("show", plan)
    assert shown["overrides"]["pop.checkin_dates"]["reason"] == "Al gedaan, laat genoteerd"
    assert len(shown["checkins"]) == 2


def test_vtoc_and_vandenberg_warn_on_dates_before_the_conversation(pop_env, tmp_path):
    from helpers import EXAMPLES

    late = tmp_path / "vtoc.yaml"                 # the next moment before the conversation
    late.write_text(VTOC.read_text(encoding="utf-8").replace("date: 2026-03-10",
                                                             "date: 2026-07-01"),
                    encoding="utf-8")
    result = pop_process("run", "--answers", str(late))
    assert result.returncode == 2 and "rules.volgend_moment_na_gesprek: warning" in result.stderr
    source = (EXAMPLES / "vandenberg-answers.yaml").read_text(encoding="utf-8")
    early = tmp_path / "vandenberg.yaml"
    early.write_text(source.replace("wanneer: 15-04-2026", "wanneer: 15-02-2026"),
                     encoding="utf-8")
    result = pop_process("run", "--answers", str(early))
    assert result.returncode == 2 and "rules.afspraak_na_gesprek: warning" in result.stderr
    assert "volgend_gesprek_na_gesprek" not in result.stderr       # 14-09-2026 is after it
    early.write_text(early.read_text(encoding="utf-8") + "overrides:\n  afspraak_na_gesprek: "
                     "Al gedaan vóór het gesprek\n", encoding="utf-8")
    assert ok_json("run", "--answers", str(early))["plan"]["state"]
