"""The draw protocol (clause 8): what the commission signs after a month's draw.

`render_protocol(record, rules)` turns a stored `MonthRecord` into a PDF: the
number, date, time and place; the reporting month; the commission; the source
files; per tier the quota ledger; the method with its evidence (for the
offline method, who entered the entropy and when); every pool's SHA-256; the
winners; re-draws; RANDOM.ORG tickets the commission abandoned; the notices
(a draw held later than clause 8 asks); signature lines; a QR code with the
verification data and the head of the audit chain. It only reads the record:
nothing is computed that the engine did not store.

The draw's data also travels inside the PDF as protocol-data.json
(`engine.protocol_data.protocol_data`), attached before signing so the signature
covers it: `verify --bundle` and `verify --protocol` compare it with the bundle
and with the database.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Iterator
from io import BytesIO

import qrcode
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Image, KeepTogether, Table, TableStyle

from engine.protocol_data import protocol_data
from engine.records import METHOD_OFFLINE, METHOD_RANDOM_ORG, CommissionMember, DrawRecord, MonthRecord
from engine.rules import Rules
from reports.fonts import MONO
from reports.pdfkit import (
    ALERT,
    FRAME_W,
    P,
    PageDecor,
    bi,
    build_pdf,
    esc,
    head,
    kv_table,
    section,
    spacer,
    table,
)
from reports.strings import (
    almaty_time,
    both,
    clock,
    date_figures,
    date_words,
    method_name,
    money,
    month_words,
    notice_text,
    reason_name,
    role_name,
    status_name,
    ts,
)

SIGNING_SELF_SIGNED = "self-signed"
SIGNING_ORGANISATION = "organisation"


class ProtocolError(ValueError):
    """The record cannot make a protocol (nothing drawn)."""


def verification_payload(record: MonthRecord) -> dict:
    """What the QR code carries: enough to match the bundle and RANDOM.ORG's records."""
    return {
        "promotion": "iskerlik-usynys-2021",
        "month": record.month,
        "protocol": record.protocol_number,
        "rehearsal": record.rehearsal,
        "pools": [
            {
                "den": d.denomination,
                "kind": d.kind,
                "n": d.pool.size,
                "sha256": d.pool.sha256,
                **({"serial": d.serial_number} if d.serial_number is not None else {}),
                **({"cert": d.redraw_of_certificate} if d.kind == "redraw" else {}),
            }
            for d in record.draws
            if d.pool is not None
        ],
    }


def _qr_image(payload: dict, size_mm: float = 38) -> Image:
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=4, border=2)
    qr.add_data(json.dumps(payload, ensure_ascii=False, separators=(",", ":")))
    qr.make(fit=True)
    buf = BytesIO()
    qr.make_image(fill_color="black", back_color="white").save(buf, format="PNG")
    buf.seek(0)
    return Image(buf, width=size_mm * mm, height=size_mm * mm)


def _ordered_draws(record: MonthRecord) -> list[DrawRecord]:
    """Original draws from the highest tier down, then re-draws in the order they ran."""
    originals = sorted((d for d in record.draws if d.kind == "draw"), key=lambda d: -d.denomination)
    return originals + list(record.redraws)


def _draw_time(record: MonthRecord) -> str:
    originals = [d for d in record.draws if d.kind == "draw"]
    if not originals:
        return "—"
    start = min(d.started_at for d in originals)
    ends = [d.finished_at for d in originals if d.finished_at]
    if not ends:
        return almaty_time(start, date=False)
    return f"{clock(start)} – {almaty_time(max(ends), date=False)}"  # 11:00 – 11:42 (UTC+6)


def _bi_cell(pair: tuple[str, str], style: str = "cell") -> P:
    kk, ru = pair
    if kk == ru:
        return P(esc(kk), style)
    return P(f"{esc(kk)}<br/><font color='#4a4a4a' size='7'>{esc(ru)}</font>", style)


