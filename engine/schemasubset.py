"""Whether an answer (or a plan's answers) meets a JSON Schema, decided natively for the
keywords packs' conditions and checks use; for any other schema, no verdict.

Why a second implementation: jsonschema (with referencing and attrs) costs a write command
about 35 ms to import, a third of its run, only to learn that a condition holds. This answers
yes or no for the subset below, exactly as jsonschema's Draft 2020-12 validator (with RE2 for
``pattern``) would, and says ``None`` for a schema it does not know whole, so that jsonschema
decides; messages for what fails still come from jsonschema (:mod:`engine.schemacheck`).
``tests/test_schemasubset.py`` holds the two equal over generated schemas and answers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

_TYPES = {
    "null": lambda v: v is None,
    "boolean": lambda v: isinstance(v, bool),
    "integer": lambda v: (isinstance(v, int) and not isinstance(v, bool))
    or (isinstance(v, float) and v.is_integer()),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "string": lambda v: isinstance(v, str),
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
}
#: keywords that never change a verdict
_ANNOTATIONS = frozenset({"title", "description", "$comment", "examples", "default",
                          "deprecated", "readOnly", "writeOnly"})
_COUNTS = frozenset({"minLength", "maxLength", "minItems", "maxItems", "minProperties",
                     "maxProperties"})
_BOUNDS = frozenset({"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"})
_SCHEMA_LISTS = frozenset({"allOf", "anyOf", "oneOf"})
_SUBSCHEMAS = frozenset({"not", "contains", "items", "additionalProperties"})
_OTHER = frozenset({"type", "const", "enum", "required", "properties", "pattern"})
_KNOWN = _ANNOTATIONS | _COUNTS | _BOUNDS | _SCHEMA_LISTS | _SUBSCHEMAS | _OTHER


def verdict(schema: Any, instance: Any) -> bool | None:
    """True or False as jsonschema would decide; None when ``schema`` is outside the subset."""
    return _valid(schema, instance) if _supported(schema) else None


def _supported(schema: Any) -> bool:
    if isinstance(schema, bool):
        return True
    if not isinstance(schema, dict) or not _KNOWN.issuperset(schema):
        return False
    for key, value in schema.items():
        if key in _COUNTS:
            if not (isinstance(value, int) and not isinstance(value, bool) and value >= 0):
                return False
        elif key in _BOUNDS:
            if not _TYPES["number"](value):
                return False
        elif key in _SCHEMA_LISTS:
            if not (isinstance(value, list) and value and all(map(_supported, value))):
                return False
        elif key in _SUBSCHEMAS:
            if not _supported(value):
                return False
        elif key == "type":
            names = value if isinstance(value, list) else [value]
            if not names or not all(isinstance(n, str) and n in _TYPES for n in names):
                return False
        elif key == "enum":
            if not isinstance(value, list):
                return False
        elif key == "required":
            if not (isinstance(value, list) and all(isinstance(k, str) for k in value)):
                return False
        elif key == "properties":
            if not (isinstance(value, dict) and all(map(_supported, value.values()))):
                return False
        elif key == "pattern" and not isinstance(value, str):
            return False
    return True


def _valid(schema: Any, instance: Any) -> bool:
    if schema is True or schema is False:
        return schema
    for key, value in schema.items():
        if key in _ANNOTATIONS:
            continue
        if not _KEYWORDS[key](value, instance, schema):
            return False
    return True


def _type(expected: Any, instance: Any, schema: dict) -> bool:
    names = expected if isinstance(expected, list) else [expected]
    return any(_TYPES[name](instance) for name in names)


def _pattern(pattern: str, instance: Any, schema: dict) -> bool:
    if not isinstance(instance, str):
        return True
    from .patterns import PatternError, search

    try:
        return bool(search(pattern, instance))
    except PatternError:
        return False


def _contains(sub: Any, instance: Any, schema: dict) -> bool:
    return not isinstance(instance, list) or any(_valid(sub, item) for item in instance)


def _additional(sub: Any, instance: Any, schema: dict) -> bool:
    if not isinstance(instance, dict):
        return True
    known = schema.get("properties", {})
    return all(_valid(sub, value) for key, value in instance.items() if key not in known)


def _properties(subs: dict, instance: Any, schema: dict) -> bool:
    return not isinstance(instance, dict) or all(
        _valid(sub, instance[key]) for key, sub in subs.items() if key in instance)


def _equal(one: Any, two: Any) -> bool:
    """jsonschema's equality: True is not 1, lists and mappings compared item by item. Not
    by identity first: pop's jsonschema sees the schema through JSON, so NaN is never equal."""
    if isinstance(one, str) or isinstance(two, str):
        return one == two
    if isinstance(one, Sequence) and isinstance(two, Sequence):
        return len(one) == len(two) and all(map(_equal, one, two))
    if isinstance(one, Mapping) and isinstance(two, Mapping):
        return len(one) == len(two) and all(key in two and _equal(value, two[key])
                                            for key, value in one.items())
    if isinstance(one, bool) or isinstance(two, bool):
        return isinstance(one, bool) and isinstance(two, bool) and one == two
    return one == two


def _number(instance: Any) -> bool:
    return _TYPES["number"](instance)


_KEYWORDS = {
    "type": _type,
    "const": lambda expected, instance, schema: _equal(instance, expected),
    "enum": lambda choices, instance, schema: any(_equal(c, instance) for c in choices),
    "required": lambda keys, instance, schema: not isinstance(instance, dict) or all(
        k in instance for k in keys),
    "properties": _properties,
    "additionalProperties": _additional,
    "pattern": _pattern,
    "minLength": lambda n, v, s: not isinstance(v, str) or len(v) >= n,
    "maxLength": lambda n, v, s: not isinstance(v, str) or len(v) <= n,
    "minItems": lambda n, v, s: not isinstance(v, list) or len(v) >= n,
    "maxItems": lambda n, v, s: not isinstance(v, list) or len(v) <= n,
    "minProperties": lambda n, v, s: not isinstance(v, dict) or len(v) >= n,
    "maxProperties": lambda n, v, s: not isinstance(v, dict) or len(v) <= n,
    # written as jsonschema tests them, so that NaN (YAML's .nan) passes as it does there
    "minimum": lambda n, v, s: not _number(v) or not v < n,
    "maximum": lambda n, v, s: not _number(v) or not v > n,
    "exclusiveMinimum": lambda n, v, s: not _number(v) or not v <= n,
    "exclusiveMaximum": lambda n, v, s: not _number(v) or not v >= n,
    "allOf": lambda subs, v, s: all(_valid(sub, v) for sub in subs),
    "anyOf": lambda subs, v, s: any(_valid(sub, v) for sub in subs),
    "oneOf": lambda subs, v, s: sum(_valid(sub, v) for sub in subs) == 1,
    "not": lambda sub, v, s: not _valid(sub, v),
    "contains": _contains,
    "items": lambda sub, v, s: not isinstance(v, list) or all(_valid(sub, i) for i in v),
}
