"""The built-in named checks: ``smart``, ``required_fields``, ``min_rows``, ``date_after``.

``smart`` checks each action of a records question, letter by letter. A pack maps the letters
to fields of its action table, e.g.::

    check:
      named: smart
      args:
        question: acties
        fields: {S: [wat], M: [meetbaar], A: [akkoord], R: [haalbaar], T: [wanneer]}
        vague_words: [beter, meer, proberen]
        noun: doel          # "doel 2: niet Specifiek", instead of "actie 2"

A letter passes when all its fields are filled in; ``T`` also needs a date or a dated period
(31-03-2026, Q1 2025, maart 2026). Letters a pack does not map are not checked: only the
conversation can judge them. The words a pack names in ``vague_words`` give a warning when an
action uses them (a word matches its forms, :func:`word_forms`); a pack that names none gets
no such warning: pop has no list of its own.

The other three say in a named check what authors would otherwise write as JSON Schema, with
a message per failing row: ``required_fields`` (each row has these fields), ``min_rows`` (at
least N rows, optionally of one kind) and ``date_after`` (a date, or a date field of each row,
after another date answer, another field of the row, or the conversation date).
"""

from __future__ import annotations

import re
from typing import Any

from engine import hookimpl
from engine.i18n import _

LETTERS = "SMART"
CONVERSATION = "conversation"  # date_after's ``after`` for the date of the conversation

_FIELD_IDS = {"anyOf": [{"type": "string"},
                        {"type": "array", "items": {"type": "string"}, "minItems": 1}]}
_ROWS = {"question": {"type": "string"}, "noun": {"type": "string", "minLength": 1},
         "label_field": {"type": "string"}}

ARGS_SCHEMA = {
    "type": "object",
    "required": ["question", "fields"],
    "additionalProperties": False,
    "properties": {
        **_ROWS,
        "fields": {
            "type": "object", "minProperties": 1, "additionalProperties": False,
            "properties": {letter: _FIELD_IDS for letter in LETTERS},
        },
        "names": {"type": "object", "additionalProperties": {"type": "string"},
                  "propertyNames": {"enum": list(LETTERS)}},
        "vague_words": {"type": "array", "items": {"type": "string"}},
        "vague_fields": {"type": "array", "items": {"type": "string"}},
    },
}
REQUIRED_FIELDS_SCHEMA = {
    "type": "object", "required": ["question", "fields"], "additionalProperties": False,
    "properties": {**_ROWS, "fields": _FIELD_IDS},
}
MIN_ROWS_SCHEMA = {
    "type": "object", "required": ["question", "min"], "additionalProperties": False,
    "properties": {"question": {"type": "string"}, "min": {"type": "integer", "minimum": 1},
                   "where": {"type": "object", "minProperties": 1,
                             "additionalProperties": {"type": ["string", "number", "boolean",
                                                               "array"]}}},
}
DATE_AFTER_SCHEMA = {
    "type": "object", "required": ["question", "after"], "additionalProperties": False,
    "properties": {**_ROWS, "field": {"type": "string"}, "after": {"type": "string"},
                   "after_field": {"type": "string"}},
}


def letter_names() -> dict[str, str]:
    return {"S": _("Specific"), "M": _("Measurable"), "A": _("Acceptable"),
            "R": _("Realistic"), "T": _("Time-bound")}


def _as_list(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value or [])


# Dutch and English endings a vague word may carry in a sentence (probeer → probeert,
# probeerde; beter → betere).
_ENDINGS = ("", "e", "en", "er", "ere", "es", "s", "t", "te", "ten", "de", "den", "d", "n", "ing",
            "ed")
_VOWELS = "aeiou"


def word_forms(word: str) -> list[str]:
    """The stems a vague word is matched by: itself, and for a Dutch verb or plural in -en
    its stem with the vowel doubled back (proberen → prober, probeer; zeggen → zeg).

    A word of the text matches when it is a stem followed by one of the usual endings
    (:data:`_ENDINGS`); a phrase of several words matches only as written. Ending a vague
    word with ``*`` makes it a plain prefix (``regelma*``)."""
    word = word.lower().strip()
    stems = [word]
    if len(word) > 4 and word.endswith("en") and " " not in word:
        stem = word[:-2]
        stems.append(stem)
        if len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] not in _VOWELS:
            stems.append(stem[:-1])  # zeggen → zeg
        elif len(stem) > 2 and stem[-2] in _VOWELS and stem[-3] not in _VOWELS and \
                stem[-1] not in _VOWELS:
            stems.append(stem[:-1] + stem[-2] + stem[-1])  # proberen → probeer
    return stems


