"""检查结果: what each drawn target's team found, its 整改 follow-up, and its publication (一公开).

A result is recorded by a member of the target's team; one per target, never changed. 发现问题已责令
整改 carries the 整改期限 (the item's `rectify_days`), and a follow-up (复查) is recorded later.
Results are to be made public within 20 working days of being recorded (国务院 2019 双随机一公开
意见): `publication_due` counts them on the office's calendar with 调休; `due` lists what is waiting
and `on_time` gives the auditor's figure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from inspections import draws
from inspections.draw_tables import DRAWS, FOLLOW_UPS, PUBLICATIONS, RESULTS, RUNS
from inspections.items import InspectionItem
from inspections.models import LICENCES
from workflows import errors
from workflows.office import Actor, Office
from workflows.workdays import WorkCalendar

OUTCOMES = {"clear": "未发现问题", "rectify": "发现问题已责令整改", "case": "发现问题已立案查处",
            "not_found": "未找到检查对象"}
FOLLOW_UPS_LABELS = {"rectified": "已按期整改", "not_rectified": "逾期未整改，已立案查处"}
PUBLISH_WITHIN_WORKDAYS = 20
NOTE_MAX = 1000


def publication_due(calendar: WorkCalendar, recorded_on: dt.date) -> dt.date:
    """The last day to publish a result recorded on `recorded_on`: 20 working days on, 调休 counted."""
    return calendar.add_workdays(recorded_on, PUBLISH_WITHIN_WORKDAYS).due


@dataclass(frozen=True)
class Task:
    """One target drawn for an inspector: the licence, the team, and what has been recorded."""

    draw_id: int
    item_code: str
    item_name: str
    period: str
    licence_id: int
    licence_number: str
    holder_name: str
    team: tuple[str, ...]  # usernames
    result_id: int | None
    outcome: str | None
    rectify_by: dt.date | None
    followed_up: bool

    @property
    def outcome_label(self) -> str:
        return OUTCOMES.get(self.outcome or "", "")

    @property
    def result_label(self) -> str:
        """The result as the staff pages and the API say it: the outcome, or 检查中 while none is recorded."""
        return self.outcome_label or "检查中"

    @property
    def needs_follow_up(self) -> bool:
        return self.outcome == "rectify" and not self.followed_up


def _team_usernames(row: Mapping, team: list[str]) -> tuple[str, ...]:
    by_cert = dict(zip((i[0] for i in row["inspectors"]), row["usernames"], strict=True))
    return tuple(by_cert[c] for c in team)


def tasks(*, session: Session, username: str | None = None, licence_number: str | None = None) -> list[Task]:
    """The drawn targets (of one inspector's teams, or of one licence, when given), newest draw first."""
    conn = session.connection()
    rows = conn.execute(select(DRAWS, RUNS.c.assignments).join(RUNS, RUNS.c.draw_id == DRAWS.c.id)
                        .order_by(DRAWS.c.id.desc())).mappings().all()
    results = {(r.draw_id, r.licence_number): r for r in conn.execute(select(RESULTS)).all()}
    followed = set(conn.execute(select(FOLLOW_UPS.c.result_id)).scalars())
    out: list[Task] = []
    for row in rows:
        ids = dict(zip((t[0] for t in row["targets"]), row["licence_ids"], strict=True))
        for number, team in row["assignments"]:
            usernames = _team_usernames(row, team)
            if (username is not None and username not in usernames) or licence_number not in (None, number):
                continue
            result = results.get((row["id"], number))
            holder = conn.execute(select(LICENCES.c.holder_name).where(LICENCES.c.id == ids[number])).scalar_one()
            out.append(Task(draw_id=row["id"], item_code=row["item_code"], item_name=row["item_name"],
                            period=row["period"], licence_id=ids[number], licence_number=number, holder_name=holder,
                            team=usernames, result_id=result.id if result else None,
                            outcome=result.outcome if result else None,
                            rectify_by=result.rectify_by if result else None,
                            followed_up=bool(result and result.id in followed)))
    return out


def task(*, session: Session, draw_id: int, licence_number: str) -> Task:
    for t in tasks(session=session):
        if t.draw_id == draw_id and t.licence_number == licence_number:
            return t
    raise errors.DrawNotFound("这个抽查任务中没有这个检查对象")


def record_result(*, session: Session, office: Office, items: Mapping[str, InspectionItem], actor: Actor,
                  draw_id: int, licence_number: str, outcome: str, inspected_on: dt.date, note: str) -> int:
    """Record what the team found at one target (a member of its team). Commits; returns the result's id."""
    target = task(session=session, draw_id=draw_id, licence_number=licence_number)
    if actor.username not in target.team:
        raise errors.InspectionNotAssigned()
    if outcome not in OUTCOMES:
        raise errors.InspectionResultInvalid("请选择检查结果", field="outcome")
    today = office.today()
    if inspected_on > today:
        raise errors.InspectionResultInvalid("检查日期不能晚于今天", field="inspected_on")
    announced = session.connection().execute(select(DRAWS.c.announced_at).where(DRAWS.c.id == draw_id)).scalar_one()
    if inspected_on < office.time.date(announced):
        raise errors.InspectionResultInvalid("检查日期不能早于抽查公告日", field="inspected_on")
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise errors.InspectionResultInvalid(f"情况说明请写在 {NOTE_MAX} 字以内", field="note")
    if outcome != "clear" and not note:
        raise errors.InspectionResultInvalid("发现问题或未找到检查对象的，请写明情况", field="note")
    item = items.get(target.item_code)
    rectify_days = item.rectify_days if item else 30
    rectify_by = inspected_on + dt.timedelta(days=rectify_days) if outcome == "rectify" else None
    try:
        result_id: int = session.connection().execute(insert(RESULTS).returning(RESULTS.c.id), {
            "draw_id": draw_id, "licence_number": licence_number, "outcome": outcome, "inspected_on": inspected_on,
            "inspectors": list(target.team), "note": note, "rectify_by": rectify_by,
            "recorded_at": office.now(), "recorded_by": actor.username}).scalar_one()
        session.commit()
    except IntegrityError:
        session.rollback()
        raise errors.InspectionResultExists() from None
    return result_id


def record_follow_up(*, session: Session, office: Office, actor: Actor, result_id: int, outcome: str,
                     checked_on: dt.date, note: str) -> None:
    """Record the 整改 follow-up of a result that ordered 整改 (a member of its team). Commits."""
    conn = session.connection()
    result = conn.execute(select(RESULTS).where(RESULTS.c.id == result_id)).mappings().first()
    if result is None:
        raise errors.DrawNotFound("没有这条检查结果")
    if actor.username not in result["inspectors"]:
        raise errors.InspectionNotAssigned()
    if result["outcome"] != "rectify":
        raise errors.InspectionResultInvalid("只有责令整改的检查结果需要复查", field="outcome")
    if outcome not in FOLLOW_UPS_LABELS:
        raise errors.InspectionResultInvalid("请选择复查结果", field="follow_up")
    if not result["inspected_on"] <= checked_on <= office.today():
        raise errors.InspectionResultInvalid("复查日期须在检查日期之后、今天之前", field="checked_on")
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise errors.InspectionResultInvalid(f"复查情况请写在 {NOTE_MAX} 字以内", field="note")
    try:
        conn.execute(insert(FOLLOW_UPS), {"result_id": result_id, "checked_on": checked_on, "outcome": outcome,
                                          "note": note, "recorded_at": office.now(), "recorded_by": actor.username})
        session.commit()
    except IntegrityError:
        session.rollback()
        raise errors.InspectionResultExists("这条检查结果的复查已经登记") from None


# ---- publication ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Waiting:
    """A recorded result not yet public, and the day it must be."""

    result_id: int
    draw_id: int
    item_name: str
    licence_number: str
    recorded_on: dt.date
    due: dt.date
    overdue: bool


def due(*, session: Session, office: Office) -> list[Waiting]:
    """The results waiting to be published, the soonest due first."""
    conn = session.connection()
    rows = conn.execute(select(RESULTS.c.id, RESULTS.c.draw_id, DRAWS.c.item_name, RESULTS.c.licence_number,
                               RESULTS.c.recorded_at).join(DRAWS, DRAWS.c.id == RESULTS.c.draw_id)
                        .outerjoin(PUBLICATIONS, PUBLICATIONS.c.result_id == RESULTS.c.id)
                        .where(PUBLICATIONS.c.result_id.is_(None))).all()
    today = office.today()
    out = []
    for r in rows:
        recorded_on = office.time.date(r[4])
        deadline = publication_due(office.calendar, recorded_on)
        out.append(Waiting(r[0], r[1], r[2], r[3], recorded_on, deadline, deadline < today))
    return sorted(out, key=lambda w: (w.due, w.result_id))


def publish(*, session: Session, office: Office, actor: Actor, draw_id: int) -> int:
    """Make public every recorded, unpublished result of a draw. Commits; returns how many."""
    if not actor.roles & draws.OPERATORS:
        raise errors.Forbidden("只有系统管理员可以公开检查结果")
    draws.record(session=session, draw_id=draw_id)  # draw-not-found
    waiting = [w.result_id for w in due(session=session, office=office) if w.draw_id == draw_id]
    if not waiting:
        raise errors.DrawConflict("这个抽查任务没有待公开的检查结果")
    now = office.now()
    try:
        session.connection().execute(insert(PUBLICATIONS), [{"result_id": rid, "published_at": now,
                                                             "published_by": actor.username} for rid in waiting])
        session.commit()
    except IntegrityError:
        session.rollback()
        raise errors.DrawConflict("这些检查结果刚被他人公开") from None
    return len(waiting)


@dataclass(frozen=True)
class OnTime:
    """Publication within 20 working days, over the results recorded in a period."""

    recorded: int
    published_on_time: int
    published_late: int
    overdue_unpublished: int  # past the deadline and still not public

    @property
    def waiting(self) -> int:
        """Not yet public, and still within the 20 working days."""
        return self.recorded - self.published_on_time - self.published_late - self.overdue_unpublished

    @property
    def rate(self) -> float | None:
        """On time among those whose fate is settled (published, or past the deadline unpublished)."""
        settled = self.published_on_time + self.published_late + self.overdue_unpublished
        return self.published_on_time / settled if settled else None


def on_time(*, session: Session, office: Office, start: dt.date, end: dt.date) -> OnTime:
    """How the results recorded between `start` and `end` (office dates, inclusive) were published."""
    conn = session.connection()
    rows = conn.execute(select(RESULTS.c.recorded_at, PUBLICATIONS.c.published_at)
                        .outerjoin(PUBLICATIONS, PUBLICATIONS.c.result_id == RESULTS.c.id)).all()
    today = office.today()
    recorded = on = late = overdue = 0
    for recorded_at, published_at in rows:
        day = office.time.date(recorded_at)
        if not start <= day <= end:
            continue
        recorded += 1
        deadline = publication_due(office.calendar, day)
        if published_at is not None:
            if office.time.date(published_at) <= deadline:
                on += 1
            else:
                late += 1
        elif deadline < today:
            overdue += 1
    return OnTime(recorded, on, late, overdue)
