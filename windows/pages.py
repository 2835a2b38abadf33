"""The counter-staff pages: login, my queue, intake, the case page, search and the catalogue.

    GET  /                       home: the queue, 效能监察 or the public pages, by who is asking
    GET  /login, POST /login     login form (CSRF, per-account lock, per-address limit); POST /logout
    GET  /queue                  我的待办 (clerk, reviewer, approver)
    GET  /queue/waiting          等待申请人: 待补正 and 容缺待补 cases, soonest deadline first
    GET  /search?q=              办件查询 by receipt no., name, ID/credit code, phone
    GET  /cases/new?q=           新建办件: choose the matter (name, pinyin initials, code)
    GET  /cases/new/{code}       the intake form; POST it with step=preview | confirm:<action>
    POST /cases/new/{code}/applicable-materials   (JSON) which materials the 办件情况 posted call for
    POST /cases/new/{code}/known-applicant        (JSON) the applicant last on file under an exact ID number
    GET  /cases/{id}             办件详情 with one form per action the engine allows this user
    POST /cases/{id}/act         take one action (trigger + version + its fields)
    GET  /matters, /matters/{code}   事项目录 and one matter's definition and states

Handlers are thin: read the form, call the engine, redirect (POST/redirect/GET)
or render the page again with the errors. Every route declares its roles.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from sqlmodel import Session

from inspections import register
from windows import contexts, forms, intake_flow
from windows.api_route import AnsweredInThread
from windows.auth import TooManyAttempts, anyone, client_key, flash, log_in, log_out
from windows.deps import (CaseDep, CaseReaderDep, ClerkDep, FormDep, MaybeActorDep, OfficeDep, SessionDep, StaffDep,
                          WorkerDep)
from windows.errors import status_of
from windows.openapi_responses import page_errors
from windows.rendering import AUDITORS, WORKERS, render
from workflows import accounts, action_kinds, actions, errors, intake, queries, rating_tasks
from workflows.definition import ROLE_LABELS
from workflows.demo_users import is_demo_password
from workflows.office import Actor, Office

# Staff pages answer HTML (a browser without a session is sent to the login form); the two
# helpers the intake page calls as it changes answer JSON and say so.
router = APIRouter(route_class=AnsweredInThread, default_response_class=HTMLResponse,
                   responses=page_errors(303, 401, 403, 404, 422, 503))


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


# ---- home, login, logout ----------------------------------------------------------

@router.get("/", dependencies=[Depends(anyone)])
def home(request: Request, actor: MaybeActorDep):
    if actor is None:
        return _see_other("/public")
    if actor.roles & WORKERS:
        return _see_other("/queue")
    if actor.roles & AUDITORS and "/audit" in request.app.state.page_paths:
        return _see_other("/audit")
    if "inspector" in actor.roles and "/inspections/tasks" in request.app.state.page_paths:
        return _see_other("/inspections/tasks")
    return _see_other("/matters")


def _safe_next(target: str) -> str:
    # Only paths on this site: "//host" and "/\\host" would leave it.
    return target if target.startswith("/") and not target.startswith(("//", "/\\")) else "/"


@router.get("/login", dependencies=[Depends(anyone)])
def login_form(request: Request, next: str = "/"):
    return render(request, "login.html", actor=None, title="工作人员登录", next=_safe_next(next), username="",
                  error=None)


@router.post("/login", dependencies=[Depends(anyone)])
def login(request: Request, form: FormDep, session: SessionDep, office: OfficeDep):
    username, password = forms.clean(form.get("username"), 64), str(form.get("password") or "")
    target = _safe_next(forms.clean(form.get("next"), 500) or "/")
    try:
        user = _authenticate(request, session, office, username, password)
    except errors.DomainError as exc:
        status = 401 if exc.code == "login-failed" else status_of(exc)
        return render(request, "login.html", actor=None, status=status, title="工作人员登录",
                      next=target, username=username, error=exc)
    log_in(request, user)
    return _see_other(target)


def _authenticate(request: Request, session: Session, office: Office, username: str,
                  password: str) -> accounts.StaffUser:
    throttle, now, address = request.app.state.login_throttle, office.now(), client_key(request)
    if throttle.blocked(session=session, address=address, now=now):
        raise TooManyAttempts("本机登录失败次数过多，请 15 分钟后再试")
    try:
        user = accounts.authenticate(session=session, username=username, password=password, now=now)
    except errors.DomainError:
        throttle.failed(session=session, address=address, now=now)
        raise
    if request.app.state.settings.production and is_demo_password(username, password):
        raise errors.DemoPassword()
    return user


@router.post("/logout", dependencies=[Depends(anyone)])
def logout(request: Request, form: FormDep):
    log_out(request)
    return _see_other("/login")


# ---- my queue and search ------------------------------------------------------------

def _window(session: Session, actor: Actor):
    """The clerk's window and whether it is a 综合窗口 (whose queues show every window's cases)."""
    window = session.get(accounts.ServiceWindow, actor.window) if actor.window else None
    return window, bool(window and window.comprehensive)


@router.get("/queue")
def queue(request: Request, actor: WorkerDep, session: SessionDep, office: OfficeDep):
    window, comprehensive = _window(session, actor)
    found = queries.queue_for(session, actor, all_windows=comprehensive)
    waiting = queries.count_waiting(session=session, actor=actor, all_windows=comprehensive)
    return render(request, "queue.html", actor=actor, title="我的待办", window=window, tab="mine",
                  counts={"mine": len(found), "waiting": waiting}, comprehensive=comprehensive,
                  rows=contexts.queue_rows(office, found), near_days=contexts.NEAR_DAYS,
                  marks_on=max((c.marked_on for c in found if c.marked_on), default=None),
                  rating_tasks=rating_tasks.owner_tasks(session=session, owner=actor.username, today=office.today()))


@router.get("/queue/waiting")
def queue_waiting(request: Request, actor: WorkerDep, session: SessionDep, office: OfficeDep):
    window, comprehensive = _window(session, actor)
    found = queries.waiting_on_applicant(session=session, office=office, actor=actor, all_windows=comprehensive)
    mine = len(queries.queue_for(session, actor, all_windows=comprehensive))
    return render(request, "queue.html", actor=actor, title="我的待办 · 等待申请人", window=window, tab="waiting",
                  counts={"mine": mine, "waiting": len(found)}, comprehensive=comprehensive,
                  waiting=contexts.waiting_rows(office, found), near_days=contexts.NEAR_DAYS)


@router.get("/search")
def search(request: Request, actor: CaseReaderDep, session: SessionDep, office: OfficeDep, q: str = ""):
    q = forms.clean(q, 64)
    found = queries.search_cases(session, q) if q else []
    rows = contexts.case_rows(office, found)
    return render(request, "search.html", actor=actor, title="办件查询", q=q, rows=rows, searched=bool(q))


# ---- the case page ---------------------------------------------------------------------

def _case_response(request: Request, office: Office, session: Session, case, actor: Actor, status: int = 200,
                   **extra):
    page = contexts.case_page(session=session, office=office, case=case, actor=actor,
                              papers_for=request.app.state.papers_for,
                              can_print=bool(actor.roles & request.app.state.paper_roles), **extra)
    licence = register.of_case(session=session, today=office.today(), case_id=case.id)
    return render(request, "case.html", actor=actor, status=status, title=page.title, page=page, licence=licence)


@router.get("/cases/{case_id:int}")
def case_detail(request: Request, actor: CaseReaderDep, case: CaseDep, session: SessionDep, office: OfficeDep):
    return _case_response(request, office, session, case, actor)


@router.post("/cases/{case_id:int}/act")
def case_act(request: Request, actor: WorkerDep, form: FormDep, case: CaseDep, session: SessionDep,
             office: OfficeDep):
    trigger = forms.clean(form.get("trigger"), 64)
    if forms.posted_version(form) != case.version:
        return _conflict(request, office, session, case, actor)
    action = office.matter_of(case).compiled.action(trigger, case.state)
    try:
        actions.perform(session=session, office=office, case=case, actor=actor, trigger=trigger,
                        fields=forms.action_fields(form), expected_version=case.version)
    except errors.ConcurrentChange:
        session.refresh(case)
        return _conflict(request, office, session, case, actor)
    except errors.Unavailable:
        raise  # the database's fault, not the form's: the one error page, with when to try again
    except errors.DomainError as exc:
        return _case_response(request, office, session, case, actor, status=status_of(exc), failed=trigger, error=exc,
                              values=forms.action_fields(form))
    flash(request, f"已完成：{action.label if action else trigger}")
    return _see_other(f"/cases/{case.id}")


def _conflict(request: Request, office: Office, session: Session, case, actor: Actor):
    message = errors.ConcurrentChange.message + "。下面是办件的最新状态，您的操作未执行。"
    return _case_response(request, office, session, case, actor, status=409, conflict=message)


# ---- intake -------------------------------------------------------------------------------

@router.get("/cases/new")
def intake_choose(request: Request, actor: ClerkDep, session: SessionDep, q: str = ""):
    index, q = request.app.state.matter_index, forms.clean(q, 64)
    window = session.get(accounts.ServiceWindow, actor.window) if actor.window else None
    own = frozenset(window.matters) if window and not window.comprehensive else frozenset()
    # A special window's own matters come first; any matter may still be taken in.
    ordered = sorted(index.entries, key=lambda e: e.code not in own)
    return render(request, "intake_choose.html", actor=actor, title="新建办件：选择事项", q=q,
                  entries=index.search(q), all_entries=ordered, own=own)


@router.get("/cases/new/{code}")
def intake_start(request: Request, code: str, actor: ClerkDep, office: OfficeDep):
    definition = office.catalogue.get(code).definition
    blank = forms.intake_form(_defaults(definition), definition)
    return _intake_page(request, office, actor, definition, blank, preview=None, show_errors=False)


def _defaults(definition) -> dict[str, str]:
    methods = [m.value for m in definition.delivery_methods]
    return {"applicant_kind": "company", "channel": definition.application_channels[0].value,
            "delivery_method": "mail" if "mail" in methods else methods[0]}


@router.post("/cases/new/{code}")
def intake_submit(request: Request, code: str, actor: ClerkDep, form: FormDep, session: SessionDep,
                  office: OfficeDep):
    definition = office.catalogue.get(code).definition
    parsed = forms.intake_form(form, definition)
    step = str(form.get("step") or "preview")
    if not parsed.valid:
        return _intake_page(request, office, actor, definition, parsed, preview=None, status=422)
    try:
        seen = intake_flow.preview(office, definition, parsed)
    except errors.DomainError as exc:
        parsed.errors[exc.field or "form"] = forms.FieldError(exc.message, exc.code)
        return _intake_page(request, office, actor, definition, parsed, preview=None, status=status_of(exc))
    if not step.startswith("confirm:"):
        return _intake_page(request, office, actor, definition, parsed, preview=seen)
    return _intake_confirm(request, office, session, actor, definition, parsed, seen, step.removeprefix("confirm:"))


def _intake_confirm(request: Request, office: Office, session: Session, actor: Actor, definition, parsed, seen,
                    chosen: str):
    parsed.errors |= intake_flow.confirmation_errors(office, definition, parsed, chosen, seen)
    if not parsed.valid:
        return _intake_page(request, office, actor, definition, parsed, preview=seen, status=422)
    try:
        case, failed = intake_flow.confirm(session=session, office=office, clerk=actor, definition=definition,
                                           form=parsed, chosen=chosen)
    except errors.Unavailable:
        raise  # nothing was opened; the one error page says so, with when to try again
    except errors.DomainError as exc:
        parsed.errors[exc.field or "form"] = forms.FieldError(exc.message, exc.code)
        return _intake_page(request, office, actor, definition, parsed, preview=seen, status=status_of(exc))
    flash(request, intake_flow.done_message(chosen, case.receipt_no, failed), "error" if failed else "ok")
    return _see_other(f"/cases/{case.id}")


def _intake_page(request: Request, office: Office, actor: Actor, definition, parsed, *, preview, status: int = 200,
                 show_errors: bool = True):
    errs = parsed.errors if show_errors else {}
    # The checklist opens with the materials this data calls for, so nothing jumps once the script runs.
    applicable = preview.applicable if preview else frozenset(intake.applicable_materials(definition, parsed.data))
    return render(request, "intake_form.html", actor=actor, status=status, title=f"新建办件：{definition.name}",
                  d=definition, f=parsed, errs=errs, preview=preview, applicable=applicable,
                  focus=_focus(definition, errs, preview), labels=contexts.INTAKE_LABELS, office=office,
                  kinds=action_kinds)


def _focus(definition, errs: dict[str, str], preview) -> str:
    """Where the keyboard starts: the first field to fix, else the verdict's first choice, else the first field."""
    if errs:
        first = forms.first_error(errs, definition)
        return "confirm" if first == "intake_action" else (first or "form-errors")
    return "confirm" if preview else "applicant_kind"


