"""Where pop's own data lives: in an installed wheel, or in a source checkout."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_HERE = Path(__file__).resolve().parent


@cache
def data_path(name: str) -> Path:
    """The ``packs`` or ``schemas`` folder shipped with pop.

    A wheel carries them as ``engine/_data/<name>``; a source checkout (or an editable
    install) has them beside the package. Nothing else is searched, so a wheel that lacks
    its data fails loudly instead of reading a stray folder.
    """
    for candidate in (_HERE / "_data" / name, _HERE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"pop's {name!r} data folder is missing from this installation")


def schema_path(name: str) -> Path:
    return data_path("schemas") / name
