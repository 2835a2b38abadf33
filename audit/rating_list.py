"""The ratings behind a rating count: one line per rating, selected with the very predicate that counted it.

The dashboard's 评价数, 差评数 and the numerators and denominators of the six 好差评 rates link
here with their slice and period (windows/rating_list.py), so a count and its list agree: the
list's counted lines are the ratings the counters summed (audit/rating_counts.py), and the ratings
an upheld appeal took out of the figures are listed apart, never mixed in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from audit.measures import DEPARTMENT, STAFF
from audit.rating_counts import COUNTED, DERIVED_PREDICATES, R, RATING_PREDICATES, SOURCE, T
from audit.scope import Scope
from workflows import errors
from workflows.db import core_table
from workflows.models import Case
from workflows.rating_tasks import Overdue, Stage, overdue_on, stage_of
from workflows.ratings import LEVELS

CASES = core_table(Case)
RATING_LISTS: dict[str, ColumnElement[bool]] = {**DERIVED_PREDICATES, **RATING_PREDICATES}


@dataclass(frozen=True)
class RatingLine:
    rating_id: int
    case_id: int
    receipt_no: str
    of_visit: bool  # 一次一评 (a counter visit) or 一事一评 (the whole case)
    day: dt.date
    level: str
    categories: list[str]
    comment: str
    channel: str
    matter_code: str
    window: str
    clerk: str
    excluded: bool  # an upheld appeal took it out of the figures
    task_id: int | None  # a 差评's task; the rest is its record, None or "" until the step is done
    stage: Stage | None
    revisit_due: dt.date | None
    rectify_due: dt.date | None
    revisit_result: str | None = None
    revisit_note: str = ""
    revisited_on: dt.date | None = None
    rectify_action: str = ""
    rectified_on: dt.date | None = None
    reply: str | None = None
    reply_note: str = ""
    overdue: Overdue | None = None  # on the day the lines were asked for, by the days its steps were done



def check_counter(counter: str) -> None:
    if counter not in RATING_LISTS:
        raise errors.NotFound(f"没有名为“{counter}”的评价统计项")


def check_level(level: str | None) -> None:
    if level is not None and level not in LEVELS:
        raise errors.BadInput("评价等级不在可选范围内", field="level")


def _where(scope: Scope, counter: str, level: str | None, excluded: bool) -> list[ColumnElement[bool]]:
    check_counter(counter)
    check_level(level)
    dims = {"matter": R.matter_code, "window": R.window, "clerk": R.clerk, "department": DEPARTMENT}
    return [~COUNTED if excluded else COUNTED, RATING_LISTS[counter], R.day.between(scope.start, scope.end),
            *[column == getattr(scope, d) for d, column in dims.items() if getattr(scope, d) is not None],
            *([R.level == level] if level else [])]


def _source(scope: Scope):
    source = SOURCE.join(CASES, CASES.c.id == R.case_id)
    return source.outerjoin(STAFF, STAFF.c.username == R.clerk) if scope.department is not None else source


def rating_count(conn: Connection, scope: Scope, counter: str, *, level: str | None = None,
                 excluded: bool = False) -> int:
    """How many ratings of `scope` the counter counts (excluded: those an upheld appeal took out instead)."""
    query = select(func.count()).select_from(_source(scope)).where(*_where(scope, counter, level, excluded))
    return conn.execute(query).scalar_one()


def rating_lines(conn: Connection, scope: Scope, counter: str, *, level: str | None = None, excluded: bool = False,
                 limit: int | None = 100, offset: int = 0, as_of: dt.date | None = None) -> list[RatingLine]:
    """The ratings behind the count, newest first; a 差评's task is judged overdue on `as_of` (default: never)."""
    query = (select(R.id, R.case_id, CASES.c.receipt_no, R.visit_seq, R.day, R.level, R.categories, R.comment,
                    R.channel, R.matter_code, R.window, R.clerk, R.excluded, T.id.label("task_id"),
                    T.revisit_result, T.revisited_on, T.rectified_on, T.reply, T.revisit_due, T.rectify_due,
                    T.revisit_note, T.rectify_action, T.reply_note)
             .select_from(_source(scope)).where(*_where(scope, counter, level, excluded))
             .order_by(R.day.desc(), R.id.desc()).offset(offset))
    if limit is not None:
        query = query.limit(limit)
    return [RatingLine(rating_id=row.id, case_id=row.case_id, receipt_no=row.receipt_no, of_visit=row.visit_seq != 0,
                       day=row.day, level=row.level, categories=list(row.categories or []), comment=row.comment,
                       channel=row.channel, matter_code=row.matter_code, window=row.window, clerk=row.clerk,
                       excluded=bool(row.excluded), task_id=row.task_id,
                       stage=stage_of(row) if row.task_id is not None else None,
                       revisit_due=row.revisit_due, rectify_due=row.rectify_due,
                       revisit_result=row.revisit_result, revisit_note=row.revisit_note or "",
                       revisited_on=row.revisited_on,
                       rectify_action=row.rectify_action or "", rectified_on=row.rectified_on, reply=row.reply,
                       reply_note=row.reply_note or "",
                       overdue=overdue_on(row, as_of) if as_of is not None and row.task_id is not None else None)
            for row in conn.execute(query)]


def bad_ratings(conn: Connection, scope: Scope, *, as_of: dt.date) -> list[RatingLine]:
    """The period's counted 差评, oldest first, each with its 整改 record and whether it is late on `as_of`."""
    return list(reversed(rating_lines(conn, scope, "bad_evaluations", limit=None, as_of=as_of)))
