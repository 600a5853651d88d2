"""Validated packs remembered between runs, keyed by the files they came from.

Parsing YAML and validating a pack costs far more than a CLI start may. An entry holds the
result and the (path, mtime, size) of every file that made it; any change to any of them, to
pop's version or to the registered checks makes it miss. Entries are written owner-only and
carry a digest of what they hold: one cut short, damaged, or writable by anyone else is not
used. A cache that cannot be read or written is simply not used.
"""

from __future__ import annotations

import contextlib
import json
import os
from typing import Any

from . import __version__
from .files import private_dir
from .hashing import sha256_hex

Stamp = list[list[Any]]


def cache_dir() -> str:
    """``POP_CACHE_DIR``, else ``POP_HOME/cache``, else the platform's user cache folder
    (as text: pathlib costs a start 3 ms to import)."""
    if os.environ.get("POP_CACHE_DIR"):
        return os.environ["POP_CACHE_DIR"]
    if os.environ.get("POP_HOME"):
        return os.path.join(os.environ["POP_HOME"], "cache")
    from platformdirs import user_cache_dir

    return user_cache_dir("pop", appauthor=False)


def stamp(paths: list[str]) -> Stamp | None:
    """What identifies these files' contents cheaply; None if one is missing."""
    out = []
    for path in sorted({str(p) for p in paths}):
        try:
            info = os.stat(path)
        except OSError:
            return None
        out.append([path, info.st_mtime_ns, info.st_size])
    return out


class PackCache:
    def __init__(self, folder: str | os.PathLike | None = None, salt: str = ""):
        self.folder = os.fspath(folder) if folder else cache_dir()
        self.salt = f"{__version__}:{salt}"

    def _file(self, kind: str, key: str) -> str:
        digest = sha256_hex(f"{self.salt}:{kind}:{key}".encode())[:32]
        return os.path.join(self.folder, f"{kind}-{digest}.json")

    def get(self, kind: str, key: str) -> Any | None:
        """The remembered value, if the entry is whole, pop's own and still true."""
        try:
            with open(self._file(kind, key), "rb") as f:
                info = os.fstat(f.fileno())
                if info.st_mode & 0o022 or (hasattr(os, "getuid") and
                                            info.st_uid != os.getuid()):
                    return None  # someone else could have written it: not trusted
                raw = f.read()
            entry = json.loads(raw)
            body = json.dumps([entry["files"], entry["value"]], ensure_ascii=False,
                              sort_keys=True)
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if entry.get("salt") != self.salt or entry.get("digest") != _digest(self.salt, body):
            return None  # cut short, damaged, or of another pop
        if stamp([p for p, *_ in entry["files"]]) != entry["files"]:
            return None
        return entry["value"]

    def put(self, kind: str, key: str, files: list[str], value: Any) -> None:
        files_stamp = stamp(files)
        if files_stamp is None:
            return
        target = self._file(kind, key)
        body = json.dumps([files_stamp, value], ensure_ascii=False, sort_keys=True)
        entry = {"salt": self.salt, "digest": _digest(self.salt, body), "files": files_stamp,
                 "value": value}
        tmp = f"{target[:-len('.json')]}.{os.getpid()}.tmp"
        try:
            private_dir(self.folder)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0),
                         0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(json.dumps(entry, ensure_ascii=False).encode("utf-8"))
            os.chmod(tmp, 0o600)  # also when the temporary file was there before
            os.replace(tmp, target)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _digest(salt: str, body: str) -> str:
    return sha256_hex(f"{salt}\0{body}".encode("utf-8", "surrogatepass"))
