"""Documents: protocol, acts, publication list, accounting and bundle per month; the audit record."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import services
from ui.i18n import labels, month_labels, t
from ui.setup import page_setup
from ui.widgets import NOTICE_CODES, csv_download, finding_words

ctx = page_setup("documents")
KINDS = ("protocol", "acts", "publish_xlsx", "publish_html", "accounting", "bundle")

months = services.store().months(rehearsal=ctx.rehearsal)
if not months:
    st.info(t("common.nothing_drawn"))
else:
    month = st.selectbox(t("common.month"), months, index=len(months) - 1, format_func=month_labels(), key="docs_month")
    st.caption(t("docs.on_demand"))
    describe = labels("docs.help_")
    for kind in KINDS:
        c1, c2 = st.columns([2, 3])
        made = st.session_state.get(f"doc_{kind}")
        if c1.button(t(f"docs.{kind}"), key=f"docs_make_{kind}", icon=":material/description:", width="stretch",
                     type="primary" if kind == "protocol" else "secondary"):
            with st.spinner(t("docs.rendering")):
                try:
                    made = (month, ctx.rehearsal, *services.document(kind, month, rehearsal=ctx.rehearsal))
                except Exception as exc:  # noqa: BLE001 - reports say in words why a document cannot be made
                    made = None
                    c2.error(t("docs.cannot", message=str(exc)))
            st.session_state[f"doc_{kind}"] = made
        if made and made[0] == month and made[1] == ctx.rehearsal:
            _, _, data, name, mime = made
            c2.download_button(t("docs.download", name=name), data, file_name=name, mime=mime, key=f"docs_dl_{kind}",
                               icon=":material/download:", on_click="ignore")
        else:
            c2.caption(describe(kind))

# ---- the audit record
st.subheader(t("docs.audit_title"))
if st.button(t("docs.verify"), key="docs_verify", icon=":material/verified_user:"):
    with st.spinner(t("docs.verifying")):
        findings = services.verify_store()
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
        rows.append({t("col.check"): title, t("col.result"): "❌" if not f.ok else "ℹ️" if f in notices else "✅",
                     t("col.detail"): text})
    st.dataframe(pd.DataFrame(rows), hide_index=True)
    with st.expander(t("docs.technical"), icon=":material/code:"):
        st.dataframe(pd.DataFrame([{"check": f.name, "ok": f.ok, "code": getattr(f, "code", ""), "detail": f.detail}
                                   for f in findings]), hide_index=True)
entries = services.audit_entries()
if entries:
    frame = pd.DataFrame(
        [
            {"seq": e.id, "at": e.at.strftime("%Y-%m-%d %H:%M:%S"), "action": e.action, "actor": e.actor,
             "sha256": e.sha256, "prev_sha256": e.prev_sha256, "payload": str(e.payload)}
            for e in entries
        ]
    )
    st.dataframe(
        frame[["seq", "at", "action", "actor", "sha256"]].rename(
            columns={"at": t("col.when_utc"), "action": t("col.action"), "actor": t("col.actor")}
        ).iloc[::-1],
        hide_index=True,
    )
    csv_download(frame, "audit.csv", key="dl_audit")
else:
    st.caption(t("common.none_yet"))
