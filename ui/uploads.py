"""The uploaded files: kept byte for byte once frozen for a draw, previewed, and recorded as imports.

A file frozen for a month is kept under its SHA-256 in the data folder's
`uploads/`, so the draw later reads exactly the bytes the upload page showed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from engine import config
from engine.demo import demo_dir
from engine.preview import Preview, preview
from engine.records import ImportRecord
from ui.stores import history, rules, store


def demo_files() -> list[Path]:
    return sorted(demo_dir().glob("participants-*.xlsx"))


def uploads_dir() -> Path:
    return config.data_dir() / "uploads"


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
    """(bytes, the file's name when uploaded) of a kept file, or None when it is not kept here."""
    folder = uploads_dir()
    for path in folder.glob(f"{file_sha256}.*"):
        if path.suffix != ".name":
            name_file = folder / f"{file_sha256}.name"
            name = name_file.read_text(encoding="utf-8") if name_file.exists() else path.name
            return path.read_bytes(), name
    return None


def run_preview(
    data: bytes, file_name: str, *, draw_date: dt.date, month: str | None = None, sheet: str | None = None
) -> Preview:
    """engine.preview.preview on uploaded bytes, respecting what the store already holds."""
    return preview(data, file_name, month=month, draw_date=draw_date, sheet=sheet, rules=rules(), history=history())


def stored_imports(month: str, *, rehearsal: bool = False) -> list[ImportRecord]:
    return list(store().imports(month, rehearsal=rehearsal))


def freeze_import(result: Preview, month: str, data: bytes, *, rehearsal: bool = False) -> ImportRecord:
    """Keep the file and record the month's import (the pools a draw will freeze come from it)."""
    keep_upload(data, result.file_name)
    return store().record_import(result.import_summary(month), rehearsal=rehearsal)
