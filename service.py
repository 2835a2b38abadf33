"""一次办 (OneVisit): the application factory and its command line.

    python service.py serve [--workers N]   run the counter, the API and the guides
    python service.py check            validate the catalogue, print the one-visit analysis
    python service.py demo [--reset]   fill the database with realistic history
    python service.py sweep [--day D]  end cases whose tolerated gaps are overdue (on day D)
    python service.py worker           run the scheduled tasks on the job queue (PostgreSQL)
    python service.py db upgrade       apply the schema migrations
    python service.py calendar load F  load a year's official 节假日安排
    python service.py user add|list|disable
    python service.py token issue USER --label L | list | revoke ID   API tokens
    python service.py guides build [--out DIR] [--matter CODE] [--booklet]   print-ready guide PDFs
    python service.py outbox send | list   send the applicants' text messages that are due; list the latest
    python service.py inspections list | verify DRAW_ID | announce | run | inspector | conflict   双随机、一公开
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gc
import getpass
import os
import secrets
import sys
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from workflows.catalogue import DEFAULT_DIR
from workflows.profile import DEMO_PROFILE

ROOT = Path(__file__).resolve().parent
DEFAULT_DB = f"sqlite:///{ROOT / 'var' / 'onevisit.sqlite'}"
UNSAFE_SECRETS = {"", "change-me", "secret", "dev", "development"}
DEV_BASE_URL = "http://127.0.0.1:8000"  # only when neither the environment, the profile nor `serve` names one


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ONEVISIT_", extra="ignore")

    database_url: str = Field(DEFAULT_DB, validation_alias=AliasChoices("DATABASE_URL", "ONEVISIT_DATABASE_URL"))
    secret_key: str = Field("", validation_alias=AliasChoices("SECRET_KEY", "ONEVISIT_SECRET_KEY"))
    production: bool = False
    definitions_dir: Path = DEFAULT_DIR
    # The office's own facts (address, windows, hours, phones, post and online addresses,
    # time zone): one YAML file an administrator edits. The bundled one is a demo.
    office_profile: Path = DEMO_PROFILE
    # The address applicants reach this service at, printed in every QR code and link on
    # paper. Overrides the profile's `public_base_url`; `serve` fills it from --host/--port
    # when neither names one, so a paper never points to a server that is not this one.
    public_base_url: str | None = None
    guide_cache_dir: Path = ROOT / "var" / "guides"
    auto_migrate: bool = True
    # Worker threads per process for the pages and the API. More threads than cores buys
    # nothing for GIL-bound pages and costs switching: on 2 cores under 20 saturating
    # clients (bench/http.py) the case page took 2.5 ms of server CPU with 8 threads,
    # 1.6 with 4 and 1.5 with 2, and its p99 fell from 160 to 46 ms. PostgreSQL
    # deployments, whose requests wait on the network, may raise it.
    threads: int = Field(2, ge=1, le=64)
    # Threads for PDF papers, guides and reports (windows.render_threads), so that print
    # jobs never take the pages' threads.
    render_threads: int = Field(2, ge=1, le=16)
    # How long a request may wait on the database, in seconds, before it is answered 503
    # (`database-unavailable`, `database-busy`) instead of hanging: to connect; for one
    # statement (PostgreSQL's statement_timeout; the client also gives up on any answer
    # 2 s later, and TCP on unacknowledged data); for a free pooled connection.
    db_connect_timeout: int = Field(5, ge=2, le=60)
    db_statement_timeout: float = Field(30, gt=0, le=3600)
    db_pool_timeout: float = Field(10, gt=0, le=300)
    # Who runs the schedule (workflows/schedule.py): "auto" is `serve` itself on SQLite (one
    # thread, zero setup) and `service.py worker` on PostgreSQL; "inprocess" makes `serve` run
    # it on PostgreSQL too (a single server), "off" neither (tests, a read-only replica).
    jobs: Literal["auto", "inprocess", "off"] = "auto"
    # Times of the scheduled tasks, by name: ONEVISIT_SCHEDULE='{"gap-sweep": "01:15"}' (office time).
    schedule: dict[str, str] = Field(default_factory=dict)

    def scheduled(self):
        from workflows.schedule import schedule

        try:
            return schedule(self.schedule, entries=scheduled_tasks())
        except ValueError as exc:
            raise SystemExit(str(exc)) from exc

    def runs_schedule_in_process(self) -> bool:
        from sqlalchemy.engine import make_url

        if self.jobs == "auto":
            return make_url(self.database_url).get_backend_name() == "sqlite"
        return self.jobs == "inprocess"
    # Text messages to applicants (workflows/outbox.py): `file` writes them as JSON lines to `sms_file`
    # (development, the demo; production refuses it unless `sms_file_in_production`), `aliyun` sends
    # them through 阿里云短信 SendSms with the AccessKey pair from the environment, the approved
    # signature, and one approved TemplateCode per notice (JSON: {"received": "SMS_…", …}).
    sms_gateway: Literal["file", "aliyun"] = "file"
    sms_file: Path = ROOT / "var" / "outbox" / "sms.jsonl"
    sms_file_in_production: bool = False
    aliyun_access_key_id: str = Field("", validation_alias=AliasChoices("ALIBABA_CLOUD_ACCESS_KEY_ID",
                                                                        "ONEVISIT_ALIYUN_ACCESS_KEY_ID"))
    aliyun_access_key_secret: str = Field("", validation_alias=AliasChoices("ALIBABA_CLOUD_ACCESS_KEY_SECRET",
                                                                            "ONEVISIT_ALIYUN_ACCESS_KEY_SECRET"))
    aliyun_sms_sign_name: str = ""
    aliyun_sms_templates: dict[str, str] = {}
    aliyun_sms_endpoint: str = "https://dysmsapi.aliyuncs.com/"
    aliyun_sms_region: str = "cn-hangzhou"
    sms_timeout: float = Field(10, gt=0, le=120)

    def db_limits(self):
        from workflows.db import Limits

        return Limits(connect_s=self.db_connect_timeout, statement_s=self.db_statement_timeout,
                      pool_s=self.db_pool_timeout)

    def unsafe_reasons(self) -> list[str]:
        reasons = []
        if self.secret_key in UNSAFE_SECRETS or len(self.secret_key) < 32:
            reasons.append("SECRET_KEY 未设置或少于 32 个字符")
        if self.database_url == DEFAULT_DB:
            reasons.append("生产环境须用 DATABASE_URL 明确指定数据库")
        return reasons + self.sms_problems()

    def sms_problems(self) -> list[str]:
        from workflows.notices import Notice

        if self.sms_gateway == "file":
            if self.sms_file_in_production:
                return []
            return ["短信只写入文件、不会发给申请人：请设 ONEVISIT_SMS_GATEWAY=aliyun，"
                    "确需如此请设 ONEVISIT_SMS_FILE_IN_PRODUCTION=true"]
        problems = []
        if not (self.aliyun_access_key_id and self.aliyun_access_key_secret):
            problems.append("阿里云短信须设 ALIBABA_CLOUD_ACCESS_KEY_ID 和 ALIBABA_CLOUD_ACCESS_KEY_SECRET")
        if not self.aliyun_sms_sign_name:
            problems.append("阿里云短信须设短信签名 ONEVISIT_ALIYUN_SMS_SIGN_NAME")
        missing = [n.value for n in Notice if not self.aliyun_sms_templates.get(n.value)]
        if missing:
            problems.append(f"阿里云短信缺少模板编号（ONEVISIT_ALIYUN_SMS_TEMPLATES）：{'、'.join(missing)}")
        return problems

    def sms_gateway_for(self):
        """The gateway the outbox sends through (workflows/sms.py)."""
        from workflows.sms import AliyunSms, FileGateway

        if self.sms_gateway == "file":
            return FileGateway(self.sms_file)
        return AliyunSms(access_key_id=self.aliyun_access_key_id, access_key_secret=self.aliyun_access_key_secret,
                         sign_name=self.aliyun_sms_sign_name, templates=self.aliyun_sms_templates,
                         endpoint=self.aliyun_sms_endpoint, region=self.aliyun_sms_region, timeout=self.sms_timeout)

    def public_url(self, profile) -> str:
        return (self.public_base_url or profile.public_base_url or DEV_BASE_URL).rstrip("/")

    def checked(self) -> Settings:
        """Refuse unsafe defaults in production; in development make up a per-process secret."""
        if self.production:
            reasons = self.unsafe_reasons()
            if reasons:
                raise SystemExit("拒绝以生产模式启动：" + "；".join(reasons))
            return self
        if not self.secret_key:
            return self.model_copy(update={"secret_key": secrets.token_urlsafe(32)})
        return self


DOCS_ASSETS = "/docs/assets"  # Swagger UI's scripts and styles


def _lifespan(settings: Settings):
    """Size this event loop's thread pools (anyio's limiters are per loop); close the databases at the end."""

    @contextlib.asynccontextmanager
    async def lifespan(app):
        import anyio.to_thread

        from windows import render_threads

        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.threads
        render_threads.install(app, settings.render_threads)
        # What start-up built (catalogue, machines, templates, modules) lives as long as the
        # server: frozen, the cyclic collector stops walking it on every full collection, which
        # under load were the queue page's slowest answers (p99 211 → 121 ms in bench/http.py).
        gc.freeze()
        try:
            yield
        finally:
            gc.unfreeze()  # an app that stops (a test's) leaves nothing exempt from collection
            close_app(app)

    return lifespan


def refuse_unsafe_profile(profile, public_base_url: str) -> None:
    """Production prints the profile to real applicants: no demo facts, no address but https."""
    from workflows.profile import production_violations

    reasons = production_violations(profile, public_base_url)
    if reasons:
        raise SystemExit("拒绝以生产模式启动：" + "；".join(reasons))


def close_app(app) -> None:
    """Return every database connection the app holds."""
    app.state.engine.dispose()


def office_extensions() -> tuple:
    """What every office this service builds has plugged in (the extension point of workflows/office.py).

    The auditor's facts and counters follow every transition and evaluation, in its own
    transaction; every 准予 decision records its licence in the register (证照库). Named here,
    by the app factory and the command line, so that workflows/ never imports audit/ or inspections/.
    """
    from audit.facts import install as audit_facts
    from inspections.register import install as licence_register

    return (audit_facts, licence_register)


def scheduled_tasks() -> tuple:
    """Every scheduled task this service runs: workflows/'s own, then those of the packages plugged in.

    The second extension point beside `office_extensions`: a package outside workflows/ (the
    licence register's expiry reminders, 好差评's overdue tasks) declares its `Scheduled` entries
    in its own module and is named here, so that workflows/ never imports it.
    """
    from inspections.reminders import SCHEDULED as licence_reminders
    from workflows.rating_reminders import SCHEDULED as rating_reminders
    from workflows.schedule import SCHEDULE

    return SCHEDULE + licence_reminders + rating_reminders


def create_app(settings: Settings | None = None, *, clock=None):
    """Build one application: its own engine, catalogue, templates and routes.

    `clock` (a callable returning an aware datetime) lets tests set the date.
    """
    from fastapi_offline import FastAPIOffline

    from audit.report import AUDIT_TEMPLATES
    from guides.templating import GUIDES_TEMPLATES, build_environment
    from windows.app import WINDOWS_TEMPLATES, install as install_windows
    from workflows.bootstrap import load_office
    from workflows.db import make_engine, upgrade

    settings = (settings or Settings()).checked()
    if settings.auto_migrate:
        # On an engine of its own: a migration is batch work, not bound by the requests' statement timeout.
        migrating = make_engine(settings.database_url, connections=1)
        try:
            upgrade(migrating)
        finally:
            migrating.dispose()
    # A connection for every thread that may hold one: the pages' and the renders'.
    engine = make_engine(settings.database_url, connections=settings.threads + settings.render_threads,
                         limits=settings.db_limits())
    # FastAPIOffline: FastAPI whose /docs loads Swagger UI from this server, not a CDN.
    app = FastAPIOffline(title="一次办 OneVisit", version="0.1.0", docs_url="/docs", redoc_url=None,
                         static_url=DOCS_ASSETS, lifespan=_lifespan(settings))
    app.state.settings = settings
    app.state.engine = engine
    office = load_office(engine, settings.definitions_dir, profile=settings.office_profile,
                         extensions=office_extensions(), **({"clock": clock} if clock else {}))
    app.state.office = office
    app.state.public_base_url = office.public_base_url = settings.public_url(office.profile)
    if settings.production:
        refuse_unsafe_profile(office.profile, app.state.public_base_url)
    app.state.templates = build_environment([WINDOWS_TEMPLATES, GUIDES_TEMPLATES, AUDIT_TEMPLATES], time=office.time)
    install_windows(app)
    return app


# ---- command line ---------------------------------------------------------------

def _migrated_engine(settings: Settings):
    """The command line's engine, with the schema brought up to date."""
    from workflows.db import make_engine, upgrade

    engine = make_engine(settings.database_url)
    upgrade(engine)
    return engine


