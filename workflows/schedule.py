"""The declared schedule: every task the clock runs, when (office time) and the rule it calls.

One entry per task in `SCHEDULE`; adding a task is adding one entry:

    Scheduled(name="gap-sweep", when=Daily(dt.time(0, 30)), run=sweep_day, title="终止容缺逾期未补齐的办件")

- `name`: stable id (the job queue's task name, the key of `scheduled_runs`, the key of an override).
- `when`: `Daily(at)` runs once a day at `at`, office wall-clock time; `Every(minutes)` runs every
  `minutes`. An operator moves either with `ONEVISIT_SCHEDULE`, a JSON object of overrides,
  e.g. `{"gap-sweep": "01:15", "send-outbox": "5m"}` ("HH:MM" daily, "Nm" every N minutes).
- `run`: a plain function of workflows/ with keyword-only arguments and no knowledge of any queue:

      def task(*, engine: Engine, office: Office, day: dt.date) -> str

  `engine` to open its own sessions (it commits as its rules say, e.g. one case at a time);
  `office` the office with its clock and extensions; `day` the office day the run is FOR.
  It returns a one-line summary for the log. It must be idempotent for a given day: a
  run cut short (a killed worker) is run again for the same day.

Who runs the schedule: `service.py worker` (PostgreSQL, Procrastinate periodic tasks: one
run per period however many workers, jobs/queue.py) or `service.py serve` (SQLite: one
thread in the serving process, jobs/inprocess.py). Both call `run_due` here, so a daily
task's catch-up is the same everywhere: each day from the one after the last recorded
run up to the latest day whose time has come, in order, each recorded when done. A
scheduler that was down does the missed days when it comes back, each FOR its own
day, which gives what the on-time runs would have given. `Every` tasks have no catch-up:
each run works off whatever is waiting.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Protocol

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from workflows.db import session as new_session
from workflows.deadline_marks import mark_day
from workflows.localtime import OfficeTime
from workflows.models import ScheduledRun
from workflows.office import Office
from workflows.outbox import remind_day, send_due
from workflows.sweep import sweep_day


class TaskFunction(Protocol):
    """A scheduled rule: run for the office day `day`; returns a one-line summary."""

    def __call__(self, *, engine: Engine, office: Office, day: dt.date) -> str: ...


@dataclass(frozen=True)
class Daily:
    """Once a day at `at`, the office's wall-clock time."""

    at: dt.time

    def due_day(self, local_now: dt.datetime) -> dt.date:
        """The latest day whose run time has come at `local_now` (office time)."""
        today = local_now.date()
        return today if local_now.time() >= self.at else today - dt.timedelta(days=1)

    def describe(self) -> str:
        return f"每日 {self.at:%H:%M}"


@dataclass(frozen=True)
class Every:
    """Every `minutes` minutes (on the clock's multiples of it)."""

    minutes: int

    def describe(self) -> str:
        return f"每 {self.minutes} 分钟"


When = Daily | Every


@dataclass(frozen=True)
class Scheduled:
    name: str
    when: When
    run: TaskFunction
    title: str  # what it does, in the office's words, for the log and the README


SCHEDULE: tuple[Scheduled, ...] = (
    Scheduled("gap-sweep", Daily(dt.time(0, 30)), sweep_day, "终止容缺逾期未补齐的办件"),
    Scheduled("deadline-marks", Daily(dt.time(6, 0)), mark_day, "标记即将超期（2 个工作日内）和已超期的办件"),
    # After the night's sweep, so that a gap it ended is not reminded; before the office opens.
    Scheduled("deadline-reminders", Daily(dt.time(7, 30)), remind_day, "提醒申请人次一工作日到期的容缺补齐和补正"),
    Scheduled("send-outbox", Every(1), send_due, "发送给申请人的短信（失败的按退避时间重试）"),
)


def parse_when(text: str) -> When:
    """"HH:MM" (daily, office time) or "Nm" (every N minutes, 1–1440)."""
    text = text.strip()
    if m := re.fullmatch(r"(\d{1,2}):(\d{2})", text):
        hour, minute = int(m[1]), int(m[2])
        if hour < 24 and minute < 60:
            return Daily(dt.time(hour, minute))
    elif (m := re.fullmatch(r"(\d{1,4})m", text)) and 1 <= int(m[1]) <= 1440:
        return Every(int(m[1]))
    raise ValueError(f"无法识别的执行时间 {text!r}：每日写 HH:MM（办公地时间），间隔写 Nm（分钟）")


def schedule(overrides: Mapping[str, str] | None = None,
             entries: tuple[Scheduled, ...] = SCHEDULE) -> tuple[Scheduled, ...]:
    """The declared entries with the operator's times; an override naming no task is refused."""
    overrides = dict(overrides or {})
    unknown = sorted(set(overrides) - {e.name for e in entries})
    if unknown:
        raise ValueError(f"ONEVISIT_SCHEDULE 中没有这些定时任务：{', '.join(unknown)}")
    return tuple(replace(e, when=parse_when(overrides[e.name])) if e.name in overrides else e for e in entries)


# ---- running: the same for every scheduler -------------------------------------------

@dataclass(frozen=True)
class RunResult:
    task: str
    day: dt.date
    summary: str


def last_run(session: Session, task: str) -> dt.date | None:
    day: dt.date | None = session.exec(select(func.max(col(ScheduledRun.day))).where(ScheduledRun.task == task)).one()
    return day


def days_due(entry: Scheduled, *, last: dt.date | None, local_now: dt.datetime) -> list[dt.date]:
    """The days a daily task is to be run for now: after `last` up to the latest whose time has come."""
    assert isinstance(entry.when, Daily), "only daily tasks are run for days"
    due = entry.when.due_day(local_now)
    first = due if last is None else last + dt.timedelta(days=1)
    return [first + dt.timedelta(days=i) for i in range((due - first).days + 1)]


def record_run(session: Session, *, task: str, day: dt.date, summary: str, at: dt.datetime) -> None:
    """Note that `task` was done for `day` (a concurrent runner may have noted it first: that is the same fact)."""
    try:
        with session.begin_nested():
            session.add(ScheduledRun(task=task, day=day, done_at=at, summary=summary[:500]))
    except IntegrityError:
        pass
    session.commit()


def run_due(*, engine: Engine, office: Office, entry: Scheduled) -> list[RunResult]:
    """Run `entry` for whatever is due now: each missed day in order (daily), or once (every N minutes)."""
    if isinstance(entry.when, Every):
        return [RunResult(entry.name, office.today(), entry.run(engine=engine, office=office, day=office.today()))]
    with new_session(engine) as session:
        days = days_due(entry, last=last_run(session, entry.name), local_now=office.time.local(office.now()))
    results = []
    for day in days:
        summary = entry.run(engine=engine, office=office, day=day)
        with new_session(engine) as session:
            record_run(session, task=entry.name, day=day, summary=summary, at=office.now())
        results.append(RunResult(entry.name, day, summary))
    return results


def next_run(entry: Scheduled, after: dt.datetime, time: OfficeTime) -> dt.datetime:
    """The first instant (UTC) after `after` at which `entry` is due."""
    if isinstance(entry.when, Every):
        step = entry.when.minutes * 60
        seconds = int(after.timestamp()) // step * step + step
        return dt.datetime.fromtimestamp(seconds, dt.UTC)
    local = time.local(after)
    day = local.date() if local.time() < entry.when.at else local.date() + dt.timedelta(days=1)
    return time.at(day, entry.when.at.hour, entry.when.at.minute)
