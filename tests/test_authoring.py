"""For pack authors: ``pop packs new``, ``lint`` and ``graph``, tried as a new author would.

The worked example of docs/authoring.md is followed literally: its edits are read from the
document, applied to a pack made by ``pop packs new acme --extends vdab``, and the result must
validate, lint clean, run from its example answers file and render its own document.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import MINI, ROOT, pop_command

AUTHORING = ROOT / "docs" / "authoring.md"


def doc_block(name: str) -> str:
    """The fenced block after ``<!-- edit: NAME -->`` in docs/authoring.md."""
    text = AUTHORING.read_text(encoding="utf-8")
    match = re.search(rf"<!-- edit: {re.escape(name)} -->\s*```\w*\n(.*?)```", text, re.S)
    assert match, f"docs/authoring.md has no block marked <!-- edit: {name} -->"
    return match.group(1)


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """``pop ARGS`` as a separate process in folder ``cwd``, seeing only the built-in packs."""
    return subprocess.run([*pop_command(), *args], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, "POP_PACKS_PATH": ""}, timeout=60)


def ok(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    result = run(*args, cwd=cwd)
    assert result.returncode == 0, (args, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    return result


# --- pop packs new ------------------------------------------------------------------------------


def test_acme_extends_vdab_edited_as_the_docs_describe(tmp_path):
    made = ok("packs", "new", "acme", "--extends", "vdab", cwd=tmp_path)
    acme = tmp_path / "acme"
    assert sorted(p.relative_to(acme).as_posix() for p in acme.rglob("*") if p.is_file()) == [
        "README.md", "pack.yaml", "templates/plan.md.j2", "voorbeeld-antwoorden.yaml"]
    assert "acme/pack.yaml" in made.stdout
    pack_text = (acme / "pack.yaml").read_text(encoding="utf-8")
    schema_id = json.loads((ROOT / "schemas" / "pack.schema.json").read_text())["$id"]
    assert pack_text.startswith(f"# yaml-language-server: $schema={schema_id}\n")
    assert "extends: vdab" in pack_text and "after: acties" in pack_text

    # as scaffolded: valid, no advice, and it runs
    ok("packs", "validate", "acme", cwd=tmp_path)
    assert "no advice" in ok("packs", "lint", "--strict", "acme", cwd=tmp_path).stdout

    # the worked example: Acme's own competency lists, and a rule on the extra question
    settings = doc_block("settings")
    start = pack_text.index("settings:\n")
    end = pack_text.index("\n\n", start)
    pack_text = pack_text[:start] + settings.rstrip("\n") + pack_text[end:]
    pack_text = pack_text.rstrip("\n") + "\n\n" + doc_block("rules")
    (acme / "pack.yaml").write_text(pack_text, encoding="utf-8")

    assert "valid (acme 0.1.0)" in ok("packs", "validate", "acme", cwd=tmp_path).stdout
    assert "no advice" in ok("packs", "lint", "--strict", "acme", cwd=tmp_path).stdout
    shown = json.loads(ok("packs", "show", "acme", "--json", cwd=tmp_path).stdout)
    assert shown["settings"]["competenties"]["technisch"] == [
        "stapelen", "orderpicken", "heftruck rijden"]
    acties = next(s for s in shown["phases"]["conversation"]["steps"] if s["id"] == "acties")
    assert [q["id"] for q in acties["questions"]] == [
        "acties", "opleiding", "datum_opvolging", "datum_evaluatie"]
    assert acties["guidance"]["text"].endswith(
        "Vraag ook welke opleiding of vorming daarbij helpt.")
    assert acties["guidance"]["example_questions"]  # the other guidance of vdab stays
    assert {r["id"] for r in shown["rules"]} >= {"smart", "opleiding_besproken"}

    started = json.loads(ok("run", "--pack", "acme", "--answers",
                            "acme/voorbeeld-antwoorden.yaml", "--json", cwd=tmp_path).stdout)
    plan_id = started["plan"]["id"]
    plan = json.loads(ok("show", plan_id, "--json", cwd=tmp_path).stdout)
    assert plan["answers"]["opleiding"].startswith("Een interne opleiding")
    document = ok("export", plan_id, "--template", "plan", cwd=tmp_path).stdout
    assert "# POP van Dries Verbeeck (Acme)" in document
    assert "Welke opleiding of vorming helpt om deze acties te halen?" in document
    assert "europallet" in document
    assert "# POP-sjabloon" in ok("export", plan_id, cwd=tmp_path).stdout  # vdab's stays

    # without the extra answer the new rule warns, as the docs say
    answers = (acme / "voorbeeld-antwoorden.yaml").read_text(encoding="utf-8")
    (tmp_path / "zonder.yaml").write_text(
        re.sub(r"\n  opleiding: .*", "", answers), encoding="utf-8")
    result = run("run", "--pack", "acme", "--answers", "zonder.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert "opleiding_besproken" in result.stderr


def test_standalone_pack_validates_lints_clean_and_runs(tmp_path):
    ok("packs", "new", "atelier-noord", "--dir", "packs", cwd=tmp_path)
    folder = tmp_path / "packs" / "atelier-noord"
    assert (folder / "templates" / "plan.md.j2").is_file()
    text = (folder / "pack.yaml").read_text(encoding="utf-8")
    assert "name: POP-gesprek Atelier Noord" in text and "extends" not in text
    ok("packs", "validate", str(folder), cwd=tmp_path)
    assert "no advice" in ok("packs", "lint", "--strict", str(folder), cwd=tmp_path).stdout
    started = json.loads(ok("run", "--pack", str(folder), "--answers",
                            str(folder / "voorbeeld-antwoorden.yaml"), "--json",
                            cwd=tmp_path).stdout)
    document = ok("export", started["plan"]["id"], cwd=tmp_path).stdout
    assert "# Persoonlijk ontwikkelingsplan — An Peeters" in document
    assert "| An belt elke klant" in document and "Opvolging: 20 april 2026." in document


def test_new_refuses_bad_ids_and_existing_folders(tmp_path, pop, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for bad in ("Acme", "1acme", "ac me", "acme/x", ""):
        result = pop("packs", "new", bad)
        assert result.exit_code == 2, bad
        assert "cannot be a pack id" in result.stderr
    assert pop("packs", "new", "acme").exit_code == 0
    (tmp_path / "acme" / "eigen.txt").write_text("mijn notities")
    again = pop("packs", "new", "acme", "--extends", "vdab")
    assert again.exit_code == 2 and "already exists" in again.stderr
    assert "extends" not in (tmp_path / "acme" / "pack.yaml").read_text()
    assert pop("packs", "new", "acme", "--extends", "vdab", "--force").exit_code == 0
    assert "extends: vdab" in (tmp_path / "acme" / "pack.yaml").read_text()
    assert (tmp_path / "acme" / "eigen.txt").read_text() == "mijn notities"
    unknown = pop("packs", "new", "beta", "--extends", "bestaat-niet")
    assert unknown.exit_code == 2 and "unknown pack 'bestaat-niet'" in unknown.stderr
    assert not (tmp_path / "beta").exists()


def test_new_extends_a_pack_without_an_example_answers_file(tmp_path, pop, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert pop("packs", "new", "klein", "--extends", str(MINI)).exit_code == 0
    answers = (tmp_path / "klein" / "voorbeeld-antwoorden.yaml").read_text()
    assert "pack: klein" in answers and "  wil_gesprek:" in answers
    assert pop("packs", "validate", "klein").exit_code == 0


# --- pop packs lint ----------------------------------------------------------------------------

LINTME = """\
id: lintme
name: Lint
version: 1.0.0
language: nl-BE
roles: [{id: employee, name: Medewerker, subject: true}]
phases:
  conversation:
    steps:
      - id: start
        title: {nl: Start, en: Start}
        guidance: {text: Leg uit.}
        questions:
          - {id: gesprek, text: {nl: Praten?, en: Talk?}, type: bool, required: true}
          - {id: thema, text: {nl: Thema}, type: choice, choices: [werk, opleiding]}
          - {id: waarom, text: Waarom?, when: {gesprek: ja}}
          - {id: over_werk, text: Over werk?, when: {thema: vrije_tijd}}
          - {id: detail, text: Detail?, when: {waarom: {present: true}}}
          - {id: niveau, text: Niveau, type: scale, min: 1, max: 5}
          - {id: vergeten, text: Vergeten?}
          - {id: wens, text: Wens?, when: {thema: [werk, sport]}}
      - id: leeg
        title: Zonder aanwijzing
        questions:
          - {id: notitie, text: Notitie, when: {niveau: 9}}
