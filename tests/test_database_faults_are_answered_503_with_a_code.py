"""A database that refuses connections, is full, or loses a transaction is answered with a coded 503 (507
for a full disk) and a Retry-After header, in JSON for the API and as a Chinese error page for a browser;
never a bare 500. A transition that did not commit says so, and the case is as it was."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import make_url

import service
from tests.api_fixtures import PASSWORD, act, as_role, create_staff, open_case, tokens  # noqa: F401
from tests.conftest import ON_POSTGRES
from tests.page_helpers import attr, error_code, login, one, soup
from tests.support import STAFF, stored
from tests.tcp_proxy import TcpProxy
from workflows.db import make_engine

needs_postgres = pytest.mark.skipif(not ON_POSTGRES, reason="needs TEST_DATABASE_URL (a PostgreSQL server)")
SECRET = "test-secret-" + "x" * 32
FULL_REASON = "申请人自愿撤回申请，" * 50  # 500 characters: its event needs a page of its own


def assert_coded(response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert error_code(response) == code
    assert int(response.headers["retry-after"]) > 0


def assert_error_page(response, status: int, code: str) -> None:
    assert_coded(response, status, code)
    assert response.headers["content-type"].startswith("text/html")
    message = one(soup(response), "p.msg.error[data-code]")
    assert attr(message, "data-code") == code and "数据库" in message.get_text()


# ---- a transaction lost before its COMMIT (both databases) ---------------------------------

def close_the_connection(*, session, **_):
    session.connection().connection.dbapi_connection.close()


def accept_losing_the_transaction(client, app, as_role, case, lose) -> None:
    """Accept with `lose` run just before COMMIT: 503 transaction-lost, the case as it was, and the same request
    tried again succeeds."""
    before = stored(app.state.engine, case["id"])
    app.state.office.before_commit.append(lose)
    try:
        response = act(client, as_role["clerk"], case, "accept")
    finally:
        app.state.office.before_commit.remove(lose)
    assert_coded(response, 503, "transaction-lost")
    assert "未保存" in response.json()["message"]
    assert stored(app.state.engine, case["id"]) == before
    assert act(client, as_role["clerk"], case, "accept").status_code == 200


def test_a_transition_whose_connection_dies_answers_transaction_lost_and_changes_nothing(client, app, as_role):
    case = open_case(client, as_role["clerk"], app.state.office)
    accept_losing_the_transaction(client, app, as_role, case, close_the_connection)


# ---- a full disk (SQLite) --------------------------------------------------------------------

def fill_the_database(path: str, ballast_case: int) -> int:
    """Let the file grow no further, as on a full disk, once other events have taken the room left in it.

    Returns the size it is held to, in pages. The ballast is events of another case, written
    until not even a small one fits.
    """
    with sqlite3.connect(path) as conn:
        conn.execute("VACUUM")  # no free pages inside the file
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")
        columns = [row[1] for row in conn.execute("PRAGMA table_info(case_events)") if row[1] != "id"]
        copied = ", ".join(c if c not in ("seq", "payload") else f":{c}" for c in columns)
        insert = (f"INSERT INTO case_events ({', '.join(columns)}) SELECT {copied} FROM case_events "
                  "WHERE case_id = :case AND seq = 1")
        seq = 100
        for size in (2000, 500, 100, 10, 0):
            try:
                while True:
                    seq += 1
                    conn.execute(insert, {"case": ballast_case, "seq": seq, "payload": f'"{"x" * size}"'})
            except sqlite3.OperationalError as full:
                assert "full" in str(full)
        return pages


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite's own full database")
def test_a_full_sqlite_database_answers_database_full_and_changes_nothing(client, app, as_role):
    case = open_case(client, as_role["clerk"], app.state.office)
    ballast = open_case(client, as_role["clerk"], app.state.office)
    before = stored(app.state.engine, case["id"])
    engine = app.state.engine
    engine.dispose()
    pages = fill_the_database(make_url(str(engine.url)).database, ballast["id"])
    event.listen(engine, "connect", lambda dbapi, _: dbapi.execute(f"PRAGMA max_page_count = {pages}"))
    engine.dispose()  # every connection from now on sees the full disk

    api = act(client, as_role["clerk"], case, "withdraw", reason=FULL_REASON)
    client.get("/login")
    login(client, STAFF.clerk.username, PASSWORD)
    csrf = soup(client.get(f"/cases/{case['id']}")).find("input", attrs={"name": "csrf"})["value"]
    page = client.post(f"/cases/{case['id']}/act", follow_redirects=False,
                       data={"csrf": csrf, "version": case["version"], "trigger": "withdraw", "reason": FULL_REASON})

    assert_coded(api, 507, "database-full")
    assert_error_page(page, 507, "database-full")
    assert stored(engine, case["id"]) == before


# ---- PostgreSQL refusing connections, and killing them ---------------------------------------

@pytest.fixture
def proxied_app(database_url, clock, tmp_path):
    """An app whose every database connection goes through a TcpProxy to the real server."""
    server = make_url(database_url)
    proxy = TcpProxy(server.host, server.port or 5432)
    url = server.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    settings = service.Settings(database_url=url, secret_key=SECRET, guide_cache_dir=tmp_path / "guides",
                                db_connect_timeout=2, db_statement_timeout=1, db_pool_timeout=2)
    application = service.create_app(settings, clock=clock)
    application.state.proxy = proxy
    yield application
    proxy.close()
    service.close_app(application)


@needs_postgres
def test_a_refused_database_answers_api_and_pages_503_and_public_pages_still_answer(proxied_app, clock):
    from fastapi.testclient import TestClient

    headers = {"Authorization": f"Bearer {create_staff(proxied_app.state.engine, clock())['clerk']}"}
    with TestClient(proxied_app) as browser:
        assert login(browser, STAFF.clerk.username, PASSWORD).status_code == 303
        assert browser.get("/api/queue", headers=headers).status_code == 200
        proxied_app.state.proxy.refuse()

        assert_coded(browser.get("/api/queue", headers=headers), 503, "database-unavailable")
        assert_error_page(browser.get("/queue"), 503, "database-unavailable")
        assert browser.get("/public").status_code == 200


def terminate_the_apps_backends(database_url: str) -> int:
    name = make_url(database_url).database
    killer = make_engine(database_url)
    with killer.connect() as conn:
        killed = conn.execute(text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                   "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": name}).scalar_one()
    killer.dispose()
    return killed


def terminate_this_backend(*, session, **_):
    pid = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
    killer = make_engine(session.get_bind().url.render_as_string(hide_password=False))
    with killer.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    killer.dispose()


@needs_postgres
def test_terminated_backends_are_replaced_and_a_transition_killed_midway_says_it_was_not_saved(
        client, app, as_role, database_url):
    case = open_case(client, as_role["clerk"], app.state.office)
    assert client.get(f"/api/cases/{case['id']}", headers=as_role["clerk"]).status_code == 200

    assert terminate_the_apps_backends(database_url) >= 1  # the pooled connections the requests used
    assert client.get(f"/api/cases/{case['id']}", headers=as_role["clerk"]).status_code == 200  # reconnected

    accept_losing_the_transaction(client, app, as_role, case, terminate_this_backend)
