"""What the admin sets once in Settings for every draw: the commission and the place of the draw.

Kept as small files in the data folder; every change is also written to the
audit record.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from engine import config
from engine.records import CommissionMember
from ui.catalog import ENTRIES
from ui.stores import store


def commission_file() -> Path:
    return config.data_dir() / "commission.json"


def default_commission() -> list[CommissionMember]:
    """The commission the admin set up; the live draw starts from it and records who was present."""
    path = commission_file()
    if not path.exists():
        return []
    try:
        items = json.loads(path.read_text(encoding="utf-8"))
        return [
            CommissionMember(str(i["role"]), str(i["name"]), str(i.get("position", ""))) for i in items if i.get("name")
        ]
    except (ValueError, KeyError, TypeError):
        return []


def save_default_commission(members: list[CommissionMember]) -> None:
    path = commission_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps([asdict(m) for m in members], ensure_ascii=False, indent=2), encoding="utf-8")
    store().append_audit("commission_defaults", {"members": [[m.role, m.name, m.position] for m in members]})


def place_file() -> Path:
    return config.data_dir() / "place.txt"


def _place_defaults() -> tuple[str, str, str]:
    return ENTRIES["draw.place_default"]


def default_place() -> str:
    """The place of the draw as the documents print it, in Kazakh and Russian whatever the screen's
    language: the admin's wording (Settings), else "Астана қ., «Қазақтелеком» АҚ / г. Астана, АО «Казахтелеком»"."""
    path = place_file()
    saved = path.read_text(encoding="utf-8").strip() if path.exists() else ""
    if saved:
        return saved
    kk, ru, _ = _place_defaults()
    return f"{kk} / {ru}"


def save_default_place(place: str) -> None:
    path = place_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(place.strip(), encoding="utf-8")
    store().append_audit("place_default", {"place": place.strip()})


def document_place(place: str) -> str:
    """The place as it is stored and printed: the default offered in any interface language becomes
    the documents' Kazakh/Russian wording (a Kazakh/Russian protocol must not say "Astana, Kazakhtelecom JSC");
    a place the commission typed is kept as typed."""
    place = (place or "").strip()
    return default_place() if not place or place in _place_defaults() else place
