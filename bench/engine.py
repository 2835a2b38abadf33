"""Benchmark: N cases from 收件 to 办结 through the service layer, against the bare driver.

Each step of the engine side is one service call (`workflows.cases`), which
commits the transition and its event in one transaction. In `request` mode each
step is a new session that first loads the case by id (`queries.get_case`), as
a counter request does; in `held` mode one session holds the case throughout.
The baseline does the same reads and writes straight through the driver
(`sqlite3`, `psycopg`) on the same migrated tables: per step BEGIN, SELECT the
case row (request mode), UPDATE it with the version check, INSERT the event,
COMMIT. The values it writes are the ones the engine wrote for a calibration
case, recorded through `Office.before_commit`, and each UPDATE sets the columns
the engine's did, so both sides store the same rows. See bench/README.md.

The two sides run in alternating rounds, each on its own freshly migrated
database, so a burst of load from elsewhere on the machine hits both.

    python -m bench.engine                      # 2000 cases, SQLite and PostgreSQL
    python -m bench.engine --cases 10000        # the figure for the report
    python -m bench.engine --matter road-works-permit --no-postgres
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
import json
import re
import shutil
import sqlite3
import tempfile
import time
import uuid
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy.engine import Engine, make_url

from service import office_extensions
from workflows import cases, identity, queries
from workflows import db as wdb
from workflows.bootstrap import load_office, sync_definitions
from workflows.calendar_admin import load_calendar
from workflows.catalogue import load_catalogue
from workflows.cases import MaterialCheck
from workflows.definition import Delivery, MatterDefinition
from workflows.intake import required
from workflows.models import Case, CaseEvent
from workflows.office import Actor, Office
from workflows.submission import Applicant

PG_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
MAX_RATIO = 5.0
TARGET_CASES, TARGET_SECONDS = 10_000, 60.0
ADDRESS = "浙江省嘉兴市南湖区中山东路1号"
CASE_COLUMNS = [c.name for c in wdb.core_table(Case).columns if c.name != "id"]
EVENT_COLUMNS = [c.name for c in wdb.core_table(CaseEvent).columns if c.name != "id"]
JSON_COLUMNS = frozenset({"data", "progress", "payload"})

Step = Callable[[Any, Case], Case]  # (session, case) -> case: one service call
MODES = {"request": "case loaded per step (request-shaped)", "held": "case held in one session"}


# ---- what each side does ------------------------------------------------------------

@dataclass
class Life:
    """One matter's main path as service calls, worked out once on a calibration case."""

    matter_code: str
    open_case: Callable[[Any], Case]  # (session) -> the new case
    steps: list[Step]


@dataclass
class Script:
    """The writes the engine made for one case, for the baseline to make again."""

    case_row: dict[str, Any]
    writes: list[tuple[dict[str, Any], dict[str, Any]]]  # per transaction: (case values, event row)
    statements: list[list[str]] = field(default_factory=list)  # SQL the engine sent, per transaction

    def summary(self, index: int, with_reads: bool = True) -> str:
        heads = [" ".join(sql.split()[:3]) for sql in self.statements[index]]
        return ", ".join(h for h in heads if with_reads or not h.startswith("SELECT"))

    def set_columns(self, index: int) -> list[str] | None:
        """The columns the engine's UPDATE set in this transaction, besides the version;
        None when it sent no UPDATE (收件 inserts the case as its first transition leaves it)."""
        update = next((sql for sql in self.statements[index] if sql.lstrip().upper().startswith("UPDATE")), None)
        if update is None:
            return None
        assignments = update.split(" SET ", 1)[1].split(" WHERE ", 1)[0]
        return [c for c in re.findall(r'"?(\w+)"?\s*=', assignments) if c != "version"]


@dataclass
class Timing:
    """Wall-clock seconds, and this process's CPU seconds, which a busy shared machine disturbs less."""

    cases: int = 0
    transactions: int = 0
    seconds: float = 0.0
    cpu: float = 0.0

    def add(self, other: Timing) -> None:
        self.cases += other.cases
        self.transactions += other.transactions
        self.seconds += other.seconds
        self.cpu += other.cpu

    @property
    def cases_per_s(self) -> float:
        return self.cases / self.seconds

    @property
    def tx_per_s(self) -> float:
        return self.transactions / self.seconds


