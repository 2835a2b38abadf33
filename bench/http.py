"""Benchmark: the counter's pages and one action over HTTP, against a trivial endpoint of the same app.

uvicorn (uvloop + httptools) serves the real app in a child process on
127.0.0.1 over a SQLite copy of a demo database (10,000 cases by default,
generated once through the service layer and cached under var/bench/).
`wrk`, a separate process, drives one endpoint at a time with 20 connections:

- trivial  GET /bench/ping           {"ok": true}: no auth, no database; a route this benchmark adds to
                                     the app it serves, so it passes the same middleware and router
- queue    GET /queue                我的待办 of the demo clerk (综合窗口), session cookie from the real /login
- case     GET /cases/{id}           办件详情, rotating over a seeded sample of every case in the database
- action   POST /api/cases/{id}/actions/record_visit   bearer token of the demo clerk; each request acts on
                                     an open case with the version its last answer returned

The trivial endpoint runs before and after each of the others; each endpoint's
throughput is given as a share of the mean of the two trivial runs around it,
and so is its server CPU per request (from /proc), which moves less with the
machine's load. Non-2xx answers are counted per status code and reported,
never folded into the figures silently.

    python -m bench.http                       # 10,000 cases, 10 s per endpoint, a worker per core
    python -m bench.http --cases 1000 --seconds 5
    python -m bench.http --workers 1           # the same on one worker process
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import random
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "var" / "bench"
SEED = 2017
CLERK, CLERK_PASSWORD = "clerk", "onevisit-clerk"  # workflows/demo_users.py: the 综合窗口 clerk
FINAL_STATES = ("closed", "refused", "withdrawn", "terminated")
TARGET_SHARE, TARGET_P99_MS = 0.10, 100.0


def app_factory():
    """The real app plus one trivial route, for `uvicorn --factory` in the child process (settings from env)."""
    import service

    app = service.create_app(service.Settings())

    @app.get("/bench/ping", include_in_schema=False)
    async def ping() -> dict:  # async: no thread hand-off, the cheapest answer the app can give
        return {"ok": True}

    return app


# ---- the demo database, built once per catalogue ----------------------------------------

def cache_key(cases: int, seed: int) -> str:
    """What the demo database depends on: the catalogue, the schema migrations, the generator."""
    digest = hashlib.sha256(f"{cases}:{seed}".encode())
    sources = [*sorted((ROOT / "workflows" / "definitions").glob("*.yaml")),
               *sorted((ROOT / "workflows" / "migrations").rglob("*.py")),
               *sorted((ROOT / "workflows").glob("demo*.py"))]  # the generator, its roster, hours and users
    for path in sources:
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def sqlite_copy(source: Path, target: Path) -> None:
    """A consistent single-file copy (the WAL folded in), through SQLite's backup API."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def demo_database(cases: int, seed: int, rebuild: bool = False) -> Path:
    import service
    from workflows.demo import build_demo

    cached = CACHE / f"demo-{cases}-{cache_key(cases, seed)}.sqlite"
    if cached.exists() and not rebuild:
        print(f"demo database: {cached.relative_to(ROOT)} (cached)", flush=True)
        return cached
    CACHE.mkdir(parents=True, exist_ok=True)
    print(f"building the demo database: {cases} cases through the service layer (once) …", flush=True)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(dir=CACHE) as folder:
        scratch = Path(folder) / "build.sqlite"
        engine, office = service._engine_and_office(service.Settings(database_url=f"sqlite:///{scratch}"))
        print(build_demo(engine=engine, office=office, cases=cases, seed=seed, progress=sys.stdout.isatty()))
        engine.dispose()
        sqlite_copy(scratch, Path(folder) / "done.sqlite")
        os.replace(Path(folder) / "done.sqlite", cached)  # whole file or nothing, even if interrupted
    print(f"built in {time.perf_counter() - started:.0f} s: {cached.relative_to(ROOT)}", flush=True)
    return cached


def issue_clerk_token(database: Path) -> str:
    """An API token for the demo clerk, issued by the demo admin as `service.py token issue` would."""
    from workflows import accounts
    from workflows.db import make_engine, session

    engine = make_engine(f"sqlite:///{database}")
    try:
        with session(engine) as s:
            admin = accounts.actor_of(s.get_one(accounts.StaffUser, "admin"))
            return accounts.issue_token(session=s, username=CLERK, label="bench/http.py", admin=admin,
                                        now=dt.datetime.now(dt.UTC))
    finally:
        engine.dispose()


