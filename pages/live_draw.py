"""The live draw, for the projector: one tier at a time, every step shown before the next.

Pool size and hash first; the commission confirms it is present; the ticket;
the request; the signature check; the winners one by one with masked
accounts. The draw itself runs in the engine and is stored; this screen only
shows what the store holds, so a second screen in "follow" mode sees the same.
"""
from __future__ import annotations

import datetime as dt
import time

import streamlit as st

from engine.records import METHOD_NONE, METHOD_OFFLINE, METHOD_RANDOM_ORG
from ui import registry, services
from ui.catalog import ENTRIES as _KNOWN  # the failure kinds that have plain words
from ui.i18n import fmt_int, fmt_month, month_labels, t
from ui.setup import page_setup
from ui.widgets import big_metric, mask_account

PROJECTOR_CSS = """
<style>
[data-testid="stMainBlockContainer"] p, [data-testid="stMainBlockContainer"] li,
[data-testid="stMainBlockContainer"] label {font-size: 1.3rem;}
[data-testid="stMainBlockContainer"] h1 {font-size: 2.9rem;}
[data-testid="stMainBlockContainer"] h2 {font-size: 2.1rem;}
[data-testid="stMainBlockContainer"] input {font-size: 1.4rem;}
[data-testid="stMainBlockContainer"] p code {font-size: 1.25rem;}
</style>
"""

ctx = page_setup("draw")
st.markdown(PROJECTOR_CSS, unsafe_allow_html=True)
rules = services.rules()

months = services.draw_months(rehearsal=ctx.rehearsal)
if not months:
    st.title(t("page.draw"))
    st.info(t("draw.no_frozen_month"))
    st.stop()

with st.expander(t("draw.operator"), expanded=False, icon=":material/tune:"):
    c1, c2, c3 = st.columns(3)
    undrawn = [m for m in months if m not in services.store().months(rehearsal=ctx.rehearsal)]
    month = c1.selectbox(t("common.month"), months, index=months.index(undrawn[0]) if undrawn else len(months) - 1,
                         format_func=month_labels(), key="draw_month")
    draw_date = c2.date_input(t("upload.draw_date"), value=dt.date.today(), format="DD.MM.YYYY", key="draw_date")
    place = c3.text_input(t("draw.place"), value=t("draw.place_default"), key="draw_place")
    reveal = c1.number_input(t("draw.reveal_seconds"), 0.0, 10.0, 1.5, 0.5, key="draw_reveal_seconds")
    follow = c2.toggle(t("draw.follow"), key="draw_follow", help=t("draw.follow_help"))
    if ctx.rehearsal and c3.button(t("draw.new_rehearsal"), key="draw_new_rehearsal", icon=":material/replay:"):
        services.start_rehearsal(month)
        st.session_state.pop("draw_commission_ok", None)

st.title(t("draw.title", month=fmt_month(month)))


def winner_cards(winners, container=None) -> None:
    target = container or st
    for w in winners:
        target.markdown(
            f"<div class='winner-card'><span class='cert'>№ {w.certificate}</span> "
            f"<span class='acct'>{mask_account(w.account)}</span> · {fmt_int(w.denomination)} ₸</div>",
            unsafe_allow_html=True,
        )


def draw_facts(draw) -> None:
    """What was frozen and how the numbers came: the same facts the protocol prints."""
    pool = draw.pool
    c1, c2, c3 = st.columns(3)
    big_metric(t("col.pool_size"), fmt_int(pool.size if pool else 0), c1)
    big_metric(t("col.to_draw"), fmt_int(draw.to_draw), c2)
    big_metric(t("col.drawn") if draw.status == "done" else t("draw.will_draw"),
               fmt_int(draw.drawn if draw.status == "done" else min(draw.to_draw, pool.size if pool else 0)), c3)
    if pool:
        st.markdown(f"**{t('col.pool_hash')}**")
        st.markdown(f"<div class='hash'>{pool.sha256}</div>", unsafe_allow_html=True)
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


def board() -> None:
    """Every tier of the month as stored: what a second screen shows."""
    for den in rules.denominations:
        state = services.tier_state(month, den, rehearsal=ctx.rehearsal)
        st.header(t("draw.tier_title", tier=fmt_int(den)))
        draw = state.done or state.pending
        if draw is None:
            st.caption(t("draw.waiting"))
            continue
        draw_facts(draw)
        if state.done:
            winner_cards(state.done.winners)
        else:
            st.caption(t("draw.in_progress"))


if follow:
    st.caption(t("draw.following"))
    st.fragment(board, run_every=2)()
    st.stop()

