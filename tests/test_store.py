"""The store on both kinds: the SQLite file and an organisation's PostgreSQL database.

Every test taking ``store_url`` runs twice, once per store; the PostgreSQL half needs
``POP_TEST_POSTGRES`` (see conftest) and skips, saying so, without it. Tests about PostgreSQL
only (what a server refuses, a copy onto it) take ``postgres_url``.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import socket
import struct
import subprocess
import threading
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import pytest
from helpers import VDAB, VTOC, ok, ok_json, pop_command, pop_process, rows_mentioning, stored_rows

from engine.store import SCHEMA_VERSION


def a_signed_plan_with_checkins(env: dict | None = None) -> str:
    plan_id = ok_json("run", "--answers", str(VDAB), env=env)["plan"]["id"]
    ok("sign", plan_id, "--role", "employee", env=env)
    ok("sign", plan_id, "--role", "manager", env=env)
    ok("checkin", plan_id, "--status", "1=bezig", "--set", "uitgeprobeerd=Ja", "--date",
       "2026-04-20", env=env)
    return plan_id


def refused(code: int, *args: str, env: dict | None = None) -> str:
    """The one line a refused command prints (and that it is one line, no traceback)."""
    result = pop_process(*args, env=env)
    assert result.returncode == code, (args, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


# --- the same semantics in both -------------------------------------------------------------
def test_init_info_and_migrate(store_url):
    assert "Store ready" in ok("store", "init")
    assert "up to date" in ok("store", "init")            # again: nothing to do, not an error
    about = ok_json("store", "info")
    assert about["schema"] == about["schema_of_this_pop"] == SCHEMA_VERSION == 9
    assert set(about["counts"].values()) == {0}
    assert about["store"] == store_url.split(":")[0]
    plan_id = a_signed_plan_with_checkins()
    counts = ok_json("store", "info")["counts"]
    assert counts["plans"] == 1 and counts["signatures"] == 2 and counts["checkins"] == 1
    assert counts["events"] == len(ok_json("log", plan_id))
    assert "up to date" in ok("store", "migrate")
    assert ok_json("list")[0]["id"] == plan_id


def test_a_store_not_as_its_schema_says_is_refused_in_one_line(store_url):
    """A migration the database refuses (here: schema 9's table already there, in another
    shape) is a message naming the store, on either database, not a traceback."""
    from helpers import as_of_schema

    from engine.store import open_store

    ok("store", "init")
    store = open_store()
    with store.transaction():
        as_of_schema(store, 8)
        store.db.execute("CREATE TABLE plan_actors (other TEXT)")
    store.close()
    result = pop_process("store", "migrate")
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith("pop: cannot use the plan store ")
    assert "plan_actors" in result.stderr and len(result.stderr.splitlines()) == 1


def test_the_event_log_is_append_only(store_url):
    from engine.store import open_store

    ok("store", "init")
    plan_id = ok_json("run", "--answers", str(VDAB))["plan"]["id"]
    store = open_store()
    try:
        for change in ("UPDATE events SET actor='x'", "DELETE FROM events"):
            with pytest.raises(Exception, match="append-only"), store.transaction():
                store.db.execute(change)
    finally:
        store.close()
    assert [e["actor"] for e in ok_json("log", plan_id)].count("x") == 0


def test_a_write_from_a_stale_copy_of_the_plan_is_refused(store_url):
    from engine.store import StaleWrite, open_store

    ok("store", "init")
    plan_id = ok_json("run", "--answers", str(VDAB))["plan"]["id"]
    store = open_store()
    try:
        mine, theirs = store.load_plan(plan_id), store.load_plan(plan_id)
        store.record_answer(theirs, "uitgeprobeerd", "Eerst", "Els")
        with pytest.raises(StaleWrite):
            store.record_answer(mine, "uitgeprobeerd", "Later", "Jan")
        assert store.load_plan(plan_id).answers["uitgeprobeerd"] == "Eerst"
    finally:
        store.close()


def test_a_new_plan_never_takes_an_id_in_use(store_url):
    """Plan ids are 40 random bits: among a million plans two draws meet (the benchmark's
    fill met one at 205 000). The store draws again rather than fail or mix two plans."""
    from engine.store import open_store

    ok("store", "init")
    first = ok_json("run", "--answers", str(VDAB))["plan"]["id"]
    store = open_store()
    try:
        twin = store.load_plan(first)  # a new plan that drew the same id
        twin.answers = {"uitgeprobeerd": "Van de tweeling"}
        store.create_plan(twin, "Els")
        assert twin.id != first
        assert store.load_plan(twin.id).answers == {"uitgeprobeerd": "Van de tweeling"}
        assert store.load_plan(first).answers.get("uitgeprobeerd") != "Van de tweeling"
    finally:
        store.close()
    assert {row["id"] for row in ok_json("list", "--json")} == {first, twin.id}


def test_an_upgrade_is_kept_and_logged(store_url, tmp_path):
    import shutil

    from helpers import ROOT

    ok("store", "init")
    plan_id = ok_json("run", "--answers", str(VDAB))["plan"]["id"]
    folder = tmp_path / "vdab"
    shutil.copytree(ROOT / "packs" / "vdab", folder)
    pack = folder / "pack.yaml"
    pack.write_text(re.sub(r"(?m)^version: .*$", "version: 9.9.1",
                           pack.read_text(encoding="utf-8"), count=1), encoding="utf-8")
    moved = ok_json("upgrade", plan_id, "--pack", str(folder), "--yes", "--json")
    assert moved["upgraded"] is True and moved["to"] == "9.9.1"
    assert ok_json("show", plan_id, "--json")["pack_version"] == "9.9.1"
    assert any(e["kind"] == "upgraded" for e in ok_json("log", plan_id, "--json"))


def test_forget_leaves_no_row_of_the_person(store_url):
    ok("store", "init")
    first = a_signed_plan_with_checkins()
    other = ok_json("run", "--answers", str(VTOC))["plan"]["id"]
    redacted = ok_json("forget", "Els Vandamme", "--yes")        # his begeleider: redacted
    assert redacted["plans"] == [] and redacted["redacted"] == [first]
    assert rows_mentioning(["Vandamme"]) == []
    assert ok_json("show", first)["people"]["manager"] == "[gewist]"
    erased = ok_json("forget", "Dries Verbeeck", "--yes")
    assert erased["plans"] == [first] and erased["complete"] is True
    assert rows_mentioning(["Dries", "Verbeeck", first]) == []
    assert ok_json("show", other)["person"] == "Sofie Claes"
    assert "erasing" in stored_rows() and stored_rows()["erasing"] == []


def test_list_json_made_by_the_database_reads_as_the_rows_do(store_url, tmp_path):
    """``list --json`` has the database write each row's JSON: a name with quotes, a
    backslash, an apostrophe and accents comes back as typed, every field as ``list_plans``
    gives."""
    from engine.store import open_store

    ok("store", "init")
    name = 'Zoë "Zo" \\ d\'Hondt – jr.'
    answers = tmp_path / "answers.yaml"
    answers.write_text(VDAB.read_text(encoding="utf-8").replace(
        "employee: Dries Verbeeck", f"employee: {json.dumps(name)}"), encoding="utf-8")
    plan_id = ok_json("run", "--answers", str(answers))["plan"]["id"]
    ok("run", "--answers", str(VDAB))
    listed = json.loads(ok("list", "--all", "--json"))
    store = open_store()
    try:
        assert listed == store.list_plans()
        assert [list(row) for row in listed] == [list(row) for row in store.list_plans()]
    finally:
        store.close()
    (mine,) = [row for row in listed if row["id"] == plan_id]
    assert mine["person"] == name and mine["version"] >= 0 and mine["previous"] is None
    assert mine["state_title"] == "Na: uitvoering · Uitvoering"
    assert json.loads(ok("list", "--json", "--person", name)) == [mine]


def test_the_store_option_is_the_same_as_pop_store(store_url, monkeypatch):
    monkeypatch.delenv("POP_STORE")
    ok("--store", store_url, "store", "init")
    plan_id = ok_json("--store", store_url, "run", "--answers", str(VDAB))["plan"]["id"]
    assert [p["id"] for p in ok_json("list", env={"POP_STORE": store_url})] == [plan_id]
    assert ok_json("list") == []                       # the default store is another one


# --- PostgreSQL: what a server may hold, and what it refuses -----------------------------------
def test_a_new_database_must_be_set_up_first(postgres_url):
    line = refused(2, "list", env={"POP_STORE": postgres_url})
    assert "holds no pop store yet: run pop store init" in line
    assert "no pop store yet" in refused(2, "store", "migrate",
                                         env={"POP_STORE": postgres_url})
    assert stored_rows_at(postgres_url) == {}


def test_parallel_inits_make_one_schema(postgres_url):
    env = {**os.environ, "POP_STORE": postgres_url, "POP_LANG": "en"}
    running = [subprocess.Popen([*pop_command(), "store", "init"], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=env)
               for _ in range(8)]
    results = [(p.wait(timeout=60), p.stdout.read(), p.stderr.read()) for p in running]
    assert [code for code, _o, _e in results] == [0] * 8, results
    assert sum("Store ready" in out for _c, out, _e in results) == 1
    assert stored_rows_at(postgres_url)["pop_schema"] == [(SCHEMA_VERSION,)]


def test_a_database_of_another_program_is_refused_and_left_alone(postgres_url):
    import psycopg

    with psycopg.connect(postgres_url, autocommit=True) as db:
        db.execute("CREATE TABLE invoices (id int, amount numeric)")
        db.execute("INSERT INTO invoices VALUES (1, 9.5)")
    for command in (["store", "init"], ["list"], ["run", "--answers", str(VDAB)]):
        line = refused(2, *command, env={"POP_STORE": postgres_url})
        assert "holds tables of another program (invoices)" in line
    assert stored_rows_at(postgres_url) == {"invoices": [(1, Decimal("9.5"))]}


def test_a_schema_newer_than_this_pop_is_refused(postgres_url):
    import psycopg

    ok("store", "init", env={"POP_STORE": postgres_url})
    with psycopg.connect(postgres_url, autocommit=True) as db:
        db.execute("UPDATE pop_schema SET version = 99")
    before = stored_rows_at(postgres_url)
    for command in (["list"], ["store", "init"], ["store", "migrate"], ["store", "info"]):
        line = refused(2, *command, env={"POP_STORE": postgres_url})
        assert "was made by a newer pop (schema 99); upgrade pop" in line
    assert stored_rows_at(postgres_url) == before


def test_an_unreachable_server_or_unknown_names_are_one_line(postgres_url, postgres_database):
    with socket.socket() as probe:                         # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base = postgres_database.rsplit("/", 1)[0]
    cases = {
        f"postgresql://pop@127.0.0.1:{port}/pop": "Connection refused",
        base.replace("://postgres@", "://nobody_here@") + "/postgres":
            'role "nobody_here" does not exist',
        base + "/no_such_database_here": 'database "no_such_database_here" does not exist',
    }
    for url, reason in cases.items():
        line = refused(2, "list", env={"POP_STORE": url})
        assert line.startswith("pop: cannot connect to the plan store") and reason in line
    line = refused(2, "list", env={"POP_STORE": "mysql://pop:secret@127.0.0.1/pop"})
    assert "is not a store URL" in line and "secret" not in line


def test_a_wrong_password_is_one_line_without_the_password():
    with fake_server_refusing_passwords() as port:
        url = f"postgresql://hr:Geheim123@127.0.0.1:{port}/pop?sslmode=disable"
        line = refused(2, "store", "info", env={"POP_STORE": url})
    assert 'password authentication failed for user "hr"' in line
    assert "Geheim123" not in line and "hr:***@" in line


def table_files_holding(url: str, needle: bytes) -> list[str]:
    """The files of the store's tables (and their TOAST) on the server that hold ``needle``."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as db:
        db.execute("CHECKPOINT")
        folder = db.execute("SELECT current_setting('data_directory')").fetchone()[0]
        files = [r[0] for r in db.execute(
            "SELECT pg_relation_filepath(c.oid) FROM pg_class c JOIN pg_namespace n "
            "ON n.oid = c.relnamespace WHERE n.nspname = current_schema() "
            "OR c.oid IN (SELECT reltoastrelid FROM pg_class k JOIN pg_namespace m "
            "ON m.oid = k.relnamespace WHERE m.nspname = current_schema())")]
    try:
        raw = {f: Path(folder, f).read_bytes() for f in files if f}
    except PermissionError:
        pytest.skip("the server's data folder is not readable here")
    assert raw
    return [f for f, data in raw.items() if needle in data]


