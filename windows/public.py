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

import functools

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
from workflows import errors, feedback, ratings
from workflows.applicant_status import ApplicantStatus, applicant_status
from workflows.cases import is_receipt_no
from workflows.models import Case
from workflows.notices import long_day
from workflows.office import Office
from workflows.rating_models import WHOLE_CASE

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
                 receipt_no: str = "", last4: str = "", thanks: str = "", rateable: ratings.Rateable | None = None):
    # The cursor waits where the applicant types next; a page with an answer keeps it where it is.
    focus = None if found else ("phone_last4" if receipt_no else "receipt_no")
    office = request.app.state.office
    return render(request, "public_status.html", actor=None, status=status_of(error) if error else 200,
                  title="办件进度查询", found=found, error=error, receipt_no=receipt_no, last4=last4, thanks=thanks,
                  focus=focus, rateable=rateable, level_labels={k: v[0] for k, v in ratings.LEVELS.items()},
                  window_names={w.code: w.name for w in office.profile.windows})


def _found_page(request: Request, session: Session, office: Office, case: Case, *, receipt_no: str, last4: str,
                error: errors.DomainError | None = None, thanks: str = ""):
    return _status_page(request, found=applicant_status(session=session, office=office, case=case), error=error,
                        receipt_no=receipt_no, last4=last4, thanks=thanks,
                        rateable=ratings.rateable(session=session, case=case))

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
    return _found_page(request, session, office, case, receipt_no=receipt_no, last4=last4)


@router.post("/public/evaluate")
def evaluate(request: Request, form: FormDep, session: SessionDep, office: OfficeDep):
    """好差评 in two steps: `stage=choose` shows the form for one visit (or 0, the whole case); `submit` records it."""
    receipt_no, last4 = _credentials(form)
    visit_seq = _visit_seq(form.get("visit_seq"))
    case = None
    given = rating_input(form)
    try:
        case = _lookup(request, session, office, receipt_no, last4)
        if form.get("stage") == "choose":
            return _rate_page(request, session, case, visit_seq, receipt_no=receipt_no, last4=last4)
        rate = ratings.rate_case if visit_seq == WHOLE_CASE else functools.partial(ratings.rate_visit,
                                                                                   visit_seq=visit_seq)
        rating = rate(session=session, office=office, case=case, given=given, channel="public", now=office.now())
    except errors.BadInput as exc:
        if case is None:
            return _status_page(request, error=exc, receipt_no=receipt_no)
        return _rate_page(request, session, case, visit_seq, receipt_no=receipt_no, last4=last4, error=exc,
                          chosen=given)
    except errors.DomainError as exc:
        if case is None:
            return _status_page(request, error=exc, receipt_no=receipt_no)
        return _found_page(request, session, office, case, receipt_no=receipt_no, last4=last4, error=exc)
    return _found_page(request, session, office, case, receipt_no=receipt_no, last4=last4,
                       thanks="bad" if ratings.is_bad(rating.level) else "good")


def rating_input(form: FormData) -> ratings.RatingInput:
    """The rating form's fields (the public page's and the kiosk's)."""
    return ratings.RatingInput(level=clean(form.get("level"), 24), comment=clean(form.get("comment"), 600),
                               categories=tuple(clean(c, 24) for c in form.getlist("categories"))[:20])


def _visit_seq(value) -> int:
    try:
        return max(int(str(value or "0")), 0)
    except ValueError:
        return WHOLE_CASE


def _rate_page(request: Request, session: Session, case: Case, visit_seq: int, *, receipt_no: str, last4: str,
               error: errors.DomainError | None = None, chosen: ratings.RatingInput | None = None):
    return render(request, "public_rate.html", actor=None, status=status_of(error) if error else 200,
                  title="好差评", what=rating_subject(request, session, case, visit_seq), receipt_no=receipt_no,
                  last4=last4, visit_seq=visit_seq, error=error, chosen=chosen, levels=ratings.LEVELS,
                  categories=ratings.BAD_CATEGORIES, autofocus=True,
                  revisit_days=request.app.state.office.profile.rating_tasks.revisit_days,
                  rectify_days=request.app.state.office.profile.rating_tasks.rectify_days)


def rating_subject(request: Request, session: Session, case: Case, visit_seq: int) -> str:
    """What is being rated, in one sentence: the visit (day and window) or the whole case."""
    office = request.app.state.office
    matter = office.matter_of(case).definition.name
    if visit_seq == WHOLE_CASE:
        return f"您正在评价整个办件：{matter}（收件编号 {case.receipt_no}）。"
    visit = next((v for v in ratings.visits_of(session=session, case=case) if v.seq == visit_seq), None)
    if visit is None:
        raise errors.VisitNotFound()
    window = office.profile.window(visit.window)
    where = window.name if window else visit.window
    day = office.time.local(visit.at)
    return f"您正在评价 {long_day(day.date())} 到{where}办理“{matter}”（{visit.purpose}）的这次服务。"
