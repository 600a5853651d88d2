"""Rules (conditions, smart) and the lifecycle machine, on the small test pack."""

from __future__ import annotations

import pytest
from helpers import MINI

from engine.default_plugins.checks import smart
from engine.lifecycle import Blocked, lifecycle_for, state_sequence
from engine.packs import PackLibrary
from engine.plugins import get_plugins
from engine.rules import compile_condition, holds
from engine.session import Session
from engine.store import open_store


@pytest.fixture
def pack():
    return PackLibrary(get_plugins()).load(str(MINI))


def test_shorthand_conditions(pack):
    assert holds({"wil_gesprek": False}, {"wil_gesprek": False}, pack)
    assert not holds({"wil_gesprek": False}, {"wil_gesprek": True}, pack)
    assert not holds({"wil_gesprek": False}, {}, pack)            # unanswered is not false
    assert holds({"thema": ["werk", "opleiding"]}, {"thema": "werk"}, pack)
    assert holds({"wens": {"present": True}}, {"wens": "x"}, pack)
    assert holds({"wens": {"present": False}}, {}, pack)
    # list answers: equality means "contains"
    assert compile_condition({"acties": "x"}, {"acties": "records"}) == {"allOf": [
        {"required": ["acties"], "properties": {"acties": {"contains": {"const": "x"}}}}]}
    assert holds({"schema": {"properties": {"niveau": {"minimum": 3}}}}, {"niveau": 4}, pack)


def test_smart_letters_and_vague_words(pack):
    args = {"question": "acties", "fields": {"S": "wat", "M": "meetbaar", "T": "wanneer"},
            "names": {"T": "Tijdsgebonden"}}
    good = {"acties": [{"wat": "Heftruckattest halen", "meetbaar": "attest",
                        "wanneer": "30-06-2026"}]}
    assert smart(good, args, pack) == []
    for timing in ("Q1 2027", "maart 2027", "2027-03-31", "31 maart 2027", "week 12 2027"):
        assert smart({"acties": [{**good["acties"][0], "wanneer": timing}]}, args, pack) == []
    bad = {"acties": [{"wat": "Beter proberen te stapelen", "wanneer": "Doorlopend"}]}
    found = smart(bad, args, pack)
    assert all(item[2:] == (1, "Beter proberen te stapelen") for item in found)  # the row
    messages = [m for m, *_rest in found]
    assert any("not Measurable — fill in meetbaar" in m for m in messages)
    assert any("not Tijdsgebonden — 'Doorlopend' is not a date" in m for m in messages)
    assert not [m for m in messages if "vague" in m]      # no vague words named, none found
    found = smart(bad, {**args, "vague_words": ["beter", "proberen"]}, pack)
    vague = [(m, s) for m, s, *_row in found if "vague" in m]
    assert vague and vague[0][1] == "warning" and "'beter'" in vague[0][0] \
        and "'proberen'" in vague[0][0]


def test_sequence_skips_unused_phases(make_pack, pop_env):
    assert state_sequence(PackLibrary(get_plugins()).load(str(MINI))) == [
        "preparation.voorbereiding", "conversation.intro", "conversation.analyse",
        "conversation.planning", "follow_up.opvolging", "evaluation.evaluatie", "closed"]
    only = make_pack({"pack.yaml": """\
id: kort
name: Kort
version: 1.0.0
language: nl-BE
roles: [{id: employee, name: Medewerker, subject: true}]
phases:
  conversation:
    steps: [{id: enige, title: Enige stap}]
"""})
    assert state_sequence(PackLibrary(get_plugins()).load(str(only))) == \
        ["conversation.enige", "closed"]


def test_one_machine_shared_by_plans_and_released(pack, pop_env):
    store = open_store(pop_env)
    plugins = get_plugins()
    a = Session.start(pack, store, plugins, {"employee": "A"}, "2026-01-01")
    b = Session.start(pack, store, plugins, {"employee": "B"}, "2026-01-01")
    a.next()
    b.next()
    assert a.lifecycle is b.lifecycle is lifecycle_for(pack, plugins)
    assert a.lifecycle.machine.models == []          # attached only while moving
    assert (a.plan.state, b.plan.state) == ("conversation.intro", "conversation.intro")


