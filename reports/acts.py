"""The acceptance-transfer act (clause 13) and the branch's handover protocol (clause 14).

For each winner, two pages: the act the winner signs on receiving the
certificate (winner's data, the certificate, its value, its serial number if
entered, signature lines, the ID document and power-of-attorney lines of
clauses 15 and 18), and the protocol the branch draws up and approves.
"""

from __future__ import annotations

import datetime as dt

from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Table, TableStyle

from engine.records import MonthRecord, WinnerRecord
from engine.rules import Rules, load_rules
from reports.pdfkit import FRAME_W, P, PageDecor, bi, build_pdf, esc, kv_table, spacer, split_organiser
from reports.strings import both, date_figures, money, month_words, ts

ACT_STATUSES = ("drawn", "contacted", "claimed")  # who may still receive a certificate


def act_winners(
    record: MonthRecord, *, certificate: int | None = None, denomination: int | None = None
) -> list[WinnerRecord]:
    winners = [w for w in record.current_winners if w.status in ACT_STATUSES]
    if denomination is not None:
        winners = [w for w in winners if w.denomination == denomination]
    if certificate is not None:
        winners = [w for w in winners if w.certificate == certificate]
    return winners


def _line(width_mm: float) -> str:
    return "_" * int(width_mm / 1.9)


def _sign_table(pairs: list[tuple[str, str]]) -> Table:
    """Signature blocks side by side: caption over a line, with "name / signature" under it."""
    cells = []
    for key, name in pairs:
        kk, ru = ts(key)
        cells.append(
            [
                P(f"<b>{esc(kk)}</b><br/><font color='#4a4a4a' size='7.5'>{esc(ru)}</font>", "small"),
                spacer(9),
                P(f"{_line(70)}", "small"),
                P(
                    f"<font size='6.5' color='#666666'>{esc(both('signature'))} · {esc(both('name'))}</font>"
                    + (f"<br/>{esc(name)}" if name else ""),
                    "small",
                ),
            ]
        )
    t = Table([cells], colWidths=[FRAME_W / len(cells)] * len(cells), hAlign="LEFT")
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return t


def _title(key: str, number: str) -> list:
    kk, ru = ts(key)
    return [
        P(esc(kk.upper()), "title"),
        P(esc(ru.upper()), "title_ru"),
        P(f"<b>№ {esc(number)}</b>", "subtitle"),
        spacer(3),
    ]


def _winner_pairs(w: WinnerRecord) -> list[tuple[str, object]]:
    return [
        ("client_name", f"<b>{esc(w.client_name)}</b>"),
        ("client_id", P(esc(w.client_id), "mono")),
        ("account", P(esc(w.account), "mono")),
        ("phone", esc(w.phone) if w.phone else _line(45)),
        ("region", esc(w.region) if w.region else _line(45)),
        ("id_document", f"№ {_line(30)}  {esc(both('date'))}: {_line(25)}"),
    ]


def _certificate_pairs(record: MonthRecord, w: WinnerRecord) -> list[tuple[str, object]]:
    kind_kk, kind_ru = ts("certificate_kind")
    tenge_kk, tenge_ru = ts("tenge")
    return [
        ("certificate", f"<b>{esc(kind_kk)}</b> / {esc(kind_ru)}"),
        ("denomination", f"<b>{money(w.denomination)}</b>"),
        ("value", f"<b>{money(w.denomination)} {esc(tenge_kk)}</b> / {esc(tenge_ru)}"),
        ("certificate_serial", P(esc(w.certificate_serial), "mono") if w.certificate_serial else _line(45)),
        (
            "protocol_ref",
            f"№ {esc(record.protocol_number)}, {date_figures(record.draw_date)}, "
            f"{esc(both('certificate_no'))} {w.certificate}",
        ),
    ]


