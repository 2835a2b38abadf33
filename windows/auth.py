"""Who is asking: staff sessions (signed cookie) for pages, bearer tokens for the API.

Every route declares who it serves: `require_roles(...)` for staff, or
`anyone` for the public pages and the login form; the check runs on the
server for every request. Forms carry a per-session CSRF token.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Callable

from fastapi import Depends, Request
from sqlalchemy.engine import Engine
from starlette.datastructures import FormData

from workflows import accounts, errors
from workflows.db import make_engine, session as new_session
from workflows.definition import STAFF_ROLES
from workflows.office import Actor

SESSION_USER = "user"
SESSION_CSRF = "csrf"
SESSION_FLASH = "flash"
CSRF_FIELD = "csrf"
STAFF = STAFF_ROLES  # every staff role: pages any logged-in member of staff may see
ROLE_DENIED = "您的岗位无权访问此页面或接口"  # the route-level refusal, told apart from an action's role rule


class LoginRequired(errors.DomainError):
    code = "login-required"
    message = "请先登录"


class TooManyAttempts(errors.DomainError):
    code = "too-many-attempts"
    message = "失败次数过多，请 15 分钟后再试"


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
        session.close()


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


class StaffLookup:
    """Who a session cookie or an API token belongs to, read afresh on every request.

    It runs on the event loop through a connection of its own (a one-connection pool
    that only the loop uses, so it never waits for another request), which leaves each
    request one hand-off to the thread pool, the handler's. Reading on the request's
    own session instead would hold a pooled connection while the request waits for a
    worker thread: with more clients than connections that deadlocks.
    """

    def __init__(self, engine: Engine):
        self.engine = make_engine(engine.url.render_as_string(hide_password=False), connections=1)

    def by_username(self, username: str) -> Actor | None:
        with self.engine.connect() as connection:
            return accounts.active_actor(connection, username=username)

    def by_token(self, token: str) -> Actor | None:
        with self.engine.connect() as connection:
            return accounts.token_actor(connection, token=token)

    def close(self) -> None:
        self.engine.dispose()


async def current_actor(request: Request) -> Actor:
    """The staff member behind this request, from an API token or the session cookie."""
    lookup: StaffLookup = request.app.state.staff_lookup
    token = _bearer(request)
    if token is not None:
        actor = lookup.by_token(token)
        if actor is None:
            raise LoginRequired("接口令牌无效或已吊销")
    else:
        username = request.session.get(SESSION_USER) if "session" in request.scope else None
        actor = lookup.by_username(username) if username else None
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
        raise errors.Forbidden("表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试", code="csrf-failed")


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
