"""The guided conversation in the browser: one step of the agenda per page, as ``pop run``.

The same session as the terminal: answers are checked as the form sends them (a value its
question cannot hold is shown back with the message, nothing stored), the step's rules speak
after each answer, "Opslaan en verder" moves on only as far as the lifecycle allows, and a
warning is passed only with a reason. The plan keeps its step, so closing the browser and
coming back resumes where it stopped; a plan a terminal moved on meanwhile is shown as it is
now (any change since the form was shown: the plan's version moved), with nothing of the
stale form written.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ..answers import InvalidAnswer, coerce
from ..errors import PopError
from ..i18n import _
from ..lifecycle import Blocked
from ..plan import Plan
from ..session import Session
from .pages import Web, page, plain, raw_value
from .security import LEADER_COOKIE

AGENDA = ("preparation", "conversation")


def leader_actor(plan: Plan) -> str:
    """Who the browser writes as: the person in the plan's first role that is not its subject."""
    subject = plan.pack.subject_role
    return next((name for role, name in plan.people.items() if role != subject and name),
                "pop serve")


def conversation(web: Web, request: Request) -> Response:
    store = web.store()
    try:
        try:
            plan = store.load_plan(request.path_params["plan_id"])
        except PopError:
            return plain(_("No such plan"), _("There is no plan with this id."), 404)
        session = Session(plan, store, web.plugins, leader_actor(plan))
        if not session.in_agenda:
            return page("conversation_done.html", plan=plan, pack=plan.pack)
        here = request.url.path
        errors: dict[str, str] = {}
        typed: dict[str, Any] = {}
        findings: dict[str, list] = {}
        blocked: Blocked | None = None
        notice = None
        if request.method == "POST":
            form = request.state.form
            credential = request.cookies.get(LEADER_COOKIE, "")
            if form is None or not web.guard.csrf_ok(credential,
                                                     (form.get("csrf") or [""])[0]):
                return plain(_("Not saved"), _("This form is out of date; go back and try "
                                               "again."), 400)
            if (form.get("version") or [""])[0] != str(plan.version):
                notice = _("Someone changed this plan meanwhile; nothing of that form was "
                           "saved. This is how it stands now.")
            else:
                try:
                    blocked = _apply(session, form, errors, typed, findings)
                except PopError as problem:  # e.g. an override of a rule that is no warning
                    return plain(_("Not saved"), str(problem), 400)
                if blocked is None and not errors and not any(
                        f.severity == "error" for found in findings.values() for f in found):
                    return RedirectResponse(here, 303)
        plan = session.plan
        if not session.in_agenda:
            return RedirectResponse(here, 303)
        if session.skipped():  # a step whose condition does not hold is never shown
            blocked = _move_on(session)
            if blocked is None:
                return RedirectResponse(here, 303)
        step = session.step()
        pack = plan.pack
        guidance = step.get("guidance") or {}
        return page(
            "conversation.html", status=400 if errors else 200, plan=plan, pack=pack,
            phase_title=pack.text(pack.phase(plan.phase).get("title")) or plan.phase,
            step_title=pack.text(step.get("title", step["id"])),
            position=session.lifecycle.position(plan.state),
            guidance={"text": pack.text(guidance.get("text")),
                      "tips": [pack.text(t) for t in guidance.get("tips", [])],
                      "pitfalls": [pack.text(t) for t in guidance.get("pitfalls", [])],
                      "example_questions": [pack.text(t)
                                            for t in guidance.get("example_questions", [])]},
            hints=[f.message for f in session.hints()], questions=session.questions(),
            values={**plan.answers, **typed}, errors=errors, findings=findings,
            blocked=_blocked(blocked), overridable=blocked.needs_override if blocked else [],
            can_go_back=session.can_go_back(), notice=notice,
            csrf=web.guard.csrf(request.cookies.get(LEADER_COOKIE, "")))
    finally:
        store.close()


def _apply(session: Session, form: dict[str, list[str]], errors: dict[str, str],
           typed: dict[str, Any], findings: dict[str, list]) -> Blocked | None:
    """Record what the form changed, the overrides it gives, then move as it asks."""
    pack = session.pack
    for key in form:  # before anything is written: a refused form changes nothing
        if key.startswith("override-"):
            session.check_override(key.removeprefix("override-"))
    for question in session.questions():
        qid = question["id"]
        raw = raw_value(question, form, f"q-{qid}")
        if raw is None:
            continue
        try:
            value = coerce(question, raw, pack)
        except InvalidAnswer as bad:
            errors[qid], typed[qid] = str(bad), raw
            continue
        if value != session.plan.answers.get(qid) and (value is not None
                                                       or qid in session.plan.answers):
            findings[qid] = session.answer(qid, value)
    for key, values in form.items():
        reason = values[0].strip() if values else ""
        if key.startswith("override-") and reason:
            session.override(key.removeprefix("override-"), reason)
    if errors:
        return None
    action = (form.get("action") or ["save"])[0]
    try:
        if action == "next":
            session.next()
        elif action == "back" and session.can_go_back():
            session.back()
    except Blocked as blocked:
        return blocked
    return None


def _move_on(session: Session) -> Blocked | None:
    try:
        session.next()
    except Blocked as blocked:
        return blocked
    return None


def _blocked(blocked: Blocked | None) -> dict | None:
    if blocked is None:
        return None
    return {"missing": [blocked.labels.get(q, q) for q in blocked.missing],
            "errors": blocked.errors, "needs_override": blocked.needs_override,
            "vetoes": blocked.vetoes}