def _act_story(record: MonthRecord, w: WinnerRecord, rules: Rules) -> list:
    org_kk, org_ru = split_organiser(rules.organiser)
    number = f"{record.protocol_number}/{w.denomination // 1000}K-{w.certificate}"
    city = (record.place or "").split(",")[0]
    story = _title("act_title", number)
    head = Table(
        [[P(esc(city), "small"), P(f"{_line(40)} {esc(both('date'))}", "small")]], colWidths=[FRAME_W / 2, FRAME_W / 2]
    )
    head.setStyle(TableStyle([("ALIGN", (1, 0), (1, 0), "RIGHT"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    story += [head, spacer(2)]
    story += bi(
        "act_intro",
        "body",
        "ru",
        name_kk=rules.name_kk,
        name_ru=rules.name_ru,
        organiser_kk=org_kk,
        organiser_ru=org_ru,
    )
    story += [
        spacer(3),
        P(f"<b>1. {esc(both('winner_data'))}</b>", "body"),
        spacer(1),
        kv_table(_winner_pairs(w)),
        spacer(3),
        P(f"<b>2. {esc(both('certificate_data'))}</b>", "body"),
        spacer(1),
        kv_table(_certificate_pairs(record, w)),
        spacer(3),
    ]
    story += bi("act_terms", "small", "small_ru")
    story += [spacer(1)] + bi("act_refusal", "small", "small_ru")
    story += [spacer(2)] + bi("proxy", "small", "small_ru")
    story += [spacer(8), _sign_table([("handed_over", ""), ("received", w.client_name)])]
    return story


def _handover_story(record: MonthRecord, w: WinnerRecord, rules: Rules) -> list:
    number = f"{record.protocol_number}/{w.denomination // 1000}K-{w.certificate}"
    approve_kk, approve_ru = ts("approve")
    approve = Table(
        [
            [
                "",
                [
                    P(f"<b>{esc(approve_kk)}</b>", "small"),
                    P(esc(approve_ru), "small_ru"),
                    spacer(8),
                    P(_line(60), "small"),
                    P(f"«___» __________ {record.draw_date.year} ж. / г.", "small"),
                ],
            ]
        ],
        colWidths=[FRAME_W - 72 * mm, 72 * mm],
    )
    story = [approve, spacer(6)] + _title("handover_title", number)
    story += bi("handover_intro", "body", "ru")
    story += [
        spacer(3),
        kv_table(
            [
                ("branch", _line(80)),
                ("handover_date", _line(40)),
                ("client_name", f"<b>{esc(w.client_name)}</b>"),
                ("client_id", P(esc(w.client_id), "mono")),
                ("account", P(esc(w.account), "mono")),
                (
                    "certificate",
                    f"{esc(both('certificate_kind'))}, <b>{money(w.denomination)}</b> {esc(both('tenge'))}",
                ),
                ("certificate_serial", P(esc(w.certificate_serial), "mono") if w.certificate_serial else _line(45)),
                ("protocol_ref", f"№ {esc(record.protocol_number)}, {date_figures(record.draw_date)}"),
            ]
        ),
        spacer(10),
        _sign_table([("branch_staff", ""), ("winner_sign", w.client_name)]),
    ]
    return story


def _decor(record: MonthRecord, rules: Rules) -> PageDecor:
    month_kk, month_ru = month_words(record.month)
    return PageDecor(
        organiser=rules.organiser,
        promotion=ts("promotion", name_kk=rules.name_kk, name_ru=rules.name_ru),
        rehearsal=record.rehearsal,
        generated_at=dt.datetime.now(dt.UTC),
        footer_left=f"Акт · {record.protocol_number} · {record.month}",
    )


def render_acts(record: MonthRecord, *, winners: list[WinnerRecord] | None = None, rules: Rules | None = None) -> bytes:
    """All acts of the month (each winner: the act, then the branch's handover protocol)."""
    rules = rules or load_rules()
    winners = act_winners(record) if winners is None else winners
    if not winners:
        raise ValueError(f"{record.month}: no winner who can receive a certificate")
    story: list = []
    for i, w in enumerate(winners):
        if i:
            story.append(PageBreak())
        story += _act_story(record, w, rules)
        story.append(PageBreak())
        story += _handover_story(record, w, rules)
    return build_pdf(story, _decor(record, rules), title=f"{both('act_title')} — {record.month}")


def render_act(record: MonthRecord, winner: WinnerRecord, *, rules: Rules | None = None) -> bytes:
    return render_acts(record, winners=[winner], rules=rules)
