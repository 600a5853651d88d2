"""Contributes the built-in packs (vdab, vandenberg, vtoc)."""

from engine import hookimpl
from engine.resources import data_path


@hookimpl
def pop_pack_dirs() -> list[str]:
    return [data_path("packs")]
