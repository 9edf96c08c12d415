"""Widgets shared by the pages: notices, downloads, charts, masked accounts, big figures; the audit
check's findings in plain words. The live draw's steps are ui.live_draw's."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from reports.publish import mask_account as published_mask
from reports.xlsx import csv_safe
from ui.catalog import ENTRIES
from ui.i18n import fmt_int, t


def notice_text(notice) -> str:
    """A notice from the engine in the user's language; the engine's English text when the code is new."""
    key = f"notice.{notice.code}"
    if key in ENTRIES:
        return t(key, **dict(notice.params))
    return notice.text


def show_notices(notices, kind: str = "warning") -> None:
    for notice in notices:
        getattr(st, kind)(notice_text(notice), icon=":material/info:")


def mask_account(account: str) -> str:
    """`••••4821`, always the same length: the one masking of the app, that of the published list
    (reports.publish)."""
    return published_mask(account)


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells that a spreadsheet would run as a formula get a leading apostrophe (reports.xlsx)."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(csv_safe)
    return out


def csv_download(frame: pd.DataFrame, file_name: str, key: str, label: str | None = None) -> None:
    data = safe_frame(frame).to_csv(index=False).encode("utf-8-sig")  # BOM: Excel opens it as UTF-8
    st.download_button(
        label or t("common.download_csv"),
        data,
        file_name=file_name,
        mime="text/csv",
        key=key,
        icon=":material/download:",
        on_click="ignore",
    )


def chart(fig, file_name: str, key: str) -> None:
    """A Plotly chart whose modebar camera button saves a PNG under a useful name."""
    fig.update_layout(margin=dict(l=10, r=10, t=50, b=10), legend_title_text="")
    st.plotly_chart(
        fig,
        key=key,
        config={
            "displaylogo": False,
            "toImageButtonOptions": {"format": "png", "filename": file_name, "scale": 2},
        },
    )


def big_metric(label: str, value, container=None) -> None:
    target = container or st
    target.markdown(
        f"<div class='big-label'>{label}</div><div class='big-number'>{value}</div>",
        unsafe_allow_html=True,
    )


def denomination_label(denomination: int) -> str:
    return t("common.certificate_of", value=fmt_int(denomination))


# ---------------------------------------------------------------- the audit check (documents page)

# verify's codes whose finding is a notice even when it passes (ok=True): listed, not failed.
NOTICE_CODES = ("not_covered", "abandoned", "blocked")


def finding_words(finding) -> tuple[str, str]:
    """(title, plain text) of a verify finding in the user's language. The text says what a failure
    means (or, for a notice, what was listed); an unknown code falls back to the engine's name and detail."""
    code = getattr(finding, "code", "") or ""
    for prefix in ("bundle_", "protocol_"):
        if code.startswith(prefix) and f"verify.{code}" not in ENTRIES:
            code = prefix.rstrip("_")
    if not code or f"verify.{code}" not in ENTRIES:
        return finding.name, finding.detail
    text = ""
    if not finding.ok or code in NOTICE_CODES:
        text = t(f"verify.{code}.text")
    return t(f"verify.{code}"), text
