"""Documents from plans and packs: pack templates rendered in a Jinja2 sandbox.

Templates come from the pack snapshot a plan carries (``pack.templates``), never from disk, so
an old plan renders with the templates it was started with. Built-in layouts (a generic plan,
guide and invitation, in Markdown and HTML) live in ``engine/templates`` and are named
``pop/<file>``; a pack template may ``{% extends "pop/plan.html.j2" %}``.

Templates are untrusted data: the environment is sandboxed and immutable, undefined names are
errors, HTML is escaped, and what a user typed is printed as typed (``{{ 7*7 }}`` stays
``{{ 7*7 }}``). A broken template is one :class:`engine.errors.Problem` with its file and line.
Rendering is bounded (:mod:`engine.sandbox` bounds each operation), a document stops at
:data:`MAX_OUTPUT` characters and after :data:`RENDER_SECONDS` seconds (``POP_RENDER_SECONDS``).
:func:`template_problems` finds syntax errors without rendering (for ``pop packs validate``).

jinja2 is imported only when something is rendered.
"""

from __future__ import annotations

import copy
import os
import re
import time
import traceback
from datetime import date as Date
from functools import cached_property, partial
from importlib import resources
from typing import TYPE_CHECKING, Any

from .dates import format_date
from .errors import Problem, ProblemsError, UsageError
from .i18n import N_, _
from .pack import TOGETHER, Pack
from .rules import applies, step_applies
from .schedule import schedule_of
from .timelimit import TooSlow, seconds_from_env
from .timelimit import deadline as time_limit

if TYPE_CHECKING:  # pragma: no cover
    from .plan import Plan
    from .plugins import Plugins

BUILTIN = "pop/"
INVITATIONS = ("uitnodiging", "invitation")
LAYOUTS = ("plan", "guide", "invite")
TEMPLATE_SUFFIXES = {"md": ".md.j2", "html": ".html.j2"}
MAX_OUTPUT = 5_000_000  # the most characters one rendered template may make (memory)
RENDER_SECONDS = 10.0  # the longest one template may render (time); the default of ...
RENDER_SECONDS_ENV = "POP_RENDER_SECONDS"  # ... this variable; 0 turns the limit off

# Fixed words of the built-in layouts: English here, other languages from the catalog. In
# pop's own layouts they are in the language pop speaks (--lang, POP_LANG, the locale); in a
# pack's own templates, which are written in the pack's language, in the pack's language.
_LABELS = {
    "plan": N_("Personal development plan (POP)"),
    "guide": N_("Conversation guide"),
    "invite": N_("Invitation to the POP conversation"),
    "date": N_("Date of the conversation"),
    "state": N_("State"),
    "closed": N_("Closed"),
    "yes": N_("yes"),
    "no": N_("no"),
    "none": N_("—"),
    "schedule": N_("Schedule"),
    "when": N_("When"),
    "what": N_("What"),
    "who": N_("Who"),
    "to_be_set": N_("to be set"),
    "signatures": N_("Signatures"),
    "signature": N_("Signature"),
    "name": N_("Name"),
    "signed_on": N_("Signed digitally on"),
    "agreed": N_("Agreed"),
    "guidance": N_("Guidance"),
    "tips": N_("Tips"),
    "dos": N_("Open questions to ask (DO's)"),
    "donts": N_("Pitfalls (DON'Ts)"),
    "hints": N_("Points of attention"),
    "record": N_("To record"),
    "required": N_("required"),
    "checks": N_("Checks"),
    "only_when": N_("Only when"),
    "blocks": N_("blocks"),
    "warns": N_("warning"),
    "together": N_("together"),
    "preparation": N_("Preparation questions for the"),
    "printed": N_("Printed on"),
    "page": N_("Page"),
    "plan_id": N_("Plan"),
    "deadlines": N_("Actions"),
    "before": N_("days before the conversation"),
    "after": N_("days after the conversation"),
    "conversation": N_("The conversation"),
    "answers_of": N_("Answers"),
    "day": N_("Date"),
    "and": N_("and"),
    "or": N_("or"),
    "answered": N_("answered"),
    "dear": N_("Dear"),
    "regards": N_("Kind regards,"),
    "invite_on": N_("On {date} we will hold your POP conversation together."),
    "invite_soon": N_("Soon we will hold your POP conversation together."),
    "invite_prepare": N_("Good preparation is half the work. Before the conversation, "
                          "think about the questions below; I will prepare with mine."),
    "to": N_("To"),
    "from": N_("From"),
    "stale": N_("Signed on {date} before the content changed."),
}


