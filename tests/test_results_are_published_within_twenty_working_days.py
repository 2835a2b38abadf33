"""一公开: results are due for publication 20 working days after they are recorded, counted on the office's
calendar with 调休 (2026's 国庆: 1–7 October off, Saturday 10 October worked); the staff page lists what is
due, publishing makes them public, and the auditor's page reports publication on time."""

from __future__ import annotations

import datetime as dt

from inspections import results
from tests.inspection_support import ADMIN, add_inspectors, add_licences, announce_and_run, items
from tests.page_helpers import add_staff, client_as, one, soup
from workflows.office import Actor
from workflows.workdays import WorkCalendar


def test_the_deadline_counts_working_days_over_the_national_day_holiday_and_its_working_saturday():
    calendar = WorkCalendar()
    # Recorded Friday 25 September 2026: 28, 29, 30 Sept (3); 1–7 Oct off; 8, 9 Oct and Saturday 10 Oct worked
    # (6); 12–16 (11); 19–23 (16); 26, 27, 28, 29 Oct (20).
    assert results.publication_due(calendar, dt.date(2026, 9, 25)) == dt.date(2026, 10, 29)
    # Without the working Saturday it would be the 30th: the 调休 day counts.
    assert calendar.is_workday(dt.date(2026, 10, 10))
    # Recorded on the Saturday worked, the count starts the Monday after.
    assert results.publication_due(calendar, dt.date(2026, 10, 10)) == dt.date(2026, 11, 6)


def _recorded(session, office, clock, *, on: dt.date):
    add_staff(session)
    add_licences(session, 41)
    add_inspectors(session, 3)
    clock.set_local(on - dt.timedelta(days=1))
    draw_id = announce_and_run(session, office, clock)
    from inspections import draws

    row = draws.record(session=session, draw_id=draw_id)
    user_of = dict(zip((i[0] for i in row["inspectors"]), row["usernames"], strict=True))
    number, team = row["assignments"][0]
    member = Actor(user_of[team[0]], frozenset({"inspector"}))
    results.record_result(session=session, office=office, items=items(), actor=member, draw_id=draw_id,
                          licence_number=number, outcome="clear", inspected_on=office.today(), note="")
    return draw_id


def test_the_staff_page_lists_the_result_with_its_deadline_until_it_is_published(app, session, office, clock):
    draw_id = _recorded(session, office, clock, on=dt.date(2026, 9, 25))
    with client_as(app, "admin") as admin:
        row = one(soup(admin.get("/inspections")), "#due tbody tr")
        assert one(row, "td.due").get_text() == "2026年10月29日"

        clock.set_local(dt.date(2026, 10, 30))
        row = one(soup(admin.get("/inspections")), "#due tbody tr")
        assert "已逾期" in row.get_text()

        results.publish(session=session, office=office, actor=ADMIN, draw_id=draw_id)
        assert soup(admin.get("/inspections")).select("#due tbody tr") == []


def test_the_auditors_page_reports_publication_on_time_and_late(app, session, office, clock):
    draw_id = _recorded(session, office, clock, on=dt.date(2026, 9, 25))
    clock.set_local(dt.date(2026, 10, 29), hour=16)  # the last day
    results.publish(session=session, office=office, actor=ADMIN, draw_id=draw_id)
    figure = results.on_time(session=session, office=office, start=dt.date(2026, 9, 1), end=dt.date(2026, 9, 30))
    assert (figure.recorded, figure.published_on_time, figure.published_late, figure.overdue_unpublished) == \
        (1, 1, 0, 0)

    clock.set_local(dt.date(2026, 11, 2))
    with client_as(app, "auditor") as auditor:
        line = one(soup(auditor.get("/audit?start=2026-09-01&end=2026-09-30")), "#inspection-publication")
    assert one(line, "[data-count=recorded]").get_text() == "1"
    assert one(line, "[data-count=on-time]").get_text() == "1"
    assert "100.0%" in line.get_text()


def test_a_result_published_the_day_after_its_deadline_counts_late(session, office, clock):
    draw_id = _recorded(session, office, clock, on=dt.date(2026, 9, 25))
    clock.set_local(dt.date(2026, 10, 30))
    results.publish(session=session, office=office, actor=ADMIN, draw_id=draw_id)

    figure = results.on_time(session=session, office=office, start=dt.date(2026, 9, 1), end=dt.date(2026, 9, 30))

    assert (figure.published_on_time, figure.published_late, figure.rate) == (0, 1, 0.0)
