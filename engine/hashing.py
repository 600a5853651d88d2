"""SHA-256, the one digest pop uses (agreed content, packs, cache keys, link tokens).

From CPython's own implementation where it has one: ``import hashlib`` loads OpenSSL's libcrypto
first, 2 ms of a command that shows one plan, and the digests are the same bytes either way.
"""

from __future__ import annotations

try:
    from _sha2 import sha256 as _sha256  # Python 3.12 and later
except ImportError:  # pragma: no cover - depends on the Python
    try:
        from _sha256 import sha256 as _sha256  # Python 3.11
    except ImportError:  # a Python without them (PyPy): OpenSSL's
        from hashlib import sha256 as _sha256


def sha256_hex(data: bytes) -> str:
    """The SHA-256 digest of ``data``, as 64 hex digits."""
    return _sha256(data).hexdigest()
