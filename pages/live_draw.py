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

This file only reads the operator's widgets, calls ui.drawing and ui.claims and composes the
components of ui.live_draw (`show.*`, each tested on its own); the rules it follows
(which month and tier are next, when a month is complete, the freeze method) are
engine.progress's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import streamlit as st

from engine.draw import DrawFailed, DrawOccasion
from engine.progress import freeze_method, month_complete, month_to_open, next_tier_to_draw
from engine.records import METHOD_NONE, METHOD_OFFLINE, METHOD_RANDOM_ORG
from engine.store import DrawRefused
from ui import claims, defaults, drawing, presentation, random_client, registry, stores
from ui import live_draw as show
from ui.i18n import fmt_month, month_labels, t
from ui.setup import page_setup

ctx = page_setup("draw")
if presentation.requested():  # the projector: the audience screen, nothing else
    presentation.show_audience(rehearsal=ctx.rehearsal)
    st.stop()
show.operator_styles()
rules = stores.rules()

months = drawing.draw_months(rehearsal=ctx.rehearsal)
if not months:
    st.title(t("page.draw"))
    st.info(t("draw.no_frozen_month"))
    st.stop()

with st.expander(t("draw.operator"), expanded=False, icon=":material/tune:"):
    c1, c2, c3 = st.columns(3)
    opening = month_to_open(months, stores.store().months(rehearsal=ctx.rehearsal))
    month = c1.selectbox(
        t("common.month"), months, index=months.index(opening), format_func=month_labels(), key="draw_month"
    )
    draw_date = c2.date_input(t("upload.draw_date"), value=dt.date.today(), format="DD.MM.YYYY", key="draw_date")
    place = c3.text_input(t("draw.place"), value=defaults.default_place(), key="draw_place")
    reveal = c1.number_input(t("draw.reveal_seconds"), 0.0, 10.0, 1.5, 0.5, key="draw_reveal_seconds")
    follow = c2.toggle(t("present.show_here"), key="draw_follow", help=t("present.show_here_help"))
    if ctx.rehearsal and c3.button(t("draw.new_rehearsal"), key="draw_new_rehearsal", icon=":material/replay:"):
        drawing.start_rehearsal(month)
        st.session_state.pop(f"draw_commission_ok_{month}_True", None)  # a new run: the commission confirms again

configured = random_client.randomorg_configured(rehearsal=ctx.rehearsal)
may_redraw = registry.may(ctx.role, "redraw")
may_abandon = registry.may(ctx.role, "abandon_ticket")


if follow:  # this tab becomes the audience screen (the address says so, and survives a refresh)
    st.query_params.update(
        {"view": presentation.AUDIENCE, "month": month, **({"rehearsal": "1"} if ctx.rehearsal else {})}
    )
    st.rerun()


def audience_button(target_month: str) -> None:
    """The way to the projector: the audience screen in a new tab (or on the second screen)."""
    st.link_button(
        t("present.open"),
        presentation.audience_link(target_month, rehearsal=ctx.rehearsal),
        help=t("present.open_help"),
        icon=":material/slideshow:",
    )


# ---------------------------------------------------------------- the steps, for a tier or a re-draw


def run_draw(prefix: str, draw, failure_key: str, entropy: str | None = None) -> None:
    """Step 3 itself: the engine draws and stores; the screen follows its steps and reveals the winners."""
    status = st.status(t("draw.running"), expanded=True)
    steps = status.container()
    presentation.update(rehearsal=ctx.rehearsal, step="drawing", draw_id=draw.id, revealed=0)
    try:
        done = drawing.execute(draw.id, rehearsal=ctx.rehearsal, entropy=entropy, on_step=show.step_log(steps))
    except DrawFailed as exc:
        # Nothing was stored as a result. Run the page again from the store, so that it offers
        # what can be done now (the same ticket again, a new freeze, or abandoning a blocked
        # ticket) with the failure in words.
        st.session_state[failure_key] = (
            exc.kind,
            exc.message,
            draw.pool.sha256 if draw.pool else "",
            draw.pool.size if draw.pool else None,
        )
        st.rerun()
    except DrawRefused as exc:
        status.update(label=t("draw.failed"), state="error")
        show.show_refusal(exc)
        return
    st.session_state.pop(failure_key, None)
    steps.markdown(":material/celebration: " + t("draw.step_reveal", n=len(done.winners)))
    presentation.update(rehearsal=ctx.rehearsal, step="reveal", draw_id=done.id, revealed=0)
    # the audience screen shows each winner within a second
    show.reveal(
        done.winners, pause=reveal, on_reveal=lambda k: presentation.update(rehearsal=ctx.rehearsal, revealed=k)
    )
    presentation.update(rehearsal=ctx.rehearsal, step="done")
    status.update(label=t("draw.done", n=len(done.winners)), state="complete")
    show.draw_outcome(done, prefix)


