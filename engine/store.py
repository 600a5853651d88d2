"""Where plans live. :class:`Store` is the interface; :class:`SQLiteStore` the embedded default.

Every change is its own committed transaction with its event appended, so an interrupted
conversation (Ctrl-C, a crash, a power cut) loses nothing that was answered. The database is
one file in the user's data directory, readable by its owner only.

Erasing a person (:meth:`Store.forget_person`) deletes every row of their plans from every
table, then compacts the file and empties the write-ahead log, so nothing stays behind.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any

from . import agreement
from .errors import PopError, UsageError
from .files import private_dir
from .i18n import _
from .pack import Pack
from .plan import Plan, now

DB_FILE = "pop.sqlite3"
_PLAN_ID = re.compile(r"[a-z0-9]{1,32}")  # an id or a prefix of one, as typed

MIGRATIONS: tuple[str, ...] = (
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
)

#: Every table that holds rows about a plan, by the column naming the plan.
PLAN_TABLES = (("answers", "plan_id"), ("people", "plan_id"), ("overrides", "plan_id"),
               ("signatures", "plan_id"), ("checkins", "plan_id"), ("events", "plan_id"),
               ("plans", "id"))


class Store(ABC):
    """What pop needs from a place to keep plans (SQLite today, a server database later)."""

    @abstractmethod
    def create_plan(self, plan: Plan, actor: str) -> None: ...

    @abstractmethod
    def load_plan(self, plan_id: str) -> Plan: ...

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
    def set_cursor(self, plan: Plan, question: str | None) -> None: ...

    @abstractmethod
    def record_signature(self, plan: Plan, role: str, name: str, digest: str, actor: str
                         ) -> dict: ...

    @abstractmethod
    def record_checkin(self, plan: Plan, checkin: dict, answers: dict[str, Any], actor: str
                       ) -> dict:
        """Store a check-in and the answers it changes, in one transaction."""

    @abstractmethod
    def successor(self, plan_id: str) -> str | None:
        """The id of the plan of the next cycle, if one was started from this one."""

    @abstractmethod
    def plans_about(self, person: str) -> list[str]:
        """Ids of the plans about ``person`` or with ``person`` in them (any role, signer)."""

    @abstractmethod
    def export_person(self, person: str) -> dict:
        """Everything stored about ``person``: their plans, answers, events, signatures."""

    @abstractmethod
    def forget_person(self, person: str) -> dict:
        """Erase every plan :meth:`plans_about` ``person``, leaving nothing recoverable."""

    @abstractmethod
    def list_plans(self, *, state: str | None = None, pack: str | None = None,
                   person: str | None = None, limit: int | None = None) -> list[dict]: ...

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
        try:
            if not path.exists():
                fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)  # owner-only from the start
                os.close(fd)
            self.db = sqlite3.connect(path, isolation_level=None, timeout=10)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=FULL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except OSError as exc:
            raise UsageError(_("cannot open the plan store {path}: {error}").format(
                path=path, error=exc.strerror or exc)) from None
        except sqlite3.DatabaseError as exc:
            raise UsageError(_("cannot use the plan store {path}: {error}").format(
                path=path, error=exc)) from None

    # --- plumbing -----------------------------------------------------------------------------
    def _migrate(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise PopError(_("{path} was made by a newer pop (schema {version}); upgrade pop")
                           .format(path=self.path, version=version))
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            self.db.executescript(f"BEGIN IMMEDIATE; {script}; PRAGMA user_version={number}; "
                                  "COMMIT;")

    @property
    def schema_version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    def _tx(self) -> _Transaction:
        return _Transaction(self.db)

    def _event(self, plan_id: str, actor: str, kind: str, data: dict) -> dict:
        at = now()
        self.db.execute("INSERT INTO events (plan_id, at, actor, kind, data) VALUES (?,?,?,?,?)",
                        (plan_id, at, actor, kind, _dump(data)))
        self.db.execute("UPDATE plans SET updated=? WHERE id=?", (at, plan_id))
        return {"kind": kind, "data": data, "actor": actor, "at": at}

    def close(self) -> None:
        self.db.close()

    # --- plans --------------------------------------------------------------------------------
    def create_plan(self, plan: Plan, actor: str) -> None:
        snap = plan.pack.snapshot()
        with self._tx():
            self.db.execute("INSERT OR IGNORE INTO snapshots VALUES (?,?,?,?)",
                            (plan.pack.digest, plan.pack_id, plan.pack_version, _dump(snap)))
            self.db.execute(
                "INSERT INTO plans (id, pack_id, pack_version, digest, state, person, date, "
                "created, updated, previous_id, cursor) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (plan.id, plan.pack_id, plan.pack_version, plan.pack.digest, plan.state,
                 plan.person, plan.date, plan.created, plan.updated, plan.previous_id,
                 plan.cursor))
            self.db.executemany("INSERT INTO people VALUES (?,?,?)",
                                [(plan.id, r, n) for r, n in plan.people.items()])
            self.db.executemany("INSERT INTO answers VALUES (?,?,?)",
                                [(plan.id, q, _dump(v)) for q, v in plan.answers.items()])
            self._event(plan.id, actor, "created", {
                "pack": plan.pack_id, "version": plan.pack_version, "people": plan.people,
                "date": plan.date, "previous": plan.previous_id})

    def resolve_id(self, plan_id: str) -> str:
        """A full plan id from an id or a unique prefix of one."""
        plan_id = plan_id.strip().lower()
        if not _PLAN_ID.fullmatch(plan_id):
            shown = plan_id if len(plan_id) <= 20 else plan_id[:20] + "…"
            raise UsageError(_("no plan {id!r}").format(id=shown))
        if plan_id and self.db.execute("SELECT 1 FROM plans WHERE id=?", (plan_id,)).fetchone():
            return plan_id
        rows = self.db.execute("SELECT id FROM plans WHERE id LIKE ? ESCAPE '\\' LIMIT 2",
                               (_like_prefix(plan_id),)).fetchall() if plan_id else []
        if len(rows) == 1:
            return rows[0][0]
        if not rows:
            raise UsageError(_("no plan {id!r}").format(id=plan_id))
        raise UsageError(_("{id!r} matches more than one plan; give more of the id").format(
            id=plan_id))

    def load_plan(self, plan_id: str) -> Plan:
        plan_id = self.resolve_id(plan_id)
        row = self.db.execute(
            "SELECT p.state, p.date, p.created, p.updated, p.previous_id, p.cursor, s.body "
            "FROM plans p JOIN snapshots s ON s.digest = p.digest WHERE p.id=?",
            (plan_id,)).fetchone()
        state, date, created, updated, previous, cursor, body = row
        pack = Pack.from_snapshot(json.loads(body))
        plan = Plan(plan_id, pack, state, date=date, created=created, updated=updated,
                    previous_id=previous, cursor=cursor)
        plan.people = dict(self.db.execute(
            "SELECT role, name FROM people WHERE plan_id=?", (plan_id,)).fetchall())
        plan.answers = {q: json.loads(v) for q, v in self.db.execute(
            "SELECT question, value FROM answers WHERE plan_id=?", (plan_id,))}
        order = {q: i for i, q in enumerate(pack.questions)}
        plan.answers = dict(sorted(plan.answers.items(), key=lambda kv: order.get(kv[0], 1e9)))
        plan.overrides = {r: {"reason": reason, "actor": actor, "at": at}
                          for r, reason, actor, at in self.db.execute(
                              "SELECT rule, reason, actor, at FROM overrides WHERE plan_id=?",
                              (plan_id,))}
        plan.signatures = [{"role": role, "name": name, "at": at, "digest": digest}
                           for role, name, at, digest in self.db.execute(
                               "SELECT role, name, at, digest FROM signatures WHERE plan_id=? "
                               "ORDER BY seq", (plan_id,))]
        plan.checkins = [{**json.loads(data), "date": date, "at": at, "actor": actor}
                         for date, at, actor, data in self.db.execute(
                             "SELECT date, at, actor, data FROM checkins WHERE plan_id=? "
                             "ORDER BY seq", (plan_id,))]
        agreement.refresh(plan)
        return plan

    def record_answer(self, plan: Plan, question: str, value: Any, actor: str) -> dict:
        previous = plan.answers.get(question)
        with self._tx():
            self.db.execute("INSERT INTO answers VALUES (?,?,?) ON CONFLICT(plan_id, question) "
                            "DO UPDATE SET value=excluded.value", (plan.id, question, _dump(value)))
            event = self._event(plan.id, actor, "answer",
                                {"question": question, "value": value, "previous": previous})
        plan.answers[question] = value
        plan.updated = event["at"]
        agreement.refresh(plan)
        return event

    def remove_answer(self, plan: Plan, question: str, actor: str) -> dict:
        previous = plan.answers.get(question)
        with self._tx():
            self.db.execute("DELETE FROM answers WHERE plan_id=? AND question=?",
                            (plan.id, question))
            event = self._event(plan.id, actor, "answer_removed",
                                {"question": question, "previous": previous})
        plan.answers.pop(question, None)
        agreement.refresh(plan)
        return event

    def record_skip(self, plan: Plan, question: str, actor: str) -> dict:
        with self._tx():
            return self._event(plan.id, actor, "skipped", {"question": question})

    def asked(self, plan_id: str) -> set[str]:
        """Questions answered, cleared or skipped at some point: asked already."""
        rows = self.db.execute("SELECT data FROM events WHERE plan_id=? AND kind IN "
                               "('answer', 'answer_removed', 'skipped')", (plan_id,))
        return {json.loads(data)["question"] for (data,) in rows}

    def record_override(self, plan: Plan, rule: str, reason: str, actor: str) -> dict:
        with self._tx():
            event = self._event(plan.id, actor, "override", {"rule": rule, "reason": reason})
            self.db.execute("INSERT OR REPLACE INTO overrides VALUES (?,?,?,?,?)",
                            (plan.id, rule, reason, actor, event["at"]))
        plan.overrides[rule] = {"reason": reason, "actor": actor, "at": event["at"]}
        return event

    def record_state(self, plan: Plan, source: str, dest: str, actor: str) -> dict:
        with self._tx():
            self.db.execute("UPDATE plans SET state=?, cursor=NULL WHERE id=?", (dest, plan.id))
            event = self._event(plan.id, actor, "state", {"from": source, "to": dest})
        plan.cursor = None
        return event

    def set_cursor(self, plan: Plan, question: str | None) -> None:
        self.db.execute("UPDATE plans SET cursor=? WHERE id=?", (question, plan.id))
        plan.cursor = question

    # --- after the conversation ---------------------------------------------------------------
    def record_signature(self, plan: Plan, role: str, name: str, digest: str, actor: str
                         ) -> dict:
        with self._tx():
            event = self._event(plan.id, actor, "signed",
                                {"role": role, "name": name, "digest": digest})
            self.db.execute("INSERT INTO signatures (plan_id, role, name, at, digest, actor) "
                            "VALUES (?,?,?,?,?,?)", (plan.id, role, name, event["at"], digest,
                                                     actor))
        plan.signatures.append({"role": role, "name": name, "at": event["at"], "digest": digest})
        plan.updated = event["at"]
        agreement.refresh(plan)
        return event

    def record_checkin(self, plan: Plan, checkin: dict, answers: dict[str, Any], actor: str
                       ) -> dict:
        body = {k: v for k, v in checkin.items() if k not in ("date", "at", "actor")}
        previous = {q: plan.answers.get(q) for q in answers}
        with self._tx():
            self.db.executemany(
                "INSERT INTO answers VALUES (?,?,?) ON CONFLICT(plan_id, question) "
                "DO UPDATE SET value=excluded.value",
                [(plan.id, q, _dump(v)) for q, v in answers.items()])
            event = self._event(plan.id, actor, "checkin", {**checkin, "previous": previous})
            self.db.execute("INSERT INTO checkins (plan_id, date, at, actor, data) "
                            "VALUES (?,?,?,?,?)", (plan.id, checkin["date"], event["at"], actor,
                                                   _dump(body)))
        plan.answers.update(answers)
        plan.checkins.append({**body, "date": checkin["date"], "at": event["at"], "actor": actor})
        plan.updated = event["at"]
        agreement.refresh(plan)
        return event

    def successor(self, plan_id: str) -> str | None:
        row = self.db.execute("SELECT id FROM plans WHERE previous_id=? ORDER BY created LIMIT 1",
                              (plan_id,)).fetchone()
        return row[0] if row else None

    # --- people (GDPR: access and erasure) ----------------------------------------------------
    def plans_about(self, person: str) -> list[str]:
        name = person.strip()
        if not name:
            raise UsageError(_("give the name of a person"))
        rows = self.db.execute(
            "SELECT id FROM plans WHERE person=? COLLATE NOCASE "
            "UNION SELECT plan_id FROM people WHERE name=? COLLATE NOCASE "
            "UNION SELECT plan_id FROM signatures WHERE name=? COLLATE NOCASE",
            (name, name, name)).fetchall()
        ids = {r[0] for r in rows}
        return [r[0] for r in self.db.execute("SELECT id FROM plans ORDER BY created, id")
                if r[0] in ids]

    def export_person(self, person: str) -> dict:
        plans = []
        for plan_id in self.plans_about(person):
            plan = self.load_plan(plan_id)
            plans.append({**plan.as_dict(), "events": self.events(plan_id)})
        return {"person": person.strip(), "exported": now(), "plans": plans}

    def forget_person(self, person: str) -> dict:
        ids = self.plans_about(person)
        if not ids:
            return {"person": person.strip(), "plans": [], "rows": 0}
        marks = ",".join("?" * len(ids))
        rows = 0
        self.db.execute("PRAGMA secure_delete=ON")  # freed pages are zeroed, not left behind
        with self._tx():
            for table, column in PLAN_TABLES:
                rows += self.db.execute(f"DELETE FROM {table} WHERE {column} IN ({marks})",
                                        ids).rowcount
            # later cycles of other people's plans must not point at what is gone
            self.db.execute(f"UPDATE plans SET previous_id=NULL WHERE previous_id IN ({marks})",
                            ids)
            self.db.execute("DELETE FROM snapshots WHERE digest NOT IN "
                            "(SELECT digest FROM plans)")
        self.db.execute("VACUUM")  # nothing left in free pages …
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # … nor in the write-ahead log
        return {"person": person.strip(), "plans": ids, "rows": rows}

    def _where(self, state: str | None, pack: str | None, person: str | None
               ) -> tuple[str, list]:
        clauses, args = [], []
        if state:
            clauses.append("(state=? OR state LIKE ? ESCAPE '\\')")
            args += [state, _like_prefix(state + ".")]
        if pack:
            clauses.append("pack_id=?")
            args.append(pack)
        if person:
            clauses.append("person=? COLLATE NOCASE")
            args.append(person)
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", args

    def list_plans(self, *, state: str | None = None, pack: str | None = None,
                   person: str | None = None, limit: int | None = None) -> list[dict]:
        where, args = self._where(state, pack, person)
        sql = ("SELECT id, pack_id, pack_version, person, state, date, updated, previous_id "
               f"FROM plans{where} ORDER BY updated DESC, id")
        if limit is not None:
            sql += " LIMIT ?"
            args.append(limit)
        keys = ("id", "pack", "pack_version", "person", "state", "date", "updated", "previous")
        return [dict(zip(keys, row, strict=True)) for row in self.db.execute(sql, args)]

    def count_plans(self, *, state: str | None = None, pack: str | None = None,
                    person: str | None = None) -> int:
        where, args = self._where(state, pack, person)
        return self.db.execute(f"SELECT count(*) FROM plans{where}", args).fetchone()[0]

    def events(self, plan_id: str) -> list[dict]:
        return [{"seq": seq, "at": at, "actor": actor, "kind": kind, "data": json.loads(data)}
                for seq, at, actor, kind, data in self.db.execute(
                    "SELECT seq, at, actor, kind, data FROM events WHERE plan_id=? ORDER BY seq",
                    (self.resolve_id(plan_id),))]


class _Transaction:
    """``BEGIN IMMEDIATE`` … ``COMMIT``, rolled back on any error."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: Any, *_exc: Any) -> None:
        self.db.execute("ROLLBACK" if kind else "COMMIT")


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _like_prefix(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
