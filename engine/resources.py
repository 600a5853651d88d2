"""Where pop's own data lives: in an installed wheel, or in a source checkout."""

from __future__ import annotations

import os
from functools import cache

_HERE = os.path.dirname(os.path.realpath(__file__))


@cache
def data_path(name: str) -> str:
    """The ``packs`` or ``schemas`` folder shipped with pop (as text: pathlib costs a start
    3 ms to import).

    A wheel carries them as ``engine/_data/<name>``; a source checkout (or an editable
    install) has them beside the package. Nothing else is searched, so a wheel that lacks
    its data fails loudly instead of reading a stray folder.
    """
    for candidate in (os.path.join(_HERE, "_data", name),
                      os.path.join(os.path.dirname(_HERE), name)):
        if os.path.isdir(candidate):
            return candidate
    raise FileNotFoundError(f"pop's {name!r} data folder is missing from this installation")


def schema_path(name: str) -> str:
    return os.path.join(data_path("schemas"), name)
