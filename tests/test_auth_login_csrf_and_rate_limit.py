"""Login: session cookie flags, CSRF, per-account lock, per-address rate limit, safe redirects, demo passwords."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.page_helpers import add_staff, csrf_from, error_code, login, password_of
from workflows.demo_users import DEMO_USERS, create_demo_users
from tests.page_helpers import NOW


@pytest.fixture
def staffed(session):
    add_staff(session)


def test_login_sets_an_httponly_samesite_cookie_and_logout_ends_the_session(client, staffed):
    response = login(client, "clerk1")
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = response.headers["set-cookie"].lower()
    assert "onevisit_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    assert client.get("/queue").status_code == 200
    token = csrf_from(client, "/queue")
    assert client.post("/logout", data={"csrf": token}, follow_redirects=False).status_code == 303
    response = client.get("/queue", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login?next=/queue"


def test_a_wrong_password_shows_the_form_again(client, staffed):
    response = login(client, "clerk1", "wrong-password-123")
    assert response.status_code == 401 and error_code(response) == "login-failed"
    assert client.get("/queue", follow_redirects=False).status_code == 303


def test_login_without_the_csrf_token_is_refused(client, staffed):
    client.get("/login")
    response = client.post("/login", data={"username": "clerk1", "password": password_of("clerk1")})
    assert response.status_code == 403 and error_code(response) == "csrf-failed"


def test_five_failures_lock_the_account_even_for_the_right_password(client, staffed):
    for _ in range(5):
        assert login(client, "clerk1", "wrong-password-123").status_code == 401
    response = login(client, "clerk1")
    assert response.status_code == 403 and error_code(response) == "login-locked"


def test_failures_across_usernames_from_one_address_are_rate_limited(app, clock, staffed):
    attacker = TestClient(app, client=("203.0.113.7", 40000))
    for n in range(10):
        assert login(attacker, f"guess{n}", "password-guess").status_code == 401
    blocked = login(attacker, "clerk1")
    assert blocked.status_code == 429 and error_code(blocked) == "too-many-attempts"
    colleague = TestClient(app, client=("10.1.1.20", 40000))
    assert login(colleague, "reviewer1").status_code == 303
    clock.advance(minutes=16)
    assert login(attacker, "clerk1").status_code == 303


def test_the_address_limit_holds_across_workers_sharing_the_database(app, database_url, clock, staffed, tmp_path):
    import service

    second_worker = service.create_app(service.Settings(database_url=database_url, secret_key="w" * 40,
                                                        guide_cache_dir=tmp_path / "g2"), clock=clock)
    try:
        first = TestClient(app, client=("203.0.113.9", 40000))
        second = TestClient(second_worker, client=("203.0.113.9", 40001))
        for n in range(5):  # ten failures from one address, split between two workers
            assert login(first, f"guess{n}", "password-guess").status_code == 401
            assert login(second, f"other{n}", "password-guess").status_code == 401
        for worker in (first, second):
            blocked = login(worker, "clerk1")
            assert blocked.status_code == 429 and error_code(blocked) == "too-many-attempts"
    finally:
        service.close_app(second_worker)


def test_the_next_parameter_cannot_leave_the_site(client, staffed):
    token = csrf_from(client, "/login?next=//evil.example/x")
    response = client.post("/login", data={"csrf": token, "username": "clerk1", "password": password_of("clerk1"),
                                           "next": "//evil.example/x"}, follow_redirects=False)
    assert response.headers["location"] == "/"


def test_the_login_returns_to_the_page_asked_for(client, staffed):
    token = csrf_from(client, "/login?next=/search")
    response = client.post("/login", data={"csrf": token, "username": "clerk1", "password": password_of("clerk1"),
                                           "next": "/search"}, follow_redirects=False)
    assert response.headers["location"] == "/search"


def test_demo_users_log_in_with_their_published_passwords(client, session):
    create_demo_users(session, NOW)
    assert create_demo_users(session, NOW) == []  # a second run leaves existing accounts alone
    for user in DEMO_USERS:
        assert login(client, user.username, user.password).status_code == 303
        client.cookies.clear()


PRODUCTION_PROFILE = Path(__file__).parent / "fixtures" / "office-production.yaml"


def test_demo_passwords_are_refused_in_production(database_url, clock, session, tmp_path):
    import service

    settings = service.Settings(database_url=database_url, secret_key="p" * 40, production=True,
                                office_profile=PRODUCTION_PROFILE, guide_cache_dir=tmp_path / "g",
                                sms_file_in_production=True)
    app = service.create_app(settings, clock=clock)  # its start writes the profile's windows the users work at
    create_demo_users(session, NOW)
    with TestClient(app, base_url="https://testserver") as browser:
        assert "secure" in browser.get("/login").headers["set-cookie"].lower()
        response = login(browser, "clerk", "onevisit-clerk")
        assert response.status_code == 403 and error_code(response) == "demo-password"
    service.close_app(app)


@pytest.mark.parametrize("role, home", [("clerk", "/queue"), ("reviewer", "/queue"), ("approver", "/queue"),
                                        ("auditor", "/audit"), ("admin", "/audit"), (None, "/public")])
def test_the_home_page_sends_each_role_to_its_work(app, staffed, role, home):
    from tests.page_helpers import client_as

    with client_as(app, role) as browser:
        response = browser.get("/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == home


def test_a_disabled_account_loses_its_open_session(client, session, staffed):
    from workflows import accounts

    assert login(client, "clerk1").status_code == 303
    accounts.set_active(session=session, username="clerk1", active=False)
    response = client.get("/queue", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
    assert login(client, "clerk1").status_code == 401


def test_pages_cannot_be_framed_or_sniffed(client):
    headers = client.get("/login").headers
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