def labels(lang: str) -> dict[str, str]:
    """The layouts' fixed words in ``lang``."""
    from .i18n import translator

    translate = translator(lang)
    return {"lang": lang, **{key: translate(text) for key, text in _LABELS.items()}}


class RenderContext:
    """What an output format gets: the pack, the plan (``None`` for a guide) and the template.

    ``template`` is what the user asked for with ``--template`` (an output id such as
    ``pop-sjabloon`` or a template file under templates/); ``None`` means the pack's default.
    Formats call :meth:`render` for a kind of template (``"md"``, ``"html"``) or use
    :meth:`data` (the template context) to build their own document.
    """

    def __init__(self, pack: Pack, plan: Plan | None = None, template: str | None = None,
                 plugins: Plugins | None = None, format: str = ""):
        self.pack, self.plan, self.template, self.plugins = pack, plan, template, plugins
        self.format = format
        self._env: dict[bool, Any] = {}  # html or not → its Jinja2 environment

    @property
    def lang(self) -> str:
        """The pack's language (``nl`` when pop has no words in it): that of its templates."""
        from .i18n import LANGUAGES

        code = self.pack.language[:2]
        return code if code in LANGUAGES else "nl"

    def language_of(self, name: str) -> str:
        """The language template ``name`` is rendered in: pop's own layouts speak the language
        pop speaks (``--lang``, ``POP_LANG``, the locale); a pack's templates the pack's."""
        from .i18n import current_language

        return current_language() if name.startswith(BUILTIN) else self.lang

    @cached_property
    def output(self) -> dict | None:
        """The pack output being rendered: the one asked for, else the default one."""
        outputs = self.pack.outputs
        if self.template:
            name = self.template
            if name.startswith(BUILTIN):
                if _stem(name[len(BUILTIN):]) not in LAYOUTS:
                    raise UsageError(_("no built-in layout {name!r} (layouts: {known})").format(
                        name=name, known=", ".join(BUILTIN + n for n in LAYOUTS)))
                return None
            for output in outputs:
                if name in (output["id"], output["template"], _stem(output["template"])):
                    return output
            if name in self.pack.templates or any(
                    name + suffix in self.pack.templates for suffix in TEMPLATE_SUFFIXES.values()):
                return None  # a template file that no output names
            layouts = LAYOUTS if self.plan is not None else ("guide",)
            known = ", ".join([o["id"] for o in outputs] + [BUILTIN + n for n in layouts])
            raise UsageError(_("pack {pack} has no template {name!r} (documents: {known})")
                             .format(pack=self.pack.id, name=name, known=known))
        if self.plan is None:
            return next((o for o in outputs if o.get("of") == "pack"), None)
        return next((o for o in outputs if o.get("of", "plan") == "plan"
                     and o["id"] not in INVITATIONS), None)

    @property
    def layout(self) -> str:
        """The built-in layout that stands in when the pack has no template of a kind."""
        output = self.output
        if self.template and self.template.startswith(BUILTIN):
            return _stem(self.template[len(BUILTIN):])
        if self.plan is None or (output and output.get("of") == "pack"):
            return "guide"
        if (output and output["id"] in INVITATIONS) or self.template in INVITATIONS:
            return "invite"
        return "plan"

    def template_name(self, kind: str) -> str:
        """The template to render for ``kind`` (``md``, ``html``): the pack's, else built-in."""
        suffix = TEMPLATE_SUFFIXES.get(kind, f".{kind}.j2")
        base = self.output["template"] if self.output else self.template
        if base and not base.startswith(BUILTIN):
            if base.endswith(suffix) and base in self.pack.templates:
                return base
            sibling = _stem(base) + suffix
            if sibling in self.pack.templates:
                return sibling
            if self.output is None and base in self.pack.templates:
                return base
        return f"{BUILTIN}{self.layout}{suffix}"

    def needs_plan(self) -> Plan:
        if self.plan is None:
            raise UsageError(_("the {format} format needs a plan; use pop export ID").format(
                format=self.format or "?"))
        return self.plan

    def data(self, markdown: bool = False, lang: str | None = None) -> dict:
        """The template context (see docs/pack-authoring-brief.md), a fresh copy each time.

        ``markdown``: for a Markdown template, what people typed is made to print as typed
        (see :func:`literal_for_markdown`). ``lang``: the language of ``labels``, of dates
        and of texts the pack gives in several languages; the pack's own by default."""
        from .followup import actions as followup_actions

        pack, plan, lang = self.pack, self.plan, lang or self.lang
        given = plan.answers if plan else {}
        # private answers stay in the plan, and so do answers to questions (or steps) whose
        # condition no longer holds: a document shows what was asked
        answers = {qid: copy.deepcopy(value) for qid, value in given.items()
                   if qid not in pack.questions or (
                       not pack.questions[qid].question.get("private")
                       and applies(pack.questions[qid].question, given, pack))}
        if markdown:
            answers = _markdown_answers(pack, answers)
        ctx: dict[str, Any] = {
            "pack": copy.deepcopy(pack.data),
            "roles": copy.deepcopy(pack.roles),
            "subject": pack.subject_role,
            "signers": pack.signing_roles,
            "questions": {qid: copy.deepcopy(ref.question) for qid, ref in pack.questions.items()},
            "schedule": schedule_of(pack, plan.date if plan else None, answers),
            "output": copy.deepcopy(self.output or {}),
            "agenda": agenda(pack, answers if plan else None, lang),
            "labels": labels(lang),
            "lang": lang,
            "tekst": partial(pack.text, lang=lang),
            "today": Date.today().isoformat(),
        }
        if plan is not None:
            from .agreement import content_digest

            digest = content_digest(plan)
            signed = [{**s, "stale": s.get("digest") != digest} for s in plan.signatures]
            ctx["plan"] = {
                "id": plan.id, "people": dict(plan.people), "date": plan.date,
                "registered": copy.deepcopy(plan.registered),
                "answers": answers, "digest": digest,
                "signatures": [s for s in signed if not s["stale"]],
                "all_signatures": signed,
                "state": plan.state, "phase": plan.phase, "person": plan.person,
                "state_title": pack.state_title(plan.state, lang)
                if plan.state != "closed" else labels(lang)["closed"],
                "pack": pack.id, "pack_version": pack.version, "created": plan.created,
                "updated": plan.updated, "previous": plan.previous_id,
                "checkins": copy.deepcopy(plan.checkins),
                "overrides": copy.deepcopy(plan.overrides),
            }
            ctx["answers"] = answers
            ctx["actions"] = [{k: v for k, v in action.items() if k != "values"}
                              for action in followup_actions(plan)]
        return _markdown_typed(ctx) if markdown else ctx

    def render(self, kind: str) -> str:
        """Render the template for ``kind`` (see :meth:`template_name`) with :meth:`data`."""
        return self.render_template(self.template_name(kind))

    def render_template(self, name: str, extra: dict | None = None) -> str:
        html = _is_html(name)
        env = self._env.get(html)
        if env is None:
            env = self._env[html] = _environment(self.pack, self.plugins, html)
        data = self.data(markdown=not html, lang=self.language_of(name))
        return _render(env, name, {**data, **(extra or {})})