@contextlib.contextmanager
def timed(cases_: int, per_case: int) -> Iterator[Timing]:
    timing = Timing(cases_, cases_ * per_case)
    wall, cpu = time.perf_counter(), time.process_time()
    yield timing
    timing.seconds, timing.cpu = time.perf_counter() - wall, time.process_time() - cpu


@functools.cache  # built once, so the driver's own work stays out of the engine's time
def staff(role: str) -> Actor:
    return Actor(f"bench-{role}", frozenset({role}), window="W01", name=f"压测{role}")


@functools.cache
def applicant() -> Applicant:
    first17 = "91330400MA2B3C4D5"
    return Applicant("company", "嘉兴市压测物流有限公司", first17 + identity.credit_code_check_char(first17),
                     "13900005678")


def plan_life(office: Office, matter_code: str) -> Life:
    definition = office.catalogue.get(matter_code).definition
    data = {p.field: p.equals for p in definition.preconditions}
    typed = cases.coerce_data(definition, data)  # as the case holds it: an unanswered yes/no is no
    materials = {m.id: MaterialCheck("ok") for m in definition.materials if required(m, typed)}
    method = Delivery.MAIL if Delivery.MAIL in definition.delivery_methods else definition.delivery_methods[0]
    clerk = staff(definition.lifecycle.intake)

    def open_case(session) -> Case:
        return cases.open_case(session=session, office=office, matter_code=matter_code, applicant=applicant(),
                               channel="window", clerk=clerk, delivery_method=method,
                               delivery_address=ADDRESS if method is Delivery.MAIL else None,
                               data=data, materials=materials)

    return Life(matter_code, open_case, [])


def next_step(office: Office, definition: MatterDefinition, state: str) -> Step | None:
    """The service call that moves a case on along the main path, as tests/support.run_to_close does."""
    life = definition.lifecycle
    mandatory = next((p for p in definition.special_procedures
                      if p.mandatory and state == f"step_{p.during_step}"), None)
    if state == "received":
        return lambda s, c: cases.accept_case(session=s, office=office, case=c, clerk=staff(life.intake))
    if state.startswith(("step_", "special_")):
        actor = staff(office.catalogue.get(definition.code).compiled.states[state].role)
        if mandatory:
            return lambda s, c: cases.start_special(session=s, office=office, case=c, actor=actor,
                                                    procedure_id=mandatory.id)
        if state.startswith("special_"):
            return lambda s, c: cases.end_special(session=s, office=office, case=c, actor=actor)
        return lambda s, c: cases.advance_step(session=s, office=office, case=c, actor=actor)
    if state == "deciding":
        return lambda s, c: cases.decide(session=s, office=office, case=c, approver=staff(life.decide), approve=True)
    if state == "issuing":
        return lambda s, c: cases.issue_result(session=s, office=office, case=c, clerk=staff(life.issue))
    if state == "delivering":
        return lambda s, c: cases.deliver(session=s, office=office, case=c, clerk=staff(life.deliver),
                                          tracking_no=f"EA{c.id:09d}CN", address=ADDRESS)
    return None


# ---- databases ----------------------------------------------------------------------

@contextlib.contextmanager
def sqlite_databases(names: list[str]) -> Iterator[dict[str, str]]:
    """Fresh migrated SQLite files, one per name, in a directory removed afterwards."""
    directory = Path(tempfile.mkdtemp(prefix="onevisit-bench-"))
    try:
        template = directory / "template.sqlite"
        engine = wdb.make_engine(f"sqlite:///{template}")
        wdb.upgrade(engine)
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        engine.dispose()
        urls = {}
        for name in names:
            shutil.copy(template, directory / f"{name}.sqlite")
            urls[name] = f"sqlite:///{directory / name}.sqlite"
        yield urls
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@contextlib.contextmanager
def postgres_databases(server: str, names: list[str]) -> Iterator[dict[str, str]]:
    """Temporary migrated databases on the server, dropped afterwards whatever happens."""
    import psycopg

    base = make_url(wdb.normalise_url(server))
    dbnames = {name: f"onevisit_bench_{name}_{uuid.uuid4().hex[:8]}" for name in names}
    admin_dsn = base.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin_dsn, autocommit=True) as admin:
        try:
            for dbname in dbnames.values():
                admin.execute(f'CREATE DATABASE "{dbname}"')
            urls = {name: base.set(database=dbname).render_as_string(hide_password=False)
                    for name, dbname in dbnames.items()}
            for url in urls.values():
                engine = wdb.make_engine(url)
                wdb.upgrade(engine)
                engine.dispose()
            yield urls
        finally:
            for dbname in dbnames.values():
                admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                              (dbname,))
                admin.execute(f'DROP DATABASE IF EXISTS "{dbname}"')


