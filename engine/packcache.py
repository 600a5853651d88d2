"""Validated packs remembered between runs, keyed by the files they came from.

Parsing YAML and validating a pack costs far more than a CLI start may. An entry holds the
result and the (path, mtime, size) of every file that made it; any change to any of them, to
pop's version or to the registered checks makes it miss. A cache that cannot be read or
written is simply not used.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from . import __version__
from .files import private_dir

Stamp = list[list[Any]]


def cache_dir() -> Path:
    """``POP_CACHE_DIR``, else ``POP_HOME/cache``, else the platform's user cache folder."""
    if os.environ.get("POP_CACHE_DIR"):
        return Path(os.environ["POP_CACHE_DIR"])
    if os.environ.get("POP_HOME"):
        return Path(os.environ["POP_HOME"]) / "cache"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("pop", appauthor=False))


def stamp(paths: list[Path]) -> Stamp | None:
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
    def __init__(self, folder: Path | None = None, salt: str = ""):
        self.folder = folder or cache_dir()
        self.salt = f"{__version__}:{salt}"

    def _file(self, kind: str, key: str) -> Path:
        digest = hashlib.sha256(f"{self.salt}:{kind}:{key}".encode()).hexdigest()[:32]
        return self.folder / f"{kind}-{digest}.json"

    def get(self, kind: str, key: str) -> Any | None:
        try:
            entry = json.loads(self._file(kind, key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if entry.get("salt") != self.salt or stamp([Path(p) for p, *_ in entry["files"]]) != \
                entry["files"]:
            return None
        return entry["value"]

    def put(self, kind: str, key: str, files: list[Path], value: Any) -> None:
        files_stamp = stamp(files)
        if files_stamp is None:
            return
        target = self._file(kind, key)
        try:
            private_dir(self.folder)
            tmp = target.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps({"salt": self.salt, "files": files_stamp, "value": value},
                                      ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, target)
        except OSError:
            pass
