"""Answers: from what a person types (or a file holds) to the value stored, per question type.

The same coercion serves the interactive session and answers files, so both give the same plan.
"""

from __future__ import annotations

import os
import re
from typing import Any

from .dates import parse_date
from .errors import Problem, ProblemsError
from .i18n import _, ngettext
from .pack import Pack
from .text import did_you_mean

TRUE_WORDS = {"ja", "j", "yes", "y", "true", "waar", "1", "akkoord", "ok"}
FALSE_WORDS = {"nee", "n", "no", "false", "onwaar", "0", "neen"}


class InvalidAnswer(ValueError):
    """An answer that does not fit its question; the message says what would."""


def coerce(question: dict, raw: Any, pack: Pack) -> Any:
    """The stored form of ``raw`` for ``question``; None for an empty answer."""
    kind = question.get("type", "text")
    if raw is None or (isinstance(raw, str) and not raw.strip()) or raw == []:
        return None
    value = _COERCE[kind](question, raw, pack)
    if question.get("schema") is not None and value is not None:
        from .schemasubset import verdict

        if verdict(question["schema"], value):
            return value
        from .schemacheck import message, validator  # what is wrong, in words

        error = next(iter(validator(question["schema"]).iter_errors(value)), None)
        if error is not None:
            raise InvalidAnswer(message(error))
    return value


MAX_TEXT = 10_000
MAX_NAME = 200
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def clean_text(raw: Any, multiline: bool = True, limit: int = MAX_TEXT) -> str:
    """Text as it may be stored and printed: no control characters (a terminal would obey
    them), one line unless ``multiline``, at most ``limit`` characters."""
    text = str(raw).replace("\r\n", "\n").replace("\t", " ")
    if not multiline:
        text = " ".join(text.split())
    text = _CONTROL.sub("", text).strip()
    if len(text) > limit:
        raise InvalidAnswer(_("too long: {n} characters (at most {max})").format(
            n=len(text), max=limit))
    return text


def clean_name(raw: Any) -> str:
    """A person's name: one line, printable, not too long."""
    return clean_text(raw, multiline=False, limit=MAX_NAME)


def _text(question: dict, raw: Any, pack: Pack) -> str:
    if isinstance(raw, dict | list):
        raise InvalidAnswer(_("expected text"))
    return clean_text(raw, multiline=question.get("type") == "longtext")


def _bool(question: dict, raw: Any, pack: Pack) -> bool:
    if isinstance(raw, bool):
        return raw
    word = str(raw).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise InvalidAnswer(_("answer yes or no (ja/nee)"))


def _date(question: dict, raw: Any, pack: Pack) -> str:
    parsed = parse_date(str(raw))
    if parsed is None:
        raise InvalidAnswer(_("not a date; write e.g. 31-03-2026, 31 March 2026 or 2026-03-31"))
    return parsed.isoformat()


def _number(question: dict, raw: Any, pack: Pack) -> int | float:
    if isinstance(raw, bool):
        raise InvalidAnswer(_("not a number"))
    unit = pack.text(question.get("unit")).strip()
    text = _without_unit(str(raw).strip(), unit) if unit else str(raw).strip()
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        if unit:
            raise InvalidAnswer(_("not a number of {unit}; write e.g. 60 or 60 {unit}").format(
                unit=unit)) from None
        raise InvalidAnswer(_("not a number")) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise InvalidAnswer(_("not a number"))
    low, high = question.get("min"), question.get("max")
    if (low is not None and value < low) or (high is not None and value > high):
        raise InvalidAnswer(_("choose a number from {low} to {high}").format(
            low=low if low is not None else "…", high=high if high is not None else "…"))
    return int(value) if value.is_integer() else value


def _without_unit(text: str, unit: str) -> str:
    """``60 minuten``, ``60 min``, ``60min`` → ``60`` for the unit ``minuten``: the unit as
    the question names it, or its first letters (at least three, or the whole unit)."""
    match = re.fullmatch(r"(.*?\d)\s*([^\d\s.,]+)\.?", text)
    if match is None:
        return text
    word, name = match.group(2).casefold(), unit.casefold()
    if word == name or (len(word) >= min(3, len(name)) and name.startswith(word)):
        return match.group(1)
    return text


def _scale(question: dict, raw: Any, pack: Pack) -> int:
    value = _number(question, raw, pack)
    if not float(value).is_integer():
        raise InvalidAnswer(_("choose a whole number"))
    return int(value)