_FREE_TEXT = ("text", "longtext", "list")
_TYPED_KEYS = ("note", "reason", "name", "by", "actor")  # what people typed after the answers


def _literal(value: Any) -> Any:
    from .text import markdown_literal

    if isinstance(value, str):
        return markdown_literal(value)
    if isinstance(value, list):
        return [_literal(v) for v in value]
    return value


def _markdown_answers(pack: Pack, answers: dict) -> dict:
    """Free-text answers and row fields made to print as typed in Markdown: the counterpart
    of HTML's autoescaping, so that an answer cannot add a link, an image, raw HTML or a code
    fence to a document. Choices stay ids, so templates can still look them up."""

    def answer(question: dict, value: Any) -> Any:
        if question.get("type") in _FREE_TEXT:
            return _literal(value)
        if question.get("type") == "records" and isinstance(value, list):
            fields = {f["id"]: f for f in question.get("fields", [])}
            return [{k: answer(fields.get(k, {}), v) for k, v in row.items()}
                    if isinstance(row, dict) else row for row in value]
        return value

    return {qid: answer(pack.questions[qid].question, v) if qid in pack.questions else v
            for qid, v in answers.items()}


def _markdown_typed(ctx: dict) -> dict:
    """Names, notes and reasons (people typed them too) made to print as typed."""

    def typed(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: _literal(v) if k in _TYPED_KEYS else typed(v) for k, v in value.items()}
        if isinstance(value, list):
            return [typed(v) for v in value]
        return value

    if "plan" in ctx:
        plan = ctx["plan"]
        plan["person"] = _literal(plan["person"])
        plan["people"] = {role: _literal(name) for role, name in plan["people"].items()}
        for key in ("registered", "signatures", "all_signatures", "checkins", "overrides"):
            plan[key] = typed(plan[key])
        ctx["actions"] = [{k: _literal(v) if k in ("label", "timing", "note") else typed(v)
                           for k, v in action.items()} for action in ctx["actions"]]
    return ctx


