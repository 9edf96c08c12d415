"""The store and the rules as the pages read them: opened as the signed-in user.

`store()` names the signed-in user in everything it writes to the audit
record; the rest are the reads every screen needs (the status at a glance, a
month's record, the audit record, the store's own verification).
"""

from __future__ import annotations

from engine.progress import Progress, progress
from engine.records import AuditEntry, History, MonthRecord
from engine.rules import Rules, load_rules
from engine.store import NotDrawn, Store
from engine.verify import Finding, verify
from ui import auth
from ui.database import open_store


def rules() -> Rules:
    return load_rules()


def actor() -> str:
    """Who the audit record names: the signed-in user, or the demo."""
    user = auth.current_user()
    if user is None or user.source == "demo":
        return "demo (access control off)"
    return f"{user.name} [{user.role}]"


def store() -> Store:
    """The store for this configuration and user."""
    return open_store(actor())


def history() -> History:
    return store().history()


def status(*, rehearsal: bool = False) -> Progress:
    """engine.progress.progress on what the store holds: months drawn, the next month, certificates
    drawn and the face value handed over (the engine's rules; this only reads the store)."""
    s = store()
    return progress(rules(), s.months(rehearsal=rehearsal), s.winners(rehearsal=rehearsal))


def month_record_or_none(month: str, *, rehearsal: bool) -> MonthRecord | None:
    """The month's stored record, or None when it has no finished draw (nothing to print yet)."""
    try:
        return store().month_record(month, rehearsal=rehearsal)
    except NotDrawn:
        return None


def audit_entries() -> list[AuditEntry]:
    return store().audit()


def verify_store() -> list[Finding]:
    return verify(store())
