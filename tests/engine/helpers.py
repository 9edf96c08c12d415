"""Helpers that several engine test modules share, so that no test module imports another:
the release-1 database copy (migrations, integrity) and the insider's edit of a stored pool
member chunk (integrity, migrations, pool scaling)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pyarrow as pa

from engine.store import CHUNK_COLUMNS, decode_member_chunk, encode_member_chunk

RELEASE1 = Path(__file__).resolve().parent / "data" / "release1.sqlite"


def release1_copy(tmp_path: Path) -> str:
    path = tmp_path / "release1.sqlite"
    shutil.copyfile(RELEASE1, path)
    return f"sqlite:///{path}"


def edit_chunk(db_path, pool_id: int, ordinal: int, change) -> None:
    """Rewrite the stored chunk that holds `ordinal`, as an insider who knows the format would:
    decode its Arrow stream, `change(rows, i)` the list of member dicts (i: the ordinal's index
    in it, rows may be edited, dropped or added), encode it again and store it with its count."""
    con = sqlite3.connect(db_path)
    try:
        chunk, first, data = con.execute(
            "SELECT chunk, first_ordinal, data FROM pool_member_chunks WHERE pool_id = ? AND first_ordinal <= ? "
            "AND first_ordinal + count > ?",
            (pool_id, ordinal, ordinal),
        ).fetchone()
        rows = decode_member_chunk(data, first).select(list(CHUNK_COLUMNS)).to_pylist()
        change(rows, ordinal - first)
        table = pa.table({c: pa.array([r[c] for r in rows], pa.string()) for c in CHUNK_COLUMNS})
        con.execute(
            "UPDATE pool_member_chunks SET data = ?, count = ? WHERE pool_id = ? AND chunk = ?",
            (encode_member_chunk(table), len(rows), pool_id, chunk),
        )
        con.commit()
    finally:
        con.close()


def set_member(pool_id: int, ordinal: int, every: bool = False, **values: str):
    """An edit (for `apply_edit`) setting fields of one member, or of every member of its chunk."""

    def change(rows: list, i: int) -> None:
        for row in rows if every else [rows[i]]:
            row.update({k: v(row[k]) if callable(v) else v for k, v in values.items()})

    return lambda db_path: edit_chunk(db_path, pool_id, ordinal, change)
