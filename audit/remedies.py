"""The office's written 整改措施 for a month: entered by an auditor on a form, printed in the monthly report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlmodel import Session

from audit.models import AuditRemedy
from workflows import errors
from workflows.db import core_table
from workflows.office import Actor

REMEDIES = core_table(AuditRemedy)
MAX_CHARS = 4000


@dataclass(frozen=True)
class Remedies:
    month: dt.date
    text: str
    updated_by: str
    updated_at: dt.datetime


def remedies_of(conn: Connection, *, month: dt.date) -> Remedies | None:
    row = conn.execute(select(REMEDIES).where(REMEDIES.c.month == month.replace(day=1))).mappings().first()
    return None if row is None else Remedies(row["month"], row["text"], row["updated_by"], row["updated_at"])


def save_remedies(*, session: Session, month: dt.date, text: str, actor: Actor, now: dt.datetime) -> Remedies:
    """Write (or rewrite) the month's 整改措施; empty text removes them. The caller's transaction commits."""
    if not actor.has("auditor"):
        raise errors.Forbidden("整改措施须由效能监察人员填写")
    text = text.strip()
    if len(text) > MAX_CHARS:
        raise errors.BadInput(f"整改措施不能超过 {MAX_CHARS} 字", field="text")
    first = month.replace(day=1)
    row = session.get(AuditRemedy, first)
    if not text:
        if row is not None:
            session.delete(row)
        return Remedies(first, "", actor.username, now)
    if row is None:
        row = AuditRemedy(month=first, text=text, updated_by=actor.username, updated_at=now)
    else:
        row.text, row.updated_by, row.updated_at = text, actor.username, now
    session.add(row)
    return Remedies(first, text, actor.username, now)
