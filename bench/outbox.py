"""Benchmark: the applicants' text messages through the job queue, against a bare Procrastinate no-op task.

On a fresh PostgreSQL database, migrated as the product migrates it, the run
1. writes N messages to the outbox (what N transitions would have written; one real case holds them);
2. times a Procrastinate worker running the schedule's `send-outbox` task (jobs/queue.py, the task as
   `service.py worker` registers it) until every message is sent through the file gateway;
3. times the same worker draining N deferred jobs of a task that does nothing: the queue's own cost
   per job, the baseline.

It prints messages per second against no-op jobs per second. The sender pays one claim per batch of
100 and one commit and one fsync'd line per message (at-least-once: a message is marked sent only
after the gateway took it); the baseline pays Procrastinate's fetch, run and finish per job.

    python -m bench.outbox                            # 10,000 messages, the local server
    python -m bench.outbox --messages 2000 --server postgresql://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, insert, select

from bench.engine import plan_life, postgres_databases
from jobs.queue import QUEUE, build_app
from workflows import db as wdb
from workflows.bootstrap import load_office
from workflows.outbox import MESSAGES, PENDING, SENT
from workflows.schedule import SCHEDULE
from workflows.sms import FileGateway

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
SENDER = next(e for e in SCHEDULE if e.name == "send-outbox")


def fill_outbox(engine, case_id: int, n: int) -> None:
    now = dt.datetime.now(dt.UTC)
    rows = [{"case_id": case_id, "key": f"BENCH-{i:06d}", "notice": "received", "phone": "13900005678",
             "params": {"receipt_no": f"BENCH{i:06d}"}, "text": f"您的申请已收件，编号BENCH{i:06d}。",
             "status": PENDING, "attempts": 0, "due_at": now, "created_at": now} for i in range(n)]
    with engine.begin() as conn:
        conn.execute(insert(MESSAGES), rows)


def count(engine, status: str) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(MESSAGES).where(MESSAGES.c.status == status)).scalar_one()


def time_sender(url: str, n: int, outbox_file: Path) -> float:
    engine = wdb.make_engine(url)
    office = load_office(engine)
    office.sms_gateway = FileGateway(outbox_file)
    with wdb.session(engine) as session:
        case = plan_life(office, "road-freight-licence").open_case(session)
        assert case.id is not None
    fill_outbox(engine, case.id, n)
    app = build_app(database_url=url, engine=engine, office=office, entries=[SENDER])
    with app.open():
        app.tasks[SENDER.name].defer(timestamp=int(time.time()))
        started = time.perf_counter()
        app.run_worker(queues=[QUEUE], wait=False, install_signal_handlers=False)
        elapsed = time.perf_counter() - started
    sent = count(engine, SENT)
    engine.dispose()
    # The run counts only if it sent every message, each written once to the gateway's file.
    keys = {json.loads(line)["key"] for line in outbox_file.read_text().splitlines()}
    assert sent == len(keys) == n + 1, (sent, len(keys))  # + the case's own 收件 message
    return elapsed


def time_noop(url: str, n: int) -> float:
    import procrastinate

    from jobs.queue import conninfo

    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=conninfo(url)))

    @app.task(name="noop", queue="bench")
    def noop(i: int) -> None:
        return None

    with app.open():
        jobs: list[dict[str, procrastinate.types.JSONValue]] = [{"i": i} for i in range(n)]
        noop.batch_defer(*jobs)
        started = time.perf_counter()
        app.run_worker(queues=["bench"], wait=False, install_signal_handlers=False)
        return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--server", default=DEFAULT_SERVER)
    args = parser.parse_args(argv)
    with postgres_databases(args.server, ["outbox", "noop"]) as urls, tempfile.TemporaryDirectory() as tmp:
        sender = time_sender(urls["outbox"], args.messages, Path(tmp) / "sms.jsonl")
        noop = time_noop(urls["noop"], args.messages)
    print(f"{args.messages} 条短信经 send-outbox 任务（文件网关）：{sender:.2f} s，{args.messages / sender:,.0f} 条/秒")
    print(f"{args.messages} 个空任务（Procrastinate 本身）：{noop:.2f} s，{args.messages / noop:,.0f} 个/秒")
    print(f"每条短信的耗时是每个空任务的 {sender / noop:.2f} 倍")
    return 0


if __name__ == "__main__":
    sys.exit(main())
