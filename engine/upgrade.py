"""A plan moved onto its pack's current version (``pop upgrade ID``).

A plan keeps the snapshot of the pack it was started with, so that it prints and checks the way
it did when people agreed on it. Before it is agreed, an author's fix (a template, a question's
wording) should reach it: :func:`compare` says what the new version changes for this plan and
what stops the move (an answer the new pack has no question for or that no longer fits, a
state the new pack does not have, an agreed or closed plan). Nothing is moved there; the store
does that in one transaction (``record_upgrade``).
"""

from __future__ import annotations

from typing import Any

from .i18n import _
from .pack import CLOSED, Pack
from .plan import Plan
from .plugins import Plugins


class Upgrade:
    """What moving ``plan`` onto ``pack`` would change, and what stops it."""

    def __init__(self, plan: Plan, pack: Pack):
        self.plan, self.pack = plan, pack
        self.changes: list[str] = []
        self.problems: list[str] = []

    @property
    def needed(self) -> bool:
        return self.plan.pack.digest != self.pack.digest

    def as_dict(self) -> dict[str, Any]:
        return {"plan": self.plan.id, "pack": self.pack.id, "from": self.plan.pack_version,
                "to": self.pack.version, "needed": self.needed, "changes": self.changes,
                "problems": self.problems}


def compare(plan: Plan, pack: Pack, plugins: Plugins) -> Upgrade:
    from .agreement import is_agreed
    from .answers import InvalidAnswer, coerce
    from .lifecycle import lifecycle_for

    old = plan.pack
    result = Upgrade(plan, pack)
    if pack.id != old.id:
        result.problems.append(_("the plan is of pack {old}, not {new}").format(
            old=old.id, new=pack.id))
        return result
    if not result.needed:
        return result
    if plan.state == CLOSED:
        result.problems.append(_("the plan is closed: it keeps the pack it was made with"))
    elif is_agreed(plan):
        result.problems.append(_("the plan is agreed (signed by everyone): it keeps the pack "
                                 "its signatures are about"))
    if plan.state not in lifecycle_for(pack, plugins).sequence:
        result.problems.append(_("the new version has no step {state!r}, where the plan "
                                 "stands").format(state=plan.pack.state_title(plan.state)))
    for qid, value in plan.answers.items():
        ref = pack.questions.get(qid)
        if ref is None:
            result.problems.append(_("the answer to {id!r} has no question in the new "
                                     "version").format(id=qid))
            continue
        try:
            if coerce(ref.question, value, pack) != value:
                raise InvalidAnswer(_("it would be stored differently"))
        except InvalidAnswer as exc:
            result.problems.append(_("the answer to {id!r} does not fit the new version: "
                                     "{error}").format(id=qid, error=exc))
    result.changes = _changes(old, pack, plan)
    return result


def _changes(old: Pack, new: Pack, plan: Plan) -> list[str]:
    out = [_("version {old} → {new}").format(old=old.version or "-", new=new.version or "-")]
    text = new.text
    added = [q for q in new.questions if q not in old.questions]
    removed = [q for q in old.questions if q not in new.questions]
    reworded = [q for q in new.questions if q in old.questions and
                new.questions[q].question != old.questions[q].question]
    for qid in added:
        out.append(_("new question {id!r}: {text}").format(
            id=qid, text=text(new.questions[qid].question.get("text"))))
    for qid in removed:
        out.append(_("question {id!r} is left out").format(id=qid))
    for qid in reworded:
        out.append(_("question {id!r} changed").format(id=qid))
    old_steps, new_steps = list(old.step_index), list(new.step_index)
    for step in new_steps:
        if step not in old_steps:
            out.append(_("new step {id!r}").format(id=step))
    for step in old_steps:
        if step not in new_steps:
            out.append(_("step {id!r} is left out").format(id=step))
    old_rules = {r["id"]: r for r in old.rules}
    for rule in new.rules:
        if rule["id"] not in old_rules:
            out.append(_("new rule {id!r}").format(id=rule["id"]))
        elif rule != old_rules[rule["id"]]:
            out.append(_("rule {id!r} changed").format(id=rule["id"]))
    for rid in old_rules:
        if rid not in {r["id"] for r in new.rules}:
            out.append(_("rule {id!r} is left out").format(id=rid))
    for name in sorted(set(old.templates) | set(new.templates)):
        if old.templates.get(name) != new.templates.get(name):
            out.append(_("template {name} changed").format(name=name))
    for signature in plan.signatures:
        if not signature.get("stale"):
            out.append(_("the signature of {name} ({role}) is then of older content: sign "
                         "again").format(name=signature["name"], role=signature["role"]))
    return out
