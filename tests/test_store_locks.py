"""The store under another process's lock: a clear line and exit 4, never a traceback; forget
says when the write-ahead log could not be emptied, and ``forget --finish`` completes it."""

from __future__ import annotations

import json
import sqlite3

from helpers import EXAMPLES, pop_process

VDAB = EXAMPLES / "vdab-answers.yaml"


def _plan() -> str:
    made = pop_process("run", "--answers", str(VDAB), "--json")
    assert made.returncode == 0, made.stderr
    return json.loads(made.stdout)["plan"]["id"]


def test_a_held_write_lock_is_one_line_and_exit_4(pop_env):
    plan_id = _plan()
    holder = sqlite3.connect(pop_env / "pop.sqlite3", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")              # another pop in the middle of a write
    try:
        result = pop_process("sign", plan_id, "--role", "employee",
                             env={"POP_BUSY_SECONDS": "0.3"})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.returncode == 4, (result.stdout, result.stderr)
    assert "is busy" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    # nothing was written; once the lock is free the same command works
    assert json.loads(pop_process("show", plan_id, "--json").stdout)["signatures"] == []
    assert pop_process("sign", plan_id, "--role", "employee").returncode == 0


def test_forget_with_a_reader_open_says_what_remains_then_finish_completes(pop_env):
    _plan()
    db = pop_env / "pop.sqlite3"
    reader = sqlite3.connect(db, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM plans").fetchone()   # holds a snapshot open
    try:
        result = pop_process("forget", "Dries Verbeeck", "--yes",
                             env={"POP_BUSY_SECONDS": "0.3"})
    finally:
        reader.execute("ROLLBACK")
        reader.close()
    assert result.returncode == 4, (result.stdout, result.stderr)
    assert "pop forget --finish" in result.stderr and "Traceback" not in result.stderr
    assert "no person" in pop_process("people", "show", "Dries Verbeeck").stderr  # erased
    finished = pop_process("forget", "--finish")
    assert finished.returncode == 0, finished.stderr
    wal = db.with_name(db.name + "-wal")
    for path in (db, wal):
        if path.exists():
            assert b"Verbeeck" not in path.read_bytes(), path
