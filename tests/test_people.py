"""People as records, as a user sees them: the register (add, list, show, edit, import), a
person named by id, employee number or name (any case, any Unicode form), namesakes that are
never confused, forgetting one person (and only that person), and a store of the previous
release migrating with nothing lost. Everything runs through the real ``pop`` command."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import unicodedata

import pytest
from helpers import EXAMPLES, TESTS, pop_command, pop_process, stored_rows

VDAB = EXAMPLES / "vdab-answers.yaml"
VTOC = EXAMPLES / "vtoc-answers.yaml"
FIXTURE = TESTS / "data" / "store-schema2.sqlite3"
REDACTED = "[gewist]"


def ok(*args: str, env: dict | None = None, input: str | None = None):
    result = pop_process(*args, env=env, input=input)
    assert result.returncode == 0, (args, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    return result


def ok_json(*args: str, env: dict | None = None):
    return json.loads(ok(*args, "--json", env=env).stdout)


def refused(code: int, *args: str, input: str | None = None) -> str:
    """Run a command that must fail with ``code``; its stderr (one message, no traceback)."""
    result = pop_process(*args, input=input)
    assert result.returncode == code, (args, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    return result.stderr


def answers_for(tmp_path, employee: str, manager: str = "Els Vandamme", name: str = "a.yaml",
                source=VDAB, replace: dict[str, str] | None = None):
    """An example answers file with other people in it (and other texts replaced)."""
    text = source.read_text(encoding="utf-8")
    if source == VDAB:
        text = text.replace("  employee: Dries Verbeeck\n", f"  employee: {employee}\n")
        text = text.replace("  manager: Els Vandamme\n", f"  manager: {manager}\n")
    else:
        text = text.replace("people: {employee: Sofie Claes, manager: Koen Wuyts}",
                            f"people: {{employee: {employee}, manager: {manager}}}")
    for old, new in (replace or {}).items():
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def new_plan(tmp_path, employee: str, manager: str = "Els Vandamme", name: str = "a.yaml",
             *extra: str, **kwargs) -> str:
    return ok_json("run", "--answers", str(answers_for(tmp_path, employee, manager, name,
                                                       **kwargs)), *extra)["plan"]["id"]


def sign_both(plan_id: str, *extra: str) -> None:
    ok("sign", plan_id, "--role", "employee", *extra)
    ok("sign", plan_id, "--role", "manager", *extra)


def people_names() -> list[str]:
    return [p["name"] for p in ok_json("people", "list")]


def store_files(home) -> list:
    db = home / "pop.sqlite3"
    return [p for p in (db, db.with_name(db.name + "-wal")) if p.exists()]


def spellings(name: str) -> set[bytes]:
    """Every byte form a name may take in the file: NFC and NFD, as written and in any case."""
    forms = set()
    for text in (name, name.lower(), name.upper(), name.casefold(), name.title()):
        for norm in ("NFC", "NFD"):
            forms.add(unicodedata.normalize(norm, text).encode("utf-8"))
    return forms


def assert_no_trace_of(home, name: str) -> None:
    """Not in any row of the store, in no spelling; in SQLite nor in the file's bytes."""
    forms = {form.decode() for form in spellings(name)}
    rows = json.dumps(stored_rows(), ensure_ascii=False, default=str)
    assert not [form for form in forms if form in rows]
    for path in store_files(home):
        raw = path.read_bytes()
        left = sorted(form.decode() for form in spellings(name) if form in raw)
        assert not left, (path.name, left)


# --- the register ------------------------------------------------------------------------------


