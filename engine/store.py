"""Where plans and people live: the :class:`Store` interface, and which store a command uses.

Two implementations share one SQL core (:mod:`engine.sqlstore`): the embedded default, one
SQLite file in the data folder (:mod:`engine.sqlite_store`), and PostgreSQL for an organisation
(:mod:`engine.postgres_store`), chosen by ``POP_STORE`` or ``--store URL``.

Many hands on one plan: every change is one transaction that locks the plan first (SQLite
``BEGIN IMMEDIATE``; PostgreSQL ``SELECT … FOR UPDATE`` on the plan's row), so a session re-reads
the plan and re-checks its guards inside it (:meth:`engine.session.Session.writing`) before
anything is written. Each write moves the plan's ``version`` by one, compare-and-set
(``… WHERE id=? AND version=?``), and appends one event carrying that version: the event log
replays to the plan. Committed at once, so Ctrl-C, a crash or a power cut loses nothing that was
answered.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from .errors import PopError, UsageError
from .files import private_dir
from .i18n import _
from .plan import Plan

if TYPE_CHECKING:  # pragma: no cover
    from .pack import Pack

DB_FILE = "pop.sqlite3"
POSTGRES_SCHEMES = ("postgresql://", "postgres://")
SQLITE_SCHEME = "sqlite://"
#: The schema this pop writes; both stores number their migrations up to it.
SCHEMA_VERSION = 9


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
    def load_plans(self, plan_ids: list[str], *, kept_digest: bool = False) -> list[Plan]:
        """Whole plans by full id, in that order; ids not in the store are left out.
        ``kept_digest``: trust the agreed content's digest the store kept with each version."""

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
    def record_upgrade(self, plan: Plan, pack: Pack, actor: str) -> dict:
        """The plan on ``pack`` (a newer snapshot of its pack) from now on."""

    @abstractmethod
    def set_cursor(self, plan: Plan, question: str | None, now: bool = True) -> None:
        """Where an interview stopped; not a change of the plan (no version, no event).
        ``now=False``: kept with the plan's next answer, in its transaction (one commit, one
        fsync, per answer)."""

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

    # preparing on a phone (:mod:`engine.links`)
    @abstractmethod
    def add_link(self, plan_id: str, role: str, token_hash: str, expires: str) -> None:
        """Keep a one-person link by the hash of its token (the token itself is never kept)."""

    @abstractmethod
    def find_link(self, token_hash: str) -> dict | None:
        """``{plan_id, role, created, expires, revoked}`` of the link with this token hash."""

    @abstractmethod
    def revoke_links(self, plan_id: str, role: str) -> int:
        """Revoke every open link of the role in the plan; how many."""

    @abstractmethod
    def drafts(self, plan_id: str, role: str) -> dict[str, Any]:
        """The role's answers given on a link and not yet shared, by question."""

    @abstractmethod
    def save_draft(self, plan_id: str, role: str, question: str, value: Any) -> None:
        """Keep (or, for None, drop) one answer not yet shared."""

    @abstractmethod
    def shared_at(self, plan_id: str, role: str) -> str | None:
        """When the role shared their preparation, if they did."""

    @abstractmethod
    def record_share(self, plan_id: str, role: str) -> None:
        """Inside a plan's write: the role shared; their drafts are answers now, so drop them."""

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
        """``person``: a person's id. Each row: ``id, pack, pack_version, person, person_id,
        state, date, updated, previous, version`` and ``state_title`` (the state as the plan's
        pack names it: ``Na · Uitvoering``)."""

    def plans_as_json(self, *, state: str | None = None, pack: str | None = None,
                      person: str | None = None, limit: int | None = None) -> Iterator[str]:
        """:meth:`list_plans` as JSON text, row by row (a store that can should read them so:
        a million plans need not be in memory at once; this default reads the list whole)."""
        import json

        for row in self.list_plans(state=state, pack=pack, person=person, limit=limit):
            yield json.dumps(row, ensure_ascii=False)

    @abstractmethod
    def due_items(self, until: str, columns: tuple[str, ...], *, person: str | None = None
                  ) -> Iterator[tuple]:
        """The moments dated on or before ``until`` (ISO) of every plan (``person``: a person's
        id), from what the store keeps of each plan's moments, by date, then person (name
        key), plan and item: these ``columns`` of them (``plan_id, item, kind, date, title,
        status, person_id, pack_id, state, person, name_key``); ``title`` is None for the
        conversation itself (pop's own word for it, in the reader's language). Rows as
        read: an organisation's are hundreds of thousands."""

    @abstractmethod
    def people_without_plans(self, hired_by: str, *, person: str | None = None
                             ) -> list[dict]:
        """``{id, name, hired}`` of the people hired on or before ``hired_by`` (ISO) who have
        no plan yet: the candidates for a first POP."""

    @abstractmethod
    def plan_packs(self) -> list[Pack]:
        """The packs (snapshots) the store's plans use, each once."""

    @abstractmethod
    def count_plans(self, *, state: str | None = None, pack: str | None = None,
                    person: str | None = None) -> int: ...

    @abstractmethod
    def current_plans(self, *, pack: str | None = None, since: str | None = None,
                      not_held: tuple[str, ...] = ()) -> dict[str, tuple[str, str | None]]:
        """person id → (id of their latest plan, by conversation date and then last change;
        the latest conversation date of their plans in a phase not in ``not_held``), over the
        plans of ``pack`` with a conversation on or after ``since``."""

    @abstractmethod
    def events(self, plan_id: str) -> list[dict]: ...

    @abstractmethod
    def resolve_id(self, plan_id: str) -> str:
        """A full plan id from an id or a unique prefix of one."""

    @abstractmethod
    def compact(self) -> dict:
        """Leave nothing erased behind in the store's own files: ``{complete, kept}``, where
        ``kept`` names what may still hold erased data when ``complete`` is false."""

    @abstractmethod
    def info(self) -> dict:
        """Which store this is (kind, where, schema version) and how many rows it holds."""

    @abstractmethod
    def close(self) -> None: ...


