"""Engines and sessions: SQLite (WAL) by default, PostgreSQL when the URL names it."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine

MIGRATIONS = Path(__file__).parent / "migrations"


def normalise_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever spelling the operator used."""
    parsed = make_url(url)
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


DEFAULT_CONNECTIONS = 8  # the command line and benchmarks; the server sizes its pool to its threads
CONNECT_TIMEOUT_S = 5


def make_engine(url: str, *, connections: int = DEFAULT_CONNECTIONS) -> Engine:
    """An engine whose pool keeps `connections` open, one per thread that may use it at once."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        path = make_url(url).database
        pool = {}
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            # Every connection kept: an overflow SQLite connection is closed on return, and the next
            # one reopens the file, sets the pragmas and parses the schema again, under load on
            # nearly every request.
            pool = {"pool_size": connections, "max_overflow": connections}
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **pool)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # A bounded connect: the staff lookup connects on the event loop, and an unreachable server
    # must fail its requests within seconds, not stall every request of the worker for minutes.
    return create_engine(url, pool_pre_ping=True, pool_size=connections, max_overflow=connections,
                         connect_args={"connect_timeout": CONNECT_TIMEOUT_S})


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets counter screens read while a clerk writes; NORMAL is durable across
    # application crashes, which is the failure a counter PC actually has.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def session(engine: Engine) -> Session:
    # No expiry on commit: the engine updates the objects it changed itself,
    # so nothing is reloaded after a transition.
    return Session(engine, expire_on_commit=False)


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    command.upgrade(alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()
