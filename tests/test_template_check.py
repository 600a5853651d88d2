"""``pop packs validate`` renders a pack's documents: the mistakes an author makes in a template
are caught there, at their template line and column, not at the first export."""

from __future__ import annotations

import json
import shutil

import pytest
from helpers import ROOT


@pytest.fixture
def acme(pop, tmp_path, monkeypatch):
    """A pack as ``pop packs new`` makes it, and a way to add a line to its template."""
    monkeypatch.chdir(tmp_path)
    assert pop("packs", "new", "acme").exit_code == 0
    template = tmp_path / "acme" / "templates" / "plan.md.j2"
    original = template.read_text(encoding="utf-8")
    lines = original.count("\n") + 1

    def with_line(text: str) -> tuple[int, list[dict]]:
        template.write_text(original + text + "\n", encoding="utf-8")
        result = pop("packs", "validate", "acme", "--json")
        problems = json.loads(result.stdout)[0]["problems"]
        return result.exit_code, problems

    with_line.line = lines  # the line the added text stands on
    return with_line


@pytest.mark.parametrize(("text", "col", "message"), [
    ("{{ medewerker }}", 4, "unknown name 'medewerker'"),
    ("{{ plan.persoon }}", 9, "there is no 'persoon' here (did you mean 'person'"),
    ("{{ answers.get('doell') }}", 17, "'doell' is not a question of this pack (did you mean "
                                       "'doel'?)"),
    ("{{ answers['trots'] }}", 13, "'trots' is not a question of this pack"),
    ("{{ answers.trots }}", 12, "'trots' is not a question of this pack"),
    ("{% if plan.date %}{{ plan.date | datumm }}{% endif %}", 34,
     "unknown filter 'datumm' (did you mean 'datum'?)"),
    ("{% if plan is bestaand %}x{% endif %}", 15, "unknown test 'bestaand'"),
    ("{{ answers.doel }}", 12, "question 'doel' has no answer in this plan"),
    ("{{ (answers.get('acties') or []) | first }}", 36, "the list is empty"),
    ("{% set acties = answers.get('acties') or [] %}{% for a in acties %}{{ a.get('wie') }}"
     "{% endfor %}", 78, "'wie' is not a field of question 'acties' (fields: wat, meetbaar"),
    ("{% for a in answers.acties %}", 1, "ends inside a 'for' block"),
    ("{% if x %}{% endfi %}", 14, "unknown tag 'endfi'"),
])
def test_a_template_mistake_is_caught_at_validate_where_it_stands(acme, text, col, message):
    code, problems = acme(text)
    assert code == 2
    assert len(problems) == 1, problems
    problem = problems[0]
    assert problem["file"].endswith("acme/templates/plan.md.j2")
    assert (problem["line"], problem["col"] or 1) == (acme.line, col), problem
    assert message in problem["message"]


def test_the_plan_it_failed_with_is_named(acme):
    _code, problems = acme("{{ answers.doel }}")
    assert "with an empty plan in phase" in problems[0]["message"]
    _code, problems = acme("{{ medewerker }}")
    assert "with every question answered" in problems[0]["message"]


def test_the_example_answers_file_is_rendered_too(pop, acme, tmp_path):
    example = tmp_path / "acme" / "voorbeeld-antwoorden.yaml"
    text = example.read_text(encoding="utf-8")
    example.write_text(text.replace("answers:", "answers:\n  bestaat_niet: 1", 1),
                       encoding="utf-8")
    code, problems = acme("")
    assert code == 2
    assert problems[0]["file"].endswith("voorbeeld-antwoorden.yaml")
    assert "unknown question 'bestaat_niet'" in problems[0]["message"]


def test_a_fixed_template_validates(acme):
    assert acme("{{ answers.get('doel') or '—' }}") == (0, [])


@pytest.mark.parametrize("pack", ["vdab", "vandenberg", "vtoc"])
def test_the_builtin_packs_render_against_every_sample_plan(pop, pack, tmp_path):
    folder = tmp_path / pack
    shutil.copytree(ROOT / "packs" / pack, folder)
    result = pop("packs", "validate", str(folder))
    assert result.exit_code == 0, result.stderr


