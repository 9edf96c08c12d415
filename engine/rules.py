"""The promotion's terms, loaded from a rules file and checked on load.

Every constant of the promotion (period, connection window, Table 1 tiers,
Table 2 quotas, newness look-backs, the claim window) lives in a TOML file;
`load_rules()` reads `engine/rules.toml` unless another path is given (or the
`PROMOTION_RULES` environment variable names one). Nothing else in the project
hard-codes these numbers.
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from engine import config

DEFAULT_RULES_PATH = Path(__file__).with_name("rules.toml")

# Who sits on the draw commission (clause 8: the protocol lists the commission), in the
# order a protocol and the settings page list them; the app and the command line share it.
COMMISSION_ROLES = ("chair", "secretary", "member")


class RulesError(ValueError):
    """The rules file is missing, malformed or inconsistent."""


@dataclass(frozen=True)
class Notice:
    """Something the commission must be shown. `code` is looked up in the UI
    catalogues; `text` is the English wording for the command line."""

    code: str
    text: str
    params: tuple[tuple[str, object], ...] = ()

    def param(self, name: str) -> object:
        return dict(self.params)[name]


@dataclass(frozen=True)
class Tier:
    denomination: int
    min_fee: Decimal
    max_fee: Decimal | None  # exclusive; None = no upper bound
    total: int

    def contains(self, fee: Decimal) -> bool:
        return fee >= self.min_fee and (self.max_fee is None or fee < self.max_fee)


@dataclass(frozen=True)
class Rules:
    name_kk: str
    name_ru: str
    name_en: str
    organiser: str
    period_start: dt.date
    period_end: dt.date
    first_connection: dt.date
    last_connection: dt.date
    minimum_fee: Decimal
    bundle_ie_months: int
    other_months: int
    claim_window_days: int
    tiers: tuple[Tier, ...]  # ascending by min_fee
    quotas: tuple[tuple[str, tuple[tuple[int, int], ...]], ...]  # month -> ((denomination, count), ...)
    stated_total: int
    source: str
    notices: tuple[Notice, ...]

    @property
    def denominations(self) -> tuple[int, ...]:
        return tuple(t.denomination for t in self.tiers)

    @property
    def months(self) -> tuple[str, ...]:
        return tuple(m for m, _ in self.quotas)

    def promotion_months(self, months: Iterable[str]) -> list[str]:
        """The months among `months` that Table 2 lists, in calendar order: the months a file's rows
        can be frozen and drawn for (rows of other months are read, and left out of every pool)."""
        return sorted(set(months) & set(self.months))

    def quota(self, month: str, denomination: int) -> int:
        """Table 2's count for one month and tier (0 outside the table)."""
        for m, counts in self.quotas:
            if m == month:
                return dict(counts).get(denomination, 0)
        return 0

    def tier_for(self, fee: Decimal) -> Tier | None:
        for tier in self.tiers:
            if tier.contains(fee):
                return tier
        return None

    @property
    def total_certificates(self) -> int:
        return sum(t.total for t in self.tiers)

    @property
    def total_face_value(self) -> int:
        return sum(t.total * t.denomination for t in self.tiers)

    def claim_deadline(self, draw_date: dt.date) -> dt.date:
        return draw_date + dt.timedelta(days=self.claim_window_days)

    def draw_window(self, month: str) -> tuple[dt.date, dt.date]:
        """Clause 8: a month is drawn in the month after it; the first and last day of that month."""
        first = dt.date.fromisoformat(next_month(month) + "-01")
        last = add_months(first, 1) - dt.timedelta(days=1)
        return first, last

    def draw_date_early(self, month: str, draw_date: dt.date) -> bool:
        """Integrity rule 2: before the month after the reporting month, the month is not over (refused)."""
        return draw_date < self.draw_window(month)[0]

    def draw_date_late(self, month: str, draw_date: dt.date) -> bool:
        """Integrity rule 2: later than the month after the reporting month (allowed, a notice)."""
        return draw_date > self.draw_window(month)[1]


