"""The 等待申请人 tab: cases waiting on a correction (待补正) or a tolerated gap (容缺待补),
soonest deadline first, with what is owed, the deadline, working days left and
the applicant's phone; flagged near and overdue; scoped to the clerk's window
as the queue is; the same list over the API.

The week (office calendar, no holidays in November 2026): today is Wednesday
25 November. A 一次性告知书 gives 10 working days (office profile), a gap of
the freight licence's vehicle grade certificates 3 working days.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.api_fixtures import as_role, tokens  # noqa: F401
from tests.page_helpers import add_staff, client_as, login, soup
from tests.support import FREIGHT_GAP, STAFF, VEHICLES_BOUGHT, open_complete, person, run_to_close
from workflows import cases, queries
from workflows.cases import MaterialCheck
from workflows.models import CaseEvent
from workflows.sweep import sweep_overdue_gaps

FREIGHT = "road-freight-licence"
TODAY = dt.date(2026, 11, 25)


def notified_on(session, office, clock, day: dt.date, phone: str, *, clerk=STAFF.clerk, notes=None):
    """A freight application missing its form and its safety rules, with a 一次性告知书 issued on `day`."""
    clock.set_local(day)
    case = open_complete(session, office, FREIGHT, clerk=clerk, missing=("application_form", "safety_rules"),
                         applicant=person(name=f"申请人{phone[-4:]}", phone=phone))
    cases.issue_correction_notice(session=session, office=office, case=case, clerk=clerk, notes=notes)
    return case


def tolerated_on(session, office, clock, day: dt.date, phone: str, *, clerk=STAFF.clerk):
    """A freight application accepted on `day` with its vehicles' grade certificates still to come (容缺)."""
    clock.set_local(day)
    case = open_complete(session, office, FREIGHT, clerk=clerk, missing=(FREIGHT_GAP,), data=VEHICLES_BOUGHT,
                         applicant=person(name=f"申请人{phone[-4:]}", phone=phone))
    cases.accept_with_tolerance(session=session, office=office, case=case, clerk=clerk, pledge_signed=True)
    return case


@pytest.fixture
def week(session, office, clock):
    """Five waiting cases with deadlines on 23, 25, 27, 30 November and 9 December, and six that do not wait."""
    # Opened out of deadline order, so that neither the ids nor the opening dates give the order.
    made = {
        "in_three": tolerated_on(session, office, clock, TODAY, "13800000004"),  # due Mon 30 Nov
        "overdue": notified_on(session, office, clock, dt.date(2026, 11, 9), "13800000001"),  # due Mon 23 Nov
        "in_ten": notified_on(session, office, clock, TODAY, "13800000005"),  # due Wed 9 Dec
        "due_today": tolerated_on(session, office, clock, dt.date(2026, 11, 20), "13800000002"),  # due Wed 25 Nov
        "in_two": notified_on(session, office, clock, dt.date(2026, 11, 13), "13800000003"),  # due Fri 27 Nov
    }
    defaulted = tolerated_on(session, office, clock, dt.date(2026, 11, 9), "13800000010")  # gap due Thu 12 Nov
    clock.set_local(TODAY)
    assert sweep_overdue_gaps(session=session, office=office).terminated == [defaulted.receipt_no]
    session.refresh(defaulted)
    assert defaulted.gap_due is not None  # ended with its gap open: final, so nobody's to chase
    accepted = open_complete(session, office, FREIGHT)
    cases.accept_case(session=session, office=office, case=accepted, clerk=STAFF.clerk)
    received = open_complete(session, office, FREIGHT, missing=("safety_rules",))  # the clerk's, not yet notified
    supplied = tolerated_on(session, office, clock, TODAY, "13800000006")
    cases.record_supplement(session=session, office=office, case=supplied, clerk=STAFF.clerk,
                            material_id=FREIGHT_GAP, channel="post")
    withdrawn = notified_on(session, office, clock, TODAY, "13800000007")
    cases.withdraw(session=session, office=office, case=withdrawn, clerk=STAFF.clerk, reason="申请人撤回申请")
    closed = tolerated_on(session, office, clock, TODAY, "13800000008")
    cases.record_supplement(session=session, office=office, case=closed, clerk=STAFF.clerk,
                            material_id=FREIGHT_GAP, channel="post")
    run_to_close(session, office, closed)
    made["not_waiting"] = [accepted, received, supplied, withdrawn, closed, defaulted]
    return made


