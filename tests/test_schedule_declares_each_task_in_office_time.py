"""The schedule is one declared table: the 容缺 sweep runs daily at 00:30 office time by
default, an operator moves it with ONEVISIT_SCHEDULE, and the job queue's cron is that
office time in UTC. Each entry calls a plain workflows function with keyword-only args."""

from __future__ import annotations

import datetime as dt
import inspect

import pytest

import service
from jobs.queue import cron_of
from workflows.deadline_marks import mark_day
from workflows.localtime import OfficeTime
from workflows.schedule import SCHEDULE, Daily, Every, parse_when, schedule
from workflows.sweep import sweep_day

SHANGHAI = OfficeTime.named("Asia/Shanghai")


def entry(name, entries=SCHEDULE):
    return next(e for e in entries if e.name == name)


def test_the_gap_sweep_runs_daily_at_half_past_midnight_office_time():
    sweep = entry("gap-sweep")

    assert sweep.when == Daily(dt.time(0, 30)) and sweep.run is sweep_day
    assert cron_of(sweep, SHANGHAI) == "30 16 * * *"  # 00:30 in 嘉兴 is 16:30 UTC the evening before


def test_the_deadline_marks_run_each_morning_before_the_office_opens():
    marks = entry("deadline-marks")

    assert isinstance(marks.when, Daily) and marks.when.at < dt.time(9) and marks.run is mark_day


def test_every_task_takes_engine_office_and_day_by_keyword_only():
    for e in SCHEDULE:
        params = inspect.signature(e.run).parameters
        assert [(p.name, p.kind) for p in params.values()] == [
            ("engine", inspect.Parameter.KEYWORD_ONLY), ("office", inspect.Parameter.KEYWORD_ONLY),
            ("day", inspect.Parameter.KEYWORD_ONLY)], e.name


def test_an_operator_moves_a_task_through_the_environment(monkeypatch):
    monkeypatch.setenv("ONEVISIT_SCHEDULE", '{"gap-sweep": "01:15", "deadline-marks": "5m"}')

    entries = service.Settings().scheduled()

    assert entry("gap-sweep", entries).when == Daily(dt.time(1, 15))
    assert cron_of(entry("gap-sweep", entries), SHANGHAI) == "15 17 * * *"
    assert entry("deadline-marks", entries).when == Every(5)
    assert cron_of(entry("deadline-marks", entries), SHANGHAI) == "*/5 * * * *"


@pytest.mark.parametrize("overrides", [{"gap-sweep": "25:00"}, {"gap-sweep": "soon"}, {"no-such-task": "01:00"}])
def test_a_time_or_task_that_does_not_exist_is_refused(overrides):
    with pytest.raises(ValueError, match=r"定时任务|执行时间"):
        schedule(overrides)


def test_a_daily_task_is_due_for_today_only_once_its_time_has_come():
    daily = Daily(dt.time(0, 30))

    assert daily.due_day(dt.datetime(2026, 12, 4, 0, 29)) == dt.date(2026, 12, 3)
    assert daily.due_day(dt.datetime(2026, 12, 4, 0, 30)) == dt.date(2026, 12, 4)
    assert parse_when("00:30") == daily


def test_a_failed_daily_run_is_tried_again_within_minutes_and_the_minute_tasks_wait_for_their_next_tick(
        engine, office):
    """A daily run that fails is retried 4, 16, 64, 256 and 1024 s later, not the next day; send-outbox,
    due every minute, is not retried (its next tick is the retry)."""
    from procrastinate.jobs import Job

    from jobs.queue import build_app

    app = build_app(database_url="postgresql://u@127.0.0.1:1/onevisit", engine=engine, office=office,
                    entries=SCHEDULE)

    def waits(name: str) -> list[int | None]:
        strategy = app.tasks[name].retry_strategy
        if strategy is None:
            return []
        decisions = [strategy.get_retry_decision(exception=OSError("数据库连接中断"),
                                                 job=Job(id=1, queue="schedule", lock=name, queueing_lock=None,
                                                         task_name=name, attempts=n))
                     for n in range(6)]
        return [None if d is None else int(d.retry_at.timestamp() - dt.datetime.now(dt.UTC).timestamp() + 0.5)
                for d in decisions]

    for entry in SCHEDULE:
        if isinstance(entry.when, Daily):
            assert waits(entry.name) == [4, 16, 64, 256, 1024, None], entry.name
        else:
            assert waits(entry.name) == [], entry.name
