"""verify (engine.verify) with real parts: a SQLite file edited by hand, as someone with access to
the file would. The attacks of RULES.md "Integrity", one by one, are in test_integrity.py."""

from __future__ import annotations

import sqlite3

import pytest

from engine.draw import DrawOccasion, draw_month
from engine.store import Store
from engine.verify import verify
from tests.engine.test_draw import DRAW_DATE, march, store  # noqa: F401 - fixtures


def _tampered(tmp_path, store, sql):
    store.close()
    con = sqlite3.connect(store.url.removeprefix("sqlite:///"))
    con.execute(sql)
    con.commit()
    con.close()
    return {f.name: f for f in verify(Store(store.url)) if not f.ok}


@pytest.mark.parametrize(
    "sql, caught",
    [
        ("UPDATE winners SET account = '123456789' WHERE id = 3", "winners"),
        ("UPDATE pools SET text = substr(text, instr(text, char(10)) + 1) WHERE id = 1", "hash"),
        ("DELETE FROM audit WHERE seq = 2", "audit chain"),
        ("DELETE FROM audit WHERE seq = (SELECT max(seq) FROM audit)", "audit matches"),
        ("UPDATE audit SET actor = 'someone else' WHERE seq = 1", "audit chain"),
        ("UPDATE winners SET status = 'claimed' WHERE id = 1", "audit matches"),
    ],
)
def test_verify_catches_tampering(tmp_path, store, sql, caught):
    pv = march(tmp_path, store, counts={50000: 20, 70000: 0, 100000: 0})
    draw_month(store, pv, DrawOccasion("2021-03", DRAW_DATE, "offline"), entropy="777")
    assert all(f.ok for f in verify(store))
    failed = _tampered(tmp_path, store, sql)
    assert any(caught in name for name in failed), failed
