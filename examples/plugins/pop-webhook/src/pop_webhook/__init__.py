"""pop-webhook: an example pop plugin for integrators.

It shows each kind of hook an HR integration needs:

- a named check, ``ingevuld``: the questions an HR system needs are answered
  (``check: {named: ingevuld, args: {questions: [datum_opvolging]}}``);
- an output format, ``csv``: the plan's actions (the rows of its records questions), one
  row each, for a spreadsheet (``pop export ID --format csv``);
- ``pop_plan_agreed``: when both have signed, the plan's JSON (``pop export --format json``)
  is posted to ``POP_WEBHOOK_URL``. It never stops pop: on failure the document is kept in an
  outbox folder and the error is reported with the plugin's name;
- a command, ``pop webhook resend``, that posts what is in the outbox;
- ``pop_person_forgotten``: when ``pop forget`` erases a person, the outbox entries about
  plans they are in are erased too (each entry keeps the plan's person ids for this).

Settings (environment): ``POP_WEBHOOK_URL`` (http or https; nothing is sent without it),
``POP_WEBHOOK_TOKEN`` (sent as ``Authorization: Bearer …``), ``POP_WEBHOOK_TIMEOUT``
(seconds, default 10), ``POP_WEBHOOK_OUTBOX`` (default ``$POP_HOME/webhook-outbox``).
"""

from __future__ import annotations

import csv
import io
import json
import os
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from engine import hookimpl

__version__ = "0.1.0"

MESSAGES = {
    "nl": {"missing": "Nog niet ingevuld: {text}", "yes": "ja", "no": "nee",
           "sent": "{n} verstuurd, {left} blijven in {folder}.",
           "empty": "Niets te versturen in {folder}.",
           "no_url": "Zet POP_WEBHOOK_URL om plannen te versturen."},
    "en": {"missing": "Not answered yet: {text}", "yes": "yes", "no": "no",
           "sent": "{n} sent, {left} left in {folder}.",
           "empty": "Nothing to send in {folder}.",
           "no_url": "Set POP_WEBHOOK_URL to send plans."},
}


def message(key: str, lang: str | None = None) -> str:
    if lang is None:
        from engine.i18n import current_language

        lang = current_language()
    return MESSAGES.get(lang[:2], MESSAGES["en"])[key]


class WebhookError(Exception):
    """Posting failed; the message says where the document was kept."""


# --- a named check ------------------------------------------------------------------------


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {} or (
        isinstance(value, str) and not value.strip())


def ingevuld(answers: dict, args: dict, pack: Any) -> list[str]:
    """One message for each question in ``args["questions"]`` that has no answer yet."""
    out = []
    for qid in args["questions"]:
        if _empty(answers.get(qid)):
            ref = pack.questions.get(qid)
            text = pack.text(ref.question.get("text")) if ref else qid
            out.append(message("missing", pack.language).format(text=text))
    return out


INGEVULD_ARGS = {
    "type": "object",
    "required": ["questions"],
    "additionalProperties": False,
    "properties": {"questions": {"type": "array", "items": {"type": "string"}, "minItems": 1}},
}


@hookimpl
def pop_register_checks(register):  # noqa: ANN001, ANN201
    register("ingevuld", ingevuld, args_schema=INGEVULD_ARGS)


# --- an output format -------------------------------------------------------------------------


def render_csv(context: Any) -> str:
    """The plan's actions: one row per row of each records question."""
    plan = context.needs_plan()
    pack = plan.pack
    records = [ref for ref in pack.questions.values() if ref.type == "records"]
    fields: list[str] = []
    for ref in records:
        fields += [f["id"] for f in ref.question.get("fields", []) if f["id"] not in fields]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["plan", "person", "pack", "question", "row", *fields])
    yes, no = message("yes", pack.language), message("no", pack.language)
    for ref in records:
        for n, row in enumerate(plan.answers.get(ref.id) or [], start=1):
            cells = []
            for fid in fields:
                value = row.get(fid) if isinstance(row, dict) else None
                if isinstance(value, bool):
                    value = yes if value else no
                elif isinstance(value, list):
                    value = "; ".join(map(str, value))
                cells.append("" if value is None else str(value))
            writer.writerow([cell(v) for v in (plan.id, plan.person, pack.id, ref.id, n,
                                               *cells)])
    return out.getvalue()


