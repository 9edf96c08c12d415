"""No traceback ever reaches a page: an unexpected error shows a short message and an incident id,
and the server log holds the same id with the whole traceback (ui/incidents.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from engine.config import DB_FILE_NAME

ROOT = Path(__file__).resolve().parents[2]
INCIDENT = re.compile(r"\b(\d{8}-[0-9a-f]{6})\b")


def page_text(at: AppTest) -> str:
    parts = [e.value for e in at.error] + [e.value for e in at.markdown] + [e.value for e in at.warning]
    return "\n".join(str(p) for p in parts)


def logged(caplog) -> list:
    return [r for r in caplog.records if r.name == "promotion.incident"]


@pytest.mark.incident
@pytest.mark.parametrize("lang, words", [("en", "incident number"), ("ru", "номер инцидента"), ("kk", "оқиға нөмірін")])
def test_a_broken_database_shows_an_incident_id_not_a_traceback(tmp_path, monkeypatch, caplog, lang, words):
    data = tmp_path / "data"
    data.mkdir()
    (data / DB_FILE_NAME).write_bytes(b"this is not a database, " * 100)  # a damaged file on the server
    monkeypatch.setenv("PROMOTION_DATA_DIR", str(data))
    monkeypatch.delenv("PROMOTION_DB_URL", raising=False)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.session_state["demo_role"] = "admin"
    at.session_state["lang"] = lang
    at.run()

    assert not at.exception, [e.value for e in at.exception]
    errors = [e.value for e in at.error]
    shown = [m for e in errors if (m := INCIDENT.search(e)) and words in e]
    assert shown, errors
    text = page_text(at)
    assert "Traceback" not in text and 'File "' not in text and str(ROOT) not in text
    records = logged(caplog)
    assert [shown[0].group(1) in r.getMessage() for r in records] == [True]
    assert records[0].exc_info is not None  # the server log has the whole traceback
    assert "DatabaseError" in records[0].getMessage() or "database" in records[0].getMessage().lower()


def _script_with_a_failing_callback() -> None:
    import streamlit as st

    from ui import incidents

    def explode() -> None:
        raise RuntimeError("secret server path /srv/promotion/x")

    st.button("Go", on_click=incidents.guarded(explode))
    st.write("page still here")


@pytest.mark.incident
def test_a_failing_callback_shows_an_incident_id(caplog):
    at = AppTest.from_function(_script_with_a_failing_callback).run()
    at.button[0].click().run()
    assert not at.exception
    assert any(INCIDENT.search(e.value) for e in at.error)
    assert all("/srv/promotion" not in e.value for e in at.error)
    assert any("page still here" in m.value for m in at.markdown)
    records = logged(caplog)
    assert len(records) == 1 and "/srv/promotion" in records[0].getMessage()


def test_streamlit_control_flow_passes_through_the_guard():
    """st.stop inside a guarded block still stops the script: the guard catches Exception only."""

    def script() -> None:
        import streamlit as st

        from ui import incidents

        with incidents.guard():
            st.write("before")
            st.stop()
        st.write("after")

    at = AppTest.from_function(script).run()
    texts = [m.value for m in at.markdown]
    assert "before" in texts and "after" not in texts and not at.error
