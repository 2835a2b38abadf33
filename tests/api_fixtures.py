"""Shared by the tests/test_api_*.py files: staff accounts with API tokens, and request bodies.

The accounts are created through workflows.accounts, and the tokens issued by
an admin through the same function the admin endpoint uses.
"""

from __future__ import annotations

import pytest

from tests.support import CREDIT_CODE, STAFF
from workflows import accounts, cases, errors
from workflows.db import session as new_session
from workflows.intake import required

PASSWORD = "counter-pass-2026"
USERS = {
    # role key → (username, roles, window)
    "clerk": (STAFF.clerk.username, ["clerk"], "W01"),
    "clerk2": (STAFF.clerk2.username, ["clerk"], "W02"),
    "reviewer": (STAFF.reviewer.username, ["reviewer"], None),
    "approver": (STAFF.approver.username, ["approver"], None),
    "auditor": (STAFF.auditor.username, ["auditor"], None),
    "admin": (STAFF.admin.username, ["admin"], None),
    "integrator": ("integrator", ["admin", "clerk"], "W01"),
}
ADDRESS = "浙江省嘉兴市南湖区中山东路1号"


def create_staff(engine, now) -> dict[str, str]:
    """Windows W01/W02, one account per entry of USERS, and a token for each; returns role key → token.

    The first account goes through accounts.add_user; the others reuse its argon2
    hash, which costs ~0.4 s to compute on this machine and says nothing new per user.
    """
    with new_session(engine) as s:
        accounts.add_window(session=s, code="W01", name="交通运输综合窗口", comprehensive=False)
        accounts.add_window(session=s, code="W02", name="水运窗口", comprehensive=False)
        (first, *others) = USERS.values()
        hashed = accounts.add_user(session=s, username=first[0], password=PASSWORD, roles=first[1], window=first[2],
                                   display_name=first[0], now=now).password_hash
        for username, roles, window in others:
            s.add(accounts.StaffUser(username=username, display_name=username, password_hash=hashed, roles=roles,
                                     window=window, created_at=now))
        s.commit()
        admin = accounts.actor_of(s.get_one(accounts.StaffUser, STAFF.admin.username))
        return {key: accounts.issue_token(session=s, username=username, label=f"tests {key}", admin=admin, now=now)
                for key, (username, _, _) in USERS.items()}


@pytest.fixture
def tokens(app, clock):
    return create_staff(app.state.engine, clock())


@pytest.fixture
def as_role(tokens):
    """as_role["clerk"] → the headers of a request by the clerk."""
    return {key: {"Authorization": f"Bearer {token}"} for key, token in tokens.items()}


def case_body(office, code: str = "road-freight-licence", *, missing: tuple[str, ...] = (), data: dict | None = None,
              delivery: str = "mail", channel: str = "window", name: str = "嘉兴市顺达物流有限公司") -> dict:
    """A POST /api/cases body: every required material handed in except `missing`."""
    definition = office.catalogue.get(code).definition
    data = {**{p.field: p.equals for p in definition.preconditions}, **(data or {})}
    try:
        typed = cases.coerce_data(definition, data)  # as the case will hold it: an unanswered yes/no is no
    except errors.BadInput:
        typed = data  # a test of bad data: the service refuses it before the materials matter
    materials = {m.id: {"status": "missing" if m.id in missing else "ok"}
                 for m in definition.materials if required(m, typed) or m.id in missing}
    return {
        "matter_code": code,
        "applicant": {"kind": "company", "name": name, "id_no": CREDIT_CODE, "phone": "13900005678"},
        "channel": channel,
        "delivery_method": delivery,
        "delivery_address": ADDRESS if delivery == "mail" else None,
        "data": data,
        "materials": materials,
    }


def open_case(client, headers, office, **kwargs) -> dict:
    response = client.post("/api/cases", json=case_body(office, **kwargs), headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def act(client, headers, case: dict, trigger: str, **fields):
    """POST one action on the version of `case` the caller holds; returns the raw response."""
    return client.post(f"/api/cases/{case['id']}/actions/{trigger}",
                       json={"expected_version": case["version"], **fields}, headers=headers)


def act_ok(client, headers, case: dict, trigger: str, **fields) -> dict:
    response = act(client, headers, case, trigger, **fields)
    assert response.status_code == 200, response.text
    return response.json()


def triggers(case: dict) -> dict[str, str | None]:
    """The actions offered to the caller, trigger → blocked reason (None when it may be taken)."""
    return {a["trigger"]: a["blocked"] for a in case["actions"]}


def allowed(case: dict) -> set[str]:
    """The triggers the caller may take now (offered and not held back by a rule)."""
    return {a["trigger"] for a in case["actions"] if a["blocked"] is None}
