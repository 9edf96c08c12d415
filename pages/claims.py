"""Winners and claims: status, days left of the claim window, contact / handover / forfeit.

Staff record what happened; they do not draw. A certificate whose winner lapsed
or forfeited is marked as waiting for the commission's re-draw, which happens on
the live draw page with the same ceremony as the monthly draw (RULES.md,
integrity rule 3)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import registry, services
from ui.i18n import fmt_date, fmt_int, labels, month_labels, t
from ui.setup import page_setup
from ui.widgets import csv_download

ctx = page_setup("claims")
views = services.claim_views(rehearsal=ctx.rehearsal)
if not views:
    st.info(t("common.nothing_drawn"))
    st.stop()
# Which certificates wait for the commission's re-draw is the engine's to say (lapsed or forfeited, not re-drawn).
awaiting = {(v.winner.month, v.winner.denomination, v.winner.certificate)
            for v in services.awaiting_redraw(rehearsal=ctx.rehearsal)}


def waits(view) -> bool:
    return (view.winner.month, view.winner.denomination, view.winner.certificate) in awaiting


def redraw_link() -> None:
    """Where the re-draw happens: a link for a role that may open the live draw page, the page's name otherwise."""
    if registry.allowed(ctx.role, "draw"):
        st.page_link(registry.BY_KEY["draw"].path, label=t("claims.go_redraw"), icon=":material/arrow_forward:")
    else:
        st.caption(t("claims.redraw_where"))


month_fmt = month_labels()
status_fmt = labels("status.")
c1, c2 = st.columns(2)
months = sorted({v.winner.month for v in views})
month_filter = c1.multiselect(t("common.months"), months, default=months, format_func=month_fmt, key="claims_months")
statuses = ["drawn", "contacted", "claimed", "unclaimed", "forfeited"]
status_filter = c2.multiselect(t("col.status"), statuses, default=statuses, format_func=status_fmt, key="claims_statuses")
shown = [v for v in views if v.winner.month in month_filter and v.status in status_filter]

OPEN = ("drawn", "contacted")
frame = pd.DataFrame(
    [
        {
            "month": v.winner.month,
            "denomination": v.winner.denomination,
            "certificate": v.winner.certificate,
            # what staff act on first, before the columns a narrow screen scrolls away
            "status": v.status,
            "redraw": waits(v),
            "deadline": v.deadline,
            "days_left": v.days_left if v.status in OPEN else None,
            "account": v.winner.account,
            "client_name": v.winner.client_name,
            "phone": v.winner.phone,
            "region": v.winner.region,
            "certificate_serial": v.winner.certificate_serial,
            "note": v.winner.note,
        }
        for v in shown
    ]
)
overdue = [v for v in views if v.status == "unclaimed" or (v.status in OPEN and v.days_left < 0)]
if overdue:
    st.error(t("claims.overdue", n=len(overdue)), icon=":material/alarm:")
if not frame.empty:
    display = frame.assign(
        month=frame["month"].map(month_fmt),
        denomination=frame["denomination"].map(fmt_int),
        status=frame["status"].map(status_fmt),
        redraw=frame["redraw"].map({True: t("claims.awaiting_redraw_short"), False: ""}),
        deadline=frame["deadline"].map(fmt_date),
    ).rename(columns={
        "month": t("common.month"), "denomination": t("col.tier"), "certificate": t("col.certificate"),
        "account": t("col.account"), "client_name": t("col.client"), "phone": t("col.phone"), "region": t("col.region"),
        "status": t("col.status"), "redraw": t("col.redraw"), "deadline": t("col.deadline"),
        "days_left": t("col.days_left"),
        "certificate_serial": t("col.serial"), "note": t("col.note"),
    })
    late = [v.status == "unclaimed" or (v.status in OPEN and v.days_left < 0) for v in shown]
    soon = [v.status in OPEN and 0 <= v.days_left <= 3 for v in shown]

    def highlight(row):
        if late[row.name]:
            return ["background-color: #fde2e2; color: #7f1d1d"] * len(row)
        if soon[row.name]:
            return ["background-color: #fff4ce"] * len(row)
        return [""] * len(row)

    st.dataframe(display.style.apply(highlight, axis=1), hide_index=True)
    csv_download(frame, "winners.csv", key="dl_winners")

# ---- act on one certificate
st.subheader(t("claims.act_title"))
choices = {f"{v.winner.month}|{v.winner.denomination}|{v.winner.certificate}": v for v in views}
label = {k: f"{month_fmt(v.winner.month)} · {fmt_int(v.winner.denomination)} ₸ · № {v.winner.certificate} · "
            f"{v.winner.client_name} ({status_fmt(v.status)})" for k, v in choices.items()}
picked = st.selectbox(t("claims.certificate"), list(choices), format_func=label.get, key="claims_pick")
view = choices[picked]
w = view.winner
st.caption(t("claims.deadline", deadline=fmt_date(view.deadline), days=view.days_left))


def done(message: str) -> None:
    st.session_state["claims_flash"] = message
    st.rerun()


flash = st.session_state.pop("claims_flash", None)
if flash:
    st.success(flash)

if view.status in OPEN:
    tab_contact, tab_handover, tab_forfeit = st.tabs([t("claims.contact"), t("claims.handover"), t("claims.forfeit")])
    from engine.draw import ClaimRefused

    with tab_contact:
        note = st.text_input(t("col.note"), key="claims_contact_note")
        if st.button(t("claims.record_contact"), key="claims_contact", disabled=view.status != "drawn"):
            try:
                services.set_claim(w.month, w.denomination, w.certificate, "contacted", note=note, rehearsal=ctx.rehearsal)
                done(t("claims.saved"))
            except ClaimRefused as exc:
                st.error(t("claims.refused", message=str(exc)))
    with tab_handover:
        serial = st.text_input(t("col.serial"), key="claims_serial")
        note = st.text_input(t("col.note"), key="claims_handover_note")
        if st.button(t("claims.record_handover"), key="claims_handover", type="primary", disabled=not serial.strip()):
            try:
                services.set_claim(w.month, w.denomination, w.certificate, "claimed", note=note,
                                   certificate_serial=serial.strip(), rehearsal=ctx.rehearsal)
                done(t("claims.saved"))
            except ClaimRefused as exc:
                st.error(t("claims.refused", message=str(exc)))
    with tab_forfeit:
        reason = st.text_area(t("claims.forfeit_reason"), key="claims_forfeit_reason", help=t("claims.forfeit_help"))
        if st.button(t("claims.record_forfeit"), key="claims_forfeit", disabled=not reason.strip()):
            try:
                services.set_claim(w.month, w.denomination, w.certificate, "forfeited", note=reason, rehearsal=ctx.rehearsal)
                done(t("claims.saved"))
            except ClaimRefused as exc:
                st.error(t("claims.refused", message=str(exc)))

if waits(view):
    st.warning(t("claims.awaiting_redraw"), icon=":material/hourglass_top:")
    redraw_link()
