"""The managers' charts as Plotly figures, built from `ui.chart_frames` tables.

No Streamlit here: each function takes the frames, the months and tiers to
show and the language, and returns a figure (or None when there is nothing to
draw, so that the page can say why in words instead of an empty axis). Every
x-axis lists months in calendar order, and every tier has one colour in every
chart, from `tier_colours`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from engine.progress import HANDED_OVER, tier_position
from ui.i18n import fmt_int, fmt_month, t

STATUS_COLOURS = {
    "drawn": "#94a3b8",
    "contacted": "#0b5cad",
    "claimed": "#15803d",
    "unclaimed": "#f59e0b",
    "forfeited": "#b91c1c",
}
BUDGET_COLOUR = "#b91c1c"


def tier_colours(denominations: Sequence[int]) -> dict[int, str]:
    """One colour per tier, light to dark as the face value grows, the same in every chart."""
    tiers = set(denominations)
    if len(tiers) == 1:
        return {next(iter(tiers)): sample_colorscale("Blues", [0.75])[0]}
    place = {d: tier_position(tiers, d) for d in tiers}  # the tier's place in Table 1, not its face value
    return {d: sample_colorscale("Blues", [0.4 + 0.55 * place[d] / (len(tiers) - 1)])[0] for d in tiers}


def tier_name(denomination: int, lang: str) -> str:
    return f"{fmt_int(denomination, lang)} ₸"


def _months_axis(fig: go.Figure, months: Sequence[str], lang: str) -> None:
    """Months in calendar order, however the traces happen to list them; labels stay horizontal."""
    fig.update_xaxes(
        type="category", categoryorder="array", categoryarray=[fmt_month(m, lang) for m in months], tickangle=0
    )


def _layout(fig: go.Figure, lang: str, *, y_title: str, height: int = 400) -> go.Figure:
    # Plotly's own tick numbers grouped as the language groups them (decimal mark, then thousands).
    fig.update_layout(
        yaxis_title=y_title,
        height=height,
        legend=dict(orientation="h", y=-0.15),
        separators=".," if lang == "en" else ",\u00a0",
        hoverlabel=dict(namelength=-1),
    )
    return fig


def _x(frame: pd.DataFrame, lang: str) -> list[str]:
    return [fmt_month(m, lang) for m in frame["month"]]


def participants(
    tiers: pd.DataFrame, months: Sequence[str], denominations: Sequence[int], lang: str
) -> go.Figure | None:
    """Pool size per tier per month: grouped bars, one colour per tier."""
    if tiers.empty:
        return None
    colours = tier_colours(denominations)
    fig = go.Figure()
    for den in sorted(set(tiers["denomination"])):
        part = tiers[tiers["denomination"] == den].sort_values("month")
        fig.add_bar(
            x=_x(part, lang),
            y=part["pool_size"],
            name=tier_name(den, lang),
            marker_color=colours[den],
            text=[fmt_int(v, lang) for v in part["pool_size"]],
            textposition="outside",
        )
    fig.update_layout(barmode="group")
    _months_axis(fig, months, lang)
    return _layout(fig, lang, y_title=t("charts.participants_axis", lang=lang))


def coverage(tiers: pd.DataFrame, months: Sequence[str], denominations: Sequence[int], lang: str) -> go.Figure | None:
    """Certificates per tier on their own scale: an outlined bar for what was to draw (quota + carried
    in), the tier's filled bar for what was drawn inside it, "drawn/to draw" above. The legend names
    the tiers only, as in the other charts; the page's caption says what outline and fill mean."""
    if tiers.empty:
        return None
    colours = tier_colours(denominations)
    fig = go.Figure()
    for den in sorted(set(tiers["denomination"])):
        part = tiers[tiers["denomination"] == den].sort_values("month")
        x = _x(part, lang)
        hover = [
            t(
                "charts.coverage_hover",
                lang=lang,
                quota=r.quota,
                carried=r.carried_in,
                to_draw=r.to_draw,
                drawn=r.drawn,
                pool=fmt_int(r.pool_size, lang),
            )
            for r in part.itertuples()
        ]
        group = str(den)  # bars of one offset group overlay each other: the drawn bar sits inside its quota
        fig.add_bar(
            x=x,
            y=part["to_draw"],
            name=t("charts.to_draw_of", lang=lang, tier=tier_name(den, lang)),
            offsetgroup=group,
            legendgroup=group,
            showlegend=False,
            marker=dict(color="rgba(0,0,0,0)", line=dict(color=colours[den], width=2)),
            text=[f"{r.drawn}/{r.to_draw}" for r in part.itertuples()],
            textposition="outside",
            hovertext=hover,
            hoverinfo="text",
        )
        fig.add_bar(
            x=x,
            y=part["drawn"],
            name=tier_name(den, lang),
            offsetgroup=group,
            legendgroup=group,
            marker=dict(color=colours[den], line=dict(color=colours[den], width=2)),
            hovertext=hover,
            hoverinfo="text",
        )
    fig.update_layout(barmode="group")
    fig.update_yaxes(rangemode="tozero")
    _months_axis(fig, months, lang)
    return _layout(fig, lang, y_title=t("charts.certificates_axis", lang=lang))


