"""The claims page acts on the certificate staff chose, by its stable key (month, tier, certificate):
the choice never moves when a status changes, a forfeit is confirmed in a dialog that names whom it
concerns, and each certificate's history (replaced winners too) stays visible.

Real engine, a real SQLite file in a fresh data folder; March is drawn offline through the engine,
so these tests do not depend on the live draw page.
"""

from __future__ import annotations

import datetime as dt
import re

from engine.draw import DrawOccasion, draw_month, redraw
from engine.preview import preview as engine_preview
from tests.app.test_pages import app, data_dir, march_file, no_exception, open_page  # noqa: F401 - fixtures
from ui import claims, stores
from ui.catalog import ENTRIES

EN, RU = 2, 1
MONTH, TIER = "2021-03", 50000


def drawn_march(path, *, draw_date: dt.date | None = None) -> None:
    """March 2021 drawn offline by the engine into the app's store (15 + 8 + 1 winners)."""
    day = draw_date or dt.date.today()
    preview = engine_preview(path, path.name, draw_date=day, history=stores.store().history())
    draw_month(stores.store(), preview, DrawOccasion(MONTH, day, "offline", place="Astana"), entropy="5 5 2 1")


def status(certificate: int) -> str:
    return stores.store().current_winner(MONTH, TIER, certificate).status


def pick(at, certificate: int):
    at.selectbox(key="claims_pick").set_value(f"{MONTH}|{TIER}|{certificate}").run()
    no_exception(at)
    return at


def table(at, key: str):
    return next(d for d in at.dataframe if d.key == key).value


def history_table(at, lang: int = EN):
    """The chosen certificate's history: the table with the "What happened" column."""
    return next(d.value for d in at.dataframe if ENTRIES["claims.step"][lang] in d.value.columns)


def test_contact_then_forfeit_hits_the_chosen_certificate_only(march_file):
    drawn_march(march_file)
    at = pick(open_page(app("staff"), "claims"), 2)
    at.button(key="claims_contact").click().run()
    no_exception(at)
    assert status(2) == "contacted" and status(1) == "drawn"
    assert at.selectbox(key="claims_pick").value == f"{MONTH}|{TIER}|2"  # the choice did not move
    assert any("№ 2" in s.value and "Saved" in s.value for s in at.success), [s.value for s in at.success]
    # The table shows the chosen certificate selected, at its own row
    selected = at.session_state["claims_table"]["selection"]["rows"]
    assert table(at, "claims_table").iloc[selected[0]]["Certificate no."] == 2
    at.text_area(key="claims_forfeit_reason").input("refused to sign the act").run()
    assert at.selectbox(key="claims_pick").value == f"{MONTH}|{TIER}|2"
    at.button(key="claims_forfeit").click().run()
    no_exception(at)
    assert status(2) == "contacted"  # nothing stored before the confirmation
    # The dialog names whom it concerns: certificate, masked account, name
    winner = stores.store().current_winner(MONTH, TIER, 2)
    shown = " ".join(m.value for m in at.markdown)
    assert "№ 2" in shown and winner.client_name in shown
    from ui.widgets import mask_account

    assert mask_account(winner.account) in shown
    at.button(key="claims_forfeit_confirm").click().run()
    no_exception(at)
    assert status(2) == "forfeited"
    assert status(1) == "drawn" and all(status(c) == "drawn" for c in range(3, 16))
    assert not [b for b in at.button if b.key == "claims_forfeit_confirm"]  # the dialog closed
    assert at.selectbox(key="claims_pick").value == f"{MONTH}|{TIER}|2"


