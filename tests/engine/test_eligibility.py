"""Every exclusion reason of RULES.md, its boundary and its order."""

import datetime as dt

import pytest

from engine.preview import preview
from engine.records import History
from tests.sheets import Row, valid_id, write_xlsx

DRAW = dt.date(2021, 4, 10)


def run(tmp_path, rows, **kw):
    kw.setdefault("draw_date", DRAW)
    return preview(write_xlsx(tmp_path / "m.xlsx", rows), **kw)


def placed(result):
    """row -> "eligible" / exclusion reason / "error"."""
    out = {p.row: "eligible" for p in result.eligible}
    out.update({e.row: e.reason for e in result.excluded})
    out.update({e.row: "error" for e in result.errors})
    return out


@pytest.mark.parametrize(
    "fee, expected",
    [
        (5998.99, "fee_below_minimum"),
        ("5 998,50", "fee_below_minimum"),
        (5999, 50000),
        (14999, 50000),
        (15000, 70000),
        (29999, 70000),
        (30000, 100000),
    ],
)
def test_fee_boundaries(tmp_path, fee, expected):
    result = run(tmp_path, [Row(monthly_fee=fee)])
    got = result.eligible[0].denomination if result.eligible else result.excluded[0].reason
    assert got == expected


@pytest.mark.parametrize(
    "kind, expected", [("ЖК", "IE"), ("ип", "IE"), ("IE", "IE"), ("ЖШС", "LLP"), ("тоо", "LLP"), ("Llp", "LLP")]
)
def test_client_types(tmp_path, kind, expected):
    assert run(tmp_path, [Row(client_type=kind)]).eligible[0].client_type == expected


@pytest.mark.parametrize("kind", ["АҚ", "АО", "ГУ", "физлицо"])
def test_other_client_types_are_excluded(tmp_path, kind):
    assert placed(run(tmp_path, [Row(client_type=kind)])) == {2: "client_type"}


@pytest.mark.parametrize(
    "day, expected",
    [
        (dt.date(2021, 2, 28), "outside_period"),
        (dt.date(2021, 3, 1), "eligible"),
        (dt.date(2021, 11, 30), "eligible"),
        (dt.date(2021, 12, 1), "outside_period"),
    ],
)
def test_connection_window(tmp_path, day, expected):
    assert placed(run(tmp_path, [Row(connected_on=day)], draw_date=dt.date(2021, 12, 10)))[2] == expected


# The newness look-back: previous service ending on or after connected_on minus
# 3 calendar months (IE on a "ЖК" bundle) or 1 month (everyone else) excludes.
@pytest.mark.parametrize(
    "kind, plan, previous, expected",
    [
        ("ЖК", "ЖК Бизнес", dt.date(2021, 1, 15), "not_new_client"),  # exactly 3 months before 2021-04-15
        ("ЖК", "ЖК Бизнес", dt.date(2021, 1, 14), "eligible"),
        ("ИП", "ИП Старт", dt.date(2021, 1, 15), "not_new_client"),
        ("ЖК", "Базалық", dt.date(2021, 3, 15), "not_new_client"),  # basic plan: 1 month
        ("ЖК", "Базалық", dt.date(2021, 3, 14), "eligible"),
        ("ЖК", "Базалық", dt.date(2021, 1, 15), "eligible"),
        ("ЖШС", "ЖК Бизнес", dt.date(2021, 3, 15), "not_new_client"),  # an LLP is never "IE on the bundle"
        ("ЖШС", "ЖК Бизнес", dt.date(2021, 2, 15), "eligible"),
        ("ЖК", "Premier", dt.date(2021, 2, 15), "eligible"),
    ],  # "Premier" does not contain the word IE
)
def test_newness_lookback_at_exact_dates(tmp_path, kind, plan, previous, expected):
    row = Row(client_type=kind, plan=plan, connected_on=dt.date(2021, 4, 15), previous_service_until=previous)
    assert placed(run(tmp_path, [row], draw_date=dt.date(2021, 5, 10)))[2] == expected


def test_lookback_clamps_to_month_end(tmp_path):
    # 31 May minus 3 months is 28 Feb (2021 is not a leap year).
    rows = [
        Row(plan="ЖК", connected_on=dt.date(2021, 5, 31), previous_service_until=dt.date(2021, 2, 28)),
        Row(
            account="100000002",
            plan="ЖК",
            connected_on=dt.date(2021, 5, 31),
            previous_service_until=dt.date(2021, 2, 27),
        ),
    ]
    assert placed(run(tmp_path, rows, draw_date=dt.date(2021, 6, 10))) == {2: "not_new_client", 3: "eligible"}


def test_new_client_flag(tmp_path):
    rows = [Row(new_client="жоқ"), Row(account="100000002", new_client="иә")]
    assert placed(run(tmp_path, rows)) == {2: "not_new_client", 3: "eligible"}


@pytest.mark.parametrize(
    "off, expected",
    [(dt.date(2021, 4, 9), "disconnected"), (dt.date(2021, 4, 10), "disconnected"), (dt.date(2021, 4, 11), "eligible")],
)
def test_disconnection_on_or_before_the_draw_day(tmp_path, off, expected):
    assert placed(run(tmp_path, [Row(disconnected_on=off)]))[2] == expected


