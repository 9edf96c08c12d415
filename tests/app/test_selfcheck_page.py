"""The documents page offers the entrants' self-check (selfcheck-YYYY-MM.json and .html) beside the
publication list, for an official drawn month only; one click makes the very files
`python -m reports selfcheck` writes. Real engine, a real SQLite file in a fresh data folder.
"""

from __future__ import annotations

import datetime as dt
import json

from tests.app.test_claims_page import drawn_march
from tests.app.test_documents_page import deferred  # noqa: F401 - fixture
from tests.app.test_pages import app, data_dir, march_file, no_exception, open_page  # noqa: F401 - fixtures
from ui import drawing, stores
from ui.catalog import ENTRIES

EN, RU = 2, 1


def _keys(at) -> list[str]:
    return [b.key for b in at.get("download_button") if b.key and b.key.startswith("docs_dl_")]


def test_an_official_month_offers_both_files_beside_the_publication_list(march_file, deferred):  # noqa: F811
    from reports.selfcheck import selfcheck_files

    drawn_march(march_file)
    at = open_page(app("staff"), "documents")
    keys = _keys(at)
    at_list = keys.index("docs_dl_publish_html")
    assert keys[at_list + 1 : at_list + 3] == ["docs_dl_selfcheck_json", "docs_dl_selfcheck_html"], keys
    labels = {b.key: b.label for b in at.get("download_button")}
    assert labels["docs_dl_selfcheck_html"] == ENTRIES["docs.selfcheck_html"][EN]
    expected = selfcheck_files(stores.store().month_record("2021-03"))
    data = deferred["selfcheck-2021-03.json"]()
    assert data == expected["selfcheck-2021-03.json"]
    assert json.loads(data)["month"] == "2021-03"
    assert deferred["selfcheck-2021-03.html"]() == expected["selfcheck-2021-03.html"]


def test_the_words_are_in_the_users_language(march_file):
    drawn_march(march_file)
    at = open_page(app("staff", lang="ru"), "documents")
    no_exception(at)
    labels = {b.key: b.label for b in at.get("download_button")}
    assert labels["docs_dl_selfcheck_json"] == ENTRIES["docs.selfcheck_json"][RU]
    captions = " ".join(c.value for c in at.caption)
    assert ENTRIES["docs.help_selfcheck_html"][RU] in captions


def test_a_rehearsal_offers_no_self_check(march_file):
    from engine.draw import DrawOccasion, draw_month
    from engine.preview import preview

    day = dt.date.today()
    result = preview(march_file, march_file.name, draw_date=day, history=stores.store().history())
    drawing.start_rehearsal("2021-03")
    draw_month(
        stores.store(), result, DrawOccasion("2021-03", day, "offline", rehearsal=True, place="Astana"), entropy="4 4 1"
    )
    at = open_page(app("staff", rehearsal=True), "documents")
    keys = _keys(at)
    assert "docs_dl_publish_html" in keys and "docs_dl_protocol" in keys  # the rehearsal's documents are there
    assert not [k for k in keys if "selfcheck" in k], keys
