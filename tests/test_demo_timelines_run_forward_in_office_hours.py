"""Every demo case's timeline runs forward: it starts with its receipt, each event
strictly after the one before, every counter event on a working day within the
opening hours the 办事指南 publishes (the scheduled sweep's 终止 comes at its own time,
tests/test_demo_defaults_end_the_night_after_their_deadline.py), and none after the
demo's "now"; applicants rate a case after it closed."""

from __future__ import annotations

import itertools

from tests.demo_support import NOW, demo_history, local, published_hours, utc  # noqa: F401  (the fixture)


def test_each_case_starts_with_its_receipt_and_every_event_follows_the_last(demo_history):
    assert len(demo_history.cases) == demo_history.summary.cases
    for case in demo_history.cases:
        events = demo_history.events[case.id]
        assert [e.seq for e in events] == list(range(1, len(events) + 1))
        assert events[0].action.startswith("receive_") and utc(events[0].at) == utc(case.received_at)
        times = [utc(e.at) for e in events]
        assert all(earlier < later for earlier, later in itertools.pairwise(times)), (case.receipt_no, times)


def test_every_event_is_on_a_working_day_within_opening_hours(demo_history):
    calendar = demo_history.office.calendar
    hours = published_hours(demo_history.office.profile.hall.hours)
    for case in demo_history.cases:
        for event in demo_history.events[case.id]:
            if event.actor == "system":  # the scheduler, not the counter
                continue
            at = local(event.at)
            assert calendar.is_workday(at.date()), (case.receipt_no, event.action, at)
            assert any(start <= at.time() <= end for start, end in hours), (case.receipt_no, event.action, at)


def test_nothing_is_recorded_after_now(demo_history):
    latest = max(utc(e.at) for events in demo_history.events.values() for e in events)

    assert latest <= NOW
    assert all(case.closed_at is None or utc(case.closed_at) <= NOW for case in demo_history.cases)


def test_applicants_rate_a_case_after_it_closed_and_a_visit_after_it_and_before_now(demo_history):
    closed = {c.id: utc(c.closed_at) for c in demo_history.cases if c.closed_at}
    whole = [r for r in demo_history.evaluations if not r.of_visit]
    visits = [r for r in demo_history.evaluations if r.of_visit]

    assert len(whole) >= 20 and len(visits) >= 10
    for evaluation in whole:
        assert closed[evaluation.case_id] < utc(evaluation.at) <= NOW
    for evaluation in visits:
        visit = next(e for e in demo_history.events[evaluation.case_id] if e.seq == evaluation.visit_seq)
        assert visit.visit and utc(visit.at) < utc(evaluation.at) <= NOW
        assert evaluation.channel == "kiosk" and evaluation.day == local(evaluation.at).date()


def test_every_scenario_plays_to_its_end_within_the_rules(demo_history):
    stopped = {k: n for k, n in demo_history.summary.outcomes.items() if k.startswith("stopped")}

    assert stopped == {}
