"""申诉: a window asks for a rating to be reviewed; an auditor decides.

The rated window's 负责人 files it, once per rating, saying why the rating is wrong
(误评: the applicant meant another window, another case or another level; 恶意差评: a
差评 given for what the window may not do, or to press it) with the evidence in words
(what the recording, the record or the applicant's own words show). An auditor upholds
or rejects it with a note. A rating upheld is kept, with its log, and leaves the
window's figures (`excluded`); its task, if any, stays readable. Every step is in the log.
"""

from __future__ import annotations

from dataclasses import dataclass

from typing import Any, cast

from sqlalchemy import CursorResult, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from workflows import errors
from workflows.office import Actor, Office
from workflows.rating_models import Rating, RatingAppeal
from workflows.rating_tasks import owner_of
from workflows.rating_log import counted, log

APPEAL_REASONS = {"mistaken": "误评", "malicious": "恶意差评"}
DECISIONS = {"upheld": "申诉成立（评价不计入窗口统计）", "rejected": "申诉不成立（评价照常统计）"}


def get_rating(*, session: Session, rating_id: int) -> Rating:
    rating = session.get(Rating, rating_id)
    if rating is None:
        raise errors.RatingNotFound()
    return rating


def may_appeal(actor: Actor, office: Office, rating: Rating) -> bool:
    """The rated window's 负责人 may appeal its ratings."""
    return actor.username == owner_of(office, rating.window)


def appeal_of(*, session: Session, rating_id: int) -> RatingAppeal | None:
    return session.exec(select(RatingAppeal).where(RatingAppeal.rating_id == rating_id)).first()


def file_appeal(*, session: Session, office: Office, rating: Rating, actor: Actor, reason: str,
                evidence: str) -> RatingAppeal:
    if not may_appeal(actor, office, rating):
        raise errors.NotWindowHead()
    if reason not in APPEAL_REASONS:
        raise errors.BadInput("请选择申诉理由（误评或恶意差评）", field="reason")
    evidence = (evidence or "").strip()
    if len(evidence) < 10:
        raise errors.BadInput("请写明申诉的事实和证据（不少于 10 字）", field="evidence")
    if len(evidence) > 2000:
        raise errors.BadInput("申诉说明不能超过 2000 字", field="evidence")
    assert rating.id is not None
    if appeal_of(session=session, rating_id=rating.id) is not None:
        raise errors.AppealExists()
    now = office.now()
    appeal = RatingAppeal(rating_id=rating.id, reason=reason, evidence=evidence, filed_by=actor.username, filed_at=now)
    try:
        session.add(appeal)
        session.flush()
    except IntegrityError:
        session.rollback()
        raise errors.AppealExists() from None
    try:
        log(session, rating.id, now=now, actor=actor.username, step="appealed",
            detail={"reason": reason, "evidence": evidence})
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return appeal


def decide_appeal(*, session: Session, office: Office, appeal: RatingAppeal, actor: Actor, decision: str,
                  note: str) -> RatingAppeal:
    """An auditor's decision; an upheld appeal takes the rating out of the figures, in the same transaction."""
    if not actor.has("auditor"):
        raise errors.Forbidden("申诉由效能监察人员审核")
    if decision not in DECISIONS:
        raise errors.BadInput("请选择审核结论", field="decision")
    note = (note or "").strip()
    if not note:
        raise errors.BadInput("请写明审核意见", field="note")
    if appeal.decision is not None:
        raise errors.AppealDecided()
    now = office.now()
    try:
        upheld = decision == "upheld"
        if upheld:
            counted(session, office, appeal.rating_id, -1)
        # Only an undecided appeal is decided: a second auditor deciding at the same time is told so.
        stmt = (update(RatingAppeal).where(col(RatingAppeal.id) == appeal.id, col(RatingAppeal.decision).is_(None))
                .values(decision=decision, decision_note=note[:1000], decided_by=actor.username, decided_at=now))
        changed = cast(CursorResult[Any], session.execute(stmt)).rowcount
        if changed != 1:
            raise errors.AppealDecided()
        if upheld:
            session.execute(update(Rating).where(col(Rating.id) == appeal.rating_id).values(excluded=True))
            counted(session, office, appeal.rating_id, +1)
        log(session, appeal.rating_id, now=now, actor=actor.username,
            step="appeal_upheld" if upheld else "appeal_rejected", detail={"note": note[:1000]})
        session.commit()
    except BaseException:
        session.rollback()
        raise
    session.refresh(appeal)
    return appeal


@dataclass(frozen=True)
class AppealLine:
    appeal: RatingAppeal
    rating: Rating


def appeal_lines(*, session: Session, pending_only: bool = False, limit: int = 300) -> list[AppealLine]:
    query = select(RatingAppeal, Rating).join(Rating, col(Rating.id) == RatingAppeal.rating_id)
    if pending_only:
        query = query.where(col(RatingAppeal.decision).is_(None))
    query = query.order_by(col(RatingAppeal.filed_at).desc()).limit(limit)
    return [AppealLine(a, r) for a, r in session.exec(query).all()]
