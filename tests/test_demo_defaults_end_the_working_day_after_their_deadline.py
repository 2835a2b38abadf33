"""The demo runs the sweep each working morning, as the daily job does: a tolerated
gap never supplied ends its case (终止) on the first working day after the gap's
deadline, and no open case is left past its gap deadline."""

from __future__ import annotations

from workflows.localtime import cn_day

from tests.demo_support import TODAY, demo_history, local  # noqa: F401  (the fixture)


def test_each_default_is_terminated_on_the_first_working_day_after_its_deadline(demo_history):
    calendar = demo_history.office.calendar
    terminated = [c for c in demo_history.cases if c.state == "terminated"]

    assert terminated
    for case in terminated:
        last = demo_history.events[case.id][-1]
        assert (last.action, last.actor) == ("terminate", "system")
        assert case.gap_due is not None and cn_day(case.gap_due) in last.payload["reason"]
        assert local(last.at).date() == calendar.add_workdays(case.gap_due, 1).due, (case.receipt_no, last.at)


def test_no_open_case_is_left_past_its_gap_deadline(demo_history):
    overdue = [(c.receipt_no, c.gap_due) for c in demo_history.open_cases() if c.gap_due and c.gap_due < TODAY]

    assert overdue == []