def _commission(num: Iterator[int], record: MonthRecord) -> list:
    story = [section(next(num), "sec_commission")]
    if not record.commission:
        story += bi("commission_blank", "small", "small_ru")
        return story
    rows = [[head("role_member"), head("name"), head("position")]]
    rows[0][0] = P("&nbsp;", "head")
    for m in _ordered_commission(record):
        rows.append([_bi_cell(role_name(m.role)), P(f"<b>{esc(m.name)}</b>", "cell"), P(esc(m.position), "cell")])
    story.append(table(rows, [48 * mm, 62 * mm, FRAME_W - 110 * mm]))
    return story


def _ordered_commission(record: MonthRecord):
    order = {"chair": 0, "member": 1, "secretary": 2}
    return sorted(record.commission, key=lambda m: order.get(m.role, 1))


def _sources(num: Iterator[int], record: MonthRecord) -> list:
    story = [section(next(num), "sec_sources")]
    if not record.imports:
        return story + bi("no_sources", "small", "small_ru")
    rows = [[head("file"), head("rows"), head("eligible"), head("excluded"), head("errors")]]
    extra = []
    for imp in record.imports:
        name = esc(imp.file_name) + (f" <font color='#555555'>[{esc(imp.sheet)}]</font>" if imp.sheet else "")
        blank = (
            f"<br/><font size='6.5' color='#555555'>+{imp.rows_blank} {esc(both('blank_rows'))}</font>"
            if imp.rows_blank
            else ""
        )
        rows.append(
            [
                P(name, "cell"),
                P(f"{imp.rows_data}{blank}", "cell_r"),
                P(str(imp.eligible), "cell_r"),
                P(str(imp.excluded), "cell_r"),
                P(str(imp.errors), "cell_r"),
            ]
        )
        r = len(rows)
        rows.append([P(f"SHA-256: <font name='{MONO}'>{imp.file_sha256}</font>", "mono_s"), "", "", "", ""])
        extra.append(("SPAN", (0, r), (-1, r)))
        extra.append(("LINEABOVE", (0, r), (-1, r), 0.2, colors.HexColor("#dddddd")))
    story.append(table(rows, [FRAME_W - 100 * mm, 25 * mm, 25 * mm, 25 * mm, 25 * mm], extra=extra))
    reasons: dict[str, int] = {}
    for imp in record.imports:
        for reason, count in imp.excluded_by_reason:
            reasons[reason] = reasons.get(reason, 0) + count
    if reasons:
        story.append(spacer(2))
        rows = [[head("excluded_by_reason"), head("rows")]]
        for reason, count in reasons.items():
            rows.append([_bi_cell(reason_name(reason)), P(str(count), "cell_r")])
        story.append(table(rows, [110 * mm, 25 * mm]))
    return story


def _tiers(num: Iterator[int], record: MonthRecord, rules: Rules) -> list:
    story = [section(next(num), "sec_tiers")]
    keys = ("denomination", "quota", "carried_in", "to_draw", "pool_size", "drawn", "carry_out")
    rows = [[head(k) for k in keys]]
    totals = [0] * 6
    dens = sorted({d.denomination for d in record.draws} | set(rules.denominations), reverse=True)
    for den in dens:
        d = record.tier_draw(den)
        if d is None:
            continue
        values = (d.quota, d.carried_in, d.to_draw, d.pool.size if d.pool else 0, d.drawn, d.carry_out)
        totals = [a + b for a, b in zip(totals, values)]
        rows.append([P(f"<b>{money(den)}</b>", "cell_r")] + [P(str(v), "cell_r") for v in values])
    rows.append([P(f"<b>{esc(both('total'))}</b>", "cell")] + [P(f"<b>{v}</b>", "cell_r") for v in totals])
    story.append(
        table(
            rows,
            [26 * mm] + [(FRAME_W - 26 * mm) / 6] * 6,
            extra=[("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#f2f2f2"))],
        )
    )
    return story


