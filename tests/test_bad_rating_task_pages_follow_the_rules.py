"""The 差评 task pages: the owner sees the task and records its step; another clerk is refused; an auditor decides."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlmodel import select

from tests.page_helpers import add_staff, client_as, csrf_from, error_code, soup
from tests.support import open_complete
from workflows import accounts, ratings
from workflows.rating_models import RatingAppeal, RatingTask


def _lead(session):
    accounts.add_user(session=session, username="lead", password="pw-lead-0123456789", roles=["clerk"],
                      display_name="陈负责人", window="W01", now=dt.datetime.now(dt.UTC))


def test_the_owner_records_the_revisit_and_others_are_refused(app, session, office):
    add_staff(session)
    _lead(session)
    case = open_complete(session, office, "road-freight-licence")
    seq = ratings.visits_of(session=session, case=case)[0].seq
    ratings.rate_visit(session=session, office=office, case=case, visit_seq=seq, channel="public", now=office.now(),
                       given=ratings.RatingInput("dissatisfied", categories=("slow",)))
    task = session.exec(select(RatingTask)).one()
    with TestClient(app) as lead:
        token = csrf_from(lead, "/login")
        lead.post("/login", data={"csrf": token, "username": "lead", "password": "pw-lead-0123456789"})
        rows = soup(lead.get("/ratings/tasks")).select("#rating-tasks tbody tr")
        assert [r["data-task"] for r in rows] == [str(task.id)]
        page = soup(lead.get(f"/ratings/tasks/{task.id}"))
        assert page.select_one("h1 .stage").get_text() == "待回访核实"
        assert "办理时间长、超时办理" in page.select_one("#rating").get_text()
        form = page.select_one("#step-form")
        response = lead.post(f"/ratings/tasks/{task.id}/step", data={
            "csrf": form.select_one("input[name=csrf]")["value"], "step": "revisit", "version": str(task.version),
            "result": "founded", "note": "已电话回访，情况属实"}, follow_redirects=False)
        assert response.status_code == 303
        page = soup(lead.get(f"/ratings/tasks/{task.id}"))
        assert page.select_one("h1 .stage").get_text() == "待整改"
        assert [tr["data-step"] for tr in page.select("#log tbody tr")] == ["rated", "task_opened", "revisited"]
        # The deadlines in the log read as dates on every other page do, not as ISO strings.
        opened = page.select_one('#log tbody tr[data-step="task_opened"]').get_text()
        revisit_due = task.revisit_due
        assert f"回访期限 {revisit_due.year}年{revisit_due.month}月{revisit_due.day}日" in opened
        assert revisit_due.isoformat() not in opened
        appeal_form = page.select_one("#appeal-form")
        assert appeal_form is not None
    with client_as(app, "clerk") as other:
        assert other.get(f"/ratings/tasks/{task.id}").status_code == 403
        assert soup(other.get("/ratings/tasks")).select("#rating-tasks tbody tr") == []
    with client_as(app, "auditor") as auditor:
        assert soup(auditor.get(f"/ratings/tasks/{task.id}")).select_one("#step-form") is None  # reads, never acts
        refused = auditor.post(f"/ratings/tasks/{task.id}/step", data={
            "csrf": csrf_from(auditor, "/ratings/tasks"), "step": "rectify", "version": "2", "action": "x",
            "done_on": office.today().isoformat()})
        assert refused.status_code == 403 and error_code(refused) == "not-task-owner"
    assert session.exec(select(RatingAppeal)).first() is None


def test_the_appeals_page_links_each_appeal_to_its_own_task(app, session, office):
    from tests.rating_support import LEAD
    from workflows import rating_appeals

    add_staff(session)
    _lead(session)
    rated = []
    for _ in range(2):
        case = open_complete(session, office, "road-freight-licence")
        seq = ratings.visits_of(session=session, case=case)[0].seq
        rated.append(ratings.rate_visit(session=session, office=office, case=case, visit_seq=seq, channel="kiosk",
                                        now=office.now(), given=ratings.RatingInput("dissatisfied",
                                                                                     categories=("slow",))))
    appealed = rated[1]
    rating_appeals.file_appeal(session=session, office=office, rating=appealed, actor=LEAD, reason="mistaken",
                               evidence="窗口录像显示申请人误点了评价器按键")
    task = session.exec(select(RatingTask).where(RatingTask.rating_id == appealed.id)).one()
    with client_as(app, "auditor") as auditor:
        rows = soup(auditor.get("/ratings/appeals")).select("#appeals tbody tr")
    assert len(rows) == 1
    assert rows[0].select_one("td a")["href"] == f"/ratings/tasks/{task.id}"
