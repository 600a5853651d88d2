"""pop serve: the leader's pages and preparing on a phone, through Starlette's test client, and
one real server on loopback. Both stores (``store_url``)."""

from __future__ import annotations

import re
import socket
import subprocess
import time

import pytest
from helpers import ok, ok_json, pop_command, pop_process, stored_rows

pytest.importorskip("starlette")
from starlette.testclient import TestClient  # noqa: E402

TOKEN = "leader-token-for-tests-0123456789"
BASE = "http://127.0.0.1:8765"


def started(folder, pack: str, employee: str) -> dict:
    """A new plan of ``pack`` at its first step, led by Els Vandamme, on 20 December 2026."""
    ok("store", "init")
    start = folder / "start.yaml"
    start.write_text(f"pack: {pack}\ndate: 2026-12-20\npeople:\n  employee: {employee}\n"
                     "  manager: Els Vandamme\n", encoding="utf-8")
    return ok_json("run", "--answers", str(start), "--partial")["plan"]


@pytest.fixture
def plan(store_url, tmp_path):
    """A Van den Berg plan in its preparation: Jan Peeters (employee), Els Vandamme (leader)."""
    made = started(tmp_path, "vandenberg", "Jan Peeters")
    assert made["state"].startswith("preparation")
    return made["id"]


def client() -> TestClient:
    from engine.web.app import Web, create_app
    from engine.web.security import Guard

    return TestClient(create_app(Web(None, None, Guard(TOKEN))), base_url=BASE)