def _engine_and_office(settings: Settings):
    from workflows.bootstrap import load_office

    engine = _migrated_engine(settings)
    office = load_office(engine, settings.definitions_dir, profile=settings.office_profile,
                         extensions=office_extensions())
    office.public_base_url = settings.public_url(office.profile)  # the link in the applicants' messages
    office.sms_gateway = settings.sms_gateway_for()  # where the scheduled sender hands them
    return engine, office


STARTUP_FAILURE = 3  # uvicorn's exit status for a worker that failed before it served


def cmd_serve(args, settings: Settings) -> int:
    import uvicorn

    if args.workers < 1:
        raise SystemExit("--workers 须为正整数")
    options = {"host": args.host, "port": args.port, "log_level": "info"}
    if not settings.public_base_url and not _profile_names_url(settings):
        # Papers and QR codes must point at this server: the address it is served at.
        url = served_url(args.host, args.port)
        settings = settings.model_copy(update={"public_base_url": url})
        os.environ["ONEVISIT_PUBLIC_BASE_URL"] = url  # for worker processes
    if args.workers == 1:
        try:
            app = create_app(settings)
        except Exception as exc:  # noqa: BLE001  (told in one line, before the port is bound)
            print(start_up_failure(settings, exc), file=sys.stderr)
            return 1
        with contextlib.ExitStack() as stack:
            if not _enter_schedule_runner(stack, settings):
                return 1
            uvicorn.run(app, **options)
        return 0
    # Each worker process builds its own app from the environment (create_worker_app). They
    # share this run's secret, the one made up for development included, or a session cookie
    # signed by one worker would be refused by the next; and the schema is migrated here,
    # once, not by every worker at the same moment.
    os.environ["SECRET_KEY"] = settings.secret_key
    if settings.auto_migrate:
        try:
            _migrated_engine(settings).dispose()
        except Exception as exc:  # noqa: BLE001
            print(start_up_failure(settings, exc), file=sys.stderr)
            return 1
        os.environ["ONEVISIT_AUTO_MIGRATE"] = "false"
    with contextlib.ExitStack() as stack:
        if not _enter_schedule_runner(stack, settings):  # here, in the supervisor: one runner, not one per worker
            return 1
        return _serve_workers(args.workers, options)


