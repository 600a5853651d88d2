"""What the pages of ``pop serve`` share: the app's state, rendering, reading a form."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from ..dates import format_date
from ..i18n import _, current_language, ngettext
from ..plugins import Plugins, get_plugins
from ..store import Store, open_store
from .security import LEADER_COOKIE, Guard, same

MAX_BODY = 256 * 1024  # a form is a few answers: more is refused before it is read whole
MAX_FIELDS = 1000
MAX_ROWS = 50  # rows of a records question one form may send


@cache
def _environment() -> Any:
    from jinja2 import FileSystemLoader, StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    folder = resources.files("engine.web") / "templates"
    env = ImmutableSandboxedEnvironment(loader=FileSystemLoader(str(folder)), autoescape=True,
                                        undefined=StrictUndefined,
                                        extensions=["jinja2.ext.i18n"])
    env.install_gettext_callables(lambda m: _(m), ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters["day"] = lambda value: format_date(str(value)[:10], current_language()) or value
    return env


def page(name: str, status: int = 200, **data: Any) -> HTMLResponse:
    html = _environment().get_template(name).render(lang=current_language(), **data)
    return HTMLResponse(html, status_code=status)


def plain(title: str, text: str, status: int) -> HTMLResponse:
    """One page for every refusal: says what to do, reveals nothing."""
    return page("message.html", status, title=title, text=text)


class Web:
    """The app's state: where the store is, the plugins, the server's secrets."""

    def __init__(self, data_dir: str | None, store_url: str | None, guard: Guard,
                 plugins: Plugins | None = None):
        self.data_dir, self.store_url, self.guard = data_dir, store_url, guard
        self.plugins = plugins or get_plugins()

    def store(self) -> Store:
        return open_store(self.data_dir, self.store_url)

    def address(self, request: Request) -> str:
        return request.client.host if request.client else "?"

    def refuse_guess(self, request: Request) -> HTMLResponse:
        self.guard.missed(self.address(request))
        return plain(_("This link does not work"),
                     _("The link is wrong, expired or closed. Ask the person who sent it for a "
                       "new one."), 404)

    def paused(self, request: Request) -> HTMLResponse | None:
        if self.guard.paused(self.address(request)):
            return plain(_("Please wait a minute"),
                         _("Too many wrong links from this address. Try again in a minute."),
                         429)
        return None

    def leader(self, request: Request) -> bool:
        return same(request.cookies.get(LEADER_COOKIE), self.guard.leader_token)


def set_cookie(response: Response, request: Request, name: str, value: str) -> Response:
    # Lax, not Strict: a link tapped in a mail or chat app must open (forms carry CSRF tokens)
    response.set_cookie(name, value, httponly=True, samesite="lax", path="/",
                        secure=request.url.scheme == "https")
    return response


async def read_form(request: Request) -> dict[str, list[str]] | None:
    """The urlencoded form, bounded; None for one too large or not UTF-8."""
    if int(request.headers.get("content-length") or 0) > MAX_BODY:
        return None
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            return None
    try:
        return parse_qs(body.decode("utf-8"), keep_blank_values=True,
                        max_num_fields=MAX_FIELDS, errors="strict")
    except (UnicodeDecodeError, ValueError):
        return None


def raw_value(question: dict, form: dict[str, list[str]], name: str) -> Any:
    """What the form sent for one question, in the shape :func:`engine.answers.coerce` reads
    (``None`` when the form did not carry the question at all)."""
    kind = question.get("type", "text")
    if kind == "records":
        rows = []
        for n in range(1, MAX_ROWS + 1):
            row = {f["id"]: (form.get(f"{name}-{n}-{f['id']}") or [""])[0].strip()
                   for f in question.get("fields", [])}
            row = {k: v for k, v in row.items() if v}
            if row:
                rows.append(row)
        return rows
    values = form.get(name)
    if values is None:
        return None
    if kind == "multichoice":
        return [v for v in values if v.strip()]
    # a group of radio buttons comes with an empty hidden field first: the last value counts
    text = next((v for v in reversed(values) if v.strip()), "")
    if kind == "list":
        return [line for line in text.splitlines() if line.strip()]
    return text