rules:
  - {id: nooit, at: start, severity: hint, when: {thema: sport}, message: X}
  - {id: op_lege_stap, at: leeg, severity: warning, message: Y, check: {notitie: {present: true}}}
  - id: kan_niet
    at: start
    severity: error
    message: Z
    check: {schema: {required: [niveau], properties: {niveau: {minimum: 6}}}}
  - {id: kan_wel, at: start, severity: error, message: W, check: {niveau: 5}}
outputs:
  - {id: plan, title: Plan, template: plan.md.j2}
"""
TEMPLATE = ("{{ answers.get('gesprek') }} {{ answers.get('thema') }} {{ answers.detail }} "
            "{{ answers.wens }}")


def lint_json(pop, *args: str) -> list[dict]:
    result = pop("packs", "lint", "--json", *args)
    return json.loads(result.stdout)


def test_lint_finds_each_kind_of_advice_at_its_place(make_pack, pop):
    folder = make_pack({"pack.yaml": LINTME, "templates/plan.md.j2": TEMPLATE})
    [report] = lint_json(pop, str(folder))
    assert report["valid"] and report["problems"] == []
    found = sorted((a["code"], a["path"]) for a in report["advice"])
    assert found == sorted([
        ("missing-language", "phases.conversation.steps[0].questions[1].text"),
        ("unreachable-question", "phases.conversation.steps[0].questions[2].when"),  # bool
        ("unreachable-question", "phases.conversation.steps[0].questions[3].when"),  # choice
        ("unreachable-question", "phases.conversation.steps[0].questions[4].when"),  # chained
        ("unused-question", "phases.conversation.steps[0].questions[6]"),
        ("no-guidance", "phases.conversation.steps[1]"),
        ("unreachable-question", "phases.conversation.steps[1].questions[0].when"),  # scale
        ("rule-never-applies", "rules[0].when"),
        ("rule-never-applies", "rules[1].at"),
        ("rule-never-passes", "rules[2].check"),
    ])
    text = pop("packs", "lint", str(folder))
    assert text.exit_code == 0
    lines = text.stdout.splitlines()
    assert any(re.fullmatch(
        r".*pack\.yaml:15:\d+: phases\.conversation\.steps\[0\]\.questions\[2\]\.when: this "
        r"question is never asked: its condition can never hold \('gesprek' is a bool question; "
        r"it never has the value 'ja'\) \[unreachable-question\]", line) for line in lines), lines
    assert any("'vrije_tijd' is not one of the choices of 'thema' ('werk', 'opleiding')" in line
               for line in lines)
    assert any("this text has no en version" in line for line in lines)
    assert lines[-1].endswith("10 advice (lintme 1.0.0)")
    assert pop("packs", "lint", "--strict", str(folder)).exit_code == 1


def test_lint_comments_switch_advice_off(make_pack, pop):
    text = LINTME.replace("      - id: leeg\n",
                          "      - id: leeg  # pop-lint: disable=no-guidance (bewust)\n")
    text = "# pop-lint: disable-file=unreachable-question, missing-language\n" + text
    folder = make_pack({"pack.yaml": text, "templates/plan.md.j2": TEMPLATE})
    codes = {a["code"] for a in lint_json(pop, str(folder))[0]["advice"]}
    assert codes == {"unused-question", "rule-never-applies", "rule-never-passes"}


def test_lint_counts_a_template_that_walks_all_answers(make_pack, pop):
    generic = "{% for qid, value in answers.items() %}{{ questions[qid].text }}{% endfor %}"
    folder = make_pack({"pack.yaml": LINTME, "templates/plan.md.j2": generic})
    codes = [a["code"] for a in lint_json(pop, str(folder))[0]["advice"]]
    assert "unused-question" not in codes
    no_outputs = LINTME.split("outputs:")[0]
    folder = make_pack({"pack.yaml": no_outputs}, name="zonder")  # the built-in layout: all
    assert "unused-question" not in [a["code"] for a in lint_json(pop, str(folder))[0]["advice"]]


def test_lint_of_an_invalid_pack_is_a_validation_error(make_pack, pop):
    folder = make_pack({"pack.yaml": LINTME.replace("type: scale", "type: schaal")})
    result = pop("packs", "lint", str(folder))
    assert result.exit_code == 2
    assert "questions[5].type: must be one of" in result.stderr
    assert pop("packs", "lint", "bestaat-niet").exit_code == 2


def test_lint_of_an_extending_pack_advises_on_its_own_file(make_pack, pop):
    child = """\
