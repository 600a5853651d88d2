"""What each plan has due, kept as rows on every write: always what the plans themselves say.

``pop due`` reads those rows (a date range) instead of loading every open plan; these tests
hold the rows to what working the moments out from the stored plans gives, after any sequence
of writes, in both stores, and after a migration from the schema before the rows.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
from helpers import VDAB, as_of_schema, migrate_as_a_user_would, ok, ok_json
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.due import EARLY_PHASES, plan_items, yearly_update
from engine.store import SCHEMA_VERSION, open_store

FAR = "9999-12-31"


def kept_rows(store) -> list[tuple]:
    """The store's due rows, checked to come in due's order: by date, person, plan, item."""
    from engine.sqlstore import COPY_TABLES

    columns = COPY_TABLES["due_items"]
    rows = list(store.due_items(FAR, columns))
    assert rows == sorted(rows, key=lambda r: (r[3], r[10], r[0], r[1]))
    return sorted(rows)


def worked_out_rows(store) -> list[tuple]:
    """The same rows from the plans as stored, without the kept rows: every plan's moments,
    and the yearly update of each person's current plan (as ``pop report`` finds it)."""
    from engine.people import name_key

    ids = [row[0] for row in store.db.execute("SELECT id FROM plans").fetchall()]
    rows = []

    def person(plan) -> tuple[str, str]:
        """Their name and its key, as the register has them now."""
        name = store.get_person(plan.person_id)["name"] if plan.person_id else ""
        return name, name_key(name)

    for plan in store.load_plans(ids):
        rows += [(plan.id, i["id"], i["kind"], i["date"],
                  None if i["kind"] == "conversation" else i["title"], i.get("status"),
                  plan.person_id, plan.pack_id, plan.state, *person(plan))
                 for i in plan_items(plan)]
    current = store.current_plans(not_held=EARLY_PHASES)
    for plan in store.load_plans([plan_id for plan_id, _held in current.values()]):
        item = yearly_update(plan.pack, plan.state, plan.date)
        if item:
            rows.append((plan.id, item["id"], item["kind"], item["date"], item["title"], None,
                         plan.person_id, plan.pack_id, plan.state, *person(plan)))
    return sorted(rows)


def vdab_answers(tmp_path, held: date, deadlines: list[date], name: str) -> str:
    text = VDAB.read_text(encoding="utf-8").replace("Dries Verbeeck", name)
    text = re.sub(r"^date: .*$", f"date: {held.isoformat()}", text, flags=re.M)
    shifted = iter(deadlines)
    text = re.sub(r"wanneer: \d\d-\d\d-\d{4}",
                  lambda _m: f"wanneer: {next(shifted).strftime('%d-%m-%Y')}", text)
    path = tmp_path / f"answers-{abs(hash((held, tuple(deadlines), name)))}.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


days = st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31))
names = st.sampled_from(["Dries Verbeeck", "Sanne Peeters", "Ahmed El Idrissi"])
steps = st.one_of(
    st.tuples(st.just("run"), days, st.lists(days, min_size=3, max_size=3), names),
    st.tuples(st.just("announce"), days, names),
    st.tuples(st.just("checkin"), st.integers(0, 9), st.integers(1, 3),
              st.sampled_from(["gedaan", "bezig", "niet gestart"]), days),
    st.tuples(st.just("sign"), st.integers(0, 9)),
    st.tuples(st.just("next"), st.integers(0, 9), days),
    st.tuples(st.just("forget"), names),
    st.tuples(st.just("rename"), names, st.sampled_from(["Zoë Claes", "sanne PEETERS"])),
)