ORDER = ("overdue", "due_today", "in_two", "in_three", "in_ten")


def waiting_page(app, role: str = "clerk"):
    with client_as(app, role) as browser:
        return soup(browser.get("/queue/waiting"))


def cells(row, name: str) -> str:
    return row.select_one(f"td.{name}").get_text(" ", strip=True)


def test_the_tab_lists_exactly_the_waiting_cases_soonest_deadline_first(app, session, week):
    add_staff(session)
    rows = waiting_page(app).select("table#waiting tbody tr")
    assert [int(r["data-case-id"]) for r in rows] == [week[k].id for k in ORDER]
    assert [cells(r, "due") for r in rows] == ["2026年11月23日", "2026年11月25日", "2026年11月27日", "2026年11月30日",
                                              "2026年12月9日"]
    assert [cells(r, "kind") for r in rows] == ["补正", "容缺补齐", "补正", "容缺补齐", "补正"]
    assert [r.select_one("td.receipt a")["href"] for r in rows] == [f"/cases/{week[k].id}" for k in ORDER]


def test_each_row_names_what_is_owed_and_the_phone_in_full(app, session, week):
    add_staff(session)
    rows = {int(r["data-case-id"]): r for r in waiting_page(app).select("table#waiting tbody tr")}
    notified, tolerated = rows[week["in_two"].id], rows[week["in_three"].id]
    assert [li.get_text(strip=True) for li in notified.select("td.owed li")] == [
        "《道路货物运输经营申请表》", "安全生产管理制度文本"]
    assert [li.get_text(strip=True) for li in tolerated.select("td.owed li")] == ["车辆技术等级评定结论复印件"]
    assert cells(notified, "phone") == "13800000003"
    assert notified.select_one("td.phone a")["href"] == "tel:13800000003"
    assert cells(notified, "applicant") == "申请人0003"
    assert cells(notified, "matter") == "道路货物运输经营许可"


def test_near_deadlines_are_flagged_and_past_ones_marked_overdue(app, session, week):
    add_staff(session)
    rows = waiting_page(app).select("table#waiting tbody tr")
    assert [r["class"] for r in rows] == [["overdue"], ["near"], ["near"], ["normal"], ["normal"]]
    assert [cells(r, "left") for r in rows] == ["已逾期 2 个工作日", "今日到期", "2 临近期限", "3", "10"]


def test_a_deadline_that_fell_on_a_weekend_is_overdue_on_the_monday(app, session, office, clock):
    add_staff(session)
    case = notified_on(session, office, clock, dt.date(2026, 11, 13), "13800000009")  # due Friday 27 November
    clock.set_local(dt.date(2026, 11, 28))  # Saturday: no working day has passed since, yet the day has
    row = waiting_page(app).select_one(f'table#waiting tr[data-case-id="{case.id}"]')
    assert row["class"] == ["overdue"] and cells(row, "left") == "已逾期"


def test_tab_labels_carry_the_counts_and_the_current_tab_is_marked(app, session, week):
    add_staff(session)
    with client_as(app, "clerk") as clerk:
        mine, waiting = soup(clerk.get("/queue")), soup(clerk.get("/queue/waiting"))
    for page in (mine, waiting):
        labels = [a.get_text(strip=True) for a in page.select("nav.tabs a")]
        # 我的待办: the one 收件 not yet notified; the others wait on the applicant or on review
        assert labels == ["我的待办（1）", "等待申请人（5）"]
        assert [a["href"] for a in page.select("nav.tabs a")] == ["/queue", "/queue/waiting"]
    assert [a.get("aria-current") for a in mine.select("nav.tabs a")] == ["page", None]
    assert [a.get("aria-current") for a in waiting.select("nav.tabs a")] == [None, "page"]
    assert mine.select_one("table#waiting") is None and waiting.select_one("table.cases") is None


