"""Advice for pack authors beyond validity: what ``pop packs lint`` reports.

A pack can be valid and still hold a question nobody is ever asked, a rule that never applies,
an answer no document shows, a text missing a language, or a step without guidance for the
conversation leader. Each piece of advice has a code and a place (``FILE:LINE:COL: PATH:``),
like a validation problem. What the advice means, and how to switch one off with a
``# pop-lint: disable=CODE`` comment, is in ``docs/authoring.md``.

The analysis is sound but not complete: a condition is called impossible only when pop can
show it (every value a question can take was tried, or the value has the wrong type); a
condition it cannot decide is taken to be possible.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

from .errors import Problem
from .i18n import _
from .pack import Pack
from .rules import compile_condition, condition_refs, question_types
from .yamlfile import format_path, position

UNREACHABLE = "unreachable-question"
NEVER_APPLIES = "rule-never-applies"
NEVER_PASSES = "rule-never-passes"
UNUSED = "unused-question"
LANGUAGE = "missing-language"
GUIDANCE = "no-guidance"
CODES = (UNREACHABLE, NEVER_APPLIES, NEVER_PASSES, UNUSED, LANGUAGE, GUIDANCE)

MAX_CASES = 4096  # combinations of answers tried for one condition
_ABSENT = object()  # "not answered" in a combination of answers
_DISABLE = re.compile(r"#\s*pop-lint:\s*disable(-file)?=([\w-]+(?:\s*,\s*[\w-]+)*)")
_INCLUDE = re.compile(r"{%-?\s*(?:include|import|extends|from)\s+['\"]([^'\"]+)['\"]")
_TEMPLATE_EXPR = re.compile(r"{{.*?}}|{%.*?%}", re.S)
# A template that walks the answers (or the agenda) shows every answer, so it uses them all.
_GENERIC = re.compile(
    r"\bfor\b[^%]*?\bin\s+(plan\.)?answers(?![\w.\[])"
    r"|\b(plan\.)?answers\s*(\.\s*(items|values|keys)\s*\(|\||\[\s*[^'\"\s\]])"
    r"|\banswers\.get\(\s*[^'\"\s)]"
    r"|(?<![.'\"\w])agenda\b(?!['\"])"
)


class Advice(NamedTuple):
    """One piece of advice, placed like a :class:`engine.errors.Problem`."""

    code: str
    problem: Problem

    def __str__(self) -> str:
        return f"{self.problem} [{self.code}]"

    def as_dict(self) -> dict:
        return {**self.problem.as_dict(), "code": self.code}


def lint_pack(pack: Pack, sources: list[Any], inherited: bool = False) -> list[Advice]:
    """Every piece of advice for a validated ``pack`` made from ``sources``.

    ``sources`` are the loaded files, the pack's own first and then the packs it extends
    (as :meth:`engine.packs.PackLibrary.validate_sources` returns them). Advice about what
    the pack only inherits is left out unless ``inherited``.
    """
    linter = _Linter(pack, sources)
    linter.run()
    own = sources[0].file if sources else ""
    return [a for a in linter.found if (inherited or a.problem.file == own)]


class _Linter:
    def __init__(self, pack: Pack, sources: list[Any]):
        from .packs import _ids

        self.pack = pack
        self.sources = sources
        self.index = [_ids(s.data) for s in sources]
        self.found: list[Advice] = []
        self.types = question_types(pack)
        self.reachable: dict[str, bool] = {}
        self._lines: dict[int, dict[int | None, set[str]]] = {}

    def run(self) -> None:
        self._questions()
        self._rules()
        self._unused()
        self._languages()
        self._guidance()
        self.found.sort(key=lambda a: (a.problem.file, a.problem.line or 0, a.problem.col or 0))

    # --- placing advice -----------------------------------------------------------------------
    def add(self, code: str, kind: str, ident: str, sub: tuple, message: str) -> None:
        number, path = 0, ()
        for i, index in enumerate(self.index):
            if (kind, ident) in index:
                number, path = i, index[(kind, ident)]
                break
        self.add_at(code, number, path, sub, message)

    def add_at(self, code: str, number: int, path: tuple, sub: tuple, message: str) -> None:
        source = self.sources[number]
        line, col = position(source.positions, (*path, *sub))
        item_line = position(source.positions, path)[0]
        if self._disabled(number, code, {line, item_line}):
            return
        self.found.append(Advice(code, Problem(source.file, message, line, col,
                                               format_path((*path, *sub)))))

    def _disabled(self, number: int, code: str, lines: set[int | None]) -> bool:
        if number not in self._lines:
            self._lines[number] = _suppressions(Path(self.sources[number].path))
        by_line = self._lines[number]
        for line in (None, *lines):  # None: the whole file
            codes = by_line.get(line, set())
            if code in codes or "all" in codes:
                return True
        return False

    # --- conditions that can never hold ---------------------------------------------------------
    def _domain(self, qid: str) -> list | None:
        """Every value question ``qid`` can have (with "not answered"), or None: too many."""
        ref = self.pack.questions.get(qid)
        if ref is None or not self.reachable.get(qid, True):
            return [_ABSENT]
        q = ref.question
        kind = ref.type
        values: list | None
        if kind == "bool":
            values = [True, False]
        elif kind == "choice":
            values = [value for value, _label in self.pack.choices(q)]
        elif kind == "multichoice":
            choices = [value for value, _label in self.pack.choices(q)]
            values = None if len(choices) > 8 else [
                list(combo) for n in range(1, len(choices) + 1)
                for combo in itertools.combinations(choices, n)]
        elif kind == "scale" and isinstance(q.get("min"), int) and isinstance(q.get("max"), int):
            values = list(range(q["min"], q["max"] + 1)) if q["max"] - q["min"] <= 100 else None
        else:
            values = None
        if values is None:
            return None
        always = q.get("required") and not q.get("when")
        return values if always else [_ABSENT, *values]

    def possible(self, condition: Any) -> tuple[bool, str]:
        """Whether a condition can hold, and if not, why (a sentence for the author)."""
        if not isinstance(condition, dict) or not condition:
            return True, ""
        if "named" in condition:
            return True, ""
        if "schema" in condition:
            refs = sorted(condition_refs(condition))
            return self._try(compile_condition(condition, self.types), refs), ""
        for qid, expected in condition.items():  # shorthand: every entry must hold
            ok, why = self._shorthand(qid, expected)
            if not ok:
                return False, why
        return True, ""

    def _shorthand(self, qid: str, expected: Any) -> tuple[bool, str]:
        part = compile_condition({qid: expected}, self.types)
        never = self.pack.questions.get(qid) and not self.reachable.get(qid, True)
        if never and not (isinstance(expected, dict) and expected.get("present") is False):
            return False, _("{q!r} is never asked").format(q=qid)
        domain = self._domain(qid)
        if domain is not None:
            if self._try(part, [qid]):
                return True, ""
            return False, self._why(qid, expected)
        if isinstance(expected, dict):
            return True, ""
        values = expected if isinstance(expected, list) else [expected]
        if any(_fits(self.types.get(qid, "text"), value) for value in values):
            return True, ""
        return False, self._why(qid, expected)

    def _why(self, qid: str, expected: Any) -> str:
        kind = self.types.get(qid, "text")
        ref = self.pack.questions.get(qid)
        if ref is not None and kind in ("choice", "multichoice"):
            known = ", ".join(repr(v) for v, _label in self.pack.choices(ref.question))
            return _("{value!r} is not one of the choices of {q!r} ({choices})").format(
                value=expected, q=qid, choices=known)
        return _("{q!r} is a {kind} question; it never has the value {value!r}").format(
            q=qid, kind=kind, value=expected)

    def _try(self, schema: Any, refs: list[str]) -> bool:
        """Whether some combination of possible answers satisfies ``schema``."""
        from .schemacheck import validator

        domains = [self._domain(qid) for qid in refs]
        if any(d is None for d in domains):
            return True  # cannot decide: assume it can hold
        total = 1
        for d in domains:
            total *= len(d)  # type: ignore[arg-type]
        if total > MAX_CASES:
            return True
        check = validator(schema)
        for combo in itertools.product(*domains):  # type: ignore[misc]
            answers = {qid: value for qid, value in zip(refs, combo, strict=True)
                       if value is not _ABSENT}
            if check.is_valid(answers):
                return True
        return False

    # --- questions and rules ---------------------------------------------------------------------
    def _questions(self) -> None:
        never: set[str] = set()
        for phase in self.pack.phases:
            for step in self.pack.steps(phase):
                ok, why = self.possible(step.get("when"))
                if not ok:
                    never.add(step["id"])
                    self.add(UNREACHABLE, "step", step["id"], ("when",),
                             _("this step is never taken: its condition can never hold "
                               "({why})").format(why=why))
        for qid, ref in self.pack.questions.items():
            if ref.step["id"] in never:
                self.reachable[qid] = False
                continue
            ok, why = self.possible(ref.question.get("when"))
            self.reachable[qid] = ok
            if not ok:
                self.add(UNREACHABLE, "question", qid, ("when",),
                         _("this question is never asked: its condition can never hold ({why})")
                         .format(why=why))

    def _rules(self) -> None:
        for rule in self.pack.rules:
            rid, at = rule["id"], rule["at"]
            ok, why = self.possible(rule.get("when"))
            if not ok:
                self.add(NEVER_APPLIES, "rule", rid, ("when",),
                         _("this rule never applies: its condition can never hold ({why})")
                         .format(why=why))
                continue
            if at in self.pack.step_index:
                asked = self.pack.step_questions(at)
                if asked and not any(self.reachable.get(q["id"], True) for q in asked):
                    self.add(NEVER_APPLIES, "rule", rid, ("at",),
                             _("this rule never applies: no question of step {at!r} is ever "
                               "asked").format(at=at))
                    continue
            check = rule.get("check")
            if check and rule["severity"] != "hint":
                ok, why = self.possible(check)
                if not ok:
                    why = _(" ({why})").format(why=why) if why else ""
                    self.add(NEVER_PASSES, "rule", rid, ("check",),
                             _("this check can never pass, so the plan can never move on "
                               "without it{why}").format(why=why))

    def _used_elsewhere(self) -> set[str]:
        """Questions whose answers a rule, a condition, the schedule or a later step uses."""
        used: set[str] = set()
        for rule in self.pack.rules:
            used |= condition_refs(rule.get("when")) | condition_refs(rule.get("check"))
            args = (rule.get("check") or {}).get("args")
            if isinstance(args, dict):
                used |= {v for v in _strings(args) if v in self.pack.questions}
        for ref in self.pack.questions.values():
            used |= condition_refs(ref.question.get("when"))
        for _id, (_phase, step) in self.pack.step_index.items():
            used |= set(step.get("previous", []))
        used |= {item["question"] for item in self.pack.schedule if item.get("question")}
        return used

    def _unused(self) -> None:
        plan_outputs = [o for o in self.pack.outputs if o.get("of", "plan") == "plan"]
        if not plan_outputs:
            return  # the built-in plan layout shows every answer
        code = "\n".join(m.group(0) for name in self._plan_templates(plan_outputs)
                         for m in _TEMPLATE_EXPR.finditer(self.pack.templates[name]))
        if _GENERIC.search(code):
            return
        named = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", code))
        elsewhere = self._used_elsewhere()
        for qid, ref in self.pack.questions.items():
            if ref.question.get("private"):
                continue  # kept in the plan on purpose, never in a document
            if qid not in named and qid not in elsewhere and self.reachable.get(qid, True):
                self.add(UNUSED, "question", qid, (),
                         _("no output shows the answer to {q!r}, and no rule, condition or "
                           "schedule uses it: show it in a template, or leave the question "
                           "out").format(q=qid))

    def _plan_templates(self, outputs: list[dict]) -> list[str]:
        """The templates a plan's documents are rendered from, with those they include."""
        stems = {_stem(o["template"]) for o in outputs}
        todo = [name for name in self.pack.templates if _stem(name) in stems]
        seen: list[str] = []
        while todo:
            name = todo.pop()
            if name in seen or name not in self.pack.templates:
                continue
            seen.append(name)
            todo += _INCLUDE.findall(self.pack.templates[name])
        return seen

    # --- texts -----------------------------------------------------------------------------------
    def _languages(self) -> None:
        used: set[str] = set()
        for source in self.sources:
            for _path, value in _texts(source.data):
                if isinstance(value, dict):
                    used |= set(value)
        if len(used) < 2:
            return
        for number, source in enumerate(self.sources):
            for path, value in _texts(source.data):
                if isinstance(value, dict) and used - set(value):
                    missing = ", ".join(sorted(used - set(value)))
                    self.add_at(LANGUAGE, number, path, (),
                                _("this text has no {langs} version (the pack uses {all})")
                                .format(langs=missing, all=", ".join(sorted(used))))

    def _guidance(self) -> None:
        for step_id, (_phase, step) in self.pack.step_index.items():
            guidance = step.get("guidance") or {}
            if not any(guidance.get(k) for k in ("text", "tips", "pitfalls",
                                                  "example_questions")):
                self.add(GUIDANCE, "step", step_id, (),
                         _("step {step!r} has no guidance for the conversation leader (text, "
                           "tips, pitfalls or example questions)").format(step=step_id))


