"""Fuzzing what users hand to pop: answers files and packs, mutated by hypothesis.

Bounded (a fixed number of examples, no deadline per example) so CI stays quick; whatever is
generated must end as a result or as one clear message with exit 2 (3 for a rule's stop),
never a traceback, and a plan reported as created must be there.
"""

from __future__ import annotations

import json

import pytest
from helpers import MINI, VDAB
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.yamlfile import load_file

FUZZ = settings(max_examples=60, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])

EXAMPLE = load_file(VDAB)[0]
QUESTIONS = sorted(EXAMPLE["answers"])
text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12),
                    st.floats(allow_nan=True, allow_infinity=True), text,
                    st.sampled_from(["2026-02-30", "31-03-2026", "ja", "nee", "", "🙂" * 3]))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(text, inner, max_size=4), max_leaves=12)


def outcome(pop, *args: str):
    result = pop(*args)                 # catch_exceptions=False: a traceback fails the test
    assert result.exit_code in (0, 2, 3), (result.exit_code, result.stderr)
    if result.exit_code:
        assert result.stderr.strip(), "a refusal says why"
    return result


@FUZZ
@given(changes=st.dictionaries(st.sampled_from(QUESTIONS + ["verzonnen"]), values,
                               max_size=5),
       top=st.dictionaries(st.sampled_from(["date", "people", "overrides", "pack", "x"]),
                           values, max_size=2),
       as_json=st.booleans())
def test_fuzzed_answers_files(pop, tmp_path_factory, changes, top, as_json):
    data = json.loads(json.dumps(EXAMPLE, default=str))
    data["answers"].update(changes)
    data.update(top)
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / ("answers.json" if as_json else "answers.yaml")
    if as_json:
        path.write_text(json.dumps(data), encoding="utf-8")    # \\ud83d\\ude42 escapes too
    else:
        from ruamel.yaml import YAML

        with path.open("w", encoding="utf-8") as f:
            YAML(typ="safe", pure=True).dump(data, f)
    result = outcome(pop, "run", "--answers", str(path), "--json")
    if result.exit_code == 0:
        plan_id = json.loads(result.stdout)["plan"]["id"]
        assert pop("show", plan_id, "--json").exit_code == 0


MINI_LINES = (MINI / "pack.yaml").read_text(encoding="utf-8").splitlines()


@FUZZ
@given(edits=st.lists(st.tuples(st.integers(0, len(MINI_LINES) - 1),
                                st.sampled_from(["drop", "double", "text", "indent", "cut"]),
                                text), min_size=1, max_size=4))
def test_fuzzed_packs(pop, tmp_path_factory, edits):
    lines = list(MINI_LINES)
    for index, kind, value in edits:
        index %= len(lines)
        if kind == "drop":
            del lines[index]
        elif kind == "double":
            lines.insert(index, lines[index])
        elif kind == "text":
            head = lines[index].split(":", 1)[0]
            lines[index] = f"{head}: {json.dumps(value)}" if ":" in lines[index] else value
        elif kind == "indent":
            lines[index] = "  " + lines[index]
        else:
            lines[index] = lines[index][: len(value) % (len(lines[index]) + 1)]
        if not lines:
            lines = [""]
    folder = tmp_path_factory.mktemp("pack")
    (folder / "templates").mkdir()
    for template in (MINI / "templates").iterdir():
        (folder / "templates" / template.name).write_bytes(template.read_bytes())
    (folder / "pack.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = outcome(pop, "packs", "validate", str(folder))
    assert result.exit_code in (0, 2)


@pytest.mark.parametrize("seed_file", [VDAB])
def test_the_fuzzer_starts_from_a_valid_file(pop, seed_file):
    assert outcome(pop, "run", "--answers", str(seed_file)).exit_code == 0


YAML_MARKS = [":", "-", " ", "\n", "#", ">", "|", '"', "'", "\t", "[", "]", "{", "}", "&", "*",
              "!", "?", ",", "%", "@", "`", "a", "1"]


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # nothing kept between
@given(edits=st.lists(st.tuples(st.integers(0, 10**6), st.booleans(),
                                st.sampled_from(YAML_MARKS)), min_size=1, max_size=3),
       seed=st.sampled_from([VDAB, MINI / "pack.yaml"]))
def test_the_fast_parser_reads_what_the_round_trip_parser_read(monkeypatch, edits, seed):
    """Files are parsed by ruamel's safe parser (twice as fast); what it gives, the values,
    where each stood and every message, must be what the round-trip parser gave."""
    import engine.yamlfile as yamlfile
    from engine.errors import ProblemsError

    text = seed.read_text(encoding="utf-8")
    for at, insert, mark in edits:
        at %= len(text) + 1
        text = text[:at] + mark + text[at:] if insert else text[:at] + text[at + 1:]

    def read() -> object:
        try:
            return yamlfile.load_text(text, "f.yaml")
        except ProblemsError as exc:
            return [str(problem) for problem in exc.problems]

    fast = read()
    compose = yamlfile._compose
    with monkeypatch.context() as patched:
        patched.setattr(yamlfile, "_compose", lambda text, typ: compose(text, "rt"))
        assert read() == fast


@settings(max_examples=80, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(st.characters(blacklist_characters="\x00"), min_size=1, max_size=40))
def test_the_json_of_every_plan_is_what_list_says_whatever_the_name(pop, name):
    """``list --all --json`` writes each row's JSON itself (C's string encoder per text):
    parsed, it is the row ``list`` reads, for any name the register may hold, and it is one
    line of JSON text."""
    from engine.store import open_store

    if not json.loads(pop("list", "--json").stdout):
        pop("run", "--answers", str(VDAB))
    store = open_store()
    try:
        plan = store.list_plans()[0]
        with store.transaction():  # as a store written by anything else may hold it
            store.db.execute("UPDATE people SET name=? WHERE id=?", (name, plan["person_id"]))
        for rows, listed in ((store.plans_as_json(), store.list_plans()),
                             (store.plans_as_json(limit=5), store.list_plans(limit=5))):
            texts = list(rows)
            assert [json.loads(text) for text in texts] == listed
            assert all("\n" not in text for text in texts)
    finally:
        store.close()
