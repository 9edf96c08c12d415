"""The upload page says what the engine's ledger says: no "Drawn" figures before a draw, an empty
tier that carries certificates in is flagged, "Freeze" cannot be pressed twice and answers beside
itself, and the file read stays when staff visit another page and come back.

Real engine, a real SQLite file in a fresh data folder.
"""

from __future__ import annotations

import datetime as dt

from tests.app.test_claims_page import drawn_march
from tests.app.test_pages import XLSX, app, data_dir, march_file, no_exception, open_page, upload  # noqa: F401
from tests.sheets import rows_for, write_xlsx
from ui import uploads
from ui.catalog import ENTRIES

EN, RU = 2, 1


def block_holding(block, key: str):
    """The innermost block whose own children include the widget `key`."""
    for child in block.children.values():
        if getattr(child, "key", None) == key:
            return block
        if hasattr(child, "children"):
            found = block_holding(child, key)
            if found is not None:
                return found
    return None


def tiers(at):
    return at.dataframe[0].value


def test_no_drawn_column_before_a_draw_and_the_stored_figures_after(march_file):
    at = upload(app("staff"), march_file)
    columns = list(tiers(at).columns)
    assert ENTRIES["col.drawn"][EN] not in columns, columns
    assert ENTRIES["col.carry_out_expected"][EN] in columns  # before a draw, carry-over is an expectation
    drawn_march(march_file)
    at = upload(app("staff"), march_file)
    table = tiers(at)
    assert list(table[ENTRIES["col.drawn"][EN]]) == ["15", "8", "1"]  # what the store holds, not the quota
    assert list(table[ENTRIES["col.carry_out"][EN]]) == [0, 0, 1]


def test_freeze_is_disabled_once_frozen_and_confirms_beside_the_button(march_file):
    at = upload(app("staff"), march_file)
    assert not at.button(key="freeze").disabled
    at.button(key="freeze").click().run()
    no_exception(at)
    assert at.button(key="freeze").disabled
    assert any("Frozen for" in s.value for s in at.success)
    # The confirmation is in the same row as the button: not at the page's bottom
    row = block_holding(at.main, "freeze")
    assert row is not at.main and [n.type for n in row.children.values()] == ["button", "success"]
    assert len(uploads.stored_imports("2021-03")) == 1
    at.run()  # another run: still disabled, still says the file is frozen
    assert at.button(key="freeze").disabled
    assert any("already stored" in s.value for s in at.success), [s.value for s in at.success]
    assert len(uploads.stored_imports("2021-03")) == 1


def test_an_empty_tier_with_certificates_carried_in_is_flagged(tmp_path):
    # April: nobody in the 100 000 tier, while March's undrawn 100 000 certificates carry in
    april = write_xlsx(
        tmp_path / "participants-2021-04.xlsx",
        rows_for(20, connected_on=dt.date(2021, 4, 6))
        + rows_for(5, start=300, monthly_fee=20000, connected_on=dt.date(2021, 4, 7)),
    )
    at = upload(app("staff"), april)
    tier = uploads.run_preview(april.read_bytes(), april.name, draw_date=dt.date.today()).tier("2021-04", 100000)
    assert tier.eligible == 0 and tier.carried_in > 0
    flagged = [w.value for w in at.warning if "100" in w.value and str(tier.carried_in) in w.value]
    assert flagged and "no participant this month" in flagged[0], [w.value for w in at.warning]
    ru = upload(app("staff", lang="ru"), april)
    assert any("нет участников" in w.value for w in ru.warning)


def test_the_file_stays_after_visiting_another_page(march_file):
    at = upload(app("staff"), march_file)
    rows = {m.label: m.value for m in at.metric}
    open_page(at, "home")
    open_page(at, "upload")
    assert {m.label: m.value for m in at.metric} == rows  # the same file, read again from the session
    assert any(march_file.name in i.value for i in at.info)
    at.button(key="upload_forget").click().run()
    no_exception(at)
    assert not at.metric  # forgotten on request