def test_add_list_show_edit_round_trip(pop_env):
    added = ok("people", "add", "Els Vandamme", "--number", "7", "--team", "Atelier",
               "--hired", "15-01-2019")
    assert added.stdout.startswith("Added: p") and "Els Vandamme (no. 7, team Atelier" in \
        added.stdout
    els = ok_json("people", "show", "7")
    assert (els["name"], els["number"], els["team"], els["hired"]) == \
        ("Els Vandamme", "7", "Atelier", "2019-01-15")
    assert els["plans"] == [] and els["in_plans_of_others"] == []
    sofie = ok_json("people", "add", "Sofie Claes", "--number", "1042", "--hired",
                    "1 september 2025", "--leader", "ELS VANDAMME", "--email",
                    "sofie@example.org")
    assert sofie["id"].startswith("p") and len(sofie["id"]) == 10
    assert (sofie["leader_id"], sofie["leader"]) == (els["id"], "Els Vandamme")
    assert (sofie["hired"], sofie["email"], sofie["team"]) == ("2025-09-01", "sofie@example.org",
                                                              None)
    koen = ok_json("people", "add", "Koen Wuyts", "--team", "Magazijn", "--leader", els["id"])

    listed = ok_json("people", "list")
    assert [p["name"] for p in listed] == ["Els Vandamme", "Koen Wuyts", "Sofie Claes"]
    assert {p["id"] for p in listed} == {els["id"], sofie["id"], koen["id"]}
    assert [p["name"] for p in ok_json("people", "list", "--team", "Magazijn")] == ["Koen Wuyts"]
    assert [p["name"] for p in ok_json("people", "list", "--leader", "els vandamme")] == \
        ["Koen Wuyts", "Sofie Claes"]
    table = ok("people", "list").stdout
    assert "1042" in table and "Sofie Claes" in table and "Els Vandamme" in table

    for ref in (sofie["id"], sofie["id"].upper(), "1042", "sofie claes", " Sofie  Claes "):
        assert ok_json("people", "show", ref)["id"] == sofie["id"], ref
    shown = ok("people", "show", "1042").stdout
    assert f"Sofie Claes ({sofie['id']})" in shown and "Leader: Els Vandamme" in shown

    edited = ok_json("people", "edit", "1042", "--name", "Sofie Claes-Peeters", "--team",
                     "Logistiek", "--leader", "", "--email", "")
    assert (edited["name"], edited["team"], edited["leader_id"], edited["email"]) == \
        ("Sofie Claes-Peeters", "Logistiek", None, None)
    assert edited["number"] == "1042" and edited["hired"] == "2025-09-01"     # kept
    again = ok_json("people", "show", "sofie claes-peeters")
    assert {k: again[k] for k in edited} == edited
    assert "no person 'Sofie Claes'" in refused(2, "people", "show", "Sofie Claes")
    assert ok_json("people", "edit", sofie["id"], "--team", "")["team"] is None
    assert "Changed:" in ok("people", "edit", "1042", "--number", "1043").stdout
    assert ok_json("people", "show", "1043")["id"] == sofie["id"]

    assert "nothing to change" in refused(2, "people", "edit", "7")
    assert "no person 'Niemand'" in refused(2, "people", "edit", "Niemand", "--team", "X")
    assert "own leader" in refused(2, "people", "edit", "7", "--leader", "Els Vandamme")
    assert "not a date" in refused(2, "people", "edit", "7", "--hired", "morgen")
    assert "not an e-mail address" in refused(2, "people", "edit", "7", "--email", "els")
    assert "no person 'Niemand'" in refused(2, "people", "add", "X", "--leader", "Niemand")
    assert "needs a name" in refused(2, "people", "add", "  ")
    assert len(ok_json("people", "list")) == 3                   # none of that added anyone


def test_a_duplicate_employee_number_is_refused(pop_env):
    els = ok_json("people", "add", "Els Vandamme", "--number", "7")
    koen = ok_json("people", "add", "Koen Wuyts", "--number", "8")
    err = refused(2, "people", "add", "Iemand Anders", "--number", "7")
    assert "employee number 7 belongs to" in err and els["id"] in err
    err = refused(2, "people", "edit", "Koen Wuyts", "--number", "7")
    assert "employee number 7 belongs to" in err and els["id"] in err
    assert ok_json("people", "show", koen["id"])["number"] == "8"
    assert people_names() == ["Els Vandamme", "Koen Wuyts"]
    # the same name without a number is allowed, with a note that tells them apart
    namesake = ok("people", "add", "Els Vandamme")
    assert "Note:" in namesake.stdout and els["id"] in namesake.stdout
    assert people_names() == ["Els Vandamme", "Els Vandamme", "Koen Wuyts"]