def render(pack: Pack, fmt: str, plan: Plan | None = None, template: str | None = None,
           plugins: Plugins | None = None) -> tuple[str | bytes, Any]:
    """Render a plan (or, with ``plan=None``, a pack) in format ``fmt``.

    Returns the document and the :class:`engine.plugins.OutputFormat` that made it.
    """
    from .plugins import get_plugins

    plugins = plugins or get_plugins()
    formats = plugins.formats
    if fmt not in formats:
        raise UsageError(_("unknown format {name!r} (formats: {known})").format(
            name=fmt, known=", ".join(sorted(formats)) or "-"))
    out = formats[fmt]
    context = RenderContext(pack, plan, template, plugins, fmt)
    if plan is None and ((context.output and context.output.get("of", "plan") == "plan")
                         or (template and template.startswith(BUILTIN)
                             and context.layout != "guide")):
        name = context.output["id"] if context.output else template
        raise UsageError(_("{name} is a document of a plan; use pop export ID --template {name}")
                         .format(name=name))
    if context.layout == "invite" and context.output is None:
        invitation(pack)  # pop's invitation only where pop invite gives one
    from .plugins import PLUGIN_SECONDS_ENV, plugin_seconds, within

    seconds = plugin_seconds()
    try:
        result = within(seconds, out.function, (context,), {})
    except (ProblemsError, UsageError, KeyboardInterrupt):
        raise
    except TooSlow:
        raise UsageError(_("format {name} ({plugin}) took longer than {seconds:g} s "
                           "({env} changes the limit)").format(
            name=fmt, plugin=out.plugin, seconds=seconds, env=PLUGIN_SECONDS_ENV)) from None
    except BaseException as exc:  # a format plugin's bug (SystemExit too): name it, go on
        raise UsageError(_("format {name} ({plugin}) failed: {error}").format(
            name=fmt, plugin=out.plugin, error=f"{type(exc).__name__}: {exc}")) from None
    if not isinstance(result, str | bytes):
        raise UsageError(_("format {name} ({plugin}) returned no document").format(
            name=fmt, plugin=out.plugin))
    return result, out


def format_for_file(path: str | None, plugins: Plugins | None = None,
                    allowed: tuple[str, ...] | None = None) -> str:
    """The format ``-o FILE`` asks for without ``--format``: the one registered with FILE's
    suffix (``.htm`` is ``.html``), among ``allowed`` when given; Markdown when none is.
    :class:`UsageError` when two formats registered that suffix."""
    from pathlib import Path

    from .plugins import get_plugins

    if not path:
        return "md"
    suffix = Path(path).suffix.lower()
    suffix = ".html" if suffix == ".htm" else suffix
    found = [name for name, out in (plugins or get_plugins()).formats.items()
             if out.suffix.lower() == suffix and (allowed is None or name in allowed)]
    if len(found) > 1:
        raise UsageError(_("several formats write {suffix} files ({names}): choose one with "
                           "--format").format(suffix=suffix, names=", ".join(sorted(found))))
    return found[0] if found else "md"


