"""A pack's templates checked the way an export would meet them, before any plan exists.

Compiling a template finds only its syntax. :func:`static_problems` reads each template's tree
for what would fail or print nothing later whatever the data: a filter or test that does not
exist (Jinja defers those inside an ``if``), an answer id the pack does not have (``answers.x``,
``answers['x']``, ``answers.get('x')``) and a field a records question does not have
(``row.x`` in a loop over it). :func:`render_problems` then renders every document of the pack
against sample plans: every question answered, an empty plan in each phase, and the pack's
example answers file, so a missing name fails at ``pop packs validate`` with its template
FILE:LINE:COL, not at the first export.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import Problem, ProblemsError, UsageError
from .i18n import _
from .pack import Pack
from .text import did_you_mean

if TYPE_CHECKING:  # pragma: no cover
    from .plan import Plan
    from .plugins import Plugins

#: an answers file in the pack's folder that ``validate`` renders the documents with
EXAMPLE_FILES = ("voorbeeld-antwoorden.yaml", "example-answers.yaml")
_DICT_METHODS = frozenset({"get", "items", "keys", "values"})


def column_of(source: str, line: int | None, name: str) -> int | None:
    """The column where ``name`` stands on ``line`` of ``source`` (Jinja keeps lines only)."""
    if not line or not name:
        return None
    lines = source.splitlines()
    if line > len(lines):
        return None
    text = lines[line - 1]
    for before in (".", "['", '["', "('", '("', ""):
        at = text.find(before + name)
        if at >= 0:
            return at + len(before) + 1
    return None


# --- what a template's tree shows ----------------------------------------------------------


def static_problems(pack: Pack, env: Any, name: str, file: str, source: str) -> list[Problem]:
    """Unknown filters and tests, and answer ids or fields the pack does not have, in one
    parsed template; :class:`jinja2.TemplateSyntaxError` when it does not parse."""
    from jinja2 import nodes

    tree = env.parse(source, name, file)
    problems: list[Problem] = []

    def report(node: Any, word: str, message: str) -> None:
        problems.append(Problem(file, message, node.lineno,
                                column_of(source, node.lineno, word)))

    for node in tree.find_all((nodes.Filter, nodes.Test)):
        known = env.filters if isinstance(node, nodes.Filter) else env.tests
        if node.name not in known:
            what = (_("unknown filter {name!r}") if isinstance(node, nodes.Filter)
                    else _("unknown test {name!r}"))
            report(node, node.name, what.format(name=node.name) + did_you_mean(node.name, known))
    _AnswerReads(pack, report).visit(tree, {})
    return sorted(set(problems), key=lambda p: (p.line or 0, p.col or 0, p.message))


class _AnswerReads:
    """Follows ``answers`` (and ``plan.answers``) through ``set`` and ``for`` to every id read
    from it: a question id from the answers, a field id from a row of a records question."""

    def __init__(self, pack: Pack, report: Any):
        self.pack, self.report = pack, report

    def visit(self, node: Any, scope: dict) -> None:
        from jinja2 import nodes

        if isinstance(node, nodes.For):
            self.visit(node.iter, scope)
            inner = dict(scope)
            source = self.resolve(node.iter, scope)
            if isinstance(node.target, nodes.Name) and source and source[0] == "question":
                ref = self.pack.questions.get(source[1])
                if ref is not None and ref.type == "records":
                    inner[node.target.name] = ("row", source[1])
            for child in (*node.body, *node.else_, *([node.test] if node.test else [])):
                self.visit(child, inner)
            return
        if isinstance(node, nodes.Assign) and isinstance(node.target, nodes.Name):
            self.visit(node.node, scope)
            scope[node.target.name] = self.resolve(node.node, scope)
            return
        key = self.key_read(node)
        if key is not None:
            self.check(node, self.resolve(key[0], scope), key[1])
        for child in node.iter_child_nodes():
            self.visit(child, scope)

    @staticmethod
    def key_read(node: Any) -> tuple[Any, str] | None:
        """``(what, key)`` for ``what.key``, ``what['key']`` and ``what.get('key')``."""
        from jinja2 import nodes

        if isinstance(node, nodes.Getattr) and node.attr not in _DICT_METHODS:
            return node.node, node.attr
        if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) and \
                isinstance(node.arg.value, str):
            return node.node, node.arg.value
        if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Getattr) and \
                node.node.attr == "get" and node.args and isinstance(node.args[0], nodes.Const) \
                and isinstance(node.args[0].value, str):
            return node.node.node, node.args[0].value
        return None

    def resolve(self, node: Any, scope: dict) -> tuple | None:
        """What ``node`` stands for: ``("answers",)``, ``("question", id)``, ``("row", id)``,
        ``("plan",)``, or None for anything else."""
        from jinja2 import nodes

        if isinstance(node, nodes.Name):
            if node.name in scope:
                return scope[node.name]
            return (node.name,) if node.name in ("answers", "plan") else None
        if isinstance(node, nodes.Or | nodes.And):
            return self.resolve(node.left, scope)
        if isinstance(node, nodes.Filter) and node.name in ("default", "d", "list") and node.node:
            return self.resolve(node.node, scope)
        key = self.key_read(node)
        if key is None:
            return None
        owner = self.resolve(key[0], scope)
        if owner == ("plan",) and key[1] == "answers":
            return ("answers",)
        if owner == ("answers",):
            return ("question", key[1])
        return None

    def check(self, node: Any, owner: tuple | None, key: str) -> None:
        pack = self.pack
        if owner == ("answers",):
            ref = pack.questions.get(key)
            if ref is None:
                self.report(node, key, _("{id!r} is not a question of this pack").format(id=key)
                            + did_you_mean(key, pack.questions))
            elif ref.question.get("private"):
                self.report(node, key, _("{id!r} is private: a document never gets its "
                                         "answer").format(id=key))
        elif owner and owner[0] == "row":
            fields = [f["id"] for f in pack.questions[owner[1]].question.get("fields", [])]
            if key not in fields:
                self.report(node, key, _("{field!r} is not a field of question {id!r} (fields: "
                                         "{fields})").format(field=key, id=owner[1],
                                                             fields=", ".join(fields)))


# --- rendered against sample plans ----------------------------------------------------------


def sample_plans(pack: Pack, plugins: Plugins, folder: str | Path | None
                 ) -> tuple[list[tuple[str, Plan]], list[Problem]]:
    """``(label, plan)`` to render with, and the problems of the example answers file."""
    from .lifecycle import lifecycle_for
    from .plan import Plan, phase_of

    people = {role: pack.role_name(role) for role in pack.roles}
    date = "2026-03-31"
    plans: list[tuple[str, Plan]] = []
    full = Plan("voorbeeld", pack, "closed", dict(people), date, sample_answers(pack, date))
    _sign_all(full)
    plans.append((_("with every question answered"), full))
    firsts: dict[str, str] = {}
    for state in lifecycle_for(pack, plugins).sequence:
        firsts.setdefault(phase_of(state), state)
    for phase, state in firsts.items():
        plans.append((_("with an empty plan in phase {phase}").format(phase=phase),
                      Plan("leeg", pack, state, dict(people),
                           None if phase == "preparation" else date)))
    problems: list[Problem] = []
    here = Path(folder) if folder else None
    example = next((here / n for n in EXAMPLE_FILES if here and (here / n).is_file()), None)
    if example is not None:
        from .preview import plan_from_answers

        plan, problems = plan_from_answers(pack, plugins, example)
        if plan is not None:
            _sign_all(plan)
            plans.append((_("with the answers of {file}").format(file=example.name), plan))
    return plans, problems


def _sign_all(plan: Plan) -> None:
    from .agreement import content_digest

    digest = content_digest(plan)
    plan.signatures = [{"role": role, "name": plan.people.get(role, role), "person_id": None,
                        "at": f"{plan.date}T12:00:00+00:00", "digest": digest}
                       for role in plan.pack.signing_roles]


def sample_answers(pack: Pack, date: str) -> dict[str, Any]:
    """An answer to every question, as stored: the shape each template must be able to print."""
    return {qid: value for qid, ref in pack.questions.items()
            if (value := _sample(pack, ref.question, date)) is not None}


def _sample(pack: Pack, question: dict, date: str) -> Any:
    kind = question.get("type", "text")
    if kind == "records":
        row = {f["id"]: v for f in question.get("fields", [])
               if (v := _sample(pack, f, date)) is not None}
        return [row, dict(row)]
    if kind in ("choice", "multichoice"):
        options = pack.choices(question)
        if not options:
            return None
        return options[0][0] if kind == "choice" else [v for v, _label in options[:2]]
    return {"text": "voorbeeld", "longtext": "voorbeeld\nop twee regels", "bool": True,
            "date": date, "number": question.get("min", 1), "scale": question.get("min", 1),
            "list": ["een", "twee"]}.get(kind, "voorbeeld")


def render_problems(pack: Pack, plugins: Plugins, folder: str | Path | None) -> list[Problem]:
    """Every document of ``pack`` rendered in each kind it has a template for, against
    :func:`sample_plans`: one problem per failing template line, naming the plan it failed
    with."""
    from .outputs import TEMPLATE_SUFFIXES, RenderContext

    plans, problems = sample_plans(pack, plugins, folder)
    seen: set[tuple] = set()
    for output in pack.outputs:
        of_pack = output.get("of") == "pack"
        for label, plan in ([("", None)] if of_pack else plans):
            context = RenderContext(pack, plan, output["id"], plugins)
            for kind in TEMPLATE_SUFFIXES:
                name = context.template_name(kind)
                if name not in pack.templates:
                    continue
                try:
                    context.render_template(name)
                except ProblemsError as exc:
                    for problem in exc.problems:
                        key = (problem.file, problem.line, problem.message)
                        if key not in seen:
                            seen.add(key)
                            problems.append(problem.replace(message=f"{problem.message} "
                                                    f"({label})" if label else problem.message))
                except UsageError as exc:
                    problems.append(Problem(name, str(exc)))
    return problems