def test_import_adds_then_updates_rather_than_duplicates(pop_env, tmp_path):
    sheet = tmp_path / "people.csv"
    sheet.write_text(
        "name,number,hired,team,leader,email\n"
        "Sofie Claes,1042,01-09-2025,Atelier,Els Vandamme,sofie@example.org\n"  # leader below
        "Els Vandamme,7,2019-01-15,Atelier,,els@example.org\n"
        "Koen Wuyts,,,Magazijn,7,\n", encoding="utf-8")
    assert ok_json("people", "import", str(sheet)) == {"added": 3, "updated": 0, "rows": 3}
    people = {p["name"]: p for p in ok_json("people", "list")}
    assert sorted(people) == ["Els Vandamme", "Koen Wuyts", "Sofie Claes"]
    sofie, els, koen = people["Sofie Claes"], people["Els Vandamme"], people["Koen Wuyts"]
    assert (sofie["number"], sofie["hired"], sofie["team"], sofie["email"]) == \
        ("1042", "2025-09-01", "Atelier", "sofie@example.org")
    assert sofie["leader_id"] == els["id"] and koen["leader_id"] == els["id"]
    assert koen["number"] is None and koen["hired"] is None

    again = ok("people", "import", str(sheet))
    assert again.stdout.strip() == f"Imported {sheet}: 0 added, 3 updated."
    unchanged = {p["name"]: p for p in ok_json("people", "list")}
    assert sorted(unchanged) == sorted(people)
    for name, person in people.items():
        assert {k: v for k, v in unchanged[name].items() if k != "updated"} == \
            {k: v for k, v in person.items() if k != "updated"}, name

    changed = tmp_path / "changed.csv"          # a known number updates, even the name
    changed.write_text("nummer,naam,team\n1042,Sofie Claes-Peeters,Logistiek\n"
                       "9,Lotte De Smet,Atelier\n", encoding="utf-8")
    assert ok_json("people", "import", str(changed)) == {"added": 1, "updated": 1, "rows": 2}
    now = ok_json("people", "show", "1042")
    assert (now["id"], now["name"], now["team"]) == (sofie["id"], "Sofie Claes-Peeters",
                                                     "Logistiek")
    assert now["hired"] == "2025-09-01" and now["leader_id"] == els["id"]  # not in the file
    assert len(ok_json("people", "list")) == 4


@pytest.mark.parametrize("case", ["bad date", "unknown leader", "unknown column"])
def test_an_import_with_one_bad_line_imports_nothing(pop_env, tmp_path, case):
    known = ok_json("people", "add", "An Peeters", "--number", "1", "--team", "Atelier")
    header, line = "naam;nummer;in dienst;team;leidinggevende", 3
    rows = ["An Peeters;1;2024-01-01;Magazijn;",            # would update An
            "Bert Maes;2;2024-02-01;Atelier;An Peeters",
            "Cis Wouters;3;;Atelier;Bert Maes"]
    if case == "bad date":
        rows[1] = "Bert Maes;2;gisteren;Atelier;An Peeters"
        message = "not a date"
    elif case == "unknown leader":
        rows[1] = "Bert Maes;2;2024-02-01;Atelier;Niemand"
        message = "Niemand"
    else:
        header, line, message = header + ";kleur", 1, "unknown column 'kleur'"
    sheet = tmp_path / f"{case.replace(' ', '-')}.csv"
    sheet.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    result = pop_process("people", "import", str(sheet))
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and "Imported" not in result.stdout
    lines = [x for x in result.stderr.splitlines() if x.strip()]
    assert any(x.startswith(f"{sheet}:{line}:") and message in x for x in lines), lines
    assert all(str(sheet) in x for x in lines), lines      # every problem names FILE:LINE
    listed = ok_json("people", "list")
    assert [p["id"] for p in listed] == [known["id"]]      # nothing added …
    assert listed[0]["team"] == "Atelier"                  # … nor updated


def test_an_import_with_one_number_twice_is_refused(pop_env, tmp_path):
    """Two rows with one employee number are a mistake in the sheet, not an update: otherwise
    the first person is silently renamed into the second (\"1 added, 1 updated\")."""
    sheet = tmp_path / "twice.csv"
    sheet.write_text("naam,nummer\nAn Peeters,1\nBert Maes,1\n", encoding="utf-8")
    result = pop_process("people", "import", str(sheet))
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert f"{sheet}:3:" in result.stderr, result.stderr
    assert ok_json("people", "list") == []


def test_an_import_names_the_physical_line_after_blank_lines(pop_env, tmp_path):
    sheet = tmp_path / "gaps.csv"
    sheet.write_text("naam,in dienst\nAn Peeters,2024-01-01\n\n\nBert Maes,31-02-2024\n",
                     encoding="utf-8")
    err = refused(2, "people", "import", str(sheet))
    assert f"{sheet}:5:" in err and "not a date" in err, err
    assert ok_json("people", "list") == []


def test_a_semicolon_csv_with_bom_from_a_spreadsheet(pop_env, tmp_path):
    sheet = tmp_path / "export.csv"
    sheet.write_bytes("\ufeffNaam;Nummer;In dienst;Team;Leidinggevende;E-mail\r\n"
                      "Özlem Çelik;0042;31-03-2026;Atelier;;ozlem@example.org\r\n"
                      "\"Claes; Sofie\";1042;1 september 2025;Atelier;0042;\r\n"
                      .encode("utf-8"))
    assert ok_json("people", "import", str(sheet)) == {"added": 2, "updated": 0, "rows": 2}
    ozlem = ok_json("people", "show", "özlem çelik")
    assert (ozlem["name"], ozlem["number"], ozlem["hired"], ozlem["email"]) == \
        ("Özlem Çelik", "0042", "2026-03-31", "ozlem@example.org")
    assert not any(k.startswith("\ufeff") for k in ozlem) and ozlem["team"] == "Atelier"
    sofie = ok_json("people", "show", "1042")
    assert sofie["name"] == "Claes; Sofie" and sofie["leader_id"] == ozlem["id"]
    assert ok_json("people", "import", str(sheet)) == {"added": 0, "updated": 2, "rows": 2}
    assert len(ok_json("people", "list")) == 2