def carry_over(tiers: pd.DataFrame, months: Sequence[str], denominations: Sequence[int], lang: str) -> go.Figure | None:
    """Certificates each tier carries to the next month, month by month (dotted: left unplayed at the end).
    None when nothing carried over: a flat line at zero says less than the page's sentence."""
    if tiers.empty or not (tiers["carry_out"].sum() or tiers["unplayed"].sum()):
        return None
    colours = tier_colours(denominations)
    fig = go.Figure()
    for den in sorted(set(tiers["denomination"])):
        part = tiers[tiers["denomination"] == den].sort_values("month")
        fig.add_scatter(
            x=_x(part, lang),
            y=part["carry_out"],
            name=tier_name(den, lang),
            mode="lines+markers",
            line=dict(color=colours[den], width=3),
            marker=dict(size=9),
        )
        if part["unplayed"].sum():
            fig.add_scatter(
                x=_x(part, lang),
                y=part["unplayed"],
                mode="lines+markers",
                name=t("charts.unplayed_of", lang=lang, tier=tier_name(den, lang)),
                line=dict(color=colours[den], dash="dot"),
                marker=dict(symbol="x", size=9),
            )
    peak = int(max(tiers["carry_out"].max(), tiers["unplayed"].max()))
    fig.update_yaxes(rangemode="tozero", dtick=max(1, math.ceil(peak / 6)))  # whole certificates, not 0.5 steps
    _months_axis(fig, months, lang)
    return _layout(fig, lang, y_title=t("charts.certificates_axis", lang=lang), height=360)


def claims_by_status(claims: pd.DataFrame, months: Sequence[str], lang: str) -> go.Figure | None:
    if claims.empty:
        return None
    counts = claims.groupby(["month", "status"], as_index=False).size()
    fig = go.Figure()
    for status in STATUS_COLOURS:  # the claim's life in order, so the legend reads as it happens
        part = counts[counts["status"] == status].sort_values("month")
        if not part.empty:
            fig.add_bar(
                x=_x(part, lang),
                y=part["size"],
                name=t(f"status.{status}", lang=lang),
                marker_color=STATUS_COLOURS[status],
            )
    # showlegend: with a single status Plotly would hide the only key to the colour
    fig.update_layout(barmode="stack", showlegend=True)
    _months_axis(fig, months, lang)
    return _layout(fig, lang, y_title=t("charts.certificates_axis", lang=lang), height=380)


