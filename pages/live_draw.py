"""The live draw: the commission's control view, and (with `?view=audience`) the audience screen.

One tier at a time, every step shown before the next: pool size and hash
first; the commission confirms it is present; the ticket; the request; the
signature check; the winners one by one with masked accounts. The draw itself
runs in the engine and is stored. This page is the operator's; what it shows
now is published to the audience screen (ui.presentation), the projector in
another tab or on a second computer, which redraws itself every second.

Re-draws of certificates whose winner lapsed or forfeited are the commission's
act with the very same steps (RULES.md, integrity rule 3), and a RANDOM.ORG
ticket that was used but could not be verified is abandoned here by the
commission, with a reason, before the tier is drawn afresh (rule 5).
"""
from __future__ import annotations

import datetime as dt
import time
from dataclasses import replace

import streamlit as st

from engine.progress import certificates_in_draw, next_month_to_draw, next_tier_to_draw
from engine.records import METHOD_NONE, METHOD_OFFLINE, METHOD_RANDOM_ORG
from ui import presentation, registry, services
from ui.i18n import fmt_int, fmt_month, labels, month_labels, t
from ui.setup import page_setup
from ui.widgets import (
    big_metric,
    blocked_ticket_panel,
    commission_step,
    draw_facts,
    failure_box,
    mask_account,
    offline_step,
    pool_hash_box,
    show_refusal,
    winner_cards,
)

PROJECTOR_CSS = """
<style>
[data-testid="stMainBlockContainer"] p, [data-testid="stMainBlockContainer"] li,
[data-testid="stMainBlockContainer"] label {font-size: 1.3rem;}
[data-testid="stMainBlockContainer"] h1 {font-size: 2.9rem;}
[data-testid="stMainBlockContainer"] h2 {font-size: 2.1rem;}
[data-testid="stMainBlockContainer"] input {font-size: 1.4rem;}
[data-testid="stMainBlockContainer"] p code {font-size: 1.25rem;}
.winner-card .drawn {font-size: 1.2rem; font-weight: 400; color: #444; margin-left: .8rem;}
</style>
"""

ctx = page_setup("draw")
if presentation.requested():  # the projector: the audience screen, nothing else
    presentation.show_audience(rehearsal=ctx.rehearsal)
    st.stop()
st.markdown(PROJECTOR_CSS, unsafe_allow_html=True)
rules = services.rules()

months = services.draw_months(rehearsal=ctx.rehearsal)
if not months:
    st.title(t("page.draw"))
    st.info(t("draw.no_frozen_month"))
    st.stop()

with st.expander(t("draw.operator"), expanded=False, icon=":material/tune:"):
    c1, c2, c3 = st.columns(3)
    upcoming = next_month_to_draw(months, services.store().months(rehearsal=ctx.rehearsal))
    month = c1.selectbox(t("common.month"), months, index=months.index(upcoming) if upcoming else len(months) - 1,
                         format_func=month_labels(), key="draw_month")
    draw_date = c2.date_input(t("upload.draw_date"), value=dt.date.today(), format="DD.MM.YYYY", key="draw_date")
    place = c3.text_input(t("draw.place"), value=services.default_place(), key="draw_place")
    reveal = c1.number_input(t("draw.reveal_seconds"), 0.0, 10.0, 1.5, 0.5, key="draw_reveal_seconds")
    follow = c2.toggle(t("present.show_here"), key="draw_follow", help=t("present.show_here_help"))
    if ctx.rehearsal and c3.button(t("draw.new_rehearsal"), key="draw_new_rehearsal", icon=":material/replay:"):
        services.start_rehearsal(month)
        st.session_state.pop(f"draw_commission_ok_{month}_True", None)  # a new run: the commission confirms again

configured = services.randomorg_configured(rehearsal=ctx.rehearsal)
may_redraw = registry.may(ctx.role, "redraw")
may_abandon = registry.may(ctx.role, "abandon_ticket")


if follow:  # this tab becomes the audience screen (the address says so, and survives a refresh)
    st.query_params.update({"view": presentation.AUDIENCE, "month": month, **({"rehearsal": "1"} if ctx.rehearsal else {})})
    st.rerun()