# --- two people with one name --------------------------------------------------------------------


def test_two_sofie_claes_are_never_confused(pop_env, tmp_path):
    first = ok_json("people", "add", "Sofie Claes", "--number", "11", "--team", "Atelier")
    second = ok_json("people", "add", "Sofie Claes", "--number", "22", "--team", "Magazijn")
    plan_a = new_plan(tmp_path, "11", name="a.yaml")
    plan_b = new_plan(tmp_path, second["id"], name="b.yaml")
    sign_both(plan_a)
    before_a = ok_json("show", plan_a)
    assert before_a["person_ids"]["employee"] == first["id"]
    assert ok_json("show", plan_b)["person_ids"]["employee"] == second["id"]

    for command in (("forget", "Sofie Claes", "--yes"), ("history", "sofie claes"),
                    ("export-person", "SOFIE CLAES"), ("people", "show", "Sofie Claes"),
                    ("list", "--person", "sofie claes"), ("due", "--person", "Sofie Claes")):
        err = refused(2, *command)
        assert "fits 2 people" in err, (command, err)
        assert first["id"] in err and second["id"] in err, (command, err)
        assert "no. 11" in err and "no. 22" in err and "Magazijn" in err, (command, err)
    assert len(ok_json("list")) == 2 and len(ok_json("people", "list")) == 3   # nothing erased

    assert [p["id"] for p in ok_json("history", "11")] == [plan_a]
    assert [p["id"] for p in ok_json("history", "22")] == [plan_b]
    assert [p["id"] for p in ok_json("list", "--person", second["id"])] == [plan_b]
    assert [p["id"] for p in ok_json("export-person", "22")["plans"]] == [plan_b]

    erased = ok_json("forget", "22", "--yes")
    assert erased["person"] == second["id"] and erased["plans"] == [plan_b]
    assert erased["redacted"] == [] and erased["complete"] is True
    assert "no plan" in refused(2, "show", plan_b)
    assert [p["id"] for p in ok_json("list")] == [plan_a]
    assert ok_json("people", "show", "Sofie Claes")["id"] == first["id"]   # unique now
    assert [p["id"] for p in ok_json("history", "sofie claes")] == [plan_a]
    assert ok_json("show", plan_a) == before_a                             # untouched
    assert pop_process("verify", plan_a).returncode == 0


def namesakes_one_signed_as_actor(tmp_path) -> tuple[str, str]:
    """Two Sofie Claes; no. 11 recorded her own signature (``--actor "Sofie Claes"``: who
    records it, free text). Returns (her plan, the plan of no. 22)."""
    ok("people", "add", "Sofie Claes", "--number", "11")
    ok("people", "add", "Sofie Claes", "--number", "22")
    plan_a = new_plan(tmp_path, "11", name="a.yaml")
    plan_b = new_plan(tmp_path, "22", name="b.yaml")
    ok("sign", plan_a, "--role", "employee", "--actor", "Sofie Claes")
    ok("sign", plan_a, "--role", "manager")
    return plan_a, plan_b


def test_a_namesake_is_not_exported_with_the_other(pop_env, tmp_path):
    plan_a, plan_b = namesakes_one_signed_as_actor(tmp_path)
    assert [p["id"] for p in ok_json("export-person", "22")["plans"]] == [plan_b]
    assert ok_json("people", "show", "22")["in_plans_of_others"] == []


def test_forgetting_one_namesake_leaves_the_other_one_signature_and_log(pop_env, tmp_path):
    """Forgetting no. 22 must not put the marker in the plan of no. 11."""
    plan_a, _plan_b = namesakes_one_signed_as_actor(tmp_path)
    before = ok_json("show", plan_a)
    log_before = ok_json("log", plan_a)
    erased = ok_json("forget", "22", "--yes")
    assert erased["redacted"] == [], erased                 # her plan is not the other's
    assert ok_json("show", plan_a) == before
    assert ok_json("log", plan_a) == log_before


# --- a name outside ASCII -----------------------------------------------------------------------

OZLEM = "Özlem Çelik"

FORGOTTEN_PLUGIN = '''
import os
from engine import hookimpl


@hookimpl
def pop_person_forgotten(person_id):
    with open(os.environ["FORGOTTEN_LOG"], "a", encoding="utf-8") as f:
        f.write(person_id + "\\n")
'''


