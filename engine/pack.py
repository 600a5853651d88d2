"""A resolved content pack: plain data (JSON-able, snapshotted into every plan) plus lookups.

No I/O here: :mod:`engine.packs` finds, loads and validates packs and builds these.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cached_property
from typing import Any

PHASES = ("preparation", "conversation", "follow_up", "evaluation")
CLOSED = "closed"
LIST_TYPES = ("multichoice", "list", "records")
TOGETHER = "together"


def localized(value: Any, lang: str, fallback: str = "nl") -> str:
    """A pack text in ``lang``: plain strings as they are, ``{nl: …, en: …}`` by language."""
    if value is None:
        return ""
    if isinstance(value, dict):
        for code in (lang, fallback, "nl", "en"):
            if code in value:
                return str(value[code])
        return str(next(iter(value.values()), ""))
    return str(value)


class QuestionRef:
    """A question with where it stands in the agenda."""

    __slots__ = ("question", "phase", "step", "index")

    def __init__(self, question: dict, phase: str, step: dict, index: int):
        #: ``index``: the position in the whole pack's order of questions
        self.question, self.phase, self.step, self.index = question, phase, step, index

    @property
    def id(self) -> str:
        return self.question["id"]

    @property
    def type(self) -> str:
        return self.question.get("type", "text")


class Pack:
    """A validated pack with ``extends`` already resolved."""

    def __init__(self, data: dict, templates: dict[str, str] | None = None, origin: str = ""):
        self.data, self.origin = data, origin
        self.templates = {} if templates is None else templates
        self._derived: dict[str, Any] = {}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Pack):
            return NotImplemented
        return (self.data, self.templates, self.origin) == (other.data, other.templates,
                                                            other.origin)

    def __repr__(self) -> str:
        return f"Pack({self.id!r}, version={self.version!r}, origin={self.origin!r})"

    def derived(self, name: str, make: Callable[[Pack], Any]) -> Any:
        """``make(self)``, worked out once per pack: what other modules read off a pack for
        every plan of a report (its actions' questions, its dated moments)."""
        if name not in self._derived:
            self._derived[name] = make(self)
        return self._derived[name]

    @property
    def id(self) -> str:
        return self.data["id"]

    @property
    def version(self) -> str:
        return self.data.get("version", "0")

    @property
    def language(self) -> str:
        return self.data.get("language", "nl")

    def text(self, value: Any, lang: str | None = None) -> str:
        return localized(value, lang or self.language[:2], self.language[:2])

    @property
    def name(self) -> str:
        return self.text(self.data.get("name", self.id))

    @cached_property
    def phases(self) -> list[str]:
        """The lifecycle phases this pack uses, in lifecycle order."""
        used = self.data.get("phases", {})
        return [p for p in PHASES if p in used]

    def phase(self, name: str) -> dict:
        return self.data.get("phases", {}).get(name, {})

    def steps(self, phase: str) -> list[dict]:
        return self.phase(phase).get("steps", [])

    @cached_property
    def step_index(self) -> dict[str, tuple[str, dict]]:
        return {s["id"]: (p, s) for p in self.phases for s in self.steps(p)}

    @cached_property
    def questions(self) -> dict[str, QuestionRef]:
        """Every top-level question by id, in agenda order."""
        out: dict[str, QuestionRef] = {}
        for phase in self.phases:
            for step in self.steps(phase):
                for q in step.get("questions", []):
                    out[q["id"]] = QuestionRef(q, phase, step, len(out))
        return out

    def state_title(self, state: str, lang: str | None = None) -> str:
        """``follow_up.uitvoering`` → ``Na · Uitvoering``: a state as the pack names it."""
        phase, _sep, step = state.partition(".")
        if phase == CLOSED:
            from .i18n import _

            return _("closed")
        title = self.text(self.phase(phase).get("title"), lang) or phase
        if step and step in self.step_index:
            title += " · " + self.text(self.step_index[step][1].get("title"), lang)
        return title

    def step_questions(self, step_id: str) -> list[dict]:
        return self.step_index[step_id][1].get("questions", [])

    @cached_property
    def roles(self) -> dict[str, dict]:
        return {r["id"]: r for r in self.data.get("roles", [])}

    @property
    def subject_role(self) -> str | None:
        return next((r for r, v in self.roles.items() if v.get("subject")), None)

    @property
    def signing_roles(self) -> list[str]:
        return [r for r, v in self.roles.items() if v.get("signs")]

    def role_name(self, role: str | None, lang: str | None = None) -> str:
        if role is None or role == TOGETHER:
            return ""
        return self.text(self.roles.get(role, {}).get("name", role), lang)

    def role_for(self, text: str) -> str | None:
        """The role ``text`` names: its id, or its shown name (``Medewerker``), in any case;
        None when it names none."""
        import unicodedata

        def fold(value: str) -> str:
            return unicodedata.normalize("NFC", value).strip().casefold()

        wanted = fold(text)
        for role in self.roles:
            if wanted in (fold(role), fold(self.role_name(role))):
                return role
        return None

    def roles_listed(self, roles: list[str] | None = None) -> str:
        """``employee (Medewerker), manager (Begeleider)``: roles as a user may name them."""
        return ", ".join(f"{r} ({self.role_name(r)})" for r in
                         (self.roles if roles is None else roles))

    def answered_by(self, question_id: str) -> str | None:
        ref = self.questions[question_id]
        return ref.question.get("answered_by") or ref.step.get("answered_by")

    @property
    def rules(self) -> list[dict]:
        return self.data.get("rules", [])

    def rules_at(self, at: str) -> list[dict]:
        return [r for r in self.rules if r["at"] == at]

    @property
    def outputs(self) -> list[dict]:
        return self.data.get("outputs", [])

    @property
    def schedule(self) -> list[dict]:
        return self.data.get("schedule", [])

    def setting(self, dotted: str) -> Any:
        value: Any = self.data.get("settings", {})
        for part in dotted.split("."):
            if not isinstance(value, dict) or part not in value:
                return None
            value = value[part]
        return value

    def choices(self, question: dict) -> list[tuple[Any, str]]:
        """(value, label) pairs of a choice question, its own or from the settings."""
        raw = question.get("choices")
        if raw is None and question.get("choices_from"):
            raw = self.setting(question["choices_from"]) or []
        pairs = []
        for item in raw or []:
            if isinstance(item, dict):
                pairs.append((item["value"], self.text(item.get("label", item["value"]))))
            else:
                pairs.append((item, str(item)))
        return pairs

    # snapshots ---------------------------------------------------------------------------
    def snapshot(self) -> dict:
        return {"pack": self.data, "templates": self.templates}

    @classmethod
    def from_snapshot(cls, snap: dict) -> Pack:
        return cls(snap["pack"], dict(snap.get("templates", {})), "snapshot")

    @cached_property
    def digest(self) -> str:
        """A stable hash of the snapshot: plans share one stored copy per digest."""
        from .hashing import sha256_hex

        raw = json.dumps(self.snapshot(), sort_keys=True, ensure_ascii=False)
        return sha256_hex(raw.encode("utf-8"))[:32]
