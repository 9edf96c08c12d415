"""The live draw as the audience sees it: one screen per step, made for 1920×1080 and 1366×768 projectors.

The audience screen is the live draw page opened with `?view=audience` (another tab or a second
computer). It has no sidebar, no Streamlit chrome and no control; it reads what the store holds and
what the operator's page shows now (the "stage": which tier or re-draw, which step, how many winners
are revealed) and redraws itself every second, so it follows the operator within about a second.

Every screen fits the viewport without scrolling: sizes are in viewport units, and the winners are a
grid whose cells shrink with the number of certificates, so the newest winner is always in view.
The stage lives in the server process (one Streamlit server runs the app); a screen that finds no
stage shows what the store holds, every winner revealed.
"""

from __future__ import annotations

import html
import math
import threading
import time
from dataclasses import dataclass, field, replace

import streamlit as st

from engine import config
from engine.progress import certificates_in_draw, month_complete, month_to_open, next_tier_to_draw, tier_position
from engine.records import METHOD_NONE, METHOD_OFFLINE, METHOD_RANDOM_ORG
from reports.publish import MASK_DOT, mask_account
from ui import drawing, stores
from ui.i18n import fmt_int, fmt_month, t

AUDIENCE = "audience"
REFRESH_SECONDS = 1

# Steps of a draw as the audience sees them (RULES.md "The draw" and integrity rule 3).
STEPS = ("pool", "commission", "numbers", "winners")
STEP_OF = {
    "waiting": "pool",
    "frozen": "pool",
    "commission": "commission",
    "drawing": "numbers",
    "reveal": "winners",
    "done": "winners",
}

TIER_COLOURS = ("#0b5cad", "#0f766e", "#9a3412", "#6d28d9")

