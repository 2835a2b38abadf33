"""Who is asking: staff sessions (signed cookie) for pages, bearer tokens for the API.

Every route declares who it serves: a role dependency of windows/deps.py (built
here by `require_roles(...)`) for staff, or `anyone` for the public pages and the login form; the check runs on the
server for every request. Forms carry a per-session CSRF token.
"""

from __future__ import annotations

import asyncio
import hmac
import secrets
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, TypeVar

from fastapi import Depends, Request
from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.datastructures import FormData

from workflows import accounts, errors
from workflows.db import Limits, is_sqlite, make_engine, session as new_session
from workflows.office import Actor

SESSION_USER = "user"
SESSION_CSRF = "csrf"
SESSION_FLASH = "flash"
CSRF_FIELD = "csrf"
ROLE_DENIED = "您的岗位无权访问此页面或接口"  # the route-level refusal, told apart from an action's role rule


LoginRequired, TooManyAttempts = errors.LoginRequired, errors.TooManyAttempts  # defined with every other error


async def db(request: Request):
    """A database session for one request.

    Async on purpose: making a Session opens no connection (the first query, in the
    handler's worker thread, does), and closing one returns it to the pool. As a sync
    dependency it cost two extra hand-offs to the thread pool per request.
    """
    session = new_session(request.app.state.engine)
    try:
        yield session
    finally:
        await release(session)


# Closing a session that still holds a transaction rolls it back: a round trip to a
# PostgreSQL server, which must not wait on the event loop. These threads only close
# sessions, needing neither a pooled connection nor a handler thread, so a close never
# waits for a request that waits for it.
_CLOSERS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="session-close")


async def release(session: Session) -> None:
    """Close the request's session; any rollback on a server goes to a closing thread."""
    if session.in_transaction() and not is_sqlite(session.get_bind()):
        await asyncio.get_running_loop().run_in_executor(_CLOSERS, session.close)
    else:  # nothing to send, or SQLite's local rollback of a read
        session.close()


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


T = TypeVar("T")


class StaffLookup:
    """Who a session cookie or an API token belongs to, read afresh on every request.

    It reads through a connection of its own on a thread of its own (a one-connection
    pool that only that thread uses), so it never waits for a handler thread or a
    pooled connection, and the event loop never waits for the database: a server that
    stops answering must not stop this worker's other requests, `/public` among them.
    Reading on the request's own session instead would hold a pooled connection while
    the request waits for a worker thread: with more clients than connections that
    deadlocks. A lookup not answered within the limits fails its request with 503.
    """

    def __init__(self, engine: Engine, limits: Limits):
        self.engine = make_engine(engine.url.render_as_string(hide_password=False), connections=1, limits=limits)
        self.thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="staff-lookup")
        self.bound_s = limits.request_s

    async def by_username(self, username: str) -> Actor | None:
        return await self._off_the_loop(self._by_username, username)

    async def by_token(self, token: str) -> Actor | None:
        return await self._off_the_loop(self._by_token, token)

    def _by_username(self, username: str) -> Actor | None:
        with self.engine.connect() as connection:
            return accounts.active_actor(connection, username=username)

    def _by_token(self, token: str) -> Actor | None:
        with self.engine.connect() as connection:
            return accounts.token_actor(connection, token=token)

    async def _off_the_loop(self, read: Callable[[str], T], key: str) -> T:
        future = asyncio.get_running_loop().run_in_executor(self.thread, read, key)
        try:
            return await asyncio.wait_for(future, self.bound_s)
        except TimeoutError:
            # Queued behind a lookup that hangs: cancelled here (not yet started, it never runs).
            raise errors.Unavailable() from None

    def close(self) -> None:
        """Return the connection and end the thread; an app started again starts a new one, as the pool does."""
        self.thread.shutdown(wait=False, cancel_futures=True)
        self.thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="staff-lookup")  # no thread until used
        self.engine.dispose()


async def current_actor(request: Request) -> Actor:
    """The staff member behind this request, from an API token or the session cookie."""
    lookup: StaffLookup = request.app.state.staff_lookup
    token = _bearer(request)
    if token is not None:
        actor = await lookup.by_token(token)
        if actor is None:
            raise LoginRequired("接口令牌无效或已吊销")
    else:
        username = request.session.get(SESSION_USER) if "session" in request.scope else None
        actor = await lookup.by_username(username) if username else None
        if actor is None:
            raise LoginRequired()
    request.state.actor = actor  # the error page shows who is logged in
    return actor


def require_roles(*roles: str) -> Callable[..., Actor]:
    """A dependency that lets through only staff holding one of `roles`."""
    allowed = frozenset(roles)

    async def dependency(actor: Actor = Depends(current_actor)) -> Actor:  # no I/O: no thread hand-off
        if not actor.roles & allowed:
            raise errors.Forbidden(ROLE_DENIED)
        return actor

    dependency.roles = allowed  # type: ignore[attr-defined]  # read by the route listing in tests
    return dependency


def anyone() -> None:
    """Declares a route open to the public (no login); used as `Depends(anyone)`."""


async def optional_actor(request: Request) -> Actor | None:
    """The logged-in member of staff, or None; for pages that also serve the public."""
    try:
        return await current_actor(request)
    except LoginRequired:
        return None


def csrf_token(request: Request) -> str:
    token = request.session.get(SESSION_CSRF)
    if not token:
        token = request.session[SESSION_CSRF] = secrets.token_urlsafe(32)
    return token


def check_csrf(request: Request, submitted: str | None) -> None:
    expected = request.session.get(SESSION_CSRF, "")
    if not expected or not submitted or not hmac.compare_digest(expected, submitted):
        raise errors.CsrfFailed()


async def checked_form(request: Request) -> FormData:
    """The posted form, after its CSRF token was checked; declare it after the role dependency."""
    form = await request.form()
    check_csrf(request, str(form.get(CSRF_FIELD) or ""))
    return form


def log_in(request: Request, user: accounts.StaffUser) -> None:
    # A fresh session and CSRF token on every login, so nothing from before carries over.
    request.session.clear()
    request.session[SESSION_USER] = user.username
    request.session[SESSION_CSRF] = secrets.token_urlsafe(32)


def log_out(request: Request) -> None:
    request.session.clear()


def client_key(request: Request) -> str:
    # Behind a reverse proxy run uvicorn with --proxy-headers and --forwarded-allow-ips, so that this
    # is the counter PC's address; otherwise every counter shares the proxy's failure budget.
    return request.client.host if request.client else "unknown"


def flash(request: Request, message: str, kind: str = "ok") -> None:
    """A one-time message for the page the browser is redirected to."""
    request.session[SESSION_FLASH] = [kind, message]


def pop_flash(request: Request) -> tuple[str, str] | None:
    value = request.session.pop(SESSION_FLASH, None)
    return (value[0], value[1]) if value else None