def test_forget_on_postgresql_leaves_no_byte_in_the_table_files(postgres_url):
    """VACUUM FULL rewrote the tables: the erased rows are not in the server's files either."""
    env = {"POP_STORE": postgres_url}
    ok("store", "init", env=env)
    a_signed_plan_with_checkins(env)
    ok("forget", "Dries Verbeeck", "--yes", env=env)
    assert not table_files_holding(postgres_url, b"Verbeeck")


def test_forget_is_not_finished_while_an_older_transaction_could_see_the_rows(postgres_url):
    """A transaction that began before the erase (a report, a backup, another program on the
    same server) keeps VACUUM from dropping the rows it might still see: forget says it is not
    finished, and ``--finish`` finishes once that transaction has ended."""
    import psycopg

    env = {"POP_STORE": postgres_url}
    ok("store", "init", env=env)
    a_signed_plan_with_checkins(env)
    with psycopg.connect(postgres_url) as reader:
        reader.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        assert reader.execute("SELECT count(*) FROM people").fetchone()[0] >= 1  # a snapshot
        result = pop_process("forget", "Dries Verbeeck", "--yes", env=env)
        assert result.returncode == 4, result.stderr
        assert "a transaction that began earlier is still open" in result.stderr
        assert "pop forget --finish" in result.stderr
        reader.rollback()
    assert "Nothing of it remains" in ok("forget", "--finish", env=env)
    assert not table_files_holding(postgres_url, b"Verbeeck")


