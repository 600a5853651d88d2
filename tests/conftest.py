"""Shared fixtures: a private data folder per test, the CLI in-process and as a real process."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import FIXTURE_PACKS


@pytest.fixture(autouse=True)
def pop_env(tmp_path, monkeypatch):
    """Never touch a real user's data; English messages unless a test asks for Dutch."""
    home = tmp_path / "pophome"
    monkeypatch.setenv("POP_HOME", str(home))
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
    from engine.i18n import set_language

    def invoke(*args: str, input: str | None = None):
        lang = os.environ.get("POP_LANG")
        set_language(lang)
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
