"""The embedded store: one SQLite file in the data folder, readable by its owner only.

Writes take the database's write lock first (``BEGIN IMMEDIATE``), so the plan's version read
inside a transaction is the locked one. The schema migrates itself when the file is opened,
under that lock, re-reading ``PRAGMA user_version`` inside it (several processes may open a new
store at once). Forgetting zeroes freed pages, then compacts the file and empties the
write-ahead log.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from typing import Any

from . import agreement
from .errors import UsageError
from .i18n import _
from .pack import Pack
from .people import name_key
from .sqlstore import DUE_ORDER, SCHEMA_5, SCHEMA_6, SCHEMA_7, SCHEMA_8, SCHEMA_9, SQLStore
from .store import SCHEMA_VERSION, StoreBusy, busy_message, busy_seconds

MIGRATION_3 = """
    ALTER TABLE people RENAME TO old_people;
    CREATE TABLE people (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, name_key TEXT NOT NULL, number TEXT,
        hired TEXT, team TEXT, leader_id TEXT REFERENCES people(id) ON DELETE SET NULL,
        email TEXT, created TEXT NOT NULL, updated TEXT NOT NULL);
    CREATE INDEX people_key ON people(name_key);
    CREATE UNIQUE INDEX people_number ON people(number) WHERE number IS NOT NULL;
    CREATE INDEX people_leader ON people(leader_id);
    CREATE INDEX people_team ON people(team);
    CREATE TABLE plan_roles (
        plan_id TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE, role TEXT NOT NULL,
        person_id TEXT NOT NULL, PRIMARY KEY (plan_id, role));
    CREATE INDEX plan_roles_person ON plan_roles(person_id);
    ALTER TABLE plans ADD COLUMN person_id TEXT;
    ALTER TABLE plans ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE events ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE signatures ADD COLUMN person_id TEXT;
    CREATE INDEX plans_person_id ON plans(person_id, updated);
    CREATE TABLE erasing (active INTEGER NOT NULL);
    DROP TRIGGER events_append_only;
"""

MIGRATION_3_END = """
    DROP INDEX plans_person;
    ALTER TABLE plans DROP COLUMN person;
    DROP TABLE old_people;
    CREATE TRIGGER events_append_only BEFORE UPDATE ON events
        WHEN NOT EXISTS (SELECT 1 FROM erasing)
        BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
    CREATE TRIGGER events_no_delete BEFORE DELETE ON events
        WHEN NOT EXISTS (SELECT 1 FROM erasing)
        BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