def _vague_pattern(words: list[str]) -> re.Pattern:
    parts = []
    for word in words:
        if word.endswith("*"):
            parts.append(re.escape(word[:-1].lower()) + r"\w*")
        elif " " in word.strip():
            parts.append(re.escape(word.lower().strip()))
        else:
            stems = "|".join(re.escape(s) for s in word_forms(word))
            ends = "|".join(re.escape(e) for e in _ENDINGS)
            parts.append(f"(?:{stems})(?:{ends})")
    return re.compile(r"(?<!\w)(" + "|".join(parts) + r")(?!\w)") if parts else re.compile("$^")


def _rows(answers: dict, args: dict) -> list[tuple[int, dict]]:
    rows = answers.get(args["question"]) or []
    if not isinstance(rows, list):
        return []
    return [(n, row) for n, row in enumerate(rows, start=1) if isinstance(row, dict)]


def _row_label(row: dict, field: str | None) -> str:
    return _shorten(str(row.get(field, "")).strip()) if field else ""


def _row_name(args: dict, n: int, label: str) -> str:
    noun = args.get("noun")
    name = f"{noun} {n}" if noun else _("action {n}").format(n=n)
    return name + (f" ({label})" if label else "")


def smart(answers: dict, args: dict, pack: Any) -> list[tuple]:
    """One finding per missing letter per action, and a warning per action that uses one of the
    pack's ``vague_words`` (none unless the pack names them)."""
    from engine.dates import is_time_bound
    from engine.rules import is_empty

    fields = {letter: _as_list(args["fields"].get(letter)) for letter in LETTERS}
    names = {**letter_names(), **(args.get("names") or {})}
    vague = _vague_pattern(list(args.get("vague_words") or []))
    vague_fields = args.get("vague_fields") or [f for letter in "SM" for f in fields[letter]]
    label_field = args.get("label_field") or (fields["S"][0] if fields["S"] else None)
    found: list[tuple] = []
    for n, row in _rows(answers, args):
        label = _row_label(row, label_field)
        action = _row_name(args, n, label)
        for letter in LETTERS:
            if not fields[letter]:
                continue
            empty = [f for f in fields[letter] if is_empty(row.get(f))]
            if empty:
                found.append((_("{action}: not {letter} — fill in {fields}.").format(
                    action=action, letter=names[letter], fields=", ".join(empty)), None, n,
                    label))
            elif letter == "T" and not all(is_time_bound(str(row.get(f))) for f in fields["T"]):
                value = "; ".join(str(row.get(f)) for f in fields["T"])
                found.append((_("{action}: not {letter} — {value!r} is not a date or dated "
                                "period; write e.g. 31-03-2026, Q1 2026 or March 2026.").format(
                    action=action, letter=names[letter], value=value), None, n, label))
        text = " ".join(str(row.get(f, "")) for f in vague_fields).lower()
        words = list(dict.fromkeys(m.group(1) for m in vague.finditer(text)))
        if words:
            found.append((_("{action}: vague wording ({words}); say what will be different, "
                            "and how you will see it.").format(
                action=action, words=", ".join(repr(w) for w in words)), "warning", n, label))
    return found


def required_fields(answers: dict, args: dict, pack: Any) -> list[tuple]:
    """Each row of the records answer has every field in ``fields``."""
    from engine.rules import is_empty

    fields = _as_list(args["fields"])
    found: list[tuple] = []
    for n, row in _rows(answers, args):
        empty = [f for f in fields if is_empty(row.get(f))]
        if empty:
            label = _row_label(row, args.get("label_field"))
            found.append((_("{row}: fill in {fields}.").format(
                row=_row_name(args, n, label), fields=", ".join(empty)), None, n, label))
    return found


def min_rows(answers: dict, args: dict, pack: Any) -> list[tuple]:
    """At least ``min`` rows (that match ``where``: field → value, or a list of values)."""
    where = args.get("where") or {}

    def matches(row: dict) -> bool:
        for field, expected in where.items():
            value = row.get(field)
            options = expected if isinstance(expected, list) else [expected]
            if not (value in options or (isinstance(value, list) and
                                         any(v in options for v in value))):
                return False
        return True

    count = sum(1 for _n, row in _rows(answers, args) if matches(row))
    if count >= args["min"]:
        return []
    return [(_("{count} of at least {min}.").format(count=count, min=args["min"]), None)]


