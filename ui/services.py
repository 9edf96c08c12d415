"""What the pages call: the engine and the reports, wired for Streamlit.

Nothing here computes a promotion rule. It opens the store, runs the engine's
preview and draw, builds the RANDOM.ORG client (or the rehearsal stand-in),
keeps the uploaded files that were frozen for a draw, and reshapes stored
records into tables for charts and screens.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from engine.records import OPEN_STATUSES, History, WinnerRecord
from engine.rules import Rules, load_rules

REPO = Path(__file__).resolve().parent.parent


# ---------------------------------------------------------------- configuration


def data_dir() -> Path:
    return Path(os.environ.get("PROMOTION_DATA_DIR") or REPO / "data")


def rules() -> Rules:
    return load_rules()


def secrets_dict() -> dict:
    try:
        return {k: v for k, v in st.secrets.items() if not hasattr(v, "items")}
    except Exception:  # no secrets file
        return {}


@st.cache_resource(show_spinner=False)
def _store(url: str | None, folder: str, actor: str):
    from engine.store import Store

    return Store(url, actor=actor)


def actor() -> str:
    """Who the audit record names: the signed-in user, or the demo."""
    from ui.auth import current_user

    user = current_user()
    if user is None or user.source == "demo":
        return "demo (access control off)"
    return f"{user.name} [{user.role}]"


def store():
    """The store for this configuration and user (one per data folder, so tests stay apart)."""
    return _store(os.environ.get("PROMOTION_DB_URL") or None, str(data_dir()), actor())


def history() -> History:
    return store().history()


# ---------------------------------------------------------------- files


def demo_files() -> list[Path]:
    from engine.demo import demo_dir

    return sorted(demo_dir().glob("participants-*.xlsx"))


def uploads_dir() -> Path:
    return data_dir() / "uploads"


def keep_upload(data: bytes, file_name: str) -> Path:
    """Keep the exact bytes that were frozen, named by their SHA-256, so the draw reads the same file."""
    sha = hashlib.sha256(data).hexdigest()
    folder = uploads_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{sha}{Path(file_name).suffix.lower()}"
    if not path.exists():
        path.write_bytes(data)
    (folder / f"{sha}.name").write_text(file_name, encoding="utf-8")
    return path


def kept_upload(file_sha256: str) -> tuple[bytes, str] | None:
    folder = uploads_dir()
    for path in folder.glob(f"{file_sha256}.*"):
        if path.suffix != ".name":
            name_file = folder / f"{file_sha256}.name"
            name = name_file.read_text(encoding="utf-8") if name_file.exists() else path.name
            return path.read_bytes(), name
    return None


# ---------------------------------------------------------------- preview


def run_preview(data: bytes, file_name: str, *, draw_date: dt.date, month: str | None = None, sheet: str | None = None):
    """engine.preview.preview on uploaded bytes, respecting what the store already holds."""
    from engine.preview import preview

    return preview(data, file_name, month=month, draw_date=draw_date, sheet=sheet, rules=rules(), history=history())


def stored_imports(month: str, *, rehearsal: bool = False) -> list:
    return list(store().imports(month, rehearsal=rehearsal))


def freeze_import(preview, month: str, data: bytes, *, rehearsal: bool = False):
    keep_upload(data, preview.file_name)
    return store().record_import(preview, month, rehearsal=rehearsal)


# ---------------------------------------------------------------- status at a glance


@dataclass(frozen=True)
class Status:
    drawn_months: tuple[str, ...]
    next_month: str | None  # the first month of Table 2 not drawn yet
    draw_due_in: str | None  # the month in which that draw is due (clause 8: the month after)
    next_draw_date: dt.date | None  # when a commission session already names the day
    certificates_drawn: int
    face_value_handed_over: int
    open_claims: tuple[WinnerRecord, ...]


def status(*, rehearsal: bool = False) -> Status:
    from engine.rules import next_month

    r = rules()
    s = store()
    drawn = tuple(s.months(rehearsal=rehearsal))
    upcoming = next((m for m in r.months if m not in drawn), None)
    winners = s.winners(rehearsal=rehearsal)
    current = [w for w in winners if w.current]
    return Status(
        drawn_months=drawn,
        next_month=upcoming,
        draw_due_in=next_month(upcoming) if upcoming else None,
        next_draw_date=None,
        certificates_drawn=len(current),
        face_value_handed_over=sum(w.denomination for w in current if w.status == "claimed"),
        open_claims=tuple(sorted((w for w in current if w.status in OPEN_STATUSES), key=lambda w: w.deadline)),
    )
