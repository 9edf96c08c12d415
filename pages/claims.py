"""Winners and claims: status, days left of the claim window, contact / handover / forfeit, re-draws."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from engine.records import METHOD_OFFLINE, METHOD_RANDOM_ORG
from ui import services
from ui.i18n import fmt_date, fmt_int, labels, month_labels, t
from ui.setup import page_setup
from ui.widgets import csv_download

ctx = page_setup("claims")
views = services.claim_views(rehearsal=ctx.rehearsal)
if not views:
    st.info(t("common.nothing_drawn"))
    st.stop()

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
        deadline=frame["deadline"].map(fmt_date),
    ).rename(columns={
        "month": t("common.month"), "denomination": t("col.tier"), "certificate": t("col.certificate"),
        "account": t("col.account"), "client_name": t("col.client"), "phone": t("col.phone"), "region": t("col.region"),
        "status": t("col.status"), "deadline": t("col.deadline"), "days_left": t("col.days_left"),
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

if view.status in ("unclaimed", "forfeited"):
    st.markdown(t("claims.redraw_explained"))
    method = st.radio(t("col.method"), (METHOD_RANDOM_ORG, METHOD_OFFLINE), format_func=labels("method."),
                      horizontal=True, key="claims_redraw_method")
    entropy = None
    if method == METHOD_OFFLINE:
        entropy = st.text_input(t("draw.entropy"), key="claims_entropy", help=t("draw.entropy_help"))
        decided = st.checkbox(t("draw.offline_decided"), key="claims_offline_decided")
    else:
        decided = True
    if st.button(t("claims.redraw"), key="claims_redraw", type="primary",
                 disabled=not decided or (method == METHOD_OFFLINE and not (entropy or "").strip())):
        from engine.draw import DrawFailed, DrawRefused

        if view.status == "unclaimed" and w.status == "drawn":
            services.set_claim(w.month, w.denomination, w.certificate, "unclaimed", rehearsal=ctx.rehearsal)
        try:
            record = services.redraw(w.month, w.denomination, w.certificate, reason=view.status, method=method,
                                     entropy=entropy, rehearsal=ctx.rehearsal)
        except DrawFailed as exc:
            st.error(f"{t(f'fail.{exc.kind}')} {t(f'next.{exc.kind}')}")
        except DrawRefused as exc:
            st.error(t("draw.refused", message=str(exc)))
        else:
            if record.winners:
                nw = record.winners[0]
                done(t("claims.redrawn", certificate=w.certificate, name=nw.client_name, account=nw.account))
            done(t("claims.redraw_empty"))
