"""A tolerated gap past its deadline ends the case (终止) through the sweep, and a
second sweep changes nothing."""

import datetime as dt

from tests.support import FREIGHT_GAP, STAFF, VEHICLES_BOUGHT, open_complete, run_cli, stored
from workflows import cases
from workflows.db import session as new_session
from workflows.queries import events_of, get_case
from workflows import sweep
from workflows.sweep import sweep_overdue_gaps

FREIGHT = "road-freight-licence"
ACCEPTED = dt.date(2026, 11, 25)  # Wednesday; the vehicle grade copies are due 3 working days later, Monday 11-30
DUE = dt.date(2026, 11, 30)


def tolerated(session, office, clock):
    clock.set_local(ACCEPTED)
    case = open_complete(session, office, FREIGHT, missing=(FREIGHT_GAP,), data=VEHICLES_BOUGHT)
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
    assert "车辆技术等级评定结论" in last.payload["reason"] and "2026年11月30日" in last.payload["reason"]

    clock.advance(days=3)
    second = sweep_overdue_gaps(session=session, office=office)

    assert second.terminated == [] and second.skipped == []
    assert stored(engine, case.id) == after


def test_a_supplied_gap_is_never_swept(session, office, clock, engine):
    case = tolerated(session, office, clock)
    cases.record_supplement(session=session, office=office, case=case, clerk=STAFF.clerk,
                            material_id=FREIGHT_GAP, channel="post")
    clock.set_local(DUE + dt.timedelta(days=10))
    before = stored(engine, case.id)

    assert sweep_overdue_gaps(session=session, office=office).terminated == []
    assert stored(engine, case.id) == before and before.state == "step_review"


def test_only_the_overdue_cases_are_swept(session, office, clock, engine):
    overdue = tolerated(session, office, clock)
    clock.set_local(DUE)  # accepted Monday 11-30: its gap runs to Thursday 12-03
    later = open_complete(session, office, FREIGHT, missing=(FREIGHT_GAP,), data=VEHICLES_BOUGHT)
    cases.accept_with_tolerance(session=session, office=office, case=later, clerk=STAFF.clerk, pledge_signed=True)
    withdrawn = open_complete(session, office, FREIGHT, missing=(FREIGHT_GAP,), data=VEHICLES_BOUGHT)
    cases.accept_with_tolerance(session=session, office=office, case=withdrawn, clerk=STAFF.clerk, pledge_signed=True)
    cases.withdraw(session=session, office=office, case=withdrawn, clerk=STAFF.clerk, reason="申请人主动撤回")
    clock.set_local(dt.date(2026, 12, 2))

    report = sweep_overdue_gaps(session=session, office=office)

    assert report.terminated == [overdue.receipt_no]
    assert stored(engine, later.id).state == "step_review"
    assert stored(engine, withdrawn.id).state == "withdrawn"


def test_a_case_changed_under_the_sweep_is_left_for_the_next_run(session, office, clock, engine, monkeypatch):
    case = tolerated(session, office, clock)
    clock.set_local(DUE + dt.timedelta(days=1))
    real_terminate = sweep.terminate

    def clerk_acts_first(**kwargs):
        # A clerk records a visit on the case between the sweep's read and its write.
        monkeypatch.setattr(sweep, "terminate", real_terminate)
        with new_session(engine) as clerk:
            cases.record_visit(session=clerk, office=office, case=get_case(clerk, case.id), actor=STAFF.clerk,
                               purpose="核验原件", cause="applicant")
        return real_terminate(**kwargs)

    monkeypatch.setattr(sweep, "terminate", clerk_acts_first)
    report = sweep_overdue_gaps(session=session, office=office)

    assert (report.terminated, report.skipped) == ([], [case.receipt_no])
    assert stored(engine, case.id).state == "step_review"
    # The next run, even in the same session, sees the case as it now is and ends it.
    assert sweep_overdue_gaps(session=session, office=office).terminated == [case.receipt_no]
    assert stored(engine, case.id).state == "terminated"


def test_a_sweep_in_a_long_lived_session_sees_changes_made_elsewhere(session, office, clock, engine):
    """The session holding `case` has not seen the clerk's later visit; the sweep must not trip over that."""
    case = tolerated(session, office, clock)
    with new_session(engine) as clerk:
        cases.record_visit(session=clerk, office=office, case=get_case(clerk, case.id), actor=STAFF.clerk,
                           purpose="核验原件", cause="applicant")
    clock.set_local(DUE + dt.timedelta(days=1))

    report = sweep_overdue_gaps(session=session, office=office)

    assert (report.terminated, report.skipped) == ([case.receipt_no], [])
    assert stored(engine, case.id).state == "terminated"


def test_the_sweep_command_terminates_overdue_cases(session, office, clock, engine, database_url):
    clock.set_local(dt.date(2026, 11, 20))  # due 11-25, long past whenever the command runs
    case = open_complete(session, office, FREIGHT, missing=(FREIGHT_GAP,), data=VEHICLES_BOUGHT)
    cases.accept_with_tolerance(session=session, office=office, case=case, clerk=STAFF.clerk, pledge_signed=True)

    result = run_cli("sweep", env={"DATABASE_URL": database_url})

    assert result.returncode == 0, result.stderr
    assert case.receipt_no in result.stdout, (result.stdout, result.stderr)
    assert stored(engine, case.id).state == "terminated"
    again = run_cli("sweep", env={"DATABASE_URL": database_url})
    assert case.receipt_no not in again.stdout and len(stored(engine, case.id).events) == case.version + 1


def test_the_case_page_of_a_swept_case_no_longer_asks_for_the_gap(app, session, office, clock):
    """Once ended, the gap is not 待补 with a 前补齐 date the applicant can no longer meet: it reads
    容缺未补齐 with its 补齐期限, on the page and in the API's material list."""
    from tests.page_helpers import add_staff, client_as, one, soup

    add_staff(session)
    case = tolerated(session, office, clock)
    with client_as(app, "clerk") as browser:
        row = one(soup(browser.get(f"/cases/{case.id}")), f"tr[data-material={FREIGHT_GAP}] td.status")
        assert row.get_text(" ", strip=True) == "容缺待补 2026年11月30日前补齐"

        clock.set_local(DUE + dt.timedelta(days=1))
        assert sweep_overdue_gaps(session=session, office=office).terminated == [case.receipt_no]
        row = one(soup(browser.get(f"/cases/{case.id}")), f"tr[data-material={FREIGHT_GAP}] td.status")
        assert row.get_text(" ", strip=True) == "容缺未补齐 补齐期限2026年11月30日"
