"""Working on a plan: record answers, check the rules that concern them, move through the agenda.

Terminal-free, so the interactive session, answers files and scripts (``pop advance``) share
one path through the rules and the lifecycle machine. Every change is committed as it is made.
After the conversation: signing (akkoord), check-ins, evaluation, closing and the next cycle,
each guarded by the lifecycle (:meth:`engine.lifecycle.Lifecycle.require`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from . import agreement
from .errors import PopError, UsageError
from .i18n import _
from .lifecycle import (  # noqa: F401 - Blocked, NotAllowed are re-exported
    Blocked,
    Lifecycle,
    NotAllowed,
    lifecycle_for,
)
from .pack import Pack
from .people import PersonRef
from .plan import Plan, new_plan_id, phase_of, step_of
from .plugins import Plugins
from .rules import (
    Finding,
    applies,
    check_rule,
    condition_refs,
    evaluate,
    is_empty,
    step_applies,
)
from .store import Store

#: The drafts' "role" under which a table row being typed in an interview is kept until the row
#: is done (a role id is lowercase letters, digits and ``_``: this is none of the pack's).
ROW_DRAFT = "~row"


class PlanChanged(PopError):
    """Someone else changed the plan since this session last saw it, in a way that leaves
    what this session was about to write out of date. Nothing was written; ``plan`` is the
    plan as it stands now, ``changes`` the events in between."""

    exit_code = 3

    def __init__(self, plan: Plan, changes: list[dict], source_state: str):
        self.plan, self.changes = plan, changes
        super().__init__(describe_changes(changes, plan, source_state))


def describe_changes(changes: list[dict], plan: Plan, source_state: str | None = None) -> str:
    """One line: who changed what meanwhile, and where that leaves the plan."""
    said: dict[str, list[str]] = {}
    questions: dict[str, list[str]] = {}
    for event in changes:
        actor, kind, data = event["actor"], event["kind"], event["data"]
        what = said.setdefault(actor, [])
        if kind in ("answer", "answer_removed", "skipped"):
            if data["question"] not in questions.setdefault(actor, []):
                questions[actor].append(data["question"])
            text = "answers"
        else:
            text = {"state": _("moved the plan on"), "signed": _("signed"),
                    "checkin": _("recorded a check-in"),
                    "override": _("overridden a warning ({rule})").format(
                        rule=data.get("rule"))}.get(kind, kind)
        if text not in what:
            what.append(text)
    parts = []
    for actor, what in said.items():
        texts = [_("answered {questions}").format(questions=", ".join(
            _short(plan.pack.text(plan.pack.questions[q].question["text"]))
            if q in plan.pack.questions else q for q in questions[actor]))
            if w == "answers" else w for w in what]
        listed = ", ".join(texts[:-1]) + _(" and ") + texts[-1] if len(texts) > 1 else texts[0]
        parts.append(_("{actor} has meanwhile {what}").format(actor=actor, what=listed))
    line = "; ".join(parts) or _("the plan changed meanwhile")
    if source_state is not None and plan.state != source_state:
        line += "; " + _("the plan is now in {state}").format(
            state=plan.pack.state_title(plan.state))
    return line


def _short(text: str, width: int = 40) -> str:
    text = " ".join(text.split())
    return f"‘{text}’" if len(text) <= width else f"‘{text[: width - 1].rstrip()}…’"


class Session:
    """Working on one plan as one person.

    ``live``: a long-lived session (an interview) that has shown the plan to someone; a write
    finding the plan changed in a way that concerns it raises :class:`PlanChanged` instead of
    writing. A one-shot command (``live=False``) re-reads and re-checks inside the write.
    """

    def __init__(self, plan: Plan, store: Store, plugins: Plugins, actor: str = "pop",
                 agenda_phases: tuple[str, ...] = ("preparation", "conversation"),
                 live: bool = False, news: list[dict] | None = None,
                 created_people: list[dict] | None = None):
        self.plan, self.store, self.plugins, self.actor = plan, store, plugins, actor
        #: the phases whose steps this session asks (``pop run``: the conversation and before)
        self.agenda_phases = agenda_phases
        self.live = live
        #: changes by others merged into this session's view since :meth:`take_news` last ran
        self.news = [] if news is None else news
        #: people added to the register when this session's plan was created
        self.created_people = [] if created_people is None else created_people
        self._pending: list | None = None

    @property
    def pack(self) -> Pack:
        return self.plan.pack

    @property
    def lifecycle(self) -> Lifecycle:
        return lifecycle_for(self.pack, self.plugins)

    @classmethod
    def start(cls, pack: Pack, store: Store, plugins: Plugins,
              people: dict[str, PersonRef | str],
              date: str | None, actor: str = "pop", previous_id: str | None = None,
              answers: dict | None = None) -> Session:
        """Create and store a new plan at the first state of the pack's lifecycle.

        ``people``: role → a person of the register (``id``) or a new one (name only, added
        to the register in the same transaction); a plain string is looked up as an id, an
        employee number or a name (a new person when nobody fits).
        """
        with cls.starting(pack, store, plugins, people, date, actor, previous_id,
                          answers) as session:
            pass
        return session

    @classmethod
    @contextmanager
    def starting(cls, pack: Pack, store: Store, plugins: Plugins,
                 people: dict[str, PersonRef | str], date: str | None, actor: str = "pop",
                 previous_id: str | None = None,
                 answers: dict | None = None) -> Iterator[Session]:
        """:meth:`start`, and whatever the block does with the new plan, in one transaction:
        a plan made from a file is stored whole or not at all (a full disk, a crash, an
        error halfway leave no half plan). Plugins hear of it all after the commit."""
        from .people import ref_for

        for role in people:
            if role not in pack.roles:
                raise UsageError(_("unknown role {role!r} (roles: {roles})").format(
                    role=role, roles=", ".join(pack.roles)))
        pending: list[tuple[str, dict]] = []
        with store.transaction():
            people = {r: p if isinstance(p, PersonRef) else ref_for(store, p)
                      for r, p in people.items()}
            first = lifecycle_for(pack, plugins).sequence[0]
            plan = Plan(new_plan_id(), pack, first, {r: p.name for r, p in people.items()},
                        date, dict(answers or {}), previous_id=previous_id,
                        person_ids={r: p.id for r, p in people.items()})
            created = store.create_plan(plan, actor)
            session = cls(plan, store, plugins, actor, created_people=created)
            session._pending = pending
            session._record({"kind": "created", "data": {"pack": pack.id}})
            try:
                yield session
            except BaseException:
                session._pending = None
                raise
            session._pending = None
        for hook, kwargs in pending:
            plugins.notify(hook, plan=session.plan, **kwargs)

    @contextmanager
    def writing(self, question: str | None = None) -> Iterator[Plan]:
        """One change: take the write lock, re-read the plan if it moved, yield it.

        Everything checked inside the block is checked against the plan as it stands under
        the lock, so two people can never both pass a guard that only one may pass. A live
        session raises :class:`PlanChanged` (nothing written) when the plan left the state it
        showed, or someone else answered ``question`` meanwhile. Plugins hear of the changes
        after the commit. Nested blocks share the outer one's transaction.
        """
        if self._pending is not None:
            yield self.plan
            return
        pending: list[tuple[str, dict]] = []
        self._pending = pending
        try:
            with self.store.transaction():
                seen = self.plan
                if self.store.plan_version(seen.id) != seen.version:
                    fresh = self.store.load_plan(seen.id)
                    changes = self.store.events_since(seen.id, seen.version)
                    answered = {e["data"].get("question") for e in changes}
                    if self.live and (fresh.state != seen.state or (
                            question is not None and question in answered)):
                        raise PlanChanged(fresh, changes, seen.state)
                    self.news += changes
                    self.plan = fresh
                yield self.plan
        except PlanChanged as changed:
            self.plan = changed.plan
            raise
        except BaseException:
            self._reload_quietly()
            raise
        finally:
            self._pending = None
        for hook, kwargs in pending:
            self.plugins.notify(hook, plan=self.plan, **kwargs)

    def _reload_quietly(self) -> None:
        """After a rolled-back change the plan in memory may be ahead of the store."""
        with contextlib.suppress(Exception):  # the original error is the one to report
            self.plan = self.store.load_plan(self.plan.id)

    def _record(self, event: dict, hook: str = "pop_plan_saved", **kwargs: Any) -> dict:
        """Tell plugins of a change once it is committed."""
        assert self._pending is not None, "a change outside Session.writing"
        self._pending.append((hook, {"change": event, **kwargs} if hook == "pop_plan_saved"
                              else kwargs))
        return event

    def take_news(self) -> str | None:
        """One line on what others changed meanwhile (merged, not conflicting), once."""
        if not self.news:
            return None
        line = describe_changes(self.news, self.plan)
        self.news = []
        return line

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
        return evaluate(hints, self.plan.answers, self.pack, self.plugins, self.plan.date)

    def concerning(self, question_id: str) -> list[Finding]:
        """Errors and warnings of the current step's rules that depend on this question."""
        return [f for f in concerning(self.pack, self.plugins, self.plan.step or "",
                                      question_id, self.plan.answers, self.plan.date)
                if f.severity == "error" or f.rule not in self.plan.overrides]

    # --- changes ------------------------------------------------------------------------------
    def answer(self, question_id: str, value: Any) -> list[Finding]:
        """Store an answer (already coerced); return what the rules now say about it."""
        if is_empty(value):
            self.clear(question_id)
        else:
            with self.writing(question_id) as plan:
                self._record(self.store.record_answer(plan, question_id, value, self.actor))
                self._drop_partial_row(question_id)
        return self.concerning(question_id)

    def clear(self, question_id: str) -> None:
        """Remove an answer; an unanswered question is recorded as skipped (asked, not lost)."""
        with self.writing(question_id) as plan:
            if question_id in plan.answers:
                self._record(self.store.remove_answer(plan, question_id, self.actor))
            else:
                self._record(self.store.record_skip(plan, question_id, self.actor))
            self._drop_partial_row(question_id)

    # --- a table row being typed ---------------------------------------------------------------
    def partial_row(self, question_id: str) -> dict | None:
        """The row of a table that was being typed when the interview stopped (Ctrl-C, a
        crash): ``{"row": N, "values": {field: value}}``, ``row`` None for a new row."""
        found = self.store.drafts(self.plan.id, ROW_DRAFT).get(question_id)
        return found if isinstance(found, dict) and isinstance(found.get("values"), dict) \
            else None

    def keep_partial_row(self, question_id: str, row: int | None, values: dict) -> None:
        """Keep the fields of a row typed so far (committed at once; not yet an answer: the
        rules and the documents see the row when it is done). Empty ``values``: drop it."""
        self.store.save_draft(self.plan.id, ROW_DRAFT, question_id,
                              {"row": row, "values": values} if values else None)

    def _drop_partial_row(self, question_id: str) -> None:
        """Inside the write of a table's answer: the row being typed is part of it now."""
        ref = self.pack.questions.get(question_id)
        if ref is not None and ref.type == "records":
            self.store.save_draft(self.plan.id, ROW_DRAFT, question_id, None)

    # --- preparing alone -----------------------------------------------------------------------
    def preparation(self, role: str) -> list[dict]:
        """The preparation questions ``role`` answers alone that apply now, in agenda order."""
        from .links import questions_for

        return questions_for(self.plan, role, self.plan.answers)

    def still_to_prepare(self, role: str) -> list[dict]:
        """The role's preparation questions not yet put to them (answered or skipped)."""
        asked = self.asked()
        return [q for q in self.preparation(role) if q["id"] not in asked]

    def asked(self) -> set[str]:
        """Questions already put to someone (answered, cleared or skipped)."""
        return self.store.asked(self.plan.id) | set(self.plan.answers)

    def cause_of(self, rule_id: str) -> tuple[str, list[str]] | None:
        """Where to change the answers a rule is about instead of overriding it: the first
        step of the current phase, up to the current one, that asks one of them (those not
        answered first), as ``(state, question ids of that step)``; None when no step does."""
        rule = next((r for r in self.pack.rules if r["id"] == rule_id), {})
        refs = condition_refs(rule.get("check"))
        sequence = self.lifecycle.sequence
        states = [state for state in sequence[:sequence.index(self.plan.state) + 1]
                  if phase_of(state) == self.plan.phase and step_of(state)
                  and not self.skipped(state)]
        for wanted in ({q for q in refs if is_empty(self.plan.answers.get(q))}, refs):
            for state in states:
                found = [q["id"] for q in self.questions(step_of(state)) if q["id"] in wanted]
                if found:
                    return state, found
        return None

    def check_override(self, rule_id: str) -> None:
        """Only a warning (of the pack, or pop's own about check-in dates) can be passed with
        a reason."""
        from .followup import CHECKIN_DATES

        warnings = [r["id"] for r in self.pack.rules if r["severity"] == "warning"]
        warnings += [CHECKIN_DATES] if "follow_up" in self.pack.phases else []
        if rule_id not in warnings:
            raise UsageError(_("{rule!r} is not a warning of this pack (warnings: {known})")
                             .format(rule=rule_id, known=", ".join(warnings) or "-"))

    def override(self, rule_id: str, reason: str) -> None:
        self.check_override(rule_id)
        if not reason.strip():
            raise UsageError(_("an override needs a reason"))
        with self.writing() as plan:
            self._record(self.store.record_override(plan, rule_id, reason.strip(), self.actor))

    def set_cursor(self, question_id: str | None, now: bool = True) -> None:
        """Where the interview stands. ``now=False`` for a question not asked before: it is
        kept with its answer, one commit for both (a resume starts at the first question
        not yet asked anyway)."""
        self.store.set_cursor(self.plan, question_id, now)

    def _move(self, trigger: str) -> str:
        with self.writing() as plan:
            source = plan.state
            if trigger == "next" and self.lifecycle.next_state(source) is None:
                raise UsageError(_("the plan is closed"))
            with self.lifecycle.attached(plan):
                if not plan.trigger(trigger):
                    raise UsageError(_("cannot go {direction} from {state}").format(
                        direction=trigger, state=plan.pack.state_title(source)))
            self._record(self.store.record_state(plan, source, plan.state, self.actor))
            self._record({}, "pop_after_transition", source=source, dest=plan.state)
        return self.plan.state

    def skipped(self, state: str | None = None) -> bool:
        """The plan stands at (or ``state`` is) a step whose ``when`` does not hold."""
        step = step_of(state or self.plan.state)
        return step is not None and not step_applies(self.pack.step_index[step][1],
                                                     self.plan.answers, self.pack)

    def next(self) -> str:
        """Move to the next state that is not skipped; raises :class:`Blocked` with every
        reason when not allowed."""
        self._move("next")
        while self.skipped() and self.lifecycle.next_state(self.plan.state) is not None:
            self._move("next")
        return self.plan.state

    def back(self) -> str:
        """Back to the previous step of the phase that is not skipped."""
        self._move("back")
        while self.skipped() and self.can_go_back():
            self._move("back")
        return self.plan.state

    def can_go_back(self) -> bool:
        sequence = self.lifecycle.sequence
        i = sequence.index(self.plan.state)
        return any(phase_of(state) == self.plan.phase and not self.skipped(state)
                   for state in sequence[:i])

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
        pack = self.pack
        signing = pack.signing_roles
        role = pack.role_for(role) or role
        if role not in signing:
            raise UsageError(_("role {role!r} does not sign plans of pack {pack} (roles that "
                               "sign: {roles})").format(role=role, pack=pack.id,
                                                        roles=pack.roles_listed(signing)
                                                        or "-"))
        with self.writing() as plan:
            self.lifecycle.require(plan, "sign")
            signer = self._signer(plan, role, name)
            before = agreement.status(plan)
            digest = before["digest"]
            if role in before["signed"]:
                raise UsageError(_("{role} ({id}) already signed this content").format(
                    role=pack.role_name(role), id=role))
            self._record(self.store.record_signature(plan, role, signer.name, signer.id,
                                                     digest, self.actor))
            if not before["agreed"] and agreement.is_agreed(plan):
                self._record({}, "pop_plan_agreed", digest=digest)
        return self.plan.signatures[-1]

    def _signer(self, plan: Plan, role: str, name: str | None) -> PersonRef:
        """Who signs: the person in the role, or the one ``name`` stands for in the register
        (an unknown name is signed as given)."""
        from .people import AmbiguousPerson, clean_ref

        if not (name or "").strip():
            if not plan.people.get(role):
                raise UsageError(_("give the name of the person who signs: --name NAME"))
            return PersonRef(plan.people[role], plan.person_ids.get(role))
        text = clean_ref(name)
        found = self.store.find_people(text)
        mine = [p for p in found if p["id"] == plan.person_ids.get(role)]
        if len(found) > 1 and not mine:
            raise AmbiguousPerson(text, found)
        person = (mine or found or [None])[0]
        return PersonRef(person["name"], person["id"]) if person else PersonRef(text)

    def upgrade(self, pack: Pack) -> dict:
        """Move the plan onto ``pack``, a newer version of its pack (see
        :mod:`engine.upgrade`); :class:`UsageError` with the reasons when it cannot."""
        from .upgrade import compare

        with self.writing() as plan:  # judged again on the plan as it stands now
            found = compare(plan, pack, self.plugins)
            if found.problems:
                raise UsageError(_("plan {id} cannot move to {pack} {version}:").format(
                    id=plan.id, pack=pack.id, version=pack.version)
                    + "".join(f"\n  - {p}" for p in found.problems))
            if found.needed:
                self._record(self.store.record_upgrade(plan, pack, self.actor))
        return found.as_dict()

    def checkin(self, entries: list[dict], answers: dict[str, Any] | None = None,
                date: str | None = None, overrides: dict[str, str] | None = None) -> dict:
        """Record a check-in on the actions (see :func:`engine.followup.prepare_checkin`).

        Changing an action changes the agreed content: the signatures become stale. Dates that
        contradict the plan (:func:`engine.followup.checkin_warnings`) stop it unless the
        warning is overridden (``overrides``: rule → reason, recorded with it).
        """
        from .clock import today
        from .dates import parse_date
        from .followup import CHECKIN_DATES, checkin_warnings, prepare_checkin

        day = parse_date(date) if date else today()
        if day is None:
            raise UsageError(_("not a date; write e.g. 31-03-2026, 31 March 2026 or 2026-03-31"))
        with self.writing() as plan:  # the actions as they stand now: only the named ones move
            self.lifecycle.require(plan, "checkin")
            record, changed = prepare_checkin(plan, entries, answers or {}, day.isoformat(),
                                              self.plugins)
            for rule, reason in (overrides or {}).items():
                self.override(rule, reason)
            warnings = checkin_warnings(plan, record, today())
            if warnings and CHECKIN_DATES not in plan.overrides:
                raise NotAllowed("pop checkin", plan.id, plan.state, [_(
                    "warning, override with a reason: [{rule}] {message} (--override "
                    "{rule}=REASON)").format(rule=CHECKIN_DATES, message=w) for w in warnings],
                    plan.pack.state_title(plan.state))
            self._record(self.store.record_checkin(plan, record, changed, self.actor))
        return self.plan.checkins[-1]

    def start_evaluation(self) -> str:
        """From the follow-up into the evaluation (guarded); stays put when already there."""
        with self.writing() as plan:
            self.lifecycle.require(plan, "evaluate")
            while self.plan.phase != "evaluation":
                self.next()
        return self.plan.state

    def close(self) -> str:
        """Through the rest of the last phase to ``closed``; every move guarded."""
        with self.writing() as plan:
            self.lifecycle.require(plan, "close")
            while not self.plan.closed:
                self.next()
        return self.plan.state

    def next_cycle(self, pack: Pack | None = None, date: str | None = None) -> Session:
        """Open the next cycle's plan for the same people, linked to this (closed) one.

        ``pack``: the pack to use (the current version from the library); default: this plan's.
        """
        with self.writing() as plan:  # one successor, however many ask at once
            self.lifecycle.require(plan, "next")
            successor = self.store.successor(plan.id)
            if successor:
                raise NotAllowed("pop next", plan.id, plan.state, [_(
                    "the next cycle was already started: plan {id} (pop run --resume {id})")
                    .format(id=successor)], plan.pack.state_title(plan.state))
            pack = pack or plan.pack
            people = {r: PersonRef(n, plan.person_ids.get(r)) for r, n in plan.people.items()
                      if r in pack.roles}
            return Session.start(pack, self.store, self.plugins, people, date, self.actor,
                                 previous_id=plan.id)


