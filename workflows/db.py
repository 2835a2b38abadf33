"""Engines and sessions: SQLite (WAL) by default, PostgreSQL when the URL names it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Table, event
from sqlalchemy.engine import Connection, Dialect, Engine, make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.pool import ConnectionPoolEntry
from sqlmodel import Session, SQLModel, create_engine

if TYPE_CHECKING:  # psycopg is imported only when a PostgreSQL engine is made
    import psycopg
    from psycopg.abc import PQGen, RV
    from psycopg.rows import TupleRow

MIGRATIONS = Path(__file__).parent / "migrations"


def normalise_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever spelling the operator used."""
    parsed = make_url(url)
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


DEFAULT_CONNECTIONS = 8  # the command line and benchmarks; the server sizes its pool to its threads
CONNECT_TIMEOUT_S = 5
ANSWER_MARGIN_S = 2  # the server's own statement timeout comes first and leaves the connection usable


@dataclass(frozen=True)
class Limits:
    """How long one use of the database may wait, in seconds, before it fails.

    `statement_s` None means no bound: batch work (migrations, the demo, guide builds)
    may run long statements. The server bounds every statement, so that a database
    that stops answering fails each request within seconds instead of holding its
    thread, and with it every request behind it, for as long as TCP keeps trying.
    """

    connect_s: int = CONNECT_TIMEOUT_S
    statement_s: float | None = None
    pool_s: float = 30

    @property
    def answer_s(self) -> float | None:
        """How long the client waits for any one answer of the server before it drops the connection."""
        return None if self.statement_s is None else self.statement_s + ANSWER_MARGIN_S


BATCH = Limits()


def make_engine(url: str, *, connections: int = DEFAULT_CONNECTIONS, limits: Limits = BATCH) -> Engine:
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
            pool = {"pool_size": connections, "max_overflow": connections, "pool_timeout": limits.pool_s}
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **pool)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # Pre-ping: a connection the server dropped (restart, pg_terminate_backend) is replaced at checkout.
    engine = create_engine(url, pool_pre_ping=True, pool_size=connections, max_overflow=connections,
                           pool_timeout=limits.pool_s, connect_args=postgres_connect_args(limits))
    if limits.answer_s is not None:
        event.listen(engine, "do_connect", _answer_bound_connect(limits.answer_s))
    return engine


def postgres_connect_args(limits: Limits) -> dict[str, Any]:
    """libpq's bounds: on connecting, on each statement (server side), and on a silent peer (TCP)."""
    args: dict[str, Any] = {"connect_timeout": limits.connect_s,
                  # A peer that vanished (host down, cable pulled) is noticed in 10 + 3 × 5 s when idle,
                  "keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5, "keepalives_count": 3}
    statement_s, answer_s = limits.statement_s, limits.answer_s  # answer_s is set exactly when statement_s is
    if statement_s is not None and answer_s is not None:
        args["options"] = f"-c statement_timeout={int(statement_s * 1000)}"
        # and within the answer bound when data it was sent goes unacknowledged.
        args["tcp_user_timeout"] = int(answer_s * 1000)
    return args


def _answer_bound_connect(answer_s: float) -> Callable[..., psycopg.Connection[TupleRow]]:
    """Connect with psycopg connections that give up on an answer after `answer_s` seconds.

    Neither the statement timeout nor TCP catches a server (or a proxy, or a stalled
    VM) that acknowledges every packet and never answers: the server never sees the
    statement, and the kernel sees no loss. Only the client can bound that wait.
    """
    import psycopg
    from psycopg.rows import TupleRow

    class AnswerBoundConnection(psycopg.Connection[TupleRow]):
        def wait(self, gen: PQGen[RV], *args: Any, **kwargs: Any) -> RV:
            if len(args) < 2 and kwargs.get("timeout") is None:
                kwargs["timeout"] = answer_s
            try:
                return super().wait(gen, *args, **kwargs)
            except psycopg.errors._WaitTimeout as exc:  # psycopg's documented wait timeout
                # The protocol is mid-exchange: the connection cannot be used again. Closed, it is
                # seen as lost (SQLAlchemy invalidates it), and the request is answered as such.
                self.close()
                raise psycopg.OperationalError(f"数据库服务器 {answer_s:g} 秒内没有回答") from exc

    def connect(_dialect: Dialect, _record: ConnectionPoolEntry, cargs: list[Any],
                cparams: dict[str, Any]) -> AnswerBoundConnection:
        return AnswerBoundConnection.connect(*cargs, **cparams)

    return connect


def _sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets counter screens read while a clerk writes; NORMAL is durable across
    # application crashes, which is the failure a counter PC actually has.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def core_table(model: type[SQLModel]) -> Table:
    """The Core table of a table model, for SQL written against its columns rather than through the ORM."""
    # SQLModel sets `__table__` on every `table=True` class but does not declare it, so a type checker cannot see it.
    table: Table = model.__table__  # type: ignore[attr-defined]
    return table


def is_sqlite(engine: Engine | Connection) -> bool:
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