def leader() -> TestClient:
    browser = client()
    answer = browser.get(f"/?token={TOKEN}", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/"
    return browser


def employee_link(plan_id: str) -> str:
    made = ok_json("prepare", plan_id, "--role", "employee", "--link", "--base-url", BASE)
    assert made["url"].startswith(f"{BASE}/e/")
    return made["url"].removeprefix(BASE)


def phone(plan_id: str) -> TestClient:
    browser = client()
    answer = browser.get(employee_link(plan_id), follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/prepare"
    return browser


def csrf(page) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)


def answer(browser: TestClient, n: int, value: str, action: str = "next"):
    form = browser.get(f"/prepare/{n}")
    assert form.status_code == 200
    return browser.post(f"/prepare/{n}", data={"csrf": csrf(form), "value": value,
                                               "action": action}, follow_redirects=False)


# --- the leader --------------------------------------------------------------------------------
def test_leader_pages_need_the_token_and_it_leaves_the_address_bar(plan):
    stranger = client()
    for path in ("/", f"/plans/{plan}", f"/plans/{plan}/together",
                 f"/plans/{plan}/documents/plan"):
        refused = stranger.get(path)
        assert refused.status_code == 403 and "Jan Peeters" not in refused.text
    browser = client()
    entered = browser.get(f"/?token={TOKEN}", follow_redirects=False)
    cookie = entered.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    listed = browser.get("/")
    assert listed.status_code == 200 and "Jan Peeters" in listed.text
    assert TOKEN not in listed.text
    shown = browser.get(f"/plans/{plan}")
    assert shown.status_code == 200 and "Jan Peeters" in shown.text
    assert browser.get("/plans/zzzzzzzz").status_code == 404


def test_ten_wrong_tokens_from_one_address_pause_it(plan):
    browser = client()
    for _ in range(10):
        assert browser.get("/?token=guess").status_code == 403
    assert browser.get(f"/?token={TOKEN}").status_code == 429       # even the right one waits
    assert browser.get("/e/another-guess").status_code == 429


def test_every_page_has_strict_headers_and_no_script(plan):
    browser = leader()
    for path in ("/", f"/plans/{plan}", f"/plans/{plan}/together", "/nowhere"):
        page = browser.get(path)
        policy = page.headers["content-security-policy"]
        assert "script-src" not in policy and "default-src 'none'" in policy
        assert page.headers["x-content-type-options"] == "nosniff"
        assert page.headers["referrer-policy"] == "no-referrer"
        assert page.headers["cache-control"] == "no-store"
        assert "<script" not in page.text
    document = browser.get(f"/plans/{plan}/documents/plan")
    assert document.status_code == 200 and "Jan Peeters" in document.text
    assert "script" not in document.headers["content-security-policy"]


# --- the employee's link -----------------------------------------------------------------------
def test_the_link_is_stored_as_a_hash_expires_and_can_be_revoked(plan):
    path = employee_link(plan)
    token = path.removeprefix("/e/")
    assert not any(token in str(row) for rows in stored_rows().values() for row in rows)
    assert client().get(path, follow_redirects=False).status_code == 303
    assert client().get(path[:-1] + ("A" if path[-1] != "A" else "B")).status_code == 404
    ok("prepare", plan, "--role", "employee", "--revoke")
    closed = client().get(path)
    assert closed.status_code == 404 and "Jan Peeters" not in closed.text
    expired = employee_link(plan)
    from engine.store import open_store

    store = open_store()
    with store.transaction():
        store.db.execute("UPDATE links SET expires='2020-01-01T00:00:00+00:00'")
    store.close()
    assert client().get(expired).status_code == 404


def test_a_phone_that_lost_its_link_sees_nothing(plan):
    browser = phone(plan)
    ok("prepare", plan, "--role", "employee", "--revoke")
    for path in ("/prepare", "/prepare/1", "/prepare/summary"):
        page = browser.get(path)
        assert page.status_code == 403 and "Jan Peeters" not in page.text


def test_preparing_one_question_per_screen_saved_as_given_shared_on_request(plan):
    browser = phone(plan)
    start = browser.get("/prepare")
    assert "Jan Peeters" in start.text and "Els Vandamme" in start.text
    first = browser.get("/prepare/1")
    assert re.search(r"Question 1 of (\d+)", first.text)
    total = int(re.search(r"Question 1 of (\d+)", first.text).group(1))
    assert total >= 18
    assert answer(browser, 1, "Klanten rustig helpen").headers["location"] == "/prepare/2"
    assert answer(browser, 2, "", action="skip").headers["location"] == "/prepare/3"
    # "Terug" keeps what was typed, then goes back
    assert answer(browser, 3, "Nog over nadenken", action="back").headers["location"] == \
        "/prepare/2"
    # saved as given, but not the leader's to read yet
    assert "Klanten rustig helpen" not in str(ok_json("show", plan))
    leader_view = leader().get(f"/plans/{plan}")
    assert "Klanten rustig helpen" not in leader_view.text
    assert "Nog over nadenken" not in leader_view.text
    assert f"2 of {total} questions answered" in leader_view.text
    # a new visit (the phone was closed) finds the answer and goes on where it stopped
    again = phone(plan)
    assert "Klanten rustig helpen" in again.get("/prepare/1").text
    assert 'href="/prepare/2"' in again.get("/prepare").text
    summary = again.get("/prepare/summary")
    assert "Klanten rustig helpen" in summary.text and "Share with Els Vandamme" in summary.text
    shared = again.post("/prepare/share", data={"csrf": csrf(summary)}, follow_redirects=False)
    assert shared.status_code == 303
    shown = ok_json("show", plan)
    assert "Klanten rustig helpen" in str(shown["answers"])
    assert "Jan Peeters" in ok("log", plan)                     # answered by the employee
    assert "Klanten rustig helpen" in leader().get(f"/plans/{plan}").text
    # after sharing, a change is an answer at once
    assert answer(again, 1, "Collega's inwerken").status_code == 303
    assert "Collega's inwerken" in str(ok_json("show", plan)["answers"])


def test_the_employee_never_sees_the_leaders_preparation(plan, tmp_path):
    from engine.store import open_store

    store = open_store()
    plan_obj = store.load_plan(plan)
    leader_questions = [q for q, ref in plan_obj.pack.questions.items()
                        if ref.phase == "preparation" and plan_obj.pack.answered_by(q) == "manager"]
    texts = [plan_obj.pack.text(plan_obj.pack.questions[q].question["text"])
             for q in leader_questions]
    store.record_answer(plan_obj, leader_questions[0], "GEHEIM VAN DE LEIDINGGEVENDE", "Els")
    store.close()
    browser = phone(plan)
    pages = [browser.get("/prepare").text, browser.get("/prepare/summary").text]
    n = 1
    while True:
        page = browser.get(f"/prepare/{n}", follow_redirects=False)
        if page.status_code != 200:
            break
        pages.append(page.text)
        n += 1
    seen = "\n".join(pages)
    assert "GEHEIM VAN DE LEIDINGGEVENDE" not in seen
    assert not any(text in seen for text in texts)


def test_forms_need_their_csrf_token_and_bad_input_is_a_message(plan):
    browser = phone(plan)
    browser.get("/prepare/1")
    forged = browser.post("/prepare/1", data={"value": "x", "action": "next"})
    assert forged.status_code == 400
    assert browser.post("/prepare/share", data={"csrf": "forged"}).status_code == 400
    page = browser.get("/prepare/1")
    too_long = browser.post("/prepare/1", data={"csrf": csrf(page), "value": "x" * 10_001})
    assert too_long.status_code == 400 and 'role="alert"' in too_long.text
    huge = browser.post("/prepare/1", content=b"value=" + b"x" * 300_000,
                        headers={"content-type": "application/x-www-form-urlencoded"})
    assert huge.status_code == 400
    not_utf8 = browser.post("/prepare/1", content=b"csrf=" + csrf(page).encode() + b"&value=\xff",
                            headers={"content-type": "application/x-www-form-urlencoded"})
    assert not_utf8.status_code == 400
    assert "x" * 100 not in str(ok_json("show", plan))
    assert browser.get("/prepare/999", follow_redirects=False).headers["location"] == \
        "/prepare/summary"


def test_a_link_needs_a_plan_in_its_preparation_and_a_known_role(plan):
    result = pop_process("prepare", plan, "--role", "boss", "--link")
    assert result.returncode == 2 and "unknown role" in result.stderr
    assert "employee (Medewerker)" in result.stderr           # the roles, as one may name them
    by_name = ok_json("prepare", plan, "--role", "MEDEWERKER", "--link", "--base-url", BASE)
    assert by_name["role"] == "employee"
    result = pop_process("prepare", plan, "--role", "employee", "--link", "--days", "0")
    assert result.returncode == 2 and "--days" in result.stderr


def test_serve_refuses_another_host_without_allow_remote(store_url):
    result = pop_process("serve", "--host", "0.0.0.0")
    assert result.returncode == 2 and "--allow-remote" in result.stderr
    assert "Traceback" not in result.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``pop serve`` as a user starts it, on a free loopback port."""

    def __init__(self, env: dict | None = None):
        import os

        port = _free_port()
        self.base = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen([*pop_command(), "serve", "--port", str(port)],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True, env={**os.environ, **(env or {})})
        lines = self.process.stdout.readline() + self.process.stdout.readline()
        self.leader_url = re.search(r"(http://127\.0\.0\.1:\d+/\?token=\S+)", lines).group(1)
        import httpx

        for _ in range(100):
            try:
                httpx.get(self.base + "/")
                return
            except httpx.ConnectError:
                time.sleep(0.1)
        raise AssertionError("pop serve did not answer")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def test_a_real_server_on_loopback_prints_the_leaders_address(plan):
    import httpx

    server = Server()
    try:
        assert httpx.get(server.base + "/").status_code == 403
        with httpx.Client(follow_redirects=True) as browser:
            page = browser.get(server.leader_url)
            assert page.status_code == 200 and "Jan Peeters" in page.text
            assert str(page.url) == server.base + "/"
    finally:
        server.stop()


def chromium_page(playwright, width: int):
    import shutil

    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    browser = playwright.chromium.launch(executable_path=path, args=["--no-sandbox"])
    return browser, browser.new_page(viewport={"width": width, "height": 800})


def test_in_a_real_browser_the_employee_prepares_on_a_phone_and_the_leader_reads(plan, tmp_path):
    """The employee answers on a 360 px screen, in Dutch, and shares; the leader then reads
    the answers and looks at them together. Screenshots: tmp_path/*.png."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    link = ok_json("prepare", plan, "--role", "employee", "--link", "--base-url", "http://x")
    server = Server({"POP_LANG": "nl"})
    try:
        with playwright_api.sync_playwright() as playwright:
            browser, phone_page = chromium_page(playwright, 360)
            phone_page.goto(server.base + link["url"].removeprefix("http://x"))
            assert "Hallo Jan Peeters" in phone_page.inner_text("h1")
            phone_page.click("text=Beginnen")
            assert "Vraag 1 van" in phone_page.inner_text(".progress")
            phone_page.fill("#answer", "Klanten rustig helpen")
            phone_page.screenshot(path=str(tmp_path / "phone-question.png"), full_page=True)
            phone_page.click("button[value=next]")
            phone_page.wait_for_url("**/prepare/2")
            assert "Vraag 2 van" in phone_page.inner_text(".progress")
            phone_page.focus("#answer")                          # keyboard only from here
            phone_page.keyboard.type("Mijn collega's inwerken")
            phone_page.keyboard.press("Tab")
            assert phone_page.evaluate("document.activeElement.value") == "next"
            with phone_page.expect_navigation():
                phone_page.keyboard.press("Enter")               # "Bewaren en verder"
            phone_page.wait_for_url("**/prepare/3")
            assert "Vraag 3 van" in phone_page.inner_text(".progress")
            phone_page.click("text=Al mijn antwoorden bekijken")
            assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
            phone_page.click("text=Delen met Els Vandamme")
            assert "Gedeeld met Els Vandamme" in phone_page.inner_text("main")
            phone_page.screenshot(path=str(tmp_path / "phone-shared.png"), full_page=True)
            leader_page = browser.new_page(viewport={"width": 1280, "height": 900})
            leader_page.goto(server.leader_url)
            leader_page.click("text=Jan Peeters")
            assert "Klanten rustig helpen" in leader_page.inner_text("main")
            leader_page.click("text=Samen bekijken")
            assert "Mijn collega's inwerken" in leader_page.inner_text("main")
            leader_page.screenshot(path=str(tmp_path / "leader-together.png"), full_page=True)
            leader_page.click("text=Terug naar het plan")
            leader_page.click("text=Het gesprek voeren")
            assert "stap" in leader_page.inner_text(".progress")
            before = leader_page.inner_text("h1")
            leader_page.check("input[type=checkbox] >> nth=0")
            leader_page.fill("textarea >> nth=0", "Werkdruk in de namiddag")
            leader_page.screenshot(path=str(tmp_path / "leader-conversation.png"),
                                   full_page=True)
            leader_page.click("button[value=next]")
            leader_page.wait_for_load_state()
            moved_on = leader_page.inner_text("h1") != before
            assert moved_on or "Nog niet naar de volgende stap" in leader_page.inner_text("main")
            browser.close()
    finally:
        server.stop()
    answers = str(ok_json("show", plan)["answers"])
    assert "Klanten rustig helpen" in answers and "Werkdruk in de namiddag" in answers


def test_axe_finds_no_serious_accessibility_problem(plan):
    """axe-core (npm; POP_TEST_AXE names its axe.min.js, .ci/run installs it) over the phone's
    pages and the leader's, at 360 px and at 200 % zoom."""
    import os
    from pathlib import Path

    playwright_api = pytest.importorskip("playwright.sync_api")
    axe = os.environ.get("POP_TEST_AXE")
    if not axe or not Path(axe).is_file():
        pytest.skip("POP_TEST_AXE does not name axe-core's axe.min.js (.ci/run installs it)")
    source = Path(axe).read_text(encoding="utf-8")
    link = ok_json("prepare", plan, "--role", "employee", "--link", "--base-url", "http://x")
    server = Server({"POP_LANG": "nl"})
    found = {}
    try:
        with playwright_api.sync_playwright() as playwright:
            browser, page = chromium_page(playwright, 360)

            def check(name: str) -> None:
                page.evaluate(source)  # past the page's policy: the test's own script
                result = page.evaluate("axe.run().then(r => r.violations.map("
                                       "v => [v.id, v.impact, v.nodes.length]))")
                found[name] = [v for v in result if v[1] in ("serious", "critical")]

            page.goto(server.base + link["url"].removeprefix("http://x"))
            check("phone: start")
            page.goto(server.base + "/prepare/1")
            check("phone: question")
            page.click("button[value=next]")
            page.goto(server.base + "/prepare/summary")
            check("phone: summary")
            zoomed = browser.new_page(viewport={"width": 640, "height": 800},
                                      device_scale_factor=2)
            zoomed.goto(server.leader_url)
            page = zoomed
            check("leader: plans")
            zoomed.click("text=Jan Peeters")
            check("leader: plan")
            assert zoomed.evaluate("document.documentElement.scrollWidth") <= 640
            browser.close()
    finally:
        server.stop()
    assert not any(found.values()), found


def test_forgetting_a_person_erases_their_drafts_and_links_and_redacts_them_elsewhere(plan):
    from helpers import rows_mentioning

    browser = phone(plan)
    assert answer(browser, 1, "Els Vandamme helpt me goed").status_code == 303
    ok("forget", "Els Vandamme", "--yes")
    assert rows_mentioning(["Els Vandamme"]) == []
    assert "helpt me goed" in browser.get("/prepare/1").text        # the draft stays, redacted
    ok("forget", "Jan Peeters", "--yes")
    assert not any(stored_rows()[table] for table in ("links", "drafts", "shares"))
    assert browser.get("/prepare").status_code == 403


# --- the leader holds the conversation in the browser ------------------------------------------
@pytest.fixture
def vdab_plan(store_url, tmp_path):
    """A vdab plan at its first step (kader): Dries Verbeeck, led by Els Vandamme."""
    made = started(tmp_path, "vdab", "Dries Verbeeck")
    assert made["state"] == "preparation.kader"
    return made["id"]


def step_form(browser: TestClient, plan_id: str, **fields: str):
    shown = browser.get(f"/plans/{plan_id}/conversation")
    assert shown.status_code == 200
    version = re.search(r'name="version" value="([^"]+)"', shown.text).group(1)
    return browser.post(f"/plans/{plan_id}/conversation", follow_redirects=False,
                        data={"csrf": csrf(shown), "version": version, **fields})


def test_the_conversation_step_by_step_with_rules_and_an_override(vdab_plan):
    browser = leader()
    first = browser.get(f"/plans/{vdab_plan}/conversation")
    assert "step 1 of" in first.text and "Guidance" in first.text
    missing = step_form(browser, vdab_plan, **{"q-bedoeling_bekend": "nee", "action": "next"})
    assert missing.status_code == 200 and "not answered" in missing.text
    assert ok_json("show", vdab_plan)["answers"]["bedoeling_bekend"] is False   # kept
    warned = step_form(browser, vdab_plan, **{"q-gespreksvoerder": "Els Vandamme",
                                              "action": "next"})
    assert 'name="override-bedoeling_bekend"' in warned.text
    assert ok_json("show", vdab_plan)["state"] == "preparation.kader"
    moved = step_form(browser, vdab_plan, **{
        "override-bedoeling_bekend": "Uitgelegd bij het begin van het gesprek",
        "action": "next"})
    assert moved.status_code == 303
    shown = ok_json("show", vdab_plan)
    assert shown["state"] != "preparation.kader"
    assert shown["overrides"]["bedoeling_bekend"]["reason"].startswith("Uitgelegd")
    assert shown["overrides"]["bedoeling_bekend"]["actor"] == "Els Vandamme"
    # resume where it stopped: a new visit opens the step the plan stands at
    again = leader().get(f"/plans/{vdab_plan}/conversation")
    assert f'name="version" value="{shown["version"]}"' in again.text
    assert "step 1 of" not in again.text
    assert step_form(leader(), vdab_plan, action="back").status_code == 303
    assert ok_json("show", vdab_plan)["state"] == "preparation.kader"


def version(page) -> str:
    return re.search(r'name="version" value="([^"]+)"', page.text).group(1)


def test_a_bad_value_is_shown_back_and_a_stale_form_writes_nothing(vdab_plan):
    browser = leader()
    shown = browser.get(f"/plans/{vdab_plan}/conversation")
    bad = browser.post(f"/plans/{vdab_plan}/conversation", data={
        "csrf": csrf(shown), "version": version(shown),
        "q-gespreksvoerder": "x" * 10_001, "action": "next"})
    assert bad.status_code == 400 and 'aria-invalid="true"' in bad.text
    assert "gespreksvoerder" not in ok_json("show", vdab_plan)["answers"]
    stale = browser.post(f"/plans/{vdab_plan}/conversation", data={
        "csrf": csrf(shown), "version": "999",
        "q-gespreksvoerder": "Iemand", "action": "next"})
    assert stale.status_code == 200 and "changed this plan meanwhile" in stale.text
    assert "gespreksvoerder" not in ok_json("show", vdab_plan)["answers"]
    forged = browser.post(f"/plans/{vdab_plan}/conversation", data={
        "csrf": csrf(shown), "version": version(shown), "override-smart": "omdat",
        "q-gespreksvoerder": "Niet bewaard", "action": "save"})
    assert forged.status_code == 400 and "is not a warning" in forged.text
    assert "gespreksvoerder" not in ok_json("show", vdab_plan)["answers"]       # nothing
    no_token = browser.post(f"/plans/{vdab_plan}/conversation",
                            data={"version": version(shown), "action": "next"})
    assert no_token.status_code == 400
    assert client().get(f"/plans/{vdab_plan}/conversation").status_code == 403


def test_a_records_question_is_read_row_by_row():
    from engine.web.pages import raw_value

    question = {"id": "acties", "type": "records",
                "fields": [{"id": "wat"}, {"id": "wanneer"}]}
    form = {"q-acties-1-wat": ["Cursus"], "q-acties-1-wanneer": ["30-06-2026"],
            "q-acties-2-wat": [""], "q-acties-2-wanneer": [""],
            "q-acties-3-wat": ["Meelopen"], "q-acties-3-wanneer": [""]}
    assert raw_value(question, form, "q-acties") == [
        {"wat": "Cursus", "wanneer": "30-06-2026"}, {"wat": "Meelopen"}]
    assert raw_value({"type": "bool"}, {"q": ["", "nee"]}, "q") == "nee"
    assert raw_value({"type": "multichoice"}, {"q": [""]}, "q") == []
    assert raw_value({"type": "text"}, {}, "q") is None


def test_together_leaves_out_the_leaders_own_preparation(plan):
    from engine.store import open_store

    store = open_store()
    plan_obj = store.load_plan(plan)
    mine = next(q for q, ref in plan_obj.pack.questions.items()
                if ref.phase == "preparation" and plan_obj.pack.answered_by(q) == "manager")
    store.record_answer(plan_obj, mine, "NOTITIE VAN DE LEIDINGGEVENDE", "Els Vandamme")
    store.close()
    browser = leader()
    assert "NOTITIE VAN DE LEIDINGGEVENDE" in browser.get(f"/plans/{plan}").text
    assert "NOTITIE VAN DE LEIDINGGEVENDE" not in browser.get(f"/plans/{plan}/together").text


def test_a_leaders_stale_form_never_wipes_what_the_employee_shared(plan):
    browser = leader()
    shown = browser.get(f"/plans/{plan}/conversation")           # the leader's form, now
    employee = phone(plan)
    assert answer(employee, 1, "Klanten rustig helpen").status_code == 303
    summary = employee.get("/prepare/summary")
    employee.post("/prepare/share", data={"csrf": csrf(summary)})
    stale = browser.post(f"/plans/{plan}/conversation", data={
        "csrf": csrf(shown), "version": version(shown), "action": "save"})
    assert "changed this plan meanwhile" in stale.text
    assert "Klanten rustig helpen" in str(ok_json("show", plan)["answers"])


def test_once_the_conversation_started_the_link_says_so(plan):
    browser = phone(plan)
    from engine.store import open_store

    store = open_store()
    with store.transaction():
        store.db.execute("UPDATE plans SET state='conversation.opening'")
    store.close()
    over = browser.get("/prepare/1")
    assert over.status_code == 410 and "preparation is over" in over.text


def test_link_commands_check_what_they_are_given(plan):
    result = pop_process("prepare", plan, "--role", "boss", "--revoke")
    assert result.returncode == 2 and "unknown role" in result.stderr
    result = pop_process("prepare", "--pack", "vandenberg", "--role", "employee", "--link")
    assert result.returncode == 2 and "need a plan ID" in result.stderr
    made = pop_process("prepare", plan, "--role", "employee", "--link", "--json")
    assert made.returncode == 0 and "this computer only" in made.stderr
    import json

    expires = json.loads(made.stdout)["expires"]
    assert expires[:10] >= "2026-12-21"             # the conversation is on 2026-12-20
