"""The auditor's tables: per-case facts, daily aggregates, extra-visit causes, export log.

Written only by `audit.facts` (inside the transaction of the transition that
opens or finishes a case, or rates one: audit.rating_counts) and `audit.exports` (the log). The schema is
owned by migration 0003 (the 整改措施, 0008; the 差评 task counters, 0012).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from workflows.db import core_table


class AuditCase(SQLModel, table=True):
    """One finished case (办结, 不予受理, 撤回 or 终止) as the measures see it."""

    __tablename__ = "audit_cases"
    __table_args__ = (
        # Covers the period scan behind p90 and the drill-down lists without touching the rows.
        Index("ix_audit_cases_period", "finished_on", "final_state", "working_days", "matter_code", "window", "clerk"),
        Index("ix_audit_cases_matter", "matter_code", "finished_on"),
        # Refusals, withdrawals and terminations of a period: a few percent of the rows, found directly.
        Index("ix_audit_cases_state", "final_state", "finished_on"),
    )

    case_id: int = Field(primary_key=True, foreign_key="cases.id")
    matter_code: str = Field(max_length=64)
    window: str = Field(default="", max_length=64)  # "" when the case came in without a window
    clerk: str = Field(max_length=64)
    received_on: dt.date
    finished_on: dt.date  # local date of the final transition; for a default (容缺逾期), its gap deadline
    final_state: str = Field(max_length=16)  # closed | refused | withdrawn | terminated
    outcome: str | None = Field(default=None, max_length=32)
    visits: int = 0
    complete_first: bool = False  # accepted without a correction notice (directly or with tolerance)
    tolerated: bool = False
    defaulted: bool = False  # ended by the sweep for an overdue tolerated gap
    notices: int = 0
    decided_on: dt.date | None = None
    working_days: int | None = None  # from acceptance to decision, without special procedures
    within_promised: bool | None = None
    within_legal: bool | None = None
    reason: str | None = Field(default=None, max_length=500)


class Counters(SQLModel):
    """The counters both aggregate tables keep; each is a SUM over `audit.counters` predicates."""

    opened: int = 0
    finished: int = 0
    closed: int = 0
    one_visit: int = 0
    zero_visit: int = 0
    visits_1: int = 0
    visits_2: int = 0
    visits_3p: int = 0
    complete_first: int = 0
    complete_first_one_visit: int = 0
    timed: int = 0
    within_promised: int = 0
    within_legal: int = 0
    workdays_sum: int = 0
    tolerated: int = 0
    defaulted: int = 0
    noticed: int = 0
    notices: int = 0
    repeat_notices: int = 0
    refused: int = 0
    withdrawn: int = 0
    terminated: int = 0
    # 好差评 (audit/rating_counts.py), on the day of the rating, without ratings an appeal excluded
    evaluations: int = 0  # ratings given (visits and cases)
    score_sum: int = 0  # their levels as 5 (非常满意) … 1 (非常不满意)
    bad_evaluations: int = 0  # 差评: 不满意 and 非常不满意
    bad_revisited: int = 0  # 差评 whose 回访核实 is recorded
    bad_unfounded: int = 0  # … found 不属实 on 回访 (no 整改 due)
    bad_rectified: int = 0  # 差评 整改 done
    rectified_on_time: int = 0  # … by the 整改 deadline
    rectify_replied: int = 0  # 整改 the applicant answered
    rectify_satisfied: int = 0  # … 满意


class AuditDaily(Counters, table=True):
    """Counters per local day × matter × window × clerk: any date range is a sum of these."""

    __tablename__ = "audit_daily"

    day: dt.date = Field(primary_key=True)
    matter_code: str = Field(primary_key=True, max_length=64)
    window: str = Field(primary_key=True, max_length=64)
    clerk: str = Field(primary_key=True, max_length=64)


class AuditMonthly(Counters, table=True):
    """The same counters per calendar month (`day` = the 1st): whole-month views and trends read ~30× fewer rows."""

    __tablename__ = "audit_monthly"

    day: dt.date = Field(primary_key=True)
    matter_code: str = Field(primary_key=True, max_length=64)
    window: str = Field(primary_key=True, max_length=64)
    clerk: str = Field(primary_key=True, max_length=64)


class AuditWorkdays(SQLModel, table=True):
    """How many closed cases took each number of working days, per month × matter × window × clerk.

    The p90 of a whole-month view is read from this histogram instead of the month's fact rows.
    """

    __tablename__ = "audit_monthly_workdays"

    day: dt.date = Field(primary_key=True)  # the 1st of the month the case was finished in
    matter_code: str = Field(primary_key=True, max_length=64)
    window: str = Field(primary_key=True, max_length=64)
    clerk: str = Field(primary_key=True, max_length=64)
    working_days: int = Field(primary_key=True)
    cases: int = 0


class AuditVisitCause(SQLModel, table=True):
    """Every visit of a finished case that took more than one, with what brought the applicant.

    `extra` marks the visits after the first; `material_id` names the material a
    correction visit (补正 at the window, 容缺 supplied at the window) brought in.
    """

    __tablename__ = "audit_visit_causes"
    # Covers the second-visit materials query of a period: no row is read, only the index.
    __table_args__ = (Index("ix_audit_visit_causes_period", "finished_on", "matter_code", "material_id", "case_id"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    seq: int
    matter_code: str = Field(max_length=64)
    finished_on: dt.date
    extra: bool
    purpose: str = Field(max_length=16)
    cause: str = Field(max_length=16)
    material_id: str | None = Field(default=None, max_length=64)


class AuditExport(SQLModel, table=True):
    """Who exported what; an export with unmasked ID numbers is always an admin's explicit request."""

    __tablename__ = "audit_exports"

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime
    username: str = Field(max_length=64)
    export: str = Field(max_length=64)
    fmt: str = Field(max_length=8)
    unmasked: bool = False
    params: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class AuditRemedy(SQLModel, table=True):
    """The office's written 整改措施 for one month, entered by an auditor before printing the monthly report."""

    __tablename__ = "audit_remedies"

    month: dt.date = Field(primary_key=True)  # the 1st of the month reported on
    text: str = Field(max_length=4000)
    updated_by: str = Field(max_length=64)
    updated_at: dt.datetime


# Core handles of the tables above, for the counters' SQL (facts writes them, measures reads them).
DAILY = core_table(AuditDaily)
MONTHLY = core_table(AuditMonthly)
WORKDAYS = core_table(AuditWorkdays)
FACTS = core_table(AuditCase)
CAUSES = core_table(AuditVisitCause)