def _enter_schedule_runner(stack: contextlib.ExitStack, settings: Settings) -> bool:
    """Start the schedule's runner for this serve; one that cannot start is told in one line (False)."""
    try:
        stack.enter_context(_schedule_runner(settings))
    except Exception as exc:  # noqa: BLE001  (told in one line, before the port is bound)
        print(start_up_failure(settings, exc), file=sys.stderr)
        return False
    return True


@contextlib.contextmanager
def _schedule_runner(settings: Settings):
    """The one in-process runner of the schedule (jobs/inprocess.py), when this deployment has no worker."""
    if not settings.runs_schedule_in_process():
        if settings.jobs == "auto":
            print("定时任务由 `service.py worker` 运行（PostgreSQL）；请确认至少有一个 worker 在运行", file=sys.stderr)
        yield
        return
    from jobs.inprocess import InProcessRunner

    _log_to_stderr()
    engine, office = _engine_and_office(settings)
    runner = InProcessRunner(engine=engine, office=office, entries=settings.scheduled())
    runner.start()
    try:
        yield
    finally:
        runner.stop()
        engine.dispose()


def _log_to_stderr() -> None:
    import logging

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for name in ("onevisit", "procrastinate"):
        logger = logging.getLogger(name)
        logger.setLevel(logging.INFO)
        if not logger.handlers:
            logger.addHandler(handler)


