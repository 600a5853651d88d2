"""The pack schema made for one pack, for an editor (``pop packs schema ID --editor``).

``schemas/pack.schema.json`` knows the format, not a pack's ids. This copy of it lists the
pack's own ids wherever one is expected (``at``, ``when``, a shorthand ``check``, the args of
named checks, ``answered_by``, ``choices_from``, ``previous``, a schedule's ``question``), so an
editor with yaml-language-server completes them and marks a typo while the author types.
"""

from __future__ import annotations

import copy
from typing import Any

from .pack import CLOSED, TOGETHER, Pack
from .plugins import Plugins

# args of the named checks that hold a question id, and those that hold field ids
_QUESTION_ARGS = ("question", "after")
_FIELD_ARGS = ("fields", "field", "after_field", "label_field", "vague_fields", "where")


def _with_enum(node: Any, values: list[str]) -> Any:
    """Every ``{"type": "string"}`` in ``node`` limited to ``values``."""
    if isinstance(node, dict):
        out = {k: _with_enum(v, values) for k, v in node.items()}
        if node.get("type") == "string" and "enum" not in node:
            out["enum"] = values
        return out
    if isinstance(node, list):
        return [_with_enum(v, values) for v in node]
    return node


def _args_schema(schema: dict, questions: list[str], fields: list[str]) -> dict:
    out = copy.deepcopy(schema)
    props = out.get("properties") or {}
    for key in _QUESTION_ARGS:
        if key in props:  # date_after's ``after`` may also be the conversation's date
            props[key] = _with_enum(props[key], [*questions, *(
                ["conversation"] if key == "after" else [])])
    for key in _FIELD_ARGS:
        if key in props:
            if props[key].get("type") == "object" and "additionalProperties" in props[key] and \
                    not props[key].get("properties"):
                props[key] = {**props[key], "propertyNames": {"enum": fields}}
            else:
                props[key] = _with_enum(props[key], fields)
    return out


def _settings_lists(value: Any, prefix: str = "") -> list[str]:
    if isinstance(value, list):
        return [prefix] if prefix else []
    if isinstance(value, dict):
        return [k for key, item in value.items()
                for k in _settings_lists(item, f"{prefix}.{key}" if prefix else str(key))]
    return []


def editor_schema(pack: Pack, plugins: Plugins) -> dict:
    """The pack schema with ``pack``'s ids as the values allowed where ids stand."""
    from .schemacheck import load_schema

    schema = copy.deepcopy(load_schema("pack.schema.json"))
    defs = schema["$defs"]
    questions = list(pack.questions)
    texts = {qid: pack.text(ref.question.get("text")) for qid, ref in pack.questions.items()}
    fields = sorted({f["id"] for ref in pack.questions.values()
                     for f in ref.question.get("fields", [])})
    roles = [*pack.roles, TOGETHER]
    steps = list(pack.step_index)
    schema["$id"] = schema["$id"].replace("pack.schema.json", f"pack-{pack.id}.schema.json")
    schema["title"] = f"{schema.get('title', 'Pack')} ({pack.id} {pack.version})"

    shorthand = defs["condition"]["anyOf"][1]
    shorthand["properties"] = {qid: {"description": texts[qid]} for qid in questions}
    shorthand["propertyNames"] = {"enum": questions}

    rule = defs["rule"]["properties"]
    rule["at"] = {**rule["at"], "enum": [*steps, *pack.phases, CLOSED]}
    named = rule["check"]["anyOf"][0]
    named["properties"]["named"] = {**named["properties"]["named"],
                                    "enum": sorted(plugins.checks)}
    named["allOf"] = [
        {"if": {"properties": {"named": {"const": name}}},
         "then": {"properties": {"args": _args_schema(check.args_schema, questions, fields)}}}
        for name, check in sorted(plugins.checks.items()) if check.args_schema]

    for holder in (defs["step"]["properties"], defs["question"]["properties"]):
        holder["answered_by"] = {**holder["answered_by"], "enum": roles}
    defs["step"]["properties"]["previous"]["items"]["enum"] = questions
    lists = _settings_lists(pack.data.get("settings") or {})
    if lists:
        choices_from = defs["question"]["properties"]["choices_from"]
        defs["question"]["properties"]["choices_from"] = {**choices_from, "enum": lists}
    schedule = schema["properties"]["schedule"]["items"]["properties"]
    if "question" in schedule:
        schedule["question"] = {**schedule["question"], "enum": [
            qid for qid, ref in pack.questions.items() if ref.type == "date"]}
    return schema
