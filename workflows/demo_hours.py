"""Simulated time for the demo: the office's opening hours on working days.

Every action of the demo history is stamped at a moment the service centre is
open, so a timeline reads like a real one: nothing at night, on a Sunday or in
the lunch break, and each step after the one before it.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from workflows.localtime import OfficeTime
from workflows.workdays import WorkCalendar

# As the demo office profile (workflows/offices/demo.yaml) publishes them: 周一至周五 上午 9:00—12:00，下午 13:30—17:00.
OFFICE_HOURS = ((dt.time(9, 0), dt.time(12, 0)), (dt.time(13, 30), dt.time(17, 0)))
# The counter takes no new applicant after this, so a visit that starts is finished before closing.
LAST_ARRIVAL = dt.time(16, 30)
ONE_MINUTE = dt.timedelta(minutes=1)


class SimClock:
    """The demo's own clock: each action is stamped at the simulated time it happens."""

    def __init__(self, now: dt.datetime):
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@dataclass
class OfficeHours:
    """Opening hours on the office calendar's working days, as UTC instants."""

    calendar: WorkCalendar
    time: OfficeTime
    _periods: dict[dt.date, tuple[tuple[dt.datetime, dt.datetime], ...]] = field(default_factory=dict)

    def periods(self, day: dt.date) -> tuple[tuple[dt.datetime, dt.datetime], ...]:
        """(opens, closes) of each session of `day`; none on a rest day."""
        found = self._periods.get(day)
        if found is None:
            found = tuple((self._instant(day, start), self._instant(day, end)) for start, end in OFFICE_HOURS) \
                if self.calendar.is_workday(day) else ()
            self._periods[day] = found
        return found

    def local_day(self, moment: dt.datetime) -> dt.date:
        return self.time.date(moment)

    def _instant(self, day: dt.date, at: dt.time) -> dt.datetime:
        return self.time.at(day, at.hour, at.minute)

    def opening(self, day: dt.date) -> dt.datetime:
        return self._instant(day, OFFICE_HOURS[0][0])

    def next_workday(self, day: dt.date) -> dt.date:
        return self.calendar.add_workdays(day, 1).due

    def add(self, moment: dt.datetime, minutes: float) -> dt.datetime:
        """`minutes` of opening time after `moment`: work left at closing goes on when the office reopens."""
        left = dt.timedelta(seconds=round(minutes * 60))
        day = self.local_day(moment)
        while True:
            for start, end in self.periods(day):
                moment = max(moment, start)
                if moment >= end:
                    continue
                if moment + left <= end:
                    return moment + left
                left -= end - moment
                moment = end
            day += dt.timedelta(days=1)

    def some_time(self, rng: random.Random, day: dt.date, *, after: dt.datetime | None = None,
                  latest: dt.time | None = None) -> dt.datetime:
        """A random whole-second moment while the office is open on `day`, at least a minute after
        `after` and no later than `latest`; on the next working day when `day` has no such moment left."""
        while True:
            floor = after + ONE_MINUTE if after else None
            cap = self._instant(day, latest) if latest else None
            spans = []
            for start, end in self.periods(day):
                start = max(start + dt.timedelta(seconds=1), floor) if floor else start + dt.timedelta(seconds=1)
                end = min(end, cap) if cap else end
                if end > start:
                    spans.append((start, int((end - start).total_seconds())))
            total = sum(seconds for _, seconds in spans)
            if total > 0:
                offset = rng.randrange(total)
                for start, seconds in spans:
                    if offset < seconds:
                        return start + dt.timedelta(seconds=offset)
                    offset -= seconds
            day, after = self.next_workday(day), None

    def days_later(self, rng: random.Random, moment: dt.datetime, days: int,
                   latest: dt.time | None = None) -> dt.datetime:
        """A random open moment `days` working days after `moment` (0: later the same day, if time is left)."""
        day = self.local_day(moment)
        if days <= 0:
            return self.some_time(rng, day, after=moment, latest=latest)
        return self.some_time(rng, self.calendar.add_workdays(day, days).due, latest=latest)