def case_sample(database: Path, n: int, seed: int) -> list[int]:
    with sqlite3.connect(database) as db:
        ids = [row[0] for row in db.execute("SELECT id FROM cases ORDER BY id")]
    db.close()
    return random.Random(seed).sample(ids, min(n, len(ids)))


def open_cases(database: Path) -> list[tuple[int, int]]:
    """(id, version) of every case still in progress: record_visit is allowed in each of their states."""
    marks = ",".join("?" * len(FINAL_STATES))
    with sqlite3.connect(database) as db:
        rows = db.execute(f"SELECT id, version FROM cases WHERE state NOT IN ({marks}) AND state != 'new' "
                          "ORDER BY id", FINAL_STATES).fetchall()
    db.close()
    return rows


# ---- the server --------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(database: Path, port: int, workers: int) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "SECRET_KEY": secrets.token_urlsafe(32),
           "ONEVISIT_AUTO_MIGRATE": "false", "ONEVISIT_PRODUCTION": "false"}
    command = [sys.executable, "-m", "uvicorn", "bench.http:app_factory", "--factory",
               "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
               "--loop", "uvloop", "--http", "httptools", "--log-level", "warning", "--no-access-log"]
    return subprocess.Popen(command, cwd=ROOT, env=env)


def wait_until_up(server: subprocess.Popen, base: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"uvicorn exited with code {server.returncode}")
        try:
            if httpx.get(f"{base}/bench/ping", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.3)
    raise SystemExit(f"uvicorn did not answer within {timeout:.0f} s")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def clerk_cookie(base: str) -> str:
    """Log in through the real form (CSRF token from the page) and return the session cookie header."""
    with httpx.Client(base_url=base, follow_redirects=False) as http:
        page = http.get("/login")
        token = re.search(r'name="csrf" value="([^"]+)"', page.text)
        if page.status_code != 200 or token is None:
            raise SystemExit(f"GET /login: {page.status_code}, no CSRF field")
        answer = http.post("/login", data={"csrf": token.group(1), "username": CLERK, "password": CLERK_PASSWORD,
                                          "next": "/queue"})
        if answer.status_code != 303 or answer.headers["location"] != "/queue":
            raise SystemExit(f"login as {CLERK} failed: {answer.status_code} {answer.text[:200]}")
        return "; ".join(f"{name}={value}" for name, value in http.cookies.items())


# ---- the load: wrk with a generated Lua script -------------------------------------------

LUA_COMMON = r"""
statuses = {}
samples = {}  -- the first answer of each non-2xx status, to say what went wrong
local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("tid", #threads)
end

local function count(status, body)
   statuses[status] = (statuses[status] or 0) + 1
   if (status < 200 or status > 299) and samples[status] == nil then samples[status] = body:sub(1, 300) end
end

function done(summary, latency, requests)
   local merged, sampled = {}, {}
   for _, thread in ipairs(threads) do
      for status, n in pairs(thread:get("statuses")) do merged[status] = (merged[status] or 0) + n end
      for status, body in pairs(thread:get("samples")) do sampled[status] = body end
   end
   local e = summary.errors
   io.write(string.format("RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d "
      .. "connect=%d read=%d write=%d timeout=%d",
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
      e.connect, e.read, e.write, e.timeout))
   for status, n in pairs(merged) do io.write(string.format(" status_%d=%d", status, n)) end
   io.write("\n")
   for status, body in pairs(sampled) do io.write(string.format("SAMPLE %d %s\n", status, body:gsub("\n", " "))) end
end
"""

LUA_GET = r"""
local n = 0

function response(status, headers, body)
   count(status, body)
end

function request()
   n = n + 1
   return wrk.format("GET", PATHS[(n * 7 + tid * 101) % #PATHS + 1])
end
"""

