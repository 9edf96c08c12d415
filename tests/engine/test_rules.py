"""The rules file: Tables 1 and 2, half-open tiers, checks on load, the clause 7 notice."""

import datetime as dt
import tomllib
from decimal import Decimal

import pytest

from engine.rules import DEFAULT_RULES_PATH, RulesError, add_months, load_rules, parse_rules


@pytest.fixture()
def data():
    with open(DEFAULT_RULES_PATH, "rb") as fh:
        return tomllib.load(fh)


def test_tables_as_in_rules_md():
    rules = load_rules()
    assert rules.months == tuple(f"2021-{m:02d}" for m in range(3, 12))
    for month in rules.months:
        assert [rules.quota(month, d) for d in (50000, 70000, 100000)] == [15, 8, 2]
    assert [t.total for t in rules.tiers] == [135, 72, 18]
    assert rules.total_certificates == 225
    assert rules.total_face_value == 13_590_000
    assert rules.claim_window_days == 14
    assert rules.first_connection == dt.date(2021, 3, 1) and rules.last_connection == dt.date(2021, 11, 30)


@pytest.mark.parametrize(
    "fee, denomination",
    [
        ("5998.99", None),
        ("5998.50", None),
        ("5999", 50000),
        ("14999", 50000),
        ("14999.99", 50000),
        ("15000", 70000),
        ("29999", 70000),
        ("30000", 100000),
        ("1000000", 100000),
    ],
)
def test_half_open_tiers(fee, denomination):
    tier = load_rules().tier_for(Decimal(fee))
    assert (tier.denomination if tier else None) == denomination


def test_clause7_discrepancy_is_a_notice():
    notices = load_rules().notices
    assert [n.code for n in notices] == ["clause7_total_mismatch"]
    assert "255" in notices[0].text and "225" in notices[0].text


def test_table2_must_add_up_to_table1(data):
    data["quotas"]["2021-05"]["50000"] = 16
    with pytest.raises(RulesError, match="Table 2 gives 136"):
        parse_rules(data)


def test_tiers_without_gap(data):
    data["tiers"][1]["min_fee"] = 15001
    with pytest.raises(RulesError, match="gap or overlap"):
        parse_rules(data)


def test_missing_entry_is_a_clear_error(data):
    del data["claims"]
    with pytest.raises(RulesError, match="missing or invalid"):
        parse_rules(data)


def test_rules_file_can_be_replaced(tmp_path, data, monkeypatch):
    text = DEFAULT_RULES_PATH.read_text(encoding="utf-8").replace("window_days = 14", "window_days = 21")
    path = tmp_path / "rules.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("PROMOTION_RULES", str(path))
    assert load_rules().claim_window_days == 21


@pytest.mark.parametrize(
    "day, months, expected",
    [
        (dt.date(2021, 5, 31), -3, dt.date(2021, 2, 28)),
        (dt.date(2021, 3, 31), -1, dt.date(2021, 2, 28)),
        (dt.date(2021, 3, 5), -3, dt.date(2020, 12, 5)),
        (dt.date(2021, 1, 15), 1, dt.date(2021, 2, 15)),
    ],
)
def test_calendar_months(day, months, expected):
    assert add_months(day, months) == expected
