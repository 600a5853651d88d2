"""Documents people hand over: pop export (md, html, json, ics), pop guide, pop invite."""

from __future__ import annotations

import json
import os
import stat
from datetime import date

import pytest
from helpers import EXAMPLES, MINI, ROOT, python_process

from engine.yamlfile import load_file

PACKS = ("vdab", "vandenberg", "vtoc")
HOSTILE = "{{ 7*7 }} <script>alert('x')</script> {% if true %}ja{% endif %} {# weg #}"


def start_plan(pop, answers_file, *extra: str) -> str:
    result = pop("run", "--answers", str(answers_file), "--json", *extra)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)["plan"]["id"]


@pytest.fixture
def plans(pop):
    """One plan per example answers file, by pack id."""
    return {name: start_plan(pop, EXAMPLES / f"{name}-answers.yaml") for name in PACKS}


def export(pop, plan_id: str, *args: str) -> str:
    result = pop("export", plan_id, *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def write_answers(tmp_path, name: str, change) -> os.PathLike:  # noqa: ANN001
    data, _positions = load_file(EXAMPLES / f"{name}-answers.yaml")
    data = json.loads(json.dumps(data))
    change(data)
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


# --- every format renders the vdab example -----------------------------------------------------


def test_markdown_is_the_pop_sjabloon(pop, plans):
    text = export(pop, plans["vdab"])
    assert text.startswith("# POP-sjabloon")
    assert "| **Medewerker** | Dries Verbeeck |" in text
    assert "| **Datum van het POP-gesprek** | 9 maart 2026 |" in text
    assert "**Competenties waaraan ik nog graag wil werken:** stiptheid en stapelen" in text
    assert "| 2 | Technisch | stapelen |" in text and "| 31 mei 2026 |" in text
    assert "Handtekening: ___" in text


def test_html_is_one_printable_page_without_external_resources(pop, plans):
    html = export(pop, plans["vdab"], "--format", "html")
    assert html.startswith("<!DOCTYPE html>")
    assert "@page" in html and "size: A4" in html
    assert "Persoonlijk ontwikkelingsplan" in html
    assert "Dries Verbeeck" in html and "Els Vandamme" in html
    assert html.count('class="hand"') == 2                       # a signature box per role
    assert "Karim Bouzid, monitor magazijn" in html              # the action table
    for external in ("src=", "http://", "https://", "@import", "url("):
        assert external not in html


def test_json_is_the_whole_plan_and_valid(pop, plans):
    from jsonschema import Draft202012Validator

    schema = json.loads((ROOT / "schemas" / "plan.schema.json").read_text())
    Draft202012Validator.check_schema(schema)
    for name, plan_id in plans.items():
        doc = json.loads(export(pop, plan_id, "--format", "json"))
        errors = [e.message for e in Draft202012Validator(schema).iter_errors(doc)]
        assert errors == [], (name, errors)
    doc = json.loads(export(pop, plans["vdab"], "--format", "json"))
    shown = json.loads(pop("show", plans["vdab"], "--json").stdout)
    assert doc["answers"] == shown["answers"]
    assert doc["people"] == {"employee": "Dries Verbeeck", "manager": "Els Vandamme"}
    assert doc["questions"]["acties"]["fields"]["wanneer"]["type"] == "text"
    assert {s["id"]: s["date"] for s in doc["schedule"]} == {
        "opvolgingsgesprek": "2026-04-20", "evaluatiegesprek": "2026-07-02"}


def test_ics_parses_back_with_the_dates(pop, plans):
    from icalendar import Calendar

    raw = pop("export", plans["vdab"], "--format", "ics").stdout_bytes
    cal = Calendar.from_ical(raw)
    events = {str(e["uid"]).split("-", 1)[1]: e for e in cal.walk("VEVENT")}
    starts = {uid: e.decoded("dtstart") for uid, e in events.items()}
    assert starts == {
        "opvolgingsgesprek@pop": date(2026, 4, 20),
        "evaluatiegesprek@pop": date(2026, 7, 2),
        "acties-1@pop": date(2026, 6, 30),
        "acties-2@pop": date(2026, 5, 31),
        "acties-3@pop": date(2026, 6, 30),
    }
    assert "Dries Verbeeck" in str(events["opvolgingsgesprek@pop"]["summary"])
    assert "stapelt zelfstandig een europallet" in str(events["acties-2@pop"]["description"])
    assert events["acties-1@pop"].decoded("dtend") == date(2026, 7, 1)   # all-day


def test_ics_of_vandenberg_announces_two_weeks_ahead(pop, plans):
    from icalendar import Calendar

    cal = Calendar.from_ical(pop("export", plans["vandenberg"], "-f", "ics").stdout_bytes)
    starts = {str(e["uid"]).split("-", 1)[1]: e.decoded("dtstart") for e in cal.walk("VEVENT")}
    assert starts["aankondiging@pop"] == date(2026, 3, 2)       # conversation on 16 March
    assert starts["afstemming@pop"] == date(2026, 3, 9)
    assert starts["volgend_gesprek@pop"] == date(2026, 9, 14)


def test_every_template_of_every_pack_renders_its_example(pop, plans):
    from engine.packs import PackLibrary
    from engine.plugins import get_plugins

    library = PackLibrary(get_plugins())
    for name, plan_id in plans.items():
        pack = library.load(name)
        for output in pack.outputs:
            for fmt in ("md", "html"):
                result = pop("export", plan_id, "--template", output["id"], "--format", fmt)
                assert result.exit_code == 0, (name, output["id"], fmt, result.stderr)
                assert result.stdout.strip()
        for fmt in ("md", "html"):
            assert pop("guide", name, "--format", fmt).exit_code == 0
            for layout in ("pop/plan", "pop/guide"):
                result = pop("export", plan_id, "--template", layout, "--format", fmt)
                assert result.exit_code == 0, (name, layout, fmt, result.stderr)


def test_every_document_renders_a_plan_without_answers(pop_env):
    from engine.outputs import render
    from engine.packs import PackLibrary
    from engine.plan import Plan
    from engine.plugins import get_plugins

    library = PackLibrary(get_plugins())
    for name in PACKS:
        pack = library.load(name)
        plan = Plan("leeg2345", pack, "preparation", {})
        invites = ["pop/invite"] if name != "vdab" else []   # vdab does not invite
        for template in [o["id"] for o in pack.outputs] + ["pop/plan", *invites]:
            for fmt in ("md", "html"):
                document, _format = render(pack, fmt, plan, template)
                assert document.strip(), (name, template, fmt)
        for fmt in ("json", "ics"):
            assert render(pack, fmt, plan)[0]


# --- what people typed stays what they typed ---------------------------------------------------


def test_answers_that_look_like_templates_are_printed_as_typed(pop, tmp_path):
    def hostile(data):
        data["answers"]["achtergrond"] = HOSTILE
        data["answers"]["acties"][0]["wie_helpt"] = HOSTILE
        data["people"]["employee"] = "Dries <b>Verbeeck</b>"

    plan_id = start_plan(pop, write_answers(tmp_path, "vdab", hostile))
    for template in ("pop-sjabloon", "pop/plan"):
        md = export(pop, plan_id, "--template", template)
        # as typed: the Markdown reads as the answer (\* \< are Markdown's escapes)
        assert ("{{ 7\\*7 }} \\<script\\>alert('x')\\</script\\> {% if true %}ja{% endif %} "
                "{# weg #}") in md and "49" not in md
        html = export(pop, plan_id, "--template", template, "--format", "html")
        assert "{{ 7*7 }}" in html and "{% if true %}ja{% endif %}" in html
        assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
        assert "<script>" not in html and "<b>Verbeeck" not in html
        assert "Dries &lt;b&gt;Verbeeck&lt;/b&gt;" in html
    doc = json.loads(export(pop, plan_id, "--format", "json"))
    assert doc["answers"]["achtergrond"] == HOSTILE


def test_documents_show_the_signatures_of_the_current_content(pop, plans):
    from engine.outputs import render
    from engine.store import open_store

    signed = pop("sign", plans["vdab"], "--role", "employee")
    assert signed.exit_code == 0, signed.stderr
    md = export(pop, plans["vdab"])
    assert "**Medewerker:** Dries Verbeeck\n\nDigitaal ondertekend op" in md
    assert "**Begeleider:** Els Vandamme\n\nHandtekening: ___" in md
    assert export(pop, plans["vdab"], "-f", "html").count("Digitaal ondertekend op") == 1
    store = open_store()
    try:
        plan = store.load_plan(plans["vdab"])
        plan.signatures[0]["digest"] = "0" * 64          # signed other content than this
        text, _format = render(plan.pack, "md", plan)
        assert "**Medewerker:** Dries Verbeeck\n\nHandtekening: ___" in text
        assert "_Eerder digitaal ondertekend op " in text
        html, _format = render(plan.pack, "html", plan)
        assert "Digitaal ondertekend op" not in html and "Eerder digitaal ondertekend" in html
        doc = json.loads(render(plan.pack, "json", plan)[0])
        assert doc["signatures"][0]["stale"] is True       # the export keeps every signature
    finally:
        store.close()


# --- broken templates, sandbox -------------------------------------------------------------------


def broken_pack(make_pack, template: str, of: str = "pack"):
    pack_yaml = (MINI / "pack.yaml").read_text(encoding="utf-8").replace("id: mini", "id: kapot")
    pack_yaml = pack_yaml.replace("  - {id: plan, title: Plan, template: plan.md.j2}",
                                  f"  - {{id: doc, title: Doc, template: doc.md.j2, of: {of}}}")
    return make_pack({"pack.yaml": pack_yaml, "templates/doc.md.j2": template})


@pytest.mark.parametrize(("template", "line", "message"), [
    ("# Gids\n\n{% if %}\n", 3, "Expected an expression"),
    ("# Gids\n{{ pack.name }}\n\n{{ pack.bestaat_niet }}\n", 4, "there is no 'bestaat_niet' here"),
    ("# Gids\n{% macro m() %}\n{{ nergens }}\n{% endmacro %}\n{{ m() }}\n", 3,
     "unknown name 'nergens'"),
    ("# Gids\n{{ ''.__class__.__mro__ }}\n", 2, "__class__"),
    ("# Gids\n\n{{ 'x' * 10000000 }}\n", 3, "too long"),
    ("# Gids\n{% include 'weg.md.j2' %}\n", 2, "'weg.md.j2' not found"),
])
def test_a_broken_template_is_one_line_with_file_and_line(pop, make_pack, template, line,
                                                          message):
    folder = broken_pack(make_pack, template)
    result = pop("guide", str(folder))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"{os.path.relpath(folder / 'templates' / 'doc.md.j2')}:{line}:")
    assert message in lines[0]
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_a_plan_renders_with_the_templates_it_was_started_with(pop, make_pack, tmp_path):
    folder = broken_pack(make_pack, "# {{ plan.person }}: {{ answers.wens }}\n", of="plan")
    answers = tmp_path / "mini.yaml"
    answers.write_text(
        "people: {employee: An Peeters}\ndate: 2026-03-02\nanswers:\n  wil_gesprek: true\n"
        "  wens: Heftruckattest\n  niveau: 4\n  akkoord: true\n"
        "  acties: [{soort: technisch, wat: Heftruckopleiding, meetbaar: attest, "
        "wanneer: 30-06-2026}]\n", encoding="utf-8")
    plan_id = start_plan(pop, answers, "--pack", str(folder))
    (folder / "templates" / "doc.md.j2").write_text("{{ plan.nope }}\n", encoding="utf-8")
    assert export(pop, plan_id) == "# An Peeters: Heftruckattest\n"
    # a template error in a stored plan names the pack id, since the folder may be gone
    result = pop("export", plan_id, "--template", "pop/plan")
    assert result.exit_code == 0, result.stderr


