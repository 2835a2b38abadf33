"""Tables of the case engine. The schema itself is owned by the Alembic migrations."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel


class Case(SQLModel, table=True):
    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_queue", "awaiting_role", "window", "promised_due"),
        # Partial (migration 0013): only cases with a 容缺 deadline, so the 等待申请人 count can use it.
        Index("ix_cases_gap_due", "gap_due", sqlite_where=text("gap_due IS NOT NULL"),
              postgresql_where=text("gap_due IS NOT NULL")),
        Index("ix_cases_state", "state"),
        Index("ix_cases_matter_closed", "matter_code", "closed_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    receipt_no: str = Field(max_length=32, unique=True)
    matter_code: str = Field(max_length=64)
    definition_version: str = Field(max_length=64)
    state: str = Field(max_length=64)
    version: int = 1  # optimistic lock: every transition bumps it
    awaiting_role: str | None = Field(default=None, max_length=32)
    window: str | None = Field(default=None, max_length=64)
    clerk: str = Field(max_length=64)
    channel: str = Field(max_length=16)
    delivery_method: str | None = Field(default=None, max_length=16)
    delivery_address: str | None = Field(default=None, max_length=255)
    applicant_kind: str = Field(max_length=16)  # person | company
    applicant_name: str = Field(max_length=128, index=True)
    applicant_id_no: str = Field(max_length=32, index=True)
    applicant_phone: str = Field(max_length=32, index=True)
    agent_name: str | None = Field(default=None, max_length=128)
    agent_id_no: str | None = Field(default=None, max_length=32)
    sms_opt_out: bool = False  # the applicant asked for no text messages (workflows/outbox.py)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    progress: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    visits: int = 0
    outcome: str | None = Field(default=None, max_length=32)
    received_at: dt.datetime
    accepted_on: dt.date | None = None
    promised_due: dt.date | None = None
    legal_due: dt.date | None = None
    due_provisional: bool = False
    gap_due: dt.date | None = None
    closed_at: dt.datetime | None = None
    updated_at: dt.datetime


class CaseEvent(SQLModel, table=True):
    """Append-only: rows are inserted with the transition and never updated."""

    __tablename__ = "case_events"
    __table_args__ = (UniqueConstraint("case_id", "seq", name="uq_case_events_case_seq"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id")
    seq: int
    at: dt.datetime
    actor: str = Field(max_length=64)
    action: str = Field(max_length=64)
    from_state: str = Field(max_length=64)
    to_state: str = Field(max_length=64)
    definition_version: str = Field(max_length=64)
    visit: bool = False
    visit_purpose: str | None = Field(default=None, max_length=16)
    visit_cause: str | None = Field(default=None, max_length=16)
    channel: str | None = Field(default=None, max_length=16)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class DefinitionVersion(SQLModel, table=True):
    """Every version of every matter ever used, so running cases keep theirs."""

    __tablename__ = "definition_versions"

    matter_code: str = Field(primary_key=True, max_length=64)
    key: str = Field(primary_key=True, max_length=64)
    version: str = Field(max_length=32)
    effective_date: dt.date
    file: str = Field(max_length=255)
    source_text: str
    registered_at: dt.datetime


class CalendarYear(SQLModel, table=True):
    """A year whose official arrangement an administrator loaded."""

    __tablename__ = "calendar_years"

    year: int = Field(primary_key=True)
    doc_no: str = Field(max_length=128)
    loaded_at: dt.datetime
    loaded_by: str = Field(max_length=64)


class CalendarDay(SQLModel, table=True):
    __tablename__ = "calendar_days"

    day: dt.date = Field(primary_key=True)
    year: int = Field(index=True)
    is_workday: bool
    name: str = Field(default="", max_length=64)


class ScheduledRun(SQLModel, table=True):
    """One day a daily scheduled task (workflows/schedule.py) was run for: the catch-up starts after the last one."""

    __tablename__ = "scheduled_runs"

    task: str = Field(primary_key=True, max_length=64)
    day: dt.date = Field(primary_key=True)  # the office day the run was FOR, however late it was carried out
    done_at: dt.datetime
    summary: str = Field(default="", max_length=500)


class DeadlineMark(SQLModel, table=True):
    """An open case near (即将超期) or past (已超期) its promised limit, as the morning job found it.

    Rewritten whole by each morning's run (workflows/deadline_marks.py); the queue reads it, never recomputes it.
    """

    __tablename__ = "deadline_marks"

    case_id: int = Field(primary_key=True, foreign_key="cases.id")
    mark: str = Field(max_length=16)  # overdue | due_soon
    due: dt.date  # the promised limit the mark was computed against
    days_left: int  # working days from `computed_on` to `due`; negative when past it
    computed_on: dt.date  # the office day of the run that wrote it
