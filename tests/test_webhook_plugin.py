"""The example plugin examples/plugins/pop-webhook, installed with pip into a fresh virtualenv.

The new environment sees pop and its dependencies through a ``.pth`` file pointing at the
environment running the tests (so nothing is downloaded when a build backend is at hand); the
plugin itself is built and installed by pip from its folder, as an integrator would. The webhook
posts to an HTTP server on 127.0.0.1 only. About 10 seconds; marked ``slow``.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import os
import subprocess
import sys
import sysconfig
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from helpers import EXAMPLES, ROOT

pytestmark = pytest.mark.slow

PLUGIN = ROOT / "examples" / "plugins" / "pop-webhook"
VDAB = EXAMPLES / "vdab-answers.yaml"


class Receiver(BaseHTTPRequestHandler):
    """Records every POST; answers with the status the test sets."""

    received: list[dict] = []
    status = 200

    def do_POST(self) -> None:  # noqa: N802 - the http.server name
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        type(self).received.append({"path": self.path, "headers": dict(self.headers),
                                    "body": json.loads(body)})
        self.send_response(type(self).status)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server():
    Receiver.received, Receiver.status = [], 200
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield Receiver, f"http://127.0.0.1:{httpd.server_address[1]}/hr/pop"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    """A fresh virtualenv with the example plugin pip-installed from its folder."""
    where = tmp_path_factory.mktemp("webhook")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(where / "venv")],
                   check=True, timeout=120)
    python = where / "venv" / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    site = subprocess.run([str(python), "-c", "import sysconfig; "
                           "print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    ours = sysconfig.get_paths()["purelib"]  # pop (and its .pth, for an editable install)
    Path(site, "_pop_under_test.pth").write_text(f"import site; site.addsitedir({ours!r})\n")
    offline = importlib.util.find_spec("hatchling") is not None
    command = [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
               "--disable-pip-version-check", "--no-cache-dir"]
    if offline:  # build with the hatchling at hand instead of downloading one
        command += ["--no-index", "--no-build-isolation"]
    result = subprocess.run([*command, str(PLUGIN)], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert list(Path(site).glob("pop_webhook-0.1.0.dist-info/entry_points.txt"))
    return python


def pop_in(python: Path, *args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([str(python), "-m", "engine", *args], capture_output=True, text=True,
                          env=env, timeout=60, cwd=env["POP_HOME"])


@pytest.fixture
def env(tmp_path, server):
    home = tmp_path / "home"
    home.mkdir()
    base = {k: v for k, v in os.environ.items() if not k.startswith("POP_")}
    return {**base, "POP_HOME": str(home), "POP_LANG": "en", "POP_DISABLE_PLUGINS": "0",
            "POP_WEBHOOK_URL": server[1], "POP_WEBHOOK_TIMEOUT": "5"}


def ok(python: Path, *args: str, env: dict) -> subprocess.CompletedProcess:
    result = pop_in(python, *args, env=env)
    assert result.returncode == 0, (args, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    return result


def test_installed_plugin_adds_its_check_format_command_and_webhook(venv, env, server):
    receiver, url = server
    listing = {p["name"]: p for p in json.loads(ok(venv, "plugins", "--json", env=env).stdout)}
    assert listing["webhook"]["hooks"] == ["pop_person_forgotten", "pop_plan_agreed",
                                           "pop_register_checks", "pop_register_commands",
                                           "pop_register_formats"]
    assert "error" not in listing["webhook"]

    plan_id = json.loads(ok(venv, "run", "--answers", str(VDAB), "--json", env=env).stdout)[
        "plan"]["id"]

    # the format: the actions as CSV
    rows = list(csv.DictReader(io.StringIO(ok(venv, "export", plan_id, "--format", "csv",
                                              env=env).stdout)))
    assert [(r["question"], r["row"], r["soort"], r["competentie"]) for r in rows] == [
        ("acties", "1", "generiek", "stiptheid"), ("acties", "2", "technisch", "stapelen"),
        ("acties", "3", "technisch", "orderpicken")]
    assert rows[0]["plan"] == plan_id and rows[0]["acceptabel"] == "ja"

    # the webhook: nothing until the plan is agreed, then one post with the plan's JSON
    ok(venv, "sign", plan_id, "--role", "employee", "--name", "Dries Verbeeck", env=env)
    assert receiver.received == []
    signed = json.loads(ok(venv, "sign", plan_id, "--role", "manager", "--name", "Els Vandamme",
                           "--json", env=env).stdout)
    [post] = receiver.received
    digest = signed["signature"]["digest"]
    assert post["path"] == "/hr/pop"
    assert post["headers"]["Content-Type"] == "application/json; charset=utf-8"
    assert post["headers"]["X-Pop-Digest"] == digest
    assert post["body"]["event"] == "plan_agreed" and post["body"]["digest"] == digest
    document = post["body"]["plan"]
    assert document["id"] == plan_id and document["pack"]["id"] == "vdab"
    assert document["people"] == {"employee": "Dries Verbeeck", "manager": "Els Vandamme"}
    assert [s["role"] for s in document["signatures"]] == ["employee", "manager"]
    assert len(document["answers"]["acties"]) == 3


def test_the_named_check_in_a_pack(venv, env, tmp_path):
    home = Path(env["POP_HOME"])
    ok(venv, "packs", "new", "acme", "--extends", "vdab", env=env)
    pack = home / "acme" / "pack.yaml"
    pack.write_text(pack.read_text(encoding="utf-8") + """
