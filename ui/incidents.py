"""Unexpected errors: a short message and an incident id on the page, the details in the server log.

No traceback ever reaches a page (issue 10): a person at the projector or the
upload form sees what happened in their language and a number to quote; whoever
runs the server finds the same number in its log with the whole traceback.
Streamlit's own control flow (st.rerun, st.stop, st.switch_page) derives from
BaseException and passes through untouched.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import streamlit as st

from ui.i18n import t

LOG = logging.getLogger("promotion.incident")
F = TypeVar("F", bound=Callable[..., Any])


def new_incident_id() -> str:
    """Date and six random hex digits, e.g. 20261125-3fa9c1: short to read out, unique enough to grep."""
    return f"{dt.datetime.now(dt.UTC):%Y%m%d}-{secrets.token_hex(3)}"


def report(exc: BaseException, where: str = "") -> str:
    """Log `exc` with its traceback under a new incident id and return the id."""
    incident = new_incident_id()
    LOG.error("incident %s%s: %s: %s", incident, f" in {where}" if where else "", type(exc).__name__, exc, exc_info=exc)
    return incident


def show(incident: str) -> None:
    st.error(t("error.incident", id=incident), icon=":material/report:")


@contextmanager
def guard(where: str = "") -> Iterator[None]:
    """Run a page (or any block of it): an unexpected error becomes a message with an incident id."""
    try:
        yield
    except Exception as exc:  # anything the page did not expect; Streamlit's control flow is BaseException
        show(report(exc, where))


def guarded(callback: F) -> F:
    """The same for a widget callback, which Streamlit runs before the page script."""

    @functools.wraps(callback)
    def run(*args: Any, **kwargs: Any) -> Any:
        with guard(getattr(callback, "__qualname__", "")):
            return callback(*args, **kwargs)

    return run  # type: ignore[return-value]
