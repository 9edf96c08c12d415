"""Settings (admin): the commission, the rules in force, RANDOM.ORG, the database."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from engine import config
from engine.randomorg import RandomOrgError
from engine.records import CommissionMember
from engine.rules import COMMISSION_ROLES
from ui import defaults, random_client, stores
from ui.i18n import fmt_date, fmt_int, fmt_money, month_labels, t
from ui.setup import page_setup
from ui.widgets import show_notices

ctx = page_setup("settings")
rules = stores.rules()

# ---- commission
st.subheader(t("settings.commission_title"))
st.caption(t("settings.commission_help"))
members = defaults.default_commission()
frame = pd.DataFrame(
    [{"role": m.role, "name": m.name, "position": m.position} for m in members]
    or [{"role": r, "name": "", "position": ""} for r in COMMISSION_ROLES]  # one empty row per role to fill in
)
role_text = {r: t(f"commission.{r}") for r in COMMISSION_ROLES}
edited = st.data_editor(
    frame.assign(role=frame["role"].map(role_text)),
    num_rows="dynamic",
    hide_index=True,
    key="settings_commission",
    column_config={
        "role": st.column_config.SelectboxColumn(t("col.role"), options=list(role_text.values()), required=True),
        "name": st.column_config.TextColumn(t("col.name"), required=True),
        "position": st.column_config.TextColumn(t("col.position")),
    },
)
if st.button(t("settings.commission_save"), type="primary", key="settings_save_commission", icon=":material/save:"):
    back = {v: k for k, v in role_text.items()}
    saved = [
        CommissionMember(
            back.get(str(r["role"]), COMMISSION_ROLES[-1]), str(r["name"]).strip(), str(r["position"] or "").strip()
        )
        for r in edited.to_dict("records")
        if str(r.get("name") or "").strip()
    ]
    defaults.save_default_commission(saved)
    st.success(t("settings.commission_saved", n=len(saved)))

# ---- the place of the draw, in the documents' languages whatever the screen's
st.markdown(f"**{t('settings.place_title')}**")
place = st.text_input(
    t("settings.place_title"),
    value=defaults.default_place(),
    help=t("settings.place_help"),
    key="settings_place",
    label_visibility="collapsed",
)
st.caption(t("settings.place_help"))
if st.button(t("settings.place_save"), key="settings_save_place", icon=":material/save:"):
    defaults.save_default_place(place)
    st.success(t("settings.place_saved"))

# ---- rules in force
st.subheader(t("settings.rules_title"))
st.caption(t("settings.rules_source", path=rules.source))
show_notices(rules.notices)
# Terms as label/value rows: metrics would cut the date ranges short.
terms = [
    (t("settings.period"), f"{fmt_date(rules.period_start)} – {fmt_date(rules.period_end)}"),
    (t("settings.connections"), f"{fmt_date(rules.first_connection)} – {fmt_date(rules.last_connection)}"),
    (t("settings.claim_window"), t("settings.days", n=rules.claim_window_days)),
    (t("settings.minimum_fee"), fmt_money(rules.minimum_fee)),
    (t("settings.newness"), t("settings.newness_value", ie=rules.bundle_ie_months, other=rules.other_months)),
    (t("settings.budget"), fmt_money(rules.total_face_value)),
]
st.markdown("\n".join(f"- **{label}:** {value}" for label, value in terms))
st.markdown(f"**{t('settings.table1')}**")
st.dataframe(
    pd.DataFrame(
        [
            {
                t("col.tier"): fmt_int(tier.denomination),
                t("col.min_fee"): fmt_int(tier.min_fee),
                t("col.max_fee"): fmt_int(tier.max_fee) if tier.max_fee is not None else "—",
                t("col.total"): tier.total,
            }
            for tier in rules.tiers
        ]
    ),
    hide_index=True,
)
st.markdown(f"**{t('settings.table2')}**")
fmt = month_labels()
st.dataframe(
    pd.DataFrame(
        [
            {t("common.month"): fmt(m), **{fmt_int(d): rules.quota(m, d) for d in rules.denominations}}
            for m in rules.months
        ]
    ),
    hide_index=True,
)

# ---- RANDOM.ORG
st.subheader(t("settings.randomorg_title"))
cfg = random_client.randomorg_config()
if cfg.api_key:
    st.success(t("settings.key_present", tail=cfg.api_key[-4:]))
else:
    st.error(t("settings.key_missing"))
st.caption(t("settings.randomorg_where", url=cfg.url, key=cfg.public_key_path))
if st.button(
    t("settings.check_usage"), key="settings_usage", disabled=not cfg.api_key, icon=":material/network_check:"
):
    try:
        with random_client.randomorg_client(rehearsal=False) as client:
            usage = client.get_usage()
        st.success(
            t(
                "settings.usage",
                status=usage.get("status", "?"),
                requests=fmt_int(usage.get("requestsLeft")),
                bits=fmt_int(usage.get("bitsLeft")),
            )
        )
    except RandomOrgError as exc:
        st.error(t(f"fail.{exc.kind}") + f" ({exc.message})")

# ---- database
st.subheader(t("settings.database_title"))
st.code(stores.store().location, language=None)
st.caption(t("settings.data_dir", path=str(config.data_dir())))