rules:
  - id: hr_gegevens
    at: acties
    severity: error
    message: Het HR-systeem heeft een datum voor de opvolging nodig.
    check: {named: ingevuld, args: {questions: [datum_opvolging]}}
""", encoding="utf-8")
    assert "valid (acme 0.1.0)" in ok(venv, "packs", "validate", "acme", env=env).stdout
    without = pop_in(venv, "packs", "validate", "acme", env={**env, "POP_DISABLE_PLUGINS": "1"})
    assert without.returncode == 2 and "unknown check 'ingevuld'" in without.stderr
    bad_args = pack.read_text(encoding="utf-8").replace("questions: [datum_opvolging]",
                                                        "vragen: [datum_opvolging]")
    (home / "acme" / "pack.yaml").write_text(bad_args, encoding="utf-8")
    refused = pop_in(venv, "packs", "validate", "acme", env=env)
    assert refused.returncode == 2 and "check.args" in refused.stderr
    pack.write_text(bad_args.replace("vragen:", "questions:"), encoding="utf-8")

    answers = (home / "acme" / "voorbeeld-antwoorden.yaml").read_text(encoding="utf-8")
    ok(venv, "run", "--pack", "acme", "--answers", "acme/voorbeeld-antwoorden.yaml", env=env)
    (home / "zonder.yaml").write_text(answers.replace("  datum_opvolging: 2026-04-20\n", ""),
                                      encoding="utf-8")
    result = pop_in(venv, "run", "--pack", "acme", "--answers", "zonder.yaml", env=env)
    assert result.returncode == 2
    assert ("Het HR-systeem heeft een datum voor de opvolging nodig. Nog niet ingevuld: "
            "Wanneer volgen jullie de acties op (opvolgingsgesprek)?") in result.stderr


def test_a_failing_webhook_keeps_the_plan_and_the_signature(venv, env, server):
    receiver, _url = server
    receiver.status = 503
    plan_id = json.loads(ok(venv, "run", "--answers", str(VDAB), "--json", env=env).stdout)[
        "plan"]["id"]
    ok(venv, "sign", plan_id, "--role", "employee", env=env)
    result = ok(venv, "sign", plan_id, "--role", "manager", env=env)  # pop carries on
    assert "The plan is agreed" in result.stdout
    assert "pop: plugin webhook: pop_plan_agreed: WebhookError: could not post plan" in \
        result.stderr
    assert "HTTP Error 503" in result.stderr and "pop webhook resend" in result.stderr
    shown = json.loads(ok(venv, "show", plan_id, "--json", env=env).stdout)
    assert [s["role"] for s in shown["signatures"]] == ["employee", "manager"]
    [kept] = (Path(env["POP_HOME"]) / "webhook-outbox").glob("*.json")
    assert kept.stat().st_mode & 0o077 == 0
    assert json.loads(kept.read_text())["plan"]["id"] == plan_id

    unreachable = {**env, "POP_WEBHOOK_URL": "http://127.0.0.1:9/nergens"}
    retry = pop_in(venv, "webhook", "resend", env=unreachable)
    assert retry.returncode == 1 and kept.exists() and "0 sent, 1 left" in retry.stdout
    receiver.status = 200
    sent = ok(venv, "webhook", "resend", env=env)
    assert "1 sent, 0 left" in sent.stdout and not kept.exists()
    assert receiver.received[-1]["body"]["plan"]["id"] == plan_id
    assert "Nothing to send" in ok(venv, "webhook", "resend", env=env).stdout


def test_forgetting_a_person_erases_their_outbox_entries(venv, env, server):
    receiver, _url = server
    receiver.status = 503
    plan_id = json.loads(ok(venv, "run", "--answers", str(VDAB), "--json", env=env).stdout)[
        "plan"]["id"]
    ok(venv, "sign", plan_id, "--role", "employee", env=env)
    ok(venv, "sign", plan_id, "--role", "manager", env=env)
    outbox = Path(env["POP_HOME"]) / "webhook-outbox"
    [kept] = outbox.glob("*.json")
    (outbox / "someone-else.json").write_text('{"person_ids": ["pzzzzzzzzz"]}')
    ok(venv, "forget", "Dries Verbeeck", "--yes", env=env)
    assert not kept.exists()                          # the plan about him is gone from the outbox
    assert (outbox / "someone-else.json").exists()    # and nothing else


def test_csv_cells_that_start_like_a_formula_stay_text():
    import sys

    sys.path.insert(0, str(ROOT / "examples" / "plugins" / "pop-webhook" / "src"))
    try:
        from pop_webhook import cell
    finally:
        sys.path.pop(0)
    assert [cell(v) for v in ("=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "\tx",
                              "Heftruck", 3)] == [
        "'=HYPERLINK(\"http://x\")", "'+1", "'-2", "'@SUM(A1)", "'\tx", "Heftruck", 3]
