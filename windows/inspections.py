"""双随机抽查 pages for staff: the draws (administrator, auditor) and an inspector's 抽查任务.

    GET  /inspections                          items, draws and their status, results due for publication;
                                               the 抽查公告 form (admin)
    POST /inspections/draws                    announce a draw (admin; CSRF)
    GET  /inspections/draws/{id}               one draw: its commitment, lists, teams, results
    POST /inspections/draws/{id}/run           run it with the public value (admin; CSRF)
    POST /inspections/draws/{id}/publish       publish its recorded results (admin; CSRF)
    GET  /inspections/tasks                    an inspector's targets, with the result and follow-up forms
    POST /inspections/tasks/{id}/result        record a target's result (a member of its team; CSRF)
    POST /inspections/results/{id}/follow-up   record the 整改 follow-up (a member of the team; CSRF)

The rules are in inspections/ (draws, results); this module reads the form, asks, renders.
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from inspections import draws, results, roster
from inspections.items import PERIOD_EXAMPLES
from windows import forms
from windows.api_route import AnsweredInThread
from windows.auth import flash
from windows.deps import DrawOperatorDep, FormDep, InspectionViewerDep, InspectorDep, OfficeDep, SessionDep
from windows.errors import status_of
from windows.openapi_responses import page_errors
from windows.rendering import DRAW_OPERATORS, render
from workflows import errors
from workflows.office import Actor, Office

router = APIRouter(route_class=AnsweredInThread, default_response_class=HTMLResponse, tags=["inspections 双随机抽查"],
                   responses=page_errors(303, 401, 403, 404, 409, 422, 503))
REFUSALS = (errors.BadInput, errors.Conflict, errors.Forbidden)


def _items(request: Request):
    return request.app.state.inspection_items


def _date(value: str, field: str, label: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise errors.InspectionResultInvalid(f"{label}须写作 YYYY-MM-DD", field=field) from None


def _overview(request: Request, session, office: Office, actor: Actor, *, error: errors.DomainError | None = None,
              given: dict[str, str] | None = None):
    today = office.today()
    return render(request, "inspections.html", actor=actor, title="双随机抽查", items=_items(request),
                  draws=draws.summaries(session=session), due=results.due(session=session, office=office),
                  inspectors=roster.active_roster(session), can_act=bool(actor.roles & DRAW_OPERATORS),
                  error=error, given=given or {}, today=today, tomorrow=today + dt.timedelta(days=1),
                  period_examples=PERIOD_EXAMPLES, within=results.PUBLISH_WITHIN_WORKDAYS,
                  status=status_of(error) if error else 200)


@router.get("/inspections")
def inspections_overview(request: Request, actor: InspectionViewerDep, session: SessionDep, office: OfficeDep):
    return _overview(request, session, office, actor)


@router.post("/inspections/draws")
def announce_draw(request: Request, actor: DrawOperatorDep, form: FormDep, session: SessionDep, office: OfficeDep):
    given = {name: forms.clean(form.get(name), 500) for name in ("item", "period", "beacon_source", "beacon_date",
                                                                  "reason")}
    try:
        try:
            day = dt.date.fromisoformat(given["beacon_date"])
        except ValueError:
            raise errors.DrawBeaconInvalid("随机数来源日期须写作 YYYY-MM-DD", field="beacon_date") from None
        draw_id = draws.announce(session=session, office=office, items=_items(request), actor=actor,
                                 item_code=given["item"], period=given["period"],
                                 beacon_source=given["beacon_source"], beacon_date=day, reason=given["reason"])
    except errors.InspectionItemNotFound as exc:
        return _overview(request, session, office, actor, error=exc, given=given)
    except REFUSALS as exc:
        session.rollback()
        return _overview(request, session, office, actor, error=exc, given=given)
    flash(request, f"抽查公告已发布（任务 {draw_id}），请于 {day:%Y-%m-%d} 起按公告的随机数来源抽取")
    return RedirectResponse(f"/inspections/draws/{draw_id}", status_code=303)


def _draw_page(request: Request, session, office: Office, actor: Actor, draw_id: int, *,
               error: errors.DomainError | None = None, beacon_value: str = ""):
    record = draws.record(session=session, draw_id=draw_id)
    summary = draws.summaries(session=session, draw_id=draw_id)[0]
    tasks = [t for t in results.tasks(session=session) if t.draw_id == draw_id]
    waiting = [w for w in results.due(session=session, office=office) if w.draw_id == draw_id]
    people = {i[0]: i[1] for i in record["inspectors"]}
    names = dict(zip(record["usernames"], (i[1] for i in record["inspectors"]), strict=True))
    return render(request, "inspection_draw.html", actor=actor, title=f"抽查任务 {draw_id}", d=record, s=summary,
                  tasks=tasks, waiting=waiting, people=people, names=names, today=office.today(),
                  can_act=bool(actor.roles & DRAW_OPERATORS), error=error, beacon_value=beacon_value,
                  status=status_of(error) if error else 200)


@router.get("/inspections/draws/{draw_id:int}")
def draw_detail(request: Request, draw_id: int, actor: InspectionViewerDep, session: SessionDep, office: OfficeDep):
    return _draw_page(request, session, office, actor, draw_id)


@router.post("/inspections/draws/{draw_id:int}/run")
def run_draw(request: Request, draw_id: int, actor: DrawOperatorDep, form: FormDep, session: SessionDep,
             office: OfficeDep):
    value = forms.clean(form.get("beacon_value"), 200)
    try:
        drawn = draws.run(session=session, office=office, actor=actor, draw_id=draw_id, beacon_value=value)
    except errors.DrawNotFound:
        raise
    except REFUSALS as exc:
        session.rollback()
        return _draw_page(request, session, office, actor, draw_id, error=exc, beacon_value=value)
    flash(request, f"已抽取 {len(drawn)} 个检查对象，检查组已分派，公开页面同时公布")
    return RedirectResponse(f"/inspections/draws/{draw_id}", status_code=303)


@router.post("/inspections/draws/{draw_id:int}/publish")
def publish_results(request: Request, draw_id: int, actor: DrawOperatorDep, form: FormDep, session: SessionDep,
                    office: OfficeDep):
    try:
        count = results.publish(session=session, office=office, actor=actor, draw_id=draw_id)
    except errors.DrawNotFound:
        raise
    except REFUSALS as exc:
        session.rollback()
        return _draw_page(request, session, office, actor, draw_id, error=exc)
    flash(request, f"已公开 {count} 条检查结果")
    return RedirectResponse(f"/inspections/draws/{draw_id}", status_code=303)


# ---- the inspector's 抽查任务 -------------------------------------------------------------------------

def _tasks_page(request: Request, session, office: Office, actor: Actor, *, error: errors.DomainError | None = None,
                target: str = "", given: dict[str, str] | None = None):
    mine = results.tasks(session=session, username=actor.username)
    entry = roster.entry_of(session, actor.username)
    people = {e.username: e for e in roster.active_roster(session)}
    return render(request, "inspection_tasks.html", actor=actor, title="我的抽查任务", tasks=mine, entry=entry,
                  people=people, outcomes=results.OUTCOMES, follow_ups=results.FOLLOW_UPS_LABELS,
                  items=_items(request), today=office.today(), error=error, target=target, given=given or {},
                  status=status_of(error) if error else 200)


@router.get("/inspections/tasks")
def inspector_tasks(request: Request, actor: InspectorDep, session: SessionDep, office: OfficeDep):
    return _tasks_page(request, session, office, actor)


@router.post("/inspections/tasks/{draw_id:int}/result")
def record_result(request: Request, draw_id: int, actor: InspectorDep, form: FormDep, session: SessionDep,
                  office: OfficeDep):
    given = {name: forms.clean(form.get(name), 1000) for name in ("licence_number", "outcome", "inspected_on", "note")}
    target = f"{draw_id}:{given['licence_number']}"
    try:
        results.record_result(session=session, office=office, items=_items(request), actor=actor, draw_id=draw_id,
                              licence_number=given["licence_number"], outcome=given["outcome"],
                              inspected_on=_date(given["inspected_on"], "inspected_on", "检查日期"), note=given["note"])
    except errors.DrawNotFound:
        raise
    except REFUSALS as exc:
        session.rollback()
        return _tasks_page(request, session, office, actor, error=exc, target=target, given=given)
    flash(request, f"已登记 {given['licence_number']} 的检查结果，"
                   f"将在 {results.PUBLISH_WITHIN_WORKDAYS} 个工作日内公开")
    return RedirectResponse("/inspections/tasks", status_code=303)


@router.post("/inspections/results/{result_id:int}/follow-up")
def record_follow_up(request: Request, result_id: int, actor: InspectorDep, form: FormDep, session: SessionDep,
                     office: OfficeDep):
    given = {name: forms.clean(form.get(name), 1000) for name in ("follow_up", "checked_on", "note")}
    try:
        results.record_follow_up(session=session, office=office, actor=actor, result_id=result_id,
                                 outcome=given["follow_up"],
                                 checked_on=_date(given["checked_on"], "checked_on", "复查日期"), note=given["note"])
    except errors.DrawNotFound:
        raise
    except REFUSALS as exc:
        session.rollback()
        return _tasks_page(request, session, office, actor, error=exc, target=f"follow-up:{result_id}", given=given)
    flash(request, "已登记整改复查结果")
    return RedirectResponse("/inspections/tasks", status_code=303)
