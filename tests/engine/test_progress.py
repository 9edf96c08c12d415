"""engine.progress: the rules the pages display (issue 11), each pinned so that changing it fails here.

Each test names the page that used to compute the rule itself and now asks the engine.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from engine.progress import (
    HANDED_OVER,
    certificates_in_draw,
    draw_due_in,
    due_soon,
    freeze_method,
    month_complete,
    month_drawn,
    month_to_open,
    next_month_to_draw,
    next_tier_to_draw,
    progress,
    tier_position,
)
from engine.records import METHOD_OFFLINE, METHOD_RANDOM_ORG, WINNER_STATUSES, WinnerRecord
from engine.rules import COMMISSION_ROLES, load_rules

REPO = Path(__file__).resolve().parents[2]


def winner(
    month: str, den: int, cert: int, status: str, *, current: bool = True, deadline: dt.date | None = None, wid: int = 0
) -> WinnerRecord:
    return WinnerRecord(
        id=wid or cert,
        draw_id=1,
        month=month,
        denomination=den,
        certificate=cert,
        ordinal=cert,
        account=f"7172{cert:06d}",
        client_id=f"C{cert}",
        client_name=f"Client {cert}",
        status=status,
        status_changed_at=dt.datetime(2021, 4, 5, 10, 0),
        deadline=deadline or dt.date(2021, 4, 19),
        current=current,
    )


# ---- n = min(to_draw, N): pages/live_draw.py, ui/presentation.py, ui/widgets.py


@pytest.mark.parametrize(("to_draw", "pool", "n"), [(15, 7, 7), (15, 20, 15), (15, 15, 15), (3, 0, 0), (0, 9, 0)])
def test_a_tier_draws_what_it_owes_or_everyone_in_a_smaller_pool(to_draw, pool, n):
    assert certificates_in_draw(to_draw, pool) == n


# ---- "drawn once": pages/upload.py


def test_a_month_is_drawn_once_any_of_its_tiers_is():
    dens = (50000, 70000, 100000)
    assert month_drawn({("2021-03", 70000): 2}, "2021-03", dens)
    assert month_drawn({("2021-03", 50000): 0}, "2021-03", dens)  # drawn, though nobody won: still drawn
    assert not month_drawn({("2021-03", 70000): 2}, "2021-04", dens)
    assert not month_drawn({}, "2021-03", dens)
    assert month_drawn([("2021-04", 100000)], "2021-04", dens)


# ---- the next month and its draw month: ui/services.py, pages/live_draw.py, ui/presentation.py


def test_months_are_drawn_in_order_the_first_undrawn_is_next():
    months = ("2021-03", "2021-04", "2021-05")
    assert next_month_to_draw(months, []) == "2021-03"
    assert next_month_to_draw(months, ["2021-03"]) == "2021-04"
    assert next_month_to_draw(months, ["2021-03", "2021-05"]) == "2021-04"  # a gap is drawn first
    assert next_month_to_draw(months, months) is None


def test_a_months_tiers_are_offered_in_table_1_order_the_last_once_all_are_drawn():
    dens = (50000, 70000, 100000)
    assert next_tier_to_draw(dens, []) == 50000
    assert next_tier_to_draw(dens, [50000]) == 70000
    assert next_tier_to_draw(dens, [70000]) == 50000
    assert next_tier_to_draw(dens, dens) == 100000


def test_the_live_draw_opens_on_the_next_month_or_the_last_once_all_are_drawn():
    months = ("2021-03", "2021-04", "2021-05")
    assert month_to_open(months, []) == "2021-03"
    assert month_to_open(months, ["2021-03"]) == "2021-04"
    assert month_to_open(months, months) == "2021-05"
    assert month_to_open((), []) is None


def test_a_month_is_complete_once_every_tier_is_drawn_not_before():
    """pages/live_draw.py: the month's summary, the way to the documents."""
    dens = (50000, 70000, 100000)
    assert not month_complete(dens, [])
    assert not month_complete(dens, [50000, 70000])
    assert month_complete(dens, [100000, 50000, 70000])
    assert month_complete(dens, [50000, 70000, 100000, 30000])  # a tier not in Table 1 changes nothing


def test_a_pool_is_frozen_for_randomorg_when_set_up_offline_only_where_it_is_not():
    """pages/live_draw.py: integrity rule 4, offline is never chosen while RANDOM.ORG is there."""
    assert freeze_method(True) == METHOD_RANDOM_ORG
    assert freeze_method(False) == METHOD_OFFLINE


