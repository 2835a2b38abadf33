"""A PostgreSQL server that accepts connections and then stops answering fails each request with 503
within the configured bounds, and never freezes the worker: `/public`, which reads no database, answers
at once meanwhile. The server sits behind a real TCP proxy that stops passing bytes on cue."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from sqlalchemy.engine import make_url

import service
from tests.api_fixtures import PASSWORD, create_staff
from tests.conftest import ON_POSTGRES
from tests.page_helpers import error_code
from tests.support import STAFF
from tests.tcp_proxy import TcpProxy

pytestmark = pytest.mark.skipif(not ON_POSTGRES, reason="needs TEST_DATABASE_URL (a PostgreSQL server)")
BOUND_S = 15  # pool 2 s + connect 2 s + an answer 1 + 2 s, with room for the requests queued behind


@pytest.fixture
def stalling_app(database_url, clock, tmp_path):
    server = make_url(database_url)
    proxy = TcpProxy(server.host, server.port or 5432)
    url = server.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    settings = service.Settings(database_url=url, secret_key="test-secret-" + "x" * 32,
                                guide_cache_dir=tmp_path / "guides", threads=2,
                                db_connect_timeout=2, db_statement_timeout=1, db_pool_timeout=2)
    application = service.create_app(settings, clock=clock)
    yield application, proxy
    proxy.close()
    service.close_app(application)


async def timed(client: httpx.AsyncClient, url: str, **kw) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = await client.get(url, **kw)
    return response, time.monotonic() - started


async def while_stalled(app, proxy, headers: dict, cookies: httpx.Cookies):
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver", cookies=cookies) as client:
        assert (await client.get("/api/queue", headers=headers)).status_code == 200
        proxy.stall()
        stuck = [asyncio.create_task(timed(client, "/api/queue", headers=headers)) for _ in range(3)]
        stuck.append(asyncio.create_task(timed(client, "/queue")))
        await asyncio.sleep(0.5)  # the database requests are waiting on the silent server
        public = await timed(client, "/public")
        return public, await asyncio.gather(*stuck)


def test_requests_fail_with_503_in_bounded_time_and_public_pages_answer_meanwhile(stalling_app, clock):
    from fastapi.testclient import TestClient

    app, proxy = stalling_app
    headers = {"Authorization": f"Bearer {create_staff(app.state.engine, clock())['clerk']}"}
    with TestClient(app) as browser:  # a logged-in browser's session cookie
        form = browser.get("/login").text
        csrf = form.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        assert browser.post("/login", data={"csrf": csrf, "username": STAFF.clerk.username, "password": PASSWORD},
                            follow_redirects=False).status_code == 303
        cookies = httpx.Cookies(browser.cookies)

    (public, public_s), stuck = asyncio.run(while_stalled(app, proxy, headers, cookies))

    assert public.status_code == 200 and public_s < 2, f"/public took {public_s:.1f} s"
    for response, seconds in stuck:
        assert response.status_code == 503, response.text
        assert error_code(response) in ("database-unavailable", "database-busy")
        assert seconds < BOUND_S, f"answered after {seconds:.1f} s"