def _method(num: Iterator[int], record: MonthRecord) -> list:
    story = [section(next(num), "sec_method")]
    methods = sorted({d.method for d in record.draws})
    for method in methods:
        kk, ru = method_name(method)
        story.append(P(f"<b>{esc(kk)}</b>", "body"))
        story.append(P(esc(ru), "ru"))
        story.append(spacer(1.5))
        draws = [d for d in _ordered_draws(record) if d.method == method]
        if method == METHOD_RANDOM_ORG:
            story += _random_org_table(draws)
        elif method == METHOD_OFFLINE:
            story += _offline_table(draws)
    return story


def _draw_label(d: DrawRecord) -> str:
    label = f"<b>{money(d.denomination)}</b>"
    if d.kind == "redraw":
        label += f"<br/><font size='6.8'>{esc(both('redrawn_mark'))}, № {d.redraw_of_certificate}</font>"
    return label


def _random_org_table(draws: list[DrawRecord]) -> list:
    rows = [
        [
            head("denomination"),
            head("serial_number"),
            head("completion_time"),
            head("ticket_id"),
            head("signature_verified"),
        ]
    ]
    for d in draws:
        ok = ("тексерілді", "проверена") if d.signature_verified else ("ТЕКСЕРІЛМЕГЕН", "НЕ ПРОВЕРЕНА")
        mark = "✓" if d.signature_verified else "✗"
        colour = "#1b6e20" if d.signature_verified else "#b00020"
        rows.append(
            [
                P(_draw_label(d), "cell_r"),
                P(str(d.serial_number or "—"), "cell_c"),
                P(esc(d.completion_time or "—"), "cell_c"),
                P(esc(d.ticket_id or "—"), "mono_s"),
                P(f"<font color='{colour}'><b>{mark} {esc(ok[0])}</b> / {esc(ok[1])}</font>", "cell"),
            ]
        )
    story = [table(rows, [27 * mm, 20 * mm, 34 * mm, 52 * mm, FRAME_W - 133 * mm])]
    keys = sorted({d.hashed_api_key for d in draws if d.hashed_api_key})
    licences = sorted({d.license_text for d in draws if d.license_text})
    pairs = []
    for key in keys:
        pairs.append(("hashed_api_key", P(esc(key), "mono_s")))
    for lic in licences:
        pairs.append(("licence", P(esc(lic), "cell")))
    if pairs:
        story += [spacer(1.5), kv_table(pairs, label_width=45 * mm)]
    if any(d.development_licence for d in draws):
        story += [spacer(1.5), _alert_box("dev_licence_warning")]
    story.append(spacer(2))
    return story


def _offline_table(draws: list[DrawRecord]) -> list:
    authors = any(d.entropy_by or d.entropy_at for d in draws)  # older draws did not record them
    rows = [[head("denomination"), head("entropy")] + ([head("entropy_by")] if authors else [])]
    for d in draws:
        row = [P(_draw_label(d), "cell_r"), P(esc(d.entropy), "mono")]
        if authors:
            row.append(P(_who_when(d.entropy_by, d.entropy_at), "cell"))
        rows.append(row)
    widths = [32 * mm, FRAME_W - 32 * mm] if not authors else [32 * mm, FRAME_W - 84 * mm, 52 * mm]
    story = [table(rows, widths), spacer(1.5)]
    kk, ru = ts("offline_algorithm")
    story.append(
        kv_table(
            [("algorithm", P(f"{esc(kk)}<br/><font color='#4a4a4a'>{esc(ru)}</font>", "small"))], label_width=32 * mm
        )
    )
    story.append(spacer(2))
    return story


def _who_when(who: str, when: dt.datetime | None) -> str:
    """ "Name<br/>05.04.2021 11:02 (UTC+6)" for a cell; either part may be missing."""
    parts = [f"<b>{esc(who)}</b>"] if who else []
    if when is not None:
        parts.append(f"<font color='#4a4a4a'>{almaty_time(when)}</font>")
    return "<br/>".join(parts) or "—"