@settings(max_examples=14, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(st.lists(steps, min_size=1, max_size=6))
def test_the_kept_due_rows_are_what_the_plans_say_after_any_writes(pop, tmp_path, script):
    for step in script:
        plans = [row["id"] for row in json.loads(pop("list", "--all", "--json").stdout)]
        kind, *args = step
        if kind == "run":
            held, deadlines, name = args
            pop("run", "--answers", vdab_answers(tmp_path, held, deadlines, name))
        elif kind == "announce":
            held, name = args
            path = tmp_path / "announced.yaml"
            path.write_text(f"pack: vandenberg\npeople: {{employee: {name}, manager: Martijn "
                            f"Bakker}}\ndate: {held.isoformat()}\nanswers: {{}}\n",
                            encoding="utf-8")
            pop("run", "--answers", str(path), "--partial")
        elif not plans and kind != "forget":
            continue
        elif kind == "checkin":
            which, action, status, when = args
            pop("checkin", plans[which % len(plans)], "--status", f"{action}={status}",
                "--date", when.isoformat())
        elif kind == "sign":
            plan_id = plans[args[0] % len(plans)]
            pop("sign", plan_id, "--role", "employee")
            pop("sign", plan_id, "--role", "manager")
        elif kind == "next":
            which, when = args
            pop("next", plans[which % len(plans)], "--date", when.isoformat())
        elif kind == "forget":
            pop("forget", args[0], "--yes")
        elif kind == "rename":
            pop("people", "edit", args[0], "--name", args[1])
        store = open_store()
        try:
            assert kept_rows(store) == worked_out_rows(store), step
        finally:
            store.close()


def test_due_reads_the_kept_rows_and_lists_first_pops(pop_env, tmp_path):
    plan_id = ok_json("run", "--answers", str(VDAB))["plan"]["id"]
    ok("people", "add", "Nieuwe Collega", "--hired", "2026-10-01")
    items = ok_json("due", "--within", "1m", env={"POP_TODAY": "2026-12-01"})["items"]
    kinds = [(i["kind"], i["plan"], i["overdue"]) for i in items]
    assert ("checkin", plan_id, True) in kinds                    # 20-04-2026, long overdue
    first = [i for i in items if i["kind"] == "first_pop"]
    assert [(i["person"], i["plan"]) for i in first] == [("Nieuwe Collega", None)]
    # once the newcomer has a plan, the first POP is no longer theirs to do
    announced = tmp_path / "announced.yaml"
    announced.write_text("pack: vdab\npeople: {employee: Nieuwe Collega, manager: Els "
                         "Vandamme}\ndate: 2027-02-01\nanswers: {}\n", encoding="utf-8")
    ok("run", "--answers", str(announced), "--partial")
    items = ok_json("due", "--within", "1m", env={"POP_TODAY": "2026-12-01"})["items"]
    assert not [i for i in items if i["kind"] == "first_pop"]


def test_due_lists_by_day_then_person_and_its_text_is_its_json(pop_env, tmp_path):
    """Soonest first, then by person (their name key: case and spacing as typed do not
    count) and plan, first POPs in their places; the text lists what --json does."""
    from engine.people import name_key

    env = {"POP_TODAY": "2026-12-01"}
    for n, name in enumerate(["zoë Claes", "Anna Peeters", "Zoë  claes", "bert Maes"]):
        held = date(2026, 3, 1) + timedelta(days=7 * n)
        ok("run", "--answers", vdab_answers(
            tmp_path, held, [held + timedelta(days=d) for d in (30, 60, 90)], name))
    ok("people", "add", "Anna Nieuw", "--hired", "2026-10-01")
    items = ok_json("due", "--within", "3m", env=env)["items"]
    order = [(i["date"], name_key(i["person"]), i["plan"] or "") for i in items]
    assert order == sorted(order)
    assert {i["person"] for i in items} == {"zoë Claes", "Anna Peeters", "bert Maes",
                                            "Anna Nieuw"}  # "Zoë  claes" is in the register
    assert "first_pop" in {i["kind"] for i in items}
    lines = ok("due", "--within", "3m", env=env).splitlines()
    assert len(lines) == len(items)
    for line, item in zip(lines, items, strict=True):
        where = f" ({item['plan']})" if item["plan"] else ""
        assert line.startswith(item["date"]) and f" {item['person']}{where}: " in line, line
    mine = ok_json("due", "--within", "3m", "--person", "Anna Nieuw", env=env)["items"]
    assert [i["kind"] for i in mine] == ["first_pop"]
    assert ok("due", "--within", "3m", "--person", "Anna Nieuw", env=env).count("\n") == 1


def test_a_store_without_the_due_rows_gets_them_on_migrating(store_url, tmp_path):
    """A store of schema 5 (before the rows): migrating fills them from the plans."""
    env = {"POP_TODAY": "2026-04-15"}
    ok("store", "init")
    plan_id = ok_json("run", "--answers", str(VDAB))["plan"]["id"]
    ok("sign", plan_id, "--role", "employee")
    ok("sign", plan_id, "--role", "manager")
    ok("checkin", plan_id, "--status", "2=gedaan", "--date", "2026-04-20")
    before = ok_json("due", "--within", "12m", env=env)
    store = open_store()
    with store.transaction():
        store.db.execute("DROP TABLE due_items")
        for index in ("plans_state", "plans_digest", "plans_person_date", "signatures_person",
                      *(("people_names",) if store.KIND == "sqlite" else ())):
            store.db.execute(f"DROP INDEX {index}")  # schema 7's too (8 dropped plans_due)
        as_of_schema(store, 5)
    store.close()
    migrate_as_a_user_would(store)
    assert ok_json("due", "--within", "12m", env=env) == before
    assert len(before["items"]) >= 4


def test_due_at_a_later_today_counts_days_from_then(pop_env):
    ok_json("run", "--answers", str(VDAB))
    today = date(2026, 4, 15)
    items = ok_json("due", "--within", "10d", env={"POP_TODAY": today.isoformat()})["items"]
    assert [(i["date"], i["days"]) for i in items] == [
        ("2026-04-20", (date(2026, 4, 20) - today).days)]
    assert date.fromisoformat(items[0]["date"]) <= today + timedelta(days=10)


@pytest.mark.parametrize("lang, title", [("nl", "POP-gesprek"), ("en", "POP conversation")])
def test_the_conversation_is_named_in_the_readers_language(pop_env, tmp_path, lang, title):
    announced = tmp_path / "announced.yaml"
    announced.write_text("pack: vandenberg\npeople: {employee: Sanne de Vries, manager: "
                         "Martijn Bakker}\ndate: 2026-05-04\nanswers: {}\n", encoding="utf-8")
    ok("run", "--answers", str(announced), "--partial")
    items = ok_json("due", "--within", "1m", env={"POP_TODAY": "2026-05-01",
                                                  "POP_LANG": lang})["items"]
    assert [i["title"] for i in items if i["kind"] == "conversation"] == [title]


def test_a_schema_7_store_keeps_its_due_rows_and_learns_whose_plans_they_are(store_url):
    """Schema 8 adds the person, pack and state of each due row's plan to the rows already
    kept (not worked out again): ``pop due`` is the same after migrating."""
    env = {"POP_TODAY": "2026-04-15"}
    ok("store", "init")
    plan_id = ok_json("run", "--answers", str(VDAB))["plan"]["id"]
    ok("sign", plan_id, "--role", "employee")
    before = ok_json("due", "--within", "12m", env=env)
    store = open_store()
    with store.transaction():
        store.db.execute("DROP INDEX due_items_person")
        for column in ("person_id", "pack_id", "state"):
            store.db.execute(f"ALTER TABLE due_items DROP COLUMN {column}")
        store.db.execute("CREATE INDEX plans_due ON plans(id, person_id, pack_id, state)")
        as_of_schema(store, 7)
    store.close()
    migrate_as_a_user_would(store)
    after = ok_json("due", "--within", "12m", env=env)
    assert after == before and {i["person"] for i in after["items"]} == {"Dries Verbeeck"}
    store = open_store()
    assert store.schema_version == SCHEMA_VERSION and kept_rows(store) == worked_out_rows(store)
    store.close()


def test_due_prints_no_control_characters_whatever_the_store_holds(pop_env):
    """pop cleans names as they are typed; a store written by something else is printed
    plain as well (each name and title made plain once, the lines not scanned again)."""
    ok_json("run", "--answers", str(VDAB))
    store = open_store()
    with store.transaction():
        store.db.execute("UPDATE due_items SET person=?, title=?",
                         ("Dries\x1b]0;TITLE\x07 \x1b[31mVerbeeck", "Actie\x1b[2J\x9b"))
    store.close()
    shown = ok("due", "--within", "12m", env={"POP_TODAY": "2026-04-15"})
    assert not set(shown) & {"\x1b", "\x07", "\x9b"}
    assert "Dries Verbeeck (" in shown and ": Actie\n" in shown and "TITLE" not in shown
