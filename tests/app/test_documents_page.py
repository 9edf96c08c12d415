"""The documents page: each document is one click (the download button makes it when clicked), and
the audit record is shown in words, in the user's language, with translated headers and Almaty time.

Real engine, a real SQLite file in a fresh data folder.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager

from engine import signin
from tests.app.test_claims_page import drawn_march
from tests.app.test_pages import app, data_dir, march_file, no_exception, open_page  # noqa: F401 - fixtures
from ui import claims
from ui.catalog import ENTRIES

KK, RU, EN = 0, 1, 2
KINDS = ("protocol", "acts", "publish_xlsx", "publish_html", "accounting", "bundle")


@pytest.fixture
def deferred(monkeypatch):
    """What each download button would run on its click: {file name: callable}."""
    made: dict[str, object] = {}
    original = MediaFileManager.add_deferred

    def record(self, data_callable, mimetype, coordinates, file_name=None, **kw):
        made[file_name] = data_callable
        return original(self, data_callable, mimetype, coordinates, file_name=file_name, **kw)

    monkeypatch.setattr(MediaFileManager, "add_deferred", record)
    return made


def test_each_document_is_one_click(march_file, deferred):
    drawn_march(march_file)
    at = open_page(app("staff"), "documents")
    buttons = {b.key: b for b in at.get("download_button")}
    assert {f"docs_dl_{k}" for k in KINDS} <= set(buttons), list(buttons)
    assert not [b for b in at.button if b.key and b.key.startswith("docs_make_")]  # no "make" step first
    for kind in KINDS:
        assert buttons[f"docs_dl_{kind}"].proto.deferred_file_id  # the button itself carries the file
    # What one click gives: the real documents, rendered from the store
    pdf = deferred["protocol-2021-03.pdf"]()
    assert pdf.startswith(b"%PDF")
    assert deferred["acts-2021-03.pdf"]().startswith(b"%PDF")
    assert deferred["winners-2021-03.xlsx"]()[:2] == b"PK"
    assert deferred["bundle-2021-03.zip"]()[:2] == b"PK"
    assert b"<" in deferred["winners-2021-03.html"]()
    assert deferred["accounting-2021-03.xlsx"]()[:2] == b"PK"


def test_a_month_without_a_finished_draw_offers_nothing_to_print(march_file):
    at = open_page(app("staff"), "documents")
    assert not at.get("download_button") or all(not b.key.startswith("docs_dl_") for b in at.get("download_button"))


@pytest.mark.parametrize("lang", [RU, KK])
def test_the_audit_log_is_in_words(march_file, lang):
    drawn_march(march_file)
    claims.set_claim("2021-03", 50000, 1, "contacted", rehearsal=False)
    code = {RU: "ru", KK: "kk"}[lang]
    at = open_page(app("staff", lang=code), "documents")
    no_exception(at)
    log = next(d.value for d in at.dataframe if ENTRIES["col.action"][lang] in d.value.columns)
    headers = list(log.columns)
    for key in ("col.when_local", "col.action", "col.subject", "col.actor"):
        assert ENTRIES[key][lang] in headers, headers
    actions = set(log[ENTRIES["col.action"][lang]])
    for action in ("import", "commission", "pool_frozen", "entropy_entered", "draw_done", "claim"):
        assert ENTRIES[f"audit.{action}"][lang] in actions, (action, actions)
    assert not actions & {"draw_done", "pool_frozen", "claim", "import"}  # no raw codes
    # The claim says what changed, in words
    subjects = " ".join(log[ENTRIES["col.subject"][lang]])
    assert f"{ENTRIES['status.drawn'][lang]} → {ENTRIES['status.contacted'][lang]}" in subjects


def test_every_audit_action_in_the_code_has_words():
    """Every action the code appends to the audit record is in the catalogue (a new one must be added)."""
    root = Path(__file__).resolve().parents[2]
    found = set()
    for path in [*(root / "engine").rglob("*.py"), *(root / "ui").rglob("*.py")]:
        text = path.read_text(encoding="utf-8")
        found |= set(re.findall(r"""append_audit\(\s*(?:s,\s*)?["']([a-z_]+)["']""", text))
    found |= {v for k, v in vars(signin).items() if k.startswith("SIGN_") and isinstance(v, str)}
    assert {"draw_done", "pool_frozen", "claim", "import", "sign_in"} <= found
    missing = sorted(a for a in found if f"audit.{a}" not in ENTRIES)
    assert not missing, missing
