"""The stored draws, winners and imports reshaped into long tables for ui/charts.py.

tiers:      month, denomination, quota, carried_in, to_draw, pool_size, drawn, carry_out, unplayed
claims:     month, denomination, certificate, status, face_value
exclusions: month, reason, count (the latest import of each month)
"""

from __future__ import annotations

import pandas as pd

from engine.quotas import split_carry_out
from engine.records import MonthRecord
from engine.store import NotDrawn
from ui.stores import rules, store

TIER_COLUMNS = [
    "month",
    "denomination",
    "quota",
    "carried_in",
    "to_draw",
    "pool_size",
    "drawn",
    "carry_out",
    "unplayed",
]
CLAIM_COLUMNS = ["month", "denomination", "certificate", "status", "face_value"]
EXCLUSION_COLUMNS = ["month", "reason", "count"]


def _month_records(rehearsal: bool) -> list[MonthRecord]:
    s = store()
    records = []
    for month in s.months(rehearsal=rehearsal):
        try:
            records.append(s.month_record(month, rehearsal=rehearsal))
        except NotDrawn:
            continue
    return records


def chart_frames(*, rehearsal: bool = False) -> dict[str, pd.DataFrame]:
    """{"tiers", "claims", "exclusions"}: the tables this module's docstring lists, canonical column names."""
    r = rules()
    tier_rows = []
    for record in _month_records(rehearsal):
        for d in record.draws:
            if d.kind != "draw":
                continue
            carried_over, unplayed = split_carry_out(r, d.month, d.carry_out)
            tier_rows.append(
                {
                    "month": d.month,
                    "denomination": d.denomination,
                    "quota": d.quota,
                    "carried_in": d.carried_in,
                    "to_draw": d.to_draw,
                    "pool_size": d.pool.size if d.pool else 0,
                    "drawn": d.drawn,
                    "carry_out": carried_over,
                    "unplayed": unplayed,
                }
            )
    claims = [
        {
            "month": w.month,
            "denomination": w.denomination,
            "certificate": w.certificate,
            "status": w.status,
            "face_value": w.denomination,
        }
        for w in store().winners(rehearsal=rehearsal)
        if w.current
    ]
    exclusion_rows = []
    for month in r.months:
        imports = store().imports(month, rehearsal=rehearsal)
        if imports:
            for reason, count in imports[-1].excluded_by_reason:
                exclusion_rows.append({"month": month, "reason": reason, "count": count})
    return {
        "tiers": pd.DataFrame(tier_rows, columns=TIER_COLUMNS),
        "claims": pd.DataFrame(claims, columns=CLAIM_COLUMNS),
        "exclusions": pd.DataFrame(exclusion_rows, columns=EXCLUSION_COLUMNS),
    }
