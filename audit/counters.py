"""Each daily counter as one SQL predicate over `audit_cases`.

The same expression fills the aggregate (SUM(CASE WHEN …)) and selects the
drill-down list (WHERE …), so a list always has exactly as many cases as the
number that links to it.
"""

from __future__ import annotations

from sqlalchemy import and_, case, func, true
from sqlalchemy.sql.elements import ColumnElement

from audit.models import AuditCase
from workflows.db import core_table

C = core_table(AuditCase).c
CLOSED = C.final_state == "closed"

# counter name -> which finished cases it counts
PREDICATES: dict[str, ColumnElement[bool]] = {
    "finished": true(),
    "closed": CLOSED,
    "one_visit": and_(CLOSED, C.visits <= 1),
    "zero_visit": and_(CLOSED, C.visits == 0),
    "visits_1": and_(CLOSED, C.visits == 1),
    "visits_2": and_(CLOSED, C.visits == 2),
    "visits_3p": and_(CLOSED, C.visits >= 3),
    "complete_first": and_(CLOSED, C.complete_first.is_(True)),
    "complete_first_one_visit": and_(CLOSED, C.complete_first.is_(True), C.visits <= 1),
    "timed": and_(CLOSED, C.working_days.is_not(None)),
    "within_promised": and_(CLOSED, C.within_promised.is_(True)),
    "within_legal": and_(CLOSED, C.within_legal.is_(True)),
    "tolerated": C.tolerated.is_(True),
    "defaulted": C.defaulted.is_(True),
    "noticed": C.notices > 0,
    "repeat_notices": C.notices > 1,
    "refused": C.final_state == "refused",
    "withdrawn": C.final_state == "withdrawn",
    "terminated": C.final_state == "terminated",
}

# counters that add up a quantity rather than count cases
SUMS: dict[str, ColumnElement[int]] = {
    "notices": C.notices,
    "workdays_sum": case((PREDICATES["timed"], C.working_days), else_=0),
}

def counter_columns() -> dict[str, ColumnElement[int]]:
    """The SELECT list that turns audit_cases rows into aggregate counters."""
    columns: dict[str, ColumnElement[int]] = {name: func.sum(case((predicate, 1), else_=0))
                                              for name, predicate in PREDICATES.items()}
    columns |= {name: func.sum(expr) for name, expr in SUMS.items()}
    return columns
