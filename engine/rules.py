"""Conditions and rule checks over the answers document (question id → value).

One language for all of it: JSON Schema. ``when`` conditions and rule checks are either
``{schema: <JSON Schema>}`` or the shorthand ``{question: value}`` (equal; contains, for list
answers; one of, for a list of values; ``{present: true|false}``), compiled to JSON Schema.
Checks no schema can express are *named checks* registered through the plugin hook.
No ``eval``, no expression language of our own.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, NamedTuple

from .i18n import _
from .pack import LIST_TYPES, Pack

if TYPE_CHECKING:  # pragma: no cover
    from .plugins import Plugins

class Finding(NamedTuple):
    """One rule that does not hold (or a hint that applies), as shown to the user."""

    rule: str
    severity: str
    message: str
    at: str = ""

    def as_dict(self) -> dict:
        return {"rule": self.rule, "severity": self.severity, "message": self.message,
                "at": self.at}


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str | list | dict) and len(value) == 0) or (
        isinstance(value, str) and not value.strip())


def compile_condition(condition: dict, types: dict[str, str] | None = None) -> dict | bool:
    """The JSON Schema for a condition (``types``: question id → type, for list answers)."""
    if "schema" in condition:
        return condition["schema"]
    types = types or {}
    parts: list[dict] = []
    for qid, expected in condition.items():
        many = types.get(qid) in LIST_TYPES
        if isinstance(expected, dict) and set(expected) == {"present"}:
            need = {"required": [qid]}
            parts.append(need if expected["present"] else {"not": need})
            continue
        if isinstance(expected, list):
            match: dict = {"enum": expected}
        else:
            match = {"const": expected}
        parts.append({"required": [qid],
                      "properties": {qid: {"contains": match} if many else match}})
    return {"allOf": parts} if parts else True


def condition_refs(condition: Any) -> set[str]:
    """The question ids a condition (or rule check) depends on."""
    if not isinstance(condition, dict):
        return set()
    if "named" in condition:
        args = condition.get("args") or {}
        ref = args.get("question") if isinstance(args, dict) else None
        return {ref} if isinstance(ref, str) else set()
    if "schema" not in condition:
        return set(condition)
    refs: set[str] = set()
    stack = [condition["schema"]]
    while stack:
        node = stack.pop()
        if not isinstance(node, dict):
            continue
        refs.update(k for k in node.get("properties", {}) if isinstance(k, str))
        refs.update(k for k in node.get("required", []) if isinstance(k, str))
        for key in ("allOf", "anyOf", "oneOf"):
            stack.extend(node.get(key, []) if isinstance(node.get(key), list) else [])
        for key in ("not", "if", "then", "else"):
            stack.append(node.get(key))
    return refs


def question_types(pack: Pack) -> dict[str, str]:
    return {qid: ref.type for qid, ref in pack.questions.items()}


def holds(condition: dict | None, answers: dict, pack: Pack) -> bool:
    """Whether ``condition`` holds for ``answers`` (no condition always holds)."""
    if not condition:
        return True
    from .schemasubset import verdict

    schema = compile_condition(condition, question_types(pack))
    decided = verdict(schema, answers)
    if decided is None:  # a keyword outside the subset: jsonschema decides
        from .schemacheck import validator

        decided = validator(schema).is_valid(answers)
    return decided


def applies(question: dict, answers: dict, pack: Pack) -> bool:
    """The question is asked: its own ``when`` holds, and its step's."""
    ref = pack.questions.get(question.get("id", ""))
    if ref is not None and ref.question is question and not step_applies(ref.step, answers,
                                                                          pack):
        return False
    return holds(question.get("when"), answers, pack)


def step_applies(step: dict, answers: dict, pack: Pack) -> bool:
    """The step is taken: its ``when`` holds (a step without one always is)."""
    return holds(step.get("when"), answers, pack)


#: the key under which a named check finds the date of the conversation in its answers
CONVERSATION_DATE = "$date"


def check_rule(rule: dict, answers: dict, pack: Pack, plugins: Plugins,
               date: str | None = None) -> list[Finding]:
    """The findings of one rule; empty when it holds or does not apply (``date``: the
    conversation's, for named checks that compare with it)."""
    if not holds(rule.get("when"), answers, pack):
        return []
    severity, message = rule["severity"], pack.text(rule["message"])
    check = rule.get("check")
    if check is None:  # a hint without a check: guidance whenever ``when`` holds
        return [Finding(rule["id"], severity, with_row(message), rule["at"])]
    if "named" in check:
        named = plugins.checks.get(check["named"])
        if named is None:
            return [Finding(rule["id"], "error", f"unknown check {check['named']!r}", rule["at"])]
        # a check's bug is reported, never a crash mid-conversation
        given = {**answers, CONVERSATION_DATE: date} if date else answers
        done, results = plugins.call(named.plugin, f"check {named.name}", named.function,
                                     given, check.get("args") or {}, pack)
        if not done:
            return []
        if not isinstance(results, list | tuple) and results is not None or not all(
                _is_finding(item) for item in results or []):
            plugins.fail(named.plugin, _("check {name} returned {value}, not a list of "
                                         "findings").format(name=named.name,
                                                            value=repr(results)[:60]))
            return []
        return [_finding(rule, item, message) for item in results or []]
    if holds(check, answers, pack):
        return []
    return [Finding(rule["id"], severity, with_row(message), rule["at"])]


def _is_finding(item: Any) -> bool:
    """What a check may return per finding: a Finding, a message, (message, severity), or
    (message, severity, row number, row label) for a finding about one row."""
    if isinstance(item, Finding | str):
        return True
    return (isinstance(item, tuple) and len(item) in (2, 4) and isinstance(item[0], str)
            and item[1] in (None, "error", "warning", "hint")
            and (len(item) == 2 or (isinstance(item[2], int) and isinstance(item[3], str))))


def with_row(message: str, row: int | None = None, label: str = "") -> str:
    """A rule's message with ``{row}`` and ``{row_label}`` filled in (empty without a row)."""
    return message.replace("{row}", str(row) if row else "").replace("{row_label}", label)


def _finding(rule: dict, item: Any, message: str) -> Finding:
    if isinstance(item, Finding):
        return item
    row, label = (item[2], item[3]) if isinstance(item, tuple) and len(item) == 4 else (None, "")
    if isinstance(item, tuple):
        text, severity = item[0], item[1] or rule["severity"]
    else:
        text, severity = item, rule["severity"]
    if row and "{row" in message and ": " in text:
        text = text.split(": ", 1)[1]  # the message names the row: the check need not again
    message = with_row(message, row, label)
    if severity == "error" and rule["severity"] != "error":
        severity = rule["severity"]  # a check never makes a rule stricter than the pack says
    text = text[:1].upper() + text[1:]  # a sentence of its own after the rule's message
    return Finding(rule["id"], severity, f"{message} {text}".strip() if message else text,
                   rule["at"])


def evaluate(rules: Iterable[dict], answers: dict, pack: Pack, plugins: Plugins,
             date: str | None = None) -> list[Finding]:
    return [f for rule in rules for f in check_rule(rule, answers, pack, plugins, date)]


def missing_required(pack: Pack, step_id: str, answers: dict) -> list[str]:
    """Required questions of a step that apply and are still unanswered."""
    return [q["id"] for q in pack.step_questions(step_id)
            if q.get("required") and applies(q, answers, pack) and is_empty(answers.get(q["id"]))]