"""


class SQLiteStore(SQLStore):
    """One file, readable by its owner only; the schema migrates itself on opening."""

    KIND = "sqlite"
    # without statistics SQLite prefers the primary keys, and the list's order to a state
    PEOPLE_BY_ID = "people h INDEXED BY people_names"
    PLANS_BY_STATE = "plans p INDEXED BY plans_state"

    def __init__(self, path: str):
        self.path = path
        self._depth = 0
        self._packs: dict[str, Pack] = {}
        self._cursors: dict[str, str | None] = {}  # set_cursor(now=False), not yet written
        self._changed: set[str] = set()  # plans written in the open transaction
        self.migrated: list[int] = []
        try:
            if not os.path.exists(path):
                fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)  # owner-only from the start
                os.close(fd)
            self.read_only = _read_only(path)
            if self.read_only:  # read-only media or permissions: still readable, never changed
                self.db = sqlite3.connect(f"{_file_uri(path)}?{self.read_only}",
                                          uri=True, isolation_level=None,
                                          timeout=busy_seconds())
                self.db.execute("PRAGMA foreign_keys=ON")
                if self.schema_version != SCHEMA_VERSION:
                    raise UsageError(self._read_only_message())
            else:
                self.db = sqlite3.connect(path, isolation_level=None, timeout=busy_seconds())
                self._retry_busy(lambda: self.db.execute("PRAGMA journal_mode=WAL"))
                self.db.execute("PRAGMA synchronous=FULL")
                self.db.execute("PRAGMA foreign_keys=ON")
                self._migrate()
        except OSError as exc:
            raise UsageError(_("cannot open the plan store {path}: {error}").format(
                path=path, error=exc.strerror or exc)) from None
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError) and _is_busy(exc):
                raise StoreBusy(busy_message(path)) from None
            if _is_full(exc) or _no_room(path):  # "disk I/O error": no room for its -shm
                raise UsageError(_("cannot open the plan store {path}: the disk is full")
                                 .format(path=path)) from None
            raise UsageError(_("cannot use the plan store {path}: {error}").format(
                path=path, error=exc)) from None

    # --- plumbing -----------------------------------------------------------------------------
    def _retry_busy(self, action: Callable[[], Any]) -> Any:
        """For the few statements SQLite does not wait on (a journal mode change)."""
        deadline = time.monotonic() + busy_seconds()
        while True:
            try:
                return action()
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)

    def _migrate(self) -> None:
        """Bring the schema up to date under the write lock, re-reading the version inside it
        (several processes may open a new store at once)."""
        if self.schema_version == SCHEMA_VERSION:
            return
        with self.transaction():
            version = self.schema_version
            if version > SCHEMA_VERSION:
                raise UsageError(_("{path} was made by a newer pop (schema {version}); "
                                   "upgrade pop").format(path=self.path, version=version))
            for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
                if callable(step):
                    step(self)
                else:
                    self._script(step)
                self.db.execute(f"PRAGMA user_version={number}")
                self.migrated.append(number)
        if self.schema_version > SCHEMA_VERSION:
            raise UsageError(_("{path} was made by a newer pop (schema {version}); upgrade pop")
                             .format(path=self.path, version=self.schema_version))

    def _script(self, script: str) -> None:
        """Run a script statement by statement, inside the open transaction."""
        statement = ""
        for line in script.splitlines(keepends=True):
            statement += line
            if sqlite3.complete_statement(statement):
                self.db.execute(statement)
                statement = ""
        if statement.strip():
            self.db.execute(statement)

    @property
    def schema_version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    @property
    def where(self) -> str:
        return str(self.path)

    def _read_only_message(self) -> str:
        return _("the plan store {path} is read-only (read-only media or no permission to "
                 "write): pop can show what it holds but not change it").format(path=self.path)

    def _begin(self) -> None:
        if self.read_only:
            raise UsageError(self._read_only_message())
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if _is_busy(exc):
                raise StoreBusy(busy_message(self.path)) from None
            raise

    def _rollback(self) -> None:
        if self.db.in_transaction:
            self.db.execute("ROLLBACK")

    def _before_erase(self) -> None:
        self.db.execute("PRAGMA secure_delete=ON")  # freed pages are zeroed, not left behind

    def compact(self) -> dict:
        """Rewrite the file without free pages and empty the write-ahead log.

        ``complete`` is False when another process still reads the store: the erased data may
        then remain in ``pop.sqlite3-wal`` until :meth:`compact` runs again with nobody reading.
        """
        full = False
        try:
            self.db.execute("VACUUM")  # nothing left in free pages …
        except sqlite3.OperationalError as exc:  # VACUUM needs room for a copy of the file
            if not (_is_busy(exc) or _is_full(exc)):
                raise
            full = _is_full(exc)
        try:
            busy, _log, _done = self._retry_busy(
                lambda: self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone())
        except sqlite3.OperationalError as exc:
            if not (_is_busy(exc) or _is_full(exc)):
                raise
            busy = 1
        wal = f"{self.path}-wal"
        left = os.path.getsize(wal) if os.path.exists(wal) else 0
        complete = not busy and not full and left == 0
        return {"complete": complete, "kept": [] if complete else [str(wal)], "wal_bytes": left,
                "disk_full": full}


def _file_uri(path: str) -> str:
    from urllib.parse import quote

    return "file://" + quote(os.path.abspath(path))


def _read_only(path: str) -> str:
    """How to open a store pop cannot write: ``""`` (it can), ``"immutable=1"`` on read-only
    media (nobody can change it, and SQLite cannot make its -shm file there), ``"mode=ro"``
    when only the permissions forbid it (others may still write)."""
    folder = os.path.dirname(os.path.abspath(path))
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return "immutable=1"
    except (OSError, AttributeError):
        pass
    writable = os.access(path, os.W_OK) and os.access(folder, os.W_OK | os.X_OK)
    return "" if writable else "mode=ro"


def _no_room(path: str) -> bool:
    import shutil

    try:
        return shutil.disk_usage(os.path.dirname(os.path.abspath(path))).free < 64 * 1024
    except OSError:
        return False


def _is_full(exc: sqlite3.OperationalError) -> bool:
    return "full" in str(exc).lower()


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def _migrate_people(store: SQLiteStore) -> None:
    """Schema 3: people become records; plans and signatures point at them; versions.

    Every distinct name (NFC + casefold) becomes one person; signatures that were current stay
    current under the new digest (people by id).
    """
    db = store.db
    store._script(MIGRATION_3)
    by_key: dict[str, str] = {}

    def person_for(name: str) -> str:
        key = name_key(name)
        if key not in by_key:
            by_key[key] = store.add_person(name)["id"]
        return by_key[key]

    for plan_id, role, name in db.execute(
            "SELECT o.plan_id, o.role, o.name FROM old_people o JOIN plans p ON p.id=o.plan_id "
            "ORDER BY p.updated DESC, o.rowid").fetchall():
        db.execute("INSERT INTO plan_roles VALUES (?,?,?)", (plan_id, role, person_for(name)))
    for plan_id, person in db.execute("SELECT id, person FROM plans").fetchall():
        if person:
            db.execute("UPDATE plans SET person_id=? WHERE id=?", (person_for(person), plan_id))
    for seq, plan_id, role, name in db.execute(
            "SELECT seq, plan_id, role, name FROM signatures").fetchall():
        row = db.execute("SELECT o.name, r.person_id FROM old_people o JOIN plan_roles r ON "
                         "r.plan_id=o.plan_id AND r.role=o.role WHERE o.plan_id=? AND o.role=?",
                         (plan_id, role)).fetchone()
        pid = row[1] if row and name_key(row[0]) == name_key(name) else person_for(name)
        db.execute("UPDATE signatures SET person_id=? WHERE seq=?", (pid, seq))
    counts: dict[str, int] = {}
    for seq, plan_id in db.execute("SELECT seq, plan_id FROM events ORDER BY seq").fetchall():
        counts[plan_id] = counts.get(plan_id, 0) + 1
        db.execute("UPDATE events SET version=? WHERE seq=?", (counts[plan_id], seq))
    db.executemany("UPDATE plans SET version=? WHERE id=?",
                   [(n, plan_id) for plan_id, n in counts.items()])
    old_names = {(p, r): n for p, r, n in db.execute("SELECT plan_id, role, name FROM old_people")}
    store._script(MIGRATION_3_END)
    _keep_content_digest(store)  # load_plan reads the columns of this pop's schema
    for (plan_id,) in db.execute("SELECT DISTINCT plan_id FROM signatures").fetchall():
        plan = store.load_plan(plan_id)
        old = agreement.content(plan)
        old["people"] = {r: n for (p, r), n in old_names.items() if p == plan_id}
        before = agreement.digest_of(old)
        db.execute("UPDATE signatures SET digest=? WHERE plan_id=? AND digest=?",
                   (agreement.content_digest(plan), plan_id, before))


def _keep_content_digest(store: SQLiteStore) -> None:
    """Schema 4: the digest of each plan's agreed content, kept with its version (empty until
    the plan's next write; pop works it out from the content meanwhile)."""
    columns = {row[1] for row in store.db.execute("PRAGMA table_info(plans)")}
    if "content_digest" not in columns:
        store.db.execute("ALTER TABLE plans ADD COLUMN content_digest TEXT")


