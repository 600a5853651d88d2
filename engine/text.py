"""Text that crosses pop's edge: what cannot be UTF-8 coming in, control characters going out,
and answers that must print in a Markdown document as they were typed."""

from __future__ import annotations

import re

_SURROGATE = re.compile("[\ud800-\udfff]")
# C0 and C1 controls but tab and newline, DEL, and the bidi overrides that reorder a line
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def has_surrogates(text: str) -> bool:
    """Whether ``text`` holds bytes that were not UTF-8 (Python keeps them as lone halves)."""
    return bool(_SURROGATE.search(text))


def shown(text: str) -> str:
    """``text`` fit to print in a message: undecodable bytes as ``?``."""
    return _SURROGATE.sub("?", text)


def printable(text: str) -> str:
    """``text`` safe for a terminal: no escape sequences, no other control characters (an
    answer or a name can hold ``ESC [2J``, and a terminal would obey it)."""
    return _CONTROL.sub("", text) if _CONTROL.search(text) else text
