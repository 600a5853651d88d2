"""JSON Schema validation with problems in plain words, in the user's language, with positions.

jsonschema is imported here only, and only when something is validated (it is slow to import).
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from .errors import Problem
from .i18n import _, ngettext
from .resources import schema_path
from .yamlfile import Positions, format_path, key_position, position


@cache
def load_schema(name: str) -> dict:
    with open(schema_path(name), encoding="utf-8") as f:
        return json.load(f)


@cache
def _validator_class() -> Any:
    """Draft 2020-12 with ``pattern`` run by RE2 (:mod:`engine.patterns`): linear time."""
    from jsonschema import Draft202012Validator, FormatChecker, validators
    from jsonschema.exceptions import ValidationError

    from .patterns import PatternError, compiled, search

    def pattern(validator: Any, expected: str, instance: Any, schema: dict) -> Any:
        if not validator.is_type(instance, "string"):
            return
        try:
            matches = search(expected, instance)
        except PatternError as exc:
            yield ValidationError(str(exc))
            return
        if not matches:
            yield ValidationError(f"{instance!r} does not match {expected!r}")

    formats = FormatChecker()  # the same engine judges a pattern when a schema is checked
    formats.checks("regex", raises=PatternError)(lambda text: compiled(text) is not None)
    return validators.extend(Draft202012Validator, {"pattern": pattern},
                             format_checker=formats)


def check_schema(schema: Any) -> None:
    """Raise ``jsonschema.SchemaError`` unless ``schema`` is a schema pop can run."""
    cls = _validator_class()
    cls.check_schema(schema, format_checker=cls.FORMAT_CHECKER)


@cache
def _validator_for(schema_json: str) -> Any:
    from referencing import Registry
    from referencing.exceptions import NoSuchResource

    def never_fetch(uri: str) -> Any:  # a schema must not reach a file or an address
        raise NoSuchResource(ref=uri)

    return _validator_class()(json.loads(schema_json), registry=Registry(retrieve=never_fetch))


def validator(schema: dict | bool) -> Any:
    """A cached Draft 2020-12 validator for ``schema``."""
    return _validator_for(json.dumps(schema, sort_keys=True))


def problems(schema: dict | bool, data: Any, file: str, positions: Positions | None = None,
             prefix: tuple = ()) -> list[Problem]:
    """Every way ``data`` fails ``schema``, one :class:`Problem` each, in document order."""
    from jsonschema.exceptions import best_match

    found = []
    for error in validator(schema).iter_errors(data):
        if error.validator in ("anyOf", "oneOf") and error.context:
            error = best_match(error.context)
        path = (*prefix, *error.absolute_path)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            extra = sorted(k for k in error.instance if k not in error.schema.get("properties", {}))
            path = (*path, extra[0]) if extra else path
            line, col = key_position(positions or {}, path)
        else:
            line, col = position(positions or {}, path)
        found.append(Problem(file, message(error), line, col, format_path(path)))
    found.sort(key=lambda p: (p.line or 0, p.col or 0, p.path))
    return list(dict.fromkeys(found))


def message(error: Any) -> str:
    """A plain sentence for one jsonschema error."""
    kind, expected, instance = error.validator, error.validator_value, error.instance
    if kind == "required":
        missing = [k for k in expected if isinstance(instance, dict) and k not in instance]
        return _("missing required key {key!r}").format(key=missing[0] if missing else "?")
    if kind == "additionalProperties":
        from .text import did_you_mean

        allowed = list(error.schema.get("properties", {}))
        extra = sorted(k for k in instance if k not in allowed)
        key = extra[0] if extra else "?"
        close = did_you_mean(key, allowed)
        if close or not allowed:
            return _("unknown key {key!r}").format(key=key) + close
        return _("unknown key {key!r} (allowed: {keys})").format(key=key,
                                                                 keys=", ".join(allowed))
    if kind == "type":
        kinds = expected if isinstance(expected, list) else [expected]
        return _("must be {kind}, not {actual}").format(
            kind=_(" or ").join(_type_name(k) for k in kinds), actual=_type_name(instance))
    if kind == "enum":
        return _("must be one of: {choices}").format(choices=", ".join(map(str, expected)))
    if kind == "const":
        return _("must be {value!r}").format(value=expected)
    if kind == "pattern":
        return _("{value!r} has the wrong form (expected pattern {pattern})").format(
            value=instance, pattern=expected)
    if kind == "minLength":
        return _("must not be empty")
    if kind in ("minItems", "minProperties"):
        return ngettext("needs at least {n} item", "needs at least {n} items",
                        expected).format(n=expected)
    if kind in ("maxItems", "maxProperties"):
        return ngettext("allows at most {n} item", "allows at most {n} items",
                        expected).format(n=expected)
    if kind == "minimum":
        return _("must be at least {n}").format(n=expected)
    if kind == "maximum":
        return _("must be at most {n}").format(n=expected)
    if kind == "not" and isinstance(expected, dict) and "enum" in expected:
        return _("{value!r} is reserved and cannot be used here").format(value=instance)
    if kind == "contains":
        return _("does not contain a matching item")
    if kind == "oneOf":
        return _("matches more than one allowed form")
    return _("is not valid ({detail})").format(detail=error.message)


def _type_name(value: Any) -> str:
    names = {
        "object": _("a mapping"), "array": _("a list"), "string": _("text"),
        "integer": _("a whole number"), "number": _("a number"), "boolean": _("true or false"),
        "null": _("empty"),
    }
    if isinstance(value, str) and value in names:
        return names[value]
    for python_type, name in ((bool, "boolean"), (dict, "object"), (list, "array"),
                              (str, "string"), (int, "integer"), (float, "number"),
                              (type(None), "null")):
        if isinstance(value, python_type):
            return names[name]
    return type(value).__name__