#: Schema 1, 2, 3, …: each step a script or a function of the store.
MIGRATIONS: tuple[str | Callable[[SQLiteStore], None], ...] = (
    # 1: plans, their answers and an append-only event log
    """
    CREATE TABLE snapshots (
        digest TEXT PRIMARY KEY, pack_id TEXT NOT NULL, version TEXT NOT NULL,
        body TEXT NOT NULL);
    CREATE TABLE plans (
        id TEXT PRIMARY KEY, pack_id TEXT NOT NULL, pack_version TEXT NOT NULL,
        digest TEXT NOT NULL REFERENCES snapshots(digest), state TEXT NOT NULL,
        person TEXT NOT NULL DEFAULT '', date TEXT, created TEXT NOT NULL, updated TEXT NOT NULL,
        previous_id TEXT, cursor TEXT);
    CREATE INDEX plans_updated ON plans(updated);
    CREATE INDEX plans_person ON plans(person);
    CREATE TABLE people (
        plan_id TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE, role TEXT NOT NULL,
        name TEXT NOT NULL, PRIMARY KEY (plan_id, role));
    CREATE TABLE answers (
        plan_id TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE, question TEXT NOT NULL,
        value TEXT NOT NULL, PRIMARY KEY (plan_id, question));
    CREATE TABLE overrides (
        plan_id TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE, rule TEXT NOT NULL,
        reason TEXT NOT NULL, actor TEXT NOT NULL, at TEXT NOT NULL,
        PRIMARY KEY (plan_id, rule));
    CREATE TABLE events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        plan_id TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
        at TEXT NOT NULL, actor TEXT NOT NULL, kind TEXT NOT NULL, data TEXT NOT NULL);
    CREATE INDEX events_plan ON events(plan_id, seq);
    CREATE TRIGGER events_append_only BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
    """,
    # 2: after the conversation: signatures (akkoord) and check-ins; lookups by person and cycle
    """
    CREATE TABLE signatures (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        plan_id TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
        role TEXT NOT NULL, name TEXT NOT NULL, at TEXT NOT NULL, digest TEXT NOT NULL,
        actor TEXT NOT NULL);
    CREATE INDEX signatures_plan ON signatures(plan_id, seq);
    CREATE TABLE checkins (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        plan_id TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
        date TEXT NOT NULL, at TEXT NOT NULL, actor TEXT NOT NULL, data TEXT NOT NULL);
    CREATE INDEX checkins_plan ON checkins(plan_id, seq);
    CREATE INDEX plans_previous ON plans(previous_id);
    CREATE INDEX people_name ON people(name COLLATE NOCASE);
    """,
    _migrate_people,  # 3: people as records, plan versions
    _keep_content_digest,  # 4
    SCHEMA_5,  # 5: preparing on a phone (engine.sqlstore.SCHEMA_5)
    SCHEMA_6,  # 6: due rows (made by migration 9 for the plans then in the store), indexes
    # 7: what is due kept in date order (a horizon is one stretch of the table, not a lookup
    # per row); what ``pop list`` shows of a plan, and the columns ``pop due`` joins on,
    # covered by an index in the order they are read (engine.sqlstore.SCHEMA_7)
    SCHEMA_7 + """
    CREATE TABLE due_by_date (
        plan_id TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE, item TEXT NOT NULL,
        kind TEXT NOT NULL, date TEXT NOT NULL, title TEXT, status TEXT,
        PRIMARY KEY (date, plan_id, item)) WITHOUT ROWID;
    INSERT INTO due_by_date SELECT plan_id, item, kind, date, title, status FROM due_items;
    DROP TABLE due_items;
    ALTER TABLE due_by_date RENAME TO due_items;
    CREATE UNIQUE INDEX due_items_plan ON due_items(plan_id, item);
    CREATE INDEX people_names ON people(id, name);
    """,
    SCHEMA_8,  # 8: each due row says whose plan it is in (engine.sqlstore.SCHEMA_8)
    # 9: who acted on each plan; due rows kept in the order pop due lists them, with their
    # person's name (engine.sqlstore.SCHEMA_9); a store from before 6 gets its due rows here
    lambda store: store.upgrade_to_9(SCHEMA_9 + f"""
    CREATE TABLE due_in_order (
        plan_id TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE, item TEXT NOT NULL,
        kind TEXT NOT NULL, date TEXT NOT NULL, title TEXT, status TEXT, person_id TEXT,
        pack_id TEXT, state TEXT, person TEXT NOT NULL, name_key TEXT NOT NULL,
        PRIMARY KEY ({DUE_ORDER})) WITHOUT ROWID;
    INSERT INTO due_in_order SELECT d.plan_id, d.item, d.kind, d.date, d.title, d.status,
        d.person_id, d.pack_id, d.state, coalesce(h.name, ''), coalesce(h.name_key, '')
        FROM due_items d LEFT JOIN people h ON h.id = d.person_id;
    DROP TABLE due_items;
    ALTER TABLE due_in_order RENAME TO due_items;
    CREATE UNIQUE INDEX due_items_plan ON due_items(plan_id, item);
    CREATE INDEX due_items_person ON due_items(person_id, date);
    """),
)

assert len(MIGRATIONS) == SCHEMA_VERSION
