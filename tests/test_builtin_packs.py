"""The built-in packs as their users meet them: valid, traceable, and their rules in Dutch."""

from __future__ import annotations

import json
import re

import pytest
from helpers import EXAMPLES, ROOT, pop_process

from engine.yamlfile import load_file

BUILTIN = ("vdab", "vandenberg", "vtoc")


def pack_data(pack_id: str) -> dict:
    return load_file(ROOT / "packs" / pack_id / "pack.yaml")[0]


def example(pack_id: str) -> dict:
    return load_file(EXAMPLES / f"{pack_id}-answers.yaml")[0]


def write_answers(tmp_path, data: dict):
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(data, ensure_ascii=False))
    return path


@pytest.mark.parametrize("pack_id", BUILTIN)
def test_builtin_pack_is_valid_and_named(pop, pack_id):
    result = pop("packs", "validate", pack_id)
    assert result.exit_code == 0, result.output
    listed = json.loads(pop("packs", "list", "--json").stdout)
    entry = next(e for e in listed if e["id"] == pack_id)
    assert entry["origin"] == "built-in" and entry["error"] is None
    data = pack_data(pack_id)
    assert data["sources"] and all(s["title"] for s in data["sources"])
    assert data["language"] in ("nl-BE", "nl-NL")


@pytest.mark.parametrize("pack_id", BUILTIN)
def test_show_lists_the_whole_agenda(pop, pack_id):
    shown = pop("packs", "show", pack_id).stdout
    data = pack_data(pack_id)
    for phase in data["phases"].values():
        for step in phase["steps"]:
            assert f"[{step['id']}]" in shown
            for q in step.get("questions", []):
                assert f"[{q['id']}:" in shown
    for rule in data.get("rules", []):
        assert f"[{rule['id']}]" in shown


@pytest.mark.parametrize("pack_id", BUILTIN)
def test_source_table_maps_every_step_question_and_rule(pack_id):
    readme = (ROOT / "packs" / pack_id / "README.md").read_text(encoding="utf-8")
    data = pack_data(pack_id)
    ids = [s["id"] for p in data["phases"].values() for s in p["steps"]]
    ids += [q["id"] for p in data["phases"].values() for s in p["steps"]
            for q in s.get("questions", [])]
    ids += [r["id"] for r in data.get("rules", [])]
    missing = [i for i in ids if not re.search(rf"`{re.escape(i)}`", readme)]
    assert not missing, f"not in packs/{pack_id}/README.md: {missing}"


