"""Working days with China's 调休, and deadlines that say when they are provisional.

Order of authority for a day: an arrangement an administrator loaded (with its
文号), then the official data of `chinesecalendar`, then, for a year neither
covers, weekends plus the statutory holidays from `holidays`, which knows no
调休; a deadline that touched such a year is marked provisional.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache, lru_cache

import chinese_calendar
import holidays


@dataclass(frozen=True)
class Deadline:
    due: dt.date
    provisional: bool


@cache
def _official_library_year(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


@lru_cache(maxsize=64)
def _statutory_holidays(year: int) -> frozenset[dt.date]:
    # country_holidays is the library's typed entry point; holidays.China is a lazy, untyped loader of the same class.
    return frozenset(holidays.country_holidays("CN", years=year).keys())


class WorkCalendar:
    """Immutable; build a new one after loading an arrangement."""

    def __init__(self, days: dict[dt.date, bool] | None = None, years: dict[int, str] | None = None):
        self._days = dict(days or {})
        self._years = dict(years or {})  # year -> 文号 of the loaded arrangement
        self._cache: dict[dt.date, bool] = {}
        self._running: dict[int, list[int]] = {}  # year -> working days up to each day of the year

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
            return bool(chinese_calendar.is_workday(day))  # the library is untyped; it answers a bool
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
        if start.year == end.year:
            return self._through(end) - self._through(start)
        # Queues ask this for every row on every request, so it is a lookup, not a walk.
        total = self._year_total(start.year) - self._through(start)
        for year in range(start.year + 1, end.year):
            total += self._year_total(year)
        return total + self._through(end)

    def _through(self, day: dt.date) -> int:
        """Working days from 1 January of `day`'s year up to and including `day`."""
        return self._year_running(day.year)[day.timetuple().tm_yday - 1]

    def _year_total(self, year: int) -> int:
        return self._year_running(year)[-1]

    def _year_running(self, year: int) -> list[int]:
        running = self._running.get(year)
        if running is None:
            running, count, day = [], 0, dt.date(year, 1, 1)
            while day.year == year:
                count += self.is_workday(day)
                running.append(count)
                day += dt.timedelta(days=1)
            self._running[year] = running
        return running
