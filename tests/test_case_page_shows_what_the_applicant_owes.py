"""The case page of a case waiting on the applicant says what they owe and by when."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.page_helpers import add_staff, client_as, soup
from tests.support import FREIGHT_GAP, STAFF, VEHICLES_BOUGHT, open_complete
from workflows import cases

FREIGHT = "road-freight-licence"


@pytest.fixture
def staffed(session):
    add_staff(session)


def owed_rows(app, case):
    with client_as(app, "clerk") as clerk:
        page = soup(clerk.get(f"/cases/{case.id}"))
    section = page.select_one("#owed")
    return section, [[td.get_text(" ", strip=True) for td in tr.find_all("td")] for tr in
                     (section.select("tbody tr") if section else [])]


def test_a_notified_case_lists_the_corrections_with_their_deadline(app, session, office, staffed):
    case = open_complete(session, office, FREIGHT, missing=("driver_documents",))
    cases.issue_correction_notice(session=session, office=office, case=case, clerk=STAFF.clerk)
    due = dt.date.fromisoformat(case.progress["correction"]["due"])
    section, rows = owed_rows(app, case)
    name = office.matter_of(case).definition.material("driver_documents").name
    assert "补正" in section.find("h2").get_text()
    assert rows == [[name, "未提交", f"{due.year}年{due.month}月{due.day}日前", "网上提交、到窗口提交"]]


def test_a_tolerated_case_lists_its_gap_and_an_accepted_complete_one_lists_nothing(app, session, office, staffed):
    case = open_complete(session, office, FREIGHT, missing=(FREIGHT_GAP,), data=VEHICLES_BOUGHT)
    cases.accept_with_tolerance(session=session, office=office, case=case, clerk=STAFF.clerk, pledge_signed=True)
    section, rows = owed_rows(app, case)
    assert "补齐容缺材料" in section.find("h2").get_text()
    assert [r[0] for r in rows] == [office.matter_of(case).definition.material(FREIGHT_GAP).name]
    assert rows[0][3] == "邮寄提交、网上提交、到窗口提交"

    complete = open_complete(session, office, FREIGHT)
    cases.accept_case(session=session, office=office, case=complete, clerk=STAFF.clerk)
    assert owed_rows(app, complete)[0] is None
