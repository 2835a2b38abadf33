"""效能监察: the auditor's dashboard, drill-down lists, case timelines, exports and monthly report.

Only auditors and administrators. Every figure comes from audit/ (SQL over the
counters kept as cases close); this module parses the request, asks, renders.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from collections.abc import Iterator
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response, StreamingResponse
from sqlalchemy import select
from sqlmodel import Session, col

from audit import eventlog, exports, remedies
from audit.dashboard import Dashboard, build_view, names_of
from audit.rating_list import RATING_LISTS
from audit.ranking import DIRECTION_LABELS, rule_measures, rule_text
from audit.drill import DRILLABLE, CaseLine, drill_cases, drill_count
from audit.labels import CAUSE_LABELS, COUNTER_LABELS, OUTCOME_LABELS, STATE_LABELS
from audit.measures import visit_causes_of
from audit.report import Charts, charts_of, points, report_pdf
from audit.openwork import LIMITS, as_of_day, open_work
from audit.scope import FIRST_DAY, LAST_DAY, QUARTER_NAMES, Scope, last_full_month, scope_from
from audit.tables import TABLE_NAMES, case_table, dashboard_tables, overdue_table
from audit.targets import Targets
from inspections import results as inspection_results
from workflows.deadline_marks import DUE_SOON_WORKDAYS, MarkCounts, mark_counts
from windows.api_route import AnsweredInThread
from windows import forms
from windows.deps import AuditorDep, AuditorOnlyDep, CaseDep, FormDep, OfficeDep, SessionDep
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
Period = Annotated[Literal["day", "week", "month", "quarter", "year", "range"] | None,
                   Query(description="统计周期：month、quarter、year 取同名参数（或 on 所在的日、周、月、季度、年），"
                                     "range 取 start 至 end；默认上一个完整月份，进行中的周期截至今日")]
MonthParam = Annotated[str | None, Query(max_length=16, pattern=NO_NUL, description="YYYY-MM")]
QuarterParam = Annotated[str | None, Query(max_length=16, pattern=NO_NUL, description="YYYY-Qn")]
YearParam = Annotated[str | None, Query(max_length=16, pattern=NO_NUL, description="YYYY")]


def dimensions(matter: Dimension = None, window: Dimension = None, clerk: Dimension = None,
               department: Dimension = None) -> dict[str, str]:
    """事项、窗口、工作人员或科室: the slice asked for."""
    given = (("matter", matter), ("window", window), ("clerk", clerk), ("department", department))
    return {k: v for k, v in given if v}


Dimensions = Annotated[dict[str, str], Depends(dimensions)]


def scope_params(*, period: Period = None, on: Day = None, start: Day = None, end: Day = None,
                 month: MonthParam = None, quarter: QuarterParam = None, year: YearParam = None,
                 dims: Dimensions) -> dict[str, str]:
    """The period's parameters and the dimensions, as given (audit.scope.scope_from reads them)."""
    given = (("period", period), ("on", on), ("start", start), ("end", end), ("month", month),
             ("quarter", quarter), ("year", year))
    return {k: v for k, v in given if v} | dims


ScopeParams = Annotated[dict[str, str], Depends(scope_params)]
Counter = Annotated[str | None, Query(description="统计项", json_schema_extra={"enum": sorted(DRILLABLE)})]
Limit = Annotated[Literal["promised", "legal"], Query(description="在办超期：promised 超承诺时限，legal 超法定时限")]
Unmask = Annotated[bool, Query(description="导出完整证件号码（仅系统管理员，且记入导出日志）")]


def _scope(office: Office, params: dict[str, str]) -> Scope:
    return scope_from(params, office.today(), time=office.time)


def _dashboard(office: Office, session: Session, scope: Scope) -> Dashboard:
    return build_view(session.connection(), scope=scope, catalogue=office.catalogue, targets=Targets(),
                      calendar=office.calendar, today=office.today())


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
class PeriodForm:
    """What the period form shows: the chosen period's values, the quarters and years offered, two shortcuts."""

    kind: str  # month | quarter | year | range
    month: str  # YYYY-MM
    quarter: str  # YYYY-Qn
    year: str
    start: str
    end: str
    quarters: list[tuple[str, str]]
    years: list[str]
    shortcuts: list[tuple[str, str, bool]]  # (label, href, current)
    today: str  # the pickers stop here: a period that has not begun is refused (audit.scope)