def cmd_worker(args, settings: Settings) -> int:
    from sqlalchemy.engine import make_url

    if make_url(settings.database_url).get_backend_name() != "postgresql":
        raise SystemExit("service.py worker 需要 PostgreSQL（DATABASE_URL）；"
                         "默认的 SQLite 由 service.py serve 在进程内运行定时任务")
    from jobs.queue import run_worker
    from workflows.profile import load_profile

    if settings.production:  # the worker is what texts applicants: the office it names must be the real one
        profile = load_profile(settings.office_profile)
        refuse_unsafe_profile(profile, settings.public_url(profile))
    entries = settings.scheduled()
    _log_to_stderr()
    engine, office = _engine_and_office(settings)
    try:
        run_worker(database_url=settings.database_url, engine=engine, office=office, entries=entries, name=args.name)
    finally:
        engine.dispose()
    return 0


def _serve_workers(workers: int, options: dict) -> int:
    """Run uvicorn's supervisor; a worker that fails at start stops it, and this run exits non-zero.

    uvicorn stops its supervisor when a worker exits with its start-up failure status, but the
    run would still end with status 0; a supervisor that restarted such workers instead would
    keep the port open with nobody serving it.
    """
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    config = uvicorn.Config("service:create_worker_app", factory=True, workers=workers, **options)
    supervisor = Multiprocess(config, sockets=[config.bind_socket()])
    supervisor.run()
    return 1 if any(p.exitcode == STARTUP_FAILURE for p in supervisor.processes) else 0


