"""``pop serve``: the plans in a browser for the leader, and a phone's preparation for the person.

A small ASGI app over the same core as the terminal: pages are rendered on the server (Jinja2,
sandboxed, autoescaped), every page works without JavaScript, and every change goes through
:mod:`engine.links` and :class:`engine.session.Session` into the same store, one transaction
each. Each request opens the store and closes it again, so a browser and a terminal on one plan
see each other's changes at once.

Handlers are plain functions run in a worker thread (the store and rendering block), after the
form, if any, was read here, bounded.

Two kinds of visitor, each with a cookie set from a link and never from anything else: the
leader (the token ``pop serve`` prints) and one person preparing (a token of
``pop prepare ID --role R --link``). A person's pages show only their own questions.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..answers import InvalidAnswer
from ..errors import PopError
from ..i18n import _
from ..links import Link, link_questions, open_link, progress, save, share
from ..links import given as given_answers
from ..pack import TOGETHER
from ..store import Store, StoreBusy
from .conversation import conversation
from .pages import Web, page, plain, raw_value, read_form, set_cookie
from .security import DOCUMENT_POLICY, LEADER_COOKIE, PERSON_COOKIE, SecureHeaders, same

SHOWN = 200  # plans on the list, the last changed first


def create_app(web: Web) -> Any:
    """The ASGI app ``pop serve`` runs (and tests drive with Starlette's test client)."""

    def endpoint(handler: Callable[[Request], Response]) -> Callable[..., Any]:
        async def run(request: Request) -> Response:
            request.state.form = await read_form(request) if request.method == "POST" else None
            return await run_in_threadpool(_answered, handler, request)
        return run

    def leader_only(handler: Callable[[Request], Response]) -> Callable[..., Any]:
        def guarded(request: Request) -> Response:
            if not web.leader(request):
                return web.paused(request) or plain(
                    _("Leader's pages"),
                    _("Open the address pop serve printed (with its token) on this computer."),
                    403)
            return handler(request)
        return endpoint(guarded)

    def home(request: Request) -> Response:
        token = request.query_params.get("token")
        if token is not None:
            waiting = web.paused(request)
            if waiting:
                return waiting
            if not same(token, web.guard.leader_token):
                web.guard.missed(web.address(request))
                return plain(_("Leader's pages"), _("That token is not this server's."), 403)
            # the token leaves the address bar (and the history) at once
            return set_cookie(RedirectResponse("/", 303), request, LEADER_COOKIE, token)
        if not web.leader(request):
            return plain(_("Leader's pages"),
                         _("Open the address pop serve printed (with its token) on this "
                           "computer."), 403)
        store = web.store()
        try:
            plans = store.load_plans([row["id"] for row in store.list_plans(limit=SHOWN)])
        finally:
            store.close()
        return page("plans.html", plans=plans, shown=SHOWN)

    def plan_page(request: Request) -> Response:
        from ..outputs import agenda

        store = web.store()
        try:
            plan = _plan(store, request.path_params["plan_id"])
            if plan is None:
                return plain(_("No such plan"), _("There is no plan with this id."), 404)
            together = request.url.path.endswith("/together")
            phases = agenda(plan.pack, plan.answers, plan.pack.language[:2])
            if together:  # the screen both read: no one's own preparation but the subject's
                phases = _without_others_preparation(phases, plan.pack.subject_role)
            return page("plan.html", plan=plan, pack=plan.pack, agenda=phases,
                        preparing=progress(store, plan), documents=_documents(plan.pack),
                        together=together)
        finally:
            store.close()

    def document(request: Request) -> Response:
        from ..outputs import render

        store = web.store()
        try:
            plan = _plan(store, request.path_params["plan_id"])
            name = request.path_params["name"]
            if plan is None or name not in _documents(plan.pack):
                return plain(_("No such document"), _("There is no such document."), 404)
            html, _format = render(plan.pack, "html", plan, None if name == "plan" else name,
                                   web.plugins)
        except StoreBusy:
            raise
        except PopError as problem:
            return plain(_("The document cannot be made"), str(problem), 500)
        finally:
            store.close()
        return HTMLResponse(html, headers={"content-security-policy": DOCUMENT_POLICY})

    # --- the person preparing -----------------------------------------------------------------
    def enter(request: Request) -> Response:
        waiting = web.paused(request)
        if waiting:
            return waiting
        token = request.path_params["token"]
        store = web.store()
        try:
            link = open_link(store, token)
        finally:
            store.close()
        if link is None:
            return web.refuse_guess(request)
        return set_cookie(RedirectResponse("/prepare", 303), request, PERSON_COOKIE, token)

    def person_only(handler: Callable[..., Response]) -> Callable[..., Any]:
        def guarded(request: Request) -> Response:
            token = request.cookies.get(PERSON_COOKIE)
            store = web.store()
            try:
                link = open_link(store, token) if token else None
                if link is None:
                    return web.paused(request) or plain(
                        _("This link does not work"),
                        _("Open the link you were sent again. If it still does not work, "
                          "ask for a new one."), 403)
                if link.over:
                    return plain(_("The preparation is over"),
                                 _("The conversation has started: your preparation can no "
                                   "longer be changed here."), 410)
                if request.method == "POST":
                    form = request.state.form
                    if form is None:
                        return plain(_("Not saved"), _("That was too much, or not readable "
                                                       "text; go back and try again."), 400)
                    if not web.guard.csrf_ok(token, (form.get("csrf") or [""])[0]):
                        return plain(_("Not saved"), _("This form is out of date; go back and "
                                                       "try again."), 400)
                return handler(request, store, link, token)
            finally:
                store.close()
        return endpoint(guarded)

    def prepare_context(store: Store, link: Link, token: str) -> dict[str, Any]:
        answers = given_answers(store, link)
        leader = next((link.plan.people[r] for r in link.plan.people if r != link.role), "")
        return {"link": link, "plan": link.plan, "pack": link.plan.pack, "answers": answers,
                "questions": link_questions(link, answers), "leader": leader,
                "csrf": web.guard.csrf(token), "shared": store.shared_at(link.plan.id, link.role)}

    def prepare_start(request: Request, store: Store, link: Link, token: str) -> Response:
        context = prepare_context(store, link, token)
        first = next((n for n, q in enumerate(context["questions"], 1)
                      if q["id"] not in context["answers"]), 1)
        return page("prepare_start.html", first=first, **context)

    def prepare_question(request: Request, store: Store, link: Link, token: str) -> Response:
        context = prepare_context(store, link, token)
        questions = context["questions"]
        try:
            n = int(request.path_params["n"])
        except ValueError:
            n = 0
        if not 1 <= n <= len(questions):
            return RedirectResponse("/prepare/summary", 303)
        question = questions[n - 1]
        error, findings, typed = None, [], None
        if request.method == "POST":
            form = request.state.form
            action = (form.get("action") or ["next"])[0]
            if action == "skip":
                return RedirectResponse(_next(n, questions), 303)
            typed = raw_value(question, form, "value")
            try:
                findings = save(store, web.plugins, link, question, typed)
            except (InvalidAnswer, PopError) as bad:
                if isinstance(bad, StoreBusy):
                    raise
                error = str(bad)
            if error is None and action == "back":  # what was typed is kept, then back
                return RedirectResponse(f"/prepare/{n - 1}" if n > 1 else "/prepare", 303)
            if error is None and not [f for f in findings if f.severity == "error"]:
                return RedirectResponse(_next(n, questions), 303)
            context = prepare_context(store, link, token)
        value = typed if error else context["answers"].get(question["id"])
        return page("prepare_question.html", n=n, total=len(questions), question=question,
                    value=value, error=error, findings=findings, status=400 if error else 200,
                    **context)

    def prepare_summary(request: Request, store: Store, link: Link, token: str) -> Response:
        return page("prepare_summary.html", error=None, **prepare_context(store, link, token))

    def prepare_share(request: Request, store: Store, link: Link, token: str) -> Response:
        try:
            share(store, web.plugins, link)
        except StoreBusy:
            raise
        except PopError as problem:
            return page("prepare_summary.html", status=400, error=str(problem),
                        **prepare_context(store, link, token))
        return RedirectResponse("/prepare/summary", 303)

    static = resources.files("engine.web") / "static"
    routes = [
        Route("/", endpoint(home)),
        Route("/plans/{plan_id}", leader_only(plan_page)),
        Route("/plans/{plan_id}/together", leader_only(plan_page)),
        Route("/plans/{plan_id}/documents/{name}", leader_only(document)),
        Route("/plans/{plan_id}/conversation",
              leader_only(lambda request: conversation(web, request)), methods=["GET", "POST"]),
        Route("/e/{token}", endpoint(enter)),
        Route("/prepare", person_only(prepare_start)),
        Route("/prepare/summary", person_only(prepare_summary)),
        Route("/prepare/share", person_only(prepare_share), methods=["POST"]),
        Route("/prepare/{n}", person_only(prepare_question), methods=["GET", "POST"]),
        Mount("/static", StaticFiles(directory=str(static)), name="static"),
    ]
    # outermost, so that even an error page of Starlette's own carries the headers
    return SecureHeaders(Starlette(routes=routes))


def _answered(handler: Callable[[Request], Response], request: Request) -> Response:
    """The handler's page; a busy store is a plain "try again" (never its path or settings)."""
    try:
        return handler(request)
    except StoreBusy:
        return plain(_("Busy"), _("Someone else is saving right now. Try again in a moment."),
                     503)


def _without_others_preparation(phases: list[dict], subject: str | None) -> list[dict]:
    """The agenda less the questions other roles prepared alone (the leader's own notes)."""
    out = []
    for phase in phases:
        steps = []
        for step in phase["steps"]:
            questions = [q for q in step["questions"] if phase["id"] != "preparation"
                         or q["role"] in (subject, TOGETHER, None)]
            steps.append({**step, "questions": questions,
                          "answered": sum(1 for q in questions if q["answered"])})
        out.append({**phase, "steps": steps, "answered": sum(s["answered"] for s in steps)})
    return out


def _plan(store: Store, plan_id: str) -> Any:
    try:
        return store.load_plan(plan_id)
    except PopError:
        return None


def _documents(pack: Any) -> dict[str, str]:
    """name → title of the plan's HTML documents: the pack's default, and each of its outputs
    of a plan that has an HTML template."""
    out = {"plan": _("The plan")}
    for output in pack.outputs:
        stem = output["template"].split(".")[0]
        if output.get("of", "plan") == "plan" and f"{stem}.html.j2" in pack.templates:
            out[output["id"]] = pack.text(output.get("title", output["id"]))
    return out


def _next(n: int, questions: list[dict]) -> str:
    return f"/prepare/{n + 1}" if n < len(questions) else "/prepare/summary"
