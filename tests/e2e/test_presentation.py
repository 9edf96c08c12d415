"""The live draw on the projector, in headless Chromium at 1920×1080 and 1366×768.

The operator drives the draw of a demo month (offline, RANDOM.ORG not set up) from the control view;
two audience screens (`/live-draw?view=audience`), one at each projector size, follow it. During and
after each reveal the newest winner is inside the window, nothing scrolls, nothing is clipped, and the
audience screen has no sidebar, no toolbar and no control. Screenshots go to artifacts/presentation/.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest

from tests.e2e.streamlit_runs import app_run, loaded, runs_started, wait_for_runs_after
from tests.e2e.test_browser import CHROMIUM, CHROMIUM_ARGS, ROOT, new_page, server  # noqa: F401 (fixture)

pytestmark = pytest.mark.browser

SHOTS = ROOT / "artifacts" / "presentation"
# (width, height, browser locale): the Kazakh words are the longest, so the small projector gets them too
SIZES = {"1920x1080": (1920, 1080, "en-GB"), "1366x768": (1366, 768, "en-GB"), "1366x768-kk": (1366, 768, "kk-KZ")}
MONTH = "2021-03"

# Everything the audience sees fits the window: no scrolling anywhere, no card clipped.
FITS = """() => {
  const h = window.innerHeight, w = window.innerWidth, out = [];
  const doc = document.scrollingElement;
  if (doc.scrollHeight > h + 1) out.push('document scrolls: ' + doc.scrollHeight + ' > ' + h);
  for (const sel of ["[data-testid='stMain']", "[data-testid='stAppViewContainer']", '.pres', '.pres-body']) {
    const el = document.querySelector(sel);
    if (el && el.scrollHeight > el.clientHeight + 1) out.push(sel + ' overflows: ' + el.scrollHeight + ' > ' + el.clientHeight);
  }
  for (const el of document.querySelectorAll('.pres, .pres-head, .pres-facts, .pres-hash, .pres-now, .pcard, .pres-grid')) {
    const r = el.getBoundingClientRect();
    if (r.top < -1 || r.left < -1 || r.bottom > h + 1 || r.right > w + 1) out.push(el.className + ' outside the window');
  }
  for (const card of document.querySelectorAll('.pcard')) {
    const c = card.getBoundingClientRect();
    for (const part of card.querySelectorAll('.cert, .value, .acct, .drawn')) {
      const r = part.getBoundingClientRect();
      if (r.height < 4 || r.top < c.top - 1 || r.bottom > c.bottom + 1 || r.left < c.left - 1 || r.right > c.right + 1)
        out.push('card ' + card.dataset.certificate + ': ' + part.className + ' cut off');
    }
  }
  for (const el of document.querySelectorAll('.pcard, .pcard .acct, .pres-hash')) {
    if (el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1) out.push(el.className + ' clipped');
  }
  return out;
}"""

NO_CHROME = """() => {
  // on screen: a skip link kept off-screen until focused with the keyboard is not on the projector
  const visible = el => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
                          return r.width > 1 && r.height > 1 && r.bottom > 0 && r.right > 0 && r.top < innerHeight
                                 && r.left < innerWidth && s.visibility !== 'hidden' && s.display !== 'none'; };
  const out = [];
  for (const sel of ["[data-testid='stSidebar']", "[data-testid='stToolbar']", "[data-testid='stHeader']",
                     "[data-testid='stStatusWidget']", "[data-testid='stMainMenu']", "[data-testid='stSidebarNav']"])
    for (const el of document.querySelectorAll(sel)) if (visible(el)) out.push(sel);
  for (const el of document.querySelectorAll('button, input, textarea, select, a, [role=button], [role=checkbox]'))
    if (visible(el)) out.push(el.tagName + ' ' + (el.innerText || el.getAttribute('aria-label') || ''));
  return out;
}"""


def freeze_demo_month(data_dir: Path, tmp_path: Path) -> None:
    """The demo month frozen for the draw, as the upload page would (the upload page has its own tests)."""
    from engine.demo import file_name, write_month
    from engine.preview import preview
    from engine.rules import load_rules
    from engine.store import Store
    from ui import uploads

    old = os.environ.get("PROMOTION_DATA_DIR")
    os.environ["PROMOTION_DATA_DIR"] = str(data_dir)
    try:
        path = write_month(tmp_path / file_name(MONTH), MONTH)
        data = path.read_bytes()
        store = Store(None, actor="test: upload")
        result = preview(
            data, path.name, month=MONTH, draw_date=dt.date.today(), rules=load_rules(), history=store.history()
        )
        uploads.keep_upload(data, path.name)
        store.record_import(result.import_summary(MONTH))
    finally:
        if old is None:
            os.environ.pop("PROMOTION_DATA_DIR", None)
        else:
            os.environ["PROMOTION_DATA_DIR"] = old


def check_fits(page, label: str) -> None:
    problems = page.evaluate(FITS)
    assert not problems, (label, problems)


def check_newest_in_view(page, label: str) -> None:
    newest = page.locator(".pcard.newest")
    assert newest.count() == 1, label
    box = newest.bounding_box()
    width, height = page.viewport_size["width"], page.viewport_size["height"]
    assert box and box["y"] >= 0 and box["x"] >= 0, (label, box)
    assert box["y"] + box["height"] <= height + 1 and box["x"] + box["width"] <= width + 1, (label, box)


def revealed(page) -> int:
    return page.locator(".pcard:not(.pending)").count()


def wait_revealed(page, n: int) -> None:
    page.wait_for_function(f"() => document.querySelectorAll('.pcard:not(.pending)').length >= {n}")


def follows(screen, shown: str, after: int) -> None:
    """The audience screen shows what `shown` (a JavaScript expression) tests for by the end of its third
    refresh begun after its run number `after` (taken once the operator's screen showed the change):
    it follows the operator by itself, at its next refreshes, counted in runs and not in seconds."""
    screen.wait_for_function(f"(after) => ({shown}) || window.__streamlitRuns.finished > after + 2", arg=after)
    assert screen.evaluate(f"() => !!({shown})"), (screen.viewport_size, shown)


def shot(page, name: str, full_page: bool = False) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=full_page)


def test_the_audience_follows_a_month_at_both_projector_sizes(server, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    url, env = server
    freeze_demo_month(Path(env["PROMOTION_DATA_DIR"]), tmp_path)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            operator = new_page(browser, viewport={"width": 1400, "height": 1000}, locale="en-GB")
            operator.set_default_timeout(60_000)
            operator.goto(url)  # a fresh process's first request is routed in Streamlit's folder mode
            loaded(operator)
            operator.goto(f"{url}/live-draw")
            loaded(operator)
            main = operator.locator("[data-testid='stMain']")
            expect(main.get_by_role("heading", name="Draw: March 2021")).to_be_visible()
            # Before any button: RANDOM.ORG is not set up, and the offline way is named (not an error)
            expect(main.get_by_text("RANDOM.ORG is not set up on this computer", exact=False)).to_be_visible()
            expect(main.locator("[data-testid='stAlertContentError']")).to_have_count(0)
            shot(operator, "operator-1-before.png", full_page=True)
            # The operator shortens the pause between revealed winners
            main.get_by_text("Draw settings (for the operator)").click()
            pause = main.get_by_role("spinbutton", name="Pause between winners, s")
            pause.fill("0.8")
            with app_run(operator):
                pause.press("Enter")
            link = main.get_by_role("link", name="Audience screen (new tab)")
            audience_path = link.get_attribute("href")
            assert audience_path and "view=audience" in audience_path
            main.get_by_text("Draw settings (for the operator)").click()

            screens = {}
            for size, (width, height, locale) in SIZES.items():
                screen = new_page(browser, viewport={"width": width, "height": height}, locale=locale)
                screen.set_default_timeout(60_000)
                screen.goto(f"{url}/live-draw?view=audience&month={MONTH}")
                screen.locator(".pres[data-screen='waiting']").wait_for()
                assert "view=audience" in screen.url
                assert not screen.evaluate(NO_CHROME), (size, screen.evaluate(NO_CHROME))
                check_fits(screen, size)
                screens[size] = screen

            tiers = (("50 000", 50000), ("70 000", 70000), ("100 000", 100000))
            for n, (tier, _den) in enumerate(tiers):
                heading = re.compile("Certificates of " + tier.replace(" ", r"\D?") + " ₸")  # 50 000 or 50,000
                expect(main.get_by_role("heading", name=heading)).to_be_visible()
                with app_run(operator):
                    main.get_by_role("button", name="Freeze the pool and show its hash").click()
                    main.locator(".hash").first.wait_for()
                    sha = main.locator(".hash").first.inner_text().strip()
                    assert re.fullmatch(r"[0-9a-f]{64}", sha)
                    for size, screen in screens.items():
                        follows(screen, "document.querySelector(\".pres[data-screen='pool']\")", runs_started(screen))
                        shown = re.sub(r"\s+", "", screen.locator(".pres-hash").inner_text())
                        assert shown == sha, (size, shown, sha)  # the very hash, in groups
                        check_fits(screen, f"{size} pool {tier}")
                        if n == 0:
                            shot(screen, f"{size}-1-pool.png")
                if n == 0:
                    shot(operator, "operator-1b-frozen.png", full_page=True)
                    with app_run(operator):
                        main.get_by_text("The commission is present; the pool size and hash were read aloud").click()
                    with app_run(operator):
                        main.get_by_role("button", name="Confirm").click()
                    expect(main.get_by_text("The commission confirmed it is present.")).to_be_visible()
                    for size, screen in screens.items():
                        expect(screen.locator(".pres-step:nth-child(2).now")).to_have_count(1)
                        shot(screen, f"{size}-2-commission.png")
                entropy = main.get_by_role("textbox", name="Entropy (for example dice numbers)")
                entropy.fill(f"3 6 1 4 4 {n + 2}")
                with app_run(operator):
                    entropy.press("Enter")
                with app_run(operator):
                    main.get_by_text("The commission decided to use the offline method", exact=False).click()
                drawing = runs_started(operator)
                main.get_by_role("button", name="Draw with the offline method").click()

                # During the reveal: the newest winner is in view on both screens, nothing scrolls
                for size, screen in screens.items():
                    wait_revealed(screen, 1)
                    check_newest_in_view(screen, f"{size} {tier} during")
                    check_fits(screen, f"{size} {tier} during")
                if n == 0:
                    for size, screen in screens.items():
                        wait_revealed(screen, 4)
                        check_newest_in_view(screen, f"{size} {tier} during")
                        check_fits(screen, f"{size} {tier} during")
                        shot(screen, f"{size}-3-reveal-during.png")
                wait_for_runs_after(operator, drawing, timeout=90_000)  # the reveal, then its rerun
                expect(main.get_by_text("Draw complete", exact=False)).to_be_visible()
                total = main.locator(".winner-card").count()
                for size, screen in screens.items():
                    follows(
                        screen,
                        f"document.querySelectorAll('.pcard:not(.pending)').length >= {total}",
                        runs_started(screen),
                    )
                    check_newest_in_view(screen, f"{size} {tier} after")
                    check_fits(screen, f"{size} {tier} after")
                    assert screen.locator(".pcard").count() == total
                    if n == 0:
                        shot(screen, f"{size}-4-reveal-done.png")
                if n == 0:
                    shot(operator, "operator-2-after-draw.png", full_page=True)
                # Nothing stale under the winners on the control view
                expect(main.locator("[data-testid='stAlertContentError']")).to_have_count(0)
                expect(main.get_by_text("No random number has been asked for yet")).to_have_count(0)
                expect(main.get_by_role("textbox", name="Entropy (for example dice numbers)")).to_have_count(0)
                with app_run(operator):
                    main.get_by_role("button", name="Next tier").click()

            # The month is drawn: one screen with every winner of the month
            expect(main.get_by_text("March 2021: every tier is drawn.")).to_be_visible()
            from engine.store import Store

            os.environ["PROMOTION_DATA_DIR"] = env["PROMOTION_DATA_DIR"]
            try:
                winners = [w for w in Store(None, actor="test").winners(MONTH) if w.current]
            finally:
                os.environ.pop("PROMOTION_DATA_DIR", None)
            for size, screen in screens.items():
                follows(screen, "document.querySelector(\".pres[data-screen='summary']\")", runs_started(screen))
                assert screen.locator(".pcard").count() == len(winners)
                text = screen.locator(".pres").inner_text()
                for w in winners:
                    assert w.account not in text
                    assert (
                        screen.locator(
                            f".pcard[data-certificate='{w.certificate}'][data-denomination='{w.denomination}']"
                        ).count()
                        == 1
                    )
                check_fits(screen, f"{size} summary")
                assert not screen.evaluate(NO_CHROME), size
                shot(screen, f"{size}-5-summary.png")
        except Exception:
            SHOTS.mkdir(parents=True, exist_ok=True)
            operator.screenshot(path=str(SHOTS / "failure-operator.png"), full_page=True)
            for size, screen in locals().get("screens", {}).items():
                screen.screenshot(path=str(SHOTS / f"failure-{size}.png"))
            raise
        finally:
            browser.close()


def test_the_projector_opened_first_after_a_restart_shows_only_the_presentation(server):
    """A fresh process answers its first request in Streamlit's folder mode (with a "Page not found"
    dialog): on the audience screen nothing of it may show, nor any control."""
    from playwright.sync_api import sync_playwright

    url, _ = server
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            screen = new_page(browser, viewport={"width": 1366, "height": 768}, locale="ru-RU")
            screen.goto(f"{url}/live-draw?view=audience")
            screen.locator(".pres").wait_for()
            # then one whole refresh of the presentation, over and shown: whatever the first runs drew is there
            wait_for_runs_after(screen, runs_started(screen))
            assert not screen.evaluate(NO_CHROME), screen.evaluate(NO_CHROME)
            check_fits(screen, "first request")
            shot(screen, "first-request-ru.png")
        finally:
            browser.close()
