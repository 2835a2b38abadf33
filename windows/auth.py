"""Who is asking: staff sessions (signed cookie) for pages, bearer tokens for the API.

Every route declares the roles it serves with `require_roles(...)`; the check
runs on the server for every request. Forms carry a per-session CSRF token.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Callable

from fastapi import Depends, Request
from sqlmodel import Session

from workflows import accounts, errors
from workflows.db import session as new_session
from workflows.office import Actor

SESSION_USER = "user"
SESSION_CSRF = "csrf"


class LoginRequired(errors.DomainError):
    code = "login-required"
    message = "请先登录"


def db(request: Request):
    """A database session for one request."""
    with new_session(request.app.state.engine) as s:
        yield s


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def current_actor(request: Request, session: Session = Depends(db)) -> Actor:
    """The staff member behind this request, from an API token or the session cookie."""
    token = _bearer(request)
    if token is not None:
        user = accounts.user_for_token(session=session, token=token)
        if user is None:
            raise LoginRequired("接口令牌无效或已吊销")
        return accounts.actor_of(user)
    username = request.session.get(SESSION_USER) if "session" in request.scope else None
    user = session.get(accounts.StaffUser, username) if username else None
    if user is None or not user.active:
        raise LoginRequired()
    return accounts.actor_of(user)


def require_roles(*roles: str) -> Callable[..., Actor]:
    """A dependency that lets through only staff holding one of `roles`."""
    allowed = frozenset(roles)

    def dependency(actor: Actor = Depends(current_actor)) -> Actor:
        if not actor.roles & allowed:
            raise errors.Forbidden("您的岗位无权访问此页面或接口")
        return actor

    return dependency


def csrf_token(request: Request) -> str:
    token = request.session.get(SESSION_CSRF)
    if not token:
        token = request.session[SESSION_CSRF] = secrets.token_urlsafe(32)
    return token


def check_csrf(request: Request, submitted: str | None) -> None:
    expected = request.session.get(SESSION_CSRF, "")
    if not expected or not submitted or not hmac.compare_digest(expected, submitted):
        raise errors.Forbidden("表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试", code="csrf-failed")
