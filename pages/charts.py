"""Monthly charts for managers: participants against quotas, carry-over, claims, budget, exclusions."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from ui import services
from ui.i18n import fmt_int, fmt_month, month_labels, t
from ui.setup import page_setup
from ui.widgets import chart, csv_download

ctx = page_setup("charts")
rules = services.rules()
frames = services.chart_frames(rehearsal=ctx.rehearsal)

c1, c2 = st.columns([3, 2])
months = c1.multiselect(t("common.months"), rules.months, default=list(rules.months), format_func=month_labels(),
                        key="charts_months")
tiers = c2.multiselect(t("common.tiers"), rules.denominations, default=list(rules.denominations), format_func=fmt_int,
                       key="charts_tiers")


def _filter(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame[frame["month"].isin(months)]
    if "denomination" in out.columns:
        out = out[out["denomination"].isin(tiers)]
    return out


tier_frame = _filter(frames["tiers"])
claims = _filter(frames["claims"])
exclusions = frames["exclusions"][frames["exclusions"]["month"].isin(months)]
month_text = month_labels()
if tier_frame.empty and claims.empty and exclusions.empty:
    st.info(t("common.nothing_drawn"))

# ---- 1. participants per tier per month against the quotas
st.subheader(t("charts.participants_title"))
if tier_frame.empty:
    st.caption(t("common.none_yet"))
else:
    fig = go.Figure()
    palette = {50000: "#7fb2e5", 70000: "#0b5cad", 100000: "#0a2f5c"}
    # One category per (month, tier), so each tier's "to draw" mark sits on its own bar.
    ordered = tier_frame.sort_values(["month", "denomination"])
    for den in tiers:
        part = ordered[ordered["denomination"] == den]
        if part.empty:
            continue
        x = [list(part["month"].map(month_text)), [f"{fmt_int(den)} ₸"] * len(part)]
        fig.add_bar(x=x, y=part["pool_size"], name=t("charts.pool_of", tier=fmt_int(den)), marker_color=palette.get(den),
                    text=part["pool_size"], textposition="outside")
    x = [list(ordered["month"].map(month_text)), [f"{fmt_int(d)} ₸" for d in ordered["denomination"]]]
    fig.add_scatter(x=x, y=ordered["to_draw"], mode="markers", name=t("col.to_draw"),
                    marker=dict(symbol="line-ew", size=40, color="#b91c1c", line=dict(width=4, color="#b91c1c")))
    fig.update_layout(barmode="overlay", yaxis_title=t("col.count"), height=420)
    chart(fig, "participants-per-tier", key="chart_participants")
    csv_download(tier_frame, "tiers-per-month.csv", key="dl_chart_tiers")

# ---- 2. drawn, carried over and unplayed certificates
st.subheader(t("charts.certificates_title"))
if tier_frame.empty:
    st.caption(t("common.none_yet"))
else:
    by_month = tier_frame.groupby("month", as_index=False)[["drawn", "carry_out", "unplayed"]].sum()
    fig = go.Figure()
    x = by_month["month"].map(month_text)
    fig.add_bar(x=x, y=by_month["drawn"], name=t("col.drawn"), marker_color="#15803d")
    fig.add_bar(x=x, y=by_month["carry_out"], name=t("col.carry_out"), marker_color="#f59e0b")
    fig.add_bar(x=x, y=by_month["unplayed"], name=t("col.unplayed"), marker_color="#b91c1c")
    fig.update_layout(barmode="stack", yaxis_title=t("col.count"), height=380)
    chart(fig, "drawn-carried-unplayed", key="chart_certificates")
    csv_download(by_month, "drawn-carried-unplayed.csv", key="dl_chart_certificates")

left, right = st.columns(2)
# ---- 3. claims by status
with left:
    st.subheader(t("charts.claims_title"))
    if claims.empty:
        st.caption(t("common.none_yet"))
    else:
        counts = claims.groupby(["month", "status"], as_index=False).size()
        fig = go.Figure()
        colours = {"drawn": "#94a3b8", "contacted": "#0b5cad", "claimed": "#15803d", "unclaimed": "#f59e0b", "forfeited": "#b91c1c"}
        for status, part in counts.groupby("status"):
            fig.add_bar(x=part["month"].map(month_text), y=part["size"], name=t(f"status.{status}"), marker_color=colours.get(status))
        # showlegend: with a single status Plotly would hide the only key to the colour
        fig.update_layout(barmode="stack", yaxis_title=t("col.count"), height=380, showlegend=True)
        chart(fig, "claims-by-status", key="chart_claims")
        csv_download(counts.rename(columns={"size": "count"}), "claims-by-status.csv", key="dl_chart_claims")

# ---- 4. face value handed over against the budget
with right:
    st.subheader(t("charts.budget_title"))
    budget = rules.total_face_value
    # Up to the last month with a draw: a cumulative line must not run on into months not drawn yet.
    drawn_months = set(claims["month"])
    shown_months = [m for m in months if drawn_months and m <= max(drawn_months)]
    per_month = pd.DataFrame({"month": shown_months})
    handed = claims[claims["status"] == "claimed"].groupby("month")["face_value"].sum()
    drawn_value = claims.groupby("month")["face_value"].sum()
    per_month["handed_over"] = per_month["month"].map(handed).fillna(0).astype(int).cumsum()
    per_month["drawn"] = per_month["month"].map(drawn_value).fillna(0).astype(int).cumsum()
    fig = go.Figure()
    x = per_month["month"].map(month_text)
    fig.add_scatter(x=x, y=per_month["drawn"], name=t("charts.value_drawn"), mode="lines+markers", line=dict(color="#0b5cad"))
    fig.add_scatter(x=x, y=per_month["handed_over"], name=t("charts.value_handed"), mode="lines+markers",
                    fill="tozeroy", line=dict(color="#15803d"))
    fig.add_hline(y=budget, line_dash="dash", line_color="#b91c1c",
                  annotation_text=t("charts.budget_line", budget=fmt_int(budget)), annotation_position="top left")
    fig.update_layout(yaxis_title=t("col.face_value"), yaxis_range=[0, budget * 1.1], height=380)
    chart(fig, "face-value-vs-budget", key="chart_budget")
    csv_download(per_month.assign(budget=budget), "face-value-vs-budget.csv", key="dl_chart_budget")

# ---- 5. exclusions by reason over time
st.subheader(t("charts.exclusions_title"))
if exclusions.empty:
    st.caption(t("common.none_yet"))
else:
    fig = go.Figure()
    for reason, part in exclusions.groupby("reason"):
        fig.add_bar(x=part["month"].map(month_text), y=part["count"], name=t(f"reason.{reason}"))
    fig.update_layout(barmode="stack", yaxis_title=t("col.count"), height=400)
    chart(fig, "exclusions-by-reason", key="chart_exclusions")
    csv_download(exclusions, "exclusions-by-reason.csv", key="dl_chart_exclusions")
st.caption(t("charts.png_hint"))
