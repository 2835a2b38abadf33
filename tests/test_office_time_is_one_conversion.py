"""One conversion from stored UTC instants to office time, used by pages, papers, the API and SQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import literal, select

from guides.templating import GUIDES_TEMPLATES, build_environment
from tests.api_fixtures import as_role, open_case, tokens  # noqa: F401
from workflows.localtime import OfficeTime, ZoneNotSupported
from workflows.models import Case

UTC = dt.UTC
SHANGHAI = OfficeTime.named("Asia/Shanghai")
# 07:30 on 3 December in 嘉兴 is 23:30 on 2 December in UTC.
EARLY = dt.datetime(2026, 12, 2, 23, 30, tzinfo=UTC)


def test_an_early_morning_instant_falls_on_its_office_day_stored_naive_or_aware():
    assert SHANGHAI.date(EARLY) == dt.date(2026, 12, 3)
    assert SHANGHAI.date(EARLY.replace(tzinfo=None)) == dt.date(2026, 12, 3)  # SQLite hands back naive UTC
    assert SHANGHAI.local(EARLY).strftime("%H:%M") == "07:30"
    assert SHANGHAI.day_start(dt.date(2026, 12, 3)) == dt.datetime(2026, 12, 2, 16, 0, tzinfo=UTC)
    assert SHANGHAI.at(dt.date(2026, 12, 3), 16, 2) == dt.datetime(2026, 12, 3, 8, 2, tzinfo=UTC)


def test_the_database_counts_an_instant_on_the_same_office_day(engine):
    column = literal(EARLY, Case.__table__.c.received_at.type)
    with engine.connect() as conn:
        day = conn.execute(select(SHANGHAI.sql_date(column, conn.dialect.name))).scalar_one()
    assert str(day) == "2026-12-03"


def test_sqlite_refuses_a_zone_with_summer_time_instead_of_counting_wrong_days():
    with pytest.raises(ZoneNotSupported, match="Europe/Amsterdam"):
        OfficeTime.named("Europe/Amsterdam").sql_date(Case.__table__.c.received_at, "sqlite")


def test_templates_print_instants_in_office_time():
    env = build_environment([GUIDES_TEMPLATES], time=SHANGHAI)
    template = env.from_string("{{ at | cn_date(true) }}|{{ at | cn_date }}|{{ day | cn_date }}")
    assert template.render(at=EARLY, day=dt.date(2026, 12, 3)) == "2026年12月3日 07:30|2026年12月3日|2026年12月3日"


def test_the_api_answers_instants_in_office_time(client, app, clock, as_role):
    clock.now = EARLY
    body = open_case(client, as_role["clerk"], app.state.office, missing=("driver_documents",))
    assert body["received_at"] == "2026-12-03T07:30:00+08:00"
    assert body["events"][0]["at"] == "2026-12-03T07:30:00+08:00"
