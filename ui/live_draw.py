"""The live draw's components: what the commission's control view shows, one function a piece.

pages/live_draw.py composes these; each takes plain engine records and values (a DrawRecord,
WinnerRecords, a preview's tier, a RedrawView), never the store, and has its own
AppTest.from_function test in tests/app/test_live_draw_components.py. The rules behind what
they show (how many certificates a draw hands out, which tier is next, when a month is
complete) are engine.progress's; a component only displays them.

One set of steps serves a month's tier and a re-draw (RULES.md, integrity rule 3: the same
ceremony): the pool and its hash (`draw_facts`), the commission (`commission_step`), the
random numbers (`request_explained`, `offline_step`, `step_log`), the winners (`reveal`,
`winner_cards`, `draw_outcome`). The audience screen on the projector is ui.presentation.
"""

from __future__ import annotations

import datetime as dt
import html
import time
from collections.abc import Callable, Iterable, Sequence

import streamlit as st

from engine.progress import certificates_in_draw
from engine.records import METHOD_OFFLINE, METHOD_RANDOM_ORG
from ui.catalog import ENTRIES
from ui.i18n import fmt_date, fmt_int, fmt_month, labels, month_labels, t
from ui.widgets import big_metric, mask_account

OPERATOR_CSS = """
<style>
[data-testid="stMainBlockContainer"] p, [data-testid="stMainBlockContainer"] li,
[data-testid="stMainBlockContainer"] label {font-size: 1.3rem;}
[data-testid="stMainBlockContainer"] h1 {font-size: 2.9rem;}
[data-testid="stMainBlockContainer"] h2 {font-size: 2.1rem;}
[data-testid="stMainBlockContainer"] input {font-size: 1.4rem;}
[data-testid="stMainBlockContainer"] p code {font-size: 1.25rem;}
.winner-card .drawn {font-size: 1.2rem; font-weight: 400; color: #444; margin-left: .8rem;}
.winner-card:has(.newest) {background: #fff7d6; border-left-color: #d97706;}
.winner-card .newest {font-size: 1rem; font-weight: 700; color: #b45309; margin-left: .8rem;}
</style>
"""


def operator_styles() -> None:
    """Sizes for the commission reading the screen aloud, and the newest winner's highlight."""
    st.markdown(OPERATOR_CSS, unsafe_allow_html=True)


# ---------------------------------------------------------------- what to draw


def mode_picker(month: str, waiting: int) -> str:
    """The month's tiers, or the re-draws waiting (offered only when some are)."""
    if not waiting:
        return "month"
    text = {"month": t("draw.mode_month", month=fmt_month(month)), "redraw": t("draw.mode_redraw", n=waiting)}
    return (
        st.segmented_control(
            t("draw.mode"), ("month", "redraw"), default="month", format_func=text.get, key="draw_mode", required=True
        )
        or "month"
    )


def tier_picker(month: str, denominations: Sequence[int], drawn_tiers: Iterable[int], next_tier: int) -> int:
    """The month's tiers in Table 1's order, a ✓ on each one drawn, the next one picked; its header under it."""
    drawn = set(drawn_tiers)
    text = {d: ("✓ " if d in drawn else "") + f"{fmt_int(d)} ₸" for d in denominations}
    den = st.segmented_control(
        t("col.tier"),
        list(denominations),
        default=next_tier,
        format_func=text.get,
        key=f"draw_tier_{month}_{next_tier}",
        required=True,
    )
    st.header(t("draw.tier_title", tier=fmt_int(den)))
    return den


def redraw_picker(waiting: Sequence) -> tuple[str, object]:
    """The certificates waiting for a re-draw (engine RedrawViews); returns (its key, the view picked)."""
    month_fmt = month_labels()
    status_fmt = labels("status.")
    choices = {f"{v.winner.month}|{v.winner.denomination}|{v.winner.certificate}": v for v in waiting}
    label = {
        k: f"{month_fmt(v.winner.month)} · {fmt_int(v.winner.denomination)} ₸ · № {v.winner.certificate} · "
        f"{status_fmt(v.status)}"
        for k, v in choices.items()
    }
    picked = st.selectbox(t("draw.redraw_pick"), list(choices), format_func=label.get, key="redraw_pick")
    return picked, choices[picked]


def redraw_header(view, flash: str | None = None) -> None:
    """Which certificate is drawn again, and why: its winner lapsed (clause 12) or forfeited (clause 15)."""
    w = view.winner
    st.header(t("draw.redraw_title", certificate=w.certificate, tier=fmt_int(w.denomination), month=fmt_month(w.month)))
    if flash:
        st.success(flash)
    st.markdown(t("draw.redraw_explained", status=labels("status.")(view.status), account=mask_account(w.account)))


def randomorg_status(*, rehearsal: bool, configured: bool) -> None:
    """Before any button: where the random numbers will come from."""
    if rehearsal:
        st.caption(t("present.randomorg_rehearsal"))
    elif configured:
        st.caption(":material/verified: " + t("present.randomorg_ready"))
    else:
        st.info(t("present.randomorg_missing"), icon=":material/casino:")


