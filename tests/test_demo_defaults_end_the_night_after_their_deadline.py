"""The demo runs the daily sweep as the scheduler does (workflows/schedule.py: 00:30 office
time): a tolerated gap never supplied ends its case (终止) at the sweep of the day after
its deadline, each run recorded. The runs after the last working day are left to the
service, which catches them up when it starts: the defaults due that day are still open."""

from __future__ import annotations

import datetime as dt

from workflows.localtime import cn_day
from workflows.schedule import SCHEDULE

from tests.demo_support import TODAY, demo_history, local  # noqa: F401  (the fixture)

SWEEP_AT = next(e for e in SCHEDULE if e.name == "gap-sweep").when.at  # type: ignore[union-attr]


def last_workday(calendar) -> dt.date:
    day = TODAY - dt.timedelta(days=1)
    while not calendar.is_workday(day):
        day -= dt.timedelta(days=1)
    return day


def test_each_default_is_terminated_at_the_sweep_the_night_after_its_deadline(demo_history):
    terminated = [c for c in demo_history.cases if c.state == "terminated"]

    assert terminated
    for case in terminated:
        last = demo_history.events[case.id][-1]
        assert (last.action, last.actor) == ("terminate", "system")
        assert case.gap_due is not None and cn_day(case.gap_due) in last.payload["reason"]
        assert last.payload["default"]["deadline"] == case.gap_due.isoformat()
        swept = local(last.at)
        assert (swept.date(), swept.time()) == (case.gap_due + dt.timedelta(days=1), SWEEP_AT), case.receipt_no


def test_only_the_defaults_due_on_the_last_working_day_are_left_for_the_service(demo_history):
    last = last_workday(demo_history.office.calendar)
    overdue = [(c.receipt_no, c.gap_due) for c in demo_history.open_cases() if c.gap_due and c.gap_due < TODAY]

    assert overdue  # the demo leaves one for the served scheduler to end
    assert {due for _, due in overdue} == {last}
