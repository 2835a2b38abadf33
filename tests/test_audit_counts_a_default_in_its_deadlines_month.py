"""A default (容缺 gap never supplied, 终止 by the sweep) counts in the month of its deadline,
not of the day it was swept: a case due 11-04 and swept 12-03 is November's, in the live
counters and after a rebuild from the event log."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from audit.facts import rebuild
from audit.models import FACTS, MONTHLY
from tests.support import FREIGHT_GAP, STAFF, VEHICLES_BOUGHT, open_complete
from workflows import cases
from workflows.sweep import sweep_overdue_gaps


def month_figures(engine, month: dt.date) -> tuple[int, int, int]:
    with engine.connect() as conn:
        row = conn.execute(select(func.coalesce(func.sum(MONTHLY.c.tolerated), 0),
                                  func.coalesce(func.sum(MONTHLY.c.defaulted), 0),
                                  func.coalesce(func.sum(MONTHLY.c.finished), 0))
                           .where(MONTHLY.c.day == month)).one()
    return tuple(row)


def test_a_default_swept_a_month_late_counts_in_its_deadlines_month(session, office, clock, engine):
    clock.set_local(dt.date(2026, 10, 30))  # Friday; 3 working days: due Wednesday 11-04
    case = open_complete(session, office, "road-freight-licence", missing=(FREIGHT_GAP,), data=VEHICLES_BOUGHT)
    cases.accept_with_tolerance(session=session, office=office, case=case, clerk=STAFF.clerk, pledge_signed=True)
    assert case.gap_due == dt.date(2026, 11, 4)
    clock.set_local(dt.date(2026, 12, 3), hour=10)  # nobody swept until December

    assert sweep_overdue_gaps(session=session, office=office).terminated == [case.receipt_no]

    november, december = dt.date(2026, 11, 1), dt.date(2026, 12, 1)
    assert month_figures(engine, november) == (1, 1, 1)
    assert month_figures(engine, december) == (0, 0, 0)
    with engine.begin() as conn:
        rebuild(conn, calendar=office.calendar, time=office.time)
        assert conn.execute(select(FACTS.c.finished_on)).scalar_one() == dt.date(2026, 11, 4)
    assert month_figures(engine, november) == (1, 1, 1)
    assert month_figures(engine, december) == (0, 0, 0)