def _period_form(scope: Scope, today: dt.date, dims: dict[str, str]) -> PeriodForm:
    last_start, _ = last_full_month(today)
    this_start = today.replace(day=1)
    quarters = []
    for year in range(today.year, today.year - 3, -1):
        for q in range(4, 0, -1):
            if dt.date(year, (q - 1) * 3 + 1, 1) <= today:
                quarters.append((f"{year}-Q{q}", f"{year}年第{QUARTER_NAMES[q - 1]}季度"))
    shortcuts = []
    for label, first in ((f"上月（{last_start.year}年{last_start.month}月）", last_start),
                         (f"本月至今（{this_start.month}月1日至{today.month}月{today.day}日）", this_start)):
        params = {"period": "month", "month": f"{first:%Y-%m}", **dims}
        current = scope.kind == "month" and scope.start == first
        shortcuts.append((label, f"/audit?{urlencode(params)}", current))
    kind = scope.kind if scope.kind in ("month", "quarter", "year") else "range"
    quarter = f"{scope.start.year}-Q{(scope.start.month - 1) // 3 + 1}"
    return PeriodForm(kind=kind, month=f"{scope.start:%Y-%m}", quarter=quarter,
                      year=str(scope.start.year), start=scope.start.isoformat(), end=scope.end.isoformat(),
                      quarters=quarters, years=[str(y) for y in range(today.year, today.year - 6, -1)],
                      shortcuts=shortcuts, today=today.isoformat())


@dataclass(frozen=True)
class DashboardPage:
    d: Dashboard
    charts: Charts
    choices: Choices
    form: PeriodForm
    exports: list[tuple[str, str]]  # (table name, title)
    marks: MarkCounts  # this morning's 即将超期/已超期 marks on the centre's open cases, whatever the period

    def overdue(self, limit: str) -> str:
        return link("/audit/overdue", self.d.scope, limit=limit)

    def drill(self, counter: str, **dims: str | None) -> str:
        """The list behind a count: the ratings for a rating counter, else the cases."""
        if counter in RATING_LISTS:
            return link("/ratings", self.d.scope.narrowed(**dims), counter=counter)
        return link("/audit/cases", self.d.scope, counter=counter, **dims)

    def export(self, name: str, fmt: str) -> str:
        return link(f"/audit/export/{name}.{fmt}", self.d.scope)

    def narrowed(self, **dims: str) -> str:
        return link("/audit", self.d.scope.narrowed(**dims))

    def eventlog(self, fmt: str) -> str:
        return link(f"/audit/eventlog.{fmt}", self.d.scope)

    @property
    def report(self) -> str:
        return f"/audit/report.pdf?{urlencode({'on': self.d.scope.start.isoformat()})}"

    @property
    def remedies(self) -> str:
        return f"/audit/remedies?{urlencode({'month': f'{self.d.scope.start:%Y-%m}'})}"


@router.get("/audit", response_class=HTMLResponse)
def dashboard(request: Request, params: ScopeParams, actor: AuditorDep, session: SessionDep, office: OfficeDep):
    scope = _scope(office, params)
    d = _dashboard(office, session, scope)
    tables = dashboard_tables(d)
    dims = {k: v for k, v in params.items() if k in ("matter", "window", "clerk", "department")}
    page = DashboardPage(d, charts_of(d), _choices(session, office), _period_form(scope, office.today(), dims),
                         [(t.name, t.title) for t in tables.values()], mark_counts(session))
    # 双随机一公开: the results recorded in the period and how they were published (audit/ may not import inspections/).
    publication = inspection_results.on_time(session=session, office=office, start=scope.start, end=scope.end)
    return render(request, "audit_dashboard.html", actor=actor, title="效能监察", page=page,
                  labels=COUNTER_LABELS, pct=pct, points=points, due_soon_days=DUE_SOON_WORKDAYS,
                  inspection_publication=publication, publish_within=inspection_results.PUBLISH_WITHIN_WORKDAYS,
                  rule=rule_measures(), rule_text=rule_text(), directions=DIRECTION_LABELS)


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


# ---- 在办超期 ------------------------------------------------------------------------

@dataclass(frozen=True)
class OverduePage:
    limit: str
    label: str
    scope: Scope
    as_of: dt.date
    open_cases: int
    lines: list
    matter_names: dict[str, str]
    clerk_names: dict[str, str]
    window_names: dict[str, str]

    def other(self, limit: str) -> str:
        return link("/audit/overdue", self.scope, limit=limit)

    def export(self, fmt: str) -> str:
        return link(f"/audit/export/overdue.{fmt}", self.scope, limit=self.limit)

    @property
    def back(self) -> str:
        return link("/audit", self.scope)


