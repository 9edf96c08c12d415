"""Monthly charts for managers: participants, certificates against the quota, carry-over, claims, budget, exclusions.

The figures are built in `ui.charts` (months in calendar order, one colour per
tier); this page picks months and tiers and says in words when a chart has
nothing to show yet.
"""

from __future__ import annotations

import streamlit as st

from ui import chart_frames, charts, stores
from ui.i18n import current_language, fmt_int, int_labels, month_labels, t
from ui.setup import page_setup
from ui.widgets import chart, csv_download

ctx = page_setup("charts")
rules = stores.rules()
lang = current_language()
frames = chart_frames.chart_frames(rehearsal=ctx.rehearsal)

c1, c2 = st.columns([3, 2])
picked_months = c1.multiselect(
    t("common.months"), rules.months, default=list(rules.months), format_func=month_labels(), key="charts_months"
)
picked_tiers = c2.multiselect(
    t("common.tiers"),
    rules.denominations,
    default=list(rules.denominations),
    format_func=int_labels(),
    key="charts_tiers",
)
# Calendar order and the rules' tier order, whatever order they were picked in.
months = [m for m in rules.months if m in picked_months]
tiers = [d for d in rules.denominations if d in picked_tiers]
if not months or not tiers:
    st.info(t("charts.pick_something"))
    st.stop()

tier_frame = frames["tiers"][frames["tiers"]["month"].isin(months) & frames["tiers"]["denomination"].isin(tiers)]
claims = frames["claims"][frames["claims"]["month"].isin(months) & frames["claims"]["denomination"].isin(tiers)]
exclusions = frames["exclusions"][frames["exclusions"]["month"].isin(months)]
if tier_frame.empty and claims.empty and exclusions.empty:  # one sentence, not seven empty boxes
    st.info(t("charts.empty_all", budget=fmt_int(rules.total_face_value)), icon=":material/info:")
    st.stop()


def show(title: str, figure, empty: str, *, name: str, table=None, caption: str | None = None) -> None:
    """One chart under its title, or a plain sentence saying why there is none yet."""
    st.subheader(title)
    if figure is None:
        st.info(empty, icon=":material/info:")
        return
    if caption:
        st.caption(caption)
    chart(figure, name, key=f"chart_{name}")
    if table is not None:
        csv_download(table, f"{name}.csv", key=f"dl_{name}")


no_draws = t("charts.empty_draws")
show(
    t("charts.participants_per_tier"),
    charts.participants(tier_frame, months, rules.denominations, lang),
    no_draws,
    name="participants-per-tier",
    table=tier_frame,
)
show(
    t("charts.coverage_title"),
    charts.coverage(tier_frame, months, rules.denominations, lang),
    no_draws,
    name="certificates-against-quota",
    caption=t("charts.coverage_help"),
)
show(
    t("charts.carry_title"),
    charts.carry_over(tier_frame, months, rules.denominations, lang),
    no_draws if tier_frame.empty else t("charts.no_carry"),
    name="carry-over-per-tier",
)
show(
    t("charts.claims_title"),
    charts.claims_by_status(claims, months, lang),
    t("charts.empty_claims"),
    name="claims-by-status",
    table=claims,
)
show(
    t("charts.claim_rate_title"),
    charts.claim_rate(claims, months, rules.denominations, lang),
    t("charts.empty_claims"),
    name="claim-rate-per-tier",
)
show(
    t("charts.budget_title"),
    charts.budget(claims, months, rules.total_face_value, lang),
    t("charts.empty_budget", budget=fmt_int(rules.total_face_value)),
    name="face-value-vs-budget",
    table=charts.budget_table(claims, months, rules.total_face_value),
)
show(
    t("charts.exclusions_title"),
    charts.exclusions(exclusions, months, lang),
    t("charts.empty_exclusions"),
    name="exclusions-by-reason",
    table=exclusions,
)
st.caption(t("charts.png_hint"))
