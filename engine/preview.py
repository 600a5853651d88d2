"""A plan that lives only in memory: an answers file as a document would print it, for pack
authors (``pop preview``) and for ``pop packs validate``. Nothing is stored.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import date as Date
from pathlib import Path

from .errors import Problem, ProblemsError
from .i18n import _
from .pack import CLOSED, Pack
from .plan import Plan, phase_of
from .plugins import Plugins

AGENDA_PHASES = ("preparation", "conversation")


def plan_from_answers(pack: Pack, plugins: Plugins, path: Path
                      ) -> tuple[Plan | None, list[Problem]]:
    """The plan ``path`` would make, in the state after the conversation, unsigned; or the
    problems of the file (its rules are not applied: a preview shows what is there)."""
    from .answers import parse_answers_file, read_answers_file
    from .lifecycle import lifecycle_for

    try:
        data, positions = read_answers_file(path)
    except ProblemsError as exc:
        return None, exc.problems
    people, answers, date, overrides, problems = parse_answers_file(path, data, positions, pack)
    if problems:
        return None, problems
    after = next((s for s in lifecycle_for(pack, plugins).sequence
                  if phase_of(s) not in AGENDA_PHASES), CLOSED)
    plan = Plan("voorbeeld", pack, after, people, date or Date.today().isoformat(), answers,
                overrides={rule: {"reason": reason} for rule, reason in overrides.items()})
    return plan, []


def pack_files(folder: Path, extra: tuple[Path, ...] = ()) -> Iterator[Path]:
    """The files a preview depends on: the pack folder's, and ``extra``."""
    yield from extra
    for root, _dirs, files in os.walk(folder):
        for name in files:
            yield Path(root) / name


def _stamp(paths: list[Path]) -> tuple:
    out = []
    for path in paths:
        try:
            stat = path.stat()
        except OSError:
            out.append((str(path), None))
            continue
        out.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(out)


def watch(files: Callable[[], list[Path]], render: Callable[[], None],
          sleep: Callable[[float], None], interval: float = 0.3) -> None:
    """Call ``render`` now and again each time one of ``files()`` changes, until Ctrl-C."""
    last = _stamp(files())
    render()
    while True:
        sleep(interval)
        now = _stamp(files())
        if now != last:
            last = now
            render()


def rule_problems(plan: Plan, plugins: Plugins) -> list[str]:
    """What would stop ``pop run --answers`` with the plan's answers, one line each."""
    from .session import dry_run

    overrides = {rule: item["reason"] for rule, item in plan.overrides.items()}
    lines = []
    for blocked in dry_run(plan.pack, plugins, plan.answers, overrides, AGENDA_PHASES,
                           date=plan.date):
        lines += [_("required question not answered: {text}").format(
            text=plan.pack.text(plan.pack.questions[qid].question.get("text")))
            for qid in blocked.missing]
        lines += [f"[{f.rule}] {f.message}" for f in [*blocked.errors, *blocked.needs_override]]
    return list(dict.fromkeys(lines))


def preview_note(plan: Plan) -> str:
    return _("Preview of a plan for {person} ({pack} {version}); nothing was stored.").format(
        person=plan.person or "-", pack=plan.pack.id, version=plan.pack.version)
