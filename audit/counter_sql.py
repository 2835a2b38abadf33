"""The SQL every counter write shares: a counter row's day, the dialect's INSERT, and the additive upsert."""

from __future__ import annotations

from sqlalchemy import Date, cast, func
from sqlalchemy.dialects import postgresql, sqlite

from audit.models import DAILY

KEY = ("day", "matter_code", "window", "clerk")


def _key_day(dialect: str, table, day):
    """The key of `table` for a day: the day itself, or the first of its month."""
    if table is DAILY:
        return day
    if dialect == "postgresql":
        return cast(func.date_trunc("month", day), Date)
    return func.date(day, "start of month")


def _insert(dialect: str, table):
    return (postgresql if dialect == "postgresql" else sqlite).insert(table)


def _upsert(table, stmt):
    additive = [c.name for c in table.columns if c.name not in KEY]
    excluded = stmt.excluded  # built anew on every access: read it once
    return stmt.on_conflict_do_update(index_elements=list(KEY), set_={n: table.c[n] + excluded[n] for n in additive})