def test_a_plan_moved_again_or_by_another_packs_machine_follows_that_machine(
        make_pack, pop_env, caplog):
    from engine.lifecycle import Lifecycle
    from engine.plan import Plan

    def steps_pack(pack_id: str, steps: str):
        return PackLibrary(get_plugins()).load(str(make_pack({"pack.yaml": f"""\
id: {pack_id}
name: Stappen
version: 1.0.0
language: nl-BE
roles: [{{id: employee, name: Medewerker, subject: true}}]
phases:
  conversation:
    steps: [{steps}]
"""}, name=pack_id)))

    first = steps_pack("drie", "{id: a, title: A}, {id: b, title: B}, {id: c, title: C}")
    other = steps_pack("twee", "{id: a, title: A}, {id: c, title: C}")
    plan = Plan("p1", first, "conversation.a", {"employee": "A"}, "2026-01-01")
    with caplog.at_level("WARNING", logger="transitions"):
        for lifecycle, expected in ((Lifecycle(first, get_plugins()), "conversation.b"),
                                    (Lifecycle(other, get_plugins()), "conversation.c")):
            plan.state = "conversation.a"
            with lifecycle.attached(plan):
                assert plan.trigger("next")
            assert plan.state == expected
            assert not hasattr(plan, "trigger")      # nothing of that machine left on it
    assert not caplog.records                         # no "Skip binding" per state and move


def test_blocked_move_lists_every_reason(pack, pop_env):
    store = open_store(pop_env)
    session = Session.start(pack, store, get_plugins(), {"employee": "A"}, "2026-01-01")
    session.next()
    session.answer("wil_gesprek", True)
    session.next()
    session.answer("wens", "x")
    session.answer("niveau", 1)
    with pytest.raises(Blocked) as blocked:
        session.next()
    assert [f.rule for f in blocked.value.needs_override] == ["lage_tevredenheid"]
    session.override("lage_tevredenheid", "Besproken")
    session.next()
    session.answer("acties", [{"soort": "generiek", "wat": "Iets"}])
    with pytest.raises(Blocked) as blocked:
        session.next()
    reasons = blocked.value
    assert reasons.missing == ["akkoord"]
    assert {f.rule for f in reasons.errors} == {"technische_actie", "smart", "akkoord_nodig"}
    assert reasons.exit_code == 3
    assert session.plan.state == "conversation.planning"


def test_plugin_veto_and_observer(pack, pop_env):
    from engine import hookimpl
    from engine.plugins import build_plugins

    seen = []

    class Guard:
        @hookimpl
        def pop_before_transition(self, plan, source, dest):
            return "eerst de teamleider" if dest.startswith("conversation") else None

        @hookimpl
        def pop_after_transition(self, plan, source, dest):
            seen.append((source, dest))

    plugins = build_plugins(load_entry_points=False)
    plugins.manager.register(Guard(), name="guard")
    session = Session.start(pack, open_store(pop_env), plugins, {"employee": "A"}, "2026-01-01")
    with pytest.raises(Blocked) as blocked:
        session.next()
    assert blocked.value.vetoes == ["guard: eerst de teamleider"]
    plugins.manager.unregister(name="guard")
    plugins.manager.register(type("Watch", (), {"pop_after_transition":
                                                Guard.pop_after_transition})(), name="watch")
    session.next()
    assert seen == [("preparation.voorbereiding", "conversation.intro")]


@pytest.mark.sqlite_only
def test_store_file_is_private_and_versioned(pack, pop_env):
    import sqlite3
    import stat

    store = open_store(pop_env)
    session = Session.start(pack, store, get_plugins(), {"employee": "A"}, "2026-01-01")
    session.answer("sterk", "Stapelen")
    path = pop_env / "pop.sqlite3"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(pop_env.stat().st_mode) == 0o700
    other = sqlite3.connect(path)                    # committed: another reader sees it
    assert other.execute("SELECT value FROM answers").fetchall() == [('"Stapelen"',)]
    assert other.execute("PRAGMA user_version").fetchone()[0] == store.schema_version >= 1
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        other.execute("UPDATE events SET actor='x'")


@pytest.mark.sqlite_only  # counts the SQLite file's transactions through its trace hook
def test_one_commit_per_interactive_answer(pack, pop_env):
    """The interview's cursor goes with the answer: one transaction, so one fsync, per answer
    (synchronous=FULL stays)."""
    store = open_store(pop_env)
    session = Session.start(pack, store, get_plugins(), {"employee": "A"}, "2026-01-01")

    def commits(now: bool, value: str) -> int:
        statements: list[str] = []
        store.db.set_trace_callback(statements.append)
        session.set_cursor("sterk", now=now)
        session.answer("sterk", value)
        store.db.set_trace_callback(None)
        count, inside = 0, False
        for sql in statements:
            word = sql.split()[0].upper()
            if word == "BEGIN":
                inside = True
            elif word == "COMMIT":
                inside, count = False, count + 1
            elif word in ("UPDATE", "INSERT", "DELETE") and not inside:
                count += 1  # a statement of its own is a transaction (and an fsync) of its own
        return count

    assert commits(now=True, value="Eerst") == 2  # the cursor on its own, then the answer
    session.set_cursor(None)
    assert commits(now=False, value="Stapelen") == 1
    assert store.db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    # kept with the answer: answered, the question needs no cursor (a resume starts at the
    # first question not yet asked)
    assert store.load_plan(session.plan.id).cursor is None
