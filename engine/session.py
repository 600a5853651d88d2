"""Working on a plan: record answers, check the rules that concern them, move through the agenda.

Terminal-free, so the interactive session, answers files and scripts (``pop advance``) share
one path through the rules and the lifecycle machine. Every change is committed as it is made.
After the conversation: signing (akkoord), check-ins, evaluation, closing and the next cycle,
each guarded by the lifecycle (:meth:`engine.lifecycle.Lifecycle.require`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import agreement
from .errors import UsageError
from .i18n import _
from .lifecycle import (  # noqa: F401 - Blocked, NotAllowed are re-exported
    Blocked,
    Lifecycle,
    NotAllowed,
    lifecycle_for,
)
from .pack import Pack
from .plan import Plan, new_plan_id, phase_of
from .plugins import Plugins
from .rules import Finding, applies, check_rule, condition_refs, evaluate, is_empty
from .store import Store


@dataclass
class Session:
    plan: Plan
    store: Store
    plugins: Plugins
    actor: str = "pop"
    #: the phases whose steps this session asks (``pop run``: the conversation and before it)
    agenda_phases: tuple[str, ...] = ("preparation", "conversation")

    @property
    def pack(self) -> Pack:
        return self.plan.pack

    @property
    def lifecycle(self) -> Lifecycle:
        return lifecycle_for(self.pack, self.plugins)

    @classmethod
    def start(cls, pack: Pack, store: Store, plugins: Plugins, people: dict[str, str],
              date: str | None, actor: str = "pop", previous_id: str | None = None,
              answers: dict | None = None) -> Session:
        """Create and store a new plan at the first state of the pack's lifecycle."""
        for role in people:
            if role not in pack.roles:
                raise UsageError(_("unknown role {role!r} (roles: {roles})").format(
                    role=role, roles=", ".join(pack.roles)))
        first = lifecycle_for(pack, plugins).sequence[0]
        plan = Plan(new_plan_id(), pack, first, dict(people), date, dict(answers or {}),
                    previous_id=previous_id)
        store.create_plan(plan, actor)
        session = cls(plan, store, plugins, actor)
        session._saved({"kind": "created", "data": {"pack": pack.id}})
        return session

    def _saved(self, event: dict) -> None:
        self.plugins.notify("pop_plan_saved", plan=self.plan, change=event)

    # --- where the conversation stands ---------------------------------------------------------
    @property
    def in_agenda(self) -> bool:
        """The plan stands at a step of one of :attr:`agenda_phases` (questions to ask)."""
        return self.plan.step is not None and phase_of(self.plan.state) in self.agenda_phases

    def at_agenda_end(self) -> bool:
        """The next move would leave the phases this session asks."""
        dest = self.lifecycle.next_state(self.plan.state)
        return dest is None or phase_of(dest) not in self.agenda_phases

    def step(self) -> dict:
        return self.pack.step_index[self.plan.step][1]

    def questions(self, step_id: str | None = None) -> list[dict]:
        """The questions of a step that apply, given the answers so far."""
        step_id = step_id or self.plan.step
        return [q for q in self.pack.step_questions(step_id)
                if applies(q, self.plan.answers, self.pack)]

    def hints(self, step_id: str | None = None) -> list[Finding]:
        step_id = step_id or self.plan.step
        hints = [r for r in self.pack.rules_at(step_id) if r["severity"] == "hint"]
        return evaluate(hints, self.plan.answers, self.pack, self.plugins)

    def concerning(self, question_id: str) -> list[Finding]:
        """Errors and warnings of the current step's rules that depend on this question."""
        out = []
        for rule in self.pack.rules_at(self.plan.step or ""):
            if rule["severity"] == "hint":
                continue
            refs = condition_refs(rule.get("check")) | condition_refs(rule.get("when"))
            if question_id in refs:
                out += [f for f in check_rule(rule, self.plan.answers, self.pack, self.plugins)
                        if f.severity == "error" or f.rule not in self.plan.overrides]
        return out

    # --- changes ------------------------------------------------------------------------------
    def answer(self, question_id: str, value: Any) -> list[Finding]:
        """Store an answer (already coerced); return what the rules now say about it."""
        if is_empty(value):
            self.clear(question_id)
        else:
            self._saved(self.store.record_answer(self.plan, question_id, value, self.actor))
        return self.concerning(question_id)

    def clear(self, question_id: str) -> None:
        """Remove an answer; an unanswered question is recorded as skipped (asked, not lost)."""
        if question_id in self.plan.answers:
            self._saved(self.store.remove_answer(self.plan, question_id, self.actor))
        else:
            self._saved(self.store.record_skip(self.plan, question_id, self.actor))

    def asked(self) -> set[str]:
        """Questions already put to someone (answered, cleared or skipped)."""
        return self.store.asked(self.plan.id) | set(self.plan.answers)

    def override(self, rule_id: str, reason: str) -> None:
        if rule_id not in {r["id"] for r in self.pack.rules if r["severity"] == "warning"}:
            warnings = ", ".join(r["id"] for r in self.pack.rules if r["severity"] == "warning")
            raise UsageError(_("{rule!r} is not a warning of this pack (warnings: {known})")
                             .format(rule=rule_id, known=warnings or "-"))
        if not reason.strip():
            raise UsageError(_("an override needs a reason"))
        self._saved(self.store.record_override(self.plan, rule_id, reason.strip(), self.actor))

    def set_cursor(self, question_id: str | None) -> None:
        self.store.set_cursor(self.plan, question_id)

    def _move(self, trigger: str) -> str:
        source = self.plan.state
        with self.lifecycle.attached(self.plan):
            if not self.plan.trigger(trigger):
                raise UsageError(_("cannot go {direction} from {state}").format(
                    direction=trigger, state=source))
        event = self.store.record_state(self.plan, source, self.plan.state, self.actor)
        self._saved(event)
        self.plugins.notify("pop_after_transition", plan=self.plan, source=source,
                            dest=self.plan.state)
        return self.plan.state

    def next(self) -> str:
        """Move to the next state; raises :class:`Blocked` with every reason when not allowed."""
        if self.lifecycle.next_state(self.plan.state) is None:
            raise UsageError(_("the plan is closed"))
        return self._move("next")

    def back(self) -> str:
        return self._move("back")

    def can_go_back(self) -> bool:
        i = self.lifecycle.sequence.index(self.plan.state)
        return i > 0 and phase_of(self.lifecycle.sequence[i - 1]) == self.plan.phase

    def advance(self) -> str:
        """Move through the remaining steps of the current phase into the next phase."""
        phase = self.plan.phase
        while self.plan.phase == phase:
            self.next()
        return self.plan.state

    def finish(self, phases: tuple[str, ...] = ("preparation", "conversation")) -> None:
        """Move on as far as the rules allow, out of the given phases."""
        while phase_of(self.plan.state) in phases:
            self.next()

    # --- after the conversation ---------------------------------------------------------------
    def sign(self, role: str, name: str | None = None) -> dict:
        """Sign the plan's current content for ``role``; returns the signature.

        Calls ``pop_plan_agreed`` once, when this signature makes the plan agreed.
        """
        plan, pack = self.plan, self.pack
        self.lifecycle.require(plan, "sign")
        signing = pack.signing_roles
        if role not in signing:
            raise UsageError(_("role {role!r} does not sign plans of pack {pack} (roles that "
                               "sign: {roles})").format(role=role, pack=pack.id,
                                                        roles=", ".join(signing) or "-"))
        name = (name or plan.people.get(role) or "").strip()
        if not name:
            raise UsageError(_("give the name of the person who signs: --name NAME"))
        before = agreement.status(plan)
        digest = before["digest"]
        if role in before["signed"]:
            raise UsageError(_("{role} ({id}) already signed this content").format(
                role=pack.role_name(role), id=role))
        self._saved(self.store.record_signature(plan, role, name, digest, self.actor))
        if not before["agreed"] and agreement.is_agreed(plan):
            self.plugins.notify("pop_plan_agreed", plan=plan, digest=digest)
        return plan.signatures[-1]

    def checkin(self, entries: list[dict], answers: dict[str, Any] | None = None,
                date: str | None = None) -> dict:
        """Record a check-in on the actions (see :func:`engine.followup.prepare_checkin`).

        Changing an action changes the agreed content: the signatures become stale.
        """
        from .clock import today
        from .dates import parse_date
        from .followup import prepare_checkin

        self.lifecycle.require(self.plan, "checkin")
        day = parse_date(date) if date else today()
        if day is None:
            raise UsageError(_("not a date; write e.g. 31-03-2026, 31 maart 2026 or 2026-03-31"))
        record, changed = prepare_checkin(self.plan, entries, answers or {}, day.isoformat(),
                                          self.plugins)
        self._saved(self.store.record_checkin(self.plan, record, changed, self.actor))
        return self.plan.checkins[-1]

    def start_evaluation(self) -> str:
        """From the follow-up into the evaluation (guarded); stays put when already there."""
        self.lifecycle.require(self.plan, "evaluate")
        while self.plan.phase != "evaluation":
            self.next()
        return self.plan.state

    def close(self) -> str:
        """Through the rest of the last phase to ``closed``; every move guarded."""
        self.lifecycle.require(self.plan, "close")
        while not self.plan.closed:
            self.next()
        return self.plan.state

    def next_cycle(self, pack: Pack | None = None, date: str | None = None) -> Session:
        """Open the next cycle's plan for the same people, linked to this (closed) one.

        ``pack``: the pack to use (the current version from the library); default: this plan's.
        """
        plan = self.plan
        self.lifecycle.require(plan, "next")
        successor = self.store.successor(plan.id)
        if successor:
            raise NotAllowed("pop next", plan.id, plan.state, [_(
                "the next cycle was already started: plan {id} (pop run --resume {id})").format(
                id=successor)])
        pack = pack or plan.pack
        people = {r: n for r, n in plan.people.items() if r in pack.roles}
        return Session.start(pack, self.store, self.plugins, people, date, self.actor,
                             previous_id=plan.id)


def dry_run(pack: Pack, plugins: Plugins, answers: dict, overrides: dict,
            through: tuple[str, ...] = ("preparation", "conversation"),
            base: Plan | None = None) -> list[Blocked]:
    """Everything that would block a plan with these answers, over the given phases.

    No store, no machine models: the same guard, evaluated state by state, so an answers
    file is checked in full before anything is saved. ``base``: an existing plan whose
    people, signatures and check-ins count (its answers and overrides are not added).
    """
    plan = Plan("dry-run", pack, "", answers=dict(answers),
                overrides={r: {"reason": v} for r, v in overrides.items()})
    if base is not None:
        plan.id, plan.people, plan.date = base.id, dict(base.people), base.date
        plan.signatures = [dict(s) for s in base.signatures]
        plan.checkins = list(base.checkins)
    lifecycle = lifecycle_for(pack, plugins)
    found = []
    for source in lifecycle.sequence:
        if phase_of(source) not in through:
            continue
        dest = lifecycle.next_state(source)
        plan.state = source
        blocked = lifecycle.check_leaving(plan, source, dest, ask_plugins=False) if dest else None
        if blocked:
            found.append(blocked)
    return found