# --- formats from plugins, files ------------------------------------------------------------------


class CsvFormat:
    """A third party's format, registered through the same hook as the built-ins."""

    from engine import hookimpl

    @staticmethod
    def render(context):  # noqa: ANN001, ANN205
        plan = context.needs_plan()
        rows = ["vraag;antwoord"] + [f"{q};{v}" for q, v in plan.answers.items()
                                     if isinstance(v, str)]
        return "\n".join(rows) + "\n"

    @hookimpl
    def pop_register_formats(self, register):  # noqa: ANN001, ANN201
        register("csv", self.render, media_type="text/csv", suffix=".csv")


def test_a_plugin_adds_a_format_that_export_accepts(pop, plans):
    from engine.plugins import build_plugins, reset_plugins

    before = pop("export", plans["vdab"], "--format", "csv")
    assert before.exit_code == 2
    assert "unknown format 'csv' (formats: html, ics, json, md)" in before.stderr
    plugins = build_plugins()
    plugins.manager.register(CsvFormat(), name="csvplugin")
    reset_plugins(plugins)
    text = export(pop, plans["vdab"], "--format", "csv")
    assert text.startswith("vraag;antwoord\n")
    assert "gespreksvoerder;Els Vandamme, monitor atelier verpakking" in text
    assert plugins.formats["csv"].plugin == "csvplugin"


