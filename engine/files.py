"""Files and folders pop creates hold personal data: owner-only from the first byte."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from .errors import UsageError
from .i18n import _


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


def write_private(path: Path, data: bytes | str, force: bool) -> None:
    """Write ``data`` (text as UTF-8) to a new file at ``path`` that only its owner can read.

    An existing file is refused unless ``force``; then it is replaced at once (a new owner-only
    file renamed over it, never half written, never with the old file's permissions). A folder,
    a missing folder or a place pop may not write is a :class:`UsageError`, not a traceback.
    """
    path = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if path.is_dir():
        raise UsageError(_("{file} is a folder; give the name of a file").format(file=path))
    try:
        if not force:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                         0o600)
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(raw)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(path)
                raise
            return
        import tempfile

        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        try:
            with os.fdopen(fd, "wb") as f:  # mkstemp makes it owner-only (0600)
                f.write(raw)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except FileExistsError:
        raise UsageError(_("{file} exists; use --force to overwrite it").format(
            file=path)) from None
    except OSError as exc:
        raise UsageError(_("cannot write {file}: {error}").format(
            file=path, error=exc.strerror or exc)) from None