# ---------------------------------------------------------------- step 1: the pool and its hash


def preview_facts(tier) -> None:
    """Before a tier's pool is frozen: the preview's pool size, quota, carry-over in and certificates owed."""
    c1, c2, c3, c4 = st.columns(4)
    big_metric(t("col.pool_size"), fmt_int(tier.eligible), c1)
    big_metric(t("col.quota"), fmt_int(tier.quota), c2)
    big_metric(t("col.carried_in"), fmt_int(tier.carried_in), c3)
    big_metric(t("col.to_draw"), fmt_int(tier.to_draw), c4)


def redraw_pool_facts(frozen_size: int | None) -> None:
    """Before a re-draw's pool is frozen: what it will be; its size once frozen by a refused attempt."""
    if frozen_size is not None:  # frozen, though RANDOM.ORG refused the ticket: its size is read aloud too
        big_metric(t("col.pool_size"), fmt_int(frozen_size))
    st.caption(t("draw.redraw_pool"))


def pool_hash_box(sha256: str, container=None) -> None:
    target = container or st
    target.markdown(f"**{t('col.pool_hash')}**")
    target.markdown(f"<div class='hash'>{html.escape(sha256)}</div>", unsafe_allow_html=True)


def draw_facts(draw) -> None:
    """What was frozen and how the numbers came: the same facts the protocol prints."""
    pool = draw.pool
    size = pool.size if pool else 0
    done = draw.status == "done"
    c1, c2, c3 = st.columns(3)
    big_metric(t("col.pool_size"), fmt_int(size), c1)
    big_metric(t("col.to_draw"), fmt_int(draw.to_draw), c2)
    big_metric(
        t("col.drawn") if done else t("draw.will_draw"),
        fmt_int(draw.drawn if done else certificates_in_draw(draw.to_draw, size)),
        c3,
    )
    if pool:
        pool_hash_box(pool.sha256)
    if draw.method == METHOD_RANDOM_ORG and draw.ticket_id:
        st.markdown(t("draw.ticket", ticket=draw.ticket_id))
    if not done:
        return
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


# ---------------------------------------------------------------- failures and refusals


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


def blocked_ticket_panel(draw, prefix: str, *, may_abandon: bool) -> str | None:
    """A used RANDOM.ORG ticket whose result could not be verified holds the tier (rule 5): the
    ticket, what failed, and for the commission a reason and a confirmation to abandon it.
    Returns the reason once the commission confirmed."""
    failure = getattr(draw, "failure", "") or ""
    kind = failure.partition(":")[0].strip()
    what = t(f"fail.{kind}") if f"fail.{kind}" in ENTRIES else t("fail.other")
    st.error(
        f"**{t('draw.blocked_title', ticket=draw.ticket_id)}**\n\n{what}\n\n{t('draw.blocked_explained')}",
        icon=":material/block:",
    )
    with st.expander(t("draw.technical")):
        st.code(failure or "—", language=None)
    if not may_abandon:
        st.info(t("draw.blocked_commission_only"), icon=":material/groups:")
        return None
    st.subheader(t("draw.abandon_title"))
    reason = st.text_area(t("draw.abandon_reason"), key=f"{prefix}_abandon_reason", help=t("draw.abandon_reason_help"))
    sure = st.checkbox(t("draw.abandon_confirm", ticket=draw.ticket_id), key=f"{prefix}_abandon_sure")
    if st.button(
        t("draw.abandon"),
        key=f"{prefix}_abandon",
        icon=":material/delete_forever:",
        disabled=not (sure and reason.strip()),
    ):
        return reason.strip()
    return None


# ---------------------------------------------------------------- step 2: the commission


def commission_step(prefix: str, confirmed_key: str, members, on_confirm) -> bool:
    """Step 2: the commission confirms it is present (after the pool hash was read aloud).
    True once confirmed; until then it asks, and the caller stops."""
    st.subheader(t("draw.step_commission"))
    if st.session_state.get(confirmed_key):
        st.markdown(f"<span class='step-ok'>✓ {t('draw.commission_confirmed')}</span>", unsafe_allow_html=True)
        return True
    names = [m.name for m in members]
    present = st.multiselect(
        t("draw.present"), names, default=names, key=f"{prefix}_present", help=t("draw.present_help")
    )
    if not members:
        st.caption(t("draw.no_commission"))
    ok = st.checkbox(t("draw.confirm_commission"), key=f"{prefix}_confirm_commission")
    if st.button(t("draw.confirm"), key=f"{prefix}_confirm", disabled=not ok, icon=":material/groups:"):
        on_confirm([m for m in members if m.name in present])
        st.session_state[confirmed_key] = True
        st.rerun()
    return False


# ---------------------------------------------------------------- step 3: the random numbers