def test_output_file_is_private_and_never_overwritten_without_force(pop, plans, tmp_path):
    target = tmp_path / "pop.html"
    first = pop("export", plans["vdab"], "-f", "html", "-o", str(target))
    assert first.exit_code == 0, first.stderr
    assert first.stdout == ""
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    target.write_text("eigen notities", encoding="utf-8")
    again = pop("export", plans["vdab"], "-f", "html", "-o", str(target))
    assert again.exit_code == 2
    assert "exists; use --force" in again.stderr
    assert target.read_text(encoding="utf-8") == "eigen notities"
    target.chmod(0o644)
    forced = pop("export", plans["vdab"], "-f", "md", "-o", str(target), "--force")
    assert forced.exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("# POP-sjabloon")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    ics = tmp_path / "pop.ics"
    assert pop("export", plans["vdab"], "-f", "ics", "-o", str(ics)).exit_code == 0
    assert ics.read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")


def test_unknown_template_and_formats_that_need_a_plan(pop, plans):
    result = pop("export", plans["vdab"], "--template", "uitnodiging")
    assert result.exit_code == 2
    assert ("pack vdab has no template 'uitnodiging' (documents: pop-sjabloon, pop/plan, "
            "pop/guide, pop/invite)") in result.stderr
    assert pop("guide", "vdab", "--format", "json").exit_code == 2
    result = pop("guide", "vandenberg", "--template", "pop")
    assert result.exit_code == 2 and "document of a plan" in result.stderr


