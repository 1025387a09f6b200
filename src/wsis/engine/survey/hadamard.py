"""Hadamard matrices for balanced repeated replication and successive-difference replicates.

Matrices are 0/1 coded as in R's survey package, with a first row and column of ones. Orders that are
powers of two use Sylvester's doubling ``[[H, H], [H, 1-H]]`` from ``[[1]]`` (R's ``hadamard.doubler``;
this reproduces R's BRR replicates for 32 replicates exactly). Other multiples of four use R's Paley
construction when the order minus one is a prime congruent to 3 mod 4. R prefers matrices stored in
the package for some other orders, so BRR with a number of strata that is not just below a power of two
may pair half-samples differently from R (a different, equally valid balanced set).
"""

from __future__ import annotations

import numpy as np


def sylvester(order: int) -> np.ndarray:
    h = np.ones((1, 1), dtype=np.int8)
    while h.shape[0] < order:
        h = np.block([[h, h], [h, 1 - h]])
    return h


def _is_prime(n: int) -> bool:
    return n > 1 and all(n % d for d in range(2, int(n**0.5) + 1))


def paley(order: int) -> np.ndarray | None:
    """R's ``paley()``: quadratic residues of (i + j) mod p bordered by ones, p = order - 1 prime, 3 mod 4."""
    p = order - 1
    if not (_is_prime(p) and p % 4 == 3):
        return None
    residues = {0} | {(i * i) % p for i in range(1, (p - 1) // 2 + 1)}
    sums = np.add.outer(np.arange(p), np.arange(p)) % p
    h = np.ones((order, order), dtype=np.int8)
    h[1:, 1:] = np.where(np.isin(sums, list(residues)), 0, 1)
    return h


def hadamard(minimum_rows: int) -> np.ndarray:
    """Smallest available 0/1 Hadamard matrix with more than ``minimum_rows`` rows."""
    order = 4
    while True:
        if order > minimum_rows:
            if order & (order - 1) == 0:
                return sylvester(order)
            p = paley(order)
            if p is not None:
                return p
        order += 4
