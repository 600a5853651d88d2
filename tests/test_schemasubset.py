"""The native verdict (engine.schemasubset) is jsonschema's, for every schema of the subset and
every answer; outside the subset it gives none. Proven over generated schemas and instances."""

from __future__ import annotations

import math

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from engine.rules import compile_condition
from engine.schemacheck import validator
from engine.schemasubset import verdict

KEYS = ["doel", "acties", "ok", "n", "wanneer"]
SCALARS = (st.none() | st.booleans() | st.integers(-3, 3)
           | st.sampled_from([0.0, 1.0, 2.5, -1.5, math.nan]) | st.sampled_from(
               ["", " ", "ja", "nee", "Ja", "2026-03-01", "01-03-2026", "x" * 12, "é"]))
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.sampled_from(KEYS), inner, max_size=3), max_leaves=8)
PATTERNS = st.sampled_from([r"^\d{4}-\d{2}-\d{2}$", r"^\d{2}-\d{2}-\d{4}$", "ja", r"\pL", "(",
                            r"^$", "^(a|aa){4}$"])
TYPES = st.sampled_from(["null", "boolean", "integer", "number", "string", "array", "object"])
COUNT = st.integers(0, 3)
NUMBER = st.integers(-2, 2) | st.sampled_from([0.5, -0.5])


def keywords(inner):
    return st.fixed_dictionaries({}, optional={
        "type": TYPES | st.lists(TYPES, min_size=1, max_size=3),
        "const": VALUES, "enum": st.lists(VALUES, max_size=3),
        "required": st.lists(st.sampled_from(KEYS), max_size=3),
        "properties": st.dictionaries(st.sampled_from(KEYS), inner, max_size=3),
        "additionalProperties": inner, "pattern": PATTERNS,
        "minLength": COUNT, "maxLength": COUNT, "minItems": COUNT, "maxItems": COUNT,
        "minProperties": COUNT, "maxProperties": COUNT,
        "minimum": NUMBER, "maximum": NUMBER, "exclusiveMinimum": NUMBER,
        "exclusiveMaximum": NUMBER,
        "allOf": st.lists(inner, min_size=1, max_size=3),
        "anyOf": st.lists(inner, min_size=1, max_size=3),
        "oneOf": st.lists(inner, min_size=1, max_size=3),
        "not": inner, "contains": inner, "items": inner,
        "title": st.just("een titel"), "$comment": st.just("uitleg")})


SCHEMAS = st.recursive(st.booleans() | keywords(st.booleans()), keywords, max_leaves=6)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(SCHEMAS, VALUES)
@example({"const": ["", math.nan]}, ["", math.nan])  # NaN is never equal, not even to itself
@example({"enum": [math.nan]}, math.nan)
def test_the_native_verdict_is_jsonschemas(schema, instance):
    assert verdict(schema, instance) is validator(schema).is_valid(instance)


CONDITIONS = st.dictionaries(st.sampled_from(KEYS), SCALARS | st.lists(SCALARS, max_size=3)
                             | st.just({"present": True}) | st.just({"present": False}),
                             max_size=3)


@settings(max_examples=500, deadline=None)
@given(CONDITIONS, st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=5),
       st.dictionaries(st.sampled_from(KEYS), st.sampled_from(["text", "multi", "list"])))
def test_every_shorthand_condition_is_decided_natively_and_alike(condition, answers, types):
    schema = compile_condition(condition, types)
    assert verdict(schema, answers) is validator(schema).is_valid(answers)


def test_a_schema_outside_the_subset_is_left_to_jsonschema():
    for schema in ({"format": "date"}, {"$ref": "#/$defs/x"}, {"prefixItems": [True]},
                   {"patternProperties": {"a": False}}, {"minContains": 2, "contains": True},
                   {"properties": {"a": {"if": True}}}, {"allOf": []}, {"type": "datum"},
                   {"minItems": -1}, {"required": "doel"}, [], "doel"):
        assert verdict(schema, {"a": 1}) is None, schema


def test_the_built_in_packs_conditions_and_checks_are_all_in_the_subset():
    from engine.packs import PackLibrary
    from engine.plugins import get_plugins
    from engine.rules import question_types

    library = PackLibrary(get_plugins())
    for pack_id in ("vdab", "vandenberg", "vtoc"):
        pack = library.load(pack_id)
        types = question_types(pack)
        found = 0
        for rule in pack.rules:
            for condition in (rule.get("when"), rule.get("check")):
                if condition and "named" not in condition:
                    found += 1
                    assert verdict(compile_condition(condition, types), {}) is not None, rule
        assert found, pack_id