def create_worker_app():
    """A worker's app; one that cannot start says why in one line and exits with the start-up failure status."""
    settings = Settings()
    try:
        return create_app(settings)
    except Exception as exc:  # noqa: BLE001
        print(start_up_failure(settings, exc), file=sys.stderr, flush=True)
        sys.exit(STARTUP_FAILURE)


def start_up_failure(settings: Settings, exc: Exception) -> str:
    """One line: what could not be used, and the cause as the library put it."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    original = getattr(exc, "orig", None) or exc
    lines = [line.strip() for line in str(original).splitlines() if line.strip()] or [type(exc).__name__]
    cause = "".join(line if line.endswith((":", "：")) else line + "；" for line in lines).rstrip("；")
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and isinstance(exc, (OSError, SQLAlchemyError)):
        return f"一次办无法启动: 数据库文件 {url.database} 无法打开或不可写 ({cause})"
    if isinstance(exc, SQLAlchemyError):
        return f"一次办无法启动: 无法使用数据库 {url.render_as_string(hide_password=True)} ({cause})"
    return f"一次办无法启动: {cause}"


def served_url(host: str, port: int) -> str:
    """The address a browser on another machine would use; a wildcard bind means this host's name."""
    import socket

    name = socket.gethostname() if host in ("0.0.0.0", "::", "") else host
    name = f"[{name}]" if ":" in name else name
    return f"http://{name}:{port}"


def _profile_names_url(settings: Settings) -> bool:
    from workflows.profile import load_profile

    return load_profile(settings.office_profile).public_base_url is not None


