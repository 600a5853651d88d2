"""Random ids for plans and people: short enough to type, drawn from the system's CSPRNG."""

from __future__ import annotations

import os

#: No 0/o, 1/l/i: an id read aloud or typed from paper is not mistaken.
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_LIMIT = 256 - 256 % len(ALPHABET)  # a byte at or above it would favour the first letters


def random_id(length: int) -> str:
    """``length`` letters of :data:`ALPHABET`, each equally likely, from ``os.urandom`` as
    ``secrets.choice`` would draw them (without importing secrets: with hmac, hashlib and
    random, 3 ms of a command that creates a plan)."""
    letters: list[str] = []
    while len(letters) < length:
        letters += [ALPHABET[byte % len(ALPHABET)] for byte in os.urandom(length)
                    if byte < _LIMIT]
    return "".join(letters[:length])