def _one_choice(question: dict, raw: Any, pack: Pack) -> Any:
    options = pack.choices(question)
    for value, label in options:
        if raw == value or str(raw).strip().lower() in (str(value).lower(), label.lower()):
            return value
    text = str(raw).strip()
    if text.isdigit() and 1 <= int(text) <= len(options):
        return options[int(text) - 1][0]
    raise InvalidAnswer(_("choose one of: {choices}").format(
        choices=", ".join(f"{i}. {label}" for i, (_v, label) in enumerate(options, 1))))


def _multichoice(question: dict, raw: Any, pack: Pack) -> list:
    items = raw if isinstance(raw, list) else [p for p in str(raw).replace(";", ",").split(",")]
    values = [_one_choice(question, item, pack) for item in items if str(item).strip()]
    return list(dict.fromkeys(values))


def _list(question: dict, raw: Any, pack: Pack) -> list[str]:
    items = raw if isinstance(raw, list) else split_items(str(raw))
    values = [str(item).strip() for item in items if str(item).strip()]
    _check_count(question, len(values))
    return values


def split_items(text: str) -> list[str]:
    """The items of a list answer given as text: one per line; typed on one line, split at
    ``;`` when it has one, else at ``,`` (``lezen, schrijven`` is two items, and so is
    ``lezen, schrijven; rekenen``)."""
    if "\n" in text:
        return text.split("\n")
    return text.split(";" if ";" in text else ",")


def _records(question: dict, raw: Any, pack: Pack) -> list[dict]:
    if not isinstance(raw, list) or not all(isinstance(row, dict) for row in raw):
        raise InvalidAnswer(_("expected a list of rows, each a mapping of field to value"))
    fields = {f["id"]: f for f in question["fields"]}
    rows = []
    for n, row in enumerate(raw, start=1):
        unknown = sorted(set(row) - set(fields))
        if unknown:
            raise InvalidAnswer(_("row {n}: unknown field {field!r}").format(n=n, field=unknown[0]))
        clean: dict[str, Any] = {}
        for fid, field in fields.items():
            try:
                value = coerce(field, row.get(fid), pack)
            except InvalidAnswer as exc:
                raise InvalidAnswer(_("row {n}, {field}: {error}").format(
                    n=n, field=fid, error=exc)) from None
            if value is None and field.get("required"):
                raise InvalidAnswer(_("row {n}: {field} is required").format(n=n, field=fid))
            if value is not None:
                clean[fid] = value
        rows.append(clean)
    _check_count(question, len(rows))
    return rows


def _check_count(question: dict, count: int) -> None:
    low, high = question.get("min_items"), question.get("max_items")
    if low is not None and count < low:
        raise InvalidAnswer(_("give at least {n}").format(n=low))
    if high is not None and count > high:
        raise InvalidAnswer(_("give at most {n}").format(n=high))


_COERCE = {
    "text": _text, "longtext": _text, "bool": _bool, "date": _date, "number": _number,
    "scale": _scale, "choice": _one_choice, "multichoice": _multichoice, "list": _list,
    "records": _records,
}


# --- answers files ---------------------------------------------------------------------------

ANSWERS_FILE_KEYS = ("pack", "people", "date", "answers", "overrides")


def answers_schema(pack: Pack) -> dict:
    """A JSON Schema for an answers file of this pack (``pop packs schema ID``)."""
    def value_schema(q: dict) -> dict:
        kind = q.get("type", "text")
        base: dict = {
            "text": {"type": "string"}, "longtext": {"type": "string"},
            "bool": {"type": "boolean"}, "date": {"type": "string"},
            "number": {"type": "number"}, "scale": {"type": "integer"},
            "list": {"type": "array", "items": {"type": "string"}},
        }.get(kind, {})
        if kind in ("choice", "multichoice"):
            options = {"enum": [v for v, _l in pack.choices(q)]}
            base = options if kind == "choice" else {"type": "array", "items": options}
        if kind == "records":
            base = {"type": "array", "items": {
                "type": "object", "additionalProperties": False,
                "properties": {f["id"]: value_schema(f) for f in q["fields"]}}}
        return {"title": pack.text(q["text"]), **base}

    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": _("Answers file for pack {id}").format(id=pack.id),
        "type": "object",
        "required": ["answers"],
        "additionalProperties": False,
        "properties": {
            "pack": {"title": "Pack", "const": pack.id},
            "people": {"title": _("People by role"), "type": "object",
                       "properties": {r: {"type": "string"} for r in pack.roles},
                       "additionalProperties": False},
            "date": {"title": _("Date of the conversation"), "type": "string"},
            "answers": {"title": _("Answers by question id"), "type": "object",
                        "additionalProperties": False,
                        "properties": {qid: value_schema(ref.question)
                                       for qid, ref in pack.questions.items()}},
            "overrides": {"title": _("Warnings overridden: rule id → reason"), "type": "object",
                          "additionalProperties": {"type": "string", "minLength": 1}},
        },
    }


