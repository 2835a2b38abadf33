"""Helpers for the page tests: staff accounts in the database, logging in, reading HTML by structure."""

from __future__ import annotations

import datetime as dt
from functools import cache

from bs4 import BeautifulSoup, Tag
from sqlmodel import Session

from tests.support import STAFF
from workflows import accounts

NOW = dt.datetime(2026, 11, 25, 1, 30, tzinfo=dt.UTC)
ROLES = ("clerk", "reviewer", "approver", "auditor", "admin", "inspector")
USER_OF_ROLE = {"clerk": STAFF.clerk, "reviewer": STAFF.reviewer, "approver": STAFF.approver,
                "auditor": STAFF.auditor, "admin": STAFF.admin, "inspector": STAFF.inspector,
                "clerk2": STAFF.clerk2}  # the clerk of W02, the window that is not comprehensive


def password_of(username: str) -> str:
    return f"pw-{username}-0123456789"


@cache
def _hash(password: str) -> str:
    # argon2 is deliberately slow; hash each test password once per run.
    return accounts._hasher.hash(password)


def add_staff(session: Session) -> None:
    """Windows W01 (综合窗口) and W02, and the accounts of tests.support.STAFF."""
    accounts.add_window(session=session, code="W01", name="综合窗口", comprehensive=True)
    accounts.add_window(session=session, code="W02", name="交通运输专窗", matters=["road-freight-licence"])
    for actor in (STAFF.clerk, STAFF.clerk2, STAFF.reviewer, STAFF.approver, STAFF.auditor, STAFF.admin,
                  STAFF.inspector):
        session.add(accounts.StaffUser(username=actor.username, display_name=actor.name,
                                       password_hash=_hash(password_of(actor.username)), roles=sorted(actor.roles),
                                       window=actor.window, created_at=NOW))
    session.commit()


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def one(node: Tag, selector: str) -> Tag:
    """The element `selector` finds under `node`; a page without it fails the test here, naming the selector."""
    found = node.select_one(selector)
    assert found is not None, f"nothing matches {selector}"
    return found


def attr(tag: Tag, name: str) -> str:
    """A single-valued attribute: BeautifulSoup types every attribute as maybe a list (as `class` is)."""
    value = tag[name]
    assert isinstance(value, str), f"{name} is multi-valued: {value}"
    return value


def csrf_from(client, url: str = "/login") -> str:
    return attr(one(soup(client.get(url)), "input[name=csrf]"), "value")


def login(client, username: str, password: str | None = None):
    token = csrf_from(client, "/login")
    return client.post("/login", data={"csrf": token, "username": username,
                                       "password": password if password is not None else password_of(username)},
                       follow_redirects=False)


def login_as(client, role: str) -> None:
    response = login(client, USER_OF_ROLE[role].username)
    assert response.status_code == 303, response.text


def action_buttons(page: BeautifulSoup) -> dict[str, bool]:
    """trigger → whether its button is enabled, for every action form on a case page."""
    out = {}
    for form in page.select("form.action"):
        button = one(form, "button[type=submit]")
        out[attr(form, "data-trigger")] = not button.has_attr("disabled")
    return out


def error_code(response) -> str | None:
    if response.headers.get("content-type", "").startswith("application/json"):
        return response.json().get("code")
    found = soup(response).select_one("[data-code]")
    return attr(found, "data-code") if found else None


def client_as(app, role: str | None):
    """A fresh browser for `role` (None: not logged in); close it with `.close()` or use as a context manager."""
    from fastapi.testclient import TestClient

    client = TestClient(app)
    if role is not None:
        login_as(client, role)
    return client


def post_action(client, case, trigger: str, csrf: str | None = None, **fields):
    """Submit one action form of the case page, as the browser would."""
    token = csrf if csrf is not None else csrf_from(client, f"/cases/{case.id}")
    data = {"csrf": token, "version": str(fields.pop("version", case.version)), "trigger": trigger, **fields}
    return client.post(f"/cases/{case.id}/act", data=data, follow_redirects=False)
