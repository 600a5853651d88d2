"""People as records: the register, lookups by id, number or name, and forgetting one person."""

from __future__ import annotations

import json
import unicodedata

from helpers import EXAMPLES, pop_process

VDAB = EXAMPLES / "vdab-answers.yaml"


def ok(*args: str, env: dict | None = None):
    result = pop_process(*args, env=env)
    assert result.returncode == 0, (args, result.stdout, result.stderr)
    return result


def ok_json(*args: str):
    return json.loads(ok(*args, "--json").stdout)


def refused(code: int, *args: str) -> str:
    result = pop_process(*args)
    assert result.returncode == code, (args, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    return result.stderr


def answers_for(tmp_path, employee: str, manager: str = "Els Vandamme", name: str = "a.yaml"):
    text = VDAB.read_text(encoding="utf-8").replace("employee: Dries Verbeeck",
                                                    f"employee: {employee}")
    text = text.replace("manager: Els Vandamme", f"manager: {manager}")
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_add_list_show_edit(pop_env):
    els = ok_json("people", "add", "Els Vandamme", "--number", "7", "--team", "Atelier")
    sofie = ok_json("people", "add", "Sofie Claes", "--number", "1042", "--hired", "01-09-2025",
                    "--leader", "els vandamme", "--email", "sofie@example.org")
    assert sofie["leader_id"] == els["id"] and sofie["hired"] == "2025-09-01"
    assert "belongs to" in refused(2, "people", "add", "Iemand", "--number", "1042")
    assert "not a date" in refused(2, "people", "add", "Iemand", "--hired", "morgen")
    assert [p["name"] for p in ok_json("people", "list", "--leader", "7")] == ["Sofie Claes"]
    assert ok_json("people", "show", "1042")["id"] == sofie["id"]
    assert ok_json("people", "edit", sofie["id"], "--team", "Logistiek")["team"] == "Logistiek"
    assert ok_json("people", "edit", "1042", "--team", "")["team"] is None
    assert "own leader" in refused(2, "people", "edit", "7", "--leader", "7")


def test_import_is_all_or_nothing_and_updates_by_number(pop_env, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("naam;nummer;in dienst;leidinggevende\nAn Peeters;1;2024-01-01;\n"
                   "Bert Maes;2;gisteren;\nCis Wouters;3;;Niemand\n", encoding="utf-8-sig")
    err = refused(2, "people", "import", str(bad))
    assert f"{bad}:3:" in err and "not a date" in err and f"{bad}:4:" in err
    assert ok_json("people", "list") == []                       # nothing imported
    good = tmp_path / "good.csv"
    good.write_text("\ufeffnaam;nummer;team;leidinggevende\nAn Peeters;1;Atelier;\n"
                    "Bert Maes;2;Atelier;An Peeters\n", encoding="utf-8")
    assert ok_json("people", "import", str(good)) == {"added": 2, "updated": 0, "rows": 2}
    again = ok_json("people", "import", str(good))
    assert again["added"] == 0 and again["updated"] == 2
    bert = ok_json("people", "show", "2")
    assert bert["leader"] == "An Peeters" and len(ok_json("people", "list")) == 2
    unknown = tmp_path / "unknown.csv"
    unknown.write_text("naam,kleur\nX,rood\n", encoding="utf-8")
    assert "unknown column 'kleur'" in refused(2, "people", "import", str(unknown))


def test_two_people_with_one_name_are_never_confused(pop_env, tmp_path):
    first = ok_json("people", "add", "Sofie Claes", "--number", "11", "--team", "Atelier")
    second = ok_json("people", "add", "Sofie Claes", "--number", "22", "--team", "Magazijn")
    plan_a = ok_json("run", "--answers", str(answers_for(tmp_path, "11")))["plan"]
    plan_b = ok_json("run", "--answers", str(answers_for(tmp_path, "22", name="b.yaml")))["plan"]
    assert (plan_a["person_id"], plan_b["person_id"]) == (first["id"], second["id"])

    ambiguous = answers_for(tmp_path, "Sofie Claes", name="c.yaml")
    err = refused(2, "run", "--answers", str(ambiguous))
    assert f"{ambiguous}:6:" in err and first["id"] in err and second["id"] in err
    assert len(ok_json("list")) == 2                              # nothing saved
    for command in (("forget", "Sofie Claes", "--yes"), ("history", "sofie claes"),
                    ("export-person", "SOFIE CLAES")):
        err = refused(2, *command)
        assert first["id"] in err and second["id"] in err and "Magazijn" in err
    ok("forget", "22", "--yes")
    assert [p["id"] for p in ok_json("list")] == [plan_a["id"]]
    assert ok_json("people", "show", "Sofie Claes")["id"] == first["id"]


def test_a_non_ascii_name_is_forgotten_in_any_form_and_only_that_person(pop_env, tmp_path):
    name = "Özlem Çelik"
    own = ok_json("run", "--answers", str(answers_for(tmp_path, name)))["plan"]["id"]
    led = ok_json("run", "--answers", str(answers_for(tmp_path, "Dries Verbeeck", name,
                                                      "b.yaml")))["plan"]["id"]
    ok("sign", led, "--role", "employee")
    ok("sign", led, "--role", "manager")
    nfd = unicodedata.normalize("NFD", "özlem çelik")
    assert ok_json("people", "show", nfd)["name"] == name
    ok("forget", nfd, "--yes")
    assert "no plan" in refused(2, "show", own)
    shown = ok_json("show", led)                     # the employee's POP stays, still agreed
    assert shown["people"]["manager"] == "[gewist]" and shown["person"] == "Dries Verbeeck"
    assert pop_process("verify", led).returncode == 0
    db = pop_env / "pop.sqlite3"
    for path in (db, db.with_name(db.name + "-wal")):
        if path.exists():
            raw = path.read_bytes()
            for form in ("NFC", "NFD"):
                for text in (name, name.lower(), name.upper(), "Çelik"):
                    assert unicodedata.normalize(form, text).encode() not in raw, (path, text)


def test_an_unknown_name_becomes_a_person_and_is_said(pop_env, tmp_path):
    result = ok("run", "--answers", str(answers_for(tmp_path, "Nieuwe Collega")))
    assert "New in the people register" in result.stdout and "Nieuwe Collega" in result.stdout
    again = ok("run", "--answers", str(answers_for(tmp_path, "nieuwe collega", name="b.yaml")))
    assert "Nieuwe Collega" not in again.stdout.split("Plan")[0]  # the same person, not new
    assert len([p for p in ok_json("people", "list") if p["name"] == "Nieuwe Collega"]) == 1


def test_a_store_of_the_previous_release_migrates_with_nothing_lost(pop_env):
    """tests/data/store-schema2.sqlite3 was written by commit 8d549c1 (schema 2): two vdab plans
    for Dries Verbeeck with Els Vandamme (qbw64bke signed by both, one check-in; amrujp6w) and
    a vtoc plan for Sofie Claes with Koen Wuyts (9fhnhhu2)."""
    import shutil

    from helpers import TESTS

    pop_env.mkdir(parents=True, exist_ok=True)
    shutil.copy(TESTS / "data" / "store-schema2.sqlite3", pop_env / "pop.sqlite3")
    plans = {p["id"]: p for p in ok_json("list", "--all")}
    assert {i: p["person"] for i, p in plans.items()} == {
        "qbw64bke": "Dries Verbeeck", "amrujp6w": "Dries Verbeeck", "9fhnhhu2": "Sofie Claes"}
    people = ok_json("people", "list")
    assert sorted(p["name"] for p in people) == ["Dries Verbeeck", "Els Vandamme", "Koen Wuyts",
                                                 "Sofie Claes"]
    assert plans["qbw64bke"]["person_id"] == plans["amrujp6w"]["person_id"]   # one Dries
    assert pop_process("verify", "qbw64bke").returncode == 0                   # still agreed
    shown = ok_json("show", "qbw64bke")
    assert shown["answers"]["doel"].startswith("Ik wil graag in het magazijn werken")
    assert shown["checkins"][0]["actions"][0]["note"] == "Gaat goed"
    events = ok_json("log", "qbw64bke")
    assert [e["version"] for e in events] == list(range(1, len(events) + 1))
    assert len(ok_json("history", "Dries Verbeeck")) == 2
    ok("checkin", "qbw64bke", "--status", "1=gedaan")                          # and it works on


def test_a_name_that_is_no_utf8_is_one_line(pop_env):
    latin1 = "J\udcfcrgen"                    # 'Jürgen' typed in a Latin-1 terminal
    for command in (("people", "add", latin1), ("forget", latin1, "--yes"),
                    ("history", latin1), ("people", "add", "X", "--team", latin1)):
        err = refused(2, *command)
        assert "not valid UTF-8" in err and len(err.strip().splitlines()) == 1
