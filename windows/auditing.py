"""效能监察: the auditor's dashboard, drill-down lists, case timelines, exports and monthly report.

Only auditors and administrators. Every figure comes from audit/ (SQL over the
counters kept as cases close); this module parses the request, asks, renders.
"""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Iterator
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from sqlalchemy import select
from sqlmodel import Session, col

from audit import eventlog, exports
from audit.dashboard import Dashboard, build_dashboard, names_of
from audit.drill import DRILLABLE, CaseLine, drill_cases, drill_count
from audit.labels import CAUSE_LABELS, COUNTER_LABELS, OUTCOME_LABELS, STATE_LABELS
from audit.measures import visit_causes_of
from audit.report import Charts, charts_of, report_pdf
from audit.scope import FIRST_DAY, LAST_DAY, Scope, month_of, scope_from
from audit.tables import TABLE_NAMES, case_table, dashboard_tables
from audit.targets import Targets
from windows.api_route import AnsweredInThread
from windows.deps import AuditorDep, CaseDep, OfficeDep, SessionDep
from windows.openapi_responses import page_errors, success
from windows.render_threads import on_render_threads
from windows.rendering import render
from workflows import accounts, errors, queries
from workflows.accounts import ServiceWindow, StaffUser
from workflows.office import Actor, Office
from workflows import timeline as case_timeline

# Every route reads the database; a browser without a session is sent to log in.
router = APIRouter(route_class=AnsweredInThread, tags=["audit 效能监察"],
                   responses=page_errors(303, 401, 403, 422, 503))
PAGE_SIZE = 100
NO_NUL = r"^[^\x00]*$"

# The query parameters that choose a scope, declared so that /docs and the property tests know them.
# Dates stay text here: audit.scope reads them and answers a bad or out-of-range one in Chinese, by field.
Day = Annotated[str | None, Query(description=f"YYYY-MM-DD，{FIRST_DAY} 至 {LAST_DAY}",
                                  json_schema_extra={"format": "date"})]
Dimension = Annotated[str | None, Query(max_length=128, pattern=NO_NUL)]
Period = Annotated[Literal["day", "week", "month"] | None,
                   Query(description="on 所在的日、周（周一至周日）或月；默认本月")]


def dimensions(matter: Dimension = None, window: Dimension = None, clerk: Dimension = None,
               department: Dimension = None) -> dict[str, str]:
    """事项、窗口、工作人员或科室: the slice asked for."""
    given = (("matter", matter), ("window", window), ("clerk", clerk), ("department", department))
    return {k: v for k, v in given if v}


Dimensions = Annotated[dict[str, str], Depends(dimensions)]


def scope_params(*, period: Period = None, on: Day = None, start: Day = None, end: Day = None,
                 dims: Dimensions) -> dict[str, str]:
    """?period=&on= or ?start=&end=, and the dimensions; as given (audit.scope.scope_from reads them)."""
    return {k: v for k, v in (("period", period), ("on", on), ("start", start), ("end", end)) if v} | dims


ScopeParams = Annotated[dict[str, str], Depends(scope_params)]
Counter = Annotated[str | None, Query(description="统计项", json_schema_extra={"enum": sorted(DRILLABLE)})]
Unmask = Annotated[bool, Query(description="导出完整证件号码（仅系统管理员，且记入导出日志）")]


def _scope(office: Office, params: dict[str, str]) -> Scope:
    return scope_from(params, office.today(), time=office.time)


def _dashboard(office: Office, session: Session, scope: Scope) -> Dashboard:
    return build_dashboard(session.connection(), scope=scope, catalogue=office.catalogue, targets=Targets())


def link(path: str, scope: Scope, **extra: Any) -> str:
    params = {**scope.params(), **{k: v for k, v in extra.items() if v is not None}}
    return f"{path}?{urlencode(params)}"


@dataclass(frozen=True)
class Choices:
    """What the filter form offers: every matter, window, clerk and department known."""

    matters: list[tuple[str, str]]
    windows: list[tuple[str, str]]
    clerks: list[tuple[str, str]]
    departments: list[str]


def _choices(session: Session, office: Office) -> Choices:
    staff = session.execute(select(col(StaffUser.username), col(StaffUser.display_name),
                                   col(StaffUser.department), col(StaffUser.roles))).all()
    return Choices(
        matters=[(v.code, v.definition.name) for v in office.catalogue.matters()],
        windows=[(c, n) for c, n in session.execute(select(col(ServiceWindow.code), col(ServiceWindow.name))).all()],
        clerks=[(u, n) for u, n, _, roles in staff if "clerk" in roles],
        departments=sorted({d for _, _, d, _ in staff if d}),
    )


