"""Today's date, read in one place so that tests (and scripts) can fix it: ``POP_TODAY``.

``POP_TODAY=2026-04-15 pop due`` answers as if it were 15 April 2026. Nothing else in pop asks
the system for today's date when it decides what is due or dates a check-in.
"""

from __future__ import annotations

import os
from datetime import date

from .errors import UsageError
from .i18n import _

ENV = "POP_TODAY"


def today(explicit: str | None = None) -> date:
    """``explicit`` (a hidden ``--today``), else ``POP_TODAY``, else the system's date.

    Both take any date :func:`engine.dates.parse_date` reads.
    """
    name = "--today" if explicit else ENV
    raw = (explicit or os.environ.get(ENV, "")).strip()
    if not raw:
        return date.today()
    from .dates import parse_date

    parsed = parse_date(raw)
    if parsed is None:
        raise UsageError(_("{name}={value!r} is not a date; write e.g. 2026-03-31").format(
            name=name, value=raw))
    return parsed
