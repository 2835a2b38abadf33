"""Realistic demo history, generated through the service layer so that it obeys every rule.

The office is simulated over the past months, in time order. Applicants from a
stable roster (`demo_roster`) come to the counter or apply online on working days,
and each case moves on at its own pace, every action stamped while the office is
open (`demo_hours`) and after the one before it. Most cases close in one visit
within the promised limit; some are accepted with tolerated gaps and supply them in
time, some get a one-time notice and come back, some are refused or withdrawn, a few
run some days late. Each night the scheduled sweep (00:30 office time, the declared
schedule's) ends the cases whose tolerated gaps fell overdue the day before, as the
daily job does in a real office, and is recorded as run; the same night the day's
reminders are queued. Given a gateway, each step's text message is sent as soon as
it is written. The simulation stops at `now`: what is under way then stays open, as it
would be, and today's scheduled runs are left to the service, which catches them up
when it starts (the demo's `serve` ends a default that fell due on the last working
day, without anyone typing a command).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import heapq
import itertools
import random
from collections import Counter
from dataclasses import dataclass, field
from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from workflows import accounts, notices
from workflows import action_kinds as kinds
from workflows.db import session as new_session
from workflows.demo_hours import LAST_ARRIVAL, OfficeHours, SimClock
from workflows.deadlines import tolerance_days
from workflows.demo_plans import DemoStaff, Plan, plan_case
from workflows.demo_roster import Roster
from workflows.demo_ratings import DemoRatings
from workflows.demo_story import CaseStory, SimulatedOffice
from workflows.machine import FINAL_STATES
from workflows.office import Actor, Office
from workflows.workdays import WorkCalendar
from workflows.schedule import SCHEDULE, Daily, Scheduled, record_run
from workflows.outbox import queue_reminders, send_pending
from workflows.sms import Gateway
from workflows.sweep import sweep_overdue_gaps

SWEEP = next(e for e in SCHEDULE if e.name == "gap-sweep")
# What the simulated scheduler runs each night, as the service's does; the sender runs after every step.
NIGHTLY = (SWEEP, next(e for e in SCHEDULE if e.name == "deadline-reminders"))


def _run_time(entry: Scheduled, day: dt.date, office: Office) -> dt.datetime:
    assert isinstance(entry.when, Daily)
    return office.time.at(day, entry.when.at.hour, entry.when.at.minute)


@dataclass
class DemoSummary:
    first_day: dt.date  # the history's first day (the service's first day in the demo)
    cases: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        parts = "，".join(f"{k} {v}" for k, v in sorted(self.outcomes.items()))
        return f"已通过业务层生成 {self.cases} 件演示办件：{parts}"


def build_demo(*, engine: Engine, office: Office, cases: int, seed: int, progress: bool = False,
               months: int = 6, now: dt.datetime | None = None, gateway: Gateway | None = None) -> DemoSummary:
    """`cases` applications over the `months` before `now` (default: the office clock), the same for a seed.

    `gateway`: where the history's text messages go, each morning (never a real provider: the
    demo's phone numbers are made up); None leaves them all waiting in the outbox.
    """
    rng = random.Random(seed)
    now = now or office.clock()
    clock = SimClock(now)
    written = _Written()
    sim = Office(catalogue=office.catalogue, calendar=office.calendar, clock=clock,
                 before_commit=[*office.before_commit, written.note], on_evaluation=office.on_evaluation,
                 profile=office.profile, public_base_url=office.public_base_url)
    hours = OfficeHours(office.calendar, office.time)
    first = office.time.date(now) - dt.timedelta(days=30 * months)
    with new_session(engine) as session:
        shared = SimulatedOffice(session, sim, hours, rng, _staff(session, sim),
                                 ratings=DemoRatings(random.Random(seed * 7919 + 16)))
        roster = Roster(rng, first_day=first)
        stories = [CaseStory(shared, plan_case(rng=rng, catalogue=sim.catalogue, roster=roster, staff=shared.staff,
                                               arrival=arrival))
                   for arrival in _arrivals(hours, rng, cases, first, now)]
        last_workday = _last_workday_before(office.calendar, office.time.date(now))
        left = _default_due_on(last_workday, rng=rng, office=sim, roster=roster, staff=shared.staff, hours=hours)
        stories += [CaseStory(shared, left)] if left and left.arrival <= now else []
        with _progress_bar(len(stories), progress) as advance:
            shared.on_case_opened = advance
            _Simulation(shared, clock, now, next_sweep=first, last_swept=last_workday, gateway=gateway,
                        written=written).run(stories)
    return _summary(stories, shared.stopped, first)


def _last_workday_before(calendar: WorkCalendar, day: dt.date) -> dt.date:
    day -= dt.timedelta(days=1)
    while not calendar.is_workday(day):
        day -= dt.timedelta(days=1)
    return day


def _default_due_on(due: dt.date, *, rng: random.Random, office: Office, roster: Roster, staff: DemoStaff,
                    hours: OfficeHours) -> Plan | None:
    """A 容缺 case never supplied whose gap falls due on `due`, the last working day: the first thing
    the service's scheduler does when the demo is served is to end it (终止), late, for the right day."""
    start = hours.opening(due)
    plan = plan_case(rng=rng, catalogue=office.catalogue, roster=roster, staff=staff, arrival=start,
                     scenario="defaulted")
    missing = [m for m, check in plan.materials.items() if check.status == "missing"]
    if plan.scenario != "defaulted" or not missing:
        return None
    days = min(tolerance_days(plan.definition, m) for m in missing)
    accepted = due
    while accepted > due - dt.timedelta(days=60):
        accepted -= dt.timedelta(days=1)
        if office.calendar.is_workday(accepted) and office.calendar.add_workdays(accepted, days).due == due:
            plan.arrival = hours.some_time(rng, accepted, latest=LAST_ARRIVAL)
            return plan
    return None