def ceremony(
    prefix: str,
    *,
    state_key: str,
    pending,
    freeze,
    before_freeze,
    confirmed_key: str,
    record_presence,
    stage: presentation.Stage,
) -> None:
    """The steps of a draw, the same for a month's tier and a re-draw:
    1. freeze the pool and show its hash (RANDOM.ORG's ticket with it), before anything random;
    2. the commission confirms it is present;
    3. the random numbers: RANDOM.ORG by default, the offline method only by the commission's decision.
    `prefix` names the widgets, `state_key` what is remembered of this very tier or certificate;
    `freeze(method, on_step)` stores the pool (drawing.prepare or drawing.prepare_redraw);
    `before_freeze(size)` shows what is known before (size: of a pool frozen by a failed attempt).
    `stage` is what the audience screen is told; its step follows the ceremony's.
    When RANDOM.ORG is not set up, the pool is frozen for the offline method straight away: its hash is
    stored and shown (and on the audience screen), and the commission then decides and enters the entropy.
    A draw, once asked for, runs in a run of its own, so nothing of the steps before stays on screen."""
    failure_key = f"{state_key}_failure"
    failure = st.session_state.get(failure_key)  # (kind, message, pool hash, pool size) of the last attempt
    go_key = f"{state_key}_go"
    go = st.session_state.pop(go_key, None)  # {"draw_id": …, "entropy": …}: asked for in the last run
    if go is not None and pending is not None and pending.id == go["draw_id"]:
        show.draw_facts(pending)  # the pool and its hash stay on screen above the winners
        run_draw(prefix, pending, failure_key, entropy=go.get("entropy"))
        return

    confirmed = bool(st.session_state.get(confirmed_key))
    step = "waiting" if pending is None else ("commission" if confirmed else "frozen")
    presentation.publish(replace(stage, step=step, draw_id=None, revealed=None), rehearsal=ctx.rehearsal)
    show.randomorg_status(rehearsal=ctx.rehearsal, configured=configured)

    # Step 1: the pool and its hash, before anything random
    if pending is None:
        before_freeze(failure[3] if failure else None)
        if failure and failure[2]:
            # RANDOM.ORG refused the ticket, so no draw waits; the commission still sees the hash of
            # the very pool that was frozen (the offline method included) before anything random.
            show.pool_hash_box(failure[2])
            st.caption(t("draw.hash_not_stored"))
        if (configured or not failure) and st.button(
            t("draw.retry") if failure else t("draw.freeze"),
            type="primary",
            key=f"{prefix}_freeze",
            icon=":material/refresh:" if failure else ":material/lock:",
        ):
            frozen: dict = {}

            def seen(event: str, info: dict) -> None:
                if event == "pool_frozen":
                    frozen.update(info)

            try:
                freeze(freeze_method(configured), seen)
                st.session_state.pop(failure_key, None)
            except DrawFailed as exc:
                st.session_state[failure_key] = (
                    exc.kind,
                    exc.message,
                    frozen.get("pool_sha256", ""),
                    frozen.get("pool_size"),
                )
            except DrawRefused as exc:
                show.show_refusal(exc)
                st.stop()
            st.rerun()  # draw the step again from what is stored now (the hash, or the failure)
        if not failure:
            st.stop()  # nothing else before the pool is frozen and its hash is on the screen
    else:
        show.draw_facts(pending)
    if failure:
        show.failure_box(failure[0], failure[1], configured=configured)

    # Step 2: the commission present
    if not show.commission_step(prefix, confirmed_key, defaults.default_commission(), record_presence):
        st.stop()

    # Step 3: the request, the signature check, the winners
    show.request_explained(pending)
    if pending is not None and pending.method == METHOD_NONE:
        if show.empty_pool_step(pending, prefix):
            st.session_state[go_key] = {"draw_id": pending.id}
            st.rerun()
        st.stop()

    can_request = pending is not None and pending.method == METHOD_RANDOM_ORG
    request_area = st.container()
    # Drawn before any draw runs, so that nothing of the previous screen lingers under the draw.
    offline_open = bool(failure) or not configured
    entropy = show.offline_step(prefix, expanded=offline_open, container=st.container(), section=not configured)
    with request_area:
        if can_request and st.button(
            t("draw.request"), type="primary", key=f"{prefix}_request", icon=":material/casino:"
        ):
            st.session_state[go_key] = {"draw_id": pending.id}
            st.rerun()
        elif entropy is not None and pending is not None and pending.method == METHOD_OFFLINE:
            st.session_state[go_key] = {"draw_id": pending.id, "entropy": entropy}  # frozen for it already
            st.rerun()
        elif entropy is not None:
            try:
                offline = freeze(METHOD_OFFLINE, None)
            except DrawRefused as exc:
                show.show_refusal(exc)
            except DrawFailed as exc:
                show.failure_box(exc.kind, exc.message, configured=configured)
            else:
                st.session_state[go_key] = {"draw_id": offline.id, "entropy": entropy}
                st.rerun()


