"""`make demo PORT=… HOST=…` serves the demo there, and prints that address on the guides."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import service

ROOT = Path(__file__).resolve().parent.parent


def serve_line(*assignments: str, env: dict[str, str] | None = None) -> str:
    """The serve command `make demo` would run (`make -n` prints the recipe without running it)."""
    assert shutil.which("make"), "the README's two commands need make"
    env = {k: v for k, v in os.environ.items() if k != "ONEVISIT_PUBLIC_BASE_URL"} | (env or {})
    dry = subprocess.run(["make", "-n", "demo", "VENV=/nonexistent-venv", *assignments], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=30, check=True)
    return next(line for line in dry.stdout.splitlines() if "service.py serve" in line)


def test_make_demo_serves_on_the_port_and_host_given():
    line = serve_line("PORT=8001", "HOST=0.0.0.0")

    assert line.split("service.py serve", 1)[1].split() == ["--host", "0.0.0.0", "--port", "8001"]
    args = service.build_parser().parse_args(line.split("service.py", 1)[1].split())
    assert (args.command, args.host, args.port) == ("serve", "0.0.0.0", 8001)
    # …and serve prints on guides and papers the address it is reached at, not the wildcard
    assert service.served_url(args.host, args.port).endswith(":8001") and "0.0.0.0" not in service.served_url(
        args.host, args.port)


def test_make_demo_serves_on_loopback_port_8000_by_default():
    line = serve_line()

    assert line.split("service.py serve", 1)[1].split() == ["--host", "127.0.0.1", "--port", "8000"]


def test_a_host_name_in_the_environment_does_not_move_the_demo():
    line = serve_line(env={"HOST": "workstation-7", "PORT": "1234"})  # tcsh exports HOST

    assert line.split("service.py serve", 1)[1].split() == ["--host", "127.0.0.1", "--port", "8000"]