def test_a_special_window_sees_its_own_waiting_cases_and_a_comprehensive_window_every_windows(
        app, session, office, clock):
    add_staff(session)
    at_w01 = notified_on(session, office, clock, TODAY, "13800000011", clerk=STAFF.clerk)
    at_w02 = tolerated_on(session, office, clock, TODAY, "13800000012", clerk=STAFF.clerk2)
    general = waiting_page(app, "clerk")
    assert {int(r["data-case-id"]) for r in general.select("table#waiting tbody tr")} == {at_w01.id, at_w02.id}
    with client_as(app, None) as special:
        assert login(special, "clerk2").status_code == 303
        page = soup(special.get("/queue/waiting"))
    assert [int(r["data-case-id"]) for r in page.select("table#waiting tbody tr")] == [at_w02.id]
    assert page.select("nav.tabs a")[1].get_text(strip=True) == "等待申请人（1）"


def test_reviewers_and_approvers_see_the_tab_and_the_auditor_does_not(app, session, week):
    add_staff(session)
    assert len(waiting_page(app, "reviewer").select("table#waiting tbody tr")) == 5
    with client_as(app, "auditor") as auditor:
        assert auditor.get("/queue/waiting").status_code == 403


def test_an_empty_tab_says_so(app, session):
    add_staff(session)
    page = waiting_page(app)
    assert page.select_one("table#waiting") is None
    assert "没有等待申请人" in page.select_one("p.msg.ok").get_text()


def test_a_notice_recorded_before_its_deadline_was_stored_is_due_by_the_same_rule(session, office, clock):
    """Notices from before 补正期限 were recorded carry none: the deadline counts from the notice's own day."""
    case = notified_on(session, office, clock, dt.date(2026, 11, 9), "13800000013")
    event = session.exec(CaseEvent.__table__.select().where(CaseEvent.case_id == case.id,
                                                            CaseEvent.action == "notify")).one()
    session.execute(CaseEvent.__table__.update().where(CaseEvent.__table__.c.id == event.id)
                    .values(payload={"items": event.payload["items"]}))
    case.progress = {k: v for k, v in case.progress.items() if k != "correction"}
    session.add(case)
    session.commit()
    clock.set_local(TODAY)
    [found] = queries.waiting_on_applicant(session=session, office=office, actor=STAFF.clerk)
    assert found.due == dt.date(2026, 11, 23) and found.left == -2 and found.overdue
    assert [d.material for d in found.demands] == ["application_form", "safety_rules"]


def test_a_resubmission_takes_the_case_off_the_list(session, office, clock):
    case = notified_on(session, office, clock, TODAY, "13800000014")
    assert [w.case.id for w in queries.waiting_on_applicant(session=session, office=office, actor=STAFF.clerk)] == [
        case.id]
    cases.resubmit(session=session, office=office, case=case, clerk=STAFF.clerk, channel="online",
                   materials={"application_form": MaterialCheck("ok"), "safety_rules": MaterialCheck("ok")})
    assert queries.waiting_on_applicant(session=session, office=office, actor=STAFF.clerk) == []
    assert queries.count_waiting(session=session, actor=STAFF.clerk) == 0


def test_the_api_lists_the_same_cases_with_phone_deadline_and_items(client, app, session, week, as_role):
    response = client.get("/api/queue/waiting", headers=as_role["clerk"])
    assert response.status_code == 200
    items = response.json()
    assert [(i["id"], i["waiting_for"], i["due"], i["due_left"], i["overdue"]) for i in items] == [
        (week["overdue"].id, "correction", "2026-11-23", -2, True),
        (week["due_today"].id, "gaps", "2026-11-25", 0, False),
        (week["in_two"].id, "correction", "2026-11-27", 2, False),
        (week["in_three"].id, "gaps", "2026-11-30", 3, False),
        (week["in_ten"].id, "correction", "2026-12-09", 10, False),
    ]
    first = items[0]
    assert first["applicant_phone"] == "13800000001" and first["waiting_label"] == "补正"
    assert first["matter_name"] == "道路货物运输经营许可"
    assert [(o["material"], o["problem"], o["due"]) for o in first["owed"]] == [
        ("application_form", "未提交", "2026-11-23"), ("safety_rules", "未提交", "2026-11-23")]
    assert [i["id"] for i in client.get("/api/queue/waiting", params={"limit": 2},
                                        headers=as_role["clerk"]).json()] == [week["overdue"].id, week["due_today"].id]
    assert client.get("/api/queue/waiting", headers=as_role["clerk2"]).json() == []  # another window's cases
    assert client.get("/api/queue/waiting", headers=as_role["auditor"]).status_code == 403
