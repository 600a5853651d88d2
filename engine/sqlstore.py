"""The SQL both stores speak: plans, people, events, signatures, check-ins, forgetting.

:class:`SQLStore` holds every query, written once with ``?`` parameters; a subclass supplies the
connection (``self.db``: ``execute`` and ``executemany`` returning cursors), transactions,
migrations, the lock on a plan's row (:attr:`SQLStore.LOCK_ROW`) and what compaction means for
it. Answers, events and snapshots are stored as JSON text, byte for byte the same in both, so a
plan's digest does not depend on where it is kept.

Erasing a person (:meth:`SQLStore.forget_person`) deletes their record and their own plans from
every table, puts :data:`engine.people.REDACTED` where their name stood in other people's plans
(signatures of the content as it was are carried over to the redacted content, and a
``redacted`` event says so), then compacts the store, so nothing stays behind.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from json.encoder import encode_basestring as _json_string  # C: a text as JSON, quoted
from typing import Any

from . import agreement
from .errors import UsageError
from .i18n import _
from .pack import CLOSED, Pack
from .people import REDACTED, DuplicateNumber, name_key, new_person_id
from .plan import Plan, new_plan_id, now, phase_of
from .store import StaleWrite, Store

_PLAN_ID = re.compile(r"[a-z0-9]{1,32}")  # an id or a prefix of one, as typed
_BATCH = 500  # plans read per query: well under every database's limit on parameters

#: Every table that holds rows about a plan, by the column naming the plan.
PLAN_TABLES = (("answers", "plan_id"), ("plan_roles", "plan_id"), ("overrides", "plan_id"),
               ("signatures", "plan_id"), ("checkins", "plan_id"), ("events", "plan_id"),
               ("links", "plan_id"), ("drafts", "plan_id"), ("shares", "plan_id"),
               ("due_items", "plan_id"), ("plan_actors", "plan_id"), ("plans", "id"))
#: Schema 5, the same in both stores: links for preparing on a phone (their tokens' hashes),
#: answers given on them and not yet shared, and who shared.
SCHEMA_5 = """
CREATE TABLE links (
    token_hash TEXT PRIMARY KEY, plan_id TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    role TEXT NOT NULL, created TEXT NOT NULL, expires TEXT NOT NULL, revoked TEXT);
CREATE INDEX links_plan ON links(plan_id, role);
CREATE TABLE drafts (
    plan_id TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE, role TEXT NOT NULL,
    question TEXT NOT NULL, value TEXT NOT NULL, at TEXT NOT NULL,
    PRIMARY KEY (plan_id, role, question));
CREATE TABLE shares (
    plan_id TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE, role TEXT NOT NULL,
    at TEXT NOT NULL, PRIMARY KEY (plan_id, role));
"""
#: Schema 6, the same in both stores: what each plan has due, kept on every write (so ``pop due``
#: reads a date range instead of every open plan), and indexes that fit the queries.
SCHEMA_6 = """
CREATE TABLE due_items (
    plan_id TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE, item TEXT NOT NULL,
    kind TEXT NOT NULL, date TEXT NOT NULL, title TEXT, status TEXT,
    PRIMARY KEY (plan_id, item));
CREATE INDEX due_items_date ON due_items(date);
CREATE INDEX plans_state ON plans(state);
CREATE INDEX plans_digest ON plans(digest);
CREATE INDEX plans_person_date ON plans(person_id, date);
CREATE INDEX signatures_person ON signatures(person_id);
"""
#: Schema 7 in both stores: what ``pop list`` shows of a plan held by the index it is read in
#: (newest change first), so listing every plan reads one index in order instead of looking up
#: each row; and the columns ``pop due`` joins on (SQLite also keeps its due rows by date).
SCHEMA_7 = """
DROP INDEX plans_updated;
CREATE INDEX plans_updated ON plans(updated DESC, id, pack_id, pack_version, person_id, state,
                                    date, previous_id, version, digest);
CREATE INDEX plans_due ON plans(id, person_id, pack_id, state);
"""
#: Schema 8 in both stores: each due row says whose plan it is in (person, pack, state: kept
#: with the row on every write, as the rest of it is), so ``pop due`` reads one stretch of one
#: table, looking nothing up per row; one person's rows by their own index. The plans of a
#: state are indexed in the order ``pop list`` shows them: the first fifty of a common state
#: are read without sorting all of them, a rare state's without reading past the others.
SCHEMA_8 = """
DROP INDEX plans_state;
CREATE INDEX plans_state ON plans(state, updated DESC, id);
ALTER TABLE due_items ADD COLUMN person_id TEXT;
ALTER TABLE due_items ADD COLUMN pack_id TEXT;
ALTER TABLE due_items ADD COLUMN state TEXT;
UPDATE due_items SET (person_id, pack_id, state) =
    (SELECT p.person_id, p.pack_id, p.state FROM plans p WHERE p.id = due_items.plan_id);
