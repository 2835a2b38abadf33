"""The owner's /queue says how many 差评 tasks are theirs and open, and how many are late, linking to them."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient

from tests.page_helpers import add_staff, attr, client_as, login, one, soup
from tests.support import open_complete
from workflows import accounts, ratings


def test_the_queue_line_counts_the_owners_open_and_overdue_tasks(app, session, office, clock):
    add_staff(session)
    accounts.add_user(session=session, username="lead", password="pw-lead-0123456789", roles=["clerk"],
                      display_name="陈负责人", window="W01", now=clock())
    clock.set_local(dt.date(2026, 11, 25), 9)  # Wednesday
    for _ in range(2):
        case = open_complete(session, office, "road-freight-licence")
        seq = ratings.visits_of(session=session, case=case)[0].seq
        ratings.rate_visit(session=session, office=office, case=case, visit_seq=seq, channel="public",
                           now=clock(), given=ratings.RatingInput("dissatisfied", categories=("slow",)))
    with TestClient(app) as lead:
        login(lead, "lead", "pw-lead-0123456789")
        line = one(soup(lead.get("/queue")), "#rating-tasks-line")
        assert (line["data-open"], line["data-overdue"]) == ("2", "0")
        assert attr(one(line, "a"), "href") == "/ratings/tasks"
        clock.set_local(dt.date(2026, 11, 27), 9)  # Friday: the 回访 was due on Thursday
        line = one(soup(lead.get("/queue")), "#rating-tasks-line")
        assert (line["data-open"], line["data-overdue"]) == ("2", "2")
        assert "其中 2 件已超过回访或整改期限" in line.get_text()
    with client_as(app, "clerk") as clerk:  # not the owner: no line
        assert soup(clerk.get("/queue")).select_one("#rating-tasks-line") is None