def as_role(url: str, role: str) -> str:
    """``url`` (a test database with its search path) for ``role`` instead of its user."""
    return re.sub(r"//[^@/]*@", f"//{role}@", url, count=1)


@contextmanager
def a_role(url: str, *grants: str):
    """A login role of its own (no superuser) for the test, with ``grants`` run for it
    (``{role}``: its name; ``{schema}``: the store's schema); dropped after."""
    import psycopg

    role = f"poprole_{os.getpid()}_{next(_roles)}"
    schema = re.search(r"search_path%3D(\w+)", url).group(1)
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f"CREATE ROLE {role} LOGIN")
        for grant in grants:
            admin.execute(grant.format(role=role, schema=schema))
        try:
            yield role
        finally:
            admin.execute(f"REASSIGN OWNED BY {role} TO current_user")
            admin.execute(f"DROP OWNED BY {role}")
            admin.execute(f"DROP ROLE {role}")


_roles = itertools.count()


def test_forget_as_a_role_that_is_no_superuser_still_sees_an_older_transaction(postgres_url):
    """Other users' sessions show a non-superuser their transaction ids, not when they began:
    the check goes by those ids, so an open snapshot of another user still stops forget."""
    import psycopg

    with a_role(postgres_url, "ALTER SCHEMA {schema} OWNER TO {role}") as role:
        env = {"POP_STORE": as_role(postgres_url, role)}
        ok("store", "init", env=env)
        a_signed_plan_with_checkins(env)
        with psycopg.connect(postgres_url) as reader:  # the superuser, in the same database
            reader.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            assert reader.execute("SELECT count(*) FROM people").fetchone()[0] >= 1
            result = pop_process("forget", "Dries Verbeeck", "--yes", "--json", env=env)
            assert result.returncode == 4, result.stderr
            assert json.loads(result.stdout)["older_transactions"] >= 1
            reader.rollback()
        assert "Nothing of it remains" in ok("forget", "--finish", env=env)
        assert not table_files_holding(postgres_url, b"Verbeeck")


