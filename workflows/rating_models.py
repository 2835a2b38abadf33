"""好差评's tables: the ratings, the 差评 tasks, the appeals and the log of every step.

The schema is owned by migration 0012. A rating is either of one counter visit (一次一评:
`visit_seq` is the event that recorded the visit) or of the whole case (一事一评:
`visit_seq` 0); the unique key (case, visit_seq) is what makes each take one rating.
A rating carries the day, matter, window and clerk it is counted under, fixed when it
is given, so the auditor's counters never have to look them up again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

WHOLE_CASE = 0  # visit_seq of a 一事一评


class Rating(SQLModel, table=True):
    __tablename__ = "ratings"
    __table_args__ = (UniqueConstraint("case_id", "visit_seq", name="uq_ratings_case_visit"),
                      Index("ix_ratings_day", "day", "window"))

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id")
    visit_seq: int = WHOLE_CASE  # the case event of the visit rated; 0 for the whole case
    level: str = Field(max_length=24)  # workflows.ratings.LEVELS
    categories: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # 差评 only
    comment: str = Field(default="", max_length=500)
    channel: str = Field(max_length=16)  # public | kiosk | api | migrated
    at: dt.datetime
    day: dt.date  # the office day it is counted on
    matter_code: str = Field(max_length=64)
    window: str = Field(default="", max_length=64)  # the window rated ("" for a case without one)
    clerk: str = Field(max_length=64)  # the member of staff rated
    excluded: bool = False  # an appeal upheld it as 误评 or 恶意差评: kept, but out of the figures

    @property
    def of_visit(self) -> bool:
        return self.visit_seq != WHOLE_CASE


class RatingTask(SQLModel, table=True):
    """A 差评 as work: 回访 within its deadline, 整改 within its own, and the applicant's reply to the 整改."""

    __tablename__ = "rating_tasks"
    __table_args__ = (Index("ix_rating_tasks_owner", "owner", "closed_at"),)

    id: int | None = Field(default=None, primary_key=True)
    rating_id: int = Field(foreign_key="ratings.id", unique=True)
    owner: str = Field(max_length=64)  # the window's 负责人 (office profile windows[].head)
    window: str = Field(default="", max_length=64)
    opened_at: dt.datetime
    revisit_due: dt.date  # 回访 deadline, in working days after the rating
    rectify_due: dt.date  # 整改 deadline
    revisit_result: str | None = Field(default=None, max_length=16)  # founded 属实 | unfounded 不属实
    revisit_note: str = Field(default="", max_length=500)
    revisited_on: dt.date | None = None
    rectify_action: str = Field(default="", max_length=1000)
    rectified_on: dt.date | None = None  # the day the 整改 was done, as the owner records it
    reply: str | None = Field(default=None, max_length=16)  # satisfied | dissatisfied
    reply_note: str = Field(default="", max_length=500)
    closed_at: dt.datetime | None = None
    version: int = 1  # optimistic lock: two people recording the same step, one wins


class RatingAppeal(SQLModel, table=True):
    """A window's 申诉 against a rating, and the auditor's decision."""

    __tablename__ = "rating_appeals"

    id: int | None = Field(default=None, primary_key=True)
    rating_id: int = Field(foreign_key="ratings.id", unique=True)  # one appeal per rating
    reason: str = Field(max_length=16)  # mistaken 误评 | malicious 恶意差评
    evidence: str = Field(max_length=2000)
    filed_by: str = Field(max_length=64)
    filed_at: dt.datetime
    decision: str | None = Field(default=None, max_length=16)  # upheld | rejected
    decision_note: str = Field(default="", max_length=1000)
    decided_by: str | None = Field(default=None, max_length=64)
    decided_at: dt.datetime | None = None


class RatingLogEntry(SQLModel, table=True):
    """Every step on a rating, with who and when: appended, never changed."""

    __tablename__ = "rating_log"

    id: int | None = Field(default=None, primary_key=True)
    rating_id: int = Field(foreign_key="ratings.id", index=True)
    at: dt.datetime
    actor: str = Field(max_length=64)  # a username; "applicant" for the applicant; "system" for the schedule
    step: str = Field(max_length=24)  # workflows.ratings.STEP_LABELS
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
