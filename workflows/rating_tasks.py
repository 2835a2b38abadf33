"""A 差评 is a task (国办发〔2019〕51号: 差评 are verified, fixed and answered).

The task goes to the rated window's 负责人 (office profile `windows[].head`) when the
差评 is given, with two deadlines counted on the working-day calendar with 调休 from the
day of the rating: 回访核实 (default 1 working day) and 整改 (default 5). Its steps, in
order, each recorded by the owner (or an administrator) with who and when in the log:

1. 回访核实: the owner calls the applicant back and records whether the 差评 is 属实 or
   不属实, with a note. A 不属实 差评 needs no 整改: the task ends there (the window may
   appeal the rating, workflows/rating_appeals.py).
2. 整改: what was done and on which day.
3. The applicant's reply to the 整改 (满意/不满意), as the owner heard it; the task ends.

A task past a deadline for a step not yet done is overdue; the morning job reminds its owner
(workflows/rating_reminders.py). Two people recording the same step: one wins, the other
is told the task changed (409 `task-changed`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum
from typing import Any, Protocol, cast

from sqlalchemy import CursorResult, and_, case, func, or_, update
from sqlmodel import Session, col, select

from workflows import errors
from workflows.office import Actor, Office
from workflows.rating_models import Rating, RatingTask
from workflows.rating_log import counted, log

REVISIT_RESULTS = {"founded": "属实", "unfounded": "不属实"}
REPLIES = {"satisfied": "满意", "dissatisfied": "不满意"}


class Stage(Enum):
    """Where a task stands; the value is what the pages print."""

    REVISIT = "待回访核实"
    RECTIFY = "待整改"
    REPLY = "待申请人评价整改"
    CLOSED = "已办结"
    UNFOUNDED = "已办结（核实不属实）"


class TaskSteps(Protocol):
    """What a task's stage is read from: a RatingTask, or a row selecting these three columns."""

    revisit_result: str | None
    rectified_on: dt.date | None
    reply: str | None


class TaskDeadlines(TaskSteps, Protocol):
    """What a task's lateness is read from: its deadlines and the days its steps were done."""

    revisit_due: dt.date
    rectify_due: dt.date
    revisited_on: dt.date | None


def stage_of(task: TaskSteps) -> Stage:
    if task.revisit_result is None:
        return Stage.REVISIT
    if task.revisit_result == "unfounded":
        return Stage.UNFOUNDED
    if task.rectified_on is None:
        return Stage.RECTIFY
    return Stage.REPLY if task.reply is None else Stage.CLOSED


@dataclass(frozen=True)
class Overdue:
    """What a task is late for on a day: a step not done past its deadline (or done after it)."""

    revisit: bool
    rectify: bool

    def __bool__(self) -> bool:
        return self.revisit or self.rectify

    @property
    def label(self) -> str:
        late = [name for name, flag in (("回访", self.revisit), ("整改", self.rectify)) if flag]
        return "、".join(late) + "超期" if late else ""


def overdue_on(task: TaskDeadlines, day: dt.date) -> Overdue:
    """Steps not done on `day` and past their deadline: the day after the deadline is the first day late.

    A step is judged by the day it was done, not by whether it is done now: one done after `day` was still
    open on it. So a past day reads as it stood then (the monthly report, printed after its month, judges
    lateness at the month's end), and a 不属实 found after `day` did not yet spare the 整改 on it.
    """
    # revisited_on is written with the result (record_revisit); a row without it counts as done in time.
    revisited = task.revisit_result is not None and (task.revisited_on is None or task.revisited_on <= day)
    rectified = task.rectified_on is not None and task.rectified_on <= day
    unfounded = revisited and task.revisit_result == "unfounded"
    return Overdue(not revisited and day > task.revisit_due,
                   not unfounded and not rectified and day > task.rectify_due)


def rectified_in_time(task: RatingTask) -> bool | None:
    return None if task.rectified_on is None else task.rectified_on <= task.rectify_due


def owner_of(office: Office, window: str) -> str:
    """The 负责人 of a window; a case with no window (or one the profile dropped) goes to the first window's."""
    info = office.profile.window(window) or office.profile.windows[0]
    return info.head


def open_task(*, session: Session, office: Office, rating: Rating, now: dt.datetime) -> RatingTask:
    """The 差评's task, in the rating's transaction (called by workflows.ratings)."""
    assert rating.id is not None
    day, limits = office.time.date(now), office.profile.rating_tasks
    task = RatingTask(rating_id=rating.id, owner=owner_of(office, rating.window), window=rating.window,
                      opened_at=now, revisit_due=office.calendar.add_workdays(day, limits.revisit_days).due,
                      rectify_due=office.calendar.add_workdays(day, limits.rectify_days).due)
    session.add(task)
    session.flush()
    log(session, rating.id, now=now, actor="system", step="task_opened",
        detail={"owner": task.owner, "revisit_due": task.revisit_due.isoformat(),
                "rectify_due": task.rectify_due.isoformat()})
    return task


def get_task(*, session: Session, task_id: int) -> RatingTask:
    task = session.get(RatingTask, task_id)
    if task is None:
        raise errors.TaskNotFound()
    return task


def may_act(actor: Actor, task: RatingTask) -> bool:
    """The owner and an administrator record the steps; everyone else reads."""
    return actor.username == task.owner or actor.has("admin")


def may_read(actor: Actor, task: RatingTask) -> bool:
    return may_act(actor, task) or actor.has("auditor")


def _text(value: str, limit: int, field: str, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise errors.BadInput(f"请填写{what}", field=field)
    if len(value) > limit:
        raise errors.BadInput(f"{what}不能超过 {limit} 字", field=field)
    return value


def record_revisit(*, session: Session, office: Office, task: RatingTask, actor: Actor, result: str, note: str,
                   version: int) -> RatingTask:
    """回访核实: 属实 or 不属实, with what the applicant said."""
    _guard(task, actor, Stage.REVISIT)
    if result not in REVISIT_RESULTS:
        raise errors.BadInput("请选择核实结果（属实或不属实）", field="result")
    text = _text(note, 500, "note", "回访情况")
    return _step(session, office, task, actor, version, Stage.REVISIT, "revisited",
                 {"revisit_result": result, "revisit_note": text, "revisited_on": office.today()},
                 {"result": result, "note": text})


def record_rectification(*, session: Session, office: Office, task: RatingTask, actor: Actor, action: str,
                         done_on: dt.date, version: int) -> RatingTask:
    """整改: what was done and the day it was done (not after today, not before the rating's task)."""
    _guard(task, actor, Stage.RECTIFY)
    text = _text(action, 1000, "action", "整改措施")
    if done_on > office.today() or done_on < office.time.date(task.opened_at):
        raise errors.BadInput("整改日期须在差评之后、今天之前（含当天）", field="done_on")
    return _step(session, office, task, actor, version, Stage.RECTIFY, "rectified",
                 {"rectify_action": text, "rectified_on": done_on},
                 {"action": text, "done_on": done_on.isoformat(), "in_time": done_on <= task.rectify_due})


def record_reply(*, session: Session, office: Office, task: RatingTask, actor: Actor, reply: str, note: str,
                 version: int) -> RatingTask:
    """The applicant's reply to the 整改, as the owner heard it on the phone."""
    _guard(task, actor, Stage.REPLY)
    if reply not in REPLIES:
        raise errors.BadInput("请选择申请人对整改是否满意", field="reply")
    text = (note or "").strip()[:500]
    return _step(session, office, task, actor, version, Stage.REPLY, "replied",
                 {"reply": reply, "reply_note": text}, {"reply": reply, "note": text})


def _guard(task: RatingTask, actor: Actor, stage: Stage) -> None:
    """Who may record, then whether the task is at this step: both before the input is looked at."""
    if not may_act(actor, task):
        raise errors.NotTaskOwner()
    if stage_of(task) is not stage:
        raise errors.TaskStepOutOfOrder(f"该任务当前为“{stage_of(task).value}”，不能办理这一步")


def _step(session: Session, office: Office, task: RatingTask, actor: Actor, version: int, stage: Stage, step: str,
          values: dict[str, Any], detail: dict[str, Any]) -> RatingTask:
    _guard(task, actor, stage)
    now = office.now()
    after = RatingTask(**{**task.model_dump(), **values})
    if stage_of(after) in (Stage.CLOSED, Stage.UNFOUNDED):
        values = {**values, "closed_at": now}
    assert task.id is not None
    try:
        counted(session, office, task.rating_id, -1)
        stmt = (update(RatingTask).where(col(RatingTask.id) == task.id, col(RatingTask.version) == version)
                .values(**values, version=version + 1))
        changed = cast(CursorResult[Any], session.execute(stmt)).rowcount
        if changed != 1:
            raise errors.TaskChanged()
        log(session, task.rating_id, now=now, actor=actor.username, step=step, detail=detail)
        counted(session, office, task.rating_id, +1)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    session.refresh(task)
    return task


@dataclass(frozen=True)
class TaskLine:
    task: RatingTask
    rating: Rating
    stage: Stage
    overdue: Overdue


def task_lines(*, session: Session, office: Office, owner: str | None = None, open_only: bool = False,
               window: str | None = None, limit: int = 500) -> list[TaskLine]:
    """Tasks newest first: an owner's (their queue) or all (administrators and auditors), open ones or all."""
    query = select(RatingTask, Rating).join(Rating, col(Rating.id) == RatingTask.rating_id)
    if owner is not None:
        query = query.where(RatingTask.owner == owner)
    if window is not None:
        query = query.where(RatingTask.window == window)
    if open_only:
        query = query.where(col(RatingTask.closed_at).is_(None))
    query = query.order_by(col(RatingTask.opened_at).desc(), col(RatingTask.id).desc()).limit(limit)
    today = office.today()
    return [TaskLine(t, r, stage_of(t), overdue_on(t, today)) for t, r in session.exec(query).all()]


@dataclass(frozen=True)
class OwnerTasks:
    """What an owner's queue says of their 差评 tasks."""

    open: int
    overdue: int  # of the open ones, those past a deadline for a step not done on the day asked


def owner_tasks(*, session: Session, owner: str, today: dt.date) -> OwnerTasks:
    """The owner's open tasks and how many are late on `today`, by the rule of `overdue_on`, in one query."""
    late = or_(and_(col(RatingTask.revisit_result).is_(None), col(RatingTask.revisit_due) < today),
               and_(func.coalesce(RatingTask.revisit_result, "") != "unfounded",
                    col(RatingTask.rectified_on).is_(None), col(RatingTask.rectify_due) < today))
    row = session.exec(select(func.count(), func.coalesce(func.sum(case((late, 1), else_=0)), 0))
                       .where(RatingTask.owner == owner, col(RatingTask.closed_at).is_(None))).one()
    return OwnerTasks(int(row[0]), int(row[1]))
