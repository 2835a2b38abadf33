"""Fixtures: a fresh migrated database per test (SQLite by default, PostgreSQL
when TEST_DATABASE_URL names a server), a controllable clock, staff actors.

On PostgreSQL the run creates its own database, migrates it once, empties it
between tests and drops it at the end. A run meant for PostgreSQL that cannot
reach it fails; it never skips.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import uuid

import pytest
from sqlalchemy import create_engine as sa_create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from service import office_extensions
from tests.support import FixedClock, STAFF
from workflows.bootstrap import load_office
from workflows.db import make_engine, normalise_url, session as new_session, upgrade

PG_URL = os.environ.get("TEST_DATABASE_URL", "")
ON_POSTGRES = PG_URL.startswith("postgres")


def pytest_report_header(config):
    return f"database: {'PostgreSQL ' + PG_URL if ON_POSTGRES else 'SQLite (per-test file)'}"


@pytest.fixture(scope="session")
def _pg_database():
    server = make_url(normalise_url(PG_URL))
    name = f"onevisit_test_{uuid.uuid4().hex[:10]}"
    admin = sa_create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = server.set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"))
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture
def database_url(request, tmp_path):
    """A migrated, empty database for this test."""
    if ON_POSTGRES:
        url = request.getfixturevalue("_pg_database")
        yield url
        _truncate(url)
    else:
        path = tmp_path / "onevisit.sqlite"
        shutil.copy(request.getfixturevalue("_sqlite_template"), path)
        yield f"sqlite:///{path}"


def _truncate(url: str) -> None:
    import workflows.accounts
    import workflows.rating_models
    import workflows.throttle  # noqa: F401
    import inspections.draw_tables
    import inspections.models  # noqa: F401

    engine = make_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def clock():
    """Wednesday 2026-11-25 09:30 in 嘉兴; tests move it with clock.advance(...)."""
    return FixedClock(dt.datetime(2026, 11, 25, 1, 30, tzinfo=dt.UTC))


@pytest.fixture
def office(engine, clock):
    """The office as the app factory builds it, with the same extensions (the auditor's counters) plugged in."""
    return load_office(engine, clock=clock, extensions=office_extensions())


@pytest.fixture
def session(engine):
    with new_session(engine) as s:
        yield s


@pytest.fixture
def staff():
    return STAFF


@pytest.fixture
def app(database_url, clock, tmp_path):
    import service

    settings = service.Settings(database_url=database_url, secret_key="test-secret-" + "x" * 32,
                                guide_cache_dir=tmp_path / "guides")
    application = service.create_app(settings, clock=clock)
    yield application
    service.close_app(application)


@pytest.fixture
def client(app):
    from fastapi.testclient import TestClient

    with TestClient(app) as c:
        yield c