def date_after(answers: dict, args: dict, pack: Any) -> list[tuple]:
    """A date answer (or the date ``field`` of each row) after another date: the answer
    ``after`` names, the row's ``after_field``, or (``after: conversation``) the
    conversation's date. A date not yet given is not judged."""
    from engine.dates import deadline, format_date
    from engine.i18n import current_language
    from engine.rules import CONVERSATION_DATE

    def day(value: Any) -> Any:  # a date, or the last day of a dated period (Q2 2026)
        return deadline(str(value)) if value not in (None, "") else None

    def shown(value: Any) -> str:
        return format_date(str(value), current_language()) or str(value)

    after = args["after"]
    other = answers.get(CONVERSATION_DATE) if after == CONVERSATION else answers.get(after)
    shared = day(other)

    def late_enough(value: Any, limit: Any) -> bool:
        mine = day(value)
        return mine is None or limit is None or mine > limit

    if "field" not in args:
        value = answers.get(args["question"])
        if late_enough(value, shared):
            return []
        return [(_("{date} is not after {other}.").format(date=shown(value), other=shown(other)),
                 None)]
    found: list[tuple] = []
    for n, row in _rows(answers, args):
        limit = day(row.get(args["after_field"])) if args.get("after_field") else shared
        if not late_enough(row.get(args["field"]), limit):
            label = _row_label(row, args.get("label_field"))
            before = row.get(args["after_field"]) if args.get("after_field") else other
            found.append((_("{row}: {date} is not after {other}.").format(
                row=_row_name(args, n, label), date=shown(row.get(args["field"])),
                other=shown(before)), None, n, label))
    return found


def _shorten(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def field_problems(args: dict, pack: Any, names: tuple[str, ...]) -> list[tuple[tuple, str]]:
    """The args in ``names`` that name fields the records question ``args["question"]``
    does not have (a field id, a list of them, a mapping to them; ``NAME.keys``: the keys of
    a mapping). For a check's ``validate``."""
    from engine.text import did_you_mean

    present = [n for n in names if n.removesuffix(".keys") in args]
    ref = pack.questions.get(args.get("question"))
    if not present or ref is None:
        return []  # no field named, or an unknown question (reported on its own)
    if ref.type != "records":
        return [(("question",), _("{id!r} is not a records question; these args name fields "
                                  "of one").format(id=args["question"]))]
    fields = [f["id"] for f in ref.question.get("fields", [])]
    found = []
    for name in present:
        key = name.removesuffix(".keys")
        value = args[key]
        if name.endswith(".keys"):
            items = [((key, k), k) for k in value]
        elif isinstance(value, dict):
            items = [((key, k, *((i,) if isinstance(v, list) else ())), f)
                     for k, v in value.items() for i, f in enumerate(_as_list(v))]
        else:
            items = [((key, *((i,) if isinstance(value, list) else ())), f)
                     for i, f in enumerate(_as_list(value))]
        for path, field in items:
            if field not in fields:
                found.append((path, _("{field!r} is not a field of question {id!r} (fields: "
                                      "{fields})").format(field=field, id=args["question"],
                                                          fields=", ".join(fields))
                              + did_you_mean(field, fields)))
    return found


def _date_after_problems(args: dict, pack: Any) -> list[tuple[tuple, str]]:
    found = field_problems(args, pack, ("field", "after_field", "label_field"))
    after = args.get("after")
    ref = pack.questions.get(after)
    if after != CONVERSATION and (ref is None or ref.type != "date"):
        found.append((("after",), _("{id!r} is not a date question of this pack, nor "
                                    "{conversation!r}").format(id=after,
                                                               conversation=CONVERSATION)))
    return found


@hookimpl
def pop_register_checks(register: Any) -> None:
    register("smart", smart, args_schema=ARGS_SCHEMA, validate=lambda args, pack:
             field_problems(args, pack, ("fields", "vague_fields", "label_field")))
    register("required_fields", required_fields, args_schema=REQUIRED_FIELDS_SCHEMA,
             validate=lambda args, pack: field_problems(args, pack, ("fields", "label_field")))
    register("min_rows", min_rows, args_schema=MIN_ROWS_SCHEMA,
             validate=lambda args, pack: field_problems(args, pack, ("where.keys",)))
    register("date_after", date_after, args_schema=DATE_AFTER_SCHEMA,
             validate=_date_after_problems)
