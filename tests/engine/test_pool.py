"""Pools (engine.pool, RULES.md step 1): the canonical text, its hash and the order of the members."""

from __future__ import annotations

import hashlib

from engine.pool import freeze_pool
from tests.engine.test_draw import participant


def test_pool_canonical_text_and_hash():
    members = [
        participant("200", "950101300012"),
        participant("1000", "870412450038"),
        participant("30", "010203500047"),
    ]
    pool = freeze_pool(members, "2021-03", 50000)
    expected = "1,1000,870412450038,50000\n2,200,950101300012,50000\n3,30,010203500047,50000\n"
    assert pool.text == expected
    assert pool.sha256 == hashlib.sha256(expected.encode("utf-8")).hexdigest()
    assert [(m.ordinal, m.account) for m in pool.members] == [(1, "1000"), (2, "200"), (3, "30")]
    assert freeze_pool(list(reversed(members)), "2021-03", 50000).sha256 == pool.sha256


def test_pool_uses_plain_string_order():
    pool = freeze_pool([participant(a, "1") for a in ("b", "B", "10", "9", "1 0", "Ä")], "2021-03", 70000)
    assert [m.account for m in pool.members] == ["1 0", "10", "9", "B", "b", "Ä"]
    assert freeze_pool([], "2021-03", 70000).text == ""