def _alert_box(key: str, **params: object) -> Table:
    kk, ru = ts(key, **params)
    t = Table([[P(f"{esc(kk)}<br/>{esc(ru)}", "alert")]], colWidths=[FRAME_W])
    t.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1.1, ALERT),
                ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#fdeced")),
                ("LEFTPADDING", (0, 0), (-1, -1), 5),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    return t


def _pools(num: Iterator[int], record: MonthRecord) -> list:
    story = [section(next(num), "sec_pools")]
    rows = [[head("denomination"), head("pool_size"), head("pool_hash")]]
    for d in _ordered_draws(record):
        if d.pool is None:
            continue
        # One line, monospace, small: the 64 hex digits stay together when copied or extracted.
        rows.append([P(_draw_label(d), "cell_r"), P(str(d.pool.size), "cell_c"), P(d.pool.sha256, "mono")])
    story.append(table(rows, [32 * mm, 24 * mm, FRAME_W - 56 * mm]))
    story += bi("pool_note", "small", "small_ru")
    return story


def _winners(num: Iterator[int], record: MonthRecord) -> list:
    story = [CondPageBreak(40 * mm), section(next(num), "sec_winners", keep_with_next=False)]
    winners = record.current_winners
    if not winners:
        return story + bi("no_winners")
    redrawn = {(d.denomination, d.redraw_of_certificate) for d in record.redraws if d.winners}
    rows = [
        [
            P("№", "head"),
            head("certificate_no"),
            head("denomination"),
            head("ordinal"),
            head("account"),
            head("client_name"),
            head("client_id"),
        ]
    ]
    extra = []
    previous = None
    for i, w in enumerate(winners, 1):
        mark = " *" if (w.denomination, w.certificate) in redrawn else ""
        rows.append(
            [
                P(str(i), "cell_c"),
                P(f"{w.certificate}{mark}", "cell_c"),
                P(money(w.denomination), "cell_r"),
                P(str(w.ordinal), "cell_c"),
                P(esc(w.account), "mono"),
                P(esc(w.client_name), "cell"),
                P(esc(w.client_id), "mono"),
            ]
        )
        if previous is not None and previous != w.denomination:
            extra.append(("LINEABOVE", (0, len(rows) - 1), (-1, len(rows) - 1), 1.0, colors.black))
        previous = w.denomination
    story.append(
        table(rows, [9 * mm, 13 * mm, 19 * mm, 17 * mm, 25 * mm, FRAME_W - 111 * mm, 28 * mm], extra=extra, zebra=True)
    )
    if redrawn:
        kk, ru = ts("redrawn_mark")
        story.append(P(f"* {esc(kk)} / {esc(ru)} (→ 7)", "small"))
    return story


def _redraws(num: Iterator[int], record: MonthRecord) -> list:
    if not record.redraws:
        return []
    story = [CondPageBreak(35 * mm), section(next(num), "sec_redraws")]
    previous = {(w.denomination, w.certificate, w.draw_id): w for d in record.draws for w in d.winners}
    rows = [
        [
            head("certificate_no"),
            head("denomination"),
            head("date"),
            head("previous_winner"),
            head("reason"),
            head("new_winner"),
        ]
    ]
    for d in record.redraws:
        # The winner this re-draw replaced: same tier and certificate, no longer current, drawn before.
        old = [
            w
            for (den, cert, _), w in previous.items()
            if den == d.denomination and cert == d.redraw_of_certificate and w.draw_id != d.id and not w.current
        ]
        old_text = "<br/>".join(f"<font name='{MONO}'>{esc(w.account)}</font><br/>{esc(w.client_name)}" for w in old)
        reason = status_name(d.redraw_reason)  # unclaimed / forfeited, worded as on screen
        if d.winners:
            w = d.winners[0]
            new_text = f"<font name='{MONO}'>{esc(w.account)}</font><br/>{esc(w.client_name)}"
        else:
            new_text = esc(both("redraw_empty"))
        rows.append(
            [
                P(str(d.redraw_of_certificate), "cell_c"),
                P(money(d.denomination), "cell_r"),
                P(date_figures(d.draw_date), "cell_c"),
                P(old_text or "—", "cell"),
                _bi_cell(reason),
                P(new_text, "cell"),
            ]
        )
    story.append(table(rows, [14 * mm, 18 * mm, 20 * mm, 44 * mm, 38 * mm, FRAME_W - 134 * mm]))
    return story + _redraw_presence(record)


