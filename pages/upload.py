"""Upload and preview: a monthly spreadsheet (or a demo month) read, placed row by row, and frozen for the draw."""

from __future__ import annotations

import datetime as dt
import hashlib

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from engine.ingest import IngestError
from engine.progress import month_drawn
from ui import incidents, registry, stores, uploads
from ui.i18n import fmt_datetime, fmt_int, fmt_month, labels, month_labels, t
from ui.setup import page_setup
from ui.widgets import chart, csv_download, denomination_label, show_notices

ctx = page_setup("upload")
rules = stores.rules()

KEPT = "upload_kept"  # (bytes, file name): a plain session key, so it outlives the page's widgets


def on_file_change() -> None:
    """The uploader's own X forgets the file; a new file replaces it."""
    uploaded = st.session_state.get("upload_file")
    if uploaded is None:
        st.session_state.pop(KEPT, None)
    else:
        st.session_state[KEPT] = (uploaded.getvalue(), uploaded.name)


source = st.radio(
    t("upload.source"), ("file", "demo"), format_func=labels("upload.source_"), horizontal=True, key="upload_source"
)
data: bytes | None = None
file_name = ""
if source == "file":
    uploaded = st.file_uploader(
        t("upload.file"),
        type=["xlsx", "xlsm", "xls", "csv"],
        key="upload_file",
        help=t("upload.file_help"),
        on_change=incidents.guarded(on_file_change),
    )
    if uploaded is not None:
        data, file_name = uploaded.getvalue(), uploaded.name
        st.session_state[KEPT] = (data, file_name)
    elif st.session_state.get(KEPT):
        # Back from another page: the uploader starts empty, the file read before is still here.
        data, file_name = st.session_state[KEPT]
        kept_box = st.container(horizontal=True, vertical_alignment="center")
        kept_box.info(t("upload.kept", name=file_name), icon=":material/attach_file:")
        if kept_box.button(t("upload.forget"), key="upload_forget", icon=":material/close:"):
            st.session_state.pop(KEPT, None)
            st.rerun()
else:
    with st.spinner(t("upload.demo_preparing")):
        demo = uploads.demo_files()
    picked = st.selectbox(
        t("upload.demo_month"),
        demo,
        format_func=lambda p: p.name,
        key="upload_demo",
        index=None,
        placeholder=t("upload.demo_placeholder"),
    )
    if picked is not None:
        data, file_name = picked.read_bytes(), picked.name
        st.session_state[KEPT] = (data, file_name)
    elif st.session_state.get(KEPT):
        data, file_name = st.session_state[KEPT]
        st.info(t("upload.kept", name=file_name), icon=":material/attach_file:")

with st.expander(t("upload.options")):
    draw_date = st.date_input(
        t("upload.draw_date"),
        value=dt.date.today(),
        format="DD.MM.YYYY",
        key="upload_draw_date",
        help=t("upload.draw_date_help"),
    )
    sheet = st.text_input(t("upload.sheet"), key="upload_sheet", help=t("upload.sheet_help")).strip() or None

if data is None:
    st.info(t("upload.start_hint"))
    st.stop()

history = stores.history()
cache_key = (
    hashlib.sha256(data).hexdigest(),
    draw_date,
    sheet,
    repr(sorted(history.drawn.items())),
)  # a draw that adds participants also adds to `drawn`
cached = st.session_state.get("upload_preview")
if cached and cached[0] == cache_key:
    preview = cached[1]
else:
    progress = st.progress(0.1, text=t("upload.reading", name=file_name))
    try:
        preview = uploads.run_preview(data, file_name, draw_date=draw_date, sheet=sheet)
    except IngestError as exc:  # says what is wrong with the file in plain words
        progress.empty()
        st.error(t("upload.cannot_read", message=str(exc)), icon=":material/error:")
        st.stop()
    progress.progress(1.0, text=t("upload.read_done"))
    progress.empty()
    st.session_state["upload_preview"] = (cache_key, preview)

show_notices(preview.notices)

st.subheader(t("upload.rows_title", name=preview.file_name))
cols = st.columns(5)
for col, (label, value) in zip(
    cols,
    (
        ("rows.data", preview.rows.data),
        ("rows.eligible", preview.rows.eligible),
        ("rows.excluded", preview.rows.excluded),
        ("rows.errors", preview.rows.errors),
        ("rows.blank", preview.rows.blank),
    ),
):
    col.metric(t(label), fmt_int(value))
st.caption(t("upload.sha", sha=preview.file_sha256, sheet=preview.sheet or "—"))

months_in_file = rules.promotion_months(preview.months_in_file())  # from the columns, no object per row
if not months_in_file:
    st.warning(t("upload.no_month"))
    st.stop()
month = st.selectbox(
    t("common.month"), months_in_file, index=len(months_in_file) - 1, format_func=month_labels(), key="upload_month"
)

# ---- tiers against Table 2
st.subheader(t("upload.tiers_title", month=fmt_month(month)))
tiers = [preview.tier(month, den) for den in rules.denominations]
any_drawn = any(tier.stored for tier in tiers)  # the engine's ledger: drawn figures come from the store
ledger_rows = []
for tier in tiers:
    row = {
        t("col.tier"): denomination_label(tier.denomination),
        t("col.eligible"): tier.eligible,
        t("col.quota"): tier.quota,
        t("col.carried_in"): tier.carried_in,
        t("col.to_draw"): tier.to_draw,
    }
    if any_drawn:
        row[t("col.drawn")] = str(tier.drawn) if tier.stored else "—"
    row[t("col.carry_out") if tier.stored else t("col.carry_out_expected")] = tier.carry_out
    ledger_rows.append(row)
