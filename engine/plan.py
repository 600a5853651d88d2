"""A plan: one person's POP in one cycle, with everything said and decided in it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .pack import CLOSED, Pack

_ID_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def new_plan_id() -> str:
    """Short enough to type, random enough for a million plans (40 bits)."""
    import secrets  # here: random and hmac cost a reading command 1.3 ms to import

    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(8))


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def phase_of(state: str) -> str:
    return state.split(".", 1)[0]


def step_of(state: str) -> str | None:
    return state.split(".", 1)[1] if "." in state else None


@dataclass(eq=False)
class Plan:
    """The lifecycle model: ``state`` is set by the machine in :mod:`engine.lifecycle`.

    Compared by identity (``eq=False``): the shared machine keeps a list of its models.
    """

    id: str
    pack: Pack
    state: str
    people: dict[str, str] = field(default_factory=dict)
    date: str | None = None
    answers: dict[str, Any] = field(default_factory=dict)
    overrides: dict[str, dict] = field(default_factory=dict)
    created: str = field(default_factory=now)
    updated: str = field(default_factory=now)
    previous_id: str | None = None
    cursor: str | None = None
    signatures: list[dict] = field(default_factory=list)
    checkins: list[dict] = field(default_factory=list)
    #: role → the id of the person in it (:mod:`engine.people`); ``people`` holds their names
    person_ids: dict[str, str | None] = field(default_factory=dict)
    #: moves by one with every change; a write based on an older version is refused
    version: int = 0
    #: role → what the register holds of that person (number, hired, team), for documents
    registered: dict[str, dict] = field(default_factory=dict)

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
