"""The router: page config, language, who the user is, and st.navigation per role.

Run with `streamlit run dashboard.py`. Every screen lives in `pages/` and
starts with `ui.setup.page_setup()`.
"""

from __future__ import annotations

import streamlit as st

from ui import auth, incidents, registry
from ui.i18n import LANGUAGE_NAMES, LANGUAGES, SESSION_KEY, browser_language, labels, t
from ui.setup import REHEARSAL_KEY

if st.session_state.get(SESSION_KEY) not in LANGUAGES:
    st.session_state[SESSION_KEY] = browser_language()

st.set_page_config(page_title=t("app.title"), page_icon="🎁", layout="wide")


def remembered(key: str, value) -> None:
    """Keep a sidebar choice in a plain session key (not a widget key: Streamlit drops the
    state of widgets it did not see in the last run, and the first run of a process is
    routed differently), and rerun so the whole page follows it."""
    if value is None:
        return
    if key not in st.session_state:
        # First run of a session: remember without a rerun. A rerun before
        # st.navigation has resolved the URL would drop a deep link (/live-draw
        # on the second screen) and land on the home page.
        st.session_state[key] = value
    elif st.session_state[key] != value:
        st.session_state[key] = value
        st.rerun()


with st.sidebar:
    remembered(
        SESSION_KEY,
        st.segmented_control(
            "Тіл · Язык · Language",
            LANGUAGES,
            format_func=LANGUAGE_NAMES.get,
            default=st.session_state[SESSION_KEY],
            required=True,
        ),
    )


def login_page() -> None:
    st.title(t("app.title"))
    if auth.oidc_configured():
        st.button(t("auth.sign_in_oidc"), type="primary", on_click=incidents.guarded(auth.start_oidc_login))
    if auth.configured_users():
        with st.form("login"):
            name = st.text_input(t("auth.user_name"), max_chars=auth.NAME_MAX_CHARS)
            password = st.text_input(t("auth.password"), type="password")
            submitted = st.form_submit_button(t("auth.sign_in"), type="primary")
        if submitted:
            attempt = auth.try_sign_in(name, password)
            if attempt.user is not None:
                auth.sign_in(attempt.user)
                st.rerun()
            if attempt.checked:
                st.error(t("auth.wrong"))
            if attempt.wait_seconds:
                st.warning(t("auth.wait", seconds=attempt.wait_seconds), icon=":material/hourglass_top:")


user = auth.current_user()  # a refresh restores a password user from the sign-in cookie
if user is None:
    with st.sidebar:
        auth.write_cookie()  # clears the cookie after a sign-out
    with incidents.guard("login"):
        st.navigation([st.Page(login_page, title=t("page.login"), icon=":material/login:", url_path="login")]).run()
    st.stop()

with st.sidebar:
    if user.source == "demo":
        remembered(
            auth.DEMO_ROLE,
            st.selectbox(
                t("auth.view_as"),
                auth.ROLES,
                index=auth.ROLES.index(user.role),
                format_func=labels("role."),
                help=t("auth.view_as_help"),
            ),
        )
    else:
        st.caption(t("auth.signed_in_as", name=user.display_name, role=t(f"role.{user.role}") if user.role else "—"))
        if st.button(
            t("auth.sign_out"),
            icon=":material/logout:",
            help=t("auth.sign_out_help", hours=auth.COOKIE_HOURS) if user.source == "password" else None,
        ):
            auth.sign_out(user)
            st.rerun()
    remembered(
        REHEARSAL_KEY,
        st.toggle(t("rehearsal.toggle"), value=bool(st.session_state.get(REHEARSAL_KEY)), help=t("rehearsal.help")),
    )
    auth.write_cookie()  # sets the cookie after a sign-in; last, so its empty element leaves no gap

if not user.role:
    st.warning(t("auth.no_role", name=user.display_name))
    st.stop()

pages = [
    st.Page(spec.path, title=t(f"page.{spec.key}"), icon=spec.icon, url_path=spec.url_path, default=spec.key == "home")
    for spec in registry.pages_for(user.role)
]
page = st.navigation(pages)
with incidents.guard(page.url_path or "home"):  # no traceback reaches a page: a message and an incident id
    page.run()