def cell(value: Any) -> Any:
    """A cell a spreadsheet shows as typed: text that starts like a formula (``=``, ``+``,
    ``-``, ``@``, a tab or a return) gets a leading ``'``, so ``=HYPERLINK(...)`` typed as an
    action is never run when HR opens the file (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


@hookimpl
def pop_register_formats(register):  # noqa: ANN001, ANN201
    register("csv", render_csv, media_type="text/csv", suffix=".csv")


# --- the webhook ------------------------------------------------------------------------------


def outbox() -> Path:
    folder = os.environ.get("POP_WEBHOOK_OUTBOX")
    if folder:
        return Path(folder)
    home = os.environ.get("POP_HOME")
    if not home:
        from engine.store import default_data_dir

        home = str(default_data_dir())
    return Path(home) / "webhook-outbox"


def payload(plan: Any, digest: str) -> dict:
    """What is posted: the event, the agreed digest and the plan as ``--format json``."""
    from engine.outputs import render

    document, _format = render(plan.pack, "json", plan)
    return {"event": "plan_agreed", "digest": digest, "plan": json.loads(document),
            "person_ids": sorted(p for p in plan.person_ids.values() if p)}


def post(url: str, body: dict) -> int:
    """POST ``body`` as JSON; returns the HTTP status; raises on anything but 2xx."""
    if not url.lower().startswith(("http://", "https://")):
        raise WebhookError(f"POP_WEBHOOK_URL must be an http(s) URL, not {url!r}")
    headers = {"Content-Type": "application/json; charset=utf-8",
               "User-Agent": f"pop-webhook/{__version__}",
               "X-Pop-Event": body.get("event", ""), "X-Pop-Digest": body.get("digest", "")}
    token = os.environ.get("POP_WEBHOOK_TOKEN")
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")
    timeout = float(os.environ.get("POP_WEBHOOK_TIMEOUT") or 10)
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - checked
        return response.status


def keep(body: dict) -> Path:
    """Write ``body`` to the outbox (readable by its owner only); returns the file."""
    folder = outbox()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    plan_id = body.get("plan", {}).get("id", "plan")
    path = folder / f"{plan_id}-{body.get('digest', '')[:12]}.json"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(body, f, ensure_ascii=False, indent=2)
    return path


@hookimpl
def pop_plan_agreed(plan, digest):  # noqa: ANN001, ANN201
    url = os.environ.get("POP_WEBHOOK_URL", "").strip()
    if not url:
        return
    body = payload(plan, digest)
    try:
        post(url, body)
    except (OSError, ValueError, WebhookError, urllib.error.URLError) as exc:
        kept = keep(body)
        raise WebhookError(f"could not post plan {plan.id} to {url} ({exc}); kept in {kept}, "
                           f"send it later with: pop webhook resend") from None


@hookimpl
def pop_person_forgotten(person_id):  # noqa: ANN001, ANN201
    """Nothing kept here may outlive the person's erasure in the store."""
    folder = outbox()
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            kept = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if person_id in kept.get("person_ids", []):
            path.unlink()


# --- a command --------------------------------------------------------------------------------


@hookimpl
def pop_register_commands(cli):  # noqa: ANN001, ANN201
    import click

    @cli.group(help="pop-webhook: send agreed plans to POP_WEBHOOK_URL.")
    def webhook() -> None:
        pass

    @webhook.command(help="Post the plans kept in the outbox (after a failed post).")
    def resend() -> None:
        url = os.environ.get("POP_WEBHOOK_URL", "").strip()
        folder = outbox()
        files = sorted(folder.glob("*.json")) if folder.is_dir() else []
        if not files:
            click.echo(message("empty").format(folder=folder))
            return
        if not url:
            raise click.ClickException(message("no_url"))
        sent = 0
        for path in files:
            try:
                post(url, json.loads(path.read_text(encoding="utf-8")))
            except (OSError, ValueError, WebhookError, urllib.error.URLError) as exc:
                click.echo(f"{path.name}: {exc}", err=True)
                continue
            path.unlink()
            sent += 1
        click.echo(message("sent").format(n=sent, left=len(files) - sent, folder=folder))
        if sent < len(files):
            raise SystemExit(1)
