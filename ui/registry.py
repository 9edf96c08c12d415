"""The app's screens and the roles that may open each one.

dashboard.py builds `st.navigation` from this list, so a page a role may not
see is not even routed; `page_setup()` checks again in case a page is reached
another way.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    key: str  # also the catalogue key "page.<key>"
    path: str
    icon: str
    roles: tuple[str, ...]
    url_path: str


PAGES: tuple[PageSpec, ...] = (
    PageSpec("home", "pages/home.py", ":material/home:", ("commission", "staff", "manager", "admin"), "home"),
    PageSpec("upload", "pages/upload.py", ":material/upload_file:", ("staff", "admin"), "upload"),
    PageSpec("draw", "pages/live_draw.py", ":material/casino:", ("commission", "admin"), "draw"),
    PageSpec("charts", "pages/charts.py", ":material/bar_chart:", ("manager", "staff", "admin"), "charts"),
    PageSpec("claims", "pages/claims.py", ":material/redeem:", ("staff", "admin"), "claims"),
    PageSpec("documents", "pages/documents.py", ":material/description:", ("commission", "staff", "manager", "admin"), "documents"),
    PageSpec("settings", "pages/settings.py", ":material/settings:", ("admin",), "settings"),
)

BY_KEY = {p.key: p for p in PAGES}


def pages_for(role: str) -> tuple[PageSpec, ...]:
    return tuple(p for p in PAGES if role in p.roles)


def allowed(role: str, key: str) -> bool:
    spec = BY_KEY.get(key)
    return bool(spec and role in spec.roles)