# --- pop preview ------------------------------------------------------------------------------


def test_preview_renders_the_answers_and_stores_nothing(pop, acme, tmp_path, pop_env):
    result = pop("preview", "acme", "--answers", "acme/voorbeeld-antwoorden.yaml")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("# Persoonlijk ontwikkelingsplan — An Peeters")
    assert "nothing was stored" in result.stderr
    assert json.loads(pop("list", "--all", "--json").stdout) == []

    html = pop("preview", "acme", "--answers", "acme/voorbeeld-antwoorden.yaml",
               "-o", "plan.html")
    assert html.exit_code == 0, html.stderr
    assert (tmp_path / "plan.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_preview_keeps_an_existing_file_and_says_what_the_rules_would_stop(pop, acme,
                                                                           tmp_path):
    (tmp_path / "plan.md").write_text("mine\n", encoding="utf-8")
    kept = pop("preview", "acme", "--answers", "acme/voorbeeld-antwoorden.yaml", "-o",
               "plan.md")
    assert kept.exit_code == 2 and (tmp_path / "plan.md").read_text() == "mine\n"
    assert pop("preview", "acme", "--answers", "acme/voorbeeld-antwoorden.yaml", "-o",
               "plan.md", "--force").exit_code == 0
    partial = tmp_path / "partial.yaml"
    partial.write_text("people: {employee: An}\nanswers:\n  trots_op: De planning.\n",
                       encoding="utf-8")
    result = pop("preview", "acme", "--answers", str(partial))
    assert result.exit_code == 0, result.stderr
    assert "pop run would not accept these answers yet:" in result.stderr
    assert "required question not answered: Wat wil je het komende jaar bereiken" in \
        result.stderr


def test_preview_reports_the_answers_files_problems(pop, acme, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("answers:\n  doell: x\n", encoding="utf-8")
    result = pop("preview", "acme", "--answers", str(bad))
    assert result.exit_code == 2
    assert "bad.yaml:2:3: answers.doell: unknown question 'doell' (did you mean 'doel'?)" \
        in result.stderr


def test_preview_watch_renders_again_when_a_template_changes(acme, tmp_path):
    import os
    import signal
    import subprocess
    import time

    from helpers import pop_command

    out = tmp_path / "preview.md"
    template = tmp_path / "acme" / "templates" / "plan.md.j2"
    process = subprocess.Popen(
        [*pop_command(), "preview", "acme", "--answers", "acme/voorbeeld-antwoorden.yaml",
         "-o", str(out), "--watch"], cwd=tmp_path, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "POP_PACKS_PATH": ""})

    def wait_for(condition) -> None:
        deadline = time.monotonic() + 30
        while not condition():
            assert process.poll() is None, process.stderr.read()
            assert time.monotonic() < deadline, "the preview did not change"
            time.sleep(0.1)

    try:
        wait_for(lambda: out.exists() and "Persoonlijk" in out.read_text(encoding="utf-8"))
        template.write_text("Herschreven {{ plan.person }}\n", encoding="utf-8")
        wait_for(lambda: out.read_text(encoding="utf-8") == "Herschreven An Peeters\n")
        template.write_text("{{ medewerker }}\n", encoding="utf-8")  # a mistake: shown, no stop
        time.sleep(1.5)
        assert process.poll() is None
        template.write_text("Weer goed\n", encoding="utf-8")
        wait_for(lambda: out.read_text(encoding="utf-8") == "Weer goed\n")
    finally:
        process.send_signal(signal.SIGINT)
        _out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "unknown name 'medewerker'" in err and "Traceback" not in err


# --- pop upgrade ------------------------------------------------------------------------------


