"""Which of a file's months can be frozen and drawn: Table 2's, in calendar order (Rules.promotion_months).

The upload page offers exactly these months; rows of other months are read, and belong to no pool.
"""

from __future__ import annotations

import datetime as dt

from engine.preview import preview
from engine.rules import load_rules
from tests.sheets import rows_for, write_xlsx


def test_only_table_2_months_in_calendar_order():
    rules = load_rules()
    assert rules.promotion_months(["2021-12", "2021-04", "2021-02", "2021-03", "2020-03"]) == ["2021-03", "2021-04"]
    assert rules.promotion_months(["2021-11", "2021-10"]) == ["2021-10", "2021-11"]
    assert rules.promotion_months([rules.months[0], rules.months[-1]]) == [rules.months[0], rules.months[-1]]
    assert rules.promotion_months(["2022-03"]) == []


def test_a_file_with_rows_before_and_after_the_promotion(tmp_path):
    rows = [
        *rows_for(2, start=1, connected_on=dt.date(2021, 2, 20)),
        *rows_for(3, start=10, connected_on=dt.date(2021, 3, 5)),
        *rows_for(2, start=20, connected_on=dt.date(2021, 4, 7)),
        *rows_for(1, start=30, connected_on=dt.date(2021, 12, 1)),
    ]
    path = write_xlsx(tmp_path / "mixed.xlsx", rows)
    result = preview(path.read_bytes(), path.name, draw_date=dt.date(2021, 12, 20))
    assert result.months_in_file() == {"2021-02", "2021-03", "2021-04", "2021-12"}  # all read
    assert load_rules().promotion_months(result.months_in_file()) == ["2021-03", "2021-04"]
