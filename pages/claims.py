"""Winners and claims: status, days left of the claim window, contact / handover / forfeit, and each
certificate's history.

Staff record what happened; they do not draw. A certificate whose winner lapsed
or forfeited is marked as waiting for the commission's re-draw, which happens on
the live draw page with the same ceremony as the monthly draw (RULES.md,
integrity rule 3).

Every action applies to the certificate chosen by its stable key (month,
denomination, certificate), picked in the table or in the list below it, so
the choice stays put when the certificate's status or winner changes.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from engine.claims import ClaimRefused
from engine.progress import due_soon
from engine.records import WINNER_STATUSES
from ui import claims, incidents, registry
from ui.i18n import fmt_date, fmt_datetime, fmt_int, labels, month_labels, t
from ui.setup import page_setup
from ui.widgets import csv_download, mask_account

ctx = page_setup("claims")
views = claims.claim_views(rehearsal=ctx.rehearsal)
if not views:
    st.info(t("common.nothing_drawn"))
    st.stop()

CHOSEN, PICK, TABLE, TABLE_KEYS, PENDING = (
    "claims_chosen",
    "claims_pick",
    "claims_table",
    "claims_table_keys",
    "claims_forfeit_pending",
)
INPUTS = ("claims_contact_note", "claims_serial", "claims_handover_note", "claims_forfeit_reason")


def key_of(view) -> str:
    """The stable key of a certificate: never its status or its winner's name, which change."""
    return f"{view.winner.month}|{view.winner.denomination}|{view.winner.certificate}"


by_key = {key_of(v): v for v in views}
# Which certificates wait for the commission's re-draw is the engine's to say (lapsed or forfeited, not re-drawn).
awaiting = {key_of(v) for v in claims.awaiting_redraw(rehearsal=ctx.rehearsal)}
replaced = claims.replaced_winners(rehearsal=ctx.rehearsal)
month_fmt = month_labels()
status_fmt = labels("status.")


def _label(key: str) -> str:
    month, den, cert = key.split("|")
    return f"{month_fmt(month)} · {fmt_int(int(den))} ₸ · № {cert}"


# Labels made now, in this run's language: a widget may format its options outside the run.
cert_labels = {k: _label(k) for k in by_key}
cert_label = cert_labels.__getitem__


def choose(key: str | None) -> None:
    """Make `key` the certificate acted on; what was typed for another certificate is cleared."""
    if key in by_key and key != st.session_state.get(CHOSEN):
        st.session_state[CHOSEN] = key
        for name in INPUTS:  # set, not deleted: the browser's copy of the field is cleared too
            st.session_state[name] = ""


def on_table_select() -> None:
    rows = st.session_state[TABLE].selection.rows
    keys = st.session_state.get(TABLE_KEYS, [])
    if rows and rows[0] < len(keys):
        choose(keys[rows[0]])


def on_pick() -> None:
    choose(st.session_state.get(PICK))


if st.session_state.get(CHOSEN) not in by_key:  # first visit: the first certificate still open, else the first
    st.session_state[CHOSEN] = next((k for k, v in by_key.items() if v.is_open), next(iter(by_key)))
chosen = st.session_state[CHOSEN]


def redraw_link() -> None:
    """Where the re-draw happens: a link for a role that may open the live draw page, the page's name otherwise."""
    if registry.allowed(ctx.role, "draw"):
        st.page_link(registry.BY_KEY["draw"].path, label=t("claims.go_redraw"), icon=":material/arrow_forward:")
    else:
        st.caption(t("claims.redraw_where"))


def days_text(view) -> str:
    """Whole days, only while the claim is open."""
    return str(int(view.days_left)) if view.is_open else "—"


def earlier_text(view) -> str:
    """Winners a re-draw replaced on this certificate: they stay visible beside the current one."""
    earlier = replaced.get((view.winner.month, view.winner.denomination, view.winner.certificate), [])
    return "; ".join(f"{e.client_name or mask_account(e.account)} ({status_fmt(e.status)})" for e in earlier)


c1, c2 = st.columns(2)
months = sorted({v.winner.month for v in views})
month_filter = c1.multiselect(t("common.months"), months, default=months, format_func=month_fmt, key="claims_months")
statuses = list(WINNER_STATUSES)
status_filter = c2.multiselect(
    t("col.status"), statuses, default=statuses, format_func=status_fmt, key="claims_statuses"
)
shown = [v for v in views if v.winner.month in month_filter and v.status in status_filter]
shown_keys = [key_of(v) for v in shown]

