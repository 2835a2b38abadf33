"""The window's rating kiosk (窗口评价器): the applicant's screen at the counter, opened by the clerk.

    POST /cases/{case_id}/kiosk   the clerk opens it for a visit just served (clerks; CSRF); the form
                                  targets the kiosk's own browser window, which goes to /kiosk/{token}
    GET  /kiosk                   the waiting screen
    GET  /kiosk/{token}           five large buttons, one per level
    POST /kiosk/{token}           a level (a 差评 asks what was wrong on a second screen), then 谢谢您的评价

The kiosk routes need no login and honour nothing but the token (workflows/kiosk.py): no staff
chrome, nothing of the case but the matter's name and the window.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session

from windows.api_route import AnsweredInThread
from windows.auth import anyone
from windows.deps import CaseDep, ClerkDep, FormDep, OfficeDep, SessionDep
from windows.errors import status_of
from windows.forms import clean
from windows.openapi_responses import page_errors
from windows.public import rating_input
from windows.rendering import render
from workflows import errors, kiosk, ratings
from workflows.office import Office

router = APIRouter(route_class=AnsweredInThread, default_response_class=HTMLResponse,
                   responses=page_errors(403, 404, 409, 422))
THANKS_SECONDS = 8  # the thanks screen returns to the waiting screen after this


def _secret(request: Request) -> str:
    return request.app.state.settings.secret_key


def _screen(request: Request, screen: str, *, status: int = 200, **context: object) -> HTMLResponse:
    context = {"error": None, "chosen": None, "token": "", "about": None, "bad": False, "revisit_days": 0} | context
    return render(request, "kiosk.html", actor=None, status=status, title="窗口服务评价", screen=screen,
                  levels=ratings.LEVELS, bad_levels=ratings.BAD_LEVELS, categories=ratings.BAD_CATEGORIES,
                  thanks_seconds=THANKS_SECONDS, **context)


def _refused(request: Request, exc: errors.DomainError) -> HTMLResponse:
    return _screen(request, "refused", status=status_of(exc), error=exc)


@dataclass(frozen=True)
class About:
    """All the kiosk shows of the case: the matter's name and the window that served the visit."""

    matter: str
    window: str


def _about(session: Session, office: Office, visit: kiosk.KioskVisit) -> About:
    found = next(v for v in ratings.visits_of(session=session, case=visit.case) if v.seq == visit.visit_seq)
    window = office.profile.window(found.window)
    return About(office.matter_of(visit.case).definition.name, window.name if window else found.window)


@router.post("/cases/{case_id:int}/kiosk")
def open_kiosk(request: Request, actor: ClerkDep, form: FormDep, case: CaseDep, session: SessionDep,
               office: OfficeDep):
    try:
        seq = int(clean(form.get("visit_seq"), 12) or "0")
        token = kiosk.issue(session=session, office=office, secret=_secret(request), case=case, visit_seq=seq,
                            actor=actor)
    except ValueError:
        return _refused(request, errors.VisitNotFound())
    except errors.DomainError as exc:
        return _refused(request, exc)
    return RedirectResponse(f"/kiosk/{token}", status_code=303)


@router.get("/kiosk", dependencies=[Depends(anyone)])
def waiting(request: Request):
    return _screen(request, "waiting")


@router.get("/kiosk/{token}", dependencies=[Depends(anyone)])
def levels(request: Request, token: str, session: SessionDep, office: OfficeDep):
    try:
        visit = kiosk.opened(session=session, office=office, secret=_secret(request), token=token[:400])
    except errors.DomainError as exc:
        return _refused(request, exc)
    return _screen(request, "levels", token=token, about=_about(session, office, visit))


@router.post("/kiosk/{token}", dependencies=[Depends(anyone)])
def rate(request: Request, token: str, form: FormDep, session: SessionDep, office: OfficeDep):
    token, given = token[:400], rating_input(form)
    try:
        visit = kiosk.opened(session=session, office=office, secret=_secret(request), token=token)
    except errors.DomainError as exc:
        return _refused(request, exc)
    about = _about(session, office, visit)
    if ratings.is_bad(given.level) and form.get("stage") != "reasons":
        return _screen(request, "reasons", token=token, chosen=given, about=about)  # what was wrong, on its own screen
    try:
        rating = kiosk.rate(session=session, office=office, secret=_secret(request), token=token, given=given)
    except errors.BadInput as exc:
        screen = "reasons" if ratings.is_bad(given.level) else "levels"
        return _screen(request, screen, status=status_of(exc), token=token, chosen=given, error=exc, about=about)
    except errors.DomainError as exc:
        return _refused(request, exc)
    return _screen(request, "thanks", bad=ratings.is_bad(rating.level),
                   revisit_days=office.profile.rating_tasks.revisit_days)