def default_data_dir() -> str:
    from platformdirs import user_data_dir

    return user_data_dir("pop", appauthor=False)


def busy_seconds() -> float:
    """How long a command waits for another's write to finish (``POP_BUSY_SECONDS``)."""
    try:
        return max(0.0, float(os.environ.get("POP_BUSY_SECONDS") or 30))
    except ValueError:
        return 30.0


def store_url(url: str | None = None, data_dir: str | os.PathLike | None = None) -> str:
    """The store a command uses, as a URL: ``url``, else ``POP_STORE``, else the SQLite file
    in ``data_dir`` (``POP_HOME``, the platform's user data folder)."""
    url = (url or os.environ.get("POP_STORE") or "").strip()
    if url:
        return url
    folder = os.fspath(data_dir or os.environ.get("POP_HOME") or default_data_dir())
    return SQLITE_SCHEME + os.path.join(os.path.abspath(os.path.expanduser(folder)), DB_FILE)


def open_store(data_dir: str | os.PathLike | None = None, url: str | None = None, *,
               setup: str | None = None) -> Store:
    """Open the store (see :func:`store_url`), its schema brought up to date.

    A SQLite file is created and migrated as needed. A PostgreSQL database changes only when
    someone asks, so that an organisation's database is never altered behind its back:
    ``setup="init"`` creates pop's tables in an empty database (``pop store init``),
    ``setup="migrate"`` upgrades an older schema (``pop store migrate``).
    """
    url = store_url(url, data_dir)
    if url.startswith(POSTGRES_SCHEMES):
        from .postgres_store import PostgresStore

        return PostgresStore(url, setup=setup)
    from .sqlite_store import SQLiteStore

    return SQLiteStore(sqlite_path(url))


def sqlite_path(url: str, *, make_folder: bool = True) -> str:
    """The file a ``sqlite://PATH`` URL names (a folder, or a name without an extension: its
    ``pop.sqlite3``). Paths as text: pathlib costs a command 3 ms to import."""
    if not url.startswith(SQLITE_SCHEME):
        raise UsageError(_("{url!r} is not a store URL: use postgresql://user@host:port/database "
                           "or sqlite:///path/to/pop.sqlite3").format(url=redact_url(url)))
    path = os.path.expanduser(url[len(SQLITE_SCHEME):]) or "."
    name = os.path.basename(path.rstrip(os.sep))
    if os.path.isdir(path) or not 0 < name.rfind(".") < len(name) - 1:
        path = os.path.join(path, DB_FILE)
    if not make_folder:
        return path
    folder = os.path.dirname(path) or "."
    try:
        private_dir(folder)
    except OSError as exc:
        raise UsageError(_("cannot create the data folder {folder}: {error}").format(
            folder=folder, error=exc.strerror or exc)) from None
    return path


def redact_url(url: str) -> str:
    """A store URL fit to print: the password replaced."""
    import re

    return re.sub(r"(://[^:/@]*):[^@/]*@", r"\1:***@", url)


def busy_message(where: Any) -> str:
    return _("the plan store {path} is busy: another pop kept it locked for {seconds:g} "
             "seconds; try again (POP_BUSY_SECONDS waits longer)").format(
        path=where, seconds=busy_seconds())
