"""Working days with China's 调休, and deadlines that say when they are provisional.

Order of authority for a day: an arrangement an administrator loaded (with its
文号), then the official data of `chinesecalendar`, then, for a year neither
covers, weekends plus the statutory holidays from `holidays`, which knows no
调休; a deadline that touched such a year is marked provisional.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import chinese_calendar
import holidays


@dataclass(frozen=True)
class Deadline:
    due: dt.date
    provisional: bool


@lru_cache(maxsize=None)
def _official_library_year(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


@lru_cache(maxsize=64)
def _statutory_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.China(years=year).keys())


class WorkCalendar:
    """Immutable; build a new one after loading an arrangement."""

    def __init__(self, days: dict[dt.date, bool] | None = None, years: dict[int, str] | None = None):
        self._days = dict(days or {})
        self._years = dict(years or {})  # year -> 文号 of the loaded arrangement
        self._cache: dict[dt.date, bool] = {}

    def is_official(self, year: int) -> bool:
        return year in self._years or _official_library_year(year)

    def source_of(self, year: int) -> str:
        if year in self._years:
            return f"管理员导入：{self._years[year]}"
        if _official_library_year(year):
            return "国务院办公厅节假日安排（chinesecalendar）"
        return "暂无官方安排：按周末和法定节假日推算（临时）"

    def is_workday(self, day: dt.date) -> bool:
        cached = self._cache.get(day)
        if cached is None:
            cached = self._cache[day] = self._decide(day)
        return cached

    def _decide(self, day: dt.date) -> bool:
        if day.year in self._years:
            return self._days.get(day, day.weekday() < 5)
        if _official_library_year(day.year):
            return chinese_calendar.is_workday(day)
        return day.weekday() < 5 and day not in _statutory_holidays(day.year)

    def add_workdays(self, start: dt.date, days: int) -> Deadline:
        """The `days`-th working day after `start` (行政许可法 art. 82: the day after counts first)."""
        provisional = not self.is_official(start.year)
        day, left = start, days
        while left > 0:
            day += dt.timedelta(days=1)
            provisional = provisional or not self.is_official(day.year)
            if self.is_workday(day):
                left -= 1
        return Deadline(day, provisional)

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]; negative when end is before start."""
        if end < start:
            return -self.workdays_between(end, start)
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            count += self.is_workday(day)
        return count