overdue = [v for v in views if v.late]
if overdue:
    st.error(t("claims.overdue", n=len(overdue)), icon=":material/alarm:")

frame = pd.DataFrame(
    [
        {
            "month": v.winner.month,
            "denomination": v.winner.denomination,
            "certificate": v.winner.certificate,
            # what staff act on first, before the columns a narrow screen scrolls away
            "status": v.status,
            "redraw": key_of(v) in awaiting,
            "deadline": v.deadline,
            "days_left": days_text(v),
            "account": v.winner.account,
            "client_name": v.winner.client_name,
            "phone": v.winner.phone,
            "region": v.winner.region,
            "certificate_serial": v.winner.certificate_serial,
            "earlier": earlier_text(v),
            "note": v.winner.note,
        }
        for v in shown
    ]
)
if not frame.empty:
    display = frame.assign(
        month=frame["month"].map(month_fmt),
        denomination=frame["denomination"].map(fmt_int),
        status=frame["status"].map(status_fmt),
        redraw=frame["redraw"].map({True: t("claims.awaiting_redraw_short"), False: ""}),
        deadline=frame["deadline"].map(fmt_date),
    ).rename(
        columns={
            "month": t("common.month"),
            "denomination": t("col.tier"),
            "certificate": t("col.certificate"),
            "account": t("col.account"),
            "client_name": t("col.client"),
            "phone": t("col.phone"),
            "region": t("col.region"),
            "status": t("col.status"),
            "redraw": t("col.redraw"),
            "deadline": t("col.deadline"),
            "days_left": t("col.days_left"),
            "certificate_serial": t("col.serial"),
            "earlier": t("col.earlier_winners"),
            "note": t("col.note"),
        }
    )
    late = [v.late for v in shown]
    soon = [due_soon(v) for v in shown]

    def highlight(row):
        if late[row.name]:
            return ["background-color: #fde2e2; color: #7f1d1d"] * len(row)
        if soon[row.name]:
            return ["background-color: #fff4ce"] * len(row)
        return [""] * len(row)

    st.caption(t("claims.pick_hint"))
    # The table shows the chosen certificate selected; a click on another row chooses that one.
    st.session_state[TABLE_KEYS] = shown_keys
    st.session_state[TABLE] = {
        "selection": {"rows": [shown_keys.index(chosen)] if chosen in shown_keys else [], "columns": [], "cells": []}
    }
    st.dataframe(
        display.style.apply(highlight, axis=1),
        hide_index=True,
        key=TABLE,
        on_select=on_table_select,
        selection_mode="single-row",
    )
    csv_download(frame, "winners.csv", key="dl_winners")

# ---- act on one certificate
st.subheader(t("claims.act_title"))
st.session_state[PICK] = chosen
st.selectbox(
    t("claims.certificate"), list(by_key), format_func=cert_label, key=PICK, on_change=incidents.guarded(on_pick)
)
view = by_key[chosen]
w = view.winner

# One slot, always there: a message coming or going must not shift the tabs below (a shifted
# element is a new one to the browser, and the tabs would jump back to the first one).
message = st.empty()
flash = st.session_state.pop("claims_flash", None)
if flash:
    message.success(flash, icon=":material/check_circle:")

st.markdown(
    f"**{cert_label(chosen)}** · {w.client_name} · `{w.account}` · {t('col.status')}: **{status_fmt(view.status)}**"
)
if view.is_open:
    st.caption(t("claims.deadline", deadline=fmt_date(view.deadline), days=int(view.days_left)))
else:
    st.caption(t("claims.deadline_closed", deadline=fmt_date(view.deadline)))
with st.expander(t("claims.history_title"), expanded=True, icon=":material/history:"):
    history = claims.certificate_history(w.month, w.denomination, w.certificate, rehearsal=ctx.rehearsal)
    event_fmt = labels("claims.event_")
    steps = []
    for ev in history:
        what = event_fmt(ev.event)
        if ev.event == "replaced" and ev.note:
            what = f"{what} ({status_fmt(ev.note)})"
        steps.append(
            {
                t("col.when_local"): fmt_datetime(ev.at) if ev.at else fmt_date(ev.on),
                t("claims.step"): what,
                t("col.client"): ev.winner.client_name,
                t("col.account"): ev.winner.account,
                t("col.note"): ev.note if ev.event != "replaced" else "",
                t("col.actor"): ev.actor,
            }
        )
    st.dataframe(
        pd.DataFrame(steps),
        hide_index=True,
        key="claims_history",
        column_config={
            t("col.when_local"): st.column_config.TextColumn(width="medium"),
            t("claims.step"): st.column_config.TextColumn(width="large"),
            t("col.note"): st.column_config.TextColumn(width="medium"),
        },
    )