def audience_button(target_month: str) -> None:
    """The way to the projector: the audience screen in a new tab (or on the second screen)."""
    st.link_button(t("present.open"), presentation.audience_link(target_month, rehearsal=ctx.rehearsal),
                   help=t("present.open_help"), icon=":material/slideshow:")


def randomorg_status() -> None:
    """Before any button: where the random numbers will come from."""
    if ctx.rehearsal:
        st.caption(t("present.randomorg_rehearsal"))
    elif configured:
        st.caption(":material/verified: " + t("present.randomorg_ready"))
    else:
        st.info(t("present.randomorg_missing"), icon=":material/casino:")


# ---------------------------------------------------------------- the steps, for a tier or a re-draw


def run_draw(prefix: str, draw, failure_key: str, entropy: str | None = None) -> None:
    """Step 3 itself: the engine draws and stores; the screen follows its steps and reveals the winners."""
    from engine.draw import DrawFailed, DrawRefused

    status = st.status(t("draw.running"), expanded=True)
    steps = status.container()

    def on_step(event: str, info: dict) -> None:
        if event == "requesting":
            if info.get("method") == METHOD_OFFLINE:
                steps.markdown(":material/hourglass_top: " + t("draw.step_offline", entropy=info.get("entropy", "")))
            else:
                steps.markdown(":material/hourglass_top: " + t("draw.step_requesting", n=info.get("n"),
                                                               maximum=info.get("maximum"),
                                                               ticket=info.get("ticket_id", "")))
        elif event == "signature_verified":
            steps.markdown(":material/verified: " + t("draw.step_signature", serial=info.get("serial_number")))
            if info.get("recovered"):
                steps.markdown(":material/history: " + t("draw.step_recovered"))

    presentation.update(rehearsal=ctx.rehearsal, step="drawing", draw_id=draw.id, revealed=0)
    try:
        done = services.execute(draw.id, rehearsal=ctx.rehearsal, entropy=entropy, on_step=on_step)
    except DrawFailed as exc:
        # Nothing was stored as a result. Run the page again from the store, so that it offers
        # what can be done now (the same ticket again, a new freeze, or abandoning a blocked
        # ticket) with the failure in words.
        st.session_state[failure_key] = (exc.kind, exc.message, draw.pool.sha256 if draw.pool else "",
                                         draw.pool.size if draw.pool else None)
        st.rerun()
    except DrawRefused as exc:
        status.update(label=t("draw.failed"), state="error")
        show_refusal(exc)
        return
    st.session_state.pop(failure_key, None)
    steps.markdown(":material/celebration: " + t("draw.step_reveal", n=len(done.winners)))
    cards = st.container()
    presentation.update(rehearsal=ctx.rehearsal, step="reveal", draw_id=done.id, revealed=0)
    for k, w in enumerate(done.winners, start=1):
        if reveal:
            time.sleep(reveal)
        winner_cards([w], cards)
        presentation.update(rehearsal=ctx.rehearsal, revealed=k)  # the audience screen shows it within a second
    presentation.update(rehearsal=ctx.rehearsal, step="done")
    status.update(label=t("draw.done", n=len(done.winners)), state="complete")
    if done.kind == "redraw":
        if done.winners:
            st.success(t("draw.redrawn", certificate=done.redraw_of_certificate,
                         account=mask_account(done.winners[0].account)), icon=":material/celebration:")
        else:
            st.info(t("draw.redraw_empty"))
    elif done.carry_out:
        st.caption(t("draw.carry_out", n=done.carry_out))
    st.button(t("draw.next_redraw") if done.kind == "redraw" else t("draw.next_tier"), key=f"{prefix}_next",
              type="primary")