@pytest.mark.parametrize("pack_id", BUILTIN)
def test_example_answers_reach_the_follow_up(pack_id):
    result = pop_process("run", "--answers", str(EXAMPLES / f"{pack_id}-answers.yaml"), "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["plan"]["state"].startswith("follow_up")


def test_vdab_without_technical_action_is_refused_in_dutch(tmp_path):
    data = example("vdab")
    data["answers"]["acties"] = [a for a in data["answers"]["acties"] if a["soort"] != "technisch"]
    data["answers"]["acties"] *= 2  # keep min_items satisfied
    result = pop_process("run", "--answers", str(write_answers(tmp_path, data)),
                         env={"POP_LANG": "nl"})
    assert result.returncode == 2
    assert "rules.technische_actie: error: Spreek minstens één technische actie af" \
        in result.stderr.replace("fout", "error")
    assert "generieke_actie" not in result.stderr


def test_vdab_action_without_date_or_measure_is_not_smart(tmp_path):
    data = example("vdab")
    action = data["answers"]["acties"][1]
    action["wanneer"] = "later dit jaar"
    del action["meetbaar"]
    result = pop_process("run", "--answers", str(write_answers(tmp_path, data)))
    assert result.returncode == 2
    err = result.stderr
    assert "Elke actie moet SMART geformuleerd zijn" in err
    assert "not Meetbaar — fill in meetbaar" in err                     # the pack's letter names
    assert "not Tijdsgebonden — 'later dit jaar' is not a date" in err


def test_vdab_hints_appear_at_their_step(pop_env):
    from engine.packs import PackLibrary
    from engine.plugins import get_plugins
    from engine.session import Session
    from engine.store import open_store

    plugins = get_plugins()
    pack = PackLibrary(plugins).load("vdab")
    session = Session.start(pack, open_store(pop_env), plugins, {"employee": "Kim"}, "2026-03-02")
    session.answer("bedoeling_bekend", True)
    session.answer("gespreksvoerder", "Els Vandamme, monitor")
    session.next()
    session.next()
    assert session.plan.state == "conversation.introductie"
    assert [h.rule for h in session.hints()] == []
    session.answer("wil_gesprek", False)
    hints = session.hints()
    assert [h.rule for h in hints] == ["niet_in_gesprek"]
    assert "Vraag de medewerker hoe het komt" in hints[0].message


def test_vandenberg_missing_wanneer_is_refused_with_the_packs_message(tmp_path):
    data = example("vandenberg")
    del data["answers"]["afspraken"][0]["wanneer"]
    result = pop_process("run", "--answers", str(write_answers(tmp_path, data)))
    assert result.returncode == 2
    assert "rules.www_afspraak: error: Elke afspraak is een WWW-afspraak" in result.stderr


def test_vandenberg_preparation_questions_per_role():
    data = pack_data("vandenberg")
    steps = {s["id"]: s for s in data["phases"]["preparation"]["steps"]}
    by_role = {role: [q["text"] for q in steps[f"aankondiging_{name}"]["questions"]
                      if (q.get("answered_by") or steps[f"aankondiging_{name}"]["answered_by"])
                      == role]
               for role, name in (("employee", "medewerker"), ("manager", "leidinggevende"))}
    assert len(by_role["employee"]) == 18
    assert "Waar ben ik goed in?" in by_role["employee"]
    assert "Wat zijn daarbij de belemmeringen?" in by_role["employee"]
    assert len(by_role["manager"]) == 8  # seven questions and the stroommogelijkheden
    assert "Is er een ontwikkelingsnoodzaak? En zo ja, welke?" in by_role["manager"]
    offsets = {s["id"]: s.get("offset_days") for s in data["schedule"]}
    assert offsets["aankondiging"] == -14 and offsets["afstemming"] == -7


def test_vtoc_seed_rows_warn_but_do_not_block(tmp_path):
    data = example("vtoc")
    seed_rows = pack_data("vtoc")["phases"]["conversation"]["steps"]
    table = next(q for s in seed_rows for q in s.get("questions", []) if q["id"] == "pop_tabel")
    assert [f["text"] for f in table["fields"]] == [
        "Doelstelling", "Actie/VTOC-maatregel", "Timing", "Nodige ondersteuning", "Opvolging"]
    data["answers"]["pop_tabel"] = table["examples"]
    result = pop_process("run", "--answers", str(write_answers(tmp_path, data)))
    assert result.returncode == 2
    smart = [line for line in result.stderr.splitlines() if "rules.smart: warning" in line]
    # SMART as a warning: only the row with timing "Doorlopend" asks for a reason; "Beter …"
    # and "Meer …" are the seed's own goals, and the form has no column that measures
    assert len(smart) == 1 and "'Doorlopend' is not a date" in smart[0], result.stderr
    assert "Meer verantwoordelijkheid" in smart[0]
    assert "vague" not in result.stderr and "not Meetbaar" not in result.stderr
    assert ": error:" not in result.stderr
    data["overrides"] = {"smart": "Besproken; doorlopende coaching, evaluatie na 3 maanden."}
    result = pop_process("run", "--answers", str(write_answers(tmp_path, data)), "--json")
    assert result.returncode == 0, result.stderr


def test_vtoc_form_has_the_five_columns_and_needs_both_signatures(pop_env):
    plan_id = json.loads(pop_process("run", "--answers", str(EXAMPLES / "vtoc-answers.yaml"),
                                     "--json").stdout)["plan"]["id"]
    form = pop_process("export", plan_id, "--template", "pop-formulier").stdout
    header = "| Doelstelling | Actie/VTOC-maatregel | Timing | Nodige ondersteuning | Opvolging |"
    assert header in form
    lines = form.splitlines()
    table = lines[lines.index(header) + 2:]
    rows = table[:next((i for i, line in enumerate(table) if not line.startswith("|")),
                       len(table))]
    assert len(rows) == len(example("vtoc")["answers"]["pop_tabel"])
    assert all(line.count("|") == 6 for line in rows)
    assert example("vtoc")["answers"]["pop_tabel"][0]["timing"] in rows[0]

    pop_process("sign", plan_id, "--role", "manager")
    verify = pop_process("verify", plan_id)
    assert verify.returncode == 1 and "Not agreed yet; waiting for: Werknemer." in verify.stdout
    refused = pop_process("checkin", plan_id, "--status", "1=bezig")
    assert refused.returncode == 3
    report = pop_process("export", plan_id, "--template", "verslag").stdout
    assert "personeelsdossier" in report
    pop_process("sign", plan_id, "--role", "employee")
    assert pop_process("verify", plan_id).returncode == 0
    assert pop_process("checkin", plan_id, "--status", "1=bezig").returncode == 0


def test_printed_plan_keeps_the_preparation_private_and_names_the_signer(pop_env):
    data = example("vandenberg")
    plan_id = json.loads(pop_process("run", "--answers", str(EXAMPLES / "vandenberg-answers.yaml"),
                                     "--json").stdout)["plan"]["id"]
    pop_process("sign", plan_id, "--role", "manager", "--name", "A. Bakker")
    html = pop_process("export", plan_id, "--format", "html").stdout
    private = data["answers"]["mw_buiten_werk"]
    assert private not in html                          # the preparation stays with the person
    assert data["answers"]["gespreksdoel"].split()[0] in html
    assert "A. Bakker" in html
    assert "follow_up.opvolging" not in html.split("<body", 1)[1]


def test_vtoc_guide_shows_the_seed_rows_as_the_seed_does(pop_env):
    guide = pop_process("guide", "vtoc").stdout
    table = pack_data("vtoc")["phases"]["conversation"]["steps"]
    rows = next(q for s in table for q in s.get("questions", []) if q["id"] == "pop_tabel")
    for row in rows["examples"]:
        assert f"| vb. {row['doelstelling']} | {row['actie']} | {row['timing']} |" in guide
    planning = guide.split("### Concrete planning", 1)[1].split("\n### ", 1)[0]
    assert "Doorlopend’" not in planning and "Herschrijf" not in planning  # no verdict on them
    assert "SMART" in planning


def test_vdab_disagreement_is_a_warning_whose_reason_the_sjabloon_prints(tmp_path):
    data = example("vdab")
    data["answers"].update(akkoord=False, geen_gevolgen_vermeld=False, geinformeerd_upload=False)
    result = pop_process("run", "--answers", str(write_answers(tmp_path, data)))
    assert result.returncode == 2
    # what the leidraad asks the begeleider to do or check warns; one sentence, one severity
    for rule in ("akkoord", "geen_gevolgen", "upload_vdab"):
        assert f"rules.{rule}: warning" in result.stderr, result.stderr
    assert ": error:" not in result.stderr
    reason = "Niet akkoord met actie 2: liever eerst de heftruckopleiding."
    data["overrides"] = {"akkoord": reason, "geen_gevolgen": "Volgende keer.",
                         "upload_vdab": "Volgende keer."}
    plan_id = json.loads(pop_process("run", "--answers", str(write_answers(tmp_path, data)),
                                     "--json").stdout)["plan"]["id"]
    for fmt in ("md", "html"):
        sjabloon = pop_process("export", plan_id, "--format", fmt).stdout
        assert "Niet akkoord met" in sjabloon and "liever eerst de heftruckopleiding" in sjabloon


def test_vdab_documents_use_the_leidraads_words(pop_env):
    guide = pop_process("guide", "vdab").stdout
    pack = pack_data("vdab")
    conditional = [r for r in pack["rules"] if r["severity"] == "hint" and "when" in r
                   and r["id"] != "nieuw_traject"]
    assert conditional
    for rule in conditional:                       # §2 "Wat als …?", also on paper
        assert rule["message"].startswith("Wat als ") and rule["message"] in guide
    assert "Hoe zie of meet je" in guide
    plan_id = json.loads(pop_process("run", "--answers", str(EXAMPLES / "vdab-answers.yaml"),
                                     "--json").stdout)["plan"]["id"]
    md = pop_process("export", plan_id).stdout
    html = pop_process("export", plan_id, "--format", "html").stdout
    gespreksvoerder = example("vdab")["answers"]["gespreksvoerder"]
    assert f"| **Gespreksvoerder** | {gespreksvoerder} |" in md and gespreksvoerder in html
    assert "Tegen wanneer (Tijdsgebonden)" in md and "Deadline" not in md
    for text in (guide, md, html):
        assert "settings." not in text                # no pack keys in what people read
    assert "laadt" not in html                        # who uploads: the leidraad does not say


def test_vandenberg_invitation_carries_only_what_the_employee_is_meant_to_read(pop_env):
    data = example("vandenberg")
    plan_id = json.loads(pop_process("run", "--answers", str(EXAMPLES / "vandenberg-answers.yaml"),
                                     "--json").stdout)["plan"]["id"]
    steps = {s["id"]: s for s in pack_data("vandenberg")["phases"]["preparation"]["steps"]}
    first_name = data["people"]["employee"].split()[0]
    for fmt in ("md", "html"):
        letter = pop_process("invite", plan_id, "--format", fmt).stdout
        assert f"Beste {first_name}," in letter and data["people"]["employee"] + "," not in letter
        for q in steps["aankondiging_medewerker"]["questions"]:
            assert q["text"] in letter
        for q in steps["aankondiging_leidinggevende"]["questions"]:   # the leader's own
            assert q["text"] not in letter
        assert "competentieprofiel" not in letter and "Stroommogelijkheden" not in letter
        for point in (data["answers"]["gesprekspunten_medewerker"]
                      + data["answers"]["gesprekspunten_leidinggevende"]):
            assert point.replace("'", "&#39;" if fmt == "html" else "'") in letter
        assert "de leidinggevende" not in letter.split("Beste", 1)[1]     # one voice: "ik"


def test_vandenberg_preparation_warns_only_when_nothing_was_prepared(tmp_path):
    data = example("vandenberg")
    prepared = {k: v for k, v in data["answers"].items() if k.startswith("mw_")}
    for key in prepared:
        del data["answers"][key]
    result = pop_process("run", "--answers", str(write_answers(tmp_path, data)))
    assert result.returncode == 2 and "rules.voorbereiding_medewerker: warning" in result.stderr
    assert "na te denken" in result.stderr
    data["answers"]["mw_goed_in"] = "Klanten helpen"                 # thought about one
    result = pop_process("run", "--answers", str(write_answers(tmp_path, data)), "--json")
    assert result.returncode == 0, result.stderr


def test_vandenberg_smart_comes_from_a_tip_and_warns(tmp_path):
    data = example("vandenberg")
    del data["answers"]["afspraken"][0]["meetbaar"]
    result = pop_process("run", "--answers", str(write_answers(tmp_path, data)))
    assert result.returncode == 2
    assert "rules.smart_afspraken: warning" in result.stderr and ": error:" not in result.stderr
    data["overrides"] = {"smart_afspraken": "Het certificaat is de maat; besproken."}
    result = pop_process("run", "--answers", str(write_answers(tmp_path, data)), "--json")
    assert result.returncode == 0, result.stderr


def test_vandenberg_guide_avoids_without_double_negatives_and_holds_the_definitie(pop_env):
    guide = pop_process("guide", "vandenberg").stdout
    avoid = [line for block in guide.split("**Vermijd:**")[1:]
             for line in block.strip().split("\n\n", 1)[0].splitlines()]
    # each item names what to avoid; "Vermijd: ga niet …" would say the opposite
    assert avoid and not [line for line in avoid
                          if re.search(r"\b(niet|geen)\b", re.split(r"[.:]", line)[0])]
    assert "zonder direct in discussie te gaan" in guide
    for words in ("mobiliteitsbeleid", "vergrijzing", "zelfs bedreigend aan"):
        assert words in guide
