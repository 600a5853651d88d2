"""The built-in named check ``smart``: each action of a records question, letter by letter.

A pack maps the letters to fields of its action table, e.g.::

    check:
      named: smart
      args:
        question: acties
        fields: {S: [wat], M: [meetbaar], A: [akkoord], R: [haalbaar], T: [wanneer]}
        vague_words: [beter, meer, proberen]

A letter passes when all its fields are filled in; ``T`` also needs a date or a dated period
(31-03-2026, Q1 2025, maart 2026). Vague words in the action give a warning. Letters a pack
does not map are not checked: only the conversation can judge them.
"""

from __future__ import annotations

import re
from typing import Any

from engine import hookimpl
from engine.i18n import _

LETTERS = "SMART"
DEFAULT_VAGUE_WORDS = ("beter", "meer", "minder", "proberen", "probeer", "misschien",
                       "zo veel mogelijk", "zoveel mogelijk", "af en toe", "regelmatig",
                       "doorlopend", "ooit")

ARGS_SCHEMA = {
    "type": "object",
    "required": ["question", "fields"],
    "additionalProperties": False,
    "properties": {
        "question": {"type": "string"},
        "fields": {
            "type": "object", "minProperties": 1, "additionalProperties": False,
            "properties": {letter: {"anyOf": [
                {"type": "string"}, {"type": "array", "items": {"type": "string"}, "minItems": 1}
            ]} for letter in LETTERS},
        },
        "names": {"type": "object", "additionalProperties": {"type": "string"},
                  "propertyNames": {"enum": list(LETTERS)}},
        "vague_words": {"type": "array", "items": {"type": "string"}},
        "vague_fields": {"type": "array", "items": {"type": "string"}},
        "label_field": {"type": "string"},
    },
}


def letter_names() -> dict[str, str]:
    return {"S": _("Specific"), "M": _("Measurable"), "A": _("Acceptable"),
            "R": _("Realistic"), "T": _("Time-bound")}


def _as_list(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value or [])


def smart(answers: dict, args: dict, pack: Any) -> list[tuple[str, str | None]]:
    """One finding per missing letter per action, and a warning per action with vague words."""
    from engine.dates import is_time_bound
    from engine.rules import is_empty

    rows = answers.get(args["question"]) or []
    if not isinstance(rows, list):
        return []
    fields = {letter: _as_list(args["fields"].get(letter)) for letter in LETTERS}
    names = {**letter_names(), **(args.get("names") or {})}
    vague = [w.lower() for w in args.get("vague_words", DEFAULT_VAGUE_WORDS)]
    vague_fields = args.get("vague_fields") or [f for letter in "SM" for f in fields[letter]]
    label_field = args.get("label_field") or (fields["S"][0] if fields["S"] else None)
    found: list[tuple[str, str | None]] = []
    for n, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            continue
        label = str(row.get(label_field, "")).strip() if label_field else ""
        action = _("action {n}").format(n=n) + (f" ({_shorten(label)})" if label else "")
        for letter in LETTERS:
            if not fields[letter]:
                continue
            empty = [f for f in fields[letter] if is_empty(row.get(f))]
            if empty:
                found.append((_("{action}: not {letter} — fill in {fields}.").format(
                    action=action, letter=names[letter], fields=", ".join(empty)), None))
            elif letter == "T" and not all(is_time_bound(str(row.get(f))) for f in fields["T"]):
                value = "; ".join(str(row.get(f)) for f in fields["T"])
                found.append((_("{action}: not {letter} — {value!r} is not a date or dated "
                                "period; write e.g. 31-03-2026, Q1 2026 or maart 2026.").format(
                    action=action, letter=names[letter], value=value), None))
        text = " ".join(str(row.get(f, "")) for f in vague_fields).lower()
        words = [w for w in vague if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text)]
        if words:
            found.append((_("{action}: vague wording ({words}); say what will be different, "
                            "and how you will see it.").format(
                action=action, words=", ".join(repr(w) for w in words)), "warning"))
    return found


def _shorten(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


@hookimpl
def pop_register_checks(register: Any) -> None:
    register("smart", smart, args_schema=ARGS_SCHEMA)
