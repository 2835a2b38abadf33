"""效能监察: the auditor's dashboard, drill-down lists, case timelines, exports and monthly report.

Only auditors and administrators. Every figure comes from audit/ (SQL over the
counters kept as cases close); this module parses the request, asks, renders.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from sqlalchemy import select
from sqlmodel import Session

from audit import eventlog, exports
from audit.dashboard import Dashboard, build_dashboard, names_of
from audit.drill import DRILLABLE, CaseLine, drill_cases, drill_count
from audit.labels import CAUSE_LABELS, COUNTER_LABELS, OUTCOME_LABELS, STATE_LABELS
from audit.measures import visit_causes_of
from audit.report import Charts, charts_of, report_pdf
from audit.scope import DIMENSIONS, Scope, month_of, scope_from
from audit.tables import case_table, dashboard_tables
from audit.targets import Targets
from windows.auth import db, require_roles
from windows.render_threads import on_render_threads
from windows.rendering import render
from workflows import accounts, errors, queries
from workflows.accounts import ServiceWindow, StaffUser
from workflows.office import Actor
from workflows import timeline as case_timeline

router = APIRouter()
auditors = require_roles("auditor", "admin")
PAGE_SIZE = 100


def _office(request: Request):
    return request.app.state.office


def _scope(request: Request) -> Scope:
    office = _office(request)
    return scope_from(dict(request.query_params), office.today(), time=office.time)


def _dashboard(request: Request, session: Session, scope: Scope) -> Dashboard:
    return build_dashboard(session.connection(), scope=scope, catalogue=_office(request).catalogue, targets=Targets())


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


def _choices(session: Session, request: Request) -> Choices:
    staff = session.exec(select(StaffUser.username, StaffUser.display_name, StaffUser.department, StaffUser.roles)).all()
    return Choices(
        matters=[(v.code, v.definition.name) for v in _office(request).catalogue.matters()],
        windows=[(c, n) for c, n in session.exec(select(ServiceWindow.code, ServiceWindow.name)).all()],
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


@router.get("/audit")
def dashboard(request: Request, actor: Actor = Depends(auditors), session: Session = Depends(db)):
    scope = _scope(request)
    d = _dashboard(request, session, scope)
    tables = dashboard_tables(d)
    page = DashboardPage(d, charts_of(d), _choices(session, request), request.query_params.get("period", "month"),
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


def _counter(request: Request) -> str:
    counter = request.query_params.get("counter", "")
    if counter not in DRILLABLE:
        raise errors.NotFound(f"没有名为“{counter}”的统计项")
    return counter


@router.get("/audit/cases")
def cases(request: Request, page: int = 1, actor: Actor = Depends(auditors), session: Session = Depends(db)):
    scope, counter = _scope(request), _counter(request)
    conn = session.connection()
    total = drill_count(conn, scope, counter)
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    page = min(max(page, 1), pages)
    lines = drill_cases(conn, scope, counter, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    causes = visit_causes_of(conn, [line.case_id for line in lines if line.visits > 1])
    names = names_of(conn, _office(request).catalogue)
    context = CasesPage(counter, COUNTER_LABELS[counter], scope, total, lines, causes, page, pages, names.matters,
                        names.clerks)
    return render(request, "audit_cases.html", actor=actor, title=COUNTER_LABELS[counter], page=context,
                  state_labels=STATE_LABELS, outcome_labels=OUTCOME_LABELS, cause_labels=CAUSE_LABELS,
                  material_name=_material_namer(request))


def _material_namer(request: Request):
    catalogue = _office(request).catalogue

    def name(matter_code: str, material_id: str | None) -> str:
        if material_id is None:
            return ""
        try:
            return catalogue.get(matter_code).definition.material(material_id).name
        except (KeyError, errors.NotFound):
            return material_id
    return name


@router.get("/audit/cases/{case_id:int}")
def timeline(request: Request, case_id: int, actor: Actor = Depends(auditors), session: Session = Depends(db)):
    case = queries.get_case(session, case_id)
    matter = _office(request).matter_of(case)
    compiled = matter.compiled
    events = queries.events_of(session, case_id)
    rows = case_timeline.timeline(matter, events, time=_office(request).time,
                                  names=accounts.staff_names(session, [e.actor for e in events]))
    return render(request, "audit_case.html", actor=actor, title=f"办件时间线 {case.receipt_no}", case=case,
                  matter_name=matter.definition.name, rows=rows, state_label=compiled.state_label(case.state),
                  staff_page="/cases/{id}" in request.app.state.page_paths and bool(actor.roles & {"auditor"}))


# ---- exports --------------------------------------------------------------------------

def _unmask(request: Request, actor: Actor) -> bool:
    return exports.may_unmask(actor, request.query_params.get("unmask") in ("1", "true", "yes"))


def _log(request: Request, session: Session, actor: Actor, export: str, fmt: str, unmasked: bool) -> None:
    params = {k: v for k, v in request.query_params.items()}
    exports.log_export(session.connection(), actor=actor, export=export, fmt=fmt, unmasked=unmasked, params=params,
                       now=_office(request).now())
    session.commit()


def _table(request: Request, session: Session, name: str, unmasked: bool):
    scope = _scope(request)
    if name == "cases":
        counter = _counter(request)
        conn = session.connection()
        names = names_of(conn, _office(request).catalogue)
        lines = drill_cases(conn, scope, counter, limit=None, unmasked=unmasked)
        return case_table(COUNTER_LABELS[counter], lines, names.matters, names.clerks)
    tables = dashboard_tables(_dashboard(request, session, scope))
    if name not in tables:
        raise errors.NotFound(f"没有名为“{name}”的表格")
    return tables[name]


@router.get("/audit/export/{name}.{fmt}")
def export_table(request: Request, name: str, fmt: str, actor: Actor = Depends(auditors),
                 session: Session = Depends(db)):
    if fmt not in exports.FORMATS:
        raise errors.NotFound("导出格式须为 csv、xlsx 或 json")
    unmasked = _unmask(request, actor)
    table = _table(request, session, name, unmasked)
    _log(request, session, actor, name, fmt, unmasked)
    filename = f"{name}-{_scope(request).start:%Y%m%d}-{_scope(request).end:%Y%m%d}.{fmt}"
    disposition = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if fmt == "json":
        return JSONResponse(exports.json_rows(table))
    if fmt == "xlsx":
        return Response(exports.xlsx_bytes(table), headers=disposition,
                        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    return StreamingResponse(exports.csv_chunks(table), media_type="text/csv; charset=utf-8", headers=disposition)


@router.get("/audit/eventlog.{fmt}")
def export_event_log(request: Request, fmt: str, actor: Actor = Depends(auditors), session: Session = Depends(db)):
    """The whole log, or the cases received in ?start=&end= (and matter, window …) when given."""
    if fmt not in ("csv", "xes"):
        raise errors.NotFound("事件日志格式须为 csv 或 xes")
    unmasked = _unmask(request, actor)
    scope = _scope(request) if request.query_params.get("start") or request.query_params.get("on") else None
    _log(request, session, actor, "eventlog", fmt, unmasked)
    engine = request.app.state.engine
    chunks = eventlog.csv_chunks if fmt == "csv" else eventlog.xes_chunks

    def stream() -> Iterator[str]:
        with engine.connect() as conn:  # the request's session is closed before a streamed body is sent
            yield from chunks(conn, scope, unmasked)
    media = "text/csv; charset=utf-8" if fmt == "csv" else "application/xml; charset=utf-8"
    return StreamingResponse(stream(), media_type=media,
                             headers={"Content-Disposition": f'attachment; filename="onevisit-eventlog.{fmt}"'})


@router.get("/audit/report.pdf")
@on_render_threads
def monthly_report(request: Request, on: str | None = None, actor: Actor = Depends(auditors),
                   session: Session = Depends(db)):
    office = _office(request)
    day = scope_from({"on": on} if on else {}, office.today(), time=office.time).end
    start, end = month_of(day)
    dims = {d: request.query_params.get(d) or None for d in DIMENSIONS}
    d = _dashboard(request, session, Scope(start, end, **dims, time=office.time))
    pdf = report_pdf(request.app.state.templates, d, office_name=office.profile.name,
                     generated_at=office.time.local(office.now()))
    _log(request, session, actor, "report", "pdf", False)
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="audit-{start:%Y-%m}.pdf"'})