def test_cancelling_the_forfeit_dialog_changes_nothing(march_file):
    drawn_march(march_file)
    at = pick(open_page(app("staff"), "claims"), 3)
    at.text_area(key="claims_forfeit_reason").input("no ID document").run()
    at.button(key="claims_forfeit").click().run()
    assert any(b.key == "claims_forfeit_confirm" for b in at.button)
    at.button(key="claims_forfeit_cancel").click().run()
    no_exception(at)
    assert [status(c) for c in range(1, 16)] == ["drawn"] * 15
    assert not [b for b in at.button if b.key in ("claims_forfeit_confirm", "claims_forfeit_cancel")]
    at.run()  # and it does not come back by itself
    assert not [b for b in at.button if b.key == "claims_forfeit_confirm"]
    # What was typed for no. 3 does not follow the choice to another certificate
    assert at.text_area(key="claims_forfeit_reason").value == "no ID document"
    pick(at, 5)
    assert at.text_area(key="claims_forfeit_reason").value == ""
    assert at.button(key="claims_forfeit").disabled


def test_the_history_of_a_redrawn_certificate_shows_both_winners(march_file):
    drawn_march(march_file)
    old = stores.store().current_winner(MONTH, TIER, 4)
    claims.set_claim(MONTH, TIER, 4, "contacted", rehearsal=False)
    claims.set_claim(MONTH, TIER, 4, "forfeited", note="refused to sign the act", rehearsal=False)
    redraw(
        stores.store(), DrawOccasion(MONTH, dt.date.today(), "offline"), TIER, 4, reason="forfeited", entropy="7 7 7"
    )
    new = stores.store().current_winner(MONTH, TIER, 4)
    assert new.account != old.account
    at = pick(open_page(app("staff"), "claims"), 4)
    history = history_table(at)
    assert list(history["Account"]) == [old.account, old.account, old.account, old.account, new.account]
    assert list(history["What happened"]) == [
        ENTRIES["claims.event_drawn"][EN],
        ENTRIES["claims.event_contacted"][EN],
        ENTRIES["claims.event_forfeited"][EN],
        f"{ENTRIES['claims.event_replaced'][EN]} ({ENTRIES['status.forfeited'][EN]})",
        ENTRIES["claims.event_redrawn"][EN],
    ]
    assert "refused to sign the act" in list(history["Note"])
    # The table keeps the replaced winner visible beside the current one
    listed = table(at, "claims_table")
    tier = listed["Tier"].map(lambda v: int(re.sub(r"\D", "", str(v))))
    row = listed[(listed["Certificate no."] == 4) & (tier == TIER)].iloc[0]
    assert row["Account"] == new.account and ENTRIES["status.forfeited"][EN] in row["Earlier winners"]
    # In Russian too
    ru = pick(open_page(app("staff", lang="ru"), "claims"), 4)
    assert ENTRIES["claims.event_replaced"][RU] in " ".join(history_table(ru, RU)[ENTRIES["claims.step"][RU]])


def test_days_left_are_whole_days(march_file):
    drawn_march(march_file, draw_date=dt.date.today() - dt.timedelta(days=3))
    claims.set_claim(MONTH, TIER, 1, "contacted", rehearsal=False)
    claims.set_claim(MONTH, TIER, 1, "claimed", certificate_serial="CHOCO-1", rehearsal=False)
    at = open_page(app("staff"), "claims")
    listed = table(at, "claims_table")
    days = list(listed["Days left"])
    assert all(re.fullmatch(r"-?\d+|—", str(d)) for d in days), days
    handed = listed[listed["Certificate no."] == 1]
    assert "—" in list(handed["Days left"])  # no countdown once handed over
    expected = str((stores.store().current_winner(MONTH, TIER, 2).deadline - dt.date.today()).days)
    assert expected in days
    assert not any("None" in str(d) or "." in str(d) for d in days)
    caption = " ".join(c.value for c in at.caption)
    assert "None" not in caption and ".000" not in caption
    assert "(11 days left)" in caption  # drawn 3 days ago, a 14-day window
    ru = " ".join(c.value for c in open_page(app("staff", lang="ru"), "claims").caption)
    assert "осталось 11 дней" in ru, ru  # a number, so the plural form is chosen right