def test_forget_as_a_role_that_may_not_rewrite_the_tables_is_not_finished(postgres_url):
    """VACUUM skips a table its role does not own, with only a warning: forget says so and
    who can finish it, instead of reporting the files clean."""
    ok("store", "init", env={"POP_STORE": postgres_url})
    a_signed_plan_with_checkins({"POP_STORE": postgres_url})
    with a_role(postgres_url, "GRANT USAGE ON SCHEMA {schema} TO {role}",
                "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}",
                "GRANT USAGE ON ALL SEQUENCES IN SCHEMA {schema} TO {role}") as role:
        env = {"POP_STORE": as_role(postgres_url, role)}
        result = pop_process("forget", "Dries Verbeeck", "--yes", env=env)
        assert result.returncode == 4, result.stderr
        assert "only the owner of the tables" in result.stderr
        assert "people" in result.stderr and "pop forget --finish" in result.stderr
        assert table_files_holding(postgres_url, b"Verbeeck")  # not rewritten: still there
    assert "Nothing of it remains" in ok("forget", "--finish", env={"POP_STORE": postgres_url})
    assert not table_files_holding(postgres_url, b"Verbeeck")


def test_a_long_list_read_slowly_holds_no_transaction_open(postgres_url, monkeypatch):
    """A reader paused in the middle of ``pop list --all --json`` (``| less``) keeps no
    snapshot on the server: forget finishes meanwhile, and nothing times out."""
    from engine.store import open_store

    monkeypatch.setenv("POP_STORE", postgres_url)
    ok("store", "init")
    a_signed_plan_with_checkins()
    ok("run", "--answers", str(VTOC))
    store = open_store()
    try:
        rows = store.plans_as_json()
        first = json.loads(next(rows))
        assert not store.db.in_transaction
        assert "Nothing of it remains" in ok("forget", "--finish")
        rest = [json.loads(row) for row in rows]
        assert len([first, *rest]) == 2 and all(plan["id"] for plan in rest)
    finally:
        store.close()