def invitation(pack: Pack) -> str:
    """The template of a pack's invitation: its own output, else the built-in one.

    Only for packs that invite to the conversation: an ``uitnodiging`` output, an
    ``announcement`` in the schedule, or preparation questions for the person the plan is
    about; :class:`UsageError` for the others (``pop invite`` and ``--template pop/invite``
    alike).
    """
    for output in pack.outputs:
        if output["id"] in INVITATIONS:
            return output["id"]
    if any(item.get("kind") == "announcement" for item in pack.schedule) or any(
            ref.phase == "preparation" and pack.answered_by(qid) == pack.subject_role
            for qid, ref in pack.questions.items()):
        return f"{BUILTIN}invite"
    raise UsageError(_("pack {pack} does not invite to the conversation (no invitation "
                       "output, no announcement in its schedule, no preparation questions for "
                       "the {role})").format(pack=pack.id,
                                             role=pack.role_name(pack.subject_role).lower()))


# --- the agenda, ready to print ----------------------------------------------------------------


def agenda(pack: Pack, answers: dict | None, lang: str) -> list[dict]:
    """Phases → steps → questions with their texts, guidance and (for a plan) shown answers.

    Used by the built-in layouts; available to pack templates as ``agenda``. For a plan,
    ``answered`` counts the answered questions of a step or phase, and ``private`` questions
    are left out (the guide, without a plan, shows them).
    """
    words = labels(lang)
    text = partial(pack.text, lang=lang)
    phases = []
    for phase in pack.phases:
        body = pack.phase(phase)
        steps = []
        for step in pack.steps(phase):
            if answers is not None and not step_applies(step, answers, pack):
                continue  # a step the plan did not take
            guidance = step.get("guidance") or {}
            questions = [_question(pack, step, q, answers, words)
                         for q in step.get("questions", [])
                         if answers is None or not q.get("private")]
            rules = pack.rules_at(step["id"])
            steps.append({
                "id": step["id"], "title": text(step.get("title", step["id"])),
                "condition": condition_text(pack, step.get("when"), words),
                "role": step.get("answered_by"),
                "who": _who(pack, step.get("answered_by"), words),
                "text": text(guidance.get("text")),
                "tips": [text(t) for t in guidance.get("tips", [])],
                "pitfalls": [text(t) for t in guidance.get("pitfalls", [])],
                "example_questions": [text(t) for t in guidance.get("example_questions", [])],
                "hints": [text(r["message"]) for r in rules if r["severity"] == "hint"],
                "checks": [{"severity": r["severity"], "message": text(r["message"])}
                           for r in rules if r["severity"] != "hint"],
                "questions": questions,
                "answered": sum(1 for q in questions if q["answered"]),
            })
        phases.append({
            "id": phase, "title": text(body.get("title") or phase),
            "description": text(body.get("description")),
            "checks": [{"severity": r["severity"], "message": text(r["message"])}
                       for r in pack.rules_at(phase) if r["severity"] != "hint"],
            "steps": steps, "answered": sum(s["answered"] for s in steps),
        })
    return phases


def condition_text(pack: Pack, condition: dict | None, words: dict) -> str:
    """A ``when`` as the guide prints it: "Question: answer" for the shorthand; the
    questions it depends on for a schema."""
    from .rules import condition_refs

    if not condition:
        return ""
    if "schema" in condition:
        return ", ".join(pack.text(pack.questions[q].question.get("text"), words["lang"])
                         if q in pack.questions
                         else q for q in sorted(condition_refs(condition)))
    parts = []
    for qid, expected in condition.items():
        question = pack.questions[qid].question if qid in pack.questions else {"id": qid}
        label = pack.text(question.get("text"), words["lang"]) or qid
        if isinstance(expected, dict):  # {present: true|false}
            state = words["answered"] if expected.get("present") else words["none"]
            parts.append(f"{label}: {state}")
            continue
        values = expected if isinstance(expected, list) else [expected]
        shown = [_shown(pack, question, v, words) for v in values]
        parts.append(f"{label}: " + f" {words['or']} ".join(str(v) for v in shown))
    return f" {words['and']} ".join(parts)


