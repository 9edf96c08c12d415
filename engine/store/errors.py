"""The store's own exceptions: what a caller may catch from any part of engine.store."""

from __future__ import annotations

from typing import Any


class StoreError(Exception):
    """Base of the store's own errors; the message is plain English."""


class NotDrawn(StoreError, LookupError):
    """The month (or tier) has no stored draw."""


class DrawRefused(StoreError):
    """The draw may not run: already drawn, running elsewhere, or not allowed.

    `code` names the refusal for a translated message (see ui/catalog.py "refused.*"),
    `params` its values; the English message stays the exception's text."""

    def __init__(self, message: str, code: str = "", **params: Any) -> None:
        super().__init__(message)
        self.code = code
        self.params = params
