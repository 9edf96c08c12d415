"""Screenshot every page of the app in Kazakh, Russian and English, to look at them.

    python scripts/screenshot_pages.py [OUT_DIR]      (default: artifacts/pages)

Draws March 2021 of the demo spreadsheet offline into a throw-away data folder,
starts `streamlit run dashboard.py` on a free port (demo mode: every page), and
takes a full-page PNG of each page per language with Debian's Chromium
(the browser's locale picks the language, as for a real user).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from anywhere

CHROMIUM = "/usr/bin/chromium"
LOCALES = {"kk": "kk-KZ", "ru": "ru-RU", "en": "en-GB"}


# Fonts loaded, and every Plotly chart drawn at its width.
SETTLED = """() => document.fonts.status === "loaded" && [...document.querySelectorAll("[data-testid='stPlotlyChart']")]
    .every(c => { const svg = c.querySelector("svg.main-svg"); return svg && svg.getBoundingClientRect().width > 0; })"""


def _drawn_data_dir(folder: Path) -> Path:
    from engine.demo import file_name, write_month
    from engine.draw import DrawOccasion, draw_month
    from engine.preview import preview
    from engine.records import CommissionMember
    from engine.store import Store

    data = folder / "data"
    data.mkdir(parents=True)
    demo = write_month(folder / file_name("2021-03"), "2021-03")
    store = Store(f"sqlite:///{data / 'promotion.sqlite'}", actor="screenshot script")
    try:
        day = dt.date(2021, 4, 5)
        pv = preview(demo, month="2021-03", draw_date=day, history=store.history())
        draw_month(
            store,
            pv,
            DrawOccasion("2021-03", day, "offline"),
            entropy="3 6 1 4 4 2",
            commission=[CommissionMember("chair", "Сәрсенбаев Ерлан Қайратұлы", "Директор")],
        )
    finally:
        store.close()
    return data


def main(out: Path) -> int:
    from playwright.sync_api import sync_playwright

    from tests.e2e.app_server import serve_app
    from tests.e2e.streamlit_runs import loaded, watch_runs
    from ui.registry import PAGES

    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        data = _drawn_data_dir(Path(tmp))
        env = {**os.environ, "PROMOTION_DATA_DIR": str(data)}
        with serve_app(env, Path(tmp) / "streamlit.log") as url:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"], headless=True)
                for lang, locale in LOCALES.items():
                    page = watch_runs(
                        browser.new_context(viewport={"width": 1600, "height": 900}, locale=locale)
                    ).new_page()
                    for spec in PAGES:
                        page.goto(f"{url}/{spec.url_path}")
                        loaded(page)  # the page's runs are over and shown
                        page.wait_for_function(SETTLED)  # fonts loaded and charts laid out before the picture
                        path = out / f"{lang}-{spec.key}.png"
                        page.screenshot(path=str(path), full_page=True)
                        errors = page.locator("[data-testid='stException']").count()
                        print(f"{path}{'  EXCEPTION SHOWN' if errors else ''}")
                    page.close()
                browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "artifacts" / "pages"))