id: kind
extends: lintme
name: Kind
phases:
  conversation:
    steps:
      - id: start
        questions:
          - {id: extra, text: Extra?, after: gesprek}
"""
    make_pack({"pack.yaml": LINTME, "templates/plan.md.j2": TEMPLATE}, name="packs/lintme")
    folder = make_pack({"pack.yaml": child}, name="packs/kind")
    own = lint_json(pop, "--pack", str(folder.parent), str(folder))[0]["advice"]
    assert [(a["code"], a["file"].endswith("kind/pack.yaml")) for a in own] == [
        ("unused-question", True)]
    everything = lint_json(pop, "--inherited", "--pack", str(folder.parent), str(folder))
    assert len(everything[0]["advice"]) == 11


@pytest.mark.parametrize("pack", ["vdab", "vandenberg", "vtoc"])
def test_builtin_packs_lint_clean(pop, pack):
    """Deliberate findings are switched off in the pack files, with the reason beside them."""
    result = pop("packs", "lint", "--strict", pack)
    assert result.exit_code == 0, result.stdout
    assert f"{pack}: no advice" in result.stdout


# --- pop packs graph ---------------------------------------------------------------------------


def graph(pop, *args: str) -> str:
    result = pop("packs", "graph", *args)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_graph_is_a_state_diagram_of_the_lifecycle_with_the_agenda(pop):
    from engine.lifecycle import state_sequence
    from engine.packs import PackLibrary

    text = graph(pop, "vdab")
    lines = [line.strip() for line in text.splitlines()]
    pack = PackLibrary().load("vdab")
    title = f'title: "VDAB Leidraad POP (maatwerkbedrijven) (vdab {pack.version})"'
    assert lines[:4] == ["---", title, "---", "stateDiagram-v2"]
    sequence = state_sequence(pack)
    # every phase a composite state holding its steps, in agenda order
    for phase in pack.phases:
        assert f'state "{pack.text(pack.phase(phase)["title"])} ({phase})" as {phase}' in lines
        block = text[text.index(f"state {phase} {{"):]
        block = block[:block.index("}")]
        steps = [s["id"] for s in pack.steps(phase)]
        assert f"[*] --> {phase}.{steps[0]}" in block
        assert re.findall(rf"as {phase}\.(\w+)", block) == steps
    assert 'state "Analyse: wie ben ik?" as conversation.wie_ben_ik' in lines
    # one arrow for each move, in order, labelled with the rules that guard it
    arrows = [re.match(r"(\S+) --> (\S+): (.*)", line) for line in lines if " --> " in line]
    moves = [(m.group(1), m.group(2)) for m in arrows if m and m.group(1) != "[*]"]
    assert moves == list(zip(sequence, sequence[1:], strict=False))
    assert ("conversation.acties --> conversation.afsluiten: next: generieke_actie, "
            "technische_actie, smart, deadline_na_gesprek, opvolging_na_gesprek, "
            "evaluatie_na_opvolging, acceptabel_realistisch, wie_helpt") in lines
    assert "closed --> [*]" in lines and "[*] --> preparation.kader" in lines
    assert "next: " not in graph(pop, "vdab", "--no-rules")


def test_graph_draws_from_its_own_machine(pop):
    """Drawing never touches the machine that runs plans."""
    from transitions.extensions.diagrams import GraphMachine

    from engine.graph import drawing_machine
    from engine.lifecycle import lifecycle_for
    from engine.packs import PackLibrary
    from engine.plugins import get_plugins

    pack = PackLibrary().load("vtoc")
    runtime = lifecycle_for(pack, get_plugins()).machine
    drawing = drawing_machine(pack)
    assert isinstance(drawing, GraphMachine) and not isinstance(runtime, GraphMachine)
    assert drawing.models == [] and graph(pop, "vtoc").startswith("---\n")


def mermaid_parser() -> list[str] | None:
    """``node tools/mermaid/parse.mjs`` when node and the npm packages are there, else None."""
    node = shutil.which("node")
    modules = Path(os.environ.get("MERMAID_NODE_MODULES") or ROOT / "tools/mermaid/node_modules")
    if not node or not (modules / "mermaid").is_dir() or not (modules / "jsdom").is_dir():
        return None
    return [node, str(ROOT / "tools" / "mermaid" / "parse.mjs")]


def test_graph_parses_with_mermaid(pop, tmp_path):
    """Every built-in pack's diagram (and one extended pack's) parses with Mermaid's parser."""
    parser = mermaid_parser()
    if parser is None:
        pytest.skip("needs node and `npm install --no-package-lock` in tools/mermaid")
    files = []
    for pack in ("vdab", "vandenberg", "vtoc", str(MINI)):
        files.append(tmp_path / f"{Path(pack).name}.mmd")
        files[-1].write_text(graph(pop, pack), encoding="utf-8")
    broken = tmp_path / "broken.mmd"  # the parser does refuse what is not Mermaid
    broken.write_text(files[0].read_text().replace(" --> ", " -> ", 1), encoding="utf-8")
    env = {**os.environ, "MERMAID_NODE_MODULES": os.environ.get(
        "MERMAID_NODE_MODULES", str(ROOT / "tools/mermaid/node_modules"))}
    result = subprocess.run([*parser, *map(str, files), str(broken)], capture_output=True,
                            text=True, timeout=120, env=env)
    reports = {Path(r["file"]).stem: r for r in map(json.loads, result.stdout.splitlines())}
    assert result.returncode == 1, result.stderr
    for name in ("vdab", "vandenberg", "vtoc", "mini"):
        assert reports[name] == {"file": str(tmp_path / f"{name}.mmd"), "ok": True,
                                 "diagramType": "stateDiagram"}, reports[name]
    assert reports["broken"]["ok"] is False and "line 12" in reports["broken"]["error"]