def request_explained(draw) -> None:
    """Step 3's heading, and for a RANDOM.ORG draw what is asked for: n = min(to_draw, N) numbers of
    a tier's pool, or the one number of a re-draw."""
    st.subheader(t("draw.step_request"))
    if draw is None or draw.method != METHOD_RANDOM_ORG:
        return
    size = draw.pool.size if draw.pool else 0
    if draw.kind == "redraw":
        st.markdown(
            t("draw.redraw_request_explained", size=size, ticket=draw.ticket_id, certificate=draw.redraw_of_certificate)
        )
    else:
        st.markdown(
            t("draw.request_explained", n=certificates_in_draw(draw.to_draw, size), size=size, ticket=draw.ticket_id)
        )


def empty_pool_step(draw, prefix: str) -> bool:
    """An empty pool (METHOD_NONE): nothing random to ask for, what carries over is recorded.
    True when the commission records it."""
    if draw.kind == "redraw":
        st.info(t("draw.redraw_empty"))
    else:
        st.info(t("draw.empty_pool", n=draw.to_draw))
    return st.button(t("draw.record_empty"), type="primary", key=f"{prefix}_record_empty")


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
        clicked = st.button(
            t("draw.offline_run"),
            key=f"{prefix}_offline",
            type="primary",
            icon=":material/casino:",
            disabled=not (decided and entropy.strip()),
        )
    return entropy.strip() if clicked else None


def step_log(container) -> Callable[[str, dict], None]:
    """The engine's `on_step` for a running draw: each step it reports, in words, in `container`."""

    def on_step(event: str, info: dict) -> None:
        if event == "requesting":
            if info.get("method") == METHOD_OFFLINE:
                container.markdown(
                    ":material/hourglass_top: " + t("draw.step_offline", entropy=info.get("entropy", ""))
                )
            else:
                container.markdown(
                    ":material/hourglass_top: "
                    + t(
                        "draw.step_requesting",
                        n=info.get("n"),
                        maximum=info.get("maximum"),
                        ticket=info.get("ticket_id", ""),
                    )
                )
        elif event == "signature_verified":
            container.markdown(":material/verified: " + t("draw.step_signature", serial=info.get("serial_number")))
            if info.get("recovered"):
                container.markdown(":material/history: " + t("draw.step_recovered"))

    return on_step


# ---------------------------------------------------------------- the winners


def winner_card_html(w, *, newest: bool = False) -> str:
    """One winner: certificate, masked account, face value, the drawn number (its place in the pool)."""
    tag = f"<span class='newest'>{html.escape(t('draw.newest'))}</span>" if newest else ""
    return (
        f"<div class='winner-card'><span class='cert'>№ {w.certificate}</span> "
        f"<span class='acct'>{html.escape(mask_account(w.account))}</span> · {fmt_int(w.denomination)} ₸ "
        f"<span class='drawn'>{html.escape(t('present.drawn_number', n=fmt_int(w.ordinal)))}</span>{tag}</div>"
    )


def winner_cards(winners, container=None, *, newest: int | None = None) -> None:
    """Winners as cards, accounts masked; the card of certificate `newest` marked as just drawn."""
    target = container or st
    for w in winners:
        target.markdown(winner_card_html(w, newest=w.certificate == newest), unsafe_allow_html=True)


def reveal(winners, *, pause: float, on_reveal: Callable[[int], None] | None = None, container=None) -> None:
    """The winners one by one, `pause` seconds apart, the newest marked; `on_reveal(k)` after the k-th
    (the audience screen follows). The last one drawn stays marked."""
    target = container or st
    shown: list = []  # (slot, winner) of the cards on screen
    for k, w in enumerate(winners, start=1):
        if pause:
            time.sleep(pause)
        if shown:
            slot, previous = shown[-1]
            slot.markdown(winner_card_html(previous), unsafe_allow_html=True)
        slot = target.empty()
        slot.markdown(winner_card_html(w, newest=True), unsafe_allow_html=True)
        shown.append((slot, w))
        if on_reveal is not None:
            on_reveal(k)


def draw_outcome(done, prefix: str) -> None:
    """After the reveal: who the re-drawn certificate went to (or that it carries over), what the
    tier carries over, and the way on."""
    if done.kind == "redraw":
        if done.winners:
            st.success(
                t(
                    "draw.redrawn",
                    certificate=done.redraw_of_certificate,
                    account=mask_account(done.winners[0].account),
                ),
                icon=":material/celebration:",
            )
        else:
            st.info(t("draw.redraw_empty"))
    elif done.carry_out:
        st.caption(t("draw.carry_out", n=done.carry_out))
    st.button(
        t("draw.next_redraw") if done.kind == "redraw" else t("draw.next_tier"), key=f"{prefix}_next", type="primary"
    )


def month_done(month: str, documents_page: str | None) -> None:
    """Every tier of the month is drawn: said, with the way to the documents for those who may go there."""
    st.success(t("draw.month_done", month=fmt_month(month)), icon=":material/task_alt:")
    if documents_page:
        st.page_link(documents_page, label=t("draw.go_documents"), icon=":material/arrow_forward:")
