"""Frozen domain records shared by the engine, the reports and the pages.

The store returns these; reports and pages read them and never touch the
database rows themselves. Dates are `datetime.date`, instants are timezone-aware
`datetime.datetime` in UTC, money is whole tenge (`int`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

# Exclusion reasons of RULES.md, in the order in which they are tried.
EXCLUSION_REASONS = (
    "client_type",
    "outside_period",
    "fee_below_minimum",
    "not_new_client",
    "disconnected",
    "merged_accounts",
    "duplicate_account",
    "duplicate_client",
    "already_participated",
)
OTHER_MONTH = "other_month"  # preview --month: a readable row of another month

# Winner statuses (clauses 12-15).
WINNER_STATUSES = ("drawn", "contacted", "claimed", "unclaimed", "forfeited")
OPEN_STATUSES = ("drawn", "contacted")

METHOD_RANDOM_ORG = "random-org"
METHOD_OFFLINE = "offline"
METHOD_NONE = "none"  # an empty pool: nothing to draw, everything carries over


@dataclass(frozen=True)
class Participant:
    """One eligible row: a participant of one month's draw in one tier."""

    row: int
    account: str
    client_id: str
    client_name: str
    client_type: str  # "IE" or "LLP"
    month: str  # "YYYY-MM", the month of connection
    denomination: int
    monthly_fee: float
    phone: str = ""
    email: str = ""
    region: str = ""


@dataclass(frozen=True)
class PoolMember:
    ordinal: int  # 1..N in account order
    account: str
    client_id: str
    denomination: int
    client_name: str = ""  # not part of the canonical text
    phone: str = ""
    region: str = ""


@dataclass(frozen=True)
class CommissionMember:
    role: str  # "chair" | "secretary" | "member"
    name: str
    position: str = ""


@dataclass(frozen=True)
class RedrawCommission:
    """Who the commission said was present at one re-draw (integrity rule 3), as the audit record
    keeps it: the re-drawn certificate, the date and place, and the members in the order given."""

    denomination: int
    certificate: int
    draw_date: dt.date
    place: str
    members: tuple[CommissionMember, ...]


@dataclass(frozen=True)
class ImportSummary:
    """What the store keeps of a file read for one month (`Preview.import_summary(month)`):
    the file, the counts of its rows, and the month's exclusions by reason (sorted by reason)."""

    file_name: str
    file_sha256: str
    sheet: str
    month: str
    rows_data: int
    rows_blank: int
    eligible: int
    excluded: int
    errors: int
    excluded_by_reason: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class ImportRecord(ImportSummary):
    """An ImportSummary as stored: its row id and when it was recorded."""

    id: int
    imported_at: dt.datetime


@dataclass(frozen=True)
class PoolRecord:
    id: int
    month: str
    denomination: int
    size: int
    sha256: str
    text: str  # canonical text: "ordinal,account,client_id,denomination\n" per member
    purpose: str  # "draw" | "redraw"


@dataclass(frozen=True)
class WinnerRecord:
    id: int
    draw_id: int
    month: str
    denomination: int
    certificate: int  # 1..k within the month and tier
    ordinal: int  # position in the draw's frozen pool
    account: str
    client_id: str
    client_name: str
    status: str  # one of WINNER_STATUSES
    status_changed_at: dt.datetime
    deadline: dt.date  # draw date + claim window (clause 12)
    note: str = ""
    certificate_serial: str = ""  # the Chocomart certificate's own number, when handed over
    current: bool = True  # False once the certificate was re-drawn to someone else
    phone: str = ""
    region: str = ""


@dataclass(frozen=True)
class DrawRecord:
    id: int
    month: str
    denomination: int
    kind: str  # "draw" | "redraw"
    rehearsal: bool
    method: str  # METHOD_*
    status: str  # "pending" | "done" | "failed"
    quota: int
    carried_in: int
    to_draw: int
    drawn: int
    carry_out: int
    draw_date: dt.date
    started_at: dt.datetime
    finished_at: dt.datetime | None
    place: str = ""
    pool: PoolRecord | None = None
    ticket_id: str = ""
    signed_random: str = ""  # the signed response {"random":…,"signature":…} exactly as received
    serial_number: int | None = None
    completion_time: str = ""
    hashed_api_key: str = ""
    license_text: str = ""
    development_licence: bool = False
    signature_verified: bool = False
    entropy: str = ""
    entropy_by: str = ""  # who entered the offline entropy (integrity rule 4)
    entropy_at: dt.datetime | None = None  # when, always after the pool hash was shown
    redraw_of_certificate: int | None = None
    redraw_reason: str = ""  # "unclaimed" | "forfeited"
    winners: tuple[WinnerRecord, ...] = ()
    failure: str = ""  # "<kind>: <message>" of a failed, blocked or abandoned attempt