# --- moving a store ----------------------------------------------------------------------------
def test_copy_from_sqlite_to_postgresql_and_back_reads_the_same(postgres_url, tmp_path):
    sqlite = {"POP_STORE": f"sqlite://{tmp_path}/laptop/pop.sqlite3"}
    first = a_signed_plan_with_checkins(sqlite)
    second = ok_json("run", "--answers", str(VTOC), env=sqlite)["plan"]["id"]
    ok("people", "edit", "Dries Verbeeck", "--leader", "Els Vandamme", "--team", "Atelier",
       env=sqlite)
    progress = pop_process("store", "copy", sqlite["POP_STORE"], postgres_url)
    assert progress.returncode == 0, progress.stderr
    assert "and checked" in progress.stdout and "events:" in progress.stderr
    server = {"POP_STORE": postgres_url}
    back = {"POP_STORE": f"sqlite://{tmp_path}/back/pop.sqlite3"}
    copied = ok_json("store", "copy", postgres_url, back["POP_STORE"])
    assert copied["counts"] == ok_json("store", "info", env=sqlite)["counts"]
    for plan_id in (first, second):
        for view in (["export", plan_id, "--format", "json"], ["log", plan_id, "--json"],
                     ["show", plan_id, "--json"]):
            at_laptop = ok(*view, env=sqlite)
            assert ok(*view, env=server) == at_laptop == ok(*view, env=back), view
    assert ok("verify", first, env=server) == ok("verify", first, env=sqlite)
    assert ok_json("people", "list", env=server) == ok_json("people", "list", env=sqlite)
    # new rows on the server are numbered after the copied ones
    ok("checkin", first, "--status", "1=gedaan", "--date", "2026-05-20", env=server)
    log = ok_json("log", first, env=server)
    assert [e["seq"] for e in log] == sorted(e["seq"] for e in log)
    assert log[-1]["kind"] == "checkin"


