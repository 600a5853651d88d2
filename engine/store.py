"""Where plans and people live. :class:`Store` is the interface; :class:`SQLiteStore` the
embedded default.

Many hands on one plan: every change is one transaction that takes the write lock first
(``BEGIN IMMEDIATE``), so a session re-reads the plan and re-checks its guards inside it
(:meth:`engine.session.Session.writing`) before anything is written. Each write moves the plan's
``version`` by one, compare-and-set (``… WHERE id=? AND version=?``), and appends one event
carrying that version: the event log replays to the plan. Committed at once, so Ctrl-C, a
crash or a power cut loses nothing that was answered. The file is readable by its owner only.

Erasing a person (:meth:`Store.forget_person`) deletes their record and their own plans from
every table, puts :data:`engine.people.REDACTED` where their name stood in other people's
plans (signatures of the content as it was are carried over to the redacted content, and a
``redacted`` event says so), then compacts the file and empties the write-ahead log, so nothing
stays behind.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from . import agreement
from .errors import PopError, UsageError
from .files import private_dir
from .i18n import _
from .pack import Pack
from .people import REDACTED, DuplicateNumber, name_key, new_person_id
from .plan import Plan, now

DB_FILE = "pop.sqlite3"
_PLAN_ID = re.compile(r"[a-z0-9]{1,32}")  # an id or a prefix of one, as typed

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

#: Every table that holds rows about a plan, by the column naming the plan.
PLAN_TABLES = (("answers", "plan_id"), ("plan_roles", "plan_id"), ("overrides", "plan_id"),
               ("signatures", "plan_id"), ("checkins", "plan_id"), ("events", "plan_id"),
               ("plans", "id"))
PERSON_COLUMNS = ("id", "name", "number", "hired", "team", "leader_id", "email", "created",
                  "updated")


class StoreBusy(PopError):
    """The write lock could not be had in time: another pop holds the store."""

    exit_code = 4


class StaleWrite(PopError):
    """A write based on a plan version that is no longer current (compare-and-set failed)."""

    exit_code = 4


class Store(ABC):
    """What pop needs from a place to keep plans and people (SQLite; a server database)."""

    @abstractmethod
    def transaction(self) -> Any:
        """A context: one write transaction holding the write lock; nests (the outer commits)."""

    @abstractmethod
    def plan_version(self, plan_id: str) -> int:
        """The plan's current version (inside :meth:`transaction`: the locked one)."""

    @abstractmethod
    def create_plan(self, plan: Plan, actor: str) -> list[dict]:
        """Store a new plan; people without an id become records. Returns those created."""

    @abstractmethod
    def load_plan(self, plan_id: str) -> Plan: ...

    @abstractmethod
    def events_since(self, plan_id: str, version: int) -> list[dict]: ...

    @abstractmethod
    def record_answer(self, plan: Plan, question: str, value: Any, actor: str) -> dict: ...

    @abstractmethod
    def remove_answer(self, plan: Plan, question: str, actor: str) -> dict: ...

    @abstractmethod
    def record_skip(self, plan: Plan, question: str, actor: str) -> dict: ...

    @abstractmethod
    def asked(self, plan_id: str) -> set[str]: ...

    @abstractmethod
    def record_override(self, plan: Plan, rule: str, reason: str, actor: str) -> dict: ...

    @abstractmethod
    def record_state(self, plan: Plan, source: str, dest: str, actor: str) -> dict: ...

    @abstractmethod
    def set_cursor(self, plan: Plan, question: str | None) -> None:
        """Where an interview stopped; not a change of the plan (no version, no event)."""

    @abstractmethod
    def record_signature(self, plan: Plan, role: str, name: str, person_id: str | None,
                         digest: str, actor: str) -> dict: ...

    @abstractmethod
    def record_checkin(self, plan: Plan, checkin: dict, answers: dict[str, Any], actor: str
                       ) -> dict:
        """Store a check-in and the answers it changes, in one transaction."""

    @abstractmethod
    def successor(self, plan_id: str) -> str | None:
        """The id of the plan of the next cycle, if one was started from this one."""

    # people
    @abstractmethod
    def add_person(self, name: str, **fields: Any) -> dict: ...

    @abstractmethod
    def edit_person(self, person_id: str, **fields: Any) -> dict: ...

    @abstractmethod
    def get_person(self, person_id: str) -> dict | None: ...

    @abstractmethod
    def person_by_number(self, number: str) -> dict | None: ...

    @abstractmethod
    def find_people(self, ref: str) -> list[dict]:
        """Everyone ``ref`` may stand for: the person with that id or number, or that name."""

    @abstractmethod
    def search_people(self, text: str, limit: int = 5) -> list[dict]:
        """People whose name starts with (or contains) ``text``: suggestions while typing."""

    @abstractmethod
    def list_people(self, *, team: str | None = None, leader_id: str | None = None
                    ) -> list[dict]: ...

    @abstractmethod
    def person_plans(self, person_id: str) -> dict[str, list[str]]:
        """``{own: [...], appears: [...]}``: plans about the person, and other plans they are
        in (another role, a signer, an actor)."""

    @abstractmethod
    def export_person(self, person_id: str) -> dict:
        """Everything stored about a person: their record, plans, answers, events."""

    @abstractmethod
    def forget_person(self, person_id: str) -> dict:
        """Erase the person and their own plans; redact them in other plans."""

    @abstractmethod
    def list_plans(self, *, state: str | None = None, pack: str | None = None,
                   person: str | None = None, limit: int | None = None) -> list[dict]:
        """``person``: a person's id."""

    @abstractmethod
    def count_plans(self, *, state: str | None = None, pack: str | None = None,
                    person: str | None = None) -> int: ...

    @abstractmethod
    def events(self, plan_id: str) -> list[dict]: ...

    @abstractmethod
    def close(self) -> None: ...


