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
from collections.abc import Awaitable, Callable

from fastapi import Depends, Request
from sqlmodel import Session
from starlette.datastructures import FormData

from workflows import accounts, errors
from windows.api_route import Later
from workflows.db import is_sqlite, session as new_session
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


def _credentials(request: Request) -> tuple[str | None, str | None]:
    """(API token, session username) as the request presents them; LoginRequired when it presents neither."""
    token = _bearer(request)
    username = request.session.get(SESSION_USER) if token is None and "session" in request.scope else None
    if token is None and not username:
        raise LoginRequired()
    return token, username


def _staff_member(request: Request, session: Session, token: str | None, username: str | None) -> Actor:
    """Who the token or the session cookie belongs to, read afresh on every request."""
    if token is not None:
        actor = accounts.token_actor(session.connection(), token=token)
        if actor is None:
            raise LoginRequired("接口令牌无效或已吊销")
    else:
        actor = accounts.active_actor(session.connection(), username=username or "")
        if actor is None:
            raise LoginRequired()
    request.state.actor = actor  # the error page shows who is logged in
    return actor


def require_roles(*roles: str) -> Callable[..., Awaitable[Later[Actor]]]:
    """A dependency that lets through only staff holding one of `roles`.

    Who presents no credentials is refused at once; whose they are is read in the
    route's worker thread (windows.api_route), through the request's own session.
    """
    allowed = frozenset(roles)

    async def dependency(request: Request, session: Session = Depends(db)) -> Later[Actor]:
        token, username = _credentials(request)

        def checked() -> Actor:
            actor = _staff_member(request, session, token, username)
            if not actor.roles & allowed:
                raise errors.Forbidden(ROLE_DENIED)
            return actor

        return Later(checked)

    def refusal(request: Request) -> errors.DomainError | None:
        """Why this caller may not use the route, if so; for a request refused for another reason first."""
        with new_session(request.app.state.engine) as session:
            try:
                actor = _staff_member(request, session, *_credentials(request))
            except LoginRequired as exc:
                return exc
        return None if actor.roles & allowed else errors.Forbidden(ROLE_DENIED)

    dependency.roles = allowed  # type: ignore[attr-defined]  # read by the route listing in tests
    dependency.refusal = refusal  # type: ignore[attr-defined]  # read by windows.api_route
    return dependency


def anyone() -> None:
    """Declares a route open to the public (no login); used as `Depends(anyone)`."""


async def optional_actor(request: Request, session: Session = Depends(db)) -> Later[Actor | None]:
    """The logged-in member of staff, or None; for pages that also serve the public."""
    try:
        token, username = _credentials(request)
    except LoginRequired:
        return Later(lambda: None)

    def member_or_none() -> Actor | None:
        try:
            return _staff_member(request, session, token, username)
        except LoginRequired:
            return None

    return Later(member_or_none)


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
