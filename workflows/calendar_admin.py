"""The administrator's 调休 table: load a year's official arrangement, make deadlines final."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, cast

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import delete, update
from sqlalchemy.engine import CursorResult
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from workflows import errors
from workflows.deadlines import all_dues
from workflows.machine import FINAL_STATES
from workflows.models import CalendarDay, CalendarYear, Case
from workflows.office import Office
from workflows.workdays import WorkCalendar


class Holiday(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1)
    start: dt.date
    end: dt.date


class Arrangement(BaseModel):
    """One year's 节假日安排 as the State Council publishes it."""

    model_config = ConfigDict(extra="forbid")
    year: int = Field(ge=2000, le=2100)
    doc_no: str = Field(min_length=1)  # e.g. 国办发明电〔2026〕7号
    holidays: list[Holiday] = Field(min_length=1)
    workdays: list[dt.date] = Field(default_factory=list)  # 调休上班的周末


def parse_arrangement(path: Path) -> Arrangement:
    try:
        arrangement = Arrangement.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (yaml.YAMLError, ValidationError) as exc:
        raise errors.BadInput(f"{path}: 节假日安排文件有误：{exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise errors.BadInput(f"{path}: 无法读取节假日安排文件：{exc}") from None
    for h in arrangement.holidays:
        if h.end < h.start or h.start.year != arrangement.year:
            raise errors.BadInput(f"{path}: 假期 {h.name} 的起止日期有误", field="holidays")
    _check_each_day_once(path, arrangement)
    return arrangement


def _check_each_day_once(path: Path, arrangement: Arrangement) -> None:
    """A day is one thing: overlapping holidays or a worked day inside a holiday are typing errors."""
    seen: dict[dt.date, str] = {}
    for h in arrangement.holidays:
        for offset in range((h.end - h.start).days + 1):
            day = h.start + dt.timedelta(days=offset)
            if day in seen:
                raise errors.BadInput(f"{path}: {day} 同时列在“{seen[day]}”和“{h.name}”中", field="holidays")
            seen[day] = h.name
    for day in arrangement.workdays:
        if day.year != arrangement.year:
            raise errors.BadInput(f"{path}: 调休上班日 {day} 不在 {arrangement.year} 年内", field="workdays")
        if day in seen:
            raise errors.BadInput(f"{path}: {day} 同时列在“{seen[day]}”和调休上班日中", field="workdays")
        seen[day] = "调休上班日"


def load_calendar(session: Session) -> WorkCalendar:
    days = {row.day: row.is_workday for row in session.exec(select(CalendarDay))}
    years = {row.year: row.doc_no for row in session.exec(select(CalendarYear))}
    return WorkCalendar(days, years)


def store_arrangement(*, session: Session, arrangement: Arrangement, loaded_by: str, now: dt.datetime) -> None:
    year = arrangement.year
    session.execute(delete(CalendarDay).where(col(CalendarDay.year) == year))
    session.execute(delete(CalendarYear).where(col(CalendarYear.year) == year))
    for h in arrangement.holidays:
        day = h.start
        while day <= h.end:
            session.add(CalendarDay(day=day, year=year, is_workday=False, name=h.name))
            day += dt.timedelta(days=1)
    for day in arrangement.workdays:
        session.add(CalendarDay(day=day, year=year, is_workday=True, name="调休上班"))
    session.add(CalendarYear(year=year, doc_no=arrangement.doc_no, loaded_at=now, loaded_by=loaded_by))


def refresh_provisional_deadlines(*, session: Session, office: Office) -> int:
    """Recompute the deadlines of open cases that were computed without official data."""
    query = select(Case).where(Case.due_provisional == True, col(Case.accepted_on).is_not(None))  # noqa: E712
    return _recompute(session, office, query)


def refresh_deadlines_in_year(*, session: Session, office: Office, year: int) -> int:
    """Recompute the final deadlines of open cases whose count ran through `year`.

    A corrected arrangement for a year already loaded moves them too; a case's
    legal due date is its latest, so it tells whether the count reached the year.
    """
    query = select(Case).where(Case.due_provisional == False, col(Case.accepted_on).is_not(None))  # noqa: E712
    query = query.where(col(Case.accepted_on) <= dt.date(year, 12, 31), col(Case.legal_due) >= dt.date(year, 1, 1))
    return _recompute(session, office, query)


def _recompute(session: Session, office: Office, query: SelectOfScalar[Case]) -> int:
    # Read the rows as they are now (a case in this session's identity map may be
    # stale), and write only if no transition changed the case meanwhile: its pause
    # may have ended, and that transition computed the deadlines itself.
    query = query.where(col(Case.state).not_in(sorted(FINAL_STATES))).execution_options(populate_existing=True)
    changed = 0
    for case in session.exec(query).all():
        assert case.accepted_on is not None, "both queries select accepted cases only"
        values = all_dues(office, office.matter_of(case).definition, case.accepted_on, case.progress["paused_days"],
                          case.progress)
        stmt = update(Case).where(col(Case.id) == case.id, col(Case.version) == case.version).values(**values)
        # Session.execute is typed for any statement; an UPDATE's result is a CursorResult, which has rowcount.
        result = cast(CursorResult[Any], session.execute(stmt))
        changed += result.rowcount
    return changed


def load_arrangement_file(*, session: Session, office: Office, path: Path, loaded_by: str) -> tuple[Arrangement, int]:
    """Store the arrangement and make the affected deadlines final, in one transaction."""
    arrangement = parse_arrangement(path)
    try:
        store_arrangement(session=session, arrangement=arrangement, loaded_by=loaded_by, now=office.now())
        session.flush()
        office.calendar = load_calendar(session)
        changed = refresh_provisional_deadlines(session=session, office=office)
        refresh_deadlines_in_year(session=session, office=office, year=arrangement.year)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return arrangement, changed