def concerning(pack: Pack, plugins: Plugins, step_id: str, question_id: str,
               answers: dict[str, Any], date: str | None = None) -> list[Finding]:
    """What the step's errors and warnings that depend on the question say, over ``answers``.

    A rule over several questions of the step waits for the last of them: answering the first
    of two questions does not fail a rule about both (leaving the step checks it anyway)."""
    out = []
    later = [q["id"] for q in pack.step_questions(step_id)]
    later = later[later.index(question_id) + 1:] if question_id in later else []
    for rule in pack.rules_at(step_id):
        refs = condition_refs(rule.get("check")) | condition_refs(rule.get("when"))
        if rule["severity"] == "hint" or question_id not in refs:
            continue
        waiting = [q for q in later if q in refs and is_empty(answers.get(q))
                   and applies(pack.questions[q].question, answers, pack)]
        if not waiting:
            out += check_rule(rule, answers, pack, plugins, date)
    return out


def dry_run(pack: Pack, plugins: Plugins, answers: dict, overrides: dict,
            through: tuple[str, ...] = ("preparation", "conversation"),
            base: Plan | None = None, date: str | None = None) -> list[Blocked]:
    """Everything that would block a plan with these answers, over the given phases.

    No store, no machine models: the same guard, evaluated state by state, so an answers
    file is checked in full before anything is saved. ``base``: an existing plan whose
    people, signatures and check-ins count (its answers and overrides are not added);
    ``date``: the conversation's, for a plan not made yet.
    """
    plan = Plan("dry-run", pack, "", answers=dict(answers), date=date,
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

