"""Shared fixtures: a private data folder per test, the CLI in-process and as a real process.

PostgreSQL: with ``POP_TEST_POSTGRES`` (a server URL where tests may create databases) a test
run creates one database of its own and gives each test that asks a fresh schema in it; with
``POP_TEST_STORE=postgresql`` as well, every test runs on PostgreSQL (``POP_STORE`` set).
"""

from __future__ import annotations

import itertools
import os
import secrets
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner
from helpers import FIXTURE_PACKS

POSTGRES_ENV = "POP_TEST_POSTGRES"
ON_POSTGRES = os.environ.get("POP_TEST_STORE") == "postgresql"
_schemas = itertools.count(1)


def pytest_report_header(config):
    server = os.environ.get(POSTGRES_ENV)
    if not server:
        return f"PostgreSQL store: not tested ({POSTGRES_ENV} is not set)"
    return (f"PostgreSQL store: {server}"
            + (" (every test on PostgreSQL)" if ON_POSTGRES else ""))


def pytest_collection_modifyitems(config, items):
    if ON_POSTGRES:
        skip = pytest.mark.skip(reason="about the SQLite file itself")
        for item in items:
            if "sqlite_only" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def postgres_database():
    """A database of this test run's own on the server ``POP_TEST_POSTGRES`` names, dropped
    at the end; None without it. A server that is named but does not answer fails the run."""
    server = os.environ.get(POSTGRES_ENV)
    if not server:
        yield None
        return
    import psycopg

    name = f"poptest_{os.getpid()}_{secrets.token_hex(4)}"
    try:
        admin = psycopg.connect(server, autocommit=True, connect_timeout=10)
    except psycopg.Error as exc:
        pytest.fail(f"{POSTGRES_ENV}={server} does not answer: {exc}", pytrace=False)
    admin.execute(f'CREATE DATABASE "{name}"')
    base = server.rsplit("/", 1)[0] if server.count("/") > 2 else server.rstrip("/")
    try:
        yield f"{base}/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def new_postgres_store(database: str) -> str:
    """A URL to a fresh, empty schema of the test run's database."""
    import psycopg

    schema = f"t{next(_schemas)}_{secrets.token_hex(3)}"
    with psycopg.connect(database, autocommit=True) as db:
        db.execute(f"CREATE SCHEMA {schema}")
    return f"{database}?options={quote(f'-csearch_path={schema}')}"


@pytest.fixture
def postgres_url(postgres_database):
    """An empty PostgreSQL store (not yet initialised), or a skip with the reason."""
    if postgres_database is None:
        pytest.skip(f"{POSTGRES_ENV} is not set: the PostgreSQL store is not tested")
    return new_postgres_store(postgres_database)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path, monkeypatch):
    """An empty store of each kind, named by POP_STORE (as a user would); the PostgreSQL one
    not yet initialised (``pop store init``)."""
    if request.param == "sqlite":
        url = f"sqlite://{tmp_path}/store/pop.sqlite3"
    else:
        url = request.getfixturevalue("postgres_url")
    monkeypatch.setenv("POP_STORE", url)
    return url


@pytest.fixture(autouse=True)
def pop_env(tmp_path, monkeypatch, request):
    """Never touch a real user's data; English messages unless a test asks for Dutch."""
    home = tmp_path / "pophome"
    monkeypatch.setenv("POP_HOME", str(home))
    monkeypatch.delenv("POP_STORE", raising=False)
    if ON_POSTGRES and "sqlite_only" not in request.keywords:
        database = request.getfixturevalue("postgres_database")
        if database is None:
            pytest.fail(f"POP_TEST_STORE=postgresql needs {POSTGRES_ENV}", pytrace=False)
        url = new_postgres_store(database)
        from engine.store import open_store

        open_store(url=url, setup="init").close()
        monkeypatch.setenv("POP_STORE", url)
    monkeypatch.setenv("POP_LANG", "en")
    monkeypatch.setenv("POP_PACKS_PATH", str(FIXTURE_PACKS))
    monkeypatch.setenv("POP_DISABLE_PLUGINS", "1")
    monkeypatch.delenv("POP_ACTOR", raising=False)
    from engine.i18n import set_language
    from engine.plugins import reset_plugins

    reset_plugins()
    set_language("en")
    yield home
    reset_plugins()


@pytest.fixture
def pop(pop_env):
    """Run ``pop ARGS`` in-process; returns click's Result (exit_code, stdout, stderr)."""
    from engine.cli import build_cli
    from engine.i18n import localize_click, set_language

    def invoke(*args: str, input: str | None = None):
        lang = os.environ.get("POP_LANG")
        localize_click(set_language(lang))  # a run before may have left click in another
        return CliRunner().invoke(build_cli(), list(args), input=input,
                                  catch_exceptions=False)

    return invoke


@pytest.fixture
def make_pack(tmp_path):
    """Write a pack folder from a dict of files; returns its path."""

    def make(files: dict[str, str | bytes], name: str = "pack") -> Path:
        folder = tmp_path / name
        for rel, content in files.items():
            path = folder / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    return make
