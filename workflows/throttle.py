"""Failures per client address (staff logins, public status lookups), counted in the database.

`accounts.authenticate` locks one account after repeated failures; that does not
stop one address from trying one password against many usernames, or from
guessing receipt numbers with phone digits. This does. The failures are rows, not
process memory, so the limit holds across uvicorn workers and machines, as the
per-account lock does: with the counter in memory each worker allowed its own ten.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Index, delete, func
from sqlmodel import Field, Session, SQLModel, col, select

WINDOW = dt.timedelta(minutes=15)


class AddressFailure(SQLModel, table=True):
    __tablename__ = "address_failures"
    __table_args__ = (Index("ix_address_failures_scope_address_at", "scope", "address", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    scope: str = Field(max_length=16)  # what was tried: login | lookup
    address: str = Field(max_length=64)
    at: dt.datetime


@dataclass(frozen=True)
class Throttle:
    """At most `max_failures` failed attempts of one kind from one address within `window`."""

    scope: str
    max_failures: int
    window: dt.timedelta = WINDOW

    def blocked(self, *, session: Session, address: str, now: dt.datetime) -> bool:
        recent = select(func.count()).select_from(AddressFailure).where(
            AddressFailure.scope == self.scope, AddressFailure.address == address,
            AddressFailure.at > now - self.window)
        return session.exec(recent).one() >= self.max_failures

    def failed(self, *, session: Session, address: str, now: dt.datetime) -> None:
        """Record a failure (in its own commit) and forget every failure older than the window."""
        session.exec(delete(AddressFailure).where(col(AddressFailure.at) <= now - self.window))
        session.add(AddressFailure(scope=self.scope, address=address[:64], at=now))
        session.commit()


LOGINS = Throttle("login", max_failures=10)
LOOKUPS = Throttle("lookup", max_failures=20)  # status lookups by receipt number + phone digits