def default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("pop", appauthor=False))


def busy_seconds() -> float:
    """How long a command waits for another's write to finish (``POP_BUSY_SECONDS``)."""
    try:
        return max(0.0, float(os.environ.get("POP_BUSY_SECONDS") or 30))
    except ValueError:
        return 30.0


def open_store(data_dir: str | os.PathLike | None = None) -> SQLiteStore:
    """The store in ``data_dir``, else ``POP_HOME``, else the platform's user data folder."""
    folder = Path(data_dir or os.environ.get("POP_HOME") or default_data_dir()).expanduser()
    try:
        private_dir(folder)
    except OSError as exc:
        raise UsageError(_("cannot create the data folder {folder}: {error}").format(
            folder=folder, error=exc.strerror or exc)) from None
    return SQLiteStore(folder / DB_FILE)


class SQLiteStore(Store):
    def __init__(self, path: Path):
        self.path = path
        self._depth = 0
        self._packs: dict[str, Pack] = {}
        try:
            if not path.exists():
                fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)  # owner-only from the start
                os.close(fd)
            self.db = sqlite3.connect(path, isolation_level=None, timeout=busy_seconds())
            self._retry_busy(lambda: self.db.execute("PRAGMA journal_mode=WAL"))
            self.db.execute("PRAGMA synchronous=FULL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except OSError as exc:
            raise UsageError(_("cannot open the plan store {path}: {error}").format(
                path=path, error=exc.strerror or exc)) from None
        except sqlite3.OperationalError as exc:
            if _is_busy(exc):
                raise StoreBusy(busy_message(path)) from None
            raise UsageError(_("cannot use the plan store {path}: {error}").format(
                path=path, error=exc)) from None
        except sqlite3.DatabaseError as exc:
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
        if self.schema_version == len(MIGRATIONS):
            return
        with self.transaction():
            version = self.schema_version
            if version > len(MIGRATIONS):
                raise PopError(_("{path} was made by a newer pop (schema {version}); upgrade "
                                 "pop").format(path=self.path, version=version))
            for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
                if callable(step):
                    step(self)
                else:
                    self._script(step)
                self.db.execute(f"PRAGMA user_version={number}")
        if self.schema_version > len(MIGRATIONS):
            raise PopError(_("{path} was made by a newer pop (schema {version}); upgrade pop")
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

    @contextmanager
    def transaction(self) -> Iterator[None]:
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if _is_busy(exc):
                raise StoreBusy(busy_message(self.path)) from None
            raise
        self._depth = 1
        try:
            yield
        except BaseException:
            self._depth = 0
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise
        self._depth = 0
        self.db.execute("COMMIT")

    def plan_version(self, plan_id: str) -> int:
        row = self.db.execute("SELECT version FROM plans WHERE id=?", (plan_id,)).fetchone()
        if row is None:
            raise UsageError(_("no plan {id!r}").format(id=plan_id))
        return row[0]

    def _event(self, plan: Plan, actor: str, kind: str, data: dict) -> dict:
        """Move the plan's version on (compare-and-set) and append the event of this change."""
        at = now()
        moved = self.db.execute("UPDATE plans SET updated=?, version=version+1 "
                                "WHERE id=? AND version=?", (at, plan.id, plan.version))
        if moved.rowcount != 1:
            raise StaleWrite(_("plan {id} was changed by someone else meanwhile; nothing was "
                               "written, try again").format(id=plan.id))
        plan.version += 1
        plan.updated = at
        self.db.execute("INSERT INTO events (plan_id, at, actor, kind, data, version) "
                        "VALUES (?,?,?,?,?,?)", (plan.id, at, actor, kind, _dump(data),
                                                 plan.version))
        return {"kind": kind, "data": data, "actor": actor, "at": at, "version": plan.version}

    def close(self) -> None:
        self.db.close()

    def _pack(self, digest: str) -> Pack:
        """A snapshot never changes: parse it once per process."""
        pack = self._packs.get(digest)
        if pack is None:
            (body,) = self.db.execute("SELECT body FROM snapshots WHERE digest=?",
                                      (digest,)).fetchone()
            pack = self._packs[digest] = Pack.from_snapshot(json.loads(body))
        return pack

    # --- plans --------------------------------------------------------------------------------
    def create_plan(self, plan: Plan, actor: str) -> list[dict]:
        snap = plan.pack.snapshot()
        created = []
        with self.transaction():
            for role, name in plan.people.items():
                pid = plan.person_ids.get(role)
                if pid is None or self.get_person(pid) is None:
                    person = self.add_person(name)
                    created.append(person)
                    plan.person_ids[role] = person["id"]
                else:
                    plan.people[role] = self.get_person(pid)["name"]
            self.db.execute("INSERT OR IGNORE INTO snapshots VALUES (?,?,?,?)",
                            (plan.pack.digest, plan.pack_id, plan.pack_version, _dump(snap)))
            self.db.execute(
                "INSERT INTO plans (id, pack_id, pack_version, digest, state, person_id, date, "
                "created, updated, previous_id, cursor, version) VALUES (?,?,?,?,?,?,?,?,?,?,?,0)",
                (plan.id, plan.pack_id, plan.pack_version, plan.pack.digest, plan.state,
                 plan.person_id, plan.date, plan.created, plan.updated, plan.previous_id,
                 plan.cursor))
            self.db.executemany("INSERT INTO plan_roles VALUES (?,?,?)",
                                [(plan.id, r, plan.person_ids[r]) for r in plan.people])
            self.db.executemany("INSERT INTO answers VALUES (?,?,?)",
                                [(plan.id, q, _dump(v)) for q, v in plan.answers.items()])
            plan.version = 0
            self._event(plan, actor, "created", {
                "pack": plan.pack_id, "version": plan.pack_version, "people": plan.people,
                "person_ids": plan.person_ids, "date": plan.date, "previous": plan.previous_id,
                "answers": plan.answers})
        return created

    def resolve_id(self, plan_id: str) -> str:
        """A full plan id from an id or a unique prefix of one."""
        plan_id = plan_id.strip().lower()
        if not _PLAN_ID.fullmatch(plan_id):
            shown = plan_id if len(plan_id) <= 20 else plan_id[:20] + "…"
            raise UsageError(_("no plan {id!r}").format(id=shown))
        if self.db.execute("SELECT 1 FROM plans WHERE id=?", (plan_id,)).fetchone():
            return plan_id
        rows = self.db.execute("SELECT id FROM plans WHERE id LIKE ? ESCAPE '\\' LIMIT 2",
                               (_like_prefix(plan_id),)).fetchall()
        if len(rows) == 1:
            return rows[0][0]
        if not rows:
            raise UsageError(_("no plan {id!r}").format(id=plan_id))
        raise UsageError(_("{id!r} matches more than one plan; give more of the id").format(
            id=plan_id))

    def load_plan(self, plan_id: str) -> Plan:
        plan_id = self.resolve_id(plan_id)
        row = self.db.execute(
            "SELECT state, date, created, updated, previous_id, cursor, digest, version "
            "FROM plans WHERE id=?", (plan_id,)).fetchone()
        if row is None:  # erased between resolving and reading
            raise UsageError(_("no plan {id!r}").format(id=plan_id))
        state, date, created, updated, previous, cursor, digest, version = row
        pack = self._pack(digest)
        plan = Plan(plan_id, pack, state, date=date, created=created, updated=updated,
                    previous_id=previous, cursor=cursor, version=version)
        for role, pid, name in self.db.execute(
                "SELECT r.role, r.person_id, p.name FROM plan_roles r LEFT JOIN people p "
                "ON p.id = r.person_id WHERE r.plan_id=? ORDER BY r.rowid", (plan_id,)):
            plan.people[role] = name if name is not None else REDACTED
            plan.person_ids[role] = pid
        answers = {q: json.loads(v) for q, v in self.db.execute(
            "SELECT question, value FROM answers WHERE plan_id=?", (plan_id,))}
        order = {q: i for i, q in enumerate(pack.questions)}
        plan.answers = dict(sorted(answers.items(), key=lambda kv: order.get(kv[0], 1e9)))
        plan.overrides = {r: {"reason": reason, "actor": actor, "at": at}
                          for r, reason, actor, at in self.db.execute(
                              "SELECT rule, reason, actor, at FROM overrides WHERE plan_id=?",
                              (plan_id,))}
        plan.signatures = [{"role": role, "name": name, "person_id": pid, "at": at,
                            "digest": digest}
                           for role, name, pid, at, digest in self.db.execute(
                               "SELECT role, name, person_id, at, digest FROM signatures "
                               "WHERE plan_id=? ORDER BY seq", (plan_id,))]
        plan.checkins = [{**json.loads(data), "date": date, "at": at, "actor": actor}
                         for date, at, actor, data in self.db.execute(
                             "SELECT date, at, actor, data FROM checkins WHERE plan_id=? "
                             "ORDER BY seq", (plan_id,))]
        agreement.refresh(plan)
        return plan

    def events_since(self, plan_id: str, version: int) -> list[dict]:
        return [{"seq": seq, "version": v, "at": at, "actor": actor, "kind": kind,
                 "data": json.loads(data)}
                for seq, v, at, actor, kind, data in self.db.execute(
                    "SELECT seq, version, at, actor, kind, data FROM events "
                    "WHERE plan_id=? AND version>? ORDER BY seq", (plan_id, version))]

    def record_answer(self, plan: Plan, question: str, value: Any, actor: str) -> dict:
        previous = plan.answers.get(question)
        with self.transaction():
            self.db.execute("INSERT INTO answers VALUES (?,?,?) ON CONFLICT(plan_id, question) "
                            "DO UPDATE SET value=excluded.value", (plan.id, question, _dump(value)))
            event = self._event(plan, actor, "answer",
                                {"question": question, "value": value, "previous": previous})
        plan.answers[question] = value
        agreement.refresh(plan)
        return event

    def remove_answer(self, plan: Plan, question: str, actor: str) -> dict:
        previous = plan.answers.get(question)
        with self.transaction():
            self.db.execute("DELETE FROM answers WHERE plan_id=? AND question=?",
                            (plan.id, question))
            event = self._event(plan, actor, "answer_removed",
                                {"question": question, "previous": previous})
        plan.answers.pop(question, None)
        agreement.refresh(plan)
        return event

    def record_skip(self, plan: Plan, question: str, actor: str) -> dict:
        with self.transaction():
            return self._event(plan, actor, "skipped", {"question": question})

    def asked(self, plan_id: str) -> set[str]:
        """Questions answered, cleared or skipped at some point: asked already."""
        rows = self.db.execute("SELECT data FROM events WHERE plan_id=? AND kind IN "
                               "('answer', 'answer_removed', 'skipped')", (plan_id,))
        return {json.loads(data)["question"] for (data,) in rows}

    def record_override(self, plan: Plan, rule: str, reason: str, actor: str) -> dict:
        with self.transaction():
            event = self._event(plan, actor, "override", {
                "rule": rule, "reason": reason,
                "previous": (plan.overrides.get(rule) or {}).get("reason")})
            self.db.execute("INSERT OR REPLACE INTO overrides VALUES (?,?,?,?,?)",
                            (plan.id, rule, reason, actor, event["at"]))
        plan.overrides[rule] = {"reason": reason, "actor": actor, "at": event["at"]}
        return event

    def record_state(self, plan: Plan, source: str, dest: str, actor: str) -> dict:
        with self.transaction():
            self.db.execute("UPDATE plans SET state=?, cursor=NULL WHERE id=? AND state=?",
                            (dest, plan.id, source))
            event = self._event(plan, actor, "state", {"from": source, "to": dest})
        plan.cursor = None
        return event

    def set_cursor(self, plan: Plan, question: str | None) -> None:
        if plan.cursor != question:
            self.db.execute("UPDATE plans SET cursor=? WHERE id=?", (question, plan.id))
        plan.cursor = question

    # --- after the conversation ---------------------------------------------------------------
    def record_signature(self, plan: Plan, role: str, name: str, person_id: str | None,
                         digest: str, actor: str) -> dict:
        with self.transaction():
            event = self._event(plan, actor, "signed", {"role": role, "name": name,
                                                        "person_id": person_id,
                                                        "digest": digest})
            self.db.execute("INSERT INTO signatures (plan_id, role, name, at, digest, actor, "
                            "person_id) VALUES (?,?,?,?,?,?,?)",
                            (plan.id, role, name, event["at"], digest, actor, person_id))
        plan.signatures.append({"role": role, "name": name, "person_id": person_id,
                                "at": event["at"], "digest": digest})
        agreement.refresh(plan)
        return event

    def record_checkin(self, plan: Plan, checkin: dict, answers: dict[str, Any], actor: str
                       ) -> dict:
        body = {k: v for k, v in checkin.items() if k not in ("date", "at", "actor")}
        previous = {q: plan.answers.get(q) for q in answers}
        with self.transaction():
            self.db.executemany(
                "INSERT INTO answers VALUES (?,?,?) ON CONFLICT(plan_id, question) "
                "DO UPDATE SET value=excluded.value",
                [(plan.id, q, _dump(v)) for q, v in answers.items()])
            event = self._event(plan, actor, "checkin", {**checkin, "previous": previous})
            self.db.execute("INSERT INTO checkins (plan_id, date, at, actor, data) "
                            "VALUES (?,?,?,?,?)", (plan.id, checkin["date"], event["at"], actor,
                                                   _dump(body)))
        plan.answers.update(answers)
        plan.checkins.append({**body, "date": checkin["date"], "at": event["at"], "actor": actor})
        agreement.refresh(plan)
        return event

    def successor(self, plan_id: str) -> str | None:
        row = self.db.execute("SELECT id FROM plans WHERE previous_id=? ORDER BY created LIMIT 1",
                              (plan_id,)).fetchone()
        return row[0] if row else None

    # --- people -------------------------------------------------------------------------------
    def _person(self, row: tuple | None) -> dict | None:
        if row is None:
            return None
        person = dict(zip(PERSON_COLUMNS, row, strict=True))
        leader = person["leader_id"] and self.db.execute(
            "SELECT name FROM people WHERE id=?", (person["leader_id"],)).fetchone()
        person["leader"] = leader[0] if leader else None
        return person

    def _people(self, where: str, args: tuple | list) -> list[dict]:
        cols = ", ".join(PERSON_COLUMNS)
        return [self._person(row) for row in self.db.execute(
            f"SELECT {cols} FROM people {where}", args).fetchall()]

    def add_person(self, name: str, **fields: Any) -> dict:
        at = now()
        person_id = new_person_id()
        with self.transaction():
            self._check_number(fields.get("number"), None)
            self.db.execute(
                "INSERT INTO people (id, name, name_key, number, hired, team, leader_id, email, "
                "created, updated) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (person_id, name, name_key(name), fields.get("number"), fields.get("hired"),
                 fields.get("team"), fields.get("leader_id"), fields.get("email"), at, at))
        return self.get_person(person_id)

    def _check_number(self, number: str | None, person_id: str | None) -> None:
        if number:
            holder = self.person_by_number(number)
            if holder is not None and holder["id"] != person_id:
                raise DuplicateNumber(number, holder)

    def edit_person(self, person_id: str, **fields: Any) -> dict:
        allowed = ("name", "number", "hired", "team", "leader_id", "email")
        changes = {k: v for k, v in fields.items() if k in allowed}
        with self.transaction():
            if "number" in changes:
                self._check_number(changes["number"], person_id)
            if "name" in changes:
                changes["name_key"] = name_key(changes["name"])
            if changes:
                sets = ", ".join(f"{k}=?" for k in changes)
                self.db.execute(f"UPDATE people SET {sets}, updated=? WHERE id=?",
                                [*changes.values(), now(), person_id])
        return self.get_person(person_id)

    def get_person(self, person_id: str) -> dict | None:
        found = self._people("WHERE id=?", (person_id,))
        return found[0] if found else None

    def person_by_number(self, number: str) -> dict | None:
        found = self._people("WHERE number=?", (number,))
        return found[0] if found else None

    def find_people(self, ref: str) -> list[dict]:
        text = ref.strip()
        return self._people("WHERE id=? OR number=? OR name_key=? ORDER BY name_key, id",
                            (text.lower(), text, name_key(text)))

    def search_people(self, text: str, limit: int = 5) -> list[dict]:
        key = name_key(text)
        if not key:
            return []
        return self._people("WHERE name_key LIKE ? ESCAPE '\\' OR name_key LIKE ? ESCAPE '\\' "
                            "ORDER BY name_key LIKE ? ESCAPE '\\' DESC, name_key LIMIT ?",
                            (_like_prefix(key), "%" + _like_prefix(key), _like_prefix(key),
                             limit))

    def list_people(self, *, team: str | None = None, leader_id: str | None = None
                    ) -> list[dict]:
        where, args = _equal({"team": team, "leader_id": leader_id})
        return self._people(f"{where} ORDER BY name_key, id", args)

    def person_plans(self, person_id: str) -> dict[str, list[str]]:
        own = [r[0] for r in self.db.execute(
            "SELECT id FROM plans WHERE person_id=? ORDER BY created, id", (person_id,))]
        person = self.get_person(person_id)
        names = {person_id}
        if person and len(self._people("WHERE name_key=?", (name_key(person["name"]),))) == 1:
            names.add(name_key(person["name"]))  # a name stands for them only without namesakes
        appears = {r[0] for r in self.db.execute(
            "SELECT plan_id FROM plan_roles WHERE person_id=? UNION "
            "SELECT plan_id FROM signatures WHERE person_id=?", (person_id, person_id))}
        for table in ("events", "overrides", "checkins"):  # free-text actors: by name
            for plan_id, actor in self.db.execute(f"SELECT DISTINCT plan_id, actor FROM {table}"):
                if actor in names or name_key(actor) in names:
                    appears.add(plan_id)
        others = [r[0] for r in self.db.execute("SELECT id FROM plans ORDER BY created, id")
                  if r[0] in appears and r[0] not in own]
        return {"own": own, "appears": others}

    def export_person(self, person_id: str) -> dict:
        found = self.person_plans(person_id)
        plans = []
        for plan_id in found["own"] + found["appears"]:
            plan = self.load_plan(plan_id)
            plans.append({**plan.as_dict(), "events": self.events(plan_id),
                          "about_this_person": plan_id in found["own"]})
        return {"person": self.get_person(person_id), "exported": now(), "plans": plans}

    def forget_person(self, person_id: str) -> dict:
        person = self.get_person(person_id)
        if person is None:
            raise UsageError(_("no person {ref!r} in the register (see pop people list)").format(
                ref=person_id))
        found = self.person_plans(person_id)
        own, others = found["own"], found["appears"]
        redact = _redactor(person)
        rows = 0
        self.db.execute("PRAGMA secure_delete=ON")  # freed pages are zeroed, not left behind
        with self.transaction():
            self.db.execute("INSERT INTO erasing VALUES (1)")
            if own:
                marks = ",".join("?" * len(own))
                for table, column in PLAN_TABLES:
                    rows += self.db.execute(f"DELETE FROM {table} WHERE {column} IN ({marks})",
                                            own).rowcount
                # later cycles of other people's plans must not point at what is gone
                self.db.execute(f"UPDATE plans SET previous_id=NULL WHERE previous_id IN "
                                f"({marks})", own)
            for plan_id in others:
                before = agreement.content_digest(self.load_plan(plan_id))
                rows += self._redact_plan(plan_id, redact)
                plan = self.load_plan(plan_id)
                after = agreement.content_digest(plan)
                # the akkoord stands: only an erasure the law requires changed the content
                self.db.execute("UPDATE signatures SET digest=? WHERE plan_id=? AND digest=?",
                                (after, plan_id, before))
                self._event(plan, "pop", "redacted", {"digest_before": before,
                                                      "digest_after": after})
            self.db.execute("UPDATE people SET leader_id=NULL WHERE leader_id=?", (person_id,))
            rows += self.db.execute("DELETE FROM people WHERE id=?", (person_id,)).rowcount
            self.db.execute("DELETE FROM snapshots WHERE digest NOT IN "
                            "(SELECT digest FROM plans)")
            self.db.execute("DELETE FROM erasing")
        return {"person": person_id, "plans": own, "redacted": others, "rows": rows,
                **self.compact()}

    def _redact_plan(self, plan_id: str, redact: Callable[[Any], Any]) -> int:
        """Put the marker where the person's name stands in another person's plan."""
        changed = 0
        for table, key, columns in (
                ("events", "seq", ("actor", "data")), ("signatures", "seq", ("name", "actor")),
                ("checkins", "seq", ("actor", "data")), ("overrides", "rule", ("actor", "reason")),
                ("answers", "question", ("value",))):
            cols = ", ".join(columns)
            for row in self.db.execute(f"SELECT {key}, {cols} FROM {table} WHERE plan_id=?",
                                       (plan_id,)).fetchall():
                new = [_redact_column(column, value, redact)
                       for column, value in zip(columns, row[1:], strict=True)]
                if new != list(row[1:]):
                    sets = ", ".join(f"{c}=?" for c in columns)
                    self.db.execute(f"UPDATE {table} SET {sets} WHERE plan_id=? AND {key}=?",
                                    [*new, plan_id, row[0]])
                    changed += 1
        return changed

    def compact(self) -> dict:
        """Rewrite the file without free pages and empty the write-ahead log.

        ``complete`` is False when another process still reads the store: the erased data may
        then remain in ``pop.sqlite3-wal`` until :meth:`compact` runs again with nobody reading.
        """
        try:
            self.db.execute("VACUUM")  # nothing left in free pages …
            busy, _log, _done = self._retry_busy(
                lambda: self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone())
        except sqlite3.OperationalError as exc:
            if not _is_busy(exc):
                raise
            busy = 1
        wal = Path(f"{self.path}-wal")
        left = wal.stat().st_size if wal.exists() else 0
        return {"complete": not busy and left == 0, "wal_bytes": left}

    # --- listing ------------------------------------------------------------------------------
    def _where(self, state: str | None, pack: str | None, person: str | None
               ) -> tuple[str, list]:
        clauses, args = [], []
        if state:
            clauses.append("(p.state=? OR p.state LIKE ? ESCAPE '\\')")
            args += [state, _like_prefix(state + ".")]
        return _equal({"p.pack_id": pack, "p.person_id": person}, clauses, args)

    def list_plans(self, *, state: str | None = None, pack: str | None = None,
                   person: str | None = None, limit: int | None = None) -> list[dict]:
        where, args = self._where(state, pack, person)
        sql = ("SELECT p.id, p.pack_id, p.pack_version, coalesce(h.name, ''), p.person_id, "
               "p.state, p.date, p.updated, p.previous_id, p.version FROM plans p "
               f"LEFT JOIN people h ON h.id = p.person_id{where} ORDER BY p.updated DESC, p.id")
        if limit is not None:
            sql += " LIMIT ?"
            args.append(limit)
        keys = ("id", "pack", "pack_version", "person", "person_id", "state", "date", "updated",
                "previous", "version")
        return [dict(zip(keys, row, strict=True)) for row in self.db.execute(sql, args)]

    def count_plans(self, *, state: str | None = None, pack: str | None = None,
                    person: str | None = None) -> int:
        where, args = self._where(state, pack, person)
        return self.db.execute(f"SELECT count(*) FROM plans p{where}", args).fetchone()[0]

    def events(self, plan_id: str) -> list[dict]:
        return self.events_since(self.resolve_id(plan_id), -1)


def busy_message(path: Path) -> str:
    return _("the plan store {path} is busy: another pop kept it locked for {seconds:g} "
             "seconds; try again (POP_BUSY_SECONDS waits longer)").format(
        path=path, seconds=busy_seconds())


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def _redactor(person: dict) -> Callable[[Any], Any]:
    """Replace the person's name (any case; NFC) in strings, recursively."""
    from .people import nfc

    pattern = re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, nfc(person["name"]).split()))
                         + r"(?!\w)", re.IGNORECASE)
    ids = {person["id"]}

    def redact(value: Any) -> Any:
        if isinstance(value, str):
            if value in ids:
                return value  # an opaque id stays: the plans' links and digests keep
            return pattern.sub(REDACTED, nfc(value))
        if isinstance(value, list):
            return [redact(v) for v in value]
        if isinstance(value, dict):
            return {k: redact(v) for k, v in value.items()}
        return value

    return redact


def _redact_column(column: str, value: Any, redact: Callable[[Any], Any]) -> Any:
    if column in ("data", "value"):
        return _dump(redact(json.loads(value)))
    return redact(value) if isinstance(value, str) else value


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
    for (plan_id,) in db.execute("SELECT DISTINCT plan_id FROM signatures").fetchall():
        plan = store.load_plan(plan_id)
        old = agreement.content(plan)
        old["people"] = {r: n for (p, r), n in old_names.items() if p == plan_id}
        import hashlib

        before = hashlib.sha256(agreement.canonical(old).encode("utf-8")).hexdigest()
        db.execute("UPDATE signatures SET digest=? WHERE plan_id=? AND digest=?",
                   (agreement.content_digest(plan), plan_id, before))


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
)


def _equal(columns: dict[str, Any], clauses: list[str] | None = None,
           args: list | None = None) -> tuple[str, list]:
    """`` WHERE a=? AND b=?`` for the columns given a value (and any clauses already made)."""
    clauses, args = list(clauses or []), list(args or [])
    for column, value in columns.items():
        if value:
            clauses.append(f"{column}=?")
            args.append(value)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", args


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _like_prefix(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
