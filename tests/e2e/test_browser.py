"""Browser test in headless Chromium, the way streamlit/streamlit tests itself.

Starts `streamlit run dashboard.py` on a free port with a fresh data folder,
polls /_stcore/health, waits for the app to be connected and idle, then
uploads a demo month, freezes it, runs a rehearsal draw through the loopback
stand-in and saves screenshots to artifacts/screenshots/.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.e2e.app_server import serve_app
from tests.e2e.streamlit_runs import app_run, loaded, watch_runs

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.browser


@contextlib.contextmanager
def chromium():
    """Debian's Chromium, headless, through Playwright (skips the test when it is not installed)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: install Debian's chromium package to run the browser test")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def running_app(tmp_path: Path, *extra_args: str, unset: tuple[str, ...] = ()):
    """The app with its own data folder, RANDOM.ORG not configured (a fresh install); yields
    (url, env) once /_stcore/health answers."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: install Debian's chromium package to run the browser test")
    env = {**os.environ, "PROMOTION_DATA_DIR": str(tmp_path / "data")}
    for name in ("RANDOM_ORG_API_KEY", "RANDOM_ORG_URL", "RANDOM_ORG_PUBLIC_KEY", *unset):
        env.pop(name, None)
    with serve_app(env, tmp_path / "streamlit.log", *extra_args) as url:
        yield url, env


@pytest.fixture
def server(tmp_path):
    with running_app(tmp_path) as started:
        yield started


def new_page(browser, **context_options):
    """A page in a fresh context (its own cookies) that counts Streamlit's script runs."""
    return watch_runs(browser.new_context(**context_options)).new_page()


def test_demo_month_to_rehearsal_draw(server):
    from playwright.sync_api import expect, sync_playwright

    url, env = server
    from engine.demo import file_name, write_month

    demo = write_month(Path(env["PROMOTION_DATA_DIR"]).parent / file_name("2021-03"), "2021-03")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = new_page(browser, viewport={"width": 1500, "height": 2400}, locale="en-GB")
            page.set_default_timeout(60_000)
            page.goto(url)
            loaded(page)
            nav = page.locator("[data-testid='stSidebarNav']")
            with app_run(page):
                nav.get_by_text("Upload and preview").click()
            expect(page.get_by_role("heading", name="Upload and preview")).to_be_visible()
            expect(page.get_by_text("access control is off", exact=False)).to_be_visible()

            # Rehearsal mode: marked on every screen
            with app_run(page):
                page.get_by_text("Rehearsal mode").click()
            expect(page.get_by_text("REHEARSAL", exact=False).first).to_be_visible()

            # Upload the demo month
            with app_run(page):
                page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(demo))
            expect(page.get_by_text("every row", exact=False)).to_be_visible()
            page.locator("[data-testid='stPlotlyChart']").first.wait_for()
            page.screenshot(path=str(SHOTS / "01-preview.png"), full_page=True)
            with app_run(page):
                page.get_by_role("button", name="Freeze for the draw").click()
            expect(page.get_by_text("Frozen for", exact=False)).to_be_visible()

            # The live draw, one tier
            with app_run(page):
                nav.get_by_text("Live draw").click()
            expect(page.get_by_role("heading", name="Draw: March 2021")).to_be_visible()
            expect(page.get_by_text("REHEARSAL", exact=False).first).to_be_visible()
            with app_run(page):
                page.get_by_role("button", name="Freeze the pool and show its hash").click()
            expect(page.get_by_text("Pool hash (SHA-256)")).to_be_visible()
            with app_run(page):
                page.get_by_text("The commission is present; the pool size and hash were read aloud").click()
            with app_run(page):
                page.get_by_role("button", name="Confirm").click()
            expect(page.get_by_text("The commission confirmed it is present.")).to_be_visible()
            page.screenshot(path=str(SHOTS / "02-pool-frozen.png"), full_page=True)
            with app_run(page, timeout=90_000):  # the reveal: one run, a winner at a time, then a rerun
                page.get_by_role("button", name="Request the numbers from RANDOM.ORG").click()
                page.locator(".winner-card").nth(2).wait_for(timeout=30_000)
                page.screenshot(path=str(SHOTS / "03-live-draw-in-progress.png"), full_page=True)
            expect(page.get_by_text("Draw complete", exact=False)).to_be_visible()
            page.screenshot(path=str(SHOTS / "04-result.png"), full_page=True)
            assert page.locator(".winner-card").count() >= 1
        except Exception:
            page.screenshot(path=str(SHOTS / "failure.png"), full_page=True)
            raise
        finally:
            browser.close()


