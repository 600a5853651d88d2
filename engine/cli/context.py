"""What every command may need, created only when a command asks for it."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:  # pragma: no cover
    from engine.packs import PackLibrary
    from engine.plugins import Plugins
    from engine.store import Store


class App:
    """The data folder and store a command was given; the store opened on first use."""

    def __init__(self, data_dir: str | None = None, store_url: str | None = None) -> None:
        self.data_dir, self.store_url = data_dir, store_url
        self._store: Any = None

    @property
    def plugins(self) -> Plugins:
        from engine.plugins import get_plugins

        return get_plugins()

    def library(self, extra: tuple[str, ...] = ()) -> PackLibrary:
        from engine.packs import PackLibrary

        return PackLibrary(self.plugins, extra)

    @property
    def store(self) -> Store:
        if self._store is None:
            from engine.store import open_store

            self._store = open_store(self.data_dir, self.store_url)
        return self._store

    def close(self) -> None:
        """Close the store, if a command opened it: its last writes are checkpointed now,
        not by the garbage collector at exit."""
        if self._store is not None:
            store, self._store = self._store, None
            store.close()

    def person(self, ref: str) -> dict:
        """The one person of the register ``ref`` names (id, employee number or name)."""
        from engine.people import resolve

        return resolve(self.store, ref)


pass_app = click.make_pass_decorator(App)


def default_actor() -> str:
    """Who records a change when nobody says: ``$POP_ACTOR``, else the login name."""
    return os.environ.get("POP_ACTOR") or os.environ.get("USER") or "pop"


def echo_json(data: Any) -> None:
    """Machine output: one JSON document on stdout."""
    import json

    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def echo_json_rows(rows: Iterable[str], *, inside: tuple[dict, str] | None = None) -> None:
    """Machine output for many rows, each already JSON text: one JSON list, a row per line,
    written as the rows come (constant memory); ``inside``: ``(fields, key)``, the list as
    the value of ``key`` in an object of these ``fields`` besides."""
    import json

    out = sys.stdout  # pop's terminal-safe stream (engine.text.TerminalSafe)
    opening, closing = "", "\n"
    if inside is not None:
        fields, key = inside
        opening = "{\n" + "".join(f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)},\n"
                                  for k, v in fields.items()) + f"  {json.dumps(key)}: "
        closing = "\n}\n"
    chunk: list[str] = [opening]
    first = True
    for row in rows:
        chunk.append(("[\n  " if first else ",\n  ") + row)
        first = False
        if len(chunk) >= 1000:  # a thousand rows a write: memory stays flat, calls few
            out.write("".join(chunk))
            chunk = []
    out.write("".join(chunk) + ("[]" if first else "\n]") + closing)
    out.flush()


def json_option(f: Any) -> Any:
    from engine.i18n import _

    return click.option("--json", "as_json", is_flag=True,
                        help=_("Print JSON for scripts."))(f)
