"""What a figure is about: a date range of local days and optional matter, window, clerk, department."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field, replace
from collections.abc import Mapping
from typing import TypedDict, Unpack

from workflows import errors
from workflows.localtime import OfficeTime, cn_day

DIMENSIONS = ("matter", "window", "clerk", "department")
# The days a figure may be asked about. The office opened long after the first and will not see the last;
# the bounds keep every derived day (the week's Sunday, a year of trend months before, the next day's
# midnight in UTC) inside what dates and datetimes can hold.
FIRST_DAY = dt.date(2000, 1, 1)
LAST_DAY = dt.date(2099, 12, 31)


class Dims(TypedDict, total=False):
    """The dimensions a scope can be narrowed to (None: any)."""

    matter: str | None
    window: str | None
    clerk: str | None
    department: str | None


@dataclass(frozen=True)
class Scope:
    start: dt.date  # first local day, inclusive
    end: dt.date  # last local day, inclusive
    matter: str | None = None
    window: str | None = None
    clerk: str | None = None
    department: str | None = None
    # Whose days these are: the office's zone turns them into stored (UTC) instants. Built from the
    # office profile by `scope_from`; a scope made by hand reads them in the default zone.
    time: OfficeTime = field(default_factory=OfficeTime.named, compare=False)
    # What the auditor chose: a calendar month, quarter or year (start is its first day), a week, a day
    # or a range; `until` is the day a period still in progress was cut at (today), else None.
    kind: str = "range"
    until: dt.date | None = None

    @property
    def label(self) -> str:
        """The period as a person names it; one in progress says up to which day it runs."""
        so_far = f"（截至{self.until.month}月{self.until.day}日）" if self.until else ""
        if self.kind == "month":
            return f"{self.start.year}年{self.start.month}月{so_far}"
        if self.kind == "quarter":
            return f"{self.start.year}年第{QUARTER_NAMES[(self.start.month - 1) // 3]}季度{so_far}"
        if self.kind == "year":
            return f"{self.start.year}年{so_far}"
        if self.start == self.end:
            return cn_day(self.start)
        return f"{cn_day(self.start)} 至 {cn_day(self.end)}{'（截至今日）' if self.until else ''}"

    @property
    def range_label(self) -> str:
        """The days actually covered."""
        return cn_day(self.start) if self.start == self.end else f"{cn_day(self.start)} 至 {cn_day(self.end)}"

    def narrowed(self, **dims: Unpack[Dims]) -> Scope:
        return replace(self, **dims)

    def params(self) -> dict[str, str]:
        """Query parameters that reproduce this scope, for links and exports."""
        out = {"start": self.start.isoformat(), "end": self.end.isoformat()}
        if self.kind in CALENDAR_PERIODS:
            out = {"period": self.kind, "start": self.start.isoformat()}
        out |= {d: getattr(self, d) for d in DIMENSIONS if getattr(self, d)}
        return out


QUARTER_NAMES = ("一", "二", "三", "四")
CALENDAR_PERIODS = ("month", "quarter", "year")


def month_of(day: dt.date) -> tuple[dt.date, dt.date]:
    return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])


def period_of(kind: str, day: dt.date) -> tuple[dt.date, dt.date]:
    if kind == "day":
        return day, day
    if kind == "week":  # Monday to Sunday
        monday = day - dt.timedelta(days=day.weekday())
        return monday, monday + dt.timedelta(days=6)
    if kind == "month":
        return month_of(day)
    if kind == "quarter":
        first = day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
        return first, month_of(first.replace(month=first.month + 2))[1]
    if kind == "year":
        return day.replace(month=1, day=1), day.replace(month=12, day=31)
    raise errors.BadInput("统计周期须为日、周、月、季度、年或自定义区间", field="period")


def last_full_month(today: dt.date) -> tuple[dt.date, dt.date]:
    return month_of(today.replace(day=1) - dt.timedelta(days=1))


def _month_param(value: str) -> dt.date:
    """?month=YYYY-MM, as an <input type=month> sends it."""
    year, _, month = value.partition("-")
    if not (year.isdigit() and month.isdigit() and len(year) == 4 and 1 <= int(month) <= 12):
        raise errors.BadInput("月份格式须为 YYYY-MM", field="month")
    return _date(f"{year}-{int(month):02d}-01", "month")


def _quarter_param(value: str) -> dt.date:
    """?quarter=YYYY-Qn."""
    year, _, q = value.upper().partition("-Q")
    if not (year.isdigit() and len(year) == 4 and q in ("1", "2", "3", "4")):
        raise errors.BadInput("季度格式须为 YYYY-Q1 至 YYYY-Q4", field="quarter")
    return _date(f"{year}-{(int(q) - 1) * 3 + 1:02d}-01", "quarter")


def _year_param(value: str) -> dt.date:
    if not (value.isdigit() and len(value) == 4):
        raise errors.BadInput("年份格式须为 YYYY", field="year")
    return _date(f"{value}-01-01", "year")


def _cut(scope: Scope, today: dt.date, field: str) -> Scope:
    """A period that has begun but not ended covers the days up to today, and says so.

    One that has not begun is refused: it covers no day yet, so a heading naming its days would claim
    figures for days to come, beside a 在办超期 that can only be today's.
    """
    if scope.start > today:
        name = scope.label if scope.kind in CALENDAR_PERIODS else scope.range_label
        raise errors.PeriodNotStarted(f"所选统计期间{name}尚未开始（今天是{cn_day(today)}），没有可统计的数据；"
                                      "请选择已经开始的期间", field=field)
    if scope.start <= today < scope.end:
        return replace(scope, end=today, until=today)
    return scope


def _date(value: str, field: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise errors.BadInput("日期格式须为 YYYY-MM-DD", field=field) from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise errors.DateOutOfRange(f"日期须在 {FIRST_DAY:%Y-%m-%d} 至 {LAST_DAY:%Y-%m-%d} 之间", field=field)
    return day


def scope_from(params: Mapping[str, str], today: dt.date, *, time: OfficeTime) -> Scope:
    """Parse the period and the dimensions; default: the last full month.

    ?period=month&month=YYYY-MM, ?period=quarter&quarter=YYYY-Qn, ?period=year&year=YYYY, ?period=range&start=…&end=…;
    ?period=day|week|month|quarter|year&on=… (or &start=…, the period's first day, as links carry it).
    A period in progress is cut at today and labelled so; one that begins after today is refused (period-not-started).
    """
    def given(name: str) -> str | None:
        return (params.get(name) or "").strip() or None
    dims = Dims(matter=given("matter"), window=given("window"), clerk=given("clerk"), department=given("department"))
    kind = params.get("period") or ""
    chosen = {"month": _month_param, "quarter": _quarter_param, "year": _year_param}
    if kind in chosen and params.get(kind):
        start, end = period_of(kind, chosen[kind](params[kind]))
        return _cut(Scope(start, end, **dims, time=time, kind=kind), today, kind)
    if kind in CALENDAR_PERIODS and params.get("start") and not params.get("on"):
        start, end = period_of(kind, _date(params["start"], "start"))
        return _cut(Scope(start, end, **dims, time=time, kind=kind), today, "start")
    if kind == "range" or params.get("start") or params.get("end"):
        start = _date(params.get("start") or "", "start")
        end = _date(params.get("end") or "", "end")
        if end < start:
            raise errors.BadInput("结束日期不能早于开始日期", field="end")
        if (end - start).days > 3660:
            raise errors.BadInput("统计区间不能超过十年", field="end")
        return _cut(Scope(start, end, **dims, time=time), today, "start")
    if not params.get("on"):
        start, end = last_full_month(today)
        return Scope(start, end, **dims, time=time, kind="month")
    on = _date(params["on"], "on")
    kind = kind or "month"
    start, end = period_of(kind, on)
    return _cut(Scope(start, end, **dims, time=time, kind=kind if kind in CALENDAR_PERIODS else "range"), today, "on")


def _year_earlier(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def previous_scope(scope: Scope) -> Scope | None:
    """环比: the period before, as many days into it as this one covers; None before the first day covered."""
    if scope.kind in CALENDAR_PERIODS:
        if scope.start <= FIRST_DAY:
            return None
        start, full_end = period_of(scope.kind, scope.start - dt.timedelta(days=1))
        end = full_end if scope.until is None else min(start + (scope.end - scope.start), full_end)
        return replace(scope, start=start, end=end, until=None, kind=scope.kind if end == full_end else "range")
    length = scope.end - scope.start + dt.timedelta(days=1)
    if scope.start - length < FIRST_DAY:
        return None
    return replace(scope, start=scope.start - length, end=scope.end - length, until=None, kind="range")


def year_ago_scope(scope: Scope) -> Scope | None:
    """同比: the same days a year earlier; None before the first day covered."""
    start, end = _year_earlier(scope.start), _year_earlier(scope.end)
    if start < FIRST_DAY:
        return None
    whole = scope.kind in CALENDAR_PERIODS and scope.until is None
    return replace(scope, start=start, end=end, until=None, kind=scope.kind if whole else "range")
