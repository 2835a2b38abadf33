"""在办超期 as of a chosen past day, against cases whose dates were worked out by hand around the
2026 中秋 and 国庆 holidays (9-25 off; 10-1 to 10-7 off; Sunday 9-20 and Saturday 10-10 are 调休 working days).

道路货物运输经营许可: promised 5, legal 20 working days after acceptance.

case  accepted   promised  legal    what happens                      on Monday 2026-10-12
E     09-01 Tue  09-08     09-29    nothing (still open)              past both: 20 and 5 working days
A     09-22 Tue  09-30     10-27    decided 10-14                     past the promise: 4 (10-8, 10-9, 10-10, 10-12)
W     09-01 Tue  09-08     09-29    withdrawn 09-15                   finished before the day: not open
B     09-22 Tue  09-30     10-27    decided 10-09, delivered 10-13    decided before the day: not past a limit
C     10-09 Fri  10-15     11-05    nothing                           open, within its limits
N     received 10-13                                                  not yet received on the day
"""

from __future__ import annotations

import datetime as dt

import pytest

from audit.openwork import as_of_day, open_work
from audit.scope import Scope
from tests.audit_support import add_staff
from tests.page_helpers import _hash, login, password_of, soup
from tests.support import STAFF, actor_for, open_complete
from workflows import accounts, cases

FREIGHT = "road-freight-licence"
D = dt.date


def _accepted(session, office, clock, day):
    clock.set_local(day, 9)
    case = open_complete(session, office, FREIGHT)
    cases.accept_case(session=session, office=office, case=case, clerk=STAFF.clerk)
    return case


def _decide(session, office, clock, case, day):
    while case.state.startswith("step_"):
        cases.advance_step(session=session, office=office, case=case,
                           actor=actor_for(office.matter_of(case).compiled.states[case.state].role))
    clock.set_local(day, 10)
    life = office.matter_of(case).definition.lifecycle
    cases.decide(session=session, office=office, case=case, approver=actor_for(life.decide), approve=True)


@pytest.fixture
def built(session, office, clock):
    clock.set_local(D(2026, 8, 31))
    add_staff(session, clock())
    made = {}
    made["E"] = _accepted(session, office, clock, D(2026, 9, 1))
    made["W"] = _accepted(session, office, clock, D(2026, 9, 1))
    clock.set_local(D(2026, 9, 15), 10)
    cases.withdraw(session=session, office=office, case=made["W"], clerk=STAFF.clerk, reason="申请人主动撤回")
    made["A"] = _accepted(session, office, clock, D(2026, 9, 22))
    made["B"] = _accepted(session, office, clock, D(2026, 9, 22))
    made["C"] = _accepted(session, office, clock, D(2026, 10, 9))
    _decide(session, office, clock, made["B"], D(2026, 10, 9))
    cases.issue_result(session=session, office=office, case=made["B"], clerk=STAFF.clerk)
    clock.set_local(D(2026, 10, 13), 10)
    cases.deliver(session=session, office=office, case=made["B"], clerk=STAFF.clerk, method="mail",
                  tracking_no="EA123456789CN")
    made["N"] = open_complete(session, office, FREIGHT)
    _decide(session, office, clock, made["A"], D(2026, 10, 14))
    clock.set_local(D(2026, 12, 3), 10)
    return made


def test_the_engine_gave_the_hand_worked_due_dates(built):
    dues = {name: (c.promised_due, c.legal_due) for name, c in built.items() if name != "N"}
    assert dues == {"E": (D(2026, 9, 8), D(2026, 9, 29)), "W": (D(2026, 9, 8), D(2026, 9, 29)),
                    "A": (D(2026, 9, 30), D(2026, 10, 27)), "B": (D(2026, 9, 30), D(2026, 10, 27)),
                    "C": (D(2026, 10, 15), D(2026, 11, 5))}


def test_on_a_past_day_the_open_cases_past_their_limits_are_counted_listed_and_aged_in_working_days(
        built, engine, office):
    with engine.connect() as conn:
        work = open_work(conn, Scope(D(2026, 10, 12), D(2026, 10, 12)), as_of=D(2026, 10, 12),
                         calendar=office.calendar)
    by_id = {c.case_id: c for c in work.cases}
    name_of = {c.id: n for n, c in built.items()}
    assert {name_of[i] for i in by_id} == {"E", "A"}
    assert (work.promised, work.legal, work.open_cases) == (2, 1, 3)  # E, A, C open (accepted, undecided)
    e, a = by_id[built["E"].id], by_id[built["A"].id]
    # E: 9-9..9-11 (3), 9-14..18 (8), Sunday 9-20 (9), 9-21..24 (13), 9-28..30 (16), 10-8, 9, Sat 10-10, 12 (20).
    assert (e.promised_age, e.legal_age) == (20, 5)  # legal: 9-30, 10-8, 10-9, 10-10, 10-12
    assert (a.promised_age, a.legal_age) == (4, None)  # eight weekdays, but the holiday week gives back four
    assert [c.case_id for c in work.past("legal")] == [e.case_id]
    assert [c.case_id for c in work.cases] == [e.case_id, a.case_id]  # oldest due date first


