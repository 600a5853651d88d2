"""Reminders by mail: ``pop due --mail`` through a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import email
import json
import socket
from email import policy

import pytest
from helpers import VDAB, VTOC, ok, pop_process


@pytest.fixture
def leaders(pop_env):
    """Els leads Dries (vdab); Sofie (vtoc) has no leader in the register."""
    ok("run", "--answers", str(VDAB))
    ok("run", "--answers", str(VTOC))
    ok("people", "edit", "Els Vandamme", "--email", "els@atelier.example")
    ok("people", "edit", "Dries Verbeeck", "--leader", "Els Vandamme")


@pytest.fixture
def smtp_server():
    aiosmtpd = pytest.importorskip("aiosmtpd.controller")

    class Keep:
        def __init__(self):
            self.mails = []

        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
            self.mails.append((envelope.rcpt_tos, envelope.content))
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = Keep()
    controller = aiosmtpd.Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, handler.mails
    finally:
        controller.stop()


def test_dry_run_prints_one_mail_per_leader_in_the_packs_language(leaders):
    result = pop_process("due", "--mail", "--dry-run", "--today", "2026-05-01", "--within", "60d",
                         env={"POP_MAIL_FROM": "pop@atelier.example"})
    assert result.returncode == 0, result.stderr
    mail = email.message_from_string(result.stdout, policy=policy.default)
    assert mail["To"] == "Els Vandamme <els@atelier.example>"
    assert mail["From"] == "pop@atelier.example" and mail["Subject"].startswith("POP: ")
    assert "leidt" in mail["Subject"]                      # the vdab pack is Dutch
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert "Dries Verbeeck" in text and "dagen te laat" in text and "Sofie" not in text
    assert "<table" in html and "Dries Verbeeck" in html
    assert "No mail about Sofie Claes" in result.stderr


def test_mails_arrive_at_the_smtp_server(leaders, smtp_server):
    port, arrived = smtp_server
    env = {"POP_SMTP_URL": f"smtp://127.0.0.1:{port}", "POP_MAIL_FROM": "pop@atelier.example"}
    result = pop_process("due", "--mail", "--today", "2026-05-01", "--within", "60d", "--json",
                         env=env)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["sent"] is True and [m["to"] for m in report["mails"]] == [
        "Els Vandamme <els@atelier.example>"]
    assert [item["person"] for item in report["unsent"]] == ["Sofie Claes"] * len(
        report["unsent"])
    assert len(arrived) == 1 and arrived[0][0] == ["els@atelier.example"]
    mail = email.message_from_bytes(arrived[0][1], policy=policy.default)
    assert "Dries Verbeeck" in mail.get_body(("plain",)).get_content()


def test_a_missing_or_unreachable_mail_server_is_one_line(leaders, smtp_server):
    port, arrived = smtp_server
    no_url = pop_process("due", "--mail", env={"POP_MAIL_FROM": "pop@atelier.example",
                                               "POP_SMTP_URL": ""})
    assert no_url.returncode == 2 and "POP_SMTP_URL is not set" in no_url.stderr
    no_from = pop_process("due", "--mail", "--dry-run", env={"POP_MAIL_FROM": ""})
    assert no_from.returncode == 2 and "POP_MAIL_FROM" in no_from.stderr
    down = pop_process("due", "--mail", "--today", "2026-05-01", "--within", "60d",
                       env={"POP_SMTP_URL": "smtp://127.0.0.1:1",
                            "POP_MAIL_FROM": "pop@atelier.example"})
    assert down.returncode == 1 and "the mail server 127.0.0.1:1" in down.stderr
    assert "Traceback" not in down.stderr + no_url.stderr + no_from.stderr
    assert arrived == []


def test_one_calendar_per_leader(leaders, tmp_path):
    from icalendar import Calendar

    stream = pop_process("due", "--format", "ics", "--today", "2026-05-01", "--within", "60d")
    assert stream.returncode == 0 and stream.stdout.count("BEGIN:VCALENDAR") == 1
    assert stream.stderr.count("Sofie Claes") == 1                  # said once, not per item
    folder = tmp_path / "agendas"
    ok("due", "--format", "ics", "--today", "2026-05-01", "--within", "60d", "-o", str(folder))
    (calendar_file,) = folder.glob("*.ics")
    calendar = Calendar.from_ical(calendar_file.read_bytes())
    assert calendar["x-wr-calname"] == "POP — Els Vandamme"
    events = calendar.walk("VEVENT")
    assert events and all("Dries Verbeeck" in str(e["summary"]) for e in events)
    assert len({str(e["uid"]) for e in events}) == len(events)
    assert calendar_file.stat().st_mode & 0o077 == 0


@pytest.mark.parametrize(("lang", "subject", "late"), [
    ("nl", "POP: 1 punt te doen voor de mensen die je leidt", "(1 dag te laat)"),
    ("en", "POP: 1 item due for the people you lead", "(1 day overdue)")])
def test_one_item_one_day_late_is_said_in_the_singular(lang, subject, late):
    from engine.reminders import message

    item = {"date": "2026-04-30", "days": -1, "overdue": True, "kind": "checkin",
            "person": "Dries Verbeeck", "title": "Opvolgingsgesprek", "plan": "qafhes22"}
    mail = message({"name": "Els Vandamme", "email": "els@atelier.example"}, [item],
                   "2026-05-01", "pop@atelier.example", lang)
    assert mail["Subject"] == subject
    assert late in mail.get_body(("plain",)).get_content()