def test_copy_refuses_a_target_that_holds_plans(postgres_url, tmp_path):
    sqlite = {"POP_STORE": f"sqlite://{tmp_path}/laptop/pop.sqlite3"}
    a_signed_plan_with_checkins(sqlite)
    ok("store", "copy", sqlite["POP_STORE"], postgres_url)
    before = stored_rows_at(postgres_url)
    line = refused(2, "store", "copy", sqlite["POP_STORE"], postgres_url)
    assert "is not empty (snapshots: 1, people: 2, plans: 1" in line
    assert stored_rows_at(postgres_url) == before
    assert "same store" in refused(2, "store", "copy", postgres_url, postgres_url)
    missing = tmp_path / "nowhere" / "pop.sqlite3"
    assert "no store at" in refused(2, "store", "copy", f"sqlite://{missing}", postgres_url)
    assert not missing.parent.exists()


# --- helpers ---------------------------------------------------------------------------------
def test_a_store_of_schema_3_is_migrated_only_when_asked_and_keeps_its_plans(postgres_url):
    """An organisation's database made by the pop before digests were kept (schema 3)."""
    import psycopg

    from engine.postgres_store import SCHEMA_3

    with psycopg.connect(postgres_url, autocommit=True) as db:
        db.execute(SCHEMA_3)
        db.execute("INSERT INTO pop_schema VALUES (3)")
    line = refused(2, "list", env={"POP_STORE": postgres_url})
    assert f"has schema 3, this pop needs {SCHEMA_VERSION}: run pop store migrate" in line
    ok("store", "migrate", env={"POP_STORE": postgres_url})
    assert ok_json("store", "info", env={"POP_STORE": postgres_url})["schema"] == SCHEMA_VERSION
    env = {"POP_STORE": postgres_url}
    plan = ok_json("run", "--answers", str(VDAB), env=env)["plan"]["id"]
    ok("sign", plan, "--role", "employee", env=env)
    ok("sign", plan, "--role", "manager", env=env)
    assert ok_json("show", plan, env=env)["agreement"]["agreed"] is True


def stored_rows_at(url: str) -> dict[str, list[tuple]]:
    """Every row of every table in the schema a PostgreSQL URL names (pop or not)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as db:
        tables = [r[0] for r in db.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema() ORDER BY 1")]
        return {t: db.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in tables}


class fake_server_refusing_passwords:
    """A loopback server speaking just enough of PostgreSQL's protocol to ask for a password
    and refuse it, as a server with password authentication does (the test server trusts)."""

    def __enter__(self) -> int:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()
        return self.listener.getsockname()[1]

    def __exit__(self, *exc) -> None:
        self.listener.close()

    def _serve(self) -> None:
        try:
            while True:
                client, _address = self.listener.accept()
                with client:
                    self._refuse(client)
        except OSError:
            return

    @staticmethod
    def _refuse(client: socket.socket) -> None:
        def read(n: int) -> bytes:
            data = b""
            while len(data) < n:
                chunk = client.recv(n - len(data))
                if not chunk:
                    raise OSError("closed")
                data += chunk
            return data

        while True:                                        # SSL or GSS requests: no
            length, code = struct.unpack("!ii", read(8))
            read(length - 8)
            if code in (80877103, 80877104):
                client.sendall(b"N")
                continue
            break
        client.sendall(b"R" + struct.pack("!ii", 8, 3))    # cleartext password, please
        _kind, length = struct.unpack("!ci", read(5))
        read(length - 4)
        fields = (b"SFATAL\0VFATAL\0C28P01\0"
                  b'Mpassword authentication failed for user "hr"\0\0')
        client.sendall(b"E" + struct.pack("!i", len(fields) + 4) + fields)