def plan_of(pop, tmp_path) -> str:
    result = pop("run", "--pack", str(tmp_path / "acme"), "--answers",
                 "acme/voorbeeld-antwoorden.yaml", "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)["plan"]["id"]


def test_upgrade_moves_an_unsigned_plan_onto_the_fixed_pack(pop, acme, tmp_path):
    plan_id = plan_of(pop, tmp_path)
    pack = tmp_path / "acme" / "pack.yaml"
    pack.write_text(pack.read_text(encoding="utf-8").replace("version: 0.1.0", "version: 0.2.0")
                    .replace("text: Wat liep minder goed?", "text: Wat liep er minder goed?"),
                    encoding="utf-8")
    template = tmp_path / "acme" / "templates" / "plan.md.j2"
    template.write_text("Nieuw: {{ plan.person }}\n", encoding="utf-8")

    dry = pop("upgrade", plan_id, "--pack", "acme", "--json")
    assert dry.exit_code == 0, dry.stderr
    report = json.loads(dry.stdout)
    assert report["upgraded"] is False and report["problems"] == []
    assert "question 'minder_goed' changed" in report["changes"]
    assert "template plan.md.j2 changed" in report["changes"]
    assert pop("export", plan_id).stdout != "Nieuw: An Peeters\n"  # nothing moved yet

    refused = pop("upgrade", plan_id, "--pack", "acme", input="n\n")
    assert refused.exit_code == 1
    moved = pop("upgrade", plan_id, "--pack", "acme", input="y\n")
    assert moved.exit_code == 0, moved.stderr
    assert "now uses pack acme 0.2.0" in moved.stdout
    assert pop("export", plan_id).stdout == "Nieuw: An Peeters\n"
    assert json.loads(pop("show", plan_id, "--json").stdout)["pack_version"] == "0.2.0"
    again = pop("upgrade", plan_id, "--pack", "acme")
    assert again.exit_code == 0 and "already uses" in again.stdout


def test_upgrade_refuses_what_would_not_fit(pop, acme, tmp_path):
    plan_id = plan_of(pop, tmp_path)
    pack = tmp_path / "acme" / "pack.yaml"
    text = pack.read_text(encoding="utf-8")
    pack.write_text(text.replace("version: 0.1.0", "version: 0.2.0").replace(
        "          - id: minder_goed\n            text: Wat liep minder goed?\n"
        "            type: longtext\n", ""), encoding="utf-8")
    (tmp_path / "acme" / "templates" / "plan.md.j2").write_text("{{ plan.person }}\n",
                                                              encoding="utf-8")
    result = pop("upgrade", plan_id, "--pack", "acme", "--yes")
    assert result.exit_code == 2
    assert "the answer to 'minder_goed' has no question in the new version" in result.stderr
    assert json.loads(pop("show", plan_id, "--json").stdout)["pack_version"] == "0.1.0"


def test_an_agreed_plan_keeps_its_pack(pop, acme, tmp_path):
    plan_id = plan_of(pop, tmp_path)
    for role in ("employee", "manager"):
        assert pop("sign", plan_id, "--role", role).exit_code == 0
    pack = tmp_path / "acme" / "pack.yaml"
    pack.write_text(pack.read_text(encoding="utf-8").replace("version: 0.1.0", "version: 0.2.0"),
                    encoding="utf-8")
    result = pop("upgrade", plan_id, "--pack", "acme", "--yes")
    assert result.exit_code == 2 and "the plan is agreed" in result.stderr


def test_the_base_layout_example_of_the_docs_renders(pop, acme, tmp_path):
    import re

    from helpers import ROOT

    text = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- edit: base-layout -->\s*```jinja\n(.*?)```", text, re.S).group(1)
    (tmp_path / "acme" / "templates" / "plan.html.j2").write_text(block, encoding="utf-8")
    assert acme("") == (0, [])  # validate renders it against every sample plan
    result = pop("preview", "acme", "--answers", "acme/voorbeeld-antwoorden.yaml",
                 "--format", "html")
    assert result.exit_code == 0, result.stderr
    page = result.stdout
    assert "<h1>POP van An Peeters</h1>" in page and 'class="signatures"' in page
    assert "Ik wil zelfstandig de weekplanning" in page and ".kader" in page


def test_an_import_without_context_says_so(acme):
    code, problems = acme('{% import "pop/_macros.html.j2" as pop %}'
                          "{{ pop.signatures(plan.people, plan.signatures) }}")
    assert code == 2
    assert "'signers' is not known in an imported template: import it with context" in \
        problems[0]["message"]
