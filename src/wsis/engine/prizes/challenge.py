"""A proof-of-work challenge that needs no third-party service.

The server hands out a signed challenge string; the browser searches a ``nonce`` such that
SHA-256(challenge ":" category ":" nonce) starts with ``bits`` zero bits. At 16 bits that is ~65,000
hashes on average: under a second in a browser, a real cost for a script casting millions of ballots."""

from __future__ import annotations

import hashlib
from itertools import count


def leading_zero_bits(digest: bytes) -> int:
    bits = 0
    for byte in digest:
        if byte == 0:
            bits += 8
            continue
        return bits + 8 - byte.bit_length()
    return bits


def work_digest(challenge: str, category: int, nonce: int | str) -> bytes:
    return hashlib.sha256(f"{challenge}:{category}:{nonce}".encode()).digest()


def is_solution(challenge: str, category: int, nonce: int | str, bits: int) -> bool:
    return leading_zero_bits(work_digest(challenge, category, nonce)) >= bits


def solve(challenge: str, category: int, bits: int) -> int:
    """What the browser's script does (static/js/prizes-pow.js), for tests and command-line voters."""
    for nonce in count():
        if is_solution(challenge, category, nonce, bits):
            return nonce
    raise AssertionError("unreachable")
