"""Every AppTest here fails when a page hit an unexpected error.

Pages turn an unexpected error into a short message with an incident id
(ui/incidents.py), so `at.exception` stays empty; the incident log record is
what proves nothing went wrong. A test that provokes an incident on purpose
says so with `@pytest.mark.incident`.
"""

from __future__ import annotations

import logging

import pytest


@pytest.fixture(autouse=True)
def no_unexpected_incident(request, caplog):
    caplog.set_level(logging.ERROR, logger="promotion.incident")
    yield
    if request.node.get_closest_marker("incident"):
        return
    incidents = [r for r in caplog.records if r.name == "promotion.incident"]
    assert not incidents, "a page hit an unexpected error:\n" + "\n".join(
        r.getMessage() + "\n" + (caplog.handler.formatter.formatException(r.exc_info) if r.exc_info else "")
        for r in incidents
    )
