"""`service.py serve --workers N`: every worker process builds its app from the
environment, so the parent hands them one secret (a session cookie signed by one
worker must be accepted by the next) and migrates the schema once itself."""

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

import service
from workflows.db import current_revision, make_engine

ROOT = Path(service.__file__).parent


@pytest.fixture
def served(monkeypatch, tmp_path):
    """Run cmd_serve with the worker supervisor captured; returns (what it was asked, the parent's settings)."""
    calls = []
    monkeypatch.setattr(service, "_serve_workers", lambda workers, options: calls.append((workers, options)) or 0)
    monkeypatch.setattr(os, "environ", os.environ.copy())  # cmd_serve writes the environment: undo it all
    for name in ("SECRET_KEY", "ONEVISIT_SECRET_KEY", "ONEVISIT_AUTO_MIGRATE"):
        os.environ.pop(name, None)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'served.sqlite'}")
    monkeypatch.setenv("ONEVISIT_GUIDE_CACHE_DIR", str(tmp_path / "guides"))
    settings = service.Settings().checked()  # development: a secret made up for this run
    args = service.build_parser().parse_args(["serve", "--workers", "2", "--port", "8123"])
    assert service.cmd_serve(args, settings) == 0
    return calls, settings, tmp_path / "served.sqlite"


def test_workers_build_their_apps_with_the_parents_secret(served):
    calls, settings, _ = served
    (workers, options), = calls
    assert workers == 2 and options["port"] == 8123
    apps = [service.create_worker_app() for _ in range(2)]  # what each worker's factory call builds
    try:
        assert {app.state.settings.secret_key for app in apps} == {settings.secret_key}
    finally:
        for app in apps:
            service.close_app(app)


def test_the_parent_migrates_once_and_workers_do_not(served):
    _, _, database = served
    engine = make_engine(f"sqlite:///{database}")
    assert current_revision(engine) is not None
    engine.dispose()
    assert os.environ["ONEVISIT_AUTO_MIGRATE"] == "false"


def test_workers_below_one_are_refused():
    args = service.build_parser().parse_args(["serve", "--workers", "0"])
    with pytest.raises(SystemExit, match="--workers"):
        service.cmd_serve(args, service.Settings(secret_key="s" * 40))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (OSError, ValueError):
            continue
    return found


def test_two_worker_processes_serve_pages(tmp_path):
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'two.sqlite'}",
           "ONEVISIT_GUIDE_CACHE_DIR": str(tmp_path / "guides")}
    for name in ("SECRET_KEY", "ONEVISIT_SECRET_KEY", "ONEVISIT_AUTO_MIGRATE"):
        env.pop(name, None)
    with open(tmp_path / "serve.log", "w") as log:
        server = subprocess.Popen([sys.executable, "service.py", "serve", "--workers", "2", "--port", str(port)],
                                  cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log)
        try:
            answers = _poll(f"http://127.0.0.1:{port}/public", tries=120)
            assert answers.status_code == 200 and re.search(r"<h1>[^<]*办事", answers.text)
            assert len(_children(server.pid)) >= 2  # uvicorn's worker processes
        finally:
            server.terminate()
            server.wait(30)


def _poll(url: str, tries: int) -> httpx.Response:
    for _ in range(tries):
        try:
            return httpx.get(url, timeout=5)
        except httpx.TransportError:
            time.sleep(0.25)
    raise AssertionError(f"nothing answered at {url}")
