"""A frozen pool's members as Arrow columns: the chunks they are stored in, the hash the audit
record keeps of their details, and the string helpers that keep a million members off Python
objects (byte order, JSON arrays, UTF-8 buffers).

pyarrow and numpy are imported inside the functions that use them, on purpose: they cost
0.13-0.15 s to import, and the document commands (`python -m reports ...`) open the store
without ever reading members (tests/reports/test_light_imports.py, benchmarks/commands.py).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

# A frozen pool's members as columns (a pyarrow Table, ordinal order): what pool_member_chunks
# holds. Details = the last three, printed for a winner and hashed into the audit record.
MEMBER_COLUMNS = ("ordinal", "account", "client_id", "client_name", "phone", "region")
DETAIL_COLUMNS = ("client_name", "phone", "region")


# How pool_member_chunks holds a pool's members (revision 0004): MEMBER_CHUNK members a chunk,
# each chunk its CHUNK_COLUMNS (UTF-8 strings, in ordinal order; the ordinal is first_ordinal + i)
# as one Arrow IPC stream (a schema message and one record batch, buffers compressed with LZ4 frame
# as the IPC format allows): pyarrow.ipc.open_stream(data).read_all() reads it in any Python.
# LZ4 against Zstandard and none, 900 000 members (benchmarks/draw.py's tier): encode + store +
# decode 0.25 s against 0.35 s and 0.26 s, 29 MB against 13 MB and 61 MB.
MEMBER_CHUNK = 4096
CHUNK_COLUMNS = ("account", "client_id", "client_name", "phone", "region")
_CHUNK_COMPRESSION = "lz4"


def encode_member_chunk(columns: Any) -> bytes:
    """One chunk's members (a pyarrow Table or RecordBatch with CHUNK_COLUMNS) as Arrow IPC bytes."""
    import pyarrow as pa  # noqa: PLC0415 (0.14 s; see the module docstring)
    import pyarrow.ipc as ipc  # noqa: PLC0415 (0.14 s; see the module docstring)

    arrays = []
    for c in CHUNK_COLUMNS:
        col = columns.column(c)
        col = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
        arrays.append(col if col.type == pa.string() else col.cast(pa.string()))
    batch = pa.record_batch(arrays, names=list(CHUNK_COLUMNS))
    sink = pa.BufferOutputStream()
    with ipc.new_stream(sink, batch.schema, options=ipc.IpcWriteOptions(compression=_CHUNK_COMPRESSION)) as writer:
        writer.write_batch(batch)
    return sink.getvalue().to_pybytes()


def member_chunks(members: Any) -> list[tuple[int, int, int, bytes]]:
    """(chunk, first_ordinal, count, data) of a pool's members (MEMBER_COLUMNS, ordinal order 1..N)."""
    table = members.select(list(CHUNK_COLUMNS))
    out = []
    for k, start in enumerate(range(0, members.num_rows, MEMBER_CHUNK)):
        part = table.slice(start, MEMBER_CHUNK).combine_chunks()
        out.append((k, start + 1, part.num_rows, encode_member_chunk(part)))
    return out


def decode_member_chunk(data: bytes, first_ordinal: int) -> Any:
    """A stored chunk as a members table (MEMBER_COLUMNS, ordinals from first_ordinal); None when
    its bytes are not an Arrow stream of exactly CHUNK_COLUMNS as strings (changed by hand)."""
    import numpy as np  # noqa: PLC0415 (0.14 s; see the module docstring)
    import pyarrow as pa  # noqa: PLC0415 (0.14 s; see the module docstring)
    import pyarrow.ipc as ipc  # noqa: PLC0415 (0.14 s; see the module docstring)

    if not isinstance(data, (bytes, bytearray, memoryview)):  # e.g. text written over it by hand
        return None
    try:
        table = ipc.open_stream(pa.py_buffer(data)).read_all()
    except (pa.ArrowException, OSError, ValueError):
        return None
    if tuple(table.column_names) != CHUNK_COLUMNS or any(t != pa.string() for t in table.schema.types):
        return None
    ordinals = pa.array(np.arange(first_ordinal, first_ordinal + table.num_rows, dtype=np.int64))
    return pa.table({"ordinal": ordinals, **{c: table.column(c).combine_chunks() for c in CHUNK_COLUMNS}})


def empty_members() -> Any:
    import pyarrow as pa  # noqa: PLC0415 (0.14 s; see the module docstring)

    return pa.table({c: pa.array([], pa.int64() if c == "ordinal" else pa.string()) for c in MEMBER_COLUMNS})


def members_from_chunks(chunks: Iterable[tuple[int, bytes]]) -> Any:
    """A pool's members table from its stored chunks ((first_ordinal, data) in chunk order); a chunk
    that cannot be read counts as no members (the text rebuilt from them then differs)."""
    import pyarrow as pa  # noqa: PLC0415 (0.14 s; see the module docstring)

    tables = [t for t in (decode_member_chunk(data, first) for first, data in chunks) if t is not None]
    return pa.concat_tables(tables) if tables else empty_members()


