"""Regular expressions written in packs (JSON Schema ``pattern``), run by RE2.

A pack is untrusted data, and Python's ``re`` backtracks: ``^(a|aa){40}$`` takes hours on a
short answer. RE2 matches in time linear in the answer whatever the pattern, and its compiled
program is bounded in memory, so a pattern can be slow neither to check nor to run. What only
a backtracking engine can do (back-references, look-around) is refused when a pack is
validated. RE2's classes are ASCII unless a pattern says otherwise (``\\pL`` for a letter).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from .i18n import _

MAX_PATTERN = 1_000  # characters
MAX_PROGRAM_BYTES = 8 << 20  # what RE2 may spend on one compiled pattern


class PatternError(ValueError):
    """A pattern RE2 cannot run (a syntax error, a back-reference, too large)."""


@lru_cache(maxsize=256)
def compiled(pattern: str) -> Any:
    import re2

    if len(pattern) > MAX_PATTERN:
        raise PatternError(_("the regular expression is too long (more than {n} characters)")
                           .format(n=MAX_PATTERN))
    options = re2.Options()
    options.max_mem = MAX_PROGRAM_BYTES
    options.log_errors = False
    try:
        return re2.compile(pattern, options)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else exc
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise PatternError(_("not a regular expression pop can check in linear time: "
                             "{error} (back-references and look-around are not "
                             "supported)").format(error=reason)) from None


def pattern_problem(pattern: object) -> str | None:
    """Why ``pattern`` cannot be used in a pack, or None."""
    if not isinstance(pattern, str):
        return None
    try:
        compiled(pattern)
    except PatternError as exc:
        return str(exc)
    return None


def search(pattern: str, text: str) -> bool:
    return compiled(pattern).search(text) is not None