def forgotten_plugin(tmp_path) -> dict:
    site = tmp_path / "site"
    (site / "popforgotten").mkdir(parents=True)
    (site / "popforgotten" / "__init__.py").write_text(FORGOTTEN_PLUGIN, encoding="utf-8")
    info = site / "popforgotten-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: popforgotten\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[pop]\nforgotten = popforgotten\n")
    return {"PYTHONPATH": str(site), "POP_DISABLE_PLUGINS": "0",
            "FORGOTTEN_LOG": str(tmp_path / "forgotten.log")}


def test_a_non_ascii_name_is_found_in_any_case_and_unicode_form(pop_env):
    ozlem = ok_json("people", "add", OZLEM, "--number", "5")
    assert ozlem["name"] == unicodedata.normalize("NFC", OZLEM)
    nfd = unicodedata.normalize("NFD", "özlem çelik")
    assert nfd != "özlem çelik"
    for ref in ("özlem çelik", nfd, "ÖZLEM ÇELIK", unicodedata.normalize("NFD", OZLEM)):
        assert ok_json("people", "show", ref)["id"] == ozlem["id"], ascii(ref)
        assert ok_json("history", ref) == [], ascii(ref)
    stopped = pop_process("forget", "özlem çelik", input="n\n")      # asks first: no
    assert stopped.returncode == 1 and ozlem["id"] in stopped.stdout, stopped
    assert ok_json("people", "show", "5")["id"] == ozlem["id"]
    erased = ok_json("forget", nfd, "--yes")
    assert erased["person"] == ozlem["id"] and erased["complete"] is True
    assert "no person" in refused(2, "people", "show", OZLEM)
    assert ok_json("people", "list") == []


def test_forgetting_a_non_ascii_name_leaves_no_byte_of_it(pop_env, tmp_path):
    """Özlem has her own POP and is the begeleider in Dries's, which was agreed before. Her
    name is in his plan as a role, in an answer (typed NFD, lower case), in a check-in note
    (upper case) and as the actor of her signature."""
    ozlem = ok_json("people", "add", OZLEM, "--number", "5", "--team", "Atelier")
    ok("people", "add", "Dries Verbeeck", "--number", "6", "--leader", "5")
    own = new_plan(tmp_path, "5", "Els Vandamme", "own.yaml")
    sign_both(own)
    ok("checkin", own, "--status", "1=bezig", "--note", f"1={OZLEM} is goed bezig",
       "--date", "2026-04-20")
    nfd_lower = unicodedata.normalize("NFD", "özlem çelik")
    led = new_plan(tmp_path, "6", "özlem çelik", "led.yaml", replace={
        "gespreksvoerder: Els Vandamme, monitor": f"gespreksvoerder: {nfd_lower}, monitor"})
    ok("sign", led, "--role", "employee")
    ok("sign", led, "--role", "manager", "--actor", OZLEM)
    ok("checkin", led, "--status", "2=bezig", "--note", f"2=Met {OZLEM.upper()} besproken",
       "--date", "2026-04-21")
    assert pop_process("verify", led).returncode == 0
    before = ok_json("show", led)
    assert before["person_ids"]["manager"] == ozlem["id"]
    assert before["people"]["manager"] == OZLEM

    env = forgotten_plugin(tmp_path)
    erased = ok("forget", nfd_lower, "--yes", env=env)
    assert f"Erased {OZLEM}: 1 plan about them; the name is replaced in 1 other plan." in \
        erased.stdout
    assert "Nothing of it remains in the " in erased.stdout
    assert (tmp_path / "forgotten.log").read_text(encoding="utf-8").split() == [ozlem["id"]]

    assert "no plan" in refused(2, "show", own)
    assert [p["id"] for p in ok_json("list")] == [led]
    after = ok_json("show", led)                                # his POP stays, still agreed
    assert after["person"] == "Dries Verbeeck" and after["people"]["manager"] == REDACTED
    assert after["answers"]["gespreksvoerder"] == f"{REDACTED}, monitor atelier verpakking"
    assert [s["name"] for s in after["signatures"]] == ["Dries Verbeeck", REDACTED]
    assert after["checkins"][0]["actions"][0]["note"] == f"Met {REDACTED} besproken"
    assert after["agreement"]["agreed"] is True
    for key in ("date", "state", "pack", "pack_version"):
        assert after[key] == before[key], key
    assert {k: v for k, v in after["answers"].items() if k != "gespreksvoerder"} == \
        {k: v for k, v in before["answers"].items() if k != "gespreksvoerder"}
    verified = pop_process("verify", led)
    assert verified.returncode == 0, (verified.stdout, verified.stderr)
    dries = ok_json("people", "show", "Dries Verbeeck")
    assert dries["leader_id"] is None and dries["plans"] == [led]
    assert "no person" in refused(2, "history", OZLEM)
    assert_no_trace_of(pop_env, OZLEM)
    export = json.dumps(ok_json("export-person", "6"), ensure_ascii=False)
    assert not any(form.decode() in export for form in spellings(OZLEM))


