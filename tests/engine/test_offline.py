"""The offline method (RFC 3797 with SHA-256): a hand-computed vector, the reference, the text in words."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.offline import OFFLINE_ALGORITHM_TEXT, offline_select
from tests.reference import reference_select

POOL_TEXT = "".join(f"{i},KZ{i:06d},C{i},5000\n" for i in range(1, 11))
POOL_SHA = hashlib.sha256(POOL_TEXT.encode("utf-8")).hexdigest()


def test_offline_reproduces_hand_computed_vector():
    assert POOL_SHA == "6072dc8c4019f73ddd54ccb56b929202787de9925920dd0a708d54305716b594"
    # Computed with hashlib by reference_select and written down, so a change in either shows.
    assert reference_select(POOL_SHA, "3 5 1 6 2 4", 10, 4) == [9, 3, 7, 2]
    assert offline_select(POOL_SHA, "3 5 1 6 2 4", 10, 4) == [9, 3, 7, 2]


def test_offline_properties():
    winners = offline_select(POOL_SHA, "dice 6 6 1", 1_000_000, 25)
    assert len(winners) == 25 and len(set(winners)) == 25
    assert all(1 <= w <= 1_000_000 for w in winners)
    assert winners == offline_select(POOL_SHA, "dice 6 6 1", 1_000_000, 25)
    assert winners != offline_select(POOL_SHA, "dice 6 6 2", 1_000_000, 25)
    assert winners == offline_select(POOL_SHA, "  dice 6 6 1\n", 1_000_000, 25)
    assert winners == reference_select(POOL_SHA, "dice 6 6 1", 1_000_000, 25)


def test_offline_full_draw_is_a_permutation():
    winners = offline_select(POOL_SHA, "42", 50, 50)
    assert sorted(winners) == list(range(1, 51))
    assert winners == reference_select(POOL_SHA, "42", 50, 50)


@pytest.mark.parametrize(
    "args",
    [
        (POOL_SHA, "1", 3, 4),  # more winners than the pool
        (POOL_SHA, "   \n", 3, 1),  # no entropy
        ("abc", "1", 3, 1),  # not a SHA-256
        (POOL_SHA, "1", 3, -1),
    ],
)
def test_offline_refuses(args):
    with pytest.raises(ValueError):
        offline_select(*args)


def test_offline_algorithm_text_is_what_the_code_does():
    """The protocol prints OFFLINE_ALGORITHM_TEXT for anyone to recompute the winners: read literally,
    step by step, it must give offline_select's winners."""
    text = OFFLINE_ALGORITHM_TEXT
    for step in (
        "the 32 bytes of pool_sha256 followed by",
        "without leading and trailing spaces, in UTF-8",
        "SHA-256(i as 4 bytes big-endian + seed + i as 4 bytes big-endian)",
        "read as a big-endian integer",
        "(x mod R) of the R participants not yet drawn, in ordinal order",
    ):
        assert step in text, step

    def as_the_text_says(pool_sha256: str, entropy: str, size: int, n: int) -> list[int]:
        seed = bytes.fromhex(pool_sha256) + entropy.strip().encode("utf-8")
        left, winners = list(range(1, size + 1)), []
        for i in range(n):
            x = int.from_bytes(hashlib.sha256(i.to_bytes(4, "big") + seed + i.to_bytes(4, "big")).digest(), "big")
            winners.append(left.pop(x % len(left)))
        return winners

    for entropy, size, n in (("3 5 1 6 2 4", 10, 4), ("  кубик 6 6 1 ", 261, 25), ("x", 1, 1)):
        assert offline_select(POOL_SHA, entropy, size, n) == as_the_text_says(POOL_SHA, entropy, size, n)


@settings(max_examples=200, deadline=None)
@given(
    pool_sha=st.binary(min_size=32, max_size=32).map(bytes.hex),
    entropy=st.text(min_size=1, max_size=20).filter(lambda s: s.strip()),
    pool_size=st.integers(min_value=1, max_value=300),
    data=st.data(),
)
def test_offline_matches_reference(pool_sha, entropy, pool_size, data):
    n = data.draw(st.integers(min_value=0, max_value=pool_size))
    assert offline_select(pool_sha, entropy, pool_size, n) == reference_select(pool_sha, entropy, pool_size, n)
