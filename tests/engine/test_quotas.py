"""The quota ledger and its carry-over chain (clause 9)."""

from engine.quotas import TierLedger, ledger, unplayed
from engine.rules import load_rules


def test_carry_over_chain_across_months():
    rules = load_rules()
    eligible = {
        ("2021-03", 100000): 1,
        ("2021-04", 100000): 0,
        ("2021-05", 100000): 10,
        ("2021-03", 50000): 40,
        ("2021-04", 50000): 3,
    }
    months = ledger(rules, eligible, "2021-05")
    t = {(m.month, x.denomination): x for m in months for x in m.tiers}
    assert (t["2021-03", 100000].to_draw, t["2021-03", 100000].carry_out) == (2, 1)
    assert (t["2021-04", 100000].carried_in, t["2021-04", 100000].to_draw, t["2021-04", 100000].carry_out) == (1, 3, 3)
    assert (t["2021-05", 100000].carried_in, t["2021-05", 100000].to_draw, t["2021-05", 100000].carry_out) == (3, 5, 0)
    assert (t["2021-04", 50000].to_draw, t["2021-04", 50000].drawn, t["2021-04", 50000].carry_out) == (15, 3, 12)
    assert t["2021-05", 50000].carried_in == 12
    assert [m.month for m in months] == ["2021-03", "2021-04", "2021-05"]


def test_stored_draws_override_the_file():
    rules = load_rules()
    months = ledger(rules, {("2021-03", 70000): 100}, "2021-04", drawn={("2021-03", 70000): 5})
    assert months[0].tier(70000).carry_out == 3 and months[1].tier(70000).carried_in == 3


def test_unplayed_after_the_last_month():
    rules = load_rules()
    months = ledger(rules, {}, "2021-11")
    assert unplayed(rules, months) == {50000: 135, 70000: 72, 100000: 18}
    assert unplayed(rules, ledger(rules, {}, "2021-05")) == {}


def test_carry_out_of_the_last_month_is_unplayed_not_carried():
    from engine.quotas import split_carry_out

    rules = load_rules()
    assert split_carry_out(rules, "2021-10", 3) == (3, 0)
    assert split_carry_out(rules, "2021-11", 3) == (0, 3)


def test_a_tier_with_carried_certificates_and_nobody_eligible_is_flagged():
    def tier(eligible, carried_in):
        return TierLedger(100000, eligible, 2, carried_in, 2 + carried_in, 0)

    assert tier(0, 1).carried_into_empty_pool
    assert not tier(1, 1).carried_into_empty_pool  # someone to draw
    assert not tier(0, 0).carried_into_empty_pool  # nothing was carried in
