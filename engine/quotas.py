"""The quota ledger: Table 2 per month and tier, with carry-over (clause 9).

to_draw = quota + carried_in; drawn = min(to_draw, eligible) for a month not
yet drawn, or what the store says was drawn; carry_out = to_draw - drawn
flows into the next month's carried_in for the same tier. What is still
undrawn after the last month of Table 2 is unplayed.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.rules import Rules


@dataclass(frozen=True)
class TierLedger:
    denomination: int
    eligible: int
    quota: int
    carried_in: int
    to_draw: int
    carry_out: int
    stored: bool = False  # drawn figures come from the store, not from the file

    @property
    def drawn(self) -> int:
        return self.to_draw - self.carry_out

    @property
    def carried_into_empty_pool(self) -> bool:
        """Certificates were carried into this tier but nobody is eligible: all of them move on."""
        return self.eligible == 0 and self.carried_in > 0


@dataclass(frozen=True)
class MonthLedger:
    month: str
    tiers: tuple[TierLedger, ...]

    def tier(self, denomination: int) -> TierLedger:
        for t in self.tiers:
            if t.denomination == denomination:
                return t
        raise KeyError(denomination)


def ledger(
    rules: Rules,
    eligible: dict[tuple[str, int], int],
    last_month: str | None,
    drawn: dict[tuple[str, int], int] | None = None,
) -> tuple[MonthLedger, ...]:
    """The ledger from the first month of Table 2 through `last_month`."""
    drawn = drawn or {}
    carry = {d: 0 for d in rules.denominations}
    out = []
    if last_month is None:
        return ()
    for month in rules.months:
        if month > last_month:
            break
        tiers = []
        for den in rules.denominations:
            quota = rules.quota(month, den)
            to_draw = quota + carry[den]
            count = eligible.get((month, den), 0)
            stored = (month, den) in drawn
            done = min(drawn[(month, den)], to_draw) if stored else min(to_draw, count)
            carry_out = to_draw - done
            tiers.append(TierLedger(den, count, quota, carry[den], to_draw, carry_out, stored))
            carry[den] = carry_out
        out.append(MonthLedger(month, tuple(tiers)))
    return tuple(out)


def split_carry_out(rules: Rules, month: str, carry_out: int) -> tuple[int, int]:
    """(carried over to the next month, unplayed): after the last month of
    Table 2 nothing carries over any more, what is undrawn is unplayed."""
    return (0, carry_out) if month == rules.months[-1] else (carry_out, 0)


def unplayed(rules: Rules, months: tuple[MonthLedger, ...]) -> dict[int, int]:
    """Certificates still undrawn after the last month of Table 2, by tier."""
    if not months or months[-1].month != rules.months[-1]:
        return {}
    return {t.denomination: split_carry_out(rules, months[-1].month, t.carry_out)[1] for t in months[-1].tiers}
