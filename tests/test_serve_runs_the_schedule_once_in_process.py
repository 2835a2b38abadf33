"""SQLite stays zero-setup: `service.py serve` runs the declared schedule itself, in one
thread of the supervising process, however many `--workers`. On a fresh demo it ends the
容缺 case left overdue on the last working day without anyone typing a command (catch-up
at start), once, and records the run."""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from sqlmodel import col, select

import service
from service import office_extensions
from workflows.bootstrap import load_office
from workflows.db import make_engine, session as new_session, upgrade
from workflows.demo import build_demo
from workflows.machine import FINAL_STATES
from workflows.models import Case, CaseEvent, ScheduledRun

ROOT = Path(service.__file__).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def overdue_open(engine, today: dt.date) -> list[Case]:
    with new_session(engine) as s:
        found = s.exec(select(Case).where(col(Case.gap_due) < today, col(Case.state).not_in(sorted(FINAL_STATES))))
        return list(found)


def test_serve_with_two_workers_ends_the_demos_overdue_default_once(tmp_path):
    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    engine = make_engine(url)
    upgrade(engine)
    office = load_office(engine, extensions=office_extensions())
    build_demo(engine=engine, office=office, cases=60, seed=3, months=1)
    today = office.today()
    left = overdue_open(engine, today)
    assert left, "the demo leaves a default due on the last working day for the service"

    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "ONEVISIT_DEFINITIONS_DIR")}
    # 00:00: today's run is due whatever the hour the test runs at.
    env |= {"DATABASE_URL": url, "ONEVISIT_SCHEDULE": '{"gap-sweep": "00:00"}',
            "ONEVISIT_GUIDE_CACHE_DIR": str(tmp_path / "guides")}
    serve = subprocess.Popen([sys.executable, str(ROOT / "service.py"), "serve", "--workers", "2",
                              "--port", str(free_port())], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while overdue_open(engine, today) and time.monotonic() < deadline and serve.poll() is None:
            time.sleep(0.5)
        time.sleep(3)  # let both web workers finish starting: neither may start a runner of its own
    finally:
        serve.send_signal(signal.SIGINT)
        _, stderr = serve.communicate(timeout=60)

    assert overdue_open(engine, today) == [], stderr
    runners = [line for line in stderr.splitlines() if "定时任务在进程" in line]
    assert len(runners) == 1 and f"进程 {serve.pid} " in runners[0], stderr
    with new_session(engine) as s:
        for case in left:
            ends = s.exec(select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.action == "terminate")).all()
            assert len(ends) == 1
            assert ends[0].payload["default"]["deadline"] == case.gap_due.isoformat()
        assert s.exec(select(ScheduledRun).where(ScheduledRun.task == "gap-sweep",
                                                 ScheduledRun.day == today)).one()
    engine.dispose()