def _date(value: object, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise RulesError(f"{where}: not a date: {value!r}") from exc


def _month_key(value: str) -> str:
    try:
        dt.date.fromisoformat(f"{value}-01")
    except ValueError as exc:
        raise RulesError(f"quotas: {value!r} is not a month (YYYY-MM)") from exc
    return value


def parse_rules(data: dict, source: str = "<memory>") -> Rules:
    """Build and check `Rules` from the parsed TOML mapping."""
    try:
        tiers = tuple(
            sorted(
                (
                    Tier(
                        denomination=int(t["denomination"]),
                        min_fee=Decimal(str(t["min_fee"])),
                        max_fee=Decimal(str(t["max_fee"])) if "max_fee" in t else None,
                        total=int(t["total"]),
                    )
                    for t in data["tiers"]
                ),
                key=lambda t: t.min_fee,
            )
        )
        quotas = tuple(
            (
                _month_key(month),
                tuple(sorted((int(d), int(n)) for d, n in counts.items())),
            )
            for month, counts in sorted(data["quotas"].items())
        )
        rules = Rules(
            name_kk=data.get("name_kk", ""),
            name_ru=data.get("name_ru", ""),
            name_en=data.get("name_en", ""),
            organiser=data.get("organiser", ""),
            period_start=_date(data["period"]["start"], "period.start"),
            period_end=_date(data["period"]["end"], "period.end"),
            first_connection=_date(data["connection"]["first_day"], "connection.first_day"),
            last_connection=_date(data["connection"]["last_day"], "connection.last_day"),
            minimum_fee=Decimal(str(data["connection"]["minimum_fee"])),
            bundle_ie_months=int(data["newness"]["bundle_ie_months"]),
            other_months=int(data["newness"]["other_months"]),
            claim_window_days=int(data["claims"]["window_days"]),
            tiers=tiers,
            quotas=quotas,
            stated_total=int(data.get("clause7", {}).get("stated_total", 0)),
            source=source,
            notices=(),
        )
    except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
        if isinstance(exc, RulesError):
            raise
        raise RulesError(f"{source}: missing or invalid entry: {exc}") from exc
    return _check(rules)


def _check(rules: Rules) -> Rules:
    where = rules.source
    if not rules.tiers:
        raise RulesError(f"{where}: no tiers")
    if rules.tiers[0].min_fee != rules.minimum_fee:
        raise RulesError(f"{where}: the lowest tier must start at the minimum fee {rules.minimum_fee}")
    for lower, upper in zip(rules.tiers, rules.tiers[1:]):
        if lower.max_fee != upper.min_fee:
            raise RulesError(f"{where}: tiers {lower.denomination} and {upper.denomination} leave a gap or overlap")
    if rules.tiers[-1].max_fee is not None:
        raise RulesError(f"{where}: the highest tier must have no upper bound")
    if len(set(rules.denominations)) != len(rules.tiers):
        raise RulesError(f"{where}: two tiers share a denomination")
    for month, counts in rules.quotas:
        unknown = {d for d, _ in counts} - set(rules.denominations)
        if unknown:
            raise RulesError(f"{where}: quota for {month} names unknown tiers {sorted(unknown)}")
    for tier in rules.tiers:
        table2 = sum(rules.quota(m, tier.denomination) for m in rules.months)
        if table2 != tier.total:
            raise RulesError(
                f"{where}: Table 2 gives {table2} certificates of {tier.denomination}, Table 1 gives {tier.total}"
            )
    notices = []
    if rules.stated_total and rules.stated_total != rules.total_certificates:
        notices.append(
            Notice(
                code="clause7_total_mismatch",
                text=(
                    f"Clause 7 names {rules.stated_total} certificates, but Tables 1 and 2 "
                    f"total {rules.total_certificates}; the tables are applied."
                ),
                params=(("stated", rules.stated_total), ("tables", rules.total_certificates)),
            )
        )
    return _replace_notices(rules, tuple(notices))


def _replace_notices(rules: Rules, notices: tuple[Notice, ...]) -> Rules:
    return replace(rules, notices=notices)


def load_rules(path: str | os.PathLike | None = None) -> Rules:
    """Load the rules file (default: $PROMOTION_RULES or engine/rules.toml)."""
    path = Path(path or config.rules_file() or DEFAULT_RULES_PATH)
    return _load_cached(str(path.resolve()))


@lru_cache(maxsize=8)
def _load_cached(path: str) -> Rules:
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError as exc:
        raise RulesError(f"rules file not found: {path}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"{path}: not valid TOML: {exc}") from exc
    return parse_rules(data, source=path)


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar month arithmetic, clamping to the month's last day (31 May - 3 months = 28/29 Feb)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(index, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return dt.date(year, month0 + 1, min(day.day, last))


def month_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def next_month(month: str) -> str:
    year, mon = int(month[:4]), int(month[5:7])
    return month_of(add_months(dt.date(year, mon, 1), 1))
