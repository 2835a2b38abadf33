"""Drill-down: the cases behind any number, selected with the very predicate that counted them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from audit.counters import C, CLOSED, PREDICATES
from audit.measures import DEPARTMENT, FACTS, STAFF, facts_filter
from audit.scope import Scope
from workflows import errors
from workflows.identity import mask_id
from workflows.db import core_table
from workflows.models import Case

CASES = core_table(Case)
EXTRA = {"multi_visit": and_(CLOSED, C.visits > 1)}
# Ratings are listed by the 好差评 pages (/ratings), one line per rating, not here by case.
DRILLABLE = frozenset({*PREDICATES, *EXTRA, "opened"})


@dataclass(frozen=True)
class CaseLine:
    case_id: int
    receipt_no: str
    matter_code: str
    window: str
    clerk: str
    applicant_name: str
    applicant_id: str  # masked unless an admin asked otherwise
    received_on: dt.date
    finished_on: dt.date | None
    state: str
    outcome: str | None
    visits: int
    notices: int | None
    working_days: int | None
    reason: str | None


def _check(counter: str) -> None:
    if counter not in DRILLABLE:
        raise errors.NotFound(f"没有名为 {counter} 的统计项")


def _utc_bounds(scope: Scope) -> tuple[dt.datetime, dt.datetime]:
    return scope.time.day_start(scope.start), scope.time.day_start(scope.end + dt.timedelta(days=1))


def opened_filter(scope: Scope) -> list[ColumnElement[bool]]:
    start, end = _utc_bounds(scope)
    dims = {"matter": CASES.c.matter_code, "window": func.coalesce(CASES.c.window, ""), "clerk": CASES.c.clerk,
            "department": DEPARTMENT}
    return [CASES.c.received_at >= start, CASES.c.received_at < end,
            *[col == getattr(scope, d) for d, col in dims.items() if getattr(scope, d) is not None]]


def _base(counter: str, scope: Scope):
    """FROM and WHERE of the cases behind `counter` in `scope`."""
    staff = scope.department is not None
    if counter == "opened":
        source = CASES.outerjoin(STAFF, STAFF.c.username == CASES.c.clerk) if staff else CASES
        return source.outerjoin(FACTS, C.case_id == CASES.c.id), opened_filter(scope)
    source = FACTS.join(CASES, CASES.c.id == C.case_id)
    if staff:
        source = source.outerjoin(STAFF, STAFF.c.username == C.clerk)
    predicate = EXTRA.get(counter, PREDICATES.get(counter))
    return source, [predicate, *facts_filter(scope)]


def drill_count(conn: Connection, scope: Scope, counter: str) -> int:
    _check(counter)
    source, where = _base(counter, scope)
    return conn.execute(select(func.count()).select_from(source).where(*where)).scalar_one()


def drill_cases(conn: Connection, scope: Scope, counter: str, *, limit: int | None = 100, offset: int = 0,
                unmasked: bool = False) -> list[CaseLine]:
    _check(counter)
    source, where = _base(counter, scope)
    query = (select(CASES.c.id, CASES.c.receipt_no, CASES.c.matter_code, CASES.c.window, CASES.c.clerk,
                    CASES.c.applicant_name, CASES.c.applicant_id_no, CASES.c.received_at, C.finished_on,
                    CASES.c.state, CASES.c.outcome, CASES.c.visits, C.notices, C.working_days, C.reason)
             .select_from(source).where(*where).order_by(CASES.c.received_at.desc(), CASES.c.id.desc())
             .offset(offset))
    if limit is not None:
        query = query.limit(limit)
    return [_line(row, unmasked, scope) for row in conn.execute(query)]


def _line(row, unmasked: bool, scope: Scope) -> CaseLine:
    return CaseLine(
        case_id=row.id, receipt_no=row.receipt_no, matter_code=row.matter_code, window=row.window or "",
        clerk=row.clerk, applicant_name=row.applicant_name,
        applicant_id=row.applicant_id_no if unmasked else mask_id(row.applicant_id_no),
        received_on=scope.time.date(row.received_at), finished_on=row.finished_on, state=row.state,
        outcome=row.outcome, visits=row.visits, notices=row.notices, working_days=row.working_days, reason=row.reason,
    )
