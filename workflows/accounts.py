"""Staff accounts, service windows and API tokens.

Passwords are hashed with argon2 (argon2-cffi). Failed logins are counted per
account in the database, so the lock holds across workers and machines.
API tokens are stored only as a SHA-256 digest; the token itself is shown once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
import sqlalchemy as sa
from sqlalchemy import JSON, Column
from sqlalchemy.engine import Connection
from sqlmodel import Field, Session, SQLModel, col, select

from workflows import errors
from workflows.db import core_table
from workflows.definition import STAFF_ROLES
from workflows.office import SYSTEM, Actor

MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 15
_hasher = PasswordHasher()
# Verified against when the username is unknown, so both paths cost the same.
_DUMMY_HASH = _hasher.hash("onevisit-timing-equaliser")


class ServiceWindow(SQLModel, table=True):
    __tablename__ = "service_windows"

    code: str = Field(primary_key=True, max_length=64)
    name: str = Field(max_length=128)
    comprehensive: bool = False  # 综合窗口: takes every matter
    matters: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class StaffUser(SQLModel, table=True):
    __tablename__ = "staff_users"

    username: str = Field(primary_key=True, max_length=64)
    display_name: str = Field(max_length=64)
    password_hash: str = Field(max_length=255)
    roles: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    window: str | None = Field(default=None, foreign_key="service_windows.code", max_length=64)
    department: str = Field(default="", max_length=64)
    active: bool = True
    failed_logins: int = 0
    locked_until: dt.datetime | None = None
    created_at: dt.datetime


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_tokens"

    id: int | None = Field(default=None, primary_key=True)
    digest: str = Field(max_length=64, unique=True)
    username: str = Field(foreign_key="staff_users.username", max_length=64)
    label: str = Field(max_length=128)
    created_by: str = Field(max_length=64)
    created_at: dt.datetime
    revoked_at: dt.datetime | None = None


def actor_of(user: StaffUser) -> Actor:
    return Actor(user.username, frozenset(user.roles), window=user.window, name=user.display_name)


def staff_names(session: Session, usernames: Iterable[str]) -> dict[str, str]:
    """Display names by username, for showing staff by name (the system sweep is 系统)."""
    wanted = sorted(set(usernames))
    query = select(StaffUser.username, StaffUser.display_name).where(sa.column("username").in_(wanted))
    rows = session.exec(query).all() if wanted else []
    return {"system": SYSTEM.name} | {username: name or username for username, name in rows}


def add_window(*, session: Session, code: str, name: str, comprehensive: bool = False,
               matters: list[str] | None = None) -> ServiceWindow:
    window = session.get(ServiceWindow, code) or ServiceWindow(code=code, name=name)
    window.name, window.comprehensive, window.matters = name, comprehensive, list(matters or [])
    session.add(window)
    session.commit()
    return window


def add_user(*, session: Session, username: str, password: str, roles: list[str], display_name: str = "",
             window: str | None = None, department: str = "", now: dt.datetime) -> StaffUser:
    bad = [r for r in roles if r not in STAFF_ROLES]
    if not roles or bad:
        raise errors.BadInput(f"岗位须为 {', '.join(STAFF_ROLES)} 之一", field="roles")
    if len(password) < 10:
        raise errors.BadInput("密码至少 10 位", field="password")
    if session.get(StaffUser, username) is not None:
        raise errors.UserExists(f"用户 {username} 已存在", field="username")
    if window is not None and session.get(ServiceWindow, window) is None:
        raise errors.BadInput(f"窗口 {window} 不存在", field="window")
    user = StaffUser(username=username, display_name=display_name or username, password_hash=_hasher.hash(password),
                     roles=list(roles), window=window, department=department, created_at=now)
    session.add(user)
    session.commit()
    return user


def set_active(*, session: Session, username: str, active: bool) -> StaffUser:
    user = session.get(StaffUser, username)
    if user is None:
        raise errors.NotFound(f"用户 {username} 不存在")
    user.active = active
    session.add(user)
    session.commit()
    return user


def list_users(session: Session) -> list[StaffUser]:
    return list(session.exec(select(StaffUser).order_by(StaffUser.username)))


def authenticate(*, session: Session, username: str, password: str, now: dt.datetime) -> StaffUser:
    """The user, or `login-failed` / `login-locked`; repeated failures lock the account for a while."""
    user = session.get(StaffUser, username)
    if user is None or not user.active:
        _verify(_DUMMY_HASH, password)
        raise errors.LoginFailed()
    if user.locked_until and _aware(user.locked_until) > now:
        raise errors.LoginLocked()
    if not _verify(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILED_LOGINS:
            user.locked_until, user.failed_logins = now + dt.timedelta(minutes=LOCK_MINUTES), 0
        session.add(user)
        session.commit()
        raise errors.LoginFailed()
    if user.failed_logins or user.locked_until:
        user.failed_logins, user.locked_until = 0, None
        session.add(user)
        session.commit()
    return user


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def issue_token(*, session: Session, username: str, label: str, admin: Actor, now: dt.datetime) -> str:
    if not admin.has("admin"):
        raise errors.Forbidden("只有系统管理员可以签发接口令牌")
    if session.get(StaffUser, username) is None:
        raise errors.NotFound(f"用户 {username} 不存在")
    token = "ov_" + secrets.token_urlsafe(32)
    session.add(ApiToken(digest=_digest(token), username=username, label=label, created_by=admin.username,
                         created_at=now))
    session.commit()
    return token


def revoke_token(*, session: Session, token_id: int, admin: Actor, now: dt.datetime) -> ApiToken:
    if not admin.has("admin"):
        raise errors.Forbidden("只有系统管理员可以吊销接口令牌")
    row = session.get(ApiToken, token_id)
    if row is None:
        raise errors.NotFound("令牌不存在")
    row.revoked_at = row.revoked_at or now
    session.add(row)
    session.commit()
    return row


# Who is asking, read on every request: prebuilt Core statements returning only what an Actor holds.
STAFF = core_table(StaffUser)
TOKENS = core_table(ApiToken)
_ACTOR_COLUMNS = (STAFF.c.username, STAFF.c.roles, STAFF.c.window, STAFF.c.display_name)
_ACTIVE_USER = sa.select(*_ACTOR_COLUMNS).where(STAFF.c.username == sa.bindparam("username"),
                                                STAFF.c.active == sa.true())
_TOKEN_USER = (sa.select(*_ACTOR_COLUMNS).join(TOKENS, TOKENS.c.username == STAFF.c.username)
               .where(TOKENS.c.digest == sa.bindparam("digest"), TOKENS.c.revoked_at.is_(None),
                      STAFF.c.active == sa.true()))


# A row of _ACTOR_COLUMNS: username, roles, window, display_name.
def _actor_row(row: sa.Row[Any, Any, Any, Any] | None) -> Actor | None:
    return None if row is None else Actor(row.username, frozenset(row.roles), window=row.window, name=row.display_name)


def active_actor(connection: Connection, *, username: str) -> Actor | None:
    """The active member of staff with this username; None when unknown or disabled."""
    return _actor_row(connection.execute(_ACTIVE_USER, {"username": username}).first())


def token_actor(connection: Connection, *, token: str) -> Actor | None:
    """The active member of staff behind an API token; None when unknown, revoked or the user is disabled."""
    return _actor_row(connection.execute(_TOKEN_USER, {"digest": _digest(token)}).first())


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def list_tokens(session: Session) -> list[ApiToken]:
    """Every token ever issued, newest first; revoked ones stay listed for the record."""
    return list(session.exec(select(ApiToken).order_by(col(ApiToken.id).desc())))


def token_record(*, session: Session, token: str) -> ApiToken | None:
    """The stored row of a token (by its digest), e.g. to report the id of one just issued."""
    return session.exec(select(ApiToken).where(ApiToken.digest == _digest(token))).first()