# ---- one tier at a time
states = {den: services.tier_state(month, den, rehearsal=ctx.rehearsal) for den in rules.denominations}
next_tier = next((d for d in rules.denominations if states[d].done is None), rules.denominations[-1])
tier_text = {d: ("✓ " if states[d].done else "") + f"{fmt_int(d)} ₸" for d in rules.denominations}
den = st.segmented_control(t("col.tier"), rules.denominations, default=next_tier, format_func=tier_text.get,
                           key=f"draw_tier_{month}_{next_tier}", required=True)
state = states[den]
st.header(t("draw.tier_title", tier=fmt_int(den)))

if state.done:  # a tier is drawn once: show what is stored
    draw_facts(state.done)
    winner_cards(state.done.winners)
    if all(s.done for s in states.values()):
        st.success(t("draw.month_done", month=fmt_month(month)), icon=":material/task_alt:")
        if registry.allowed(ctx.role, "documents"):
            st.page_link(registry.BY_KEY["documents"].path, label=t("draw.go_documents"), icon=":material/arrow_forward:")
    st.stop()

preview = services.draw_preview(month, draw_date, rehearsal=ctx.rehearsal)
if preview is None:
    st.error(t("draw.file_missing"))
    st.stop()
failure_key = f"draw_failure_{month}_{den}"
configured = services.randomorg_configured(rehearsal=ctx.rehearsal)

# Step 1: the pool and its hash, before anything random
pending = state.pending
if pending is None:
    tier = preview.tier(month, den)
    c1, c2, c3, c4 = st.columns(4)
    big_metric(t("col.pool_size"), fmt_int(tier.eligible), c1)
    big_metric(t("col.quota"), fmt_int(tier.quota), c2)
    big_metric(t("col.carried_in"), fmt_int(tier.carried_in), c3)
    big_metric(t("col.to_draw"), fmt_int(tier.to_draw), c4)
    failed_before = failure_key in st.session_state
    if failed_before:
        # RANDOM.ORG refused the ticket, so nothing is stored yet; the commission still sees the
        # hash of the very pool a draw freezes (the offline method included) before anything random.
        st.markdown(f"**{t('col.pool_hash')}**")
        st.markdown(f"<div class='hash'>{services.pool_hash(preview, month, den)}</div>", unsafe_allow_html=True)
        st.caption(t("draw.hash_not_stored"))
    if (configured or not failed_before) and st.button(
        t("draw.retry") if failed_before else t("draw.freeze"), type="primary", key="draw_freeze",
        icon=":material/refresh:" if failed_before else ":material/lock:",
    ):
        from engine.draw import DrawFailed, DrawRefused

        try:
            pending = services.prepare(preview, month, den, method=METHOD_RANDOM_ORG, rehearsal=ctx.rehearsal,
                                       draw_date=draw_date, place=place)
            st.session_state.pop(failure_key, None)
        except DrawFailed as exc:
            st.session_state[failure_key] = (exc.kind, exc.message)
        except DrawRefused as exc:
            st.error(t("draw.refused", message=str(exc)))
            st.stop()
        st.rerun()  # draw the step again from what is stored now (the hash, or the failure)
    if not failed_before:
        st.stop()  # nothing else before the pool is frozen and its hash is on the screen
if pending is not None:
    draw_facts(pending)


def failure_words(kind: str) -> tuple[str, str]:
    """(what happened, what to do next) in plain words; "no key" on a computer without any key
    is said as what it is: RANDOM.ORG is not set up here."""
    if kind == "no_key" and not configured:
        kind = "not_configured"
    known = f"fail.{kind}" in _KNOWN
    return t(f"fail.{kind}") if known else t("fail.other"), t(f"next.{kind}") if known else t("next.other")


def show_failure() -> None:
    failure = st.session_state.get(failure_key)
    if failure:
        kind, message = failure
        what, next_step = failure_words(kind)
        st.error(f"**{what}**\n\n{next_step}", icon=":material/error:")
        with st.expander(t("draw.technical")):
            st.code(message, language=None)


show_failure()

# Step 2: the commission present
st.subheader(t("draw.step_commission"))
members = services.default_commission()
confirm_key = f"draw_commission_ok_{month}_{ctx.rehearsal}"
if st.session_state.get(confirm_key):
    st.markdown(f"<span class='step-ok'>✓ {t('draw.commission_confirmed')}</span>", unsafe_allow_html=True)