def test_deep_link_opens_its_page_for_a_second_screen(server):
    """A second screen opens /live-draw directly to follow a draw: the link must
    land on that page (not the home page), in the browser's language."""
    from playwright.sync_api import expect, sync_playwright

    url, _ = server
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            # The first link is the process's first request: it too must run through the router.
            for locale, path, heading in (
                ("ru-RU", "live-draw", "Розыгрыш в прямом эфире"),
                ("kk-KZ", "docs", "Құжаттар"),
            ):
                page = new_page(browser, locale=locale)
                page.goto(f"{url}/{path}")
                loaded(page)
                expect(page.get_by_role("heading", name=heading).first).to_be_visible()
                assert page.url.endswith(f"/{path}")
                # Through the router (dashboard.py), not Streamlit's folder mode: its language switch
                # and role-filtered navigation are there, so the page ran with sign-in and role checks.
                expect(page.get_by_text("Тіл · Язык · Language")).to_be_visible()
                expect(page.locator("[data-testid='stSidebarNav']")).to_be_visible()
        finally:
            browser.close()


def _pdf_pages_to_png(pdf: Path, prefix: Path) -> list[Path]:
    """The protocol's first two pages at 60 dpi, to be looked at."""
    for old in prefix.parent.glob(prefix.name + "-*.png"):
        old.unlink()
    subprocess.run(
        ["pdftoppm", "-r", "60", "-f", "1", "-l", "2", "-png", str(pdf), str(prefix)], check=True, timeout=60
    )
    return sorted(prefix.parent.glob(prefix.name + "-*.png"))


