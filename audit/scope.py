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

    @property
    def label(self) -> str:
        if self.start == self.end:
            return cn_day(self.start)
        return f"{cn_day(self.start)} 至 {cn_day(self.end)}"

    def narrowed(self, **dims: Unpack[Dims]) -> Scope:
        return replace(self, **dims)

    def params(self) -> dict[str, str]:
        """Query parameters that reproduce this scope, for links and exports."""
        out = {"start": self.start.isoformat(), "end": self.end.isoformat()}
        out |= {d: getattr(self, d) for d in DIMENSIONS if getattr(self, d)}
        return out


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
    raise errors.BadInput("统计周期须为日、周、月或自定义区间", field="period")


def _date(value: str, field: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise errors.BadInput("日期格式须为 YYYY-MM-DD", field=field) from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise errors.DateOutOfRange(f"日期须在 {FIRST_DAY:%Y-%m-%d} 至 {LAST_DAY:%Y-%m-%d} 之间", field=field)
    return day


def scope_from(params: Mapping[str, str], today: dt.date, *, time: OfficeTime) -> Scope:
    """Parse ?period=day|week|month&on=… or ?start=…&end=…, plus the dimensions; default: this month."""
    dims = {d: (params.get(d) or "").strip() or None for d in DIMENSIONS}
    if params.get("start") or params.get("end"):
        start = _date(params.get("start") or "", "start")
        end = _date(params.get("end") or "", "end")
        if end < start:
            raise errors.BadInput("结束日期不能早于开始日期", field="end")
        if (end - start).days > 3660:
            raise errors.BadInput("统计区间不能超过十年", field="end")
        return Scope(start, end, **dims, time=time)
    on = _date(params["on"], "on") if params.get("on") else today
    start, end = period_of(params.get("period") or "month", on)
    return Scope(start, end, **dims, time=time)