def test_forgetting_a_manager_does_not_erase_the_employees_plans(pop_env, tmp_path):
    first = new_plan(tmp_path, "Dries Verbeeck", "Els Vandamme", "a.yaml")
    second = new_plan(tmp_path, "Sofie Claes", "Els Vandamme", "b.yaml", source=VTOC)
    sign_both(first)
    ok("people", "edit", "Sofie Claes", "--leader", "Els Vandamme")
    before = {plan_id: ok_json("show", plan_id) for plan_id in (first, second)}
    erased = ok_json("forget", "els vandamme", "--yes")
    assert erased["plans"] == [] and sorted(erased["redacted"]) == sorted([first, second])
    assert sorted(p["id"] for p in ok_json("list")) == sorted([first, second])
    assert people_names() == ["Dries Verbeeck", "Sofie Claes"]
    assert ok_json("people", "show", "Sofie Claes")["leader_id"] is None
    for plan_id, old in before.items():
        new = ok_json("show", plan_id)
        assert new["person"] == old["person"] and new["people"]["manager"] == REDACTED
        assert new["state"] == old["state"] and len(new["answers"]) == len(old["answers"])
        assert new["answers"].get("acties") == old["answers"].get("acties")
    assert [p["id"] for p in ok_json("history", "Dries Verbeeck")] == [first]
    assert pop_process("verify", first).returncode == 0
    ok("checkin", first, "--status", "1=gedaan", "--date", "2026-04-20")     # and it goes on
    assert_no_trace_of(pop_env, "Els Vandamme")


# --- people in an answers file and in a guided session --------------------------------------------


def test_an_ambiguous_person_in_an_answers_file_saves_nothing(pop_env, tmp_path):
    first = ok_json("people", "add", "Sofie Claes", "--number", "11")
    second = ok_json("people", "add", "Sofie Claes", "--number", "22")
    employee = answers_for(tmp_path, "sofie claes", "Nieuwe Begeleider", "employee.yaml")
    err = refused(2, "run", "--answers", str(employee))
    assert f"{employee}:6:" in err and "people.employee" in err, err
    assert first["id"] in err and second["id"] in err
    manager = answers_for(tmp_path, "Dries Verbeeck", "SOFIE CLAES", "manager.yaml")
    err = refused(2, "run", "--answers", str(manager))
    assert f"{manager}:7:" in err and "people.manager" in err, err
    assert ok_json("list") == []                                   # no plan …
    assert people_names() == ["Sofie Claes", "Sofie Claes"]        # … and nobody new
    by_number = ok_json("run", "--answers", str(answers_for(tmp_path, "22", name="c.yaml")))
    assert by_number["plan"]["person_id"] == second["id"]


def test_an_unknown_name_in_an_answers_file_becomes_a_person(pop_env, tmp_path):
    result = ok("run", "--answers", str(answers_for(tmp_path, "Nieuwe Collega")))
    people = {p["name"]: p for p in ok_json("people", "list")}
    assert sorted(people) == ["Els Vandamme", "Nieuwe Collega"]
    for name, person in people.items():
        assert f"New in the people register: {person['id']}  {name}" in result.stdout
    plan = ok_json("list")[0]
    assert plan["person_id"] == people["Nieuwe Collega"]["id"]
    again = ok("run", "--answers", str(answers_for(tmp_path, "NIEUWE COLLEGA", name="b.yaml")))
    assert "New in the people register" not in again.stdout       # the same two people
    assert len(ok_json("people", "list")) == 2
    assert {p["person_id"] for p in ok_json("list")} == {people["Nieuwe Collega"]["id"]}


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_a_guided_session_offers_the_person_from_the_register(pop_env):
    import pexpect

    ozlem = ok_json("people", "add", OZLEM, "--number", "5", "--team", "Atelier")
    els = ok_json("people", "add", "Els Vandamme", "--number", "7")
    command = pop_command()
    child = pexpect.spawn(command[0], [*command[1:], "run", "--pack", "vdab"],
                          env=dict(os.environ), cwd=str(TESTS), encoding="utf-8", timeout=20,
                          dimensions=(50, 200))
    try:
        child.expect_exact("Name (medewerker) *:")
        child.sendline(unicodedata.normalize("NFD", "özlem çelik"))
        child.expect_exact("→ ")
        child.expect_exact(f"{ozlem['id']}  {OZLEM} (no. 5, team Atelier)")
        child.expect_exact("Name (begeleider)")
        child.sendline("els")                                 # the start of a name: suggestions
        child.expect_exact("In the people register:")
        child.expect_exact(f"1. {els['id']}  Els Vandamme (no. 7)")
        child.expect_exact("0. a new person: els")
        child.expect_exact("Which one")
        child.sendline("1")
        child.expect_exact("Date of the conversation")
        child.sendline("09-03-2026")
        child.expect(r"Plan ([a-z0-9]{8}) created")
        plan_id = child.match.group(1)
        child.expect_exact("(step 1 of")
        child.expect_exact("(yes/no): ")                           # at the first question
        child.sendintr()
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 130
    shown = ok_json("show", plan_id)
    assert shown["person_ids"] == {"employee": ozlem["id"], "manager": els["id"]}
    assert shown["people"] == {"employee": OZLEM, "manager": "Els Vandamme"}
    assert len(ok_json("people", "list")) == 2                     # nobody new


