"""Compile the message catalogs (engine/locale/<lang>/LC_MESSAGES/*.po) into one Python module
per language, engine/locale/compiled_<lang>.py, which pop reads at start-up.

A module and not a ``.mo`` file: gettext parses a ``.mo`` in Python on every start (about
5 ms with the imports it needs, for a command that takes 40), where a module's cached
bytecode loads in under half a millisecond. What goes in is what ``pybabel compile`` would put
in a ``.mo`` (no fuzzy or empty translations), read back the way gettext reads one.

Run: python tools/make_catalogs.py  (after translating; tests/test_i18n.py checks it was run)
"""

from __future__ import annotations

import gettext
import io
import re
import sys
from pathlib import Path

LOCALE = Path(__file__).resolve().parent.parent / "engine" / "locale"
DOMAINS = ("pop", "click")
#: Plural rules as gettext headers write them, for the subset Python reads alike (no ``?:``).
_SAFE_PLURAL = re.compile(r"^[n0-9\s!=<>%&|()]+$")


def languages() -> list[str]:
    return sorted(p.name for p in LOCALE.iterdir() if (p / "LC_MESSAGES").is_dir())


def _compiled(po: Path) -> gettext.GNUTranslations:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as f:
        catalog = read_po(f)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def _plural(header: str | None, lang: str) -> str:
    expression = (header or "nplurals=2; plural=(n != 1);").split("plural=", 1)[1].rstrip("; ")
    if not _SAFE_PLURAL.match(expression):
        sys.exit(f"{lang}: the plural rule {expression!r} needs translating to Python by hand")
    depth = 0
    # (n != 1) as n != 1: the whole held in one pair
    for i, char in enumerate(expression if expression.startswith("(") else "x?"):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and i < len(expression) - 1:
            break
    else:
        expression = expression[1:-1]
    return expression.replace("&&", " and ").replace("||", " or ")


def module(lang: str) -> str:
    """The text of engine/locale/compiled_<lang>.py."""
    lines = [f'"""The {lang} catalogs, compiled from {lang}/LC_MESSAGES/*.po by '
             'tools/make_catalogs.py: do not edit."""', "", "",
             "def plural(n: int) -> int:", "    \"\"\"Which plural form a count takes.\"\"\""]
    header = None
    tables = []
    for domain in DOMAINS:
        po = LOCALE / lang / "LC_MESSAGES" / f"{domain}.po"
        if not po.exists():
            continue
        translations = _compiled(po)
        header = header or translations.info().get("plural-forms")
        entries = sorted(((key, value) for key, value in translations._catalog.items()
                          if key != ""), key=lambda kv: repr(kv[0]))
        tables += ["", "", f"{domain.upper()} = {{"]
        tables += [f"    {key!r}: {value!r}," for key, value in entries]
        tables.append("}")
    lines.append(f"    return int({_plural(header, lang)})")
    return "\n".join(lines + tables) + "\n"


def main() -> None:
    for lang in languages():
        target = LOCALE / f"compiled_{lang}.py"
        target.write_text(module(lang), encoding="utf-8")
        print(f"wrote {target.relative_to(LOCALE.parent.parent)}")


if __name__ == "__main__":
    main()