def _arrivals(hours: OfficeHours, rng: random.Random, n: int, first: dt.date, now: dt.datetime) -> list[dt.datetime]:
    """When each applicant comes (or the clerk takes up an online application): open hours up to now."""
    days = [first + dt.timedelta(days=i) for i in range((hours.local_day(now) - first).days + 1)]
    workdays = [d for d in days if hours.calendar.is_workday(d) and hours.opening(d) < now]
    if not workdays:
        raise ValueError("演示时段内没有工作日")
    arrivals: list[dt.datetime] = []
    while len(arrivals) < n:
        moment = hours.some_time(rng, rng.choice(workdays), latest=LAST_ARRIVAL)
        if moment <= now:
            arrivals.append(moment)
    return sorted(arrivals)


@contextlib.contextmanager
def _progress_bar(total: int, show: bool) -> Iterator[Callable[[], None]]:
    if not show:
        yield lambda: None
        return
    from rich.progress import Progress

    with Progress() as bar:
        task = bar.add_task("生成演示办件", total=total)
        yield lambda: bar.advance(task)


def _staff(session: Session, office: Office) -> DemoStaff:
    if not accounts.list_users(session):
        from workflows.demo_users import create_demo_users

        create_demo_users(session, office.now())
    actors = [accounts.actor_of(u) for u in accounts.list_users(session) if u.active]
    windows = {w.code: w for w in session.exec(select(accounts.ServiceWindow))}

    def serves(actor: Actor, code: str) -> bool:
        window = windows.get(actor.window or "")
        return window is not None and (window.comprehensive or code in window.matters)

    heads = {w.head for w in office.profile.windows}  # a window's 负责人 answers for its 差评, not for intake
    clerks = [a for a in actors if a.has("clerk") and a.username not in heads] or [a for a in actors if a.has("clerk")]
    by_matter = {v.code: [a for a in clerks if serves(a, v.code)] or clerks for v in office.catalogue.matters()}
    by_role: dict[str, Actor] = {}
    for actor in actors:
        for role in sorted(actor.roles):
            by_role.setdefault(role, actor)
    return DemoStaff(by_matter, by_role)