def test_new_user_goes_from_the_demo_month_to_a_signed_protocol_offline(server):
    """The issue's "Done when", the way a first-time user goes: no RANDOM.ORG key, no
    rehearsal. Home -> step 1 -> demo month -> freeze -> the live draw of all three
    tiers with the offline method as the commission's decision -> the signed protocol."""
    import re

    from playwright.sync_api import expect, sync_playwright
    from pypdf import PdfReader

    from reports.certificates import local_certificate_pem
    from reports.pdf_check import validate_pdf_signature

    url, env = server
    data = Path(env["PROMOTION_DATA_DIR"])
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = new_page(browser, viewport={"width": 1500, "height": 2400}, locale="en-GB", accept_downloads=True)
            page.set_default_timeout(60_000)
            main = page.locator("[data-testid='stMain']")
            page.goto(url)
            loaded(page)
            expect(page.get_by_role("heading", name="Home")).to_be_visible()
            expect(page.locator(".promo-banner.rehearsal")).to_have_count(0)
            page.screenshot(path=str(SHOTS / "10-home.png"), full_page=True)

            # Step 1 as the home page names it
            with app_run(page):
                main.get_by_role("link", name=re.compile(r"^1\. Upload and preview")).click()
            expect(page.get_by_role("heading", name="Upload and preview")).to_be_visible()
            with app_run(page):
                main.get_by_text("Demo month", exact=True).click()
            main.locator("[data-testid='stSelectbox']").filter(has_text="Demo spreadsheet").click()
            with app_run(page):
                page.get_by_role("option", name="participants-2021-03.xlsx").click()
            expect(main.get_by_text("participants-2021-03.xlsx: every row")).to_be_visible()
            expect(main.get_by_text("March 2021: tiers against the quotas", exact=False)).to_be_visible()
            with app_run(page):
                main.get_by_role("button", name="Freeze for the draw").click()
            expect(main.get_by_text("Frozen for", exact=False)).to_be_visible()
            main.get_by_text("Frozen for", exact=False).scroll_into_view_if_needed()
            page.screenshot(path=str(SHOTS / "11-offline-frozen-for-the-draw.png"), full_page=True)

            # The live draw, by the way the page points to
            with app_run(page):
                main.get_by_role("link", name="Next step: 2. Live draw").click()
            expect(main.get_by_role("heading", name="Draw: March 2021")).to_be_visible()
            # The operator shortens the pause between revealed winners (keeps the test short)
            main.get_by_text("Draw settings (for the operator)").click()
            pause = main.get_by_role("spinbutton", name="Pause between winners, s")
            pause.fill("0")
            with app_run(page):
                pause.press("Enter")
            main.get_by_text("Draw settings (for the operator)").click()

            hashes = {}
            for n, (tier, winners) in enumerate((("50 000", 15), ("70 000", 8), ("100 000", 2))):
                heading = re.compile("Certificates of " + tier.replace(" ", r"\D?") + " ₸")  # 50 000 or 50,000
                expect(main.get_by_role("heading", name=heading)).to_be_visible()
                # RANDOM.ORG is not configured: said before any button, with the offline way (not as an error)
                expect(main.get_by_text("RANDOM.ORG is not set up on this computer", exact=False)).to_be_visible()
                expect(main.get_by_text("The draw is held with the offline method", exact=False)).to_be_visible()
                expect(main.locator("[data-testid='stAlertContentError']")).to_have_count(0)
                with app_run(page):
                    main.get_by_role("button", name="Freeze the pool and show its hash").click()
                expect(main.get_by_text("Pool hash (SHA-256)")).to_be_visible()
                hashes[tier] = main.locator(".hash").first.inner_text().strip()
                assert re.fullmatch(r"[0-9a-f]{64}", hashes[tier]), hashes[tier]
                if n == 0:
                    with app_run(page):
                        main.get_by_text("The commission is present; the pool size and hash were read aloud").click()
                    with app_run(page):
                        main.get_by_role("button", name="Confirm").click()
                expect(main.get_by_text("The commission confirmed it is present.")).to_be_visible()
                # Retrying cannot help without a key: no button invites it
                expect(main.get_by_role("button", name="Try RANDOM.ORG again")).to_have_count(0)
                entropy = main.get_by_role("textbox", name="Entropy (for example dice numbers)")
                entropy.fill(f"3 6 1 4 4 {n + 2}")
                with app_run(page):
                    entropy.press("Enter")
                with app_run(page):
                    main.get_by_text("The commission decided to use the offline method", exact=False).click()
                if n == 0:
                    page.screenshot(path=str(SHOTS / "12-offline-decision.png"), full_page=True)
                with app_run(page, timeout=90_000):
                    main.get_by_role("button", name="Draw with the offline method").click()
                expect(main.get_by_text(f"Draw complete: {winners} winners")).to_be_visible()
                expect(main.locator(".winner-card")).to_have_count(winners)
                assert hashes[tier] in main.inner_text()  # the same pool, still on screen
                # nothing stale under the winners: no error, no offline form
                expect(main.locator("[data-testid='stAlertContentError']")).to_have_count(0)
                expect(main.get_by_role("textbox", name="Entropy (for example dice numbers)")).to_have_count(0)
                with app_run(page):
                    main.get_by_role("button", name="Next tier").click()
            expect(main.get_by_text("March 2021: every tier is drawn.")).to_be_visible()
            page.screenshot(path=str(SHOTS / "13-offline-all-tiers-done.png"), full_page=True)

            # Documents: the signed protocol, generated and downloaded
            with app_run(page):
                main.get_by_role("link", name="Next step: 3. Documents (the signed protocol)").click()
            expect(page.get_by_role("heading", name="Documents")).to_be_visible()
            with page.expect_download(timeout=90_000) as download_info:  # one click: made and downloaded
                main.get_by_role("button", name="Draw protocol (PDF, signed)").click()
            download = download_info.value
            assert download.suggested_filename == "protocol-2021-03.pdf"
            pdf = SHOTS / "protocol-2021-03.pdf"
            download.save_as(pdf)
            page.screenshot(path=str(SHOTS / "14-offline-documents.png"), full_page=True)

            # The month as staff and managers then see it
            nav = page.locator("[data-testid='stSidebarNav']")
            with app_run(page):
                nav.get_by_text("Winners and claims").click()
            expect(main.get_by_role("heading", name="Act on a certificate")).to_be_visible()
            page.screenshot(path=str(SHOTS / "16-claims.png"), full_page=True)
            with app_run(page):
                nav.get_by_text("Monthly charts").click()
            # seven sections: six charts, and the carry-over in words (every tier of the demo month was full)
            expect(main.locator("[data-testid='stPlotlyChart']")).to_have_count(6)
            expect(main.get_by_text("No certificate carried over in the chosen months")).to_be_visible()
            page.wait_for_function(  # every chart laid out by Plotly before the screenshot
                """() => [...document.querySelectorAll("[data-testid='stPlotlyChart']")].every(
                       c => { const svg = c.querySelector("svg.main-svg"); return svg && svg.getBoundingClientRect().width > 0; })"""
            )
            page.screenshot(path=str(SHOTS / "17-charts.png"), full_page=True)
        except Exception:
            page.screenshot(path=str(SHOTS / "failure.png"), full_page=True)
            raise
        finally:
            browser.close()

    content = pdf.read_bytes()
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    flat = re.sub(r"\s+", "", text)
    for words in ("ХАТТАМА № 2021-03", "Комиссия құрамы", "Жеңімпаздардың тізімі", "ұтыс ойыны", "Офлайн әдіс"):
        assert re.sub(r"\s+", "", words) in flat, words
    assert "RFC 3797" in text
    for tier, sha in hashes.items():
        assert sha in flat, (tier, sha)  # a long hash may wrap across lines in a table cell
    assert "REHEARSAL" not in text and "РЕПЕТИЦИЯ" not in text
    status = validate_pdf_signature(content, trust_cert=local_certificate_pem(data))
    assert status.present and status.intact and status.ok, status
    pngs = _pdf_pages_to_png(pdf, SHOTS / "15-protocol-page")
    assert len(pngs) == 2
