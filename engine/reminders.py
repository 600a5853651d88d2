"""Reminders: each leader one mail with the due items of the people they lead.

The leader is the register's ``leader`` of the person an item is about, and their address the
register's ``email``. Mails are written in the language of the items' pack (plain text and an
HTML part) and sent through ``POP_SMTP_URL`` (``smtp://user:password@host:port``; STARTTLS
whenever the server offers it) from ``POP_MAIL_FROM``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid
from html import escape
from typing import Any
from urllib.parse import unquote, urlsplit

from .due import kind_label
from .errors import PopError, UsageError
from .i18n import N_, _, plural_translator, translator
from .store import Store

GREETING = N_("Hello {name},")
INTRO = N_("These POP items of the people you lead are due by {until}, overdue ones first:")
FOOTER = N_("Sent by pop. Look at a plan with: pop show ID")


def by_leader(store: Store, items: Iterable[dict], *, need_email: bool = True
              ) -> tuple[list[dict], list[dict]]:
    """``([{leader, items}], unsent)``: the items per leader (with an address, unless not
    ``need_email``), and the items no leader can be told about."""
    groups: dict[str, dict] = {}
    unsent = []
    people: dict[str, dict | None] = {}

    def person(person_id: str | None) -> dict | None:
        if person_id and person_id not in people:
            people[person_id] = store.get_person(person_id)
        return people.get(person_id) if person_id else None

    for item in items:
        subject = person(item.get("person_id"))
        leader = person(subject["leader_id"]) if subject else None
        if leader is None or (need_email and not leader.get("email")):
            unsent.append(item)
            continue
        groups.setdefault(leader["id"], {"leader": leader, "items": []})["items"].append(item)
    return list(groups.values()), unsent


def message(leader: dict, items: list[dict], until: str, sender: str, lang: str
            ) -> EmailMessage:
    """One leader's mail: plain text and HTML, in ``lang``."""
    t, ngettext = translator(lang), plural_translator(lang)
    lines = [(item["date"], _when(item, ngettext), kind_label(item["kind"], t), item["person"],
              item["title"], item.get("plan") or "") for item in items]
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = formataddr((leader["name"], leader["email"]))
    mail["Subject"] = ngettext("POP: {n} item due for the people you lead",
                               "POP: {n} items due for the people you lead",
                               len(items)).format(n=len(items))
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip(">") or None)
    text = [t(GREETING).format(name=leader["name"]), "", t(INTRO).format(until=until), ""]
    text += [f"- {d} {f'({w}) ' if w else ''}{k}: {p} — {title}{f' [{plan}]' if plan else ''}"
             for d, w, k, p, title, plan in lines]
    text += ["", t(FOOTER)]
    mail.set_content("\n".join(text) + "\n")
    rows = "".join(
        f"<tr><td>{escape(d)}</td><td>{escape(w)}</td><td>{escape(k)}</td><td>{escape(p)}</td>"
        f"<td>{escape(title)}</td><td>{escape(plan)}</td></tr>"
        for d, w, k, p, title, plan in lines)
    mail.add_alternative(
        f"<!DOCTYPE html><html lang=\"{escape(lang)}\"><body>"
        f"<p>{escape(t(GREETING).format(name=leader['name']))}</p>"
        f"<p>{escape(t(INTRO).format(until=until))}</p>"
        f"<table border=\"1\" cellpadding=\"4\" style=\"border-collapse:collapse\">{rows}</table>"
        f"<p>{escape(t(FOOTER))}</p></body></html>\n", subtype="html")
    return mail


def send(mails: list[EmailMessage]) -> None:
    """Send through ``POP_SMTP_URL``; every failure is one line, naming the server."""
    import smtplib

    url = os.environ.get("POP_SMTP_URL", "").strip()
    if not url:
        raise UsageError(_("POP_SMTP_URL is not set (smtp://user:password@host:port); "
                           "--dry-run prints the mails instead"))
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise UsageError(_("POP_SMTP_URL must look like smtp://user:password@host:port"))
    server = f"{parts.hostname}:{parts.port or 25}"
    try:
        client_class = smtplib.SMTP_SSL if parts.scheme == "smtps" else smtplib.SMTP
        with client_class(parts.hostname, parts.port or (465 if parts.scheme == "smtps"
                                                         else 25), timeout=30) as smtp:
            smtp.ehlo()
            if parts.scheme == "smtp" and smtp.has_extn("starttls"):
                smtp.starttls()
                smtp.ehlo()
            if parts.username:
                smtp.login(unquote(parts.username), unquote(parts.password or ""))
            for mail in mails:
                smtp.send_message(mail)
    except (OSError, smtplib.SMTPException) as exc:
        raise PopError(_("the mail server {server} refused or did not answer: {error}")
                       .format(server=server, error=str(exc).strip() or type(exc).__name__)
                       ) from None


def sender() -> str:
    value = os.environ.get("POP_MAIL_FROM", "").strip()
    if not value or "@" not in value or "\n" in value or "\r" in value:
        raise UsageError(_("POP_MAIL_FROM must be the sender's address (e.g. "
                           "pop@organisatie.be)"))
    return value


def _when(item: dict, ngettext: Any) -> str:
    days = -item["days"]
    return ngettext("{n} day overdue", "{n} days overdue", days).format(n=days) \
        if item.get("overdue") else ""


def calendar(leader: dict, items: list[dict], lang: str) -> bytes:
    """One leader's due items as an iCalendar file: an all-day event per item."""
    from datetime import UTC, date, datetime, timedelta

    from icalendar import Calendar, Event

    from . import __version__

    t = translator(lang)
    cal = Calendar()
    cal.add("prodid", f"-//pop {__version__}//due//NL")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"POP — {leader['name']}")
    stamp = datetime.now(UTC).replace(microsecond=0)
    for item in items:
        day = date.fromisoformat(item["date"])
        event = Event()
        event.add("uid", f"{item.get('plan') or item.get('person_id')}-{item['id']}@pop")
        event.add("dtstamp", stamp)
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
        event.add("summary", f"{kind_label(item['kind'], t)}: {item['person']} — "
                             f"{item['title']}")
        if item.get("plan"):
            event.add("description", f"pop show {item['plan']}")
        event.add("categories", [item["kind"]])
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical()
