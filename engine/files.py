"""Files and folders pop creates hold personal data: owner-only from the first byte."""

from __future__ import annotations

import contextlib
import os
import stat
from typing import TypeVar

from .errors import UsageError
from .i18n import _

_Path = TypeVar("_Path", str, os.PathLike)  # paths as text or objects: pathlib costs 3 ms


def private_dir(path: _Path) -> _Path:
    """Create ``path`` (and any missing parents) readable by its owner only.

    Folders that already exist are left as they are: they may be the user's own choice.
    """
    missing = []
    current = os.path.abspath(path)
    while not os.path.exists(current):
        missing.append(current)
        current = os.path.dirname(current)
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):
            os.mkdir(folder, 0o700)
    return path


def write_private(path: str | os.PathLike, data: bytes | str, force: bool) -> None:
    """Write ``data`` (text as UTF-8) to a new file at ``path`` that only its owner can read.

    The bytes go to an owner-only temporary file in the same folder, are synced, and only then
    take the final name: linked to it (refused if it exists) or, with ``force``, renamed over
    it. A crash at any moment leaves either the old state or the whole new file, never a
    half-written one under the final name; the temporary file is removed on every way out. A
    folder, a device or pipe, a missing folder, a name too long or a place pop may not write
    is a :class:`UsageError`, not a traceback.
    """
    import tempfile

    path = os.fspath(path)
    folder = os.path.dirname(path) or "."
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        existing = os.stat(path)
    except FileNotFoundError:
        existing = None
    except OSError as exc:
        raise UsageError(_("cannot write {file}: {error}").format(
            file=path, error=exc.strerror or exc)) from None
    if existing is not None and stat.S_ISDIR(existing.st_mode):
        raise UsageError(_("{file} is a folder; give the name of a file").format(file=path))
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        raise UsageError(_("{file} is not a regular file (a device, pipe or socket); pop "
                           "writes only files").format(file=path))
    if existing is not None and not force:
        raise UsageError(_("{file} exists; use --force to overwrite it").format(file=path))
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".pop-", suffix=".tmp")
        with os.fdopen(fd, "wb") as f:  # mkstemp makes it owner-only (0600)
            f.write(raw)
            f.flush()
            os.fsync(f.fileno())
        if force:
            os.replace(tmp, path)
        else:
            _link(tmp, path)
        _sync_folder(folder)
    except FileExistsError:
        raise UsageError(_("{file} exists; use --force to overwrite it").format(
            file=path)) from None
    except OSError as exc:
        raise UsageError(_("cannot write {file}: {error}").format(
            file=path, error=exc.strerror or exc)) from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _link(tmp: str, path: str) -> None:
    """Give ``tmp`` the name ``path`` unless it is taken (meanwhile): nothing overwritten."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links: the name is checked just before
        if os.path.lexists(path):
            raise FileExistsError(path) from None
        os.rename(tmp, path)


def _sync_folder(folder: str) -> None:
    """Make the new name itself survive a crash (where the system allows it)."""
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class NotARegularFile(OSError):
    """A device, pipe or socket where a file was expected: never read (it may never end)."""


def read_limited(path: str | os.PathLike, limit: int) -> bytes:
    """At most ``limit + 1`` bytes of a regular file: enough to tell "too large" without
    reading an endless one. A pipe, device or socket is refused without blocking on it."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotARegularFile(_("not a regular file (a device, pipe or socket)"))
        chunks, left = [], limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)