@router.get("/audit/overdue", response_class=HTMLResponse)
def overdue(request: Request, params: ScopeParams, *, limit: Limit = "promised", actor: AuditorDep,
            session: SessionDep, office: OfficeDep):
    """在办超期: the cases open on the period's last day (today for one in progress) past the limit."""
    scope = _scope(office, params)
    conn = session.connection()
    work = open_work(conn, scope, as_of=as_of_day(scope, office.today()), calendar=office.calendar)
    names = names_of(conn, office.catalogue)
    context = OverduePage(limit, f"在办超{LIMITS[limit]}", scope, work.as_of, work.open_cases, work.past(limit),
                          names.matters, names.clerks, names.windows)
    return render(request, "audit_overdue.html", actor=actor, title=context.label, page=context,
                  state_label=_state_labeller(office))


def _state_labeller(office: Office):
    def label(matter_code: str, state: str) -> str:
        try:
            return office.catalogue.get(matter_code).compiled.state_label(state)
        except (KeyError, errors.NotFound):
            return state
    return label


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


def _table(office: Office, session: Session, name: str, scope: Scope, counter: str | None, unmasked: bool,
           limit: str = "promised"):
    if name == "overdue":
        conn = session.connection()
        names = names_of(conn, office.catalogue)
        work = open_work(conn, scope, as_of=as_of_day(scope, office.today()), calendar=office.calendar,
                         unmasked=unmasked)
        return overdue_table(f"在办超{LIMITS[limit]}", work, limit, names.matters, names.clerks)
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
                 name: Annotated[str, Path(json_schema_extra={"enum": sorted({*TABLE_NAMES, "cases", "overdue"})})],
                 fmt: Annotated[str, Path(json_schema_extra={"enum": list(exports.FORMATS)})],
                 *, counter: Counter = None, limit: Limit = "promised", unmask: Unmask = False,
                 actor: AuditorDep, session: SessionDep, office: OfficeDep):
    if fmt not in exports.FORMATS:
        raise errors.NotFound("导出格式须为 csv、xlsx 或 json")
    unmasked = _unmask(unmask, actor)
    scope = _scope(office, params)
    table = _table(office, session, name, scope, counter, unmasked, limit)
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
    chosen = {"period": "month", "on": on} if on else {}
    scope = scope_from(chosen | dims, office.today(), time=office.time)
    start = scope.start
    d = _dashboard(office, session, scope)
    pdf = report_pdf(request.app.state.templates, d, office_name=office.profile.name,
                     generated_at=office.time.local(office.now()),
                     remedies=remedies.remedies_of(session.connection(), month=scope.start))
    _log(request, office, session, actor, "report", "pdf", False)
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="audit-{start:%Y-%m}.pdf"'})


# ---- 整改措施 for the monthly report ---------------------------------------------------------

MonthOf = Annotated[str | None, Query(max_length=16, pattern=NO_NUL,
                                      description="报告月份 YYYY-MM；默认上一个完整月份")]


def _report_month(office: Office, month: str | None) -> Scope:
    chosen = {"period": "month", "month": month} if month else {}
    return scope_from(chosen, office.today(), time=office.time)


@router.get("/audit/remedies", response_class=HTMLResponse)
def remedies_form(request: Request, *, month: MonthOf = None, saved: Annotated[bool, Query()] = False,
                  actor: AuditorDep, session: SessionDep, office: OfficeDep):
    """The form for the month's written 整改措施, beside what fell below target and why."""
    scope = _report_month(office, month)
    d = _dashboard(office, session, scope)
    current = remedies.remedies_of(session.connection(), month=scope.start)
    return render(request, "audit_remedies.html", actor=actor, title=f"整改措施 {scope.label}", d=d,
                  month=f"{scope.start:%Y-%m}", remedies=current, saved=saved, may_write=actor.has("auditor"),
                  max_chars=remedies.MAX_CHARS,
                  report=f"/audit/report.pdf?{urlencode({'on': scope.start.isoformat()})}",
                  staff_names=d.names.clerks)


@router.post("/audit/remedies", response_class=HTMLResponse)
def remedies_save(request: Request, actor: AuditorOnlyDep, form: FormDep, session: SessionDep, office: OfficeDep):
    scope = _report_month(office, forms.clean(form.get("month"), 16) or None)
    text = str(form.get("text") or "").replace("\x00", "")
    remedies.save_remedies(session=session, month=scope.start, text=text, actor=actor, now=office.now())
    session.commit()
    return RedirectResponse(f"/audit/remedies?{urlencode({'month': f'{scope.start:%Y-%m}', 'saved': 1})}",
                            status_code=303)
