"""The morning reminder of overdue 差评 tasks: each owner is told once per task and step that is late.

Run daily at 09:00 by the schedule (declared here, named in service.scheduled_tasks()).
A reminder is written to the rating's log (actor `system`, step `reminded`), which is the
owner's in-app list: their queue and the task list show the reminders of their open tasks.
Idempotent: a task late for its 回访 is reminded once for it, and once more if its 整改 is late too.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from workflows.db import session as new_session
from workflows.office import Office
from workflows.rating_log import log
from workflows.rating_models import RatingLogEntry, RatingTask
from workflows.rating_tasks import overdue_on
from workflows.schedule import Daily, Scheduled


def remind_overdue(*, engine: Engine, office: Office, day: dt.date) -> str:
    """Write a reminder for each open task late on `day` for a step it was not yet reminded of."""
    written = 0
    with new_session(engine) as session:
        tasks = session.exec(select(RatingTask).where(col(RatingTask.closed_at).is_(None))).all()
        for task in tasks:
            late = overdue_on(task, day)
            for step, flag in (("revisit", late.revisit), ("rectify", late.rectify)):
                if flag and not _reminded(session, task.rating_id, step):
                    due = task.revisit_due if step == "revisit" else task.rectify_due
                    log(session, task.rating_id, now=office.now(), actor="system", step="reminded",
                        detail={"late": step, "owner": task.owner, "due": due.isoformat(), "day": day.isoformat()})
                    written += 1
        session.commit()
    return f"写入差评整改超期提醒 {written} 条"


def _reminded(session: Session, rating_id: int, step: str) -> bool:
    entries = session.exec(select(RatingLogEntry).where(RatingLogEntry.rating_id == rating_id,
                                                        RatingLogEntry.step == "reminded")).all()
    return any(e.detail.get("late") == step for e in entries)


def reminders_for(*, session: Session, owner: str) -> list[tuple[RatingTask, RatingLogEntry]]:
    """The reminders of an owner's open tasks, newest first (their in-app list)."""
    query = (select(RatingTask, RatingLogEntry)
             .join(RatingLogEntry, col(RatingLogEntry.rating_id) == RatingTask.rating_id)
             .where(RatingTask.owner == owner, col(RatingTask.closed_at).is_(None), RatingLogEntry.step == "reminded")
             .order_by(col(RatingLogEntry.at).desc(), col(RatingLogEntry.id).desc()))
    return [(t, e) for t, e in session.exec(query).all()]


SCHEDULED = (
    # After the morning's deadline marks, in office hours: the 负责人 reads it at work.
    Scheduled("rating-task-reminders", Daily(dt.time(9, 0)), remind_overdue, "提醒窗口负责人办理超期的差评整改任务"),
)