AUDIENCE_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
[data-testid="stSidebarNav"], [data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
[data-testid="stStatusWidget"], [data-testid="stMainMenu"], [data-testid="stAppDeployButton"],
[data-testid="stDialog"], header, footer, .promo-banner {display: none !important;}
[data-testid="stMain"], [data-testid="stAppViewContainer"] {overflow: hidden !important;}
/* A refresh that takes a moment must not dim the projector (Streamlit fades "stale" elements). */
[data-stale="true"] {opacity: 1 !important; transition: none !important;}
[data-testid="stMainBlockContainer"] {padding: 0 !important; max-width: none !important;}
.pres {position: fixed; inset: 0; z-index: 1000; background: #fff; color: #111;
  display: flex; flex-direction: column; padding: 2.2vh 2.4vw; gap: 1.6vh; box-sizing: border-box;
  font-family: "Source Sans Pro", "DejaVu Sans", sans-serif; overflow: hidden;}
.pres-head {display: flex; justify-content: space-between; align-items: flex-start; gap: 2vw; flex-wrap: wrap;
  border-bottom: .5vh solid #0b5cad; padding-bottom: 1vh; flex: none;}
.pres-title {font-size: min(5.6vh, 3.3vw); font-weight: 700; line-height: 1.1;}
.pres-sub {font-size: min(3.6vh, 2.2vw); color: #333; line-height: 1.2; margin-top: .4vh;}
.pres-rehearsal {display: inline-block; background: #c2410c; color: #fff; padding: .2vh .8vw; border-radius: .5vh;
  font-size: min(2.8vh, 1.7vw); font-weight: 700; letter-spacing: .06em; margin-left: 1vw; vertical-align: middle;}
.pres-steps {display: flex; gap: .6vw; flex: none;}
.pres-step {font-size: min(2.5vh, 1.4vw); padding: .7vh .8vw; border-radius: .8vh; background: #eef2f7; color: #667;
  white-space: nowrap;}
.pres-step.now {background: #0b5cad; color: #fff; font-weight: 700;}
.pres-step.past {color: #15803d;}
.pres-body {flex: 1 1 auto; min-height: 0; display: flex; flex-direction: column; gap: 2vh;}
.pres-facts {display: flex; gap: 4vw; align-items: flex-end; flex: none;}
.pres-fact .lab {font-size: min(3.4vh, 2vw); color: #444;}
.pres-fact .num {font-size: min(14vh, 8vw); font-weight: 800; line-height: 1; color: #0b5cad;}
.pres-fact.small .num {font-size: min(7vh, 4.2vw);}
.pres-hash-lab {font-size: min(3.2vh, 1.9vw); color: #444;}
.pres-hash {font-family: "DejaVu Sans Mono", monospace; font-size: min(5.8vh, 3.9vw); font-weight: 700;
  line-height: 1.25; background: #f3f6fa; border-radius: 1vh; padding: 1vh 1.2vw; letter-spacing: .02em;}
.pres-hash span {margin-right: .55em;}
.pres-hash.inline {font-size: min(2.6vh, 1.5vw); display: inline-block; padding: .3vh .6vw; font-weight: 600;}
.pres-now {font-size: min(5vh, 3vw); font-weight: 700; color: #111; line-height: 1.2;}
.pres-now .sub {display: block; font-size: .62em; font-weight: 400; color: #333; margin-top: .6vh;}
.pres-strip {display: flex; gap: .6vh 2.4vw; align-items: center; flex-wrap: wrap; font-size: min(2.8vh, 1.7vw);
  color: #333; flex: none;}
.pres-strip b {color: #111;}
.pres-grid {flex: 1 1 auto; min-height: 0; display: grid; gap: 1.2vh 1vw; container-type: size;
  grid-template-columns: repeat(var(--cols), minmax(0, 1fr)); grid-template-rows: repeat(var(--rows), minmax(0, 1fr));}
.pcard {--tier: #0b5cad; border: .45vh solid var(--tier); border-left-width: 1.1vw; border-radius: 1vh;
  background: #f6f8fb; padding: .3em .45em; display: flex; flex-direction: column; justify-content: center;
  min-width: 0; min-height: 0; overflow: hidden; font-size: var(--f); line-height: 1.15;}
.pcard .top {display: flex; justify-content: space-between; gap: .5em; font-size: .56em; font-weight: 700;
  white-space: nowrap;}
.pcard .cert {color: var(--tier);}
.pcard .acct {font-family: "DejaVu Sans Mono", monospace; font-weight: 700; letter-spacing: .02em; white-space: nowrap;}
.pcard .acct .dots {font-size: .7em; letter-spacing: -.04em; color: #667; vertical-align: .08em;}
.pcard .drawn {font-size: .46em; color: #333; white-space: nowrap;}
.pcard.pending {background: #fff; border: .45vh dashed #c9d3df; color: #9aa6b2;}
.pcard.pending .cert {color: #9aa6b2;}
.pcard.newest {background: #fff7d6; border-color: #d97706; box-shadow: 0 0 0 .5vh #fbbf24;}
.pres-legend {display: flex; gap: 2vw; font-size: min(2.8vh, 1.7vw); flex: none;}
.pres-legend i {display: inline-block; width: 1.2em; height: 1.2em; vertical-align: -.2em; border-radius: .2em;
  margin-right: .4em;}
</style>
"""


# ---------------------------------------------------------------- the stage: what the operator shows now


@dataclass(frozen=True)
class Stage:
    """What the operator's page shows now, for the audience screens to follow."""

    month: str
    kind: str = "tier"  # "tier" | "redraw" | "summary"
    denomination: int | None = None
    certificate: int | None = None  # the re-drawn certificate
    step: str = "waiting"  # a key of STEP_OF
    draw_id: int | None = None  # the draw being revealed
    revealed: int | None = None  # how many of its winners are on screen; None: all
    facts: dict = field(default_factory=dict)  # before the freeze: pool_size, to_draw (from the preview)
    at: float = 0.0


_lock = threading.Lock()


@st.cache_resource(show_spinner=False)
def _stages() -> dict:
    return {}


def _stage_key(rehearsal: bool) -> tuple:
    return str(config.data_dir()), config.configured_database_url() or "", bool(rehearsal)


def publish(stage: Stage, *, rehearsal: bool) -> None:
    with _lock:
        _stages()[_stage_key(rehearsal)] = replace(stage, at=time.time())


def update(*, rehearsal: bool, **changes) -> None:
    """Change the published stage (e.g. one more winner revealed)."""
    with _lock:
        stages = _stages()
        key = _stage_key(rehearsal)
        if key in stages:
            stages[key] = replace(stages[key], at=time.time(), **changes)


def current_stage(*, rehearsal: bool) -> Stage | None:
    with _lock:
        return _stages().get(_stage_key(rehearsal))


# ---------------------------------------------------------------- pieces of a screen


def _e(text) -> str:
    return html.escape(str(text))


def tier_colour(denomination: int, denominations) -> str:
    return TIER_COLOURS[tier_position(denominations, denomination) % len(TIER_COLOURS)]


def hash_groups(sha256: str, group: int = 8, per_line: int = 4) -> str:
    """The hash in groups of eight, four groups a line: read aloud and compared group by group."""
    groups = [sha256[i : i + group] for i in range(0, len(sha256), group)]
    lines = [groups[i : i + per_line] for i in range(0, len(groups), per_line)]
    return "<br>".join("".join(f"<span>{_e(g)}</span>" for g in line) for line in lines)


def grid_shape(n: int) -> tuple[int, int]:
    """(columns, rows) for n cards on a 16:9 screen: rows of at most five up to 25 cards (5 × 5)."""
    if n <= 0:
        return 1, 1
    cols = 5 if n <= 25 else math.ceil(math.sqrt(n * 1.6))
    rows = math.ceil(n / cols)
    return math.ceil(n / rows), rows


def _acct(masked: str) -> str:
    """The masked account, its dots smaller than the digits people look for."""
    digits = masked.lstrip(MASK_DOT)
    return f"<span class='dots'>{_e(masked[: len(masked) - len(digits)])}</span>{_e(digits)}"


def card(w, *, denominations, newest: bool = False, lang: str | None = None) -> str:
    colour = tier_colour(w.denomination, denominations)
    cls = "pcard newest" if newest else "pcard"
    return (
        f"<div class='{cls}' data-certificate='{w.certificate}' data-denomination='{w.denomination}' "
        f"style='--tier:{colour}'><div class='top'><span class='cert'>{_e(t('present.cert', lang=lang, n=w.certificate))}"
        f"</span><span class='value'>{_e(fmt_int(w.denomination))} ₸</span></div>"
        f"<div class='acct'>{_acct(mask_account(w.account))}</div>"
        f"<div class='drawn'>{_e(t('present.drawn_number', lang=lang, n=fmt_int(w.ordinal)))}</div></div>"
    )


def placeholder(certificate: int, denomination: int, lang: str | None = None) -> str:
    return (
        f"<div class='pcard pending' data-certificate='{certificate}'><div class='top'><span class='cert'>"
        f"{_e(t('present.cert', lang=lang, n=certificate))}</span><span>{_e(fmt_int(denomination))} ₸</span></div>"
        "<div class='acct'>• • • •</div><div class='drawn'>&nbsp;</div></div>"
    )


def grid(cells: list[str], n: int | None = None) -> str:
    cols, rows = grid_shape(n if n is not None else len(cells))
    # The font follows the smaller of the cell's height and width (8 monospace characters must fit);
    # cq units are the grid's own size (a size container), whatever the screen puts above it.
    font = (
        f"min(calc((100cqh - {rows - 1} * 1.2vh) / {rows} / 3.2), calc((100cqw - {cols - 1}vw) / {cols} / 6.3), 15vh)"
    )
    return f"<div class='pres-grid' style='--cols:{cols};--rows:{rows};--f:{font}'>" + "".join(cells) + "</div>"


def steps_bar(step: str, lang: str | None = None) -> str:
    now = STEP_OF.get(step, "pool")
    index = STEPS.index(now)
    done_all = step == "done"
    parts = []
    for i, name in enumerate(STEPS):
        cls = "pres-step past" if i < index or done_all else ("pres-step now" if i == index else "pres-step")
        mark = "✓ " if i < index or done_all else f"{i + 1}. "
        parts.append(f"<div class='{cls}'>{mark}{_e(t(f'present.step_{name}', lang=lang))}</div>")
    return "<div class='pres-steps'>" + "".join(parts) + "</div>"


def frame(screen: str, title: str, subtitle: str, body: str, *, rehearsal: bool, steps: str = "") -> str:
    tag = f"<span class='pres-rehearsal'>{_e(t('present.rehearsal'))}</span>" if rehearsal else ""
    return (
        f"<div class='pres' data-screen='{screen}'><div class='pres-head'><div><div class='pres-title'>"
        f"{_e(title)}{tag}</div><div class='pres-sub'>{_e(subtitle)}</div></div>{steps}</div>"
        f"<div class='pres-body'>{body}</div></div>"
    )


# ---------------------------------------------------------------- the screens


def _fact(label: str, value, small: bool = False) -> str:
    return (
        f"<div class='pres-fact{' small' if small else ''}'><div class='lab'>{_e(label)}</div>"
        f"<div class='num'>{_e(value)}</div></div>"
    )


def _method_line(draw, step: str) -> str:
    if draw.method == METHOD_NONE:
        return t("present.now_empty", n=fmt_int(draw.to_draw))
    if step == "drawing":
        return t("present.now_drawing_offline") if draw.method == METHOD_OFFLINE else t("present.now_drawing")
    if step == "commission":
        if draw.method == METHOD_RANDOM_ORG:
            n = certificates_in_draw(draw.to_draw, draw.pool.size)
            return t("present.now_numbers_randomorg", n=fmt_int(n), size=fmt_int(draw.pool.size))
        return t("present.now_numbers_offline")
    return t("present.now_frozen")


def pool_screen(draw, step: str, *, title: str, subtitle: str, rehearsal: bool) -> str:
    """The pool is frozen: its size and hash, large, before anything random; the current step in words."""
    size = draw.pool.size if draw.pool else 0
    facts = _fact(t("present.pool_size"), fmt_int(size)) + _fact(
        t("present.to_draw"), fmt_int(certificates_in_draw(draw.to_draw, size)), small=True
    )
    sub = ""
    if draw.method == METHOD_RANDOM_ORG and draw.ticket_id:
        sub = f"<span class='sub'>{_e(t('present.ticket', ticket=draw.ticket_id))}</span>"
    body = (
        f"<div class='pres-facts'>{facts}</div>"
        f"<div><div class='pres-hash-lab'>{_e(t('present.pool_hash'))}</div>"
        f"<div class='pres-hash'>{hash_groups(draw.pool.sha256 if draw.pool else '')}</div></div>"
        f"<div class='pres-now'>{_e(_method_line(draw, step))}{sub}</div>"
    )
    return frame("pool", title, subtitle, body, rehearsal=rehearsal, steps=steps_bar(step))


def waiting_screen(facts: dict, *, title: str, subtitle: str, rehearsal: bool) -> str:
    parts = ""
    if facts.get("pool_size") is not None:
        parts += _fact(t("present.participants"), fmt_int(facts["pool_size"]))
    if facts.get("to_draw") is not None:
        parts += _fact(t("present.to_draw"), fmt_int(facts["to_draw"]), small=True)
    body = (
        f"<div class='pres-facts'>{parts}</div>" if parts else ""
    ) + f"<div class='pres-now'>{_e(t('present.now_waiting'))}</div>"
    return frame("waiting", title, subtitle, body, rehearsal=rehearsal, steps=steps_bar("waiting"))


def _draw_strip(draw) -> str:
    bits = [f"{_e(t('present.pool_size'))}: <b>{_e(fmt_int(draw.pool.size if draw.pool else 0))}</b>"]
    if draw.pool:
        bits.append(
            f"{_e(t('present.pool_hash_short'))}: <span class='pres-hash inline'>"
            f"{_e(' '.join(draw.pool.sha256[i : i + 8] for i in range(0, 64, 8)))}</span>"
        )
    if draw.method == METHOD_RANDOM_ORG and draw.status == "done":
        bits.append("✓ " + _e(t("present.signature_ok", serial=draw.serial_number)))
    elif draw.method == METHOD_OFFLINE and draw.status == "done":
        bits.append(_e(t("present.offline", entropy=draw.entropy)))
    return "<div class='pres-strip'>" + "".join(f"<span>{b}</span>" for b in bits) + "</div>"


def reveal_screen(
    draw,
    revealed: int | None,
    *,
    title: str,
    subtitle: str,
    rehearsal: bool,
    denominations,
    certificates: list[int] | None = None,
) -> str:
    """The winners of one draw as they are revealed: every certificate has its cell from the start, so the
    grid never moves; the newest is highlighted. `certificates` numbers the cells (a re-draw: one)."""
    winners = list(draw.winners)
    shown = len(winners) if revealed is None else max(0, min(revealed, len(winners)))
    numbers = certificates or [w.certificate for w in winners]
    cells = []
    for i, number in enumerate(numbers):
        if i < shown:
            cells.append(card(winners[i], denominations=denominations, newest=(i == shown - 1 and shown > 0)))
        else:
            cells.append(placeholder(number, draw.denomination))
    step = "done" if shown >= len(winners) else "reveal"
    body = _draw_strip(draw)
    if not winners:
        body += f"<div class='pres-now'>{_e(t('present.nobody', n=fmt_int(draw.carry_out or draw.to_draw)))}</div>"
    else:
        body += grid(cells)
    if step == "done" and draw.carry_out and winners:
        body += f"<div class='pres-strip'>{_e(t('draw.carry_out', n=draw.carry_out))}</div>"
    return frame(
        "reveal" if step == "reveal" else "revealed", title, subtitle, body, rehearsal=rehearsal, steps=steps_bar(step)
    )


def summary_screen(month: str, winners, *, rehearsal: bool, denominations) -> str:
    """All winners of the month on one screen, each tier its colour."""
    winners = sorted(winners, key=lambda w: (w.denomination, w.certificate))  # in the order they were drawn
    legend = "".join(
        f"<span><i style='background:{tier_colour(d, denominations)}'></i>{_e(t('present.tier', tier=fmt_int(d)))}: "
        f"{sum(1 for w in winners if w.denomination == d)}</span>"
        for d in sorted(denominations)
        if any(w.denomination == d for w in winners)
    )
    body = f"<div class='pres-legend'>{legend}</div>" + grid([card(w, denominations=denominations) for w in winners])
    return frame(
        "summary",
        t("present.summary_title", month=fmt_month(month)),
        t("present.summary_sub", n=len(winners)),
        body,
        rehearsal=rehearsal,
    )


# ---------------------------------------------------------------- which screen, from the stage and the store


def _month_winners(month: str, rehearsal: bool, denominations) -> list:
    """The current winner of each certificate of the month: the store marks a re-drawn one not current."""
    winners = []
    for den in denominations:
        state = drawing.tier_state(month, den, rehearsal=rehearsal)
        for draw in [*([state.done] if state.done else []), *state.redraws]:
            winners.extend(w for w in draw.winners if w.current)
    return winners


def _tier_titles(month: str, den: int) -> tuple[str, str]:
    """(title, subtitle): the tier is what the room is waiting for; the month under it."""
    return t("present.tier", tier=fmt_int(den)), t("draw.title", month=fmt_month(month))


def screen_html(month: str | None, *, rehearsal: bool) -> str:
    """The audience screen now: the operator's stage if there is one, else what the store holds."""
    rules = stores.rules()
    dens = rules.denominations
    stage = current_stage(rehearsal=rehearsal)
    if stage is not None:  # the operator's page leads (a re-draw may be of another month)
        month = stage.month
    if month is None:
        months = drawing.draw_months(rehearsal=rehearsal)
        drawn = stores.store().months(rehearsal=rehearsal)
        month = month_to_open(months, drawn)
    if month is None:
        return frame("waiting", t("app.title"), t("present.no_month"), "", rehearsal=rehearsal)

    if stage is not None and stage.kind == "redraw":
        den, cert = stage.denomination, stage.certificate
        title = t("present.redraw_title", certificate=cert, tier=fmt_int(den))
        subtitle = t("draw.title", month=fmt_month(month))
        pending = next(
            (
                d
                for d in reversed(drawing.pending_redraws(month, rehearsal=rehearsal))
                if d.denomination == den and d.redraw_of_certificate == cert
            ),
            None,
        )
        done = [
            d for d in drawing.tier_state(month, den, rehearsal=rehearsal).redraws if d.redraw_of_certificate == cert
        ]
        current = next((d for d in done if d.id == stage.draw_id), None) or (
            done[-1] if done and stage.step in ("reveal", "done") else None
        )
        if current is not None:
            revealed = stage.revealed if stage.draw_id == current.id else None
            return reveal_screen(
                current,
                revealed,
                title=title,
                subtitle=subtitle,
                rehearsal=rehearsal,
                denominations=dens,
                certificates=[cert],
            )
        if pending is not None:
            return pool_screen(
                pending,
                stage.step if stage.step != "waiting" else "frozen",
                title=title,
                subtitle=subtitle,
                rehearsal=rehearsal,
            )
        return waiting_screen(stage.facts, title=title, subtitle=subtitle, rehearsal=rehearsal)

    states = {den: drawing.tier_state(month, den, rehearsal=rehearsal) for den in dens}
    drawn_tiers = [den for den, s in states.items() if s.done]
    complete = month_complete(dens, drawn_tiers)
    if stage is not None and stage.kind == "summary" and complete:
        return summary_screen(month, _month_winners(month, rehearsal, dens), rehearsal=rehearsal, denominations=dens)
    if stage is not None and stage.kind == "tier" and stage.denomination in states:
        den = stage.denomination
        state = states[den]
        title, subtitle = _tier_titles(month, den)
        if state.done is not None:
            revealed = stage.revealed if stage.draw_id == state.done.id else None
            return reveal_screen(
                state.done,
                revealed,
                title=title,
                subtitle=subtitle,
                rehearsal=rehearsal,
                denominations=dens,
                certificates=list(range(1, len(state.done.winners) + 1)),
            )
        if state.pending is not None:
            step = stage.step if stage.step in ("frozen", "commission", "drawing") else "frozen"
            return pool_screen(state.pending, step, title=title, subtitle=subtitle, rehearsal=rehearsal)
        return waiting_screen(stage.facts, title=title, subtitle=subtitle, rehearsal=rehearsal)

    # No stage (opened before the operator, or another server process): what the store holds.
    for den, state in states.items():
        if state.pending is not None:
            title, subtitle = _tier_titles(month, den)
            return pool_screen(state.pending, "frozen", title=title, subtitle=subtitle, rehearsal=rehearsal)
    if complete:
        return summary_screen(month, _month_winners(month, rehearsal, dens), rehearsal=rehearsal, denominations=dens)
    done = [s.done for s in states.values() if s.done]
    if done:
        latest = max(done, key=lambda d: d.id)
        title, subtitle = _tier_titles(month, latest.denomination)
        return reveal_screen(latest, None, title=title, subtitle=subtitle, rehearsal=rehearsal, denominations=dens)
    title, subtitle = _tier_titles(month, next_tier_to_draw(dens, drawn_tiers))
    return waiting_screen({}, title=title, subtitle=subtitle, rehearsal=rehearsal)


# ---------------------------------------------------------------- the audience page


def requested() -> bool:
    return st.query_params.get("view") == AUDIENCE


def audience_link(month: str, *, rehearsal: bool) -> str:
    """The address of the audience screen, relative to the live draw page."""
    query = f"?view={AUDIENCE}&month={month}"
    return query + ("&rehearsal=1" if rehearsal else "")


def show_audience(*, rehearsal: bool) -> None:
    """The audience screen: chrome hidden, one presentation redrawn every second from the stage and the store."""
    st.markdown(AUDIENCE_CSS, unsafe_allow_html=True)
    rehearsal = rehearsal or st.query_params.get("rehearsal") == "1"
    month = st.query_params.get("month") or None

    @st.fragment(run_every=REFRESH_SECONDS)
    def presentation() -> None:
        st.markdown(screen_html(month, rehearsal=rehearsal), unsafe_allow_html=True)

    presentation()
