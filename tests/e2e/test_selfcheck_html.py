"""selfcheck-YYYY-MM.html, the entrant's own check (RULES.md, "Public checks"), in headless Chromium.

The page is made by reports.selfcheck from a hand-built month (offline, with a re-draw of certificate 3
of the 50 000 tier) and from a month drawn officially through the loopback RANDOM.ORG stand-in into a
real SQLite file; it is opened from file:// like a downloaded file. An entrant typing their account and
IIN/BIN is told their ordinal and whether they won; a stranger is told they were not in the pools; in
Kazakh, Russian and English; and the page makes no network request at all (recorded, with the page's
Content-Security-Policy bypassed so that any request it tried would be made).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.test_browser import SHOTS, chromium

pytestmark = pytest.mark.browser

STRANGER = ("9999999999", "880101300129")


def _members(record, denomination: int) -> list[tuple[int, str, str]]:
    d = record.tier_draw(denomination)
    return [(int(o), a, c) for o, a, c, _ in (line.split(",") for line in d.pool.text.splitlines())]


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """name -> (file:// URL, MonthRecord)."""
    from reports.selfcheck import selfcheck_files
    from tests.reports.sample_records import month_record
    from tests.reports.test_selfcheck import _official_standin

    folder = tmp_path_factory.mktemp("selfcheck-pages")
    out = {}
    record = month_record("offline")
    (folder / "offline").mkdir()
    for name, data in selfcheck_files(record).items():
        (folder / "offline" / name).write_bytes(data)
    out["offline"] = ((folder / "offline" / f"selfcheck-{record.month}.html").as_uri(), record)
    (folder / "standin").mkdir()
    store, _ = _official_standin(folder / "standin")
    try:
        record = store.month_record("2021-03")
    finally:
        store.close()
    for name, data in selfcheck_files(record).items():
        (folder / "standin" / name).write_bytes(data)
    out["standin"] = ((folder / "standin" / f"selfcheck-{record.month}.html").as_uri(), record)
    return out


@pytest.fixture(scope="module")
def browser(pages):
    with chromium() as b:
        yield b


def _open(browser, url: str, locale: str = "en-GB"):
    context = browser.new_context(bypass_csp=True, viewport={"width": 1366, "height": 768}, locale=locale)
    page = context.new_page()
    page.requests, page.errors = [], []
    page.on("request", lambda r: page.requests.append(r.url))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.set_default_timeout(30_000)
    page.goto(url)
    return context, page


def _ask(page, account: str, client_id: str) -> str:
    """Type both, press the button, wait for that run's answer; the result kind."""
    runs = int(page.get_attribute("body", "data-runs"))
    page.fill("#account", account)
    page.fill("#iin", client_id)
    page.click("#go")
    page.wait_for_selector(f'body[data-runs="{runs + 1}"]', state="attached")
    return page.get_attribute("body", "data-result")


def _answers(page) -> list[dict]:
    return [
        {k: box.get_attribute(f"data-{k}") for k in ("tier", "ordinal", "size", "outcome", "certificate")}
        for box in page.query_selector_all("#answer .box[data-tier]")
    ]


@pytest.mark.parametrize("name", ["offline", "standin"])
def test_every_kind_of_entrant_finds_their_answer(browser, pages, name):
    url, record = pages[name]
    context, page = _open(browser, url)
    try:
        for d in (d for d in record.draws if d.kind == "draw"):
            members = _members(record, d.denomination)
            winners = {w.ordinal: w.certificate for w in d.winners}
            redrawn = {
                r.redraw_of_certificate for r in record.draws if r.kind == "redraw" and r.denomination == d.denomination
            }
            loser = next(m for m in members if m[0] not in winners)
            winner = next(m for m in members if m[0] in winners and winners[m[0]] not in redrawn)
            for ordinal, account, client_id in (loser, winner):
                # as an entrant might type them: spaces around the account, the IIN/BIN in groups
                assert _ask(page, f"  {account} ", f"{client_id[:6]} {client_id[6:]}") == "found"
                (answer,) = _answers(page)
                won = ordinal in winners
                assert answer == {
                    "tier": str(d.denomination),
                    "ordinal": str(ordinal),
                    "size": str(d.pool.size),
                    "outcome": "won" if won else "not-won",
                    "certificate": str(winners[ordinal]) if won else "",
                }, (name, answer)
                text = page.inner_text("#answer")
                assert f"number {ordinal} of {d.pool.size}" in text
                assert ("You won certificate" in text) == won and ("You did not win" in text) != won
        assert _ask(page, *STRANGER) == "absent"
        assert "not in the pools" in page.inner_text("#answer") and not _answers(page)
        assert _ask(page, loser[1], loser[2][:11]) == "invalid"  # 11 digits
        assert "12 digits" in page.inner_text("#answer")
        assert page.requests == [url] and not page.errors, (page.requests, page.errors)
    finally:
        context.close()


def test_a_redrawn_certificate_and_its_new_winner(browser, pages):
    url, record = pages["offline"]
    redraw = next(d for d in record.draws if d.kind == "redraw")
    original = record.tier_draw(redraw.denomination)
    first = next(w for w in original.winners if w.certificate == redraw.redraw_of_certificate)
    (second,) = redraw.winners
    ordinal_of = {(a, c): o for o, a, c in _members(record, redraw.denomination)}
    context, page = _open(browser, url)
    try:
        assert _ask(page, first.account, first.client_id) == "found"
        assert _answers(page)[0]["outcome"] == "redrawn"
        assert "later drawn again" in page.inner_text("#answer")
        assert _ask(page, second.account, second.client_id) == "found"
        (answer,) = _answers(page)
        assert answer["outcome"] == "won-redraw" and answer["certificate"] == str(redraw.redraw_of_certificate)
        assert answer["ordinal"] == str(ordinal_of[(second.account, second.client_id)])
        assert "in a re-draw" in page.inner_text("#answer")
        assert page.requests == [url] and not page.errors
    finally:
        context.close()


WORDS = {  # (locale, the answer's words for "number 37 of 261", "did not win", "not in the pools")
    "kk": ("kk-KZ", "қатысушының ішінде", "Сіз ұтпадыңыз", "пулдарында жоқ"),
    "ru": ("ru-RU", "Вы были номером", "Вы не выиграли", "нет в пулах"),
    "en": ("en-US", "You were number", "You did not win", "not in the pools"),
}


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_page_speaks_the_browsers_language_and_switches(browser, pages, lang):
    url, record = pages["standin"]
    locale, found, lost, absent = WORDS[lang]
    d = record.tier_draw(50000)
    winners = {w.ordinal for w in d.winners}
    ordinal, account, client_id = next(m for m in _members(record, 50000) if m[0] not in winners)
    context, page = _open(browser, url, locale=locale)
    try:
        assert page.get_attribute("html", "lang") == lang
        assert _ask(page, account, client_id) == "found"
        text = page.inner_text("#answer")
        assert found in text and lost in text and str(ordinal) in text
        assert _ask(page, *STRANGER) == "absent" and absent in page.inner_text("#answer")
        other = "en" if lang != "en" else "ru"
        page.click(f'.langs button[data-lang="{other}"]')
        page.wait_for_function("l => document.documentElement.lang === l", arg=other)
        assert WORDS[other][3] in page.inner_text("#answer")  # the answer shown is re-said in the new language
        assert page.requests == [url] and not page.errors
    finally:
        context.close()


def test_screenshot_of_a_found_participant(browser, pages):
    url, record = pages["standin"]
    d = record.tier_draw(50000)
    winner = sorted(d.winners, key=lambda w: w.certificate)[1]
    shots = {}
    for lang, (locale, *_words) in WORDS.items():
        context, page = _open(browser, url, locale=locale)
        try:
            assert _ask(page, winner.account, winner.client_id) == "found"
            SHOTS.mkdir(parents=True, exist_ok=True)
            shots[lang] = SHOTS / f"selfcheck-{lang}-found.png"
            page.screenshot(path=str(shots[lang]))
            if lang == "en":
                context2, page2 = _open(browser, url, locale=locale)
                try:
                    loser = next(m for m in _members(record, 50000) if m[0] not in {w.ordinal for w in d.winners})
                    assert _ask(page2, loser[1], loser[2]) == "found"
                    page2.screenshot(path=str(SHOTS / "selfcheck-en-not-won.png"))
                    assert _ask(page2, *STRANGER) == "absent"
                    page2.screenshot(path=str(SHOTS / "selfcheck-en-stranger.png"))
                finally:
                    context2.close()
        finally:
            context.close()
    assert all(p.stat().st_size > 10_000 for p in shots.values())
