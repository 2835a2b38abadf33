"""Which database failure is which: the one place a driver's error becomes a domain error.

A refused or lost connection, a statement the server did not answer in time, a
full disk or a read-only file are failures of the database, not of the request:
each becomes an `errors.Unavailable` (HTTP 503, or 507 for a full disk) with a
code a client can act on. Where the failure struck decides what the message may
promise: before COMMIT was sent nothing was saved; a connection lost while the
COMMIT was on its way leaves the outcome unknown, and the message says so.

Errors that are not the database's fault (a constraint broken, a bad statement)
are left alone: they are bugs, and a 500 with its traceback is what they deserve.
"""

from __future__ import annotations

from typing import Literal

from sqlalchemy import exc as sa_exc

from workflows import errors

Stage = Literal["reading", "writing", "committing"]

# PostgreSQL SQLSTATEs (Appendix A of its manual) that name a database fault.
# query_canceled (statement_timeout), lock_not_available, out_of_memory, too_many_connections
_PG_BUSY = {"57014", "55P03", "53200", "53300"}
_PG_READ_ONLY = {"25006"}  # read_only_sql_transaction (a standby, or default_transaction_read_only)
_CLOSED_BEFORE_SENDING = "the connection is closed"  # psycopg refuses to send on a connection already closed


def fault_of(exc: BaseException, *, stage: Stage = "reading") -> errors.DomainError | None:
    """The domain error `exc` means, raised at `stage`; None when it is no database fault."""
    if isinstance(exc, sa_exc.TimeoutError):  # no pooled connection came free within the pool timeout
        return errors.DatabaseBusy()
    if not isinstance(exc, sa_exc.DBAPIError):
        return None
    orig = exc.orig
    sqlstate = getattr(orig, "sqlstate", None)
    sqlite_name = getattr(orig, "sqlite_errorname", None)
    text = str(orig).lower()
    if exc.connection_invalidated:  # the dialect recognised a lost connection, whatever class it raised
        return _lost(stage, sqlstate=sqlstate, text=text, sqlite=_is_sqlite(orig))
    if not isinstance(exc, (sa_exc.OperationalError, sa_exc.InterfaceError)):
        return None
    if sqlite_name == "SQLITE_FULL" or sqlstate == "53100" or "database or disk is full" in text:
        return errors.DatabaseFull()
    if sqlite_name in ("SQLITE_BUSY", "SQLITE_LOCKED") or "database is locked" in text:
        # A writer that waited out the busy timeout lost the race to another writer.
        return errors.ConcurrentChange()
    if sqlite_name == "SQLITE_READONLY" or sqlstate in _PG_READ_ONLY or "readonly database" in text:
        return errors.DatabaseReadOnly()
    if sqlstate in _PG_BUSY:
        return errors.DatabaseBusy()
    return _lost(stage, sqlstate=sqlstate, text=text, sqlite=_is_sqlite(orig))


def _is_sqlite(orig: BaseException | None) -> bool:
    return type(orig).__module__.startswith("sqlite3")


def _lost(stage: Stage, *, sqlstate: str | None, text: str, sqlite: bool) -> errors.DomainError:
    """A connection refused or lost (or some other failure of the server) at `stage`."""
    if stage == "reading":
        return errors.Unavailable()
    if stage == "writing":
        return errors.TransactionLost()
    # The COMMIT failed. SQLite's commit is atomic and local; a server that answered it with an error
    # (its own shutdown included) did not commit; a client that never sent it did not either.
    if sqlite or sqlstate is not None or _CLOSED_BEFORE_SENDING in text:
        return errors.TransactionLost()
    return errors.CommitOutcomeUnknown()
