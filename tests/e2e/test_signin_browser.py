"""A password sign-in survives a refresh in a real browser, and a sign-out does too.

Starts `streamlit run dashboard.py` headless with a secrets.toml of its own (one
argon2 user) given by `--secrets.files`, signs in through the form in headless
Chromium, reloads, and expects the same page still signed in; signs out,
reloads, and expects the login form and nothing else.
"""

from __future__ import annotations

import re
import time

import pytest
from argon2 import PasswordHasher

from tests.e2e.streamlit_runs import app_run, loaded, watch_runs
from tests.e2e.test_browser import CHROMIUM, CHROMIUM_ARGS, SHOTS, running_app
from ui.auth import COOKIE_NAME

pytestmark = pytest.mark.browser

PASSWORD = "projector-2021"


@pytest.fixture
def server(tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        '[users.aigerim]\nrole = "commission"\n'
        f'password_hash = "{PasswordHasher().hash(PASSWORD)}"\ndisplay_name = "Aigerim S."\n',
        encoding="utf-8",
    )
    with running_app(tmp_path, "--secrets.files", str(secrets), unset=("COOKIE_SECRET",)) as (url, _env):
        yield url, tmp_path / "data"


COOKIE_VALUE = f"""() => {{
  const pair = document.cookie.split("; ").find(c => c.startsWith("{COOKIE_NAME}="));
  return pair ? pair.slice({len(COOKIE_NAME) + 1}) : null;
}}"""


def cookie_when(page, condition: str, arg=None) -> str | None:
    """The sign-in cookie's value as the page sees it, once the JavaScript `condition(value, arg)` holds
    (the page's script sets or clears it when it renders the run after a sign-in or sign-out)."""
    page.wait_for_function(f"(arg) => ({condition})(({COOKIE_VALUE})(), arg)", arg=arg)
    return page.evaluate(COOKIE_VALUE)


def signed_out_screen(page) -> None:
    """The login form and nothing else: no page navigation, no sign-out button, no page content."""
    from playwright.sync_api import expect

    main = page.locator("[data-testid='stMain']")
    expect(main.get_by_role("button", name="Sign in")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    expect(page.locator("[data-testid='stSidebarNav']")).to_have_count(0)
    expect(page.get_by_text("Signed in as", exact=False)).to_have_count(0)
    assert main.get_by_role("heading").all_inner_texts() == ["“Business Offer” draw"]


def test_sign_in_survives_a_refresh_and_sign_out_does_too(server):
    from playwright.sync_api import expect, sync_playwright

    url, data = server
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            context = watch_runs(browser.new_context(viewport={"width": 1366, "height": 768}, locale="en-GB"))
            page = context.new_page()
            page.set_default_timeout(60_000)
            page.goto(url)
            loaded(page)
            signed_out_screen(page)

            page.get_by_role("textbox", name="User name").fill("aigerim")
            page.get_by_role("textbox", name="Password").fill(PASSWORD)
            with app_run(page):
                page.get_by_role("button", name="Sign in").click()
            expect(page.get_by_text("Signed in as Aigerim S. (Commission)")).to_be_visible()
            cookie_when(page, "value => value !== null")  # the run's script has given the browser its cookie
            page.screenshot(path=str(SHOTS / "signin-signed-in.png"))
            with app_run(page):
                page.locator("[data-testid='stSidebarNav']").get_by_text("Live draw").click()
            expect(page).to_have_url(re.compile(r"/live-draw$"))
            main = page.locator("[data-testid='stMain']")
            expect(main.locator("h1").first).to_be_visible()
            headings = main.locator("h1").all_inner_texts()

            cookie = next(c for c in context.cookies() if c["name"] == COOKIE_NAME)
            assert cookie["sameSite"] == "Strict" and cookie["path"] == "/" and not cookie["httpOnly"]
            assert 11 * 3600 < cookie["expires"] - time.time() <= 12 * 3600  # the token's 12 hours
            assert (data / "cookie-secret").stat().st_mode & 0o777 == 0o600

            page.reload()  # the projector's refresh: same page, still signed in, no form
            loaded(page)
            expect(page.get_by_text("Signed in as Aigerim S. (Commission)")).to_be_visible()
            expect(main.locator("h1").first).to_be_visible()
            assert main.locator("h1").all_inner_texts() == headings
            expect(page.get_by_role("button", name="Sign in")).to_have_count(0)
            assert page.url.endswith("/live-draw")
            page.screenshot(path=str(SHOTS / "signin-after-refresh.png"))

            with app_run(page):
                page.get_by_role("button", name="Sign out").click()
            signed_out_screen(page)
            cookie_when(page, "value => value === null")  # the run's script has cleared it
            assert not [c for c in context.cookies() if c["name"] == COOKIE_NAME]

            page.reload()
            loaded(page)
            signed_out_screen(page)
            page.screenshot(path=str(SHOTS / "signin-after-sign-out-and-refresh.png"))

            # A copy of the token kept from before the sign-out no longer signs anyone in.
            stolen = watch_runs(browser.new_context(locale="en-GB"))
            stolen.add_cookies([{**cookie, "expires": time.time() + 3600}])
            other = stolen.new_page()
            other.goto(f"{url}/live-draw")
            loaded(other)
            signed_out_screen(other)
        except Exception:
            page.screenshot(path=str(SHOTS / "signin-failure.png"), full_page=True)
            raise
        finally:
            browser.close()


def test_a_tab_that_signed_in_earlier_never_puts_back_an_old_cookie(server):
    """Tab A signs in; tab B signs out and in again: A's later runs must not write A's old cookie over B's."""
    from playwright.sync_api import expect, sync_playwright

    url, _ = server
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            context = watch_runs(browser.new_context(viewport={"width": 1366, "height": 768}, locale="en-GB"))

            def sign_in(page) -> None:
                page.get_by_role("textbox", name="User name").fill("aigerim")
                page.get_by_role("textbox", name="Password").fill(PASSWORD)
                with app_run(page):
                    page.get_by_role("button", name="Sign in").click()
                expect(page.get_by_text("Signed in as", exact=False)).to_be_visible()

            a = context.new_page()
            a.set_default_timeout(60_000)
            a.goto(url)
            loaded(a)
            sign_in(a)
            first = cookie_when(a, "value => value !== null")
            assert first

            b = context.new_page()
            b.set_default_timeout(60_000)
            b.goto(url)
            loaded(b)
            expect(b.get_by_text("Signed in as", exact=False)).to_be_visible()  # from the cookie
            with app_run(b):
                b.get_by_role("button", name="Sign out").click()
            assert cookie_when(b, "value => value === null") is None
            sign_in(b)
            second = cookie_when(b, "(value, first) => value !== null && value !== first", first)
            assert second and second != first

            a.bring_to_front()  # the user goes back to tab A (a hidden tab does not render its runs)
            for name, heading in (("Live draw", "Live draw"), ("Home", "Home"), ("Documents", "Documents")):
                with app_run(a):  # tab A goes on working
                    a.locator("[data-testid='stSidebarNav']").get_by_role("link", name=name).click()
                expect(a.locator("[data-testid='stMain']").get_by_role("heading", name=heading).first).to_be_visible()
                # the run has rendered tab A's copy of its old cookie script in the sidebar, and it has done nothing
                expect(a.locator("[data-testid='stSidebar'] [data-testid='stHtml']")).to_have_count(1)
                assert cookie_when(a, "value => true") == second

            a.reload()  # a refresh of A signs in with B's new cookie
            loaded(a)
            expect(a.get_by_text("Signed in as", exact=False)).to_be_visible()
        finally:
            browser.close()
