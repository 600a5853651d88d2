"""Every hook a pop plugin can implement. This module is the plugin contract and its reference.

A plugin is a module or object with functions marked ``@engine.hookimpl`` and named like the
specs below; it is found through the entry-point group ``pop``::

    [project.entry-points.pop]
    myplugin = "my_package.pop_plugin"

pop's own packs, checks and formats are registered through these same hooks
(``engine/default_plugins/``). ``docs/plugins.md`` is generated from these docstrings.

Every call into a plugin is guarded: whatever it raises (``SystemExit`` and
``KeyboardInterrupt`` included), a result of the wrong type, and a call that takes longer
than ``POP_PLUGIN_SECONDS`` (10; 0 turns the limit off) is reported as that plugin's failure,
with its name, and pop goes on without it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:  # pragma: no cover
    import click

hookspec = pluggy.HookspecMarker("pop")


# ---------------------------------------------------------------------------------------------
# Content: packs, checks, formats, filters
# ---------------------------------------------------------------------------------------------


@hookspec
def pop_pack_dirs() -> list[str]:
    """Folders that hold content packs.

    Return a list of paths. Each path is either a pack folder (it has a ``pack.yaml``) or a
    folder of pack folders. Called once, when pop first looks for packs.

    Example::

        @hookimpl
        def pop_pack_dirs():
            return [str(Path(__file__).parent / "packs")]
    """


@hookspec
def pop_register_checks(register: Callable[..., None]) -> None:
    """Register named rule checks that packs use as ``check: {named: NAME, args: {...}}``.

    Call ``register(name, function, args_schema=None, validate=None)``. The function is called
    as ``function(answers, args, pack)`` with the answers document (question id → value; the
    conversation's date, ISO, under ``"$date"`` when the plan has one), the rule's ``args``
    and the resolved :class:`engine.pack.Pack`. It returns a list of
    :class:`engine.rules.Finding`-like items: ``(message, severity)`` tuples, plain message
    strings, or ``(message, severity, row, row_label)`` for a finding about one row of a
    records answer (the rule's message may then use ``{row}`` and ``{row_label}``); severity
    ``None`` means the rule's own. An empty list means the check passed. When a pack is
    validated, its args are checked against ``args_schema`` (a JSON Schema), then given to
    ``validate(args, pack)``, which returns what else is wrong as ``[(path, message)]``
    (``path``: a tuple of keys inside ``args``), e.g. a field the records question does not
    have (:func:`engine.default_plugins.checks.field_problems` does that).

    Example::

        @hookimpl
        def pop_register_checks(register):
            register("not_empty", lambda answers, args, pack:
                     [] if answers.get(args["question"]) else ["Leeg antwoord"],
                     args_schema={"required": ["question"]})
    """


@hookspec
def pop_register_formats(register: Callable[..., None]) -> None:
    """Register output formats for ``pop export --format NAME``.

    Call ``register(name, function, media_type="text/plain", suffix=".txt")``. The function is
    called as ``function(context)`` with an :class:`engine.outputs.RenderContext` and returns
    ``str`` or ``bytes`` (the whole document). The context has ``pack`` (the plan's
    :class:`engine.pack.Pack` snapshot), ``plan`` (an :class:`engine.plan.Plan`, or ``None``
    for ``pop guide``), ``template`` (what ``--template`` named, or ``None``) and ``output``
    (the pack's output chosen, or ``None``); ``context.needs_plan()`` returns the plan or
    stops with a clear message, ``context.data()`` is the template context, and
    ``context.render("md")`` renders the pack's template of that kind (``x.md.j2``) in the
    sandbox, or pop's built-in layout. The built-in ``md``, ``html``, ``json`` and ``ics``
    are registered this way (``engine/default_plugins/formats.py``).

    Example::

        @hookimpl
        def pop_register_formats(register):
            register("csv", render_csv, media_type="text/csv", suffix=".csv")
    """


@hookspec
def pop_register_filters(register: Callable[[str, Callable[..., Any]], None]) -> None:
    """Register Jinja2 filters available in every pack template.

    Call ``register(name, function)``. Filters run inside the sandbox; they receive plain data.
    pop's own ``datum`` and ``lijst`` are registered this way (``engine/default_plugins``).

    Example::

        @hookimpl
        def pop_register_filters(register):
            register("shout", lambda text: str(text).upper())
    """


# ---------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------


@hookspec
def pop_register_commands(cli: click.Group) -> None:
    """Add click commands or groups to the ``pop`` command line.

    Called once when the command line is built; use ``cli.add_command(command)`` or the
    ``@cli.command()`` decorator. Commands show in ``pop --help`` and ``pop plugins``. A
    plugin may add commands (also to pop's groups) but not replace or remove pop's own: such a
    change is undone and reported.

    Example::

        @hookimpl
        def pop_register_commands(cli):
            @cli.command(name="hello")
            def hello():
                click.echo("Hallo")
    """


# ---------------------------------------------------------------------------------------------
# Lifecycle
# ---------------------------------------------------------------------------------------------


@hookspec
def pop_before_transition(plan: Any, source: str, dest: str) -> str | None:
    """Called before a plan moves from state ``source`` to ``dest``; may veto the move.

    Return a reason (a sentence for the user) to refuse the move, or ``None`` to allow it.
    Every plugin is asked; all reasons are shown. ``plan`` is an :class:`engine.plan.Plan`.
    States are a phase (``follow_up``) or a phase and a step (``conversation.planning``).
    Asked for every move on (``pop run``, ``pop advance``, ...), not for a step back within a
    phase, nor when an answers file is checked before anything is saved.

    Example::

        @hookimpl
        def pop_before_transition(plan, source, dest):
            if dest == "closed" and not plan.signatures:
                return "Sluit een plan pas af als het ondertekend is."
    """


@hookspec
def pop_after_transition(plan: Any, source: str, dest: str) -> None:
    """Called after a plan moved from ``source`` to ``dest`` and the move was stored.

    Raising here never undoes the move; the error is reported with the plugin's name.

    Example::

        @hookimpl
        def pop_after_transition(plan, source, dest):
            if dest.startswith("follow_up"):
                logging.getLogger("acme").info("plan %s: conversation done", plan.id)
    """


@hookspec
def pop_plan_saved(plan: Any, change: dict) -> None:
    """Called after a change to a plan was committed to the store.

    ``change`` is the event as stored: ``{"kind": ..., "data": {...}, "actor": ..., "at": ...}``
    (kinds: ``created``, ``answer``, ``answer_removed``, ``override``, ``state``, ``signed``,
    ``checkin``, ...). Raising here never undoes the change; the error is reported with the
    plugin's name.

    Example::

        @hookimpl
        def pop_plan_saved(plan, change):
            if change["kind"] == "answer":
                audit.info("%s %s: %s", change["at"], plan.id, change["data"]["question"])
    """


@hookspec
def pop_plan_agreed(plan: Any, digest: str) -> None:
    """Called once when every role the pack requires has signed the same content.

    ``digest`` is the SHA-256 of the agreed content. A plugin may, for example, send the
    plan to an HR system. Raising here never undoes the signature. Called by ``pop sign``,
    after the signature that completes the agreement was stored.

    Example (``examples/plugins/pop-webhook`` does this with a timeout and an outbox)::

        @hookimpl
        def pop_plan_agreed(plan, digest):
            document, _format = engine.outputs.render(plan.pack, "json", plan)
            urllib.request.urlopen(HR_URL, data=document.encode(), timeout=10)
    """


# ---------------------------------------------------------------------------------------------
# People
# ---------------------------------------------------------------------------------------------


@hookspec
def pop_person_forgotten(person_id: str) -> None:
    """Called after ``pop forget`` erased a person from the store.

    ``person_id`` is the id the person had in the register (``pop people list``). A plugin
    that keeps anything about people outside the store (copies sent or queued, caches, logs)
    erases it here: the person's name is gone from the store by now, so keep the id (or the
    plan ids, which ``person_plans`` gave before) with whatever you keep. Raising here is
    reported with the plugin's name; the erasure in the store stands.

    Example (``examples/plugins/pop-webhook`` erases its outbox entries this way)::

        @hookimpl
        def pop_person_forgotten(person_id):
            for path in OUTBOX.glob(f"*{person_id}*.json"):
                path.unlink()
    """
