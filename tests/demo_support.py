"""A small demo history for the demo tests: built once per run into its own SQLite
file, with a fixed seed and a fixed "now", then read back as plain rows."""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlmodel import col, select

from service import office_extensions
from tests.support import FixedClock
from workflows.bootstrap import load_office
from workflows.db import make_engine, session as new_session, upgrade
from workflows.demo import DemoSummary, build_demo
from workflows.rating_models import Rating, RatingAppeal, RatingLogEntry, RatingTask
from workflows.models import Case, CaseEvent
from workflows.office import Office
from workflows.localtime import OfficeTime

NOW = dt.datetime(2026, 11, 25, 2, 30, tzinfo=dt.UTC)  # Wednesday 10:30 in 嘉兴, the office is open
OFFICE_TIME = OfficeTime.named()
TODAY = OFFICE_TIME.date(NOW)
CASES, MONTHS, SEED = 200, 2, 11  # about five applications a working day
FINAL = ("closed", "refused", "withdrawn", "terminated")


@dataclass(frozen=True)
class DemoHistory:
    office: Office
    summary: DemoSummary
    cases: list[Case]
    events: dict[int, list[CaseEvent]]  # case id -> its events in seq order
    evaluations: list[Rating]
    tasks: list[RatingTask] = field(default_factory=list)
    appeals: list[RatingAppeal] = field(default_factory=list)
    rating_log: list[RatingLogEntry] = field(default_factory=list)

    def open_cases(self) -> list[Case]:
        return [c for c in self.cases if c.state not in FINAL]


@pytest.fixture(scope="session")
def demo_history(tmp_path_factory) -> DemoHistory:
    # Each test module imports this fixture, and pytest keeps a session fixture per module
    # that defines it: the cache builds the history once for all of them.
    return _built(tmp_path_factory.getbasetemp())


@functools.cache
def _built(folder: Path) -> DemoHistory:
    path = folder / "demo-history.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    try:
        upgrade(engine)
        office = load_office(engine, clock=FixedClock(NOW), extensions=office_extensions())
        summary = build_demo(engine=engine, office=office, cases=CASES, seed=SEED, months=MONTHS, now=NOW)
        with new_session(engine) as s:
            cases = list(s.exec(select(Case).order_by(col(Case.id))))
            events: dict[int, list[CaseEvent]] = {}
            for event in s.exec(select(CaseEvent).order_by(col(CaseEvent.case_id), col(CaseEvent.seq))):
                events.setdefault(event.case_id, []).append(event)
            evaluations = list(s.exec(select(Rating)))
            tasks = list(s.exec(select(RatingTask)))
            appeals = list(s.exec(select(RatingAppeal)))
            log = list(s.exec(select(RatingLogEntry)))
    finally:
        engine.dispose()
    return DemoHistory(office, summary, cases, events, evaluations, tasks, appeals, log)


def utc(moment: dt.datetime) -> dt.datetime:
    """SQLite hands stored instants back naive; they are UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def local(moment: dt.datetime) -> dt.datetime:
    return OFFICE_TIME.local(moment)


def published_hours(hours_text: str) -> list[tuple[dt.time, dt.time]]:
    """The opening sessions the office profile publishes, e.g. "周一至周五 上午 9:00—12:00，下午 13:30—17:00"."""
    spans = re.findall(r"(\d{1,2}):(\d{2})\s*[-—–～~]\s*(\d{1,2}):(\d{2})", hours_text)
    assert spans, f"no opening hours in {hours_text!r}"
    return [(dt.time(int(a), int(b)), dt.time(int(c), int(d))) for a, b, c, d in spans]
