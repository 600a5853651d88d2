"""The POP lifecycle as a ``transitions`` state machine, one per resolved pack.

``preparation → conversation → follow_up → evaluation → closed``; a phase with agenda steps
passes through one state per step, named ``phase.step`` (``conversation.planning``); a phase
without steps is one state. Phases a pack does not use are left out. Every move is between two
such states, so transitions' core ``Machine`` is all it takes (its nested machine would bring
the extensions package along: asyncio, diagrams, locking; ``pop packs graph`` draws the phases
as composite states by itself). Moving on (``next``) is guarded by the pack's rules and by
plugins; ``back`` returns to the previous step within a phase. Plans are the machine's models:
attached with ``add_model`` while they are worked on and detached afterwards.

Besides the pack's rules, two built-in conditions guard leaving the follow-up: the plan must be
agreed (every signing role signed the current content, see :mod:`engine.agreement`) and at least
one check-in must be recorded. What may be done to a plan outside the moves (sign, check in,
evaluate, close, start the next cycle) is decided here too: :meth:`Lifecycle.require`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from transitions import Machine

from . import agreement
from .errors import PopError
from .i18n import _
from .pack import CLOSED, Pack
from .plan import Plan, phase_of, step_of
from .plugins import Plugins
from .rules import Finding, evaluate, missing_required, step_applies


class Blocked(PopError):
    """A move the rules (or a plugin) do not allow yet, with every reason."""

    def __init__(self, source: str, dest: str, missing: list[str] | None = None,
                 findings: list[Finding] | None = None, vetoes: list[str] | None = None,
                 labels: dict[str, str] | None = None, exit_code: int = 3,
                 titles: dict[str, str] | None = None):
        self.source, self.dest, self.exit_code = source, dest, exit_code
        self.missing = [] if missing is None else missing
        self.findings = [] if findings is None else findings
        self.vetoes = [] if vetoes is None else vetoes
        self.labels = {} if labels is None else labels  # question id → its text
        self.titles = {} if titles is None else titles  # state → as the pack names it
        super().__init__(self.describe())

    @property
    def needs_override(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    def describe(self) -> str:
        lines = [_("cannot move from {source} to {dest}:").format(
            source=self.titles.get(self.source, self.source),
            dest=self.titles.get(self.dest, self.dest))]
        lines += ["  - " + _("required question not answered: {id}").format(
            id=f"{self.labels[q]} ({q})" if q in self.labels else q) for q in self.missing]
        lines += [f"  - [{f.rule}] {f.message}" for f in self.errors]
        lines += ["  - " + _("warning, override with a reason: [{rule}] {message}").format(
            rule=f.rule, message=f.message) for f in self.needs_override]
        lines += ["  - " + _("refused by plugin {veto}").format(veto=v) for v in self.vetoes]
        return "\n".join(lines)


class NotAllowed(PopError):
    """Something the plan's place in its lifecycle does not allow now, with every reason."""

    exit_code = 3

    def __init__(self, command: str, plan_id: str, state: str, reasons: list[str],
                 title: str = ""):
        self.command, self.plan_id, self.state, self.reasons = command, plan_id, state, reasons
        self.title = title or state  # the state as the pack names it
        super().__init__(self.describe())

    def describe(self) -> str:
        lines = [_("{command} is not possible for plan {id} now (state: {state}):").format(
            command=self.command, id=self.plan_id, state=self.title)]
        return "\n".join(lines + ["  - " + reason for reason in self.reasons])


ACTIVITIES = ("sign", "checkin", "evaluate", "close", "next")
BUILTIN_SIGNATURES = "pop.signatures"
BUILTIN_CHECKINS = "pop.checkins"
_EARLY = ("preparation", "conversation")


def state_sequence(pack: Pack) -> list[str]:
    """Every state a plan passes through, in order."""
    states: list[str] = []
    for phase in pack.phases:
        steps = pack.steps(phase)
        states += [f"{phase}.{s['id']}" for s in steps] if steps else [phase]
    return [*states, CLOSED]