def _redraw_presence(record: MonthRecord) -> list:
    """Who the commission recorded as present at each re-draw (integrity rule 3: a re-draw is the
    commission's act), with their roles, in both languages."""
    if not record.redraw_commissions:
        return [spacer(1.5), *bi("redraw_presence_none", "small", "small_ru")]
    story = [spacer(1.5)]
    for c in record.redraw_commissions:
        kk_names = ", ".join(f"{m.name} ({role_name(m.role)[0].lower()})" for m in c.members) or "—"
        ru_names = ", ".join(f"{m.name} ({role_name(m.role)[1].lower()})" for m in c.members) or "—"
        date = date_figures(c.draw_date)
        kk, _ = ts("redraw_presence", certificate=c.certificate, date=date, names=kk_names)
        _, ru = ts("redraw_presence", certificate=c.certificate, date=date, names=ru_names)
        story += [P(esc(kk), "small"), P(esc(ru), "small_ru")]
    return story


def _abandoned(num: Iterator[int], record: MonthRecord) -> list:
    """Used RANDOM.ORG tickets whose results could not be verified, abandoned by the commission:
    their ids are printed so anyone can look them up at RANDOM.ORG (integrity rule 5)."""
    if not record.abandoned:
        return []
    story = [CondPageBreak(35 * mm), section(next(num), "sec_abandoned")]
    rows = [
        [head("denomination"), head("ticket_id"), head("abandon_failure"), head("abandon_reason"), head("abandoned_by")]
    ]
    for a in record.abandoned:
        label = f"<b>{money(a.denomination)}</b>"
        if a.kind == "redraw":
            label += f"<br/><font size='6.8'>{esc(both('redrawn_mark'))}, № {a.certificate}</font>"
        rows.append(
            [
                P(label, "cell_r"),
                P(esc(a.ticket_id or "—"), "mono_s"),
                P(esc(a.failure), "cell"),
                P(esc(a.reason), "cell"),
                P(_who_when(a.abandoned_by, a.abandoned_at), "cell"),
            ]
        )
    story.append(table(rows, [22 * mm, 36 * mm, 42 * mm, FRAME_W - 132 * mm, 32 * mm]))
    story += bi("abandoned_note", "small", "small_ru")
    return story


def _late(record: MonthRecord, rules: Rules) -> dict | None:
    """The late-draw notice's values when the draw date is after clause 8's month (integrity rule 2)."""
    if not rules.draw_date_late(record.month, record.draw_date):
        return None
    first, last = rules.draw_window(record.month)
    month_kk, month_ru = month_words(record.month)
    return dict(
        month_kk=month_kk,
        month_ru=month_ru,
        first=date_figures(first),
        last=date_figures(last),
        date=date_figures(record.draw_date),
    )


def _notices(num: Iterator[int], record: MonthRecord, rules: Rules, signing: str | None) -> list:
    items = [notice_text(n) for n in rules.notices]
    dev = any(d.development_licence for d in record.draws)
    late = _late(record, rules)
    if not items and not dev and not late and signing != SIGNING_SELF_SIGNED and not record.rehearsal:
        return []
    story = [section(next(num), "sec_notices")]
    if late:
        story += [_alert_box("late_draw", **late), spacer(1.5)]
    for kk, ru in items:
        story += [P(f"• {esc(kk)}", "small"), P(f"&nbsp;&nbsp;{esc(ru)}", "small_ru"), spacer(1)]
    if dev:
        story += [_alert_box("dev_licence_warning"), spacer(1.5)]
    if record.rehearsal:
        story += [_alert_box("rehearsal"), spacer(1.5)]
    if signing == SIGNING_SELF_SIGNED:
        story += [_alert_box("self_signed_notice"), spacer(1.5)]
    return story


