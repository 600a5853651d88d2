"""The digest pop computes without hashlib is hashlib's SHA-256, byte for byte."""

import hashlib

from hypothesis import given
from hypothesis import strategies as st

from engine.hashing import sha256_hex


@given(st.binary(max_size=5000))
def test_sha256_hex_is_hashlibs_sha256(data: bytes) -> None:
    assert sha256_hex(data) == hashlib.sha256(data).hexdigest()


def test_a_known_digest() -> None:
    assert sha256_hex(b"abc") == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