def held_by_ticket(state_key: str, blocked, certificate: int | None) -> None:
    """Rule 5: a used ticket that could not be verified holds the tier; nothing else is offered here.
    The commission may abandon it with a reason, after which the tier is drawn afresh."""
    reason = show.blocked_ticket_panel(blocked, "abandon", may_abandon=may_abandon)
    if reason:
        try:
            drawing.abandon_ticket(
                blocked.month, blocked.denomination, reason=reason, certificate=certificate, rehearsal=ctx.rehearsal
            )
        except DrawRefused as exc:
            show.show_refusal(exc)
            st.stop()
        st.session_state.pop(f"{state_key}_failure", None)
        st.session_state["draw_flash"] = t("draw.abandoned", ticket=blocked.ticket_id)
        st.rerun()
    st.stop()


# ---------------------------------------------------------------- what to draw: the month, or a re-draw

waiting = claims.awaiting_redraw(rehearsal=ctx.rehearsal)
mode = show.mode_picker(month, len(waiting))

flash = st.session_state.pop("draw_flash", None)


def month_draw() -> None:
    st.title(t("draw.title", month=fmt_month(month)))
    audience_button(month)
    if flash:
        st.success(flash)
    states = {den: drawing.tier_state(month, den, rehearsal=ctx.rehearsal) for den in rules.denominations}
    drawn = [d for d, s in states.items() if s.done is not None]
    den = show.tier_picker(month, rules.denominations, drawn, next_tier_to_draw(rules.denominations, drawn))
    state = states[den]

    if state.done:  # a tier is drawn once: show what is stored
        complete = month_complete(rules.denominations, drawn)
        presentation.publish(
            presentation.Stage(month, "summary" if complete else "tier", den, step="done"), rehearsal=ctx.rehearsal
        )
        show.draw_facts(state.done)
        show.winner_cards(state.done.winners)
        if complete:
            documents = registry.BY_KEY["documents"].path if registry.allowed(ctx.role, "documents") else None
            show.month_done(month, documents)
        st.stop()

    if state.pending is None:
        blocked = drawing.blocked_draw(month, den, rehearsal=ctx.rehearsal)
        if blocked is not None:
            held_by_ticket(f"draw_{month}_{den}", blocked, None)

    preview = drawing.draw_preview(month, draw_date, rehearsal=ctx.rehearsal)
    if preview is None:
        st.error(t("draw.file_missing"))
        st.stop()

    def before_freeze(_frozen_size) -> None:
        tier = preview.tier(month, den)
        show.preview_facts(tier)
        presentation.update(rehearsal=ctx.rehearsal, facts={"pool_size": tier.eligible, "to_draw": tier.to_draw})

    def freeze(method: str, on_step):
        occasion = DrawOccasion(month, draw_date, method, rehearsal=ctx.rehearsal, place=place)
        return drawing.prepare(preview, occasion, den, on_step=on_step)

    ceremony(
        "draw",
        state_key=f"draw_{month}_{den}",
        pending=state.pending,
        freeze=freeze,
        before_freeze=before_freeze,
        confirmed_key=f"draw_commission_ok_{month}_{ctx.rehearsal}",
        record_presence=lambda members: drawing.record_commission(
            month, members, place, draw_date, rehearsal=ctx.rehearsal
        ),
        stage=presentation.Stage(month, "tier", den),
    )


def redraw() -> None:
    """A certificate whose winner lapsed (clause 12) or forfeited (clause 15), drawn again by the commission."""
    st.title(t("draw.redraws_title"))
    audience_button(month)
    picked, view = show.redraw_picker(waiting)
    w = view.winner
    show.redraw_header(view, flash)
    if not may_redraw:
        st.info(t("draw.redraw_commission_only"), icon=":material/groups:")
        st.stop()
    state_key = f"redraw_{picked}"
    blocked = drawing.blocked_draw(w.month, w.denomination, certificate=w.certificate, rehearsal=ctx.rehearsal)
    if blocked is not None:
        held_by_ticket(state_key, blocked, w.certificate)
    pending = drawing.pending_redraw(w.month, w.denomination, w.certificate, rehearsal=ctx.rehearsal)

    def freeze(method: str, on_step):
        occasion = DrawOccasion(w.month, draw_date, method, rehearsal=ctx.rehearsal, place=place)
        return drawing.prepare_redraw(occasion, w.denomination, w.certificate, reason=view.reason, on_step=on_step)

    ceremony(
        "redraw",
        state_key=state_key,
        pending=pending,
        freeze=freeze,
        before_freeze=show.redraw_pool_facts,
        confirmed_key=f"{state_key}_commission_ok_{ctx.rehearsal}",
        record_presence=lambda members: drawing.record_redraw_commission(
            w.month, w.denomination, w.certificate, members, place, draw_date, rehearsal=ctx.rehearsal
        ),
        stage=presentation.Stage(w.month, "redraw", w.denomination, w.certificate),
    )


if mode == "redraw":
    redraw()
else:
    month_draw()