def _signatures(num: Iterator[int], record: MonthRecord, rules: Rules, signing: str | None) -> list:
    block = [section(next(num), "sec_signatures")]
    block += bi("closing", "small", "small_ru", days=rules.claim_window_days)
    block.append(spacer(3))
    members = list(_ordered_commission(record))
    if not members:
        members = [
            CommissionMember("chair", ""),
            CommissionMember("member", ""),
            CommissionMember("member", ""),
            CommissionMember("member", ""),
            CommissionMember("secretary", ""),
        ]
    rows = []
    for m in members:
        name = P(f"<b>{esc(m.name)}</b>", "cell") if m.name else P("", "cell")
        rows.append([_bi_cell(role_name(m.role)), name, "", "", "", ""])
        rows.append(
            [
                "",
                P(f"<font size='6.3' color='#666666'>{esc(both('name'))}</font>", "cell"),
                "",
                P(f"<font size='6.3' color='#666666'>{esc(both('signature'))}</font>", "cell_c"),
                "",
                P(f"<font size='6.3' color='#666666'>{esc(both('date'))}</font>", "cell_c"),
            ]
        )
    t = Table(rows, colWidths=[44 * mm, 64 * mm, 5 * mm, 36 * mm, 5 * mm, FRAME_W - 154 * mm], hAlign="LEFT")
    style = [
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
    ]
    for r in range(0, len(rows), 2):
        style += [
            ("LINEBELOW", (1, r), (1, r), 0.6, colors.black),
            ("LINEBELOW", (3, r), (3, r), 0.6, colors.black),
            ("LINEBELOW", (5, r), (5, r), 0.6, colors.black),
            ("TOPPADDING", (0, r), (-1, r), 11),
            ("BOTTOMPADDING", (0, r), (-1, r), 1),
            ("TOPPADDING", (0, r + 1), (-1, r + 1), 0),
            ("BOTTOMPADDING", (0, r + 1), (-1, r + 1), 1),
            ("SPAN", (0, r), (0, r + 1)),
            ("VALIGN", (0, r), (0, r), "MIDDLE"),
        ]
    t.setStyle(TableStyle(style))
    block.append(t)
    return [KeepTogether(block)]


def _verification(record: MonthRecord, signing: str | None) -> list:
    qr = _qr_image(verification_payload(record))
    kk, ru = ts("qr_caption")
    text = [P(f"<b>{esc(both('sec_verification'))}</b>", "small"), P(esc(kk), "small"), P(esc(ru), "small_ru")]
    if signing:
        skk, sru = ts("signed_notice")
        text += [spacer(1.5), P(esc(skk), "small"), P(esc(sru), "small_ru")]
    t = Table([[qr, text]], colWidths=[42 * mm, FRAME_W - 42 * mm], hAlign="LEFT")
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    # The 64 hex digits on one line of their own, so they are copied (and extracted) whole.
    anchor = kv_table(
        [
            (
                "audit_head",
                P(
                    f"<b>№ {record.audit_head_seq}</b> · SHA-256<br/>"
                    f"<font name='{MONO}' size='7.4'>{esc(record.audit_head_sha256)}</font>",
                    "cell",
                ),
            )
        ]
    )
    kk, ru = ts("audit_head_note")
    return [spacer(4), KeepTogether([t, spacer(2), anchor, spacer(1), P(esc(kk), "small"), P(esc(ru), "small_ru")])]


