"""The offline method of choosing winners (RFC 3797 with SHA-256), for when RANDOM.ORG cannot be reached.

RULES.md "The draw", step 3: the winners follow from the published pool hash
and a public entropy string (dice rolled in front of the commission), so
anyone can recompute them. `OFFLINE_ALGORITHM_TEXT` is the method in words for
the documents; `offline_select` is the same method in code (a test reads the
text literally and checks they agree).
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_right, insort
from collections.abc import Iterator

OFFLINE_ALGORITHM_TEXT = (
    "Offline method (RFC 3797 with SHA-256). The pool is numbered 1..N in account order and its"
    " SHA-256 (pool_sha256) is published first. The commission enters a public entropy string,"
    " for example dice rolled in front of everyone. seed = the 32 bytes of pool_sha256 followed by"
    " the entropy string without leading and trailing spaces, in UTF-8. For i = 0, 1, 2, ...:"
    " x = SHA-256(i as 4 bytes big-endian + seed + i as 4 bytes big-endian), read as a big-endian"
    " integer; the i-th winner is the participant at 0-based position (x mod R) of the R"
    " participants not yet drawn, in ordinal order, who is then removed. Anyone can recompute the"
    " winners from the published pool, its hash and the entropy string."
)

_SHA256_HEX = re.compile(r"[0-9a-fA-F]{64}")


def _offline_indices(seed: bytes, pool_size: int, n: int) -> Iterator[int]:
    """0-based positions in the remaining list, one per draw (RULES.md step 3)."""
    for i in range(n):
        counter = i.to_bytes(4, "big")
        x = int.from_bytes(hashlib.sha256(counter + seed + counter).digest(), "big")
        yield x % (pool_size - i)


def offline_select(pool_sha256: str, entropy: str, pool_size: int, n: int) -> list[int]:
    """Winners' 1-based ordinals in draw order, by the offline method of RULES.md step 3.

    Instead of a list of all N ordinals, only the drawn ones are kept (sorted):
    position k of the remaining list is the smallest ordinal o with
    o = k + 1 + (number of drawn ordinals <= o). O(n) memory, fast for
    N = 1 000 000; time grows with n², fine up to RANDOM.ORG's n = 10 000.
    """
    if not _SHA256_HEX.fullmatch(pool_sha256):
        raise ValueError("pool_sha256 must be 64 hexadecimal digits")
    entropy = entropy.strip()
    if not entropy:
        raise ValueError("the entropy string is empty")
    if pool_size < 0 or n < 0:
        raise ValueError("pool_size and n must not be negative")
    if n > pool_size:
        raise ValueError(f"cannot draw {n} from a pool of {pool_size}")
    seed = bytes.fromhex(pool_sha256) + entropy.encode("utf-8")
    drawn_sorted: list[int] = []
    winners: list[int] = []
    for k in _offline_indices(seed, pool_size, n):
        # Fixed-point iteration from below reaches the smallest solution, which is never a drawn ordinal.
        ordinal = k + 1
        while True:
            shifted = k + 1 + bisect_right(drawn_sorted, ordinal)
            if shifted == ordinal:
                break
            ordinal = shifted
        insort(drawn_sorted, ordinal)
        winners.append(ordinal)
    return winners