# --- guide and invitation ---------------------------------------------------------------------


def test_guide_holds_the_agenda_guidance_dos_and_donts(pop, monkeypatch):
    english = pop("guide", "vdab").stdout              # pop's own words follow pop's language
    assert english.startswith("# Conversation guide: VDAB Leidraad POP")
    assert "**Pitfalls (DON'Ts):**" in english and "Valkuilen" not in english
    assert "### 2. Analyse: wie ben ik? (Medewerker)" in english   # the pack's words stay
    monkeypatch.setenv("POP_LANG", "nl")
    text = pop("guide", "vdab").stdout
    assert text.startswith("# Gespreksleidraad: VDAB Leidraad POP")
    assert "### 2. Analyse: wie ben ik? (Medewerker)" in text
    assert "**Open vragen die je kunt stellen (DO's):**\n\n- Wat doe je graag op het werk?" in text
    assert "**Valkuilen (DON'Ts):**" in text
    assert "- Het gesprek te veel sturen door suggestieve of gesloten vragen te stellen." in text
    assert "> Wat als de medewerker geen realistisch doel voor ogen heeft?" in text
    assert "- [ ] Welke acties spreken jullie af? _(samen, verplicht)_" in text
    html = pop("guide", "vdab", "--format", "html").stdout
    assert "Valkuilen (DON&#39;Ts)" in html and "<h3>2. Analyse: wie ben ik?" in html
    own = pop("guide", "vandenberg").stdout                       # the pack's own guide
    assert own.startswith("# POP-gesprek volgens stappenplan")


def test_invite_has_the_date_and_the_employees_preparation_questions(pop, plans):
    text = pop("invite", plans["vandenberg"]).stdout
    assert "| **Datum POP-gesprek** | 16 maart 2026 |" in text
    assert "| 2 maart 2026 | Stap 1, aankondiging" in text
    assert "| 9 maart 2026 | Stap 2, afstemming" in text
    assert "## Vragen om over na te denken\n\n1. Waar ben ik goed in?" in text
    assert "leidinggevende" not in text.split("## Vragen om over na te denken", 1)[1]
    assert text == pop("export", plans["vandenberg"], "--template", "uitnodiging").stdout
    html = pop("invite", plans["vandenberg"], "--format", "html").stdout
    assert "<h2>Vragen om over na te denken</h2>" in html
    assert "2 maart 2026" in html
    for asked in (("invite", plans["vdab"]), ("export", plans["vdab"], "-t", "pop/invite")):
        refused = pop(*asked)                   # vdab's employee has nothing to prepare
        assert refused.exit_code == 2 and refused.stdout == ""
        assert "no preparation questions for the medewerker" in refused.stderr
    vtoc = pop("invite", plans["vtoc"])          # vtoc's werknemer prepares: pop's invitation
    assert vtoc.exit_code == 0 and vtoc.stdout.startswith("# Invitation to the POP conversation")
    assert vtoc.stdout == pop("export", plans["vtoc"], "-t", "pop/invite").stdout
    assert "## Preparation questions for the werknemer" in vtoc.stdout


# --- the pieces ----------------------------------------------------------------------------------