def test_docs_show_the_current_graph_of_vdab(pop):
    """docs/authoring.md carries the Mermaid text of vdab and its rendered picture."""
    text = AUTHORING.read_text(encoding="utf-8")
    assert graph(pop, "vdab") in text
    picture = re.search(r"!\[[^\]]*\]\((vdab-lifecycle\.(?:png|svg))\)", text)
    assert picture and (ROOT / "docs" / picture.group(1)).is_file()


def test_schema_for_editors(pop):
    result = pop("packs", "schema")
    schema = json.loads(result.stdout)
    assert schema["$id"].endswith("/schemas/pack.schema.json")
    assert "$schema" in schema["properties"]


@pytest.mark.parametrize(("code", "generic"), [
    ("{% for k, v in answers.items() %}", True), ("{% for q in answers %}", True),
    ("{{ answers | tojson }}", True), ("{{ answers.get(q.id) }}", True),
    ("{{ answers[q] }}", True), ("{% for step in agenda %}", True),
    ("{% for e in answers.evaluatie_acties %}", False), ("{{ answers['x'] }}", False),
    ("{{ answers.get('agenda') }}", False), ("{{ answers.agenda }}", False),
])
def test_lint_knows_a_template_that_shows_every_answer(code, generic):
    from engine.lint import _GENERIC

    assert bool(_GENERIC.search(code)) is generic


