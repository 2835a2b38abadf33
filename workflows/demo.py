"""Realistic demo history, generated through the service layer so that it obeys every rule.

The office is simulated over the past months, in time order. Applicants from a
stable roster (`demo_roster`) come to the counter or apply online on working days,
and each case moves on at its own pace, every action stamped while the office is
open (`demo_hours`) and after the one before it. Most cases close in one visit
within the promised limit; some are accepted with tolerated gaps and supply them in
time, some get a one-time notice and come back, some are refused or withdrawn, a few
run some days late. Each working morning the sweep ends the cases whose tolerated
gaps fell overdue, as the daily job does in a real office, so a default ends the
working day after its deadline; the same morning the day's reminders are queued.
Given a gateway, each step's text message is sent as soon as it is written. The
simulation stops at `now`: what is under way then stays open, as it would.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import heapq
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
from workflows.demo_plans import DemoStaff, plan_case
from workflows.demo_roster import Roster
from workflows.demo_story import CaseStory, SimulatedOffice
from workflows.machine import FINAL_STATES
from workflows.office import Actor, Office
from workflows.outbox import queue_reminders, send_pending
from workflows.sms import Gateway
from workflows.sweep import sweep_overdue_gaps


@dataclass
class DemoSummary:
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
        shared = SimulatedOffice(session, sim, hours, rng, _staff(session, sim))
        roster = Roster(rng, first_day=first)
        stories = [CaseStory(shared, plan_case(rng=rng, catalogue=sim.catalogue, roster=roster, staff=shared.staff,
                                               arrival=arrival))
                   for arrival in _arrivals(hours, rng, cases, first, now)]
        with _progress_bar(len(stories), progress) as advance:
            shared.on_case_opened = advance
            _Simulation(shared, clock, now, next_sweep=first, gateway=gateway, written=written).run(stories)
    return _summary(stories, shared.stopped)


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

    clerks = [a for a in actors if a.has("clerk")]
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
    gateway: Gateway | None = None
    written: _Written = field(default_factory=lambda: _Written())

    def run(self, stories: list[CaseStory]) -> None:
        queue: list[tuple[dt.datetime, int, Iterator[dt.datetime]]] = []
        for i, story in enumerate(stories):
            steps = story.run()
            heapq.heappush(queue, (next(steps), i, steps))
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
        """The sweep at opening time of each working day up to `moment` not yet swept, as the daily job runs it."""
        hours, day = self.shared.hours, self.next_sweep
        while hours.opening(day) <= moment:
            if hours.calendar.is_workday(day):
                self.clock.now = hours.opening(day)
                sweep_overdue_gaps(session=self.shared.session, office=self.shared.office)
                queue_reminders(session=self.shared.session, office=self.shared.office, day=day)
                self.send(self.clock.now)
            day += dt.timedelta(days=1)
        self.next_sweep = day


    def send(self, now: dt.datetime) -> None:
        """What the step or the morning's jobs wrote goes out at once, as the sender's frequent runs would."""
        self.written.since = False
        if self.gateway is not None:
            send_pending(session=self.shared.session, gateway=self.gateway, now=now, limit=1000)


def _summary(stories: list[CaseStory], stopped: Counter[str]) -> DemoSummary:
    summary = DemoSummary(cases=sum(1 for s in stories if s.case is not None))
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