# --- a store of the previous release -------------------------------------------------------------

#: What the previous release (8d549c1) showed for the plans in the fixture, recorded from its
#: ``pop show ID --json`` and ``pop log ID --json`` (see tests/data/make_store_schema2.md).
OLD_PLANS = {
    "kuhuk3w3": {"pack": "vdab", "person": "Dries Verbeeck", "date": "2026-03-09",
                 "state": "follow_up.uitvoering", "events": 13, "answers": 21,
                 "answers_sha256": "89c85b6b72df87001b7735c35c6dea78"
                                   "e01721f2a10215189c7b5efa4b4be7f1"},
    "7gnqudey": {"pack": "vdab", "person": "Dries Verbeeck", "date": "2026-03-09",
                 "state": "follow_up.uitvoering", "events": 10, "answers": 21,
                 "answers_sha256": "89c85b6b72df87001b7735c35c6dea78"
                                   "e01721f2a10215189c7b5efa4b4be7f1"},
    "udjj6w59": {"pack": "vtoc", "person": "Sofie Claes", "date": "2026-03-10",
                 "state": "follow_up.tussentijdse_opvolging", "events": 10, "answers": 29,
                 "answers_sha256": "84aa573510c43b42a4b53b5970a157aa"
                                   "b3587c417e4940e60c9613878ed2b770"},
}
OLD_KINDS = ["created"] + ["state"] * 9


def answers_digest(answers: dict) -> str:
    return hashlib.sha256(json.dumps(answers, sort_keys=True, ensure_ascii=False)
                          .encode("utf-8")).hexdigest()


@pytest.fixture
def old_store(pop_env):
    pop_env.mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURE, pop_env / "pop.sqlite3")
    return pop_env


