"""The protocol PDF of a month as it is handed out: rendered from the store, then signed."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from engine import config
from reports.certificates import signing_identity
from reports.protocol import SIGNING_ORGANISATION, SIGNING_SELF_SIGNED, render_protocol
from reports.signing import sign_pdf


def protocol_pdf(
    store,
    month: str,
    rules,
    *,
    rehearsal: bool = False,
    data_dir: str | os.PathLike | None = None,
    generated_at: dt.datetime | None = None,
    record=None,
) -> bytes:
    """Render the month's protocol from the store and sign it. `record`: the month as already read
    (the bundle passes the one its manifest is made from, so both carry the same audit head)."""
    record = record or store.month_record(month, rehearsal=rehearsal)
    identity = signing_identity(data_dir=data_dir or _store_data_dir(store))
    pdf = render_protocol(
        record,
        rules,
        generated_at=generated_at,
        signing=SIGNING_SELF_SIGNED if identity.self_signed else SIGNING_ORGANISATION,
    )
    return sign_pdf(
        pdf,
        identity=identity,
        reason=f"Protocol {record.protocol_number} of the draw for {month}",
        location=record.place or "Kazakhstan",
    )


def _store_data_dir(store) -> Path | None:
    """The folder of the store's SQLite file, so the local certificate lives with the data;
    None (the default data directory) for other databases."""
    value = getattr(store, "data_dir", None)
    if value:
        return Path(value)
    if config.configured_data_dir():
        return None
    engine = getattr(store, "engine", None)
    database = getattr(getattr(engine, "url", None), "database", None)
    if getattr(store, "dialect", "") == "sqlite" and database and database != ":memory:":
        return Path(database).resolve().parent
    return None
