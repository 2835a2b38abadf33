"""An API request is answered from its handler's own worker thread.

FastAPI validates a plain endpoint's result in the thread pool a second time,
while the request still holds its database connection. With more requests in
flight than threads and pooled connections together, every thread then waited
for a connection that only a queued validation would give back, until the
pool's timeout answered 500. Here one thread and a pool of two serve eight
concurrent API reads and eight concurrent actions: all must be answered, right.
"""

import asyncio

import anyio.to_thread
import httpx
import pytest

import service
from tests.api_fixtures import create_staff
from tests.support import open_complete
from workflows.db import session as new_session

CONCURRENT = 8


@pytest.fixture
def one_thread_app(database_url, clock, tmp_path):
    settings = service.Settings(database_url=database_url, secret_key="test-secret-" + "x" * 32,
                                guide_cache_dir=tmp_path / "guides", threads=1)
    application = service.create_app(settings, clock=clock)
    yield application
    service.close_app(application)


def opened_cases(app, n: int) -> list[tuple[int, int]]:
    with new_session(app.state.engine) as session:
        return [(case.id, case.version) for case in
                (open_complete(session, app.state.office, "road-freight-licence") for _ in range(n))]


async def concurrently(app, requests) -> list[httpx.Response]:
    anyio.to_thread.current_default_thread_limiter().total_tokens = 1  # as the lifespan sets it for threads=1
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://counter") as client:
        return await asyncio.gather(*(client.request(method, url, **kw) for method, url, kw in requests))


def test_concurrent_reads_and_actions_on_one_thread_are_all_answered(one_thread_app, clock):
    headers = {"Authorization": f"Bearer {create_staff(one_thread_app.state.engine, clock())['clerk']}"}
    opened = opened_cases(one_thread_app, CONCURRENT)
    reads = [("GET", f"/api/cases/{case_id}", {"headers": headers}) for case_id, _ in opened]
    acts = [("POST", f"/api/cases/{case_id}/actions/record_visit",
             {"headers": headers, "json": {"expected_version": version, "purpose": "核验原件", "cause": "office"}})
            for case_id, version in opened]

    answers = asyncio.run(concurrently(one_thread_app, reads + acts))

    assert [a.status_code for a in answers] == [200] * (2 * CONCURRENT)
    assert [a.json()["id"] for a in answers] == [case_id for case_id, _ in opened] * 2
    assert [a.json()["visits"] for a in answers[CONCURRENT:]] == [2] * CONCURRENT
    assert all(a.headers["content-type"] == "application/json" for a in answers)