def test_the_day_before_a_due_date_passes_and_after_the_decision_nothing_is_listed(built, engine, office):
    def listed(day):
        with engine.connect() as conn:
            work = open_work(conn, Scope(day, day), as_of=day, calendar=office.calendar)
        name_of = {c.id: n for n, c in built.items()}
        return {name_of[c.case_id]: c.promised_age for c in work.cases}
    assert listed(D(2026, 9, 30)) == {"E": 16}  # A and B are due that very day: still within
    assert listed(D(2026, 10, 8)) == {"E": 17, "A": 1, "B": 1}
    assert listed(D(2026, 10, 14)) == {"E": 22}  # A decided that day, C due 10-15, B decided 10-9
    assert listed(D(2026, 9, 1)) == {}


def test_the_day_is_the_periods_last_or_today_and_a_cut_narrows_it(built, engine, office):
    assert as_of_day(Scope(D(2026, 10, 1), D(2026, 10, 31)), D(2026, 12, 3)) == D(2026, 10, 31)
    assert as_of_day(Scope(D(2026, 12, 1), D(2026, 12, 31)), D(2026, 12, 3)) == D(2026, 12, 3)
    with engine.connect() as conn:
        other_window = open_work(conn, Scope(D(2026, 10, 12), D(2026, 10, 12), window="W02"), as_of=D(2026, 10, 12),
                                 calendar=office.calendar)
        own = open_work(conn, Scope(D(2026, 10, 12), D(2026, 10, 12), window="W01", department="运输管理科"),
                        as_of=D(2026, 10, 12), calendar=office.calendar)
    assert other_window.cases == [] and len(own.cases) == 2


def test_the_dashboard_counts_link_to_the_list_and_each_line_to_its_case(built, session, clock, client):
    session.add(accounts.StaffUser(username=STAFF.auditor.username, display_name=STAFF.auditor.name,
                                   roles=sorted(STAFF.auditor.roles),
                                   password_hash=_hash(password_of(STAFF.auditor.username)),
                                   created_at=clock()))
    session.commit()
    assert login(client, STAFF.auditor.username).status_code == 303
    page = soup(client.get("/audit?period=range&start=2026-10-01&end=2026-10-12"))
    assert "截至2026年10月12日" in page.select_one("#open-work-heading").get_text()
    counts = {row["data-limit"]: row.select_one("a.count") for row in page.select("#open-work tr[data-limit]")}
    assert (counts["promised"].get_text(), counts["legal"].get_text()) == ("2", "1")
    listing = soup(client.get(counts["promised"]["href"]))
    rows = listing.select("#overdue tbody tr")
    assert len(rows) == 2
    assert [r.select_one("a")["href"] for r in rows] == [f"/audit/cases/{built[n].id}" for n in "EA"]
    assert [r.select_one("[data-age=promised]").get_text() for r in rows] == ["20 个工作日", "4 个工作日"]
    legal = soup(client.get(counts["legal"]["href"]))
    assert [r["data-case-id"] for r in legal.select("#overdue tbody tr")] == [str(built["E"].id)]
    assert client.get(f"/audit/cases/{built['E'].id}").status_code == 200


# 特别程序 stop the clock. 超限运输车辆行驶公路许可: promised 5, legal 15 working days; its 通行路线勘测 is
# off the clock from the day after it starts (as end_special counts it). November 2026 has no holiday.
# Each case is accepted on Monday 11-02, promised 11-09.
#   P  survey from Thu 11-05, still running on 11-16: 7 days paused by then, promised 11-18: within it
#   Q  survey from Wed 11-11, 2 days past its promise then (11-10, 11-11): on 11-16 still 2 days past
#   S  survey from Thu 11-12 to Tue 11-17 (3 days paused, stored promise 11-12): 3 days past when it
#      started (11-10 to 11-12), so 3 on 11-16 too; on 11-11, before it, its promise stood at 11-09: 2 past
OVERSIZE = "oversize-transport-permit"


def _surveyed(session, office, clock, start, end=None):
    clock.set_local(D(2026, 11, 2), 9)
    case = open_complete(session, office, OVERSIZE)
    cases.accept_case(session=session, office=office, case=case, clerk=STAFF.clerk)
    clock.set_local(start, 10)
    cases.start_special(session=session, office=office, case=case, actor=STAFF.reviewer, procedure_id="route_survey")
    if end is not None:
        clock.set_local(end, 10)
        cases.end_special(session=session, office=office, case=case, actor=STAFF.reviewer)
    return case


def test_a_special_procedure_stops_the_clock_on_the_day_asked(session, office, clock, engine):
    p = _surveyed(session, office, clock, D(2026, 11, 5))
    q = _surveyed(session, office, clock, D(2026, 11, 11))
    s = _surveyed(session, office, clock, D(2026, 11, 12), end=D(2026, 11, 17))
    assert (p.promised_due, q.promised_due, s.promised_due) == (D(2026, 11, 9), D(2026, 11, 9), D(2026, 11, 12))

    def listed(day):
        with engine.connect() as conn:
            work = open_work(conn, Scope(day, day), as_of=day, calendar=office.calendar)
        return {c.case_id: (c.promised_due, c.promised_age, c.legal_age) for c in work.cases}

    assert listed(D(2026, 11, 16)) == {q.id: (D(2026, 11, 12), 2, None), s.id: (D(2026, 11, 11), 3, None)}
    assert listed(D(2026, 11, 11)) == {q.id: (D(2026, 11, 9), 2, None), s.id: (D(2026, 11, 9), 2, None)}
