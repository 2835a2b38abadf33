"""Office time: the one conversion from stored instants to the time people read.

Instants are stored in UTC (SQLite hands them back naive, meaning UTC). Every
page, paper, API answer, audit fact and SQL grouping that shows or counts a
time in days goes through one `OfficeTime`, built from the office profile's
time zone, so a 16:02 submission is 16:02 everywhere and a 07:30 one falls on
its own day, not the day before. The date materials were received starts the
five-day 一次性告知 window (行政许可法 art. 32), so this is legally material.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import Date, cast, func
from sqlalchemy.sql.elements import ColumnElement

UTC = dt.UTC
DEFAULT_ZONE = "Asia/Shanghai"


class ZoneNotSupported(ValueError):
    """A zone that the storage cannot convert in SQL (SQLite knows fixed offsets only)."""


def cn_day(day: dt.date) -> str:
    """The one date style people read: 2026年12月3日."""
    return f"{day.year}年{day.month}月{day.day}日"


def as_utc(at: dt.datetime) -> dt.datetime:
    """An aware instant; a naive one is read as UTC, which is how every instant is stored."""
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


@dataclass(frozen=True)
class OfficeTime:
    zone: ZoneInfo

    @classmethod
    def named(cls, name: str = DEFAULT_ZONE) -> OfficeTime:
        return cls(ZoneInfo(name))

    def local(self, at: dt.datetime) -> dt.datetime:
        """The instant as the office's wall clock shows it (aware, in the office zone)."""
        return as_utc(at).astimezone(self.zone)

    def date(self, at: dt.datetime) -> dt.date:
        """The office's calendar day of an instant."""
        return self.local(at).date()

    def day_start(self, day: dt.date) -> dt.datetime:
        """The UTC instant at which `day` begins at the office (for range filters on stored instants)."""
        return dt.datetime.combine(day, dt.time(), self.zone).astimezone(UTC)

    def at(self, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        """The UTC instant of a wall-clock time at the office."""
        return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=self.zone).astimezone(UTC)

    def sql_date(self, column: ColumnElement[dt.datetime], dialect: str) -> ColumnElement[dt.date]:
        """The office's calendar day of a stored instant, computed by the database."""
        if dialect == "postgresql":
            # timestamptz → the zone's wall clock; PostgreSQL knows every IANA zone and its history.
            return cast(func.timezone(self.zone.key, column), Date)
        return func.date(column, self._sqlite_offset())

    def _sqlite_offset(self) -> str:
        # SQLite stores naive UTC text and has no zone database: only a zone with one
        # offset all year (Asia/Shanghai has had +08:00 since 1991) can be converted there.
        winter = self.zone.utcoffset(dt.datetime(2021, 1, 15))
        summer = self.zone.utcoffset(dt.datetime(2021, 7, 15))
        if winter != summer or winter is None:
            raise ZoneNotSupported(f"时区 {self.zone.key} 有夏令时，SQLite 无法按其换算日期；请使用 PostgreSQL")
        return f"{int(winter.total_seconds() // 60):+d} minutes"
