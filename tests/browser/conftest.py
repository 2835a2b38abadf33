"""A real server and a real browser: uvicorn on loopback with a fresh SQLite file,
and Debian's Chromium driven headless by Playwright (no browser download).

One server for the browser tests (each works on cases of its own); each member
of staff gets their own browser context, as if at their own desk. Accounts are the demo users, created
through workflows.accounts.
"""

from __future__ import annotations

import datetime as dt
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support import FixedClock

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@dataclass(frozen=True)
class LiveServer:
    url: str
    clock: FixedClock  # the server's clock: tests move it between the steps of a case
    app: Any  # the served application: a test may build its cases through app.state.office and .engine


@pytest.fixture(scope="package")
def live_server(tmp_path_factory):
    """The whole app served by uvicorn on 127.0.0.1 at a free port."""
    import uvicorn

    import service
    from workflows.db import session as new_session
    from workflows.demo_users import create_demo_users

    folder = tmp_path_factory.mktemp("live")
    clock = FixedClock(dt.datetime(2026, 11, 25, 1, 30, tzinfo=dt.UTC))  # Wednesday 09:30 in 嘉兴
    settings = service.Settings(database_url=f"sqlite:///{folder / 'onevisit.sqlite'}",
                                secret_key="browser-tests-" + "k" * 32, guide_cache_dir=folder / "guides")
    app = service.create_app(settings, clock=clock)
    with new_session(app.state.engine) as s:
        create_demo_users(s, clock())
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))  # the kernel picks a free port and we keep the socket: no race
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    yield LiveServer(f"http://127.0.0.1:{sock.getsockname()[1]}", clock, app)
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()
    service.close_app(app)


@pytest.fixture(scope="package")
def chromium():
    # Package scope: the browser, Playwright's event loop and the server end with the browser tests,
    # before the rest of the suite runs.
    assert CHROMIUM.exists(), "browser tests need Debian's chromium: apt-get install chromium (.ci/system-deps does)"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def desk(chromium, live_server):
    """desk("clerk") → a logged-in page in that user's own browser context."""
    from tests.browser.counter import Desk

    contexts = []

    def open_desk(username: str) -> Desk:
        context = chromium.new_context(base_url=live_server.url, locale="zh-CN",
                                       viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
        contexts.append(context)
        return Desk.log_in(context.new_page(), username)

    yield open_desk
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def clock(live_server):
    """The live server's clock, set to Wednesday 2026-11-25 09:30 in 嘉兴 at the start of each test."""
    live_server.clock.set_local(dt.date(2026, 11, 25), hour=9)
    live_server.clock.advance(minutes=30)
    return live_server.clock
