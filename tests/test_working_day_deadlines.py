"""Working-day limits follow China's official 调休 calendar, start the day after
受理, skip holidays, count working weekends, and pause during 特别程序.

Every expected date here was counted by hand on the official 2017 and 2026
arrangements (国办发明电〔2016〕1号; the 2026 notice as packaged by chinesecalendar).
"""

import datetime as dt

import pytest

from tests.support import FREIGHT_GAP, STAFF, VEHICLES_BOUGHT, open_complete, stored
from workflows import cases
from workflows.queries import case_view
from workflows.workdays import WorkCalendar

D = dt.date


# ---- the 2017 National Day: 10-01..10-08 off, Saturday 09-30 a working day ------------

@pytest.fixture(scope="module")
def calendar():
    return WorkCalendar()


def test_the_2017_national_day_arrangement(calendar):
    assert calendar.is_workday(D(2017, 9, 30))  # a Saturday, worked in exchange
    assert not any(calendar.is_workday(D(2017, 10, day)) for day in range(1, 9))
    assert calendar.is_workday(D(2017, 10, 9))
    assert not calendar.is_workday(D(2017, 10, 14))  # an ordinary Saturday


@pytest.mark.parametrize("start, days, due", [
    (D(2017, 9, 29), 1, D(2017, 9, 30)),    # the working Saturday counts
    (D(2017, 9, 29), 2, D(2017, 10, 9)),    # then the whole holiday is skipped
    (D(2017, 9, 28), 3, D(2017, 10, 9)),
    (D(2017, 9, 30), 1, D(2017, 10, 9)),
    (D(2017, 10, 3), 1, D(2017, 10, 9)),    # accepted in the holiday: the clock starts after it
    (D(2017, 9, 28), 20, D(2017, 11, 1)),
])
def test_adding_working_days_across_the_holiday(calendar, start, days, due):
    deadline = calendar.add_workdays(start, days)
    assert deadline.due == due and deadline.provisional is False


def test_working_days_between_count_the_saturday_and_skip_the_holiday(calendar):
    assert calendar.workdays_between(D(2017, 9, 29), D(2017, 10, 9)) == 2  # 09-30 and 10-09
    assert calendar.workdays_between(D(2017, 10, 9), D(2017, 9, 29)) == -2


def test_a_case_accepted_before_the_2017_holiday_gets_its_dates_from_the_calendar(session, office, clock, engine):
    clock.set_local(D(2017, 9, 28))  # Thursday
    case = open_complete(session, office, "road-freight-licence", missing=(FREIGHT_GAP,), data=VEHICLES_BOUGHT)
    cases.accept_with_tolerance(session=session, office=office, case=case, clerk=STAFF.clerk, pledge_signed=True)

    assert case.accepted_on == D(2017, 9, 28)
    # promised 5: 09-29, 09-30 (Sat, worked), 10-09, 10-10, 10-11
    assert case.promised_due == D(2017, 10, 11)
    # legal 20: the same start, then 10-09 .. 11-01
    assert case.legal_due == D(2017, 11, 1)
    # the 3-day gap for the vehicle grade copies: 09-29, 09-30, 10-09
    assert case.gap_due == D(2017, 10, 9)
    assert stored(engine, case.id).due_provisional is False


# ---- 特别程序 stops the clock --------------------------------------------------------

def test_road_works_expert_review_moves_both_deadlines_by_the_paused_working_days(session, office, clock, engine):
    clock.set_local(D(2026, 11, 2))  # Monday
    case = open_complete(session, office, "road-works-permit")
    cases.accept_case(session=session, office=office, case=case, clerk=STAFF.clerk)
    assert (case.promised_due, case.legal_due) == (D(2026, 11, 16), D(2026, 11, 30))  # 10 and 20 working days

    clock.set_local(D(2026, 11, 4))  # Wednesday: the expert review starts
    cases.start_special(session=session, office=office, case=case, actor=STAFF.reviewer, procedure_id="expert_review")
    paused = case_view(session=session, office=office, case=case, actor=STAFF.reviewer).deadlines
    assert paused.paused and paused.promised_left is None

    clock.set_local(D(2026, 11, 11))  # the next Wednesday: 11-05, 06, 09, 10, 11 were paused
    cases.end_special(session=session, office=office, case=case, actor=STAFF.reviewer)

    assert case.progress["paused_days"] == 5
    assert (case.promised_due, case.legal_due) == (D(2026, 11, 23), D(2026, 12, 7))
    assert case.state == "step_site_check"
    assert stored(engine, case.id).promised_due == D(2026, 11, 23)
    running = case_view(session=session, office=office, case=case, actor=STAFF.reviewer).deadlines
    assert running.promised_left == 8  # 11-12 .. 11-23 on the Wednesday the review ended


def test_two_pauses_add_up(session, office, clock):
    clock.set_local(D(2026, 11, 2))
    case = open_complete(session, office, "road-works-permit")
    cases.accept_case(session=session, office=office, case=case, clerk=STAFF.clerk)
    clock.set_local(D(2026, 11, 3))
    cases.start_special(session=session, office=office, case=case, actor=STAFF.reviewer, procedure_id="police_consent")
    clock.set_local(D(2026, 11, 5))  # 11-04, 11-05: two days
    cases.end_special(session=session, office=office, case=case, actor=STAFF.reviewer)
    assert case.state == "step_review"  # an optional procedure returns to its step
    cases.start_special(session=session, office=office, case=case, actor=STAFF.reviewer, procedure_id="expert_review")
    clock.set_local(D(2026, 11, 9))  # 11-06, 11-09: two more
    cases.end_special(session=session, office=office, case=case, actor=STAFF.reviewer)

    assert case.progress["paused_days"] == 4
    assert case.promised_due == D(2026, 11, 20)  # 10 + 4 working days after 11-02


def test_a_procedure_ended_the_day_it_started_pauses_nothing(session, office, clock):
    clock.set_local(D(2026, 11, 2))
    case = open_complete(session, office, "road-works-permit")
    cases.accept_case(session=session, office=office, case=case, clerk=STAFF.clerk)
    cases.start_special(session=session, office=office, case=case, actor=STAFF.reviewer, procedure_id="expert_review")
    cases.end_special(session=session, office=office, case=case, actor=STAFF.reviewer)
    assert case.progress["paused_days"] == 0
    assert case.promised_due == D(2026, 11, 16)


def test_an_immediate_matter_is_due_the_day_it_is_accepted(session, office):
    case = open_complete(session, office, "vehicle-repair-filing", delivery="on_the_spot")
    cases.accept_case(session=session, office=office, case=case, clerk=STAFF.clerk)
    assert case.promised_due == case.accepted_on == office.today()


@pytest.mark.parametrize(("start", "end"), [
    (dt.date(2016, 12, 20), dt.date(2018, 1, 10)),   # across two New Years and the 2017 Golden Week
    (dt.date(2026, 11, 25), dt.date(2027, 2, 20)),   # from official data into a provisional year
    (dt.date(2017, 10, 9), dt.date(2017, 9, 29)),    # backwards: negative
    (dt.date(2017, 9, 30), dt.date(2017, 9, 30)),
])
def test_counting_working_days_between_two_dates_agrees_with_walking_them(start, end):
    calendar = WorkCalendar()
    low, high = sorted((start, end))
    walked = sum(calendar.is_workday(low + dt.timedelta(days=i)) for i in range(1, (high - low).days + 1))
    assert calendar.workdays_between(start, end) == (walked if end >= start else -walked)
