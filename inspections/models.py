"""The licence register's tables: the licences, their status history and their number counters."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from workflows.db import core_table


class Licence(SQLModel, table=True):
    """One licence (证照) the office granted, or one imported from before this system.

    `status` holds what someone did to it (valid, cancelled, revoked, renewed); 已过期 is not stored:
    a valid licence whose expiry date is before the office's today is expired (see register.STATUS).
    """

    __tablename__ = "licences"
    __table_args__ = (
        Index("ix_licences_holder", "holder_id_no"),
        Index("ix_licences_matter_status_expiry", "matter_code", "status", "expires_on"),
        Index("ix_licences_status_expiry", "status", "expires_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=64, unique=True)
    matter_code: str = Field(max_length=64)
    case_id: int | None = Field(default=None, foreign_key="cases.id", unique=True)  # None: imported
    holder_kind: str = Field(max_length=16)  # person | company
    holder_name: str = Field(max_length=128, index=True)
    holder_id_no: str = Field(max_length=32)
    holder_phone: str | None = Field(default=None, max_length=32)
    issued_on: dt.date
    validity: str = Field(max_length=255)  # 有效期 as printed: the definition's text, or the imported one
    term_kind: str = Field(max_length=16)  # workflows.definition.TermKind
    expires_on: dt.date | None = None  # None: 长期有效, or the term is the decision's (以决定书载明为准)
    status: str = Field(max_length=16)
    source: str = Field(max_length=16)  # decision | import
    recorded_at: dt.datetime


class LicenceEvent(SQLModel, table=True):
    """A licence's history: issued, imported, 注销, 吊销, 延续. Append-only, like the case events."""

    __tablename__ = "licence_events"
    __table_args__ = (UniqueConstraint("licence_id", "seq", name="uq_licence_events_licence_seq"),)

    id: int | None = Field(default=None, primary_key=True)
    licence_id: int = Field(foreign_key="licences.id")
    seq: int
    at: dt.datetime
    actor: str = Field(max_length=64)
    action: str = Field(max_length=16)
    from_status: str | None = Field(default=None, max_length=16)
    to_status: str = Field(max_length=16)
    reason: str = Field(default="", max_length=500)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class LicenceSerial(SQLModel, table=True):
    """The last running number given per matter and year (year 0 for a scheme without {year})."""

    __tablename__ = "licence_serials"

    matter_code: str = Field(primary_key=True, max_length=64)
    year: int = Field(primary_key=True)
    last: int


LICENCES = core_table(Licence)
LICENCE_EVENTS = core_table(LicenceEvent)
SERIALS = core_table(LicenceSerial)
