"""好差评: one evaluation per closed case, from the applicant, checked by receipt number and phone."""

from __future__ import annotations

import datetime as dt
import hmac

from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel

from workflows import errors
from workflows.machine import FINAL_STATES
from workflows.models import Case
from workflows.office import Office
from workflows.queries import get_case_by_receipt


class Evaluation(SQLModel, table=True):
    __tablename__ = "evaluations"

    case_id: int = Field(primary_key=True, foreign_key="cases.id")  # the key makes it once per case
    score: int = Field(ge=1, le=5)
    comment: str = Field(default="", max_length=500)
    at: dt.datetime


def case_for_applicant(session: Session, receipt_no: str, phone_last4: str) -> Case:
    """The case, if the last 4 digits of the applicant's phone match; the same error otherwise."""
    try:
        case = get_case_by_receipt(session, receipt_no)
    except errors.CaseNotFound:
        case = None
    expected = case.applicant_phone[-4:] if case else "----"
    # Bytes, because compare_digest refuses non-ASCII str and a typed-in "５６７８" must not be a 500.
    if not hmac.compare_digest(expected.encode(), (phone_last4 or "").strip().encode()) or case is None:
        raise errors.CaseNotFound("收件编号或手机号后四位不正确")
    return case


def evaluate_case(*, session: Session, office: Office, receipt_no: str, phone_last4: str, score: int, comment: str,
                  now: dt.datetime) -> Evaluation:
    """Record the applicant's rating; the office's `on_evaluation` hooks run in the same transaction."""
    case = case_for_applicant(session, receipt_no, phone_last4)
    if case.state not in FINAL_STATES:
        raise errors.CaseNotClosed()
    if not 1 <= int(score) <= 5:
        raise errors.BadInput("评分须为 1 至 5 分", field="score")
    if session.get(Evaluation, case.id) is not None:
        raise errors.AlreadyEvaluated()
    assert case.id is not None, "a case found by its receipt number has been stored"
    evaluation = Evaluation(case_id=case.id, score=int(score), comment=(comment or "").strip()[:500], at=now)
    session.add(evaluation)
    try:
        session.flush()  # the key is the case: an evaluation that raced this one is refused here
    except IntegrityError:
        session.rollback()
        raise errors.AlreadyEvaluated() from None
    try:
        for hook in office.on_evaluation:
            hook(session=session, evaluation=evaluation)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return evaluation
