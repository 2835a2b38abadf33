"""在办超期: cases still open on a chosen day that are past their promised or legal limit, aged in working days.

"Open on day D" means received on or before D, accepted by D (only an accepted case has limits), no decision
made by D (the limits are limits on deciding, as the closed-case rates time them) and not finished by D.
A case is past a limit on D when its due date is before D; its age is the working days from the due date
to D, on the office's calendar with its 调休. The due dates are the case's own, as stored: they already
include the days of any special procedure (特别程序) that has ended.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import exists, func, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from audit.measures import DEPARTMENT, STAFF
from audit.scope import Scope
from workflows import action_kinds as ak
from workflows.db import core_table
from workflows.identity import mask_id
from workflows.models import Case, CaseEvent
from workflows.workdays import WorkCalendar

CASES = core_table(Case)
EVENTS = core_table(CaseEvent)
LIMITS = {"promised": "承诺时限", "legal": "法定时限"}
DECISIONS = [k.name for k in ak.DECISIONS]


@dataclass(frozen=True)
class OverdueCase:
    case_id: int
    receipt_no: str
    matter_code: str
    window: str
    clerk: str
    applicant_name: str
    applicant_id: str  # masked unless an admin asked otherwise
    received_on: dt.date
    accepted_on: dt.date
    promised_due: dt.date | None
    legal_due: dt.date | None
    state: str  # the state the case is in now
    promised_age: int | None  # working days past the promised limit on the day asked, None while within it
    legal_age: int | None  # working days past the legal limit, None while within it


@dataclass(frozen=True)
class OpenWork:
    """The open cases past a limit on `as_of`, oldest first."""

    as_of: dt.date
    open_cases: int  # every case open (accepted, undecided) on that day, the base the overdue ones come from
    cases: list[OverdueCase]

    def past(self, limit: str) -> list[OverdueCase]:
        if limit == "legal":
            return [c for c in self.cases if c.legal_age is not None]
        return [c for c in self.cases if c.promised_age is not None]

    @property
    def promised(self) -> int:
        return len(self.past("promised"))

    @property
    def legal(self) -> int:
        return len(self.past("legal"))


def as_of_day(scope: Scope, today: dt.date) -> dt.date:
    """The day open work is judged on: the period's last day, or today for a period not yet over."""
    return min(scope.end, today)


def _open_on(day: dt.date, scope: Scope) -> list[ColumnElement[bool]]:
    next_midnight = scope.time.day_start(day + dt.timedelta(days=1))
    decided = exists().where(EVENTS.c.case_id == CASES.c.id, EVENTS.c.action.in_(DECISIONS),
                             EVENTS.c.at < next_midnight)
    dims = {"matter": CASES.c.matter_code, "window": func.coalesce(CASES.c.window, ""), "clerk": CASES.c.clerk,
            "department": DEPARTMENT}
    return [CASES.c.received_at < next_midnight, CASES.c.accepted_on <= day,
            or_(CASES.c.closed_at.is_(None), CASES.c.closed_at >= next_midnight), ~decided,
            *[column == getattr(scope, d) for d, column in dims.items() if getattr(scope, d) is not None]]


def _source(scope: Scope):
    return CASES.outerjoin(STAFF, STAFF.c.username == CASES.c.clerk) if scope.department is not None else CASES


def open_work(conn: Connection, scope: Scope, *, as_of: dt.date, calendar: WorkCalendar,
              unmasked: bool = False) -> OpenWork:
    where = _open_on(as_of, scope)
    total = conn.execute(select(func.count()).select_from(_source(scope)).where(*where)).scalar_one()
    query = (select(CASES.c.id, CASES.c.receipt_no, CASES.c.matter_code, CASES.c.window, CASES.c.clerk,
                    CASES.c.applicant_name, CASES.c.applicant_id_no, CASES.c.received_at, CASES.c.accepted_on,
                    CASES.c.promised_due, CASES.c.legal_due, CASES.c.state)
             .select_from(_source(scope)).where(*where, or_(CASES.c.promised_due < as_of, CASES.c.legal_due < as_of))
             .order_by(CASES.c.promised_due, CASES.c.id))
    lines = []
    for row in conn.execute(query):
        def age(due: dt.date | None) -> int | None:
            return calendar.workdays_between(due, as_of) if due is not None and due < as_of else None
        lines.append(OverdueCase(
            case_id=row.id, receipt_no=row.receipt_no, matter_code=row.matter_code, window=row.window or "",
            clerk=row.clerk, applicant_name=row.applicant_name,
            applicant_id=row.applicant_id_no if unmasked else mask_id(row.applicant_id_no),
            received_on=scope.time.date(row.received_at), accepted_on=row.accepted_on,
            promised_due=row.promised_due, legal_due=row.legal_due, state=row.state,
            promised_age=age(row.promised_due), legal_age=age(row.legal_due)))
    return OpenWork(as_of, total, lines)
