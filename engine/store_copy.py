"""Moving a whole store to another (SQLite to the organisation's PostgreSQL, or back).

Rows move table by table with their own numbers, in one transaction on the target, and the copy
is checked inside that transaction before it commits: the same number of rows in every table,
and the same digest for every plan (the plan as pop reads it, and its event log) and for the
register. A copy that differs is rolled back: the target is left as it was, empty.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from .errors import PopError, UsageError
from .hashing import sha256_hex
from .i18n import _
from .sqlstore import COPY_TABLES, SQLStore

#: ``progress(step, done, total)``: a table being copied, or "verify".
Progress = Callable[[str, int, int], None]
BATCH = 500


def copy_store(source: SQLStore, target: SQLStore, progress: Progress | None = None) -> dict:
    """Copy every row of ``source`` into the empty ``target``; what was copied, per table."""
    report = progress or (lambda step, done, total: None)
    if source.where == target.where:
        raise UsageError(_("the source and the target are the same store ({where})").format(
            where=source.where))
    held = {table: n for table, n in target.counts().items() if n}
    if held:
        raise UsageError(_("the target {where} is not empty ({rows}); pop store copy only "
                           "fills an empty store").format(
            where=target.where, rows=", ".join(f"{t}: {n}" for t, n in held.items())))
    counts = source.counts()
    with target.transaction():
        for table, columns in COPY_TABLES.items():
            sql = (f"INSERT INTO {table} ({', '.join(columns)}) "
                   f"VALUES ({', '.join('?' * len(columns))})")
            rows = source.rows(table, columns)
            done = 0
            report(table, done, counts[table])
            while batch := rows.fetchmany(BATCH):
                target.db.executemany(sql, [tuple(row) for row in batch])
                done += len(batch)
                report(table, done, counts[table])
        leaders = source.db.execute(
            "SELECT leader_id, id FROM people WHERE leader_id IS NOT NULL").fetchall()
        target.db.executemany("UPDATE people SET leader_id=? WHERE id=?",
                              [tuple(row) for row in leaders])
        target.restart_sequences()
        _verify(source, target, report)
    return {"source": source.where, "target": target.where, "counts": counts}


def _verify(source: SQLStore, target: SQLStore, report: Progress) -> None:
    """Refuse (and so roll back) a copy that does not read back as the source does."""
    if target.counts() != source.counts():
        raise PopError(_("the copy does not hold the same number of rows as the source: "
                         "{source} against {target}; nothing was copied").format(
            source=source.counts(), target=target.counts()))
    wanted = _digests(source, report)
    got = _digests(target, report)
    differ = sorted(k for k in wanted.keys() | got.keys() if wanted.get(k) != got.get(k))
    if differ:
        raise PopError(_("the copy of {items} reads back differently from the source; nothing "
                         "was copied").format(items=", ".join(differ[:5])))


def _digests(store: SQLStore, report: Progress) -> dict[str, str]:
    people = json.dumps(store.list_people(), sort_keys=True, default=str)
    digests = {"people": sha256_hex(people.encode("utf-8"))}
    plans = store.plan_digests(lambda done, total: report("verify", done, total))
    return {**digests, **plans}