def cmd_check(args, settings: Settings) -> int:
    from rich.console import Console
    from rich.table import Table

    from workflows.catalogue import CatalogueError, load_catalogue

    console = Console(width=160)
    try:
        catalogue = load_catalogue(settings.definitions_dir)
    except CatalogueError as exc:
        console.print(f"[red]{exc}[/red]", markup=True, highlight=False)
        return 1
    table = Table(title="事项目录与到办事现场次数（引擎按状态机主流程计算）")
    for column in ("事项", "办件类型", "法定/承诺(工作日)", "到现场次数", "最少跑路方式", "各送达方式"):
        table.add_column(column)
    over = []
    for version in catalogue.matters():
        d, plan = version.definition, version.visits
        by = "，".join(f"{m.value}:{p.visits}" for m, p in plan.by_delivery.items())
        table.add_row(d.name, d.case_kind.value, f"{d.limits.legal_days}/{d.limits.promised_days}",
                      str(plan.visits), plan.best.how, by)
        if plan.visits > 1:
            over.append(version)
    console.print(table)
    if over:
        console.print("[yellow]以下事项主流程需到现场超过 1 次：[/yellow]")
        for version in over:
            console.print(f"  {version.code} {version.definition.name}: {version.visits.advice()}")
    else:
        console.print("全部事项主流程均可“最多跑一次”。")
    return 0


def cmd_demo(args, settings: Settings) -> int:
    from inspections.demo import build as build_inspections
    from inspections.demo_stock import build_stock
    from workflows.demo import build_demo
    from workflows.sms import FileGateway

    if args.reset:
        _reset_sqlite(settings)
        settings.sms_file.unlink(missing_ok=True)
    if not settings.public_base_url and not _profile_names_url(settings):
        # The history's text messages carry the status link: the address `serve` will be at.
        settings = settings.model_copy(update={"public_base_url": served_url(args.host, args.port)})
    engine, office = _engine_and_office(settings)
    # The history's messages go to the demo's file, never to a provider: its phone numbers are made up.
    gateway = FileGateway(settings.sms_file)
    summary = build_demo(engine=engine, office=office, cases=args.cases, seed=args.seed, progress=True,
                         gateway=gateway)
    print(summary)
    # The licences granted before the system, imported on its first day (the register's 即将到期, 延续提醒).
    print(build_stock(engine=engine, office=office, seed=args.seed, first=summary.first_day, today=office.today(),
                      gateway=gateway))
    # 双随机一公开 over the register: the history's licences and the earlier ones.
    print(build_inspections(engine=engine, office=office, seed=args.seed))
    print(f"短信已写入 {settings.sms_file}")
    return 0


def _reset_sqlite(settings: Settings) -> None:
    from sqlalchemy.engine import make_url

    url = make_url(settings.database_url)
    if url.get_backend_name() != "sqlite":
        raise SystemExit("--reset 只用于默认的 SQLite 数据库；PostgreSQL 请由管理员重建数据库")
    for suffix in ("", "-wal", "-shm"):
        Path(str(url.database) + suffix).unlink(missing_ok=True)


def cmd_sweep(args, settings: Settings) -> int:
    from workflows.db import session
    from workflows.sweep import sweep_overdue_gaps

    engine, office = _engine_and_office(settings)
    day = dt.date.fromisoformat(args.day) if args.day else None
    with session(engine) as s:
        report = sweep_overdue_gaps(session=s, office=office, day=day)
    print(f"终止 {len(report.terminated)} 件：{' '.join(report.terminated) or '无'}")
    if report.skipped:
        print(f"正在被他人处理、留待下次：{' '.join(report.skipped)}")
    return 0


def cmd_outbox(args, settings: Settings) -> int:
    from workflows import outbox
    from workflows.db import session

    if args.outbox_command == "send" and settings.production and settings.sms_problems():
        raise SystemExit("拒绝发送：" + "；".join(settings.sms_problems()))
    engine, office = _engine_and_office(settings)
    with session(engine) as s:
        if args.outbox_command == "send":
            report = outbox.send_pending(session=s, gateway=settings.sms_gateway_for(), now=office.now(),
                                         limit=args.limit)
            print(f"已发送 {len(report.sent)} 条，稍后重试 {len(report.retried)} 条，发送失败 {len(report.failed)} 条")
            return 0
        for m in outbox.latest(s, limit=args.limit):
            print(f"{office.time.local(m.created_at):%Y-%m-%d %H:%M}\t{outbox.STATUS_LABELS[m.status]}\t"
                  f"{m.phone[:3]}****{m.phone[-4:]}\t{m.text}")
    return 0


