"""Benchmark: the auditor's full dashboard at 1,000,000 closed cases, SQLite and PostgreSQL vs DuckDB.

The run bulk-loads N finished cases with their events (through the drivers:
sqlite3 executemany and psycopg COPY, never the ORM) into freshly migrated
databases, together with the per-case audit facts and visit causes those
events imply, and builds the daily counters with the same SQL the product
uses to rebuild them (`audit.facts.recount`). It then times
`audit.dashboard.build_dashboard` for the latest month (rates, counts, a
12-month trend, per matter, window, clerk and department, p90, refusals and
second-visit materials):

  - SQLite and PostgreSQL reading the daily counters (the product);
  - SQLite reading the raw per-case facts (what the counters save);
  - DuckDB, the baseline: the same query objects compiled for it, over the same
    raw per-case rows (`Source(raw=True)`), loaded into an in-memory DuckDB;
    its time is the recorded SQL alone, without our Python around it, while
    the SQLite and PostgreSQL times include building the dashboard object.

The target: under 200 ms on SQLite at 1M cases, and within 5x of DuckDB.

    python -m bench.audit                       # 1,000,000 cases
    python -m bench.audit --cases 20000 --no-postgres
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import signal
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections import namedtuple
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import create_engine as sa_create_engine, func, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import make_url
from sqlalchemy.sql.elements import ColumnElement

from audit.dashboard import build_dashboard
from audit.facts import recount
from audit.measures import Source
from audit.scope import Scope, month_of
from audit.targets import Targets
from workflows import db as wdb
from workflows.catalogue import DEFAULT_DIR, Catalogue, load_catalogue
from workflows.localtime import OfficeTime
from workflows.ratings import SCORE_LEVEL

PG_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
TARGET_MS = 200.0
MAX_RATIO = 5.0
LAST_DAY = dt.date(2026, 11, 27)
DAYS = 365
WINDOWS = [f"W{i:02d}" for i in range(1, 11)]
CLERKS = [f"clerk{i:02d}" for i in range(1, 31)]
DEPARTMENTS = ("运输管理科", "港航管理科", "路政许可科")
REFUSALS = ("不属于本机关职权范围", "申请事项依法不需要取得行政许可", "申请人不具备申请资格")

CASE_COLUMNS = ("id", "receipt_no", "matter_code", "definition_version", "state", "version", "window", "clerk",
                "channel", "delivery_method", "applicant_kind", "applicant_name", "applicant_id_no",
                "applicant_phone", "data", "progress", "visits", "outcome", "received_at", "accepted_on",
                "promised_due", "legal_due", "due_provisional", "closed_at", "updated_at")
EVENT_COLUMNS = ("case_id", "seq", "at", "actor", "action", "from_state", "to_state", "definition_version", "visit",
                 "visit_purpose", "visit_cause", "channel", "payload")
FACT_COLUMNS = ("case_id", "matter_code", "window", "clerk", "received_on", "finished_on", "final_state", "outcome",
                "visits", "complete_first", "tolerated", "defaulted", "notices", "decided_on", "working_days",
                "within_promised", "within_legal", "reason")
CAUSE_COLUMNS = ("case_id", "seq", "matter_code", "finished_on", "extra", "purpose", "cause", "material_id")
EVAL_COLUMNS = ("case_id", "visit_seq", "level", "categories", "comment", "channel", "at", "day", "matter_code",
                "window", "clerk", "excluded")  # 好差评 (workflows/rating_models.py): ratings of whole cases


# ---- synthetic history --------------------------------------------------------------

@dataclass
class Batch:
    cases: list[tuple] = field(default_factory=list)
    events: list[tuple] = field(default_factory=list)
    facts: list[tuple] = field(default_factory=list)
    causes: list[tuple] = field(default_factory=list)
    evaluations: list[tuple] = field(default_factory=list)


@dataclass(frozen=True)
class MatterInfo:
    code: str
    key: str
    promised: int
    legal: int
    materials: tuple[str, ...]


def matters_of(catalogue: Catalogue) -> list[MatterInfo]:
    return [MatterInfo(v.code, v.key, v.definition.limits.promised_days, v.definition.limits.legal_days,
                       tuple(m.id for m in v.definition.materials)) for v in catalogue.matters()]


OFFICE_TIME = OfficeTime.named()


def _at(day: dt.date, minutes: int) -> dt.datetime:
    """`minutes` after 09:00 at the office on `day`, in UTC."""
    return OFFICE_TIME.at(day, 9) + dt.timedelta(minutes=minutes)


class History:
    """One finished case at a time: its row, its events, and the audit facts those events imply."""

    def __init__(self, matters: list[MatterInfo], seed: int = 20261129):
        self.rng = random.Random(seed)
        self.matters = matters
        # The catalogue's first nine matters by their weight in the seed office, any later one at 3.
        self.weights = ([30, 3, 15, 25, 6, 5, 8, 5, 3] + [3] * len(matters))[:len(matters)]

    def case(self, case_id: int, batch: Batch) -> None:
        rng = self.rng
        m = rng.choices(self.matters, self.weights)[0]
        clerk_no = rng.randrange(len(CLERKS))
        clerk, window = CLERKS[clerk_no], WINDOWS[clerk_no % len(WINDOWS)]
        received = LAST_DAY - dt.timedelta(days=rng.randrange(DAYS))
        online = rng.random() < 0.3
        log = _Log(case_id, m.key, received)
        log.add(0, clerk, "receive_online" if online else "receive_window", "new", "received",
                visit=None if online else ("递交", "applicant"), channel="online" if online else "window")
        notices, missing = 0, rng.choice(m.materials)
        if rng.random() < 0.10:
            notices = 2 if rng.random() < 0.05 else 1
            for _ in range(notices):
                log.add(0, clerk, "notify", "received", "awaiting_correction",
                        payload={"items": [{"material": missing}]})
                at_window = not online and rng.random() < 0.6
                log.add(1, clerk, "resubmit_window" if at_window else "resubmit_online", "awaiting_correction",
                        "received", visit=("补正", "applicant") if at_window else None)
        r = rng.random()
        if r < 0.03:
            self._finish(batch, m, log, clerk, window, received, online, notices, "refused", rng.choice(REFUSALS))
            return
        tolerated = rng.random() < 0.08
        log.add(0, clerk, "accept_tolerated" if tolerated else "accept", "received", "step_review")
        accepted = log.day
        if tolerated and rng.random() < 0.15:
            log.add(5, "system", "terminate", "step_review", "terminated")
            self._finish(batch, m, log, clerk, window, received, online, notices, "terminated",
                         "容缺材料逾期未补齐", tolerated=True, defaulted=True, accepted=accepted)
            return
        if tolerated:
            at_window = rng.random() < 0.3
            log.add(2, clerk, "supplement_window" if at_window else "supplement_post", "step_review", "step_review",
                    visit=("补正", "applicant") if at_window else None, payload={"material": missing})
        if r < 0.05:
            log.add(1, clerk, "withdraw", "step_review", "withdrawn")
            self._finish(batch, m, log, clerk, window, received, online, notices, "withdrawn", "申请人主动撤回",
                         tolerated=tolerated, accepted=accepted)
            return
        log.add(1, "reviewer01", "advance", "step_review", "deciding")
        workdays = min(int(rng.expovariate(1 / max(m.promised * 0.5, 0.5))), m.legal + 5)
        log.day = accepted + dt.timedelta(days=workdays * 7 // 5)
        deny = rng.random() < 0.03
        log.add(0, "approver01", "decide_deny" if deny else "decide_approve", "deciding",
                "delivering" if deny else "issuing")
        decided = log.day
        if not deny:
            log.add(0, clerk, "issue", "issuing", "delivering")
        pickup = rng.random() < 0.22
        log.add(1, clerk, "deliver_window" if pickup else "deliver_mail", "delivering", "closed",
                visit=("领证", "applicant") if pickup else None)
        self._finish(batch, m, log, clerk, window, received, online, notices, "closed", None, tolerated=tolerated,
                     accepted=accepted, decided=decided, workdays=workdays, outcome="denied" if deny else "approved")

    def _finish(self, batch: Batch, m: MatterInfo, log: _Log, clerk: str, window: str, received: dt.date,
                online: bool, notices: int, state: str, reason: str | None, *, tolerated: bool = False,
                defaulted: bool = False, accepted: dt.date | None = None, decided: dt.date | None = None,
                workdays: int | None = None, outcome: str | None = None) -> None:
        cid, finished = log.case_id, log.day
        visits = sum(1 for e in log.events if e[8])
        closed_at = log.events[-1][2]
        outcome = outcome or state
        batch.cases.append((cid, f"B{cid:015d}", m.code, m.key, state, len(log.events), window, clerk,
                            "online" if online else "window", "mail", "company", f"申请单位{cid % 997}",
                            f"91330400MA{cid:08d}", f"138{cid % 100000000:08d}", "{}", '{"paused_days": 0}', visits,
                            outcome, log.events[0][2], accepted,
                            accepted and accepted + dt.timedelta(days=m.promised * 7 // 5),
                            accepted and accepted + dt.timedelta(days=m.legal * 7 // 5), False, closed_at, closed_at))
        batch.events.extend(log.events)
        # A decided case is timed: the callers pass its workdays along with its decision day.
        timed = decided is not None and workdays is not None
        batch.facts.append((cid, m.code, window, clerk, received, finished, state, outcome, visits,
                            accepted is not None and notices == 0, tolerated, defaulted, notices, decided,
                            workdays, workdays <= m.promised if timed and workdays is not None else None,
                            workdays <= m.legal if timed and workdays is not None else None, reason))
        if visits > 1:
            seen = 0
            for e in log.events:
                if e[8]:
                    seen += 1
                    material = (json.loads(e[12]).get("material") if e[4].startswith("supplement_")
                                else log.notice if e[4] == "resubmit_window" else None)
                    batch.causes.append((cid, e[1], m.code, finished, seen > 1, e[9], e[10], material))
        if state == "closed" and self.rng.random() < 0.3:
            score = self.rng.choices((5, 4, 3, 2, 1), (70, 20, 6, 3, 1))[0]
            rated_at = closed_at + dt.timedelta(days=1)
            batch.evaluations.append((cid, 0, SCORE_LEVEL[score], "[]", "", "public", rated_at, rated_at.date(), m.code,
                                      window, clerk, False))


class _Log:
    def __init__(self, case_id: int, key: str, day: dt.date):
        self.case_id, self.key, self.day = case_id, key, day
        self.events: list[tuple] = []
        self.notice: str | None = None

    def add(self, days_later: int, actor: str, action: str, source: str, dest: str, *,
            visit: tuple[str, str] | None = None, channel: str | None = None, payload: dict | None = None) -> None:
        self.day += dt.timedelta(days=days_later)
        if action == "notify":
            assert payload is not None, "a notice lists its items"
            self.notice = payload["items"][0]["material"]
        at = _at(self.day, 30 + 7 * len(self.events))
        self.events.append((self.case_id, len(self.events) + 1, at, actor, action, source, dest, self.key,
                            visit is not None, visit[0] if visit else None, visit[1] if visit else None, channel,
                            json.dumps(payload, ensure_ascii=False) if payload else "{}"))


def batches(n: int, catalogue: Catalogue, size: int = 50_000) -> Iterator[Batch]:
    history = History(matters_of(catalogue))
    for start in range(1, n + 1, size):
        batch = Batch()
        for case_id in range(start, min(start + size, n + 1)):
            history.case(case_id, batch)
        yield batch


def staff_rows(now: dt.datetime) -> tuple[list[tuple], list[tuple]]:
    windows = [(w, f"{int(w[1:])}号窗口", w == "W01", "[]") for w in WINDOWS]
    staff = [(c, f"工作人员{c[-2:]}", "x", '["clerk"]', WINDOWS[i % len(WINDOWS)], DEPARTMENTS[i % len(DEPARTMENTS)],
              True, 0, None, now) for i, c in enumerate(CLERKS)]
    return windows, staff


# ---- loading ------------------------------------------------------------------------

def _sqlite_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ", timespec="microseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _rows(rows: list[tuple]) -> Iterator[tuple]:
    return (tuple(_sqlite_value(v) for v in row) for row in rows)


def _insert_sql(table: str, columns: tuple[str, ...], mark: str = "?") -> str:
    names = ", ".join(f"{chr(34)}{c}{chr(34)}" for c in columns)
    return f'INSERT INTO {table} ({names}) VALUES ({", ".join([mark] * len(columns))})'


TABLES = (("cases", CASE_COLUMNS, "cases"), ("case_events", EVENT_COLUMNS, "events"),
          ("audit_cases", FACT_COLUMNS, "facts"), ("audit_visit_causes", CAUSE_COLUMNS, "causes"),
          ("ratings", EVAL_COLUMNS, "evaluations"))


def load_sqlite(path: Path, n: int, catalogue: Catalogue) -> float:
    engine = wdb.make_engine(f"sqlite:///{path}")
    wdb.upgrade(engine)
    engine.dispose()
    started = time.perf_counter()
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")
    con.execute("PRAGMA cache_size=-1048576")  # 1 GiB: the index inserts of a bulk load stay in memory
    windows, staff = staff_rows(dt.datetime.now(dt.UTC))
    con.executemany(_insert_sql("service_windows", ("code", "name", "comprehensive", "matters")), windows)
    con.executemany(_insert_sql("staff_users", ("username", "display_name", "password_hash", "roles", "window",
                                                "department", "active", "failed_logins", "locked_until",
                                                "created_at")), _rows(staff))
    for batch in batches(n, catalogue):
        for table, columns, attr in TABLES:
            con.executemany(_insert_sql(table, columns), _rows(getattr(batch, attr)))
        con.commit()
    con.close()
    engine = wdb.make_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        recount(conn, OFFICE_TIME)
        conn.exec_driver_sql("ANALYZE")
    engine.dispose()
    return time.perf_counter() - started


def load_postgres(url: str, n: int, catalogue: Catalogue) -> float:
    engine = wdb.make_engine(url)
    wdb.upgrade(engine)
    started = time.perf_counter()
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        windows, staff = staff_rows(dt.datetime.now(dt.UTC))
        _copy(cur, "service_windows", ("code", "name", "comprehensive", "matters"), windows)
        _copy(cur, "staff_users", ("username", "display_name", "password_hash", "roles", "window", "department",
                                   "active", "failed_logins", "locked_until", "created_at"), staff)
        for batch in batches(n, catalogue):
            for table, columns, attr in TABLES:
                _copy(cur, table, columns, getattr(batch, attr))
        raw.commit()
    finally:
        raw.close()
    with engine.begin() as conn:
        recount(conn, OFFICE_TIME)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")
    engine.dispose()
    return time.perf_counter() - started


def _copy(cur, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    names = ", ".join(f'"{c}"' for c in columns)
    with cur.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


# ---- DuckDB: the same query objects over the raw rows ----------------------------------------

@dataclass(frozen=True)
class DuckSource(Source):
    """The raw per-case facts as DuckDB spells a month: it has strftime with its arguments the other way round."""

    def month_of(self, day: ColumnElement) -> ColumnElement:
        return func.strftime(day, "%Y-%m")


class DuckConnection:
    """Just enough of a SQLAlchemy Connection for build_dashboard: compile the statement, run it in DuckDB.

    Every SQL text it ran is kept, so the timed runs can replay exactly the
    dashboard's queries on DuckDB without our Python around them.
    """

    dialect = postgresql.dialect(paramstyle="named")

    def __init__(self, duck):
        self.duck = duck
        self.sql: list[str] = []

    def execute(self, statement):
        sql = str(statement.compile(dialect=self.dialect, compile_kwargs={"literal_binds": True}))
        self.sql.append(sql)
        cursor = self.duck.execute(sql)
        return DuckResult([d[0] for d in cursor.description], cursor.fetchall())

    def replay(self) -> Callable[[], None]:
        queries = list(self.sql)

        def run() -> None:
            for sql in queries:
                self.duck.execute(sql).fetchall()
        return run


class DuckResult:
    def __init__(self, columns: list[str], rows: list[tuple]):
        # mypy takes only literal field names; these are the query's own columns.
        row_type = namedtuple("Row", columns, rename=True)  # type: ignore[misc]
        self.columns, self.rows = columns, [row_type(*r) for r in rows]

    def __iter__(self):
        return iter(self.rows)

    def all(self):
        return self.rows

    def scalar(self):
        return self.rows[0][0] if self.rows else None

    def mappings(self):
        return [dict(zip(self.columns, r, strict=True)) for r in self.rows]


def load_duckdb(sqlite_path: Path):
    """The raw per-case rows (and the small lookup tables), copied from the SQLite file into DuckDB."""
    import duckdb
    import pandas as pd

    duck = duckdb.connect()
    con = sqlite3.connect(sqlite_path)
    for table, dates in (("audit_cases", ("received_on", "finished_on", "decided_on")),
                         ("audit_visit_causes", ("finished_on",)), ("ratings", ("day",)),
                         ("rating_tasks", ("revisit_due", "rectify_due", "revisited_on", "rectified_on")),
                         ("staff_users", ()), ("service_windows", ())):
        frame = pd.read_sql_query(f"SELECT * FROM {table}", con)
        for column in dates:
            frame[column] = pd.to_datetime(frame[column]).dt.date
        for column in ("complete_first", "tolerated", "defaulted", "within_promised", "within_legal", "extra"):
            if column in frame:
                frame[column] = frame[column].astype("boolean")
        duck.register("frame", frame)
        duck.execute(f"CREATE TABLE {table} AS SELECT * FROM frame")
        duck.unregister("frame")
    for column in ("received_on", "finished_on", "decided_on"):
        duck.execute(f"ALTER TABLE audit_cases ALTER {column} TYPE DATE")
    duck.execute("ALTER TABLE audit_visit_causes ALTER finished_on TYPE DATE")
    con.close()
    return DuckConnection(duck)


# ---- timing -------------------------------------------------------------------------

def time_dashboard(run: Callable[[], Any], repeat: int) -> tuple[float, float]:
    run()  # warm the caches and the planner
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), min(samples)


def dashboard_runner(conn, catalogue: Catalogue, source: Source) -> Callable[[], Any]:
    start, end = month_of(LAST_DAY)
    scope = Scope(start, end)
    targets = Targets()
    return lambda: build_dashboard(conn, scope=scope, catalogue=catalogue, targets=targets, source=source)


def _pg_database(server: str) -> tuple[str, Callable[[], None]]:
    """A fresh database on the server, and how to drop it."""
    base = make_url(wdb.normalise_url(server))
    name = f"onevisit_bench_{uuid.uuid4().hex[:8]}"
    admin = sa_create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"))
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False), drop


def _measure(label: str, results: dict, conn, catalogue: Catalogue, source: Source, repeat: int) -> None:
    median, best = time_dashboard(dashboard_runner(conn, catalogue, source), repeat)
    results[label] = median
    print(f"  {label:<34} median {median:8.1f} ms   best {best:8.1f} ms", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--postgres", default=PG_SERVER, help="server URL; a scratch database is made and dropped")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # still drop the scratch database when killed
    catalogue = load_catalogue(DEFAULT_DIR)
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="onevisit-audit-bench-") as tmp:
        path = Path(tmp) / "audit.sqlite"
        print(f"loading {args.cases:,} finished cases into SQLite …", flush=True)
        print(f"  loaded in {load_sqlite(path, args.cases, catalogue):.1f} s "
              f"({path.stat().st_size / 2**20:,.0f} MiB)", flush=True)
        engine = wdb.make_engine(f"sqlite:///{path}")
        with engine.connect() as conn:
            daily = conn.exec_driver_sql("SELECT count(*) FROM audit_daily").scalar()
            events = conn.exec_driver_sql("SELECT count(*) FROM case_events").scalar()
            print(f"  {events:,} events, {daily:,} daily counter rows", flush=True)
            print(f"full dashboard for {month_of(LAST_DAY)[0]:%Y-%m} (12-month trend), {args.repeat} runs:", flush=True)
            _measure("SQLite, counters (product)", results, conn, catalogue, Source(), args.repeat)
            _measure("SQLite, raw per-case facts", results, conn, catalogue, Source(raw=True), 1)
        engine.dispose()
        duck = load_duckdb(path)
        dashboard_runner(duck, catalogue, DuckSource(raw=True))()  # record the queries once
        median, best = time_dashboard(duck.replay(), args.repeat)
        results["DuckDB, raw per-case facts"] = median
        print(f"  {'DuckDB, raw per-case facts':<34} median {median:8.1f} ms   best {best:8.1f} ms"
              f"   ({len(duck.sql)} queries, SQL only)", flush=True)
    if not args.no_postgres:
        url, drop = _pg_database(args.postgres)
        try:
            print(f"loading {args.cases:,} finished cases into PostgreSQL …", flush=True)
            print(f"  loaded in {load_postgres(url, args.cases, catalogue):.1f} s", flush=True)
            engine = wdb.make_engine(url)
            with engine.connect() as conn:
                _measure("PostgreSQL, counters (product)", results, conn, catalogue, Source(), args.repeat)
                _measure("PostgreSQL, raw per-case facts", results, conn, catalogue, Source(raw=True), 1)
            engine.dispose()
        finally:
            drop()
    return report(results)


def report(results: dict[str, float]) -> int:
    duck = results["DuckDB, raw per-case facts"]
    print("ratios to DuckDB over the raw rows:")
    for label, ms in results.items():
        print(f"  {label:<34} {ms / duck:6.2f}x")
    sqlite_ms = results["SQLite, counters (product)"]
    ok = sqlite_ms < TARGET_MS and sqlite_ms / duck <= MAX_RATIO
    print(f"machine load average over the last 1/5/15 minutes: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"target: SQLite dashboard < {TARGET_MS:.0f} ms and within {MAX_RATIO:.0f}x of DuckDB: "
          f"{'met' if ok else 'NOT met'} ({sqlite_ms:.1f} ms, {sqlite_ms / duck:.2f}x)")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
