"""Papers and reports render on threads of their own (windows.render_threads).

With one thread for pages and one for renders, a paper whose rendering is held
mid-way must not stop a clerk's next request from being answered; once let go,
the paper itself arrives whole. On a shared pool of one thread the page would
wait behind the print job.
"""

import threading

import pytest
from fastapi.testclient import TestClient

import windows.guide_routes
import service
from tests.api_fixtures import create_staff
from tests.support import open_complete
from workflows.db import session as new_session

GUARD_S = 20  # only against a hang: a correct run answers at once


@pytest.fixture
def one_thread_each(database_url, clock, tmp_path):
    settings = service.Settings(database_url=database_url, secret_key="test-secret-" + "x" * 32,
                                guide_cache_dir=tmp_path / "guides", threads=1, render_threads=1)
    application = service.create_app(settings, clock=clock)
    with TestClient(application) as client:  # runs the lifespan, which sizes both pools
        yield application, client


@pytest.fixture
def held_render(monkeypatch):
    started, release = threading.Event(), threading.Event()
    real = windows.guide_routes.render_paper

    def held(**kwargs):
        started.set()
        release.wait(GUARD_S)
        return real(**kwargs)

    monkeypatch.setattr(windows.guide_routes, "render_paper", held)
    yield started, release
    release.set()


def in_thread(call) -> tuple[threading.Thread, list]:
    answer: list = []
    thread = threading.Thread(target=lambda: answer.append(call()), daemon=True)
    thread.start()
    return thread, answer


def test_a_page_is_answered_while_a_paper_is_still_rendering(one_thread_each, held_render, clock):
    app, client = one_thread_each
    started, release = held_render
    headers = {"Authorization": f"Bearer {create_staff(app.state.engine, clock())['clerk']}"}
    with new_session(app.state.engine) as session:
        case_id = open_complete(session, app.state.office, "road-freight-licence").id

    printing, paper = in_thread(lambda: client.get(f"/papers/{case_id}/receipt.pdf", headers=headers))
    assert started.wait(GUARD_S), "the paper never started rendering"
    reading, page = in_thread(lambda: client.get(f"/api/cases/{case_id}", headers=headers))
    reading.join(GUARD_S)

    assert page and page[0].status_code == 200 and page[0].json()["id"] == case_id
    assert printing.is_alive() and not paper  # still held: the page did not wait for it
    release.set()
    printing.join(GUARD_S)
    assert paper[0].status_code == 200 and paper[0].headers["content-type"] == "application/pdf"
    assert paper[0].content.startswith(b"%PDF")
