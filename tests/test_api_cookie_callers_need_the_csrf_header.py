"""A browser's staff session may call the API, but state changes need the session's CSRF token in a header."""

import base64
import json

import pytest
from itsdangerous import TimestampSigner

from tests.api_fixtures import act, as_role, case_body, open_case, tokens  # noqa: F401

CSRF = "csrf-token-of-this-session"


@pytest.fixture
def browser(app, client, tokens):
    """The test client carrying a signed staff session cookie for clerk1, as after a login."""
    data = base64.b64encode(json.dumps({"user": "clerk1", "csrf": CSRF}).encode())
    cookie = TimestampSigner(app.state.settings.secret_key).sign(data).decode()
    client.cookies.set("onevisit_session", cookie)
    return client


def test_cookie_session_reads_without_csrf(browser):
    assert browser.get("/api/queue").status_code == 200
    assert browser.get("/api/matters").status_code == 200


def test_cookie_session_post_without_or_with_wrong_csrf_header_is_403_and_opens_nothing(browser, app):
    for headers in ({}, {"X-CSRF-Token": "forged"}):
        response = browser.post("/api/cases", json=case_body(app.state.office), headers=headers)
        assert response.status_code == 403
        assert response.json()["code"] == "csrf-failed"
    assert browser.get("/api/cases").json() == []


def test_cookie_session_post_with_the_csrf_header_works(browser, app):
    response = browser.post("/api/cases", json=case_body(app.state.office), headers={"X-CSRF-Token": CSRF})
    assert response.status_code == 201
    case = response.json()
    assert act(browser, {}, case, "accept").json()["code"] == "csrf-failed"
    assert act(browser, {"X-CSRF-Token": CSRF}, case, "accept").json()["state"] == "step_review"


def test_bearer_callers_need_no_csrf_header(client, app, as_role):
    case = open_case(client, as_role["clerk"], app.state.office)
    assert act(client, as_role["clerk"], case, "accept").status_code == 200