def claim_rate(
    claims: pd.DataFrame, months: Sequence[str], denominations: Sequence[int], lang: str
) -> go.Figure | None:
    """Handed over as a share of the certificates drawn, per tier and month."""
    if claims.empty:
        return None
    colours = tier_colours(denominations)
    rates = (
        claims.assign(claimed=claims["status"] == HANDED_OVER)
        .groupby(["month", "denomination"], as_index=False)
        .agg(drawn=("certificate", "size"), claimed=("claimed", "sum"))
    )
    fig = go.Figure()
    for den in sorted(set(rates["denomination"])):
        part = rates[rates["denomination"] == den].sort_values("month")
        share = (100 * part["claimed"] / part["drawn"]).round(0)
        fig.add_bar(
            x=_x(part, lang),
            y=share,
            name=tier_name(den, lang),
            marker_color=colours[den],
            text=[f"{int(s)}%" for s in share],
            textposition="outside",
            hovertext=[
                t("charts.claim_rate_hover", lang=lang, claimed=int(r.claimed), drawn=int(r.drawn))
                for r in part.itertuples()
            ],
            hoverinfo="text+name",
        )
    fig.update_layout(barmode="group")
    fig.update_yaxes(range=[0, 115], ticksuffix="%", tickvals=[0, 25, 50, 75, 100])
    _months_axis(fig, months, lang)
    return _layout(fig, lang, y_title=t("charts.claim_rate_axis", lang=lang), height=380)


def budget(claims: pd.DataFrame, months: Sequence[str], total: int, lang: str) -> go.Figure | None:
    """Face value drawn and handed over, cumulative, against the budget; up to the last month drawn."""
    if claims.empty:
        return None
    per_month = budget_table(claims, months, total)
    x = _x(per_month, lang)
    fig = go.Figure()
    fig.add_scatter(
        x=x,
        y=per_month["drawn"],
        name=t("charts.value_drawn", lang=lang),
        mode="lines+markers",
        line=dict(color="#0b5cad"),
    )
    fig.add_scatter(
        x=x,
        y=per_month["handed_over"],
        name=t("charts.value_handed", lang=lang),
        mode="lines+markers",
        fill="tozeroy",
        line=dict(color="#15803d"),
    )
    fig.add_hline(
        y=total,
        line_dash="dash",
        line_color=BUDGET_COLOUR,
        annotation_position="top left",
        annotation_text=t("charts.budget_line", lang=lang, budget=fmt_int(total, lang)),
    )
    fig.update_layout(yaxis_range=[0, total * 1.1])
    fig.update_yaxes(tickformat=",d")  # 5 000 000, not "5M"
    _months_axis(fig, months, lang)
    return _layout(fig, lang, y_title=t("col.face_value", lang=lang), height=380)


def budget_table(claims: pd.DataFrame, months: Sequence[str], total: int) -> pd.DataFrame:
    """The budget chart's numbers (cumulative), up to the last month drawn: a cumulative line must not
    run on into months not drawn yet."""
    shown = [m for m in months if not claims.empty and m <= max(claims["month"])]
    handed = claims[claims["status"] == HANDED_OVER].groupby("month")["face_value"].sum()
    drawn = claims.groupby("month")["face_value"].sum()
    frame = pd.DataFrame({"month": shown})
    frame["drawn"] = frame["month"].map(drawn).fillna(0).astype(int).cumsum()
    frame["handed_over"] = frame["month"].map(handed).fillna(0).astype(int).cumsum()
    return frame.assign(budget=total)


def exclusions(frame: pd.DataFrame, months: Sequence[str], lang: str) -> go.Figure | None:
    if frame.empty:
        return None
    fig = go.Figure()
    for reason in dict.fromkeys(frame["reason"]):  # reasons in the order the engine gives them
        part = frame[frame["reason"] == reason].sort_values("month")
        fig.add_bar(x=_x(part, lang), y=part["count"], name=t(f"reason.{reason}", lang=lang))
    fig.update_layout(barmode="stack", showlegend=True)
    _months_axis(fig, months, lang)
    return _layout(fig, lang, y_title=t("col.count", lang=lang))