def check_drawn(record: MonthRecord, rules: Rules) -> None:
    """Refuse a month whose tiers are not all drawn: a protocol is never partial or empty."""
    if not [d for d in record.draws if d.kind == "draw"]:
        raise ProtocolError(f"{record.month}: nothing was drawn, there is no protocol to print")
    missing = [den for den in rules.denominations if (d := record.tier_draw(den)) is None or d.status != "done"]
    if missing:
        raise ProtocolError(f"{record.month}: tier(s) {', '.join(map(str, missing))} not drawn yet")


def render_protocol(
    record: MonthRecord, rules: Rules, *, generated_at: dt.datetime | None = None, signing: str | None = None
) -> bytes:
    """The protocol PDF of one drawn month. `signing` ("organisation" | "self-signed" | None)
    is what the caller is about to sign it with, so the text can say so."""
    check_drawn(record, rules)
    generated_at = generated_at or dt.datetime.now(dt.UTC)
    month_kk, month_ru = month_words(record.month)
    date_kk, date_ru = date_words(record.draw_date)
    promotion = ts("promotion", name_kk=rules.name_kk, name_ru=rules.name_ru)
    decor = PageDecor(
        organiser=rules.organiser,
        promotion=promotion,
        rehearsal=record.rehearsal,
        generated_at=generated_at,
        footer_left=f"Хаттама / Протокол № {record.protocol_number}",
    )
    place = record.place or next((d.place for d in record.draws if d.place), "")
    story: list = [
        P(f"ХАТТАМА № {esc(record.protocol_number)}", "title"),
        P(f"ПРОТОКОЛ № {esc(record.protocol_number)}", "title_ru"),
        spacer(1.5),
        P(
            esc(
                f"«{rules.name_kk}» акциясы бойынша Chocomart сертификаттарының ұтыс ойыны туралы "
                f"(талаптардың 8-тармағы)"
            ),
            "subtitle",
        ),
        P(esc(f"о розыгрыше сертификатов Chocomart по акции «{rules.name_ru}» (пункт 8 условий)"), "subtitle_ru"),
        spacer(4),
        kv_table(
            [
                (
                    "reporting_month",
                    f"<b>{esc(month_kk)}</b> / {esc(month_ru)} <font color='#666666'>({record.month})</font>",
                ),
                ("draw_date", f"<b>{esc(date_kk)}</b> / {esc(date_ru)}"),
                ("draw_time", f"<b>{_draw_time(record)}</b>"),
                ("place", esc(place) if place else f"<font color='#666666'>{esc(both('not_recorded'))}</font>"),
                (
                    "method",
                    "<br/>".join(
                        f"{esc(method_name(m)[0])}<br/><font color='#4a4a4a'>{esc(method_name(m)[1])}</font>"
                        for m in sorted({d.method for d in record.draws if d.kind == "draw"})
                    ),
                ),
            ]
        ),
    ]
    if record.rehearsal:
        story += [spacer(2), _alert_box("rehearsal")]
    num = itertools.count(1)  # optional sections (re-draws, notices) take no number
    story += _commission(num, record)
    story += _sources(num, record)
    story += _tiers(num, record, rules)
    story += _method(num, record)
    story += _pools(num, record)
    story += _winners(num, record)
    story += _redraws(num, record)
    story += _abandoned(num, record)
    story += _notices(num, record, rules, signing)
    story += _signatures(num, record, rules, signing)
    story += _verification(record, signing)
    title = f"Хаттама № {record.protocol_number} — {month_kk}"
    pdf = build_pdf(story, decor, title=title, subject=f"Протокол розыгрыша {record.month}")
    # act and publish import check_drawn from here: pyHanko at the top made `import reports.protocol` 0.45 s, not 0.17 s
    from reports.signing import embed_protocol_data  # noqa: PLC0415 (start-up time of act and publish)

    return embed_protocol_data(pdf, protocol_data(record))  # before signing: the signature covers it
