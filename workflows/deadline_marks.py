"""即将超期 and 已超期: the morning's marks on open cases near or past their promised limit.

Each morning a scheduled run (workflows/schedule.py, `deadline-marks`) computes, on
the same working-day calendar as the deadlines themselves (workflows/workdays.py,
with 调休), which open cases are within `DUE_SOON_WORKDAYS` working days of their
promised limit (承诺办结日) and which are past it, and stores one mark per such case
with the day it was computed. The staff queue reads the marks to put those cases
first (workflows/queries.py) and the auditor's page reads `mark_counts`; neither
recomputes them per request. A case whose clock is paused (特别程序) is not marked:
its limit is moved on when the procedure ends.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, func, insert
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from workflows.db import core_table
from workflows.machine import FINAL_STATES
from workflows.models import Case, DeadlineMark
from workflows.office import Office

DUE_SOON_WORKDAYS = 2  # working days left (today included) at which an open case is 即将超期
OVERDUE, DUE_SOON = "overdue", "due_soon"
MARK_LABELS = {OVERDUE: "已超期", DUE_SOON: "即将超期"}

CASES = core_table(Case)
MARKS = core_table(DeadlineMark)


def marks_for_day(engine: Engine, office: Office, day: dt.date) -> list[dict[str, object]]:
    """The mark of every open, running case that is due within the window or past it, as of `day`."""
    horizon = office.calendar.add_workdays(day, DUE_SOON_WORKDAYS).due
    query = (sa_select(CASES.c.id, CASES.c.promised_due)
             .where(CASES.c.state.not_in(sorted(FINAL_STATES)), CASES.c.state.not_like("special\\_%", escape="\\"),
                    CASES.c.promised_due.is_not(None), CASES.c.promised_due <= horizon)
             .order_by(CASES.c.id))
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    counted: dict[dt.date, int] = {}
    marks: list[dict[str, object]] = []
    for case_id, due in rows:
        if due not in counted:
            counted[due] = office.calendar.workdays_between(day, due)
        mark = OVERDUE if due < day else DUE_SOON
        marks.append({"case_id": case_id, "mark": mark, "due": due, "days_left": counted[due], "computed_on": day})
    return marks


def mark_day(*, engine: Engine, office: Office, day: dt.date) -> str:
    """The scheduled task: replace the marks with those of `day`, in one transaction."""
    marks = marks_for_day(engine, office, day)
    for attempt in range(2):
        try:
            with engine.begin() as conn:
                conn.execute(delete(MARKS))
                if marks:
                    conn.execute(insert(MARKS), marks)
            break
        except IntegrityError:  # a second run for the same morning wrote its marks between our delete and insert
            if attempt:
                raise
    overdue = sum(1 for m in marks if m["mark"] == OVERDUE)
    return f"已超期 {overdue} 件，即将超期 {len(marks) - overdue} 件（{day.isoformat()}）"


@dataclass(frozen=True)
class MarkCounts:
    """For the auditor's page: open cases marked this morning (or at the last run, `computed_on`)."""

    due_soon: int
    overdue: int
    computed_on: dt.date | None  # None when the job has never run


def mark_counts(session: Session) -> MarkCounts:
    """How many still-open cases carry each mark, from the stored marks (no deadline is recomputed)."""
    query = (sa_select(MARKS.c.mark, func.count())
             .select_from(MARKS.join(CASES, CASES.c.id == MARKS.c.case_id))
             .where(CASES.c.state.not_in(sorted(FINAL_STATES)))
             .group_by(MARKS.c.mark))
    rows = session.execute(query).all()
    computed: dt.date | None = session.execute(sa_select(func.max(MARKS.c.computed_on))).scalar()
    found = {mark: count for mark, count in rows}
    return MarkCounts(due_soon=found.get(DUE_SOON, 0), overdue=found.get(OVERDUE, 0), computed_on=computed)
