"""Which rehearsal run a request means: the one answer for the draw, the claims and the app.

Official draws have one slot per month (run None). Rehearsals are repeatable: each sitting
opens a run (1, 2, ...), and a request that names no run means the month's latest one.
"""

from __future__ import annotations

from engine.store import Store


def current_run(store: Store, month: str, *, rehearsal: bool) -> int | None:
    """The run a read, a claim or a re-draw of `month` goes to: None for the official draw; for a
    rehearsal the month's latest run (None when no rehearsal was started: nothing to find)."""
    if not rehearsal:
        return None
    return store.latest_rehearsal_run(month) or None


def run_for_tier(store: Store, month: str, denomination: int, run: int | None) -> int:
    """The rehearsal run a tier's draw goes to: the given one, else the latest unless that run
    already drew this tier (then a new run is started)."""
    if run is not None:
        return run
    latest = current_run(store, month, rehearsal=True)
    if latest and not store.tier_draws(month, denomination, rehearsal=True, run=latest):
        return latest
    return store.start_rehearsal(month)
