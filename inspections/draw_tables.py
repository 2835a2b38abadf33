"""双随机、一公开's tables: the inspectors' roster and its 回避 declarations; the draws, their runs,
the results, their follow-ups and their publication.

Everything from a draw on is a record of what happened and is never changed: the migration (0011)
puts triggers on those tables that refuse UPDATE and DELETE on SQLite and PostgreSQL alike
(`APPEND_ONLY`). A later fact is a new row: a run beside its draw, a follow-up beside its result,
a publication beside the result it publishes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from workflows.db import core_table


class Inspector(SQLModel, table=True):
    """执法检查人员名录库: a member of staff who holds a 执法证 and may be drawn to inspect."""

    __tablename__ = "inspectors"

    username: str = Field(primary_key=True, foreign_key="staff_users.username", max_length=64)
    cert_no: str = Field(max_length=32, unique=True)  # 执法证号, published with the draw
    department: str = Field(max_length=64)  # 科室
    active: bool = True
    added_at: dt.datetime
    added_by: str = Field(max_length=64)


class InspectorConflict(SQLModel, table=True):
    """A declared 回避: the inspector is related to a holder (by the holder's ID number or credit code)."""

    __tablename__ = "inspector_conflicts"
    __table_args__ = (UniqueConstraint("username", "holder_id_no", name="uq_inspector_conflicts_pair"),)

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(foreign_key="inspectors.username", max_length=64)
    holder_id_no: str = Field(max_length=32)
    relation: str = Field(max_length=128)  # 近亲属, 曾任职 …: why, never published
    declared_at: dt.datetime
    declared_by: str = Field(max_length=64)


class InspectionDraw(SQLModel, table=True):
    """A 抽查任务 as announced (抽查公告): the committed lists, their hashes, the nonce and the
    public value the seed will come from. Append-only."""

    __tablename__ = "inspection_draws"
    __table_args__ = (UniqueConstraint("item_code", "period", "seq", name="uq_inspection_draws_item_period_seq"),)

    id: int | None = Field(default=None, primary_key=True)
    item_code: str = Field(max_length=64)
    item_name: str = Field(max_length=128)
    period: str = Field(max_length=16)
    seq: int  # 1 for the period's first draw; a later one carries a reason
    reason: str = Field(default="", max_length=500)
    announced_at: dt.datetime
    announced_by: str = Field(max_length=64)
    algorithm: str = Field(max_length=32)
    ratio_percent: str = Field(max_length=8)
    team_size: int
    targets: list[Any] = Field(sa_column=Column(JSON, nullable=False))  # [[licence number, public name], …]
    targets_sha256: str = Field(max_length=64)
    inspectors: list[Any] = Field(sa_column=Column(JSON, nullable=False))  # [[执法证号, name, 科室], …]
    inspectors_sha256: str = Field(max_length=64)
    avoid: list[Any] = Field(sa_column=Column(JSON, nullable=False))  # [[执法证号, licence number], …]
    avoid_sha256: str = Field(max_length=64)
    nonce: str = Field(max_length=64)
    beacon_source: str = Field(max_length=200)
    beacon_date: dt.date
    commitment: str = Field(max_length=64)
    # Not published: who is behind each 执法证号 and each licence number, for the task pages.
    usernames: list[Any] = Field(sa_column=Column(JSON, nullable=False))  # parallel to `inspectors`
    licence_ids: list[Any] = Field(sa_column=Column(JSON, nullable=False))  # parallel to `targets`


class DrawRun(SQLModel, table=True):
    """The draw carried out: the public value entered, the seed it gave and the teams. Append-only."""

    __tablename__ = "inspection_draw_runs"

    draw_id: int = Field(primary_key=True, foreign_key="inspection_draws.id")
    run_at: dt.datetime
    run_by: str = Field(max_length=64)
    beacon_value: str = Field(max_length=200)
    seed: str = Field(max_length=64)
    assignments: list[Any] = Field(sa_column=Column(JSON, nullable=False))  # [[licence number, [执法证号, …]], …]
    assignments_sha256: str = Field(max_length=64)


class InspectionResult(SQLModel, table=True):
    """What the team found at one target. Append-only; one per target of a draw."""

    __tablename__ = "inspection_results"
    __table_args__ = (UniqueConstraint("draw_id", "licence_number", name="uq_inspection_results_target"),)

    id: int | None = Field(default=None, primary_key=True)
    draw_id: int = Field(foreign_key="inspection_draws.id")
    licence_number: str = Field(max_length=64)
    outcome: str = Field(max_length=16)  # results.OUTCOMES
    inspected_on: dt.date
    inspectors: list[Any] = Field(sa_column=Column(JSON, nullable=False))  # usernames of the team who went
    note: str = Field(default="", max_length=1000)
    rectify_by: dt.date | None = None  # 整改期限, for 责令整改
    recorded_at: dt.datetime
    recorded_by: str = Field(max_length=64)


class InspectionFollowUp(SQLModel, table=True):
    """The 整改 follow-up (复查) of a result that ordered 整改. Append-only; one per result."""

    __tablename__ = "inspection_followups"

    result_id: int = Field(primary_key=True, foreign_key="inspection_results.id")
    checked_on: dt.date
    outcome: str = Field(max_length=16)  # results.FOLLOW_UPS
    note: str = Field(default="", max_length=1000)
    recorded_at: dt.datetime
    recorded_by: str = Field(max_length=64)


class ResultPublication(SQLModel, table=True):
    """A result made public (一公开). Append-only; the deadline is 20 working days from recording."""

    __tablename__ = "inspection_publications"

    result_id: int = Field(primary_key=True, foreign_key="inspection_results.id")
    published_at: dt.datetime
    published_by: str = Field(max_length=64)


INSPECTORS = core_table(Inspector)
CONFLICTS = core_table(InspectorConflict)
DRAWS = core_table(InspectionDraw)
RUNS = core_table(DrawRun)
RESULTS = core_table(InspectionResult)
FOLLOW_UPS = core_table(InspectionFollowUp)
PUBLICATIONS = core_table(ResultPublication)

# The tables whose rows are never changed or removed (the migration's triggers refuse it).
APPEND_ONLY = ("inspection_draws", "inspection_draw_runs", "inspection_results", "inspection_followups",
               "inspection_publications")