tiers_frame = pd.DataFrame(ledger_rows)
st.dataframe(tiers_frame, hide_index=True, width="stretch")
for tier in tiers:
    if tier.carried_into_empty_pool:
        st.warning(
            t(
                "upload.empty_tier",
                tier=denomination_label(tier.denomination),
                carried=tier.carried_in,
                to_draw=tier.to_draw,
            ),
            icon=":material/warning:",
        )
csv_download(tiers_frame, f"tiers-{month}.csv", key="dl_tiers")

# ---- freeze: right under the numbers it freezes, with its confirmation beside the button
st.subheader(t("upload.freeze_title"))
stored = uploads.stored_imports(month, rehearsal=ctx.rehearsal)
last = stored[-1] if stored else None
already_frozen = last is not None and last.file_sha256 == preview.file_sha256
drawn_already = not ctx.rehearsal and month_drawn(history.drawn, month, rules.denominations)
freeze_row = st.container(horizontal=True, vertical_alignment="center")
clicked = freeze_row.button(
    t("upload.freeze"),
    type="primary",
    icon=":material/lock:",
    key="freeze",
    disabled=drawn_already or already_frozen,
    help=t("upload.freeze_help"),
)
if clicked:
    uploads.freeze_import(preview, month, data, rehearsal=ctx.rehearsal)
    # Run the page again so the button and the comparison already show the frozen file.
    st.session_state["upload_frozen"] = month
    st.rerun()
frozen = st.session_state.pop("upload_frozen", None)
if drawn_already:
    freeze_row.warning(t("upload.already_drawn", month=fmt_month(month)), icon=":material/block:")
elif frozen == month:
    freeze_row.success(t("upload.frozen", month=fmt_month(frozen)), icon=":material/lock:")
elif already_frozen:
    freeze_row.success(
        t("upload.same_file", name=last.file_name, at=fmt_datetime(last.imported_at)), icon=":material/lock:"
    )
if (frozen == month or already_frozen) and not drawn_already and registry.allowed(ctx.role, "draw"):
    st.page_link(registry.BY_KEY["draw"].path, label=t("upload.go_draw"), icon=":material/arrow_forward:")
if last is not None and not already_frozen:
    st.warning(t("upload.other_file", name=last.file_name, at=fmt_datetime(last.imported_at)))
    # Like with like: the store keeps the row counts of the whole file, so compare those.
    compare = pd.DataFrame(
        {
            "": [t("col.file"), t("col.eligible"), t("col.excluded"), t("col.errors")],
            t("upload.stored"): [last.file_name, last.eligible, last.excluded, last.errors],
            t("upload.this_file"): [
                preview.file_name,
                preview.rows.eligible,
                preview.rows.excluded,
                preview.rows.errors,
            ],
        }
    ).astype(str)
    st.dataframe(compare, hide_index=True)

labels_x = tiers_frame[t("col.tier")]
fig = go.Figure()
fig.add_bar(x=labels_x, y=[tier.quota for tier in tiers], name=t("col.quota"), offsetgroup="q", marker_color="#0b5cad")
fig.add_bar(
    x=labels_x,
    y=[tier.carried_in for tier in tiers],
    base=[tier.quota for tier in tiers],
    name=t("col.carried_in"),
    offsetgroup="q",
    marker_color="#7fb2e5",
)
fig.add_bar(
    x=labels_x,
    y=[tier.eligible for tier in tiers],
    name=t("col.eligible"),
    offsetgroup="e",
    marker_color="#15803d",
    text=[tier.eligible for tier in tiers],
    textposition="outside",
)
fig.update_layout(title=t("upload.chart_title"), barmode="group", yaxis_title=t("col.count"), height=340)
fig.update_xaxes(tickangle=0)
chart(fig, f"tiers-{month}", key="upload_tiers_chart")

# ---- exclusions by reason, with the rows behind each
st.subheader(t("upload.excluded_title"))
by_reason = preview.excluded_by_reason(month)
if not by_reason:
    st.success(t("upload.no_exclusions"))
else:
    excluded = pd.DataFrame(
        [{"row": e.row, "account": e.account, "reason": e.reason} for e in preview.excluded if e.month == month]
    )
    for reason, count in sorted(by_reason.items(), key=lambda kv: -kv[1]):
        with st.expander(f"{t(f'reason.{reason}')} — {fmt_int(count)}"):
            rows = excluded[excluded["reason"] == reason][["row", "account"]]
            st.dataframe(rows.rename(columns={"row": t("col.row"), "account": t("col.account")}), hide_index=True)
    export = excluded.assign(reason_text=excluded["reason"].map(lambda r: t(f"reason.{r}")))
    csv_download(export, f"excluded-{month}.csv", key="dl_excluded")

# ---- errors
st.subheader(t("upload.errors_title"))
if not preview.errors:
    st.success(t("upload.no_errors"))
else:
    errors = pd.DataFrame(
        [{"row": e.row, "column": e.column, "field": e.field, "message": e.message} for e in preview.errors]
    )
    shown = errors.assign(field=errors["field"].map(lambda f: t(f"field.{f}") if f else "—"))
    st.dataframe(
        shown.rename(
            columns={
                "row": t("col.row"),
                "column": t("col.column"),
                "field": t("col.field"),
                "message": t("col.message"),
            }
        ),
        hide_index=True,
    )
    csv_download(errors, f"errors-{preview.file_name}.csv", key="dl_errors")