@pytest.mark.sqlite_only
def test_a_store_of_the_previous_release_migrates_with_nothing_lost(old_store):
    plans = {p["id"]: p for p in ok_json("list", "--all")}
    assert set(plans) == set(OLD_PLANS)
    for plan_id, old in OLD_PLANS.items():
        assert plans[plan_id]["person"] == old["person"], plan_id
        assert plans[plan_id]["person_id"], plan_id
        assert plans[plan_id]["version"] == old["events"], plan_id

    people = ok_json("people", "list")
    keys = sorted(p["name"].casefold() for p in people)
    assert keys == ["dries verbeeck", "els vandamme", "sofie claes"]   # one per distinct name
    by_key = {p["name"].casefold(): p["id"] for p in people}
    assert plans["kuhuk3w3"]["person_id"] == plans["7gnqudey"]["person_id"] == \
        by_key["dries verbeeck"]
    assert plans["udjj6w59"]["person_id"] == by_key["sofie claes"]

    for plan_id, old in OLD_PLANS.items():
        shown = ok_json("show", plan_id)
        for key in ("pack", "person", "date", "state"):
            assert shown[key] == old[key], (plan_id, key)
        assert len(shown["answers"]) == old["answers"], plan_id
        assert answers_digest(shown["answers"]) == old["answers_sha256"], plan_id
        # "Els Vandamme" in the vdab plans and "els vandamme" in the vtoc one: one person
        assert shown["person_ids"]["manager"] == by_key["els vandamme"], plan_id
        assert shown["person_ids"]["employee"] == plans[plan_id]["person_id"], plan_id
        events = ok_json("log", plan_id)
        assert [e["version"] for e in events] == list(range(1, old["events"] + 1)), plan_id
        assert [e["kind"] for e in events][:10] == OLD_KINDS, plan_id

    agreed = ok_json("show", "kuhuk3w3")
    assert agreed["answers"]["doel"].startswith("Ik wil graag in het magazijn werken")
    assert [a["wanneer"] for a in agreed["answers"]["acties"]] == \
        ["30-06-2026", "31-05-2026", "30-06-2026"]
    assert [(s["role"], s["name"]) for s in agreed["signatures"]] == \
        [("employee", "Dries Verbeeck"), ("manager", "Els Vandamme")]
    assert [s["person_id"] for s in agreed["signatures"]] == \
        [by_key["dries verbeeck"], by_key["els vandamme"]]
    assert agreed["agreement"]["agreed"] is True and agreed["agreement"]["stale"] == []
    (checkin,) = agreed["checkins"]
    assert checkin["date"] == "2026-04-20"
    assert [(a["action"], a["status"], a["note"]) for a in checkin["actions"]] == \
        [(1, "in_progress", "Gaat goed")]
    assert [e["kind"] for e in ok_json("log", "kuhuk3w3")][10:] == ["signed", "signed",
                                                                    "checkin"]
    verified = pop_process("verify", "kuhuk3w3")
    assert verified.returncode == 0, (verified.stdout, verified.stderr)
    assert pop_process("verify", "7gnqudey").returncode == 1           # never signed

    assert [p["id"] for p in ok_json("history", "dries verbeeck")] == ["kuhuk3w3", "7gnqudey"]
    assert sorted(ok_json("people", "show", "Els Vandamme")["in_plans_of_others"]) == \
        sorted(OLD_PLANS)

    # and the migrated store works on, without migrating again
    sign_both("7gnqudey")
    assert pop_process("verify", "7gnqudey").returncode == 0
    ok("checkin", "kuhuk3w3", "--status", "1=gedaan", "--date", "2026-05-01")
    assert ok_json("log", "kuhuk3w3")[-1]["version"] == 14
    assert len(ok_json("people", "list")) == 3
    assert FIXTURE.read_bytes()[:16] == b"SQLite format 3\x00"


@pytest.mark.sqlite_only
def test_a_migrated_store_forgets_a_name_in_every_spelling_it_had(old_store):
    erased = ok_json("forget", "ELS VANDAMME", "--yes")
    assert erased["plans"] == [] and sorted(erased["redacted"]) == sorted(OLD_PLANS)
    assert sorted(p["id"] for p in ok_json("list")) == sorted(OLD_PLANS)
    agreed = ok_json("show", "kuhuk3w3")
    assert agreed["people"]["manager"] == REDACTED
    assert [s["name"] for s in agreed["signatures"]] == ["Dries Verbeeck", REDACTED]
    assert agreed["answers"]["betrokkenen"][0] == f"{REDACTED}, monitor atelier verpakking"
    assert ok_json("show", "udjj6w59")["people"]["manager"] == REDACTED
    verified = pop_process("verify", "kuhuk3w3")
    assert verified.returncode == 0, (verified.stdout, verified.stderr)
    assert_no_trace_of(old_store, "Els Vandamme")


def test_a_name_that_is_no_utf8_is_one_line(pop_env):
    latin1 = "J\udcfcrgen"                    # 'Jürgen' typed in a Latin-1 terminal
    for command in (("people", "add", latin1), ("forget", latin1, "--yes"),
                    ("history", latin1), ("people", "add", "X", "--team", latin1)):
        err = refused(2, *command)
        assert "not valid UTF-8" in err and len(err.strip().splitlines()) == 1


def test_a_store_from_before_schema_9_still_finds_who_acted_on_a_plan_by_name(store_url,
                                                                              tmp_path):
    """Who acted on which plan is kept as rows (schema 9), so export-person finds the plans a
    person acted on without reading every event; a store from before is told on migrating."""
    from helpers import as_of_schema, migrate_as_a_user_would

    from engine.store import open_store

    ok("store", "init")
    els = ok_json("people", "add", "Els Vandamme", "--number", "5")
    ok("people", "add", "Dries Verbeeck", "--number", "6")
    plan = new_plan(tmp_path, "6", "Koen Wuyts")                # Els has no role in it
    sign_both(plan)
    ok("checkin", plan, "--status", "1=bezig", "--date", "2026-04-20",
       "--actor", "  ELS   vandamme ")                         # her name, as typed
    assert plan not in [p["id"] for p in ok_json("history", "5")]

    def acted_on() -> list[tuple[str, bool]]:
        return [(p["id"], p["about_this_person"])
                for p in ok_json("export-person", els["id"])["plans"]]

    assert acted_on() == [(plan, False)]
    store = open_store()
    with store.transaction():
        as_of_schema(store, 8)
    store.close()
    migrate_as_a_user_would(store)
    assert acted_on() == [(plan, False)]
