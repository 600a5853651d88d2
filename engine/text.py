"""Text that crosses pop's edge: what cannot be UTF-8 coming in, control characters going out,
and answers that must print in a Markdown document as they were typed."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

# patterns compiled on first use (re keeps them): a start-up prints little
_SURROGATE = "[\ud800-\udfff]"


def shorten(text: str, width: int) -> str:
    """On one line, at most ``width`` characters (an ellipsis where it was cut)."""
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def has_surrogates(text: str) -> bool:
    """Whether ``text`` holds bytes that were not UTF-8 (Python keeps them as lone halves)."""
    return bool(re.search(_SURROGATE, text))


def shown(text: str) -> str:
    """``text`` fit to print in a message: undecodable bytes as ``?``."""
    return re.sub(_SURROGATE, "?", text)


# C0 and C1 controls but tab, newline and return, DEL, and the bidi overrides that reorder a
# line; what pop's own output uses (click's colours and bold, a progress bar's cursor and line)
_ALLOWED_SPLIT = (r"(\x1b\[(?:(?:[0-79]|[1-9]\d)(?:;(?:[0-79]|[1-9]\d))*)?m"
                  r"|\x1b\[\?25[hl]|\x1b\[[0-2]?K)")
_ESCAPE = (r"(?s)\x1b(?:\[[0-?]*[ -/]*[@-~]?|\][^\x07\x1b]*(?:\x07|\x1b\\)?"
           r"|[PX^_][^\x1b]*(?:\x1b\\)?|.?)")
_TERMINAL_CONTROL = ("[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f-\x9f"
                     "\u202a-\u202e\u2066-\u2069]")


def for_terminal(text: str) -> str:
    """``text`` safe to print: a name or an answer can hold ``ESC ]0;…`` or ``ESC [2J`` and a
    terminal would obey it. Colours and the cursor codes pop itself prints are kept (not the
    one that hides text); every other escape sequence and control character is dropped."""
    if "\x1b" not in text and not _control().search(text):
        return text
    # split on the codes kept: the odd pieces are those codes, the even ones what lies between
    pieces = re.split(_ALLOWED_SPLIT, text)
    return "".join(piece if i % 2 else plain(piece) for i, piece in enumerate(pieces))


def plain(text: str) -> str:
    """``text`` without any escape sequence or control character (colours included): what
    someone typed, to print among pop's own words."""
    if "\x1b" not in text and not _control().search(text):
        return text
    return _control().sub("", re.sub(_ESCAPE, "", text))


@cache
def _control() -> re.Pattern:
    """The pattern of control characters, compiled once: :func:`plain` may run for each of
    an organisation's names (re's own cache costs a lookup a call)."""
    return re.compile(_TERMINAL_CONTROL)


class TerminalSafe:
    """A text stream that passes what it is given through :func:`for_terminal` (bytes, a
    document written with ``-o -``, go to the binary stream underneath untouched)."""

    def __init__(self, stream: object):
        self._stream = stream

    @property
    def checked(self) -> object:
        """The stream underneath, for text made safe piece by piece already (what came from
        someone passed through :func:`plain`): a list of hundreds of thousands of lines is
        not scanned a second time."""
        return self._stream

    def write(self, text: object) -> object:
        return self._stream.write(for_terminal(text) if isinstance(text, str) else text)

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


# not |: a table cell is the template's to escape (every built-in one does), and outside a
# table it does nothing
_MD_ANYWHERE = r"([\\`*_\[\]<>~])|&(?=#?\w+;)"
_MD_LINE_START = r"(?m)^(\s*)([#>+=-])|^(\s*\d+)([.)])"


def markdown_literal(text: str) -> str:
    """``text`` as Markdown that prints it as typed: no link, image, raw HTML, code fence,
    or heading can come from what someone answered."""
    text = re.sub(_MD_ANYWHERE, lambda m: "\\" + m.group(0), text)
    return re.sub(_MD_LINE_START, lambda m: f"{m.group(1)}\\{m.group(2)}" if m.group(2)
                              else f"{m.group(3)}\\{m.group(4)}", text)


def did_you_mean(name: str, names: Iterable[object]) -> str:
    """`` (did you mean 'x'?)`` for the names closest to ``name``, else nothing."""
    import difflib

    from .i18n import _

    close = difflib.get_close_matches(str(name), [str(n) for n in names], n=3, cutoff=0.6)
    if not close:
        return ""
    return " (" + _("did you mean {names}?").format(
        names=_(" or ").join(repr(c) for c in close)) + ")"