def read_answers_file(path: str | os.PathLike) -> tuple[dict, Any]:
    """The answers file's mapping and its positions (YAML or JSON; JSON is YAML)."""
    from .yamlfile import load_file

    data, positions = load_file(path)
    if not isinstance(data, dict):
        raise ProblemsError([Problem(str(path), _("an answers file must be a mapping with "
                                                  "'answers' (and 'people', 'date')"), 1, 1)])
    return data, positions


def parse_answers_file(path: str | os.PathLike, data: dict, positions: Any, pack: Pack
                       ) -> tuple[dict, dict, str | None, dict, list[Problem]]:
    """(people, answers, date, overrides, problems) from an answers file."""
    from .yamlfile import position

    name = str(path)
    problems: list[Problem] = []

    def report(where: tuple, message: str, at_key: bool = False) -> None:
        from .yamlfile import format_path, key_position

        place = key_position(positions, where) if at_key else position(positions, where)
        problems.append(Problem(name, message, *place, format_path(where)))

    for key in data:
        if key not in ANSWERS_FILE_KEYS:
            close = did_you_mean(key, ANSWERS_FILE_KEYS)
            report((key,), _("unknown key {key!r} (expected: {keys})").format(
                key=key, keys=", ".join(ANSWERS_FILE_KEYS)) + close, at_key=True)
    if data.get("pack") not in (None, pack.id):
        report(("pack",), _("this file is for pack {other!r}, not {id!r}").format(
            other=data.get("pack"), id=pack.id))
        return {}, {}, None, {}, problems  # the rest would only be noise
    people = data.get("people") or {}
    if not isinstance(people, dict):
        report(("people",), _("must be a mapping of role to name"))
        people = {}
    cleaned = {}
    for role, person in people.items():
        try:
            cleaned[str(role)] = clean_name(person) if person is not None else ""
        except InvalidAnswer as exc:
            report(("people", role), str(exc))
    people = {role: person for role, person in cleaned.items() if person}
    for role in people:
        if role not in pack.roles:
            report(("people", role), _("unknown role {role!r} (roles: {roles})").format(
                role=role, roles=", ".join(pack.roles)))
    date = None
    if data.get("date") is not None:
        parsed = parse_date(str(data["date"]))
        if parsed is None:
            report(("date",), _("not a date; write e.g. 31-03-2026, 31 March 2026 or 2026-03-31"))
        else:
            date = parsed.isoformat()
    raw_answers = data.get("answers") or {}
    answers: dict[str, Any] = {}
    if not isinstance(raw_answers, dict):
        report(("answers",), _("must be a mapping of question id to answer"))
        raw_answers = {}
    unknown = [qid for qid in raw_answers if qid not in pack.questions]
    if unknown:  # once: a file of thousands of stray keys is one mistake, not thousands
        more = len(unknown) - 1
        report(("answers", unknown[0]), _("unknown question {id!r}").format(id=unknown[0])
               + did_you_mean(unknown[0], pack.questions)
               + (ngettext(" (and {n} more unknown question)", " (and {n} more unknown "
                           "questions)", more).format(n=more) if more else ""), at_key=True)
    for qid, raw in raw_answers.items():
        ref = pack.questions.get(qid)
        if ref is None:
            continue
        try:
            value = coerce(ref.question, raw, pack)
        except InvalidAnswer as exc:
            report(("answers", qid), str(exc))
            continue
        if value is not None:
            answers[qid] = value
    overrides = data.get("overrides") or {}
    if not isinstance(overrides, dict) or not all(
            isinstance(v, str) and v.strip() for v in overrides.values()):
        report(("overrides",), _("must map a rule id to the reason for overriding it"))
        overrides = {}
    overrides = dict(overrides)
    warnings = {r["id"] for r in pack.rules if r["severity"] == "warning"}
    for rule in list(overrides):
        if rule not in warnings:
            report(("overrides", rule), _("{rule!r} is not a warning of this pack (warnings: "
                                          "{known})").format(rule=rule,
                                                             known=", ".join(sorted(warnings))
                                                             or "-"))
            del overrides[rule]
    return people, answers, date, dict(overrides), problems
