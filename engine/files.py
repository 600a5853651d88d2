"""Files and folders pop creates hold personal data: owner-only from the first byte."""

from __future__ import annotations

from pathlib import Path


def private_dir(path: Path) -> Path:
    """Create ``path`` (and any missing parents) readable by its owner only.

    Folders that already exist are left as they are: they may be the user's own choice.
    """
    missing = []
    current = path
    while not current.exists():
        missing.append(current)
        current = current.parent
    for folder in reversed(missing):
        folder.mkdir(mode=0o700, exist_ok=True)
    return path