def _stem(name: str) -> str:
    """``pop-sjabloon.md.j2`` → ``pop-sjabloon``: the document, whatever its kind."""
    return name.split(".", 1)[0]


def _suppressions(path: Path) -> dict[int | None, set[str]]:
    """Codes switched off by ``# pop-lint:`` comments: by line, and (key None) for the file."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeError):
        return {}
    found: dict[int | None, set[str]] = {}
    for number, text in enumerate(lines, start=1):
        for match in _DISABLE.finditer(text):
            codes = {c.strip() for c in match.group(2).split(",")}
            found.setdefault(None if match.group(1) else number, set()).update(codes)
    return found


def _fits(kind: str, value: Any) -> bool:
    """Whether an answer of type ``kind`` can equal (or, for lists, contain) ``value``."""
    if kind in ("text", "longtext", "date", "list", "choice", "multichoice"):
        return isinstance(value, str)
    if kind in ("number", "scale"):
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "records":
        return isinstance(value, dict)
    return True


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _texts(data: dict) -> Iterator[tuple[tuple, Any]]:
    """(path, value) of every text of one pack file (the places the schema calls a text)."""
    for key in ("name", "description"):
        if key in data:
            yield (key,), data[key]
    for key, sub in (("roles", "name"), ("schedule", "title"), ("outputs", "title"),
                     ("rules", "message")):
        for i, item in enumerate(data.get(key) or []):
            if isinstance(item, dict) and sub in item:
                yield (key, i, sub), item[sub]
    for phase, body in (data.get("phases") or {}).items():
        if not isinstance(body, dict):
            continue
        for key in ("title", "description"):
            if key in body:
                yield ("phases", phase, key), body[key]
        for i, step in enumerate(body.get("steps") or []):
            at = ("phases", phase, "steps", i)
            if "title" in step:
                yield (*at, "title"), step["title"]
            guidance = step.get("guidance") or {}
            if "text" in guidance:
                yield (*at, "guidance", "text"), guidance["text"]
            for key in ("tips", "pitfalls", "example_questions"):
                for j, item in enumerate(guidance.get(key) or []):
                    yield (*at, "guidance", key, j), item
            for j, q in enumerate(step.get("questions") or []):
                yield from _question_texts(q, (*at, "questions", j))


def _question_texts(q: dict, at: tuple) -> Iterator[tuple[tuple, Any]]:
    for key in ("text", "help"):
        if key in q:
            yield (*at, key), q[key]
    for k, choice in enumerate(q.get("choices") or []):
        if isinstance(choice, dict) and "label" in choice:
            yield (*at, "choices", k, "label"), choice["label"]
    for f, field in enumerate(q.get("fields") or []):
        yield from _question_texts(field, (*at, "fields", f))