def cmd_db(args, settings: Settings) -> int:
    from workflows.db import current_revision

    engine = _migrated_engine(settings)
    print(f"数据库已升级到 {current_revision(engine)}")
    return 0


def cmd_calendar(args, settings: Settings) -> int:
    from workflows.calendar_admin import load_arrangement_file
    from workflows.db import session

    engine, office = _engine_and_office(settings)
    with session(engine) as s:
        arrangement, changed = load_arrangement_file(session=s, office=office, path=Path(args.file),
                                                     loaded_by=os.environ.get("USER", "admin"))
    print(f"已导入 {arrangement.year} 年节假日安排（{arrangement.doc_no}），{changed} 件办件的期限由临时改为正式")
    return 0


def cmd_user(args, settings: Settings) -> int:
    from workflows import accounts
    from workflows.db import session

    engine, _ = _engine_and_office(settings)
    with session(engine) as s:
        if args.user_command == "add":
            password = args.password or os.environ.get("ONEVISIT_NEW_PASSWORD") or getpass.getpass("密码: ")
            accounts.add_user(session=s, username=args.username, password=password, roles=args.roles.split(","),
                              display_name=args.name or args.username, window=args.window,
                              now=dt.datetime.now(dt.UTC))
            print(f"已添加用户 {args.username}")
        elif args.user_command == "disable":
            accounts.set_active(session=s, username=args.username, active=False)
            print(f"已停用用户 {args.username}")
        else:
            for user in accounts.list_users(s):
                state = "启用" if user.active else "停用"
                print(f"{user.username}\t{user.display_name}\t{','.join(user.roles)}\t{user.window or '-'}\t{state}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="service.py", description="一次办 OneVisit")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="运行服务")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1,
                       help="工作进程数（建议与 CPU 核数相同；多进程共享同一数据库）")
    sub.add_parser("check", help="校验事项目录，列出到现场次数")
    demo = sub.add_parser("demo", help="生成演示数据")
    # About a dozen applications a working day over the six months simulated, as at a city's transport windows.
    demo.add_argument("--cases", type=int, default=1500, help="过去六个月的申请件数")
    demo.add_argument("--seed", type=int, default=2017, help="随机种子")
    demo.add_argument("--reset", action="store_true", help="先删除默认 SQLite 数据库")
    demo.add_argument("--host", default="127.0.0.1", help="之后 serve 的地址（演示短信中的查询链接指向它）")
    demo.add_argument("--port", type=int, default=8000, help="之后 serve 的端口（同上）")
    sweep = sub.add_parser("sweep", help="终止容缺逾期的办件（定时任务每日自动运行，此命令用于手工补做）")
    sweep.add_argument("--day", help="为哪一天运行（YYYY-MM-DD，默认今天）：补做过去某日，结果与当日按时运行相同")
    worker = sub.add_parser("worker", help="运行定时任务的任务队列（PostgreSQL，Procrastinate）")
    worker.add_argument("--name", help="worker 名称（日志中显示）")
    sub.add_parser("audit", help="效能监察统计").add_argument("audit_command", choices=["rebuild"])
    db = sub.add_parser("db", help="数据库")
    db.add_argument("db_command", choices=["upgrade"])
    cal = sub.add_parser("calendar", help="节假日安排")
    cal.add_argument("calendar_command", choices=["load"])
    cal.add_argument("file")
    user = sub.add_parser("user", help="工作人员账号")
    user_sub = user.add_subparsers(dest="user_command", required=True)
    add = user_sub.add_parser("add")
    add.add_argument("username")
    add.add_argument("--roles", required=True, help="clerk,reviewer,approver,auditor,admin,inspector 中的一个或多个")
    add.add_argument("--name")
    add.add_argument("--window")
    add.add_argument("--password", help="不填则交互输入")
    user_sub.add_parser("list")
    disable = user_sub.add_parser("disable")
    disable.add_argument("username")
    guides = sub.add_parser("guides", help="办事指南").add_subparsers(dest="guides_command", required=True)
    build = guides.add_parser("build", help="生成办事指南 PDF（只重建定义或模板有变化的）")
    build.add_argument("--out", default=str(ROOT / "var" / "guides-print"), help="输出目录")
    build.add_argument("--matter", action="append", metavar="CODE", help="只生成这个事项（可重复）")
    build.add_argument("--booklet", action="store_true", help="同时生成含目录和书签的汇编 PDF")
    token = sub.add_parser("token", help="接口令牌").add_subparsers(dest="token_command", required=True)
    token_issue = token.add_parser("issue", help="为工作人员签发令牌（只显示这一次）")
    token_issue.add_argument("username")
    token_issue.add_argument("--label", required=True, help="用途，例如对接的系统名称")
    token.add_parser("list", help="列出全部令牌（不含令牌本身）")
    token.add_parser("revoke", help="吊销令牌").add_argument("token_id", type=int)
    outbox_cmd = sub.add_parser("outbox", help="给申请人的短信")
    outbox_cmd.add_argument("outbox_command", choices=["send", "list"], help="send：发送到期的短信；list：列出最近的")
    outbox_cmd.add_argument("--limit", type=int, default=100, help="最多处理或列出的条数")
    licences = sub.add_parser("licences", help="证照库").add_subparsers(dest="licences_command", required=True)
    licences.add_parser("import", help="导入存量证照（.xlsx 或 .csv；有一行出错则全部不导入）").add_argument("file")
    licences.add_parser("expiring", help="列出即将到期的有效证照").add_argument(
        "--days", type=int, default=None, help="多少日内到期（默认为办事大厅配置的即将到期期限，通常60）")
    from inspections.draw_cli import add_parser as add_inspections_parser

    add_inspections_parser(sub)
    schema = sub.add_parser("schema", help="事项定义的 JSON Schema（--markdown：字段说明）")
    schema.add_argument("--markdown", action="store_true", help="输出字段说明（docs/definition-reference.md）")
    schema.add_argument("--output", metavar="FILE", help="写入文件（默认输出到标准输出）")
    return parser


