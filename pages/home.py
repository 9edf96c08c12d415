"""Home: the promotion's status at a glance."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from engine.claims import claim_view
from ui import registry, stores
from ui.i18n import fmt_date, fmt_int, fmt_money, fmt_month, t
from ui.setup import page_setup
from ui.widgets import mask_account, show_notices

ctx = page_setup("home")
rules = stores.rules()
name = {"kk": rules.name_kk, "ru": rules.name_ru, "en": rules.name_en}[ctx.lang]
st.markdown(f"### «{name}» — {rules.organiser}")
st.caption(t("home.period", start=fmt_date(rules.period_start), end=fmt_date(rules.period_end)))

show_notices(rules.notices)

status = stores.status(rehearsal=ctx.rehearsal)
c1, c2, c3, c4 = st.columns(4)
if status.next_month:
    c1.metric(t("home.next_month"), fmt_month(status.next_month))
    c2.metric(
        t("home.next_draw"),
        fmt_date(status.next_draw_date) if status.next_draw_date else fmt_month(status.draw_due_in),
        help=t("home.next_draw_help"),
    )
else:
    c1.metric(t("home.next_month"), t("home.all_drawn"))
    c2.metric(t("home.next_draw"), "—")
c3.metric(t("home.months_drawn"), f"{len(status.drawn_months)} / {len(rules.months)}")
c4.metric(t("home.certificates_drawn"), f"{fmt_int(status.certificates_drawn)} / {fmt_int(rules.total_certificates)}")
st.caption(t("home.budget", handed=fmt_money(status.face_value_handed_over), budget=fmt_money(rules.total_face_value)))

st.subheader(t("home.steps"))
for number, (step, key) in enumerate(
    (("upload", "upload"), ("draw", "draw"), ("documents", "documents"), ("claims", "claims")), start=1
):
    spec = registry.BY_KEY[key]
    if registry.allowed(ctx.role, key):
        st.page_link(spec.path, label=f"{number}. {t(f'page.{key}')}", icon=spec.icon)
    else:
        st.markdown(f"**{number}. {t(f'page.{key}')}**")
    st.caption(t(f"home.step.{step}"))

st.subheader(t("home.open_claims"))
views = [claim_view(w, dt.date.today()) for w in status.open_claims]  # clause 12's arithmetic is the engine's
if not views:
    st.info(t("home.no_open_claims"))
else:
    frame = pd.DataFrame(
        [
            {
                t("common.month"): fmt_month(v.winner.month),
                t("col.tier"): fmt_int(v.winner.denomination),
                t("col.certificate"): v.winner.certificate,
                t("col.account"): mask_account(v.winner.account),
                t("col.status"): t(f"status.{v.status}"),
                t("col.deadline"): fmt_date(v.deadline),
                t("col.days_left"): v.days_left,
            }
            for v in views
        ]
    )
    late = [v.late for v in views]  # ClaimView.late: past clause 12's deadline
    red = "color: #b91c1c; font-weight: 700"
    st.dataframe(
        frame.style.apply(lambda days: [red if x else "" for x in late], subset=[t("col.days_left")]), hide_index=True
    )
    overdue = sum(late)
    if overdue:
        st.error(t("home.overdue", n=overdue))