def _who(pack: Pack, role: str | None, words: dict) -> str:
    if role == TOGETHER:
        return words["together"]
    return pack.role_name(role, words["lang"]) if role else ""


def _question(pack: Pack, step: dict, q: dict, answers: dict | None, words: dict) -> dict:
    kind = q.get("type", "text")
    item: dict[str, Any] = {
        "id": q["id"], "text": pack.text(q.get("text"), words["lang"]),
        "help": pack.text(q.get("help"), words["lang"]),
        "type": kind, "required": bool(q.get("required")),
        "role": q.get("answered_by") or step.get("answered_by"),
        "who": _who(pack, q.get("answered_by") or step.get("answered_by"), words),
        "answered": False, "value": None, "columns": [], "rows": [],
    }
    if kind == "records":
        item["columns"] = [pack.text(f.get("text", f["id"]), words["lang"])
                           for f in q.get("fields", [])]
    if answers is None or q["id"] not in answers:
        return item
    value = answers[q["id"]]
    item["answered"] = True
    if kind == "records":
        fields = q.get("fields", [])
        item["rows"] = [[_shown(pack, f, row.get(f["id"]) if isinstance(row, dict) else None,
                                words) for f in fields] for row in value or []]
        item["value"] = item["rows"]
    else:
        item["value"] = _shown(pack, q, value, words)
    return item


def _shown(pack: Pack, q: dict, value: Any, words: dict) -> Any:
    """An answer as a person reads it: labels for choices, ja/nee, dates in words."""
    if value is None or value == "":
        return ""
    kind = q.get("type", "text")
    if isinstance(value, bool):
        return words["yes"] if value else words["no"]
    if kind in ("choice", "multichoice"):
        labels = {str(v): label for v, label in pack.choices(q)}
        if isinstance(value, list):
            return [labels.get(str(v), str(v)) for v in value]
        return labels.get(str(value), str(value))
    if isinstance(value, list):
        return [str(v) for v in value]
    if kind == "date":
        return format_date(str(value), words["lang"]) or str(value)
    return str(value)


# --- Jinja2 ------------------------------------------------------------------------------------


