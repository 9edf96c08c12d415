"""Documents: protocol, acts, publication list with the entrants' self-check, accounting and bundle per month;
the audit record."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import documents, stores
from ui.catalog import ENTRIES
from ui.i18n import fmt_datetime, fmt_int, labels, month_labels, t
from ui.setup import page_setup
from ui.widgets import NOTICE_CODES, csv_download, finding_words

ctx = page_setup("documents")

months = stores.store().months(rehearsal=ctx.rehearsal)
if not months:
    st.info(t("common.nothing_drawn"))
else:
    month = st.selectbox(t("common.month"), months, index=len(months) - 1, format_func=month_labels(), key="docs_month")
    st.caption(t("docs.one_click"))
    describe = labels("docs.help_")
    if stores.month_record_or_none(month, rehearsal=ctx.rehearsal) is None:
        st.info(t("docs.not_ready", month=month_labels()(month)))
    else:
        for kind in documents.kinds(rehearsal=ctx.rehearsal):
            # One click: the button itself makes the document, on its own thread, when it is clicked.
            make, name, mime = documents.document_later(kind, month, rehearsal=ctx.rehearsal)
            c1, c2 = st.columns([2, 3], vertical_alignment="center")
            c1.download_button(
                t(f"docs.{kind}"),
                make,
                file_name=name,
                mime=mime,
                key=f"docs_dl_{kind}",
                icon=":material/download:",
                on_click="ignore",
                width="stretch",
                type="primary" if kind == "protocol" else "secondary",
            )
            c2.caption(f"{describe(kind)} · `{name}`")

# ---- the audit record
st.subheader(t("docs.audit_title"))
if st.button(t("docs.verify"), key="docs_verify", icon=":material/verified_user:"):
    with st.spinner(t("docs.verifying")):
        findings = stores.verify_store()
    failed = [f for f in findings if not f.ok]
    notices = [f for f in findings if f.ok and getattr(f, "code", "") in NOTICE_CODES]
    if failed:
        st.error(t("docs.verify_failed", n=len(failed)))
    else:
        st.success(t("docs.verify_ok", n=len(findings)))
    # What failed, in plain words first; the engine's own English words for whoever looks deeper.
    for f in failed:
        title, text = finding_words(f)
        st.error(f"**{title}**\n\n{text}", icon=":material/error:")
    for f in notices:
        title, text = finding_words(f)
        st.info(f"**{title}**\n\n{text}", icon=":material/info:")
    rows = []
    for f in findings:
        title, text = finding_words(f)
        rows.append(
            {
                t("col.check"): title,
                t("col.result"): "❌" if not f.ok else "ℹ️" if f in notices else "✅",
                t("col.detail"): text,
            }
        )
    st.dataframe(pd.DataFrame(rows), hide_index=True)
    with st.expander(t("docs.technical"), icon=":material/code:"):
        st.dataframe(
            pd.DataFrame(
                [{"check": f.name, "ok": f.ok, "code": getattr(f, "code", ""), "detail": f.detail} for f in findings]
            ),
            hide_index=True,
        )
entries = stores.audit_entries()
if entries:
    action_fmt = labels("audit.")
    month_fmt = month_labels()

    def action_words(action: str) -> str:
        return action_fmt(action) if f"audit.{action}" in ENTRIES else action  # a new action shows its code

    def subject(payload: dict) -> str:
        """What an entry is about, in the page's words: month, tier, certificate."""
        parts = []
        if payload.get("month"):
            parts.append(month_fmt(str(payload["month"])))
        if payload.get("denomination"):
            parts.append(f"{fmt_int(payload['denomination'])} ₸")
        if payload.get("certificate"):
            parts.append(f"№ {payload['certificate']}")
        if payload.get("from") and payload.get("to"):
            parts.append(f"{status_fmt(payload['from'])} → {status_fmt(payload['to'])}")
        if payload.get("rehearsal"):
            parts.append(t("docs.audit_rehearsal"))
        return " · ".join(parts)

    status_fmt = labels("status.")
    frame = pd.DataFrame(
        [
            {
                "seq": e.id,
                "at": fmt_datetime(e.at),
                "action": e.action,
                "actor": e.actor,
                "sha256": e.sha256,
                "prev_sha256": e.prev_sha256,
                "payload": str(e.payload),
            }
            for e in entries
        ]
    )
    shown = pd.DataFrame(
        {
            t("col.seq"): frame["seq"],
            t("col.when_local"): frame["at"],
            t("col.action"): frame["action"].map(action_words),
            t("col.subject"): [subject(e.payload) for e in entries],
            t("col.actor"): frame["actor"],
            t("col.entry_hash"): frame["sha256"],
        }
    ).iloc[::-1]
    st.dataframe(shown, hide_index=True)
    csv_download(frame.assign(action_text=frame["action"].map(action_words)), "audit.csv", key="dl_audit")
else:
    st.caption(t("common.none_yet"))