# ---- the engine side ----------------------------------------------------------------

class EngineSide:
    """Cases driven through workflows.cases, one transaction per step.

    `request`: each step is a new session that loads the case by id, as a counter
    request does. `held`: one session per case holds the object from 收件 to 办结,
    as a clerk's screen or `tests.support.run_to_close` does; the engine never
    reloads it, so no SELECT is sent.
    """

    def __init__(self, url: str, matter_code: str, with_hooks: bool, mode: str):
        self.mode = mode
        self.engine: Engine = wdb.make_engine(url)
        self.office = (load_office(self.engine, extensions=office_extensions()) if with_hooks
                       else bare_office(self.engine))
        self.life = plan_life(self.office, matter_code)

    def calibrate(self) -> Script:
        """Drive one case along the main path, learning its steps and recording what was written."""
        definition = self.office.catalogue.get(self.life.matter_code).definition
        writes: list[tuple[dict[str, Any], dict[str, Any]]] = []
        statements: list[list[str]] = []
        snapshot: dict[str, Any] = {}

        def record(*, session, case, values, event) -> None:
            if not writes:
                snapshot.update({name: getattr(case, name) for name in CASE_COLUMNS})
            writes.append((dict(values), dict(event)))

        self.office.before_commit.append(record)
        try:
            with _statements(self.engine) as sent:
                case_id = self._open()
                statements.append(sent[:])
                while (step := next_step(self.office, definition, self._state(case_id))) is not None:
                    sent.clear()  # the probe of the state above is the driver's, not the step's
                    self.life.steps.append(step)
                    self._step(case_id, step)
                    statements.append(sent[:])
        finally:
            self.office.before_commit.remove(record)
        if self._state(case_id) != "closed":
            raise SystemExit(f"{self.life.matter_code}: main path ended in {self._state(case_id)}, not closed")
        return Script(snapshot, writes, statements)

    def run(self, n: int) -> Timing:
        with timed(n, 1 + len(self.life.steps)) as timing:
            for _ in range(n):
                if self.mode == "held":
                    self._held_case()
                    continue
                case_id = self._open()
                for step in self.life.steps:
                    self._step(case_id, step)
        return timing

    def _held_case(self) -> None:
        with wdb.session(self.engine) as session:
            case = self.life.open_case(session)
            for step in self.life.steps:
                step(session, case)

    def _open(self) -> int:
        with wdb.session(self.engine) as session:
            case_id = self.life.open_case(session).id
            assert case_id is not None, "open_case stores the case"
            return case_id

    def _step(self, case_id: int, step: Step) -> None:
        with wdb.session(self.engine) as session:
            step(session, queries.get_case(session, case_id))

    def _state(self, case_id: int) -> str:
        with wdb.session(self.engine) as session:
            return queries.get_case(session, case_id).state

    def close(self) -> None:
        self.engine.dispose()


def bare_office(engine: Engine) -> Office:
    """The office as load_office builds it, without the before_commit hooks other modules add:
    the baseline writes the case and its event, so the engine side writes those alone."""
    catalogue = load_catalogue()
    with wdb.session(engine) as session:
        sync_definitions(session, catalogue, dt.datetime.now(dt.UTC))
        calendar = load_calendar(session)
    return Office(catalogue=catalogue, calendar=calendar)


@contextlib.contextmanager
def _statements(engine: Engine) -> Iterator[list[str]]:
    sent: list[str] = []

    def listener(conn, cursor, statement, parameters, context, executemany) -> None:
        sent.append(statement)

    sa_event.listen(engine, "before_cursor_execute", listener)
    try:
        yield sent
    finally:
        sa_event.remove(engine, "before_cursor_execute", listener)


# ---- the driver baseline ------------------------------------------------------------