def test_a_months_draw_is_due_in_the_month_after():
    assert draw_due_in("2021-03") == "2021-04"
    assert draw_due_in("2021-12") == "2022-01"


# ---- the status at a glance: ui/services.py status()


def test_face_value_handed_over_counts_claimed_certificates_only():
    rules = load_rules()
    den = rules.denominations[0]
    winners = [
        winner("2021-03", den, 1, "claimed"),
        winner("2021-03", den, 2, "contacted"),
        winner("2021-03", den, 3, "drawn"),
    ]
    p = progress(rules, ["2021-03"], winners)
    assert p.face_value_handed_over == den  # three winners, one claimed: one face value
    assert p.certificates_drawn == 3
    assert HANDED_OVER == "claimed" and HANDED_OVER in WINNER_STATUSES


def test_status_counts_current_winners_once_and_lists_open_claims_by_deadline():
    rules = load_rules()
    den = rules.denominations[-1]
    winners = [
        winner("2021-03", den, 1, "unclaimed", current=False, wid=10),  # replaced by the re-draw below
        winner("2021-03", den, 1, "claimed", wid=11),
        winner("2021-03", den, 2, "contacted", deadline=dt.date(2021, 4, 30), wid=12),
        winner("2021-03", den, 3, "drawn", deadline=dt.date(2021, 4, 19), wid=13),
        winner("2021-03", den, 4, "forfeited", wid=14),
    ]
    p = progress(rules, ["2021-03"], winners)
    assert p.certificates_drawn == 4
    assert p.face_value_handed_over == den
    assert [w.id for w in p.open_claims] == [13, 12]
    assert p.drawn_months == ("2021-03",)
    assert p.next_month == rules.months[1] and p.draw_due_in == draw_due_in(rules.months[1])


def test_status_once_every_month_is_drawn():
    rules = load_rules()
    p = progress(rules, rules.months, [])
    assert p.next_month is None and p.draw_due_in is None
    assert p.certificates_drawn == 0 and p.face_value_handed_over == 0 and p.open_claims == ()


# ---- the claims page's "due soon" flag: pages/claims.py


def test_an_open_claim_is_due_soon_from_three_days_before_its_deadline_to_the_day_itself():
    from engine.claims import claim_view

    deadline = dt.date(2021, 4, 19)
    open_one = winner("2021-03", 50000, 1, "contacted", deadline=deadline)
    assert [due_soon(claim_view(open_one, deadline - dt.timedelta(days=d))) for d in (4, 3, 0, -1)] == [
        False,
        True,
        True,
        False,
    ]
    assert due_soon(claim_view(winner("2021-03", 50000, 2, "drawn", deadline=deadline), deadline))
    assert not due_soon(claim_view(winner("2021-03", 50000, 3, "claimed", deadline=deadline), deadline))


# ---- tier colours by place in Table 1: ui/charts.py, ui/presentation.py


def test_tier_position_is_the_place_in_table_1_not_the_face_value():
    assert [tier_position((100000, 50000, 70000), d) for d in (50000, 70000, 100000)] == [0, 1, 2]
    assert [tier_position((30000, 45000, 60000, 90000), d) for d in (30000, 45000, 60000, 90000)] == [0, 1, 2, 3]
    assert tier_position((50000, 70000), 12345) == 0


def test_changed_face_values_still_give_every_tier_its_own_colour():
    """Run in a fresh interpreter: ui.charts and ui.presentation colour four new tiers apart."""
    code = textwrap.dedent("""
        from ui.charts import tier_colours
        from ui.presentation import tier_colour
        dens = (30000, 45000, 60000, 90000)
        chart = tier_colours(dens)
        assert sorted(chart) == list(dens), chart
        assert len(set(chart.values())) == 4, chart
        cards = [tier_colour(d, dens) for d in dens]
        assert len(set(cards)) == 4, cards
    """)
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]


# ---- commission roles: pages/settings.py and engine/cli_draw.py


def test_commission_roles_are_one_list_used_by_the_command_line(tmp_path):
    from engine.cli_draw import InputError, load_commission

    assert COMMISSION_ROLES == ("chair", "secretary", "member")
    lines = []
    for role in COMMISSION_ROLES:
        lines += ["[[members]]", f'role = "{role}"', f'name = "{role} name"']
    path = tmp_path / "commission.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _, _, members = load_commission(str(path))
    assert tuple(m.role for m in members) == COMMISSION_ROLES
    path.write_text('[[members]]\nrole = "treasurer"\nname = "X"\n', encoding="utf-8")
    with pytest.raises(InputError, match="use chair, secretary, member"):
        load_commission(str(path))