# Each wrk thread owns its own cases; a case is taken from the pool when a request
# goes out and returns (with the version the answer carries) only on success, so
# no two requests ever race on one case and every request sends a current version.
LUA_ACTION = r"""
local pool = {}

function init(args)
   for _, item in ipairs(POOLS[tid]) do table.insert(pool, item) end
end

function request()
   local case = table.remove(pool, 1) or {0, 0}  -- an empty pool shows up as 404s, never as silence
   local body = string.format(BODY, case[2])
   return wrk.format("POST", "/api/cases/" .. case[1] .. "/actions/record_visit", nil, body)
end

function response(status, headers, body)
   count(status, body)
   if status == 200 then
      local id = body:match('^{"id":(%d+),')
      local version = body:match('"version":(%d+)')
      if id and version then table.insert(pool, {tonumber(id), tonumber(version)}) end
   end
end
"""


def lua_list(values) -> str:
    return "{" + ", ".join(values) + "}"


def get_script(paths: list[str], headers: dict[str, str]) -> str:
    lines = [f"wrk.headers[{lua_str(k)}] = {lua_str(v)}" for k, v in headers.items()]
    return "\n".join([*lines, f"PATHS = {lua_list(lua_str(p) for p in paths)}", LUA_COMMON, LUA_GET])


def action_script(pools: list[list[tuple[int, int]]], token: str) -> str:
    body = '{"expected_version": %d, "purpose": "核验原件", "cause": "office"}'
    lines = [f'wrk.headers["Authorization"] = {lua_str("Bearer " + token)}',
             'wrk.headers["Content-Type"] = "application/json"',
             f"BODY = {lua_str(body)}",
             "POOLS = " + lua_list(lua_list(f"{{{i}, {v}}}" for i, v in pool) for pool in pools)]
    return "\n".join([*lines, LUA_COMMON, LUA_ACTION])


def lua_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass
class Measured:
    name: str
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    statuses: dict[int, int]
    socket_errors: dict[str, int]
    samples: dict[int, str] = field(default_factory=dict)  # status → the first such answer
    server_cpu: float = 0.0  # seconds of CPU the server used during the measured run

    @property
    def cpu_ms(self) -> float:
        return self.server_cpu * 1000 / self.requests if self.requests else float("nan")

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    @property
    def failures(self) -> str:
        bad = {f"HTTP {s}": n for s, n in sorted(self.statuses.items()) if not 200 <= s < 300}
        bad |= {kind: n for kind, n in self.socket_errors.items() if n}
        return ", ".join(f"{k} ×{n}" for k, n in bad.items()) or "none"


def run_wrk(name: str, base: str, script: str, args, seconds: float) -> Measured:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", encoding="utf-8") as lua:
        lua.write(script)
        lua.flush()
        command = ["wrk", "-t", str(args.threads), "-c", str(args.connections), "-d", f"{seconds}s",
                   "--timeout", "10s", "-s", lua.name, base + "/"]
        out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    line = next((x for x in out.stdout.splitlines() if x.startswith("RESULT ")), None)
    if out.returncode != 0 or line is None:
        raise SystemExit(f"wrk failed ({out.returncode}): {out.stderr or out.stdout}")
    values = dict(pair.split("=") for pair in line.split()[1:])
    return Measured(name, int(values["requests"]), int(values["duration_us"]) / 1e6,
                    int(values["p50_us"]) / 1000, int(values["p99_us"]) / 1000,
                    {int(k[7:]): int(v) for k, v in values.items() if k.startswith("status_")},
                    {k: int(values[k]) for k in ("connect", "read", "write", "timeout")},
                    {int(x.split(" ", 2)[1]): x.split(" ", 2)[2] for x in out.stdout.splitlines()
                     if x.startswith("SAMPLE ")})


# ---- one run ---------------------------------------------------------------------------

@dataclass
class Fixture:
    base: str
    database: Path
    cookie: str
    token: str
    case_ids: list[int]
    receipts: dict[int, str]
    server_pid: int


def get_scripts(f: Fixture) -> dict[str, tuple[str, str]]:
    """name → (a path to check once, the wrk script) for the GET endpoints."""
    cookie = {"Cookie": f.cookie}
    case_paths = [f"/cases/{i}" for i in f.case_ids]
    return {"trivial": ("/bench/ping", get_script(["/bench/ping"], {})),
            "queue": ("/queue", get_script(["/queue"], cookie)),
            "case": (case_paths[0], get_script(case_paths, cookie))}


