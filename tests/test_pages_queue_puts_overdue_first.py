"""My queue: the morning's marks put overdue cases first, then those near their deadline, with working
days left; by window."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.page_helpers import add_staff, client_as, login, soup
from tests.support import STAFF, company, open_complete
from workflows import cases
from workflows.deadline_marks import mark_day


@pytest.fixture
def staffed(session):
    add_staff(session)


def accepted_on(session, office, clock, day: dt.date, name: str):
    clock.set_local(day)
    case = open_complete(session, office, "road-freight-licence", applicant=company(name=name))
    cases.accept_case(session=session, office=office, case=case, clerk=STAFF.clerk)
    return case


def test_reviewer_queue_is_ordered_overdue_then_near_then_the_rest(app, session, office, clock, staffed, engine):
    today = dt.date(2026, 11, 25)
    fresh = accepted_on(session, office, clock, today, "丙")  # due Wed 12-02: 5 working days left
    late = accepted_on(session, office, clock, dt.date(2026, 11, 16), "甲")  # due Mon 11-23: 2 days overdue
    near = accepted_on(session, office, clock, dt.date(2026, 11, 20), "乙")  # due Fri 11-27: 2 days left
    clock.set_local(today)
    mark_day(engine=engine, office=office, day=today)  # the morning's job
    with client_as(app, "reviewer") as reviewer:
        rows = soup(reviewer.get("/queue")).select("table.cases tbody tr")
    assert [int(r["data-case-id"]) for r in rows] == [late.id, near.id, fresh.id]
    assert [r["class"][0] for r in rows] == ["overdue", "near", "normal"]
    left = [r.select("td")[-1].get_text(" ", strip=True) for r in rows]
    assert left == ["超期 2 个工作日", "2", "5"]
    due = [r.select("td")[5].get_text(strip=True) for r in rows]
    assert due == ["2026年11月23日", "2026年11月27日", "2026年12月2日"]


def test_queue_rows_mask_the_applicants_id(app, session, office, staffed):
    case = open_complete(session, office, "road-freight-licence")
    with client_as(app, "clerk") as clerk:
        row = soup(clerk.get("/queue")).select_one(f'tr[data-case-id="{case.id}"]')
    shown = row.select("td")[3].get_text(strip=True)
    assert shown != case.applicant_id_no and shown.startswith(case.applicant_id_no[:6]) and "*" in shown


def test_a_comprehensive_window_sees_every_window_and_a_special_window_only_its_own(app, session, office, staffed):
    at_w01 = open_complete(session, office, "road-freight-licence", clerk=STAFF.clerk)
    at_w02 = open_complete(session, office, "road-freight-licence", clerk=STAFF.clerk2)
    with client_as(app, "clerk") as general:
        seen = {int(r["data-case-id"]) for r in soup(general.get("/queue")).select("table.cases tbody tr")}
    assert seen == {at_w01.id, at_w02.id}
    with client_as(app, None) as special:
        assert login(special, "clerk2").status_code == 303
        seen = {int(r["data-case-id"]) for r in soup(special.get("/queue")).select("table.cases tbody tr")}
    assert seen == {at_w02.id}


def test_a_case_in_a_special_procedure_shows_its_clock_paused(app, session, office, staffed):
    case = open_complete(session, office, "oversize-transport-permit")
    cases.accept_case(session=session, office=office, case=case, clerk=STAFF.clerk)
    cases.start_special(session=session, office=office, case=case, actor=STAFF.reviewer, procedure_id="route_survey")
    with client_as(app, "reviewer") as reviewer:
        row = soup(reviewer.get("/queue")).select_one(f'tr[data-case-id="{case.id}"]')
        assert "暂停计时" in row.select("td")[-1].get_text()
        page = soup(reviewer.get(f"/cases/{case.id}"))
    assert "暂停计时" in page.select_one("#deadlines").get_text()
