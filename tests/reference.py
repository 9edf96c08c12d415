"""Independent oracles for tests: RULES.md procedures written out as plainly as
possible, never importing the engine, so a test compares the engine with them."""

from __future__ import annotations

import hashlib


def reference_select(pool_sha256: str, entropy: str, pool_size: int, n: int) -> list[int]:
    """RULES.md step 3 (RFC 3797 with SHA-256): pool ordinals of certificates 1..n."""
    seed = bytes.fromhex(pool_sha256) + entropy.strip().encode("utf-8")
    remaining = list(range(1, pool_size + 1))
    winners = []
    for i in range(n):
        counter = i.to_bytes(4, "big")
        x = int.from_bytes(hashlib.sha256(counter + seed + counter).digest(), "big")
        winners.append(remaining.pop(x % len(remaining)))
    return winners