def check_page(f: Fixture, name: str, path: str) -> None:
    """One request before loading an endpoint: it must answer the real thing, not a login page or an error."""
    answer = httpx.get(f.base + path, headers={"Cookie": f.cookie}, follow_redirects=False, timeout=30)
    markers = {"trivial": '{"ok":true}', "queue": "<h1>我的待办",
               "case": f"收件编号 {f.receipts.get(f.case_ids[0], '?')}</span></h1>"}
    if answer.status_code != 200 or markers[name] not in answer.text:
        raise SystemExit(f"GET {path} does not answer its page: {answer.status_code} {answer.text[:300]}")


def settled_open_cases(database: Path, timeout: float = 60) -> list[tuple[int, int]]:
    """Open cases once the server has finished what the last run left in flight (wrk stops mid-request)."""
    deadline, last = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        now = open_cases(database)
        if now == last:
            return now
        last = now
        time.sleep(0.5)
    raise SystemExit("the server kept writing after the load stopped")


def action_pools(f: Fixture, threads: int, connections: int) -> list[list[tuple[int, int]]]:
    cases = settled_open_cases(f.database)  # read now: warm-up and earlier runs moved the versions on
    pools = [cases[t::threads] for t in range(threads)]
    if min(len(p) for p in pools) < connections // threads:  # wrk gives each thread connections // threads
        raise SystemExit(f"the action needs {connections} open cases or more, the demo has {len(cases)}")
    return pools


