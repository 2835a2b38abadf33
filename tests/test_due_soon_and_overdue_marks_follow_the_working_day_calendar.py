"""Each morning's job marks every open case within 2 working days of its promised limit
(即将超期) and every case past it (已超期), counting working days with 调休, and stores
the marks: the queue puts them first with a visible marker, the auditor's count reads
them, and nothing is recomputed per request.

The National Day week of 2026: 10-01..10-07 off, Saturday 10-10 a working day (调休)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from tests.page_helpers import add_staff, client_as, soup
from tests.support import STAFF, company, open_complete
from workflows import cases
from workflows.db import session as new_session
from workflows.deadline_marks import mark_counts, mark_day
from workflows.models import DeadlineMark
from workflows.schedule import SCHEDULE, run_due

FRIDAY, MONDAY = dt.date(2026, 10, 9), dt.date(2026, 10, 12)
# Accepted on → promised limit (5 working days, counting Saturday 10-10 and skipping the holiday).
ACCEPTED = {"a": dt.date(2026, 9, 24), "b": dt.date(2026, 9, 28), "c": dt.date(2026, 9, 29), "d": dt.date(2026, 9, 30)}
DUE = {"a": dt.date(2026, 10, 9), "b": dt.date(2026, 10, 10), "c": dt.date(2026, 10, 12), "d": dt.date(2026, 10, 13)}


@pytest.fixture
def accepted(session, office, clock):
    add_staff(session)
    made = {}
    for name, day in ACCEPTED.items():
        clock.set_local(day)
        case = open_complete(session, office, "road-freight-licence", applicant=company(name=f"{name}运输公司"))
        cases.accept_case(session=session, office=office, case=case, clerk=STAFF.clerk)
        assert case.promised_due == DUE[name], name
        made[name] = case
    return made


def marks(engine, made):
    with new_session(engine) as s:
        stored = {m.case_id: m for m in s.exec(select(DeadlineMark))}
    return {name: (stored[c.id].mark, stored[c.id].days_left) for name, c in made.items() if c.id in stored}


def test_friday_before_the_working_saturday(accepted, office, engine):
    mark_day(engine=engine, office=office, day=FRIDAY)

    # d (due Tuesday) has three working days left: Saturday 10-10 counts, so it is not yet marked.
    assert marks(engine, accepted) == {"a": ("due_soon", 0), "b": ("due_soon", 1), "c": ("due_soon", 2)}


def test_monday_after_it(accepted, office, engine, session):
    mark_day(engine=engine, office=office, day=FRIDAY)
    mark_day(engine=engine, office=office, day=MONDAY)  # replaces Friday's marks

    assert marks(engine, accepted) == {"a": ("overdue", -2), "b": ("overdue", -1), "c": ("due_soon", 0),
                                       "d": ("due_soon", 1)}
    counts = mark_counts(session)
    assert (counts.overdue, counts.due_soon, counts.computed_on) == (2, 2, MONDAY)


def test_a_closed_case_leaves_the_count(accepted, office, engine, session):
    mark_day(engine=engine, office=office, day=MONDAY)
    cases.withdraw(session=session, office=office, case=accepted["a"], clerk=STAFF.clerk, reason="申请人撤回")

    counts = mark_counts(session)
    assert (counts.overdue, counts.due_soon) == (1, 2)


def test_the_morning_job_is_declared_and_marks_today(accepted, office, engine, clock):
    clock.set_local(MONDAY, hour=7)

    [result] = run_due(engine=engine, office=office, entry=next(e for e in SCHEDULE if e.name == "deadline-marks"))

    assert result.day == MONDAY and "已超期 2 件" in result.summary
    assert marks(engine, accepted)["a"] == ("overdue", -2)


def queue(app):
    with client_as(app, "reviewer") as reviewer:
        rows = soup(reviewer.get("/queue")).select("table.cases tbody tr")
    return [(int(r["data-case-id"]), r["class"][0], r.select_one(".mark").get_text(strip=True) if r.select_one(".mark")
             else "") for r in rows]


def test_the_queue_puts_the_marked_cases_first_with_their_marker(app, accepted, office, engine, clock):
    mark_day(engine=engine, office=office, day=MONDAY)
    ids = {name: c.id for name, c in accepted.items()}

    assert queue(app) == [(ids["a"], "overdue", "已超期"), (ids["b"], "overdue", "已超期"),
                          (ids["c"], "near", "即将超期"), (ids["d"], "near", "即将超期")]


def test_the_queue_shows_the_stored_marks_not_a_recomputation(app, accepted, office, engine, clock):
    mark_day(engine=engine, office=office, day=FRIDAY)
    clock.set_local(MONDAY)  # Monday morning, before the job has run: Friday's marks still stand
    ids = {name: c.id for name, c in accepted.items()}

    assert queue(app) == [(ids["a"], "near", "即将超期"), (ids["b"], "near", "即将超期"),
                          (ids["c"], "near", "即将超期"), (ids["d"], "normal", "")]


def test_the_auditors_page_shows_the_mornings_counts(app, accepted, office, engine, clock):
    mark_day(engine=engine, office=office, day=MONDAY)
    clock.set_local(MONDAY)
    with client_as(app, "auditor") as auditor:
        line = soup(auditor.get("/audit")).select_one("#deadline-marks")

    assert line.select_one("[data-mark=overdue]").get_text(strip=True) == "已超期 2 件"
    assert line.select_one("[data-mark=due_soon]").get_text(strip=True) == "即将超期 2 件"
    assert "晨间超期标记（全中心，2026年10月12日）" in line.get_text()


def test_the_auditors_page_says_when_no_morning_has_been_marked(app, accepted):
    with client_as(app, "auditor") as auditor:
        line = soup(auditor.get("/audit")).select_one("#deadline-marks")

    assert line.select("[data-mark]") == [] and "尚未运行" in line.get_text()