CREATE INDEX due_items_person ON due_items(person_id, date);
DROP INDEX plans_due;
"""
#: Schema 9 in both stores: who acted on each plan (the name key of each actor of its events,
#: check-ins and overrides), kept on every write, so the plans a person appears in by name are
#: one index lookup, not a read of every event; and each due row holds its person's name (and
#: name key, kept with the register's), so ``pop due`` reads its rows in the order it prints
#: them, sorting nothing and looking nothing up (SQLite stores them in that order; PostgreSQL
#: adds its index); the people hired by a date (a first POP) read from one index.
SCHEMA_9 = """
CREATE TABLE plan_actors (
    actor_key TEXT NOT NULL, plan_id TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    PRIMARY KEY (actor_key, plan_id));
CREATE INDEX plan_actors_plan ON plan_actors(plan_id);
CREATE INDEX people_hired ON people(hired, id, name, name_key);
"""
#: The order ``pop due`` lists its rows in (and the key SQLite keeps them by).
DUE_ORDER = "date, name_key, plan_id, item"
PERSON_COLUMNS = ("id", "name", "number", "hired", "team", "leader_id", "email", "created",
                  "updated")
#: What a copy moves, table by table in an order the foreign keys allow, by named columns (the
#: two stores keep them in different orders). ``people.leader_id`` follows in a second pass.
COPY_TABLES: dict[str, tuple[str, ...]] = {
    "snapshots": ("digest", "pack_id", "version", "body"),
    "people": ("id", "name", "name_key", "number", "hired", "team", "email", "created",
               "updated"),
    "plans": ("id", "pack_id", "pack_version", "digest", "state", "person_id", "date",
              "created", "updated", "previous_id", "cursor", "version", "content_digest"),
    "plan_roles": ("plan_id", "role", "person_id"),
    "answers": ("plan_id", "question", "value"),
    "overrides": ("plan_id", "rule", "reason", "actor", "at"),
    "events": ("seq", "plan_id", "at", "actor", "kind", "data", "version"),
    "signatures": ("seq", "plan_id", "role", "name", "at", "digest", "actor", "person_id"),
    "checkins": ("seq", "plan_id", "date", "at", "actor", "data"),
    "links": ("token_hash", "plan_id", "role", "created", "expires", "revoked"),
    "drafts": ("plan_id", "role", "question", "value", "at"),
    "shares": ("plan_id", "role", "at"),
    "due_items": ("plan_id", "item", "kind", "date", "title", "status", "person_id", "pack_id",
                  "state", "person", "name_key"),
    "plan_actors": ("actor_key", "plan_id"),
}
#: A due row as :meth:`SQLStore.index_due` writes it, by named columns (the stores keep them in
#: different orders).
_INSERT_DUE = (f"INSERT INTO due_items ({', '.join(COPY_TABLES['due_items'])}) VALUES "
               f"({', '.join('?' * len(COPY_TABLES['due_items']))})")


_INSERT_ACTOR = "INSERT INTO plan_actors VALUES (?,?) ON CONFLICT DO NOTHING"


#: What ``pop list`` shows of a plan: each key and the column it comes from.
_PLAN_ROW = (("id", "p.id"), ("pack", "p.pack_id"), ("pack_version", "p.pack_version"),
             ("person", "coalesce(h.name, '')"), ("person_id", "p.person_id"),
             ("state", "p.state"), ("date", "p.date"), ("updated", "p.updated"),
             ("previous", "p.previous_id"), ("version", "p.version"))


class SQLStore(Store):
    """The queries of both stores; see the module's docstring for what a subclass adds."""

    #: Appended to the read of a plan's version inside a transaction: the row lock, if any.
    LOCK_ROW = ""
    #: How the roles of a plan keep the order they were given in.
    ROLE_ORDER = "r.rowid"
    #: A plan's answers as one JSON object (one parse per plan, not one per answer).
    ANSWERS_OBJECT = "json_group_object(question, json(value))"
    #: Which store this is, for ``pop store info``.
    KIND = ""
    #: ``people`` as joined for the names of plans' people: an index that holds the id and the
    #: name, named where the database would not pick it unprompted.
    PEOPLE_BY_ID = "people h"
    #: ``plans`` where a state is asked for: by that state's stretch of its index, not by
    #: reading the list in order until enough of them turn up
    PLANS_BY_STATE = "plans p"

    schema_version: int

    db: Any
    _packs: dict[str, Pack]

    def _stream(self, sql: str, args: list) -> Iterator[tuple]:
        """The rows of a query that may read every plan, without holding them all at once."""
        return self.db.execute(sql, args)

    @property
    def where(self) -> str:
        """Where the store is, fit to print (no password)."""
        raise NotImplementedError

    def rows(self, table: str, columns: tuple[str, ...]) -> Any:
        """A cursor over every row of a copied table, in the order a copy inserts them."""
        order = "seq" if "seq" in columns else ", ".join(columns[:2])
        if table == "plan_roles":
            order = self.ROLE_ORDER.removeprefix("r.")
        return self.db.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY {order}")

    def _script(self, script: str) -> None:
        """Run several statements inside the open transaction."""
        self.db.execute(script)

    def restart_sequences(self) -> None:
        """After rows were copied in with their own numbers: number new rows past them (SQLite
        does so by itself)."""

    def info(self) -> dict:
        from .store import SCHEMA_VERSION

        return {"store": self.KIND, "where": self.where, "schema": self.schema_version,
                "schema_of_this_pop": SCHEMA_VERSION, "counts": self.counts()}

    def counts(self) -> dict[str, int]:
        return {table: self.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in COPY_TABLES}

    def plan_digests(self, progress: Callable[[int, int], None] | None = None
                     ) -> dict[str, str]:
        """A digest per plan of everything a user can read of it (plan and event log)."""
        from .hashing import sha256_hex

        digests = {}
        ids = [r[0] for r in self.db.execute("SELECT id FROM plans ORDER BY id").fetchall()]
        for done, plan_id in enumerate(ids, start=1):
            whole = {"plan": self.load_plan(plan_id).as_dict(), "events": self.events(plan_id)}
            digests[plan_id] = sha256_hex(_dump(whole).encode("utf-8"))
            if progress:
                progress(done, len(ids))
        return digests

    _depth = 0

    @contextmanager
    def transaction(self) -> Iterator[None]:
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self._begin()
        self._depth = 1
        try:
            yield
            if self._changed:
                self.index_due(sorted(self._changed))
        except BaseException:
            self._depth = 0
            self._changed.clear()
            self._rollback()
            raise
        self._depth = 0
        self.db.execute("COMMIT")

    def _begin(self) -> None:
        self.db.execute("BEGIN")

    def _rollback(self) -> None:
        self.db.execute("ROLLBACK")

    def plan_version(self, plan_id: str) -> int:
        row = self.db.execute("SELECT version FROM plans WHERE id=?" + self.LOCK_ROW,
                              (plan_id,)).fetchone()
        if row is None:
            raise UsageError(_("no plan {id!r}").format(id=plan_id))
        return row[0]

    def _event(self, plan: Plan, actor: str, kind: str, data: dict,
               answers: dict[str, Any] | None = None) -> dict:
        """Move the plan's version on (compare-and-set) and append the event of this change.

        The digest of the agreed content goes with the new version (``answers``: the plan's
        answers after this change, when they are not yet in ``plan``), so that a report over
        thousands of plans need not work it out again.
        """
        at = now()
        moved = self.db.execute(
            "UPDATE plans SET updated=?, version=version+1, content_digest=? "
            "WHERE id=? AND version=?",
            (at, agreement.content_digest(plan, answers), plan.id, plan.version))
        if moved.rowcount != 1:
            raise StaleWrite(_("plan {id} was changed by someone else meanwhile; nothing was "
                               "written, try again").format(id=plan.id))
        plan.version += 1
        plan.updated = at
        self._changed.add(plan.id)
        self.db.execute("INSERT INTO events (plan_id, at, actor, kind, data, version) "
                        "VALUES (?,?,?,?,?,?)", (plan.id, at, actor, kind, _dump(data),
                                                 plan.version))
        self.db.execute(_INSERT_ACTOR, (name_key(actor), plan.id))
        return {"kind": kind, "data": data, "actor": actor, "at": at, "version": plan.version}

    def close(self) -> None:
        self.db.close()

    def index_due(self, plan_ids: list[str]) -> None:
        """Keep what the plans have due as rows (inside the write, before its commit): their
        moments worked out from each plan as now written, and the yearly update of their
        people's current plans. ``pop due`` then reads a date range, not every plan."""
        from .due import plan_items

        self._changed.difference_update(plan_ids)
        people: set[str] = set()
        for start in range(0, len(plan_ids), _BATCH):
            batch = plan_ids[start:start + _BATCH]
            self.db.execute(f"DELETE FROM due_items WHERE plan_id IN "
                            f"({','.join('?' * len(batch))}) AND kind <> 'yearly_update'", batch)
            rows = []
            plans = self.load_plans(batch, kept_digest=True)
            names = self._names_and_keys([p.person_id for p in plans if p.person_id])
            for plan in plans:
                rows += [(plan.id, item["id"], item["kind"], item["date"],
                          None if item["kind"] == "conversation" else item["title"],
                          item.get("status"), plan.person_id, plan.pack_id, plan.state,
                          *names.get(plan.person_id, ("", "")))
                         for item in plan_items(plan)]
                if plan.person_id:
                    people.add(plan.person_id)
            if rows:
                self.db.executemany(_INSERT_DUE, rows)
        for person_id in sorted(people):
            self._index_yearly_update(person_id)

    def _names_and_keys(self, person_ids: list[str]) -> dict[str, tuple[str, str]]:
        """``(name, name key)`` of each of these people, as due rows hold them."""
        found = {}
        for start in range(0, len(person_ids), _BATCH):
            batch = person_ids[start:start + _BATCH]
            found.update((pid, (name, key)) for pid, name, key in self.db.execute(
                f"SELECT id, name, name_key FROM people WHERE id IN "
                f"({','.join('?' * len(batch))})", batch))
        return found

    def upgrade_to_9(self, script: str) -> None:
        """Schema 9 (``script``): who acted on each plan, from what the store holds; and, for
        a store that had no due rows yet (it came from before schema 6), every plan's rows."""
        self._script(script)
        self.index_actors()
        if self.db.execute("SELECT 1 FROM due_items LIMIT 1").fetchone() is None:
            self.index_all_due()

    def index_actors(self, plan_ids: list[str] | None = None) -> None:
        """Who acted on each plan (``plan_ids``: on these only, as they are now), from their
        events, check-ins and overrides."""
        where, args = "", []
        if plan_ids is not None:
            where = f" WHERE plan_id IN ({','.join('?' * len(plan_ids))})"
            args = plan_ids * 3
            self.db.execute(f"DELETE FROM plan_actors{where}", plan_ids)
        acted = self.db.execute(" UNION ".join(
            f"SELECT DISTINCT plan_id, actor FROM {table}{where}"
            for table in ("events", "checkins", "overrides")), args)
        while rows := acted.fetchmany(10_000):  # a store of millions of events: in stretches
            self.db.executemany(_INSERT_ACTOR, [(name_key(actor), plan_id)
                                                for plan_id, actor in rows])

    def index_all_due(self) -> None:
        """The due rows of the plans already in the store (a closed plan has none of its own,
        but may be its person's current plan, with the yearly update)."""
        self.index_due([r[0] for r in self.db.execute(
            "SELECT id FROM plans WHERE state <> 'closed' ORDER BY id").fetchall()])
        for (person_id,) in self.db.execute(
                "SELECT DISTINCT person_id FROM plans WHERE person_id IS NOT NULL EXCEPT "
                "SELECT person_id FROM plans WHERE state <> 'closed'").fetchall():
            self._index_yearly_update(person_id)

    def _index_yearly_update(self, person_id: str) -> None:
        """The yearly update falls on a person's current plan (their latest, as in
        :meth:`current_plans`), so it moves when any of their plans changes."""
        from .due import yearly_update

        self._lock_person(person_id)
        self.db.execute("DELETE FROM due_items WHERE kind = 'yearly_update' AND plan_id IN "
                        "(SELECT id FROM plans WHERE person_id=?)", (person_id,))
        row = self.db.execute("SELECT id, digest, state, date, pack_id FROM plans "
                              "WHERE person_id=? ORDER BY coalesce(date, '') DESC, updated DESC, "
                              "id LIMIT 1", (person_id,)).fetchone()
        item = row and yearly_update(self._pack(row[1]), row[2], row[3])
        if item:
            self.db.execute(_INSERT_DUE, (
                row[0], item["id"], item["kind"], item["date"], item["title"], None, person_id,
                row[4], row[2], *self._names_and_keys([person_id]).get(person_id, ("", ""))))

    def _lock_person(self, person_id: str) -> None:
        """Inside a write: two writers on two plans of one person must not both decide which
        of them is current (SQLite holds the whole file already)."""

    def due_items(self, until: str, columns: tuple[str, ...], *, person: str | None = None
                  ) -> Iterator[tuple]:
        unknown = set(columns).difference(COPY_TABLES["due_items"])
        if unknown:
            raise ValueError(f"due rows have no column {sorted(unknown)}")
        where, args = _equal({"person_id": person}, ["date <= ?"], [until])
        return self._stream(f"SELECT {', '.join(columns)} FROM due_items{where} "
                            f"ORDER BY {DUE_ORDER}", args)

    def _person_names(self) -> dict[str, str]:
        """Everyone's name by their id, for what lists every plan."""
        return dict(self.db.execute(f"SELECT h.id, h.name FROM {self.PEOPLE_BY_ID}"))

    def people_without_plans(self, hired_by: str, *, person: str | None = None
                             ) -> list[dict]:
        where, args = _equal({"h.id": person}, [
            "h.hired IS NOT NULL", "h.hired <> ''", "h.hired <= ?",
            "NOT EXISTS (SELECT 1 FROM plans p WHERE p.person_id = h.id)"], [hired_by])
        return [{"id": pid, "name": name, "hired": hired} for pid, name, hired in
                self.db.execute(f"SELECT h.id, h.name, h.hired FROM people h{where} "
                                "ORDER BY h.name_key, h.id", args)]

    def plan_packs(self) -> list[Pack]:
        return [self._pack(digest) for (digest,) in self.db.execute(
            "SELECT s.digest FROM snapshots s WHERE EXISTS (SELECT 1 FROM plans p "
            "WHERE p.digest = s.digest) ORDER BY s.pack_id, s.digest")]

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
            self.db.execute("INSERT INTO snapshots VALUES (?,?,?,?) ON CONFLICT DO NOTHING",
                            (plan.pack.digest, plan.pack_id, plan.pack_version, _dump(snap)))
            while self.db.execute("SELECT 1 FROM plans WHERE id=?", (plan.id,)).fetchone():
                plan.id = new_plan_id()  # 40 bits: among a million plans two draws can meet
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
        # ids are [a-z0-9]: everything starting with the prefix sorts before prefix + "{"
        rows = self.db.execute("SELECT id FROM plans WHERE id >= ? AND id < ? ORDER BY id "
                               "LIMIT 2", (plan_id, plan_id + "{")).fetchall()
        if len(rows) == 1:
            return rows[0][0]
        if not rows:
            raise UsageError(_("no plan {id!r}").format(id=plan_id))
        raise UsageError(_("{id!r} matches more than one plan; give more of the id").format(
            id=plan_id))

    def load_plan(self, plan_id: str) -> Plan:
        plan_id = self.resolve_id(plan_id)
        found = self.load_plans([plan_id])
        if not found:  # erased between resolving and reading
            raise UsageError(_("no plan {id!r}").format(id=plan_id))
        return found[0]

    def load_plans(self, plan_ids: list[str], *, kept_digest: bool = False) -> list[Plan]:
        """Whole plans by id, a few queries per batch rather than per plan (reports over a
        whole organisation); ids not (or no longer) in the store are left out.

        ``kept_digest``: mark signatures stale by the digest the store kept with each plan's
        version instead of working it out from the content (a report; not an inspection).
        """
        plans: list[Plan] = []
        for start in range(0, len(plan_ids), _BATCH):
            plans += self._load_batch(plan_ids[start:start + _BATCH], kept_digest)
        return plans

    def _load_batch(self, ids: list[str], kept_digest: bool) -> list[Plan]:
        marks = ",".join("?" * len(ids))
        plans: dict[str, Plan] = {}
        kept: dict[str, str | None] = {}
        for plan_id, state, date, created, updated, previous, cursor, digest, version, \
                content in self.db.execute(
                    "SELECT id, state, date, created, updated, previous_id, cursor, digest, "
                    f"version, content_digest FROM plans WHERE id IN ({marks})", ids):
            plans[plan_id] = Plan(plan_id, self._pack(digest), state, date=date, created=created,
                                  updated=updated, previous_id=previous, cursor=cursor,
                                  version=version)
            kept[plan_id] = content if kept_digest else None
        for plan_id, role, pid, name, number, hired, team in self.db.execute(
                "SELECT r.plan_id, r.role, r.person_id, p.name, p.number, p.hired, p.team "
                f"FROM plan_roles r LEFT JOIN people p ON p.id = r.person_id "
                f"WHERE r.plan_id IN ({marks}) ORDER BY r.plan_id, {self.ROLE_ORDER}", ids):
            plans[plan_id].people[role] = name if name is not None else REDACTED
            plans[plan_id].person_ids[role] = pid
            plans[plan_id].registered[role] = {"number": number, "hired": hired, "team": team}
        answers: dict[str, dict] = {plan_id: {} for plan_id in plans}
        for plan_id, values in self.db.execute(
                f"SELECT plan_id, {self.ANSWERS_OBJECT} FROM answers "
                f"WHERE plan_id IN ({marks}) GROUP BY plan_id", ids):
            answers[plan_id] = json.loads(values)
        for plan_id, rule, reason, actor, at in self.db.execute(
                "SELECT plan_id, rule, reason, actor, at FROM overrides "
                f"WHERE plan_id IN ({marks})", ids):
            plans[plan_id].overrides[rule] = {"reason": reason, "actor": actor, "at": at}
        for plan_id, role, name, pid, at, digest in self.db.execute(
                "SELECT plan_id, role, name, person_id, at, digest FROM signatures "
                f"WHERE plan_id IN ({marks}) ORDER BY seq", ids):
            plans[plan_id].signatures.append({"role": role, "name": name, "person_id": pid,
                                              "at": at, "digest": digest})
        for plan_id, date, at, actor, data in self.db.execute(
                "SELECT plan_id, date, at, actor, data FROM checkins "
                f"WHERE plan_id IN ({marks}) ORDER BY seq", ids):
            plans[plan_id].checkins.append({**json.loads(data), "date": date, "at": at,
                                            "actor": actor})
        for plan_id, plan in plans.items():
            refs = plan.pack.questions
            plan.answers = dict(sorted(answers[plan_id].items(), key=lambda kv: (
                refs[kv[0]].index if kv[0] in refs else len(refs), kv[0])))
            if plan.signatures:
                agreement.refresh(plan, kept[plan_id])
        return [plans[plan_id] for plan_id in ids if plan_id in plans]

    def events_since(self, plan_id: str, version: int) -> list[dict]:
        return [{"seq": seq, "version": v, "at": at, "actor": actor, "kind": kind,
                 "data": json.loads(data)}
                for seq, v, at, actor, kind, data in self.db.execute(
                    "SELECT seq, version, at, actor, kind, data FROM events "
                    "WHERE plan_id=? AND version>? ORDER BY seq", (plan_id, version))]

    def record_answer(self, plan: Plan, question: str, value: Any, actor: str) -> dict:
        previous = plan.answers.get(question)
        with self.transaction():
            self._keep_cursor(plan, question)
            self.db.execute("INSERT INTO answers VALUES (?,?,?) ON CONFLICT(plan_id, question) "
                            "DO UPDATE SET value=excluded.value", (plan.id, question, _dump(value)))
            event = self._event(plan, actor, "answer",
                                {"question": question, "value": value, "previous": previous},
                                {**plan.answers, question: value})
        plan.answers[question] = value
        agreement.refresh(plan)
        return event

    def remove_answer(self, plan: Plan, question: str, actor: str) -> dict:
        previous = plan.answers.get(question)
        with self.transaction():
            self._keep_cursor(plan, question)
            self.db.execute("DELETE FROM answers WHERE plan_id=? AND question=?",
                            (plan.id, question))
            event = self._event(plan, actor, "answer_removed",
                                {"question": question, "previous": previous},
                                {q: v for q, v in plan.answers.items() if q != question})
        plan.answers.pop(question, None)
        agreement.refresh(plan)
        return event

    def record_skip(self, plan: Plan, question: str, actor: str) -> dict:
        with self.transaction():
            self._keep_cursor(plan, question)
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
            self.db.execute("INSERT INTO overrides VALUES (?,?,?,?,?) ON CONFLICT (plan_id, "
                            "rule) DO UPDATE SET reason=excluded.reason, "
                            "actor=excluded.actor, at=excluded.at",
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

    def record_upgrade(self, plan: Plan, pack: Pack, actor: str) -> dict:
        old = plan.pack
        with self.transaction():
            self.db.execute("INSERT INTO snapshots VALUES (?,?,?,?) ON CONFLICT DO NOTHING",
                            (pack.digest, pack.id, pack.version, _dump(pack.snapshot())))
            self.db.execute("UPDATE plans SET pack_version=?, digest=? WHERE id=?",
                            (pack.version, pack.digest, plan.id))
            plan.pack = pack
            event = self._event(plan, actor, "upgraded", {
                "from": old.version, "to": pack.version, "digest": pack.digest})
        agreement.refresh(plan)
        return event

    def set_cursor(self, plan: Plan, question: str | None, now: bool = True) -> None:
        if not now:
            self._cursors[plan.id] = question
        elif plan.cursor != question or plan.id in self._cursors:
            self._cursors.pop(plan.id, None)
            self.db.execute("UPDATE plans SET cursor=? WHERE id=?", (question, plan.id))
        plan.cursor = question

    def _keep_cursor(self, plan: Plan, question: str) -> None:
        """Inside the transaction of an answer to ``question``: the cursor set meanwhile goes
        with it; at the question now answered, none is needed (a resume starts at the first
        question not yet asked)."""
        if plan.id in self._cursors:
            cursor = self._cursors.pop(plan.id)
            self.db.execute("UPDATE plans SET cursor=? WHERE id=?",
                            (None if cursor == question else cursor, plan.id))

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
            event = self._event(plan, actor, "checkin", {**checkin, "previous": previous},
                                {**plan.answers, **answers})
            self.db.execute("INSERT INTO checkins (plan_id, date, at, actor, data) "
                            "VALUES (?,?,?,?,?)", (plan.id, checkin["date"], event["at"], actor,
                                                   _dump(body)))
        plan.answers.update(answers)
        plan.checkins.append({**body, "date": checkin["date"], "at": event["at"], "actor": actor})
        agreement.refresh(plan)
        return event

    # --- preparing on a phone -----------------------------------------------------------------
    def add_link(self, plan_id: str, role: str, token_hash: str, expires: str) -> None:
        with self.transaction():
            self.db.execute("INSERT INTO links (token_hash, plan_id, role, created, expires) "
                            "VALUES (?,?,?,?,?)", (token_hash, plan_id, role, now(), expires))

    def find_link(self, token_hash: str) -> dict | None:
        row = self.db.execute("SELECT plan_id, role, created, expires, revoked FROM links "
                              "WHERE token_hash=?", (token_hash,)).fetchone()
        keys = ("plan_id", "role", "created", "expires", "revoked")
        return dict(zip(keys, row, strict=True)) if row else None

    def revoke_links(self, plan_id: str, role: str) -> int:
        with self.transaction():
            return self.db.execute("UPDATE links SET revoked=? WHERE plan_id=? AND role=? AND "
                                   "revoked IS NULL", (now(), plan_id, role)).rowcount

    def drafts(self, plan_id: str, role: str) -> dict[str, Any]:
        return {question: json.loads(value) for question, value in self.db.execute(
            "SELECT question, value FROM drafts WHERE plan_id=? AND role=?", (plan_id, role))}

    def save_draft(self, plan_id: str, role: str, question: str, value: Any) -> None:
        with self.transaction():
            if value is None:
                self.db.execute("DELETE FROM drafts WHERE plan_id=? AND role=? AND question=?",
                                (plan_id, role, question))
            else:
                self.db.execute(
                    "INSERT INTO drafts VALUES (?,?,?,?,?) ON CONFLICT(plan_id, role, question) "
                    "DO UPDATE SET value=excluded.value, at=excluded.at",
                    (plan_id, role, question, _dump(value), now()))

    def shared_at(self, plan_id: str, role: str) -> str | None:
        row = self.db.execute("SELECT at FROM shares WHERE plan_id=? AND role=?",
                              (plan_id, role)).fetchone()
        return row[0] if row else None

    def record_share(self, plan_id: str, role: str) -> None:
        with self.transaction():
            self.db.execute("INSERT INTO shares VALUES (?,?,?) ON CONFLICT(plan_id, role) "
                            "DO NOTHING", (plan_id, role, now()))
            self.db.execute("DELETE FROM drafts WHERE plan_id=? AND role=?", (plan_id, role))

    def successor(self, plan_id: str) -> str | None:
        row = self.db.execute("SELECT id FROM plans WHERE previous_id=? ORDER BY created LIMIT 1",
                              (plan_id,)).fetchone()
        return row[0] if row else None

    # --- people -------------------------------------------------------------------------------
    def _people(self, where: str, args: tuple | list) -> list[dict]:
        """People as dicts, each with their leader's name (one query, however many)."""
        cols = ", ".join(PERSON_COLUMNS)
        rows = self.db.execute(f"SELECT {cols}, (SELECT l.name FROM people l WHERE "
                               f"l.id = people.leader_id) FROM people {where}", args).fetchall()
        return [{**dict(zip(PERSON_COLUMNS, row[:-1], strict=True)), "leader": row[-1]}
                for row in rows]

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
            if "name" in changes:  # what is due for them, under their name as it is now
                self.db.execute("UPDATE due_items SET person=?, name_key=? WHERE person_id=?",
                                (changes["name"], changes["name_key"], person_id))
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
        keys = [person_id]  # what an actor (free text) is written as: their id, or their name
        if person and len(self._people("WHERE name_key=?", (name_key(person["name"]),))) == 1:
            keys.append(name_key(person["name"]))  # a name is theirs only without namesakes
        appears = {r[0] for r in self.db.execute(
            "SELECT plan_id FROM plan_roles WHERE person_id=? UNION "
            "SELECT plan_id FROM signatures WHERE person_id=? UNION "
            f"SELECT plan_id FROM plan_actors WHERE actor_key IN ({','.join('?' * len(keys))})",
            (person_id, person_id, *keys))}
        ids = sorted(appears.difference(own))
        others = [plan_id for _created, plan_id in sorted(
            row for start in range(0, len(ids), _BATCH) for row in self.db.execute(
                "SELECT created, id FROM plans WHERE id IN "
                f"({','.join('?' * len(ids[start:start + _BATCH]))})",
                ids[start:start + _BATCH]))]
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
        self._before_erase()
        with self.transaction():
            self.db.execute("INSERT INTO erasing VALUES (1)")
            self._erasing()
            if own:
                marks = ",".join("?" * len(own))
                for table, column in PLAN_TABLES:
                    rows += self.db.execute(f"DELETE FROM {table} WHERE {column} IN ({marks})",
                                            own).rowcount
                # later cycles of other people's plans must not point at what is gone
                self.db.execute(f"UPDATE plans SET previous_id=NULL WHERE previous_id IN "
                                f"({marks})", own)
            for plan_id in others:
                self.plan_version(plan_id)  # locked: nobody writes it while it is redacted
                before = agreement.content_digest(self.load_plan(plan_id))
                rows += self._redact_plan(plan_id, redact)
                self.index_actors([plan_id])  # their name no longer among its actors
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

    def _before_erase(self) -> None:
        """Anything the store must set before erasing (SQLite: zero freed pages)."""

    def _erasing(self) -> None:
        """Inside the erasing transaction: what the store must know of it to compact after
        (PostgreSQL: its transaction id)."""

    def _redact_plan(self, plan_id: str, redact: Callable[[Any], Any]) -> int:
        """Put the marker where the person's name stands in another person's plan."""
        changed = 0
        for table, key, columns in (
                ("events", "seq", ("actor", "data")), ("signatures", "seq", ("name", "actor")),
                ("checkins", "seq", ("actor", "data")), ("overrides", "rule", ("actor", "reason")),
                ("answers", "question", ("value",)), ("drafts", "question", ("value",))):
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

    # --- listing ------------------------------------------------------------------------------
    def _where(self, state: str | None, pack: str | None, person: str | None
               ) -> tuple[str, list]:
        clauses, args = [], []
        if state and ("." in state or state == CLOSED):  # one state: in its index's order
            clauses.append("p.state=?")
            args.append(state)
        elif state:
            # a phase, or a step of it: every text starting "phase." lies between these two
            clauses.append("(p.state=? OR (p.state > ? AND p.state < ?))")
            args += [state, state + ".", state + "/"]
        return _equal({"p.pack_id": pack, "p.person_id": person}, clauses, args)

    def list_plans(self, *, state: str | None = None, pack: str | None = None,
                   person: str | None = None, limit: int | None = None) -> list[dict]:
        keys = tuple(key for key, _column in _PLAN_ROW)
        titles: dict[tuple[str, str], str] = {}
        return [{**dict(zip(keys, row, strict=True)),
                 "state_title": titles.get((digest, plan_state))
                 or self._state_title(titles, str, digest, plan_state)}
                for *row, digest, plan_state in self._plan_rows(
                    ", ".join(c for _k, c in _PLAN_ROW), state, pack, person, limit)]

    def plans_as_json(self, *, state: str | None = None, pack: str | None = None,
                      person: str | None = None, limit: int | None = None) -> Iterator[str]:
        """Each plan as the JSON text ``list --json`` prints (its keys in that order), put
        together from the plain row with C's string encoder for each text: a fifth of what
        ``json.dumps`` or the database's JSON functions cost a row, which is most of the time
        when a million plans are printed. For every plan of the store, the names are read
        once, beside them, instead of looked up plan by plan."""
        text = _json_string
        every = limit is None and person is None
        names: dict[str, str] = self._person_names() if every else {}
        shown: dict[str | None, str] = {}
        columns = ", ".join("''" if every and key == "person" else column
                            for key, column in _PLAN_ROW)
        titles: dict[tuple[str, str], str] = {}
        for (plan_id, pack_id, pack_version, name, person_id, plan_state, held, updated,
             previous, version, digest, _state) in self._plan_rows(
                columns, state, pack, person, limit, join_people=not every):
            title = titles.get((digest, plan_state)) or self._state_title(titles, text, digest,
                                                                          plan_state)
            if every:
                name = shown.get(person_id)
                if name is None:
                    name = shown[person_id] = text(names.get(person_id, ""))
            else:
                name = text(name)
            yield (f'{{"id":{text(plan_id)},"pack":{text(pack_id)},'
                   f'"pack_version":{text(pack_version)},"person":{name},"person_id":'
                   f'{"null" if person_id is None else text(person_id)},'
                   f'"state":{text(plan_state)},"date":{"null" if held is None else text(held)},'
                   f'"updated":{text(updated)},"previous":'
                   f'{"null" if previous is None else text(previous)},"version":{int(version)},'
                   f'"state_title":{title}}}')

    def _plan_rows(self, columns: str, state: str | None, pack: str | None,
                   person: str | None, limit: int | None, *, join_people: bool = True
                   ) -> Iterator[tuple]:
        """``columns`` of each plan, newest change first, then its pack's digest and its state
        (for :meth:`_state_title`)."""
        where, args = self._where(state, pack, person)
        people = f" LEFT JOIN {self.PEOPLE_BY_ID} ON h.id = p.person_id" if join_people else ""
        plans = self.PLANS_BY_STATE if state and not person else "plans p"
        sql = (f"SELECT {columns}, p.digest, p.state FROM {plans}{people}{where} "
               "ORDER BY p.updated DESC, p.id")
        if limit is not None:
            sql += " LIMIT ?"
            args.append(limit)
        return self._stream(sql, args)

    def _state_title(self, titles: dict[tuple[str, str], str], word: Callable[[str], str],
                     digest: str, state: str) -> str:
        """The title of a plan's state as ``word`` puts it, kept in ``titles``: a few packs
        and states are shared by many plans."""
        title = titles[digest, state] = word(self._pack(digest).state_title(state))
        return title

    def count_plans(self, *, state: str | None = None, pack: str | None = None,
                    person: str | None = None) -> int:
        where, args = self._where(state, pack, person)
        return self.db.execute(f"SELECT count(*) FROM plans p{where}", args).fetchone()[0]

    def current_plans(self, *, pack: str | None = None, since: str | None = None,
                      not_held: tuple[str, ...] = ()) -> dict[str, tuple[str, str | None]]:
        clauses, args = ["p.person_id IS NOT NULL", "p.person_id <> ''"], []
        if since:
            clauses.append("p.date >= ?")
            args.append(since)
        where, args = _equal({"p.pack_id": pack}, clauses, args)
        latest: dict[str, str] = {}
        held: dict[str, str] = {}
        # newest first per person: the first row is the current plan, the first one held the
        # last conversation (one ordered scan; cheaper than window functions in SQLite)
        for person, plan_id, date, state in self.db.execute(
                "SELECT p.person_id, p.id, coalesce(p.date, ''), p.state FROM plans p"
                f"{where} ORDER BY p.person_id, coalesce(p.date, '') DESC, p.updated DESC, "
                "p.id", args):
            latest.setdefault(person, plan_id)
            if date and person not in held and phase_of(state) not in not_held:
                held[person] = date
        return {person: (plan_id, held.get(person)) for person, plan_id in latest.items()}

    def events(self, plan_id: str) -> list[dict]:
        return self.events_since(self.resolve_id(plan_id), -1)


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
