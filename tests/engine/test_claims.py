"""Claims (engine.claims): clause 12's window, the status transitions, the re-draws they lead to,
and which rehearsal run a claim goes to (engine.rehearsals), with a real SQLite file."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.claims import ClaimRefused, claim_view, claims, set_claim
from engine.draw import DrawOccasion, draw_month, record_redraw_commission, redraw
from engine.records import CommissionMember, WinnerRecord
from engine.rehearsals import current_run, run_for_tier
from engine.store import DrawRefused
from engine.verify import verify
from tests.engine.test_draw import DRAW_DATE, march, store  # noqa: F401 - fixtures


def test_claim_deadlines_follow_the_rules_file(tmp_path, store):
    pv = march(tmp_path, store, counts={50000: 16, 70000: 0, 100000: 0})
    draw_month(store, pv, DrawOccasion("2021-03", DRAW_DATE, "offline"), entropy="dice 6 6 1")
    views = claims(store, "2021-03", today=dt.date(2021, 4, 10))
    assert {v.deadline for v in views} == {dt.date(2021, 4, 19)} and {v.days_left for v in views} == {9}
    set_claim(store, "2021-03", 50000, 2, "contacted", today=dt.date(2021, 4, 19))
    set_claim(store, "2021-03", 50000, 2, "claimed", certificate_serial="CH-0001", today=dt.date(2021, 4, 25))
    with pytest.raises(ClaimRefused, match="passed without contact"):
        set_claim(store, "2021-03", 50000, 3, "contacted", today=dt.date(2021, 4, 20))
    with pytest.raises(DrawRefused, match="deadline"):
        redraw(
            store, DrawOccasion("2021-03", dt.date(2021, 4, 19), "offline"), 50000, 1, reason="unclaimed", entropy="x"
        )
    late = {v.winner.certificate: v for v in claims(store, "2021-03", today=dt.date(2021, 4, 20))}
    assert late[1].status == "unclaimed" and late[1].days_left == -1 and late[2].status == "claimed"
    d = redraw(
        store, DrawOccasion("2021-03", dt.date(2021, 4, 20), "offline"), 50000, 1, reason="unclaimed", entropy="x"
    )
    assert d.winners[0].deadline == dt.date(2021, 5, 4)
    old = [w for w in store.winners("2021-03") if w.certificate == 1 and w.denomination == 50000 and not w.current]
    assert old and old[0].status == "unclaimed"
    assert [e.payload["to"] for e in store.audit() if e.action == "claim"] == ["contacted", "claimed"]
    assert all(f.ok for f in verify(store))


def test_claim_window_boundaries_live_in_one_place():
    """Clause 12: the deadline day itself is still in the window; the day after, an uncontacted
    winner is unclaimed and late; a contacted one past the deadline is late; a closed claim never is."""
    deadline = dt.date(2021, 4, 19)

    def view(status, today):
        w = WinnerRecord(
            id=1,
            draw_id=1,
            month="2021-03",
            denomination=50000,
            certificate=1,
            ordinal=1,
            account="1",
            client_id="1",
            client_name="",
            status=status,
            status_changed_at=dt.datetime(2021, 4, 5, tzinfo=dt.UTC),
            deadline=deadline,
        )
        return claim_view(w, today)

    on_the_day = view("drawn", deadline)
    assert (on_the_day.status, on_the_day.days_left, on_the_day.late, on_the_day.is_open) == ("drawn", 0, False, True)
    after = view("drawn", deadline + dt.timedelta(days=1))
    assert (after.status, after.days_left, after.late, after.reason) == ("unclaimed", -1, True, "unclaimed")
    assert view("contacted", deadline + dt.timedelta(days=1)).late
    assert not view("claimed", deadline + dt.timedelta(days=30)).late
    assert view("forfeited", deadline).reason == "forfeited"


def test_which_rehearsal_run_a_request_means(tmp_path, store):
    """Official: no run. Rehearsal: the month's latest run; a tier's draw joins it unless that run
    already drew the tier, then a new run starts; a claim or re-draw goes to the latest run."""
    assert current_run(store, "2021-03", rehearsal=False) is None
    assert current_run(store, "2021-03", rehearsal=True) is None  # nothing rehearsed yet
    pv = march(tmp_path, store, counts={50000: 16, 70000: 0, 100000: 0})
    first = draw_month(store, pv, DrawOccasion("2021-03", DRAW_DATE, "offline", rehearsal=True), entropy="1")
    assert current_run(store, "2021-03", rehearsal=True) == 1
    assert run_for_tier(store, "2021-03", 50000, None) == 2  # run 1 drew 50000: a new run
    assert run_for_tier(store, "2021-03", 70000, None) == 2  # run 2 has not drawn 70000 yet
    assert run_for_tier(store, "2021-03", 70000, 1) == 1  # a run named is the run used
    assert current_run(store, "2021-03", rehearsal=True) == 2
    assert current_run(store, "2021-04", rehearsal=True) is None  # per month
    assert current_run(store, "2021-03", rehearsal=False) is None
    # a claim of a rehearsal goes to the latest run: run 2 drew nothing, so certificate 1 is not found there
    with pytest.raises(Exception, match="no certificate 1"):
        set_claim(store, "2021-03", 50000, 1, "contacted", today=DRAW_DATE, rehearsal=True)
    second = draw_month(store, pv, DrawOccasion("2021-03", DRAW_DATE, "offline", rehearsal=True), entropy="2")
    assert current_run(store, "2021-03", rehearsal=True) == 3
    w = set_claim(store, "2021-03", 50000, 1, "contacted", today=DRAW_DATE, rehearsal=True)
    assert w.draw_id == second.tier_draw(50000).id != first.tier_draw(50000).id


def test_the_commission_present_at_a_redraw_reaches_the_month_record(tmp_path, store):
    """Integrity rule 3: a re-draw is the commission's act. Who was present is recorded in the audit
    chain and comes back in the month's record (which the protocol prints) for completed re-draws
    only, of the same month and slot."""
    pv = march(tmp_path, store, counts={50000: 16, 70000: 0, 100000: 0})
    draw_month(store, pv, DrawOccasion("2021-03", DRAW_DATE, "offline"), entropy="dice 6 6 1")
    chair = CommissionMember("chair", "Айгүл Сейітова", "Директор")
    member = CommissionMember("member", "Ivan Petrov", "Юрист")
    later = dt.date(2021, 4, 20)
    record_redraw_commission(
        store, "2021-03", 50000, 1, [chair, member], draw_date=later, place="Астана", rehearsal=False
    )
    # presence recorded for certificate 2, whose re-draw never happens: not printed as a re-draw's
    record_redraw_commission(store, "2021-03", 50000, 2, [member], draw_date=later, place="Астана", rehearsal=False)
    # a rehearsal's presence never shows in the official record
    record_redraw_commission(store, "2021-03", 50000, 1, [member], draw_date=later, place="X", rehearsal=True)
    assert store.month_record("2021-03").redraw_commissions == ()  # nothing re-drawn yet
    redraw(store, DrawOccasion("2021-03", later, "offline"), 50000, 1, reason="unclaimed", entropy="x")
    (present,) = store.month_record("2021-03").redraw_commissions
    assert (present.denomination, present.certificate, present.draw_date, present.place) == (50000, 1, later, "Астана")
    assert present.members == (chair, member)
    assert all(f.ok for f in verify(store))