class DriverSide(ABC):
    """The same rows written with hand-written SQL through the bare DB-API driver."""

    placeholder = "?"

    def __init__(self, script: Script, mode: str):
        self.script = script
        self.load_each_step = mode == "request"
        self.insert_case = self._insert_sql("cases", CASE_COLUMNS)
        self.insert_event = self._insert_sql("case_events", EVENT_COLUMNS)
        self.select_case = f"SELECT * FROM cases WHERE id = {self.placeholder}"
        # The same SET list the engine sent in each transaction, so both make the same writes.
        self.set_columns = [script.set_columns(i) for i in range(len(script.writes))]
        self.updates = [None if columns is None else self._update_sql(columns) for columns in self.set_columns]

    def _insert_sql(self, table: str, columns: list[str]) -> str:
        names = ", ".join(f'"{c}"' for c in columns)
        return f"INSERT INTO {table} ({names}) VALUES ({', '.join([self.placeholder] * len(columns))})"

    def _update_sql(self, columns: list[str]) -> str:
        sets = ", ".join(f'"{c}" = {self.placeholder}' for c in ["version", *columns])
        return f"UPDATE cases SET {sets} WHERE id = {self.placeholder} AND version = {self.placeholder}"

    def run(self, n: int) -> Timing:
        with timed(n, len(self.script.writes)) as timing:
            for _ in range(n):
                self.one_case()
        return timing

    def one_case(self) -> None:
        now = dt.datetime.now(dt.UTC)
        row = {**self.script.case_row, "receipt_no": f"B{uuid.uuid4().hex[:15].upper()}",
               "received_at": now, "updated_at": now}
        self.begin()
        if self.updates[0] is None:  # the engine inserted the row as its first transition left it
            row = {**row, **self.script.writes[0][0], "version": 1, "updated_at": now}
        case_id = self.insert_returning_id(self.insert_case, [self.bind(c, row[c]) for c in CASE_COLUMNS])
        self.write(case_id, 0, 0)
        self.commit()
        for index in range(1, len(self.script.writes)):
            self.begin()
            version = self.load(case_id) if self.load_each_step else index
            self.write(case_id, index, version)
            self.commit()

    def write(self, case_id: int, index: int, version: int) -> None:
        values, event = self.script.writes[index]
        now = dt.datetime.now(dt.UTC)
        values = {**values, "updated_at": now}
        update, columns = self.updates[index], self.set_columns[index]  # both None when no UPDATE was sent
        if update is not None and columns is not None:
            params = [version + 1, *(self.bind(c, values[c]) for c in columns), case_id, version]
            if self.execute(update, params) != 1:
                raise RuntimeError("baseline: version check failed")
        event = {**event, "case_id": case_id, "seq": version + 1, "at": now}
        self.execute(self.insert_event, [self.bind(c, event[c]) for c in EVENT_COLUMNS])

    # What each driver does in its own way.

    @abstractmethod
    def bind(self, column: str, value: Any) -> Any:
        """The value as this driver's SQL takes it."""

    @abstractmethod
    def begin(self) -> None: ...

    @abstractmethod
    def commit(self) -> None: ...

    @abstractmethod
    def execute(self, sql: str, params: list[Any]) -> int:
        """The rows the statement touched."""

    @abstractmethod
    def insert_returning_id(self, sql: str, params: list[Any]) -> int: ...

    @abstractmethod
    def load(self, case_id: int) -> int:
        """Read the case back as a request would; its version."""


