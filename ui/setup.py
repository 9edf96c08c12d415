"""`page_setup()`: the one call every page starts with.

It applies the house CSS, shows the banners that must be on every screen
(access control off, rehearsal mode), refuses a page the user's role may not
open, and hands the page a small context.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from ui import auth, registry
from ui.i18n import current_language, t

REHEARSAL_KEY = "rehearsal"

CSS = """
<style>
.promo-banner {padding: .55rem .9rem; border-radius: .4rem; margin-bottom: .6rem;
  font-weight: 600; font-size: 1rem;}
.promo-banner.demo {background: #fff4ce; color: #5c4400; border: 1px solid #e0c560;}
.promo-banner.rehearsal {color: #fff; letter-spacing: .04em; font-size: 1.15rem;
  background: repeating-linear-gradient(135deg, #c2410c 0 18px, #9a3412 18px 36px);}
.big-number {font-size: 3.2rem; font-weight: 700; line-height: 1.1;}
.big-label {font-size: 1.25rem; color: #555;}
.hash {font-family: "DejaVu Sans Mono", monospace; font-size: 1.35rem; word-break: break-all;
  background: #f3f6fa; padding: .5rem .7rem; border-radius: .4rem;}
.projector h1 {font-size: 3rem;}
.winner-card {font-size: 2.1rem; font-weight: 600; padding: .45rem .9rem; margin: .3rem 0;
  border-left: .5rem solid #0b5cad; background: #f3f6fa; border-radius: .3rem;}
.winner-card .cert {color: #0b5cad; display: inline-block; min-width: 6.5rem;}
.winner-card .acct {font-family: "DejaVu Sans Mono", monospace;}
.step-ok {color: #15803d; font-weight: 600;}
.overdue {color: #b91c1c; font-weight: 700;}
</style>
"""


@dataclass(frozen=True)
class PageContext:
    user: auth.User
    role: str
    lang: str
    rehearsal: bool


def rehearsal_on() -> bool:
    return bool(st.session_state.get(REHEARSAL_KEY, False))


def banners() -> None:
    if not auth.access_control_on():
        st.markdown(f"<div class='promo-banner demo'>{t('banner.access_off')}</div>", unsafe_allow_html=True)
    if rehearsal_on():
        st.markdown(f"<div class='promo-banner rehearsal'>{t('banner.rehearsal')}</div>", unsafe_allow_html=True)


def page_setup(key: str) -> PageContext:
    """Start a page: CSS, banners, the role check, the title."""
    st.markdown(CSS, unsafe_allow_html=True)
    user = auth.current_user()
    if user is None or not registry.allowed(user.role, key):
        st.error(t("auth.not_allowed"))
        st.stop()
    banners()
    if key != "draw":  # the live draw draws its own, bigger title
        st.title(t(f"page.{key}"))
    return PageContext(user=user, role=user.role, lang=current_language(), rehearsal=rehearsal_on())
