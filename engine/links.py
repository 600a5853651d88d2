"""Preparing on a phone: a one-person link to one role's preparation questions.

The link carries a random token; the store keeps only its SHA-256, an expiry date and whether it
was revoked, so a copy of the database opens nothing. What the person answers through the link
is a *draft*: saved as given (closing the phone loses nothing), checked like any answer
(:func:`engine.answers.coerce`), but not part of the plan. The leader sees how far they got, not
what they wrote, until they *share*: then every draft is recorded as their answer through the
same session, rules and event log as the terminal, in one transaction. After sharing, a change
on the phone is an answer at once.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from .answers import InvalidAnswer, coerce
from .dates import parse_date
from .errors import UsageError
from .hashing import sha256_hex
from .i18n import _
from .pack import TOGETHER
from .plan import Plan
from .plugins import Plugins
from .rules import Finding, applies
from .session import Session, concerning
from .store import Store

DEFAULT_DAYS = 14  # Van den Berg hands the preparation out 14 days ahead
MAX_DAYS = 366


def token_hash(token: str) -> str:
    return sha256_hex(token.encode("utf-8", "surrogatepass"))


def new_link(store: Store, plan: Plan, role: str, days: int | None = None) -> tuple[str, str]:
    """A new token for ``role`` in ``plan`` and its expiry (ISO); the role must prepare.

    ``days``: how long it works; by default :data:`DEFAULT_DAYS`, and at least until the day
    after the conversation.
    """
    if days is None:
        until = parse_date(plan.date or "")
        ahead = (until - datetime.now(UTC).date()).days + 1 if until else 0
        days = min(max(DEFAULT_DAYS, ahead), MAX_DAYS)
    if role not in plan.pack.roles:
        raise UsageError(_("unknown role {role!r} (roles: {roles})").format(
            role=role, roles=", ".join(plan.pack.roles)))
    if not 1 <= days <= MAX_DAYS:
        raise UsageError(_("--days must be between 1 and {most}").format(most=MAX_DAYS))
    if plan.phase != "preparation":
        raise UsageError(_("plan {id} is past the preparation ({state})").format(
            id=plan.id, state=plan.pack.state_title(plan.state)))
    if not questions_for(plan, role, seen_by(plan, role)):
        raise UsageError(_("This pack has no preparation questions for {role}.").format(
            role=plan.pack.role_name(role)))
    token = secrets.token_urlsafe(24)
    expires = (datetime.now(UTC) + timedelta(days=days)).replace(microsecond=0)
    store.add_link(plan.id, role, token_hash(token), expires.isoformat())
    return token, expires.isoformat()


class Link:
    """An open link: whose preparation, in which plan (``over``: the plan has left its
    preparation; the link shows that, and nothing else)."""

    def __init__(self, plan: Plan, role: str, expires: str, over: bool = False):
        self.plan, self.role, self.expires, self.over = plan, role, expires, over

    @property
    def person(self) -> str:
        return self.plan.people.get(self.role) or self.plan.pack.role_name(self.role)


def open_link(store: Store, token: str) -> Link | None:
    """The link a token opens; None when unknown, revoked or expired (the caller shows one
    plain page for all of them: a guess learns nothing)."""
    if not token or len(token) > 200:
        return None
    found = store.find_link(token_hash(token))
    if found is None or found["revoked"]:
        return None
    if datetime.fromisoformat(found["expires"]) <= datetime.now(UTC):
        return None
    try:
        plan = store.load_plan(found["plan_id"])
    except UsageError:  # the plan was erased
        return None
    return Link(plan, found["role"], found["expires"], over=plan.phase != "preparation")


def questions_for(plan: Plan, role: str, answers: dict[str, Any]) -> list[dict]:
    """The role's own preparation questions that apply, in agenda order: never another's."""
    pack = plan.pack
    return [q for step in pack.steps("preparation") for q in step.get("questions", [])
            if pack.answered_by(q["id"]) == role and applies(q, answers, pack)]


def seen_by(plan: Plan, role: str) -> dict[str, Any]:
    """The plan's answers a role's link may weigh (which questions apply, what rules say):
    all but what other roles prepared alone, so nothing of the leader's notes shows through."""
    pack = plan.pack
    return {q: v for q, v in plan.answers.items()
            if q not in pack.questions or pack.questions[q].phase != "preparation"
            or pack.answered_by(q) in (role, TOGETHER, None)}


def given(store: Store, link: Link) -> dict[str, Any]:
    """What the person answered so far: their shared answers, with drafts over them."""
    seen = seen_by(link.plan, link.role)
    shared = {q["id"]: seen[q["id"]] for q in questions_for(link.plan, link.role, seen)
              if q["id"] in seen}
    return {**shared, **store.drafts(link.plan.id, link.role)}


def link_questions(link: Link, given_answers: dict[str, Any]) -> list[dict]:
    """The questions the link asks now, given what the person answered."""
    return questions_for(link.plan, link.role, {**seen_by(link.plan, link.role),
                                                **given_answers})


def save(store: Store, plugins: Plugins, link: Link, question: dict, raw: Any) -> list[Finding]:
    """Keep one answer as given; what the rules say of it. Raises :class:`InvalidAnswer` for a
    value the question cannot hold (nothing is kept then)."""
    value = coerce(question, raw, link.plan.pack)
    if store.shared_at(link.plan.id, link.role):
        session = _session(store, plugins, link)
        return session.answer(question["id"], value) if value is not None else \
            (session.clear(question["id"]) or [])
    store.save_draft(link.plan.id, link.role, question["id"], value)
    pack = link.plan.pack
    return concerning(pack, plugins, pack.questions[question["id"]].step["id"], question["id"],
                      {**seen_by(link.plan, link.role), **given(store, link)}, link.plan.date)


def share(store: Store, plugins: Plugins, link: Link) -> None:
    """Record every draft as the person's answer, in one transaction, and mark the role
    shared. A value a rule of its type refuses stops the share with nothing recorded."""
    drafts = store.drafts(link.plan.id, link.role)
    session = _session(store, plugins, link)
    with session.writing():
        for question in questions_for(session.plan, link.role,
                                      {**seen_by(session.plan, link.role), **drafts}):
            if question["id"] in drafts:
                try:
                    value = coerce(question, drafts[question["id"]], session.pack)
                except InvalidAnswer as bad:
                    raise UsageError(f"{session.pack.text(question['text'])}: {bad}") from None
                session.answer(question["id"], value)
        store.record_share(link.plan.id, link.role)
    link.plan = session.plan


def progress(store: Store, plan: Plan) -> dict[str, dict]:
    """role → ``{answered, total, shared, link}`` for each role with preparation questions:
    what a leader may know of a preparation that is not shared (how far, not what)."""
    out = {}
    for role in plan.pack.roles:
        drafts = store.drafts(plan.id, role)
        merged = {**plan.answers, **drafts}
        own = questions_for(plan, role, merged)
        if not own:
            continue
        answered = sum(1 for q in own if q["id"] in merged)
        out[role] = {"answered": answered, "total": len(own),
                     "shared": store.shared_at(plan.id, role), "drafts": len(drafts)}
    return out


def _session(store: Store, plugins: Plugins, link: Link) -> Session:
    return Session(link.plan, store, plugins, link.person)
