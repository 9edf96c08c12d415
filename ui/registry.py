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
    url_path: str  # never a file's stem: see below


# Why url paths differ from the file names: with a `pages/` folder, Streamlit
# answers the very first request of a fresh process (and every AppTest run) in
# its old folder mode, where "/upload" would run pages/upload.py without the
# router. A path no file is named after falls through to dashboard.py, whose
# st.navigation then opens the page properly.
PAGES: tuple[PageSpec, ...] = (
    PageSpec("home", "pages/home.py", ":material/home:", ("commission", "staff", "manager", "admin"), "start"),
    PageSpec("upload", "pages/upload.py", ":material/upload_file:", ("staff", "admin"), "preview"),
    PageSpec("draw", "pages/live_draw.py", ":material/casino:", ("commission", "admin"), "live-draw"),
    PageSpec("charts", "pages/charts.py", ":material/bar_chart:", ("manager", "staff", "admin"), "monthly-charts"),
    PageSpec("claims", "pages/claims.py", ":material/redeem:", ("staff", "admin"), "winners"),
    PageSpec(
        "documents", "pages/documents.py", ":material/description:", ("commission", "staff", "manager", "admin"), "docs"
    ),
    PageSpec("settings", "pages/settings.py", ":material/settings:", ("admin",), "admin"),
)

BY_KEY = {p.key: p for p in PAGES}

# Acts inside a page that not every role that opens the page may perform. A re-draw and the
# abandonment of a RANDOM.ORG ticket are the commission's acts (RULES.md, integrity rules 3 and 5).
ACTIONS: dict[str, tuple[str, ...]] = {
    "redraw": ("commission",),
    "abandon_ticket": ("commission",),
}


def pages_for(role: str) -> tuple[PageSpec, ...]:
    return tuple(p for p in PAGES if role in p.roles)


def allowed(role: str, key: str) -> bool:
    spec = BY_KEY.get(key)
    return bool(spec and role in spec.roles)


def may(role: str, action: str) -> bool:
    """Whether `role` may perform `action` (see ACTIONS); unknown actions are refused."""
    return role in ACTIONS.get(action, ())