def server_cpu_seconds(root: int) -> float:
    """User + system CPU of the server and its descendants (uvicorn's workers), from /proc."""
    parents, used = {}, {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()  # after "(comm)": state, ppid, … utime, stime
        except OSError:
            continue  # ended while we looked
        pid = int(stat.parent.name)
        parents[pid], used[pid] = int(fields[1]), int(fields[11]) + int(fields[12])
    family, found = {root}, {root}
    while found:  # add each generation of children until one has none
        found = {pid for pid, parent in parents.items() if parent in family} - family
        family |= found
    return sum(used.get(pid, 0) for pid in family) / os.sysconf("SC_CLK_TCK")


def load_one(f: Fixture, args, kind: str) -> Measured:
    if kind == "action":
        script = lambda: action_script(action_pools(f, args.threads, args.connections), f.token)  # noqa: E731
    else:
        path, text = get_scripts(f)[kind]
        check_page(f, kind, path)
        script = lambda: text  # noqa: E731
    run_wrk(kind, f.base, script(), args, args.warmup)  # untimed: connections, caches, templates
    cpu = server_cpu_seconds(f.server_pid)
    result = run_wrk(kind, f.base, script(), args, args.seconds)
    result.server_cpu = server_cpu_seconds(f.server_pid) - cpu
    print(f"  {kind:8s} {result.rps:8.0f} req/s", flush=True)
    return result


def measure(f: Fixture, args) -> list[Measured]:
    """trivial, queue, trivial, case, trivial, action, trivial: each endpoint between two baselines,
    so a change in the machine's load during the run shows up instead of skewing a ratio."""
    results = [load_one(f, args, "trivial")]
    for kind in ("queue", "case", "action"):
        results += [load_one(f, args, kind), load_one(f, args, "trivial")]
    return results


def receipts_of(database: Path, ids: list[int]) -> dict[int, str]:
    with sqlite3.connect(database) as db:
        rows = db.execute(f"SELECT id, receipt_no FROM cases WHERE id IN ({','.join('?' * len(ids))})", ids)
        found = dict(rows.fetchall())
    db.close()
    return found


# ---- report --------------------------------------------------------------------------

def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


@dataclass
class Share:
    """An endpoint against the mean of the trivial runs just before and after it."""

    throughput: float  # its req/s ÷ the trivial req/s
    cpu: float  # the trivial endpoint's server CPU per request ÷ its own


def shares(results: list[Measured]) -> dict[str, Share]:
    out = {}
    # The slices differ in length (a last `before` has no pair): zip stops at the shortest on purpose.
    for before, r, after in zip(results[0::2], results[1::2], results[2::2], strict=False):
        rps = (before.rps + after.rps) / 2
        cpu = (before.cpu_ms + after.cpu_ms) / 2
        out[r.name] = Share(r.rps / rps, cpu / r.cpu_ms if r.cpu_ms else float("nan"))
    return out


def print_table(results: list[Measured], share: dict[str, Share]) -> None:
    print(f"\n{'endpoint':9s} {'req/s':>7s} {'p50 ms':>7s} {'p99 ms':>7s} {'÷ trivial':>10s} "
          f"{'server CPU ms/req':>18s} {'(÷ trivial)':>11s}  non-2xx / socket errors")
    for r in results:
        s = share.get(r.name)
        ratios = f"{s.throughput:10.1%} {r.cpu_ms:18.2f} {s.cpu:11.1%}" if s else f"{'':10s} {r.cpu_ms:18.2f} {'':11s}"
        print(f"{r.name:9s} {r.rps:7.0f} {r.p50_ms:7.1f} {r.p99_ms:7.1f} {ratios}  {r.failures}")
    print("(÷ trivial: against the mean of the trivial runs just before and after; the CPU ratio is the "
          "trivial endpoint's server CPU per request over this one's, steadier than wall time on a busy machine)")
    for r in results:
        for status, body in sorted(r.samples.items()):
            print(f"  {r.name} HTTP {status}, first answer: {body}")


def server_threads() -> int:
    import service

    return service.Settings().threads  # the child server reads the same environment


def report(results: list[Measured], args, load_before, load_after) -> bool:
    share = shares(results)
    print_table(results, share)
    by_name = {r.name: r for r in results if r.name != "trivial"}
    checks = [(f"case page throughput ≥ {TARGET_SHARE:.0%} of the trivial endpoint's "
               f"({share['case'].throughput:.1%})", share["case"].throughput >= TARGET_SHARE)]
    checks += [(f"{name} p99 < {TARGET_P99_MS:.0f} ms with {args.connections} concurrent clerks "
                f"({by_name[name].p99_ms:.1f} ms)", by_name[name].p99_ms < TARGET_P99_MS)
               for name in ("queue", "case", "action")]
    checks.append(("every request answered 2xx", all(r.failures == "none" for r in results)))
    # A stalled server answers nothing, which would otherwise pass the latency checks with 0 ms.
    checks.append(("every endpoint answered requests", all(r.requests > 0 for r in results)))
    print()
    for text, ok in checks:
        print(f"{verdict(ok)}  {text}")
    print(f"\n{args.connections} connections, wrk -t{args.threads}, {args.seconds} s per endpoint after "
          f"{args.warmup} s warm-up; uvicorn --workers {args.workers} --loop uvloop --http httptools, "
          f"{server_threads()} page threads each (ONEVISIT_THREADS); "
          f"{os.cpu_count()} cores shared by server, wrk and everyone else on the machine")
    print("load average (1, 5, 15 min) before: {:.2f} {:.2f} {:.2f}".format(*load_before)
          + ", after: {:.2f} {:.2f} {:.2f}".format(*load_after))
    return all(ok for _, ok in checks)


# ---- main ----------------------------------------------------------------------------

def parse_args(argv: list[str] | None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000, help="demo cases (cached per size and catalogue)")
    parser.add_argument("--seconds", type=int, default=10, help="measured seconds per endpoint")
    parser.add_argument("--warmup", type=int, default=2, help="untimed seconds per endpoint before measuring")
    parser.add_argument("--connections", type=int, default=20, help="concurrent clients")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="uvicorn worker processes (default: one per core, as README's serve --workers)")
    parser.add_argument("--sample", type=int, default=1000, help="case pages to rotate over")
    parser.add_argument("--rebuild", action="store_true",
                        help="build the demo database again (its dates are relative to the day it was built)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so the finally below stops the server
    cached = demo_database(args.cases, SEED, args.rebuild)
    with tempfile.TemporaryDirectory(prefix="bench-http-") as folder:
        database = Path(folder) / "bench.sqlite"
        sqlite_copy(cached, database)  # the action writes: every run starts from the same cases
        token = issue_clerk_token(database)
        ids = case_sample(database, args.sample, SEED)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        load_before = os.getloadavg()
        server = start_server(database, port, args.workers)
        try:
            wait_until_up(server, base)
            f = Fixture(base, database, clerk_cookie(base), token, ids, receipts_of(database, ids[:1]), server.pid)
            results = measure(f, args)
        finally:
            stop_server(server)
        load_after = os.getloadavg()
    return 0 if report(results, args, load_before, load_after) else 1


if __name__ == "__main__":
    sys.exit(main())
