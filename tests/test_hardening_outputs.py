"""What a hostile tester found in the documents: endless templates, unchecked syntax, files."""

from __future__ import annotations

import json
import os
import signal
import stat
import time

import pytest
from helpers import MINI, pop_process

from engine.errors import UsageError

LOOP2 = "{% for i in range(99999) %}{% for j in range(99999) %}x{% endfor %}{% endfor %}\n"
LOOP3 = ("# Gids\n{% for i in range(10000) %}{% for j in range(10000) %}"
         "{% for k in range(10000) %}{% endfor %}{% endfor %}{% endfor %}\n")


def pack_with(make_pack, templates: dict[str, str], of: str = "pack", name: str = "pack"):
    """The mini pack as ``kapot`` with one output ``doc`` (doc.md.j2) and ``templates``."""
    pack_yaml = (MINI / "pack.yaml").read_text(encoding="utf-8").replace("id: mini", "id: kapot")
    pack_yaml = pack_yaml.replace("  - {id: plan, title: Plan, template: plan.md.j2}",
                                  f"  - {{id: doc, title: Doc, template: doc.md.j2, of: {of}}}")
    return make_pack({"pack.yaml": pack_yaml,
                      **{f"templates/{n}": text for n, text in templates.items()}}, name)


def one_problem(stderr: str, folder, line: int | None = None) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    where = os.path.relpath(folder / "templates" / "doc.md.j2")
    assert lines[0].startswith(f"{where}:{line}:" if line else f"{where}:"), stderr
    assert "Traceback" not in stderr
    return lines[0]


MINI_ANSWERS = (
    "people: {employee: An Peeters, manager: Bo Claes}\ndate: 2026-03-02\nanswers:\n"
    "  wil_gesprek: true\n  wens: Heftruckattest\n  niveau: 4\n  akkoord: true\n"
    "  acties: [{soort: technisch, wat: Heftruckopleiding, meetbaar: attest, "
    "wanneer: 30-06-2026}]\n")


