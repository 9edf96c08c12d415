"""Every document the app offers and `python -m reports` writes, in one registry.

A document kind has its file name (stem and extension), its MIME type and the
function that renders it from a `Request` (the store, the month, the rules, a
rehearsal or not). The app's download buttons and the command line both look
documents up here, so they name and render them the same way.

Each renderer imports its report module when it is called, not when this
registry is imported: `python -m reports --help` and a workbook stay free of
the PDF and signing libraries (tests/reports/test_light_imports.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.records import MonthRecord, WinnerRecord
    from engine.rules import Rules
    from engine.store import Store

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Request:
    """What a document is made from. `month` None: every stored month (the accounting workbook only).
    The month's record is read once, when a renderer first needs it, and kept here."""

    store: Store
    month: str | None
    rules: Rules
    rehearsal: bool = False
    record: MonthRecord | None = None  # the month, once read (a caller that checked it passes it)
    winners: list[WinnerRecord] | None = None  # acts of these winners only (default: every winner due one)
    made: dict[str, bytes] = field(default_factory=dict, repr=False)  # files made together (the self-check's two)

    def month_record(self) -> MonthRecord:
        if self.record is None:
            self.record = self.store.month_record(self.month, rehearsal=self.rehearsal)
        return self.record


def _protocol(request: Request) -> bytes:
    from reports.protocol_pdf import protocol_pdf  # noqa: PLC0415 (start-up time)

    return protocol_pdf(request.store, request.month, request.rules, rehearsal=request.rehearsal, record=request.record)


def _acts(request: Request) -> bytes:
    from reports.acts import render_acts  # noqa: PLC0415 (start-up time)

    return render_acts(request.month_record(), winners=request.winners, rules=request.rules)


def _publish_xlsx(request: Request) -> bytes:
    from reports.publish import publication_xlsx  # noqa: PLC0415 (start-up time)

    return publication_xlsx([request.month_record()], request.rules)


def _publish_html(request: Request) -> bytes:
    from reports.publish import publication_html  # noqa: PLC0415 (start-up time)

    return publication_html([request.month_record()], request.rules).encode("utf-8")


def _accounting(request: Request) -> bytes:
    from reports.accounting import accounting_xlsx  # noqa: PLC0415 (start-up time)

    if request.month is not None:
        return accounting_xlsx([request.month_record()])
    s, rehearsal = request.store, request.rehearsal
    return accounting_xlsx([s.month_record(m, rehearsal=rehearsal) for m in s.months(rehearsal=rehearsal)])


def _bundle(request: Request) -> bytes:
    from reports.bundle import build_bundle  # noqa: PLC0415 (start-up time)

    return build_bundle(request.store, request.month, request.rules, rehearsal=request.rehearsal)


def _selfcheck(ext: str) -> Callable[[Request], bytes]:
    def make(request: Request) -> bytes:
        from reports.selfcheck import selfcheck_files  # noqa: PLC0415 (start-up time)

        name = file_name(f"selfcheck_{ext}", request.month, rehearsal=False)
        if name not in request.made:  # both files come from one reading of the pools
            request.made.update(selfcheck_files(request.month_record()))  # refuses a rehearsal
        return request.made[name]

    return make


@dataclass(frozen=True)
class Document:
    stem: str  # the file name's start: protocol-2021-03.pdf, protocol-rehearsal-2021-03.pdf
    ext: str
    mime: str
    render: Callable[[Request], bytes]
    official_only: bool = False  # never made for a rehearsal (its pools are never published to entrants)


DOCUMENTS: dict[str, Document] = {  # in the order the documents page lists them
    "protocol": Document("protocol", "pdf", "application/pdf", _protocol),
    "acts": Document("acts", "pdf", "application/pdf", _acts),
    "publish_xlsx": Document("winners", "xlsx", XLSX, _publish_xlsx),
    "publish_html": Document("winners", "html", "text/html", _publish_html),
    "selfcheck_json": Document("selfcheck", "json", "application/json", _selfcheck("json"), official_only=True),
    "selfcheck_html": Document("selfcheck", "html", "text/html", _selfcheck("html"), official_only=True),
    "accounting": Document("accounting", "xlsx", XLSX, _accounting),
    "bundle": Document("bundle", "zip", "application/zip", _bundle),
}


def kinds(*, rehearsal: bool) -> list[str]:
    """The documents a month's draw has: all of them for an official draw, fewer for a rehearsal."""
    return [kind for kind, doc in DOCUMENTS.items() if not (rehearsal and doc.official_only)]


def file_name(kind: str, month: str | None, *, rehearsal: bool) -> str:
    """protocol-2021-03.pdf, acts-rehearsal-2021-03.pdf, …"""
    doc = DOCUMENTS[kind]
    return f"{doc.stem}-{'rehearsal-' if rehearsal else ''}{month}.{doc.ext}"


def render(kind: str, request: Request) -> bytes:
    return DOCUMENTS[kind].render(request)


def mime_type(kind: str) -> str:
    return DOCUMENTS[kind].mime