def test_merged_accounts(tmp_path):
    assert placed(run(tmp_path, [Row(merged_accounts="да")])) == {2: "merged_accounts"}


def test_first_reason_wins(tmp_path):
    row = Row(client_type="АО", monthly_fee=100, merged_accounts="иә", connected_on=dt.date(2020, 1, 1))
    assert placed(run(tmp_path, [row])) == {2: "client_type"}
    row = Row(monthly_fee=100, merged_accounts="иә", new_client="жоқ")
    assert placed(run(tmp_path, [row])) == {2: "fee_below_minimum"}


def test_duplicate_account_first_row_stays(tmp_path):
    a, b = valid_id(1), valid_id(2)
    rows = [Row(account="777", client_id=a, monthly_fee=7000), Row(account="777", client_id=b, monthly_fee=40000)]
    assert placed(run(tmp_path, rows)) == {2: "eligible", 3: "duplicate_account"}


def test_duplicate_account_only_among_rows_passing_earlier_rules(tmp_path):
    rows = [Row(account="777", monthly_fee=100), Row(account="777", monthly_fee=7000)]
    assert placed(run(tmp_path, rows)) == {2: "fee_below_minimum", 3: "eligible"}


def test_duplicate_account_is_per_month(tmp_path):
    rows = [
        Row(account="777", client_id=valid_id(1)),
        Row(account="777", client_id=valid_id(2), connected_on=dt.date(2021, 4, 2)),
    ]
    assert placed(run(tmp_path, rows, draw_date=dt.date(2021, 5, 5))) == {2: "eligible", 3: "eligible"}


def test_duplicate_client_highest_fee_stays_ties_earliest(tmp_path):
    c = valid_id(5)
    rows = [
        Row(account="1", client_id=c, monthly_fee=7000),
        Row(account="2", client_id=c, monthly_fee=20000),
        Row(account="3", client_id=c, monthly_fee=20000),
    ]
    result = run(tmp_path, rows)
    assert placed(result) == {2: "duplicate_client", 3: "eligible", 4: "duplicate_client"}
    assert result.eligible[0].denomination == 70000


def test_already_participated_in_an_earlier_month_of_the_file(tmp_path):
    c = valid_id(5)
    rows = [Row(account="2", client_id=c, connected_on=dt.date(2021, 4, 3)), Row(account="1", client_id=c)]
    assert placed(run(tmp_path, rows, draw_date=dt.date(2021, 5, 1))) == {2: "already_participated", 3: "eligible"}


def test_excluded_earlier_does_not_block_a_later_month(tmp_path):
    c = valid_id(5)
    rows = [
        Row(account="1", client_id=c, monthly_fee=100),
        Row(account="2", client_id=c, connected_on=dt.date(2021, 4, 3)),
    ]
    assert placed(run(tmp_path, rows, draw_date=dt.date(2021, 5, 1))) == {2: "fee_below_minimum", 3: "eligible"}


def test_already_participated_in_a_stored_month(tmp_path):
    c = valid_id(5)
    rows = [Row(account="2", client_id=c, connected_on=dt.date(2021, 4, 3))]
    history = History(participated={c: "2021-03"})
    assert placed(run(tmp_path, rows, draw_date=dt.date(2021, 5, 1), history=history)) == {2: "already_participated"}
    # The same month already stored is no reason (a re-import of that month).
    history = History(participated={c: "2021-04"})
    assert placed(run(tmp_path, rows, draw_date=dt.date(2021, 5, 1), history=history)) == {2: "eligible"}


def test_other_month(tmp_path):
    rows = [Row(account="1"), Row(account="2", connected_on=dt.date(2021, 4, 3)), Row(account="3", monthly_fee="x")]
    result = run(tmp_path, rows, month="2021-04", draw_date=dt.date(2021, 5, 1))
    assert placed(result) == {2: "other_month", 3: "eligible", 4: "error"}
    assert [m.month for m in result.months] == ["2021-04"]
    # March's eligible row still counts for March's carry-over into April.
    assert result.tier("2021-04", 50000).carried_in == 14


def test_every_row_accounted_for(tmp_path):
    rows = [Row(account=str(i), monthly_fee=fee) for i, fee in enumerate([100, 7000, "x", 20000, 50000], start=1)]
    rows.insert(2, None)
    result = run(tmp_path, rows)
    r = result.rows
    assert (r.data, r.blank, r.eligible, r.excluded, r.errors) == (5, 1, 3, 1, 1)


def test_months_in_file_from_columns(tmp_path):
    rows = [
        Row(),
        Row(account="100000002", connected_on=dt.date(2021, 4, 2)),
        Row(account="100000003", monthly_fee=100, connected_on=dt.date(2021, 12, 2)),
        Row(account="100000004", monthly_fee="abc", connected_on=dt.date(2021, 6, 1)),
    ]
    result = run(tmp_path, rows, draw_date=dt.date(2021, 12, 20))
    expected = {p.month for p in result.eligible} | {e.month for e in result.excluded if e.month}
    assert result.months_in_file() == expected == {"2021-03", "2021-04", "2021-12"}
