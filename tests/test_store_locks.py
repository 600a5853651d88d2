"""The store under another process's lock: a clear line and exit 4, never a traceback; forget
says what it could not compact (SQLite: the write-ahead log; PostgreSQL: tables in use), and
``forget --finish`` completes it. On whichever store the tests run on (see conftest)."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from helpers import EXAMPLES, pop_process

VDAB = EXAMPLES / "vdab-answers.yaml"


def _plan() -> str:
    made = pop_process("run", "--answers", str(VDAB), "--json")
    assert made.returncode == 0, made.stderr
    return json.loads(made.stdout)["plan"]["id"]


@contextmanager
def another_session(home, sql: str, params: tuple = (), *, write: bool = False
                    ) -> Iterator[None]:
    """Another connection to the store, in the middle of a transaction that ran ``sql``
    (``write``: SQLite's write lock; on PostgreSQL the SQL says what it locks)."""
    url = os.environ.get("POP_STORE")
    if url:
        import psycopg

        other = psycopg.connect(url, autocommit=True)
        sql = sql.replace("?", "%s")
    else:
        other = sqlite3.connect(home / "pop.sqlite3", isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE" if write and not url else "BEGIN")
        other.execute(sql, params).fetchall()
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_a_held_write_lock_is_one_line_and_exit_4(pop_env):
    plan_id = _plan()
    # another pop in the middle of a write (SQLite: the file's lock; PostgreSQL: the plan's row)
    lock = "SELECT version FROM plans WHERE id=?" + (
        " FOR UPDATE" if os.environ.get("POP_STORE") else "")
    with another_session(pop_env, lock, (plan_id,), write=True):
        result = pop_process("sign", plan_id, "--role", "employee",
                             env={"POP_BUSY_SECONDS": "0.3"})
    assert result.returncode == 4, (result.stdout, result.stderr)
    assert "is busy" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    # nothing was written; once the lock is free the same command works
    assert json.loads(pop_process("show", plan_id, "--json").stdout)["signatures"] == []
    assert pop_process("sign", plan_id, "--role", "employee").returncode == 0


def test_forget_with_a_reader_open_says_what_remains_then_finish_completes(pop_env):
    _plan()
    db = pop_env / "pop.sqlite3"
    with another_session(pop_env, "SELECT count(*) FROM events"):  # a reader, mid-transaction
        result = pop_process("forget", "Dries Verbeeck", "--yes",
                             env={"POP_BUSY_SECONDS": "0.3"})
    assert result.returncode == 4, (result.stdout, result.stderr)
    assert "pop forget --finish" in result.stderr and "Traceback" not in result.stderr
    assert "no person" in pop_process("people", "show", "Dries Verbeeck").stderr  # erased
    finished = pop_process("forget", "--finish")
    assert finished.returncode == 0, finished.stderr
    wal = db.with_name(db.name + "-wal")
    for path in (db, wal):
        if path.exists():
            assert b"Verbeeck" not in path.read_bytes(), path