@router.post("/cases/new/{code}/applicable-materials", response_class=JSONResponse)
def intake_applicable(request: Request, code: str, actor: ClerkDep, form: FormDep, office: OfficeDep):
    """Which materials apply to the 办件情况 on the form now: the intake page's checklist follows it as it changes."""
    definition = office.catalogue.get(code).definition
    try:
        applicable = actions.preview_applicable(office=office, matter_code=code,
                                                data=forms.case_data(form, definition))
    except errors.DomainError as exc:
        return JSONResponse(exc.as_dict(), status_code=status_of(exc))
    return {"applicable": list(applicable),
            "not_applicable": [m.id for m in definition.materials if m.id not in applicable]}


@router.post("/cases/new/{code}/known-applicant", response_class=JSONResponse)
def intake_known_applicant(request: Request, code: str, actor: ClerkDep, form: FormDep, session: SessionDep,
                           office: OfficeDep):
    """The applicant of the latest case under exactly this ID number or credit code, for the clerk to fill in."""
    office.catalogue.get(code)  # an unknown matter is a 404 here as on the form itself
    try:
        found = queries.applicant_on_file(session=session, id_no=forms.clean(form.get("id_no"), 32),
                                          time=office.time)
    except errors.DomainError as exc:
        return JSONResponse(exc.as_dict(), status_code=status_of(exc))
    return contexts.known_applicant(office, found)


# ---- the catalogue --------------------------------------------------------------------------

@router.get("/matters")
def matters(request: Request, actor: StaffDep, q: str = ""):
    return render(request, "matters.html", actor=actor, title="事项目录", q=q[:64],
                  entries=request.app.state.matter_index.search(q[:64]))


@router.get("/matters/{code}")
def matter_detail(request: Request, code: str, actor: StaffDep, office: OfficeDep):
    version = office.catalogue.get(code)
    return render(request, "matter.html", actor=actor, title=version.definition.name, v=version,
                  d=version.definition, flow_svg=f"/guides/{quote(code)}/flow.svg", role_labels=ROLE_LABELS)
