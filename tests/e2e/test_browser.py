"""Browser test in headless Chromium, the way streamlit/streamlit tests itself.

Starts `streamlit run dashboard.py` on a free port with a fresh data folder,
polls /_stcore/health, waits for the app to be connected and idle, then
uploads a demo month, freezes it, runs a rehearsal draw through the loopback
stand-in and saves screenshots to artifacts/screenshots/.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: install Debian's chromium package to run the browser test")
    port = _free_port()
    env = {**os.environ, "PROMOTION_DATA_DIR": str(tmp_path / "data")}
    env.pop("RANDOM_ORG_API_KEY", None)
    log = open(tmp_path / "streamlit.log", "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("streamlit did not start:\n" + (tmp_path / "streamlit.log").read_text())
            time.sleep(0.3)
        yield url, env
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def wait_for_app_run(page, timeout: float = 60_000) -> None:
    """Connected, and no script run in progress (as streamlit's own e2e helpers do)."""
    page.wait_for_selector("[data-testid='stApp']", timeout=timeout)
    page.wait_for_timeout(400)  # a click's rerun starts a moment later
    page.wait_for_function(
        """() => { const app = document.querySelector("[data-testid='stApp']");
                   return app && app.getAttribute('data-test-script-state') !== 'running'; }""",
        timeout=timeout,
    )
    page.wait_for_timeout(300)


def test_demo_month_to_rehearsal_draw(server):
    from playwright.sync_api import expect, sync_playwright

    url, env = server
    from engine.demo import file_name, write_month

    demo = write_month(Path(env["PROMOTION_DATA_DIR"]).parent / file_name("2021-03"), "2021-03")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 2400}, locale="en-GB")
            page.set_default_timeout(60_000)
            page.goto(url)
            wait_for_app_run(page)
            nav = page.locator("[data-testid='stSidebarNav']")
            nav.get_by_text("Upload and preview").click()
            wait_for_app_run(page)
            expect(page.get_by_text("access control is off", exact=False)).to_be_visible()

            # Rehearsal mode: marked on every screen
            page.get_by_text("Rehearsal mode").click()
            wait_for_app_run(page)
            expect(page.get_by_text("REHEARSAL", exact=False).first).to_be_visible()

            # Upload the demo month
            page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(demo))
            wait_for_app_run(page)
            expect(page.get_by_text("every row", exact=False)).to_be_visible()
            page.locator("[data-testid='stPlotlyChart']").first.wait_for()
            page.screenshot(path=str(SHOTS / "01-preview.png"), full_page=True)
            page.get_by_role("button", name="Freeze for the draw").click()
            wait_for_app_run(page)
            expect(page.get_by_text("Frozen for", exact=False)).to_be_visible()

            # The live draw, one tier
            nav.get_by_text("Live draw").click()
            wait_for_app_run(page)
            expect(page.get_by_text("REHEARSAL", exact=False).first).to_be_visible()
            page.get_by_role("button", name="Freeze the pool and show its hash").click()
            wait_for_app_run(page)
            expect(page.get_by_text("Pool hash (SHA-256)")).to_be_visible()
            page.get_by_text("The commission is present; the pool size and hash were read aloud").click()
            wait_for_app_run(page)
            page.get_by_role("button", name="Confirm").click()
            wait_for_app_run(page)
            page.screenshot(path=str(SHOTS / "02-pool-frozen.png"), full_page=True)
            page.get_by_role("button", name="Request the numbers from RANDOM.ORG").click()
            page.locator(".winner-card").nth(2).wait_for(timeout=30_000)
            page.screenshot(path=str(SHOTS / "03-live-draw-in-progress.png"), full_page=True)
            wait_for_app_run(page, timeout=90_000)
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
            first = browser.new_page(locale="en-GB")
            first.goto(url)  # the process's first request is routed in Streamlit's folder mode
            wait_for_app_run(first)
            for locale, path, heading in (("ru-RU", "live-draw", "Розыгрыш в прямом эфире"),
                                          ("kk-KZ", "docs", "Құжаттар")):
                page = browser.new_context(locale=locale).new_page()
                page.goto(f"{url}/{path}")
                wait_for_app_run(page)
                expect(page.get_by_role("heading", name=heading).first).to_be_visible()
                assert page.url.endswith(f"/{path}")
        finally:
            browser.close()
