"""Helpers for the tests (importable as ``helpers``: pytest puts tests/ on sys.path)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).parent
ROOT = TESTS.parent
FIXTURE_PACKS = TESTS / "packs"
MINI = FIXTURE_PACKS / "mini"
EXAMPLES = ROOT / "examples"


def pop_command() -> list[str]:
    """The installed ``pop`` script beside this Python (what a user runs), else ``-m engine``."""
    script = Path(sys.executable).with_name("pop")
    return [str(script)] if script.exists() else [sys.executable, "-m", "engine"]


def pop_process(*args: str, env: dict | None = None, input: str | None = None,
                timeout: float = 60) -> subprocess.CompletedProcess:
    """Run pop as a separate process, as a user would."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([*pop_command(), *args], capture_output=True, text=True,
                          env=full_env, input=input, timeout=timeout, cwd=TESTS)
