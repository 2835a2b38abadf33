"""The applicant's side of the API, without login: status lookup and 好差评.

Both need the receipt number and the last 4 digits of the applicant's phone,
and a wrong pair gets the same answer as an unknown case.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlmodel import Session

from windows.api_access import office_of
from windows.auth import db
from windows.schemas import NO_NUL, EvaluationIn, EvaluationOut, PublicStatusOut
from workflows import feedback, queries
from workflows import progress as pg
from workflows.machine import FINAL_STATES
from workflows.models import Case
from workflows.office import CHINA, Office

router = APIRouter(prefix="/public", tags=["public 公众查询"])


def local_date(moment: dt.datetime | None) -> dt.date | None:
    if moment is None:
        return None
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)
    return aware.astimezone(CHINA).date()


def still_missing(office: Office, case: Case) -> list[str]:
    """Materials the applicant still owes: asked for and not yet present, or tolerated and not yet supplied."""
    if case.state in FINAL_STATES:
        return []
    rows = queries.material_rows(office.matter_of(case), case)
    return [r.material.name for r in rows if r.required and r.status not in pg.PRESENT]


@router.get("/status", response_model=PublicStatusOut)
def case_status(
    receipt_no: Annotated[str, Query(min_length=1, max_length=32, pattern=r"^[0-9A-Za-z]+$")],
    phone_last4: Annotated[str, Query(min_length=4, max_length=4, pattern=r"^[0-9]{4}$")],
    session: Session = Depends(db), office: Office = Depends(office_of),
) -> PublicStatusOut:
    case = feedback.case_for_applicant(session, receipt_no, phone_last4)
    matter = office.matter_of(case)
    return PublicStatusOut(
        receipt_no=case.receipt_no, matter_name=matter.definition.name,
        state_label=matter.compiled.state_label(case.state), received_on=local_date(case.received_at),
        accepted_on=case.accepted_on, promised_due=case.promised_due, closed_on=local_date(case.closed_at),
        missing=still_missing(office, case),
    )


@router.post("/evaluations", response_model=EvaluationOut, status_code=201)
def evaluate(body: EvaluationIn, session: Session = Depends(db), office: Office = Depends(office_of)) -> EvaluationOut:
    """好差评: once per closed case."""
    evaluation = feedback.evaluate_case(session=session, receipt_no=body.receipt_no, phone_last4=body.phone_last4,
                                        score=body.score, comment=body.comment, now=office.now())
    return EvaluationOut(receipt_no=body.receipt_no.strip().upper(), score=evaluation.score, at=evaluation.at)
