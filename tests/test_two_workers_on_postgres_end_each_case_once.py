"""PostgreSQL deployments run the schedule on Procrastinate: two `service.py worker`
processes (as on two machines) each run the periodic deferrer, and each tick of the
sweep becomes one job, run once, so every overdue 容缺 case is ended (终止) once."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import select

import service
from tests.conftest import ON_POSTGRES
from tests.support import FREIGHT_GAP, STAFF, VEHICLES_BOUGHT, open_complete
from workflows import cases
from workflows.db import session as new_session
from workflows.models import Case, CaseEvent

pytestmark = pytest.mark.skipif(not ON_POSTGRES, reason="needs TEST_DATABASE_URL (a PostgreSQL server)")

ROOT = Path(service.__file__).parent
QUEUE_TABLES = "procrastinate_jobs, procrastinate_periodic_defers, procrastinate_events"


def queue_rows(engine, sql: str) -> list:
    with engine.connect() as conn:
        return list(conn.execute(text(sql)))


def test_two_workers_run_each_tick_once_and_end_each_case_once(session, office, clock, engine, database_url):
    clock.set_local(dt.date(2026, 11, 20))  # gaps due 11-25: long past when the workers run
    made = []
    for _ in range(4):
        case = open_complete(session, office, "road-freight-licence", missing=(FREIGHT_GAP,), data=VEHICLES_BOUGHT)
        cases.accept_with_tolerance(session=session, office=office, case=case, clerk=STAFF.clerk, pledge_signed=True)
        made.append(case.id)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {QUEUE_TABLES} RESTART IDENTITY CASCADE"))
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "ONEVISIT_DEFINITIONS_DIR")}
    # The sweep every minute, so that a tick comes within the test; the marks stay daily (caught up at start).
    env |= {"DATABASE_URL": database_url, "ONEVISIT_SCHEDULE": '{"gap-sweep": "1m"}'}
    workers = [subprocess.Popen([sys.executable, str(ROOT / "service.py"), "worker", "--name", f"w{n}"], cwd=ROOT,
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for n in (1, 2)]
    try:
        deadline = time.monotonic() + 150
        ticks: list = []
        while time.monotonic() < deadline and all(w.poll() is None for w in workers):
            # Procrastinate keeps only the latest defer per task in procrastinate_periodic_defers: count jobs.
            ticks = queue_rows(engine, "SELECT DISTINCT args->>'timestamp' FROM procrastinate_jobs"
                                       " WHERE task_name = 'gap-sweep'")
            done = queue_rows(engine, "SELECT count(*) FROM procrastinate_jobs"
                                      " WHERE task_name = 'gap-sweep' AND status = 'succeeded'")[0][0]
            if len(ticks) >= 2 and done >= len(ticks):
                break
            time.sleep(1)
        alive = [w.poll() is None for w in workers]
    finally:
        for w in workers:
            w.send_signal(signal.SIGTERM)
        logs = [w.communicate(timeout=60)[1] for w in workers]
        with engine.begin() as conn:
            jobs = list(conn.execute(text("SELECT task_name, args->>'timestamp', status FROM procrastinate_jobs")))
            conn.execute(text(f"TRUNCATE {QUEUE_TABLES} RESTART IDENTITY CASCADE"))

    assert alive == [True, True], logs
    assert len(ticks) >= 2, logs  # two periods went by with both workers up
    sweeps = [(stamp, status) for name, stamp, status in jobs if name == "gap-sweep"]
    assert len(sweeps) == len({stamp for stamp, _ in sweeps}) == len(ticks), sweeps  # one job per tick
    assert {status for _, status in sweeps} == {"succeeded"}, (sweeps, logs)
    with new_session(engine) as s:
        for case_id in made:
            assert s.get(Case, case_id).state == "terminated"
            ends = s.exec(select(CaseEvent).where(CaseEvent.case_id == case_id, CaseEvent.action == "terminate"))
            assert len(ends.all()) == 1