@dataclass(frozen=True)
class DashboardPage:
    d: Dashboard
    charts: Charts
    choices: Choices
    period: str
    exports: list[tuple[str, str]]  # (table name, title)

    def drill(self, counter: str, **dims: str | None) -> str:
        return link("/audit/cases", self.d.scope, counter=counter, **dims)

    def export(self, name: str, fmt: str) -> str:
        return link(f"/audit/export/{name}.{fmt}", self.d.scope)

    def narrowed(self, **dims: str) -> str:
        return link("/audit", self.d.scope.narrowed(**dims))

    def eventlog(self, fmt: str) -> str:
        return link(f"/audit/eventlog.{fmt}", self.d.scope)

    @property
    def report(self) -> str:
        return f"/audit/report.pdf?{urlencode({'on': self.d.scope.end.isoformat()})}"


@router.get("/audit", response_class=HTMLResponse)
def dashboard(request: Request, params: ScopeParams, actor: AuditorDep, session: SessionDep, office: OfficeDep):
    scope = _scope(office, params)
    d = _dashboard(office, session, scope)
    tables = dashboard_tables(d)
    page = DashboardPage(d, charts_of(d), _choices(session, office), params.get("period", "month"),
                         [(t.name, t.title) for t in tables.values()])
    return render(request, "audit_dashboard.html", actor=actor, title="效能监察", page=page,
                  labels=COUNTER_LABELS, pct=pct)


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


# ---- drill-down and timeline ----------------------------------------------------------

@dataclass(frozen=True)
class CasesPage:
    counter: str
    label: str
    scope: Scope
    total: int
    lines: list[CaseLine]
    causes: dict[int, list]
    page: int
    pages: int
    matter_names: dict[str, str]
    clerk_names: dict[str, str]  # staff are shown by their names

    def href(self, page: int) -> str:
        return link("/audit/cases", self.scope, counter=self.counter, page=page)

    def export(self, fmt: str) -> str:
        return link(f"/audit/export/cases.{fmt}", self.scope, counter=self.counter)


def _counter(counter: str | None) -> str:
    counter = counter or ""
    if counter not in DRILLABLE:
        raise errors.NotFound(f"没有名为“{counter}”的统计项")
    return counter