class SqliteDriver(DriverSide):
    """sqlite3 with the engine's pragmas (WAL, synchronous=NORMAL) and explicit transactions."""

    def __init__(self, url: str, script: Script, mode: str):
        super().__init__(script, mode)
        database = make_url(url).database
        assert database is not None, "a SQLite URL names its file"
        self.conn = sqlite3.connect(database, isolation_level=None)
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON", "busy_timeout=30000"):
            self.conn.execute(f"PRAGMA {pragma}")
        self.version_at = None

    def bind(self, column: str, value: Any) -> Any:
        # The text forms SQLAlchemy's SQLite dialect stores, so both sides hold identical rows.
        if column in JSON_COLUMNS:
            return json.dumps(value)
        if isinstance(value, dt.datetime):
            return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        if isinstance(value, dt.date):
            return value.isoformat()
        return value

    def begin(self) -> None:
        self.conn.execute("BEGIN")

    def commit(self) -> None:
        self.conn.execute("COMMIT")

    def execute(self, sql: str, params: list[Any]) -> int:
        return self.conn.execute(sql, params).rowcount

    def insert_returning_id(self, sql: str, params: list[Any]) -> int:
        row_id = self.conn.execute(sql, params).lastrowid
        assert row_id is not None, "an INSERT sets lastrowid"
        return row_id

    def load(self, case_id: int) -> int:
        cursor = self.conn.execute(self.select_case, (case_id,))
        row = dict(zip([d[0] for d in cursor.description], cursor.fetchone(), strict=True))
        row["data"], row["progress"] = json.loads(row["data"]), json.loads(row["progress"])
        return row["version"]

    def close(self) -> None:
        self.conn.close()


class PostgresDriver(DriverSide):
    """psycopg 3, one transaction per step as the engine's connection runs them."""

    placeholder = "%s"

    def __init__(self, url: str, script: Script, mode: str):
        import psycopg
        from psycopg.types.json import Json

        super().__init__(script, mode)
        self.json = Json
        self.conn = psycopg.connect(make_url(url).set(drivername="postgresql").render_as_string(hide_password=False))
        self.cursor = self.conn.cursor()

    def bind(self, column: str, value: Any) -> Any:
        return self.json(value) if column in JSON_COLUMNS else value

    def begin(self) -> None:
        pass  # psycopg opens the transaction with the first statement, as it does under SQLAlchemy

    def commit(self) -> None:
        self.conn.commit()

    def execute(self, sql: str, params: list[Any]) -> int:
        self.cursor.execute(sql, params)
        return self.cursor.rowcount

    def insert_returning_id(self, sql: str, params: list[Any]) -> int:
        self.cursor.execute(sql + " RETURNING id", params)
        row = self.cursor.fetchone()
        assert row is not None, "INSERT … RETURNING gives one row"
        return int(row[0])

    def load(self, case_id: int) -> int:
        self.cursor.execute(self.select_case, (case_id,))
        found, description = self.cursor.fetchone(), self.cursor.description
        assert found is not None and description is not None, f"case {case_id} was inserted above"
        row = dict(zip([d.name for d in description], found, strict=True))
        return row["version"]  # psycopg has already parsed the json columns, as SQLAlchemy has

    def close(self) -> None:
        self.conn.close()


# ---- running and reporting ----------------------------------------------------------

@dataclass
class Outcome:
    database: str
    mode: str
    engine: Timing
    baseline: Timing
    script: Script

    @property
    def ratio(self) -> float:
        return self.engine.seconds / self.engine.transactions / (self.baseline.seconds / self.baseline.transactions)

    @property
    def cpu_ratio(self) -> float:
        return self.engine.cpu / self.engine.transactions / (self.baseline.cpu / self.baseline.transactions)


def compare(database: str, mode: str, urls: dict[str, str], args: argparse.Namespace) -> Outcome:
    matter, n, rounds, warmup = args.matter, args.cases, args.rounds, args.warmup
    engine_side = EngineSide(urls["engine"], matter, args.with_hooks, mode)
    script = engine_side.calibrate()
    driver_cls = SqliteDriver if database == "SQLite" else PostgresDriver
    driver = driver_cls(urls["baseline"], script, mode)
    try:
        engine_side.run(warmup), driver.run(warmup)
        engine, baseline = Timing(), Timing()
        for size in _rounds(n, rounds):
            baseline.add(driver.run(size))
            engine.add(engine_side.run(size))
        _check_closed(engine_side.engine, n + warmup + 1, len(script.writes))
    finally:
        driver.close()
        engine_side.close()
    _check_baseline(urls["baseline"], n + warmup, len(script.writes))
    return Outcome(database, mode, engine, baseline, script)


def _rounds(n: int, rounds: int) -> list[int]:
    size, rest = divmod(n, rounds)
    return [size + (1 if i < rest else 0) for i in range(rounds) if size or i < rest]


