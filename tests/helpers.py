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
                timeout: float = 60, memory_mb: int | None = None) -> subprocess.CompletedProcess:
    """Run pop as a separate process, as a user would (``memory_mb``: with at most that much
    address space, so that a test sees an allocation that should never have happened)."""
    full_env = {**os.environ, **(env or {})}

    def limit() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory_mb << 20, memory_mb << 20))

    return subprocess.run([*pop_command(), *args], capture_output=True, text=True,
                          env=full_env, input=input, timeout=timeout, cwd=TESTS,
                          preexec_fn=limit if memory_mb else None)


def python_process(code: str, *args: str, env: dict | None = None,
                   timeout: float = 60) -> subprocess.CompletedProcess:
    """``python -c CODE ARGS`` with the engine this process tests: run from tests/, where the
    source tree's engine/ cannot shadow the installed one (as it would from the root)."""
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=timeout, cwd=TESTS,
                          check=True)


VDAB = EXAMPLES / "vdab-answers.yaml"
VTOC = EXAMPLES / "vtoc-answers.yaml"


def ok(*args: str, env: dict | None = None) -> str:
    """``pop ARGS`` as a process that must succeed; its stdout."""
    result = pop_process(*args, env=env)
    assert result.returncode == 0, (args, result.stdout, result.stderr)
    return result.stdout


def ok_json(*args: str, env: dict | None = None):
    import json

    return json.loads(ok(*args, "--json", env=env))


def stored_rows() -> dict[str, list[tuple]]:
    """Every row of every table of the store the tests' pop uses (the SQLite file in
    ``POP_HOME``, or the database ``POP_STORE`` names)."""
    from engine.store import open_store

    store = open_store()
    try:
        if store.KIND == "sqlite":
            tables = "SELECT name FROM sqlite_master WHERE type='table'"
        else:
            tables = ("SELECT table_name FROM information_schema.tables "
                      "WHERE table_schema = current_schema()")
        return {table: store.db.execute(f"SELECT * FROM {table}").fetchall()
                for (table,) in store.db.execute(tables).fetchall()}
    finally:
        store.close()


def rows_mentioning(needles: list[str]) -> list[tuple[str, str]]:
    """(table, needle) for every row of the store that contains one of ``needles``."""
    import json

    found = []
    for table, rows in stored_rows().items():
        for row in rows:
            text = json.dumps(row, default=str, ensure_ascii=False).lower()
            found += [(table, n) for n in needles if n.lower() in text]
    return found


def as_of_schema(store, version: int) -> None:
    """Mark the store as of schema ``version`` (its tables of schema 8 and before already put
    back as they were; what 9 added is taken off here: SQLite's due rows keep their order,
    which its migration reads past)."""
    if version < 9:
        store.db.execute("DROP TABLE plan_actors")
        store.db.execute("DROP INDEX people_hired")
    if 6 <= version < 9 and store.KIND == "postgresql":  # due rows came with 6
        store.db.execute("ALTER TABLE due_items DROP COLUMN person, DROP COLUMN name_key")
        store.db.execute("CREATE INDEX due_items_date ON due_items(date)")
    if store.KIND == "sqlite":
        store.db.execute(f"PRAGMA user_version={version}")
    else:
        store.db.execute("UPDATE pop_schema SET version=?", (version,))


def migrate_as_a_user_would(store) -> None:
    """SQLite migrates when opened; PostgreSQL is told to, and then is."""
    if store.KIND == "postgresql":
        assert pop_process("due").returncode == 2          # told to run pop store migrate
        ok("store", "migrate")
