"""SQLite stays zero-setup: `service.py serve` runs the declared schedule itself, in one
thread of the supervising process, however many `--workers`. On a fresh demo it ends the
容缺 case left overdue on the last working day without anyone typing a command (catch-up
at start), once, records the run, and the applicant's 终止 message lands in the outbox file."""

from __future__ import annotations

import datetime as dt
import json
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
from workflows.outbox import mobile_of

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
    outbox = tmp_path / "sms.jsonl"
    env |= {"DATABASE_URL": url, "ONEVISIT_SCHEDULE": '{"gap-sweep": "00:00"}',
            "ONEVISIT_GUIDE_CACHE_DIR": str(tmp_path / "guides"), "ONEVISIT_SMS_FILE": str(outbox)}
    serve = subprocess.Popen([sys.executable, str(ROOT / "service.py"), "serve", "--workers", "2",
                              "--port", str(free_port())], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while overdue_open(engine, today) and time.monotonic() < deadline and serve.poll() is None:
            time.sleep(0.5)
        texted = [c.receipt_no for c in left if mobile_of(c.applicant_phone)]
        while time.monotonic() < deadline and serve.poll() is None and not all(
                any(r in line and '"defaulted"' in line for line in lines(outbox)) for r in texted):
            time.sleep(0.5)  # the sender runs after the sweep
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
    sent = [json.loads(line) for line in lines(outbox)]
    for case in left:  # each applicant told once why the case ended, if they have a mobile to be told on
        told = [m for m in sent if m["notice"] == "defaulted" and case.receipt_no in m["text"]]
        assert len(told) == (1 if mobile_of(case.applicant_phone) else 0), (case.receipt_no, sent[-3:])
        assert all("容缺材料逾期未补齐" in m["text"] for m in told)
    engine.dispose()


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []
