"""`make demo PORT=… HOST=…` serves the demo there, and prints that address on the guides."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
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


def demo_line(*assignments: str) -> str:
    dry = subprocess.run(["make", "-n", "demo", "VENV=/nonexistent-venv", *assignments], cwd=ROOT,
                         env={k: v for k, v in os.environ.items() if k != "ONEVISIT_PUBLIC_BASE_URL"},
                         capture_output=True, text=True, timeout=30, check=True)
    return next(line for line in dry.stdout.splitlines() if "service.py demo" in line)


def test_the_demos_text_messages_link_to_the_port_it_will_be_served_at(tmp_path):
    """The history's messages are written before `serve` starts: their status link names PORT too."""
    line = demo_line("PORT=8417")
    args = [*line.split("service.py", 1)[1].split(), "--cases", "12"]
    env = {k: v for k, v in os.environ.items() if k not in ("ONEVISIT_PUBLIC_BASE_URL", "DATABASE_URL")}
    env |= {"DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite'}", "ONEVISIT_SMS_FILE": str(tmp_path / "sms.jsonl")}
    subprocess.run([sys.executable, str(ROOT / "service.py"), *[a for a in args if a != "--reset"]], cwd=ROOT,
                   env=env, capture_output=True, text=True, timeout=300, check=True)
    texts = [json.loads(row)["text"] for row in (tmp_path / "sms.jsonl").read_text(encoding="utf-8").splitlines()]
    links = [t for t in texts if "http" in t]
    assert links and all("127.0.0.1:8417/" in t for t in links), links[:3]