def string_bytes(column: Any) -> tuple[bytes, Any]:
    """The UTF-8 bytes of a string column's values, concatenated, and their lengths (numpy int64):
    straight from Arrow's buffers, without a Python object per value."""
    import numpy as np  # noqa: PLC0415 (0.14 s; see the module docstring)
    import pyarrow as pa  # noqa: PLC0415 (0.14 s; see the module docstring)
    import pyarrow.compute as pc  # noqa: PLC0415 (0.14 s; see the module docstring)

    arr = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if not isinstance(arr, pa.Array):
        arr = pa.array(list(arr), pa.large_string())
    if arr.null_count or arr.type not in (pa.string(), pa.large_string()):
        arr = pc.fill_null(arr.cast(pa.large_string()), "")
    n = len(arr)
    if n == 0:
        return b"", np.zeros(0, dtype=np.int64)
    width = "<i4" if arr.type == pa.string() else "<i8"  # 32- or 64-bit offsets, read in place
    offsets = np.frombuffer(arr.buffers()[1], dtype=width)[arr.offset : arr.offset + n + 1].astype(np.int64)
    data = arr.buffers()[2]
    values = b"" if data is None else bytes(memoryview(data)[int(offsets[0]) : int(offsets[-1])])
    return values, np.diff(offsets)


def string_order(strings: Any) -> Any:
    """Indices that sort a string column in plain string order (stable): Python's order, the order
    of the UTF-8 bytes. When every value is ASCII digits of one length (up to 18: account numbers,
    IINs), that is the order of their values, and Arrow sorts 64-bit integers several times
    faster than strings."""
    import pyarrow as pa  # noqa: PLC0415 (0.14 s; see the module docstring)
    import pyarrow.compute as pc  # noqa: PLC0415 (0.14 s; see the module docstring)

    if len(strings):
        lengths = pc.min_max(pc.binary_length(strings)).as_py()
        if 0 < lengths["min"] == lengths["max"] <= 18 and pc.all(pc.ascii_is_decimal(strings)).as_py():
            return pc.sort_indices(pc.cast(strings, pa.int64()))
    return pc.sort_indices(strings)


def json_string_array(strings: Any) -> str:
    """The JSON text of a string column as an array. Built from Arrow's buffer when every value is
    ASCII letters and digits (nothing to escape: client ids), else by json.dumps of the values."""
    import pyarrow.compute as pc  # noqa: PLC0415 (0.14 s; see the module docstring)

    if len(strings) and pc.all(pc.ascii_is_alnum(strings)).as_py():
        values, _ = string_bytes(pc.binary_join_element_wise('"', strings, '",', ""))
        return "[" + values[:-1].decode("ascii") + "]"
    return json.dumps(strings.to_pylist(), ensure_ascii=False, separators=(",", ":"))


def members_sha256(members: Any) -> str:
    """SHA-256 of a pool's members' details (name, phone, region per ordinal), what the audit
    record's pool_frozen entry keeps of them (`members_sha256`, rule 7). Canonical and cheap from
    columns: the member count (8 bytes, little-endian), then per column its values' UTF-8 lengths
    (8 bytes each, little-endian) followed by the values' bytes, in ordinal order."""
    h = hashlib.sha256(members.num_rows.to_bytes(8, "little"))
    for name in DETAIL_COLUMNS:
        values, lengths = string_bytes(members.column(name))
        h.update(lengths.astype("<u8").tobytes())
        h.update(values)
    return h.hexdigest()


def members_from_text(pool_text: str, details_json: str = "") -> Any:
    """The members table of a pool stored as text and a details JSON list (pools made before
    revision 0004, or given so by a caller): ordinal, account and client_id from each line."""
    import pyarrow as pa  # noqa: PLC0415 (0.14 s; see the module docstring)

    details = json.loads(details_json) if details_json.strip() else []
    cols: dict[str, list] = {c: [] for c in MEMBER_COLUMNS}
    lines = pool_text.split("\n")  # line feeds only: an account may hold U+2028 and the like
    if lines[-1] == "":
        lines.pop()
    for i, line in enumerate(lines):
        first, _, rest = line.partition(",")
        account_and_id, _, _den = rest.rpartition(",")
        account, _, client_id = account_and_id.rpartition(",")
        name, phone, region = ([*details[i], "", "", ""] if i < len(details) else ["", "", ""])[:3]
        for c, v in zip(MEMBER_COLUMNS, (int(first), account, client_id, name, phone, region)):
            cols[c].append(v if c == "ordinal" else "" if v is None else str(v))
    return pa.table({c: pa.array(v, pa.int64() if c == "ordinal" else pa.string()) for c, v in cols.items()})
