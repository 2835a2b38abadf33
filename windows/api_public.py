"""The applicant's side of the API, without login: status lookup and 好差评.

Both need the receipt number and the last 4 digits of the applicant's phone.
They share the public pages' lookup, so a wrong pair reads like an unknown
case and counts against the same per-address limit (429 once exceeded), and
they show exactly what the status page shows: no personal data.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from windows.api_route import AnsweredInThread
from windows.deps import OfficeDep, SessionDep
from windows.openapi_responses import BODY_ERRORS, api_errors
from windows.public import _lookup as throttled_lookup  # one lookup rule for the page and the API
from windows.schemas import EvaluationIn, EvaluationOut, PublicStatusOut
from workflows import ratings
from workflows.applicant_status import applicant_status
from workflows.rating_models import WHOLE_CASE

router = APIRouter(prefix="/public", tags=["public 公众查询"], route_class=AnsweredInThread,
                   responses=api_errors(429))


@router.get("/status", response_model=PublicStatusOut)
def case_status(
    request: Request,
    receipt_no: Annotated[str, Query(min_length=1, max_length=32, pattern=r"^[0-9A-Za-z]+$")],
    phone_last4: Annotated[str, Query(min_length=4, max_length=4, pattern=r"^[0-9]{4}$")],
    session: SessionDep, office: OfficeDep,
) -> PublicStatusOut:
    """State and dates; what is owed, by when and how to send it; once closed, the result and the EMS number."""
    case = throttled_lookup(request, session, office, receipt_no, phone_last4)
    return PublicStatusOut.of(applicant_status(session=session, office=office, case=case))


@router.post("/evaluations", response_model=EvaluationOut, status_code=201, responses=BODY_ERRORS)
def evaluate(request: Request, body: EvaluationIn, session: SessionDep, office: OfficeDep) -> EvaluationOut:
    """好差评: each counter visit once (一次一评, `visit_seq`) and the closed case once (一事一评, `visit_seq` 0).

    The level is `level`; the old `score` (1–5) is still taken, deprecated, in its place."""
    # A malformed body is answered before the lookup. The deprecated score is read from the dump: reading the
    # attribute would warn, and the deprecation is the client's to hear (OpenAPI), not the server log's.
    level = ratings.level_given(level=body.level, score=body.model_dump(include={"score"})["score"])
    case = throttled_lookup(request, session, office, body.receipt_no, body.phone_last4)
    given = ratings.RatingInput(level=level, categories=tuple(body.categories), comment=body.comment)
    if body.visit_seq == WHOLE_CASE:
        rating = ratings.rate_case(session=session, office=office, case=case, given=given, channel="api",
                                   now=office.now())
    else:
        rating = ratings.rate_visit(session=session, office=office, case=case, visit_seq=body.visit_seq, given=given,
                                    channel="api", now=office.now())
    return EvaluationOut(receipt_no=case.receipt_no, visit_seq=rating.visit_seq, level=rating.level,
                         level_label=ratings.level_label(rating.level), task_opened=ratings.is_bad(rating.level),
                         at=office.time.local(rating.at))
