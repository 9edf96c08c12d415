"""A tier's pool (RULES.md step 1): frozen from the participants, its canonical text and hash.

A pool is the month and tier's participants sorted by account (plain string order) and
numbered 1..N; its text has one `ordinal,account,client_id,denomination` line per member
and its SHA-256 is published before any random number is asked for. The draw freezes
pools here; `verify` and the bundle read pool texts back with `parse_pool_text`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from engine.records import Participant, PoolMember
from engine.store import MEMBER_COLUMNS, string_bytes, string_order


@dataclass(frozen=True)
class FrozenPool:
    """A month and tier's participants sorted by account and numbered 1..N.

    `text` is the canonical form (one `ordinal,account,client_id,denomination` line
    each) and `sha256` its hash. `table` holds the members as columns (MEMBER_COLUMNS:
    ordinal, account, client_id, client_name, phone, region), what the store keeps one row
    each; `members` (PoolMember objects) is built on first use only: the hash of a
    million-member pool must not wait for a million small objects.
    """

    month: str
    denomination: int
    text: str
    sha256: str
    table: Any = field(repr=False, compare=False)  # pyarrow.Table, ordinal order

    @property
    def size(self) -> int:
        return self.table.num_rows

    @cached_property
    def members(self) -> tuple[PoolMember, ...]:
        den = self.denomination
        cols = [self.table.column(c).to_pylist() for c in MEMBER_COLUMNS]
        return tuple(
            PoolMember(ordinal=o, account=a, client_id=c, denomination=den, client_name=n, phone=p, region=r)
            for o, a, c, n, p, r in zip(*cols)
        )

    def member(self, ordinal: int) -> PoolMember:
        return self.members[ordinal - 1]


_POOL_SOURCE_COLUMNS = ("account", "client_id", "client_name", "phone", "region")


def participants_table(participants: Iterable[Participant]) -> Any:
    """Participant objects as the columns a pool is frozen from."""
    people = list(participants)
    return pa.table({c: pa.array([getattr(p, c) for p in people], pa.string()) for c in _POOL_SOURCE_COLUMNS})


def _pool_columns(source: Any) -> Any:
    """A pyarrow Table with the pool's source columns as plain strings (details: "" for missing)."""
    table = source if isinstance(source, pa.Table) else participants_table(source)
    columns = {}
    for c in _POOL_SOURCE_COLUMNS:
        if c not in table.column_names:
            if c in ("account", "client_id"):
                raise ValueError(f"the pool has no {c} column")
            columns[c] = pa.array([""] * table.num_rows, pa.string())
            continue
        col = table.column(c)
        col = pc.cast(col, pa.string()) if col.type != pa.string() else col
        if c in ("account", "client_id"):
            if col.null_count:
                raise ValueError(f"a member of the pool has no {c}; the pool cannot be frozen")
        else:
            col = pc.fill_null(col, "")
        columns[c] = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    return pa.table(columns)


def canonical_pool_bytes(ordinals: Any, accounts: Any, client_ids: Any, denomination: int) -> bytes:
    """RULES.md step 1's text from columns: `ordinal,account,client_id,denomination` and a line
    break per member, joined by Arrow and taken whole from its value buffer (UTF-8)."""
    if len(ordinals) == 0:
        return b""
    lines = pc.binary_join_element_wise(
        pc.cast(ordinals, pa.string()), accounts, client_ids, pa.scalar(f"{denomination}\n"), ","
    )
    return string_bytes(lines)[0]


def freeze_pool(participants: Any, month: str, denomination: int) -> FrozenPool:
    """RULES.md step 1: sort by account (plain string order), number 1..N, hash the text.

    `participants`: a pyarrow Table (account, client_id, client_name, phone, region; other
    columns such as row are ignored) or Participant objects. Arrow compares strings by their
    UTF-8 bytes, which is the order of their code points: Python's plain string order."""
    table = _pool_columns(participants)
    n = table.num_rows
    if n:
        table = table.take(string_order(table.column("account")))
    ordinals = pa.array(np.arange(1, n + 1, dtype=np.int64))
    members = pa.table({"ordinal": ordinals, **{c: table.column(c).combine_chunks() for c in _POOL_SOURCE_COLUMNS}})
    data = canonical_pool_bytes(ordinals, members.column("account"), members.column("client_id"), denomination)
    if data.count(b"\n") != n:
        raise ValueError("an account or client id contains a line break; the pool cannot be frozen")
    digest = hashlib.sha256(data).hexdigest()
    return FrozenPool(month, denomination, data.decode("utf-8"), digest, members)


def _pool_lines(text: str) -> list[str]:
    """The lines of a pool text, split at line feeds only: an account or client id may hold any
    other character, U+2028 or a form feed included (str.splitlines would split there too)."""
    if not text:
        return []
    lines = text.split("\n")
    return lines[:-1] if lines[-1] == "" else lines


def parse_pool_text(text: str) -> list[tuple[int, str, str, int]]:
    """(ordinal, account, client_id, denomination) per line; an account may contain commas."""
    out = []
    for line in _pool_lines(text):
        first, _, rest = line.partition(",")
        account_and_id, _, den = rest.rpartition(",")
        account, _, client_id = account_and_id.rpartition(",")
        out.append((int(first), account, client_id, int(den)))
    return out


def members_match_text(members: Any, text: str, denomination: int) -> bool:
    """The stored members say exactly what the pool text says: ordinals 1..N, and each member's
    account and client id on its own line (the text rebuilt from the members is the stored text)."""
    n = members.num_rows
    ordinals = members.column("ordinal").to_numpy()
    if not np.array_equal(ordinals, np.arange(1, n + 1)):
        return False
    data = canonical_pool_bytes(
        members.column("ordinal"),
        members.column("account").combine_chunks(),
        members.column("client_id").combine_chunks(),
        denomination,
    )
    return data == text.encode("utf-8")
