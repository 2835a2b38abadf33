"""Each started 特别程序 runs against its own time box: `max_days` working days from the day
after it started, counted on the office's calendar like the case's own limits. The case
view, the case page and the API case output show when it falls due, how many working
days are left, and whether it overran.

Expected dates were counted by hand on the official 2026 arrangement (chinesecalendar):
National Day 10-01..10-07 off, Saturday 10-10 a working day.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.api_fixtures import act_ok, open_case, tokens, as_role  # noqa: F401
from tests.page_helpers import add_staff, attr, client_as, soup
from tests.support import STAFF, open_complete
from workflows import cases
from workflows.queries import case_view

D = dt.date
ROAD_WORKS = "road-works-permit"  # 专家评审 (mandatory, 15 days), 征得公安机关交通管理部门同意 (optional, 10 days)
ACCEPTED_ON = D(2026, 9, 28)


def _accepted_road_works(session, office, clock, on: dt.date = ACCEPTED_ON):
    clock.set_local(on)
    case = open_complete(session, office, ROAD_WORKS)
    cases.accept_case(session=session, office=office, case=case, clerk=STAFF.clerk)
    return case


def _start(session, office, clock, case, procedure_id: str, on: dt.date) -> None:
    clock.set_local(on)
    cases.start_special(session=session, office=office, case=case, actor=STAFF.reviewer, procedure_id=procedure_id)


def _end(session, office, clock, case, on: dt.date) -> None:
    clock.set_local(on)
    cases.end_special(session=session, office=office, case=case, actor=STAFF.reviewer)


def _boxes(session, office, case):
    return {box.procedure: box for box in case_view(session=session, office=office, case=case,
                                                    actor=STAFF.reviewer).specials}


# ---- the engine --------------------------------------------------------------------------

def test_the_due_date_skips_the_national_day_holiday_and_counts_the_working_saturday(session, office, clock):
    case = _accepted_road_works(session, office, clock)
    _start(session, office, clock, case, "police_consent", D(2026, 9, 29))  # Tuesday

    box = _boxes(session, office, case)["police_consent"]
    # 10 working days after 09-29: 09-30, 10-08, 10-09, 10-10 (Sat, worked), 10-12..10-16, 10-19
    assert (box.name, box.max_days, box.started, box.due) == ("征得公安机关交通管理部门同意", 10, D(2026, 9, 29),
                                                             D(2026, 10, 19))
    assert box.provisional is False and box.ended is None and box.overran is False
    assert box.days_left == 10  # on the day it started, all ten are ahead


def test_a_running_procedure_counts_down_in_working_days(session, office, clock):
    case = _accepted_road_works(session, office, clock)
    _start(session, office, clock, case, "police_consent", D(2026, 9, 29))
    clock.set_local(D(2026, 10, 9))  # Friday after the holiday: 10-10, 10-12..16, 10-19 remain

    box = _boxes(session, office, case)["police_consent"]
    assert (box.days_left, box.overran, box.overdue_days) == (7, False, 0)


def test_a_procedure_still_running_after_its_due_date_is_overrun_with_negative_days_left(session, office, clock):
    case = _accepted_road_works(session, office, clock)
    _start(session, office, clock, case, "police_consent", D(2026, 9, 29))
    clock.set_local(D(2026, 10, 21))  # Wednesday: 10-20 and 10-21 are past the 10-19 due date

    box = _boxes(session, office, case)["police_consent"]
    assert (box.due, box.ended, box.days_left, box.overran, box.overdue_days) == (
        D(2026, 10, 19), None, -2, True, 2)


def test_an_ended_procedure_reports_its_end_and_no_days_left(session, office, clock):
    case = _accepted_road_works(session, office, clock)
    _start(session, office, clock, case, "police_consent", D(2026, 9, 29))
    _end(session, office, clock, case, D(2026, 10, 9))
    clock.set_local(D(2026, 10, 30))  # long after its due date: it ended in time, so it stays in time

    box = _boxes(session, office, case)["police_consent"]
    assert (box.ended, box.days_left, box.overran, box.overdue_days) == (D(2026, 10, 9), None, False, 0)


def test_a_procedure_ended_after_its_due_date_is_overrun_by_the_working_days_it_took_too_long(session, office, clock):
    case = _accepted_road_works(session, office, clock)
    _start(session, office, clock, case, "police_consent", D(2026, 9, 29))
    _end(session, office, clock, case, D(2026, 10, 21))

    box = _boxes(session, office, case)["police_consent"]
    assert (box.ended, box.days_left, box.overran, box.overdue_days) == (D(2026, 10, 21), None, True, 2)


def test_procedures_are_listed_in_the_order_they_started_and_unstarted_ones_not_at_all(session, office, clock):
    case = _accepted_road_works(session, office, clock)
    view = case_view(session=session, office=office, case=case, actor=STAFF.reviewer)
    assert view.specials == []
    _start(session, office, clock, case, "police_consent", D(2026, 9, 29))
    _end(session, office, clock, case, D(2026, 10, 9))
    _start(session, office, clock, case, "expert_review", D(2026, 10, 9))

    view = case_view(session=session, office=office, case=case, actor=STAFF.reviewer)
    assert [box.procedure for box in view.specials] == ["police_consent", "expert_review"]
    # 15 working days after 10-09: 10-10 (Sat, worked), 10-12..16, 10-19..23, 10-26..29
    assert view.specials[1].due == D(2026, 10, 29)


def test_a_due_date_in_a_year_without_official_data_is_provisional(session, office, clock):
    case = _accepted_road_works(session, office, clock, on=D(2026, 12, 21))
    _start(session, office, clock, case, "police_consent", D(2026, 12, 21))

    box = _boxes(session, office, case)["police_consent"]
    assert box.due.year == 2027 and box.provisional is True


def test_a_case_terminated_during_a_procedure_stops_its_count_on_the_closing_day(session, office, clock):
    case = _accepted_road_works(session, office, clock)
    _start(session, office, clock, case, "police_consent", D(2026, 9, 29))
    clock.set_local(D(2026, 10, 20))  # one working day past due
    cases.terminate(session=session, office=office, case=case, actor=STAFF.approver, reason="申请人撤销施工计划")
    clock.set_local(D(2026, 11, 30))  # weeks later, nothing has run on

    box = _boxes(session, office, case)["police_consent"]
    assert (box.ended, box.days_left, box.overran, box.overdue_days) == (None, None, True, 1)


# ---- the case page ----------------------------------------------------------------------

@pytest.fixture
def staffed(session):
    add_staff(session)


def _special_rows(app, case) -> dict[str, tuple[str, list[str], str]]:
    """procedure id → (the row's text, the tags in it, its class), read from the deadlines section."""
    with client_as(app, "reviewer") as reviewer:
        page = soup(reviewer.get(f"/cases/{case.id}"))
    rows = page.select("section#deadlines #special-time-boxes li[data-procedure]")
    return {attr(li, "data-procedure"): (li.get_text(), [t.get_text() for t in li.select(".tag")],
                                        " ".join(li.get_attribute_list("class")))
            for li in rows}


def test_the_case_page_shows_a_running_and_an_ended_procedure_with_their_time_boxes(app, session, office, clock,
                                                                                     staffed):
    case = _accepted_road_works(session, office, clock)
    _start(session, office, clock, case, "police_consent", D(2026, 9, 29))
    _end(session, office, clock, case, D(2026, 10, 9))
    _start(session, office, clock, case, "expert_review", D(2026, 10, 9))
    clock.set_local(D(2026, 10, 21))

    rows = _special_rows(app, case)
    assert rows["expert_review"] == ("专家评审：2026年10月9日起，最长 15 个工作日，至 2026年10月29日（剩 6 个工作日）",
                                     [], "running")
    assert rows["police_consent"] == (
        "征得公安机关交通管理部门同意：2026年9月29日起，最长 10 个工作日，至 2026年10月19日（已于 2026年10月9日 结束）",
        [], "ended")


def test_the_case_page_flags_an_overrun_procedure(app, session, office, clock, staffed):
    case = _accepted_road_works(session, office, clock)
    _start(session, office, clock, case, "police_consent", D(2026, 9, 29))
    clock.set_local(D(2026, 10, 21))

    text, tags, kind = _special_rows(app, case)["police_consent"]
    assert text == ("征得公安机关交通管理部门同意：2026年9月29日起，最长 10 个工作日，"
                    "至 2026年10月19日（已超期 2 个工作日）")
    assert (tags, kind) == (["已超期 2 个工作日"], "overran")


def test_the_case_page_marks_a_provisional_due_date(app, session, office, clock, staffed):
    case = _accepted_road_works(session, office, clock, on=D(2026, 12, 21))
    _start(session, office, clock, case, "police_consent", D(2026, 12, 21))

    text, tags, _ = _special_rows(app, case)["police_consent"]
    assert "临时" in tags
    assert text.startswith("征得公安机关交通管理部门同意：2026年12月21日起，最长 10 个工作日，至 2027年")


def test_the_case_page_has_no_special_procedure_list_before_one_starts(app, session, office, clock, staffed):
    case = _accepted_road_works(session, office, clock)
    assert _special_rows(app, case) == {}


# ---- the API -------------------------------------------------------------------------------

def test_the_api_case_output_carries_each_procedures_time_box(client, app, clock, as_role):
    office = app.state.office
    clock.set_local(D(2026, 9, 28))
    case = act_ok(client, as_role["clerk"], open_case(client, as_role["clerk"], office, code=ROAD_WORKS), "accept")
    assert case["deadlines"]["specials"] == []
    clock.set_local(D(2026, 9, 29))
    case = act_ok(client, as_role["reviewer"], case, "start_special_police_consent")
    clock.set_local(D(2026, 10, 21))

    running = client.get(f"/api/cases/{case['id']}", headers=as_role["reviewer"]).json()
    assert running["deadlines"]["specials"] == [{
        "procedure": "police_consent", "name": "征得公安机关交通管理部门同意", "max_days": 10,
        "started": "2026-09-29", "due": "2026-10-19", "provisional": False, "ended": None,
        "days_left": -2, "overran": True, "overdue_days": 2,
    }]

    ended = act_ok(client, as_role["reviewer"], running, "end_special_police_consent")
    assert {k: ended["deadlines"]["specials"][0][k] for k in ("ended", "days_left", "overran", "overdue_days")} == {
        "ended": "2026-10-21", "days_left": None, "overran": True, "overdue_days": 2}