def ceremony(prefix: str, *, state_key: str, pending, freeze, before_freeze, confirmed_key: str, record_presence,
             request_text, empty_text: str, stage: presentation.Stage) -> None:
    """The steps of a draw, the same for a month's tier and a re-draw:
    1. freeze the pool and show its hash (RANDOM.ORG's ticket with it), before anything random;
    2. the commission confirms it is present;
    3. the random numbers: RANDOM.ORG by default, the offline method only by the commission's decision.
    `prefix` names the widgets, `state_key` what is remembered of this very tier or certificate;
    `freeze(method, on_step)` stores the pool (services.prepare or services.prepare_redraw);
    `before_freeze(size)` shows what is known before (size: of a pool frozen by a failed attempt).
    `stage` is what the audience screen is told; its step follows the ceremony's.
    When RANDOM.ORG is not set up, the pool is frozen for the offline method straight away: its hash is
    stored and shown (and on the audience screen), and the commission then decides and enters the entropy.
    A draw, once asked for, runs in a run of its own, so nothing of the steps before stays on screen."""
    from engine.draw import DrawFailed, DrawRefused

    failure_key = f"{state_key}_failure"
    failure = st.session_state.get(failure_key)  # (kind, message, pool hash, pool size) of the last attempt
    go_key = f"{state_key}_go"
    go = st.session_state.pop(go_key, None)  # {"draw_id": …, "entropy": …}: asked for in the last run
    if go is not None and pending is not None and pending.id == go["draw_id"]:
        draw_facts(pending)  # the pool and its hash stay on screen above the winners
        run_draw(prefix, pending, failure_key, entropy=go.get("entropy"))
        return

    confirmed = bool(st.session_state.get(confirmed_key))
    step = "waiting" if pending is None else ("commission" if confirmed else "frozen")
    presentation.publish(replace(stage, step=step, draw_id=None, revealed=None), rehearsal=ctx.rehearsal)
    randomorg_status()
    freeze_method = METHOD_RANDOM_ORG if configured else METHOD_OFFLINE

    # Step 1: the pool and its hash, before anything random
    if pending is None:
        before_freeze(failure[3] if failure else None)
        if failure and failure[2]:
            # RANDOM.ORG refused the ticket, so no draw waits; the commission still sees the hash of
            # the very pool that was frozen (the offline method included) before anything random.
            pool_hash_box(failure[2])
            st.caption(t("draw.hash_not_stored"))
        if (configured or not failure) and st.button(
            t("draw.retry") if failure else t("draw.freeze"), type="primary", key=f"{prefix}_freeze",
            icon=":material/refresh:" if failure else ":material/lock:",
        ):
            frozen: dict = {}

            def seen(event: str, info: dict) -> None:
                if event == "pool_frozen":
                    frozen.update(info)

            try:
                freeze(freeze_method, seen)
                st.session_state.pop(failure_key, None)
            except DrawFailed as exc:
                st.session_state[failure_key] = (exc.kind, exc.message, frozen.get("pool_sha256", ""),
                                                  frozen.get("pool_size"))
            except DrawRefused as exc:
                show_refusal(exc)
                st.stop()
            st.rerun()  # draw the step again from what is stored now (the hash, or the failure)
        if not failure:
            st.stop()  # nothing else before the pool is frozen and its hash is on the screen
    else:
        draw_facts(pending)
    if failure:
        failure_box(failure[0], failure[1], configured=configured)

    # Step 2: the commission present
    if not commission_step(prefix, confirmed_key, services.default_commission(), record_presence):
        st.stop()

    # Step 3: the request, the signature check, the winners
    st.subheader(t("draw.step_request"))
    if pending is not None and pending.method == METHOD_RANDOM_ORG:
        st.markdown(request_text(pending))
    if pending is not None and pending.method == METHOD_NONE:
        st.info(empty_text)
        if st.button(t("draw.record_empty"), type="primary", key=f"{prefix}_record_empty"):
            st.session_state[go_key] = {"draw_id": pending.id}
            st.rerun()
        st.stop()

    can_request = pending is not None and pending.method == METHOD_RANDOM_ORG
    request_area = st.container()
    # Drawn before any draw runs, so that nothing of the previous screen lingers under the draw.
    offline_open = bool(failure) or not configured
    entropy = offline_step(prefix, expanded=offline_open, container=st.container(), section=not configured)
    with request_area:
        if can_request and st.button(t("draw.request"), type="primary", key=f"{prefix}_request",
                                     icon=":material/casino:"):
            st.session_state[go_key] = {"draw_id": pending.id}
            st.rerun()
        elif entropy is not None and pending is not None and pending.method == METHOD_OFFLINE:
            st.session_state[go_key] = {"draw_id": pending.id, "entropy": entropy}  # frozen for it already
            st.rerun()
        elif entropy is not None:
            try:
                offline = freeze(METHOD_OFFLINE, None)
            except DrawRefused as exc:
                show_refusal(exc)
            except DrawFailed as exc:
                failure_box(exc.kind, exc.message, configured=configured)
            else:
                st.session_state[go_key] = {"draw_id": offline.id, "entropy": entropy}
                st.rerun()


