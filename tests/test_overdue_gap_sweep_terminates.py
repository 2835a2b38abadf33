"""A tolerated gap past its deadline ends the case (终止) through the sweep, and a
second sweep changes nothing."""

import datetime as dt

from tests.support import STAFF, open_complete, stored
from workflows import cases
from workflows.queries import events_of
from workflows.sweep import sweep_overdue_gaps

FREIGHT = "road-freight-licence"
ACCEPTED = dt.date(2026, 11, 25)  # Wednesday; safety_rules is due 3 working days later, Monday 11-30
DUE = dt.date(2026, 11, 30)


def tolerated(session, office, clock):
    clock.set_local(ACCEPTED)
    case = open_complete(session, office, FREIGHT, missing=("safety_rules",))
    cases.accept_with_tolerance(session=session, office=office, case=case, clerk=STAFF.clerk, pledge_signed=True)
    assert case.gap_due == DUE
    return case


def test_nothing_is_terminated_on_the_due_day_itself(session, office, clock, engine):
    case = tolerated(session, office, clock)
    clock.set_local(DUE, hour=17)
    before = stored(engine, case.id)

    report = sweep_overdue_gaps(session=session, office=office)

    assert report.terminated == []
    assert stored(engine, case.id) == before


def test_an_overdue_gap_terminates_the_case_once(session, office, clock, engine):
    case = tolerated(session, office, clock)
    clock.set_local(DUE + dt.timedelta(days=1))

    first = sweep_overdue_gaps(session=session, office=office)

    assert first.terminated == [case.receipt_no]
    after = stored(engine, case.id)
    assert (after.state, after.outcome) == ("terminated", "terminated")
    last = events_of(session, case.id)[-1]
    assert (last.action, last.actor, last.from_state) == ("terminate", "system", "step_review")
    assert "安全生产管理制度" in last.payload["reason"] and "2026-11-30" in last.payload["reason"]

    clock.advance(days=3)
    second = sweep_overdue_gaps(session=session, office=office)

    assert second.terminated == [] and second.skipped == []
    assert stored(engine, case.id) == after


def test_a_supplied_gap_is_never_swept(session, office, clock, engine):
    case = tolerated(session, office, clock)
    cases.record_supplement(session=session, office=office, case=case, clerk=STAFF.clerk,
                            material_id="safety_rules", channel="post")
    clock.set_local(DUE + dt.timedelta(days=10))
    before = stored(engine, case.id)

    assert sweep_overdue_gaps(session=session, office=office).terminated == []
    assert stored(engine, case.id) == before and before.state == "step_review"


def test_only_the_overdue_cases_are_swept(session, office, clock, engine):
    overdue = tolerated(session, office, clock)
    clock.set_local(DUE)  # accepted Monday 11-30: its gap runs to Thursday 12-03
    later = open_complete(session, office, FREIGHT, missing=("safety_rules",))
    cases.accept_with_tolerance(session=session, office=office, case=later, clerk=STAFF.clerk, pledge_signed=True)
    withdrawn = open_complete(session, office, FREIGHT, missing=("safety_rules",))
    cases.accept_with_tolerance(session=session, office=office, case=withdrawn, clerk=STAFF.clerk, pledge_signed=True)
    cases.withdraw(session=session, office=office, case=withdrawn, clerk=STAFF.clerk, reason="申请人主动撤回")
    clock.set_local(dt.date(2026, 12, 2))

    report = sweep_overdue_gaps(session=session, office=office)

    assert report.terminated == [overdue.receipt_no]
    assert stored(engine, later.id).state == "step_review"
    assert stored(engine, withdrawn.id).state == "withdrawn"
