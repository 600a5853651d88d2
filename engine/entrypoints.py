"""Which plugins are installed: the entry-point group ``pop``, read without importing them.

Apart from :mod:`engine.plugins` so that ``pop --help`` can ask whether any plugin adds commands
without building a plugin manager (pluggy, pop's hook specifications, its built-ins).
"""

from __future__ import annotations

import os
import sys

ENTRY_POINT_GROUP = "pop"


def entry_points() -> list[tuple[str, str]]:
    """(name, "module:attr") of the ``pop`` group in the distributions on ``sys.path``.

    Read straight from each ``*.dist-info/entry_points.txt``: ``importlib.metadata`` costs
    about 30 ms to import, more than half of what a CLI start may take. As there, the first
    distribution of a name on ``sys.path`` wins.
    """
    seen: set[str] = set()
    found: dict[str, str] = {}
    for base in sys.path:
        try:
            entries = sorted(os.scandir(base or "."), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            if not entry.name.endswith((".dist-info", ".egg-info")):
                continue
            dist = entry.name.split("-")[0].lower().replace("_", "-").replace(".", "-")
            if dist in seen:
                continue
            seen.add(dist)
            try:
                with open(os.path.join(entry.path, "entry_points.txt"), encoding="utf-8") as f:
                    text = f.read()
            except OSError:
                continue
            for name, value in _group(text, ENTRY_POINT_GROUP):
                found.setdefault(name, value)
    return sorted(found.items())


def _group(text: str, group: str) -> list[tuple[str, str]]:
    pairs, current = [], None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            current = line.strip("[]").strip()
        elif current == group and "=" in line:
            name, value = line.split("=", 1)
            pairs.append((name.strip(), value.split("[")[0].strip()))
    return pairs


def plugins_enabled() -> bool:
    return os.environ.get("POP_DISABLE_PLUGINS", "") in ("", "0")


def third_party_plugins() -> bool:
    """Whether any plugin besides pop's own is installed (and plugins are not disabled)."""
    return plugins_enabled() and bool(entry_points())
