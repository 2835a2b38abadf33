"""Benchmark: the REST API over HTTP against a trivial endpoint of the same app, same run.

uvicorn serves the app in a child process on loopback (uvloop and httptools
when installed) over a SQLite database filled by `service.py demo`'s history
generator. Concurrent clients (asyncio + httpx, in this process) each loop for
a fixed time on one endpoint:

- baseline  GET /bench/ping          a route added here that returns {"ok": true}: no auth, no database
- case      GET /api/cases/{id}      bearer token, the case with materials, deadlines, events, actions
- queue     GET /api/queue           bearer token, the caller's queue (up to 100 rows)
- action    POST /api/cases/{id}/actions/record_visit   one transition per request, each client on its
            own open case, sending the version it got back last time

and the report gives requests per second, p50 and p99 latency, and each
endpoint's throughput as a share of the baseline's.

    python -m bench.api                        # 2000 demo cases, 20 clients, 5 s per endpoint
    python -m bench.api --cases 10000 --clients 20 --seconds 10
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def app_factory():
    """The real app plus one trivial route, for `uvicorn --factory` in the child process."""
    import service

    app = service.create_app(service.Settings(secret_key="bench-" + "k" * 32, auto_migrate=False))

    @app.get("/bench/ping", include_in_schema=False)
    def ping() -> dict:
        return {"ok": True}

    return app


def prepare(database_url: str, cases: int) -> str:
    """Migrate, fill with demo history, add a clerk+reviewer+approver at a 综合窗口; return its token."""
    import service
    from workflows import accounts
    from workflows.db import session
    from workflows.demo import build_demo

    engine, office = service._engine_and_office(service.Settings(database_url=database_url))
    build_demo(engine=engine, office=office, cases=cases, seed=2017)
    now = dt.datetime.now(dt.UTC)
    with session(engine) as s:
        accounts.add_window(session=s, code="BENCH", name="综合窗口", comprehensive=True)
        accounts.add_user(session=s, username="bench", password="bench-password-1", roles=["clerk", "reviewer",
                          "approver", "admin"], window="BENCH", now=now)
        admin = accounts.actor_of(s.get_one(accounts.StaffUser, "bench"))
        token = accounts.issue_token(session=s, username="bench", label="bench", admin=admin, now=now)
    engine.dispose()
    return token


@dataclass
class Result:
    name: str
    latencies: list[float]
    seconds: float
    errors: Counter  # error code → count (409 case-changed when SQLite's writer lock is busy)

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


async def load(base: str, name: str, clients: int, seconds: float, make_request) -> Result:
    latencies: list[float] = []
    errors: Counter = Counter()
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as http:
        stop = time.perf_counter() + seconds

        async def worker(n: int) -> None:
            state: dict = {}
            while time.perf_counter() < stop:
                started = time.perf_counter()
                response = await make_request(http, n, state)
                latencies.append(time.perf_counter() - started)
                if response.status_code >= 400:
                    errors[response.json().get("code", str(response.status_code))] += 1

        began = time.perf_counter()
        await asyncio.gather(*(worker(n) for n in range(clients)))
        return Result(name, latencies, time.perf_counter() - began, errors)


def scenarios(token: str, case_ids: list[int], open_cases: list[dict]):
    auth = {"Authorization": f"Bearer {token}"}

    async def ping(http, n, state):
        return await http.get("/bench/ping")

    async def case(http, n, state):
        state["i"] = state.get("i", n * 7919) + 1
        return await http.get(f"/api/cases/{case_ids[state['i'] % len(case_ids)]}", headers=auth)

    async def queue(http, n, state):
        return await http.get("/api/queue", headers=auth)

    versions = {n: (c["id"], c["version"]) for n, c in enumerate(open_cases)}  # kept from warm-up to run

    async def action(http, n, state):
        case_id, version = versions[n]
        response = await http.post(f"/api/cases/{case_id}/actions/record_visit", headers=auth,
                                   json={"expected_version": version, "purpose": "核验原件", "cause": "office"})
        if response.status_code == 200:
            versions[n] = (case_id, response.json()["version"])
        return response

    return [("baseline", ping), ("case", case), ("queue", queue), ("action", action)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(database_url: str, port: int) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url}
    command = [sys.executable, "-m", "uvicorn", "bench.api:app_factory", "--factory", "--host", "127.0.0.1",
               "--port", str(port), "--log-level", "warning", "--no-access-log"]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/bench/ping").status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("uvicorn did not start")


async def run(base: str, token: str, clients: int, seconds: float) -> list[Result]:
    auth = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base) as http:
        listed = (await http.get("/api/cases", params={"limit": 200}, headers=auth)).json()
        opened = (await http.get("/api/cases", params={"limit": 200, "open_only": "true"}, headers=auth)).json()
    if len(opened) < clients:
        raise SystemExit(f"need {clients} open cases for the action scenario, the demo has {len(opened)}")
    results = []
    for name, request in scenarios(token, [c["id"] for c in listed], opened):
        await load(base, name, clients, 1.0, request)  # warm-up: connections, caches
        results.append(await load(base, name, clients, seconds, request))
    return results


def report(results: list[Result], clients: int) -> None:
    baseline = results[0].rps
    print(f"{'endpoint':10s} {'req/s':>8s} {'p50 ms':>8s} {'p99 ms':>8s} {'share of baseline':>18s}  errors")
    for r in results:
        errors = ", ".join(f"{code} {n}" for code, n in r.errors.most_common()) or "none"
        print(f"{r.name:10s} {r.rps:8.0f} {r.pct(0.5):8.1f} {r.pct(0.99):8.1f} {r.rps / baseline:17.1%}  {errors}")
    print(f"({clients} concurrent clients, {os.cpu_count()} cores shared by server and clients)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        database_url = f"sqlite:///{folder}/bench.sqlite"
        print(f"filling {args.cases} demo cases …", flush=True)
        token = prepare(database_url, args.cases)
        port = free_port()
        server = start_server(database_url, port)
        try:
            results = asyncio.run(run(f"http://127.0.0.1:{port}", token, args.clients, args.seconds))
        finally:
            server.terminate()
            server.wait(timeout=10)
    report(results, args.clients)
    return 0


if __name__ == "__main__":
    sys.exit(main())
