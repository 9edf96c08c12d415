"""Where the promotion stands: what a month needs next, and what the pages show as figures.

The pages and `ui/` only display these answers; each rule lives here once, with a
test in tests/engine/test_progress.py that fails when it changes.

- `certificates_in_draw`: a tier's draw hands out n = min(to_draw, N) certificates
  (RULES.md, the draw, step 2; clause 9 carries the rest over).
- `month_drawn`: a month is drawn once any of its tiers is; its file can no longer be
  replaced (the draw, step 5).
- `next_month_to_draw`: months are drawn in order, the first one not drawn yet is next
  (integrity rule 1); its draw is due in the month after (clause 8, `draw_due_in`).
  A month's tiers are offered in Table 1's order (`next_tier_to_draw`); the live draw opens
  on the next month, or on the last once every month is drawn (`month_to_open`), and a
  month is complete once every tier of Table 1 is drawn (`month_complete`).
- `freeze_method`: a pool is frozen for RANDOM.ORG whenever it is set up; for the offline
  method (RFC 3797) only where it is not (integrity rule 4: offline is never a silent fallback).
- `progress`: the status at a glance: months drawn, the next month, certificates drawn
  (current winners: a re-drawn certificate counts once) and the face value handed over
  (claimed certificates only; drawn, contacted, lapsed or forfeited ones are not handed over).
- `due_soon`: an open claim with at most three days left before clause 12's deadline.
- `tier_position`: a tier's place in Table 1, smallest face value first, so that screens
  colour tiers by position and a changed rules.toml still gives every tier its colour.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from engine.records import METHOD_OFFLINE, METHOD_RANDOM_ORG, OPEN_STATUSES, WinnerRecord
from engine.rules import Rules, next_month

HANDED_OVER = "claimed"  # the one status whose face value has left the organiser's budget
DUE_SOON_DAYS = 3  # an open claim this close to clause 12's deadline is flagged to staff


def certificates_in_draw(to_draw: int, pool_size: int) -> int:
    """How many certificates a tier's draw hands out: all it owes, or everyone in a smaller pool."""
    return max(0, min(to_draw, pool_size))


def month_drawn(
    drawn: Mapping[tuple[str, int], int] | Iterable[tuple[str, int]], month: str, denominations: Iterable[int]
) -> bool:
    """True once any tier of `month` is drawn (a month and tier is drawn once; its file stays)."""
    keys = drawn.keys() if isinstance(drawn, Mapping) else set(drawn)
    return any((month, den) in keys for den in denominations)


def next_month_to_draw(months: Sequence[str], drawn_months: Iterable[str]) -> str | None:
    """The first of `months` (in their order) not drawn yet; None once all are drawn."""
    done = set(drawn_months)
    return next((m for m in months if m not in done), None)


def next_tier_to_draw(denominations: Sequence[int], drawn_tiers: Iterable[int]) -> int:
    """Within a month, the tiers in Table 1's order: the first not drawn yet, else the last one."""
    done = set(drawn_tiers)
    return next((d for d in denominations if d not in done), denominations[-1])


def month_to_open(months: Sequence[str], drawn_months: Iterable[str]) -> str | None:
    """The month the live draw opens on: the next one to draw, else the last (None: no month)."""
    return next_month_to_draw(months, drawn_months) or (months[-1] if months else None)


def month_complete(denominations: Iterable[int], drawn_tiers: Iterable[int]) -> bool:
    """True once every tier of Table 1 is drawn for the month (its summary screen, its documents)."""
    done = set(drawn_tiers)
    return all(d in done for d in denominations)


def freeze_method(randomorg_configured: bool) -> str:
    """The method a pool is frozen for: RANDOM.ORG when it is set up, else the offline method."""
    return METHOD_RANDOM_ORG if randomorg_configured else METHOD_OFFLINE


def draw_due_in(month: str) -> str:
    """The month in which `month`'s draw is due: the month after (clause 8)."""
    return next_month(month)


def due_soon(view) -> bool:
    """An open claim (an engine.claims.ClaimView) whose deadline is today or within DUE_SOON_DAYS."""
    return view.is_open and 0 <= view.days_left <= DUE_SOON_DAYS


def tier_position(denominations: Iterable[int], denomination: int) -> int:
    """The tier's place in Table 1, smallest face value first (0 for a face value not in the table)."""
    ordered = sorted(set(denominations))
    return ordered.index(denomination) if denomination in ordered else 0


@dataclass(frozen=True)
class Progress:
    drawn_months: tuple[str, ...]
    next_month: str | None  # the first month of Table 2 not drawn yet
    draw_due_in: str | None  # the month in which that draw is due (clause 8: the month after)
    next_draw_date: dt.date | None  # when a commission session already names the day
    certificates_drawn: int
    face_value_handed_over: int
    open_claims: tuple[WinnerRecord, ...]  # current winners still to come forward or be handed over, by deadline


def progress(rules: Rules, drawn_months: Iterable[str], winners: Iterable[WinnerRecord]) -> Progress:
    """The promotion's status from the months drawn and every stored winner (replaced ones included)."""
    drawn = tuple(drawn_months)
    upcoming = next_month_to_draw(rules.months, drawn)
    current = [w for w in winners if w.current]
    return Progress(
        drawn_months=drawn,
        next_month=upcoming,
        draw_due_in=draw_due_in(upcoming) if upcoming else None,
        next_draw_date=None,
        certificates_drawn=len(current),
        face_value_handed_over=sum(w.denomination for w in current if w.status == HANDED_OVER),
        open_claims=tuple(sorted((w for w in current if w.status in OPEN_STATUSES), key=lambda w: w.deadline)),
    )
