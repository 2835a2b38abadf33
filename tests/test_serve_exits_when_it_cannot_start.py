"""`service.py serve` that cannot start (a database file it cannot open or write, a worker that fails
at start) exits non-zero within a bounded time, says why in one line naming the cause, and leaves no
port listening with nobody to serve it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BOUND_S = 90  # worker processes import the whole app before they fail


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(env: dict, port: int, *extra: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("ONEVISIT_") and k != "DATABASE_URL"}
    return subprocess.run([sys.executable, "service.py", "serve", "--port", str(port), *extra], cwd=ROOT,
                          env=environ | env, capture_output=True, text=True, timeout=BOUND_S)


def listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def failure_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("一次办无法启动")]


def test_a_database_file_that_cannot_be_created_stops_serve_with_one_line(tmp_path):
    (tmp_path / "not-a-folder").write_text("")  # the file's folder is a regular file: nothing can create it
    database = tmp_path / "not-a-folder" / "onevisit.sqlite"
    port = free_port()

    run = serve({"DATABASE_URL": f"sqlite:///{database}"}, port)

    assert run.returncode != 0
    assert len(failure_lines(run.stderr)) == 1, run.stderr
    assert str(database) in failure_lines(run.stderr)[0]
    assert "Traceback" not in run.stderr
    assert not listening(port)


def test_workers_that_fail_at_start_stop_the_parent_with_a_non_zero_status(tmp_path):
    definitions = tmp_path / "definitions"
    definitions.mkdir()
    (definitions / "broken.yaml").write_text("code: [unclosed\n", encoding="utf-8")
    port = free_port()

    run = serve({"DATABASE_URL": f"sqlite:///{tmp_path / 'onevisit.sqlite'}",
                 "ONEVISIT_DEFINITIONS_DIR": str(definitions)}, port, "--workers", "2")

    assert run.returncode != 0
    lines = failure_lines(run.stderr)
    assert lines and all("broken.yaml" in line for line in lines), run.stderr
    assert "Traceback" not in run.stderr
    assert not listening(port)
