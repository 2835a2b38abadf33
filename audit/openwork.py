"""在办超期: cases still open on a chosen day that are past their promised or legal limit, aged in working days.

"Open on day D" means received on or before D, accepted by D (only an accepted case has limits), no decision
made by D (the limits are limits on deciding, as the closed-case rates time them) and not finished by D.
A case is past a limit on D when its due date is before D; its age is the working days from the due date
to D, on the office's calendar with its 调休. A 特别程序 stops the case's clock, so the due dates are those
that stood on D: the stored ones count the days of every procedure that has ended by now, and a case that
was in a procedure on D, or that began or ended one after D, has them moved by the paused days as they
were on D (a case in a procedure on D is past a limit only if it was past it when the procedure began,
and its age stays as it was then).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

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
SPECIAL_STARTS = ak.START_SPECIAL.prefix


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


def paused_days_on(specials: dict[str, dict[str, str | None]], day: dt.date, calendar: WorkCalendar) -> int:
    """The working days the case's clock had stood still by the end of `day` (each procedure as
    `workflows.cases.end_special` counts it: from its start to its end, or to `day` while it ran)."""
    paused = 0
    for dates in specials.values():
        begun, finished = dates.get("started"), dates.get("ended")
        started = dt.date.fromisoformat(begun) if begun else None
        if started is None or started > day:
            continue
        ended = dt.date.fromisoformat(finished) if finished else None
        paused += calendar.workdays_between(started, min(ended, day) if ended else day)
    return paused


def due_on(stored: dt.date | None, *, accepted_on: dt.date, progress: dict[str, Any], day: dt.date,
           calendar: WorkCalendar) -> dt.date | None:
    """A limit's due date as it stood on `day`. The stored one counts `progress["paused_days"]` (the
    procedures ended by now); on `day` the clock had stood still for `paused_days_on` days instead."""
    specials = progress.get("specials") or {}
    if stored is None or not specials:
        return stored
    shift = paused_days_on(specials, day, calendar) - progress.get("paused_days", 0)
    if shift == 0:
        return stored
    return calendar.add_workdays(accepted_on, calendar.workdays_between(accepted_on, stored) + shift).due


def _source(scope: Scope):
    return CASES.outerjoin(STAFF, STAFF.c.username == CASES.c.clerk) if scope.department is not None else CASES


def _ever_paused() -> ColumnElement[bool]:
    """A 特别程序 has begun, on whatever day: the stored due dates may not be those that stood on the day
    asked (a procedure begun and ended after it moved them later)."""
    return exists().where(EVENTS.c.case_id == CASES.c.id, EVENTS.c.action.startswith(SPECIAL_STARTS, autoescape=True))


def open_work(conn: Connection, scope: Scope, *, as_of: dt.date, calendar: WorkCalendar,
              unmasked: bool = False) -> OpenWork:
    where = _open_on(as_of, scope)
    total = conn.execute(select(func.count()).select_from(_source(scope)).where(*where)).scalar_one()
    query = (select(CASES.c.id, CASES.c.receipt_no, CASES.c.matter_code, CASES.c.window, CASES.c.clerk,
                    CASES.c.applicant_name, CASES.c.applicant_id_no, CASES.c.received_at, CASES.c.accepted_on,
                    CASES.c.promised_due, CASES.c.legal_due, CASES.c.state, CASES.c.progress)
             .select_from(_source(scope))
             .where(*where, or_(CASES.c.promised_due < as_of, CASES.c.legal_due < as_of, _ever_paused()))
             .order_by(CASES.c.promised_due, CASES.c.id))
    lines = []
    for row in conn.execute(query):
        promised_due, legal_due = (due_on(due, accepted_on=row.accepted_on, progress=row.progress, day=as_of,
                                          calendar=calendar) for due in (row.promised_due, row.legal_due))

        def age(due: dt.date | None) -> int | None:
            return calendar.workdays_between(due, as_of) if due is not None and due < as_of else None
        if age(promised_due) is None and age(legal_due) is None:
            continue  # a 特别程序 had stopped its clock in time
        lines.append(OverdueCase(
            case_id=row.id, receipt_no=row.receipt_no, matter_code=row.matter_code, window=row.window or "",
            clerk=row.clerk, applicant_name=row.applicant_name,
            applicant_id=row.applicant_id_no if unmasked else mask_id(row.applicant_id_no),
            received_on=scope.time.date(row.received_at), accepted_on=row.accepted_on,
            promised_due=promised_due, legal_due=legal_due, state=row.state,
            promised_age=age(promised_due), legal_age=age(legal_due)))
    return OpenWork(as_of, total, lines)
