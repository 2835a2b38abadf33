"""A 转办 takes a case's figures along: everything about it, its 收件 count included, counts under
the window it belongs to when it finishes, exactly as a rebuild from the stored cases counts it."""

from __future__ import annotations

from sqlalchemy import select

from audit import facts
from audit.measures import DAILY, FACTS, MONTHLY, WORKDAYS
from tests.support import STAFF, open_complete, run_to_close
from workflows import cases


def snapshot(conn):
    return [sorted(tuple(r) for r in conn.execute(select(t))) for t in (DAILY, MONTHLY, WORKDAYS, FACTS)]


def test_a_transferred_case_counts_under_its_new_window_as_a_rebuild_counts_it(session, office, engine):
    facts.install(office)
    case = open_complete(session, office, "road-freight-licence")  # 收件 at W01
    cases.transfer_case(session=session, office=office, case=case, clerk=STAFF.clerk, window="W02",
                        reason="交通运输专窗办理")
    run_to_close(session, office, case)

    with engine.begin() as conn:
        counted = snapshot(conn)
        by_window = {(r.window, r.opened, r.closed) for r in conn.execute(select(DAILY))}
        assert facts.rebuild(conn, calendar=office.calendar, time=office.time) == 1
        rebuilt = snapshot(conn)

    assert by_window == {("W02", 1, 1)}
    assert rebuilt == counted
