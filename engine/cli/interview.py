"""The guided session in a terminal: show where the conversation stands, ask, re-ask, move on.

All decisions (what applies, what blocks, what is stored) are the session's; this module only
talks to the person. Every answer is committed by the session as soon as it is given.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from engine.answers import InvalidAnswer, coerce
from engine.dates import format_date
from engine.i18n import _, current_language, ngettext
from engine.lifecycle import Blocked
from engine.rules import Finding
from engine.session import PlanChanged, Session
from engine.text import has_surrogates, shorten

BACK, PAUSE, CLEAR = "<", "!", "-"


class Paused(Exception):
    """The person asked to stop for now (everything is already stored)."""


def hint_without_terminal() -> None:
    """When input ran out because there is no terminal, say what scripts do instead."""
    if not sys.stdin.isatty():
        click.echo(_("(There is no terminal to ask in; scripts give the answers with "
                     "--answers FILE.)"), err=True)


def guarded(action: Any, resume: str) -> bool:
    """Run part of an interview; on ``!`` or Ctrl-C say how to go on. False when paused.

    Ctrl-C (or a closed input) ends the process with 130; everything answered is stored.
    """
    try:
        action()
        return True
    except Paused:
        click.echo(_("Paused. Everything is saved; continue with: {command}").format(
            command=resume))
        return False
    except (click.Abort, KeyboardInterrupt):
        click.echo("\n" + _("Interrupted. Everything answered is saved; continue with: "
                            "{command}").format(command=resume), err=True)
        hint_without_terminal()
        sys.exit(130)


class _Back(Exception):
    pass


def legend() -> str:
    return _("Type ? for help, < to go back, - to clear or skip an optional question, "
             "! to pause. Enter keeps the answer shown in [brackets].")


def ask(text: str, default: str = "") -> str:
    """One line from the person; ``?``, ``<`` and ``!`` are commands, not answers."""
    suffix = f" [{default}]" if default else ""
    ends_in_mark = text.rstrip().endswith(("?", ":", "!"))  # no "?:" after a question
    while True:
        try:
            line = click.prompt(text + suffix, default="", show_default=False,
                                prompt_suffix=" " if ends_in_mark and not default else ": ")
        except UnicodeDecodeError:  # a terminal set to Latin-1, or pasted bytes
            line = None
        if line is not None and not has_surrogates(line):
            return line
        click.echo(_("That was not valid UTF-8 text (is the terminal set to another "
                     "character set?); type it again."), err=True)


class Interview:
    def __init__(self, session: Session, previous: Any = None):
        self.session = session
        self.pack = session.pack
        self.previous = previous
        self.revisit: set[str] = set()
        self.lang = current_language()
        #: someone else moved the plan out of this interview's phases meanwhile
        self.overtaken = False

    def t(self, value: Any) -> str:
        return self.pack.text(value, self.lang)

    # --- the whole agenda ----------------------------------------------------------------------
    def run(self, hold_at_end: bool = False) -> None:
        """Ask the steps of the session's agenda phases, moving on as the rules allow.

        ``hold_at_end``: stay at the last step (e.g. the evaluation, closed by ``pop close``)
        once its questions are complete instead of moving out of the agenda.
        """
        click.echo(legend())
        self.shown_step: str | None = None
        while self.session.in_agenda:
            try:
                if self.run_step(hold_at_end):
                    return
            except PlanChanged as changed:
                self.tell_changed(changed)

    def run_step(self, hold_at_end: bool) -> bool:
        """Ask the current step and move on; True when the agenda is done (``hold_at_end``)."""
        if self.session.skipped():  # its condition does not hold: not shown, not asked
            if hold_at_end and self.session.at_agenda_end():
                return True
            try:
                self.session.next()
            except Blocked as blocked:
                self.resolve(blocked)
            return False
        if self.shown_step != self.session.plan.state:
            self.show_step()
            self.shown_step = self.session.plan.state
        try:
            self.ask_step()
        except _Back:
            if self.session.can_go_back():
                self.session.back()
                questions = self.session.questions()
                if questions:
                    self.revisit.add(questions[-1]["id"])
                    self.session.set_cursor(questions[-1]["id"])
            else:
                click.echo(_("This is the first step of this phase."))
            return False
        if hold_at_end and self.session.at_agenda_end():
            blocked = self.session.lifecycle.check_step(self.session.plan,
                                                        self.session.plan.state)
            if blocked is None:
                return True
            self.resolve(blocked)
            return False
        try:
            self.session.next()
        except Blocked as blocked:
            self.resolve(blocked)
        self.tell_news()
        return False

    def tell_changed(self, changed: PlanChanged) -> None:
        """Someone else changed the plan under us: say so in one line, then go on from where
        it now stands (the answer just typed was not written; it is asked again)."""
        click.secho(f"↻ {changed}", fg="yellow", bold=True)
        if not self.session.in_agenda:
            self.overtaken = True
        elif self.session.plan.state != self.shown_step:
            self.shown_step = None
        cursor = self.session.plan.cursor
        if cursor:
            self.revisit.add(cursor)

    def tell_news(self) -> None:
        line = self.session.take_news()
        if line:
            click.secho(f"↻ {line}", fg="yellow")

    def prepare(self, role: str) -> int:
        """Ask one role its preparation questions, all steps, without moving the plan.

        For packs where each person prepares alone before the conversation (Van den Berg's
        aankondiging). Starts at the first question not asked before (``<`` goes back to the
        earlier ones); returns how many questions the role has.
        """
        pack = self.pack
        own = self.session.preparation(role)
        if not own:
            return 0
        click.echo(legend())
        todo = self.session.still_to_prepare(role)
        index = own.index(todo[0]) if todo else 0
        if not todo:
            click.echo(ngettext("The question was answered before; Enter keeps the answer.",
                                "All {n} questions were answered before; Enter keeps each "
                                "answer.", len(own)).format(n=len(own)))
        elif index:
            click.echo(_("Continuing at question {n} of {m}; < goes back to the earlier "
                         "ones.").format(n=index + 1, m=len(own)))
        shown = None
        while index < len(own):
            question = own[index]
            step = pack.questions[question["id"]].step
            if step["id"] != shown:
                shown = step["id"]
                click.echo("")
                click.secho(f"━━ {self.t(pack.phase('preparation').get('title'))} · "
                            f"{self.t(step['title'])} ━━", bold=True)
                guidance = step.get("guidance") or {}
                if guidance.get("text"):
                    click.echo(_("Guidance: {text}").format(text=self.t(guidance["text"])))
            try:
                value = self.ask_question(question)
            except _Back:
                index = max(index - 1, 0)
                continue
            try:
                self.session.answer(question["id"], value)
            except PlanChanged as changed:
                click.secho(f"↻ {changed}", fg="yellow", bold=True)
                if self.session.plan.phase != "preparation":
                    click.echo(_("The preparation is over; your last answer was not "
                                 "saved."))
                    return len(own)
                continue  # asked again, with what the other person answered
            self.tell_news()
            own = self.session.preparation(role)  # a later question may depend on this one
            index = next((i + 1 for i, q in enumerate(own) if q["id"] == question["id"]),
                         index + 1)
        return len(own)

    def show_step(self) -> None:
        plan, pack = self.session.plan, self.pack
        step = self.session.step()
        n, m = self.session.lifecycle.position(plan.state)
        phase_title = self.t(pack.phase(plan.phase).get("title")) or plan.phase
        click.echo("")
        click.secho(f"━━ {phase_title} · {self.t(step['title'])} "
                    + _("(step {n} of {m})").format(n=n, m=m) + " ━━", bold=True)
        guidance = step.get("guidance") or {}
        if guidance.get("text"):
            click.echo(_("Guidance: {text}").format(text=self.t(guidance["text"])))
        for key, label in (("tips", _("Tips")), ("pitfalls", _("Pitfalls")),
                           ("example_questions", _("Example questions"))):
            if guidance.get(key):
                click.echo(f"{label}:")
                for item in guidance[key]:
                    click.echo(f"  • {self.t(item)}")
        self.show_previous(step)
        self.show_hints(set())

    def show_previous(self, step: dict) -> None:
        """The terugblik: the previous plan's answers, its actions with their outcome."""
        if not step.get("previous") or self.previous is None:
            return
        from engine.followup import retrospective

        click.secho(_("From the previous plan ({id}):").format(id=self.previous.id), bold=True)
        for item in retrospective(self.previous, step["previous"]):
            ref = self.previous.pack.questions[item["question"]]
            click.echo(f"  {self.t(ref.question['text'])}")
            if "actions" not in item:
                click.echo(self.render_value(ref.question, item["value"], indent="    "))
                continue
            for action in item["actions"]:
                click.echo(self.render_value(ref.question, [action["values"]], indent="    ")
                           .replace("1. ", f"{action['row']}. ", 1))
                click.echo("       " + self.outcome(action))

    def outcome(self, action: dict) -> str:
        """``→ done (20 april 2026): note`` — an action's latest check-in status."""
        from engine.followup import status_label

        when = format_date(action["date"], self.lang) if action.get("date") else ""
        text = "→ " + status_label(action["status"]) + (f" ({when})" if when else "")
        return text + (f": {action['note']}" if action.get("note") else "")

    def show_hints(self, already: set[str]) -> set[str]:
        shown = set()
        for hint in self.session.hints():
            if hint.rule not in already:
                click.secho(_("Hint: {message}").format(message=hint.message), fg="cyan")
            shown.add(hint.rule)
        return shown

    # --- one step ------------------------------------------------------------------------------
    def ask_step(self) -> None:
        hints_shown = {h.rule for h in self.session.hints()}
        questions = self.session.questions()
        asked = self.session.asked()
        cursor = self.session.plan.cursor
        index = next((i for i, q in enumerate(questions) if q["id"] == cursor), 0)
        if cursor:
            self.revisit.add(cursor)
        while index < len(questions):
            question = questions[index]
            qid = question["id"]
            if qid in asked and qid not in self.revisit:
                index += 1
                continue
            self.session.set_cursor(qid, now=qid in asked)
            try:
                value = self.ask_question(question)
            except _Back:
                previous = [q for q in questions[:index]]
                if not previous:
                    raise
                self.revisit.add(previous[-1]["id"])
                index -= 1
                continue
            self.revisit.discard(qid)
            findings = self.session.answer(qid, value)
            self.tell_news()
            if not self.handle_findings(findings):
                self.revisit.add(qid)
                continue
            hints_shown |= self.show_hints(hints_shown)
            questions = self.session.questions()
            index = next((i + 1 for i, q in enumerate(questions) if q["id"] == qid), index + 1)

    def handle_findings(self, findings: list[Finding]) -> bool:
        """Show what the rules say; False when the answer must be given again."""
        errors = [f for f in findings if f.severity == "error"]
        for f in errors:
            click.secho(f"✗ {f.message}", fg="red")
        if errors:
            return False
        for f in findings:
            if f.severity == "warning" and f.rule not in self.session.plan.overrides:
                click.secho(_("Warning: {message}").format(message=f.message), fg="yellow")
                reason = ask(_("Reason to go on anyway (Enter: change the answer)"))
                self.command(reason)
                if not reason.strip():
                    return False
                self.session.override(f.rule, reason)
        return True

    def resolve(self, blocked: Blocked) -> None:
        """Leaving the step was refused: say why and ask again what is needed."""
        click.secho(_("Cannot go on yet:"), fg="red", bold=True)
        concerned = set(blocked.missing)
        for qid in blocked.missing:
            ref = self.pack.questions.get(qid)
            click.echo("  - " + _("required: {text}").format(
                text=self.t(ref.question["text"]) if ref else qid))
        rules = {r["id"]: r for r in self.pack.rules}
        from engine.rules import condition_refs

        for f in blocked.errors:
            click.secho(f"  ✗ {f.message}", fg="red")
            rule = rules.get(f.rule, {})
            concerned |= condition_refs(rule.get("check")) & set(
                q["id"] for q in self.session.questions())
        for veto in blocked.vetoes:
            click.echo("  - " + veto)
        causes = []  # (state, questions) of each warning the leader will rather answer to
        for f in blocked.needs_override:
            while not self.handle_findings([f]):
                cause = self.session.cause_of(f.rule)
                if cause is not None:
                    causes.append(cause)
                    break
                click.echo(_("No question of this phase changes that: give a reason to go on, "
                             "or ! to pause."))
        here = self.session.plan.state
        concerned |= {q for state, questions in causes if state == here for q in questions}
        asked = [q["id"] for q in self.session.questions() if q["id"] in concerned]
        if asked:
            self.revisit.update(asked)
            self.session.set_cursor(asked[0])
        elif causes:  # back to the earlier step that asks what the warning is about
            sequence = self.session.lifecycle.sequence
            state, questions = min(causes, key=lambda cause: sequence.index(cause[0]))
            while self.session.plan.state != state and self.session.can_go_back():
                self.session.back()
            self.revisit.update(questions)
            self.session.set_cursor(questions[0])
        elif blocked.vetoes or blocked.errors:
            raise Paused()  # nothing to ask here would resolve it

    # --- one question --------------------------------------------------------------------------
    def label(self, question: dict) -> str:
        text = self.t(question["text"])
        who = self.pack.role_name(self.pack.answered_by(question["id"])
                                  if question["id"] in self.pack.questions else None)
        marks = (" *" if question.get("required") else "") + (f" ({who})" if who else "")
        return text + marks

    def command(self, text: str, question: dict | None = None) -> None:
        word = text.strip()
        if word == PAUSE:
            raise Paused()
        if word == BACK:
            raise _Back()
        if word == "?":
            self.help(question)

    def help(self, question: dict | None) -> None:
        if question and question.get("help"):
            click.echo(self.t(question["help"]))
        guidance = (self.session.step().get("guidance") or {}) if self.session.in_agenda else {}
        if guidance.get("text"):
            click.echo(_("Guidance: {text}").format(text=self.t(guidance["text"])))
        if question and question.get("examples"):
            click.echo(_("Examples:"))
            click.echo(self.render_value(question, question["examples"], indent="  ",
                                         numbered=False))
        click.echo(legend())

    def ask_question(self, question: dict) -> Any:
        if question.get("type") == "records":
            return self.ask_records(question)
        current = self.session.plan.answers.get(question["id"], question.get("default"))
        if question.get("pick_from") == "actions":
            return self.ask_action(question, self.label(question), current, [], 0)
        return self.ask_value(question, self.label(question), current)

    def ask_value(self, question: dict, label: str, current: Any) -> Any:
        kind = question.get("type", "text")
        choices = self.pack.choices(question) if kind in ("choice", "multichoice") else []
        if choices:
            click.echo(label)
            for i, (_value, text) in enumerate(choices, start=1):
                click.echo(f"  {i}. {text}")
            label = _("Choose a number") if kind == "choice" else _("Choose numbers (1,3)")
        hint = {"bool": _(" (yes/no)"), "date": _(" (dd-mm-yyyy)"),
                "list": _(" (separate items with ; or ,)")}.get(kind, "")
        if kind == "scale":
            hint = f" ({question.get('min', 1)}–{question.get('max', 5)})"
        while True:
            raw = ask(label + hint, self.show(question, current))
            if raw.strip() in ("?", BACK, PAUSE):
                self.command(raw, question)
                continue
            if raw.strip() == CLEAR:
                if question.get("required"):
                    click.secho("✗ " + _("This question is required."), fg="red")
                    continue
                return None
            if not raw.strip():
                if current not in (None, "", []):
                    return current
                if question.get("required"):
                    click.secho("✗ " + _("This question is required."), fg="red")
                    continue
                return None
            try:
                value = coerce(question, raw, self.pack)
            except InvalidAnswer as exc:
                click.secho(f"✗ {exc}", fg="red")
                continue
            if value in (None, "", []) and question.get("required"):
                click.secho("✗ " + _("This question is required."), fg="red")  # e.g. only ";;;"
                continue
            if kind == "list":  # what the separators made of it, before it is stored
                click.echo("  → " + ngettext("{n} item:", "{n} items:", len(value)).format(
                    n=len(value)) + "".join(f"\n    • {item}" for item in value))
            return value

    def show(self, question: dict, value: Any) -> str:
        if value in (None, "", []):
            return ""
        kind = question.get("type", "text")
        if kind == "bool":
            return _("yes") if value else _("no")
        if kind == "date":
            return format_date(value, self.lang)
        if kind in ("choice", "multichoice"):
            labels = dict(self.pack.choices(question))
            values = value if isinstance(value, list) else [value]
            return ", ".join(str(labels.get(v, v)) for v in values)
        if kind == "list":
            return "; ".join(value)
        return str(value)

    def render_value(self, question: dict, value: Any, indent: str = "",
                     numbered: bool = True) -> str:
        """An answer as the person reads it; a table's rows numbered as they are chosen by
        (``numbered=False``: bulleted, for the examples, which are no rows of the plan)."""
        if question.get("type") == "records" and isinstance(value, list):
            lines = []
            fields = question["fields"]
            for n, row in enumerate(value, start=1):
                lines.append(f"{indent}{f'{n}.' if numbered else '•'} " + " · ".join(
                    f"{self.t(f['text'])}: {self.show(f, row.get(f['id']))}"
                    for f in fields if row.get(f["id"]) not in (None, "")))
            return "\n".join(lines)
        return indent + self.show(question, value)

    def ask_records(self, question: dict) -> list[dict]:
        rows: list[dict] = list(self.session.plan.answers.get(question["id"]) or [])
        click.echo(self.label(question))
        if question.get("help"):
            click.echo(self.t(question["help"]))
        if question.get("examples"):
            click.echo(_("Examples (not stored):"))
            click.echo(self.render_value(question, question["examples"], indent="  ",
                                         numbered=False))
        partial = self.session.partial_row(question["id"])
        if partial is not None and self.resume_row(question, rows, partial):
            return self.add_rows(question, rows)
        if not rows:
            return self.add_rows(question, rows)
        while True:
            click.echo(self.render_value(question, rows, indent="  "))
            raw = ask(_("Enter: keep these rows · + add a row · number: change that row · "
                        "-number: remove that row"))
            word = raw.strip()
            if word in ("?", BACK, PAUSE):
                self.command(word, question)
                continue
            if not word:
                return rows
            if word == "+":
                rows = self.add_rows(question, rows)
            elif word.lstrip("-").isdigit() and 1 <= int(word.lstrip("-")) <= len(rows):
                n = int(word.lstrip("-")) - 1
                if word.startswith("-"):
                    rows.pop(n)
                    self.session.answer(question["id"], list(rows))  # kept, like every change
                else:
                    rows[n] = self.ask_row(question, n + 1, rows[n], rows) or rows[n]
                    self.session.answer(question["id"], list(rows))
            else:
                click.secho(_("Not understood."), fg="red")

    def resume_row(self, question: dict, rows: list[dict], partial: dict) -> bool:
        """Offer the row that was being typed when the interview stopped; go on with it or
        drop it. True when it was a new row (so more rows may follow)."""
        n = partial.get("row")
        changing = isinstance(n, int) and 1 <= n <= len(rows)
        click.secho(_("Row {n} was being changed when the conversation stopped:").format(n=n)
                    if changing else
                    _("A new row was being typed when the conversation stopped:"), fg="yellow")
        click.echo(self.render_value(question, [partial["values"]], indent="  ",
                                     numbered=False))
        while True:
            word = ask(_("Enter: go on with this row · -: drop it")).strip()
            if word in ("?", BACK, PAUSE):
                self.command(word, question)
                continue
            if word in ("", CLEAR):
                break
            click.secho(_("Not understood."), fg="red")
        if word == CLEAR:
            self.session.keep_partial_row(question["id"], None, {})
            return False
        if changing:
            rows[n - 1] = self.ask_row(question, n, rows[n - 1], rows, partial["values"]) \
                or rows[n - 1]
        else:
            row = self.ask_row(question, len(rows) + 1, {}, rows, partial["values"])
            if not row:
                return False
            rows.append(row)
        self.session.answer(question["id"], list(rows))  # the row is done: an answer now
        return not changing

    def add_rows(self, question: dict, rows: list[dict]) -> list[dict]:
        click.echo(_("Enter on the first field of a new row ends the list."))
        while not (question.get("max_items") and len(rows) >= question["max_items"]):
            row = self.ask_row(question, len(rows) + 1, {}, rows)
            if not row:
                return rows
            rows.append(row)
            self.session.answer(question["id"], list(rows))  # a finished row is never lost
        return rows

    def ask_row(self, question: dict, n: int, row: dict, rows: list[dict],
                typed: dict | None = None) -> dict:
        """One row, field by field; ``<`` goes back a field (at the first, out of the table).

        ``row``: the row being changed ({} for a new one); ``typed``: fields typed before
        (a row offered again). Each field is kept as it is typed (:meth:`Session.
        keep_partial_row`), so Ctrl-C or a crash in the middle of a row loses nothing.
        """
        click.secho(_("Row {n}").format(n=n), bold=True)
        fields = question["fields"]
        new: dict = dict(typed or {})
        changing = n if row else None
        i = 0
        while i < len(fields):
            field = fields[i]
            label = "  " + self.t(field["text"]) + (" *" if field.get("required") else "")
            current = new.get(field["id"], row.get(field["id"]))
            asked = {**field, "required": field.get("required") and i > 0}
            try:
                if field.get("pick_from") == "actions":
                    value = self.ask_action(asked, label, current, rows, n)
                else:
                    value = self.ask_value(asked, label, current)
            except _Back:
                if i == 0:
                    raise
                i -= 1
                continue
            if i == 0 and value is None and not row:
                self.session.keep_partial_row(question["id"], None, {})
                return {}
            if value is not None:
                new[field["id"]] = value
            else:
                new.pop(field["id"], None)
            self.session.keep_partial_row(question["id"], changing, new)
            i += 1
        return new

    def ask_action(self, field: dict, label: str, current: Any, rows: list[dict],
                   n: int) -> Any:
        """A field that names one of the plan's actions (``pick_from: actions``): the
        actions numbered, those other rows name marked; a number picks one (its text is
        stored), other text is taken as typed."""
        from engine.followup import actions, same_action

        found = actions(self.session.plan)
        if not found:
            return self.ask_value(field, label, current)
        named = [r.get(field["id"]) for i, r in enumerate(rows, start=1) if i != n]
        click.echo(label)
        for action in found:
            done = any(same_action(action, value) for value in named)
            click.echo(f"  {action['n']}. {shorten(action['label'], 90)}"
                       + ("  ✓ " + _("evaluated") if done else ""))
        while True:
            indent = label[:len(label) - len(label.lstrip())]
            value = self.ask_value(field, indent + _("Choose a number (or type the action)"),
                                   current)
            if isinstance(value, str) and value.strip().isdigit():
                number = int(value.strip())
                if 1 <= number <= len(found):
                    return found[number - 1]["label"]
                click.secho("✗ " + _("choose a number from {low} to {high}").format(
                    low=1, high=len(found)), fg="red")
                continue
            return value

    # --- after the conversation ----------------------------------------------------------------
    def show_actions(self, actions: list[dict]) -> None:
        """The agreed actions, each with its deadline and latest check-in status."""
        click.secho(_("Actions:"), bold=True)
        for action in actions:
            click.echo(f"  {action['n']}. {shorten(action['label'], 90)}")
            if action.get("timing"):
                click.echo("     " + _("Deadline: {timing}").format(timing=action["timing"]))
            click.echo("     " + self.outcome(action))

    def ask_checkin(self, actions: list[dict]) -> list[dict]:
        """A status, a note and perhaps a change per action; Enter leaves an action as it is."""
        from engine.errors import UsageError
        from engine.followup import STATUSES, parse_status, status_label

        choices = " · ".join(f"{i} {status_label(c)}" for i, c in enumerate(STATUSES, 1))
        entries: dict[int, dict] = {}
        index = 0
        while index < len(actions):
            action = actions[index]
            click.secho(f"{action['n']}. {shorten(action['label'], 90)}", bold=True)
            click.echo("   " + self.outcome(action))
            while True:
                raw = ask(_("Status ({choices}; Enter: no news)").format(choices=choices))
                word = raw.strip()
                if word == PAUSE:
                    raise Paused()
                if word == "?":
                    click.echo(_("Give each action its status now, with a note if you like; "
                                 "'adjusted' lets you change the action, with a reason. "
                                 "< goes back to the previous action, ! stops without "
                                 "recording the check-in."))
                    continue
                if word == BACK:
                    break
                if not word:
                    status = None
                    break
                try:
                    status = parse_status(raw)
                    break
                except UsageError as exc:
                    click.secho(f"✗ {exc}", fg="red")
            if word == BACK:
                index = max(index - 1, 0)
                entries.pop(actions[index]["n"], None)
                continue
            index += 1
            if status is None:
                entries.pop(action["n"], None)
                continue
            entry: dict = {"action": action["n"], "status": status}
            note = ask(_("Note (Enter: none)"))
            if note.strip():
                entry["note"] = note.strip()
            if status == "adjusted":
                change = self.ask_change(action)
                if change:
                    entry["change"], entry["reason"] = change
            entries[action["n"]] = entry
        return [entries[n] for n in sorted(entries)]

    def ask_change(self, action: dict) -> tuple[dict, str] | None:
        """Fields of an action to change, and the reason (required) for changing them."""
        fields = self.pack.questions[action["question"]].question["fields"]
        change: dict = {}
        while True:
            for i, field in enumerate(fields, start=1):
                value = change.get(field["id"], action["values"].get(field["id"]))
                click.echo(f"     {i}. {self.t(field['text'])}: {self.show(field, value)}")
            raw = ask(_("Change which field (number; Enter: no more changes)")).strip()
            if not raw:
                break
            if not (raw.isdigit() and 1 <= int(raw) <= len(fields)):
                click.secho(_("Not understood."), fg="red")
                continue
            field = fields[int(raw) - 1]
            try:
                change[field["id"]] = self.ask_value(
                    {**field, "required": False}, "     " + self.t(field["text"]),
                    change.get(field["id"], action["values"].get(field["id"])))
            except _Back:
                continue
        if not change:
            return None
        while True:
            reason = ask(_("Reason for the change *")).strip()
            if reason:
                return change, reason

    def ask_current_step(self) -> dict:
        """Every question of the current step again, its answer so far as the default.

        Returns the step's answers after asking (each is stored as it is given).
        """
        self.show_step()
        while True:
            self.session.set_cursor(None)
            self.revisit = {q["id"] for q in self.session.questions()}
            try:
                self.ask_step()
                break
            except _Back:
                click.echo(_("This is the first question."))
        self.session.set_cursor(None)
        return {q["id"]: self.session.plan.answers[q["id"]] for q in self.session.questions()
                if q["id"] in self.session.plan.answers}




def confirm(question: str, err: bool = False) -> None:
    """Ask ``question [j/N]`` (``[y/N]`` in English); go on only after yes (ja, j, yes, y),
    else stop with exit 1 (click's Abort). The same words as every yes/no question."""
    from engine.answers import FALSE_WORDS, TRUE_WORDS

    choices = _("y/N")
    while True:
        word = click.prompt(f"{question} [{choices}]", default="", show_default=False,
                            prompt_suffix=" ", err=err).strip().lower()
        if word in TRUE_WORDS:
            return
        if not word or word in FALSE_WORDS:
            raise click.Abort()
        click.echo(_("answer yes or no (ja/nee)"), err=err)
