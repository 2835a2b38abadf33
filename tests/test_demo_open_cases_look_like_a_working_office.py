"""At the demo's "now" the open cases look like a working office's: 即办件 are not
left open for weeks, few cases are overdue and only by days, and some wait on the
applicant (待补正 after a one-time notice, 容缺 gaps) with deadlines close ahead."""

from __future__ import annotations

import datetime as dt

from tests.demo_support import TODAY, demo_history, local  # noqa: F401  (the fixture)
from workflows.definition import CaseKind

IMMEDIATE_OPEN_AT_MOST = 10  # working days an open 即办件 may have waited (on the applicant's corrections)
OVERDUE_SHARE_AT_MOST = 0.15
OVERDUE_DAYS_AT_MOST = 7


def test_no_immediate_case_stays_open_for_weeks(demo_history):
    calendar = demo_history.office.calendar
    for case in demo_history.open_cases():
        if demo_history.office.matter_of(case).definition.case_kind is CaseKind.IMMEDIATE:
            waited = calendar.workdays_between(local(case.received_at).date(), TODAY)
            assert waited <= IMMEDIATE_OPEN_AT_MOST, (case.receipt_no, case.state, waited)


def test_overdue_open_cases_are_few_and_only_days_late(demo_history):
    calendar = demo_history.office.calendar
    accepted = [c for c in demo_history.open_cases() if c.promised_due is not None]
    late = {c.receipt_no: calendar.workdays_between(c.promised_due, TODAY)
            for c in accepted if c.promised_due < TODAY}

    assert len(accepted) >= 10
    assert len(late) <= OVERDUE_SHARE_AT_MOST * len(accepted), late
    assert all(days <= OVERDUE_DAYS_AT_MOST for days in late.values()), late


def test_cases_wait_on_the_applicant_with_deadlines_close_ahead(demo_history):
    calendar = demo_history.office.calendar
    corrections = [c for c in demo_history.open_cases() if c.state == "awaiting_correction"]
    gaps = [c for c in demo_history.open_cases() if c.gap_due is not None]

    assert corrections + gaps  # the clerk's "waiting on the applicant" list is not empty
    for case in corrections:
        notice = next(e for e in reversed(demo_history.events[case.id]) if e.action == "notify")
        assert calendar.workdays_between(local(notice.at).date(), TODAY) <= 10, case.receipt_no
    last_workday = max(d for d in (TODAY - dt.timedelta(days=n) for n in range(1, 10)) if calendar.is_workday(d))
    for case in gaps:
        if case.gap_due < TODAY:  # a default due on the last working day: the service's scheduler ends it
            assert case.gap_due == last_workday, (case.receipt_no, case.gap_due)
            continue
        longest = max(m.tolerance.days for m in demo_history.office.matter_of(case).definition.materials
                      if m.tolerance)
        assert 0 <= calendar.workdays_between(TODAY, case.gap_due) <= longest, (case.receipt_no, case.gap_due)