class Lifecycle:
    """The machine of one resolved pack, shared by all plans made from it."""

    def __init__(self, pack: Pack, plugins: Plugins):
        self.pack, self.plugins = pack, plugins
        self.sequence = state_sequence(pack)
        self.machine = Machine(model=None, states=self.sequence, initial=self.sequence[0],
                               auto_transitions=False, send_event=True,
                               model_attribute="state")
        for source, dest in zip(self.sequence, self.sequence[1:], strict=False):
            self.machine.add_transition("next", source, dest, conditions=[self._guard])
            if phase_of(source) == phase_of(dest):
                self.machine.add_transition("back", dest, source)
        events = list(self.machine.events)
        #: what ``add_model`` sets on a plan (triggers, ``may_*``, ``is_<state>``)
        self._bound = ("trigger", "may_trigger", *events, *(f"may_{e}" for e in events),
                       *(f"is_{state}" for state in self.machine.states))

    @contextmanager
    def attached(self, plan: Plan) -> Iterator[Plan]:
        """Make ``plan`` a model of the machine for the duration (then release it).

        ``remove_model`` leaves its methods on the plan, and a second ``add_model`` would
        then keep them (logging a warning for each) even when bound to another pack's
        machine: they are taken off, so that every attach binds this machine afresh."""
        self.machine.add_model(plan, initial=plan.state)
        try:
            yield plan
        finally:
            self.machine.remove_model(plan)
            for name in self._bound:
                plan.__dict__.pop(name, None)

    def next_state(self, state: str) -> str | None:
        i = self.sequence.index(state)
        return self.sequence[i + 1] if i + 1 < len(self.sequence) else None

    def position(self, state: str) -> tuple[int, int]:
        """(n, m): the step's number in its phase and the phase's number of steps."""
        same = [s for s in self.sequence if phase_of(s) == phase_of(state)]
        return same.index(state) + 1, len(same)

    def check_step(self, plan: Plan, state: str) -> Blocked | None:
        """What is still missing or wrong in the step ``state`` (its questions and rules)."""
        return self.check_leaving(plan, state, state, ask_plugins=False)

    def check_leaving(self, plan: Plan, source: str, dest: str, ask_plugins: bool = True
                      ) -> Blocked | None:
        """What stops ``plan`` from leaving ``source`` for ``dest`` (None: nothing)."""
        missing: list[str] = []
        findings: list[Finding] = []
        step = step_of(source)
        if step and step_applies(self.pack.step_index[step][1], plan.answers, self.pack):
            missing = missing_required(self.pack, step, plan.answers)
            findings += evaluate(self.pack.rules_at(step), plan.answers, self.pack, self.plugins,
                                 plan.date)
        if phase_of(source) != phase_of(dest):
            findings += evaluate(self.pack.rules_at(phase_of(source)), plan.answers, self.pack,
                                 self.plugins, plan.date)
        if self.leaves_follow_up(source, dest):
            findings += self.follow_up_findings(plan)
        findings = [f for f in findings if f.severity == "error" or (
            f.severity == "warning" and f.rule not in plan.overrides)]
        vetoes = self.plugins.vetoes(plan, source, dest) if ask_plugins else []
        if missing or findings or vetoes:
            labels = {q: self.pack.text(self.pack.questions[q].question.get("text"))
                      for q in missing if q in self.pack.questions}
            titles = {s: self.pack.state_title(s) for s in (source, dest)}
            return Blocked(source, dest, missing, findings, vetoes, labels, titles=titles)
        return None

    def leaves_follow_up(self, source: str, dest: str) -> bool:
        """Whether this move ends the follow-up (closing, for a pack without follow-up)."""
        if "follow_up" in self.pack.phases:
            return phase_of(source) == "follow_up" and phase_of(dest) != "follow_up"
        return dest == CLOSED and phase_of(source) not in _EARLY

    def follow_up_findings(self, plan: Plan) -> list[Finding]:
        """The built-in conditions for ending the follow-up: agreed, and checked in on."""
        at = "follow_up"
        found = [Finding(BUILTIN_SIGNATURES, "error",
                         _("the plan is not agreed: {reason}").format(reason=reason), at)
                 for reason in agreement.problems(plan)]
        if "follow_up" in self.pack.phases and not plan.checkins:
            found.append(Finding(BUILTIN_CHECKINS, "error", _(
                "no check-in on the actions is recorded yet: pop checkin {id}").format(
                id=plan.id), at))
        return found

    def check_activity(self, plan: Plan, activity: str) -> list[str]:
        """Why ``activity`` (one of :data:`ACTIVITIES`) is not possible now; empty: it is."""
        phase, phases, pid = plan.phase, self.pack.phases, plan.id
        early = phase in _EARLY
        if activity == "next":
            return [] if plan.closed else [_(
                "the plan is not closed yet; evaluate and close it first: pop close {id}")
                .format(id=pid)]
        if plan.closed:
            return [_("the plan is closed; start the next cycle with: pop next {id}").format(
                id=pid)]
        if early:
            return [_("the conversation is not finished yet; continue it with: "
                      "pop run --resume {id}").format(id=pid)]
        if activity == "sign":
            return []
        if activity == "checkin":
            if "follow_up" not in phases:
                return [_("pack {pack} has no follow-up phase").format(pack=self.pack.id)]
            if phase != "follow_up":
                return [_("check-ins belong to the follow-up, which is over (the plan is in "
                          "{phase})").format(phase=self.pack.state_title(phase))]
            return [_("the plan is not agreed: {reason}").format(reason=reason)
                    for reason in agreement.problems(plan)]
        if activity == "evaluate":
            if "evaluation" not in phases:
                return [_("pack {pack} has no evaluation phase; close the plan with: "
                          "pop close {id}").format(pack=self.pack.id, id=pid)]
            return []
        if activity == "close":
            if phase != phases[-1]:
                return [_("evaluate the plan first: pop evaluate {id}").format(id=pid)]
            return []
        raise ValueError(f"unknown activity {activity!r}")

    def require(self, plan: Plan, activity: str) -> None:
        """Raise :class:`NotAllowed` with every reason when ``activity`` is not possible now."""
        reasons = self.check_activity(plan, activity)
        if reasons:
            raise NotAllowed(f"pop {activity}", plan.id, plan.state, reasons,
                             self.pack.state_title(plan.state))

    def _guard(self, event) -> bool:  # noqa: ANN001 - transitions.EventData
        blocked = self.check_leaving(event.model, event.transition.source,
                                     event.transition.dest)
        if blocked:
            raise blocked
        return True


_machines: dict[str, Lifecycle] = {}


def lifecycle_for(pack: Pack, plugins: Plugins) -> Lifecycle:
    """The one machine for this resolved pack (built on first use)."""
    key = f"{pack.digest}:{id(plugins)}"
    if key not in _machines:
        _machines[key] = Lifecycle(pack, plugins)
    return _machines[key]