def held_by_ticket(state_key: str, blocked, certificate: int | None) -> None:
    """Rule 5: a used ticket that could not be verified holds the tier; nothing else is offered here.
    The commission may abandon it with a reason, after which the tier is drawn afresh."""
    from engine.draw import DrawRefused

    reason = blocked_ticket_panel(blocked, "abandon", may_abandon=may_abandon)
    if reason:
        try:
            services.abandon_ticket(blocked.month, blocked.denomination, reason=reason, certificate=certificate,
                                    rehearsal=ctx.rehearsal)
        except DrawRefused as exc:
            show_refusal(exc)
            st.stop()
        st.session_state.pop(f"{state_key}_failure", None)
        st.session_state["draw_flash"] = t("draw.abandoned", ticket=blocked.ticket_id)
        st.rerun()
    st.stop()


# ---------------------------------------------------------------- what to draw: the month, or a re-draw

waiting = services.awaiting_redraw(rehearsal=ctx.rehearsal)
mode = "month"
if waiting:
    mode_text = {"month": t("draw.mode_month", month=fmt_month(month)), "redraw": t("draw.mode_redraw", n=len(waiting))}
    mode = st.segmented_control(t("draw.mode"), ("month", "redraw"), default="month", format_func=mode_text.get,
                                key="draw_mode", required=True) or "month"

flash = st.session_state.pop("draw_flash", None)


def month_draw() -> None:
    st.title(t("draw.title", month=fmt_month(month)))
    audience_button(month)
    if flash:
        st.success(flash)
    states = {den: services.tier_state(month, den, rehearsal=ctx.rehearsal) for den in rules.denominations}
    next_tier = next_tier_to_draw(rules.denominations, [d for d, s in states.items() if s.done is not None])
    tier_text = {d: ("✓ " if states[d].done else "") + f"{fmt_int(d)} ₸" for d in rules.denominations}
    den = st.segmented_control(t("col.tier"), rules.denominations, default=next_tier, format_func=tier_text.get,
                               key=f"draw_tier_{month}_{next_tier}", required=True)
    state = states[den]
    st.header(t("draw.tier_title", tier=fmt_int(den)))

    if state.done:  # a tier is drawn once: show what is stored
        all_done = all(s.done for s in states.values())
        presentation.publish(presentation.Stage(month, "summary" if all_done else "tier", den, step="done"),
                             rehearsal=ctx.rehearsal)
        draw_facts(state.done)
        winner_cards(state.done.winners)
        if all_done:
            st.success(t("draw.month_done", month=fmt_month(month)), icon=":material/task_alt:")
            if registry.allowed(ctx.role, "documents"):
                st.page_link(registry.BY_KEY["documents"].path, label=t("draw.go_documents"),
                             icon=":material/arrow_forward:")
        st.stop()

    if state.pending is None:
        blocked = services.blocked_draw(month, den, rehearsal=ctx.rehearsal)
        if blocked is not None:
            held_by_ticket(f"draw_{month}_{den}", blocked, None)

    preview = services.draw_preview(month, draw_date, rehearsal=ctx.rehearsal)
    if preview is None:
        st.error(t("draw.file_missing"))
        st.stop()

    def before_freeze(_frozen_size) -> None:
        tier = preview.tier(month, den)
        c1, c2, c3, c4 = st.columns(4)
        big_metric(t("col.pool_size"), fmt_int(tier.eligible), c1)
        big_metric(t("col.quota"), fmt_int(tier.quota), c2)
        big_metric(t("col.carried_in"), fmt_int(tier.carried_in), c3)
        big_metric(t("col.to_draw"), fmt_int(tier.to_draw), c4)
        presentation.update(rehearsal=ctx.rehearsal, facts={"pool_size": tier.eligible, "to_draw": tier.to_draw})

    def freeze(method: str, on_step):
        return services.prepare(preview, month, den, method=method, rehearsal=ctx.rehearsal, draw_date=draw_date,
                                place=place, on_step=on_step)

    ceremony(
        "draw", state_key=f"draw_{month}_{den}", pending=state.pending, freeze=freeze, before_freeze=before_freeze,
        confirmed_key=f"draw_commission_ok_{month}_{ctx.rehearsal}",
        record_presence=lambda members: services.record_commission(month, members, place, draw_date,
                                                                   rehearsal=ctx.rehearsal),
        request_text=lambda d: t("draw.request_explained", n=certificates_in_draw(d.to_draw, d.pool.size),
                                 size=d.pool.size, ticket=d.ticket_id),
        empty_text=t("draw.empty_pool", n=state.pending.to_draw if state.pending else 0),
        stage=presentation.Stage(month, "tier", den),
    )