def done(message: str) -> None:
    st.session_state["claims_flash"] = message
    st.rerun()


def saved(key: str, status: str) -> str:
    return f"{t('claims.saved')} {cert_label(key)}: {status_fmt(status)}"


@st.dialog(t("claims.confirm_forfeit_title"), width="medium", on_dismiss=lambda: st.session_state.pop(PENDING, None))
def confirm_forfeit(key: str, reason: str) -> None:
    """Whom the forfeit concerns, in full, before anything is stored."""
    target = by_key[key].winner
    st.markdown(t("claims.confirm_forfeit_who", certificate=cert_label(key)))
    st.markdown(
        f"- {t('col.client')}: **{target.client_name}**\n- {t('col.account')}: **{mask_account(target.account)}**\n"
        f"- {t('claims.forfeit_reason')}: {reason}"
    )
    st.warning(t("claims.confirm_forfeit_effect"), icon=":material/warning:")
    yes, no = st.columns(2)
    if yes.button(t("claims.confirm_forfeit_yes"), key="claims_forfeit_confirm", type="primary", width="stretch"):
        st.session_state.pop(PENDING, None)
        try:
            claims.set_claim(
                target.month, target.denomination, target.certificate, "forfeited", note=reason, rehearsal=ctx.rehearsal
            )
        except ClaimRefused as exc:
            st.session_state["claims_flash_error"] = t("claims.refused", message=str(exc))
            st.rerun()
        for name in INPUTS:
            st.session_state.pop(name, None)
        done(saved(key, "forfeited"))
    if no.button(t("claims.confirm_forfeit_no"), key="claims_forfeit_cancel", width="stretch"):
        st.session_state.pop(PENDING, None)
        st.rerun()


refused = st.session_state.pop("claims_flash_error", None)
if refused:
    message.error(refused)

if view.is_open:
    # Keyed, so the open tab stays open across reruns (typing a reason reruns the page).
    tab_contact, tab_handover, tab_forfeit = st.tabs(
        [t("claims.contact"), t("claims.handover"), t("claims.forfeit")], key="claims_tab", on_change="rerun"
    )

    with tab_contact:
        note = st.text_input(t("col.note"), key="claims_contact_note")
        if st.button(t("claims.record_contact"), key="claims_contact", disabled=view.status != "drawn"):
            try:
                claims.set_claim(
                    w.month, w.denomination, w.certificate, "contacted", note=note, rehearsal=ctx.rehearsal
                )
                done(saved(chosen, "contacted"))
            except ClaimRefused as exc:
                st.error(t("claims.refused", message=str(exc)))
    with tab_handover:
        serial = st.text_input(t("col.serial"), key="claims_serial")
        note = st.text_input(t("col.note"), key="claims_handover_note")
        if st.button(t("claims.record_handover"), key="claims_handover", type="primary", disabled=not serial.strip()):
            try:
                claims.set_claim(
                    w.month,
                    w.denomination,
                    w.certificate,
                    "claimed",
                    note=note,
                    certificate_serial=serial.strip(),
                    rehearsal=ctx.rehearsal,
                )
                done(saved(chosen, "claimed"))
            except ClaimRefused as exc:
                st.error(t("claims.refused", message=str(exc)))
    with tab_forfeit:
        reason = st.text_area(t("claims.forfeit_reason"), key="claims_forfeit_reason", help=t("claims.forfeit_help"))
        if st.button(
            t("claims.record_forfeit"), key="claims_forfeit", disabled=not reason.strip(), icon=":material/gavel:"
        ):
            # Remember what the dialog is about: the stable key, fixed now, whatever reruns follow.
            st.session_state[PENDING] = (chosen, reason.strip())

pending = st.session_state.get(PENDING)
if pending and pending[0] in by_key and by_key[pending[0]].is_open:
    confirm_forfeit(*pending)
elif pending:
    st.session_state.pop(PENDING, None)

if chosen in awaiting:
    st.warning(t("claims.awaiting_redraw"), icon=":material/hourglass_top:")
    redraw_link()