@dataclass(frozen=True)
class AbandonedTicket:
    """A used RANDOM.ORG ticket whose result did not verify, abandoned with a reason (rule 5)."""

    draw_id: int
    month: str
    denomination: int
    kind: str  # "draw" | "redraw"
    certificate: int | None  # the re-drawn certificate, for a re-draw
    ticket_id: str
    failure: str  # why the result could not be used (bad signature, wrong binding, ...)
    reason: str  # the commission's reason for abandoning it
    abandoned_by: str
    abandoned_at: dt.datetime


@dataclass(frozen=True)
class MonthRecord:
    """Everything stored about one reporting month's draw: what a protocol shows."""

    month: str
    rehearsal: bool
    protocol_number: str
    draw_date: dt.date
    place: str
    commission: tuple[CommissionMember, ...]
    imports: tuple[ImportRecord, ...]
    draws: tuple[DrawRecord, ...]  # original draws first (by denomination), then re-draws in order
    # RANDOM.ORG tickets used but whose result could not be verified, abandoned by the commission
    # (integrity rule 5): the protocol prints them so anyone can look them up at RANDOM.ORG.
    abandoned: tuple[AbandonedTicket, ...] = ()
    # The head of the audit chain when this record was read (integrity rule 8): printed in the
    # signed protocol so that history cannot be rewritten after the protocol went out.
    audit_head_seq: int = 0
    audit_head_sha256: str = ""
    # Who was present at each re-draw (integrity rule 3), in the order they were recorded.
    redraw_commissions: tuple[RedrawCommission, ...] = ()

    def tier_draw(self, denomination: int) -> DrawRecord | None:
        for d in self.draws:
            if d.kind == "draw" and d.denomination == denomination:
                return d
        return None

    @property
    def redraws(self) -> tuple[DrawRecord, ...]:
        return tuple(d for d in self.draws if d.kind == "redraw")

    @property
    def current_winners(self) -> tuple[WinnerRecord, ...]:
        winners = [w for d in self.draws for w in d.winners if w.current]
        return tuple(sorted(winners, key=lambda w: (-w.denomination, w.certificate)))


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: dt.datetime
    action: str
    actor: str
    payload: dict = field(default_factory=dict)
    prev_sha256: str = ""
    sha256: str = ""


class History:
    """What the store knows that a preview must respect (RULES.md reason 9 and carry-over).

    drawn: (month, denomination) -> certificates drawn there (the original draw, less
    certificates whose re-draw found an empty pool), for tiers already drawn.

    first_months(client_ids): client_id -> earliest month whose stored official draw pool
    contains the client, for the given ids only. The store answers it with an indexed query
    (`lookup`), so a preview asks about the clients of its file and never reads everyone.

    participated: the whole client_id -> earliest month mapping. Given directly (tests, a
    preview without a database) or loaded from the store on first use (`load`): with a
    million stored participants that read costs a second, so callers ask `first_months`.
    """

    __slots__ = ("drawn", "lookup", "_participated", "_load")

    def __init__(
        self,
        participated: dict[str, str] | None = None,
        drawn: dict[tuple[str, int], int] | None = None,
        lookup: Callable[[Iterable[str]], dict[str, str]] | None = None,
        load: Callable[[], dict[str, str]] | None = None,
    ) -> None:
        self.drawn: dict[tuple[str, int], int] = dict(drawn or {})
        self.lookup = lookup
        self._participated = None if participated is None and load is not None else dict(participated or {})
        self._load = load

    @property
    def participated(self) -> dict[str, str]:
        if self._participated is None:
            self._participated = dict(self._load()) if self._load is not None else {}
        return self._participated

    def first_months(self, client_ids: Iterable[str]) -> dict[str, str]:
        """The earliest stored month of each of `client_ids` that took part in a drawn month;
        ids that never took part are absent. What a preview asks, for the clients of its file only."""
        if self.lookup is not None:
            return self.lookup(client_ids)
        known = self.participated
        return {c: known[c] for c in client_ids if c in known}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, History):
            return NotImplemented
        return self.drawn == other.drawn and self.participated == other.participated

    __hash__ = None  # type: ignore[assignment]  # mutable contents, like the dataclass it replaces

    def __repr__(self) -> str:
        loaded = "not loaded" if self._participated is None else f"{len(self._participated)} clients"
        return f"History(drawn={self.drawn!r}, participated: {loaded})"
