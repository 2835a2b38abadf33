"""Public pages (no login): the catalogue with links to the guides, case status lookup, and 好差评.

The status page shows what `workflows.applicant_status` lets an applicant
see: the state and dates, what they owe and how to send it, the result, and
nothing else about them. Every QR code on a paper links here with the
receipt number (`/public/status?receipt_no=…`): the form comes back with it
filled in and the cursor on the phone digits, so four digits and Enter find
the case. Filling it in looks nothing up, so the link says no more about a
case than the number printed beside it.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session
from starlette.datastructures import FormData

from windows.api_route import AnsweredInThread
from windows.auth import TooManyAttempts, anyone, client_key
from windows.deps import FormDep, OfficeDep, SessionDep
from windows.errors import status_of
from windows.forms import clean
from windows.openapi_responses import page_errors
from windows.rendering import render
from workflows import errors, feedback
from workflows.applicant_status import ApplicantStatus, applicant_status
from workflows.cases import is_receipt_no
from workflows.models import Case
from workflows.office import Office

router = APIRouter(route_class=AnsweredInThread, dependencies=[Depends(anyone)], default_response_class=HTMLResponse,
                   responses=page_errors(404, 422, 429, 503))


# The catalogue and the empty lookup form read no database: rendered on the event loop, they
# answer even while every handler thread waits on a database that stopped answering.
@router.get("/public")
async def catalogue(request: Request):
    return render(request, "public_catalogue.html", actor=None, title="办事服务",
                  entries=request.app.state.matter_index.entries)


@router.get("/public/status")
async def status_form(request: Request, receipt_no: str = ""):
    """The lookup form; a well-formed `receipt_no` (the QR codes' link) comes filled in."""
    given = clean(receipt_no, 32)
    return _status_page(request, receipt_no=given.upper() if is_receipt_no(given) else "")


def _status_page(request: Request, *, found: ApplicantStatus | None = None, error: errors.DomainError | None = None,
                 receipt_no: str = "", last4: str = "", thanks: bool = False):
    # The cursor waits where the applicant types next; a page with an answer keeps it where it is.
    focus = None if found else ("phone_last4" if receipt_no else "receipt_no")
    return render(request, "public_status.html", actor=None, status=status_of(error) if error else 200,
                  title="办件进度查询", found=found, error=error, receipt_no=receipt_no, last4=last4, thanks=thanks,
                  focus=focus)

def _lookup(request: Request, session: Session, office: Office, receipt_no: str, last4: str) -> Case:
    throttle, now, address = request.app.state.lookup_throttle, office.now(), client_key(request)
    if throttle.blocked(session=session, address=address, now=now):
        raise TooManyAttempts("查询失败次数过多，请 15 分钟后再试")
    try:
        return feedback.case_for_applicant(session, receipt_no[:32], last4[:4])
    except errors.NotFound:
        throttle.failed(session=session, address=address, now=now)
        raise


def _credentials(form: FormData) -> tuple[str, str]:
    return clean(form.get("receipt_no"), 32), clean(form.get("phone_last4"), 4)


@router.post("/public/status")
def status_lookup(request: Request, form: FormDep, session: SessionDep, office: OfficeDep):
    receipt_no, last4 = _credentials(form)
    try:
        case = _lookup(request, session, office, receipt_no, last4)
    except errors.DomainError as exc:
        return _status_page(request, error=exc, receipt_no=receipt_no)
    found = applicant_status(session=session, office=office, case=case)
    return _status_page(request, found=found, receipt_no=receipt_no, last4=last4)


@router.post("/public/evaluate")
def evaluate(request: Request, form: FormDep, session: SessionDep, office: OfficeDep):
    receipt_no, last4 = _credentials(form)
    case = None
    try:
        case = _lookup(request, session, office, receipt_no, last4)
        feedback.evaluate_case(session=session, office=office, receipt_no=receipt_no, phone_last4=last4,
                               score=_score(form.get("score")), comment=clean(form.get("comment")),
                               now=office.now())
    except errors.DomainError as exc:
        found = applicant_status(session=session, office=office, case=case) if case is not None else None
        return _status_page(request, found=found, error=exc, receipt_no=receipt_no, last4=last4)
    return _status_page(request, found=applicant_status(session=session, office=office, case=case),
                        receipt_no=receipt_no, last4=last4, thanks=True)


def _score(value) -> int:
    try:
        return int(str(value))
    except ValueError:
        raise errors.BadInput("请选择 1 至 5 分", field="score") from None
