"""User-facing language: Dutch by default, English on request.

Messages are written in English in the code and translated through a gettext catalog
(``engine/locale/<lang>/LC_MESSAGES/pop.po``, compiled by ``tools/make_catalogs.py`` into the
module ``engine/locale/compiled_<lang>.py``: gettext's ``.mo`` parsing would cost every start
more than the rest of choosing a language). The language
is chosen by ``--lang``, then ``POP_LANG``, then the locale (the first of ``LC_ALL``,
``LC_MESSAGES``, ``LANG`` that is set) when it is Dutch or English; Dutch otherwise.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from functools import cache

LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"
_state: dict[str, object] = {"lang": None, "catalog": None}


def _code(value: str | None) -> str:
    return (value or "").split(".")[0].replace("-", "_").split("_")[0].lower()


def detect_language(explicit: str | None = None) -> str:
    """The language asked for, in order: argument, POP_LANG, the locale, Dutch."""
    for value in (explicit, os.environ.get("POP_LANG")):
        if _code(value) in LANGUAGES:
            return _code(value)
    names = ("LC_ALL", "LC_MESSAGES", "LANG")
    locale = next((os.environ[name] for name in names if os.environ.get(name)), "")
    return _code(locale) if _code(locale) in LANGUAGES else DEFAULT_LANGUAGE


def unknown_env_language() -> str | None:
    """``POP_LANG`` when it is set to a language pop does not speak (``fr``), else None."""
    value = os.environ.get("POP_LANG")
    return value if value and _code(value) not in LANGUAGES else None


def set_language(lang: str | None) -> str:
    """Choose the language for this process; returns the code in force."""
    code = detect_language(lang)
    _state["lang"], _state["catalog"] = code, _catalog(code)
    return code


class Catalog:
    """gettext's ``gettext`` and ``ngettext`` over one compiled table (missing: as written)."""

    def __init__(self, messages: dict, plural: Callable[[int], int]) -> None:
        self._messages, self._plural = messages, plural

    def gettext(self, message: str) -> str:
        return self._messages.get(message, message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        try:
            return self._messages[(singular, self._plural(n))]
        except KeyError:
            return singular if n == 1 else plural


@cache
def _catalog(code: str, domain: str = "pop") -> Catalog:
    if code == "en":  # the messages are written in English
        return Catalog({}, lambda n: int(n != 1))
    compiled = importlib.import_module(f"engine.locale.compiled_{code}")
    return Catalog(getattr(compiled, domain.upper(), {}), compiled.plural)


def localize_click(code: str | None = None) -> None:
    """click's own messages ("Usage:", "Missing option …") in the language in force.

    click translates with the standard library's ``gettext`` under the names ``_`` and
    ``ngettext`` in each of its modules; those are pointed at pop's ``click`` catalog.
    """
    import sys

    catalog = _catalog(code or current_language(), "click")
    for name, module in list(sys.modules.items()):
        if name == "click" or name.startswith("click."):
            if callable(getattr(module, "_", None)):
                module._ = catalog.gettext
            if callable(getattr(module, "ngettext", None)):
                module.ngettext = catalog.ngettext


def translator(lang: str):  # noqa: ANN201 - a gettext-like callable
    """``gettext`` for one language, whatever the process's language (documents follow
    their pack's language)."""
    return _catalog(lang).gettext


def plural_translator(lang: str):  # noqa: ANN201 - an ngettext-like callable
    """``ngettext`` for one language, as :func:`translator` is ``gettext``."""
    return _catalog(lang).ngettext


def current_language() -> str:
    if _state["lang"] is None:
        set_language(None)
    return _state["lang"]  # type: ignore[return-value]


def _(message: str) -> str:
    """Translate ``message`` into the language in force."""
    if _state["catalog"] is None:
        set_language(None)
    return _state["catalog"].gettext(message)  # type: ignore[union-attr]


def N_(message: str) -> str:
    """Mark a message for the catalog, to be translated later (e.g. in another language)."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    if _state["catalog"] is None:
        set_language(None)
    return _state["catalog"].ngettext(singular, plural, n)  # type: ignore[union-attr]