def _stem(name: str) -> str:
    for suffix in (".md.j2", ".html.j2", ".j2"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def template_file(pack: Pack, name: str) -> str:
    """How a template is named in messages: its file in the pack folder, or pack id/templates."""
    if name.startswith(BUILTIN):
        return f"engine/templates/{name[len(BUILTIN):]}"
    if pack.origin and pack.origin != "snapshot":
        path = os.path.join(pack.origin, "templates", name)
        if os.path.isfile(path):
            try:
                return os.path.relpath(path)
            except ValueError:  # another drive on Windows
                return path
    return f"{pack.id}/templates/{name}"


def builtin_template(name: str) -> str | None:
    """The source of a built-in layout (``engine/templates/<name>``), or None."""
    if "/" in name or "\\" in name or name.startswith("."):
        return None
    path = resources.files("engine").joinpath("templates", name)
    return path.read_text(encoding="utf-8") if path.is_file() else None


def _environment(pack: Pack, plugins: Plugins | None, html: bool) -> Any:
    from jinja2 import BaseLoader, TemplateNotFound

    from . import sandbox
    from .plugins import get_plugins

    class PackLoader(BaseLoader):
        """The pack snapshot's templates, then the built-in layouts under ``pop/``."""

        def __init__(self) -> None:
            self.sources: dict[str, str] = {}  # by file as messages name it, for columns

        def get_source(self, environment: Any, template: str) -> tuple[str, str, Any]:
            if template.startswith(BUILTIN):
                source = builtin_template(template[len(BUILTIN):])
            else:
                source = pack.templates.get(template)
            if source is None:
                raise TemplateNotFound(template)
            file = template_file(pack, template)
            self.sources[file] = source
            return source, file, lambda: True

        def list_templates(self) -> list[str]:
            return sorted(pack.templates)

    env = sandbox.environment(PackLoader(), html, (plugins or get_plugins()).filters)
    env.globals["tekst"] = pack.text
    return env


def template_problems(pack: Pack, plugins: Plugins | None = None) -> list[Problem]:
    """Every problem a template of ``pack`` shows without data: syntax (file and line), and
    what :func:`engine.template_check.static_problems` reads from its tree.

    Parses every file in ``pack.templates`` in the environment it is rendered in (the same
    sandbox, filters and escaping), without rendering it: nothing is run.
    """
    from jinja2 import TemplateSyntaxError

    from .template_check import static_problems

    envs: dict[bool, Any] = {}
    problems = []
    for name in sorted(pack.templates):
        html = _is_html(name)
        if html not in envs:
            envs[html] = _environment(pack, plugins, html)
        file = template_file(pack, name)
        source = pack.templates[name]
        try:
            found = static_problems(pack, envs[html], name, file, source)
            if not found:
                envs[html].compile(source, name, file)
            problems += found
        except TemplateSyntaxError as exc:
            problems.append(_syntax_problem(exc, file, source))
        except Exception as exc:  # e.g. RecursionError: nested too deep; no traceback
            problems.append(Problem(file, f"{type(exc).__name__}: {exc}"))
    return problems


_SYNTAX = (  # Jinja's wording → pop's (Jinja's own messages are English only)
    (re.compile(r"unexpected end of template.*innermost block that needs to be closed is "
                r"'(?P<block>[^']*)'", re.I | re.S), N_(
        "the template ends inside a {block!r} block: its closing tag (end{block}) is missing")),
    (re.compile(r"unexpected end of template", re.I), N_(
        "the template ends inside a block: a closing tag (endif, endfor, endmacro …) is "
        "missing")),
    (re.compile(r"Encountered unknown tag '(?P<tag>[^']*)'\.(?: Jinja was looking for the "
                r"following tags: (?P<expected>.*?)\.)?"), N_("unknown tag {tag!r}")),
    (re.compile(r"expected token '(?P<expected>[^']*)', got '(?P<got>[^']*)'"), N_(
        "expected {expected!r} here, not {got!r}")),
    (re.compile(r"unexpected '(?P<got>[^']*)'"), N_("{got!r} is not expected here")),
    (re.compile(r"unexpected char '(?P<got>[^']*)'"), N_("the character {got!r} is not "
                                                         "allowed here")),
)


def _syntax_problem(exc: Any, file: str, source: str) -> Problem:
    """A Jinja syntax error in pop's words, with the column of what it is about."""
    from .template_check import column_of

    raw = exc.message or str(exc)
    for pattern, message in _SYNTAX:
        found = pattern.search(raw)
        if found:
            words = found.groupdict()
            text = _(message).format(**{k: v or "" for k, v in words.items()})
            if words.get("expected") and "tag" in words:
                text += " " + _("(expected here: {tags})").format(tags=words["expected"])
            word = words.get("tag") or words.get("got") or ""
            return Problem(exc.filename or file, text, exc.lineno,
                           column_of(source, exc.lineno, word))
    return Problem(exc.filename or file, raw, exc.lineno)


def missing_message(exc: Any, data: dict, env: Any) -> tuple[str, str]:
    """What a template missed, in pop's words, and the word to point the column at."""
    from .text import did_you_mean

    name, owner, hint = exc.name, exc.owner, exc.hint
    if hint and hint.startswith(("No first item", "No last item")):
        return _("the list is empty, so it has no first or last item; test it first with an "
                 "if-block"), "first" if "first" in hint else "last"
    if name is None:
        return str(hint or exc), ""
    if owner is None:
        if name in data:  # known to the document, not to a template imported without it
            return _("{name!r} is not known in an imported template: import it with context "
                     "(import \"…\" as x with context)").format(name=name), str(name)
        return (_("unknown name {name!r}").format(name=name)
                + did_you_mean(name, [*data, *env.globals])), str(name)
    answers = data.get("answers")
    if answers is not None and owner is answers:
        return _("question {name!r} has no answer in this plan; test it first, or use "
                 "answers.get({quoted})").format(name=name, quoted=repr(name)), str(name)
    keys = list(owner) if isinstance(owner, dict) else []
    text = _("there is no {name!r} here").format(name=name)
    close = did_you_mean(name, keys)
    if close:
        return text + close, str(name)
    if keys and len(keys) <= 12:
        text += " " + _("(there is: {keys})").format(keys=", ".join(map(str, keys)))
    return text, str(name)


def _is_html(name: str) -> bool:
    return name.endswith((".html.j2", ".html", ".htm"))


class _TooLong(Exception):  # noqa: N818 - internal: a document over MAX_OUTPUT characters
    pass


def render_seconds() -> float:
    """The time limit of one template: ``POP_RENDER_SECONDS``, else :data:`RENDER_SECONDS`."""
    return seconds_from_env(RENDER_SECONDS_ENV, RENDER_SECONDS)


def _generate(template: Any, data: dict, deadline: float | None) -> str:
    """The document, piece by piece: stop at :data:`MAX_OUTPUT` characters or the deadline."""
    parts, size = [], 0
    for part in template.generate(data):
        size += len(part)
        if size > MAX_OUTPUT:
            raise _TooLong
        if deadline is not None and time.monotonic() > deadline:
            raise TooSlow
        parts.append(part)
    return "".join(parts)


def _render(env: Any, name: str, data: dict) -> str:
    from jinja2 import TemplateNotFound, TemplateSyntaxError

    from .sandbox import missing_value_error
    from .template_check import column_of

    file = template_file_of(env, name)
    seconds = render_seconds()
    try:
        with time_limit(seconds) as deadline:
            return _generate(env.get_template(name), data, deadline)
    except _TooLong:
        raise ProblemsError([Problem(file, _(
            "the document is too long (more than {n} characters); does a loop run too often?")
            .format(n=MAX_OUTPUT))]) from None
    except TooSlow as exc:
        where, line = _template_frame(exc, file)
        raise ProblemsError([Problem(where, _(
            "the template took too long (the limit is {seconds:g} s); does a loop run too "
            "often? ({name} changes the limit)").format(seconds=seconds, name=RENDER_SECONDS_ENV),
            line)]) from None
    except TemplateSyntaxError as exc:
        source = env.loader.sources.get(exc.filename or file, "")
        raise ProblemsError([_syntax_problem(exc, file, source)]) from None
    except TemplateNotFound as exc:
        missing = exc.name if isinstance(exc.name, str) else str(exc)
        line = None
        if missing != name:  # an include or extends inside the template
            file, line = _template_frame(exc, file)
        raise ProblemsError([Problem(file, _("template {name!r} not found").format(
            name=missing), line)]) from None
    except (ProblemsError, UsageError):
        raise
    except missing_value_error() as exc:
        where, line = _template_frame(exc, file)
        message, word = missing_message(exc, data, env)
        source = env.loader.sources.get(where, "")
        raise ProblemsError([Problem(where, message, line,
                                     column_of(source, line, word))]) from None
    except Exception as exc:  # anything a template does wrong: its file and line, no traceback
        where, line = _template_frame(exc, file)
        message = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
        raise ProblemsError([Problem(where, str(message), line)]) from None


def template_file_of(env: Any, name: str) -> str:
    try:
        return env.loader.get_source(env, name)[1]
    except Exception:  # not found: reported by the caller
        return name


def _template_frame(exc: BaseException, default: str) -> tuple[str, int | None]:
    """The innermost template file and line in the traceback (Jinja rewrites it so)."""
    found: tuple[str, int | None] = (default, None)
    for frame, line in traceback.walk_tb(exc.__traceback__):
        filename = frame.f_code.co_filename
        if "/templates/" in filename.replace("\\", "/") and not filename.endswith(".py"):
            found = (filename, line)
    return found
