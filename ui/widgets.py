"""Widgets shared by the pages: notices, downloads, charts, masked accounts; the live draw's steps
(one set for a month's tier and a re-draw); the audit check's findings in plain words."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from engine.progress import certificates_in_draw
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


# ---------------------------------------------------------------- the draw's steps (live draw page)
# One set of steps for a month's tier and for a re-draw (RULES.md, integrity rule 3: the same ceremony).


def winner_cards(winners, container=None) -> None:
    """Winners as cards, accounts masked, each with the drawn number (its position in the pool)."""
    target = container or st
    for w in winners:
        target.markdown(
            f"<div class='winner-card'><span class='cert'>№ {w.certificate}</span> "
            f"<span class='acct'>{mask_account(w.account)}</span> · {fmt_int(w.denomination)} ₸ "
            f"<span class='drawn'>{t('present.drawn_number', n=fmt_int(w.ordinal))}</span></div>",
            unsafe_allow_html=True,
        )


def pool_hash_box(sha256: str, container=None) -> None:
    target = container or st
    target.markdown(f"**{t('col.pool_hash')}**")
    target.markdown(f"<div class='hash'>{sha256}</div>", unsafe_allow_html=True)


def draw_facts(draw) -> None:
    """What was frozen and how the numbers came: the same facts the protocol prints."""
    from engine.records import METHOD_OFFLINE, METHOD_RANDOM_ORG

    pool = draw.pool
    size = pool.size if pool else 0
    c1, c2, c3 = st.columns(3)
    big_metric(t("col.pool_size"), fmt_int(size), c1)
    big_metric(t("col.to_draw"), fmt_int(draw.to_draw), c2)
    big_metric(t("col.drawn") if draw.status == "done" else t("draw.will_draw"),
               fmt_int(draw.drawn if draw.status == "done" else certificates_in_draw(draw.to_draw, size)), c3)
    if pool:
        pool_hash_box(pool.sha256)
    if draw.method == METHOD_RANDOM_ORG and draw.ticket_id:
        st.markdown(t("draw.ticket", ticket=draw.ticket_id))
    if draw.status == "done":
        if draw.method == METHOD_RANDOM_ORG:
            st.markdown(t("draw.signed", serial=draw.serial_number, at=draw.completion_time))
            if draw.signature_verified:
                st.success(t("draw.signature_ok"), icon=":material/verified:")
            if draw.development_licence:
                st.warning(t("draw.development_licence"))
        elif draw.method == METHOD_OFFLINE:
            st.markdown(t("draw.offline_done", entropy=draw.entropy))
        else:
            st.info(t("draw.empty_pool", n=draw.carry_out))
        if draw.carry_out:
            st.caption(t("draw.carry_out", n=draw.carry_out))


def failure_words(kind: str, *, configured: bool) -> tuple[str, str]:
    """(what happened, what to do next) in plain words; "no key" on a computer without any key
    is said as what it is: RANDOM.ORG is not set up here."""
    if kind == "no_key" and not configured:
        kind = "not_configured"
    known = f"fail.{kind}" in ENTRIES
    return t(f"fail.{kind}") if known else t("fail.other"), t(f"next.{kind}") if known else t("next.other")


def failure_box(kind: str, message: str, *, configured: bool) -> None:
    what, next_step = failure_words(kind, configured=configured)
    st.error(f"**{what}**\n\n{next_step}", icon=":material/error:")
    with st.expander(t("draw.technical")):
        st.code(message, language=None)


def _param_text(name: str, value) -> str:
    """A refusal's value as the screen writes it: months, dates and tenge in the house style."""
    import datetime as dt

    from ui.i18n import fmt_date, fmt_month

    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            pass
    if isinstance(value, dt.date):
        return fmt_date(value)
    if name in ("month", "first_undrawn"):
        return fmt_month(str(value))
    if name == "denomination":
        return fmt_int(value)
    return str(value)