def redraw() -> None:
    """A certificate whose winner lapsed (clause 12) or forfeited (clause 15), drawn again by the commission."""
    month_fmt = month_labels()
    status_fmt = labels("status.")
    choices = {f"{v.winner.month}|{v.winner.denomination}|{v.winner.certificate}": v for v in waiting}
    label = {k: f"{month_fmt(v.winner.month)} · {fmt_int(v.winner.denomination)} ₸ · № {v.winner.certificate} · "
                f"{status_fmt(v.status)}" for k, v in choices.items()}
    st.title(t("draw.redraws_title"))
    audience_button(month)
    picked = st.selectbox(t("draw.redraw_pick"), list(choices), format_func=label.get, key="redraw_pick")
    view = choices[picked]
    w = view.winner
    st.header(t("draw.redraw_title", certificate=w.certificate, tier=fmt_int(w.denomination),
                month=fmt_month(w.month)))
    if flash:
        st.success(flash)
    st.markdown(t("draw.redraw_explained", status=status_fmt(view.status), account=mask_account(w.account)))
    if not may_redraw:
        st.info(t("draw.redraw_commission_only"), icon=":material/groups:")
        st.stop()
    state_key = f"redraw_{picked}"
    blocked = services.blocked_draw(w.month, w.denomination, certificate=w.certificate, rehearsal=ctx.rehearsal)
    if blocked is not None:
        held_by_ticket(state_key, blocked, w.certificate)
    pending = services.pending_redraw(w.month, w.denomination, w.certificate, rehearsal=ctx.rehearsal)

    def before_freeze(frozen_size: int | None) -> None:
        if frozen_size is not None:  # frozen, though RANDOM.ORG refused the ticket: its size is read aloud too
            big_metric(t("col.pool_size"), fmt_int(frozen_size))
        st.caption(t("draw.redraw_pool"))

    def freeze(method: str, on_step):
        return services.prepare_redraw(w.month, w.denomination, w.certificate, reason=view.reason, method=method,
                                       rehearsal=ctx.rehearsal, draw_date=draw_date, place=place, on_step=on_step)

    ceremony(
        "redraw", state_key=state_key, pending=pending, freeze=freeze, before_freeze=before_freeze,
        confirmed_key=f"{state_key}_commission_ok_{ctx.rehearsal}",
        record_presence=lambda members: services.record_redraw_commission(
            w.month, w.denomination, w.certificate, members, place, draw_date, rehearsal=ctx.rehearsal),
        request_text=lambda d: t("draw.redraw_request_explained", size=d.pool.size, ticket=d.ticket_id,
                                 certificate=w.certificate),
        empty_text=t("draw.redraw_empty"),
        stage=presentation.Stage(w.month, "redraw", w.denomination, w.certificate),
    )


if mode == "redraw":
    redraw()
else:
    month_draw()
