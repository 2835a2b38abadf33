"""The SQLite default: the declared schedule run by one thread of `service.py serve`.

Zero setup: no queue, no second process. `serve` starts exactly one runner, in the
process that supervises the web workers (or serves, with one), never in the web
workers themselves: however many `--workers`, the schedule runs once. At start the
runner catches up (every daily task's missed days, `workflows.schedule.run_due`),
then sleeps until the next entry is due. A run that fails is logged and tried again
at the entry's next time, when its catch-up redoes the day.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sys
import threading
from collections.abc import Sequence

from sqlalchemy.engine import Engine

from workflows.office import Office
from workflows.schedule import Scheduled, next_run, run_due

log = logging.getLogger("onevisit.jobs")


class InProcessRunner:
    def __init__(self, *, engine: Engine, office: Office, entries: Sequence[Scheduled]):
        self.engine, self.office, self.entries = engine, office, tuple(entries)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="onevisit-schedule", daemon=True)

    def start(self) -> None:
        # Said on stderr whatever the logging set-up: an operator (and a test) can count the runners.
        print(f"定时任务在进程 {os.getpid()} 中运行（进程内）："
              + "；".join(f"{e.name} {e.when.describe()}" for e in self.entries), file=sys.stderr, flush=True)
        self._thread.start()

    def stop(self, timeout: float = 10) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def run_entry(self, entry: Scheduled) -> None:
        try:
            for result in run_due(engine=self.engine, office=self.office, entry=entry):
                log.info("定时任务 %s 为 %s 运行：%s", entry.name, result.day.isoformat(), result.summary)
        except Exception:  # logged; the next run catches the day up
            log.exception("定时任务 %s 失败，将在下次运行时补做", entry.name)

    def _loop(self) -> None:
        for entry in self.entries:  # catch-up at start
            if self._stop.is_set():
                return
            self.run_entry(entry)
        while not self._stop.is_set():
            now = self.office.now()
            upcoming = {e.name: next_run(e, now, self.office.time) for e in self.entries}
            wake = min(upcoming.values())
            if self._stop.wait(max((wake - dt.datetime.now(dt.UTC)).total_seconds(), 0) + 0.5):
                return
            for entry in self.entries:
                if upcoming[entry.name] <= self.office.now():
                    self.run_entry(entry)