def _check_closed(engine: Engine, cases_: int, per_case: int) -> None:
    """Every engine case really reached 办结, with one event per transaction."""
    with engine.connect() as conn:
        closed = conn.exec_driver_sql("SELECT count(*) FROM cases WHERE state = 'closed'").scalar()
        events = conn.exec_driver_sql("SELECT count(*) FROM case_events").scalar()
    if (closed, events) != (cases_, cases_ * per_case):
        raise SystemExit(f"engine run incomplete: {closed} closed cases, {events} events; "
                         f"expected {cases_} and {cases_ * per_case}")


def _check_baseline(url: str, cases_: int, per_case: int) -> None:
    engine = wdb.make_engine(url)
    try:
        _check_closed(engine, cases_, per_case)
    finally:
        engine.dispose()


def report(outcome: Outcome, matter: str) -> list[bool]:
    e, b = outcome.engine, outcome.baseline
    per_case = e.transactions // e.cases
    print(f"\n== {outcome.database}, {MODES[outcome.mode]}: {e.cases} cases of {matter}, "
          f"{per_case} transactions each ==")
    for name, t in (("engine   (service layer)", e), ("baseline (bare driver)  ", b)):
        print(f"  {name}  {t.cases_per_s:8.1f} cases/s  {t.tx_per_s:8.1f} tx/s  {t.seconds:7.2f} s wall  "
              f"{t.cpu:7.2f} s CPU ({1e6 * t.cpu / t.transactions:6.0f} µs CPU/tx)")
    reads = outcome.mode == "request"
    print("  statements per step (engine): " + " | ".join(outcome.script.summary(i, reads) for i in range(2)) + " | …")
    load = "SELECT cases, " if outcome.mode == "request" else ""
    intake = "INSERT cases, " if outcome.script.set_columns(0) is None else "INSERT cases, UPDATE cases, "
    print(f"  statements per step (baseline): {intake}INSERT case_events | "
          f"{load}UPDATE cases, INSERT case_events | …  (the engine's SET lists)")
    print(f"  cost ratio by CPU time (this process only): {outcome.cpu_ratio:.2f}×")
    results = [_verdict(f"engine/baseline cost ratio {outcome.ratio:.2f}× ≤ {MAX_RATIO:.0f}×",
                        outcome.ratio <= MAX_RATIO)]
    if outcome.database == "SQLite":
        projected = TARGET_CASES / e.cases_per_s
        how = "measured" if e.cases == TARGET_CASES else f"projected from {e.cases} cases"
        results.append(_verdict(f"{TARGET_CASES:,} cases intake→办结 in {projected:.1f} s ({how}) "
                                f"< {TARGET_SECONDS:.0f} s", projected < TARGET_SECONDS))
    return results


def _verdict(text: str, ok: bool) -> bool:
    print(f"  {'PASS' if ok else 'FAIL'}  {text}")
    return ok


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.engine", description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=2000, help="cases per side (default 2000; 10000 for the report)")
    parser.add_argument("--matter", default="road-freight-licence", help="matter code (default road-freight-licence)")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--postgres", default=PG_SERVER, help=f"PostgreSQL server (default {PG_SERVER})")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds per side (default 5)")
    parser.add_argument("--warmup", type=int, default=50, help="untimed cases per side first (default 50)")
    parser.add_argument("--mode", choices=[*MODES, "both"], default="both",
                        help="request: load the case per step in a new session; held: one session holds the case "
                             "(default both)")
    parser.add_argument("--with-hooks", action="store_true",
                        help="build the office with load_office, so the before_commit hooks other modules install "
                             "(the audit facts) run too; the baseline does not make their writes")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    print(f"bench/engine.py: {args.cases} cases of {args.matter} per side, {args.rounds} alternating rounds")
    verdicts: list[bool] = []
    modes = list(MODES) if args.mode == "both" else [args.mode]
    databases = [("SQLite", sqlite_databases)]
    if not args.no_postgres:
        databases.append(("PostgreSQL", lambda names: postgres_databases(args.postgres, names)))
    for database, fresh in databases:
        for mode in modes:
            with fresh(["engine", "baseline"]) as urls:
                outcome = compare(database, mode, urls, args)
            verdicts += report(outcome, args.matter)
    print(f"\n{'ALL PASS' if all(verdicts) else 'SOME FAIL'}")
    return 0 if all(verdicts) else 1


if __name__ == "__main__":
    raise SystemExit(main())