class _Written:
    """Whether a step since the last send wrote a text message (so that the demo asks the outbox only then)."""

    def __init__(self) -> None:
        self.since = False

    def note(self, *, event: dict[str, Any], **_: Any) -> None:
        self.since = self.since or kinds.kind_of(event["action"]) in notices.SENT_BY


@dataclass
class _Simulation:
    """Every story's actions in time order up to `now`, with the daily sweep before each working day's work."""

    shared: SimulatedOffice
    clock: SimClock
    now: dt.datetime
    next_sweep: dt.date
    last_swept: dt.date  # the last day the simulated scheduler runs for: the last working day before today
    next_day: dict[str, dt.date] = field(default_factory=dict)  # each nightly task's next day to run for
    gateway: Gateway | None = None
    written: _Written = field(default_factory=lambda: _Written())

    def run(self, stories: list[CaseStory]) -> None:
        queue: list[tuple[dt.datetime, int, Iterator[dt.datetime]]] = []
        for i, story in enumerate(stories):
            steps = story.run()
            heapq.heappush(queue, (next(steps), i, steps))
        spawned = itertools.count(len(stories))

        def spawn(steps: Iterator[dt.datetime]) -> None:  # a story begun by another (a 差评's task)
            first = next(steps, None)
            if first is not None:
                heapq.heappush(queue, (first, next(spawned), steps))
        self.shared.spawn = spawn
        while queue and queue[0][0] <= self.now:
            at, i, steps = heapq.heappop(queue)
            self.sweep_until(at)
            self.clock.now = at
            following = next(steps, None)
            if self.written.since:
                self.send(at)
            if following is not None:
                heapq.heappush(queue, (following, i, steps))
        self.sweep_until(self.now)

    def sweep_until(self, moment: dt.datetime) -> None:
        """The nightly scheduled runs (workflows/schedule.py: the 容缺 sweep, then the reminders) of each day up
        to `moment` not yet run, in time order, recorded as the scheduler records them. The runs after the
        last working day (`last_swept`) are left to the service, which catches them up when it starts."""
        office = self.shared.office
        while True:
            due = [(run, entry) for entry in NIGHTLY
                   if (day := self.next_day.setdefault(entry.name, self.next_sweep)) <= self.last_swept
                   and (run := _run_time(entry, day, office)) <= moment]
            if not due:
                break
            run, entry = min(due, key=lambda d: d[0])
            day = self.next_day[entry.name]
            self.clock.now = run
            if entry is SWEEP:
                summary = sweep_overdue_gaps(session=self.shared.session, office=office, day=day).summary()
            else:
                report = queue_reminders(session=self.shared.session, office=office, day=day)
                summary = f"写入提醒短信 {len(report.queued)} 条"
            record_run(self.shared.session, task=entry.name, day=day, summary=summary, at=run)
            self.next_day[entry.name] = day + dt.timedelta(days=1)
            if self.written.since:
                self.send(run)

    def send(self, now: dt.datetime) -> None:
        """What the step or the morning's jobs wrote goes out at once, as the sender's frequent runs would."""
        self.written.since = False
        if self.gateway is not None:
            send_pending(session=self.shared.session, gateway=self.gateway, now=now, limit=1000)


def _summary(stories: list[CaseStory], stopped: Counter[str], first_day: dt.date) -> DemoSummary:
    summary = DemoSummary(first_day=first_day, cases=sum(1 for s in stories if s.case is not None))
    counts: Counter[str] = Counter()
    for story in stories:
        case = story.case
        if case is None:
            continue
        if case.state not in FINAL_STATES:
            counts["open"] += 1
        elif case.outcome == "terminated":
            counts["terminated(sweep)"] += 1
        else:
            assert case.outcome is not None, "every closing action records the case's outcome"
            counts["closed" if case.outcome == "approved" else case.outcome] += 1
    counts.update({f"stopped:{code}": n for code, n in stopped.items()})
    summary.outcomes = dict(counts)
    return summary