def cmd_schema(args, settings: Settings) -> int:
    from workflows.definition_schema import json_schema_text, markdown_reference

    text = markdown_reference() if args.markdown else json_schema_text()
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def cmd_audit(args, settings: Settings) -> int:
    from audit.cli import run

    return run(args, settings)


def cmd_licences(args, settings: Settings) -> int:
    from inspections.cli import run

    return run(args, settings)


def cmd_inspections(args, settings: Settings) -> int:
    from inspections.draw_cli import run

    return run(args, settings)


def cmd_token(args, settings: Settings) -> int:
    from windows.api_cli import run

    return run(args, settings)


def cmd_guides(args, settings: Settings) -> int:
    from guides.build import run_cli

    return run_cli(args, settings)


COMMANDS = {"serve": cmd_serve, "check": cmd_check, "demo": cmd_demo, "sweep": cmd_sweep, "db": cmd_db,
            "worker": cmd_worker,
            "calendar": cmd_calendar, "user": cmd_user, "guides": cmd_guides,
            "audit": cmd_audit, "token": cmd_token, "schema": cmd_schema, "outbox": cmd_outbox,
            "licences": cmd_licences, "inspections": cmd_inspections}


def main(argv: list[str] | None = None) -> int:
    from workflows.errors import DomainError

    args = build_parser().parse_args(argv)
    settings = Settings()
    if args.command in ("serve", "worker"):  # the two that run for good: the worker sends the texts
        settings = settings.checked()
    try:
        return COMMANDS[args.command](args, settings)
    except DomainError as exc:
        # The same coded, Chinese message a clerk would see, without a traceback.
        print(f"错误 [{exc.code}] {exc.message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