else:
    present = st.multiselect(t("draw.present"), [m.name for m in members], default=[m.name for m in members],
                             key="draw_present", help=t("draw.present_help"))
    if not members:
        st.caption(t("draw.no_commission"))
    ok = st.checkbox(t("draw.confirm_commission"), key="draw_confirm_commission")
    if st.button(t("draw.confirm"), key="draw_confirm", disabled=not ok, icon=":material/groups:"):
        chosen = [m for m in members if m.name in present]
        services.record_commission(month, chosen, place, draw_date, rehearsal=ctx.rehearsal)
        st.session_state[confirm_key] = True
        st.rerun()
    st.stop()

# Step 3: the request, the signature check, the winners
st.subheader(t("draw.step_request"))
if pending is not None and pending.method == METHOD_RANDOM_ORG:
    st.markdown(t("draw.request_explained", n=min(pending.to_draw, pending.pool.size), size=pending.pool.size,
                  ticket=pending.ticket_id))


def run_draw(draw_id: int, entropy: str | None = None) -> None:
    from engine.draw import DrawFailed, DrawRefused

    status = st.status(t("draw.running"), expanded=True)
    steps = status.container()

    def on_step(event: str, info: dict) -> None:
        if event == "requesting":
            if info.get("method") == METHOD_OFFLINE:
                steps.markdown(":material/hourglass_top: " + t("draw.step_offline", entropy=info.get("entropy", "")))
            else:
                steps.markdown(":material/hourglass_top: " + t("draw.step_requesting", n=info.get("n"), maximum=info.get("maximum"),
                                         ticket=info.get("ticket_id", "")))
        elif event == "signature_verified":
            steps.markdown(":material/verified: " + t("draw.step_signature", serial=info.get("serial_number")))
            if info.get("recovered"):
                steps.markdown(":material/history: " + t("draw.step_recovered"))

    try:
        done = services.execute(draw_id, rehearsal=ctx.rehearsal, entropy=entropy, on_step=on_step)
    except DrawFailed as exc:
        # Nothing was stored as a result. Run the page again from the store, so that it offers
        # what can be done now (the same ticket again, or a new freeze) with the failure in words.
        st.session_state[failure_key] = (exc.kind, exc.message)
        st.rerun()
    except DrawRefused as exc:
        status.update(label=t("draw.failed"), state="error")
        st.error(t("draw.refused", message=str(exc)))
        return
    st.session_state.pop(failure_key, None)
    steps.markdown(":material/celebration: " + t("draw.step_reveal", n=len(done.winners)))
    cards = st.container()
    for w in done.winners:
        if reveal:
            time.sleep(reveal)
        winner_cards([w], cards)
    status.update(label=t("draw.done", n=len(done.winners)), state="complete")
    if done.carry_out:
        st.caption(t("draw.carry_out", n=done.carry_out))
    st.button(t("draw.next_tier"), key="draw_next", type="primary")


if pending is not None and pending.method == METHOD_NONE:
    st.info(t("draw.empty_pool", n=pending.to_draw))
    if st.button(t("draw.record_empty"), type="primary", key="draw_record_empty"):
        run_draw(pending.id)
    st.stop()

can_request = pending is not None and pending.method == METHOD_RANDOM_ORG
request_area = st.container()
offline_area = st.container()

# The offline method: only as an explicit decision of the commission. Drawn before any draw
# runs, so that nothing of the previous screen lingers under the draw while it runs.
offline_open = bool(st.session_state.get(failure_key)) or not services.randomorg_config().api_key and not ctx.rehearsal
with offline_area.expander(t("draw.offline_title"), expanded=offline_open, icon=":material/casino:"):
    st.markdown(t("draw.offline_explained"))
    entropy = st.text_input(t("draw.entropy"), key="draw_entropy", help=t("draw.entropy_help"))
    decided = st.checkbox(t("draw.offline_decided"), key="draw_offline_decided")
    offline_clicked = st.button(t("draw.offline_run"), key="draw_offline", type="primary", icon=":material/casino:",
                                disabled=not (decided and entropy.strip()))

with request_area:
    if can_request and st.button(t("draw.request"), type="primary", key="draw_request", icon=":material/casino:"):
        run_draw(pending.id)
    elif offline_clicked:
        from engine.draw import DrawFailed, DrawRefused

        try:
            offline = services.prepare(preview, month, den, method=METHOD_OFFLINE, rehearsal=ctx.rehearsal,
                                       draw_date=draw_date, place=place)
        except (DrawFailed, DrawRefused) as exc:
            st.error(t("draw.refused", message=str(exc)))
        else:
            run_draw(offline.id, entropy=entropy)
