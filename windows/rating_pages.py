"""好差评 pages for staff: the 差评 tasks, the task page with its steps, 申诉 and the auditor's decisions.

    GET  /ratings/tasks                          the owner's tasks (all of them for auditors, admins), overdue flagged
    GET  /ratings/tasks/{id}                     a task: the rating, its log, the form for the step it is at
    POST /ratings/tasks/{id}/step                回访核实, 整改, the applicant's reply (owner or admin; CSRF)
    POST /ratings/{rating_id}/appeal             申诉 by the rated window's 负责人 (CSRF)
    GET  /ratings/appeals                        the appeals, undecided first (auditors and admins)
    POST /ratings/appeals/{id}/decision          an auditor's decision (CSRF)

Who may do what is the rules' (workflows/rating_tasks.py, workflows/rating_appeals.py); the
pages only ask them.
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session, col, select

from windows import forms
from windows.api_route import AnsweredInThread
from windows.auth import flash
from windows.deps import AuditorDep, AuditorOnlyDep, FormDep, OfficeDep, SessionDep, StaffDep
from windows.errors import status_of
from windows.openapi_responses import page_errors
from windows.rendering import render
from workflows import accounts, errors, rating_appeals, rating_tasks, ratings
from workflows.models import Case
from workflows.office import Actor, Office
from workflows.rating_models import RatingAppeal, RatingTask
from workflows.rating_reminders import reminders_for

router = APIRouter(route_class=AnsweredInThread, default_response_class=HTMLResponse,
                   responses=page_errors(403, 404, 409, 422))


def _common(session: Session, office: Office) -> dict:
    names = accounts.staff_names(session, [u.username for u in accounts.list_users(session)])
    return {"levels": {k: v[0] for k, v in ratings.LEVELS.items()}, "categories": ratings.BAD_CATEGORIES,
            "windows": {w.code: w.name for w in office.profile.windows}, "staff": names, "stages": rating_tasks.Stage,
            "step_labels": ratings.STEP_LABELS, "results": rating_tasks.REVISIT_RESULTS,
            "replies": rating_tasks.REPLIES, "reasons": rating_appeals.APPEAL_REASONS,
            "decisions": rating_appeals.DECISIONS, "channels": ratings.CHANNELS}


@router.get("/ratings/tasks")
def task_list(request: Request, actor: StaffDep, session: SessionDep, office: OfficeDep, show: str = "open"):
    everyone = actor.has("auditor") or actor.has("admin")
    lines = rating_tasks.task_lines(session=session, office=office, owner=None if everyone else actor.username,
                                    open_only=show != "all")
    return render(request, "rating_tasks.html", actor=actor, title="差评整改任务", lines=lines, show=show,
                  everyone=everyone, reminders=reminders_for(session=session, owner=actor.username),
                  today=office.today(), **_common(session, office))


def _task_page(request: Request, session: Session, office: Office, actor: Actor, task_id: int, *,
               error: errors.DomainError | None = None):
    task = rating_tasks.get_task(session=session, task_id=task_id)
    if not rating_tasks.may_read(actor, task):
        raise errors.NotTaskOwner("差评整改任务由窗口负责人、系统管理员和效能监察人员查看")
    rating = rating_appeals.get_rating(session=session, rating_id=task.rating_id)
    case = session.get(Case, rating.case_id)
    return render(request, "rating_task.html", actor=actor, title=f"差评整改任务 {task.id}",
                  status=status_of(error) if error else 200, error=error, task=task, rating=rating, case=case,
                  stage=rating_tasks.stage_of(task), overdue=rating_tasks.overdue_on(task, office.today()),
                  may_act=rating_tasks.may_act(actor, task),
                  may_appeal=rating_appeals.may_appeal(actor, office, rating),
                  appeal=rating_appeals.appeal_of(session=session, rating_id=rating.id or 0),
                  log=ratings.log_of(session=session, rating_id=rating.id or 0), today=office.today(),
                  matter=office.matter_of(case).definition.name if case else "", **_common(session, office))


@router.get("/ratings/tasks/{task_id:int}")
def task_page(request: Request, task_id: int, actor: StaffDep, session: SessionDep, office: OfficeDep):
    return _task_page(request, session, office, actor, task_id)


@router.post("/ratings/tasks/{task_id:int}/step")
def task_step(request: Request, task_id: int, actor: StaffDep, form: FormDep, session: SessionDep,
              office: OfficeDep):
    task = rating_tasks.get_task(session=session, task_id=task_id)
    step, version = forms.clean(form.get("step"), 16), _int(form.get("version"))
    try:
        if step == "revisit":
            rating_tasks.record_revisit(session=session, office=office, task=task, actor=actor,
                                        result=forms.clean(form.get("result"), 16),
                                        note=forms.clean(form.get("note"), 600), version=version)
        elif step == "rectify":
            rating_tasks.record_rectification(session=session, office=office, task=task, actor=actor,
                                              action=forms.clean(form.get("action"), 1100),
                                              done_on=_day(form.get("done_on")), version=version)
        elif step == "reply":
            rating_tasks.record_reply(session=session, office=office, task=task, actor=actor,
                                      reply=forms.clean(form.get("reply"), 16),
                                      note=forms.clean(form.get("note"), 600), version=version)
        else:
            raise errors.BadInput("没有这一步", field="step")
    except (errors.BadInput, errors.Conflict, errors.Forbidden) as exc:
        session.rollback()
        return _task_page(request, session, office, actor, task_id, error=exc)
    flash(request, "已保存")
    return RedirectResponse(f"/ratings/tasks/{task_id}", status_code=303)


@router.post("/ratings/{rating_id:int}/appeal")
def appeal(request: Request, rating_id: int, actor: StaffDep, form: FormDep, session: SessionDep, office: OfficeDep):
    rating = rating_appeals.get_rating(session=session, rating_id=rating_id)
    task = session.exec(select(RatingTask).where(RatingTask.rating_id == rating_id)).first()
    try:
        rating_appeals.file_appeal(session=session, office=office, rating=rating, actor=actor,
                                   reason=forms.clean(form.get("reason"), 16),
                                   evidence=forms.clean(form.get("evidence"), 2100))
    except (errors.BadInput, errors.Conflict, errors.Forbidden) as exc:
        session.rollback()
        if task is None or task.id is None:
            raise
        return _task_page(request, session, office, actor, task.id, error=exc)
    flash(request, "申诉已提交，由效能监察人员审核")
    return RedirectResponse(f"/ratings/tasks/{task.id}" if task else "/ratings/tasks", status_code=303)


def _appeals_page(request: Request, session: Session, office: Office, actor: Actor, *,
                  error: errors.DomainError | None = None):
    lines = sorted(rating_appeals.appeal_lines(session=session),
                   key=lambda line: (line.appeal.decision is not None, -(line.appeal.id or 0)))
    rated = [line.rating.id for line in lines]  # each line links its own task: read only theirs
    tasks = dict(session.exec(select(RatingTask.rating_id, RatingTask.id)
                              .where(col(RatingTask.rating_id).in_(rated))).all())
    return render(request, "rating_appeals.html", actor=actor, title="差评申诉审核", lines=lines, tasks=tasks,
                  error=error, status=status_of(error) if error else 200, **_common(session, office))


@router.get("/ratings/appeals")
def appeals(request: Request, actor: AuditorDep, session: SessionDep, office: OfficeDep):
    return _appeals_page(request, session, office, actor)


@router.post("/ratings/appeals/{appeal_id:int}/decision")
def decide(request: Request, appeal_id: int, actor: AuditorOnlyDep, form: FormDep, session: SessionDep,
           office: OfficeDep):
    found = session.get(RatingAppeal, appeal_id)
    if found is None:
        raise errors.AppealNotFound()
    try:
        rating_appeals.decide_appeal(session=session, office=office, appeal=found, actor=actor,
                                     decision=forms.clean(form.get("decision"), 16),
                                     note=forms.clean(form.get("note"), 1100))
    except (errors.BadInput, errors.Conflict, errors.Forbidden) as exc:
        session.rollback()
        return _appeals_page(request, session, office, actor, error=exc)
    flash(request, "审核结论已保存")
    return RedirectResponse("/ratings/appeals", status_code=303)


def _int(value) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 0


def _day(value) -> dt.date:
    try:
        return dt.date.fromisoformat(forms.clean(value, 10))
    except ValueError:
        raise errors.BadInput("请填写整改日期", field="done_on") from None
