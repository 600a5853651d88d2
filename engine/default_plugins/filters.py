"""The template filters every pack can use: ``datum`` and ``lijst`` (Dutch dates and lists)."""

from __future__ import annotations

import re
from typing import Any

from engine import hookimpl

_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]")


def datum(value: Any, lang: str = "nl") -> str:
    """``2026-03-31`` (or ``31-03-2026``, or an ISO time stamp) → ``31 maart 2026``.

    Gives an empty string for what is not a date, so ``value | datum or value`` shows the
    text as typed.
    """
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if _ISO_DATETIME.match(text):
        text = text[:10]
    from engine.dates import format_date

    return format_date(text, lang)


def lijst(value: Any, last: str = "en", sep: str = ", ") -> str:
    """``["a", "b", "c"]`` → ``a, b en c``; a single text stays as it is."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    try:
        items = [str(v) for v in value if v is not None and str(v) != ""]
    except TypeError:
        return str(value)
    if len(items) <= 1:
        return "".join(items)
    return f"{sep.join(items[:-1])} {last} {items[-1]}"


@hookimpl
def pop_register_filters(register: Any) -> None:
    register("datum", datum)
    register("lijst", lijst)
