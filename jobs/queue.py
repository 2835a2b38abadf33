"""The job queue for PostgreSQL deployments: the declared schedule on Procrastinate.

Each entry of the schedule (workflows/schedule.py) becomes a Procrastinate task named
after it and a periodic task on its cron. Every worker runs Procrastinate's periodic
deferrer, and its `procrastinate_periodic_defers` table lets only one of them defer a
given tick, so several workers on several machines run each task once per period. The
task's `lock` (its name) keeps two runs of one task from overlapping.

Procrastinate defers only the latest tick, and only within ten minutes of it: a worker
that was down at 00:30 would leave the day's sweep to the next night. So each worker,
when it starts, defers one catch-up run of every daily task (its queueing lock keeps
several starting workers to one); `run_due` does every day missed since the last
recorded run, each FOR its own day, and nothing when none is missed.

A worker killed mid-run leaves its job `doing`, holding its task's lock; every five minutes
a worker puts back the jobs of workers without a heartbeat (Procrastinate's stalled jobs),
and the run is done again. The schema is Procrastinate's own, applied by our migration
0006 (`service.py db upgrade`).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Sequence
from typing import Any

import procrastinate
from procrastinate import exceptions as procrastinate_errors
from sqlalchemy.engine import Engine, make_url

from workflows.localtime import OfficeTime
from workflows.office import Office
from workflows.schedule import Daily, Every, Scheduled, run_due

log = logging.getLogger("onevisit.jobs")
QUEUE = "schedule"
RETRY_STALLED = "retry-stalled-jobs"


def conninfo(database_url: str) -> str:
    """libpq's form of our database URL (Procrastinate connects with psycopg directly)."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


def cron_of(entry: Scheduled, time: OfficeTime) -> str:
    """The entry's cron line in UTC, which is how Procrastinate reads cron.

    A daily time in a zone with one offset all year (China's) is one UTC time; in a zone
    with summer time the tick comes every hour at that minute and `run_due` runs the day
    when its office time has come.
    """
    if isinstance(entry.when, Every):
        return f"*/{entry.when.minutes} * * * *" if entry.when.minutes < 60 else f"0 */{entry.when.minutes // 60} * * *"
    at = entry.when.at
    winter = time.zone.utcoffset(dt.datetime(2021, 1, 15))
    summer = time.zone.utcoffset(dt.datetime(2021, 7, 15))
    utc = dt.datetime.combine(dt.date(2021, 1, 15), at) - (winter or dt.timedelta())
    if winter != summer:
        return f"{utc.minute} * * * *"
    return f"{utc.minute} {utc.hour} * * *"


def build_app(*, database_url: str, engine: Engine, office: Office, entries: Sequence[Scheduled]) -> procrastinate.App:
    """A Procrastinate app with one task and one periodic task per schedule entry."""
    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=conninfo(database_url)))
    for entry in entries:
        app.periodic(cron=cron_of(entry, office.time), periodic_id=entry.name)(
            app.task(name=entry.name, lock=entry.name, queue=QUEUE, retry=retry_of(entry))(
                _runner(entry, engine, office)))
    app.periodic(cron="*/5 * * * *", periodic_id=RETRY_STALLED)(
        app.task(name=RETRY_STALLED, queue=QUEUE, queueing_lock=RETRY_STALLED, pass_context=True)(_retry_stalled))
    return app


# A daily run that fails (the database away for a moment) is tried again within minutes: 4, 16, 64, 256
# and 1024 s later, not at the next day's tick, which would do the missed day a day late. A task that
# runs every few minutes has its next tick for a retry.
DAILY_RETRY = procrastinate.RetryStrategy(max_attempts=5, exponential_wait=4)


def retry_of(entry: Scheduled) -> procrastinate.RetryStrategy | bool:
    return DAILY_RETRY if isinstance(entry.when, Daily) else False


async def _retry_stalled(context: procrastinate.JobContext, timestamp: int) -> None:
    """Put back the jobs of a worker that died (no heartbeat for 30 s), which would otherwise hold
    their task's lock for ever; the run they were doing is done again (the tasks are idempotent)."""
    manager = context.app.job_manager
    for job in await manager.get_stalled_jobs():
        log.warning("任务 %s（%s）所在的 worker 已停止响应，重新排队", job.id, job.task_name)
        await manager.retry_job(job)


def _runner(entry: Scheduled, engine: Engine, office: Office) -> Any:
    def run(timestamp: int) -> None:
        tick = dt.datetime.fromtimestamp(timestamp, dt.UTC)
        for result in run_due(engine=engine, office=office, entry=entry):
            log.info("定时任务 %s（%s）为 %s 运行：%s", entry.name, office.time.local(tick).strftime("%Y-%m-%d %H:%M"),
                     result.day.isoformat(), result.summary)

    run.__name__ = run.__qualname__ = entry.name.replace("-", "_")
    return run


def defer_catch_up(app: procrastinate.App, entries: Sequence[Scheduled]) -> None:
    """One catch-up run of each daily task, unless one is already waiting."""
    for entry in entries:
        if not isinstance(entry.when, Daily):
            continue
        task = app.tasks[entry.name]
        try:
            task.configure(queueing_lock=f"catch-up:{entry.name}").defer(timestamp=int(time.time()))
        except procrastinate_errors.AlreadyEnqueued:
            log.info("定时任务 %s 的补做已在队列中", entry.name)


def run_worker(*, database_url: str, engine: Engine, office: Office, entries: Sequence[Scheduled],
               name: str | None = None) -> None:
    """`service.py worker`: catch up, then run the schedule's jobs until SIGINT/SIGTERM."""
    app = build_app(database_url=database_url, engine=engine, office=office, entries=entries)
    for entry in entries:
        log.info("定时任务 %s：%s（办公地时间），cron（UTC）%s —— %s", entry.name, entry.when.describe(),
                 cron_of(entry, office.time), entry.title)
    with app.open():
        defer_catch_up(app, entries)
    app.run_worker(queues=[QUEUE], name=name, install_signal_handlers=True)