@pytest.mark.parametrize(("args", "language", "absent"), [
    (("--language", "en", "--name", "Growth talk: Acme"), "en",
     ("Medewerker", "Leidinggevende", "Terugblik", "Datum van het gesprek", "vraag")),
    (("--language", "nl-NL",), "nl-NL", ("vb. ", "overloopt", "Nakijken", "An Peeters")),
    (("--extends", "vdab", "--language", "en"), "en",
     ("Welke opleiding", "Het POP van", "Datum van het gesprek", "Voorbeeld voor")),
])
def test_packs_new_writes_the_language_asked_for(tmp_path, args, language, absent):
    ok("packs", "new", "taal", *args, cwd=tmp_path)
    folder = tmp_path / "taal"
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*"))
                     if p.is_file())
    for word in absent:
        assert word not in text, word
    pack = (folder / "pack.yaml").read_text(encoding="utf-8")
    assert f"language: {language}" in pack
    if "--name" in args:
        assert 'name: "Growth talk: Acme"' in pack
    ok("packs", "validate", "taal", cwd=tmp_path)
    assert "no advice" in ok("packs", "lint", "--strict", "taal", cwd=tmp_path).stdout
    shown = ok("preview", "taal", "--answers", "taal/voorbeeld-antwoorden.yaml",
               "--template", "plan", cwd=tmp_path)
    assert ("Date of the conversation" in shown.stdout) is (language == "en")


def test_packs_new_refuses_a_language_it_has_no_wording_for(tmp_path):
    result = run("packs", "new", "taal", "--language", "fr", cwd=tmp_path)
    assert result.returncode == 2 and "fr" in result.stderr
    assert not (tmp_path / "taal").exists()
