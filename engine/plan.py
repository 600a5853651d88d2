"""A plan: one person's POP in one cycle, with everything said and decided in it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from .ids import random_id
from .pack import CLOSED, Pack


def new_plan_id() -> str:
    """Short enough to type, random enough for a million plans (40 bits)."""
    return random_id(8)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def phase_of(state: str) -> str:
    return state.split(".", 1)[0]


def step_of(state: str) -> str | None:
    return state.split(".", 1)[1] if "." in state else None


class Plan:
    """The lifecycle model: ``state`` is set by the machine in :mod:`engine.lifecycle`.

    Compared by identity: the shared machine keeps a list of its models.
    """

    def __init__(self, id: str, pack: Pack, state: str,
                 people: dict[str, str] | None = None, date: str | None = None,
                 answers: dict[str, Any] | None = None,
                 overrides: dict[str, dict] | None = None, created: str | None = None,
                 updated: str | None = None, previous_id: str | None = None,
                 cursor: str | None = None, signatures: list[dict] | None = None,
                 checkins: list[dict] | None = None,
                 person_ids: dict[str, str | None] | None = None, version: int = 0,
                 registered: dict[str, dict] | None = None):
        self.id, self.pack, self.state, self.date = id, pack, state, date
        self.people = {} if people is None else people
        self.answers = {} if answers is None else answers
        self.overrides = {} if overrides is None else overrides
        self.created = now() if created is None else created
        self.updated = now() if updated is None else updated
        self.previous_id, self.cursor = previous_id, cursor
        self.signatures = [] if signatures is None else signatures
        self.checkins = [] if checkins is None else checkins
        #: role → the id of the person in it (:mod:`engine.people`); ``people`` holds names
        self.person_ids = {} if person_ids is None else person_ids
        #: moves by one with every change; a write based on an older version is refused
        self.version = version
        #: role → what the register holds of that person (number, hired, team), for documents
        self.registered = {} if registered is None else registered

    def __repr__(self) -> str:
        return f"Plan({self.id!r}, {self.pack_id!r}, {self.state!r})"

    @property
    def pack_id(self) -> str:
        return self.pack.id

    @property
    def pack_version(self) -> str:
        return self.pack.version

    @property
    def person(self) -> str:
        """The name of the person the plan is about."""
        role = self.subject
        return self.people[role] if role else ""

    @property
    def subject(self) -> str | None:
        """The role the plan is about."""
        role = self.pack.subject_role
        if role and role in self.people:
            return role
        return next(iter(self.people), None)

    @property
    def person_id(self) -> str | None:
        """The id of the person the plan is about."""
        role = self.subject
        return self.person_ids.get(role) if role else None

    @property
    def phase(self) -> str:
        return phase_of(self.state)

    @property
    def step(self) -> str | None:
        return step_of(self.state)

    @property
    def closed(self) -> bool:
        return self.state == CLOSED

    def summary(self) -> dict:
        return {"id": self.id, "pack": self.pack_id, "pack_version": self.pack_version,
                "person": self.person, "person_id": self.person_id, "people": self.people,
                "person_ids": self.person_ids, "state": self.state,
                "state_title": self.pack.state_title(self.state), "version": self.version,
                "date": self.date, "created": self.created, "updated": self.updated,
                "previous": self.previous_id}

    def as_dict(self) -> dict:
        return {**self.summary(), "answers": self.answers, "overrides": self.overrides,
                "signatures": self.signatures, "checkins": self.checkins}