@router.get("/audit/cases", response_class=HTMLResponse, responses=page_errors(404))
def cases(request: Request, params: ScopeParams, *, counter: Counter = None,
          page: Annotated[int, Query(ge=1, le=10**6)] = 1, actor: AuditorDep, session: SessionDep,
          office: OfficeDep):
    scope, counter = _scope(office, params), _counter(counter)
    conn = session.connection()
    total = drill_count(conn, scope, counter)
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    page = min(max(page, 1), pages)
    lines = drill_cases(conn, scope, counter, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    causes = visit_causes_of(conn, [line.case_id for line in lines if line.visits > 1])
    names = names_of(conn, office.catalogue)
    context = CasesPage(counter, COUNTER_LABELS[counter], scope, total, lines, causes, page, pages, names.matters,
                        names.clerks)
    return render(request, "audit_cases.html", actor=actor, title=COUNTER_LABELS[counter], page=context,
                  state_labels=STATE_LABELS, outcome_labels=OUTCOME_LABELS, cause_labels=CAUSE_LABELS,
                  material_name=_material_namer(office))


def _material_namer(office: Office):
    catalogue = office.catalogue

    def name(matter_code: str, material_id: str | None) -> str:
        if material_id is None:
            return ""
        try:
            return catalogue.get(matter_code).definition.material(material_id).name
        except (KeyError, errors.NotFound):
            return material_id
    return name


@router.get("/audit/cases/{case_id:int}", response_class=HTMLResponse, responses=page_errors(404))
def timeline(request: Request, actor: AuditorDep, case: CaseDep, session: SessionDep, office: OfficeDep):
    matter = office.matter_of(case)
    compiled = matter.compiled
    assert case.id is not None, "CaseDep loads a stored case"
    events = queries.events_of(session, case.id)
    rows = case_timeline.timeline(matter, events, time=office.time,
                                  names=accounts.staff_names(session, [e.actor for e in events]))
    return render(request, "audit_case.html", actor=actor, title=f"办件时间线 {case.receipt_no}", case=case,
                  matter_name=matter.definition.name, rows=rows, state_label=compiled.state_label(case.state),
                  staff_page="/cases/{id}" in request.app.state.page_paths and bool(actor.roles & {"auditor"}))


# ---- exports --------------------------------------------------------------------------

def _unmask(unmask: bool, actor: Actor) -> bool:
    return exports.may_unmask(actor, unmask)


def _log(request: Request, office: Office, session: Session, actor: Actor, export: str, fmt: str,
         unmasked: bool) -> None:
    params = {k: v for k, v in request.query_params.items()}
    exports.log_export(session.connection(), actor=actor, export=export, fmt=fmt, unmasked=unmasked, params=params,
                       now=office.now())
    session.commit()


def _table(office: Office, session: Session, name: str, scope: Scope, counter: str | None, unmasked: bool):
    if name == "cases":
        counter = _counter(counter)
        conn = session.connection()
        names = names_of(conn, office.catalogue)
        lines = drill_cases(conn, scope, counter, limit=None, unmasked=unmasked)
        return case_table(COUNTER_LABELS[counter], lines, names.matters, names.clerks)
    tables = dashboard_tables(_dashboard(office, session, scope))
    if name not in tables:
        raise errors.NotFound(f"没有名为“{name}”的表格")
    return tables[name]


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TABLE_JSON = {"type": "object", "properties": {"name": {"type": "string"}, "title": {"type": "string"},
                                               "columns": {"type": "array", "items": {"type": "string"}},
                                               "rows": {"type": "array", "items": {"type": "array"}}},
              "required": ["name", "title", "columns", "rows"]}


@router.get("/audit/export/{name}.{fmt}", response_class=Response,
            responses=success("text/csv", XLSX, "application/json", description="表格（CSV、XLSX 或 JSON）",
                              json_schema=TABLE_JSON) | page_errors(404))
def export_table(request: Request, params: ScopeParams,
                 name: Annotated[str, Path(json_schema_extra={"enum": sorted({*TABLE_NAMES, "cases"})})],
                 fmt: Annotated[str, Path(json_schema_extra={"enum": list(exports.FORMATS)})],
                 *, counter: Counter = None, unmask: Unmask = False,
                 actor: AuditorDep, session: SessionDep, office: OfficeDep):
    if fmt not in exports.FORMATS:
        raise errors.NotFound("导出格式须为 csv、xlsx 或 json")
    unmasked = _unmask(unmask, actor)
    scope = _scope(office, params)
    table = _table(office, session, name, scope, counter, unmasked)
    _log(request, office, session, actor, name, fmt, unmasked)
    filename = f"{name}-{scope.start:%Y%m%d}-{scope.end:%Y%m%d}.{fmt}"
    disposition = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if fmt == "json":
        return JSONResponse(exports.json_rows(table))
    if fmt == "xlsx":
        return Response(exports.xlsx_bytes(table), headers=disposition, media_type=XLSX)
    return StreamingResponse(exports.csv_chunks(table), media_type="text/csv; charset=utf-8", headers=disposition)


@router.get("/audit/eventlog.{fmt}", response_class=Response,
            responses=success("text/csv", "application/xml", description="事件日志（XES 键名的 CSV，或 XES 1.0）")
            | page_errors(404))
def export_event_log(request: Request, params: ScopeParams,
                     fmt: Annotated[str, Path(json_schema_extra={"enum": ["csv", "xes"]})], *, unmask: Unmask = False,
                     actor: AuditorDep, session: SessionDep, office: OfficeDep):
    """The whole log, or the cases received in ?start=&end= (and matter, window …) when given."""
    if fmt not in ("csv", "xes"):
        raise errors.NotFound("事件日志格式须为 csv 或 xes")
    unmasked = _unmask(unmask, actor)
    scope = _scope(office, params) if params.get("start") or params.get("on") else None
    _log(request, office, session, actor, "eventlog", fmt, unmasked)
    engine = request.app.state.engine
    chunks = eventlog.csv_chunks if fmt == "csv" else eventlog.xes_chunks

    def stream() -> Iterator[str]:
        with engine.connect() as conn:  # the request's session is closed before a streamed body is sent
            yield from chunks(conn, scope, unmasked)
    media = "text/csv; charset=utf-8" if fmt == "csv" else "application/xml; charset=utf-8"
    return StreamingResponse(stream(), media_type=media,
                             headers={"Content-Disposition": f'attachment; filename="onevisit-eventlog.{fmt}"'})


@router.get("/audit/report.pdf", response_class=Response,
            responses=success("application/pdf", description="月度效能报告（A4 PDF）"))
@on_render_threads
def monthly_report(request: Request, *, on: Day = None, dims: Dimensions, actor: AuditorDep, session: SessionDep,
                   office: OfficeDep):
    day = scope_from({"on": on} if on else {}, office.today(), time=office.time).end
    start, end = month_of(day)
    scope = Scope(start, end, matter=dims.get("matter"), window=dims.get("window"), clerk=dims.get("clerk"),
                  department=dims.get("department"), time=office.time)
    d = _dashboard(office, session, scope)
    pdf = report_pdf(request.app.state.templates, d, office_name=office.profile.name,
                     generated_at=office.time.local(office.now()))
    _log(request, office, session, actor, "report", "pdf", False)
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="audit-{start:%Y-%m}.pdf"'})