@pytest.fixture
def mini_plan(pop, tmp_path):
    answers = tmp_path / "mini.yaml"
    answers.write_text("pack: mini\n" + MINI_ANSWERS, encoding="utf-8")
    result = pop("run", "--answers", str(answers), "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)["plan"]["id"]


# --- 1. rendering is bounded: range, size, time -------------------------------------------------


def test_nested_loops_stop_at_the_range_limit(pop_env, make_pack):
    folder = pack_with(make_pack, {"doc.md.j2": LOOP2})
    result = pop_process("guide", str(folder), timeout=30)
    assert result.returncode == 2
    assert "range() is too long (at most 10000 numbers)" in result.stderr
    assert result.stdout == "" and "Traceback" not in result.stderr


def test_an_empty_triple_loop_stops_at_the_time_limit(pop_env, make_pack):
    folder = pack_with(make_pack, {"doc.md.j2": LOOP3})
    started = time.monotonic()
    result = pop_process("guide", str(folder), env={"POP_RENDER_SECONDS": "1"}, timeout=30)
    assert time.monotonic() - started < 20
    assert result.returncode == 2, result.stderr
    problem = result.stderr.strip()
    assert len(problem.splitlines()) == 1 and "Traceback" not in problem
    assert "templates/doc.md.j2:2:" in problem and "took too long (the limit is 1 s)" in problem
    assert "POP_RENDER_SECONDS" in problem and result.stdout == ""


def test_the_time_limit_in_process_names_the_line_and_restores_the_timer(pop, make_pack,
                                                                        monkeypatch):
    folder = pack_with(make_pack, {"doc.md.j2": LOOP3})
    monkeypatch.setenv("POP_RENDER_SECONDS", "0.3")
    def outer(signum, frame):  # noqa: ANN001, ANN202 - someone else's alarm: fails the test
        raise AssertionError("the template was not stopped")

    previous = signal.signal(signal.SIGALRM, outer)
    signal.setitimer(signal.ITIMER_REAL, 30)
    try:
        result = pop("guide", str(folder))
        assert result.exit_code == 2
        assert "took too long" in one_problem(result.stderr, folder, 2)
        assert signal.getsignal(signal.SIGALRM) is outer
        left, _interval = signal.getitimer(signal.ITIMER_REAL)
        assert 25 < left <= 30                                    # the outer timer runs on
        ok = pop("guide", "mini")
        assert ok.exit_code == 0 and signal.getsignal(signal.SIGALRM) is outer
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_a_bad_time_limit_is_a_usage_error(pop, monkeypatch):
    monkeypatch.setenv("POP_RENDER_SECONDS", "lang")
    result = pop("guide", "mini")
    assert result.exit_code == 2
    assert "POP_RENDER_SECONDS='lang' is not a number of seconds" in result.stderr


def test_a_document_stops_at_the_size_limit(pop, make_pack):
    folder = pack_with(make_pack, {"doc.md.j2":
                                   "{% for i in range(6000) %}{{ 'x' * 1000 }}{% endfor %}\n"})
    result = pop("guide", str(folder))
    assert result.exit_code == 2
    assert "the document is too long (more than 5000000 characters)" in one_problem(
        result.stderr, folder)
    assert result.stdout == ""


# --- 2. template syntax without rendering --------------------------------------------------------


def test_template_problems_finds_every_broken_template_with_file_and_line(pop_env, make_pack):
    from engine.outputs import template_problems
    from engine.pack import Pack
    from engine.packs import PackLibrary

    templates = {
        "doc.md.j2": "# Gids\n\n{% if %}\n",
        "deel/kop.html.j2": "<h1>{{ pack.name }</h1>\n",
        "goed.md.j2": "{{ nergens }} {{ pack.nope }} {% for i in range(99999) %}{% endfor %}",
        "filter.md.j2": "a\nb\n{{ pack.name | bestaat_niet }}\n",
        "zzdiep.md.j2": "{{ " + "(" * 5000 + "1" + ")" * 5000 + " }}",
    }
    folder = pack_with(make_pack, templates)
    mini = PackLibrary().load("mini")
    problems = template_problems(Pack(mini.data, templates, str(folder)))   # nothing rendered
    assert [(p.file, p.line) for p in problems] == [
        (os.path.relpath(folder / "templates" / "deel" / "kop.html.j2"), 1),
        (os.path.relpath(folder / "templates" / "doc.md.j2"), 3),
        (os.path.relpath(folder / "templates" / "filter.md.j2"), 3),
        (os.path.relpath(folder / "templates" / "zzdiep.md.j2"), None),
    ]
    assert "Expected an expression" in problems[1].message
    assert "bestaat_niet" in problems[2].message
    assert str(problems[1]).startswith(f"{problems[1].file}:3:1: ")
    assert template_problems(mini) == []
    snapshot = Pack(mini.data, templates, "snapshot")                # a plan's copy: pack id
    assert [p.file for p in template_problems(snapshot)][:1] == ["mini/templates/deel/kop.html.j2"]


# --- 3. files: owner-only, never overwritten without --force -------------------------------------


def test_write_private(tmp_path):
    from engine.files import write_private

    target = tmp_path / "uit.txt"
    write_private(target, "één", force=False)
    assert target.read_text(encoding="utf-8") == "één"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    with pytest.raises(UsageError, match="exists; use --force"):
        write_private(target, b"weg", force=False)
    assert target.read_text(encoding="utf-8") == "één"
    target.chmod(0o644)
    write_private(target, b"nieuw", force=True)
    assert target.read_bytes() == b"nieuw" and stat.S_IMODE(target.stat().st_mode) == 0o600
    with pytest.raises(UsageError, match="is a folder"):
        write_private(tmp_path, "x", force=True)
    with pytest.raises(UsageError, match="cannot write"):
        write_private(target / "onder.txt", "x", force=False)     # under a file: not a folder
    with pytest.raises(UsageError, match="cannot write"):
        write_private(tmp_path / "weg" / "uit.txt", "x", force=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["uit.txt"]   # no temporary left


def test_export_person_never_overwrites_without_force(pop, mini_plan, tmp_path):
    target = tmp_path / "an.json"
    target.write_text("eigen notities", encoding="utf-8")
    target.chmod(0o644)
    refused = pop("export-person", "An Peeters", "-o", str(target))
    assert refused.exit_code == 2
    assert "exists; use --force" in refused.stderr and "Traceback" not in refused.stderr
    assert target.read_text(encoding="utf-8") == "eigen notities"
    forced = pop("export-person", "An Peeters", "-o", str(target), "--force")
    assert forced.exit_code == 0, forced.stderr
    assert json.loads(target.read_text(encoding="utf-8"))["plans"][0]["id"] == mini_plan
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    nowhere = pop("export-person", "An Peeters", "-o", str(target / "x.json"))
    assert nowhere.exit_code == 2 and "cannot write" in nowhere.stderr


def test_export_refuses_an_unwritable_place_in_one_line(pop, mini_plan, tmp_path):
    result = pop("export", mini_plan, "-o", str(tmp_path / "weg" / "plan.md"), "--force")
    assert result.exit_code == 2
    assert result.stderr.startswith("pop: cannot write ") and "Traceback" not in result.stderr


# --- 4. the format from the file's suffix --------------------------------------------------------


@pytest.mark.parametrize(("name", "start"), [
    ("plan.html", "<!DOCTYPE html>"), ("plan.HTM", "<!DOCTYPE html>"),
    ("plan.json", "{"), ("plan.ics", "BEGIN:VCALENDAR"), ("plan.md", "# "), ("plan.txt", "# "),
])
def test_export_takes_the_format_from_the_suffix(pop, mini_plan, tmp_path, name, start):
    target = tmp_path / name
    result = pop("export", mini_plan, "-o", str(target))
    assert result.exit_code == 0, result.stderr
    assert target.read_text(encoding="utf-8").startswith(start)


def test_format_option_wins_and_guide_invite_take_html(pop, mini_plan, tmp_path):
    md = tmp_path / "plan.html"
    assert pop("export", mini_plan, "-o", str(md), "-f", "md").exit_code == 0
    assert md.read_text(encoding="utf-8").startswith("# ")
    guide = tmp_path / "gids.html"
    assert pop("guide", "mini", "-o", str(guide)).exit_code == 0
    assert guide.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    guide_json = tmp_path / "gids.json"
    assert pop("guide", "mini", "-o", str(guide_json)).exit_code == 0   # md, not an error
    assert guide_json.read_text(encoding="utf-8").startswith("# ")


# --- 5. the documents an unknown --template lists -------------------------------------------------


def test_an_unknown_template_lists_the_built_in_layouts(pop, mini_plan):
    result = pop("export", mini_plan, "--template", "nope")
    assert result.exit_code == 2
    assert ("pack mini has no template 'nope' (documents: plan, pop/plan, pop/guide, "
            "pop/invite)") in result.stderr
    guide = pop("guide", "mini", "--template", "nope")
    assert "(documents: plan, pop/guide)" in guide.stderr
    for layout in ("pop/plan", "pop/invite"):
        result = pop("guide", "mini", "--template", layout)
        assert result.exit_code == 2 and "is a document of a plan" in result.stderr