def refusal_text(exc) -> str:
    """A DrawRefused in the user's language when the engine named it (`code`); its English text otherwise."""
    code = getattr(exc, "code", "") or ""
    key = f"refused.{code}"
    if code and key in ENTRIES:
        params = {k: _param_text(k, v) for k, v in dict(getattr(exc, "params", {}) or {}).items()}
        return t(key, **params)
    return str(exc)


def show_refusal(exc, container=None) -> None:
    (container or st).error(t("draw.refused", message=refusal_text(exc)), icon=":material/block:")


def commission_step(prefix: str, confirmed_key: str, members, on_confirm) -> bool:
    """Step 2: the commission confirms it is present (after the pool hash was read aloud).
    True once confirmed; until then it asks, and the caller stops."""
    st.subheader(t("draw.step_commission"))
    if st.session_state.get(confirmed_key):
        st.markdown(f"<span class='step-ok'>✓ {t('draw.commission_confirmed')}</span>", unsafe_allow_html=True)
        return True
    names = [m.name for m in members]
    present = st.multiselect(t("draw.present"), names, default=names, key=f"{prefix}_present",
                             help=t("draw.present_help"))
    if not members:
        st.caption(t("draw.no_commission"))
    ok = st.checkbox(t("draw.confirm_commission"), key=f"{prefix}_confirm_commission")
    if st.button(t("draw.confirm"), key=f"{prefix}_confirm", disabled=not ok, icon=":material/groups:"):
        on_confirm([m for m in members if m.name in present])
        st.session_state[confirmed_key] = True
        st.rerun()
    return False


def offline_step(prefix: str, *, expanded: bool, container=None, section: bool = False) -> str | None:
    """The offline method, only as the commission's explicit decision. Shown only after the pool
    hash is on the screen (rule 4). Returns the entropy when the commission runs it.
    `section`: the way of this draw (RANDOM.ORG is not set up), not a fallback folded away."""
    target = container or st
    if section:
        box = target.container()
        box.subheader(t("draw.offline_title"))
    else:
        box = target.expander(t("draw.offline_title"), expanded=expanded, icon=":material/casino:")
    with box:
        st.markdown(t("draw.offline_explained"))
        entropy = st.text_input(t("draw.entropy"), key=f"{prefix}_entropy", help=t("draw.entropy_help"))
        decided = st.checkbox(t("draw.offline_decided"), key=f"{prefix}_offline_decided")
        clicked = st.button(t("draw.offline_run"), key=f"{prefix}_offline", type="primary", icon=":material/casino:",
                            disabled=not (decided and entropy.strip()))
    return entropy.strip() if clicked else None


def blocked_ticket_panel(draw, prefix: str, *, may_abandon: bool) -> str | None:
    """A used RANDOM.ORG ticket whose result could not be verified holds the tier (rule 5): the
    ticket, what failed, and for the commission a reason and a confirmation to abandon it.
    Returns the reason once the commission confirmed."""
    failure = getattr(draw, "failure", "") or ""
    kind = failure.partition(":")[0].strip()
    what = t(f"fail.{kind}") if f"fail.{kind}" in ENTRIES else t("fail.other")
    st.error(f"**{t('draw.blocked_title', ticket=draw.ticket_id)}**\n\n{what}\n\n{t('draw.blocked_explained')}",
             icon=":material/block:")
    with st.expander(t("draw.technical")):
        st.code(failure or "—", language=None)
    if not may_abandon:
        st.info(t("draw.blocked_commission_only"), icon=":material/groups:")
        return None
    st.subheader(t("draw.abandon_title"))
    reason = st.text_area(t("draw.abandon_reason"), key=f"{prefix}_abandon_reason", help=t("draw.abandon_reason_help"))
    sure = st.checkbox(t("draw.abandon_confirm", ticket=draw.ticket_id), key=f"{prefix}_abandon_sure")
    if st.button(t("draw.abandon"), key=f"{prefix}_abandon", icon=":material/delete_forever:",
                 disabled=not (sure and reason.strip())):
        return reason.strip()
    return None


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