def test_filters():
    from engine.default_plugins.filters import datum, lijst

    assert datum("2026-03-31") == "31 maart 2026"
    assert datum("31-03-2026") == "31 maart 2026"
    assert datum("2026-03-31T10:00:00+00:00") == "31 maart 2026"
    assert datum("Q2 2026") == "" and datum(None) == ""
    assert lijst(["a", "b", "c"]) == "a, b en c"
    assert lijst(["a", "b"]) == "a en b"
    assert lijst(["a"]) == "a" and lijst([]) == "" and lijst("tekst") == "tekst"


def test_deadlines_of_periods():
    from engine.dates import deadline

    assert deadline("30-06-2026") == date(2026, 6, 30)
    assert deadline("Q2 2026") == date(2026, 6, 30)
    assert deadline("september 2026 – februari 2027") == date(2027, 2, 28)
    assert deadline("doorlopend") is None


def test_due_dates_from_offsets_and_answers(pop, plans):
    from engine.schedule import due_dates
    from engine.store import open_store

    store = open_store()
    try:
        plan = store.load_plan(plans["vandenberg"])
        assert [(d["id"], d["kind"], d["date"]) for d in due_dates(plan)] == [
            ("aankondiging", "announcement", "2026-03-02"),
            ("afstemming", "preparation", "2026-03-09"),
            ("volgend_gesprek", "meeting", "2026-09-14"),
        ]
        plan.answers.pop("volgend_gesprek_datum")
        assert due_dates(plan)[-1]["date"] is None
    finally:
        store.close()


def test_help_does_not_import_the_renderers():
    code = ("import sys; from engine.cli import build_cli; build_cli(); "
            "bad = [m for m in ('jinja2', 'icalendar') if m in sys.modules]; print(bad)")
    result = python_process(code, env={"POP_DISABLE_PLUGINS": "1"})
    assert result.stdout.strip() == "[]", result.stderr


def test_private_answers_stay_in_the_plan_but_in_no_document(pop_env):
    """vdab's persoonlijkheid and thuissituatie are private: not in the sjabloon for VDAB."""
    from helpers import VDAB, ok, ok_json

    plan_id = ok_json("run", "--answers", str(VDAB))["plan"]["id"]
    private = {q: ok_json("show", plan_id)["answers"][q]
               for q in ("persoonlijkheid", "thuissituatie")}
    assert all(private.values())
    for view in (["export", plan_id], ["export", plan_id, "--format", "html"],
                 ["export", plan_id, "-t", "pop-sjabloon"]):
        document = ok(*view)
        assert "Achtergrond" in document or "achtergrond" in document.lower(), view
        for text in private.values():
            assert text[:40] not in document, view
    guide = ok("guide", "vdab")
    assert "Hoe ziet je thuissituatie eruit?" in guide      # the leader still asks it


def test_the_vdab_sjabloon_shows_the_registers_persoonsgegevens(pop_env):
    from helpers import VDAB, ok, ok_json

    plan_id = ok_json("run", "--answers", str(VDAB))["plan"]["id"]
    ok("people", "edit", "Dries Verbeeck", "--number", "1042", "--hired", "2021-09-01",
       "--team", "Atelier verpakking")
    sjabloon = ok("export", plan_id, "-t", "pop-sjabloon")
    for line in ("| **Personeelsnummer** | 1042 |", "| **Team** | Atelier verpakking |",
                 "| **In dienst sinds** | ",
                 "| **Toekomstig** | stiptheid | stapelen; orderpicken |"):
        assert line in sjabloon, line            # VDAB's minimum: current and future competences


def test_compiled_templates_are_kept_owner_only_and_never_taken_from_a_shared_folder(tmp_path):
    from helpers import pop_process

    cache = tmp_path / "cache"
    env = {"POP_HOME": str(tmp_path / "home"), "POP_CACHE_DIR": str(cache)}
    first = pop_process("guide", "vdab", "--format", "html", env=env)
    assert first.returncode == 0, first.stderr
    (folder,) = cache.glob("templates-*")
    kept = list(folder.iterdir())
    assert kept and all(stat.S_IMODE(p.stat().st_mode) & 0o077 == 0 for p in kept)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert pop_process("guide", "vdab", "--format", "html", env=env).stdout == first.stdout

    for path in kept:  # bytecode someone else could have written: must not be run
        path.write_bytes(b"not bytecode")
    folder.chmod(0o777)
    shared = pop_process("guide", "vdab", "--format", "html", env=env)
    assert shared.returncode == 0 and shared.stdout == first.stdout
    assert all(p.read_bytes() == b"not bytecode" for p in kept)  # neither read nor replaced
